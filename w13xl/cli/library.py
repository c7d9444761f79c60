"""``w13xl bibliotheek ...``: the server's scenario library from the command line (TOML in and out)."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated

import typer

from ..errors import W13Error
from ._app import app, console, handles_input_errors
from ._i18n import DutchCommand, DutchGroup

library_app = typer.Typer(
    name="bibliotheek", no_args_is_help=True, cls=DutchGroup,
    help="De scenariobibliotheek van de server: scenario's importeren uit en exporteren naar TOML.\n\n"
         "Voorbeeld: w13xl bibliotheek import scenarios/pact-stopt-2028.toml --data /srv/w13")
app.add_typer(library_app, name="bibliotheek")

DataOption = Annotated[Path | None, typer.Option(
    "--data", help="Gegevensmap van de server (standaard W13XL_DATA_DIR of ~/.w13xl/server).")]
UrlOption = Annotated[str | None, typer.Option(
    "--database", help="Database-URL in plaats van SQLite in de gegevensmap (of W13XL_DATABASE_URL), "
                       "bv. postgresql+psycopg://w13@db/w13.")]


def _open(data: Path | None, database: str | None):
    from .. import server
    from ..library import open_library

    url = database or os.environ.get(server.DATABASE_URL_ENV, "").strip() or None
    folder = data or Path(os.environ.get(server.DATA_DIR_ENV, "").strip() or server.default_data_dir())
    return open_library(folder, url)


def _library_errors(func):
    import functools

    from ..library import LibraryError

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except LibraryError as exc:
            raise W13Error(str(exc)) from None

    return wrapper


@library_app.command("import", cls=DutchCommand)
@handles_input_errors
@_library_errors
def import_command(
    files: Annotated[list[Path], typer.Argument(metavar="BESTANDEN", help="Eén of meer .toml-scenariobestanden.")],
    naam: Annotated[str | None, typer.Option("--naam", help="Naam in de bibliotheek (standaard de bestandsnaam "
                                                              "zonder .toml; alleen bij één bestand).")] = None,
    auteur: Annotated[str | None, typer.Option("--auteur", help="Wie importeert (standaard de gebruiker van de pc).")]
    = None,
    commentaar: Annotated[str | None, typer.Option("--commentaar", help="Commentaar bij de nieuwe versie.")] = None,
    data: DataOption = None,
    database: UrlOption = None,
) -> None:
    """Importeer scenariobestanden als nieuwe versie (status concept) in de bibliotheek.

    Het auditlogboek vermeldt wie en wanneer.

    Voorbeeld: w13xl bibliotheek import scenarios/pact-stopt-2028.toml --data /srv/w13
    """
    if naam and len(files) > 1:
        raise W13Error("--naam geldt voor één bestand (verwacht: één bestand, of geen --naam)")
    lib = _open(data, database)
    who = auteur or getpass.getuser()
    for path in files:
        version = lib.import_file(path, who=who, name=naam, comment=commentaar)
        console.print(f"Geïmporteerd: {path} als {version.ref} (concept, door {version.author})", soft_wrap=True)


@library_app.command("export", cls=DutchCommand)
@handles_input_errors
@_library_errors
def export_command(
    naam: Annotated[str, typer.Argument(help="naam (de laatste goedgekeurde versie), naam@versie, of naam@laatste.")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Schrijf naar dit .toml-bestand (standaard het scherm).")] = None,
    data: DataOption = None,
    database: UrlOption = None,
) -> None:
    """Exporteer een versie uit de bibliotheek als TOML.

    Precies de opgeslagen tekst, met een kopregel over versie en status.

    Voorbeeld: w13xl bibliotheek export pact-stopt-2028@1 --out pact.toml
    """
    lib = _open(data, database)
    name, _, which = naam.partition("@")
    version = lib.get(name) if which == "laatste" else lib.resolve(naam)
    header = f"# {version.ref} uit de W13-scenariobibliotheek: {version.status}, door {version.author} op " \
             f"{version.created_at:%d/%m/%Y %H:%M} UTC"
    if version.decision_ref:
        header += f"; goedgekeurd door de raad van bestuur op {version.decision_date:%d/%m/%Y} ({version.decision_ref})"
    text = header + "\n" + version.toml
    if out is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    from ..workbook import safe_write

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    safe_write(out, write)
    console.print(f"Geschreven: {out} ({version.ref}, {version.status})", soft_wrap=True)


@library_app.command("backup", cls=DutchCommand)
@handles_input_errors
@_library_errors
def backup_command(
    out: Annotated[Path, typer.Argument(help="Het reservekopiebestand (.sqlite) dat gemaakt wordt.")],
    data: DataOption = None,
    database: UrlOption = None,
) -> None:
    """Reservekopie van de SQLite-bibliotheek, ook terwijl de server draait (PostgreSQL: pg_dump).

    Voorbeeld: w13xl bibliotheek backup bibliotheek-2026-12-07.sqlite --data /srv/w13
    """
    from ..library.store import backup

    lib = _open(data, database)
    versions = sum(s["laatste_versie"] for s in lib.names())
    path = backup(lib, out)
    console.print(f"Reservekopie: {path} ({len(lib.names())} scenario's, {versions} versies)", soft_wrap=True)
