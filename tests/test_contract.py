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
