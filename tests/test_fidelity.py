"""Scenario fidelity (issue 9): index exposure from the roster and declared classes, subsidy-end
policies, a register traced to the plan. Expected figures are derived by hand from the plan's
numbers and the roster, not read back from the engine."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from w13xl.model import LineKey
from w13xl.scenario.spec import scenario_from_dict

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "w13-mjp-2026-2031.xlsx"
SCENARIOS = ROOT / "scenarios"
T = np.arange(6)
FLAT = 1.02 ** T                      # the plan's standard index (Parameters: Standaardindex 2%)
CENT = 0.005
O, U = 0, 1


def run(engine, *changes):
    return engine.run(scenario_from_dict({"changes": list(changes)}, name="t"))


def roster(base, action=None, ids=None, **changes):
    """Employer cost per year (flat 2%) of the roster positions on ``action`` (or ``ids``)."""
    total = np.zeros(6)
    for p in base.positions:
        if (action is None or p.action == action) and (ids is None or p.id in ids):
            total += base.position_cost(dataclasses.replace(p, **changes)) * FLAT
    return total


def line(result_or_base, action, direction):
    plan = result_or_base.plan
    return plan.line(action, 0, direction)


# -- 1. index exposure -----------------------------------------------------------------------
def test_pact_wage_share_comes_from_the_roster_not_a_flat_40_percent(engine):
    """'t PACT's U line is 1,090,768 a year; only position P06 is W13 staff on it (roster), the
    rest is declared 'doorgestort' (sheet Indexering, action text A10302)."""
    base = engine.base
    key = LineKey("A10302", 0, U)
    exp = base.exposure(key)
    p06 = roster(base, ids={"P06"})
    np.testing.assert_allclose(exp.amounts["loon"], p06, atol=CENT)
    np.testing.assert_allclose(exp.amounts["doorgestort"], base.lines[key] - p06, atol=CENT)
    assert exp.origins == {"loon": "personeel", "doorgestort": "Indexering"}
    share = base.shares(key)["loon"]
    assert share == pytest.approx(p06[:4].sum() / base.lines[key][:4].sum())
    assert 0.08 < share < 0.11  # the issue: "near 9%, not 40%"


def test_indexschok_splits_into_a_roster_wage_part_and_a_price_part(study, engine):
    """indexschok-2027: three extra pivot crossings (Jan, May, Sep 2027: wages +2% in Mar, Jul,
    Nov), prices 8% in 2027, the contribution CPI 8% in 2028 (the plan: 2% each).

    By hand: wage ratio L = 2027 average (2 + 4 x 1.02 + 4 x 1.02^2 + 2 x 1.02^3) / 12, then
    1.02^3; wage part = the roster's cost (every position at its action); receipts that follow
    wages (only Regierol: plan 3.3 says its income rises with its wage cost; Konekti's subsidy
    is 'vast' since issue 18) rise with the roster part of their action; price part = for every
    line declared 'prijzen' (PRICE_ACTIONS: the lines whose U grows in the plan, plan 3.7
    'standaardindex van 2%') its U minus its roster part, x 1.08/1.02 from 2027; the member
    contribution (801,391 x 1.02^t, all CPI-linked: aanname) and the members' half of Food Act
    13's receipts (A10401 O x 50%: aanname) x 1.08/1.02 from 2028. Lines classed vast or
    doorgestort get no index effect."""
    base = engine.base
    _, library, scenarios = study
    result = engine.run(scenarios["indexschok-2027"], library)
    level = np.array([1.0, (2 + 4 * 1.02 + 4 * 1.02 ** 2 + 2 * 1.02 ** 3) / 12] + [1.02 ** 3] * 4)
    price = np.array([1.0] + [1.08 / 1.02] * 5)
    cpi = np.array([1.0, 1.0] + [1.08 / 1.02] * 4)
    wages = roster(base)
    follows = roster(base, "A30301")
    contribution = 801_391 * FLAT
    food = 0.5 * base.plan.line("A10401", 0, O)
    wage_part = -(wages - follows) * (level - 1)
    price_part = -price_rest(base) * (price - 1)
    cpi_part = (contribution + food) * (cpi - 1)
    np.testing.assert_allclose(result.difference("exploitatiesaldo"), wage_part + price_part + cpi_part,
                               atol=0.01)
    # per line: vast / doorgestort parts do not move; wage parts move by exactly the roster
    for action in ("A10203", "A10302", "A10303"):
        np.testing.assert_allclose(line(result, action, U) - line(base, action, U),
                                   roster(base, action) * (level - 1), atol=CENT)
    for action, direction in (("A10101", U), ("A10201", O), ("A10203", O), ("A10302", O), ("A10502", O)):
        np.testing.assert_allclose(line(result, action, direction), line(base, action, direction), atol=CENT)
    # the effects of the three changes are the wage part, the price part and the CPI part
    es = [e.deltas["exploitatiesaldo"] for e in result.effects]
    np.testing.assert_allclose(es[0], wage_part, atol=0.01)
    np.testing.assert_allclose(es[1], price_part, atol=0.01)
    np.testing.assert_allclose(es[2], cpi_part, atol=0.01)


#: Lines whose rest (U minus the roster part) is declared 'prijzen' on the Indexering sheet
#: (issue 18: the plan's U line grows over the plan years, plan 3.7 'standaardindex van 2%').
PRICE_ACTIONS = ("A50111", "A10102", "A10201", "A10205", "A10301", "A10401", "A10502", "A30301")


def price_rest(base):
    """Sum over PRICE_ACTIONS of the plan's U line minus the roster's cost on it (never below 0)."""
    total = np.zeros(6)
    for action in PRICE_ACTIONS:
        u = base.plan.line(action, 0, U)
        total += u - np.minimum(roster(base, action), u)
    return total


def test_operating_costs_the_plan_indexes_follow_prices(engine):
    """Issue 18: under a price shock the werkingskosten of A10201, A10205, A10301, A10401, A10502
    (about 560k a year) move; before, only A50111's did."""
    base = engine.base
    rest = price_rest(base) - (base.plan.line("A50111", 0, U) - roster(base, "A50111"))
    assert 450_000 < rest[1] < 700_000
    shock = run(engine, {"type": "index", "classes": ["prijzen"], "rates": {2027: 0.08}})
    np.testing.assert_allclose(shock.difference("exploitatiesaldo"),
                               -price_rest(base) * np.array([0] + [1.08 / 1.02 - 1] * 5), atol=0.01)
    for action in ("A10101", "A10501", "A50108", "A10203", "A10302"):
        np.testing.assert_allclose(line(shock, action, U), line(base, action, U), atol=CENT)


# -- 2. subsidy-end policies -------------------------------------------------------------------
def test_old_keep_policy_is_refused_with_the_new_names():
    from w13xl.errors import InputError

    with pytest.raises(InputError, match="keep_staff.*keep_project"):
        scenario_from_dict({"changes": [{"type": "subsidy_end", "subsidy": "SUB-PACT", "date": "2028-12-31",
                                         "policy": "keep"}]}, name="t")


def test_statutory_notice_table():
    """Art. 37/2 Arbeidsovereenkomstenwet (eenheidsstatuut 2014, first months as of 2018)."""
    from w13xl.staffing import statutory_notice_months, statutory_notice_weeks

    assert [statutory_notice_weeks(m) for m in (0, 3, 5, 6, 9, 12, 23)] == [1, 3, 5, 6, 7, 8, 11]
    assert [statutory_notice_weeks(12 * y) for y in (2, 3, 4, 5, 10, 19, 20, 25)] == [12, 13, 15, 18, 33, 60, 62, 67]
    assert statutory_notice_months(12 * 19) == 14  # 60 weeks = 420 days = 13.8 months -> 14


def test_stop_without_notice_months_uses_the_statutory_notice(engine):
    """'t PACT stops end 2028. P06 (step 16 in 2026, taken as 16 years of service: aanname) has
    19 years on 31/12/2028 -> 60 weeks -> 14 months: beyond the planned end (31/12/2029), so W13
    pays P06 all of 2029 without subsidy, plus the lost overhead recharge: -1.15 x P06 2029."""
    base = engine.base
    effect = run(engine, {"type": "subsidy_end", "subsidy": "SUB-PACT", "date": "2028-12-31",
                          "policy": "stop"}).difference("exploitatiesaldo")
    p06 = roster(base, ids={"P06"})
    np.testing.assert_allclose(effect, [0, 0, 0, -1.15 * p06[3], 0, 0], atol=CENT)
    # a declared notice of 3 months: staff cost January-March 2029 only
    three = run(engine, {"type": "subsidy_end", "subsidy": "SUB-PACT", "date": "2028-12-31",
                         "policy": "stop", "notice_months": 3}).difference("exploitatiesaldo")
    np.testing.assert_allclose(three, [0, 0, 0, -0.15 * p06[3] - p06[3] * 3 / 12, 0, 0], atol=CENT)


def test_keep_staff_planned_and_early_end_agree(engine):
    """keep_staff at the planned end (31/12/2029) costs P06 from 2030; a year early it costs the
    same plus 2029's staff and overhead: one rule for both paths."""
    base = engine.base
    p06_open = roster(base, ids={"P06"}, end=None)
    planned = run(engine, {"type": "subsidy_end", "subsidy": "SUB-PACT", "date": "2029-12-31",
                           "policy": "keep_staff"}).difference("exploitatiesaldo")
    early = run(engine, {"type": "subsidy_end", "subsidy": "SUB-PACT", "date": "2028-12-31",
                         "policy": "keep_staff"}).difference("exploitatiesaldo")
    np.testing.assert_allclose(planned, [0, 0, 0, 0, -p06_open[4], -p06_open[5]], atol=CENT)
    np.testing.assert_allclose(early - planned, [0, 0, 0, -1.15 * p06_open[3], 0, 0], atol=CENT)


def test_keep_project_pays_everything(engine):
    """keep_project: A10203's funding (409,920 a year) stops end 2030 and the whole project goes
    on, partner payments included: 2031 loses the subsidy; the overhead recharge is internal."""
    effect = run(engine, {"type": "subsidy_end", "subsidy": "SUB-EH-PRESTATIE", "date": "2030-12-31",
                          "policy": "keep_project"}).difference("exploitatiesaldo")
    np.testing.assert_allclose(effect, [0, 0, 0, 0, 0, -409_920.0], atol=0.01)


@pytest.mark.parametrize("sid, action, ids", [("SUB-EH-PRESTATIE", "A10203", {"P12"}),
                                               ("SUB-KONEKTI", "A10502", {"P04", "P14", "P15"})])
def test_cliff_b_is_the_staff_cost_plus_overhead_never_the_partner_payments(engine, sid, action, ids):
    """Open-ended subsidies get an assumed end 31/12/2030; (b) keep_staff then costs the 2031
    reserve the staff's 2031 cost plus the 15% overhead recharge A50111 loses. A10203: P12 (about
    105k) not the 409,920 passed on to partners; Konekti: P04, P14, P15 (about 324k), not 462,529."""
    from w13xl.cliffs import subsidy_cliffs

    base = engine.base
    table = subsidy_cliffs(base, subsidies=[sid])
    cliff = table.cliffs[0]
    staff_2031 = roster(base, ids=ids)[5]
    assert cliff.reserve_keep == pytest.approx(-1.15 * staff_2031, abs=0.01)
    assert cliff.afm_keep == pytest.approx(-1.15 * staff_2031, abs=0.01)
    assert -cliff.reserve_keep < base.plan.line(action, 0, U)[5]


# -- 3. register traced to the plan -----------------------------------------------------------
def test_every_subsidy_has_a_funder_and_a_plan_reference(engine):
    from w13xl.subsidies import bundled_subsidies, unsourced

    assert unsourced(engine.base.subsidies) == []
    assert unsourced(bundled_subsidies()) == []
    bare = dataclasses.replace(engine.base.subsidies["SUB-PACT"], reference="")
    assert unsourced({"SUB-PACT": bare}) == ["SUB-PACT"]
    for s in engine.base.subsidies.values():
        assert "ESF" not in s.source  # the plan names no ESF funding
        assert s.overhead_rate == 0.15  # plan 3.7: minimaal 15%; no funder cap is known


def test_register_facts_from_the_plan(engine):
    subs = engine.base.subsidies
    assert subs["SUB-OPEN"].end == dt.date(2027, 6, 30) and "30 juni 2027" in subs["SUB-OPEN"].reference
    assert subs["SUB-ACTIVERING"].end == dt.date(2027, 12, 31)
    assert "Kinderarmoedefonds" in subs["SUB-HBDH"].source and subs["SUB-HBDH"].end == dt.date(2026, 9, 30)
    assert next(p for p in engine.base.positions if p.id == "P09a").fte == 0.5
    kw = subs["SUB-KRACHTWONEN"]
    assert kw.source.startswith("aanname") and "aanname" in kw.reference.lower()
    # 16,631 in 2027 is a part year: 5 months at 2026's monthly amount (38,921 / 12)
    o = engine.base.plan.line("A10102", 0, O)
    assert round(o[1] / (o[0] / 12)) == 5 and kw.end == dt.date(2027, 5, 31)


# -- 4. minimum reserve ---------------------------------------------------------------------------
def test_minimum_reserve_is_the_plans_amount_moved_by_ten_percent_of_the_wage_change(study, engine):
    """Baseline: 211,211.09 every year (M2 annex, 'Sociaal passief'). A hire of 1 VTE B1-B3 step 5
    from 2027 moves it by 10% of the hire's cost (plan 3.7: 10% of the annual wage cost)."""
    from w13xl.staffing import Position

    base = engine.base
    np.testing.assert_array_equal(base.m2.minimum_reserve, np.full(6, 211_211.09))
    _, library, scenarios = study
    result = engine.run(scenarios["energiehuis-plus-1-vte"], library)
    hire = Position("EH-NIEUW", "energieconsulent", "B", "B1-B3", 5, 1.0, "A10205", start=dt.date(2027, 1, 1))
    cost = base.position_cost(hire) * FLAT
    np.testing.assert_allclose(result.m2.minimum_reserve, 211_211.09 + 0.10 * cost, atol=CENT)
    # an index shock moves it by 10% of the roster's extra cost
    shock = engine.run(scenarios["indexschok-2027"], library)
    level = np.array([1.0, (2 + 4 * 1.02 + 4 * 1.02 ** 2 + 2 * 1.02 ** 3) / 12] + [1.02 ** 3] * 4)
    np.testing.assert_allclose(shock.m2.minimum_reserve, 211_211.09 + 0.10 * roster(base) * (level - 1), atol=CENT)


# -- 5. employer cost ---------------------------------------------------------------------------
def test_a_new_hire_gets_every_employer_cost_component(study, engine):
    """energiehuis-plus-1-vte: 1 VTE B1-B3 from 1/1/2027 at step 5 (then 6, 7, ...). Per year by
    hand from weddeschalen.csv (19,220 / 19,740 / 20,260 / 20,780 / 21,300 at 100%) x 2.1223:
    + holiday pay 92%/12, + end-of-year bonus 7%, + employer social security 32% on gross and
    bonus (not on public-sector holiday pay), + 2nd pillar 3% x 1.0886, + other personnel cost
    3,019.80 per head (T2 line f 60,396 / 20 heads), all x 1.02^t (the plan's index)."""
    _, library, scenarios = study
    result = engine.run(scenarios["energiehuis-plus-1-vte"], library)
    amounts = np.array([0.0, 19_220.0, 19_740.0, 20_260.0, 20_780.0, 21_300.0])
    gross = amounts * 2.1223
    per_year = gross * (1 + 0.92 / 12 + 0.07 + (1 + 0.07) * 0.32 + 0.03 * 1.0886)
    per_year += np.where(amounts > 0, 3_019.80, 0.0)
    cost = per_year * FLAT
    # rates as stored on the sample's Weddeschalen sheet (6 decimals): a few cents
    np.testing.assert_allclose(result.difference("exploitatiesaldo"), -cost, atol=0.1)


# -- 6. indexsprong -------------------------------------------------------------------------------
def test_indexsprong_skips_a_year_of_wage_indexation(engine):
    """Skipping 2028's 2% for wages: the roster's cost (and the volgt_loon receipts of Regierol,
    plan 3.3) is 1/1.02 lower from 2028 on."""
    base = engine.base
    result = run(engine, {"type": "indexsprong", "year": 2028})
    ratio = np.array([1, 1, 1 / 1.02, 1 / 1.02, 1 / 1.02, 1 / 1.02])
    net = roster(base) - roster(base, "A30301")
    np.testing.assert_allclose(result.difference("exploitatiesaldo"), -net * (ratio - 1), atol=0.01)


def test_indexsprong_skips_one_pivot_crossing(engine):
    """Skipping the crossing of May 2027 (its 2% step from July 2027): the yearly wage path is
    divided by the yearly average of that step: 2027 by (6 + 6 x 1.02) / 12, later years by 1.02."""
    base = engine.base
    result = run(engine, {"type": "indexsprong", "crossing": "2027-05"})
    ratio = np.array([1.0, 12 / (6 + 6 * 1.02)] + [1 / 1.02] * 4)
    net = roster(base) - roster(base, "A30301")
    np.testing.assert_allclose(result.difference("exploitatiesaldo"), -net * (ratio - 1), atol=0.01)
    with pytest.raises(Exception, match="exactly one"):
        run(engine, {"type": "indexsprong"})


# -- 7. every shipped scenario by hand (2031 reserve and AFM) -----------------------------------
PLAN_GBR_2031 = 454_275.79   # schema M2 of the plan, 2031 (454,276 as printed)
PLAN_AFM_2031 = -15_569.39   # idem (-15,569)
M2_KEYS = ("gecumuleerd_budgettair_resultaat", "autofinancieringsmarge")


def shipped(study, engine, name):
    _, library, scenarios = study
    r = engine.run(scenarios[name], library)
    return r.m2[M2_KEYS[0]][-1], r.m2[M2_KEYS[1]][-1], r


def assert_shipped(study, engine, name, es_effect, tol=0.01):
    """2031 reserve = plan + cumulated ES effect (no investment/financing change); AFM = plan +
    the 2031 ES effect (W13 has no loans)."""
    reserve, afm, _ = shipped(study, engine, name)
    assert reserve == pytest.approx(PLAN_GBR_2031 + float(np.sum(es_effect)), abs=tol)
    assert afm == pytest.approx(PLAN_AFM_2031 + float(es_effect[-1]), abs=tol)


def test_shipped_baseline_is_the_plan(study, engine):
    assert_shipped(study, engine, "baseline", np.zeros(6))


def test_shipped_contribution_plus_5(study, engine):
    """+5% of the plan's contribution (801,391 x 1.02^t) from 2027."""
    effect = 0.05 * 801_391 * FLAT * (T >= 1)
    assert_shipped(study, engine, "bijdrage-plus-5-2027", effect)


def test_shipped_energiehuis_hire(study, engine):
    amounts = np.array([0.0, 19_220.0, 19_740.0, 20_260.0, 20_780.0, 21_300.0])
    cost = (amounts * 2.1223 * (1 + 0.92 / 12 + 0.07 + 1.07 * 0.32 + 0.03 * 1.0886)
            + np.where(amounts > 0, 3_019.80, 0.0)) * FLAT
    assert_shipped(study, engine, "energiehuis-plus-1-vte", -cost, tol=0.5)


def test_shipped_indexschok(study, engine):
    base = engine.base
    level = np.array([1.0, (2 + 4 * 1.02 + 4 * 1.02 ** 2 + 2 * 1.02 ** 3) / 12] + [1.02 ** 3] * 4)
    price = np.array([1.0] + [1.08 / 1.02] * 5)
    cpi = np.array([1.0, 1.0] + [1.08 / 1.02] * 4)
    net_wages = roster(base) - roster(base, "A30301")
    effect = (-net_wages * (level - 1) - price_rest(base) * (price - 1)
              + (801_391 * FLAT + 0.5 * base.plan.line("A10401", 0, O)) * (cpi - 1))
    assert_shipped(study, engine, "indexschok-2027", effect)


def test_shipped_krachtwonen_renewed(study, engine):
    """Budget-neutral (plan 3.7; issue 18): the subsidy pays the plan's costs from 2027, so the
    ES effect is minus A10102's net in the synthesis: 22,597.54 - 16,631.48 = 5,966.06 (2027),
    then the whole U line 23,054.86 / 23,511.03 / 23,966.13 / 24,420.17. (It used to be 2026's
    38,921.30 a year, a surplus on a project whose costs are 23-24k.)"""
    effect = np.array([0, 22_597.54 - 16_631.48, 23_054.86, 23_511.03, 23_966.13, 24_420.17])
    assert_shipped(study, engine, "krachtwonen-verlengd-2031", effect)
    _, _, r = shipped(study, engine, "krachtwonen-verlengd-2031")
    o, u = r.plan.line("A10102", 0, O), r.plan.line("A10102", 0, U)
    np.testing.assert_allclose(o[1:], u[1:], atol=CENT)  # budget-neutral every renewed year


def test_shipped_pact_stops_2028(study, engine):
    effect = np.zeros(6)
    effect[3] = -1.15 * roster(engine.base, ids={"P06"})[3]
    assert_shipped(study, engine, "pact-stopt-2028", effect)


def test_shipped_open_staff_kept(study, engine):
    base = engine.base
    effect = -(roster(base, ids={"P08"}, end=None) - roster(base, ids={"P08"}))
    assert_shipped(study, engine, "open-personeel-blijft", effect)
    _, _, r = shipped(study, engine, "open-personeel-blijft")
    assert r.m2.minimum_reserve[-1] == pytest.approx(211_211.09 - 0.10 * effect[-1], abs=0.01)


def test_shipped_activering_extended(study, engine):
    """2028 gains 6 months: receipts 189,563 / 2 (fixed); costs = the 2027 monthly cost x 6 with
    its wage part (P07, roster) +2% and the rest (doorgestort) flat; A50111 gets 15% overhead on
    P07's six months back. So ES 2028 = -0.02 x P07(2027) / 2 + 0.15 x P07(Jan-Jun 2028)."""
    base = engine.base
    p07_2027 = roster(base, ids={"P07"})[1]
    p07_2028_half = roster(base, ids={"P07"}, end=dt.date(2028, 6, 30))[2]
    effect = np.zeros(6)
    effect[2] = -0.02 * p07_2027 / 2 + 0.15 * p07_2028_half
    assert_shipped(study, engine, "activering-verlengd-2028", effect)
    _, _, r = shipped(study, engine, "activering-verlengd-2028")
    assert r.plan.line("A10303", 0, O)[2] == pytest.approx(base.plan.line("A10303", 0, O)[1] / 2)


def test_shipped_regierol_stops_after_2026(study, engine):
    """No funding 2027-2030 (O = U in the plan every year); P10 stays 3 months (statutory notice
    for 3 years' seniority: 13 weeks) without funding; A50111 loses the 15% overhead on P10 every
    lost year: ES 2027 = -(3/12 + 0.15) x P10(2027), 2028-2030 = -0.15 x P10."""
    base = engine.base
    p10 = roster(base, ids={"P10"})
    effect = -0.15 * p10 * np.array([0, 1, 1, 1, 1, 0])
    effect[1] -= p10[1] * 3 / 12
    assert_shipped(study, engine, "regierol-stopt-2026", effect)


def test_shipped_foodact_investment_unfunded(study, engine):
    """A board decision against plan 3.2's rule: the 445,000 investment (250,000 move + 195,000
    fleet) carried out without its receipts: the reserve falls by 445,000 from 2026, below the
    minimum; the AFM does not move. (The plan's own alternative: tests/test_plan_scenarios.py.)"""
    reserve, afm, r = shipped(study, engine, "foodact13-toch-uitgevoerd")
    assert reserve == pytest.approx(PLAN_GBR_2031 - 250_000 - 195_000, abs=0.01)
    assert afm == pytest.approx(PLAN_AFM_2031, abs=0.01)
    assert r.m2.norms["reserve_above_minimum"].first_breach_year == 2026


def test_notice_uses_the_date_of_entry_when_the_roster_gives_one():
    """P06 hired 1/3/2025 (column in_dienst): on 31/12/2028 3 years 9 months of service ->
    13 weeks -> 3 months, instead of the step-based upper bound (19 years -> 14 months)."""
    from w13xl.staffing import bundled_roster, seniority_months, statutory_notice_months

    p06 = next(p for p in bundled_roster() if p.id == "P06")
    assert statutory_notice_months(seniority_months(p06, dt.date(2028, 12, 31))) == 14
    hired = dataclasses.replace(p06, hired=dt.date(2025, 3, 1))
    assert seniority_months(hired, dt.date(2028, 12, 31)) == 45
    assert statutory_notice_months(seniority_months(hired, dt.date(2028, 12, 31))) == 3


def test_a_register_row_without_source_is_flagged_on_load():
    from w13xl.scenario.loader import baseline_from_grids
    from w13xl.workbook import read_grids

    grids, named = read_grids(SAMPLE)
    sub = [list(r) for r in grids["Subsidies"]]
    header = next(i for i, r in enumerate(sub) if r and r[0] == "id")
    col = sub[header].index("verwijzing")
    sub[header + 1][col] = None  # SUB-KRACHTWONEN loses its reference
    base = baseline_from_grids({**grids, "Subsidies": sub}, file="x.xlsx", named=named)
    assert any("SUB-KRACHTWONEN has no funder" in str(w) for w in base.warnings)
    assert not any("no funder" in str(w) for w in baseline_from_grids(grids, file="x.xlsx", named=named).warnings)
