"""Workbook files (openpyxl): read sheets as grids, write safely.

The only module besides the writers that touches files. Parsing happens in :mod:`w13xl.sheets`.
"""

from __future__ import annotations

import os
import tempfile
import warnings as _warnings
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import InputError
from .sheets import Grid, LoadedPlan, load_plan_from_grids

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")


def open_workbook(path: str | os.PathLike, *, data_only: bool = True, keep_vba: bool = False):
    """Open a workbook with openpyxl, turning every failure into an :class:`InputError`."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    name = str(path)
    if not path.exists():
        raise InputError("file not found", file=name, expected="the path of an .xlsx or .xlsm workbook")
    if path.is_dir():
        raise InputError("this is a folder, not a workbook", file=name, expected="an .xlsx or .xlsm file")
    if path.suffix.lower() == ".xls":
        raise InputError("old .xls workbooks cannot be read", file=name,
                         expected="an .xlsx or .xlsm file (in Excel: Save As > Excel Workbook)")
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise InputError(f"'{path.suffix}' is not a workbook extension", file=name,
                         expected="an .xlsx or .xlsm file")
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
    """All cell values of a worksheet from A1, as a list of rows."""
    return [list(row) for row in ws.iter_rows(min_row=1, min_col=1, values_only=True)]


def read_grids(path: str | os.PathLike, sheets: Iterable[str] | None = None) -> tuple[dict[str, Grid], dict[str, object]]:
    """Grids of the workbook's worksheets (all, or the named ones if present) and the values of
    its single-cell defined names."""
    wb = open_workbook(path)
    try:
        wanted = set(sheets) if sheets is not None else None
        grids = {ws.title: sheet_grid(ws) for ws in wb.worksheets if wanted is None or ws.title in wanted}
        return grids, defined_name_values(wb)
    finally:
        wb.close()


def defined_name_values(wb) -> dict[str, object]:
    """Values of workbook-level defined names that point at one cell (e.g. a named parameter)."""
    out: dict[str, object] = {}
    for name, defn in wb.defined_names.items():
        try:
            dests = list(defn.destinations)
        except Exception:  # noqa: BLE001 - formulas and external refs have no destinations
            continue
        if len(dests) != 1:
            continue
        title, ref = dests[0]
        if title not in wb.sheetnames or ":" in ref:
            continue
        value = wb[title][ref.replace("$", "")].value
        out[name] = value
    return out


def load_plan(path: str | os.PathLike, *, sheet: str | None = None, u_sign: str = "auto") -> LoadedPlan:
    """Read a plan (budget sheet, category mapping, parameters) from a workbook file."""
    grids, named = read_grids(path)
    return load_plan_from_grids(grids, file=str(path), sheet=sheet, u_sign=u_sign, named=named)


def file_mode(target: Path) -> int:
    """Permissions for a written file: the existing file's, else the default under the umask."""
    if target.exists():
        return target.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def safe_write(target: str | os.PathLike, write: Callable[[Path], None], *, backup: bool = False) -> Path:
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
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=directory)
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
