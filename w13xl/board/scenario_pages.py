"""One page per scenario: key figures with the difference against the plan, the norms, each
change's effect and a waterfall from the plan to the scenario. Pure."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..fmt import FIRST_NEGATIVE_AFM_LABEL, NORM_MET, NORM_NOT_MET, euro
from ..m2 import HALF_CENT, M2Result, m2_rows
from ..scenario.result import ScenarioRun
from ..scenario.spec import CHANGE_LABELS
from .base import AFM, BBR, FIXED_SHEETS, GBR, MARKER_TEXT, PREFIX, SheetContent, first_year_below
from .summary import _ROW_CM, outcome_sentence


def scenario_rows(run: ScenarioRun, which: str = "scenario") -> list[list]:
    """Schema M2 in statutory order: [number, label, values per year...] for the scenario
    (``which='scenario'``), the baseline ('basis') or the difference ('verschil')."""
    if which == "scenario":
        return [[n, label, *values] for n, label, _key, values in m2_rows(run.m2)]
    if which == "basis":
        return [[n, label, *values] for n, label, _key, values in m2_rows(run.baseline)]
    if which == "verschil":
        out = []
        for (n, label, _key, values), (_, _, _, base) in zip(m2_rows(run.m2), m2_rows(run.baseline), strict=True):
            out.append([n, label, *[float(v - b) for v, b in zip(values, base, strict=True)]])
        return out
    raise ValueError(f"onbekend blok {which!r} (scenario, basis, verschil)")


def change_rows(run: ScenarioRun, key: str = GBR) -> list[list]:
    """The audit trail for one M2 line: header, one row per change [nr, description, effect per
    year..., kind], and a total row equal to the scenario's difference with the baseline."""
    years = run.years
    rows: list[list] = [["Nr", "Wijziging", *years, "Soort"]]
    for e in run.effects:
        rows.append([e.index, e.description, *map(float, e.deltas[key]), CHANGE_LABELS.get(e.kind, e.kind)])
    rows.append(["", "Totaal (= verschil met de basis)", *map(float, run.difference(key)), ""])
    return rows


def norm_rows(result: M2Result) -> list[list]:
    """['', check, status] per check, named by w13xl.m2.check_rules (a statutory norm, an
    engagement or a policy, by kind of bestuur); the AFM check (last plan year) also names the
    first year with a negative AFM, as a separate fact."""
    years = result.years
    rows = []
    for key, norm in result.norms.items():
        if key == "afm_last_year_nonnegative":
            status = NORM_MET if norm.ok else NORM_NOT_MET
            first = first_year_below(years, result[AFM])
            if first is not None:
                status += f" (e{FIRST_NEGATIVE_AFM_LABEL[1:]}: {first})"
        else:
            status = NORM_MET if norm.ok else (
                f"{NORM_NOT_MET} vanaf {norm.first_breach_year} ({', '.join(map(str, norm.breach_years))})")
        rows.append(["", norm.label, status])
    return rows


#: The lines of a scenario page's key-figure table: (M2 key, label, with a difference row).
KEY_FIGURES = (
    (GBR, "Reserve (gecumuleerd budgettair resultaat)", True),
    ("minimum", "Minimumreserve", False),
    (BBR, "Beschikbaar budgettair resultaat", True),
    (AFM, "Autofinancieringsmarge", True),
    ("exploitatiesaldo", "Exploitatiesaldo", True),
)
DIFF_LABEL = "   verschil t.o.v. het plan"


def key_figure_rows(run: ScenarioRun) -> list[tuple[str, list]]:
    """(kind, row) for the key-figure table: the scenario's value per year of each key line and,
    below it, its difference with the plan (kind 'detail')."""
    numbers = {key: n for n, _label, key, _values in m2_rows(run.m2)}
    out: list[tuple[str, list]] = []
    for key, label, diff in KEY_FIGURES:
        if key == "minimum":
            if run.m2.minimum_reserve is not None:
                out.append(("data", ["", label, *map(float, run.m2.minimum_reserve)]))
            continue
        out.append(("key", [numbers.get(key, ""), label, *map(float, run.m2[key])]))
        if diff:
            out.append(("detail", ["", DIFF_LABEL, *map(float, run.difference(key))]))
    return out


WATERFALL_HEADER = ["Stap", "basis +", "basis -", "stijging +", "stijging -", "daling +", "daling -",
                    "totaal +", "totaal -"]


def _segment(lo: float, hi: float) -> tuple[float, float, float, float]:
    """A bar from lo to hi on a stacked chart: (base above zero, base below zero, bar above zero,
    bar below zero); positive values stack up from zero, negative ones down."""
    if lo >= 0:
        return lo, 0.0, hi - lo, 0.0
    if hi <= 0:
        return 0.0, hi, 0.0, lo - hi
    return 0.0, 0.0, hi, lo


def waterfall_rows(run: ScenarioRun, key: str = GBR) -> list[list]:
    """The chart helper of the waterfall 'from the plan to the scenario' for one line in the last
    plan year: a total bar for the plan, one floating bar per change (green up, red down), a total
    bar for the scenario. Columns as :data:`WATERFALL_HEADER`."""
    last = run.years[-1]
    rows: list[list] = [list(WATERFALL_HEADER)]
    start = float(run.baseline[key][-1])
    base_pos, base_neg, bar_pos, bar_neg = _segment(min(0.0, start), max(0.0, start))
    rows.append([f"Plan {last}: {euro(start)}", 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, bar_pos, bar_neg])
    level = start
    for e in run.effects:
        delta = float(e.deltas[key][-1])
        lo, hi = sorted((level, level + delta))
        base_pos, base_neg, bar_pos, bar_neg = _segment(lo, hi)
        up = delta >= 0
        sign = "+" if delta > 0 else ""
        rows.append([f"{e.index}. {CHANGE_LABELS.get(e.kind, e.kind)}: {sign}{euro(delta)}", base_pos, base_neg,
                     bar_pos if up else 0.0, bar_neg if up else 0.0, 0.0 if up else bar_pos,
                     0.0 if up else bar_neg, 0.0, 0.0])
        level += delta
    end = float(run.m2[key][-1])
    base_pos, base_neg, bar_pos, bar_neg = _segment(min(0.0, end), max(0.0, end))
    rows.append([f"Scenario {last}: {euro(end)}", 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, bar_pos, bar_neg])
    return rows


def scenario_content(run: ScenarioRun, sheet_name: str | None = None) -> SheetContent:
    """One scenario on one page: what it is, its conclusion, the key figures with their difference
    with the plan, the norms, each change's effect on the reserve, and a waterfall from the plan's
    reserve to the scenario's (its helper table sits below the printed page)."""
    years = run.years
    c = SheetContent(sheet_name or scenario_sheet_names([run])[0], layout="scenario")
    c.add("title", f"Scenario: {run.title or run.name}")
    c.add("marker", MARKER_TEXT)
    c.add("meta", "Scenario", run.name)
    if run.extends:
        c.add("meta", "Bouwt voort op", " > ".join(run.extends))
    if run.description:
        c.add("wrap", "Omschrijving", run.description)
    c.add("wrap", "Conclusie", outcome_sentence(run))
    c.add("section", "Kerncijfers van het scenario en verschil met het meerjarenplan")
    c.ranges["key_header"] = (c.add("header", "Nr", "", *years),) * 2
    first = len(c.rows) + 1
    minimum = run.m2.minimum_reserve
    for kind, row in key_figure_rows(run):
        r = c.add(kind, *row)
        if kind == "key":
            key = next(k for k, label, _d in KEY_FIGURES if label == row[1])
            for j in range(len(years)):
                value = row[2 + j]
                if (key in (BBR, AFM) and value < -HALF_CENT) or (
                        key == GBR and minimum is not None and value < minimum[j] - HALF_CENT):
                    c.status[(r, 3 + j)] = "breach"
    c.ranges["key"] = (first, len(c.rows))
    c.add("section", "Controles")
    first, last = c.extend("norm", norm_rows(run.m2))
    for r in range(first, last + 1):
        c.status[(r, 3)] = "ok" if c.rows[r - 1][2] == NORM_MET or str(c.rows[r - 1][2]).startswith(
            f"{NORM_MET} (") else "breach"
    c.add("section", "Wat elke wijziging doet met de reserve (gecumuleerd effect per jaar)")
    rows = change_rows(run, GBR)
    c.ranges[f"changes_{GBR}_header"] = (c.add("header", *rows[0]),) * 2
    if run.effects:
        c.ranges[f"changes_{GBR}"] = c.extend("change", rows[1:-1])
    else:
        c.add("note", "", "Geen wijzigingen: dit is het meerjarenplan zelf.")
    c.add("total", *rows[-1])
    if run.effects:
        c.add("blank")
        c.blank_rows("chart_changes", change_chart_rows(len(run.effects)))
    c.print_last = len(c.rows)
    if run.effects:
        c.add("blank")
        c.add("section", "Grafiekhulp (niet afgedrukt): trappen van de waterval")
        c.ranges["waterfall"] = c.extend("helper", waterfall_rows(run))
    c.width = 3 + len(years)
    return c.padded()


def change_chart_height(n_changes: int) -> float:
    """The waterfall's height (cm): the plan, each change and the scenario as one bar each."""
    return max(6.0, 3.0 + 0.9 * (n_changes + 2))


def nice_step(span: float, ticks: int = 5) -> float:
    """A round axis step (1, 2 or 5 times a power of ten) giving at most about ``ticks`` steps."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def change_chart_rows(n_changes: int) -> int:
    return math.ceil(change_chart_height(n_changes) / _ROW_CM) + 1


def scenario_sheet_names(runs: Sequence[ScenarioRun]) -> list[str]:
    """'W13 <name>' per run: at most 31 characters, no characters Excel forbids, unique
    (case-insensitive) and never the name of one of the pack's own sheets."""
    taken = {name.lower() for name in FIXED_SHEETS}
    names = []
    for run in runs:
        clean = "".join("_" if ch in '[]:*?/\\' else ch for ch in (run.name or run.title or "scenario")).strip("'")
        base = (PREFIX + clean)[:31]
        name, n = base, 2
        while name.lower() in taken:
            suffix = f" ({n})"
            name, n = base[:31 - len(suffix)] + suffix, n + 1
        taken.add(name.lower())
        names.append(name)
    return names
