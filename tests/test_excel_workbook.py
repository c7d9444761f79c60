"""``w13xl excel workbook``: xlwings' quickstart template + xlwings.conf + the plan's sheets."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from w13xl.cli import app
from w13xl.excel.layer import OWN_SHEETS
from w13xl.excel.template import UDF_MODULES, quickstart_template

SAMPLE = Path(__file__).resolve().parents[1] / "workbooks" / "w13-mjp-2026-2031.xlsx"
runner = CliRunner()


def test_workbook_keeps_the_vba_project_and_sets_the_udf_module(tmp_path):
    out = tmp_path / "w13.xlsm"
    result = runner.invoke(app, ["excel", "workbook", str(out), "--plan", str(SAMPLE),
                                 "--interpreter", r"C:\w13xl\.venv\Scripts\pythonw.exe"])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as z, zipfile.ZipFile(quickstart_template()) as t:
        assert z.read("xl/vbaProject.bin") == t.read("xl/vbaProject.bin")
        assert "macroEnabled" in z.read("[Content_Types].xml").decode()
    wb = openpyxl.load_workbook(out, keep_vba=True)
    conf = {r[0]: r[1] for r in wb["xlwings.conf"].iter_rows(values_only=True) if r[0]}
    assert conf["UDF Modules"] == UDF_MODULES == "w13xl.excel.functions"
    assert conf["Interpreter_Win"] == r"C:\w13xl\.venv\Scripts\pythonw.exe"
    assert "_xlwings.conf" not in wb.sheetnames
    src = openpyxl.load_workbook(SAMPLE)
    assert wb.sheetnames == ["Start", *src.sheetnames, "xlwings.conf"]
    for name in src.sheetnames:
        if name in OWN_SHEETS:  # the formula sheet holds the classic names here (W13_M2, not W13.M2)
            continue
        assert list(wb[name].iter_rows(values_only=True)) == list(src[name].iter_rows(values_only=True)), name
    start = [c.value for c in wb["Start"]["A"] if c.value]
    assert any(str(v).startswith("=W13_M2(Begroting;Parameters)") for v in start)  # the workbook names
    assert any("Run main" in str(v) and "SampleCall" in str(v) for v in start)
    assert not any("RunPython" in str(v) or "Insert > Module" in str(v) for v in start)  # nothing to paste


def test_workbook_without_plan_uses_the_bundled_sample(tmp_path):
    out = tmp_path / "voorbeeld.xlsm"
    assert runner.invoke(app, ["excel", "workbook", str(out)]).exit_code == 0
    wb = openpyxl.load_workbook(out)
    assert "Synthese" in wb.sheetnames and "Parameters" in wb.sheetnames


@pytest.mark.parametrize("name, args, fragment", [
    ("w13.xlsx", [], ".xlsm"),
    ("exists.xlsm", [], "--force"),
    ("W13-plan.xlsm", [], "W13_plan.xlsm"),  # Run main imports the name as a Python module
])
def test_workbook_refuses(tmp_path, name, args, fragment):
    out = tmp_path / name
    if name == "exists.xlsm":
        out.write_bytes(b"keep me")
    result = runner.invoke(app, ["excel", "workbook", str(out), *args])
    assert result.exit_code == 2
    assert fragment in result.output
    if out.exists():
        assert out.read_bytes() == b"keep me"


def test_run_main_runs_the_scenario_script_with_a_mock_caller(tmp_path, monkeypatch):
    """xlwings' Run main: `import W13_plan; W13_plan.main()` with the workbook's folder on the
    Python path and the workbook as caller (here a mock caller with the sample's values)."""
    import sys

    import xlwings as xw
    from test_excel_scripts import make_book, sample_sheets, written_sheets

    out = tmp_path / "W13_plan.xlsm"
    result = runner.invoke(app, ["excel", "workbook", str(out), "--plan", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    script = tmp_path / "W13_plan.py"
    assert script.exists()
    wb = openpyxl.load_workbook(out, keep_vba=True)
    conf = {r[0]: r[1] for r in wb["xlwings.conf"].iter_rows(values_only=True) if r[0]}
    # no --interpreter: no Interpreter_Win row, so xlwings takes the PC's own setting; the
    # building machine's interpreter path is never written (issue 22)
    assert "Interpreter_Win" not in conf
    assert not any(sys.prefix in str(v) or ".venv" in str(v) for ws in wb.worksheets
                   for row in ws.iter_rows(values_only=True) for v in row)
    assert not any("%CD%" in str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                   for v in row)
    with zipfile.ZipFile(out) as z:  # the template's macro that runs `import <name>; <name>.main()`
        vba = z.read("xl/vbaProject.bin")
        assert b"eCall()" in vba and b".main()" in vba

    monkeypatch.syspath_prepend(str(tmp_path))  # xlwings puts the workbook's folder on the path
    monkeypatch.delitem(sys.modules, "W13_plan", raising=False)
    sheets = sample_sheets()
    book = make_book(sheets)
    book.set_mock_caller()
    try:
        module = __import__("W13_plan")
        module.main()
    finally:
        del xw.Book._mock_caller
        sys.modules.pop("W13_plan", None)
    actions = book.json()["actions"]
    written = written_sheets(actions, [s["name"] for s in sheets])
    assert "W13 Overzicht" in written and len(written) >= 3
    assert actions[-1]["func"] == "alert" and "scenario's doorgerekend" in actions[-1]["args"][0]


def test_run_main_file_is_not_overwritten_without_force(tmp_path):
    out = tmp_path / "W13_plan.xlsm"
    (tmp_path / "W13_plan.py").write_text("# mine", encoding="utf-8")
    result = runner.invoke(app, ["excel", "workbook", str(out)])
    assert result.exit_code == 2 and "--force" in result.output
    assert not out.exists() and (tmp_path / "W13_plan.py").read_text(encoding="utf-8") == "# mine"


@pytest.mark.parametrize("given", ["/home/bouw/w13xl/.venv/bin/python", "python", r"C:\w13xl\python.txt", ""])
def test_interpreter_must_be_a_windows_python(tmp_path, given):
    result = runner.invoke(app, ["excel", "workbook", str(tmp_path / "W13_plan.xlsm"), "--interpreter", given])
    assert result.exit_code == 2
    assert f"--interpreter {given}: geen Windows-pad naar python.exe of pythonw.exe" in result.output
    assert not (tmp_path / "W13_plan.xlsm").exists()


def test_interpreter_with_an_environment_variable(tmp_path):
    out = tmp_path / "W13_plan.xlsm"
    given = r"%LOCALAPPDATA%\w13xl\.venv\Scripts\pythonw.exe"
    result = runner.invoke(app, ["excel", "workbook", str(out), "--interpreter", given])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out, keep_vba=True)
    conf = {r[0]: r[1] for r in wb["xlwings.conf"].iter_rows(values_only=True) if r[0]}
    assert conf["Interpreter_Win"] == given and conf["UDF Modules"] == "w13xl.excel.functions"
