"""``w13xl onzekerheid WB SCENARIO --export-paths K MAP`` (issue 20): the K drawn paths with the
lowest reserve in the last year as ordinary scenario files, their figures beside them, and
``w13xl scenario WB MAP/x.toml`` giving the same reserve per year to the cent."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from helpers import SAMPLE
from typer.testing import CliRunner

from w13xl import montecarlo as mc
from w13xl.cli import app
from w13xl.m2 import LINE_KEYS
from w13xl.scenario.spec import load_scenario_file

ROOT = SAMPLE.parents[1]
SCENARIO = ROOT / "scenarios" / "onzekerheid.toml"
runner = CliRunner()
PATHS, SEED, K = 200, 5, 3


def invoke(*args):
    return runner.invoke(app, [*map(str, args)])


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("paden")
    out = folder.parent / "sim.json"
    result = invoke("onzekerheid", SAMPLE, SCENARIO, "--paths", PATHS, "--seed", SEED, "--export-paths", K, folder,
                    "--out", out)
    assert result.exit_code == 0, result.output
    assert f"Geschreven: {K} slechtste paden (reserve 2031)" in result.output
    return folder, json.loads(out.read_text(encoding="utf-8"))


def test_the_worst_paths_are_written_worst_first(exported):
    folder, sim = exported
    stems = [f"onzekerheid-slechtste-{rank}" for rank in range(1, K + 1)]
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{s}.{x}" for s in stems for x in ("toml", "json"))
    figures = [json.loads((folder / f"{s}.json").read_text(encoding="utf-8")) for s in stems]
    last = [f["gecumuleerd_budgettair_resultaat"][-1] for f in figures]
    assert last == sorted(last)
    # the 3 lowest of 200 paths lie below the 5th percentile (the 10th-lowest path or so)
    assert last[-1] <= sim["gecumuleerd_budgettair_resultaat"]["P5"][-1]
    for rank, (stem, f) in enumerate(zip(stems, figures, strict=True), start=1):
        scenario = load_scenario_file(folder / f"{stem}.toml")  # a valid scenario the loader reads
        which = "slechtste" if rank == 1 else f"{rank}de slechtste"
        assert scenario.title == f"Onzekerheid: pad {f['pad']} ({which} reserve 2031)"
        assert f["rang"] == rank and f["paden"] == PATHS and f["seed"] == SEED and f["bronscenario"] == "onzekerheid"
        assert scenario.uncertainty is None and scenario.extends == "baseline"
        # the shipped scenario's own change first (its central inflation), then the drawn ones:
        # five subsidies, the contribution growth 2027-2031 (one change, a percentage per year), the drawn
        # inflation last
        types = [c.type for c in scenario.changes]
        assert types[0] == "index" and types[-1] == "index"
        assert {c.subsidy for c in scenario.changes[1:6]} == {"SUB-PACT", "SUB-OPEN", "SUB-ACTIVERING",
                                                              "SUB-KRACHTWONEN", "SUB-REGIEROL"}
        assert set(types[1:6]) <= {"subsidy_end", "subsidy_renew"}
        assert types[6] == "contribution" and sorted(scenario.changes[6].pcts) == [2027, 2028, 2029, 2030, 2031]
        assert re.search(r"pad \d+ van 200 \(seed 5\)", (folder / f"{stem}.toml").read_text(encoding="utf-8"))


def test_running_an_exported_path_gives_its_figures_to_the_cent(exported, tmp_path):
    folder, _ = exported
    for rank in range(1, K + 1):
        stem = f"onzekerheid-slechtste-{rank}"
        figures = json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))
        out = tmp_path / f"{stem}.json"
        result = invoke("scenario", SAMPLE, folder / f"{stem}.toml", "--out", out)
        assert result.exit_code == 0, result.output
        run = json.loads(out.read_text(encoding="utf-8"))["scenarios"][0]
        for key in LINE_KEYS:
            assert np.array_equal(np.round(run[key], 2), np.round(figures[key], 2)), (stem, key)
        assert np.array_equal(np.round(run["minimumreserve"], 2), np.round(figures["minimumreserve"], 2))


def test_the_exported_figures_are_the_paths_of_the_simulation(exported, study):
    """The same seed in process: each exported path's reserve is that path of the simulation."""
    folder, _ = exported
    baseline, library, by = study
    sim = mc.simulate(baseline, by["onzekerheid"], library, paths=PATHS, seed=SEED, keep_paths=True)
    gbr = sim.values[mc.GBR]
    lowest = np.sort(gbr[:, -1])[:K]
    for rank in range(1, K + 1):
        figures = json.loads((folder / f"onzekerheid-slechtste-{rank}.json").read_text(encoding="utf-8"))
        path = figures["pad"] - 1
        assert np.array_equal(np.round(gbr[path], 2), np.round(figures["gecumuleerd_budgettair_resultaat"], 2))
        assert round(figures["gecumuleerd_budgettair_resultaat"][-1], 2) == round(float(lowest[rank - 1]), 2)


def test_export_paths_refuses_a_file_as_folder(tmp_path):
    target = tmp_path / "bestand.txt"
    target.write_text("x", encoding="utf-8")
    result = invoke("onzekerheid", SAMPLE, SCENARIO, "--paths", 10, "--export-paths", 2, target)
    assert result.exit_code == 2
    assert "Fout:" in result.output and "geen map" in result.output


def test_every_shipped_change_survives_the_writer(study):
    """The exported file holds the scenario's own changes inline: every change of the shipped
    scenarios written by w13xl.scenario.writer reads back to the same change."""
    import tomllib

    from w13xl.scenario.spec import scenario_from_dict
    from w13xl.scenario.writer import scenario_toml

    _, library, by = study
    kinds = set()
    for name, scenario in by.items():
        changes = library.changes(scenario)
        back = scenario_from_dict(tomllib.loads(scenario_toml(scenario.title, changes)), name=name)
        assert [c.model_dump() for c in back.changes] == [c.model_dump() for c in changes], name
        kinds |= {c.type for c in changes}
    assert len(kinds) >= 6, kinds  # index, subsidy_end, subsidy_renew, contribution, hire, line, ...
