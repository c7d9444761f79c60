"""w13xl simulate / cliffs / solve on the sample workbook, and the Excel functions KANS and
DOELZOEKEN on its ranges."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from helpers import ROSTER_TOL, roster_cost
from helpers import SAMPLE
from openpyxl import load_workbook
from typer.testing import CliRunner

from w13xl.cli import app

ROOT = SAMPLE.parents[1]
SCENARIO = ROOT / "scenarios" / "onzekerheid.toml"
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [*map(str, args)])


@pytest.fixture(scope="module")
def plan_json(tmp_path_factory):
    out = tmp_path_factory.mktemp("m2") / "plan.json"
    assert invoke("m2", SAMPLE, "--out", out).exit_code == 0
    return json.loads(out.read_text(encoding="utf-8"))


def test_simulate_json_reuses_m2_keys(tmp_path, plan_json):
    out = tmp_path / "sim.json"
    result = invoke("simulate", SAMPLE, SCENARIO, "--paths", 300, "--seed", 5, "--out", out)
    assert result.exit_code == 0, result.output
    assert "Kans dat de reserve ooit onder de minimumreserve zakt" in result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["paths"] == 300 and data["seed"] == 5 and data["years"] == plan_json["years"]
    for key in ("gecumuleerd_budgettair_resultaat", "beschikbaar_budgettair_resultaat", "autofinancieringsmarge"):
        rows = np.array([data[key][p] for p in ("P5", "P25", "P50", "P75", "P95")])
        assert np.all(np.diff(rows, axis=0) >= 0)  # percentiles in order
    probs = data["kansen"]
    assert 0 <= probs["reserve_onder_minimum_ooit"] <= 1
    assert probs["reserve_onder_minimum_ooit"] >= max(probs["reserve_onder_minimum_per_jaar"])
    again = tmp_path / "again.json"
    assert invoke("simulate", SAMPLE, SCENARIO, "--paths", 300, "--seed", 5, "--out", again).exit_code == 0
    assert json.loads(again.read_text(encoding="utf-8"))["kansen"] == probs


def test_simulate_without_uncertainty_is_the_plan(tmp_path, plan_json):
    out = tmp_path / "sim.csv"
    result = invoke("simulate", SAMPLE, "--paths", 10, "--out", out)
    assert result.exit_code == 0, result.output
    assert "geen [uncertainty]-tabel" in result.output
    rows = [[c.replace(",", ".") for c in r] for r in csv.reader(out.open(encoding="utf-8-sig"), delimiter=";")]
    p5 = next(r for r in rows if r[1] == "gecumuleerd_budgettair_resultaat" and r[2] == "P5")
    p95 = next(r for r in rows if r[1] == "gecumuleerd_budgettair_resultaat" and r[2] == "P95")
    expected = [f"{v:.2f}" for v in plan_json["gecumuleerd_budgettair_resultaat"]]
    assert p5[3:] == expected and p95[3:] == expected
    afm = next(r for r in rows if r[1] == "kans_afm_laatste_jaar_negatief")
    assert float(afm[3]) == 1.0  # the plan's AFM 2031 is -15,569


def test_cliffs_csv(tmp_path):
    out = tmp_path / "cliffs.csv"
    result = invoke("cliffs", SAMPLE, "--out", out)
    assert result.exit_code == 0, result.output
    rows = [{k: v.replace(",", ".") for k, v in r.items()}
            for r in csv.DictReader(out.open(encoding="utf-8-sig"), delimiter=";")]
    assert len(rows) == 12 and rows[0]["subsidie"] == "SUB-EH-BASIS"  # P03, P11, P12 (issue 18)
    pact = next(r for r in rows if r["subsidie"] == "SUB-PACT")
    # (a) after the stop: P06's 7 months of statutory notice (9 years, 30 weeks) + 15% overhead in 2029;
    # (a) in time: the overhead only (issue 18)
    assert float(pact["reserve_a"]) == pytest.approx(-(7 / 12 + 0.15) * roster_cost(["P06"], 3), abs=ROSTER_TOL)
    assert float(pact["reserve_a_tijdig"]) == pytest.approx(-0.15 * roster_cost(["P06"], 3), abs=ROSTER_TOL)


def test_solve_json_is_proved(tmp_path):
    out = tmp_path / "solve.json"
    result = invoke("solve", SAMPLE, "--lever", "contribution", "--lever", "fte", "--out", out)
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    contribution, fte = data["oplossingen"]
    for s in (contribution, fte):
        afm = s["bewijs"]["autofinancieringsmarge"][-1]
        assert 0 <= afm < 1 and s["bindend"] == "afm_last_year"
    assert contribution["waarde"] == pytest.approx(15_569.0 / 884_800.42, rel=1e-3)


def test_bad_uncertainty_is_an_input_error(tmp_path):
    bad = tmp_path / "slecht.toml"
    bad.write_text('title = "x"\n[uncertainty.subsidies.SUB-PACT]\nrenewal = 1.5\n', encoding="utf-8")
    result = invoke("simulate", SAMPLE, bad, "--paths", 10)
    assert result.exit_code == 2
    assert "slecht.toml" in result.output and "uncertainty.subsidies.SUB-PACT.renewal" in result.output
    # compare only reads the deterministic part
    assert invoke("compare", SAMPLE, bad).exit_code == 0
    assert invoke("compare", SAMPLE, *sorted((ROOT / "scenarios").glob("*.toml"))).exit_code == 0


# -- Excel ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ranges():
    wb = load_workbook(SAMPLE, data_only=True)

    def grid(name):
        return [list(r) for r in wb[name].iter_rows(values_only=True)]

    budget = grid(wb.sheetnames[0]) if "Synthese" not in wb.sheetnames else grid("Synthese")
    others = [grid(n) for n in ("Parameters", "Subsidies", "Personeel", "Weddeschalen") if n in wb.sheetnames]
    return budget, others


def test_excel_kans_and_waaier(ranges):
    from w13xl.excel import uncertainty as xu

    budget, others = ranges
    # the plan without uncertainty: its AFM 2031 is negative in every path
    assert xu.kans(budget, None, "afm", 50, 1, *others) == [[1.0]]  # a 2-D range, like the metadata says
    assert xu.kans(budget, None, "reserve", 50, 1, *others) == [[0.0]]
    fan = xu.kans(budget, None, "waaier", 50, 1, *others)
    assert fan[0][:2] == ["Jaar", "P5"] and fan[-1][0] == 2031
    assert fan[-1][1] == pytest.approx(454_276, abs=1) and fan[-1][6] == pytest.approx(211_211.09, abs=0.01)
    assert xu.kans(budget, None, "morgen", 50, 1, *others)[0][0].startswith("#W13: onbekende vraag")
    assert xu.kans(budget, "bestaat-niet", "afm", 50, 1, *others)[0][0].startswith("#W13: onbekend scenario")


def test_excel_doelzoeken(ranges):
    from w13xl.excel import uncertainty as xu

    budget, others = ranges
    rows = xu.doelzoeken(budget, None, "bijdrage", 2027, *others)
    table = {r[0]: r[1] for r in rows}
    assert table["Verhoging bijdrage"] == pytest.approx(15_569.0 / 884_800.42, rel=1e-3)
    assert 0 <= table["AFM 2031 (herrekend)"] < 1
    assert table["Bindend"].startswith("AFM ≥ 0")
    assert xu.doelzoeken(budget, None, "loterij")[0][0].startswith("#W13: onbekende hefboom")
