"""``w13xl subsidies`` and ``w13xl personeel``: the subsidy register and the staff roster of a
workbook, with the FTE each subsidy pays, end dates and what happens to the staff, so that a new
scenario starts from facts (issue 12)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..fmt import euro
from ._app import app, console, handles_input_errors, output_kind, show_warnings
from ._options import CsvOpt, PseudoOpt, RosterOpt, check_csv_style
from ._tables import COMPACT
from .m2 import SheetOpt

BASE_FUNDING = "basiswerking"
OPEN = "open"
#: What a scenario can say happens to the staff when a subsidy ends (``policy`` of subsidy_end /
#: subsidy_cut, see README "Scenario's").
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Schrijf de lijst ook weg als .csv.")]


def _day(d: dt.date | None) -> str:
    return d.strftime("%d/%m/%Y") if d is not None else OPEN


def _fte(x: float) -> str:
    return euro(x, 2)


def staff_after_end(subsidy, positions: Sequence) -> str:
    """'stopt mee' when every position funded by the subsidy ends by the subsidy's end, else which
    positions run on (a scenario's policy then decides who pays)."""
    if not positions:
        return "geen personeel"
    if subsidy.end is None:
        return "-"
    longer = [p.id for p in positions if p.end is None or p.end > subsidy.end]
    return "stopt mee" if not longer else "loopt door: " + ", ".join(longer)


def subsidy_rows(baseline) -> list[list]:
    """Header + one row per subsidy: id, name, action, source, start, end, FTE, positions, staff
    after the end."""
    rows: list[list] = [["Subsidie", "Naam", "Actie", "Bron", "Start", "Einde", "VTE", "Posities",
                         "Na het einde"]]
    for sid, s in sorted(baseline.subsidies.items(), key=lambda kv: (kv[1].end or dt.date.max, kv[0])):
        positions = [p for p in baseline.positions if s.funds(p)]
        rows.append([sid, s.name, s.action, s.source, _day(s.start), _day(s.end),
                     sum((p.fte for p in positions), 0.0), ", ".join(p.id for p in positions) or "-",
                     staff_after_end(s, positions)])
    return rows


def staff_rows(baseline, pseudonym: bool = False) -> list[list]:
    """Header + one row per position of the roster. Names (an HR export's ``naam``) and the
    in-service date, statute and actual annual cost appear only when the roster gives them;
    ``pseudonym``: ids and names replaced by 'persoon 01', ... (staffing.pseudonyms)."""
    from ..staffing import pseudonyms

    positions = baseline.positions
    names = pseudonyms(positions) if pseudonym else {}
    extra = [(h, f) for h, f, shown in (
        ("Naam", lambda p: names.get(p.id, "") if pseudonym else p.name, any(p.name for p in positions)),
        ("Statuut", lambda p: p.statute, any(p.statute != "contractueel" for p in positions)),
        ("In dienst", lambda p: _day(p.hired) if p.hired else "-", any(p.hired for p in positions)),
        ("Jaarkost", lambda p: "-" if p.annual_cost is None else euro(p.annual_cost, 2),
         any(p.annual_cost is not None for p in positions))) if shown]
    rows: list[list] = [["Positie", "Functie", "Niveau", "Schaal", "Trap", "VTE", "Actie", "Financiering",
                         "Start", "Einde", *[h for h, _ in extra]]]
    for p in positions:
        step = f"{p.step} (uit in dienst)" if p.step_from_hired else p.step
        rows.append([names.get(p.id, p.id), p.function, p.level, p.scale or "-", step, p.fte, p.action,
                     p.funded_by, _day(p.start) if p.start else "-", _day(p.end), *[f(p) for _, f in extra]])
    return rows


def fte_by_funding(baseline) -> dict[str, float]:
    """VTE per financing (basiswerking first, then each subsidy)."""
    out: dict[str, float] = {}
    for p in baseline.positions:
        out[p.funded_by] = out.get(p.funded_by, 0.0) + p.fte
    return dict(sorted(out.items(), key=lambda kv: (kv[0] != BASE_FUNDING, kv[0])))


def _csv_rows(rows: list[list]) -> list[list]:
    return [[f"{v:.2f}" if isinstance(v, float) else v for v in row] for row in rows]


def _write(out: Path | None, rows: list[list], csv_style: str) -> None:
    if out is None:
        return
    if output_kind(out) != "csv":
        from ..errors import InputError

        raise InputError(f"--out {out}: deze lijst wordt als .csv geschreven", expected="een .csv-bestand")
    from ..csvout import write_csv

    write_csv(out, _csv_rows(rows), check_csv_style(csv_style))
    console.print(f"Geschreven: {out}")


def _baseline(workbook: Path, sheet: str | None, roster: Path | None = None):
    from ..scenario.loader import load_baseline

    baseline = load_baseline(workbook, sheet=sheet, roster=roster)
    show_warnings(baseline.warnings)
    return baseline


@app.command("subsidies")
@handles_input_errors
def subsidies_command(
    workbook: Annotated[Path, typer.Argument(help="Het werkboek met het meerjarenplan en het subsidieregister.")],
    sheet: SheetOpt = None,
    out: OutOpt = None,
    csv_style: CsvOpt = "be",
) -> None:
    """Het subsidieregister: per subsidie de einddatum, de VTE en posities die ze betaalt en wat er met het personeel gebeurt na het einde; eerst eindigend eerst.

    Voorbeeld: w13xl subsidies workbooks/w13-mjp-2026-2031.xlsx
    """  # noqa: E501 - command help: typer keeps these lines as they are
    baseline = _baseline(workbook, sheet)
    rows = subsidy_rows(baseline)
    table = Table(title=f"Subsidies — {workbook.name} (bron en start: zie --out)", **COMPACT)
    shown = (0, 1, 2, 5, 6, 7, 8)  # source and start only in the CSV: the table fits 100 columns
    for i in shown:
        name = rows[0][i]
        table.add_column(name, justify="right" if name == "VTE" else "left", no_wrap=i in (0, 2, 5, 6),
                         overflow="fold", min_width=21 if i == 1 else None, max_width=9 if i == 7 else None)
    for row in rows[1:]:
        table.add_row(*[_fte(row[i]) if isinstance(row[i], float) else str(row[i]) for i in shown])
    console.print(table)
    console.print("Na het einde: 'stopt mee' als elk betaald personeelslid uiterlijk op de einddatum stopt; "
                  "'-' zonder einddatum.")
    console.print("Beleid als een subsidie stopt (policy in een scenario):")
    from ..scenario.engine import SUBSIDY_END_POLICIES  # the engine's own words: one meaning per policy

    for key, text in SUBSIDY_END_POLICIES.items():
        console.print(f"  {key}: {text}")
    _write(out, rows, csv_style)


#: Columns of the roster table that may wrap (text); every other cell is shown whole.
_WRAPPING = ("Functie", "Financiering", "Naam", "Trap")


def _roster_table(title: str, rows: list[list]) -> Table:
    table = Table(title=title, **COMPACT)
    for name in rows[0]:
        # Dates, amounts and codes are never broken; text columns (function, funding, name, the
        # step with its source) wrap at a space or hyphen: the table fits 100 columns.
        table.add_column(name, justify="right" if name in ("Trap", "VTE", "Jaarkost") else "left",
                         overflow="fold", no_wrap=name not in _WRAPPING,
                         min_width={"Functie": 14, "Financiering": 12}.get(name))
    for row in rows[1:]:
        table.add_row(*[_fte(v) if isinstance(v, float) else str(v) for v in row])
    return table


@app.command("personeel")
@handles_input_errors
def personeel_command(
    workbook: Annotated[Path, typer.Argument(help="Het werkboek met het meerjarenplan en het personeelsbestand.")],
    sheet: SheetOpt = None,
    out: OutOpt = None,
    csv_style: CsvOpt = "be",
    pseudonym: PseudoOpt = False,
    roster: RosterOpt = None,
) -> None:
    """Het personeelsbestand: per positie functie, schaal, trap, VTE, actie, financiering en einddatum, met de VTE per financiering.

    Voorbeeld: w13xl personeel workbooks/w13-mjp-2026-2031.xlsx
    """  # noqa: E501 - command help: typer keeps these lines as they are
    from .scenarios import staff_lines

    baseline = _baseline(workbook, sheet, roster)
    for line in staff_lines(baseline):
        console.print(line, width=min(console.width, 100))
    rows = staff_rows(baseline, pseudonym)
    # On screen the HR export's own columns (name, in service, actual cost) get a second table keyed
    # by position, so that no value is cut at 100 columns; the CSV (--out) has every column in one.
    main = rows[0].index("Einde") + 1
    console.print(_roster_table(f"Personeel — {workbook.name}", [r[:main] for r in rows]))
    if len(rows[0]) > main:
        console.print(_roster_table("Personeel — gegevens uit het personeelsbestand",
                                    [[r[0], *r[main:]] for r in rows]))
    totals = Table(title="VTE per financiering", **COMPACT)
    totals.add_column("Financiering")
    totals.add_column("VTE", justify="right")
    total = 0.0
    for funding, fte in fte_by_funding(baseline).items():
        totals.add_row(funding, _fte(fte))
        total += fte
    totals.add_row("[bold]Totaal[/]", f"[bold]{_fte(total)}[/]")
    console.print(totals)
    _write(out, rows, csv_style)
