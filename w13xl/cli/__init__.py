"""The ``w13xl`` command line (typer). Each command group lives in its own module, imported when
one of its commands runs (``COMMAND_MODULES`` in ``_app``)."""

from __future__ import annotations

from ._app import COMMAND_MODULES, app

__all__ = ["COMMAND_MODULES", "app"]
