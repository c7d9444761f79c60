"""Subsidy cliffs: what each subsidy of the register is worth to the reserve and the AFM.

For every subsidy, two deterministic engine runs on top of a scenario (default the plan):

* **(a) one year early, project stops** (``subsidy_end``, policy ``stop``): the subsidy ends one
  year before its end date (its end in the scenario, after renewals or cuts) and the project's
  costs stop with it; its staff leave after their statutory notice (by seniority) from the stop
  date, whose cost counts (``opzeg = "na stopzetting"``); and the same with the notice served in
  time (``opzeg = "tijdig"``: no notice pay, only the lost overhead), both shown (issue 18);
* **(b) not renewed, staff stay** (``subsidy_end`` at its end date, policy ``keep_staff``): the
  subsidy ends as planned but W13 keeps its staff, paid by the basic operation; the partners'
  part and the other project costs stop with the funding. So (b) is the staff cost of the
  subsidy's positions after the end (plus the overhead recharge lost), never the partner payments.

**Open-ended subsidies** (no end date, or one after the plan) have no cliff inside the plan.
They are given an *assumed* end on 31/12 of the second-last plan year, so that the last plan
year shows what losing them costs: (a) they stop then with the project, (b) they are not renewed
then and the staff stay. A subsidy ending less than a year into the plan (so "one year early"
would be before the plan) is ended in January of the first year for (a) (the engine works per
month and keeps the month of the end date); the row says so.

Effects are last-year differences with the scenario (reserve = gecumuleerd budgettair resultaat,
AFM = autofinancieringsmarge), sorted worst first: tornado data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from .fmt import euro
from .m2 import HALF_CENT
from .montecarlo import AFM, GBR, extended, scenario_and_library
from .scenario.engine import Baseline, run_scenarios
from .scenario.result import ScenarioRun
from .scenario.spec import NOTICE_AFTER_STOP, NOTICE_IN_TIME, Scenario, ScenarioLibrary, SubsidyEndChange
from .staffing import CONTRACTUAL, ENTRY_STEP, ILLUSTRATIVE_LABEL, Notice, notice


@dataclass(frozen=True)
class Cliff:
    subsidy: str
    name: str
    action: str
    end: dt.date | None  # the end date in the scenario (None: open-ended)
    open_ended: bool
    early_date: dt.date  # (a) end date used
    keep_date: dt.date  # (b) end date used
    reserve_early: float  # (a) effect on the last year's reserve
    afm_early: float
    reserve_keep: float  # (b)
    afm_keep: float
    first_breach_early: int | None  # first year the reserve < minimum under (a)
    first_breach_keep: int | None
    note: str = ""
    reserve_early_in_time: float = 0.0  # (a) with the notice served in time (opzeg = "tijdig")
    afm_early_in_time: float = 0.0
    notices: tuple[Notice, ...] = ()  # the statutory notice of the subsidy's staff on the (a) date

    def notice_summary(self) -> str:
        """'P06 9 j -> 7 mnd (trap, aanname)' per position: the seniority (a) uses."""
        parts = []
        for n in self.notices:
            source = "trap, aanname" if n.entry_source == ENTRY_STEP else n.entry_source
            parts.append(f"{n.position} {n.seniority_months // 12} j -> {n.months} mnd ({source})")
        return ", ".join(parts)

    def notice_note(self) -> str:
        """The in-time variant of (a) in words, for the board's remark column."""
        return (f"(a) met tijdige opzeg: reserve {euro(self.reserve_early_in_time)}, AFM "
                f"{euro(self.afm_early_in_time)}")

    @property
    def worst_reserve(self) -> float:
        return min(self.reserve_early, self.reserve_keep)

    def to_dict(self) -> dict:
        return {
            "subsidie": self.subsidy, "naam": self.name, "actie": self.action,
            "einde": None if self.end is None else self.end.isoformat(), "open_einde": self.open_ended,
            "vroeger_stoppen": {"datum": self.early_date.isoformat(), "opzeg": NOTICE_AFTER_STOP,
                                GBR: self.reserve_early, AFM: self.afm_early,
                                "eerste_jaar_reserve_onder_minimum": self.first_breach_early},
            "vroeger_stoppen_tijdige_opzeg": {"datum": self.early_date.isoformat(), "opzeg": NOTICE_IN_TIME,
                                              GBR: self.reserve_early_in_time, AFM: self.afm_early_in_time},
            "niet_verlengd_personeel_blijft": {"datum": self.keep_date.isoformat(),
                                               GBR: self.reserve_keep, AFM: self.afm_keep,
                                               "eerste_jaar_reserve_onder_minimum": self.first_breach_keep},
            "opmerking": self.note,
            "opzeg_posities": [n.describe() for n in self.notices],
        }


@dataclass(frozen=True, eq=False)
class CliffTable:
    scenario: str
    title: str
    years: tuple[int, ...]
    reference: ScenarioRun
    cliffs: tuple[Cliff, ...]  # worst first
    roster_label: str = ""  # "personeel: illustratief bestand" while the roster is the sample

    def to_dict(self) -> dict:
        last = self.years[-1]
        return {"scenario": self.scenario, "title": self.title, "years": list(self.years), "jaar": last,
                "referentie": {GBR: float(self.reference.m2[GBR][-1]), AFM: float(self.reference.m2[AFM][-1])},
                "personeel": self.roster_label or "personeelsbestand van het werkboek",
                "kliffen": [c.to_dict() for c in self.cliffs]}


def _year_earlier(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def subsidy_cliffs(baseline: Baseline, scenario: Scenario | None = None, library: ScenarioLibrary | None = None,
                   subsidies: Sequence[str] | None = None) -> CliffTable:
    """Cliff effects for every subsidy of the register (or the given ids), worst first."""
    scenario, library = scenario_and_library(scenario, library)
    years = baseline.years
    first_day = dt.date(years[0], 1, 1)
    last_day = dt.date(years[-1], 12, 31)
    assumed = dt.date(years[-2] if len(years) > 1 else years[-1], 12, 31)
    ids = list(subsidies) if subsidies is not None else list(baseline.subsidies)
    # the windows the scenario leaves (a scenario may renew or end a subsidy itself)
    state = run_scenarios(baseline, [scenario], library, audit=False).state(0)
    plans = []
    for sid in ids:
        end = state.windows[sid][1]
        open_ended = end is None or end >= last_day
        note = ""
        if end is None or open_ended:
            early = keep = assumed
            note = f"open einde: verondersteld einde {assumed:%d/%m/%Y}"
        else:
            keep = end
            early = _year_earlier(end)
            if early < first_day:
                early = first_day
                note = f"loopt minder dan een jaar in het plan: (a) eindigt in januari {years[0]}"
        plans.append((sid, end, open_ended, early, keep, note))
    # every variant of every subsidy in one call of the engine, the scenario itself first
    variants = [extended(scenario, library, [SubsidyEndChange(type="subsidy_end", subsidy=sid, date=date,
                                                              policy=policy, opzeg=mode)])[0]
                for sid, _end, _open, early, keep, _note in plans
                for date, policy, mode in ((early, "stop", NOTICE_AFTER_STOP), (keep, "keep_staff", None),
                                           (early, "stop", NOTICE_IN_TIME))]
    runs = run_scenarios(baseline, [scenario, *variants], library, audit=False)
    ref = runs.run(0)
    out = []
    for k, (sid, end, open_ended, early, keep, note) in enumerate(plans):
        s = baseline.subsidies[sid]
        effects = []
        for v in range(3):
            m2 = runs.m2(1 + 3 * k + v)
            norm = m2.norms.get("reserve_above_minimum")
            effects.append((float(m2[GBR][-1] - ref.m2[GBR][-1]), float(m2[AFM][-1] - ref.m2[AFM][-1]),
                            None if norm is None else norm.first_breach_year))
        (r_a, a_a, b_a), (r_b, a_b, b_b), (r_t, a_t, _) = effects
        notices = tuple(notice(p, early, scales=baseline.scales, params=baseline.staff_params,
                               reference_year=baseline.staff_params.reference_year,
                               person_fte=sum(q.fte for q in state.positions if q.person_key == p.person_key))
                        for p in state.funded(s) if p.statute == CONTRACTUAL and (p.end is None or p.end > early))
        clean = lambda v: 0.0 if abs(v) < HALF_CENT else v  # noqa: E731
        out.append(Cliff(sid, s.name, s.action, None if open_ended else end, open_ended, early, keep,
                         clean(r_a), clean(a_a), clean(r_b), clean(a_b), b_a, b_b, note, clean(r_t), clean(a_t),
                         notices))
    out.sort(key=lambda c: (c.worst_reserve, min(c.afm_early, c.afm_keep), c.subsidy))
    label = ILLUSTRATIVE_LABEL if baseline.roster_illustrative else ""
    return CliffTable(scenario.name, scenario.title or scenario.name, years, ref, tuple(out), label)
