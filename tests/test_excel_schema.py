"""W13.SCHEMA through xlwings' Office.js code path (custom_functions_call), on the sample's ranges."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from test_excel_functions import call, cell, is_message, sheet_values


def euro(v):
    return int(Decimal(f"{v:.2f}").quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _ranges(*names):
    return [sheet_values(n) for n in names]


def test_schema_t2_spills_the_printed_figures():
    budget, params, eco = _ranges("Synthese", "Parameters", "Economische aard")
    out = call("w13_schema", budget, cell("T2"), [params, eco])
    assert out[0] == ["Deel", "Omschrijving", 2026, 2027, 2028, 2029, 2030, 2031]
    goods = next(r for r in out if r[1] == "1. Goederen en diensten")
    # typed from the plan's schema T2
    assert [euro(v) for v in goods[2:]] == [2744734, 2632047, 2334539, 2336851, 1351173, 1344041]
    ocmw = next(r for r in out if r[1] == "- van het OCMW")
    assert [euro(v) for v in ocmw[2:]] == [801391, 817419, 833767, 850443, 867452, 884801]


def test_schema_t1_and_m3_from_the_pivot_export():
    budget, cats, fun, eco = _ranges("Synthese (export)", "Categorieën", "Beleidsvelden", "Economische aard")
    t1 = call("w13_schema", budget, cell("T1"), [cats, fun])
    assert [euro(v) for v in t1[2][2:]] == [806391, 821419, 836767, 853443, 870452, 887801]
    m3 = call("w13_schema", budget, cell("M3"), [cats, eco])
    assert m3[0] == ["Deel", "Omschrijving", "Uitgaven 2026", "Ontvangsten 2026"]
    assert [euro(v) for v in m3[2][2:]] == [460000, 445000]


def test_schema_bad_name_and_bad_mapping_give_a_message():
    budget, eco = _ranges("Synthese", "Economische aard")
    assert is_message(call("w13_schema", budget, cell("T9"), [eco]))
    bad = [list(r) for r in eco]
    bad[7][3] = "Snoepgeld"
    out = call("w13_schema", budget, cell("T2"), [bad])
    assert is_message(out) and "Snoepgeld" in out[0][0] and "D8" in out[0][0]


def test_cached_schema_equals_the_cold_one_and_a_changed_mapping_invalidates():
    from test_excel_functions import fresh

    from w13xl.excel import cache, schema

    budget, params, eco = _ranges("Synthese", "Parameters", "Economische aard")
    cache.clear()
    cold = call("w13_schema", fresh(budget), cell("T2"), fresh([params, eco]))
    again = call("w13_schema", fresh(budget), cell("T2"), fresh([params, eco]))
    assert schema._schemas.cache_info().hits == 1 and again == cold and not is_message(cold)
    bad = fresh(eco)
    bad[7][3] = "Snoepgeld"  # the last range's cell D8: now refused, not the remembered table
    out = call("w13_schema", fresh(budget), cell("T2"), [fresh(params), bad])
    assert is_message(out) and "D8" in out[0][0]
