"""Call cost of the W13 custom functions on the Office.js path (xlwings' custom_functions_call).

    uv run python benchmarks/excel_calls.py [--n 2000]

Prints the median cost per call of:
  * a trivial custom function (one scalar in, the same scalar out): the floor of any call;
  * a trivial function taking the same ranges as W13.M2 and returning a constant: the cost of
    shipping the sample plan's ranges through xlwings, before any W13 work;
  * W13.M2 on the sample plan, cached (the same inputs again: what recalculation costs);
  * W13.M2 cold (cache emptied before every call: parse + schema M2 + table);
  * W13.RESERVE/NORMEN cached, W13.INDEXEER and W13.LOONKOST cached;
  * cached W13.RESERVE against the trivial function with the same ranges, interleaved: once with
    the same payload objects every call, once with a payload freshly decoded from JSON before
    every call (as xlwings Server decodes each request; nothing profits from shared objects);
  * the floor of any cache keyed on the values: a function that only compares its ranges with a
    remembered copy, against the same trivial function, both ways;
  * w13xl's own share of a cached W13.RESERVE (core.table alone), both ways.
The targets: cached W13.M2 within 2x a trivial call, cold W13.M2 under 5 ms (issue #4); cached
W13.RESERVE within 1.2x of the trivial function with the same ranges (issue #14).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import statistics
import sys
import time
import types
from pathlib import Path

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import openpyxl  # noqa: E402
import xlwings as xw  # noqa: E402
import xlwings.server  # noqa: E402

from w13xl.excel import cache  # noqa: E402
from w13xl.excel import functions as W13  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "workbooks" / "w13-mjp-2026-2031.xlsx"

trivial_module = types.ModuleType("trivial_functions")


@xw.func
def trivial(x):
    """Returns its argument."""
    return x


@xw.func
@xw.arg("budget", "raw")
@xw.arg("parameters", "raw")
@xw.arg("categorieen", "raw")
@xw.ret("raw")
def trivial_ranges(budget, parameters=None, categorieen=None):
    """Takes the plan's ranges (the same three arguments as W13.RESERVE), returns a constant."""
    return [[1.0]]


_remembered: list = []


@xw.func
@xw.arg("budget", "raw")
@xw.arg("parameters", "raw")
@xw.arg("categorieen", "raw")
@xw.ret("raw")
def compare_ranges(budget, parameters=None, categorieen=None):
    """The floor of any cache keyed on the values: compares its ranges with a copy remembered at
    the first call (its own objects, decoded from JSON), returns a constant."""
    args = [budget, parameters, categorieen]
    if not _remembered:
        _remembered.append(json.loads(json.dumps(args)))
    return [[1.0]] if args == _remembered[0] else [[0.0]]


trivial_module.trivial = trivial
trivial_module.trivial_ranges = trivial_ranges
trivial_module.compare_ranges = compare_ranges


def excel_value(v):
    """As Office.js sends it: dates as serial numbers, empty cells as ""."""
    if isinstance(v, dt.datetime):
        v = v.date()
    if isinstance(v, dt.date):
        return (v - dt.date(1899, 12, 30)).days
    return "" if v is None else v


def sheet_values(wb, name: str) -> list[list]:
    return [[excel_value(v) for v in row] for row in wb[name].iter_rows(values_only=True)]


def payload(func_name: str, *args) -> dict:
    return {"func_name": func_name, "args": list(args),
            "caller_address": "Microsoft Excel Windows[w13-mjp-2026-2031.xlsx]Overzicht!B2",
            "version": xw.__version__, "runtime": "1.4", "client": "Office.js"}


async def measure(module, data: dict, n: int, before=None) -> float:
    """Median seconds per call."""
    times = []
    call = xlwings.server.custom_functions_call
    for _ in range(n):
        if before is not None:
            before()
        t0 = time.perf_counter()
        await call(data, module)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


async def interleaved(module_a, data_a: dict, module_b, data_b: dict, n: int,
                      fresh: bool = False) -> tuple[float, float]:
    """Median seconds per call of two calls measured alternately (the machine's load hits both).

    ``fresh``: each call gets its own copy of the payload decoded from JSON (outside the timed
    part), as xlwings Server decodes every request: no cell object is shared between calls,
    so nothing profits from identical objects (string hashes already computed, ``is`` checks)."""
    call = xlwings.server.custom_functions_call
    text_a, text_b = json.dumps(data_a), json.dumps(data_b)
    ta, tb = [], []
    for _ in range(n):
        if fresh:
            data_a, data_b = json.loads(text_a), json.loads(text_b)
        t0 = time.perf_counter()
        await call(data_a, module_a)
        t1 = time.perf_counter()
        await call(data_b, module_b)
        t2 = time.perf_counter()
        ta.append(t1 - t0)
        tb.append(t2 - t1)
    return statistics.median(ta), statistics.median(tb)


def us(seconds: float) -> str:
    return f"{seconds * 1e6:9.1f} µs"


async def main(n: int) -> int:
    wb = openpyxl.load_workbook(SAMPLE, data_only=True)
    budget, params = sheet_values(wb, "Synthese"), sheet_values(wb, "Parameters")
    pivot, mapping = sheet_values(wb, "Synthese (export)"), sheet_values(wb, "Categorieën")
    print(f"xlwings {xw.__version__}, Python {sys.version.split()[0]}, {n} calls each (median)")
    print(f"sample plan: budget {len(budget)}x{len(budget[0])}, parameters {len(params)}x{len(params[0])}")
    trivial_cost = await measure(trivial_module, payload("trivial", [[1.0]]), n)
    ranges_cost = await measure(trivial_module, payload("trivial_ranges", budget, params, None), n)
    m2 = payload("w13_m2", budget, params, None)
    cached_cost = await measure(W13, m2, n)
    cold_n = max(50, n // 10)
    cold_cost = await measure(W13, m2, cold_n, before=cache.clear)
    pivot_cold = await measure(W13, payload("w13_m2", pivot, params, mapping), cold_n, before=cache.clear)
    extra = [sheet_values(wb, n) for n in ("Parameters", "Personeel", "Weddeschalen", "Subsidies", "Indexering",
                                           "Scenario's")]
    scenario_name = next(r[0] for r in extra[-1] if r and r[0] and r[0] != "Scenario" and " " not in str(r[0]))
    scenario = payload("w13_scenario", budget, [[scenario_name]], [["M2"]], extra)
    for data in (m2, scenario):  # measure real results, not error messages
        result = await xlwings.server.custom_functions_call(data, W13)
        assert result[0][1] == "Schema M2" and len(result) > 20, result
    rows = [
        ("trivial function (scalar in/out)", trivial_cost),
        ("trivial function taking the plan's ranges", ranges_cost),
        ("W13.M2 cached (table layout)", cached_cost),
        ("W13.M2 cold (table layout)", cold_cost),
        ("W13.M2 cold (pivot + category mapping)", pivot_cold),
        ("W13.SCENARIO cached (M2 of a sheet scenario)", await measure(W13, scenario, n)),
        ("W13.SCENARIO cold (baseline + run)", await measure(W13, scenario, max(20, n // 50), before=cache.clear)),
        ("W13.RESERVE cached", await measure(W13, payload("w13_reserve", budget, params, None), n)),
        ("W13.NORMEN cached", await measure(W13, payload("w13_normen", budget, params, None), n)),
        ("W13.INDEXEER cached", await measure(
            W13, payload("w13_indexeer", [[1000.0]], [[2026.0]], [[2031.0]], None, None), n)),
        ("W13.LOONKOST cached", await measure(
            W13, payload("w13_loonkost", [["B1-B3"]], [[5.0]], [[1.0]], [[2027.0]], None), n)),
    ]
    for label, cost in rows:
        print(f"  {label:<45} {us(cost)}")
    reserve_i, ranges_i = await interleaved(W13, payload("w13_reserve", budget, params, None), trivial_module,
                                            payload("trivial_ranges", budget, params, None), n)
    print(f"cached W13.RESERVE / trivial call with the same ranges (interleaved): {reserve_i / ranges_i:.2f}x "
          f"({us(reserve_i).strip()} vs {us(ranges_i).strip()}; target <= 1.2x)")
    reserve_f, ranges_f = await interleaved(W13, payload("w13_reserve", budget, params, None), trivial_module,
                                            payload("trivial_ranges", budget, params, None), n, fresh=True)
    print(f"  the same, interleaved, every call with a freshly JSON-decoded payload (as xlwings Server): "
          f"{reserve_f / ranges_f:.2f}x "
          f"({us(reserve_f).strip()} vs {us(ranges_f).strip()})")
    for fresh in (False, True):
        floor, ranges_c = await interleaved(trivial_module, payload("compare_ranges", budget, params, None),
                                            trivial_module, payload("trivial_ranges", budget, params, None), n,
                                            fresh=fresh)
        print(f"  floor of a cache on the values (only compares the ranges with a remembered copy; interleaved), "
              f"{'fresh payloads' if fresh else 'same payload'}: {floor / ranges_c:.2f}x "
              f"({us(floor).strip()} vs {us(ranges_c).strip()})")
    from w13xl.excel import core

    core.table("reserve", budget, params)
    t0 = time.perf_counter()
    for _ in range(n):
        core.table("reserve", budget, params)
    own = (time.perf_counter() - t0) / n
    text = json.dumps([budget, params])
    copies = [json.loads(text) for _ in range(min(n, 500))]
    t0 = time.perf_counter()
    for b, p in copies:
        core.table("reserve", b, p)
    own_fresh = (time.perf_counter() - t0) / len(copies)
    print(f"  of which w13xl's own work (compare the ranges with the memo, copy the result): "
          f"{us(own).strip()}, {us(own_fresh).strip()} with fresh payloads")
    ratio = cached_cost / trivial_cost
    print(f"cached W13.M2 / trivial call: {ratio:.2f}x (target <= 2x)")
    print(f"cached W13.M2 / trivial call with the same ranges: {cached_cost / ranges_cost:.2f}x")
    print(f"cold W13.M2: {cold_cost * 1e3:.2f} ms (target < 5 ms)")
    print(f"cache: {cache.info()}")
    return 0 if ratio <= 2 and cold_cost < 0.005 else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="calls per measurement")
    sys.exit(asyncio.run(main(parser.parse_args().n)))
