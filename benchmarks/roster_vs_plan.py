"""Compare the bundled ILLUSTRATIVE roster with the plan's staff figures.

Run: ``uv run python benchmarks/roster_vs_plan.py [index_rate]`` (default 0.02, the plan's
flat wage index). Prints, per year: head count A/B (1 January) against table 3.4, total
employer cost against schema T2 line c, the second pillar against the plan's estimate (3.7),
and the cost per action.
"""

from __future__ import annotations

import sys

import numpy as np

from w13xl import staffing as sf


def main(index_rate: float = sf.PLAN_INDEX_RATE) -> int:
    years = sf.PLAN_YEARS
    roster = sf.bundled_roster()
    scales = sf.bundled_scales()
    params = sf.StaffParameters()
    mult = sf.flat_wage_index(years, index_rate)
    costs = sf.position_costs(roster, scales, params, years, mult)
    total = costs.sum(axis=0)
    t2 = np.array(sf.PLAN_T2_STAFF_COST)
    hc = sf.head_count_table(roster, years)
    pillar = sf.second_pillar_total(roster, scales, params, years, mult)
    pillar_no_levy = sf.second_pillar_total(roster, scales, params, years, mult,
                                            include_levy=False, include_admin=False)

    print(f"Bundled ILLUSTRATIVE roster ({len(roster)} positions) vs plan, "
          f"wage index {index_rate:.1%}/yr, cost factor {params.cost_factor:.4f} x gross")
    print(f"{'year':>4} {'A':>3} {'(plan)':>6} {'B':>3} {'(plan)':>6} "
          f"{'roster cost':>13} {'T2 line c':>13} {'diff':>10} {'diff %':>7} "
          f"{'2nd pillar':>11} {'(3% only)':>10} {'plan 2PP':>10}")
    for j, y in enumerate(years):
        print(f"{y:>4} {hc['A'][j]:>3} {sf.PLAN_HEAD_COUNT['A'][j]:>6} "
              f"{hc['B'][j]:>3} {sf.PLAN_HEAD_COUNT['B'][j]:>6} "
              f"{total[j]:>13,.0f} {t2[j]:>13,.0f} {total[j] - t2[j]:>10,.0f} "
              f"{(total[j] / t2[j] - 1):>+7.2%} {pillar[j]:>11,.0f} {pillar_no_levy[j]:>10,.0f} "
              f"{sf.PLAN_SECOND_PILLAR[j]:>10,.0f}")
    rel = total / t2 - 1
    print(f"max |diff| {np.max(np.abs(rel)):.2%}; 2nd pillar = 3% x gross x 1.0886 + 1,500 admin")

    print("\nCost per action (roster, EUR):")
    by_action = sf.costs_by(roster, costs, "action")
    funding = {}
    for p in roster:
        funding.setdefault(p.action, p.funded_by)
    for action, row in sorted(by_action.items()):
        cells = " ".join(f"{v:>10,.0f}" for v in row)
        print(f"  {action} {funding[action]:<16} {cells}")
    oh = sf.overhead_contribution(roster, costs)
    oh_total = np.sum(list(oh.values()), axis=0)
    print("  overhead 15% to A50111      " + " ".join(f"{v:>10,.0f}" for v in oh_total))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(float(sys.argv[1]) if len(sys.argv) > 1 else sf.PLAN_INDEX_RATE))
