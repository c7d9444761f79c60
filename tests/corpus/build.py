"""The bad-input corpus: malformed workbooks and scenario files, each with the command that reads
it and the message it must give (issue 13). Built at test time into a folder (no binary files in
the repository apart from the two fixtures that need other tools: the LibreOffice-built rich
workbook and the encrypted one, see tests/fixtures/).

    uv run python tests/corpus/build.py OUTDIR   # writes every case's files and prints its command

Each case is a :class:`Case`: ``build(folder)`` makes the files and returns the command's
arguments (after ``w13xl``); ``fragments`` must all appear in the ``Fout:`` line (exit 2), or, for
``exit_code`` 0, in the output (a case that must be *accepted*, e.g. a BOM in a TOML file).
"""

from __future__ import annotations

import re
import shutil
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SAMPLE = ROOT / "workbooks" / "w13-mjp-2026-2031.xlsx"
RICH = ROOT / "tests" / "fixtures" / "rijk-werkboek.xlsx"
ENCRYPTED = ROOT / "tests" / "fixtures" / "versleuteld.xlsx"
sys.path.insert(0, str(ROOT / "tests"))


@dataclass(frozen=True)
class Case:
    build: Callable[[Path], list[str]]
    fragments: tuple[str, ...]
    exit_code: int = 2


def rezip(src: Path, dst: Path, edit: Callable[[str, bytes], bytes]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, edit(item.filename, zin.read(item.filename)), compress_type=zipfile.ZIP_DEFLATED)
    return dst


def with_sheet(folder: Path, name: str, edit: Callable) -> Path:
    """The sample with one sheet edited through openpyxl (the sample has no formulas to lose)."""
    import openpyxl

    wb = openpyxl.load_workbook(SAMPLE)
    edit(wb)
    path = folder / name
    wb.save(path)
    return path


def toml(folder: Path, name: str, text: str, *, bom: bool = False) -> Path:
    path = folder / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


# -- workbooks -------------------------------------------------------------------------------

def formula_without_result(folder: Path) -> list[str]:
    """The rich workbook with the stored results of the budget's formulas removed (as a program
    that does not calculate saves it)."""
    def strip(name, data):
        if name == "xl/worksheets/sheet2.xml":
            return re.sub(rb"(<f[^>]*>[^<]*</f>)<v>[^<]*</v>", rb"\1", data)
        return data
    return ["m2", str(rezip(RICH, folder / "zonder-resultaten.xlsx", strip))]


def saved_by_openpyxl(folder: Path) -> list[str]:
    """What w13xl's former write-back did to every workbook: openpyxl's load-and-save drops the
    cached formula results."""
    import openpyxl

    wb = openpyxl.load_workbook(RICH)
    path = folder / "via-openpyxl.xlsx"
    wb.save(path)
    return ["m2", str(path)]


def half_year_header(folder: Path) -> list[str]:
    return ["m2", str(with_sheet(folder, "halfjaar.xlsx", lambda wb: wb["Synthese"].cell(1, 7, 2026.5)))]


def half_year_text_header(folder: Path) -> list[str]:
    return ["m2", str(with_sheet(folder, "halfjaar-tekst.xlsx", lambda wb: wb["Synthese"].cell(1, 7, "2026,5")))]


def bit_rot(folder: Path) -> list[str]:
    """Bytes changed inside a sheet's compressed data (the zip directory is intact)."""
    path = folder / "bitrot.xlsx"
    shutil.copyfile(SAMPLE, path)
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet2.xml")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 200, start + 260):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    return ["m2", str(path)]


def encrypted(folder: Path) -> list[str]:
    path = folder / "versleuteld.xlsx"
    shutil.copyfile(ENCRYPTED, path)
    return ["m2", str(path)]


def to_strict(src: Path, dst: Path) -> Path:
    """A Strict Open XML copy: the transitional namespaces replaced by the Strict ones (as Excel's
    'Strict Open XML Spreadsheet' writes them). Hand-made: LibreOffice does not write Strict."""
    from w13xl.ooxml import STRICT_TO_TRANSITIONAL

    def edit(name, data):
        if name.endswith((".xml", ".rels")) and name != "[Content_Types].xml":
            for strict, trans in reversed(STRICT_TO_TRANSITIONAL):
                data = data.replace(trans, strict)
        return data
    return rezip(src, dst, edit)


def strict_read(folder: Path) -> list[str]:
    return ["m2", str(to_strict(SAMPLE, folder / "strict.xlsx"))]


def strict_write(folder: Path) -> list[str]:
    path = to_strict(SAMPLE, folder / "strict-into.xlsx")
    return ["board", str(path), "--into", str(path), "--no-uncertainty"]


def unknown_scale(folder: Path) -> list[str]:
    return ["run", str(with_sheet(folder, "schaal.xlsx", lambda wb: wb["Personeel"].cell(5, 4, "Z9"))),
            str(toml(folder, "plus.toml", 'title = "x"\n[[changes]]\ntype = "contribution"\nfrom_year = 2027\n'
                                          'pct = 0.01\n'))]


def roster_text_in_fte(folder: Path) -> list[str]:
    return ["run", str(with_sheet(folder, "vte.xlsx", lambda wb: wb["Personeel"].cell(5, 6, "veel"))),
            str(ROOT / "scenarios" / "bijdrage-plus-5-2027.toml")]


def bit_rot_shared_strings(folder: Path) -> list[str]:
    """Bytes changed inside the shared strings (read by calamine when the workbook opens)."""
    path = folder / "bitrot-sst.xlsx"
    shutil.copyfile(RICH, path)  # LibreOffice writes a shared string table
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/sharedStrings.xml")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 100, start + 160):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    return ["m2", str(path)]


def subsidy_unknown_action(folder: Path) -> list[str]:
    return ["run", str(with_sheet(folder, "subsidie.xlsx", lambda wb: wb["Subsidies"].cell(4, 3, "A99999"))),
            str(ROOT / "scenarios" / "bijdrage-plus-5-2027.toml")]


def rate_as_whole_number(folder: Path) -> list[str]:
    def edit(wb):
        ws = wb["Parameters"]
        for row in ws.iter_rows():
            if row[0].value == "Standaardindex":
                row[1].value = 2  # meant 2%
    return ["m2", str(with_sheet(folder, "index2.xlsx", edit))]


def staff_rate_as_whole_number(folder: Path) -> list[str]:
    def edit(wb):
        ws = wb["Weddeschalen"]
        for row in ws.iter_rows():
            for c in row:
                if c.value == "RSZ werkgever":
                    ws.cell(c.row, c.column + 1, 32)  # meant 32%
    return ["run", str(with_sheet(folder, "rsz.xlsx", edit)), str(ROOT / "scenarios" / "bijdrage-plus-5-2027.toml")]


# -- scenario files ----------------------------------------------------------------------------

def scenario(text: str, *, bom: bool = False, name: str = "s.toml") -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        return ["run", str(SAMPLE), str(toml(folder, name, text, bom=bom))]
    return build


def empty_folder(folder: Path) -> list[str]:
    (folder / "leeg").mkdir()
    (folder / "leeg" / "notities.txt").write_text("geen scenario's\n")
    return ["run", str(SAMPLE), str(folder / "leeg")]


CONTRIBUTION = 'title = "x"\n[[changes]]\ntype = "contribution"\nfrom_year = 2027\n'
INDEX = 'title = "x"\n[[changes]]\ntype = "index"\nclasses = ["loon"]\n'

CASES: dict[str, Case] = {
    # 1. formula cells without a stored result: refused, naming the cells, never read as 0
    "formula_without_result": Case(formula_without_result, (
        "zonder-resultaten.xlsx, blad 'Synthese'", "formulecellen zonder berekend resultaat: G2, H2",
        "leest ze niet als 0", "open het daar, bewaar het")),
    "saved_by_openpyxl": Case(saved_by_openpyxl, (
        "via-openpyxl.xlsx, blad 'Synthese'", "formulecellen zonder berekend resultaat: G2")),
    # 2. a year header with decimals
    "year_header_2026_5": Case(half_year_header, ("halfjaar.xlsx, blad 'Synthese', cel G1",
                                                  "de kop 2026.5 is geen heel jaar")),
    "year_header_text_2026_5": Case(half_year_text_header, ("blad 'Synthese', cel G1",
                                                            "de kop '2026,5' is geen heel jaar")),
    # 3. implausible rates; one rule for percentages
    "contribution_pct_5000": Case(scenario(CONTRIBUTION + "pct = 5000\n"), (
        "sleutel changes[0].pct", "pct = 5000 wordt gelezen als +500000%", "boven de grens van 100%",
        "override_bounds = true")),
    "contribution_pct_50_old_style": Case(scenario(CONTRIBUTION + "pct = 50\n"), (
        "pct = 50 wordt gelezen als +5000%", "0.05 = 5%")),
    "index_rates_8": Case(scenario(INDEX + "rates = { 2027 = 8 }\n"), (
        "sleutel changes[0].rates", "rates.2027 = 8 wordt gelezen als +800% per jaar", "boven de grens van 50%")),
    "index_rate_over_bound_with_override": Case(scenario(INDEX + "rate = 0.6\noverride_bounds = true\n"),
                                                ("Schema M2",), exit_code=0),
    "contribution_pct_text": Case(scenario(CONTRIBUTION + 'pct = "5%"\n'), ("+5,0%",), exit_code=0),
    "parameter_rate_whole_number": Case(rate_as_whole_number, (
        "blad 'Parameters', cel B10", "Standaardindex: 2 wordt gelezen als 200%", "0.02 = 2%")),
    "staff_rate_whole_number": Case(staff_rate_as_whole_number, (
        "blad 'Weddeschalen', cel F5", "RSZ werkgever: 32 wordt gelezen als 3200%")),
    # 4. corrupted packages, encrypted, Strict Open XML
    "bit_rot_in_a_sheet": Case(bit_rot, ("bitrot.xlsx: het bestand is beschadigd", "xl/worksheets/sheet2.xml")),
    "bit_rot_in_shared_strings": Case(bit_rot_shared_strings, ("bitrot-sst.xlsx: het bestand is beschadigd",
                                                               "xl/sharedStrings.xml")),
    "encrypted": Case(encrypted, ("versleuteld.xlsx: het werkboek is beveiligd met een wachtwoord",)),
    "strict_open_xml_is_read": Case(strict_read, ("Schema M2", "59.851", "454.276"), exit_code=0),
    "strict_open_xml_no_write_back": Case(strict_write, ("strict-into.xlsx", "Strict Open XML",
                                                         "schrijft er niet in")),
    # 5. messages that keep the place
    "fte_field_name": Case(scenario('title = "x"\n[[changes]]\ntype = "fte"\nposition = "P01"\nfte = 3\n'
                                    'date = 2027-01-01\n'), ("sleutel changes[0].fte", "mag hoogstens 1.5 zijn")),
    "step_field_name": Case(scenario('title = "x"\n[[changes]]\ntype = "step"\nposition = "P01"\nstep = -1\n'
                                     'date = 2027-01-01\n'), ("sleutel changes[0].step", "moet minstens 0 zijn")),
    "unknown_salary_scale": Case(unknown_scale, ("schaal.xlsx, blad 'Personeel', cel D5",
                                                 "positie P02 heeft een onbekende weddeschaal 'Z9'")),
    "roster_text_in_fte": Case(roster_text_in_fte, ("vte.xlsx, blad 'Personeel', cel F5",
                                                     "positie P02: vte: geen getal: 'veel'")),
    "subsidy_unknown_action": Case(subsidy_unknown_action, (
        "subsidie.xlsx, blad 'Subsidies', cel C4", "verwijst naar actie 'A99999', die niet op het begrotingsblad staat")),
    "folder_without_scenarios": Case(empty_folder, ("leeg: de map bevat geen scenariobestanden (*.toml)",)),
    "no_scenarios_at_all": Case(lambda folder: ["run", str(with_sheet(folder, "zonder.xlsx",
                                                                        lambda wb: wb.remove(wb["Scenario's"])))],
                                ("zonder.xlsx: geen scenario's om door te rekenen",)),
    "empty_scenario_file": Case(scenario("", name="leeg.toml"), ("leeg.toml: het scenariobestand is leeg", "minstens één tabel [[changes]]")),
    "comments_only_scenario_file": Case(scenario("# nog in te vullen\n", name="commentaar.toml"),
                                        ("commentaar.toml: het scenariobestand is leeg",)),
    "bom_in_toml_is_accepted": Case(scenario(CONTRIBUTION + "pct = 0.05\n", bom=True), ("Schema M2", "+5,0%"),
                                    exit_code=0),
}


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus-out")
    out.mkdir(parents=True, exist_ok=True)
    for name, case in CASES.items():
        folder = out / name
        folder.mkdir(exist_ok=True)
        print(name, "->", "w13xl " + " ".join(case.build(folder)))
