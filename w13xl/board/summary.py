"""The overview sheet (page 1 of the pack): outcome table, one sentence per scenario, reserve and
AFM per year. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

import numpy as np

from ..fmt import euro
from ..m2 import HALF_CENT, M2Result
from ..scenario.result import ScenarioRun
from .base import (AFM, BASELINE_LABEL, BBR, GBR, MARKER_TEXT, NA_TEXT, NONE_TEXT, OVERVIEW_SHEET, SheetContent,
                   _check_runs, _fmt_created, outcome)


def overview_header(years: Sequence[int]) -> list[str]:
    last = years[-1]
    return ["Scenario", f"Reserve eind {last}", "Verschil t.o.v. plan", f"Minimumreserve {last}",
            f"AFM {last}", "BBR < 0 vanaf", "Reserve < minimum vanaf", "AFM < 0 vanaf"]


def _breach(year: int | None, applicable: bool = True) -> int | str:
    if not applicable:
        return NA_TEXT
    return NONE_TEXT if year is None else year


def overview_row(label: str, result: M2Result, baseline: M2Result) -> list:
    o = outcome(result)
    return [label, o.reserve_end, o.reserve_end - float(baseline[GBR][-1]),
            NA_TEXT if o.minimum_reserve_end is None else o.minimum_reserve_end, o.afm_end,
            _breach(o.bbr_breach), _breach(o.reserve_breach, o.minimum_reserve_end is not None),
            _breach(o.afm_breach)]


def is_baseline_run(run: ScenarioRun) -> bool:
    """A run without changes whose schema M2 is the baseline's (e.g. scenarios/baseline.toml)."""
    return not run.effects and all(np.array_equal(run.m2[k], run.baseline[k]) for k in (GBR, AFM, BBR))


def overview_entries(runs: Sequence[ScenarioRun]) -> list[tuple[str, M2Result, ScenarioRun | None]]:
    """(label, M2, run) for the overview: the baseline first (labelled with the title of a run that
    *is* the baseline, if there is one, which then is not repeated), then every other run."""
    _check_runs(runs)
    plain = next((r for r in runs if is_baseline_run(r)), None)
    label = (plain.title or plain.name) if plain is not None else BASELINE_LABEL
    entries: list[tuple[str, M2Result, ScenarioRun | None]] = [(label, runs[0].baseline, plain)]
    entries += [(r.title or r.name, r.m2, r) for r in runs if r is not plain]
    return entries


def overview_rows(runs: Sequence[ScenarioRun]) -> list[list]:
    """Header, then the baseline and one row per scenario: reserve at the end of the plan, its
    difference with the plan, the minimum reserve and AFM in the last year, and the first year of
    each breach (an int, or 'geen')."""
    entries = overview_entries(runs)
    baseline = runs[0].baseline
    return [overview_header(baseline.years),
            *(overview_row(label, m2, baseline if run is None else run.baseline) for label, m2, run in entries)]


def outcome_sentence(run: ScenarioRun | M2Result, *, opening: float | None = None) -> str:
    """One short Dutch sentence with the outcome, e.g. 'De reserve daalt tot 312.450 euro in 2031
    en ligt onder de minimumreserve vanaf 2030.'"""
    result = run.m2 if isinstance(run, ScenarioRun) else run
    years = result.years
    o = outcome(result)
    start = float(result["gecumuleerd_budgettair_resultaat_vorig_boekjaar"][0]) if opening is None else opening
    verb = "stijgt" if o.reserve_end > start + HALF_CENT else "daalt" if o.reserve_end < start - HALF_CENT else "blijft"
    text = f"De reserve {verb} {'op' if verb == 'blijft' else 'tot'} {euro(o.reserve_end)} euro in {years[-1]}"
    if isinstance(run, ScenarioRun):
        diff = float(run.difference(GBR)[-1])
        if abs(diff) >= 0.5:  # shows as at least 1 euro
            text += f" ({euro(abs(diff))} euro {'meer' if diff > 0 else 'minder'} dan in het plan)"
    clauses = []
    if o.minimum_reserve_end is not None:
        if o.reserve_breach is None:
            clauses.append(f"blijft boven de minimumreserve van {euro(o.minimum_reserve_end)} euro")
        else:
            clauses.append(f"ligt onder de minimumreserve vanaf {o.reserve_breach}")
    if o.bbr_breach is not None:
        clauses.append(f"het beschikbaar budgettair resultaat is negatief vanaf {o.bbr_breach}")
    if o.afm_breach is not None:
        clauses.append(f"de autofinancieringsmarge is negatief vanaf {o.afm_breach}")
    else:
        clauses.append("de autofinancieringsmarge blijft positief")
    if len(clauses) == 1:
        text += f" en {clauses[0]}"
    else:
        text += ", " + ", ".join(clauses[:-1]) + f" en {clauses[-1]}"
    return text + "."


def yearly_rows(runs: Sequence[ScenarioRun], key: str, *, minimum_reserve: bool = False) -> list[list]:
    """Header ['', years...], the baseline and each scenario's values of one M2 line per year;
    with ``minimum_reserve`` also the minimum reserve (the plan's, and a scenario's own when it
    differs, e.g. a percentage of a changed wage cost)."""
    entries = overview_entries(runs)
    baseline = runs[0].baseline
    rows: list[list] = [["", *baseline.years]]
    rows += [[label, *map(float, m2[key])] for label, m2, _run in entries]
    if minimum_reserve and baseline.minimum_reserve is not None:
        rows.append(["Minimumreserve", *map(float, baseline.minimum_reserve)])
        for label, m2, _run in entries[1:]:
            own = m2.minimum_reserve
            if own is not None and not np.allclose(own, baseline.minimum_reserve, atol=HALF_CENT, rtol=0):
                rows.append([f"Minimumreserve ({label})", *map(float, own)])
    return rows


#: Rows reserved for the overview's charts, and the chart size (cm; a row is about 0.53 cm).
OVERVIEW_CHART_ROWS = 26
_ROW_CM = 0.53


def overview_content(runs: Sequence[ScenarioRun], *, plan_name: str, created: date | datetime | None = None,
                     extra: Mapping[str, object] | None = None) -> SheetContent:
    """The Overzicht sheet: outcome table, one sentence per scenario, reserve and AFM per year."""
    _check_runs(runs)
    years = runs[0].baseline.years
    c = SheetContent(OVERVIEW_SHEET, layout="overview")
    c.add("title", f"Bordpakket {plan_name}: overzicht van de scenario's")
    c.add("marker", MARKER_TEXT)
    c.add("meta", "Aangemaakt op", _fmt_created(created))
    for k, v in (extra or {}).items():
        c.add("meta", str(k), v if isinstance(v, (int, float)) else str(v))
    c.add("blank")
    c.add("section", f"Resultaat op het einde van het plan ({years[-1]}) en eerste jaar waarin een norm niet gehaald wordt")
    rows = overview_rows(runs)
    c.add("header", *rows[0])
    c.ranges["overview"] = c.extend("data", rows[1:])
    first, last = c.ranges["overview"]
    for r in range(first, last + 1):
        row = c.rows[r - 1]
        c.status[(r, 2)] = "ok" if row[6] in (NONE_TEXT, NA_TEXT) else "breach"  # reserve vs minimum
        c.status[(r, 5)] = "ok" if row[4] >= -HALF_CENT else "breach"  # AFM at the end
        for col in (6, 7, 8):  # first year of each breach
            if row[col - 1] != NA_TEXT:
                c.status[(r, col)] = "ok" if row[col - 1] == NONE_TEXT else "breach"
    c.add("note", "BBR = beschikbaar budgettair resultaat (norm: ≥ 0 in elk jaar); reserve = gecumuleerd "
                  "budgettair resultaat; AFM = autofinancieringsmarge (norm: ≥ 0 in het laatste jaar).")
    c.add("blank")
    c.add("section", "Conclusie per scenario")
    first = len(c.rows) + 1
    for label, m2, run in overview_entries(runs):
        c.add("sentence", f"{label}: {outcome_sentence(m2 if run is None else run)}")
    c.ranges["sentences"] = (first, len(c.rows))
    c.page_break()
    c.add("section", "Reserve en autofinancieringsmarge per jaar")
    c.blank_rows("chart_overview", OVERVIEW_CHART_ROWS)
    c.page_break()
    c.add("section", "Reserve (gecumuleerd budgettair resultaat) per jaar")
    rows = yearly_rows(runs, GBR, minimum_reserve=True)
    c.ranges["reserve_header"] = (c.add("header", *rows[0]),) * 2
    c.ranges["reserve"] = c.extend("data", rows[1:])
    c.ranges["reserve_minimum"] = (c.ranges["reserve"][0] + len(overview_entries(runs)), c.ranges["reserve"][1])
    c.add("blank")
    c.add("section", "Autofinancieringsmarge per jaar")
    rows = yearly_rows(runs, AFM)
    c.ranges["afm_header"] = (c.add("header", *rows[0]),) * 2
    c.ranges["afm"] = c.extend("data", rows[1:])
    c.width = len(overview_header(years))
    return c.padded()
