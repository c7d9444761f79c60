"""Scenario definitions: TOML files, the workbook sheet "Scenario's", errors, and the CLI."""

from __future__ import annotations

from helpers import PLAN_GBR_2031, ROSTER_TOL, roster_cost

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from w13xl.cli import app
from w13xl.errors import InputError
from w13xl.scenario.engine import Engine
from w13xl.scenario.loader import load_study
from w13xl.scenario.spec import load_scenario_file, scenarios_from_grid

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "w13-mjp-2026-2031.xlsx"
runner = CliRunner()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_files_validate():
    from w13xl.scenario.spec import scenario_files

    names = sorted(p.stem for p in scenario_files(ROOT / "scenarios"))  # not voorstel.toml (w13xl nota)
    assert "voorstel" not in names and len(names) >= 10
    for name in names:
        s = load_scenario_file(ROOT / "scenarios" / f"{name}.toml")
        assert s.name == name and s.title


@pytest.mark.parametrize(("text", "key", "fragment"), [
    ('[[changes]]\ntype = "contribution"\nfrom_year = 2028\npct = "veel"\n', "changes[0].pct", "geen getal"),
    ('[[changes]]\ntype = "explode"\n', "changes[0]", "onbekend soort wijziging"),
    ('[[changes]]\ntype = "subsidy_end"\nsubsidy = "SUB-PACT"\ndate = 2028-12-31\ncolour = 1\n',
     "changes[0].colour", "onbekende sleutel"),
    ('[[changes]]\ntype = "subsidy_end"\nsubsidy = "SUB-PACT"\ndate = 2028-12-31\npolicy = "share"\n',
     "changes[0]", "beleid 'share' vraagt share"),
    ('[[changes]]\ntype = "index"\nrate = 0.03\nrates = {2027 = 0.05}\n', "changes[0]", "precies één van"),
    ('[[changes]]\ntype = "index"\ncrossings = ["2027-13"]\n', "changes[0].crossings", "geen maand"),
])
def test_invalid_file_names_file_and_key(tmp_path, text, key, fragment):
    path = write(tmp_path, "bad.toml", text)
    with pytest.raises(InputError) as info:
        load_scenario_file(path)
    assert info.value.file == str(path)
    assert info.value.key == key
    assert fragment in str(info.value)


def test_toml_syntax_error(tmp_path):
    path = write(tmp_path, "broken.toml", "[[changes]\n")
    with pytest.raises(InputError, match="geen geldige TOML.*regel 1"):
        load_scenario_file(path)


@pytest.mark.parametrize(("change", "key", "fragment"), [
    ('subsidy = "SUB-NOPE"\ndate = 2028-12-31', "changes[0].subsidy", "onbekende subsidie 'SUB-NOPE'"),
    ('subsidy = "SUB-PACT"\ndate = 2035-12-31', "changes[0].date", "buiten het plan (2026-2031)"),
])
def test_engine_checks_name_the_key(tmp_path, change, key, fragment):
    path = write(tmp_path, "x.toml", f'[[changes]]\ntype = "subsidy_end"\n{change}\n')
    baseline, library, selected = load_study(SAMPLE, [str(path)])
    with pytest.raises(InputError) as info:
        Engine(baseline).run(selected[0], library)
    assert info.value.key == key and info.value.file == str(path)
    assert fragment in str(info.value)


@pytest.mark.parametrize(("change", "key"), [
    ('type = "end_position"\nposition = "P99"\ndate = 2028-12-31', "changes[0].position"),
    ('type = "hire"\nlevel = "B"\nscale = "Z9"\naction = "A10205"\nstart = 2027-01-01', "changes[0].scale"),
    ('type = "hire"\nlevel = "B"\nscale = "B1-B3"\naction = "A99999"\nstart = 2027-01-01', "changes[0].action"),
])
def test_unknown_position_scale_action(tmp_path, change, key):
    path = write(tmp_path, "x.toml", f"[[changes]]\n{change}\n")
    baseline, library, selected = load_study(SAMPLE, [str(path)])
    with pytest.raises(InputError) as info:
        Engine(baseline).run(selected[0], library)
    assert info.value.key == key


def test_extends_sibling_file_and_cycles(tmp_path):
    write(tmp_path, "parent.toml", '[[changes]]\ntype = "contribution"\nfrom_year = 2027\npct = 0.05\n')
    child = write(tmp_path, "child.toml", 'extends = "parent"\n[[changes]]\ntype = "subsidy_end"\n'
                                          'subsidy = "SUB-PACT"\ndate = 2028-12-31\n')
    write(tmp_path, "broken.toml", "[[changes]\n")  # a broken sibling that nobody extends
    baseline, library, selected = load_study(SAMPLE, [str(child)])
    result = Engine(baseline).run(selected[0], library)
    assert [e.kind for e in result.effects] == ["contribution", "subsidy_end"]
    loop = write(tmp_path, "loop.toml", 'extends = "loop2"\n')
    write(tmp_path, "loop2.toml", 'extends = "loop"\n')
    baseline, library, selected = load_study(SAMPLE, [str(loop)])
    with pytest.raises(InputError, match="bouwt op zichzelf voort"):
        Engine(baseline).run(selected[0], library)


# -- the sheet ------------------------------------------------------------------------------------
HEADER = ["Scenario", "Titel", "Type", "Subsidie", "Datum", "Beleid", "Percentage", "Jaar"]


def test_sheet_scenarios_equal_file_scenarios(tmp_path):
    grid = [["Scenario's"], [], HEADER,
            ["pact", "PACT stopt", "subsidy_end", "SUB-PACT", dt.datetime(2028, 12, 31), "stop", None, None],
            ["pact", None, "contribution", None, None, None, "5%", 2027]]
    sheet = scenarios_from_grid(grid, file="w.xlsx")["pact"]
    path = write(tmp_path, "pact.toml", '[[changes]]\ntype = "subsidy_end"\nsubsidy = "SUB-PACT"\n'
                                        'date = 2028-12-31\npolicy = "stop"\n'
                                        '[[changes]]\ntype = "contribution"\nfrom_year = 2027\npct = 0.05\n')
    baseline, library, selected = load_study(SAMPLE, [str(path)])
    engine = Engine(baseline)
    a = engine.run(sheet)
    b = engine.run(selected[0], library)
    assert a.m2["gecumuleerd_budgettair_resultaat"].tolist() == b.m2["gecumuleerd_budgettair_resultaat"].tolist()
    assert sheet.title == "PACT stopt"


def test_sheet_errors_name_the_cell():
    grid = [HEADER, ["x", None, "subsidy_end", "SUB-PACT", "volgende week", "stop", None, None]]
    with pytest.raises(InputError) as info:
        scenarios_from_grid(grid, file="w.xlsx")
    assert info.value.sheet == "Scenario's" and info.value.cell == "E2"
    grid = [HEADER + ["Kleur"], ["x"]]
    with pytest.raises(InputError) as info:
        scenarios_from_grid(grid, file="w.xlsx")
    assert info.value.cell == "I1" and "onbekende kolom" in str(info.value)


def test_sample_sheet_scenarios_run():
    baseline, library, selected = load_study(SAMPLE)
    assert [s.name for s in selected] == ["hbdh-stopt-juni-2026", "bijdrage-plus-3-2028"]
    result = Engine(baseline).run(selected[1], library)
    contribution = [801_391 * 1.02 ** k for k in range(6)]
    assert result.difference("exploitatiesaldo")[2] == pytest.approx(0.03 * contribution[2], abs=0.01)


# -- CLI ------------------------------------------------------------------------------------------
def test_compare_json_reuses_the_m2_keys(tmp_path):
    out = tmp_path / "compare.json"
    result = runner.invoke(app, ["compare", str(SAMPLE), str(ROOT / "scenarios" / "baseline.toml"),
                                 str(ROOT / "scenarios" / "pact-stopt-2028.toml"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["years"] == list(range(2026, 2032))
    names = [s["scenario"] for s in data["scenarios"]]
    assert names == ["baseline", "pact-stopt-2028"]
    pact = data["scenarios"][1]
    for key in ("exploitatiesaldo", "gecumuleerd_budgettair_resultaat", "beschikbaar_budgettair_resultaat",
                "autofinancieringsmarge", "gecorrigeerde_autofinancieringsmarge", "norms"):
        assert key in pact
    # issue 18: the shipped scenario serves P06's notice in time, so 2029 loses only the 15% overhead
    assert pact["gecumuleerd_budgettair_resultaat"][-1] == pytest.approx(
        PLAN_GBR_2031 - 0.15 * roster_cost(["P06"], 3), abs=ROSTER_TOL)
    assert pact["changes"][0]["kind"] == "subsidy_end"
    assert sum(pact["changes"][0]["effects"]["exploitatiesaldo"]) == pytest.approx(
        pact["gecumuleerd_budgettair_resultaat"][-1] - data["scenarios"][0]["gecumuleerd_budgettair_resultaat"][-1],
        abs=0.01)
    assert "Scenario's naast elkaar" in result.output


def test_run_prints_audit_trail_and_bad_file_exits_2(tmp_path):
    result = runner.invoke(app, ["run", str(SAMPLE), str(ROOT / "scenarios" / "indexschok-2027.toml")])
    assert result.exit_code == 0, result.output
    # at 100 columns the description wraps inside its column ("extra" / "spilindexoverschrijdingen")
    assert "Effect per wijziging" in result.output
    assert "(loon, volgt_loon): extra" in result.output and "spilindexoverschrijdingen 01/2027" in result.output
    bad = write(tmp_path, "bad.toml", '[[changes]]\ntype = "subsidy_end"\nsubsidy = "SUB-NOPE"\ndate = 2028-12-31\n')
    result = runner.invoke(app, ["run", str(SAMPLE), str(bad)])
    assert result.exit_code == 2
    assert "sleutel changes[0].subsidy" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["run", str(SAMPLE), "geen-scenario"])
    assert result.exit_code == 2 and "geen scenariobestand en geen scenario" in result.output


def test_input_workbook_is_not_modified(tmp_path):
    copy = tmp_path / "plan.xlsx"
    shutil.copy(SAMPLE, copy)
    before = copy.read_bytes()
    result = runner.invoke(app, ["compare", str(copy), str(ROOT / "scenarios")])
    assert result.exit_code == 0, result.output
    assert copy.read_bytes() == before
    assert load_workbook(copy).sheetnames[:2] == ["Toelichting", "Synthese"]


@pytest.mark.parametrize(("sheet", "col", "value", "fragment"), [
    ("Personeel", 5, "veel", "positie P03: vte: geen getal: 'veel'"),
    ("Subsidies", 5, "morgen", "start: geen datum"),
])
def test_bad_roster_or_register_cell_names_sheet_and_row(sheet, col, value, fragment):
    """Row 6 of the sheet (the header is on row 3 of the sample) is reported once, as a location,
    with the column the message is about: the cell F6 (issue 13: row AND cell)."""
    from w13xl.scenario.loader import baseline_from_grids
    from w13xl.workbook import read_grids

    grids, named = read_grids(SAMPLE)
    grids[sheet][5] = list(grids[sheet][5])
    grids[sheet][5][col] = value
    with pytest.raises(InputError) as info:
        baseline_from_grids(grids, file="plan.xlsx", named=named)
    assert info.value.sheet == sheet and info.value.cell == "F6"
    assert fragment in info.value.message and "row" not in info.value.message


# -- issue 12: TOML like the sheet, unknown keys with a suggestion, no Python reprs ---------------

def _toml(tmp_path, body: str):
    from w13xl.scenario.spec import load_scenario_file

    path = tmp_path / "s.toml"
    path.write_text(body, encoding="utf-8")
    return load_scenario_file(path)


def test_toml_dates_as_on_the_sheet(tmp_path):
    import datetime as dt

    for text in ("31/12/2028", "31-12-2028", "2028-12-31"):
        s = _toml(tmp_path, f'[[changes]]\ntype = "subsidy_end"\nsubsidy = "SUB-PACT"\ndate = "{text}"\n')
        assert s.changes[0].date == dt.date(2028, 12, 31)


@pytest.mark.parametrize("key, value, suggestion", [("subsidie", '"SUB-PACT"', "subsidy"),
                                                     ("polcy", '"keep"', "policy"), ("datum", '"31/12/2028"', "date")])
def test_unknown_key_is_named_with_a_suggestion(tmp_path, key, value, suggestion):
    from w13xl.errors import InputError

    base = {"subsidy": '"SUB-PACT"', "date": "2028-12-31"}
    base.pop(suggestion, None)
    body = '[[changes]]\ntype = "subsidy_end"\n' + "".join(f"{k} = {v}\n" for k, v in base.items())
    with pytest.raises(InputError) as err:
        _toml(tmp_path, body + f"{key} = {value}\n")
    assert f"changes[0].{key}: onbekende sleutel (bedoelde u '{suggestion}'?)" in str(err.value)


def test_messages_show_values_as_typed(tmp_path):
    from w13xl.errors import InputError

    with pytest.raises(InputError) as err:
        _toml(tmp_path, '[[changes]]\ntype = "fte"\nposition = "P1"\nfte = "veel"\ndate = 2027-07-01\n')
    assert "datetime" not in str(err.value) and "(gegeven: 'veel')" in str(err.value)
