"""The input contract (w13xl.contract): one declaration, the docs page generated from it, and the
readers finding sheets through it by the one normalising rule."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from w13xl import contract
from w13xl.errors import InputError
from w13xl.sheets import find_sheet

ROOT = Path(__file__).resolve().parents[1]


def test_docs_page_is_what_the_contract_generates():
    """docs/invoer.md is generated: `uv run python -m w13xl.contract docs/invoer.md`."""
    page = (ROOT / "docs" / "invoer.md").read_text(encoding="utf-8")
    assert page == contract.markdown() + "\n"


def test_every_sheet_the_issue_names_is_declared_with_its_columns():
    names = {s.name for s in contract.SHEETS}
    for needed in ("Synthese", "Synthese (export)", "Parameters", "Categorieën", "Personeel", "Weddeschalen",
                   "Subsidies", "Indexering", "Scenario's", "Actiemapping", "Rekening 2024", "Economische aard",
                   "Beleidsvelden"):
        assert needed in names
    roster = contract.ROSTER
    assert [c.name for c in roster.columns][:6] == ["positie", "functie", "niveau", "schaal", "trap", "vte"]
    assert roster.column("vte").bounds == (0, 1) and roster.column("vte").unit == "VTE"
    assert "Personeelsbestand" in roster.aliases


def test_the_normalising_rule():
    decomposed = unicodedata.normalize("NFD", "Categorieën")
    assert decomposed != "Categorieën"
    assert contract.normalise(decomposed) == contract.normalise("Categorieën")
    assert contract.normalise("  Parameters ") == contract.normalise("PARAMETERS") == "parameters"


def test_find_sheet_by_name_alias_and_normalised_form():
    grids = {"Synthese": [], "parameters ": [], unicodedata.normalize("NFD", "Categorieën"): [],
             "Personeelsbestand": []}
    assert find_sheet(grids, contract.PARAMETERS) == "parameters "
    assert find_sheet(grids, contract.CATEGORIES) == unicodedata.normalize("NFD", "Categorieën")
    assert find_sheet(grids, contract.ROSTER) == "Personeelsbestand"
    assert find_sheet(grids, contract.SCALES) is None


def test_two_sheets_that_normalise_alike_are_refused_naming_both():
    with pytest.raises(InputError) as exc:
        find_sheet({"Parameters": [], "PARAMETERS": []}, contract.PARAMETERS, "plan.xlsx")
    text = str(exc.value)
    assert "'Parameters'" in text and "'PARAMETERS'" in text and "twee bladen" in text


def test_one_rule_for_rates_refuses_a_bare_1_with_both_readings():
    from w13xl.numbers import ambiguous_rate, parse_fraction

    for value in (1, 1.0, "1", "1,0", -1):
        message = ambiguous_rate(value)
        assert message and "dubbelzinnig" in message and "100%" in message, value
    for value in ("1%", "100%", 0.01, 0.5, 2, None, True):
        assert ambiguous_rate(value) is None, value
    with pytest.raises(ValueError, match="dubbelzinnig"):
        parse_fraction("1")
    assert parse_fraction("1", whole_one=True) == 1.0  # a share: 1 is the whole
    assert parse_fraction("1%") == 0.01


def test_sums_that_cancel_are_exact():
    """1e16 + 1 - 1e16: a float sum left to right gives 0 (1 is below 1e16's spacing of 2); the
    exact sum is 1. Receipts and expenditure of similar size cancel in every saldo."""
    from w13xl.numbers import exact_sum

    assert sum([1e16, 1.0, -1e16]) == 0.0
    assert exact_sum([1e16, 1.0, -1e16]) == 1.0
    assert list(exact_sum([[1e16, 2.0], [1.0, 0.5], [-1e16, 0.25]], axis=0)) == [1.0, 2.75]


def test_amount_plausibility_and_percentages_are_not_amounts():
    from w13xl.numbers import implausible_amount, not_an_amount

    assert implausible_amount(1e12) and implausible_amount(-1e300)
    assert implausible_amount(999_999_999_999.99) is None
    assert not_an_amount("10%") and not_an_amount("211.211") is None
