"""``w13xl subsidies`` and ``w13xl personeel``: the register and the roster with FTE per subsidy
(issue 12). Expected figures are added up from the shipped data files, not from the engine."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from typer.testing import CliRunner

from w13xl.cli import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "w13-mjp-2026-2031.xlsx"
DATA = ROOT / "w13xl" / "data"
runner = CliRunner()


def roster() -> list[dict]:
    return list(csv.DictReader((DATA / "personeel.csv").open(encoding="utf-8")))


def register() -> list[dict]:
    return list(csv.DictReader((DATA / "subsidies.csv").open(encoding="utf-8")))


def belgian_fte(x: float) -> str:
    return f"{x:.2f}".replace(".", ",")


def test_subsidies_lists_every_subsidy_with_its_fte_and_end(tmp_path):
    out = tmp_path / "subsidies.csv"
    result = runner.invoke(app, ["subsidies", str(SAMPLE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    fte = defaultdict(float)
    for p in roster():
        fte[p["financiering"]] += float(p["vte"])
    rows = {r["Subsidie"]: r for r in csv.DictReader(out.open(encoding="utf-8-sig"), delimiter=";")}
    assert set(rows) == {s["id"] for s in register()}
    for s in register():
        row = rows[s["id"]]
        assert row["VTE"] == belgian_fte(fte[s["id"]]), s["id"]
        end = s["einde"]
        assert row["Einde"] == ("open" if not end else "/".join(reversed(end.split("-"))))
        assert s["id"] in result.output
    # 't PACT pays P06 (1 FTE) who stops with it on 31/12/2029; Kracht.Wonen's P09b runs on
    assert rows["SUB-PACT"]["Posities"] == "P06" and rows["SUB-PACT"]["Na het einde"] == "stopt mee"
    assert rows["SUB-KRACHTWONEN"]["Na het einde"] == "loopt door: P09b"
    assert rows["SUB-KONEKTI"]["VTE"] == "2,80"  # P04 1.0 + P14 1.0 + P15 0.8
    # the policies in the engine's own words (issue 9): keep_staff keeps the staff only
    assert "keep_staff: personeel blijft (W13 betaalt); partners en werking stoppen" in result.output
    assert "keep:" not in result.output


def test_a_subsidy_lists_the_positions_its_register_row_names():
    """The register's 'posities' count too (Subsidy.funds): with P01 (basiswerking, 1 FTE on the
    roster) listed on 't PACT's row, its row shows P06 and P01, 2 FTE, and P01 runs on past
    31/12/2029 (no end on the roster)."""
    import dataclasses

    from w13xl.cli.subsidies import subsidy_rows
    from w13xl.scenario.loader import load_study

    base = load_study(SAMPLE, [])[0]
    pact = dataclasses.replace(base.subsidies["SUB-PACT"], positions=("P01",))
    base = dataclasses.replace(base, subsidies={**base.subsidies, "SUB-PACT": pact})
    header, *rows = subsidy_rows(base)
    row = dict(zip(header, next(r for r in rows if r[0] == "SUB-PACT"), strict=True))
    assert row["Posities"] == "P01, P06" and row["VTE"] == 2.0
    assert row["Na het einde"] == "loopt door: P01"


def test_personeel_lists_the_roster_with_fte_per_funding():
    result = runner.invoke(app, ["personeel", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    people = roster()
    for p in people:
        assert p["positie"] in result.output
    total = sum(float(p["vte"]) for p in people)
    base = sum(float(p["vte"]) for p in people if p["financiering"] == "basiswerking")
    lines = result.output.splitlines()
    assert any(line.split() == ["Totaal", belgian_fte(total)] for line in lines)
    assert any(line.split() == ["basiswerking", belgian_fte(base)] for line in lines)
    refused = runner.invoke(app, ["personeel", str(SAMPLE), "--out", "x.json"])
    assert refused.exit_code == 2
