"""What a scenario run gives back: the projected plan, its schema M2, the baseline's, and the
audit trail (each change's own effect on every M2 line per year)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..m2 import LINE_KEYS, M2Result, check_norms, norm_breaches
from ..model import Plan


@dataclass(frozen=True, eq=False)
class ChangeEffect:
    """One applied change and what it did: M2 after it minus M2 before it, per line and year.

    The effects of a run's changes add up exactly to the run's total difference with the
    baseline (each is measured against the state the previous changes left)."""

    index: int  # 1-based position in the scenario
    kind: str  # e.g. "subsidy_end", "hire", "index"
    description: str  # one Dutch line for the board, e.g. "Subsidie SUB-PACT stopt op 31/12/2028 (stop)"
    deltas: dict[str, np.ndarray]  # M2 line key -> effect per year
    minimum_reserve_delta: np.ndarray | None = None

    def effect(self, key: str, year_index: int = -1) -> float:
        return float(self.deltas[key][year_index])

    def to_dict(self) -> dict:
        return {"index": self.index, "kind": self.kind, "description": self.description,
                "effects": {k: [float(v) for v in self.deltas[k]] for k in LINE_KEYS}}


@dataclass(frozen=True, eq=False)
class ScenarioRun:
    """A scenario applied to the baseline."""

    name: str  # file stem or sheet name, e.g. "pact-stopt-2028"
    title: str  # Dutch title for the board
    description: str
    plan: Plan
    m2: M2Result
    baseline: M2Result
    effects: tuple[ChangeEffect, ...] = ()
    wage_cost: np.ndarray | None = None  # the scenario's annual wage cost (for a % minimum reserve)
    extends: tuple[str, ...] = field(default_factory=tuple)  # chain of parent scenarios

    @property
    def years(self) -> tuple[int, ...]:
        return self.m2.years

    def difference(self, key: str) -> np.ndarray:
        """Scenario minus baseline for one M2 line, per year."""
        return self.m2[key] - self.baseline[key]

    def to_dict(self) -> dict:
        """The foundation's M2 JSON keys plus the scenario's name, title and audit trail."""
        return {"scenario": self.name, "title": self.title, "description": self.description,
                **self.m2.to_dict(),
                "changes": [e.to_dict() for e in self.effects]}


@dataclass(eq=False)
class ScenarioRuns:
    """What :func:`w13xl.scenario.run_scenarios` gives back for S scenarios: every M2 line as a
    (scenarios x years) array, the minimum reserve per scenario and year, and each scenario's
    full run (projected plan, norms, audit trail) on demand (:meth:`run`)."""

    names: tuple[str, ...]
    years: tuple[int, ...]
    lines: dict[str, np.ndarray]  # M2 line key -> (S, years)
    minimum_reserve: np.ndarray | None  # (S, years); None: no minimum reserve
    wage_cost: np.ndarray  # (S, years): each scenario's roster wage cost
    baseline: M2Result
    _run: Callable[[int], ScenarioRun] = field(repr=False)
    _state: Callable[[int], Any] | None = field(default=None, repr=False)
    _cache: dict[int, ScenarioRun] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.names)

    def __getitem__(self, key: str) -> np.ndarray:
        return self.lines[key]

    def m2(self, i: int) -> M2Result:
        """Schema M2 of scenario ``i`` with its norms."""
        if i in self._cache:
            return self._cache[i].m2
        lines = {k: self.lines[k][i].copy() for k in LINE_KEYS}
        minimum = None if self.minimum_reserve is None else self.minimum_reserve[i].copy()
        bestuur = self.baseline.bestuur
        return M2Result(self.years, lines, minimum, check_norms(self.years, lines, minimum, bestuur), bestuur)

    def norms_ok(self) -> np.ndarray:
        """Per scenario: is every check of schema M2 met in every year? (S,) bools."""
        breaches = norm_breaches(self.lines, self.minimum_reserve)
        return ~np.any([np.any(b, axis=-1) for b in breaches.values()], axis=0)

    def run(self, i: int) -> ScenarioRun:
        """Scenario ``i`` in full: plan, M2 with norms, and each change's effect (the audit trail)."""
        if i not in self._cache:
            self._cache[i] = self._run(i)
        return self._cache[i]

    def runs(self) -> list[ScenarioRun]:
        return [self.run(i) for i in range(len(self))]

    def state(self, i: int) -> Any:
        """Where scenario ``i``'s run ends (:class:`w13xl.scenario.engine.RunState`: roster,
        subsidy windows, member contribution, index multipliers)."""
        if self._state is None:
            raise ValueError("deze resultaten bewaren geen eindtoestand")
        return self._state(i)
