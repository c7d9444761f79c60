"""One sheet per scenario: schema M2, the norms and each change's effect. Pure."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..m2 import HALF_CENT, M2Result, m2_rows
from ..scenario.result import ScenarioRun
from ..scenario.spec import CHANGE_LABELS
from .base import AFM, BBR, GBR, KEY_LINES, MARKER_TEXT, OVERVIEW_SHEET, PREFIX, SheetContent
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
        for (n, label, key, values), (_, _, _, base) in zip(m2_rows(run.m2), m2_rows(run.baseline)):
            out.append([n, label, *[float(v - b) for v, b in zip(values, base)]])
        return out
    raise ValueError(f"unknown block {which!r} (scenario, basis, verschil)")


def scenario_row_keys(run: ScenarioRun) -> list[str]:
    return [key for _n, _label, key, _values in m2_rows(run.m2)]


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
    rows = []
    for norm in result.norms.values():
        status = "voldaan" if norm.ok else (
            f"niet voldaan vanaf {norm.first_breach_year} ({', '.join(map(str, norm.breach_years))})")
        rows.append(["", norm.label, status])
    return rows


def scenario_content(run: ScenarioRun, sheet_name: str | None = None) -> SheetContent:
    """One scenario's sheet: schema M2 (scenario, difference, baseline), norms and the changes
    applied with each change's effect on the reserve and on the AFM."""
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
    c.add("blank")
    keys = scenario_row_keys(run)

    def m2_block(block: str, title: str) -> None:
        c.add("section", title)
        header = c.add("header", "Nr", "Omschrijving", *years)
        c.ranges[f"{block}_header"] = (header, header)
        first = len(c.rows) + 1
        for key, row in zip(keys, scenario_rows(run, block)):
            kind = "detail" if row[0] in ("a", "b") else "key" if key in KEY_LINES else "data"
            c.add(kind, *row)
        c.ranges[block] = (first, len(c.rows))

    m2_block("scenario", "Schema M2: scenario")
    # The reserve/AFM/BBR values that break a norm.
    first, _ = c.ranges["scenario"]
    minimum = run.m2.minimum_reserve
    for i, key in enumerate(keys):
        for j in range(len(years)):
            value = c.rows[first + i - 1][2 + j]
            if (key in (BBR, AFM) and value < -HALF_CENT) or (
                    key == GBR and minimum is not None and value < minimum[j] - HALF_CENT):
                c.status[(first + i, 3 + j)] = "breach"
    c.page_break()
    c.add("section", "Normen (scenario)")
    first, last = c.extend("norm", norm_rows(run.m2))
    for r in range(first, last + 1):
        c.status[(r, 3)] = "ok" if c.rows[r - 1][2] == "voldaan" else "breach"
    c.add("blank")
    for key, title in ((GBR, "Toegepaste wijzigingen: effect op de reserve (gecumuleerd budgettair resultaat)"),
                       (AFM, "Toegepaste wijzigingen: effect op de autofinancieringsmarge")):
        c.add("section", title)
        rows = change_rows(run, key)
        header = c.add("header", *rows[0])
        c.ranges[f"changes_{key}_header"] = (header, header)
        if run.effects:
            c.ranges[f"changes_{key}"] = c.extend("change", rows[1:-1])
        else:
            c.add("note", "", "Geen wijzigingen: dit is het meerjarenplan zelf.")
        c.add("total", *rows[-1])
        c.add("blank")
    if run.effects:
        c.blank_rows("chart_changes", change_chart_rows(len(run.effects)))
    c.page_break()
    m2_block("verschil", "Verschil scenario min meerjarenplan (basis)")
    c.page_break()
    m2_block("basis", "Schema M2: meerjarenplan (basis)")
    c.width = 3 + len(years)
    return c.padded()


def change_chart_height(n_changes: int) -> float:
    return max(5.0, 2.0 + 0.8 * n_changes)


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
    (case-insensitive) and never the overview's name."""
    taken = {OVERVIEW_SHEET.lower()}
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
