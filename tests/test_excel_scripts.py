"""The script "Scenario's doorrekenen" through xlwings' Office.js script path
(``xw.Book(json=...)`` + ``custom_scripts_call``) and the classic macro (``set_mock_caller``).

The book is built from the sample workbook's cell values (openpyxl); assertions are on the
actions the script returns (xlwings' remote book queues writes)."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import xlwings as xw
import xlwings.server

from w13xl.board import MARKER_TEXT, board_contents, build_board_workbook
from w13xl.excel import macros, scripts
from w13xl.fmt import EXCEL_EURO
from w13xl.scenario.engine import run_scenarios
from w13xl.scenario.loader import load_study

SAMPLE = Path(__file__).resolve().parents[1] / "workbooks" / "w13-mjp-2026-2031.xlsx"
BOOK_NAME = SAMPLE.name
#: What the script may do on the sheets it owns: values, then the board pack's formatting.
WRITE_FUNCS = {"setValues", "setNumberFormat", "setRangeColor", "setFontProperty", "setWrapText", "rangeMerge",
               "setRowHeight", "setColumnWidth"}
RED, GREEN, HEADER = "#FFC7CE", "#C6EFCE", "#D9E1F2"


def excel_value(v):
    """A cell value as Office.js sends it: dates as serial numbers, empty as ""."""
    if isinstance(v, dt.datetime):
        v = v.date()
    if isinstance(v, dt.date):
        return (v - dt.date(1899, 12, 30)).days
    return "" if v is None else v


def sample_sheets() -> list[dict]:
    wb = openpyxl.load_workbook(SAMPLE, data_only=True)
    return [{"name": ws.title, "values": [[excel_value(v) for v in r] for r in ws.iter_rows(values_only=True)]
             or [[""]], "pictures": [], "tables": []} for ws in wb.worksheets]


def make_book(sheets: list[dict]) -> xw.Book:
    return xw.Book(json={"client": "Office.js", "version": xw.__version__,
                         "book": {"name": BOOK_NAME, "active_sheet_index": 0, "selection": "A1"},
                         "names": [], "sheets": sheets})


def run_script(book: xw.Book) -> list[dict]:
    book = asyncio.run(xlwings.server.custom_scripts_call(
        scripts, "scenarios_doorrekenen", typehint_to_value={xw.Book: book}))
    return book.json()["actions"]


@pytest.fixture(scope="module")
def sample_runs():
    baseline, _library, selected = load_study(SAMPLE)
    runs = run_scenarios(baseline, selected).runs()
    assert len(runs) >= 2
    return runs


@pytest.fixture(scope="module")
def expected(sample_runs):
    """The board pack's sheet contents for the sample workbook, computed from the file."""
    return board_contents(sample_runs, plan_name=BOOK_NAME, created=dt.date(2026, 1, 1))


@pytest.fixture(scope="module")
def script_actions():
    """(sheet names before the run, actions) of one run on the sample workbook."""
    sheets = sample_sheets()
    names = [s["name"] for s in sheets]
    return names, run_script(make_book(sheets))


def as_written(rows):
    """Rows as xlwings writes them (None -> ""), without the 'Aangemaakt op' time stamp."""
    return [["" if v is None else v for v in row] for row in rows if row[0] != "Aangemaakt op"]


def written_sheets(actions: list[dict], sheet_names: list[str]) -> dict[str, list[list]]:
    """Sheet name -> values written at A1, following addSheet positions."""
    names = list(sheet_names)
    out = {}
    for a in actions:
        if a["func"] == "addSheet":
            names.insert(a["args"][0], a["args"][1])
        elif a["func"] == "sheetDelete":
            names.pop(a["sheet_position"])
        elif a["func"] == "setValues":
            assert (a["start_row"], a["start_column"]) == (0, 0)
            out[names[a["sheet_position"]]] = a["values"]
    return out


def test_script_writes_the_board_pack_sheets_and_touches_no_input_sheet(expected):
    sheets = sample_sheets()
    names = [s["name"] for s in sheets]  # before the run: the remote book appends added sheets
    n_inputs = len(sheets)
    actions = run_script(make_book(sheets))
    added = [a["args"][1] for a in actions if a["func"] == "addSheet"]
    assert added == [c.name for c in expected]
    assert added[0] == "W13 Overzicht" and all(n.startswith("W13 ") for n in added)
    for a in actions:
        if a["func"] in ("addSheet", "alert"):
            continue
        assert a["sheet_position"] >= n_inputs, a  # nothing on an input sheet
        assert a["func"] in WRITE_FUNCS, a
    written = written_sheets(actions, names)
    for content in expected:
        assert as_written(written[content.name]) == as_written(content.rows), content.name
        assert written[content.name][1][0] == MARKER_TEXT
    alert = next(a for a in actions if a["func"] == "alert")
    assert "doorgerekend" in alert["args"][0]


def on_sheets(actions: list[dict], sheet_names: list[str]):
    """(sheet name, action) for each action addressing a sheet, following added/deleted sheets."""
    names = list(sheet_names)
    for a in actions:
        if a["func"] == "addSheet":
            names.insert(a["args"][0], a["args"][1])
        elif a["func"] == "sheetDelete":
            names.pop(a["sheet_position"])
        elif a["sheet_position"] is not None:
            yield names[a["sheet_position"]], a


def covered(actions: list[dict], sheet_names: list[str], sheet: str, func: str, args=None) -> set[tuple[int, int]]:
    """The cells (1-based row, column) of ``sheet`` that actions ``func`` (with ``args``) address."""
    cells = set()
    for name, a in on_sheets(actions, sheet_names):
        if a["func"] == func and name == sheet and (args is None or a["args"] == args):
            cells |= {(a["start_row"] + 1 + i, a["start_column"] + 1 + j)
                      for i in range(a["row_count"]) for j in range(a["column_count"])}
    return cells


def test_overview_is_formatted_like_the_board_pack(expected, script_actions):
    names, actions = script_actions
    overview = expected[0]
    amounts = covered(actions, names, overview.name, "setNumberFormat", [EXCEL_EURO])
    first, last = overview.ranges["overview"]
    for r in range(first, last + 1):  # reserve, difference, AFM in euro; years and texts not
        assert {(r, 2), (r, 3), (r, 5)} <= amounts
        assert not {(r, 1), (r, 6), (r, 7), (r, 8), (r, 9)} & amounts
    reserve_first, reserve_last = overview.ranges["reserve"]
    assert {(r, c) for r in range(reserve_first, reserve_last + 1) for c in range(2, 8)} <= amounts
    header = first - 1
    bold = covered(actions, names, overview.name, "setFontProperty", ["bold", True])
    assert {(header, c) for c in range(1, 9)} <= bold
    assert (1, 1) in bold and (first, 1) in bold  # title; the plan's own row
    assert {(header, c) for c in range(1, 9)} <= covered(actions, names, overview.name, "setRangeColor", [HEADER])
    red = covered(actions, names, overview.name, "setRangeColor", [RED])
    green = covered(actions, names, overview.name, "setRangeColor", [GREEN])
    assert red == {cell for cell, status in overview.status.items() if status == "breach"} and red
    assert green == {cell for cell, status in overview.status.items() if status == "ok"} and green
    row = overview.rows[first]  # a scenario that breaks the minimum reserve
    assert ((first + 1, 2) in red) == (row[8] not in ("voldaan", "n.v.t."))
    widths = [a for a in actions if a["func"] == "setColumnWidth"]
    assert widths[0]["args"] == [scripts._points(40)] and widths[0]["start_column"] == 0  # points on Office.js


def test_scenario_sheet_is_formatted_like_the_board_pack(expected, script_actions):
    names, actions = script_actions
    scenario = next(c for c in expected[1:] if any(s == "breach" for s in c.status.values()))
    first, last = scenario.ranges["key"]
    n_years = scenario.width - 3
    amounts = covered(actions, names, scenario.name, "setNumberFormat", [EXCEL_EURO])
    assert {(r, c) for r in range(first, last + 1) for c in range(3, 3 + n_years)} <= amounts
    assert not {(r, c) for r in range(first, last + 1) for c in (1, 2)} & amounts
    header = scenario.ranges["key_header"][0]
    bold = covered(actions, names, scenario.name, "setFontProperty", ["bold", True])
    assert {(header, c) for c in range(1, 3 + n_years)} <= bold
    gbr = next(r for r in range(first, last + 1)
               if scenario.rows[r - 1][1] == "Reserve (gecumuleerd budgettair resultaat)")
    assert (gbr, 2) in bold  # a key line
    red = covered(actions, names, scenario.name, "setRangeColor", [RED])
    breaches = {cell for cell, status in scenario.status.items() if status == "breach"}
    assert breaches and breaches <= red
    assert any(first <= r <= last for r, _c in breaches)  # a key figure below a norm


def test_script_formats_the_same_cells_as_the_board_pack_file(sample_runs, script_actions):
    """Fills, euro formats and bold cells of every sheet equal those of ``w13xl board``'s file."""
    names, actions = script_actions
    wb = build_board_workbook(sample_runs, plan_name=BOOK_NAME, created=dt.date(2026, 1, 1))
    for ws in wb.worksheets:
        cells = [c for row in ws.iter_rows() for c in row if type(c).__name__ == "Cell"]

        def where(test, cells=cells):
            return {(c.row, c.column) for c in cells if test(c)}

        def filled(rgb):
            return lambda c: c.fill.fill_type == "solid" and c.fill.fgColor.rgb.endswith(rgb[1:])

        assert covered(actions, names, ws.title, "setNumberFormat", [EXCEL_EURO]) == where(
            lambda c: c.number_format == EXCEL_EURO), ws.title
        assert covered(actions, names, ws.title, "setFontProperty", ["bold", True]) == where(
            lambda c: bool(c.font.b)), ws.title
        for colour in (RED, GREEN, HEADER):
            assert covered(actions, names, ws.title, "setRangeColor", [colour]) == where(filled(colour)), ws.title
        merged = {(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges}
        assert merged == {(a["start_row"] + 1, a["start_column"] + 1, a["start_row"] + a["row_count"],
                           a["start_column"] + a["column_count"])
                          for name, a in on_sheets(actions, names) if name == ws.title and a["func"] == "rangeMerge"}


def test_scenario_sheet_values_are_the_engines(expected):
    sheets = sample_sheets()
    names = [s["name"] for s in sheets]
    actions = run_script(make_book(sheets))
    written = written_sheets(actions, names)
    scenario = expected[1]
    rows = written[scenario.name]
    gbr = next(r for r in rows if r[1] == "Reserve (gecumuleerd budgettair resultaat)")
    exp = next(r for r in scenario.rows if r[1] == "Reserve (gecumuleerd budgettair resultaat)")
    assert gbr[2:8] == exp[2:8] and all(isinstance(v, float) for v in gbr[2:8])


def test_rerun_replaces_only_owned_sheets(expected):
    sheets = sample_sheets()
    owned_overview = {"name": "W13 Overzicht", "values": [["oud"], [MARKER_TEXT], ["x", 1]],
                      "pictures": [], "tables": []}
    stale = {"name": "W13 oud scenario", "values": [["oud"], [MARKER_TEXT]], "pictures": [], "tables": []}
    notes = {"name": "W13 notities", "values": [["mijn notities"], ["niet van w13xl"]], "pictures": [], "tables": []}
    sheets += [owned_overview, stale, notes]
    names = [s["name"] for s in sheets]  # before the run: the remote book appends added sheets
    actions = run_script(make_book(sheets))
    funcs = [(a["func"], a["sheet_position"]) for a in actions]
    assert ("sheetDelete", names.index("W13 oud scenario")) in funcs
    assert ("sheetClear", names.index("W13 Overzicht")) in funcs  # values and last run's formats
    added = [a["args"][1] for a in actions if a["func"] == "addSheet"]
    assert "W13 Overzicht" not in added and added == [c.name for c in expected[1:]]
    written = written_sheets(actions, names)
    assert "W13 notities" not in written
    assert as_written(written["W13 Overzicht"]) == as_written(expected[0].rows)
    # no action addresses the notes sheet or an input sheet
    current = list(names)
    for a in actions:
        if a["func"] == "addSheet":
            current.insert(a["args"][0], a["args"][1])
            continue
        if a["func"] == "alert":
            continue
        target = current[a["sheet_position"]]
        assert target.startswith("W13 ") and target != "W13 notities", a
        if a["func"] == "sheetDelete":
            current.pop(a["sheet_position"])


def test_a_foreign_sheet_with_an_owned_name_stops_the_script_before_writing():
    sheets = sample_sheets() + [{"name": "W13 Overzicht", "values": [["van mij"], ["geen marker"]],
                                 "pictures": [], "tables": []}]
    book = make_book(sheets)
    with pytest.raises(xw.XlwingsError, match="W13 Overzicht"):
        run_script(book)
    assert book.json()["actions"] == []


def test_a_workbook_without_scenarios_gives_a_message():
    sheets = [s for s in sample_sheets() if s["name"] != "Scenario's"]
    book = make_book(sheets)
    with pytest.raises(xw.XlwingsError, match="Scenario's"):
        run_script(book)
    assert book.json()["actions"] == []


def test_bad_input_sheet_gives_a_message_naming_the_cell():
    sheets = sample_sheets()
    synthese = next(s for s in sheets if s["name"] == "Synthese")
    synthese["values"][4][8] = "veel"
    with pytest.raises(xw.XlwingsError, match="I5"):
        run_script(make_book(sheets))


def test_script_is_registered_for_office_js():
    meta = xlwings.server.custom_scripts_meta(scripts)
    assert [m["function_name"] for m in meta] == ["scenarios_doorrekenen"]
    assert meta[0]["name"] == "Scenario's doorrekenen"


def test_classic_macro_with_mock_caller(expected):
    sheets = sample_sheets()
    names = [s["name"] for s in sheets]
    book = make_book(sheets)
    book.set_mock_caller()
    try:
        macros.scenarios_doorrekenen()
    finally:
        del xw.Book._mock_caller
    actions = book.json()["actions"]
    written = written_sheets(actions, names)
    assert list(written) == [c.name for c in expected]
    assert as_written(written["W13 Overzicht"]) == as_written(expected[0].rows)
    assert all(a["sheet_position"] is None or a["sheet_position"] >= len(names) for a in actions)
    assert actions[-1]["func"] == "alert"


def test_classic_macro_shows_bad_input_in_a_message_box():
    sheets = [s for s in sample_sheets() if s["name"] != "Scenario's"]
    book = make_book(sheets)
    book.set_mock_caller()
    try:
        macros.scenarios_doorrekenen()  # no exception
    finally:
        del xw.Book._mock_caller
    actions = book.json()["actions"]
    assert [a["func"] for a in actions] == ["alert"]
    assert "Scenario's" in actions[0]["args"][0]
