"""Both notice variants of a scenario whose subsidies stop with policy ``stop`` (issue 18).

A ``stop`` can serve the staff's notice in time (``opzeg = "tijdig"``: it ends on the stop date,
no notice pay; the plan's practice at planned project ends) or let the statutory notice run
from the stop date (``opzeg = "na stopzetting"``, art. 37/2 Arbeidsovereenkomstenwet). Both
answer real questions, so ``run``, ``cliffs`` and the board show both: the scenario is run once
more with every ``stop`` in the other mode (its flattened changes, parents included).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .result import ScenarioRun
from .spec import (
    BASELINE,
    DEFAULT_NOTICE,
    NOTICE_AFTER_STOP,
    NOTICE_IN_TIME,
    Scenario,
    ScenarioLibrary,
    SubsidyEndChange,
)

MODES = (NOTICE_IN_TIME, NOTICE_AFTER_STOP)
RESERVE = "gecumuleerd_budgettair_resultaat"
AFM = "autofinancieringsmarge"


def stop_changes(scenario: Scenario, library: ScenarioLibrary) -> list[SubsidyEndChange]:
    """The scenario's (flattened) subsidy ends with policy ``stop``."""
    return [ch for ch in library.changes(scenario) if isinstance(ch, SubsidyEndChange) and ch.policy == "stop"]


def with_notice(scenario: Scenario, library: ScenarioLibrary, mode: str) -> tuple[Scenario, ScenarioLibrary]:
    """The scenario with every ``stop`` in ``mode`` (a new scenario on the baseline, same name)."""
    # model_copy keeps a change's private _origin (where it was defined) for the error messages
    changes = [ch.model_copy(update={"opzeg": mode, "notice_months": None})
               if isinstance(ch, SubsidyEndChange) and ch.policy == "stop" else ch
               for ch in library.changes(scenario)]
    out = scenario.model_copy(update={"extends": BASELINE, "changes": changes})  # its name, title, source kept
    return out, ScenarioLibrary([out])


@dataclass(frozen=True)
class NoticeVariant:
    mode: str  # NOTICE_IN_TIME or NOTICE_AFTER_STOP
    used: bool  # the mode the scenario itself uses (for every stop)
    run: ScenarioRun

    @property
    def reserve_effect(self) -> float:
        return float(self.run.difference(RESERVE)[-1])

    @property
    def afm_effect(self) -> float:
        return float(self.run.difference(AFM)[-1])


def notice_variants(engine, scenario: Scenario, library: ScenarioLibrary,
                    run: ScenarioRun | None = None) -> list[NoticeVariant]:
    """Both variants (tijdig, na stopzetting) of a scenario with ``stop`` changes; empty without.
    ``run``: the scenario's own run, reused for the mode it already uses (one mode everywhere)."""
    stops = stop_changes(scenario, library)
    if not stops:
        return []
    modes = {ch.opzeg or DEFAULT_NOTICE for ch in stops}  # DEFAULT_NOTICE where a stop does not say
    own = next(iter(modes)) if len(modes) == 1 and not any(ch.notice_months for ch in stops) else None
    out = []
    for mode in MODES:
        if run is not None and mode == own:
            out.append(NoticeVariant(mode, True, run))
            continue
        variant, lib = with_notice(scenario, library, mode)
        out.append(NoticeVariant(mode, mode == own, engine.run(variant, lib)))
    return out


def variant_rows(variants: Sequence[NoticeVariant]) -> list[list]:
    """Header + one row per variant: opzeg, gebruikt, effect reserve and AFM in the last year."""
    if not variants:
        return []
    last = variants[0].run.years[-1]
    return [["Opzeg", "In dit scenario", f"Effect reserve {last}", f"Effect AFM {last}"],
            *([v.mode, "ja" if v.used else "", v.reserve_effect, v.afm_effect] for v in variants)]
