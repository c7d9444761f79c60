"""The Excel layer answers in Dutch only: bad cells in every input range (seeded mutations of the
sample workbook's ranges) give `#W13:` messages without English words, through W13.SCENARIO
(every sheet reader and the scenario validation) and W13.M2."""

from __future__ import annotations

import random
import re

import pytest
from test_excel_scripts import sample_sheets

from w13xl.excel import cache, core

RANGES = ("Parameters", "Personeel", "Weddeschalen", "Subsidies", "Indexering", "Scenario's")
#: English words that would betray an untranslated message (codes like subsidy_end are allowed:
#: they are the change types the user types).
ENGLISH = re.compile(r"\b(the|must|should|unknown|expected|empty|outside|has|got|column|scale|position|subsidy|"
                     r"year|given|before|after|missing|duplicate|row|sheet|number|amount|cannot|invalid|input|"
                     r"field|not|with|needs|valid)\b", re.I)
VALUES = ["xyz", -5, "31/02/2027", 99999, "", "2027-13-01", 1.5]


@pytest.fixture(scope="module")
def grids():
    return {s["name"]: [list(r) for r in s["values"]] for s in sample_sheets()}


def messages(grids, sheet: str, trials: int, seed: int) -> set[str]:
    rnd = random.Random(seed)
    scenarios = [r[0] for r in grids["Scenario's"][1:] if r and isinstance(r[0], str) and r[0] and " " not in r[0]
                 and r[0].lower() != "scenario"]
    found: set[str] = set()
    for _ in range(trials):
        grid = [list(r) for r in grids[sheet]]
        r = rnd.randrange(len(grid))
        c = rnd.randrange(len(grid[r]))
        grid[r][c] = rnd.choice(VALUES)
        ranges = {**grids, sheet: grid}
        cache.clear()
        outs = [core.scenario(ranges["Synthese"], name, "M2", *[ranges[n] for n in RANGES]) for name in scenarios[:3]]
        outs.append(core.table("m2", ranges["Synthese"], ranges["Parameters"]))
        found |= {o[0][0] for o in outs if isinstance(o[0][0], str) and o[0][0].startswith("#W13")}
    return found


@pytest.mark.parametrize("sheet", ("Synthese", *RANGES))
def test_messages_are_dutch(grids, sheet):
    found = messages(grids, sheet, trials=25, seed=11)
    assert found, "the mutations must produce messages"
    english = [m for m in found if ENGLISH.search(m.removeprefix("#W13: "))]
    assert not english, "\n".join(sorted(english))


@pytest.mark.parametrize("call, expected", [
    (lambda: core.loonkost("Z9", 1, 1, 2027), "#W13: onbekende weddeschaal 'Z9' (bekend: "),
    (lambda: core.loonkost("B1-B3", 1, 3, 2027), "#W13: vte 3.0 buiten 0..1.5"),
    (lambda: core.indexeer("x", 2026, 2031), "#W13: bedrag: 'x' is geen (eindig) getal"),
])
def test_scalar_functions_answer_in_dutch(call, expected):
    assert call().startswith(expected)


def _scenario_cell(grids, row: int, col: int, value, name: str) -> str:
    import copy

    ranges = copy.deepcopy(grids)
    ranges["Scenario's"][row][col] = value
    cache.clear()
    return core.scenario(ranges["Synthese"], name, "M2", *[ranges[n] for n in RANGES])[0][0]


def _schema_cell(grids, row: int, col: int, value) -> str:
    from w13xl.excel.schema import schema

    mapping = [list(r) for r in grids["Economische aard"][2:]]  # the table from its header, as a user selects it
    mapping[row][col] = value
    cache.clear()
    return schema(grids["Synthese"], "T2", mapping)[0][0]


@pytest.mark.parametrize("case, expected", [
    # issue 9: the retired policy and the percentage bound of a contribution change (Scenario's sheet)
    (lambda g: _scenario_cell(g, 3, 10, "keep", "hbdh-stopt-juni-2026"), "'keep' bestaat niet meer"),
    (lambda g: _scenario_cell(g, 4, 8, 5, "bijdrage-plus-3-2028"), "pct = 5 wordt gelezen als +500%"),
    # issue 10: the mapping sheet behind W13.SCHEMA
    (lambda g: _schema_cell(g, 1, 3, "Onbekende rubriek"), "onbekende economische rubriek"),
    (lambda g: _schema_cell(g, 1, 0, "A99999"), "actie A99999 staat niet op het begrotingsblad"),
    (lambda g: _schema_cell(g, 1, 4, 5.0), "bedragen op een *-rij"),
    (lambda g: _schema_cell(g, 5, 4, 99_999_999.0), "maar van de lijn blijft maar"),
    (lambda g: _schema_cell(g, 5, 3, "Goederen en diensten"), "rubriek 'Goederen en diensten' is"),
])
def test_messages_of_the_later_issues_are_dutch(grids, case, expected):
    message = case(grids)
    assert message.startswith("#W13: ") and expected in message, message
    assert not ENGLISH.search(message.removeprefix("#W13: ")), message
