"""Both readers on every workbook the tests read: each time w13xl reads a workbook file
(python-calamine, w13xl.ooxml.read_grids), the former openpyxl reader reads it too and the grids and
defined-name values must be identical (trailing empty rows and columns aside). Imported by
conftest.py as an autouse fixture; the summary line says how many workbooks were compared."""

from __future__ import annotations

import hashlib
import io

import pytest

from w13xl import ooxml

#: sha256 of the file -> None when identical, else a description of the first difference.
COMPARED: dict[str, str | None] = {}


def _trim(grid) -> list[list]:
    rows = [list(r) for r in grid]
    rows = [r[:max((i + 1 for i, v in enumerate(r) if v is not None), default=0)] for r in rows]
    while rows and not rows[-1]:
        rows.pop()
    return rows


def compare(pkg: ooxml.Package, grids, named) -> str | None:
    import warnings

    import openpyxl

    if pkg.strict:
        return None  # openpyxl does not read Strict Open XML (it finds no sheets)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(pkg.data), data_only=True)
    except Exception:  # noqa: BLE001 - a file only the new reader reads (e.g. Strict Open XML)
        return None
    if len({t.casefold() for t in grids}) < len(grids):
        wb.close()
        return None  # two names differing only in case: openpyxl (like Excel) keeps one of them
    try:
        for title, grid in grids.items():
            theirs = _trim(wb[title].iter_rows(values_only=True))
            ours = _trim(grid)
            if ours != theirs:
                row = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs)))
                return f"{pkg.file} sheet {title!r} row {row + 1}: calamine {ours[row:row + 1]} openpyxl {theirs[row:row + 1]}"
        for name, defn in wb.defined_names.items():
            try:
                dests = list(defn.destinations)
            except Exception:  # noqa: BLE001
                continue
            if len(dests) == 1 and dests[0][0] in grids and ":" not in dests[0][1]:
                value = wb[dests[0][0]][dests[0][1].replace("$", "")].value
                if named.get(name) != value:
                    return f"{pkg.file} defined name {name}: calamine {named.get(name)!r} openpyxl {value!r}"
        return None
    finally:
        wb.close()


@pytest.fixture(autouse=True)
def both_readers(monkeypatch):
    original = ooxml.read_grids

    def checked(pkg, sheets=None):
        grids, named = original(pkg, sheets)
        key = hashlib.sha256(pkg.data).hexdigest() + repr(sorted(sheets) if sheets is not None else None)
        if key not in COMPARED:
            COMPARED[key] = compare(pkg, grids, named)
        assert COMPARED[key] is None, COMPARED[key]
        return grids, named

    monkeypatch.setattr(ooxml, "read_grids", checked)
    yield


def pytest_terminal_summary(terminalreporter):  # pragma: no cover - reporting only
    same = sum(1 for v in COMPARED.values() if v is None)
    terminalreporter.write_line(f"reader check: {len(COMPARED)} workbook reads compared with openpyxl, "
                                f"{same} identical")
