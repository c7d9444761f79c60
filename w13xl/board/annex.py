"""The annex (bijlage): the plan's own schema M2, printed once, its norms, and the AFM per year of
every scenario. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from ..m2 import m2_rows
from ..scenario.result import ScenarioRun
from .base import AFM, ANNEX_SHEET, KEY_LINES, MARKER_TEXT, SheetContent, _check_runs
from .scenario_pages import norm_rows
from .summary import yearly_rows


def annex_content(runs: Sequence[ScenarioRun]) -> SheetContent:
    """Schema M2 of the plan (statutory order), its norms, and the AFM per year per scenario."""
    _check_runs(runs)
    base = runs[0].baseline
    years = base.years
    c = SheetContent(ANNEX_SHEET, layout="annex")
    c.add("title", "Bijlage: schema M2 van het meerjarenplan")
    c.add("marker", MARKER_TEXT)
    c.add("section", "Schema M2: meerjarenplan (basis), in euro")
    header = c.add("header", "Nr", "Omschrijving", *years)
    c.ranges["basis_header"] = (header, header)
    first = len(c.rows) + 1
    for n, label, key, values in m2_rows(base):
        c.add("detail" if n in ("a", "b") else "key" if key in KEY_LINES else "data", n, label, *values)
    c.ranges["basis"] = (first, len(c.rows))
    c.add("section", "Normen (meerjarenplan)")
    c.extend("norm", norm_rows(base))
    c.page_break()
    c.add("section", "Autofinancieringsmarge per jaar, per scenario")
    rows = yearly_rows(runs, AFM)
    c.ranges["afm_header"] = (c.add("header", "", "Scenario", *rows[0][1:]),) * 2
    c.ranges["afm"] = c.extend("data", [["", *row] for row in rows[1:]])
    c.width = 3 + len(years)
    return c.padded()
