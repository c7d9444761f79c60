"""The batched scenario engine against the one-at-a-time engine (the oracle): to the cent on
every shipped scenario and on random scenarios; fallbacks where a change cannot be batched."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from w13xl.errors import W13Error
from w13xl.m2 import LINE_KEYS
from w13xl.scenario.batch import BatchEngine, NotBatchable, measure
from w13xl.scenario.engine import Engine
from w13xl.scenario.loader import load_study
from w13xl.scenario.spec import scenario_from_dict

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "w13-mjp-2026-2031.xlsx"
SCENARIOS = ROOT / "scenarios"
CENT = 0.005


@pytest.fixture(scope="module")
def study():
    baseline, library, selected = load_study(SAMPLE, [str(SCENARIOS)])
    return baseline, library, selected


@pytest.fixture(scope="module")
def batch(study):
    return BatchEngine(study[0])


def assert_same(oracle, run, *, effects: bool = True) -> None:
    for key in LINE_KEYS:
        np.testing.assert_allclose(run.m2[key], oracle.m2[key], rtol=0, atol=CENT, err_msg=key)
    if oracle.m2.minimum_reserve is None:
        assert run.m2.minimum_reserve is None
    else:
        np.testing.assert_allclose(run.m2.minimum_reserve, oracle.m2.minimum_reserve, rtol=0, atol=CENT)
    assert {k: n.breach_years for k, n in run.m2.norms.items()} == \
        {k: n.breach_years for k, n in oracle.m2.norms.items()}
    if effects:
        assert [(e.index, e.kind, e.description) for e in run.effects] == \
            [(e.index, e.kind, e.description) for e in oracle.effects]
        for a, b in zip(run.effects, oracle.effects):
            for key in LINE_KEYS:
                np.testing.assert_allclose(a.deltas[key], b.deltas[key], rtol=0, atol=CENT, err_msg=key)


def test_every_shipped_scenario_batches_and_equals_the_engine(study, batch):
    baseline, library, selected = study
    result = batch.run(selected, library)
    assert result.fallback == {}  # all batched: the comparison is not the engine against itself
    for key in LINE_KEYS:  # one row per scenario, also for lines no scenario changes
        assert result.lines[key].shape == (len(selected), len(baseline.years)), key
        for i, s in enumerate(selected):
            np.testing.assert_array_equal(result.m2(i)[key], result.lines[key][i])
    one = batch.run(selected[:1], library)
    assert all(one.lines[key].shape == (1, len(baseline.years)) for key in LINE_KEYS)
    engine = Engine(baseline)
    for i, s in enumerate(selected):
        assert_same(engine.run(s, library), result.run(i))
    # the batch is not the baseline: the PACT stop changes the 2029 exploitation saldo
    pact = [s.name for s in selected].index("pact-stopt-2028")
    assert abs(result.lines["exploitatiesaldo"][pact][3] - baseline.m2["exploitatiesaldo"][3]) > 1000


# -- random scenarios -------------------------------------------------------------------------------
SUBSIDIES = ["SUB-KRACHTWONEN", "SUB-HBDH", "SUB-PACT", "SUB-ACTIVERING", "SUB-OPEN", "SUB-REGIEROL",
             "SUB-FOODACT", "SUB-EH-BASIS"]
POSITIONS = ["P02", "P05", "P06", "P07", "P11", "P19", "P20"]
ACTIONS = ["A10205", "A10302", "A50111", "A10101", "A30301"]
rates = st.floats(-0.01, 0.08, allow_nan=False)
dates = st.builds(dt.date, st.integers(2026, 2031), st.sampled_from([1, 3, 7, 12]), st.just(1))
ends = st.builds(lambda y, m: dt.date(y, m, 28) if m == 2 else dt.date(y, m, 30 if m in (6, 9) else 31),
                 st.integers(2026, 2031), st.sampled_from([6, 9, 12]))
policy = st.sampled_from([{"policy": "stop"}, {"policy": "keep_staff"}, {"policy": "keep_project"},
                          {"policy": "share", "share": 0.5}, {"policy": "stop", "notice_months": 3}])
CHANGES = st.one_of(
    st.builds(lambda c, r: {"type": "index", "classes": c, "rate": r},
              st.sampled_from([["loon"], ["prijzen"], ["bijdrage"], ["loon", "prijzen"]]), rates),
    st.builds(lambda c, r: {"type": "index", "classes": c, "rates": {2027: r, 2029: r / 2}},
              st.sampled_from([["loon"], ["prijzen"], ["bijdrage"]]), rates),
    st.builds(lambda a, b: {"type": "index", "classes": ["loon", "prijzen", "bijdrage"],
                            "inflation": {2027: a, 2028: b}}, rates, rates),
    st.builds(lambda m: {"type": "index", "extra_crossings": [f"2027-{m:02d}"]}, st.integers(1, 12)),
    st.builds(lambda c, y: {"type": "indexsprong", "classes": c, "year": y},
              st.sampled_from([["loon"], ["prijzen"], ["loon", "bijdrage"]]), st.integers(2027, 2031)),
    st.builds(lambda m: {"type": "indexsprong", "crossing": f"2027-{m:02d}"}, st.integers(1, 12)),
    st.builds(lambda s, d, p: {"type": "subsidy_end", "subsidy": s, "date": d, **p}, st.sampled_from(SUBSIDIES), ends, policy),
    st.builds(lambda s, d, f, p: {"type": "subsidy_cut", "subsidy": s, "date": d, "factor": f, **p},
              st.sampled_from(SUBSIDIES), dates, st.sampled_from([0.0, 0.5, 0.8]), policy),
    st.builds(lambda s: {"type": "subsidy_renew", "subsidy": s, "until": dt.date(2031, 12, 31)},
              st.sampled_from(["SUB-KRACHTWONEN", "SUB-PACT", "SUB-OPEN", "SUB-REGIEROL", "SUB-HBDH"])),
    st.builds(lambda a, d, f, step: {"type": "hire", "level": "B", "scale": "B1-B3", "step": step, "action": a,
                                     "start": d, "funded_by": f},
              st.sampled_from(ACTIONS), dates, st.sampled_from(["basiswerking", "SUB-PACT"]), st.integers(0, 10)),
    st.builds(lambda p, f, d: {"type": "fte", "position": p, "fte": f, "date": d},
              st.sampled_from(POSITIONS), st.sampled_from([0.5, 0.8, 1.0]), dates),
    st.builds(lambda p, d: {"type": "end_position", "position": p, "date": d}, st.sampled_from(POSITIONS), ends),
    st.builds(lambda p, d: {"type": "contribution", "from_year": d, "pct": p},
              st.floats(-0.05, 0.1, allow_nan=False), st.integers(2026, 2031)),
    st.builds(lambda a, d, x: {"type": "line", "action": a, "direction": d, "amounts": {2028: x}},
              st.sampled_from(ACTIONS), st.sampled_from(["O", "U"]), st.floats(-5e4, 5e4, allow_nan=False)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CHANGES, min_size=1, max_size=4), min_size=1, max_size=6))
def test_random_scenarios_equal_the_engine(study, batch, changes_per_scenario):
    baseline = study[0]
    engine = Engine(baseline)
    valid, oracles = [], []
    for i, changes in enumerate(changes_per_scenario):
        s = scenario_from_dict({"changes": changes}, name=f"s{i}")
        try:
            oracles.append(engine.run(s))
        except W13Error:  # an invalid combination: the batch refuses it the same way
            with pytest.raises(W13Error):
                batch.run([s])
            continue
        valid.append(s)
    if not valid:
        return
    result = batch.run(valid)
    for i, oracle in enumerate(oracles):
        assert_same(oracle, result.run(i))


def test_a_grid_shares_one_measurement_per_index_state(study, batch):
    """Subsidy ends x index paths: renewal-like extensions are measured once per index state."""
    baseline = study[0]
    scenarios = []
    for sid in ("SUB-PACT", "SUB-OPEN"):
        for year in (2026, 2029, 2031):
            for rate in (0.0, 0.02, 0.04):
                scenarios.append(scenario_from_dict({"changes": [
                    {"type": "index", "classes": ["loon", "prijzen"], "rate": rate},
                    {"type": "subsidy_end", "subsidy": sid, "date": dt.date(year, 12, 31), "policy": "stop"}]},
                    name=f"{sid}-{year}-{rate}"))
    result = batch.run(scenarios)
    assert result.fallback == {}
    engine = Engine(baseline)
    for i, s in enumerate(scenarios):
        assert_same(engine.run(s), result.run(i))


def test_a_change_that_is_not_affine_in_the_state_falls_back_to_the_engine(study):
    """A renewal rescales its amount by the index multipliers: measured with the multipliers
    as inputs it is refused (and then measured per index state)."""
    baseline = study[0]
    renew = scenario_from_dict({"changes": [{"type": "subsidy_renew", "subsidy": "SUB-PACT",
                                             "until": dt.date(2031, 12, 31)}]}, name="r").changes[0]
    with pytest.raises(NotBatchable):
        measure(Engine(baseline), renew)
    stop = scenario_from_dict({"changes": [{"type": "subsidy_end", "subsidy": "SUB-PACT",
                                            "date": dt.date(2027, 12, 31)}]}, name="e").changes[0]
    response = measure(Engine(baseline), stop)
    assert ("mult", "loon") in response.inputs  # staff cost follows the wage index


def test_two_changes_on_one_subsidy_run_on_the_engine(study, batch):
    s = scenario_from_dict({"changes": [
        {"type": "subsidy_end", "subsidy": "SUB-PACT", "date": dt.date(2027, 12, 31), "policy": "stop"},
        {"type": "subsidy_renew", "subsidy": "SUB-PACT", "until": dt.date(2030, 12, 31)}]}, name="twice")
    result = batch.run([s])
    assert 0 in result.fallback
    assert_same(Engine(study[0]).run(s), result.run(0))


def test_if_the_engine_s_index_rule_changes_the_batch_runs_those_scenarios_on_the_engine(study, monkeypatch):
    """The batch's index step is checked against the engine per kind of index change: a
    different engine rule (here: prices move twice as much) sends the scenario to the engine."""
    import w13xl.scenario.engine as engine_module

    original = engine_module.index_deltas

    def doubled(base, lines, ratios, wage_parts=None):
        return {k: 2 * v for k, v in original(base, lines, ratios, wage_parts).items()}

    monkeypatch.setattr(engine_module, "index_deltas", doubled)
    baseline = study[0]
    s = scenario_from_dict({"changes": [{"type": "index", "classes": ["prijzen"], "rate": 0.04}]}, name="p")
    result = BatchEngine(baseline).run([s])
    assert 0 in result.fallback and "differs from the engine" in result.fallback[0]
    assert_same(Engine(baseline).run(s), result.run(0))


def test_the_raster_grid_batches_without_fallback_and_equals_the_engine(study):
    """Every subsidy x end year 2026-2031 x issue 9's policies x three index paths (864
    scenarios): none runs on the engine, and every cell equals the engine to the cent (M2 lines
    and the minimum reserve, which moves with the roster's wage cost)."""
    from w13xl.scenario.grid import Policy, subsidy_grid

    baseline = study[0]
    policies = [Policy("stop"), Policy("keep_staff"), Policy("keep_project"), Policy("share", 0.5)]
    grid = subsidy_grid(baseline, policies=policies, index_rates=[None, 0.0, 0.04])
    result = grid.result
    assert len(result) == len(baseline.subsidies) * 6 * 4 * 3
    assert result.fallback == {}
    engine = Engine(baseline)
    for i, s in enumerate(result.scenarios):
        oracle = engine.run(s)
        for key in LINE_KEYS:
            np.testing.assert_allclose(result.lines[key][i], oracle.m2[key], rtol=0, atol=CENT, err_msg=s.name)
        np.testing.assert_allclose(result.minimum_reserve[i], oracle.m2.minimum_reserve, rtol=0, atol=CENT)
    # the minimum reserve is not flat: keeping the PACT's staff after 2026 raises it
    pact = [s.name for s in result.scenarios].index("SUB-PACT 2026 keep_staff")
    assert result.minimum_reserve[pact][-1] - baseline.m2.minimum_reserve[-1] > 1000


def test_an_end_near_its_overhead_cap_runs_once_for_every_index_state_at_once(study):
    """The regierol's overhead cap (min(15% x staff, U - staff)) lies where an index change moves
    its staff cost, so its end is not affine in the state: the engine applies it to all scenarios'
    states at once (amounts with a leading axis of states), checked bit for bit on one state the
    first time; every scenario equals the engine run alone."""
    baseline = study[0]
    rng = np.random.default_rng(7)
    scenarios = [scenario_from_dict({"changes": [
        {"type": "index", "classes": ["loon"], "rates": {y: float(rng.uniform(0, 0.05)) for y in range(2027, 2032)}},
        {"type": "subsidy_end", "subsidy": "SUB-REGIEROL", "date": dt.date(year, 12, 31), "policy": "stop"}]},
        name=f"r{i}") for i, year in enumerate([2026, 2027, 2028] * 8)]
    batch = BatchEngine(baseline)
    result = batch.run(scenarios)
    assert result.fallback == {}
    stacked = {k: ok for k, ok in batch._stacks.items() if "SUB-REGIEROL" in k[1]}
    assert len(stacked) == 3 and all(stacked.values())  # one per end year, each through the stacked path
    engine = Engine(baseline)
    for i, s in enumerate(scenarios):
        assert_same(engine.run(s), result.run(i))
    again = batch.run(scenarios)  # warm: the check is not repeated, the result is the same
    for k in LINE_KEYS:
        np.testing.assert_array_equal(again.lines[k], result.lines[k])


def test_stacked_states_let_only_elementwise_arithmetic_through():
    """Indexing a year, iterating, reductions (over the states too) and other numpy functions
    on stacked states are refused, so such a rule runs one state at a time instead."""
    from w13xl.scenario.batch import _States

    x = np.arange(12.0).reshape(2, 6).view(_States)
    y = np.minimum(x * 2.0 + 1.0, np.ones(6) * 5)
    assert isinstance(y, _States)
    np.testing.assert_array_equal(y.view(np.ndarray), np.minimum(np.arange(12.0).reshape(2, 6) * 2 + 1, 5))
    for refused in (lambda: x[0], lambda: list(x), lambda: x.sum(), lambda: np.any(x > 3), lambda: max(x),
                    lambda: np.clip(x, 0, 1), lambda: float(x), lambda: len(x)):
        with pytest.raises(NotBatchable):
            refused()


def test_a_rule_that_indexes_a_year_runs_per_state_and_still_equals_the_engine(study):
    """keep_project extends the project from its last full year (the engine indexes that year):
    not elementwise over stacked states, so the engine runs once per distinct state."""
    baseline = study[0]
    scenarios = [scenario_from_dict({"changes": [
        {"type": "index", "classes": ["loon"], "rate": rate},
        {"type": "subsidy_end", "subsidy": "SUB-PACT", "date": dt.date(2027, 12, 31), "policy": "keep_project"}]},
        name=f"k{i}") for i, rate in enumerate([0.0, 0.01, 0.02, 0.03])]
    batch = BatchEngine(baseline)
    result = batch.run(scenarios)
    engine = Engine(baseline)
    for i, s in enumerate(scenarios):
        assert_same(engine.run(s), result.run(i))


def test_probes_stacked_in_one_engine_run_measure_exactly_what_one_run_each_measures(study, monkeypatch):
    """measure() runs its probes (random, mirrored, one per input) as one engine run on stacked
    states where the change's arithmetic is elementwise: the response is bit for bit the one
    measured with one engine run per probe."""
    from w13xl.scenario import batch as batch_module

    baseline = study[0]
    changes = [scenario_from_dict({"changes": [c]}, name="m").changes[0] for c in (
        {"type": "subsidy_end", "subsidy": "SUB-PACT", "date": dt.date(2028, 12, 31)},
        {"type": "subsidy_end", "subsidy": "SUB-OPEN", "date": dt.date(2026, 12, 31), "policy": "keep_staff"},
        {"type": "subsidy_cut", "subsidy": "SUB-KONEKTI", "date": dt.date(2029, 1, 1), "factor": 0.5},
        {"type": "fte", "position": "P05", "fte": 0.5, "date": dt.date(2027, 7, 1)},
        {"type": "contribution", "from_year": 2027, "pct": 0.03})]
    stacked_runs = []
    original = batch_module._Measure.run

    def counting(self, perturb=None):
        stacked_runs.append(any(isinstance(v, batch_module._States) for v in (perturb or {}).values()))
        return original(self, perturb)

    monkeypatch.setattr(batch_module._Measure, "run", counting)
    stacked = [measure(Engine(baseline), ch) for ch in changes]
    assert sum(stacked_runs) >= len(changes)  # the probes did go through stacked
    monkeypatch.setattr(batch_module._Measure, "run_many", lambda self, perturbs: [self.run(p)[:2] for p in perturbs])
    for ch, r in zip(changes, stacked):
        one = measure(Engine(baseline), ch)
        assert r.keys == one.keys and r.inputs == one.inputs
        np.testing.assert_array_equal(r.alpha, one.alpha)
        np.testing.assert_array_equal(r.d0, one.d0)
