"""Build a :class:`Baseline` from a workbook's sheets (grids) or file.

Sheets read besides the budget sheet, category mapping and parameters (see w13xl.sheets):

* ``Personeel``: the roster (positie, functie, niveau, schaal, trap, vte, actie, financiering,
  start, einde[, persoon]);
* ``Weddeschalen``: salary scales (schaal, trap, bedrag_100) and, in the columns to the right, a
  block ``Parameter | Waarde`` with the employer-cost parameters (STAFF_PARAMETER_LABELS);
* ``Subsidies``: the subsidy register (see w13xl.subsidies);
* ``Indexering``: declared index classes per line (Actie, Richting, Klasse, Aandeel, Bron).

Every sheet is optional: without a roster, staffing changes are refused with a clear message.
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import functools
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .. import contract
from ..errors import InputError, InputWarning, RowError
from ..messages import msg
from ..numbers import ambiguous_rate
from ..sheets import (
    Grid,
    SheetContext,
    absent_warning,
    cell_name,
    find_sheet,
    is_blank,
    load_plan_from_grids,
    parse_number,
    warn_hidden,
)
from ..staffing import PERSONNEL_ALIASES, StaffParameters, roster_from_rows, scales_from_rows
from ..subsidies import subsidies_from_rows, unsourced
from .engine import Baseline, index_shares_from_grid

ROSTER_SHEET = "Personeel"
SCALES_SHEET = "Weddeschalen"
SUBSIDY_SHEET = "Subsidies"
INDEX_SHEET = "Indexering"

#: Labels of the employer-cost parameters on the Weddeschalen sheet.
STAFF_PARAMETER_LABELS: dict[str, str] = {
    "salariscoëfficiënt": "salary_coefficient",
    "salariscoefficient": "salary_coefficient",
    "rsz werkgever": "employer_social_security",
    "vakantiegeld": "holiday_pay",
    "eindejaarstoelage": "end_of_year_bonus",
    "tweede pijler": "second_pillar_rate",
    "heffing tweede pijler": "second_pillar_levy",
    "beheerskost tweede pijler": "second_pillar_admin",
    "andere personeelskosten per hoofd": "other_cost_per_head",
    "rsz op vakantiegeld": "social_security_on_holiday_pay",
}
_NOT_RATES = ("salary_coefficient", "second_pillar_admin", "other_cost_per_head")  # a coefficient and amounts


#: First header cells that open a roster (the id or the name, as HR exports name them).
ROSTER_FIRST_HEADERS = frozenset({"positie", "naam", "voornaam"} | {
    alias for alias, column in PERSONNEL_ALIASES.items() if column in ("positie", "naam")})


def _header_word(value: object) -> str:
    return "_".join(str(value).strip().casefold().replace("-", " ").split())


def _from_header(grid: Grid, first_header: str | frozenset[str]) -> tuple[int, list[list[object]]]:
    """Rows from the header row (the first row whose first cell is ``first_header``, or one of them)."""
    words = {first_header} if isinstance(first_header, str) else first_header
    for r, row in enumerate(grid[:30]):
        if row and isinstance(row[0], str) and _header_word(row[0]) in words:
            return r, [list(x) for x in grid[r:]]
    return -1, []


def _sheet_error(exc: RowError, file: str | None, sheet: str, offset: int) -> InputError:
    """A table reader's error (row counted from the header row, column index in the rows) as an
    InputError naming the sheet and the cell (or the row when no column is known)."""
    if exc.row is None:
        return exc.at(file=file, sheet=sheet)
    row = exc.row + offset  # 1-based on the sheet
    cell = cell_name(row - 1, exc.col) if exc.col is not None else None
    return InputError(exc._source_message(), file=file, sheet=sheet, cell=cell, row=row, expected=exc.expected)


def _read_sheet(grids: Mapping[str, Grid], name: str | None, first_header: str | frozenset[str], parse,
                file: str | None):
    """``parse(rows)`` of a sheet from its header row on; None when the sheet or header is absent.
    A ValueError of the parser becomes an InputError naming the sheet and row."""
    if name is None or name not in grids:
        return None
    offset, rows = _from_header(grids[name], first_header)
    if not rows:
        return None
    try:
        return parse(rows)
    except RowError as exc:
        raise _sheet_error(exc, file, name, offset) from None


def _row_cell(grid: Grid, first_header: str | frozenset[str], key: str, column: str) -> str | None:
    """The cell (e.g. 'D7') of ``column`` on the row whose first cell is ``key`` (a sheet whose
    header row starts with ``first_header``), for messages; the row alone if the column is absent."""
    offset, rows = _from_header(grid, first_header)
    if not rows:
        return None
    header = [str(v).strip().lower() if v is not None else "" for v in rows[0]]
    col = header.index(column) if column in header else None
    for r, row in enumerate(rows[1:], start=offset + 1):
        raw = row[0] if row else None
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if raw is not None and str(raw).strip() == key:
            return cell_name(r, col) if col is not None else f"rij {r + 1}"
    return None


def staff_parameters_from_grid(grid: Grid, ctx: SheetContext) -> StaffParameters:
    values: dict[str, Any] = {}  # floats, and one boolean
    for r, row in enumerate(grid):
        for c, v in enumerate(row[:-1]):
            if isinstance(v, str) and v.strip().lower() in STAFF_PARAMETER_LABELS:
                number = parse_number(row[c + 1], ctx, r, c + 1, v.strip())
                if number is not None:
                    key = STAFF_PARAMETER_LABELS[v.strip().lower()]
                    if key == "social_security_on_holiday_pay":
                        values[key] = bool(number)
                        continue
                    if key not in _NOT_RATES and (message := ambiguous_rate(row[c + 1])):
                        raise ctx.error(f"{v.strip()}: {message}", r, c + 1, "een fractie zoals 0,32 of tekst '32%'")
                    if key not in _NOT_RATES and abs(number) > 1:
                        # one rule for percentages (w13xl.sheets.RATE_BOUNDS): a number is a fraction
                        raise ctx.error(msg("rate.above_100", label=v.strip(), number=f"{number:g}",
                                            percent=f"{number * 100:g}", fraction=f"{number / 100:g}"),
                                        r, c + 1, msg("expected.fraction", fraction="0,32", percent="32%"))
                    values[key] = number
    try:
        return dataclasses.replace(StaffParameters(), **values)
    except ValueError as exc:
        raise ctx.error(str(exc), expected="breuken zoals 0,32 voor 32%") from None


def baseline_from_grids(grids: Mapping[str, Grid], *, file: str | None = None, sheet: str | None = None,
                        u_sign: str = "auto", named: Mapping[str, object] | None = None) -> Baseline:
    loaded = load_plan_from_grids(grids, file=file, sheet=sheet, u_sign=u_sign, named=named)
    roster_sheet = find_sheet(grids, contract.ROSTER, file)
    scales_sheet = find_sheet(grids, contract.SCALES, file)
    subsidy_sheet = find_sheet(grids, contract.SUBSIDIES, file)
    index_sheet = find_sheet(grids, contract.INDEXATION, file)
    for name in (roster_sheet, scales_sheet, subsidy_sheet, index_sheet):
        warn_hidden(grids, name, file, loaded.warnings)
    positions = _read_sheet(grids, roster_sheet, ROSTER_FIRST_HEADERS, roster_from_rows, file) or ()
    if roster_sheet is None:
        loaded.warnings.append(absent_warning(contract.ROSTER, file))
    scales = _read_sheet(grids, scales_sheet, "schaal", lambda rows: scales_from_rows(
        [row[:3] for row in rows if not all(is_blank(v) for v in row[:3])]), file)
    staff = (staff_parameters_from_grid(grids[scales_sheet], SheetContext(file, scales_sheet, loaded.warnings))
             if scales_sheet else StaffParameters())
    subsidies = _read_sheet(grids, subsidy_sheet, "id", subsidies_from_rows, file) or {}
    for s in subsidies.values():
        if s.action not in loaded.plan.actions:
            raise InputError(f"subsidie {s.id} verwijst naar actie '{s.action}', die niet op het begrotingsblad staat",
                             file=file, sheet=subsidy_sheet,
                             cell=_row_cell(grids[subsidy_sheet], "id", s.id, "actie") if subsidy_sheet else None,
                             expected="een actie van het begrotingsblad")
    for sid in unsourced(subsidies):  # issue 9: every figure has a source
        loaded.warnings.append(InputWarning(
            f"subsidie {sid} heeft geen financier ('financier') of geen bron ('verwijzing': planonderdeel of "
            f"actietekst met data en bedragen, of 'aanname' met de reden)", file=file, sheet=subsidy_sheet))
    shares = index_shares_from_grid(grids[index_sheet], file, index_sheet) if index_sheet else []
    if scales is not None:
        for p in positions:
            if p.scale not in scales:
                raise InputError(f"positie {p.id} heeft een onbekende weddeschaal '{p.scale}'", file=file,
                                 sheet=roster_sheet, cell=_row_cell(grids[roster_sheet], ROSTER_FIRST_HEADERS, p.id,
                                                                    "schaal") if roster_sheet else None,
                                 expected=f"een van de schalen op '{scales_sheet}'")
    baseline = Baseline(plan=loaded.plan, params=loaded.params, positions=tuple(positions), scales=scales,
                        staff_params=staff, subsidies=subsidies, index_shares=shares, file=file,
                        sheet=loaded.sheet, warnings=loaded.warnings,
                        staff_plan=_staff_plan(grids, loaded.plan, file) if positions else None)
    check = baseline.staff_check()
    gap = None if check is None else check.warning()
    if gap:
        loaded.warnings.append(InputWarning(gap, file=file, sheet=roster_sheet or ROSTER_SHEET))
    from ..calibration import calibration_from_grids  # [uncertainty] calibrate = "realisatie" reads accounts lazily
    baseline.calibrate = functools.partial(calibration_from_grids, grids, loaded.plan, file=file, index_shares=shares)
    return baseline


T2_LINE2 = "2. Bezoldigingen, sociale lasten en pensioenen"


def _staff_plan(grids: Mapping[str, Grid], plan, file: str | None) -> dict | None:
    """Schema T2 line 2 and its parts per year, computed from the workbook's budget lines with
    its mapping 'Economische aard' (None without that sheet or when it cannot be applied; the
    command ``schema T2`` reports why)."""
    from ..schemas import compute_t2, schema_rules_from_grids

    try:
        (economic, where), _ = schema_rules_from_grids(grids, file)
        if where.get("sheet") is None:
            return None
        t2 = compute_t2(plan, economic, **where)
        value = lambda label: np.asarray(t2.value("Exploitatie", label), dtype=float)  # noqa: E731
    except (InputError, ValueError, KeyError):
        return None
    return {"line2": value(T2_LINE2),
            "salaries": value("b. Vast benoemd niet-onderwijzend personeel")
            + value("c. Niet vast benoemd niet-onderwijzend personeel"),
            "other": value("f. Andere personeelskosten"),
            "source": f"schema T2 lijn 2 uit de begroting (blad '{where['sheet']}')"}


def roster_grid(path: str | os.PathLike) -> Grid:
    """The roster of an HR/payroll export given apart from the workbook (``--personeel``): a CSV
    (separator ';', ',' or tab; UTF-8 or Windows-1252) or an .xlsx (its sheet 'Personeel', else its
    first sheet). Columns: docs/personeel.md."""
    p = Path(path)
    if not p.exists():
        raise InputError("personeelsbestand niet gevonden", file=str(p), expected="een .csv- of .xlsx-bestand")
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        from ..workbook import read_grids

        grids, _ = read_grids(p)
        name = next((n for n in grids if n.strip().lower() == ROSTER_SHEET.lower()), next(iter(grids), None))
        if name is None:
            raise InputError("het werkboek heeft geen bladen", file=str(p), expected="een blad met het personeel")
        return grids[name]
    if p.suffix.lower() not in (".csv", ".txt"):
        raise InputError("onbekend bestandstype voor het personeelsbestand", file=str(p),
                         expected="een .csv- of .xlsx-bestand")
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    lines = text.splitlines()
    sample = "\n".join(lines[:5])
    delimiter = max(";,\t", key=sample.count)
    return [list(row) for row in csv.reader(lines, delimiter=delimiter)]


def with_roster(grids, roster: str | os.PathLike | None):
    """``grids`` (a copy of the same kind, its other attributes kept) with the sheet Personeel
    replaced by the roster file, if given."""
    if roster is None:
        return grids
    out = copy.copy(grids)
    out[ROSTER_SHEET] = roster_grid(roster)
    return out


def read_workbook(path: str | os.PathLike, *, sheet: str | None = None, u_sign: str = "auto",
                  roster: str | os.PathLike | None = None) -> tuple[Mapping[str, Grid], Baseline]:
    """A workbook file's sheets (the roster file, if given, as its Personeel sheet) and its Baseline."""
    from ..workbook import read_grids, refuse_uncalculated

    grids, named = read_grids(path)
    refuse_uncalculated(grids, sheet, str(path))
    grids = with_roster(grids, roster)
    return grids, baseline_from_grids(grids, file=str(path) if roster is None else f"{path} + {roster}",
                                      sheet=sheet, u_sign=u_sign, named=named)


def load_baseline(path: str | os.PathLike, *, sheet: str | None = None, u_sign: str = "auto",
                  roster: str | os.PathLike | None = None) -> Baseline:
    """Read a workbook file into a Baseline; ``roster``: an HR export replacing its Personeel sheet."""
    return read_workbook(path, sheet=sheet, u_sign=u_sign, roster=roster)[1]


def workbook_scenarios(grids: Mapping[str, Grid], file: str | None = None):
    """Scenarios defined on the workbook's "Scenario's" sheet (empty if there is none)."""
    from .spec import SCENARIO_SHEET, scenarios_from_grid

    name = find_sheet(grids, (SCENARIO_SHEET, *contract.SCENARIOS.aliases), file)
    return scenarios_from_grid(grids[name], file=file, sheet=name) if name else {}


def load_study(path: str | os.PathLike, scenario_args: Sequence[str] = (), *, sheet: str | None = None,
               u_sign: str = "auto", all_if_empty: bool = True, roster: str | os.PathLike | None = None):
    """Read a workbook and pick scenarios: each argument is a TOML file, a folder of them, or the
    name of a scenario on the workbook's "Scenario's" sheet. Without arguments: every scenario of
    the sheet (if ``all_if_empty``). Returns (baseline, library, selected scenarios).

    Scenario files in the same folder as a selected file are available to ``extends``."""
    from .spec import ScenarioLibrary, is_voorstel_file, load_scenario_file, scenario_files

    grids, baseline = read_workbook(path, sheet=sheet, u_sign=u_sign, roster=roster)
    sheet_scenarios = workbook_scenarios(grids, str(path))
    library = ScenarioLibrary(sheet_scenarios.values())
    selected = []
    folders = set()
    for arg in scenario_args:
        p = Path(arg)
        if p.is_dir():
            files = scenario_files(p)
            folders.add(p)
        elif is_voorstel_file(p):  # scenarios/*.toml also names the voorstel of `w13xl nota`
            continue
        elif p.suffix.lower() == ".toml" or p.exists():
            files = [p]
            folders.add(p.parent)
        elif arg in sheet_scenarios:
            selected.append(sheet_scenarios[arg])
            continue
        else:
            raise InputError(f"'{arg}' is geen scenariobestand en geen scenario op het blad Scenario's",
                             file=str(path),
                             expected=f"een .toml-bestand of een van: {', '.join(sheet_scenarios) or '(geen)'}")
        for f in files:
            s = load_scenario_file(f)
            library.add(s)
            selected.append(s)
    library.search_dirs.extend(sorted(folders))  # so that 'extends' finds sibling files
    if not scenario_args and all_if_empty:
        selected = list(sheet_scenarios.values())
    return baseline, library, selected
