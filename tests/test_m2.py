"""Schema M2, AFM/GAFM, norms and schema M1 totals (w13xl.m2)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import (
    PLAN_ES,
    PLAN_GBR,
    PLAN_IS,
    PLAN_MINIMUM_RESERVE,
    PLAN_OPENING,
    PLAN_V,
    PLAN_YEARS,
    SAMPLE,
)

from w13xl.m2 import LINE_KEYS, compute_m1, compute_m2, m2_arrays, m2_rows
from w13xl.model import CATEGORIES, DIRECTIONS, EXPLOITATIE, FINANCIERING, INVESTERINGEN, O, U, Plan
from w13xl.params import Parameters
from w13xl.workbook import load_plan

# Source rounding: the printed schema M2 differs by up to a couple of euro from the cent sums.
ROUNDING = 2.0


@pytest.fixture(scope="module", params=["Synthese", "Synthese (export)"])
def plan_m2(request):
    loaded = load_plan(SAMPLE, sheet=request.param)
    return loaded, compute_m2(loaded.plan, loaded.params)


# -- the plan's own figures ---------------------------------------------------------------------
def test_plan_years_and_layout(plan_m2):
    loaded, result = plan_m2
    assert result.years == PLAN_YEARS
    assert loaded.layout == ("table" if loaded.sheet == "Synthese" else "pivot")
    assert loaded.warnings == []


def test_plan_exploitatiesaldo(plan_m2):
    _, r = plan_m2
    np.testing.assert_allclose(r["exploitatiesaldo"], PLAN_ES, atol=ROUNDING, rtol=0)


def test_plan_investeringssaldo_exact(plan_m2):
    _, r = plan_m2
    np.testing.assert_array_equal(r["investeringssaldo"], PLAN_IS)
    np.testing.assert_array_equal(r["investeringen_ontvangsten"], [445_000, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(r["investeringen_uitgaven"], [460_000, 10_000, 9_500, 9_000, 8_500, 8_000])


def test_plan_budgettair_resultaat_and_reserve(plan_m2):
    _, r = plan_m2
    np.testing.assert_allclose(r["budgettair_resultaat"], PLAN_V, atol=ROUNDING, rtol=0)
    np.testing.assert_allclose(r["gecumuleerd_budgettair_resultaat"], PLAN_GBR, atol=ROUNDING, rtol=0)
    np.testing.assert_allclose(r["beschikbaar_budgettair_resultaat"], PLAN_GBR, atol=ROUNDING, rtol=0)
    assert r["gecumuleerd_budgettair_resultaat_vorig_boekjaar"][0] == PLAN_OPENING
    np.testing.assert_array_equal(r["gecumuleerd_budgettair_resultaat_vorig_boekjaar"][1:],
                                  r["gecumuleerd_budgettair_resultaat"][:-1])
    assert not r["financieringssaldo"].any()


def test_plan_exploitation_2026_to_the_cent(plan_m2):
    _, r = plan_m2
    assert round(r["exploitatie_ontvangsten"][0], 2) == 4_622_731.36
    assert round(r["exploitatie_uitgaven"][0], 2) == 4_562_880.23
    assert round(r["exploitatiesaldo"][0], 2) == 59_851.13
    assert round(r["gecumuleerd_budgettair_resultaat"][-1], 2) == 454_275.79


def test_plan_norms(plan_m2):
    loaded, r = plan_m2
    # W13 has no loans: AFM = GAFM = ES
    np.testing.assert_array_equal(r["autofinancieringsmarge"], r["exploitatiesaldo"])
    np.testing.assert_array_equal(r["gecorrigeerde_autofinancieringsmarge"], r["exploitatiesaldo"])
    assert r.norms["bbr_nonnegative"].ok
    afm = r.norms["afm_last_year_nonnegative"]
    assert not afm.ok and afm.first_breach_year == 2031 and afm.breach_years == (2031,)
    assert r.norms["reserve_above_minimum"].ok
    np.testing.assert_allclose(r.minimum_reserve, [PLAN_MINIMUM_RESERVE] * 6, atol=0.005, rtol=0)
    assert loaded.params.opening_reserve == PLAN_OPENING


def test_table_and_pivot_agree_to_the_cent():
    table = load_plan(SAMPLE, sheet="Synthese")
    pivot = load_plan(SAMPLE, sheet="Synthese (export)")
    rt, rp = compute_m2(table.plan, table.params), compute_m2(pivot.plan, pivot.params)
    for key in LINE_KEYS:
        np.testing.assert_allclose(rt[key], rp[key], atol=1e-6, rtol=0, err_msg=key)
    np.testing.assert_allclose(table.plan.totals(), pivot.plan.totals(), atol=1e-6, rtol=0)


# -- a hand-computed case with loans ------------------------------------------------------------
LOAN_YEARS = (2026, 2027, 2028)
LOAN_LINES = [
    ("A10101", EXPLOITATIE, O, [1000.0, 1100.0, 1200.0]),
    ("A10101", EXPLOITATIE, U, [700.0, 800.0, 1250.0]),
    ("A50111", INVESTERINGEN, O, [0.0, 50.0, 0.0]),
    ("A50111", INVESTERINGEN, U, [200.0, 0.0, 100.0]),
    ("A50111", FINANCIERING, O, [150.0, 0.0, 0.0]),  # a new loan
    ("A50111", FINANCIERING, U, [40.0, 45.0, 50.0]),  # its repayments
]
LOAN_PARAMS = Parameters(
    opening_reserve=500.0,
    unavailable={2028: 100.0},
    repayments={2026: 40.0, 2027: 45.0, 2028: 50.0},
    recoveries={2026: 5.0, 2027: 5.0},
    outstanding_debt={2026: 600.0, 2027: 700.0, 2028: 655.0},
    designated_repayment_rate=0.08,
    minimum_reserve=800.0,
)
# Written out by hand:
#   ES  = 1000-700, 1100-800, 1200-1250                  = 300, 300, -50
#   IS  = 0-200, 50-0, 0-100                             = -200, 50, -100
#   III = ES + IS                                        = 100, 350, -150
#   FS  = 150-40, 0-45, 0-50                             = 110, -45, -50
#   V   = III + FS                                       = 210, 305, -200
#   VI  = 500, then VII of the year before               = 500, 710, 1015
#   VII = V + VI                                         = 710, 1015, 815
#   VIII                                                 = 0, 0, 100
#   IX  = VII - VIII                                     = 710, 1015, 715
#   net repayments = aflossingen - terugvorderingen      = 40-5, 45-5, 50-0 = 35, 40, 50
#   AFM = ES - net repayments                            = 265, 260, -100
#   aangewezen aflossingen = 8% x debt on 1/1            = 48, 56, 52.4
#   correction = aflossingen - aangewezen                = -8, -11, -2.4
#   GAFM = AFM + correction                              = 257, 249, -102.4
LOAN_EXPECTED = {
    "exploitatiesaldo": [300, 300, -50],
    "investeringssaldo": [-200, 50, -100],
    "saldo_exploitatie_investeringen": [100, 350, -150],
    "financieringssaldo": [110, -45, -50],
    "financiering_ontvangsten": [150, 0, 0],
    "financiering_uitgaven": [40, 45, 50],
    "budgettair_resultaat": [210, 305, -200],
    "gecumuleerd_budgettair_resultaat_vorig_boekjaar": [500, 710, 1015],
    "gecumuleerd_budgettair_resultaat": [710, 1015, 815],
    "onbeschikbare_gelden": [0, 0, 100],
    "beschikbaar_budgettair_resultaat": [710, 1015, 715],
    "periodieke_aflossingen": [40, 45, 50],
    "periodieke_terugvorderingen": [5, 5, 0],
    "netto_periodieke_aflossingen": [35, 40, 50],
    "autofinancieringsmarge": [265, 260, -100],
    "aangewezen_aflossingen": [48, 56, 52.4],
    "correctie_periodieke_aflossingen": [-8, -11, -2.4],
    "gecorrigeerde_autofinancieringsmarge": [257, 249, -102.4],
}


def loan_plan() -> Plan:
    return Plan.from_lines(LOAN_YEARS, LOAN_LINES)


def test_hand_computed_loans():
    r = compute_m2(loan_plan(), LOAN_PARAMS)
    for key, expected in LOAN_EXPECTED.items():
        np.testing.assert_allclose(r[key], expected, atol=1e-9, rtol=0, err_msg=key)


def test_hand_computed_loans_norms():
    r = compute_m2(loan_plan(), LOAN_PARAMS)
    assert r.norms["bbr_nonnegative"].ok
    afm = r.norms["afm_last_year_nonnegative"]
    assert (afm.ok, afm.first_breach_year, afm.breach_years) == (False, 2028, (2028,))
    reserve = r.norms["reserve_above_minimum"]  # 710 < 800 in 2026 only
    assert (reserve.ok, reserve.first_breach_year, reserve.breach_years) == (False, 2026, (2026,))


def test_designated_rate_is_a_parameter():
    r = compute_m2(loan_plan(), LOAN_PARAMS.replace(designated_repayment_rate=0.10))
    np.testing.assert_allclose(r["aangewezen_aflossingen"], [60, 70, 65.5], atol=1e-9, rtol=0)
    np.testing.assert_allclose(r["gecorrigeerde_autofinancieringsmarge"], [245, 235, -115.5], atol=1e-9, rtol=0)


def test_bbr_breach_is_reported():
    # Unavailable funds larger than the reserve in 2027 and 2028 make BBR negative there.
    params = LOAN_PARAMS.replace(unavailable={2027: 1100.0, 2028: 815.01})
    r = compute_m2(loan_plan(), params)
    np.testing.assert_allclose(r["beschikbaar_budgettair_resultaat"], [710, -85, -0.01], atol=1e-9, rtol=0)
    bbr = r.norms["bbr_nonnegative"]
    assert (bbr.ok, bbr.first_breach_year, bbr.breach_years) == (False, 2027, (2027, 2028))


def test_norm_tolerance_is_half_a_cent():
    plan = Plan.from_lines((2026,), [("A10101", EXPLOITATIE, U, [0.004])])
    assert compute_m2(plan, Parameters()).norms["afm_last_year_nonnegative"].ok
    plan = Plan.from_lines((2026,), [("A10101", EXPLOITATIE, U, [0.01])])
    assert not compute_m2(plan, Parameters()).norms["afm_last_year_nonnegative"].ok


def test_minimum_reserve_amount_or_percentage():
    plan = loan_plan()
    assert compute_m2(plan, Parameters()).minimum_reserve is None
    assert "reserve_above_minimum" not in compute_m2(plan, Parameters()).norms
    pct = Parameters(minimum_reserve_pct=0.10, wage_cost={2026: 1000.0, 2027: 2000.0, 2028: 3000.0})
    np.testing.assert_allclose(compute_m2(plan, pct).minimum_reserve, [100, 200, 300])
    both = pct.replace(minimum_reserve=250.0)
    np.testing.assert_allclose(compute_m2(plan, both).minimum_reserve, [250, 250, 250])


def test_batch_axes_match_single_runs():
    plan = loan_plan()
    amounts = np.stack([plan.amounts, plan.amounts * 1.1, plan.amounts * 0.5])
    from w13xl.model import category_totals

    totals = category_totals(plan.categories, plan.directions, amounts)
    years = plan.years
    batch = m2_arrays(totals, opening_reserve=np.array([500.0, 0.0, -10.0]),
                      unavailable=LOAN_PARAMS.per_year("unavailable", years),
                      repayments=LOAN_PARAMS.per_year("repayments", years),
                      recoveries=LOAN_PARAMS.per_year("recoveries", years),
                      designated_repayments=0.08 * LOAN_PARAMS.per_year("outstanding_debt", years))
    for i, opening in enumerate([500.0, 0.0, -10.0]):
        single = compute_m2(plan.with_amounts(amounts[i]), LOAN_PARAMS.replace(opening_reserve=opening))
        for key in LINE_KEYS:
            assert batch[key].shape == (3, 3), key
            np.testing.assert_allclose(batch[key][i], single[key], atol=1e-9, rtol=0, err_msg=key)


def test_to_dict_holds_documented_keys():
    d = compute_m2(loan_plan(), LOAN_PARAMS.replace(bestuur="gemeente")).to_dict()
    assert d["years"] == [2026, 2027, 2028]
    assert d["bestuur"] == "gemeente"
    for key in LINE_KEYS:
        assert len(d[key]) == 3, key
    assert d["gecorrigeerde_autofinancieringsmarge"] == pytest.approx([257, 249, -102.4])
    assert d["minimumreserve"] == [800.0, 800.0, 800.0]
    assert set(d["norms"]) == {"bbr_nonnegative", "afm_last_year_nonnegative", "reserve_above_minimum"}
    afm = d["norms"]["afm_last_year_nonnegative"]
    assert afm["bron"].startswith("art. 16 van het besluit van de Vlaamse Regering van 30 maart 2018")
    assert {k: v for k, v in afm.items() if k != "bron"} == {
        "label": "Wettelijke norm (BBC): autofinancieringsmarge ≥ 0 in het laatste planjaar (2028)",
        "soort": "wettelijk", "ok": False, "first_breach_year": 2028, "breach_years": [2028]}
    assert d["norms"]["reserve_above_minimum"]["soort"] == "beleid"  # a gemeente's own minimum: never law


def test_m2_rows_statutory_order():
    r = compute_m2(loan_plan(), LOAN_PARAMS)
    rows = m2_rows(r)
    assert [key for _, _, key, _ in rows] == [*LINE_KEYS, "minimumreserve"]
    main = m2_rows(r, details=False, minimum_reserve=False)
    # the saldi of schema M2 (I-IX) and of the AFM and corrected AFM (II, III each), no a/b lines
    assert [key for _, _, key, _ in main] == [
        "exploitatiesaldo", "investeringssaldo", "saldo_exploitatie_investeringen", "financieringssaldo",
        "budgettair_resultaat", "gecumuleerd_budgettair_resultaat_vorig_boekjaar", "gecumuleerd_budgettair_resultaat",
        "onbeschikbare_gelden", "beschikbaar_budgettair_resultaat", "netto_periodieke_aflossingen",
        "autofinancieringsmarge", "correctie_periodieke_aflossingen", "gecorrigeerde_autofinancieringsmarge"]
    assert [n for n, *_ in main][:9] == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"]


# -- schema M1 ------------------------------------------------------------------------------------
def _m1_sums(records, years):
    per_bd: dict[tuple[str, str], np.ndarray] = {}
    total: dict[tuple[str, str], np.ndarray] = {}
    for rec in records:
        key = (rec["categorie"], rec["richting"])
        values = np.array([rec[str(y)] for y in years])
        target = total if rec["beleidsdoelstelling"] == "Totaal" else per_bd
        target[key] = target.get(key, 0) + values
    return per_bd, total


def test_m1_adds_up_to_m2_on_the_plan():
    loaded = load_plan(SAMPLE)
    r = compute_m2(loaded.plan, loaded.params)
    records = compute_m1(loaded.plan)
    bds = list(dict.fromkeys(rec["beleidsdoelstelling"] for rec in records))
    # the plan has no budgeted action under Lerend netwerk (2)
    assert bds == ["Dienstverlening", "Regionaal beleid", "Netwerkanker", "Organisatie", "Totaal"]
    per_bd, total = _m1_sums(records, r.years)
    for cat in CATEGORIES:
        for d, word in zip(DIRECTIONS, ("ontvangsten", "uitgaven")):
            np.testing.assert_allclose(per_bd[(cat, d)], r[f"{cat}_{word}"], atol=1e-6, rtol=0)
            np.testing.assert_allclose(total[(cat, d)], r[f"{cat}_{word}"], atol=1e-6, rtol=0)
    # the investments sit in Dienstverlening (A10402) and Organisatie (A50111)
    inv_u = {rec["beleidsdoelstelling"]: rec["2026"] for rec in records
             if rec["categorie"] == "investeringen" and rec["richting"] == "U"}
    assert inv_u["Dienstverlening"] == 445_000 and inv_u["Organisatie"] == 15_000
    assert inv_u["Regionaal beleid"] == 0


def test_m1_hand_case():
    records = compute_m1(loan_plan())
    by = {(r["beleidsdoelstelling"], r["categorie"], r["richting"]): r for r in records}
    assert by[("Dienstverlening", "exploitatie", "O")]["2028"] == 1200.0
    assert by[("Organisatie", "financiering", "U")]["2027"] == 45.0
    assert by[("Totaal", "investeringen", "U")]["2026"] == 200.0
    assert len(records) == 3 * 6  # two beleidsdoelstellingen + Totaal, 6 lines each
