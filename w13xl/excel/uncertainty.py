"""Excel custom functions for uncertainty and targets: ``=W13.KANS(...)`` and ``=W13.DOELZOEKEN(...)``
(classic add-in: ``=W13_KANS(...)``, ``=W13_DOELZOEKEN(...)``).

Same conventions as :mod:`w13xl.excel.functions` and ``W13.SCENARIO``: ``budget`` is the budget
range, ``scenario`` the name of a scenario on the Scenario's sheet (give that range among the
``bereiken``) or a .toml path, or empty for the plan as it is; further ranges (Parameters,
Subsidies, Personeel, Weddeschalen, Indexering, Scenario's) are recognised by their header.
Results are cached on the argument values (:mod:`w13xl.excel.cache`); bad input gives a one-line
``#W13: ...`` message, never a traceback.

The pure functions :func:`kans` and :func:`doelzoeken` do the work; ``w13_kans`` and
``w13_doelzoeken`` are the xlwings adapters (registered by importing them into
:mod:`w13xl.excel.functions`).
"""

from __future__ import annotations

import xlwings as xw

from ..errors import InputError
from . import cache
from .cache import Frozen, freeze
from .core import PREFIX, _copy, _number, _text, _year, error_text, library_generation, memo_rows, scenario_inputs
from .limits import check_paths

__xlwings_func_namespace__ = "W13"

#: Paths when neither the argument nor the scenario's [uncertainty] table says (a recalculation
#: should stay well under a second).
EXCEL_DEFAULT_PATHS = 10_000
WHAT = {
    "reserve": "reserve", "reserve<minimum": "reserve", "reserve<min": "reserve", "minimum": "reserve",
    "afm": "afm", "afm<0": "afm", "bbr": "bbr", "bbr<0": "bbr", "waaier": "waaier", "fan": "waaier",
}


@cache.cached(maxsize=32)
def _simulation(budget: Frozen, scenario: str, paths: int | None, seed: int | None, ranges: tuple[Frozen, ...],
                generation: int = 0):
    from ..montecarlo import prepare, simulate

    try:
        baseline, chosen, library = scenario_inputs(budget, scenario, ranges)
        prepared = prepare(baseline, chosen, library)
        n = paths or (prepared.spec.paths if chosen is not None and chosen.uncertainty and
                      "paths" in chosen.uncertainty else EXCEL_DEFAULT_PATHS)
        check_paths(n)
        return simulate(baseline, paths=n, seed=seed, prepared=prepared)
    except Exception as exc:
        return error_text(exc, "W13: Monte Carlo")


def _what(value: object) -> tuple[str, int | None]:
    text = (_text(value, "reserve") or "reserve").lower().replace(" ", "")
    year = None
    digits = text[-4:]
    if len(text) > 4 and digits.isdigit():
        year, text = int(digits), text[:-4].rstrip(":;,")
    if text not in WHAT:
        raise InputError(f"onbekende vraag '{value}'",
                         expected="reserve (onder de minimumreserve, of 'reserve 2030'), afm (laatste jaar < 0), "
                                  "bbr (< 0 in enig jaar) of waaier (percentielen van de reserve)")
    return WHAT[text], year


def _count(value: object, what: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()) or value == [[None]]:
        return None
    v = _number(value, what, default=-1.0)
    if v < 0:
        return None
    if not float(v).is_integer() or (v < 1 and what == "paden"):
        raise InputError(f"{what}: {v:g} is geen geheel getal ≥ 1", expected="een geheel getal")
    return int(v)


def kans(budget: object, scenario: object = None, wat: object = None, paden: object = None, seed: object = None,
         *ranges: object) -> object:
    """W13.KANS: the probability (0..1) that the reserve falls below the minimum reserve (in any
    year, or in one year: 'reserve 2030'), that the AFM of the last year is negative ('afm'), or
    that the BBR is negative in some year ('bbr'); 'waaier' spills the reserve's percentiles.

    Always a 2-D range like every W13 function (the metadata says matrix): a probability or a
    message is ``[[value]]``."""
    answer = _kans(budget, scenario, wat, paden, seed, *ranges)
    return answer if isinstance(answer, list) else [[answer]]


def _kans(budget: object, scenario: object, wat: object, paden: object, seed: object, *ranges: object) -> object:
    try:
        kind, year = _what(wat)
        paths = _count(paden, "paden")
        if paths is not None:
            check_paths(paths)  # before anything is read or cached
        sim = _simulation(freeze(budget), _text(scenario, "") or "", paths, _count(seed, "seed"),
                          tuple(freeze(r) for r in ranges), library_generation())
        if isinstance(sim, str):
            return [[sim]]
        if kind == "waaier":
            from ..montecarlo import GBR, PERCENTILES

            header: list[object] = ["Jaar", *(f"P{p}" for p in PERCENTILES), "Minimumreserve"]
            rows = [header]
            for i, y in enumerate(sim.years):
                minimum = "" if sim.minimum_reserve is None else float(sim.minimum_reserve[i])
                rows.append([y, *(float(sim.percentiles[GBR][j][i]) for j in range(len(PERCENTILES))), minimum])
            if sim.calibration_note is not None:  # how many years the spread rests on, under the table
                rows.append([sim.calibration_note, *[""] * (len(header) - 1)])
            return _copy(tuple(map(tuple, rows)))
        if kind == "afm":
            return sim.p_afm_last_negative
        if kind == "bbr":
            return sim.p_bbr_negative_any
        if sim.p_reserve_below_minimum is None:
            return PREFIX + "het plan heeft geen minimumreserve (blad Parameters)"
        if year is None:
            return sim.p_reserve_below_minimum_any
        if year not in sim.years:
            raise InputError(f"{year} valt buiten het plan", expected=f"een jaar {sim.years[0]}-{sim.years[-1]}")
        return float(sim.p_reserve_below_minimum[sim.years.index(year)])
    except Exception as exc:
        return error_text(exc, "W13 KANS")


LEVER_NAMES = {"bijdrage": "contribution", "contribution": "contribution", "%": "contribution",
               "per inwoner": "per_inhabitant", "per_inwoner": "per_inhabitant", "inwoner": "per_inhabitant",
               "per_inhabitant": "per_inhabitant", "vte": "fte", "fte": "fte", "personeel": "fte"}


@cache.cached(maxsize=64)
def _solve(budget: Frozen, scenario: str, lever: str, year: int | None,
           ranges: tuple[Frozen, ...], generation: int = 0) -> tuple[tuple[object, ...], ...]:
    from ..goalseek import TARGET_LABELS, solve

    try:
        baseline, chosen, library = scenario_inputs(budget, scenario, ranges)
        s = solve(baseline, chosen, library, lever=lever, from_year=year)
    except Exception as exc:
        return ((error_text(exc, "W13: goal seek"),),)
    if lever == "fte":
        answer: list[list[object]] = [["VTE minder (basiswerking)", s.fte_reduction],
                                      ["Aandeel van de basiswerking", s.value],
                                      ["Vanaf", "" if s.date is None else s.date.isoformat()]]
    else:
        answer = [["Verhoging bijdrage", s.value], ["Per inwoner (euro)", "" if s.per_inhabitant is None
                                                     else s.per_inhabitant], ["Vanaf", s.from_year]]
    rows: list[list[object]] = [["Doelzoeken", "Waarde"], *answer,
            [f"AFM {s.proof.years[-1]} (herrekend)", s.afm_last],
            ["Bindend", f"{TARGET_LABELS[s.binding]} ({s.binding_year})"],
            ["Haalbaar", s.feasible], ["Uitleg", s.sentence()]]
    return tuple(map(tuple, rows))


#: Results of :func:`doelzoeken` by the argument values as Excel sends them.
_solutions = cache.ValueMemo("doelzoeken", maxsize=64)


def doelzoeken(budget: object, scenario: object = None, hefboom: object = None, vanaf: object = None,
               *ranges: object) -> list[list[object]]:
    """W13.DOELZOEKEN: the smallest contribution increase ('bijdrage', default; or 'per inwoner')
    or basiswerking FTE cut ('vte') that gives AFM >= 0 in the last year and a reserve >= the
    minimum every year, proved by a re-run; spills label | value rows."""

    def compute():
        name = (_text(hefboom, "bijdrage") or "bijdrage").lower()
        if name not in LEVER_NAMES:
            raise InputError(f"onbekende hefboom '{name}'", expected="bijdrage, per inwoner of vte")
        year = None if _text(vanaf) is None else _year(vanaf, "vanaf")
        return _solve(freeze(budget), _text(scenario, "") or "", LEVER_NAMES[name], year,
                      tuple(freeze(r) for r in ranges), generation)

    try:
        generation = library_generation()
        return memo_rows(_solutions, ("doelzoeken", generation), (budget, scenario, hefboom, vanaf, *ranges), compute)
    except Exception as exc:
        return [[error_text(exc, "W13 DOELZOEKEN")]]


_BUDGET_DOC = ("Bereik van het begrotingsblad: tabel met kop Actie/Categorie/Richting/jaren, "
               "of de draaitabel-export vanaf 'Rijlabels'.")
_SCENARIO_DOC = ("Leeg = het plan; of de naam van een scenario op het blad Scenario's (geef dat bereik mee "
                 "bij 'bereiken'; zijn 'onzekerheid'-rijen beschrijven de onzekerheid), of een .toml-bestand.")
_RANGES_DOC = ("Verdere bereiken, herkend aan hun kop: Parameters, Categorieën, Personeel, Weddeschalen, "
               "Subsidies, Indexering, Scenario's.")


@xw.func(name="KANS", category="W13")
@xw.arg("budget", "raw", doc=_BUDGET_DOC)
@xw.arg("scenario", "raw", doc=_SCENARIO_DOC)
@xw.arg("wat", "raw", doc="reserve (standaard: kans dat de reserve ooit onder de minimumreserve zakt; "
                          "'reserve 2030' voor één jaar), afm (AFM laatste jaar < 0), bbr (BBR < 0), "
                          "of waaier (percentielen P5-P95 van de reserve per jaar).")
@xw.arg("paden", "raw", doc="Optioneel: aantal Monte Carlo-paden (standaard dat van het scenario, anders 10.000).")
@xw.arg("seed", "raw", doc="Optioneel: startwaarde van de toevalsgenerator (zelfde seed = zelfde uitkomst).")
@xw.arg("bereiken", "raw", doc=_RANGES_DOC)
@xw.ret("raw")
def w13_kans(budget, scenario, wat, paden, seed, *bereiken):
    """Kans (0 tot 1) volgens een Monte Carlo-simulatie van de onzekerheid van het scenario dat de
    reserve onder de minimumreserve zakt, dat de AFM van het laatste jaar negatief is of dat het
    BBR negatief wordt; of de waaier van de reserve."""
    return kans(budget, scenario, wat, paden, seed, *bereiken)


@xw.func(name="DOELZOEKEN", category="W13")
@xw.arg("budget", "raw", doc=_BUDGET_DOC)
@xw.arg("scenario", "raw", doc=_SCENARIO_DOC)
@xw.arg("hefboom", "raw", doc="bijdrage (standaard: % verhoging van de bijdrage lokale besturen), "
                              "per inwoner, of vte (vermindering van de basiswerking).")
@xw.arg("vanaf", "raw", doc="Optioneel: eerste jaar van de maatregel (standaard het tweede planjaar).")
@xw.arg("bereiken", "raw", doc=_RANGES_DOC)
@xw.ret("raw")
def w13_doelzoeken(budget, scenario, hefboom, vanaf, *bereiken):
    """Wat is er nodig voor AFM ≥ 0 in het laatste jaar en een reserve ≥ de minimumreserve in elk
    jaar: de kleinste verhoging van de bijdrage of vermindering van de basiswerking (VTE),
    gecontroleerd door het scenario opnieuw door te rekenen."""
    return doelzoeken(budget, scenario, hefboom, vanaf, *bereiken)
