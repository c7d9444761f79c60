"""Tests for w13xl.indexation: hand-computed cases and the 2018-2025 pivot history."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w13xl.indexation import (
    MonthlySeries,
    bundled_cpi,
    bundled_health_index,
    bundled_pivot_history,
    december_ratio_multipliers,
    health_index_path,
    index_month,
    load_monthly_csv,
    month_index,
    monthly_level,
    pivot_mechanism,
    smoothed_index,
    wage_steps_from_crossings,
    yearly_average_multipliers,
    yearly_rate_multipliers,
)

# ----------------------------------------------------------------------------- months


def test_month_index_and_back():
    assert month_index(2026, 1) == 2026 * 12
    assert month_index(2025, 12) == 2026 * 12 - 1
    assert index_month(month_index(2023, 7)) == (2023, 7)
    assert index_month(2026 * 12 - 1) == (2025, 12)
    with pytest.raises(ValueError):
        month_index(2026, 13)
    with pytest.raises(ValueError):
        month_index(2026, 0)


# ----------------------------------------------------------------------------- series


def test_monthly_series_value_at_slice_end():
    s = MonthlySeries((2025, 11), np.array([1.0, 2.0, 3.0, 4.0]))
    assert s.end == (2026, 2)
    assert s.value_at(2025, 12) == 2.0
    assert s.value_at(2026, 2) == 4.0
    sub = s.slice((2025, 12), (2026, 1))
    assert sub.start == (2025, 12)
    np.testing.assert_array_equal(sub.values, [2.0, 3.0])
    with pytest.raises(KeyError, match="2026-03"):
        s.value_at(2026, 3)
    with pytest.raises(KeyError):
        s.value_at(2025, 10)


def test_monthly_series_2d_value_at():
    s = MonthlySeries((2026, 1), np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
    np.testing.assert_array_equal(s.value_at(2026, 2), [2.0, 4.0, 6.0])
    assert s.slice((2026, 2)).values.shape == (3, 1)


def test_load_monthly_csv_ok(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("# comment, with comma\nmaand,waarde\n2025-11,100.5\n\n2025-12,101\n2026-01,102.25\n")
    s = load_monthly_csv(p)
    assert s.start == (2025, 11)
    np.testing.assert_array_equal(s.values, [100.5, 101.0, 102.25])


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("maand,waarde\n2025-11,100\n2025-13,101\n", r"regel 3: ongeldige maand '2025-13'"),
        ("maand,waarde\n2025-11,100\n2025/12,101\n", r"regel 3: ongeldige maand '2025/12'"),
        ("maand,waarde\n2025-11,100\n2025-12,101,5\n", r"regel 3: 3 velden in plaats van 2"),
        ("maand,waarde\n2025-11,100\n2025-12,abc\n", r"regel 3: ongeldige waarde 'abc'"),
        ("# x\nmaand,waarde\n2025-11,100\n2026-01,101\n", r"regel 4: maand 2026-01 volgt niet op.*2025-12"),
        ("maand,waarde\n2025-11,-3\n", r"regel 2: de waarde moet een positief getal zijn"),
        ("month,value\n2025-11,100\n", r"regel 1: de kop moet 'maand' en 'waarde' bevatten"),
        ("maand,waarde\n", r"geen gegevensregels"),
    ],
)
def test_load_monthly_csv_errors_name_the_line(tmp_path, body, match):
    p = tmp_path / "bad.csv"
    p.write_text(body)
    with pytest.raises(ValueError, match=match):
        load_monthly_csv(p)


def test_bundled_health_index_values():
    h = bundled_health_index()
    assert h.start == (2018, 1)
    assert h.end == (2025, 12)
    assert h.n_months == 96
    # spot values from Statbel publications (see w13xl/data/SOURCES.md)
    assert h.value_at(2019, 12) == 109.18
    assert [h.value_at(2022, m) for m in (3, 4, 5, 6)] == [119.05, 119.59, 120.25, 121.02]
    assert h.value_at(2024, 1) == 130.19
    assert h.value_at(2025, 12) == 136.69


def test_bundled_cpi_values():
    c = bundled_cpi()
    assert (c.start, c.end) == ((2018, 1), (2025, 12))
    assert [c.value_at(2022, m) for m in (3, 4, 5, 6)] == [119.69, 120.09, 121.01, 122.04]
    assert (c.value_at(2023, 12), c.value_at(2024, 1)) == (129.45, 130.08)
    assert round(c.value_at(2025, 1) - c.value_at(2024, 12), 2) == 1.85
    assert c.value_at(2025, 12) == 136.29


# ----------------------------------------------------------------------------- smoothing


def test_smoothed_index_hand_computed():
    s = smoothed_index(np.array([100.0, 102.0, 104.0, 106.0, 108.0]))
    assert np.isnan(s[:3]).all()
    assert s[3] == pytest.approx(0.98 * 103.0)
    assert s[4] == pytest.approx(0.98 * 105.0)


def test_smoothed_index_2d_along_last_axis():
    h = np.array([[100.0, 100.0, 100.0, 100.0], [96.0, 100.0, 104.0, 108.0]])
    s = smoothed_index(h)
    assert s.shape == (2, 4)
    np.testing.assert_allclose(s[:, 3], [98.0, 0.98 * 102.0])
    assert np.isnan(s[:, :3]).all()


def test_smoothed_index_matches_published_values():
    h = bundled_health_index()
    sm = MonthlySeries(h.start, np.round(smoothed_index(h.values), 2))
    assert sm.value_at(2019, 12) == 106.76  # L'Echo, Dec 2019
    assert [sm.value_at(2022, m) for m in (3, 4, 5, 6)] == [115.54, 116.52, 117.02, 117.58]  # BOSA
    assert sm.value_at(2025, 1) == 131.18  # Statbel, Jan 2025


# ----------------------------------------------------------------------------- pivot mechanism

RISING = np.array([100.0, 100.0, 100.0, 110.0, 110.0, 110.0, 110.0, 110.0, 110.0])


def test_pivot_mechanism_hand_computed_consecutive_crossings():
    # smoothed: t3 = .98*102.5 = 100.45, t4 = 102.90, t5 = 105.35, t6.. = 107.80
    # pivots:   100 -> 102 -> 104.04 -> 106.12 -> 108.24 (107.80 < 108.24: stop)
    r = pivot_mechanism(RISING, start=(2026, 1), pivot=100.0, coefficient=1.0)
    assert r.crossings == [(2026, 4), (2026, 5), (2026, 6), (2026, 7)]
    assert r.effective_months == [(2026, 6), (2026, 7), (2026, 8), (2026, 9)]
    np.testing.assert_array_equal(r.pivot, [100, 100, 100, 100, 102, 104.04, 106.12, 108.24, 108.24])
    np.testing.assert_array_equal(r.steps, [0, 0, 0, 0, 0, 1, 2, 3, 4])
    np.testing.assert_array_equal(r.coefficient, [1, 1, 1, 1, 1, 1.02, 1.0404, 1.0612, 1.0824])
    assert r.coefficient_at(2026, 7) == 1.0404


def test_pivot_mechanism_delay_one_month():
    r = pivot_mechanism(RISING, start=(2026, 1), pivot=100.0, coefficient=1.0, delay_months=1)
    assert r.effective_months == [(2026, 5), (2026, 6), (2026, 7), (2026, 8)]
    np.testing.assert_array_equal(r.steps, [0, 0, 0, 0, 1, 2, 3, 4, 4])


def test_pivot_reached_on_equality():
    # smoothed = 0.98 * 100 = 98.00 reaches a pivot of 98.00
    r = pivot_mechanism(np.full(5, 100.0), start=(2026, 1), pivot=98.0, coefficient=1.0)
    assert r.crossings == [(2026, 4)]
    r = pivot_mechanism(np.full(5, 100.0), start=(2026, 1), pivot=98.01, coefficient=1.0)
    assert r.crossings == []
    np.testing.assert_array_equal(r.coefficient, np.ones(5))


def test_pivot_coefficient_does_not_drift():
    # 1.8845 is 1.02**32 rounded; three steps give 1.02**35 = 1.9999, not 1.8845*1.02**3 -> 1.9998
    h = np.array([100.0] * 3 + [110.0] * 6)
    r = pivot_mechanism(h, start=(2022, 1), pivot=100.0, coefficient=1.8845, delay_months=0)
    assert r.steps[-1] >= 3
    k = list(r.steps).index(3)
    assert r.coefficient[k] == 1.9999
    assert round(round(round(1.8845 * 1.02, 4) * 1.02, 4) * 1.02, 4) == 1.9998  # the naive way


def test_pivot_non_power_coefficient_is_scaled_directly():
    r = pivot_mechanism(RISING, start=(2026, 1), pivot=100.0, coefficient=1.5)
    assert r.coefficient[5] == 1.53
    assert r.coefficient[6] == round(1.5 * 1.02**2, 4)


def test_pivot_mechanism_vectorised_matches_single_paths():
    paths = np.vstack([RISING, np.full(9, 100.0), RISING * 0.97])
    r = pivot_mechanism(paths, start=(2026, 1), pivot=100.0, coefficient=1.0)
    assert r.coefficient.shape == (3, 9)
    for i in range(3):
        ri = pivot_mechanism(paths[i], start=(2026, 1), pivot=100.0, coefficient=1.0)
        np.testing.assert_array_equal(r.coefficient[i], ri.coefficient)
        assert r.crossings[i] == ri.crossings
    assert r.crossings[1] == []


@settings(max_examples=40, deadline=None)
@given(
    rates=st.lists(st.floats(min_value=-0.01, max_value=0.02), min_size=4, max_size=40),
    n_paths=st.integers(min_value=1, max_value=4),
)
def test_pivot_mechanism_properties(rates, n_paths):
    rng = np.random.default_rng(len(rates))
    r = np.array(rates)[None, :] + rng.normal(0, 0.003, size=(n_paths, len(rates)))
    h = 100.0 * np.cumprod(1 + r, axis=-1)
    res = pivot_mechanism(h, start=(2026, 1), pivot=99.0, coefficient=2.1223)
    assert (np.diff(res.coefficient, axis=-1) >= 0).all()  # wages never go down
    assert (res.crossed.sum(axis=-1) <= max(len(rates) - 3, 0)).all()  # at most one per testable month
    for i in range(n_paths):
        single = pivot_mechanism(h[i], start=(2026, 1), pivot=99.0, coefficient=2.1223)
        np.testing.assert_array_equal(res.coefficient[i], single.coefficient)


# ----------------------------------------------------------------------------- history

HISTORY_CROSSINGS = [
    (2018, 8),
    (2020, 2),
    (2021, 8),
    (2021, 12),
    (2022, 2),
    (2022, 4),
    (2022, 7),
    (2022, 10),
    (2022, 11),
    (2023, 10),
    (2024, 4),
    (2025, 1),
    (2025, 12),
]


def test_history_2018_2025_reproduces_crossings_and_coefficients():
    """Start 2018-01: pivot 105.10 (base 2013=100) and coefficient 1.6734 (= 1.02**26) in force,
    no step pending (the previous crossing was in 2017). Only the health index series drives it."""
    h = bundled_health_index()
    r = pivot_mechanism(h.values, start=h.start, pivot=105.10, coefficient=1.6734)
    assert r.crossings == HISTORY_CROSSINGS
    assert sum(1 for y, _ in r.crossings if y == 2022) == 5  # five crossings in 2022
    # the coefficients of the plan, effective two months after the crossing
    assert r.coefficient_at(2022, 12) == 1.9607
    assert r.coefficient_at(2023, 1) == 1.9999
    assert r.coefficient_at(2023, 11) == 1.9999
    assert r.coefficient_at(2023, 12) == 2.0399
    assert r.coefficient_at(2024, 5) == 2.0399
    assert r.coefficient_at(2024, 6) == 2.0807
    assert r.coefficient_at(2025, 2) == 2.0807
    assert r.coefficient_at(2025, 3) == 2.1223
    assert r.coefficient_at(2025, 12) == 2.1223  # Dec 2025 crossing only pays from Feb 2026
    assert r.coefficient_at(2022, 6) == 1.8845  # BOSA, June 2022
    assert r.effective_months[-1] == (2026, 2)
    # published pivots reached: 107.20 (Feb 2020), 130.67 (Jan 2025); 118.36 not reached in June 2022
    pivots = MonthlySeries(h.start, r.pivot)
    assert pivots.value_at(2020, 2) == 107.20
    assert pivots.value_at(2022, 6) == 118.36 and (2022, 6) not in r.crossings
    assert pivots.value_at(2021, 8) == 109.34
    assert pivots.value_at(2025, 1) == 130.67


def test_history_starting_in_2019_gives_the_same_steps():
    h = bundled_health_index().slice((2019, 10))
    r = pivot_mechanism(h.values, start=h.start, pivot=107.20, coefficient=1.7069)
    assert r.crossings == HISTORY_CROSSINGS[1:]
    assert r.coefficient_at(2023, 1) == 1.9999
    assert r.coefficient_at(2025, 3) == 2.1223


def test_bundled_pivot_history_agrees_with_mechanism():
    h = bundled_health_index()
    r = pivot_mechanism(h.values, start=h.start, pivot=105.10, coefficient=1.6734)
    events = bundled_pivot_history()
    assert [e.crossed for e in events] == r.crossings
    assert [e.effective for e in events] == r.effective_months
    for e in events:
        assert MonthlySeries(h.start, r.pivot).value_at(*e.crossed) == e.pivot
        if month_index(*e.effective) <= month_index(*h.end):
            assert r.coefficient_at(*e.effective) == e.coefficient
        assert e.coefficient == round(1.02 ** round(math.log(e.coefficient, 1.02)), 4)


# ----------------------------------------------------------------------------- steps and levels


def test_wage_steps_from_crossings():
    assert wage_steps_from_crossings([(2022, 11), (2022, 10)]) == [(2022, 12), (2023, 1)]
    assert wage_steps_from_crossings([(2025, 12)]) == [(2026, 2)]
    assert wage_steps_from_crossings([(2025, 12)], delay_months=1) == [(2026, 1)]
    assert wage_steps_from_crossings([]) == []
    with pytest.raises(ValueError):
        wage_steps_from_crossings([(2025, 1), (2025, 1)])


def test_monthly_level():
    lv = monthly_level([(2026, 3), (2026, 4)], (2026, 1), 5)
    np.testing.assert_allclose(lv, [1.0, 1.0, 1.02, 1.0404, 1.0404])
    # a step on the start month is already in the base; steps outside the window are ignored
    lv = monthly_level([(2026, 1), (2025, 6), (2027, 1), (2026, 2)], (2026, 1), 3, step=0.01)
    np.testing.assert_allclose(lv, [1.0, 1.01, 1.01])


def test_monthly_level_roundtrip_with_pivot_mechanism():
    r = pivot_mechanism(RISING, start=(2026, 1), pivot=100.0, coefficient=1.0)
    lv = monthly_level(wage_steps_from_crossings(r.crossings), (2026, 1), RISING.size)
    np.testing.assert_allclose(np.round(lv, 4), r.coefficient)


# ----------------------------------------------------------------------------- yearly multipliers

PLAN_YEARS = list(range(2026, 2032))


def test_flat_wage_index():
    from w13xl.staffing import flat_wage_index

    m = flat_wage_index(PLAN_YEARS, 0.02)
    np.testing.assert_allclose(m, [1.0, 1.02, 1.0404, 1.061208, 1.08243216, 1.1040808032])
    np.testing.assert_allclose(flat_wage_index([2026, 2027, 2028], 0.0), [1.0, 1.0, 1.0])


def test_yearly_rate_multipliers():
    m = yearly_rate_multipliers({2026: 0.5, 2027: 0.03, 2028: 0.01}, [2026, 2027, 2028])
    np.testing.assert_allclose(m, [1.0, 1.03, 1.0403])
    with pytest.raises(ValueError, match="2028"):
        yearly_rate_multipliers({2027: 0.03}, [2026, 2027, 2028])


def test_yearly_average_multipliers_hand_computed():
    # start Dec 2025 (level 0.5, must not be used); 2026: Jan-Jun 1.0, Jul-Dec 1.02; 2027: 1.02
    levels = np.array([0.5] + [1.0] * 6 + [1.02] * 6 + [1.02] * 12)
    m = yearly_average_multipliers(levels, (2025, 12), [2026, 2027])
    np.testing.assert_allclose(m, [1.01, 1.02])


def test_yearly_average_multipliers_2d_and_flat_path():
    flat = np.ones(24)
    steps = monthly_level([(2026, 7)], (2026, 1), 24)
    m = yearly_average_multipliers(np.vstack([flat, steps * 2.0]), (2026, 1), [2026, 2027])
    np.testing.assert_allclose(m, [[1.0, 1.0], [1.01, 1.02]])


def test_yearly_average_multipliers_needs_full_coverage():
    with pytest.raises(ValueError, match="2027-12"):
        yearly_average_multipliers(np.ones(23), (2026, 1), [2026, 2027])
    with pytest.raises(ValueError):
        yearly_average_multipliers(np.ones(30), (2026, 2), [2026, 2027])


def test_december_ratio_multipliers_hand_computed():
    vals = np.full(37, 100.0)  # Dec 2025 .. Dec 2028
    vals[12:] = 102.0  # from Dec 2026
    vals[24:] = 104.04  # from Dec 2027
    cpi = MonthlySeries((2025, 12), vals)
    m = december_ratio_multipliers(cpi, [2026, 2027, 2028, 2029])
    np.testing.assert_allclose(m, [1.0, 1.02, 1.0404, 1.0404])


def test_december_ratio_multipliers_bundled_and_errors():
    cpi = bundled_cpi()
    m = december_ratio_multipliers(cpi, [2025, 2026], base=(2024, 12), from_year=2026)
    np.testing.assert_allclose(m, [1.0, 136.29 / 133.54])
    with pytest.raises(KeyError, match="2026-12"):
        december_ratio_multipliers(cpi, [2026, 2027])  # CPI Dec 2026 not known yet


def test_december_ratio_multipliers_2d():
    vals = np.array([[100.0] * 13, [100.0] * 12 + [110.0]])
    m = december_ratio_multipliers(MonthlySeries((2025, 12), vals), [2026, 2027])
    np.testing.assert_allclose(m, [[1.0, 1.0], [1.0, 1.1]])


# ----------------------------------------------------------------------------- generator


def test_health_index_path_hand_computed():
    s = health_index_path(MonthlySeries((2025, 11), np.array([100.0, 101.0])), np.array([0.01, 0.02]))
    assert s.start == (2025, 11)
    np.testing.assert_allclose(s.values, [100.0, 101.0, 102.01, 104.0502])
    assert s.end == (2026, 2)


def test_health_index_path_vectorised_and_feeds_pivot_mechanism():
    hist = bundled_health_index().slice((2025, 1))
    rates = np.vstack([np.zeros(24), np.full(24, 0.004)])
    s = health_index_path(hist, rates)
    assert s.values.shape == (2, 36)
    np.testing.assert_array_equal(s.values[:, :12], np.vstack([hist.values, hist.values]))
    assert s.value_at(2027, 12)[0] == 136.69
    assert s.value_at(2027, 12)[1] == pytest.approx(136.69 * 1.004**24)
    r = pivot_mechanism(s.values, start=s.start, pivot=133.28, coefficient=2.1223)
    # both paths reach 133.28 in Dec 2025 (history); only the inflating one goes further
    assert r.crossings[0] == [(2025, 12)]
    assert r.crossings[1][0] == (2025, 12) and len(r.crossings[1]) > 1
    levels = r.coefficient / r.coefficient[:, :1]
    m = yearly_average_multipliers(levels, s.start, [2026, 2027])
    assert m.shape == (2, 2)
    np.testing.assert_allclose(m[0], [1.02 * 11 / 12 + 1 / 12, 1.02], rtol=1e-4)
    assert (m[1] > m[0]).all()
