"""Staff cost model for the W13 multi-year plan (pure core: numpy + dataclasses only).

W13 staff are *contractual* (niet vast benoemd) and paid on the Flemish local-government
salary scales (Rechtspositiebesluit lokale besturen; levels A to E, functional careers such as
B1-B3 or A1a-A3a). A scale gives, per seniority step (*trap*, one step per year of pay
seniority), an annual gross amount "aan 100%", which is multiplied by the salary coefficient
(2.1223 since 1 March 2025, i.e. 212.23%).

Yearly employer cost of a position::

    gross      = amount_100(scale, step in that year) x salary_coefficient x wage_multiplier[year]
    holiday    = gross x holiday_pay
    bonus      = gross x end_of_year_bonus
    social     = (gross + bonus) x employer_social_security   (not on holiday pay: see below)
    pillar     = gross x second_pillar_rate x (1 + second_pillar_levy)
    other      = other_cost_per_head x head share              (plan T2 line f, per head)
    cost       = (gross + holiday + bonus + social + pillar + other) x active_months / 12

(gross, holiday, bonus, social and pillar scale with fte; ``other`` with the position's share
of its person: one head, split over a person's positions by fte.)

The organisation-wide second-pillar administration fee (~1,500 EUR/yr) is not part of any
position; :func:`second_pillar_total` and ``wage_cost_total(..., include_pillar_admin=True)``
add it.

Everything is computed at wage multiplier 1 and multiplied by the multiplier of the year as
the very last operation, so ``position_costs(..., m) == position_costs(...) * m`` holds
exactly (bit for bit) and callers can rescale with another index path.

Conventions
-----------
* ``Position.step`` is the seniority step on 1 January of the first plan year
  (``StaffParameters.reference_year``, 2026); for a position that starts later it is the step
  at hiring. With ``yearly_step`` the step rises by one every 1 January after that (the real
  rise happens on the anniversary of pay seniority; budget tools use whole years). Steps
  beyond the last step of a scale stay at the last step.
* Months are counted whole: a position is active from the month of its start through the
  month of its end (start 1 March -> March..December = 10 months; end 30 September ->
  January..September = 9 months; a start on the 15th counts that month fully).
* Head count = number of distinct *persons* at the given level with an active position
  (fte > 0) on 1 January of the year. This is how the plan's table 3.4 reads ("het aantal
  VTE's op 01 januari 2026" is the plan's own reference point) and it makes the HBDH end on
  30 September 2026 visible only from 2027. A person may hold several positions (an FTE split
  over two actions); ``Position.person`` groups them (empty = the position id).

The bundled roster and salary scales in ``w13xl/data`` are ILLUSTRATIVE (see
``w13xl/data/SOURCES.md``): not real people, not the official scale amounts.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import math
import operator
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from importlib import resources
from string import ascii_lowercase

import numpy as np

from .errors import RowError
from .numbers import parse_date, parse_decimal

__all__ = [
    "BASE_FUNDING",
    "FTE_MAX",
    "ILLUSTRATIVE_LABEL",
    "LEVELS",
    "NOTICE_WEEKS_BY_YEAR",
    "NOTICE_WEEKS_FIRST_TWO_YEARS",
    "OVERHEAD_ACTION",
    "OVERHEAD_RATE",
    "PERSONNEL_ALIASES",
    "PERSONNEL_COLUMNS",
    "PLAN_HEAD_COUNT",
    "PLAN_INDEX_RATE",
    "PLAN_SECOND_PILLAR",
    "PLAN_T2_LINE2",
    "PLAN_T2_OTHER_STAFF_COST",
    "PLAN_T2_STAFF_COST",
    "PLAN_YEARS",
    "SCALE_COLUMNS",
    "CostBreakdown",
    "Notice",
    "Position",
    "SalaryScales",
    "StaffCheck",
    "StaffParameters",
    "active_months",
    "bundled_roster",
    "bundled_scales",
    "cost_breakdown",
    "costs_by",
    "entry_date",
    "flat_wage_index",
    "head_count",
    "head_count_table",
    "head_shares",
    "loonkost",
    "notice",
    "overhead_contribution",
    "part1_months",
    "position_cost",
    "position_costs",
    "position_steps",
    "pseudonymise",
    "pseudonyms",
    "roster_from_rows",
    "roster_is_illustrative",
    "scales_from_rows",
    "second_pillar_total",
    "seniority_months",
    "staff_check",
    "statutory_notice_months",
    "statutory_notice_weeks",
    "wage_cost_total",
]

# --------------------------------------------------------------------------------------------
# Reference figures from the plan (meerjarenplan 2026-2031: 3.4, 3.7 and schema T2 line c)
# --------------------------------------------------------------------------------------------
PLAN_YEARS: tuple[int, ...] = (2026, 2027, 2028, 2029, 2030, 2031)
#: Table 3.4 "Overzicht van de personeelsinzet" (C, D, E: none).
PLAN_HEAD_COUNT: dict[str, tuple[int, ...]] = {
    "A": (5, 5, 5, 5, 5, 5),
    "B": (15, 15, 13, 13, 12, 11),
}
#: Schema T2, exploitation expenditure 2.c "Niet vast benoemd niet-onderwijzend personeel".
PLAN_T2_STAFF_COST: tuple[float, ...] = (
    1_757_500.0, 1_754_322.0, 1_741_685.0, 1_794_885.0, 1_750_785.0, 1_715_595.0,
)
#: Schema T2, exploitation expenditure 2.f "Andere personeelskosten".
PLAN_T2_OTHER_STAFF_COST: tuple[float, ...] = (60_396.0, 58_720.0, 56_419.0, 57_117.0, 54_629.0, 53_778.0)
#: Schema T2, exploitation expenditure 2 "Bezoldigingen, sociale lasten en pensioenen" (= 2.c +
#: 2.f; 2030 prints 1.805.415 where c + f = 1.805.414: rounding in the plan).
PLAN_T2_LINE2: tuple[float, ...] = (1_817_896.0, 1_813_042.0, 1_798_104.0, 1_852_002.0, 1_805_415.0, 1_769_373.0)
#: 3.7 "Geraamde werkgeversbijdrage 2de PP" (budget tool estimate, current staffing).
PLAN_SECOND_PILLAR: tuple[float, ...] = (
    39_305.56, 40_827.37, 42_211.47, 43_509.40, 45_023.53, 46_161.89,
)
#: The budget tool's flat standard wage index per year.
PLAN_INDEX_RATE = 0.02

LEVELS: tuple[str, ...] = ("A", "B", "C", "D", "E")
CONTRACTUAL = "contractueel"
STATUTORY = "statutair"
STATUTES: tuple[str, ...] = (CONTRACTUAL, STATUTORY)
BASE_FUNDING = "basiswerking"
OVERHEAD_ACTION = "A50111"
#: Every subsidised action pays at least 15% of its staff cost as overhead to A50111.
OVERHEAD_RATE = 0.15
FTE_MAX = 1.5


#: Statutory notice given by the employer to a contract employee, in weeks, by seniority:
#: Wet betreffende de arbeidsovereenkomsten (3 juli 1978), art. 37/2 par. 1, as introduced by
#: the wet van 26 december 2013 (eenheidsstatuut, in force 1 January 2014) and amended for the
#: first six months by the wet van 26 maart 2018. (seniority below N months, weeks).
NOTICE_WEEKS_FIRST_TWO_YEARS: tuple[tuple[int, int], ...] = (
    (3, 1), (4, 3), (5, 4), (6, 5), (9, 6), (12, 7), (15, 8), (18, 9), (21, 10), (24, 11),
)
#: Completed years of seniority 2..19 -> weeks (from 20 years: 62 weeks + 1 per further year).
NOTICE_WEEKS_BY_YEAR: dict[int, int] = {2: 12, 3: 13, 4: 15, **{y: 18 + 3 * (y - 5) for y in range(5, 20)}}
#: Days per month used to turn weeks into months (365.25 / 12); a started month counts whole.
DAYS_PER_MONTH = 365.25 / 12


def statutory_notice_weeks(seniority_months: int) -> int:
    """Employer's notice in weeks for ``seniority_months`` of uninterrupted service (art. 37/2)."""
    if seniority_months < 0:
        raise ValueError(f"negatieve anciënniteit {seniority_months}")
    for below, weeks in NOTICE_WEEKS_FIRST_TWO_YEARS:
        if seniority_months < below:
            return weeks
    years = seniority_months // 12
    return NOTICE_WEEKS_BY_YEAR[years] if years < 20 else 62 + (years - 20)


def statutory_notice_months(seniority_months: int) -> int:
    """:func:`statutory_notice_weeks` in whole months (rounded up: the engine counts months)."""
    return whole_months(statutory_notice_weeks(seniority_months))


def whole_months(weeks: int, part1_months: int = 0) -> int:
    """A notice of ``weeks`` (after ``part1_months``) in whole months, rounded up."""
    return math.ceil(part1_months + weeks * 7 / DAYS_PER_MONTH - 1e-9)


def _completed_months(begin: date, on: date) -> int:
    """Whole months of service from ``begin`` through ``on`` (both days worked): 1/3/2025 to
    31/12/2028 = 46 months."""
    after = on + timedelta(days=1)
    months = (after.year - begin.year) * 12 + after.month - begin.month - (1 if after.day < begin.day else 0)
    return max(months, 0)


#: Where the seniority of a position comes from (shown with every notice).
ENTRY_HIRED = "datum in dienst"
ENTRY_START = "start van de positie"
ENTRY_STEP = "trap; aanname: geldelijke anciënniteit = jaren dienst, een bovengrens"


def entry_date(position: Position, reference_year: int = PLAN_YEARS[0]) -> tuple[date, str]:
    """The in-service date used for the notice and where it comes from: the roster's
    ``in_dienst``; else the start of a position that starts inside the plan; else 1 January of
    ``reference_year`` minus the step (aanname: pay seniority also counts earlier employers, so
    this is an upper bound; give ``in_dienst`` when the real date is known)."""
    if position.hired is not None:
        return position.hired, ENTRY_HIRED
    if position.start is not None and position.start.year >= reference_year:
        return position.start, ENTRY_START
    return date(reference_year - position.step, 1, 1), ENTRY_STEP


def seniority_months(position: Position, on: date, reference_year: int = PLAN_YEARS[0]) -> int:
    """Months of service of ``position`` on ``on`` from :func:`entry_date`."""
    return _completed_months(entry_date(position, reference_year)[0], on)


#: Wet van 26 december 2013 betreffende de invoering van een eenheidsstatuut (BS 31/12/2013),
#: art. 67-69: for a contract that started before 1 January 2014 the employer's notice is the
#: sum of two parts: (1) the seniority acquired on 31/12/2013 under the rules of that date,
#: (2) the seniority from 1/1/2014 under art. 37/2 (the weeks table above).
NEW_REGIME_START = date(2014, 1, 1)
#: Part 1 for bedienden (art. 68 Wet Eenheidsstatuut): gross annual salary on 31/12/2013 up to
#: this limit: 3 months per started period of 5 years (the old art. 82 par. 2
#: Arbeidsovereenkomstenwet); above it: 1 month per started year of seniority, at least 3 months.
SALARY_LIMIT_2013 = 32_254.0
#: Salary coefficient of the local and federal public sector on 31/12/2013 (1,6084 = 1,02^24,
#: in force 1/12/2012 - 31/5/2016): used only to estimate the 2013 salary from the scale when the
#: roster has no ``jaarloon_2013`` (aanname).
SALARY_COEFFICIENT_2013 = 1.6084


@dataclass(frozen=True)
class Notice:
    """The statutory notice of one position on a date, with every figure it rests on."""

    position: str
    on: date
    entry: date
    entry_source: str  # ENTRY_HIRED, ENTRY_START or ENTRY_STEP
    seniority_months: int
    months: int  # whole months (rounded up), the engine's unit
    weeks_new: int  # art. 37/2 weeks (whole notice, or part 2 for a contract from before 2014)
    part1_months: int | None = None  # part 1 (old rules on 31/12/2013); None: contract from 2014
    salary_2013: float | None = None
    salary_2013_source: str = ""

    @property
    def two_part(self) -> bool:
        return self.part1_months is not None

    @property
    def assumed(self) -> bool:
        return self.entry_source == ENTRY_STEP or (self.two_part and self.salary_2013_source != "jaarloon_2013")

    def describe(self) -> str:
        """One Dutch line: 'P06: anciënniteit 5 j 0 m (datum in dienst 01/01/2024) -> 18 weken = 5 mnd'."""
        y, m = divmod(self.seniority_months, 12)
        text = f"{self.position}: anciënniteit {y} j {m} m op {self.on:%d/%m/%Y} (in dienst {self.entry:%d/%m/%Y}, " \
               f"bron: {self.entry_source})"
        if self.two_part:
            limit = f"{SALARY_LIMIT_2013:,.0f}".replace(",", ".")
            salary = f"{self.salary_2013:,.0f}".replace(",", ".") if self.salary_2013 else "?"
            text += (f"; contract van vóór 2014: deel 1 {self.part1_months} mnd (regels 31/12/2013, jaarloon 2013 "
                     f"{salary} {'≤' if (self.salary_2013 or 0) <= SALARY_LIMIT_2013 else '>'} {limit}, "
                     f"{self.salary_2013_source}) + deel 2 {self.weeks_new} weken (art. 37/2 vanaf 1/1/2014)")
        else:
            text += f"; {self.weeks_new} weken (art. 37/2)"
        return text + f" = {self.months} mnd opzeg"


def part1_months(seniority_2013_months: int, salary_2013: float) -> int:
    """Part 1 of the two-part notice (art. 68 Wet Eenheidsstatuut) for a bediende: seniority on
    31/12/2013 under the old rules. Salary up to 32.254: 3 months per started period of 5 years;
    above: 1 month per started year, at least 3 months."""
    if seniority_2013_months <= 0:
        return 0
    if salary_2013 <= SALARY_LIMIT_2013:
        return 3 * math.ceil(seniority_2013_months / 60)
    return max(3, math.ceil(seniority_2013_months / 12))


def _estimated_salary_2013(position: Position, scales: SalaryScales | None, params: StaffParameters | None,
                           reference_year: int, person_fte: float | None = None) -> tuple[float | None, str]:
    if position.salary_2013 is not None:
        return position.salary_2013, "jaarloon_2013"
    if scales is None or position.scale not in scales:
        return None, "onbekend"
    params = params or StaffParameters()
    step = max(position.step - (reference_year - 2013), 0)
    gross = scales.amount(position.scale, step) * SALARY_COEFFICIENT_2013 * (person_fte or position.fte)
    return (gross * (1.0 + params.holiday_pay + params.end_of_year_bonus),
            "aanname: schaal x 1,6084 (coëfficiënt 2013) met vakantiegeld en eindejaarstoelage")


@dataclass(frozen=True)
class NoticeBasis:
    """What a position's statutory notice rests on, whatever the date it is given: the
    in-service date and its source and, for a contract from before 2014, part 1 (fixed on
    31/12/2013) with the 2013 salary that decides its rule."""

    position: str
    entry: date
    entry_source: str
    part1_months: int | None = None  # None: a contract from 2014 (one part)
    salary_2013: float | None = None
    salary_2013_source: str = ""

    def on(self, on: date) -> Notice:
        """The notice given on ``on``, with the figures it rests on (:meth:`terms`)."""
        seniority, weeks, months = self.terms(on)
        return Notice(self.position, on, self.entry, self.entry_source, seniority, months, weeks, self.part1_months,
                      self.salary_2013, self.salary_2013_source if self.part1_months is not None else "")

    def terms(self, on: date) -> tuple[int, int, int]:
        """(seniority in months, art. 37/2 weeks, notice in whole months rounded up) given on
        ``on``: the weeks for the seniority, or for a contract from before 2014 for the
        seniority from 1/1/2014, added to part 1."""
        seniority = _completed_months(self.entry, on)
        if self.part1_months is None:
            weeks = statutory_notice_weeks(seniority)
            return seniority, weeks, whole_months(weeks)
        weeks = statutory_notice_weeks(_completed_months(NEW_REGIME_START, on))
        return seniority, weeks, whole_months(weeks, self.part1_months)


def notice_basis(position: Position, *, scales: SalaryScales | None = None, params: StaffParameters | None = None,
                 reference_year: int = PLAN_YEARS[0], person_fte: float | None = None) -> NoticeBasis:
    """The date-independent part of :func:`notice`. The salary of 31/12/2013 decides part 1's
    rule: the roster's ``jaarloon_2013``, else estimated from the scale at the person's whole
    fte (``person_fte``: all their positions; aanname; without scales the higher-salary rule,
    the larger notice, is used)."""
    entry, source = entry_date(position, reference_year)
    if entry >= NEW_REGIME_START:
        return NoticeBasis(position.id, entry, source)
    old = _completed_months(entry, NEW_REGIME_START - timedelta(days=1))
    salary, salary_source = _estimated_salary_2013(position, scales, params, reference_year, person_fte)
    part1 = part1_months(old, SALARY_LIMIT_2013 + 1 if salary is None else salary)
    return NoticeBasis(position.id, entry, source, part1, salary,
                       salary_source if salary is not None else "onbekend: regel boven 32.254 (grootste opzeg)")


def notice(position: Position, on: date, *, scales: SalaryScales | None = None,
           params: StaffParameters | None = None, reference_year: int = PLAN_YEARS[0],
           person_fte: float | None = None) -> Notice:
    """The employer's statutory notice for ``position`` given on ``on`` (art. 37/2; two parts for
    a contract from before 1/1/2014, art. 67-69 Wet Eenheidsstatuut; see :func:`notice_basis`)."""
    return notice_basis(position, scales=scales, params=params, reference_year=reference_year,
                        person_fte=person_fte).on(on)


# --------------------------------------------------------------------------------------------
# Data classes
# --------------------------------------------------------------------------------------------
#: Date fields of a position -> the roster's (Dutch) column headers, for messages.
_DUTCH_FIELDS = {"start": "start", "end": "einde", "hired": "in_dienst"}
#: Employer-cost rates -> their Dutch labels on the Weddeschalen sheet, for messages.
STAFF_LABELS = {"employer_social_security": "RSZ werkgever", "holiday_pay": "vakantiegeld",
                "end_of_year_bonus": "eindejaarstoelage", "second_pillar_rate": "tweede pijler",
                "second_pillar_levy": "heffing tweede pijler"}


@dataclass(frozen=True)
class Position:
    """One budgeted position (a person's assignment to one action).

    ``step`` is the seniority step on 1 January of the first plan year (or at hiring for a
    later start). ``funded_by`` is ``"basiswerking"`` or a subsidy id (``"SUB-PACT"``...).
    ``start``/``end`` are inclusive dates, ``None`` = open. ``person`` groups positions of one
    person for the head count (empty: the position is its own person).
    """

    id: str
    function: str
    level: str
    scale: str
    step: int
    fte: float
    action: str
    funded_by: str = BASE_FUNDING
    start: date | None = None
    end: date | None = None
    person: str = ""
    hired: date | None = None  # date of entry (seniority for the statutory notice); None: unknown
    #: the person's name as the HR export gives it (shown only by ``personeel``; ``--pseudoniem``
    #: replaces it); empty for the illustrative roster
    name: str = ""
    #: "contractueel" (T2 line 2.c, the Arbeidsovereenkomstenwet applies) or "statutair" (2.b)
    statute: str = CONTRACTUAL
    #: the actual yearly employer cost of the position (full year, at its fte, first plan year);
    #: when given it wins over the scale computation (indexed, no seniority step)
    annual_cost: float | None = None
    #: gross annual salary on 31/12/2013 (two-part notice, art. 68 Wet Eenheidsstatuut); None:
    #: estimated from the scale (aanname)
    salary_2013: float | None = None
    #: the row comes from the illustrative sample roster (column ``illustratief``)
    illustrative: bool = False
    #: the step was derived from the in-service date (no ``trap`` given): aanname
    step_from_hired: bool = False

    def __post_init__(self) -> None:
        pid = self.id
        if not str(pid).strip():
            raise RowError("positie zonder id", column="positie")
        if self.level not in LEVELS:
            raise RowError(f"positie {pid}: niveau {self.level!r} is niet een van {', '.join(LEVELS)}", column="niveau")
        if not str(self.scale).strip() and self.annual_cost is None:
            raise RowError(f"positie {pid}: schaal is leeg", column="schaal")
        if self.statute not in STATUTES:
            raise ValueError(f"positie {pid}: statuut {self.statute!r} is geen van {', '.join(STATUTES)}")
        if self.annual_cost is not None and not (math.isfinite(self.annual_cost) and self.annual_cost >= 0):
            raise ValueError(f"positie {pid}: jaarkost {self.annual_cost!r} moet een bedrag >= 0 zijn")
        if self.salary_2013 is not None and not (math.isfinite(self.salary_2013) and self.salary_2013 > 0):
            raise ValueError(f"positie {pid}: jaarloon_2013 {self.salary_2013!r} moet een bedrag > 0 zijn")
        if isinstance(self.step, bool) or not isinstance(self.step, (int, np.integer)):
            raise RowError(f"positie {pid}: trap moet een geheel getal zijn (gegeven: {self.step!r})", column="trap")
        if self.step < 0:
            raise RowError(f"positie {pid}: negatieve trap {self.step}", column="trap")
        fte = float(self.fte)
        if not (0.0 <= fte <= FTE_MAX) or math.isnan(fte):
            raise RowError(f"positie {pid}: vte {self.fte!r} buiten 0..{FTE_MAX}", column="vte")
        for name in ("start", "end", "hired"):
            v = getattr(self, name)
            if v is not None and (not isinstance(v, date) or isinstance(v, datetime)):
                raise RowError(f"positie {pid}: {_DUTCH_FIELDS[name]} moet een datum of leeg zijn (gegeven: {v!r})",
                               column=_DUTCH_FIELDS[name])
        if self.start is not None and self.end is not None and self.end < self.start:
            raise RowError(f"positie {pid}: einde {self.end} ligt voor start {self.start}", column="einde")
        self._rehash()

    def _rehash(self) -> None:
        # a position is a key of the engine's roster table: its hash is computed once
        object.__setattr__(self, "_hash", hash(_position_fields(self)))

    def __hash__(self) -> int:
        return self._hash  # type: ignore[attr-defined]

    def __getstate__(self) -> dict:
        # a string's hash differs between processes: an unpickled position hashes afresh
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._rehash()

    def until(self, end: date | None, funded_by: str | None = None) -> Position:
        """This position with another ``end`` (and ``funding``): ``dataclasses.replace`` without
        checking the fields again, which the engine does for thousands of stop dates. The one
        field check that can fail is kept: the end may not lie before the start."""
        if end is not None and self.start is not None and end < self.start:
            raise RowError(f"positie {self.id}: einde {end} ligt voor start {self.start}", column="einde")
        out = object.__new__(Position)
        out.__dict__.update(self.__dict__)
        out.__dict__["end"] = end
        if funded_by is not None:
            out.__dict__["funded_by"] = funded_by
        out._rehash()
        return out

    @property
    def person_key(self) -> str:
        return self.person or self.id

    @property
    def subsidised(self) -> bool:
        return self.funded_by != BASE_FUNDING


#: All fields of a position, as one tuple (its hash)
_position_fields = operator.attrgetter(*(f.name for f in dataclasses.fields(Position)))


def _scale_key(name: str) -> str:
    return "".join(str(name).split()).casefold()


@dataclass(frozen=True)
class SalaryScales:
    """Annual gross amounts at 100% (index 100, before the salary coefficient).

    ``amounts[scale][step]`` for steps 0..n-1 (contiguous). Scale names are matched ignoring
    case and blanks (``"b1-b3"`` finds ``"B1-B3"``).
    """

    amounts: Mapping[str, tuple[float, ...]]
    _index: dict[str, int] = field(init=False, repr=False, compare=False)
    _names: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _matrix: np.ndarray = field(init=False, repr=False, compare=False)
    _last: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.amounts:
            raise ValueError("geen weddeschalen")
        names = tuple(self.amounts)
        index: dict[str, int] = {}
        width = max(len(v) for v in self.amounts.values())
        matrix = np.empty((len(names), width))
        last = np.empty(len(names), dtype=np.int64)
        for i, name in enumerate(names):
            vals = np.asarray(self.amounts[name], dtype=float)
            if vals.ndim != 1 or vals.size == 0:
                raise ValueError(f"schaal {name!r}: geen bedragen")
            if not np.all(np.isfinite(vals)) or np.any(vals <= 0):
                raise ValueError(f"schaal {name!r}: de bedragen moeten positieve getallen zijn")
            key = _scale_key(name)
            if key in index:
                raise ValueError(f"schaal {name!r} staat er twee keer")
            index[key] = i
            matrix[i, : vals.size] = vals
            matrix[i, vals.size:] = vals[-1]  # beyond the last step: stay at the last
            last[i] = vals.size - 1
        object.__setattr__(self, "amounts", {n: tuple(float(x) for x in self.amounts[n]) for n in names})
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_names", names)
        object.__setattr__(self, "_matrix", matrix)
        object.__setattr__(self, "_last", last)

    @property
    def names(self) -> tuple[str, ...]:
        return self._names

    def __contains__(self, scale: object) -> bool:
        return isinstance(scale, str) and _scale_key(scale) in self._index

    def code(self, scale: str) -> int:
        """Row number of a scale; ``ValueError`` naming it when unknown."""
        try:
            return self._index[_scale_key(scale)]
        except KeyError:
            raise ValueError(
                f"onbekende weddeschaal {scale!r} (bekend: {', '.join(self._names)})"
            ) from None

    def amount(self, scale: str, step: int) -> float:
        """Amount at 100% for one scale and step (steps past the last stay at the last)."""
        if step < 0:
            raise ValueError(f"schaal {scale!r}: negatieve trap {step}")
        i = self.code(scale)
        return float(self._matrix[i, min(int(step), int(self._last[i]))])

    def amounts_at(self, codes: np.ndarray, steps: np.ndarray) -> np.ndarray:
        """Vectorised lookup: ``codes`` (scale rows from :meth:`code`) broadcast with
        ``steps``; steps are clipped to 0..last step of each scale."""
        codes = np.asarray(codes, dtype=np.int64)
        steps = np.asarray(steps, dtype=np.int64)
        codes_b, steps_b = np.broadcast_arrays(codes, steps)
        clipped = np.clip(steps_b, 0, self._last[codes_b])
        return self._matrix[codes_b, clipped]


@dataclass(frozen=True)
class StaffParameters:
    """Employer-cost parameters for contractual Flemish local-government staff.

    Defaults (all adjustable; replace them with the payroll provider's figures when known):

    * ``salary_coefficient = 2.1223``: the spilindex coefficient in force since 1 March 2025
      (after 1.9999 from 1/1/2023, 2.0399 from 1/12/2023, 2.0807 from 1/6/2024).
    * ``employer_social_security = 0.32``: contractual local staff cost the employer roughly
      29-33% of gross pay in RSZ contributions (basic employer contribution plus wage-
      moderation and smaller levies, less what public employers do not pay). 32% is a central
      figure for A/B-level pay, where low-wage reductions hardly apply. Applied, as budget
      tools do, to gross pay plus holiday pay plus end-of-year bonus.
    * ``holiday_pay = 0.92 / 12`` (~7.67% of annual gross): the holiday pay (vakantiegeld) of
      local-government staff amounts to about 92% of one monthly salary, the same order as the
      private-sector double holiday pay that applies to contractual staff.
    * ``end_of_year_bonus = 0.07``: the eindejaarstoelage is a fixed (indexed) part plus a
      percentage of annual pay; for A/B salaries of 45-85 kEUR that is roughly 6-8% of annual
      gross. 7% is a central estimate, not the exact legal formula.
    * ``second_pillar_rate = 0.03``: the plan (3.7): W13 pays 3% of the gross annual pay of its
      contractual staff to OFP Prolocus (protocol of 30 March 2022), no catch-up allowance.
    * ``second_pillar_levy = 0.0886``: the 8.86% special social security levy on employer
      contributions to supplementary pensions.
    * ``second_pillar_admin = 1500.0``: fixed yearly administration fee (whole organisation).
    * ``social_security_on_holiday_pay = False``: local-government contract staff follow the
      public-sector holiday-pay regime; on that holiday pay only the worker's 13.07% is due,
      no employer contributions (RSZ, administratieve instructies DmfAPPL, "De inhouding op het
      vakantiegeld van de openbare sector - egalisatiebijdrage" and "De bijzondere inhouding op
      het (dubbel) vakantiegeld", point 2). Set True for staff under the private-sector regime.
    * ``other_cost_per_head = 3019.80``: schema T2 line f "Andere personeelskosten" 60.396 in
      2026 over the 20 heads of table 3.4 (A 5 + B 15) = 3.019,80 per head per year (indexed
      with wages, as the plan's own line grows to 3.361 per head in 2031: 53.778 / 16).
    * ``yearly_step = True``: one seniority step per year (the plan: "verhoging van de
      anciënniteit").
    * ``reference_year = 2026``: the year in which ``Position.step`` is given.
    """

    salary_coefficient: float = 2.1223
    employer_social_security: float = 0.32
    holiday_pay: float = 0.92 / 12
    end_of_year_bonus: float = 0.07
    second_pillar_rate: float = 0.03
    second_pillar_levy: float = 0.0886
    second_pillar_admin: float = 1500.0
    social_security_on_holiday_pay: bool = False
    other_cost_per_head: float = 3019.80
    yearly_step: bool = True
    reference_year: int = PLAN_YEARS[0]

    def __post_init__(self) -> None:
        if not self.salary_coefficient > 0:
            raise ValueError(f"salariscoëfficiënt moet > 0 zijn (gegeven: {self.salary_coefficient})")
        for name in ("employer_social_security", "holiday_pay", "end_of_year_bonus",
                     "second_pillar_rate", "second_pillar_levy"):
            v = getattr(self, name)
            if not (0.0 <= v < 1.0):
                raise ValueError(f"{STAFF_LABELS.get(name, name)} moet een breuk in [0, 1) zijn (gegeven: {v})")
        if self.second_pillar_admin < 0:
            raise ValueError(f"beheerskost tweede pijler moet >= 0 zijn (gegeven: {self.second_pillar_admin})")
        if not (0.0 <= self.other_cost_per_head < 100_000):
            raise ValueError("andere personeelskosten per hoofd moeten een jaarbedrag >= 0 zijn "
                             f"(gegeven: {self.other_cost_per_head})")

    @property
    def social_security_base(self) -> float:
        """Share of gross pay on which employer social security is charged (gross + bonus,
        + holiday pay only under the private-sector regime)."""
        return (1.0 + self.end_of_year_bonus
                + (self.holiday_pay if self.social_security_on_holiday_pay else 0.0))

    @property
    def cost_factor(self) -> float:
        """Employer cost per euro of gross pay (holiday, bonus, social security, pillar);
        the per-head other personnel cost comes on top."""
        return (1.0 + self.holiday_pay + self.end_of_year_bonus
                + self.social_security_base * self.employer_social_security
                + self.second_pillar_rate * (1.0 + self.second_pillar_levy))


@dataclass(frozen=True)
class CostBreakdown:
    """Per position and year (n_positions, n_years), already pro rata fte x months/12."""

    gross: np.ndarray
    holiday_pay: np.ndarray
    end_of_year_bonus: np.ndarray
    social_security: np.ndarray
    second_pillar: np.ndarray
    other: np.ndarray | None = None  # other personnel cost per head (T2 line f)

    @property
    def total(self) -> np.ndarray:
        out = (self.gross + self.holiday_pay + self.end_of_year_bonus
               + self.social_security + self.second_pillar)
        return out if self.other is None else out + self.other

    def scaled(self, multiplier: np.ndarray) -> CostBreakdown:
        m = np.asarray(multiplier, dtype=float)[None, :]
        return CostBreakdown(self.gross * m, self.holiday_pay * m, self.end_of_year_bonus * m,
                             self.social_security * m, self.second_pillar * m,
                             None if self.other is None else self.other * m)


# --------------------------------------------------------------------------------------------
# Core computations
# --------------------------------------------------------------------------------------------
def _years(years: Iterable[int]) -> np.ndarray:
    arr = np.asarray(list(years), dtype=np.int64)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError("de jaren moeten een niet-lege reeks gehele getallen zijn")
    return arr


def flat_wage_index(years: Iterable[int], rate: float = PLAN_INDEX_RATE,
                    base_year: int | None = None) -> np.ndarray:
    """Multipliers ``(1 + rate) ** (year - base_year)`` (base_year default: first year)."""
    y = _years(years)
    base = int(y[0]) if base_year is None else int(base_year)
    return (1.0 + rate) ** (y - base).astype(float)


def month_number(d: date) -> int:
    """A date's month as one number (year x 12 + month - 1)."""
    return d.year * 12 + d.month - 1


def months_in_years(first: np.ndarray | int, last: np.ndarray | int, years: Iterable[int]) -> np.ndarray:
    """THE month count: per year, the whole months from month number ``first`` through ``last``
    (each an array, one per row, or one number), ints 0..12, (rows, years)."""
    y = _years(years) * 12
    return np.clip(np.minimum(np.asarray(last)[..., None], y + 11) - np.maximum(np.asarray(first)[..., None], y) + 1,
                   0, 12)


def active_months(positions: Sequence[Position], years: Iterable[int]) -> np.ndarray:
    """Whole active months per position and year, shape (n_positions, n_years), ints 0..12.

    Active from the month of ``start`` through the month of ``end`` (None = open)."""
    lo = np.array([month_number(p.start) if p.start else -(10**9) for p in positions], dtype=np.int64)
    hi = np.array([month_number(p.end) if p.end else 10**9 for p in positions], dtype=np.int64)
    return months_in_years(lo, hi, years)


def position_steps(positions: Sequence[Position], years: Iterable[int],
                   params: StaffParameters | None = None) -> np.ndarray:
    """Seniority step per position and year (uncapped; the scale caps at its last step)."""
    params = params or StaffParameters()
    y = _years(years)
    step0 = np.array([p.step for p in positions], dtype=np.int64)[:, None]
    if not params.yearly_step:
        return np.broadcast_to(step0, (len(positions), y.size)).copy()
    from_year = np.array(
        [max(params.reference_year, p.start.year) if p.start else params.reference_year
         for p in positions], dtype=np.int64)[:, None]
    return step0 + np.maximum(y[None, :] - from_year, 0)


def _scale_codes(positions: Sequence[Position], scales: SalaryScales) -> np.ndarray:
    codes = np.empty(len(positions), dtype=np.int64)
    for i, p in enumerate(positions):
        if p.annual_cost is not None and p.scale not in scales:
            codes[i] = 0  # the actual cost wins; the scale is not read
            continue
        try:
            codes[i] = scales.code(p.scale)
        except ValueError as exc:
            raise ValueError(f"positie {p.id}: {exc}") from None
    return codes


def _multiplier(wage_multiplier, n_years: int) -> np.ndarray | None:
    if wage_multiplier is None:
        return None
    m = np.asarray(wage_multiplier, dtype=float)
    if m.ndim == 0:
        m = np.full(n_years, float(m))
    if m.shape != (n_years,):
        raise ValueError(f"de loonindex moet één waarde per jaar hebben ({n_years}), niet de vorm {m.shape}")
    if not np.all(np.isfinite(m)) or np.any(m < 0):
        raise ValueError("de loonindex moet eindig en niet-negatief zijn")
    return m


def head_shares(positions: Sequence[Position]) -> dict[str, float]:
    """Each position's share of its person (one head split over the person's positions by fte)."""
    totals: dict[str, float] = {}
    for p in positions:
        totals[p.person_key] = totals.get(p.person_key, 0.0) + p.fte
    return {p.id: (p.fte / totals[p.person_key] if totals[p.person_key] > 0 else 0.0) for p in positions}


def cost_breakdown(positions: Sequence[Position], scales: SalaryScales,
                   params: StaffParameters | None = None,
                   years: Iterable[int] = PLAN_YEARS,
                   wage_multiplier=None, shares: Mapping[str, float] | None = None,
                   full_year: bool = False) -> CostBreakdown:
    """Employer cost per component, each (n_positions, n_years), pro rata fte x months/12
    (the per-head other cost pro rata the position's head share x months/12; ``shares``:
    position id -> head share, default :func:`head_shares` of ``positions``). Every component
    is proportional to the active months: ``full_year`` gives the cost of twelve months in each
    year whatever the position's dates (the cost of any of its months is that / 12)."""
    params = params or StaffParameters()
    y = _years(years)
    positions = list(positions)
    if not positions:
        z = np.zeros((0, y.size))
        return CostBreakdown(z, z, z, z, z, z)
    codes = _scale_codes(positions, scales)
    steps = position_steps(positions, y, params)
    amount = scales.amounts_at(codes[:, None], steps)
    fte = np.array([p.fte for p in positions], dtype=float)[:, None]
    months = np.ones((len(positions), y.size)) if full_year else active_months(positions, y) / 12.0
    weight = fte * months
    gross = amount * params.salary_coefficient * weight
    share = head_shares(positions) if shares is None else shares
    heads = np.array([share.get(p.id, 1.0) for p in positions], dtype=float)[:, None]
    other = params.other_cost_per_head * heads * months
    actual = [i for i, p in enumerate(positions) if p.annual_cost is not None]
    if actual:
        # the actual yearly cost (everything included, at the position's fte) wins over the
        # scale: split over the components in the proportions of the cost factor, no per-head
        # other cost on top, pro rata the active months; indexed like the rest (below)
        idx = np.array(actual)
        year_cost = np.array([positions[i].annual_cost for i in actual], dtype=float)[:, None] * months[idx]
        gross[idx] = year_cost / params.cost_factor
        other[idx] = 0.0
    out = CostBreakdown(gross, gross * params.holiday_pay, gross * params.end_of_year_bonus,
                        gross * params.social_security_base * params.employer_social_security,
                        gross * (params.second_pillar_rate * (1.0 + params.second_pillar_levy)), other)
    m = _multiplier(wage_multiplier, y.size)
    return out if m is None else out.scaled(m)


def position_costs(positions: Sequence[Position], scales: SalaryScales,
                   params: StaffParameters | None = None,
                   years: Iterable[int] = PLAN_YEARS,
                   wage_multiplier=None) -> np.ndarray:
    """Yearly employer cost per position, shape (n_positions, n_years).

    ``wage_multiplier``: one multiplier per year on top of the salary coefficient (1.0 in the
    first plan year; e.g. :func:`flat_wage_index`), or None for no index. The result is
    ``position_costs(...) * wage_multiplier`` exactly: the multiplier is applied last."""
    y = _years(years)
    base = cost_breakdown(positions, scales, params, y).total
    m = _multiplier(wage_multiplier, y.size)
    return base if m is None else base * m[None, :]


def position_cost(scale: str, step: int | float, fte: float = 1.0, months: float = 12,
                  *, scales: SalaryScales | None = None, params: StaffParameters | None = None,
                  wage_multiplier: float = 1.0, year_fraction: float | None = None) -> float:
    """Employer cost of one position at a given step, for ``months`` of a year (or
    ``year_fraction``), at ``wage_multiplier`` on top of the salary coefficient. Same formula
    as :func:`position_costs`; the step is used as given (no progression)."""
    scales = scales or bundled_scales()
    params = params or StaffParameters()
    if isinstance(step, float) and step.is_integer():
        step = int(step)
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step < 0:
        raise ValueError(f"trap moet een geheel getal >= 0 zijn (gegeven: {step!r})")
    fte = float(fte)
    if not (0.0 <= fte <= FTE_MAX):
        raise ValueError(f"vte {fte} buiten 0..{FTE_MAX}")
    frac = float(months) / 12.0 if year_fraction is None else float(year_fraction)
    if not (0.0 <= frac <= 1.0):
        given = months if year_fraction is None else year_fraction
        raise ValueError(f"maanden buiten 0..12: {given}")
    if not (wage_multiplier >= 0 and math.isfinite(wage_multiplier)):
        raise ValueError(f"de loonindex moet eindig en >= 0 zijn (gegeven: {wage_multiplier})")
    gross = scales.amount(scale, int(step)) * params.salary_coefficient * fte * frac
    other = params.other_cost_per_head * frac if fte > 0 else 0.0  # one head
    return (gross * params.cost_factor + other) * float(wage_multiplier)


def loonkost(scale: str, step: int, fte: float = 1.0, year: int = PLAN_YEARS[0],
             months: float = 12, *, index_rate: float = PLAN_INDEX_RATE,
             scales: SalaryScales | None = None, params: StaffParameters | None = None) -> float:
    """Backend of the Excel function LOONKOST(scale; step; fte; year; [months]).

    Cost in ``year`` of a position at ``step`` (the step held in that year), indexed with the
    plan's flat ``index_rate`` from ``params.reference_year`` (2026 = 1.0)."""
    params = params or StaffParameters()
    mult = (1.0 + index_rate) ** (int(year) - params.reference_year)
    return position_cost(scale, step, fte, months, scales=scales, params=params,
                         wage_multiplier=mult)


def head_count(positions: Sequence[Position], years: Iterable[int] = PLAN_YEARS,
               level: str | None = None) -> np.ndarray:
    """Distinct persons (optionally of one ``level``) with an active position, fte > 0, on
    1 January of each year. Shape (n_years,), ints. A person holding positions at two levels
    counts at each of them (and once in the total)."""
    y = _years(years)
    if level is not None and level not in LEVELS:
        raise ValueError(f"niveau {level!r} is niet een van {', '.join(LEVELS)}")
    out = np.zeros(y.size, dtype=np.int64)
    for j, yr in enumerate(y):
        jan1 = date(int(yr), 1, 1)
        persons = {p.person_key for p in positions
                   if p.fte > 0 and (level is None or p.level == level)
                   and (p.start is None or p.start <= jan1)
                   and (p.end is None or p.end >= jan1)}
        out[j] = len(persons)
    return out


def head_count_table(positions: Sequence[Position],
                     years: Iterable[int] = PLAN_YEARS) -> dict[str, np.ndarray]:
    """Head count per level (A..E) and year, as in the plan's table 3.4."""
    return {lv: head_count(positions, years, lv) for lv in LEVELS}


def wage_cost_total(positions: Sequence[Position], scales: SalaryScales,
                    params: StaffParameters | None = None,
                    years: Iterable[int] = PLAN_YEARS, wage_multiplier=None,
                    include_pillar_admin: bool = False) -> np.ndarray:
    """Total yearly employer cost (n_years,). ``include_pillar_admin`` adds the
    organisation-wide second-pillar administration fee (not part of T2 line c)."""
    params = params or StaffParameters()
    total = position_costs(positions, scales, params, years, wage_multiplier).sum(axis=0)
    if include_pillar_admin:
        total = total + params.second_pillar_admin
    return total


def second_pillar_total(positions: Sequence[Position], scales: SalaryScales,
                        params: StaffParameters | None = None,
                        years: Iterable[int] = PLAN_YEARS, wage_multiplier=None,
                        include_levy: bool = True, include_admin: bool = True) -> np.ndarray:
    """Second-pillar cost per year: 3% of gross (x (1 + levy)) plus the admin fee."""
    params = params or StaffParameters()
    gross = cost_breakdown(positions, scales, params, years, wage_multiplier).gross.sum(axis=0)
    out = gross * params.second_pillar_rate
    if include_levy:
        out = out * (1.0 + params.second_pillar_levy)
    if include_admin:
        out = out + params.second_pillar_admin
    return out


def costs_by(positions: Sequence[Position], costs: np.ndarray,
             key: str = "action") -> dict[str, np.ndarray]:
    """Sum a (n_positions, n_years) cost array by a Position attribute (action, funded_by,
    level, scale...). Keys in first-seen order."""
    costs = np.asarray(costs, dtype=float)
    if costs.shape[0] != len(positions):
        raise ValueError(f"kosten hebben {costs.shape[0]} rijen voor {len(positions)} posities")
    out: dict[str, np.ndarray] = {}
    for p, row in zip(positions, costs, strict=True):
        k = getattr(p, key)
        out[k] = out[k] + row if k in out else row.copy()
    return out


def overhead_contribution(positions: Sequence[Position], costs: np.ndarray,
                          rate: float = OVERHEAD_RATE) -> dict[str, np.ndarray]:
    """Overhead each subsidised action pays to A50111: ``rate`` x its staff cost (n_years,)
    per action; basiswerking positions pay none."""
    mask = [p.subsidised for p in positions]
    sub = [p for p, m in zip(positions, mask, strict=True) if m]
    by = costs_by(sub, np.asarray(costs, dtype=float)[np.array(mask, dtype=bool)], "action")
    return {k: v * rate for k, v in by.items()}


# --------------------------------------------------------------------------------------------
# Reading rows (CSV or an Excel sheet)
# --------------------------------------------------------------------------------------------
#: Columns of personeel.csv / the workbook's staff sheet (Dutch). Required: ``positie`` (or a
#: name), ``schaal`` (unless ``jaarkost``), ``trap`` or ``in_dienst`` (unless ``jaarkost``),
#: ``vte``, ``actie``; the rest is optional (docs/personeel.md).
PERSONNEL_COLUMNS: tuple[str, ...] = (
    "positie", "functie", "niveau", "schaal", "trap", "vte", "actie", "financiering",
    "start", "einde", "persoon", "in_dienst", "naam", "statuut", "jaarkost", "jaarloon_2013", "illustratief",
)
#: Other names of the columns, as HR and payroll packages export them (compared lower case,
#: blanks and dashes as '_', accents kept). One home: the docs table is built from it.
PERSONNEL_ALIASES: dict[str, str] = {
    # position or person id
    "id": "positie", "position": "positie", "personeelsnummer": "positie", "personeelsnr": "positie",
    "personeelsnr.": "positie", "stamnummer": "positie", "werknemersnummer": "positie", "nr": "positie",
    "positienummer": "positie",
    # name (pseudonymised on request)
    "werknemer": "naam", "personeelslid": "naam", "naam_en_voornaam": "naam", "volledige_naam": "naam",
    "name": "naam",
    "function": "functie", "functietitel": "functie", "functiebenaming": "functie", "graad": "functie",
    "level": "niveau",
    "scale": "schaal", "weddeschaal": "schaal", "salarisschaal": "schaal", "loonschaal": "schaal",
    "barema": "schaal",
    "step": "trap", "schaaltrap": "trap", "geldelijke_anciënniteit": "trap", "geldelijke_anciënniteit_(jaren)": "trap",
    "fte": "vte", "tewerkstellingsbreuk": "vte", "prestatiebreuk": "vte", "tewerkstellingspercentage": "vte",
    "tewerkstelling": "vte", "werkregime": "vte",
    "action": "actie", "actiecode": "actie", "kostenplaats": "actie", "kostenplaats_(actie)": "actie",
    "funded_by": "financiering", "subsidie": "financiering", "financieringsbron": "financiering",
    "begin": "start", "begindatum": "start", "startdatum": "start", "datum_begin": "start",
    "end": "einde", "einddatum": "einde", "datum_einde": "einde", "datum_uit_dienst": "einde", "uit_dienst": "einde",
    "person": "persoon",
    "hired": "in_dienst", "indiensttreding": "in_dienst", "in_dienst_sinds": "in_dienst",
    "datum_in_dienst": "in_dienst", "datum_indiensttreding": "in_dienst", "anciënniteitsdatum": "in_dienst",
    "status": "statuut", "contracttype": "statuut", "aard_aanstelling": "statuut",
    "werkelijke_jaarkost": "jaarkost", "jaarlijkse_kost": "jaarkost", "loonkost": "jaarkost",
    "werkgeverskost": "jaarkost", "annual_cost": "jaarkost",
    "brutojaarloon_2013": "jaarloon_2013", "jaarloon_31/12/2013": "jaarloon_2013",
}
_PERSONNEL_REQUIRED = ("vte", "actie")
#: Values of ``statuut`` (lower case) -> STATUTES.
STATUTE_WORDS = {"contractueel": CONTRACTUAL, "contractuele": CONTRACTUAL, "contract": CONTRACTUAL,
                 "niet vast benoemd": CONTRACTUAL, "cont": CONTRACTUAL, "c": CONTRACTUAL,
                 "statutair": STATUTORY, "statutaire": STATUTORY, "vast benoemd": STATUTORY, "stat": STATUTORY,
                 "s": STATUTORY}
_YES = {"ja", "j", "yes", "x", "1", "waar", "true"}
_NO = {"nee", "n", "no", "0", "onwaar", "false", ""}
#: Columns of weddeschalen.csv / the workbook's scale sheet; ``graad`` is informative.
SCALE_COLUMNS: tuple[str, ...] = ("schaal", "trap", "bedrag_100")
_SCALE_ALIASES = {"scale": "schaal", "step": "trap", "amount": "bedrag_100",
                  "bedrag": "bedrag_100", "bedrag_100%": "bedrag_100"}



def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (
        isinstance(v, float) and math.isnan(v))


def _column(header: object, aliases: Mapping[str, str]) -> str:
    """A header's column name: lower case, blanks and dashes as '_', through ``aliases``."""
    name = "_".join(str(header).strip().casefold().replace("-", " ").split())
    return aliases.get(name, name)


def _header_map(header: Sequence, aliases: Mapping[str, str], required: Sequence[str],
                what: str) -> dict[str, int]:
    """Column name (:func:`_column`) -> index; a column named twice or a ``required`` one missing
    is refused."""
    cols: dict[str, int] = {}
    for i, h in enumerate(header):
        if _blank(h):
            continue
        name = _column(h, aliases)
        if name in cols:
            raise RowError(f"{what}: kolom {name!r} staat er twee keer", row=1, col=i)
        cols[name] = i
    missing = [c for c in required if c not in cols]
    if missing:
        raise RowError(f"{what}: ontbrekende kolom(men) {', '.join(missing)}", row=1)
    return cols


def _number(v, what: str) -> float:
    try:
        return parse_decimal(v)
    except ValueError as exc:
        raise RowError(f"{what}: {exc}", column=what) from None


def _integer(v, what: str) -> int:
    x = _number(v, what)
    if not x.is_integer():
        raise RowError(f"{what}: geen geheel getal: {v!r}", column=what)
    return int(x)


def _date(v, what: str) -> date | None:
    if _blank(v):  # also NaN, as pandas gives an empty cell
        return None
    try:
        return parse_date(v)
    except ValueError as exc:
        raise RowError(f"{what}: {exc}", column=what) from None


def _cell(row: Sequence, i: int | None):
    if i is None or i >= len(row):
        return None
    return row[i]


def _personnel_header(header: Sequence) -> dict[str, int]:
    """As :func:`_header_map`, with ``positie`` or a name required."""
    named = any(_column(h, PERSONNEL_ALIASES) == "naam" for h in header if not _blank(h))
    required = (*(() if named else ("positie",)), *_PERSONNEL_REQUIRED)
    return _header_map(header, PERSONNEL_ALIASES, required, "personeel")


#: Headers whose values are percentages of a full-time job (80 = 0,8 VTE).
PERCENT_FTE_HEADERS = ("tewerkstellingspercentage", "tewerkstellingsbreuk", "prestatiebreuk", "tewerkstelling",
                       "werkregime")


def _fte(v, percent: bool) -> float:
    """FTE as a fraction. In a percentage column (:data:`PERCENT_FTE_HEADERS`) a number above 1,5
    is a percentage (80 = 0,8 VTE); in a ``vte`` column it is refused by the position's check."""
    x = _number(v, "vte")
    return x / 100.0 if percent and FTE_MAX < x <= 100.0 else x


def roster_from_rows(rows: Sequence[Sequence], reference_year: int = PLAN_YEARS[0]) -> list[Position]:
    """Positions from a header row plus data rows (CSV, Excel values or an HR/payroll export).

    Columns: :data:`PERSONNEL_COLUMNS` or their :data:`PERSONNEL_ALIASES` (case-insensitive).
    Numbers may be strings (``"0,8"``), dates ``date``/``datetime``/ISO or ``dd/mm/yyyy``
    strings/Excel serials, empty = open. Without ``trap`` the step is the completed years of
    service on 1 January of ``reference_year`` (from ``in_dienst``; aanname, marked on the
    position). Blank rows are skipped. Errors name the position and row."""
    rows = list(rows)
    if not rows:
        raise RowError("personeel: geen kopregel")
    cols = _personnel_header(rows[0])
    fte_header = "_".join(str(rows[0][cols["vte"]]).strip().casefold().split())
    percent_fte = fte_header in PERCENT_FTE_HEADERS
    out: list[Position] = []
    seen: set[str] = set()
    for n, row in enumerate(rows[1:], start=2):
        if row is None or all(_blank(v) for v in row):
            continue

        def text(col: str, default: str = "", row: Sequence = row) -> str:
            v = _cell(row, cols.get(col))
            if isinstance(v, float) and v.is_integer():
                v = int(v)  # Excel gives numbers as floats
            return default if _blank(v) else str(v).strip()

        name = " ".join(x for x in (text("voornaam"), text("naam")) if x)
        pid = text("positie") or name
        tag = f"positie {pid or '?'}"

        def fail(text: str, column: str | None = None, *, n: int = n, tag: str = tag) -> RowError:
            return RowError(f"{tag}: {text}", row=n, column=column, col=cols.get(column) if column else None)

        if not pid:
            raise fail("lege positie-id", "positie")
        if pid in seen:
            raise fail("dubbele positie-id", "positie")
        seen.add(pid)
        scale = text("schaal")
        try:
            annual = (None if _blank(_cell(row, cols.get("jaarkost")))
                      else _number(_cell(row, cols["jaarkost"]), "jaarkost"))
            salary_2013 = (None if _blank(_cell(row, cols.get("jaarloon_2013")))
                           else _number(_cell(row, cols["jaarloon_2013"]), "jaarloon_2013"))
            if _blank(_cell(row, cols["vte"])):
                raise RowError("vte is leeg", column="vte")
            fte = _fte(_cell(row, cols["vte"]), percent_fte)
            start = _date(_cell(row, cols.get("start")), "start")
            end = _date(_cell(row, cols.get("einde")), "einde")
            hired = _date(_cell(row, cols.get("in_dienst")), "in_dienst")
            step_from_hired = False
            if not _blank(_cell(row, cols.get("trap"))):
                step = _integer(_cell(row, cols["trap"]), "trap")
            elif hired is not None:
                step = max((reference_year - hired.year) - (1 if (hired.month, hired.day) > (1, 1) else 0), 0)
                step_from_hired = True
            elif annual is not None:
                step = 0
            else:
                raise RowError("lege trap en geen in_dienst (verwacht de trap of de datum in dienst)", column="trap")
        except RowError as exc:
            raise fail(exc.message, exc.column) from None
        if not scale and annual is None:
            raise fail("schaal is leeg", "schaal")
        level = text("niveau").upper() or (scale[:1].upper() if scale[:1].upper() in LEVELS else "")
        if not level:
            raise fail("niveau ontbreekt en volgt niet uit de schaal (verwacht A, B, C, D of E)", "niveau")
        statute_text = text("statuut", CONTRACTUAL).casefold()
        if statute_text not in STATUTE_WORDS:
            raise fail(f"statuut {statute_text!r} onbekend (verwacht contractueel of statutair)", "statuut")
        flag = text("illustratief").casefold()
        if flag not in _YES | _NO:
            raise fail(f"illustratief {flag!r} (verwacht ja of leeg)", "illustratief")
        try:
            out.append(Position(
                id=pid, function=text("functie"), level=level, scale=scale, step=step,
                fte=fte, action=text("actie"), funded_by=text("financiering", BASE_FUNDING),
                start=start, end=end, person=text("persoon"), hired=hired, name=name,
                statute=STATUTE_WORDS[statute_text], annual_cost=annual, salary_2013=salary_2013,
                illustrative=flag in _YES, step_from_hired=step_from_hired,
            ))
        except RowError as exc:
            raise fail(exc.message.removeprefix(f"positie {pid}: "), exc.column) from None
        except ValueError as exc:
            raise fail(str(exc).removeprefix(f"positie {pid}: ")) from None
        if not out[-1].action:
            raise fail("lege actie (verwacht een actiecode zoals A10205)", "actie")
    return out


def roster_is_illustrative(positions: Sequence[Position]) -> bool:
    """True when the roster is (partly) the illustrative sample (column ``illustratief``)."""
    return any(p.illustrative for p in positions)


#: The label every position-driven output carries while the roster is the illustrative sample.
ILLUSTRATIVE_LABEL = "personeel: illustratief bestand"


def pseudonyms(positions: Sequence[Position]) -> dict[str, str]:
    """Stable pseudonyms for outputs (``--pseudoniem``): each position id, person key and name ->
    'persoon 01', 'persoon 02', ... in roster order (one person, one pseudonym; a person's
    positions get 'persoon 01a', 'persoon 01b')."""
    count = Counter(p.person_key for p in positions)  # persons in roster order
    persons = {key: f"persoon {i + 1:02d}" for i, key in enumerate(count)}
    out: dict[str, str] = {}
    seen: Counter[str] = Counter()
    for p in positions:
        base = persons[p.person_key]
        seen[p.person_key] += 1
        out[p.id] = base + (ascii_lowercase[(seen[p.person_key] - 1) % 26] if count[p.person_key] > 1 else "")
        out.setdefault(p.person_key, base)
        if p.name:
            out.setdefault(p.name, base)
    return out


def pseudonymise(text: str, mapping: Mapping[str, str]) -> str:
    """``text`` with every id or name of ``mapping`` replaced (longest first, whole words)."""
    import re

    for key in sorted(mapping, key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){re.escape(key)}(?![\w-])", mapping[key], text)
    return text


def scales_from_rows(rows: Sequence[Sequence]) -> SalaryScales:
    """Salary scales from a header row (``schaal, trap, bedrag_100``) plus data rows.

    Steps of a scale must start at 0; a step missing in between takes the amount of the
    step before it (scales that only change every other year may list just the changes)."""
    rows = list(rows)
    if not rows:
        raise RowError("weddeschalen: geen kopregel")
    cols = _header_map(rows[0], _SCALE_ALIASES, SCALE_COLUMNS, "weddeschalen")
    table: dict[str, dict[int, float]] = {}
    names: dict[str, str] = {}
    for n, row in enumerate(rows[1:], start=2):
        if row is None or all(_blank(v) for v in row):
            continue
        scale = _cell(row, cols["schaal"])
        if _blank(scale):
            raise RowError("weddeschalen: schaal is leeg", row=n, column="schaal", col=cols["schaal"])
        scale = str(scale).strip()
        key = _scale_key(scale)
        names.setdefault(key, scale)
        try:
            step = _integer(_cell(row, cols["trap"]), "trap")
            amount = _number(_cell(row, cols["bedrag_100"]), "bedrag_100")
        except RowError as exc:
            raise RowError(f"weddeschalen (schaal {scale}): {exc.message}", row=n, column=exc.column,
                           col=cols.get(exc.column or "")) from None
        if step < 0:
            raise RowError(f"weddeschalen (schaal {scale}): negatieve trap {step}", row=n, column="trap",
                           col=cols["trap"])
        if amount <= 0:
            raise RowError(f"weddeschalen (schaal {scale}): het bedrag moet > 0 zijn", row=n, column="bedrag_100",
                           col=cols["bedrag_100"])
        steps = table.setdefault(key, {})
        if step in steps:
            raise RowError(f"weddeschalen: schaal {scale} trap {step} staat er twee keer", row=n, column="trap",
                           col=cols["trap"])
        steps[step] = amount
    if not table:
        raise RowError("weddeschalen: geen rijen")
    amounts: dict[str, tuple[float, ...]] = {}
    for key, steps in table.items():
        if 0 not in steps:
            raise RowError(f"weddeschalen: schaal {names[key]} heeft geen trap 0")
        vals, last = [], steps[0]
        for s in range(max(steps) + 1):
            last = steps.get(s, last)
            vals.append(last)
        amounts[names[key]] = tuple(vals)
    return SalaryScales(amounts)


def _read_bundled_csv(name: str) -> list[list[str]]:
    text = resources.files("w13xl").joinpath("data", name).read_text(encoding="utf-8")
    return [row for row in csv.reader(text.splitlines()) if row]


@functools.cache
def bundled_scales() -> SalaryScales:
    """The ILLUSTRATIVE salary scales shipped in ``w13xl/data/weddeschalen.csv`` (cached;
    the object is immutable)."""
    return scales_from_rows(_read_bundled_csv("weddeschalen.csv"))


@functools.cache
def _bundled_roster() -> tuple[Position, ...]:
    return tuple(roster_from_rows(_read_bundled_csv("personeel.csv")))


def bundled_roster() -> list[Position]:
    """The ILLUSTRATIVE roster shipped in ``w13xl/data/personeel.csv`` (a fresh list)."""
    return list(_bundled_roster())


# --------------------------------------------------------------------------------------------
# The roster against the plan (T2 line 2)
# --------------------------------------------------------------------------------------------
#: Above this relative gap per year between the roster's cost and T2 line 2 the outputs warn.
STAFF_GAP_WARN = 0.01


@dataclass(frozen=True, eq=False)
class StaffCheck:
    """The roster's employer cost per year against the plan's personnel cost (schema T2 line 2
    "Bezoldigingen, sociale lasten en pensioenen" = 2.c salaries + 2.f other personnel cost),
    at the plan's own wage index."""

    years: tuple[int, ...]
    salaries: np.ndarray  # roster cost without the per-head other cost (compare 2.b + 2.c)
    other: np.ndarray  # the per-head other personnel cost (compare 2.f)
    plan_line2: np.ndarray
    plan_salaries: np.ndarray | None = None  # 2.b + 2.c
    plan_other: np.ndarray | None = None  # 2.f
    illustrative: bool = False
    source: str = ""

    @property
    def roster(self) -> np.ndarray:
        return self.salaries + self.other

    @property
    def gap(self) -> np.ndarray:
        return self.roster - self.plan_line2

    @property
    def relative(self) -> np.ndarray:
        out = np.zeros(len(self.years))
        return np.divide(self.gap, self.plan_line2, out=out, where=np.abs(self.plan_line2) > 0.005)

    def years_over(self, limit: float = STAFF_GAP_WARN) -> list[int]:
        return [y for y, r in zip(self.years, self.relative, strict=True) if abs(r) > limit]

    def warning(self, limit: float = STAFF_GAP_WARN) -> str | None:
        """A Dutch warning when the gap exceeds ``limit`` in some year (None otherwise)."""
        over = self.years_over(limit)
        if not over:
            return None
        worst = max(zip(self.years, self.relative, strict=True), key=lambda yr: abs(yr[1]))
        pct = f"{worst[1] * 100:+.1f}%".replace(".", ",")
        return (f"loonkost van het personeelsbestand wijkt meer dan {limit * 100:.0f}% af van schema T2 lijn 2 "
                f"in {', '.join(map(str, over))} (grootste: {pct} in {worst[0]}); de cijfers die van posities "
                f"afhangen (opzeg, kliffen, personeel blijft) rusten op dit bestand")

    def rows(self) -> list[tuple]:
        """(jaar, bestand, plan lijn 2, verschil, verschil %, bestand c, plan c, bestand f, plan f) per year."""
        out = []
        for j, y in enumerate(self.years):
            out.append((y, float(self.roster[j]), float(self.plan_line2[j]), float(self.gap[j]),
                        float(self.relative[j]), float(self.salaries[j]),
                        None if self.plan_salaries is None else float(self.plan_salaries[j]),
                        float(self.other[j]), None if self.plan_other is None else float(self.plan_other[j])))
        return out


def staff_check(positions: Sequence[Position], scales: SalaryScales, params: StaffParameters,
                years: Iterable[int], wage_multiplier, plan_line2, plan_salaries=None, plan_other=None,
                source: str = "") -> StaffCheck:
    """:class:`StaffCheck` of ``positions`` (cost at ``wage_multiplier``, the plan's index)."""
    y = tuple(int(v) for v in years)
    b = cost_breakdown(positions, scales, params, y, wage_multiplier)
    other = b.other if b.other is not None else np.zeros((len(positions), len(y)))
    return StaffCheck(y, (b.total - other).sum(axis=0), other.sum(axis=0), np.asarray(plan_line2, dtype=float),
                      None if plan_salaries is None else np.asarray(plan_salaries, dtype=float),
                      None if plan_other is None else np.asarray(plan_other, dtype=float),
                      roster_is_illustrative(positions), source)
