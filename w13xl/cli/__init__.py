"""The ``w13xl`` command line (typer + rich). Each command group lives in its own module."""

from __future__ import annotations

from ._app import app
from . import m2 as _m2  # noqa: F401  (registers commands)
from . import scenarios as _scenarios  # noqa: F401  (registers w13xl run / compare)
from . import board as _board  # noqa: F401  (registers w13xl board)
from . import excel as _excel  # noqa: F401  (registers w13xl excel ...)
from . import uncertainty as _uncertainty  # noqa: F401  (registers w13xl simulate / cliffs / solve)
from . import schema as _schema  # noqa: F401  (registers w13xl schema)
from . import realisatie as _realisatie  # noqa: F401  (registers w13xl realisatie / versies / herraming)
from . import aannames as _aannames  # noqa: F401  (registers w13xl aannames)
from . import subsidies as _subsidies  # noqa: F401  (registers w13xl subsidies / personeel)
from . import serve as _serve  # noqa: F401  (registers w13xl serve)
from . import raster as _raster  # noqa: F401  (registers w13xl raster)

__all__ = ["app"]
