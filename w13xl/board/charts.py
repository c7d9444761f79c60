"""The board sheets written with openpyxl, with their native charts: the overview's reserve chart
(one line per scenario and one minimum-reserve line), each scenario's waterfall from the plan to
the scenario, and the annex."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from ..scenario.result import ScenarioRun
from .base import SheetContent
from .look import _SERIES_COLOURS, AXIS_EURO, _chart_title, _fill_sheet, _print_setup, _styles
from .scenario_pages import change_chart_height, nice_step
from .summary import _ROW_CM, OVERVIEW_CHART_ROWS

#: Waterfall colours: totals blue, increases green, decreases red (light enough for dark text).
_WATERFALL = {"totaal": "2E75B6", "stijging": "70AD47", "daling": "E06666"}


def axis_title(text: str, size: int = 900):
    """An axis title in a small, normal-weight font."""
    return _chart_title(text, size=size, bold=False)


def _line_chart_axes(chart, x_title: str, y_title: str) -> None:
    chart.y_axis.number_format = AXIS_EURO
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.title = axis_title(x_title)
    chart.y_axis.title = axis_title(y_title)
    chart.legend.position = "r"
    chart.x_axis.tickLblPos = "low"  # years under the plot, not on the zero line


def _overview_sheet(ws, content: SheetContent, runs: Sequence[ScenarioRun], *, plan_name: str) -> None:
    from openpyxl.chart import LineChart, Reference
    from openpyxl.chart.shapes import GraphicalProperties
    from openpyxl.drawing.line import LineProperties
    from openpyxl.styles import Alignment

    st = _styles()
    widths = _fill_sheet(ws, content)
    first, last = content.ranges["overview"]
    for r in range(first, last + 1):
        for col in range(6, 10):
            ws.cell(row=r, column=col).alignment = st["center"]
    for col in range(6, 10):  # the norm columns: headers centred over their centred words
        ws.cell(row=first - 1, column=col).alignment = Alignment(horizontal="center", vertical="bottom",
                                                                 wrap_text=True)
    created_text = str(content.rows[2][1])
    n_years = len(runs[0].years)
    header = content.ranges["reserve_header"][0]
    rfirst, rlast = content.ranges["reserve"]
    minimum_row = content.ranges["reserve_minimum"][0]
    chart = LineChart()
    chart.title = None
    _line_chart_axes(chart, "Jaar", "Reserve (euro)")
    chart.height, chart.width = OVERVIEW_CHART_ROWS * _ROW_CM - 0.6, 33
    for r in range(rfirst, rlast + 1):
        chart.add_data(Reference(ws, min_col=1, max_col=1 + n_years, min_row=r, max_row=r),
                       from_rows=True, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, max_col=1 + n_years, min_row=header, max_row=header))
    dash: Literal["dash"] | None
    for i, s in enumerate(chart.series):
        row = rfirst + i
        s.smooth = False
        if row >= minimum_row:  # the plan's minimum reserve: one red dashed line
            colour, width, dash = "C00000", 28575, "dash"
        else:
            colour, width, dash = _SERIES_COLOURS[i % len(_SERIES_COLOURS)], 28575 if i == 0 else 19050, None
        s.graphicalProperties = GraphicalProperties(ln=LineProperties(solidFill=colour, w=width, prstDash=dash))
        s.marker.symbol = "none" if dash else "circle"
        if not dash:
            s.marker.size = 5
            s.marker.graphicalProperties = GraphicalProperties(solidFill=colour, ln=LineProperties(solidFill=colour))
    ws.add_chart(chart, f"A{content.ranges['chart_overview'][0]}")
    _print_setup(ws, content, plan_name=plan_name, created_text=created_text, last_col=len(widths),
                 freeze=None)


def _scenario_sheet(ws, content: SheetContent, run: ScenarioRun, *, plan_name: str, created_text: str) -> None:
    from openpyxl.chart import BarChart, Reference
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
    helper = content.ranges.get("waterfall")
    if helper:
        hfirst, hlast = helper
        chart = BarChart()
        chart.type = "bar"  # horizontal: the steps read top-down with their labels on the left
        chart.grouping = "stacked"
        chart.overlap = 100
        chart.gapWidth = 40
        chart.title = _chart_title(f"Van het plan naar het scenario: reserve eind {run.years[-1]} (euro)")
        chart.y_axis.number_format = AXIS_EURO
        chart.y_axis.title = axis_title("Reserve (euro)")
        chart.y_axis.crosses = "max"  # value axis under the bars (the category axis runs top-down)
        top = max([0.0] + [sum(v for v in content.rows[r - 1][1:9] if v > 0) for r in range(hfirst + 1, hlast + 1)])
        bottom = min([0.0] + [sum(v for v in content.rows[r - 1][1:9] if v < 0) for r in range(hfirst + 1, hlast + 1)])
        chart.y_axis.majorUnit = nice_step(top - bottom)
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.x_axis.scaling.orientation = "maxMin"  # the plan on top, the scenario at the bottom
        chart.x_axis.tickLblPos = "low"  # labels left of the bars, also for negative values
        chart.legend = None
        chart.add_data(Reference(ws, min_col=2, max_col=9, min_row=hfirst, max_row=hlast), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=hfirst + 1, max_row=hlast))
        fills = (None, None, "stijging", "stijging", "daling", "daling", "totaal", "totaal")
        for s, fill in zip(chart.series, fills, strict=True):
            if fill is None:  # the invisible base a floating bar stands on
                s.graphicalProperties = GraphicalProperties(noFill=True)
                s.graphicalProperties.line.noFill = True
            else:
                s.graphicalProperties = GraphicalProperties(solidFill=_WATERFALL[fill])
                s.graphicalProperties.line.solidFill = _WATERFALL[fill]
        chart.height = change_chart_height(hlast - hfirst - 2)
        chart.width = 24
        ws.add_chart(chart, f"B{content.ranges['chart_changes'][0]}")
    _print_setup(ws, content, plan_name=plan_name, created_text=created_text, last_col=len(widths),
                 freeze=None, one_page=True)


def _annex_sheet(ws, content: SheetContent, *, plan_name: str, created_text: str) -> None:
    widths = _fill_sheet(ws, content)
    _print_setup(ws, content, plan_name=plan_name, created_text=created_text, last_col=len(widths),
                 freeze=None)
