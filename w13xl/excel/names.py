"""Workbook names for the input ranges: ONE table, sheet -> Dutch short name.

Each input sheet gets an Excel Table (which grows when a row is typed below it) and a workbook
name that refers to the whole table, header included (``tblPersoneel[[#All]]``), so that a
formula such as ``=W13.SCENARIO(Begroting;"pact-stopt-2028";;Parameters;Personeel;...)`` always
sees every row.

The keys are those of the input contract (``w13xl/contract.py`` on branch ``contract``: the
``SheetSpec.key`` values). Once that module is on main, :data:`SHEET_NAMES` can be derived from
it: ``{key: (SHORT_NAMES[key], BY_KEY[key].names()) for key in SHORT_NAMES}``.
"""

from __future__ import annotations

#: contract key -> (workbook name, sheet name and aliases as in the contract)
SHEET_NAMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "budget_table": ("Begroting", ("Synthese", "Begroting", "Budget")),
    "parameters": ("Parameters", ("Parameters", "Parameter")),
    "categories": ("Categorieen", ("Categorieën", "Categorieen", "Categorie")),
    "roster": ("Personeel", ("Personeel", "Personeelsbestand", "Personeelsleden")),
    "scales": ("Weddeschalen", ("Weddeschalen", "Weddeschaal", "Loonschalen")),
    "subsidies": ("Subsidies", ("Subsidies", "Subsidieregister")),
    "indexation": ("Indexering", ("Indexering",)),
    "scenarios": ("Scenarios", ("Scenario's", "Scenarios", "Scenario\u2019s")),
}

#: The further ranges of W13.SCENARIO / KANS / DOELZOEKEN, in the order the docs show them.
SCENARIO_RANGES = ("parameters", "categories", "roster", "scales", "subsidies", "indexation", "scenarios")


def workbook_name(key: str) -> str:
    return SHEET_NAMES[key][0]


def table_name(key: str) -> str:
    """The Excel Table behind the name (Tables and names share one namespace: a prefix)."""
    return "tbl" + SHEET_NAMES[key][0]
