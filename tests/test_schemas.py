"""Schemas M3, T1, T2, T3 of the sample against the plan's printed tables. Every figure below is
TYPED FROM THE PLAN (meerjarenplan 2026-2031, schema's M3/T1/T2/T3), not computed by w13xl."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

import pytest
from helpers import SAMPLE
from openpyxl import load_workbook
from typer.testing import CliRunner

from w13xl.cli import app
from w13xl.schemas import compute_schema, schema_rules_from_grids
from w13xl.sheets import load_plan_from_grids
from w13xl.workbook import read_grids

runner = CliRunner()


def euro(v: float) -> int:
    """Round half up to the euro, as the budget package prints."""
    return int(Decimal(f"{v:.2f}").quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@pytest.fixture(scope="module")
def sample():
    grids, named = read_grids(SAMPLE)
    loaded = load_plan_from_grids(grids, file=str(SAMPLE), named=named)
    (eco, ew), (fun, fw) = schema_rules_from_grids(grids, str(SAMPLE))

    def schema(name, **kw):
        where = fw if name == "T1" else ew
        return compute_schema(name, loaded.plan, loaded.params, economic=eco, functional=fun, **where, **kw)
    return schema


T2_PRINTED = {
    "I. Totaal exploitatie-uitgaven": (4562880, 4445344, 4132903, 4189118, 3156858, 3113691),
    "A. Operationele uitgaven": (4562630, 4445089, 4132643, 4188853, 3156588, 3113415),
    "1. Goederen en diensten": (2744734, 2632047, 2334539, 2336851, 1351173, 1344041),
    "2. Bezoldigingen, sociale lasten en pensioenen": (1817896, 1813042, 1798104, 1852002, 1805415, 1769373),
    "c. Niet vast benoemd niet-onderwijzend personeel": (1757500, 1754322, 1741685, 1794885, 1750785, 1715595),
    "f. Andere personeelskosten": (60396, 58720, 56419, 57117, 54629, 53778),
    "B. Financiële uitgaven": (250, 255, 260, 265, 271, 276),
    "2. Andere financiële uitgaven": (250, 255, 260, 265, 271, 276),
    "II. Totaal Exploitatieontvangsten": (4622731, 4481822, 4154379, 4198114, 3155201, 3098121),
    "A. Operationele ontvangsten": (4617731, 4477822, 4151379, 4195114, 3152201, 3095121),
    "3. Werkingssubsidies": (4388715, 4254480, 3912248, 3940967, 2883934, 2820354),
    "a. Algemene werkingssubsidies": (4388715, 4254480, 3912248, 3940967, 2883934, 2820354),
    "- van de Vlaamse overheid": (3427324, 3277061, 2918480, 2930525, 1856483, 1775553),
    "- van het OCMW": (801391, 817419, 833767, 850443, 867452, 884801),
    "- van andere entiteiten": (160000, 160000, 160000, 160000, 160000, 160000),
    "5. Andere operationele ontvangsten": (229016, 223342, 239131, 254147, 268267, 274768),
    "B. Financiële ontvangsten": (5000, 4000, 3000, 3000, 3000, 3000),
    "I. Totaal Investeringsuitgaven": (460000, 10000, 9500, 9000, 8500, 8000),
    "B. Investeringen in materiële vaste activa": (460000, 10000, 9500, 9000, 8500, 8000),
    "c. Roerende goederen": (460000, 10000, 9500, 9000, 8500, 8000),
    "II. Totaal Investeringsontvangsten": (445000, 0, 0, 0, 0, 0),
    "D. Investeringssubsidies en -schenkingen": (445000, 0, 0, 0, 0, 0),
    "II. Investeringssaldo": (-15000, -10000, -9500, -9000, -8500, -8000),
}
#: The saldo lines of T2 as printed. The package computes them from its own cents, not from the
#: rounded totals: 2029 prints ES 8.997 and V -4 (schema M2 prints V -3) while the synthesis
#: cents give 8.996,49 and -3,51. They agree to within one euro (the plan's rounding).
T2_SALDI = {
    "I. Exploitatiesaldo": (59851, 36478, 21476, 8997, -1658, -15569),
    "III. Saldo van exploitatie en investeringen": (44851, 26478, 11976, -4, -10158, -23569),
    "V. Budgettair resultaat van het boekjaar": (44851, 26478, 11976, -4, -10158, -23569),
}
ZERO_T2 = ("a. Politiek personeel", "b. Vast benoemd niet-onderwijzend personeel", "4. Toegestane werkingssubsidies",
           "I. Totaal financieringsuitgaven", "II. Totaal financieringsontvangsten", "- van de federale overheid",
           "b. Specifieke werkingssubsidies", "1. Rente, commissies en kosten verbonden aan schulden")


def _first(result, label):
    return next(v for _, lab, v in result.rows if lab == label)


def test_t2_equals_the_printed_schema_to_the_euro(sample):
    t2 = sample("T2")
    for label, printed in T2_PRINTED.items():
        assert tuple(euro(v) for v in _first(t2, label)) == printed, label
    for label, printed in T2_SALDI.items():
        assert all(abs(v - p) <= 1.0 for v, p in zip(_first(t2, label), printed)), label
    for label in ZERO_T2:
        assert all(abs(v) < 0.005 for v in _first(t2, label)), label


def test_t2_investment_subsidies_from_the_flemish_government(sample):
    t2 = sample("T2")
    inv = [v for s, lab, v in t2.rows if s == "Investeringen" and lab == "- van de Vlaamse overheid"][0]
    assert [euro(v) for v in inv] == [445000, 0, 0, 0, 0, 0]


def test_t1_equals_the_printed_schema_to_the_euro(sample):
    t1 = sample("T1")
    got = [(s, lab, tuple(euro(v) for v in vals)) for s, lab, vals in t1.rows]
    assert got == [
        ("ALGEMENE FINANCIERING", "Uitgaven", (250, 255, 260, 265, 271, 276)),
        ("ALGEMENE FINANCIERING", "Ontvangsten", (806391, 821419, 836767, 853443, 870452, 887801)),
        ("W13", "Uitgaven", (5022630, 4455089, 4142143, 4197853, 3165088, 3121415)),
        ("W13", "Ontvangsten", (4261340, 3660403, 3317611, 3344672, 2284749, 2210321)),
        ("Algemeen totaal", "Uitgaven", (5022880, 4455344, 4142403, 4198118, 3165358, 3121691)),
        ("Algemeen totaal", "Ontvangsten", (5067731, 4481822, 4154379, 4198114, 3155201, 3098121)),
    ]


def test_m3_2026_equals_the_printed_schema(sample):
    m3 = sample("M3")
    assert m3.columns == ["Uitgaven 2026", "Ontvangsten 2026"]
    got = {lab: tuple(euro(v) for v in vals) for _, lab, vals in m3.rows}
    assert got == {"Exploitatie": (4562880, 4622731), "Investeringen": (460000, 445000), "Financiering": (0, 0),
                   "Leningen en leasings": (0, 0), "Toegestane leningen en betalingsuitstel": (0, 0),
                   "Overige financieringstransacties": (0, 0)}
    assert [euro(v) for v in sample("M3", year=2027).value("Kredieten", "Investeringen")] == [10000, 0]


def test_t3_is_zero_as_printed(sample):
    t3 = sample("T3")
    assert len(t3.rows) == 20
    assert all(v == 0 for _, _, vals in t3.rows for v in vals)


def test_t3_rolls_a_debt_forward(tmp_path):
    """A plan with a loan: debt 1/1 = 100.000, new loan 50.000 in year 2, repayment 10.000 per year."""
    from w13xl.model import FINANCIERING, O, U, Plan
    from w13xl.params import Parameters
    plan = Plan.from_lines([2026, 2027, 2028], [("A1", FINANCIERING, O, [0, 50000, 0]),
                                                ("A1", FINANCIERING, U, [10000, 10000, 10000])])
    t3 = compute_schema("T3", plan, Parameters(outstanding_debt={2026: 100000.0}))
    assert t3.value("Geraamde financiële schulden", "A. Financiële schulden op 1 januari") == [100000, 90000, 130000]
    assert t3.value("Geraamde financiële schulden", "D. Financiële schulden op 31 december (A+B-C)") == [
        90000, 130000, 120000]
    m3 = compute_schema("M3", plan, Parameters(), year=2027)
    assert m3.value("Kredieten", "Leningen en leasings") == [10000, 50000]


def test_cli_schema_t2_json(tmp_path):
    out = tmp_path / "t2.json"
    res = runner.invoke(app, ["schema", "T2", str(SAMPLE), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "Goederen en diensten" in res.output
    data = json.loads(out.read_text(encoding="utf-8"))
    row = next(r for r in data["rows"] if r["omschrijving"] == "1. Goederen en diensten")
    assert euro(row["waarden"][0]) == 2744734


def test_cli_schema_unknown_name():
    res = runner.invoke(app, ["schema", "T9", str(SAMPLE)])
    assert res.exit_code == 2
    assert "T9" in res.output


def _sample_with(tmp_path, sheet, edit):
    wb = load_workbook(SAMPLE)
    edit(wb[sheet])
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("sheet,cell,value,message", [
    ("Economische aard", "D8", "Snoepgeld", "onbekende economische rubriek 'Snoepgeld'"),
    ("Economische aard", "E11", 999999999, "blijft maar"),
    ("Economische aard", "A8", "A99999", "A99999 staat niet op het begrotingsblad"),
    ("Beleidsvelden", "E4", 5000000, "blijft maar"),
])
def test_bad_mapping_names_sheet_and_cell(tmp_path, sheet, cell, value, message):
    path = _sample_with(tmp_path, sheet, lambda ws: ws.__setitem__(cell, value))
    name = "T1" if sheet == "Beleidsvelden" else "T2"
    res = runner.invoke(app, ["schema", name, str(path)])
    assert res.exit_code == 2, res.output
    assert f"blad '{sheet}'" in res.output and message in res.output


def test_cli_t2_from_the_pivot_export_equals_the_table(tmp_path):
    outs = []
    for sheet in ("Synthese", "Synthese (export)"):
        out = tmp_path / f"{len(outs)}.json"
        res = runner.invoke(app, ["schema", "T2", str(SAMPLE), "--sheet", sheet, "--out", str(out)])
        assert res.exit_code == 0, res.output
        rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
        outs.append([(r["deel"], r["omschrijving"], [round(v, 2) for v in r["waarden"]]) for r in rows])
    assert outs[0] == outs[1]


def test_every_t2_line_equals_the_printed_line_in_the_data_file(sample):
    """All lines, in printed order, against w13xl/data/schemas-2026-2031.csv (the plan's T2 as
    printed, zero lines included); the saldo lines within the plan's one-euro rounding."""
    import csv
    from importlib import resources
    with resources.files("w13xl.data").joinpath("schemas-2026-2031.csv").open(encoding="utf-8") as fh:
        printed = [r for r in csv.DictReader(line for line in fh if not line.startswith("#")) if r["schema"] == "T2"]
    labels = [" ".join(r["omschrijving"].replace("Niet- periodieke", "Niet-periodieke").split()) for r in printed]
    pos = 0
    for section, label, values in sample("T2").rows:
        if section == "Budgettair resultaat van het boekjaar" and label.startswith("IV."):
            continue  # IV. Financieringssaldo is not printed in T2's result block
        pos = labels.index(label, pos)
        want = [int(printed[pos][str(y)]) for y in range(2026, 2032)]
        got = [euro(v) for v in values]
        if section.startswith("Budgettair"):
            assert all(abs(g - w) <= 1 for g, w in zip(got, want)), label
        else:
            assert got == want, label
        pos += 1
