"""The budget model: budget lines per action, category and direction, amounts per year.

Pure core: numpy only. Amounts are euros as float64 read to the cent; no rounding happens
here (sums of cent amounts of this size stay exact far below a cent). Internally every amount is
a *magnitude*: a receipt (O) of 5,750 and an expenditure (U) of 21,000 are stored as 5750.0 and
21000.0; the direction says which is which. Readers translate the sheet's sign convention.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import NamedTuple

import numpy as np

CATEGORIES: tuple[str, ...] = ("exploitatie", "investeringen", "financiering")
DIRECTIONS: tuple[str, ...] = ("O", "U")
EXPLOITATIE, INVESTERINGEN, FINANCIERING = 0, 1, 2
O, U = 0, 1  # noqa: E741 - the BBC's own letters: O(ntvangsten), U(itgaven), as DIRECTIONS

#: Beleidsdoelstellingen of W13, keyed by the first digit of the action code (A1.... -> 1).
BELEIDSDOELSTELLINGEN: dict[str, str] = {
    "1": "Dienstverlening",
    "2": "Lerend netwerk",
    "3": "Regionaal beleid",
    "4": "Netwerkanker",
    "5": "Organisatie",
}

_CATEGORY_ALIASES = {
    "exploitatie": 0, "e": 0, "expl": 0, "exploitatiebudget": 0,
    "investeringen": 1, "investering": 1, "i": 1, "inv": 1, "investeringsbudget": 1,
    "financiering": 2, "f": 2, "fin": 2, "liquiditeitenbudget": 2,
}
_DIRECTION_ALIASES = {
    "o": 0, "ontvangst": 0, "ontvangsten": 0, "ontv": 0,
    "u": 1, "uitgave": 1, "uitgaven": 1, "uitg": 1,
}


def parse_category(text: object) -> int | None:
    """Category index for a label such as 'Exploitatie', 'I' or 'financiering'; None if unknown."""
    return _CATEGORY_ALIASES.get(str(text).strip().lower())


def parse_direction(text: object) -> int | None:
    """Direction index (0 = O, 1 = U) for 'O', 'U', 'Ontvangsten', 'uitgaven'; None if unknown."""
    return _DIRECTION_ALIASES.get(str(text).strip().lower())


@dataclass(frozen=True)
class Action:
    """An action (actie) of the plan with its place in the policy structure."""

    code: str
    name: str = ""
    beleidsdoelstelling: str = ""
    actieplan: str = ""

    @classmethod
    def from_code(cls, code: str, name: str = "") -> Action:
        """Metadata derived from W13's coding: A10101 -> actieplan AP101, Dienstverlening."""
        digits = code[1:]
        return cls(
            code=code,
            name=name,
            beleidsdoelstelling=BELEIDSDOELSTELLINGEN.get(digits[:1], ""),
            actieplan=f"AP{digits[:3]}" if len(digits) >= 3 else "",
        )


class LineKey(NamedTuple):
    """(action, category, direction): a tuple, so hashing it is cheap in the engine's loops."""

    action: str
    category: int
    direction: int

    def __str__(self) -> str:
        return f"{self.action} {CATEGORIES[self.category]} {DIRECTIONS[self.direction]}"


def check_years(years: Iterable[int]) -> tuple[int, ...]:
    years = tuple(int(y) for y in years)
    if not years:
        raise ValueError("een plan heeft minstens één jaar nodig")
    if any(b - a != 1 for a, b in pairwise(years)):
        raise ValueError(f"de jaren moeten opeenvolgend zijn (gegeven: {list(years)})")
    return years


@dataclass(frozen=True, eq=False)
class Plan:
    """Budget lines keyed by (action, category, direction) with one amount per year.

    ``amounts`` has shape (lines, years); all magnitudes (see module doc).
    """

    years: tuple[int, ...]
    keys: tuple[LineKey, ...]
    amounts: np.ndarray
    actions: Mapping[str, Action] = field(default_factory=dict)
    #: category and direction per line, derived from ``keys`` by __post_init__
    categories: np.ndarray = field(init=False, repr=False)
    directions: np.ndarray = field(init=False, repr=False)
    _index: dict[LineKey, int] = field(init=False, repr=False)  # line -> row of ``amounts``

    def __post_init__(self) -> None:
        object.__setattr__(self, "years", check_years(self.years))
        amounts = np.asarray(self.amounts, dtype=np.float64).reshape(len(self.keys), len(self.years))
        amounts.flags.writeable = False
        object.__setattr__(self, "amounts", amounts)
        if len(set(self.keys)) != len(self.keys):
            dup = next(k for i, k in enumerate(self.keys) if k in self.keys[:i])
            raise ValueError(f"dubbele begrotingslijn {dup}")
        actions = dict(self.actions)
        for key in self.keys:
            if key.action not in actions:
                actions[key.action] = Action.from_code(key.action)
        object.__setattr__(self, "actions", actions)
        index = {k: i for i, k in enumerate(self.keys)}
        object.__setattr__(self, "_index", index)
        cats = np.array([k.category for k in self.keys], dtype=np.int8)
        dirs = np.array([k.direction for k in self.keys], dtype=np.int8)
        object.__setattr__(self, "categories", cats)
        object.__setattr__(self, "directions", dirs)

    # -- construction -------------------------------------------------------------------
    @classmethod
    def from_lines(
        cls,
        years: Iterable[int],
        lines: Iterable[tuple[str, int, int, Iterable[float]]],
        actions: Mapping[str, Action] | None = None,
    ) -> Plan:
        """Build from (action, category, direction, amounts) tuples (magnitudes)."""
        years = check_years(years)
        keys, rows = [], []
        for action, category, direction, amounts in lines:
            keys.append(LineKey(action, int(category), int(direction)))
            rows.append(np.asarray(list(amounts), dtype=np.float64))
        arr = np.vstack(rows) if rows else np.zeros((0, len(years)))
        return cls(years=years, keys=tuple(keys), amounts=arr, actions=actions or {})

    # -- access -------------------------------------------------------------------------
    @property
    def n_years(self) -> int:
        return len(self.years)

    def year_index(self, year: int) -> int:
        try:
            return self.years.index(int(year))
        except ValueError:
            raise ValueError(f"jaar {year} valt buiten het plan ({self.years[0]}-{self.years[-1]})") from None

    def has_line(self, action: str, category: int, direction: int) -> bool:
        return LineKey(action, category, direction) in self._index

    def line(self, action: str, category: int = EXPLOITATIE, direction: int = O) -> np.ndarray:
        """Amounts of one line (zeros if the plan has no such line)."""
        i = self._index.get(LineKey(action, category, direction))
        return np.zeros(self.n_years) if i is None else self.amounts[i]

    def action_lines(self, action: str, direction: int | None = None) -> np.ndarray:
        """Sum over categories of an action's lines (optionally one direction)."""
        mask = np.array([k.action == action and (direction is None or k.direction == direction)
                         for k in self.keys], dtype=bool)
        from .numbers import exact_sum

        return np.asarray(exact_sum(self.amounts[mask], axis=0)) if mask.any() else np.zeros(self.n_years)

    def totals(self) -> np.ndarray:
        """Totals per category and direction: shape (3, 2, years)."""
        return category_totals(self.categories, self.directions, self.amounts)

    # -- changes (return new plans) ------------------------------------------------------
    def with_amounts(self, amounts: np.ndarray) -> Plan:
        return Plan(years=self.years, keys=self.keys, amounts=amounts, actions=self.actions)

    def add(self, action: str, category: int, direction: int, delta: np.ndarray) -> Plan:
        """A new plan with ``delta`` (per year, magnitude) added to one line (created if absent)."""
        delta = np.asarray(delta, dtype=np.float64)
        key = LineKey(action, category, direction)
        i = self._index.get(key)
        if i is None:
            return Plan(years=self.years, keys=(*self.keys, key),
                        amounts=np.vstack([self.amounts, delta[None, :]]), actions=self.actions)
        amounts = self.amounts.copy()
        amounts[i] += delta
        return self.with_amounts(amounts)


def category_totals(categories: np.ndarray, directions: np.ndarray, amounts: np.ndarray) -> np.ndarray:
    """Sum lines into (..., 3 categories, 2 directions, years); ``amounts`` may carry batch axes
    in front of the (lines, years) axes."""
    selector = np.zeros((3, 2, len(categories)))
    selector[categories, directions, np.arange(len(categories))] = 1.0
    return np.einsum("cdl,...ly->...cdy", selector, amounts)
