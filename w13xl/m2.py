"""Schema M2 (staat van het financieel evenwicht), the norms, and schema M1 totals.

Pure core. The arithmetic works on arrays with optional leading batch axes, so one call can
compute M2 for many scenarios or Monte Carlo paths at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .model import CATEGORIES, DIRECTIONS, Plan
from .params import Parameters

#: Tolerance for norm checks: a value counts as below zero (or below the minimum) only when it
#: is below by at least half a cent, i.e. when it would show as negative to the cent.
HALF_CENT = 0.005


@dataclass(frozen=True)
class LineSpec:
    key: str
    number: str
    label: str
    section: str  # "M2", "AFM", "GAFM", "norm"
    detail: bool = False  # an a/b line under a saldo


#: Statutory order and Dutch labels (as in the plan's schema M2).
M2_LINES: tuple[LineSpec, ...] = (
    LineSpec("exploitatiesaldo", "I", "Exploitatiesaldo", "M2"),
    LineSpec("exploitatie_ontvangsten", "a", "Ontvangsten", "M2", True),
    LineSpec("exploitatie_uitgaven", "b", "Uitgaven", "M2", True),
    LineSpec("investeringssaldo", "II", "Investeringssaldo", "M2"),
    LineSpec("investeringen_ontvangsten", "a", "Ontvangsten", "M2", True),
    LineSpec("investeringen_uitgaven", "b", "Uitgaven", "M2", True),
    LineSpec("saldo_exploitatie_investeringen", "III", "Saldo exploitatie en investeringen", "M2"),
    LineSpec("financieringssaldo", "IV", "Financieringssaldo", "M2"),
    LineSpec("financiering_ontvangsten", "a", "Ontvangsten", "M2", True),
    LineSpec("financiering_uitgaven", "b", "Uitgaven", "M2", True),
    LineSpec("budgettair_resultaat", "V", "Budgettair resultaat van het boekjaar", "M2"),
    LineSpec("gecumuleerd_budgettair_resultaat_vorig_boekjaar", "VI",
             "Gecumuleerd budgettair resultaat vorig boekjaar", "M2"),
    LineSpec("gecumuleerd_budgettair_resultaat", "VII", "Gecumuleerd budgettair resultaat", "M2"),
    LineSpec("onbeschikbare_gelden", "VIII", "Onbeschikbare gelden", "M2"),
    LineSpec("beschikbaar_budgettair_resultaat", "IX", "Beschikbaar budgettair resultaat", "M2"),
    LineSpec("periodieke_aflossingen", "a", "Periodieke aflossingen conform de verbintenissen", "AFM", True),
    LineSpec("periodieke_terugvorderingen", "b", "Periodieke terugvordering leningen", "AFM", True),
    LineSpec("netto_periodieke_aflossingen", "II", "Netto periodieke aflossingen", "AFM"),
    LineSpec("autofinancieringsmarge", "III", "Autofinancieringsmarge", "AFM"),
    LineSpec("aangewezen_aflossingen", "b", "Aangewezen aflossingen o.b.v. de financiële schulden", "GAFM", True),
    LineSpec("correctie_periodieke_aflossingen", "II", "Correctie op de periodieke aflossingen", "GAFM"),
    LineSpec("gecorrigeerde_autofinancieringsmarge", "III", "Gecorrigeerde autofinancieringsmarge", "GAFM"),
)
LINE_KEYS: tuple[str, ...] = tuple(s.key for s in M2_LINES)
LINE_LABELS: dict[str, str] = {s.key: s.label for s in M2_LINES}
#: The main lines (no a/b details), in statutory order.
MAIN_LINES: tuple[str, ...] = tuple(s.key for s in M2_LINES if not s.detail)


def m2_arrays(
    totals: np.ndarray,
    *,
    opening_reserve: float | np.ndarray,
    unavailable: np.ndarray,
    repayments: np.ndarray,
    recoveries: np.ndarray,
    designated_repayments: np.ndarray,
) -> dict[str, np.ndarray]:
    """Every M2/AFM line from category totals of shape (..., 3, 2, years)."""
    t = np.array(totals, dtype=np.float64)  # a copy: the lines must not be views of the caller's array
    out: dict[str, np.ndarray] = {}
    batched = t.ndim > 3

    def per_year(values: np.ndarray, shape: tuple) -> np.ndarray:
        return np.broadcast_to(values, shape) if batched else np.array(values, dtype=np.float64)

    for c, name in enumerate(CATEGORIES):
        out[f"{name}_ontvangsten"] = t[..., c, 0, :]
        out[f"{name}_uitgaven"] = t[..., c, 1, :]
    saldo = t[..., :, 0, :] - t[..., :, 1, :]
    es, is_, fs = saldo[..., 0, :], saldo[..., 1, :], saldo[..., 2, :]
    out["exploitatiesaldo"] = es
    out["investeringssaldo"] = is_
    out["saldo_exploitatie_investeringen"] = es + is_
    out["financieringssaldo"] = fs
    result = es + is_ + fs
    out["budgettair_resultaat"] = result
    opening = np.asarray(opening_reserve, dtype=np.float64)[..., None]
    cumulated = opening + np.cumsum(result, axis=-1)
    out["gecumuleerd_budgettair_resultaat"] = cumulated
    previous = np.concatenate([np.broadcast_to(opening, cumulated[..., :1].shape), cumulated[..., :-1]], axis=-1)
    out["gecumuleerd_budgettair_resultaat_vorig_boekjaar"] = previous
    out["onbeschikbare_gelden"] = per_year(unavailable, result.shape)
    out["beschikbaar_budgettair_resultaat"] = cumulated - unavailable
    net_repayments = repayments - recoveries
    out["periodieke_aflossingen"] = per_year(repayments, result.shape)
    out["periodieke_terugvorderingen"] = per_year(recoveries, result.shape)
    out["netto_periodieke_aflossingen"] = per_year(net_repayments, result.shape)
    afm = es - net_repayments
    out["autofinancieringsmarge"] = afm
    out["aangewezen_aflossingen"] = per_year(designated_repayments, result.shape)
    correction = repayments - designated_repayments
    out["correctie_periodieke_aflossingen"] = per_year(correction, result.shape)
    out["gecorrigeerde_autofinancieringsmarge"] = afm + correction
    return out


@dataclass(frozen=True)
class NormCheck:
    """One statutory (or W13) norm with the years it is breached."""

    key: str
    label: str
    ok: bool
    first_breach_year: int | None
    breach_years: tuple[int, ...]

    def to_dict(self) -> dict:
        return {"label": self.label, "ok": self.ok, "first_breach_year": self.first_breach_year,
                "breach_years": list(self.breach_years)}


NORM_LABELS = {
    "bbr_nonnegative": "Beschikbaar budgettair resultaat ≥ 0 in elk jaar",
    "afm_last_year_nonnegative": "Autofinancieringsmarge ≥ 0 in het laatste jaar",
    "reserve_above_minimum": "Gecumuleerd budgettair resultaat ≥ minimumreserve",
}


def _norm(key: str, years: Sequence[int], breach: np.ndarray) -> NormCheck:
    breach_years = tuple(int(y) for y, b in zip(years, breach, strict=True) if b)
    return NormCheck(key, NORM_LABELS[key], not breach_years,
                     breach_years[0] if breach_years else None, breach_years)


def check_norms(years: Sequence[int], lines: dict[str, np.ndarray],
                minimum_reserve: np.ndarray | None) -> dict[str, NormCheck]:
    bbr = lines["beschikbaar_budgettair_resultaat"]
    afm = lines["autofinancieringsmarge"]
    last = np.zeros(len(years), dtype=bool)
    last[-1] = afm[-1] < -HALF_CENT
    norms = {
        "bbr_nonnegative": _norm("bbr_nonnegative", years, bbr < -HALF_CENT),
        "afm_last_year_nonnegative": _norm("afm_last_year_nonnegative", years, last),
    }
    if minimum_reserve is not None:
        gbr = lines["gecumuleerd_budgettair_resultaat"]
        norms["reserve_above_minimum"] = _norm(
            "reserve_above_minimum", years, gbr < minimum_reserve - HALF_CENT)
    return norms


@dataclass(frozen=True, eq=False)
class M2Result:
    """Schema M2 of one plan: every line per year, the minimum reserve and the norm checks."""

    years: tuple[int, ...]
    lines: dict[str, np.ndarray]
    minimum_reserve: np.ndarray | None
    norms: dict[str, NormCheck]

    def __getitem__(self, key: str) -> np.ndarray:
        return self.lines[key]

    @property
    def all_norms_ok(self) -> bool:
        return all(n.ok for n in self.norms.values())

    def to_dict(self) -> dict:
        """The JSON shape documented in the README (amounts in euro, unrounded)."""
        out: dict = {"years": list(self.years)}
        for key in LINE_KEYS:
            out[key] = [float(v) for v in self.lines[key]]
        out["minimumreserve"] = None if self.minimum_reserve is None else [float(v) for v in self.minimum_reserve]
        out["norms"] = {k: n.to_dict() for k, n in self.norms.items()}
        return out


def designated_repayments(params: Parameters, years: Sequence[int]) -> np.ndarray:
    return params.designated_repayment_rate * params.per_year("outstanding_debt", years)


def compute_m2(plan: Plan, params: Parameters, *, totals: np.ndarray | None = None,
               minimum_reserve: np.ndarray | None = None) -> M2Result:
    """Schema M2 for a plan (or for precomputed category ``totals`` on the plan's years)."""
    years = plan.years
    lines = m2_arrays(
        plan.totals() if totals is None else totals,
        opening_reserve=params.opening_reserve,
        unavailable=params.per_year("unavailable", years),
        repayments=params.per_year("repayments", years),
        recoveries=params.per_year("recoveries", years),
        designated_repayments=designated_repayments(params, years),
    )
    if minimum_reserve is None:
        minimum_reserve = params.minimum_reserve_per_year(years)
    return M2Result(years, lines, minimum_reserve, check_norms(years, lines, minimum_reserve))


def compute_m1(plan: Plan) -> list[dict]:
    """Schema M1 totals: receipts and expenditure per category per beleidsdoelstelling.

    One record per (beleidsdoelstelling, category, direction) with an amount per year, in the
    order of the beleidsdoelstellingen' codes, then a 'Totaal' per category and direction.
    """
    groups: dict[str, int] = {}
    for key in plan.keys:
        bd = plan.actions[key.action].beleidsdoelstelling or "(onbekend)"
        groups.setdefault(bd, len(groups))
    gidx = np.array([groups[plan.actions[k.action].beleidsdoelstelling or "(onbekend)"] for k in plan.keys],
                    dtype=np.int64)
    sums = np.zeros((len(groups), 3, 2, plan.n_years))
    np.add.at(sums, (gidx, plan.categories, plan.directions), plan.amounts)
    order = sorted(groups, key=lambda bd: min(k.action for k in plan.keys
                                              if (plan.actions[k.action].beleidsdoelstelling or "(onbekend)") == bd))
    records = []
    for bd in [*order, "Totaal"]:
        block = sums.sum(axis=0) if bd == "Totaal" else sums[groups[bd]]
        for c, cat in enumerate(CATEGORIES):
            for d, direction in enumerate(DIRECTIONS):
                rec: dict[str, object] = {"beleidsdoelstelling": bd, "categorie": cat, "richting": direction}
                rec.update({str(y): float(v) for y, v in zip(plan.years, block[c, d], strict=True)})
                records.append(rec)
    return records


SECTION_TITLES = {
    "M2": "Budgettair resultaat",
    "AFM": "Autofinancieringsmarge",
    "GAFM": "Gecorrigeerde autofinancieringsmarge",
}


def m2_rows(result: M2Result, *, details: bool = True,
            minimum_reserve: bool = True) -> list[tuple[str, str, str, list[float]]]:
    """(number, Dutch label, key, values per year) in statutory order, for tables and sheets.

    AFM lines follow the M2 lines; the minimum reserve (if any) comes last."""
    rows = []
    for spec in M2_LINES:
        if spec.detail and not details:
            continue
        rows.append((spec.number, spec.label, spec.key, [float(v) for v in result.lines[spec.key]]))
    if minimum_reserve and result.minimum_reserve is not None:
        rows.append(("", "Minimumreserve (sociaal passief)", "minimumreserve",
                     [float(v) for v in result.minimum_reserve]))
    return rows


def first_year_below(years: Sequence[int], values: np.ndarray, floor: np.ndarray | float = 0.0) -> int | None:
    """First year in which ``values`` is below ``floor`` by at least half a cent (as the norms)."""
    below = np.asarray(values) < np.asarray(floor) - HALF_CENT
    return next((int(y) for y, b in zip(years, below, strict=True) if b), None)
