"""``w13xl run`` and ``w13xl compare``: scenarios on a workbook's plan."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from ..errors import InputError
from ..fmt import euro
from ..staffing import pseudonymise
from ._app import app, console, err_console, handles_input_errors, show_warnings, write_output
from ._options import CsvOpt, PseudoOpt, RosterOpt
from ._tables import COMPACT, print_fitted
from .m2 import SheetOpt, print_m2, print_norms

if TYPE_CHECKING:  # the scenario engine (and pydantic) load only when a scenario command runs
    from ..scenario.result import ScenarioRun

ScenarioArgs = Annotated[list[str] | None, typer.Argument(
    help="Scenariobestanden (.toml), mappen ermee, of namen van scenario's op het blad \"Scenario's\" van het "
         "werkboek. Geen: elk scenario van dat blad.")]
OutOpt = Annotated[Path | None, typer.Option(
    "--out", "-o", help="Schrijf het resultaat ook weg: .json, .csv of .xlsx.")]

SUMMARY_LINES = (
    ("gecumuleerd_budgettair_resultaat", "Reserve (GBR)"),
    ("beschikbaar_budgettair_resultaat", "BBR"),
    ("autofinancieringsmarge", "AFM"),
)


def _cells(values, minimum=None) -> list[str]:
    out = []
    for i, v in enumerate(values):
        below = v < -0.005 or (minimum is not None and v < minimum[i] - 0.005)
        out.append(f"[red]{euro(v)}[/]" if below else euro(v))
    return out


def norm_facts(run: ScenarioRun) -> list[str]:
    """The checks of a run in the board pack's words (w13xl.m2.check_rules: a statutory norm, an
    engagement or a policy by kind of bestuur); the AFM check (last plan year) and the first year
    with a negative AFM are two facts with two labels."""
    from ..fmt import FIRST_NEGATIVE_AFM_LABEL, NORM_MET, NORM_NOT_MET
    from ..m2 import first_year_below

    years = run.years
    afm = run.m2["autofinancieringsmarge"]
    rules = run.m2.rules
    parts = [f"{rules['afm_last_year_nonnegative'].short} {NORM_MET if afm[-1] >= -0.005 else NORM_NOT_MET}"]
    first = first_year_below(years, afm)
    parts.append(f"e{FIRST_NEGATIVE_AFM_LABEL[1:]}: {first if first is not None else 'geen'}")
    for key in ("bbr_nonnegative", "reserve_above_minimum"):
        norm = run.m2.norms.get(key)
        if norm is not None:
            label = norm.rule.short
            parts.append(f"{label} {NORM_MET}" if norm.ok else f"{label} {NORM_NOT_MET} vanaf {norm.first_breach_year}")
    return parts


def flags(run: ScenarioRun) -> str:
    """One line with the norm facts, red when a norm is not met."""
    facts = norm_facts(run)
    ok = all("niet voldaan" not in f for f in facts)
    return ("[green]" if ok else "[red]") + "; ".join(facts) + "[/]"


def comparison_table(runs: list[ScenarioRun], years: Sequence[int] | None = None) -> Table:
    """Reserve, BBR, AFM and the minimum reserve per year (the years with these indices; default
    all), one block per scenario."""
    all_years = runs[0].years
    idx = list(range(len(all_years))) if years is None else list(years)
    table = Table(title="Scenario's naast elkaar", **COMPACT)
    table.add_column("Scenario / lijn", min_width=22)
    for i in idx:
        table.add_column(str(all_years[i]), justify="right", no_wrap=True)
    for run in runs:
        minimum = run.m2.minimum_reserve
        table.add_row(f"[bold]{run.title or run.name}[/]", *[""] * len(idx))
        for key, label in SUMMARY_LINES:
            cells = _cells(run.m2[key], minimum if key == "gecumuleerd_budgettair_resultaat" else None)
            table.add_row(f"  {label}", *[cells[i] for i in idx])
        if minimum is not None:
            table.add_row("  Minimumreserve", *[euro(minimum[i]) for i in idx], style="dim")
        table.add_section()
    return table


def print_comparison(runs: list[ScenarioRun]) -> None:
    """The comparison table(s), fitted to the terminal, then the norms per scenario."""
    print_fitted(console, lambda block: comparison_table(runs, block), len(runs[0].years))
    console.print("[bold]Controles[/]")
    for run in runs:
        console.print(f"{run.title or run.name}: {flags(run)}", soft_wrap=False)
    from .m2 import bestuur_line

    console.print(f"[dim]{bestuur_line(runs[0].m2)}[/]", soft_wrap=False)


def audit_table(run: ScenarioRun, names: Mapping[str, str] | None = None) -> Table:
    last = run.years[-1]
    from ._tables import COMPACT

    table = Table(title=f"Effect per wijziging — {run.title}", **COMPACT)
    table.add_column("#", justify="right")
    # the description gets the room; an amount is one word (never broken), its header may wrap
    table.add_column("Wijziging", min_width=40, overflow="fold")
    table.add_column(f"Exploitatiesaldo\n{last}", justify="right", no_wrap=True)
    table.add_column(f"Reserve\n{last}", justify="right", no_wrap=True, min_width=9)
    table.add_column(f"AFM\n{last}", justify="right", no_wrap=True, min_width=9)
    for e in run.effects:
        text = e.description if not names else pseudonymise(e.description, names)
        table.add_row(str(e.index), text, *_cells([e.effect("exploitatiesaldo"),
                                                             e.effect("gecumuleerd_budgettair_resultaat"),
                                                             e.effect("autofinancieringsmarge")]))
    table.add_row("", "[bold]Totaal t.o.v. basis[/]",
                  *_cells([run.difference(k)[-1] for k in ("exploitatiesaldo", "gecumuleerd_budgettair_resultaat",
                                                            "autofinancieringsmarge")]))
    return table


def notice_table(variants) -> Table:
    """Both notice variants of a scenario with ``stop`` changes (issue 18)."""
    from ..scenario.notice import variant_rows

    rows = variant_rows(variants)
    table = Table(title="Opzeg bij stopzetting: beide varianten (tijdig = opzeg loopt af op de stopdatum, geen "
                        "opzegvergoeding; na stopzetting = wettelijke opzeg vanaf de stopdatum, zonder subsidie)",
                  **COMPACT)
    for i, h in enumerate(rows[0]):
        table.add_column(h, justify="right" if i >= 2 else "left", no_wrap=True)
    for row in rows[1:]:
        table.add_row(row[0], row[1], *_cells(row[2:]))
    return table


def runs_json(runs: list[ScenarioRun], meta: dict) -> dict:
    return {**meta, "years": list(runs[0].years) if runs else [], "scenarios": [r.to_dict() for r in runs]}


def runs_csv_rows(runs: list[ScenarioRun]) -> list[list]:
    from ..m2 import m2_rows

    rows: list[list] = [["scenario", "key", "omschrijving", *(runs[0].years if runs else [])]]
    for run in runs:
        for _number, label, key, values in m2_rows(run.m2):
            rows.append([run.name, key, label, *[f"{v:.2f}" for v in values]])
    return rows


def write_runs(out: Path, runs: list[ScenarioRun], meta: dict, csv_style: str = "be") -> None:
    from ..report import write_m2_workbook

    write_output(out, lambda: runs_json(runs, meta), lambda: runs_csv_rows(runs), csv_style,
                 lambda path: write_m2_workbook(path, {r.title: r.m2 for r in runs}))


def staff_lines(baseline) -> list[str]:
    """The roster's label and its gap with schema T2 line 2 per year, for every position-driven
    output (issue 18): "personeel: illustratief bestand" until a real file is given."""
    from ..staffing import ILLUSTRATIVE_LABEL

    out = []
    if baseline.positions and baseline.roster_illustrative:
        out.append(f"[yellow]{ILLUSTRATIVE_LABEL}[/]: de cijfers die van posities afhangen (opzeg, kliffen, "
                    "personeel blijft, aanwervingen) rusten op het voorbeeldbestand; geef het echte "
                    "personeelsbestand (docs/personeel.md)")
    check = baseline.staff_check()
    if check is not None:
        parts = [f"{y} {r * 100:+.1f}%".replace(".", ",").replace("-0,0%", "0,0%").replace("+0,0%", "0,0%")
                 for y, r in zip(check.years, check.relative, strict=True)]
        colour = "red" if check.years_over() else "green"
        out.append(f"Loonkost personeelsbestand t.o.v. schema T2 lijn 2: [{colour}]{'; '.join(parts)}[/] "
                   "(waarschuwing boven 1%)")
    return out


def _study(workbook: Path, scenarios: list[str] | None, sheet: str | None, roster: Path | None = None):
    from ..scenario.loader import load_study

    return load_study(workbook, scenarios or [], sheet=sheet, roster=roster)


def _run_all(workbook: Path, scenarios: list[str] | None, sheet: str | None,
             study=None) -> list[ScenarioRun]:
    from ..scenario import run_scenarios

    baseline, library, selected = study or _study(workbook, scenarios, sheet)
    show_warnings(baseline.warnings)
    if not selected:
        raise InputError("geen scenario's om door te rekenen: het werkboek heeft geen blad \"Scenario's\" met "
                         "scenario's en er zijn er geen gegeven", file=str(workbook),
                         expected="scenariobestanden (.toml), een map ervan, of rijen op het blad \"Scenario's\"")
    for s in selected:
        if s.uncertainty:
            err_console.print(f"[yellow]Waarschuwing:[/] '{s.name}' heeft een \\[uncertainty]-tabel: hier staat alleen "
                              f"het centrale pad; de spreiding en de kansen geeft w13xl onzekerheid.", soft_wrap=True)
    return run_scenarios(baseline, selected, library).runs()


@app.command("scenario")
@handles_input_errors
def run_command(
    workbook: Annotated[Path, typer.Argument(help="Het werkboek met het meerjarenplan.")],
    scenarios: ScenarioArgs = None,
    sheet: SheetOpt = None,
    out: OutOpt = None,
    csv_style: CsvOpt = "be",
    pseudonym: PseudoOpt = False,
    roster: RosterOpt = None,
    index_classes: Annotated[bool, typer.Option(
        "--indexklassen", help="Toon na het resultaat ook welke indexklasse elke lijn volgt en waarom.")] = False,
) -> None:
    """Scenario's doorrekenen: schema M2 per scenario, de normen en het effect van elke wijziging.

    Voorbeeld: w13xl scenario workbooks/w13-mjp-2026-2031.xlsx scenarios/pact-stopt-2028.toml
    """
    study = _study(workbook, scenarios, sheet, roster)
    runs = _run_all(workbook, scenarios, sheet, study=study)
    from ..scenario.engine import Engine
    from ..scenario.notice import notice_variants
    from ..staffing import pseudonyms

    baseline, library, selected = study
    names = pseudonyms(baseline.positions) if pseudonym else None
    for line in staff_lines(baseline):
        console.print(line, width=min(console.width, 100))
    engine = Engine(baseline)
    for scenario, run in zip(selected, runs, strict=True):  # the result first (issue 21)
        print_m2(run.m2, f"Schema M2 — {run.title}")
        print_norms(run.m2)
        if run.effects:
            console.print(audit_table(run, names))
        variants = notice_variants(engine, scenario, library, run)
        if variants:
            console.print(notice_table(variants))
        console.print()
    if index_classes:  # issue 9: which index class and share each line got, and from where
        from .aannames import print_index_classes

        print_index_classes(workbook, sheet, baseline)
    else:
        console.print("Welke indexklasse elke lijn volgt: --indexklassen (of w13xl aannames).")
    if out is not None:
        write_runs(out, runs, {"workbook": str(workbook)}, csv_style)


@app.command("vergelijk")
@handles_input_errors
def compare_command(
    workbook: Annotated[Path, typer.Argument(help="Het werkboek met het meerjarenplan.")],
    scenarios: ScenarioArgs = None,
    sheet: SheetOpt = None,
    out: OutOpt = None,
    csv_style: CsvOpt = "be",
) -> None:
    """Scenario's naast elkaar: reserve, BBR en AFM per jaar, met de normen.

    Voorbeeld: w13xl vergelijk workbooks/w13-mjp-2026-2031.xlsx scenarios/
    """
    runs = _run_all(workbook, scenarios, sheet)
    from ..board.summary import is_baseline_run

    runs = sorted(runs, key=lambda r: not is_baseline_run(r))  # the plan first (stable: the rest in order)
    print_comparison(runs)
    if out is not None:
        write_runs(out, runs, {"workbook": str(workbook)}, csv_style)
