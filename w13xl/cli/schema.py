"""``w13xl schema M3|T1|T2|T3``: the statutory schemas besides M2, from the budget lines and the
mapping sheets ``Economische aard`` and ``Beleidsvelden``."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from ..errors import W13Error
from ..fmt import euro
from ._app import app, console, handles_input_errors, output_kind, show_warnings, write_json


def schema_table(result, title: str) -> Table:
    table = Table(title=title, title_justify="left", pad_edge=False)
    table.add_column("Deel", style="dim", no_wrap=True)
    table.add_column("Omschrijving", no_wrap=True)
    for col in result.columns:
        table.add_column(col, justify="right", no_wrap=True)
    previous = None
    for section, label, values in result.rows:
        if previous is not None and section != previous:
            table.add_section()
        table.add_row(section if section != previous else "", label,
                      *[f"[red]{euro(v)}[/]" if v < -0.005 else euro(v) for v in values])
        previous = section
    return table


def schema_csv(result) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["deel", "omschrijving", *result.columns])
    for section, label, values in result.rows:
        writer.writerow([section, label, *[f"{v:.2f}" for v in values]])
    return buf.getvalue()


def write_schema_xlsx(path: Path, result) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ..fmt import EXCEL_EURO_CENTS
    from ..workbook import safe_write

    wb = Workbook()
    ws = wb.active
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
        raise W13Error(f"schema '{name}': expected one of {', '.join(SCHEMAS)}")
    grids, named = read_grids(workbook)
    loaded = load_plan_from_grids(grids, file=str(workbook), sheet=sheet, named=named)
    show_warnings(loaded.warnings)
    (economic, ewhere), (functional, fwhere) = schema_rules_from_grids(grids, str(workbook))
    where = ewhere if name.strip().upper() != "T1" else fwhere
    if year is not None and year not in loaded.plan.years:
        raise W13Error(f"--year {year}: the plan has {loaded.plan.years[0]}-{loaded.plan.years[-1]}")
    return loaded, compute_schema(name, loaded.plan, loaded.params, economic=economic, functional=functional,
                                  year=year, **where)


@app.command("schema")
@handles_input_errors
def schema_command(
    name: Annotated[str, typer.Argument(help="M3, T1, T2 or T3.")],
    workbook: Annotated[Path, typer.Argument(help="The workbook with the budget sheet and the mapping sheets.")],
    sheet: Annotated[Optional[str], typer.Option("--sheet", "-s", help="Budget sheet (default 'Synthese').")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="M3: the year (default the first plan year).")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Also write the schema: .json, .csv or .xlsx.")] = None,
) -> None:
    """Schema M3 (kredieten), T1 (functionele aard), T2 (economische aard) or T3 (financiële schulden)."""
    if out is not None:
        output_kind(out)
        if out.resolve() == workbook.resolve():
            raise W13Error(f"--out {out}: that is the input workbook, which w13xl never overwrites")
    loaded, result = compute_from_workbook(workbook, name, sheet, year)
    console.print(schema_table(result, f"{result.title} — {workbook.name}, blad '{loaded.sheet}'"))
    if out is not None:
        kind = output_kind(out)
        if kind == "json":
            write_json(out, {"workbook": str(workbook), "sheet": loaded.sheet, **result.to_dict()})
        elif kind == "csv":
            text = schema_csv(result)
            from ..workbook import safe_write
            safe_write(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        else:
            write_schema_xlsx(out, result)
        console.print(f"Geschreven: {out}")
