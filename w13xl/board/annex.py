"""The annex (bijlage): the plan's own schema M2, printed once, its norms, and the AFM per year of
every scenario. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from ..m2 import M2Result, bestuur_name, m2_rows
from ..scenario.result import ScenarioRun
from .base import AFM, ANNEX_SHEET, KEY_LINES, MARKER_TEXT, SheetContent, _check_runs
from .scenario_pages import norm_rows
from .summary import yearly_rows

#: Why the minimum reserve is the amount it is (domain check: 10% of T2's personnel cost gives
#: 177k-182k, not 211.211,09).
PLAN_SOCIAL_LIABILITY = 211_211.09  # plan 3.1: „Sociaal passief 211.211,09”
MINIMUM_RESERVE_NOTE = ("Minimumreserve = sociaal passief 211.211,09 (plan 3.1); 211.211,09 is geen 10% van de "
                        "personeelskost van een planjaar: het bedrag geldt zoals gegeven, de 10%-regel (3.7) geldt "
                        "voor wijzigingen in loonkost.")


def check_notes(result: M2Result) -> list[str]:
    """What each check is (w13xl.m2.check_rules) for the plan's kind of bestuur, in one line; then
    the minimum reserve explained (the full sources: docs/normen.md, W13.NORMEN's Bron column)."""
    kinds = " ".join(f"{rule.label}: {rule.why}." for rule in result.rules.values() if rule.key in result.norms)
    lines = [f"Soort bestuur: {bestuur_name(result.bestuur)}. {kinds}"]
    if result.minimum_reserve is not None and abs(float(result.minimum_reserve[0]) - PLAN_SOCIAL_LIABILITY) < 0.005:
        lines.append(MINIMUM_RESERVE_NOTE)
    return lines


def annex_content(runs: Sequence[ScenarioRun]) -> SheetContent:
    """Schema M2 of the plan (statutory order), its norms, and the AFM per year per scenario."""
    _check_runs(runs)
    base = runs[0].baseline
    years = base.years
    c = SheetContent(ANNEX_SHEET, layout="annex")
    c.add("title", "Bijlage: schema M2 van het meerjarenplan")
    c.add("marker", MARKER_TEXT)
    c.add("section", "Schema M2: meerjarenplan (basis), in euro")
    c.ranges["basis_header"] = (c.add("header", "Nr", "Omschrijving", *years),) * 2
    first = len(c.rows) + 1
    for n, label, key, values in m2_rows(base):
        c.add("detail" if n in ("a", "b") else "key" if key in KEY_LINES else "data", n, label, *values)
    c.ranges["basis"] = (first, len(c.rows))
    c.add("section", "Controles (meerjarenplan)")
    c.extend("norm", norm_rows(base))
    for line in check_notes(base):
        c.add("wrap", "", line)
    c.page_break()
    c.add("section", "Autofinancieringsmarge per jaar, per scenario")
    rows = yearly_rows(runs, AFM)
    c.ranges["afm_header"] = (c.add("header", "", "Scenario", *rows[0][1:]),) * 2
    c.ranges["afm"] = c.extend("data", [["", *row] for row in rows[1:]])
    c.width = 3 + len(years)
    return c.padded()
