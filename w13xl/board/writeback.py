"""Write-back: add or replace the board sheets inside the user's own workbook. The sheets are made
in a scratch workbook and written into the package as new parts (:mod:`w13xl.ooxml`); every
other part of the user's file stays byte for byte; replaced atomically or not at all."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path

from ..errors import InputError, W13Error
from ..scenario.result import ScenarioRun
from .base import MARKER, OVERVIEW_SHEET, PREFIX
from .pack import SheetAdder, build_board_workbook


def _owned(name: str, grid: list[list]) -> bool:
    """A sheet w13xl wrote: the marker in A2 (the name prefix is checked by the caller)."""
    return len(grid) > 1 and bool(grid[1]) and isinstance(grid[1][0], str) and grid[1][0].startswith(MARKER)


def write_board_into(runs: Sequence[ScenarioRun], target: str | os.PathLike, *, plan_name: str,
                     created: date | datetime | None = None, extra: Mapping[str, object] | None = None,
                     backup: bool = False, uncertainty: Mapping[str, object] | None = None,
                     extra_sheets: Sequence[SheetAdder] = (),
                     ) -> tuple[Path, list[str], list[str]]:
    """Add or replace the board sheets inside the user's workbook (.xlsx or .xlsm).

    Only sheets w13xl owns (prefix and marker, see :func:`w13xl.board.base.is_owned`) are removed or
    replaced; a sheet with one of the new names but without the marker stops the write. Every other
    part of the package (sheets, cached formula results, pivot caches, charts, defined names, the VBA
    project, ...) is kept byte for byte. Returns (target, sheets written, old owned sheets removed)."""
    from ..ooxml import write_sheets_into

    target = Path(target)
    suffix = target.suffix.lower()
    if suffix not in (".xlsx", ".xlsm"):
        raise InputError(f"kan geen bordbladen schrijven in een '{suffix}'-bestand", file=str(target),
                         expected="een .xlsx- of .xlsm-werkboek")
    try:
        scratch = build_board_workbook(runs, plan_name=plan_name, created=created, extra=extra,
                                       uncertainty=uncertainty, extra_sheets=extra_sheets)
    except W13Error as exc:
        raise InputError(f"{exc}; er is niets gewijzigd", file=str(target)) from None
    for ws in scratch.worksheets:
        ws.sheet_view.tabSelected = False
    result = write_sheets_into(target, scratch, prefix=PREFIX, active=OVERVIEW_SHEET, backup=backup,
                               is_owned=_owned)
    return target, result.written, result.removed
