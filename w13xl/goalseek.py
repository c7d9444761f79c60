"""Goal seek: what it would take to meet the financial committee's targets.

Targets (all at once): the autofinancieringsmarge (AFM) of the last plan year >= 0, the reserve
(gecumuleerd budgettair resultaat) >= the minimum reserve in every year, and the BBR >= 0 in
every year (statutory; weaker than the reserve target when the minimum is positive).

Levers, each found with :func:`scipy.optimize.brentq` on the smallest slack of the targets
(every slack grows with the lever, so the root is the smallest sufficient value), then
*proved* by re-running the scenario with the answer through the engine:

* ``contribution``: member contribution +x% from a chosen year (a ``contribution`` change with
  ``pct``), also expressed as the euro amount per inhabitant it means;
* ``per_inhabitant``: the same answer re-run as a ``contribution`` change with ``per_inhabitant``;
* ``fte``: a reduction of the basiswerking positions (those paid by the basic operation) from a
  chosen date, the same fraction of every such position (``fte`` changes); the answer is the
  FTE removed.

The answer is the smallest value for which every target holds (slack >= 0 to the cent); the
binding target is the one with the smallest slack at the answer. If the targets hold without the
lever, the answer is 0 ("not needed"); if even the largest value does not reach them, the
result says infeasible and names the target that stays short.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import brentq

from .errors import InputError
from .m2 import M2Result
from .montecarlo import AFM, BBR, GBR, extended, scenario_and_library
from .scenario.engine import BASE_FUNDING, Baseline, Engine
from .scenario.result import ScenarioRun
from .scenario.spec import ContributionChange, FteChange, Scenario, ScenarioLibrary

LEVERS = ("contribution", "per_inhabitant", "fte")
TARGET_LABELS = {
    "afm_last_year": "AFM ≥ 0 in het laatste jaar",
    "reserve_minimum": "Reserve ≥ minimumreserve in elk jaar",
    "bbr": "BBR ≥ 0 in elk jaar",
}


def slacks(m2: M2Result) -> dict[str, tuple[float, int]]:
    """Each target's smallest margin in euro and the year it is smallest in."""
    years = m2.years
    out = {"afm_last_year": (float(m2[AFM][-1]), years[-1])}
    if m2.minimum_reserve is not None:
        margin = m2[GBR] - m2.minimum_reserve
        i = int(np.argmin(margin))
        out["reserve_minimum"] = (float(margin[i]), years[i])
    bbr = m2[BBR]
    i = int(np.argmin(bbr))
    out["bbr"] = (float(bbr[i]), years[i])
    return out


@dataclass(frozen=True, eq=False)
class Solution:
    lever: str
    scenario: str
    title: str
    feasible: bool
    needed: bool  # False: the targets already hold without the lever
    value: float  # pct (fraction) for contribution/per_inhabitant, fraction of basiswerking FTE for fte
    from_year: int | None
    date: dt.date | None
    binding: str  # target key with the smallest slack at the answer
    binding_year: int
    slacks: dict[str, tuple[float, int]]  # at the answer, from the proving run
    proof: ScenarioRun  # the scenario re-run with the answer
    evaluations: int
    per_inhabitant: float | None = None  # euro per inhabitant (contribution levers)
    per_inhabitant_current: float | None = None
    fte_total: float | None = None  # basiswerking FTE at the date (fte lever)
    fte_reduction: float | None = None
    details: dict = field(default_factory=dict)

    @property
    def afm_last(self) -> float:
        return float(self.proof.m2[AFM][-1])

    def sentence(self) -> str:
        """One Dutch sentence for the board."""
        from .fmt import euro

        target = TARGET_LABELS[self.binding]
        if not self.feasible:
            return f"Onhaalbaar met deze hefboom: '{target}' blijft {euro(-self.slacks[self.binding][0])} euro te kort."
        if not self.needed:
            return "De doelen worden al gehaald zonder bijsturing."
        if self.lever in ("contribution", "per_inhabitant"):
            text = f"De bijdrage lokale besturen moet vanaf {self.from_year} met {euro(self.value * 100, 2)}% stijgen"
            if self.per_inhabitant is not None:
                text += (f" ({euro(self.per_inhabitant, 4)} euro per inwoner "
                         f"i.p.v. {euro(self.per_inhabitant_current, 4)})")
        else:
            text = (f"De basiswerking moet vanaf {self.date:%d/%m/%Y} met {euro(self.fte_reduction, 2)} VTE dalen "
                    f"({euro(self.value * 100, 1)}% van {euro(self.fte_total, 2)} VTE)")
        return text + f"; bindend: {target} ({self.binding_year})."

    def to_dict(self) -> dict:
        return {
            "hefboom": self.lever, "scenario": self.scenario, "title": self.title, "haalbaar": self.feasible,
            "nodig": self.needed, "waarde": self.value, "vanaf_jaar": self.from_year,
            "datum": None if self.date is None else self.date.isoformat(),
            "per_inwoner": self.per_inhabitant, "per_inwoner_huidig": self.per_inhabitant_current,
            "vte_basiswerking": self.fte_total, "vte_vermindering": self.fte_reduction,
            "bindend": self.binding, "bindend_label": TARGET_LABELS[self.binding], "bindend_jaar": self.binding_year,
            "marges": {k: {"euro": v, "jaar": y} for k, (v, y) in self.slacks.items()},
            "bewijs": self.proof.m2.to_dict(), "zin": self.sentence(), "evaluaties": self.evaluations,
        }


def _seek(run: Callable[[float], ScenarioRun], hi: float, max_hi: float, xtol: float) -> tuple[float, bool, int]:
    """Smallest x in [0, max_hi] whose ``run(x)`` meets every target (its smallest slack, which
    grows with x, >= 0); (x, feasible, evaluations)."""
    count = 0

    def g(x: float) -> float:
        nonlocal count
        count += 1
        return min(v for v, _ in slacks(run(x).m2).values())

    f0 = g(0.0)
    if f0 >= 0:
        return 0.0, True, count
    f_hi = g(hi)
    while f_hi < 0 and hi < max_hi:
        hi = min(max_hi, hi * 4)
        f_hi = g(hi)
    if f_hi < 0:
        return max_hi, False, count
    x = brentq(g, 0.0, hi, xtol=xtol, rtol=4 * np.finfo(float).eps, maxiter=200)
    step = xtol
    while g(x) < 0 and x < hi:  # brentq may land just left of the root: nudge to the safe side
        x = min(hi, x + step)
        step *= 2
    return x, True, count


def _solution(lever, scenario, proof: ScenarioRun, feasible: bool, value: float, evaluations: int, **kw) -> Solution:
    s = slacks(proof.m2)
    binding = min(s, key=lambda k: s[k][0])  # the target with the smallest slack
    return Solution(lever=lever, scenario=scenario.name, title=scenario.title or scenario.name, feasible=feasible,
                    needed=value > 0, value=value, binding=binding, binding_year=s[binding][1], slacks=s,
                    proof=proof, evaluations=evaluations, **kw)


def solve_contribution(baseline: Baseline, scenario: Scenario | None = None, library: ScenarioLibrary | None = None,
                       *, from_year: int | None = None, per_inhabitant: bool = False,
                       xtol: float = 1e-10) -> Solution:
    """The smallest member-contribution increase (from ``from_year``, default the second plan
    year) that meets every target, proved by a re-run (with ``per_inhabitant``: re-run as a
    per-inhabitant amount)."""
    scenario, library = scenario_and_library(scenario, library)
    years = baseline.years
    from_year = int(from_year if from_year is not None else (years[1] if len(years) > 1 else years[0]))
    if from_year not in years:
        raise InputError(f"jaar {from_year} valt buiten het plan", expected=f"een jaar in {years[0]}-{years[-1]}")
    if not np.any(baseline.contribution):
        raise InputError("het plan heeft geen bijdrage van de lokale besturen (parameter 'Bijdrage lokale besturen')",
                         file=baseline.file, expected="een rij 'Bijdrage lokale besturen' op het blad Parameters")
    inhabitants = baseline.params.inhabitants
    if per_inhabitant and not inhabitants:
        raise InputError("een antwoord per inwoner vraagt het aantal inwoners (parameter 'Inwoners')",
                         file=baseline.file, expected="een rij 'Inwoners' op het blad Parameters")
    engine = Engine(baseline)

    def run(pct: float) -> ScenarioRun:
        extra = [] if pct == 0 else [ContributionChange(type="contribution", from_year=from_year, pct=pct)]
        return engine.run(*extended(scenario, library, extra))

    # pct is a fraction (0.05 = +5%): search up to just under +100%, then per inhabitant
    x, feasible, n = _seek(run, 0.01, 0.999, xtol)
    current = None if not inhabitants else float(baseline.contribution[0] / inhabitants)
    amount = None if current is None else current * (1.0 + x)
    if per_inhabitant and x > 0:
        change = ContributionChange(type="contribution", from_year=from_year, per_inhabitant=amount)
        proof = engine.run(*extended(scenario, library, [change]))
    else:
        proof = run(x)
    return _solution("per_inhabitant" if per_inhabitant else "contribution", scenario, proof, feasible, x, n,
                     from_year=from_year, date=None, per_inhabitant=amount, per_inhabitant_current=current)


def basiswerking_positions(baseline: Baseline, date: dt.date, scenario: Scenario | None = None,
                           library: ScenarioLibrary | None = None) -> list[tuple[str, float]]:
    """(position id, FTE) of the basiswerking positions in force on ``date`` (after the scenario)."""
    _, state = Engine(baseline).run_state(*scenario_and_library(scenario, library))
    out: dict[str, float] = {}
    for p in state.positions:
        if p.funded_by != BASE_FUNDING or p.fte <= 0:
            continue
        if (p.start is None or p.start <= date) and (p.end is None or p.end >= date):
            out[p.id] = p.fte
    return sorted(out.items())


def solve_fte(baseline: Baseline, scenario: Scenario | None = None, library: ScenarioLibrary | None = None,
              *, date: dt.date | None = None, xtol: float = 1e-10) -> Solution:
    """The smallest cut of the basiswerking FTE from ``date`` (default 1 January of the second
    plan year), the same fraction of every basiswerking position, that meets every target."""
    scenario, library = scenario_and_library(scenario, library)
    years = baseline.years
    date = date or dt.date(years[1] if len(years) > 1 else years[0], 1, 1)
    if not years[0] <= date.year <= years[-1]:
        raise InputError(f"datum {date:%d/%m/%Y} valt buiten het plan", expected=f"een datum in {years[0]}-{years[-1]}")
    positions = basiswerking_positions(baseline, date, scenario, library)
    if not positions:
        raise InputError("geen posities in de basiswerking op die datum (blad 'Personeel', financiering "
                         "'basiswerking')",
                         file=baseline.file, sheet="Personeel")
    total = float(sum(f for _, f in positions))
    engine = Engine(baseline)

    def run(frac: float) -> ScenarioRun:
        extra = [] if frac == 0 else [FteChange(type="fte", position=pid, fte=fte * (1.0 - frac), date=date)
                                      for pid, fte in positions]
        return engine.run(*extended(scenario, library, extra))

    x, feasible, n = _seek(run, 0.05, 1.0, xtol)
    return _solution("fte", scenario, run(x), feasible, x, n, from_year=None, date=date, fte_total=total,
                     fte_reduction=x * total, details={"posities": positions})


def solve(baseline: Baseline, scenario: Scenario | None = None, library: ScenarioLibrary | None = None, *,
          lever: str = "contribution", from_year: int | None = None, date: dt.date | None = None) -> Solution:
    if lever not in LEVERS:
        raise InputError(f"onbekende hefboom '{lever}'", expected=", ".join(LEVERS))
    if lever == "fte":
        if date is None and from_year is not None:
            date = dt.date(from_year, 1, 1)
        return solve_fte(baseline, scenario, library, date=date)
    return solve_contribution(baseline, scenario, library, from_year=from_year or (date.year if date else None),
                              per_inhabitant=lever == "per_inhabitant")
