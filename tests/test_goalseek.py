"""Goal seek (w13xl.goalseek): answers proved by re-running, hand-computed where linear."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from helpers import SAMPLE

from w13xl import goalseek as gs
from w13xl.montecarlo import AFM, GBR, extended
from w13xl.scenario.engine import Engine
from w13xl.scenario.spec import ContributionChange, FteChange, LineChange

ROOT = SAMPLE.parents[1]


def test_contribution_for_the_plan_by_hand(study):
    baseline, _, _ = study
    sol = gs.solve_contribution(baseline)
    # AFM 2031 = ES 2031 + contribution 2031 x pct, so pct = -AFM 2031 / contribution 2031
    by_hand = -baseline.m2[AFM][-1] / baseline.contribution[-1]
    assert sol.value == pytest.approx(by_hand, rel=1e-9)
    assert 0 <= sol.afm_last < 1.0
    assert sol.binding == "afm_last_year" and sol.binding_year == 2031 and sol.feasible and sol.needed
    # proved independently: the same change through the engine
    s2, lib2 = extended(None, None, [ContributionChange(type="contribution", from_year=2027, pct=sol.value)])
    assert Engine(baseline).run(s2, lib2).m2[AFM][-1] == pytest.approx(sol.afm_last, abs=1e-6)
    # and it is the smallest: one euro less in 2031 breaks the target
    s3, lib3 = extended(None, None, [ContributionChange(
        type="contribution", from_year=2027, pct=sol.value - 1.0 / baseline.contribution[-1])])
    assert Engine(baseline).run(s3, lib3).m2[AFM][-1] < 0


def test_per_inhabitant_is_the_same_answer(study):
    baseline, _, _ = study
    pct = gs.solve_contribution(baseline)
    sol = gs.solve_contribution(baseline, per_inhabitant=True)
    current = 801_391 / 332_211
    assert sol.per_inhabitant_current == pytest.approx(current)
    assert sol.per_inhabitant == pytest.approx(current * (1 + pct.value))
    assert sol.lever == "per_inhabitant" and 0 <= sol.afm_last < 1.0


@pytest.mark.parametrize("name", ["open-personeel-blijft", "indexschok-2027", "energiehuis-plus-1-vte"])
def test_contribution_for_scenarios(study, name):
    baseline, library, by = study
    sol = gs.solve(baseline, by[name], library, lever="contribution")
    m2 = sol.proof.m2
    assert m2[AFM][-1] >= 0
    assert np.all(m2[GBR] >= m2.minimum_reserve - 0.005)
    if sol.binding == "afm_last_year":
        assert m2[AFM][-1] < 1.0


def test_fte_cut_for_the_plan(study):
    baseline, _, _ = study
    sol = gs.solve_fte(baseline)
    assert dict(sol.details["posities"]) == {"P01": 1.0, "P02": 1.0, "P05": 1.0, "P19": 1.0, "P20": 1.0}
    assert sol.fte_total == 5.0 and 0 < sol.fte_reduction < 1
    assert 0 <= sol.afm_last < 1.0 and sol.binding == "afm_last_year"
    changes = [FteChange(type="fte", position=p, fte=1.0 - sol.value, date=dt.date(2027, 1, 1))
               for p in ("P01", "P02", "P05", "P19", "P20")]
    s2, lib2 = extended(None, None, changes)
    assert Engine(baseline).run(s2, lib2).m2[AFM][-1] == pytest.approx(sol.afm_last, abs=1e-6)


def test_targets_already_met(study):
    baseline, library, by = study
    sol = gs.solve(baseline, by["bijdrage-plus-5-2027"], library, lever="contribution")
    assert sol.value == 0 and not sol.needed and sol.feasible
    assert "al gehaald" in sol.sentence()


def test_reserve_binds_and_infeasible_too_late(study):
    baseline, _, _ = study
    # a one-off investment of 400,000 in 2026: the reserve ends 2026 at 49,553 < 211,211
    drain = LineChange(type="line", action="A50111", category="investeringen", direction="U", amounts={2026: 400_000})
    scenario, library = extended(None, None, [drain], name="drain")
    sol = gs.solve_contribution(baseline, scenario, library, from_year=2026)
    assert sol.binding == "reserve_minimum" and sol.binding_year == 2026
    assert sol.slacks["reserve_minimum"][0] == pytest.approx(0, abs=0.01)
    by_hand = (211_211.09 - (449_552.83 - 400_000)) / 801_391
    assert sol.value == pytest.approx(by_hand, rel=1e-6)
    late = gs.solve_contribution(baseline, scenario, library, from_year=2027)
    assert not late.feasible and late.binding == "reserve_minimum" and late.binding_year == 2026
    assert "Onhaalbaar" in late.sentence()
