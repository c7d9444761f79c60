"""``w13xl raster``: a grid of scenarios (every subsidy x end year x policy, optionally x index
path) as one batch, shown as a table and written as a heat-map sheet (.xlsx), .json or .csv."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from ..m2 import AFM, BBR, GBR, LINE_LABELS
from ._app import app, check_out, console, handles_input_errors, show_warnings, write_output
from ._options import CsvOpt

#: --line: the M2 line (its label from w13xl.m2.LINE_LABELS).
LINES = {"reserve": GBR, "bbr": BBR, "afm": AFM, "es": "exploitatiesaldo"}


def _years(text: str | None):
    if not text:
        return None
    try:
        if "-" in text:
            a, b = (int(v) for v in text.split("-", 1))
            return list(range(a, b + 1))
        return [int(v) for v in text.replace(";", ",").split(",") if v.strip()]
    except ValueError:
        from ..errors import W13Error

        raise W13Error(f"--years {text}: verwacht een reeks zoals 2026-2031 of een lijst 2027,2029") from None


def _rates(values: list[str] | None) -> list[float | None]:
    """--index values by the one percentage rule (w13xl.numbers.parse_fraction): '3%' or 0,03."""
    from ..errors import W13Error
    from ..numbers import parse_fraction
    from ..scenario.spec import MAX_INDEX_RATE

    if not values:
        return [None]
    out: list[float | None] = []
    for v in values:
        try:
            out.append(parse_fraction(v, limit=MAX_INDEX_RATE))
        except ValueError as exc:
            raise W13Error(f"--index {v}: {exc} (verwacht een jaarpercentage zoals 3% of 0,03)") from None
    return out


@app.command("raster")
@handles_input_errors
def raster_command(
    workbook: Annotated[Path, typer.Argument(help="Het werkboek met het meerjarenplan.")],
    subsidy: Annotated[list[str] | None, typer.Option(
        "--subsidy", help="Subsidie-id (herhaalbaar; standaard: elke subsidie van het register).")] = None,
    years: Annotated[str | None, typer.Option(
        "--years", help="Eindjaren, bv. 2026-2031 of 2027,2029 (standaard: de jaren van het plan).")] = None,
    policy: Annotated[list[str] | None, typer.Option(
        "--policy", help="stop, keep_staff, keep_project of een behouden aandeel (50% of 0,5); herhaalbaar; "
                         "standaard: stop.")] = None,
    index: Annotated[list[str] | None, typer.Option(
        "--index", help="Indexpad: jaarlijkse index voor lonen, prijzen en bijdrage (3% of 0,03); herhaalbaar; "
                        "standaard: de index van het plan.")] = None,
    line: Annotated[str, typer.Option("--line", help="reserve, bbr, afm of es.")] = "reserve",
    year: Annotated[int | None, typer.Option("--year", help="Getoond jaar (standaard: het laatste planjaar).")] = None,
    base: Annotated[str | None, typer.Option(
        "--base", help="Scenario om van te vertrekken (.toml of naam op het blad Scenario's).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Schrijf het raster ook weg: .xlsx (heatmap), .json of .csv.")] = None,
    csv_style: CsvOpt = "be",
) -> None:
    """Raster van scenario's: elke subsidie x eindjaar x beleid (x indexpad), één lijn in één jaar.

    Voorbeeld: w13xl raster workbooks/w13-mjp-2026-2031.xlsx --policy stop --policy keep_staff --index 2% --index 4% -o raster.xlsx
    """  # noqa: E501 - command help: typer keeps these lines as they are
    from ..errors import W13Error
    from ..scenario.grid import parse_policy, subsidy_grid
    from ..scenario.loader import load_study

    if line not in LINES:
        raise W13Error(f"--line {line}: verwacht een van: {', '.join(LINES)}")
    check_out(out)
    baseline, library, selected = load_study(workbook, [base] if base else [], all_if_empty=False)
    show_warnings(baseline.warnings)
    grid = subsidy_grid(baseline, subsidies=subsidy, end_years=_years(years),
                        policies=[parse_policy(p) for p in (policy or ["stop"])], index_rates=_rates(index),
                        line=LINES[line], year=year, base=selected[0] if selected else None, library=library)
    from ._tables import print_fitted

    label = LINE_LABELS[LINES[line]]
    print_fitted(console, lambda block: _table(grid, label, block), len(grid.end_years))
    if out is not None:
        write_output(out, lambda: grid_json(grid, str(workbook)), lambda: grid_csv_rows(grid), csv_style,
                     lambda path: write_grid_workbook(path, grid, label))


def _rate_label(rate: float | None) -> str:
    from ..fmt import percent

    return "index van het plan" if rate is None else f"index {percent(rate)} per jaar"


def _table(grid, label: str, years: Sequence[int] | None = None):
    """The grid for the end years with these indices (default all): subsidy and policy down, end
    years across, in the compact style of the other tables (labels wrap, amounts never)."""
    from rich.table import Table

    from ..fmt import euro
    from ._tables import COMPACT

    idx = list(range(len(grid.end_years))) if years is None else list(years)
    table = Table(title=f"{label} {grid.year} per einddatum subsidie (basis: {euro(grid.baseline_value)})",
                  caption="✗ (rood op een scherm met kleur): een controle van schema M2 (norm, engagement of "
                          "beleid) is niet voldaan",
                  caption_justify="left", **COMPACT)
    table.add_column("Subsidie / beleid", min_width=14)
    for d in idx:
        table.add_column(f"einde {grid.end_years[d]}", justify="right", no_wrap=True)
    for a, rate in enumerate(grid.index_rates):
        if len(grid.index_rates) > 1:
            table.add_row(f"[bold]{_rate_label(rate)}[/]", *[""] * len(idx))
        for b, sid in enumerate(grid.subsidies):
            for c, pol in enumerate(grid.policies):
                cells = []
                for d in idx:
                    v = grid.values[a, b, c, d]
                    # the mark, not only the colour: a pipe, a log or a printout has no colour
                    cells.append(f"{euro(v)}  " if grid.norms_ok[a, b, c, d] else f"[red]{euro(v)} ✗[/]")
                table.add_row(f"{sid}: {pol.label}", *cells)
        table.add_section()
    return table


def grid_json(grid, workbook: str) -> dict:
    return {"workbook": workbook, "line": grid.line, "year": grid.year, "baseline": grid.baseline_value,
            "end_years": list(grid.end_years), "subsidies": list(grid.subsidies),
            "policies": [p.label for p in grid.policies], "index_rates": list(grid.index_rates),
            "cells": [{"index_rate": r, "subsidy": s, "policy": p.policy, "share": p.share, "end_year": y,
                       "value": v, "norms_ok": ok} for r, s, p, y, v, ok in grid.cells()]}


def grid_csv_rows(grid) -> list[list]:
    rows: list[list] = [["index", "subsidie", "beleid", "einde", grid.line, "normen_ok"]]
    for r, s, p, y, v, ok in grid.cells():
        rows.append(["" if r is None else f"{r:.4f}", s, p.label, y, f"{v:.2f}", "ja" if ok else "nee"])
    return rows


def write_grid_workbook(path: Path, grid, label: str) -> Path:
    """Sheet 'Raster': one block per index path, subsidies x policies down, end years across,
    amounts in Belgian format with a red-white-green colour scale; norm breaches in italics."""
    from openpyxl import Workbook
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    from ..fmt import EXCEL_EURO
    from ..workbook import safe_write

    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet
    ws.title = "Raster"
    ws.append([f"{label} {grid.year} per einddatum van de subsidie"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(["Basis (het plan zonder wijziging)", grid.baseline_value])
    ws["B2"].number_format = EXCEL_EURO
    ws.append(["Cursief: een controle van schema M2 (norm, engagement of beleid) is niet voldaan. "
               "Einde = 31 december van het jaar. "
               "Kleur: van laag (rood) naar hoog (groen)."])
    ncols = len(grid.end_years)
    for a, rate in enumerate(grid.index_rates):
        ws.append([])
        ws.append([_rate_label(rate).capitalize()])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        ws.append(["Subsidie", "Beleid", *[f"einde {y}" for y in grid.end_years]])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        first = ws.max_row + 1
        for b, sid in enumerate(grid.subsidies):
            name = grid.subsidy_names[b]
            for c, pol in enumerate(grid.policies):
                ws.append([f"{name} ({sid})", pol.label, *[float(v) for v in grid.values[a, b, c]]])
                row = ws.max_row
                for d in range(ncols):
                    cell = ws.cell(row, 3 + d)
                    cell.number_format = EXCEL_EURO
                    if not grid.norms_ok[a, b, c, d]:
                        cell.font = Font(italic=True)
        last = ws.max_row
        area = f"C{first}:{get_column_letter(2 + ncols)}{last}"
        ws.conditional_formatting.add(area, ColorScaleRule(start_type="min", start_color="F8696B",
                                                           mid_type="percentile", mid_value=50, mid_color="FFFFFF",
                                                           end_type="max", end_color="63BE7B"))
    ws.page_setup.orientation = "landscape"
    assert ws.sheet_properties.pageSetUpPr is not None  # openpyxl gives every sheet one
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.freeze_panes = "C1"
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 18
    for d in range(ncols):
        ws.column_dimensions[get_column_letter(3 + d)].width = 13
    return safe_write(path, lambda tmp: wb.save(tmp))
