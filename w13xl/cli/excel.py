"""``w13xl excel ...``: prepare Excel for the W13 add-in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._app import app, console, handles_input_errors

excel_app = typer.Typer(name="excel", help="Excel-invoegtoepassing (xlwings): een werkboek dat klaar is voor "
                                           "gebruik.\n\nVoorbeeld: w13xl excel workbook W13_plan.xlsm",
                        no_args_is_help=True)
app.add_typer(excel_app, name="excel")


@excel_app.command("workbook")
@handles_input_errors
def workbook_command(
    out: Annotated[Path, typer.Argument(help="Het werkboek dat gemaakt wordt (.xlsm; alleen letters, cijfers en _, "
                                             "bv. W13_plan.xlsm); OUT.py komt ernaast.")],
    plan: Annotated[Path | None, typer.Option(
        "--plan", "-p", help="Werkboek waarvan de bladen overgenomen worden "
                             "(standaard het meegeleverde voorbeeldplan).")] = None,
    interpreter: Annotated[str | None, typer.Option(
        "--interpreter", help="Interpreter_Win in xlwings.conf (standaard de Python die dit commando "
                              "uitvoert, op Windows zijn pythonw.exe).")] = None,
    budget_sheet: Annotated[str, typer.Option("--sheet", "-s", help="Budgetblad voor de voorbeeldformules.")]
    = "Synthese",
    force: Annotated[bool, typer.Option("--force", help="Vervang OUT als het al bestaat.")] = False,
) -> None:
    """Een werkboek met macro's uit het quickstart-sjabloon van xlwings: het VBA-project, een actief blad xlwings.conf (UDF Modules = w13xl.excel.functions, Interpreter_Win), de bladen van het plan, een blad Start, en OUT.py ernaast waarvan main() "Scenario's doorrekenen" uitvoert (Run main).

    Voorbeeld: w13xl excel workbook W13_plan.xlsm --plan workbooks/w13-mjp-2026-2031.xlsx
    """  # noqa: E501 - command help: typer keeps these lines as they are
    from ..excel.template import UDF_MODULES, build_addin_workbook, run_main_path

    path = build_addin_workbook(out, plan=plan, interpreter=interpreter, budget_sheet=budget_sheet, force=force)
    console.print(f"Geschreven: {path} en {run_main_path(path)} (houd ze samen in één map)")
    console.print(f"UDF Modules = {UDF_MODULES}. In Excel: xlwings-tab > Import Functions, "
                  "dan =W13_M2(Synthese!A1:L46;Parameters!A1:H15); Scenario's doorrekenen: xlwings-tab > "
                  "Run main. Zie README, sectie Excel.")
