"""w13xl against the same model as a LibreOffice formula workbook, and against a numpy floor.

    uv run python benchmarks/vs_libreoffice.py [--n 1000]

Needs LibreOffice with its Python bridge (Debian/Ubuntu: ``apt-get install libreoffice-calc-nogui
python3-uno``; the bridge runs under the system ``/usr/bin/python3``). Without ``soffice`` or
``uno`` the LibreOffice part is skipped with a message; the rest still runs.

The scenarios: the wage index per year (a random rate for each year after the first, class
``loon``, which moves ``volgt_loon`` with it) and one subsidy stopping on 31 December of a year
before its planned end (policy ``stop``), on the engine's rules (issue 9):

* the index moves each line by its amount exposed to the wage classes x (multiplier / the plan's
  multiplier - 1), per year. The exposure comes from the engine's own rule
  (``line_exposure``: the wage part of a U line is the roster's employer cost of the positions on
  the action, the rest follows the declared classes, by default ``vast``; a subsidy's receipts
  follow the register's class) and is written into the workbook as data, per line and year;
* the stop: in the lost years (after the stop year, up to the planned end) the project's receipts
  go, its U line keeps only its staff cost (``min(staff x index, U)``) and A50111 loses the
  overhead share ``min(rate x staff, U - staff)``; the funded positions end after their statutory
  notice (``notice_months`` / ``staff_after_end``), whose change in staff cost per stop year is
  data in the workbook, at today's wages, multiplied by the scenario's wage index.

The formula workbook, as a finance officer would build it: sheet ``Invoer`` holds the plan's
lines (action, category, direction, amounts, the wage-exposed part per year), the subsidies
(action, planned end, overhead rate, staff cost per year at today's wages), the staff cost change
per subsidy and stop year (with the notice months) and the parameters; sheet ``Scenario's`` one
row per scenario (rates, wage multipliers as a running product, the stopped subsidy's data by
VLOOKUP, the project's indexed U line by SUMIFS, its staff cost and overhead with MIN); sheet
``Reken`` one block of line formulas per scenario (indexed amount, or for the stopped project's
lost years 0 on receipts and the staff cost on U, plus the notice change, plus a row taking off
the overhead); sheet ``Uitkomst`` the M2 lines by SUMIFS, the running reserve and the AFM.
LibreOffice recalculates it (``calculateAll`` over UNO, timed after loading) and the values must
equal w13xl's to the cent; the numpy floor does the same arithmetic and must too (exit 1
otherwise). Then the same N scenarios are timed in w13xl and in plain
numpy, in one run: ``run_scenarios`` (the engine) and the scalar loop (``Engine.run`` one
scenario at a time).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORKBOOK = ROOT / "workbooks" / "w13-mjp-2026-2031.xlsx"
CENT = 0.005
SYSTEM_PYTHON = "/usr/bin/python3"


# -- the scenarios ------------------------------------------------------------------------------------
def eligible_subsidies(baseline) -> list:
    """Subsidies with whole-year windows and roster positions paid the whole of each year (the
    formula model works per year)."""
    years = baseline.years
    out = []
    for s in baseline.subsidies.values():
        if s.start is not None and (s.start.month, s.start.day) != (1, 1):
            continue
        if s.end is not None and ((s.end.month, s.end.day) != (12, 31) or s.end.year <= years[0]):
            continue
        funded = [p for p in baseline.positions if p.funded_by == s.id or p.id in s.positions]
        if not funded or any((p.start is not None and p.start > dt.date(years[0], 1, 1)) or
                             (p.end is not None and (p.end.month, p.end.day) != (12, 31)) for p in funded):
            continue
        if s.amount is not None:
            continue
        out.append(s)
    return out


def make_scenarios(baseline, n: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    years = baseline.years
    subs = eligible_subsidies(baseline)
    out = []
    for i in range(n):
        s = rng.choice(subs)
        last = min(s.end.year if s.end else years[-1], years[-1])
        out.append({"name": f"s{i}", "subsidy": s.id, "stop": rng.randint(years[0], last - 1),
                    "rates": [round(rng.uniform(0.0, 0.05), 4) for _ in years[1:]]})
    return out


def w13xl_scenarios(baseline, specs: list[dict]):
    from w13xl.scenario.spec import scenario_from_dict

    years = baseline.years
    return [scenario_from_dict({"changes": [
        {"type": "index", "classes": ["loon"], "rates": dict(zip(years[1:], sp["rates"]))},
        {"type": "subsidy_end", "subsidy": sp["subsidy"], "date": dt.date(sp["stop"], 12, 31), "policy": "stop"},
    ]}, name=sp["name"]) for sp in specs]


# -- the model's data -----------------------------------------------------------------------------------
def model_data(baseline) -> dict:
    """The plan's data for the formula model, with what the engine's rules give per line and per
    subsidy written out as data (a finance officer would copy these from the roster):

    * per line and year, the amount exposed to the wage index (classes ``loon`` and
      ``volgt_loon``) by the engine's own rule (:func:`w13xl.scenario.engine.line_exposure`: the
      roster's wage part per action on U lines, the register's class on subsidy receipts, declared
      classes, the rest ``vast``);
    * per subsidy and year, the staff cost of its funded positions at today's wages;
    * per subsidy and stop year, the change in that staff cost when the positions end after their
      statutory notice (:func:`notice_months` / :func:`staff_after_end`, the engine's rule)."""
    import types

    from w13xl.model import CATEGORIES
    from w13xl.scenario.engine import notice_months, staff_after_end

    years = baseline.years
    ones = np.ones(len(years))
    lines = []
    for key, amounts in baseline.lines.items():
        exp = baseline.exposure(key).amounts
        wage = np.zeros(len(years)) + exp.get("loon", 0.0) + exp.get("volgt_loon", 0.0)
        lines.append({"action": key.action, "category": CATEGORIES[key.category], "direction": "OU"[key.direction],
                      "wage": [float(v) for v in wage], "amounts": [float(v) for v in amounts]})
    subs = []
    for s in eligible_subsidies(baseline):
        funded = [p for p in baseline.positions if p.funded_by == s.id or p.id in s.positions]
        staff = baseline.roster_cost(funded, ones)
        stops = {}
        for stop in years:
            ch = types.SimpleNamespace(notice_months=None, date=dt.date(stop, 12, 31))
            notices = notice_months(baseline, ch, funded)  # the statutory notice after the stop (default)
            new = staff_after_end(funded, "stop", ch.date, None, notices)
            stops[stop] = {"notice": notices,
                           "delta": [float(v) for v in baseline.roster_cost(new, ones) - staff]}
        subs.append({"id": s.id, "action": s.action, "end": s.end.year if s.end else 9999,
                     "overhead": float(s.overhead_rate), "staff": [float(v) for v in staff], "stops": stops})
    p = baseline.params
    net = p.per_year("repayments", years) - p.per_year("recoveries", years)
    return {"years": list(years), "lines": lines, "subsidies": subs, "opening": float(p.opening_reserve),
            "net_repayments": [float(v) for v in net],
            "base_wage": [float(v) for v in baseline.base_mult["loon"]]}


# -- the formula workbook -------------------------------------------------------------------------------
def col(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)


def build_workbook(path: Path, data: dict, specs: list[dict]) -> None:
    from openpyxl import Workbook

    years = data["years"]
    ny = len(years)
    L = len(data["lines"])
    wb = Workbook()
    out = wb.active
    out.title = "Uitkomst"
    inv = wb.create_sheet("Invoer")
    sc = wb.create_sheet("Scenario's")
    rk = wb.create_sheet("Reken")
    # Invoer: lines in rows 2..L+1 (A actie, B categorie, C richting, E.. bedragen, then the part
    # of each amount exposed to the wage index, per year: the engine's line_exposure rule as data)
    w0 = 5 + ny  # first wage-exposure column
    inv.append(["Actie", "Categorie", "Richting", None, *years, *[f"loonbasis {y}" for y in years]])
    for ln in data["lines"]:
        inv.append([ln["action"], ln["category"], ln["direction"], None, *ln["amounts"], *ln["wage"]])
    base_row = L + 3
    inv.cell(base_row, 1, "Loonindex van het plan")
    for j, v in enumerate(data["base_wage"]):
        inv.cell(base_row, 5 + j, v)
    par_row = base_row + 2
    inv.cell(par_row, 1, "GBR vorig boekjaar")
    inv.cell(par_row, 5, data["opening"])
    inv.cell(par_row + 1, 1, "Netto periodieke aflossingen")
    for j, v in enumerate(data["net_repayments"]):
        inv.cell(par_row + 1, 5 + j, v)
    sub_row = par_row + 3  # subsidies: A id, B actie, C einde, D overhead, E.. personeelskost
    inv.cell(sub_row, 1, "Subsidie")
    for k, s in enumerate(data["subsidies"]):
        r = sub_row + 1 + k
        inv.cell(r, 1, s["id"])
        inv.cell(r, 2, s["action"])
        inv.cell(r, 3, s["end"])
        inv.cell(r, 4, s["overhead"])
        for j, v in enumerate(s["staff"]):
            inv.cell(r, 5 + j, v)
    sub_range = f"Invoer!$A${sub_row + 1}:${col(4 + ny)}${sub_row + len(data['subsidies'])}"
    # stop table: A "subsidie|stopjaar", B opzeg (maanden per positie), E.. change in staff cost
    stop_row = sub_row + len(data["subsidies"]) + 2
    inv.cell(stop_row, 1, "Subsidie|stopjaar")
    inv.cell(stop_row, 2, "Opzeg (wettelijk, maanden)")
    r = stop_row
    for s in data["subsidies"]:
        for year, st in s["stops"].items():
            r += 1
            inv.cell(r, 1, f"{s['id']}|{year}")
            inv.cell(r, 2, ", ".join(f"{k} {v}" for k, v in st["notice"].items()))
            for j, v in enumerate(st["delta"]):
                inv.cell(r, 5 + j, v)
    stop_range = f"Invoer!$A${stop_row + 1}:${col(4 + ny)}${r}"
    lines_a = f"Invoer!$A$2:$A${L + 1}"
    lines_b = f"Invoer!$B$2:$B${L + 1}"
    lines_c = f"Invoer!$C$2:$C${L + 1}"
    # Scenario's: A naam, B subsidie, C stopjaar, D.. tarieven (jaar 2..), then multipliers, lookups,
    # the project's indexed U line, its staff cost and overhead per year
    m0 = 4 + (ny - 1)  # first multiplier column
    a0 = m0 + ny  # Actie, Einde, Overhead, then blocks of ny columns:
    st0, d0, u0, e0, o0 = a0 + 3, a0 + 3 + ny, a0 + 3 + 2 * ny, a0 + 3 + 3 * ny, a0 + 3 + 4 * ny
    sc.append(["Scenario", "Subsidie", "Stopjaar", *[f"tarief {y}" for y in years[1:]],
               *[f"loonindex {y}" for y in years], "Actie", "Einde", "Overhead",
               *[f"personeel {y}" for y in years], *[f"personeel na opzeg {y}" for y in years],
               *[f"U project {y}" for y in years], *[f"personeel project {y}" for y in years],
               *[f"overhead {y}" for y in years]])
    for k, sp in enumerate(specs):
        r = k + 2
        sc.append([sp["name"], sp["subsidy"], sp["stop"], *sp["rates"]])
        sc.cell(r, m0, 1.0)
        for j in range(1, ny):
            sc.cell(r, m0 + j, f"={col(m0 + j - 1)}{r}*(1+{col(3 + j)}{r})")
        sc.cell(r, a0, f"=VLOOKUP($B{r},{sub_range},2,0)")
        sc.cell(r, a0 + 1, f"=VLOOKUP($B{r},{sub_range},3,0)")
        sc.cell(r, a0 + 2, f"=VLOOKUP($B{r},{sub_range},4,0)")
        for j in range(ny):
            m = f"{col(m0 + j)}{r}"
            sc.cell(r, st0 + j, f"=VLOOKUP($B{r},{sub_range},{5 + j},0)")
            sc.cell(r, d0 + j, f'=VLOOKUP($B{r}&"|"&$C{r},{stop_range},{5 + j},0)')
            crit = f'{lines_a},${col(a0)}{r},{lines_b},"exploitatie",{lines_c},"U"'
            amt = f"Invoer!{col(5 + j)}$2:{col(5 + j)}${L + 1}"
            wge = f"Invoer!{col(w0 + j)}$2:{col(w0 + j)}${L + 1}"
            sc.cell(r, u0 + j, f"=SUMIFS({amt},{crit})+SUMIFS({wge},{crit})*({m}/Invoer!{col(5 + j)}${base_row}-1)")
            sc.cell(r, e0 + j, f"=MIN({col(st0 + j)}{r}*{m},{col(u0 + j)}{r})")
            sc.cell(r, o0 + j, f"=MIN(${col(a0 + 2)}{r}*{col(e0 + j)}{r},{col(u0 + j)}{r}-{col(e0 + j)}{r})")
    # Reken: per scenario L + 1 rows: A categorie, B richting, C.. bedragen
    for k in range(len(specs)):
        s_r = k + 2
        first = k * (L + 1) + 1
        for i in range(L):
            r = first + i
            ir = i + 2
            rk.cell(r, 1, data["lines"][i]["category"])
            rk.cell(r, 2, data["lines"][i]["direction"])
            on = f"AND(Invoer!$A{ir}='Scenario''s'!${col(a0)}${s_r},Invoer!$B{ir}=\"exploitatie\")"
            for j, y in enumerate(years):
                m = f"'Scenario''s'!{col(m0 + j)}{s_r}"
                lost = f"AND({y}>'Scenario''s'!$C${s_r},{y}<='Scenario''s'!${col(a0 + 1)}${s_r})"
                indexed = f"Invoer!{col(5 + j)}{ir}+Invoer!{col(w0 + j)}{ir}*({m}/Invoer!{col(5 + j)}${base_row}-1)"
                staff = f"'Scenario''s'!{col(e0 + j)}{s_r}"
                notice = f"'Scenario''s'!{col(d0 + j)}{s_r}*{m}"
                rk.cell(r, 3 + j, f"=IF(AND({on},{lost}),IF(Invoer!$C{ir}=\"O\",0,{staff}),{indexed})"
                                  f"+IF(AND({on},Invoer!$C{ir}=\"U\"),{notice},0)")
        r = first + L  # the overhead A50111 loses on the stopped project's staff
        rk.cell(r, 1, "exploitatie")
        rk.cell(r, 2, "O")
        for j, y in enumerate(years):
            lost = f"AND({y}>'Scenario''s'!$C${s_r},{y}<='Scenario''s'!${col(a0 + 1)}${s_r})"
            rk.cell(r, 3 + j, f"=-IF({lost},'Scenario''s'!{col(o0 + j)}{s_r},0)")
    # Uitkomst: ES, reserve, AFM per year
    out.append(["Scenario", *[f"ES {y}" for y in years], *[f"reserve {y}" for y in years],
                *[f"AFM {y}" for y in years], *[f"V {y}" for y in years]])
    for k in range(len(specs)):
        r = k + 2
        first, last = k * (L + 1) + 1, k * (L + 1) + L + 1
        cat, dirn = f"Reken!$A${first}:$A${last}", f"Reken!$B${first}:$B${last}"
        out.cell(r, 1, specs[k]["name"])
        for j in range(ny):
            amt = f"Reken!{col(3 + j)}${first}:{col(3 + j)}${last}"
            es = f'SUMIFS({amt},{cat},"exploitatie",{dirn},"O")-SUMIFS({amt},{cat},"exploitatie",{dirn},"U")'
            out.cell(r, 2 + j, "=" + es)
            out.cell(r, 2 + 3 * ny + j, f'=SUMIFS({amt},{dirn},"O")-SUMIFS({amt},{dirn},"U")')
            prev = f"Invoer!$E${par_row}" if j == 0 else f"{col(2 + ny + j - 1)}{r}"
            out.cell(r, 2 + ny + j, f"={prev}+{col(2 + 3 * ny + j)}{r}")
            out.cell(r, 2 + 2 * ny + j, f"={col(2 + j)}{r}-Invoer!{col(5 + j)}${par_row + 1}")
    wb.save(path)


UNO_SCRIPT = r"""
import json, subprocess, sys, time
import uno
from com.sun.star.beans import PropertyValue
path, profile, pipe, cells, repeat = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
proc = subprocess.Popen(["soffice", "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
                         "-env:UserInstallation=" + uno.systemPathToFileUrl(profile),
                         "--accept=pipe,name=%s;urp;" % pipe], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(300):
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except Exception:
            time.sleep(0.2)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    t = time.perf_counter()
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0,
                                       (PropertyValue(Name="Hidden", Value=True),))
    load = time.perf_counter() - t
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        doc.calculateAll()
        times.append(time.perf_counter() - t)
    data = doc.Sheets.getByName("Uitkomst").getCellRangeByName(cells).getDataArray()
    doc.close(True)
    try:
        desktop.terminate()
    except Exception:
        pass
    print(json.dumps({"load": load, "times": times, "data": [list(r) for r in data]}))
finally:
    try:
        proc.wait(timeout=20)
    except Exception:
        proc.kill()
"""


def libreoffice_available() -> str | None:
    """None if LibreOffice over UNO can run, else why not."""
    if shutil.which("soffice") is None:
        return "soffice not found (apt-get install libreoffice-calc-nogui python3-uno)"
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} not found (the UNO bridge runs under the system Python)"
    ok = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0
    return None if ok else "the Python-UNO bridge is missing (apt-get install python3-uno)"


def run_libreoffice(path: Path, n: int, ny: int, repeat: int = 3) -> dict:
    with tempfile.TemporaryDirectory() as profile:
        cells = f"A2:{col(1 + 4 * ny)}{n + 1}"
        out = subprocess.run([SYSTEM_PYTHON, "-c", UNO_SCRIPT, str(path), profile, f"w13xl_bench_{os.getpid()}",
                              cells, str(repeat)], capture_output=True, text=True, timeout=1800)
        if out.returncode != 0:
            raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "UNO run failed")
        return json.loads(out.stdout.strip().splitlines()[-1])


# -- numpy floor ----------------------------------------------------------------------------------------
def numpy_floor(data: dict, specs: list[dict]) -> dict[str, np.ndarray]:
    """The same arithmetic as the formula model, for all scenarios at once, in plain numpy."""
    years = np.array(data["years"])
    lines = data["lines"]
    amounts = np.array([ln["amounts"] for ln in lines])  # (L, Y)
    wage = np.array([ln["wage"] for ln in lines])  # (L, Y) exposed to the wage index
    expl = np.array([ln["category"] == "exploitatie" for ln in lines])
    cat = np.array([("exploitatie", "investeringen", "financiering").index(ln["category"]) for ln in lines])
    dirn = np.array([0 if ln["direction"] == "O" else 1 for ln in lines])
    actions = np.array([ln["action"] for ln in lines])
    subs = {s["id"]: s for s in data["subsidies"]}
    rates = np.array([sp["rates"] for sp in specs])
    mult = np.cumprod(np.concatenate([np.ones((len(specs), 1)), 1.0 + rates], axis=1), axis=1)  # (N, Y)
    sub_action = np.array([subs[sp["subsidy"]]["action"] for sp in specs])
    stop = np.array([sp["stop"] for sp in specs])
    end = np.array([subs[sp["subsidy"]]["end"] for sp in specs])
    lost = (years[None, :] > stop[:, None]) & (years[None, :] <= end[:, None])  # (N, Y)
    on = (actions[None, :] == sub_action[:, None]) & expl[None, :]  # (N, L): the project's lines
    scen = amounts[None] + wage[None] * (mult / np.array(data["base_wage"]) - 1.0)[:, None, :]  # (N, L, Y)
    u_line = (scen * (on & (dirn == 1)[None, :])[:, :, None]).sum(axis=1)  # (N, Y) the project's U
    staff = np.minimum(np.array([subs[sp["subsidy"]]["staff"] for sp in specs]) * mult, u_line)
    overhead = np.minimum(np.array([subs[sp["subsidy"]]["overhead"] for sp in specs])[:, None] * staff,
                          u_line - staff) * lost
    # in the lost years the receipts go and the U line keeps only the staff; the staff leave after notice
    cut = on[:, :, None] & lost[:, None, :]
    scen = np.where(cut & (dirn == 0)[None, :, None], 0.0, scen)
    scen = np.where(cut & (dirn == 1)[None, :, None], staff[:, None, :], scen)
    delta = np.array([subs[sp["subsidy"]]["stops"][sp["stop"]]["delta"] for sp in specs]) * mult
    scen = scen + (on & (dirn == 1)[None, :])[:, :, None] * delta[:, None, :]
    sel = np.zeros((3, 2, len(lines)))
    sel[cat, dirn, np.arange(len(lines))] = 1.0
    t = np.einsum("cdl,nly->ncdy", sel, scen)
    t[:, 0, 0] -= overhead
    es = t[:, 0, 0] - t[:, 0, 1]
    v = (t[:, :, 0] - t[:, :, 1]).sum(axis=1)
    reserve = data["opening"] + np.cumsum(v, axis=1)
    return {"es": es, "reserve": reserve, "afm": es - np.array(data["net_repayments"])}


def best(func, repeat: int = 5) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = func()
        times.append(time.perf_counter() - t)
    return min(times), out


def compare(n: int = 1000, lo_repeat: int = 3, quiet: bool = False) -> dict:
    from w13xl.scenario import run_scenarios
    from w13xl.scenario.engine import Engine
    from w13xl.scenario.loader import load_study

    say = (lambda *a: None) if quiet else print
    baseline = load_study(WORKBOOK, [])[0]
    years = baseline.years
    ny = len(years)
    specs = make_scenarios(baseline, n)
    scenarios = w13xl_scenarios(baseline, specs)
    data = model_data(baseline)
    res: dict = {"n": n}
    # w13xl: run_scenarios, its first call in this process and the best of two more; the scalar
    # loop (Engine(baseline).run one scenario at a time, what users did before issue 20)
    t = time.perf_counter()
    result = run_scenarios(baseline, scenarios)
    res["engine_first"] = time.perf_counter() - t
    res["engine"], result = best(lambda: run_scenarios(baseline, scenarios), 2)
    scalar = Engine(baseline)
    res["scalar_loop"], runs = best(lambda: [scalar.run(s) for s in scenarios], 1)
    res["floor"], floor = best(lambda: numpy_floor(data, specs), 5)
    ours = {"es": result.lines["exploitatiesaldo"], "reserve": result.lines["gecumuleerd_budgettair_resultaat"],
            "afm": result.lines["autofinancieringsmarge"]}
    worst_scalar = max(float(np.max(np.abs(run.m2[k] - result.lines[k][i]))) for i, run in enumerate(runs)
                       for k in ("exploitatiesaldo", "gecumuleerd_budgettair_resultaat", "autofinancieringsmarge"))
    worst_floor = max(float(np.max(np.abs(floor[k] - ours[k]))) for k in ours)
    res["diff_scalar"], res["diff_floor"] = worst_scalar, worst_floor
    say(f"{n} scenarios (wage index per year + a subsidy stop) on {len(baseline.lines)} lines x {ny} years")
    say(f"  w13xl run_scenarios          {1000 * res['engine']:9.1f} ms  ({1e6 * res['engine'] / n:.1f} µs each; "
        f"best of 2 after a first call of {1000 * res['engine_first']:.1f} ms)")
    say(f"  w13xl scalar loop            {1000 * res['scalar_loop']:9.1f} ms  ({1e3 * res['scalar_loop'] / n:.2f} ms "
        f"each: Engine.run one at a time); largest difference with run_scenarios {worst_scalar:.2e} euro")
    say(f"  numpy floor                  {1000 * res['floor']:9.1f} ms  ({1e6 * res['floor'] / n:.1f} µs each); "
        f"largest difference {worst_floor:.2e} euro")
    why = libreoffice_available()
    if why is not None:
        say(f"  LibreOffice: skipped ({why})")
        res["libreoffice"] = None
        return res
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "w13-formulemodel.xlsx"
        t = time.perf_counter()
        build_workbook(path, data, specs)
        build = time.perf_counter() - t
        size = path.stat().st_size
        lo = run_libreoffice(path, n, ny, lo_repeat)
    values = np.array(lo["data"], dtype=object)[:, 1:].astype(float)
    got = {"es": values[:, :ny], "reserve": values[:, ny:2 * ny], "afm": values[:, 2 * ny:3 * ny]}
    worst_lo = max(float(np.max(np.abs(got[k] - ours[k]))) for k in ours)
    res["libreoffice"] = min(lo["times"])
    res["diff_libreoffice"] = worst_lo
    res["lo_load"] = lo["load"]
    say(f"  LibreOffice calculateAll     {1000 * res['libreoffice']:9.1f} ms  ({1e3 * res['libreoffice'] / n:.2f} ms each; "
        f"best of {lo_repeat}; loading the {size / 1e6:.1f} MB workbook {lo['load']:.1f} s, "
        f"writing it {build:.1f} s)")
    verdict = "equal to the cent" if worst_lo <= CENT else "DIFFERENT"
    say(f"  LibreOffice's values vs w13xl: largest difference {worst_lo:.2e} euro: {verdict}")
    say(f"  ratio LibreOffice / w13xl run_scenarios: {res['libreoffice'] / res['engine']:.0f}x; "
        f"w13xl run_scenarios / numpy floor: {res['engine'] / res['floor']:.1f}x")
    return res


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="number of scenarios")
    args = parser.parse_args()
    res = compare(args.n)
    ok = res["diff_scalar"] <= CENT and res["diff_floor"] <= CENT and \
        (res["libreoffice"] is None or res["diff_libreoffice"] <= CENT)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
