"""Issue 23: names that grow with the data, the live formula sheet, guided typing on Scenario's.

Every live formula on 'W13 Formules' of the shipped sample workbook is read back as stored,
its named arguments are resolved from the workbook (name -> Excel Table -> cells, header
included) and the function is called through xlwings' own Office.js path
(``xlwings.server.custom_functions_call``); the results are compared with the plan's printed
figures and with the CLI (``w13xl run``) for the same scenario.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import typing
from pathlib import Path

import openpyxl
import pytest
import xlwings as xw
import xlwings.server
from helpers import PLAN_GBR, PLAN_YEARS, SAMPLE
from openpyxl.worksheet.formula import ArrayFormula

from w13xl.excel import cache
from w13xl.excel import functions as F
from w13xl.excel.layer import FORMULA_SHEET, LIST_SHEET, POLICIES
from w13xl.excel.names import SHEET_NAMES
from w13xl.m2 import compute_m2
from w13xl.errors import InputError
from w13xl.scenario.spec import CHANGE_LABELS, CHANGE_TYPES, scenarios_from_grid
from w13xl.workbook import load_plan

STORED = re.compile(r"^=?(?:_xldudf_W13_|W13_)(\w+)\((.*)\)$", re.S)


def split_args(text: str) -> list[str]:
    """The arguments of a stored formula (',' outside quotes)."""
    out, cur, quoted = [], "", False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    return [*out, cur]


def name_values(wb, name: str) -> list[list]:
    """A workbook name's cells as Office.js sends them: name -> table[[#All]] -> the table's range."""
    target = wb.defined_names[name].attr_text
    m = re.fullmatch(r"(\w+)\[\[#All\]\]", target)
    assert m, f"{name} = {target}: not a whole table"
    for ws in wb.worksheets:
        if m.group(1) in ws.tables:
            rows = ws[ws.tables[m.group(1)].ref]
            return [["" if c.value is None else c.value for c in row] for row in rows]
    raise AssertionError(f"table {m.group(1)} not found")


def formula_cells(wb) -> list[tuple[str, str]]:
    ws = wb[FORMULA_SHEET]
    out = []
    for row in ws.iter_rows(min_col=1, max_col=1):
        value = row[0].value
        if isinstance(value, ArrayFormula):  # a dynamic-array formula reads back as an array formula
            out.append((row[0].coordinate, value.text))
    return out


def call(wb, text: str):
    """Call a stored formula through xlwings: named arguments resolved from the workbook."""
    m = STORED.match(text)
    assert m, text
    func = "w13_" + m.group(1).lower()
    args: list = []
    for raw in split_args(m.group(2)):
        raw = raw.strip()
        if raw == "":
            args.append(None)
        elif raw.startswith('"'):
            args.append([[raw.strip('"')]])
        elif re.fullmatch(r"-?\d+(\.\d+)?", raw):
            args.append([[float(raw)]])
        else:
            args.append(name_values(wb, raw))
    meta = {f["name"]: f for f in xlwings.server.custom_functions_meta(F)["functions"]}
    params = meta["W13." + m.group(1)]["parameters"]
    if params[-1].get("repeating"):  # the further ranges travel as one list of ranges
        n = len(params) - 1
        args = [*args[:n], *([None] * (n - len(args[:n]))), args[n:]]
    payload = {"func_name": func, "args": args, "version": xw.__version__, "runtime": "1.4",
               "client": "Office.js",
               "caller_address": f"Microsoft Excel Windows[w13.xlsx]{FORMULA_SHEET}!A1"}
    return asyncio.run(xlwings.server.custom_functions_call(payload, F))


@pytest.fixture(scope="module")
def book():
    return openpyxl.load_workbook(SAMPLE)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """The three workbooks: the sample (Office.js), the classic add-in workbook, the Office.js template."""
    from w13xl.excel.template import build_addin_workbook, build_officejs_workbook

    folder = tmp_path_factory.mktemp("books")
    classic = build_addin_workbook(folder / "W13_plan.xlsm", plan=SAMPLE)
    officejs = build_officejs_workbook(folder / "W13_officejs.xlsx", plan=SAMPLE)
    return {"officejs": SAMPLE, "classic": classic, "sjabloon": officejs}


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "run.json"
    subprocess.run(["w13xl", "run", str(SAMPLE), "hbdh-stopt-juni-2026", "bijdrage-plus-3-2028", "-o", str(out)],
                   check=True, capture_output=True)
    data = json.loads(out.read_text(encoding="utf-8"))
    return {s["scenario"]: s for s in data["scenarios"]}


def test_every_input_sheet_has_a_name_over_its_whole_table(book):
    for name, _ in SHEET_NAMES.values():
        rows = name_values(book, name)
        assert all(isinstance(v, str) and v for v in rows[0]), f"{name}: first row is the header"
    # Personeel: header + 21 positions (w13xl/data/personeel.csv); Scenario's: header + 2 rows
    assert len(name_values(book, "Personeel")) == 1 + 21
    assert len(name_values(book, "Scenarios")) == 3
    assert name_values(book, "Begroting")[0][:3] == ["Beleidsdoelstelling", "Actieplan", "Actie"]


@pytest.mark.parametrize("kind", ["officejs", "classic", "sjabloon"])
def test_each_workbook_has_the_names_the_formulas_and_the_lists(shipped, kind, cli_runs):
    wb = openpyxl.load_workbook(shipped[kind], keep_vba=kind == "classic")
    prefix = "=W13_" if kind == "classic" else "=_xldudf_W13_"
    texts = [t for _, t in formula_cells(wb)]
    assert texts and all(t.startswith(prefix) for t in texts)
    assert f"{prefix}M2(Begroting,Parameters,Categorieen)" in texts
    for key, (name, _) in SHEET_NAMES.items():
        assert name_values(wb, name)[0][0], (kind, key)
    assert len(wb["Scenario's"].data_validations.dataValidation) == 13  # one per column, no doubles
    # the classic UDFs are the same Python functions: the same figures as the CLI
    cache.clear()
    text = next(t for t in texts if '"bijdrage-plus-3-2028","reserve"' in t)
    got = [r[1] for r in call(wb, text)[1:]]
    assert got == pytest.approx(cli_runs["bijdrage-plus-3-2028"]["gecumuleerd_budgettair_resultaat"], abs=0.005)


def test_stored_formula_text(book):
    texts = [t for _, t in formula_cells(book)]
    assert "=_xldudf_W13_M2(Begroting,Parameters,Categorieen)" in texts
    assert any(t.startswith('=_xldudf_W13_SCENARIO(Begroting,"hbdh-stopt-juni-2026","reserve",Parameters,')
               for t in texts)
    assert {STORED.match(t).group(1) for t in texts} == {"M2", "RESERVE", "AFM", "NORMEN", "SCENARIO", "KANS",
                                                         "DOELZOEKEN"}


def test_formula_cells_are_dynamic_arrays():
    import zipfile

    with zipfile.ZipFile(SAMPLE) as z:
        assert "xl/metadata.xml" in z.namelist()
        assert b"XLDAPR" in z.read("xl/metadata.xml")
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = next(z.read(n) for n in sheets if b"_xldudf_W13_M2" in z.read(n))
    assert re.search(rb'<c r="A7"[^>]* cm="1"><f t="array" ref="A7">_xldudf_W13_M2\(', xml)


def test_live_formulas_equal_the_plan_and_the_cli(book, cli_runs):
    cache.clear()
    results = {t: call(book, t) for _, t in formula_cells(book)}
    for text, result in results.items():
        assert not (isinstance(result[0][0], str) and result[0][0].startswith("#W13")), (text, result)
    reserve = results["=_xldudf_W13_RESERVE(Begroting,Parameters,Categorieen)"]
    # the plan's printed schema M2, line VII (gecumuleerd budgettair resultaat), whole euros
    assert [r[0] for r in reserve[1:]] == list(PLAN_YEARS)
    assert [r[1] for r in reserve[1:]] == pytest.approx(PLAN_GBR, abs=1)  # the plan rounds each line
    loaded = load_plan(SAMPLE)  # what `w13xl m2` computes from the same workbook: identical to the cent
    exact = compute_m2(loaded.plan, loaded.params).lines["gecumuleerd_budgettair_resultaat"]
    assert [r[1] for r in reserve[1:]] == pytest.approx([float(v) for v in exact], abs=0.005)
    for scenario in ("hbdh-stopt-juni-2026", "bijdrage-plus-3-2028"):
        text = next(t for t in results if f'"{scenario}","reserve"' in t)
        got = [r[1] for r in results[text][1:]]
        assert got == pytest.approx(cli_runs[scenario]["gecumuleerd_budgettair_resultaat"], abs=0.005)
    normen = next(t for t in results if '"normen"' in t)
    assert len(results[normen]) >= 3  # header + the three norms
    kans = next(t for t in results if "KANS" in t)
    assert 0.0 <= results[kans][0][0] <= 1.0


def test_a_line_typed_below_the_budget_table_changes_reserve(tmp_path):
    """Excel extends a Table when a row is typed right below it; the name follows the table."""
    path = tmp_path / "plus.xlsx"
    shutil.copy(SAMPLE, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Synthese"]
    table = ws.tables["tblSynthese"]
    last = ws.max_row
    for c, v in enumerate(["BD1", "AP105", "A10599", "nieuwe actie", "exploitatie", "U",
                           -1000.0, -1000.0, -1000.0, -1000.0, -1000.0, -1000.0], start=1):
        ws.cell(row=last + 1, column=c, value=v)
    table.ref = re.sub(r"\d+$", str(last + 1), table.ref)  # what Excel does on typing below the table
    cache.clear()
    text = "=_xldudf_W13_RESERVE(Begroting,Parameters,Categorieen)"
    result = call(wb, text)
    assert len(result) == 7, result
    reserve = [r[1] for r in result[1:]]
    before = [r[1] for r in call(openpyxl.load_workbook(SAMPLE), text)[1:]]
    # 1.000 more spending each year: the reserve is 1.000 x (years so far) lower
    assert [b - a for a, b in zip(reserve, before, strict=True)] == pytest.approx([1000, 2000, 3000, 4000, 5000,
                                                                                   6000])


def test_validation_lists_on_scenarios(book):
    ws = book["Scenario's"]
    by_range = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert by_range["D4:D500"].formula1 == "LijstType"
    assert by_range["E4:E500"].formula1 == "LijstSubsidie"
    assert by_range["F4:F500"].formula1 == "LijstPositie"
    assert by_range["K4:K500"].formula1 == "LijstBeleid"
    assert by_range["H4:H500"].type == "date"
    assert all(dv.prompt for dv in by_range.values())
    assert book.defined_names["LijstSubsidie"].attr_text == "tblSubsidies[id]"
    assert book.defined_names["LijstPositie"].attr_text == "tblPersoneel[positie]"
    lists = book[LIST_SHEET]
    types = [c.value for c in lists["A"][1:] if c.value]
    # every Dutch label of the engine, plus the uncertainty rows
    assert set(types) == {*CHANGE_LABELS.values(), "onzekerheid"}
    assert [c.value for c in lists["D"][1:] if c.value] == list(POLICIES)
    assert book[LIST_SHEET].sheet_state == "hidden"
    assert ws["H4"].number_format == "DD/MM/YYYY" and ws["I5"].number_format == "0.00%"


def test_the_engine_reads_the_dutch_type_labels():
    grid = [["Scenario", "Type", "Subsidie", "Datum", "Beleid"],
            ["s", "einde subsidie", "SUB-PACT", "31/12/2028", "stop"]]
    scenario = scenarios_from_grid(grid)["s"]
    assert scenario.changes[0].type == "subsidy_end"
    # every change type the scenario model knows has a Dutch label and is a CHANGE_TYPE
    from w13xl.scenario.spec import Change
    known = {t for member in typing.get_args(typing.get_args(Change)[0]) for t in
             typing.get_args(member.model_fields["type"].annotation)}
    assert set(CHANGE_LABELS) == set(CHANGE_TYPES) == known
    assert "indexsprong" in CHANGE_TYPES


def test_a_sheet_error_names_the_cell_of_the_error_it_reports():
    """Two bad rows: row 2 lacks its date (a missing field), row 3 has a position on a subsidy
    end (a key that change does not take). The message reports the unknown key (it explains
    more), so the cell must be row 3's Positie cell (E3), not a cell of row 2."""
    grid = [["Scenario", "Type", "Subsidie", "Datum", "Positie", "Beleid"],
            ["s", "einde subsidie", "SUB-PACT", None, None, "stop"],
            ["s", "einde subsidie", "SUB-PACT", "31/12/2028", "P01", "stop"]]
    with pytest.raises(InputError) as err:
        scenarios_from_grid(grid, file="plan.xlsx")
    assert err.value.cell == "E3"
    assert "onbekende sleutel" in str(err.value)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_opens_it_and_resolves_the_names(tmp_path):
    """LibreOffice opens the workbook without repair and the names cover the tables."""
    path = tmp_path / "check.xlsx"
    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb.create_sheet("Controle")
    for r, name in enumerate(("Begroting", "Personeel", "Scenarios"), start=1):
        ws.cell(row=r, column=1, value=f"=ROWS({name})")
    wb.active = len(wb.sheetnames) - 1
    wb.save(path)
    every_sheet = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    subprocess.run(["soffice", "--headless", "--convert-to", every_sheet, "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=240)
    # header + 45 budget lines, header + 21 positions, header + 2 scenario rows
    assert (tmp_path / "check-Controle.csv").read_text(encoding="utf-8").split() == ["46", "22", "3"]



@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_converts_the_three_workbooks(shipped, tmp_path):
    """Each workbook opens in LibreOffice without a repair and converts to PDF."""
    pdf = subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                          *map(str, shipped.values())], capture_output=True, timeout=400, text=True)
    assert pdf.returncode == 0, pdf.stderr
    for path in shipped.values():
        assert (tmp_path / (Path(path).stem + ".pdf")).stat().st_size > 10_000, path


def test_trailing_empty_rows_are_ignored(book):
    """A whole-column name (Synthese!$A:$L) would hand the function empty rows below the table."""
    cache.clear()
    text = "=_xldudf_W13_RESERVE(Begroting,Parameters,Categorieen)"
    table = call(book, text)
    budget = name_values(book, "Begroting") + [[""] * 12 for _ in range(1000)]
    padded = asyncio.run(xlwings.server.custom_functions_call(
        {"func_name": "w13_reserve",
         "args": [budget, name_values(book, "Parameters"), name_values(book, "Categorieen")],
         "version": xw.__version__, "runtime": "1.4", "client": "Office.js"}, F))
    assert padded == table


def test_bijdrage_plus_3_by_hand(book):
    """bijdrage-plus-3-2028: +3% on the contribution 801.391 x 1,02^k (Parameters) from 2028:
    25.013,02 + 25.513,28 + 26.023,54 + 26.544,01 = 103.093,85 more reserve by 2031;
    454.275,79 (plan, 2031) + 103.093,85 = 557.369,64."""
    text = next(t for _, t in formula_cells(book) if '"bijdrage-plus-3-2028","reserve"' in t)
    extra = sum(0.03 * 801391 * 1.02 ** k for k in range(2, 6))
    assert extra == pytest.approx(103093.85, abs=0.01)
    assert call(book, text)[-1] == [2031, pytest.approx(454275.79 + extra, abs=0.01)]


def test_the_commands_of_the_page_run(tmp_path):
    """Every `uv run ...` line of the bash blocks of docs/excel-start.md, in a copy of the repo's files."""
    import os
    import sysconfig

    root = Path(__file__).resolve().parents[1]
    for folder in ("workbooks", "scenarios"):
        shutil.copytree(root / folder, tmp_path / folder)
    page = (root / "docs" / "excel-start.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", page, re.S)
    commands = [line.strip() for block in blocks for line in block.splitlines() if line.startswith("uv run ")]
    assert len(commands) == 4
    env = {**os.environ, "PATH": sysconfig.get_path("scripts") + os.pathsep + os.environ["PATH"]}
    for command in commands:
        done = subprocess.run(command.removeprefix("uv run "), shell=True, cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0 and "Traceback" not in done.stderr, (command, done.stderr)
    assert (tmp_path / "W13_officejs.xlsx").exists() and (tmp_path / "W13_plan.xlsm").exists()
