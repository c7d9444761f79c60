"""Start-up of ``w13xl m2`` end to end, against the floor ``uv run python -c "import numpy"`` (issue 14:
target at most 2x).

Run: ``uv run python benchmarks/startup.py [--n 11] [--breakdown]``. Both commands run as the user
runs them (``uv run --offline ...`` from the repository, output captured, not a terminal), one of
each in turn (interleaved, so a busy machine slows both alike); prints the median of each, the
ratio, and the spread, under two conditions:

* no bytecode cache: this machine sets PYTHONDONTWRITEBYTECODE=1 (and uv installs without
  compiling), so every module of numpy, typer, rich and w13xl is compiled from source at every
  start; this is what ``benchmarks/run_all.py`` measured before;
* with a bytecode cache (.pyc, in a directory of its own under the temp dir): what a usual
  install does after the first run. Compiling no longer counts, so the fixed costs weigh more.

``--breakdown`` also prints what ``uv run`` alone costs (``uv run python -c pass``) and the ten
slowest imports of ``w13xl m2`` (``python -X importtime``). Run it under ``uv run`` as above:
``uv`` on PATH is then the real binary, not a shell shim that adds its own ~60 ms to both.

``report()`` is what ``benchmarks/run_all.py`` prints in its side-by-side table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKBOOK = ROOT / "workbooks" / "w13-mjp-2026-2031.xlsx"

M2 = ["uv", "run", "--offline", "w13xl", "m2", str(WORKBOOK)]
NUMPY = ["uv", "run", "--offline", "python", "-c", "import numpy"]
BARE = ["uv", "run", "--offline", "python", "-c", "pass"]
LABELS = {"m2": "uv run w13xl m2 (sample)", "numpy": "uv run python -c 'import numpy'",
          "bare": "uv run python -c 'pass'"}


def _env(bytecode: bool) -> dict[str, str]:
    """The environment of a run. ``bytecode``: Python may write and read a bytecode cache (.pyc),
    kept in a directory of its own (PYTHONPYCACHEPREFIX) so the working tree stays clean;
    otherwise no cache is written (PYTHONDONTWRITEBYTECODE=1, as on this machine) and every
    module is compiled from source at every start."""
    env = dict(os.environ)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "w13xl-startup-pyc")
    else:  # the standard library keeps the .pyc files its installer wrote
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    return env


def _run(cmd: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True, env=env)
    return time.perf_counter() - t


def measure(n: int = 11, commands: dict[str, list[str]] | None = None, bytecode: bool = False) -> dict[str, list[float]]:
    """Wall times (s) of each command, ``n`` rounds, the commands in turn within each round
    (one warm-up round first, not counted; it also fills the bytecode cache)."""
    commands = commands or {"m2": M2, "numpy": NUMPY}
    env = _env(bytecode)
    for cmd in commands.values():
        _run(cmd, env)
    times: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(n):
        for key, cmd in commands.items():
            times[key].append(_run(cmd, env))
    return times


def slowest_imports(k: int = 10) -> list[tuple[int, str]]:
    """(cumulative microseconds, module) of the ``k`` slowest top-level imports of ``w13xl m2``."""
    out = subprocess.run(["uv", "run", "--offline", "python", "-X", "importtime", "-m", "w13xl", "m2", str(WORKBOOK)],
                         cwd=ROOT, capture_output=True, text=True, check=True, env=_env(bytecode=False))
    rows = []
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|")
        if cumulative.strip().isdigit() and not name.startswith("   "):  # top level: one space after '|'
            rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:k]


def report(n: int, bytecode: bool, breakdown: bool = False) -> dict[str, float]:
    """Print (and return) the medians of both commands and their ratio under one condition."""
    commands = {"m2": M2, "numpy": NUMPY, **({"bare": BARE} if breakdown else {})}
    times = measure(n, commands, bytecode)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"-- {'with a bytecode cache (.pyc)' if bytecode else 'no bytecode cache (PYTHONDONTWRITEBYTECODE=1)'} --")
    for key, cmd in commands.items():
        v = sorted(times[key])
        print(f"  {LABELS[key]:<34} median {med[key]:.3f} s  (min {v[0]:.3f}, max {v[-1]:.3f})")
    med["ratio"] = med["m2"] / med["numpy"]
    print(f"  ratio w13xl m2 / import numpy: {med['ratio']:.2f}x (medians of {n} interleaved runs; target <= 2x)")
    if breakdown:
        print(f"  uv run + bare python ~{med['bare']:.3f} s; import numpy ~{med['numpy'] - med['bare']:.3f} s; "
              f"w13xl m2 beyond bare python ~{med['m2'] - med['bare']:.3f} s")
    return med


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=11, help="rounds (each runs every command once)")
    parser.add_argument("--breakdown", action="store_true", help="also time 'uv run python -c pass' and list imports")
    args = parser.parse_args()
    print(f"{' '.join(M2)}\nvs {' '.join(NUMPY)}")
    for bytecode in (False, True):
        report(args.n, bytecode, args.breakdown)
    if args.breakdown:
        print("slowest top-level imports of w13xl m2 (cumulative, python -X importtime, one run, no bytecode cache):")
        for us, name in slowest_imports():
            print(f"  {us / 1000:7.1f} ms  {name}")


if __name__ == "__main__":
    sys.exit(main())
