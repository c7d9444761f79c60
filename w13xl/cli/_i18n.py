"""Dutch for what typer itself prints: help screens and usage errors.

Two mechanisms, each the one typer offers for the texts concerned:

* typer marks some of its texts for gettext (``_()`` in ``typer.core`` and ``typer.rich_utils``:
  the help panels' titles, ``[standaard: ...]``, ``[verplicht]``, the hint under a usage error,
  "Missing command", "No such command", "Aborted!"). The Dutch catalogue
  :data:`w13xl.messages.TYPER_NL`, compiled into ``w13xl/locale/nl/LC_MESSAGES/w13xl.mo``, is
  bound as gettext's domain with Dutch as the language (:func:`install`, called before typer's
  help module loads, so its panel titles are Dutch from the start).
* typer's own copy of click (``typer._click``) writes "Usage: ", "Show this message and exit."
  and its usage errors without gettext. The command classes here give them in Dutch through
  click's extension points: ``format_usage`` (``write_usage(prefix=...)``), ``get_help_option``,
  and the usage errors rebuilt from their fields (parameter, kind, option name, suggestions) in
  ``parse_args`` and ``resolve_command`` (:func:`dutch_usage_error`).

``python -m w13xl.cli._i18n`` writes the .mo file from the catalogue.
"""

from __future__ import annotations

import gettext
import os
import struct
from pathlib import Path

from typer import _click
from typer.core import TyperCommand, TyperGroup

from ..messages import (
    CLI_ARGUMENT_NAMES,
    CLI_COMMAND_METAVAR,
    CLI_HELP_OPTION,
    CLI_OPTIONS_METAVAR,
    CLI_USAGE,
    CLI_VALUE_NAMES,
    TYPER_NL,
)

DOMAIN = "w13xl"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
MO_FILE = LOCALE_DIR / "nl" / "LC_MESSAGES" / f"{DOMAIN}.mo"


def mo_bytes(catalogue: dict[str, str]) -> bytes:
    """A GNU gettext .mo file (little-endian, no hash table) holding ``catalogue``."""
    entries = {"": "Content-Type: text/plain; charset=UTF-8\n", **catalogue}
    keys = sorted(entries)
    ids = [k.encode("utf-8") for k in keys]
    strs = [entries[k].encode("utf-8") for k in keys]
    n = len(keys)
    header = 7 * 4
    ids_table = header
    strs_table = ids_table + 8 * n
    data_start = strs_table + 8 * n
    offsets, data = [], b""
    for s in ids + strs:  # the ids' table, then the translations' table right after it
        offsets.append((len(s), data_start + len(data)))
        data += s + b"\0"
    out = struct.pack("<7I", 0x950412DE, 0, n, ids_table, strs_table, 0, 0)
    out += b"".join(struct.pack("<2I", *o) for o in offsets)
    return out + data


def install() -> None:
    """Make gettext answer typer's texts in Dutch: the w13xl domain, language nl (every text a
    user reads is Dutch, whatever the locale)."""
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = "nl"


# -- what typer._click writes without gettext -----------------------------------------------
_TYPES = {"int": "een geheel getal", "integer": "een geheel getal", "float": "een getal", "boolean": "ja of nee",
          "int range": "een geheel getal", "float range": "een getal", "datetime": "een datum en tijd",
          "uuid": "een UUID", "filename": "een bestandsnaam", "path": "een pad"}


def _hint(exc, ctx) -> str:
    hint = exc.param_hint
    if hint is None and exc.param is not None:
        hint = exc.param.get_error_hint(ctx)
    if hint is not None and not isinstance(hint, str):
        hint = " / ".join(repr(x) for x in hint)
    return hint or ""


def _range(kind) -> str:
    parts = []
    if getattr(kind, "min", None) is not None:
        parts.append(f"{'>' if kind.min_open else '≥'} {kind.min}")
    if getattr(kind, "max", None) is not None:
        parts.append(f"{'<' if kind.max_open else '≤'} {kind.max}")
    return f" {' en '.join(parts)}" if parts else ""


def dutch_usage_error(exc: _click.exceptions.UsageError, ctx) -> _click.exceptions.UsageError:
    """The usage error in Dutch, rebuilt from its fields (not from its English text)."""
    e = _click.exceptions
    ctx = exc.ctx or ctx
    if isinstance(exc, e.NoSuchOption):
        text = f"Onbekende optie: {exc.option_name}"
        if exc.possibilities:
            text += f" (bedoelde u {', '.join(sorted(exc.possibilities))}?)"
    elif isinstance(exc, e.MissingParameter):
        kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "parameter")
        what = {"argument": "Ontbrekend argument", "option": "Ontbrekende optie"}.get(kind, "Ontbrekende parameter")
        text = f"{what} {_hint(exc, ctx)}.".replace(" .", ".")
    elif isinstance(exc, e.BadParameter):
        ptype = exc.param.type if exc.param is not None else None
        name = getattr(ptype, "name", "")
        if name in _TYPES and type(ptype).__module__.startswith("typer._click"):
            message = f"verwacht {_TYPES[name]}{_range(ptype)}"
        else:
            message = exc.message  # w13xl's own callbacks and parsers: Dutch at source
        hint = _hint(exc, ctx)
        text = f"Ongeldige waarde voor {hint}: {message}" if hint else f"Ongeldige waarde: {message}"
    elif isinstance(exc, e.BadOptionUsage):
        option = next((p for p in (ctx.command.get_params(ctx) if ctx else []) if exc.option_name in p.opts), None)
        text = (f"Optie {exc.option_name} neemt geen waarde." if getattr(option, "is_flag", False)
                else f"Optie {exc.option_name} vraagt een waarde.")
    elif isinstance(exc, e.BadArgumentUsage):
        text = "Verkeerd aantal waarden voor een argument."
    else:
        return exc  # ctx.fail(...) with a gettext text (typer.core) or w13xl's own
    return e.UsageError(text, ctx)


class _Dutch:
    """What DutchCommand and DutchGroup share (mixed in before typer's classes)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if getattr(self, "options_metavar", None) == "[OPTIONS]":
            setattr(self, "options_metavar", CLI_OPTIONS_METAVAR)  # noqa: B010 - typer's attribute
        if getattr(self, "subcommand_metavar", None):
            setattr(self, "subcommand_metavar", CLI_COMMAND_METAVAR)  # noqa: B010

    def format_usage(self, ctx, formatter) -> None:
        pieces = super().collect_usage_pieces(ctx)  # type: ignore[misc]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=CLI_USAGE)

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = CLI_HELP_OPTION
        return option

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except _click.exceptions.UsageError as exc:
            if isinstance(exc, _click.exceptions.NoArgsIsHelpError):
                raise
            raise dutch_usage_error(exc, ctx) from None


class DutchCommand(_Dutch, TyperCommand):
    """A typer command whose help and usage errors are Dutch (argument names and the value
    placeholders of options too: click's ``metavar``)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from typer.core import TyperArgument

        for param in self.params:
            if param.metavar is not None:
                continue
            if isinstance(param, TyperArgument):
                param.metavar = CLI_ARGUMENT_NAMES.get(param.name or "", (param.name or "").upper())
                if getattr(param.type, "name", "") in CLI_VALUE_NAMES:  # the help's type column: <pad>
                    import copy

                    param.type = copy.copy(param.type)  # this argument's own (STRING is shared)
                    param.type.name = CLI_VALUE_NAMES[param.type.name].lower()
            elif not getattr(param, "is_flag", False):
                param.metavar = CLI_VALUE_NAMES.get(getattr(param.type, "name", ""))

    def parse_args(self, ctx, args):
        allow = ctx.allow_extra_args
        ctx.allow_extra_args = True
        try:
            rest = super().parse_args(ctx, args)
        finally:
            ctx.allow_extra_args = allow
        if rest and not allow and not ctx.resilient_parsing:
            ctx.fail(f"Onverwacht(e) extra argument(en) ({' '.join(map(str, rest))})")
        return rest


class DutchGroup(_Dutch, TyperGroup):
    """A typer group whose help, usage errors and command suggestions are Dutch."""

    def resolve_command(self, ctx, args):
        try:
            return self._click_resolve_command(ctx, args)
        except _click.exceptions.UsageError as exc:
            if args and args[0] not in self.commands and not _click.parser._split_opt(args[0])[0]:
                from difflib import get_close_matches

                text = f"Onbekend commando '{args[0]}'."
                matches = get_close_matches(args[0], self.list_commands(ctx))
                if matches:
                    text += f" Bedoelde u {', '.join(repr(m) for m in matches)}?"
                raise _click.exceptions.UsageError(text, ctx) from None
            raise dutch_usage_error(exc, ctx) from None


if __name__ == "__main__":  # pragma: no cover
    MO_FILE.parent.mkdir(parents=True, exist_ok=True)
    MO_FILE.write_bytes(mo_bytes(TYPER_NL))
    print(f"Geschreven: {MO_FILE}")
