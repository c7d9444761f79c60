"""W13 custom functions through xlwings' real Office.js code path (custom_functions_meta/call).

The payloads are built from the sample workbook's cell values read with openpyxl, the way
Office.js sends them: one 2-D list per argument, empty cells as "", omitted arguments as None.
"""

from __future__ import annotations

import asyncio
import json
import math
from pathlib import Path

import openpyxl
import pytest
import xlwings as xw
import xlwings.server

from w13xl.excel import cache, core
from w13xl.excel import functions as F
from w13xl.m2 import M2_LINES, compute_m2, m2_rows
from w13xl.staffing import loonkost
from w13xl.workbook import load_plan

SAMPLE = Path(__file__).resolve().parents[1] / "workbooks" / "w13-mjp-2026-2031.xlsx"
YEARS = [2026, 2027, 2028, 2029, 2030, 2031]


def sheet_values(name: str) -> list[list]:
    """A sheet's used range as Office.js passes it (empty cells as "")."""
    wb = openpyxl.load_workbook(SAMPLE, data_only=True)
    ws = wb[name]
    return [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]


@pytest.fixture(scope="module")
def sample():
    return {name: sheet_values(name) for name in ("Synthese", "Synthese (export)", "Parameters", "Categorieën")}


@pytest.fixture(scope="module")
def engine():
    loaded = load_plan(SAMPLE)
    return compute_m2(loaded.plan, loaded.params)


def call(func_name: str, *args):
    payload = {
        "func_name": func_name,
        "args": list(args),
        "caller_address": "Microsoft Excel Windows[w13-mjp-2026-2031.xlsx]Overzicht!B2",
        "version": xw.__version__,
        "runtime": "1.4",
        "client": "Office.js",
    }
    return asyncio.run(xlwings.server.custom_functions_call(payload, F))


def cell(value):
    return [[value]]


def is_message(result) -> bool:
    return (isinstance(result, list) and len(result) == 1 and len(result[0]) == 1
            and isinstance(result[0][0], str) and result[0][0].startswith("#W13: "))


# -- registration -------------------------------------------------------------------------------
EXPECTED = {
    "W13.M2": ["budget", "parameters", "categorieen"],
    "W13.RESERVE": ["budget", "parameters", "categorieen"],
    "W13.AFM": ["budget", "parameters", "categorieen"],
    "W13.BBR": ["budget", "parameters", "categorieen"],
    "W13.NORMEN": ["budget", "parameters", "categorieen"],
    "W13.INDEXEER": ["bedrag", "van_jaar", "naar_jaar", "klasse", "pad"],
    "W13.LOONKOST": ["schaal", "trap", "vte", "jaar", "maanden"],
    "W13.SCENARIO": ["budget", "scenario", "lijn", "bereiken"],
    "W13.KANS": ["budget", "scenario", "wat", "paden", "seed", "bereiken"],
    "W13.DOELZOEKEN": ["budget", "scenario", "hefboom", "vanaf", "bereiken"],
    "W13.SCHEMA": ["budget", "schema", "bereiken"],
}
OPTIONAL = {"parameters", "categorieen", "klasse", "pad", "maanden"}


def test_meta_lists_every_function_with_namespace_and_help():
    meta = xlwings.server.custom_functions_meta(F)
    funcs = {f["name"]: f for f in meta["functions"]}
    assert set(EXPECTED) == set(funcs)
    for name, params in EXPECTED.items():
        f = funcs[name]
        assert len(f["description"]) > 30, name
        assert [p["name"] for p in f["parameters"]] == params
        for p in f["parameters"]:
            assert not p["description"].startswith("Positional argument"), (name, p["name"])
            assert len(p["description"]) > 10
            assert p.get("optional", False) == (p["name"] in OPTIONAL), (name, p["name"])
        assert f["result"]["dimensionality"] == "matrix"
    assert funcs["W13.SCENARIO"]["parameters"][-1].get("repeating") is True


def test_namespace_is_w13_and_classic_names_are_not_cell_addresses():
    assert F.__xlwings_func_namespace__ == "W13"
    meta = xlwings.server.custom_functions_meta(F)
    # The ids are the Python names: what the classic add-in registers (=W13_M2(...)).
    assert {f["id"] for f in meta["functions"]} >= {"W13_M2", "W13_RESERVE", "W13_INDEXEER", "W13_LOONKOST"}


# -- schema M2 ----------------------------------------------------------------------------------
def test_m2_spills_the_engine_result_exactly(sample, engine):
    out = call("w13_m2", sample["Synthese"], sample["Parameters"], None)
    assert out[0] == ["", "Schema M2", *YEARS]
    expected = [[n, label, *values] for n, label, _k, values in m2_rows(engine)]
    assert out[1:] == expected  # bit for bit, so certainly to the cent
    labels = [row[1] for row in out[1:1 + len(M2_LINES)]]
    assert labels == [s.label for s in M2_LINES]
    gbr = next(r for r in out if r[1] == "Gecumuleerd budgettair resultaat")
    assert [round(v) for v in gbr[2:]] == [449_553, 476_031, 488_006, 488_003, 477_845, 454_276]
    assert out[-1][1] == "Minimumreserve (sociaal passief)"
    assert out[-1][2] == pytest.approx(211_211.09, abs=0.005)


def test_m2_from_the_pivot_export_with_category_mapping_matches_the_table(sample):
    table = call("w13_m2", sample["Synthese"], sample["Parameters"])
    pivot = call("w13_m2", sample["Synthese (export)"], sample["Parameters"], sample["Categorieën"])
    assert len(pivot) == len(table)
    for a, b in zip(table[1:], pivot[1:]):
        assert a[:2] == b[:2]
        assert all(abs(x - y) < 0.005 for x, y in zip(a[2:], b[2:])), a[1]


def test_m2_without_category_mapping_books_everything_as_exploitation(sample):
    pivot = call("w13_m2", sample["Synthese (export)"], sample["Parameters"])
    investments = next(r for r in pivot if r[1] == "Investeringssaldo")
    assert investments[2:] == [0.0] * 6
    result = next(r for r in pivot if r[1] == "Budgettair resultaat van het boekjaar")
    assert result[2] == pytest.approx(44_851.13, abs=0.005)  # the total does not change


def test_omitted_parameters_mean_zero_opening_reserve(sample, engine):
    out = call("w13_m2", sample["Synthese"], None, None)
    vi = next(r for r in out if r[1] == "Gecumuleerd budgettair resultaat vorig boekjaar")
    vii = next(r for r in out if r[1] == "Gecumuleerd budgettair resultaat")
    assert vi[2] == 0.0
    assert vii[2] == pytest.approx(float(engine["budgettair_resultaat"][0]), abs=1e-9)
    assert not any(r[1] == "Minimumreserve (sociaal passief)" for r in out)


@pytest.mark.parametrize("func, key, label", [
    ("w13_reserve", "gecumuleerd_budgettair_resultaat", "Gecumuleerd budgettair resultaat"),
    ("w13_afm", "autofinancieringsmarge", "Autofinancieringsmarge"),
    ("w13_bbr", "beschikbaar_budgettair_resultaat", "Beschikbaar budgettair resultaat"),
])
def test_year_series(sample, engine, func, key, label):
    out = call(func, sample["Synthese"], sample["Parameters"], None)
    assert out[0] == ["Jaar", label]
    assert [r[0] for r in out[1:]] == YEARS
    assert [r[1] for r in out[1:]] == [float(v) for v in engine[key]]


def test_afm_of_the_plan_matches_the_printed_figures(sample):
    out = call("w13_afm", sample["Synthese"], sample["Parameters"])
    assert [round(r[1]) for r in out[1:]] == [59_851, 36_478, 21_476, 8_996, -1_658, -15_569]


def test_normen(sample):
    out = call("w13_normen", sample["Synthese"], sample["Parameters"], None)
    assert out[0] == ["Controle", "Voldaan", "Eerste jaar niet voldaan", "Jaren niet voldaan", "Soort", "Bron"]
    rows = {r[0]: r[1:5] for r in out[1:]}
    assert rows["Controle: beschikbaar budgettair resultaat ≥ 0 in elk jaar"] == [True, "", "", "controle"]
    assert rows["Engagement W13: AFM 2031 ≥ 0"] == [False, 2031, "2031", "engagement"]
    assert rows["Beleid W13: reserve ≥ sociaal passief"] == [True, "", "", "beleid"]


def test_normen_with_a_high_minimum_reserve(sample):
    params = [row[:] for row in sample["Parameters"]]
    params.append(["Minimumreserve", 480_000, "", "", "", "", "", ""])
    for row in params:  # the amount wins only without the percentage: drop the percentage
        if row[0] == "Minimumreserve (% jaarloonkost)":
            row[1] = ""
    out = call("w13_normen", sample["Synthese"], params)
    row = next(r for r in out if r[0] == "Beleid W13: reserve ≥ sociaal passief")
    assert row[1:4] == [False, 2026, "2026, 2027, 2030, 2031"]


# -- bad input: a message in the cell, never an exception ------------------------------------------
def test_text_in_an_amount_cell_names_the_cell(sample):
    budget = [row[:] for row in sample["Synthese"]]
    budget[3][7] = "veel"
    out = call("w13_m2", budget, sample["Parameters"])
    assert is_message(out)
    assert "argument budget" in out[0][0] and "H4" in out[0][0] and "veel" in out[0][0]
    # the cell speaks Dutch, also for the core parser's message
    assert "tekst 'veel' in een bedragcel" in out[0][0] and "verwacht: een bedrag in euro" in out[0][0]


def test_error_value_in_a_cell(sample):
    budget = [row[:] for row in sample["Synthese"]]
    budget[2][6] = {"type": "Error", "errorType": "Ref", "basicValue": "#REF!"}
    out = call("w13_m2", budget, sample["Parameters"])
    assert is_message(out) and "#REF!" in out[0][0] and "G3" in out[0][0]


@pytest.mark.parametrize("budget", [
    None,  # omitted (Excel sends null)
    [[""]],  # an empty cell
    [["", ""], ["", ""]],
    [[42]],  # a single number
    [["Actie", "Naam"], ["A10101", "RCK"]],  # no Richting, no years
    [["Rijlabels", "Som van 2026 DT"], ["A10101 RCK", 1], ["X", 5]],  # unexpected label
])
def test_bad_budget_ranges_give_a_message(budget):
    out = call("w13_m2", budget, None, None)
    assert is_message(out), out
    for func in ("w13_reserve", "w13_afm", "w13_bbr", "w13_normen"):
        assert is_message(call(func, budget, None, None))


def test_bad_parameters_give_a_message(sample):
    params = [["Gecumuleerd budgettair resultaat vorig boekjaar", "veel"]]
    out = call("w13_m2", sample["Synthese"], params)
    assert is_message(out) and "argument parameters" in out[0][0]


def test_bad_category_mapping_gives_a_message(sample):
    mapping = [["Actie", "Richting", "Categorie"], ["A99999", "O", "investeringen"]]
    out = call("w13_m2", sample["Synthese (export)"], sample["Parameters"], mapping)
    assert is_message(out) and "A99999" in out[0][0]


# -- INDEXEER and LOONKOST -----------------------------------------------------------------------
def test_indexeer_default_is_the_plans_flat_two_percent():
    assert call("w13_indexeer", cell(1000.0), cell(2026), cell(2031), None, None) == [[1000.0 * 1.02 ** 5]]
    assert call("w13_indexeer", cell(1000.0), cell(2026), cell(2031), cell(""), cell("")) == [[1000.0 * 1.02 ** 5]]
    back = call("w13_indexeer", cell(1104.08), cell(2031), cell(2026), None, None)[0][0]
    assert back == pytest.approx(1104.08 / 1.02 ** 5, rel=1e-12)
    assert call("w13_indexeer", cell(500), cell(2028), cell(2028), None, None) == [[500.0]]


def test_indexeer_classes_and_paths():
    assert call("w13_indexeer", cell(1000), cell(2026), cell(2031), cell("vast"), None) == [[1000.0]]
    assert call("w13_indexeer", cell(1000), cell(2026), cell(2028), cell("prijzen"), cell("3%"))[0][0] == \
        pytest.approx(1000 * 1.03 ** 2)
    rates = [[2027, 0.05], [2028, 0.01]]
    assert call("w13_indexeer", cell(1000), cell(2026), cell(2028), cell("loon"), rates)[0][0] == \
        pytest.approx(1000 * 1.05 * 1.01)
    table = [["Jaar", "loon", "prijzen", "bijdrage"], [2027, 0.04, 0.02, 0.0], [2028, 0.02, 0.02, 0.03]]
    assert call("w13_indexeer", cell(1000), cell(2026), cell(2028), cell("volgt_loon"), table)[0][0] == \
        pytest.approx(1000 * 1.04 * 1.02)
    assert call("w13_indexeer", cell(1000), cell(2026), cell(2028), cell("bijdrage"), table)[0][0] == \
        pytest.approx(1000 * 1.03)


@pytest.mark.parametrize("args, fragment", [
    ((cell("veel"), cell(2026), cell(2027), None, None), "bedrag"),
    ((cell(1000), cell("ooit"), cell(2027), None, None), "jaartal"),
    ((cell(1000), cell(2026), cell(2027), cell("goud"), None), "klasse"),
    ((cell(1000), cell(2026), cell(2029), None, [[2027, 0.02]]), "2028"),
])
def test_indexeer_bad_input(args, fragment):
    out = call("w13_indexeer", *args)
    assert is_message(out) and fragment in out[0][0], out


def test_loonkost_matches_the_staffing_model():
    out = call("w13_loonkost", cell("B1-B3"), cell(5), cell(0.8), cell(2028), None)
    assert out == [[loonkost("B1-B3", 5, 0.8, 2028, 12)]]
    out = call("w13_loonkost", cell("B1-B3"), cell(5.0), cell(1), cell(2026), cell(6))
    assert out[0][0] == pytest.approx(loonkost("B1-B3", 5, 1.0, 2026, 6))
    assert out[0][0] > 10_000


@pytest.mark.parametrize("args, fragment", [
    ((cell("Z9"), cell(5), cell(1), cell(2026), None), "Z9"),
    ((cell("B1-B3"), cell(2.5), cell(1), cell(2026), None), "trap"),
    ((cell("B1-B3"), cell(2), cell(3), cell(2026), None), "vte 3.0 buiten"),  # Dutch (was the English "fte")
    ((cell(""), cell(2), cell(1), cell(2026), None), "schaal"),
])
def test_loonkost_bad_input(args, fragment):
    out = call("w13_loonkost", *args)
    assert is_message(out) and fragment in out[0][0], out


# -- cache ----------------------------------------------------------------------------------------
def test_repeated_calls_do_not_reparse(sample, monkeypatch):
    cache.clear()
    calls = []
    original = core.load_from_ranges

    def counting(*args):
        calls.append(1)
        return original(*args)

    monkeypatch.setattr(core, "load_from_ranges", counting)
    first = call("w13_m2", sample["Synthese"], sample["Parameters"])
    again = call("w13_m2", [r[:] for r in sample["Synthese"]], [r[:] for r in sample["Parameters"]])
    assert first == again and len(calls) == 1
    call("w13_reserve", sample["Synthese"], sample["Parameters"])
    call("w13_normen", sample["Synthese"], sample["Parameters"])
    assert len(calls) == 1  # the other functions reuse the cached M2
    changed = [r[:] for r in sample["Synthese"]]
    changed[1][6] = 5751
    out = call("w13_m2", changed, sample["Parameters"])
    assert len(calls) == 2
    assert out[2][2] == pytest.approx(first[2][2] + 1)  # exploitation receipts 2026 + 1 euro
    # a caller mutating its result does not corrupt the cache
    first[1][2] = math.nan
    assert call("w13_m2", sample["Synthese"], sample["Parameters"])[1][2] == again[1][2]


def test_cache_is_bounded():
    cache.clear()
    for i in range(core.cache.DEFAULT_MAXSIZE + 10):
        call("w13_indexeer", cell(float(i)), cell(2026), cell(2027), None, None)
    sizes = [i.currsize for i in cache.info().values()]
    assert max(sizes) <= cache.DEFAULT_MAXSIZE


# -- the memo in front of the table functions (issue 14: a cheaper cache key) -----------------------
def fresh(value):
    """A copy decoded from JSON, as xlwings Server decodes every request: no object is shared
    with an earlier call, so a cache hit must come from equal values, not from identical objects."""
    return json.loads(json.dumps(value))


@pytest.mark.parametrize("func", ["w13_m2", "w13_reserve", "w13_afm", "w13_bbr", "w13_normen"])
def test_cached_and_cold_calls_return_identical_payloads(sample, func):
    bad = [row[:] for row in sample["Synthese"]]
    bad[3][7] = "veel"  # the Dutch message is remembered as well
    for budget in (sample["Synthese"], bad):
        cache.clear()
        cold = call(func, fresh(budget), fresh(sample["Parameters"]), None)
        cached = [call(func, fresh(budget), fresh(sample["Parameters"]), None) for _ in range(2)]
        assert core._tables.cache_info().hits == 2  # both repeats came from the memo
        for again in cached:
            # the same JSON text: same values and same types (2026 is not 2026.0, True is not 1)
            assert json.dumps(again) == json.dumps(cold)
            assert [[type(v) for v in r] for r in again] == [[type(v) for v in r] for r in cold]
    assert is_message(cold) and "tekst 'veel' in een bedragcel" in cold[0][0]


def test_the_table_functions_over_the_same_ranges_share_one_memo_entry(sample):
    cache.clear()
    funcs = ["w13_m2", "w13_reserve", "w13_afm", "w13_bbr", "w13_normen"]
    first = [call(f, fresh(sample["Synthese"]), fresh(sample["Parameters"])) for f in funcs]
    info = core._tables.cache_info()
    assert (info.hits, info.misses, info.currsize) == (4, 1, 1)  # found the plan's entry, added its function
    assert [call(f, fresh(sample["Synthese"]), fresh(sample["Parameters"])) for f in funcs] == first
    assert core._tables.cache_info().currsize == 1
    assert first[1][0] == ["Jaar", "Gecumuleerd budgettair resultaat"] and first[4][0][0] == "Controle"


def test_a_changed_cell_anywhere_in_the_ranges_invalidates_the_cached_result(sample):
    cache.clear()
    first = call("w13_reserve", fresh(sample["Synthese"]), fresh(sample["Parameters"]))
    # the budget's last cell: A50111's investment expenses in 2031 (U, written negative), one euro more
    budget = fresh(sample["Synthese"])
    assert budget[-1][2:] == ["A50111", "Overhead", "investeringen", "U", -15000, -10000, -9500, -9000, -8500, -8000]
    budget[-1][-1] = -8001
    out = call("w13_reserve", budget, fresh(sample["Parameters"]))
    assert [r[1] for r in out[1:6]] == [r[1] for r in first[1:6]]  # 2026-2030 untouched
    assert out[6][1] == pytest.approx(first[6][1] - 1, abs=1e-6)  # the reserve of 2031 one euro lower
    # the parameters' opening reserve (B2 of the range): every year's reserve moves by the same amount
    params = fresh(sample["Parameters"])
    assert params[1][0] == "Gecumuleerd budgettair resultaat vorig boekjaar"
    params[1][1] += 100
    out = call("w13_reserve", fresh(sample["Synthese"]), params)
    assert [r[1] for r in out[1:]] == pytest.approx([r[1] + 100 for r in first[1:]], abs=1e-6)
    # the original values again (fresh objects): the first result, from the memo
    hits = core._tables.cache_info().hits
    assert call("w13_reserve", fresh(sample["Synthese"]), fresh(sample["Parameters"])) == first
    assert core._tables.cache_info().hits == hits + 1


def test_the_table_memo_is_bounded_and_drops_the_least_recent(sample):
    cache.clear()
    n = cache.DEFAULT_MAXSIZE + 10
    for i in range(n):
        params = fresh(sample["Parameters"])
        params[1][1] = float(i)  # opening reserve i: n different argument values of the same shape
        call("w13_reserve", sample["Synthese"], params)
    assert core._tables.cache_info().currsize == cache.DEFAULT_MAXSIZE
    info = core._tables.cache_info()
    params[1][1] = float(n - 1)
    call("w13_reserve", fresh(sample["Synthese"]), params)  # the newest: remembered
    assert core._tables.cache_info().hits == info.hits + 1
    params[1][1] = 0.0
    call("w13_reserve", fresh(sample["Synthese"]), params)  # the oldest: dropped
    assert core._tables.cache_info().misses == info.misses + 1


def test_value_memo_compares_values_and_keeps_its_own_copy():
    memo = cache.ValueMemo("test", maxsize=3, register=False)
    args = ([[1, "a"], [2, "b"]], None)
    memo.put("k", args, "r1")
    args[0][1][0] = 99  # the caller changes its list afterwards: the memo's copy stays
    assert memo.get("k", ([[1, "a"], [2, "b"]], None)) == "r1"
    assert memo.get("k", args) is None
    assert memo.get("other", ([[1, "a"], [2, "b"]], None)) is None  # another function
    assert memo.get("k", ([[1, "a"], [2, "b"]], [[0]])) is None  # another second argument
    memo.put("k", ([[float("nan")]],), "r2")
    assert memo.get("k", ([[float("nan")]],)) is None  # another NaN is unequal to it: a miss, never a wrong hit
    memo.put("k", ([[1, "a"], [3, "b"]], None), "r3")  # same shape as r1: same bucket
    memo.put("k", ("scalar",), "r4")  # a fourth entry: the least recently used (r2) goes
    assert memo.cache_info().currsize == 3
    assert [memo.get("k", a) for a in (([[1, "a"], [2, "b"]], None), ([[1, "a"], [3, "b"]], None), ("scalar",))] \
        == ["r1", "r3", "r4"]
    memo.put("k", ([[5]],), "r5")  # now r1 is the least recently used
    assert memo.get("k", ([[1, "a"], [2, "b"]], None)) is None
    assert memo.get("k", ([[1, "a"], [3, "b"]], None)) == "r3"


def test_doelzoeken_repeats_come_from_the_memo_and_a_changed_cell_invalidates(sample):
    from w13xl.excel import uncertainty as xu

    budget, params = sample["Synthese"], sample["Parameters"]
    cache.clear()
    cold = call("w13_doelzoeken", fresh(budget), None, cell("bijdrage"), cell(2027), fresh([params]))
    again = call("w13_doelzoeken", fresh(budget), None, cell("bijdrage"), cell(2027), fresh([params]))
    assert xu._solutions.cache_info().hits == 1 and json.dumps(again) == json.dumps(cold)
    assert cold[1][0] == "Verhoging bijdrage"
    changed = fresh(params)
    changed[1][1] = "veel"  # the opening reserve as text: refused, not the remembered answer
    out = call("w13_doelzoeken", fresh(budget), None, cell("bijdrage"), cell(2027), [changed])
    assert is_message(out) and "veel" in out[0][0]


@pytest.mark.parametrize("first, then", [(0, False), (False, 0)])
def test_a_boolean_where_the_number_it_equals_was_is_not_answered_from_the_cache(sample, first, then):
    """0 == False and 1 == True in Python, yet FALSE in an amount cell is refused and 0 is not:
    whichever comes first, the second call gives what a cold call gives (the memo of the table
    functions and the caches behind it both tell them apart)."""
    budget = fresh(sample["Synthese"])
    assert budget[-1][-1] == -8000  # A50111 investment expenses 2031: make it 0, then FALSE (or back)
    expected = {}
    for value in (0, False):
        budget[-1][-1] = value
        cache.clear()
        expected[value is False] = call("w13_reserve", fresh(budget), fresh(sample["Parameters"]))
    assert is_message(expected[True]) and not is_message(expected[False])
    cache.clear()
    for value in (first, then):
        budget[-1][-1] = value
        out = call("w13_reserve", fresh(budget), fresh(sample["Parameters"]))
        assert json.dumps(out) == json.dumps(expected[value is False])
    # and the caches keyed on frozen ranges behind the memo (e.g. another function's parse)
    assert cache.freeze([[0, "x"]]) != cache.freeze([[False, "x"]])
    assert cache.freeze([[1.0, "x"]]) == cache.freeze([[1, "x"]])  # equal numbers stay equal
