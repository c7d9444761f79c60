"""Build the sample workbook ``workbooks/w13-mjp-2026-2031.xlsx`` from the plan's figures.

Run ``uv run python -m w13xl.sample [PATH]``. The figures come from the package data
(``w13xl/data/mjp-2026-2031-synthese.csv``, transcribed from the plan's synthesis table);
rebuilding gives the same cell contents.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

SAMPLE_PATH = Path("workbooks/w13-mjp-2026-2031.xlsx")
YEARS = list(range(2026, 2032))
MONEY = '#,##0.00;[Red]-#,##0.00'
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
ILLUSTRATIVE_FILL = PatternFill("solid", fgColor="FFF2CC")
FIXED_DATE = dt.datetime(2026, 1, 1)

#: Parts of pivot lines that are investments (the pivot has no category column).
CATEGORY_MAPPING = [
    ("A10402", "O", "investeringen", None),
    ("A10402", "U", "investeringen", None),
    ("A50111", "U", "investeringen", [15000, 10000, 9500, 9000, 8500, 8000]),
]


def synthesis_rows() -> list[dict]:
    """The plan's per-action lines (U negative), as in the CSV."""
    with resources.files("w13xl.data").joinpath("mjp-2026-2031-synthese.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _header(ws, row: int, values: list, widths: list[int] | None = None) -> None:
    for c, v in enumerate(values, start=1):
        cell = ws.cell(row=row, column=c, value=v)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for c, w in enumerate(widths or [], start=1):
        ws.column_dimensions[get_column_letter(c)].width = w


def add_readme(wb: Workbook) -> None:
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet
    ws.title = "Toelichting"
    lines = [
        "W13 meerjarenplan 2026-2031: voorbeeldwerkmap voor w13xl",
        "",
        "Synthese: de ramingen per actie in tabelvorm (één rij per actie, categorie en richting; U negatief).",
        "Synthese (export): dezelfde cijfers zoals het budgetpakket ze als draaitabel exporteert.",
        "Categorieën: welke delen van de export investeringen zijn (de draaitabel heeft geen categorie).",
        "Parameters: gecumuleerd budgettair resultaat vorig boekjaar, minimumreserve, leningen, ...",
        "",
        "Bron: meerjarenplan 2026-2031 van W13, bijlage 3.1 'Eigen synthese' en schema M2.",
        "Aangemaakt door: uv run python -m w13xl.sample",
    ]
    for r, text in enumerate(lines, start=1):
        ws.cell(row=r, column=1, value=text)
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 100


def add_synthese(wb: Workbook, rows: list[dict]) -> None:
    ws = wb.create_sheet("Synthese")
    header = ["Beleidsdoelstelling", "Actieplan", "Actie", "Naam", "Categorie", "Richting", *map(str, YEARS)]
    _header(ws, 1, header, [20, 10, 10, 34, 14, 9] + [15] * len(YEARS))
    for r, row in enumerate(rows, start=2):
        values = [row["beleidsdoelstelling"], row["actieplan"], row["actie"], row["naam"], row["categorie"],
                  row["richting"], *[float(row[str(y)]) for y in YEARS]]
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=v)
            if c > 6:
                cell.number_format = MONEY
    ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    table = Table(displayName="tblSynthese", ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = "G2"


def add_export(wb: Workbook, rows: list[dict]) -> None:
    """The pivot layout of the budget package: action rows, then O and U rows (U negative)."""
    ws = wb.create_sheet("Synthese (export)")
    ws["A1"] = "Synthese MJP 2026-2031"
    ws["A1"].font = Font(bold=True, size=12)
    _header(ws, 3, ["Rijlabels", *[f"Som van {y} DT" for y in YEARS]], [38] + [16] * len(YEARS))
    actions: dict[str, dict] = {}
    for row in rows:
        a = actions.setdefault(row["actie"], {"naam": row["naam"], "O": [0.0] * len(YEARS), "U": [0.0] * len(YEARS),
                                             "has": set()})
        for i, y in enumerate(YEARS):
            a[row["richting"]][i] += float(row[str(y)])
        a["has"].add(row["richting"])
    r = 4
    total = [0.0] * len(YEARS)
    for code, a in actions.items():
        net = [o + u for o, u in zip(a["O"], a["U"], strict=True)]
        total = [t + n for t, n in zip(total, net, strict=True)]
        ws.cell(row=r, column=1, value=f"{code} {a['naam']}").font = Font(bold=True)
        for c, v in enumerate(net, start=2):
            ws.cell(row=r, column=c, value=round(v, 2)).number_format = MONEY
        r += 1
        for direction in ("O", "U"):
            if direction not in a["has"]:
                continue
            ws.cell(row=r, column=1, value=direction).alignment = Alignment(indent=1)
            for c, v in enumerate(a[direction], start=2):
                ws.cell(row=r, column=c, value=round(v, 2)).number_format = MONEY
            r += 1
        if code == "A10104":  # the export holds a duplicated empty row here, as real exports do
            ws.cell(row=r, column=1, value="U").alignment = Alignment(indent=1)
            r += 1
        r += 1  # an empty row between actions, as in the plan's appendix
    ws.cell(row=r, column=1, value="Eindtotaal").font = Font(bold=True)
    for c, v in enumerate(total, start=2):
        ws.cell(row=r, column=c, value=round(v, 2)).number_format = MONEY
    ws.freeze_panes = "B4"


def add_mapping(wb: Workbook) -> None:
    ws = wb.create_sheet("Categorieën")
    ws["A1"] = ("Lege jaarkolommen: de hele lijn gaat naar de categorie. "
                "Bedragen: dat deel (positief) gaat naar de categorie, de rest blijft exploitatie.")
    _header(ws, 3, ["Actie", "Richting", "Categorie", *map(str, YEARS)], [10, 9, 14] + [12] * len(YEARS))
    for r, (action, direction, category, amounts) in enumerate(CATEGORY_MAPPING, start=4):
        ws.cell(row=r, column=1, value=action)
        ws.cell(row=r, column=2, value=direction)
        ws.cell(row=r, column=3, value=category)
        for c, v in enumerate(amounts or [], start=4):
            ws.cell(row=r, column=c, value=v).number_format = MONEY


def add_parameters(wb: Workbook) -> None:
    ws = wb.create_sheet("Parameters")
    _header(ws, 1, ["Parameter", "Waarde", *map(str, YEARS)], [52, 16] + [14] * len(YEARS))
    rows: list[tuple[str, float | str | None, list | None]] = [
        ("Gecumuleerd budgettair resultaat vorig boekjaar", 404701.70, None),
        ("Minimumreserve", 211211.09, None),
        ("Minimumreserve (% jaarloonkost)", 0.10, None),
        ("Onbeschikbare gelden", None, [0] * len(YEARS)),
        ("Periodieke aflossingen", None, [0] * len(YEARS)),
        ("Periodieke terugvorderingen", None, [0] * len(YEARS)),
        ("Financiële schulden op 1 januari", None, [0] * len(YEARS)),
        ("Aangewezen aflossingen (% financiële schulden)", 0.08, None),
        ("Standaardindex", 0.02, None),
        ("Bijdrage lokale besturen", None, [round(801391 * 1.02 ** k, 2) for k in range(len(YEARS))]),
        ("Inwoners", 332211, None),
        ("Bijdrage lokale besturen: CPI-gekoppeld deel", 1.0, None),
        ("Soort bestuur", "OCMW-vereniging", None),
    ]
    for r, (label, value, per_year) in enumerate(rows, start=2):
        ws.cell(row=r, column=1, value=label)
        if isinstance(value, str):
            ws.cell(row=r, column=2, value=value)
        elif value is not None:
            cell = ws.cell(row=r, column=2, value=value)
            cell.number_format = ("0%" if value < 1 or label.endswith("deel") else
                                  ("#,##0" if label == "Inwoners" else MONEY))
        for c, v in enumerate(per_year or [], start=3):
            ws.cell(row=r, column=c, value=v).number_format = MONEY
    r = len(rows) + 3
    ws.cell(row=r, column=1, value="Soort bestuur: W13 is een OCMW-vereniging (plan: „W13 is de welzijnsvereniging "
                                   "van 14 OCMW's”). Dat bepaalt welke controles wettelijke normen zijn: gemeente, "
                                   "OCMW, OCMW-vereniging of AGB (zie docs/normen.md).")
    r += 1
    ws.cell(row=r, column=1, value="Minimumreserve = sociaal passief, beleid van W13 (plan 3.3: „met het absolute "
                                   "minimum van het sociaal passief”): 211.211,09 zoals gegeven in het plan (3.1). "
                                   "Het plan rekent het sociaal passief als 10% van de totale jaarloonkost (3.7), "
                                   "maar 211.211,09 is geen 10% van de personeelskost van een planjaar: het bedrag "
                                   "geldt zoals gegeven; de 10%-regel is de methode voor wijzigingen (een scenario "
                                   "verschuift de minimumreserve met 10% van zijn wijziging in jaarloonkost "
                                   "tegenover het plan, per jaar).")
    ws.cell(row=r + 2, column=1, value=(
        "CPI-gekoppeld deel: aanname 100%. Het plan boekt 801.391 (T2 'van het OCMW', 2026) en laat het elk jaar "
        "exact 2% groeien; 3.3 koppelt 'de basisbijdrage' aan de consumptieprijzen vanaf 1 januari 2027; 3.7 noemt "
        "voor 2025 een bijdrage van 391.186,74 en verklaart de sprong niet. Is enkel een deel CPI-gekoppeld, zet dan "
        "dat deel (bv. 48,81% = 391.186,74 / 801.391): zie 'w13xl aannames' voor het effect op een indexschok."))
    ws.cell(row=r + 1, column=1, value="Bijdrage lokale besturen: 801.391 in 2026, +2% per jaar in het plan; "
                                       "inwoners: 332.211 (regio Zuid-West-Vlaanderen, 2024).")


def _csv_rows(name: str) -> list[list[str]]:
    with resources.files("w13xl.data").joinpath(name).open(encoding="utf-8") as fh:
        return [row for row in csv.reader(fh) if row and not row[0].startswith("#")]


def _typed(value: str, column: str) -> object:
    """CSV text to a cell value: dates as dates, numbers as numbers."""
    if value == "":
        return None
    if column in ("start", "einde"):
        return dt.date.fromisoformat(value)
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() and column in ("trap",) else number


def _table_sheet(wb: Workbook, title: str, note: str, rows: list[list[str]], widths: list[int]) -> None:
    ws = wb.create_sheet(title)
    ws["A1"] = note
    ws["A1"].font = Font(italic=True, color="7F6000")
    ws["A1"].fill = ILLUSTRATIVE_FILL
    header, data = rows[0], rows[1:]
    _header(ws, 3, header, widths)
    for r, row in enumerate(data, start=4):
        for c, (v, col) in enumerate(zip(row, header, strict=True), start=1):
            cell = ws.cell(row=r, column=c, value=_typed(v, col))
            if col in ("start", "einde"):
                cell.number_format = "DD/MM/YYYY"
    ws.freeze_panes = "A4"


def add_staff_sheets(wb: Workbook) -> None:
    """Illustrative roster and salary scales (see w13xl/data/SOURCES.md)."""
    from .staffing import StaffParameters

    _table_sheet(wb, "Personeel", "ILLUSTRATIEF personeelsbestand (kolom illustratief = ja): geen echte personen of "
                 "lonen. Geeft de personeelsinzet van tabel 3.4 (A 5; B 15-15-13-13-12-11) en schema T2 lijn 2 binnen "
                 "0,5% per jaar. Vervang het door de export van het personeelsbeheer (docs/personeel.md).",
                 _csv_rows("personeel.csv"), [8, 40, 7, 10, 6, 6, 9, 20, 12, 12, 8, 11])
    scale_rows = _csv_rows("weddeschalen.csv")
    _table_sheet(wb, "Weddeschalen", "ILLUSTRATIEVE weddeschalen (jaarbedrag aan 100%); vervang door de "
                 "schalen van de rechtspositieregeling.", scale_rows, [10, 6, 14])
    ws = wb["Weddeschalen"]
    for r in range(4, len(scale_rows) + 3):
        ws.cell(row=r, column=3).number_format = MONEY
    ws.cell(row=3, column=5, value="Parameter").font = Font(bold=True)
    ws.cell(row=3, column=6, value="Waarde").font = Font(bold=True)
    defaults = StaffParameters()
    labels = {"salary_coefficient": "Salariscoëfficiënt", "employer_social_security": "RSZ werkgever",
              "holiday_pay": "Vakantiegeld", "end_of_year_bonus": "Eindejaarstoelage",
              "second_pillar_rate": "Tweede pijler", "second_pillar_levy": "Heffing tweede pijler",
              "second_pillar_admin": "Beheerskost tweede pijler",
              "other_cost_per_head": "Andere personeelskosten per hoofd",
              "social_security_on_holiday_pay": "RSZ op vakantiegeld"}
    for i, (key, label) in enumerate(labels.items(), start=4):
        ws.cell(row=i, column=5, value=label)
        value = getattr(defaults, key)
        cell = ws.cell(row=i, column=6, value=int(value) if isinstance(value, bool) else round(value, 6))
        cell.number_format = {"salary_coefficient": "0.0000", "second_pillar_admin": MONEY,
                              "other_cost_per_head": MONEY, "social_security_on_holiday_pay": "0"}.get(key, "0.00%")
    ws.column_dimensions["E"].width = 28
    ws.column_dimensions["F"].width = 12


def add_subsidies(wb: Workbook) -> None:
    _table_sheet(wb, "Subsidies", "Subsidieregister: bedrag 'O-lijn' = de volledige ontvangstenlijn van de actie. "
                 "Elke rij citeert het plan (kolom verwijzing) of zegt 'aanname' met de reden.",
                 _csv_rows("subsidies.csv"),
                 [18, 36, 9, 40, 10, 12, 12, 12, 10, 12, 100])


#: Declared index classes (sheet 'Indexering'). On a U line the wage part comes from the roster
#: ('Personeel'); a row here classes the REST of the line (Aandeel = share of the rest). What no row
#: covers is 'vast' (not indexed). On an O line a row classes a share of the whole line (it wins over
#: the register's class). Each row cites the plan or says 'aanname'.
#: Issue 18: the plan's budget tool indexes with one standard index (3.7 'Indexering'); an operating
#: cost is classed 'prijzen' where the plan's own U line grows over the plan years, 'vast' where it
#: stays flat, 'doorgestort' where the plan says the money is passed on.
STANDARD_INDEX = ("3.7: 'Voor de index hanteren we een standaardindex van 2% ingebed in de budgettool van "
                  "Lima – Cipal Schaubroeck.'")  # noqa: RUF001 - the plan's own dash, quoted verbatim
#: Food Act 13 receipts (A10401 O): share that is the members' CPI-linked contribution (aanname).
FOODACT_MEMBER_SHARE = 0.5
INDEX_ROWS = [
    ("A50111", "U", "prijzen", 1.0,
     f"werkingskosten basiswerking; uitgaven 964.122,36 (2026) tot 1.084.051,53 (2031); {STANDARD_INDEX}"),
    ("A10102", "U", "prijzen", 1.0, "uitgaven 22.597,54 (2027) tot 24.420,17 (2031); 3.7: 'standaardindex van 2%'"),
    ("A10201", "U", "prijzen", 1.0, "uitgaven 187.635,24 (2026) tot 221.711,38 (2031); 3.7: 'standaardindex van 2%'"),
    ("A10205", "U", "prijzen", 1.0, "uitgaven 431.503,61 (2026) tot 449.843,55 (2031); 3.7: 'standaardindex van 2%'"),
    ("A10301", "U", "prijzen", 1.0, "uitgaven 155.728,70 (2026) tot 160.246,34 (2028), dan gelijk aan de "
     "ontvangsten; 3.7: 'standaardindex van 2%'"),
    ("A10401", "U", "prijzen", 1.0, "uitgaven 259.476,44 (2026) tot 278.756,67 (2031); 3.7: 'standaardindex van 2%'"),
    ("A10502", "U", "prijzen", 1.0, "uitgaven 436.368,28 (2027) tot 462.529,14 (2031); 3.7: 'standaardindex van 2%'"),
    ("A30301", "U", "prijzen", 1.0, "'onder de vorm van een loonkost en werkingskost'; uitgaven 81.062,13 (2026) tot "
     "91.936,78 (2030); 3.7: 'standaardindex van 2%'"),
    ("A10203", "U", "doorgestort", 1.0,
     "A10203: 'W13 stort deze vervolgens door naar de betrokken partners of lokale besturen of burgers'"),
    ("A10302", "U", "doorgestort", 1.0,
     "A10302: 'begeleiden compagnons de route van verschillende moederorganisaties'; "
     "'Financiering: subsidies; cofinanciering' (partnerschap)"),
    ("A10303", "U", "doorgestort", 1.0,
     "A10303: 'Als netwerkcoördinator zorgt W13 voor een correcte toewijzing naar dienstverleners en volgt de "
     "administratieve en financiële flow op'"),
    ("A10101", "U", "vast", 1.0, "A10101: 21.000 elk jaar 2026-2031 (niet geïndexeerd in het plan)"),
    ("A10501", "U", "vast", 1.0, "A10501: 1.200 elk jaar 2026-2031 (niet geïndexeerd in het plan)"),
    ("A50108", "U", "vast", 1.0, "A50108: 8.000 elk jaar 2027-2031 (niet geïndexeerd in het plan)"),
    ("A10401", "O", "bijdrage", FOODACT_MEMBER_SHARE,
     "aanname 50%: het bedrag staat niet in de tekst van het plan (bijlage 'berekening bijdrage Food Act 13'); "
     "3.3: 'gekoppeld aan de jaarlijkse index van de consumptieprijzen vanaf 1 januari 2027'"),
    ("A10401", "O", "vast", 1.0 - FOODACT_MEMBER_SHARE,
     "rest: 'subsidies; giften; betaalde dienstverlening' (A10401); 3.3: 'forfaitair vastliggen voor een hele "
     "legislatuur'"),
]


def add_indexing(wb: Workbook) -> None:
    ws = wb.create_sheet("Indexering")
    ws["A1"] = ("Indexklasse per lijn. Uitgaven (U): het loondeel komt uit het blad Personeel (de posities op de "
                "actie); een rij hier geeft de klasse van de rest (Aandeel = deel van de rest). Ontvangsten (O): "
                "klasse uit het subsidieregister. Wat geen rij dekt, is 'vast' (niet geïndexeerd). Klassen: loon, "
                "prijzen, bijdrage, volgt_loon, vast, doorgestort.")
    _header(ws, 3, ["Actie", "Richting", "Klasse", "Aandeel", "Bron"], [10, 9, 12, 10, 100])
    for r, row in enumerate(INDEX_ROWS, start=4):
        for c, v in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=v)
        ws.cell(row=r, column=4).number_format = "0%"


SCENARIO_SHEET_ROWS: list[list[object]] = [
    ["Scenario", "Titel", "Basis", "Type", "Subsidie", "Positie", "Actie", "Datum", "Percentage",
     "Jaar", "Beleid", "Opzeg (maanden)", "Omschrijving"],
    ["hbdh-stopt-juni-2026", "Hulp Bij Duurzaam Huren stopt eind juni 2026", "baseline", "subsidy_end",
     "SUB-HBDH", None, None, dt.date(2026, 6, 30), None, None, "stop", 1, None],
    ["bijdrage-plus-3-2028", "Bijdrage lokale besturen +3% vanaf 2028", "baseline", "contribution",
     None, None, None, None, 0.03, 2028, None, None, None],
]


def add_scenario_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet("Scenario's")
    ws["A1"] = ("Scenario's in Excel: één rij per wijziging. Dezelfde wijzigingen als in de TOML-bestanden "
                "(zie README); Basis = het scenario waarop dit verder bouwt.")
    _header(ws, 3, SCENARIO_SHEET_ROWS[0], [24, 44, 10, 14, 14, 9, 9, 12, 11, 7, 8, 14, 30])
    for r, row in enumerate(SCENARIO_SHEET_ROWS[1:], start=4):
        for c, v in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=v)
            if isinstance(v, dt.date):
                cell.number_format = "DD/MM/YYYY"
            if SCENARIO_SHEET_ROWS[0][c - 1] == "Percentage" and v is not None:
                cell.number_format = "0%"


# -- realisatie, plan versions and the schema set (issue 10) -------------------------------------
#: Sheets of the reconciliation 2024/2025 and the schema mappings (see w13xl/data/SOURCES.md).
RECONCILIATION_SHEET = "Verantwoording 2025"
ACCOUNTS_2024_SHEET = "Rekening 2024"
BUDGET_2025_SHEET = "Budget 2025"
ESTIMATE_2025_SHEET = "Raming 2025"
#: (CSV column, pivot header) of the reconciliation's three columns
RECONCILIATION_COLUMNS = (("jr_2024", "JR 2024"), ("raming_aanpassing_2025", "Raming aanpassing 2025"),
                          ("initieel_budget_2025", "Initieel budget 2025"))


def reconciliation_rows() -> list[dict]:
    """The plan's table 'Verantwoording raming gecumuleerd budgettair resultaat 31/12/2025' as printed."""
    with resources.files("w13xl.data").joinpath("verantwoording-gbr-2025.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def _data_rows(name: str) -> list[dict]:
    with resources.files("w13xl.data").joinpath(name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def _reconciliation_pivot(wb: Workbook, title: str, columns: list[tuple[str, str]], note: str) -> None:
    """A pivot export (action row, O and U rows, Eindtotaal) of the reconciliation's columns."""
    ws = wb.create_sheet(title)
    ws["A1"] = note
    ws["A1"].font = Font(italic=True)
    _header(ws, 3, ["Rijlabels", *[h for _, h in columns]], [30] + [22] * len(columns))
    r = 4
    for row in reconciliation_rows():
        if row["actie"] in ("Eindtotaal", "Reserves"):
            if row["actie"] == "Eindtotaal":
                r += 1
            ws.cell(row=r, column=1, value=row["actie"]).font = Font(bold=True)
        elif row["richting"]:
            ws.cell(row=r, column=1, value=row["richting"]).alignment = Alignment(indent=1)
        else:
            ws.cell(row=r, column=1, value=f"{row['actie']} {row['naam']}").font = Font(bold=True)
        for c, (key, _) in enumerate(columns, start=2):
            ws.cell(row=r, column=c, value=float(row[key])).number_format = MONEY
        r += 1
        if row["actie"] == "Reserves":
            break
    ws.freeze_panes = "B4"


def add_reconciliation_sheets(wb: Workbook) -> None:
    """The plan's reconciliation 2024/2025 as printed, and its columns as pivot exports for
    ``w13xl realisatie`` and ``w13xl versies`` (old 2020-2025 action codes)."""
    _reconciliation_pivot(
        wb, RECONCILIATION_SHEET, list(RECONCILIATION_COLUMNS),
        "Verantwoording raming gecumuleerd budgettair resultaat 31/12/2025 (meerjarenplan 2026-2031, zoals "
        "gedrukt). Reserves: 31/12/2024 (JR 2024), 31/12/2025 (raming), 31/12/2025 (initieel). Het plan drukt "
        "ook 766.791,19 'zonder JR 2024'.")
    ws = wb[RECONCILIATION_SHEET]
    ws.cell(row=ws.max_row + 2, column=1,
            value="Het meerjarenplan 2026-2031 start (schema M2, lijn VI) van 404.701,70; deze tabel geeft "
                  "404.701,76: 0,06 afrondingsverschil in het plan.")
    for title, col, header, note in (
            (ACCOUNTS_2024_SHEET, "jr_2024", "JR 2024", "Jaarrekening 2024 per actie (oude actiecodes), "
             "uit de verantwoording van het gecumuleerd budgettair resultaat."),
            (BUDGET_2025_SHEET, "initieel_budget_2025", "Initieel 2025", "Initieel budget 2025 per actie "
             "(oude actiecodes)."),
            (ESTIMATE_2025_SHEET, "raming_aanpassing_2025", "Raming 2025", "Raming aanpassing 2025 per actie "
             "(oude actiecodes): de laatste raming van het boekjaar 2025.")):
        _reconciliation_pivot(wb, title, [(col, header)], note)


def _mapping_sheet(wb: Workbook, title: str, note: str, header: list[str], rows: list[list], widths: list[int]) -> None:
    ws = wb.create_sheet(title)
    ws["A1"] = note
    ws["A1"].font = Font(italic=True, color="7F6000")
    _header(ws, 3, header, widths)
    for r, row in enumerate(rows, start=4):
        for c, v in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=v)
            if isinstance(v, float):
                cell.number_format = "0.0000%" if header[c - 1].startswith("Aandeel") else MONEY
    ws.freeze_panes = "A4"


def _amounts(row: dict) -> list:
    return [float(row[str(y)]) if row[str(y)] else None for y in YEARS]


def add_schema_sheets(wb: Workbook) -> None:
    """Mappings for schemas T1/T2/M3, the action mapping old -> new, and the plan's printed schemas."""
    _mapping_sheet(
        wb, "Beleidsvelden", "Beleidsveld per actie (schema T1). Bedragen: dat deel van de lijn; * = de rest van "
        "elke lijn. Bron: schema T1 van het meerjarenplan (algemene financiering = bijdrage lokale besturen, "
        "financiële ontvangsten en uitgaven op A50111).",
        ["Actie", "Categorie", "Richting", "Beleidsveld", *map(str, YEARS)],
        [[r["actie"], r["categorie"] or None, r["richting"] or None, r["beleidsveld"], *_amounts(r)]
         for r in _data_rows("beleidsvelden.csv")], [10, 13, 9, 26] + [13] * len(YEARS))
    _mapping_sheet(
        wb, "Economische aard", "Economische rubriek per lijn of deel van een lijn (schema T2, M3, T3). * = de rest. "
        "De totalen per rubriek zijn die van schema T2; de verdeling per actie is een AANNAME (zie "
        "w13xl/data/SOURCES.md).",
        ["Actie", "Categorie", "Richting", "Rubriek", *map(str, YEARS)],
        [[r["actie"], r["categorie"], r["richting"], r["rubriek"], *_amounts(r)]
         for r in _data_rows("economische-aard.csv")], [10, 13, 9, 36] + [13] * len(YEARS))
    _mapping_sheet(
        wb, "Actiemapping", "Oude actiecode (meerjarenplan 2020-2025) -> nieuwe actiecode (2026-2031); aanname op "
        "de naam van de actie. Oude acties zonder opvolger staan er niet in. Een oude actie die over meer nieuwe "
        "verdeeld is, krijgt per richting een aandeel (samen 100%): A0402 Energiehuis volgens de synthese 2026.",
        ["Oude actie", "Nieuwe actie", "Aandeel O", "Aandeel U", "Toelichting"],
        [[r["oud"], r["nieuw"], float(r["aandeel_o"]), float(r["aandeel_u"]), r["toelichting"]]
         for r in _data_rows("actiemapping.csv")], [12, 12, 11, 11, 90])
    ws = wb.create_sheet("Schema's (plan)")
    ws["A1"] = "Schema's M3, T1, T2 en T3 zoals gedrukt in het meerjarenplan 2026-2031 (hele euro; M3 enkel 2026)."
    ws["A1"].font = Font(italic=True)
    _header(ws, 3, ["Schema", "Deel", "Omschrijving", *map(str, YEARS)], [8, 30, 70] + [13] * len(YEARS))
    for r, row in enumerate(_data_rows("schemas-2026-2031.csv"), start=4):
        values = [row["schema"], row["deel"], row["omschrijving"],
                  *[int(row[str(y)]) if row[str(y)] else None for y in YEARS]]
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=v)
            if c > 3:
                cell.number_format = "#,##0;[Red]-#,##0"
    ws.freeze_panes = "D4"


def add_members(wb: Workbook) -> None:
    """Sheet 'Deelgenoten': the 14 OCMWs and the key that splits the member contribution
    (w13xl/data/deelgenoten.csv: key = share of inhabitants, an assumption; see its header)."""
    rows = _csv_rows("deelgenoten.csv")
    data = rows[1:]
    total = sum(int(r[1]) for r in data)
    ws = wb.create_sheet("Deelgenoten")
    ws["A1"] = ("AANNAME: verdeelsleutel = aandeel in de inwoners (de W13-introductie noemt de bijdrage "
                "'per inwoner'); inwoners illustratief en afgerond, behalve Kortrijk. Vervang door de "
                "sleutel van de statuten (art. 9).")
    ws["A1"].font = Font(italic=True, color="7F6000")
    ws["A1"].fill = ILLUSTRATIVE_FILL
    _header(ws, 3, ["Deelgenoot", "Inwoners", "Sleutel", "Bron van de sleutel"], [20, 12, 12, 60])
    for r, (name, inhabitants, source) in enumerate(data, start=4):
        ws.cell(row=r, column=1, value=name)
        ws.cell(row=r, column=2, value=int(inhabitants)).number_format = "#,##0"
        # 10 decimals: what the .xlsx keeps exactly (15 significant digits), still adding up to 1
        ws.cell(row=r, column=3, value=round(int(inhabitants) / total, 10)).number_format = "0.00%"
        ws.cell(row=r, column=4, value=f"aandeel in de inwoners; {source}")
    ws.freeze_panes = "A4"


#: Extra sheet builders (roster, scales, subsidies, scenarios) registered by other modules.
EXTRA_SHEETS: list[Callable[[Workbook], None]] = []


def build_workbook() -> Workbook:
    from .excel.layer import add_excel_layer

    rows = synthesis_rows()
    wb = Workbook()
    add_readme(wb)
    add_synthese(wb, rows)
    add_export(wb, rows)
    add_mapping(wb)
    add_parameters(wb)
    add_staff_sheets(wb)
    add_subsidies(wb)
    add_indexing(wb)
    add_scenario_sheet(wb)
    add_reconciliation_sheets(wb)
    add_schema_sheets(wb)
    add_members(wb)
    for extra in EXTRA_SHEETS:
        extra(wb)
    # issue 23 (w13xl.excel.layer): a workbook name per input table, the sheet 'W13 Formules' with live
    # Office.js formulas on those names, and drop-down lists on Scenario's
    add_excel_layer(wb, "officejs")
    wb.properties.creator = "w13xl"
    wb.properties.created = FIXED_DATE
    wb.properties.modified = FIXED_DATE
    return wb


def build_sample_workbook(path: str | Path = SAMPLE_PATH) -> Path:
    from .workbook import safe_write

    wb = build_workbook()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)

    def write(tmp: Path) -> None:
        from .excel.layer import mark_dynamic_arrays

        wb.save(tmp)
        mark_dynamic_arrays(tmp)
        _fix_zip_times(tmp)

    return safe_write(path, write)


def _fix_zip_times(path: Path) -> None:
    """Give every zip entry the same timestamp (and the core properties a fixed 'modified',
    which openpyxl sets to now on save), so that a rebuild is byte-identical."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, data)


USAGE = ("Gebruik: python -m w13xl.sample [UITVOER.xlsx]\n\n"
         f"Schrijft het voorbeeldwerkboek (standaard {SAMPLE_PATH}).")


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and (args[0].startswith("-") or len(args) > 1):  # never a workbook named '--help'
        print(USAGE, file=sys.stdout if args[0] in ("-h", "--help") else sys.stderr)
        sys.exit(0 if args[0] in ("-h", "--help") else 2)
    out = build_sample_workbook(args[0] if args else SAMPLE_PATH)
    print(f"Geschreven: {out}")
