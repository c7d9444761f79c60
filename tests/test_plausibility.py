"""One rule for percentages (a number is a fraction, text with '%' a percentage) and the bounds
that catch a percentage typed as a whole number, in TOML and on the Scenario's sheet."""

from __future__ import annotations

import pytest

from w13xl.errors import InputError
from w13xl.scenario.spec import (
    MAX_CONTRIBUTION_PCT,
    MAX_INDEX_RATE,
    as_fraction,
    scenario_from_dict,
    scenarios_from_grid,
)


@pytest.mark.parametrize(("given", "fraction"), [
    (0.05, 0.05), (5, 5), ("5%", 0.05), ("2,5 %", 0.025), ("-1%", -0.01), ("veel", "veel"),
])
def test_as_fraction(given, fraction):
    assert as_fraction(given) == fraction


def contribution(**kw):
    return {"changes": [{"type": "contribution", "from_year": 2027, **kw}]}


def index(**kw):
    return {"changes": [{"type": "index", **kw}]}


@pytest.mark.parametrize("data", [contribution(pct=0.05), contribution(pct="5%"), contribution(pct=-0.5),
                                  index(rate=0.02), index(rates={2027: "8%"}), index(inflation={2027: 0.1})])
def test_plausible_values_pass(data):
    change = scenario_from_dict(data, name="s").changes[0]
    assert abs(change.pct if change.type == "contribution" else
               (change.rate or max((change.rates or change.inflation).values()))) <= 0.5


@pytest.mark.parametrize(("data", "key", "fragment"), [
    (contribution(pct=5), "changes[0].pct", "pct = 5 wordt gelezen als +500%"),
    (contribution(pct="150%"), "changes[0].pct", "pct = 1.5 wordt gelezen als +150%"),
    (index(rate=2), "changes[0].rate", "rate = 2 wordt gelezen als +200% per jaar"),
    (index(rates={2027: 0.02, 2028: 8}), "changes[0].rates", "rates.2028 = 8 wordt gelezen als +800% per jaar"),
    (index(inflation={2027: -0.6}), "changes[0].inflation", "inflation.2027 = -0.6 wordt gelezen als -60% per jaar"),
])
def test_implausible_values_are_refused_naming_the_key(data, key, fragment):
    with pytest.raises(InputError) as info:
        scenario_from_dict(data, name="s", file="s.toml")
    assert info.value.key == key
    assert fragment in str(info.value) and "override_bounds = true" in str(info.value)


def test_the_override_accepts_and_the_value_is_not_rescaled():
    change = scenario_from_dict(contribution(pct=2, override_bounds=True), name="s").changes[0]
    assert change.pct == 2  # +200%, as written: nothing is divided by 100
    change = scenario_from_dict(index(rate=0.75, override_bounds=True), name="s").changes[0]
    assert change.rate == 0.75
    assert MAX_INDEX_RATE == 0.5 and MAX_CONTRIBUTION_PCT == 1.0


def sheet(percentage, override=None):
    header = ["Scenario", "Type", "Jaar", "Percentage", "Buiten grenzen"]
    return [header, ["plus", "contribution", 2028, percentage, override]]


def test_sheet_bounds_name_the_cell_and_the_override_column_works():
    with pytest.raises(InputError) as info:
        scenarios_from_grid(sheet(5), file="plan.xlsx")
    assert info.value.sheet == "Scenario's" and info.value.cell == "D2"
    assert "pct = 5 wordt gelezen als +500%" in str(info.value)
    assert scenarios_from_grid(sheet("5%"), file="plan.xlsx")["plus"].changes[0].pct == pytest.approx(0.05)
    assert scenarios_from_grid(sheet(0.05), file="plan.xlsx")["plus"].changes[0].pct == 0.05
    assert scenarios_from_grid(sheet(5, "ja"), file="plan.xlsx")["plus"].changes[0].pct == 5


def test_excel_indexeer_rate_follows_the_rule():
    from w13xl.errors import InputError as E
    from w13xl.excel.core import _rate

    assert _rate("2%", "pad") == pytest.approx(0.02) and _rate(0.02, "pad") == 0.02
    with pytest.raises(E, match="pad: 2 wordt gelezen als 200% per jaar"):
        _rate(2, "pad")


def test_subsidy_overhead_follows_the_rule():
    from w13xl.subsidies import subsidies_from_rows

    header = ["id", "naam", "actie", "bron", "bedrag", "start", "einde", "indexklasse", "overhead", "posities"]
    row = ["SUB-X", "x", "A10101", "VO", 1000, "2026-01-01", "2027-12-31", "vast", 15, ""]
    with pytest.raises(ValueError, match="overhead: 15 wordt gelezen als 1500%"):
        subsidies_from_rows([header, row])
    row[8] = "15%"
    assert subsidies_from_rows([header, row])["SUB-X"].overhead_rate == pytest.approx(0.15)


@pytest.mark.parametrize("data", [index(rate=float("nan")), contribution(pct=float("inf")),
                                  index(rates={2027: float("nan")})])
def test_nan_and_inf_are_refused(data):
    with pytest.raises(InputError, match="eindig getal"):
        scenario_from_dict(data, name="s")
