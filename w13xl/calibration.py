"""Calibrating the Monte Carlo spread on W13's own history (``[uncertainty] calibrate = "realisatie"``).

Pure core (numpy). Where the workbook holds accounts (a sheet ``Rekening ...`` /
``Jaarrekening ...``, or the sheet named by ``[uncertainty] accounts_sheet``) for years the plan
sheet also covers, :func:`w13xl.realisatie.forecast_errors` measures the relative forecast error
per class of line: exploitation receipts, staff cost and other costs (staff = the ``loon`` share
of an action's exploitation expenditure on the ``Indexering`` sheet, default 40%, the engine's
rule). The spread of a class is the root mean square of its yearly errors.

**The model (aanname, stated):** in every path and plan year each class is off by an independent
normal error with mean 0 and that spread, applied to the baseline's class totals of that year:
``ES_p += R_t e_R - S_t e_S - K_t e_K``, and the budget result moves alike. Errors are independent
between years and classes; a systematic bias in the history is reported, not extrapolated.
**Pass-through actions** (budget-neutral in the plan: O = U every year, e.g. a subsidy passed on
to partners) are one class of their own: their net (O - U) is measured and drawn, relative to
their expenditure, never their receipts and expenditure apart (issue 18: drawn apart, a 't PACT
realised 30% below plan on both sides made a band of millions against a real error of zero).
**How many years it rests on** is part of the result (``n_years``, :attr:`Calibration.note`) and
is printed with every calibrated result; with fewer than 3 years the spread is a rough
indication, and the output says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .errors import InputError
from .model import EXPLOITATIE, Plan, U
from .realisatie import (
    ERROR_CLASSES,
    ForecastErrors,
    class_totals,
    forecast_errors,
    load_budget,
    pass_through_actions,
)

ACCOUNT_PREFIXES = ("rekening", "jaarrekening", "realisatie")


@dataclass(frozen=True)
class Calibration:
    errors: ForecastErrors
    sheet: str
    totals: dict[str, np.ndarray]  # class totals of the plan per year (the plan's years)

    @property
    def n_years(self) -> int:
        return self.errors.n_years

    def sd(self) -> dict[str, float]:
        return {k: float(self.errors.sd(k) or 0.0) for k in ERROR_CLASSES}

    def draw_es(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Additive change of ES (and V) per path and year, shape (n, years). The pass-through
        actions contribute one error on their net (relative to their expenditure), never their
        receipts and expenditure drawn apart (those move together: a subsidy passed on)."""
        sd = self.sd()
        ny = len(next(iter(self.totals.values())))
        e = rng.standard_normal((3, n, ny))
        es = (sd["ontvangsten"] * e[0] * self.totals["ontvangsten"]
              - sd["personeel"] * e[1] * self.totals["personeel"]
              - sd["overige_kosten"] * e[2] * self.totals["overige_kosten"])
        if sd["doorgeefsaldo"] and np.any(self.totals["doorgeefuitgaven"]):
            # a fourth stream, drawn after the first three (their draws stay as they were)
            es = es + sd["doorgeefsaldo"] * rng.standard_normal((n, ny)) * self.totals["doorgeefuitgaven"]
        return es

    @property
    def note(self) -> str:
        """How many years the calibration rests on, in Dutch: shown with every calibrated result."""
        return calibration_note(self.n_years, self.errors.years)

    def to_dict(self) -> dict:
        bias = {k: (float(np.mean(v)) if v else None) for k, v in self.errors.errors.items()}
        return {"bron": "realisatie", "rekeningblad": self.sheet, "jaren": list(self.errors.years),
                "aantal_jaren": self.n_years, "spreiding": self.sd(), "gemiddelde_fout": bias,
                "doorgeefacties": list(self.errors.pass_through), "opmerking": self.note}


def calibration_note(n_years: int, years=()) -> str:
    """'Kalibratie op de rekening: rust op 1 jaar (2024) (ruwe indicatie: minder dan 3 jaar)'."""
    which = f" ({', '.join(str(y) for y in years)})" if years else ""
    rough = " (ruwe indicatie: minder dan 3 jaar)" if n_years < 3 else ""
    return f"Kalibratie op de rekening: rust op {n_years} jaar{which}{rough}"


def staff_shares(index_shares) -> dict[str, float]:
    """The ``loon`` share of each action's exploitation expenditure from the Indexering rows."""
    out: dict[str, float] = {}
    for s in index_shares or ():
        if s.klass == "loon" and s.category == EXPLOITATIE and s.direction == U:
            out[s.action] = out.get(s.action, 0.0) + float(s.share)
    return out


def calibration_from_grids(grids: Mapping[str, Sequence[Sequence[object]]], plan: Plan, *, file: str | None = None,
                           sheet: str | None = None, index_shares=()) -> Calibration | None:
    """The calibration from the workbook's accounts sheet (``sheet``, else the first sheet named
    'Rekening ...', 'Jaarrekening ...' or 'Realisatie ...' whose years overlap the plan); None
    when there is no such sheet."""
    names = [sheet] if sheet else [n for n in grids if n.strip().lower().startswith(ACCOUNT_PREFIXES)]
    if sheet and sheet not in grids:
        raise InputError(f"there is no sheet '{sheet}'", file=file, key="uncertainty.accounts_sheet",
                         expected=f"one of: {', '.join(repr(n) for n in grids)}")
    shares = staff_shares(index_shares)
    for name in names:
        accounts = load_budget(grids, file=file, sheet=name).plan
        fe = forecast_errors(plan, accounts, shares)
        if fe.n_years:
            share: Mapping[str, float] | float = shares or 0.4
            totals = class_totals(plan, {a: shares.get(a, 0.4) for a in plan.actions} if shares else share,
                                  pass_through_actions(plan))
            return Calibration(fe, name, totals)
    return None
