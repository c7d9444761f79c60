"""``w13xl aannames``: every assumption the scenario engine uses, with its source."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ._app import app, console, handles_input_errors, show_warnings, write_output
from ._options import CsvOpt, RosterOpt
from ._tables import COMPACT
from .m2 import SheetOpt


def _cell(v: object) -> str:
    if isinstance(v, float):
        return f"{v * 100:.1f}%".replace(".", ",") if 0 <= v <= 1 else f"{v:,.2f}"
    return "" if v is None else str(v)


#: Short columns that never wrap (codes, dates, percentages); the text columns wrap between words.
_SHORT = {"Actie", "Richting", "Klasse", "Aandeel", "Start", "Einde", "Overhead", "Subsidie", "Beleid", "Indexklasse"}


def assumption_table(t, max_source: int | None = None) -> Table:
    """One table of assumptions in the terminal's width (issue 12's compact style). A table with
    many columns (the subsidies) is shown as one block per row: field and value, the first field
    as the block's heading, so that no column is squeezed to a few letters."""
    if len(t.header) > 7:
        table = Table(title=t.title, caption=t.note or None, caption_justify="left", show_header=False, **COMPACT)
        table.add_column("Veld", no_wrap=True, style="dim")
        table.add_column("Waarde", ratio=1)
        for i, row in enumerate(t.rows):
            if i:
                table.add_section()
            table.add_row(f"[bold]{_cell(row[0])}[/]", f"[bold]{_cell(row[1])}[/]")
            for h, v in zip(t.header[2:], row[2:], strict=True):
                table.add_row(h, _cell(v))
        return table
    table = Table(title=t.title, caption=t.note or None, caption_justify="left", **COMPACT)
    for h in t.header:
        wide = h in ("Bron", "Verwijzing", "Regel", "Financier")
        table.add_column("R" if h == "Richting" else h, no_wrap=h in _SHORT,
                         max_width=max_source if wide else None, ratio=3 if wide else None,
                         justify="right" if h in ("Aandeel", "Overhead") else "left")
    for row in t.rows:
        table.add_row(*(_cell(v) for v in row))
    return table


def index_class_table(baseline, width: int = 100) -> Table:
    """The compact per-line table of ``w13xl run``: class, share and origin per line (fits ``width``)."""
    from ..assumptions import compact_index_lines

    table = Table(title="Indexklasse per lijn (pers. = personeelsbestand, blad = Indexering, reg. = register, "
                        "param. = Parameters, std. = standaard vast)", title_justify="left")
    table.add_column("Actie", no_wrap=True)
    table.add_column("R", no_wrap=True)
    table.add_column("Klasse, aandeel over de planjaren, herkomst", no_wrap=True, max_width=width - 16)
    for action, direction, text in compact_index_lines(baseline, width):
        table.add_row(action, direction, text)
    return table


def print_index_classes(workbook: Path, sheet: str | None = None, baseline=None) -> None:
    """Print the compact index table for ``w13xl run`` (the given baseline, else the workbook's)."""
    from ..scenario.loader import load_baseline

    console.print(index_class_table(baseline if baseline is not None else load_baseline(workbook, sheet=sheet)))


@app.command("aannames")
@handles_input_errors
def aannames_command(
    workbook: Annotated[Path, typer.Argument(help="Het werkboek met het meerjarenplan.")],
    sheet: SheetOpt = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Schrijf de tabellen ook weg: .json of .csv.")] = None,
    csv_style: CsvOpt = "be",
    roster: RosterOpt = None,
) -> None:
    """Aannames met hun bron: indexklasse per lijn, subsidies, beleid bij einde subsidie, werkgeverskost, minimumreserve en indexering.

    Voorbeeld: w13xl aannames workbooks/w13-mjp-2026-2031.xlsx --out aannames.csv
    """  # noqa: E501 - command help: typer keeps these lines as they are
    from ..assumptions import assumption_tables
    from ..scenario.loader import load_baseline

    baseline = load_baseline(workbook, sheet=sheet, roster=roster)
    show_warnings(baseline.warnings)
    tables = assumption_tables(baseline)
    for t in tables:
        console.print(assumption_table(t))
        console.print()
    if out is not None:
        def no_xlsx(path: Path) -> None:
            raise typer.BadParameter("--out moet .json of .csv zijn voor w13xl aannames")

        write_output(out, lambda: {"workbook": str(workbook), "aannames": [t.to_dict() for t in tables]},
                     lambda: [row for t in tables for row in (
                         [t.title], list(t.header), *[["" if v is None else v for v in r] for r in t.rows], [])],
                     csv_style, no_xlsx)
