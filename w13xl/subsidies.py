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
from typing import Any

from .errors import RowError
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
            raise RowError(f"subsidie {self.id}: onbekende indexklasse '{self.index_class}'", column="indexklasse",
                           expected=f"een van: {', '.join(INDEX_CLASSES)}")
        if not 0 <= self.overhead_rate < 1:
            raise RowError(f"subsidie {self.id}: overheadpercentage {self.overhead_rate} moet een breuk in [0, 1) zijn",
                           column="overhead")
        if self.start and self.end and self.end < self.start:
            raise RowError(f"subsidie {self.id}: einde {self.end} ligt voor start {self.start}", column="einde")

    def funds(self, p: Any) -> bool:
        """THE rule of the positions a subsidy pays (a :class:`~w13xl.staffing.Position`): its id
        as their funding, or listed on the register (column 'posities')."""
        return bool(p.funded_by == self.id or p.id in self.positions)


def _parse_date(value: object, what: str) -> dt.date | None:
    try:
        return parse_date(value)
    except ValueError as exc:
        raise RowError(f"{what}: {exc}", column=what) from None


def _parse_float(value: object, what: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_decimal(value)
    except ValueError as exc:
        raise RowError(f"{what}: {exc}", column=what) from None


def _at(r: int, cols: dict, parse, value: object, column: str):
    """``parse(value, column)`` with an error naming row ``r`` and the column."""
    try:
        return parse(value, column)
    except RowError as exc:
        raise exc.at_row(r, cols.get(column)) from None


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
            raise RowError(f"geen kolom '{needed}'", row=1, expected=f"de kolommen {', '.join(SUBSIDY_COLUMNS)}")
    out: dict[str, Subsidy] = {}
    for r, row in enumerate(rows[1:], start=2):
        def get(key: str, row: Sequence = row) -> object:
            i = cols.get(key)
            return row[i] if i is not None and i < len(row) else None
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        sid = str(get("id") or "").strip()
        if not sid:
            raise RowError("de subsidie heeft geen id", row=r, column="id", col=cols["id"])
        if sid in out:
            raise RowError(f"subsidie-id {sid} staat er twee keer", row=r, column="id", col=cols["id"])
        amount_raw = get("bedrag")
        amount = None
        if not (amount_raw is None or str(amount_raw).strip().lower() in ("", ACTION_LINE.lower(), "o", "o-lijn")):
            amount = _at(r, cols, _parse_float, amount_raw, "bedrag")
        overhead = _at(r, cols, _parse_float, get("overhead"), "overhead")
        if overhead is not None and overhead > 1:  # one rule for percentages: a number is a fraction
            raise RowError(f"overhead: {overhead:g} wordt gelezen als {overhead * 100:g}% (percentages zijn breuken: "
                           f"{overhead / 100:g} = {overhead:g}%, of tekst '{overhead:g}%')", row=r, column="overhead",
                           col=cols.get("overhead"))
        positions = tuple(p for p in str(get("posities") or "").replace(";", " ").replace(",", " ").split() if p)
        try:
            out[sid] = Subsidy(
                id=sid, name=str(get("naam") or sid).strip(), action=str(get("actie") or "").strip(),
                source=str(get("financier") or "").strip(), amount=amount,
                start=_at(r, cols, _parse_date, get("start"), "start"),
                end=_at(r, cols, _parse_date, get("einde"), "einde"),
                index_class=str(get("indexklasse") or "vast").strip().lower(),
                overhead_rate=DEFAULT_OVERHEAD_RATE if overhead is None else overhead,
                positions=positions, reference=str(get("verwijzing") or "").strip(),
            )
        except RowError as exc:
            raise exc.at_row(r, cols.get(exc.column or "")) from None
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
