"""The members (deelgenoten) and the key that splits the member contribution among them (pure).

Sheet ``Deelgenoten``: a header row with ``Deelgenoot``, ``Sleutel`` (a share, 0-1, the shares
adding up to 1) and ``Bron van de sleutel`` (statutes art. 9, inhabitants, ... or "aanname");
an ``Inwoners`` column may sit beside them. Rows above the header (a note) are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .errors import InputError
from .sheets import Grid

SHEET = "Deelgenoten"
#: How far the shares may add up away from 1 (a key typed with 4-6 decimals).
SUM_TOLERANCE = 0.0005
_HEADERS = {"deelgenoot": "name", "sleutel": "share", "bron van de sleutel": "source", "bron": "source"}


@dataclass(frozen=True)
class Member:
    name: str
    share: float  # fraction of the member contribution
    source: str


def _col(index: int) -> str:
    text = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        text = chr(65 + rem) + text
    return text


def read_members(grid: Grid, *, file: str | None = None, sheet: str = SHEET) -> list[Member]:
    """The members on the sheet; refuses a missing column, a share that is not a number between 0
    and 1, or shares that do not add up to 1."""
    header_row = None
    cols: dict[str, int] = {}
    for r, row in enumerate(grid):
        found = {_HEADERS[str(v).strip().lower()]: c for c, v in enumerate(row)
                 if isinstance(v, str) and str(v).strip().lower() in _HEADERS}
        if "name" in found and "share" in found:
            header_row, cols = r, found
            break
    if header_row is None:
        raise InputError("geen kopregel met 'Deelgenoot' en 'Sleutel'", file=file, sheet=sheet,
                         expected="een rij met de kolommen Deelgenoot, Sleutel, Bron van de sleutel")
    members: list[Member] = []
    for r in range(header_row + 1, len(grid)):
        row = grid[r]
        name = row[cols["name"]] if cols["name"] < len(row) else None
        if name is None or str(name).strip() == "":
            continue
        cell = f"{_col(cols['share'])}{r + 1}"
        share = row[cols["share"]] if cols["share"] < len(row) else None
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= float(share) <= 1:
            raise InputError(f"sleutel van '{name}' is {share!r}", file=file, sheet=sheet, cell=cell,
                             expected="een aandeel tussen 0 en 1, bv. 0,2442")
        source = row[cols["source"]] if "source" in cols and cols["source"] < len(row) else None
        members.append(Member(str(name).strip(), float(share), "" if source is None else str(source).strip()))
    if not members:
        raise InputError("geen deelgenoten onder de kopregel", file=file, sheet=sheet,
                         expected="één rij per deelgenoot")
    total = sum(m.share for m in members)
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise InputError(f"de sleutels tellen op tot {total:.4f}".replace(".", ","), file=file, sheet=sheet,
                         cell=f"{_col(cols['share'])}{header_row + 2}", expected="samen 1 (100%)")
    return members


def split(amount: float, members: Sequence[Member]) -> list[float]:
    """``amount`` split by the key (unrounded)."""
    return [amount * m.share for m in members]
