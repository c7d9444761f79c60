"""How fast is schema M2? Time to read the sample workbook and to compute M2 for its plan.

Run: ``uv run python benchmarks/m2_speed.py [WORKBOOK]`` (default: the sample plan). Prints
microseconds per call (timeit, best of several repeats):

* reading the workbook (openpyxl) and parsing the table and pivot sheets;
* ``compute_m2`` on the loaded plan (totals + every M2/AFM line + norms): the goal is well under
  a millisecond;
* the vectorised core alone (``category_totals`` + ``m2_arrays``) on precomputed inputs;
* a batch of 10,000 plan variants in one ``m2_arrays`` call (per variant), as scenarios and
  Monte Carlo paths use it.
"""

from __future__ import annotations

import sys
import timeit
from pathlib import Path

import numpy as np

from w13xl.m2 import compute_m2, designated_repayments, m2_arrays
from w13xl.model import category_totals
from w13xl.workbook import load_plan, read_grids
from w13xl.sheets import load_plan_from_grids

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "workbooks" / "w13-mjp-2026-2031.xlsx"


def best_us(stmt, number: int, repeat: int = 5) -> float:
    """Best time per call in microseconds."""
    return min(timeit.repeat(stmt, number=number, repeat=repeat)) / number * 1e6


def main(path: Path = DEFAULT) -> int:
    grids, named = read_grids(path)
    loaded = load_plan(path)
    plan, params = loaded.plan, loaded.params
    years = plan.years
    n_lines, n_years = plan.amounts.shape

    read_us = best_us(lambda: read_grids(path), number=5, repeat=3)
    table_us = best_us(lambda: load_plan_from_grids(grids, file=str(path), sheet="Synthese", named=named), 200)
    pivot_us = best_us(lambda: load_plan_from_grids(grids, file=str(path), sheet="Synthese (export)",
                                                    named=named), 200)
    m2_us = best_us(lambda: compute_m2(plan, params), 5000)

    unavailable = params.per_year("unavailable", years)
    repayments = params.per_year("repayments", years)
    recoveries = params.per_year("recoveries", years)
    designated = designated_repayments(params, years)

    def core(amounts=plan.amounts):
        totals = category_totals(plan.categories, plan.directions, amounts)
        return m2_arrays(totals, opening_reserve=params.opening_reserve, unavailable=unavailable,
                         repayments=repayments, recoveries=recoveries, designated_repayments=designated)

    core_us = best_us(core, 5000)
    batch = 10_000
    rng = np.random.default_rng(13)
    variants = plan.amounts[None, :, :] * rng.uniform(0.9, 1.1, size=(batch, 1, 1))
    batch_us = best_us(lambda: core(variants), number=3, repeat=3)

    result = compute_m2(plan, params)
    print(f"Workbook: {path.name} ({n_lines} budget lines x {n_years} years, "
          f"GBR {years[-1]}: {result['gecumuleerd_budgettair_resultaat'][-1]:,.2f})")
    print(f"  read workbook (openpyxl, all sheets)  {read_us / 1000:10.1f} ms")
    print(f"  parse table sheet 'Synthese'          {table_us:10.1f} µs")
    print(f"  parse pivot sheet + mapping           {pivot_us:10.1f} µs")
    print(f"  compute_m2 (plan -> M2 + norms)       {m2_us:10.1f} µs per call")
    print(f"  core (totals + m2_arrays)             {core_us:10.1f} µs per call")
    label = f"batch of {batch:,} variants"
    print(f"  {label:<38}{batch_us / batch:10.3f} µs per variant "
          f"({batch_us / 1000:.1f} ms per batch)")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT))
