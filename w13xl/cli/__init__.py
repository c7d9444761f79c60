"""The ``w13xl`` command line (typer + rich). Each command group lives in its own module."""

from __future__ import annotations

from ._app import app
from . import m2 as _m2  # noqa: F401  (registers commands)
from . import scenarios as _scenarios  # noqa: F401  (registers w13xl run / compare)
from . import board as _board  # noqa: F401  (registers w13xl board)
from . import excel as _excel  # noqa: F401  (registers w13xl excel ...)
from . import uncertainty as _uncertainty  # noqa: F401  (registers w13xl simulate / cliffs / solve)
from . import raster as _raster  # noqa: F401  (registers w13xl raster)

__all__ = ["app"]
