"""The reconciliation 2024/2025 and the printed schemas in w13xl/data/, checked against figures
typed from the plan (meerjarenplan 2026-2031)."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from w13xl import sample


def _rows(name):
    with resources.files("w13xl.data").joinpath(name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


COLS = ("jr_2024", "raming_aanpassing_2025", "initieel_budget_2025")


def test_reconciliation_rows_add_up_to_the_printed_totals():
    rows = sample.reconciliation_rows()
    actions = [r for r in rows if r["actie"].startswith("A") and not r["richting"]]
    assert len(actions) == 24
    for a in actions:
        parts = [r for r in rows if r["actie"] == a["actie"] and r["richting"]]
        for col in COLS:
            assert round(sum(float(p[col]) for p in parts), 2) == float(a[col]), (a["actie"], col)
    # typed from the plan: Eindtotaal -243.043,79 / -327.572,45 / -246.197,16
    for col, printed in zip(COLS, (-243043.79, -327572.45, -246197.16)):
        assert round(sum(float(a[col]) for a in actions), 2) == printed
    reserves = next(r for r in rows if r["actie"] == "Reserves")
    assert [float(reserves[c]) for c in COLS] == [732274.21, 404701.76, 486077.05]


def test_reconciliation_reproduces_the_plans_reserves_to_the_cent():
    """The plan's "Verantwoording raming gecumuleerd budgettair resultaat": the reserve of 31/12/2024
    plus the 2025 result (sum of the action rows) gives the printed reserve of 31/12/2025."""
    rows = sample.reconciliation_rows()
    actions = [r for r in rows if r["actie"].startswith("A") and not r["richting"]]
    jr, est, ini = (round(sum(float(a[col]) for a in actions), 2) for col in COLS)
    reserves = next(r for r in rows if r["actie"] == "Reserves")
    r24 = float(reserves["jr_2024"])
    assert r24 == 732274.21
    # 732.274,21 - 327.572,45 = 404.701,76 and 732.274,21 - 246.197,16 = 486.077,05, as printed
    assert round(r24 + est, 2) == 404701.76 == float(reserves["raming_aanpassing_2025"])
    assert round(r24 + ini, 2) == 486077.05 == float(reserves["initieel_budget_2025"])
    assert round(r24 - jr, 2) == 975318.00  # 732.274,21 + 243.043,79: the reserve of 31/12/2023
    # the 2026-2031 plan opens at 404.701,70 (line VI of 2026): 0,06 of rounding against the reconciliation
    assert round(r24 + est, 2) - 404701.70 == pytest.approx(0.06, abs=1e-9)


@pytest.mark.parametrize("code,values", [
    ("A0402", ("-47102.61", "-3973.34", "-3973.34")),   # A0402 Energiehuis, typed from the plan
    ("A1310", ("-4348.69", "-98633.96", "-17258.67")),  # A1310 overhead
    ("A1001", ("84060.13", "-14166.48", "-14166.48")),  # A1001 wijk-werk
])
def test_reconciliation_some_actions_as_printed(code, values):
    row = next(r for r in sample.reconciliation_rows() if r["actie"] == code and not r["richting"])
    assert tuple(row[c] for c in COLS) == values


def test_printed_schemas_file_holds_the_plans_lines():
    rows = _rows("schemas-2026-2031.csv")
    t2 = {}
    for r in rows:
        if r["schema"] == "T2":
            t2.setdefault(r["omschrijving"], r)  # the first "- van het OCMW" is the algemene werkingssubsidie
    assert t2["c. Niet vast benoemd niet-onderwijzend personeel"]["2026"] == "1757500"
    assert t2["- van het OCMW"]["2031"] == "884801"
    t1 = [r for r in rows if r["schema"] == "T1"]
    assert [(r["deel"], r["omschrijving"], r["2026"]) for r in t1] == [
        ("ALGEMENE FINANCIERING", "Uitgaven", "250"), ("ALGEMENE FINANCIERING", "Ontvangsten", "806391"),
        ("W13", "Uitgaven", "5022630"), ("W13", "Ontvangsten", "4261340"),
        ("Algemeen totaal", "Uitgaven", "5022880"), ("Algemeen totaal", "Ontvangsten", "5067731")]
    assert len([r for r in rows if r["schema"] == "T3"]) == 20
    assert all(r[y] == "0" for r in rows if r["schema"] == "T3" for y in ("2026", "2031"))
