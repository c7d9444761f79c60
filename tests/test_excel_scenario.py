"""W13.SCENARIO through xlwings' Office.js path: the plan under a scenario of the workbook's
Scenario's sheet or of a TOML file, compared with the scenario engine run on the file."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import xlwings as xw
import xlwings.server
from test_excel_scripts import SAMPLE, sample_sheets

from w13xl.excel import cache, core
from w13xl.excel import functions as F
from w13xl.m2 import m2_rows
from w13xl.scenario.engine import Engine
from w13xl.scenario.loader import load_study
from w13xl.scenario.spec import ScenarioLibrary, load_scenario_file

ROOT = Path(__file__).resolve().parents[1]
EXTRA = ("Parameters", "Personeel", "Weddeschalen", "Subsidies", "Indexering", "Scenario's")


@pytest.fixture(scope="module")
def values():
    return {s["name"]: s["values"] for s in sample_sheets()}


@pytest.fixture(scope="module")
def study():
    baseline, library, selected = load_study(SAMPLE)
    return baseline, library, {s.name: s for s in selected}


def call(*args):
    """W13.SCENARIO(budget; scenario; lijn; bereiken...): Office.js sends the repeating
    parameter as one list of ranges."""
    budget, scenario, lijn, *ranges = args
    payload = {"func_name": "w13_scenario", "args": [budget, scenario, lijn, list(ranges)],
               "version": xw.__version__, "runtime": "1.4", "client": "Office.js"}
    return asyncio.run(xlwings.server.custom_functions_call(payload, F))


def extra(values, names=EXTRA):
    return [values[n] for n in names]


def test_sheet_scenario_matches_the_engine(values, study):
    baseline, library, scenarios = study
    name = next(iter(scenarios))
    run = Engine(baseline).run(scenarios[name], library)
    out = call(values["Synthese"], [[name]], [["M2"]], *extra(values))
    assert out[0] == ["", "Schema M2", *run.years]
    # W13.SCENARIO runs run_scenarios: the same figures as the CLI's engine run, to the cent
    assert [r[:2] for r in out[1:]] == [[n, label] for n, label, _k, _v in m2_rows(run.m2)]
    assert [r[2:] for r in out[1:]] == [pytest.approx(v, abs=0.005) for _n, _l, _k, v in m2_rows(run.m2)]
    # the scenario differs from the plan: the function does apply it
    assert any(abs(d) > 1 for d in run.difference("gecumuleerd_budgettair_resultaat"))
    reserve = call(values["Synthese"], [[name]], [["reserve"]], *extra(values))
    assert reserve[0] == ["Jaar", "Gecumuleerd budgettair resultaat"]
    assert [r[1] for r in reserve[1:]] == pytest.approx([float(v) for v in run.m2["gecumuleerd_budgettair_resultaat"]],
                                                        abs=0.005)
    assert call(values["Synthese"], [[name]], [["VII"]], *extra(values)) == reserve
    assert call(values["Synthese"], [[name]], [["Gecumuleerd budgettair resultaat"]], *extra(values)) == reserve


def test_ranges_in_any_order_and_the_empty_line_argument(values, study):
    baseline, library, scenarios = study
    name = next(iter(scenarios))
    a = call(values["Synthese"], [[name]], None, *extra(values))
    b = call(values["Synthese"], [[name]], [[""]], *reversed(extra(values)))
    assert a == b and a[0][1] == "Schema M2"


@pytest.fixture
def scenario_dir(monkeypatch):
    """Scenario files are read only from the configured folder (here the repo's scenarios/)."""
    monkeypatch.setenv(core.SCENARIO_DIR_ENV, str(ROOT / "scenarios"))
    cache.clear()
    yield ROOT / "scenarios"
    cache.clear()


def test_toml_scenario_file(values, study, scenario_dir):
    baseline, library, _ = study
    path = scenario_dir / "pact-stopt-2028.toml"
    scenario = load_scenario_file(path)
    run = Engine(baseline).run(scenario, ScenarioLibrary([scenario]))
    out = call(values["Synthese"], [["pact-stopt-2028.toml"]], [["afm"]], *extra(values))
    assert [r[1] for r in out[1:]] == pytest.approx([float(v) for v in run.m2["autofinancieringsmarge"]], abs=0.005)
    assert call(values["Synthese"], [[str(path)]], [["afm"]], *extra(values)) == out  # full path inside the folder
    norms = call(values["Synthese"], [[str(path)]], [["normen"]], *extra(values))
    assert norms[0][0] == "Controle"
    assert [r[1] for r in norms[1:]] == [n.ok for n in run.m2.norms.values()]


@pytest.mark.parametrize("scenario, lijn, names, fragment", [
    ("bestaat-niet", "M2", EXTRA, "onbekend scenario 'bestaat-niet'"),
    ("x", "XX", EXTRA, "onbekende lijn 'XX'"),
    ("", "M2", EXTRA, "geen scenario"),
    ("hbdh-stopt-juni-2026", "M2", ("Parameters", "Parameters"), "tweede bereik"),
    ("hbdh-stopt-juni-2026", "M2", ("Toelichting",), "niet herkend"),
    ("hbdh-stopt-juni-2026", "M2", ("Parameters",), "onbekend scenario"),  # no Scenario's range
    ("/nergens/scenario.toml", "M2", EXTRA, "ligt buiten de scenariomap"),
    ("bestaat-niet.toml", "M2", EXTRA, "scenariobestand 'bestaat-niet.toml' niet gevonden in de scenariomap"),
    ("../pyproject.toml", "M2", EXTRA, "ligt buiten de scenariomap"),
    (str(ROOT / "pyproject.toml"), "M2", EXTRA, "ligt buiten de scenariomap"),
])
def test_bad_input_gives_a_message(values, scenario, lijn, names, fragment, scenario_dir):
    out = call(values["Synthese"], [[scenario]], [[lijn]], *[values[n] for n in names])
    assert len(out) == 1 and out[0][0].startswith("#W13: ") and fragment in out[0][0], out


def test_subsidy_scenario_without_the_register_gives_a_message(values):
    names = ("Parameters", "Scenario's")
    out = call(values["Synthese"], [["hbdh-stopt-juni-2026"]], None, *[values[n] for n in names])
    assert out[0][0].startswith("#W13: ") and "SUB-HBDH" in out[0][0]


def test_scenario_results_are_cached(values, monkeypatch):
    cache.clear()
    runs = []
    import w13xl.scenario as scenario

    original = scenario.run_scenarios
    monkeypatch.setattr(scenario, "run_scenarios", lambda *a, **k: runs.append(1) or original(*a, **k))
    for lijn in ("M2", "reserve", "afm", "M2"):
        call(values["Synthese"], [["hbdh-stopt-juni-2026"]], [[lijn]], *extra(values))
    assert len(runs) == 1
    assert core.resolve_line("bbr") == "beschikbaar_budgettair_resultaat"


def test_scenario_files_need_a_configured_folder(values, monkeypatch):
    """Without a scenario folder no file is read at all: the repo's pyproject.toml (which
    parses as TOML) is refused, not answered with its keys."""
    monkeypatch.delenv(core.SCENARIO_DIR_ENV, raising=False)
    cache.clear()
    for name in (str(ROOT / "pyproject.toml"), "pact-stopt-2028.toml"):
        out = call(values["Synthese"], [[name]], [["M2"]], *extra(values))
        assert out == [[f"#W13: scenariobestand '{name}': er is geen scenariomap ingesteld (verwacht: een scenario "
                        "van het blad Scenario's, of een scenariomap (W13XL_SCENARIO_DIR; w13xl serve --scenarios "
                        "MAP))"]]


def test_sheet_messages_are_dutch(values):
    """pydantic's and the engine's English never reach a cell: a bad date on the Scenario's sheet."""
    sheet = [list(r) for r in values["Scenario's"]]
    header = next(i for i, r in enumerate(sheet) if "Type" in r)
    row = sheet[header + 1]
    row[sheet[header].index("Datum")] = "morgen"
    ranges = [values[n] for n in EXTRA[:-1]] + [sheet]
    cache.clear()
    out = call(values["Synthese"], [[row[0]]], [["M2"]], *ranges)
    text = out[0][0]
    assert text.startswith("#W13: argument Scenario's, cel H") and "geen geldige datum" in text, text
    assert "Input should" not in text and "got" not in text


def test_cached_scenario_calls_equal_the_cold_one_and_a_changed_range_invalidates(values):
    """Every call gets its ranges freshly decoded from JSON (as xlwings Server does): a repeat is
    answered from the memo with the same payload; the opening reserve + 100 on the Parameters
    range moves the scenario's reserve by 100 in every year (a scenario does not touch it)."""
    def fresh(value):
        return json.loads(json.dumps(value))

    cache.clear()
    args = (values["Synthese"], [["hbdh-stopt-juni-2026"]], [["reserve"]], *extra(values))
    cold = call(*fresh(args))
    again = call(*fresh(args))
    assert core._scenarios.cache_info().hits == 1
    assert json.dumps(again) == json.dumps(cold) and cold[0] == ["Jaar", "Gecumuleerd budgettair resultaat"]
    changed = fresh(args)
    params = changed[3]
    row = next(r for r in params if r[0] == "Gecumuleerd budgettair resultaat vorig boekjaar")
    row[1] += 100
    out = call(*changed)
    assert [r[0] for r in out] == [r[0] for r in cold]
    assert [r[1] for r in out[1:]] == pytest.approx([r[1] + 100 for r in cold[1:]], abs=1e-6)
