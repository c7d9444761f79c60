"""`w13xl m2`: output, options, result files and bad input (exit code 2, no traceback)."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys

import numpy as np
import pytest
from helpers import (
    BAD_INPUT_CASES,
    PLAN_ES,
    PLAN_GBR,
    PLAN_IS,
    PLAN_OPENING,
    ROOT,
    SAMPLE,
    good_table,
    make_bad_input,
    sha256,
    write_workbook,
)
from openpyxl import load_workbook
from typer.testing import CliRunner

from w13xl.cli import app
from w13xl.m2 import LINE_KEYS

runner = CliRunner()
DOCUMENTED_KEYS = ("exploitatiesaldo", "investeringssaldo", "financieringssaldo", "budgettair_resultaat",
                   "gecumuleerd_budgettair_resultaat", "beschikbaar_budgettair_resultaat",
                   "autofinancieringsmarge", "gecorrigeerde_autofinancieringsmarge", "norms")


def run(*args: str):
    return runner.invoke(app, ["m2", *map(str, args)])


def belgian(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@pytest.fixture(scope="module")
def sample_output():
    # a wide log (COLUMNS=150): the labels and the norm lines unwrapped; a pipe without COLUMNS is
    # laid out for 100 columns (tests/test_cli_layout.py)
    result = runner.invoke(app, ["m2", str(SAMPLE)], env={"COLUMNS": "150"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_prints_the_plans_m2(sample_output):
    out = sample_output
    assert "Schema M2" in out and "blad 'Synthese' (table)" in out
    lines: dict[str, str] = {}  # label -> first row with that label ('Ontvangsten' repeats)
    for line in out.splitlines():  # "  Nr  Label   amount  amount ..." (columns two spaces apart)
        parts = re.split(r"\s{2,}", line.strip())
        if len(parts) > 3 and re.fullmatch(r"[IVX]+|[ab]", parts[0]):
            lines.setdefault(parts[1], line)
    es = lines["Exploitatiesaldo"]
    for v in (59_851, 36_478, 21_476, -1_658, -15_569):
        assert belgian(v) in es
    assert "8.996" in es  # 8,996.49 on the cent sums; the plan prints 8,997 (source rounding)
    for v in PLAN_IS:
        assert belgian(v) in lines["Investeringssaldo"]
    gbr = lines["Gecumuleerd budgettair resultaat"]
    for v in (449_553, 476_031, 488_003, 477_845, 454_276):
        assert belgian(v) in gbr
    assert "488.006" in gbr  # 488,006.38; the plan prints 488,007
    assert "4.622.731" in lines["Ontvangsten"] and "404.702" in out and "211.211" in out


def test_flags_afm_in_2031_and_no_bbr_breach(sample_output):
    out = sample_output
    # W13 (an OCMW-vereniging): AFM >= 0 in 2031 is its engagement (plan 3.3), not a statutory
    # norm (3.9); the check (last plan year) and the first negative year: two facts, two labels
    assert ("✗ Engagement W13: AFM 2031 ≥ 0: niet voldaan (AFM -15.569); "
            "eerste jaar met negatieve AFM: 2030") in out
    assert "✓ Controle: beschikbaar budgettair resultaat ≥ 0 in elk jaar: voldaan" in out
    assert "✓ Beleid W13: reserve ≥ sociaal passief: voldaan" in out


def test_pivot_sheet_option(tmp_path):
    a, b = tmp_path / "table.json", tmp_path / "pivot.json"
    assert run(SAMPLE, "--out", a).exit_code == 0
    result = run(SAMPLE, "--sheet", "Synthese (export)", "--out", b)
    assert result.exit_code == 0 and "(pivot)" in result.stdout
    ta, tb = json.loads(a.read_text()), json.loads(b.read_text())
    assert tb["sheet"] == "Synthese (export)"
    for key in LINE_KEYS:
        np.testing.assert_allclose(ta[key], tb[key], atol=1e-6, rtol=0, err_msg=key)


def test_json_output(tmp_path):
    out = tmp_path / "m2.json"
    result = run(SAMPLE, "--out", out)
    assert result.exit_code == 0 and f"Geschreven: {out}" in result.stdout.replace("\n", "")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["years"] == [2026, 2027, 2028, 2029, 2030, 2031]
    for key in (*DOCUMENTED_KEYS, *LINE_KEYS, "minimumreserve"):
        assert key in data, key
    np.testing.assert_allclose(data["exploitatiesaldo"], PLAN_ES, atol=2, rtol=0)
    np.testing.assert_allclose(data["gecumuleerd_budgettair_resultaat"], PLAN_GBR, atol=2, rtol=0)
    assert data["investeringssaldo"] == list(map(float, PLAN_IS))
    assert data["gecumuleerd_budgettair_resultaat_vorig_boekjaar"][0] == PLAN_OPENING
    assert data["minimumreserve"] == pytest.approx([211_211.09] * 6)
    assert data["norms"]["afm_last_year_nonnegative"]["ok"] is False
    assert data["norms"]["afm_last_year_nonnegative"]["first_breach_year"] == 2031
    assert data["norms"]["afm_last_year_nonnegative"]["breach_years"] == [2031]
    # W13 is an OCMW-vereniging: art. 16 of the BBC-besluit binds gemeenten and OCMW's, so the BBR
    # check is shown as a check (its source says so), never as a statutory norm
    bbr = data["norms"]["bbr_nonnegative"]
    assert {k: v for k, v in bbr.items() if k != "bron"} == {
        "label": "Controle: beschikbaar budgettair resultaat ≥ 0 in elk jaar", "soort": "controle",
        "ok": True, "first_breach_year": None, "breach_years": []}
    assert data["bestuur"] == "ocmw-vereniging"
    assert data["norms"]["afm_last_year_nonnegative"]["soort"] == "engagement"
    assert data["norms"]["reserve_above_minimum"]["soort"] == "beleid"


def test_csv_output(tmp_path):
    """Belgian by default: ';' between fields and a decimal comma, so Excel with Belgian settings
    opens it in columns (issue 12); with a byte-order mark for the accents."""
    out = tmp_path / "m2.csv"
    assert run(SAMPLE, "--out", out).exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfkey;nummer;omschrijving;2026;")
    rows = list(csv.reader(out.open(encoding="utf-8-sig"), delimiter=";"))
    assert rows[0] == ["key", "nummer", "omschrijving", "2026", "2027", "2028", "2029", "2030", "2031"]
    by_key = {r[0]: r for r in rows[1:]}
    assert set(by_key) == {*LINE_KEYS, "minimumreserve"}
    assert by_key["exploitatiesaldo"][1:4] == ["I", "Exploitatiesaldo", "59851,13"]
    assert by_key["gecumuleerd_budgettair_resultaat"][-1] == "454275,79"
    assert by_key["investeringen_uitgaven"][3] == "460000,00"


def test_csv_output_international(tmp_path):
    out = tmp_path / "m2.csv"
    assert run(SAMPLE, "--out", out, "--csv-stijl", "int").exit_code == 0
    rows = list(csv.reader(out.open(encoding="utf-8")))
    by_key = {r[0]: r for r in rows[1:]}
    assert by_key["exploitatiesaldo"][1:4] == ["I", "Exploitatiesaldo", "59851.13"]
    assert run(SAMPLE, "--out", out, "--csv-stijl", "xx").exit_code == 2


@pytest.mark.parametrize("typed", ["504.701,70", "504701,70", "504701.70", "€ 504.701,70"])
def test_opening_reserve_typed_the_belgian_way(tmp_path, typed):
    out = tmp_path / "m2.json"
    result = run(SAMPLE, "--opening-reserve", typed, "--out", out)
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["gecumuleerd_budgettair_resultaat_vorig_boekjaar"][0] == pytest.approx(504_701.70)
    # the plan's own opening reserve is 404.701,70 (domain notes); 100.000 more ends 100.000 higher
    assert data["gecumuleerd_budgettair_resultaat"][-1] == pytest.approx(454_275.79 + 100_000, abs=0.01)


def test_opening_reserve_thousands_point_and_refusal(tmp_path):
    out = tmp_path / "m2.json"
    assert run(SAMPLE, "--opening-reserve", "300.000", "--out", out).exit_code == 0  # 300.000 = 300000 euro
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["gecumuleerd_budgettair_resultaat_vorig_boekjaar"][0] == 300_000
    result = run(SAMPLE, "--opening-reserve", "veel")
    assert result.exit_code == 2 and "geen bedrag" in result.output


def test_xlsx_output(tmp_path):
    out = tmp_path / "m2.xlsx"
    assert run(SAMPLE, "--out", out).exit_code == 0
    wb = load_workbook(out)
    ws = wb[wb.sheetnames[0]]
    rows = {r[1]: r for r in ws.iter_rows(values_only=True) if r and r[1]}
    assert rows["Schema M2"][2:8] == (2026, 2027, 2028, 2029, 2030, 2031)
    assert rows["Exploitatiesaldo"][0] == "I"
    assert rows["Exploitatiesaldo"][2] == pytest.approx(59_851.13, abs=0.005)
    assert rows["Gecumuleerd budgettair resultaat"][7] == pytest.approx(454_275.79, abs=0.005)
    # the board pack's words: W13's engagement for the last plan year, the first negative year apart
    assert rows["Engagement W13: AFM 2031 ≥ 0"][2] == "niet voldaan (eerste jaar met negatieve AFM: 2030)"
    assert rows["Controle: beschikbaar budgettair resultaat ≥ 0 in elk jaar"][2] == "voldaan"


def test_opening_reserve_override_shifts_gbr_by_the_difference(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert run(SAMPLE, "--out", a).exit_code == 0
    assert run(SAMPLE, "--opening-reserve", "300000", "--out", b).exit_code == 0
    da, db = json.loads(a.read_text()), json.loads(b.read_text())
    diff = 300_000 - PLAN_OPENING
    for key in ("gecumuleerd_budgettair_resultaat", "beschikbaar_budgettair_resultaat",
                "gecumuleerd_budgettair_resultaat_vorig_boekjaar"):
        np.testing.assert_allclose(np.subtract(db[key], da[key]), [diff] * 6, atol=1e-6, rtol=0, err_msg=key)
    for key in ("exploitatiesaldo", "budgettair_resultaat", "autofinancieringsmarge"):
        assert db[key] == da[key]


def test_opening_reserve_override_can_breach_the_bbr_norm(tmp_path):
    # GBR shifts by -460,000: 449,553 and 454,276 (2026, 2031) drop below zero, the others stay above.
    out = tmp_path / "x.json"
    result = run(SAMPLE, "--opening-reserve", str(PLAN_OPENING - 460_000), "--out", out)
    assert result.exit_code == 0
    assert "✗ Controle: beschikbaar budgettair resultaat ≥ 0 in elk jaar: niet voldaan vanaf 2026 (2026, 2031)" \
        in result.stdout
    data = json.loads(out.read_text())
    assert data["norms"]["bbr_nonnegative"]["breach_years"] == [2026, 2031]
    assert data["gecumuleerd_budgettair_resultaat_vorig_boekjaar"][0] == pytest.approx(-55_298.30)


def test_minimum_reserve_override(tmp_path):
    # GBR 449,553 / 476,031 / 488,006 / 488,003 / 477,845 / 454,276 against 480,000
    out = tmp_path / "x.json"
    result = run(SAMPLE, "--minimum-reserve", "480000", "--out", out)
    assert result.exit_code == 0
    data = json.loads(out.read_text())
    assert data["minimumreserve"] == [480_000.0] * 6
    assert data["norms"]["reserve_above_minimum"]["breach_years"] == [2026, 2027, 2030, 2031]


def test_u_sign_option(tmp_path):
    rows = good_table()
    path = write_workbook(tmp_path / "neg.xlsx", {"Synthese": rows})
    out_auto, out_pos = tmp_path / "a.json", tmp_path / "p.json"
    assert run(path, "--out", out_auto).exit_code == 0
    assert run(path, "--u-sign", "negative", "--out", out_pos).exit_code == 0
    assert json.loads(out_auto.read_text())["exploitatiesaldo"] == [50.0, 140.0, 230.0]
    assert json.loads(out_pos.read_text())["exploitatiesaldo"] == [50.0, 140.0, 230.0]
    wrong = tmp_path / "w.json"
    assert run(path, "--u-sign", "positive", "--out", wrong).exit_code == 0
    assert json.loads(wrong.read_text())["exploitatiesaldo"] == [150.0, 260.0, 370.0]


def test_belgian_text_amounts_warn_on_stderr(tmp_path):
    rows = good_table()
    rows[2][3] = "-21.000,00"
    path = write_workbook(tmp_path / "tekst.xlsx", {"Synthese": rows})
    result = run(path)
    assert result.exit_code == 0
    assert (f"Waarschuwing: {path}, blad 'Synthese', cel D3: bedrag als tekst '-21.000,00', "
            "gelezen als -21.000,00") in result.stderr.replace("\n", "")
    assert "-20.900" in result.stdout  # ES 2026 = 100 - 21,000


@pytest.mark.parametrize("case", sorted(BAD_INPUT_CASES))
def test_bad_input_exit_code_2_without_traceback(case, tmp_path):
    path, sheet, fragments = make_bad_input(case, tmp_path)
    before = sha256(path)
    args = [path, *(["--sheet", sheet] if sheet else [])]
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    err = result.stderr.replace("\n", "")
    assert err.startswith(f"Fout: {path}")
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert sha256(path) == before


@pytest.mark.parametrize(("args", "fragment"), [
    (["--u-sign", "sideways"], "--u-sign sideways: verwacht auto, negative of positive"),
    (["--out", "x.txt"], "onbekend soort uitvoer '.txt'"),
])
def test_bad_options_exit_code_2(args, fragment):
    result = run(SAMPLE, *args)
    assert result.exit_code == 2
    assert fragment in result.stderr.replace("\n", "")
    assert "Traceback" not in result.output


def test_out_may_not_overwrite_the_input(tmp_path):
    copy = tmp_path / "plan.xlsx"
    copy.write_bytes(SAMPLE.read_bytes())
    before = sha256(copy)
    result = run(copy, "--out", copy)
    assert result.exit_code == 2
    assert "dat is het invoerwerkboek" in result.stderr.replace("\n", "")
    assert sha256(copy) == before


def test_input_files_are_never_modified(tmp_path):
    before = sha256(SAMPLE)
    for args in ([], ["--sheet", "Synthese (export)"], ["--out", tmp_path / "a.xlsx"],
                 ["--out", tmp_path / "a.json"], ["--opening-reserve", "1"]):
        assert run(SAMPLE, *args).exit_code == 0
    assert sha256(SAMPLE) == before


def test_real_entry_point_in_a_subprocess(tmp_path):
    path, _, fragments = make_bad_input("corrupt_truncated", tmp_path)
    code = "import sys; from w13xl.cli import app; sys.argv = ['w13xl', 'm2', sys.argv[1]]; app()"
    bad = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT,
                         timeout=120)
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr and fragments[0] in bad.stderr
    good = subprocess.run([sys.executable, "-c", code, str(SAMPLE)], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert good.returncode == 0, good.stderr
    assert "59.851" in good.stdout and "454.276" in good.stdout


def test_json_holds_schema_m1_totals(tmp_path):
    """The JSON carries schema M1 (O/U per category per beleidsdoelstelling); its 'Totaal' rows
    are the M2 receipts and expenditure per category."""
    out = tmp_path / "m2.json"
    result = CliRunner().invoke(app, ["m2", str(SAMPLE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    totals = {(r["categorie"], r["richting"]): r for r in data["m1"] if r["beleidsdoelstelling"] == "Totaal"}
    for category in ("exploitatie", "investeringen", "financiering"):
        for direction, suffix in (("O", "ontvangsten"), ("U", "uitgaven")):
            got = [totals[(category, direction)][str(y)] for y in data["years"]]
            np.testing.assert_allclose(got, data[f"{category}_{suffix}"], atol=0.005)
    dienst = next(r for r in data["m1"] if r["beleidsdoelstelling"] == "Dienstverlening"
                  and r["categorie"] == "investeringen" and r["richting"] == "U")
    assert dienst["2026"] == pytest.approx(445_000.00)  # Food Act 13 move and fleet (A10402)
