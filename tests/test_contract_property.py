"""Property test of issue 19: the sample workbook mutated the way people and programs change
workbooks (sheet names, header types, hidden rows, percentages). Every mutation ends in one of
three ways, and the test knows which: refused naming the place (sheet, cell), accepted with a
warning that names what was assumed, or the plan's own figures exactly.

Figures (schema M2 of the plan, sample 'Synthese', to the cent; tests/helpers.py):
* GBR 2031 454.275,79 and AFM 2031 -15.569,39;
* without Parameters the opening reserve 404.701,70 is assumed 0: GBR 2031 454.275,79 -
  404.701,70 = 49.574,09 (the AFM does not use the reserve);
* the pivot without Categorieën: every line is exploitatie, so the 2031 IT investment of A50111
  (8.000, plan 3.7 / domain notes) is back in the exploitation balance: AFM 2031 -15.569,39 -
  8.000 = -23.569,39 (the GBR is unchanged: V counts exploitation and investments alike).
"""

from __future__ import annotations

import copy
import datetime as dt
import unicodedata

import pytest
from helpers import PLAN_AFM_2031, PLAN_GBR_2031, SAMPLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from w13xl.errors import InputError
from w13xl.m2 import compute_m2
from w13xl.sheets import cell_name, load_plan_from_grids
from w13xl.workbook import Grids, read_grids

OPENING = 404_701.70
IT_INVESTMENT_2031 = 8_000.0

_GRIDS, _NAMED = None, None


def sample_grids():
    global _GRIDS, _NAMED
    if _GRIDS is None:
        _GRIDS, _NAMED = read_grids(SAMPLE)
    out = Grids({k: copy.deepcopy(v) for k, v in _GRIDS.items()})
    return out, dict(_NAMED)


def renamed(grids: Grids, old: str, new: str) -> Grids:
    out = Grids({(new if k == old else k): v for k, v in grids.items()})
    out.hidden = {(new if k == old else k): v for k, v in grids.hidden.items()}
    return out


ALIASES = {"Parameters": "Parameter", "Categorieën": "Categorieen", "Synthese": "Begroting"}
SHEET_HOW = ("keep", "trailing_space", "upper", "nfd", "alias", "duplicate", "remove")
HEADERS = ("int", "text", "som", "date", "serial", "datetime_time")
RATES = (None, 0.02, "2%", 2, 1, "1%", -1)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layout=st.sampled_from(["table", "pivot"]),
       target=st.sampled_from(["Parameters", "Categorieën", "Synthese"]),
       how=st.sampled_from(SHEET_HOW),
       header=st.sampled_from(HEADERS), header_col=st.integers(0, 5),
       hidden=st.sets(st.integers(0, 200), max_size=3),
       rate=st.sampled_from(RATES))
def test_a_mutated_sample_is_refused_warned_or_exact(layout, target, how, header, header_col, hidden, rate):
    grids, named = sample_grids()
    budget = "Synthese" if layout == "table" else "Synthese (export)"
    refusals: list[tuple[str, ...]] = []   # each: fragments one refusal's message would hold
    warnings: list[tuple[str, ...]] = []   # fragments that must be in some warning
    gbr, afm = PLAN_GBR_2031, PLAN_AFM_2031

    # percentages: the Parameters sheet's 'Standaardindex' (B10) does not enter schema M2
    if rate is not None:
        grids["Parameters"][9][1] = rate
        if rate in (2,):
            refusals.append(("Parameters", "B10", "Standaardindex"))
        elif rate in (1, -1):
            refusals.append(("Parameters", "B10", "dubbelzinnig"))

    # header types of one year column of the budget sheet
    header_row, first_col = (0, 6) if layout == "table" else (2, 1)
    year = 2026 + header_col
    col = first_col + header_col
    value = {"int": year, "text": str(year), "som": f"Som van {year} DT",
             "date": dt.datetime(year, 1, 1), "serial": dt.datetime(1899, 12, 30) + dt.timedelta(days=year),
             "datetime_time": dt.datetime(year, 1, 1, 9, 30)}[header]
    grids[budget][header_row][col] = value
    if header in ("date", "serial"):
        warnings.append((budget, cell_name(header_row, col), f"gelezen als het jaar {year}"))
    elif header == "datetime_time":
        refusals.append((budget, cell_name(header_row, col), "de kop is een datum"))

    # hidden rows of the budget sheet
    grid = grids[budget]
    rows = sorted(r for r in hidden if r < len(grid))
    if rows:
        grids.hidden[budget] = (frozenset(rows), frozenset())
        with_amounts = [r for r in rows if any(isinstance(v, (int, float)) and not isinstance(v, bool) and v != 0
                                               for v in grid[r])]
        if with_amounts:
            warnings.append((budget, "verborgen", str(with_amounts[0] + 1)))

    # sheet names
    actual = {"Parameters": "Parameters", "Categorieën": "Categorieën", "Synthese": "Synthese"}
    needed = {"Parameters": True, "Categorieën": layout == "pivot", "Synthese": layout == "table"}
    if how == "remove" and target == "Synthese":
        how = "keep"  # without it the first sheet with a budget layout is read: another case
    new = {"keep": target, "trailing_space": target + " ", "upper": target.upper(),
           "nfd": unicodedata.normalize("NFD", target), "alias": ALIASES[target]}.get(how)
    if new is not None and new != target:
        grids = renamed(grids, target, new)
        actual[target] = new
    elif how == "duplicate":
        grids[target.upper()] = copy.deepcopy(grids[target])
        if needed[target]:
            refusals.append((f"'{target}'", f"'{target.upper()}'", "twee bladen"))
    elif how == "remove":
        del grids[target]
        if target == "Parameters":
            warnings.append(("geen blad 'Parameters'", "reserve begint bij 0"))
            gbr = PLAN_GBR_2031 - OPENING
            refusals[:] = [r for r in refusals if r[0] != "Parameters"]
        elif layout == "pivot":
            warnings.append(("geen blad 'Categorieën'", "exploitatie"))
            afm = PLAN_AFM_2031 - IT_INVESTMENT_2031
    # refusals name the sheet as it is called now
    refusals = [tuple(actual.get(f, f) for f in r) for r in refusals]
    warnings = [tuple(actual.get(f, f) for f in w) for w in warnings]

    try:
        loaded = load_plan_from_grids(grids, file="mutant.xlsx", sheet=None if layout == "table" else budget,
                                      named=named)
    except InputError as exc:
        text = str(exc)
        assert refusals, f"refused without a reason the test knows: {text}"
        assert any(all(f in text for f in r) for r in refusals), (refusals, text)
        assert text.startswith("mutant.xlsx")
        return
    assert not refusals, f"accepted, expected a refusal naming {refusals}"
    shown = [str(w) for w in loaded.warnings]
    for fragments in warnings:
        assert any(all(f in w for f in fragments) for w in shown), (fragments, shown)
    m2 = compute_m2(loaded.plan, loaded.params)
    assert loaded.plan.years[-1] == 2031
    assert m2.lines["gecumuleerd_budgettair_resultaat"][-1] == pytest.approx(gbr, abs=0.005)
    assert m2.lines["autofinancieringsmarge"][-1] == pytest.approx(afm, abs=0.005)
