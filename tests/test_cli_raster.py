"""``w13xl raster``: a grid of subsidy ends run as one batch; every cell equals the engine."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from helpers import SAMPLE
from openpyxl import load_workbook
from typer.testing import CliRunner

from w13xl.cli import app
from w13xl.scenario.engine import Engine
from w13xl.scenario.loader import load_study
from w13xl.scenario.spec import scenario_from_dict

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [*map(str, args)])


@pytest.fixture(scope="module")
def engine():
    return Engine(load_study(SAMPLE, [])[0])


def engine_value(engine, sid, year, policy, share=None, rate=None, line="gecumuleerd_budgettair_resultaat"):
    changes = [] if rate is None else [{"type": "index", "classes": ["loon", "prijzen", "bijdrage"], "rate": rate}]
    changes.append({"type": "subsidy_end", "subsidy": sid, "date": dt.date(year, 12, 31), "policy": policy,
                    **({} if share is None else {"share": share})})
    return float(engine.run(scenario_from_dict({"changes": changes}, name="x")).m2[line][-1])


def test_raster_json_cells_equal_the_engine(tmp_path, engine):
    out = tmp_path / "raster.json"
    result = invoke("raster", SAMPLE, "--subsidy", "SUB-PACT", "--subsidy", "SUB-OPEN", "--years", "2026-2031",
                    "--policy", "stop", "--policy", "keep_staff", "--policy", "keep_project", "--policy", "50%",
                    "--index", "3%", "--out", out)
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["cells"]) == 2 * 6 * 4
    assert data["policies"] == ["project stopt", "personeel blijft", "project loopt door", "50% blijft"]
    assert data["end_years"] == list(range(2026, 2032))
    for cell in data["cells"]:
        expected = engine_value(engine, cell["subsidy"], cell["end_year"], cell["policy"], cell["share"], 0.03)
        assert cell["value"] == pytest.approx(expected, abs=0.005)
    # the grid is not flat: ending the PACT (A10302) in 2026 instead of 2029 changes the reserve
    pact = {c["end_year"]: c["value"] for c in data["cells"] if c["subsidy"] == "SUB-PACT" and c["policy"] == "stop"}
    assert abs(pact[2026] - pact[2029]) > 10_000
    assert "Gecumuleerd budgettair resultaat 2031" in result.output


def test_raster_heat_map_sheet_and_csv(tmp_path, engine):
    out = tmp_path / "raster.xlsx"
    result = invoke("raster", SAMPLE, "--subsidy", "SUB-PACT", "--years", "2027,2028", "--line", "afm", "--out", out)
    assert result.exit_code == 0, result.output
    ws = load_workbook(out)["Raster"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(r for r in rows if r[0] == "Subsidie")
    assert header[:4] == ["Subsidie", "Beleid", "einde 2027", "einde 2028"]
    data = rows[rows.index(header) + 1]
    assert data[0] == "'t PACT (SUB-PACT)" and data[1] == "project stopt"
    assert data[2] == pytest.approx(engine_value(engine, "SUB-PACT", 2027, "stop", line="autofinancieringsmarge"),
                                    abs=0.005)
    assert ws.cell(rows.index(header) + 2, 3).number_format.startswith("[$-813]#,##0")
    assert ws.conditional_formatting  # the heat map
    csv_out = tmp_path / "raster.csv"
    assert invoke("raster", SAMPLE, "--subsidy", "SUB-PACT", "--years", "2027", "--out", csv_out).exit_code == 0
    lines = csv_out.read_text(encoding="utf-8-sig").splitlines()  # Belgian CSV: ';' and a decimal comma
    assert lines[0] == "index;subsidie;beleid;einde;gecumuleerd_budgettair_resultaat;normen_ok"
    assert lines[1].startswith(";SUB-PACT;project stopt;2027;") and "," in lines[1].split(";")[4]


@pytest.mark.parametrize("args, message", [
    (["--subsidy", "SUB-NIETS"], "onbekende subsidie 'SUB-NIETS'"),
    (["--years", "2020-2022"], "eindjaar 2020 valt buiten het plan"),
    (["--policy", "soms"], "onbekend beleid 'soms'"),
    (["--policy", "keep"], "'keep' bestaat niet meer: gebruik 'keep_staff'"),
    (["--line", "winst"], "--line winst"),
    # one percentage rule (w13xl.numbers.parse_fraction): a bare 50 or 3 would be 5000% or 300%
    (["--policy", "50"], "50 wordt gelezen als 5000%"),
    (["--index", "3"], "3 wordt gelezen als 300%"),
])
def test_raster_refuses_bad_options(args, message):
    result = invoke("raster", SAMPLE, *args)
    assert result.exit_code == 2
    assert "Fout:" in result.output and message in result.output


def test_raster_on_top_of_a_base_scenario(tmp_path, engine):
    """--base: every cell is the base scenario's changes followed by the subsidy end."""
    from w13xl.scenario.spec import load_scenario_file

    base_file = SAMPLE.parent.parent / "scenarios" / "indexschok-2027.toml"
    out = tmp_path / "raster.json"
    result = invoke("raster", SAMPLE, "--subsidy", "SUB-REGIEROL", "--years", "2027", "--base", base_file, "--out", out)
    assert result.exit_code == 0, result.output
    cell = json.loads(out.read_text(encoding="utf-8"))["cells"][0]
    base = load_scenario_file(base_file)
    changes = [c.model_dump(exclude_none=True) for c in base.changes]
    changes.append({"type": "subsidy_end", "subsidy": "SUB-REGIEROL", "date": dt.date(2027, 12, 31), "policy": "stop"})
    expected = engine.run(scenario_from_dict({"changes": changes}, name="x")).m2["gecumuleerd_budgettair_resultaat"][-1]
    assert cell["value"] == pytest.approx(float(expected), abs=0.005)
    # and it differs from the same end without the index shock
    assert abs(cell["value"] - engine_value(engine, "SUB-REGIEROL", 2027, "stop")) > 10_000
