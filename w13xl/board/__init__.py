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

from .annex import ANNEX_SHEET, annex_content

# Helpers the old single module exposed and sheet modules of other parts may import
# (``from .board import SheetContent, MARKER_TEXT, _fmt_created``): still here.
from .base import (  # noqa: F401
                   AFM,
                   BASELINE_LABEL,
                   BBR,
                   GBR,
                   KEY_LINES,
                   MARKER,
                   MARKER_CELL,
                   MARKER_TEXT,
                   NA_TEXT,
                   NONE_TEXT,
                   OVERVIEW_SHEET,
                   PREFIX,
                   Outcome,
                   SheetContent,
                   _check_runs,
                   _fmt_created,
                   first_year_below,
                   is_owned,
                   outcome,
)
from .look import (  # noqa: F401
                   AXIS_EURO,
                   CELL_STYLES,
                   Block,
                   CellStyle,
                   Merge,
                   SheetLook,
                   _apply_look,
                   _chart_title,
                   _fill_sheet,
                   _print_setup,
                   _styles,
                   merged_height,
                   sheet_look,
                   sheet_widths,
)
from .pack import SheetAdder, add_pack_sheets, board_contents, build_board_workbook, write_board_pack
from .pdf import INSTALL_HINT, find_soffice, render_pdf
from .scenario_pages import (
                   change_rows,
                   key_figure_rows,
                   norm_rows,
                   scenario_content,
                   scenario_row_keys,
                   scenario_rows,
                   scenario_sheet_names,
                   waterfall_rows,
)
from .summary import (
                   is_baseline_run,
                   outcome_sentence,
                   overview_content,
                   overview_entries,
                   overview_header,
                   overview_rows,
                   yearly_rows,
)
from .writeback import write_board_into

__all__ = [
                   "AFM",
                   "ANNEX_SHEET",
                   "BASELINE_LABEL",
                   "BBR",
                   "CELL_STYLES",
                   "GBR",
                   "INSTALL_HINT",
                   "KEY_LINES",
                   "MARKER",
                   "MARKER_CELL",
                   "MARKER_TEXT",
                   "NA_TEXT",
                   "NONE_TEXT",
                   "OVERVIEW_SHEET",
                   "PREFIX",
                   "Block",
                   "CellStyle",
                   "Merge",
                   "Outcome",
                   "SheetAdder",
                   "SheetContent",
                   "SheetLook",
                   "add_pack_sheets",
                   "annex_content",
                   "board_contents",
                   "build_board_workbook",
                   "change_rows",
                   "find_soffice",
                   "first_year_below",
                   "is_baseline_run",
                   "is_owned",
                   "key_figure_rows",
                   "merged_height",
                   "norm_rows",
                   "outcome",
                   "outcome_sentence",
                   "overview_content",
                   "overview_entries",
                   "overview_header",
                   "overview_rows",
                   "render_pdf",
                   "scenario_content",
                   "scenario_row_keys",
                   "scenario_rows",
                   "scenario_sheet_names",
                   "sheet_look",
                   "sheet_widths",
                   "waterfall_rows",
                   "write_board_into",
                   "write_board_pack",
                   "yearly_rows",
]
