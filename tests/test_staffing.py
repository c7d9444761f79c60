"""Tests for w13xl.staffing (staff cost model)."""

from __future__ import annotations

import dataclasses

from datetime import date, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w13xl import staffing as sf
from w13xl.staffing import (
    PLAN_HEAD_COUNT,
    PLAN_T2_STAFF_COST,
    PLAN_YEARS,
    Position,
    SalaryScales,
    StaffParameters,
)

# Parameters written out (equal to the documented defaults) so the hand arithmetic is explicit.
PARAMS = StaffParameters(
    salary_coefficient=2.1223,
    employer_social_security=0.32,
    holiday_pay=0.92 / 12,
    end_of_year_bonus=0.07,
    second_pillar_rate=0.03,
    second_pillar_levy=0.0886,
    second_pillar_admin=1500.0,
    social_security_on_holiday_pay=False,
    other_cost_per_head=3019.80,
    yearly_step=True,
    reference_year=2026,
)
SCALES = SalaryScales({"B1-B3": (20_000.0, 21_000.0, 22_000.0), "A1a-A3a": (30_000.0,)})


def pos(pid="X1", scale="B1-B3", step=1, fte=1.0, start=None, end=None, level="B",
        action="A10302", funded_by="SUB-PACT", person=""):
    return Position(id=pid, function="test", level=level, scale=scale, step=step, fte=fte,
                    action=action, funded_by=funded_by, start=start, end=end, person=person)


# --------------------------------------------------------------------------------------------
# cost arithmetic
# --------------------------------------------------------------------------------------------
def test_defaults_are_documented_values():
    d = StaffParameters()
    assert d == PARAMS
    # issue 9: no employer social security on public-sector holiday pay (RSZ DmfAPPL instructions)
    assert d.cost_factor == pytest.approx(1 + 0.92 / 12 + 0.07 + (1 + 0.07) * 0.32 + 0.03 * 1.0886)
    # T2 line f 2026 (60,396) over the 20 heads of table 3.4
    assert d.other_cost_per_head == pytest.approx(60_396 / 20)


def test_hand_computed_cost_of_one_position():
    # B1-B3, step 1 in 2026 -> 21,000.00 at 100%; 0.8 FTE, whole year, no index.
    # (Issue 9: social security no longer on holiday pay; + other personnel cost per head.)
    gross = 21_000.00 * 2.1223                      # 44,568.30
    holiday = gross * 0.92 / 12                     #  3,416.903
    bonus = gross * 0.07                            #  3,119.781
    social = (gross + bonus) * 0.32                 # 47,688.081 x 0.32 = 15,260.186
    pillar = gross * 0.03 * 1.0886                  #  1,455.509
    per_fte = gross + holiday + bonus + social + pillar   # 67,820.679
    other = 3_019.80                                      # one head, whatever the FTE
    expected = per_fte * 0.8 + other                      # 54,256.54 + 3,019.80 = 57,276.34
    assert gross == pytest.approx(44_568.30, abs=1e-9)
    assert expected == pytest.approx(57_276.34, abs=0.01)

    p = pos(step=1, fte=0.8)
    costs = sf.position_costs([p], SCALES, PARAMS, [2026])
    assert costs.shape == (1, 1)
    assert costs[0, 0] == pytest.approx(expected, rel=1e-12)

    bd = sf.cost_breakdown([p], SCALES, PARAMS, [2026])
    assert bd.gross[0, 0] == pytest.approx(gross * 0.8, rel=1e-12)
    assert bd.holiday_pay[0, 0] == pytest.approx(holiday * 0.8, rel=1e-12)
    assert bd.end_of_year_bonus[0, 0] == pytest.approx(bonus * 0.8, rel=1e-12)
    assert bd.social_security[0, 0] == pytest.approx(social * 0.8, rel=1e-12)
    assert bd.second_pillar[0, 0] == pytest.approx(pillar * 0.8, rel=1e-12)
    assert bd.other[0, 0] == pytest.approx(other, rel=1e-12)
    assert bd.total[0, 0] == pytest.approx(costs[0, 0], rel=1e-12)

    # the single-position function used by LOONKOST gives the same figure
    assert sf.position_cost("B1-B3", 1, 0.8, 12, scales=SCALES, params=PARAMS) == pytest.approx(
        expected, rel=1e-12)
    # 9 months and a year fraction
    assert sf.position_cost("B1-B3", 1, 0.8, 9, scales=SCALES, params=PARAMS) == pytest.approx(
        expected * 9 / 12, rel=1e-12)
    assert sf.position_cost("B1-B3", 1, 0.8, scales=SCALES, params=PARAMS,
                            year_fraction=0.5) == pytest.approx(expected / 2, rel=1e-12)


def test_next_year_takes_the_next_step_and_the_index():
    # 2027: step 2 -> 22,000 at 100%, index 1.02
    p = pos(step=1, fte=1.0)
    m = sf.flat_wage_index([2026, 2027])
    assert m.tolist() == [1.0, 1.02]
    c = sf.position_costs([p], SCALES, PARAMS, [2026, 2027], m)
    assert c[0, 1] == pytest.approx((22_000 * 2.1223 * PARAMS.cost_factor + 3_019.80) * 1.02, rel=1e-12)


def test_loonkost_indexes_from_the_reference_year():
    base = sf.position_cost("B1-B3", 2, 1.0, scales=SCALES, params=PARAMS)
    assert sf.loonkost("B1-B3", 2, 1.0, 2028, scales=SCALES, params=PARAMS) == pytest.approx(
        base * 1.02**2, rel=1e-12)
    # half an FTE for half a year: the pay part / 4, the per-head other cost / 2
    assert sf.loonkost("B1-B3", 2, 0.5, 2026, 6, scales=SCALES, params=PARAMS) == pytest.approx(
        (base - 3_019.80) / 4 + 3_019.80 / 2, rel=1e-12)
    # bundled scales by default
    assert sf.loonkost("B1-B3", 10, 1.0, 2026) > 0


def test_full_year_cost_is_twelve_months_whatever_the_dates():
    # the engine's rule for a position ending on a thousand dates: cost = full-year cost x months / 12.
    # Hand figure: B1-B3 step 1 at 0.8 FTE costs 57,276.34 for a whole 2026 (above); from 1 March
    # to 30 September 2026 (7 months) 57,276.34 x 7 / 12 = 33,411.20; the full-year cost ignores
    # the dates (12 months in each year), step 2 in 2027: (22,000 x 2.1223 x cost factor) x 0.8 + 3,019.80.
    p = pos(step=1, fte=0.8, start=date(2026, 3, 1), end=date(2026, 9, 30))
    years = [2026, 2027]
    part = sf.cost_breakdown([p], SCALES, PARAMS, years).total[0]
    full = sf.cost_breakdown([p], SCALES, PARAMS, years, full_year=True).total[0]
    assert part[0] == pytest.approx(33_411.20, abs=0.01)
    assert part[1] == 0.0
    assert full[0] == pytest.approx(57_276.34, abs=0.01)
    assert full[1] == pytest.approx(22_000 * 2.1223 * PARAMS.cost_factor * 0.8 + 3_019.80, rel=1e-12)
    assert np.allclose(full * sf.active_months([p], years)[0] / 12, part, rtol=1e-12, atol=0)


def test_until_is_replace_of_the_end_and_keeps_the_one_check():
    p = pos(step=1, fte=0.8, start=date(2026, 3, 1))
    q = p.until(date(2027, 6, 30), "SUB-X")
    assert q == dataclasses.replace(p, end=date(2027, 6, 30), funded_by="SUB-X")
    assert hash(q) == hash(dataclasses.replace(p, end=date(2027, 6, 30), funded_by="SUB-X"))
    assert p.until(None) == p and p.end is None
    with pytest.raises(sf.RowError, match="einde 2026-02-28 ligt voor start 2026-03-01"):
        p.until(date(2026, 2, 28))


def test_notice_basis_then_the_date():
    # in service 1/3/2025, notice given 31/12/2028: 46 completed months = 3 full years; art. 37/2:
    # from 3 to less than 4 years 13 weeks; 13 x 7 / (365.25 / 12) = 2.99 -> 3 whole months
    p = pos(step=1, fte=1.0, start=date(2025, 3, 1))
    p = dataclasses.replace(p, hired=date(2025, 3, 1))
    basis = sf.notice_basis(p, scales=SCALES, params=PARAMS)
    assert basis.part1_months is None
    assert basis.terms(date(2028, 12, 31)) == (46, 13, 3)
    assert basis.on(date(2028, 12, 31)) == sf.notice(p, date(2028, 12, 31), scales=SCALES, params=PARAMS)


# --------------------------------------------------------------------------------------------
# months, steps, scales
# --------------------------------------------------------------------------------------------
def test_active_months_pro_rata():
    years = [2026, 2027, 2028]
    ps = [
        pos("open"),
        pos("hbdh", end=date(2026, 9, 30)),                         # Jan..Sep 2026 = 9
        pos("march", start=date(2026, 3, 1)),                       # Mar..Dec = 10
        pos("mid", start=date(2026, 3, 15), end=date(2027, 2, 10)),  # 10 and 2 (whole months)
        pos("oct", start=date(2026, 10, 1)),                         # 3, then 12
        pos("end27", end=date(2027, 12, 31)),                        # 12, 12, 0
        pos("later", start=date(2029, 1, 1)),                        # 0
        pos("oneday", start=date(2027, 6, 1), end=date(2027, 6, 1)),  # 1 month
    ]
    m = sf.active_months(ps, years)
    assert m.tolist() == [
        [12, 12, 12],
        [9, 0, 0],
        [10, 12, 12],
        [10, 2, 0],
        [3, 12, 12],
        [12, 12, 0],
        [0, 0, 0],
        [0, 1, 0],
    ]
    c = sf.position_costs(ps[:2], SCALES, PARAMS, [2026])
    assert c[1, 0] == pytest.approx(c[0, 0] * 9 / 12, rel=1e-12)
    assert sf.active_months([], years).shape == (0, 3)  # no positions: no months (an empty roster)


def test_step_progression_and_last_step_cap():
    assert SCALES.amount("B1-B3", 0) == 20_000
    assert SCALES.amount("B1-B3", 2) == 22_000
    assert SCALES.amount("B1-B3", 7) == 22_000          # beyond the last step: the last
    assert SCALES.amount("b1 - b3", 1) == 21_000         # case and blanks ignored
    years = [2026, 2027, 2028, 2029]
    ps = [pos("a", step=0), pos("hired28", step=0, start=date(2028, 7, 1))]
    steps = sf.position_steps(ps, years, PARAMS)
    assert steps.tolist() == [[0, 1, 2, 3], [0, 0, 0, 1]]
    pay_only = dataclasses.replace(PARAMS, other_cost_per_head=0.0)  # the per-head cost has no steps
    c = sf.position_costs(ps[:1], SCALES, pay_only, years)
    per_euro = 2.1223 * PARAMS.cost_factor
    assert (c[0] / per_euro).tolist() == pytest.approx([20_000, 21_000, 22_000, 22_000])
    # without yearly steps the amount stays
    flat = StaffParameters(yearly_step=False)
    assert sf.position_steps(ps, years, flat).tolist() == [[0] * 4, [0] * 4]


def test_unknown_scale_is_named():
    with pytest.raises(ValueError, match="C9-C9"):
        SCALES.amount("C9-C9", 0)
    with pytest.raises(ValueError, match=r"positie P77.*C9-C9"):
        sf.position_costs([pos("P77", scale="C9-C9")], SCALES, PARAMS, [2026])


# --------------------------------------------------------------------------------------------
# separability with the wage multiplier
# --------------------------------------------------------------------------------------------
def test_costs_are_exactly_separable():
    ps = sf.bundled_roster()
    scales = sf.bundled_scales()
    m = np.array([1.0, 1.02, 1.0404, 1.0712, 1.1, 1.1234])
    base = sf.position_costs(ps, scales, PARAMS, PLAN_YEARS)
    scaled = sf.position_costs(ps, scales, PARAMS, PLAN_YEARS, m)
    assert np.array_equal(scaled, base * m)
    assert np.array_equal(sf.position_costs(ps, scales, PARAMS, PLAN_YEARS, np.ones(6)), base)
    bd = sf.cost_breakdown(ps, scales, PARAMS, PLAN_YEARS, m)
    np.testing.assert_allclose(bd.total, scaled, rtol=1e-12)
    np.testing.assert_allclose(sf.wage_cost_total(ps, scales, PARAMS, PLAN_YEARS, m),
                               base.sum(axis=0) * m, rtol=1e-12)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(min_value=0.0, max_value=3.0, allow_nan=False), min_size=6,
                max_size=6))
def test_separability_property(mult):
    ps = sf.bundled_roster()
    scales = sf.bundled_scales()
    m = np.array(mult)
    assert np.array_equal(sf.position_costs(ps, scales, PARAMS, PLAN_YEARS, m),
                          sf.position_costs(ps, scales, PARAMS, PLAN_YEARS) * m)


def test_bad_multiplier_shape():
    with pytest.raises(ValueError, match="één waarde per jaar"):
        sf.position_costs([pos()], SCALES, PARAMS, [2026, 2027], [1.0, 1.02, 1.04])


# --------------------------------------------------------------------------------------------
# the bundled roster against the plan
# --------------------------------------------------------------------------------------------
def test_bundled_head_count_equals_plan_table():
    ps = sf.bundled_roster()
    table = sf.head_count_table(ps, PLAN_YEARS)
    assert table["A"].tolist() == list(PLAN_HEAD_COUNT["A"])
    assert table["B"].tolist() == list(PLAN_HEAD_COUNT["B"])
    for lv in "CDE":
        assert table[lv].tolist() == [0] * 6
    assert sf.head_count(ps, PLAN_YEARS).tolist() == [
        a + b for a, b in zip(PLAN_HEAD_COUNT["A"], PLAN_HEAD_COUNT["B"])]


#: Schema T2 line 2 "Bezoldigingen, sociale lasten en pensioenen", typed from the plan text
#: (2.c niet vast benoemd personeel + 2.f andere personeelskosten; 2030 prints 1.805.415).
T2_LINE2 = [1_817_896, 1_813_042, 1_798_104, 1_852_002, 1_805_415, 1_769_373]
#: Table 3.4 "Overzicht van de personeelsinzet", typed from the plan text.
TABLE_3_4 = {"A": [5, 5, 5, 5, 5, 5], "B": [15, 15, 13, 13, 12, 11]}


def test_bundled_roster_reproduces_t2_line2_within_half_a_percent():
    """The illustrative roster at the plan's flat 2% index (plan 3.3) gives T2 line 2 within 0,5%
    in every year (issue 18); per-head other cost included (line f)."""
    ps = sf.bundled_roster()
    total = sf.wage_cost_total(ps, sf.bundled_scales(), StaffParameters(), PLAN_YEARS,
                               sf.flat_wage_index(PLAN_YEARS, 0.02))
    rel = total / np.array(T2_LINE2, dtype=float) - 1.0
    assert np.all(np.abs(rel) < 0.005), rel


def test_bundled_head_count_is_table_3_4():
    table = sf.head_count_table(sf.bundled_roster(), PLAN_YEARS)
    assert {lv: table[lv].tolist() for lv in "AB"} == TABLE_3_4
    assert all(table[lv].tolist() == [0] * 6 for lv in "CDE")


def test_no_position_on_the_pass_through_line_a10203():
    """A10203: "W13 stort deze vervolgens door naar de betrokken partners of lokale besturen of
    burgers" (plan text): its receipts are passed on in full, so no W13 staff is charged to it."""
    assert [p.id for p in sf.bundled_roster() if p.action == "A10203"] == []


def test_bundled_roster_is_marked_illustrative():
    ps = sf.bundled_roster()
    assert all(p.illustrative for p in ps) and sf.roster_is_illustrative(ps)


def test_bundled_roster_follows_subsidy_ends():
    ps = {p.id: p for p in sf.bundled_roster()}
    by_action = {}
    for p in ps.values():
        by_action.setdefault(p.action, []).append(p)
    ends = {"A10302": date(2029, 12, 31), "A10303": date(2027, 12, 31),
            "A10304": date(2027, 6, 30), "A10103": date(2026, 9, 30),
            "A30301": date(2030, 12, 31)}
    for action, end in ends.items():
        assert by_action[action] and all(p.end == end for p in by_action[action]), action
        assert all(p.funded_by.startswith("SUB-") for p in by_action[action])
    # Kracht.Wonen staff stay after its subsidy ends
    assert by_action["A10102"] and all(p.end is None for p in by_action["A10102"])
    assert any(p.funded_by == "basiswerking" and p.action == "A50111" for p in ps.values())


def test_overhead_and_totals_helpers():
    ps = [pos("s", fte=1.0), pos("b", funded_by="basiswerking", action="A50111")]
    c = sf.position_costs(ps, SCALES, PARAMS, [2026, 2027])
    oh = sf.overhead_contribution(ps, c)
    assert list(oh) == ["A10302"]
    np.testing.assert_allclose(oh["A10302"], 0.15 * c[0])
    by = sf.costs_by(ps, c, "funded_by")
    np.testing.assert_allclose(by["basiswerking"], c[1])
    t = sf.wage_cost_total(ps, SCALES, PARAMS, [2026, 2027])
    t_admin = sf.wage_cost_total(ps, SCALES, PARAMS, [2026, 2027], include_pillar_admin=True)
    np.testing.assert_allclose(t_admin - t, [1500.0, 1500.0])
    pillar = sf.second_pillar_total(ps, SCALES, PARAMS, [2026])
    gross = sf.cost_breakdown(ps, SCALES, PARAMS, [2026]).gross.sum()
    assert pillar[0] == pytest.approx(gross * 0.03 * 1.0886 + 1500.0)


def test_head_count_counts_persons_on_1_january():
    ps = [
        pos("a1", end=date(2026, 9, 30), person="P"),   # same person, two actions
        pos("a2", fte=0.2, person="P", action="A10102"),
        pos("new", start=date(2026, 10, 1)),             # counted from 2027
        pos("zero", fte=0.0),                            # fte 0: not counted
        pos("boss", level="A", scale="A1a-A3a"),
        pos("jan1", start=date(2027, 1, 1), end=date(2027, 1, 1)),
    ]
    assert sf.head_count(ps, [2026, 2027, 2028], "B").tolist() == [1, 3, 2]
    assert sf.head_count(ps, [2026, 2027, 2028], "A").tolist() == [1, 1, 1]
    assert sf.head_count(ps, [2026, 2027, 2028]).tolist() == [2, 4, 3]
    with pytest.raises(ValueError, match="niveau"):
        sf.head_count(ps, [2026], "F")


# --------------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fte", [-0.1, 1.6, float("nan")])
def test_fte_out_of_range_names_position(fte):
    with pytest.raises(ValueError, match=r"positie P42.*vte"):
        pos("P42", fte=fte)


def test_other_bad_positions():
    with pytest.raises(ValueError, match=r"positie P43: einde 2026-01-31 ligt voor start 2026-02-01"):
        pos("P43", start=date(2026, 2, 1), end=date(2026, 1, 31))
    with pytest.raises(ValueError, match="P44.*niveau"):
        pos("P44", level="X")
    with pytest.raises(ValueError, match="P45.*negatieve trap"):
        pos("P45", step=-1)
    with pytest.raises(ValueError, match="P46.*geheel getal"):
        pos("P46", step=1.5)
    assert pos("ok", fte=1.5).fte == 1.5


def test_position_cost_errors():
    with pytest.raises(ValueError, match="onbekende weddeschaal 'Z1'"):
        sf.position_cost("Z1", 0, scales=SCALES, params=PARAMS)
    with pytest.raises(ValueError, match="vte"):
        sf.position_cost("B1-B3", 0, 2.0, scales=SCALES, params=PARAMS)
    with pytest.raises(ValueError, match="maanden"):
        sf.position_cost("B1-B3", 0, 1.0, 13, scales=SCALES, params=PARAMS)
    with pytest.raises(ValueError, match="trap"):
        sf.position_cost("B1-B3", -1, scales=SCALES, params=PARAMS)


def test_bad_parameters():
    with pytest.raises(ValueError, match="RSZ werkgever"):
        StaffParameters(employer_social_security=32.0)
    with pytest.raises(ValueError, match="salariscoëfficiënt"):
        StaffParameters(salary_coefficient=0)


# --------------------------------------------------------------------------------------------
# reading rows (CSV / Excel)
# --------------------------------------------------------------------------------------------
HEADER = ["positie", "functie", "niveau", "schaal", "trap", "vte", "actie", "financiering",
          "start", "einde"]


def test_roster_from_excel_like_rows():
    rows = [
        HEADER,
        ["P1", "consulent", "B", "B1-B3", 5.0, "0,8", "A10302", "SUB-PACT",
         datetime(2026, 3, 1), "2029-12-31"],
        [None] * 10,                                              # blank row skipped
        [7.0, "dir", "a", "A1a-A3a", "3", 1, "A50111", None, None, 46295.0],  # serial 2026-09-30
        ["P3", "x", "B", "B1-B3", 0, 1, "A10205", "SUB-ENERGIEHUIS", "01/10/2026", ""],
    ]
    ps = sf.roster_from_rows(rows)
    assert [p.id for p in ps] == ["P1", "7", "P3"]
    p1, p7, p3 = ps
    assert (p1.step, p1.fte, p1.start, p1.end) == (5, 0.8, date(2026, 3, 1), date(2029, 12, 31))
    assert p7.level == "A" and p7.funded_by == "basiswerking" and p7.end == date(2026, 9, 30)
    assert p3.start == date(2026, 10, 1) and p3.end is None
    # English aliases and a short row
    eng = [["id", "function", "level", "scale", "step", "fte", "action", "funded_by"],
           ["E1", "f", "B", "B1-B3", 1, 1.0, "A10101", "basiswerking"]]
    assert sf.roster_from_rows(eng)[0].start is None


@pytest.mark.parametrize("row, message", [
    (["P9", "f", "B", "B1-B3", 1, 1.7, "A1", "SUB", None, None], r"rij 2: positie P9: vte"),
    (["P9", "f", "B", "B1-B3", 1, 1, "A1", "SUB", "2027-01-01", "2026-12-31"],
     r"rij 2: positie P9: einde .* ligt voor start"),
    (["P9", "f", "B", "B1-B3", 1.5, 1, "A1", "SUB", None, None], r"rij 2: positie P9: trap"),
    (["P9", "f", "B", "B1-B3", 1, "veel", "A1", "SUB", None, None], r"rij 2: positie P9: vte"),
    (["P9", "f", "B", "B1-B3", 1, 1, "A1", "SUB", "31/02/2026", None], r"rij 2: positie P9: .*datum"),
    (["P9", "f", "B", "", 1, 1, "A1", "SUB", None, None], r"rij 2: positie P9: schaal"),
    (["", "f", "B", "B1-B3", 1, 1, "A1", "SUB", None, None], r"rij 2.*lege positie-id"),
])
def test_roster_row_errors_name_the_position(row, message):
    with pytest.raises(ValueError, match=message):
        sf.roster_from_rows([HEADER, row])


def test_roster_missing_column_and_duplicate():
    with pytest.raises(ValueError, match="ontbrekende kolom.*vte"):
        sf.roster_from_rows([[h for h in HEADER if h != "vte"]])
    row = ["P1", "f", "B", "B1-B3", 1, 1, "A1", "SUB", None, None]
    with pytest.raises(ValueError, match="P1: dubbele"):
        sf.roster_from_rows([HEADER, row, row])


def test_scales_from_rows():
    rows = [["Schaal", "Trap", "Bedrag_100"],
            ["B1-B3", 0, "16.600,00"], ["B1-B3", "2", 17_000], ["C1-C3", 0.0, 15_000.5]]
    sc = sf.scales_from_rows(rows)
    assert sc.amounts["B1-B3"] == (16_600.0, 16_600.0, 17_000.0)   # missing step 1 filled
    assert sc.amount("C1-C3", 4) == 15_000.5
    with pytest.raises(ValueError, match="geen trap 0"):
        sf.scales_from_rows([["schaal", "trap", "bedrag_100"], ["B1-B3", 1, 100]])
    with pytest.raises(ValueError, match="rij 3.*staat er twee keer"):
        sf.scales_from_rows([["schaal", "trap", "bedrag_100"], ["B", 0, 1], ["b", 0, 2]])
    with pytest.raises(ValueError, match="rij 2: .*bedrag_100"):
        sf.scales_from_rows([["schaal", "trap", "bedrag_100"], ["B", 0, "x"]])


def test_bundled_data_is_consistent():
    scales = sf.bundled_scales()
    for name in ("A1a-A3a", "B1-B3", "C1-C3"):
        assert name in scales
        vals = np.array(scales.amounts[name])
        assert np.all(np.diff(vals) > 0)          # amounts rise with seniority
    ps = sf.bundled_roster()
    assert len({p.id for p in ps}) == len(ps) >= 20
    for p in ps:
        scales.code(p.scale)                      # every scale exists
    assert sf.bundled_roster() is not sf.bundled_roster()  # fresh list each time


def test_bundled_roster_fits_inside_the_plan_actions():
    """Staff cost + 15% overhead (while the subsidy pays) of each subsidised action stays within
    that action's expenditure (U) in the plan synthesis, and is zero when the action's U is zero.
    (Issue 9: overhead only in subsidised years: Kracht.Wonen's cost goes on after 2027 unfunded.)"""
    import csv
    from importlib import resources

    text = resources.files("w13xl").joinpath("data", "mjp-2026-2031-synthese.csv").read_text(
        encoding="utf-8")
    spend: dict[str, np.ndarray] = {}
    for r in csv.DictReader(text.splitlines()):
        if r["richting"] == "U" and r["categorie"] == "exploitatie":
            u = -np.array([float(r[str(y)]) for y in PLAN_YEARS])
            spend[r["actie"]] = spend.get(r["actie"], 0) + u
    ps = sf.bundled_roster()
    costs = sf.position_costs(ps, sf.bundled_scales(), StaffParameters(), PLAN_YEARS,
                              sf.flat_wage_index(PLAN_YEARS))
    sub = [p.subsidised for p in ps]
    by = sf.costs_by([p for p in ps if p.subsidised], costs[np.array(sub)], "action")
    from w13xl.subsidies import bundled_subsidies

    years = np.array(PLAN_YEARS)

    for action, staff in by.items():
        u = spend[action]
        funded = np.zeros(len(PLAN_YEARS), dtype=bool)
        for s in bundled_subsidies().values():
            if s.action == action:
                # a year with a month of the window (start.year <= year <= end.year)
                funded |= (years >= (s.start.year if s.start else 0)) & (years <= (s.end.year if s.end else 9999))
        assert np.all(staff * np.where(funded, 1.15, 1.0) <= u + 0.01), (action, staff, u)
        assert np.all(staff[u == 0] == 0), action


def test_a_subsidy_funds_its_own_positions_and_those_the_register_lists():
    """Subsidy.funds, the one rule: a position funded by the subsidy's id, or listed in its
    register row's 'posities', is paid by it; another position is not."""
    from w13xl.subsidies import Subsidy

    s = Subsidy(id="SUB-X", name="x", action="A10302", positions=("P9",))
    assert s.funds(pos("P1", funded_by="SUB-X"))
    assert s.funds(pos("P9", funded_by="basiswerking"))  # listed on the register
    assert not s.funds(pos("P2", funded_by="basiswerking"))
    assert not s.funds(pos("P3", funded_by="SUB-Y"))
