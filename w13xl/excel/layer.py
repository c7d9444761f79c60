"""The workbook-level Excel layer: names that grow with the data, a sheet of live W13 formulas,
and guided typing (data validation) on the sheet Scenario's.

Applied to an openpyxl workbook that already holds the input sheets (the sample workbook, the
classic add-in workbook, a plan copied into the Office.js template), then, after saving,
:func:`mark_dynamic_arrays` marks the formula cells as dynamic-array formulas so that Excel
spills their results instead of showing one value behind an implicit-intersection ``@``.

How the formulas are stored (see docs/excel-start.md for the sources):

* Office.js custom functions (xlwings Server / Lite, ``=W13.M2(...)``) are stored in the file
  under Excel's prefix for add-in functions: ``_xldudf_`` + namespace + ``_`` + name, e.g.
  ``_xldudf_W13_M2(Begroting,Parameters)``; Excel shows ``=W13.M2(Begroting;Parameters)`` once the
  add-in has registered its functions.
* Classic add-in UDFs are VBA functions in the workbook (xlwings *Import Functions*): stored by
  their plain name, ``W13_M2(Begroting,Parameters)``.

openpyxl only; no xlwings and no engine import (the formulas are text).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from ..scenario.spec import CHANGE_LABELS, POLICIES, UNCERTAINTY_TYPES
from .names import SCENARIO_RANGES, SHEET_NAMES, table_name, workbook_name

Flavour = Literal["officejs", "classic"]
FORMULA_SHEET = "W13 Formules"
LIST_SHEET = "W13 Lijsten"
#: Sheets this module writes (skipped when a plan workbook is copied into another workbook).
OWN_SHEETS = (FORMULA_SHEET, LIST_SHEET)
#: Rows of the Scenario's sheet that get the validation (the table grows into them).
VALIDATION_ROWS = 500

#: The two scenarios of the sample's Scenario's sheet (they calculate without a scenario folder).
FORMULA_SCENARIOS = ("hbdh-stopt-juni-2026", "bijdrage-plus-3-2028")


# -- names that grow with the data --------------------------------------------------------------
def find_sheet(wb, key: str):
    """The worksheet for a contract key (its name or an alias, case and spaces ignored)."""
    wanted = {" ".join(n.casefold().split()) for n in SHEET_NAMES[key][1]}
    return next((ws for ws in wb.worksheets if " ".join(ws.title.casefold().split()) in wanted), None)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def table_extent(ws) -> tuple[int, int, int] | None:
    """(header row, last row, last column) of the table on an input sheet: the header is the first
    of the top 10 rows with at least two filled cells (a note above it is skipped), the columns
    run to the last filled header cell, the rows down to the first empty row."""
    for r in range(1, min(ws.max_row, 10) + 1):
        cells = [ws.cell(row=r, column=c).value for c in range(1, ws.max_column + 1)]
        if sum(not _blank(v) for v in cells) >= 2:
            last_col = max(c for c, v in enumerate(cells, start=1) if not _blank(v))
            last_row = r
            while last_row < ws.max_row and any(
                    not _blank(ws.cell(row=last_row + 1, column=c).value) for c in range(1, last_col + 1)):
                last_row += 1
            return r, last_row, last_col
    return None


def add_names(wb) -> dict[str, str]:
    """One Excel Table per input sheet and a workbook name for the whole table (header included):
    ``Personeel`` = ``tblPersoneel[[#All]]``. A table grows when a row is typed right below it,
    and the name with it. Gives contract key -> workbook name for the sheets found."""
    found: dict[str, str] = {}
    for key in SHEET_NAMES:
        ws = find_sheet(wb, key)
        if ws is None:
            continue
        extent = table_extent(ws)
        if extent is None:
            continue
        top, bottom, right = extent
        ref = f"A{top}:{get_column_letter(right)}{max(bottom, top + 1)}"
        existing = next((t for t in ws.tables.values() if t.ref.split(":")[0] == f"A{top}"), None)
        if existing is not None:
            tname = existing.displayName
        else:
            header = [ws.cell(row=top, column=c).value for c in range(1, right + 1)]
            texts = [str(v).strip() if not _blank(v) else "" for v in header]
            if "" in texts or len({t.casefold() for t in texts}) != len(texts):
                # a table needs unique, filled header cells: fall back to a fixed range
                name = workbook_name(key)
                absolute = f"$A${top}:${get_column_letter(right)}${max(bottom, top + 1)}"
                wb.defined_names[name] = DefinedName(name, attr_text=f"{_quote(ws.title)}!{absolute}")
                found[key] = name
                continue
            for c, text in enumerate(texts, start=1):  # header cells must be text in a table
                ws.cell(row=top, column=c).value = text
            tname = table_name(key)
            table = Table(displayName=tname, ref=ref)
            table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
            ws.add_table(table)
        name = workbook_name(key)
        wb.defined_names[name] = DefinedName(name, attr_text=f"{tname}[[#All]]")
        found[key] = name
    return found


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'" if re.search(r"[^A-Za-z0-9_]", sheet) else sheet


# -- the formula sheet ----------------------------------------------------------------------------
def function_name(name: str, flavour: Flavour) -> str:
    """How a W13 function is stored in the file: ``_xldudf_W13_M2`` (Office.js) or ``W13_M2``."""
    return f"_xldudf_W13_{name}" if flavour == "officejs" else f"W13_{name}"


def shown_name(name: str, flavour: Flavour) -> str:
    """How Excel shows it: ``W13.M2`` (Office.js) or ``W13_M2`` (classic)."""
    return f"W13.{name}" if flavour == "officejs" else f"W13_{name}"


def formulas(names: dict[str, str]) -> list[tuple[str, str, list[str], int]]:
    """(title, function, arguments, rows to keep free for the result) of the formula sheet, with
    the workbook names as arguments (an argument '' is an omitted one)."""
    budget = names.get("budget_table", "Begroting")
    plan = [budget] + ([names["parameters"]] if "parameters" in names else [])
    if "categories" in names:
        plan += [names["categories"]]
    further = [names[k] for k in SCENARIO_RANGES if k in names]
    out: list[tuple[str, str, list[str], int]] = [
        ("Schema M2 (staat van het financieel evenwicht)", "M2", plan, 40),
        ("Gecumuleerd budgettair resultaat (reserve) per jaar", "RESERVE", plan, 8),
        ("Autofinancieringsmarge per jaar", "AFM", plan, 8),
        ("Normen", "NORMEN", plan, 6),
    ]
    for scenario in FORMULA_SCENARIOS:
        out.append((f"Scenario {scenario}: reserve per jaar", "SCENARIO",
                    [budget, f'"{scenario}"', '"reserve"', *further], 8))
    out.append((f"Scenario {FORMULA_SCENARIOS[0]}: normen", "SCENARIO",
                [budget, f'"{FORMULA_SCENARIOS[0]}"', '"normen"', *further], 6))
    out.append(("Kans dat de AFM in het laatste jaar negatief is (1.000 paden, seed 1)", "KANS",
                [budget, "", '"afm"', "1000", "1", *further], 3))
    out.append(("Doelzoeken: nodige verhoging van de bijdrage lokale besturen vanaf 2027", "DOELZOEKEN",
                [budget, "", '"bijdrage"', "2027", *further], 10))
    return out


def formula_text(func: str, args: Sequence[str], flavour: Flavour, sep: str = ",") -> str:
    """The formula as stored (sep ',', flavour's stored name) or as shown (sep ';')."""
    name = function_name(func, flavour) if sep == "," else shown_name(func, flavour)
    return f"={name}({sep.join(args)})"


def add_formula_sheet(wb, names: dict[str, str], flavour: Flavour) -> list[str]:
    """The sheet 'W13 Formules': one live formula per block, on the workbook names. Gives the
    cells holding a formula (for :func:`mark_dynamic_arrays`)."""
    if FORMULA_SHEET in wb.sheetnames:
        del wb[FORMULA_SHEET]
    ws = wb.create_sheet(FORMULA_SHEET)
    ws["A1"] = "W13-formules op de namen van de invoerbladen (ze rekenen zodra de W13-add-in geladen is)"
    ws["A1"].font = Font(bold=True, size=14)
    how = ("W13-add-in (w13xl serve) of xlwings Lite: functies W13.M2, W13.SCENARIO, ..." if flavour == "officejs"
           else "Klassieke add-in: eerst xlwings-tab > Import Functions, dan Ctrl+Alt+F9 (alles herberekenen).")
    ws["A2"] = how
    ws["A3"] = ("Namen: " + ", ".join(names.values()) + ". Elke naam is een hele Excel-tabel met kopregel: "
                "een regel die u onder de tabel typt, hoort er meteen bij.")
    ws["A3"].alignment = Alignment(wrap_text=False)
    row = 5
    cells = []
    for title, func, args, height in formulas(names):
        ws.cell(row=row, column=1, value=title).font = Font(bold=True)
        shown = ws.cell(row=row + 1, column=1, value=formula_text(func, args, flavour, sep=";"))
        shown.data_type = "s"  # the formula as the officer types it, shown as text
        shown.font = Font(italic=True, color="595959")
        ws.cell(row=row + 2, column=1, value=formula_text(func, args, flavour))
        cells.append(f"A{row + 2}")
        row += height + 4
    ws.column_dimensions["A"].width = 48
    for c in range(2, 9):
        ws.column_dimensions[get_column_letter(c)].width = 15
    return cells


# -- guided typing on Scenario's ------------------------------------------------------------------
#: Change types: the Dutch labels the engine reads (w13xl.scenario.spec.CHANGE_LABELS), and the
#: uncertainty rows (spec.UNCERTAINTY_TYPES). The codes (subsidy_end, ...) stay valid too.
CHANGE_TYPES = {**{label: code for code, label in CHANGE_LABELS.items()}, UNCERTAINTY_TYPES[0]: UNCERTAINTY_TYPES[0]}
#: Policies at the end of a subsidy (w13xl.scenario.spec.POLICIES) with their Dutch meaning.
POLICY_HELP = {"stop": "project en personeel stoppen", "keep_staff": "W13 houdt het personeel",
               "keep_project": "project loopt door op eigen middelen", "share": "deel loopt door (kolom Aandeel)"}
POLICY_LIST = {p: POLICY_HELP.get(p, "") for p in POLICIES}
INDEX_CLASSES = ("loon", "prijzen", "bijdrage", "volgt_loon", "vast", "doorgestort")

#: Input message per column of Scenario's (title, text).
SCENARIO_HELP = {
    "scenario": ("Scenario", "Naam van het scenario (zonder spaties), bv. pact-stopt-2028. Meer rijen met "
                             "dezelfde naam = meer wijzigingen in één scenario."),
    "titel": ("Titel", "Titel voor verslagen, bv. 't PACT stopt eind 2028."),
    "basis": ("Basis", "Het scenario waarop dit verder bouwt; meestal baseline."),
    "type": ("Type", "Kies uit de lijst: einde subsidie, bijdrage lokale besturen, aanwerving, ... "
                     "De codes (subsidy_end, contribution, hire, ...) blijven geldig."),
    "subsidie": ("Subsidie", "Kies een id uit het blad Subsidies (kolom id)."),
    "positie": ("Positie", "Kies een positie uit het blad Personeel (kolom positie)."),
    "actie": ("Actie", "Actiecode, bv. A10302."),
    "datum": ("Datum", "Datum als dd/mm/jjjj, bv. 31/12/2028."),
    "percentage": ("Percentage", "Als percentage: 3% (niet 3)."),
    "jaar": ("Jaar", "Jaartal tussen 2026 en 2031."),
    "beleid": ("Beleid", "Na het einde van een subsidie: stop, keep_staff (W13 houdt het personeel), "
                         "keep_project of share."),
    "opzeg (maanden)": ("Opzeg", "Opzegtermijn in maanden (leeg: de wettelijke opzeg)."),
    "omschrijving": ("Omschrijving", "Vrije tekst."),
    "klasse": ("Klasse", "Indexklasse: loon, prijzen, bijdrage, volgt_loon, vast of doorgestort."),
}


def add_list_sheet(wb) -> None:
    """The hidden sheet 'W13 Lijsten' with the fixed lists, each a workbook name (LijstType,
    LijstBeleid, LijstKlasse)."""
    if LIST_SHEET in wb.sheetnames:
        del wb[LIST_SHEET]
    ws = wb.create_sheet(LIST_SHEET)
    columns = {"LijstType": ("Type", "Betekenis", list(CHANGE_TYPES.items())),
               "LijstBeleid": ("Beleid", "Betekenis", list(POLICY_LIST.items())),
               "LijstKlasse": ("Klasse", "", [(k, "") for k in INDEX_CLASSES])}
    col = 1
    for name, (head, meaning, rows) in columns.items():
        ws.cell(row=1, column=col, value=head).font = Font(bold=True)
        if meaning:
            ws.cell(row=1, column=col + 1, value=meaning).font = Font(bold=True)
        for r, (code, text) in enumerate(rows, start=2):
            ws.cell(row=r, column=col, value=code)
            if text:
                ws.cell(row=r, column=col + 1, value=text)
        letter = get_column_letter(col)
        ref = f"{_quote(LIST_SHEET)}!${letter}$2:${letter}${len(rows) + 1}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
        ws.column_dimensions[letter].width = 16
        ws.column_dimensions[get_column_letter(col + 1)].width = 38
        col += 3
    ws.sheet_state = "hidden"


def _id_list(wb, key: str, column: str, list_name: str) -> str | None:
    """A workbook name for the id column of an input table (grows with it), or None."""
    ws = find_sheet(wb, key)
    if ws is None:
        return None
    table = next(iter(ws.tables.values()), None)
    if table is None:
        return None
    top = int(re.sub(r"[A-Z]+", "", table.ref.split(":")[0]))
    headers = [ws.cell(row=top, column=c).value for c in range(1, ws.max_column + 1)]
    if column not in headers:
        return None
    wb.defined_names[list_name] = DefinedName(list_name, attr_text=f"{table.displayName}[{column}]")
    return list_name


def _replace_validation(ws, dv: DataValidation) -> None:
    """Add ``dv``, dropping an earlier validation on the same cells (a second run changes nothing)."""
    ws.data_validations.dataValidation = [d for d in ws.data_validations.dataValidation
                                          if str(d.sqref) != str(dv.sqref)]
    ws.add_data_validation(dv)


def add_scenario_validation(wb) -> list[DataValidation]:
    """Drop-down lists and an input message per column on Scenario's (rows below the header up to
    :data:`VALIDATION_ROWS`), dates and percentages formatted; the index class on Indexering."""
    add_list_sheet(wb)
    subsidies = _id_list(wb, "subsidies", "id", "LijstSubsidie")
    positions = _id_list(wb, "roster", "positie", "LijstPositie")
    added: list[DataValidation] = []
    ws = find_sheet(wb, "scenarios")
    if ws is not None:
        extent = table_extent(ws)
        if extent is not None:
            top, _, right = extent
            for c in range(1, right + 1):
                head = ws.cell(row=top, column=c).value
                key = " ".join(str(head).casefold().split()) if head else ""
                letter = get_column_letter(c)
                cells = f"{letter}{top + 1}:{letter}{VALIDATION_ROWS}"
                source = {"type": "LijstType", "beleid": "LijstBeleid", "klasse": "LijstKlasse",
                          "subsidie": subsidies, "positie": positions}.get(key)
                if key == "datum":
                    dv = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
                    fmt = "DD/MM/YYYY"
                elif key == "percentage":
                    dv = DataValidation(type="decimal", operator="between", formula1="-1", formula2="1",
                                        allow_blank=True)
                    fmt = "0.00%"
                elif key == "jaar":
                    dv = DataValidation(type="whole", operator="between", formula1="2000", formula2="2100",
                                        allow_blank=True)
                    fmt = "0"
                elif source:
                    dv = DataValidation(type="list", formula1=source, allow_blank=True)
                    fmt = None
                else:
                    dv = DataValidation(allow_blank=True)
                    fmt = None
                title, text = SCENARIO_HELP.get(key, (str(head or ""), ""))
                dv.promptTitle, dv.prompt = title[:32], text[:255]
                dv.showInputMessage = True
                dv.showErrorMessage = dv.type is not None
                dv.errorStyle = "warning"  # a code such as subsidy_end stays allowed after a warning
                dv.errorTitle = "Ongeldige waarde"
                dv.error = f"Verwacht in kolom {head}: {text}"[:255]
                dv.add(cells)
                _replace_validation(ws, dv)
                added.append(dv)
                if fmt:
                    for r in range(top + 1, VALIDATION_ROWS + 1):
                        ws.cell(row=r, column=c).number_format = fmt
    index = find_sheet(wb, "indexation")
    if index is not None:
        extent = table_extent(index)
        if extent is not None:
            top, _, right = extent
            for c in range(1, right + 1):
                if str(index.cell(row=top, column=c).value or "").strip().lower() == "klasse":
                    letter = get_column_letter(c)
                    dv = DataValidation(type="list", formula1="LijstKlasse", allow_blank=True)
                    dv.promptTitle, dv.prompt = SCENARIO_HELP["klasse"]
                    dv.showInputMessage = dv.showErrorMessage = True
                    dv.add(f"{letter}{top + 1}:{letter}{VALIDATION_ROWS}")
                    _replace_validation(index, dv)
                    added.append(dv)
    return added


# -- everything at once ---------------------------------------------------------------------------
def add_excel_layer(wb, flavour: Flavour = "officejs") -> list[str]:
    """Names, the formula sheet and the validation lists; gives the formula cells of the sheet."""
    names = add_names(wb)
    add_scenario_validation(wb)
    return add_formula_sheet(wb, names, flavour)


# -- dynamic arrays -------------------------------------------------------------------------------
#: The metadata part Excel writes for dynamic-array formulas (type XLDAPR), as XlsxWriter writes it.
METADATA_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<metadata xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:xda="http://schemas.microsoft.com/office/spreadsheetml/2017/dynamicarray">'
    '<metadataTypes count="1"><metadataType name="XLDAPR" minSupportedVersion="120000" copy="1" pasteAll="1" '
    'pasteValues="1" merge="1" splitFirst="1" rowColShift="1" clearFormats="1" clearComments="1" assign="1" '
    'coerce="1" cellMeta="1"/></metadataTypes><futureMetadata name="XLDAPR" count="1"><bk><extLst>'
    '<ext uri="{bdbb8cdc-fa1e-496e-a857-3c3f30c029c3}"><xda:dynamicArrayProperties fDynamic="1" fCollapsed="0"/>'
    '</ext></extLst></bk></futureMetadata><cellMetadata count="1"><bk><rc t="1" v="0"/></bk></cellMetadata>'
    '</metadata>')
METADATA_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml"
METADATA_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sheetMetadata"


def mark_dynamic_arrays(path: str | Path, sheet: str = FORMULA_SHEET, cells: Sequence[str] | None = None) -> None:
    """Make the formulas in ``cells`` of ``sheet`` dynamic-array formulas in the saved file:
    ``<c r="A7" cm="1"><f t="array" ref="A7">...</f>`` plus the part xl/metadata.xml (what Excel
    365 itself writes; without it Excel opens the formula as ``=@W13.M2(...)`` and shows one value)."""
    from ..ooxml import workbook_sheets

    path = Path(path)
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    parts = {info.filename: data for info, data in entries}
    target = next((s.part for s in workbook_sheets(parts) if s.name == sheet), None)
    if target is None:
        return
    xml = parts[target].decode("utf-8")
    wanted = set(cells) if cells else None  # None: every formula cell of the sheet
    marked: set[str] = set()

    def mark(m: re.Match) -> str:
        ref = m.group(1)
        if wanted is not None and ref not in wanted:
            return m.group(0)
        marked.add(ref)
        return f'<c r="{ref}"{m.group(2)} cm="1"><f t="array" ref="{ref}">'

    xml = re.sub(r'<c r="([A-Z]+\d+)"((?:(?! cm=)[^>])*)><f>', mark, xml)
    if wanted is not None and wanted - marked:
        raise ValueError(f"formula cells {sorted(wanted - marked)} not found on {sheet}")
    parts[target] = xml.encode("utf-8")
    if "xl/metadata.xml" not in parts:
        parts["xl/metadata.xml"] = METADATA_XML.encode("utf-8")
        ct = parts["[Content_Types].xml"].decode("utf-8")
        ct = ct.replace("</Types>", f'<Override PartName="/xl/metadata.xml" ContentType="{METADATA_CT}"/></Types>')
        parts["[Content_Types].xml"] = ct.encode("utf-8")
        rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
        ids = {int(i) for i in re.findall(r'Id="rId(\d+)"', rels)}
        rels = rels.replace("</Relationships>", f'<Relationship Id="rId{max(ids, default=0) + 1}" '
                                                f'Type="{METADATA_REL}" Target="metadata.xml"/></Relationships>')
        parts["xl/_rels/workbook.xml.rels"] = rels.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        names = [info.filename for info, _ in entries]
        if "xl/metadata.xml" not in names:
            names.append("xl/metadata.xml")
        infos = {info.filename: info for info, _ in entries}
        for name in names:
            info = infos.get(name)
            fixed = zipfile.ZipInfo(name, date_time=info.date_time if info else (2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            if info is not None:
                fixed.external_attr = info.external_attr
            dst.writestr(fixed, parts[name])
