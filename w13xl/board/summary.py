"""The overview sheet (page 1 of the pack): outcome table, one sentence per scenario, reserve and
AFM per year. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

import numpy as np

from ..fmt import FIRST_NEGATIVE_AFM_LABEL, NORM_MET, NORM_NOT_MET, euro
from ..m2 import HALF_CENT, M2Result
from ..scenario.result import ScenarioRun
from .base import (
    AFM,
    BASELINE_LABEL,
    BBR,
    GBR,
    MARKER_TEXT,
    NA_TEXT,
    NONE_TEXT,
    OVERVIEW_SHEET,
    SheetContent,
    _check_runs,
    _fmt_created,
    outcome,
)

MINIMUM_LABEL = "Minimumreserve (plan)"


def overview_header(baseline: M2Result) -> list[str]:
    """The column headers; the checks are named for the plan's kind of bestuur (w13xl.m2.check_rules)."""
    last = baseline.years[-1]
    rules = baseline.rules
    return ["Scenario", f"Reserve eind {last}", "Verschil t.o.v. plan", f"Minimumreserve {last}",
            f"AFM {last}", rules["afm_last_year_nonnegative"].short, FIRST_NEGATIVE_AFM_LABEL,
            rules["bbr_nonnegative"].short, rules["reserve_above_minimum"].short]


def _norm_text(year: int | None, applicable: bool = True) -> str:
    if not applicable:
        return NA_TEXT
    return NORM_MET if year is None else f"{NORM_NOT_MET} vanaf {year}"


def overview_row(label: str, result: M2Result, baseline: M2Result) -> list:
    """[label, reserve end, difference with the plan, minimum reserve end, AFM end, AFM norm (last
    plan year), first year with a negative AFM (int or 'geen'), BBR norm, reserve norm]."""
    o = outcome(result)
    return [label, o.reserve_end, o.reserve_end - float(baseline[GBR][-1]),
            NA_TEXT if o.minimum_reserve_end is None else o.minimum_reserve_end, o.afm_end,
            NORM_MET if o.afm_end >= -HALF_CENT else NORM_NOT_MET,
            NONE_TEXT if o.afm_breach is None else o.afm_breach,
            _norm_text(o.bbr_breach), _norm_text(o.reserve_breach, o.minimum_reserve_end is not None)]


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
    return [overview_header(baseline),
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
    last = years[-1]
    afm_check = result.rules["afm_last_year_nonnegative"].noun
    if o.afm_end < -HALF_CENT:
        first = "" if o.afm_breach == last else f"; eerste jaar met negatieve AFM: {o.afm_breach}"
        clauses.append(f"{afm_check} is niet gehaald (AFM {euro(o.afm_end)} euro{first})")
    elif o.afm_breach is not None:
        clauses.append(f"{afm_check} is gehaald, maar de AFM is negatief vanaf {o.afm_breach}")
    else:
        clauses.append(f"de autofinancieringsmarge blijft positief ({afm_check} gehaald)")
    if len(clauses) == 1:
        text += f" en {clauses[0]}"
    else:
        text += ", " + ", ".join(clauses[:-1]) + f" en {clauses[-1]}"
    return text + "."


def yearly_rows(runs: Sequence[ScenarioRun], key: str, *, minimum_reserve: bool = False) -> list[list]:
    """Header ['', years...], the baseline and each scenario's values of one M2 line per year;
    with ``minimum_reserve`` also one row with the plan's minimum reserve (a scenario's own, e.g.
    a percentage of a changed wage cost, is on that scenario's page and in the table of page 1)."""
    entries = overview_entries(runs)
    baseline = runs[0].baseline
    rows: list[list] = [["", *baseline.years]]
    rows += [[label, *map(float, m2[key])] for label, m2, _run in entries]
    if minimum_reserve and baseline.minimum_reserve is not None:
        rows.append([MINIMUM_LABEL, *map(float, baseline.minimum_reserve)])
    return rows


#: Rows reserved for the reserve chart on page 2, and a row's height in cm (15 points).
OVERVIEW_CHART_ROWS = 24
_ROW_CM = 0.53


def simulation_sentence(sim) -> str:
    """One sentence on a Monte Carlo simulation (:class:`w13xl.montecarlo.Simulation`) for page 1."""
    from ..fmt import percent
    from ..montecarlo import PERCENTILES

    last = sim.years[-1]
    q = sim.percentiles[GBR]
    p = {pct: float(q[j][-1]) for j, pct in enumerate(PERCENTILES)}
    text = (f"{sim.title} (onzekerheid, {sim.paths:_} paden): de reserve eind {last} ligt in 90% van de paden "
            f"tussen {euro(p[5])} en {euro(p[95])} euro (mediaan {euro(p[50])} euro)").replace("_", ".")
    if sim.p_reserve_below_minimum_any is not None:
        text += f"; kans dat de reserve ooit onder de minimumreserve zakt: {percent(sim.p_reserve_below_minimum_any)}"
    text += f"; kans op een negatieve AFM in {last}: {percent(sim.p_afm_last_negative)}."
    return text


def overview_note(baseline: M2Result) -> str:
    """The note under the outcome table; what each check is (a statutory norm, an engagement or a
    policy, w13xl.m2.check_rules) is in its column header and explained in the annex."""
    from ..m2 import bestuur_name

    return (f"Reserve = gecumuleerd budgettair resultaat. {FIRST_NEGATIVE_AFM_LABEL}: een waarschuwing, geen "
            f"controle. Soort bestuur: {bestuur_name(baseline.bestuur)}; wat elke controle is: bijlage.")


def overview_content(runs: Sequence[ScenarioRun], *, plan_name: str, created: date | datetime | None = None,
                     extra: Mapping[str, object] | None = None, simulation=None) -> SheetContent:
    """The Overzicht sheet. Page 1: the outcome table (reserve, minimum reserve, AFM and the norms
    per scenario) and one sentence per scenario; page 2: the reserve chart with the (plan's)
    minimum reserve and the reserve per year. ``simulation``: a Monte Carlo result, summed up in
    one sentence (its fan chart has a sheet of its own)."""
    _check_runs(runs)
    years = runs[0].baseline.years
    last = years[-1]
    c = SheetContent(OVERVIEW_SHEET, layout="overview")
    c.add("title", f"Bordpakket {plan_name}: de scenario's in één oogopslag")
    c.add("marker", MARKER_TEXT)
    c.add("meta", "Aangemaakt op", _fmt_created(created))
    for k, v in (extra or {}).items():
        c.add("meta", str(k), v if isinstance(v, (int, float)) else str(v))
    c.add("blank")
    c.add("section", f"Resultaat op het einde van het plan ({last}) en de controles")
    rows = overview_rows(runs)
    c.add("header", *rows[0])
    c.ranges["overview"] = c.extend("data", rows[1:])
    first, end = c.ranges["overview"]
    for r in range(first, end + 1):
        row = c.rows[r - 1]
        c.status[(r, 2)] = "ok" if row[8] in (NORM_MET, NA_TEXT) else "breach"  # reserve vs minimum
        c.status[(r, 5)] = "ok" if row[4] >= -HALF_CENT else "breach"  # AFM at the end
        c.status[(r, 6)] = "ok" if row[5] == NORM_MET else "breach"
        c.status[(r, 7)] = "ok" if row[6] == NONE_TEXT else "warn"
        for col in (8, 9):
            if row[col - 1] != NA_TEXT:
                c.status[(r, col)] = "ok" if row[col - 1] == NORM_MET else "breach"
    c.add("note", overview_note(runs[0].baseline))
    if simulation is not None:
        c.add("sentence", simulation_sentence(simulation))
    c.add("blank")
    c.add("section", "Conclusie per scenario")
    c.ranges["sentences"] = c.extend("sentence", [[f"{label}: {outcome_sentence(m2 if run is None else run)}"]
                                                  for label, m2, run in overview_entries(runs)])
    c.page_break()
    c.add("section", "Reserve per jaar (euro), met de minimumreserve van het plan")
    c.blank_rows("chart_overview", OVERVIEW_CHART_ROWS)
    rows = yearly_rows(runs, GBR, minimum_reserve=True)
    c.ranges["reserve_header"] = (c.add("header", "Reserve (gecumuleerd budgettair resultaat)", *rows[0][1:]),) * 2
    c.ranges["reserve"] = c.extend("data", rows[1:])
    c.ranges["reserve_minimum"] = (c.ranges["reserve"][0] + len(overview_entries(runs)), c.ranges["reserve"][1])
    c.width = len(overview_header(runs[0].baseline))
    return c.padded()
