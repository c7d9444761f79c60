"""Options every command shares: amounts and dates typed the Belgian way, the CSV style."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from ..numbers import implausible_amount, not_an_amount, parse_decimal

_THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+")


def parse_amount(text: str) -> float:
    """An amount as typed on the command line: 404.701,70 (Belgian), 404701.70, 404701,70 or
    404.701 (a point before exactly three digits is a thousands separator, as in Belgium)."""
    if isinstance(text, (int, float)):
        return float(text)
    if message := not_an_amount(text):
        raise typer.BadParameter(f"{message} (een bedrag in euro, bijvoorbeeld 404.701,70 of 404701.70)")
    clean = str(text).strip().replace(" ", "").replace("€", "")
    if _THOUSANDS.fullmatch(clean):
        clean = clean.replace(".", "")
    try:
        value = parse_decimal(clean)
    except ValueError:
        raise typer.BadParameter(f"'{text}' is geen bedrag (bijvoorbeeld 404.701,70 of 404701.70)") from None
    if message := implausible_amount(value):
        raise typer.BadParameter(message)
    return value


def parse_nonnegative_amount(text: str) -> float:
    """:func:`parse_amount` of an amount that cannot be negative (a minimum reserve)."""
    value = parse_amount(text)
    if value < 0:
        raise typer.BadParameter(f"'{text}' is negatief; verwacht een bedrag van 0 of meer")
    return value


RosterOpt = Annotated[Path | None, typer.Option(
    "--personeel", help="Personeelsbestand (export van het personeelsbeheer, .csv of .xlsx) in plaats van het blad "
                        "Personeel van het werkboek; kolommen: docs/personeel.md.")]
PseudoOpt = Annotated[bool, typer.Option("--pseudoniem", help="Vervang namen en positienummers van het "
                                         "personeelsbestand door 'persoon 01', 'persoon 02', ... in de uitvoer.")]

CsvOpt = Annotated[str, typer.Option(
    "--csv-stijl", help="CSV-uitvoer: 'be' = puntkomma en decimale komma (Excel met Belgische instellingen), "
                        "'int' = komma en decimale punt.")]


def check_csv_style(style: str) -> str:
    if style not in ("be", "int"):
        raise typer.BadParameter(f"--csv-stijl {style}: verwacht 'be' of 'int'")
    return style
