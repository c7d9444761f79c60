"""The command line speaks the users' language (issue 12): Dutch help with an example per
command, a working --version, no file named --help, warnings when a simulation varies nothing,
grammar of counts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from w13xl import __version__
from w13xl.cli import app
from w13xl.fmt import count

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "w13-mjp-2026-2031.xlsx"
runner = CliRunner()
#: Commands this issue covers (``excel`` is the Excel helper's, issue 11).
COMMANDS = ("m2", "run", "compare", "board", "simulate", "cliffs", "solve", "subsidies", "personeel",
            "scenario", "vergelijk", "bordpakket", "onzekerheid", "kliffen", "doelzoek")


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"w13xl {__version__}"


@pytest.mark.parametrize("command", COMMANDS)
def test_help_is_dutch_with_an_example(command):
    from w13xl.cli._app import ALIASES

    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    # an English name of earlier versions is an alias: its help shows the Dutch name (issue 21)
    assert f"Voorbeeld: w13xl {ALIASES.get(command, command)} workbooks/w13-mjp-2026-2031.xlsx" in result.output
    assert "werkboek" in result.output.lower()
    for english in ("The workbook", "Also write", "Scenario files"):
        assert english not in result.output


def test_help_keeps_the_uncertainty_table_name():
    result = runner.invoke(app, ["simulate", "--help"], env={"COLUMNS": "200"})
    assert "[uncertainty]-tabel" in result.output


def test_sample_help_writes_no_file(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "w13xl.sample", "--help"], cwd=tmp_path, capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0 and "Gebruik: python -m w13xl.sample" in proc.stdout
    assert list(tmp_path.iterdir()) == []
    proc = subprocess.run([sys.executable, "-m", "w13xl.sample", "-x"], cwd=tmp_path, capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 2 and list(tmp_path.iterdir()) == []


def test_simulate_warns_when_nothing_varies(tmp_path):
    flat = tmp_path / "vlak.toml"
    flat.write_text('title = "Niets onzeker"\n[uncertainty]\npaths = 20\n', encoding="utf-8")
    result = runner.invoke(app, ["simulate", str(SAMPLE), str(flat)])
    assert result.exit_code == 0, result.output
    assert "laat niets variëren" in result.output
    varied = runner.invoke(app, ["simulate", str(SAMPLE), str(ROOT / "scenarios" / "onzekerheid.toml"),
                                 "--paths", "200"])
    assert varied.exit_code == 0 and "laat niets variëren" not in varied.output


def test_counts_agree_with_their_number():
    assert count(1, "scenario", "scenario's") == "1 scenario"
    assert count(2, "scenario", "scenario's") == "2 scenario's"
    assert count(1, "maand", "maanden") == "1 maand" and count(0, "maand", "maanden") == "0 maanden"


def test_board_created_date_typed_the_belgian_way(tmp_path):
    import openpyxl

    out = tmp_path / "b.xlsx"
    result = runner.invoke(app, ["board", str(SAMPLE), str(ROOT / "scenarios" / "pact-stopt-2028.toml"),
                                 "--out", str(out), "--created", "15/01/2026", "--no-uncertainty"])
    assert result.exit_code == 0, result.output
    assert "(1 scenario)" in result.output
    assert openpyxl.load_workbook(out)["W13 Overzicht"]["B3"].value == "15/01/2026"
    bad = runner.invoke(app, ["board", str(SAMPLE), "--out", str(out), "--created", "gisteren"])
    assert bad.exit_code == 2 and "geen datum" in bad.output


#: The commands issues 9, 10 and 11 added, with the start of the example their help must show.
LATER_COMMANDS = {
    ("aannames",): "Voorbeeld: w13xl aannames workbooks/w13-mjp-2026-2031.xlsx",
    ("schema",): "Voorbeeld: w13xl schema T2 workbooks/w13-mjp-2026-2031.xlsx",
    ("realisatie",): "Voorbeeld: w13xl realisatie workbooks/w13-mjp-2026-2031.xlsx",
    ("herraming",): "Voorbeeld: w13xl herraming workbooks/w13-mjp-2026-2031.xlsx",
    ("versies",): "Voorbeeld: w13xl versies workbooks/w13-mjp-2026-2031.xlsx",
    ("serve",): "Voorbeeld: w13xl server",  # Dutch name; 'serve' stays as an alias (issue 21)
    ("nota",): "Voorbeeld: w13xl nota workbooks/w13-mjp-2026-2031.xlsx",
    ("excel",): "Voorbeeld: w13xl excel workbook W13_plan.xlsm",
    ("excel", "workbook"): "Voorbeeld: w13xl excel workbook W13_plan.xlsm",
    ("raster",): "Voorbeeld: w13xl raster workbooks/w13-mjp-2026-2031.xlsx",
}


@pytest.mark.parametrize("command", list(LATER_COMMANDS), ids=" ".join)
def test_help_of_the_later_commands_is_dutch_with_an_example(command):
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert LATER_COMMANDS[command] in result.output
    for english in ("The workbook", "Also write", "The accounts", "Address to listen", "Budget sheet of",
                    "Workbook whose", "Replace OUT", "Rolling forecast", "Accounts (", "Two versions"):
        assert english not in result.output, english


def test_command_list_is_dutch():
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    for english in ("Accounts (jaarrekening) against", "Two versions of a plan", "Rolling forecast",
                    "Assumptions with their sources", "Office.js add-in server", "a ready workbook"):
        assert english not in result.output, english
