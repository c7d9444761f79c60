"""Board sheet "Realisatie vs plan": schema M2 of the accounts against the plan per year, the
actions with the largest differences, the actions on one side only, and a chart.

:func:`add_realisatie_sheet` adds the sheet to an openpyxl workbook (the board pack, or the
``--out`` workbook of ``w13xl realisatie``); :func:`add_to_board_file` adds it to a written
board pack file with a safe write.
"""

from __future__ import annotations

from ..fmt import EXCEL_EURO, EXCEL_PERCENT
from ..realisatie import Comparison
from .base import MARKER_TEXT, PREFIX

SHEET_TITLE = "Realisatie vs plan"
TOP_ACTIONS = 15


def add_realisatie_sheet(wb, comparison: Comparison, *, title: str = SHEET_TITLE, subtitle: str = "",
                         top: int = TOP_ACTIONS, index: int | None = None, marker: bool = False):
    """Add (or replace) the sheet at ``index`` (else at the end); returns it. ``marker``: the
    board pack's ownership marker goes in A2 and the subtitle in A3."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font, PatternFill

    if title in wb.sheetnames:
        del wb[title]
    ws = wb.create_sheet(title, index)
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor="1F4E78")
    c = comparison
    ws["A1"] = f"{c.second_label} tegenover {c.first_label}"
    ws["A1"].font = Font(bold=True, size=14)
    sub = "A3" if marker else "A2"
    if marker:
        ws["A2"] = MARKER_TEXT
        ws["A2"].font = Font(italic=True, size=8, color="808080")
    ws[sub] = subtitle or ("Verschil = " + c.second_label.lower() + " - " + c.first_label.lower()
                            + "; % gerealiseerd = " + c.second_label.lower() + " / " + c.first_label.lower() + ".")
    ws[sub].font = Font(italic=True)

    def header(row: int, values: list) -> None:
        for col, v in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=v)
            cell.font = head_font
            cell.fill = head_fill
            cell.alignment = Alignment(horizontal="center", wrap_text=True)

    row = 4
    chart_rows: dict[int, int] = {}
    for i, year in enumerate(c.years):
        ws.cell(row=row, column=1, value=f"Schema M2 {year}").font = Font(bold=True, size=12)
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
    last = c.years[-1]
    # chart data: exploitatiesaldo and budgettair resultaat per year, both sides (columns H-L)
    es = next(m for m in c.m2 if m["key"] == "exploitatiesaldo")
    v = next(m for m in c.m2 if m["key"] == "budgettair_resultaat")
    top_row = 22
    for col, text in enumerate(["Jaar", f"Exploitatiesaldo {c.first_label.lower()}",
                                f"Exploitatiesaldo {c.second_label.lower()}",
                                f"Resultaat {c.first_label.lower()}", f"Resultaat {c.second_label.lower()}"], start=8):
        ws.cell(row=top_row, column=col, value=text).font = Font(bold=True)
    for i, year in enumerate(c.years):
        ws.cell(row=top_row + 1 + i, column=8, value=str(year))
        for col, val in ((9, es["first"][i]), (10, es["second"][i]), (11, v["first"][i]), (12, v["second"][i])):
            ws.cell(row=top_row + 1 + i, column=col, value=val).number_format = EXCEL_EURO
    chart = BarChart()
    chart.type = "col"
    chart.title = f"Exploitatiesaldo en budgettair resultaat: {c.first_label.lower()} en {c.second_label.lower()}"
    chart.y_axis.title = "euro"
    chart.y_axis.numFmt = "#,##0"
    data = Reference(ws, min_col=9, max_col=12, min_row=top_row, max_row=top_row + len(c.years))
    cats = Reference(ws, min_col=8, min_row=top_row + 1, max_row=top_row + len(c.years))
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    chart.height = 8
    chart.width = 18
    ws.add_chart(chart, "H4")

    ws.cell(row=row, column=1, value=f"Acties met de grootste verschillen (netto, {c.years[0]}-{last})").font = \
        Font(bold=True, size=12)
    row += 1
    header(row, ["Actie", "Naam", c.first_label, c.second_label, "Verschil", "% gerealiseerd"])
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
        ws.cell(row=row, column=1, value=f"{label}: {len(side)} actie(s)").font = Font(bold=True)
        row += 1
        for a in side:
            ws.cell(row=row, column=1, value=a["action"])
            ws.cell(row=row, column=2, value=a["name"])
            ws.cell(row=row, column=3, value=sum(a["netto"])).number_format = EXCEL_EURO
            row += 1
        row += 1
    if c.renamed:
        ws.cell(row=row, column=1, value="Hernummerd (Actiemapping): " +
                ", ".join(f"{a} -> {b}" for a, b in c.renamed))
    ws.column_dimensions["A"].width = 42
    ws.column_dimensions["B"].width = 28
    for col in "CDEF":
        ws.column_dimensions[col].width = 16
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0
    return ws


def board_sheet(comparison: Comparison, *, subtitle: str = ""):
    """The board pack's hook (:data:`w13xl.board.pack.SheetAdder`) adding "W13 Realisatie vs plan"."""

    def add(wb, *, plan_name: str, created=None, index: int | None = None) -> list:
        return [add_realisatie_sheet(wb, comparison, title=f"{PREFIX}{SHEET_TITLE}", subtitle=subtitle,
                                     index=index, marker=True)]

    return add
