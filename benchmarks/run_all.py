"""Benchmarks on the sample plan (not part of the test run): ``uv run python benchmarks/run_all.py``.

Prints: schema M2; 1,000 deterministic scenarios (random combinations of the shipped change
types: the scalar loop, ``Engine.run`` one at a time, and ``run_scenarios``); 100,000 Monte Carlo
paths of scenarios/onzekerheid.toml in process (time, the process's peak RSS, and the Python
allocations of a 10,000-path run via tracemalloc, which numpy reports to); subsidy cliffs; goal seek; the side-by-side
table of issue 14 (vs_libreoffice, `w13xl m2` vs `import numpy`,
Excel calls, workbook read vs bare python-calamine, the 4,500-line raster); board pack writing
(with the uncertainty sheets); last, the table of issue 20's targets (``issue20.py``: fresh
processes). Best of a few repeats where cheap.

``--quick`` (or ``W13XL_BENCH_QUICK=1``): issue 20's part at a small size (100 scenarios, 10,000
paths, no second LibreOffice run) and 10,000 paths for the in-process Monte Carlo; the rest as
always.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from w13xl import cliffs, goalseek, montecarlo  # noqa: E402
from w13xl.m2 import compute_m2  # noqa: E402
from w13xl.scenario import run_scenarios  # noqa: E402
from w13xl.scenario.engine import Engine  # noqa: E402
from w13xl.scenario.loader import load_study  # noqa: E402
from w13xl.scenario.spec import (  # noqa: E402
    ContributionChange,
    FteChange,
    HireChange,
    IndexChange,
    Scenario,
    ScenarioLibrary,
    SubsidyCutChange,
    SubsidyEndChange,
    SubsidyRenewChange,
)

WORKBOOK = ROOT / "workbooks" / "w13-mjp-2026-2031.xlsx"
SCENARIO = ROOT / "scenarios" / "onzekerheid.toml"


def best(func, repeat: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t)
    return min(times), result


def random_changes(rng: random.Random, baseline) -> list:
    """1-4 random changes of the shipped kinds on the sample plan."""
    ending = [s for s in baseline.subsidies.values() if s.end is not None and s.end.year < 2031]
    kinds = []
    for _ in range(rng.randint(1, 4)):
        k = rng.choice(["index", "crossings", "hire", "fte", "end", "renew", "cut", "contribution"])
        s = rng.choice(ending)
        if k == "index":
            kinds.append(IndexChange(type="index", classes=["prijzen"], rates={2027: rng.uniform(0, 0.08)}))
        elif k == "crossings":
            kinds.append(IndexChange(type="index", extra_crossings=[f"2027-{rng.randint(1, 12):02d}"]))
        elif k == "hire":
            kinds.append(HireChange(type="hire", level="B", scale="B1-B3", step=rng.randint(0, 20), action="A10205",
                                    start=dt.date(rng.randint(2026, 2030), rng.randint(1, 12), 1)))
        elif k == "fte":
            kinds.append(FteChange(type="fte", position=rng.choice(["P02", "P05", "P19", "P20"]),
                                   fte=rng.choice([0.5, 0.8]), date=dt.date(rng.randint(2027, 2030), 1, 1)))
        elif k == "end":
            kinds.append(SubsidyEndChange(type="subsidy_end", subsidy=s.id, policy=rng.choice(["stop", "keep_staff"]),
                                          date=dt.date(max(2026, s.end.year - 1), 12, 31)))
        elif k == "renew":
            kinds.append(SubsidyRenewChange(type="subsidy_renew", subsidy=s.id, until=dt.date(2031, 12, 31)))
        elif k == "cut":
            kinds.append(SubsidyCutChange(type="subsidy_cut", subsidy=s.id, factor=0.8, date=dt.date(2026, 7, 1)))
        else:
            kinds.append(ContributionChange(type="contribution", from_year=2027, pct=rng.uniform(-0.02, 0.08)))
    # one change per subsidy keeps the combinations valid (a renewal after an end is refused)
    seen, out = set(), []
    for c in kinds:
        key = getattr(c, "subsidy", None) or id(c)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", default=os.environ.get("W13XL_BENCH_QUICK", "") not in
                        ("", "0"), help="issue 20's part at a small size (W13XL_BENCH_QUICK=1)")
    quick = parser.parse_args().quick
    print(f"w13xl benchmarks — {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"numpy {np.__version__}")
    t = time.perf_counter()
    baseline, library, selected = load_study(WORKBOOK, [str(SCENARIO)])
    scenario = selected[0]
    print(f"load workbook + baseline            {1000 * (time.perf_counter() - t):8.1f} ms")

    sec, _ = best(lambda: compute_m2(baseline.plan, baseline.params), 50)
    print(f"schema M2 (sample plan)             {1000 * sec:8.3f} ms")

    rng = random.Random(1)
    combos = [random_changes(rng, baseline) for _ in range(1000)]
    engine = Engine(baseline)
    scenarios = [Scenario(name=f"bench-{i}", title="bench", changes=changes) for i, changes in enumerate(combos)]
    everything = ScenarioLibrary(scenarios)

    def scalar_loop() -> list:
        return [engine.run(s2, everything) for s2 in scenarios]

    sec, oracle = best(scalar_loop, 3)
    print(f"1,000 deterministic scenarios       {1000 * sec:8.1f} ms  ({1000 * sec / 1000:.2f} ms each; "
          "scalar loop: Engine.run one at a time, best of 3, scenarios validated beforehand)")
    t = time.perf_counter()
    runs = run_scenarios(baseline, scenarios, everything)
    first = time.perf_counter() - t
    sec, runs = best(lambda: run_scenarios(baseline, scenarios, everything), 2)
    worst = max(float(np.max(np.abs(runs.lines[k][i] - r.m2[k]))) for i, r in enumerate(oracle)
                for k in ("exploitatiesaldo", "gecumuleerd_budgettair_resultaat", "autofinancieringsmarge"))
    print(f"  the same, run_scenarios           {1000 * sec:8.1f} ms  (best of 2 after a first call of "
          f"{1000 * first:.0f} ms in this process; largest difference with the scalar loop {worst:.1e} euro)")

    sim = None
    try:  # a failing part prints one line and the run goes on
        sim = monte_carlo_in_process(baseline, scenario, library, 10_000 if quick else 100_000)
    except Exception as exc:
        print(f"Monte Carlo paths in process: skipped ({type(exc).__name__}: {exc})")

    sec, table = best(lambda: cliffs.subsidy_cliffs(baseline), 5)
    print(f"subsidy cliffs (12 subsidies x 3)   {1000 * sec:8.1f} ms")

    for lever in ("contribution", "per_inhabitant", "fte"):
        sec, sol = best(lambda lever=lever: goalseek.solve(baseline, scenario, library, lever=lever), 5)
        print(f"goal seek {lever:<15}           {1000 * sec:8.1f} ms  ({sol.evaluations} engine runs, "
              f"value {sol.value:.6f}, AFM {sol.afm_last:.4f})")

    lo = side_by_side()
    board_packs(baseline, scenario, library, selected, engine, sim, table)
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import issue20

    issue20.measure(quick, libreoffice=lo)


def monte_carlo_in_process(baseline, scenario, library, paths: int = 100_000):
    """``paths`` paths in this process (10,000 with --quick): time (once, after a warm-up), the
    process peak RSS; the tracemalloc peak of a run of at most 10,000 paths (tracemalloc slows
    the engine's Monte Carlo about threefold; issue 20's table has the peak RSS of 100,000)."""
    montecarlo.simulate(baseline, scenario, library, paths=1000)  # warm-up (imports, caches)
    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    sim = montecarlo.simulate(baseline, scenario, library, paths=paths)
    sec = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    traced = min(paths, 10_000)
    tracemalloc.start()
    montecarlo.simulate(baseline, scenario, library, paths=traced)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    label = f"{paths:,} Monte Carlo paths"
    print(f"{label:<36}{1000 * sec:8.1f} ms  (in process, after a warm-up)")
    print(f"  peak memory (tracemalloc, {traced:,} paths) {peak / 2**20:.1f} MiB; process peak RSS {rss:.0f} MiB "
          f"(before: {rss_before:.0f} MiB)")
    print(f"  P(reserve < minimum, any year) = {sim.p_reserve_below_minimum_any:.3f}, "
          f"P(AFM 2031 < 0) = {sim.p_afm_last_negative:.3f}")
    return sim


def board_packs(baseline, scenario, library, selected, engine, sim, table) -> None:
    try:
        from w13xl.board import build_board_workbook, write_board_pack
    except ImportError:
        print("board pack: w13xl.board.write_board_pack not available")
        return
    from w13xl.board.uncertainty import add_uncertainty_sheets

    runs = [engine.run(s, library) for s in selected]
    sols = [goalseek.solve(baseline, scenario, library, lever=lever) for lever in ("contribution", "fte")]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bordpakket.xlsx"
        sec, _ = best(lambda: write_board_pack(runs, out, plan_name="MJP 2026-2031"), 3)
        print(f"board pack (write_board_pack)       {1000 * sec:8.1f} ms")

        def with_uncertainty():
            wb = build_board_workbook(runs, plan_name="MJP 2026-2031")
            add_uncertainty_sheets(wb, simulation=sim, cliffs=table, solutions=sols, plan_name="MJP 2026-2031")
            wb.save(Path(tmp) / "bordpakket-onzekerheid.xlsx")

        if sim is None:
            print("board pack + uncertainty sheets: skipped (no in-process Monte Carlo above)")
            return
        try:  # the uncertainty pages follow the Monte Carlo being rebuilt (issue 20)
            sec, _ = best(with_uncertainty, 3)
        except Exception as exc:
            print(f"board pack + uncertainty sheets: skipped ({type(exc).__name__}: {exc})")
            return
        print(f"board pack + uncertainty sheets     {1000 * sec:8.1f} ms")


def side_by_side() -> dict:
    """Issue #14's table: w13xl against a reference, ratios from interleaved runs in this run.
    Returns vs_libreoffice's result (issue 20's table reuses its LibreOffice time)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import grid_4500
    import read_speed
    import vs_libreoffice

    print("\n-- side by side (issue #14) --")
    lo = vs_libreoffice.compare(1000)
    import startup

    cold = startup.report(11, bytecode=False)  # medians of 11 interleaved runs, without and with .pyc
    warm = startup.report(11, bytecode=True)
    excel = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "excel_calls.py"), "--n", "2000"], cwd=ROOT,
                           capture_output=True, text=True)
    lines = [ln for ln in excel.stdout.splitlines() if "interleaved" in ln or "own work" in ln]
    for ln in lines:
        print(ln.strip())
    reads = read_speed.measure()[:2]
    for r in reads:
        print(f"read {r['label']}: w13xl {r['w13xl']:.1f} ms, bare python-calamine {r['calamine']:.1f} ms "
              f"({r['w13xl'] / r['calamine']:.2f}x); former openpyxl reader {r['openpyxl']:.1f} ms; "
              f"load_plan {r['load_plan']:.1f} ms")
    grid = grid_4500.run()
    print("\n| what | w13xl | reference | ratio |\n|---|---|---|---|")
    if lo.get("libreoffice"):
        print(f"| 1,000 scenarios (wage index per year + subsidy stop), in process | {1e3 * lo['engine']:.1f} ms "
              f"run_scenarios (first call {1e3 * lo['engine_first']:.0f} ms; scalar loop {lo['scalar_loop']:.2f} s) | "
              f"LibreOffice formula model over UNO {1e3 * lo['libreoffice']:.0f} ms; numpy floor "
              f"{1e3 * lo['floor']:.1f} ms | LibreOffice / w13xl {lo['libreoffice'] / lo['engine']:.0f}x; "
              f"w13xl / floor {lo['engine'] / lo['floor']:.1f}x |")
        print(f"| values vs w13xl (largest difference) | run_scenarios vs scalar loop {lo['diff_scalar']:.1e} euro | "
              f"LibreOffice {lo['diff_libreoffice']:.1e} euro; floor {lo['diff_floor']:.1e} euro | |")
    print(f"| `uv run w13xl m2` end to end | {cold['m2']:.2f} s ({warm['m2']:.2f} s with .pyc) | "
          f"`uv run python -c \"import numpy\"` {cold['numpy']:.2f} s ({warm['numpy']:.2f} s) | "
          f"{cold['ratio']:.2f}x ({warm['ratio']:.2f}x) |")
    for r in reads:
        print(f"| read {r['label']} | {r['w13xl']:.1f} ms | bare python-calamine {r['calamine']:.1f} ms | "
              f"{r['w13xl'] / r['calamine']:.2f}x |")
    figures = [re.search(r"([\d.]+)x \(([\d.]+) µs vs ([\d.]+) µs", ln) for ln in lines]
    if len(figures) >= 4 and all(figures[:4]):
        (r1, us1, t1), (r2, us2, t2), (f1, _, _), (f2, _, _) = (f.groups() for f in figures[:4])
        print(f"| cached `W13.RESERVE` (Office.js path; fresh JSON payload) | {us1} µs ({us2} µs) | trivial function "
              f"with the same ranges {t1} µs ({t2} µs); floor of any cache on the values {f1}x ({f2}x) | "
              f"{r1}x ({r2}x) |")
    elif lines:
        print(f"| cached `W13.RESERVE` (Office.js path) | {lines[0].strip()} | | |")
    print(f"| raster 6x6x3 on {grid['lines']:,} lines | {1e3 * grid['cold']:.0f} ms cold, {1e3 * grid['warm']:.0f} ms "
          f"warm | scalar loop {1e3 * grid['oracle']:.0f} ms | target < 1 s |")
    return lo


if __name__ == "__main__":
    main()
