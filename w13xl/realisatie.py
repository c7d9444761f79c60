"""Realisatie: actual accounts (jaarrekening) against the plan, plan versions, the rolling
forecast (herraming) and the backtest of the forecast error.

Pure core (numpy; reads cell grids through :mod:`w13xl.sheets`, no Excel library). Amounts are
magnitudes per line as in :class:`w13xl.model.Plan`; nothing is rounded.

* :func:`load_budget` reads a budget sheet (table or pivot export, any year span, columns such
  as ``JR 2024`` or ``Rek 2023``) and applies the workbook's ``Categorieën`` rules only for
  actions that are on that sheet (rules for other actions or years do not apply to it).
* :func:`apply_action_mapping` renames old action codes (sheet ``Actiemapping``: old -> new)
  in the accounts: a row without a new code, or a new code the plan does not have, is an error
  naming the cell.
* :func:`compare` sets two plans side by side for their common years: per M2 line and per
  action (O, U and net), the difference (second - first) and the % realised (second / first).
* :func:`reforecast` re-bases a plan on the real reserve of the last closed year (the plan's own
  reconciliation 2024/2025 is checked in tests/test_plan_data.py).
* :func:`forecast_errors` measures the forecast error per class of line (receipts, staff,
  other costs) where accounts and plan overlap: the input of ``[uncertainty] calibrate``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from . import contract as _contract
from .errors import InputError
from .model import CATEGORIES, DIRECTIONS, EXPLOITATIE, FINANCIERING, INVESTERINGEN, LineKey, O, Plan, U
from .sheets import (
    LoadedPlan,
    SheetContext,
    _find_sheet,
    apply_category_mapping,
    cell,
    cell_name,
    choose_budget_sheet,
    find_pivot_header,
    find_table_header,
    is_blank,
    load_plan_from_grids,
    read_category_mapping,
    year_of_header,
)

ACTION_MAPPING_SHEETS = _contract.ACTION_MAPPING.names()
MAPPING_SHEETS = _contract.CATEGORIES.names()

#: M2 lines compared per year: (key, Dutch label).
M2_COMPARE_LINES: tuple[tuple[str, str], ...] = (
    ("exploitatie_ontvangsten", "Exploitatieontvangsten"),
    ("exploitatie_uitgaven", "Exploitatie-uitgaven"),
    ("exploitatiesaldo", "I. Exploitatiesaldo"),
    ("investeringen_ontvangsten", "Investeringsontvangsten"),
    ("investeringen_uitgaven", "Investeringsuitgaven"),
    ("investeringssaldo", "II. Investeringssaldo"),
    ("financieringssaldo", "IV. Financieringssaldo"),
    ("budgettair_resultaat", "V. Budgettair resultaat van het boekjaar"),
    ("autofinancieringsmarge", "Autofinancieringsmarge"),
)


# -- reading ---------------------------------------------------------------------------------------
def year_header_cell(grids: Mapping[str, list], sheet: str) -> str | None:
    """The cell of the first year column header of a budget sheet (for messages)."""
    grid = grids[sheet]
    found = find_pivot_header(grid)
    row = found[0] if found else find_table_header(grid)
    if row is None:
        return None
    for c, v in enumerate(grid[row]):
        if year_of_header(v) is not None:
            return cell_name(row, c)
    return None


def load_budget(grids: Mapping[str, Sequence[Sequence[object]]], *, file: str | None, sheet: str | None,
                u_sign: str = "auto", named: Mapping | None = None) -> LoadedPlan:
    """A budget sheet with the workbook's category rules for the actions on that sheet only."""
    name = choose_budget_sheet(grids, sheet, file)
    loaded = load_plan_from_grids(grids, file=file, sheet=name, u_sign=u_sign, named=named, mapping=[],
                                  warn_absent=False)
    map_name = _find_sheet(grids, MAPPING_SHEETS, file)
    if map_name and loaded.plan.categories.max(initial=0) == EXPLOITATIE:
        ctx = SheetContext(file, map_name, loaded.warnings)
        rules = [r for r in read_category_mapping(grids[map_name], ctx)
                 if loaded.plan.has_line(r.action, EXPLOITATIE, r.direction)]
        loaded.plan = apply_category_mapping(loaded.plan, rules, ctx)
    return loaded


def category_rules_for(grids: Mapping[str, list], file: str | None, plan: Plan):
    """The workbook's Categorieën rules that apply to ``plan``'s exploitation lines."""
    map_name = _find_sheet(grids, MAPPING_SHEETS, file)
    if not map_name:
        return [], None
    ctx = SheetContext(file, map_name)
    return [r for r in read_category_mapping(grids[map_name], ctx)
            if plan.has_line(r.action, EXPLOITATIE, r.direction)], ctx


@dataclass(frozen=True)
class ActionMap:
    """One row of the Actiemapping sheet: ``old`` (its lines, or ``share_o`` of its receipts and
    ``share_u`` of its expenditure) goes to ``new``. Shares are fractions (1.0 = all)."""

    old: str
    new: str
    where: str
    share_o: float = 1.0
    share_u: float = 1.0


#: Share columns of the Actiemapping sheet (header text, lower case, as it starts): one for both
#: directions, or one per direction.
SHARE_HEADERS = {"aandeel o": "o", "aandeel ontvangsten": "o", "aandeel u": "u", "aandeel uitgaven": "u",
                 "aandeel": "both"}
SHARE_TOLERANCE = 1e-6


def _share_columns(texts: Sequence[str]) -> dict[str, int]:
    cols: dict[str, int] = {}
    for c, t in enumerate(texts):
        for head in sorted(SHARE_HEADERS, key=len, reverse=True):
            if t == head or t.startswith((head + " ", head + "(")):
                cols.setdefault(SHARE_HEADERS[head], c)
                break
    return cols


def _pct_text(x: float) -> str:
    return f"{x * 100:.2f}".rstrip("0").rstrip(".").replace(".", ",") + "%"


def read_action_mapping(grid, ctx: SheetContext) -> list[ActionMap]:
    """Rows ``Oude actie | Nieuwe actie [| Aandeel | Aandeel O | Aandeel U | Toelichting]``
    (header found by its text). Without a share column an old action has one row. With one, an
    old action may be split over several new ones (renumbering between plan generations: A0402
    Energiehuis became four actions): ``Aandeel`` for both directions, or ``Aandeel O`` /
    ``Aandeel U`` per direction (an empty cell: 100% when the old action has one row); per old
    action and direction the shares must add up to 100%."""
    from .sheets import parse_number

    header_row = None
    for r in range(min(30, len(grid))):
        texts = [str(v).strip().lower() if isinstance(v, str) else "" for v in grid[r]]
        if any(t.startswith("oud") for t in texts) and any(t.startswith("nieuw") for t in texts):
            header_row = r
            old_col = next(c for c, t in enumerate(texts) if t.startswith("oud"))
            new_col = next(c for c, t in enumerate(texts) if t.startswith("nieuw"))
            share_cols = _share_columns(texts)
            break
    if header_row is None:
        raise ctx.error("geen kopregel met 'Oude actie' en 'Nieuwe actie'", 0, None,
                        "kolommen Oude actie | Nieuwe actie")
    rows: list[tuple[int, str, str, dict[str, float | None]]] = []
    seen: dict[str, str] = {}
    for r in range(header_row + 1, len(grid)):
        old, new = cell(grid, r, old_col), cell(grid, r, new_col)
        if is_blank(old) and is_blank(new):
            continue
        if is_blank(old):
            raise ctx.error("een nieuwe actiecode zonder oude", r, old_col, "de oude actiecode")
        old = str(old).strip().split()[0]
        if is_blank(new):
            raise ctx.error(f"oude actie {old} wordt niets", r, new_col,
                            "de nieuwe actiecode (verwijder de rij als de actie geen opvolger heeft)")
        new = str(new).strip().split()[0]
        if old in seen and not share_cols:
            raise ctx.error(f"oude actie {old} staat er twee keer (ook in {seen[old]})", r, old_col,
                            "één rij per oude actie")
        seen.setdefault(old, cell_name(r, old_col))
        shares: dict[str, float | None] = {}
        for kind, c in share_cols.items():
            v = parse_number(cell(grid, r, c), ctx, r, c, "Aandeel")
            if v is not None and v > 1.0 + SHARE_TOLERANCE:
                v = v / 100.0  # 25 written for 25%
            if v is not None and not 0.0 <= v <= 1.0 + SHARE_TOLERANCE:
                raise ctx.error(f"aandeel {v:g} voor oude actie {old} ligt niet tussen 0% en 100%", r, c,
                                "een aandeel tussen 0% en 100%")
            shares[kind] = v
        rows.append((r, old, new, shares))
    by_old: dict[str, list[tuple[int, str, str, dict[str, float | None]]]] = {}
    for row in rows:
        by_old.setdefault(row[1], []).append(row)
    out: list[ActionMap] = []
    for old, group in by_old.items():
        resolved: list[tuple[int, str, float, float]] = []
        for r, _, new, shares in group:
            both = shares.get("both")
            so = shares.get("o", both) if shares.get("o") is not None else both
            su = shares.get("u", both) if shares.get("u") is not None else both
            if len(group) == 1:
                so, su = (1.0 if so is None else so), (1.0 if su is None else su)
            elif so is None or su is None:
                col = share_cols.get("o" if so is None and "o" in share_cols else "u" if "u" in share_cols
                                     else "both", new_col)
                raise ctx.error(f"oude actie {old} is verdeeld over {len(group)} rijen, maar rij {r + 1} geeft "
                                f"geen aandeel voor {'de ontvangsten' if so is None else 'de uitgaven'}", r, col,
                                "een aandeel per rij (de aandelen van één oude actie tellen op tot 100%)")
            resolved.append((r, new, float(so), float(su)))
        for label, kind, values in (("ontvangsten", "o", [x[2] for x in resolved]),
                                    ("uitgaven", "u", [x[3] for x in resolved])):
            total = sum(values)
            if abs(total - 1.0) > SHARE_TOLERANCE:
                col = share_cols.get(kind, share_cols.get("both", new_col))
                cells = ", ".join(cell_name(x[0], col) for x in resolved)
                raise ctx.error(f"de aandelen van oude actie {old} voor de {label} tellen op tot "
                                f"{_pct_text(total)} (rijen {', '.join(str(x[0] + 1) for x in resolved)}: {cells})",
                                resolved[0][0], col, "samen 100%")
        out.extend(ActionMap(old, new, cell_name(r, new_col), so, su) for r, new, so, su in resolved)
    return out


def apply_action_mapping(accounts: Plan, mapping: Sequence[ActionMap], plan: Plan,
                         ctx: SheetContext | None) -> tuple[Plan, list[tuple[str, str]]]:
    """Rename the accounts' old action codes that the plan does not have; lines of actions that
    map to the same new code add up; an old action split over several new ones gives each its
    share (per direction) of its lines. Returns the new plan and the (old, new) pairs applied
    (a split: ``new`` with its shares, e.g. 'A10203 (O 38,78%, U 39,83%)')."""
    plan_actions = set(plan.actions)
    acc_actions = {k.action for k in accounts.keys}
    applied: list[tuple[str, str]] = []
    targets: dict[str, list[ActionMap]] = {}
    for m in mapping:
        if m.old not in acc_actions or m.old in plan_actions:
            continue
        if m.new not in plan_actions:
            raise InputError(f"oude actie {m.old} wordt {m.new}, maar die staat niet in het plan",
                             file=ctx.file if ctx else None, sheet=ctx.sheet if ctx else None, cell=m.where,
                             expected="een actiecode van het plan")
        targets.setdefault(m.old, []).append(m)
    for old, ms in targets.items():
        for m in ms:
            whole = m.share_o == 1.0 and m.share_u == 1.0
            applied.append((old, m.new if whole else
                            f"{m.new} (O {_pct_text(m.share_o)}, U {_pct_text(m.share_u)})"))
    if not targets:
        return accounts, applied
    merged: dict[LineKey, np.ndarray] = {}
    for key, row in zip(accounts.keys, accounts.amounts, strict=True):
        for m in targets.get(key.action, ()):
            new = LineKey(m.new, key.category, key.direction)
            share = m.share_o if key.direction == O else m.share_u
            merged[new] = merged.get(new, 0.0) + row * share
        if key.action not in targets:
            merged[key] = merged.get(key, 0.0) + row
    actions = {a: act for a, act in accounts.actions.items() if a not in targets}
    for ms in targets.values():
        for m in ms:
            if m.new in plan.actions:
                actions[m.new] = plan.actions[m.new]
    keys = tuple(merged)
    return Plan(years=accounts.years, keys=keys, amounts=np.vstack([merged[k] for k in keys]),
                actions=actions), applied


# -- comparison ------------------------------------------------------------------------------------
def m2_lines(plan: Plan, repayments: np.ndarray | None = None) -> dict[str, np.ndarray]:
    t = plan.totals()
    out = {f"{name}_ontvangsten": t[c, O] for c, name in enumerate(CATEGORIES)}
    out.update({f"{name}_uitgaven": t[c, U] for c, name in enumerate(CATEGORIES)})
    es = t[EXPLOITATIE, O] - t[EXPLOITATIE, U]
    is_ = t[INVESTERINGEN, O] - t[INVESTERINGEN, U]
    fs = t[FINANCIERING, O] - t[FINANCIERING, U]
    out.update(exploitatiesaldo=es, investeringssaldo=is_, financieringssaldo=fs, budgettair_resultaat=es + is_ + fs,
               autofinancieringsmarge=es - (0.0 if repayments is None else repayments))
    return out


def _pct(a: float, b: float) -> float | None:
    return None if abs(a) < 0.005 else float(b / a)


@dataclass
class Comparison:
    """Two plans (first = plan / old version, second = accounts / new version) for common years."""

    years: tuple[int, ...]
    first_label: str
    second_label: str
    m2: list[dict]        # per line: key, label, first[], second[], diff[], pct[]
    actions: list[dict]   # per action and O/U/net: action, name, part, first[], second[], diff[], pct[], total_diff
    lines: list[dict]     # per action, category, direction
    only_first: list[dict]
    only_second: list[dict]
    renamed: list[tuple[str, str]] = field(default_factory=list)
    opening_diff: float = 0.0

    def reserve_effect(self) -> list[float]:
        """Effect on the reserve (GBR) per year: opening difference + cumulated result differences."""
        v = next(r for r in self.m2 if r["key"] == "budgettair_resultaat")["diff"]
        return list(self.opening_diff + np.cumsum(v))

    def to_dict(self) -> dict:
        return {"years": list(self.years), "eerste": self.first_label, "tweede": self.second_label,
                "m2": self.m2, "acties": self.actions, "lijnen": self.lines,
                "enkel_eerste": self.only_first, "enkel_tweede": self.only_second,
                "hernummerd": [{"oud": a, "nieuw": b} for a, b in self.renamed],
                "effect_reserve": self.reserve_effect(), "verschil_beginreserve": self.opening_diff}


def _series(first: np.ndarray, second: np.ndarray) -> dict:
    diff = second - first
    return {"first": [float(x) for x in first], "second": [float(x) for x in second],
            "diff": [float(x) for x in diff], "pct": [_pct(a, b) for a, b in zip(first, second, strict=True)]}


def _restrict(plan: Plan, years: Sequence[int]) -> Plan:
    idx = [plan.years.index(y) for y in years]
    return Plan(years=tuple(years), keys=plan.keys, amounts=plan.amounts[:, idx], actions=plan.actions)


def common_years(first: Plan, second: Plan) -> tuple[int, ...]:
    return tuple(y for y in first.years if y in second.years)


def compare(first: Plan, second: Plan, *, first_label: str = "Plan", second_label: str = "Rekening",
            renamed: Sequence[tuple[str, str]] = (), opening_diff: float = 0.0) -> Comparison:
    """Compare for the common years (the caller checks there are some)."""
    years = common_years(first, second)
    if not years:
        raise ValueError("de twee plannen hebben geen jaar gemeen")
    a, b = _restrict(first, years), _restrict(second, years)
    la, lb = m2_lines(a), m2_lines(b)
    m2 = [{"key": k, "label": label, **_series(la[k], lb[k])} for k, label in M2_COMPARE_LINES]
    names = {**{k: v.name for k, v in a.actions.items()}, **{k: v.name for k, v in b.actions.items()}}
    acts_a = {k.action for k in a.keys}
    acts_b = {k.action for k in b.keys}
    actions = []
    for act in sorted(acts_a | acts_b):
        o_a, u_a = a.action_lines(act, O), a.action_lines(act, U)
        o_b, u_b = b.action_lines(act, O), b.action_lines(act, U)
        for part, x, y in (("netto", o_a - u_a, o_b - u_b), ("O", o_a, o_b), ("U", u_a, u_b)):
            s = _series(x, y)
            actions.append({"action": act, "name": names.get(act, ""), "part": part, **s,
                            "total_diff": float(np.sum(s["diff"]))})
    nets = [r for r in actions if r["part"] == "netto"]
    order = {r["action"]: i for i, r in enumerate(sorted(nets, key=lambda r: (-abs(r["total_diff"]), r["action"])))}
    actions.sort(key=lambda r: (order[r["action"]], ("netto", "O", "U").index(r["part"])))
    lines = []
    for key in sorted(set(a.keys) | set(b.keys)):
        x, y = a.line(*key), b.line(*key)
        if not (np.any(np.abs(x) > 0.005) or np.any(np.abs(y) > 0.005)):
            continue  # an empty line (e.g. what a category rule left of a moved line)
        s = _series(x, y)
        lines.append({"action": key.action, "categorie": CATEGORIES[key.category],
                      "richting": DIRECTIONS[key.direction], **s, "total_diff": float(np.sum(s["diff"]))})
    lines.sort(key=lambda r: (-abs(r["total_diff"]), r["action"]))

    def side(acts, plan):
        return [{"action": x, "name": names.get(x, ""),
                 "netto": [float(v) for v in plan.action_lines(x, O) - plan.action_lines(x, U)]}
                for x in sorted(acts)]
    return Comparison(years, first_label, second_label, m2, actions, lines,
                      side(acts_a - acts_b, a), side(acts_b - acts_a, b), list(renamed), opening_diff)


# -- the rolling forecast ------------------------------------------------------------------------
@dataclass
class Reforecast:
    """The plan re-based on the reserve at 31/12 of the last closed year."""

    years: tuple[int, ...]
    closed_year: int
    closed_reserve: float
    bridge: dict[int, float]         # results of the years between the closed year and the plan
    plan_opening: float
    new_opening: float
    plan_gbr: list[float]
    new_gbr: list[float]

    @property
    def difference(self) -> list[float]:
        return [b - a for a, b in zip(self.plan_gbr, self.new_gbr, strict=True)]

    def to_dict(self) -> dict:
        return {"years": list(self.years), "afgesloten_jaar": self.closed_year,
                "reserve_afgesloten_jaar": self.closed_reserve,
                "overbrugging": {str(k): v for k, v in self.bridge.items()},
                "beginreserve_plan": self.plan_opening, "beginreserve_herraming": self.new_opening,
                "verschil_beginreserve": self.new_opening - self.plan_opening,
                "gbr_plan": self.plan_gbr, "gbr_herraming": self.new_gbr, "verschil_gbr": self.difference}


def reforecast(plan: Plan, plan_opening: float, closed_year: int, closed_reserve: float,
               bridge: Mapping[int, float] | None = None) -> Reforecast:
    """New opening = reserve at 31/12/closed_year + the results of the bridge years up to the
    year before the plan. Every bridge year must be given."""
    bridge = dict(bridge or {})
    needed = list(range(closed_year + 1, plan.years[0]))
    missing = [y for y in needed if y not in bridge]
    if missing:
        raise ValueError(f"geen resultaat voor {', '.join(map(str, missing))} tussen het afgesloten jaar {closed_year} "
                         f"en het plan ({plan.years[0]})")
    new_opening = closed_reserve + sum(bridge[y] for y in needed)
    v = m2_lines(plan)["budgettair_resultaat"]
    return Reforecast(plan.years, closed_year, closed_reserve, {y: bridge[y] for y in needed}, plan_opening,
                      new_opening, [float(x) for x in plan_opening + np.cumsum(v)],
                      [float(x) for x in new_opening + np.cumsum(v)])


# -- backtest ----------------------------------------------------------------------------------------
#: Classes of the forecast error. ``doorgeefsaldo``: the net (O - U) of the pass-through actions
#: (:func:`pass_through_actions`), relative to their planned expenditure: their receipts and
#: expenditure move together (a subsidy passed on), so their net is measured and drawn, never
#: their receipts and expenditure apart (issue 18).
ERROR_CLASSES = ("ontvangsten", "personeel", "overige_kosten", "doorgeefsaldo")
#: An action is pass-through when its exploitation receipts equal its expenditure in every plan
#: year it has any, within this share of the expenditure (or one euro): budget-neutral projects
#: (plan 3.7: "W13 gaat uit van een budgetneutrale werking bij de gesubsidieerde projecten").
PASS_THROUGH_TOLERANCE = 0.005


def pass_through_actions(plan: Plan, tolerance: float = PASS_THROUGH_TOLERANCE) -> frozenset[str]:
    """Actions whose exploitation O equals U (within ``tolerance`` of U, or 1 euro) in every year
    where either is non-zero, and that have expenditure at all."""
    out = set()
    for action in plan.actions:
        o = plan.line(action, EXPLOITATIE, O)
        u = plan.line(action, EXPLOITATIE, U)
        if not np.any(u > 0.005):
            continue
        active = (np.abs(o) > 0.005) | (np.abs(u) > 0.005)
        if np.all(np.abs(o - u)[active] <= np.maximum(1.0, tolerance * np.abs(u[active]))):
            out.add(action)
    return frozenset(out)


@dataclass
class ForecastErrors:
    """Relative forecast error (accounts / plan - 1) per class and year where both are given;
    for ``doorgeefsaldo`` (accounts net - plan net) / plan expenditure of the pass-through actions."""

    years: tuple[int, ...]
    errors: dict[str, list[float]]
    plan: dict[str, list[float]]
    accounts: dict[str, list[float]]
    pass_through: tuple[str, ...] = ()

    @property
    def n_years(self) -> int:
        return len(self.years)

    def sd(self, klass: str) -> float | None:
        """Spread of the error: root mean square over the years (None for no year)."""
        e = np.asarray(self.errors[klass], dtype=float)
        return None if e.size == 0 else float(np.sqrt(np.mean(e ** 2)))

    def to_dict(self) -> dict:
        return {"years": list(self.years), "aantal_jaren": self.n_years, "fout": self.errors,
                "spreiding": {k: self.sd(k) for k in ERROR_CLASSES}, "plan": self.plan, "rekening": self.accounts,
                "doorgeefacties": list(self.pass_through)}


def class_totals(plan: Plan, staff_share: Mapping[str, float] | float = 0.4,
                 pass_through: frozenset[str] | set[str] = frozenset()) -> dict[str, np.ndarray]:
    """Exploitation receipts, staff cost and other costs per year of the actions that are not
    pass-through. Staff = ``staff_share`` of each action's exploitation expenditure (per action,
    default 40%: the engine's wage share). For the pass-through actions: their expenditure
    (``doorgeefuitgaven``) and their net O - U (``doorgeefsaldo``)."""
    rec = np.zeros(plan.n_years)
    staff = np.zeros(plan.n_years)
    other = np.zeros(plan.n_years)
    pass_u = np.zeros(plan.n_years)
    pass_net = np.zeros(plan.n_years)
    for key, row in zip(plan.keys, plan.amounts, strict=True):
        if key.category != EXPLOITATIE:
            continue
        if key.action in pass_through:
            if key.direction == O:
                pass_net += row
            else:
                pass_u += row
                pass_net -= row
        elif key.direction == O:
            rec += row
        else:
            share = staff_share if isinstance(staff_share, float) else staff_share.get(key.action, 0.4)
            staff += share * row
            other += (1 - share) * row
    return {"ontvangsten": rec, "personeel": staff, "overige_kosten": other, "doorgeefuitgaven": pass_u,
            "doorgeefsaldo": pass_net}


def forecast_errors(plan: Plan, accounts: Plan, staff_share: Mapping[str, float] | float = 0.4,
                    pass_through: frozenset[str] | None = None) -> ForecastErrors:
    """The forecast error per class. ``pass_through``: the plan's pass-through actions (default
    :func:`pass_through_actions` of ``plan``), measured on their net only."""
    years = common_years(plan, accounts)
    passing = pass_through_actions(plan) if pass_through is None else pass_through
    zero = {k: np.zeros(0) for k in (*ERROR_CLASSES, "doorgeefuitgaven")}
    p = class_totals(_restrict(plan, years), staff_share, passing) if years else zero
    a = class_totals(_restrict(accounts, years), staff_share, passing) if years else zero
    errors = {k: [float(y / x - 1.0) if abs(x) > 0.005 else 0.0 for x, y in zip(p[k], a[k], strict=True)]
              for k in ERROR_CLASSES if k != "doorgeefsaldo"}
    net_p, net_a, gross = p["doorgeefsaldo"], a["doorgeefsaldo"], p["doorgeefuitgaven"]
    errors["doorgeefsaldo"] = [float((y - x) / g) if abs(g) > 0.005 else 0.0
                               for x, y, g in zip(net_p, net_a, gross, strict=True)]
    return ForecastErrors(years, errors, {k: [float(v) for v in p[k]] for k in ERROR_CLASSES},
                          {k: [float(v) for v in a[k]] for k in ERROR_CLASSES}, tuple(sorted(passing)))


def check_overlap(plan: Plan, accounts: Plan, *, file: str | None, sheet: str, cell_ref: str | None) -> None:
    if not common_years(plan, accounts):
        raise InputError(f"de rekeningen lopen over {accounts.years[0]}-{accounts.years[-1]}, het plan over "
                         f"{plan.years[0]}-{plan.years[-1]}: geen jaar gemeen", file=file, sheet=sheet,
                         cell=cell_ref, expected="rekeningen voor minstens één jaar van het plan")


def reserve_row(grid, ctx: SheetContext) -> tuple[float, int] | None:
    """A row 'Reserves ...' under a pivot export (as in the plan's reconciliation): the amount in
    its last year column and that year; None if the sheet has no such row."""
    found = find_pivot_header(grid)
    row0 = found[0] if found else find_table_header(grid)
    if row0 is None:
        return None
    cols = [(c, y) for c, v in enumerate(grid[row0]) if (y := year_of_header(v)) is not None]
    if not cols:
        return None
    for r in range(row0 + 1, len(grid)):
        label = cell(grid, r, 0)
        if isinstance(label, str) and label.strip().lower().startswith("reserve"):
            c, y = cols[-1]
            value = cell(grid, r, c)
            from .sheets import parse_amount
            return parse_amount(value, ctx, r, c), y
    return None
