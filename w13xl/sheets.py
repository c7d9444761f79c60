"""Reading budget sheets from a grid of cell values (pure: no Excel library).

A *grid* is the 2-D list of cell values of a sheet starting at A1, exactly what openpyxl's
``iter_rows(values_only=True)``, an xlwings range ``.value`` or an Office.js payload gives. The
workbook layer (:mod:`w13xl.workbook`) and the Excel layer (:mod:`w13xl.excel`) both feed grids
here, so a sheet is read the same way from a file, from a custom function or from a script.

Layouts:

* **table**: a header row with ``Actie``, optional ``Naam``/``Beleidsdoelstelling``/
  ``Actieplan``, ``Categorie`` (optional), ``Richting`` (O/U) and year columns;
* **pivot**: the budget package's export, ``Rijlabels`` then ``A10101 RCK`` action rows each
  followed by ``O`` and ``U`` rows, ending at ``Eindtotaal``.

Sign conventions: expenditure (U) negative, as in the pivot, or positive. ``u_sign="auto"``
decides per sheet from the sum of the U amounts (negative sum: U negative).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from .errors import InputError, InputWarning
from .model import (
    CATEGORIES,
    DIRECTIONS,
    EXPLOITATIE,
    Action,
    LineKey,
    Plan,
    parse_category,
    parse_direction,
)
from .params import PARAM_SPECS, Parameters, spec_for_label

Grid = Sequence[Sequence[object]]


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """Excel address of a 0-based grid position (grids start at A1)."""
    return f"{column_letter(col + 1)}{row + 1}"


@dataclass
class SheetContext:
    """Where a grid comes from, for messages; collects warnings."""

    file: str | None
    sheet: str
    warnings: list[InputWarning] = field(default_factory=list)

    def error(self, message: str, row: int | None = None, col: int | None = None,
              expected: str | None = None) -> InputError:
        cell = cell_name(row, col) if row is not None and col is not None else (
            f"row {row + 1}" if row is not None else None)
        return InputError(message, file=self.file, sheet=self.sheet, cell=cell, expected=expected)

    def warn(self, message: str, row: int, col: int) -> None:
        self.warnings.append(InputWarning(message, self.file, self.sheet, cell_name(row, col)))


def cell(grid: Grid, row: int, col: int) -> object:
    if row >= len(grid):
        return None
    r = grid[row]
    return r[col] if col < len(r) else None


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


# -- amounts ----------------------------------------------------------------------------------
_BELGIAN = re.compile(r"^[-+]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_EXCEL_ERRORS = {"#REF!", "#VALUE!", "#DIV/0!", "#N/A", "#NAME?", "#NUM!", "#NULL!", "#WAARDE!",
                 "#VERW!", "#DEEL/0!", "#N/B", "#NAAM?", "#GETAL!", "#LEEG!", "#SPILL!", "#OVERLOOP!"}


def parse_amount(value: object, ctx: SheetContext, row: int, col: int) -> float:
    """A cell as an amount in euro. Empty is 0. Text in Belgian format is accepted with a warning."""
    if value is None:
        return 0.0
    if isinstance(value, (bool, _dt.date, _dt.datetime, _dt.time)):
        raise ctx.error(f"'{value}' is not an amount", row, col, "a number in euro, e.g. 1234,56")
    if isinstance(value, (int, float, np.integer, np.floating)):
        v = float(value)
        if not math.isfinite(v):
            raise ctx.error("the amount is not a finite number", row, col, "a number in euro")
        return v
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace("€", "").replace("EUR", "")
    if text == "":
        return 0.0
    if text.upper() in _EXCEL_ERRORS:
        raise ctx.error(f"the cell holds the Excel error {text}", row, col, "a number in euro")
    if _BELGIAN.match(text):
        amount = float(text.replace(".", "").replace(",", "."))
        ctx.warn(f"amount stored as text '{value}', read as {amount:.2f}", row, col)
        return amount
    raise ctx.error(f"text '{value}' in an amount cell", row, col,
                    "a number in euro, e.g. 1234,56 or text in Belgian format like '1.234,56'")


def parse_number(value: object, ctx: SheetContext, row: int, col: int, what: str) -> float | None:
    """A general number (percentages like '10%' accepted); None for an empty cell."""
    if is_blank(value):
        return None
    if isinstance(value, str) and value.strip().endswith("%"):
        inner = value.strip()[:-1].strip()
        return parse_amount(inner, SheetContext(ctx.file, ctx.sheet), row, col) / 100.0
    try:
        return parse_amount(value, ctx, row, col)
    except InputError as exc:
        raise ctx.error(f"{what}: {exc.message}", row, col, "a number") from None


# -- headers ----------------------------------------------------------------------------------
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def year_of_header(value: object) -> int | None:
    """2026, 'Som van 2026 DT', 'JR 2024', 'MJP 2026', 'Rek 2023' -> the year; else None.

    A label with two years (e.g. 'Totaal 2026-2031') is not a year column."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        v = float(value)
        return int(v) if v.is_integer() and 1900 <= v <= 2100 else None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return None
    found = _YEAR.findall(str(value))
    return int(found[0]) if len(found) == 1 else None


_PART_YEAR = re.compile(r"^\s*(?:19|20)\d{2}[.,]\d+\s*$")


def check_year_header(value: object, ctx: SheetContext, row: int, col: int) -> None:
    """Refuse a header that looks like a year but is not a whole one (2026.5, '2026,5'): it would
    otherwise drop its column without a word."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, (int, float, np.integer, np.floating)):
        v = float(value)
        if 1900 <= v <= 2100 and not v.is_integer():
            raise ctx.error(f"the header {value} is not a whole year", row, col, "a year such as 2026")
    elif isinstance(value, str) and _PART_YEAR.match(value):
        raise ctx.error(f"the header '{value}' is not a whole year", row, col, "a year such as 2026")


def year_columns(grid: Grid, row: int, ctx: SheetContext, start_col: int = 0) -> list[tuple[int, int]]:
    """(column, year) pairs of a header row; checks they are unique and consecutive, and that no
    header is a year with decimals."""
    header = grid[row] if row < len(grid) else ()
    for c in range(start_col, len(header)):
        check_year_header(header[c], ctx, row, c)
    cols = [(c, y) for c in range(start_col, len(header)) if (y := year_of_header(header[c])) is not None]
    if not cols:
        raise ctx.error("no year columns in the header row", row, None,
                        "columns headed by a year such as 2026, 'Som van 2026 DT', 'JR 2024' or 'MJP 2026'")
    seen: dict[int, int] = {}
    for c, y in cols:
        if y in seen:
            raise ctx.error(f"year {y} appears twice in the header (also in {cell_name(row, seen[y])})",
                            row, c, "one column per year")
        seen[y] = c
    for (_, y0), (c1, y1) in pairwise(cols):
        if y1 != y0 + 1:
            missing = f"missing year {y0 + 1}" if y1 > y0 + 1 else f"{y1} does not follow {y0}"
            raise ctx.error(f"year columns are not consecutive: {missing}", row, c1,
                            "consecutive years from left to right, e.g. 2026 ... 2031")
    return cols


_TABLE_HEADERS = {
    "actie": ("actie", "actiecode", "code", "action"),
    "naam": ("naam", "actienaam", "omschrijving", "name", "actie naam"),
    "beleidsdoelstelling": ("beleidsdoelstelling", "bd", "beleidsdomein"),
    "actieplan": ("actieplan", "ap"),
    "categorie": ("categorie", "category", "budgetcategorie"),
    "richting": ("richting", "o/u", "direction", "ontvangst/uitgave"),
}


def _header_key(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    for key, names in _TABLE_HEADERS.items():
        if text in names:
            return key
    return None


def _first_nonblank_row(grid: Grid) -> int | None:
    for r, row in enumerate(grid):
        if any(not is_blank(v) for v in row):
            return r
    return None


def find_pivot_header(grid: Grid, max_rows: int = 60) -> tuple[int, int] | None:
    for r in range(min(max_rows, len(grid))):
        for c, v in enumerate(grid[r]):
            if isinstance(v, str) and v.strip().lower() in ("rijlabels", "row labels"):
                return r, c
    return None


def find_table_header(grid: Grid, max_rows: int = 60) -> int | None:
    for r in range(min(max_rows, len(grid))):
        if any(_header_key(v) == "actie" for v in grid[r]):
            return r
    return None


def detect_layout(grid: Grid) -> str | None:
    if find_pivot_header(grid) is not None:
        return "pivot"
    if find_table_header(grid) is not None:
        return "table"
    return None


# -- reading lines ------------------------------------------------------------------------------
@dataclass
class RawLine:
    action: str
    category: int | None  # None: not stated (pivot), mapping or exploitatie applies
    direction: int
    values: np.ndarray  # signed, as in the sheet
    row: int
    name: str = ""


_TOTAL_LABELS = ("eindtotaal", "totaal", "algemeen totaal", "grand total", "totaal generaal")
_BLANK_LABELS = ("(leeg)", "(blank)", "(vide)")
_ACTION_LABEL = re.compile(r"^\s*(A\d{3,})\b\s*(.*?)\s*$")


def _values(grid: Grid, row: int, cols: list[tuple[int, int]], ctx: SheetContext) -> np.ndarray:
    return np.array([parse_amount(cell(grid, row, c), ctx, row, c) for c, _ in cols], dtype=np.float64)


def read_table_lines(grid: Grid, ctx: SheetContext) -> tuple[list[int], list[RawLine], dict[str, Action], bool]:
    header_row = find_table_header(grid)
    if header_row is None:
        raise ctx.error("no header row with an 'Actie' column", _first_nonblank_row(grid) or 0, None,
                        "a header row with Actie, Categorie, Richting and year columns, "
                        "or a pivot export starting with 'Rijlabels'")
    header = grid[header_row]
    columns: dict[str, int] = {}
    for c, v in enumerate(header):
        key = _header_key(v)
        if key and key not in columns:
            columns[key] = c
    if "richting" not in columns:
        raise ctx.error("no 'Richting' column", header_row, None,
                        "a column 'Richting' with O (ontvangsten) or U (uitgaven)")
    cols = year_columns(grid, header_row, ctx)
    years = [y for _, y in cols]
    lines: list[RawLine] = []
    actions: dict[str, Action] = {}
    for r in range(header_row + 1, len(grid)):
        row_vals = grid[r]
        if all(is_blank(v) for v in row_vals):
            continue
        raw_action = cell(grid, r, columns["actie"])
        if isinstance(raw_action, str) and raw_action.strip().lower() in _TOTAL_LABELS:
            continue
        if is_blank(raw_action):
            raise ctx.error("the row has amounts but no action code", r, columns["actie"],
                            "an action code such as A10101")
        code, name = str(raw_action).strip(), ""
        m = _ACTION_LABEL.match(code)
        if m:
            code, name = m.group(1), m.group(2)
        if "naam" in columns and not is_blank(cell(grid, r, columns["naam"])):
            name = str(cell(grid, r, columns["naam"])).strip()
        direction = parse_direction(cell(grid, r, columns["richting"]))
        if direction is None:
            raise ctx.error(f"unknown direction '{cell(grid, r, columns['richting'])}'", r, columns["richting"],
                            "O (ontvangsten) or U (uitgaven)")
        category = None
        if "categorie" in columns:
            category = parse_category(cell(grid, r, columns["categorie"]))
            if category is None:
                raise ctx.error(f"unknown category '{cell(grid, r, columns['categorie'])}'", r,
                                columns["categorie"], "exploitatie, investeringen or financiering")
        meta = {k: str(cell(grid, r, columns[k]) or "").strip() for k in ("beleidsdoelstelling", "actieplan")
                if k in columns}
        default = Action.from_code(code, name)
        actions.setdefault(code, Action(code, name or default.name,
                                        meta.get("beleidsdoelstelling") or default.beleidsdoelstelling,
                                        meta.get("actieplan") or default.actieplan))
        lines.append(RawLine(code, category, direction, _values(grid, r, cols, ctx), r, name))
    # Duplicates are an error in the table layout: the sheet would be ambiguous.
    seen: dict[tuple, int] = {}
    for line in lines:
        line_key = (line.action, line.category, line.direction)
        if line_key in seen:
            desc = f"{line.action} {DIRECTIONS[line.direction]}"
            if line.category is not None:
                desc = f"{line.action} {CATEGORIES[line.category]} {DIRECTIONS[line.direction]}"
            raise ctx.error(f"duplicate line {desc} (also on row {seen[line_key] + 1})", line.row, columns["actie"],
                            "one row per action, category and direction")
        seen[line_key] = line.row
    return years, lines, actions, "categorie" in columns


def read_pivot_lines(grid: Grid, ctx: SheetContext) -> tuple[list[int], list[RawLine], dict[str, Action]]:
    found = find_pivot_header(grid)
    if found is None:
        raise ctx.error("no 'Rijlabels' header", None, None, "the budget package's pivot export")
    header_row, label_col = found
    cols = year_columns(grid, header_row, ctx, start_col=label_col + 1)
    years = [y for _, y in cols]
    lines: list[RawLine] = []
    actions: dict[str, Action] = {}
    by_key: dict[tuple[str, int], RawLine] = {}
    current: str | None = None
    for r in range(header_row + 1, len(grid)):
        label = cell(grid, r, label_col)
        text = "" if label is None else str(label).strip()
        if text.lower() in _TOTAL_LABELS:
            break
        if text == "" or text.lower() in _BLANK_LABELS:
            vals = _values(grid, r, cols, ctx)
            if np.any(vals != 0):
                raise ctx.error("a row with amounts but no label", r, label_col,
                                "an action row like 'A10101 RCK', an 'O' or 'U' row, or 'Eindtotaal'")
            continue
        m = _ACTION_LABEL.match(text)
        if m:
            current = m.group(1)
            if current not in actions:
                actions[current] = Action.from_code(current, m.group(2))
            _values(grid, r, cols, ctx)  # the net amount must be a number too
            continue
        direction = parse_direction(text) if len(text) <= 12 else None
        if direction is None:
            raise ctx.error(f"unexpected row label '{text}'", r, label_col,
                            "an action row like 'A10101 RCK', an 'O' or 'U' row, or 'Eindtotaal'")
        if current is None:
            raise ctx.error(f"'{text}' row before any action row", r, label_col,
                            "an action row like 'A10101 RCK' above the O and U rows")
        vals = _values(grid, r, cols, ctx)
        key = (current, direction)
        if key in by_key:
            previous = by_key[key]
            if not np.any(vals != 0):
                continue  # a duplicated empty row: tolerated
            if np.any(previous.values != 0):
                raise ctx.error(f"duplicate {DIRECTIONS[direction]} row for {current} (also on row {previous.row + 1})",
                                r, label_col, "one O and one U row per action")
            previous.values, previous.row = vals, r
            continue
        line = RawLine(current, None, direction, vals, r, actions[current].name)
        by_key[key] = line
        lines.append(line)
    return years, lines, actions


def resolve_u_sign(lines: list[RawLine], u_sign: str) -> int:
    """+1 when U amounts are positive in the sheet, -1 when negative."""
    if u_sign == "negative":
        return -1
    if u_sign == "positive":
        return 1
    if u_sign != "auto":
        raise ValueError(f"u_sign must be auto, negative or positive, not {u_sign!r}")
    total = sum(float(line.values.sum()) for line in lines if line.direction == 1)
    return -1 if total < 0 else 1


def build_plan(years: list[int], lines: list[RawLine], actions: dict[str, Action], u_sign: str) -> Plan:
    sign = resolve_u_sign(lines, u_sign)
    merged: dict[LineKey, np.ndarray] = {}
    for line in lines:
        key = LineKey(line.action, EXPLOITATIE if line.category is None else line.category, line.direction)
        amount = line.values * (sign if line.direction == 1 else 1.0)
        merged[key] = merged.get(key, 0.0) + amount
    keys = tuple(merged)
    arr = np.vstack([merged[k] for k in keys]) if keys else np.zeros((0, len(years)))
    return Plan(years=tuple(years), keys=keys, amounts=arr, actions=actions)


# -- category mapping -----------------------------------------------------------------------
@dataclass(frozen=True)
class MappingRule:
    """Move (part of) an action's line from exploitatie to another category.

    ``amounts`` None moves the whole line; otherwise the given magnitude per year.
    """

    action: str
    direction: int
    category: int
    amounts: tuple[tuple[int, float], ...] | None = None  # (year, magnitude) pairs
    where: str = ""  # e.g. "sheet 'Categorieën', row 3" for messages


def read_category_mapping(grid: Grid, ctx: SheetContext) -> list[MappingRule]:
    header_row = find_table_header(grid)
    if header_row is None:
        if _first_nonblank_row(grid) is None:
            return []
        raise ctx.error("no header row with an 'Actie' column", _first_nonblank_row(grid), None,
                        "columns Actie, Richting, Categorie and optionally year columns with the part to move")
    header = grid[header_row]
    columns = {k: c for c, v in enumerate(header) if (k := _header_key(v))}
    for needed in ("richting", "categorie"):
        if needed not in columns:
            raise ctx.error(f"no '{needed.capitalize()}' column", header_row, None,
                            "columns Actie, Richting, Categorie")
    for c in range(len(header)):
        check_year_header(header[c], ctx, header_row, c)
    cols = [(c, y) for c in range(len(header)) if (y := year_of_header(header[c])) is not None]
    rules = []
    for r in range(header_row + 1, len(grid)):
        if all(is_blank(v) for v in grid[r]):
            continue
        action = str(cell(grid, r, columns["actie"]) or "").strip()
        m = _ACTION_LABEL.match(action)
        if not m:
            raise ctx.error(f"'{action}' is not an action code", r, columns["actie"], "an action code such as A50111")
        direction = parse_direction(cell(grid, r, columns["richting"]))
        if direction is None:
            raise ctx.error(f"unknown direction '{cell(grid, r, columns['richting'])}'", r, columns["richting"],
                            "O or U")
        category = parse_category(cell(grid, r, columns["categorie"]))
        if category is None:
            raise ctx.error(f"unknown category '{cell(grid, r, columns['categorie'])}'", r, columns["categorie"],
                            "exploitatie, investeringen or financiering")
        cells = [cell(grid, r, c) for c, _ in cols]
        amounts: tuple[tuple[int, float], ...] | None = None
        if any(not is_blank(v) for v in cells):
            values = tuple(abs(parse_amount(v, ctx, r, c)) for v, (c, _) in zip(cells, cols, strict=True))
            amounts = tuple(sorted(dict(zip([y for _, y in cols], values, strict=True)).items()))
        rules.append(MappingRule(m.group(1), direction, category, amounts, cell_name(r, columns["actie"])))
    return rules


def apply_category_mapping(plan: Plan, rules: Sequence[MappingRule], ctx: SheetContext | None = None) -> Plan:
    """Move the mapped parts of exploitatie lines to investeringen or financiering."""
    for rule in rules:
        def fail(message: str, expected: str, rule: MappingRule = rule) -> InputError:
            return InputError(message, file=ctx.file if ctx else None, sheet=ctx.sheet if ctx else None,
                              cell=rule.where or None, expected=expected)
        if not plan.has_line(rule.action, EXPLOITATIE, rule.direction):
            raise fail(f"the budget sheet has no {DIRECTIONS[rule.direction]} line for {rule.action}",
                       "an action and direction that appear on the budget sheet")
        line = plan.line(rule.action, EXPLOITATIE, rule.direction)
        if rule.amounts is None:
            part = line.copy()
        else:
            given = dict(rule.amounts)
            part = np.array([given.get(y, 0.0) for y in plan.years])
            too_much = np.flatnonzero(part > line + 0.005)
            if too_much.size:
                y = plan.years[int(too_much[0])]
                raise fail(f"moves {part[too_much[0]]:.2f} of {rule.action} {DIRECTIONS[rule.direction]} in {y}, "
                           f"but the line holds only {line[too_much[0]]:.2f}", "at most the line's amount")
        plan = plan.add(rule.action, EXPLOITATIE, rule.direction, -part)
        plan = plan.add(rule.action, rule.category, rule.direction, part)
    return plan


# -- parameters -------------------------------------------------------------------------------
#: Rates and their plausibility bound. One rule for percentages everywhere: a number is a fraction
#: (0.10 = 10%), text with a percent sign is a percentage ('10%'); nothing is divided by 100 because
#: it looks large. A value above the bound is refused (it is almost surely 10 typed for 10%).
RATE_BOUNDS = {"minimum_reserve_pct": 1.0, "designated_repayment_rate": 1.0, "index_rate": 0.5,
               "contribution_cpi_share": 1.0}
_RATE_IDS = set(RATE_BOUNDS)


def check_rate(key: str, value: float, ctx: SheetContext, row: int | None, col: int | None, label: str) -> None:
    bound = RATE_BOUNDS.get(key)
    if bound is not None and abs(value) > bound:
        raise ctx.error(f"{label}: {value:g} is read as {value * 100:g}%, above the plausible {bound:.0%} "
                        f"(percentages are fractions: {value / 100:g} = {value:g}%, or text '{value:g}%')",
                        row, col, "a fraction such as 0,1 or '10%'")


_PARAM_HEADER_LABELS = {"parameter", "parameters", "naam", "omschrijving", "name"}


def read_parameters(grid: Grid | None, ctx: SheetContext, named: Mapping[str, object] | None = None,
                    base: Parameters | None = None) -> Parameters:
    """Parameters from a two-column sheet (label | value), with optional year columns for
    per-year values, and/or from named cells (``named``: defined name -> value)."""
    values: dict[str, object] = {}
    if grid:
        header_row, year_cols = None, []
        for r in range(min(len(grid), 30)):
            cols = [(c, y) for c in range(1, len(grid[r])) if (y := year_of_header(grid[r][c])) is not None]
            if cols:
                for c in range(1, len(grid[r])):
                    check_year_header(grid[r][c], ctx, r, c)
                header_row, year_cols = r, cols
                break
        for r, row in enumerate(grid):
            if r == header_row or not row or is_blank(row[0]):
                continue
            spec = spec_for_label(row[0])
            if spec is None:
                if str(row[0]).strip().lower() in _PARAM_HEADER_LABELS:
                    continue  # the header row of a two-column sheet ("Parameter | Waarde")
                if any(not is_blank(v) for v in row[1:]):
                    ctx.warn(f"unknown parameter '{row[0]}' ignored "
                             f"(known: {', '.join(s.label for s in PARAM_SPECS)})", r, 0)
                continue
            if spec.yearly:
                per_year = {}
                for c, y in year_cols:
                    v = parse_number(cell(grid, r, c), ctx, r, c, spec.label)
                    if v is not None:
                        per_year[y] = v
                constant = parse_number(cell(grid, r, 1), ctx, r, 1, spec.label)
                if constant is not None and not per_year:
                    per_year = {"*": constant}  # type: ignore[dict-item]
                values[spec.id] = per_year
            else:
                v = parse_number(cell(grid, r, 1), ctx, r, 1, spec.label)
                if v is not None:
                    check_rate(spec.id, v, ctx, r, 1, spec.label)
                    values[spec.id] = v
    for name, raw in (named or {}).items():
        spec = spec_for_label(name)
        if spec is not None and not spec.yearly and raw is not None:
            v = parse_number(raw, ctx, 0, 0, spec.label)
            if v is not None:
                check_rate(spec.id, v, SheetContext(ctx.file, f"name {name}"), None, None, spec.label)
                values[spec.id] = v
    params = base or Parameters()
    return params.replace(**values)


def expand_constants(params: Parameters, years: Sequence[int]) -> Parameters:
    """Per-year parameters given as one constant (key '*') apply to every plan year."""
    changes = {}
    for spec in PARAM_SPECS:
        if spec.yearly:
            v = getattr(params, spec.id)
            if "*" in v:
                changes[spec.id] = {y: float(v["*"]) for y in years}
    return params.replace(**changes)


# -- whole workbook -----------------------------------------------------------------------------
DEFAULT_BUDGET_SHEETS = ("Synthese", "Begroting", "Budget")
MAPPING_SHEETS = ("Categorieën", "Categorieen", "Categorie")
PARAMETER_SHEETS = ("Parameters", "Parameter")


@dataclass
class LoadedPlan:
    plan: Plan
    params: Parameters
    warnings: list[InputWarning]
    file: str | None
    sheet: str
    layout: str


def _find_sheet(grids: Mapping[str, Grid], names: Sequence[str]) -> str | None:
    lower = {n.lower(): n for n in grids}
    for name in names:
        if name.lower() in lower:
            return lower[name.lower()]
    return None


def choose_budget_sheet(grids: Mapping[str, Grid], sheet: str | None, file: str | None) -> str:
    if sheet is not None:
        if sheet in grids:
            return sheet
        raise InputError(f"there is no sheet '{sheet}'", file=file,
                         expected=f"one of: {', '.join(repr(n) for n in grids)}")
    found = _find_sheet(grids, DEFAULT_BUDGET_SHEETS)
    if found:
        return found
    for name, grid in grids.items():
        if detect_layout(grid):
            return name
    raise InputError("no budget sheet found", file=file,
                     expected="a sheet 'Synthese' (table layout) or a pivot export with 'Rijlabels'; "
                              "name it with --sheet")


def load_plan_from_grids(
    grids: Mapping[str, Grid],
    *,
    file: str | None = None,
    sheet: str | None = None,
    u_sign: str = "auto",
    named: Mapping[str, object] | None = None,
    mapping: Sequence[MappingRule] | None = None,
) -> LoadedPlan:
    """Read the budget sheet, category mapping and parameters of a workbook given as grids."""
    name = choose_budget_sheet(grids, sheet, file)
    grid = grids[name]
    ctx = SheetContext(file, name)
    if _first_nonblank_row(grid) is None:
        raise ctx.error("the sheet is empty", expected="a budget table or a pivot export")
    layout = detect_layout(grid)
    if layout is None:
        raise ctx.error("cannot recognise the budget layout", _first_nonblank_row(grid), None,
                        "a header row with Actie, Categorie, Richting and year columns, "
                        "or a pivot export starting with 'Rijlabels'")
    if layout == "pivot":
        years, lines, actions = read_pivot_lines(grid, ctx)
        has_category = False
    else:
        years, lines, actions, has_category = read_table_lines(grid, ctx)
    if not lines:
        raise ctx.error("the sheet has a header but no budget lines", expected="rows with O and U amounts")
    plan = build_plan(years, lines, actions, u_sign)
    if not has_category:
        rules = list(mapping) if mapping is not None else []
        map_ctx = ctx
        if mapping is None:
            map_name = _find_sheet(grids, MAPPING_SHEETS)
            if map_name:
                map_ctx = SheetContext(file, map_name, ctx.warnings)
                rules = read_category_mapping(grids[map_name], map_ctx)
        plan = apply_category_mapping(plan, rules, map_ctx)
    params_name = _find_sheet(grids, PARAMETER_SHEETS)
    pctx = SheetContext(file, params_name or "Parameters", ctx.warnings)
    params = read_parameters(grids[params_name] if params_name else None, pctx, named)
    params = expand_constants(params, plan.years)
    return LoadedPlan(plan, params, ctx.warnings, file, name, layout)
