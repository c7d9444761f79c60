"""Workbook names for the input ranges: ONE table, sheet -> Dutch short name.

Each input sheet gets an Excel Table (which grows when a row is typed below it) and a workbook
name that refers to the whole table, header included (``tblPersoneel[[#All]]``), so that a
formula such as ``=W13.SCENARIO(Begroting;"pact-stopt-2028";;Parameters;Personeel;...)`` always
sees every row.

The keys, sheet names and aliases are those of the input contract (:mod:`w13xl.contract`).
"""

from __future__ import annotations

from ..contract import BY_KEY

#: contract key -> the workbook name (Dutch, short) of its input table
SHORT_NAMES = {"budget_table": "Begroting", "parameters": "Parameters", "categories": "Categorieen",
               "roster": "Personeel", "scales": "Weddeschalen", "subsidies": "Subsidies",
               "indexation": "Indexering", "scenarios": "Scenarios"}
#: contract key -> (workbook name, sheet name and aliases from the contract)
SHEET_NAMES: dict[str, tuple[str, tuple[str, ...]]] = {key: (short, BY_KEY[key].names())
                                                       for key, short in SHORT_NAMES.items()}

#: The further ranges of W13.SCENARIO / KANS / DOELZOEKEN, in the order the docs show them.
SCENARIO_RANGES = ("parameters", "categories", "roster", "scales", "subsidies", "indexation", "scenarios")


def workbook_name(key: str) -> str:
    return SHEET_NAMES[key][0]


def table_name(key: str) -> str:
    """The Excel Table behind the name (Tables and names share one namespace: a prefix)."""
    return "tbl" + SHEET_NAMES[key][0]
