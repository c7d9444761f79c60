"""How board sheets look: named cell styles, column widths, row heights and merges (pure, applied by
both openpyxl here and xlwings in :mod:`w13xl.excel.scripts`), and the openpyxl helpers that
apply them, the print setup and chart titles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..fmt import EXCEL_EURO
from .base import SheetContent

_RED, _GREEN, _GREY, _BLUE, _YELLOW = "FFC7CE", "C6EFCE", "F2F2F2", "1F4E79", "FFEB9C"

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
    "warn": CellStyle(fill=_YELLOW),
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


def text_width(text: object, *, size: float = 11, bold: bool = False) -> float:
    """Estimated width of a text in Excel's column unit (the width of a '0' in Calibri 11): an
    average character of Calibri/Carlito is a little under one digit wide; capitals and bold a
    little more. An estimate on the safe side, for layout and for the test that nothing is cut off."""
    text = str(text)
    units = sum(1.2 if ch.isupper() or ch in "mwMW%@" else 0.55 if ch in "ilIjtf.,:;'!| " else 1.0 for ch in text)
    return units * (size / 11) * (1.1 if bold else 1.0)


def text_lines(text: object, width: float, *, size: float = 11, bold: bool = False) -> int:
    """Lines a wrapped text needs in a cell ``width`` characters wide (words are not split)."""
    lines, current = 1, 0.0
    room = max(width - 1.0, 1.0)
    for word in str(text).split():
        w = text_width(word, size=size, bold=bold)
        space = text_width(" ", size=size, bold=bold)
        if current and current + space + w > room:
            lines, current = lines + 1, w
        else:
            current += (space if current else 0) + w
    return lines


def merged_height(text: object, widths: Sequence[float], first_col: int, last_col: int, *,
                  size: float = 11) -> float:
    """Row height (points) for wrapped text merged across columns (Excel does not grow merged rows)."""
    lines = text_lines(text, sum(widths[first_col - 1:last_col]), size=size)
    return round(15 * size / 11 * lines + 2, 1)


def sheet_widths(content: SheetContent) -> list[float]:
    """Column widths in characters (Excel's unit), from column A."""
    if content.layout == "overview":
        return [40, 14, 14, 16, 13, 12, 14, 23, 23]
    n_years = content.width - 3
    return [13, 52, *([13] * n_years), 22]


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
    for r, (row, kind) in enumerate(zip(content.rows, content.kinds, strict=True), start=1):
        filled = [col for col, value in enumerate(row, start=1) if value is not None]
        cells["amount"].update((r, col) for col in filled if isinstance(row[col - 1], float))
        if kind == "header":
            cells["header"].update((r, col) for col in filled)
            lines = max((text_lines(v, widths[col - 1], bold=True) for col, v in enumerate(row, start=1)
                         if isinstance(v, str) and col <= len(widths)), default=1)
            if lines > 1:
                heights[r] = 15 * lines + 2
        elif kind in ("key", "total"):
            cells["bold"].update((r, col) for col in filled)
        elif kind in ("detail", "helper"):
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
            heights[r] = merged_height(row[0], widths, 1, len(widths), size=9 if kind == "note" else 11)
        elif not overview and kind == "wrap":
            merges.append(Merge(r, 2, len(widths), wrap=True))
            heights[r] = merged_height(row[1], widths, 2, len(widths))
            cells["bold"].add((r, 1))
            cells["wrap"].add((r, 1))
        elif not overview and kind == "norm":
            merges.append(Merge(r, 3, len(widths)))
        elif not overview and kind == "change":
            cells["wrap"].add((r, 2))
            heights[r] = 15 * text_lines(row[1], widths[1]) + 2
        label_col = 1 if overview else 2
        label = row[label_col - 1] if len(row) >= label_col else None
        if kind not in ("title", "section", "marker", "note", "sentence", "wrap", "change", "header") \
                and isinstance(label, str) \
                and text_width(label, bold=kind in ("key", "total")) + 0.5 > widths[label_col - 1]:
            # a long scenario or line name wraps in its own column instead of running under the amounts
            cells["wrap"].add((r, label_col))
            heights[r] = max(heights.get(r, 15), 15 * text_lines(label, widths[label_col - 1], bold=True) + 2)
    if overview:  # the plan itself, first row of the outcome table
        first = content.ranges["overview"][0]
        cells["bold"].update((first, col) for col in range(1, len(widths) + 1))
    for (r, col), status in content.status.items():
        cells[status].add((r, col))
    blocks = [b for name, found in cells.items() for b in _blocks(name, found)]
    return SheetLook(blocks=blocks, widths=widths, heights=heights, merges=merges)


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


def _chart_title(text: str, size: int = 1100, bold: bool = True):
    """A chart title in a readable size (openpyxl's default is 18 pt)."""
    from openpyxl.chart.text import RichText, Text
    from openpyxl.chart.title import Title
    from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RegularTextRun

    props = CharacterProperties(sz=size, b=bold)
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
    from openpyxl.styles import Alignment

    st = _styles()
    for r, row in enumerate(content.rows, start=1):
        for col, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=r, column=col, value=value)
    look = sheet_look(content)
    _apply_look(ws, look)
    for r, (row, kind) in enumerate(zip(content.rows, content.kinds, strict=True), start=1):
        for col, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = ws.cell(row=r, column=col)
            if kind == "header":
                cell.border = st["bottom"]
                if value == "Soort":  # next to the last year's right-aligned header
                    cell.alignment = Alignment(horizontal="left", vertical="bottom", indent=1)
                elif col > 1 and not (isinstance(value, str) and value in ("Omschrijving", "Wijziging", "Scenario")):
                    cell.alignment = st["header_right"]
                else:
                    cell.alignment = st["header_left"]
            elif kind == "total":
                cell.border = st["top"]
    return look.widths


def _print_setup(ws, content: SheetContent, *, plan_name: str, created_text: str, last_col: int,
                 freeze: str | None, one_page: bool = False) -> None:
    """A4 landscape, as wide as the page; ``one_page``: the whole sheet on one page."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break

    last_row = content.print_last or len(content.rows)
    for row in content.breaks:
        ws.row_breaks.append(Break(id=row - 1))
    print_landscape(ws, f"A1:{get_column_letter(last_col)}{last_row}", plan_name=plan_name,
                    created_text=created_text, one_page=one_page)
    if freeze:
        ws.freeze_panes = freeze
    ws.sheet_view.zoomScale = 90
    ws.protection.sheet = True  # against accidental edits: no password, Review > Unprotect Sheet


def print_landscape(ws, area: str, *, plan_name: str = "", created_text: str = "", one_page: bool = False) -> None:
    """Print ``area`` of ``ws`` on A4 landscape, as wide as the page (``one_page``: the whole area on
    one page), centred; the plan's name and the date it was made in the header, the sheet's name
    and the page numbers in the footer."""
    ws.print_area = area
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    if plan_name:
        ws.oddHeader.left.text = _hf(plan_name)
    if created_text:
        ws.oddHeader.right.text = _hf(f"Aangemaakt op {created_text}")
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.right.text = "Pagina &P van &N"


def _hf(text: str) -> str:
    return str(text).replace("&", "&&")

