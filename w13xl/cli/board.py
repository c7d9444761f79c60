"""``w13xl board``: the board pack (workbook and PDF) from scenario runs, and write-back."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError
from ._app import app, console, handles_input_errors, print_pdf, show_warnings
from .m2 import SheetOpt


def board_study(workbook: Path, scenarios: list[str], sheet: str | None):
    """(baseline, library, scenarios, runs) as ``w13xl run`` makes them: the scenarios (files,
    folders, or names on the workbook's "Scenario's" sheet; none: every scenario of that sheet)
    run with the scenario engine. Without any scenario the pack shows the plan itself (the
    baseline scenario, no changes)."""
    from ..board.base import BASELINE_LABEL
    from ..scenario import run_scenarios
    from ..scenario.loader import load_study
    from ..scenario.spec import Scenario

    baseline, library, selected = load_study(workbook, scenarios, sheet=sheet)
    show_warnings(baseline.warnings)
    plan = Scenario(name="basis", title=BASELINE_LABEL,
                    description=f"Het meerjarenplan zoals in {workbook.name}, zonder wijzigingen.")
    selected = selected or [plan]
    # A scenario with an [uncertainty] table is shown as a fan chart only, never as a deterministic
    # scenario (its central path is not a forecast).
    deterministic = [s for s in selected if not s.uncertainty] or [plan]
    return baseline, library, selected, run_scenarios(baseline, deterministic, library).runs()


def uncertainty_parts(baseline, library, selected) -> dict:
    """Cliffs and goal seek on the plan, and a Monte Carlo fan chart of the first scenario with an
    [uncertainty] table (if any), for the board pack's extra sheets."""
    from ..cliffs import subsidy_cliffs
    from ..goalseek import solve_contribution, solve_fte
    from ..montecarlo import simulate

    parts: dict = {}
    if baseline.subsidies:
        parts["cliffs"] = subsidy_cliffs(baseline)
    parts["solutions"] = [solve_contribution(baseline)] + ([solve_fte(baseline)] if baseline.positions else [])
    uncertain = next((s for s in selected if s.uncertainty), None)
    if uncertain is not None:
        parts["simulation"] = simulate(baseline, uncertain, library)
    return parts


def _parse_created(text: str | None) -> date | datetime | None:
    """'2026-01-15', '15/01/2026' or '2026-01-15T10:30'."""
    if text is None:
        return None
    try:
        if "T" in text or " " in text:
            return datetime.fromisoformat(text)
        from ..numbers import parse_date

        return parse_date(text)
    except ValueError:
        raise InputError(f"--created '{text}' is geen datum",
                         expected="bv. 15/01/2026, 2026-01-15 of 2026-01-15T10:30") from None


@app.command("bordpakket")
@handles_input_errors
def board_command(
    workbook: Annotated[Path, typer.Argument(help="Het werkboek (.xlsx/.xlsm) met het meerjarenplan.")],
    scenarios: Annotated[list[str] | None, typer.Argument(
        help="Scenariobestanden (.toml), mappen ermee, of namen van scenario's op het blad \"Scenario's\". "
             "Geen: elk scenario van dat blad, anders het plan zelf.")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Het bordpakket dat geschreven wordt (.xlsx).")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Druk het bordpakket ook af als PDF (OUT met .pdf), "
                                                    "met LibreOffice.")] = False,
    into: Annotated[Path | None, typer.Option(
        "--into", help="Voeg de bladen van het bordpakket ('W13 ...') toe aan deze .xlsx/.xlsm of vervang ze; "
                       "al de rest blijft.")] = None,
    backup: Annotated[bool, typer.Option("--backup", help="Bewaar het vorige bestand als NAAM.bak.")] = False,
    plan_name: Annotated[str | None, typer.Option(
        "--plan-name", help="Naam in titels en paginakoppen (standaard 'meerjarenplan EERSTE-LAATSTE').")] = None,
    created: Annotated[str | None, typer.Option(
        "--created", help="De datum 'aangemaakt op' (standaard: nu), bv. 15/01/2026, "
                          "voor herhaalbare pakketten.")] = None,
    sheet: SheetOpt = None,
    uncertainty: Annotated[bool, typer.Option(
        "--uncertainty/--no-uncertainty", help="Voeg de subsidiekliffen, het doelzoeken voor het plan en de "
                                               "waaier van het eerste scenario met een "
                                               "\\[uncertainty]-tabel toe.")] = True,
    accounts: Annotated[Path | None, typer.Option(
        "--accounts", help="Werkboek met de rekeningen: voegt het blad 'Realisatie vs plan' toe.")] = None,
    accounts_sheet: Annotated[str | None, typer.Option(
        "--accounts-sheet", help="Blad met de rekeningen (in --accounts, of in WERKBOEK zonder --accounts).")] = None,
) -> None:
    """Bordpakket: overzicht, reservegrafiek, subsidiekliffen, één pagina per scenario, bijlage M2; PDF.

    Voorbeeld: w13xl bordpakket workbooks/w13-mjp-2026-2031.xlsx scenarios/*.toml --out bordpakket.xlsx --pdf
    """
    from ..board import render_pdf, write_board_into, write_board_pack

    if out is None and into is None:
        raise InputError("niets te schrijven", expected="--out bord.xlsx en/of --into WERKBOEK")
    if pdf and out is None:
        raise InputError("--pdf drukt het bordwerkboek af", expected="--out bord.xlsx met --pdf")
    if out is not None:
        if out.suffix.lower() != ".xlsx":
            raise InputError(f"--out moet een .xlsx-bestand zijn, geen '{out.suffix}'", file=str(out))
        if not out.resolve().parent.is_dir():
            raise InputError("de map van --out bestaat niet", file=str(out), expected="een bestaande map")
        if out.resolve() == workbook.resolve() or (into is not None and out.resolve() == into.resolve()):
            raise InputError("--out zou het invoerwerkboek overschrijven; gebruik --into om erin te schrijven",
                             file=str(out))
    when = _parse_created(created) or datetime.now().replace(second=0, microsecond=0)
    from ..workbook import file_stamp

    into_stamp = file_stamp(into) if into is not None else None  # before anything is read: a save
    realisatie = None                                             # during the run is not overwritten
    if accounts is not None or accounts_sheet is not None:  # checked before anything is written
        from .realisatie import load_comparison
        realisatie = load_comparison(workbook, accounts, sheet, accounts_sheet)[0]
    baseline, library, selected, runs = board_study(workbook, list(scenarios or []), sheet)
    parts = uncertainty_parts(baseline, library, selected) if uncertainty else None
    from ..board.aannames import board_sheet as assumptions_sheet

    sheets = [assumptions_sheet(baseline)]
    if realisatie is not None:
        from ..board.realisatie import board_sheet as realisatie_sheet

        sheets.append(realisatie_sheet(realisatie))
    years = runs[0].years
    name = plan_name or f"meerjarenplan {years[0]}-{years[-1]}"
    extra = {"Werkboek": workbook.name}
    if out is not None:
        write_board_pack(runs, out, plan_name=name, created=when, extra=extra, backup=backup, uncertainty=parts,
                         extra_sheets=sheets)
        from ..fmt import count

        console.print(f"Geschreven: {out} ({count(len(runs), 'scenario', 'scenario' + chr(39) + 's')})")
    if into is not None:
        _, written, removed = write_board_into(runs, into, plan_name=name, created=when, extra=extra,
                                               backup=backup, uncertainty=parts, extra_sheets=sheets,
                                               stamp=into_stamp)
        console.print(f"Bijgewerkt: {into}: bladen {', '.join(written)}"
                      + (f"; verwijderd: {', '.join(removed)}" if removed else ""))
    if pdf and out is not None:  # --pdf without --out is refused above
        print_pdf(render_pdf, out)
