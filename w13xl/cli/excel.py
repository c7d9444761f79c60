"""``w13xl excel ...``: prepare Excel for the W13 add-in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._app import app, console, handles_input_errors
from ._i18n import DutchCommand, DutchGroup

excel_app = typer.Typer(name="excel", help="Excel-invoegtoepassing (xlwings): een werkboek dat klaar is voor "
                                           "gebruik.\n\nVoorbeeld: w13xl excel workbook W13_plan.xlsm",
                        no_args_is_help=True, cls=DutchGroup)
app.add_typer(excel_app, name="excel")


@excel_app.command("workbook", cls=DutchCommand)
@handles_input_errors
def workbook_command(
    out: Annotated[Path, typer.Argument(help="Het werkboek dat gemaakt wordt (.xlsm; alleen letters, cijfers en _, "
                                             "bv. W13_plan.xlsm); UITVOER.py komt ernaast.")],
    plan: Annotated[Path | None, typer.Option(
        "--plan", "-p", help="Werkboek waarvan de bladen overgenomen worden "
                             "(standaard het meegeleverde voorbeeldplan).")] = None,
    interpreter: Annotated[str | None, typer.Option(
        "--interpreter", help="Interpreter_Win in xlwings.conf: het Windows-pad naar pythonw.exe op de "
                              "pc's (standaard geen: Excel neemt de interpreter uit de xlwings-instellingen "
                              "van de pc).")] = None,
    budget_sheet: Annotated[str, typer.Option("--sheet", "-s", help="Budgetblad voor de voorbeeldformules.")]
    = "Synthese",
    force: Annotated[bool, typer.Option("--force", help="Vervang UITVOER als het al bestaat.")] = False,
) -> None:
    """Een werkboek met macro's uit het quickstart-sjabloon van xlwings: het VBA-project, een actief blad xlwings.conf (UDF Modules = w13xl.excel.functions, Interpreter_Win), de bladen van het plan, een blad Start, en UITVOER.py ernaast waarvan main() "Scenario's doorrekenen" uitvoert (Run main).

    Voorbeeld: w13xl excel workbook W13_plan.xlsm --plan workbooks/w13-mjp-2026-2031.xlsx
    """  # noqa: E501 - command help: typer keeps these lines as they are
    from ..excel.template import UDF_MODULES, build_addin_workbook, run_main_path

    path = build_addin_workbook(out, plan=plan, interpreter=interpreter, budget_sheet=budget_sheet, force=force)
    console.print(f"Geschreven: {path} en {run_main_path(path)} (houd ze samen in één map)")
    console.print(f"UDF Modules = {UDF_MODULES}. In Excel: xlwings-tab > Import Functions, "
                  "dan =W13_M2(Begroting;Parameters) (blad W13 Formules); Scenario's doorrekenen: xlwings-tab > "
                  "Run main. Zie README, sectie Excel.")


@excel_app.command("sjabloon")
@handles_input_errors
def template_command(
    out: Annotated[Path, typer.Argument(help="Het werkboek dat gemaakt wordt (.xlsx).")],
    plan: Annotated[Path | None, typer.Option(
        "--plan", "-p", help="Werkboek met het plan (standaard het meegeleverde voorbeeldplan).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Vervang OUT als het al bestaat.")] = False,
) -> None:
    """Een werkboek voor de W13-add-in (w13xl serve) of xlwings Lite: het plan met een naam per invoertabel (Begroting, Parameters, Personeel, ...), het blad W13 Formules en keuzelijsten op Scenario's.

    Voorbeeld: w13xl excel sjabloon W13_officejs.xlsx --plan workbooks/w13-mjp-2026-2031.xlsx
    """  # noqa: E501 - command help: typer keeps these lines as they are
    from ..excel.template import build_officejs_workbook

    path = build_officejs_workbook(out, plan=plan, force=force)
    console.print(f"Geschreven: {path}. Open het in Excel met de W13-add-in: het blad 'W13 Formules' rekent "
                  "meteen (=W13.M2(Begroting;Parameters;Categorieen)).")
