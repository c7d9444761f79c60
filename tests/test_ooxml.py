"""The write-back into the user's package (w13xl.ooxml): only the W13 sheets' parts and the index
parts may change, on a rich workbook built WITH LibreOffice (tests/fixtures/build_rich.py: pivot
table, chart, image, comment, data validation, defined names, formulas with cached values in the
budget; the .xlsm also carries a VBA project)."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import PLAN_ES, PLAN_GBR, ROOT, SAMPLE
from w13xl import ooxml
from w13xl.cli import app

FIXTURES = ROOT / "tests" / "fixtures"
RICH = [FIXTURES / "rijk-werkboek.xlsx", FIXTURES / "rijk-werkboek.xlsm"]
INDEX_PARTS = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}
#: The shared styles part: the board's styles are appended (existing indexes unchanged).
STYLES = "xl/styles.xml"


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def w13_parts(p: dict[str, bytes]) -> set[str]:
    """Every part reached from a 'W13 ' sheet (its XML, rels, drawings, charts)."""
    out: set[str] = set()
    for s in ooxml.workbook_sheets(p):
        if s.name.startswith("W13 "):
            out |= ooxml.closure(p, s.part)
    return out


def m2_json(path: Path, tmp_path: Path, tag: str) -> dict:
    out = tmp_path / f"m2-{tag}.json"
    result = CliRunner().invoke(app, ["m2", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def board_into(path: Path, *scenarios: str, plan: Path | None = None) -> None:
    result = CliRunner().invoke(app, ["board", str(plan or path), *scenarios, "--into", str(path),
                                      "--created", "2026-01-15"])
    assert result.exit_code == 0, result.output


def test_fixture_is_rich():
    """The fixture really has what the issue lists (so the comparison below means something)."""
    for path in RICH:
        p = parts(path)
        names = set(p)
        for prefix in ("xl/pivotTables/", "xl/pivotCache/", "xl/charts/", "xl/media/", "xl/comments",
                       "xl/drawings/vmlDrawing"):
            assert any(n.startswith(prefix) for n in names), (path.name, prefix)
        synthese = p["xl/worksheets/sheet2.xml"]
        assert b"<dataValidation " in synthese
        assert re.search(rb"<f[^>]*>\(4750\+1000\)</f><v>5750</v>", synthese)  # a formula with its cached value
        assert b'name="Begroting"' in p["xl/workbook.xml"] and b'name="Saldo2026"' in p["xl/workbook.xml"]
    assert "xl/vbaProject.bin" in parts(RICH[1])


@pytest.mark.parametrize("fixture", RICH, ids=lambda p: p.suffix)
def test_board_into_changes_only_w13_and_index_parts(fixture, tmp_path):
    target = tmp_path / fixture.name
    shutil.copyfile(fixture, target)
    before = parts(target)
    m2_before = m2_json(target, tmp_path, "before")
    # the budget has formulas; their cached values are read: the plan's exploitatiesaldo (printed rounded)
    assert all(abs(v - e) < 1 for v, e in zip(m2_before["exploitatiesaldo"], PLAN_ES, strict=True))

    board_into(target, str(ROOT / "scenarios" / "pact-stopt-2028.toml"))
    after = parts(target)
    owned = w13_parts(after)
    assert owned, "no W13 sheets written"
    changed = {n for n in before if before[n] != after.get(n)} | (set(after) - set(before))
    assert changed - owned <= INDEX_PARTS | {STYLES}, sorted(changed - owned - INDEX_PARTS)
    assert all(after[n] == before[n] for n in before if n not in INDEX_PARTS | {STYLES})
    # styles: only appended, so the old part is a prefix-compatible subset (every old entry kept in place)
    assert m2_json(target, tmp_path, "after") == m2_before

    # a second export replaces the W13 parts, keeps the rest; the styles part no longer changes
    second = parts(target)
    board_into(target, str(ROOT / "scenarios" / "pact-stopt-2028.toml"),
               str(ROOT / "scenarios" / "bijdrage-plus-5-2027.toml"))
    third = parts(target)
    changed = {n for n in second if second[n] != third.get(n)} | (set(third) - set(second))
    assert changed - w13_parts(second) - w13_parts(third) <= INDEX_PARTS
    assert third[STYLES] == second[STYLES]
    assert all(third[n] == before[n] for n in before if n not in INDEX_PARTS | {STYLES})
    assert m2_json(target, tmp_path, "third") == m2_before


def test_m2_board_m2_on_a_budget_with_formulas_gives_the_plan(tmp_path):
    """Issue 13, found 1: m2, board --into, m2 on a budget with formulas gives the same figures,
    and they are the plan's (exploitatiesaldo 2026 59,851, not 80,851 with a formula read as 0)."""
    target = tmp_path / "plan.xlsx"
    shutil.copyfile(RICH[0], target)
    runner = CliRunner()
    first = runner.invoke(app, ["m2", str(target)])
    assert first.exit_code == 0
    assert "59.851" in first.output and f"{PLAN_GBR[-1]:,}".replace(",", ".") in first.output
    board_into(target)
    again = runner.invoke(app, ["m2", str(target)])
    assert again.exit_code == 0 and again.output == first.output


def test_styles_are_appended_not_reindexed(tmp_path):
    target = tmp_path / "rijk.xlsx"
    shutil.copyfile(RICH[0], target)
    from lxml import etree

    old = etree.fromstring(parts(target)[STYLES])
    board_into(target)
    new = etree.fromstring(parts(target)[STYLES])
    for local in ("fonts", "fills", "borders", "cellXfs"):
        o, n = old.find(f"{{{ooxml.MAIN_NS}}}{local}"), new.find(f"{{{ooxml.MAIN_NS}}}{local}")
        old_items = [etree.tostring(c) for c in o]
        new_items = [etree.tostring(c) for c in n]
        assert new_items[:len(old_items)] == old_items, local
        assert n.get("count") == str(len(new_items))


def test_board_sheets_read_back_with_values_and_styles(tmp_path):
    import openpyxl

    target = tmp_path / "rijk.xlsm"
    shutil.copyfile(RICH[1], target)
    board_into(target, str(ROOT / "scenarios" / "pact-stopt-2028.toml"))
    wb = openpyxl.load_workbook(target, keep_vba=True)
    ws = wb["W13 Overzicht"]
    assert ws["A2"].value.startswith("w13xl-bordpakket") and ws["B3"].value == "15/01/2026"
    assert ws["A1"].font.b and ws["A1"].font.sz == 14  # the title style came along
    assert wb.sheetnames[:12] == openpyxl.load_workbook(RICH[1]).sheetnames
    assert wb.active.title == "Toelichting"  # the user's active sheet stays active


def test_the_sample_into_itself_keeps_every_part(tmp_path):
    target = tmp_path / "plan.xlsx"
    shutil.copyfile(SAMPLE, target)
    before = parts(target)
    board_into(target)
    after = parts(target)
    assert all(after[n] == before[n] for n in before if n not in INDEX_PARTS | {STYLES})


def test_style_merge_any_attribute_order_and_missing_containers():
    from lxml import etree

    target = ('<styleSheet xmlns="m"><numFmts count="1"><numFmt formatCode="0.0" numFmtId="170"/></numFmts>'
              '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders>'
              '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellXfs>'
              '<dxfs count="0"/></styleSheet>')
    source = ('<styleSheet xmlns="m"><numFmts count="2"><numFmt numFmtId="164" formatCode="0.0"/>'
              '<numFmt numFmtId="165" formatCode="#"/></numFmts><fonts count="1"><font><b/></font></fonts>'
              '<fills count="1"><fill/></fills><borders count="1"><border/></borders><cellXfs count="2">'
              '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0"/>'
              '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
              '<dxfs count="1"><dxf><font><b/></font></dxf></dxfs></styleSheet>')
    merger = ooxml.StyleMerger(target, source)
    xf_map, dxf_map = merger.merge()
    assert xf_map == [1, 2] and dxf_map == [0]
    xml = etree.tostring(merger.root, encoding="unicode")
    assert '<xf numFmtId="170" fontId="1"' in xml  # the same format code reuses the target's id 170
    assert '<numFmt numFmtId="171" formatCode="#"/>' in xml  # a new code gets an id above the largest
    assert '<dxfs count="1"><dxf><font><b/></font></dxf></dxfs>' in xml
    again = ooxml.StyleMerger(xml, source)
    assert again.merge() == ([1, 2], [0]) and not again.changed  # a second merge adds nothing


def test_print_areas_and_active_tab_follow_the_sheets(tmp_path):
    """W13 sheets between the user's sheets: replacing them with more sheets renumbers the
    user's sheet-local names (print areas) and the active tab."""
    import openpyxl

    target = tmp_path / "eigen.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "A"
    b = wb.create_sheet("B")
    b["A1"] = 1
    b.print_area = "A1:B2"
    wb.active = 1  # B is the active sheet
    wb.save(target)
    board_into(target, str(ROOT / "scenarios" / "pact-stopt-2028.toml"), plan=SAMPLE)
    wb = openpyxl.load_workbook(target)
    wb._sheets = [wb["A"], *[ws for ws in wb.worksheets if ws.title.startswith("W13 ")], wb["B"]]  # setup only
    wb.active = len(wb.worksheets) - 1
    wb.save(target)
    before = parts(target)

    board_into(target, str(ROOT / "scenarios" / "pact-stopt-2028.toml"),
               str(ROOT / "scenarios" / "bijdrage-plus-5-2027.toml"), plan=SAMPLE)
    wb = openpyxl.load_workbook(target)
    titles = wb.sheetnames
    assert titles[0] == "A" and titles[-1] == "B" and "W13 bijdrage-plus-5-2027" in titles
    assert wb["B"].print_area == "'B'!$A$1:$B$2"
    assert wb.active.title == "B"
    assert wb["W13 Overzicht"].print_area.startswith("'W13 Overzicht'!$A$1")
    after = parts(target)
    user = {ooxml.workbook_sheets(before)[0].part, ooxml.workbook_sheets(before)[-1].part}
    assert all(after[p] == before[p] for p in user)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_opens_the_written_workbook(tmp_path):
    """Another reader than w13xl's and openpyxl's: LibreOffice opens the rich workbook after the
    write-back and prints the user's sheets and the board sheets with their styles and numbers."""
    import subprocess

    from w13xl.board import render_pdf

    target = tmp_path / "rijk.xlsm"
    shutil.copyfile(RICH[1], target)
    board_into(target, str(ROOT / "scenarios" / "pact-stopt-2028.toml"))
    pdf = render_pdf(target, tmp_path / "rijk.pdf")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "Bordpakket meerjarenplan 2026-2031" in text and "454.276" in text  # board, Belgian format
        assert "Richting" in text and "Saldo" in text  # the pivot table and the check sheet are still there


def test_cell_position_reads_a_reference_and_refuses_anything_else():
    # 'B3': row 3 -> index 2, column B -> index 1; 'AA10': AA = 26 * 1 + 1 = 27 -> index 26
    assert ooxml.cell_position("B3") == (2, 1)
    assert ooxml.cell_position("AA10") == (9, 26)
    # not a reference: a clear ValueError (it was an AttributeError on a None match)
    with pytest.raises(ValueError, match="not a cell reference"):
        ooxml.cell_position("3B")
