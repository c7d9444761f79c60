"""The typer application and what every command shares: error handling, output writing."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import typer

from ..errors import InputWarning, W13Error
from ._i18n import DutchCommand, DutchGroup, install

install()  # typer's own texts in Dutch (gettext), before its help module loads

#: Every command and the module of ``w13xl.cli`` that defines it (``@app.command`` there), in the
#: order ``w13xl --help`` lists them. A module is imported when its command runs, or when help or
#: a mistyped name needs them all: importing every module and turning every command into a click
#: command cost each start ~40 ms (issue 14). tests/test_startup.py checks this table against the
#: commands the modules define.
COMMAND_MODULES = {
    "m2": "m2", "scenario": "scenarios", "vergelijk": "scenarios", "nota": "nota", "bordpakket": "board",
    "onzekerheid": "uncertainty", "kliffen": "uncertainty", "doelzoek": "uncertainty", "schema": "schema",
    "realisatie": "realisatie", "versies": "realisatie", "herraming": "realisatie", "aannames": "aannames",
    "subsidies": "subsidies", "personeel": "subsidies", "server": "serve", "bibliotheek": "library",
    "raster": "raster", "excel": "excel",
}
#: The English names of earlier versions, still accepted (not listed in the help).
ALIASES = {"run": "scenario", "compare": "vergelijk", "board": "bordpakket", "simulate": "onzekerheid",
           "cliffs": "kliffen", "solve": "doelzoek", "serve": "server"}


class LazyCommands(DutchGroup):
    """The root group: a command is made from its module only when it is asked for."""

    def _load(self, modules) -> None:
        import importlib

        from typer.core import TyperCommand
        from typer.main import get_command_from_info, get_command_name, get_group_from_info

        for module in modules:
            importlib.import_module(f"{__package__}.{module}")
        for info in app.registered_commands:
            assert info.callback is not None  # every command here is registered with @app.command
            if info.cls in (None, TyperCommand):
                info.cls = DutchCommand  # Dutch help and usage errors
            name = info.name or get_command_name(info.callback.__name__)
            if name not in self.commands:
                self.commands[name] = get_command_from_info(info, pretty_exceptions_short=app.pretty_exceptions_short,
                                                            rich_markup_mode=app.rich_markup_mode)
        for group in app.registered_groups:
            assert group.name is not None  # every group here is added with a name
            if group.name not in self.commands:
                self.commands[group.name] = get_group_from_info(group,
                                                               pretty_exceptions_short=app.pretty_exceptions_short,
                                                               rich_markup_mode=app.rich_markup_mode,
                                                               suggest_commands=app.suggest_commands)

    def load_all(self) -> None:
        self._load(dict.fromkeys(COMMAND_MODULES.values()))

    def get_command(self, ctx, cmd_name):
        cmd_name = ALIASES.get(cmd_name, cmd_name)
        if cmd_name not in self.commands:
            if cmd_name in COMMAND_MODULES:
                self._load([COMMAND_MODULES[cmd_name]])
            else:  # a mistyped name: every command, for the suggestion
                self.load_all()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx):
        self.load_all()
        return ([n for n in COMMAND_MODULES if n in self.commands]
                + [n for n in self.commands if n not in COMMAND_MODULES])


app = typer.Typer(
    name="w13xl",
    help="W13 meerjarenplan: schema M2, scenario's en bordpakket (Vlaamse BBC-regels).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=LazyCommands,
)


def __getattr__(name: str):
    """``console`` and ``err_console``: rich's consoles, made (and rich imported) on first use, so
    that a command that prints without rich (``w13xl m2``) does not import it."""
    if name in ("console", "err_console"):
        return _rich_console(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

#: typer.rich_utils' texts, evaluated with gettext when that module loads (after :func:`_i18n.install`);
#: if it was loaded before w13xl.cli (another program in the same process), they are evaluated again.
_RICH_TEXTS = {"ARGUMENTS_PANEL_TITLE": "Arguments", "OPTIONS_PANEL_TITLE": "Options",
               "COMMANDS_PANEL_TITLE": "Commands", "ERRORS_PANEL_TITLE": "Error", "ABORTED_TEXT": "Aborted.",
               "REQUIRED_LONG_STRING": "[required]", "DEFAULT_STRING": "[default: {}]",
               "ENVVAR_STRING": "[env var: {}]", "DEPRECATED_STRING": "(deprecated) ",
               "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help."}
if "typer.rich_utils" in sys.modules:
    import gettext as _gettext

    for _name, _msgid in _RICH_TEXTS.items():
        setattr(sys.modules["typer.rich_utils"], _name, _gettext.gettext(_msgid))


def _rich_console(name: str):
    """Output that is not a terminal (a pipe, a log, CI) is laid out for 100 columns, unless COLUMNS
    says how wide it is (the same rule as ``w13xl.cli._tables.output_width``)."""
    value = globals().get(name)
    if value is None:
        from rich.console import Console

        stream = sys.stderr if name == "err_console" else sys.stdout
        sized = stream.isatty() or os.environ.get("COLUMNS", "").isdigit()
        value = Console(stderr=name == "err_console", highlight=False, width=None if sized else 100)
        globals()[name] = value
    return value


F = TypeVar("F", bound=Callable)

#: Exit code for bad input (a file, sheet, cell or option the user can fix).
EXIT_INPUT = 2


def handles_input_errors(func: F) -> F:
    """Turn a W13Error into one clear line on stderr and exit code 2 (no traceback)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except W13Error as exc:
            from rich.markup import escape

            # escape: '[[changes]]' is text
            _rich_console("err_console").print(f"[bold red]Fout:[/] {escape(str(exc))}", soft_wrap=True)
            raise typer.Exit(EXIT_INPUT) from None

    return wrapper  # type: ignore[return-value]


def show_warnings(warnings: list[InputWarning]) -> None:
    if not warnings:
        return
    from rich.markup import escape

    for w in warnings:
        _rich_console("err_console").print(f"[yellow]Waarschuwing:[/] {escape(str(w))}", soft_wrap=True)


def write_json(path: Path, data: object) -> None:
    import json

    from ..workbook import safe_write

    text = json.dumps(data, indent=2, ensure_ascii=False)
    safe_write(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))


def output_kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv", ".xlsx"):
        raise W13Error(f"--out {path}: onbekend soort uitvoer '{suffix}' (verwacht: .json, .csv of .xlsx)")
    return suffix[1:]


def check_out(out: Path | None, *inputs: Path | None) -> None:
    """Refuse an --out of an unknown kind, or one that is an input workbook (never overwritten)."""
    if out is None:
        return
    output_kind(out)
    for path in inputs:
        if path is not None and out.resolve() == path.resolve():
            article = "het" if len(inputs) == 1 else "een"
            raise W13Error(f"--out {out}: dat is {article} invoerwerkboek, dat w13xl nooit overschrijft")


def write_output(out: Path, data: Callable[[], object], csv_rows: Callable[[], list[list]], csv_style: str,
                 xlsx: Callable[[Path], object]) -> None:
    """Write ``out`` as its suffix says: .json (``data()``), .csv (``csv_rows()`` in ``csv_style``)
    or .xlsx (``xlsx(out)``), and say so."""
    kind = output_kind(out)
    if kind == "json":
        write_json(out, data())
    elif kind == "csv":
        from ..csvout import write_csv
        from ._options import check_csv_style

        write_csv(out, csv_rows(), check_csv_style(csv_style))
    else:
        xlsx(out)
    _rich_console("console").print(f"Geschreven: {out}")


def print_pdf(render: Callable[[Path], Path], path: Path) -> None:
    """Print ``path`` as PDF with ``render`` and say where; a PDF that cannot be made: why, and exit 1."""
    try:
        target = render(path)
    except W13Error as exc:
        _rich_console("err_console").print(f"[bold red]PDF niet gemaakt:[/] {exc}", soft_wrap=True)
        raise typer.Exit(1) from None
    _rich_console("console").print(f"Geschreven: {target}")


def main() -> None:  # pragma: no cover - console entry point helper
    app(sys.argv[1:])


def _show_version(value: bool) -> None:
    if value:
        from .. import __version__

        _rich_console("console").print(f"w13xl {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_show_version, is_eager=True,
                                 help="Toon de versie en stop."),
) -> None:
    """W13 meerjarenplan: schema M2, scenario's en bordpakket (Vlaamse BBC-regels).

    Voorbeeld: w13xl m2 workbooks/w13-mjp-2026-2031.xlsx
    """
