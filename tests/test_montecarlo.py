"""Monte Carlo (w13xl.montecarlo): each path is a scenario row of the engine. Zero variance = the
scenario, renewal probability 0/1 = the end/renewal scenario, hand-derived contribution growth,
seeds, a path's figures independent of the batch it ran in, equal paths run once, validation of
the [uncertainty] table."""

from __future__ import annotations

import datetime as dt
import tomllib

import numpy as np
import pytest
from helpers import SAMPLE

from w13xl import montecarlo as mc
from w13xl.errors import InputError
from w13xl.scenario import run_scenarios
from w13xl.scenario.spec import (
    Scenario,
    ScenarioLibrary,
    load_scenario_file,
    scenario_from_dict,
    scenarios_from_grid,
)
from w13xl.scenario.writer import scenario_toml

ROOT = SAMPLE.parents[1]


def cents(a) -> np.ndarray:
    return np.round(np.asarray(a, dtype=float), 2)


def with_uncertainty(name: str, table: dict, changes=()) -> Scenario:
    return Scenario(name=name, title=name, changes=list(changes), uncertainty=table)


def run_one(baseline, scenario, library=None):
    return run_scenarios(baseline, [scenario], library).run(0)


def assert_every_percentile_is(sim, run):
    for key in mc.OUTPUT_LINES:
        for i in range(len(mc.PERCENTILES)):
            assert np.array_equal(cents(sim.percentiles[key][i]), cents(run.m2[key])), key


def test_zero_variance_is_the_scenario(study):
    baseline, library, by = study
    # no extra crossings, no growth, 't PACT not renewed and stopping at its planned end
    # (31/12/2029), as the plan has it: every path is the scenario itself
    table = {"index": {"model": "crossings", "mean_per_year": 0}, "contribution": {"growth_sd": 0},
             "subsidies": {"SUB-PACT": {"renewal": 0, "policy": "stop"}}}
    for name in ("baseline", "open-personeel-blijft", "indexschok-2027"):
        scenario = by[name].model_copy(update={"uncertainty": table})
        sim = mc.simulate(baseline, scenario, library, paths=200, seed=1)
        run = run_one(baseline, by[name], library)
        assert_every_percentile_is(sim, run)
        assert sim.p_afm_last_negative == (1.0 if run.m2[mc.AFM][-1] < 0 else 0.0)
        below = run.m2[mc.GBR] < run.m2.minimum_reserve - 0.005
        assert np.array_equal(sim.p_reserve_below_minimum, below.astype(float))
    # the inflation model with sd 0: each path's index change is inflation = mean, which is the
    # shipped scenario's own central path, so the paths are that scenario to the cent
    shipped = by["onzekerheid"]
    flat = shipped.model_copy(update={"uncertainty": {"index": {"model": "inflation", "mean": 0.02, "sd": 0}}})
    assert_every_percentile_is(mc.simulate(baseline, flat, library, paths=50), run_one(baseline, shipped, library))


def test_inflation_model_refuses_an_index_path_it_would_erase(study):
    baseline, library, by = study
    # indexschok-2027 sets its own wage path; the drawn inflation would replace it in every path
    scenario = by["indexschok-2027"].model_copy(update={"uncertainty": {"index": {"model": "inflation"}}})
    with pytest.raises(InputError, match="zou in geen enkel pad meetellen") as err:
        mc.prepare(baseline, scenario, library)
    assert "indexschok-2027.toml" in str(err.value) and "changes[0]" in str(err.value)
    # an indexsprong on prices with only the wages drawn is fine: the draw leaves prices alone
    sprong = Scenario(name="sprong", changes=[{"type": "indexsprong", "classes": ["prijzen"], "year": 2028}],
                      uncertainty={"index": {"model": "inflation", "classes": "loon"}})
    assert mc.prepare(baseline, sprong).index_classes == ("loon", "volgt_loon")
    with pytest.raises(InputError, match="indexpad van prijzen"):
        mc.prepare(baseline, sprong.model_copy(update={"uncertainty": {"index": {"model": "inflation"}}}))


def test_renewal_probability_one_is_the_renewal_scenario(study):
    baseline, _, _ = study
    scenario = with_uncertainty("kw", {"subsidies": {"SUB-KRACHTWONEN": {"renewal": 1.0, "until": "2031-12-31"}}})
    sim = mc.simulate(baseline, scenario, paths=50, seed=3)
    # the Monte Carlo renews at the last full year's monthly amount (not budget-neutral, unlike
    # the shipped krachtwonen-verlengd-2031 since issue 18): the same renewal as a scenario
    renewed = run_one(baseline, scenario_from_dict({"changes": [
        {"type": "subsidy_renew", "subsidy": "SUB-KRACHTWONEN", "until": "2031-12-31"}]}, name="kw-renew"))
    assert_every_percentile_is(sim, renewed)
    # AFM 2031 of the renewal scenario is +1,062: never negative
    assert renewed.m2[mc.AFM][-1] > 0 and sim.p_afm_last_negative == 0.0


def test_renewal_probability_zero_is_the_policy(study):
    baseline, library, by = study
    stop = mc.simulate(baseline, with_uncertainty("s", {"subsidies": {"SUB-OPEN": {"renewal": 0, "policy": "stop"}}}),
                       paths=20)
    keep_staff = {"subsidies": {"SUB-OPEN": {"renewal": 0, "policy": "keep_staff"}}}
    keep = mc.simulate(baseline, with_uncertainty("k", keep_staff), paths=20)
    plan = run_one(baseline, by["baseline"], library)
    staff_stay = run_one(baseline, by["open-personeel-blijft"], library)
    assert_every_percentile_is(stop, plan)
    assert_every_percentile_is(keep, staff_stay)
    # the minimum reserve follows the wage cost of the staff who stay (216,606 in 2031)
    assert np.array_equal(cents(keep.minimum_reserve), cents(staff_stay.m2.minimum_reserve))


def test_afm_probability_follows_the_renewal_probability(study):
    baseline, _, _ = study
    # the plan's AFM 2031 is -15,569; renewing Kracht.Wonen makes it +1,062; not renewing (keep)
    # is the plan: so P(AFM 2031 < 0) = the share of paths without renewal
    scenario = with_uncertainty("kw", {"subsidies": {"SUB-KRACHTWONEN": {"renewal": 0.3, "policy": "keep_staff"}}})
    prepared = mc.prepare(baseline, scenario)
    sim = mc.simulate(baseline, paths=3000, seed=7, prepared=prepared)
    d = mc.draw(prepared, 3000, np.random.SeedSequence(7).spawn(1)[0])  # 3000 < CHUNK: one chunk
    assert sim.p_afm_last_negative == pytest.approx(1.0 - d.renewed.mean(), abs=1e-12)
    assert sim.p_afm_last_negative == pytest.approx(0.7, abs=0.03)


def test_equal_paths_run_once(study, monkeypatch):
    """Two subsidies with a renewal probability: at most 2 x 2 different paths, whatever the count."""
    baseline, _, _ = study
    sizes = []

    def counting(base, scenarios, library=None, **kw):
        sizes.append(len(scenarios))
        return run_scenarios(base, scenarios, library, **kw)

    monkeypatch.setattr(mc, "run_scenarios", counting)
    scenario = with_uncertainty("two", {"subsidies": {"SUB-OPEN": {"renewal": 0.5}, "SUB-PACT": {"renewal": 0.5}}})
    sim = mc.simulate(baseline, scenario, paths=2000, keep_paths=True)
    assert sizes[1:] == [4]  # [0]: the scenario itself (prepare); then the chunk's four paths
    assert len(np.unique(cents(sim.values[mc.GBR][:, -1]))) == 4


def test_same_seed_same_numbers_other_seed_other_numbers(study):
    baseline, library, _ = study
    scenario = load_scenario_file(ROOT / "scenarios" / "onzekerheid.toml")
    a = mc.simulate(baseline, scenario, library, paths=400, seed=11)
    b = mc.simulate(baseline, scenario, library, paths=400, seed=11)
    c = mc.simulate(baseline, scenario, library, paths=400, seed=12)
    assert np.array_equal(a.percentiles[mc.GBR], b.percentiles[mc.GBR])
    assert a.p_reserve_below_minimum_any == b.p_reserve_below_minimum_any
    assert not np.array_equal(a.percentiles[mc.GBR], c.percentiles[mc.GBR])
    # percentiles in order per line and year; "ever below" at least each year's probability
    for key in mc.OUTPUT_LINES:
        assert np.all(np.diff(a.percentiles[key], axis=0) >= 0), key
    assert a.p_reserve_below_minimum_any >= a.p_reserve_below_minimum.max()
    # the table's own seed (2026) is the default
    assert mc.simulate(baseline, scenario, library, paths=100).seed == 2026


@pytest.mark.parametrize("table", [
    {"index": {"model": "crossings", "mean_per_year": 0.5}, "contribution": {"growth_sd": 0.02},
     "subsidies": {"SUB-PACT": {"renewal": 0.5, "policy": "keep_staff"}, "SUB-OPEN": {"renewal": 0.5}}},
    {"index": {"model": "inflation", "sd": 0.02, "persistence": 0.5, "classes": ["loon"]},
     "subsidies": {"SUB-REGIEROL": {"renewal": 0.5, "policy": "keep_staff"}}},
])
def test_a_path_is_its_scenario_file_run_alone(study, table):
    """A path's figures in its chunk equal its scenario written as TOML, read back (validated)
    and run on its own: nothing depends on the other paths of the batch."""
    baseline, _, _ = study
    scenario = with_uncertainty("x", table)
    prepared = mc.prepare(baseline, scenario)
    d = mc.draw(prepared, 12, np.random.SeedSequence(5))
    lines, minimum = mc.run_paths(prepared, d)
    varied = 0
    for i in range(12):
        s = mc.path_scenario(prepared, d, i, f"p{i}")
        back = scenario_from_dict(tomllib.loads(scenario_toml(s.title, s.changes)), name=f"p{i}")
        # floats written with repr: the same changes to the last bit
        assert [c.model_dump() for c in back.changes] == [c.model_dump() for c in s.changes]
        run = run_one(baseline, back)
        for key in (mc.GBR, mc.AFM, mc.BBR):
            assert np.array_equal(cents(lines[key][i]), cents(run.m2[key])), (i, key)
        assert np.array_equal(cents(minimum[i]), cents(run.m2.minimum_reserve))
        varied += any(c.type == "index" for c in back.changes)
    assert varied >= 3  # the index really varied
    if table["index"]["model"] == "inflation":  # wages alone: the engine's spelling of "only loon"
        assert next(c for c in back.changes if c.type == "index").classes == ["loon", "volgt_loon"]


def test_contribution_growth_by_hand(study):
    baseline, _, _ = study
    scenario = with_uncertainty("g", {"contribution": {"growth_mean": 0.01, "from_year": 2028}})
    sim = mc.simulate(baseline, scenario, paths=5)
    # +1% a year from 2028 on the plan's contribution c, compounding: c x (1.01^k - 1) more
    # receipts in the k-th year from 2028, the AFM moves by exactly that
    c = baseline.contribution
    factor = np.array([1, 1, 1.01, 1.01 ** 2, 1.01 ** 3, 1.01 ** 4])
    assert np.allclose(sim.percentile(mc.AFM, 50), baseline.m2[mc.AFM] + c * (factor - 1), atol=0.005)
    # and the reserve by the cumulated sum
    assert np.allclose(sim.percentile(mc.GBR, 5), baseline.m2[mc.GBR] + np.cumsum(c * (factor - 1)), atol=0.005)


def test_errors_name_file_and_key(study, tmp_path):
    baseline, _, _ = study
    bad = tmp_path / "slecht.toml"
    bad.write_text('title = "x"\n[uncertainty.index]\nmodel = "inflation"\nsd = -0.1\n', encoding="utf-8")
    scenario = load_scenario_file(bad)
    with pytest.raises(InputError) as err:
        mc.uncertainty_spec(scenario)
    assert str(bad) in str(err.value) and "uncertainty.index.sd" in str(err.value)
    bad.write_text('title = "x"\n[uncertainty]\npath = 10\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"sleutel uncertainty\.path: onbekende sleutel"):
        mc.uncertainty_spec(load_scenario_file(bad))
    bad.write_text('title = "x"\n[uncertainty.subsidies.SUB-NIETS]\nrenewal = 0.5\n', encoding="utf-8")
    with pytest.raises(InputError, match="onbekende subsidie 'SUB-NIETS'"):
        mc.prepare(baseline, load_scenario_file(bad))
    bad.write_text('title = "x"\n[uncertainty.subsidies.SUB-KONEKTI]\nrenewal = 0.5\n', encoding="utf-8")
    with pytest.raises(InputError, match="eindigt niet binnen het plan"):
        mc.prepare(baseline, load_scenario_file(bad))
    # a subsidy the scenario itself renews to the end of the plan has nothing left to renew
    renewed = Scenario(name="r", changes=[{"type": "subsidy_renew", "subsidy": "SUB-PACT", "until": "2031-12-31"}],
                       uncertainty={"subsidies": {"SUB-PACT": {"renewal": 0.5}}})
    with pytest.raises(InputError, match="SUB-PACT eindigt niet binnen het plan"):
        mc.prepare(baseline, renewed, ScenarioLibrary([renewed]))
    # one meaning per policy word: the retired 'keep' is refused here too, as in scenario changes
    bad.write_text('title = "x"\n[uncertainty.subsidies.SUB-PACT]\nrenewal = 0.5\npolicy = "keep"\n', encoding="utf-8")
    with pytest.raises(InputError, match="'keep' bestaat niet meer: gebruik 'keep_staff'"):
        mc.uncertainty_spec(load_scenario_file(bad))


def test_the_scenario_moves_the_subsidy_end_of_its_paths(study):
    """'t PACT ends 31/12/2029 in the register; pact-stopt-2028 ends it on 31/12/2028: its paths
    renew or end it from there."""
    baseline, library, by = study
    scenario = by["pact-stopt-2028"].model_copy(update={"uncertainty": {"subsidies": {"SUB-PACT": {"renewal": 0.5}}}})
    outcome = mc.prepare(baseline, scenario, library).subsidies[0]
    assert outcome.fail.date == dt.date(2028, 12, 31) and outcome.renew.until == dt.date(2031, 12, 31)


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
    assert "blad 'Scenario's'" in str(err.value) and "cel G4" in str(err.value)


def test_shipped_scenario_runs_deterministically(study):
    baseline, library, by = study
    run = run_one(baseline, by["onzekerheid"], library)
    # pivot-index wages at 2% inflation stay within 100 euro of the plan's flat 2% in 2031
    assert abs(run.m2[mc.GBR][-1] - baseline.m2[mc.GBR][-1]) < 100
    spec = mc.uncertainty_spec(by["onzekerheid"])
    assert spec.index.model == "inflation" and set(spec.subsidies) >= {"SUB-PACT", "SUB-OPEN"}


def test_dutch_ordinals():
    assert [mc.ordinal(n) for n in (1, 2, 3, 5, 8, 12, 19, 20, 21, 100, 102, 108, 120)] == [
        "1ste", "2de", "3de", "5de", "8ste", "12de", "19de", "20ste", "21ste", "100ste", "102de", "108ste", "120ste"]
