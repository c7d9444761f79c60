"""What the W13 custom functions compute, as pure functions of (frozen) cell values.

Every public function here takes the argument values exactly as Excel hands them over (2-D
lists, 1-D lists for one row, scalars, ``None`` for an omitted argument, ``""`` or ``None``
for an empty cell), and returns a 2-D list ready to spill, or a one-line Dutch message
starting with ``#W13:`` when the input is wrong. Nothing raises on bad input.

Results are cached on the frozen input values (see :mod:`w13xl.excel.cache`): a repeated call
with the same ranges costs a hash of the values, not a re-parse.

Pure Python: no xlwings import (the adapters live in :mod:`w13xl.excel.functions`).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

import numpy as np

from .. import messages
from ..errors import InputError, W13Error
from ..m2 import AFM, BBR, GBR, LINE_LABELS, M2Result, compute_m2, m2_rows
from ..numbers import implausible_amount, parse_decimal
from ..sheets import (
    LoadedPlan,
    SheetContext,
    is_blank,
    load_plan_from_grids,
    read_category_mapping,
    year_of_header,
)
from . import cache
from .cache import Frozen, Grid, freeze, is_empty, scalar

logger = logging.getLogger(__name__)

Rows = list[list[object]]

#: Names under which the arguments are handed to the sheet readers, and how messages call them.
BUDGET, PARAMETERS, CATEGORIES = "Budget", "Parameters", "Categorieën"
ARGUMENT_NAMES = {BUDGET: "budget", PARAMETERS: "parameters", CATEGORIES: "categorieen"}

PREFIX = "#W13: "
_CELL = re.compile(r"^[A-Z]{1,3}\d+$")


# -- errors -----------------------------------------------------------------------------------
INTERNAL_ERROR = "interne fout in w13xl; de details staan in het logboek (meld het aan de beheerder)"


def error_text(exc: BaseException, failed: str = "") -> str:
    """A one-line Dutch message for a cell: where (argument and cell in the range) and what. The
    message itself is the same Dutch text the command line shows (Dutch at source). An unexpected
    error is logged with its traceback as "``failed`` failed" (when ``failed`` is given)."""
    if isinstance(exc, InputError):
        where = []
        if exc.sheet:
            where.append(f"argument {ARGUMENT_NAMES.get(exc.sheet, exc.sheet)}")
        if exc.key:
            where.append(f"{messages.KEY} {exc.key}")
        if exc.cell:
            where.append(f"{messages.CELL} {exc.cell} van het bereik" if _CELL.match(exc.cell)
                         else f"{exc.cell} van het bereik")
        elif exc.row is not None:
            where.append(f"{messages.ROW} {exc.row} van het bereik")
        text = ", ".join(where) + ": " + exc.message if where else exc.message
        if exc.expected:
            text += f" ({messages.EXPECTED}: {exc.expected})"
        return PREFIX + text
    if isinstance(exc, (W13Error, ValueError, KeyError)):
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        return PREFIX + str(msg)
    # Never the exception's name, text or a path in a cell: those tell a caller about the server
    # (the log has the details).
    if failed:
        logger.error("%s failed", failed, exc_info=exc)
    return PREFIX + INTERNAL_ERROR


def _copy(rows: tuple[tuple[object, ...], ...]) -> Rows:
    """A fresh list of lists from a cached tuple result (callers may mutate what they get)."""
    return list(map(list, rows))


# -- scalar arguments -------------------------------------------------------------------------
def _number(value: object, what: str, *, default: float | None = None) -> float:
    value = scalar(value)
    if value is None:
        if default is None:
            raise InputError(f"{what} ontbreekt", expected="een getal")
        return default
    try:
        number = parse_decimal(value)
    except ValueError:
        raise InputError(f"{what}: '{value}' is geen (eindig) getal", expected="een getal") from None
    if message := implausible_amount(number):
        raise InputError(f"{what}: {message}", expected="een getal")
    return number


def _year(value: object, what: str) -> int:
    raw = scalar(value)
    year = year_of_header(raw) if raw is not None else None
    if year is None:
        raise InputError(f"{what}: '{'' if raw is None else raw}' is geen jaartal", expected="een jaar zoals 2026")
    return year


def _text(value: object, default: str | None = None) -> str | None:
    value = scalar(value)
    if value is None:
        return default
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# -- the plan behind a budget range -----------------------------------------------------------
def load_from_ranges(budget: Frozen, parameters: Frozen = None, categories: Frozen = None) -> LoadedPlan:
    """Read the plan from the budget range (table or pivot layout), the parameter range
    (label | value [| year columns]) and the optional category mapping range."""
    if budget is None or is_empty(budget):
        raise InputError("het bereik is leeg", sheet=BUDGET,
                         expected="het bereik van een begrotingsblad: kop Actie/Categorie/Richting/jaren "
                                  "of een draaitabel met Rijlabels")
    grids: dict[str, Grid] = {BUDGET: budget}
    if parameters is not None and not is_empty(parameters):
        grids[PARAMETERS] = parameters
    mapping = None
    if categories is not None and not is_empty(categories):
        mapping = read_category_mapping(categories, SheetContext(None, CATEGORIES))
    return load_plan_from_grids(grids, sheet=BUDGET, mapping=mapping)


@cache.cached()
def _m2(budget: Frozen, parameters: Frozen, categories: Frozen) -> M2Result | str:
    try:
        loaded = load_from_ranges(budget, parameters, categories)
        return compute_m2(loaded.plan, loaded.params)
    except Exception as exc:
        return error_text(exc, "W13: computing M2")


# -- tables -----------------------------------------------------------------------------------
M2_HEADER_LABEL = "Schema M2"


def m2_table_rows(result: M2Result) -> Rows:
    """Schema M2 as cells: a header row ``'' | 'Schema M2' | 2026 | ...``, then one row per line
    in statutory order ``number | Dutch label | amount per year`` (AFM lines and the minimum
    reserve last), amounts unrounded."""
    rows: Rows = [["", M2_HEADER_LABEL, *result.years]]
    rows.extend([number, label, *values] for number, label, _key, values in m2_rows(result))
    return rows


SERIES = {"reserve": GBR, "afm": AFM, "bbr": BBR}


def series_rows(result: M2Result, key: str, label: str) -> Rows:
    """``Jaar | label`` then ``year | amount`` per plan year."""
    rows: Rows = [["Jaar", label]]
    rows.extend([y, float(v)] for y, v in zip(result.years, result.lines[key], strict=True))
    return rows


NORM_HEADER = ["Controle", "Voldaan", "Eerste jaar niet voldaan", "Jaren niet voldaan", "Soort", "Bron"]


def norm_rows(result: M2Result) -> Rows:
    """One row per check (w13xl.m2.check_rules: a statutory norm, an engagement or a policy, by
    kind of bestuur): Dutch label | TRUE/FALSE | first year not met ('' if none) | years | kind |
    source."""
    from ..m2 import KIND_WORDS

    rows: Rows = [list(NORM_HEADER)]
    for norm in result.norms.values():
        rows.append([norm.label, norm.ok, "" if norm.first_breach_year is None else norm.first_breach_year,
                     ", ".join(map(str, norm.breach_years)), KIND_WORDS[norm.kind], norm.rule.source])
    return rows


@cache.cached()
def _table(kind: str, budget: Frozen, parameters: Frozen, categories: Frozen) -> tuple[tuple[object, ...], ...]:
    result = _m2(budget, parameters, categories)
    if isinstance(result, str):
        return ((result,),)
    if kind == "m2":
        rows = m2_table_rows(result)
    elif kind == "normen":
        rows = norm_rows(result)
    else:
        rows = series_rows(result, SERIES[kind], LINE_LABELS[SERIES[kind]])
    return tuple(map(tuple, rows))


def memo_rows(memo: cache.ValueMemo, head: object, args: tuple, compute: Callable[[], Grid]) -> Rows:
    """A fresh copy of the rows remembered in ``memo`` for ``head`` and the argument values
    ``args`` as Excel sends them; else of ``compute()`` (rows as tuples), then remembered. A
    recalculation's repeated call costs one comparison of the input cells (see
    :class:`cache.ValueMemo`). What ``compute`` raises is not remembered."""
    rows = cast("Grid | None", memo.get(head, args))  # what compute() gave
    if rows is None:
        rows = compute()
        memo.put(head, args, rows)
    return _copy(rows)


#: Results of :func:`table` by the argument values as Excel sends them: one entry per plan
#: (budget, parameters, categories) holding the rows of each function asked for so far, so
#: W13.M2, RESERVE, AFM, ... over the same ranges share one entry.
_tables = cache.ValueMemo("table")


def table(kind: str, budget: object, parameters: object = None, categories: object = None) -> Rows:
    """The spilled result of W13.M2 (``kind='m2'``), RESERVE, AFM, BBR or NORMEN."""
    try:
        args = (budget, parameters, categories)
        by_kind = cast("dict[str, Grid] | None", _tables.get("plan", args))  # the rows per kind
        if by_kind is None:
            by_kind = {}
            _tables.put("plan", args, by_kind)
        rows = by_kind.get(kind)
        if rows is None:
            rows = by_kind[kind] = _table(kind, freeze(budget), freeze(parameters), freeze(categories))
        return _copy(rows)
    except Exception as exc:
        return [[error_text(exc, f"W13 {kind}")]]


# -- INDEXEER ---------------------------------------------------------------------------------
#: Index classes: which column of an index path they follow. 'vast' never moves.
INDEX_CLASSES: dict[str, str | None] = {
    "loon": "loon", "lonen": "loon", "wedde": "loon",
    "volgt_loon": "loon", "volgt loon": "loon",
    "prijzen": "prijzen", "prijs": "prijzen",
    "bijdrage": "bijdrage", "bijdragen": "bijdrage",
    "vast": None,
}
#: The plan's assumption (budget package): 2% a year for every indexed class.
PLAN_RATE = 0.02


def _rate(value: object, what: str) -> float:
    """One rule for percentages (as everywhere in w13xl): a number is a fraction, 0,02 = 2%; text
    '2%' is a percentage. A rate above 50% a year is almost surely 2 typed for 2%: refused."""
    v = _number(value, what)
    if abs(v) > 0.5:
        raise InputError(f"{what}: {v:g} wordt gelezen als {v * 100:g}% per jaar, meer dan 50%",
                         expected=f"een breuk zoals {v / 100:g} of tekst '{v:g}%'")
    return v


def _path_rates(path: Frozen, column: str, years: Sequence[int]) -> dict[int, float]:
    """Yearly rates for one class from an index path argument.

    Accepted: nothing (the plan's 2%), one number (a flat rate: 0.03, 3 or '3%'), a range
    ``year | rate`` (rate of year y = change from y-1 to y; one rate for every class) or a range
    with a header row ``Jaar | loon | prijzen | bijdrage`` (one column per class)."""
    if is_empty(path):
        return dict.fromkeys(years, PLAN_RATE)
    rows = [r for r in path if any(not is_blank(v) for v in r)]  # type: ignore[union-attr]
    if len(rows) == 1 and len([v for v in rows[0] if not is_blank(v)]) == 1:
        rate = _rate(next(v for v in rows[0] if not is_blank(v)), "pad")
        return dict.fromkeys(years, rate)
    col = 1
    header = [str(v).strip().lower() if isinstance(v, str) else None for v in rows[0]]
    if year_of_header(rows[0][0]) is None:  # a header row
        names = [INDEX_CLASSES.get(h or "", h) for h in header]
        if column not in names:
            raise InputError(f"het pad heeft geen kolom voor '{column}'",
                             expected="een kop Jaar | loon | prijzen | bijdrage, of twee kolommen jaar | %")
        col = names.index(column)
        rows = rows[1:]
    rates: dict[int, float] = {}
    for r, row in enumerate(rows):
        year = year_of_header(row[0])
        if year is None:
            raise InputError(f"rij {r + 1} van het pad: '{row[0]}' is geen jaartal", expected="jaar | %")
        if col >= len(row) or is_blank(row[col]):
            raise InputError(f"pad: geen percentage voor {year}", expected="jaar | %")
        rates[year] = _rate(row[col], f"pad {year}")
    missing = [y for y in years if y not in rates]
    if missing:
        raise InputError(f"het pad heeft geen percentage voor {', '.join(map(str, missing))}",
                         expected="een rij per jaar van het indexeringsinterval")
    return rates


@cache.cached()
def _indexeer(amount: float, from_year: int, to_year: int, klass: str, path: Frozen) -> float:
    column = INDEX_CLASSES[klass]
    if column is None or from_year == to_year:
        return amount
    lo, hi = sorted((from_year, to_year))
    years = list(range(lo + 1, hi + 1))
    rates = _path_rates(path, column, years)
    factor = float(np.prod([1.0 + rates[y] for y in years]))
    return amount * factor if to_year > from_year else amount / factor


def indexeer(amount: object, from_year: object, to_year: object, klass: object = None, path: object = None) -> object:
    """W13.INDEXEER: ``amount`` at the prices/wages of ``from_year`` expressed in ``to_year``."""
    try:
        value = _number(amount, "bedrag")
        y0, y1 = _year(from_year, "van_jaar"), _year(to_year, "naar_jaar")
        name = (_text(klass, "loon") or "loon").lower()
        if name not in INDEX_CLASSES:
            raise InputError(f"onbekende klasse '{name}'", expected="loon, prijzen, bijdrage, vast of volgt_loon")
        return _indexeer(value, y0, y1, name, freeze(path))
    except Exception as exc:
        return error_text(exc)


# -- LOONKOST ---------------------------------------------------------------------------------
@cache.cached()
def _loonkost(scale: str, step: int, fte: float, year: int, months: float) -> float:
    from ..staffing import loonkost

    return loonkost(scale, step, fte, year, months)


def loonkost(scale: object, step: object, fte: object, year: object, months: object = None) -> object:
    """W13.LOONKOST: yearly employer cost of a position (bundled illustrative scales)."""
    try:
        name = _text(scale)
        if not name:
            raise InputError("schaal ontbreekt", expected="een weddeschaal zoals B1-B3")
        s = _number(step, "trap")
        if not s.is_integer() or s < 0:
            raise InputError(f"trap {s:g} is geen geheel getal ≥ 0", expected="een trap zoals 5")
        f = _number(fte, "vte", default=1.0)
        m = _number(months, "maanden", default=12.0)
        return _loonkost(name, int(s), f, _year(year, "jaar"), m)
    except Exception as exc:
        return error_text(exc)


# -- SCENARIO ---------------------------------------------------------------------------------
def classify_range(grid: Frozen) -> str | None:
    """Which workbook sheet a range stands for, recognised by its header row: Parameters,
    Categorieën, Personeel, Weddeschalen, Subsidies, Indexering or Scenario's."""
    from ..params import spec_for_label
    from ..scenario.loader import INDEX_SHEET, ROSTER_SHEET, SCALES_SHEET, SUBSIDY_SHEET
    from ..scenario.spec import SCENARIO_SHEET

    for row in (grid or ())[:30]:
        cells = {v.strip().lower() for v in row if isinstance(v, str) and v.strip()}
        first = row[0].strip().lower() if row and isinstance(row[0], str) else ""
        if first == "positie":
            return ROSTER_SHEET
        if first == "schaal":
            return SCALES_SHEET
        if first == "id":
            return SUBSIDY_SHEET
        if "scenario" in cells and "type" in cells:
            return SCENARIO_SHEET
        if {"actie", "richting", "klasse"} <= cells:
            return INDEX_SHEET
        if {"actie", "richting", "categorie"} <= cells:
            return CATEGORIES
        if first == "parameter" or (first and spec_for_label(first) is not None):
            return PARAMETERS
    return None


def ranges_by_kind(ranges: Sequence[Frozen], classify, *, after: str, expected: str) -> dict[str, Grid]:
    """The further ranges of a function, each recognised by its header (``classify`` gives its
    kind or None); empty ones are skipped, an unknown or a second range of a kind is refused."""
    found: dict[str, Grid] = {}
    for i, grid in enumerate(ranges, start=1):
        if grid is None or is_empty(grid):
            continue
        kind = classify(grid)
        if kind is None:
            raise InputError(f"bereik {i} na {after} is niet herkend", expected=expected)
        if kind in found:
            raise InputError(f"bereik {i} is een tweede bereik '{kind}'", expected="elk soort bereik één keer")
        found[kind] = grid
    return found


def _scenario_grids(budget: Grid, ranges: tuple[Frozen, ...]) -> dict[str, Grid]:
    found = ranges_by_kind(ranges, classify_range, after="de lijn",
                           expected="bereiken met de kop van Parameters, Categorieën, Personeel, Weddeschalen, "
                                    "Subsidies, Indexering of Scenario's")
    return {BUDGET: budget, **found}


# -- scenario files: only from the configured folder --------------------------------------------
#: The folder whose .toml files W13.SCENARIO, W13.KANS and W13.DOELZOEKEN may read (``w13xl serve
#: --scenarios MAP`` sets it). Unset: no files at all, only the workbook's Scenario's sheet.
SCENARIO_DIR_ENV = "W13XL_SCENARIO_DIR"


def scenario_folder() -> Path | None:
    """The configured scenario folder (resolved), or None when none is configured."""
    value = os.environ.get(SCENARIO_DIR_ENV, "").strip()
    return Path(value).expanduser().resolve() if value else None


def scenario_file(name: str) -> Path:
    """The scenario file ``name`` (a file name in the scenario folder, or a path inside it).

    Anything outside the folder is refused (a cell must not be able to probe the server's
    files), as is a file that does not end in .toml."""
    folder = scenario_folder()
    if folder is None:
        raise InputError(f"scenariobestand '{name}': er is geen scenariomap ingesteld",
                         expected=f"een scenario van het blad Scenario's, of een scenariomap ({SCENARIO_DIR_ENV}; "
                                  "w13xl serve --scenarios MAP)")
    shown = name if len(name) <= 80 else name[:77] + "..."
    unreadable = InputError(f"scenariobestand '{shown}' kan niet gelezen worden",
                            expected="de naam van een .toml-bestand in de scenariomap, bv. pact-stopt-2028.toml")
    try:
        given = Path(name.strip())
        path = (given if given.is_absolute() else folder / given).resolve()
    except (OSError, RuntimeError, ValueError):  # a name too long, a symlink loop, a NUL byte
        raise unreadable from None
    if not path.is_relative_to(folder) or path.suffix.lower() != ".toml":
        raise InputError(f"scenariobestand '{shown}' ligt buiten de scenariomap",
                         expected="de naam van een .toml-bestand in de scenariomap, bv. pact-stopt-2028.toml")
    try:
        found = path.is_file()
    except (OSError, ValueError):
        raise unreadable from None
    if not found:
        raise InputError(f"scenariobestand '{given.name}' niet gevonden in de scenariomap",
                         expected="de naam van een .toml-bestand in de scenariomap")
    return path


# -- the scenario library (w13xl.library): names the server resolves --------------------------------
#: The library W13.SCENARIO, W13.KANS and W13.DOELZOEKEN find names in (``naam`` = the latest
#: approved version, ``naam@versie``); set by the server (w13xl.server.library_api). None: none.
_library = None


def set_library(library) -> None:
    global _library
    _library = library


def library_generation() -> int:
    """Changes whenever the library may resolve a name differently: part of the cache keys."""
    return _library.generation if _library is not None else 0


def library_scenario(name: str):
    """The library's scenario for ``name`` / ``name@versie``, or None without a library."""
    if _library is None:
        return None
    from ..library.store import LibraryError, check_toml

    try:
        version = _library.resolve(name)
    except LibraryError as exc:
        text = str(exc)
        raise InputError(text, expected=None if "(verwacht:" in text else
                         "een scenario van het blad Scenario's, een .toml-bestand of een naam uit de "
                         "scenariobibliotheek (naam of naam@versie)") from None
    scenario = check_toml(version.name, version.toml)
    scenario.name = version.ref if "@" in name else version.name
    return scenario


@cache.cached(maxsize=16)
def _baseline(budget: Frozen, ranges: tuple[Frozen, ...]):
    from ..scenario.loader import baseline_from_grids

    if budget is None or is_empty(budget):
        raise InputError("het bereik is leeg", sheet=BUDGET, expected="het bereik van een begrotingsblad")
    return baseline_from_grids(_scenario_grids(budget, ranges), sheet=BUDGET)


def scenario_inputs(budget: Frozen, scenario: str, ranges: tuple[Frozen, ...]):
    """(baseline, chosen scenario or None for an empty name, library) for the argument values:
    ``scenario`` is a name on the Scenario's range or the path of a .toml file."""
    from ..scenario.loader import workbook_scenarios
    from ..scenario.spec import SCENARIO_SHEET, ScenarioLibrary, load_scenario_file
    from .limits import check_scenarios

    baseline = _baseline(budget, ranges)
    assert budget is not None  # _baseline refuses an empty budget
    grids = _scenario_grids(budget, ranges)
    sheet_scenarios = workbook_scenarios(grids) if SCENARIO_SHEET in grids else {}
    check_scenarios(len(sheet_scenarios))
    library = ScenarioLibrary(sheet_scenarios.values())
    if not scenario:
        return baseline, None, library
    if scenario.lower().endswith(".toml"):
        chosen = load_scenario_file(scenario_file(scenario))
        library.add(chosen)
    elif scenario in sheet_scenarios:
        chosen = sheet_scenarios[scenario]
    elif _library is not None:
        chosen = library_scenario(scenario)
        library.add(chosen)
    else:
        known = ", ".join(sheet_scenarios) or "(geen: geef het bereik van het blad Scenario's mee)"
        raise InputError(f"onbekend scenario '{scenario}'",
                         expected=f"een scenario van het blad Scenario's ({known}) of een .toml-bestand")
    return baseline, chosen, library


@cache.cached(maxsize=64)
def _scenario_run(budget: Frozen, scenario: str, ranges: tuple[Frozen, ...], generation: int = 0):
    from ..scenario import run_scenarios

    try:
        baseline, chosen, library = scenario_inputs(budget, scenario, ranges)
        if chosen is None:
            raise InputError("geen scenario", expected="de naam van een scenario of een .toml-bestand")
        return run_scenarios(baseline, [chosen], library).run(0)
    except Exception as exc:
        return error_text(exc, "W13: scenario run")


LINE_ALIASES = {
    "reserve": "gecumuleerd_budgettair_resultaat", "gbr": "gecumuleerd_budgettair_resultaat",
    "bbr": "beschikbaar_budgettair_resultaat", "afm": "autofinancieringsmarge",
    "gafm": "gecorrigeerde_autofinancieringsmarge", "es": "exploitatiesaldo",
    "is": "investeringssaldo", "fs": "financieringssaldo", "minimumreserve": "minimumreserve",
}


def resolve_line(lijn: object) -> str:
    """'M2' (the whole schema), 'normen', or one line: its key, a roman number of the main M2
    lines (I ... IX), a Dutch label, or reserve/gbr/bbr/afm/gafm/es/is/fs/minimumreserve."""
    from ..m2 import LINE_KEYS, M2_LINES

    text = _text(lijn)
    if not text or text.lower() == "m2":
        return "m2"
    low = " ".join(text.lower().split())
    if low == "normen":
        return "normen"
    if low in LINE_ALIASES:
        return LINE_ALIASES[low]
    if low in LINE_KEYS:
        return low
    for spec in M2_LINES:
        if spec.section == "M2" and not spec.detail and spec.number.lower() == low:
            return spec.key
    for detail in (False, True):
        for spec in M2_LINES:
            if spec.detail == detail and spec.label.lower() == low:
                return spec.key
    raise InputError(f"onbekende lijn '{text}'",
                     expected="M2, normen, een romeins cijfer I-IX, een omschrijving uit schema M2, "
                              "of reserve, bbr, afm, gafm, minimumreserve")


@cache.cached()
def _scenario_table(budget: Frozen, scenario: str, line: str,
                    ranges: tuple[Frozen, ...], generation: int = 0) -> tuple[tuple[object, ...], ...]:
    from ..m2 import LINE_LABELS

    run = _scenario_run(budget, scenario, ranges, generation)
    if isinstance(run, str):
        return ((run,),)
    if line == "m2":
        rows = m2_table_rows(run.m2)
    elif line == "normen":
        rows = norm_rows(run.m2)
    elif line == "minimumreserve":
        if run.m2.minimum_reserve is None:
            return ((PREFIX + "het plan heeft geen minimumreserve (blad Parameters)",),)
        rows = [["Jaar", "Minimumreserve"],
                *([y, float(v)] for y, v in zip(run.years, run.m2.minimum_reserve, strict=True))]
    else:
        rows = series_rows(run.m2, line, LINE_LABELS[line])
    return tuple(map(tuple, rows))


#: Results of :func:`scenario` by the argument values as Excel sends them.
_scenarios = cache.ValueMemo("scenario")


def scenario(budget: object, name: object, lijn: object = None, *ranges: object) -> Rows:
    """W13.SCENARIO: schema M2 (or one line, or the norms) of the plan under a scenario."""

    def compute():
        text = _text(name)
        if not text:
            raise InputError("geen scenario opgegeven", expected="de naam van een scenario of een .toml-bestand")
        frozen = tuple(freeze(r) for r in ranges)
        return _scenario_table(freeze(budget), text, resolve_line(lijn), frozen, generation)

    try:
        generation = library_generation()
        return memo_rows(_scenarios, ("scenario", generation), (budget, name, lijn, *ranges), compute)
    except Exception as exc:
        return [[error_text(exc, "W13 SCENARIO")]]
