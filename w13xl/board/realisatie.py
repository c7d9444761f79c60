"""Board sheet "Realisatie vs plan": schema M2 of the accounts against the plan per year, the
actions with the largest differences, the actions on one side only, and a chart.

:func:`add_realisatie_sheet` adds the sheet to an openpyxl workbook (the board pack, or the
``--out`` workbook of ``w13xl realisatie``); :func:`add_to_board_file` adds it to a written
board pack file with a safe write.
"""

from __future__ import annotations

from ..fmt import EXCEL_EURO, EXCEL_PERCENT, count, year_span
from ..realisatie import Comparison
from .base import MARKER_TEXT, PREFIX

SHEET_TITLE = "Realisatie vs plan"
TOP_ACTIONS = 15


#: Column widths: the tables in A-F, the chart and its data in H-L.
WIDTHS = {"A": 40, "B": 28, "C": 16, "D": 16, "E": 16, "F": 16, "G": 3, "H": 8, "I": 16, "J": 16, "K": 16,
          "L": 16}


def add_realisatie_sheet(wb, comparison: Comparison, *, title: str = SHEET_TITLE, subtitle: str = "",
                         top: int = TOP_ACTIONS, index: int | None = None, marker: bool = False,
                         plan_name: str = "", created_text: str = ""):
    """Add (or replace) the sheet at ``index`` (else at the end); returns it. ``marker``: the
    board pack's ownership marker goes in A2 and the subtitle in A3. The look of the other board
    sheets (:mod:`w13xl.board.look`): fonts, light header fill, euro and Belgian % formats, A4
    landscape as wide as the page with the plan's name and page numbers."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    from .look import _HEADER_FILL, AXIS_EURO, CELL_STYLES, _chart_title, _font, print_landscape

    if title in wb.sheetnames:
        del wb[title]
    ws = wb.create_sheet(title, index)
    head_font = Font(bold=True)
    head_fill = PatternFill("solid", fgColor=_HEADER_FILL)  # as CELL_STYLES["header"]
    bottom = Border(bottom=Side(style="thin", color="808080"))
    section_font = _font(CELL_STYLES["section"])
    c = comparison
    ws["A1"] = f"{title.removeprefix(PREFIX)}: {c.second_label.lower()} tegenover {c.first_label.lower()}"
    ws["A1"].font = _font(CELL_STYLES["title"])
    ws.row_dimensions[1].height = 22
    sub = "A3" if marker else "A2"
    if marker:
        ws["A2"] = MARKER_TEXT
        ws["A2"].font = _font(CELL_STYLES["marker"])
    ws[sub] = subtitle or ("Verschil = " + c.second_label.lower() + " - " + c.first_label.lower()
                            + "; % gerealiseerd = " + c.second_label.lower() + " / " + c.first_label.lower() + ".")
    ws[sub].font = _font(CELL_STYLES["note"])

    def header(row: int, values: list, first_col: int = 1, text_cols: int = 1) -> None:
        for col, v in enumerate(values, start=first_col):
            cell = ws.cell(row=row, column=col, value=v)
            cell.font, cell.fill, cell.border = head_font, head_fill, bottom
            cell.alignment = Alignment(horizontal="left" if col < first_col + text_cols else "right",
                                       vertical="bottom", wrap_text=True)

    row = 4
    chart_rows: dict[int, int] = {}
    for i, year in enumerate(c.years):
        ws.cell(row=row, column=1, value=f"Schema M2 {year}").font = section_font
        row += 1
        header(row, ["Lijn", c.first_label, c.second_label, "Verschil", "% gerealiseerd"])
        row += 1
        chart_rows[year] = row
        for line in c.m2:
            ws.cell(row=row, column=1, value=line["label"])
            for col, key in ((2, "first"), (3, "second"), (4, "diff")):
                ws.cell(row=row, column=col, value=line[key][i]).number_format = EXCEL_EURO
            pct = line["pct"][i]
            ws.cell(row=row, column=5, value=pct).number_format = EXCEL_PERCENT
            row += 1
        row += 1

    ws.cell(row=row, column=1, value=f"Acties met de grootste verschillen (netto, {year_span(c.years)})").font = \
        section_font
    row += 1
    header(row, ["Actie", "Naam", c.first_label, c.second_label, "Verschil", "% gerealiseerd"], text_cols=2)
    row += 1
    nets = [a for a in c.actions if a["part"] == "netto"][:top]
    for a in nets:
        first, second = sum(a["first"]), sum(a["second"])
        ws.cell(row=row, column=1, value=a["action"])
        ws.cell(row=row, column=2, value=a["name"])
        for col, v in ((3, first), (4, second), (5, second - first)):
            ws.cell(row=row, column=col, value=v).number_format = EXCEL_EURO
        ws.cell(row=row, column=6, value=None if abs(first) < 0.005 else second / first).number_format = EXCEL_PERCENT
        row += 1
    row += 1
    for label, side in ((f"Enkel in {c.first_label.lower()}", c.only_first),
                        (f"Enkel in {c.second_label.lower()}", c.only_second)):
        ws.cell(row=row, column=1, value=f"{label}: {count(len(side), 'actie', 'acties')}").font = section_font
        row += 1
        for a in side:
            ws.cell(row=row, column=1, value=a["action"])
            ws.cell(row=row, column=2, value=a["name"])
            ws.cell(row=row, column=3, value=sum(a["netto"])).number_format = EXCEL_EURO
            row += 1
        row += 1
    if c.renamed:
        text = "Hernummerd (Actiemapping): " + ", ".join(f"{a} -> {b}" for a, b in c.renamed)
        ws.cell(row=row, column=1, value=text).alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
        from .look import text_lines
        ws.row_dimensions[row].height = 15 * text_lines(text, sum(WIDTHS[k] for k in "ABCDEF")) + 2
        row += 1
    # chart data: exploitatiesaldo and budgettair resultaat per year, both sides (columns H-L), under the printed area
    es = next(m for m in c.m2 if m["key"] == "exploitatiesaldo")
    v = next(m for m in c.m2 if m["key"] == "budgettair_resultaat")
    top_row = row + 2  # the chart data under the printed area (the M2 tables above have the figures)
    header(top_row, ["Jaar", f"Exploitatiesaldo {c.first_label.lower()}", f"Exploitatiesaldo {c.second_label.lower()}",
                     f"Resultaat {c.first_label.lower()}", f"Resultaat {c.second_label.lower()}"], first_col=8)
    ws.row_dimensions[top_row].height = 32
    for i, year in enumerate(c.years):
        ws.cell(row=top_row + 1 + i, column=8, value=str(year))
        for col, val in ((9, es["first"][i]), (10, es["second"][i]), (11, v["first"][i]), (12, v["second"][i])):
            ws.cell(row=top_row + 1 + i, column=col, value=val).number_format = EXCEL_EURO
    chart = BarChart()
    chart.type = "col"
    chart.title = _chart_title(f"Exploitatiesaldo en budgettair resultaat: {c.first_label.lower()} en "
                               f"{c.second_label.lower()}")
    chart.y_axis.title = _chart_title("euro", size=900, bold=False)
    chart.y_axis.numFmt = AXIS_EURO
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.legend.position = "b"
    data = Reference(ws, min_col=9, max_col=12, min_row=top_row, max_row=top_row + len(c.years))
    cats = Reference(ws, min_col=8, min_row=top_row + 1, max_row=top_row + len(c.years))
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    chart.height = 8
    chart.width = 17
    ws.add_chart(chart, "H4")
    for r in range(4, row):  # long action and line names wrap in their column
        for name_col in (1, 2):
            cell = ws.cell(row=r, column=name_col)
            if isinstance(cell.value, str) and cell.font is not None and not cell.font.b and r < top_row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in WIDTHS.items():
        ws.column_dimensions[letter].width = width
    print_landscape(ws, f"A1:L{row - 1}", plan_name=plan_name, created_text=created_text)
    return ws


def board_sheet(comparison: Comparison, *, subtitle: str = ""):
    """The board pack's hook (:data:`w13xl.board.pack.SheetAdder`) adding "W13 Realisatie vs plan"."""

    def add(wb, *, plan_name: str, created=None, index: int | None = None) -> list:
        from .base import _fmt_created

        return [add_realisatie_sheet(wb, comparison, title=f"{PREFIX}{SHEET_TITLE}", subtitle=subtitle,
                                     index=index, marker=True, plan_name=plan_name,
                                     created_text=_fmt_created(created))]

    return add
