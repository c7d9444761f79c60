"""Terminal tables that fit the terminal: amounts are never cut; when the year columns do not fit
side by side, the years are shown in consecutive blocks (the label column wraps first)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich import box
from rich.table import Table

#: A compact table style: a rule under the header, no vertical lines (two spaces between columns).
COMPACT = dict(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, title_justify="left", collapse_padding=True)


def year_blocks(n: int, parts: int) -> list[list[int]]:
    """``n`` year indices in ``parts`` consecutive blocks of (nearly) equal size."""
    size = -(-n // parts)
    return [list(range(i, min(i + size, n))) for i in range(0, n, size)]


def fitted(build: Callable[[Sequence[int]], Table], n_years: int, console) -> list[Table]:
    """Tables from ``build(year_indices)``: all years in one table when it fits the console's
    width, else in as few blocks of years as fit (every amount in full)."""
    width = console.width
    unclamped = console.options.update_width(10_000)  # a table's own minimum, not cut to the console
    tables: list[Table] = []
    for parts in range(1, n_years + 1):
        tables = [build(block) for block in year_blocks(n_years, parts)]
        if all(console.measure(t, options=unclamped).minimum <= width for t in tables):
            break
    return tables


def print_fitted(console, build: Callable[[Sequence[int]], Table], n_years: int) -> None:
    for table in fitted(build, n_years, console):
        console.print(table)
