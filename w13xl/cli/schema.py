"""``w13xl schema M3|T1|T2|T3``: the statutory schemas besides M2, from the budget lines and the
mapping sheets ``Economische aard`` and ``Beleidsvelden``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.padding import Padding
from rich.table import Table

from ..errors import W13Error
from ..fmt import euro
from ._app import app, check_out, console, handles_input_errors, show_warnings, write_output
from ._options import CsvOpt
from ._tables import COMPACT, print_fitted


def schema_table(result, title: str, columns: Sequence[int] | None = None) -> Table:
    """A schema as a terminal table (the value columns with these indices; default all): the part
    (Deel) as a bold heading row, the description wraps, amounts never do."""
    idx = list(range(len(result.columns))) if columns is None else list(columns)
    table = Table(title=title, **COMPACT)
    table.add_column("Omschrijving", justify="left", min_width=24)
    for i in idx:
        table.add_column(result.columns[i], justify="right", no_wrap=True)
    previous = None
    for section, label, values in result.rows:
        if section != previous:
            if previous is not None:
                table.add_section()
            table.add_row(f"[bold]{section}[/]", *[""] * len(idx))
        table.add_row(Padding(label, (0, 0, 0, 2)),
                      *[f"[red]{euro(values[i])}[/]" if values[i] < -0.005 else euro(values[i]) for i in idx])
        previous = section
    return table


def print_schema(result, title: str) -> None:
    """A schema on the terminal, in blocks of columns when the terminal is narrow (issue 12)."""
    print_fitted(console, lambda block: schema_table(result, title, block), len(result.columns))


def schema_csv_rows(result) -> list[list]:
    return [["deel", "omschrijving", *result.columns],
            *[[section, label, *[f"{v:.2f}" for v in values]] for section, label, values in result.rows]]


def write_schema_xlsx(path: Path, result) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    from ..fmt import EXCEL_EURO_CENTS
    from ..workbook import safe_write

    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet
    ws.title = f"Schema {result.schema}"
    ws.append([result.title])
    ws["A1"].font = Font(bold=True)
    ws.append(["Deel", "Omschrijving", *result.columns])
    for section, label, values in result.rows:
        ws.append([section, label, *values])
        for cell in ws[ws.max_row][2:]:
            cell.number_format = EXCEL_EURO_CENTS
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 60
    safe_write(path, lambda tmp: wb.save(tmp))


def compute_from_workbook(workbook: Path, name: str, sheet: str | None = None, year: int | None = None):
    from ..schemas import SCHEMAS, compute_schema, schema_rules_from_grids
    from ..sheets import load_plan_from_grids
    from ..workbook import read_grids

    if name.strip().upper() not in SCHEMAS:
        raise W13Error(f"schema '{name}': verwacht een van: {', '.join(SCHEMAS)}")
    grids, named = read_grids(workbook)
    loaded = load_plan_from_grids(grids, file=str(workbook), sheet=sheet, named=named)
    show_warnings(loaded.warnings)
    (economic, ewhere), (functional, fwhere) = schema_rules_from_grids(grids, str(workbook))
    where = ewhere if name.strip().upper() != "T1" else fwhere
    if year is not None and year not in loaded.plan.years:
        raise W13Error(f"--year {year}: het plan loopt over {loaded.plan.years[0]}-{loaded.plan.years[-1]}")
    return loaded, compute_schema(name, loaded.plan, loaded.params, economic=economic, functional=functional,
                                  year=year, **where)


@app.command("schema")
@handles_input_errors
def schema_command(
    name: Annotated[str, typer.Argument(help="M3, T1, T2 of T3.")],
    workbook: Annotated[Path, typer.Argument(
        help="Het werkboek met het budgetblad en de bladen Economische aard en Beleidsvelden.")],
    sheet: Annotated[str | None, typer.Option("--sheet", "-s", help="Budgetblad (standaard 'Synthese').")] = None,
    year: Annotated[int | None, typer.Option("--year", help="M3: het jaar (standaard het eerste planjaar).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Schrijf het schema ook weg: .json, .csv of .xlsx.")] = None,
    csv_style: CsvOpt = "be",
) -> None:
    """Schema M3 (kredieten), T1 (functionele aard), T2 (economische aard) of T3 (financiële schulden).

    Voorbeeld: w13xl schema T2 workbooks/w13-mjp-2026-2031.xlsx --out t2.xlsx
    """
    check_out(out, workbook)
    loaded, result = compute_from_workbook(workbook, name, sheet, year)
    print_schema(result, f"{result.title} — {workbook.name}, blad '{loaded.sheet}'")
    if out is not None:
        write_output(out, lambda: {"workbook": str(workbook), "sheet": loaded.sheet, **result.to_dict()},
                     lambda: schema_csv_rows(result), csv_style, lambda path: write_schema_xlsx(path, result))
