"""Corpus cases of issue 19 (ordinary mistakes that changed a board figure without a word): each
is refused (exit 2, one ``Fout:`` line naming the place), or accepted with a warning that names
what was assumed, or accepted with the plan's own figures.

    uv run python tests/corpus/contract_cases.py OUTDIR   # writes every case's files and prints its command

Plan figures (schema M2 as printed in the plan, EUR): GBR 2031 454.276, AFM 2031 -15.569; the
't PACT case: the effect of stopping its subsidy on 31/12/2028 as the unchanged sample gives it
(PACT_EFFECT below).
"""

from __future__ import annotations

import datetime as dt
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SAMPLE = ROOT / "workbooks" / "w13-mjp-2026-2031.xlsx"
SCENARIOS = ROOT / "scenarios"


@dataclass(frozen=True)
class Case:
    build: Callable[[Path], list[str]]
    #: In the Fout line (exit 2) or in the standard output (exit 0).
    fragments: tuple[str, ...]
    exit_code: int = 2
    #: Each must appear in a ``Waarschuwing:`` line (exit 0).
    warnings: tuple[str, ...] = ()
    #: None of these may appear in the warnings (exit 0).
    no_warnings: tuple[str, ...] = ()
    #: exit 2 from the option parser (typer's usage error) rather than a Fout line
    usage: bool = False


def edited(folder: Path, name: str, edit: Callable) -> Path:
    """The sample with its sheets edited through openpyxl (the sample has no formulas to lose)."""
    import openpyxl

    wb = openpyxl.load_workbook(SAMPLE)
    edit(wb)
    path = folder / name
    wb.save(path)
    return path


def rename(old: str, new: str) -> Callable:
    def edit(wb):
        wb[old].title = new
    return edit


def copy_sheet(name: str, new: str) -> Callable:
    def edit(wb):
        wb.copy_worksheet(wb[name]).title = new
    return edit


def remove(*names: str) -> Callable:
    def edit(wb):
        for n in names:
            wb.remove(wb[n])
    return edit


def only(name: str, new: str) -> Callable:
    def edit(wb):
        for n in list(wb.sheetnames):
            if n != name:
                wb.remove(wb[n])
        wb[name].title = new
    return edit


def retitled(path: Path, old: str, new: str) -> Path:
    """The workbook with a sheet's name changed in xl/workbook.xml: Excel and openpyxl refuse two
    names that differ only in case, other programs (and hand-edited packages) do not."""
    import zipfile

    tmp = path.with_name(path.stem + "-tmp" + path.suffix)
    path.rename(tmp)
    with zipfile.ZipFile(tmp) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = data.replace(f'name="{old}"'.encode(), f'name="{new}"'.encode())
            zout.writestr(item, data)
    tmp.unlink()
    return path


def both(*edits: Callable) -> Callable:
    def edit(wb):
        for e in edits:
            e(wb)
    return edit


def toml(text: str, name: str = "s.toml") -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        (folder / name).write_text(text, encoding="utf-8")
        return ["run", str(SAMPLE), str(folder / name)]
    return build


def cell(sheet: str, ref: str, value) -> Callable:
    def edit(wb):
        wb[sheet][ref] = value
    return edit


def date_formatted(sheet: str, ref: str, value) -> Callable:
    def edit(wb):
        wb[sheet][ref] = value
        wb[sheet][ref].number_format = "dd/mm/yyyy"
    return edit


EXPORT = "Synthese (export)"


def pivot_row(ws, label: str, nth: int = 1) -> int:
    """The row number of the nth row whose first cell is ``label`` (stripped)."""
    seen = 0
    for row in ws.iter_rows(min_col=1, max_col=1):
        if isinstance(row[0].value, str) and row[0].value.strip() == label:
            seen += 1
            if seen == nth:
                return row[0].row
    raise LookupError(label)


def pivot_typo(wb):
    """10.000 added to the first U row of 2026 (B column), its action row and total untouched."""
    ws = wb[EXPORT]
    r = pivot_row(ws, "U")
    ws.cell(r, 2).value = ws.cell(r, 2).value - 10000


def pivot_total_typo(wb):
    ws = wb[EXPORT]
    r = pivot_row(ws, "Eindtotaal")
    ws.cell(r, 7).value = ws.cell(r, 7).value + 10000


def pivot_total_mid_sheet(wb):
    """A 'Totaal' row inserted above the 5th action row, with the sum of the actions above it."""
    ws = wb[EXPORT]
    actions = [row[0].row for row in ws.iter_rows(min_col=1, max_col=1)
               if isinstance(row[0].value, str) and row[0].value.startswith("A")]
    r = actions[4]
    ws.insert_rows(r)
    ws.cell(r, 1).value = "Totaal"


def hide_row(sheet: str, row: int) -> Callable:
    def edit(wb):
        wb[sheet].row_dimensions[row].hidden = True
    return edit


def hide_col(sheet: str, col: str) -> Callable:
    def edit(wb):
        wb[sheet].column_dimensions[col].hidden = True
    return edit


def files(folder: Path, texts: dict[str, str]) -> list[str]:
    out = []
    for name, text in texts.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        out.append(str(path))
    return out


def basis(pct: str) -> str:
    return f'title = "basis {pct}"\n[[changes]]\ntype = "contribution"\nfrom_year = 2027\npct = "{pct}"\n'


EXTENDS = 'title = "{0}"\nextends = "basis"\n[[changes]]\ntype = "index"\nclasses = ["prijzen"]\nrate = 0.02\n'


def two_folders(folder: Path) -> list[str]:
    """a/basis.toml (+5%) and b/basis.toml (+10%); a/x.toml and b/y.toml both extend 'basis': each
    takes the basis beside it."""
    paths = files(folder, {"a/basis.toml": basis("5%"), "b/basis.toml": basis("10%"),
                           "a/x.toml": EXTENDS.format("x"), "b/y.toml": EXTENDS.format("y")})
    return ["run", str(SAMPLE), paths[2], paths[3]]


def ambiguous_extends(folder: Path) -> list[str]:
    """c/z.toml extends 'basis' with none beside it, and the folders given (a, b) hold one each."""
    paths = files(folder, {"a/basis.toml": basis("5%"), "b/basis.toml": basis("10%"),
                           "a/x.toml": EXTENDS.format("x"), "b/y.toml": EXTENDS.format("y"),
                           "c/z.toml": EXTENDS.format("z")})
    return ["run", str(SAMPLE), paths[2], paths[3], paths[4]]


def deep_toml(depth: int) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        path = folder / "diep.toml"
        path.write_text('title = "x"\na = ' + "[" * depth + "]" * depth + "\n", encoding="utf-8")
        return ["run", str(SAMPLE), str(path)]
    return build


def out_locked(folder: Path) -> list[str]:
    (folder / ".~lock.uit.xlsx#").write_text(",gebruiker,pc,07.12.2026 10:00,file:///\n", encoding="utf-8")
    return ["m2", str(SAMPLE), "--out", str(folder / "uit.xlsx")]


def out_hard_linked(folder: Path) -> list[str]:
    import os

    (folder / "uit.json").write_text("{}\n", encoding="utf-8")
    os.link(folder / "uit.json", folder / "kopie.json")
    return ["m2", str(SAMPLE), "--out", str(folder / "uit.json")]


PACT = str(SCENARIOS / "pact-stopt-2028.toml")
#: The effect on 2028 of stopping 't PACT with the sample's roster, as the unchanged sample gives
#: it (w13xl run workbooks/w13-mjp-2026-2031.xlsx scenarios/pact-stopt-2028.toml, 'Totaal t.o.v.
#: basis'): a renamed or partly hidden roster sheet must change nothing. (The issue's -126.891 was
#: the same effect with the earlier illustrative roster, before the calibrated roster of main.)
PACT_EFFECT = "-13.898"
CONTRIBUTION = 'title = "x"\n[[changes]]\ntype = "contribution"\nfrom_year = 2027\n'
INDEX = 'title = "x"\n[[changes]]\ntype = "index"\nclasses = ["loon"]\n'


def scenario_sheet_pct(value) -> Callable:
    """The Scenario's sheet's contribution row (row 5: bijdrage-plus-3-2028) with another Percentage."""
    return cell("Scenario's", "I5", value)

NFD_CATEGORIES = unicodedata.normalize("NFD", "Categorieën")

CASES: dict[str, Case] = {
    # -- finding sheets ------------------------------------------------------------------------
    "parameters_trailing_space": Case(
        lambda f: ["m2", str(edited(f, "spatie.xlsx", rename("Parameters", "Parameters ")))],
        ("454.276", "-15.569"), exit_code=0, no_warnings=("Parameters",)),
    "categories_decomposed_on_pivot": Case(
        lambda f: ["m2", str(edited(f, "mac.xlsx", rename("Categorieën", NFD_CATEGORIES))), "--sheet",
                   "Synthese (export)"],
        ("454.276", "-15.569"), exit_code=0, no_warnings=("Categorie",)),
    "parameters_twice": Case(
        lambda f: ["m2", str(retitled(edited(f, "tweemaal.xlsx", copy_sheet("Parameters", "PARAMETERS1")),
                                      "PARAMETERS1", "PARAMETERS"))],
        ("tweemaal.xlsx", "twee bladen", "'Parameters'", "'PARAMETERS'")),
    "parameters_and_parameters_with_space": Case(
        lambda f: ["m2", str(edited(f, "spaties.xlsx", copy_sheet("Parameters", "Parameters ")))],
        ("spaties.xlsx", "twee bladen", "'Parameters'", "'Parameters '")),
    "roster_renamed_personeelsbestand": Case(
        lambda f: ["run", str(edited(f, "bestand.xlsx", rename("Personeel", "Personeelsbestand"))), PACT],
        (PACT_EFFECT,), exit_code=0, no_warnings=("Personeel",)),
    "roster_renamed_unknown": Case(
        lambda f: ["run", str(edited(f, "medewerkers.xlsx", rename("Personeel", "Medewerkers"))), PACT],
        (), exit_code=0, warnings=("medewerkers.xlsx", "geen blad 'Personeel', 'Personeelsbestand'",
                                   "personeelseffecten", "zijn 0")),
    "pivot_without_categories": Case(
        lambda f: ["m2", str(edited(f, "zonder-cat.xlsx", remove("Categorieën"))), "--sheet", "Synthese (export)"],
        (), exit_code=0, warnings=("geen blad 'Categorieën'", "exploitatie")),
    "no_parameters": Case(
        lambda f: ["m2", str(edited(f, "zonder-param.xlsx", remove("Parameters")))],
        (), exit_code=0, warnings=("geen blad 'Parameters'", "reserve begint bij 0")),
    # versies: NEW without Parameters. Reference: the same two sheets with Parameters on both
    # sides give a reserve effect of -81.375 in 2025 (the opening reserves are equal and cancel);
    # before issue 19, NEW's missing opening reserve counted as 0: -81.375 - 404.702 = -486.077.
    "versies_without_parameters": Case(
        lambda f: ["versies", str(SAMPLE), str(edited(f, "nieuw.xlsx", remove("Parameters"))),
                   "--old-sheet", "Budget 2025", "--new-sheet", "Raming 2025"],
        ("-81.375",), exit_code=0, warnings=("NIEUW geeft geen gecumuleerd budgettair resultaat vorig boekjaar",
                                             "aangenomen gelijk aan dat van OUD", "404.701,70")),
    # realisatie: accounts as a pivot without categories against a plan with investments
    "realisatie_pivot_without_categories": Case(
        lambda f: ["realisatie", str(edited(f, "plan.xlsx", remove("Categorieën"))),
                   str(edited(f, "rekening.xlsx", only("Synthese (export)", "Rekening 2026")))],
        (), exit_code=0, warnings=("rekening.xlsx", "'Rekening 2026' (de rekening) heeft geen categorieën",
                                   "alles is als exploitatie gelezen", "A10402, A50111")),
    # -- numbers with units ----------------------------------------------------------------------
    "toml_pct_1": Case(toml(CONTRIBUTION + "pct = 1\n"), ("s.toml", "changes[0].pct", "dubbelzinnig",
                                                          "'1%'", "'100%'")),
    "toml_pct_1_text_percent_accepted": Case(toml(CONTRIBUTION + 'pct = "1%"\n'), ("+1,0%",), exit_code=0),
    "toml_pct_100_text_accepted": Case(toml(CONTRIBUTION + 'pct = "100%"\n'), ("+100,0%",), exit_code=0),
    "toml_index_rate_1": Case(toml(INDEX + "rate = 1\n"), ("changes[0].rate", "dubbelzinnig", "'1%'")),
    "sheet_pct_1": Case(lambda f: ["run", str(edited(f, "blad-pct.xlsx", scenario_sheet_pct(1))),
                                   "bijdrage-plus-3-2028"],
                        ("blad-pct.xlsx", "blad 'Scenario's'", "I5", "dubbelzinnig", "'1%'", "'100%'")),
    "sheet_pct_text_3_percent": Case(lambda f: ["run", str(edited(f, "blad-pct3.xlsx", scenario_sheet_pct("3%"))),
                                                "bijdrage-plus-3-2028"], ("+3,0%",), exit_code=0),
    "parameter_index_1": Case(lambda f: ["m2", str(edited(f, "index1.xlsx", cell("Parameters", "B10", 1)))],
                              ("index1.xlsx", "blad 'Parameters', cel B10", "Standaardindex", "dubbelzinnig")),
    "parameter_minimum_reserve_percent": Case(
        lambda f: ["m2", str(edited(f, "min-pct.xlsx", cell("Parameters", "B3", "10%")))],
        ("blad 'Parameters', cel B3", "Minimumreserve", "'10%' is een percentage, geen bedrag")),
    "parameter_minimum_reserve_negative": Case(
        lambda f: ["m2", str(edited(f, "min-neg.xlsx", cell("Parameters", "B3", -211211.09)))],
        ("blad 'Parameters', cel B3", "Minimumreserve", "negatief")),
    "option_minimum_reserve_percent": Case(lambda f: ["m2", str(SAMPLE), "--minimum-reserve", "10%"],
                                           ("--minimum-reserve", "'10%' is een percentage, geen bedrag"),
                                           usage=True),
    "option_minimum_reserve_negative": Case(lambda f: ["m2", str(SAMPLE), "--minimum-reserve", "-5"],
                                            ("--minimum-reserve", "negatief"), usage=True),
    "option_minimum_reserve_amount": Case(lambda f: ["m2", str(SAMPLE), "--minimum-reserve", "500.000"],
                                          ("Beleid W13: reserve ≥ sociaal passief: niet voldaan vanaf 2026",
                                           "500.000"), exit_code=0),
    "amount_1e300": Case(lambda f: ["m2", str(edited(f, "groot.xlsx", cell("Synthese", "H2", 1e300)))],
                         ("groot.xlsx", "blad 'Synthese', cel H2", "groter dan elk plausibel bedrag")),
    "amount_1e12_text": Case(lambda f: ["m2", str(edited(f, "groot-tekst.xlsx",
                                                          cell("Synthese", "H2", "1.000.000.000.000,00")))],
                             ("blad 'Synthese', cel H2", "groter dan elk plausibel bedrag")),
    # -- layout ----------------------------------------------------------------------------------
    # 2031 typed in a date-formatted cell (shown as 23/07/1905) and 01/01/2031 typed as the header:
    # read as 2031 with a warning naming the cell; the plan's figures, 2031 included
    "year_header_2031_in_date_cell": Case(
        lambda f: ["m2", str(edited(f, "datumcel.xlsx", date_formatted("Synthese", "L1", 2031)))],
        ("2031", "454.276", "-15.569"), exit_code=0,
        warnings=("blad 'Synthese', cel L1", "de kop is een datum (23/07/1905)", "gelezen als het jaar 2031")),
    "year_header_typed_as_date": Case(
        lambda f: ["m2", str(edited(f, "datum.xlsx", cell("Synthese", "L1", dt.datetime(2031, 1, 1))))],
        ("454.276", "-15.569"), exit_code=0,
        warnings=("cel L1", "de kop is een datum (01/01/2031)", "gelezen als het jaar 2031")),
    "year_header_date_with_time_refused": Case(
        lambda f: ["m2", str(edited(f, "tijd.xlsx", cell("Synthese", "L1",
                                                         dt.datetime(2031, 1, 1, 12, 30))))],
        ("tijd.xlsx, blad 'Synthese', cel L1", "de kop is een datum (01/01/2031 12:30), geen jaar")),
    "pivot_u_row_typo": Case(
        lambda f: ["m2", str(edited(f, "typo.xlsx", pivot_typo)), "--sheet", EXPORT],
        ("typo.xlsx, blad 'Synthese (export)', cel B4", "het saldo van A10101 in 2026", "B5 + B6",
         "verschil 10.000,00")),
    "pivot_eindtotaal_typo": Case(
        lambda f: ["m2", str(edited(f, "totaal.xlsx", pivot_total_typo)), "--sheet", EXPORT],
        ("blad 'Synthese (export)'", "het eindtotaal 2031", "verschil 10.000,00")),
    "pivot_total_mid_sheet": Case(
        lambda f: ["m2", str(edited(f, "midden.xlsx", pivot_total_mid_sheet)), "--sheet", EXPORT],
        ("midden.xlsx, blad 'Synthese (export)'", "de rij 'Totaal'", "staat midden in het blad",
         "eronder staat nog")),
    "hidden_row_with_amounts": Case(
        lambda f: ["m2", str(edited(f, "verborgen-rij.xlsx", hide_row("Synthese", 5)))],
        ("454.276", "-15.569"), exit_code=0,
        warnings=("blad 'Synthese', cel G5", "verborgen rij 5 met bedragen", "tellen mee")),
    "hidden_column_with_amounts": Case(
        lambda f: ["m2", str(edited(f, "verborgen-kolom.xlsx", hide_col("Synthese", "L")))],
        ("454.276",), exit_code=0, warnings=("verborgen kolom L met bedragen",)),
    "hidden_roster_row": Case(
        lambda f: ["run", str(edited(f, "verborgen-personeel.xlsx", hide_row("Personeel", 6))), PACT],
        (PACT_EFFECT,), exit_code=0, warnings=("blad 'Personeel'", "verborgen rij 6 met bedragen")),
    # -- scenario resolution ---------------------------------------------------------------------
    "extends_takes_the_basis_beside_the_file": Case(two_folders, ("+5,0%", "+10,0%"), exit_code=0),
    "extends_two_candidates_refused": Case(ambiguous_extends, (
        "z.toml", "extends", 'extends = "basis" past op meer dan één scenario', "a/basis.toml", "b/basis.toml")),
    "toml_20000_deep": Case(deep_toml(20000), ("diep.toml", "te diep genest")),
    "toml_100_deep": Case(deep_toml(100), ("diep.toml", "te diep genest", "meer dan 32 niveaus")),
    # -- files -----------------------------------------------------------------------------------
    "out_name_too_long": Case(lambda f: ["m2", str(SAMPLE), "--out", str(f / ("m" * 300 + ".json"))],
                              ("schrijven mislukt: de naam is te lang", "305 bytes", "er is niets gewijzigd")),
    "out_open_in_libreoffice": Case(out_locked, ("uit.xlsx", "open in LibreOffice", ".~lock.uit.xlsx#")),
    "out_hard_link_refused": Case(out_hard_linked, ("uit.json", "2 namen (een harde koppeling)")),
}


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus-out")
    out.mkdir(parents=True, exist_ok=True)
    for name, case in CASES.items():
        folder = out / name
        folder.mkdir(exist_ok=True)
        print(name, "->", "w13xl " + " ".join(case.build(folder)))
