"""Monte Carlo (w13xl.montecarlo): zero variance = the deterministic run, paths = engine runs,
seeds, hand-computed multipliers, validation of the [uncertainty] table."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from helpers import SAMPLE

from w13xl import montecarlo as mc
from w13xl.errors import InputError
from w13xl.scenario.engine import Engine
from w13xl.scenario.spec import (
    ContributionChange,
    IndexChange,
    Scenario,
    load_scenario_file,
    scenarios_from_grid,
)

ROOT = SAMPLE.parents[1]


def cents(a) -> np.ndarray:
    return np.round(np.asarray(a, dtype=float), 2)


def with_uncertainty(name: str, table: dict, changes=()) -> Scenario:
    return Scenario(name=name, title=name, changes=list(changes), uncertainty=table)


def test_zero_variance_equals_the_deterministic_run(study):
    baseline, library, by = study
    table = {"index": {"model": "inflation", "sd": 0}, "contribution": {"growth_sd": 0},
             "subsidies": {"SUB-PACT": {"renewal": 0, "policy": "stop"}}}
    for name in ("baseline", "open-personeel-blijft", "indexschok-2027"):
        scenario = by[name].model_copy(update={"uncertainty": table})
        sim = mc.simulate(baseline, scenario, library, paths=200, seed=1)
        run = Engine(baseline).run(by[name], library)
        for key in mc.OUTPUT_LINES:
            for i in range(len(mc.PERCENTILES)):
                assert np.array_equal(cents(sim.percentiles[key][i]), cents(run.m2[key])), (name, key)
        assert sim.p_afm_last_negative == (1.0 if run.m2[mc.AFM][-1] < 0 else 0.0)
        below = run.m2[mc.GBR] < run.m2.minimum_reserve - 0.005
        assert np.array_equal(sim.p_reserve_below_minimum, below.astype(float))


def test_renewal_probability_one_is_the_renewal_scenario(study):
    baseline, library, by = study
    scenario = with_uncertainty("kw", {"subsidies": {"SUB-KRACHTWONEN": {"renewal": 1.0, "until": "2031-12-31"}}})
    sim = mc.simulate(baseline, scenario, paths=50, seed=3)
    # the Monte Carlo renews at the last full year's monthly amount (not budget-neutral, unlike
    # the shipped krachtwonen-verlengd-2031 since issue 18): the same renewal as a scenario
    from w13xl.scenario.spec import scenario_from_dict

    renewed = Engine(baseline).run(scenario_from_dict({"changes": [
        {"type": "subsidy_renew", "subsidy": "SUB-KRACHTWONEN", "until": "2031-12-31"}]}, name="kw-renew"))
    for key in mc.OUTPUT_LINES:
        assert np.array_equal(cents(sim.percentile(key, 5)), cents(renewed.m2[key]))
        assert np.array_equal(cents(sim.percentile(key, 95)), cents(renewed.m2[key]))
    # AFM 2031 of the renewal scenario is +1,062: never negative
    assert renewed.m2[mc.AFM][-1] > 0 and sim.p_afm_last_negative == 0.0


def test_renewal_probability_zero_is_the_policy(study):
    baseline, library, by = study
    stop = mc.simulate(baseline, with_uncertainty("s", {"subsidies": {"SUB-OPEN": {"renewal": 0, "policy": "stop"}}}),
                       paths=20)
    keep = mc.simulate(baseline, with_uncertainty("k", {"subsidies": {"SUB-OPEN": {"renewal": 0, "policy": "keep_staff"}}}),
                       paths=20)
    plan = Engine(baseline).run(by["baseline"], library)
    staff_stay = Engine(baseline).run(by["open-personeel-blijft"], library)
    assert np.array_equal(cents(stop.percentile(mc.GBR, 50)), cents(plan.m2[mc.GBR]))
    assert np.array_equal(cents(keep.percentile(mc.GBR, 50)), cents(staff_stay.m2[mc.GBR]))
    # the minimum reserve follows the wage cost of the staff who stay (216,606 in 2031)
    assert np.array_equal(cents(keep.minimum_reserve), cents(staff_stay.m2.minimum_reserve))


def test_afm_probability_follows_the_renewal_probability(study):
    baseline, _, _ = study
    # the plan's AFM 2031 is -15,569; renewing Kracht.Wonen makes it +1,062; not renewing (keep)
    # is the plan: so P(AFM 2031 < 0) = the share of paths without renewal
    scenario = with_uncertainty("kw", {"subsidies": {"SUB-KRACHTWONEN": {"renewal": 0.3, "policy": "keep_staff"}}})
    prepared = mc.prepare(baseline, scenario)
    sim = mc.simulate(baseline, paths=3000, seed=7, prepared=prepared)
    d = mc.draw(prepared, 3000, np.random.SeedSequence(7).spawn(1)[0])
    assert sim.p_afm_last_negative == pytest.approx(1.0 - d.renewed.mean(), abs=1e-12)
    assert sim.p_afm_last_negative == pytest.approx(0.7, abs=0.03)


def test_same_seed_same_numbers_other_seed_other_numbers(study):
    baseline, library, by = study
    scenario = load_scenario_file(ROOT / "scenarios" / "onzekerheid.toml")
    a = mc.simulate(baseline, scenario, library, paths=400, seed=11)
    b = mc.simulate(baseline, scenario, library, paths=400, seed=11)
    c = mc.simulate(baseline, scenario, library, paths=400, seed=12)
    assert np.array_equal(a.percentiles[mc.GBR], b.percentiles[mc.GBR])
    assert a.p_reserve_below_minimum_any == b.p_reserve_below_minimum_any
    assert not np.array_equal(a.percentiles[mc.GBR], c.percentiles[mc.GBR])
    # the table's own seed (2026) is the default
    assert mc.simulate(baseline, scenario, library, paths=100).seed == 2026


@pytest.mark.parametrize("table", [
    {"index": {"model": "crossings", "mean_per_year": 0.5}, "contribution": {"growth_sd": 0.02},
     "subsidies": {"SUB-PACT": {"renewal": 0.5, "policy": "keep_staff"}, "SUB-OPEN": {"renewal": 0.5}}},
    {"index": {"model": "inflation", "sd": 0.02, "persistence": 0.5},
     "subsidies": {"SUB-REGIEROL": {"renewal": 0.5, "policy": "keep_staff"}}},
])
def test_each_path_is_the_engine_run_of_its_changes(study, table):
    baseline, _, _ = study
    central = [IndexChange(type="index", inflation={y: 0.02 for y in baseline.years})] \
        if table["index"]["model"] == "inflation" else []
    scenario = with_uncertainty("x", table, central)
    prepared = mc.prepare(baseline, scenario)
    d = mc.draw(prepared, 12, np.random.SeedSequence(5), keep=True)
    values = mc.evaluate(prepared, d)
    engine = Engine(baseline)
    changed = 0
    for i in range(12):
        extra = mc.path_changes(prepared, d, i)
        s2, lib2 = mc.extended(scenario, None, extra)
        run = engine.run(s2, lib2)
        for key in (mc.GBR, mc.AFM, mc.BBR):
            assert np.array_equal(cents(values[key][i]), cents(run.m2[key])), (i, key)
        assert np.array_equal(cents(values["minimumreserve"][i]), cents(run.m2.minimum_reserve))
        changed += any(isinstance(c, IndexChange) for c in extra)
    assert changed >= 3  # the index really varied


def test_crossing_multipliers_by_hand():
    crossed = np.zeros((1, 24), dtype=bool)
    crossed[0, 0] = True  # January of year 1: wages +2% from March
    m = mc.crossing_multipliers(crossed, 2)
    assert m[0] == pytest.approx([(2 + 10 * 1.02) / 12, 1.02], abs=1e-15)
    crossed[0, 11] = True  # December of year 1: +2% more from February of year 2
    assert mc.crossing_multipliers(crossed, 2)[0, 1] == pytest.approx((1.02 + 11 * 1.02 ** 2) / 12, abs=1e-15)


def test_contribution_growth_by_hand(study):
    baseline, _, _ = study
    scenario = with_uncertainty("g", {"contribution": {"growth_mean": 0.01, "from_year": 2028}})
    sim = mc.simulate(baseline, scenario, paths=5)
    c = baseline.contribution
    plan_afm = baseline.m2[mc.AFM]
    factor = np.array([1, 1, 1.01, 1.01 ** 2, 1.01 ** 3, 1.01 ** 4])
    assert np.allclose(sim.percentile(mc.AFM, 50), plan_afm + c * (factor - 1), atol=1e-6)
    # the same as one contribution change per year through the engine
    changes = [ContributionChange(type="contribution", from_year=y, pct=0.01) for y in range(2028, 2032)]
    s2, lib2 = mc.extended(None, None, changes)
    assert np.allclose(Engine(baseline).run(s2, lib2).m2[mc.GBR], sim.percentile(mc.GBR, 5), atol=0.005)


def test_errors_name_file_and_key(study, tmp_path):
    baseline, _, _ = study
    bad = tmp_path / "slecht.toml"
    bad.write_text('title = "x"\n[uncertainty.index]\nmodel = "inflation"\nsd = -0.1\n', encoding="utf-8")
    scenario = load_scenario_file(bad)
    with pytest.raises(InputError) as err:
        mc.uncertainty_spec(scenario)
    assert str(bad) in str(err.value) and "uncertainty.index.sd" in str(err.value)
    bad.write_text('title = "x"\n[uncertainty]\npath = 10\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"key uncertainty\.path: unknown key"):
        mc.uncertainty_spec(load_scenario_file(bad))
    bad.write_text('title = "x"\n[uncertainty.subsidies.SUB-NIETS]\nrenewal = 0.5\n', encoding="utf-8")
    with pytest.raises(InputError, match="unknown subsidy 'SUB-NIETS'"):
        mc.prepare(baseline, load_scenario_file(bad))
    bad.write_text('title = "x"\n[uncertainty.subsidies.SUB-KONEKTI]\nrenewal = 0.5\n', encoding="utf-8")
    with pytest.raises(InputError, match="does not end inside the plan"):
        mc.prepare(baseline, load_scenario_file(bad))
    # one meaning per policy word: the retired 'keep' is refused here too, as in scenario changes
    bad.write_text('title = "x"\n[uncertainty.subsidies.SUB-PACT]\nrenewal = 0.5\npolicy = "keep"\n', encoding="utf-8")
    with pytest.raises(InputError, match="'keep' no longer exists: use 'keep_staff'"):
        mc.uncertainty_spec(load_scenario_file(bad))


def test_sheet_rows_declare_uncertainty():
    grid = [
        ["Scenario", "Titel", "Type", "Subsidie", "Datum", "Sleutel", "Waarde"],
        ["onzeker", "Onzeker", "subsidy_end", "SUB-PACT", dt.date(2029, 6, 30), None, None],
        ["onzeker", None, "onzekerheid", None, None, "index.model", "inflation"],
        ["onzeker", None, "onzekerheid", None, None, "index.sd", "1%"],
        ["onzeker", None, "onzekerheid", None, None, "subsidies.SUB-OPEN.renewal", "0,4"],
        ["onzeker", None, "onzekerheid", None, None, "paths", 500],
    ]
    scenario = scenarios_from_grid(grid, file="plan.xlsx")["onzeker"]
    assert len(scenario.changes) == 1
    spec = mc.uncertainty_spec(scenario)
    assert spec.index.model == "inflation" and spec.index.sd == pytest.approx(0.01)
    assert spec.subsidies["SUB-OPEN"].renewal == pytest.approx(0.4) and spec.paths == 500
    grid[3][6] = "veel"
    with pytest.raises(InputError) as err:
        mc.uncertainty_spec(scenarios_from_grid(grid, file="plan.xlsx")["onzeker"])
    assert "sheet 'Scenario's'" in str(err.value) and "cell G4" in str(err.value)


def test_shipped_scenario_runs_deterministically(study):
    baseline, library, by = study
    run = Engine(baseline).run(by["onzekerheid"], library)
    # pivot-index wages at 2% inflation stay within 100 euro of the plan's flat 2% in 2031
    assert abs(run.m2[mc.GBR][-1] - baseline.m2[mc.GBR][-1]) < 100
    spec = mc.uncertainty_spec(by["onzekerheid"])
    assert spec.index.model == "inflation" and set(spec.subsidies) >= {"SUB-PACT", "SUB-OPEN"}
