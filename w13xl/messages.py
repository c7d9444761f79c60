"""The Dutch message catalogue: every text a user reads about their input, by id.

A message is written once, in Dutch, and looked up by id with parameters (:func:`msg`); raise
sites that need a one-off text write it in Dutch directly. The place of an error (file, sheet,
cell or row, key) is not part of a message: :class:`w13xl.errors.InputError` keeps it in fields
and :func:`location` renders it with the words below, so every output (terminal, JSON/CSV, an
Excel cell) shows the same text. pydantic's validation errors are rendered from their
structured ``errors()`` (type and context), never from pydantic's English text
(:func:`pydantic_message`).

Nothing here imports the rest of w13xl (the errors module builds on it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Words that say where something is.
FILE, SHEET, CELL, ROW, KEY, EXPECTED, GIVEN = "bestand", "blad", "cel", "rij", "sleutel", "verwacht", "gegeven"


class Text(str):
    """A catalogue text: the rendered Dutch string, carrying its id and parameters along."""

    id: str | None
    params: dict[str, Any]

    def __new__(cls, text: str, id: str | None = None, params: Mapping[str, Any] | None = None) -> Text:
        self = super().__new__(cls, text)
        self.id = id
        self.params = dict(params or {})
        return self


def message_id(message: object) -> str | None:
    return getattr(message, "id", None)


def message_params(message: object) -> dict[str, Any]:
    return dict(getattr(message, "params", None) or {})


#: id -> Dutch template (str.format fields are the parameters).
MESSAGES: dict[str, str] = {
    # amounts and numbers (w13xl.sheets, w13xl.numbers)
    "amount.not_an_amount": "'{value}' is geen bedrag",
    "amount.not_finite": "het bedrag is geen eindig getal",
    "amount.excel_error": "de cel bevat de Excel-fout {error}",
    "amount.text": "tekst '{value}' in een bedragcel",
    "amount.as_text": "bedrag als tekst '{value}', gelezen als {amount}",
    "expected.amount": "een bedrag in euro, bv. 1234,56",
    "expected.amount_or_text": "een bedrag in euro, bv. 1234,56 of tekst als '1.234,56'",
    "expected.number": "een getal",
    "number.not_a_number": "'{value}' is geen getal",
    "number.not_finite": "geen eindig getal: {value}",
    "number.not_whole": "geen geheel getal: {value}",
    # one rule for percentages
    "rate.above_100": ("{label}: {number} wordt gelezen als {percent}%, boven 100% (percentages zijn breuken: "
                       "{fraction} = {number}%, of tekst '{number}%')"),
    "expected.fraction": "een breuk zoals {fraction} of '{percent}'",
    "rate.above_bound": ("{key} = {value} wordt gelezen als {percent}%{per_year}, boven de grens van {bound}% "
                         "(percentages zijn breuken: {key} = {fraction}, of schrijf \"{text}\"); is dat echt de "
                         "bedoeling, zet dan override_bounds = true"),
    # dates and years
    "date.not_a_date": "geen datum: {value}",
    "date.outside_plan": "datum {date} valt buiten het plan ({span})",
    "year.outside_plan": "jaar {year} valt buiten het plan",
    # scenario files
    "scenario.unknown_key": "onbekende sleutel{hint}",
    "scenario.unknown_change_type": "onbekend soort wijziging (verwacht een van: {types})",
    "internal": "interne fout ({kind}: {detail})",
}


def msg(id: str, **params: Any) -> Text:
    """The catalogue text ``id`` with its parameters filled in (Dutch)."""
    return Text(MESSAGES[id].format(**params), id, params)


def location(file: str | None = None, sheet: str | None = None, cell: str | None = None,
             key: str | None = None, row: int | None = None) -> str:
    """``bestand.xlsx, blad 'Synthese', cel G1`` (or ``rij 7``, ``sleutel changes[0].pct``)."""
    parts = []
    if file:
        parts.append(str(file))
    if sheet:
        parts.append(f"{SHEET} '{sheet}'")
    if cell:
        parts.append(cell if cell.startswith(f"{ROW} ") else f"{CELL} {cell}")
    elif row is not None:
        parts.append(f"{ROW} {row}")
    if key:
        parts.append(f"{KEY} {key}")
    return ", ".join(parts)


# -- pydantic ---------------------------------------------------------------------------------
#: pydantic error type -> Dutch template (fields from the error's ``ctx``).
PYDANTIC: dict[str, str] = {
    "missing": "verplicht veld ontbreekt",
    "extra_forbidden": "onbekende sleutel",
    "dict_type": "verwacht een tabel (sleutels met waarden)",
    "model_type": "verwacht een tabel (sleutels met waarden)",
    "model_attributes_type": "verwacht een tabel (sleutels met waarden)",
    "list_type": "verwacht een lijst",
    "tuple_type": "verwacht een lijst",
    "set_type": "verwacht een lijst",
    "string_type": "verwacht tekst",
    "string_too_short": "tekst te kort (minstens {min_length} teken(s))",
    "string_too_long": "tekst te lang (hoogstens {max_length} tekens)",
    "too_short": "te weinig elementen (minstens {min_length})",
    "too_long": "te veel elementen (hoogstens {max_length})",
    "bool_type": "geen geldige waar/onwaar-waarde",
    "bool_parsing": "geen geldige waar/onwaar-waarde",
    "int_type": "geen geheel getal",
    "int_parsing": "geen geheel getal",
    "int_from_float": "geen geheel getal",
    "float_type": "geen getal",
    "float_parsing": "geen getal",
    "finite_number": "geen eindig getal",
    "decimal_type": "geen getal",
    "decimal_parsing": "geen getal",
    "greater_than": "moet groter zijn dan {gt}",
    "greater_than_equal": "moet minstens {ge} zijn",
    "less_than": "moet kleiner zijn dan {lt}",
    "less_than_equal": "mag hoogstens {le} zijn",
    "date_type": "geen geldige datum",
    "date_parsing": "geen geldige datum",
    "date_from_datetime_parsing": "geen geldige datum",
    "date_from_datetime_inexact": "geen datum (een tijdstip of een negatief getal)",
    "datetime_type": "geen geldige datum",
    "datetime_parsing": "geen geldige datum",
    "literal_error": "verwacht een van: {expected}",
    "enum": "verwacht een van: {expected}",
    "union_tag_invalid": "onbekend soort: {tag} (verwacht een van: {expected_tags})",
    "union_tag_not_found": "het veld '{discriminator}' ontbreekt",
    "json_invalid": "ongeldige invoer",
}


def _dutch_or(text: str) -> str:
    """pydantic's own lists (``'a', 'b' or 'c'``) with Dutch conjunctions."""
    return text.replace(" or ", " of ").replace(" and ", " en ")


def pydantic_message(error: Mapping[str, Any]) -> str:
    """One of pydantic's ``errors()`` in Dutch, from its type and context. A ``value_error`` is
    w13xl's own validator speaking (Dutch at source): its text is used as it is."""
    kind = str(error.get("type", ""))
    ctx = dict(error.get("ctx") or {})
    if kind in ("value_error", "assertion_error"):
        exc = ctx.get("error")
        return str(exc) if exc is not None else str(error.get("msg", "")).removeprefix("Value error, ")
    template = PYDANTIC.get(kind)
    if template is None:
        return f"ongeldige waarde ({kind})"
    fields = {k: _dutch_or(str(v)) for k, v in ctx.items()}
    try:
        return template.format(**fields)
    except (KeyError, IndexError):
        return template.split(" {")[0].split("{")[0].strip()


# -- the system's own messages ----------------------------------------------------------------
_ERRNO = {
    "ENOENT": "bestand of map niet gevonden",
    "EACCES": "geen toegang",
    "EPERM": "niet toegestaan",
    "ENOSPC": "de schijf is vol",
    "EDQUOT": "de schijfruimte (quota) is op",
    "EROFS": "alleen-lezen bestandssysteem",
    "ENAMETOOLONG": "naam te lang",
    "EISDIR": "het is een map",
    "ENOTDIR": "een deel van het pad is geen map",
    "EEXIST": "bestaat al",
    "EBUSY": "in gebruik",
    "ETXTBSY": "in gebruik",
    "EINVAL": "ongeldige naam of bewerking",
    "EIO": "invoer-/uitvoerfout",
    "ELOOP": "te veel symbolische koppelingen",
    "EXDEV": "ander bestandssysteem",
    "ENOTEMPTY": "de map is niet leeg",
    "EMFILE": "te veel open bestanden",
    "EFBIG": "bestand te groot",
}


def os_reason(exc: OSError) -> str:
    """Why the system refused a file operation, in Dutch (from the error number, not its English
    text)."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    reason = _ERRNO.get(name)
    if reason is None:
        return f"systeemfout {name or exc.errno or type(exc).__name__}"
    return reason


def toml_reason(exc: Exception) -> str:
    """Where a TOML file is malformed, in Dutch (line and column of the parser's error)."""
    import re

    m = re.search(r"line (\d+), column (\d+)", str(exc))
    if m:
        return f"regel {m.group(1)}, kolom {m.group(2)}"
    return "onleesbaar"


# -- the command line's own texts (typer) -----------------------------------------------------
#: Dutch for the texts typer marks for gettext (``_()`` in typer.core and typer.rich_utils), by
#: their English msgid. Compiled into
#: ``w13xl/locale/nl/LC_MESSAGES/w13xl.mo`` (``python -m w13xl.cli._i18n``; a test checks the
#: file matches this table).
TYPER_NL: dict[str, str] = {
    "Arguments": "Argumenten",
    "Options": "Opties",
    "Commands": "Commando's",
    "Error": "Fout",
    "Aborted.": "Afgebroken.",
    "Aborted!": "Afgebroken!",
    "(deprecated) ": "(verouderd) ",
    "[default: {}]": "[standaard: {}]",
    "[env var: {}]": "[omgevingsvariabele: {}]",
    "[required]": "[verplicht]",
    "Try [blue]'{command_path} {help_option}'[/] for help.": "Hulp: [blue]'{command_path} {help_option}'[/]",
    "required": "verplicht",
    "default: {default}": "standaard: {default}",
    "env var: {var}": "omgevingsvariabele: {var}",
    "(dynamic)": "(dynamisch)",
    "Missing command.": "Commando ontbreekt.",
    "No such command {name!r}.": "Onbekend commando {name!r}.",
}

#: What typer's vendored click writes without gettext, in Dutch (used by w13xl.cli._i18n).
CLI_USAGE = "Gebruik: "
CLI_HELP_OPTION = "Toon deze hulp en stop."
CLI_OPTIONS_METAVAR = "[OPTIES]"
CLI_COMMAND_METAVAR = "COMMANDO [ARGUMENTEN]..."
#: The commands' arguments by their (English) parameter name, as help and usage errors name them.
CLI_ARGUMENT_NAMES = {"workbook": "WERKBOEK", "scenarios": "SCENARIO'S", "scenario": "SCENARIO", "out": "UITVOER",
                      "old": "OUD", "new": "NIEUW", "name": "NAAM", "plan": "PLAN", "accounts": "REKENING"}
#: What an option's value is, by its type, where the option names no placeholder of its own.
CLI_VALUE_NAMES = {"str": "TEKST", "text": "TEKST", "path": "PAD", "int": "GETAL", "integer": "GETAL",
                   "float": "GETAL", "int range": "GETAL", "float range": "GETAL", "datetime": "DATUM",
                   "filename": "BESTAND"}
