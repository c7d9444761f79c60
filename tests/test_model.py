"""The budget model (w13xl.model): lines, keys, totals, changes."""

from __future__ import annotations

import numpy as np
import pytest

from w13xl.model import (
    EXPLOITATIE,
    FINANCIERING,
    INVESTERINGEN,
    O,
    U,
    Action,
    LineKey,
    Plan,
    category_totals,
    check_years,
    parse_category,
    parse_direction,
)


def small_plan() -> Plan:
    return Plan.from_lines(
        (2026, 2027),
        [
            ("A10101", EXPLOITATIE, O, [100.0, 110.0]),
            ("A10101", EXPLOITATIE, U, [80.0, 90.0]),
            ("A50111", INVESTERINGEN, U, [15.0, 10.0]),
            ("A50111", EXPLOITATIE, O, [7.5, 8.25]),
            ("A50111", FINANCIERING, O, [1000.0, 0.0]),
        ],
    )


@pytest.mark.parametrize(("text", "expected"), [
    ("Exploitatie", EXPLOITATIE), (" e ", EXPLOITATIE), ("investeringen", INVESTERINGEN),
    ("I", INVESTERINGEN), ("Financiering", FINANCIERING), ("liquiditeitenbudget", FINANCIERING),
    ("subsidie", None), (None, None), ("", None),
])
def test_parse_category(text, expected):
    assert parse_category(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("O", O), ("o", O), ("Ontvangsten", O), ("U", U), (" uitgaven ", U), ("X", None), (None, None),
])
def test_parse_direction(text, expected):
    assert parse_direction(text) == expected


def test_action_from_code_derives_policy_structure():
    a = Action.from_code("A10402", "Food Act 13")
    assert (a.beleidsdoelstelling, a.actieplan, a.name) == ("Dienstverlening", "AP104", "Food Act 13")
    assert Action.from_code("A50111").beleidsdoelstelling == "Organisatie"
    assert Action.from_code("A30301").actieplan == "AP303"


def test_check_years():
    assert check_years([2020, 2021, 2022]) == (2020, 2021, 2022)
    with pytest.raises(ValueError, match="opeenvolgend"):
        check_years([2026, 2028])
    with pytest.raises(ValueError, match="minstens één jaar"):
        check_years([])


def test_totals_per_category_and_direction():
    t = small_plan().totals()
    assert t.shape == (3, 2, 2)
    np.testing.assert_array_equal(t[EXPLOITATIE, O], [107.5, 118.25])
    np.testing.assert_array_equal(t[EXPLOITATIE, U], [80.0, 90.0])
    np.testing.assert_array_equal(t[INVESTERINGEN, O], [0.0, 0.0])
    np.testing.assert_array_equal(t[INVESTERINGEN, U], [15.0, 10.0])
    np.testing.assert_array_equal(t[FINANCIERING, O], [1000.0, 0.0])
    np.testing.assert_array_equal(t[FINANCIERING, U], [0.0, 0.0])


def test_category_totals_with_batch_axes():
    plan = small_plan()
    batch = np.stack([plan.amounts, 2 * plan.amounts, np.zeros_like(plan.amounts)])
    t = category_totals(plan.categories, plan.directions, batch)
    assert t.shape == (3, 3, 2, 2)
    np.testing.assert_array_equal(t[0], plan.totals())
    np.testing.assert_array_equal(t[1], 2 * plan.totals())
    assert not t[2].any()


def test_duplicate_line_is_rejected():
    with pytest.raises(ValueError, match="dubbele begrotingslijn A10101 exploitatie O"):
        Plan.from_lines((2026,), [("A10101", 0, 0, [1.0]), ("A10101", 0, 0, [2.0])])


def test_amounts_are_read_only_and_shape_checked():
    plan = small_plan()
    with pytest.raises(ValueError):
        plan.amounts[0, 0] = 1.0
    with pytest.raises(ValueError):
        Plan(years=(2026, 2027), keys=(LineKey("A10101", 0, 0),), amounts=np.zeros(3))


def test_line_access_and_add():
    plan = small_plan()
    np.testing.assert_array_equal(plan.line("A50111", INVESTERINGEN, U), [15.0, 10.0])
    np.testing.assert_array_equal(plan.line("A99999", EXPLOITATIE, O), [0.0, 0.0])
    np.testing.assert_array_equal(plan.action_lines("A50111"), [1022.5, 18.25])
    np.testing.assert_array_equal(plan.action_lines("A50111", direction=U), [15.0, 10.0])
    assert plan.year_index(2027) == 1
    with pytest.raises(ValueError, match="buiten het plan"):
        plan.year_index(2031)

    more = plan.add("A10101", EXPLOITATIE, U, np.array([5.0, -5.0]))
    np.testing.assert_array_equal(more.line("A10101", EXPLOITATIE, U), [85.0, 85.0])
    np.testing.assert_array_equal(plan.line("A10101", EXPLOITATIE, U), [80.0, 90.0])  # unchanged
    new = plan.add("A20101", EXPLOITATIE, O, np.array([1.0, 2.0]))
    assert len(new.keys) == len(plan.keys) + 1
    assert new.actions["A20101"].beleidsdoelstelling == "Lerend netwerk"
