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

from ..errors import InputError, W13Error
from ..m2 import M2Result, compute_m2, m2_rows
from ..numbers import parse_decimal
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
#: Dutch for the core's input messages (the command line reports them in English; a cell in
#: Excel speaks Dutch). Applied in order to the message and to what was expected.
_DUTCH: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(a), b) for a, b in (
    # issues 9, 10 and 13: retired policy, percentage bounds, the schema mapping sheets
    (r"'keep' no longer exists: use 'keep_staff' \(W13 keeps the staff; the partners' part stops\) or "
     r"'keep_project' \(the whole project goes on, paid by W13\)",
     "'keep' bestaat niet meer: gebruik 'keep_staff' (W13 houdt het personeel; het deel van de partners stopt) "
     "of 'keep_project' (het hele project loopt door, betaald door W13)"),
    (r"(\S+) = (\S+) is read as ([+-]?[\d.]+)%( a year)?, above the bound of (\d+)% \(percentages are fractions: "
     r"(\S+) = (\S+), or write \"(\S+)\"\); if this is really meant, add override_bounds = true",
     r"\1 = \2 wordt gelezen als \3%\4, boven de grens van \5% (percentages zijn breuken: \6 = \7, of schrijf "
     r"'\8'); is dat echt de bedoeling, zet dan override_bounds = true"),
    (r" a year, boven", " per jaar, boven"),
    (r"(.*): (\S+) is read as (\S+)%, above 100% \(percentages are fractions: (\S+) = (\S+)%, or text '(\S+)'\)",
     r"\1: \2 wordt gelezen als \3%, boven 100% (percentages zijn breuken: \4 = \5%, of tekst '\6')"),
    (r"a fraction such as (\S+) or '(\S+)'", r"een breuk zoals \1 of '\2'"),
    (r"(.*): action (\S+) is not on the budget sheet", r"\1: actie \2 staat niet op het begrotingsblad"),
    (r"an action of the budget sheet, or \* for the rest", "een actie van het begrotingsblad, of * voor de rest"),
    (r"(.*): (\S+) for (.*) in (\d{4}), but only (\S+) of the line is left",
     r"\1: \2 voor \3 in \4, maar van de lijn blijft maar \5 over"),
    (r"parts that add up to at most the line's amount", "delen die samen hoogstens het bedrag van de lijn zijn"),
    (r"unknown economic rubric '(.*)'", r"onbekende economische rubriek '\1'"),
    (r"rubric '(.*)' is (.*), the row says (.*)", r"rubriek '\1' is \2, de rij zegt \3"),
    (r"a rubric of the same category and direction", "een rubriek met dezelfde categorie en richting"),
    (r"amounts on a \* row", "bedragen op een *-rij"),
    (r"empty year cells: \* takes the rest", "lege jaarcellen: * neemt de rest"),
    (r"^no (rubriek|beleidsveld|functie)$", r"geen \1"),
    (r"^a (rubriek|beleidsveld|functie)$", r"een \1"),
    (r"text '(.*)' in an amount cell", r"tekst '\1' in een bedragcel"),
    (r"a number in euro, e\.g\. 1234,56 or text in Belgian format like '1\.234,56'",
     "een bedrag in euro, bv. 1234,56 of tekst als '1.234,56'"),
    (r"a number in euro", "een bedrag in euro"),
    (r"the cell holds the Excel error (\S+)", r"de cel bevat de Excel-fout \1"),
    (r"'(.*)' is not an amount", r"'\1' is geen bedrag"),
    (r"no year columns in the header row", "geen jaarkolommen in de kopregel"),
    (r"columns headed by a year such as (.*) or '(.*)'", r"kolommen met een jaar als kop, bv. \1 of '\2'"),
    (r"year (\d{4}) appears twice in the header \(also in (\w+)\)", r"jaar \1 staat twee keer in de kop (ook in \2)"),
    (r"one column per year", "één kolom per jaar"),
    (r"year columns are not consecutive: missing year (\d{4})", r"jaarkolommen niet opeenvolgend: jaar \1 ontbreekt"),
    (r"year columns are not consecutive: (\d{4}) does not follow (\d{4})",
     r"jaarkolommen niet opeenvolgend: \1 volgt niet op \2"),
    (r"consecutive years from left to right, e\.g\. (.*)", r"opeenvolgende jaren van links naar rechts, bv. \1"),
    (r"duplicate line (.*) \(also on row (\d+)\)", r"dubbele lijn \1 (ook op rij \2)"),
    (r"one row per action, category and direction", "één rij per actie, categorie en richting"),
    (r"duplicate ([OU]) row for (\S+) \(also on row (\d+)\)", r"dubbele \1-rij voor \2 (ook op rij \3)"),
    (r"one O and one U row per action", "één O- en één U-rij per actie"),
    (r"unknown direction '(.*)'", r"onbekende richting '\1'"),
    (r"O \(ontvangsten\) or U \(uitgaven\)", "O (ontvangsten) of U (uitgaven)"),
    (r"unknown category '(.*)'", r"onbekende categorie '\1'"),
    (r"exploitatie, investeringen or financiering", "exploitatie, investeringen of financiering"),
    (r"the sheet is empty", "het bereik is leeg"),
    (r"cannot recognise the budget layout", "de opmaak van de begroting is niet herkend"),
    (r"the row has amounts but no action code", "de rij heeft bedragen maar geen actiecode"),
    (r"an action code such as (\S+)", r"een actiecode zoals \1"),
    (r"a row with amounts but no label", "een rij met bedragen maar zonder label"),
    (r"unexpected row label '(.*)'", r"onverwacht rijlabel '\1'"),
    (r"no header row with an 'Actie' column", "geen kopregel met een kolom 'Actie'"),
    (r"the sheet has a header but no budget lines", "het bereik heeft een kop maar geen begrotingslijnen"),
    (r"unknown subsidy '(.*)'", r"onbekende subsidie '\1'"),
    (r"unknown position '(.*)'", r"onbekende positie '\1'"),
    (r"unknown action '(.*)'", r"onbekende actie '\1'"),
    (r"unknown salary scale '(.*)'", r"onbekende weddeschaal '\1'"),
    (r"date (\S+) is outside the plan \((.*)\)", r"datum \1 valt buiten het plan (\2)"),
    (r"year (-?\d+) is outside the plan", r"jaar \1 valt buiten het plan"),
    (r"scenario file not found", "scenariobestand niet gevonden"),
    # scenario files and the Scenario's sheet (pydantic's messages, w13xl's own)
    (r"\(got (.*)\)$", r"(gegeven: \1)"),
    (r"Input should be a valid date or datetime, (.*)", r"geen geldige datum (\1)"),
    (r"Input should be a valid date", "geen geldige datum"),
    (r"Input should be a valid number, unable to parse string as a number", "geen geldig getal"),
    (r"Input should be a valid (number|integer|float)", "geen geldig getal"),
    (r"Input should be a valid string", "geen tekst"),
    (r"Input should be a valid boolean", "geen geldige waar/onwaar-waarde"),
    (r"Input should be greater than or equal to (\S+)", r"moet minstens \1 zijn"),
    (r"Input should be greater than (\S+)", r"moet groter zijn dan \1"),
    (r"Input should be less than or equal to (\S+)", r"mag hoogstens \1 zijn"),
    (r"Input should be less than (\S+)", r"moet kleiner zijn dan \1"),
    (r"Input should be (.*)", r"waarde moet \1 zijn"),
    (r"Field required", "verplicht veld ontbreekt"),
    (r"unknown key", "onbekende sleutel"),
    (r"unknown change type \(expected one of (.*)\)", r"onbekend soort wijziging (verwacht: \1)"),
    (r"extends unknown scenario '(.*)'", r"bouwt voort op een onbekend scenario '\1'"),
    (r"two scenarios are named '(.*)'", r"twee scenario's heten '\1'"),
    (r"unique scenario names", "unieke scenarionamen"),
    (r"input is too short", "invoer te kort"),
    (r"invalid character", "ongeldig teken"),
    (r"subsidy (\S+) names action '(.*)', which is not on the budget sheet",
     r"subsidie \1 verwijst naar actie '\2', die niet op het begrotingsblad staat"),
    (r"an action of the budget sheet", "een actie van het begrotingsblad"),
    (r"position (\S+) has unknown salary scale '(.*)'", r"positie \1 heeft een onbekende weddeschaal '\2'"),
    (r"one of the scales on '(.*)'", r"een van de schalen op '\1'"),
    (r"there is no sheet '(.*)'", r"er is geen blad '\1'"),
    (r"no budget sheet found", "geen begrotingsblad gevonden"),
    (r"a sheet 'Synthese' \(table layout\) or a pivot export with 'Rijlabels'; name it with --sheet",
     "een blad 'Synthese' (tabel) of een draaitabel-export met 'Rijlabels'"),
    (r"a subsidy id of the '(.*)' sheet: \(none\)", r"een subsidie van het blad '\1' (geef dat bereik mee)"),
    (r"a subsidy id of the '(.*)' sheet", r"een subsidie van het blad '\1'"),
    (r"a header row with Actie, Categorie, Richting and year columns, or a pivot export starting with 'Rijlabels'",
     "een kopregel met Actie, Categorie, Richting en jaarkolommen, of een draaitabel-export vanaf 'Rijlabels'"),
    (r"a budget table or a pivot export", "een begrotingstabel of een draaitabel-export"),
    (r"a 'Weddeschalen' sheet for staffing changes", "een bereik 'Weddeschalen' voor personeelswijzigingen"),
    (r"columns Scenario, Type, Subsidie/Positie/Actie, Datum, \.\.\.",
     "kolommen Scenario, Type, Subsidie/Positie/Actie, Datum, ..."),
    (r"fractions such as 0,32 for 32%", "breuken zoals 0,32 voor 32%"),
    (r"rows with O and U amounts", "rijen met O- en U-bedragen"),
    (r"the name of the scenario", "de naam van het scenario"),
    (r"a dotted key such as (.*)", r"een sleutel met punten zoals \1"),
    (r"an 'onzekerheid' row needs a key in column 'Sleutel'", "een rij 'onzekerheid' heeft een sleutel nodig in de "
     "kolom 'Sleutel'"),
    (r"no header row with a 'Scenario' column", "geen kopregel met een kolom 'Scenario'"),
    (r"the row has no scenario name", "de rij heeft geen scenarionaam"),
    (r"no '(.*)' column", r"geen kolom '\1'"),
    (r"unknown column '(.*)'", r"onbekende kolom '\1'"),
    (r"key '(.*)' clashes with an earlier row", r"sleutel '\1' botst met een eerdere rij"),
    (r"'(.*)' is not an action code", r"'\1' is geen actiecode"),
    (r"'(.*)' is neither a scenario file nor a scenario on the Scenario's sheet",
     r"'\1' is geen scenariobestand en geen scenario op het blad Scenario's"),
    (r"scenario '(.*)' extends itself \(through '(.*)'\)", r"scenario '\1' bouwt op zichzelf voort (via '\2')"),
    (r"not a date \(expected e\.g\. (\S+) or (\S+)\): (.*)", r"geen datum (verwacht bv. \1 of \2): \3"),
    (r"not a date: (.*)", r"geen datum: \1"),
    (r"not a (finite )?number: (.*)", r"geen getal: \2"),
    (r"the amount is not a finite number", "het bedrag is geen eindig getal"),
    (r"end (\S+) (is )?before start (\S+)", r"einde \1 ligt voor begin \3"),
    (r"position (\S+): ", r"positie \1: "),
    (r"subsidy (\S+): ", r"subsidie \1: "),
    (r"unknown salary scale (\S+) \(known: (.*)\)", r"onbekende weddeschaal \1 (bekend: \2)"),
    (r"salary scales", "weddeschalen"),
    (r"no header row", "geen kopregel"),
    (r"empty position id", "lege positie-id"),
    (r"duplicate position id", "dubbele positie-id"),
    (r"the subsidy has no id", "de subsidie heeft geen id"),
    (r"subsidy id (\S+) appears twice", r"subsidie-id \1 staat er twee keer"),
    (r"must be a fraction in \[0, 1\)", "moet een breuk in [0, 1) zijn"),
    (r"position (\S+) has onbekende weddeschaal", r"positie \1 heeft een onbekende weddeschaal"),
    (r"unknown index class '(.*?)'", r"onbekende indexklasse '\1'"),
    (r"level '(.*)' is not one of (.*)", r"niveau '\1' is niet een van \2"),
    (r"a year in (-?\d+)-(\d+)", r"een jaar in \1-\2"),
    (r"\bcolumn (\S+): ", r"kolom \1: "),
    (r"\(scale (\S+)\)", r"(schaal \1)"),
    (r"amount must be > 0", "het bedrag moet > 0 zijn"),
    (r"scale (\S+) has no step 0", r"schaal \1 heeft geen trap 0"),
    (r"scale (\S+) step (\S+) given twice", r"schaal \1 trap \2 staat er twee keer"),
    (r"scale (\S+) given twice", r"schaal \1 staat er twee keer"),
    (r"negative step (\S+)", r"negatieve trap \1"),
    (r"step must be an integer, got (.*)", r"trap moet een geheel getal zijn (gegeven: \1)"),
    (r"fte (\S+) outside (\S+)", r"vte \1 buiten \2"),
    (r"overhead rate (\S+)", r"overheadpercentage \1"),
    (r"empty scale", "lege schaal"),
    (r"\bempty (\S+)", r"\1 is leeg"),
    (r"\ba number\b", "een getal"),
    (r"Datetimes provided to dates should have zero time - e\.g\. be exact dates", "geen datum (een tijdstip of "
     "een negatief getal)"),
    (r"not a whole number: (.*)", r"geen geheel getal: \1"),
    (r"\(known: (.*)\)", r"(bekend: \1)"),
    (r"\bpersonnel\b", "personeel"),
    (r"missing column\(s\) (.*)", r"ontbrekende kolom(men) \1"),
    (r"the plan has no member contribution \(parameter '(.*)'\)",
     r"het plan heeft geen bijdrage van de lokale besturen (parameter '\1')"),
    (r"a '(.*)' row on the Parameters sheet", r"een rij '\1' op het blad Parameters"),
    (r"\bnone\b", "geen"),
    (r"\bone of\b", "een van"),
    (r"file not found", "bestand niet gevonden"),
    (r"\band\b", "en"),
    (r"\bor\b", "of"),
    (r"\bexpected\b", "verwacht"),
))


def dutch(text: str) -> str:
    """The core's English input message in Dutch (known phrases; the rest as it is)."""
    for pattern, replacement in _DUTCH:
        text = pattern.sub(replacement, text)
    return text


def error_text(exc: BaseException) -> str:
    """A one-line Dutch message for a cell: where (argument and cell in the range) and what."""
    if isinstance(exc, InputError):
        where = []
        if exc.sheet:
            where.append(f"argument {ARGUMENT_NAMES.get(exc.sheet, exc.sheet)}")
        if getattr(exc, "key", None):
            where.append(f"sleutel {exc.key}")
        if exc.cell:
            where.append(f"cel {exc.cell} van het bereik" if _CELL.match(exc.cell)
                         else exc.cell.replace("row", "rij") + " van het bereik")
        message = dutch(exc.message)
        text = ", ".join(where) + ": " + message if where else message
        if exc.expected:
            text += f" (verwacht: {dutch(exc.expected)})"
        return PREFIX + text
    if isinstance(exc, (W13Error, ValueError, KeyError)):
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        return PREFIX + dutch(str(msg))
    return PREFIX + f"interne fout ({type(exc).__name__}: {exc})"


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
        return parse_decimal(value)
    except ValueError:
        raise InputError(f"{what}: '{value}' is geen (eindig) getal", expected="een getal") from None


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
        if not isinstance(exc, (W13Error, ValueError, KeyError)):
            logger.exception("W13: computing M2 failed")
        return error_text(exc)


# -- tables -----------------------------------------------------------------------------------
M2_HEADER_LABEL = "Schema M2"


def m2_table_rows(result: M2Result) -> Rows:
    """Schema M2 as cells: a header row ``'' | 'Schema M2' | 2026 | ...``, then one row per line
    in statutory order ``number | Dutch label | amount per year`` (AFM lines and the minimum
    reserve last), amounts unrounded."""
    rows: Rows = [["", M2_HEADER_LABEL, *result.years]]
    rows.extend([number, label, *values] for number, label, _key, values in m2_rows(result))
    return rows


SERIES: dict[str, tuple[str, str]] = {
    "reserve": ("gecumuleerd_budgettair_resultaat", "Gecumuleerd budgettair resultaat"),
    "afm": ("autofinancieringsmarge", "Autofinancieringsmarge"),
    "bbr": ("beschikbaar_budgettair_resultaat", "Beschikbaar budgettair resultaat"),
}


def series_rows(result: M2Result, key: str, label: str) -> Rows:
    """``Jaar | label`` then ``year | amount`` per plan year."""
    rows: Rows = [["Jaar", label]]
    rows.extend([y, float(v)] for y, v in zip(result.years, result.lines[key], strict=True))
    return rows


NORM_HEADER = ["Norm", "Voldaan", "Eerste jaar niet voldaan", "Jaren niet voldaan"]


def norm_rows(result: M2Result) -> Rows:
    """One row per norm: Dutch label | TRUE/FALSE | first year of breach ('' if none) | years."""
    rows: Rows = [list(NORM_HEADER)]
    for norm in result.norms.values():
        rows.append([norm.label, norm.ok, "" if norm.first_breach_year is None else norm.first_breach_year,
                     ", ".join(map(str, norm.breach_years))])
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
        key, label = SERIES[kind]
        rows = series_rows(result, key, label)
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
        logger.exception("W13 %s failed", kind)
        return [[error_text(exc)]]


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
    given = Path(name.strip())
    path = (given if given.is_absolute() else folder / given).resolve()
    if not path.is_relative_to(folder) or path.suffix.lower() != ".toml":
        raise InputError(f"scenariobestand '{name}' ligt buiten de scenariomap",
                         expected="de naam van een .toml-bestand in de scenariomap, bv. pact-stopt-2028.toml")
    if not path.is_file():
        raise InputError(f"scenariobestand '{given.name}' niet gevonden in de scenariomap",
                         expected="de naam van een .toml-bestand in de scenariomap")
    return path


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

    baseline = _baseline(budget, ranges)
    assert budget is not None  # _baseline refuses an empty budget
    grids = _scenario_grids(budget, ranges)
    sheet_scenarios = workbook_scenarios(grids) if SCENARIO_SHEET in grids else {}
    library = ScenarioLibrary(sheet_scenarios.values())
    if not scenario:
        return baseline, None, library
    if scenario.lower().endswith(".toml"):
        chosen = load_scenario_file(scenario_file(scenario))
        library.add(chosen)
    elif scenario in sheet_scenarios:
        chosen = sheet_scenarios[scenario]
    else:
        known = ", ".join(sheet_scenarios) or "(geen: geef het bereik van het blad Scenario's mee)"
        raise InputError(f"onbekend scenario '{scenario}'",
                         expected=f"een scenario van het blad Scenario's ({known}) of een .toml-bestand")
    return baseline, chosen, library


@cache.cached(maxsize=64)
def _scenario_run(budget: Frozen, scenario: str, ranges: tuple[Frozen, ...]):
    from ..scenario.batch import batch_engine

    try:
        baseline, chosen, library = scenario_inputs(budget, scenario, ranges)
        if chosen is None:
            raise InputError("geen scenario", expected="de naam van een scenario of een .toml-bestand")
        return batch_engine(baseline).run([chosen], library).run(0)
    except Exception as exc:
        if not isinstance(exc, (W13Error, ValueError, KeyError)):
            logger.exception("W13: scenario run failed")
        return error_text(exc)


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
                    ranges: tuple[Frozen, ...]) -> tuple[tuple[object, ...], ...]:
    from ..m2 import LINE_LABELS

    run = _scenario_run(budget, scenario, ranges)
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
        return _scenario_table(freeze(budget), text, resolve_line(lijn), frozen)

    try:
        return memo_rows(_scenarios, "scenario", (budget, name, lijn, *ranges), compute)
    except Exception as exc:
        if not isinstance(exc, (W13Error, ValueError, KeyError)):
            logger.exception("W13 SCENARIO failed")
        return [[error_text(exc)]]
