"""Applying a scenario to the baseline plan: index paths, staffing and subsidy changes.

Pure core. The engine keeps the state of a run (current budget lines, index multipliers per
class, roster, subsidy windows, member contribution) and applies the changes in order. Each
change's effect is M2 after it minus M2 before it, so the effects add up exactly to the total
difference with the baseline.

Rules (see README "Scenarios" for the finance officer's version):

* **Index classes** (:func:`line_exposure`). The wage part of an expenditure (U) line is the
  roster's employer cost of the positions charged to its action; the rest follows the class
  declared on the sheet ``Indexering`` (``vast`` where nothing is declared; ``doorgestort`` for
  money passed on to partners: not indexed either). Receipts follow the register's class
  (``volgt_loon``: the roster part of the action). An index change moves each exposed part by
  (new multiplier / old multiplier - 1); the baseline is the plan's flat ``Standaardindex`` (2%).
  An ``indexsprong`` skips one year or one pivot crossing (:func:`skip_indexation`).
* **Staffing.** A roster change costs (new roster - old roster) at the scenario's wage index, on
  the action's U. If the action is subsidised that year, its overhead recharge (15%) follows: the
  action pays it, A50111 receives it. A position funded by a subsidy brings its own funding
  (budget-neutral project: the subsidy follows the cost and the overhead).
* **Subsidies.** Month level. Ending (early or at the planned end) loses the subsidy and the
  overhead recharge in the lost months; the policy says what happens to the project
  (:data:`SUBSIDY_END_POLICIES`, :func:`staff_after_end`): ``stop`` (costs stop, staff after
  their statutory notice, :func:`notice_months`), ``keep_staff`` (W13 pays the staff, the
  other costs stop), ``keep_project`` (everything goes on), ``share``. Renewal adds the subsidy
  (its last full year's monthly amount, indexed by its class, or ``amount``) and, where the
  baseline's costs had stopped, the project's costs; the overhead recharge comes back either way.
* **Minimum reserve** (:func:`minimum_reserve_rule`): the plan's amount, moved by 10% of the
  scenario's change in roster wage cost.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gc
import itertools
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController

from .. import indexation as ix
from ..errors import InputError
from ..fmt import euro
from ..m2 import LINE_KEYS, compute_m2, designated_repayments, m2_arrays
from ..model import CATEGORIES, EXPLOITATIE, LineKey, O, Plan, U, parse_category, parse_direction
from ..params import Parameters
from ..staffing import (
    CONTRACTUAL,
    ILLUSTRATIVE_LABEL,
    Notice,
    NoticeBasis,
    Position,
    SalaryScales,
    StaffCheck,
    StaffParameters,
    active_months,
    cost_breakdown,
    head_shares,
    month_number,
    months_in_years,
    notice_basis,
    roster_is_illustrative,
    staff_check,
)
from ..subsidies import Subsidy
from .result import ChangeEffect, ScenarioRun, ScenarioRuns
from .spec import (
    BASELINE,
    DEFAULT_NOTICE,
    NOTICE_IN_TIME,
    ContributionChange,
    EndPositionChange,
    FteChange,
    HireChange,
    IndexChange,
    IndexsprongChange,
    LineChange,
    MoveChange,
    OverheadChange,
    Scenario,
    ScenarioLibrary,
    StepChange,
    SubsidyCutChange,
    SubsidyEndChange,
    SubsidyRenewChange,
)

CLASSES = ("loon", "prijzen", "bijdrage", "volgt_loon")
#: Classes a line (part) can be declared in: the indexed CLASSES plus two that no index moves:
#: ``vast`` (fixed amounts: the default) and ``doorgestort`` (money passed on to partners).
LINE_CLASSES = (*CLASSES, "vast", "doorgestort")
#: The class of whatever part of a line neither the roster nor a declaration covers.
DEFAULT_CLASS = "vast"
#: Where a line's share comes from (shown by ``w13xl run`` and ``w13xl aannames``).
ORIGIN_ROSTER = "personeel"
ORIGIN_SHEET = "Indexering"
ORIGIN_REGISTER = "register"
ORIGIN_DEFAULT = "standaard"
#: The BLAS library's thread pool. The engine's matrix products are small (scenarios x roster rows
#: x years): handing each to a pool of threads costs more than it computes, and far more when the
#: cores are busy (a Monte Carlo runs its chunks in processes), so a run uses one thread.
_BLAS = ThreadpoolController()

OVERHEAD_ACTION = "A50111"
CONTRIBUTION_ACTION = "A50111"
BASE_FUNDING = "basiswerking"
#: Pivot state used for inflation-driven wage paths: the December 2025 crossing (pivot 133.28,
#: wages +2% from February 2026) is part of the plan's 2026 level; the next pivot is 135.95.
PIVOT_AFTER_2025 = 135.95


@dataclass(frozen=True)
class IndexShare:
    """``share`` of line (action, category, direction) follows index class ``klass``.

    On an expenditure (U) line the wage part comes from the roster; a declared ``loon`` share
    replaces it, any other declared share is a share of the rest (the line minus its wage part).
    On a receipts (O) line a share is a share of the line. ``source`` cites the plan."""

    action: str
    direction: int
    klass: str
    share: float
    category: int = EXPLOITATIE
    source: str = ""


@dataclass(frozen=True)
class LineExposure:
    """How one line is indexed: per class the amount per year that follows it, where it came from."""

    key: LineKey
    amounts: dict[str, np.ndarray]   # class -> exposed amount per year (incl. vast / doorgestort)
    origins: dict[str, str]          # class -> ORIGIN_*
    sources: dict[str, str]          # class -> citation (sheet 'Bron' column, register, roster)

    def shares(self, line: np.ndarray) -> dict[str, float]:
        """Share of each class over the plan years (amount-weighted)."""
        total = float(np.sum(np.abs(line)))
        if total <= 0:
            return {}
        return {k: float(np.sum(np.abs(v))) / total for k, v in self.amounts.items()}


def index_shares_from_grid(grid: Sequence[Sequence[object]], file: str | None = None,
                           sheet: str = "Indexering") -> list[IndexShare]:
    """Rows 'Actie | Richting | Klasse | Aandeel | Bron' (Aandeel empty = 100%; Bron optional)."""
    from ..sheets import SheetContext, find_table_header, is_blank, parse_number

    ctx = SheetContext(file, sheet)
    header_row = find_table_header(grid)
    if header_row is None:
        return []
    header = [str(v or "").strip().lower() for v in grid[header_row]]
    col = {name: header.index(name) for name in ("actie", "richting", "klasse", "aandeel", "categorie", "bron")
           if name in header}
    for needed in ("richting", "klasse"):
        if needed not in col:
            raise ctx.error(f"geen kolom '{needed.capitalize()}'", header_row, None,
                            "kolommen Actie, Richting, Klasse, Aandeel")
    out = []
    for r in range(header_row + 1, len(grid)):
        row = grid[r]
        if all(is_blank(v) for v in row):
            continue
        get = lambda k, row=row: row[col[k]] if k in col and col[k] < len(row) else None  # noqa: E731
        direction = parse_direction(get("richting"))
        if direction is None:
            raise ctx.error(f"onbekende richting '{get('richting')}'", r, col["richting"], "O of U")
        klass = str(get("klasse") or "").strip().lower()
        if klass not in LINE_CLASSES:
            raise ctx.error(f"onbekende indexklasse '{get('klasse')}'", r, col["klasse"],
                            ", ".join(LINE_CLASSES))
        share = parse_number(get("aandeel"), ctx, r, col.get("aandeel", 0), "Aandeel") if "aandeel" in col else None
        share = 1.0 if share is None else (share / 100 if share > 1 else share)
        category = EXPLOITATIE
        if "categorie" in col and not is_blank(get("categorie")):
            parsed = parse_category(get("categorie"))
            if parsed is None:
                raise ctx.error(f"onbekende categorie '{get('categorie')}'", r, col["categorie"],
                                "exploitatie, investeringen of financiering")
            category = parsed
        action = str(get("actie") or "").strip()
        if not action:
            raise ctx.error("geen actie", r, col.get("actie", 0), "een actiecode zoals A10302")
        source = "" if is_blank(get("bron")) else str(get("bron")).strip()
        out.append(IndexShare(action, direction, klass, float(share), category, source))
    return out


def line_exposure(base: Baseline, key: LineKey, amount: np.ndarray,
                  wage_parts: Mapping[str, np.ndarray] | None = None) -> LineExposure:
    """THE index-exposure rule for one line (amounts per year, current state of the line).

    * Expenditure (U): the wage part is the roster's employer cost of the positions charged to
      the action (``wage_parts``, capped at the line), unless the sheet declares a ``loon``
      share; the rest follows the classes declared on the sheet (shares of the rest) and, for
      whatever is not declared, ``vast``.
    * Receipts (O): declared shares of the line; else the register's class of the subsidy that
      is the whole receipts line (``volgt_loon``: the subsidy follows the action's wage part,
      not its whole line); else ``vast``.
    * Investment and financing lines: only what the sheet declares; else ``vast``.
    """
    wage_parts = base.base_wage_parts if wage_parts is None else wage_parts
    n = np.shape(amount)  # (years,), or (scenarios, years) for the batched engine: same rule
    triple = (key.action, key.category, key.direction)
    declared = base.declared.get(triple, {})
    decl_src = base.declared_sources.get(triple, {})
    amounts: dict[str, np.ndarray] = {}
    origins: dict[str, str] = {}
    sources: dict[str, str] = {}

    def put(klass: str, value: np.ndarray, origin: str, source: str) -> None:
        got = amounts.get(klass)
        amounts[klass] = value if got is None else got + value
        origins.setdefault(klass, origin)
        sources.setdefault(klass, source)

    rest = np.array(amount, dtype=np.float64)  # a copy: every part put is an array of its own
    if key.category == EXPLOITATIE and key.direction == U:
        if "loon" in declared:
            wage = rest * declared["loon"]
            put("loon", wage, ORIGIN_SHEET, decl_src.get("loon", ""))
        else:
            roster = wage_parts.get(key.action)
            wage = np.zeros(n) if roster is None else np.clip(roster, 0.0, np.maximum(rest, 0.0))
            if np.any(wage):
                put("loon", wage, ORIGIN_ROSTER, "posities op deze actie in het personeelsbestand")
        rest = rest - wage
        for klass, share in declared.items():
            if klass != "loon":
                put(klass, rest * share, ORIGIN_SHEET, decl_src.get(klass, ""))
        left = 1.0 - sum(v for k, v in declared.items() if k != "loon")
        if left > 1e-12:
            put(DEFAULT_CLASS, rest * left, ORIGIN_DEFAULT, "niet geïndexeerd (standaard)")
    elif declared:
        for klass, share in declared.items():
            put(klass, rest * share, ORIGIN_SHEET, decl_src.get(klass, ""))
        left = 1.0 - sum(declared.values())
        if left > 1e-12:
            put(DEFAULT_CLASS, rest * left, ORIGIN_DEFAULT, "niet geïndexeerd (standaard)")
    elif key.category == EXPLOITATIE and key.direction == O and key.action in base.subsidy_class:
        klass, sid = base.subsidy_class[key.action]
        if klass == "volgt_loon":
            roster = wage_parts.get(key.action)
            part = np.zeros(n) if roster is None else np.clip(roster, 0.0, np.maximum(rest, 0.0))
            put("volgt_loon", part, ORIGIN_REGISTER, f"subsidieregister {sid}: volgt de loonkost van de actie")
            put(DEFAULT_CLASS, rest - part, ORIGIN_DEFAULT, "niet geïndexeerd (standaard)")
        else:
            put(klass, rest, ORIGIN_REGISTER, f"subsidieregister {sid}")
    else:
        put(DEFAULT_CLASS, rest, ORIGIN_DEFAULT, "niet geïndexeerd (standaard)")
    return LineExposure(key, amounts, origins, sources)


#: A position's fields but its end: what its full-year cost depends on (and more).
_rate_key = operator.attrgetter(*(f.name for f in dataclasses.fields(Position) if f.name != "end"))


@dataclass(eq=False)
class Baseline:
    """The plan as it is, plus everything a scenario needs to change it."""

    plan: Plan
    params: Parameters
    positions: tuple[Position, ...] = ()
    scales: SalaryScales | None = None
    staff_params: StaffParameters = field(default_factory=StaffParameters)
    subsidies: Mapping[str, Subsidy] = field(default_factory=dict)
    index_shares: Sequence[IndexShare] = ()
    file: str | None = None
    sheet: str | None = None
    warnings: list = field(default_factory=list)
    #: ``calibrate(sheet=...)``: the Monte Carlo's calibration on the workbook's accounts, read
    #: only when a scenario asks for it (set by the loader; None without a workbook)
    calibrate: Callable[..., Any] | None = field(default=None, repr=False)
    #: the plan's personnel cost per year (schema T2 line 2, its parts 2.b + 2.c and 2.f) and
    #: where it comes from, for :meth:`staff_check`; None: the workbook gives no schema T2
    staff_plan: Mapping[str, object] | None = None

    def __post_init__(self) -> None:
        years = self.plan.years
        self.years = years
        self.positions = tuple(self.positions)
        self.subsidies = dict(self.subsidies)
        t = np.arange(len(years))
        rate = float(self.params.index_rate)
        flat = (1.0 + rate) ** t
        self.base_mult = {"loon": flat, "volgt_loon": flat, "prijzen": flat, "bijdrage": flat}
        self.lines = {k: self.plan.amounts[i] for i, k in enumerate(self.plan.keys)}
        self.totals = self.plan.totals()
        self.contribution = self.params.per_year("contribution", years)
        #: the part of the member contribution that no index moves (parameter 'Bijdrage lokale
        #: besturen: CPI-gekoppeld deel'; 0 when all of it follows the CPI, as in the sample)
        self.contribution_fixed = self.contribution * (1.0 - float(self.params.contribution_cpi_share))
        self.declared: dict[tuple[str, int, int], dict[str, float]] = {}
        self.declared_sources: dict[tuple[str, int, int], dict[str, str]] = {}
        for s in self.index_shares:
            triple = (s.action, s.category, s.direction)
            self.declared.setdefault(triple, {})[s.klass] = s.share
            self.declared_sources.setdefault(triple, {})[s.klass] = s.source
        #: action -> (index class, subsidy id) of a subsidy that is the action's whole receipts line
        self.subsidy_class = {s.action: (s.index_class, s.id) for s in self.subsidies.values() if s.amount is None}
        self._share_cache: dict[LineKey, dict[str, float]] = {}
        p = self.params
        #: The parameters of schema M2 per year, computed once for every run.
        self.m2_inputs: dict[str, Any] = {
            "opening_reserve": p.opening_reserve,
            "unavailable": p.per_year("unavailable", years),
            "repayments": p.per_year("repayments", years),
            "recoveries": p.per_year("recoveries", years),
            "designated_repayments": designated_repayments(p, years),
        }
        self._rate_cache: dict[tuple, np.ndarray] = {}
        self._notice_cache: dict[Position, NoticeBasis] = {}
        by_action: dict[str, list[Subsidy]] = {}
        for sub in self.subsidies.values():
            by_action.setdefault(sub.action, []).append(sub)
        self.subsidies_by_action = by_action
        #: each roster position's share of its person (for the per-head other personnel cost);
        #: positions added by a scenario count as one head
        self.head_share = head_shares(self.positions)
        #: each person's FTE over the roster's positions (the statutory notice's pay basis)
        self.person_fte: dict[str, float] = {}
        for pos in self.positions:
            self.person_fte[pos.person_key] = self.person_fte.get(pos.person_key, 0.0) + pos.fte
        self.base_roster_cost = self.roster_cost(self.positions, self.base_mult["loon"])
        self.base_wage_parts = self.wage_parts(self.positions, self.base_mult["loon"]) if self.scales else {}
        self.m2 = compute_m2(self.plan, self.params, minimum_reserve=self.minimum_reserve(None))

    # -- helpers shared by runs ---------------------------------------------------------------
    def exposure(self, key: LineKey, amount: np.ndarray | None = None,
                 wage_parts: Mapping[str, np.ndarray] | None = None) -> LineExposure:
        """How the line is indexed (see :func:`line_exposure`); default: the plan's line and roster."""
        return line_exposure(self, key, self.lines[key] if amount is None else amount, wage_parts)

    def shares(self, key: LineKey) -> dict[str, float]:
        """Indexed class -> share of the plan's line over the plan years (classes not listed
        are not indexed). A summary: the engine works with :meth:`exposure` per year."""
        cached = self._share_cache.get(key)
        if cached is None:
            line = self.lines.get(key)
            cached = {} if line is None else {
                k: v for k, v in self.exposure(key).shares(line).items() if k in CLASSES and v > 0}
            self._share_cache[key] = cached
        return cached

    def wage_parts(self, positions: Iterable[Position], wage_multiplier: np.ndarray) -> dict[str, np.ndarray]:
        """Employer cost per action per year of the positions charged to it (the roster wage part)."""
        positions = list(positions)
        out: dict[str, np.ndarray] = {}
        for p, cost in zip(positions, self.position_costs(positions), strict=True):
            out[p.action] = out.get(p.action, 0.0) + cost
        return {a: v * wage_multiplier for a, v in out.items()}

    def position_cost(self, p: Position) -> np.ndarray:
        """Employer cost per year of one position at wage multiplier 1."""
        return self.position_costs([p])[0]

    def position_costs(self, positions: Sequence[Position]) -> np.ndarray:
        """Employer cost per year of each position at wage multiplier 1, (len, years): its
        full-year cost x its active months / 12 (:meth:`full_year_costs`)."""
        return self.full_year_costs(positions) * active_months(positions, self.years) / 12.0

    def full_year_costs(self, positions: Sequence[Position]) -> np.ndarray:
        """Employer cost of twelve months per year of each position at wage multiplier 1,
        (len, years): the staffing rule (:func:`~w13xl.staffing.cost_breakdown`) once for all
        that are not cached. It does not depend on the position's end: a position and the same
        position ending earlier share it (the engine's stop dates)."""
        keys = [_rate_key(p) for p in positions]
        todo = list({k: p for k, p in zip(keys, positions, strict=True) if k not in self._rate_cache}.items())
        if todo:
            if self.scales is None:
                raise InputError("het werkboek heeft geen weddeschalen (blad 'Weddeschalen')",
                                 file=self.file, expected="een blad 'Weddeschalen' voor personeelswijzigingen")
            new = [p for _, p in todo]
            try:
                shares = {p.id: self.head_share.get(p.id, 1.0) for p in new}
                rates = cost_breakdown(new, self.scales, self.staff_params, self.years, shares=shares,
                                       full_year=True).total
            except ValueError as exc:
                raise InputError(str(exc), file=self.file, sheet="Personeel") from None
            self._rate_cache.update(zip((k for k, _ in todo), rates, strict=True))
        return np.array([self._rate_cache[k] for k in keys]).reshape(len(positions), len(self.years))

    def notice_basis(self, p: Position) -> NoticeBasis:
        """What the statutory notice of ``p`` rests on (:func:`~w13xl.staffing.notice_basis`, once
        per position; ``.on(date)`` gives the notice), paid on the person's whole FTE."""
        basis = self._notice_cache.get(p)
        if basis is None:
            basis = self._notice_cache[p] = notice_basis(
                p, scales=self.scales, params=self.staff_params, reference_year=self.staff_params.reference_year,
                person_fte=self.person_fte.get(p.person_key) or p.fte)
        return basis

    def roster_cost(self, positions: Iterable[Position], wage_multiplier: np.ndarray) -> np.ndarray:
        return self.position_costs(list(positions)).sum(axis=0) * wage_multiplier

    @property
    def roster_illustrative(self) -> bool:
        """The roster is (partly) the illustrative sample: position-driven outputs say so."""
        return roster_is_illustrative(self.positions)

    def staff_check(self) -> StaffCheck | None:
        """The roster's cost per year against schema T2 line 2 (None without roster, scales or T2)."""
        if not self.positions or self.scales is None or not self.staff_plan:
            return None
        sp = self.staff_plan
        return staff_check(self.positions, self.scales, self.staff_params, self.years, self.base_mult["loon"],
                           sp["line2"], sp.get("salaries"), sp.get("other"), str(sp.get("source", "")))

    def wage_cost_base(self) -> np.ndarray | None:
        """The plan's annual wage cost per year (parameter Jaarloonkost), or None if not given."""
        if not hasattr(self, "_wage_cost"):
            wc = self.params.per_year("wage_cost", self.years)
            self._wage_cost = wc if np.any(wc) else None
        return self._wage_cost

    def minimum_reserve(self, wage_cost: np.ndarray | None) -> np.ndarray | None:
        """The minimum reserve of a run whose roster costs ``wage_cost`` a year (None: the
        baseline's roster); see :func:`minimum_reserve_rule`."""
        change = None if wage_cost is None else np.asarray(wage_cost, dtype=np.float64) - self.base_roster_cost
        return minimum_reserve_rule(self.params, self.years, change, self.wage_cost_base())

    def check_action(self, change, action: str, fieldname: str = "action") -> None:
        if action not in self.plan.actions:
            raise change.error(f"onbekende actie '{action}'", fieldname,
                               "een actie van het begrotingsblad, bv. A10302")

    def check_date(self, change, date: dt.date, fieldname: str = "date") -> None:
        if not self.years[0] <= date.year <= self.years[-1]:
            raise change.error(f"datum {date:%d/%m/%Y} valt buiten het plan ({self.years[0]}-{self.years[-1]})",
                               fieldname, f"een datum in {self.years[0]}-{self.years[-1]}")



def minimum_reserve_rule(params: Parameters, years: Sequence[int], wage_change: np.ndarray | None,
                         wage_cost_param: np.ndarray | None = None) -> np.ndarray | None:
    """THE minimum reserve rule (the sociaal passief, W13's policy; plan 3.7: „Voor de voorziening
    van het sociaal passief wordt uitgegaan van 10% van de totale jaarloonkost”; amount: plan 3.1
    „Sociaal passief 211.211,09”, which is not 10% of any plan year's personnel cost: the amount
    as given, the 10% rule for changes).

    * With an amount (parameter Minimumreserve): the baseline keeps the plan's amount in every
      year; a scenario moves it by ``pct`` (parameter Minimumreserve (% jaarloonkost), 10%) of
      its change in annual wage cost against the baseline, per year (``wage_change``: the
      roster's employer cost in the scenario minus in the baseline).
    * Without an amount, with a percentage and a Jaarloonkost row (older workbooks): ``pct`` x
      (Jaarloonkost + change).
    * Otherwise: the parameters' own rule (or None: no minimum)."""
    pct = params.minimum_reserve_pct
    change = np.zeros(len(years)) if wage_change is None else np.asarray(wage_change, dtype=np.float64)
    if params.minimum_reserve is not None:
        base = np.full(len(years), float(params.minimum_reserve))
        return base if pct is None else base + float(pct) * change
    if pct is not None and wage_cost_param is not None:
        return float(pct) * (wage_cost_param + change)
    return params.minimum_reserve_per_year(years)


def skip_indexation(path: np.ndarray, years: Sequence[int], year: int | None = None,
                    crossing: tuple[int, int] | None = None) -> np.ndarray:
    """THE indexsprong rule: a class's yearly multipliers with one indexation skipped.

    ``year``: the growth of that year (multiplier of the year / of the year before) is skipped,
    so the path is divided by it from that year on. ``crossing`` (year, month): the 2% wage step
    two months after that crossing is skipped, so the path is divided by the yearly average of
    a 2% step from the effective month on (the pivot mechanism's own timing)."""
    path = np.asarray(path, dtype=np.float64)
    if year is not None:
        i = list(years).index(year)
        factor = path[..., i] / path[..., i - 1]
        out = path.copy()
        out[..., i:] = path[..., i:] / np.expand_dims(factor, -1)
        return out
    if crossing is None:
        raise ValueError("an indexsprong skips a year or a crossing: give one of them")
    steps = ix.wage_steps_from_crossings([crossing])
    level = ix.monthly_level(steps, (years[0], 1), 12 * len(years))
    return path / ix.yearly_average_multipliers(level, (years[0], 1), list(years))


#: The subsidy-end policies (spec.Policy) in the words the board sees.
SUBSIDY_END_POLICIES = {
    "stop": "project stopt; personeel vertrekt na opzeg",
    "keep_staff": "personeel blijft (W13 betaalt); partners en werking stoppen",
    "keep_project": "hele project loopt door (W13 betaalt)",
    "share": "deel van de kosten blijft",
}


def notice_mode(ch) -> tuple[str, bool]:
    """(mode, chosen by default) of a ``stop``: the change's ``opzeg``, else DEFAULT_NOTICE."""
    if getattr(ch, "opzeg", None) is not None:
        return ch.opzeg, False
    return DEFAULT_NOTICE, True


def _contractual(ch, funded: Sequence[Position]) -> None:
    """A statutory (vast benoemd) position has no notice under the Arbeidsovereenkomstenwet: refused."""
    for p in funded:
        if p.statute != CONTRACTUAL:
            raise ch.error(f"positie {p.id} is statutair: geen opzeg volgens de Arbeidsovereenkomstenwet",
                           "policy", "keep_staff, of de positie als contractueel in het personeelsbestand")


def notice_details(base: Baseline, ch, funded: Sequence[Position]) -> dict[str, Notice]:
    """The statutory notice of each funded position on the stop date (seniority, its source, the
    two parts for a contract from before 2014): shown whatever the mode, so that the board sees
    what serving notice in time avoids."""
    _contractual(ch, funded)
    return {p.id: base.notice_basis(p).on(ch.date) for p in funded}


def notice_months(base: Baseline, ch, funded: Sequence[Position]) -> dict[str, int]:
    """Months each funded position stays paid after the stop date: 0 when notice was served in
    time, the scenario's ``notice_months`` if given, else the statutory notice
    (:func:`staffing.notice`, whole months)."""
    return notice_months_on(base, ch, funded, [ch.date])[0]


def notice_months_on(base: Baseline, ch, funded: Sequence[Position], dates: Sequence[dt.date]) -> list[dict[str, int]]:
    """:func:`notice_months` of a stop with the fields of ``ch`` on each of ``dates``."""
    _contractual(ch, funded)
    mode, _ = notice_mode(ch)
    if mode == NOTICE_IN_TIME:
        return [dict.fromkeys((p.id for p in funded), 0) for _ in dates]
    if ch.notice_months is not None:
        return [dict.fromkeys((p.id for p in funded), int(ch.notice_months)) for _ in dates]
    bases = [(p.id, base.notice_basis(p)) for p in funded]
    return [{pid: b.terms(d)[2] for pid, b in bases} for d in dates]


def staff_after_end(funded: Sequence[Position], policy: str, date: dt.date, share: float | None,
                    notices: Mapping[str, int]) -> list[Position]:
    """THE staff rule of a subsidy end: the funded positions after ``date``.

    * ``stop``: each position ends after its notice (last day of the month ``date`` + notice),
      never later than its planned end; a position that would start after that is dropped.
    * ``keep_staff``: the positions go on to the end of the plan, paid by the basic operation.
    * ``share``: that share of their FTE goes on (basic operation), the rest as ``stop`` with no notice.
    * ``keep_project``: unchanged (the project goes on, its staff with it)."""
    if policy == "keep_project":
        return list(funded)
    out: list[Position] = []
    for p in funded:
        if policy == "stop":
            last = _last_day(month_number(date) + notices.get(p.id, 0))
            if p.end is not None and p.end <= last:
                out.append(p)
            elif p.start is None or p.start <= last:
                out.append(p.until(last))
        elif policy == "keep_staff":
            if p.end is not None and p.end < date:
                out.append(p)
            else:
                out.append(p.until(None, BASE_FUNDING))
        else:  # share
            if p.end is not None and p.end < date:
                out.append(p)
                continue
            kept = float(share or 0.0)
            if p.start is None or p.start <= date:
                out.append(p.until(date))
            if kept > 0:
                after = dataclasses.replace(p, id=p.id, start=max(p.start, date + dt.timedelta(days=1))
                                            if p.start else date + dt.timedelta(days=1), end=None,
                                            fte=p.fte * kept, funded_by=BASE_FUNDING)
                out.append(after)
    return out


def describe_notice(ch, notices: Mapping[str, int], details: Mapping[str, Notice]) -> str:
    """The notice of a ``stop`` in Dutch: the mode (and whether it is the default), then per
    position the seniority used, its source and the statutory notice."""
    mode, default = notice_mode(ch)
    chosen = "standaard, niet opgegeven in het scenario" if default else "opgegeven"
    if mode == NOTICE_IN_TIME:
        head = f"opzeg tijdig ({chosen}): gegeven zodat ze eindigt op {ch.date:%d/%m/%Y}, geen opzegvergoeding"
    elif ch.notice_months is not None:
        head = f"opzeg na stopzetting ({chosen}): {ch.notice_months} mnd (notice_months)"
    else:
        head = f"opzeg na stopzetting ({chosen}): wettelijke opzeg vanaf {ch.date:%d/%m/%Y}, betaald zonder subsidie"
    parts = [d.describe() + ("" if notices.get(pid) == d.months else f" (betaald: {notices.get(pid, 0)} mnd)")
             for pid, d in details.items()]
    return head + ("; " + "; ".join(parts) if parts else "")


def describe_subsidy_end(s: Subsidy, ch, notices: Mapping[str, int],
                         details: Mapping[str, Notice] | None = None) -> str:
    what = SUBSIDY_END_POLICIES[ch.policy]
    if ch.policy == "share":
        what = f"{(ch.share or 0) * 100:.0f}% van de kosten blijft"
    desc = f"Subsidie {s.name} ({s.id}) stopt op {ch.date:%d/%m/%Y}: {what}"
    if ch.policy == "stop":
        desc += "; " + describe_notice(ch, notices, details or {})
    return desc


#: What :func:`_may_move` says of a line that moves only through its action's roster wage part
BY_ROSTER = "roster"


def _may_move(base: Baseline, key: LineKey, classes: tuple[str, ...]) -> bool | str:
    """Can an index change of ``classes`` reach this line at all under :func:`line_exposure`?
    :data:`BY_ROSTER`: only through the roster's employer cost on its action (not at all when
    the action has no positions). (A cached shortcut; the rule itself stays in line_exposure.)"""
    cache = base.__dict__.setdefault("_move_cache", {})
    hit = cache.get((key, classes))
    if hit is None:
        declared = set(base.declared.get((key.action, key.category, key.direction), {}))
        if declared & set(classes):
            hit = True
        elif key.category == EXPLOITATIE and key.direction == U:
            hit = BY_ROSTER if "loon" in classes else False
        elif declared:
            hit = False
        elif key.category == EXPLOITATIE and key.direction == O and key.action in base.subsidy_class:
            klass = base.subsidy_class[key.action][0]
            hit = (BY_ROSTER if klass == "volgt_loon" else True) if klass in classes else False
        else:
            hit = False
        cache[(key, classes)] = hit
    return hit


@functools.lru_cache(maxsize=4096)
def _last_day(month: int) -> dt.date:
    """Last day of a month number (year * 12 + month - 1)."""
    y, m = divmod(month + 1, 12)
    return dt.date(y, m + 1, 1) - dt.timedelta(days=1)


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while scenarios run. A batch makes tens of thousands of
    short-lived objects (roster rows, texts; a Monte Carlo's paths and their changes) that
    reference counting frees; meanwhile the collector would walk them every few hundred
    allocations, and now and then every object of the process (the baseline, the workbook): a
    third of a Monte Carlo chunk's time, measured. Cycles made meanwhile are collected once it is
    back on."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# -- the state of S runs ---------------------------------------------------------------------------
#: "no date" on the day and month axes of a subsidy window (an open start or end)
_OPEN = 10**9


def _date_of_ordinal(o: int) -> dt.date | None:
    return None if abs(int(o)) >= _OPEN else dt.date.fromordinal(int(o))


@dataclass(frozen=True)
class _Subs:
    """The subsidy each of some scenarios concerns: ``items[ks[i]]`` for the i-th, whose number
    on the state's subsidy axis is ``numbers[i]``."""

    items: list[Subsidy]
    ks: np.ndarray
    numbers: np.ndarray

    @functools.cached_property
    def parts(self) -> list[tuple[Subsidy, slice | np.ndarray]]:
        """Per subsidy: which of the scenarios concern it."""
        if len(self.items) == 1:
            return [(self.items[0], slice(None))]
        return [(x, np.flatnonzero(self.ks == j)) for j, x in enumerate(self.items)]


class _State:
    """The state of S scenario runs; every quantity carries the leading scenario axis.

    * ``lines``: the budget lines a change touched, (S, years) each (the others are the plan's);
      ``totals``: (S, 3 categories, 2 directions, years), kept with every change.
    * ``mult``: index class -> (S, years) multipliers; ``contribution`` and its fixed part.
    * The roster is ONE table of positions (``rows``, each a :class:`Position` with its own
      dates, FTE, action and funding) with ``present[s, r]``: how many times scenario s has
      row r. A change that alters a position replaces its row by new rows in the scenarios
      that have it; ``cost[r]``: the row's employer cost per year at wage multiplier 1.
    * Subsidy windows: the last day (ordinal) and month per subsidy and scenario (a change moves
      the end, never the start)."""

    def __init__(self, base: Baseline, size: int) -> None:
        self.base = base
        self.size = size
        self.years = base.years
        self.n = n = len(base.years)
        self.lines: dict[LineKey, np.ndarray] = {}
        self.totals = np.repeat(base.totals[None], size, axis=0)
        self.mult = {k: np.repeat(v[None], size, axis=0) for k, v in base.base_mult.items()}
        self.contribution = np.repeat(base.contribution[None], size, axis=0)
        self.contribution_fixed = np.repeat(base.contribution_fixed[None], size, axis=0)
        self.rows: list[Position] = []
        self.row_index: dict[Position, int] = {}
        self.rows_by_action: dict[str, list[int]] = {}
        self.rows_by_id: dict[str, list[int]] = {}
        self.rows_by_funding: dict[str, list[int]] = {}
        self._cost = np.zeros((max(256, 4 * len(base.positions)), n))  # room for the rows changes make
        self._months = np.zeros((self._cost.shape[0], n))
        # stored row-major by roster row (``_present`` is its transposed view): rows not made yet
        # are never touched
        self._by_row = np.zeros((self._cost.shape[0], size))
        self._present = self._by_row.T
        np.add.at(self._present[0], self.add_rows(base.positions), 1.0)  # a position twice: two rows' worth
        self._present[1:, :len(self.rows)] = self._present[0, :len(self.rows)]
        subs = list(base.subsidies.values())
        #: subsidy id -> its number on the subsidy axis of the window arrays
        self.sub_number = {s.id: k for k, s in enumerate(subs)}
        #: per subsidy and scenario the window's last day (ordinal) and month number (year * 12 +
        #: month - 1; open: _OPEN); its first month per subsidy (open: -_OPEN)
        self.end_days = np.repeat(np.array([s.end.toordinal() if s.end else _OPEN for s in subs],
                                           dtype=np.int64)[:, None], size, axis=1)
        self.end_month_numbers = np.repeat(np.array([month_number(s.end) if s.end else _OPEN for s in subs],
                                                    dtype=np.int64)[:, None], size, axis=1)
        self.start_month_numbers = np.array([month_number(s.start) if s.start else -_OPEN for s in subs],
                                            dtype=np.int64)
        self.hired = np.zeros(size, dtype=np.int64)
        #: every scenario's state is the same (set by the engine at a step's start, cleared by any
        #: change): a rule may then compute what depends on the state alone on one row
        self.uniform = False

    # -- lines ---------------------------------------------------------------------------------
    def line(self, key: LineKey, idx: np.ndarray) -> np.ndarray:
        """Line ``key`` of the scenarios ``idx``: (len(idx), years)."""
        got = self.lines.get(key)
        if got is not None:
            return got.copy() if len(idx) == self.size else got[idx]
        base = self.base.lines.get(key)
        return np.zeros((len(idx), self.n)) if base is None else np.repeat(base[None], len(idx), axis=0)

    def add(self, key: LineKey, idx: np.ndarray, delta: np.ndarray, total: bool = True) -> None:
        """Add ``delta`` ((len(idx), years) or broadcastable) to line ``key`` of scenarios ``idx``
        (``total``: and to its category's total; else the caller adds it there)."""
        self.uniform = False
        delta = np.asarray(delta, dtype=np.float64)
        if not delta.any():
            return
        got = self.lines.get(key)
        if got is None:
            base = self.base.lines.get(key)
            got = np.zeros((self.size, self.n)) if base is None else np.repeat(base[None], self.size, axis=0)
            self.lines[key] = got
        if len(idx) == self.size:  # every scenario (idx is sorted and unique): no fancy indexing
            got += delta
        else:
            got[idx] += delta
        if total:
            self.add_total(key.category, key.direction, idx, delta)

    def add_total(self, category: int, direction: int, idx: np.ndarray, delta: np.ndarray) -> None:
        total = self.totals[:, category, direction]
        if len(idx) == self.size:
            total += delta
        else:
            total[idx] += delta

    def line_keys(self) -> list[LineKey]:
        return [*self.base.lines, *(k for k in self.lines if k not in self.base.lines)]

    # -- the roster table ------------------------------------------------------------------------
    def add_rows(self, positions: Sequence[Position]) -> list[int]:
        """The rows of ``positions``; new ones are added with their full-year cost, active months
        and cost (the full-year cost x active months / 12)."""
        new = [p for p in dict.fromkeys(positions) if p not in self.row_index]
        if new:
            r0, r1 = len(self.rows), len(self.rows) + len(new)
            if r1 > self._cost.shape[0]:  # room for at least twice as many rows
                cap = max(r1, 2 * self._cost.shape[0])
                cost, months, by_row = np.zeros((cap, self.n)), np.zeros((cap, self.n)), np.zeros((cap, self.size))
                cost[:r0], months[:r0], by_row[:r0] = self._cost[:r0], self._months[:r0], self._by_row[:r0]
                self._cost, self._months, self._by_row, self._present = cost, months, by_row, by_row.T
            self._months[r0:r1] = active_months(new, self.years)
            self._cost[r0:r1] = self.base.full_year_costs(new) * self._months[r0:r1] / 12.0
            for r, p in enumerate(new, start=r0):
                self.rows.append(p)
                self.row_index[p] = r
                self.rows_by_action.setdefault(p.action, []).append(r)
                self.rows_by_id.setdefault(p.id, []).append(r)
                self.rows_by_funding.setdefault(p.funded_by, []).append(r)
        return [self.row_index[p] for p in positions]

    @property
    def present(self) -> np.ndarray:
        return self._present[:, : len(self.rows)]

    @property
    def cost(self) -> np.ndarray:
        return self._cost[: len(self.rows)]

    def wage_cost(self, idx: np.ndarray | None = None) -> np.ndarray:
        """The roster's employer cost per year at each scenario's wage index."""
        sel = slice(None) if idx is None else idx
        return (self.present[sel] @ self.cost) * self.mult["loon"][sel]

    def wage_parts(self, idx: np.ndarray, action: str | None = None) -> dict[str, np.ndarray]:
        """Per action (or for ``action`` only) the roster's employer cost of the scenarios ``idx``
        (the wage part of its U line)."""
        if self.base.scales is None:
            return {}
        sel = slice(None) if len(idx) == self.size else idx  # every scenario: a view, not a copy
        present, loon, cost = self._present[sel, :len(self.rows)], self.mult["loon"][sel], self._cost
        actions = self.rows_by_action if action is None else {action: self.rows_by_action.get(action, [])}
        return {a: (present[:, rows] @ cost[rows]) * loon for a, rows in actions.items() if rows}

    def rows_with_id(self, change, pid: str, idx: np.ndarray) -> list[int]:
        """The rows of position ``pid`` that the scenarios ``idx`` have (each must have one)."""
        rows = self.rows_by_id.get(pid, [])
        present = self._present[_cells(idx, rows)]
        if not np.all(np.any(present > 0, axis=1)):
            raise change.error(f"onbekende positie '{pid}'", "position",
                               "een positie van het blad 'Personeel' (of een die eerder in het scenario is "
                               "aangeworven)")
        return [r for r, has in zip(rows, np.any(present > 0, axis=0), strict=True) if has]

    def funded(self, s: Subsidy | _Subs, idx: np.ndarray) -> tuple[list[int], np.ndarray]:
        """The rows funded by each scenario's subsidy (:meth:`Subsidy.funds`, looked up in the
        row indexes by funding and by id) that any of ``idx`` has, and per scenario how many of
        each it has (0 for a row another scenario's subsidy funds)."""
        subs = self.subs(s, len(idx))
        own = [{*self.rows_by_funding.get(x.id, ()), *(r for pid in x.positions for r in self.rows_by_id.get(pid, ()))}
               for x in subs.items]
        rows = sorted(set().union(*own))
        if not rows:
            return [], np.zeros((len(idx), 0))
        counts = self._present[_cells(idx, rows)]
        if len(own) > 1:
            mine = np.array([[r in o for r in rows] for o in own])  # (subsidies, rows)
            counts = counts * mine[subs.ks]
        has = np.any(counts > 0, axis=0)
        if np.all(has):
            return rows, counts
        return [r for r, h in zip(rows, has, strict=True) if h], counts[:, has]

    def swap(self, idx: np.ndarray, rows: Sequence[int],
             new_rows: Callable[[Position], Sequence[Position]] | Sequence[Callable[[Position], Sequence[Position]]],
             route: bool = True, variant: np.ndarray | None = None, counts: np.ndarray | None = None) -> np.ndarray:
        """In the scenarios ``idx``, each row of ``rows`` becomes ``new_rows(row)`` (with
        ``variant``, an index per scenario: ``new_rows[variant](row)``; ``counts``: how many of
        each row change, default all that the scenarios have). Returns the bare change in
        employer cost at the scenarios' wage index, (len(idx), years); with ``route`` it also
        goes through :meth:`route_staff_cost` (overhead, funding) per action and funding, else
        the caller books it."""
        self.uniform = False
        fns = [new_rows] if callable(new_rows) else list(new_rows)
        var = np.zeros(len(idx), dtype=np.intp) if variant is None else variant
        cells = _cells(idx, rows)
        counts = self._present[cells].copy() if counts is None else counts  # (scenarios, rows)
        # the cells (scenario, row) that change, and the (variant, row) pairs among them: only
        # those are made
        cell_s, cell_r = np.nonzero(counts > 0)
        codes, pair = np.unique(var[cell_s] * len(rows) + cell_r, return_inverse=True)
        made = [list(fns[v](self.rows[rows[c]])) for v, c in (divmod(code, len(rows)) for code in codes.tolist())]
        sizes = np.fromiter(map(len, made), dtype=np.intp, count=len(made))
        new = np.asarray(self.add_rows([q for qs in made for q in qs]), dtype=np.intp)
        # each changing cell gives its count to every new row of its pair: entries (scenario e_s,
        # new row e_r, count e_w)
        pair = pair.reshape(-1)
        per_cell = sizes[pair]
        cell = np.repeat(np.arange(len(pair)), per_cell)
        first = np.cumsum(sizes) - sizes  # where each pair's new rows start in ``new``
        e_s, e_w = cell_s[cell], counts[cell_s, cell_r][cell]
        e_r = new[np.arange(len(cell)) - np.repeat(np.cumsum(per_cell) - per_cell, per_cell) + first[pair][cell]]
        self._present[cells] -= counts
        np.add.at(self._by_row.reshape(-1), e_r * self.size + idx[e_s], e_w)
        loon = self.mult["loon"][idx]
        gained = e_w[:, None] * self.cost[e_r]  # per entry: the new row's cost at multiplier 1
        if route:  # per (action, funding): the old rows' cost out, the new rows' in
            flows: dict[tuple[str, str], np.ndarray] = {}
            for j, r in enumerate(rows):
                flow = (self.rows[r].action, self.rows[r].funded_by)
                flows[flow] = flows.get(flow, 0.0) - counts[:, j, None] * self.cost[r]
            keys = [(p.action, p.funded_by) for p in map(self.rows.__getitem__, e_r.tolist())]
            for flow in dict.fromkeys(keys):
                mine = np.array([k == flow for k in keys])
                flows[flow] = flows.get(flow, 0.0) + _sum_by(e_s[mine], gained[mine], len(idx))
            for (action, funded_by), delta in flows.items():
                self.route_staff_cost(idx, action, funded_by, delta * loon)
        return (_sum_by(e_s, gained, len(idx)) - counts @ self.cost[list(rows)]) * loon

    def hire(self, idx: np.ndarray, p: Position) -> None:
        self.uniform = False
        (r,) = self.add_rows([p])
        self._present[idx, r] += 1.0
        self.route_staff_cost(idx, p.action, p.funded_by, self.cost[r] * self.mult["loon"][idx])

    def route_staff_cost(self, idx: np.ndarray, action: str, funded_by: str, delta: np.ndarray) -> None:
        """A change in staff cost on an action, with its overhead recharge (15% where the action
        is subsidised that year) and, for a subsidy-funded position, the subsidy that follows it."""
        active, rate = self.subsidised(action, idx)
        overhead = rate * delta * active
        self.add(LineKey(action, EXPLOITATIE, U), idx, delta + overhead)
        self.add(LineKey(OVERHEAD_ACTION, EXPLOITATIE, O), idx, overhead)
        if funded_by in self.base.subsidies:
            self.add(LineKey(action, EXPLOITATIE, O), idx, delta + overhead)

    # -- subsidy windows -------------------------------------------------------------------------
    def subs(self, s: Subsidy | _Subs, size: int) -> _Subs:
        """``s`` for ``size`` scenarios: one subsidy for all of them, or one each already."""
        if isinstance(s, _Subs):
            return s
        return _Subs([s], np.zeros(size, dtype=np.intp), np.full(size, self.sub_number[s.id]))

    def window(self, s: Subsidy | _Subs, idx: np.ndarray, first: np.ndarray | int | None = None,
               last: np.ndarray | int | None = None) -> np.ndarray:
        """Per scenario and year: the months of the subsidy's window (those from month ``first``
        and up to month ``last`` only), (len(idx), years)."""
        k = s.numbers if isinstance(s, _Subs) else self.sub_number[s.id]
        lo, hi = self.start_month_numbers[k], self.end_month_numbers[k, idx]
        lo, hi = lo if first is None else np.maximum(lo, first), hi if last is None else np.minimum(hi, last)
        return months_in_years(lo, hi, self.years)

    def subsidised(self, action: str, idx: np.ndarray) -> tuple[np.ndarray, float]:
        """Per scenario and year: is the action paid by a subsidy (any month)? And its overhead rate."""
        subs = self.base.subsidies_by_action.get(action, [])
        if not subs:
            return np.zeros((len(idx), self.n)), 0.0
        active = np.zeros((len(idx), self.n))
        for s in subs:
            active = np.maximum(active, self.window(s, idx) > 0)
        return active, subs[0].overhead_rate

    def lost_months(self, s: Subsidy | _Subs, idx: np.ndarray, lost: np.ndarray | int) -> tuple[np.ndarray, ...]:
        """Per year: the months of the subsidy's window from month ``lost`` on (one per scenario
        or one for all), the subsidy and the action's expenditure per month of the window."""
        subs = self.subs(s, len(idx))
        a = self.window(subs, idx)
        o_line, u_line = np.empty((len(idx), self.n)), np.empty((len(idx), self.n))
        for x, at in subs.parts:
            o_line[at] = self.line(LineKey(x.action, EXPLOITATIE, O), idx[at]) if x.amount is None else float(x.amount)
            u_line[at] = self.line(LineKey(x.action, EXPLOITATIE, U), idx[at])
        return self.window(subs, idx, lost), _per_month(o_line, a), _per_month(u_line, a)

    def project_split(self, s: Subsidy | _Subs, idx: np.ndarray, u_m: np.ndarray,
                      funded: tuple[list[int], np.ndarray] | None = None) -> tuple[np.ndarray, ...]:
        """The project's expenditure per month (``u_m``) split in staff, overhead recharge and
        other costs. Plan 3.7: the recharge is at least 15% of the staff cost, or what the
        subsidy's rules allow: here what the action's line holds after its staff (the cap).
        The staff cost is the roster's funded positions (``funded``: :meth:`funded`, if known);
        without any, the U line's wage share."""
        subs = self.subs(s, len(idx))
        rows, counts = self.funded(subs, idx) if funded is None else funded
        share = np.array([self.base.shares(LineKey(x.action, EXPLOITATIE, U)).get("loon", 0.0) for x in subs.items])
        staff = u_m * share[subs.ks, None]
        if rows:
            cost = (counts @ self.cost[rows]) * self.mult["loon"][idx]
            months = np.max(np.where(counts[:, :, None] > 0, self._months[rows][None], 0.0), axis=1)
            staff = np.where(np.any(counts > 0, axis=1)[:, None], _per_month(cost, months), staff)
        staff_m = np.minimum(staff, u_m)
        ovh_m = np.minimum(np.array([x.overhead_rate for x in subs.items])[subs.ks, None] * staff_m, u_m - staff_m)
        return staff_m, ovh_m, u_m - staff_m - ovh_m

    def end_subsidy(self, s: Subsidy | _Subs, idx: np.ndarray, lost: np.ndarray | int, other_kept: float,
                    funded: tuple[list[int], np.ndarray] | None = None) -> None:
        """Lose the subsidy in the months of its window from month ``lost`` on, with the overhead
        recharge (A50111 receives it no more, the action pays it no more). Of the project's other
        costs ``other_kept`` goes on. The staff cost is left to the roster change (:func:`staff_after_end`)."""
        subs = self.subs(s, len(idx))
        lost_y, o_m, u_m = self.lost_months(subs, idx, lost)
        _staff_m, ovh_m, other_m = self.project_split(subs, idx, u_m, funded)
        self.add_each(subs, O, idx, -o_m * lost_y)
        self.add_each(subs, U, idx, -((1.0 - other_kept) * other_m + ovh_m) * lost_y)
        self.add(LineKey(OVERHEAD_ACTION, EXPLOITATIE, O), idx, -ovh_m * lost_y)

    def add_each(self, subs: _Subs, direction: int, idx: np.ndarray, delta: np.ndarray) -> None:
        """Add ``delta`` to the exploitation line (``direction``) of each scenario's subsidy's action."""
        if len(subs.items) == 1:
            self.add(LineKey(subs.items[0].action, EXPLOITATIE, direction), idx, delta)
            return
        for x, at in subs.parts:
            self.add(LineKey(x.action, EXPLOITATIE, direction), idx[at], delta[at], total=False)
        self.add_total(EXPLOITATIE, direction, idx, delta)

    def lose(self, s: Subsidy, idx: np.ndarray, lost: int, fraction: float, kept: float,
             notice_end: int | None) -> None:
        """Lose ``fraction`` of the subsidy in the months of its window from month ``lost`` on;
        the staff stay paid up to the month ``notice_end`` (None: no notice)."""
        lost_y, o_m, u_m = self.lost_months(s, idx, lost)
        staff_m, ovh_m, _ = self.project_split(s, idx, u_m)
        notice_y = np.zeros((len(idx), self.n))
        if notice_end is not None:
            notice_y = self.window(s, idx, lost, notice_end)
        self.add(LineKey(s.action, EXPLOITATIE, O), idx, -fraction * o_m * lost_y)
        self.add(LineKey(s.action, EXPLOITATIE, U), idx, -(1 - kept) * fraction * (u_m * lost_y - staff_m * notice_y)
                 - kept * fraction * ovh_m * lost_y)
        self.add(LineKey(OVERHEAD_ACTION, EXPLOITATIE, O), idx, -fraction * ovh_m * lost_y)

    def copy_row(self, r: int) -> None:
        """Every scenario's state becomes scenario ``r``'s (after a step all of them shared)."""
        arrays = [*self.lines.values(), self.totals, *self.mult.values(), self.contribution, self.contribution_fixed,
                  self._present, self.hired]
        for a in arrays:
            a[:] = a[r]
        for a in (self.end_days, self.end_month_numbers):  # (subsidies, scenarios)
            a[:] = a[:, r, None]

    # -- one scenario's view -----------------------------------------------------------------------
    def view(self, i: int) -> RunState:
        positions = [p for r, p in enumerate(self.rows) for _ in range(round(float(self.present[i, r])))]
        windows = {s.id: (s.start, _date_of_ordinal(self.end_days[k, i]))
                   for k, s in enumerate(self.base.subsidies.values())}
        lines = {k: self.lines[k][i].copy() if k in self.lines else self.base.lines[k] for k in self.line_keys()}
        return RunState(positions, windows, self.contribution[i].copy(),
                        {k: v[i].copy() for k, v in self.mult.items()}, lines)


@dataclass(frozen=True)
class RunState:
    """Where one scenario's run ends: its roster, subsidy windows, member contribution and index
    multipliers (for the cliffs, goal seek and the note)."""

    positions: list[Position]
    windows: dict[str, tuple[dt.date | None, dt.date | None]]
    contribution: np.ndarray
    mult: dict[str, np.ndarray]
    lines: dict[LineKey, np.ndarray]

    def line(self, action: str, direction: int, category: int = EXPLOITATIE) -> np.ndarray:
        got = self.lines.get(LineKey(action, category, direction))
        return np.zeros(len(self.contribution)) if got is None else got

    def funded(self, s: Subsidy) -> list[Position]:
        return [p for p in self.positions if s.funds(p)]


def _cells(idx: np.ndarray, rows: Sequence[int] | np.ndarray) -> tuple[np.ndarray, ...]:
    """Index of the cells (scenario in ``idx``, roster row in ``rows``)."""
    return idx[:, None], np.asarray(rows, dtype=np.intp)[None, :]


def _sum_by(at: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """The rows of ``values`` summed per ``at`` (a row number in 0..size-1 each), (size, years)."""
    n = values.shape[1]
    return np.bincount((at[:, None] * n + np.arange(n)).reshape(-1), weights=values.reshape(-1),
                       minlength=size * n).reshape(size, n)


def _per_month(amount: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Per year: ``amount`` per month of ``months`` (0 where there are none)."""
    out = np.zeros(np.broadcast_shapes(np.shape(amount), np.shape(months)))
    return np.divide(amount, months, out=out, where=months > 0)


def _split(base: Baseline, p: Position, date: dt.date, **changes: Any) -> list[Position]:
    """THE rule of a position change from ``date`` on: two segments if it started before (the
    later one at the seniority step it has reached by then)."""
    if p.end is not None and p.end < date:
        return [p]
    if p.start is not None and p.start >= date:
        return [dataclasses.replace(p, **changes)]
    before = dataclasses.replace(p, end=date - dt.timedelta(days=1))
    ref = base.staff_params.reference_year
    step_at = p.step + max(date.year - max(ref, p.start.year if p.start else ref), 0)
    after = dataclasses.replace(p, start=date, **{"step": step_at, **changes})
    return [before, after]


#: The fields of a change that may differ within a group of equal changes (one name or several)
Vary = str | tuple[str, ...] | None


def _groups(chs: Sequence[Any], vary: Vary = None) -> list[tuple[np.ndarray, Any]]:
    """Positions in ``chs`` grouped by equal change (see :func:`_grouped`): (positions, first change)."""
    return [(members, rep) for members, rep, _, _ in _grouped(chs, vary)]


def _grouped(chs: Sequence[Any], vary: Vary = None) -> list[tuple[np.ndarray, Any, list[Any], np.ndarray]]:
    """Positions in ``chs`` grouped by equal change: the same object first, then equal fields;
    ``vary``: fields that may differ within a group (the rule takes them per scenario). Per group:
    (its positions in ``chs``, its first change, its distinct change objects, per position which
    of those it has)."""
    ids = np.fromiter(map(id, chs), dtype=np.int64, count=len(chs))
    _, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    if len(first) == 1:
        return [(np.arange(len(chs)), chs[0], [chs[0]], np.zeros(len(chs), dtype=np.intp))]
    objects = [chs[j] for j in first.tolist()]
    keys: list[tuple] = []
    if len(set(map(type, objects))) == 1:  # one change type (a step): its fields, read by one getter
        keys = list(map(_fields_getter(type(objects[0]), vary), map(vars, objects)))
        try:
            distinct = dict.fromkeys(keys)
        except TypeError:  # a dict or list among the fields
            keys = []
    if not keys:
        keys = [_group_key(o, vary) for o in objects]
        distinct = dict.fromkeys(keys)
    if len(distinct) == 1:
        return [(np.arange(len(chs)), objects[0], objects, inverse)]
    numbers = {k: g for g, k in enumerate(distinct)}  # group key -> group number
    group = np.fromiter(map(numbers.__getitem__, keys), dtype=np.intp, count=len(keys))
    of = group[inverse]
    out = []
    for g in range(len(numbers)):
        mine = np.flatnonzero(group == g)  # the group's distinct objects (their numbers)
        members = np.flatnonzero(of == g)
        out.append((members, objects[mine[0]], [objects[u] for u in mine.tolist()],
                    np.searchsorted(mine, inverse[members])))
    return out


def _fields_getter(cls: type, vary: Vary) -> Callable[[Mapping[str, Any]], tuple]:
    """The getter of a change type's fields but ``vary`` (one tuple) from a change's ``vars()``
    (a pydantic model keeps its fields there; read in C, without the model's attribute hooks)."""
    getter = _GETTERS.get((cls.__name__, vary))
    if getter is None:
        varied = (vary,) if isinstance(vary, str) else vary or ()
        names = [name for name in cls.model_fields if name not in varied]  # type: ignore[attr-defined]
        get = operator.itemgetter(*names)
        getter = _GETTERS[cls.__name__, vary] = get if len(names) > 1 else lambda c: (get(c),)
    return getter


def _group_key(ch: Any, vary: Vary = None) -> tuple:
    """A change's fields (but ``vary``) as a hashable key: equal keys, equal changes."""
    values = _fields_getter(type(ch), vary)(vars(ch))
    try:
        hash(values)
    except TypeError:  # a dict or list among the fields
        values = tuple(_frozen(v) for v in values)
    return (type(ch), *values)


#: (change type, varying field) -> the getter of its other fields
_GETTERS: dict[tuple[str, Vary], Callable[[Mapping[str, Any]], tuple]] = {}


def _frozen(value: Any) -> Any:
    """A change's fields as a hashable key (equal keys: equal changes)."""
    if hasattr(value, "__pydantic_fields__"):
        return (type(value).__name__, *(_frozen(v) for v in value.__dict__.values()))
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


_SUBSIDY_DATE = operator.itemgetter("subsidy", "date")  # of a change's vars()
_EXTENDS_CHANGES = operator.itemgetter("extends", "changes")  # of a scenario's vars()

#: The fields of an index change that decide its form (:meth:`Engine._apply_index`)
_index_fields = operator.itemgetter("rate", "rates", "crossings", "extra_crossings", "classes")  # of vars()


#: A change's text for the audit trail: fixed, or made on demand from the scenario index.
Text = str | Callable[[int], str]
#: What a change type's rule gives back for the audit trail: a text per scenario it ran on, or
#: one function of (scenario index, change) for all of them.
Texts = list[Text] | Callable[[int, Any], str]


# -- the engine ------------------------------------------------------------------------------------
class Engine:
    """Applies scenarios to one baseline, all at once: step k of every scenario together, each
    change type by one rule function over the scenarios that have it (:meth:`run_many`)."""

    def __init__(self, baseline: Baseline) -> None:
        self.base = baseline

    # -- public -------------------------------------------------------------------------------
    def run(self, scenario: Scenario, library: ScenarioLibrary | None = None) -> ScenarioRun:
        """One scenario: a batch of one."""
        return self.run_many([scenario], library).run(0)

    def run_state(self, scenario: Scenario, library: ScenarioLibrary | None = None) -> tuple[ScenarioRun, RunState]:
        """The run and the state it ends in (roster, subsidy windows, member contribution)."""
        runs = self.run_many([scenario], library)
        return runs.run(0), runs.state(0)

    def run_many(self, scenarios: Sequence[Scenario], library: ScenarioLibrary | None = None, *,
                 audit: bool = True) -> ScenarioRuns:
        """Run S scenarios (each with the chain it extends) as one state with a scenario axis.
        ``audit``: keep what is needed for each change's effect (the audit trail)."""
        with collector_paused(), _BLAS.limit(limits=1, user_api="blas"):
            return self._run_many(scenarios, library, audit)

    def _run_many(self, scenarios: Sequence[Scenario], library: ScenarioLibrary | None, audit: bool) -> ScenarioRuns:
        base = self.base
        # (fields read from the models' __dict__ in C: a batch reads thousands of them)
        chains: list[list[Scenario]] = []
        changes: list[list[Any]] = []
        for s, (extends, own) in zip(scenarios, map(_EXTENDS_CHANGES, map(vars, scenarios)), strict=True):
            if not extends or extends == BASELINE:
                chains.append([s])
                changes.append(own)
                continue
            if library is None:
                library = ScenarioLibrary(list(scenarios))
            chains.append(library.chain(s))
            changes.append([c for t in chains[-1] for c in t.changes])
        size = len(scenarios)
        st = _State(base, size)
        # step k of every scenario, by change type: (scenario indexes, their changes)
        steps: list[dict[str, tuple[list[int], list[Any]]]] = []
        if len(set(map(len, changes))) == 1:  # as many changes each (a Monte Carlo): step by step at once
            for column in zip(*changes, strict=True):
                if len(set(map(type, column))) == 1:  # one change class: one change type
                    steps.append({column[0].type: (list(range(size)), list(column))})
                    continue
                step: dict[str, tuple[list[int], list[Any]]] = {}
                for i, ch in enumerate(column):
                    got = step.get(ch.type)
                    if got is None:
                        got = step[ch.type] = ([], [])
                    got[0].append(i)
                    got[1].append(ch)
                steps.append(step)
        else:
            for i, scenario_changes in enumerate(changes):
                for k, ch in enumerate(scenario_changes):
                    if k == len(steps):
                        steps.append({})
                    got = steps[k].get(ch.type)
                    if got is None:
                        got = steps[k][ch.type] = ([], [])
                    got[0].append(i)
                    got[1].append(ch)
        totals_history = [st.totals.copy()] if audit else []
        wage_history = [st.wage_cost()] if audit else []
        texts: list[list[tuple[np.ndarray, Texts]]] = []
        shared = size > 1  # so far every scenario had the very same changes: their states are equal
        everyone = np.arange(size)
        for step in steps:
            step_texts: list[tuple[np.ndarray, Texts]] = []
            uniform = shared  # every scenario's state is still the same
            if shared and len(step) == 1:
                ((kind, (members, chs)),) = step.items()
                shared = len(members) == size and all(ch is chs[0] for ch in chs)
                if shared:  # one row computes the step, every row gets its state
                    one = np.array([0])
                    got = getattr(self, f"_apply_{kind}")(st, one, chs[:1])
                    st.copy_row(0)
                    step_texts.append((np.arange(size), functools.partial(_text_of_first, [(one, got)])))
                    texts.append(step_texts)
                    if audit:
                        totals_history.append(st.totals.copy())
                        wage_history.append(st.wage_cost())
                    continue
            shared = False
            for kind, (members, chs) in step.items():
                idx = everyone if len(members) == size else np.array(members)
                st.uniform, uniform = uniform, False
                got = getattr(self, f"_apply_{kind}")(st, idx, chs)
                st.uniform = False
                step_texts.append((idx, got))
            texts.append(step_texts)
            if audit:
                totals_history.append(st.totals.copy())
                wage_history.append(st.wage_cost())
        wage = st.wage_cost()
        minimum = base.minimum_reserve(wage)
        if minimum is not None:
            minimum = np.broadcast_to(minimum, (size, len(base.years))).copy()
        lines = m2_arrays(st.totals, **base.m2_inputs)

        def full(i: int) -> ScenarioRun:
            return self._one(st, i, scenarios[i], chains[i], changes[i], runs, totals_history, wage_history, texts)

        runs = ScenarioRuns(tuple(s.name for s in scenarios), base.years, lines, minimum, wage, base.m2, full,
                            _state=st.view)
        return runs

    def _one(self, st: _State, i: int, scenario: Scenario, chain, changes, runs: ScenarioRuns,
             totals_history, wage_history, texts) -> ScenarioRun:
        base = self.base
        effects = []
        if totals_history:
            steps = m2_arrays(np.stack([t[i] for t in totals_history[: len(changes) + 1]]), **base.m2_inputs)
            minres = [base.minimum_reserve(w[i]) for w in wage_history[: len(changes) + 1]]
            for j, ch in enumerate(changes, start=1):
                deltas = {k: steps[k][j] - steps[k][j - 1] for k in LINE_KEYS}
                now, before = minres[j], minres[j - 1]
                mr = None if now is None or before is None else now - before
                text = ch.description or _text_for(texts[j - 1], i, ch)
                effects.append(ChangeEffect(j, ch.type, text, deltas, mr))
        keys = [k for k in st.line_keys() if k in base.lines or np.any(st.lines[k][i])]
        amounts = np.vstack([st.lines[k][i] if k in st.lines else base.lines[k] for k in keys])
        plan = Plan(years=base.years, keys=tuple(keys), amounts=amounts, actions=base.plan.actions)
        return ScenarioRun(name=scenario.name, title=scenario.title or scenario.name,
                           description=scenario.description, plan=plan, m2=runs.m2(i), baseline=base.m2,
                           effects=tuple(effects), wage_cost=runs.wage_cost[i].copy(),
                           extends=tuple(s.name for s in chain[:-1]))

    # -- lines and the member contribution -----------------------------------------------------------
    def _apply_line(self, st: _State, idx: np.ndarray, chs: Sequence[LineChange]) -> Texts:
        """A line change adds its amounts to the line, per year."""
        years = self.base.years
        amounts = _per_year(chs, "amounts", years, years, 0.0, f"jaren {years[0]}-{years[-1]}")
        by_line: dict[tuple, list[int]] = {}
        for j, ch in enumerate(chs):
            by_line.setdefault((ch.action, ch.category, ch.direction), []).append(j)
        for (action, category, direction), members in by_line.items():
            self.base.check_action(chs[members[0]], action)
            st.add(LineKey(action, CATEGORIES.index(category), O if direction == "O" else U), idx[members],
                   amounts[members])
        return lambda _i, ch: f"Bijsturing {ch.action} {ch.category} {ch.direction}"

    def _apply_contribution(self, st: _State, idx: np.ndarray, chs: Sequence[ContributionChange]) -> Texts:
        """The member contribution times a factor from a year on (``pct``, or a new amount per inhabitant)."""
        years = self.base.years
        in_plan = set(years)
        has = np.all(np.any(st.contribution[idx], axis=1))
        factor = np.empty(len(chs))
        from_year = np.empty(len(chs))
        yearly: list[int] = []  # changes with a percentage per year (pcts)
        for j, ch in enumerate(chs):
            if ch.pcts is not None:
                yearly.append(j)
            elif ch.from_year not in in_plan:
                raise ch.error(f"jaar {ch.from_year} valt buiten het plan", "from_year",
                               f"een jaar in {years[0]}-{years[-1]}")
            if not has:
                raise ch.error("het plan heeft geen bijdrage van de lokale besturen (parameter 'Bijdrage lokale "
                               "besturen')", None, "een rij 'Bijdrage lokale besturen' op het blad Parameters")
            if ch.pct is not None:
                factor[j] = 1.0 + ch.pct  # a fraction (w13xl.scenario.spec.as_fraction): 0.05 = +5%
            elif ch.per_inhabitant is not None:
                factor[j] = ch.per_inhabitant / self._per_inhabitant(ch)
            else:
                factor[j] = 1.0
            from_year[j] = years[0] if ch.from_year is None else ch.from_year
        mask = (np.asarray(years)[None, :] >= from_year[:, None]).astype(float)
        multiplier = 1.0 + (factor[:, None] - 1.0) * mask
        if yearly:  # each year's percentage from that year on: the product of the years so far
            growth = _per_year([chs[j] for j in yearly], "pcts", years, years, 0.0, f"jaren in {years[0]}-{years[-1]}")
            multiplier[yearly] = np.cumprod(1.0 + growth, axis=1)
        step = multiplier - 1.0
        delta = st.contribution[idx] * step
        st.contribution[idx] += delta
        st.contribution_fixed[idx] *= multiplier
        st.add(LineKey(CONTRIBUTION_ACTION, EXPLOITATIE, O), idx, delta)
        return self._describe_contribution

    def _per_inhabitant(self, ch: ContributionChange) -> float:
        """The plan's first-year member contribution per inhabitant."""
        inhabitants = self.base.params.inhabitants
        if not inhabitants:
            raise ch.error("per_inhabitant vraagt het aantal inwoners (parameter 'Inwoners')",
                           "per_inhabitant", "een rij 'Inwoners' op het blad Parameters")
        return float(self.base.contribution[0] / inhabitants)

    def _describe_contribution(self, _i: int, ch: ContributionChange) -> str:
        if ch.pcts is not None:
            parts = ", ".join(f"{y}: {p * 100:+.1f}%".replace(".", ",") for y, p in sorted(ch.pcts.items()))
            return f"Bijdrage lokale besturen per jaar ({parts}), telkens vanaf dat jaar"
        if ch.pct is not None:
            what = f"{ch.pct * 100:+.1f}%".replace(".", ",")
        else:
            what = f"{ch.per_inhabitant:.4f} euro per inwoner (was {self._per_inhabitant(ch):.4f})".replace(".", ",")
        return f"Bijdrage lokale besturen {what} vanaf {ch.from_year}"

    # -- index ----------------------------------------------------------------------------------------
    def _apply_index(self, st: _State, idx: np.ndarray, chs: Sequence[IndexChange]) -> Texts:
        """New multiplier paths for the index classes; every exposed line follows (:meth:`_set_paths`).
        Changes of one form (rate, rates, inflation, crossings) are computed together."""
        keys = [("rate" if rate is not None else "rates" if rates is not None else
                 "crossings" if crossings is not None or extra is not None else "inflation", tuple(classes),
                 extra is not None) for rate, rates, crossings, extra, classes in map(_index_fields, map(vars, chs))]
        if len(set(keys)) == 1:
            forms = {keys[0]: np.arange(len(chs))}
        else:
            forms = {k: np.flatnonzero([key == k for key in keys]) for k in dict.fromkeys(keys)}
        for (form, _classes, _extra), members in forms.items():
            group = list(chs) if len(members) == len(chs) else [chs[j] for j in members.tolist()]
            paths = self._index_paths(st, idx[members], form, group)
            self._set_paths(st, idx[members], paths)
        return _describe_index

    def _index_paths(self, st: _State, idx: np.ndarray, form: str, chs: Sequence[IndexChange]) -> dict[str, np.ndarray]:
        """The index paths of index changes of one form: class -> (len(chs), years) multipliers,
        each distinct change object computed once (:meth:`_paths_of`). Extra crossings move the
        scenario's own wage path."""
        ids = np.fromiter(map(id, chs), dtype=np.int64, count=len(chs))
        _, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
        paths = self._paths_of(form, [chs[j] for j in first.tolist()])
        paths = {k: v[inverse.reshape(-1)] for k, v in paths.items()}
        if form == "crossings" and chs[0].extra_crossings is not None:
            paths["loon"] = st.mult["loon"][idx] * paths["loon"]
        return paths

    def _paths_of(self, form: str, chs: Sequence[IndexChange]) -> dict[str, np.ndarray]:
        """THE index paths of index changes of one form (without the state)."""
        years = list(self.base.years)
        n, t0 = len(years), years[0]
        base_rate = float(self.base.params.index_rate)
        classes = _index_classes(chs[0])  # the changes of one form group name the same classes
        if form == "rate":
            rate = np.array([ch.rate for ch in chs], dtype=np.float64)
            return dict.fromkeys(classes, (1.0 + rate[:, None]) ** np.arange(n))
        if form == "rates":
            rates = _per_year(chs, "rates", years, years[1:], base_rate)
            growth = np.concatenate([np.ones((len(chs), 1)), 1.0 + rates], axis=1)
            return dict.fromkeys(classes, np.cumprod(growth, axis=1))
        if form == "crossings":
            out = np.empty((len(chs), n))
            cache: dict[tuple, np.ndarray] = {}
            for j, ch in enumerate(chs):
                key = tuple(ch.months)
                if key not in cache:
                    for m in ch.months:
                        if not t0 - 1 <= m[0] <= years[-1]:
                            raise ch.error(f"spilindexoverschrijding {m[0]}-{m[1]:02d} valt buiten het plan",
                                           "crossings" if ch.crossings is not None else "extra_crossings")
                    steps = ix.wage_steps_from_crossings(ch.months)
                    cache[key] = ix.yearly_average_multipliers(ix.monthly_level(steps, (t0, 1), 12 * n), (t0, 1), years)
                out[j] = cache[key]
            return {"loon": out}
        # inflation: a health index path through the pivot mechanism (wages), CPI for the rest
        paths = inflation_paths(_per_year(chs, "inflation", years, years, base_rate), years)
        return {c: paths[c] for c in classes if c in paths}

    def _set_paths(self, st: _State, idx: np.ndarray, paths: dict[str, np.ndarray]) -> None:
        """THE index rule: the classes move to new multiplier paths; each line moves by its part
        exposed to a class (:func:`line_exposure`) x (new / old multiplier - 1); the member
        contribution's CPI-linked part follows ``bijdrage``."""
        if "loon" in paths:
            paths["volgt_loon"] = paths["loon"]
        change = {k: paths[k] / st.mult[k][idx] - 1.0 for k in paths if k in CLASSES}
        moving = tuple(sorted(change))
        rows = idx[:1] if st.uniform else idx  # every state the same: the exposures of one hold for all
        wage = st.wage_parts(rows)
        deltas = []
        for key in st.line_keys():
            hit = _may_move(self.base, key, moving)
            if not hit or (hit == BY_ROSTER and key.action not in wage):
                continue
            exp = line_exposure(self.base, key, st.line(key, rows), wage)
            delta = None
            for klass, r in change.items():
                part = exp.amounts.get(klass)
                if part is not None:
                    delta = part * r if delta is None else delta + part * r
            if delta is not None:
                deltas.append((key, delta))
        for key, delta in deltas:
            st.add(key, idx, delta)
        if "bijdrage" in paths:
            linked = st.contribution[idx] - st.contribution_fixed[idx]
            delta = linked * change["bijdrage"]
            st.contribution[idx] += delta
            st.add(LineKey(CONTRIBUTION_ACTION, EXPLOITATIE, O), idx, delta)
        for k, path in paths.items():
            st.mult[k][idx] = path

    def _apply_indexsprong(self, st: _State, idx: np.ndarray, chs: Sequence[IndexsprongChange]) -> list[Text]:
        """The rule of an indexsprong (see :func:`skip_indexation`)."""
        years = list(self.base.years)
        texts: list[Text] = [""] * len(chs)
        for members, ch in _groups(chs):
            if ch.year is not None and not years[0] < ch.year <= years[-1]:
                raise ch.error(f"jaar {ch.year} ligt niet in het plan na het eerste jaar", "year",
                               f"een jaar in {years[1]}-{years[-1]} (het peil van het eerste jaar is de basis van "
                               "het plan)")
            crossing = None
            if ch.crossing is not None:
                y, m = (int(x) for x in ch.crossing.split("-"))
                if not years[0] - 1 <= y <= years[-1]:
                    raise ch.error(f"spilindexoverschrijding {ch.crossing} valt buiten het plan", "crossing")
                crossing = (y, m)
            sel = idx[members]
            paths = {c: skip_indexation(st.mult[c][sel], years, ch.year, crossing) for c in ch.classes}
            self._set_paths(st, sel, paths)
            what = f"jaar {ch.year}" if crossing is None else f"overschrijding {crossing[1]:02d}/{crossing[0]}"
            for j in members:
                texts[j] = f"Indexsprong ({', '.join(sorted(paths))}): {what} overgeslagen"
        return texts

    # -- staffing -------------------------------------------------------------------------------------
    def _apply_hire(self, st: _State, idx: np.ndarray, chs: Sequence[HireChange]) -> list[Text]:
        base = self.base
        texts: list[Text] = [""] * len(chs)
        for members, ch in _groups(chs):
            base.check_action(ch, ch.action)
            base.check_date(ch, ch.start, "start")
            if ch.end is not None and ch.end < ch.start:
                raise ch.error("einde ligt voor start", "end")
            if ch.funded_by != BASE_FUNDING and ch.funded_by not in base.subsidies:
                raise ch.error(f"onbekende financiering '{ch.funded_by}'", "funded_by",
                               "basiswerking of een subsidie-id")
            if base.scales is not None and ch.scale not in base.scales:
                raise ch.error(f"onbekende weddeschaal '{ch.scale}'", "scale",
                               f"een van: {', '.join(base.scales.names)}")
            sel = idx[members]
            st.hired[sel] += 1
            pids = [ch.id or f"NIEUW-{st.hired[i]}" for i in sel]
            for pid in dict.fromkeys(pids):
                who = sel[np.array([p == pid for p in pids])]
                st.hire(who, Position(id=pid, function=ch.function, level=ch.level, scale=ch.scale, step=ch.step,
                                      fte=ch.fte, action=ch.action, funded_by=ch.funded_by, start=ch.start,
                                      end=ch.end))
            fte = f"{ch.fte:g}".replace(".", ",")
            for j in members:
                texts[j] = (f"Aanwerving {fte} VTE {ch.level} ({ch.scale}, trap {ch.step}) op {ch.action} "
                            f"vanaf {ch.start:%d/%m/%Y}")
        return texts

    def _positions(self, st: _State, idx: np.ndarray, chs: Sequence[Any],
                   new_rows: Callable[[Any], Callable[[Position], Sequence[Position]]],
                   text: Callable[[Any], str], check: Callable[[Any], None] | None = None) -> list[Text]:
        """A change of one position from a date: its rows become ``new_rows(change)(row)``."""
        texts: list[Text] = [""] * len(chs)
        for members, ch in _groups(chs):
            if check is not None:
                check(ch)
            self.base.check_date(ch, ch.date)
            sel = idx[members]
            st.swap(sel, st.rows_with_id(ch, ch.position, sel), new_rows(ch))
            for j in members:
                texts[j] = text(ch)
        return texts

    def _apply_end_position(self, st: _State, idx: np.ndarray, chs: Sequence[EndPositionChange]) -> list[Text]:
        def ended(ch: EndPositionChange) -> Callable[[Position], list[Position]]:
            return lambda p: ([p] if p.end is not None and p.end <= ch.date else
                              [] if p.start is not None and p.start > ch.date else
                              [dataclasses.replace(p, end=ch.date)])
        return self._positions(st, idx, chs, ended, lambda ch: f"Positie {ch.position} stopt op {ch.date:%d/%m/%Y}")

    def _apply_fte(self, st: _State, idx: np.ndarray, chs: Sequence[FteChange]) -> list[Text]:
        return self._positions(st, idx, chs, lambda ch: lambda p: _split(self.base, p, ch.date, fte=ch.fte),
                               lambda ch: f"Positie {ch.position} naar {ch.fte:g} VTE vanaf "
                                          f"{ch.date:%d/%m/%Y}".replace(".", ",", 1))

    def _apply_step(self, st: _State, idx: np.ndarray, chs: Sequence[StepChange]) -> list[Text]:
        return self._positions(st, idx, chs, lambda ch: lambda p: _split(self.base, p, ch.date, step=ch.step),
                               lambda ch: f"Positie {ch.position} naar trap {ch.step} vanaf {ch.date:%d/%m/%Y}")

    def _apply_move(self, st: _State, idx: np.ndarray, chs: Sequence[MoveChange]) -> list[Text]:
        base = self.base

        def check(ch: MoveChange) -> None:
            base.check_action(ch, ch.action)
            if ch.funded_by is not None and ch.funded_by != BASE_FUNDING and ch.funded_by not in base.subsidies:
                raise ch.error(f"onbekende financiering '{ch.funded_by}'", "funded_by",
                               "basiswerking of een subsidie-id")

        def moved(ch: MoveChange) -> Callable[[Position], list[Position]]:
            changes: dict[str, Any] = {"action": ch.action}
            if ch.funded_by is not None:
                changes["funded_by"] = ch.funded_by
            return lambda p: _split(base, p, ch.date, **changes)

        return self._positions(st, idx, chs, moved,
                               lambda ch: f"Positie {ch.position} naar {ch.action} vanaf {ch.date:%d/%m/%Y}", check)

    # -- subsidies ------------------------------------------------------------------------------------
    def _subsidy(self, ch: Any) -> Subsidy:
        s = self.base.subsidies.get(ch.subsidy)
        if s is None:
            raise ch.error(f"onbekende subsidie '{ch.subsidy}'", "subsidy",
                           f"een subsidie van het blad 'Subsidies': {', '.join(self.base.subsidies) or '(geen)'}")
        return s

    def _apply_subsidy_end(self, st: _State, idx: np.ndarray, chs: Sequence[SubsidyEndChange]) -> Texts:
        """The subsidy ends on ``ch.date``; ``ch.policy`` says what happens to the project
        (see :data:`SUBSIDY_END_POLICIES`). Early and planned ends follow the same rules: the
        lost months (after the date, inside the subsidy's window) lose the subsidy, and the
        staff rule of the policy applies to the funded positions from the date on. A date after
        the window's end renews the subsidy to that date. Ends with one policy are computed
        together, each scenario with its own subsidy and date."""
        base = self.base
        renewed: set[int] = set()  # scenarios whose end date lies after the window: a renewal
        describe: dict[tuple, Callable[[int], str]] = {}  # (change but subsidy and date, subsidy, date) -> text
        plan_end = dt.date(base.years[-1], 12, 31).toordinal()
        vary = ("subsidy", "date")
        for members, ch, objects, which in _grouped(chs, vary=vary):
            sids, dates = map(list, zip(*map(_SUBSIDY_DATE, map(vars, objects)), strict=True))
            items = {sid: self._subsidy(objects[sids.index(sid)]) for sid in dict.fromkeys(sids)}
            for d, o in dict(zip(reversed(dates), reversed(objects), strict=True)).items():
                base.check_date(o, d)
            number = {sid: j for j, sid in enumerate(items)}
            ks = np.fromiter(map(number.__getitem__, sids), dtype=np.intp, count=len(sids))[which]
            day = np.fromiter(map(dt.date.toordinal, dates), dtype=np.int64, count=len(dates))[which]
            sel = idx[members]
            subs = _Subs(list(items.values()), ks, np.array([st.sub_number[sid] for sid in items])[ks])
            end = st.end_days[subs.numbers, sel]
            later = (end < _OPEN) & (day > end)
            if ch.policy == "keep_project":
                # the whole project goes on to the end of the plan: the renewal's costs, without its subsidy
                later |= end < plan_end
            if np.any(later):
                for j, x in enumerate(subs.items):
                    renew = later & (ks == j)
                    if np.any(renew):  # a date after the window: renewed to it (keep_project: to the plan's end)
                        beyond = renew & (day > end)
                        until = [dt.date.fromordinal(d) for d in np.where(beyond, day, plan_end)[renew].tolist()]
                        self._renew(st, sel[renew], objects[sids.index(x.id)], x, until, None)
                        renewed.update(sel[beyond].tolist())
                go = ~((end < _OPEN) & (day > end))
                sel, members, day, which = sel[go], members[go], day[go], which[go]
                subs = _Subs(subs.items, subs.ks[go], subs.numbers[go])
            if not len(sel):
                continue
            # per (subsidy, date) pair: its rule; each scenario has one pair (its variant)
            codes, first, variant = np.unique(subs.ks.astype(np.int64) * _OPEN + day, return_index=True,
                                              return_inverse=True)
            variant = variant.reshape(-1)
            pairs = [(int(c // _OPEN), dt.date.fromordinal(int(c % _OPEN)), objects[w])
                     for c, w in zip(codes.tolist(), which[first].tolist(), strict=True)]
            month = np.array([month_number(d) for _, d, _ in pairs], dtype=np.int64)[variant]
            funded = st.funded(subs, sel)
            rows, counts = funded
            positions = [st.rows[r] for r in rows]
            st.end_subsidy(subs, sel, month + 1, ch.kept, funded)
            # the notice of each pair: one call per subsidy for all its dates, on its first change
            # (which a message names), with the funded positions any of its scenarios has
            notices_of: list[dict[str, int]] = [{}] * len(pairs)
            if ch.policy == "stop":
                notices_of = []
                for j in dict.fromkeys(k for k, _, _ in pairs):
                    has = np.any(counts[subs.ks == j] > 0, axis=0).tolist()
                    dated = [(d, at) for k, d, at in pairs if k == j]
                    notices_of += notice_months_on(base, dated[0][1], [p for p, h in zip(positions, has, strict=True)
                                                                       if h], [d for d, _ in dated])
            key = _group_key(ch, vary)
            rules = []
            for (j, date, at), notices in zip(pairs, notices_of, strict=True):  # (subsidy, date, its first change)
                x = subs.items[j]
                rules.append(lambda p, at=at, notices=notices: staff_after_end([p], at.policy, at.date, at.share,
                                                                               notices))
                describe[key, x.id, date] = functools.partial(self._describe_end, x, at, positions, counts, sel,
                                                              notices)
            st.add_each(subs, U, sel, st.swap(sel, rows, rules, route=False, variant=variant, counts=counts))
            end = st.end_days[subs.numbers, sel]
            shorter = (end >= _OPEN) | (day < end)
            st.end_days[subs.numbers, sel] = np.where(shorter, day, end)
            st.end_month_numbers[subs.numbers, sel] = np.where(shorter, month, st.end_month_numbers[subs.numbers, sel])

        def text(i: int, ch: SubsidyEndChange) -> str:
            s = base.subsidies[ch.subsidy]
            if i in renewed:
                return f"Subsidie {s.name} ({s.id}) loopt door tot {ch.date:%d/%m/%Y}"
            return describe[_group_key(ch, vary), s.id, ch.date](i)

        return text

    def _describe_end(self, s: Subsidy, ch: SubsidyEndChange, rows: list[Position], present: np.ndarray,
                      sel: np.ndarray, notices: Mapping[str, int], i: int) -> str:
        """The audit text of a subsidy end for scenario ``i`` (its funded positions: the ``rows``
        that scenario ``sel[k] = i`` had, ``present[k]``)."""
        funded = [p for p, c in zip(rows, present[int(np.searchsorted(sel, i))], strict=True) if c > 0]
        details = notice_details(self.base, ch, funded) if ch.policy == "stop" else {}
        notices = {p.id: notices[p.id] for p in funded if p.id in notices}
        desc = describe_subsidy_end(s, ch, notices, details)
        if details:
            # the other notice variant in one figure: the staff cost of the statutory notice
            # months after the stop date (never past a planned end), at the plan's wage index
            after = staff_after_end(funded, "stop", ch.date, None, {k: d.months for k, d in details.items()})
            in_time = staff_after_end(funded, "stop", ch.date, None, {})
            loon = self.base.base_mult["loon"]
            extra = float(np.sum(self.base.roster_cost(after, loon) - self.base.roster_cost(in_time, loon)))
            desc += (f"; loonkost van de wettelijke opzeg na de stopdatum (verschil tussen opzeg na stopzetting en "
                     f"tijdig, aan de index van het plan): {euro(extra, 2)} euro")
        if funded and ch.policy != "keep_project" and self.base.roster_illustrative:
            desc += f" ({ILLUSTRATIVE_LABEL})"
        return desc

    def _apply_subsidy_cut(self, st: _State, idx: np.ndarray, chs: Sequence[SubsidyCutChange]) -> list[Text]:
        """From ``ch.date`` the subsidy pays ``ch.factor``. ``stop``: the project's costs
        (staff FTE included) fall with it, no notice; ``keep_staff``: the staff stay, the other
        costs fall; ``keep_project``: every cost stays; ``share``: that share of the lost part stays."""
        texts: list[Text] = [""] * len(chs)
        for members, ch in _groups(chs):
            s = self._subsidy(ch)
            self.base.check_date(ch, ch.date)
            sel = idx[members]
            lost = month_number(ch.date)
            fraction = 1.0 - ch.factor
            if ch.policy == "keep_staff":
                # staff cost stays: treat the whole window as the staff's "notice"
                st.lose(s, sel, lost, fraction, 0.0, 10**9)
            else:
                st.lose(s, sel, lost, fraction, ch.kept, None)
            if ch.kept < 1 and ch.policy != "keep_staff":
                keep_fte = 1.0 - fraction * (1.0 - ch.kept)
                def smaller(p: Position, ch: SubsidyCutChange = ch, k: float = keep_fte) -> list[Position]:
                    return _split(self.base, p, ch.date, fte=p.fte * k)

                st.swap(sel, st.funded(s, sel)[0], smaller, route=False)
            falls = {"stop": ": kosten dalen mee", "keep_staff": ": personeel blijft, andere kosten dalen mee",
                     "keep_project": "", "share": f": {(1 - ch.kept) * 100:.0f}% van de kosten daalt mee"}
            for j in members:
                texts[j] = (f"Subsidie {s.name} ({s.id}) daalt tot {ch.factor * 100:.0f}% vanaf {ch.date:%d/%m/%Y}"
                            + falls[ch.policy])
        return texts

    def _apply_subsidy_renew(self, st: _State, idx: np.ndarray, chs: Sequence[SubsidyRenewChange]) -> Texts:
        for members, ch, objects, which in _grouped(chs, vary="until"):
            s = self._subsidy(ch)
            for o in objects:
                self.base.check_date(o, o.until, "until")
            untils = [o.until for o in objects]
            self._renew(st, idx[members], ch, s, [untils[k] for k in which.tolist()], ch.amount, ch.budget_neutral)
        return self._describe_renew

    def _describe_renew(self, _i: int, ch: SubsidyRenewChange) -> str:
        s = self.base.subsidies[ch.subsidy]
        amount = "" if ch.amount is None else f" aan {euro(ch.amount, 2)} euro per jaar"
        if ch.budget_neutral:
            amount = " (budgetneutraal: de subsidie dekt de kosten van het project)"
        return f"Subsidie {s.name} ({s.id}) verlengd tot {ch.until:%d/%m/%Y}{amount}"

    def _renew(self, st: _State, idx: np.ndarray, ch: Any, s: Subsidy, untils: Sequence[dt.date],
               amount: float | None, budget_neutral: bool = False) -> None:
        """THE renewal rule: the subsidy runs on to ``untils`` (one date per scenario of ``idx``).
        Its receipts per month are its last full year's, indexed by its class (or ``amount``);
        the project's costs come back in the gained months where the baseline's had stopped, each
        part growing with its own class; the overhead recharge comes back either way.
        ``budget_neutral``: the subsidy pays the costs."""
        base = self.base
        n = st.n
        k_s = st.sub_number[s.id]
        end_o = st.end_days[k_s, idx]
        distinct = sorted(set(untils))
        number = {d: k for k, d in enumerate(distinct)}
        variant = np.fromiter((number[d] for d in untils), dtype=np.intp, count=len(untils))
        until_o = np.array([d.toordinal() for d in distinct])[variant]
        until_m = np.array([month_number(d) for d in distinct])[variant]
        bad = (end_o >= _OPEN) | (until_o <= end_o)
        if np.any(bad):
            end = _date_of_ordinal(end_o[np.argmax(bad)])
            raise ch.error(f"subsidie {s.id} loopt al tot {f'{end:%d/%m/%Y}' if end else 'het einde van het plan'}",
                           "until", f"een datum na {end:%d/%m/%Y}" if end else "een subsidie met een einddatum")
        k = len(idx)
        rows_k = np.arange(k)
        a = st.window(s, idx)
        end_m = st.end_month_numbers[k_s, idx]
        g = months_in_years(end_m + 1, until_m, st.years)  # the months the renewal adds
        if np.any(~np.any(a > 0, axis=1)):
            raise ch.error(f"subsidie {s.id} heeft geen maanden in het plan om van te verlengen", "amount",
                           "een bedrag voor de verlenging")
        # the last full year of the window, else its last year with months
        t = np.arange(n)
        t0 = np.where(np.any(a == 12, axis=1), np.max(np.where(a == 12, t, -1), axis=1),
                      np.max(np.where(a > 0, t, -1), axis=1))
        a0 = a[rows_k, t0].astype(float)
        o_line = (st.line(LineKey(s.action, EXPLOITATIE, O), idx) if s.amount is None
                  else np.full((k, n), float(s.amount)))
        u_key = LineKey(s.action, EXPLOITATIE, U)
        u_line = st.line(u_key, idx)
        klass = s.index_class
        ratio = np.ones((k, n)) if klass == "vast" else st.mult[klass][idx] / st.mult[klass][idx, t0][:, None]
        o_m = np.full((k, n), amount / 12.0) if amount is not None else (o_line[rows_k, t0] / a0)[:, None] * ratio
        exp = line_exposure(base, u_key, u_line, st.wage_parts(idx, s.action))
        u0 = u_line[rows_k, t0]
        positive = u0 > 0
        safe_u0 = np.where(positive, u0, 1.0)
        u_ratio = np.zeros((k, n))
        covered = np.zeros(k)
        for cls, part in exp.amounts.items():
            w = np.where(positive, part[rows_k, t0] / safe_u0, 0.0)
            covered += w
            growth = st.mult[cls][idx] / st.mult[cls][idx, t0][:, None] if cls in CLASSES else 1.0
            u_ratio += w[:, None] * growth
        u_ratio += (1.0 - covered)[:, None]
        wage_part = exp.amounts.get("loon", np.zeros((k, n)))[rows_k, t0]
        wage_share_t0 = np.where(positive, wage_part / safe_u0, 0.0)
        u_m = (u0 / a0)[:, None] * u_ratio
        # funded positions that end with the window go on to ``until``
        rows = [r for r in st.funded(s, idx)[0] if st.rows[r].end is not None]
        ends_at = np.array([st.rows[r].end.toordinal() for r in rows])  # type: ignore[union-attr]
        present = st.present[_cells(idx, rows)] * (ends_at[None, :] <= end_o[:, None]) if rows else np.zeros((k, 0))
        keep = np.any(present > 0, axis=0)
        rows, present = [r for r, kept in zip(rows, keep, strict=True) if kept], present[:, keep]
        def extended(until: dt.date) -> Callable[[Position], list[Position]]:
            return lambda p: [p.until(until)]

        staff_gain = st.swap(idx, rows, [extended(u) for u in distinct], route=False, variant=variant, counts=present)
        none = ~np.any(present > 0, axis=1)
        staff_gain = np.where(none[:, None], u_m * g * wage_share_t0[:, None], staff_gain)
        overhead = s.overhead_rate * staff_gain
        # costs that go on after the subsidy's end in the baseline (Kracht.Wonen) stay as they are
        # in every gained month; else the project's costs come back with the renewal
        after_end = np.asarray(base.years)[None, :] > (end_m // 12)[:, None]  # years after the window's end
        goes_on = np.any(after_end & (a == 0) & (u_line > 0.005), axis=1)
        continues = goes_on[:, None] | ((a == 0) & (u_line > 0.005))
        if budget_neutral:
            # plan 3.7: the renewed subsidy pays the project's costs. Where the plan lets the
            # costs go on without the subsidy (Kracht.Wonen), those costs carry their own
            # recharge already (plan 3.7: "Op actieniveau"): the receipts rise to the costs, pro
            # rata the months covered; nothing else moves. Where the costs come back with the
            # renewal ('t PACT), they come back with their recharge and the subsidy pays them.
            covered_y = np.minimum(a + g, 12) / 12.0
            o_now = st.line(LineKey(s.action, EXPLOITATIE, O), idx)
            top_up = np.where(g > 0, np.maximum(u_line * covered_y - o_now, 0.0), 0.0)
            back = u_m * g
            receipts = np.where(continues, top_up, back)
            overhead = np.where(continues, 0.0, overhead)
            costs = np.where(continues, 0.0, back)
        else:
            receipts = o_m * g
            costs = np.where(continues, overhead, u_m * g)
        st.add(LineKey(s.action, EXPLOITATIE, O), idx, receipts)
        st.add(u_key, idx, costs)
        st.add(LineKey(OVERHEAD_ACTION, EXPLOITATIE, O), idx, overhead)
        st.end_days[k_s, idx] = until_o
        st.end_month_numbers[k_s, idx] = until_m

    def _apply_overhead(self, st: _State, idx: np.ndarray, chs: Sequence[OverheadChange]) -> list[Text]:
        """The overhead recharge of the listed subsidies (all when none are listed) becomes
        ``ch.rate`` of their staff cost from ``ch.date`` (see :class:`OverheadChange`): in the
        subsidy's months from that date the recharge falls from what :meth:`_State.project_split`
        gives (the register's rate, capped by the line) to the new rate (same cap); the action's
        receipts and expenditure fall by the difference, and so do A50111's receipts."""
        base = self.base
        texts: list[Text] = [""] * len(chs)
        for members, ch in _groups(chs):
            base.check_date(ch, ch.date)
            ids = list(base.subsidies) if ch.subsidies is None else ch.subsidies
            unknown = [i for i in ids if i not in base.subsidies]
            if unknown:
                raise ch.error(f"onbekende subsidie '{unknown[0]}'", "subsidies",
                               f"subsidie-id's van het blad 'Subsidies': {', '.join(base.subsidies)}")
            sel = idx[members]
            after = month_number(ch.date)
            for sid in ids:
                s = base.subsidies[sid]
                if s.action == OVERHEAD_ACTION:
                    continue
                lost_y, _, u_m = st.lost_months(s, sel, after)
                staff_m, ovh_m, _ = st.project_split(s, sel, u_m)
                new_m = np.minimum(ch.rate * staff_m, u_m - staff_m)
                diff = (ovh_m - new_m) * lost_y
                st.add(LineKey(s.action, EXPLOITATIE, O), sel, -diff)
                st.add(LineKey(s.action, EXPLOITATIE, U), sel, -diff)
                st.add(LineKey(OVERHEAD_ACTION, EXPLOITATIE, O), sel, -diff)
            which = "alle gesubsidieerde acties" if ch.subsidies is None else ", ".join(ids)
            for j in members:
                texts[j] = (f"Overheadbijdrage {ch.rate * 100:.0f}% van de personeelskost vanaf {ch.date:%d/%m/%Y} "
                            f"({which})")
        return texts


def _text_of_first(step: Sequence[tuple[np.ndarray, Texts]], _i: int, ch: Any) -> str:
    """The audit text of a step that every scenario shared: the text of the row that computed it."""
    return _text_for(step, 0, ch)


def _text_for(step: Sequence[tuple[np.ndarray, Texts]], i: int, ch: Any) -> str:
    """The audit text of scenario ``i`` (its change ``ch``) in one step's groups."""
    for idx, texts in step:
        j = int(np.searchsorted(idx, i))
        if j < len(idx) and idx[j] == i:
            if callable(texts):
                return texts(i, ch)
            text = texts[j]
            return text if isinstance(text, str) else text(i)
    return ""


def _per_year(chs: Sequence[Any], name: str, years: Sequence[int], wanted: Sequence[int],
              default: float, expected: str | None = None) -> np.ndarray:
    """The changes' field ``name`` (year -> rate) as (len(chs), len(wanted)) rates, ``default``
    for a year a change does not give; a year outside the plan is refused, naming the change."""
    tables = [t or {} for t in map(operator.itemgetter(name), map(vars, chs))]
    every = operator.itemgetter(*wanted)
    want = set(wanted)
    if set(map(len, tables)) == {len(want)} and all(map(want.issubset, tables)):  # each gives exactly the years wanted
        return np.fromiter(itertools.chain.from_iterable(map(every, tables)), dtype=np.float64,
                           count=len(tables) * len(wanted)).reshape(len(chs), len(wanted))
    plan = set(years)
    if not all(map(plan.issuperset, tables)):
        ch, table = next((c, t) for c, t in zip(chs, tables, strict=True) if not plan.issuperset(t))
        y = next(y for y in table if y not in plan)
        raise ch.error(f"jaar {y} valt buiten het plan", name, expected)
    filled = dict.fromkeys(wanted, default)  # a year a change leaves out has the default
    return np.array([every(t) if t.keys() >= want else every({**filled, **t}) for t in tables],
                    dtype=np.float64).reshape(len(chs), len(wanted))


def _describe_index(_i: int, ch: IndexChange) -> str:
    if ch.rate is not None:
        what = f"{ch.rate * 100:.1f}% per jaar".replace(".", ",")
    elif ch.rates is not None:
        what = ", ".join(f"{y}: {r * 100:.1f}%".replace(".", ",") for y, r in sorted(ch.rates.items()))
    elif ch.inflation is not None:
        what = "inflatie " + ", ".join(f"{y}: {r * 100:.1f}%".replace(".", ",")
                                       for y, r in sorted(ch.inflation.items()))
    else:
        label = "extra spilindexoverschrijdingen" if ch.extra_crossings is not None else "spilindexoverschrijdingen"
        what = f"{label} " + ", ".join(f"{m:02d}/{y}" for y, m in ch.months)
    return f"Indexering ({', '.join(_index_classes(ch))}): {what}"


def _index_classes(ch: IndexChange) -> list[str]:
    """THE classes an index change moves (``volgt_loon`` goes with ``loon``; an inflation path
    named for ``loon`` alone, the default, moves every class): the paths and the audit text."""
    classes: set[str]
    if ch.crossings is not None or ch.extra_crossings is not None:
        classes = {"loon"}
    elif ch.rate is None and ch.rates is None:  # inflation: every class, or the ones named
        every: set[str] = {"loon", "prijzen", "bijdrage"}
        classes = every if list(ch.classes) == ["loon"] else {str(c) for c in ch.classes} & every
    else:
        classes = {str(c) for c in ch.classes}
    return sorted(classes | ({"volgt_loon"} if "loon" in classes else set()))


def inflation_paths(rates: np.ndarray, years: Sequence[int]) -> dict[str, np.ndarray]:
    """THE inflation rule: yearly inflation ``rates`` (paths x years) as index multipliers. Wages
    follow a health index path through the pivot mechanism (from the pivot after the December
    2025 crossing, :data:`PIVOT_AFTER_2025`); prices follow the rates; the member contribution
    follows the CPI of the year before."""
    years = list(years)
    t0 = years[0]
    rates = np.asarray(rates, dtype=np.float64)
    monthly = np.repeat((1.0 + rates) ** (1 / 12) - 1.0, 12, axis=-1)
    health = ix.bundled_health_index().slice((t0 - 1, 10), (t0 - 1, 12))
    health_path = ix.health_index_path(health, monthly)
    result = ix.pivot_mechanism(health_path.values, start=health_path.start, pivot=PIVOT_AFTER_2025, coefficient=1.0)
    level = result.coefficient[..., 3:] / result.coefficient[..., 3:4]
    wages = ix.yearly_average_multipliers(level, (t0, 1), years)
    growth = np.concatenate([np.ones((*rates.shape[:-1], 1)), 1.0 + rates[..., 1:]], axis=-1)
    prices = np.cumprod(growth, axis=-1)
    before = np.concatenate([np.ones((*rates.shape[:-1], 1)), 1.0 + rates[..., :-1]], axis=-1)
    contribution = np.cumprod(before, axis=-1)
    return {"loon": wages, "prijzen": prices, "bijdrage": contribution}


def run_scenarios(baseline: Baseline, scenarios: Sequence[Scenario], library: ScenarioLibrary | None = None, *,
                  audit: bool = True) -> ScenarioRuns:
    """Run S scenarios at once: M2 lines per key as (S, years) arrays, the minimum reserve, and
    each scenario's full run (plan, norms, audit trail) on demand. One scenario is a batch of one."""
    return Engine(baseline).run_many(scenarios, library, audit=audit)
