"""The ``w13xl`` command line (typer + rich). Each command group lives in its own module."""

from __future__ import annotations

from ._app import app
from . import m2 as _m2  # noqa: F401  (registers commands)

__all__ = ["app"]
