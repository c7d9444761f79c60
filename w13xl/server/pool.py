"""Bounded worker pools for the custom functions, off the event loop, with a time limit.

xlwings Server runs a plain (synchronous) custom function on its event loop: while one
computes, no other request of any user is answered. On the W13 server every function runs in
a worker thread instead (:func:`offload` makes the async adapter xlwings Server awaits):

* ``zwaar`` (W13.KANS, W13.DOELZOEKEN: Monte Carlo and goal seeking): ``W13XL_HEAVY_WORKERS``
  threads (default 1) and at most ``W13XL_HEAVY_QUEUE`` calls waiting (default 4);
* ``licht`` (every other function): ``W13XL_WORKERS`` threads (default 4), queue 64.

A call that finds its pool's queue full is refused at once; a call that has not finished within
``W13XL_TIME_LIMIT`` seconds (default 60, waiting included) answers with a message. A worker
thread cannot be stopped from outside: a timed-out computation finishes in the background and
keeps its worker until then, so the pool never runs more than its workers at once. The size
bounds on the arguments (w13xl.excel.limits) keep any one computation short.

Refusals are cell texts (``#W13: ...``), as for bad input: Excel shows them in the cell.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from ..errors import W13Error

PREFIX = "#W13: "


def _setting(name: str, default: float, low: float, high: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise W13Error(f"{name}={raw}: geen getal") from None
    if not low <= value <= high:
        raise W13Error(f"{name}={raw}: verwacht een getal van {low:g} tot {high:g}")
    return value


class Refused(Exception):
    """A call the pool did not run to the end; ``text`` is the cell text."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


class Pool:
    """``workers`` threads, at most ``queue`` calls waiting, ``time_limit`` seconds per call."""

    def __init__(self, name: str, workers: int, queue: int, time_limit: float):
        self.name, self.workers, self.queue, self.time_limit = name, workers, queue, time_limit
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"w13-{name}")
        self._admitted = 0  # running + waiting (changed on the event loop only)
        self._slots: asyncio.Semaphore | None = None

    def busy_text(self) -> str:
        return (PREFIX + "de server is bezig met andere zware berekeningen; probeer het zo meteen opnieuw "
                f"(verwacht: hoogstens {self.workers + self.queue} tegelijk)")

    def timeout_text(self) -> str:
        return (PREFIX + f"de berekening duurde langer dan {self.time_limit:g} seconden en is afgebroken "
                "(verwacht: minder paden of kleinere bereiken)")

    async def run(self, func: Callable, *args, **kwargs) -> object:
        """``func(*args, **kwargs)`` in the pool; a refusal as a one-cell range."""
        try:
            return await self.submit(func, *args, **kwargs)
        except Refused as exc:
            return [[exc.text]]

    async def submit(self, func: Callable, *args, **kwargs) -> object:
        """``func(*args, **kwargs)`` in the pool; raises :class:`Refused` (queue full, time limit)."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.workers)
        if self._admitted >= self.workers + self.queue:
            raise Refused(self.busy_text())
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.time_limit
        self._admitted += 1
        slots = self._slots
        try:
            await asyncio.wait_for(slots.acquire(), timeout=self.time_limit)
        except TimeoutError:
            self._admitted -= 1
            raise Refused(self.timeout_text()) from None
        future = loop.run_in_executor(self._executor, functools.partial(func, *args, **kwargs))

        def release(_):  # when the thread is really done, not when the caller stops waiting
            slots.release()
            self._admitted -= 1

        future.add_done_callback(release)
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout=max(0.0, deadline - loop.time()))
        except TimeoutError:
            raise Refused(self.timeout_text()) from None


HEAVY = ("w13_kans", "w13_doelzoeken")
_pools: dict[str, Pool] = {}


def pool(name: str) -> Pool:
    """The pool ``zwaar`` or ``licht``, made on first use from the environment."""
    if name not in _pools:
        limit = _setting("W13XL_TIME_LIMIT", 60, 1, 3600)
        if name == "zwaar":
            _pools[name] = Pool(name, int(_setting("W13XL_HEAVY_WORKERS", 1, 1, 64)),
                                int(_setting("W13XL_HEAVY_QUEUE", 4, 0, 1000)), limit)
        else:
            _pools[name] = Pool(name, int(_setting("W13XL_WORKERS", 4, 1, 64)), 64, limit)
    return _pools[name]


def offload(func: Callable) -> Callable:
    """An async adapter of the custom function ``func`` that runs it in its pool. Same name,
    signature and xlwings registration (``__xlfunc__``), so xlwings Server registers and calls
    it as it did ``func``."""
    name = "zwaar" if func.__name__ in HEAVY else "licht"

    @functools.wraps(func)
    async def adapter(*args, **kwargs):
        from ..errors import InputError
        from ..excel.core import error_text
        from ..excel.limits import check_cells

        try:
            check_cells(args)
        except InputError as exc:
            return [[error_text(exc)]]
        return await pool(name).run(func, *args, **kwargs)

    adapter.__signature__ = inspect.signature(func)  # type: ignore[attr-defined]
    return adapter
