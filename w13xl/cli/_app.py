"""The typer application and what every command shares: error handling, output writing."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from ..errors import InputWarning, W13Error

app = typer.Typer(
    name="w13xl",
    help="W13 meerjarenplan: schema M2, scenario's en bordpakket (Vlaamse BBC-regels).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
#: Output that is not a terminal (a pipe, a log, CI) gets a width that fits schema M2 unwrapped,
#: unless COLUMNS says how wide it is (tables then fit that width, see w13xl.cli._tables).
_COLUMNS = os.environ.get("COLUMNS", "").isdigit()
console = Console(highlight=False, width=None if sys.stdout.isatty() or _COLUMNS else 150)
err_console = Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() or _COLUMNS else 150)

_DUTCH_HELP = (("ARGUMENTS_PANEL_TITLE", "Argumenten"), ("OPTIONS_PANEL_TITLE", "Opties"),
               ("COMMANDS_PANEL_TITLE", "Commando's"), ("ERRORS_PANEL_TITLE", "Fout"),
               ("REQUIRED_LONG_STRING", "[verplicht]"), ("DEFAULT_STRING", "[standaard: {}]"),
               ("RICH_HELP", "Hulp: [blue]'{command_path} {help_option}'[/]"))


def _dutch_help_panels(rich_utils) -> None:
    """The help screen's panel titles in Dutch, like the rest of the output (typer's own texts)."""
    for name, text in _DUTCH_HELP:
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, text)


class _DutchHelpOnImport:
    """typer imports ``typer.rich_utils`` (rich's markdown, syntax, ...: ~0,14 s) only to show help or
    a usage error; translate its texts when that happens instead of importing it at every start."""

    def find_spec(self, name, path=None, target=None):
        if name != "typer.rich_utils":
            return None
        import importlib.util

        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            run = spec.loader.exec_module

            def exec_module(module):
                run(module)
                _dutch_help_panels(module)

            spec.loader.exec_module = exec_module
        return spec


if "typer.rich_utils" in sys.modules:
    _dutch_help_panels(sys.modules["typer.rich_utils"])
else:
    sys.meta_path.insert(0, _DutchHelpOnImport())

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
            err_console.print(f"[bold red]Fout:[/] {escape(str(exc))}", soft_wrap=True)  # '[[changes]]' is text
            raise typer.Exit(EXIT_INPUT) from None

    return wrapper  # type: ignore[return-value]


def show_warnings(warnings: list[InputWarning]) -> None:
    for w in warnings:
        err_console.print(f"[yellow]Waarschuwing:[/] {escape(str(w))}", soft_wrap=True)


def write_json(path: Path, data: object) -> None:
    from ..workbook import safe_write

    text = json.dumps(data, indent=2, ensure_ascii=False)
    safe_write(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))


def output_kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv", ".xlsx"):
        raise W13Error(f"--out {path}: unknown output type '{suffix}' (expected .json, .csv or .xlsx)")
    return suffix[1:]


def main() -> None:  # pragma: no cover - console entry point helper
    app(sys.argv[1:])


def _show_version(value: bool) -> None:
    if value:
        from .. import __version__

        console.print(f"w13xl {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_show_version, is_eager=True,
                                 help="Toon de versie en stop."),
) -> None:
    """W13 meerjarenplan: schema M2, scenario's en bordpakket (Vlaamse BBC-regels).

    Voorbeeld: w13xl m2 workbooks/w13-mjp-2026-2031.xlsx
    """
