"""Workbook files (openpyxl): read sheets as grids, write safely.

The only module besides the writers that touches files. Parsing happens in :mod:`w13xl.sheets`.
"""

from __future__ import annotations

import os
import sys
import tempfile
import warnings as _warnings
import zipfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from .errors import InputError
from .sheets import Grid, LoadedPlan, load_plan_from_grids


def open_workbook(path: str | os.PathLike, *, data_only: bool = True, keep_vba: bool = False):
    """Open a workbook with openpyxl, turning every failure into an :class:`InputError`."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    from .ooxml import check_workbook_path

    name = str(check_workbook_path(path))
    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore")  # openpyxl warns about data validation, etc.
            return openpyxl.load_workbook(name, data_only=data_only, keep_vba=keep_vba)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        kind = "is not a workbook or is corrupt" if isinstance(exc, (zipfile.BadZipFile, KeyError)) else \
            f"could not be read ({type(exc).__name__}: {exc})"
        raise InputError(f"the file {kind}", file=name,
                         expected="an .xlsx or .xlsm file saved by Excel or LibreOffice") from None


def sheet_grid(ws) -> Grid:
    """All cell values of an openpyxl worksheet from A1, as a list of rows."""
    return [list(row) for row in ws.iter_rows(min_row=1, min_col=1, values_only=True)]


class Grids(dict):
    """Sheet name -> grid, as read from a file; ``uncalculated`` lists per sheet the cells that
    hold a formula without a stored (calculated) result, which are empty in the grid."""

    uncalculated: dict[str, list[str]]

    def __init__(self, *args, uncalculated: dict[str, list[str]] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.uncalculated = uncalculated or {}


def read_grids(path: str | os.PathLike, sheets: Iterable[str] | None = None) -> tuple[Grids, dict[str, object]]:
    """Grids of the workbook's worksheets (all, or the named ones if present) and the values of
    its single-cell defined names.

    Values come from python-calamine (the cached results Excel stores for formulas); the package
    itself is read with zipfile for what calamine does not give: the defined names
    (``xl/workbook.xml``) and the formula cells without a stored result (see
    :func:`w13xl.ooxml.uncalculated_cells`). openpyxl is not used for reading."""
    from . import ooxml

    package = ooxml.open_package(path)
    return ooxml.read_grids(package, sheets)


def read_grids_openpyxl(path: str | os.PathLike) -> tuple[dict[str, Grid], dict[str, object]]:
    """The former reader (openpyxl, values only): the reference the calamine reader is tested
    against, and the benchmark's comparison."""
    wb = open_workbook(path)
    try:
        grids = {ws.title: sheet_grid(ws) for ws in wb.worksheets}
        named: dict[str, object] = {}
        for name, defn in wb.defined_names.items():
            try:
                dests = list(defn.destinations)
            except Exception:
                continue
            if len(dests) == 1 and dests[0][0] in wb.sheetnames and ":" not in dests[0][1]:
                named[name] = wb[dests[0][0]][dests[0][1].replace("$", "")].value
        return grids, named
    finally:
        wb.close()


def check_calculated(grids: Mapping[str, Grid], used: Iterable[str], file: str | None) -> None:
    """Refuse a workbook whose formula cells have no stored result in one of the ``used`` sheets:
    those would read as empty (0). w13xl does not evaluate formulas itself; the user opens and
    saves the workbook in Excel (or LibreOffice), which stores every result."""
    missing = getattr(grids, "uncalculated", {}) or {}
    for sheet in used:
        cells = missing.get(sheet)
        if cells:
            shown = ", ".join(cells[:8]) + (f", ... ({len(cells)} cells)" if len(cells) > 8 else "")
            raise InputError(f"formula cells without a calculated result: {shown}; w13xl does not read them as 0 "
                             "and does not calculate them itself (the file was saved by a program that does "
                             "not calculate)", file=file, sheet=sheet,
                             expected="a workbook saved by Excel or LibreOffice: open it there, save it, and run again")


def load_plan(path: str | os.PathLike, *, sheet: str | None = None, u_sign: str = "auto") -> LoadedPlan:
    """Read a plan (budget sheet, category mapping, parameters) from a workbook file."""
    grids, named = read_grids(path)
    refuse_uncalculated(grids, sheet, str(path))
    return load_plan_from_grids(grids, file=str(path), sheet=sheet, u_sign=u_sign, named=named)


def refuse_uncalculated(grids: Mapping[str, Grid], sheet: str | None, file: str) -> None:
    """:func:`check_calculated` on the budget sheet (``sheet`` or the one found) and the
    auxiliary sheets, before anything is parsed."""
    from .sheets import choose_budget_sheet

    if getattr(grids, "uncalculated", None):
        check_calculated(grids, used_sheets(grids, choose_budget_sheet(grids, sheet, file)), file)


def used_sheets(grids: Mapping[str, Grid], budget_sheet: str) -> list[str]:
    """The sheets w13xl reads numbers from: the budget sheet and the known auxiliary sheets."""
    from .sheets import MAPPING_SHEETS, PARAMETER_SHEETS

    known = {n.lower() for n in (*MAPPING_SHEETS, *PARAMETER_SHEETS, *AUXILIARY_SHEETS)}
    return [budget_sheet] + [n for n in grids if n != budget_sheet and n.lower() in known]


#: Sheets of the scenario engine (w13xl.scenario.loader) read besides the plan.
AUXILIARY_SHEETS = ("Personeel", "Weddeschalen", "Subsidies", "Indexering", "Scenario's")


def file_mode(target: Path) -> int:
    """Permissions for a written file: the existing file's, else the default under the umask."""
    if target.exists():
        return target.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


#: Temporary files of a write are named ``NAME.w13xl-tmp-PID-XXXX.ext`` beside the target: visible
#: (no leading dot, which hides nothing on Windows) and recognisable, so that a run removes the
#: ones an interrupted run (killed, power cut) left behind.
TEMP_MARK = ".w13xl-tmp-"
#: On systems where a process id cannot be checked (Windows) a temporary file this old is stale.
STALE_SECONDS = 15 * 60


def _alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # checked by age instead
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temps(target: Path) -> list[Path]:
    """Remove the temporary files an interrupted write of ``target`` left behind (this naming,
    and the ``.NAME.XXXXXXXX.ext`` of earlier versions), when their process is gone. Returns them."""
    import re
    import time

    directory = target.parent if str(target.parent) else Path(".")
    current = re.compile(re.escape(target.stem + TEMP_MARK) + r"(\d+)-[\w]+" + re.escape(target.suffix) + "$")
    legacy = re.compile(r"\." + re.escape(target.stem) + r"\.[a-z0-9_]{8}" + re.escape(target.suffix) + "$")
    removed = []
    try:
        entries = list(directory.iterdir())
    except OSError:
        return []
    for path in entries:
        m = current.match(path.name)
        if not m and not legacy.match(path.name):
            continue
        try:
            old = time.time() - path.stat().st_mtime > STALE_SECONDS
            if (m and int(m.group(1)) != os.getpid() and (not _alive(int(m.group(1))) or old)) or \
                    (not m and old):
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


def safe_write(target: str | os.PathLike, write: Callable[[Path], object], *, backup: bool = False) -> Path:
    """Write a file safely: ``write(tmp_path)`` fills a temporary file next to the target, which
    then atomically replaces it. If anything fails before the replace, the target is untouched.
    With ``backup`` the previous file is kept as ``NAME.bak`` first."""
    target = Path(target)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"the folder '{directory}' does not exist; nothing was written", file=str(target),
                         expected="an existing folder")
    if target.exists() and not os.access(target, os.W_OK):
        raise InputError("the file is read-only; nothing was changed", file=str(target),
                         expected="a writable file")
    lock = directory / f"~${target.name}"
    if lock.exists():
        raise InputError("the file is open in Excel (lock file ~$ present); close it and try again; "
                         "nothing was changed", file=str(target))
    for stale in remove_stale_temps(target):
        sys.stderr.write(f"Opgeruimd: {stale} (tijdelijk bestand van een onderbroken schrijfopdracht)\n")
    fd, tmp_name = tempfile.mkstemp(prefix=f"{target.stem}{TEMP_MARK}{os.getpid()}-", suffix=target.suffix,
                                    dir=directory)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.chmod(tmp, file_mode(target))  # mkstemp makes a private (0600) file
        if backup and target.exists():
            import shutil
            shutil.copy2(target, target.with_name(target.name + ".bak"))
        try:
            os.replace(tmp, target)
        except PermissionError:
            raise InputError("the file is locked (open in another program?); nothing was changed",
                             file=str(target)) from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return target
