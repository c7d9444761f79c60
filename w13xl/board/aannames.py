"""The board pack's "Aannames" sheet: every assumption the engine used, with its source
(content from :mod:`w13xl.assumptions`; openpyxl presentation here).

Same name prefix and marker as the other board sheets, so a later export replaces it."""

from __future__ import annotations

from ..fmt import EXCEL_PERCENT
from .base import MARKER_TEXT, PREFIX
from .look import text_lines

AANNAMES_SHEET = f"{PREFIX}Aannames"
#: Column widths (characters) of the sheet's grid (A-K, about as wide as the other board sheets);
#: each table places its columns on spans of the grid (merged cells), see :func:`spans`.
WIDTHS = (24, 24, 9, 16, 11, 16, 11, 11, 13, 10, 14)
PERCENT_HEADERS = {"Aandeel", "Overhead"}
#: Font size of the tables (the sheet is reference material: compact, still readable when printed).
SIZE = 9
#: A subsidy's long reference ("Verwijzing") goes on a row of its own under the subsidy.
NOTE_HEADERS = {"Verwijzing"}
#: Points of rows on one printed page at this width (A4 landscape fit to width; measured with
#: LibreOffice: between 732 and 745). A table whose title, header and first rows would not fit
#: (with a margin of 20 points) starts on the next page instead of leaving its header behind.
PAGE_ROWS_HEIGHT = 738.0
_MARGIN = 20.0
#: Rows after a table's header that must be on the same page as the header.
KEEP_WITH_HEADER = 2


def page_breaks(heights: list[float], starts: list[tuple[int, int]]) -> list[int]:
    """Rows (1-based) that should start a page: ``heights`` of rows 1.., ``starts`` (first row of
    a table's title, its header row). Auto breaks are simulated with :data:`PAGE_ROWS_HEIGHT`."""
    breaks: list[int] = []
    first_of = dict(starts)
    used = 0.0
    for r, h in enumerate(heights, start=1):
        if r in first_of and used > 0:
            block = sum(heights[r - 1:first_of[r] + KEEP_WITH_HEADER])
            if used + block > PAGE_ROWS_HEIGHT - _MARGIN:
                breaks.append(r)
                used = 0.0
        if used + h > PAGE_ROWS_HEIGHT:
            used = 0.0
        used += h
    return breaks


def spans(header: tuple[str, ...]) -> list[tuple[int, int]]:
    """The grid columns (first, last; 1-based) of each table column: the three-column tables
    (rule, value, source) give the value and the source room; the last column always runs to K."""
    last = len(WIDTHS)
    shown = [h for h in header if h not in NOTE_HEADERS]
    if len(shown) == 3:
        return [(1, 1), (2, 4), (5, last)]
    if len(shown) == 7 and shown[0] == "Jaar":  # the roster against T2 line 2: amounts need room
        return [(1, 1), (2, 2), (3, 4), (5, 5), (6, 6), (7, 8), (9, last)]
    if len(shown) == 9:  # Subsidies: the funder gets three columns
        return [(1, 1), (2, 2), (3, 3), (4, 6), (7, 7), (8, 8), (9, 9), (10, 10), (11, 11)]
    out = [(c, c) for c in range(1, len(shown) + 1)]
    out[-1] = (len(shown), last)
    return out


def _lines(text: object, first: int, last: int, *, bold: bool = False, size: float = SIZE) -> int:
    return text_lines(text, sum(WIDTHS[first - 1:last]), size=size, bold=bold)


def _height(lines: int, size: float = SIZE) -> float:
    return lines * round(1.2 * size + 1.2, 1) + 2


def add_aannames_sheet(wb, baseline, *, plan_name: str = "", index: int | None = None):
    """Add the "W13 Aannames" sheet to an openpyxl workbook and return it: the board's fonts and
    header fill (:mod:`w13xl.board.look`), Belgian percentages, A4 landscape as wide as the page."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from ..assumptions import assumption_tables
    from .look import _HEADER_FILL, CELL_STYLES, _font, print_landscape

    ws = wb.create_sheet(AANNAMES_SHEET, index)
    ws["A1"] = f"Aannames en bronnen{' — ' + plan_name if plan_name else ''}"
    ws["A1"].font = _font(CELL_STYLES["title"])
    ws.row_dimensions[1].height = 22
    ws["A2"] = MARKER_TEXT
    ws["A2"].font = _font(CELL_STYLES["marker"])
    head_font = Font(bold=True, size=SIZE)
    head_fill = PatternFill("solid", fgColor=_HEADER_FILL)  # as CELL_STYLES["header"]
    body_font, note_font = Font(size=SIZE), Font(italic=True, size=SIZE - 1, color="595959")
    bottom = Border(bottom=Side(style="thin", color="808080"))
    wrap = Alignment(wrap_text=True, vertical="top")

    def put(r: int, first: int, last: int, value, font, *, number_format: str | None = None):
        cell = ws.cell(row=r, column=first, value=value)
        cell.font, cell.alignment = font, wrap
        if number_format:  # a percentage, centred: not against the text of the next column
            cell.number_format = number_format
            cell.alignment = Alignment(horizontal="center", vertical="top")
        if last > first:
            ws.merge_cells(start_row=r, start_column=first, end_row=r, end_column=last)
        return cell

    r = 4
    starts: list[tuple[int, int]] = []
    for t in assumption_tables(baseline):
        title_row = r
        ws.cell(row=r, column=1, value=t.title).font = _font(CELL_STYLES["section"])
        r += 1
        if t.note:
            put(r, 1, len(WIDTHS), t.note, note_font)
            ws.row_dimensions[r].height = _height(_lines(t.note, 1, len(WIDTHS), size=SIZE - 1), SIZE - 1)
            r += 1
        shown = [(i, h) for i, h in enumerate(t.header) if h not in NOTE_HEADERS]
        notes = [i for i, h in enumerate(t.header) if h in NOTE_HEADERS]
        where = spans(t.header)
        lines = 1
        for (_, h), (first, last) in zip(shown, where, strict=True):
            put(r, first, last, h, head_font).fill = head_fill
            for c in range(first, last + 1):
                ws.cell(row=r, column=c).border = bottom
            lines = max(lines, _lines(h, first, last, bold=True))
        ws.row_dimensions[r].height = _height(lines)
        starts.append((title_row, r))
        r += 1
        for row in t.rows:
            lines = 1
            for (i, h), (first, last) in zip(shown, where, strict=True):
                v = row[i]
                percent = h in PERCENT_HEADERS and isinstance(v, float)
                put(r, first, last, v, body_font, number_format=EXCEL_PERCENT if percent else None)
                if isinstance(v, str):
                    lines = max(lines, _lines(v, first, last))
            ws.row_dimensions[r].height = _height(lines)
            r += 1
            for i in notes:  # the reference under its subsidy, from the second column on
                if row[i]:
                    put(r, 2, len(WIDTHS), row[i], note_font)
                    ws.row_dimensions[r].height = _height(_lines(row[i], 2, len(WIDTHS), size=SIZE - 1), SIZE - 1)
                    r += 1
        r += 1
    for i, w in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A4"
    from openpyxl.worksheet.pagebreak import Break

    heights = [ws.row_dimensions[i].height or 15.0 for i in range(1, r)]
    for break_row in page_breaks(heights, starts):
        ws.row_breaks.append(Break(id=break_row - 1))
    print_landscape(ws, f"A1:{get_column_letter(len(WIDTHS))}{r - 1}", plan_name=plan_name)
    return ws


def board_sheet(baseline):
    """The board pack's hook (:data:`w13xl.board.pack.SheetAdder`) adding "W13 Aannames"."""

    def add(wb, *, plan_name: str, created=None, index: int | None = None) -> list:
        return [add_aannames_sheet(wb, baseline, plan_name=plan_name, index=index)]

    return add
