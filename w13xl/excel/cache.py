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
import os
import sys
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


_MISSING = object()

F = TypeVar("F", bound=Callable)

#: How many distinct argument combinations each function remembers (a workbook with a few
#: dozen W13 formulas over the same ranges needs far fewer).
DEFAULT_MAXSIZE = 128
#: All caches together hold at most this many megabytes (estimated: the argument copies or keys
#: and the results, see :func:`estimate`); the least recently used entries go first. A server
#: with many users and large budgets needs this bound more than the entry counts: a few calls
#: with 10 MB ranges would otherwise stay in memory. ``W13XL_CACHE_MB`` overrides it.
DEFAULT_CACHE_MB = 100
CACHE_MB_ENV = "W13XL_CACHE_MB"


def budget_bytes() -> int:
    raw = os.environ.get(CACHE_MB_ENV, "").strip()
    try:
        mb = float(raw) if raw else DEFAULT_CACHE_MB
    except ValueError:
        mb = DEFAULT_CACHE_MB
    return int(max(mb, 0) * 1024 * 1024)


_SCALARS = frozenset({str, int, float, bool, type(None)})


def estimate(obj: object, _seen: set[int] | None = None, _depth: int = 0) -> int:
    """Bytes an object holds, estimated: containers and their items, numpy arrays' buffers,
    objects' attributes (each object counted once). Deep enough for grids and results."""
    seen = set() if _seen is None else _seen
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    if isinstance(obj, FrozenGrid):  # estimated once, like its hash
        known = obj.__dict__.get("_nbytes")
        if known is None:
            known = obj.__dict__["_nbytes"] = estimate(tuple(obj), seen, _depth)
        return known
    size = sys.getsizeof(obj, 64)
    if isinstance(obj, (str, bytes, int, float, bool, type(None))):
        return size
    nbytes = getattr(obj, "nbytes", None)
    if isinstance(nbytes, int):  # numpy array (or a view: the buffer counts all the same)
        return size + nbytes
    if _depth > 12:
        return size
    if isinstance(obj, (tuple, list, set, frozenset)):
        # cells (scalars) in one C-level pass; shared small numbers and strings count each time
        size += sum(map(sys.getsizeof, [x for x in obj if type(x) in _SCALARS]))
        return size + sum(estimate(x, seen, _depth + 1) for x in obj if type(x) not in _SCALARS)
    if isinstance(obj, dict):
        return size + sum(estimate(k, seen, _depth + 1) + estimate(v, seen, _depth + 1) for k, v in obj.items())
    fields = getattr(obj, "__dict__", None)
    if isinstance(fields, dict):
        size += estimate(fields, seen, _depth + 1)
    for slot in getattr(type(obj), "__slots__", ()):
        size += estimate(getattr(obj, slot, None), seen, _depth + 1)
    return size


class _Budget:
    """The bytes held by all caches together, and the containers to evict from."""

    def __init__(self) -> None:
        self.used = 0
        self.lock = threading.Lock()
        self.containers: list = []

    def add(self, n: int) -> None:
        with self.lock:
            self.used += n

    def over(self) -> bool:
        return self.used > budget_bytes()

    def make_room(self, prefer) -> None:
        """Evict least recently used entries, from ``prefer`` first, until the total fits."""
        while self.over():
            if prefer.evict_one():
                continue
            if not any(c.evict_one() for c in self.containers if c is not prefer):
                break


_budget = _Budget()


def bytes_used() -> int:
    """Estimated bytes held by all caches together (at most the budget, :func:`budget_bytes`)."""
    return _budget.used


class _LRU:
    """An LRU of results keyed by argument tuples: at most ``maxsize`` entries, and its bytes
    count against the shared budget."""

    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self.data: OrderedDict[tuple, tuple[object, int]] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0
        _budget.containers.append(self)

    def get(self, key: tuple) -> object:
        with self.lock:
            found = self.data.get(key, _MISSING)
            if found is _MISSING:
                self.misses += 1
                return _MISSING
            self.data.move_to_end(key)
            self.hits += 1
            return found[0]  # type: ignore[index]

    def put(self, key: tuple, value: object) -> None:
        n = estimate(key) + estimate(value)
        if n > budget_bytes():
            return  # larger than all caches together: not remembered
        with self.lock:
            old = self.data.pop(key, None)
            self.data[key] = (value, n)
            freed = (old[1] if old else 0)
            while len(self.data) > self.maxsize:
                freed += self.data.popitem(last=False)[1][1]
        _budget.add(n - freed)
        _budget.make_room(self)

    def evict_one(self) -> bool:
        with self.lock:
            if not self.data:
                return False
            n = self.data.popitem(last=False)[1][1]
        _budget.add(-n)
        return True

    def clear(self) -> None:
        with self.lock:
            n = sum(v[1] for v in self.data.values())
            self.data.clear()
            self.hits = self.misses = 0
        _budget.add(-n)


_caches: list[Callable] = []


def cached(maxsize: int = DEFAULT_MAXSIZE) -> Callable[[F], F]:
    """An LRU cache (like ``functools.lru_cache(typed=True)``) for functions of frozen grids
    and scalars, bounded in entries and, with all other caches, in bytes; registered so that
    :func:`clear` can empty them all (e.g. in tests and benchmarks)."""

    def decorator(func: F) -> F:
        lru = _LRU(maxsize)

        @functools.wraps(func)
        def wrapped(*args):
            # typed: a scalar argument True is not the number 1 (see FrozenGrid.__eq__ for ranges)
            key = (*args, *map(type, args))
            found = lru.get(key)
            if found is not _MISSING:
                return found
            value = func(*args)
            lru.put(key, value)
            return value

        wrapped.cache_clear = lru.clear  # type: ignore[attr-defined]
        wrapped.cache_info = lambda: functools._CacheInfo(  # type: ignore[attr-defined]
            lru.hits, lru.misses, lru.maxsize, len(lru.data))
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
        #: bucket key -> entries (argument copies, result, boolean check, estimated bytes)
        self._buckets: OrderedDict[tuple, list[tuple[tuple, object, Callable[[tuple], bool] | None, int]]] = \
            OrderedDict()
        self._size = self.hits = self.misses = 0
        self._lock = threading.Lock()
        #: a registered memo is emptied by clear(), listed by info() and counted in the shared byte
        #: budget; an unregistered one (a test's) is bounded by its entries only
        self._budget = _budget if register else _Budget()
        if register:
            _memos.append(self)
            _budget.containers.append(self)

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
        snapshot = tuple(map(_snapshot, args))
        n = estimate(snapshot) + estimate(result)
        if n > budget_bytes():
            return  # larger than all caches together: not remembered
        entry = (snapshot, result, _kind_check(args), n)
        freed = 0
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                self._buckets[key] = [entry]
            else:
                self._buckets.move_to_end(key)
                bucket.insert(0, entry)
            self._size += 1
            while self._size > self.maxsize:
                freed += self._pop_oldest()
        self._budget.add(n - freed)
        self._budget.make_room(self)

    def _pop_oldest(self) -> int:
        oldest_key, oldest = next(iter(self._buckets.items()))
        entry = oldest.pop()
        self._size -= 1
        if not oldest:
            del self._buckets[oldest_key]
        return entry[3]

    def evict_one(self) -> bool:
        with self._lock:
            if not self._size:
                return False
            n = self._pop_oldest()
        self._budget.add(-n)
        return True

    def cache_clear(self) -> None:
        with self._lock:
            n = sum(e[3] for bucket in self._buckets.values() for e in bucket)
            self._buckets.clear()
            self._size = self.hits = self.misses = 0
        self._budget.add(-n)

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
