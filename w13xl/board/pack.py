"""The board pack as a whole: which sheets, in which order (:func:`board_contents`), the openpyxl
workbook (:func:`build_board_workbook`) and the new board file (:func:`write_board_pack`).

The story, in printed order:

1. ``W13 Overzicht``: page 1 the outcome per scenario and one sentence each, page 2 the reserve chart;
2. ``W13 Subsidiekliffen``: what happens to the reserve if a subsidy ends (if given);
3. one page per scenario (not for a scenario that *is* the plan);
4. ``W13 Waaier reserve`` (uncertainty scenarios, only as a fan chart) and ``W13 Doelzoeken``;
5. extra sheets from the hook ``extra_sheets`` (e.g. assumptions, realisation vs plan);
6. ``W13 Bijlage M2 plan``: the plan's own schema M2, once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..scenario.result import ScenarioRun
from ..workbook import safe_write
from .annex import annex_content
from .base import SheetContent, _check_runs
from .charts import _annex_sheet, _overview_sheet, _scenario_sheet
from .scenario_pages import scenario_content, scenario_sheet_names
from .summary import is_baseline_run, overview_content

#: The hook for more sheets: a callable ``add(wb, *, plan_name, created, index) -> list`` that adds
#: its own sheets to the openpyxl workbook ``wb`` at position ``index`` (``None``: at the end) and
#: returns them. Its sheets must carry the name prefix :data:`w13xl.board.PREFIX` and
#: :data:`w13xl.board.MARKER_TEXT` in A2, so that write-back (``--into``) owns and replaces them.
#: They are placed after the scenario pages and the uncertainty sheets, before the annex.
SheetAdder = Callable[..., list]


def scenario_page_runs(runs: Sequence[ScenarioRun]) -> list[ScenarioRun]:
    """The runs that get a page of their own: every run except one that *is* the plan."""
    return [r for r in runs if not is_baseline_run(r)]


def board_contents(runs: Sequence[ScenarioRun], *, plan_name: str, created: date | datetime | None = None,
                   extra: Mapping[str, object] | None = None, simulation=None) -> list[SheetContent]:
    """The pure sheets of the board pack: overview first, one per scenario, the annex last."""
    _check_runs(runs)
    pages = scenario_page_runs(runs)
    names = scenario_sheet_names(pages)
    return [overview_content(runs, plan_name=plan_name, created=created, extra=extra, simulation=simulation),
            *(scenario_content(run, name) for run, name in zip(pages, names, strict=True)),
            annex_content(runs)]


def add_pack_sheets(wb, runs: Sequence[ScenarioRun], contents: Sequence[SheetContent], *, plan_name: str,
                    created: date | datetime | None, uncertainty: Mapping[str, object] | None = None,
                    extra_sheets: Sequence[SheetAdder] = (), index: int | None = None) -> list[str]:
    """Create every sheet of the pack in ``wb`` in the story's order (at ``index``, else at the
    end); returns their names. ``contents`` as :func:`board_contents` made them."""
    from .uncertainty import add_uncertainty_sheets

    # cliffs (CliffTable), simulation (Simulation), solutions (Sequence[Solution]); each optional
    parts: dict[str, Any] = dict(uncertainty or {})
    created_text = str(contents[0].rows[2][1])
    names: list[str] = []

    def at() -> int | None:
        return None if index is None else index + len(names)

    def new_sheet(content: SheetContent):
        ws = wb.create_sheet(content.name, at())
        names.append(ws.title)
        return ws

    _overview_sheet(new_sheet(contents[0]), contents[0], runs, plan_name=plan_name)
    if parts.get("cliffs") is not None:
        names += [ws.title for ws in add_uncertainty_sheets(wb, cliffs=parts["cliffs"], plan_name=plan_name,
                                                            created=created, index=at())]
    for run, content in zip(scenario_page_runs(runs), contents[1:-1], strict=True):
        _scenario_sheet(new_sheet(content), content, run, plan_name=plan_name, created_text=created_text)
    if parts.get("simulation") is not None or parts.get("solutions"):
        names += [ws.title for ws in add_uncertainty_sheets(
            wb, simulation=parts.get("simulation"), solutions=parts.get("solutions") or (),
            plan_name=plan_name, created=created, index=at())]
    for add in extra_sheets:  # the hook: assumptions, realisation vs plan, ...
        names += [ws.title for ws in add(wb, plan_name=plan_name, created=created, index=at())]
    _annex_sheet(new_sheet(contents[-1]), contents[-1], plan_name=plan_name, created_text=created_text)
    return names


def build_board_workbook(runs: Sequence[ScenarioRun], *, plan_name: str, created: date | datetime | None = None,
                         extra: Mapping[str, object] | None = None,
                         uncertainty: Mapping[str, object] | None = None,
                         extra_sheets: Sequence[SheetAdder] = ()):
    """The board pack as an openpyxl Workbook (not saved)."""
    from openpyxl import Workbook

    contents = board_contents(runs, plan_name=plan_name, created=created, extra=extra,
                              simulation=(uncertainty or {}).get("simulation"))
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the new workbook's empty sheet
    add_pack_sheets(wb, runs, contents, plan_name=plan_name, created=created, uncertainty=uncertainty,
                    extra_sheets=extra_sheets)
    wb.active = 0
    wb.properties.title = f"Bordpakket {plan_name}"
    wb.properties.creator = "w13xl"
    if created is not None:
        wb.properties.created = created if isinstance(created, datetime) else datetime(created.year, created.month,
                                                                                        created.day)
    return wb


def write_board_pack(runs: Sequence[ScenarioRun], out: str | os.PathLike, *, plan_name: str,
                     created: date | datetime | None = None, extra: Mapping[str, object] | None = None,
                     backup: bool = False, uncertainty: Mapping[str, object] | None = None,
                     extra_sheets: Sequence[SheetAdder] = ()) -> Path:
    """Write the board workbook to ``out`` (.xlsx), safely.

    ``extra``: more label/value pairs shown under "Aangemaakt op" (e.g. the source workbook);
    ``uncertainty``: any of ``simulation``, ``cliffs``, ``solutions``; ``extra_sheets``: see
    :data:`SheetAdder`."""
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise InputError(f"'{out.suffix}' is not supported for a board pack", file=str(out),
                         expected="an .xlsx output file (use --into to write into an .xlsm)")
    wb = build_board_workbook(runs, plan_name=plan_name, created=created, extra=extra, uncertainty=uncertainty,
                              extra_sheets=extra_sheets)
    return safe_write(out, wb.save, backup=backup)
