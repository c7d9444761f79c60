"""The script "Scenario's doorrekenen": every scenario of the active workbook, one sheet each,
plus the overview sheet, written into the workbook itself.

One undecorated function, :func:`doorrekenen`, does the work on any ``xlwings.Book``:

* the Office.js adapter :func:`scenarios_doorrekenen` (``@xw.script``, xlwings Server / Lite)
  gets the book injected;
* the classic macro :func:`w13xl.excel.macros.scenarios_doorrekenen` (``RunPython``) passes
  ``xw.Book.caller()``.

The sheets it writes are the board pack's (:mod:`w13xl.board`): the same rows of values as
``w13xl board`` writes to a file (``board_contents``), formatted from the same description
(``sheet_look``): euro number formats, fonts, header and ok/breach fills, merged rows, row heights
and column widths, each through one xlwings range setter (:func:`format_sheet`). What the openpyxl
writer adds on top (borders, alignment, charts, print set-up, freeze panes, sheet protection) is
not written here. Sheets w13xl owns carry the name prefix ``W13 `` and the marker text in A2; the
script replaces or deletes only those, and stops before writing anything if a sheet it needs has
that name but no marker. Input sheets are only read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import xlwings as xw

from ..errors import InputError, W13Error

SCRIPT_TITLE = "Scenario's doorrekenen"


@dataclass
class Outcome:
    """What a run wrote: sheet names, in order, and what it deleted (stale W13 sheets)."""

    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    scenarios: list[str] = field(default_factory=list)

    def message(self) -> str:
        n = len(self.scenarios)
        text = (f"{n} scenario{'' if n == 1 else chr(39) + 's'} doorgerekend; "
                f"bladen geschreven: {', '.join(self.written)}")
        if self.deleted:
            text += f"; verouderde bladen verwijderd: {', '.join(self.deleted)}"
        return text


def _grid(sheet) -> list[list]:
    """A sheet's values from A1 to the last used cell, as a 2-D list."""
    last = sheet.used_range.last_cell
    values = sheet.range((1, 1), (max(last.row, 1), max(last.column, 1))).options(ndim=2).value
    return [list(row) for row in values]


def is_owned_grid(name: str, grid: Sequence[Sequence[object]]) -> bool:
    """A sheet w13xl wrote: name prefix 'W13 ' and the marker text in A2."""
    from ..board import MARKER, PREFIX

    if not name.startswith(PREFIX) or len(grid) < 2 or not grid[1]:
        return False
    value = grid[1][0]
    return isinstance(value, str) and value.startswith(MARKER)


def read_book(book) -> tuple[dict[str, list[list]], set[str]]:
    """The input sheets' grids (sheet name -> values from A1) and the names of owned sheets."""
    grids: dict[str, list[list]] = {}
    owned: set[str] = set()
    for sheet in book.sheets:
        grid = _grid(sheet)
        if is_owned_grid(sheet.name, grid):
            owned.add(sheet.name)
        else:
            grids[sheet.name] = grid
    return grids, owned


def compute(grids: dict[str, list[list]], *, file: str | None = None,
            created: dt.datetime | dt.date | None = None):
    """Pure part: the scenario runs and the board pack's sheet contents for a workbook's grids."""
    from ..board import board_contents
    from ..scenario.engine import run_scenarios
    from ..scenario.loader import baseline_from_grids, workbook_scenarios
    from ..scenario.spec import SCENARIO_SHEET
    from .limits import check_scenarios

    baseline = baseline_from_grids(grids, file=file)
    scenarios = workbook_scenarios(grids, file)
    check_scenarios(len(scenarios))
    if not scenarios:
        raise InputError(f"de werkmap heeft geen scenario's (blad \"{SCENARIO_SHEET}\" ontbreekt of is leeg)",
                         file=file, expected=f"een blad \"{SCENARIO_SHEET}\" met één rij per wijziging")
    runs = run_scenarios(baseline, list(scenarios.values())).runs()
    return runs, board_contents(runs, plan_name=file or "meerjarenplan", created=created)


def _points(width: float) -> float:
    """A column width in characters (Excel's unit, Calibri 11: 7 pixels per character plus 5 of
    padding) in points, the unit of xlwings Server and Lite."""
    return round((7 * width + 5) * 0.75, 2)


def _runs(values: Sequence[tuple[int, float]]) -> list[tuple[int, int, float]]:
    """(first, last, value) for consecutive indexes with the same value."""
    out: list[tuple[int, int, float]] = []
    for i, value in sorted(values):
        if out and out[-1][1] == i - 1 and out[-1][2] == value:
            out[-1] = (out[-1][0], i, value)
        else:
            out.append((i, i, value))
    return out


def format_sheet(sheet, content) -> None:
    """Give a written board sheet the board pack's look (:func:`w13xl.board.sheet_look`).

    Per block of cells: ``number_format`` (setNumberFormat), ``color`` (the fill, setRangeColor),
    ``font.bold``/``italic``/``size``/``color`` (setFontProperty) and ``wrap_text`` (setWrapText);
    then merged rows (``merge``, rangeMerge), row heights and column widths (setRowHeight,
    setColumnWidth). Column widths are in characters on classic Excel and in points on xlwings
    Server / Lite."""
    from ..board import CELL_STYLES, sheet_look

    look = sheet_look(content)
    for block in look.blocks:
        style = CELL_STYLES[block.style]
        rng = sheet.range((block.first_row, block.first_col), (block.last_row, block.last_col))
        if style.number_format:
            rng.number_format = style.number_format
        if style.fill:
            rng.color = f"#{style.fill}"
        if style.bold:
            rng.font.bold = True
        if style.italic:
            rng.font.italic = True
        if style.size is not None:
            rng.font.size = style.size
        if style.font_color:
            rng.font.color = f"#{style.font_color}"
        if style.wrap:
            rng.wrap_text = True
    for merge in look.merges:
        rng = sheet.range((merge.row, merge.first_col), (merge.row, merge.last_col))
        rng.merge()
        if merge.wrap:
            rng.wrap_text = True
    for first, last, height in _runs(list(look.heights.items())):
        sheet.range((first, 1), (last, 1)).row_height = height
    points = sheet.book.app.engine.type == "remote"
    for first, last, width in _runs(list(enumerate(look.widths, start=1))):
        sheet.range((1, first), (1, last)).column_width = _points(width) if points else width


def doorrekenen(book, *, created: dt.datetime | dt.date | None = None) -> Outcome:
    """Run every scenario of ``book`` and write the overview and one sheet per scenario.

    Raises :class:`W13Error` (nothing written) on bad input or when a sheet to write has the name
    of a sheet w13xl does not own."""
    grids, owned = read_book(book)
    runs, contents = compute(grids, file=book.name, created=created)
    existing = {s.name.lower(): s.name for s in book.sheets}
    for content in contents:
        name = existing.get(content.name.lower())
        if name is not None and name not in owned:
            raise InputError(f"het blad '{name}' is niet door w13xl gemaakt en wordt nooit overschreven",
                             file=book.name, expected="geef dat blad een andere naam of verwijder het, en start "
                                                      "het script opnieuw")
    outcome = Outcome(scenarios=[run.name for run in runs])
    wanted = {c.name.lower() for c in contents}
    for name in sorted(owned):
        if name.lower() not in wanted:
            book.sheets[name].delete()
            outcome.deleted.append(name)
    for content in contents:
        name = existing.get(content.name.lower())
        if name is not None:
            sheet = book.sheets[name]
            sheet.clear()  # values and formats: the last run's fills and merges may sit elsewhere
        else:
            sheet = book.sheets.add(content.name, after=book.sheets[len(book.sheets) - 1])
        sheet["A1"].value = content.rows
        format_sheet(sheet, content)
        outcome.written.append(content.name)
    return outcome


def user_message(exc: BaseException) -> str:
    """A short Dutch message for a failed run (no traceback)."""
    from .core import error_text

    return error_text(exc).removeprefix("#W13: ")


@xw.script(name=SCRIPT_TITLE)
def scenarios_doorrekenen(book: xw.Book):
    """Office.js (xlwings Server / Lite): run every scenario of the workbook."""
    try:
        outcome = doorrekenen(book)
    except W13Error as exc:
        raise xw.XlwingsError(f"{SCRIPT_TITLE}: {user_message(exc)}") from None
    book.app.alert(outcome.message(), title=SCRIPT_TITLE)
