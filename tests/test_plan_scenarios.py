"""The scenarios the plan itself names (issue 18): each expected figure is derived by hand from
the plan's printed numbers (synthesis 3.1, schema M2, T2), not read back from the engine. Where a
figure needs a staff cost per action (which the plan does not print), it is 15% of the roster's
cost for that action, computed here position by position."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from w13xl.model import CATEGORIES, O, U

T = np.arange(6)
FLAT = 1.02 ** T
INV = CATEGORIES.index("investeringen")
CENT = 0.005

# schema M2 of the plan, 2031 (cent-level sum of the synthesis: 454.275,79 / -15.569,39)
PLAN_GBR_2031 = 454_275.79
PLAN_AFM_2031 = -15_569.39
GBR, AFM, ES, IS = ("gecumuleerd_budgettair_resultaat", "autofinancieringsmarge", "exploitatiesaldo",
                    "investeringssaldo")

# synthesis 3.1 of the plan (2026 ... 2031), as printed
A10102_O = np.array([38_921.30, 16_631.48, 0, 0, 0, 0])
A10102_U = np.array([38_921.30, 22_597.54, 23_054.86, 23_511.03, 23_966.13, 24_420.17])
A10201_O = np.array([238_904.59, 238_920.06, 238_915.92, 238_918.97, 238_917.88, 238_941.86])
A10205_O = np.array([408_303.86, 408_303.86, 408_301.68, 408_303.86, 408_303.86, 408_325.66])
A10302 = np.array([1_090_768.30, 1_090_768.30, 1_090_767.21, 1_090_768.30, 0, 0])
A50111_O = np.array([1_004_385.16, 1_013_942.15, 1_045_379.77, 1_077_062.44, 1_108_432.68, 1_132_439.71])
T2_OCMW = np.array([801_391, 817_419, 833_767, 850_443, 867_452, 884_801])  # T2 "van het OCMW"


def shipped(study, engine, name):
    _, library, scenarios = study
    return engine.run(scenarios[name], library)


def staff(base, action, **changes):
    """The roster's employer cost on ``action`` per year at the plan's flat 2% (illustrative
    file: the plan prints no staff cost per action)."""
    total = np.zeros(6)
    for p in base.positions:
        if p.action == action:
            total += base.position_cost(dataclasses.replace(p, **changes)) * FLAT
    return total


def test_foodact13_not_carried_out_is_the_plans_rule_with_effect_zero(study, engine):
    """Plan 3.2: carried out only with external financing. Without it, the 445,000 receipts and
    the 445,000 expenditure of 2026 both fall away: investment receipts 445,000 -> 0,
    expenditure 460,000 (T2 'Totaal Investeringsuitgaven') -> 15,000, IS stays -15,000, and every
    M2 line is the plan's."""
    r = shipped(study, engine, "foodact13-niet-uitgevoerd")
    base = engine.base
    for key in (ES, IS, GBR, AFM, "budgettair_resultaat"):
        np.testing.assert_allclose(r.m2[key], base.m2[key], atol=CENT)
    assert r.m2[IS][0] == pytest.approx(-15_000.0, abs=CENT)
    assert r.plan.line("A10402", INV, O)[0] == pytest.approx(0.0, abs=CENT)
    assert r.plan.line("A10402", INV, U)[0] == pytest.approx(0.0, abs=CENT)
    inv_u = sum(r.plan.line(a, INV, U)[0] for a in r.plan.actions if np.any(r.plan.line(a, INV, U)))
    assert inv_u == pytest.approx(460_000 - 445_000, abs=CENT)


def test_foodact13_carried_out_anyway_costs_the_reserve_445000(study, engine):
    """The board decision (not the plan's rule): the receipts do not come; IS 2026 =
    -15,000 - 445,000; GBR 2031 = 454,275.79 - 445,000 = 9,275.79; the AFM does not move."""
    r = shipped(study, engine, "foodact13-toch-uitgevoerd")
    assert r.m2[IS][0] == pytest.approx(-460_000.0, abs=CENT)
    assert r.m2[GBR][-1] == pytest.approx(9_275.79, abs=0.01)
    assert r.m2[AFM][-1] == pytest.approx(PLAN_AFM_2031, abs=0.01)
    assert "zonder externe financiering" in r.title


def test_krachtwonen_renewed_budget_neutral(study, engine):
    """Plan 3.7 (budget-neutral projects): ES effect = U - O of A10102 from 2027 (5,966.06, then
    the whole cost); GBR 2031 = 454,275.79 + 100,918.25 = 555,194.04; AFM 2031 = -15,569.39 +
    24,420.17 = 8,850.78. The description no longer speaks of "bedrag van 2027"."""
    r = shipped(study, engine, "krachtwonen-verlengd-2031")
    effect = np.where(T >= 1, A10102_U - A10102_O, 0.0)
    assert effect.sum() == pytest.approx(100_918.25, abs=0.001)
    np.testing.assert_allclose(r.difference(ES), effect, atol=0.01)
    assert r.m2[GBR][-1] == pytest.approx(555_194.04, abs=0.01)
    assert r.m2[AFM][-1] == pytest.approx(8_850.78, abs=0.01)
    assert "2027" not in r.description and "budgetneutraal" in r.description
    np.testing.assert_allclose(r.plan.line("A10102", 0, O)[1:], A10102_U[1:], atol=0.01)


def test_energiehuis_receipts_ten_percent_lower(study, engine):
    """10% less on A10201 O and A10205 O from 2027, costs unchanged: per year -0.1 x (both O lines
    of the synthesis): 2027 -64,722.39 ... 2031 -64,726.75; sum -323,615.36; GBR 2031 =
    130,660.43; AFM 2031 = -80,296.14. A10203 (passed on in full) is untouched."""
    r = shipped(study, engine, "energiehuis-ontvangsten-lager")
    effect = -0.10 * (A10201_O + A10205_O) * (T >= 1)
    assert effect[1] == pytest.approx(-64_722.39, abs=0.005)
    assert effect[5] == pytest.approx(-64_726.75, abs=0.005)
    np.testing.assert_allclose(r.difference(ES), effect, atol=0.01)
    assert r.m2[GBR][-1] == pytest.approx(PLAN_GBR_2031 + effect.sum(), abs=0.01)
    assert r.m2[GBR][-1] == pytest.approx(130_660.43, abs=0.01)
    assert r.m2[AFM][-1] == pytest.approx(-80_296.14, abs=0.01)
    np.testing.assert_allclose(r.plan.line("A10201", 0, O), A10201_O * np.where(T >= 1, 0.9, 1.0), atol=0.01)
    base = engine.base
    for d in (O, U):
        np.testing.assert_allclose(r.plan.line("A10203", 0, d), base.plan.line("A10203", 0, d), atol=CENT)


def test_pact_renewed_is_budget_neutral_and_keeps_the_overhead(study, engine):
    """Renewed to 31/12/2031: A10302 O = U in 2030-2031 (the project's net stays 0, as in the
    plan's 2026-2029: 1,090,768.30 each side); W13 gains the 15% overhead recharge on the staff
    cost of the action in 2030 and 2031 (roster positions on A10302, now running past 2029)."""
    base = engine.base
    r = shipped(study, engine, "pact-verlengd-2031")
    o, u = r.plan.line("A10302", 0, O), r.plan.line("A10302", 0, U)
    np.testing.assert_allclose(o, u, atol=0.01)
    np.testing.assert_allclose(o[:4], A10302[:4], atol=0.01)
    assert o[4] > A10302[3]  # the costs come back at the 2029 level, staff part indexed
    kept = staff(base, "A10302", end=None)
    effect = np.where(T >= 4, 0.15 * kept, 0.0)
    assert 10_000 < effect[4] < 30_000
    np.testing.assert_allclose(r.difference(ES), effect, atol=0.01)
    assert r.m2[GBR][-1] == pytest.approx(PLAN_GBR_2031 + effect.sum(), abs=0.01)


def test_loss_of_the_overhead_recharge(study, engine):
    """Rate 0 from 2027 for every subsidy: per year -15% of the staff cost on each subsidised
    action in the months its subsidy runs (plan windows: Kracht.Wonen 5 months of 2027, OPEN 6,
    Activering 2027, 't PACT to 2029, Regierol to 2030, the open-ended ones to 2031; HBDH ended in
    2026). Cross-check with the plan: the loss never exceeds what A50111 receives besides the
    member contribution (A50111 O - T2 'van het OCMW': 196,523 in 2027 ...)."""
    base = engine.base
    r = shipped(study, engine, "verlies-overheadbijdrage")
    last_year = {"A10102": 2027, "A10304": 2027, "A10303": 2027, "A10302": 2029, "A30301": 2030}
    months_2027 = {"A10102": 5, "A10304": 12}  # P08 (OPEN) works to 30/06/2027: all its 2027 cost
    open_ended = ("A10201", "A10203", "A10205", "A10301", "A10401", "A10502")
    expected = np.zeros(6)
    for action in (*last_year, *open_ended):
        cost = staff(base, action)
        years = T + 2026
        mask = (T >= 1) & (years <= last_year.get(action, 2031))
        share = np.ones(6)
        share[1] = months_2027.get(action, 12) / 12
        expected -= 0.15 * cost * mask * share
    np.testing.assert_allclose(r.difference(ES), expected, atol=0.01)
    others = A50111_O - T2_OCMW
    assert np.all(-r.difference(ES)[1:] <= others[1:])
    # budget-neutral projects: each action's own net does not move
    for action in (*last_year, *open_ended):
        net = r.plan.line(action, 0, O) - r.plan.line(action, 0, U)
        np.testing.assert_allclose(net, base.plan.line(action, 0, O) - base.plan.line(action, 0, U), atol=0.01)


# -- index exposure: the member contribution and Food Act 13 (issue 18) ------------------------
def test_only_the_cpi_linked_part_of_the_contribution_moves(engine):
    """Parameter 'Bijdrage lokale besturen: CPI-gekoppeld deel'. At 100% (the sample's aanname)
    a CPI of 8% in 2028 moves 801,391 x 1.02^t by 1.08/1.02 - 1 from 2028; at 391,186.74 /
    801,391 (only the 2025 amount of plan 3.7 linked) it moves 391,186.74 x 1.02^t by as much.
    Food Act 13's member half (A10401 O x 50%, aanname) moves in both."""
    from w13xl.scenario.engine import Engine
    from w13xl.scenario.spec import scenario_from_dict

    shock = scenario_from_dict({"changes": [{"type": "index", "classes": ["bijdrage"], "rates": {2028: 0.08}}]},
                               name="cpi")
    step = np.where(T >= 2, 1.08 / 1.02 - 1, 0.0)
    food = 0.5 * engine.base.plan.line("A10401", 0, O)
    full = engine.run(shock).difference(ES)
    np.testing.assert_allclose(full, (801_391 * FLAT + food) * step, atol=0.01)
    assert full[2] - food[2] * step[2] == pytest.approx(49_045.13, abs=0.01)
    base = dataclasses.replace(engine.base, params=engine.base.params.replace(
        contribution_cpi_share=391_186.74 / 801_391))
    part = Engine(base).run(shock).difference(ES)
    np.testing.assert_allclose(part, (391_186.74 * FLAT + food) * step, atol=0.01)
    assert part[2] - food[2] * step[2] == pytest.approx(23_940.63, abs=0.01)
    # a contribution change still applies to the whole contribution (bijdrage-plus-5: +5% of 801,391)
    plus = Engine(base).run(scenario_from_dict({"changes": [{"type": "contribution", "from_year": 2027,
                                                             "pct": 0.05}]}, name="p")).difference(ES)
    np.testing.assert_allclose(plus, 0.05 * 801_391 * FLAT * (T >= 1), atol=0.01)


def test_aannames_show_the_contribution_question_and_its_effect(engine):
    """w13xl aannames: 100% (aanname) and the shock's effect both ways: 49.045,13 vs 23.940,63 in
    2028 (see the test above); Food Act 13's 50% with 7.761,64 (263,895.80 x 0.5 x 0.0588...)."""
    from w13xl.assumptions import contribution_rows

    text = " | ".join(" ".join(map(str, r)) for r in contribution_rows(engine.base))
    assert "100,0% (aanname)" in text and "391.186,74" in text
    assert "49.045,13" in text and "23.940,63" in text and "25.104,50" in text
    assert "7.761,64" in text and "aanname" in text


def test_konekti_subsidy_is_fixed_and_regierol_follows_wages(engine):
    """Plan 3.3 says Regierol's income rises with its (wage) costs; for Konekti no source does,
    and 3.3 says subsidies are often fixed for a legislature: its receipts are 'vast'."""
    from w13xl.model import LineKey

    base = engine.base
    assert set(base.exposure(LineKey("A10502", 0, O)).amounts) == {"vast"}
    assert "volgt_loon" in base.exposure(LineKey("A30301", 0, O)).amounts
    assert base.subsidies["SUB-KONEKTI"].index_class == "vast"


def test_new_keys_are_checked(engine):
    """budget_neutral and amount together, and an overhead change naming an unknown subsidy, are
    refused with a Dutch message naming the key."""
    from w13xl.errors import InputError
    from w13xl.scenario.spec import scenario_from_dict

    with pytest.raises(InputError, match="niet allebei"):
        scenario_from_dict({"changes": [{"type": "subsidy_renew", "subsidy": "SUB-PACT", "until": "2031-12-31",
                                         "amount": 1000, "budget_neutral": True}]}, name="t")
    bad = scenario_from_dict({"changes": [{"type": "overhead", "date": "2027-01-01", "subsidies": ["SUB-X"]}]},
                             name="t")
    with pytest.raises(InputError, match="onbekende subsidie 'SUB-X'"):
        engine.run(bad)


def test_overhead_change_for_one_subsidy_and_a_lower_rate(engine):
    """10% instead of 15% for 't PACT only, from 2028: A50111 loses 5% of the staff cost on A10302
    in 2028 and 2029 (the subsidy ends after 2029); nothing else moves."""
    from w13xl.scenario.spec import scenario_from_dict

    r = engine.run(scenario_from_dict({"changes": [{"type": "overhead", "date": "2028-01-01", "rate": "10%",
                                                    "subsidies": "SUB-PACT"}]}, name="t"))
    cost = staff(engine.base, "A10302")
    np.testing.assert_allclose(r.difference(ES), -0.05 * cost * ((T >= 2) & (T <= 3)), atol=0.01)


def test_the_named_scenarios_keep_their_hand_figures_in_one_batch(study, engine):
    """One engine call for several of the plan's scenarios at once (with the plan itself between
    them): each row keeps the figures derived by hand above, so a rule that reads another
    scenario's row would fail here too. GBR / AFM 2031: Food Act 13 toch uitgevoerd 9.275,79 /
    -15.569,39; Kracht.Wonen verlengd 555.194,04 / 8.850,78; Energiehuis ontvangsten lager
    130.660,43 / -80.296,14; the plan 454.275,79 / -15.569,39."""
    from w13xl.scenario import run_scenarios
    from w13xl.scenario.spec import Scenario

    _, library, scenarios = study
    names = ["energiehuis-ontvangsten-lager", "foodact13-toch-uitgevoerd", "krachtwonen-verlengd-2031"]
    batch = [scenarios[names[0]], Scenario(name="plan"), scenarios[names[1]], scenarios[names[2]]]
    runs = run_scenarios(engine.base, batch, library)
    expected = [(130_660.43, -80_296.14), (PLAN_GBR_2031, PLAN_AFM_2031), (9_275.79, PLAN_AFM_2031),
                (555_194.04, 8_850.78)]
    for i, (gbr, afm) in enumerate(expected):
        assert runs.lines[GBR][i, -1] == pytest.approx(gbr, abs=0.01), batch[i].name
        assert runs.lines[AFM][i, -1] == pytest.approx(afm, abs=0.01), batch[i].name
    np.testing.assert_allclose(runs.lines[ES][0], engine.base.m2[ES] - 0.10 * (A10201_O + A10205_O) * (T >= 1),
                               atol=0.01)
