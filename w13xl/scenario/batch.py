"""Many scenarios as one array computation (a leading batch axis), with the one-at-a-time
:class:`~w13xl.scenario.engine.Engine` as the single home of the rules and as the oracle.

How the rules stay in one place:

* **Index changes** multiply the indexed share of every line (the engine's rule in
  :func:`~w13xl.scenario.engine.index_deltas`). The batch keeps, per scenario, the sum of the
  lines per *share vector* (``Baseline.share_vector``: how a line splits over the index classes),
  category and direction; an index change scales each group by ``1 + shares . (ratio - 1)``.
  Paths come from the engine (``Engine._index_paths``); inflation paths for many scenarios at
  once from :func:`w13xl.montecarlo.inflation_paths` (the Monte Carlo's batched copy of it).
* **Every other change** (subsidy end/cut, hires, FTE, contribution, line ...) is *measured with
  the engine itself*: the engine applies the change to a fresh baseline state that records
  which state it reads (lines, index multipliers, the member contribution). Probing each read
  input with +1 per year gives the change's line deltas as an affine function of what it read;
  a random probe checks that function against the engine. A change whose effect is not affine
  per year in what it reads (a renewal, which rescales from a reference year) is not batched.
* A scenario that cannot be batched exactly runs on the engine (``BatchResult.fallback``):
  never an approximation. Two structural changes of one scenario that touch the same subsidy
  window or positions (the second reads what the first wrote) also fall back.

Results agree with the engine to far below a cent (float sums in another order).
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import W13Error
from ..m2 import HALF_CENT, LINE_KEYS, M2Result, check_norms, m2_arrays
from ..model import EXPLOITATIE, O, U, LineKey
from .engine import CLASSES, CONTRIBUTION_ACTION, OVERHEAD_ACTION, Baseline, Engine, _Run
from .result import ChangeEffect, ScenarioRun
from .spec import IndexChange, Scenario, ScenarioLibrary

_K = {k: i for i, k in enumerate(CLASSES)}
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

    __iter__ = keys = items = values = __len__ = _refuse  # type: ignore[assignment]


class _ProbeRun(_Run):
    """A baseline engine state that records what a change reads."""

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

    def add(self, *args, **kwargs) -> None:  # adding to a line is not reading it
        self.lines.paused = True
        try:
            super().add(*args, **kwargs)
        finally:
            self.lines.paused = False


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


def _roster_change(base: Baseline, st: _Run) -> tuple[list, list]:
    """Positions the change removed and added (unchanged positions are the same objects)."""
    before = {id(p) for p in base.positions}
    after = {id(p) for p in st.positions}
    return [p for p in base.positions if id(p) not in after], [p for p in st.positions if id(p) not in before]


def _footprint(base: Baseline, ch, st: _ProbeRun) -> tuple[frozenset, frozenset]:
    """(reads, writes) of roster and subsidy-window state, as tokens."""
    removed, added = _roster_change(base, st)
    writes = {f"p:{p.id}" for p in removed + added} | {f"f:{p.funded_by}" for p in removed + added}
    writes |= {f"w:{sid}" for sid, w in st.windows.items() if w != (base.subsidies[sid].start, base.subsidies[sid].end)}
    reads = {f"w:{sid}" for sid in st.windows.reads}
    sid = getattr(ch, "subsidy", None)
    if sid is not None:
        reads |= {f"f:{sid}", f"w:{sid}"} | {f"p:{pid}" for pid in base.subsidies[sid].positions}
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


class NotAffine(NotBatchable):
    """Not affine in the state it reads; ``reads``/``writes`` still tell its footprint."""

    def __init__(self, message: str, reads: frozenset, writes: frozenset) -> None:
        super().__init__(message)
        self.reads, self.writes = reads, writes


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
    dr, cr, _, _ = m.run(dx)
    # a change that reads the index multipliers and is not diagonal is measured per index state
    tries = (False, True) if mult is not None or not any(v[0] == "mult" for v in inputs) else (False,)
    for full in tries:
        # diagonal: year y of the effect depends on year y of the inputs (probe all years at
        # once); full: on any year (probe one year at a time)
        if full:
            probes = [[m.run({var: np.eye(n)[z]}) for z in range(n)] for var in inputs]
        else:
            probes = [[m.run({var: np.ones(n)})] for var in inputs]
        keys = sorted(set(d0).union(*(p[0] for ps in probes for p in ps)))

        def vector(deltas: dict, contrib: np.ndarray) -> np.ndarray:
            return np.vstack([*(deltas.get(k, np.zeros(n)) for k in keys), contrib])

        v0 = vector(d0, c0)
        alpha = np.zeros((len(inputs), len(keys) + 1, n, n))
        for v, ps in enumerate(probes):
            if full:
                for z, p in enumerate(ps):
                    alpha[v, :, :, z] = vector(p[0], p[1]) - v0
            else:
                alpha[v] = (vector(ps[0][0], ps[0][1]) - v0)[:, :, None] * np.eye(n)
        if set(dr) - set(keys):
            continue
        predicted = v0 + sum((alpha[i] @ dx[var] for i, var in enumerate(inputs)), np.zeros_like(v0))
        actual = vector(dr, cr)
        if np.max(np.abs(actual - predicted), initial=0.0) <= _TOLERANCE * (1.0 + np.max(np.abs(actual), initial=0.0)):
            break
    else:
        if mult is None and any(v[0] == "mult" for v in inputs):
            raise NotAffine("not affine in the state it reads", reads, writes)
        raise NotBatchable("not affine in the state it reads")
    removed, added = _roster_change(base, st)
    roster = np.zeros(n)
    for p in added:
        roster = roster + base.position_cost(p)
    for p in removed:
        roster = roster - base.position_cost(p)
    if base.wage_cost_base() is not None:  # the batch's wage cost (minimum reserve) must follow
        mult0 = np.stack([np.asarray(dict.__getitem__(st.mult, k), dtype=float) for k in CLASSES])[None]
        if not np.allclose(_wage_cost(base, mult0, roster[None])[0], st.wage_cost(), rtol=1e-12, atol=1e-6):
            raise NotBatchable("the wage cost after the change differs from the engine's")
    return Response(keys, v0, inputs, x0, alpha, roster, reads, writes, description)


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
        totals, wages, steps = self._history
        s = self.scenarios[i]
        n = int(steps[i])
        inputs = self.base.m2_inputs
        lines = m2_arrays(totals[: n + 1, i], **inputs)  # (steps + 1, years) per key
        wage = wages[: n + 1, i]
        minres = [self.base.minimum_reserve(None if self.base.wage_cost_base() is None else w) for w in wage]
        effects = []
        for j, ch in enumerate(self.changes[i], start=1):
            deltas = {k: lines[k][j] - lines[k][j - 1] for k in LINE_KEYS}
            mr = None if minres[j] is None or minres[j - 1] is None else minres[j] - minres[j - 1]
            desc = ch.description or self._description(ch)
            effects.append(ChangeEffect(j, ch.type, desc, deltas, mr))
        run = ScenarioRun(name=s.name, title=s.title or s.name, description=s.description, plan=None,  # type: ignore[arg-type]
                          m2=self.m2(i), baseline=self.base.m2, effects=tuple(effects),
                          wage_cost=None if self.base.wage_cost_base() is None else wage[-1].copy(),
                          extends=self._chains[i])
        self._runs[i] = run
        return run

    def runs(self) -> list[ScenarioRun]:
        return [self.run(i) for i in range(len(self))]

    def _description(self, ch) -> str:
        key = id(ch)
        if key not in self._descriptions:
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
        # lines grouped by how they split over the index classes (Baseline.share_vector)
        self._groups: dict[tuple, int] = {}
        self._key_group: dict[LineKey, int] = {}
        keys = list(baseline.lines)
        for k in keys:
            self._group_of(k)
        n = len(baseline.years)
        self._A0 = np.zeros((len(self._groups), 3, 2, n))
        if keys:
            np.add.at(self._A0, (np.array([self._key_group[k] for k in keys]), np.array([k.category for k in keys]),
                                 np.array([k.direction for k in keys])), np.stack([baseline.lines[k] for k in keys]))

    def _group_of(self, key: LineKey) -> int:
        g = self._key_group.get(key)
        if g is None:
            vec = tuple(float(v) for v in self.base.share_vector(key))
            g = self._key_group[key] = self._groups.setdefault(vec, len(self._groups))
        return g

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

    def conditional_response(self, ch, mult: np.ndarray) -> Response:
        """The change's response with the index multipliers held at ``mult``."""
        key = (self.key(ch), mult.tobytes())
        if key not in self._responses:
            try:
                self._responses[key] = measure(self.engine, ch, mult)
            except (NotBatchable, W13Error, ValueError) as exc:
                self._responses[key] = exc
        out = self._responses[key]
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

            ok = [ch for ch in inflation if all(y in years for y in ch.inflation)]
            if ok:
                rates = np.array([[ch.inflation.get(y, base_rate) for y in years] for ch in ok])
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

    def _index_agrees(self, ch, p: np.ndarray, mask: np.ndarray, relative: bool) -> bool:
        """Does :func:`_index_step` give the engine's totals, contribution and multipliers for
        this kind of index change on the baseline? (If the engine's index rule changes, such
        changes run on the engine until the batch follows.)"""
        base = self.base
        st = _Run(base)
        try:
            self.engine.apply(st, ch)
        except (W13Error, ValueError):
            return True  # the change itself is refused: the engine will say so
        shares = np.array(list(self._groups)).reshape(len(self._groups), len(CLASSES))[: len(self._A0)]
        mult = np.stack([base.base_mult[k] for k in CLASSES])[None]
        A, _, m, c, delta = _index_step(shares, self._A0[None], mult, base.contribution[None], p[None], mask[None],
                                        np.array([relative]))
        totals = A.sum(axis=1)[0]
        totals[EXPLOITATIE, O] += delta[0]
        scale = 1.0 + np.abs(st.totals).max()
        wage = st.wage_cost()
        if wage is not None and not np.allclose(_wage_cost(base, m, np.zeros((1, len(base.years))))[0], wage,
                                                rtol=1e-12, atol=1e-6):
            return False
        return (np.abs(totals - st.totals).max() <= _TOLERANCE * scale
                and np.allclose(c[0], st.contribution, rtol=1e-12, atol=1e-6)
                and all(np.allclose(m[0, _K[k]], st.mult[k], rtol=1e-12) for k in CLASSES))

    # -- running ----------------------------------------------------------------------------
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
        self._index_paths({k: c for cs, ks in zip(changes, ckeys) for c, k in zip(cs, ks) if c.type == "index"})
        # which scenarios batch: every change measured, no structural change reading what an
        # earlier one of the same scenario wrote
        for i, cs in enumerate(changes):
            written: set = set()
            try:
                for ch, ck in zip(cs, ckeys[i]):
                    if ch.type == "index":
                        if isinstance(self._paths[ck], Exception):
                            raise NotBatchable(f"index path: {self._paths[ck]}")
                        continue
                    try:
                        r = self.response(ch, ck)
                    except NotAffine as exc:  # measured per index state during the run
                        r = exc
                    # a change must not read what an earlier one wrote; writing the same
                    # position or window twice is refused too ("f:" tokens: who funds whom, only
                    # read by subsidy changes)
                    if written & r.reads or {t for t in written & r.writes if not t.startswith("f:")}:
                        raise NotBatchable("two changes touch the same subsidy or position")
                    written |= r.writes
            except NotBatchable as exc:
                fallback[i] = str(exc) or "not batchable"
        batched = [i for i in range(B) if i not in fallback]
        # the state: line sums per share group (scenarios, groups, 3, 2, years), the lines that
        # changes read, index multipliers, contribution, roster cost change
        responses = {k: self._responses[k] for i in batched for c, k in zip(changes[i], ckeys[i]) if c.type != "index"}
        conditional = {cid for cid, r in responses.items() if isinstance(r, NotAffine)}
        measured = [r for r in responses.values() if not isinstance(r, NotAffine)]
        out_keys = {k for r in measured for k in r.keys}
        tracked = {v[1] for r in measured for v in r.inputs if v[0] == "line"}
        by_id = {k: c for i in batched for c, k in zip(changes[i], ckeys[i])}
        for cid in conditional:  # a renewal reads and writes its action's lines
            ch = by_id[cid]
            sub = self.base.subsidies.get(getattr(ch, "subsidy", ""))
            if sub is not None:
                out_keys |= {LineKey(sub.action, EXPLOITATIE, O), LineKey(sub.action, EXPLOITATIE, U),
                             LineKey(OVERHEAD_ACTION, EXPLOITATIE, O)}
        tracked = sorted(tracked | out_keys)
        for k in [*out_keys, *tracked]:
            self._group_of(k)
        key_group = self._key_group
        shares = np.array(list(self._groups)).reshape(len(self._groups), len(CLASSES))
        t_index = {k: i for i, k in enumerate(tracked)}
        nb = len(batched)
        A0 = np.zeros((len(self._groups), 3, 2, n))
        A0[: len(self._A0)] = self._A0
        A = np.broadcast_to(A0, (nb, *A0.shape)).copy()
        TL = np.broadcast_to(np.array([base.lines.get(k, np.zeros(n)) for k in tracked]).reshape(len(tracked), n),
                             (nb, len(tracked), n)).copy()
        t_shares = np.array([base.share_vector(k) for k in tracked]).reshape(len(tracked), len(CLASSES))
        mult = np.broadcast_to(np.stack([base.base_mult[k] for k in CLASSES]), (nb, len(CLASSES), n)).copy()
        contrib = np.broadcast_to(base.contribution, (nb, n)).copy()
        roster = np.zeros((nb, n))
        steps = np.array([len(changes[i]) for i in batched], dtype=int)
        J = int(steps.max()) if nb else 0
        history_totals = [A.sum(axis=1)]
        history_wage = [self._wage_cost(mult, roster)]
        contrib_key = LineKey(CONTRIBUTION_ACTION, EXPLOITATIE, O)
        dead: dict[int, str] = {}

        def add(rows: np.ndarray, key: LineKey, delta: np.ndarray) -> None:
            A[rows, key_group[key], key.category, key.direction] += delta
            t = t_index.get(key)
            if t is not None:
                TL[rows, t] += delta

        for j in range(J):
            # group the scenarios by the change they make at step j
            by_change: dict[int, list[int]] = {}
            index_rows: list[int] = []
            for r, i in enumerate(batched):
                if j < steps[r]:
                    ch = changes[i][j]
                    if ch.type == "index":
                        index_rows.append(r)
                    else:
                        by_change.setdefault(ckeys[i][j], []).append(r)
            if index_rows:
                rows = np.array(index_rows)
                P, M, rel = zip(*(self._paths[ckeys[batched[r]][j]] for r in index_rows))
                a_new, tl_new, m_new, c_new, delta = _index_step(
                    shares, A[rows], mult[rows], contrib[rows], np.stack(P), np.stack(M), np.array(rel),
                    TL[rows] if tracked else None, t_shares)
                A[rows], mult[rows], contrib[rows] = a_new, m_new, c_new
                if tracked:
                    TL[rows] = tl_new
                add(rows, contrib_key, delta)
            work = []
            for cid, rs in by_change.items():
                if cid not in conditional:
                    work.append((responses[cid], np.array(rs)))
                    continue
                ch = changes[batched[rs[0]]][j]
                by_mult: dict[bytes, list[int]] = {}
                for r in rs:
                    by_mult.setdefault(mult[r].tobytes(), []).append(r)
                for rr in by_mult.values():
                    try:
                        resp = self.conditional_response(ch, mult[rr[0]])
                    except NotBatchable as exc:
                        for r in rr:
                            dead.setdefault(batched[r], str(exc))
                        continue
                    missing = ([k for k in resp.keys if k not in key_group]
                               + [v[1] for v in resp.inputs if v[0] == "line" and v[1] not in t_index])
                    if missing:
                        for r in rr:
                            dead.setdefault(batched[r], "reads a line the batch does not keep")
                        continue
                    work.append((resp, np.array(rr)))
            for resp, rows in work:
                d = np.broadcast_to(resp.d0, (len(rows), *resp.d0.shape)).copy()
                for v, var in enumerate(resp.inputs):
                    if var[0] == "line":
                        x = TL[rows, t_index[var[1]]]
                    elif var[0] == "mult":
                        x = mult[rows, _K[var[1]]]
                    else:
                        x = contrib[rows]
                    if var[0] != "mult":
                        off = (np.abs(x) > HALF_CENT) != (np.abs(resp.x0[v]) > HALF_CENT)
                        for r in rows[off.any(axis=1)]:
                            dead.setdefault(batched[r], "an amount the change reads changed from or to zero")
                    d += np.matmul(resp.alpha[v], (x - resp.x0[v]).T).transpose(2, 0, 1)  # (rows, outputs, years)
                for o, key in enumerate(resp.keys):
                    add(rows, key, d[:, o])
                contrib[rows] += d[:, -1]
                roster[rows] += resp.roster
            history_totals.append(A.sum(axis=1))
            history_wage.append(self._wage_cost(mult, roster))
        totals = history_totals[-1]
        final = m2_arrays(totals, **base.m2_inputs)
        wage = history_wage[-1]
        lines = {k: np.zeros((B, n)) for k in LINE_KEYS}
        rows = np.array(batched, dtype=int)
        for k in LINE_KEYS:
            lines[k][rows] = final[k]
        minimum = None
        mr = base.minimum_reserve(None if base.wage_cost_base() is None else wage)
        if mr is not None:
            minimum = np.zeros((B, n))
            minimum[rows] = mr
        # per scenario, the state after each of its steps (shorter scenarios keep their last)
        ht = np.stack(history_totals)
        hw = np.stack(history_wage)
        full_t = np.zeros((J + 1, B, 3, 2, n))
        full_w = np.zeros((J + 1, B, n))
        full_t[:, rows] = ht
        full_w[:, rows] = hw
        result = BatchResult(base, scenarios, lines, minimum, changes, fallback,
                             _history=(full_t, full_w, np.zeros(B, dtype=int)),
                             _chains=[tuple(s.name for s in chain[:-1]) for chain in chains], _engine=self.engine)
        result._history[2][rows] = steps
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

    def _wage_cost(self, mult: np.ndarray, roster: np.ndarray) -> np.ndarray:
        return _wage_cost(self.base, mult, roster)


def _wage_cost(base: Baseline, mult: np.ndarray, roster: np.ndarray) -> np.ndarray:
    """The engine's ``_Run.wage_cost`` for every scenario: the plan's wage cost at the scenario's
    wage index plus the roster's change (``roster``: at wage multiplier 1). Checked against the
    engine when a change is measured and for each kind of index change."""
    wc = base.wage_cost_base()
    loon = mult[:, _K["loon"]]
    if wc is None:
        return np.zeros_like(loon)
    ratio = loon / base.base_mult["loon"]
    units = base.base_roster_cost / base.base_mult["loon"]
    return wc * ratio + (units + roster) * loon - base.base_roster_cost * ratio


_ENGINES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def batch_engine(baseline: Baseline) -> BatchEngine:
    """One BatchEngine per baseline object, so its measurements are reused (Excel calls)."""
    engine = _ENGINES.get(baseline)
    if engine is None:
        engine = _ENGINES[baseline] = BatchEngine(baseline)
    return engine


def _index_step(shares: np.ndarray, A: np.ndarray, mult: np.ndarray, contrib: np.ndarray, P: np.ndarray,
                M: np.ndarray, rel: np.ndarray, TL: np.ndarray | None = None, t_shares: np.ndarray | None = None):
    """The engine's index change (``Engine._apply_index``) for scenarios (rows): each line's
    indexed share scales by new / old multiplier (line sums per share group ``A``, tracked lines
    ``TL``); the member contribution follows class ``bijdrage`` (its delta goes to A50111 O,
    returned for the caller to add); wage-following subsidies follow wages (in ``P``). ``rel``:
    the wage path multiplies the current one (extra crossings). Returns new A, TL, mult,
    contribution and the contribution delta."""
    P = P.copy()
    if rel.any():
        P[rel, _K["loon"]] *= mult[rel, _K["loon"]]
        P[rel, _K["volgt_loon"]] = P[rel, _K["loon"]]
    change = np.where(M[:, :, None], P / mult, 1.0) - 1.0
    A = A * (1.0 + np.einsum("gk,bky->bgy", shares, change))[:, :, None, None, :]
    if TL is not None:
        TL = TL * (1.0 + np.einsum("tk,bky->bty", t_shares, change))
    delta = contrib * change[:, _K["bijdrage"]]
    return A, TL, np.where(M[:, :, None], P, mult), contrib + delta, delta


def run_batch(baseline: Baseline, scenarios: Sequence[Scenario], library: ScenarioLibrary | None = None) -> BatchResult:
    """Run scenarios in one batch (see the module doc)."""
    return BatchEngine(baseline).run(scenarios, library)


__all__ = ["BatchEngine", "batch_engine", "BatchResult", "NotBatchable", "Response", "measure", "run_batch"]
