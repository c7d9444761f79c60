"""Subsidy cliffs (w13xl.cliffs), checked against the shipped scenarios and by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import ROSTER_TOL, roster_cost
from helpers import SAMPLE

from w13xl.cliffs import subsidy_cliffs
from w13xl.montecarlo import AFM, GBR
from w13xl.scenario.engine import Engine
from w13xl.scenario.loader import load_study

ROOT = SAMPLE.parents[1]


@pytest.fixture(scope="module")
def study():
    baseline, library, selected = load_study(SAMPLE, [str(ROOT / "scenarios")])
    by = {s.name: s for s in selected}
    return baseline, library, by, subsidy_cliffs(baseline)


def effect(baseline, library, scenario, key=GBR) -> float:
    return float(Engine(baseline).run(scenario, library).m2[key][-1] - baseline.m2[key][-1])


def test_every_subsidy_once_worst_first(study):
    baseline, _, _, table = study
    assert sorted(c.subsidy for c in table.cliffs) == sorted(baseline.subsidies)
    worst = [c.worst_reserve for c in table.cliffs]
    assert worst == sorted(worst)
    # Konekti's staff (P04, P14, P15, about 324k in 2031) + 15% overhead: the largest staff cost
    assert table.cliffs[0].subsidy == "SUB-KONEKTI"


def test_pact_one_year_early_is_the_shipped_scenario(study):
    baseline, library, by, table = study
    pact = next(c for c in table.cliffs if c.subsidy == "SUB-PACT")
    assert pact.early_date == dt.date(2028, 12, 31) and pact.keep_date == dt.date(2029, 12, 31)
    assert pact.reserve_early == pytest.approx(effect(baseline, library, by["pact-stopt-2028"]), abs=0.005)
    # statutory notice of P06 (14 months) outlasts the planned end: 2029 costs P06 + overhead (issue 9)
    assert pact.reserve_early == pytest.approx(-1.15 * roster_cost(["P06"], 3), abs=ROSTER_TOL)
    # the project stops at the end of 2029 in the plan anyway: AFM 2031 unchanged
    assert pact.afm_early == 0.0


def test_open_not_renewed_is_the_shipped_scenario(study):
    baseline, library, by, table = study
    open_ = next(c for c in table.cliffs if c.subsidy == "SUB-OPEN")
    assert open_.reserve_keep == pytest.approx(effect(baseline, library, by["open-personeel-blijft"]), abs=0.005)
    # OPEN ends 30/06/2027 (plan); keeping P08 costs its 2031 cost (issue 9: was -53,950 with end 2027)
    assert open_.afm_keep == pytest.approx(-roster_cost(["P08"], 5, end=None), abs=ROSTER_TOL)
    # keeping P08 from July 2027 costs the reserve about 240k by 2031: below the minimum
    # (211,211.09 + 10% of P08's 2031 cost) in 2031 (issue 9: with the old end 31/12/2027 and
    # employer costs it stayed just above)
    assert open_.first_breach_keep == 2031


def test_krachtwonen_keep_changes_nothing(study):
    # the plan already keeps Kracht.Wonen's cost after its subsidy ends (end 2027)
    _, _, _, table = study
    kw = next(c for c in table.cliffs if c.subsidy == "SUB-KRACHTWONEN")
    assert kw.reserve_keep == 0.0 and kw.afm_keep == 0.0


def test_open_ended_and_short_subsidies_are_labelled(study):
    _, _, _, table = study
    konekti = next(c for c in table.cliffs if c.subsidy == "SUB-KONEKTI")
    assert konekti.open_ended and konekti.end is None
    assert konekti.early_date == konekti.keep_date == dt.date(2030, 12, 31)
    assert "verondersteld einde 31/12/2030" in konekti.note
    # only 2031 changes: the reserve effect equals the AFM effect
    assert konekti.reserve_keep == pytest.approx(konekti.afm_keep, abs=0.01)
    hbdh = next(c for c in table.cliffs if c.subsidy == "SUB-HBDH")
    assert hbdh.early_date == dt.date(2026, 1, 1) and "januari 2026" in hbdh.note


def test_cliffs_on_top_of_a_scenario(study):
    baseline, library, by, _ = study
    table = subsidy_cliffs(baseline, by["krachtwonen-verlengd-2031"], library, subsidies=["SUB-KRACHTWONEN"])
    kw = table.cliffs[0]
    # renewed to 31/12/2031: that is the end of the plan, so it is treated as open-ended
    assert kw.open_ended and kw.keep_date == dt.date(2030, 12, 31)
    # the plan's AFM 2031 plus Kracht.Wonen's 2031 cost (24,420.17), budget-neutral (issue 18)
    assert table.reference.m2[AFM][-1] == pytest.approx(-15_569.39 + 24_420.17, abs=0.01)
    assert kw.reserve_keep < 0
