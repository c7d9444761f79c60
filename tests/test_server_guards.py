"""The W13 server's guards without a server process: the worker pools (time limit, queue),
the byte budget of the caches, the size bounds of the arguments."""

from __future__ import annotations

import asyncio
import time
import tracemalloc

import pytest

from w13xl.errors import InputError
from w13xl.excel import cache, core
from w13xl.excel.limits import check_cells
from w13xl.server.pool import Pool


def test_a_call_over_the_time_limit_answers_with_a_message():
    async def main():
        pool = Pool("test", workers=1, queue=1, time_limit=0.2)
        started = time.monotonic()
        out = await pool.run(time.sleep, 1.0)
        return out, time.monotonic() - started

    out, seconds = asyncio.run(main())
    assert out == [["#W13: de berekening duurde langer dan 0.2 seconden en is afgebroken "
                    "(verwacht: minder paden of kleinere bereiken)"]]
    assert seconds < 0.6


def test_a_full_queue_refuses_at_once_and_the_pool_never_runs_more_than_its_workers():
    running, peak = [0], [0]

    def work(n):
        running[0] += 1
        peak[0] = max(peak[0], running[0])
        time.sleep(0.2)
        running[0] -= 1
        return n

    async def main():
        pool = Pool("test", workers=1, queue=1, time_limit=5)
        # 1 worker + 1 waiting are admitted; the third is refused without waiting
        return await asyncio.gather(pool.run(work, 1), pool.run(work, 2), pool.run(work, 3))

    first, second, third = asyncio.run(main())
    assert (first, second) == (1, 2)
    assert third[0][0].startswith("#W13: de server is bezig met andere zware berekeningen")
    assert peak[0] == 1


def big_budget(tag: int, rows: int = 2_000):
    """A budget range of ``rows`` actions x 6 years, different per ``tag`` (about 1 MB as Python objects)."""
    header = ["Actie", "Categorie", "Richting", 2026, 2027, 2028, 2029, 2030, 2031]
    return [header] + [[f"A{tag}-{i}", "exploitatie", "U", *(float(i + tag + y) for y in range(6))]
                       for i in range(rows)]


def test_the_caches_stay_within_their_byte_budget(monkeypatch):
    """Six calls with different 2.000-line budgets: without a byte bound every one stays in
    memory (each range twice: the memo's copy and the frozen key); with W13XL_CACHE_MB=2 the
    caches hold at most 2 MB and the memory still held after the calls is bounded likewise."""
    monkeypatch.setenv("W13XL_CACHE_MB", "2")
    cache.clear()
    budgets = [big_budget(t) for t in range(6)]
    one = cache.estimate(budgets[0])
    assert one > 0.7 * 1024 * 1024  # the premise: 6 budgets (and their copies) are far more than 2 MB
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for b in budgets:
        out = core.table("reserve", b)
        assert out[0] == ["Jaar", "Gecumuleerd budgettair resultaat"]
        assert cache.bytes_used() <= 2 * 1024 * 1024
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert held < 4 * 1024 * 1024, held / 1024 / 1024  # the budget plus interpreter noise
    cache.clear()
    assert cache.bytes_used() == 0


def test_the_cell_bound(monkeypatch):
    monkeypatch.setenv("W13XL_MAX_CELLS", "1000")
    check_cells(([[1] * 10] * 100,))  # 1.000 cells: allowed
    with pytest.raises(InputError) as err:
        check_cells(([[1] * 10] * 100, [[2]]))
    assert core.error_text(err.value) == ("#W13: de bereiken hebben samen 1.001 cellen, meer dan de grens van 1.000 "
                                          "(verwacht: hoogstens 1.000 cellen per formule)")


def test_a_worker_process_over_the_time_limit_is_ended():
    """The heavy pool computes in processes: a runaway is ended at the time limit (not left
    running), and the pool answers the next call."""
    import os

    async def main():
        pool = Pool("test", workers=1, queue=1, time_limit=120, processes=True)
        first = await pool.run(os.getpid)  # warm: the process exists (its first start imports w13xl)
        pool.time_limit = 0.5
        process = next(iter(pool._executor._processes.values()))
        out = await pool.run(time.sleep, 30)
        await asyncio.sleep(0.5)
        ended = not process.is_alive()
        pool.time_limit = 120
        again = await pool.run(os.getpid)
        return first, out, ended, again

    first, out, ended, again = asyncio.run(main())
    assert isinstance(first, int) and first != os.getpid()  # computed in another process
    assert out[0][0].startswith("#W13: de berekening duurde langer dan 0.5 seconden en is afgebroken")
    assert ended
    assert isinstance(again, int) and again != first  # a fresh worker
