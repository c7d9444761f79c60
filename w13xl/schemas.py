"""The statutory schemas M3, T1, T2 and T3 of the BBC rules, computed from the budget lines.

Pure core (numpy only). The budget lines say action, category (exploitatie / investeringen /
financiering) and direction (O / U); the schemas need more:

* **T1** (functionele aard) groups by *beleidsveld*: a mapping ``Beleidsvelden`` gives the
  beleidsveld of an action's line, or of a part of it (amounts per year, like the
  ``Categorieën`` sheet splits lines); ``*`` gives the beleidsveld of everything else.
* **T2** (economische aard) groups by *economic rubric* (goederen en diensten, niet vast
  benoemd personeel, werkingssubsidies van de Vlaamse overheid, ...): the mapping
  ``Economische aard`` gives the rubric of a line or of parts of it; ``*`` rows give the rubric
  of the rest per category and direction. Without a ``*`` row the rest goes to
  :data:`DEFAULT_RUBRICS`.
* **M3** (overzicht van de kredieten) is the year's credits per category; the financing
  credits split by rubric (loans, granted loans, other).
* **T3** (financiële schulden) rolls the debt forward: 1 January + new loans - repayments.
  The debt on 1 January of the first year is the parameter ``Financiële schulden op 1 januari``;
  the repayments are the financing expenditure of the repayment rubrics, or the parameter
  ``Periodieke aflossingen`` when the plan has no such lines. W13 has no debt: every line is 0.

Nothing is rounded here; the printed schemas are in whole euro, so compare rounded values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from . import contract as _contract
from .errors import InputError
from .fmt import euro
from .model import (
    CATEGORIES,
    DIRECTIONS,
    EXPLOITATIE,
    FINANCIERING,
    INVESTERINGEN,
    O,
    Plan,
    U,
    parse_category,
    parse_direction,
)
from .params import Parameters

SCHEMAS = ("M3", "T1", "T2", "T3")


@dataclass(frozen=True)
class Rubric:
    key: str
    label: str  # Dutch, as used on the mapping sheet
    category: int
    direction: int


_R = Rubric
#: Economic rubrics (leaves of schema T2) a line or a part of a line can be mapped to.
RUBRICS: tuple[Rubric, ...] = (
    # exploitatie-uitgaven
    _R("goederen_diensten", "Goederen en diensten", EXPLOITATIE, U),
    _R("politiek_personeel", "Politiek personeel", EXPLOITATIE, U),
    _R("vast_personeel", "Vast benoemd personeel", EXPLOITATIE, U),
    _R("niet_vast_personeel", "Niet vast benoemd personeel", EXPLOITATIE, U),
    _R("andere_personeelskosten", "Andere personeelskosten", EXPLOITATIE, U),
    _R("pensioenen", "Pensioenen", EXPLOITATIE, U),
    _R("individuele_hulpverlening", "Individuele hulpverlening", EXPLOITATIE, U),
    _R("toegestane_werkingssubsidies", "Toegestane werkingssubsidies", EXPLOITATIE, U),
    _R("andere_operationele_uitgaven", "Andere operationele uitgaven", EXPLOITATIE, U),
    _R("rente_schulden", "Rente en kosten van schulden", EXPLOITATIE, U),
    _R("andere_financiele_uitgaven", "Andere financiële uitgaven", EXPLOITATIE, U),
    # exploitatie-ontvangsten
    _R("ontvangsten_werking", "Ontvangsten uit de werking", EXPLOITATIE, O),
    _R("fiscale_ontvangsten", "Fiscale ontvangsten en boetes", EXPLOITATIE, O),
    _R("ws_federaal", "Werkingssubsidies federale overheid", EXPLOITATIE, O),
    _R("ws_vlaams", "Werkingssubsidies Vlaamse overheid", EXPLOITATIE, O),
    _R("ws_provincie", "Werkingssubsidies provincie", EXPLOITATIE, O),
    _R("ws_gemeente", "Werkingssubsidies gemeente", EXPLOITATIE, O),
    _R("ws_ocmw", "Werkingssubsidies OCMW", EXPLOITATIE, O),
    _R("ws_andere", "Werkingssubsidies andere entiteiten", EXPLOITATIE, O),
    _R("ws_specifiek", "Specifieke werkingssubsidies", EXPLOITATIE, O),
    _R("recuperatie_hulpverlening", "Recuperatie individuele hulpverlening", EXPLOITATIE, O),
    _R("andere_operationele_ontvangsten", "Andere operationele ontvangsten", EXPLOITATIE, O),
    _R("financiele_ontvangsten", "Financiële ontvangsten", EXPLOITATIE, O),
    # investeringsuitgaven
    _R("financiele_vaste_activa", "Financiële vaste activa", INVESTERINGEN, U),
    _R("terreinen_gebouwen", "Terreinen en gebouwen", INVESTERINGEN, U),
    _R("wegen_infrastructuur", "Wegen en andere infrastructuur", INVESTERINGEN, U),
    _R("roerende_goederen", "Roerende goederen", INVESTERINGEN, U),
    _R("leasing", "Leasing en soortgelijke rechten", INVESTERINGEN, U),
    _R("andere_materiele_vaste_activa", "Andere materiële vaste activa", INVESTERINGEN, U),
    _R("immateriele_vaste_activa", "Immateriële vaste activa", INVESTERINGEN, U),
    _R("toegestane_investeringssubsidies", "Toegestane investeringssubsidies", INVESTERINGEN, U),
    # investeringsontvangsten
    _R("verkoop_financiele_vaste_activa", "Verkoop financiële vaste activa", INVESTERINGEN, O),
    _R("verkoop_materiele_vaste_activa", "Verkoop materiële vaste activa", INVESTERINGEN, O),
    _R("verkoop_immateriele_vaste_activa", "Verkoop immateriële vaste activa", INVESTERINGEN, O),
    _R("is_federaal", "Investeringssubsidies federale overheid", INVESTERINGEN, O),
    _R("is_vlaams", "Investeringssubsidies Vlaamse overheid", INVESTERINGEN, O),
    _R("is_provincie", "Investeringssubsidies provincie", INVESTERINGEN, O),
    _R("is_gemeente", "Investeringssubsidies gemeente", INVESTERINGEN, O),
    _R("is_ocmw", "Investeringssubsidies OCMW", INVESTERINGEN, O),
    _R("is_andere", "Investeringssubsidies andere entiteiten", INVESTERINGEN, O),
    # financieringsuitgaven
    _R("periodieke_aflossingen", "Periodieke aflossingen", FINANCIERING, U),
    _R("niet_periodieke_aflossingen", "Niet-periodieke aflossingen", FINANCIERING, U),
    _R("niet_financiele_schulden_u", "Vereffening van niet-financiële schulden", FINANCIERING, U),
    _R("toegestane_leningen", "Toegestane leningen en betalingsuitstel", FINANCIERING, U),
    _R("vooruitbetalingen", "Vooruitbetalingen", FINANCIERING, U),
    _R("kapitaalsverminderingen", "Kapitaalsverminderingen", FINANCIERING, U),
    # financieringsontvangsten
    _R("opname_leningen_financiele_instellingen", "Opname leningen bij financiële instellingen", FINANCIERING, O),
    _R("opname_leningen_andere", "Opname leningen bij andere entiteiten", FINANCIERING, O),
    _R("niet_financiele_schulden_o", "Aangaan van niet-financiële schulden", FINANCIERING, O),
    _R("terugvordering_leningen", "Terugvordering van toegestane leningen", FINANCIERING, O),
    _R("vereffening_vooruitbetalingen", "Vereffening van vooruitbetalingen", FINANCIERING, O),
    _R("kapitaalsvermeerderingen", "Kapitaalsvermeerderingen", FINANCIERING, O),
    _R("bijdragen_schenkingen", "Bijdragen en schenkingen", FINANCIERING, O),
)
_RUBRIC_LOOKUP = {**{r.key: r for r in RUBRICS}, **{r.label.lower(): r for r in RUBRICS}}

#: Rubric of the rest of a line when the mapping has no ``*`` row for its category and direction
#: (aanname, as in W13's plan: project subsidies come from the Flemish government).
DEFAULT_RUBRICS: dict[tuple[int, int], str] = {
    (EXPLOITATIE, U): "goederen_diensten",
    (EXPLOITATIE, O): "ws_vlaams",
    (INVESTERINGEN, U): "roerende_goederen",
    (INVESTERINGEN, O): "is_vlaams",
    (FINANCIERING, U): "periodieke_aflossingen",
    (FINANCIERING, O): "opname_leningen_financiele_instellingen",
}
DEFAULT_BELEIDSVELD = "Niet toegewezen"


def rubric_for(text: object) -> Rubric | None:
    return _RUBRIC_LOOKUP.get(str(text).strip().lower())


@dataclass(frozen=True)
class SplitRule:
    """(Part of) a line to a group (an economic rubric key or a beleidsveld).

    ``action`` '*' = every line (the rest); ``category``/``direction`` None = any;
    ``amounts`` None = the whole (remaining) line, else a magnitude per plan year."""

    action: str
    category: int | None
    direction: int | None
    group: str
    amounts: tuple[tuple[int, float], ...] | None = None
    where: str = ""


@dataclass
class Split:
    """Amounts per group (rubric key or beleidsveld) and per (category, direction): arrays per year."""

    years: tuple[int, ...]
    groups: dict[tuple[str, int, int], np.ndarray] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    def get(self, group: str, category: int | None = None, direction: int | None = None) -> np.ndarray:
        out = np.zeros(len(self.years))
        for (g, c, d), v in self.groups.items():
            if g == group and (category is None or c == category) and (direction is None or d == direction):
                out = out + v
        return out

    def add(self, group: str, category: int, direction: int, values: np.ndarray) -> None:
        key = (group, category, direction)
        self.groups[key] = self.groups.get(key, np.zeros(len(self.years))) + values
        if group not in self.order:
            self.order.append(group)


def split_plan(plan: Plan, rules: Sequence[SplitRule], default: Callable[[int, int], str], *, what: str,
               file: str | None = None, sheet: str | None = None) -> Split:
    """Distribute every line of ``plan`` over groups: first the parts with amounts of the rules
    for that line, then the rest to the line's own rule without amounts, else to a ``*`` rule,
    else to ``default(category, direction)``. A part larger than what is left of the line is an
    error naming the rule's cell; so is a rule for an action the plan does not have."""
    years = plan.years
    split = Split(years)
    for rule in rules:  # keep the order of the sheet for the groups
        if rule.group not in split.order:
            split.order.append(rule.group)

    def fail(rule: SplitRule, message: str, expected: str) -> InputError:
        return InputError(message, file=file, sheet=sheet, cell=rule.where or None, expected=expected)

    actions = {k.action for k in plan.keys}
    for rule in rules:
        if rule.action != "*" and rule.action not in actions:
            raise fail(rule, f"{what}: actie {rule.action} staat niet op het begrotingsblad",
                       "een actie van het begrotingsblad, of * voor de rest")

    def matches(rule: SplitRule, key) -> bool:
        return ((rule.category is None or rule.category == key.category)
                and (rule.direction is None or rule.direction == key.direction))

    for key, line in zip(plan.keys, plan.amounts, strict=True):
        rest = np.array(line, dtype=np.float64)
        own = [r for r in rules if r.action == key.action and matches(r, key)]
        for rule in own:
            if rule.amounts is None:
                continue
            given = dict(rule.amounts)
            part = np.array([given.get(y, 0.0) for y in years])
            over = np.flatnonzero(np.abs(part) > np.abs(rest) + 0.005)
            if over.size:
                i = int(over[0])
                raise fail(rule, f"{what}: {euro(part[i], 2)} voor {key} in {years[i]}, maar van de lijn blijft maar "
                                 f"{euro(rest[i], 2)} over", "delen die samen hoogstens het bedrag van de lijn zijn")
            split.add(rule.group, key.category, key.direction, part)
            rest = rest - part
        whole = [r for r in own if r.amounts is None]
        star = [r for r in rules if r.action == "*" and matches(r, key) and r.amounts is None]
        target = whole[0].group if whole else (star[0].group if star else default(key.category, key.direction))
        split.add(target, key.category, key.direction, rest)
    return split


# -- reading the mapping sheets -------------------------------------------------------------------
def read_split_rules(grid, ctx, *, group_header: Sequence[str], kind: str) -> list[SplitRule]:
    """Rules from a sheet with a header row ``Actie | [Categorie] | [Richting] | <group> | years``.

    ``kind`` 'rubric' checks the group against :data:`RUBRICS` (label or key) and its category
    and direction; 'beleidsveld' takes the text as it is."""
    from .sheets import cell, cell_name, find_table_header, is_blank, parse_amount, year_of_header

    header_row = find_table_header(grid)
    if header_row is None:
        raise ctx.error("geen kopregel met een kolom 'Actie'", 0, None,
                        f"kolommen Actie, Categorie, Richting, {group_header[0]} en eventueel jaarkolommen")
    header = [str(v).strip().lower() if isinstance(v, str) else v for v in grid[header_row]]
    cols: dict[str, int] = {}
    for c, v in enumerate(header):
        if v in ("actie", "actiecode", "action"):
            cols["actie"] = c
        elif v in ("categorie", "category"):
            cols["categorie"] = c
        elif v in ("richting", "o/u", "direction"):
            cols["richting"] = c
        elif v in [g.lower() for g in group_header]:
            cols["group"] = c
    if "group" not in cols:
        raise ctx.error(f"geen kolom '{group_header[0]}'", header_row, None,
                        f"kolommen Actie, Categorie, Richting, {group_header[0]}")
    ycols = [(c, y) for c in range(len(header)) if (y := year_of_header(grid[header_row][c])) is not None]
    rules = []
    for r in range(header_row + 1, len(grid)):
        row = grid[r]
        if all(is_blank(v) for v in row):
            continue
        action = str(cell(grid, r, cols["actie"]) or "").strip()
        if action != "*" and not (action[:1] == "A" and action[1:].isdigit()):
            raise ctx.error(f"'{action}' is geen actiecode", r, cols["actie"], "een actiecode zoals A50111, "
                            "of * voor de rest van elke lijn")
        category = direction = None
        if "categorie" in cols and not is_blank(cell(grid, r, cols["categorie"])):
            category = parse_category(cell(grid, r, cols["categorie"]))
            if category is None:
                raise ctx.error(f"onbekende categorie '{cell(grid, r, cols['categorie'])}'", r, cols["categorie"],
                                "exploitatie, investeringen of financiering")
        if "richting" in cols and not is_blank(cell(grid, r, cols["richting"])):
            direction = parse_direction(cell(grid, r, cols["richting"]))
            if direction is None:
                raise ctx.error(f"onbekende richting '{cell(grid, r, cols['richting'])}'", r, cols["richting"],
                                "O of U")
        text = cell(grid, r, cols["group"])
        if is_blank(text):
            raise ctx.error(f"geen {group_header[0].lower()}", r, cols["group"], f"een {group_header[0].lower()}")
        if kind == "rubric":
            rubric = rubric_for(text)
            if rubric is None:
                raise ctx.error(f"onbekende economische rubriek '{text}'", r, cols["group"],
                                "een van: " + ", ".join(x.label for x in RUBRICS))
            if (category is not None and category != rubric.category) or (
                    direction is not None and direction != rubric.direction):
                raise ctx.error(f"rubriek '{rubric.label}' is {CATEGORIES[rubric.category]} "
                                f"{DIRECTIONS[rubric.direction]}, de rij zegt "
                                f"{CATEGORIES[category] if category is not None else '*'} "
                                f"{DIRECTIONS[direction] if direction is not None else '*'}", r, cols["group"],
                                "een rubriek met dezelfde categorie en richting")
            category, direction, group = rubric.category, rubric.direction, rubric.key
        else:
            group = str(text).strip()
        cells = [(cell(grid, r, c), c, y) for c, y in ycols]
        amounts = None
        if any(not is_blank(v) for v, _, _ in cells):
            if action == "*":
                raise ctx.error("bedragen op een *-rij", r, cells[0][1], "lege jaarcellen: * neemt de rest")
            amounts = tuple((y, abs(parse_amount(v, ctx, r, c))) for v, c, y in cells)
        rules.append(SplitRule(action, category, direction, group, amounts, cell_name(r, cols["actie"])))
    return rules


# -- the schemas ----------------------------------------------------------------------------------
@dataclass
class SchemaResult:
    """One schema: rows (section, number/label, values per column) in printed order."""

    schema: str
    title: str
    columns: list[str]
    rows: list[tuple[str, str, list[float]]]

    def to_dict(self) -> dict:
        return {"schema": self.schema, "title": self.title, "columns": self.columns,
                "rows": [{"deel": s, "omschrijving": label, "waarden": list(map(float, v))}
                         for s, label, v in self.rows]}

    def value(self, section: str, label: str) -> list[float]:
        for s, lab, v in self.rows:
            if s == section and lab == label:
                return v
        raise KeyError((section, label))


def economic_split(plan: Plan, rules: Sequence[SplitRule], **where) -> Split:
    return split_plan(plan, rules, lambda c, d: DEFAULT_RUBRICS[(c, d)], what="Economische aard", **where)


def functional_split(plan: Plan, rules: Sequence[SplitRule], **where) -> Split:
    return split_plan(plan, rules, lambda c, d: DEFAULT_BELEIDSVELD, what="Beleidsvelden", **where)


def _sum(split: Split, *keys: str) -> np.ndarray:
    out = np.zeros(len(split.years))
    for k in keys:
        out = out + split.get(k)
    return out


def _keys(category: int, direction: int) -> list[str]:
    return [r.key for r in RUBRICS if r.category == category and r.direction == direction]


#: Schema T2 in printed order: (section, label, rubric keys summed). The headline lines of the
#: plan's schema, with the sub-lines W13 uses; the zero sub-lines of other entities are left out.
T2_LINES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Exploitatie", "I. Totaal exploitatie-uitgaven", tuple(_keys(EXPLOITATIE, U))),
    ("Exploitatie", "A. Operationele uitgaven", tuple(k for k in _keys(EXPLOITATIE, U)
                                                      if k not in ("rente_schulden", "andere_financiele_uitgaven"))),
    ("Exploitatie", "1. Goederen en diensten", ("goederen_diensten",)),
    ("Exploitatie", "2. Bezoldigingen, sociale lasten en pensioenen",
     ("politiek_personeel", "vast_personeel", "niet_vast_personeel", "andere_personeelskosten", "pensioenen")),
    ("Exploitatie", "a. Politiek personeel", ("politiek_personeel",)),
    ("Exploitatie", "b. Vast benoemd niet-onderwijzend personeel", ("vast_personeel",)),
    ("Exploitatie", "c. Niet vast benoemd niet-onderwijzend personeel", ("niet_vast_personeel",)),
    ("Exploitatie", "f. Andere personeelskosten", ("andere_personeelskosten",)),
    ("Exploitatie", "g. Pensioenen en soortgelijke verplichtingen", ("pensioenen",)),
    ("Exploitatie", "3. Individuele hulpverlening door het OCMW", ("individuele_hulpverlening",)),
    ("Exploitatie", "4. Toegestane werkingssubsidies", ("toegestane_werkingssubsidies",)),
    ("Exploitatie", "5. Andere operationele uitgaven", ("andere_operationele_uitgaven",)),
    ("Exploitatie", "B. Financiële uitgaven", ("rente_schulden", "andere_financiele_uitgaven")),
    ("Exploitatie", "1. Rente, commissies en kosten verbonden aan schulden", ("rente_schulden",)),
    ("Exploitatie", "2. Andere financiële uitgaven", ("andere_financiele_uitgaven",)),
    ("Exploitatie", "II. Totaal Exploitatieontvangsten", tuple(_keys(EXPLOITATIE, O))),
    ("Exploitatie", "A. Operationele ontvangsten", tuple(k for k in _keys(EXPLOITATIE, O)
                                                         if k != "financiele_ontvangsten")),
    ("Exploitatie", "1. Ontvangsten uit de werking", ("ontvangsten_werking",)),
    ("Exploitatie", "2. Fiscale ontvangsten en boetes", ("fiscale_ontvangsten",)),
    ("Exploitatie", "3. Werkingssubsidies", ("ws_federaal", "ws_vlaams", "ws_provincie", "ws_gemeente", "ws_ocmw",
                                              "ws_andere", "ws_specifiek")),
    ("Exploitatie", "a. Algemene werkingssubsidies", ("ws_federaal", "ws_vlaams", "ws_provincie", "ws_gemeente",
                                                       "ws_ocmw", "ws_andere")),
    ("Exploitatie", "- van de federale overheid", ("ws_federaal",)),
    ("Exploitatie", "- van de Vlaamse overheid", ("ws_vlaams",)),
    ("Exploitatie", "- van de provincie", ("ws_provincie",)),
    ("Exploitatie", "- van de gemeente", ("ws_gemeente",)),
    ("Exploitatie", "- van het OCMW", ("ws_ocmw",)),
    ("Exploitatie", "- van andere entiteiten", ("ws_andere",)),
    ("Exploitatie", "b. Specifieke werkingssubsidies", ("ws_specifiek",)),
    ("Exploitatie", "4. Recuperatie individuele hulpverlening", ("recuperatie_hulpverlening",)),
    ("Exploitatie", "5. Andere operationele ontvangsten", ("andere_operationele_ontvangsten",)),
    ("Exploitatie", "B. Financiële ontvangsten", ("financiele_ontvangsten",)),
    ("Investeringen", "I. Totaal Investeringsuitgaven", tuple(_keys(INVESTERINGEN, U))),
    ("Investeringen", "A. Investeringen in financiële vaste activa", ("financiele_vaste_activa",)),
    ("Investeringen", "B. Investeringen in materiële vaste activa",
     ("terreinen_gebouwen", "wegen_infrastructuur", "roerende_goederen", "leasing", "andere_materiele_vaste_activa")),
    ("Investeringen", "a. Terreinen en gebouwen", ("terreinen_gebouwen",)),
    ("Investeringen", "b. Wegen en andere infrastructuur", ("wegen_infrastructuur",)),
    ("Investeringen", "c. Roerende goederen", ("roerende_goederen",)),
    ("Investeringen", "d. Leasing en soortgelijke rechten", ("leasing",)),
    ("Investeringen", "2. Andere materiële vaste activa", ("andere_materiele_vaste_activa",)),
    ("Investeringen", "C. Investeringen in immateriële vaste activa", ("immateriele_vaste_activa",)),
    ("Investeringen", "D. Toegestane investeringssubsidies", ("toegestane_investeringssubsidies",)),
    ("Investeringen", "II. Totaal Investeringsontvangsten", tuple(_keys(INVESTERINGEN, O))),
    ("Investeringen", "A. Verkoop van financiële vaste activa", ("verkoop_financiele_vaste_activa",)),
    ("Investeringen", "B. Verkoop van materiële vaste activa", ("verkoop_materiele_vaste_activa",)),
    ("Investeringen", "C. Verkoop van immateriële vaste activa", ("verkoop_immateriele_vaste_activa",)),
    ("Investeringen", "D. Investeringssubsidies en -schenkingen",
     ("is_federaal", "is_vlaams", "is_provincie", "is_gemeente", "is_ocmw", "is_andere")),
    ("Investeringen", "- van de federale overheid", ("is_federaal",)),
    ("Investeringen", "- van de Vlaamse overheid", ("is_vlaams",)),
    ("Investeringen", "- van de provincie", ("is_provincie",)),
    ("Investeringen", "- van de gemeente", ("is_gemeente",)),
    ("Investeringen", "- van het OCMW", ("is_ocmw",)),
    ("Investeringen", "- van andere entiteiten", ("is_andere",)),
    ("Financiering", "I. Totaal financieringsuitgaven", tuple(_keys(FINANCIERING, U))),
    ("Financiering", "A. Vereffening van financiële schulden",
     ("periodieke_aflossingen", "niet_periodieke_aflossingen")),
    ("Financiering", "1. Periodieke aflossingen van opgenomen leningen en leasings", ("periodieke_aflossingen",)),
    ("Financiering", "2. Niet-periodieke aflossingen van opgenomen leningen en leasings",
     ("niet_periodieke_aflossingen",)),
    ("Financiering", "B. Vereffening van niet-financiële schulden", ("niet_financiele_schulden_u",)),
    ("Financiering", "C. Toegestane leningen en betalingsuitstel", ("toegestane_leningen",)),
    ("Financiering", "D. Vooruitbetalingen", ("vooruitbetalingen",)),
    ("Financiering", "E. Kapitaalsverminderingen", ("kapitaalsverminderingen",)),
    ("Financiering", "II. Totaal financieringsontvangsten", tuple(_keys(FINANCIERING, O))),
    ("Financiering", "A. Aangaan van financiële schulden",
     ("opname_leningen_financiele_instellingen", "opname_leningen_andere")),
    ("Financiering", "1. Opname van leningen en leasings bij financiële instellingen",
     ("opname_leningen_financiele_instellingen",)),
    ("Financiering", "2. Opname van leningen en leasings bij andere entiteiten", ("opname_leningen_andere",)),
    ("Financiering", "B. Aangaan van niet-financiële schulden", ("niet_financiele_schulden_o",)),
    ("Financiering", "C. Vereffening van toegestane leningen en betalingsuitstel", ("terugvordering_leningen",)),
    ("Financiering", "D. Vereffening van vooruitbetalingen", ("vereffening_vooruitbetalingen",)),
    ("Financiering", "E. Kapitaalsvermeerderingen", ("kapitaalsvermeerderingen",)),
    ("Financiering", "F. Bijdragen en schenkingen niet gekoppeld aan operationele activiteiten of aan de "
                     "verwerking van vaste activa", ("bijdragen_schenkingen",)),
)


def compute_t2(plan: Plan, rules: Sequence[SplitRule], **where) -> SchemaResult:
    split = economic_split(plan, rules, **where)
    rows = [(section, label, list(_sum(split, *keys))) for section, label, keys in T2_LINES]
    t = plan.totals()
    es, is_, fs = (t[c, O] - t[c, U] for c in (EXPLOITATIE, INVESTERINGEN, FINANCIERING))
    section = "Budgettair resultaat van het boekjaar"
    rows += [(section, "I. Exploitatiesaldo", list(es)), (section, "II. Investeringssaldo", list(is_)),
             (section, "III. Saldo van exploitatie en investeringen", list(es + is_)),
             (section, "IV. Financieringssaldo", list(fs)),
             (section, "V. Budgettair resultaat van het boekjaar", list(es + is_ + fs))]
    return SchemaResult("T2", "Schema T2: Ontvangsten en uitgaven naar economische aard",
                        [str(y) for y in plan.years], rows)


def compute_t1(plan: Plan, rules: Sequence[SplitRule], **where) -> SchemaResult:
    split = functional_split(plan, rules, **where)
    rows = []
    for group in split.order:
        rows.append((group, "Uitgaven", list(split.get(group, direction=U))))
        rows.append((group, "Ontvangsten", list(split.get(group, direction=O))))
    t = plan.totals()
    rows.append(("Algemeen totaal", "Uitgaven", list(t[:, U].sum(axis=0))))
    rows.append(("Algemeen totaal", "Ontvangsten", list(t[:, O].sum(axis=0))))
    return SchemaResult("T1", "Schema T1: Ontvangsten en uitgaven naar functionele aard",
                        [str(y) for y in plan.years], rows)


def compute_m3(plan: Plan, rules: Sequence[SplitRule], year: int | None = None, **where) -> SchemaResult:
    """M3 for one year (default: the first plan year): columns Uitgaven, Ontvangsten."""
    year = plan.years[0] if year is None else int(year)
    i = plan.year_index(year)
    split = economic_split(plan, rules, **where)
    t = plan.totals()
    loans_u = _sum(split, "periodieke_aflossingen", "niet_periodieke_aflossingen")[i]
    loans_o = _sum(split, "opname_leningen_financiele_instellingen", "opname_leningen_andere")[i]
    granted_u = split.get("toegestane_leningen")[i]
    granted_o = split.get("terugvordering_leningen")[i]
    fin_u, fin_o = t[FINANCIERING, U, i], t[FINANCIERING, O, i]
    rows = [
        ("Kredieten", "Exploitatie", [t[EXPLOITATIE, U, i], t[EXPLOITATIE, O, i]]),
        ("Kredieten", "Investeringen", [t[INVESTERINGEN, U, i], t[INVESTERINGEN, O, i]]),
        ("Kredieten", "Financiering", [fin_u, fin_o]),
        ("Kredieten", "Leningen en leasings", [loans_u, loans_o]),
        ("Kredieten", "Toegestane leningen en betalingsuitstel", [granted_u, granted_o]),
        ("Kredieten", "Overige financieringstransacties", [fin_u - loans_u - granted_u, fin_o - loans_o - granted_o]),
    ]
    return SchemaResult("M3", f"Schema M3: Overzicht van de kredieten {year}",
                        [f"Uitgaven {year}", f"Ontvangsten {year}"], [(s, lab, list(map(float, v)))
                                                                     for s, lab, v in rows])


def compute_t3(plan: Plan, rules: Sequence[SplitRule], params: Parameters, **where) -> SchemaResult:
    """Debt roll-forward; every debt counts as 'Schulden aan kredietinstellingen' (aanname: the
    plan's lines do not say which kind of loan)."""
    split = economic_split(plan, rules, **where)
    years = plan.years
    new = _sum(split, "opname_leningen_financiele_instellingen", "opname_leningen_andere")
    repay = _sum(split, "periodieke_aflossingen", "niet_periodieke_aflossingen")
    if not repay.any():
        repay = params.per_year("repayments", years)
    start = np.zeros(len(years))
    end = np.zeros(len(years))
    debt = float(params.outstanding_debt.get(years[0], 0.0))
    for i in range(len(years)):
        start[i] = debt
        debt = debt + new[i] - repay[i]
        end[i] = debt
    zero = np.zeros(len(years))
    rows = []
    for letter, label, values in (("A", "Financiële schulden op 1 januari", start),
                                  ("B", "Nieuwe leningen en leasings", new),
                                  ("C", "Aflossingen", repay),
                                  ("D", "Financiële schulden op 31 december (A+B-C)", end)):
        rows.append(("Geraamde financiële schulden", f"{letter}. {label}", list(values)))
        for n, kind in enumerate(("Obligatieleningen", "Leasingschulden en soortgelijke schulden",
                                  "Schulden aan kredietinstellingen", "Andere leningen"), start=1):
            rows.append(("Geraamde financiële schulden", f"{letter}{n}. {kind}",
                         list(values if n == 3 else zero)))
    return SchemaResult("T3", "Schema T3: Evolutie van de financiële schulden", [str(y) for y in years], rows)


def compute_schema(name: str, plan: Plan, params: Parameters, *, economic: Sequence[SplitRule] = (),
                   functional: Sequence[SplitRule] = (), year: int | None = None, **where) -> SchemaResult:
    name = name.strip().upper()
    if name == "M3":
        return compute_m3(plan, economic, year, **where)
    if name == "T1":
        return compute_t1(plan, functional, **where)
    if name == "T2":
        return compute_t2(plan, economic, **where)
    if name == "T3":
        return compute_t3(plan, economic, params, **where)
    raise ValueError(f"onbekend schema '{name}' (verwacht een van: {', '.join(SCHEMAS)})")


ECONOMIC_SHEETS = _contract.ECONOMIC.names()
FUNCTIONAL_SHEETS = _contract.FUNCTIONAL.names()


def schema_rules_from_grids(grids, file: str | None = None):
    """(economic rules, functional rules, where-dicts) read from the workbook's mapping sheets;
    a missing sheet gives no rules (every line goes to the defaults)."""
    from .sheets import SheetContext, find_sheet

    out: list[tuple[list[SplitRule], dict[str, str | None]]] = []
    for names, header, kind in ((ECONOMIC_SHEETS, ("Rubriek", "Economische rubriek", "Economische aard"), "rubric"),
                                (FUNCTIONAL_SHEETS, ("Beleidsveld", "Functie"), "beleidsveld")):
        name = find_sheet(grids, names, file)
        if name is None:
            out.append(([], {"file": file, "sheet": None}))
            continue
        ctx = SheetContext(file, name)
        out.append((read_split_rules(grids[name], ctx, group_header=header, kind=kind), {"file": file, "sheet": name}))
    return out
