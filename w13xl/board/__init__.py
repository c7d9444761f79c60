"""The board pack (bordpakket): sheets a raad van bestuur can read, a PDF, and safe write-back.

One room per part, imported in this order (each only from the ones above it, no circle):

* :mod:`.base` names, the ownership marker, :class:`SheetContent` (a sheet's rows, pure), outcome figures;
* :mod:`.summary` the overview (page 1 and 2), :mod:`.scenario_pages` one page per scenario,
  :mod:`.annex` the plan's own schema M2 (pure);
* :mod:`.look` how the cells look (pure) and the openpyxl helpers applying it;
* :mod:`.charts` the sheets with their native charts (openpyxl);
* :mod:`.uncertainty` fan chart, subsidy cliffs and goal-seek sheets;
* :mod:`.pack` the whole pack: sheet order, the workbook, the new file, the hook for extra sheets;
* :mod:`.writeback` the sheets written into the user's own workbook (``--into``);
* :mod:`.pdf` printing with LibreOffice.

Sheets w13xl owns carry the name prefix ``W13 `` *and* the marker text in cell ``A2``. A sheet
without the marker is never replaced, even when its name clashes (that is an error).

Amounts are written unrounded (to the cent, as the engine computes them) and shown in euro with
Belgian separators by the number format. Apart from the explicit "Aangemaakt op" field, the same
runs always give the same cell contents.

The names below are the public entry points other code (``w13xl.cli.board``,
``w13xl.excel.scripts``) and the tests import from ``w13xl.board``.
"""

from __future__ import annotations

from .annex import ANNEX_SHEET
from .base import MARKER, MARKER_TEXT, OVERVIEW_SHEET, PREFIX, is_owned
from .look import CELL_STYLES, sheet_look
from .pack import board_contents, build_board_workbook, write_board_pack
from .pdf import find_soffice, render_pdf
from .scenario_pages import change_rows, key_figure_rows, scenario_rows, scenario_sheet_names, waterfall_rows
from .summary import outcome_sentence, overview_rows, yearly_rows
from .writeback import write_board_into

__all__ = [
    "ANNEX_SHEET",
    "CELL_STYLES",
    "MARKER",
    "MARKER_TEXT",
    "OVERVIEW_SHEET",
    "PREFIX",
    "board_contents",
    "build_board_workbook",
    "change_rows",
    "find_soffice",
    "is_owned",
    "key_figure_rows",
    "outcome_sentence",
    "overview_rows",
    "render_pdf",
    "scenario_rows",
    "scenario_sheet_names",
    "sheet_look",
    "waterfall_rows",
    "write_board_into",
    "write_board_pack",
    "yearly_rows",
]
