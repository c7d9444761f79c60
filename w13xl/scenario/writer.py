"""Scenario files written by w13xl itself (e.g. ``w13xl onzekerheid --export-paths``): a scenario
as TOML that :func:`w13xl.scenario.spec.load_scenario_file` reads back to the same changes.

Floats are written with ``repr`` (the shortest text that reads back as the same double), so a
drawn inflation of 0.021374... survives the round trip to the last bit and the file gives the
same figures to the cent as the run it was written from."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from .spec import BASELINE

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: object) -> str:
    text = str(key)
    return text if _BARE_KEY.match(text) else json.dumps(text, ensure_ascii=False)


def toml_value(value: Any) -> str:
    """One TOML value: string, bool, int, float (repr), date, list or inline table."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value!r} to a scenario file")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string (same escapes)
    if isinstance(value, dt.datetime):
        raise ValueError("a scenario holds dates, not date-times")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {toml_value(v)}" for k, v in value.items() if v is not None) + " }"
    if isinstance(value, Sequence):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise ValueError(f"cannot write {type(value).__name__} to a scenario file")


def change_fields(change: BaseModel) -> dict[str, Any]:
    """A change's fields as the file gives them: ``type`` first, defaults and empty fields left out."""
    data = change.model_dump(mode="python", exclude_defaults=True, exclude_none=True)
    return {"type": data.pop("type"), **data}


def scenario_toml(title: str, changes: Iterable[BaseModel], *, description: str = "",
                  comments: Sequence[str] = (), extends: str = BASELINE) -> str:
    """The text of a scenario file with these changes (in this order) on ``extends``."""
    lines = [f"# {c}" for c in comments]
    lines.append(f"title = {toml_value(title)}")
    if description:
        lines.append(f"description = {toml_value(description)}")
    lines.append(f"extends = {toml_value(extends)}")
    for change in changes:
        lines += ["", "[[changes]]"]
        lines += [f"{_key(k)} = {toml_value(v)}" for k, v in change_fields(change).items()]
    return "\n".join(lines) + "\n"
