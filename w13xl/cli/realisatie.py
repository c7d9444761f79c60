"""``w13xl realisatie``, ``w13xl herraming`` and ``w13xl versies``: accounts against the plan,
the plan re-based on the last closed year, and two plan versions side by side."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.table import Table

from ..contract import normalise
from ..errors import InputError, W13Error
from ..fmt import euro, percent, year_span
from ._app import app, check_out, console, handles_input_errors, output_kind, show_warnings, write_json, write_output
from ._options import CsvOpt, parse_amount
from ._tables import COMPACT

ACCOUNT_SHEET_PREFIXES = ("rekening", "jaarrekening", "jr ", "realisatie")


def _grids(path: Path, cache: dict):
    from ..workbook import read_grids

    key = path.resolve()
    if key not in cache:
        cache[key] = read_grids(path)
    return cache[key]


def _accounts_sheet(grids, sheet: str | None, file: str, same_file: bool) -> str | None:
    if sheet is not None or not same_file:
        return sheet
    for name in grids:
        if normalise(name).startswith(ACCOUNT_SHEET_PREFIXES):  # the contract's one rule for names
            return name
    raise InputError("geen rekeningenblad in het planwerkboek", file=file,
                     expected="--accounts-sheet NAAM, een blad 'Rekening ...', of een tweede werkboek")


def _plan_categories(acc, agrids, pgrids, plan_file: str) -> None:
    """Accounts without categories (a pivot) in a workbook without a Categorieën sheet: use the
    plan workbook's rules for the actions on the accounts sheet, with a warning."""
    from ..errors import InputWarning
    from ..realisatie import MAPPING_SHEETS, _find_sheet, apply_category_mapping, category_rules_for

    if _find_sheet(agrids, MAPPING_SHEETS) or acc.plan.categories.max(initial=0) != 0:
        return
    rules, ctx = category_rules_for(pgrids, plan_file, acc.plan)
    if rules:
        acc.plan = apply_category_mapping(acc.plan, rules, ctx)
        acc.warnings.append(InputWarning(
            "de rekeningen hebben geen categorie: de regels van het plan voor "
            f"{', '.join(sorted({r.action for r in rules}))} "
            "zijn toegepast (voeg een blad Categorieën toe aan het rekeningenwerkboek voor de echte verdeling)",
            acc.file, acc.sheet))


def _one_sided(first, second, versions: bool) -> list:
    """Warnings where one side lacks what the other has (issue 19): categories (a side read as all
    exploitatie while the other has investments or financing) and, for ``versies``, the opening
    reserve (then assumed equal on both sides, so that the reserve effect is the budget's alone)."""
    from ..errors import InputWarning
    from ..fmt import euro
    from ..model import EXPLOITATIE

    labels = ("OUD", "NIEUW") if versions else ("het plan", "de rekening")
    out = []
    for (a, a_label), (b, b_label) in (((first, labels[0]), (second, labels[1])),
                                        ((second, labels[1]), (first, labels[0]))):
        if a.plan.categories.max(initial=EXPLOITATIE) != EXPLOITATIE:
            continue
        years = [y for y in b.plan.years if y in a.plan.years]
        cols = [b.plan.years.index(y) for y in years]
        other = sorted({k.action for k, row in zip(b.plan.keys, b.plan.amounts, strict=True)
                        if k.category != EXPLOITATIE and any(abs(row[c]) > 0.005 for c in cols)})
        if other:
            out.append(InputWarning(
                f"'{a.sheet}' ({a_label}) heeft geen categorieën (geen kolom Categorie en geen blad Categorieën "
                f"voor deze acties): alles is als exploitatie gelezen, terwijl '{b.sheet}' ({b_label}) "
                f"investeringen of financiering heeft ({', '.join(other)}); de verschillen in exploitatie en "
                "investeringen zijn daardoor niet vergelijkbaar", a.file, a.sheet))
    if versions and first.opening_given != second.opening_given:
        given, missing = (first, second) if first.opening_given else (second, first)
        out.append(InputWarning(
            f"{'NIEUW' if missing is second else 'OUD'} geeft geen gecumuleerd budgettair resultaat vorig boekjaar "
            f"(geen blad Parameters): aangenomen gelijk aan dat van {'OUD' if given is first else 'NIEUW'} "
            f"({euro(given.params.opening_reserve, 2)}); het effect op de reserve is dat van de "
            "begroting alleen", missing.file))
    return out


def load_comparison(plan_path: Path, accounts_path: Path | None, plan_sheet: str | None,
                    accounts_sheet: str | None, *, versions: bool = False):
    """(comparison, plan LoadedPlan, accounts LoadedPlan) with all checks; raises InputError."""
    from ..realisatie import (
        ACTION_MAPPING_SHEETS,
        SheetContext,
        _find_sheet,
        apply_action_mapping,
        check_overlap,
        compare,
        load_budget,
        read_action_mapping,
        year_header_cell,
    )

    cache: dict = {}
    same = accounts_path is None or accounts_path.resolve() == plan_path.resolve()
    accounts_path = accounts_path or plan_path
    pgrids, pnamed = _grids(plan_path, cache)
    agrids, anamed = _grids(accounts_path, cache)
    plan = load_budget(pgrids, file=str(plan_path), sheet=plan_sheet, named=pnamed)
    sheet = _accounts_sheet(agrids, accounts_sheet, str(accounts_path), same)
    if same and sheet == plan.sheet:
        raise InputError(f"het plan en de rekeningen zijn hetzelfde blad '{sheet}'", file=str(plan_path),
                         expected="--accounts-sheet met een ander blad, of een tweede werkboek")
    acc = load_budget(agrids, file=str(accounts_path), sheet=sheet, named=anamed)
    if not same:
        _plan_categories(acc, agrids, pgrids, str(plan_path))
    side_warnings = _one_sided(plan, acc, versions)
    show_warnings(plan.warnings + acc.warnings + side_warnings)
    check_overlap(plan.plan, acc.plan, file=str(accounts_path), sheet=acc.sheet,
                  cell_ref=year_header_cell(agrids, acc.sheet))
    mapping, ctx = [], None
    for path, grids in ((accounts_path, agrids), (plan_path, pgrids)):
        name = _find_sheet(grids, ACTION_MAPPING_SHEETS)
        if name:
            ctx = SheetContext(str(path), name)
            mapping = read_action_mapping(grids[name], ctx)
            break
    accounts, renamed = apply_action_mapping(acc.plan, mapping, plan.plan, ctx)
    labels = ("Oud", "Nieuw") if versions else ("Plan", "Rekening")
    opening = (acc.params.opening_reserve - plan.params.opening_reserve) \
        if versions and plan.opening_given == acc.opening_given else 0.0
    comparison = compare(plan.plan, accounts, first_label=labels[0], second_label=labels[1], renamed=renamed,
                         opening_diff=opening)
    return comparison, plan, acc


def _pct(p) -> str:
    return "" if p is None else percent(p)


def print_comparison(c, title: str, top: int) -> None:
    for i, year in enumerate(c.years):
        t = Table(title=f"{title} — schema M2 {year}", **COMPACT)
        t.add_column("Lijn", no_wrap=True)
        for col in (c.first_label, c.second_label, "Verschil", "% gerealiseerd" if c.first_label == "Plan"
                    else "% van oud"):
            t.add_column(col, justify="right", no_wrap=True)
        for line in c.m2:
            t.add_row(line["label"], euro(line["first"][i]), euro(line["second"][i]), euro(line["diff"][i]),
                      _pct(line["pct"][i]))
        console.print(t)
    t = Table(title=f"Acties met de grootste verschillen ({year_span(c.years)}, netto; O en U)",
              **COMPACT)
    columns: tuple[tuple[str, Literal["left", "right"]], ...] = (
        ("Actie", "left"), ("Naam", "left"), ("", "left"), (c.first_label, "right"),
        (c.second_label, "right"), ("Verschil", "right"), ("%", "right"))
    for col, just in columns:
        t.add_column(col, justify=just, no_wrap=True)
    shown = 0
    for row in c.actions:
        if row["part"] == "netto":
            shown += 1
            if shown > top:
                break
            if shown > 1:
                t.add_section()
        first, second = sum(row["first"]), sum(row["second"])
        t.add_row(row["action"] if row["part"] == "netto" else "", row["name"] if row["part"] == "netto" else "",
                  row["part"], euro(first), euro(second), euro(second - first),
                  _pct(None if abs(first) < 0.005 else second / first))
    console.print(t)
    for label, side in ((f"Enkel in {c.first_label.lower()}", c.only_first),
                        (f"Enkel in {c.second_label.lower()}", c.only_second)):
        text = ", ".join(f"{a['action']} {a['name']} ({euro(sum(a['netto']))})" for a in side) or "geen"
        console.print(f"{label}: {text}")
    if c.renamed:
        console.print("Hernummerd (Actiemapping): " + ", ".join(f"{a} -> {b}" for a, b in c.renamed))


def comparison_csv_rows(c) -> list[list]:
    rows: list[list] = [["soort", "sleutel", "omschrijving", "deel", "jaar", c.first_label.lower(),
                         c.second_label.lower(), "verschil", "pct"]]
    for line in c.m2:
        for i, y in enumerate(c.years):
            rows.append(["m2", line["key"], line["label"], "", y, f"{line['first'][i]:.2f}", f"{line['second'][i]:.2f}",
                         f"{line['diff'][i]:.2f}", "" if line["pct"][i] is None else f"{line['pct'][i]:.6f}"])
    for a in c.actions:
        for i, y in enumerate(c.years):
            rows.append(["actie", a["action"], a["name"], a["part"], y, f"{a['first'][i]:.2f}", f"{a['second'][i]:.2f}",
                         f"{a['diff'][i]:.2f}", "" if a["pct"][i] is None else f"{a['pct'][i]:.6f}"])
    for side, found in (("enkel_" + c.first_label.lower(), c.only_first), ("enkel_" + c.second_label.lower(),
                                                                          c.only_second)):
        for a in found:
            rows.append([side, a["action"], a["name"], "netto", "", "", "", "", ""])
    return rows


def write_comparison(out: Path, c, meta: dict, csv_style: str = "be") -> None:
    def xlsx(path: Path) -> None:
        from openpyxl import Workbook

        from ..board.realisatie import add_realisatie_sheet
        from ..workbook import safe_write
        wb = Workbook()
        wb.remove(wb.worksheets[0])  # the new workbook's empty sheet
        add_realisatie_sheet(wb, c, title="Realisatie vs plan" if c.first_label == "Plan" else "Versies")
        safe_write(path, lambda tmp: wb.save(tmp))

    write_output(out, lambda: {**meta, **c.to_dict()}, lambda: comparison_csv_rows(c), csv_style, xlsx)


PlanSheetOpt = Annotated[str | None, typer.Option(
    "--plan-sheet", help="Budgetblad van het plan (standaard 'Synthese').")]
AccountsSheetOpt = Annotated[str | None, typer.Option(
    "--accounts-sheet", help="Blad met de rekening (standaard: het eerste blad van REKENING met een budgetindeling; in "
                             "het werkboek van het plan het eerste blad 'Rekening ...').")]
OutOpt = Annotated[Path | None, typer.Option(
    "--out", "-o", help="Schrijf het resultaat ook weg: .json, .csv of .xlsx.")]
TopOpt = Annotated[int, typer.Option("--top", help="Aantal acties in de lijst, grootste verschil eerst.")]


@app.command("realisatie")
@handles_input_errors
def realisatie_command(
    plan: Annotated[Path, typer.Argument(help="Het werkboek met het meerjarenplan.", metavar="PLAN")],
    accounts: Annotated[Path | None, typer.Argument(
        help="Het werkboek met de rekening (jaarrekening); standaard PLAN.", metavar="REKENING")] = None,
    plan_sheet: PlanSheetOpt = None,
    accounts_sheet: AccountsSheetOpt = None,
    top: TopOpt = 15,
    out: OutOpt = None,
    csv_style: CsvOpt = "be",
) -> None:
    """Realisatie: de rekening (jaarrekening) tegenover het plan: schema M2 per jaar, verschil en % gerealiseerd, per actie (grootste verschil eerst) en de acties die maar aan één kant staan.

    Voorbeeld: w13xl realisatie workbooks/w13-mjp-2026-2031.xlsx rekening-2026.xlsx --out realisatie.xlsx
    """  # noqa: E501 - command help: typer keeps these lines as they are
    check_out(out, plan, accounts)
    c, p, a = load_comparison(plan, accounts, plan_sheet, accounts_sheet)
    print_comparison(c, f"Realisatie: {a.sheet} tegenover {p.sheet}", top)
    if out is not None:
        write_comparison(out, c, {"plan": str(plan), "plan_sheet": p.sheet, "rekening": str(accounts or plan),
                                  "rekening_sheet": a.sheet}, csv_style=csv_style)


@app.command("versies")
@handles_input_errors
def versies_command(
    old: Annotated[Path, typer.Argument(help="Het werkboek met de oude versie van het plan.", metavar="OUD")],
    new: Annotated[Path, typer.Argument(help="Het werkboek met de nieuwe versie (mag OUD zijn, met --new-sheet).",
                                        metavar="NIEUW")],
    old_sheet: Annotated[str | None, typer.Option("--old-sheet", help="Budgetblad van OUD.")] = None,
    new_sheet: Annotated[str | None, typer.Option("--new-sheet", help="Budgetblad van NIEUW.")] = None,
    top: TopOpt = 15,
    out: OutOpt = None,
    csv_style: CsvOpt = "be",
) -> None:
    """Twee versies van een plan (bv. initieel budget en aanpassing): wat veranderde per actie en per lijn van schema M2, en het effect op de reserve en de AFM per jaar.

    Voorbeeld: w13xl versies workbooks/w13-mjp-2026-2031.xlsx workbooks/w13-mjp-2026-2031.xlsx --old-sheet "Budget 2025" --new-sheet "Raming 2025"
    """  # noqa: E501 - command help: typer keeps these lines as they are
    check_out(out, old, new)
    if old.resolve() == new.resolve() and (new_sheet is None or new_sheet == old_sheet):
        raise InputError("OUD en NIEUW zijn hetzelfde blad", file=str(new), expected="--new-sheet met een ander blad")
    c, p, a = load_comparison(old, new, old_sheet, new_sheet, versions=True)
    print_comparison(c, f"Versies: {a.sheet} tegenover {p.sheet}", top)
    t = Table(title="Effect op de reserve en de AFM (nieuw - oud)", **COMPACT)
    t.add_column("", no_wrap=True)
    for y in c.years:
        t.add_column(str(y), justify="right")
    afm = next(r for r in c.m2 if r["key"] == "autofinancieringsmarge")["diff"]
    t.add_row("Gecumuleerd budgettair resultaat", *[euro(v) for v in c.reserve_effect()])
    t.add_row("Autofinancieringsmarge", *[euro(v) for v in afm])
    console.print(t)
    if out is not None:
        write_comparison(out, c, {"oud": str(old), "oud_sheet": p.sheet, "nieuw": str(new), "nieuw_sheet": a.sheet},
                         csv_style=csv_style)


@app.command("herraming")
@handles_input_errors
def herraming_command(
    plan: Annotated[Path, typer.Argument(help="Het werkboek met het meerjarenplan.", metavar="PLAN")],
    accounts: Annotated[Path | None, typer.Argument(
        help="Het werkboek met de rekening (jaarrekening); standaard PLAN.", metavar="REKENING")] = None,
    plan_sheet: PlanSheetOpt = None,
    accounts_sheet: AccountsSheetOpt = None,
    estimate_sheet: Annotated[list[str] | None, typer.Option(
        "--estimate-sheet", help="Blad (of bladen) met de raming van de jaren tussen de rekening en het plan "
                                 "(bv. 'Raming 2025'), in het werkboek van de rekening.")] = None,
    reserve: Annotated[float | None, typer.Option(
        "--reserve", parser=parse_amount, metavar="BEDRAG",
        help="Gecumuleerd budgettair resultaat op 31/12 van het laatste jaar van de rekening, bv. 732.274,21 "
             "(standaard de rij 'Reserves' op het blad van de rekening).")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Schrijf het resultaat ook weg: .json.")] = None,
) -> None:
    """Herraming: het plan herrekend op het laatste afgesloten jaar; de echte reserve op 31/12 (plus de raming van de tussenliggende jaren) vervangt de beginreserve van het plan.

    Voorbeeld: w13xl herraming workbooks/w13-mjp-2026-2031.xlsx --accounts-sheet "Rekening 2024" --estimate-sheet "Raming 2025"
    """  # noqa: E501 - command help: typer keeps these lines as they are
    from ..realisatie import load_budget, m2_lines, reforecast, reserve_row
    from ..sheets import SheetContext

    if out is not None and output_kind(out) != "json":
        raise W13Error(f"--out {out}: herraming schrijft .json")
    check_out(out, plan, accounts)
    cache: dict = {}
    accounts_path = accounts or plan
    pgrids, pnamed = _grids(plan, cache)
    agrids, anamed = _grids(accounts_path, cache)
    p = load_budget(pgrids, file=str(plan), sheet=plan_sheet, named=pnamed)
    sheet = _accounts_sheet(agrids, accounts_sheet, str(accounts_path), accounts is None)
    a = load_budget(agrids, file=str(accounts_path), sheet=sheet, named=anamed)
    closed = a.plan.years[-1]
    if closed >= p.plan.years[0]:
        raise InputError(f"de rekeningen lopen tot {closed}, tot in het plan ({p.plan.years[0]}-{p.plan.years[-1]})",
                         file=str(accounts_path), sheet=a.sheet,
                         expected="rekeningen van jaren voor het plan (vergelijk overlappende jaren met "
                                  "w13xl realisatie)")
    if reserve is None:
        found = reserve_row(agrids[a.sheet], SheetContext(str(accounts_path), a.sheet))
        if found is None:
            raise InputError("geen rij 'Reserves' en geen --reserve", file=str(accounts_path), sheet=a.sheet,
                             expected=f"--reserve EUR: de reserve op 31/12/{closed}")
        reserve = found[0]
    bridge: dict[int, float] = {}
    for name in estimate_sheet or []:
        e = load_budget(agrids, file=str(accounts_path), sheet=name, named=anamed)
        v = m2_lines(e.plan)["budgettair_resultaat"]
        for y, x in zip(e.plan.years, v, strict=True):
            if closed < y < p.plan.years[0]:
                if y in bridge:
                    raise InputError(f"jaar {y} staat op twee ramingsbladen", file=str(accounts_path), sheet=name,
                                     expected="één raming per jaar")
                bridge[y] = float(x)
    try:
        r = reforecast(p.plan, p.params.opening_reserve, closed, reserve, bridge)
    except ValueError as exc:
        raise InputError(str(exc), file=str(accounts_path),
                         expected="--estimate-sheet met de raming van die jaren") from None
    console.print(f"Reserve 31/12/{closed} ({a.sheet}): {euro(r.closed_reserve, 2)}")
    for y, amount in r.bridge.items():
        console.print(f"Budgettair resultaat {y} (raming): {euro(amount, 2)}")
    diff = r.new_opening - r.plan_opening
    console.print(f"Beginreserve herraming 31/12/{p.plan.years[0] - 1}: {euro(r.new_opening, 2)}")
    console.print(f"Beginreserve van het plan ({p.sheet}): {euro(r.plan_opening, 2)}")
    note = " (afrondingsverschil)" if abs(diff) < 1 else ""
    console.print(f"Verschil: {euro(diff, 2)}{note}")
    t = Table(title="Gecumuleerd budgettair resultaat", **COMPACT)
    t.add_column("", no_wrap=True)
    for y in r.years:
        t.add_column(str(y), justify="right")
    t.add_row("Plan", *[euro(v, 2) for v in r.plan_gbr])
    t.add_row("Herraming", *[euro(v, 2) for v in r.new_gbr])
    t.add_row("Verschil", *[euro(v, 2) for v in r.difference])
    console.print(t)
    if out is not None:
        write_json(out, {"plan": str(plan), "rekening": str(accounts_path), "rekening_sheet": a.sheet, **r.to_dict()})
        console.print(f"Geschreven: {out}")
