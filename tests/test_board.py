"""Board pack (w13xl.board): content, the written workbook read back, write-back, PDF."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from helpers import overflowing_cells

from w13xl import board
from w13xl.board import (
    ANNEX_SHEET,
    MARKER_TEXT,
    OVERVIEW_SHEET,
    key_figure_rows,
    waterfall_rows,
    change_rows,
    outcome_sentence,
    overview_rows,
    render_pdf,
    scenario_rows,
    write_board_into,
    write_board_pack,
)
from w13xl.errors import InputError, W13Error
from w13xl.fmt import EXCEL_EURO
from w13xl.m2 import LINE_KEYS, M2_LINES, compute_m2
from w13xl.model import EXPLOITATIE, O, U
from w13xl.scenario.result import ChangeEffect, ScenarioRun
from w13xl.workbook import load_plan

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "w13-mjp-2026-2031.xlsx"
CREATED = date(2026, 1, 15)
PLAN = "meerjarenplan 2026-2031"
YEARS = (2026, 2027, 2028, 2029, 2030, 2031)


def make_run(plan, params, base, name, title, changes):
    """A ScenarioRun from (kind, description, action, direction, delta) changes applied in order;
    each ChangeEffect is measured against the state the previous changes left."""
    prev, effects = base, []
    for i, (kind, description, action, direction, delta) in enumerate(changes, start=1):
        plan = plan.add(action, EXPLOITATIE, direction, np.asarray(delta, dtype=float))
        now = compute_m2(plan, params)
        effects.append(ChangeEffect(i, kind, description, {k: now[k] - prev[k] for k in LINE_KEYS}))
        prev = now
    return ScenarioRun(name, title, f"Testscenario {name}.", plan, prev, base, tuple(effects))


PACT = ("subsidy_end", "Subsidie 't PACT stopt op 31/12/2028 (personeel blijft)", "A10302", O,
        [0, 0, 0, -300_000, -300_000, -300_000])
HIRE = ("hire", "Extra maatschappelijk werker (B1) vanaf 2027", "A50111", U,
        [0, 55_000, 56_100, 57_222, 58_366.32, 59_533.65])
CONTRIB = ("contribution", "Bijdrage lokale besturen 1% per jaar hoger", "A50111", O,
           [0, 8_013.91, 16_188.10, 24_529.55, 33_040.11, 41_723.31])


@pytest.fixture(scope="module")
def loaded():
    return load_plan(SAMPLE)


@pytest.fixture(scope="module")
def runs(loaded):
    plan, params = loaded.plan, loaded.params
    base = compute_m2(plan, params)
    return [
        make_run(plan, params, base, "pact-stopt-2028", "'t PACT stopt eind 2028", [PACT, HIRE]),
        make_run(plan, params, base, "bijdrage-plus", "Hogere bijdrage lokale besturen", [CONTRIB]),
    ]


@pytest.fixture(scope="module")
def pack(runs, tmp_path_factory):
    out = tmp_path_factory.mktemp("board") / "board.xlsx"
    write_board_pack(runs, out, plan_name=PLAN, created=CREATED, extra={"Werkboek": SAMPLE.name})
    return out


@pytest.fixture(scope="module")
def wb(pack):
    return openpyxl.load_workbook(pack)


def same(got, expected):
    """Cell values equal to the engine's: text and ints exactly; floats to openpyxl's 16
    significant digits (it writes '%.16g'; Excel itself keeps 15)."""
    assert len(got) == len(expected), (got, expected)
    for g, e in zip(got, expected):
        if isinstance(e, float):
            assert isinstance(g, (int, float)) and g == pytest.approx(e, rel=1e-15, abs=1e-9), (got, expected)
        else:
            assert g == (None if e == "" else e), (got, expected)  # an empty string reads back as None


def find_row(ws, text, column=1):
    for row in ws.iter_rows(min_col=column, max_col=column):
        if row[0].value == text:
            return row[0].row
    raise AssertionError(f"{text!r} not in column {column} of {ws.title}")


# -- content --------------------------------------------------------------------------------

def test_effects_add_up_to_the_difference(runs):
    run = runs[0]
    total = sum(e.deltas["gecumuleerd_budgettair_resultaat"] for e in run.effects)
    np.testing.assert_allclose(total, run.difference("gecumuleerd_budgettair_resultaat"), atol=1e-6)


def test_overview_rows_values_and_breaches(runs):
    rows = overview_rows(runs)
    assert rows[0] == ["Scenario", "Reserve eind 2031", "Verschil t.o.v. plan", "Minimumreserve 2031",
                       "AFM 2031", "Engagement W13: AFM 2031", "Eerste jaar met negatieve AFM",
                       "Controle BBR (elk jaar ≥ 0)", "Beleid W13: reserve ≥ sociaal passief"]
    base = rows[1]
    assert base[0] == "Meerjarenplan (basis)"
    assert base[1] == pytest.approx(454_275.79, abs=0.01)  # the plan's reserve end 2031 (domain notes)
    assert base[2] == 0
    assert base[3] == pytest.approx(211_211.09)
    assert base[4] == pytest.approx(-15_569.39, abs=0.01)
    # W13's AFM engagement (last plan year) and the first negative year are two facts
    assert base[5:] == ["niet voldaan", 2030, "voldaan", "voldaan"]
    pact = rows[2]
    run = runs[0]
    assert pact[1] == float(run.m2["gecumuleerd_budgettair_resultaat"][-1])
    # 't PACT: -300k a year from 2029 plus a hire: 454,275.79 - 900,000 - 286,221.97 = -731,946.18
    assert pact[2] == pytest.approx(-900_000 - (55_000 + 56_100 + 57_222 + 58_366.32 + 59_533.65), abs=1e-6)
    assert pact[5:] == ["niet voldaan", 2027, "niet voldaan vanaf 2030", "niet voldaan vanaf 2029"]
    assert rows[3][5:] == ["voldaan", "geen", "voldaan", "voldaan"]  # the higher contribution fixes the AFM


def test_outcome_sentences(runs, loaded):
    base = compute_m2(loaded.plan, loaded.params)
    assert outcome_sentence(base) == ("De reserve stijgt tot 454.276 euro in 2031, blijft boven de minimumreserve "
                                      "van 211.211 euro en het engagement van W13 (AFM 2031 ≥ 0) is niet gehaald "
                                      "(AFM -15.569 euro; "
                                      "eerste jaar met negatieve AFM: 2030).")
    assert outcome_sentence(runs[0]) == (
        "De reserve daalt tot -731.946 euro in 2031 (1.186.222 euro minder dan in het plan), ligt onder de minimumreserve vanaf 2029, het beschikbaar "
        "budgettair resultaat is negatief vanaf 2030 en het engagement van W13 (AFM 2031 ≥ 0) is niet gehaald "
        "(AFM -375.103 euro; "
        "eerste jaar met negatieve AFM: 2027).")
    # AFM 2031: the plan's -15.569,39 - 300.000 (subsidy) - 59.533,65 (the hire) = -375.103,04
    assert outcome_sentence(runs[1]).endswith("en de autofinancieringsmarge blijft positief (het engagement van W13 (AFM 2031 ≥ 0) gehaald).")


def test_scenario_rows_statutory_order_and_difference(runs):
    run = runs[0]
    rows = scenario_rows(run)
    assert [r[1] for r in rows[:len(M2_LINES)]] == [s.label for s in M2_LINES]
    assert rows[-1][1] == "Minimumreserve (sociaal passief)"
    diff = scenario_rows(run, "verschil")
    basis = scenario_rows(run, "basis")
    for s, d, b in zip(rows, diff, basis):
        assert d[2:] == pytest.approx([x - y for x, y in zip(s[2:], b[2:])])
    with pytest.raises(ValueError):
        scenario_rows(run, "nonsense")


def test_change_rows_audit_trail(runs):
    rows = change_rows(runs[0])
    assert rows[0] == ["Nr", "Wijziging", *YEARS, "Soort"]
    assert rows[1][:2] == [1, PACT[1]] and rows[1][-1] == "einde subsidie"
    assert rows[1][2:-1] == pytest.approx([0, 0, 0, -300_000, -600_000, -900_000])
    assert rows[2][2:-1] == pytest.approx(list(np.cumsum([-d for d in HIRE[4]])))
    assert rows[-1][2:-1] == pytest.approx([a + b for a, b in zip(rows[1][2:-1], rows[2][2:-1])])


# -- the written workbook ------------------------------------------------------------------------

def test_sheets_and_markers(wb):
    assert wb.sheetnames == [OVERVIEW_SHEET, "W13 pact-stopt-2028", "W13 bijdrage-plus", ANNEX_SHEET]
    for ws in wb.worksheets:
        assert ws["A2"].value == MARKER_TEXT
        assert board.is_owned(ws)


def test_overview_sheet_values_equal_the_engine(wb, runs):
    ws = wb[OVERVIEW_SHEET]
    assert ws["A3"].value == "Aangemaakt op" and ws["B3"].value == "15/01/2026"
    assert ws["A4"].value == "Werkboek" and ws["B4"].value == SAMPLE.name
    header = find_row(ws, "Scenario")
    for i, expected in enumerate(overview_rows(runs)):
        same([c.value for c in ws[header + i][:9]], expected)
    # colour coding: baseline reserve green, the PACT scenario's reserve and norms red, the first
    # negative AFM year (a warning, not a norm) yellow
    assert ws.cell(header + 1, 2).fill.fgColor.rgb.endswith("C6EFCE")
    assert ws.cell(header + 2, 2).fill.fgColor.rgb.endswith("FFC7CE")
    assert ws.cell(header + 2, 6).fill.fgColor.rgb.endswith("FFC7CE")
    assert ws.cell(header + 2, 7).fill.fgColor.rgb.endswith("FFEB9C")
    assert ws.cell(header + 3, 8).fill.fgColor.rgb.endswith("C6EFCE")
    assert ws.cell(header + 2, 2).number_format == EXCEL_EURO
    sentence = find_row(ws, f"'t PACT stopt eind 2028: {outcome_sentence(runs[0])}")
    assert any(str(r) .startswith(f"A{sentence}:") for r in ws.merged_cells.ranges)
    reserve = find_row(ws, "Reserve (gecumuleerd budgettair resultaat)")
    assert [c.value for c in ws[reserve][1:7]] == list(YEARS)
    same([c.value for c in ws[reserve + 2][:7]], [runs[0].title, *runs[0].m2["gecumuleerd_budgettair_resultaat"].tolist()])
    assert ws.cell(reserve + 4, 1).value == "Minimumreserve (plan)"
    assert ws.cell(reserve + 5, 1).value is None  # one minimum-reserve line, not one per scenario


def test_scenario_sheet_values_equal_the_engine(wb, runs):
    run = runs[0]
    ws = wb["W13 pact-stopt-2028"]
    assert ws["A1"].value == "Scenario: 't PACT stopt eind 2028"
    start = find_row(ws, "Kerncijfers van het scenario en verschil met het meerjarenplan") + 1
    assert [c.value for c in ws[start][2:8]] == list(YEARS)
    for i, (_kind, expected) in enumerate(key_figure_rows(run)):
        row = ws[start + 1 + i]
        same([c.value for c in row[:8]], expected)
        assert all(c.number_format == EXCEL_EURO for c in row[2:8])
    gbr = start + 1
    assert ws.cell(gbr, 2).value == "Reserve (gecumuleerd budgettair resultaat)"
    same([ws.cell(gbr, 8).value], [float(run.m2["gecumuleerd_budgettair_resultaat"][-1])])
    same([ws.cell(gbr + 1, 8).value], [float(run.difference("gecumuleerd_budgettair_resultaat")[-1])])
    assert ws.cell(gbr, 8).fill.fgColor.rgb.endswith("FFC7CE")  # below the minimum reserve
    # the plan itself is not repeated on a scenario page (it is in the annex, once)
    assert all(c.value != "Schema M2: meerjarenplan (basis)" for row in ws.iter_rows() for c in row)
    changes = find_row(ws, "Wat elke wijziging doet met de reserve (gecumuleerd effect per jaar)") + 1
    for i, expected in enumerate(change_rows(run)):
        same([c.value for c in ws[changes + i][:9]], expected)
    annex = wb[ANNEX_SHEET]
    start = find_row(annex, "Schema M2: meerjarenplan (basis), in euro") + 1
    for i, expected in enumerate(scenario_rows(run, "basis")):
        same([c.value for c in annex[start + 1 + i][:8]], expected)


def test_charts_point_at_the_right_ranges(wb, runs):
    ws = wb[OVERVIEW_SHEET]
    (line,) = ws._charts  # one reserve chart
    reserve = find_row(ws, "Reserve (gecumuleerd budgettair resultaat)")
    refs = [s.val.numRef.f for s in line.series]
    q = "'W13 Overzicht'"
    assert refs == [f"{q}!$B${r}:$G${r}" for r in range(reserve + 1, reserve + 5)]  # basis, 2 runs, minimum
    assert line.series[0].tx.strRef.f.replace("$", "") == f"{q}!A{reserve + 1}"
    assert [s.graphicalProperties.line.prstDash == "dash" for s in line.series] == [False, False, False, True]
    assert line.series[0].cat.numRef.f == f"{q}!$B${reserve}:$G${reserve}"  # the years
    assert line.x_axis.title is not None and line.y_axis.title is not None

    run = runs[0]
    ws = wb["W13 pact-stopt-2028"]
    (bar,) = ws._charts
    assert bar.type == "bar" and bar.grouping == "stacked"
    helper = find_row(ws, "Stap")
    q = "'W13 pact-stopt-2028'"
    n = len(run.effects) + 2  # the plan, each change, the scenario
    assert [s.val.numRef.f for s in bar.series] == [
        f"{q}!${col}${helper + 1}:${col}${helper + n}" for col in "BCDEFGHI"]
    assert (bar.series[0].cat.numRef or bar.series[0].cat.strRef).f == f"{q}!$A${helper + 1}:$A${helper + n}"
    # the helper rows are not printed
    assert int(ws.print_area.split("$")[-1]) < helper


def test_waterfall_rows_walk_from_the_plan_to_the_scenario(runs):
    run = runs[0]
    rows = waterfall_rows(run)
    plan_end = float(run.baseline["gecumuleerd_budgettair_resultaat"][-1])
    end = float(run.m2["gecumuleerd_budgettair_resultaat"][-1])
    assert rows[1][0] == "Plan 2031: 454.276" and rows[-1][0] == "Scenario 2031: -731.946"
    assert rows[1][7:] == [pytest.approx(plan_end), 0.0]
    assert sum(rows[-1][7:]) == pytest.approx(end)  # the bars below and above zero add up
    # each change: its visible bar (green up, red down) is as long as its effect in 2031
    level = plan_end
    for row, effect in zip(rows[2:-1], run.effects):
        delta = float(effect.deltas["gecumuleerd_budgettair_resultaat"][-1])
        assert abs(row[3]) + abs(row[4]) + abs(row[5]) + abs(row[6]) == pytest.approx(abs(delta))
        assert (row[3] or row[4]) if delta > 0 else (row[5] or row[6])
        level += delta
    assert level == pytest.approx(end)
    assert rows[2][0] == "1. einde subsidie: -900.000"


def test_print_setup_protection_and_layout(wb):
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 == "9"
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        # a scenario on one page; the overview (2 pages) and the annex as wide as the page
        one_page = ws.title not in (OVERVIEW_SHEET, ANNEX_SHEET)
        assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == int(one_page)
        assert ws.oddHeader.left.text == PLAN
        assert ws.oddHeader.right.text == "Aangemaakt op 15/01/2026"
        assert ws.oddFooter.right.text == "Pagina &P van &N"
        assert ws.protection.sheet is True and not ws.protection.password
        assert ws.print_area
    assert wb[OVERVIEW_SHEET].row_breaks.brk  # page 2: the reserve chart
    assert wb[OVERVIEW_SHEET].column_dimensions["A"].width == 40
    assert wb["W13 pact-stopt-2028"].column_dimensions["B"].width == 52


def test_no_text_is_wider_than_its_column(wb):
    """Estimated from the text and the column widths (no LibreOffice needed): nothing cut off."""

    for ws in wb.worksheets:
        assert overflowing_cells(ws) == [], ws.title


def test_overflow_check_can_fail(tmp_path):

    book = openpyxl.Workbook()
    ws = book.active
    ws.column_dimensions["A"].width = 10
    ws["A1"] = "Energiehuis variabele subsidie"  # cut off by B1
    ws["B1"] = "x"
    ws["A2"] = 1234567.0
    ws["A2"].number_format = EXCEL_EURO  # 1.234.567 fits in 10
    ws["A3"] = 123456789012.0
    ws["A3"].number_format = EXCEL_EURO  # 123.456.789.012 does not: ####
    ws["A4"] = "spills into the empty cells on its right"
    ws.print_area = "A1:F4"
    problems = overflowing_cells(ws)
    assert [p.split(":")[0] for p in problems] == ["A1", "A3"]


def test_deterministic_apart_from_the_creation_date(runs, pack, tmp_path):
    other = tmp_path / "again.xlsx"
    write_board_pack(runs, other, plan_name=PLAN, created=date(2027, 3, 1), extra={"Werkboek": SAMPLE.name})
    a, b = openpyxl.load_workbook(pack), openpyxl.load_workbook(other)
    assert a.sheetnames == b.sheetnames
    diffs = [(ws.title, c.coordinate) for ws in a.worksheets for row in ws.iter_rows() for c in row
             if c.value != b[ws.title][c.coordinate].value]
    assert diffs == [(OVERVIEW_SHEET, "B3")]


def test_bad_inputs(runs, tmp_path):
    with pytest.raises(W13Error):
        write_board_pack([], tmp_path / "x.xlsx", plan_name=PLAN)
    with pytest.raises(InputError):
        write_board_pack(runs, tmp_path / "x.xlsm", plan_name=PLAN)
    assert not list(tmp_path.iterdir())


def test_sheet_names_are_valid_and_unique(runs):
    long = ScenarioRun("a/very:long*scenario?name-that-goes-on", "T", "", runs[0].plan, runs[0].m2, runs[0].baseline)
    names = board.scenario_sheet_names([long, long, runs[0]])
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    assert len({n.lower() for n in names}) == 3 and names[1].endswith("(2)")
    # a scenario called like one of the pack's own sheets does not take its name
    clash = ScenarioRun("Bijlage M2 plan", "T", "", runs[0].plan, runs[0].m2, runs[0].baseline)
    assert board.scenario_sheet_names([clash]) == ["W13 Bijlage M2 plan (2)"]


# -- write-back ----------------------------------------------------------------------------------

def quickstart_xlsm(tmp_path) -> Path:
    import xlwings

    src = Path(xlwings.__file__).parent / "quickstart.xlsm"
    dst = tmp_path / "eigen werkboek.xlsm"
    shutil.copyfile(src, dst)
    return dst


def all_values(path, skip=()):
    wb = openpyxl.load_workbook(path, data_only=False)
    def value(v):  # a dynamic-array formula (sheet W13 Formules) reads back as an ArrayFormula object
        return ("array", v.ref, v.text) if type(v).__name__ == "ArrayFormula" else v

    return {ws.title: [[value(c.value) for c in row] for row in ws.iter_rows()] for ws in wb.worksheets
            if ws.title not in skip}


def vba(path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/vbaProject.bin")


def test_write_back_into_xlsm_keeps_vba_and_other_sheets(runs, tmp_path):
    target = quickstart_xlsm(tmp_path)
    before_vba, before_values = vba(target), all_values(target)
    before_sheets = openpyxl.load_workbook(target).sheetnames
    _, written, removed = write_board_into(runs, target, plan_name=PLAN, created=CREATED)
    assert written == [OVERVIEW_SHEET, "W13 pact-stopt-2028", "W13 bijdrage-plus", ANNEX_SHEET] and removed == []
    assert hashlib.sha256(vba(target)).digest() == hashlib.sha256(before_vba).digest()
    after = openpyxl.load_workbook(target, keep_vba=True)
    assert after.sheetnames == before_sheets + written
    assert all_values(target, skip=written) == before_values
    assert after[OVERVIEW_SHEET]["B3"].value == "15/01/2026"
    with zipfile.ZipFile(target) as z:
        assert "macroEnabled" in z.read("[Content_Types].xml").decode()

    # Again with one scenario fewer: owned sheets are replaced, the stale one removed.
    _, written, removed = write_board_into(runs[:1], target, plan_name=PLAN, created=CREATED, backup=True)
    assert removed == ["W13 bijdrage-plus"]
    after = openpyxl.load_workbook(target)
    assert after.sheetnames == before_sheets + [OVERVIEW_SHEET, "W13 pact-stopt-2028", ANNEX_SHEET]
    assert all_values(target, skip=written) == before_values
    assert vba(target) == before_vba
    with zipfile.ZipFile(target.with_name(target.name + ".bak")) as z:  # the previous version
        assert 'name="W13 bijdrage-plus"' in z.read("xl/workbook.xml").decode()


def test_write_back_into_the_sample_keeps_formulas_and_names(runs, tmp_path):
    target = tmp_path / "plan.xlsx"
    shutil.copyfile(SAMPLE, target)
    source = openpyxl.load_workbook(target)
    before = all_values(target)
    names = {n: d.attr_text for n, d in source.defined_names.items()}
    mode = 0o640
    os.chmod(target, mode)
    write_board_into(runs, target, plan_name=PLAN, created=CREATED)
    after = openpyxl.load_workbook(target)
    assert all_values(target, skip=[OVERVIEW_SHEET, *board.scenario_sheet_names(runs), ANNEX_SHEET]) == before
    assert {n: d.attr_text for n, d in after.defined_names.items()} == names
    assert after.active.title == source.active.title
    assert os.stat(target).st_mode & 0o777 == mode
    # the plan still reads the same from the written workbook (values, not just text)
    plan = load_plan(target).plan
    np.testing.assert_array_equal(plan.amounts, load_plan(SAMPLE).plan.amounts)


def test_write_back_refuses_a_sheet_without_marker(runs, tmp_path):
    target = tmp_path / "eigen.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Data"
    wb.active["A1"] = 1
    mine = wb.create_sheet(OVERVIEW_SHEET)
    mine["A1"] = "my own overview"
    wb.save(target)
    original = target.read_bytes()
    with pytest.raises(InputError, match="niet door w13xl geschreven"):
        write_board_into(runs, target, plan_name=PLAN, created=CREATED)
    assert target.read_bytes() == original


def test_write_back_interrupted_before_replace_leaves_the_original(runs, tmp_path, monkeypatch):
    target = quickstart_xlsm(tmp_path)
    original = target.read_bytes()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(Path, "write_bytes", boom)  # the temporary file's write (inside safe_write)
    with pytest.raises(RuntimeError, match="simulated"):
        write_board_into(runs, target, plan_name=PLAN, created=CREATED, backup=True)
    assert target.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # no temp file, no .bak


def test_write_back_refused_when_open_in_excel(runs, tmp_path):
    target = quickstart_xlsm(tmp_path)
    original = target.read_bytes()
    (tmp_path / f"~${target.name}").write_bytes(b"lock")
    with pytest.raises(InputError, match="open in Excel"):
        write_board_into(runs, target, plan_name=PLAN, created=CREATED)
    assert target.read_bytes() == original


def rezip(src, target, edit):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, edit(item.filename, zin.read(item.filename)))
    return target


def test_write_back_keeps_parts_openpyxl_would_drop(runs, tmp_path):
    # (was: refused, when the write-back went through openpyxl) form-control parts are kept byte for byte
    target = rezip(SAMPLE, tmp_path / "controls.xlsx", lambda n, d: d)
    with zipfile.ZipFile(target, "a") as z:
        z.writestr("xl/ctrlProps/ctrlProp1.xml", '<formControlPr objectType="Button"/>')
    write_board_into(runs, target, plan_name=PLAN, created=CREATED)
    with zipfile.ZipFile(target) as z:
        assert z.read("xl/ctrlProps/ctrlProp1.xml") == b'<formControlPr objectType="Button"/>'


@pytest.mark.filterwarnings("ignore:Sparkline Group extension")
def test_write_back_keeps_sheet_elements_openpyxl_would_drop(runs, tmp_path):
    # (was: refused) sparklines (an Excel 2010 extension inside the sheet XML): the sheet part is kept as is
    ext = (b'<extLst><ext uri="{05C60535-1F16-4fd2-B633-F4F36F0B64E0}" '
           b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
           b'<x14:sparklineGroups xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
           b'<x14:sparklineGroup><x14:sparklines><x14:sparkline><xm:f>Sheet1!A1:A3</xm:f><xm:sqref>B1</xm:sqref>'
           b'</x14:sparkline></x14:sparklines></x14:sparklineGroup></x14:sparklineGroups></ext></extLst>')

    def add_sparkline(name, data):
        return data.replace(b"</worksheet>", ext + b"</worksheet>") if name == "xl/worksheets/sheet1.xml" else data

    target = rezip(quickstart_xlsm(tmp_path), tmp_path / "sparklines.xlsm", add_sparkline)
    with zipfile.ZipFile(target) as z:
        before = z.read("xl/worksheets/sheet1.xml")
    write_board_into(runs, target, plan_name=PLAN, created=CREATED)
    with zipfile.ZipFile(target) as z:
        assert z.read("xl/worksheets/sheet1.xml") == before and ext in before


def test_write_back_rejects_other_file_types(runs, tmp_path):
    target = tmp_path / "plan.ods"
    target.write_bytes(b"x")
    with pytest.raises(InputError):
        write_board_into(runs, target, plan_name=PLAN)


# -- PDF -----------------------------------------------------------------------------------------

def test_pdf_without_libreoffice_says_how_to_install(pack, monkeypatch, tmp_path):
    monkeypatch.setattr(board.pdf, "find_soffice", lambda: None)
    with pytest.raises(W13Error, match="apt-get install libreoffice-calc-nogui"):
        render_pdf(pack, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.skipif(board.find_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_pdf_renders(pack, runs, tmp_path):
    pdf = render_pdf(pack, tmp_path / "board.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "Bordpakket meerjarenplan 2026-2031" in text
        assert "454.276" in text  # Belgian separators from the [$-813] number format
        assert "Van het plan naar het scenario: reserve eind 2031" in text  # the waterfall
        assert text.count("Pagina 1 van") == 1


# -- with the scenario engine and the CLI ---------------------------------------------------------

def test_cli_board_with_the_shipped_scenarios(tmp_path):
    from typer.testing import CliRunner

    from w13xl.cli import app
    from w13xl.scenario.engine import Engine
    from w13xl.scenario.loader import load_study

    files = sorted(str(p) for p in (ROOT / "scenarios").glob("*.toml") if not p.stem.startswith("voorstel"))
    out = tmp_path / "board.xlsx"
    result = CliRunner().invoke(app, ["board", str(SAMPLE), *files, "--out", str(out), "--created", "2026-01-15"])
    assert result.exit_code == 0, result.output
    baseline, library, selected = load_study(SAMPLE, files)
    # scenarios/onzekerheid.toml has an [uncertainty] table: only its fan chart, no scenario page
    assert [s.name for s in selected if s.uncertainty] == ["onzekerheid"]
    runs = [Engine(baseline).run(s, library) for s in selected if not s.uncertainty]
    wb = openpyxl.load_workbook(out)
    from w13xl.board.uncertainty import CLIFF_SHEET, FAN_SHEET, GOAL_SHEET, tornado_rows
    from w13xl.cliffs import subsidy_cliffs

    # the story: overview, the subsidy cliffs early, one page per scenario (not for baseline.toml,
    # which is the plan), the fan chart and goal seek, the plan's M2 once in the annex
    pages = [r for r in runs if r.name != "baseline"]
    assert wb.sheetnames == [OVERVIEW_SHEET, CLIFF_SHEET, *board.scenario_sheet_names(pages), FAN_SHEET, GOAL_SHEET,
                             "W13 Aannames", ANNEX_SHEET]  # issue 9: assumptions before the annex
    cliffs = tornado_rows(subsidy_cliffs(baseline))
    ws = wb[CLIFF_SHEET]
    top = find_row(ws, cliffs[0][0])
    for i, row in enumerate(cliffs):
        same([c.value for c in ws[top + i][:len(row)]], row)
    assert any("1,76%" in str(c.value) for row in wb[GOAL_SHEET].iter_rows() for c in row)
    # a text column right of an amount column is indented, not glued to the amount (rendered: "238.342 AFM")
    goal = wb[GOAL_SHEET]
    bindend = find_row(goal, "Hefboom")
    assert all(goal.cell(row=r, column=5).alignment.indent >= 1 for r in range(bindend, bindend + 3))
    assert all(ws.cell(row=r, column=6).alignment.indent >= 1 for r in range(top, top + len(cliffs)))
    ws = wb[OVERVIEW_SHEET]
    header = find_row(ws, "Scenario")
    expected = overview_rows(runs)
    # scenarios/baseline.toml is the plan itself: it labels the baseline row and is not repeated
    assert expected[1][0] == next(r.title for r in runs if r.name == "baseline")
    assert len(expected) == len(runs) + 1
    for i, row in enumerate(expected):
        same([c.value for c in ws[header + i][:9]], row)
    pact = next(r for r in runs if r.name == "pact-stopt-2028")
    ws = wb["W13 pact-stopt-2028"]
    changes = find_row(ws, "Wat elke wijziging doet met de reserve (gecumuleerd effect per jaar)") + 1
    for i, row in enumerate(change_rows(pact)):
        same([c.value for c in ws[changes + i][:9]], row)
    for sheet in wb.worksheets:
        assert overflowing_cells(sheet) == [], sheet.title


@pytest.mark.skipif(board.find_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_board_pack_of_the_shipped_scenarios_has_at_most_16_pages(tmp_path):
    import re

    from typer.testing import CliRunner

    from w13xl.cli import app

    # the eight scenarios issue 12 counted (the three of issue 9 came later; see the next test)
    names = ["baseline", "bijdrage-plus-5-2027", "energiehuis-plus-1-vte", "indexschok-2027",
             "krachtwonen-verlengd-2031", "onzekerheid", "open-personeel-blijft", "pact-stopt-2028"]
    files = [str(ROOT / "scenarios" / f"{n}.toml") for n in names]
    out = tmp_path / "board.xlsx"
    result = CliRunner().invoke(app, ["board", str(SAMPLE), *files, "--out", str(out), "--pdf",
                                      "--created", "2026-01-15"])
    assert result.exit_code == 0, result.output
    pdf = out.with_suffix(".pdf").read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    # 13 when this test was written (issue 12: it was 40), 16 with Aannames, 17 with the roster against
    # schema T2 line 2 on the Aannames sheet (issue 18: its last table runs onto one more page)
    assert 8 <= pages <= 17, pages


@pytest.mark.skipif(board.find_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_board_pack_of_all_shipped_scenarios_adds_one_page_per_scenario(tmp_path):
    import re

    from typer.testing import CliRunner

    from w13xl.cli import app

    files = sorted(str(p) for p in (ROOT / "scenarios").glob("*.toml") if not p.stem.startswith("voorstel"))
    assert len(files) == 15  # 11, plus issue 18: foodact13-niet-uitgevoerd, pact-verlengd-2031,
    # energiehuis-ontvangsten-lager, verlies-overheadbijdrage
    out = tmp_path / "board.xlsx"
    result = CliRunner().invoke(app, ["board", str(SAMPLE), *files, "--out", str(out), "--pdf",
                                      "--created", "2026-01-15"])
    assert result.exit_code == 0, result.output
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", out.with_suffix(".pdf").read_bytes()))
    # one page for each of the 3 + 4 scenarios added after the count of 16, and with 15 scenarios
    # the overview's table runs onto a second page (checked on the PDF text, issue 18)
    assert pages <= 17 + 3 + 4 + 1, pages  # 17: with the roster table on the Aannames sheet (issue 18)


def test_cli_board_needs_an_output(tmp_path):
    from typer.testing import CliRunner

    from w13xl.cli import app

    result = CliRunner().invoke(app, ["board", str(SAMPLE)])
    assert result.exit_code == 2 and "niets te schrijven" in result.output
    result = CliRunner().invoke(app, ["board", str(SAMPLE), "--into", str(tmp_path / "x.xlsx"), "--pdf"])
    assert result.exit_code == 2 and "--pdf" in result.output


def test_extra_sheets_hook_places_sheets_before_the_annex(runs, tmp_path):
    """The hook other parts use (assumptions, realisation vs plan): their own sheets, with the
    marker, land after the scenario pages and before the annex, also with write-back."""

    def aannames(wb, *, plan_name, created, index):
        ws = wb.create_sheet("W13 Aannames", index)
        ws["A1"], ws["A2"] = "Aannames", MARKER_TEXT
        return [ws]

    out = tmp_path / "b.xlsx"
    write_board_pack(runs, out, plan_name=PLAN, created=CREATED, extra_sheets=[aannames])
    names = openpyxl.load_workbook(out).sheetnames
    assert names == [OVERVIEW_SHEET, "W13 pact-stopt-2028", "W13 bijdrage-plus", "W13 Aannames", ANNEX_SHEET]
    target = tmp_path / "plan.xlsx"
    shutil.copyfile(SAMPLE, target)
    _, written, _ = write_board_into(runs, target, plan_name=PLAN, created=CREATED, extra_sheets=[aannames])
    assert "W13 Aannames" in written
    _, written, removed = write_board_into(runs, target, plan_name=PLAN, created=CREATED, extra_sheets=[aannames])
    assert removed == [] and openpyxl.load_workbook(target).sheetnames.count("W13 Aannames") == 1
