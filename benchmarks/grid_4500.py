"""The 6 x 6 x 3 raster (6 subsidies x end years 2026-2031 x policies stop / keep_staff / 50% kept,
108 scenarios) on a plan of 4,500 lines: ``uv run python benchmarks/grid_4500.py``.

The plan is the sample plan plus synthetic exploitation lines on extra actions (A6....) with
random amounts (a plan the size of a large association's detailed budget); its subsidies,
roster and parameters are the sample's. Prints the grid's time (``subsidy_grid``, which runs the
cells through ``run_scenarios``) cold (its first call on a new baseline) and warm, and the scalar
loop (``Engine.run`` one cell at a time), which every cell is checked against.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORKBOOK = ROOT / "workbooks" / "w13-mjp-2026-2031.xlsx"
SUBSIDIES = ("SUB-PACT", "SUB-OPEN", "SUB-ACTIVERING", "SUB-KRACHTWONEN", "SUB-REGIEROL", "SUB-FOODACT")


def big_baseline(n_lines: int = 4500, seed: int = 1):
    from w13xl.model import EXPLOITATIE, LineKey, O, Plan, U
    from w13xl.scenario.engine import Baseline
    from w13xl.scenario.loader import load_study

    base = load_study(WORKBOOK, [])[0]
    rng = np.random.default_rng(seed)
    keys = list(base.plan.keys)
    rows = [base.plan.amounts[i] for i in range(len(keys))]
    i = 0
    while len(keys) < n_lines:
        action = f"A6{i // 2:04d}"
        keys.append(LineKey(action, EXPLOITATIE, O if i % 2 == 0 else U))
        rows.append(np.round(rng.uniform(1_000, 50_000) * 1.02 ** np.arange(len(base.years)), 2))
        i += 1
    plan = Plan(years=base.years, keys=tuple(keys), amounts=np.vstack(rows), actions=base.plan.actions)
    fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(base) if f.init}
    fields["plan"] = plan
    return Baseline(**fields)


def run(quiet: bool = False) -> dict:
    from w13xl.scenario.engine import Engine
    from w13xl.scenario.grid import Policy, subsidy_grid
    from w13xl.scenario.spec import scenario_from_dict

    policies = (Policy("stop"), Policy("keep_staff"), Policy("share", 0.5))
    t = time.perf_counter()
    big = big_baseline()
    build = time.perf_counter() - t
    t = time.perf_counter()
    grid = subsidy_grid(big, subsidies=SUBSIDIES, policies=policies)
    cold = time.perf_counter() - t
    warm = min(_timed(lambda: subsidy_grid(big, subsidies=SUBSIDIES, policies=policies)) for _ in range(3))
    engine = Engine(big)
    t = time.perf_counter()
    worst = 0.0
    for b, sid in enumerate(SUBSIDIES):
        for c, pol in enumerate(policies):
            for d, year in enumerate(grid.end_years):
                s = scenario_from_dict({"changes": [{"type": "subsidy_end", "subsidy": sid,
                                                     "date": f"{year}-12-31", **pol.fields()}]}, name="x")
                value = engine.run(s).m2[grid.line][-1]
                worst = max(worst, abs(value - grid.values[0, b, c, d]))
    oracle = time.perf_counter() - t
    res = {"lines": len(big.lines), "cells": grid.values.size, "cold": cold, "warm": warm, "oracle": oracle,
           "worst": worst}
    if not quiet:
        print(f"raster 6 x 6 x 3 = {grid.values.size} scenarios on {len(big.lines)} lines "
              f"(plan built in {build:.1f} s)")
        print(f"  subsidy_grid: cold {1000 * cold:.0f} ms (first call on a new baseline), warm {1000 * warm:.0f} ms;"
              f" scalar loop (Engine.run one cell at a time) {1000 * oracle:.0f} ms;"
              f" largest difference {worst:.2e} euro")
    return res


def _timed(func) -> float:
    t = time.perf_counter()
    func()
    return time.perf_counter() - t


if __name__ == "__main__":
    run()
