"""A grid (raster) of scenarios: every subsidy x end year x policy (x index path), run in one
call of the engine (:func:`w13xl.scenario.engine.run_scenarios`). Pure core: the CLI writes the sheet."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..numbers import parse_fraction
from .engine import Baseline, run_scenarios
from .result import ScenarioRuns
from .spec import BASELINE, RETIRED_POLICIES, Scenario, ScenarioLibrary, scenario_from_dict

#: Short Dutch labels of the subsidy-end policies (spec.POLICIES; their meaning:
#: engine.SUBSIDY_END_POLICIES) for the grid's rows.
POLICY_LABELS = {"stop": "project stopt", "keep_staff": "personeel blijft", "keep_project": "project loopt door",
                 "share": "deel blijft"}
#: What a user may type for a policy (English ids and the Dutch words of the labels).
POLICY_WORDS = {"stop": "stop", "keep_staff": "keep_staff", "keep-staff": "keep_staff", "personeel": "keep_staff",
                "keep_project": "keep_project", "keep-project": "keep_project", "project": "keep_project"}


@dataclass(frozen=True)
class Policy:
    """A subsidy-end policy of the grid (issue 9's rules, see engine.staff_after_end):
    ``stop`` (staff after their statutory notice), ``keep_staff`` (W13 keeps and pays the
    staff; partners and other costs stop), ``keep_project`` (everything goes on, W13 pays:
    only when asked by name) or ``share`` with the kept share."""

    policy: str
    share: float | None = None

    @property
    def label(self) -> str:
        if self.policy == "share":
            return f"{(self.share or 0) * 100:.0f}% blijft"
        return POLICY_LABELS.get(self.policy, self.policy)

    def fields(self) -> dict:
        return {"policy": self.policy, **({"share": self.share} if self.share is not None else {})}


def parse_policy(text: str) -> Policy:
    """'stop', 'keep_staff' (or 'personeel'), 'keep_project' (or 'project') or a kept share by the
    one percentage rule ('50%' or 0,5) for policy 'share'. The retired 'keep' is refused with what to use instead."""
    t = text.strip().lower()
    expected = "stop, keep_staff, keep_project of een behouden deel zoals 50% of 0,5"
    if t in POLICY_WORDS:
        return Policy(POLICY_WORDS[t])
    if t in RETIRED_POLICIES:
        raise InputError(RETIRED_POLICIES[t], key="--policy", expected=expected)
    try:
        share = parse_fraction(text, whole_one=True)  # a kept share: 1 is the whole
    except ValueError as exc:
        if any(ch.isdigit() for ch in t):
            raise InputError(f"deel {text}: {exc}", key="--policy", expected=expected) from None
        raise InputError(f"onbekend beleid '{text}'", key="--policy", expected=expected) from None
    if not 0 <= share <= 1:
        raise InputError(f"deel {text} valt buiten 0-100%", key="--policy", expected="een deel van 0% tot 100%")
    return Policy("share", share)


@dataclass(frozen=True, eq=False)
class Grid:
    """The grid's axes and, per cell, the chosen M2 line in the chosen year (euro) and whether
    every norm holds. ``values`` has shape (index paths, subsidies, policies, end years)."""

    subsidies: tuple[str, ...]
    policies: tuple[Policy, ...]
    end_years: tuple[int, ...]
    index_rates: tuple[float | None, ...]  # None: the plan's (or the base scenario's) index
    line: str
    year: int
    values: np.ndarray
    norms_ok: np.ndarray
    baseline_value: float
    result: ScenarioRuns
    subsidy_names: tuple[str, ...] = ()

    def cells(self):
        """(index rate, subsidy, policy, end year, value, norms ok) per cell."""
        for a, b, c, d in np.ndindex(self.values.shape):  # the last axis fastest, as the runs
            yield (self.index_rates[a], self.subsidies[b], self.policies[c], self.end_years[d],
                   float(self.values[a, b, c, d]), bool(self.norms_ok[a, b, c, d]))


def subsidy_grid(baseline: Baseline, *, subsidies: Sequence[str] | None = None,
                 end_years: Sequence[int] | None = None, policies: Sequence[Policy] = (Policy("stop"),),
                 index_rates: Sequence[float | None] = (None,), line: str = "gecumuleerd_budgettair_resultaat",
                 year: int | None = None, base: Scenario | None = None,
                 library: ScenarioLibrary | None = None) -> Grid:
    """Run the grid: for each cell the subsidy ends on 31 December of the end year (earlier
    than planned, or later: then it runs on until then) with the policy, on top of ``base``
    and an index path at ``rate`` a year for wages, prices and the contribution (if given)."""
    years = baseline.years
    subsidies = tuple(subsidies) if subsidies else tuple(baseline.subsidies)
    for sid in subsidies:
        if sid not in baseline.subsidies:
            raise InputError(f"onbekende subsidie '{sid}'", key="--subsidy",
                             expected=f"een subsidie van het register: {', '.join(baseline.subsidies)}")
    end_years = tuple(end_years) if end_years else tuple(years)
    for y in end_years:
        if y not in years:
            raise InputError(f"eindjaar {y} valt buiten het plan", key="--years",
                             expected=f"jaren in {years[0]}-{years[-1]}")
    year = years[-1] if year is None else year
    if year not in years:
        raise InputError(f"jaar {year} valt buiten het plan", key="--year",
                         expected=f"een jaar in {years[0]}-{years[-1]}")
    library = library or ScenarioLibrary([base] if base is not None else [])
    # one change object per index path and per (subsidy, policy, end year), shared by the cells
    index = {rate: scenario_from_dict({"changes": [{"type": "index", "classes": ["loon", "prijzen", "bijdrage"],
                                                     "rate": rate}]}, name="index").changes
             for rate in index_rates if rate is not None}
    ends = {(sid, pol, end): scenario_from_dict({"changes": [{"type": "subsidy_end", "subsidy": sid,
                                                              "date": dt.date(end, 12, 31), **pol.fields()}]},
                                                name="einde").changes
            for sid, pol, end in itertools.product(subsidies, policies, end_years)}
    extends = base.name if base is not None else BASELINE
    scenarios = []
    for rate, sid, pol, end in itertools.product(index_rates, subsidies, policies, end_years):
        name = f"{sid} {end} {pol.policy}" + ("" if rate is None else f" {rate:g}")
        changes = [*(index[rate] if rate is not None else []), *ends[sid, pol, end]]
        scenarios.append(Scenario(name=name, title=name, extends=extends, changes=changes))
    result = run_scenarios(baseline, scenarios, library, audit=False)
    t = years.index(year)
    values = result.lines[line][:, t].reshape(len(index_rates), len(subsidies), len(policies), len(end_years))
    ok = result.norms_ok().reshape(values.shape)
    return Grid(subsidies, tuple(policies), end_years, tuple(index_rates), line, year, values, ok,
                float(baseline.m2[line][t]), result, tuple(baseline.subsidies[s].name for s in subsidies))
