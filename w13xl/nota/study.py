"""Everything the note needs, computed from a workbook, scenarios and a voorstel: the options
(scenario runs and goal-seek answers) with their member contribution, the goal seek on the
plan, the uncertainty, the members' key, the realisatie in words, the assumptions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from ..errors import InputError, InputWarning
from ..fmt import euro
from .content import MAX_OPTION_PAGES, RESULT, NotaInput, Option
from .plain import glossary, plain
from .voorstel import Voorstel

PLAN_TITLE = "Meerjarenplan (zoals goedgekeurd)"


def _option(engine, scenario, library, names, *, key: str | None = None, title: str | None = None,
            risk: str | None = None, note: str | None = None) -> Option:
    from ..goalseek import solve_contribution

    run, state = engine.run_state(scenario, library)
    needed = solve_contribution(engine.base, scenario, library)
    return Option(key=key or scenario.name, title=plain(title or scenario.title or scenario.name, names),
                  what=plain(scenario.description or scenario.title or scenario.name, names), run=run,
                  contribution=state.contribution.copy(), needed_pct=needed.value if needed.feasible else 0.0,
                  risk=risk, note=note)


def _goalseek_option(engine, solution, names, *, title: str | None = None, risk: str | None = None,
                     note: str | None = None) -> Option:
    """The goal-seek answer as an option: the same change re-run (equal to the solution's proof)."""
    from ..montecarlo import extended
    from ..scenario.spec import ContributionChange, FteChange

    if solution.lever == "contribution":
        pct = euro(solution.value * 100, 2)
        change: list = [ContributionChange.model_validate(
            {"type": "contribution", "from_year": solution.from_year, "pct": solution.value})]
        auto_title = f"Bijdrage lokale besturen +{pct}% vanaf {solution.from_year}"
        what = (f"De bijdrage van de deelgenoten stijgt vanaf {solution.from_year} met {pct}% bovenop de "
                f"indexering. Dat is het kleinste percentage waarmee alle doelen gehaald worden "
                f"(berekend door w13xl, niet in het plan).")
        key = "doelzoeken-bijdrage"
    else:
        fte = euro(solution.fte_reduction, 2)
        change = [FteChange.model_validate({"type": "fte", "position": pid, "fte": f * (1.0 - solution.value),
                                            "date": solution.date})
                  for pid, f in solution.details["posities"]]
        auto_title = f"{fte} VTE minder in de basiswerking vanaf {solution.date:%d/%m/%Y}"
        what = (f"De basiswerking (de functies die de bijdrage van de deelgenoten betaalt) krimpt vanaf "
                f"{solution.date:%d/%m/%Y} met {fte} VTE van {euro(solution.fte_total, 2)} VTE, voor elke functie "
                f"even veel. Dat is de kleinste vermindering waarmee alle doelen gehaald worden (berekend door "
                f"w13xl; het personeelsbestand van het voorbeeld is illustratief).")
        key = "doelzoeken-vte"
    scenario, library = extended(None, None, change, name=key, title=auto_title)
    run, state = engine.run_state(scenario, library)
    return Option(key=key, title=title or auto_title, what=what, run=run, contribution=state.contribution.copy(),
                  needed_pct=0.0, risk=risk, note=note)


def assumptions(baseline, runs_used: Sequence[Option], members_source: str | None) -> list[str]:
    p = baseline.params
    years = baseline.years
    items = [
        f"Het plan: meerjarenplan {years[0]}-{years[-1]} zoals in het werkboek (de synthese per actie); "
        f"beginreserve op 31/12/{years[0] - 1}: {euro(p.opening_reserve, 2)} euro (schema M2 van het plan).",
        "Indexering: het plan rekent 2% per jaar op de personeelskosten plus anciënniteit (plan 3.3).",
        "Bijdrage lokale besturen: gekoppeld aan de consumptieprijsindex vanaf 1 januari 2027 (statuten, art. 9; "
        "niet in het plan); in het plan +2% per jaar.",
        "Subsidies zijn budgetneutraal in het plan; het plan noemt als risico dat ze vaak vast liggen en de "
        "indexering niet volgen (plan 3.3).",
    ]
    if p.minimum_reserve is not None:
        items.append(f"Minimumreserve: het sociaal passief, {euro(p.minimum_reserve, 2)} euro in het plan. Het plan "
                     "zegt dat het sociaal passief 10% van de totale jaarloonkost is (3.7), maar dit bedrag is geen "
                     "10% van de loonkost van een planjaar: het bedrag geldt zoals gegeven, de 10% alleen voor de "
                     "verandering in een scenario.")
    if baseline.positions:
        items.append("Personeel: het plan publiceert geen personeelsbestand; het bestand in het voorbeeldwerkboek "
                     "is illustratief. Cijfers die ervan afhangen (VTE-opties, personeel dat blijft na een "
                     "subsidie) zijn een orde van grootte tot het echte bestand uit de loonadministratie er is.")
    if members_source:
        items.append(f"Verdeling per deelgenoot: {members_source}")
    items.append("Elk scenario zegt in zijn eigen bestand waarop het steunt (plan of aanname); samengevat:")
    items += [f"{o.title}: {o.what}" for o in runs_used]
    return items


def _members(grids, workbook: Path, warnings: list) -> tuple[list | None, str | None]:
    from ..members import SHEET, read_members

    if SHEET not in grids:
        warnings.append(InputWarning("geen blad 'Deelgenoten': de nota toont geen verdeling per deelgenoot",
                                     str(workbook)))
        return None, None
    members = read_members(grids[SHEET], file=str(workbook))
    sources = sorted({m.source for m in members if m.source})
    assumed = any("aanname" in s.lower() for s in sources)
    note = next((v for row in grids[SHEET][:2] for v in row if isinstance(v, str) and len(v) > 20), None)
    text = (f"blad Deelgenoten ({'; '.join(sources)})" if sources else "blad Deelgenoten")
    if note:  # the sheet's own note says what the key rests on
        text = note
    elif assumed:
        text = "AANNAME: " + text
    return members, text.rstrip(".") + "."


def realisatie_lines(workbook: Path, grids, plan_years: Sequence[int], accounts: Path | None,
                     accounts_sheet: str | None) -> list[str]:
    """The realisatie in words: accounts against the plan when they share a year (``accounts``),
    else what the workbook's last closed year and estimate say about the plan's start."""
    from ..cli.realisatie import load_comparison

    lines: list[str] = []
    if accounts is not None or accounts_sheet is not None:
        c = load_comparison(workbook, accounts, None, accounts_sheet)[0]
        res = next(r for r in c.m2 if r["key"] == RESULT)
        for y, first, second in zip(c.years, res["first"], res["second"], strict=False):
            d = second - first
            lines.append(f"{y}: het budgettair resultaat was {euro(second)} euro tegenover {euro(first)} euro "
                         f"gepland, {euro(abs(d))} euro {'beter' if d >= 0 else 'slechter'} dan gepland.")
        eff = c.reserve_effect()[-1]
        lines.append(f"Daardoor ligt de reserve eind {c.years[-1]} {euro(abs(eff))} euro "
                     f"{'hoger' if eff >= 0 else 'lager'} dan het plan voorzag.")
        return lines
    # the plan's own start: budget and estimate of the year before, the last accounts' reserve
    before = plan_years[0] - 1
    budget, estimate = f"Budget {before}", f"Raming {before}"
    if budget in grids and estimate in grids:
        c = load_comparison(workbook, None, budget, estimate, versions=True)[0]
        res = next(r for r in c.m2 if r["key"] == RESULT)
        d = res["diff"][-1]
        lines.append(f"{before}: volgens de raming sluit het jaar met {euro(res['second'][-1])} euro tegenover "
                     f"{euro(res['first'][-1])} euro in het budget, {euro(abs(d))} euro "
                     f"{'beter' if d >= 0 else 'slechter'} dan gepland.")
    from ..realisatie import load_budget, m2_lines, reserve_row
    from ..sheets import SheetContext

    acc = next((s for s in grids if s.lower().startswith("rekening ")), None)
    if acc is not None and estimate in grids:
        a = load_budget(grids, file=str(workbook), sheet=acc, named={})
        found = reserve_row(grids[acc], SheetContext(str(workbook), acc))
        if found is not None and a.plan.years[-1] == before - 1:
            e = load_budget(grids, file=str(workbook), sheet=estimate, named={})
            est = float(m2_lines(e.plan)[RESULT][-1])
            opening = found[0] + est
            p = load_budget(grids, file=str(workbook), sheet=None, named={})
            plan_opening = p.params.opening_reserve
            diff = opening - plan_opening
            closed = a.plan.years[-1]
            lines.append(f"De echte reserve op 31/12/{closed} (jaarrekening) was {euro(found[0], 2)} euro; met de "
                         f"raming {before} ({euro(est, 2)} euro) wordt dat {euro(opening, 2)} euro op 31/12/{before}, "
                         f"tegenover {euro(plan_opening, 2)} euro waarmee het plan start"
                         + (" (een afrondingsverschil)." if abs(diff) < 1 else
                            f": {euro(abs(diff), 2)} euro {'beter' if diff >= 0 else 'slechter'} dan gepland."))
    if not lines:
        lines.append("Er is nog geen jaarrekening voor een jaar van dit plan.")
    else:
        lines.append(f"Er is nog geen jaarrekening voor een jaar van dit plan ({plan_years[0]}-{plan_years[-1]}).")
    return lines


def nota_input(workbook: Path, scenario_args: Sequence[str], voorstel: Voorstel | None, *, sheet: str | None = None,
               accounts: Path | None = None, accounts_sheet: str | None = None,
               created: date | None = None) -> tuple[NotaInput, list]:
    """(the note's input, warnings)."""
    from ..goalseek import solve_contribution, solve_fte
    from ..montecarlo import simulate
    from ..scenario.engine import Engine
    from ..scenario.loader import load_study
    from ..workbook import read_grids

    baseline, library, selected = load_study(workbook, list(scenario_args), sheet=sheet)
    warnings = list(baseline.warnings)
    names = glossary(baseline)
    engine = Engine(baseline)
    grids, _ = read_grids(workbook)
    plan_run = engine.run(_plain_scenario(), None)
    solutions = [solve_contribution(baseline)] + ([solve_fte(baseline)] if baseline.positions else [])
    deterministic = [s for s in selected if not s.uncertainty]
    by_name = {s.name: s for s in deterministic}
    uncertain = next((s for s in selected if s.uncertainty), None)

    def is_plan(s) -> bool:
        return not library.changes(s)

    options: list[Option] = []
    if voorstel is not None:
        for spec in voorstel.options:
            if spec.lever is not None:
                sol = next((s for s in solutions if s.lever == spec.lever), None)
                if sol is None or not sol.feasible or not sol.needed:
                    raise InputError(f"de doelzoeker '{spec.lever}' geeft geen antwoord voor dit plan",
                                     file=voorstel.file, expected="een scenario-optie")
                options.append(_goalseek_option(engine, sol, names, title=spec.title, risk=spec.risk, note=spec.note))
            else:
                if spec.scenario not in by_name:
                    raise InputError(f"scenario '{spec.scenario}' is niet meegegeven", file=voorstel.file,
                                     expected="een van: " + ", ".join(sorted(by_name)))
                options.append(_option(engine, by_name[spec.scenario], library, names, title=spec.title,
                                       risk=spec.risk, note=spec.note))
        used = {o.key for o in options}
        for name in voorstel.others:
            if name not in by_name:
                raise InputError(f"scenario '{name}' is niet meegegeven", file=voorstel.file, key="andere",
                                 expected="een van: " + ", ".join(sorted(by_name)))
        rest = [s for s in deterministic if s.name not in used and not is_plan(s)]
        ordered = [by_name[x] for x in voorstel.others] + [s for s in rest if s.name not in voorstel.others]
        others = [_option(engine, s, library, names) for s in ordered]
        others.sort(key=lambda o: -o.effect)
    else:
        allopts = [_option(engine, s, library, names) for s in deterministic if not is_plan(s)]
        allopts.sort(key=lambda o: -o.effect)
        options, others = allopts[:MAX_OPTION_PAGES], allopts[MAX_OPTION_PAGES:]
    members, members_source = _members(grids, workbook, warnings)
    sim = simulate(baseline, uncertain, library) if uncertain is not None else None
    inp = NotaInput(
        baseline=baseline, plan=plan_run.m2, plan_title=PLAN_TITLE, options=options, others=others,
        solutions=solutions, members=members, members_source=members_source, voorstel=voorstel, simulation=sim,
        realisatie=realisatie_lines(workbook, grids, baseline.years, accounts, accounts_sheet),
        assumptions=assumptions(baseline, options + others, members_source), workbook=workbook.name,
        created=created, ranked=voorstel is None)
    if not options:
        raise InputError("geen opties om te tonen", file=str(workbook),
                         expected="scenario's met wijzigingen of een voorstel met opties")
    return inp, warnings


def _plain_scenario():
    from ..scenario.spec import Scenario

    return Scenario(name="basis", title=PLAN_TITLE)
