"""The package's scenario engine against the frozen scalar reference (tests/reference_engine.py):
random scenarios over every change type on the shipped sample, run as ONE heterogeneous batch
through ``run_scenarios`` and compared per scenario with the reference, to the cent.

Issue 20: the engine is rebuilt on arrays (a leading scenario axis). While ``run_scenarios``
still loops the scalar engine this test compares the same rules twice; once the array engine
lands it is the oracle: every M2 line, the minimum reserve, the roster wage cost and each
change's own effect (the audit trail) must equal the reference's. Scenarios the reference
refuses (an InputError naming the change) must be refused by the package with the same message.

A failing scenario is printed as its list of changes (scenario_from_dict input), so it can be
rerun on its own: ``Engine``-free, ``run_scenarios(baseline, [scenario_from_dict(...)])``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference_engine import Engine as ReferenceEngine
from reference_engine import reference_baseline

from w13xl.errors import InputError
from w13xl.m2 import LINE_KEYS
from w13xl.scenario import run_scenarios
from w13xl.scenario.loader import load_study
from w13xl.scenario.result import ScenarioRuns
from w13xl.scenario.spec import Scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "w13-mjp-2026-2031.xlsx"
CENT = 0.005  # euro: "to the cent"

# -- the sample's vocabulary (read from the workbook: sheets Subsidies, Personeel, Weddeschalen) --
SCALES = {"A4a-A4b": "A", "A1a-A3a": "A", "B4-B5": "B", "B1-B3": "B", "C1-C3": "C", "D1-D3": "D", "E1-E3": "E"}
CLASS_SETS = (["loon"], ["prijzen"], ["bijdrage"], ["volgt_loon"], ["loon", "prijzen"],
              ["loon", "prijzen", "bijdrage"], ["prijzen", "bijdrage"])
YEARS = range(2026, 2032)


@pytest.fixture(scope="module")
def sample():
    """(package baseline, reference engine on the same inputs)."""
    baseline, _, _ = load_study(SAMPLE, [])
    return baseline, ReferenceEngine(reference_baseline(baseline))


# -- drawing scenarios ------------------------------------------------------------------------------
class Draw:
    """Random changes of every type on the sample. Each scenario has a few 'focus' subsidies and
    positions that most of its changes touch, so one subsidy or position is often changed twice
    (end then renew, cut then end, hire then move then fte ...)."""

    def __init__(self, rng: random.Random, baseline) -> None:
        self.rng = rng
        self.subsidies = list(baseline.subsidies)
        self.ending = [s.id for s in baseline.subsidies.values() if s.end is not None]
        self.ends = {s.id: s.end for s in baseline.subsidies.values()}
        self.positions = [p.id for p in baseline.positions]
        self.actions = sorted(baseline.plan.actions)
        self.subsidy_actions = sorted({s.action for s in baseline.subsidies.values()})
        self.per_inhabitant = float(baseline.contribution[0] / baseline.params.inhabitants)

    # values
    def date(self, first: int = 2026, last: int = 2031) -> dt.date:
        y, m = self.rng.randint(first, last), self.rng.randint(1, 12)
        day = self.rng.choice([1, 1, 15, -1, -1])
        if day == -1:
            return (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1))
        return dt.date(y, m, day)

    def rate(self) -> float:
        return round(self.rng.uniform(-0.01, 0.08), 4)

    def years(self, k: int | None = None) -> list[int]:
        return sorted(self.rng.sample(YEARS, k or self.rng.randint(1, 4)))

    def month(self, first: int = 2025) -> str:
        return f"{self.rng.randint(first, 2031)}-{self.rng.randint(1, 12):02d}"

    def subsidy(self) -> str:
        return self.rng.choice(self.focus_subsidies if self.rng.random() < 0.75 else self.subsidies)

    def position(self) -> str:
        pool = self.focus_positions + self.hired
        return self.rng.choice(pool if pool and self.rng.random() < 0.75 else self.positions)

    def policy(self, stop_notice: bool = True) -> dict:
        kind = self.rng.choice(["stop", "stop", "keep_staff", "keep_project", "share"])
        if kind == "share":
            return {"policy": "share", "share": self.rng.choice([0.0, 0.25, 0.5, 1.0])}
        if kind == "stop" and stop_notice:
            notice = self.rng.choice([None, "tijdig", "na stopzetting", "months"])
            if notice == "months":
                return {"policy": "stop", "notice_months": self.rng.randint(0, 8)}
            return {"policy": "stop"} if notice is None else {"policy": "stop", "opzeg": notice}
        return {"policy": kind}

    # changes, one builder per type
    def index(self) -> dict:
        kind = self.rng.choice(["rate", "rates", "crossings", "extra_crossings", "inflation"])
        ch: dict = {"type": "index"}
        if kind == "rate":
            ch.update(classes=self.rng.choice(CLASS_SETS), rate=self.rate())
        elif kind == "rates":
            ch.update(classes=self.rng.choice(CLASS_SETS), rates={y: self.rate() for y in self.years()})
        elif kind == "inflation":
            if self.rng.random() < 0.6:  # default classes ["loon"]: wages, prices and contribution move
                ch["classes"] = self.rng.choice(CLASS_SETS)
            ch["inflation"] = {y: self.rate() for y in self.years()}
        else:
            ch[kind] = sorted({self.month() for _ in range(self.rng.randint(1, 3))})
        return ch

    def indexsprong(self) -> dict:
        if self.rng.random() < 0.5:
            return {"type": "indexsprong", "classes": self.rng.choice(CLASS_SETS), "year": self.rng.randint(2027, 2031)}
        return {"type": "indexsprong", "classes": self.rng.choice([["loon"], ["loon", "volgt_loon"]]),
                "crossing": self.month()}

    def hire(self) -> dict:
        scale = self.rng.choice(list(SCALES))
        funded = self.rng.choice(["basiswerking", self.subsidy()])
        action = self.rng.choice(self.subsidy_actions + self.actions)
        start = self.date()
        ch = {"type": "hire", "level": SCALES[scale], "scale": scale, "step": self.rng.randint(0, 27),
              "fte": self.rng.choice([0.5, 0.8, 1.0]), "action": action, "funded_by": funded, "start": start}
        if self.rng.random() < 0.3:
            ch["end"] = self.date(start.year)
        if self.rng.random() < 0.5:  # named: later changes of the scenario can touch it
            ch["id"] = f"H{len(self.hired) + 1}"
            self.hired.append(ch["id"])
        return ch

    def end_position(self) -> dict:
        return {"type": "end_position", "position": self.position(), "date": self.date()}

    def fte(self) -> dict:
        return {"type": "fte", "position": self.position(), "fte": self.rng.choice([0.0, 0.5, 0.8, 1.0, 1.2]),
                "date": self.date()}

    def step(self) -> dict:
        return {"type": "step", "position": self.position(), "step": self.rng.randint(0, 27), "date": self.date()}

    def move(self) -> dict:
        ch = {"type": "move", "position": self.position(), "action": self.rng.choice(self.actions),
              "date": self.date()}
        funded = self.rng.choice([None, "basiswerking", self.subsidy()])
        if funded is not None:
            ch["funded_by"] = funded
        return ch

    def subsidy_end(self) -> dict:
        sid = self.subsidy()
        end = self.ends.get(sid)
        # mostly around the planned end (early, at it, later), else anywhere in the plan
        if end is not None and self.rng.random() < 0.6:
            date = self.rng.choice([end, self.date(max(2026, end.year - 1), end.year), self.date(end.year)])
        else:
            date = self.date()
        return {"type": "subsidy_end", "subsidy": sid, "date": date, **self.policy()}

    def subsidy_renew(self) -> dict:
        sid = self.rng.choice(self.ending) if self.rng.random() < 0.8 else self.subsidy()
        end = self.ends.get(sid) or dt.date(2026, 1, 1)
        ch: dict = {"type": "subsidy_renew", "subsidy": sid, "until": self.date(end.year)}
        kind = self.rng.choice(["plain", "amount", "budget_neutral"])
        if kind == "amount":
            ch["amount"] = round(self.rng.uniform(10_000, 500_000), 2)
        elif kind == "budget_neutral":
            ch["budget_neutral"] = True
        return ch

    def subsidy_cut(self) -> dict:
        return {"type": "subsidy_cut", "subsidy": self.subsidy(), "date": self.date(),
                "factor": self.rng.choice([0.0, 0.5, 0.8, 0.9]), **self.policy(stop_notice=False)}

    def contribution(self) -> dict:
        if self.rng.random() < 0.6:
            return {"type": "contribution", "from_year": self.rng.choice(YEARS),
                    "pct": round(self.rng.uniform(-0.05, 0.1), 4)}
        return {"type": "contribution", "from_year": self.rng.choice(YEARS),
                "per_inhabitant": round(self.per_inhabitant * self.rng.uniform(0.9, 1.2), 4)}

    def line(self) -> dict:
        return {"type": "line", "action": self.rng.choice(self.actions),
                "category": self.rng.choice(["exploitatie", "exploitatie", "investeringen", "financiering"]),
                "direction": self.rng.choice(["O", "U"]),
                "amounts": {y: round(self.rng.uniform(-80_000, 80_000), 2) for y in self.years()}}

    def overhead(self) -> dict:
        ch: dict = {"type": "overhead", "date": self.date(), "rate": self.rng.choice([0.0, 0.05, 0.1, 0.2, 0.25])}
        if self.rng.random() < 0.6:
            ch["subsidies"] = sorted({self.subsidy() for _ in range(self.rng.randint(1, 3))})
        return ch

    def invalid(self) -> dict:
        """A change the engine must refuse (outside the plan, unknown names)."""
        return self.rng.choice([
            {"type": "subsidy_end", "subsidy": "SUB-ONBEKEND", "date": dt.date(2028, 12, 31)},
            {"type": "fte", "position": "P99", "fte": 0.5, "date": dt.date(2028, 1, 1)},
            {"type": "line", "action": "A10302", "direction": "U", "amounts": {2033: 1000.0}},
            {"type": "hire", "level": "B", "scale": "B9-B9", "action": "A10302", "start": dt.date(2027, 1, 1)},
            {"type": "hire", "level": "B", "scale": "B1-B3", "action": "A99999", "start": dt.date(2027, 1, 1)},
            {"type": "subsidy_cut", "subsidy": "SUB-PACT", "factor": 0.5, "date": dt.date(2035, 1, 1)},
            {"type": "subsidy_renew", "subsidy": "SUB-EH-BASIS", "until": dt.date(2031, 12, 31)},
            {"type": "indexsprong", "year": 2026},
            {"type": "index", "rates": {2040: 0.02}},
            {"type": "overhead", "date": dt.date(2027, 1, 1), "subsidies": ["SUB-ONBEKEND"]},
            {"type": "move", "position": "P02", "action": "A10302", "date": dt.date(2027, 1, 1), "funded_by": "X"},
        ])

    KINDS = ("index", "indexsprong", "hire", "end_position", "fte", "step", "move", "subsidy_end",
             "subsidy_renew", "subsidy_cut", "contribution", "line", "overhead")

    def changes(self) -> list[dict]:
        """1-5 changes in random order (a few scenarios carry a change the engine refuses)."""
        self.focus_subsidies = self.rng.sample(self.subsidies, self.rng.randint(1, 2))
        self.focus_positions = self.rng.sample(self.positions, self.rng.randint(1, 2))
        self.hired: list[str] = []
        out = [getattr(self, self.rng.choice(self.KINDS))() for _ in range(self.rng.randint(1, 5))]
        if self.rng.random() < 0.04:
            out.insert(self.rng.randint(0, len(out)), self.invalid())
        return out


def draw_batch(rng: random.Random, baseline, size: int) -> list[tuple[list[dict], object]]:
    draw = Draw(rng, baseline)
    out = []
    for i in range(size):
        changes = draw.changes()
        out.append((changes, scenario_from_dict({"changes": changes}, name=f"s{i}")))
    return out


# -- the comparison ---------------------------------------------------------------------------------
def _diff(what: str, got, want) -> list[str]:
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    if got.shape != want.shape:
        return [f"{what}: shape {got.shape} != {want.shape}"]
    bad = ~(np.abs(got - want) < CENT) & ~(np.isnan(got) & np.isnan(want))
    if not bad.any():
        return []
    i = int(np.argmax(bad))
    return [f"{what}: {int(bad.sum())} cell(s) differ, first at year index {i}: {got.flat[i]:.4f} != "
            f"reference {want.flat[i]:.4f}"]


def compare(runs: ScenarioRuns, reference_runs: list) -> list[str]:
    """Every difference between the package's runs and the reference's (one ScenarioRun per
    scenario, same order): each M2 line, the minimum reserve and the wage cost, from the batch
    arrays and from the scenario's full run, and each change's effect (M2 deltas and the
    minimum reserve's) to the cent. Empty: they agree."""
    out: list[str] = []
    if len(runs) != len(reference_runs):
        return [f"{len(runs)} runs != {len(reference_runs)} reference runs"]
    for i, ref in enumerate(reference_runs):
        name = ref.name
        if runs.names[i] != name:
            out.append(f"{i}: name {runs.names[i]!r} != {name!r}")
        run = runs.run(i)
        for key in LINE_KEYS:
            out += _diff(f"{name} {key} (batch)", runs.lines[key][i], ref.m2[key])
            out += _diff(f"{name} {key} (run)", run.m2[key], ref.m2[key])
            out += _diff(f"{name} {key} (baseline)", run.baseline[key], ref.baseline[key])
        if ref.m2.minimum_reserve is None:
            if runs.minimum_reserve is not None or run.m2.minimum_reserve is not None:
                out.append(f"{name}: a minimum reserve where the reference has none")
        elif runs.minimum_reserve is None:
            out.append(f"{name}: no minimum reserve (reference: {ref.m2.minimum_reserve})")
        else:
            out += _diff(f"{name} minimum reserve (batch)", runs.minimum_reserve[i], ref.m2.minimum_reserve)
            out += _diff(f"{name} minimum reserve (run)", run.m2.minimum_reserve, ref.m2.minimum_reserve)
        out += _diff(f"{name} wage cost (batch)", runs.wage_cost[i], ref.wage_cost)
        out += _diff(f"{name} wage cost (run)", run.wage_cost, ref.wage_cost)
        got = [(e.index, e.kind) for e in run.effects]
        want = [(e.index, e.kind) for e in ref.effects]
        if got != want:
            out.append(f"{name}: effects {got} != reference {want}")
            continue
        for e, r in zip(run.effects, ref.effects, strict=True):
            for key in LINE_KEYS:
                out += _diff(f"{name} change {r.index} ({r.kind}) {key}", e.deltas[key], r.deltas[key])
            if (e.minimum_reserve_delta is None) != (r.minimum_reserve_delta is None):
                out.append(f"{name} change {r.index} ({r.kind}): minimum reserve effect given on one side only")
            elif r.minimum_reserve_delta is not None:
                out += _diff(f"{name} change {r.index} ({r.kind}) minimum reserve", e.minimum_reserve_delta,
                             r.minimum_reserve_delta)
    return out


def reference_runs(reference: ReferenceEngine, drawn) -> tuple[list, list, list]:
    """(valid scenarios with their reference runs, refused scenarios with the reference's error)."""
    valid, refs, refused = [], [], []
    for changes, scenario in drawn:
        try:
            refs.append(reference.run(scenario))
        except InputError as exc:
            refused.append((changes, scenario, str(exc)))
            continue
        valid.append((changes, scenario))
    return valid, refs, refused


def check_batch(baseline, reference: ReferenceEngine, drawn, singles: int = 3) -> tuple[int, int]:
    """One run_scenarios call on every valid drawn scenario, compared with the reference; the
    first ``singles`` also as batches of one; every refused scenario refused alike."""
    valid, refs, refused = reference_runs(reference, drawn)
    for changes, scenario, message in refused:
        with pytest.raises(InputError) as caught:
            runs = run_scenarios(baseline, [scenario])
            runs.run(0)
        assert str(caught.value) == message, changes
    if not valid:
        return 0, len(refused)
    runs = run_scenarios(baseline, [s for _, s in valid])
    assert len(runs) == len(valid)
    assert all(runs.lines[k].shape == (len(valid), len(baseline.years)) for k in LINE_KEYS)
    differences = compare(runs, refs)
    if differences:
        bad = sorted({d.split(" ", 1)[0] for d in differences})
        shown = {s.name: c for c, s in valid if s.name in bad[:3]}
        pytest.fail("package engine differs from the reference:\n" + "\n".join(differences[:20])
                    + "\nscenarios (changes):\n" + "\n".join(f"{k}: {v}" for k, v in shown.items()))
    for (changes, scenario), ref in list(zip(valid, refs, strict=True))[:singles]:
        one = compare(run_scenarios(baseline, [scenario]), [ref])
        assert not one, (changes, one[:5])
    return len(valid), len(refused)


# -- the tests -------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(8))
def test_a_random_batch_equals_the_reference(sample, seed):
    """Eight seeded batches of 60 heterogeneous scenarios (1-5 changes each, every change type)."""
    baseline, reference = sample
    valid, _ = check_batch(baseline, reference, draw_batch(random.Random(seed), baseline, 60))
    assert valid >= 30  # most draws are valid scenarios: the comparison is not vacuous


@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rng=st.randoms(use_true_random=False), size=st.integers(1, 60))
def test_random_batches_of_any_size_equal_the_reference(sample, rng, size):
    """Hypothesis draws the seed and the batch size (a batch of one included)."""
    baseline, reference = sample
    check_batch(baseline, reference, draw_batch(rng, baseline, size), singles=1)


def test_the_draws_cover_every_change_type_and_policy(sample):
    """What the seeded batches exercise (a coverage check on the generator, not on the engine)."""
    baseline, reference = sample
    seen: set[str] = set()
    for seed in range(8):
        valid, _, _ = reference_runs(reference, draw_batch(random.Random(seed), baseline, 60))
        for changes, _ in valid:
            for ch in changes:
                t = ch["type"]
                seen.add(t)
                if t == "index":
                    seen.add("index:" + next(k for k in ("rate", "rates", "crossings", "extra_crossings",
                                                         "inflation") if k in ch))
                elif t == "indexsprong":
                    seen.add("indexsprong:" + ("year" if "year" in ch else "crossing"))
                elif t in ("subsidy_end", "subsidy_cut"):
                    seen.add(f"{t}:{ch['policy']}")
                    if t == "subsidy_end" and ch["policy"] == "stop":
                        seen.add("stop:" + str(ch.get("opzeg") or ("notice_months" if "notice_months" in ch
                                                                    else "standaard")))
                elif t == "subsidy_renew":
                    seen.add("renew:" + ("amount" if "amount" in ch else
                                         "budget_neutral" if ch.get("budget_neutral") else "plain"))
                elif t == "hire":
                    seen.add("hire:" + ("basiswerking" if ch["funded_by"] == "basiswerking" else "subsidie"))
                elif t == "contribution":
                    seen.add("contribution:" + ("pct" if "pct" in ch else "per_inhabitant"))
    expected = {*Draw.KINDS, "index:rate", "index:rates", "index:crossings", "index:extra_crossings",
                "index:inflation", "indexsprong:year", "indexsprong:crossing",
                *(f"{t}:{p}" for t in ("subsidy_end", "subsidy_cut")
                  for p in ("stop", "keep_staff", "keep_project", "share")),
                "stop:tijdig", "stop:na stopzetting", "stop:notice_months", "stop:standaard",
                "renew:amount", "renew:budget_neutral", "renew:plain", "hire:basiswerking", "hire:subsidie",
                "contribution:pct", "contribution:per_inhabitant"}
    assert expected - seen == set()


def test_the_comparison_finds_an_injected_rule_bug(sample):
    """The oracle can fail: the package runs with every subsidy's overhead recharge at 10%
    instead of the register's 15% (plan 3.7: "minimaal 15% op de personeelskost"), the
    reference with the register as it is. A hire on a subsidised action and a subsidy stop
    then differ: the recharge is 15% of the staff cost in the reference, 10% in the package."""
    baseline, reference = sample
    wrong = dataclasses.replace(baseline, subsidies={k: dataclasses.replace(s, overhead_rate=0.10)
                                                     for k, s in baseline.subsidies.items()})
    scenarios = [
        scenario_from_dict({"changes": [{"type": "hire", "level": "B", "scale": "B1-B3", "step": 10,
                                         "action": "A10302", "start": dt.date(2027, 1, 1)}]}, name="hire-pact"),
        scenario_from_dict({"changes": [{"type": "subsidy_end", "subsidy": "SUB-PACT", "date": dt.date(2027, 12, 31),
                                         "policy": "stop"}]}, name="pact-stop"),
    ]
    refs = [reference.run(s) for s in scenarios]
    assert compare(run_scenarios(baseline, scenarios), refs) == []
    differences = compare(run_scenarios(wrong, scenarios), refs)
    assert any(d.startswith("hire-pact ") for d in differences)
    assert any(d.startswith("pact-stop ") for d in differences)
    # the hire's overhead lands on A50111's receipts: the exploitation receipts differ from 2027 on
    assert any("hire-pact change 1 (hire)" in d for d in differences)


def test_the_comparison_finds_a_wrong_minimum_reserve_rule(sample):
    """The package runs with the minimum reserve moving by 20% of the change in wage cost
    instead of the parameter's 10% (plan 3.7: "10% van de totale jaarloonkost"): a hire changes
    the wage cost, so its minimum reserve (and that change's effect on it) differs; its M2
    lines do not."""
    baseline, reference = sample
    wrong = dataclasses.replace(baseline, params=dataclasses.replace(baseline.params, minimum_reserve_pct=0.2))
    s = scenario_from_dict({"changes": [{"type": "hire", "level": "B", "scale": "B1-B3", "step": 10,
                                         "action": "A50111", "start": dt.date(2027, 1, 1)}]}, name="hire")
    differences = compare(run_scenarios(wrong, [s]), [reference.run(s)])
    assert {d.split(":")[0] for d in differences} == {
        "hire minimum reserve (batch)", "hire minimum reserve (run)", "hire change 1 (hire) minimum reserve"}


def test_the_comparison_reads_every_part_of_a_run(sample):
    """A one-cent shift in one change's effect, in the minimum reserve, or in the wage cost is
    found (the reference's runs packed as ScenarioRuns, then one number moved)."""
    _, reference = sample
    s = scenario_from_dict({"changes": [{"type": "index", "rate": 0.03},
                                        {"type": "fte", "position": "P02", "fte": 0.5, "date": dt.date(2028, 1, 1)}]},
                           name="x")
    ref = reference.run(s)

    def pack(run, minimum=None, wage=None):
        lines = {k: np.array([run.m2[k]]) for k in LINE_KEYS}
        return ScenarioRuns(("x",), run.years, lines,
                            np.array([run.m2.minimum_reserve if minimum is None else minimum]),
                            np.array([run.wage_cost if wage is None else wage]), run.baseline, lambda i: run)

    assert compare(pack(ref), [ref]) == []
    shifted = dict(ref.effects[1].deltas, exploitatiesaldo=ref.effects[1].deltas["exploitatiesaldo"] + 0.01)
    moved = dataclasses.replace(ref, effects=(ref.effects[0], dataclasses.replace(ref.effects[1], deltas=shifted)))
    assert compare(pack(moved), [ref]) == ["x change 2 (fte) exploitatiesaldo: 6 cell(s) differ, first at year "
                                           f"index 0: {shifted['exploitatiesaldo'][0]:.4f} != reference "
                                           f"{ref.effects[1].deltas['exploitatiesaldo'][0]:.4f}"]
    assert compare(pack(ref, minimum=ref.m2.minimum_reserve + 0.01), [ref])[0].startswith("x minimum reserve (batch)")
    assert compare(pack(ref, wage=ref.wage_cost - 0.01), [ref])[0].startswith("x wage cost (batch)")


def test_scenarios_that_share_their_first_changes_equal_the_reference(sample):
    """Scenarios whose first changes are the very same objects (a scenario they all extend, or a
    Monte Carlo's own changes) share those steps in the engine (one row computes them, every row
    gets the state): each still equals the reference run to the cent."""
    baseline, reference = sample
    rng = random.Random(2026)
    head: list = []
    while len(head) < 2:  # two valid shared changes
        _, scenario = draw_batch(rng, baseline, 1)[0]
        try:
            reference.run(scenario)
        except InputError:
            continue
        head.extend(scenario.changes[:1])
    drawn = draw_batch(rng, baseline, 30)
    batch = [(c, Scenario(name=s.name, changes=[*head, *s.changes])) for c, s in drawn]
    valid, refs, _ = reference_runs(reference, batch)
    assert len(valid) >= 15
    runs = run_scenarios(baseline, [s for _, s in valid])
    assert compare(runs, refs) == []
