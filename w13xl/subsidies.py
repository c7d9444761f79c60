"""The subsidy register: which subsidy pays which action, from when to when, how it is indexed,
and what overhead it recharges to the overhead action (A50111).

Pure core. Dates are at month level: a subsidy ending on 30 September 2026 covers 9 months of
2026.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np

from .numbers import parse_date, parse_decimal

INDEX_CLASSES: tuple[str, ...] = ("loon", "prijzen", "bijdrage", "vast", "volgt_loon")
#: Plan 3.7: "Op actieniveau wordt er gewerkt met een overheadkost van minimaal 15% op de
#: personeelskost. Waar dit niet mogelijk is omwille van ... de regelgeving vanuit de
#: subsidiërende overheid, wordt de werkelijke overheadkost of het wettelijk toegestane maximum
#: aangerekend." A register row gives a lower rate where the funder caps it.
ACTION_LINE = "O-lijn"
DEFAULT_OVERHEAD_RATE = 0.15

SUBSIDY_COLUMNS = ("id", "naam", "actie", "financier", "bedrag", "start", "einde", "indexklasse", "overhead",
                   "posities", "verwijzing")
_ALIASES = {"name": "naam", "action": "actie", "source": "financier", "bron": "financier", "funder": "financier",
            "reference": "verwijzing", "bronvermelding": "verwijzing", "amount": "bedrag", "end": "einde",
            "index class": "indexklasse", "index": "indexklasse", "overheadpercentage": "overhead",
            "positions": "posities", "subsidie": "id", "code": "id"}


@dataclass(frozen=True)
class Subsidy:
    """One subsidy. ``amount`` None means: the whole receipts (O) line of ``action``.
    ``source`` is the funder; ``reference`` where the row comes from (plan section or action
    text with the quoted dates and amounts, or "aanname" with the reason)."""

    id: str
    name: str
    action: str
    source: str = ""
    amount: float | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    index_class: str = "vast"
    overhead_rate: float = DEFAULT_OVERHEAD_RATE
    positions: tuple[str, ...] = ()
    reference: str = ""

    def __post_init__(self) -> None:
        if self.index_class not in INDEX_CLASSES:
            raise ValueError(f"subsidy {self.id}: unknown index class '{self.index_class}' "
                             f"(expected one of {', '.join(INDEX_CLASSES)})")
        if not 0 <= self.overhead_rate < 1:
            raise ValueError(f"subsidy {self.id}: overhead rate {self.overhead_rate} must be a fraction in [0, 1)")
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"subsidy {self.id}: end {self.end} is before start {self.start}")


def month_number(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


def window_mask(start: dt.date | None, end: dt.date | None, years: Sequence[int]) -> np.ndarray:
    """Boolean per month of the plan years: is the window [start month, end month] active?"""
    first = years[0] * 12
    months = first + np.arange(12 * len(years))
    lo = month_number(start) if start else -10**9
    hi = month_number(end) if end else 10**9
    return (months >= lo) & (months <= hi)


def months_per_year(mask: np.ndarray) -> np.ndarray:
    """Sum a per-month array into per-year totals."""
    return mask.reshape(-1, 12).sum(axis=1)


def _parse_date(value: object, what: str) -> dt.date | None:
    try:
        return parse_date(value)
    except ValueError as exc:
        raise ValueError(f"{what}: {exc}") from None


def _parse_float(value: object, what: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_decimal(value)
    except ValueError as exc:
        raise ValueError(f"{what}: {exc}") from None


def subsidies_from_rows(rows: Sequence[Sequence[object]]) -> dict[str, Subsidy]:
    """Register from a header row plus data rows (Dutch column names, see SUBSIDY_COLUMNS).

    Errors are ``ValueError`` naming the row (1-based, header = row 1) and column."""
    if not rows:
        return {}
    header = [str(h or "").strip().lower() for h in rows[0]]
    cols = {}
    for i, h in enumerate(header):
        key = _ALIASES.get(h, h)
        if key in SUBSIDY_COLUMNS and key not in cols:
            cols[key] = i
    for needed in ("id", "actie"):
        if needed not in cols:
            raise ValueError(f"row 1: no '{needed}' column (expected columns {', '.join(SUBSIDY_COLUMNS)})")
    out: dict[str, Subsidy] = {}
    for r, row in enumerate(rows[1:], start=2):
        def get(key: str, row: Sequence = row) -> object:
            i = cols.get(key)
            return row[i] if i is not None and i < len(row) else None
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        sid = str(get("id") or "").strip()
        where = f"row {r}"
        if not sid:
            raise ValueError(f"{where}: the subsidy has no id")
        if sid in out:
            raise ValueError(f"{where}: subsidy id {sid} appears twice")
        amount_raw = get("bedrag")
        amount = None
        if not (amount_raw is None or str(amount_raw).strip().lower() in ("", ACTION_LINE.lower(), "o", "o-lijn")):
            amount = _parse_float(amount_raw, f"{where}, column bedrag")
        overhead = _parse_float(get("overhead"), f"{where}, column overhead")
        if overhead is not None and overhead > 1:  # one rule for percentages: a number is a fraction
            raise ValueError(f"{where}, column overhead: {overhead:g} is read as {overhead * 100:g}% "
                             f"(percentages are fractions: {overhead / 100:g} = {overhead:g}%, "
                             f"or text '{overhead:g}%')")
        positions = tuple(p for p in str(get("posities") or "").replace(";", " ").replace(",", " ").split() if p)
        try:
            out[sid] = Subsidy(
                id=sid, name=str(get("naam") or sid).strip(), action=str(get("actie") or "").strip(),
                source=str(get("financier") or "").strip(), amount=amount,
                start=_parse_date(get("start"), f"{where}, column start"),
                end=_parse_date(get("einde"), f"{where}, column einde"),
                index_class=str(get("indexklasse") or "vast").strip().lower(),
                overhead_rate=DEFAULT_OVERHEAD_RATE if overhead is None else overhead,
                positions=positions, reference=str(get("verwijzing") or "").strip(),
            )
        except ValueError as exc:
            message = str(exc)
            raise ValueError(message if message.startswith(where) else f"{where}: {message}") from None
    return out


def bundled_subsidies() -> dict[str, Subsidy]:
    """The sample plan's register (w13xl/data/subsidies.csv)."""
    with resources.files("w13xl.data").joinpath("subsidies.csv").open(encoding="utf-8") as fh:
        return subsidies_from_rows(list(csv.reader(fh)))


def subsidy_rows(register: dict[str, Subsidy]) -> list[list[object]]:
    """The register as header + rows (for writing the sample workbook's 'Subsidies' sheet)."""
    rows: list[list[object]] = [list(SUBSIDY_COLUMNS)]
    for s in register.values():
        rows.append([s.id, s.name, s.action, s.source, ACTION_LINE if s.amount is None else s.amount,
                     s.start, s.end, s.index_class, s.overhead_rate, " ".join(s.positions), s.reference])
    return rows


def unsourced(register: dict[str, Subsidy]) -> list[str]:
    """Ids of subsidies without a funder or without a reference to the plan (or an aanname)."""
    return [s.id for s in register.values() if not s.source.strip() or not s.reference.strip()]
