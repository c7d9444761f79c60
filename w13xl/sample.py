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
        net = [o + u for o, u in zip(a["O"], a["U"])]
        total = [t + n for t, n in zip(total, net)]
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
    rows: list[tuple[str, object, list | None]] = [
        ("Gecumuleerd budgettair resultaat vorig boekjaar", 404701.70, None),
        ("Minimumreserve (% jaarloonkost)", 0.10, None),
        ("Jaarloonkost", None, [2112110.90] * len(YEARS)),
        ("Onbeschikbare gelden", None, [0] * len(YEARS)),
        ("Periodieke aflossingen", None, [0] * len(YEARS)),
        ("Periodieke terugvorderingen", None, [0] * len(YEARS)),
        ("Financiële schulden op 1 januari", None, [0] * len(YEARS)),
        ("Aangewezen aflossingen (% financiële schulden)", 0.08, None),
        ("Standaardindex", 0.02, None),
        ("Bijdrage lokale besturen", None, [round(801391 * 1.02 ** k, 2) for k in range(len(YEARS))]),
        ("Inwoners", 332211, None),
    ]
    for r, (label, value, per_year) in enumerate(rows, start=2):
        ws.cell(row=r, column=1, value=label)
        if value is not None:
            cell = ws.cell(row=r, column=2, value=value)
            cell.number_format = "0%" if value < 1 else ("#,##0" if label == "Inwoners" else MONEY)
        for c, v in enumerate(per_year or [], start=3):
            ws.cell(row=r, column=c, value=v).number_format = MONEY
    r = len(rows) + 3
    ws.cell(row=r, column=1, value="Minimumreserve = sociaal passief = 10% van de totale jaarloonkost "
                                   "(211.211,09 in het plan; de jaarloonkost is daaruit afgeleid).")
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
        for c, (v, col) in enumerate(zip(row, header), start=1):
            cell = ws.cell(row=r, column=c, value=_typed(v, col))
            if col in ("start", "einde"):
                cell.number_format = "DD/MM/YYYY"
    ws.freeze_panes = "A4"


def add_staff_sheets(wb: Workbook) -> None:
    """Illustrative roster and salary scales (see w13xl/data/SOURCES.md)."""
    from .staffing import StaffParameters

    _table_sheet(wb, "Personeel", "ILLUSTRATIEF personeelsbestand: geen echte personen of lonen; "
                 "consistent met de personeelsinzet (A 5; B 15-15-13-13-12-11) en de T2-loonkost van het plan.",
                 _csv_rows("personeel.csv"), [8, 40, 7, 10, 6, 6, 9, 20, 12, 12, 8])
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
              "second_pillar_admin": "Beheerskost tweede pijler"}
    for i, (key, label) in enumerate(labels.items(), start=4):
        ws.cell(row=i, column=5, value=label)
        cell = ws.cell(row=i, column=6, value=round(getattr(defaults, key), 6))
        cell.number_format = {"salary_coefficient": "0.0000", "second_pillar_admin": MONEY}.get(key, "0.00%")
    ws.column_dimensions["E"].width = 28
    ws.column_dimensions["F"].width = 12


def add_subsidies(wb: Workbook) -> None:
    _table_sheet(wb, "Subsidies", "Subsidieregister: bedrag 'O-lijn' = de volledige ontvangstenlijn van de actie. "
                 "Einddatums volgens het meerjarenplan.", _csv_rows("subsidies.csv"),
                 [18, 36, 9, 22, 10, 12, 12, 12, 10, 12])


INDEX_ROWS = [
    ("A50111", "U", "loon", 0.5),
    ("A50111", "U", "prijzen", 0.5),
    ("A10203", "U", "loon", 0.6),
    ("A10203", "U", "prijzen", 0.4),
]


def add_indexing(wb: Workbook) -> None:
    ws = wb.create_sheet("Indexering")
    ws["A1"] = ("Indexklasse per actie (uitzonderingen). Standaard: ontvangsten vast (een subsidie volgt de "
                "klasse uit het register), uitgaven 40% loon en 60% prijzen. De bijdrage lokale besturen volgt de "
                "CPI-regel via de parameter 'Bijdrage lokale besturen'.")
    _header(ws, 3, ["Actie", "Richting", "Klasse", "Aandeel"], [10, 9, 12, 10])
    for r, (action, direction, klass, share) in enumerate(INDEX_ROWS, start=4):
        for c, v in enumerate((action, direction, klass, share), start=1):
            ws.cell(row=r, column=c, value=v)
        ws.cell(row=r, column=4).number_format = "0%"


SCENARIO_SHEET_ROWS = [
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


#: Extra sheet builders (roster, scales, subsidies, scenarios) registered by other modules.
EXTRA_SHEETS: list[Callable[[Workbook], None]] = []


def build_workbook() -> Workbook:
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
    for extra in EXTRA_SHEETS:
        extra(wb)
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
        wb.save(tmp)
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
