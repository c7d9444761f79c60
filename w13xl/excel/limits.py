"""Bounds on the size arguments of the Excel functions and script (one home for them).

A formula or a request can ask for any amount of work: a million Monte Carlo paths, a
thousand scenarios, ranges of millions of cells. The Excel layer refuses beyond these bounds
with a Dutch cell text (``#W13: ...``) before computing anything. The server's operator can
move them (environment variables; docs/server.md):

* ``W13XL_MAX_PATHS``: Monte Carlo paths per W13.KANS call (default 100.000; 10.000 paths, the
  default, take well under a second; the command line ``w13xl simulate`` has no such bound);
* ``W13XL_MAX_SCENARIOS``: scenarios on a Scenario's range or in one script run (default 200);
* ``W13XL_MAX_CELLS``: cells of all range arguments of one call together (default 2.000.000;
  the sample's largest call has about 1.000; a 4.500-line budget with 12 columns 54.000).
"""

from __future__ import annotations

import os

from ..errors import InputError

DEFAULTS = {"W13XL_MAX_PATHS": 100_000, "W13XL_MAX_SCENARIOS": 200, "W13XL_MAX_CELLS": 2_000_000}


def bound(name: str) -> int:
    """The bound ``name`` from the environment (a whole number >= 1), else its default."""
    raw = os.environ.get(name, "").strip().replace(".", "").replace("_", "")
    if raw.isdigit() and int(raw) >= 1:
        return int(raw)
    return DEFAULTS[name]


def thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def check_paths(paths: int) -> int:
    limit = bound("W13XL_MAX_PATHS")
    if paths > limit:
        raise InputError(f"paden: {thousands(paths)} is meer dan de grens van {thousands(limit)} paden per "
                         "berekening", expected=f"hoogstens {thousands(limit)} paden (meer: w13xl simulate op de pc)")
    return paths


def check_scenarios(count: int) -> int:
    limit = bound("W13XL_MAX_SCENARIOS")
    if count > limit:
        raise InputError(f"{thousands(count)} scenario's is meer dan de grens van {thousands(limit)}",
                         expected=f"hoogstens {thousands(limit)} scenario's (meer: w13xl run op de pc)")
    return count


def cells(value: object) -> int:
    """Cells in an argument as it arrives (a 2-D list, a 1-D list or a scalar)."""
    if isinstance(value, (list, tuple)):
        return sum(len(row) if isinstance(row, (list, tuple)) else 1 for row in value)
    return 1


def check_cells(args: tuple) -> None:
    limit = bound("W13XL_MAX_CELLS")
    total = sum(cells(a) for a in args)
    if total > limit:
        raise InputError(f"de bereiken hebben samen {thousands(total)} cellen, meer dan de grens van "
                         f"{thousands(limit)}", expected=f"hoogstens {thousands(limit)} cellen per formule")
