"""Compatibility name: the board pack's uncertainty sheets now live in
:mod:`w13xl.board.uncertainty` (the board pack is the package :mod:`w13xl.board`)."""

from .board.uncertainty import (  # noqa: F401
    CLIFF_SHEET,
    FAN_SHEET,
    GOAL_SHEET,
    add_uncertainty_sheets,
    fan_band_rows,
    fan_rows,
    probability_rows,
    solution_rows,
    tornado_rows,
    uncertainty_contents,
)
