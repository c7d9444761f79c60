"""Shared ground of the board pack: sheet names and the ownership marker, :class:`SheetContent`
(one sheet's rows), the outcome figures of an M2 result, and the checks every part uses.

Pure: no Excel library."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from ..errors import W13Error
from ..m2 import AFM, BBR, GBR, M2Result, first_year_below
from ..scenario.result import ScenarioRun

#: Name prefix of every sheet w13xl writes.
PREFIX = "W13 "
OVERVIEW_SHEET = f"{PREFIX}Overzicht"
ANNEX_SHEET = f"{PREFIX}Bijlage M2 plan"
FAN_SHEET = f"{PREFIX}Waaier reserve"
CLIFF_SHEET = f"{PREFIX}Subsidiekliffen"
GOAL_SHEET = f"{PREFIX}Doelzoeken"
#: Names of the pack's own sheets: a scenario's sheet never takes one of them.
FIXED_SHEETS = (OVERVIEW_SHEET, CLIFF_SHEET, FAN_SHEET, GOAL_SHEET, ANNEX_SHEET)
#: Cell holding the marker on every owned sheet, and the text it starts with.
MARKER_CELL = "A2"
MARKER = "w13xl-bordpakket"
MARKER_TEXT = f"{MARKER}: dit blad wordt door w13xl geschreven en bij een volgende export vervangen; niet wijzigen"
BASELINE_LABEL = "Meerjarenplan (basis)"
NONE_TEXT = "geen"
NA_TEXT = "n.v.t."
#: M2 lines shown in bold (the ones the board looks at).
KEY_LINES = {GBR, BBR, AFM, "budgettair_resultaat", "exploitatiesaldo"}


@dataclass
class SheetContent:
    """One sheet's cell values: ``rows`` (all the same width, starting at A1), a kind per row and
    named row ranges (1-based, inclusive) for charts and styling."""

    name: str
    rows: list[list] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)
    width: int = 0
    #: Rows that start a new printed page (a presentation hint; the rows themselves are blank
    #: where a chart goes, ``ranges['chart_...']``).
    breaks: list[int] = field(default_factory=list)
    #: "overview" or "scenario": which sheet layout :func:`sheet_look` applies.
    layout: str = ""
    #: (row, column) -> "ok" or "breach": cells shown green or red (a norm met or not).
    status: dict[tuple[int, int], str] = field(default_factory=dict)
    #: The last printed row (0: every row); rows below it are chart helpers, not printed.
    print_last: int = 0

    def add(self, kind: str, *values: object) -> int:
        """Append one row; returns its 1-based row number."""
        self.rows.append(list(values))
        self.kinds.append(kind)
        return len(self.rows)

    def blank_rows(self, name: str, count: int) -> None:
        """Reserve ``count`` empty rows (named ``name``) where a chart is placed."""
        self.ranges[name] = self.extend("chart", [()] * count)

    def page_break(self) -> None:
        """The next row starts a new printed page."""
        self.breaks.append(len(self.rows) + 1)

    def extend(self, kind: str, rows: Sequence[Sequence[object]]) -> tuple[int, int]:
        first = len(self.rows) + 1
        for row in rows:
            self.add(kind, *row)
        return first, len(self.rows)

    def padded(self) -> SheetContent:
        width = max([self.width, *(len(r) for r in self.rows)]) if self.rows else self.width
        self.rows = [list(r) + [None] * (width - len(r)) for r in self.rows]
        self.width = width
        return self


@dataclass(frozen=True)
class Outcome:
    """The figures the overview shows for one M2 result."""

    reserve_end: float
    minimum_reserve_end: float | None
    afm_end: float
    bbr_breach: int | None
    reserve_breach: int | None
    afm_breach: int | None


def outcome(result: M2Result) -> Outcome:
    years = result.years
    minimum = result.minimum_reserve
    return Outcome(
        reserve_end=float(result[GBR][-1]),
        minimum_reserve_end=None if minimum is None else float(minimum[-1]),
        afm_end=float(result[AFM][-1]),
        bbr_breach=first_year_below(years, result[BBR]),
        reserve_breach=None if minimum is None else first_year_below(years, result[GBR], minimum),
        afm_breach=first_year_below(years, result[AFM]),
    )


def _fmt_created(created: date | datetime | None) -> str:
    if created is None:
        created = datetime.now().replace(microsecond=0)
    if isinstance(created, datetime):
        return created.strftime("%d/%m/%Y %H:%M")
    return created.strftime("%d/%m/%Y")


def _check_runs(runs: Sequence[ScenarioRun]) -> None:
    if not runs:
        raise W13Error("een bordpakket heeft minstens één doorgerekend scenario nodig")
    years = runs[0].baseline.years
    for run in runs:
        if run.years != years or run.baseline.years != years:
            raise W13Error(f"scenario '{run.name}' loopt over {run.years[0]}-{run.years[-1]}, "
                           f"de andere over {years[0]}-{years[-1]}: een bordpakket vraagt één planperiode")


def is_owned(ws) -> bool:
    """A sheet w13xl wrote: name prefix 'W13 ' and the marker in A2."""
    if not ws.title.startswith(PREFIX) or not hasattr(ws, "cell"):
        return False
    value = ws[MARKER_CELL].value
    return isinstance(value, str) and value.startswith(MARKER)
