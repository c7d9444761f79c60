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
from functools import partial
from itertools import pairwise

import numpy as np

from .contract import BUDGET_TABLE, SheetSpec, normalise
from .contract import CATEGORIES as CATEGORIES_SHEET
from .contract import PARAMETERS as PARAMETERS_SHEET
from .errors import InputError, InputWarning
from .fmt import euro
from .messages import msg
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
from .numbers import ambiguous_rate, exact_sum, implausible_amount
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
            None)
        return InputError(message, file=self.file, sheet=self.sheet, cell=cell, expected=expected,
                          row=row + 1 if row is not None and col is None else None)

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
        raise ctx.error(msg("amount.not_an_amount", value=value), row, col, msg("expected.amount"))
    if isinstance(value, (int, float, np.integer, np.floating)):
        v = float(value)
        if not math.isfinite(v):
            raise ctx.error(msg("amount.not_finite"), row, col, msg("expected.amount"))
        if message := implausible_amount(v):
            raise ctx.error(message, row, col, msg("expected.amount"))
        return v
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace("€", "").replace("EUR", "")
    if text == "":
        return 0.0
    if text.upper() in _EXCEL_ERRORS:
        raise ctx.error(msg("amount.excel_error", error=text), row, col, msg("expected.amount"))
    if _BELGIAN.match(text):
        amount = float(text.replace(".", "").replace(",", "."))
        if message := implausible_amount(amount):
            raise ctx.error(message, row, col, msg("expected.amount"))
        ctx.warn(msg("amount.as_text", value=value, amount=euro(amount, 2)), row, col)
        return amount
    raise ctx.error(msg("amount.text", value=value), row, col, msg("expected.amount_or_text"))


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
        raise ctx.error(f"{what}: {exc.message}", row, col, msg("expected.number")) from None


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
        return year_of_date_header(value)
    found = _YEAR.findall(str(value))
    return int(found[0]) if len(found) == 1 else None


def year_of_date_header(value: _dt.date) -> int | None:
    """The year a header typed as a date shows: a whole year N stored in a date-formatted cell is
    the date N days after 30/12/1899 (2026 shows as 18/07/1905), read back as N; any other date
    (01/01/2026, or 2026-03-31 formatted 'jjjj') as its own year."""
    day = value.date() if isinstance(value, _dt.datetime) else value
    serial = (day - _dt.date(1899, 12, 30)).days
    if isinstance(value, _dt.datetime) and value.time() != _dt.time(0):
        return None
    if 1900 <= serial <= 2100:
        return serial
    return day.year if 1900 <= day.year <= 2100 else None


_PART_YEAR = re.compile(r"^\s*(?:19|20)\d{2}[.,]\d+\s*$")


def check_year_header(value: object, ctx: SheetContext, row: int, col: int) -> None:
    """Refuse a header that looks like a year but is not a whole one (2026.5, '2026,5'): it would
    otherwise drop its column without a word."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, (_dt.date, _dt.datetime)):
        year = year_of_date_header(value)
        shown = value.strftime("%d/%m/%Y") + ("" if not isinstance(value, _dt.datetime) or
                                              value.time() == _dt.time(0) else value.strftime(" %H:%M"))
        if year is None:
            raise ctx.error(f"de kop is een datum ({shown}), geen jaar", row, col,
                            "een jaartal zoals 2026 (als getal of tekst)")
        warning = InputWarning(f"de kop is een datum ({shown}): gelezen als het jaar {year}; maak de cel op "
                               "als getal of tekst", ctx.file, ctx.sheet, cell_name(row, col))
        if warning not in ctx.warnings:  # a header row is checked more than once
            ctx.warnings.append(warning)
        return
    if isinstance(value, (int, float, np.integer, np.floating)):
        v = float(value)
        if 1900 <= v <= 2100 and not v.is_integer():
            raise ctx.error(f"de kop {value} is geen heel jaar", row, col, "een jaar zoals 2026")
    elif isinstance(value, str) and _PART_YEAR.match(value):
        raise ctx.error(f"de kop '{value}' is geen heel jaar", row, col, "een jaar zoals 2026")


def year_columns(grid: Grid, row: int, ctx: SheetContext, start_col: int = 0) -> list[tuple[int, int]]:
    """(column, year) pairs of a header row; checks they are unique and consecutive, and that no
    header is a year with decimals."""
    header = grid[row] if row < len(grid) else ()
    for c in range(start_col, len(header)):
        check_year_header(header[c], ctx, row, c)
    cols = [(c, y) for c in range(start_col, len(header)) if (y := year_of_header(header[c])) is not None]
    if not cols:
        raise ctx.error("geen jaarkolommen in de kopregel", row, None,
                        "kolommen met een jaar als kop, bv. 2026, 'Som van 2026 DT', 'JR 2024' of 'MJP 2026'")
    seen: dict[int, int] = {}
    for c, y in cols:
        if y in seen:
            raise ctx.error(f"jaar {y} staat twee keer in de kop (ook in {cell_name(row, seen[y])})",
                            row, c, "één kolom per jaar")
        seen[y] = c
    for (_, y0), (c1, y1) in pairwise(cols):
        if y1 != y0 + 1:
            missing = f"jaar {y0 + 1} ontbreekt" if y1 > y0 + 1 else f"{y1} volgt niet op {y0}"
            raise ctx.error(f"jaarkolommen niet opeenvolgend: {missing}", row, c1,
                            "opeenvolgende jaren van links naar rechts, bv. 2026 ... 2031")
    return cols


def _table_headers() -> dict[str, tuple[str, ...]]:
    """Header key -> normalised names, from the contract (w13xl.contract.BUDGET_TABLE)."""
    return {c.name.lower(): tuple(normalise(n) for n in c.names()) for c in BUDGET_TABLE.columns
            if c.type != "jaar"}


_TABLE_HEADERS = _table_headers()


def _header_key(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = normalise(value)
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
        raise ctx.error("geen kopregel met een kolom 'Actie'", _first_nonblank_row(grid) or 0, None,
                        "een kopregel met Actie, Categorie, Richting en jaarkolommen, "
                        "of een draaitabel-export vanaf 'Rijlabels'")
    header = grid[header_row]
    columns: dict[str, int] = {}
    for c, v in enumerate(header):
        key = _header_key(v)
        if key and key not in columns:
            columns[key] = c
    if "richting" not in columns:
        raise ctx.error("geen kolom 'Richting'", header_row, None,
                        "een kolom 'Richting' met O (ontvangsten) of U (uitgaven)")
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
            raise ctx.error("de rij heeft bedragen maar geen actiecode", r, columns["actie"],
                            "een actiecode zoals A10101")
        code, name = str(raw_action).strip(), ""
        m = _ACTION_LABEL.match(code)
        if m:
            code, name = m.group(1), m.group(2)
        if "naam" in columns and not is_blank(cell(grid, r, columns["naam"])):
            name = str(cell(grid, r, columns["naam"])).strip()
        direction = parse_direction(cell(grid, r, columns["richting"]))
        if direction is None:
            raise ctx.error(f"onbekende richting '{cell(grid, r, columns['richting'])}'", r, columns["richting"],
                            "O (ontvangsten) of U (uitgaven)")
        category = None
        if "categorie" in columns:
            category = parse_category(cell(grid, r, columns["categorie"]))
            if category is None:
                raise ctx.error(f"onbekende categorie '{cell(grid, r, columns['categorie'])}'", r,
                                columns["categorie"], "exploitatie, investeringen of financiering")
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
            raise ctx.error(f"dubbele lijn {desc} (ook op rij {seen[line_key] + 1})", line.row, columns["actie"],
                            "één rij per actie, categorie en richting")
        seen[line_key] = line.row
    return years, lines, actions, "categorie" in columns


def read_pivot_lines(grid: Grid, ctx: SheetContext) -> tuple[list[int], list[RawLine], dict[str, Action]]:
    found = find_pivot_header(grid)
    if found is None:
        raise ctx.error("geen kop 'Rijlabels'", None, None, "de draaitabel-export van het budgetpakket")
    header_row, label_col = found
    cols = year_columns(grid, header_row, ctx, start_col=label_col + 1)
    years = [y for _, y in cols]
    lines: list[RawLine] = []
    actions: dict[str, Action] = {}
    by_key: dict[tuple[str, int], RawLine] = {}
    current: str | None = None
    nets: dict[str, list[tuple[int, np.ndarray]]] = {}
    total: tuple[int, np.ndarray] | None = None
    for r in range(header_row + 1, len(grid)):
        label = cell(grid, r, label_col)
        text = "" if label is None else str(label).strip()
        if text.lower() in _TOTAL_LABELS:
            refuse_rows_below_total(grid, r, label_col, cols, ctx)
            total = (r, _values(grid, r, cols, ctx))
            break
        if text == "" or text.lower() in _BLANK_LABELS:
            vals = _values(grid, r, cols, ctx)
            if np.any(vals != 0):
                raise ctx.error("een rij met bedragen maar zonder label", r, label_col,
                                "een actierij zoals 'A10101 RCK', een rij 'O' of 'U', of 'Eindtotaal'")
            continue
        m = _ACTION_LABEL.match(text)
        if m:
            current = m.group(1)
            if current not in actions:
                actions[current] = Action.from_code(current, m.group(2))
            nets.setdefault(current, []).append((r, _values(grid, r, cols, ctx)))  # checked below
            continue
        direction = parse_direction(text) if len(text) <= 12 else None
        if direction is None:
            raise ctx.error(f"onverwacht rijlabel '{text}'", r, label_col,
                            "een actierij zoals 'A10101 RCK', een rij 'O' of 'U', of 'Eindtotaal'")
        if current is None:
            raise ctx.error(f"rij '{text}' voor de eerste actierij", r, label_col,
                            "een actierij zoals 'A10101 RCK' boven de rijen O en U")
        vals = _values(grid, r, cols, ctx)
        key = (current, direction)
        if key in by_key:
            previous = by_key[key]
            if not np.any(vals != 0):
                continue  # a duplicated empty row: tolerated
            if np.any(previous.values != 0):
                raise ctx.error(f"dubbele {DIRECTIONS[direction]}-rij voor {current} (ook op rij {previous.row + 1})",
                                r, label_col, "één O- en één U-rij per actie")
            previous.values, previous.row = vals, r
            continue
        line = RawLine(current, None, direction, vals, r, actions[current].name)
        by_key[key] = line
        lines.append(line)
    check_pivot_totals(lines, nets, total, cols, label_col, ctx)
    return years, lines, actions


#: A pivot's own total may differ from the sum of its rows by at most this much (a cent).
TOTAL_TOLERANCE = 0.01 + 1e-9


_euro2 = partial(euro, decimals=2)


def check_pivot_totals(lines: list[RawLine], nets: Mapping[str, list[tuple[int, np.ndarray]]],
                       total: tuple[int, np.ndarray] | None, cols: list[tuple[int, int]], label_col: int,
                       ctx: SheetContext) -> None:
    """The pivot's own totals against its O and U rows, within a cent: each action row (its saldo
    = O + U as the pivot sums them) and the Eindtotaal (the sum of every O and U row). A mismatch
    (a typo in a U row, a row pasted over) is refused naming both cells."""
    rows = {(line.action, line.direction): line for line in lines}
    for action, found in nets.items():
        if len(found) != 1:
            continue  # an action row repeated: its O and U rows are checked for duplicates instead
        r, net = found[0]
        parts = [rows[(action, d)] for d in (0, 1) if (action, d) in rows]
        for i, (c, year) in enumerate(cols):
            expected = math.fsum(float(p.values[i]) for p in parts)
            # a pivot sums its rows (O + U, U negative); some exports show U positive and the
            # action row as O - U: either reading within a cent
            other = math.fsum(float(p.values[i]) * (-1.0 if p.direction == 1 else 1.0) for p in parts)
            if min(abs(float(net[i]) - expected), abs(float(net[i]) - other)) > TOTAL_TOLERANCE:
                detail = " + ".join(cell_name(p.row, c) for p in parts) or "geen O- of U-rij"
                raise ctx.error(f"het saldo van {action} in {year} ({_euro2(float(net[i]))}) is niet de som van zijn "
                                f"O- en U-rij ({detail} = {_euro2(expected)}; verschil "
                                f"{_euro2(float(net[i]) - expected)})", r, c,
                                "een draaitabel waarvan elk actiesaldo de som is van de O- en U-rij, op een cent")
    if total is not None:
        r, values = total
        for i, (c, year) in enumerate(cols):
            expected = math.fsum(float(line.values[i]) for line in lines)
            other = math.fsum(float(line.values[i]) * (-1.0 if line.direction == 1 else 1.0) for line in lines)
            if min(abs(float(values[i]) - expected), abs(float(values[i]) - other)) > TOTAL_TOLERANCE:
                raise ctx.error(f"het eindtotaal {year} ({_euro2(float(values[i]))}) is niet de som van de O- en "
                                f"U-rijen ({_euro2(expected)}; verschil {_euro2(float(values[i]) - expected)}), "
                                f"de rijen {cell_name(lines[0].row, c)} tot {cell_name(lines[-1].row, c)}"
                                if lines else f"het eindtotaal {year} staat boven geen enkele O- of U-rij", r, c,
                                "een eindtotaal dat de som is van de O- en U-rijen, op een cent")


def refuse_rows_below_total(grid: Grid, total_row: int, label_col: int, cols: list[tuple[int, int]],
                            ctx: SheetContext) -> None:
    """A total row ends the pivot; budget rows below it (an action, an O or U row) mean the total
    stands mid-sheet: refused, naming both rows, rather than silently dropping everything below."""
    for r in range(total_row + 1, len(grid)):
        text = str(cell(grid, r, label_col) or "").strip()
        if _ACTION_LABEL.match(text) or (len(text) <= 12 and text and parse_direction(text) is not None):
            label = str(cell(grid, total_row, label_col)).strip()
            raise ctx.error(f"de rij '{label}' ({cell_name(total_row, label_col)}) staat midden in het blad: "
                            f"eronder staat nog '{text}' ({cell_name(r, label_col)}); w13xl leest niet stil verder "
                            "of stopt niet stil bij een totaalrij", total_row, label_col,
                            "de totaalrij als laatste rij van de draaitabel, of verwijder ze")


def resolve_u_sign(lines: list[RawLine], u_sign: str) -> int:
    """+1 when U amounts are positive in the sheet, -1 when negative."""
    if u_sign == "negative":
        return -1
    if u_sign == "positive":
        return 1
    if u_sign != "auto":
        raise InputError(f"teken van de U-bedragen {u_sign!r} onbekend", expected="auto, negative of positive")
    total = exact_sum([float(v) for line in lines if line.direction == 1 for v in line.values])
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
        raise ctx.error("geen kopregel met een kolom 'Actie'", _first_nonblank_row(grid), None,
                        "kolommen Actie, Richting, Categorie en eventueel jaarkolommen met het deel dat verschuift")
    header = grid[header_row]
    columns = {k: c for c, v in enumerate(header) if (k := _header_key(v))}
    for needed in ("richting", "categorie"):
        if needed not in columns:
            raise ctx.error(f"geen kolom '{needed.capitalize()}'", header_row, None,
                            "kolommen Actie, Richting, Categorie")
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
            raise ctx.error(f"'{action}' is geen actiecode", r, columns["actie"], "een actiecode zoals A50111")
        direction = parse_direction(cell(grid, r, columns["richting"]))
        if direction is None:
            raise ctx.error(f"onbekende richting '{cell(grid, r, columns['richting'])}'", r, columns["richting"],
                            "O of U")
        category = parse_category(cell(grid, r, columns["categorie"]))
        if category is None:
            raise ctx.error(f"onbekende categorie '{cell(grid, r, columns['categorie'])}'", r, columns["categorie"],
                            "exploitatie, investeringen of financiering")
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
            raise fail(f"het begrotingsblad heeft geen {DIRECTIONS[rule.direction]}-lijn voor {rule.action}",
                       "een actie en richting die op het begrotingsblad staan")
        line = plan.line(rule.action, EXPLOITATIE, rule.direction)
        if rule.amounts is None:
            part = line.copy()
        else:
            given = dict(rule.amounts)
            part = np.array([given.get(y, 0.0) for y in plan.years])
            too_much = np.flatnonzero(part > line + 0.005)
            if too_much.size:
                y = plan.years[int(too_much[0])]
                raise fail(f"verschuift {euro(part[too_much[0]], 2)} van {rule.action} {DIRECTIONS[rule.direction]} "
                           f"in {y}, maar de lijn bevat maar {euro(line[too_much[0]], 2)}",
                           "hoogstens het bedrag van de lijn")
        plan = plan.add(rule.action, EXPLOITATIE, rule.direction, -part)
        plan = plan.add(rule.action, rule.category, rule.direction, part)
    return plan


# -- parameters -------------------------------------------------------------------------------
#: Rates and their plausibility bound. One rule for percentages everywhere: a number is a fraction
#: (0.10 = 10%), text with a percent sign is a percentage ('10%'); nothing is divided by 100 because
#: it looks large. A value above the bound is refused (it is almost surely 10 typed for 10%).
RATE_BOUNDS = {"minimum_reserve_pct": 1.0, "designated_repayment_rate": 1.0, "index_rate": 0.5,
               "contribution_cpi_share": 1.0}


def check_rate(key: str, value: float, ctx: SheetContext, row: int | None, col: int | None, label: str) -> None:
    bound = RATE_BOUNDS.get(key)
    if bound is not None and abs(value) > bound:
        raise ctx.error(f"{label}: {value:g} wordt gelezen als {value * 100:g}%, boven de aannemelijke "
                        f"{bound:.0%} (percentages zijn breuken: {value / 100:g} = {value:g}%, of tekst '{value:g}%')",
                        row, col, msg("expected.fraction", fraction="0,1", percent="10%"))


#: Rates that are shares of a whole: 1 is the whole (100%), not ambiguous.
SHARES = {"contribution_cpi_share"}
#: Parameters that are amounts in euro and cannot be negative.
NON_NEGATIVE_AMOUNTS = {"minimum_reserve", "inhabitants"}


def check_sign_and_unit(key: str, raw: object, value: float, ctx: SheetContext, row: int | None, col: int | None,
                        label: str) -> None:
    """The one rule for units and signs on the Parameters sheet: a bare 1 for a rate is ambiguous
    (1% or 100%?), a percentage is not an amount, a minimum reserve is not negative."""
    if key in RATE_BOUNDS and key not in SHARES and (message := ambiguous_rate(raw)):
        raise ctx.error(f"{label}: {message}", row, col, "een fractie zoals 0,01 of tekst '1%'")
    if key not in RATE_BOUNDS and key in {s.id for s in PARAM_SPECS} and isinstance(raw, str) \
            and raw.strip().endswith("%"):
        raise ctx.error(f"{label}: '{raw.strip()}' is een percentage, geen bedrag", row, col, "een bedrag in euro")
    if key in NON_NEGATIVE_AMOUNTS and value < 0:
        raise ctx.error(f"{label}: {value:.2f} is negatief".replace(".", ","), row, col, "een bedrag van 0 of meer")


def _parse_bestuur(value: object, ctx: SheetContext, row: int | None, col: int | None) -> str:
    """The kind of bestuur of the Parameters sheet ('Soort bestuur'), refused when unknown."""
    from .m2 import BESTUUR_KINDS, parse_bestuur

    kind = parse_bestuur(value)
    if kind is None:
        names = ", ".join(name for name, _ in BESTUUR_KINDS.values())
        raise ctx.error(f"Soort bestuur '{value}' is onbekend", row, col, f"een van: {names}")
    return kind


def assume_bestuur(params: Parameters, ctx: SheetContext) -> Parameters:
    """Without a 'Soort bestuur' on the Parameters sheet, assume W13's kind and say so."""
    from .m2 import DEFAULT_BESTUUR, DEFAULT_BESTUUR_SOURCE, bestuur_name

    if params.bestuur is not None:
        return params
    ctx.warnings.append(InputWarning(
        f"geen sleutel 'Soort bestuur' op het blad; aangenomen: {bestuur_name(DEFAULT_BESTUUR)} "
        f"(W13, {DEFAULT_BESTUUR_SOURCE}). Dat bepaalt welke controles wettelijke normen zijn.",
        ctx.file, ctx.sheet, None))
    return params.replace(bestuur=DEFAULT_BESTUUR)


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
                    ctx.warn(f"onbekende parameter '{row[0]}' genegeerd "
                             f"(bekend: {', '.join(s.label for s in PARAM_SPECS)})", r, 0)
                continue
            if spec.text:
                if not is_blank(cell(grid, r, 1)):
                    values[spec.id] = _parse_bestuur(cell(grid, r, 1), ctx, r, 1)
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
                raw = cell(grid, r, 1)
                v = parse_number(raw, ctx, r, 1, spec.label)
                if v is not None:
                    check_sign_and_unit(spec.id, raw, v, ctx, r, 1, spec.label)
                    check_rate(spec.id, v, ctx, r, 1, spec.label)
                    values[spec.id] = v
    for name, raw in (named or {}).items():
        spec = spec_for_label(name)
        if spec is not None and spec.text and not is_blank(raw):
            values[spec.id] = _parse_bestuur(raw, SheetContext(ctx.file, f"name {name}"), None, None)
            continue
        if spec is not None and not spec.yearly and raw is not None:
            v = parse_number(raw, ctx, 0, 0, spec.label)
            if v is not None:
                check_sign_and_unit(spec.id, raw, v, SheetContext(ctx.file, f"naam {name}"), None, None, spec.label)
                check_rate(spec.id, v, SheetContext(ctx.file, f"naam {name}"), None, None, spec.label)
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
DEFAULT_BUDGET_SHEETS = BUDGET_TABLE.names()
MAPPING_SHEETS = CATEGORIES_SHEET.names()


@dataclass
class LoadedPlan:
    plan: Plan
    params: Parameters
    warnings: list[InputWarning]
    file: str | None
    sheet: str
    layout: str
    #: Whether the Parameters sheet (or a defined name) gives an opening reserve at all.
    opening_given: bool = True


def find_sheet(grids: Mapping[str, Grid], names: SheetSpec | Sequence[str], file: str | None = None) -> str | None:
    """The workbook's sheet for a declared sheet (its name, then its aliases), matched by the one
    normalising rule (:func:`w13xl.contract.normalise`: NFC, case, surrounding spaces). Two sheets
    that normalise alike are refused, naming both: w13xl does not pick one silently."""
    wanted = names.names() if isinstance(names, SheetSpec) else tuple(names)
    groups: dict[str, list[str]] = {}
    for n in grids:
        groups.setdefault(normalise(n), []).append(n)
    for name in wanted:
        found = groups.get(normalise(name), [])
        if len(found) > 1:
            shown = " en ".join(f"'{f}'" for f in found)
            raise InputError(f"twee bladen heten (na normalisatie van hoofdletters, spaties en accenten) "
                             f"gelijk: {shown}; w13xl kiest er niet zelf één", file=file,
                             expected=f"één blad '{name}': hernoem of verwijder het andere")
        if found:
            return found[0]
    return None


_find_sheet = find_sheet


def _is_amount(value: object) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) and value != 0


def warn_hidden(grids: Mapping[str, Grid], sheet: str | None, file: str | None, warnings: list[InputWarning]) -> None:
    """A warning naming the hidden rows and columns of ``sheet`` that hold amounts: w13xl reads
    them like any other (a hidden stale line or old year counts), so the user should know."""
    hidden = (getattr(grids, "hidden", None) or {}).get(sheet) if sheet else None
    if not hidden or sheet is None:
        return
    grid = grids[sheet]
    rows = sorted(r for r in hidden[0] if r < len(grid) and any(_is_amount(v) for v in grid[r]))
    cols = sorted(c for c in hidden[1] if any(c < len(row) and _is_amount(row[c]) for row in grid))
    if not rows and not cols:
        return
    parts = []
    if rows:
        parts.append(("rij " if len(rows) == 1 else "rijen ") + ", ".join(str(r + 1) for r in rows[:12])
                     + (" ..." if len(rows) > 12 else ""))
    if cols:
        parts.append(("kolom " if len(cols) == 1 else "kolommen ") + ", ".join(column_letter(c + 1) for c in cols[:12])
                     + (" ..." if len(cols) > 12 else ""))
    first = next((cell_name(r, c) for r in rows for c, v in enumerate(grid[r]) if _is_amount(v)), None) if rows \
        else next(cell_name(r, c) for c in cols for r, row in enumerate(grid) if c < len(row) and _is_amount(row[c]))
    warnings.append(InputWarning(f"verborgen {' en '.join(parts)} met bedragen: ze tellen mee zoals elke andere "
                                 "rij of kolom (maak ze zichtbaar, of verwijder ze als ze niet mogen meetellen)",
                                 file, sheet, first))


def absent_warning(spec: SheetSpec, file: str | None) -> InputWarning:
    """The warning for an optional sheet that is absent: what was looked for and what is assumed."""
    looked = ", ".join(f"'{n}'" for n in spec.names())
    return InputWarning(f"geen blad {looked} gevonden; aangenomen: {spec.absent}", file)


def choose_budget_sheet(grids: Mapping[str, Grid], sheet: str | None, file: str | None) -> str:
    if sheet is not None:
        if sheet in grids:
            return sheet
        found = find_sheet(grids, (sheet,), file)
        if found:
            return found
        raise InputError(f"er is geen blad '{sheet}'", file=file,
                         expected=f"een van: {', '.join(repr(n) for n in grids)}")
    found = find_sheet(grids, DEFAULT_BUDGET_SHEETS, file)
    if found:
        return found
    for name, grid in grids.items():
        if detect_layout(grid):
            return name
    raise InputError("geen begrotingsblad gevonden", file=file,
                     expected="een blad 'Synthese' (tabel) of een draaitabel-export met 'Rijlabels'; "
                              "geef de naam met --sheet")


def load_plan_from_grids(
    grids: Mapping[str, Grid],
    *,
    file: str | None = None,
    sheet: str | None = None,
    u_sign: str = "auto",
    named: Mapping[str, object] | None = None,
    mapping: Sequence[MappingRule] | None = None,
    warn_absent: bool = True,
) -> LoadedPlan:
    """Read the budget sheet, category mapping and parameters of a workbook given as grids."""
    name = choose_budget_sheet(grids, sheet, file)
    grid = grids[name]
    ctx = SheetContext(file, name)
    if _first_nonblank_row(grid) is None:
        raise ctx.error("het blad is leeg", expected="een begrotingstabel of een draaitabel-export")
    warn_hidden(grids, name, file, ctx.warnings)
    layout = detect_layout(grid)
    if layout is None:
        raise ctx.error("de opmaak van de begroting is niet herkend", _first_nonblank_row(grid), None,
                        "een kopregel met Actie, Categorie, Richting en jaarkolommen, "
                        "of een draaitabel-export vanaf 'Rijlabels'")
    if layout == "pivot":
        years, lines, actions = read_pivot_lines(grid, ctx)
        has_category = False
    else:
        years, lines, actions, has_category = read_table_lines(grid, ctx)
    if not lines:
        raise ctx.error("het blad heeft een kop maar geen begrotingslijnen", expected="rijen met O- en U-bedragen")
    plan = build_plan(years, lines, actions, u_sign)
    if not has_category:
        rules = list(mapping) if mapping is not None else []
        map_ctx = ctx
        if mapping is None:
            map_name = find_sheet(grids, CATEGORIES_SHEET, file)
            if map_name:
                warn_hidden(grids, map_name, file, ctx.warnings)
                map_ctx = SheetContext(file, map_name, ctx.warnings)
                rules = read_category_mapping(grids[map_name], map_ctx)
            elif warn_absent:
                ctx.warnings.append(absent_warning(CATEGORIES_SHEET, file))
        plan = apply_category_mapping(plan, rules, map_ctx)
    params_name = find_sheet(grids, PARAMETERS_SHEET, file)
    warn_hidden(grids, params_name, file, ctx.warnings)
    pctx = SheetContext(file, params_name or "Parameters", ctx.warnings)
    params = read_parameters(grids[params_name] if params_name else None, pctx, named)
    params = expand_constants(params, plan.years)
    opening_given = _opening_given(grids[params_name] if params_name else None, named)
    if params_name is None and not opening_given and warn_absent:
        ctx.warnings.append(absent_warning(PARAMETERS_SHEET, file))
    params = assume_bestuur(params, pctx)
    return LoadedPlan(plan, params, ctx.warnings, file, name, layout, opening_given)


def _opening_given(grid: Grid | None, named: Mapping[str, object] | None) -> bool:
    """Whether the Parameters sheet (or a defined name) gives the opening reserve."""
    rows = [(row[0], row[1:]) for row in grid or () if row and not is_blank(row[0])]
    rows += [(k, [v]) for k, v in (named or {}).items()]
    for label, rest in rows:
        spec = spec_for_label(label)
        if spec is not None and spec.id == "opening_reserve" and any(not is_blank(v) for v in rest):
            return True
    return False
