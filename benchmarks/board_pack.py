"""Benchmark: write a board pack for 10 scenarios (target: under 3 seconds).

Runs the shipped scenarios (scenarios/*.toml) with the engine, repeats them to 10 runs under
distinct names, and times write_board_pack (content + openpyxl + safe write). Prints the figure.

    uv run python benchmarks/board_pack.py
"""

from __future__ import annotations

import dataclasses
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from w13xl.board import write_board_pack
from w13xl.scenario.engine import Engine
from w13xl.scenario.loader import load_study

ROOT = Path(__file__).resolve().parents[1]
N_SCENARIOS = 10
REPEATS = 5


def main() -> None:
    baseline, library, selected = load_study(ROOT / "workbooks" / "w13-mjp-2026-2031.xlsx",
                                             [str(ROOT / "scenarios")])
    engine = Engine(baseline)
    shipped = [engine.run(s, library) for s in selected]
    runs = [dataclasses.replace(shipped[i % len(shipped)], name=f"{shipped[i % len(shipped)].name}-{i + 1}",
                                title=f"{shipped[i % len(shipped)].title} ({i + 1})")
            for i in range(N_SCENARIOS)]
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(REPEATS):
            start = time.perf_counter()
            write_board_pack(runs, Path(tmp) / f"board{k}.xlsx", plan_name="meerjarenplan 2026-2031",
                             created=date(2026, 1, 15))
            times.append(time.perf_counter() - start)
    print(f"board pack, {N_SCENARIOS} scenarios ({len(shipped)} shipped, repeated): "
          f"median {statistics.median(times):.2f} s, max {max(times):.2f} s over {REPEATS} runs (target < 3 s)")


if __name__ == "__main__":
    main()
