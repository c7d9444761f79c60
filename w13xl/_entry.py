"""The ``w13xl`` console script: the command line when its extra is installed, otherwise one
clear Dutch line.

``pip install w13xl`` installs only what the Excel functions need (xlwings Lite, xlwings
Server, the classic add-in); the command line needs the extra ``cli`` (typer, rich):
``pip install "w13xl[cli]"``. ``uv run w13xl`` in a clone installs it (dependency group
``app`` in pyproject.toml).
"""

from __future__ import annotations

import importlib.util
import sys

#: Exit code for a set-up the user can fix (same as bad input).
EXIT_SETUP = 2

MISSING_CLI = ("Fout: de opdrachtregel van w13xl is niet geïnstalleerd (ontbreekt: {missing}). "
               "Installeer ze met: pip install \"w13xl[cli]\" (of in een kloon van het project: uv sync).")


def missing_cli_modules() -> list[str]:
    """The command-line packages (extra ``cli``) that are not importable."""
    return [name for name in ("typer", "rich") if importlib.util.find_spec(name) is None]


def main() -> None:
    missing = missing_cli_modules()
    if missing:
        sys.stderr.write(MISSING_CLI.format(missing=", ".join(missing)) + "\n")
        raise SystemExit(EXIT_SETUP)
    from .cli import app

    app()


if __name__ == "__main__":  # pragma: no cover
    main()
