"""CSV files w13xl writes, in Belgian conventions by default: ``;`` between fields and a decimal
comma (``1234,56``), UTF-8 with a byte-order mark, so that Excel with Belgian settings opens it in
columns with the amounts as numbers. ``style="int"``: ``,`` and a decimal point (other tools)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

STYLES = ("be", "int")
_NUMBER = re.compile(r"-?\d+\.\d+")


def _cell(value: object, style: str) -> object:
    if isinstance(value, float):
        value = repr(value)
    if style == "be" and isinstance(value, str) and _NUMBER.fullmatch(value):
        return value.replace(".", ",")
    return value


def csv_text(rows: Iterable[Sequence[object]], style: str = "be") -> str:
    """The rows as CSV text; numbers written as text with a decimal point ('1234.56', as
    ``f"{v:.2f}"`` makes them) get a decimal comma in the Belgian style."""
    if style not in STYLES:
        raise ValueError(f"onbekende CSV-stijl {style!r} (verwacht: be of int)")
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";" if style == "be" else ",", lineterminator="\n")
    for row in rows:
        writer.writerow([_cell(v, style) for v in row])
    return buf.getvalue()


def write_csv(path: str | Path, rows: Iterable[Sequence[object]], style: str = "be") -> Path:
    """Write the rows safely (temp file + replace)."""
    from .workbook import safe_write

    text = csv_text(rows, style)
    encoding = "utf-8-sig" if style == "be" else "utf-8"
    return safe_write(Path(path), lambda tmp: tmp.write_text(text, encoding=encoding))
