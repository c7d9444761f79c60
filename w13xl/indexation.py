"""Wage and price indexation for the W13 multi-year plan (pure numpy).

The budget package of the plan applies a flat 2 % a year to wage costs. Real Belgian
public-sector wages move in steps: when the *smoothed health index* (0.98 x the 4-month
moving average of the monthly health index, Statbel, base 2013=100) reaches the current
*pivot index* (spilindex), wages rise by exactly 2 %, two months after that month, and the
pivot moves up by 2 %. This module models both, plus the CPI ratio used for the member
contribution, and turns monthly levels into yearly multipliers for the plan years.

Conventions
-----------
* A month is a ``(year, month)`` tuple; :func:`month_index` maps it to an integer
  (``year * 12 + month - 1``) so that month arithmetic is plain integer arithmetic.
* Time is always the **last** axis. Arrays of shape ``(months,)`` are one path; arrays of
  shape ``(paths, months)`` are vectorised across paths (Monte Carlo).
* Yearly multipliers are relative to the level in force at the start (1 January) of the
  first plan year, so the first element of a flat path is 1.0.
"""

from __future__ import annotations

import csv
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import pairwise
from pathlib import Path

import numpy as np

Month = tuple[int, int]

__all__ = [
    "Month",
    "MonthlySeries",
    "PivotEvent",
    "PivotResult",
    "bundled_cpi",
    "bundled_health_index",
    "bundled_pivot_history",
    "december_ratio_multipliers",
    "flat_multipliers",
    "health_index_path",
    "index_month",
    "load_monthly_csv",
    "month_index",
    "monthly_level",
    "pivot_mechanism",
    "smoothed_index",
    "wage_steps_from_crossings",
    "yearly_average_multipliers",
    "yearly_rate_multipliers",
]

SMOOTHING_FACTOR = 0.98
SMOOTHING_WINDOW = 4


# --------------------------------------------------------------------------- months


def month_index(year: int, month: int) -> int:
    """Return the integer index of a month: ``year * 12 + month - 1``.

    >>> month_index(2026, 1) - month_index(2025, 12)
    1
    """
    if not 1 <= int(month) <= 12:
        raise ValueError(f"maand moet 1..12 zijn (gegeven: {month!r})")
    return int(year) * 12 + int(month) - 1


def index_month(index: int) -> Month:
    """Inverse of :func:`month_index`: integer index -> ``(year, month)``."""
    year, m0 = divmod(int(index), 12)
    return (year, m0 + 1)


def _add_months(month: Month, n: int) -> Month:
    return index_month(month_index(*month) + n)


def _year_list(years: int | Sequence[int]) -> list[int]:
    if isinstance(years, (int, np.integer)):
        if years < 1:
            raise ValueError(f"minstens één jaar nodig (gegeven: {years})")
        return list(range(int(years)))
    ys = [int(y) for y in years]
    if not ys:
        raise ValueError("minstens één jaar nodig")
    if any(b != a + 1 for a, b in pairwise(ys)):
        raise ValueError(f"de jaren moeten opeenvolgend zijn (gegeven: {ys})")
    return ys


# --------------------------------------------------------------------------- series


@dataclass(frozen=True)
class MonthlySeries:
    """A monthly series starting at ``start``; time runs along the last axis of ``values``.

    ``values`` has shape ``(months,)`` or ``(paths, months)``.
    """

    start: Month
    values: np.ndarray

    def __post_init__(self) -> None:
        month_index(*self.start)  # validates the month
        vals = np.asarray(self.values, dtype=float)
        if vals.ndim not in (1, 2) or vals.shape[-1] == 0:
            raise ValueError(f"de waarden moeten de vorm (maanden,) of (paden, maanden) hebben, niet {vals.shape}")
        object.__setattr__(self, "start", (int(self.start[0]), int(self.start[1])))
        object.__setattr__(self, "values", vals)

    @property
    def n_months(self) -> int:
        """Number of months in the series."""
        return int(self.values.shape[-1])

    @property
    def end(self) -> Month:
        """Last month of the series (inclusive)."""
        return _add_months(self.start, self.n_months - 1)

    def months(self) -> list[Month]:
        """All months of the series, in order."""
        s = month_index(*self.start)
        return [index_month(s + i) for i in range(self.n_months)]

    def _offset(self, year: int, month: int) -> int:
        off = month_index(year, month) - month_index(*self.start)
        if not 0 <= off < self.n_months:
            raise KeyError(
                f"{year:04d}-{month:02d} valt buiten de reeks "
                f"({self.start[0]:04d}-{self.start[1]:02d} .. {self.end[0]:04d}-{self.end[1]:02d})"
            )
        return off

    def value_at(self, year: int, month: int) -> float | np.ndarray:
        """Value for one month (a float, or an array over paths for a 2-D series)."""
        v = self.values[..., self._offset(year, month)]
        return float(v) if np.ndim(v) == 0 else v

    def slice(self, start: Month | None = None, end: Month | None = None) -> MonthlySeries:
        """Sub-series from ``start`` to ``end`` inclusive (defaults: the series' own ends)."""
        a = 0 if start is None else self._offset(*start)
        b = self.n_months - 1 if end is None else self._offset(*end)
        if b < a:
            raise ValueError(f"einde {end} ligt voor begin {start}")
        return MonthlySeries(index_month(month_index(*self.start) + a), self.values[..., a : b + 1].copy())


def load_monthly_csv(path: str | Path) -> MonthlySeries:
    """Read a CSV with columns ``maand`` (``YYYY-MM``) and ``waarde``.

    Lines starting with ``#`` and blank lines are ignored. Months must be consecutive.
    Raises ``ValueError`` naming the file and line on any malformed input.
    """
    path = Path(path)
    with path.open(encoding="utf-8", newline="") as fh:
        return _parse_monthly_csv(fh.read().splitlines(), str(path))


def _parse_monthly_csv(lines: list[str], name: str) -> MonthlySeries:
    header: list[str] | None = None
    start: Month | None = None
    prev: int | None = None
    values: list[float] = []
    for lineno, row in enumerate(csv.reader(lines), start=1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in row]
        if header is None:
            header = [c.lower() for c in cells]
            if "maand" not in header or "waarde" not in header:
                raise ValueError(f"{name}, regel {lineno}: de kop moet 'maand' en 'waarde' bevatten (gegeven: {cells})")
            i_m, i_w = header.index("maand"), header.index("waarde")
            continue
        if len(cells) != len(header):
            raise ValueError(f"{name}, regel {lineno}: {len(cells)} velden in plaats van {len(header)}: {row}")
        raw_m, raw_w = cells[i_m], cells[i_w]
        parts = raw_m.split("-")
        if len(parts) != 2 or len(parts[0]) != 4 or not all(p.isdigit() for p in parts):
            raise ValueError(f"{name}, regel {lineno}: ongeldige maand {raw_m!r} (verwacht: JJJJ-MM)")
        y, m = int(parts[0]), int(parts[1])
        if not 1 <= m <= 12:
            raise ValueError(f"{name}, regel {lineno}: ongeldige maand {raw_m!r}, de maand moet 01..12 zijn")
        try:
            v = float(raw_w)
        except ValueError:
            raise ValueError(f"{name}, regel {lineno}: ongeldige waarde {raw_w!r} "
                             "(gebruik een decimale punt)") from None
        if not math.isfinite(v) or v <= 0:
            raise ValueError(f"{name}, regel {lineno}: de waarde moet een positief getal zijn (gegeven: {raw_w!r})")
        idx = month_index(y, m)
        if prev is not None and idx != prev + 1:
            expected = index_month(prev + 1)
            raise ValueError(
                f"{name}, regel {lineno}: maand {raw_m} volgt niet op de vorige maand "
                f"(verwacht: {expected[0]:04d}-{expected[1]:02d})"
            )
        if start is None:
            start = (y, m)
        prev = idx
        values.append(v)
    if header is None:
        raise ValueError(f"{name}: geen kopregel gevonden")
    if start is None:
        raise ValueError(f"{name}: geen gegevensregels")
    return MonthlySeries(start, np.asarray(values))


def _bundled(name: str) -> MonthlySeries:
    """A series shipped with the package, read once per process (every Monte Carlo batch with an
    inflation model asks for it); each caller gets its own copy of the values."""
    series = _read_bundled(name)
    return MonthlySeries(series.start, series.values.copy())


@functools.cache
def _read_bundled(name: str) -> MonthlySeries:
    text = resources.files("w13xl").joinpath("data", name).read_text(encoding="utf-8")
    return _parse_monthly_csv(text.splitlines(), f"w13xl/data/{name}")


def bundled_health_index() -> MonthlySeries:
    """The published monthly health index (Statbel, base 2013=100) shipped with the package."""
    return _bundled("gezondheidsindex.csv")


def bundled_cpi() -> MonthlySeries:
    """The published monthly consumer price index (Statbel, base 2013=100) shipped with the package."""
    return _bundled("consumptieprijsindex.csv")


# --------------------------------------------------------------------------- pivot mechanism


def smoothed_index(health: np.ndarray) -> np.ndarray:
    """Smoothed health index: 0.98 x the 4-month moving average along the last axis.

    The first 3 months (no full window) are NaN. Not rounded.
    """
    h = np.asarray(health, dtype=float)
    if h.ndim == 0:
        raise ValueError("de gezondheidsindex moet minstens één (tijd)as hebben")
    out = np.full(h.shape, np.nan)
    n = h.shape[-1]
    if n >= SMOOTHING_WINDOW:
        c = np.cumsum(h, axis=-1)
        c = np.concatenate([np.zeros((*h.shape[:-1], 1)), c], axis=-1)
        window_sum = c[..., SMOOTHING_WINDOW:] - c[..., :-SMOOTHING_WINDOW]
        out[..., SMOOTHING_WINDOW - 1 :] = SMOOTHING_FACTOR * window_sum / SMOOTHING_WINDOW
    return out


@dataclass(frozen=True)
class PivotResult:
    """Outcome of :func:`pivot_mechanism`. All arrays have the input's shape (time last).

    Attributes
    ----------
    start: first month of the input.
    smoothed: smoothed health index as compared (rounded to ``decimals`` if requested).
    pivot: pivot index in force in each month, *before* that month's test.
    crossed: True in the months where the pivot was reached.
    steps: number of wage steps in force in each month (0 at the start).
    coefficient: salary coefficient in force in each month (rounded to 4 decimals).
    delay_months: months between the crossing and the wage step.
    """

    start: Month
    smoothed: np.ndarray
    pivot: np.ndarray
    crossed: np.ndarray
    steps: np.ndarray
    coefficient: np.ndarray
    delay_months: int

    def _per_path(self, shift: int) -> list[Month] | list[list[Month]]:
        s = month_index(*self.start) + shift
        if self.crossed.ndim == 1:
            return [index_month(s + int(i)) for i in np.flatnonzero(self.crossed)]
        return [[index_month(s + int(i)) for i in np.flatnonzero(row)] for row in self.crossed]

    @property
    def crossings(self) -> list[Month] | list[list[Month]]:
        """Months in which the pivot was reached (a list per path for 2-D input)."""
        return self._per_path(0)

    @property
    def effective_months(self) -> list[Month] | list[list[Month]]:
        """Months in which each wage step takes effect (may lie after the input's last month)."""
        return self._per_path(self.delay_months)

    def coefficient_at(self, year: int, month: int) -> float | np.ndarray:
        """Salary coefficient in force in a given month."""
        return MonthlySeries(self.start, self.coefficient).value_at(year, month)


def _exact_base(coefficient: float, factor: float) -> float:
    """Unrounded coefficient behind a published (4-decimal) one.

    Official coefficients are ``factor ** n`` rounded to 4 decimals, so compounding the
    rounded value drifts (1.8845 x 1.02 x 1.02 -> 1.9606, officially 1.9607). If
    ``coefficient`` is such a rounded power, return the exact power; otherwise the value itself.
    """
    if coefficient <= 0:
        raise ValueError(f"de coëfficiënt moet positief zijn (gegeven: {coefficient})")
    n = round(math.log(coefficient) / math.log(factor))
    exact = factor**n
    if abs(exact - coefficient) <= 0.5e-4 + 1e-12:
        return exact
    return float(coefficient)


def pivot_mechanism(
    health: np.ndarray,
    *,
    start: Month,
    pivot: float,
    coefficient: float,
    delay_months: int = 2,
    step: float = 0.02,
    decimals: int | None = 2,
) -> PivotResult:
    """Simulate the pivot-index (spilindex) mechanism on monthly health index paths.

    Parameters
    ----------
    health: monthly health index, shape ``(months,)`` or ``(paths, months)``; the first
        element is month ``start``. The smoothed index needs 3 earlier months, so the first
        month that can trigger a crossing is the 4th.
    start: month of ``health[..., 0]``.
    pivot: pivot index in force at ``start`` (not yet reached).
    coefficient: salary coefficient in force at ``start``, with no step still pending
        (choose a ``start`` at least ``delay_months`` after the previous crossing).
    delay_months: the step takes effect this many months after the crossing month
        (2 for public-sector wages, 1 for social benefits).
    step: size of a step (0.02).
    decimals: the smoothed index is rounded to this many decimals before the comparison,
        like the published figure (``None``: unrounded).

    Rules (checked in the tests against the published 2018-2025 history):
    the pivot is *reached* when ``smoothed >= pivot``; after a crossing the pivot becomes
    ``round(pivot * (1 + step), 2)`` and is tested again from the next month on, so at most
    one crossing per month and two crossings in consecutive months give two steps in
    consecutive months. The coefficient after ``k`` steps is ``round(c0 * (1+step)**k, 4)``
    where ``c0`` is the unrounded coefficient (see :func:`_exact_base`).
    """
    h = np.asarray(health, dtype=float)
    if h.ndim not in (1, 2):
        raise ValueError(f"de gezondheidsindex moet de vorm (maanden,) of (paden, maanden) hebben, niet {h.shape}")
    if delay_months < 0:
        raise ValueError(f"de vertraging in maanden moet >= 0 zijn (gegeven: {delay_months})")
    if step <= 0:
        raise ValueError(f"de stap moet positief zijn (gegeven: {step})")
    month_index(*start)
    factor = 1.0 + step

    sm = smoothed_index(h)
    if decimals is not None:
        sm = np.round(sm, decimals)
    n = h.shape[-1]
    batch = h.shape[:-1]
    current = np.full(batch, float(pivot))
    # the loop runs month by month: stored months first, each month is one contiguous row
    sm_t = np.ascontiguousarray(np.moveaxis(sm, -1, 0))
    pivots_t = np.empty((n, *batch))
    crossed_t = np.zeros((n, *batch), dtype=bool)
    for t in range(n):  # loop over months only; vectorised across paths
        pivots_t[t] = current
        hit = sm_t[t] >= current  # NaN (first 3 months) compares False
        crossed_t[t] = hit
        current = np.where(hit, np.round(current * factor, 2), current)
    pivots = np.moveaxis(pivots_t, 0, -1)
    crossed = np.moveaxis(crossed_t, 0, -1)

    steps_t = np.zeros((n, *batch), dtype=int)
    if delay_months < n:
        np.cumsum(crossed_t[: n - delay_months], axis=0, out=steps_t[delay_months:])
    steps = np.moveaxis(steps_t, 0, -1)
    c0 = _exact_base(float(coefficient), factor)
    coef = np.round(c0 * factor ** np.arange(n + 1), 4)[steps]  # the same per step count, looked up
    return PivotResult(
        start=(int(start[0]), int(start[1])),
        smoothed=sm,
        pivot=pivots,
        crossed=crossed,
        steps=steps,
        coefficient=coef,
        delay_months=int(delay_months),
    )


def wage_steps_from_crossings(
    crossings: Sequence[Month], *, delay_months: int = 2, step: float = 0.02
) -> list[Month]:
    """Months in which the wage steps take effect: each crossing month + ``delay_months``.

    ``step`` does not change the months; it is accepted (and validated) for symmetry with
    :func:`monthly_level`, which applies it.
    """
    if delay_months < 0:
        raise ValueError(f"de vertraging in maanden moet >= 0 zijn (gegeven: {delay_months})")
    if step <= 0:
        raise ValueError(f"de stap moet positief zijn (gegeven: {step})")
    out = [_add_months((int(y), int(m)), delay_months) for y, m in crossings]
    if len(set(out)) != len(out):
        raise ValueError(f"twee overschrijdingen in dezelfde maand: {sorted(crossings)}")
    return sorted(out, key=lambda ym: month_index(*ym))


def monthly_level(
    effective_months: Sequence[Month], start_month: Month, n_months: int, step: float = 0.02
) -> np.ndarray:
    """Wage multiplier per month: 1.0 at ``start_month``, x(1+step) from each effective month on.

    Steps effective at or before ``start_month`` are part of the base and ignored, so
    element 0 is always 1.0. Returns shape ``(n_months,)``.
    """
    if n_months < 1:
        raise ValueError(f"het aantal maanden moet >= 1 zijn (gegeven: {n_months})")
    s = month_index(*start_month)
    offsets = np.array([month_index(*m) - s for m in effective_months], dtype=int)
    offsets = offsets[(offsets > 0) & (offsets < n_months)]
    counts = np.zeros(n_months, dtype=int)
    np.add.at(counts, offsets, 1)
    return (1.0 + step) ** np.cumsum(counts)


# --------------------------------------------------------------------------- yearly multipliers


def flat_multipliers(rate: float, years: int | Sequence[int]) -> np.ndarray:
    """Flat yearly index, as in the budget package: ``(1 + rate) ** i`` for year ``i = 0, 1, ...``."""
    n = len(_year_list(years))
    return (1.0 + float(rate)) ** np.arange(n)


def yearly_rate_multipliers(rates: dict[int, float], years: Sequence[int]) -> np.ndarray:
    """Multipliers from a rate per year: ``m[0] = 1``, ``m[i] = m[i-1] * (1 + rates[years[i]])``.

    ``rates[y]`` is the increase from year ``y-1`` to year ``y``; the rate of the first
    year (if given) is not used, since everything is relative to that year.
    """
    ys = _year_list(years)
    missing = [y for y in ys[1:] if y not in rates]
    if missing:
        raise ValueError(f"geen percentage voor jaar (jaren) {missing}")
    growth = np.array([1.0] + [1.0 + float(rates[y]) for y in ys[1:]])
    return np.cumprod(growth)


def yearly_average_multipliers(
    monthly_levels: np.ndarray, start_month: Month, years: Sequence[int]
) -> np.ndarray:
    """Average level of the 12 months of each year / level on 1 January of the first year.

    ``monthly_levels`` has time on the last axis (``(months,)`` or ``(paths, months)``), its
    first element being ``start_month``. It must cover January of the first year through
    December of the last. Returns shape ``(..., len(years))``.
    """
    lv = np.asarray(monthly_levels, dtype=float)
    ys = _year_list(years)
    s = month_index(*start_month)
    a = month_index(ys[0], 1) - s
    b = month_index(ys[-1], 12) - s
    if a < 0 or b >= lv.shape[-1]:
        end = index_month(s + lv.shape[-1] - 1)
        raise ValueError(
            f"de maandpeilen lopen van {start_month[0]:04d}-{start_month[1]:02d} tot {end[0]:04d}-{end[1]:02d}, "
            f"nodig: {ys[0]:04d}-01..{ys[-1]:04d}-12"
        )
    block = lv[..., a : b + 1].reshape((*lv.shape[:-1], len(ys), 12))
    return block.mean(axis=-1) / lv[..., a : a + 1]


def december_ratio_multipliers(
    cpi: MonthlySeries, years: Sequence[int], base: Month = (2025, 12), from_year: int = 2027
) -> np.ndarray:
    """Member-contribution multipliers: 1.0 before ``from_year``, then CPI Dec(t-1) / CPI ``base``.

    ``cpi`` may hold one path or ``(paths, months)``; the result has shape ``(..., len(years))``.
    Raises ``KeyError`` naming the month when the CPI series does not reach a needed December.
    """
    ys = _year_list(years)
    base_val = np.asarray(cpi.value_at(*base), dtype=float)
    cols = []
    for y in ys:
        if y < from_year:
            cols.append(np.ones_like(base_val))
        else:
            cols.append(np.asarray(cpi.value_at(y - 1, 12), dtype=float) / base_val)
    return np.stack(cols, axis=-1)


# --------------------------------------------------------------------------- generator


def health_index_path(last_known: MonthlySeries, monthly_inflation: np.ndarray) -> MonthlySeries:
    """Extend a (1-D) index series by compounding monthly inflation rates.

    ``monthly_inflation`` has shape ``(k,)`` (one path) or ``(paths, k)``: month ``j`` after
    the last known month gets ``last * prod(1 + r[:j+1])``. The result starts where
    ``last_known`` starts and contains the history (repeated per path) followed by the
    ``k`` generated months. Values are not rounded.
    """
    hist = np.asarray(last_known.values, dtype=float)
    if hist.ndim != 1:
        raise ValueError("de laatst gekende waarden moeten één reeks (1-D) zijn")
    r = np.asarray(monthly_inflation, dtype=float)
    if r.ndim not in (1, 2):
        raise ValueError(f"de maandinflatie moet de vorm (k,) of (paden, k) hebben, niet {r.shape}")
    if np.any(r <= -1.0):
        raise ValueError("de maandinflatie moet > -100 % zijn")
    ext = hist[-1] * np.cumprod(1.0 + r, axis=-1)
    head = np.broadcast_to(hist, r.shape[:-1] + hist.shape)
    return MonthlySeries(last_known.start, np.concatenate([head, ext], axis=-1))


# --------------------------------------------------------------------------- pivot history


@dataclass(frozen=True)
class PivotEvent:
    """One row of the bundled pivot history (``spilindex_historiek.csv``)."""

    pivot: float
    crossed: Month
    effective: Month
    coefficient: float
    status: str


def bundled_pivot_history() -> list[PivotEvent]:
    """Pivot indices (base 2013=100) reached 2018-2025, with the wage step month and coefficient.

    The ``status`` field says which values were found in a source and which were derived
    (see ``w13xl/data/SOURCES.md``).
    """
    text = resources.files("w13xl").joinpath("data", "spilindex_historiek.csv").read_text(encoding="utf-8")
    rows = [r for r in csv.reader(text.splitlines()) if r and not r[0].lstrip().startswith("#")]
    header, body = rows[0], rows[1:]
    if header != ["spilindex", "overschreden", "wedden_vanaf", "coefficient", "status"]:
        raise ValueError(f"w13xl/data/spilindex_historiek.csv: onverwachte kop {header}")

    def ym(s: str) -> Month:
        y, m = s.split("-")
        return (int(y), int(m))

    return [PivotEvent(float(p), ym(c), ym(e), float(k), st) for p, c, e, k, st in body]
