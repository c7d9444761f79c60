"""The numpy floor of the Monte Carlo: the same draws, pivot-index loop, linear ES/V model and
percentiles as ``w13xl.montecarlo.simulate`` for ``scenarios/onzekerheid.toml``, written as
plain numpy with nothing else (no validation, no engine measuring): the same amount of
arithmetic, a floor for the time. Its percentiles are close to w13xl's (the 2031 median reserve
within about 5%) but not checked against them: other random streams, and it does not replay
every detail of ``montecarlo.evaluate``.

``uv run python benchmarks/mc_floor.py`` prints both timings (interleaved, best of 3) and the
process's peak RSS of a separate 100,000-path run of w13xl.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORKBOOK = ROOT / "workbooks" / "w13-mjp-2026-2031.xlsx"
SCENARIO = ROOT / "scenarios" / "onzekerheid.toml"


def floor(n: int, prepared, seed: int = 1, chunk: int = 25_000) -> dict:
    """Plain numpy for n paths of the inflation model with subsidy renewals, in chunks of paths
    as w13xl runs them (all paths at once is slower: the arrays leave the cache)."""
    rng = np.random.default_rng(seed)
    parts = [_paths(min(chunk, n - lo), prepared, rng) for lo in range(0, n, chunk)]
    reserve = np.concatenate([p[0] for p in parts])
    es = np.concatenate([p[1] for p in parts])
    q = [5, 25, 50, 75, 95]
    return {"reserve": np.percentile(reserve, q, axis=0), "afm": np.percentile(es, q, axis=0),
            "bbr": np.percentile(reserve, q, axis=0)}


def _paths(n: int, prepared, rng) -> tuple[np.ndarray, np.ndarray]:
    from w13xl import indexation as ix

    years = prepared.years
    ny = len(years)
    u = prepared.spec.index
    mean = np.array([u.mean.get(y, 0.02) if isinstance(u.mean, dict) else float(u.mean) for y in years])
    z = rng.standard_normal((n, ny))
    phi = float(u.persistence)
    eps = np.empty_like(z)
    eps[:, 0] = z[:, 0]
    for t in range(1, ny):
        eps[:, t] = phi * eps[:, t - 1] + np.sqrt(1 - phi * phi) * z[:, t]
    rates = mean + u.sd * eps
    # health index: 3 known months, then compounded monthly inflation; months first
    hist = ix.bundled_health_index().slice((years[0] - 1, 10), (years[0] - 1, 12)).values
    monthly = np.repeat(((1.0 + rates) ** (1 / 12)).T, 12, axis=0)  # (months, paths)
    h = np.concatenate([np.broadcast_to(hist[:, None], (3, n)), hist[-1] * np.cumprod(monthly, axis=0)])
    c = np.cumsum(h, axis=0)
    sm = np.round(0.98 * (c[3:] - np.concatenate([np.zeros((1, n)), c[:-4]])) / 4, 2)  # months 4..
    current = np.full(n, 135.95)
    crossed = np.zeros((h.shape[0], n), dtype=bool)
    for t in range(sm.shape[0]):
        hit = sm[t] >= current
        crossed[t + 3] = hit
        current = np.where(hit, np.round(current * 1.02, 2), current)
    steps = np.zeros((h.shape[0], n), dtype=np.int64)
    np.cumsum(crossed[:-2], axis=0, out=steps[2:])
    level = (1.02 ** np.arange(h.shape[0] + 1))[steps[3:]]  # January of the first year on
    wages = level.reshape(ny, 12, n).mean(axis=1).T / level[0][:, None]
    prices = np.cumprod(np.concatenate([np.ones((n, 1)), 1.0 + rates[:, 1:]], axis=1), axis=1)
    contrib = np.cumprod(np.concatenate([np.ones((n, 1)), 1.0 + rates[:, :-1]], axis=1), axis=1)
    central = prepared.central
    ci = prepared.central_index
    renewed = rng.random((n, len(prepared.subsidies))) < np.array([o.renewal for o in prepared.subsidies])
    diff = np.stack([(o.renew.es_v - o.fail.es_v).ravel() for o in prepared.subsidies])
    fail = np.sum([o.fail.es_v for o in prepared.subsidies], axis=0)
    es_v = (central.es_v + fail)[None] + (renewed.astype(float) @ diff).reshape(n, 2, ny)
    for klass, path in (("loon", wages), ("prijzen", prices), ("bijdrage", contrib)):
        es_v += central.classes[klass][None] * (path / ci[klass] - 1.0)[:, None, :]
    cu = prepared.spec.contribution
    g = cu.growth_mean + cu.growth_sd * rng.standard_normal((n, ny))
    g[:, np.array(years) < prepared.contribution_from] = 0.0
    extra = central.contribution[None] * (np.cumprod(1.0 + g, axis=1) * contrib / ci["bijdrage"] - 1.0)
    es_v += extra[:, None, :]
    reserve = prepared.baseline.params.opening_reserve + np.cumsum(es_v[:, 1], axis=1)
    return reserve, es_v[:, 0]


def rss_of_run(paths: int = 100_000) -> float:
    """Peak RSS (MiB) of a fresh process that loads the workbook and simulates ``paths`` paths."""
    # VmHWM: the peak of this process's own memory (ru_maxrss may carry the parent's over fork)
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r});"
            "from w13xl import montecarlo; from w13xl.scenario.loader import load_study;"
            f"b, lib, sel = load_study({str(WORKBOOK)!r}, [{str(SCENARIO)!r}]);"
            f"montecarlo.simulate(b, sel[0], lib, paths={paths});"
            "print(next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')) / 1024)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def compare(paths: int = 100_000, repeat: int = 3) -> dict:
    from w13xl import montecarlo
    from w13xl.scenario.loader import load_study

    baseline, library, selected = load_study(WORKBOOK, [str(SCENARIO)])
    prepared = montecarlo.prepare(baseline, selected[0], library)
    montecarlo.simulate(baseline, paths=1000, prepared=prepared)
    floor(1000, prepared)
    ours, base = [], []
    for _ in range(repeat):  # interleaved: the machine's load hits both alike
        t = time.perf_counter()
        montecarlo.simulate(baseline, paths=paths, prepared=prepared)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        floor(paths, prepared)
        base.append(time.perf_counter() - t)
    return {"w13xl": min(ours), "floor": min(base), "ratio": min(ours) / min(base)}


def main() -> None:
    r = compare()
    print(f"100,000 paths: w13xl {1000 * r['w13xl']:.0f} ms, numpy floor {1000 * r['floor']:.0f} ms, "
          f"ratio {r['ratio']:.2f}x")
    print(f"peak RSS of a 100,000-path run (workbook load included): {rss_of_run():.0f} MiB")


if __name__ == "__main__":
    main()
