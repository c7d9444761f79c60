"""Workbook files (openpyxl): read sheets as grids, write safely.

The only module besides the writers that touches files. Parsing happens in :mod:`w13xl.sheets`.
"""

from __future__ import annotations

import errno
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
        kind = "is geen werkboek of is beschadigd" if isinstance(exc, (zipfile.BadZipFile, KeyError)) else \
            f"kon niet gelezen worden ({type(exc).__name__})"
        raise InputError(f"het bestand {kind}", file=name,
                         expected="een .xlsx- of .xlsm-bestand bewaard door Excel of LibreOffice") from None


class Grids(dict):
    """Sheet name -> grid, as read from a file; ``uncalculated`` lists per sheet the cells that
    hold a formula without a stored (calculated) result, which are empty in the grid."""

    uncalculated: dict[str, list[str]]
    #: Per sheet the hidden rows and columns (0-based), where there are any.
    hidden: dict[str, tuple[frozenset[int], frozenset[int]]]

    def __init__(self, *args, uncalculated: dict[str, list[str]] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.uncalculated = uncalculated or {}
        self.hidden = {}


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


def check_calculated(grids: Mapping[str, Grid], used: Iterable[str], file: str | None) -> None:
    """Refuse a workbook whose formula cells have no stored result in one of the ``used`` sheets:
    those would read as empty (0). w13xl does not evaluate formulas itself; the user opens and
    saves the workbook in Excel (or LibreOffice), which stores every result."""
    missing = getattr(grids, "uncalculated", {}) or {}
    for sheet in used:
        cells = missing.get(sheet)
        if cells:
            shown = ", ".join(cells[:8]) + (f", ... ({len(cells)} cellen)" if len(cells) > 8 else "")
            raise InputError(f"formulecellen zonder berekend resultaat: {shown}; w13xl leest ze niet als 0 "
                             "en rekent ze ook niet zelf uit (het bestand is bewaard door een programma dat niet "
                             "rekent)", file=file, sheet=sheet,
                             expected="een werkboek bewaard door Excel of LibreOffice: open het daar, bewaar het en "
                                      "probeer opnieuw")


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
    from . import contract

    known = {contract.normalise(n) for s in contract.SHEETS if s.key not in ("budget_table", "budget_pivot",
                                                                             "accounts") for n in s.names()}
    return [budget_sheet] + [n for n in grids if n != budget_sheet and contract.normalise(n) in known]


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
    current = re.compile(re.escape(temp_stem(target) + TEMP_MARK) + r"(\d+)-[\w]+" + re.escape(target.suffix) + "$")
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


def _name_max(directory: Path) -> int:
    try:
        return int(os.pathconf(directory, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):
        return 255


def temp_stem(target: Path) -> str:
    """The target's stem as used in its temporary names, shortened (by whole characters) so that
    ``STEM.w13xl-tmp-PID-XXXXXXXX.ext`` stays within the folder's name limit (255 bytes)."""
    directory = target.parent if str(target.parent) else Path(".")
    room = _name_max(directory) - len(f"{TEMP_MARK}{os.getpid():010d}-{'x' * 12}{target.suffix}".encode())
    stem = target.stem
    while len(stem.encode()) > max(room, 1):
        stem = stem[:-1]
    return stem


#: errno -> what the Dutch message says about a failed write.
_WRITE_ERRORS = {
    errno.EROFS: "de map staat op een alleen-lezen schijf",
    errno.ENOSPC: "de schijf is vol",
    errno.EDQUOT: "de schijfruimte (quota) is op",
    errno.ENAMETOOLONG: "de naam is te lang",
    errno.EACCES: "geen toestemming om hier te schrijven",
    errno.EPERM: "geen toestemming om hier te schrijven",
    errno.EISDIR: "dat is een map, geen bestand",
    errno.ENOENT: "de map bestaat niet",
}


def write_error(exc: OSError, target: Path) -> InputError:
    """One Dutch line for a failed write, naming the path; nothing was changed."""
    reason = _WRITE_ERRORS.get(exc.errno or 0) or (exc.strerror or type(exc).__name__)
    if exc.errno == errno.ENAMETOOLONG:
        reason += f" ({len(target.name.encode())} bytes; hoogstens {_name_max(target.parent)})"
    return InputError(f"schrijven mislukt: {reason}; er is niets gewijzigd", file=str(target),
                      expected="een map waarin u mag schrijven, met ruimte, en een kortere naam" if exc.errno ==
                      errno.ENAMETOOLONG else "een map waarin u mag schrijven en met vrije ruimte")


def file_stamp(path: str | os.PathLike) -> tuple[int, int, int, str] | None:
    """(modification time in ns, size, inode, sha256) of a file, None if it does not exist: the
    stamp a write compares just before it replaces the file (changed during the run? refuse)."""
    import hashlib

    p = Path(os.path.realpath(path))
    try:
        st = p.stat()
        digest = hashlib.sha256(p.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise write_error(exc, p) from None
    return st.st_mtime_ns, st.st_size, st.st_ino, digest


def lock_files(target: Path) -> list[Path]:
    """The lock files of a workbook open in Excel (``~$NAME``) or LibreOffice (``.~lock.NAME#``)."""
    directory = target.parent if str(target.parent) else Path(".")
    return [p for p in (directory / f"~${target.name}", directory / f".~lock.{target.name}#") if p.exists()]


def safe_write(target: str | os.PathLike, write: Callable[[Path], object], *, backup: bool = False,
               unchanged: tuple[int, int, int, str] | None = None) -> Path:
    """Write a file safely: ``write(tmp_path)`` fills a temporary file next to the target, which
    then atomically replaces it. If anything fails before the replace, the target is untouched.
    With ``backup`` the previous file is kept as ``NAME.bak`` first.

    A symbolic link is followed: the real file is replaced, the link stays. A file with more than
    one name (a hard link) is refused: replacing it would leave the other names with the old
    content. Excel's and LibreOffice's lock files stop the write. With ``unchanged`` (a
    :func:`file_stamp` taken when the run read the file) the file must still have that stamp just
    before the replace. Every failure is an InputError naming the path."""
    shown = Path(target)
    if len(shown.name.encode()) > _name_max(shown.parent if str(shown.parent) else Path(".")):
        raise write_error(OSError(errno.ENAMETOOLONG, "name too long"), shown)
    try:
        target = Path(os.path.realpath(shown)) if shown.is_symlink() else shown
    except OSError as exc:
        raise write_error(exc, shown) from None
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"de map '{directory}' bestaat niet; er is niets geschreven", file=str(target),
                         expected="een bestaande map")
    if target.exists() and not os.access(target, os.W_OK):
        raise InputError("het bestand is alleen-lezen; er is niets gewijzigd", file=str(target),
                         expected="een beschrijfbaar bestand")
    if target.exists() and target.stat().st_nlink > 1:
        raise InputError(f"het bestand heeft {target.stat().st_nlink} namen (een harde koppeling); w13xl vervangt "
                         "het niet, want de andere namen zouden de oude inhoud houden; er is niets gewijzigd",
                         file=str(target), expected="een gewoon bestand (kopieer het en schrijf in de kopie)")
    for lock in lock_files(target):
        program = "Excel" if lock.name.startswith("~$") else "LibreOffice"
        raise InputError(f"het bestand is open in {program} (slotbestand {lock.name}); sluit het en probeer "
                         "opnieuw; er is niets gewijzigd", file=str(target))
    for stale in remove_stale_temps(target):
        sys.stderr.write(f"Opgeruimd: {stale} (tijdelijk bestand van een onderbroken schrijfopdracht)\n")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f"{temp_stem(target)}{TEMP_MARK}{os.getpid()}-",
                                        suffix=target.suffix, dir=directory)
    except OSError as exc:
        raise write_error(exc, target) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        try:
            write(tmp)
            os.chmod(tmp, file_mode(target))  # mkstemp makes a private (0600) file
            if backup and target.exists():
                import shutil
                shutil.copy2(target, target.with_name(target.name + ".bak"))
        except OSError as exc:
            raise write_error(exc, target) from None
        if unchanged is not None and file_stamp(target) != unchanged:
            raise InputError("het bestand is gewijzigd sinds w13xl het las (opgeslagen tijdens de berekening?); "
                             "w13xl overschrijft die wijziging niet; er is niets gewijzigd", file=str(target),
                             expected="sla het bestand op en voer de opdracht opnieuw uit")
        try:
            os.replace(tmp, target)
        except PermissionError:
            raise InputError("het bestand is vergrendeld (open in een ander programma?); er is niets gewijzigd",
                             file=str(target)) from None
        except OSError as exc:
            raise write_error(exc, target) from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return target
