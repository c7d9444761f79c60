"""``w13xl simulate``, ``w13xl cliffs`` and ``w13xl solve``: how likely, and what it would take."""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..errors import InputError
from ..fmt import euro, percent
from ._app import app, console, err_console, handles_input_errors, output_kind, show_warnings, write_json
from ._options import CsvOpt, RosterOpt, check_csv_style
from ._tables import COMPACT
from .m2 import SheetOpt

ScenarioArg = Annotated[str | None, typer.Argument(
    help="Eén scenario: een .toml-bestand of de naam van een scenario op het blad \"Scenario's\". "
         "Geen: het plan zoals het is.")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Schrijf het resultaat ook weg: .json of .csv.")]

LINES = (("gecumuleerd_budgettair_resultaat", "Reserve (GBR)"),
         ("beschikbaar_budgettair_resultaat", "BBR"),
         ("autofinancieringsmarge", "AFM"))


def _study(workbook: Path, scenario: str | None, sheet: str | None, roster: Path | None = None):
    from ..scenario.loader import load_study

    baseline, library, selected = load_study(workbook, [scenario] if scenario else [], sheet=sheet,
                                             all_if_empty=False, roster=roster)
    show_warnings(baseline.warnings)
    if len(selected) > 1:
        raise InputError(f"'{scenario}' bevat {len(selected)} scenario's; geef er één", file=str(workbook),
                         expected="één .toml-bestand of één scenarionaam")
    return baseline, library, (selected[0] if selected else None)


def _out_kind(out: Path | None) -> str | None:
    if out is None:
        return None
    kind = output_kind(out)
    if kind == "xlsx":
        raise InputError(f"--out {out}: dit commando schrijft .json of .csv (het bordpakket schrijft Excel)")
    return kind


def _write_output(out: Path | None, kind: str | None, data: dict, csv_rows, csv_style: str = "be") -> None:
    """Write ``--out`` (its ``kind`` from :func:`_out_kind`: json or csv): the JSON ``data``, or the
    CSV rows (``csv_rows()`` is only built for CSV)."""
    if out is None:
        return
    if kind == "json":
        write_json(out, data)
    else:
        from ..csvout import write_csv

        write_csv(out, csv_rows(), check_csv_style(csv_style))
    console.print(f"Geschreven: {out}")


def _fmt(v: float) -> str:
    return f"{v:.2f}"


# -- simulate ----------------------------------------------------------------------------------
def _nothing_varies(sim) -> bool:
    """Every path the same: P5 equals P95 for every line and year (to the cent)."""
    import numpy as np

    return all(np.allclose(sim.percentiles[key][0], sim.percentiles[key][-1], atol=0.005, rtol=0)
               for key, _label in LINES)


def simulation_table(sim, block=None) -> Table:
    """Percentiles per line and year, in the compact look; ``block``: the year indices shown (all
    by default), so that :func:`print_fitted` can split the years when the terminal is narrow."""
    from ..montecarlo import PERCENTILES

    idx = list(range(len(sim.years))) if block is None else list(block)
    paths = f"{sim.paths:_}".replace("_", ".")
    table = Table(title=f"Monte Carlo — {sim.title} ({paths} paden, seed {sim.seed})",
                  caption=sim.calibration_note, caption_justify="left", **COMPACT)
    table.add_column("Lijn", overflow="fold", min_width=8)
    table.add_column("", no_wrap=True)
    for i in idx:
        table.add_column(str(sim.years[i]), justify="right", no_wrap=True)

    def cells(values) -> list[str]:
        return [euro(values[i]) for i in idx]

    for key, label in LINES:
        for i, p in enumerate(PERCENTILES):
            style = "bold" if p == 50 else None
            table.add_row(label if i == 0 else "", f"P{p}", *cells(sim.percentiles[key][i]), style=style)
        table.add_row("", "plan", *cells(sim.deterministic.m2[key]), style="dim")
        table.add_section()
    if sim.minimum_reserve is not None:
        table.add_row("Minimumreserve", "plan", *cells(sim.minimum_reserve), style="dim")
    if sim.p_reserve_below_minimum is not None:
        table.add_row("Kans reserve < minimum", "", *[percent(sim.p_reserve_below_minimum[i]) for i in idx])
    return table


def print_probabilities(sim) -> None:
    last = sim.years[-1]
    if sim.p_reserve_below_minimum_any is not None:
        console.print("Kans dat de reserve ooit onder de minimumreserve zakt: "
                      f"[bold]{percent(sim.p_reserve_below_minimum_any)}[/]")
    console.print(f"Kans op een negatieve AFM in {last} (AFM {last} < 0): "
                  f"[bold]{percent(sim.p_afm_last_negative)}[/]")
    console.print(f"Kans op een negatief BBR in enig jaar: [bold]{percent(sim.p_bbr_negative_any)}[/]")


def simulation_csv_rows(sim) -> list[list]:
    from ..montecarlo import PERCENTILES

    rows: list[list] = [["scenario", "key", "percentiel", *sim.years]]
    for key, _ in LINES:
        for p, row in zip(PERCENTILES, sim.percentiles[key], strict=True):
            rows.append([sim.scenario, key, f"P{p}", *map(_fmt, row)])
        rows.append([sim.scenario, key, "plan", *map(_fmt, sim.deterministic.m2[key])])
    if sim.minimum_reserve is not None:
        rows.append([sim.scenario, "minimumreserve", "plan", *map(_fmt, sim.minimum_reserve)])
    if sim.p_reserve_below_minimum is not None:
        rows.append([sim.scenario, "kans_reserve_onder_minimum", "",
                     *[f"{v:.6f}" for v in sim.p_reserve_below_minimum]])
        rows.append([sim.scenario, "kans_reserve_onder_minimum_ooit", "", f"{sim.p_reserve_below_minimum_any:.6f}"])
    rows.append([sim.scenario, "kans_afm_laatste_jaar_negatief", "", f"{sim.p_afm_last_negative:.6f}"])
    rows.append([sim.scenario, "kans_bbr_negatief_ooit", "", f"{sim.p_bbr_negative_any:.6f}"])
    if sim.calibration_note is not None:
        rows.append([sim.scenario, "kalibratie", "", sim.calibration_note])
    return rows


@app.command("onzekerheid")
@handles_input_errors
def simulate_command(
    workbook: Annotated[Path, typer.Argument(help="Het werkboek met het meerjarenplan.")],
    scenario: ScenarioArg = None,
    paths: Annotated[int | None, typer.Option("--paths", "-n", min=1, help="Aantal paden (standaard: paths uit de "
                                                 "\\[uncertainty]-tabel van het scenario, anders 10.000).")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", min=0, help="Startwaarde van het toeval (standaard: die van het scenario).")] = None,
    sheet: SheetOpt = None,
    out: OutOpt = None,
    csv_style: CsvOpt = "be",
    progress: Annotated[bool | None, typer.Option(
        "--progress/--no-progress", help="Voortgangsbalk (standaard: aan bij lange berekeningen).")] = None,
    export_paths: Annotated[tuple[int, Path] | None, typer.Option(
        "--export-paths", metavar="AANTAL MAP",
        help="Schrijf de AANTAL paden met de laagste reserve (GBR) in het laatste jaar als scenariobestand "
             "MAP/<scenario>-slechtste-<rang>.toml, met ernaast een .json met hun cijfers (schema M2 per jaar, "
             "minimumreserve): w13xl scenario WERKBOEK MAP/<bestand>.toml geeft dezelfde cijfers.")] = None,
    processes: Annotated[int | None, typer.Option(
        "--processen", min=1, metavar="AANTAL",
        help="Aantal processen die de paden rekenen, elk een deel ervan (standaard: één per processorkern; "
             "1 = alles in dit proces). Het aantal verandert geen enkel cijfer, alleen de rekentijd.")] = None,
) -> None:
    """Monte Carlo van de \\[uncertainty]-tabel van een scenario: percentielen P5-P95 van reserve, BBR en AFM per jaar en de kans dat een controle (norm, engagement of beleid) niet gehaald wordt.

    Elk pad is een gewoon scenario: het scenario zelf, gevolgd door de getrokken wijzigingen (verlenging of einde van subsidies, groei van de bijdrage, indexering). Met --export-paths bewaar je de slechtste paden als scenariobestand.

    Voorbeeld: w13xl onzekerheid workbooks/w13-mjp-2026-2031.xlsx scenarios/onzekerheid.toml --paths 2000
    """  # noqa: E501 - command help: typer keeps these lines as they are
    from ..montecarlo import CHUNK, available_cores, prepare, simulate

    kind = _out_kind(out)
    if export_paths is not None:
        check_export_folder(*export_paths)
    baseline, library, chosen = _study(workbook, scenario, sheet)
    prepared = prepare(baseline, chosen, library)
    if chosen is None or not chosen.uncertainty:
        err_console.print("[yellow]Waarschuwing:[/] het scenario heeft geen \\[uncertainty]-tabel: "
                          "alle paden zijn gelijk aan het scenario zelf.", soft_wrap=True)
    n = paths or prepared.spec.paths
    keep = export_paths is not None
    workers = processes or available_cores()
    show = progress if progress is not None else n > CHUNK
    if show:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        # the bar (and its refresh thread) starts at simulate's first call, once the worker
        # processes are forked: never fork a process while another thread runs
        bar = Progress(TextColumn("Paden"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                       console=err_console, transient=True)
        task = None

        def update(done: int, total: int) -> None:
            nonlocal task
            if task is None:
                bar.start()
                task = bar.add_task("paden", total=total)
            bar.update(task, completed=done)

        try:
            sim = simulate(baseline, paths=n, seed=seed, prepared=prepared, keep_paths=keep, progress=update,
                           workers=workers)
        finally:
            bar.stop()
    else:
        sim = simulate(baseline, paths=n, seed=seed, prepared=prepared, keep_paths=keep, workers=workers)
    if chosen is not None and chosen.uncertainty and _nothing_varies(sim):
        err_console.print("[yellow]Waarschuwing:[/] de \\[uncertainty]-tabel laat niets variëren: alle paden zijn "
                          "gelijk, dus elke kans hieronder is 0% of 100%.", soft_wrap=True)
    from ._tables import print_fitted

    print_fitted(console, lambda block: simulation_table(sim, block), len(sim.years))
    print_probabilities(sim)
    _write_output(out, kind, {"workbook": str(workbook), **sim.to_dict()}, lambda: simulation_csv_rows(sim), csv_style)
    if export_paths is not None:
        write_worst_paths(prepared, sim, *export_paths)


def check_export_folder(k: int, folder: Path) -> None:
    """``--export-paths K MAP`` before anything is computed: K at least 1, MAP not a file."""
    if k < 1:
        raise InputError(f"--export-paths {k}: het aantal paden om te bewaren moet minstens 1 zijn",
                         expected="bv. --export-paths 5 paden")
    if folder.exists() and not folder.is_dir():
        raise InputError("--export-paths: dit is een bestand, geen map", file=str(folder),
                         expected="een (nieuwe) map voor de scenariobestanden")


def write_worst_paths(prepared, sim, k: int, folder: Path) -> list[Path]:
    """``--export-paths K MAP``: the K paths with the lowest reserve in the last year as scenario
    files (worst first) with their figures beside them (.json, as ``w13xl scenario -o`` writes a run)."""
    from ..montecarlo import worst_paths
    from ..workbook import safe_write

    check_export_folder(k, folder)
    k = min(k, sim.paths)
    exported = worst_paths(prepared, sim, k)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"de map kon niet gemaakt worden ({exc.strerror or exc})", file=str(folder)) from None
    written = []
    for e in exported:
        toml = folder / f"{e.stem}.toml"
        safe_write(toml, partial(Path.write_text, data=e.toml, encoding="utf-8"))
        write_json(folder / f"{e.stem}.json", e.figures(sim))
        written.append(toml)
    last = sim.years[-1]
    console.print(f"Geschreven: {len(written)} slechtste paden (reserve {last}) als scenario in {folder}: "
                  + ", ".join(p.name for p in written), soft_wrap=True)
    return written


# -- cliffs ------------------------------------------------------------------------------------
def cliff_table(table) -> Table:
    """(a) a year early, project stops; (b) not renewed, staff stay: reserve and AFM of the last
    year. Compact, names wrap (never cut), so it fits 100 columns."""
    last = table.years[-1]
    t = Table(title=f"Subsidiekliffen — effect op {last} t.o.v. {table.title}", caption=CLIFF_LEGEND,
              caption_justify="left", **COMPACT)
    t.add_column("Subsidie", overflow="fold", min_width=22)
    t.add_column("Einde", no_wrap=True)
    for amount in ("(a) reserve", "(a) AFM", "(a) tijdig reserve", "(b) reserve", "(b) AFM"):
        t.add_column(amount, justify="right", min_width=8, max_width=10)
    t.add_column("Opmerking", overflow="fold", min_width=16)

    def red(v: float) -> str:
        return f"[red]{euro(v)}[/]" if v < -0.005 else euro(v)

    for c in table.cliffs:
        t.add_row(f"{c.name} ({c.subsidy}, {c.action})", "open" if c.end is None else f"{c.end:%d/%m/%Y}",
                  red(c.reserve_early), red(c.afm_early), red(c.reserve_early_in_time), red(c.reserve_keep),
                  red(c.afm_keep), c.note)
    return t


CLIFF_LEGEND = ("Reserve en AFM van het laatste planjaar. (a) de subsidie stopt 1 jaar vroeger en het project "
                "stopt mee; het personeel krijgt de wettelijke opzeg vanaf de stopdatum (opzeg na stopzetting, "
                "anciënniteit uit in_dienst of de trap); (a) tijdig: de opzeg is tijdig gegeven en loopt af op de "
                "stopdatum (geen opzegvergoeding). (b) de subsidie wordt niet verlengd en het personeel blijft.")


def cliff_csv_rows(table) -> list[list]:
    rows: list[list] = [["subsidie", "naam", "actie", "einde", "datum_a", "reserve_a", "afm_a", "datum_b",
                         "reserve_b", "afm_b", "opmerking", "reserve_a_tijdig", "afm_a_tijdig"]]
    for c in table.cliffs:
        rows.append([c.subsidy, c.name, c.action, "" if c.end is None else c.end.isoformat(),
                     c.early_date.isoformat(), _fmt(c.reserve_early), _fmt(c.afm_early), c.keep_date.isoformat(),
                     _fmt(c.reserve_keep), _fmt(c.afm_keep), c.note, _fmt(c.reserve_early_in_time),
                     _fmt(c.afm_early_in_time)])
    return rows


@app.command("kliffen")
@handles_input_errors
def cliffs_command(
    workbook: Annotated[Path, typer.Argument(help="Het werkboek met het meerjarenplan.")],
    scenario: ScenarioArg = None,
    sheet: SheetOpt = None,
    out: OutOpt = None,
    csv_style: CsvOpt = "be",
    roster: RosterOpt = None,
) -> None:
    """Subsidiekliffen: per subsidie het effect op reserve en AFM in het laatste jaar als (a) de subsidie een jaar vroeger stopt (project stopt) en (b) niet verlengd wordt terwijl het personeel blijft; ergste eerst.

    Voorbeeld: w13xl kliffen workbooks/w13-mjp-2026-2031.xlsx -o kliffen.csv
    """  # noqa: E501 - command help: typer keeps these lines as they are
    from ..cliffs import subsidy_cliffs

    kind = _out_kind(out)
    baseline, library, chosen = _study(workbook, scenario, sheet, roster)
    if not baseline.subsidies:
        raise InputError("het werkboek heeft geen subsidieregister (blad 'Subsidies')", file=str(workbook))
    table = subsidy_cliffs(baseline, chosen, library)
    from .scenarios import staff_lines

    for line in staff_lines(baseline):
        console.print(line, width=min(console.width, 100))
    console.print(cliff_table(table))
    seniority = [f"{c.subsidy}: {c.notice_summary()}" for c in table.cliffs if c.notices]
    if seniority:
        console.print("Anciënniteit en wettelijke opzeg in (a), per positie: " + "; ".join(seniority),
                      width=min(console.width, 100))
    _write_output(out, kind, {"workbook": str(workbook), **table.to_dict()}, lambda: cliff_csv_rows(table), csv_style)


# -- solve -------------------------------------------------------------------------------------
def solution_csv_rows(solutions) -> list[list]:
    rows: list[list] = [["hefboom", "haalbaar", "nodig", "waarde", "vanaf_jaar", "datum", "per_inwoner",
                         "vte_vermindering", "afm_laatste_jaar", "bindend", "bindend_jaar", "zin"]]
    for s in solutions:
        rows.append([s.lever, s.feasible, s.needed, f"{s.value:.10f}", s.from_year or "",
                     "" if s.date is None else s.date.isoformat(),
                     "" if s.per_inhabitant is None else f"{s.per_inhabitant:.6f}",
                     "" if s.fte_reduction is None else f"{s.fte_reduction:.6f}", _fmt(s.afm_last),
                     s.binding, s.binding_year, s.sentence()])
    return rows


def solution_table(solutions) -> Table:
    from ..goalseek import TARGET_LABELS

    s0 = solutions[0]
    last = s0.proof.years[-1]
    t = Table(title=f"Doelzoeken — {s0.title}: AFM {last} ≥ 0, reserve ≥ minimum, BBR ≥ 0", title_justify="left")
    t.add_column("Hefboom")
    t.add_column("Antwoord", max_width=60)
    t.add_column(f"AFM {last} (herrekend)", justify="right", min_width=9)
    t.add_column("Kleinste marge reserve − minimum", justify="right")
    t.add_column("Bindend")
    for s in solutions:
        reserve = s.slacks.get("reserve_minimum")
        t.add_row(s.lever, s.sentence(), euro(s.afm_last, 2),
                  "" if reserve is None else f"{euro(reserve[0], 2)} ({reserve[1]})",
                  f"{TARGET_LABELS[s.binding]} ({s.binding_year})")
    return t


@app.command("doelzoek")
@handles_input_errors
def solve_command(
    workbook: Annotated[Path, typer.Argument(help="Het werkboek met het meerjarenplan.")],
    scenario: ScenarioArg = None,
    lever: Annotated[list[str] | None, typer.Option(
        "--lever", "-l", help="contribution (% vanaf --from-year), per_inhabitant (euro per inwoner) of fte "
                              "(VTE basiswerking vanaf --date). Herhaalbaar; standaard contribution en fte.")] = None,
    from_year: Annotated[int | None, typer.Option("--from-year", help="Eerste jaar van de hogere "
                                                     "bijdrage (standaard: het tweede planjaar).")] = None,
    date: Annotated[str | None, typer.Option("--date", help="Eerste dag van de VTE-vermindering, bv. 01/01/2027 "
                                                "(standaard: 1 januari van het tweede planjaar).")] = None,
    sheet: SheetOpt = None,
    out: OutOpt = None,
    csv_style: CsvOpt = "be",
) -> None:
    """Doelzoeken: de kleinste verhoging van de bijdrage of vermindering van de VTE basiswerking voor een AFM ≥ 0 in het laatste jaar en een reserve ≥ het minimum in elk jaar, gecontroleerd door het scenario opnieuw door te rekenen.

    Voorbeeld: w13xl doelzoek workbooks/w13-mjp-2026-2031.xlsx --lever contribution
    """  # noqa: E501 - command help: typer keeps these lines as they are
    from ..goalseek import LEVERS, solve

    kind = _out_kind(out)
    levers = lever or ["contribution", "fte"]
    for name in levers:
        if name not in LEVERS:
            raise InputError(f"--lever {name}: onbekende hefboom", expected=", ".join(LEVERS))
    when = None
    if date is not None:
        try:
            when = dt.date.fromisoformat(date)
        except ValueError:
            raise InputError(f"--date {date}: geen datum", expected="een datum zoals 2027-01-01") from None
    baseline, library, chosen = _study(workbook, scenario, sheet)
    solutions = [solve(baseline, chosen, library, lever=name, from_year=from_year, date=when) for name in levers]
    console.print(solution_table(solutions))
    _write_output(out, kind, {"workbook": str(workbook), "oplossingen": [s.to_dict() for s in solutions]},
                  lambda: solution_csv_rows(solutions), csv_style)
