"""The board pack's "Aannames" sheet: every assumption the engine used, with its source
(content from :mod:`w13xl.assumptions`; openpyxl presentation here).

Same name prefix and marker as the other board sheets, so a later export replaces it."""

from __future__ import annotations

from ..fmt import EXCEL_PERCENT
from .base import MARKER_TEXT, PREFIX
from .look import text_lines

AANNAMES_SHEET = f"{PREFIX}Aannames"
#: Column widths (characters) of the sheet; the source column wraps.
WIDTHS = (24, 30, 14, 24, 12, 18, 16, 10, 12, 90)
PERCENT_HEADERS = {"Aandeel", "Overhead"}


def add_aannames_sheet(wb, baseline, *, plan_name: str = "", index: int | None = None):
    """Add the "W13 Aannames" sheet to an openpyxl workbook and return it."""
    from openpyxl.styles import Alignment, Font, PatternFill

    from ..assumptions import assumption_tables

    ws = wb.create_sheet(AANNAMES_SHEET, index)
    ws["A1"] = f"Aannames en bronnen{' — ' + plan_name if plan_name else ''}"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = MARKER_TEXT
    ws["A2"].font = Font(italic=True, size=8, color="808080")
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor="1F4E78")
    wrap = Alignment(wrap_text=True, vertical="top")
    r = 4
    for t in assumption_tables(baseline):
        ws.cell(row=r, column=1, value=t.title).font = Font(bold=True, size=12)
        r += 1
        if t.note:
            ws.cell(row=r, column=1, value=t.note).font = Font(italic=True)
            r += 1
        last = len(t.header)
        for c, h in enumerate(t.header, start=1):
            cell = ws.cell(row=r, column=c if c < last else len(WIDTHS), value=h)
            cell.font, cell.fill = head_font, head_fill
        r += 1
        for row in t.rows:
            lines = 1
            for c, (h, v) in enumerate(zip(t.header, row), start=1):
                col = c if c < last else len(WIDTHS)
                cell = ws.cell(row=r, column=col, value=v)
                cell.alignment = wrap
                if h in PERCENT_HEADERS and isinstance(v, float):
                    cell.number_format = EXCEL_PERCENT
                if isinstance(v, str):
                    lines = max(lines, text_lines(v, WIDTHS[col - 1]))
            ws.row_dimensions[r].height = 15 * lines + 2  # wrapped text: LibreOffice/Excel keep a set height
            r += 1
        r += 1
    for i, w in enumerate(WIDTHS, start=1):
        ws.column_dimensions[chr(64 + i)].width = w
    ws.freeze_panes = "A4"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return ws


def board_sheet(baseline):
    """The board pack's hook (:data:`w13xl.board.pack.SheetAdder`) adding "W13 Aannames"."""

    def add(wb, *, plan_name: str, created=None, index: int | None = None) -> list:
        return [add_aannames_sheet(wb, baseline, plan_name=plan_name, index=index)]

    return add
