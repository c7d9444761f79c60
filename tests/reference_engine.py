"""Reference implementation of the scenario rules, scalar: one scenario at a time.

Kept ONLY as the test oracle for the array engine (issue 20): a frozen copy of
``w13xl/scenario/engine.py`` as it was on main commit c15d64f, before the engine was rebuilt on
arrays with a leading scenario axis. NOT part of the package: nothing in ``w13xl`` imports it,
and it imports no part of ``w13xl.scenario.engine`` (so a rule bug injected into the package's
engine shows up as a difference against this file, see ``tests/test_engine_oracle.py``). It
uses the package only for what is not the engine: indexation, M2, the plan model, parameters,
staffing, the subsidy register, the scenario specs and result types, errors and formatting.

Do not "fix" this file to follow the package: a rule that changes on purpose changes here in
the same commit, with its reason.

What was dropped from the copy (not needed to run a scenario): the ``run_scenario`` /
``run_scenarios`` shims, the sheet reader ``index_shares_from_grid``, ``Baseline.staff_check``,
``Baseline.share_vector`` and the loader-only fields (``warnings``, ``calibrate``).
:func:`reference_baseline` builds this module's :class:`Baseline` from a package baseline's inputs.

The original module docstring (the rules, as the finance officer reads them):

Applying a scenario to the baseline plan: index paths, staffing and subsidy changes.

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
  their statutory notice, :func:`notice_months_for`), ``keep_staff`` (W13 pays the staff, the
  other costs stop), ``keep_project`` (everything goes on), ``share``. Renewal adds the subsidy
  (its last full year's monthly amount, indexed by its class, or ``amount``) and, where the
  baseline's costs had stopped, the project's costs; the overhead recharge comes back either way.
* **Minimum reserve** (:func:`minimum_reserve_rule`): the plan's amount, moved by 10% of the
  scenario's change in roster wage cost.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from w13xl import indexation as ix
from w13xl.errors import InputError
from w13xl.fmt import euro
from w13xl.m2 import LINE_KEYS, M2Result, check_norms, compute_m2, designated_repayments, m2_arrays
from w13xl.model import CATEGORIES, EXPLOITATIE, LineKey, O, Plan, U
from w13xl.params import Parameters
from w13xl.scenario.result import ChangeEffect, ScenarioRun
from w13xl.scenario.spec import (
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
from w13xl.staffing import (
    CONTRACTUAL,
    ILLUSTRATIVE_LABEL,
    Notice,
    Position,
    SalaryScales,
    StaffParameters,
    active_months,
    cost_breakdown,
    head_shares,
    month_number,
    notice,
    roster_is_illustrative,
)
from w13xl.subsidies import Subsidy


def window_mask(start: dt.date | None, end: dt.date | None, years: Sequence[int]) -> np.ndarray:
    """Boolean per month of the plan years: is the window [start month, end month] active?"""
    first = years[0] * 12
    months = first + np.arange(12 * len(years))
    lo = month_number(start) if start else -10**9
    hi = month_number(end) if end else 10**9
    return (months >= lo) & (months <= hi)


def months_per_year(mask: np.ndarray) -> np.ndarray:
    """Sum a per-month array into per-year totals."""
    return mask.reshape(-1, 12).sum(axis=1)


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
        amounts[klass] = amounts.get(klass, np.zeros(n)) + value
        origins.setdefault(klass, origin)
        sources.setdefault(klass, source)

    rest = np.asarray(amount, dtype=np.float64)
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
    #: the plan's personnel cost per year (schema T2 line 2); kept with the inputs, no rule here reads it
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
        self._cost_cache: dict[Position, np.ndarray] = {}
        by_action: dict[str, list[Subsidy]] = {}
        for sub in self.subsidies.values():
            by_action.setdefault(sub.action, []).append(sub)
        self.subsidies_by_action = by_action
        #: each roster position's share of its person (for the per-head other personnel cost);
        #: positions added by a scenario count as one head
        self.head_share = head_shares(self.positions)
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
        out: dict[str, np.ndarray] = {}
        for p in positions:
            out[p.action] = out.get(p.action, 0.0) + self.position_cost(p)
        return {a: v * wage_multiplier for a, v in out.items()}

    def position_cost(self, p: Position) -> np.ndarray:
        """Employer cost per year of one position at wage multiplier 1 (cached)."""
        cost = self._cost_cache.get(p)
        if cost is None:
            if self.scales is None:
                raise InputError("het werkboek heeft geen weddeschalen (blad 'Weddeschalen')",
                                 file=self.file, expected="een blad 'Weddeschalen' voor personeelswijzigingen")
            try:
                share = {p.id: self.head_share.get(p.id, 1.0)}
                cost = cost_breakdown([p], self.scales, self.staff_params, self.years, shares=share).total[0]
            except ValueError as exc:
                raise InputError(str(exc), file=self.file, sheet="Personeel") from None
            self._cost_cache[p] = cost
        return cost

    def roster_cost(self, positions: Iterable[Position], wage_multiplier: np.ndarray) -> np.ndarray:
        total = np.zeros(len(self.years))
        for p in positions:
            total = total + self.position_cost(p)
        return total * wage_multiplier

    @property
    def roster_illustrative(self) -> bool:
        """The roster is (partly) the illustrative sample: position-driven outputs say so."""
        return roster_is_illustrative(self.positions)

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

    def subsidised(self, action: str, windows: Mapping[str, tuple]) -> tuple[np.ndarray, float]:
        """Per year: is the action paid by a subsidy (any month)? And its overhead rate."""
        subs = self.subsidies_by_action.get(action, [])
        if not subs:
            return np.zeros(len(self.years)), 0.0
        active = np.zeros(len(self.years))
        for s in subs:
            start, end = windows[s.id]
            active = np.maximum(active, months_per_year(window_mask(start, end, self.years)) > 0)
        return active, subs[0].overhead_rate

    def check_action(self, change, action: str, fieldname: str = "action") -> None:
        if action not in self.plan.actions:
            raise change.error(f"onbekende actie '{action}'", fieldname,
                               "een actie van het begrotingsblad, bv. A10302")

    def check_date(self, change, date: dt.date, fieldname: str = "date") -> None:
        if not self.years[0] <= date.year <= self.years[-1]:
            raise change.error(f"datum {date:%d/%m/%Y} valt buiten het plan ({self.years[0]}-{self.years[-1]})",
                               fieldname, f"een datum in {self.years[0]}-{self.years[-1]}")


class _Run:
    """The mutable state of one scenario run."""

    def __init__(self, base: Baseline) -> None:
        self.base = base
        self.years = base.years
        self.n = len(base.years)
        self.lines = dict(base.lines)
        self.totals = base.totals.copy()
        self.mult = dict(base.base_mult)
        self.contribution = base.contribution.copy()
        self.contribution_fixed = base.contribution_fixed.copy()
        self.positions = list(base.positions)
        self.windows = {s.id: (s.start, s.end) for s in base.subsidies.values()}
        self.hired = 0

    # -- lines ------------------------------------------------------------------------------
    def line(self, action: str, direction: int, category: int = EXPLOITATIE) -> np.ndarray:
        return self.lines.get(LineKey(action, category, direction), np.zeros(self.n))

    def add(self, action: str, direction: int, delta: np.ndarray, category: int = EXPLOITATIE) -> None:
        delta = np.asarray(delta, dtype=np.float64)
        if not np.any(delta):
            return
        key = LineKey(action, category, direction)
        self.lines[key] = self.lines.get(key, np.zeros(self.n)) + delta
        self.totals[category, direction] += delta

    # -- staff ------------------------------------------------------------------------------
    def wage_parts(self) -> dict[str, np.ndarray]:
        """The roster's employer cost per action in this state (the wage part of the U lines)."""
        return self.base.wage_parts(self.positions, self.mult["loon"]) if self.base.scales else {}

    def wage_cost(self) -> np.ndarray:
        """The annual wage cost of this state: the roster's employer cost at the state's wage index."""
        return self.base.roster_cost(self.positions, self.mult["loon"])

    def route_staff_cost(self, action: str, funded_by: str, delta: np.ndarray) -> None:
        """A change in staff cost on an action, with its overhead recharge and, for a
        subsidy-funded position, the subsidy that follows it."""
        active, rate = self.base.subsidised(action, self.windows)
        overhead = rate * delta * active
        self.add(action, U, delta + overhead)
        self.add(OVERHEAD_ACTION, O, overhead)
        if funded_by in self.base.subsidies:
            self.add(action, O, delta + overhead)

    def replace_positions(self, old: Sequence[Position], new: Sequence[Position], route: bool = True,
                          on: str | None = None) -> None:
        """Swap positions. ``route``: their cost change goes through :meth:`route_staff_cost`
        (overhead, funding); else, with ``on``, the bare cost change lands on that action's U."""
        loon = self.mult["loon"]
        delta = np.zeros(self.n)
        for p in old:
            self.positions.remove(p)
            if route:
                self.route_staff_cost(p.action, p.funded_by, -self.base.position_cost(p) * loon)
            else:
                delta -= self.base.position_cost(p)
        for p in new:
            self.positions.append(p)
            if route:
                self.route_staff_cost(p.action, p.funded_by, self.base.position_cost(p) * loon)
            else:
                delta += self.base.position_cost(p)
        if on is not None and not route:
            self.add(on, U, delta * loon)

    def position(self, change, pid: str) -> list[Position]:
        found = [p for p in self.positions if p.id == pid]
        if not found:
            raise change.error(f"onbekende positie '{pid}'", "position",
                               "een positie van het blad 'Personeel' (of een die eerder in het scenario is "
                               "aangeworven)")
        return found

    def split(self, p: Position, date: dt.date, **changes) -> list[Position]:
        """The position with ``changes`` from ``date`` on (two segments if it started before)."""
        if p.end is not None and p.end < date:
            return [p]
        if p.start is not None and p.start >= date:
            return [dataclasses.replace(p, **changes)]
        before = dataclasses.replace(p, end=date - dt.timedelta(days=1))
        ref = self.base.staff_params.reference_year
        step_at = p.step + max(date.year - max(ref, p.start.year if p.start else ref), 0)
        after = dataclasses.replace(p, start=date, **{"step": step_at, **changes})
        return [before, after]

    # -- subsidies ---------------------------------------------------------------------------
    def subsidy(self, change) -> Subsidy:
        s = self.base.subsidies.get(change.subsidy)
        if s is None:
            raise change.error(f"onbekende subsidie '{change.subsidy}'", "subsidy",
                               f"een subsidie van het blad 'Subsidies': {', '.join(self.base.subsidies) or '(geen)'}")
        return s

    def funded(self, s: Subsidy) -> list[Position]:
        ids = set(s.positions)
        return [p for p in self.positions if p.funded_by == s.id or p.id in ids]

    def staff_monthly(self, s: Subsidy, positions: Sequence[Position], u_monthly: np.ndarray) -> np.ndarray:
        """Staff cost per month of the project per year (roster; else the U line's wage share)."""
        if positions:
            cost = self.base.roster_cost(positions, self.mult["loon"])
            months = active_months(positions, self.years).max(axis=0)
            return self.monthly(cost, months)
        share = self.base.shares(LineKey(s.action, EXPLOITATIE, U)).get("loon", 0.0)
        return u_monthly * share

    def monthly(self, amount: np.ndarray, months: np.ndarray) -> np.ndarray:
        """Per year: ``amount`` per month of ``months`` (0 where there are none). Elementwise, so
        ``amount`` may carry a leading scenario axis (the batch runs one change for many states)."""
        out = np.zeros(np.broadcast_shapes(np.shape(amount), np.shape(months)))
        return np.divide(amount, months, out=out, where=months > 0)

    def _lost_months(self, s: Subsidy, lost: np.ndarray) -> tuple[np.ndarray, ...]:
        """The subsidy's window (per-month mask) and, per year: the months of ``lost`` inside it,
        the subsidy and the action's expenditure per month of the window."""
        start, end = self.windows[s.id]
        window = window_mask(start, end, self.years)
        a = months_per_year(window)
        o_line = self.line(s.action, O) if s.amount is None else np.full(self.n, float(s.amount))
        return window, months_per_year(lost & window), self.monthly(o_line, a), self.monthly(self.line(s.action, U), a)

    def project_split(self, s: Subsidy, u_m: np.ndarray, positions: Sequence[Position]) -> tuple[np.ndarray, ...]:
        """The project's expenditure per month (``u_m``) split in staff, overhead recharge and
        other costs. Plan 3.7: the recharge is at least 15% of the staff cost, or what the
        subsidy's rules allow: here what the action's line holds after its staff (the cap)."""
        staff_m = np.minimum(self.staff_monthly(s, positions, u_m), u_m)
        ovh_m = np.minimum(s.overhead_rate * staff_m, u_m - staff_m)
        return staff_m, ovh_m, u_m - staff_m - ovh_m

    def end_subsidy(self, s: Subsidy, lost: np.ndarray, other_kept: float) -> None:
        """Lose the subsidy in the months ``lost`` (a per-month mask) of its window, with the
        overhead recharge (A50111 receives it no more, the action pays it no more). Of the
        project's other costs (U minus staff minus overhead) ``other_kept`` goes on. The staff
        cost is left to the caller's roster change (:func:`staff_after_end`)."""
        _, lost_y, o_m, u_m = self._lost_months(s, lost)
        _staff_m, ovh_m, other_m = self.project_split(s, u_m, self.funded(s))
        self.add(s.action, O, -o_m * lost_y)
        self.add(s.action, U, -((1.0 - other_kept) * other_m + ovh_m) * lost_y)
        self.add(OVERHEAD_ACTION, O, -ovh_m * lost_y)

    def lose(self, s: Subsidy, lost: np.ndarray, fraction: float, kept: float, notice_end: int | None) -> None:
        """Lose ``fraction`` of the subsidy in the months ``lost`` (a per-month mask)."""
        window, lost_y, o_m, u_m = self._lost_months(s, lost)
        staff_m, ovh_m, _ = self.project_split(s, u_m, self.funded(s))
        notice_y = np.zeros(self.n)
        if notice_end is not None:
            months = self.years[0] * 12 + np.arange(12 * self.n)
            notice = lost & window & (months <= notice_end)
            notice_y = months_per_year(notice)
        self.add(s.action, O, -fraction * o_m * lost_y)
        self.add(s.action, U, -(1 - kept) * fraction * (u_m * lost_y - staff_m * notice_y)
                 - kept * fraction * ovh_m * lost_y)
        self.add(OVERHEAD_ACTION, O, -fraction * ovh_m * lost_y)


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
        factor = path[i] / path[i - 1]
        out = path.copy()
        out[i:] = path[i:] / factor
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


def notice_details(base: Baseline, ch, funded: Sequence[Position]) -> dict[str, Notice]:
    """The statutory notice of each funded position on the stop date (seniority, its source, the
    two parts for a contract from before 2014): shown whatever the mode, so that the board sees
    what serving notice in time avoids. A statutory (vast benoemd) position has no notice under
    the Arbeidsovereenkomstenwet: refused."""
    out = {}
    for p in funded:
        if p.statute != CONTRACTUAL:
            raise ch.error(f"positie {p.id} is statutair: geen opzeg volgens de Arbeidsovereenkomstenwet",
                           "policy", "keep_staff, of de positie als contractueel in het personeelsbestand")
        person_fte = sum(q.fte for q in base.positions if q.person_key == p.person_key) or p.fte
        out[p.id] = notice(p, ch.date, scales=base.scales, params=base.staff_params,
                           reference_year=base.staff_params.reference_year, person_fte=person_fte)
    return out


def notice_months_for(p: Position, ch, details: Mapping[str, Notice]) -> int:
    """Months the position stays paid after the stop date: 0 when notice was served in time, the
    scenario's ``notice_months`` if given, else the statutory notice (:func:`staffing.notice`)."""
    mode, _ = notice_mode(ch)
    if mode == NOTICE_IN_TIME:
        return 0
    if ch.notice_months is not None:
        return int(ch.notice_months)
    return details[p.id].months


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
            last = _last_day(_month(date) + notices.get(p.id, 0))
            if p.end is not None and p.end <= last:
                out.append(p)
            elif p.start is None or p.start <= last:
                out.append(dataclasses.replace(p, end=last))
        elif policy == "keep_staff":
            if p.end is not None and p.end < date:
                out.append(p)
            else:
                out.append(dataclasses.replace(p, end=None, funded_by=BASE_FUNDING))
        else:  # share
            if p.end is not None and p.end < date:
                out.append(p)
                continue
            kept = float(share or 0.0)
            if p.start is None or p.start <= date:
                out.append(dataclasses.replace(p, end=date))
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


def _may_move(base: Baseline, key: LineKey, classes: tuple[str, ...]) -> bool:
    """Can an index change of ``classes`` reach this line at all under :func:`line_exposure`?
    (A cached shortcut; the rule itself stays in line_exposure.)"""
    cache = base.__dict__.setdefault("_move_cache", {})
    hit = cache.get((key, classes))
    if hit is None:
        declared = set(base.declared.get((key.action, key.category, key.direction), {}))
        if key.category == EXPLOITATIE and key.direction == U:
            hit = "loon" in classes or bool(declared & set(classes))
        elif declared:
            hit = bool(declared & set(classes))
        elif key.category == EXPLOITATIE and key.direction == O and key.action in base.subsidy_class:
            hit = base.subsidy_class[key.action][0] in classes
        else:
            hit = False
        cache[(key, classes)] = hit
    return hit


def index_deltas(base: Baseline, lines: Mapping[LineKey, np.ndarray],
                 ratios: Mapping[str, np.ndarray],
                 wage_parts: Mapping[str, np.ndarray] | None = None) -> dict[LineKey, np.ndarray]:
    """The index rule: multiplying index class k's multiplier by ``ratios[k]`` (per year)
    changes each line by its amount exposed to k (see :func:`line_exposure`) x (ratio - 1).
    ``wage_parts``: the roster's cost per action in the state (default: the plan's roster).
    Only lines that change are returned. (The member contribution, class ``bijdrage`` on the
    parameter, is handled apart by the caller.)"""
    if not lines or not ratios:
        return {}
    change = {k: np.asarray(r, dtype=np.float64) - 1.0 for k, r in ratios.items() if k in CLASSES}
    moving = tuple(sorted(change))
    out = {}
    for key, amount in lines.items():
        if not _may_move(base, key, moving) or not amount.any():
            continue
        exp = line_exposure(base, key, amount, wage_parts)
        delta = None
        for klass, r in change.items():
            part = exp.amounts.get(klass)
            if part is not None and np.any(part):
                delta = part * r if delta is None else delta + part * r
        if delta is not None and np.any(delta):
            out[key] = delta
    return out


def _month(d: dt.date) -> int:
    return month_number(d)


def _last_day(month: int) -> dt.date:
    """Last day of a month number (year * 12 + month - 1)."""
    y, m = divmod(month + 1, 12)
    return dt.date(y, m + 1, 1) - dt.timedelta(days=1)


class Engine:
    """Applies scenarios to one baseline."""

    def __init__(self, baseline: Baseline) -> None:
        self.base = baseline

    # -- public -------------------------------------------------------------------------------
    def run(self, scenario: Scenario, library: ScenarioLibrary | None = None) -> ScenarioRun:
        return self.run_state(scenario, library)[0]

    def run_state(self, scenario: Scenario, library: ScenarioLibrary | None = None) -> tuple[ScenarioRun, _Run]:
        """The run and the engine state it ends in (lines, index multipliers, contribution,
        roster), for measuring what a further change would do (see :func:`index_deltas`)."""
        library = library or ScenarioLibrary([scenario])
        chain = library.chain(scenario)
        changes = [c for s in chain for c in s.changes]
        state = _Run(self.base)
        lines_before = self._m2_lines(state)
        minres_before = self.base.m2.minimum_reserve
        effects = []
        for i, change in enumerate(changes, start=1):
            description = self.apply(state, change)
            lines_after = self._m2_lines(state)
            minres_after = self.base.minimum_reserve(state.wage_cost())
            deltas = {k: lines_after[k] - lines_before[k] for k in LINE_KEYS}
            mr_delta = None if minres_after is None or minres_before is None else minres_after - minres_before
            effects.append(ChangeEffect(i, change.type, change.description or description, deltas, mr_delta))
            lines_before, minres_before = lines_after, minres_after
        wage_cost = state.wage_cost()
        minimum = self.base.minimum_reserve(wage_cost)
        keys = tuple(state.lines)
        plan = Plan(years=self.base.years, keys=keys, amounts=np.vstack([state.lines[k] for k in keys]),
                    actions=self.base.plan.actions)
        lines = {k: np.array(v) for k, v in lines_before.items()}
        bestuur = self.base.m2.bestuur
        m2 = M2Result(self.base.years, lines, minimum, check_norms(self.base.years, lines, minimum, bestuur), bestuur)
        return ScenarioRun(name=scenario.name, title=scenario.title or scenario.name,
                           description=scenario.description, plan=plan, m2=m2, baseline=self.base.m2,
                           effects=tuple(effects), wage_cost=wage_cost,
                           extends=tuple(s.name for s in chain[:-1])), state

    def _m2_lines(self, state: _Run) -> dict[str, np.ndarray]:
        return m2_arrays(state.totals, **self.base.m2_inputs)

    # -- changes ------------------------------------------------------------------------------
    def apply(self, state: _Run, change) -> str:
        handler = getattr(self, f"_apply_{change.type}")
        return handler(state, change)

    def _apply_line(self, state: _Run, ch: LineChange) -> str:
        self.base.check_action(ch, ch.action)
        for y in ch.amounts:
            if y not in self.base.years:
                raise ch.error(f"jaar {y} valt buiten het plan", "amounts",
                               f"jaren {self.base.years[0]}-{self.base.years[-1]}")
        delta = np.array([float(ch.amounts.get(y, 0.0)) for y in self.base.years])
        state.add(ch.action, 0 if ch.direction == "O" else 1, delta, CATEGORIES.index(ch.category))
        return f"Bijsturing {ch.action} {ch.category} {ch.direction}"

    def _apply_contribution(self, state: _Run, ch: ContributionChange) -> str:
        if ch.from_year not in self.base.years:
            raise ch.error(f"jaar {ch.from_year} valt buiten het plan", "from_year",
                           f"een jaar in {self.base.years[0]}-{self.base.years[-1]}")
        if not np.any(state.contribution):
            raise ch.error("het plan heeft geen bijdrage van de lokale besturen (parameter 'Bijdrage lokale besturen')",
                           None, "een rij 'Bijdrage lokale besturen' op het blad Parameters")
        if ch.pct is not None:
            pct = ch.pct  # a fraction (w13xl.scenario.spec.as_fraction): 0.05 = +5%
            factor = 1.0 + pct
            what = f"{pct * 100:+.1f}%".replace(".", ",")
        else:
            inhabitants = self.base.params.inhabitants
            if not inhabitants:
                raise ch.error("per_inhabitant vraagt het aantal inwoners (parameter 'Inwoners')",
                               "per_inhabitant", "een rij 'Inwoners' op het blad Parameters")
            current = self.base.contribution[0] / inhabitants
            factor = ch.per_inhabitant / current
            what = f"{ch.per_inhabitant:.4f} euro per inwoner (was {current:.4f})".replace(".", ",")
        mask = np.array([y >= ch.from_year for y in self.base.years], dtype=float)
        delta = state.contribution * (factor - 1.0) * mask
        state.contribution = state.contribution + delta
        state.contribution_fixed = state.contribution_fixed * (1.0 + (factor - 1.0) * mask)
        state.add(CONTRIBUTION_ACTION, O, delta)
        return f"Bijdrage lokale besturen {what} vanaf {ch.from_year}"

    # index ---------------------------------------------------------------------------------
    def _index_paths(self, ch: IndexChange, state: _Run) -> dict[str, np.ndarray]:
        years = list(self.base.years)
        t0 = years[0]
        base_rate = float(self.base.params.index_rate)
        if ch.rate is not None:
            path = (1.0 + ch.rate) ** np.arange(len(years))
            return dict.fromkeys(ch.classes, path)
        if ch.rates is not None:
            for y in ch.rates:
                if y not in years:
                    raise ch.error(f"jaar {y} valt buiten het plan", "rates")
            rates = {y: ch.rates.get(y, base_rate) for y in years}
            path = ix.yearly_rate_multipliers(rates, years)
            return dict.fromkeys(ch.classes, path)
        if ch.crossings is not None or ch.extra_crossings is not None:
            for m in ch.months:
                if not t0 - 1 <= m[0] <= years[-1]:
                    raise ch.error(f"spilindexoverschrijding {m[0]}-{m[1]:02d} valt buiten het plan",
                                   "crossings" if ch.crossings is not None else "extra_crossings")
            steps = ix.wage_steps_from_crossings(ch.months)
            level = ix.monthly_level(steps, (t0, 1), 12 * len(years))
            path = ix.yearly_average_multipliers(level, (t0, 1), years)
            if ch.extra_crossings is not None:
                return {"loon": state.mult["loon"] * path}
            return {"loon": path}
        # inflation: a health index path through the pivot mechanism (wages), CPI for the rest
        inflation = ch.inflation or {}  # (the one left of rate, rates, crossings and inflation)
        rates = {y: inflation.get(y, base_rate) for y in years}
        for y in inflation:
            if y not in years:
                raise ch.error(f"jaar {y} valt buiten het plan", "inflation")
        monthly = np.repeat([(1.0 + rates[y]) ** (1 / 12) - 1.0 for y in years], 12)
        health = ix.bundled_health_index().slice((t0 - 1, 10), (t0 - 1, 12))
        health_path = ix.health_index_path(health, monthly)
        result = ix.pivot_mechanism(health_path.values, start=health_path.start, pivot=PIVOT_AFTER_2025,
                                    coefficient=1.0)
        level = result.coefficient[3:] / result.coefficient[3]
        wages = ix.yearly_average_multipliers(level, (t0, 1), years)
        prices = ix.yearly_rate_multipliers(rates, years)
        contribution = np.cumprod([1.0] + [1.0 + rates[y] for y in years[:-1]])
        out = {"loon": wages, "prijzen": prices, "bijdrage": contribution}
        return {c: out[c] for c in ch.classes if c in out} if ch.classes != ["loon"] else out

    def _apply_index(self, state: _Run, ch: IndexChange) -> str:
        paths = self._index_paths(ch, state)
        self._set_paths(state, paths)
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
        return f"Indexering ({', '.join(sorted(paths))}): {what}"

    def _apply_indexsprong(self, state: _Run, ch: IndexsprongChange) -> str:
        """The rule of an indexsprong (see :func:`skip_indexation`)."""
        years = list(self.base.years)
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
        paths: dict[str, np.ndarray] = {c: skip_indexation(state.mult[c], years, ch.year, crossing)
                                        for c in ch.classes}
        self._set_paths(state, paths)
        # exactly one of year and crossing (IndexsprongChange checks it)
        what = f"jaar {ch.year}" if crossing is None else f"overschrijding {crossing[1]:02d}/{crossing[0]}"
        return f"Indexsprong ({', '.join(sorted(paths))}): {what} overgeslagen"

    def _set_paths(self, state: _Run, paths: dict[str, np.ndarray]) -> None:
        """Move the index classes to new multiplier paths; every exposed line follows."""
        if "loon" in paths:
            paths["volgt_loon"] = paths["loon"]
        ratios = {klass: paths[klass] / state.mult[klass] for klass in paths}
        for key, delta in index_deltas(self.base, state.lines, ratios, state.wage_parts()).items():
            state.add(key.action, key.direction, delta, key.category)
        if "bijdrage" in paths:
            # only the CPI-linked part moves (the rest: state.contribution_fixed)
            linked = state.contribution - state.contribution_fixed
            delta = linked * (paths["bijdrage"] / state.mult["bijdrage"] - 1.0)
            state.contribution = state.contribution + delta
            state.add(CONTRIBUTION_ACTION, O, delta)
        # staff cost added or removed by earlier changes sits on the U lines and was rescaled
        # with their wage share above; later roster changes are costed at the new level
        state.mult.update(paths)

    # staffing --------------------------------------------------------------------------------
    def _apply_hire(self, state: _Run, ch: HireChange) -> str:
        self.base.check_action(ch, ch.action)
        self.base.check_date(ch, ch.start, "start")
        if ch.end is not None and ch.end < ch.start:
            raise ch.error("einde ligt voor start", "end")
        if ch.funded_by != BASE_FUNDING and ch.funded_by not in self.base.subsidies:
            raise ch.error(f"onbekende financiering '{ch.funded_by}'", "funded_by", "basiswerking of een subsidie-id")
        if self.base.scales is not None and ch.scale not in self.base.scales:
            raise ch.error(f"onbekende weddeschaal '{ch.scale}'", "scale",
                           f"een van: {', '.join(self.base.scales.names)}")
        state.hired += 1
        pid = ch.id or f"NIEUW-{state.hired}"
        p = Position(id=pid, function=ch.function, level=ch.level, scale=ch.scale, step=ch.step, fte=ch.fte,
                     action=ch.action, funded_by=ch.funded_by, start=ch.start, end=ch.end)
        state.replace_positions([], [p])
        fte = f"{ch.fte:g}".replace(".", ",")
        return f"Aanwerving {fte} VTE {ch.level} ({ch.scale}, trap {ch.step}) op {ch.action} vanaf {ch.start:%d/%m/%Y}"

    def _apply_end_position(self, state: _Run, ch: EndPositionChange) -> str:
        self.base.check_date(ch, ch.date)
        old = state.position(ch, ch.position)
        new = [q for p in old for q in ([p] if p.end is not None and p.end <= ch.date else
                                        [] if p.start is not None and p.start > ch.date else
                                        [dataclasses.replace(p, end=ch.date)])]
        state.replace_positions(old, new)
        return f"Positie {ch.position} stopt op {ch.date:%d/%m/%Y}"

    def _segment_change(self, state: _Run, ch, **changes) -> None:
        self.base.check_date(ch, ch.date)
        old = state.position(ch, ch.position)
        new = [q for p in old for q in state.split(p, ch.date, **changes)]
        state.replace_positions(old, new)

    def _apply_fte(self, state: _Run, ch: FteChange) -> str:
        self._segment_change(state, ch, fte=ch.fte)
        return f"Positie {ch.position} naar {ch.fte:g} VTE vanaf {ch.date:%d/%m/%Y}".replace(".", ",", 1)

    def _apply_step(self, state: _Run, ch: StepChange) -> str:
        self._segment_change(state, ch, step=ch.step)
        return f"Positie {ch.position} naar trap {ch.step} vanaf {ch.date:%d/%m/%Y}"

    def _apply_move(self, state: _Run, ch: MoveChange) -> str:
        self.base.check_action(ch, ch.action)
        changes = {"action": ch.action}
        if ch.funded_by is not None:
            if ch.funded_by != BASE_FUNDING and ch.funded_by not in self.base.subsidies:
                raise ch.error(f"onbekende financiering '{ch.funded_by}'", "funded_by",
                               "basiswerking of een subsidie-id")
            changes["funded_by"] = ch.funded_by
        self._segment_change(state, ch, **changes)
        return f"Positie {ch.position} naar {ch.action} vanaf {ch.date:%d/%m/%Y}"

    # subsidies -------------------------------------------------------------------------------
    def _apply_subsidy_end(self, state: _Run, ch: SubsidyEndChange) -> str:
        """The subsidy ends on ``ch.date``; ``ch.policy`` says what happens to the project
        (see :data:`SUBSIDY_END_POLICIES`). Early and planned ends follow the same rules: the
        lost months (after the date, inside the subsidy's window) lose the subsidy, and the
        staff rule of the policy applies to the funded positions from the date on."""
        s = state.subsidy(ch)
        self.base.check_date(ch, ch.date)
        start, end = state.windows[s.id]
        if end is not None and ch.date > end:
            self._renew(state, ch, s, ch.date, None)
            return f"Subsidie {s.name} ({s.id}) loopt door tot {ch.date:%d/%m/%Y}"
        plan_end = dt.date(self.base.years[-1], 12, 31)
        if ch.policy == "keep_project" and end is not None and end < plan_end:
            # the whole project goes on to the end of the plan: the renewal's costs, without its subsidy
            self._renew(state, ch, s, plan_end, None)
            start, end = state.windows[s.id]
        months = self.base.years[0] * 12 + np.arange(12 * state.n)
        lost = months > _month(ch.date)
        funded = state.funded(s)
        notices: dict[str, int] = {}
        details: dict[str, Notice] = {}
        if ch.policy == "stop":
            details = notice_details(self.base, ch, funded)
            notices = {p.id: notice_months_for(p, ch, details) for p in funded}
        state.end_subsidy(s, lost, other_kept=ch.kept)
        new = staff_after_end(funded, ch.policy, ch.date, ch.share, notices)
        state.replace_positions(funded, new, route=False, on=s.action)
        state.windows[s.id] = (start, ch.date if end is None or ch.date < end else end)
        desc = describe_subsidy_end(s, ch, notices, details)
        if details:
            # the other notice variant in one figure: the staff cost of the statutory notice
            # months after the stop date (never past a planned end), at the plan's wage index
            # (a text must not depend on how a run is batched)
            after = staff_after_end(funded, "stop", ch.date, None, {k: d.months for k, d in details.items()})
            in_time = staff_after_end(funded, "stop", ch.date, None, {})
            loon = self.base.base_mult["loon"]
            extra = float(np.sum(self.base.roster_cost(after, loon) - self.base.roster_cost(in_time, loon)))
            desc += (f"; loonkost van de wettelijke opzeg na de stopdatum (verschil tussen opzeg na stopzetting en "
                     f"tijdig, aan de index van het plan): {euro(extra, 2)} euro")
        if funded and ch.policy != "keep_project" and self.base.roster_illustrative:
            desc += f" ({ILLUSTRATIVE_LABEL})"
        return desc

    def _apply_subsidy_cut(self, state: _Run, ch: SubsidyCutChange) -> str:
        """From ``ch.date`` the subsidy pays ``ch.factor``. ``stop``: the project's costs
        (staff FTE included) fall with it, no notice; ``keep_staff``: the staff stay, the other
        costs fall; ``keep_project``: every cost stays; ``share``: that share of the lost part stays."""
        s = state.subsidy(ch)
        self.base.check_date(ch, ch.date)
        months = self.base.years[0] * 12 + np.arange(12 * state.n)
        lost = months >= _month(ch.date)
        fraction = 1.0 - ch.factor
        if ch.policy == "keep_staff":
            # staff cost stays: treat the whole window as the staff's "notice"
            state.lose(s, lost, fraction, 0.0, 10**9)
        else:
            state.lose(s, lost, fraction, ch.kept, None)
        if ch.kept < 1 and ch.policy != "keep_staff":
            funded = state.funded(s)
            keep_fte = 1.0 - fraction * (1.0 - ch.kept)
            new = [q for p in funded for q in state.split(p, ch.date, fte=p.fte * keep_fte)]
            state.replace_positions(funded, new, route=False)
        falls = {"stop": ": kosten dalen mee", "keep_staff": ": personeel blijft, andere kosten dalen mee",
                 "keep_project": "", "share": f": {(1 - ch.kept) * 100:.0f}% van de kosten daalt mee"}
        return (f"Subsidie {s.name} ({s.id}) daalt tot {ch.factor * 100:.0f}% vanaf {ch.date:%d/%m/%Y}"
                + falls[ch.policy])

    def _apply_subsidy_renew(self, state: _Run, ch: SubsidyRenewChange) -> str:
        s = state.subsidy(ch)
        self.base.check_date(ch, ch.until, "until")
        self._renew(state, ch, s, ch.until, ch.amount, ch.budget_neutral)
        amount = "" if ch.amount is None else f" aan {ch.amount:,.2f} euro per jaar".replace(",", "X").replace(
            ".", ",").replace("X", ".")
        if ch.budget_neutral:
            amount = " (budgetneutraal: de subsidie dekt de kosten van het project)"
        return f"Subsidie {s.name} ({s.id}) verlengd tot {ch.until:%d/%m/%Y}{amount}"

    def _renew(self, state: _Run, ch, s: Subsidy, until: dt.date, amount: float | None,
               budget_neutral: bool = False) -> None:
        start, end = state.windows[s.id]
        if end is None or until <= end:
            raise ch.error(f"subsidie {s.id} loopt al tot {f'{end:%d/%m/%Y}' if end else 'het einde van het plan'}",
                           "until", f"een datum na {end:%d/%m/%Y}" if end else "een subsidie met een einddatum")
        years = self.base.years
        window = window_mask(start, end, years)
        a = months_per_year(window)
        months = years[0] * 12 + np.arange(12 * state.n)
        gained = (months > _month(end)) & (months <= _month(until))
        g = months_per_year(gained)
        full = [i for i in range(state.n) if a[i] > 0]
        if not full:
            raise ch.error(f"subsidie {s.id} heeft geen maanden in het plan om van te verlengen", "amount",
                           "een bedrag voor de verlenging")
        t0 = max((i for i in full if a[i] == 12), default=full[-1])
        o_line = state.line(s.action, O) if s.amount is None else np.full(state.n, float(s.amount))
        u_line = state.line(s.action, U)
        klass = s.index_class
        ratio = np.ones(state.n) if klass == "vast" else state.mult[klass] / state.mult[klass][t0]
        o_m = (np.full(state.n, amount / 12.0) if amount is not None else o_line[t0] / a[t0] * ratio)
        # the project's costs in the gained months: kept in the baseline (cost continues) or re-added,
        # each part growing with its own class from the last full year t0 (see line_exposure)
        u_key = LineKey(s.action, EXPLOITATIE, U)
        exp = line_exposure(self.base, u_key, u_line, state.wage_parts())
        u_ratio = np.zeros(state.n)
        covered = 0.0
        for k, part in exp.amounts.items():
            if u_line[t0] <= 0:
                break
            w = part[t0] / u_line[t0]
            covered += w
            u_ratio += w * (state.mult[k] / state.mult[k][t0] if k in CLASSES else 1.0)
        u_ratio += 1.0 - covered
        wage_share_t0 = exp.amounts.get("loon", np.zeros(state.n))[t0] / u_line[t0] if u_line[t0] > 0 else 0.0
        u_m = u_line[t0] / a[t0] * u_ratio
        funded = [p for p in state.funded(s) if p.end is not None and p.end <= end]
        extended = [dataclasses.replace(p, end=until) for p in funded]
        loon = state.mult["loon"]
        staff_gain = np.zeros(state.n)
        for old, new in zip(funded, extended, strict=True):
            staff_gain += (self.base.position_cost(new) - self.base.position_cost(old)) * loon
        if not funded:
            staff_gain = u_m * g * wage_share_t0
        overhead = s.overhead_rate * staff_gain
        # costs that go on after the subsidy's end in the baseline (Kracht.Wonen) stay as they are
        # in every gained month; else the project's costs come back with the renewal
        after_end = np.array([y > end.year for y in years])
        goes_on = bool(np.any(after_end & (a == 0) & (u_line > 0.005)))
        continues = np.full(state.n, goes_on) | ((a == 0) & (u_line > 0.005))
        if budget_neutral:
            # plan 3.7: the renewed subsidy pays the project's costs. Where the plan lets the
            # costs go on without the subsidy (Kracht.Wonen), those costs carry their own
            # recharge already (plan 3.7: "Op actieniveau"): the receipts rise to the costs, pro
            # rata the months covered; nothing else moves. Where the costs come back with the
            # renewal ('t PACT), they come back with their recharge and the subsidy pays them.
            covered_y = np.minimum(a + g, 12) / 12.0
            o_line_now = state.line(s.action, O)
            top_up = np.where(g > 0, np.maximum(u_line * covered_y - o_line_now, 0.0), 0.0)
            back = u_m * g
            receipts = np.where(continues, top_up, back)
            overhead = np.where(continues, 0.0, overhead)
            self.add_renewal(state, s, receipts, np.where(continues, 0.0, back), overhead)
        else:
            self.add_renewal(state, s, o_m * g, np.where(continues, overhead, u_m * g), overhead)
        for old, new in zip(funded, extended, strict=True):
            state.positions.remove(old)
            state.positions.append(new)
        state.windows[s.id] = (start, until)

    def _apply_overhead(self, state: _Run, ch: OverheadChange) -> str:
        """The overhead recharge of the listed subsidies (all when none are listed) becomes
        ``ch.rate`` of their staff cost from ``ch.date`` (see :class:`OverheadChange`): in the
        subsidy's months from that date the recharge falls from what :meth:`_Run.project_split`
        gives (the register's rate, capped by the line) to the new rate (same cap); the action's
        receipts and expenditure fall by the difference, and so do A50111's receipts."""
        self.base.check_date(ch, ch.date)
        ids = list(self.base.subsidies) if ch.subsidies is None else ch.subsidies
        unknown = [i for i in ids if i not in self.base.subsidies]
        if unknown:
            raise ch.error(f"onbekende subsidie '{unknown[0]}'", "subsidies",
                           f"subsidie-id's van het blad 'Subsidies': {', '.join(self.base.subsidies)}")
        months = self.base.years[0] * 12 + np.arange(12 * state.n)
        after = months >= _month(ch.date)
        for sid in ids:
            s = self.base.subsidies[sid]
            if s.action == OVERHEAD_ACTION:
                continue
            _, lost_y, _, u_m = state._lost_months(s, after)
            staff_m, ovh_m, _ = state.project_split(s, u_m, state.funded(s))
            new_m = np.minimum(ch.rate * staff_m, u_m - staff_m)
            diff = (ovh_m - new_m) * lost_y
            state.add(s.action, O, -diff)
            state.add(s.action, U, -diff)
            state.add(OVERHEAD_ACTION, O, -diff)
        which = "alle gesubsidieerde acties" if ch.subsidies is None else ", ".join(ids)
        return (f"Overheadbijdrage {ch.rate * 100:.0f}% van de personeelskost vanaf {ch.date:%d/%m/%Y} "
                f"({which})")

    @staticmethod
    def add_renewal(state: _Run, s: Subsidy, receipts: np.ndarray, costs: np.ndarray, overhead: np.ndarray) -> None:
        state.add(s.action, O, receipts)
        state.add(s.action, U, costs)
        state.add(OVERHEAD_ACTION, O, overhead)


def reference_baseline(baseline: Any) -> Baseline:
    """This module's :class:`Baseline` on the inputs of a package baseline (the same dataclass
    fields: plan, params, positions, scales, staff_params, subsidies, index_shares, file, sheet,
    staff_plan). Index shares are copied into this module's :class:`IndexShare`."""
    shares = tuple(IndexShare(s.action, s.direction, s.klass, s.share, s.category, s.source)
                   for s in baseline.index_shares)
    return Baseline(plan=baseline.plan, params=baseline.params, positions=tuple(baseline.positions),
                    scales=baseline.scales, staff_params=baseline.staff_params, subsidies=dict(baseline.subsidies),
                    index_shares=shares, file=baseline.file, sheet=baseline.sheet, staff_plan=baseline.staff_plan)
