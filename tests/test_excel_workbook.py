"""``w13xl excel workbook``: xlwings' quickstart template + xlwings.conf + the plan's sheets."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from w13xl.cli import app
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
        assert list(wb[name].iter_rows(values_only=True)) == list(src[name].iter_rows(values_only=True)), name
    start = [c.value for c in wb["Start"]["A"] if c.value]
    assert any(str(v).startswith("=W13_M2(Synthese!A1:") for v in start)
    assert any("RunPython" in str(v) and "scenarios_doorrekenen" in str(v) for v in start)


def test_workbook_without_plan_uses_the_bundled_sample(tmp_path):
    out = tmp_path / "voorbeeld.xlsm"
    assert runner.invoke(app, ["excel", "workbook", str(out)]).exit_code == 0
    wb = openpyxl.load_workbook(out)
    assert "Synthese" in wb.sheetnames and "Parameters" in wb.sheetnames


@pytest.mark.parametrize("name, args, fragment", [
    ("w13.xlsx", [], ".xlsm"),
    ("exists.xlsm", [], "--force"),
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
