"""``w13xl nota``: the note to the board (Word, and PDF with LibreOffice)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError
from ._app import app, console, err_console, handles_input_errors, print_pdf, show_warnings
from .board import _parse_created
from .m2 import SheetOpt


@app.command("nota")
@handles_input_errors
def nota_command(
    workbook: Annotated[Path, typer.Argument(help="Het werkboek (.xlsx/.xlsm) met het meerjarenplan.")],
    scenarios: Annotated[list[str] | None, typer.Argument(
        help="Scenariobestanden (.toml), mappen ermee, of namen van scenario's op het blad \"Scenario's\".")] = None,
    voorstel: Annotated[Path | None, typer.Option(
        "--voorstel", help="Het voorstel (.toml): de opties, hun volgorde en de gevraagde beslissing. "
                           "Zonder: de opties naar effect en een beslissing in te vullen.")] = None,
    out: Annotated[Path, typer.Option("--out", "-o",
                                      help="De nota die geschreven wordt (.docx).")] = Path("nota.docx"),
    pdf: Annotated[bool, typer.Option("--pdf", help="Maak ook de PDF (zelfde naam, .pdf), met LibreOffice.")] = False,
    created: Annotated[str | None, typer.Option(
        "--created", help="De datum van de nota (standaard vandaag), bv. 15/01/2026.")] = None,
    accounts: Annotated[Path | None, typer.Option(
        "--accounts", help="Werkboek met een jaarrekening van een planjaar: de bijlage Realisatie.")] = None,
    accounts_sheet: Annotated[str | None, typer.Option(
        "--accounts-sheet", help="Blad met die jaarrekening.")] = None,
    sheet: SheetOpt = None,
) -> None:
    """Nota aan de raad van bestuur: vraag, antwoord, gevraagde beslissing, normen, één pagina per optie.

    Voorbeeld: w13xl nota workbooks/w13-mjp-2026-2031.xlsx scenarios --voorstel scenarios/voorstel.toml --pdf
    """
    from datetime import date, datetime

    from ..nota.content import build_nota
    from ..nota.render import docx_to_pdf, write_docx
    from ..nota.study import nota_input
    from ..nota.voorstel import load_voorstel

    if out.suffix.lower() != ".docx":
        raise InputError(f"--out moet een .docx-bestand zijn, niet '{out.suffix}'", file=str(out))
    if not out.resolve().parent.is_dir():
        raise InputError("de map van --out bestaat niet", file=str(out), expected="een bestaande map")
    when = _parse_created(created)
    day = when.date() if isinstance(when, datetime) else (when or date.today())
    spec = load_voorstel(voorstel) if voorstel is not None else None
    inp, warnings = nota_input(workbook, list(scenarios or []), spec, sheet=sheet, accounts=accounts,
                               accounts_sheet=accounts_sheet, created=day)
    show_warnings(warnings)
    nota = build_nota(inp)
    write_docx(nota, out)
    console.print(f"Geschreven: {out}")
    if spec is None:
        err_console.print("Let op: geen --voorstel: de gevraagde beslissing staat als IN TE VULLEN op pagina 1.",
                          soft_wrap=True)
    if pdf:
        print_pdf(docx_to_pdf, out)
