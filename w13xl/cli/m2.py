"""``w13xl m2``: schema M2 of a workbook's plan."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from ..errors import W13Error
from ..fmt import euro
from ..m2 import M2Result, compute_m1, compute_m2, m2_rows
from ..sheets import LoadedPlan
from ..workbook import load_plan
from ._app import app, check_out, handles_input_errors, show_warnings, write_output
from ._options import CsvOpt, check_csv_style, parse_amount, parse_nonnegative_amount
from ._tables import CompactTable, print_fitted, print_markup

SheetOpt = Annotated[str | None, typer.Option("--sheet", "-s", help="Budgetblad (standaard 'Synthese', "
                                                  "anders het eerste blad met een budgetindeling).")]
OpeningOpt = Annotated[float | None, typer.Option(
    "--opening-reserve", parser=parse_amount, metavar="BEDRAG",
    help="Gecumuleerd budgettair resultaat vorig boekjaar, bv. 404.701,70 (vervangt het blad Parameters).")]
MinimumOpt = Annotated[float | None, typer.Option(
    "--minimum-reserve", parser=parse_nonnegative_amount, metavar="BEDRAG",
    help="Minimumreserve als bedrag, bv. 211.211 (vervangt het blad Parameters).")]
USignOpt = Annotated[str, typer.Option(
    "--u-sign", help="Teken van de U-bedragen op het blad: auto, negative of positive.")]


def load(workbook: Path, sheet: str | None, opening_reserve: float | None, minimum_reserve: float | None,
         u_sign: str = "auto") -> LoadedPlan:
    """Read a workbook and apply command-line overrides of its parameters."""
    if u_sign not in ("auto", "negative", "positive"):
        raise W13Error(f"--u-sign {u_sign}: verwacht auto, negative of positive")
    loaded = load_plan(workbook, sheet=sheet, u_sign=u_sign)
    show_warnings(loaded.warnings)
    if minimum_reserve is not None:
        loaded.params = dataclasses.replace(loaded.params, minimum_reserve=minimum_reserve,
                                            minimum_reserve_pct=None)
    loaded.params = loaded.params.replace(opening_reserve=opening_reserve)
    return loaded


def m2_table(result: M2Result, title: str, years: Sequence[int] | None = None) -> CompactTable:
    """Schema M2 as a terminal table (the years with these indices; default all). The label column
    wraps, amounts never do. Printed without rich (start-up, issue 14)."""
    from ..m2 import M2_LINES, SECTION_TITLES

    idx = list(range(len(result.years))) if years is None else list(years)
    table = CompactTable(title=title)
    table.add_column("Nr", justify="right", style="dim", no_wrap=True)
    table.add_column("Schema M2", justify="left", min_width=22)
    for i in idx:
        table.add_column(str(result.years[i]), justify="right", no_wrap=True)
    previous_section = "M2"
    sections = {s.key: s.section for s in M2_LINES}
    for number, label, key, values in m2_rows(result):
        section = sections.get(key, "norm")
        if section != previous_section:
            table.add_section()
            if section in SECTION_TITLES:
                table.add_row("", f"[bold]{SECTION_TITLES[section]}[/]", *[""] * len(idx))
            previous_section = section
        detail = number in ("a", "b")
        cells = [f"[red]{euro(values[i])}[/]" if values[i] < -0.005 else euro(values[i]) for i in idx]
        style = "dim" if detail else ("bold" if key in ("gecumuleerd_budgettair_resultaat", "autofinancieringsmarge",
                                                        "beschikbaar_budgettair_resultaat") else None)
        table.add_row(number, ("   " if detail else "") + label, *cells, style=style)
    return table


def print_m2(result: M2Result, title: str) -> None:
    """Schema M2 on the terminal, in blocks of years when the terminal is narrow."""
    print_fitted(None, lambda block: m2_table(result, title, block), len(result.years))


def norm_lines(result: M2Result) -> list[tuple[bool, str]]:
    """(ok, text) per check, in the words of :func:`w13xl.m2.check_rules` (a statutory norm, an
    engagement or a policy, by kind of bestuur). The AFM check looks at the last plan year; the
    first year with a negative AFM is named as a separate fact."""
    from ..fmt import FIRST_NEGATIVE_AFM_LABEL
    from ..m2 import first_year_below

    out = []
    years = result.years
    for key, norm in result.norms.items():
        if key == "afm_last_year_nonnegative":
            text = norm.label
            text += ": voldaan" if norm.ok else f": niet voldaan (AFM {euro(result['autofinancieringsmarge'][-1])})"
            first = first_year_below(years, result["autofinancieringsmarge"])
            if first is not None:
                text += f"; e{FIRST_NEGATIVE_AFM_LABEL[1:]}: {first}"
        elif norm.ok:
            text = f"{norm.label}: voldaan"
        elif len(norm.breach_years) == 1:
            text = f"{norm.label}: niet voldaan in {norm.first_breach_year}"
        else:
            text = (f"{norm.label}: niet voldaan vanaf {norm.first_breach_year} "
                    f"({', '.join(map(str, norm.breach_years))})")
        out.append((norm.ok, text))
    return out


def bestuur_line(result: M2Result) -> str:
    """'Soort bestuur: ...' and which checks are statutory norms for it."""
    from ..m2 import bestuur_name

    statutory = [r for r in result.rules.values() if r.statutory]
    tail = ("wettelijke normen (BBC-besluit, art. 16) zijn als zodanig aangeduid" if statutory else
            "engagement en beleid zijn keuzes van het bestuur zelf, de andere regels controles")
    return f"Soort bestuur: {bestuur_name(result.bestuur)}; {tail} (zie docs/normen.md)."


def print_norms(result: M2Result) -> None:
    for ok, text in norm_lines(result):
        print_markup(f"[green]✓[/] {text}" if ok else f"[bold red]✗[/] {text}")
    print_markup(f"[dim]{bestuur_line(result)}[/]")


def m2_csv_rows(result: M2Result) -> list[list]:
    rows: list[list] = [["key", "nummer", "omschrijving", *result.years]]
    for number, label, key, values in m2_rows(result):
        rows.append([key, number, label, *[f"{v:.2f}" for v in values]])
    return rows


@app.command("m2")
@handles_input_errors
def m2_command(
    workbook: Annotated[Path, typer.Argument(help="Het werkboek (.xlsx/.xlsm) met het budgetblad.")],
    sheet: SheetOpt = None,
    opening_reserve: OpeningOpt = None,
    minimum_reserve: MinimumOpt = None,
    u_sign: USignOpt = "auto",
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Schrijf het resultaat ook weg: .json, .csv of .xlsx.")] = None,
    csv_style: CsvOpt = "be",
) -> None:
    """Schema M2 (staat van het financieel evenwicht) met de normen.

    Voorbeeld: w13xl m2 workbooks/w13-mjp-2026-2031.xlsx --opening-reserve 404.701,70 -o m2.csv
    """
    check_out(out, workbook)
    loaded = load(workbook, sheet, opening_reserve, minimum_reserve, u_sign)
    result = compute_m2(loaded.plan, loaded.params)
    print_m2(result, f"Schema M2 — {workbook.name}, blad '{loaded.sheet}' ({loaded.layout})")
    print_norms(result)
    if out is not None:
        from ..report import write_m2_workbook

        m1 = compute_m1(loaded.plan)
        write_output(out, lambda: {"workbook": str(workbook), "sheet": loaded.sheet, **result.to_dict(), "m1": m1},
                     lambda: m2_csv_rows(result), check_csv_style(csv_style),
                     lambda path: write_m2_workbook(path, {"Meerjarenplan": result}))
