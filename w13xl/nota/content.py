"""The nota aan de raad van bestuur as content: blocks of plain-Dutch text, tables and one chart
spec, computed from the scenario runs (pure: no Word, no matplotlib).

Page 1: the question, the answer in two sentences, the decision asked, the norms as traffic
lights (labelled as law, W13's engagement or W13's policy) and the reserve chart. Page 2: the
options side by side. Then one page per option, ranked by effect (or in the voorstel's order),
then the annexes ("Bijlage"). Every figure goes through :meth:`Nota.fig`, so a figure printed
twice is the same text (a second, different text for the same key is an error).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from ..fmt import euro
from ..m2 import AFM, GBR, HALF_CENT, M2Result
from ..members import Member
from .plain import KIND_LABEL, KIND_SOURCE, NORM_ORDER, glossary, norm_kind, norm_title, plain
from .voorstel import Voorstel

RESULT = "budgettair_resultaat"
#: At most this many pages before the first annex (issue 21): page 1, the overview, the options.
MAX_OPTION_PAGES = 6
PLACEHOLDER = ("[IN TE VULLEN door de financieel beheerder: de beslissing die de raad van bestuur "
               "wordt gevraagd, bv. 'De raad van bestuur kiest optie 1 en vraagt ...'.]")


@dataclass
class Block:
    kind: str  # title, subtitle, heading, subheading, para, note, decision, bullets, table, chart, pagebreak
    text: str = ""
    items: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    #: (row, column) -> "ok", "breach" or "warn": a traffic light in that cell (0-based data rows).
    status: dict[tuple[int, int], str] = field(default_factory=dict)
    widths: list[float] = field(default_factory=list)  # cm
    chart: ChartSpec | None = None
    bold_rows: set[int] = field(default_factory=set)


@dataclass
class ChartSpec:
    title: str
    years: tuple[int, ...]
    plan: tuple[str, list[float]]
    options: list[tuple[str, list[float]]]
    minimum: tuple[str, list[float]] | None


@dataclass
class Option:
    """One option (or scenario) the board reads about."""

    key: str  # scenario name or 'doelzoeken-bijdrage' / 'doelzoeken-vte'
    title: str
    what: str  # plain Dutch
    run: object  # ScenarioRun
    contribution: np.ndarray  # the member contribution per year in this option
    needed_pct: float  # extra contribution (fraction, from the goal-seek year) to meet every target; 0: none
    risk: str | None = None
    note: str | None = None

    @property
    def m2(self) -> M2Result:
        return self.run.m2  # type: ignore[attr-defined]

    @property
    def effect(self) -> float:
        """Reserve at the end of the plan minus the plan's."""
        return float(self.run.m2[GBR][-1] - self.run.baseline[GBR][-1])  # type: ignore[attr-defined]


@dataclass
class Nota:
    title: str
    blocks: list[Block] = field(default_factory=list)
    figures: dict[str, str] = field(default_factory=dict)

    def add(self, kind: str, text: str = "", **kw) -> Block:
        b = Block(kind, text, **kw)
        self.blocks.append(b)
        return b

    def fig(self, key: str, value: float, decimals: int = 0, *, sign: bool = False) -> str:
        """A figure as printed: every place that prints ``key`` prints this same text."""
        text = euro(value, decimals)
        if sign and value > 0.5 * 10 ** -decimals:
            text = "+" + text
        if key in self.figures and self.figures[key] != text:
            raise ValueError(f"figure {key} printed as {self.figures[key]} and as {text}")
        self.figures[key] = text
        return text

    def text(self) -> str:
        """Every printed text (for the tests on code words)."""
        parts = []
        for b in self.blocks:
            parts += [b.text, *b.items, *b.header, *(c for r in b.rows for c in r)]
            if b.chart is not None:
                parts += [b.chart.title, b.chart.plan[0], *(o[0] for o in b.chart.options)]
                if b.chart.minimum is not None:
                    parts.append(b.chart.minimum[0])
        return "\n".join(p for p in parts if p)


# -- norms ---------------------------------------------------------------------------------------
def _norms(m2: M2Result) -> list[tuple[str, str, str]]:
    """(key, status, text) per norm: status 'ok' or 'breach'."""
    out = []
    for key in NORM_ORDER:
        check = m2.norms.get(key)
        if check is None:
            continue
        if check.ok:
            out.append((key, "ok", "voldaan"))
        elif key == "afm_last_year_nonnegative":
            out.append((key, "breach", "niet voldaan"))
        else:
            out.append((key, "breach", f"niet voldaan vanaf {check.first_breach_year}"))
    return out


def _verb(diff: float, more: str = "meer", less: str = "minder") -> str:
    return more if diff > 0 else less


# -- the builder ----------------------------------------------------------------------------------
@dataclass
class NotaInput:
    baseline: object  # scenario.engine.Baseline
    plan: M2Result
    plan_title: str
    options: list[Option]
    others: list[Option]
    solutions: list  # goalseek.Solution on the plan (contribution, fte)
    members: list[Member] | None
    members_source: str | None
    voorstel: Voorstel | None
    simulation: object | None = None
    realisatie: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    workbook: str = ""
    created: date | None = None
    ranked: bool = True  # options ranked by effect (no voorstel)


def build_nota(inp: NotaInput) -> Nota:
    plan = inp.plan
    years = plan.years
    first, last = years[0], years[-1]
    names = glossary(inp.baseline)
    n = Nota(title=(inp.voorstel.title if inp.voorstel and inp.voorstel.title
                    else f"Nota aan de raad van bestuur: meerjarenplan {first}-{last}"))

    def reserve_key(o: Option | None) -> str:
        return f"reserve_{last}:{'plan' if o is None else o.key}"

    def afm_key(o: Option | None) -> str:
        return f"afm_{last}:{'plan' if o is None else o.key}"

    # ---- page 1 ---------------------------------------------------------------------------------
    n.add("title", n.title)
    meta = f"Opgemaakt op {(inp.created or date.today()):%d/%m/%Y}"
    if inp.workbook:
        meta += f" uit het werkboek {inp.workbook}"
    n.add("subtitle", meta + ".")
    question = (inp.voorstel.question if inp.voorstel and inp.voorstel.question else
                f"Haalt W13 met het meerjarenplan {first}-{last} zijn financiële doelen, en wat moet de raad "
                f"van bestuur beslissen om ze te halen?")
    n.add("heading", "De vraag")
    n.add("para", question)

    n.add("heading", "Het antwoord")
    min_end = None if plan.minimum_reserve is None else float(plan.minimum_reserve[-1])
    res_txt = n.fig(reserve_key(None), float(plan[GBR][-1]))
    afm_end = float(plan[AFM][-1])
    afm_txt = n.fig(afm_key(None), afm_end)
    gbr = [float(v) for v in plan[GBR]]
    peak = int(np.argmax(gbr))
    if 0 < peak < len(years) - 1:
        s1 = (f"Volgens het plan stijgt de reserve tot {euro(gbr[peak])} euro in {years[peak]} en daalt ze "
              f"daarna tot {res_txt} euro in {last}")
    else:
        verb = "stijgt" if gbr[-1] > float(plan["gecumuleerd_budgettair_resultaat_vorig_boekjaar"][0]) else "daalt"
        s1 = f"Volgens het plan {verb} de reserve tot {res_txt} euro in {last}"
    if min_end is not None:
        above = plan.norms["reserve_above_minimum"].ok
        s1 += (f" en blijft ze boven de minimumreserve van {n.fig('minimum_end', min_end)} euro" if above else
               f" en zakt ze onder de minimumreserve van {n.fig('minimum_end', min_end)} euro")
    if afm_end < -HALF_CENT:
        first_neg = next((y for y, v in zip(years, plan[AFM], strict=False) if v < -HALF_CENT), last)
        s1 += (f", maar de autofinancieringsmarge is negatief vanaf {first_neg} ({afm_txt} euro in {last}): "
               f"W13 haalt zijn engagement van een positieve autofinancieringsmarge in {last} niet.")
    else:
        s1 += f"; de autofinancieringsmarge is {afm_txt} euro in {last}, zoals W13 zich engageerde."
    n.add("para", s1)
    s2 = _answer_levers(n, inp.solutions, last)
    if s2:
        n.add("para", s2)

    n.add("heading", "Beslissing gevraagd (voorstel)")
    if inp.voorstel and inp.voorstel.decision:
        n.add("decision", inp.voorstel.decision)
    else:
        n.add("decision", PLACEHOLDER)
        n.add("note", "Er is geen voorstelbestand gegeven: de opties hieronder staan gerangschikt naar hun effect "
                      "op de reserve en de beslissing moet nog door de financieel beheerder worden ingevuld "
                      "(w13xl nota ... --voorstel VOORSTEL.toml).")

    # traffic lights: plan + the options
    n.add("heading", "De normen: wet, engagement en beleid")
    keys = [k for k in NORM_ORDER if k in plan.norms]
    header = ["", *[norm_title(k, last, plan.norms[k]) for k in keys]]
    rows, status = [], {}
    for r, (label, m2) in enumerate([(inp.plan_title, plan), *[(o.title, o.m2) for o in inp.options]]):
        row = [label]
        for c, (_key, st, txt) in enumerate(_norms(m2), start=1):
            row.append(txt)
            status[(r, c)] = st
        rows.append(row)
    n.add("table", header=header, rows=rows, status=status, widths=[6.2, 3.6, 3.6, 3.6], bold_rows={0})
    n.add("note", " ".join(f"{KIND_LABEL[norm_kind(k, plan.norms[k])]}: {KIND_SOURCE[norm_kind(k, plan.norms[k])]}"
                           for k in keys))

    # the chart: the plan, the options, the minimum
    chart = ChartSpec(
        title="Reserve per jaar (euro)", years=years,
        plan=(inp.plan_title, [float(v) for v in plan[GBR]]),
        options=[(o.title, [float(v) for v in o.m2[GBR]]) for o in inp.options],
        minimum=None if plan.minimum_reserve is None else ("Minimumreserve (beleid W13)",
                                                           [float(v) for v in plan.minimum_reserve]))
    n.add("chart", chart=chart)
    n.add("pagebreak")

    # ---- page 2: the options side by side --------------------------------------------------------
    n.add("heading", "De opties naast elkaar")
    order = ("gerangschikt naar hun effect op de reserve in " + str(last) + " (gunstigste eerst)" if inp.ranked
             else "in de volgorde van het voorstel")
    n.add("para", f"Het plan en {len(inp.options)} opties, {order}. Bedragen in euro.")
    header = ["", f"Reserve {last}", "Verschil met het plan", f"Autofinancieringsmarge {last}"]
    rows = [[inp.plan_title, res_txt, "", afm_txt]]
    for o in inp.options:
        rows.append([o.title, n.fig(reserve_key(o), float(o.m2[GBR][-1])),
                     n.fig(f"effect:{o.key}", o.effect, sign=True), n.fig(afm_key(o), float(o.m2[AFM][-1]))])
    status = {(r, 3): ("ok" if float(m2[AFM][-1]) >= -HALF_CENT else "breach")
              for r, m2 in enumerate([plan, *[o.m2 for o in inp.options]])}
    n.add("table", header=header, rows=rows, status=status, widths=[7.5, 3.2, 3.2, 3.6], bold_rows={0})
    if inp.others:
        n.add("para", f"Nog {len(inp.others)} scenario's (risico's en vragen van de raad) staan in Bijlage 1.")
    n.add("pagebreak")

    # ---- one page per option ----------------------------------------------------------------------
    for i, o in enumerate(inp.options, start=1):
        _option_page(n, i, o, inp, reserve_key, afm_key, names)
        n.add("pagebreak")

    # ---- annexes ----------------------------------------------------------------------------------
    _annexes(n, inp, reserve_key, afm_key, names)
    return n


def _answer_levers(n: Nota, solutions: Sequence, last: int) -> str:
    """The second sentence of the answer: what closes the gap (goal seek on the plan)."""
    parts = []
    for s in solutions:
        if not s.feasible or not s.needed:
            continue
        if s.lever == "contribution":
            parts.append(f"een bijdrage van de deelgenoten die vanaf {s.from_year} "
                         f"{n.fig('goalseek_pct', s.value * 100, 2)}% hoger ligt")
        elif s.lever == "fte":
            parts.append(f"{n.fig('goalseek_fte', s.fte_reduction, 2)} VTE minder in de basiswerking vanaf "
                         f"{s.date:%d/%m/%Y}")
    if not parts:
        if solutions and all(s.feasible and not s.needed for s in solutions):
            return "Alle doelen worden gehaald zonder bijsturing."
        return ""
    return ("Om alle doelen te halen (autofinancieringsmarge ≥ 0 in " + str(last) + ", reserve boven de "
            "minimumreserve) volstaat " + " of ".join(parts) + ".")


def _cost_rows(n: Nota, o: Option, plan: M2Result) -> tuple[list[str], list[list[str]]]:
    years = plan.years
    header = ["", *map(str, years)]
    diff = o.m2[RESULT] - plan[RESULT]
    rows = [["Resultaat van het jaar: verschil met het plan", *[euro(float(v)) for v in diff]],
            ["Reserve met deze optie", *[euro(float(v)) for v in o.m2[GBR]]],
            ["Reserve volgens het plan", *[euro(float(v)) for v in plan[GBR]]]]
    rows[1][-1] = n.fig(f"reserve_{years[-1]}:{o.key}", float(o.m2[GBR][-1]))
    rows[2][-1] = n.fig(f"reserve_{years[-1]}:plan", float(plan[GBR][-1]))
    return header, rows


def _option_page(n: Nota, i: int, o: Option, inp: NotaInput, reserve_key, afm_key, names) -> None:
    plan = inp.plan
    years = plan.years
    last = years[-1]
    n.add("heading", f"Optie {i}: {o.title}")
    n.add("subheading", "Wat verandert")
    n.add("para", o.what)
    if o.note:
        n.add("para", o.note)
    n.add("subheading", "Wat het kost of oplevert per jaar")
    diff = o.m2[RESULT] - plan[RESULT]
    total = float(o.effect)
    avg = float(np.mean(diff))
    effect_txt = n.fig(f"effect:{o.key}", o.effect, sign=True)
    if abs(total) < 0.5:
        n.add("para", f"Geen effect op de reserve in {last}.")
    else:
        n.add("para", f"Gemiddeld {euro(abs(avg))} euro per jaar {_verb(avg, 'beter', 'slechter')} dan het plan; "
                      f"de reserve {last} wordt {n.fig(reserve_key(o), float(o.m2[GBR][-1]))} euro, "
                      f"{effect_txt} euro tegenover het plan.")
    header, rows = _cost_rows(n, o, plan)
    n.add("table", header=header, rows=rows, widths=[5.6] + [1.9] * len(years))
    n.add("subheading", "De normen")
    items = []
    for key, st, txt in _norms(o.m2):
        kind = KIND_LABEL[norm_kind(key, o.m2.norms[key])]
        what = norm_title(key, last, o.m2.norms[key]).split(": ", 1)[1]
        extra = ""
        if key == "afm_last_year_nonnegative":
            extra = f" (autofinancieringsmarge {n.fig(afm_key(o), float(o.m2[AFM][-1]))} euro)"
        items.append(f"{'✔' if st == 'ok' else '✘'} {kind}, {what}: {txt}{extra}.")
    n.add("bullets", items=items)
    n.add("subheading", "Risico")
    n.add("para", o.risk or _risk(o, plan))
    _member_block(n, o, inp)


def _risk(o: Option, plan: M2Result) -> str:
    """A risk sentence from the figures when the voorstel gives none."""
    last = plan.years[-1]
    m2 = o.m2
    texts = []
    if m2.minimum_reserve is not None and not m2.norms["reserve_above_minimum"].ok:
        year = m2.norms["reserve_above_minimum"].first_breach_year
        texts.append(f"De reserve zakt onder de minimumreserve vanaf {year}.")
    if not m2.norms["bbr_nonnegative"].ok:
        texts.append(f"Het beschikbaar resultaat wordt negatief vanaf {m2.norms['bbr_nonnegative'].first_breach_year}: "
                     "dat laat de wet niet toe.")
    if float(m2[AFM][-1]) < -HALF_CENT:
        texts.append(f"De autofinancieringsmarge blijft negatief in {last}: de werking kost meer dan ze opbrengt, "
                     "en elk jaar teert de reserve verder in.")
    if not texts:
        margin = float(np.min(m2[GBR] - (m2.minimum_reserve if m2.minimum_reserve is not None else 0.0)))
        texts.append(f"Alle normen blijven gehaald; de kleinste marge boven de minimumreserve is {euro(margin)} euro. "
                     "Het plan zelf noemt als risico dat subsidies vaak vast liggen en de indexering niet volgen.")
    return " ".join(texts)


def _member_block(n: Nota, o: Option, inp: NotaInput) -> None:
    if not inp.members:
        return
    last = inp.plan.years[-1]
    base = float(inp.baseline.contribution[-1])  # type: ignore[attr-defined]
    delta = float(o.contribution[-1]) - base
    needed = float(o.contribution[-1]) * o.needed_pct
    n.add("subheading", "Per deelgenoot")
    if abs(delta) < 0.5 and abs(needed) < 0.5:
        n.add("para", f"De bijdrage per deelgenoot verandert niet door deze optie, en er is geen extra bijdrage "
                      f"nodig om de doelen te halen (bijdrage {last} volgens het plan: {euro(base)} euro in totaal).")
        return
    header = ["Deelgenoot", "Sleutel", f"Bijdrage {last} (plan)", "Verschil door deze optie"]
    if abs(needed) >= 0.5:
        header.append(f"Extra nodig voor de doelen in {last}")
    rows = []
    for m in inp.members:
        row = [m.name, euro(m.share * 100, 2) + "%", euro(base * m.share), euro(delta * m.share)]
        if abs(needed) >= 0.5:
            row.append(euro(needed * m.share))
        rows.append(row)
    total = ["Totaal", "100,00%", euro(base), euro(delta)] + ([euro(needed)] if abs(needed) >= 0.5 else [])
    rows.append(total)
    n.add("table", header=header, rows=rows, widths=[3.6, 2.0, 3.4, 3.4] + ([3.6] if len(header) > 4 else []),
          bold_rows={len(rows) - 1})
    n.add("note", f"Euro per jaar in {last}. Verdeelsleutel: {inp.members_source or 'blad Deelgenoten.'}")


def _annexes(n: Nota, inp: NotaInput, reserve_key, afm_key, names) -> None:
    plan = inp.plan
    last = plan.years[-1]
    number = 0

    def annex(title: str) -> None:
        nonlocal number
        number += 1
        n.add("heading", f"Bijlage {number}: {title}")

    if inp.others:
        annex("Andere scenario's")
        n.add("para", "Scenario's die geen optie zijn maar een risico of een vraag van de raad: wat er gebeurt, "
                      "met hun effect op de reserve en de autofinancieringsmarge.")
        header = ["Scenario", f"Reserve {last}", "Verschil met het plan", f"Autofinancieringsmarge {last}"]
        rows = [[o.title, n.fig(reserve_key(o), float(o.m2[GBR][-1])), n.fig(f"effect:{o.key}", o.effect, sign=True),
                 n.fig(afm_key(o), float(o.m2[AFM][-1]))] for o in inp.others]
        status = {(r, 3): ("ok" if float(o.m2[AFM][-1]) >= -HALF_CENT else "breach") for r, o in enumerate(inp.others)}
        n.add("table", header=header, rows=rows, status=status, widths=[7.5, 3.2, 3.2, 3.6])
        n.add("bullets", items=[f"{o.title}: {o.what} {_risk(o, plan)}" for o in inp.others])
        n.add("pagebreak")

    annex("Aannames en bronnen")
    n.add("bullets", items=inp.assumptions)
    n.add("pagebreak")

    annex("Onzekerheid")
    sim = inp.simulation
    if sim is None:
        n.add("para", "Er is geen scenario met onzekerheid meegegeven: deze nota toont alleen vaste scenario's.")
    else:
        from ..montecarlo import PERCENTILES

        q = sim.percentiles[GBR]  # type: ignore[attr-defined]
        low, mid, high = (float(q[PERCENTILES.index(p)][-1]) for p in (5, 50, 95))
        n.add("para", f"{plain(sim.title, names)}. De raad vroeg wat er gebeurt als inflatie, bijdrage en de "  # type: ignore[attr-defined]
                      f"verlenging van subsidies anders uitvallen dan gepland. Die onzekerheden zijn "
                      f"{sim.paths:_} keer samen getrokken.".replace("_", "."))  # type: ignore[attr-defined]
        n.add("para", f"In 9 van de 10 gevallen ligt de reserve eind {last} tussen {euro(low)} en {euro(high)} euro; "
                      f"in de helft van de gevallen hoger dan {euro(mid)} euro.")
        p_afm = float(sim.p_afm_last_negative)  # type: ignore[attr-defined]
        n.add("para", f"De kans dat de autofinancieringsmarge in {last} negatief is (het engagement van W13 niet "
                      f"gehaald): ongeveer {round(p_afm * 10):d} op 10 ({euro(p_afm * 100)}%).")
        p_min = sim.p_reserve_below_minimum_any  # type: ignore[attr-defined]
        if p_min is not None and sim.minimum_reserve is not None:  # type: ignore[attr-defined]
            m_end = float(sim.minimum_reserve[-1])  # type: ignore[attr-defined]
            n.add("para", f"De kans dat de reserve ooit onder de minimumreserve zakt: ongeveer {round(p_min * 10):d} "
                          f"op 10 ({euro(p_min * 100)}%). De minimumreserve is hier 10% van de loonkost, zoals het "
                          f"plan de verandering ervan berekent (3.7): omdat de lonen in deze berekening met de "
                          f"spilindex stijgen, ligt ze in {last} rond {euro(m_end)} euro in plaats van "
                          f"{n.fig('minimum_end', float(plan.minimum_reserve[-1]))} euro."
                          if plan.minimum_reserve is not None else "")
    n.add("pagebreak")

    annex("Realisatie")
    for line in inp.realisatie or ["Er is nog geen jaarrekening voor een jaar van dit plan."]:
        n.add("para", line)
    n.add("pagebreak")

    annex("Woordenlijst")
    n.add("bullets", items=[
        "Reserve: het gecumuleerd budgettair resultaat, wat W13 op het einde van het jaar over heeft.",
        "Minimumreserve: het sociaal passief, de reserve die W13 als beleid minstens aanhoudt.",
        "Autofinancieringsmarge: wat de gewone werking overhoudt om leningen af te lossen; W13 heeft geen "
        "leningen, dus het verschil tussen de ontvangsten en de uitgaven van de werking.",
        "Beschikbaar resultaat: het beschikbaar budgettair resultaat, de reserve min de onbeschikbare gelden "
        "(bij W13 nul).",
        "Bijdrage lokale besturen: wat de deelgenoten (de OCMW's) jaarlijks aan W13 betalen; ze volgt de "
        "consumptieprijsindex vanaf 2027 (statuten, art. 9).",
        "Basiswerking: de werking die W13 met de bijdrage van de deelgenoten betaalt, niet met subsidies.",
        "VTE: voltijds equivalent.",
    ])
