"""Schema M2 (staat van het financieel evenwicht), its checks (statutory norms, engagements and
policies, by kind of bestuur), and schema M1 totals.

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
#: The lines the board, the note and the targets read most.
GBR = "gecumuleerd_budgettair_resultaat"
AFM = "autofinancieringsmarge"
BBR = "beschikbaar_budgettair_resultaat"


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


# -- the checks on schema M2 and what kind of rule each is --------------------------------------
#
# One home for the rules: which check applies to which kind of bestuur, whether it is a statutory
# norm, an engagement or a policy of the bestuur, and its source. Every layer (terminal, board
# pack, Excel) renders its words from here. Plan passages are quoted between „…” (the
# repository's convention, checked verbatim against the plan text by tests/test_citations.py).

#: Kinds of bestuur: id -> (Dutch name, accepted spellings on the Parameters sheet).
BESTUUR_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "gemeente": ("gemeente", ("gemeente", "stad")),
    "ocmw": ("OCMW", ("ocmw", "openbaar centrum voor maatschappelijk welzijn")),
    "ocmw-vereniging": ("OCMW-vereniging (welzijnsvereniging)",
                        ("ocmw-vereniging", "ocmw vereniging", "welzijnsvereniging",
                         "ocmw-vereniging (welzijnsvereniging)")),
    "agb": ("autonoom gemeentebedrijf (AGB)", ("agb", "autonoom gemeentebedrijf",
                                               "autonoom gemeentebedrijf (agb)")),
}
#: W13 is an OCMW-vereniging: plan, introduction: „W13 is de welzijnsvereniging van 14 OCMW's”.
DEFAULT_BESTUUR = "ocmw-vereniging"
DEFAULT_BESTUUR_SOURCE = "meerjarenplan 2026-2031: „W13 is de welzijnsvereniging van 14 OCMW's”"


def parse_bestuur(text: object) -> str | None:
    """The id of a kind of bestuur from its name or spelling (any case), or None if unknown."""
    key = " ".join(str(text).strip().lower().split())
    for kind, (_name, spellings) in BESTUUR_KINDS.items():
        if key == kind or key in spellings:
            return kind
    return None


def bestuur_name(kind: str) -> str:
    return BESTUUR_KINDS[kind][0]


#: The kinds of rule. Only WETTELIJK is a statutory norm; the others must never be called one.
WETTELIJK = "wettelijk"
ENGAGEMENT = "engagement"
BELEID = "beleid"
CONTROLE = "controle"
#: How a kind of rule is named in a 'Soort' column.
KIND_WORDS = {WETTELIJK: "wettelijke norm (BBC)", ENGAGEMENT: "engagement", BELEID: "beleid",
              CONTROLE: "controle"}

#: Sources, as read (see docs/normen.md).
BBC_ART16 = ("art. 16 van het besluit van de Vlaamse Regering van 30 maart 2018 over de beleids- en "
             "beheerscyclus (BBC-besluit), zoals toegelicht door Agentschap Binnenlands Bestuur "
             "(lokaalbestuur.vlaanderen.be, 'Financieel evenwicht'): gemeenten en OCMW's")
PLAN_AFM_OCMW_VERENIGING = ("meerjarenplan 3.9 (verslag financiële commissie): negatieve AFM „dit toegelaten is voor "
                            "een OCMW-vereniging in het algemeen”; „W13 geeft aan dat een positieve "
                            "autofinancieringsmarge niet verplicht is voor een welzijnsvereniging”")
PLAN_AFM_ENGAGEMENT = ("meerjarenplan 3.3: „W13 neemt het engagement om te eindigen met een positieve "
                       "autofinancieringsmarge in 2031.”")
PLAN_RESERVE_POLICY = ("meerjarenplan 3.3: „Het is de bedoeling om de huidige reserve aan te houden, met het "
                       "absolute minimum van het sociaal passief.”; bedrag: 3.1 „Sociaal passief 211.211,09”")
NOT_VERIFIED = ("art. 16 BBC-besluit legt dit op aan gemeenten en OCMW's; voor dit soort bestuur is niet "
                "nagegaan of het een wettelijke norm is: getoond als controle (aanname)")

WHY_STATUTORY = "wettelijke norm voor gemeenten en OCMW's (BBC-besluit, art. 16)"
WHY_CHECK = "controle; voor dit soort bestuur niet nagegaan als verplichting (aanname)"


@dataclass(frozen=True)
class CheckRule:
    """How one check on schema M2 is named for a kind of bestuur, and why."""

    key: str
    kind: str     # WETTELIJK, ENGAGEMENT, BELEID or CONTROLE
    label: str    # full Dutch label, e.g. 'Engagement W13: AFM 2031 ≥ 0'
    short: str    # for a table header, e.g. 'Engagement W13: AFM 2031'
    noun: str     # in a sentence, e.g. 'het engagement van W13 (AFM 2031 ≥ 0)'
    source: str   # the passage or article, quoted where it is the plan („...”)
    why: str = "" # one short Dutch clause: what kind of rule this is, for notes under tables

    @property
    def statutory(self) -> bool:
        return self.kind == WETTELIJK

    def to_dict(self) -> dict:
        return {"soort": self.kind, "label": self.label, "bron": self.source}


def check_rules(bestuur: str, last_year: int) -> dict[str, CheckRule]:
    """The checks on schema M2 for a kind of bestuur (plan ending in ``last_year``), by key."""
    if bestuur not in BESTUUR_KINDS:
        raise ValueError(f"unknown kind of bestuur {bestuur!r}")
    municipal = bestuur in ("gemeente", "ocmw")
    w13 = bestuur == "ocmw-vereniging"
    y = last_year
    if municipal:
        bbr = CheckRule("bbr_nonnegative", WETTELIJK,
                        "Wettelijke norm (BBC): beschikbaar budgettair resultaat ≥ 0 in elk jaar",
                        "Wettelijke norm BBR (elk jaar ≥ 0)", "de wettelijke norm BBR ≥ 0", BBC_ART16, WHY_STATUTORY)
        afm = CheckRule("afm_last_year_nonnegative", WETTELIJK,
                        f"Wettelijke norm (BBC): autofinancieringsmarge ≥ 0 in het laatste planjaar ({y})",
                        f"Wettelijke norm AFM {y}", f"de wettelijke norm AFM {y} ≥ 0", BBC_ART16, WHY_STATUTORY)
    else:
        bbr = CheckRule("bbr_nonnegative", CONTROLE, "Controle: beschikbaar budgettair resultaat ≥ 0 in elk jaar",
                        "Controle BBR (elk jaar ≥ 0)", "de controle BBR ≥ 0", NOT_VERIFIED, WHY_CHECK)
        if w13:
            afm = CheckRule("afm_last_year_nonnegative", ENGAGEMENT, f"Engagement W13: AFM {y} ≥ 0",
                            f"Engagement W13: AFM {y}", f"het engagement van W13 (AFM {y} ≥ 0)",
                            f"{PLAN_AFM_ENGAGEMENT}; {PLAN_AFM_OCMW_VERENIGING}",
                            "engagement van W13 in het plan (3.3); een negatieve AFM is toegelaten voor een "
                            "OCMW-vereniging (3.9)")
        else:
            afm = CheckRule("afm_last_year_nonnegative", CONTROLE, f"Controle: AFM {y} ≥ 0",
                            f"Controle AFM {y}", f"de controle AFM {y} ≥ 0", NOT_VERIFIED, WHY_CHECK)
    if w13:
        reserve = CheckRule("reserve_above_minimum", BELEID, "Beleid W13: reserve ≥ sociaal passief",
                            "Beleid W13: reserve ≥ sociaal passief", "het beleid van W13 (reserve ≥ sociaal passief)",
                            PLAN_RESERVE_POLICY, "beleid van W13 in het plan (3.3)")
    else:
        reserve = CheckRule("reserve_above_minimum", BELEID, "Eigen beleid: reserve ≥ minimumreserve",
                            "Eigen beleid: reserve ≥ minimumreserve", "het eigen beleid (reserve ≥ minimumreserve)",
                            "beleid van het bestuur (blad Parameters: Minimumreserve)", "beleid van het bestuur")
    return {r.key: r for r in (bbr, afm, reserve)}


@dataclass(frozen=True)
class NormCheck:
    """One check on schema M2 (a statutory norm, an engagement or a policy: see ``rule``) with
    the years it is not met."""

    key: str
    rule: CheckRule
    ok: bool
    first_breach_year: int | None
    breach_years: tuple[int, ...]

    @property
    def label(self) -> str:
        return self.rule.label

    @property
    def kind(self) -> str:
        return self.rule.kind

    def to_dict(self) -> dict:
        return {"label": self.label, "soort": self.rule.kind, "bron": self.rule.source, "ok": self.ok,
                "first_breach_year": self.first_breach_year, "breach_years": list(self.breach_years)}


def _norm(rule: CheckRule, years: Sequence[int], breach: np.ndarray) -> NormCheck:
    breach_years = tuple(int(y) for y, b in zip(years, breach, strict=True) if b)
    return NormCheck(rule.key, rule, not breach_years, breach_years[0] if breach_years else None, breach_years)


def check_norms(years: Sequence[int], lines: dict[str, np.ndarray],
                minimum_reserve: np.ndarray | None, bestuur: str = DEFAULT_BESTUUR) -> dict[str, NormCheck]:
    """The checks of :func:`check_rules` for ``bestuur`` on the M2 lines."""
    rules = check_rules(bestuur, int(years[-1]))
    return {key: _norm(rules[key], years, breach) for key, breach in norm_breaches(lines, minimum_reserve).items()}


def norm_breaches(lines: dict[str, np.ndarray], minimum_reserve: np.ndarray | None) -> dict[str, np.ndarray]:
    """THE breach rule of each check, per year (True: not met): BBR below zero; the AFM of the
    last year below zero; the reserve below the minimum reserve (when there is one). The arrays
    may carry leading scenario axes (``run_scenarios``' (scenarios, years) lines)."""
    afm = lines["autofinancieringsmarge"]
    last = np.zeros(np.shape(afm), dtype=bool)
    last[..., -1] = afm[..., -1] < -HALF_CENT
    out = {"bbr_nonnegative": lines["beschikbaar_budgettair_resultaat"] < -HALF_CENT,
           "afm_last_year_nonnegative": last}
    if minimum_reserve is not None:
        out["reserve_above_minimum"] = lines["gecumuleerd_budgettair_resultaat"] < minimum_reserve - HALF_CENT
    return out


@dataclass(frozen=True, eq=False)
class M2Result:
    """Schema M2 of one plan: every line per year, the minimum reserve and the norm checks."""

    years: tuple[int, ...]
    lines: dict[str, np.ndarray]
    minimum_reserve: np.ndarray | None
    norms: dict[str, NormCheck]
    bestuur: str = DEFAULT_BESTUUR

    @property
    def rules(self) -> dict[str, CheckRule]:
        """The checks for this result's kind of bestuur (also those without a minimum reserve)."""
        return check_rules(self.bestuur, int(self.years[-1]))

    def __getitem__(self, key: str) -> np.ndarray:
        return self.lines[key]

    def to_dict(self) -> dict:
        """The JSON shape documented in the README (amounts in euro, unrounded)."""
        out: dict = {"years": list(self.years)}
        for key in LINE_KEYS:
            out[key] = [float(v) for v in self.lines[key]]
        out["minimumreserve"] = None if self.minimum_reserve is None else [float(v) for v in self.minimum_reserve]
        out["bestuur"] = self.bestuur
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
    bestuur = params.bestuur or DEFAULT_BESTUUR
    return M2Result(years, lines, minimum_reserve, check_norms(years, lines, minimum_reserve, bestuur), bestuur)


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
