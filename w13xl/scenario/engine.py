"""Applying a scenario to the baseline plan: index paths, staffing and subsidy changes.

Pure core. The engine keeps the state of a run (current budget lines, index multipliers per
class, roster, subsidy windows, member contribution) and applies the changes in order. Each
change's effect is M2 after it minus M2 before it, so the effects add up exactly to the total
difference with the baseline.

Rules (see README "Scenarios" for the finance officer's version):

* **Index classes.** Every exploitation line, or a share of it, has an index class: ``loon``
  (wages), ``prijzen`` (goods and services), ``bijdrage`` (CPI of December t-1 over December of
  the year before the plan), ``vast`` (not indexed) or ``volgt_loon`` (a subsidy that follows
  wages). Defaults: receipts ``vast``; expenditure 40% ``loon`` / 60% ``prijzen`` (schema T2 2026:
  wages are 39.8% of exploitation expenditure); a subsidy's receipts line takes the register's
  class; the workbook sheet ``Indexering`` overrides per action. An index change multiplies the
  indexed share of each line by (new multiplier / old multiplier); the baseline is the plan's
  flat ``Standaardindex`` (2%).
* **Staffing.** A roster change costs (new roster - old roster) at the scenario's wage index, on
  the action's U. If the action is subsidised that year, its overhead recharge (15%) follows: the
  action pays it, A50111 receives it. A position funded by a subsidy brings its own funding
  (budget-neutral project: the subsidy follows the cost and the overhead).
* **Subsidies.** Month level. Ending earlier loses the subsidy for the lost months; with policy
  ``stop`` the project's costs stop too (staff costs continue for ``notice_months``), with
  ``keep`` the costs stay (and staff stay after the planned end, paid by the basic operation),
  ``share`` keeps that part. In every case A50111 loses the overhead recharge of the lost months.
  Renewal adds the subsidy (its last full year's amount, indexed by its class, or ``amount``)
  and, where the baseline's costs had stopped, the project's costs; the overhead recharge comes
  back either way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .. import indexation as ix
from ..errors import InputError
from ..m2 import LINE_KEYS, M2Result, check_norms, compute_m2, designated_repayments, m2_arrays
from ..model import CATEGORIES, EXPLOITATIE, O, U, LineKey, Plan, parse_category, parse_direction
from ..params import Parameters
from ..staffing import Position, SalaryScales, StaffParameters, cost_breakdown
from ..subsidies import Subsidy, month_number, months_per_year, window_mask
from .result import ChangeEffect, ScenarioRun
from .spec import (
    ContributionChange,
    EndPositionChange,
    FteChange,
    HireChange,
    IndexChange,
    LineChange,
    MoveChange,
    Scenario,
    ScenarioLibrary,
    StepChange,
    SubsidyCutChange,
    SubsidyEndChange,
    SubsidyRenewChange,
)

CLASSES = ("loon", "prijzen", "bijdrage", "volgt_loon")
DEFAULT_U_SHARES = {"loon": 0.40, "prijzen": 0.60}
OVERHEAD_ACTION = "A50111"
CONTRIBUTION_ACTION = "A50111"
BASE_FUNDING = "basiswerking"
#: Pivot state used for inflation-driven wage paths: the December 2025 crossing (pivot 133.28,
#: wages +2% from February 2026) is part of the plan's 2026 level; the next pivot is 135.95.
PIVOT_AFTER_2025 = 135.95


@dataclass(frozen=True)
class IndexShare:
    """``share`` of line (action, category, direction) follows index class ``klass``."""

    action: str
    direction: int
    klass: str
    share: float
    category: int = EXPLOITATIE


def index_shares_from_grid(grid: Sequence[Sequence[object]], file: str | None = None,
                           sheet: str = "Indexering") -> list[IndexShare]:
    """Rows 'Actie | Richting | Klasse | Aandeel' (Aandeel empty = 100%)."""
    from ..sheets import SheetContext, find_table_header, is_blank, parse_number

    ctx = SheetContext(file, sheet)
    header_row = find_table_header(grid)
    if header_row is None:
        return []
    header = [str(v or "").strip().lower() for v in grid[header_row]]
    col = {name: header.index(name) for name in ("actie", "richting", "klasse", "aandeel", "categorie")
           if name in header}
    for needed in ("richting", "klasse"):
        if needed not in col:
            raise ctx.error(f"no '{needed.capitalize()}' column", header_row, None,
                            "columns Actie, Richting, Klasse, Aandeel")
    out = []
    for r in range(header_row + 1, len(grid)):
        row = grid[r]
        if all(is_blank(v) for v in row):
            continue
        get = lambda k: row[col[k]] if k in col and col[k] < len(row) else None  # noqa: E731
        direction = parse_direction(get("richting"))
        if direction is None:
            raise ctx.error(f"unknown direction '{get('richting')}'", r, col["richting"], "O or U")
        klass = str(get("klasse") or "").strip().lower()
        if klass not in (*CLASSES, "vast"):
            raise ctx.error(f"unknown index class '{get('klasse')}'", r, col["klasse"],
                            "loon, prijzen, bijdrage, vast or volgt_loon")
        share = parse_number(get("aandeel"), ctx, r, col.get("aandeel", 0), "Aandeel") if "aandeel" in col else None
        share = 1.0 if share is None else (share / 100 if share > 1 else share)
        category = EXPLOITATIE
        if "categorie" in col and not is_blank(get("categorie")):
            category = parse_category(get("categorie"))
            if category is None:
                raise ctx.error(f"unknown category '{get('categorie')}'", r, col["categorie"],
                                "exploitatie, investeringen or financiering")
        action = str(get("actie") or "").strip()
        if not action:
            raise ctx.error("no action", r, col.get("actie", 0), "an action code such as A10302")
        out.append(IndexShare(action, direction, klass, float(share), category))
    return out


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
        self.m2 = compute_m2(self.plan, self.params, minimum_reserve=self.minimum_reserve(self.wage_cost_base()))
        self.contribution = self.params.per_year("contribution", years)
        self._explicit: dict[tuple[str, int, int], dict[str, float]] = {}
        for s in self.index_shares:
            self._explicit.setdefault((s.action, s.category, s.direction), {})[s.klass] = s.share
        self._subsidy_class = {s.action: s.index_class for s in self.subsidies.values() if s.amount is None}
        self._share_cache: dict[LineKey, dict[str, float]] = {}
        self._vector_cache: dict[LineKey, np.ndarray] = {}
        p = self.params
        #: The parameters of schema M2 per year, computed once for every run.
        self.m2_inputs = {
            "opening_reserve": p.opening_reserve,
            "unavailable": p.per_year("unavailable", years),
            "repayments": p.per_year("repayments", years),
            "recoveries": p.per_year("recoveries", years),
            "designated_repayments": designated_repayments(p, years),
        }
        self._cost_cache: dict[Position, np.ndarray] = {}
        by_action: dict[str, list[Subsidy]] = {}
        for s in self.subsidies.values():
            by_action.setdefault(s.action, []).append(s)
        self.subsidies_by_action = by_action
        self.base_roster_cost = self.roster_cost(self.positions, self.base_mult["loon"])

    # -- helpers shared by runs ---------------------------------------------------------------
    def shares(self, key: LineKey) -> dict[str, float]:
        """Index class -> share of the line (classes not listed are 'vast')."""
        cached = self._share_cache.get(key)
        if cached is not None:
            return cached
        if key.category != EXPLOITATIE and (key.action, key.category, key.direction) not in self._explicit:
            out: dict[str, float] = {}
        elif (key.action, key.category, key.direction) in self._explicit:
            out = {k: v for k, v in self._explicit[(key.action, key.category, key.direction)].items() if k != "vast"}
        elif key.direction == O:
            klass = self._subsidy_class.get(key.action, "vast")
            out = {} if klass == "vast" else {klass: 1.0}
        else:
            out = dict(DEFAULT_U_SHARES)
        self._share_cache[key] = out
        return out

    def share_vector(self, key: LineKey) -> np.ndarray:
        """The line's shares per index class, in the order of CLASSES (cached)."""
        vec = self._vector_cache.get(key)
        if vec is None:
            shares = self.shares(key)
            vec = np.array([shares.get(k, 0.0) for k in CLASSES])
            self._vector_cache[key] = vec
        return vec

    def position_cost(self, p: Position) -> np.ndarray:
        """Employer cost per year of one position at wage multiplier 1 (cached)."""
        cost = self._cost_cache.get(p)
        if cost is None:
            if self.scales is None:
                raise InputError("the workbook has no salary scales (sheet 'Weddeschalen')",
                                 file=self.file, expected="a 'Weddeschalen' sheet for staffing changes")
            try:
                cost = cost_breakdown([p], self.scales, self.staff_params, self.years).total[0]
            except ValueError as exc:
                raise InputError(str(exc), file=self.file, sheet="Personeel") from None
            self._cost_cache[p] = cost
        return cost

    def roster_cost(self, positions: Iterable[Position], wage_multiplier: np.ndarray) -> np.ndarray:
        total = np.zeros(len(self.years))
        for p in positions:
            total = total + self.position_cost(p)
        return total * wage_multiplier

    def wage_cost_base(self) -> np.ndarray | None:
        """The plan's annual wage cost per year (parameter Jaarloonkost), or None if not given."""
        if not hasattr(self, "_wage_cost"):
            wc = self.params.per_year("wage_cost", self.years)
            self._wage_cost = wc if np.any(wc) else None
        return self._wage_cost

    def minimum_reserve(self, wage_cost: np.ndarray | None) -> np.ndarray | None:
        if self.params.minimum_reserve_pct is not None and wage_cost is not None:
            return float(self.params.minimum_reserve_pct) * wage_cost
        return self.params.minimum_reserve_per_year(self.years)

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
            raise change.error(f"unknown action '{action}'", fieldname,
                               "an action of the budget sheet, e.g. A10302")

    def check_date(self, change, date: dt.date, fieldname: str = "date") -> None:
        if not self.years[0] <= date.year <= self.years[-1]:
            raise change.error(f"date {date.isoformat()} is outside the plan ({self.years[0]}-{self.years[-1]})",
                               fieldname, f"a date in {self.years[0]}-{self.years[-1]}")


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
    def wage_cost(self) -> np.ndarray | None:
        base = self.base.wage_cost_base()
        if base is None:
            return None
        loon = self.mult["loon"]
        ratio = loon / self.base.base_mult["loon"]
        roster_delta = self.base.roster_cost(self.positions, loon) - self.base.base_roster_cost * ratio
        return base * ratio + roster_delta

    def route_staff_cost(self, action: str, funded_by: str, delta: np.ndarray) -> None:
        """A change in staff cost on an action, with its overhead recharge and, for a
        subsidy-funded position, the subsidy that follows it."""
        active, rate = self.base.subsidised(action, self.windows)
        overhead = rate * delta * active
        self.add(action, U, delta + overhead)
        self.add(OVERHEAD_ACTION, O, overhead)
        if funded_by in self.base.subsidies:
            self.add(action, O, delta + overhead)

    def replace_positions(self, old: Sequence[Position], new: Sequence[Position], route: bool = True) -> None:
        loon = self.mult["loon"]
        for p in old:
            self.positions.remove(p)
            if route:
                self.route_staff_cost(p.action, p.funded_by, -self.base.position_cost(p) * loon)
        for p in new:
            self.positions.append(p)
            if route:
                self.route_staff_cost(p.action, p.funded_by, self.base.position_cost(p) * loon)

    def position(self, change, pid: str) -> list[Position]:
        found = [p for p in self.positions if p.id == pid]
        if not found:
            raise change.error(f"unknown position '{pid}'", "position",
                               "a position id of the 'Personeel' sheet (or one hired earlier in the scenario)")
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
            raise change.error(f"unknown subsidy '{change.subsidy}'", "subsidy",
                               f"a subsidy id of the 'Subsidies' sheet: {', '.join(self.base.subsidies) or '(none)'}")
        return s

    def funded(self, s: Subsidy) -> list[Position]:
        ids = set(s.positions)
        return [p for p in self.positions if p.funded_by == s.id or p.id in ids]

    def staff_monthly(self, s: Subsidy, positions: Sequence[Position], u_monthly: np.ndarray) -> np.ndarray:
        """Staff cost per month of the project per year (roster; else the U line's wage share)."""
        if positions:
            from ..staffing import active_months
            cost = self.base.roster_cost(positions, self.mult["loon"])
            months = active_months(positions, self.years).max(axis=0)
            return np.divide(cost, months, out=np.zeros(self.n), where=months > 0)
        share = self.base.shares(LineKey(s.action, EXPLOITATIE, U)).get("loon", 0.0)
        return u_monthly * share

    def monthly(self, amount: np.ndarray, months: np.ndarray) -> np.ndarray:
        return np.divide(amount, months, out=np.zeros(self.n), where=months > 0)

    def lose(self, s: Subsidy, lost: np.ndarray, fraction: float, kept: float, notice_end: int | None) -> None:
        """Lose ``fraction`` of the subsidy in the months ``lost`` (a per-month mask)."""
        start, end = self.windows[s.id]
        window = window_mask(start, end, self.years)
        a = months_per_year(window)
        lost_y = months_per_year(lost & window)
        o_line = self.line(s.action, O) if s.amount is None else np.full(self.n, float(s.amount))
        o_m = self.monthly(o_line, a)
        u_m = self.monthly(self.line(s.action, U), a)
        positions = self.funded(s)
        staff_m = self.staff_monthly(s, positions, u_m)
        ovh_m = s.overhead_rate * staff_m
        notice_y = np.zeros(self.n)
        if notice_end is not None:
            months = self.years[0] * 12 + np.arange(12 * self.n)
            notice = lost & window & (months <= notice_end)
            notice_y = months_per_year(notice)
        self.add(s.action, O, -fraction * o_m * lost_y)
        self.add(s.action, U, -(1 - kept) * fraction * (u_m * lost_y - staff_m * notice_y)
                 - kept * fraction * ovh_m * lost_y)
        self.add(OVERHEAD_ACTION, O, -fraction * ovh_m * lost_y)


def index_deltas(base: Baseline, lines: Mapping[LineKey, np.ndarray],
                 ratios: Mapping[str, np.ndarray]) -> dict[LineKey, np.ndarray]:
    """The index rule: multiplying index class k's multiplier by ``ratios[k]`` (per year)
    changes each line by amount x share of k x (ratio - 1). Only lines that change are returned.
    (The member contribution, class ``bijdrage``, is handled apart by the caller.)"""
    keys = list(lines)
    if not keys or not ratios:
        return {}
    amounts = np.stack([lines[k] for k in keys])                      # (lines, years)
    shares = np.stack([base.share_vector(k) for k in keys])           # (lines, classes)
    change = np.zeros((len(CLASSES), amounts.shape[1]))               # (classes, years)
    for c, klass in enumerate(CLASSES):
        if klass in ratios:
            change[c] = np.asarray(ratios[klass], dtype=np.float64) - 1.0
    delta = amounts * (shares @ change)
    changed = np.flatnonzero(delta.any(axis=1))
    return {keys[i]: delta[i] for i in changed}


def _month(d: dt.date) -> int:
    return month_number(d)


def _add_months(d: dt.date, n: int) -> int:
    return month_number(d) + n


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
        m2 = M2Result(self.base.years, lines, minimum, check_norms(self.base.years, lines, minimum))
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
                raise ch.error(f"year {y} is outside the plan", "amounts", f"years {self.base.years[0]}-{self.base.years[-1]}")
        delta = np.array([float(ch.amounts.get(y, 0.0)) for y in self.base.years])
        state.add(ch.action, 0 if ch.direction == "O" else 1, delta, CATEGORIES.index(ch.category))
        return f"Bijsturing {ch.action} {ch.category} {ch.direction}"

    def _apply_contribution(self, state: _Run, ch: ContributionChange) -> str:
        if ch.from_year not in self.base.years:
            raise ch.error(f"year {ch.from_year} is outside the plan", "from_year",
                           f"a year in {self.base.years[0]}-{self.base.years[-1]}")
        if not np.any(state.contribution):
            raise ch.error("the plan has no member contribution (parameter 'Bijdrage lokale besturen')", None,
                           "a 'Bijdrage lokale besturen' row on the Parameters sheet")
        if ch.pct is not None:
            pct = ch.pct  # a fraction (w13xl.scenario.spec.as_fraction): 0.05 = +5%
            factor = 1.0 + pct
            what = f"{pct * 100:+.1f}%".replace(".", ",")
        else:
            inhabitants = self.base.params.inhabitants
            if not inhabitants:
                raise ch.error("per_inhabitant needs the number of inhabitants (parameter 'Inwoners')",
                               "per_inhabitant", "an 'Inwoners' row on the Parameters sheet")
            current = self.base.contribution[0] / inhabitants
            factor = ch.per_inhabitant / current
            what = f"{ch.per_inhabitant:.4f} euro per inwoner (was {current:.4f})".replace(".", ",")
        mask = np.array([y >= ch.from_year for y in self.base.years], dtype=float)
        delta = state.contribution * (factor - 1.0) * mask
        state.contribution = state.contribution + delta
        state.add(CONTRIBUTION_ACTION, O, delta)
        return f"Bijdrage lokale besturen {what} vanaf {ch.from_year}"

    # index ---------------------------------------------------------------------------------
    def _index_paths(self, ch: IndexChange, state: _Run) -> dict[str, np.ndarray]:
        years = list(self.base.years)
        t0 = years[0]
        base_rate = float(self.base.params.index_rate)
        if ch.rate is not None:
            path = (1.0 + ch.rate) ** np.arange(len(years))
            return {c: path for c in ch.classes}
        if ch.rates is not None:
            for y in ch.rates:
                if y not in years:
                    raise ch.error(f"year {y} is outside the plan", "rates")
            rates = {y: ch.rates.get(y, base_rate) for y in years}
            path = ix.yearly_rate_multipliers(rates, years)
            return {c: path for c in ch.classes}
        if ch.crossings is not None or ch.extra_crossings is not None:
            for m in ch.months:
                if not t0 - 1 <= m[0] <= years[-1]:
                    raise ch.error(f"crossing {m[0]}-{m[1]:02d} is outside the plan",
                                   "crossings" if ch.crossings is not None else "extra_crossings")
            steps = ix.wage_steps_from_crossings(ch.months)
            level = ix.monthly_level(steps, (t0, 1), 12 * len(years))
            path = ix.yearly_average_multipliers(level, (t0, 1), years)
            if ch.extra_crossings is not None:
                return {"loon": state.mult["loon"] * path}
            return {"loon": path}
        # inflation: a health index path through the pivot mechanism (wages), CPI for the rest
        rates = {y: ch.inflation.get(y, base_rate) for y in years}  # type: ignore[union-attr]
        for y in ch.inflation or {}:
            if y not in years:
                raise ch.error(f"year {y} is outside the plan", "inflation")
        monthly = np.repeat([(1.0 + rates[y]) ** (1 / 12) - 1.0 for y in years], 12)
        health = ix.bundled_health_index().slice((t0 - 1, 10), (t0 - 1, 12))
        path = ix.health_index_path(health, monthly)
        result = ix.pivot_mechanism(path.values, start=path.start, pivot=PIVOT_AFTER_2025,
                                    coefficient=1.0)
        level = result.coefficient[3:] / result.coefficient[3]
        wages = ix.yearly_average_multipliers(level, (t0, 1), years)
        prices = ix.yearly_rate_multipliers(rates, years)
        contribution = np.cumprod([1.0] + [1.0 + rates[y] for y in years[:-1]])
        out = {"loon": wages, "prijzen": prices, "bijdrage": contribution}
        return {c: out[c] for c in ch.classes if c in out} if ch.classes != ["loon"] else out

    def _apply_index(self, state: _Run, ch: IndexChange) -> str:
        paths = self._index_paths(ch, state)
        if "loon" in paths:
            paths["volgt_loon"] = paths["loon"]
        ratios = {klass: paths[klass] / state.mult[klass] for klass in paths}
        for key, delta in index_deltas(self.base, state.lines, ratios).items():
            state.add(key.action, key.direction, delta, key.category)
        if "bijdrage" in paths:
            delta = state.contribution * (paths["bijdrage"] / state.mult["bijdrage"] - 1.0)
            state.contribution = state.contribution + delta
            state.add(CONTRIBUTION_ACTION, O, delta)
        # staff cost added or removed by earlier changes sits on the U lines and was rescaled
        # with their wage share above; later roster changes are costed at the new level
        state.mult.update(paths)
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

    # staffing --------------------------------------------------------------------------------
    def _apply_hire(self, state: _Run, ch: HireChange) -> str:
        self.base.check_action(ch, ch.action)
        self.base.check_date(ch, ch.start, "start")
        if ch.end is not None and ch.end < ch.start:
            raise ch.error("end is before start", "end")
        if ch.funded_by != BASE_FUNDING and ch.funded_by not in self.base.subsidies:
            raise ch.error(f"unknown funding '{ch.funded_by}'", "funded_by", "basiswerking or a subsidy id")
        if self.base.scales is not None and ch.scale not in self.base.scales:
            raise ch.error(f"unknown salary scale '{ch.scale}'", "scale",
                           f"one of: {', '.join(self.base.scales.names)}")
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
                raise ch.error(f"unknown funding '{ch.funded_by}'", "funded_by", "basiswerking or a subsidy id")
            changes["funded_by"] = ch.funded_by
        self._segment_change(state, ch, **changes)
        return f"Positie {ch.position} naar {ch.action} vanaf {ch.date:%d/%m/%Y}"

    # subsidies -------------------------------------------------------------------------------
    def _apply_subsidy_end(self, state: _Run, ch: SubsidyEndChange) -> str:
        s = state.subsidy(ch)
        self.base.check_date(ch, ch.date)
        start, end = state.windows[s.id]
        policy = {"stop": "project stopt", "keep": "personeel blijft", "share": f"{(ch.share or 0) * 100:.0f}% blijft"}
        desc = f"Subsidie {s.name} ({s.id}) stopt op {ch.date:%d/%m/%Y}: {policy[ch.policy]}"
        if ch.notice_months and ch.policy != "keep":
            desc += f", opzeg {ch.notice_months} maanden"
        if end is not None and ch.date > end:
            self._renew(state, ch, s, ch.date, None)
            return f"Subsidie {s.name} ({s.id}) loopt door tot {ch.date:%d/%m/%Y}"
        months = self.base.years[0] * 12 + np.arange(12 * state.n)
        lost = months > _month(ch.date)
        notice_end = _add_months(ch.date, ch.notice_months) if ch.notice_months else None
        state.lose(s, lost, 1.0, ch.kept, notice_end)
        funded = state.funded(s)
        if ch.kept > 0:
            # staff stay after the (planned) end, paid by the basic operation: their cost beyond
            # the old window is new cost for the plan
            stay = [dataclasses.replace(p, end=None, funded_by=BASE_FUNDING) if p.end is not None else
                    dataclasses.replace(p, funded_by=BASE_FUNDING) for p in funded]
            if ch.kept < 1:
                stay = [dataclasses.replace(p, fte=p.fte * ch.kept) for p in stay]
            loon = state.mult["loon"]
            extra = np.zeros(state.n)
            for old, new in zip(funded, stay):
                extra += (self.base.position_cost(new) - self.base.position_cost(old)) * loon
            for p in funded:
                state.positions.remove(p)
            state.positions.extend(stay)
            # only the months after the old end are new: within the old window the cost is
            # already on the action's U line
            state.add(s.action, U, extra)
        else:
            last = _last_day(notice_end) if notice_end is not None else ch.date
            for p in funded:
                if p.end is None or p.end > last:
                    state.positions.remove(p)
                    if p.start is None or p.start <= last:
                        state.positions.append(dataclasses.replace(p, end=last))
        state.windows[s.id] = (start, ch.date if end is None or ch.date < end else end)
        return desc

    def _apply_subsidy_cut(self, state: _Run, ch: SubsidyCutChange) -> str:
        s = state.subsidy(ch)
        self.base.check_date(ch, ch.date)
        months = self.base.years[0] * 12 + np.arange(12 * state.n)
        lost = months >= _month(ch.date)
        fraction = 1.0 - ch.factor
        state.lose(s, lost, fraction, ch.kept, None)
        if ch.kept < 1:
            funded = state.funded(s)
            keep_fte = 1.0 - fraction * (1.0 - ch.kept)
            new = [q for p in funded for q in state.split(p, ch.date, fte=p.fte * keep_fte)]
            state.replace_positions(funded, new, route=False)
        return (f"Subsidie {s.name} ({s.id}) daalt tot {ch.factor * 100:.0f}% vanaf {ch.date:%d/%m/%Y}"
                + ("" if ch.kept >= 1 else f": kosten dalen mee ({(1 - ch.kept) * 100:.0f}%)"))

    def _apply_subsidy_renew(self, state: _Run, ch: SubsidyRenewChange) -> str:
        s = state.subsidy(ch)
        self.base.check_date(ch, ch.until, "until")
        self._renew(state, ch, s, ch.until, ch.amount)
        amount = "" if ch.amount is None else f" aan {ch.amount:,.2f} euro per jaar".replace(",", "X").replace(
            ".", ",").replace("X", ".")
        return f"Subsidie {s.name} ({s.id}) verlengd tot {ch.until:%d/%m/%Y}{amount}"

    def _renew(self, state: _Run, ch, s: Subsidy, until: dt.date, amount: float | None) -> None:
        start, end = state.windows[s.id]
        if end is None or until <= end:
            raise ch.error(f"subsidy {s.id} runs until {end or 'the end of the plan'} already",
                           "until", f"a date after {end}" if end else "a subsidy with an end date")
        years = self.base.years
        window = window_mask(start, end, years)
        a = months_per_year(window)
        months = years[0] * 12 + np.arange(12 * state.n)
        gained = (months > _month(end)) & (months <= _month(until))
        g = months_per_year(gained)
        full = [i for i in range(state.n) if a[i] > 0]
        if not full:
            raise ch.error(f"subsidy {s.id} has no months inside the plan to renew from", "amount",
                           "an amount for the renewal")
        t0 = max((i for i in full if a[i] == 12), default=full[-1])
        o_line = state.line(s.action, O) if s.amount is None else np.full(state.n, float(s.amount))
        u_line = state.line(s.action, U)
        klass = s.index_class
        ratio = np.ones(state.n) if klass == "vast" else state.mult[klass] / state.mult[klass][t0]
        o_m = (np.full(state.n, amount / 12.0) if amount is not None else o_line[t0] / a[t0] * ratio)
        # the project's costs in the gained months: kept in the baseline (cost continues) or re-added
        u_ratio = np.zeros(state.n)
        for k, share in self.base.shares(LineKey(s.action, EXPLOITATIE, U)).items():
            u_ratio += share * state.mult[k] / state.mult[k][t0]
        u_ratio += 1.0 - sum(self.base.shares(LineKey(s.action, EXPLOITATIE, U)).values())
        u_m = u_line[t0] / a[t0] * u_ratio
        funded = [p for p in state.funded(s) if p.end is not None and p.end <= end]
        extended = [dataclasses.replace(p, end=until) for p in funded]
        loon = state.mult["loon"]
        staff_gain = np.zeros(state.n)
        for old, new in zip(funded, extended):
            staff_gain += (self.base.position_cost(new) - self.base.position_cost(old)) * loon
        if not funded:
            staff_gain = u_m * g * self.base.shares(LineKey(s.action, EXPLOITATIE, U)).get("loon", 0.0)
        overhead = s.overhead_rate * staff_gain
        continues = (a == 0) & (u_line > 0.005)
        self.add_renewal(state, s, o_m * g, np.where(continues, overhead, u_m * g), overhead)
        for old, new in zip(funded, extended):
            state.positions.remove(old)
            state.positions.append(new)
        state.windows[s.id] = (start, until)

    @staticmethod
    def add_renewal(state: _Run, s: Subsidy, receipts: np.ndarray, costs: np.ndarray, overhead: np.ndarray) -> None:
        state.add(s.action, O, receipts)
        state.add(s.action, U, costs)
        state.add(OVERHEAD_ACTION, O, overhead)


def run_scenario(baseline: Baseline, scenario: Scenario, library: ScenarioLibrary | None = None) -> ScenarioRun:
    """Apply one scenario (with the scenarios it extends) to the baseline."""
    return Engine(baseline).run(scenario, library)


def run_scenarios(baseline: Baseline, scenarios: Sequence[Scenario]) -> list[ScenarioRun]:
    library = ScenarioLibrary(scenarios)
    engine = Engine(baseline)
    return [engine.run(s, library) for s in scenarios]
