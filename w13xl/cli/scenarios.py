"""``w13xl run`` and ``w13xl compare``: scenarios on a workbook's plan."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.table import Table

from ..fmt import euro
from ..workbook import safe_write
from ._app import app, console, handles_input_errors, output_kind, show_warnings, write_json
from .m2 import SheetOpt, m2_table, print_norms

if TYPE_CHECKING:  # the scenario engine (and pydantic) load only when a scenario command runs
    from ..scenario.result import ScenarioRun

ScenarioArgs = Annotated[Optional[list[str]], typer.Argument(
    help="Scenario files (.toml), folders of them, or names of scenarios on the workbook's \"Scenario's\" sheet. "
         "None: every scenario on that sheet.")]
OutOpt = Annotated[Optional[Path], typer.Option("--out", "-o", help="Also write the result: .json, .csv or .xlsx.")]

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


def flags(run: ScenarioRun) -> str:
    parts = []
    for key, short in (("bbr_nonnegative", "BBR<0"), ("reserve_above_minimum", "reserve<min"),
                       ("afm_last_year_nonnegative", "AFM<0")):
        norm = run.m2.norms.get(key)
        if norm is not None and not norm.ok:
            parts.append(f"{short} vanaf {norm.first_breach_year}")
    return "[red]" + "\n".join(parts) + "[/]" if parts else "[green]normen OK[/]"


def comparison_table(runs: list[ScenarioRun]) -> Table:
    years = runs[0].years
    table = Table(title="Scenario's naast elkaar", title_justify="left")
    table.add_column("Scenario", max_width=32)
    table.add_column("Lijn", no_wrap=True, min_width=14)
    for y in years:
        table.add_column(str(y), justify="right", no_wrap=True, min_width=9)
    table.add_column("Normen", max_width=26)
    for run in runs:
        minimum = run.m2.minimum_reserve
        for i, (key, label) in enumerate(SUMMARY_LINES):
            table.add_row(run.title if i == 0 else "", label,
                          *_cells(run.m2[key], minimum if key == "gecumuleerd_budgettair_resultaat" else None),
                          flags(run) if i == 0 else "")
        if minimum is not None:
            table.add_row("", "Minimumreserve", *[euro(v) for v in minimum], "", style="dim")
        table.add_section()
    return table


def audit_table(run: ScenarioRun) -> Table:
    last = run.years[-1]
    table = Table(title=f"Effect per wijziging — {run.title}", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("Wijziging")
    table.add_column(f"Exploitatiesaldo {last}", justify="right", no_wrap=True)
    table.add_column(f"Reserve {last}", justify="right", no_wrap=True)
    table.add_column(f"AFM {last}", justify="right", no_wrap=True)
    for e in run.effects:
        table.add_row(str(e.index), e.description, *_cells([e.effect("exploitatiesaldo"),
                                                             e.effect("gecumuleerd_budgettair_resultaat"),
                                                             e.effect("autofinancieringsmarge")]))
    table.add_row("", "[bold]Totaal t.o.v. basis[/]",
                  *_cells([run.difference(k)[-1] for k in ("exploitatiesaldo", "gecumuleerd_budgettair_resultaat",
                                                            "autofinancieringsmarge")]))
    return table


def runs_json(runs: list[ScenarioRun], meta: dict) -> dict:
    return {**meta, "years": list(runs[0].years) if runs else [], "scenarios": [r.to_dict() for r in runs]}


def runs_csv(runs: list[ScenarioRun]) -> str:
    from ..m2 import m2_rows

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["scenario", "key", "omschrijving", *(runs[0].years if runs else [])])
    for run in runs:
        for _number, label, key, values in m2_rows(run.m2):
            writer.writerow([run.name, key, label, *[f"{v:.2f}" for v in values]])
    return buf.getvalue()


def write_runs(out: Path, runs: list[ScenarioRun], meta: dict) -> None:
    kind = output_kind(out)
    if kind == "json":
        write_json(out, runs_json(runs, meta))
    elif kind == "csv":
        text = runs_csv(runs)
        safe_write(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    else:
        from ..report import write_m2_workbook

        write_m2_workbook(out, {r.title: r.m2 for r in runs})
    console.print(f"Geschreven: {out}")


def _run_all(workbook: Path, scenarios: list[str] | None, sheet: str | None,
             batched: bool = False) -> list[ScenarioRun]:
    from ..scenario.engine import Engine
    from ..scenario.loader import load_study

    baseline, library, selected = load_study(workbook, scenarios or [], sheet=sheet)
    show_warnings(baseline.warnings)
    if not selected:
        raise typer.BadParameter("no scenarios: give scenario files or define them on the \"Scenario's\" sheet")
    if batched:  # one array computation for all scenarios (same figures as the engine)
        from ..scenario.batch import run_batch

        return run_batch(baseline, selected, library).runs()
    engine = Engine(baseline)
    return [engine.run(s, library) for s in selected]


@app.command("run")
@handles_input_errors
def run_command(
    workbook: Annotated[Path, typer.Argument(help="The workbook with the plan.")],
    scenarios: ScenarioArgs = None,
    sheet: SheetOpt = None,
    out: OutOpt = None,
) -> None:
    """Run scenarios: schema M2 per scenario, the norm checks and each change's effect."""
    runs = _run_all(workbook, scenarios, sheet)
    for run in runs:
        console.print(m2_table(run.m2, f"Schema M2 — {run.title}"))
        print_norms(run.m2)
        if run.effects:
            console.print(audit_table(run))
        console.print()
    if out is not None:
        write_runs(out, runs, {"workbook": str(workbook)})


@app.command("compare")
@handles_input_errors
def compare_command(
    workbook: Annotated[Path, typer.Argument(help="The workbook with the plan.")],
    scenarios: ScenarioArgs = None,
    sheet: SheetOpt = None,
    out: OutOpt = None,
) -> None:
    """Compare scenarios side by side: reserve, BBR and AFM per year with the norm flags."""
    runs = _run_all(workbook, scenarios, sheet, batched=True)
    console.print(comparison_table(runs))
    if out is not None:
        write_runs(out, runs, {"workbook": str(workbook)})
