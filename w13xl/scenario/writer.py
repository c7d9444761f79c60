"""Scenario files written by w13xl itself (e.g. ``w13xl onzekerheid --export-paths``): a scenario
as TOML (written by tomli-w) that :func:`w13xl.scenario.spec.load_scenario_file` reads back to
the same changes.

Floats are written with ``repr`` (the shortest text that reads back as the same double), so a
drawn inflation of 0.021374... survives the round trip to the last bit and the file gives the
same figures to the cent as the run it was written from."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import tomli_w
from pydantic import BaseModel

from .spec import BASELINE


def _plain(value: Any) -> Any:
    """A change's value as TOML holds it: table keys as text (years: ``2027 = 0.01``), finite numbers."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"cannot write {value!r} to a scenario file")
    return value


def scenario_toml(title: str, changes: Iterable[BaseModel], *, description: str = "",
                  comments: Sequence[str] = (), extends: str = BASELINE) -> str:
    """The text of a scenario file with these changes (in this order) on ``extends``."""
    # each change's fields as the file gives them: `type` first, defaults and empty fields left out
    fields = [c.model_dump(mode="python", exclude_defaults=True, exclude_none=True) for c in changes]
    doc = {"title": title, **({"description": description} if description else {}), "extends": extends,
           "changes": [_plain({"type": f.pop("type"), **f}) for f in fields]}
    return "".join(f"# {c}\n" for c in comments) + tomli_w.dumps(doc)
