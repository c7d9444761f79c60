"""The typer application and what every command shares: error handling, output writing."""

from __future__ import annotations

import functools
import json
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
    help="W13 meerjarenplan: schema M2, scenario's en bordpakket (Flemish BBC rules).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
#: Output that is not a terminal (a pipe, a log, CI) gets a width that fits schema M2 unwrapped.
console = Console(highlight=False, width=None if sys.stdout.isatty() else 150)
err_console = Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 150)

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
            err_console.print(f"[bold red]Fout:[/] {escape(str(exc))}", soft_wrap=True)  # text, not markup
            raise typer.Exit(EXIT_INPUT) from None

    return wrapper  # type: ignore[return-value]


def show_warnings(warnings: list[InputWarning]) -> None:
    for w in warnings:
        err_console.print(f"[yellow]Waarschuwing:[/] {w}", soft_wrap=True)


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


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Show the version and exit."),
) -> None:
    """W13 meerjarenplan: schema M2, scenario's en bordpakket (Flemish BBC rules)."""
    if version:
        from .. import __version__

        console.print(f"w13xl {__version__}")
        raise typer.Exit(0)
