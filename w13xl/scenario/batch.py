"""Many scenarios as one array computation (a leading batch axis), with the one-at-a-time
:class:`~w13xl.scenario.engine.Engine` as the single home of the rules and as the oracle.

How the rules stay in one place:

* **Index changes** go through the engine's own rule functions, called on arrays with a
  scenario axis: :func:`~w13xl.scenario.engine.index_deltas` and
  :func:`~w13xl.scenario.engine.line_exposure` (issue 9: the wage part of a U line is the
  roster's cost on its action, the rest follows the line's declared class, ``vast`` by
  default). The batch keeps, per scenario, the sum of the lines that the rule moves alike
  (same exposure per unit amount, found by asking ``line_exposure``); a line whose exposure
  reads the roster's wage part is kept on its own, and the roster's cost per action (at wage
  multiplier 1) is kept per scenario, so the wage part is the engine's in every state. Paths
  come from the engine (``Engine._index_paths``); inflation paths for many scenarios at once
  from :func:`w13xl.montecarlo.inflation_paths`. Each kind of index change is checked against
  the engine once (totals, contribution, multipliers, wage cost); a kind that differs runs on
  the engine.
* **Every other change** (subsidy end/cut with its policy, hires, FTE, contribution, line
  ...) is *measured with the engine itself*: the engine applies the change to a fresh baseline
  state that records which state it reads (lines, index multipliers, the member contribution).
  Probing each read input (1 euro on an amount, 1% on a multiplier) gives the change's line
  deltas as an affine function of what it read; a random probe and its mirror image check that
  function against the engine. A change that is not affine in what it reads (a renewal, which
  rescales from a reference year; an end where the overhead cap is near) is applied by the
  engine once per distinct state the scenarios are in (exact, not an approximation).
* **Minimum reserve and wage cost**: the roster's cost per scenario at its wage index, through
  the engine's :func:`~w13xl.scenario.engine.minimum_reserve_rule` (the plan's 211.211,09
  moved by 10% of the change in annual wage cost against the baseline).
* A scenario that cannot be batched exactly runs on the engine (``BatchResult.fallback``):
  never an approximation. Two structural changes of one scenario that touch the same subsidy
  window or positions (the second reads what the first wrote) and a change whose read amounts
  cross zero fall back. An ``indexsprong`` is an index step whose new paths come from each
  scenario's current ones (:func:`~w13xl.scenario.engine.skip_indexation`).

Results agree with the engine to far below a cent (float sums in another order).
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import W13Error
from ..m2 import HALF_CENT, LINE_KEYS, M2Result, check_norms, m2_arrays
from ..model import EXPLOITATIE, LineKey, O, U
from .engine import (
    CLASSES,
    CONTRIBUTION_ACTION,
    OVERHEAD_ACTION,
    Baseline,
    Engine,
    _Run,
    index_deltas,
    line_exposure,
    skip_indexation,
)
from .result import ChangeEffect, ScenarioRun
from .spec import IndexChange, Scenario, ScenarioLibrary

_K = {k: i for i, k in enumerate(CLASSES)}
#: Changes that move the index multipliers (the batch's index step)
_INDEX_TYPES = ("index", "indexsprong")
_CONTRIB = ("contribution",)
#: A probe's prediction must match the engine to this (euro; amounts are ~1e5-1e7).
_TOLERANCE = 1e-6


class NotBatchable(Exception):
    """This change (or scenario) runs on the engine instead."""


# -- measuring a change with the engine ---------------------------------------------------------
class _Reads(dict):
    """A dict that records the keys read (while not paused)."""

    def __init__(self, data) -> None:
        super().__init__(data)
        self.reads: set = set()
        self.paused = False

    def __getitem__(self, key):
        if not self.paused:
            self.reads.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        if not self.paused:
            self.reads.add(key)
        return super().get(key, default)


class _Lines(dict):
    """The lines of a probe state: the baseline's plus what the probe wrote (held here), recording
    the keys read. Iterating over all lines is refused (such a change is not measured)."""

    def __init__(self, base) -> None:
        super().__init__()
        self.base = base
        self.reads: set = set()
        self.paused = False

    def __getitem__(self, key):
        if not self.paused:
            self.reads.add(key)
        return dict.__getitem__(self, key) if dict.__contains__(self, key) else self.base[key]

    def get(self, key, default=None):
        if not self.paused:
            self.reads.add(key)
        return dict.__getitem__(self, key) if dict.__contains__(self, key) else self.base.get(key, default)

    def __contains__(self, key) -> bool:
        return dict.__contains__(self, key) or key in self.base

    def _refuse(self, *args, **kwargs):
        raise NotBatchable("reads every line")

    __iter__ = keys = items = values = __len__ = _refuse


class _ProbeRun(_Run):
    """A baseline engine state that records what a change reads."""

    lines: _Lines  # the lines, recording the keys read
    mult: _Reads
    windows: _Reads

    def __init__(self, base: Baseline) -> None:
        super().__init__(base)
        self.lines = _Lines(base.lines)
        self.mult = _Reads(self.mult)
        self.windows = _Reads(self.windows)
        self.contribution_read = False

    @property
    def contribution(self) -> np.ndarray:
        self.contribution_read = True
        return self._contribution

    @contribution.setter
    def contribution(self, value: np.ndarray) -> None:
        self._contribution = value

    def add(self, action: str, direction: int, delta: np.ndarray, category: int = EXPLOITATIE) -> None:
        """The line only (a probe's totals are not read; its amounts may carry a leading axis of
        states, see ``BatchEngine._run_exact``); adding to a line is not reading it."""
        if not np.any(_plain(delta)):  # (adding zero to every state changes none)
            return
        key = LineKey(action, category, direction)
        self.lines.paused = True
        try:
            self.lines[key] = self.lines.get(key, np.zeros(self.n)) + delta
        finally:
            self.lines.paused = False


class _States(np.ndarray):
    """Amounts of several states on a leading axis, so that the engine's arithmetic for one change
    runs once for all of them (``BatchEngine._run_exact``). Only elementwise arithmetic is let
    through: indexing or iterating (which would pick a state instead of a year), reductions (sum,
    any, max: over the states too) and other numpy functions raise NotBatchable, and the batch
    then runs the states one at a time."""

    def _refuse(self, *args, **kwargs):
        raise NotBatchable("the change's arithmetic is not elementwise")

    __getitem__ = __setitem__ = __iter__ = __len__ = __bool__ = __float__ = __int__ = _refuse

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__":
            self._refuse()
        plain = [x.view(np.ndarray) if isinstance(x, _States) else x for x in inputs]
        if "out" in kwargs:
            kwargs["out"] = tuple(x.view(np.ndarray) if isinstance(x, _States) else x for x in kwargs["out"])
        if isinstance(kwargs.get("where"), _States):
            kwargs["where"] = kwargs["where"].view(np.ndarray)
        result = getattr(ufunc, method)(*plain, **kwargs)
        if isinstance(result, tuple):
            return tuple(r.view(_States) for r in result)
        return result.view(_States)

    def __array_function__(self, func, types, args, kwargs):
        if func not in _ELEMENTWISE_FUNCTIONS:
            self._refuse()
        return super().__array_function__(func, types, args, kwargs)


#: numpy functions that do not look inside the amounts (shapes)
_ELEMENTWISE_FUNCTIONS = {np.shape, np.ndim}


def _plain(value) -> np.ndarray:
    return value.view(np.ndarray) if isinstance(value, _States) else np.asarray(value, dtype=float)


@dataclass(eq=False)
class Response:
    """One change's effect as an affine function of the state it reads, per year:
    ``delta[o] = d0[o] + sum_v alpha[v, o] @ (x[v] - x0[v])``; outputs are line keys then the
    member contribution (last row); ``roster`` is the change in the roster's cost at wage
    multiplier 1 (for the wage-based minimum reserve)."""

    keys: list[LineKey]
    d0: np.ndarray  # (outputs + 1, years)
    inputs: list[tuple]  # ("line", key) | ("mult", klass) | ("contribution",)
    x0: np.ndarray  # (inputs, years)
    alpha: np.ndarray  # (inputs, outputs + 1, years, years of the input)
    roster: np.ndarray  # (years,)
    reads: frozenset
    writes: frozenset
    description: str
    #: the roster's cost change per action at wage multiplier 1 (the wage part of its lines)
    units: dict = field(default_factory=dict)


def _units_change(base: Baseline, st: _Run) -> dict[str, np.ndarray]:
    """The roster's cost change per action at wage multiplier 1 (removed and added positions)."""
    removed, added = _roster_change(base, st)
    out: dict[str, np.ndarray] = {}
    for p in added:
        out[p.action] = out.get(p.action, 0.0) + base.position_cost(p)
    for p in removed:
        out[p.action] = out.get(p.action, 0.0) - base.position_cost(p)
    return out


def _roster_change(base: Baseline, st: _Run) -> tuple[list, list]:
    """Positions the change removed and added (unchanged positions are the same objects)."""
    before = {id(p) for p in base.positions}
    after = {id(p) for p in st.positions}
    return [p for p in base.positions if id(p) not in after], [p for p in st.positions if id(p) not in before]


def _footprint(base: Baseline, ch, st: _ProbeRun) -> tuple[frozenset, frozenset]:
    """(reads, writes) of roster and subsidy-window state, as tokens."""
    removed, added = _roster_change(base, st)
    writes = {f"p:{p.id}" for p in removed + added} | {f"f:{p.funded_by}" for p in removed + added}
    # the roster on an action (its wage part: read by a renewal's index rule)
    writes |= {f"a:{p.action}" for p in removed + added}
    writes |= {f"w:{sid}" for sid, w in st.windows.items() if w != (base.subsidies[sid].start, base.subsidies[sid].end)}
    reads = {f"w:{sid}" for sid in st.windows.reads}
    sid = getattr(ch, "subsidy", None)
    if sid is not None:
        reads |= {f"f:{sid}", f"w:{sid}", f"a:{base.subsidies[sid].action}"}
        reads |= {f"p:{pid}" for pid in base.subsidies[sid].positions}
    if getattr(ch, "position", None) is not None:
        reads.add(f"p:{ch.position}")
    return frozenset(reads), frozenset(writes)


class _Measure:
    """Runs one change on fresh engine states (perturbed or not) and returns the line deltas."""

    def __init__(self, engine: Engine, ch, mult: np.ndarray | None = None) -> None:
        self.engine, self.ch = engine, ch
        self.base = engine.base
        self.mult = mult

    def value(self, var: tuple) -> np.ndarray:
        if var[0] == "mult" and self.mult is not None:
            return np.asarray(self.mult[_K[var[1]]], dtype=float)
        return _value(self.base, var)

    def run(self, perturb: dict | None = None) -> tuple[dict, np.ndarray, _ProbeRun, str]:
        st = _ProbeRun(self.base)
        n = len(self.base.years)
        if self.mult is not None:
            for k in CLASSES:
                dict.__setitem__(st.mult, k, np.array(self.mult[_K[k]], dtype=float))
        for var, dx in (perturb or {}).items():
            if var[0] == "line":
                dict.__setitem__(st.lines, var[1], st.lines.base.get(var[1], np.zeros(n)) + dx)
            elif var[0] == "mult":
                dict.__setitem__(st.mult, var[1], dict.__getitem__(st.mult, var[1]) + dx)
            else:
                st._contribution = st._contribution + dx
        lines_before = {k: dict.__getitem__(st.lines, k) for k in dict.keys(st.lines)}
        mult_before = dict(st.mult)
        contrib_before = st._contribution
        description = self.engine.apply(st, self.ch)
        if any(dict.__getitem__(st.mult, k) is not v for k, v in mult_before.items()):
            raise NotBatchable("changes an index multiplier")
        deltas = {}
        for key in dict.keys(st.lines):
            now = dict.__getitem__(st.lines, key)
            old = lines_before.get(key, st.lines.base.get(key))
            if old is None or now is not old:
                deltas[key] = now - (np.zeros(n) if old is None else old)
        return deltas, st._contribution - contrib_before, st, description

    def run_many(self, perturbs: list[dict]) -> list[tuple[dict, np.ndarray]]:
        """(line deltas, contribution delta) for each perturbation: from one engine run with the
        perturbations stacked on a leading axis (:class:`_States`) where the change's arithmetic
        is elementwise, else one run each (the same numbers: elementwise arithmetic is the same
        per element)."""
        n = len(self.base.years)
        if len(perturbs) > 1:
            names = list(dict.fromkeys(var for p in perturbs for var in p))
            stacked = {var: np.stack([np.broadcast_to(p.get(var, 0.0), (n,)) for p in perturbs]).view(_States)
                       for var in names}
            try:
                deltas, dc, _, _ = self.run(stacked)
            except (NotBatchable, W13Error, ValueError):
                pass
            else:
                rows = [{k: np.broadcast_to(_plain(d), (len(perturbs), n))[i] for k, d in deltas.items()}
                        for i in range(len(perturbs))]
                dcs = np.broadcast_to(_plain(dc), (len(perturbs), n))
                return [(r, dcs[i]) for i, r in enumerate(rows)]
        return [self.run(p)[:2] for p in perturbs]


class NotAffine(NotBatchable):
    """Not affine in the state it reads; ``reads``/``writes`` still tell its footprint and
    ``inputs``/``x0``/``keys`` what it reads and writes (the batch then runs the change with the
    engine once per distinct state it reads: exact, see ``BatchEngine.run``)."""

    def __init__(self, message: str, reads: frozenset, writes: frozenset, inputs: list | None = None,
                 x0: np.ndarray | None = None, keys: list | None = None) -> None:
        super().__init__(message)
        self.reads, self.writes = reads, writes
        self.inputs, self.x0, self.keys = inputs or [], x0, keys or []


def measure(engine: Engine, ch, mult: np.ndarray | None = None, rng: np.random.Generator | None = None) -> Response:
    """The change's :class:`Response`, measured with the engine; NotBatchable if it is not affine
    in what it reads (checked with a random probe). With ``mult`` (classes, years) the index
    multipliers are held at that state instead of being inputs (for a renewal, which rescales
    its amount by the multipliers)."""
    base = engine.base
    n = len(base.years)
    m = _Measure(engine, ch, mult)
    d0, c0, st, description = m.run()
    reads, writes = _footprint(base, ch, st)
    inputs: list[tuple] = [("line", k) for k in sorted(st.lines.reads)]
    if mult is None:
        inputs += [("mult", k) for k in CLASSES if k in st.mult.reads]
    if st.contribution_read:
        inputs.append(_CONTRIB)
    x0 = np.stack([m.value(var) for var in inputs]) if inputs else np.zeros((0, n))
    rng = rng or np.random.default_rng(1)
    # (amounts that are zero stay zero: the batch checks that pattern when it uses the response,
    # since a rule may branch on it, e.g. a renewal on whether the project's costs continue)
    dx = {var: (rng.uniform(-0.1, 0.1, n) if var[0] == "mult" else
                m.value(var) * rng.uniform(-0.3, 0.3, n)
                + np.where(np.abs(m.value(var)) > HALF_CENT, rng.uniform(-500, 500, n), 0.0)) for var in inputs}
    #: probe step per input: 1 euro on an amount, 1% on an index multiplier (a +100% step
    #: would cross the kinks of rules such as the overhead cap)
    step = {var: (0.01 if var[0] == "mult" else 1.0) for var in inputs}
    # the random probe and its mirror image (an affine effect agrees on both sides of the measured
    # state; a rule with a kink, such as the overhead capped at what the project's line leaves,
    # fails one side), and a probe per input (all years at once), in one go
    (dr, cr), (dr2, cr2), *diagonal = m.run_many(
        [dx, {var: -d for var, d in dx.items()}, *({var: step[var] * np.ones(n)} for var in inputs)])
    # a change that reads the index multipliers and is not diagonal is measured per index state
    tries = (False, True) if mult is not None or not any(v[0] == "mult" for v in inputs) else (False,)
    for full in tries:
        # diagonal: year y of the effect depends on year y of the inputs (probe all years at
        # once); full: on any year (probe one year at a time)
        if full:
            flat = m.run_many([{var: step[var] * np.eye(n)[z]} for var in inputs for z in range(n)])
            probes = [flat[v * n:(v + 1) * n] for v in range(len(inputs))]
        else:
            probes = [[p] for p in diagonal]
        keys = sorted(set(d0).union(*(p[0] for ps in probes for p in ps)))

        def vector(deltas: dict, contrib: np.ndarray, keys: list = keys) -> np.ndarray:
            return np.vstack([*(deltas.get(k, np.zeros(n)) for k in keys), contrib])

        v0 = vector(d0, c0)
        alpha = np.zeros((len(inputs), len(keys) + 1, n, n))
        for v, ps in enumerate(probes):
            if full:
                for z, p in enumerate(ps):
                    alpha[v, :, :, z] = (vector(p[0], p[1]) - v0) / step[inputs[v]]
            else:
                alpha[v] = ((vector(ps[0][0], ps[0][1]) - v0) / step[inputs[v]])[:, :, None] * np.eye(n)
        if (set(dr) | set(dr2)) - set(keys):
            continue
        shift = sum((alpha[i] @ dx[var] for i, var in enumerate(inputs)), np.zeros_like(v0))
        ok = True
        for predicted, actual in ((v0 + shift, vector(dr, cr)), (v0 - shift, vector(dr2, cr2))):
            ok = ok and np.max(np.abs(actual - predicted), initial=0.0) <= _TOLERANCE * (
                1.0 + np.max(np.abs(actual), initial=0.0))
        if ok:
            break
    else:
        raise NotAffine("not affine in the state it reads", reads, writes, inputs, x0, sorted(set(d0)))
    units = _units_change(base, st)
    roster = sum(units.values(), np.zeros(n))
    # the batch's wage cost (minimum reserve) must follow the engine's
    loon = np.asarray(dict.__getitem__(st.mult, "loon"), dtype=float)
    if not np.allclose((base.roster_cost(base.positions, np.ones(n)) + roster) * loon, st.wage_cost(),
                       rtol=1e-12, atol=1e-6):
        raise NotBatchable("the wage cost after the change differs from the engine's")
    return Response(keys, v0, inputs, x0, alpha, roster, reads, writes, description, units)


def _value(base: Baseline, var: tuple) -> np.ndarray:
    n = len(base.years)
    if var[0] == "line":
        return np.asarray(base.lines.get(var[1], np.zeros(n)), dtype=float)
    if var[0] == "mult":
        return np.asarray(base.base_mult[var[1]], dtype=float)
    return np.asarray(base.contribution, dtype=float)


# -- results ----------------------------------------------------------------------------------------
@dataclass(eq=False)
class BatchResult:
    """M2 of every scenario of a batch (``lines[key]``: (scenarios, years)), the minimum reserve
    and, per scenario, the audit trail on demand (:meth:`run`)."""

    base: Baseline
    scenarios: list[Scenario]
    lines: dict[str, np.ndarray]
    minimum_reserve: np.ndarray | None
    changes: list[list]
    #: scenario index -> why it ran on the engine
    fallback: dict[int, str] = field(default_factory=dict)
    _runs: dict[int, ScenarioRun] = field(default_factory=dict)
    _history: tuple | None = None  # (totals per step, wage cost per step, step count)
    _descriptions: dict = field(default_factory=dict)
    _chains: list = field(default_factory=list)
    _engine: Engine | None = None

    def __len__(self) -> int:
        return len(self.scenarios)

    @property
    def years(self) -> tuple[int, ...]:
        return self.base.years

    def m2(self, i: int) -> M2Result:
        lines = {k: self.lines[k][i].copy() for k in LINE_KEYS}
        minimum = None if self.minimum_reserve is None else self.minimum_reserve[i].copy()
        return M2Result(self.years, lines, minimum, check_norms(self.years, lines, minimum))

    def run(self, i: int) -> ScenarioRun:
        """Scenario ``i`` as a ScenarioRun: M2 and the audit trail (each change's effect) from
        the batch. Its ``plan`` is None for batched scenarios (the batch keeps no line-level
        plan: run the engine for that)."""
        if i in self._runs:
            return self._runs[i]
        assert self._history is not None  # set by BatchEngine.run with the scenarios
        totals, wages, steps = self._history
        s = self.scenarios[i]
        n = int(steps[i])
        inputs = self.base.m2_inputs
        lines = m2_arrays(totals[: n + 1, i], **inputs)  # (steps + 1, years) per key
        wage = wages[: n + 1, i]
        minres = [self.base.minimum_reserve(w) for w in wage]  # the engine's rule, per step
        effects = []
        for j, ch in enumerate(self.changes[i], start=1):
            deltas = {k: lines[k][j] - lines[k][j - 1] for k in LINE_KEYS}
            now, before = minres[j], minres[j - 1]
            mr = None if now is None or before is None else now - before
            desc = ch.description or self._description(ch)
            effects.append(ChangeEffect(j, ch.type, desc, deltas, mr))
        run = ScenarioRun(name=s.name, title=s.title or s.name, description=s.description, plan=None,  # type: ignore[arg-type]
                          m2=self.m2(i), baseline=self.base.m2, effects=tuple(effects),
                          wage_cost=wage[-1].copy(),
                          extends=self._chains[i])
        self._runs[i] = run
        return run

    def runs(self) -> list[ScenarioRun]:
        return [self.run(i) for i in range(len(self))]

    def _description(self, ch) -> str:
        key = id(ch)
        if key not in self._descriptions:
            assert self._engine is not None  # set by BatchEngine.run with the scenarios
            self._descriptions[key] = self._engine.apply(_Run(self.base), ch)
        return self._descriptions[key]


# -- the batch engine ---------------------------------------------------------------------------------
class BatchEngine:
    """Runs many scenarios on one baseline as array computations (see the module doc)."""

    def __init__(self, baseline: Baseline) -> None:
        self.base = baseline
        self.engine = Engine(baseline)
        self._responses: dict = {}
        self._paths: dict = {}
        self._keep: list = []  # keeps change objects alive while their id is a key of _ids
        self._ids: dict[int, tuple] = {}
        self._index_checked: dict[tuple, bool] = {}
        #: index changes' paths stacked (paths, class masks, relative), row per change key
        self._path_ids: dict[tuple, int] = {}
        self._path_stack: tuple = ()
        #: per change run on the engine per state (NotAffine): may its states go through at once?
        self._stacks: dict[tuple, bool] = {}
        self._sig: dict[LineKey, tuple] = {}
        self._dependent: dict[LineKey, bool] = {}
        self._layouts: dict[tuple[frozenset, frozenset], tuple] = {}
        #: the roster's cost per action at wage multiplier 1 (the engine's ``wage_parts`` / loon)
        units: dict[str, np.ndarray] = {}
        for p in baseline.positions:
            units[p.action] = units.get(p.action, 0.0) + baseline.position_cost(p)
        self._units0 = units

    # -- how lines are grouped: by what the engine's index rule does to them ------------------
    def _signature(self, key: LineKey) -> tuple:
        """The line's exposure per unit amount under :func:`line_exposure` (no roster): lines
        with the same signature move alike, so their sum is indexed as one line. Also records
        whether the rule reads the action's roster wage part for this line."""
        sig = self._sig.get(key)
        if sig is None:
            one = np.ones(len(self.base.years))
            exp = line_exposure(self.base, key, one, {})
            sig = self._sig[key] = (key.category, key.direction, tuple(sorted(
                (k, float(v[0])) for k, v in exp.amounts.items() if k in CLASSES and v[0] != 0.0)))
            half = line_exposure(self.base, key, one, {key.action: 0.5 * one})
            self._dependent[key] = any(
                not np.array_equal(half.amounts.get(k, 0.0 * one), exp.amounts.get(k, 0.0 * one))
                for k in set(exp.amounts) | set(half.amounts))
        return sig

    def _place(self, key: LineKey, roster: frozenset, groups: dict, key_group: dict, reps: list,
               cds: list, tracked: frozenset = frozenset()) -> None:
        sig = self._signature(key)
        if key in tracked:
            sig = ("tracked", key)  # its own group: a change reads or writes this line
        elif self._dependent[key] and key.action in roster:
            sig = ("roster", key)  # its own group: the rule reads the action's wage part
        g = groups.get(sig)
        if g is None:
            g = groups[sig] = len(reps)
            reps.append(key)
            cds.append(key.category * 2 + key.direction)
        key_group[key] = g

    def _layout(self, roster: frozenset, tracked: frozenset = frozenset()) -> tuple:
        """(groups, key -> group, representative key per group, category*2+direction per group,
        the baseline's line sums per group) for a set of actions that carry roster wage parts
        and a set of lines kept on their own (``tracked``: lines the changes read or write,
        also when the plan does not have them yet)."""
        lay = self._layouts.get((roster, tracked))
        if lay is None:
            groups: dict = {}
            key_group: dict = {}
            reps: list = []
            cds: list = []
            keys = list(self.base.lines)
            for k in [*keys, *sorted(tracked - set(keys))]:
                self._place(k, roster, groups, key_group, reps, cds, tracked)
            A0 = np.zeros((len(reps), len(self.base.years)))
            if keys:
                np.add.at(A0, np.array([key_group[k] for k in keys]), np.stack([self.base.lines[k] for k in keys]))
            lay = self._layouts[(roster, tracked)] = (groups, key_group, reps, cds, A0)
        return lay

    # -- caches -----------------------------------------------------------------------------
    def key(self, ch) -> tuple:
        """What makes two change objects the same change (their type and fields)."""
        k = self._ids.get(id(ch))
        if k is None:
            k = self._ids[id(ch)] = (type(ch).__name__, ch.model_dump_json())
            self._keep.append(ch)
        return k

    def response(self, ch, key: tuple | None = None) -> Response:
        key = key or self.key(ch)
        if key not in self._responses:
            try:
                self._responses[key] = measure(self.engine, ch)
            except (NotBatchable, W13Error, ValueError) as exc:
                self._responses[key] = exc
        out = self._responses[key]
        if isinstance(out, NotAffine):
            raise out
        if isinstance(out, Exception):
            raise NotBatchable(str(out))
        return out

    def _index_paths(self, changes: dict[tuple, IndexChange]) -> None:
        """Cache each change's paths per class (classes, years), which classes it sets and whether
        the wage path multiplies the current one (extra crossings)."""
        todo = [ch for k, ch in changes.items() if k not in self._paths]
        inflation = [ch for ch in todo if ch.inflation is not None]
        years = list(self.base.years)
        base_rate = float(self.base.params.index_rate)
        if inflation:
            from ..montecarlo import inflation_paths

            # (ch.inflation or {}): these have inflation (the filter above)
            ok = [ch for ch in inflation if all(y in years for y in ch.inflation or {})]
            if ok:
                rates = np.array([[(ch.inflation or {}).get(y, base_rate) for y in years] for ch in ok])
                batch = inflation_paths(rates, years)
                for i, ch in enumerate(ok):
                    out = {k: v[i] for k, v in batch.items()}
                    # the engine's choice of classes for an inflation path
                    paths = {c: out[c] for c in ch.classes if c in out} if ch.classes != ["loon"] else out
                    self._store(ch, paths, False)
        one = _Run(self.base)
        one.mult = {k: np.ones(len(years)) for k in CLASSES}
        for ch in todo:
            if self.key(ch) in self._paths:
                continue
            try:
                self._store(ch, self.engine._index_paths(ch, one), ch.extra_crossings is not None)
            except (W13Error, ValueError) as exc:
                self._paths[self.key(ch)] = exc

    def _store(self, ch, paths: dict, relative: bool) -> None:
        n = len(self.base.years)
        p = np.ones((len(CLASSES), n))
        mask = np.zeros(len(CLASSES), dtype=bool)
        for k, v in paths.items():
            p[_K[k]] = v
            mask[_K[k]] = True
        if mask[_K["loon"]]:  # wage-following subsidies move with wages (engine: volgt_loon)
            p[_K["volgt_loon"]] = p[_K["loon"]]
            mask[_K["volgt_loon"]] = True
        self._paths[self.key(ch)] = (p, mask, relative)
        kind = (next(f for f in ("rate", "rates", "crossings", "extra_crossings", "inflation")
                     if getattr(ch, f) is not None), tuple(ch.classes))
        if kind not in self._index_checked:
            self._index_checked[kind] = self._index_agrees(ch, p, mask, relative)
        if not self._index_checked[kind]:
            self._paths[self.key(ch)] = NotBatchable(f"index change {kind} differs from the engine")

    def _step_paths(self, chs: list, keys: list, mult: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The new paths (rows, classes, years), which classes they set and whether they are
        relative, for one index change per row (``mult``: the rows' current multipliers)."""
        ids = self._path_ids
        if any(k not in ids for k in keys):
            for k in keys:
                if k not in ids and isinstance(self._paths.get(k), tuple):
                    ids[k] = len(ids)
            stored = sorted(ids, key=ids.__getitem__)
            self._path_stack = tuple(np.array([self._paths[k][f] for k in stored]) for f in range(3))
        if ids:
            P0, M0, R0 = self._path_stack
            at = np.array([ids.get(k, 0) for k in keys])
            P, M, rel = P0[at], M0[at], R0[at]
        else:  # indexsprongs only
            P, M, rel = np.ones(mult.shape), np.zeros(mult.shape[:2], dtype=bool), np.zeros(len(keys), dtype=bool)
        for r, ch in enumerate(chs):
            if ch.type != "index":
                P[r], M[r], rel[r] = self._sprong_paths(ch, mult[r])
        return P, M, rel

    def _sprong_paths(self, ch, mult: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
        """An indexsprong's new paths from a scenario's current multipliers (classes, years),
        by the engine's rule :func:`~w13xl.scenario.engine.skip_indexation`."""
        crossing: tuple[int, int] | None = None
        if ch.crossing is not None:
            y, m = (int(x) for x in ch.crossing.split("-"))
            crossing = (y, m)
        p = mult.copy()
        mask = np.zeros(len(CLASSES), dtype=bool)
        for c in ch.classes:
            p[_K[c]] = skip_indexation(mult[_K[c]], self.base.years, ch.year, crossing)
            mask[_K[c]] = True
        if mask[_K["loon"]]:  # the engine's _set_paths: wage-following subsidies follow wages
            p[_K["volgt_loon"]] = p[_K["loon"]]
            mask[_K["volgt_loon"]] = True
        return p, mask, False

    def _check_sprong(self, ch, key: tuple) -> None:
        """An indexsprong the engine refuses, or whose kind the batch does not reproduce on the
        baseline, runs on the engine."""
        if key not in self._paths:
            try:
                self.engine.apply(_Run(self.base), ch)
            except (W13Error, ValueError) as exc:
                self._paths[key] = NotBatchable(str(exc))
            else:
                mult0 = np.stack([self.base.base_mult[k] for k in CLASSES])
                p, mask, rel = self._sprong_paths(ch, mult0)
                ok = self._index_agrees(ch, p, mask, rel)
                self._paths[key] = True if ok else NotBatchable("indexsprong differs from the engine")
        if isinstance(self._paths[key], Exception):
            raise self._paths[key]

    def _index_agrees(self, ch, p: np.ndarray, mask: np.ndarray, relative: bool) -> bool:
        """Does the batch's index step (:meth:`_index_apply`) give the engine's totals,
        contribution, multipliers and wage cost for this kind of index change on the baseline?
        (If the engine's index rule changes, such changes run on the engine until the batch
        follows.)"""
        base = self.base
        st = _Run(base)
        try:
            self.engine.apply(st, ch)
        except (W13Error, ValueError):
            return True  # the change itself is refused: the engine will say so
        roster = tuple(sorted(self._units0))
        _, _, reps, cds, A0 = self._layout(frozenset(roster))
        n = len(base.years)
        RU = np.stack([self._units0[a] for a in roster])[None] if roster else np.zeros((1, 0, n))
        mult = np.stack([base.base_mult[k] for k in CLASSES])[None]
        A, m, c, delta = self._index_apply(reps, roster, A0[None], mult, base.contribution[None], RU,
                                           p[None], mask[None], np.array([relative]))
        totals = np.zeros((6, n))
        np.add.at(totals, np.array(cds), A[0])
        totals[EXPLOITATIE * 2 + O] += delta[0]
        scale = 1.0 + np.abs(st.totals).max()
        wage = RU[0].sum(axis=0) * m[0, _K["loon"]]
        return (np.abs(totals.reshape(3, 2, n) - st.totals).max() <= _TOLERANCE * scale
                and np.allclose(wage, st.wage_cost(), rtol=1e-12, atol=1e-6)
                and np.allclose(c[0], st.contribution, rtol=1e-12, atol=1e-6)
                and all(np.allclose(m[0, _K[k]], st.mult[k], rtol=1e-12) for k in CLASSES))

    def _index_apply(self, reps: list, roster: Sequence[str], A: np.ndarray,
                     mult: np.ndarray, contrib: np.ndarray, RU: np.ndarray, P: np.ndarray,
                     M: np.ndarray, rel: np.ndarray):
        """The engine's index change (``Engine._set_paths``) for scenarios (rows), through the
        engine's own rule :func:`index_deltas` on arrays with a scenario axis: each group of
        lines (``A``: rows, groups, years; one representative key each; a line a change reads
        or writes is a group of its own) moves by its exposure x (new / old multiplier - 1), the wage part from the
        roster in the row (``RU``: cost per action at multiplier 1, times the row's wage index).
        The member contribution follows class ``bijdrage`` (its delta is returned for the caller
        to add to A50111 O). ``rel``: the wage path multiplies the current one (extra
        crossings). Returns new A, multipliers, contribution and the contribution delta."""
        P = P.copy()
        L, VL = _K["loon"], _K["volgt_loon"]
        if rel.any():
            P[rel, L] *= mult[rel, L]
            P[rel, VL] = P[rel, L]
        ratios = {k: np.where(M[:, kk, None], P[:, kk] / mult[:, kk], 1.0)
                  for kk, k in enumerate(CLASSES) if M[:, kk].any()}
        wage_parts = {a: RU[:, r] * mult[:, L] for r, a in enumerate(roster)}
        d = index_deltas(self.base, {rep: A[:, g] for g, rep in enumerate(reps)}, ratios, wage_parts)
        if d:
            A = A.copy()
            for g, rep in enumerate(reps):
                if rep in d:
                    A[:, g] += d[rep]
        delta = contrib * (ratios["bijdrage"] - 1.0) if "bijdrage" in ratios else np.zeros_like(contrib)
        return A, np.where(M[:, :, None], P, mult), contrib + delta, delta

    # -- running ----------------------------------------------------------------------------
    def _structural_verdict(self, structural: list) -> str | None:
        """Why a scenario's sequence of structural changes (not index) cannot batch, or None:
        each must be measured (affine, or run per state by the engine), and none may read what an
        earlier one wrote; writing the same position or window twice is refused too ("f:" tokens:
        who funds whom, only read by subsidy changes; "a:" the roster on an action)."""
        written: set = set()
        for ck, ch in structural:
            r: Response | NotAffine
            try:
                r = self.response(ch, ck)
            except NotAffine as exc:  # run with the engine per state it reads (exact)
                r = exc
            except NotBatchable as exc:
                return str(exc) or "not batchable"
            if written & r.reads or {t for t in written & r.writes if t[:2] not in ("f:", "a:")}:
                return "two changes touch the same subsidy or position"
            written |= r.writes
        return None

    def run(self, scenarios: Sequence[Scenario], library: ScenarioLibrary | None = None) -> BatchResult:
        base = self.base
        years = base.years
        n = len(years)
        scenarios = list(scenarios)
        library = library or ScenarioLibrary(scenarios)
        B = len(scenarios)
        chains = [library.chain(s) for s in scenarios]
        changes = [[c for s in chain for c in s.changes] for chain in chains]
        ckeys = [[self.key(c) for c in cs] for cs in changes]
        fallback: dict[int, str] = {}
        self._index_paths({k: c for cs, ks in zip(changes, ckeys, strict=True)
                           for c, k in zip(cs, ks, strict=True) if c.type == "index"})
        # which scenarios batch: every change measured, no structural change reading what an
        # earlier one of the same scenario wrote (a verdict per sequence of structural changes)
        verdicts: dict[tuple, str | None] = {}
        by_id: dict[tuple, object] = {}
        batched: list[int] = []
        #: per step j: the rows (positions in ``batched``) whose change is an index change, and
        #: the rows per structural change
        plan: list[tuple[list[int], dict[tuple, list[int]]]] = []
        for i, cs in enumerate(changes):
            try:
                structural = []
                for ch, ck in zip(cs, ckeys[i], strict=True):
                    if ch.type == "index":
                        if isinstance(self._paths[ck], Exception):
                            raise NotBatchable(f"index path: {self._paths[ck]}")
                    elif ch.type == "indexsprong":
                        self._check_sprong(ch, ck)
                    else:
                        structural.append((ck, ch))
                seq = tuple(ck for ck, _ in structural)
                if seq not in verdicts:
                    verdicts[seq] = self._structural_verdict(structural)
                if verdicts[seq] is not None:
                    raise NotBatchable(verdicts[seq])
            except NotBatchable as exc:
                fallback[i] = str(exc) or "not batchable"
                continue
            for ck, ch in structural:
                by_id.setdefault(ck, ch)
            r = len(batched)
            batched.append(i)
            while len(plan) < len(cs):
                plan.append(([], {}))
            for j, (ch, ck) in enumerate(zip(cs, ckeys[i], strict=True)):
                if ch.type in _INDEX_TYPES:
                    plan[j][0].append(r)
                else:
                    plan[j][1].setdefault(ck, []).append(r)
        responses = {k: self._responses[k] for k in by_id}
        exact = {cid for cid, r in responses.items() if isinstance(r, NotAffine)}
        roster = set(self._units0) | {a for r in responses.values() if isinstance(r, Response) for a in r.units}
        out_keys = {k for r in responses.values() for k in r.keys}
        tracked_set = {v[1] for r in responses.values() for v in r.inputs if v[0] == "line"}
        for cid in exact:  # a renewal or an end reads and writes its action's lines
            sub = base.subsidies.get(getattr(by_id[cid], "subsidy", None) or "")
            if sub is not None:
                out_keys |= {LineKey(sub.action, EXPLOITATIE, O), LineKey(sub.action, EXPLOITATIE, U),
                             LineKey(OVERHEAD_ACTION, EXPLOITATIE, O)}
                roster.add(sub.action)
        roster_t = tuple(sorted(roster))
        r_index = {a: r for r, a in enumerate(roster_t)}
        contrib_key = LineKey(CONTRIBUTION_ACTION, EXPLOITATIE, O)
        # the lines the changes read or write are groups of their own (their amounts are state)
        _, key_group, reps, cds, A0 = self._layout(frozenset(roster_t),
                                                        frozenset(tracked_set | out_keys | {contrib_key}))
        G = len(reps)
        nb = len(batched)
        S = np.zeros((G, 6))
        S[np.arange(G), cds] = 1.0
        A = np.broadcast_to(A0, (nb, G, n)).copy()
        mult = np.broadcast_to(np.stack([base.base_mult[k] for k in CLASSES]), (nb, len(CLASSES), n)).copy()
        contrib = np.broadcast_to(base.contribution, (nb, n)).copy()
        RU0 = np.stack([np.broadcast_to(self._units0.get(a, np.zeros(n)), (n,)) for a in roster_t]) \
            if roster_t else np.zeros((0, n))
        RU = np.broadcast_to(RU0, (nb, len(roster_t), n)).copy()
        steps = np.array([len(changes[i]) for i in batched], dtype=int)
        J = int(steps.max()) if nb else 0

        def totals() -> np.ndarray:
            return np.matmul(A.transpose(0, 2, 1), S).transpose(0, 2, 1).reshape(nb, 3, 2, n)

        def wage() -> np.ndarray:
            return RU.sum(axis=1) * mult[:, _K["loon"]]

        history_totals = [totals()]
        history_wage = [wage()]
        dead: dict[int, str] = {}

        def add(rows: np.ndarray | slice, key: LineKey, delta: np.ndarray) -> None:
            A[rows, key_group[key]] += delta

        def state_of(rows: np.ndarray, var: tuple) -> np.ndarray:
            if var[0] == "line":
                return A[rows, key_group[var[1]]]
            if var[0] == "mult":
                return mult[rows, _K[var[1]]]
            return contrib[rows]

        for j in range(J):
            index_rows, by_change = plan[j]
            if index_rows:
                rows = np.array(index_rows) if len(index_rows) < nb else slice(None)
                P, M, rel = self._step_paths([changes[batched[r]][j] for r in index_rows],
                                             [ckeys[batched[r]][j] for r in index_rows], mult[rows])
                a_new, m_new, c_new, delta = self._index_apply(
                    reps, roster_t, A[rows], mult[rows], contrib[rows], RU[rows], P, M, rel)
                A[rows], mult[rows], contrib[rows] = a_new, m_new, c_new
                add(rows, contrib_key, delta)
            for cid, rs in by_change.items():
                resp = responses[cid]
                rows = np.array(rs)
                if cid in exact:
                    self._run_exact(by_id[cid], resp, rows, batched, state_of, add, contrib, RU, r_index,
                                    key_group, dead)
                    continue
                d = np.broadcast_to(resp.d0, (len(rows), *resp.d0.shape)).copy()
                for v, var in enumerate(resp.inputs):
                    x = state_of(rows, var)
                    if var[0] != "mult":
                        off = (np.abs(x) > HALF_CENT) != (np.abs(resp.x0[v]) > HALF_CENT)
                        for r in rows[off.any(axis=1)]:
                            dead.setdefault(batched[r], "an amount the change reads changed from or to zero")
                    d += np.matmul(resp.alpha[v], (x - resp.x0[v]).T).transpose(2, 0, 1)  # (rows, outputs, years)
                for o, key in enumerate(resp.keys):
                    add(rows, key, d[:, o])
                contrib[rows] += d[:, -1]
                for a, u in resp.units.items():
                    RU[rows, r_index[a]] += u
            history_totals.append(totals())
            history_wage.append(wage())
        final = m2_arrays(history_totals[-1], **base.m2_inputs)
        mr = base.minimum_reserve(history_wage[-1])  # the engine's rule (minimum_reserve_rule)
        rows = np.array(batched, dtype=int)  # (the scenarios that run on the engine are filled in below)
        lines = {k: np.zeros((B, n)) for k in LINE_KEYS}
        for k in LINE_KEYS:
            lines[k][rows] = final[k]  # (a line no scenario changes comes per year: broadcast)
        minimum = None
        if mr is not None:
            minimum = np.zeros((B, n))
            minimum[rows] = mr
        # per scenario, the state after each of its steps (shorter scenarios keep their last)
        full_t, full_w = np.zeros((J + 1, B, 3, 2, n)), np.zeros((J + 1, B, n))
        full_t[:, rows], full_w[:, rows] = np.stack(history_totals), np.stack(history_wage)
        step_counts = np.zeros(B, dtype=int)
        step_counts[rows] = steps
        result = BatchResult(base, scenarios, lines, minimum, changes, fallback,
                             _history=(full_t, full_w, step_counts),
                             _chains=[tuple(s.name for s in chain[:-1]) for chain in chains], _engine=self.engine)
        fallback.update(dead)
        for i in fallback:
            run = self.engine.run(scenarios[i], library)
            result._runs[i] = run
            for k in LINE_KEYS:
                lines[k][i] = run.m2[k]
            if run.m2.minimum_reserve is not None:
                if result.minimum_reserve is None:
                    result.minimum_reserve = np.zeros((B, n))
                result.minimum_reserve[i] = run.m2.minimum_reserve
        return result

    def _run_exact(self, ch, info: NotAffine, rows: np.ndarray, batched: list, state_of, add, contrib: np.ndarray,
                   RU: np.ndarray, r_index: dict, key_group: dict, dead: dict) -> None:
        """A change that is not affine in what it reads: the engine applies it to the state of
        every row (the inputs it read, set to each row's values), so the effect is the engine's
        own, exactly. The engine's arithmetic is elementwise, so all rows go through it at once,
        as a leading axis of its amounts (:class:`_States`); the first time a change does so,
        one row is also run alone and must agree bit for bit. Else the engine runs once per
        distinct state. A row whose state makes the change read something else runs on the
        engine."""
        inputs = info.inputs
        x0 = info.x0
        assert x0 is not None  # measure() gives the state it measured at
        xs = [state_of(rows, var) for var in inputs]
        measure = _Measure(self.engine, ch)
        line_inputs = {v[1] for v in inputs if v[0] == "line"}
        mult_inputs = {v[1] for v in inputs if v[0] == "mult"}
        n = len(self.base.years)

        def engine_run(members: np.ndarray | int | slice) -> tuple | str:
            """The engine's effect for the state of row ``members`` (an index: amounts per year),
            or for the rows ``members`` (a slice or an array: amounts with a leading axis), or
            why it cannot be used."""
            perturb = {var: xs[v][members] - x0[v] for v, var in enumerate(inputs)}
            if not isinstance(members, (int, np.integer)):
                perturb = {var: dx.view(_States) for var, dx in perturb.items()}
            try:
                deltas, dc, st, _ = measure.run(perturb)
            except (NotBatchable, W13Error, ValueError) as exc:
                return str(exc) or "not batchable"
            units = _units_change(self.base, st)
            if not (st.lines.reads <= line_inputs and set(st.mult.reads) <= mult_inputs
                    and (not st.contribution_read or _CONTRIB in inputs)):
                return "reads another state than measured"
            if any(k not in key_group for k in deltas) or any(a not in r_index for a in units):
                return "writes a line the batch does not keep"
            return {k: _plain(d) for k, d in deltas.items()}, _plain(dc), units

        def apply(sel: np.ndarray, got: tuple, per_row: bool) -> None:
            deltas, dc, units = got
            shape = (len(sel), n) if per_row else (n,)
            for key, delta in deltas.items():
                add(sel, key, np.broadcast_to(delta, shape))
            contrib[sel] += np.broadcast_to(dc, shape)
            for a, u in units.items():
                RU[sel, r_index[a]] += u

        cid = self.key(ch)
        if xs and self._stacks.get(cid, True):
            together = engine_run(slice(None))
            if cid not in self._stacks:  # the first time: can it stack, and is it bit for bit the same?
                one = engine_run(0) if isinstance(together, tuple) else None
                self._stacks[cid] = (isinstance(together, tuple) and isinstance(one, tuple)
                                     and _same_effect(together, one, n))
            if isinstance(together, tuple) and self._stacks.get(cid):
                apply(rows, together, True)
                return
        if xs:
            _, first, inverse = np.unique(np.concatenate(xs, axis=1), axis=0, return_index=True, return_inverse=True)
            inverse = inverse.reshape(-1)
        else:
            first, inverse = np.zeros(1, dtype=int), np.zeros(len(rows), dtype=int)
        for s in range(len(first)):  # one distinct state at a time
            sel = rows[inverse == s]
            got = engine_run(int(first[s]))
            if isinstance(got, str):
                for r in sel:
                    dead.setdefault(batched[r], got)
                continue
            apply(sel, got, False)


def _same_effect(together: tuple, one: tuple, n: int) -> bool:
    """Does the first row of an effect computed for many rows at once equal, bit for bit, the
    effect computed for that row alone? (line deltas, contribution delta, roster change)"""
    def first(v: np.ndarray) -> np.ndarray:
        return np.broadcast_to(v, (1, n)) if np.ndim(v) < 2 else v[:1]

    return (together[0].keys() == one[0].keys() and together[2].keys() == one[2].keys()
            and all(np.array_equal(first(together[0][k]), np.broadcast_to(d, (1, n))) for k, d in one[0].items())
            and np.array_equal(first(together[1]), np.broadcast_to(one[1], (1, n))))


_ENGINES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def batch_engine(baseline: Baseline) -> BatchEngine:
    """One BatchEngine per baseline object, so its measurements are reused (Excel calls)."""
    engine = _ENGINES.get(baseline)
    if engine is None:
        engine = _ENGINES[baseline] = BatchEngine(baseline)
    return engine


def run_batch(baseline: Baseline, scenarios: Sequence[Scenario], library: ScenarioLibrary | None = None) -> BatchResult:
    """Run scenarios in one batch (see the module doc)."""
    return BatchEngine(baseline).run(scenarios, library)


__all__ = ["BatchEngine", "BatchResult", "NotBatchable", "Response", "batch_engine", "measure", "run_batch"]
