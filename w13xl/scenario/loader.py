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

import dataclasses
import functools
import os
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import InputError, InputWarning
from ..sheets import Grid, SheetContext, is_blank, load_plan_from_grids, parse_number
from ..staffing import StaffParameters, roster_from_rows, scales_from_rows
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
STAFF_PARAMETER_NAMES = {v: k for k, v in STAFF_PARAMETER_LABELS.items()}


def _from_header(grid: Grid, first_header: str) -> tuple[int, list[list[object]]]:
    """Rows from the header row (the first row whose first cell is ``first_header``)."""
    for r, row in enumerate(grid[:30]):
        if row and isinstance(row[0], str) and row[0].strip().lower() == first_header:
            return r, [list(x) for x in grid[r:]]
    return -1, []


#: Words in the loaders' messages -> the (Dutch) column header they are about.
_MESSAGE_COLUMNS = {
    "scale": "schaal", "step": "trap", "fte": "vte", "level": "niveau", "end": "einde", "begin": "start",
    "index class": "indexklasse", "overhead rate": "overhead", "amount": "bedrag", "action": "actie",
    "function": "functie", "funded_by": "financiering", "positions": "posities",
}


def _message_column(text: str, header: list | None) -> int | None:
    """The column of ``header`` a loader's message is about: the header (or its English word in
    the message) that the message mentions first after the row's subject."""
    import re

    if not header:
        return None
    names = {str(h).strip().lower(): c for c, h in enumerate(header) if isinstance(h, str) and h.strip()}
    body = re.sub(r"^(position|subsidy|scale)\s+\S+\s*", "", text)  # not the subject ('position P01')
    best = None
    for word, column in [*((n, n) for n in names), *_MESSAGE_COLUMNS.items()]:
        if column not in names:
            continue
        m = re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", body)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), names[column])
    return best[1] if best else None


def _sheet_error(exc: ValueError, file: str | None, sheet: str, offset: int,
                 header: list | None = None) -> InputError:
    """A loader's ValueError ('row N: ...', N counted from the header row) as an InputError naming
    the sheet, the row and, where the message names a column, the cell."""
    import re

    from ..sheets import cell_name

    row = re.compile(r"\s*\(?\brow (\d+)\)?:?")
    m = row.search(str(exc))
    cell = f"row {int(m.group(1)) + offset}" if m else None
    text = str(exc)
    if m:  # the row goes into the location
        text = (text[m.end():] if m.start() == 0 else text[:m.start()] + ":" + text[m.end():]).strip(" ,")
        column = _message_column(text, header)
        if column is not None:
            cell = cell_name(int(m.group(1)) + offset - 1, column)
    return InputError(text, file=file, sheet=sheet, cell=cell)


def _read_sheet(grids: Mapping[str, Grid], name: str, first_header: str, parse, file: str | None):
    """``parse(rows)`` of a sheet from its header row on; None when the sheet or header is absent.
    A ValueError of the parser becomes an InputError naming the sheet and row."""
    if name not in grids:
        return None
    offset, rows = _from_header(grids[name], first_header)
    if not rows:
        return None
    try:
        return parse(rows)
    except ValueError as exc:
        raise _sheet_error(exc, file, name, offset, list(rows[0])) from None


def _row_cell(grid: Grid, first_header: str, key: str, column: str) -> str | None:
    """The cell (e.g. 'D7') of ``column`` on the row whose first cell is ``key`` (a sheet whose
    header row starts with ``first_header``), for messages; the row alone if the column is absent."""
    from ..sheets import cell_name

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
            return cell_name(r, col) if col is not None else f"row {r + 1}"
    return None


def _roster_cell(grid: Grid, position: str, column: str) -> str | None:
    return _row_cell(grid, "positie", position, column)


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
                    if key not in ("salary_coefficient", "second_pillar_admin", "other_cost_per_head") \
                            and abs(number) > 1:
                        # one rule for percentages (w13xl.sheets.RATE_BOUNDS): a number is a fraction
                        raise ctx.error(f"{v.strip()}: {number:g} is read as {number * 100:g}%, above 100% "
                                        f"(percentages are fractions: {number / 100:g} = {number:g}%, or text "
                                        f"'{number:g}%')", r, c + 1, "a fraction such as 0,32 or '32%'")
                    values[key] = number
    try:
        return dataclasses.replace(StaffParameters(), **values)
    except ValueError as exc:
        raise ctx.error(str(exc), expected="fractions such as 0,32 for 32%") from None


def baseline_from_grids(grids: Mapping[str, Grid], *, file: str | None = None, sheet: str | None = None,
                        u_sign: str = "auto", named: Mapping[str, object] | None = None) -> Baseline:
    loaded = load_plan_from_grids(grids, file=file, sheet=sheet, u_sign=u_sign, named=named)
    positions = _read_sheet(grids, ROSTER_SHEET, "positie", roster_from_rows, file) or ()
    scales = _read_sheet(grids, SCALES_SHEET, "schaal", lambda rows: scales_from_rows(
        [row[:3] for row in rows if not all(is_blank(v) for v in row[:3])]), file)
    staff = (staff_parameters_from_grid(grids[SCALES_SHEET], SheetContext(file, SCALES_SHEET, loaded.warnings))
             if SCALES_SHEET in grids else StaffParameters())
    subsidies = _read_sheet(grids, SUBSIDY_SHEET, "id", subsidies_from_rows, file) or {}
    for s in subsidies.values():
        if s.action not in loaded.plan.actions:
            raise InputError(f"subsidy {s.id} names action '{s.action}', which is not on the budget sheet",
                             file=file, sheet=SUBSIDY_SHEET, cell=_row_cell(grids[SUBSIDY_SHEET], "id", s.id, "actie"),
                             expected="an action of the budget sheet")
    for sid in unsourced(subsidies):  # issue 9: every figure has a source
        loaded.warnings.append(InputWarning(
            f"subsidy {sid} has no funder ('financier') or no source ('verwijzing': plan section or action "
            f"text with dates and amounts, or 'aanname' with the reason)", file=file, sheet=SUBSIDY_SHEET))
    shares = index_shares_from_grid(grids[INDEX_SHEET], file, INDEX_SHEET) if INDEX_SHEET in grids else []
    if scales is not None:
        for p in positions:
            if p.scale not in scales:
                raise InputError(f"position {p.id} has unknown salary scale '{p.scale}'", file=file,
                                 sheet=ROSTER_SHEET, cell=_roster_cell(grids[ROSTER_SHEET], p.id, "schaal"),
                                 expected=f"one of the scales on '{SCALES_SHEET}'")
    baseline = Baseline(plan=loaded.plan, params=loaded.params, positions=tuple(positions), scales=scales,
                        staff_params=staff, subsidies=subsidies, index_shares=shares, file=file,
                        sheet=loaded.sheet, warnings=loaded.warnings)
    from ..calibration import calibration_from_grids  # [uncertainty] calibrate = "realisatie" reads accounts lazily
    baseline.calibrate = functools.partial(calibration_from_grids, grids, loaded.plan, file=file, index_shares=shares)
    return baseline


def load_baseline(path: str | os.PathLike, *, sheet: str | None = None, u_sign: str = "auto") -> Baseline:
    """Read a workbook file (openpyxl) into a Baseline."""
    from ..workbook import read_grids, refuse_uncalculated

    grids, named = read_grids(path)
    refuse_uncalculated(grids, sheet, str(path))
    return baseline_from_grids(grids, file=str(path), sheet=sheet, u_sign=u_sign, named=named)


def workbook_scenarios(grids: Mapping[str, Grid], file: str | None = None):
    """Scenarios defined on the workbook's "Scenario's" sheet (empty if there is none)."""
    from .spec import SCENARIO_SHEET, scenarios_from_grid

    name = next((n for n in grids if n.lower() == SCENARIO_SHEET.lower()), None)
    return scenarios_from_grid(grids[name], file=file, sheet=name) if name else {}


def load_study(path: str | os.PathLike, scenario_args: Sequence[str] = (), *, sheet: str | None = None,
               u_sign: str = "auto", all_if_empty: bool = True):
    """Read a workbook and pick scenarios: each argument is a TOML file, a folder of them, or the
    name of a scenario on the workbook's "Scenario's" sheet. Without arguments: every scenario of
    the sheet (if ``all_if_empty``). Returns (baseline, library, selected scenarios).

    Scenario files in the same folder as a selected file are available to ``extends``."""
    from pathlib import Path

    from ..workbook import read_grids, refuse_uncalculated
    from .spec import ScenarioLibrary, is_voorstel_file, load_scenario_file, scenario_files

    grids, named = read_grids(path)
    refuse_uncalculated(grids, sheet, str(path))
    baseline = baseline_from_grids(grids, file=str(path), sheet=sheet, u_sign=u_sign, named=named)
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
            raise InputError(f"'{arg}' is neither a scenario file nor a scenario on the Scenario's sheet",
                             file=str(path),
                             expected=f"a .toml file or one of: {', '.join(sheet_scenarios) or '(none)'}")
        for f in files:
            s = load_scenario_file(f)
            library.add(s)
            selected.append(s)
    library.search_dirs.extend(sorted(folders))  # so that 'extends' finds sibling files
    if not scenario_args and all_if_empty:
        selected = list(sheet_scenarios.values())
    return baseline, library, selected
