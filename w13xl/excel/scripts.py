"""The script "Scenario's doorrekenen": every scenario of the active workbook, one sheet each,
plus the overview sheet, written into the workbook itself.

One undecorated function, :func:`doorrekenen`, does the work on any ``xlwings.Book``:

* the Office.js adapter :func:`scenarios_doorrekenen` (``@xw.script``, xlwings Server / Lite)
  gets the book injected;
* the classic macro :func:`w13xl.excel.macros.scenarios_doorrekenen` (``RunPython``) passes
  ``xw.Book.caller()``.

The sheets it writes are the board pack's (:mod:`w13xl.board`): the same rows of values as
``w13xl board`` writes to a file (``board_contents``), here without the openpyxl styling. Sheets
w13xl owns carry the name prefix ``W13 `` and the marker text in A2; the script replaces or
deletes only those, and stops before writing anything if a sheet it needs has that name but no
marker. Input sheets are only read.
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
        text = f"{len(self.scenarios)} scenario's doorgerekend; bladen geschreven: {', '.join(self.written)}"
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

    baseline = baseline_from_grids(grids, file=file)
    scenarios = workbook_scenarios(grids, file)
    if not scenarios:
        raise InputError(f"the workbook has no scenarios (sheet \"{SCENARIO_SHEET}\" missing or empty)",
                         file=file, expected=f"a sheet \"{SCENARIO_SHEET}\" with one row per change")
    runs = run_scenarios(baseline, list(scenarios.values()))
    return runs, board_contents(runs, plan_name=file or "meerjarenplan", created=created)


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
            raise InputError(f"the sheet '{name}' was not made by w13xl and is never overwritten", file=book.name,
                             expected="rename or remove that sheet, then run the script again")
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
            sheet.clear_contents()
        else:
            sheet = book.sheets.add(content.name, after=book.sheets[len(book.sheets) - 1])
        sheet["A1"].value = content.rows
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
