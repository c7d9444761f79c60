"""The Monte Carlo's chunks in worker processes (``simulate(workers=N)``, ``w13xl onzekerheid
--processen N``): the same figures to the bit as in one process, whatever the number of processes
or the size of the engine's batches; the library's default stays in its own process."""

from __future__ import annotations

import json
import multiprocessing
import os

import numpy as np
import pytest
from helpers import SAMPLE
from typer.testing import CliRunner

from w13xl import montecarlo as mc
from w13xl.cli import app
from w13xl.errors import InputError
from w13xl.scenario.spec import load_scenario_file

ROOT = SAMPLE.parents[1]
SCENARIO = ROOT / "scenarios" / "onzekerheid.toml"
FORK = "fork" in multiprocessing.get_all_start_methods()
runner = CliRunner()


@pytest.fixture(scope="module")
def prepared(study):
    baseline, library, _ = study
    return mc.prepare(baseline, load_scenario_file(SCENARIO), library)


def assert_same(a: mc.Simulation, b: mc.Simulation) -> None:
    """Every kept path, percentile and probability equal to the bit."""
    for key in (*mc.OUTPUT_LINES, "minimumreserve"):
        assert np.array_equal(a.values[key], b.values[key]), key
        assert key == "minimumreserve" or np.array_equal(a.percentiles[key], b.percentiles[key]), key
    assert np.array_equal(a.minimum_percentiles, b.minimum_percentiles)
    assert np.array_equal(a.p_reserve_below_minimum, b.p_reserve_below_minimum)
    assert (a.p_reserve_below_minimum_any, a.p_afm_last_negative, a.p_bbr_negative_any) == \
        (b.p_reserve_below_minimum_any, b.p_afm_last_negative, b.p_bbr_negative_any)


def test_two_processes_give_the_figures_of_one(study, prepared, monkeypatch, tmp_path):
    """450 paths in chunks of 150 (three chunks, so the two workers finish them in any order): the
    same paths in the same places as in one process. The chunks really ran in other processes
    (each writes its process id where the test can read it)."""
    baseline, _, _ = study
    monkeypatch.setattr(mc, "CHUNK", 150)
    one = mc.simulate(baseline, paths=450, seed=3, prepared=prepared, keep_paths=True)
    run_chunk = mc.run_chunk

    def recorded(prep, lo, hi, seq):
        (tmp_path / f"chunk-{lo}").write_text(str(os.getpid()))
        return run_chunk(prep, lo, hi, seq)

    monkeypatch.setattr(mc, "run_chunk", recorded)
    done: list[int] = []
    two = mc.simulate(baseline, paths=450, seed=3, prepared=prepared, keep_paths=True, workers=2,
                      progress=lambda d, total: done.append(d))
    assert_same(one, two)
    # the paths vary (the comparison is not of equal rows): 450 distinct reserves in 2031
    assert len(np.unique(one.values[mc.GBR][:, -1])) == 450
    assert done == [0, 150, 300, 450]  # once at the start, then after each chunk
    if FORK:  # a spawned worker imports the module afresh, without the test's recorder
        pids = {int((tmp_path / f"chunk-{lo}").read_text()) for lo in (0, 150, 300)}
        assert os.getpid() not in pids and 1 <= len(pids) <= 2


def test_the_engine_batches_do_not_change_a_figure(study, prepared, monkeypatch):
    """A chunk's distinct paths run in batches of BATCH: batches of 70 (5 per chunk of 300) give
    the figures of one batch per chunk."""
    baseline, _, _ = study
    monkeypatch.setattr(mc, "CHUNK", 300)
    whole = mc.simulate(baseline, paths=600, seed=4, prepared=prepared, keep_paths=True)
    monkeypatch.setattr(mc, "BATCH", 70)
    calls = []
    run_scenarios = mc.run_scenarios

    def counting(base, scenarios, library=None, **kw):
        calls.append(len(scenarios))
        return run_scenarios(base, scenarios, library, **kw)

    monkeypatch.setattr(mc, "run_scenarios", counting)
    batched = mc.simulate(baseline, paths=600, seed=4, prepared=prepared, keep_paths=True)
    assert calls == [70, 70, 70, 70, 20] * 2  # 300 distinct paths a chunk: 4 x 70 + 20
    assert_same(whole, batched)


def test_the_library_default_is_one_process(study, prepared, monkeypatch):
    """simulate() without workers never starts a process (a server's daemonic worker may not)."""
    baseline, _, _ = study

    def refused(*args, **kwargs):
        raise AssertionError("a process pool was started")

    monkeypatch.setattr(mc, "ProcessPoolExecutor", refused)
    monkeypatch.setattr(mc, "CHUNK", 100)
    sim = mc.simulate(baseline, paths=300, prepared=prepared)
    assert sim.paths == 300
    with pytest.raises(AssertionError, match="a process pool was started"):
        mc.simulate(baseline, paths=300, prepared=prepared, workers=2)


def _in_a_daemon(prepared, queue) -> None:
    sim = mc.simulate(prepared.baseline, paths=200, prepared=prepared, workers=2)
    queue.put(float(sim.percentile(mc.GBR, 50)[-1]))


@pytest.mark.skipif(not FORK, reason="a daemonic process started with fork (the test shares its objects)")
def test_a_daemonic_process_runs_the_chunks_itself(study, prepared, monkeypatch):
    """In a daemonic process (a multiprocessing.Pool worker, say) workers=2 runs in that process:
    a daemonic process may not have children."""
    baseline, _, _ = study
    monkeypatch.setattr(mc, "CHUNK", 100)
    expected = float(mc.simulate(baseline, paths=200, prepared=prepared).percentile(mc.GBR, 50)[-1])
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_in_a_daemon, args=(prepared, queue), daemon=True)
    child.start()
    got = queue.get(timeout=120)
    child.join(30)
    assert child.exitcode == 0
    assert got == expected


def test_cli_processen_same_output_and_export(monkeypatch, tmp_path):
    """``--processen 2`` and ``--processen 1``: the same table, the same JSON, the same exported
    worst paths (they are redrawn from their chunk's stream, whoever ran the chunk)."""
    monkeypatch.setattr(mc, "CHUNK", 100)
    outputs = {}
    for n in (1, 2):
        out, folder = tmp_path / f"sim{n}.json", tmp_path / f"paden{n}"
        result = runner.invoke(app, ["onzekerheid", str(SAMPLE), str(SCENARIO), "--paths", "300", "--seed", "9",
                                     "--processen", str(n), "--no-progress", "--out", str(out),
                                     "--export-paths", "2", str(folder)])
        assert result.exit_code == 0, result.output
        files = sorted(folder.iterdir())
        assert [f.name for f in files] == ["onzekerheid-slechtste-1.json", "onzekerheid-slechtste-1.toml",
                                           "onzekerheid-slechtste-2.json", "onzekerheid-slechtste-2.toml"]
        exported = {f.name: f.read_text(encoding="utf-8") for f in files}
        table = result.output.replace(str(out), "OUT").replace(str(folder), "MAP")
        outputs[n] = (table, json.loads(out.read_text(encoding="utf-8")), exported)
    assert outputs[1] == outputs[2]


def test_cli_processen_refuses_zero():
    result = runner.invoke(app, ["onzekerheid", str(SAMPLE), str(SCENARIO), "--processen", "0"])
    assert result.exit_code == 2
    assert "--processen" in result.output and "verwacht een geheel getal ≥ 1" in result.output


@pytest.mark.skipif(not FORK, reason="the failing chunk is patched in this process (a forked worker inherits it)")
def test_an_error_in_a_worker_is_the_callers_error(study, prepared, monkeypatch):
    """A chunk that refuses its input in a worker process: the caller gets the same InputError
    (message and place), as in one process."""
    baseline, _, _ = study
    monkeypatch.setattr(mc, "CHUNK", 100)
    run_paths = mc.run_paths

    def failing(prep, d, keys=mc.LINE_KEYS):
        if len(d) == 50:  # the last chunk of 250 paths
            raise InputError("subsidie X kan niet verlengd worden", file="x.toml", key="uncertainty.subsidies.X")
        return run_paths(prep, d, keys)

    monkeypatch.setattr(mc, "run_paths", failing)
    for workers in (1, 2):
        with pytest.raises(InputError) as caught:
            mc.simulate(baseline, paths=250, prepared=prepared, workers=workers)
        assert str(caught.value) == "x.toml, sleutel uncertainty.subsidies.X: subsidie X kan niet verlengd worden"
        assert caught.value.key == "uncertainty.subsidies.X"


def test_spawned_workers_give_the_same_figures(study, prepared, monkeypatch):
    """Where workers cannot be forked (Windows, macOS) they are spawned: a fresh interpreter that
    imports w13xl and receives the prepared run pickled. The same figures to the bit."""
    baseline, _, _ = study
    monkeypatch.setattr(mc, "CHUNK", 100)
    one = mc.simulate(baseline, paths=200, seed=8, prepared=prepared, keep_paths=True)
    monkeypatch.setattr(mc, "_start_method", lambda: "spawn")
    two = mc.simulate(baseline, paths=200, seed=8, prepared=prepared, keep_paths=True, workers=2)
    assert_same(one, two)
