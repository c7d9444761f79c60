"""Checks on schema M2 by kind of bestuur: no layer calls a W13 policy a statutory norm.

W13 is an OCMW-vereniging. The plan (3.9, financial committee) says a negative AFM at the end of
the plan „dit toegelaten is voor een OCMW-vereniging in het algemeen”; W13 „neemt het engagement om te
eindigen met een positieve autofinancieringsmarge in 2031” (3.3), and keeps its reserve „met het
absolute minimum van het sociaal passief” (3.3). Art. 16 of the BBC-besluit (30 March 2018) makes
BBR >= 0 each year and AFM >= 0 in the last plan year statutory for gemeenten and OCMW's.

One test over every layer (``w13xl m2``, ``w13xl compare``, the board pack's cells and PDF text,
W13.NORMEN through xlwings' Office.js path): the rows of W13's engagement and policy carry no
"norm" or "wettelijk" wording, and a workbook whose Soort bestuur is "gemeente" does get the
statutory AFM norm.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import xlwings as xw
import xlwings.server
from helpers import ROOT, SAMPLE
from typer.testing import CliRunner

from w13xl import board
from w13xl.cli import app
from w13xl.excel import functions as F
from w13xl.m2 import BELEID, CONTROLE, ENGAGEMENT, WETTELIJK, check_rules

runner = CliRunner()
SCENARIOS = [str(ROOT / "scenarios" / f) for f in ("pact-stopt-2028.toml", "bijdrage-plus-5-2027.toml")]
#: Words that name W13's own engagement or policy (never law).
W13_OWN = re.compile(r"engagement|beleid w13|beleid van w13", re.IGNORECASE)
STATUTORY_WORDS = re.compile(r"norm|wettelijk", re.IGNORECASE)


def offending(texts) -> list[str]:
    """Texts (lines, cells) that name W13's engagement or policy and call it a norm or the law."""
    return [t for t in texts if W13_OWN.search(t) and STATUTORY_WORDS.search(t)]


def workbook_with(tmp_path: Path, bestuur: str | None) -> Path:
    """The sample workbook with its 'Soort bestuur' set to ``bestuur`` (None: the row removed)."""
    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb["Parameters"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Soort bestuur")
    if bestuur is None:
        ws.delete_rows(row)
    else:
        ws.cell(row, 2).value = bestuur
    out = tmp_path / f"werkboek-{bestuur or 'zonder'}.xlsx"
    wb.save(out)
    return out


def normen(path: Path) -> list[list]:
    wb = openpyxl.load_workbook(path, data_only=True)
    values = {name: [["" if v is None else v for v in row] for row in wb[name].iter_rows(values_only=True)]
              for name in ("Synthese", "Parameters")}
    payload = {"func_name": "w13_normen", "args": [values["Synthese"], values["Parameters"], None],
               "caller_address": "Microsoft Excel Windows[w.xlsx]Overzicht!B2", "version": xw.__version__,
               "runtime": "1.4", "client": "Office.js"}
    return asyncio.run(xlwings.server.custom_functions_call(payload, F))


def test_the_rules_per_kind_of_bestuur():
    w13 = check_rules("ocmw-vereniging", 2031)
    assert [w13[k].kind for k in ("bbr_nonnegative", "afm_last_year_nonnegative", "reserve_above_minimum")] == \
        [CONTROLE, ENGAGEMENT, BELEID]
    assert w13["afm_last_year_nonnegative"].label == "Engagement W13: AFM 2031 ≥ 0"
    assert w13["reserve_above_minimum"].label == "Beleid W13: reserve ≥ sociaal passief"
    assert "„W13 neemt het engagement om te eindigen met een positieve autofinancieringsmarge in 2031.”" in \
        w13["afm_last_year_nonnegative"].source
    assert "„dit toegelaten is voor een OCMW-vereniging in het algemeen”" in w13["afm_last_year_nonnegative"].source
    assert "het absolute minimum van het sociaal passief" in w13["reserve_above_minimum"].source
    for kind in ("gemeente", "ocmw"):
        rules = check_rules(kind, 2031)
        assert rules["afm_last_year_nonnegative"].kind == rules["bbr_nonnegative"].kind == WETTELIJK
        assert rules["afm_last_year_nonnegative"].source.startswith("art. 16 van het besluit van de Vlaamse "
                                                                    "Regering van 30 maart 2018")
        assert rules["reserve_above_minimum"].kind == BELEID  # a minimum reserve is never law
    # nothing for a kind the sources read do not cover is called statutory
    assert not any(r.statutory for r in check_rules("agb", 2031).values())
    for kind in ("ocmw-vereniging", "agb", "gemeente", "ocmw"):
        assert offending(r.label for r in check_rules(kind, 2031).values()) == []


def test_m2_and_compare_call_no_w13_policy_a_norm():
    m2 = runner.invoke(app, ["m2", str(SAMPLE)])
    assert m2.exit_code == 0, m2.output
    # the check lines start with ✓ or ✗ (wrapped at any terminal width: joined again here)
    text = " ".join(m2.stdout.split())
    lines = [(mark + part.split(" Soort bestuur:")[0]).strip() for mark, part in re.findall(r"([✓✗])([^✓✗]*)", text)]
    assert "✗ Engagement W13: AFM 2031 ≥ 0: niet voldaan (AFM -15.569); eerste jaar met negatieve AFM: 2030" in lines
    assert "✓ Beleid W13: reserve ≥ sociaal passief: voldaan" in lines
    assert offending(lines) == [] and "AFM-norm" not in m2.stdout and "Wettelijke norm" not in m2.stdout
    compare = runner.invoke(app, ["compare", str(SAMPLE), *SCENARIOS])
    assert compare.exit_code == 0, compare.output
    # one (wrapped) line per scenario after the heading 'Controles': 'title: fact; fact; ...'
    text = " ".join(compare.stdout.split("\nControles\n", 1)[1].split("Soort bestuur:")[0].split())
    titles = ("'t PACT stopt eind 2028: ", "Bijdrage lokale besturen +5% vanaf 2027: ")
    assert text.startswith(titles[0]) and titles[1] in text
    facts = [f.strip() for part in text[len(titles[0]):].split(titles[1]) for f in part.split("; ")]
    assert "Engagement W13: AFM 2031 niet voldaan" in facts and "Beleid W13: reserve ≥ sociaal passief voldaan" in facts
    assert len(facts) == 2 * 4  # two scenarios, four facts each
    assert offending(facts) == []
    assert "AFM-norm" not in compare.stdout and "Wettelijke norm" not in compare.stdout


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    out = tmp_path_factory.mktemp("normen") / "bordpakket.xlsx"
    result = runner.invoke(app, ["board", str(SAMPLE), *SCENARIOS, "--out", str(out), "--created", "2027-03-01"])
    assert result.exit_code == 0, result.output
    return out


def test_board_pack_calls_no_w13_policy_a_norm(pack):
    cells = [str(v) for ws in openpyxl.load_workbook(pack).worksheets for row in ws.iter_rows(values_only=True)
             for v in row if isinstance(v, str)]
    assert "Engagement W13: AFM 2031" in cells  # the outcome table's header
    assert "Engagement W13: AFM 2031 ≥ 0" in cells and "Beleid W13: reserve ≥ sociaal passief" in cells
    assert offending(cells) == []
    assert not [c for c in cells if "AFM-norm" in c or "Wettelijke norm" in c]
    # the annex explains the minimum reserve: the amount as given, the 10% rule for changes
    assert any("211.211,09 is geen 10% van de personeelskost van een planjaar" in c for c in cells)


@pytest.mark.skipif(board.find_soffice() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) or pdftotext is not installed")
def test_board_pdf_text_calls_no_w13_policy_a_norm(pack, tmp_path):
    pdf = board.render_pdf(pack, tmp_path / "bordpakket.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=120).stdout
    assert "Engagement W13" in text and "Beleid W13" in text
    assert offending(text.splitlines()) == []
    assert "AFM-norm" not in text and "Wettelijke norm" not in text


def test_excel_normen_calls_no_w13_policy_a_norm():
    out = normen(SAMPLE)
    assert out[0] == ["Controle", "Voldaan", "Eerste jaar niet voldaan", "Jaren niet voldaan", "Soort", "Bron"]
    rows = {r[0]: r for r in out[1:]}
    assert rows["Engagement W13: AFM 2031 ≥ 0"][1:5] == [False, 2031, "2031", "engagement"]
    assert rows["Beleid W13: reserve ≥ sociaal passief"][1:5] == [True, "", "", "beleid"]
    assert offending(" | ".join(map(str, r)) for r in out[1:]) == []


def test_a_gemeente_gets_the_statutory_afm_norm(tmp_path):
    path = workbook_with(tmp_path, "gemeente")
    result = runner.invoke(app, ["m2", str(path)])
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())  # wrapped at any terminal width
    # the plan's AFM 2031 is -15.569 (schema M2): for a gemeente that breaks the law (art. 16)
    assert ("✗ Wettelijke norm (BBC): autofinancieringsmarge ≥ 0 in het laatste planjaar (2031): niet voldaan "
            "(AFM -15.569)") in out
    assert "✓ Wettelijke norm (BBC): beschikbaar budgettair resultaat ≥ 0 in elk jaar: voldaan" in out
    assert "✓ Eigen beleid: reserve ≥ minimumreserve: voldaan" in out
    assert "Engagement W13" not in out
    rows = {r[0]: r for r in normen(path)[1:]}
    afm = rows["Wettelijke norm (BBC): autofinancieringsmarge ≥ 0 in het laatste planjaar (2031)"]
    assert afm[1:5] == [False, 2031, "2031", "wettelijke norm (BBC)"]
    assert afm[5].startswith("art. 16 van het besluit van de Vlaamse Regering van 30 maart 2018")


def test_without_a_kind_the_tool_assumes_w13s_and_says_so(tmp_path):
    result = runner.invoke(app, ["m2", str(workbook_with(tmp_path, None))])
    assert result.exit_code == 0
    assert "geen sleutel 'Soort bestuur' op het blad; aangenomen: OCMW-vereniging (welzijnsvereniging)" in \
        " ".join(result.stderr.split())
    assert "✗ Engagement W13: AFM 2031 ≥ 0" in " ".join(result.stdout.split())


def test_an_unknown_kind_is_refused_naming_the_cell(tmp_path):
    result = runner.invoke(app, ["m2", str(workbook_with(tmp_path, "vzw"))])
    assert result.exit_code == 2
    err = " ".join(result.stderr.split())
    assert "Fout:" in err and "Parameters" in err and "Soort bestuur 'vzw' is onbekend" in err
    assert re.search(r"B1[0-9]\b", err)  # the cell of the value
