"""The board pack as a whole: which sheets, in which order (:func:`board_contents`), the openpyxl
workbook (:func:`build_board_workbook`) and the new board file (:func:`write_board_pack`)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path

from ..errors import InputError
from ..scenario.result import ScenarioRun
from ..workbook import safe_write
from .base import SheetContent, _check_runs
from .charts import _overview_sheet, _scenario_sheet
from .scenario_pages import scenario_content, scenario_sheet_names
from .summary import overview_content


def board_contents(runs: Sequence[ScenarioRun], *, plan_name: str, created: date | datetime | None = None,
                   extra: Mapping[str, object] | None = None) -> list[SheetContent]:
    """Every sheet of the board pack, overview first."""
    _check_runs(runs)
    names = scenario_sheet_names(runs)
    return [overview_content(runs, plan_name=plan_name, created=created, extra=extra),
            *(scenario_content(run, name) for run, name in zip(runs, names))]


def _add_board_sheets(wb, runs: Sequence[ScenarioRun], contents: Sequence[SheetContent], *, plan_name: str,
                      index: int | None = None) -> list:
    """Create the board sheets in ``wb`` (at ``index``, else at the end); returns them."""
    sheets = []
    created_text = str(contents[0].rows[2][1])
    for i, content in enumerate(contents):
        ws = wb.create_sheet(content.name, None if index is None else index + i)
        if i == 0:
            _overview_sheet(ws, content, runs, plan_name=plan_name)
        else:
            _scenario_sheet(ws, content, runs[i - 1], plan_name=plan_name, created_text=created_text)
        sheets.append(ws)
    return sheets


def _add_uncertainty(wb, uncertainty: Mapping[str, object] | None, *, plan_name: str,
                     created: date | datetime | None, index: int | None = None) -> list[str]:
    """The fan chart, cliff tornado and goal-seek sheets (w13xl.board_uncertainty), if given:
    ``uncertainty`` holds any of ``simulation``, ``cliffs``, ``solutions``."""
    if not uncertainty:
        return []
    from .uncertainty import add_uncertainty_sheets

    sheets = add_uncertainty_sheets(wb, plan_name=plan_name, created=created, index=index, **uncertainty)
    return [ws.title for ws in sheets]


def build_board_workbook(runs: Sequence[ScenarioRun], *, plan_name: str, created: date | datetime | None = None,
                         extra: Mapping[str, object] | None = None,
                         uncertainty: Mapping[str, object] | None = None):
    """The board pack as an openpyxl Workbook (not saved)."""
    from openpyxl import Workbook

    contents = board_contents(runs, plan_name=plan_name, created=created, extra=extra)
    wb = Workbook()
    wb.remove(wb.active)
    _add_board_sheets(wb, runs, contents, plan_name=plan_name)
    _add_uncertainty(wb, uncertainty, plan_name=plan_name, created=created)
    wb.active = 0
    wb.properties.title = f"Bordpakket {plan_name}"
    wb.properties.creator = "w13xl"
    if created is not None:
        wb.properties.created = created if isinstance(created, datetime) else datetime(created.year, created.month,
                                                                                        created.day)
    return wb


def write_board_pack(runs: Sequence[ScenarioRun], out: str | os.PathLike, *, plan_name: str,
                     created: date | datetime | None = None, extra: Mapping[str, object] | None = None,
                     backup: bool = False, uncertainty: Mapping[str, object] | None = None) -> Path:
    """Write the board workbook (Overzicht + one sheet per scenario) to ``out`` (.xlsx), safely.

    ``extra``: more label/value pairs shown under "Aangemaakt op" (e.g. the source workbook)."""
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise InputError(f"'{out.suffix}' is not supported for a board pack", file=str(out),
                         expected="an .xlsx output file (use --into to write into an .xlsm)")
    wb = build_board_workbook(runs, plan_name=plan_name, created=created, extra=extra, uncertainty=uncertainty)
    return safe_write(out, wb.save, backup=backup)
