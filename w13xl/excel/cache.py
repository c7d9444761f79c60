"""Turning Excel argument values into hashable grids, and the bounded result cache.

Excel recalculates often and calls a custom function again with the same inputs. Every
function in :mod:`w13xl.excel.core` therefore normalises its arguments into nested tuples
(:func:`freeze`) and looks the result up in a small LRU cache keyed by those tuples, so a
repeated call costs one hash of the input values (computed once per call, see
:class:`FrozenGrid`), not a re-parse and re-computation.

Pure Python: no xlwings import.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

#: Office.js error values arrive as dicts; the parsers understand Excel's error strings.
_ERROR_STRINGS = {
    "Div0": "#DIV/0!", "NotAvailable": "#N/A", "Name": "#NAME?", "Null": "#NULL!", "Num": "#NUM!",
    "Ref": "#REF!", "Value": "#VALUE!", "Spill": "#SPILL!", "Calc": "#CALC!", "Busy": "#BUSY!",
}

Frozen = tuple[tuple[object, ...], ...] | None


class FrozenGrid(tuple):
    """A frozen range: a tuple of row tuples that hashes its cells once. A cached call looks
    its arguments up in one or more LRU caches (nested cached helpers too); each lookup would
    otherwise hash every cell again."""

    def __hash__(self) -> int:
        h = self.__dict__.get("_hash")
        if h is None:
            h = self.__dict__["_hash"] = tuple.__hash__(self)
        return h

    def __reduce__(self):  # pickles (and copies) as a plain tuple of rows
        return (FrozenGrid, (tuple(self),))


def _clean(value: object) -> object:
    """A cell value as the parsers expect it: Office.js error dicts become Excel error strings,
    other dicts (data types) their basic value; Pyodide's JsNull becomes None."""
    if isinstance(value, dict):
        if value.get("type") == "Error":
            return value.get("basicValue") or _ERROR_STRINGS.get(str(value.get("errorType")), "#VALUE!")
        return value.get("basicValue")
    if type(value).__name__ == "JsNull":
        return None
    return value


def freeze(value: object) -> Frozen:
    """An argument as a hashable grid (tuple of row tuples), whatever shape it arrives in.

    ``None`` (omitted argument) stays ``None``; a scalar becomes a 1x1 grid; a 1-D list (one
    row, as xlwings hands over a single-row range) becomes one row; a 2-D list its rows.
    """
    if value is None:
        return None
    if isinstance(value, FrozenGrid):
        return value
    if isinstance(value, (list, tuple)):
        if not value:
            return ()
        if isinstance(value[0], (list, tuple)):
            frozen = FrozenGrid(map(tuple, value))
        else:
            frozen = FrozenGrid((tuple(value),))
    else:
        frozen = FrozenGrid(((value,),))
    try:
        hash(frozen)  # computed once here, reused by every cache lookup
    except TypeError:  # an error value (dict) or another unhashable cell value: clean it
        frozen = FrozenGrid(tuple(_clean(v) for v in row) for row in frozen)
        hash(frozen)
    return frozen


def scalar(value: object) -> object:
    """The single value of a 1x1 argument (``[[x]]``, ``[x]`` or ``x``); blanks become None."""
    while isinstance(value, (list, tuple)):
        if len(value) != 1:
            return value
        value = value[0]
    value = _clean(value)
    if isinstance(value, str) and value.strip() == "":
        return None
    return value


def is_empty(grid: Frozen) -> bool:
    """True for an omitted argument or a range with only empty cells."""
    if grid is None:
        return True
    return all(v is None or (isinstance(v, str) and not v.strip()) for row in grid for v in row)


F = TypeVar("F", bound=Callable)

#: How many distinct argument combinations each function remembers (a workbook with a few
#: dozen W13 formulas over the same ranges needs far fewer).
DEFAULT_MAXSIZE = 128

_caches: list[Callable] = []


def cached(maxsize: int = DEFAULT_MAXSIZE) -> Callable[[F], F]:
    """``functools.lru_cache`` for functions of frozen grids and scalars, registered so that
    :func:`clear` can empty them all (e.g. in tests and benchmarks)."""

    def decorator(func: F) -> F:
        wrapped = functools.lru_cache(maxsize=maxsize)(func)
        _caches.append(wrapped)
        return wrapped  # type: ignore[return-value]

    return decorator


def clear() -> None:
    """Forget every cached result."""
    for func in _caches:
        func.cache_clear()  # type: ignore[attr-defined]


def info() -> dict[str, object]:
    """Hits/misses/size per cached function (for the benchmark and for debugging)."""
    return {f.__wrapped__.__qualname__: f.cache_info() for f in _caches}  # type: ignore[attr-defined]
