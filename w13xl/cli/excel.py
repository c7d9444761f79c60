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
    out: Annotated[Path, typer.Argument(help="The workbook to create (.xlsm; letters, digits and _ only, "
                                             "e.g. W13_plan.xlsm); OUT.py is written beside it.")],
    plan: Annotated[Optional[Path], typer.Option(
        "--plan", "-p", help="Workbook whose sheets are copied in (default: the bundled sample plan).")] = None,
    interpreter: Annotated[Optional[str], typer.Option(
        "--interpreter", help="Interpreter_Win in xlwings.conf (default: the Python running this "
                              "command, its pythonw.exe on Windows).")] = None,
    budget_sheet: Annotated[str, typer.Option("--sheet", "-s", help="Budget sheet for the example formulas.")]
    = "Synthese",
    force: Annotated[bool, typer.Option("--force", help="Replace OUT if it exists.")] = False,
) -> None:
    """A macro-enabled workbook from xlwings' quickstart template: VBA project kept, an active
    xlwings.conf sheet (UDF Modules = w13xl.excel.functions, Interpreter_Win), the plan's sheets,
    a Start sheet, and OUT.py beside it whose main() runs "Scenario's doorrekenen" (Run main)."""
    from ..excel.template import UDF_MODULES, build_addin_workbook, run_main_path

    path = build_addin_workbook(out, plan=plan, interpreter=interpreter, budget_sheet=budget_sheet, force=force)
    console.print(f"Geschreven: {path} en {run_main_path(path)} (houd ze samen in één map)")
    console.print(f"UDF Modules = {UDF_MODULES}. In Excel: xlwings-tab > Import Functions, "
                  "dan =W13_M2(Synthese!A1:L46;Parameters!A1:H15); Scenario's doorrekenen: xlwings-tab > "
                  "Run main. Zie README, sectie Excel.")
