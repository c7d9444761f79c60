"""Every assumption the scenario engine uses, with its source (pure core).

:func:`assumption_tables` lists, for one :class:`~w13xl.scenario.engine.Baseline`:

* **Indexklassen per lijn**: per exploitation line of the plan, which part follows which index
  class (loon, prijzen, bijdrage, volgt_loon; vast and doorgestort follow none), the share over
  the plan years, where it came from (personeel = the roster, Indexering = the sheet, register =
  the subsidy register, standaard = not indexed by default) and the source text;
* **Subsidies**: funder, dates, index class, overhead, funded positions and the plan reference;
* **Beleid bij einde subsidie**: what stop / keep_staff / keep_project / share do, and the notice;
* **Werkgeverskost**: each employer-cost component with its rate and source;
* **Minimumreserve** and **Indexering**: the rules with their figures and sources.

Used by ``w13xl aannames`` (cli/aannames.py), the short table of ``w13xl run`` and the board
pack's "Aannames" sheet (board/aannames.py). Texts are Dutch (board-facing); amounts unrounded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import EXPLOITATIE, O
from .scenario.engine import CONTRIBUTION_ACTION, LINE_CLASSES, SUBSIDY_END_POLICIES, Baseline
from .scenario.spec import NOTICE_AFTER_STOP, NOTICE_IN_TIME
from .staffing import ILLUSTRATIVE_LABEL, NOTICE_WEEKS_BY_YEAR

ORIGIN_LABELS = {"personeel": "personeel", "Indexering": "blad Indexering", "register": "subsidieregister",
                 "standaard": "standaard", "Parameters": "blad Parameters"}


@dataclass(frozen=True)
class AssumptionTable:
    """One block of assumptions: a title, a header and rows of plain values."""

    key: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple, ...]
    note: str = ""

    def to_dict(self) -> dict:
        return {"sleutel": self.key, "titel": self.title, "kolommen": list(self.header),
                "rijen": [list(r) for r in self.rows], "toelichting": self.note}


@dataclass(frozen=True)
class LineClass:
    """One class part of one line: its share over the plan years, origin and source."""

    action: str
    direction: str
    klass: str
    share: float
    origin: str
    source: str


def line_classes(base: Baseline) -> list[LineClass]:
    """Per exploitation line of the plan with a non-zero amount: each class part (largest first)."""
    out: list[LineClass] = []
    for key in sorted(base.lines, key=lambda k: (k.action, k.direction)):
        amount = base.lines[key]
        if key.category != EXPLOITATIE or not np.any(np.abs(amount) > 0.005):
            continue
        exp = base.exposure(key)
        shares = exp.shares(amount)
        origins, sources = dict(exp.origins), dict(exp.sources)
        if key.action == CONTRIBUTION_ACTION and key.direction == O and np.any(base.contribution):
            # the member contribution sits in this line; the engine indexes it apart (CPI rule)
            linked = base.contribution - base.contribution_fixed
            part = float(np.sum(np.minimum(linked, amount))) / float(np.sum(np.abs(amount)))
            shares = {k: v * (1.0 - part) for k, v in shares.items()}
            shares["bijdrage"] = shares.get("bijdrage", 0.0) + part
            origins["bijdrage"] = "Parameters"
            sources["bijdrage"] = "parameter Bijdrage lokale besturen: CPI vanaf 2027 (plan 3.3, statuten art. 9)"
        for klass, share in sorted(shares.items(), key=lambda kv: (-kv[1], kv[0])):
            if share <= 1e-9:
                continue
            out.append(LineClass(key.action, "O" if key.direction == O else "U", klass, share,
                                 origins.get(klass, "standaard"), sources.get(klass, "")))
    return out


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%".replace(".", ",")


def _date(d) -> str:
    return "" if d is None else d.strftime("%d/%m/%Y")


def _money(x: float) -> str:
    return f"{x:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def index_rows(base: Baseline) -> list[tuple]:
    names = base.plan.actions if isinstance(base.plan.actions, dict) else {}
    rows = []
    for lc in line_classes(base):
        name = getattr(names.get(lc.action), "name", "") if names else ""
        rows.append((lc.action, name, lc.direction, lc.klass, lc.share, ORIGIN_LABELS.get(lc.origin, lc.origin),
                     lc.source))
    return rows


def subsidy_rows(base: Baseline) -> list[tuple]:
    rows = []
    for s in base.subsidies.values():
        funded = sorted(p.id for p in base.positions if s.funds(p))
        rows.append((s.id, s.name, s.action, s.source, _date(s.start), _date(s.end) or "open",
                     s.index_class, s.overhead_rate, " ".join(funded), s.reference))
    return rows


def policy_rows() -> list[tuple]:
    notice = (f"opzeg \"{NOTICE_IN_TIME}\": loopt af op de stopdatum, geen opzegvergoeding (zoals het plan bij "
              f"geplande projecteinden); \"{NOTICE_AFTER_STOP}\" (standaard, altijd zo getoond): wettelijke opzeg "
              "vanaf de stopdatum, zonder subsidie (art. 37/2 Arbeidsovereenkomstenwet: 3 jaar 13 weken, 10 jaar "
              f"{NOTICE_WEEKS_BY_YEAR[10]}, 20 jaar 62 + 1 per jaar; hele maanden, nooit na het geplande einde); "
              "contract van vóór 2014: twee delen (art. 67-69 wet van 26/12/2013); anciënniteit uit in_dienst, "
              "anders de trap (aanname, bovengrens); of notice_months (docs/personeel.md)")
    return [
        ("stop", SUBSIDY_END_POLICIES["stop"], notice),
        ("keep_staff", SUBSIDY_END_POLICIES["keep_staff"],
         "de posities van de subsidie lopen door tot het einde van het plan, betaald door de basiswerking; "
         "ontvangsten, overheadbijdrage en de andere projectkosten (partners) stoppen"),
        ("keep_project", SUBSIDY_END_POLICIES["keep_project"],
         "alleen op uitdrukkelijke vraag: alle kosten lopen door tot het einde van het plan, zonder subsidie"),
        ("share", SUBSIDY_END_POLICIES["share"], "dat deel van de VTE en van de andere kosten loopt door"),
        ("keep", "bestaat niet meer", "geweigerd: kies keep_staff of keep_project"),
    ]


def employer_rows(base: Baseline) -> list[tuple]:
    p = base.staff_params
    return [
        ("Brutoloon", f"schaalbedrag aan 100% x {p.salary_coefficient:.4f}".replace(".", ","),
         "salariscoëfficiënt sinds 1/3/2025 (BOSA, index januari 2025: 2,1223; een openbaar feit, niet uit het "
         "plan); schalen: blad Weddeschalen (ILLUSTRATIEF)"),
        ("Vakantiegeld", _pct(p.holiday_pay) + " van het jaarloon",
         "92% van een maandwedde (rechtspositie lokale besturen)"),
        ("Eindejaarstoelage", _pct(p.end_of_year_bonus), "raming vast deel + percentage voor A/B-lonen"),
        ("RSZ werkgever", _pct(p.employer_social_security) + (
            " op bruto, eindejaarstoelage en vakantiegeld" if p.social_security_on_holiday_pay
            else " op bruto en eindejaarstoelage, niet op vakantiegeld"),
         "contractuelen lokale besturen; op vakantiegeld openbare sector enkel 13,07% persoonlijke bijdrage "
         "(RSZ, instructies DmfAPPL: inhouding op het vakantiegeld van de openbare sector)"),
        ("Tweede pijler", _pct(p.second_pillar_rate) + f" + {p.second_pillar_levy * 100:.2f}% bijzondere bijdrage"
         .replace(".", ","),
         "plan 3.7: „W13 stort 3% van het brutojaarloon van de contractuele personeelsleden” (OFP Prolocus); "
         "8,86% heffing"),
        ("Beheerskost tweede pijler", _money(p.second_pillar_admin) + " per jaar",
         "plan 3.7: „een vaste jaarlijkse administratieve kost van ongeveer € 1.500”"),
        ("Andere personeelskosten", _money(p.other_cost_per_head) + " per hoofd per jaar",
         "schema T2 lijn f 2026: 60.396 / 20 koppen (tabel 3.4); geïndexeerd zoals de lonen"),
        ("Anciënniteit", "+1 trap per jaar" if p.yearly_step else "vaste trap",
         "plan 3.3: „verhoging van de anciënniteit”"),
    ]


def minimum_rows(base: Baseline) -> list[tuple]:
    p = base.params
    rows = []
    if p.minimum_reserve is not None:
        rows.append(("Minimumreserve in het plan", _money(p.minimum_reserve),
                     "beleid van W13, plan 3.3: „met het absolute minimum van het sociaal passief”; "
                     "bedrag: 3.1 „Sociaal passief 211.211,09”"))
    if p.minimum_reserve_pct is not None:
        rows.append(("Wijziging per scenario", f"{_pct(p.minimum_reserve_pct)} van de wijziging in jaarloonkost",
                     "plan 3.7: „Voor de voorziening van het sociaal passief wordt uitgegaan van 10% van de totale "
                     "jaarloonkost”; 211.211,09 is geen 10% van de personeelskost van een planjaar: het bedrag geldt "
                     "zoals gegeven, de 10%-regel voor wijzigingen; jaarloonkost = werkgeverskost van het "
                     "personeelsbestand, per jaar t.o.v. het plan"))
    if not rows:
        rows.append(("Minimumreserve", "geen", "geen parameter Minimumreserve op het blad Parameters"))
    return rows


def index_rule_rows(base: Baseline) -> list[tuple]:
    return [
        ("Standaardindex", _pct(float(base.params.index_rate)) + " per jaar",
         "plan 3.7: „Voor de index hanteren we een standaardindex van 2% ingebed in de budgettool”"),
        ("Loonindexering", "+2% twee maanden na een spilindexoverschrijding",
         "spilindexmechanisme (afgevlakte gezondheidsindex); w13xl/data/SOURCES.md"),
        ("Bijdrage lokale besturen", "CPI december t-1 / december 2025, vanaf 2027",
         "plan 3.3; statuten art. 9"),
        ("Niet geïndexeerd", "vast, doorgestort",
         "plan 3.3: „subsidies/dotaties die forfaitair vastliggen voor een hele legislatuur en zo geen "
         "rekening houden met de indexering”; "
         "doorgestorte bedragen volgen wat de financier stort"),
        ("Klassen", ", ".join(LINE_CLASSES), "blad Indexering (kolommen Actie, Richting, Klasse, Aandeel, Bron)"),
        *contribution_rows(base),
    ]


def staff_rows(base: Baseline) -> list[tuple]:
    """The roster against schema T2 line 2 per year (issue 18)."""
    check = base.staff_check()
    if check is None:
        return []

    def pair(a: float, b: float | None) -> str:
        return f"{_money(a)} / {'-' if b is None else _money(b)}"

    return [(str(y), _money(roster), _money(plan), _money(gap), f"{rel * 100:+.2f}%".replace(".", ",").replace(
             "-0,00%", "0,00%"), pair(sal, plan_sal), pair(oth, plan_oth))
            for y, roster, plan, gap, rel, sal, plan_sal, oth, plan_oth in check.rows()]


def staff_title(base: Baseline) -> str:
    title = "Personeelsbestand tegenover schema T2 lijn 2"
    return f"{title} ({ILLUSTRATIVE_LABEL})" if base.roster_illustrative else title


def staff_note(base: Baseline) -> str:
    check = base.staff_check()
    if check is None:
        return ""
    note = f"Werkgeverskost van het bestand (index van het plan) tegenover {check.source}; waarschuwing boven 1%."
    gap = check.warning()
    if gap:
        note += " WAARSCHUWING: " + gap + "."
    if base.roster_illustrative:
        note += " Illustratief voorbeeld, afgestemd op T2 lijn 2 (binnen 0,5%) en tabel 3.4 (docs/personeel.md)."
    return note


#: Plan 3.7: "concreet 391.186,74 euro ten opzichte van 422.562,16 euro" (the 2025 contribution).
PLAN_CONTRIBUTION_2025 = 391_186.74
#: The CPI shock the effects below are shown for: 8% instead of the plan's 2% (indexschok-2027).
SHOCK_CPI = 0.08


def contribution_rows(base: Baseline) -> list[tuple]:
    """The CPI-linked share of the member contribution (an aanname: plan 3.7 gives 391.186,74 for
    2025 and T2 801.391 for 2026 without explaining the jump) and of Food Act 13's receipts, each
    with what the choice does to a CPI shock of 8% instead of 2% in one year (indexschok-2027: 2028)."""
    rows: list[tuple] = []
    years = list(base.years)
    rate = float(base.params.index_rate)
    step = (1.0 + SHOCK_CPI) / (1.0 + rate) - 1.0
    t = 2 if len(years) > 2 else len(years) - 1
    if np.any(base.contribution):
        share = float(base.params.contribution_cpi_share)
        total = float(base.contribution[t])
        linked = total - float(base.contribution_fixed[t])
        rows.append(("Bijdrage lokale besturen: CPI-gekoppeld deel",
                     f"{_pct(share)} (aanname) = {_money(linked)} in {years[t]}",
                     "parameter op het blad Parameters; het plan laat T2 'van het OCMW' (801.391 in 2026) elk jaar "
                     "2% groeien en noemt in 3.7 voor 2025 een bijdrage van 391.186,74 zonder de sprong te verklaren"))
        alt = PLAN_CONTRIBUTION_2025 / float(base.contribution[0])
        if alt < 1.0:
            rows.append((f"Effect op een CPI-schok ({_pct(SHOCK_CPI)} in {years[t]})",
                         f"{_money(linked * step)} bij {_pct(share)}; {_money(total * alt * step)} als enkel "
                         f"391.186,74 ({_pct(alt)}) CPI-gekoppeld is",
                         f"verschil {_money(linked * step - total * alt * step)} in {years[t]} en elk jaar daarna "
                         "(geïndexeerd); indexschok-2027 rekent met de CPI van december 2027 vanaf 2028"))
    for key, shares in base.declared.items():
        action, category, direction = key
        if direction != O or category != EXPLOITATIE or "bijdrage" not in shares:
            continue
        line = base.lines.get(_line_key(action, category, direction))
        if line is None:
            continue
        share = shares["bijdrage"]
        rows.append((f"{action}: deel bijdrage deelgenoten (CPI)", f"{_pct(share)} van de ontvangsten",
                     base.declared_sources.get(key, {}).get("bijdrage", "")))
        rows.append((f"Effect op een CPI-schok ({_pct(SHOCK_CPI)} in {years[t]})",
                     f"{_money(float(line[t]) * share * step)} bij {_pct(share)}; "
                     f"{_money(float(line[t]) * 0.10 * step)} per 10 procentpunt",
                     f"{action} ontvangsten {years[t]}: {_money(float(line[t]))}"))
    return rows


def _line_key(action: str, category: int, direction: int):
    from .model import LineKey

    return LineKey(action, category, direction)


def assumption_tables(base: Baseline) -> list[AssumptionTable]:
    staff = []
    if base.staff_check() is not None:
        staff.append(AssumptionTable(
            "personeel", staff_title(base),
            ("Jaar", "Bestand", "Plan lijn 2", "Verschil", "Verschil %", "Lonen: bestand / plan 2.b+2.c",
             "Andere: bestand / plan 2.f"), tuple(staff_rows(base)), staff_note(base)))
    return [*staff,
        AssumptionTable("indexklassen", "Indexklassen per lijn",
                        ("Actie", "Naam", "Richting", "Klasse", "Aandeel", "Herkomst", "Bron"),
                        tuple(index_rows(base)),
                        "Uitgaven: loondeel uit het personeelsbestand (posities op de actie); de rest volgt de klasse "
                        "van het blad Indexering, anders vast. Aandeel = over de planjaren."),
        AssumptionTable("subsidies", "Subsidies",
                        ("Subsidie", "Naam", "Actie", "Financier", "Start", "Einde", "Indexklasse", "Overhead",
                         "Posities", "Verwijzing"), tuple(subsidy_rows(base)),
                        "Overhead: plan 3.7: „een overheadkost van minimaal 15% op de personeelskost”, tenzij de "
                        "financier lager toelaat."),
        AssumptionTable("beleid", "Beleid bij einde subsidie", ("Beleid", "Betekenis", "Regel"),
                        tuple(policy_rows())),
        AssumptionTable("werkgeverskost", "Werkgeverskost per component", ("Component", "Tarief", "Bron"),
                        tuple(employer_rows(base))),
        AssumptionTable("minimumreserve", "Minimumreserve", ("Regel", "Waarde", "Bron"), tuple(minimum_rows(base))),
        AssumptionTable("indexering", "Indexering", ("Regel", "Waarde", "Bron"), tuple(index_rule_rows(base))),
    ]


def compact_index_lines(base: Baseline, width: int = 100) -> list[tuple[str, str, str]]:
    """(action, direction, 'klasse aandeel herkomst; ...') per line, for ``w13xl run`` (fits ``width``)."""
    parts: dict[tuple[str, str], list[str]] = {}
    for lc in line_classes(base):
        origin = {"personeel": "pers.", "Indexering": "blad", "register": "reg.", "standaard": "std.",
                  "Parameters": "param."}[lc.origin]
        parts.setdefault((lc.action, lc.direction), []).append(f"{lc.klass} {_pct(lc.share)} {origin}")
    room = max(width - 14, 20)
    out = []
    for (action, direction), items in parts.items():
        text = "; ".join(items)
        out.append((action, direction, text if len(text) <= room else text[: room - 1] + "…"))
    return out
