"""Bounded worker pools for the custom functions, off the event loop, with a time limit.

xlwings Server runs a plain (synchronous) custom function on its event loop: while one
computes, no other request of any user is answered. On the W13 server every function runs in
a worker thread instead (:func:`offload` makes the async adapter xlwings Server awaits):

* ``zwaar`` (W13.KANS, W13.DOELZOEKEN: Monte Carlo and goal seeking): ``W13XL_HEAVY_WORKERS``
  worker *processes* (default 1; forked from a forkserver that imported w13xl once) and at most
  ``W13XL_HEAVY_QUEUE`` calls waiting (default 4). A process shares no lock with the server
  (Python's GIL), and one over the time limit is ended and replaced;
* ``script`` ("Scenario's doorrekenen"): the same sizes, in threads (it works on the request's
  workbook object);
* ``licht`` (every other function): ``W13XL_WORKERS`` threads (default 4), queue 64.

A call that finds its pool's queue full is refused at once; a call that has not finished within
``W13XL_TIME_LIMIT`` seconds (default 60, waiting included) answers with a message. A worker
thread cannot be stopped from outside: a timed-out computation in a thread finishes in the
background and keeps its worker until then, so the pool never runs more than its workers at
once. The size bounds on the arguments (w13xl.excel.limits) keep any one computation short.

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


def _child_start() -> None:
    """A heavy worker process: a lower CPU priority than the server (so that on a busy machine
    the server's answers to other requests come first), and the library (for names in W13.KANS /
    W13.DOELZOEKEN) from the same settings as the server."""
    if hasattr(os, "nice"):
        os.nice(10)
    from .. import server
    from ..excel import core
    from ..library import open_library

    url = os.environ.get(server.DATABASE_URL_ENV, "").strip() or None
    data_dir = os.environ.get(server.DATA_DIR_ENV, "").strip() or None
    core.set_library(open_library(data_dir, url) if (url or data_dir) else None)


def _child_call(module: str, name: str, generation: int, args: tuple, kwargs: dict) -> object:
    """Run the custom function ``module.name`` in a worker process, with the server's library
    generation (so cached results keyed on library names stay in step with the server)."""
    import importlib

    from ..excel import core

    if core._library is not None:
        core._library.generation = generation
    return getattr(importlib.import_module(module), name)(*args, **kwargs)


class Pool:
    """``workers`` threads (or processes), at most ``queue`` calls waiting, ``time_limit``
    seconds per call."""

    def __init__(self, name: str, workers: int, queue: int, time_limit: float, *, processes: bool = False):
        self.name, self.workers, self.queue, self.time_limit = name, workers, queue, time_limit
        self.processes = processes
        self._executor = self._new_executor()
        self._admitted = 0  # running + waiting (changed on the event loop only)
        self._slots: asyncio.Semaphore | None = None

    def _new_executor(self):
        if self.processes:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # forkserver: workers fork from a clean process that has imported w13xl once (not from
            # the server with its threads and connections); spawn where there is no fork (Windows)
            if "forkserver" in multiprocessing.get_all_start_methods():
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(["w13xl.excel.functions", "w13xl.library.store", "w13xl.server.pool"])
            else:
                context = multiprocessing.get_context("spawn")
            return ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=_child_start)
        return ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix=f"w13-{self.name}")

    def _stop_runaway(self) -> None:
        """Over the time limit in a worker process: end the processes (their futures fail, which
        frees the slots) and start afresh. Threads cannot be ended; they finish in the background."""
        if not self.processes:
            return
        old, self._executor = self._executor, self._new_executor()
        for process in list(getattr(old, "_processes", {}).values()):
            process.kill()
        old.shutdown(wait=False, cancel_futures=True)

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
        if self.processes:
            from ..excel.core import library_generation

            call = functools.partial(_child_call, func.__module__, func.__name__, library_generation(), args, kwargs)
        else:
            call = functools.partial(func, *args, **kwargs)
        try:
            future = loop.run_in_executor(self._executor, call)
        except Exception:  # a broken process pool: start afresh once
            self._executor = self._new_executor()
            future = loop.run_in_executor(self._executor, call)

        def release(_):  # when the thread is really done, not when the caller stops waiting
            slots.release()
            self._admitted -= 1

        future.add_done_callback(release)
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout=max(0.0, deadline - loop.time()))
        except TimeoutError:
            self._stop_runaway()
            raise Refused(self.timeout_text()) from None
        except Exception as exc:
            from concurrent.futures.process import BrokenProcessPool

            if isinstance(exc, BrokenProcessPool):
                self._executor = self._new_executor()
                raise Refused(PREFIX + "de berekening is afgebroken; probeer het opnieuw") from None
            raise


HEAVY = ("w13_kans", "w13_doelzoeken")
_pools: dict[str, Pool] = {}


def pool(name: str) -> Pool:
    """The pool ``zwaar`` or ``licht``, made on first use from the environment."""
    if name not in _pools:
        limit = _setting("W13XL_TIME_LIMIT", 60, 1, 3600)
        if name in ("zwaar", "script"):
            # W13.KANS and W13.DOELZOEKEN compute in worker processes: no lock shared with the
            # server (Python's GIL), and a runaway is ended at the time limit. The script works on
            # the request's workbook object, so it stays in a thread.
            _pools[name] = Pool(name, int(_setting("W13XL_HEAVY_WORKERS", 1, 1, 64)),
                                int(_setting("W13XL_HEAVY_QUEUE", 4, 0, 1000)), limit, processes=name == "zwaar")
        else:
            _pools[name] = Pool(name, int(_setting("W13XL_WORKERS", 4, 1, 64)), 64, limit)
    return _pools[name]


def warm_up() -> None:
    """Start the heavy pool's worker processes now (at server start), not at the first W13.KANS."""
    from ..excel.functions import w13_indexeer

    executor = pool("zwaar")._executor
    executor.submit(_child_call, w13_indexeer.__module__, w13_indexeer.__name__, 0, (1000, 2026, 2027), {})


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
