"""The board sheets written with openpyxl, with their native charts: the overview's reserve and AFM
lines, each scenario's effect of the changes."""

from __future__ import annotations

from collections.abc import Sequence

from ..scenario.result import ScenarioRun
from .base import GBR, SheetContent
from .look import AXIS_EURO, _SERIES_COLOURS, _chart_title, _fill_sheet, _print_setup, _styles
from .scenario_pages import change_chart_height, nice_step
from .summary import _ROW_CM, OVERVIEW_CHART_ROWS


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
