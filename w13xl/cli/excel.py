"""``w13xl excel ...``: prepare Excel for the W13 add-in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ._app import app, console, handles_input_errors

excel_app = typer.Typer(name="excel", help="Excel add-in (xlwings): a ready workbook and set-up.",
                        no_args_is_help=True)
app.add_typer(excel_app, name="excel")


@excel_app.command("workbook")
@handles_input_errors
def workbook_command(
    out: Annotated[Path, typer.Argument(help="The workbook to create (.xlsm).")],
    plan: Annotated[Optional[Path], typer.Option(
        "--plan", "-p", help="Workbook whose sheets are copied in (default: the bundled sample plan).")] = None,
    interpreter: Annotated[Optional[str], typer.Option(
        "--interpreter", help="Interpreter_Win in xlwings.conf, e.g. the venv's pythonw.exe "
                              "(default: keep the template's 'python').")] = None,
    budget_sheet: Annotated[str, typer.Option("--sheet", "-s", help="Budget sheet for the example formulas.")]
    = "Synthese",
    force: Annotated[bool, typer.Option("--force", help="Replace OUT if it exists.")] = False,
) -> None:
    """A macro-enabled workbook from xlwings' quickstart template: VBA project kept, an active
    xlwings.conf sheet (UDF Modules = w13xl.excel.functions), the plan's sheets and a Start sheet."""
    from ..excel.template import UDF_MODULES, build_addin_workbook

    path = build_addin_workbook(out, plan=plan, interpreter=interpreter, budget_sheet=budget_sheet, force=force)
    console.print(f"Geschreven: {path}")
    console.print(f"UDF Modules = {UDF_MODULES}. In Excel: xlwings-tab > Import Functions, "
                  "dan =W13_M2(Synthese!A1:L46;Parameters!A1:H15). Zie README, sectie Excel.")
