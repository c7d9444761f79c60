"""The board pack (bordpakket): scenario sheets a raad van bestuur can read, and safe write-back.

Two layers:

* **content** (pure, no Excel library): :func:`overview_content`, :func:`scenario_content` and the
  smaller :func:`overview_rows`, :func:`yearly_rows`, :func:`scenario_rows`, :func:`change_rows`,
  :func:`outcome_sentence` give rows of plain values (str, int, float, None). Each sheet's content is
  a :class:`SheetContent`: its rows padded to one width, a *kind* per row (title, header, data, ...)
  and the row numbers charts point at. The Excel script (xlwings, :mod:`w13xl.excel`) writes the
  same rows into a live workbook with one ``range.value = content.rows``.
* **look** (pure): :func:`sheet_look` says how a sheet's cells look (blocks of cells with a named
  :class:`CellStyle` from :data:`CELL_STYLES`: amounts, headers, titles, ok/breach fills; column
  widths, row heights, merged rows). Both writers apply it: openpyxl here, xlwings in the script.
* **presentation** (openpyxl): :func:`write_board_pack` writes a new board workbook,
  :func:`write_board_into` adds or replaces the board sheets inside an existing .xlsx/.xlsm, and
  :func:`render_pdf` prints a board workbook to PDF with LibreOffice.

Sheets w13xl owns carry the name prefix ``W13 `` *and* the marker text in cell ``A2``. A sheet
without the marker is never replaced, even when its name clashes (that is an error).

Amounts are written unrounded (to the cent, as the engine computes them) and shown in euro with
Belgian separators by the number format. Apart from the explicit "Aangemaakt op" field (cell B3 of
the overview, and the page header), the same runs always give the same cell contents.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np

from .errors import InputError, W13Error
from .fmt import EXCEL_EURO, euro
from .m2 import HALF_CENT, M2_LINES, M2Result, m2_rows
from .scenario.result import ScenarioRun
from .scenario.spec import CHANGE_LABELS
from .workbook import safe_write

#: Name prefix of every sheet w13xl writes.
PREFIX = "W13 "
OVERVIEW_SHEET = f"{PREFIX}Overzicht"
#: Cell holding the marker on every owned sheet, and the text it starts with.
MARKER_CELL = "A2"
MARKER = "w13xl-bordpakket"
MARKER_TEXT = f"{MARKER}: dit blad wordt door w13xl geschreven en bij een volgende export vervangen; niet wijzigen"
BASELINE_LABEL = "Meerjarenplan (basis)"
NONE_TEXT = "geen"
NA_TEXT = "n.v.t."
INSTALL_HINT = ("LibreOffice is not installed; install it with 'apt-get install libreoffice-calc-nogui' "
                "(Debian/Ubuntu) or from libreoffice.org, then run again with --pdf")

GBR = "gecumuleerd_budgettair_resultaat"
AFM = "autofinancieringsmarge"
BBR = "beschikbaar_budgettair_resultaat"
#: M2 lines shown in bold (the ones the board looks at).
KEY_LINES = {GBR, BBR, AFM, "budgettair_resultaat", "exploitatiesaldo"}
_SECTIONS = {s.key: s.section for s in M2_LINES}


# ---------------------------------------------------------------------------------------------
# Content (pure)
# ---------------------------------------------------------------------------------------------

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

    def add(self, kind: str, *values: object) -> int:
        """Append one row; returns its 1-based row number."""
        self.rows.append(list(values))
        self.kinds.append(kind)
        return len(self.rows)

    def blank_rows(self, name: str, count: int) -> None:
        """Reserve ``count`` empty rows (named ``name``) where a chart is placed."""
        first = len(self.rows) + 1
        for _ in range(count):
            self.add("chart")
        self.ranges[name] = (first, len(self.rows))

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


def first_year_below(years: Sequence[int], values: np.ndarray, floor: np.ndarray | float = 0.0) -> int | None:
    """First year in which ``values`` is below ``floor`` by at least half a cent (as the norms)."""
    below = np.asarray(values) < np.asarray(floor) - HALF_CENT
    return next((int(y) for y, b in zip(years, below) if b), None)


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


def overview_header(years: Sequence[int]) -> list[str]:
    last = years[-1]
    return ["Scenario", f"Reserve eind {last}", "Verschil t.o.v. plan", f"Minimumreserve {last}",
            f"AFM {last}", "BBR < 0 vanaf", "Reserve < minimum vanaf", "AFM < 0 vanaf"]


def _breach(year: int | None, applicable: bool = True) -> int | str:
    if not applicable:
        return NA_TEXT
    return NONE_TEXT if year is None else year


def overview_row(label: str, result: M2Result, baseline: M2Result) -> list:
    o = outcome(result)
    return [label, o.reserve_end, o.reserve_end - float(baseline[GBR][-1]),
            NA_TEXT if o.minimum_reserve_end is None else o.minimum_reserve_end, o.afm_end,
            _breach(o.bbr_breach), _breach(o.reserve_breach, o.minimum_reserve_end is not None),
            _breach(o.afm_breach)]


def is_baseline_run(run: ScenarioRun) -> bool:
    """A run without changes whose schema M2 is the baseline's (e.g. scenarios/baseline.toml)."""
    return not run.effects and all(np.array_equal(run.m2[k], run.baseline[k]) for k in (GBR, AFM, BBR))


def overview_entries(runs: Sequence[ScenarioRun]) -> list[tuple[str, M2Result, ScenarioRun | None]]:
    """(label, M2, run) for the overview: the baseline first (labelled with the title of a run that
    *is* the baseline, if there is one, which then is not repeated), then every other run."""
    _check_runs(runs)
    plain = next((r for r in runs if is_baseline_run(r)), None)
    label = (plain.title or plain.name) if plain is not None else BASELINE_LABEL
    entries: list[tuple[str, M2Result, ScenarioRun | None]] = [(label, runs[0].baseline, plain)]
    entries += [(r.title or r.name, r.m2, r) for r in runs if r is not plain]
    return entries


def overview_rows(runs: Sequence[ScenarioRun]) -> list[list]:
    """Header, then the baseline and one row per scenario: reserve at the end of the plan, its
    difference with the plan, the minimum reserve and AFM in the last year, and the first year of
    each breach (an int, or 'geen')."""
    entries = overview_entries(runs)
    baseline = runs[0].baseline
    return [overview_header(baseline.years),
            *(overview_row(label, m2, baseline if run is None else run.baseline) for label, m2, run in entries)]


def outcome_sentence(run: ScenarioRun | M2Result, *, opening: float | None = None) -> str:
    """One short Dutch sentence with the outcome, e.g. 'De reserve daalt tot 312.450 euro in 2031
    en ligt onder de minimumreserve vanaf 2030.'"""
    result = run.m2 if isinstance(run, ScenarioRun) else run
    years = result.years
    o = outcome(result)
    start = float(result["gecumuleerd_budgettair_resultaat_vorig_boekjaar"][0]) if opening is None else opening
    verb = "stijgt" if o.reserve_end > start + HALF_CENT else "daalt" if o.reserve_end < start - HALF_CENT else "blijft"
    text = f"De reserve {verb} {'op' if verb == 'blijft' else 'tot'} {euro(o.reserve_end)} euro in {years[-1]}"
    if isinstance(run, ScenarioRun):
        diff = float(run.difference(GBR)[-1])
        if abs(diff) >= 0.5:  # shows as at least 1 euro
            text += f" ({euro(abs(diff))} euro {'meer' if diff > 0 else 'minder'} dan in het plan)"
    clauses = []
    if o.minimum_reserve_end is not None:
        if o.reserve_breach is None:
            clauses.append(f"blijft boven de minimumreserve van {euro(o.minimum_reserve_end)} euro")
        else:
            clauses.append(f"ligt onder de minimumreserve vanaf {o.reserve_breach}")
    if o.bbr_breach is not None:
        clauses.append(f"het beschikbaar budgettair resultaat is negatief vanaf {o.bbr_breach}")
    if o.afm_breach is not None:
        clauses.append(f"de autofinancieringsmarge is negatief vanaf {o.afm_breach}")
    else:
        clauses.append("de autofinancieringsmarge blijft positief")
    if len(clauses) == 1:
        text += f" en {clauses[0]}"
    else:
        text += ", " + ", ".join(clauses[:-1]) + f" en {clauses[-1]}"
    return text + "."


def yearly_rows(runs: Sequence[ScenarioRun], key: str, *, minimum_reserve: bool = False) -> list[list]:
    """Header ['', years...], the baseline and each scenario's values of one M2 line per year;
    with ``minimum_reserve`` also the minimum reserve (the plan's, and a scenario's own when it
    differs, e.g. a percentage of a changed wage cost)."""
    entries = overview_entries(runs)
    baseline = runs[0].baseline
    rows: list[list] = [["", *baseline.years]]
    rows += [[label, *map(float, m2[key])] for label, m2, _run in entries]
    if minimum_reserve and baseline.minimum_reserve is not None:
        rows.append(["Minimumreserve", *map(float, baseline.minimum_reserve)])
        for label, m2, _run in entries[1:]:
            own = m2.minimum_reserve
            if own is not None and not np.allclose(own, baseline.minimum_reserve, atol=HALF_CENT, rtol=0):
                rows.append([f"Minimumreserve ({label})", *map(float, own)])
    return rows


def scenario_rows(run: ScenarioRun, which: str = "scenario") -> list[list]:
    """Schema M2 in statutory order: [number, label, values per year...] for the scenario
    (``which='scenario'``), the baseline ('basis') or the difference ('verschil')."""
    if which == "scenario":
        return [[n, label, *values] for n, label, _key, values in m2_rows(run.m2)]
    if which == "basis":
        return [[n, label, *values] for n, label, _key, values in m2_rows(run.baseline)]
    if which == "verschil":
        out = []
        for (n, label, key, values), (_, _, _, base) in zip(m2_rows(run.m2), m2_rows(run.baseline)):
            out.append([n, label, *[float(v - b) for v, b in zip(values, base)]])
        return out
    raise ValueError(f"unknown block {which!r} (scenario, basis, verschil)")


def scenario_row_keys(run: ScenarioRun) -> list[str]:
    return [key for _n, _label, key, _values in m2_rows(run.m2)]


def change_rows(run: ScenarioRun, key: str = GBR) -> list[list]:
    """The audit trail for one M2 line: header, one row per change [nr, description, effect per
    year..., kind], and a total row equal to the scenario's difference with the baseline."""
    years = run.years
    rows: list[list] = [["Nr", "Wijziging", *years, "Soort"]]
    for e in run.effects:
        rows.append([e.index, e.description, *map(float, e.deltas[key]), CHANGE_LABELS.get(e.kind, e.kind)])
    rows.append(["", "Totaal (= verschil met de basis)", *map(float, run.difference(key)), ""])
    return rows


def norm_rows(result: M2Result) -> list[list]:
    rows = []
    for norm in result.norms.values():
        status = "voldaan" if norm.ok else (
            f"niet voldaan vanaf {norm.first_breach_year} ({', '.join(map(str, norm.breach_years))})")
        rows.append(["", norm.label, status])
    return rows


def _fmt_created(created: date | datetime | None) -> str:
    if created is None:
        created = datetime.now().replace(microsecond=0)
    if isinstance(created, datetime):
        return created.strftime("%d/%m/%Y %H:%M")
    return created.strftime("%d/%m/%Y")


def overview_content(runs: Sequence[ScenarioRun], *, plan_name: str, created: date | datetime | None = None,
                     extra: Mapping[str, object] | None = None) -> SheetContent:
    """The Overzicht sheet: outcome table, one sentence per scenario, reserve and AFM per year."""
    _check_runs(runs)
    years = runs[0].baseline.years
    c = SheetContent(OVERVIEW_SHEET, layout="overview")
    c.add("title", f"Bordpakket {plan_name}: overzicht van de scenario's")
    c.add("marker", MARKER_TEXT)
    c.add("meta", "Aangemaakt op", _fmt_created(created))
    for k, v in (extra or {}).items():
        c.add("meta", str(k), v if isinstance(v, (int, float)) else str(v))
    c.add("blank")
    c.add("section", f"Resultaat op het einde van het plan ({years[-1]}) en eerste jaar waarin een norm niet gehaald wordt")
    rows = overview_rows(runs)
    c.add("header", *rows[0])
    c.ranges["overview"] = c.extend("data", rows[1:])
    first, last = c.ranges["overview"]
    for r in range(first, last + 1):
        row = c.rows[r - 1]
        c.status[(r, 2)] = "ok" if row[6] in (NONE_TEXT, NA_TEXT) else "breach"  # reserve vs minimum
        c.status[(r, 5)] = "ok" if row[4] >= -HALF_CENT else "breach"  # AFM at the end
        for col in (6, 7, 8):  # first year of each breach
            if row[col - 1] != NA_TEXT:
                c.status[(r, col)] = "ok" if row[col - 1] == NONE_TEXT else "breach"
    c.add("note", "BBR = beschikbaar budgettair resultaat (norm: ≥ 0 in elk jaar); reserve = gecumuleerd "
                  "budgettair resultaat; AFM = autofinancieringsmarge (norm: ≥ 0 in het laatste jaar).")
    c.add("blank")
    c.add("section", "Conclusie per scenario")
    first = len(c.rows) + 1
    for label, m2, run in overview_entries(runs):
        c.add("sentence", f"{label}: {outcome_sentence(m2 if run is None else run)}")
    c.ranges["sentences"] = (first, len(c.rows))
    c.page_break()
    c.add("section", "Reserve en autofinancieringsmarge per jaar")
    c.blank_rows("chart_overview", OVERVIEW_CHART_ROWS)
    c.page_break()
    c.add("section", "Reserve (gecumuleerd budgettair resultaat) per jaar")
    rows = yearly_rows(runs, GBR, minimum_reserve=True)
    c.ranges["reserve_header"] = (c.add("header", *rows[0]),) * 2
    c.ranges["reserve"] = c.extend("data", rows[1:])
    c.ranges["reserve_minimum"] = (c.ranges["reserve"][0] + len(overview_entries(runs)), c.ranges["reserve"][1])
    c.add("blank")
    c.add("section", "Autofinancieringsmarge per jaar")
    rows = yearly_rows(runs, AFM)
    c.ranges["afm_header"] = (c.add("header", *rows[0]),) * 2
    c.ranges["afm"] = c.extend("data", rows[1:])
    c.width = len(overview_header(years))
    return c.padded()


def scenario_content(run: ScenarioRun, sheet_name: str | None = None) -> SheetContent:
    """One scenario's sheet: schema M2 (scenario, difference, baseline), norms and the changes
    applied with each change's effect on the reserve and on the AFM."""
    years = run.years
    c = SheetContent(sheet_name or scenario_sheet_names([run])[0], layout="scenario")
    c.add("title", f"Scenario: {run.title or run.name}")
    c.add("marker", MARKER_TEXT)
    c.add("meta", "Scenario", run.name)
    if run.extends:
        c.add("meta", "Bouwt voort op", " > ".join(run.extends))
    if run.description:
        c.add("wrap", "Omschrijving", run.description)
    c.add("wrap", "Conclusie", outcome_sentence(run))
    c.add("blank")
    keys = scenario_row_keys(run)

    def m2_block(block: str, title: str) -> None:
        c.add("section", title)
        header = c.add("header", "Nr", "Omschrijving", *years)
        c.ranges[f"{block}_header"] = (header, header)
        first = len(c.rows) + 1
        for key, row in zip(keys, scenario_rows(run, block)):
            kind = "detail" if row[0] in ("a", "b") else "key" if key in KEY_LINES else "data"
            c.add(kind, *row)
        c.ranges[block] = (first, len(c.rows))

    m2_block("scenario", "Schema M2: scenario")
    # The reserve/AFM/BBR values that break a norm.
    first, _ = c.ranges["scenario"]
    minimum = run.m2.minimum_reserve
    for i, key in enumerate(keys):
        for j in range(len(years)):
            value = c.rows[first + i - 1][2 + j]
            if (key in (BBR, AFM) and value < -HALF_CENT) or (
                    key == GBR and minimum is not None and value < minimum[j] - HALF_CENT):
                c.status[(first + i, 3 + j)] = "breach"
    c.page_break()
    c.add("section", "Normen (scenario)")
    first, last = c.extend("norm", norm_rows(run.m2))
    for r in range(first, last + 1):
        c.status[(r, 3)] = "ok" if c.rows[r - 1][2] == "voldaan" else "breach"
    c.add("blank")
    for key, title in ((GBR, "Toegepaste wijzigingen: effect op de reserve (gecumuleerd budgettair resultaat)"),
                       (AFM, "Toegepaste wijzigingen: effect op de autofinancieringsmarge")):
        c.add("section", title)
        rows = change_rows(run, key)
        header = c.add("header", *rows[0])
        c.ranges[f"changes_{key}_header"] = (header, header)
        if run.effects:
            c.ranges[f"changes_{key}"] = c.extend("change", rows[1:-1])
        else:
            c.add("note", "", "Geen wijzigingen: dit is het meerjarenplan zelf.")
        c.add("total", *rows[-1])
        c.add("blank")
    if run.effects:
        c.blank_rows("chart_changes", change_chart_rows(len(run.effects)))
    c.page_break()
    m2_block("verschil", "Verschil scenario min meerjarenplan (basis)")
    c.page_break()
    m2_block("basis", "Schema M2: meerjarenplan (basis)")
    c.width = 3 + len(years)
    return c.padded()


#: Rows reserved for the overview's charts, and the chart size (cm; a row is about 0.53 cm).
OVERVIEW_CHART_ROWS = 26
_ROW_CM = 0.53


def change_chart_height(n_changes: int) -> float:
    return max(5.0, 2.0 + 0.8 * n_changes)


def nice_step(span: float, ticks: int = 5) -> float:
    """A round axis step (1, 2 or 5 times a power of ten) giving at most about ``ticks`` steps."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def change_chart_rows(n_changes: int) -> int:
    return math.ceil(change_chart_height(n_changes) / _ROW_CM) + 1


def scenario_sheet_names(runs: Sequence[ScenarioRun]) -> list[str]:
    """'W13 <name>' per run: at most 31 characters, no characters Excel forbids, unique
    (case-insensitive) and never the overview's name."""
    taken = {OVERVIEW_SHEET.lower()}
    names = []
    for run in runs:
        clean = "".join("_" if ch in '[]:*?/\\' else ch for ch in (run.name or run.title or "scenario")).strip("'")
        base = (PREFIX + clean)[:31]
        name, n = base, 2
        while name.lower() in taken:
            suffix = f" ({n})"
            name, n = base[:31 - len(suffix)] + suffix, n + 1
        taken.add(name.lower())
        names.append(name)
    return names


def board_contents(runs: Sequence[ScenarioRun], *, plan_name: str, created: date | datetime | None = None,
                   extra: Mapping[str, object] | None = None) -> list[SheetContent]:
    """Every sheet of the board pack, overview first."""
    _check_runs(runs)
    names = scenario_sheet_names(runs)
    return [overview_content(runs, plan_name=plan_name, created=created, extra=extra),
            *(scenario_content(run, name) for run, name in zip(runs, names))]


def _check_runs(runs: Sequence[ScenarioRun]) -> None:
    if not runs:
        raise W13Error("a board pack needs at least one scenario run")
    years = runs[0].baseline.years
    for run in runs:
        if run.years != years or run.baseline.years != years:
            raise W13Error(f"scenario '{run.name}' covers {run.years[0]}-{run.years[-1]}, "
                           f"the others {years[0]}-{years[-1]}: a board pack needs one plan period")


# ---------------------------------------------------------------------------------------------
# Look (pure): what both writers apply, openpyxl below and xlwings in w13xl.excel.scripts
# ---------------------------------------------------------------------------------------------

_RED, _GREEN, _GREY, _BLUE = "FFC7CE", "C6EFCE", "F2F2F2", "1F4E79"
_HEADER_FILL = "D9E1F2"


@dataclass(frozen=True)
class CellStyle:
    """How a block of cells looks; colours are "RRGGBB". Only the attributes set are applied."""

    number_format: str | None = None
    bold: bool = False
    italic: bool = False
    size: float | None = None
    font_color: str | None = None
    fill: str | None = None
    wrap: bool = False

    @property
    def has_font(self) -> bool:
        return self.bold or self.italic or self.size is not None or self.font_color is not None


#: The named styles of the board sheets.
CELL_STYLES: dict[str, CellStyle] = {
    "amount": CellStyle(number_format=EXCEL_EURO),
    "header": CellStyle(bold=True, fill=_HEADER_FILL, wrap=True),
    "bold": CellStyle(bold=True),
    "title": CellStyle(bold=True, size=14, font_color=_BLUE),
    "section": CellStyle(bold=True, size=11, font_color=_BLUE),
    "marker": CellStyle(italic=True, size=8, font_color="808080"),
    "note": CellStyle(italic=True, size=9, font_color="595959"),
    "wrap": CellStyle(wrap=True),
    "ok": CellStyle(fill=_GREEN),
    "breach": CellStyle(fill=_RED),
}


@dataclass(frozen=True)
class Block:
    """A rectangle of cells (1-based, inclusive) with one of :data:`CELL_STYLES`."""

    style: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int


@dataclass(frozen=True)
class Merge:
    """Cells of one row merged into one (text wrapped when ``wrap``)."""

    row: int
    first_col: int
    last_col: int
    wrap: bool = False


@dataclass
class SheetLook:
    """A sheet's look: styled blocks (applied in order), column widths (characters, from column A),
    row heights (points) and merged rows."""

    blocks: list[Block]
    widths: list[float]
    heights: dict[int, float]
    merges: list[Merge]


def _blocks(style: str, cells: set[tuple[int, int]]) -> list[Block]:
    """Cover ``cells`` with few rectangles: runs of adjacent columns per row, stacked when the
    next row has the same run."""
    runs: list[list[int]] = []  # [row, first_col, last_col]
    for r, col in sorted(cells):
        if runs and runs[-1][0] == r and runs[-1][2] == col - 1:
            runs[-1][2] = col
        else:
            runs.append([r, col, col])
    open_: dict[tuple[int, int], list[int]] = {}  # (first_col, last_col) -> [first_row, last_row]
    out: list[tuple[int, int, int, int]] = []
    for r, c1, c2 in runs:
        block = open_.get((c1, c2))
        if block is not None and block[1] == r - 1:
            block[1] = r
        else:
            if block is not None:
                out.append((block[0], c1, block[1], c2))
            open_[(c1, c2)] = [r, r]
    out += [(r1, c1, r2, c2) for (c1, c2), (r1, r2) in open_.items()]
    return [Block(style, r1, c1, r2, c2) for r1, c1, r2, c2 in sorted(out)]


def merged_height(text: object, widths: Sequence[float], first_col: int, last_col: int) -> float:
    """Row height (points) for wrapped text merged across columns (Excel does not grow merged rows)."""
    chars_per_line = max(20.0, sum(widths[first_col - 1:last_col]) * 1.2)
    return 15 * max(1, math.ceil(len(str(text)) / chars_per_line)) + 2


def sheet_widths(content: SheetContent) -> list[float]:
    """Column widths in characters (Excel's unit), from column A."""
    if content.layout == "overview":
        return [40, 15, 15, 17, 14, 15, 15, 14]
    n_years = content.width - 3
    return [14, 50, *([13] * n_years), 13]


def sheet_look(content: SheetContent) -> SheetLook:
    """How a board sheet looks: amounts in euro (:data:`w13xl.fmt.EXCEL_EURO`), bold headers with a
    fill, title/section/marker/note fonts, bold key and total lines, green/red cells from
    ``content.status``, widths, heights and merged rows. Cell blocks only cover cells with a value,
    except the first column of titles, sections, markers and the two first of notes."""
    widths = sheet_widths(content)
    cells: dict[str, set[tuple[int, int]]] = {name: set() for name in CELL_STYLES}
    heights: dict[int, float] = {}
    merges: list[Merge] = []
    overview = content.layout == "overview"
    for r, (row, kind) in enumerate(zip(content.rows, content.kinds), start=1):
        filled = [col for col, value in enumerate(row, start=1) if value is not None]
        cells["amount"].update((r, col) for col in filled if isinstance(row[col - 1], float))
        if kind == "header":
            cells["header"].update((r, col) for col in filled)
            if any(isinstance(v, str) and len(v) > 14 for v in row[1:]):
                heights[r] = 32
        elif kind in ("key", "total"):
            cells["bold"].update((r, col) for col in filled)
        elif kind == "detail":
            cells["note"].update((r, col) for col in filled)
        elif kind == "meta" and 1 in filled:
            cells["bold"].add((r, 1))
        elif kind in ("title", "section", "marker"):
            cells[kind].add((r, 1))
            if kind == "title":
                heights[r] = 22
        elif kind == "note":
            cells["note"].update({(r, 1), (r, 2)})
        if overview and kind in ("sentence", "note"):
            merges.append(Merge(r, 1, len(widths), wrap=True))
            heights[r] = merged_height(row[0], widths, 1, len(widths))
        elif not overview and kind == "wrap":
            merges.append(Merge(r, 2, len(widths), wrap=True))
            heights[r] = merged_height(row[1], widths, 2, len(widths))
            cells["bold"].add((r, 1))
            cells["wrap"].add((r, 1))
        elif not overview and kind == "norm":
            merges.append(Merge(r, 3, content.width - 1))
        elif not overview and kind == "change":
            cells["wrap"].add((r, 2))
            heights[r] = 15 * max(1, math.ceil(len(str(row[1])) / (widths[1] * 1.1))) + 1
    if overview:  # the plan itself, first row of the outcome table
        first = content.ranges["overview"][0]
        cells["bold"].update((first, col) for col in range(1, len(widths) + 1))
    for (r, col), status in content.status.items():
        cells[status].add((r, col))
    blocks = [b for name, found in cells.items() for b in _blocks(name, found)]
    return SheetLook(blocks=blocks, widths=widths, heights=heights, merges=merges)


# ---------------------------------------------------------------------------------------------
# Presentation (openpyxl)
# ---------------------------------------------------------------------------------------------

#: Chart axes and labels: Belgian separators, no red (the bars' colour already says the sign).
AXIS_EURO = "[$-813]#,##0"

_SERIES_COLOURS = ("1F4E79", "C55A11", "548235", "7030A0", "BF8F00", "2E75B6", "A5A5A5", "843C0C",
                   "00B0F0", "FF66CC", "375623", "7F6000")


def _styles():
    from openpyxl.styles import Alignment, Border, PatternFill, Side

    thin = Side(style="thin", color="808080")
    return {
        "grey": PatternFill("solid", fgColor=_GREY),
        "bottom": Border(bottom=thin),
        "top": Border(top=thin),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "center": Alignment(horizontal="center"),
        "center_top": Alignment(horizontal="center", vertical="top"),
        "valign_top": Alignment(vertical="top"),
        "indent": Alignment(horizontal="left", vertical="top", indent=1),
        "header_right": Alignment(horizontal="right", vertical="bottom", wrap_text=True),
        "header_left": Alignment(horizontal="left", vertical="bottom", wrap_text=True),
        "right": Alignment(horizontal="right"),
    }


def _chart_title(text: str, size: int = 1100):
    """A chart title in a readable size (openpyxl's default is 18 pt)."""
    from openpyxl.chart.text import RichText, Text
    from openpyxl.chart.title import Title
    from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RegularTextRun

    props = CharacterProperties(sz=size, b=True)
    paragraph = Paragraph(pPr=ParagraphProperties(defRPr=props), r=[RegularTextRun(rPr=props, t=text)])
    return Title(tx=Text(rich=RichText(p=[paragraph])), overlay=False)


def _font(style: CellStyle):
    from openpyxl.styles import Font

    return Font(bold=style.bold or None, italic=style.italic or None, size=style.size, color=style.font_color)


def _apply_look(ws, look: SheetLook) -> None:
    """The shared look (:func:`sheet_look`) with openpyxl."""
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter

    for block in look.blocks:
        style = CELL_STYLES[block.style]
        font = _font(style) if style.has_font else None
        fill = PatternFill("solid", fgColor=style.fill) if style.fill else None
        for r in range(block.first_row, block.last_row + 1):
            for col in range(block.first_col, block.last_col + 1):
                cell = ws.cell(row=r, column=col)
                if style.number_format:
                    cell.number_format = style.number_format
                if font is not None:
                    cell.font = font
                if fill is not None:
                    cell.fill = fill
                if style.wrap:
                    cell.alignment = Alignment(wrap_text=True)
    for merge in look.merges:
        ws.merge_cells(start_row=merge.row, start_column=merge.first_col, end_row=merge.row,
                       end_column=merge.last_col)
        if merge.wrap:
            ws.cell(row=merge.row, column=merge.first_col).alignment = Alignment(wrap_text=True, vertical="top")
    for r, height in look.heights.items():
        ws.row_dimensions[r].height = height
    for i, width in enumerate(look.widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def _fill_sheet(ws, content: SheetContent) -> list[float]:
    """Values, the shared look, and the header and total borders and alignments of every board
    sheet; returns the column widths."""
    st = _styles()
    for r, row in enumerate(content.rows, start=1):
        for col, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=r, column=col, value=value)
    look = sheet_look(content)
    _apply_look(ws, look)
    for r, (row, kind) in enumerate(zip(content.rows, content.kinds), start=1):
        for col, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = ws.cell(row=r, column=col)
            if kind == "header":
                cell.border = st["bottom"]
                if col > 1 and not (isinstance(value, str) and value in ("Omschrijving", "Wijziging", "Soort")):
                    cell.alignment = st["header_right"]
                else:
                    cell.alignment = st["header_left"]
            elif kind == "total":
                cell.border = st["top"]
    return look.widths


def _print_setup(ws, content: SheetContent, *, plan_name: str, created_text: str, last_col: int,
                 freeze: str | None) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break

    last_row = len(content.rows)
    for row in content.breaks:
        ws.row_breaks.append(Break(id=row - 1))
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.print_area = f"A1:{get_column_letter(last_col)}{last_row}"
    ws.oddHeader.left.text = _hf(plan_name)
    ws.oddHeader.right.text = _hf(f"Aangemaakt op {created_text}")
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.right.text = "Pagina &P van &N"
    if freeze:
        ws.freeze_panes = freeze
    ws.sheet_view.zoomScale = 90
    ws.protection.sheet = True  # against accidental edits: no password, Review > Unprotect Sheet


def _hf(text: str) -> str:
    return str(text).replace("&", "&&")


def _overview_sheet(ws, content: SheetContent, runs: Sequence[ScenarioRun], *, plan_name: str) -> None:
    from openpyxl.chart import LineChart, Reference
    from openpyxl.chart.shapes import GraphicalProperties
    from openpyxl.drawing.line import LineProperties

    st = _styles()
    widths = _fill_sheet(ws, content)
    first, last = content.ranges["overview"]
    for r in range(first, last + 1):
        for col in (6, 7, 8):
            ws.cell(row=r, column=col).alignment = st["center"]
    created_text = str(content.rows[2][1])
    n_years = len(runs[0].years)

    def line_chart(key: str, title: str, y_title: str) -> LineChart:
        header = content.ranges[f"{key}_header"][0]
        rfirst, rlast = content.ranges[key]
        chart = LineChart()
        chart.title = _chart_title(title)
        chart.y_axis.number_format = AXIS_EURO
        chart.y_axis.majorGridlines = chart.y_axis.majorGridlines  # keep default gridlines
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.legend.position = "b"
        chart.x_axis.tickLblPos = "low"  # years under the plot, not on the zero line
        chart.height, chart.width = OVERVIEW_CHART_ROWS * _ROW_CM - 0.6, 16.8
        for r in range(rfirst, rlast + 1):
            chart.add_data(Reference(ws, min_col=1, max_col=1 + n_years, min_row=r, max_row=r),
                           from_rows=True, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=2, max_col=1 + n_years, min_row=header, max_row=header))
        minimum_first = content.ranges["reserve_minimum"][0] if key == "reserve" else None
        for i, s in enumerate(chart.series):
            row = rfirst + i
            s.smooth = False
            colour = _SERIES_COLOURS[i % len(_SERIES_COLOURS)]
            width = 28575 if i == 0 else 19050
            dash = None
            if minimum_first is not None and row == minimum_first:
                colour, width, dash = "C00000", 28575, "dash"  # the plan's minimum reserve
            elif minimum_first is not None and row > minimum_first:
                # a scenario's own minimum reserve: dashed, in that scenario's colour
                label = str(content.rows[row - 1][0])[len("Minimumreserve ("):-1]
                labels = [str(content.rows[r - 1][0]) for r in range(rfirst, minimum_first)]
                j = labels.index(label) if label in labels else i
                colour, width, dash = _SERIES_COLOURS[j % len(_SERIES_COLOURS)], 15875, "dash"
            s.graphicalProperties = GraphicalProperties(ln=LineProperties(solidFill=colour, w=width, prstDash=dash))
            s.marker.symbol = "none" if dash else "circle"
            if not dash:
                s.marker.graphicalProperties = GraphicalProperties(solidFill=colour, ln=LineProperties(solidFill=colour))
        return chart

    anchor_row = content.ranges["chart_overview"][0]
    reserve = line_chart("reserve", "Reserve per jaar (euro), minimumreserve gestippeld", "euro")
    ws.add_chart(reserve, f"A{anchor_row}")
    afm = line_chart("afm", "Autofinancieringsmarge per jaar (euro)", "euro")
    ws.add_chart(afm, f"D{anchor_row}")
    _print_setup(ws, content, plan_name=plan_name, created_text=created_text, last_col=len(widths),
                 freeze=f"B{content.ranges['overview'][0]}")


def _scenario_sheet(ws, content: SheetContent, run: ScenarioRun, *, plan_name: str, created_text: str) -> None:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.label import DataLabelList
    from openpyxl.chart.marker import DataPoint
    from openpyxl.chart.shapes import GraphicalProperties

    st = _styles()
    n_years = len(run.years)
    widths = _fill_sheet(ws, content)
    for r, kind in enumerate(content.kinds, start=1):
        if kind == "wrap":
            ws.cell(row=r, column=1).alignment = st["wrap"]
        elif kind == "change":
            for col in range(3, 3 + n_years):
                ws.cell(row=r, column=col).alignment = st["valign_top"]
            ws.cell(row=r, column=1).alignment = st["center_top"]
            ws.cell(row=r, column=2).alignment = st["wrap"]
            ws.cell(row=r, column=len(widths)).alignment = st["indent"]
    changes = content.ranges.get(f"changes_{GBR}")
    if changes:
        anchor_row = content.ranges["chart_changes"][0]
        cfirst, clast = changes
        chart = BarChart()
        chart.type = "bar"  # horizontal bars: a tornado of the changes' effects
        chart.style = 10
        chart.title = _chart_title(f"Effect van elke wijziging op de reserve eind {run.years[-1]} (euro)")
        chart.y_axis.number_format = AXIS_EURO
        chart.y_axis.crosses = "max"  # value axis under the bars (the category axis runs top-down)
        values = [float(content.rows[r - 1][1 + n_years]) for r in range(cfirst, clast + 1)]
        chart.y_axis.majorUnit = nice_step(max(values + [0.0]) - min(values + [0.0]))  # <= 6 readable labels
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.x_axis.scaling.orientation = "maxMin"  # first change on top
        chart.x_axis.tickLblPos = "low"  # labels left of the bars, also for negative effects
        chart.legend = None
        last_col = 2 + n_years
        chart.add_data(Reference(ws, min_col=last_col, max_col=last_col, min_row=cfirst, max_row=clast),
                       titles_from_data=False)
        chart.set_categories(Reference(ws, min_col=2, max_col=2, min_row=cfirst, max_row=clast))
        series = chart.series[0]
        series.graphicalProperties = GraphicalProperties(solidFill=_SERIES_COLOURS[0])
        series.dLbls = DataLabelList(showVal=True, showSerName=False, showCatName=False, showLegendKey=False,
                                     showPercent=False, numFmt=AXIS_EURO, dLblPos="inBase")
        for i, r in enumerate(range(cfirst, clast + 1)):
            value = content.rows[r - 1][last_col - 1]
            point = DataPoint(idx=i)
            point.graphicalProperties = GraphicalProperties(solidFill="548235" if value >= 0 else "C00000")
            series.dPt.append(point)
        chart.height = change_chart_height(clast - cfirst + 1)
        chart.width = 24
        ws.add_chart(chart, f"B{anchor_row}")
    _print_setup(ws, content, plan_name=plan_name, created_text=created_text, last_col=len(widths),
                 freeze=f"C{content.ranges['scenario_header'][0] + 1}")


def _add_board_sheets(wb, runs: Sequence[ScenarioRun], contents: Sequence[SheetContent], *, plan_name: str,
                      index: int | None = None) -> list:
    """Create the board sheets in ``wb`` (at ``index``, else at the end); returns them."""
    sheets = []
    created_text = str(contents[0].rows[2][1])
    for i, content in enumerate(contents):
        ws = wb.create_sheet(content.name, None if index is None else index + i)
        if i == 0:
            _overview_sheet(ws, content, runs, plan_name=plan_name)
        else:
            _scenario_sheet(ws, content, runs[i - 1], plan_name=plan_name, created_text=created_text)
        sheets.append(ws)
    return sheets


def _add_uncertainty(wb, uncertainty: Mapping[str, object] | None, *, plan_name: str,
                     created: date | datetime | None, index: int | None = None) -> list[str]:
    """The fan chart, cliff tornado and goal-seek sheets (w13xl.board_uncertainty), if given:
    ``uncertainty`` holds any of ``simulation``, ``cliffs``, ``solutions``."""
    if not uncertainty:
        return []
    from .board_uncertainty import add_uncertainty_sheets

    sheets = add_uncertainty_sheets(wb, plan_name=plan_name, created=created, index=index, **uncertainty)
    return [ws.title for ws in sheets]


def build_board_workbook(runs: Sequence[ScenarioRun], *, plan_name: str, created: date | datetime | None = None,
                         extra: Mapping[str, object] | None = None,
                         uncertainty: Mapping[str, object] | None = None):
    """The board pack as an openpyxl Workbook (not saved)."""
    from openpyxl import Workbook

    contents = board_contents(runs, plan_name=plan_name, created=created, extra=extra)
    wb = Workbook()
    wb.remove(wb.active)
    _add_board_sheets(wb, runs, contents, plan_name=plan_name)
    _add_uncertainty(wb, uncertainty, plan_name=plan_name, created=created)
    wb.active = 0
    wb.properties.title = f"Bordpakket {plan_name}"
    wb.properties.creator = "w13xl"
    if created is not None:
        wb.properties.created = created if isinstance(created, datetime) else datetime(created.year, created.month,
                                                                                        created.day)
    return wb


def write_board_pack(runs: Sequence[ScenarioRun], out: str | os.PathLike, *, plan_name: str,
                     created: date | datetime | None = None, extra: Mapping[str, object] | None = None,
                     backup: bool = False, uncertainty: Mapping[str, object] | None = None) -> Path:
    """Write the board workbook (Overzicht + one sheet per scenario) to ``out`` (.xlsx), safely.

    ``extra``: more label/value pairs shown under "Aangemaakt op" (e.g. the source workbook)."""
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise InputError(f"'{out.suffix}' is not supported for a board pack", file=str(out),
                         expected="an .xlsx output file (use --into to write into an .xlsm)")
    wb = build_board_workbook(runs, plan_name=plan_name, created=created, extra=extra, uncertainty=uncertainty)
    return safe_write(out, wb.save, backup=backup)


# ---------------------------------------------------------------------------------------------
# Write-back into the user's own workbook
# ---------------------------------------------------------------------------------------------

def is_owned(ws) -> bool:
    """A sheet w13xl wrote: name prefix 'W13 ' and the marker in A2."""
    if not ws.title.startswith(PREFIX) or not hasattr(ws, "cell"):
        return False
    value = ws[MARKER_CELL].value
    return isinstance(value, str) and value.startswith(MARKER)


#: Package parts openpyxl does not carry over; if the user's file has them and the rewritten file
#: does not, the write-back stops (keyed by path prefix inside the zip).
_FRAGILE_PARTS = {
    "xl/activeX/": "ActiveX controls",
    "xl/ctrlProps/": "form controls (buttons, check boxes)",
    "xl/slicers/": "slicers",
    "xl/slicerCaches/": "slicers",
    "xl/timelines/": "timelines",
    "xl/timelineCaches/": "timelines",
    "xl/embeddings/": "embedded objects",
    "xl/pivotTables/": "pivot tables",
    "xl/pivotCache/": "pivot caches",
    "xl/externalLinks/": "links to other workbooks",
    "xl/queryTables/": "queries",
    "xl/connections.xml": "data connections",
    "xl/model/": "the data model (Power Pivot)",
    "xl/customXml": "custom XML",
    "customXml/": "custom XML (e.g. SharePoint metadata)",
    "xl/threadedComments/": "threaded comments",
    "xl/comments": "comments",
    "xl/tables/": "tables",
    "xl/media/": "images",
    "xl/charts/": "charts",
    "xl/drawings/drawing": "drawings (shapes, charts, images)",
    "xl/vbaProject.bin": "the VBA project (macros)",
}


#: Sheet and workbook XML elements openpyxl may drop (form controls and embedded objects on a
#: sheet, Excel 2010+ extensions such as sparklines and slicers, ...): their count may not go down.
_FRAGILE_TAGS = re.compile(
    rb"<((?:\w+:)?(?:controls|control|oleObjects|oleObject|sparklineGroup|slicerList|slicer|timelineRefs|"
    rb"conditionalFormatting|dataValidation|legacyDrawing|legacyDrawingHF|picture|tablePart|drawing|"
    rb"hyperlink|protectedRange|pivotCache|externalReference|customWorkbookView))[\s/>]")


def _sheet_parts(parts: Mapping[str, bytes]) -> dict[str, str]:
    """Sheet name -> its part in the package (from xl/workbook.xml and its relationships)."""
    import xml.etree.ElementTree as ET

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
    rels = ET.fromstring(parts["xl/_rels/workbook.xml.rels"])
    targets = {}
    for rel in rels.findall("p:Relationship", ns):
        target = rel.get("Target", "")
        targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    book = ET.fromstring(parts["xl/workbook.xml"])
    return {sheet.get("name"): targets.get(sheet.get(f"{{{ns['r']}}}id"), "")
            for sheet in book.findall("m:sheets/m:sheet", ns)}


def _fragile_counts(parts: Mapping[str, bytes], skip_sheets: set[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    sheet_parts = _sheet_parts(parts)
    keep = {"xl/workbook.xml", *(p for name, p in sheet_parts.items() if name not in skip_sheets)}
    for name, data in parts.items():
        if name in keep:
            for tag in _FRAGILE_TAGS.findall(data):
                key = tag.decode()
                counts[key] = counts.get(key, 0) + 1
    return counts


def _zip_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def _sheet_snapshot(path: Path, skip: set[str]) -> tuple[dict[str, list[tuple]], dict[str, str]]:
    """Every cell value (formulas as text) of each sheet not in ``skip``, and the global defined
    names, read independently of the workbook object that was written."""
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path, data_only=False, read_only=False, keep_vba=False)
    try:
        cells = {}
        for ws in wb.worksheets:
            if ws.title in skip:
                continue
            cells[ws.title] = [(c.coordinate, c.value) for row in ws.iter_rows() for c in row if c.value is not None]
        names = {name: str(dn.attr_text) for name, dn in wb.defined_names.items()}
        for ws in wb.worksheets:
            if ws.title not in skip:
                names.update({f"{ws.title}!{name}": str(dn.attr_text) for name, dn in ws.defined_names.items()})
                names[f"{ws.title}!print"] = f"{ws.print_area} {ws.print_title_rows} {ws.print_title_cols}"
        return cells, names
    finally:
        wb.close()


def _verify_write_back(original: Path, written: Path, owned_before: set[str], owned_after: set[str]) -> None:
    """Raise (so the target is not replaced) unless every other sheet's values and formulas, the
    defined names, the VBA project and every package part kind survived."""
    before, after = _zip_parts(original), _zip_parts(written)
    if "xl/vbaProject.bin" in before and before["xl/vbaProject.bin"] != after.get("xl/vbaProject.bin"):
        raise W13Error("the VBA project would not be kept byte for byte")
    lost = sorted({label for prefix, label in _FRAGILE_PARTS.items()
                   if any(n.startswith(prefix) for n in before) and not any(n.startswith(prefix) for n in after)})
    if lost:
        raise W13Error("the workbook contains " + ", ".join(lost) + " that w13xl (openpyxl) cannot keep")
    counts_before = _fragile_counts(before, owned_before)
    counts_after = _fragile_counts(after, owned_after)
    dropped = sorted(tag for tag, n in counts_before.items() if counts_after.get(tag, 0) < n)
    if dropped:
        raise W13Error("the workbook contains elements that w13xl (openpyxl) cannot keep: <"
                       + ">, <".join(dropped) + ">")
    cells_before, names_before = _sheet_snapshot(original, owned_before)
    cells_after, names_after = _sheet_snapshot(written, owned_after)
    if set(cells_before) != set(cells_after):
        raise W13Error(f"the other sheets would change: {sorted(set(cells_before) ^ set(cells_after))}")
    for title, cells in cells_before.items():
        if cells != cells_after[title]:
            raise W13Error(f"sheet '{title}' would change")
    if names_before != names_after:
        raise W13Error("the defined names would change")


def write_board_into(runs: Sequence[ScenarioRun], target: str | os.PathLike, *, plan_name: str,
                     created: date | datetime | None = None, extra: Mapping[str, object] | None = None,
                     backup: bool = False, uncertainty: Mapping[str, object] | None = None,
                     ) -> tuple[Path, list[str], list[str]]:
    """Add or replace the board sheets inside the user's workbook (.xlsx or .xlsm).

    Only sheets w13xl owns (prefix and marker, see :func:`is_owned`) are removed or replaced; a
    sheet with one of the new names but without the marker stops the write. Every other sheet,
    the defined names and the VBA project are kept and checked after writing; the file is
    replaced atomically (optionally keeping ``NAME.bak``) or not at all.
    Returns (target, sheets written, old owned sheets removed)."""
    target = Path(target)
    suffix = target.suffix.lower()
    if suffix not in (".xlsx", ".xlsm"):
        raise InputError(f"cannot write board sheets into a '{suffix}' file", file=str(target),
                         expected="an .xlsx or .xlsm workbook")
    # The sheets are made in a scratch workbook and written into the package as new parts; every
    # other part of the user's file stays byte for byte (w13xl.ooxml).
    from .ooxml import write_sheets_into

    try:
        scratch = build_board_workbook(runs, plan_name=plan_name, created=created, extra=extra,
                                       uncertainty=uncertainty)
    except W13Error as exc:
        raise InputError(f"{exc}; nothing was changed", file=str(target)) from None
    for ws in scratch.worksheets:
        ws.sheet_view.tabSelected = False
    result = write_sheets_into(target, scratch, prefix=PREFIX, active=OVERVIEW_SHEET, backup=backup,
                               is_owned=lambda name, grid: len(grid) > 1 and bool(grid[1])
                               and isinstance(grid[1][0], str) and grid[1][0].startswith(MARKER))
    return target, result.written, result.removed


# ---------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------

def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def render_pdf(workbook: str | os.PathLike, pdf: str | os.PathLike | None = None, *, timeout: float = 300) -> Path:
    """Print a workbook to PDF with LibreOffice headless (every sheet, its print settings)."""
    workbook = Path(workbook)
    pdf = Path(pdf) if pdf is not None else workbook.with_suffix(".pdf")
    soffice = find_soffice()
    if soffice is None:
        raise W13Error(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="w13xl-pdf-") as tmp:
        profile = Path(tmp) / "profile"
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", "pdf", "--outdir", tmp, str(workbook.resolve())]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise W13Error(f"LibreOffice did not finish converting {workbook} within {timeout:.0f} s") from None
        produced = Path(tmp) / f"{workbook.stem}.pdf"
        if proc.returncode != 0 or not produced.exists():
            detail = (proc.stderr or proc.stdout or "").strip().splitlines()
            raise W13Error(f"LibreOffice could not convert {workbook} to PDF (exit {proc.returncode})"
                           + (f": {detail[-1]}" if detail else ""))
        return safe_write(pdf, lambda tmp: shutil.copyfile(produced, tmp))
