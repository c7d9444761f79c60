"""The input contract: every sheet w13xl reads, declared once, as data.

Each :class:`SheetSpec` gives a sheet's name and aliases, its columns (name, aliases, type,
unit, required or optional, bounds, description), the commands that read it and what is
assumed when an optional sheet is absent. Readers find sheets and columns through it
(:func:`w13xl.sheets.find_sheet`), and ``docs/invoer.md`` is generated from it
(:func:`markdown`; a test checks the page equals what this module generates).

User-facing texts (descriptions, assumptions) are Dutch; identifiers English. Pure data: no I/O.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

#: Column types (Dutch words, as shown in the docs).
TEXT, AMOUNT, FRACTION, NUMBER, YEAR, DATE, ACTION, DIRECTION, CATEGORY = (
    "tekst", "bedrag", "fractie", "getal", "jaar", "datum", "actiecode", "O/U", "categorie")

#: Commands that read a workbook's plan (budget sheet, Categorieën, Parameters).
PLAN_COMMANDS = ("m2", "run", "compare", "board", "raster", "simulate", "cliffs", "solve", "aannames",
                 "subsidies", "personeel", "schema", "realisatie", "versies", "herraming")
#: Commands that apply scenarios (and read the roster, scales, subsidies, index classes).
SCENARIO_COMMANDS = ("run", "compare", "board", "raster", "simulate", "cliffs", "solve", "aannames",
                     "subsidies", "personeel")


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str
    description: str
    unit: str = ""
    required: bool = True
    aliases: tuple[str, ...] = ()
    bounds: tuple[float | None, float | None] | None = None

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class SheetSpec:
    key: str
    name: str
    description: str
    columns: tuple[ColumnSpec, ...]
    commands: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    required: bool = False
    #: What w13xl assumes when the (optional) sheet is absent; empty: nothing changes.
    absent: str = ""

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def column(self, name: str) -> ColumnSpec:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def normalise(name: object) -> str:
    """THE rule for matching sheet names and column headers: Unicode NFC, case folded, surrounding
    spaces removed and inner runs of spaces made one. 'Parameters ', 'PARAMETERS' and a
    'Categorieën' saved with a decomposed é all match the declared name."""
    text = unicodedata.normalize("NFC", str(name)).casefold()
    return " ".join(text.split())


_YEARS = ColumnSpec("2026 ... 2031", YEAR, "Eén kolom per jaar, opeenvolgend; de kop is een jaartal of een "
                    "tekst met een jaartal ('Som van 2026 DT', 'JR 2024', 'MJP 2026').", unit="euro")

BUDGET_TABLE = SheetSpec(
    "budget_table", "Synthese",
    "De begroting in tabelvorm: één rij per actie, categorie en richting. Uitgaven negatief of positief "
    "(het teken wordt per blad bepaald). Eén begrotingsblad is verplicht: deze tabel of de draaitabel.",
    (
        ColumnSpec("Actie", ACTION, "Actiecode, bv. A10101.", aliases=("actiecode", "code", "action")),
        ColumnSpec("Naam", TEXT, "Naam van de actie.", required=False,
                   aliases=("actienaam", "omschrijving", "name", "actie naam")),
        ColumnSpec("Beleidsdoelstelling", TEXT, "Beleidsdoelstelling van de actie.", required=False,
                   aliases=("bd", "beleidsdomein")),
        ColumnSpec("Actieplan", TEXT, "Actieplan, bv. AP101.", required=False, aliases=("ap",)),
        ColumnSpec("Categorie", CATEGORY, "exploitatie, investeringen of financiering; zonder kolom: "
                   "het blad Categorieën, anders exploitatie.", required=False,
                   aliases=("category", "budgetcategorie")),
        ColumnSpec("Richting", DIRECTION, "O (ontvangsten) of U (uitgaven).",
                   aliases=("o/u", "direction", "ontvangst/uitgave")),
        _YEARS,
    ),
    PLAN_COMMANDS, aliases=("Begroting", "Budget"), required=True,
)

BUDGET_PIVOT = SheetSpec(
    "budget_pivot", "Synthese (export)",
    "De draaitabel uit het budgetpakket: 'Rijlabels', dan per actie een rij 'A10101 RCK' (het saldo) "
    "met daaronder een O-rij en een U-rij, tot 'Eindtotaal'. Het saldo van elke actie en het "
    "eindtotaal worden tegen de O- en U-rijen nagerekend (op een cent). In plaats van de tabel Synthese; "
    "elke bladnaam (kies het blad met --sheet).",
    (
        ColumnSpec("Rijlabels", TEXT, "Actierij ('A10101 RCK'), 'O', 'U' of 'Eindtotaal'.",
                   aliases=("row labels",)),
        ColumnSpec("Som van 2026 DT ...", YEAR, "Eén kolom per jaar, opeenvolgend.", unit="euro"),
    ),
    PLAN_COMMANDS, required=True,
)

CATEGORIES = SheetSpec(
    "categories", "Categorieën",
    "Welke (delen van) lijnen investeringen of financiering zijn; de rest is exploitatie.",
    (
        ColumnSpec("Actie", ACTION, "Actiecode."),
        ColumnSpec("Richting", DIRECTION, "O of U."),
        ColumnSpec("Categorie", CATEGORY, "investeringen of financiering."),
        ColumnSpec("2026 ... 2031", YEAR, "Het deel dat verhuist (positief); leeg: de hele lijn.",
                   unit="euro", required=False, bounds=(0, None)),
    ),
    PLAN_COMMANDS, aliases=("Categorieen", "Categorie"),
    absent="alle lijnen van een blad zonder kolom Categorie zijn exploitatie (investeringen tellen dan "
           "mee in het exploitatiesaldo en de AFM)",
)

PARAMETERS = SheetSpec(
    "parameters", "Parameters",
    "Eén parameter per rij (label | waarde), met jaarkolommen voor waarden per jaar; de labels staan in "
    "de tabel 'Parameters' hieronder.",
    (
        ColumnSpec("Parameter", TEXT, "Het label van de parameter.", aliases=("naam", "omschrijving")),
        ColumnSpec("Waarde", NUMBER, "Bedrag in euro of fractie (0,1 = 10%, of tekst '10%').", required=False),
        ColumnSpec("2026 ... 2031", YEAR, "Waarden per jaar (jaarlijkse parameters).", required=False),
    ),
    PLAN_COMMANDS, aliases=("Parameter",),
    absent="gecumuleerd budgettair resultaat vorig boekjaar 0 (de reserve begint bij 0), geen minimumreserve, "
           "geen schulden",
)

ROSTER = SheetSpec(
    "roster", "Personeel",
    "Het personeelsbestand: één rij per positie.",
    (
        ColumnSpec("positie", TEXT, "Unieke code van de positie."),
        ColumnSpec("functie", TEXT, "Functie.", required=False),
        ColumnSpec("niveau", TEXT, "Niveau A tot E."),
        ColumnSpec("schaal", TEXT, "Weddeschaal, bv. B1-B3 (zie Weddeschalen)."),
        ColumnSpec("trap", NUMBER, "Anciënniteit in jaren op 1 januari van het eerste planjaar.", unit="jaar",
                   bounds=(0, 60)),
        ColumnSpec("vte", NUMBER, "Voltijdse equivalenten.", unit="VTE", bounds=(0, 1)),
        ColumnSpec("actie", ACTION, "De actie die de loonkost draagt."),
        ColumnSpec("financiering", TEXT, "basiswerking of de id van een subsidie."),
        ColumnSpec("start", DATE, "Begindatum.", required=False),
        ColumnSpec("einde", DATE, "Einddatum (leeg: loopt door).", required=False),
        ColumnSpec("persoon", TEXT, "Wie (mag leeg).", required=False),
    ),
    SCENARIO_COMMANDS, aliases=("Personeelsbestand", "Personeelsleden"),
    absent="geen personeel: personeelseffecten (loon na een subsidie-einde, opzeg, aanwervingen) zijn 0",
)

SCALES = SheetSpec(
    "scales", "Weddeschalen",
    "Weddeschalen (jaarbedrag aan 100% per schaal en trap) en rechts een blok Parameter | Waarde met de "
    "werkgeverskosten (salariscoëfficiënt, RSZ werkgever, vakantiegeld, ...).",
    (
        ColumnSpec("schaal", TEXT, "Schaal, bv. B1-B3."),
        ColumnSpec("trap", NUMBER, "Anciënniteit in jaren.", unit="jaar", bounds=(0, 60)),
        ColumnSpec("bedrag_100", AMOUNT, "Jaarbedrag aan 100%.", unit="euro", bounds=(0, None)),
        ColumnSpec("graad", TEXT, "Graad.", required=False),
        ColumnSpec("Parameter", TEXT, "Label van een werkgeverskost.", required=False),
        ColumnSpec("Waarde", FRACTION, "Fractie (0,32 = 32%) of bedrag.", required=False),
    ),
    SCENARIO_COMMANDS, aliases=("Weddeschaal", "Loonschalen"),
    absent="geen weddeschalen: personeelswijzigingen worden geweigerd",
)

SUBSIDIES = SheetSpec(
    "subsidies", "Subsidies",
    "Het subsidieregister: één rij per subsidie.",
    (
        ColumnSpec("id", TEXT, "Unieke code, bv. SUB-PACT."),
        ColumnSpec("naam", TEXT, "Naam.", required=False),
        ColumnSpec("actie", ACTION, "De actie met de ontvangstenlijn."),
        ColumnSpec("financier", TEXT, "Wie betaalt."),
        ColumnSpec("bedrag", TEXT, "'O-lijn' (de hele ontvangstenlijn) of een bedrag.", unit="euro"),
        ColumnSpec("start", DATE, "Begindatum.", required=False),
        ColumnSpec("einde", DATE, "Einddatum.", required=False),
        ColumnSpec("indexklasse", TEXT, "vast, loon, prijzen, ...", required=False),
        ColumnSpec("overhead", FRACTION, "Overhead naar A50111 (0,15 = 15%).", required=False, bounds=(0, 1)),
        ColumnSpec("posities", TEXT, "Posities die de subsidie betaalt.", required=False),
        ColumnSpec("verwijzing", TEXT, "Planpassage, of 'aanname' met de reden."),
    ),
    SCENARIO_COMMANDS, aliases=("Subsidieregister",),
    absent="geen subsidieregister: wijzigingen aan subsidies worden geweigerd",
)

INDEXATION = SheetSpec(
    "indexation", "Indexering",
    "Indexklasse per lijn (of deel van een lijn).",
    (
        ColumnSpec("Actie", ACTION, "Actiecode."),
        ColumnSpec("Richting", DIRECTION, "O of U."),
        ColumnSpec("Klasse", TEXT, "loon, prijzen, bijdrage, volgt_loon, vast of doorgestort."),
        ColumnSpec("Aandeel", FRACTION, "Deel van de (rest van de) lijn.", bounds=(0, 1)),
        ColumnSpec("Bron", TEXT, "Planpassage of 'aanname'.", required=False),
    ),
    SCENARIO_COMMANDS,
    absent="wat geen rij dekt, is 'vast' (niet geïndexeerd), behalve het loondeel uit het personeelsbestand",
)

SCENARIOS = SheetSpec(
    "scenarios", "Scenario's",
    "Scenario's in Excel: één rij per wijziging (dezelfde wijzigingen als in de TOML-bestanden).",
    (
        ColumnSpec("Scenario", TEXT, "Naam van het scenario."),
        ColumnSpec("Titel", TEXT, "Titel.", required=False),
        ColumnSpec("Basis", TEXT, "Het scenario waarop dit verder bouwt.", required=False),
        ColumnSpec("Type", TEXT, "Soort wijziging (subsidy_end, contribution, hire, ...)."),
        ColumnSpec("Subsidie", TEXT, "Id van een subsidie.", required=False),
        ColumnSpec("Positie", TEXT, "Id van een positie.", required=False),
        ColumnSpec("Actie", ACTION, "Actiecode.", required=False),
        ColumnSpec("Datum", DATE, "Datum.", required=False),
        ColumnSpec("Percentage", FRACTION, "Fractie (0,03 = 3%) of tekst '3%'; '3' wordt geweigerd.",
                   required=False),
        ColumnSpec("Jaar", YEAR, "Jaar.", required=False),
        ColumnSpec("Beleid", TEXT, "stop, keep_staff, ...", required=False),
        ColumnSpec("Opzeg (maanden)", NUMBER, "Opzegtermijn.", unit="maanden", required=False, bounds=(0, 60)),
        ColumnSpec("Omschrijving", TEXT, "Vrije tekst.", required=False),
    ),
    SCENARIO_COMMANDS, aliases=("Scenarios", "Scenario\u2019s"),
)

ACCOUNTS = SheetSpec(
    "accounts", "Rekening 2024",
    "Een jaarrekening of andere versie van het budget (tabel of draaitabel, jaarkolommen zoals 'JR 2024'); "
    "gevonden als blad waarvan de naam begint met Rekening, Jaarrekening, JR of Realisatie, of met "
    "--accounts-sheet.",
    (
        ColumnSpec("Rijlabels / Actie", TEXT, "Zoals het begrotingsblad."),
        ColumnSpec("JR 2024 ...", YEAR, "Eén kolom per jaar.", unit="euro"),
    ),
    ("realisatie", "versies", "herraming"),
)

ACTION_MAPPING = SheetSpec(
    "action_mapping", "Actiemapping",
    "Oude actiecode -> nieuwe actiecode (rekeningen van het vorige plan tegen het nieuwe).",
    (
        ColumnSpec("Oude actie", ACTION, "Code in de rekening."),
        ColumnSpec("Nieuwe actie", ACTION, "Code in het plan."),
        ColumnSpec("Toelichting", TEXT, "Waarom.", required=False),
    ),
    ("realisatie", "versies", "herraming"), aliases=("Actie-mapping", "Acties oud-nieuw"),
)

ECONOMIC = SheetSpec(
    "economic", "Economische aard",
    "Economische rubriek per lijn of deel van een lijn (schema's T2, M3, T3); * = de rest.",
    (
        ColumnSpec("Actie", ACTION, "Actiecode."),
        ColumnSpec("Categorie", CATEGORY, "Categorie."),
        ColumnSpec("Richting", DIRECTION, "O of U."),
        ColumnSpec("Rubriek", TEXT, "Economische rubriek.", aliases=("economische rubriek", "economische aard")),
        ColumnSpec("2026 ... 2031", YEAR, "Deel van de lijn, of *.", unit="euro", required=False),
    ),
    ("schema",), aliases=("Economische rubrieken", "T2-mapping"),
    absent="elke lijn gaat naar de standaardrubriek van haar categorie en richting",
)

FUNCTIONAL = SheetSpec(
    "functional", "Beleidsvelden",
    "Beleidsveld per lijn of deel van een lijn (schema T1); * = de rest.",
    (
        ColumnSpec("Actie", ACTION, "Actiecode."),
        ColumnSpec("Categorie", CATEGORY, "Categorie."),
        ColumnSpec("Richting", DIRECTION, "O of U."),
        ColumnSpec("Beleidsveld", TEXT, "Beleidsveld.", aliases=("functie",)),
        ColumnSpec("2026 ... 2031", YEAR, "Deel van de lijn, of *.", unit="euro", required=False),
    ),
    ("schema",), aliases=("Beleidsveld", "T1-mapping"),
    absent="elke lijn gaat naar het standaardbeleidsveld",
)

#: Every sheet, in the order of the docs.
SHEETS: tuple[SheetSpec, ...] = (BUDGET_TABLE, BUDGET_PIVOT, CATEGORIES, PARAMETERS, ROSTER, SCALES, SUBSIDIES,
                                 INDEXATION, SCENARIOS, ACCOUNTS, ACTION_MAPPING, ECONOMIC, FUNCTIONAL)
BY_KEY = {s.key: s for s in SHEETS}


def markdown() -> str:
    """The page docs/invoer.md: the sheets and columns of the contract (and the parameter labels)."""
    from .params import PARAM_SPECS

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    out = ["# Invoer: de bladen en kolommen die w13xl leest", "",
           "<!-- Gegenereerd uit w13xl/contract.py (w13xl.contract.markdown()); niet met de hand bewerken. -->", "",
           "Bladnamen en kolomkoppen worden vergeleken na normalisatie: Unicode NFC, hoofdletters genegeerd, "
           "spaties eromheen genegeerd. Twee bladen die zo gelijk zijn (bv. `Parameters` en `PARAMETERS`) "
           "worden geweigerd. Een optioneel blad dat ontbreekt, geeft een waarschuwing met wat w13xl dan "
           "aanneemt.", "",
           "## Regels voor alle bladen", "",
           "- **Percentages**: een getal is een fractie (0,05 = 5%), tekst met % een percentage ('5%'). Een kaal "
           "getal 1 waar een percentage verwacht wordt, is dubbelzinnig (1% of 100%?) en wordt geweigerd met beide "
           "lezingen; schrijf '1%' of '100%'. Dezelfde regel geldt in TOML-bestanden, op het blad Scenario's, op "
           "het blad Parameters en op de opdrachtregel.",
           "- **Bedragen**: '10%' is geen bedrag (bv. `--minimum-reserve 10%` wordt geweigerd); een minimumreserve "
           "is nooit negatief; een bedrag vanaf 1e12 euro wordt geweigerd met de cel. Sommen die elkaar "
           "opheffen, worden exact opgeteld (math.fsum).",
           "- **Jaarkoppen**: een kop die als datum is opgemaakt (of 2026 in een datumcel) wordt gelezen als het "
           "jaar dat hij toont, met een waarschuwing en de cel; een datum met een uur wordt geweigerd.",
           "- **Draaitabel**: het saldo van elke actie en het eindtotaal moeten op een cent gelijk zijn aan de "
           "O- en U-rijen, anders een fout met beide cellen; een totaalrij met nog acties eronder wordt geweigerd.",
           "- **Verborgen rijen en kolommen** met bedragen tellen mee; een waarschuwing noemt ze.",
           "- **Schrijven**: elke fout (alleen-lezen, schijf vol, naam te lang, geen toestemming) is één regel "
           "`Fout:` met het pad. `board --into` schrijft in het echte bestand achter een snelkoppeling, weigert "
           "een harde koppeling en een werkboek dat open is in Excel (`~$NAAM`) of LibreOffice "
           "(`.~lock.NAAM#`), verwijdert alleen bladen die het zelf schreef (een kopie `W13 Overzicht (2)` "
           "blijft) en vervangt het bestand niet als het tijdens de berekening gewijzigd is.",
           ""]
    for s in SHEETS:
        out.append(f"## {s.name}")
        out.append("")
        out.append(s.description)
        out.append("")
        if s.aliases:
            out.append("Ook gevonden als: " + ", ".join(f"`{a}`" for a in s.aliases) + ".")
            out.append("")
        out.append(f"{'Verplicht' if s.required else 'Optioneel'}; gelezen door: "
                   + ", ".join(f"`{c}`" for c in s.commands) + ".")
        out.append("")
        if s.absent:
            out.append(f"Zonder dit blad: {s.absent}.")
            out.append("")
        out.append("| Kolom | Ook | Type | Eenheid | Verplicht | Grenzen | Omschrijving |")
        out.append("|---|---|---|---|---|---|---|")
        for c in s.columns:
            bounds = ""
            if c.bounds:
                lo, hi = c.bounds
                bounds = (f"{'' if lo is None else _num(lo)} .. {'' if hi is None else _num(hi)}").strip()
            out.append(f"| {cell(c.name)} | {cell(', '.join(c.aliases))} | {c.type} | {c.unit} | "
                       f"{'ja' if c.required else 'nee'} | {bounds} | {cell(c.description)} |")
        out.append("")
        if s is PARAMETERS:
            out.append("| Parameter | Ook | Per jaar |")
            out.append("|---|---|---|")
            for p in PARAM_SPECS:
                out.append(f"| {cell(p.label)} | {cell(', '.join(p.aliases))} | {'ja' if p.yearly else 'nee'} |")
            out.append("")
    return "\n".join(out)


def _num(x: float) -> str:
    return f"{x:g}".replace(".", ",")


if __name__ == "__main__":  # pragma: no cover - regenerates docs/invoer.md
    import sys
    from pathlib import Path

    Path(sys.argv[1] if len(sys.argv) > 1 else "docs/invoer.md").write_text(markdown() + "\n", encoding="utf-8")
