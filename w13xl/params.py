"""Plan parameters that are not budget lines: opening reserve, debt, minimum reserve, ...

Pure core. Per-year values are mappings {year: amount}; a year that is not given counts as 0.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class ParamSpec:
    """How a parameter appears on the ``Parameters`` sheet."""

    id: str
    label: str
    yearly: bool
    aliases: tuple[str, ...] = ()
    help: str = ""
    text: bool = False  # a word (e.g. the kind of bestuur), not an amount


PARAM_SPECS: tuple[ParamSpec, ...] = (
    ParamSpec("bestuur", "Soort bestuur", False,
              ("soort bestuur", "type bestuur", "bestuur", "kind of bestuur"),
              "Kind of bestuur: gemeente, OCMW, OCMW-vereniging (welzijnsvereniging) or AGB. It decides "
              "which checks on schema M2 are statutory norms (w13xl.m2.check_rules; docs/normen.md).",
              text=True),
    ParamSpec("opening_reserve", "Gecumuleerd budgettair resultaat vorig boekjaar", False,
              ("gbr vorig boekjaar", "gbrvbj", "gbr_vorig_boekjaar", "opening reserve", "reserve 31/12"),
              "Reserve at 31/12 of the year before the first plan year (M2 line VI of the first year)."),
    ParamSpec("minimum_reserve", "Minimumreserve", False,
              ("sociaal passief", "minimum reserve", "minimumreserve (bedrag)"),
              "Minimum reserve as an amount (W13: the sociaal passief, 211,211.09)."),
    ParamSpec("minimum_reserve_pct", "Minimumreserve (% jaarloonkost)", False,
              ("minimum reserve pct", "minimumreserve %", "sociaal passief %"),
              "Minimum reserve as a fraction of the annual wage cost (0.10 = 10%)."),
    ParamSpec("designated_repayment_rate", "Aangewezen aflossingen (% financiële schulden)", False,
              ("aangewezen aflossingen %", "designated repayment rate"),
              "Rate for the designated repayments of the corrected AFM (BBC: 8%)."),
    ParamSpec("unavailable", "Onbeschikbare gelden", True, ("onbeschikbare gelden (viii)",),
              "M2 line VIII per year."),
    ParamSpec("repayments", "Periodieke aflossingen", True,
              ("periodieke aflossingen conform de verbintenissen", "aflossingen"),
              "Periodic loan repayments per year (AFM)."),
    ParamSpec("recoveries", "Periodieke terugvorderingen", True,
              ("periodieke terugvordering leningen", "terugvorderingen"),
              "Periodic recoveries of loans granted, per year (AFM)."),
    ParamSpec("outstanding_debt", "Financiële schulden op 1 januari", True,
              ("financiële schulden", "uitstaande schuld", "outstanding debt"),
              "Outstanding financial debt on 1 January of each year (corrected AFM)."),
    ParamSpec("wage_cost", "Jaarloonkost", True, ("totale jaarloonkost", "loonkost"),
              "Total annual wage cost per year (for a minimum reserve given as %)."),
    ParamSpec("contribution", "Bijdrage lokale besturen", True,
              ("bijdrage deelgenoten", "basisbijdrage", "member contribution"),
              "Member contribution per year as budgeted (receipt on the overhead action A50111)."),
    ParamSpec("contribution_cpi_share", "Bijdrage lokale besturen: CPI-gekoppeld deel", False,
              ("cpi-gekoppeld deel bijdrage", "contribution cpi share"),
              "Share of the member contribution that follows the CPI (plan 3.3: the basisbijdrage, "
              "from 1 January 2027); the rest is not indexed. Default 100%."),
    ParamSpec("inhabitants", "Inwoners", False, ("aantal inwoners", "inhabitants"),
              "Inhabitants of the member municipalities (for a contribution per inhabitant)."),
    ParamSpec("index_rate", "Standaardindex", False, ("standaard index", "index", "index rate"),
              "The plan's flat yearly index assumption (the budget package uses 2%)."),
)


def normalise_label(text: str) -> str:
    return " ".join(str(text).replace("_", " ").strip().lower().split())


#: Every name of a parameter (id, label, aliases), normalised, to its spec.
_BY_NAME = {normalise_label(name): spec for spec in PARAM_SPECS for name in (spec.id, spec.label, *spec.aliases)}


def spec_for_label(label: object) -> ParamSpec | None:
    return _BY_NAME.get(normalise_label(str(label)))


YearValues = Mapping[int, float]


@dataclass(frozen=True)
class Parameters:
    """Everything schema M2 needs besides the budget lines."""

    opening_reserve: float = 0.0
    unavailable: YearValues = field(default_factory=dict)
    repayments: YearValues = field(default_factory=dict)
    recoveries: YearValues = field(default_factory=dict)
    outstanding_debt: YearValues = field(default_factory=dict)
    designated_repayment_rate: float = 0.08
    minimum_reserve: float | None = None
    minimum_reserve_pct: float | None = None
    wage_cost: YearValues = field(default_factory=dict)
    contribution: YearValues = field(default_factory=dict)
    inhabitants: float | None = None
    index_rate: float = 0.02
    contribution_cpi_share: float = 1.0
    bestuur: str | None = None  # a key of w13xl.m2.BESTUUR_KINDS; None: not given (the loader assumes one)

    def replace(self, **changes: Any) -> Parameters:
        """A copy with some fields replaced (None values are ignored: 'not overridden')."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    def per_year(self, name: str, years: Sequence[int]) -> np.ndarray:
        values = getattr(self, name)
        return np.array([float(values.get(int(y), 0.0)) for y in years], dtype=np.float64)

    def minimum_reserve_per_year(self, years: Sequence[int], wage_cost: np.ndarray | None = None) -> np.ndarray | None:
        """The minimum reserve per year, or None when the plan sets none.

        An amount applies to every year. A percentage applies to the annual wage cost of that
        year: ``wage_cost`` if given (a scenario's wage cost), else the ``Jaarloonkost`` parameter.
        When both are set, the amount wins for the baseline and the percentage follows the wage
        cost in scenarios (see :mod:`w13xl.scenario`).
        """
        if self.minimum_reserve is not None and wage_cost is None:
            return np.full(len(years), float(self.minimum_reserve))
        if self.minimum_reserve_pct is not None:
            base = wage_cost if wage_cost is not None else self.per_year("wage_cost", years)
            return float(self.minimum_reserve_pct) * np.asarray(base, dtype=np.float64)
        if self.minimum_reserve is not None:
            return np.full(len(years), float(self.minimum_reserve))
        return None

    def to_dict(self) -> dict:
        return {f.name: (dict(getattr(self, f.name)) if isinstance(getattr(self, f.name), Mapping)
                         else getattr(self, f.name)) for f in dataclasses.fields(self)}
