"""Board-pack content for uncertainty and targets: the reserve's fan chart with the minimum
reserve, the subsidy-cliff tornado and the goal-seek answers.

* **content** (pure): :func:`fan_rows`, :func:`probability_rows`, :func:`tornado_rows`,
  :func:`solution_rows` give rows of plain values; :func:`uncertainty_contents` assembles them
  into :class:`w13xl.board.base.SheetContent` objects (same marker and name prefix as the board, so
  :func:`w13xl.board.write_board_into` treats the sheets as its own);
* **presentation** (openpyxl): :func:`add_uncertainty_sheets` adds the sheets with native charts
  (a stacked-area fan P5-P95 with the median and the minimum reserve as lines; a horizontal-bar
  tornado) to an openpyxl workbook, e.g. the one :func:`w13xl.board.build_board_workbook` returns.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime
from typing import Literal

from ..cliffs import CliffTable
from ..errors import W13Error
from ..fmt import EXCEL_EURO, EXCEL_PERCENT
from ..goalseek import TARGET_LABELS, Solution
from ..montecarlo import GBR, PERCENTILES, Simulation
from .base import CLIFF_SHEET, FAN_SHEET, GOAL_SHEET, MARKER_TEXT, SheetContent, _fmt_created, is_owned
from .charts import axis_title
from .look import AXIS_EURO, CELL_STYLES, _chart_title, _font, _print_setup
from .look import _styles as look_styles

PCT = EXCEL_PERCENT  # Belgian: 54,2%
#: Column widths of each sheet (the fan sheet's 8 columns, the tornado's 6, the goal seek's 5).
WIDTHS = {FAN_SHEET: [44, 14, 14, 14, 14, 14, 16, 18], CLIFF_SHEET: [46, 20, 20, 14, 14, 40],
          GOAL_SHEET: [30, 80, 20, 22, 40]}


# -- content (pure) ---------------------------------------------------------------------------
def fan_rows(sim: Simulation) -> list[list]:
    """Header + one row per year: Jaar | P5 | P25 | P50 | P75 | P95 | Minimumreserve | the scenario's
    deterministic run (its central path, not the plan)."""
    rows: list[list] = [["Jaar", *(f"P{p}" for p in PERCENTILES), "Minimumreserve", "Centraal pad (zonder toeval)"]]
    for i, y in enumerate(sim.years):
        rows.append([y, *(float(sim.percentiles[GBR][j][i]) for j in range(len(PERCENTILES))),
                     None if sim.minimum_reserve is None else float(sim.minimum_reserve[i]),
                     float(sim.deterministic.m2[GBR][i])])
    return rows


def fan_band_rows(sim: Simulation) -> list[list]:
    """The stacked-area helper: P5, then each band's width (P25-P5, P50-P25, P75-P50, P95-P75)."""
    rows: list[list] = [["Jaar", "P5 (basis)", "P5-P25", "P25-P50", "P50-P75", "P75-P95"]]
    q = sim.percentiles[GBR]
    for i, y in enumerate(sim.years):
        rows.append([y, float(q[0][i]), *(float(q[j + 1][i] - q[j][i]) for j in range(len(PERCENTILES) - 1))])
    return rows


def probability_rows(sim: Simulation) -> list[list]:
    """Label | probability (0..1) rows."""
    last = sim.years[-1]
    rows: list[list] = [["Kans", "Waarde"]]
    if sim.p_reserve_below_minimum_any is not None and sim.p_reserve_below_minimum is not None:  # set together
        rows.append(["Reserve zakt ooit onder de minimumreserve", sim.p_reserve_below_minimum_any])
        for y, p in zip(sim.years, sim.p_reserve_below_minimum, strict=True):
            rows.append([f"Reserve onder de minimumreserve in {y}", float(p)])
    rows.append([f"AFM {last} negatief (AFM {last} < 0)", sim.p_afm_last_negative])
    rows.append(["BBR negatief in enig jaar", sim.p_bbr_negative_any])
    return rows


def tornado_rows(cliffs: CliffTable) -> list[list]:
    last = cliffs.years[-1]
    rows: list[list] = [["Subsidie", f"(a) 1 jaar vroeger, project stopt: reserve {last}",
                         f"(b) niet verlengd, personeel blijft: reserve {last}", f"(a) AFM {last}",
                         f"(b) AFM {last}", "Opmerking"]]
    for c in cliffs.cliffs:
        note = "; ".join(x for x in (c.notice_note(), c.note) if x)
        rows.append([f"{c.name} ({c.subsidy})", c.reserve_early, c.reserve_keep, c.afm_early, c.afm_keep, note])
    return rows


def solution_rows(solutions: Sequence[Solution]) -> list[list]:
    rows: list[list] = [["Hefboom", "Antwoord", "AFM laatste jaar (herrekend)", "Kleinste marge reserve − minimum",
                         "Bindend"]]
    names = {"contribution": "Bijdrage lokale besturen (%)", "per_inhabitant": "Bijdrage per inwoner",
             "fte": "Basiswerking (VTE)"}
    for s in solutions:
        reserve = s.slacks.get("reserve_minimum")
        rows.append([names[s.lever], s.sentence(), s.afm_last, None if reserve is None else reserve[0],
                     f"{TARGET_LABELS[s.binding]} ({s.binding_year})"])
    return rows


def _sheet(name: str, title: str, created_text: str) -> SheetContent:
    """A sheet of this module, started: its title, the w13xl marker and when it was made."""
    c = SheetContent(name)
    c.add("title", title)
    c.add("marker", MARKER_TEXT)
    c.add("meta", "Aangemaakt op", created_text)
    return c


def _table(c: SheetContent, name: str, rows: list[list]) -> None:
    """``rows`` as a table named ``name``: its first row the header, the rest data."""
    c.ranges[name] = c.extend("data", rows)
    c.kinds[c.ranges[name][0] - 1] = "header"


def uncertainty_contents(simulation: Simulation | None = None, cliffs: CliffTable | None = None,
                         solutions: Sequence[Solution] = (), *, created: date | datetime | None = None
                         ) -> list[SheetContent]:
    created_text = _fmt_created(created)
    out = []
    if simulation is not None:
        paths = f"{simulation.paths:_}".replace("_", ".")
        c = _sheet(FAN_SHEET, f"Waaier van de reserve — {simulation.title}", created_text)
        c.add("meta", "Simulatie", f"{paths} paden, seed {simulation.seed}")
        if simulation.calibration_note is not None:
            c.add("meta", "Kalibratie", simulation.calibration_note)
        c.add("note", "Waaier van de reserve (gecumuleerd budgettair resultaat): 90% van de paden ligt tussen "
                      "P5 en P95, de helft tussen P25 en P75; de rode lijn is de minimumreserve.")
        c.add("blank")
        _table(c, "fan", fan_rows(simulation))
        c.add("blank")
        _table(c, "prob", probability_rows(simulation))
        c.add("blank")
        c.blank_rows("chart_fan", 20)
        c.print_last = len(c.rows)
        c.add("blank")
        c.add("section", "Grafiekhulp (niet afgedrukt): gestapelde banden")
        c.ranges["bands"] = c.extend("detail", fan_band_rows(simulation))
        out.append(c.padded())
    if cliffs is not None:
        c = _sheet(CLIFF_SHEET, f"Subsidiekliffen — {cliffs.title}", created_text)
        c.add("note", "Effect op de reserve en de AFM van het laatste planjaar t.o.v. het scenario: (a) de subsidie "
                      "stopt een jaar vroeger en het project stopt mee, het personeel krijgt de wettelijke opzeg "
                      "vanaf de stopdatum (opzeg na stopzetting); de opmerking geeft (a) met tijdige opzeg (geen "
                      "opzegvergoeding); (b) de subsidie wordt niet verlengd en het "
                      "personeel blijft, betaald door de basiswerking. Subsidies zonder einddatum: verondersteld "
                      "einde op 31/12 van het voorlaatste planjaar."
                      + (f" {cliffs.roster_label}: de opzeg en de loonkost per subsidie rusten op het "
                         "voorbeeldbestand." if cliffs.roster_label else ""))
        c.add("blank")
        _table(c, "tornado", tornado_rows(cliffs))
        c.add("blank")
        c.blank_rows("chart_tornado", max(12, 2 * len(cliffs.cliffs) + 4))
        out.append(c.padded())
    if solutions:
        c = _sheet(GOAL_SHEET, f"Doelzoeken — {solutions[0].title}", created_text)
        c.add("note", "Wat is er nodig voor een AFM ≥ 0 in het laatste jaar, een reserve ≥ de minimumreserve en een "
                      "BBR ≥ 0 in elk jaar? Elk antwoord is gecontroleerd door het scenario ermee opnieuw door te "
                      "rekenen.")
        c.add("blank")
        _table(c, "solutions", solution_rows(solutions))
        out.append(c.padded())
    return out


# -- presentation (openpyxl) -------------------------------------------------------------------
def _styles():
    """The board's look (:mod:`w13xl.board.look`): its borders and alignments, the fonts of its
    named cell styles (blue titles, grey marker) and the light-blue header fill."""
    from openpyxl.styles import PatternFill

    fonts = {name: _font(CELL_STYLES[name]) for name in ("title", "section", "bold", "marker", "note")}
    return {**look_styles(), **fonts, "header_fill": PatternFill("solid", fgColor=CELL_STYLES["header"].fill)}


def _fill_sheet(ws, content: SheetContent, widths: Sequence[float]) -> None:
    from openpyxl.utils import get_column_letter

    st = _styles()
    for r, (row, kind) in enumerate(zip(content.rows, content.kinds, strict=True), start=1):
        for col, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = ws.cell(row=r, column=col, value=value)
            if isinstance(value, float):
                cell.number_format = EXCEL_EURO
            if kind == "header":
                cell.font, cell.fill, cell.border = st["bold"], st["header_fill"], st["bottom"]
                below = content.rows[r][col - 1] if r < len(content.rows) else None
                if col > 1 and not isinstance(below, str):  # over numbers: right, over text: left
                    cell.alignment = st["header_right"]
                else:
                    cell.alignment = st["header_left"]
            elif kind == "detail":
                cell.font = st["note"]
        if kind == "header":  # tall enough for the longest wrapped header (about 1 char per width unit)
            lines = max((math.ceil(len(str(v)) / max(widths[c] - 2, 1)) for c, v in enumerate(row)
                         if v is not None and c < len(widths)), default=1)
            ws.row_dimensions[r].height = max(32, 14 * lines + 4)
        elif kind == "title":
            ws.cell(row=r, column=1).font = st["title"]
            ws.row_dimensions[r].height = 22
        elif kind == "section":
            ws.cell(row=r, column=1).font = st["section"]
        elif kind == "marker":
            ws.cell(row=r, column=1).font = st["marker"]
        elif kind == "meta":
            ws.cell(row=r, column=1).font = st["bold"]
        elif kind == "note":  # merged over the printed width and wrapped, so nothing is cut off
            ws.cell(row=r, column=1).font = st["note"]
            ws.cell(row=r, column=1).alignment = st["wrap"]
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(widths))
            text = str(row[0] or "")
            ws.row_dimensions[r].height = 13 * max(1, math.ceil(len(text) / (1.2 * sum(widths)))) + 2
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def _fan_sheet(ws, content: SheetContent, sim: Simulation) -> None:
    from openpyxl.chart import AreaChart, LineChart, Reference
    from openpyxl.chart.shapes import GraphicalProperties
    from openpyxl.drawing.line import LineProperties
    from openpyxl.styles import Alignment

    first, last = content.ranges["prob"]
    for r in range(first + 1, last + 1):
        ws.cell(row=r, column=2).number_format = PCT
    bfirst, blast = content.ranges["bands"]
    area = AreaChart()
    area.grouping = "stacked"
    area.title = _chart_title("Reserve per jaar: waaier P5-P95 (euro) en minimumreserve")
    area.y_axis.number_format = AXIS_EURO
    area.x_axis.delete = False
    area.y_axis.delete = False
    assert area.legend is not None  # a new chart has its legend
    area.legend.position = "b"
    area.x_axis.tickLblPos = "low"  # years under the plot, not on the zero line
    area.add_data(Reference(ws, min_col=2, max_col=6, min_row=bfirst, max_row=blast), titles_from_data=True)
    area.set_categories(Reference(ws, min_col=1, min_row=bfirst + 1, max_row=blast))
    fills = (None, "DEEBF7", "9DC3E6", "9DC3E6", "DEEBF7")
    for s, fill in zip(area.series, fills, strict=True):
        s.graphicalProperties = (GraphicalProperties(noFill=True) if fill is None
                                 else GraphicalProperties(solidFill=fill))
        s.graphicalProperties.line.noFill = True
    ffirst, flast = content.ranges["fan"]
    for r in range(ffirst + 1, flast + 1):  # the years next to their label, not at the far right
        ws.cell(row=r, column=1).alignment = Alignment(horizontal="left")
    lines = LineChart()
    lines.add_data(Reference(ws, min_col=4, min_row=ffirst, max_row=flast), titles_from_data=True)  # P50
    if sim.minimum_reserve is not None:
        lines.add_data(Reference(ws, min_col=7, min_row=ffirst, max_row=flast), titles_from_data=True)
    styles: tuple[tuple[str, int, Literal["dash"] | None], ...] = (("1F4E79", 28575, None),
                                                                   ("C00000", 28575, "dash"))
    # one series (P50) or two (and the minimum reserve): the second style only when it is drawn
    for s, (colour, width, dash) in zip(lines.series, styles, strict=False):
        s.smooth = False
        s.graphicalProperties = GraphicalProperties(ln=LineProperties(solidFill=colour, w=width, prstDash=dash))
        s.marker.symbol = "none"
    area += lines
    area.height, area.width = 10.0, 28
    area.x_axis.title = axis_title("Jaar")
    area.y_axis.title = axis_title("Reserve (euro)")
    chart_row = content.ranges["chart_fan"][0]
    ws.add_chart(area, f"A{chart_row}")


def _tornado_sheet(ws, content: SheetContent, cliffs: CliffTable, widths: Sequence[float]) -> None:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.shapes import GraphicalProperties
    from openpyxl.styles import Alignment

    from .look import text_lines

    first, last = content.ranges["tornado"]
    for r in range(first + 1, last + 1):  # every cell of a row top-aligned, names and remarks wrapped
        lines = 1
        for col in range(1, len(widths) + 1):
            cell = ws.cell(row=r, column=col)
            wrap = col in (1, 6)
            # the remark is indented: not against the amount of the column before it
            cell.alignment = Alignment(horizontal="left" if col == 6 else None, vertical="top", wrap_text=wrap,
                                       indent=1 if col == 6 else 0)
            if wrap and cell.value:
                lines = max(lines, text_lines(cell.value, widths[col - 1] - (1 if col == 6 else 0)))
        ws.row_dimensions[r].height = 15 * lines + 2
    ws.cell(row=first, column=6).alignment = Alignment(horizontal="left", vertical="bottom", wrap_text=True, indent=1)
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.overlap = 0  # both bars of a subsidy side by side (a tornado sorted worst first)
    chart.gapWidth = 60
    chart.title = _chart_title(f"Subsidiekliffen: effect op de reserve {cliffs.years[-1]} (euro)")
    chart.y_axis.number_format = AXIS_EURO
    chart.y_axis.title = axis_title(f"Reserve {cliffs.years[-1]} t.o.v. het scenario (euro)")
    chart.y_axis.crosses = "max"
    chart.x_axis.scaling.orientation = "maxMin"  # worst on top
    chart.x_axis.tickLblPos = "low"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=first, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first + 1, max_row=last))
    for s, colour in zip(chart.series, ("C55A11", "1F4E79"), strict=True):
        s.graphicalProperties = GraphicalProperties(solidFill=colour)
    chart.height = max(7.5, 0.9 * (last - first) + 3)
    chart.width = 28
    chart_row = content.ranges["chart_tornado"][0]
    ws.add_chart(chart, f"A{chart_row}")


def _goal_sheet(ws, content: SheetContent, widths: Sequence[float]) -> None:
    from openpyxl.styles import Alignment

    st = _styles()
    first, last = content.ranges["solutions"]
    for r in range(first + 1, last + 1):
        for col in range(1, len(widths) + 1):
            ws.cell(row=r, column=col).alignment = st["wrap"]  # wrapped and top-aligned, like the answer
        # the binding norm is indented: not against the amount of the column before it
        ws.cell(row=r, column=5).alignment = Alignment(horizontal="left", wrap_text=True, vertical="top", indent=1)
        ws.row_dimensions[r].height = 45
    ws.cell(row=first, column=5).alignment = Alignment(horizontal="left", vertical="bottom", wrap_text=True, indent=1)


def add_uncertainty_sheets(wb, *, simulation: Simulation | None = None, cliffs: CliffTable | None = None,
                           solutions: Sequence[Solution] = (), plan_name: str = "Meerjarenplan",
                           created: date | datetime | None = None, index: int | None = None) -> list:
    """Add the sheets 'W13 Onzekerheid' (fan chart), 'W13 Subsidiekliffen' (tornado) and
    'W13 Doelzoeken' (those whose input is given) to the openpyxl workbook ``wb`` (at ``index``,
    else at the end). Existing sheets of the same name are replaced. Returns the sheets."""
    contents = uncertainty_contents(simulation, cliffs, solutions, created=created)
    created_text = _fmt_created(created)
    sheets = []
    for i, content in enumerate(contents):
        clash = next((n for n in wb.sheetnames if n.lower() == content.name.lower()), None)
        if clash is not None:  # Excel sheet names ignore case
            old = wb[clash]
            kind = str(content.rows[0][0]).split(" — ")[0]
            if not (is_owned(old) and str(old["A1"].value or "").startswith(kind)):
                raise W13Error(f"blad '{clash}' bestaat al en is niet het blad {kind.lower()} van w13xl: geef het "
                               "eerst een andere naam")
            wb.remove(old)
        ws = wb.create_sheet(content.name, None if index is None else index + i)
        widths = WIDTHS[content.name]
        _fill_sheet(ws, content, widths)
        if content.name == FAN_SHEET:
            assert simulation is not None  # uncertainty_contents makes this sheet only for a simulation
            _fan_sheet(ws, content, simulation)
        elif content.name == CLIFF_SHEET:
            assert cliffs is not None  # and this one only for cliffs
            _tornado_sheet(ws, content, cliffs, widths)
        else:
            _goal_sheet(ws, content, widths)
        _print_setup(ws, content, plan_name=plan_name, created_text=created_text, last_col=len(widths), freeze=None,
                     one_page=True)  # as the board's other sheets, on one page
        sheets.append(ws)
    return sheets
