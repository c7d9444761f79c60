"""w13xl realisatie / versies / herraming: accounts against the plan, plan versions, the rolling
forecast of the sample (the plan's own reconciliation 2024/2025), and bad input."""

from __future__ import annotations

import json

import pytest
from helpers import SAMPLE, pivot_rows, table_rows, write_workbook
from openpyxl import load_workbook
from typer.testing import CliRunner

from w13xl.cli import app
from w13xl.realisatie import compare, forecast_errors
from w13xl.workbook import load_plan

runner = CliRunner()
YEARS = (2026, 2027)

# Accounts for 2026-2027 (synthetic): magnitudes per (action, category, direction).
ACCOUNT_LINES = [
    ("A10101", "exploitatie", "O", [5750.0, 5600.0]),
    ("A10101", "exploitatie", "U", [20500.0, 22000.0]),
    ("A10402", "investeringen", "O", [440000.0, 0.0]),
    ("A10402", "investeringen", "U", [452000.0, 0.0]),
    ("A50111", "exploitatie", "O", [1000000.0, 1010000.0]),
    ("A50111", "exploitatie", "U", [950000.0, 960000.0]),
    ("A50111", "investeringen", "U", [14000.0, 11000.0]),
    ("A9999", "exploitatie", "U", [1000.0, 0.0]),   # an action the plan does not have
]
#: the pivot has no category: this sheet moves A10402 and the IT part of A50111 U, as in the sample
CATEGORY_SHEET = [["Actie", "Richting", "Categorie", *YEARS],
                  ["A10402", "O", "investeringen", None, None],
                  ["A10402", "U", "investeringen", None, None],
                  ["A50111", "U", "investeringen", 14000.0, 11000.0]]


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture()
def accounts_files(tmp_path):
    table = write_workbook(tmp_path / "rek-tabel.xlsx", {
        "Rekening": table_rows(ACCOUNT_LINES, YEARS, header_labels=[f"Rek {y}" for y in YEARS])})
    pivot_lines = pivot_rows(ACCOUNT_LINES, YEARS, title="Rekening")
    pivot_lines[2] = ["Rijlabels", *[f"JR {y}" for y in YEARS]]
    pivot = write_workbook(tmp_path / "rek-draaitabel.xlsx", {"Rekening": pivot_lines, "Categorieën": CATEGORY_SHEET})
    return table, pivot


def test_pivot_and_table_layouts_give_the_same_result(tmp_path, accounts_files):
    table, pivot = accounts_files
    outs = []
    for path in (table, pivot):
        out = tmp_path / f"{path.stem}.json"
        res = run("realisatie", SAMPLE, path, "--out", out)
        assert res.exit_code == 0, res.output
        outs.append(json.loads(out.read_text(encoding="utf-8")))
    a, b = ({k: v for k, v in o.items() if k not in ("rekening",)} for o in outs)
    for d in (a, b):  # the pivot export names actions ('A9999 Actie A9999'), the table does not
        for key in ("acties", "enkel_eerste", "enkel_tweede"):
            for r in d[key]:
                r.pop("name")
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert a["years"] == [2026, 2027]
    inv = next(r for r in a["m2"] if r["key"] == "investeringen_uitgaven")
    assert inv["second"] == [466000.0, 11000.0]       # 452.000 + 14.000; 11.000
    assert inv["first"] == [460000.0, 10000.0]        # the plan's T2 / M3 figures
    assert [x["action"] for x in a["enkel_tweede"]] == ["A9999"]
    assert "A10102" in [x["action"] for x in a["enkel_eerste"]]


def test_m2_difference_and_percentage_realised(accounts_files):
    table, _ = accounts_files
    res = run("realisatie", SAMPLE, table)
    assert res.exit_code == 0, res.output
    assert "schema M2 2026" in res.output and "% gerealiseerd" in res.output
    assert "Enkel in rekening: A9999" in res.output


def test_actions_are_ranked_by_the_size_of_their_difference():
    plan = load_plan(SAMPLE).plan
    from w13xl.model import EXPLOITATIE, O, U, Plan
    acc = Plan.from_lines([2026], [("A10101", EXPLOITATIE, O, [5750.0]), ("A10101", EXPLOITATIE, U, [30000.0]),
                                   ("A50111", EXPLOITATIE, O, [1000385.16]), ("A50111", EXPLOITATIE, U, [949122.36])])
    c = compare(plan, acc)
    nets = [r for r in c.actions if r["part"] == "netto"]
    # A10102..: whole plan lines missing in the accounts are large; check the relative order of two
    pos = {r["action"]: i for i, r in enumerate(nets)}
    diff = {r["action"]: r["total_diff"] for r in nets}
    assert diff["A10101"] == pytest.approx(-9000.0)   # -24.250 against -15.250
    assert diff["A50111"] == pytest.approx(11000.0)   # -4.000 exploitation, and no IT investment (15.000)
    assert pos["A50111"] < pos["A10101"]
    assert all(abs(nets[i]["total_diff"]) >= abs(nets[i + 1]["total_diff"]) for i in range(len(nets) - 1))


def test_action_mapping_renames_old_codes(tmp_path):
    lines = [("A1310", "exploitatie", "O", [1004385.16]), ("A1310", "exploitatie", "U", [949122.36]),
             ("A0101", "exploitatie", "U", [10.0])]
    path = write_workbook(tmp_path / "rek.xlsx", {
        "Rekening": table_rows(lines, (2026,), header_labels=["JR 2026"]),
        "Actiemapping": [["Oude actie", "Nieuwe actie"], ["A1310", "A50111"]]})
    out = tmp_path / "r.json"
    res = run("realisatie", SAMPLE, path, "--out", out)
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["hernummerd"] == [{"oud": "A1310", "nieuw": "A50111"}]
    net = next(r for r in data["acties"] if r["action"] == "A50111" and r["part"] == "netto")
    assert net["second"] == [pytest.approx(1004385.16 - 949122.36)]
    assert [x["action"] for x in data["enkel_tweede"]] == ["A0101"]


def test_action_mapping_splits_one_old_action_by_shares_per_direction(tmp_path):
    """A0402 Energiehuis (plan 2020-2025) became A10201, A10203, A10205 and A10206. JR 2026 of
    A0402: O 1.000, U 800. Shares O 25/40/35/0, U 20/40/40/0 -> by hand A10201 O 250 U 160,
    A10203 O 400 U 320, A10205 O 350 U 320, A10206 nothing."""
    lines = [("A0402", "exploitatie", "O", [1000.0]), ("A0402", "exploitatie", "U", [800.0])]
    mapping = [["Oude actie", "Nieuwe actie", "Aandeel O", "Aandeel U", "Toelichting"],
               ["A0402", "A10201", 0.25, "20%", "energieleningen"],
               ["A0402", "A10203", "40%", 0.4, "prestatiefinanciering"],
               ["A0402", "A10205", 35, 40, "basisfinanciering"],
               ["A0402", "A10206", 0, 0, "projectfinanciering"]]
    path = write_workbook(tmp_path / "rek.xlsx", {
        "Rekening": table_rows(lines, (2026,), header_labels=["JR 2026"]), "Actiemapping": mapping})
    out = tmp_path / "r.json"
    res = run("realisatie", SAMPLE, path, "--out", out)
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [h["oud"] for h in data["hernummerd"]] == ["A0402"] * 4
    assert data["hernummerd"][0]["nieuw"] == "A10201 (O 25%, U 20%)"
    got = {(r["action"], r["part"]): r["second"][0] for r in data["acties"] if r["part"] in ("O", "U")}
    expected = {"A10201": (250.0, 160.0), "A10203": (400.0, 320.0), "A10205": (350.0, 320.0)}
    for action, (o, u) in expected.items():
        assert got[(action, "O")] == pytest.approx(o) and got[(action, "U")] == pytest.approx(u)
    assert "A0402" not in [x["action"] for x in data["enkel_tweede"]]


@pytest.mark.parametrize("shares,fragment,cell", [
    ([(0.25, 0.25), (0.65, 0.75)], "voor de ontvangsten tellen op tot 90%", "C2"),
    ([(0.5, 0.5), (0.5, None)], "geeft geen aandeel voor de uitgaven", "D3"),
])
def test_action_mapping_shares_must_add_up_to_100(tmp_path, shares, fragment, cell):
    lines = [("A0402", "exploitatie", "O", [1000.0, 0.0]), ("A0402", "exploitatie", "U", [800.0, 0.0])]
    mapping = [["Oude actie", "Nieuwe actie", "Aandeel O", "Aandeel U"],
               ["A0402", "A10201", *shares[0]], ["A0402", "A10205", *shares[1]]]
    path = _bad(tmp_path, {"Rekening": table_rows(lines, (0, 1), header_labels=["JR 2026", "JR 2027"]),
                           "Actiemapping": mapping})
    out = tmp_path / "out.json"
    res = run("realisatie", SAMPLE, path, "--out", out)
    assert res.exit_code == 2, res.output
    text = " ".join(res.output.split())
    assert "Actiemapping" in text and cell in text and fragment in text and "A0402" in text, text
    if "90%" in fragment:
        assert "rijen 2, 3: C2, C3" in text
    assert not out.exists()


def _bad(tmp_path, sheets):
    return write_workbook(tmp_path / "rek.xlsx", sheets)


@pytest.mark.parametrize("case,cell,fragment", [
    ("no_overlap", "C1", "geen jaar gemeen"),
    ("maps_to_nothing", "B2", "wordt niets"),
    ("missing_action", "B2", "staat niet in het plan"),
    ("same_year_twice", "D1", "staat twee keer"),
])
def test_bad_input_exit_2_names_file_sheet_cell_and_writes_nothing(tmp_path, case, cell, fragment):
    lines = [("A1310", "exploitatie", "U", [1.0, 2.0])]
    header = {"no_overlap": ["JR 2023", "JR 2024"], "same_year_twice": ["JR 2026", "Rek 2026"]}.get(
        case, ["JR 2026", "JR 2027"])
    sheets = {"Rekening": table_rows(lines, (0, 1), header_labels=header, with_category=False)}
    if case == "maps_to_nothing":
        sheets["Actiemapping"] = [["Oude actie", "Nieuwe actie"], ["A1310", None]]
    if case == "missing_action":
        sheets["Actiemapping"] = [["Oude actie", "Nieuwe actie"], ["A1310", "A77777"]]
    path = _bad(tmp_path, sheets)
    out = tmp_path / "out.json"
    res = run("realisatie", SAMPLE, path, "--out", out)
    assert res.exit_code == 2, res.output
    text = " ".join(res.output.split())
    sheet = "Actiemapping" if case in ("maps_to_nothing", "missing_action") else "Rekening"
    assert str(path) in text and f"blad '{sheet}'" in text and f"cel {cell}" in text and fragment in text
    assert not out.exists()


# -- the plan's reconciliation 2024/2025 and the rolling forecast ----------------------------------
def test_herraming_of_the_sample_shows_the_rounding_difference(tmp_path):
    out = tmp_path / "h.json"
    res = run("herraming", SAMPLE, "--accounts-sheet", "Rekening 2024", "--estimate-sheet", "Raming 2025",
              "--out", out)
    assert res.exit_code == 0, res.output
    assert "404.701,76" in res.output and "404.701,70" in res.output and "0,06 (afrondingsverschil)" in res.output
    d = json.loads(out.read_text(encoding="utf-8"))
    assert d["reserve_afgesloten_jaar"] == 732274.21 and d["overbrugging"] == {"2025": pytest.approx(-327572.45)}
    assert d["beginreserve_herraming"] == pytest.approx(404701.76, abs=1e-6)
    assert d["verschil_gbr"] == pytest.approx([0.06] * 6, abs=1e-6)
    assert round(d["gbr_plan"][-1]) == 454276   # schema M2 2031 as printed


def test_herraming_with_a_real_reserve_moves_the_whole_path():
    res = run("herraming", SAMPLE, "--accounts-sheet", "Rekening 2024", "--estimate-sheet", "Raming 2025",
              "--reserve", "700000")
    assert res.exit_code == 0, res.output
    assert "-32.274,15" in res.output   # 700.000 - 327.572,45 - 404.701,70


def test_herraming_needs_the_bridge_year():
    res = run("herraming", SAMPLE, "--accounts-sheet", "Rekening 2024")
    assert res.exit_code == 2 and "2025" in res.output


# -- versions --------------------------------------------------------------------------------------
def test_versies_initial_2025_against_the_estimate(tmp_path):
    out = tmp_path / "v.json"
    res = run("versies", SAMPLE, SAMPLE, "--old-sheet", "Budget 2025", "--new-sheet", "Raming 2025", "--out", out)
    assert res.exit_code == 0, res.output
    d = json.loads(out.read_text(encoding="utf-8"))
    # 404.701,76 - 486.077,05 (the plan's two reserves of 31/12/2025)
    assert d["effect_reserve"] == [pytest.approx(-81375.29, abs=1e-6)]
    top = d["acties"][0]
    assert (top["action"], top["part"]) == ("A1310", "netto")   # overhead: lower member contribution
    assert top["diff"] == [pytest.approx(-98633.96 + 17258.67, abs=1e-6)]


def test_versies_same_sheet_is_refused():
    res = run("versies", SAMPLE, SAMPLE)
    assert res.exit_code == 2


def test_xlsx_output_has_the_board_sheet_with_a_chart(tmp_path):
    out = tmp_path / "r.xlsx"
    res = run("realisatie", SAMPLE, "--plan-sheet", "Budget 2025", "--accounts-sheet", "Raming 2025", "--out", out)
    assert res.exit_code == 0, res.output
    wb = load_workbook(out)
    ws = wb["Realisatie vs plan"]
    assert len(ws._charts) == 1
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "A1310" in values and "Schema M2 2025" in values


def test_forecast_errors_per_class():
    from w13xl.model import EXPLOITATIE, O, U, Plan
    plan = Plan.from_lines([2024, 2025], [("A1", EXPLOITATIE, O, [100.0, 200.0]), ("A1", EXPLOITATIE, U, [100.0, 100.0])])
    acc = Plan.from_lines([2025, 2026], [("A1", EXPLOITATIE, O, [180.0, 0.0]), ("A1", EXPLOITATIE, U, [110.0, 0.0])])
    fe = forecast_errors(plan, acc, staff_share=0.5)
    assert fe.years == (2025,) and fe.n_years == 1
    assert fe.errors["ontvangsten"] == [pytest.approx(-0.1)]
    assert fe.errors["personeel"] == [pytest.approx(0.1)] and fe.errors["overige_kosten"] == [pytest.approx(0.1)]
    assert fe.sd("ontvangsten") == pytest.approx(0.1)
    assert fe.pass_through == () and fe.errors["doorgeefsaldo"] == [0.0]


def test_forecast_errors_measure_pass_through_actions_on_their_net():
    """A2 passes a subsidy on (O = U in the plan): realised 80 / 78 against 100 / 100, its net
    is off by +2 on 100 of planned expenditure: +2%; receipts and costs classes leave it out."""
    from w13xl.model import EXPLOITATIE, O, U, Plan

    plan = Plan.from_lines([2025], [("A1", EXPLOITATIE, O, [50.0]), ("A1", EXPLOITATIE, U, [40.0]),
                                    ("A2", EXPLOITATIE, O, [100.0]), ("A2", EXPLOITATIE, U, [100.0])])
    acc = Plan.from_lines([2025], [("A1", EXPLOITATIE, O, [55.0]), ("A1", EXPLOITATIE, U, [40.0]),
                                   ("A2", EXPLOITATIE, O, [80.0]), ("A2", EXPLOITATIE, U, [78.0])])
    fe = forecast_errors(plan, acc, staff_share=0.5)
    assert fe.pass_through == ("A2",)
    assert fe.errors["ontvangsten"] == [pytest.approx(0.1)]            # 55 / 50 - 1, A1 only
    assert fe.errors["personeel"] == [pytest.approx(0.0)]
    assert fe.errors["doorgeefsaldo"] == [pytest.approx(0.02)]         # (2 - 0) / 100


def test_board_pack_gains_the_realisatie_sheet(tmp_path, accounts_files):
    table, _ = accounts_files
    out = tmp_path / "board.xlsx"
    res = run("board", SAMPLE, "--out", out, "--no-uncertainty", "--created", "2026-01-01", "--accounts", table)
    assert res.exit_code == 0, res.output
    wb = load_workbook(out)
    # the board hook: a W13 sheet (name prefix and marker, replaced by the next export) before the annex
    assert wb.sheetnames[-3:] == ["W13 Aannames", "W13 Realisatie vs plan", "W13 Bijlage M2 plan"]
    ws = wb["W13 Realisatie vs plan"]
    assert len(ws._charts) == 1 and ws["A2"].value.startswith("w13xl-bordpakket")
    # the look of the other board sheets: nothing cut off, page numbers, the chart data not printed
    from helpers import overflowing_cells

    assert overflowing_cells(ws) == []
    assert ws.oddFooter.right.text == "Pagina &P van &N" and ws["A1"].value == "Realisatie vs plan: rekening tegenover plan"
    printed_rows = int(ws.print_area.split(":")[-1].lstrip("$L"))
    assert all(ws.cell(row=r, column=8).value is None for r in range(1, printed_rows + 1))


def test_board_with_accounts_that_do_not_overlap_writes_nothing(tmp_path):
    out = tmp_path / "board.xlsx"
    res = run("board", SAMPLE, "--out", out, "--no-uncertainty", "--accounts-sheet", "Rekening 2024")
    assert res.exit_code == 2 and "geen jaar gemeen" in " ".join(res.output.split())
    assert not out.exists()


def test_pivot_accounts_without_categories_use_the_plans_rules_with_a_warning(tmp_path, accounts_files):
    _, pivot = accounts_files
    wb = load_workbook(pivot)
    del wb["Categorieën"]
    bare = tmp_path / "bare.xlsx"
    wb.save(bare)
    out = tmp_path / "bare.json"
    res = run("realisatie", SAMPLE, bare, "--out", out)
    assert res.exit_code == 0, res.output
    assert "Waarschuwing" in res.output and "A10402" in res.output
    inv = next(r for r in json.loads(out.read_text(encoding="utf-8"))["m2"] if r["key"] == "investeringen_uitgaven")
    assert inv["second"] == [452000.0 + 15000.0, 10000.0]   # the plan's IT part of A50111 (15.000, 10.000)


def test_csv_output(tmp_path, accounts_files):
    table, _ = accounts_files
    out = tmp_path / "r.csv"
    res = run("realisatie", SAMPLE, table, "--out", out)
    assert res.exit_code == 0, res.output
    lines = out.read_text(encoding="utf-8-sig").splitlines()  # Belgian CSV (issue 12): ';' and a decimal comma
    assert lines[0] == "soort;sleutel;omschrijving;deel;jaar;plan;rekening;verschil;pct"
    row = next(l for l in lines if l.startswith("m2;investeringen_uitgaven;") and ";2026;" in l)
    assert row.split(";")[5:8] == ["460000,00", "466000,00", "6000,00"]
