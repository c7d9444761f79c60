"""Turning Excel argument values into hashable grids, and the bounded result cache.

Excel recalculates often and calls a custom function again with the same inputs. Every
function in :mod:`w13xl.excel.core` therefore normalises its arguments into nested tuples
(:func:`freeze`) and looks the result up in a small LRU cache keyed by those tuples, so a
repeated call costs one hash of the input values (computed once per call, see
:class:`FrozenGrid`), not a re-parse and re-computation.

The functions called most (W13.M2, RESERVE, AFM, BBR, NORMEN) put a :class:`ValueMemo` in
front of that: it compares the argument values as they arrive (lists of lists) with the
stored ones in one C-level ``==``, without building tuples or hashing every cell. A cached
call then costs one comparison of the input cells, the floor for a cache on the values.

Pure Python: no xlwings import.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

#: Office.js error values arrive as dicts; the parsers understand Excel's error strings.
_ERROR_STRINGS = {
    "Div0": "#DIV/0!", "NotAvailable": "#N/A", "Name": "#NAME?", "Null": "#NULL!", "Num": "#NUM!",
    "Ref": "#REF!", "Value": "#VALUE!", "Spill": "#SPILL!", "Calc": "#CALC!", "Busy": "#BUSY!",
}

#: A range as a hashable grid of row tuples; Frozen: or None for an omitted argument.
Grid = tuple[tuple[object, ...], ...]
Frozen = Grid | None


class FrozenGrid(tuple):
    """A frozen range: a tuple of row tuples that hashes its cells once. A cached call looks
    its arguments up in one or more LRU caches (nested cached helpers too); each lookup would
    otherwise hash every cell again."""

    def __hash__(self) -> int:
        h = self.__dict__.get("_hash")
        if h is None:
            h = self.__dict__["_hash"] = tuple.__hash__(self)
        return h

    def __eq__(self, other: object) -> bool:
        """Equal cells, and booleans in the same places: ``0 == False`` and ``1 == True``, yet
        a boolean in an amount cell is refused and a 0 is not (so a cached result for the one
        must not answer the other)."""
        equal = tuple.__eq__(self, other)
        if equal is NotImplemented or not equal:
            return equal
        return not isinstance(other, FrozenGrid) or self.booleans() == other.booleans()

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def booleans(self) -> frozenset:
        """Positions (row, column) of the boolean cells (computed once)."""
        found = self.__dict__.get("_booleans")
        if found is None:
            found = self.__dict__["_booleans"] = frozenset(
                (r, c) for r, row in enumerate(self) if True in row or False in row
                for c, v in enumerate(row) if type(v) is bool)
        return found

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
        frozen = FrozenGrid(map(tuple, value)) if isinstance(value[0], (list, tuple)) else FrozenGrid((tuple(value),))
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
        # typed: a scalar argument True is not the number 1 (see FrozenGrid.__eq__ for ranges)
        wrapped = functools.lru_cache(maxsize=maxsize, typed=True)(func)
        _caches.append(wrapped)
        return wrapped  # type: ignore[return-value]

    return decorator


def _bucket_key(head: object, args: tuple) -> tuple:
    """The cheap part of a memo key: ``head`` and the shape of the first argument (rows, and
    columns of its first row; the type of a scalar). Values of different shapes never compare
    equal, so they need not share a bucket; the full comparison decides within a bucket."""
    first = args[0] if args else None
    if type(first) is list:
        return head, len(first), (len(first[0]) if first and type(first[0]) is list else -1)
    return head, type(first)


def _snapshot(value: object) -> object:
    """A copy of an argument that the caller cannot change afterwards (rows copied; cells are
    immutable values, or Office.js error dicts that nothing modifies)."""
    if type(value) is list:
        return [row[:] if type(row) is list else row for row in value]
    return value


_MISSING = object()


def _kind_check(args: tuple) -> Callable[[tuple], bool] | None:
    """A check that argument values equal to ``args`` hold booleans exactly where ``args`` does.

    Equality cannot tell a boolean from the number it equals (``0 == False``, ``1 == True``),
    yet a boolean in an amount cell is refused and a 0 is not, so an entry found by ``==`` must
    also agree on which of its cells equal to 0 or 1 are booleans. The check is generated once
    per entry as straight-line code over those cells (their positions are integers computed
    here), about 15 ns a cell, where a loop over them would cost the memo its point. None when
    no cell equals 0 or 1."""
    lines: list[str] = []
    for a, value in enumerate(args):
        rows = value if type(value) is list else [value]
        for r, row in enumerate(rows):
            cells = row if type(row) is list else [row]
            if not (0 in cells or 1 in cells):  # (a C-level scan with ==: finds 0, 0.0, False, 1, True)
                continue
            tests = [f"x[{c}].__class__ is {'not ' if type(v) is bool else ''}bool" for c, v in enumerate(cells)
                     if type(v) in (int, float, bool) and (v == 0 or v == 1)]
            if tests:
                path = f"args[{a}]" + (f"[{r}]" if type(value) is list else "")
                lines.append(f" x = {path}" if type(row) is list else f" x = [{path}]")
                lines.append(f" if {' or '.join(tests)}: return False")
    if not lines:
        return None
    namespace: dict = {}
    exec("def same_kinds(args):\n" + "\n".join(lines) + "\n return True\n", namespace)
    return namespace["same_kinds"]


class ValueMemo:
    """A bounded LRU memo of results keyed by raw argument values, compared by equality.

    :func:`cached` keys on :func:`freeze`: a tuple per row, then a hash of every cell, then (on
    a hit) a comparison of every cell with the stored key, because a hash alone can collide
    (``hash(-1) == hash(-2)``). This memo skips the first two steps: it buckets entries by a
    cheap key (``head`` and the first argument's shape) and compares the arguments as they arrive
    with each stored copy in one ``==`` (C code; it stops at the first differing cell). Same
    values as the frozen key (``1 == 1.0``, as before); a NaN cell, which is unequal to itself,
    only misses. At most ``maxsize`` entries in all, the least recently used dropped first.
    """

    def __init__(self, name: str, maxsize: int = DEFAULT_MAXSIZE, *, register: bool = True):
        self.name, self.maxsize = name, maxsize
        self._buckets: OrderedDict[tuple, list[tuple[tuple, object, Callable[[tuple], bool] | None]]] = OrderedDict()
        self._size = self.hits = self.misses = 0
        self._lock = threading.Lock()
        if register:  # emptied by clear(), listed by info()
            _memos.append(self)

    def get(self, head: object, args: tuple, default: object = None) -> object:
        """The result stored for ``head`` and argument values equal to ``args``, else ``default``."""
        key = _bucket_key(head, args)
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is not None:
                for i, entry in enumerate(bucket):
                    if entry[0] == args and (entry[2] is None or entry[2](args)):
                        if i:
                            bucket.insert(0, bucket.pop(i))
                        self._buckets.move_to_end(key)
                        self.hits += 1
                        return entry[1]
            self.misses += 1
            return default

    def put(self, head: object, args: tuple, result: object) -> None:
        """Remember ``result`` for ``head`` and (a copy of) the argument values ``args``."""
        key = _bucket_key(head, args)
        entry = (tuple(map(_snapshot, args)), result, _kind_check(args))
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                self._buckets[key] = [entry]
            else:
                self._buckets.move_to_end(key)
                bucket.insert(0, entry)
            self._size += 1
            while self._size > self.maxsize:
                oldest_key, oldest = next(iter(self._buckets.items()))
                oldest.pop()
                self._size -= 1
                if not oldest:
                    del self._buckets[oldest_key]

    def cache_clear(self) -> None:
        with self._lock:
            self._buckets.clear()
            self._size = self.hits = self.misses = 0

    def cache_info(self):
        return functools._CacheInfo(self.hits, self.misses, self.maxsize, self._size)


_memos: list[ValueMemo] = []


def clear() -> None:
    """Forget every cached result."""
    for func in _caches:
        func.cache_clear()  # type: ignore[attr-defined]
    for memo in _memos:
        memo.cache_clear()


def info() -> dict[str, object]:
    """Hits/misses/size per cached function and memo (for the benchmark and for debugging)."""
    found = {f.__wrapped__.__qualname__: f.cache_info() for f in _caches}  # type: ignore[attr-defined]
    found.update((m.name, m.cache_info()) for m in _memos)
    return found
