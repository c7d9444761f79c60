"""Small builders for test workbooks (made in tmp_path with openpyxl; no binary fixtures)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "w13-mjp-2026-2031.xlsx"

#: The plan's schema M2 as printed (EUR, rounded): the issue's acceptance figures.
PLAN_YEARS = (2026, 2027, 2028, 2029, 2030, 2031)
PLAN_ES = (59_851, 36_478, 21_476, 8_997, -1_658, -15_569)
PLAN_IS = (-15_000, -10_000, -9_500, -9_000, -8_500, -8_000)
PLAN_V = (44_851, 26_478, 11_976, -3, -10_158, -23_569)
PLAN_GBR = (449_553, 476_031, 488_007, 488_003, 477_845, 454_276)
PLAN_OPENING = 404_701.70
PLAN_MINIMUM_RESERVE = 211_211.09

Row = Sequence[object]


def table_rows(lines: Iterable[tuple], years: Sequence[int], *, with_category: bool = True,
               u_positive: bool = False, header_labels: Sequence[object] | None = None) -> list[list]:
    """A table-layout sheet: header ``Actie | [Categorie] | Richting | years`` then one row per
    line ``(action, category, direction, amounts)`` with magnitudes; U is written negative unless
    ``u_positive``."""
    labels = list(header_labels) if header_labels is not None else list(years)
    header = ["Actie", *(["Categorie"] if with_category else []), "Richting", *labels]
    rows = [header]
    for action, category, direction, amounts in lines:
        sign = -1 if direction == "U" and not u_positive else 1
        rows.append([action, *([category] if with_category else []), direction,
                     *[sign * a for a in amounts]])
    return rows


def pivot_rows(lines: Iterable[tuple], years: Sequence[int], *, u_positive: bool = False,
               title: str | None = "Synthese") -> list[list]:
    """The budget package's pivot: ``Rijlabels | Som van Y DT``, an action row with the net
    amount, then its O and U rows, ``Eindtotaal`` at the end. ``lines`` as in :func:`table_rows`
    (the category is ignored: a pivot has none)."""
    by_action: dict[str, dict[str, list[float]]] = {}
    for action, _category, direction, amounts in lines:
        d = by_action.setdefault(action, {})
        prev = d.get(direction, [0.0] * len(years))
        d[direction] = [p + a for p, a in zip(prev, amounts)]
    rows: list[list] = []
    if title:
        rows += [[title], []]
    rows.append(["Rijlabels", *[f"Som van {y} DT" for y in years]])
    total = [0.0] * len(years)
    for action, d in by_action.items():
        o = d.get("O", [0.0] * len(years))
        u = d.get("U", [0.0] * len(years))
        net = [a - b for a, b in zip(o, u)]
        total = [t + n for t, n in zip(total, net)]
        rows.append([f"{action} Actie {action}", *net])
        for direction in ("O", "U"):
            if direction in d:
                sign = -1 if direction == "U" and not u_positive else 1
                rows.append([direction, *[sign * v for v in d[direction]]])
    rows.append(["Eindtotaal", *total])
    return rows


def write_workbook(path: Path, sheets: Mapping[str, Sequence[Row]],
                   names: Mapping[str, tuple[str, str]] | None = None) -> Path:
    """Write ``{sheet: rows}`` to ``path``; ``names`` adds workbook defined names
    ``{name: (sheet, 'B2')}``."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
    for name, (sheet, ref) in (names or {}).items():
        col = "".join(ch for ch in ref if ch.isalpha())
        row = "".join(ch for ch in ref if ch.isdigit())
        dn = DefinedName(name, attr_text=f"'{sheet}'!${col}${row}")
        wb.defined_names[name] = dn
    wb.save(path)
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _stored(value: object) -> object:
    """A cell value as a saved .xlsx gives it back: an empty string is not stored (empty cell),
    a date is a serial number that reads back as a datetime at midnight."""
    if value == "":
        return None
    if type(value).__name__ == "ArrayFormula":  # a dynamic-array formula (W13 Formules) reads back so
        return value.text  # type: ignore[attr-defined]
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def sheet_values(wb) -> dict[str, list[tuple]]:
    """All cell values of every sheet, trailing empty rows stripped."""
    out = {}
    for ws in wb.worksheets:
        rows = [tuple(_stored(v) for v in r) for r in ws.iter_rows(values_only=True)]
        while rows and all(v is None for v in rows[-1]):
            rows.pop()
        out[ws.title] = rows
    return out


# -- bad input --------------------------------------------------------------------------------
GOOD_YEARS = (2026, 2027, 2028)
GOOD_LINES = [
    ("A10101", "exploitatie", "O", [100.0, 200.0, 300.0]),
    ("A10101", "exploitatie", "U", [50.0, 60.0, 70.0]),
    ("A50111", "investeringen", "U", [10.0, 0.0, 5.0]),
]


def good_table() -> list[list]:
    return table_rows(GOOD_LINES, GOOD_YEARS)


def _edit(rows: list[list], row: int, col: int, value: object) -> list[list]:
    rows[row][col] = value
    return rows


def _truncated(path: Path) -> None:
    write_workbook(path, {"Synthese": good_table()})
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


#: name -> (file name, how to make it, --sheet or None, fragments the message must contain).
#: Every message names the file; sheet and cell where there is one.
BAD_INPUT_CASES: dict[str, tuple[str, object, str | None, tuple[str, ...]]] = {
    "missing_year_columns": (
        "noyears.xlsx", {"Synthese": [["Actie", "Categorie", "Richting", "Naam"], ["A10101", "exploitatie", "O", "x"]]},
        None, ("blad 'Synthese'", "rij 1", "geen jaarkolommen", "verwacht: kolommen met een jaar als kop")),
    "non_consecutive_years": (
        "gap.xlsx", {"Synthese": table_rows(GOOD_LINES, GOOD_YEARS, header_labels=[2026, 2028, 2029])},
        None, ("blad 'Synthese'", "cel E1", "niet opeenvolgend", "jaar 2027 ontbreekt", "verwacht: opeenvolgende jaren")),
    "text_in_amount": (
        "text.xlsx", {"Synthese": _edit(good_table(), 2, 4, "veel")},
        None, ("blad 'Synthese'", "cel E3", "tekst 'veel' in een bedragcel", "verwacht: een bedrag in euro")),
    "duplicate_line": (
        "dup.xlsx", {"Synthese": good_table() + [["A10101", "exploitatie", "U", -1, -2, -3]]},
        None, ("blad 'Synthese'", "cel A5", "dubbele lijn A10101 exploitatie U", "ook op rij 3",
               "verwacht: één rij per actie, categorie en richting")),
    "unknown_category": (
        "cat.xlsx", {"Synthese": _edit(good_table(), 1, 1, "subsidie")},
        None, ("blad 'Synthese'", "cel B2", "onbekende categorie 'subsidie'",
               "verwacht: exploitatie, investeringen of financiering")),
    "unknown_direction": (
        "dir.xlsx", {"Synthese": _edit(good_table(), 3, 2, "X")},
        None, ("blad 'Synthese'", "cel C4", "onbekende richting 'X'", "verwacht: O (ontvangsten) of U (uitgaven)")),
    "empty_sheet": (
        "empty.xlsx", {"Synthese": []},
        None, ("blad 'Synthese'", "het blad is leeg", "verwacht: een begrotingstabel of een draaitabel-export")),
    "wrong_sheet_name": (
        "sheetname.xlsx", {"Synthese": good_table()},
        "Begroting 2026", ("er is geen blad 'Begroting 2026'", "verwacht: een van: 'Synthese'")),
    "not_a_workbook": (
        "notes.xlsx", lambda p: p.write_text("dit is geen werkmap\n", encoding="utf-8"),
        None, ("het bestand is geen werkboek of is beschadigd", "verwacht: een .xlsx- of .xlsm-bestand")),
    "corrupt_truncated": (
        "truncated.xlsx", _truncated,
        None, ("het bestand is geen werkboek of is beschadigd", "verwacht: een .xlsx- of .xlsm-bestand")),
    "old_xls": (
        "old.xls", lambda p: p.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)),
        None, ("oude .xls-werkboeken kunnen niet gelezen worden", "Opslaan als > Excel-werkmap")),
    "pivot_text_in_amount": (
        "pivot.xlsx", {"Synthese (export)": _edit(pivot_rows(GOOD_LINES, GOOD_YEARS), 4, 3, "n.v.t.")},
        None, ("blad 'Synthese (export)'", "cel D5", "tekst 'n.v.t.' in een bedragcel")),
    "pivot_unknown_direction": (
        "pivotdir.xlsx", {"Synthese (export)": _edit(pivot_rows(GOOD_LINES, GOOD_YEARS), 5, 0, "Q")},
        None, ("blad 'Synthese (export)'", "cel A6", "onverwacht rijlabel 'Q'")),
    "no_budget_sheet": (
        "nobudget.xlsx", {"Blad1": [["Hallo"]]},
        None, ("geen begrotingsblad gevonden", "verwacht: een blad 'Synthese'")),
}


def make_bad_input(name: str, directory: Path) -> tuple[Path, str | None, tuple[str, ...]]:
    """Create the bad-input file ``name`` of :data:`BAD_INPUT_CASES` in ``directory``."""
    filename, how, sheet, fragments = BAD_INPUT_CASES[name]
    path = Path(directory) / filename
    if callable(how):
        how(path)
    else:
        write_workbook(path, how)  # type: ignore[arg-type]
    return path, sheet, fragments


def roster_cost(ids: Iterable[str], year_index: int, **changes) -> float:
    """Employer cost in one plan year (flat 2% index) of bundled roster positions (issue 9:
    expected scenario figures are derived from the roster and the plan, not pinned)."""
    import dataclasses

    from w13xl.staffing import bundled_roster, bundled_scales, position_costs

    ps = [dataclasses.replace(p, **changes) for p in bundled_roster() if p.id in set(ids)]
    return float(position_costs(ps, bundled_scales())[:, year_index].sum() * 1.02 ** year_index)


#: The plan's 2031 reserve and AFM to the cent (schema M2 of the sample, 'baseline').
PLAN_GBR_2031 = 454_275.79
PLAN_AFM_2031 = -15_569.39
#: The sample's 'Weddeschalen' sheet stores the employer rates to 6 decimals (0.92/12 ->
#: 0.076667), the bundled defaults are exact: a few cents apart on a 100k position.
ROSTER_TOL = 0.1


def stop_process(proc) -> None:
    """Stop a server started by a test: terminate, and kill it if it does not stop within 20 s."""
    import subprocess

    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def overflowing_cells(ws) -> list[str]:
    """Cells of a written sheet (openpyxl) whose text is wider than its room, estimated with
    :func:`w13xl.board.look.text_width`: the column (or merged columns), plus empty cells to the right when the
    text is not wrapped (it spills there, as in Excel); a wrapped text whose row is not tall
    enough for its lines; an amount wider than its column (Excel shows ####). Only the printed
    area is checked. Returns 'A12: reason' strings (empty: nothing cut off)."""
    from openpyxl.utils import get_column_letter, range_boundaries

    from w13xl.board.look import text_lines, text_width
    from w13xl.fmt import euro

    area = ws.print_area
    if isinstance(area, (list, tuple)):
        area = area[0]
    min_col, min_row, max_col, max_row = range_boundaries(str(area).split("!")[-1].replace("$", "")) if area else (
        1, 1, ws.max_column, ws.max_row)

    def col_width(col: int) -> float:
        dim = ws.column_dimensions.get(get_column_letter(col))
        return dim.width if dim is not None and dim.width else 8.43

    merged: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for rng in ws.merged_cells.ranges:
        merged[(rng.min_row, rng.min_col)] = (rng.min_row, rng.min_col, rng.max_row, rng.max_col)
        covered.update((r, c) for r in range(rng.min_row, rng.max_row + 1) for c in range(rng.min_col, rng.max_col + 1))
    problems: list[str] = []
    for row in ws.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col):
        for cell in row:
            value = cell.value
            if value is None or ((cell.row, cell.column) in covered and (cell.row, cell.column) not in merged):
                continue
            size = float(cell.font.sz or 11) if cell.font is not None else 11.0
            bold = bool(cell.font is not None and cell.font.b)
            last_col = merged.get((cell.row, cell.column), (0, cell.column, 0, cell.column))[3]
            room = sum(col_width(c) for c in range(cell.column, last_col + 1))
            where = cell.coordinate
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                fmt_code = cell.number_format or ""
                text = euro(value) if "#,##0" in fmt_code else f"{value * 100:.1f}%" if "%" in fmt_code else str(value)
                if text_width(text, size=size, bold=bold) + 1 > room:
                    problems.append(f"{where}: amount {text} wider than its column ({room:g})")
                continue
            text = str(value)
            if cell.alignment is not None and cell.alignment.wrap_text:
                long = [w for w in text.split() if text_width(w, size=size, bold=bold) > room - 0.5]
                if long:
                    problems.append(f"{where}: the word '{long[0]}' is wider than its column ({room:g})")
                lines = text_lines(text, room, size=size, bold=bold)
                height = ws.row_dimensions[cell.row].height or 15
                if lines * (1.2 * size + 1) > height + 2:
                    problems.append(f"{where}: {lines} lines of text in a row of {height:g} points: '{text[:40]}'")
                continue
            need = text_width(text, size=size, bold=bold) + 0.5
            if need <= room:
                continue
            spill = room
            c = last_col + 1
            if (cell.alignment is None or cell.alignment.horizontal in (None, "general", "left")) and \
                    cell.row not in {r for r, _ in merged}:
                while spill < need and c <= max_col and ws.cell(row=cell.row, column=c).value is None:
                    spill += col_width(c)
                    c += 1
            if spill < need:
                problems.append(f"{where}: '{text[:40]}' needs {need:.0f} characters, has {spill:g}")
    return problems
