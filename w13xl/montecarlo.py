"""Monte Carlo: how likely the reserve stays above the minimum and the AFM ends positive.

Pure core (numpy; pydantic for the input). A scenario's ``[uncertainty]`` table (TOML) or its
``onzekerheid`` rows on the workbook's "Scenario's" sheet declare the uncertain inputs::

    [uncertainty]
    paths = 10000          # default number of paths
    seed = 2026            # same seed, same numbers

    [uncertainty.index]    # ONE index model (or none)
    model = "inflation"    # yearly inflation ~ Normal(mean, sd), AR(1) with `persistence`,
    mean = 0.02            # fed through the pivot mechanism (wages) and the CPI (prices,
    sd = 0.01              # member contribution), like an `index` change with `inflation`
    persistence = 0.5
    # model = "crossings"  # extra pivot crossings per year ~ Poisson(mean_per_year), in
    # mean_per_year = 0.3  # months drawn uniformly; wages +2% two months later

    [uncertainty.contribution]   # extra yearly growth of the member contribution
    growth_mean = 0.0
    growth_sd = 0.01
    from_year = 2027

    [uncertainty.subsidies.SUB-PACT]   # renewed at its end date with this probability,
    renewal = 0.6                      # else `policy` applies (stop: the project stops;
    policy = "keep_staff"              # keep_staff: its staff stay, paid by W13; partners stop)
    until = 2031-12-31

**What one path is.** Exactly the deterministic engine run of the scenario's changes followed by
(1) per subsidy either ``subsidy_renew`` (until) or ``subsidy_end`` at its end date with the
policy, (2) one ``contribution`` change per year (pct = that year's drawn growth), (3) an
``index`` change with the path's index (``extra_crossings``, or ``inflation`` relative to the
central ``mean``). Every uncertain input is a *deviation* from the scenario: with zero variance
(sd 0, mean_per_year 0, renewal 0 with policy stop) a path *is* the scenario.

**How it is fast.** Schema M2 is linear in the budget lines, and every change above is linear
in what it changes, so the engine measures once (:func:`prepare`): the scenario's exploitation
saldo ES and budget result V, the exposure of ES and V to each index class (the per-year
effect of doubling that class's multiplier, via the engine's own index rule), the member
contribution, and for each subsidy outcome its effect on ES, V, the exposures and the minimum
reserve. A path then costs a few multiply-adds on (paths x years) arrays:
``ES_p = ES_s + sum_k D_k(b_k) + sum_c E_c(b) (r_c,p - 1) + C_s (g_p r_bijdrage,p - 1)``,
and the reserve is the cumulated V. This is exact (to float rounding) for the order above,
provided the subsidies in the table pay different actions and staff (true for the register).

**Approximations (stated).** (a) The path's index deviation is applied *after* the subsidy
outcomes: staff cost a renewal or a ``keep_staff`` policy adds follows the wage deviation only with
its line's wage share (default 40%), the engine's own rule for index changes after roster
changes. (b) The central inflation path is recomputed with the same pivot mechanism, so the
deviation is the *difference in pivot timing*; with a flat-2% scenario the pivot steps of the
drawn path are applied relative to the flat path (give the scenario an ``index`` change with
``inflation = mean`` to make the central path itself stepwise: a path then equals the engine
run with ``inflation`` = the drawn rates exactly). (c) The minimum reserve, when it is a
percentage of the wage cost, follows the path's wage level (exact: the wage cost is
proportional to the wage multiplier for a fixed roster).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import indexation as ix
from .errors import InputError
from .m2 import HALF_CENT
from .messages import pydantic_message
from .model import EXPLOITATIE, O
from .numbers import parse_date
from .scenario.engine import PIVOT_AFTER_2025, Baseline, Engine  # interim (issue 20: the Monte Carlo moves onto the engine)
from .scenario.result import ScenarioRun
from .scenario.spec import (
    BASELINE,
    ContributionChange,
    IndexChange,
    Scenario,
    ScenarioLibrary,
    SubsidyEndChange,
    SubsidyRenewChange,
    refuse_retired_policy,
)

PERCENTILES: tuple[int, ...] = (5, 25, 50, 75, 95)
GBR = "gecumuleerd_budgettair_resultaat"
BBR = "beschikbaar_budgettair_resultaat"
AFM = "autofinancieringsmarge"
OUTPUT_LINES = (GBR, BBR, AFM)
#: Paths per chunk: bounds memory and makes the numbers independent of the progress display
#: (each chunk has its own random stream spawned from the seed).
CHUNK = 25_000
DEFAULT_PATHS = 10_000
DEFAULT_SEED = 2026
IndexClassName = Literal["loon", "prijzen", "bijdrage"]
INDEX_CLASSES: tuple[IndexClassName, ...] = ("loon", "prijzen", "bijdrage")


def _all_index_classes() -> list[IndexClassName]:
    return list(INDEX_CLASSES)


# -- the [uncertainty] table -------------------------------------------------------------------
def _number(value: Any) -> Any:
    """Accept 0.6, '60%', '0,6' (the workbook's Dutch decimals)."""
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        pct = text.endswith("%")
        text = text.rstrip("%").replace(",", ".")
        try:
            v = float(text)
        except ValueError:
            return value
        return v / 100 if pct else v
    return value


Num = Annotated[float, BeforeValidator(_number)]


def _date(value: Any) -> Any:
    """Cell values as dates where they are dates; the rest is left for pydantic to refuse."""
    try:
        return parse_date(value)
    except ValueError:
        return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IndexUncertainty(_Model):
    """The index: extra pivot crossings, or inflation through the pivot mechanism."""

    model: Literal["none", "crossings", "inflation"] = "none"
    #: crossings: mean number of extra pivot crossings per year (Poisson), one number or per year.
    mean_per_year: Num | dict[int, Num] = 0.0
    max_per_year: int = Field(6, ge=0, le=12)
    #: inflation: central yearly inflation (one rate or per year), its sd and AR(1) persistence.
    mean: Num | dict[int, Num] = 0.02
    sd: Num = Field(0.0, ge=0, le=0.5)
    persistence: Num = Field(0.0, ge=0, lt=1)
    classes: list[IndexClassName] = Field(default_factory=_all_index_classes)

    @field_validator("classes", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [x for x in v.replace(";", ",").replace(" ", ",").split(",") if x] if isinstance(v, str) else v

    @field_validator("mean_per_year")
    @classmethod
    def _nonnegative(cls, v: Any) -> Any:
        values = v.values() if isinstance(v, dict) else [v]
        if any(x < 0 or x > 12 for x in values):
            raise ValueError("een gemiddeld aantal overschrijdingen per jaar moet tussen 0 en 12 liggen")
        return v

    @field_validator("mean")
    @classmethod
    def _rates(cls, v: Any) -> Any:
        values = v.values() if isinstance(v, dict) else [v]
        if any(not -0.5 < x < 1 for x in values):
            raise ValueError("inflatie is een breuk per jaar zoals 0.02 (2%)")
        return v


class ContributionUncertainty(_Model):
    """Extra yearly growth of the member contribution on top of the scenario (and the CPI rule)."""

    growth_mean: Num = Field(0.0, gt=-0.5, lt=1)
    growth_sd: Num = Field(0.0, ge=0, le=0.5)
    from_year: int | None = None


class SubsidyUncertainty(_Model):
    """Renewal at the subsidy's end date with probability ``renewal``; otherwise ``policy``."""

    renewal: Num = Field(ge=0, le=1)
    policy: Literal["stop", "keep_staff"] = "stop"  # the scenario engine's policies (one meaning per word)
    until: Annotated[dt.date | None, BeforeValidator(_date)] = None
    notice_months: int | None = Field(None, ge=0, le=24)  # None: statutory notice

    @field_validator("policy", mode="before")
    @classmethod
    def _retired(cls, v: Any) -> Any:
        return refuse_retired_policy(v)


class UncertaintySpec(_Model):
    """The ``[uncertainty]`` table of a scenario."""

    paths: int = Field(DEFAULT_PATHS, ge=1, le=10_000_000)
    seed: int = Field(DEFAULT_SEED, ge=0)
    index: IndexUncertainty = Field(default_factory=IndexUncertainty)
    contribution: ContributionUncertainty = Field(default_factory=ContributionUncertainty)
    subsidies: dict[str, SubsidyUncertainty] = Field(default_factory=dict)
    description: str = ""
    #: "realisatie": add the forecast error measured on the workbook's accounts (w13xl.calibration)
    calibrate: Literal["none", "realisatie"] = "none"
    accounts_sheet: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _ints(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            for k in ("paths", "seed"):
                v = _number(data.get(k))
                if isinstance(v, float) and v.is_integer():
                    data[k] = int(v)
        return data


def _error(exc: ValidationError, scenario: Scenario | None) -> InputError:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"])
    key = "uncertainty" + (f".{loc}" if loc else "")
    msg = pydantic_message(err)
    given = err.get("input")
    if given is not None and not isinstance(given, (dict, list)):
        msg += f" (gegeven: {given!r})"
    file = scenario.source if scenario is not None else None
    cells = getattr(scenario, "_uncertainty_cells", {}) if scenario is not None else {}
    cell = None
    if cells:  # a sheet scenario: point at the cell of the closest key
        parts = loc.split(".")
        while parts and ".".join(parts) not in cells:
            parts.pop()
        cell = cells.get(".".join(parts)) if parts else next(iter(cells.values()))
    if cell and file and " [" in file:
        path, sheet = file.rsplit(" [", 1)
        return InputError(msg, file=path, sheet=sheet.rstrip("]"), cell=cell, key=key)
    return InputError(msg, file=file, key=key)


def uncertainty_spec(scenario: Scenario | Mapping[str, Any] | None) -> UncertaintySpec:
    """Validate a scenario's ``uncertainty`` dict (errors name the file and key, or sheet and
    cell). No table: no uncertainty (a path is the scenario)."""
    data = scenario.uncertainty if isinstance(scenario, Scenario) else scenario
    try:
        return UncertaintySpec.model_validate(dict(data or {}))
    except ValidationError as exc:
        raise _error(exc, scenario if isinstance(scenario, Scenario) else None) from None


# -- running scenarios with extra changes ------------------------------------------------------
def extended(scenario: Scenario | None, library: ScenarioLibrary | None, extra: Sequence[Any],
             name: str | None = None, title: str | None = None) -> tuple[Scenario, ScenarioLibrary]:
    """The scenario's flattened changes plus ``extra`` as a new scenario (on the baseline)."""
    base_changes = [] if scenario is None else (library or ScenarioLibrary([scenario])).changes(scenario)
    base_name = BASELINE if scenario is None else scenario.name
    new = Scenario(name=name or base_name, title=title or (scenario.title if scenario else "Meerjarenplan (basis)"),
                   description="" if scenario is None else scenario.description, extends=BASELINE,
                   changes=[*base_changes, *extra])
    new._source = None if scenario is None else scenario.source
    return new, ScenarioLibrary([new])


def _scenario_or_baseline(scenario: Scenario | None) -> Scenario:
    return scenario if scenario is not None else Scenario(name=BASELINE, title="Meerjarenplan (basis)")


# -- measuring with the engine -----------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Exposure:
    """What one engine state gives to the linear path model.

    ``es_v`` (2, years): exploitation saldo and budget result. ``classes[c]`` (2, years): the
    ES/V change per unit relative change of index class c's multiplier. ``contribution``:
    member contribution per year. ``minimum``: minimum reserve per year (or None)."""

    es_v: np.ndarray
    classes: dict[str, np.ndarray]
    contribution: np.ndarray
    minimum: np.ndarray | None
    wage_cost: np.ndarray  # the state's roster wage cost (minimum reserve rule, issue 9)


def _exposure(base: Baseline, run: ScenarioRun, state) -> Exposure:
    n = len(base.years)
    es_v = np.stack([run.m2["exploitatiesaldo"], run.m2["budgettair_resultaat"]])
    classes: dict[str, np.ndarray] = {}
    for klass in INDEX_CLASSES:
        members = ("loon", "volgt_loon") if klass == "loon" else (klass,)
        deltas = index_deltas(base, state.lines, {k: np.full(n, 2.0) for k in members}, state.wage_parts())
        es = np.zeros(n)
        v = np.zeros(n)
        for key, delta in deltas.items():
            signed = delta if key.direction == O else -delta
            v += signed
            if key.category == EXPLOITATIE:
                es += signed
        classes[klass] = np.stack([es, v])
    minimum = None if run.m2.minimum_reserve is None else np.asarray(run.m2.minimum_reserve, dtype=float)
    return Exposure(es_v, classes, np.asarray(state.contribution, dtype=float).copy(), minimum,
                    np.asarray(state.wage_cost(), dtype=float))


@dataclass(frozen=True, eq=False)
class SubsidyOutcomes:
    """Effects (outcome minus scenario) of renewing / not renewing one subsidy."""

    subsidy: str
    renewal: float
    renew: Exposure  # as differences
    fail: Exposure
    renew_change: Any
    fail_change: Any


def _diff(a: Exposure, b: Exposure) -> Exposure:
    minimum = None if a.minimum is None or b.minimum is None else a.minimum - b.minimum
    return Exposure(a.es_v - b.es_v, {k: a.classes[k] - b.classes[k] for k in a.classes},
                    a.contribution - b.contribution, minimum, a.wage_cost - b.wage_cost)


@dataclass(frozen=True, eq=False)
class Prepared:
    """Everything a path needs, measured once with the engine (see the module doc)."""

    baseline: Baseline
    scenario: Scenario
    spec: UncertaintySpec
    run: ScenarioRun
    central: Exposure
    subsidies: tuple[SubsidyOutcomes, ...]
    wage_based_minimum: bool
    contribution_from: int
    central_index: dict[str, np.ndarray] = field(default_factory=dict)
    calibration: Any = None  # w13xl.calibration.Calibration when calibrate = "realisatie"

    @property
    def years(self) -> tuple[int, ...]:
        return self.baseline.years


def subsidy_outcome_changes(base: Baseline, windows: Mapping[str, tuple], sid: str, u: SubsidyUncertainty,
                            scenario: Scenario | None = None) -> tuple[SubsidyRenewChange, SubsidyEndChange]:
    """The two deterministic changes behind a renewal probability."""
    key = f"uncertainty.subsidies.{sid}"
    s = base.subsidies.get(sid)
    if s is None:
        raise InputError(f"onbekende subsidie '{sid}'", file=scenario.source if scenario else None, key=key,
                         expected=f"een subsidie van het register: {', '.join(base.subsidies) or '(geen)'}")
    end = windows[sid][1]
    last = dt.date(base.years[-1], 12, 31)
    if end is None or end >= last:
        raise InputError(f"subsidie {sid} eindigt niet binnen het plan, er valt dus niets te verlengen",
                         file=scenario.source if scenario else None, key=key,
                         expected="een subsidie met een einddatum voor de laatste dag van het plan")
    until = u.until or last
    if until <= end:
        raise InputError(f"until {until:%d/%m/%Y} ligt niet na het einde van de subsidie {end:%d/%m/%Y}",
                         file=scenario.source if scenario else None, key=f"{key}.until")
    renew = SubsidyRenewChange(type="subsidy_renew", subsidy=sid, until=until)
    fail = SubsidyEndChange(type="subsidy_end", subsidy=sid, date=end, policy=u.policy,
                            notice_months=u.notice_months)
    return renew, fail


def prepare(baseline: Baseline, scenario: Scenario | None = None, library: ScenarioLibrary | None = None,
            spec: UncertaintySpec | None = None) -> Prepared:
    """Measure the scenario and each subsidy outcome with the engine (a few ms)."""
    scenario = _scenario_or_baseline(scenario)
    spec = spec if spec is not None else uncertainty_spec(scenario)
    library = library or ScenarioLibrary([scenario])
    engine = Engine(baseline)
    run, state = engine.run_state(scenario, library)
    central = _exposure(baseline, run, state)
    outcomes = []
    for sid, u in spec.subsidies.items():
        renew_ch, fail_ch = subsidy_outcome_changes(baseline, state.windows, sid, u, scenario)
        parts = []
        for ch in (renew_ch, fail_ch):
            s2, lib2 = extended(scenario, library, [ch])
            r2, st2 = engine.run_state(s2, lib2)
            parts.append(_diff(_exposure(baseline, r2, st2), central))
        outcomes.append(SubsidyOutcomes(sid, float(u.renewal), parts[0], parts[1], renew_ch, fail_ch))
    years = baseline.years
    from_year = spec.contribution.from_year or (years[1] if len(years) > 1 else years[0])
    if from_year not in years:
        raise InputError(f"jaar {from_year} valt buiten het plan", file=scenario.source,
                         key="uncertainty.contribution.from_year", expected=f"een jaar in {years[0]}-{years[-1]}")
    wage_based = baseline.params.minimum_reserve_pct is not None and baseline.wage_cost_base() is not None
    prepared = Prepared(baseline, scenario, spec, run, central, tuple(outcomes), wage_based, from_year)
    if spec.index.model == "inflation":
        rates = _central_rates(spec.index, years)[None, :]
        object.__setattr__(prepared, "central_index", {k: v[0] for k, v in inflation_paths(rates, years).items()})
    if spec.calibrate == "realisatie":
        calibrate = getattr(baseline, "calibrate", None)
        cal = calibrate(sheet=spec.accounts_sheet) if calibrate is not None else None
        if cal is None:
            raise InputError("calibrate = 'realisatie' vraagt een jaarrekening voor minstens één planjaar",
                             file=scenario.source,
                             key="uncertainty.calibrate",
                             expected="een blad 'Rekening ...' (of accounts_sheet) met rekeningen zoals 'JR 2026'")
        object.__setattr__(prepared, "calibration", cal)
    return prepared


# -- index paths (vectorised over paths) -------------------------------------------------------
def _per_year(value: float | Mapping[int, float], years: Sequence[int], default: float) -> np.ndarray:
    if isinstance(value, Mapping):
        return np.array([float(value.get(y, default)) for y in years])
    return np.full(len(years), float(value))


def _central_rates(u: IndexUncertainty, years: Sequence[int]) -> np.ndarray:
    return _per_year(u.mean, years, 0.02)


def inflation_paths(rates: np.ndarray, years: Sequence[int]) -> dict[str, np.ndarray]:
    """Yearly multipliers (paths, years) of wages (health index through the pivot mechanism),
    prices and the member contribution for yearly inflation ``rates`` (paths, years), exactly as
    the engine's ``index`` change with ``inflation`` computes them for one path."""
    rates = np.atleast_2d(np.asarray(rates, dtype=float))
    t0 = years[0]
    monthly = np.repeat((1.0 + rates) ** (1 / 12) - 1.0, 12, axis=-1)
    health = ix.bundled_health_index().slice((t0 - 1, 10), (t0 - 1, 12))
    path = ix.health_index_path(health, monthly)
    result = ix.pivot_mechanism(path.values, start=path.start, pivot=PIVOT_AFTER_2025, coefficient=1.0)
    level = result.coefficient[..., 3:] / result.coefficient[..., 3:4]
    wages = ix.yearly_average_multipliers(level, (t0, 1), years)
    ones = np.ones((*rates.shape[:-1], 1))
    prices = np.cumprod(np.concatenate([ones, 1.0 + rates[..., 1:]], axis=-1), axis=-1)
    contribution = np.cumprod(np.concatenate([ones, 1.0 + rates[..., :-1]], axis=-1), axis=-1)
    return {"loon": wages, "prijzen": prices, "bijdrage": contribution}


def crossing_multipliers(crossed: np.ndarray, n_years: int, delay: int = 2, step: float = 0.02) -> np.ndarray:
    """Yearly average wage multipliers (paths, years) from extra crossings per month
    (paths, 12 x years, bool), each raising wages by ``step`` ``delay`` months later, like the
    engine's ``extra_crossings`` (relative to 1 January of the first year)."""
    n = crossed.shape[0]
    months = 12 * n_years
    steps = np.zeros((n, months), dtype=np.int16)
    if delay < months:
        steps[:, delay:] = np.cumsum(crossed, axis=-1, dtype=np.int16)[:, : months - delay]
    table = (1.0 + step) ** np.arange(months + 1)
    level = table[steps]
    return level.reshape(n, n_years, 12).mean(axis=-1)


def _draw_crossings(rng: np.random.Generator, n: int, u: IndexUncertainty, years: Sequence[int],
                    want_months: bool = False):
    lam = _per_year(u.mean_per_year, years, 0.0)
    counts = np.minimum(rng.poisson(lam, size=(n, len(years))), u.max_per_year)
    ratio = np.ones((n, len(years)))
    rows = np.flatnonzero(counts.any(axis=1))
    crossed = np.zeros((n, len(years), 12), dtype=bool)
    if rows.size:
        keys = rng.random((rows.size, len(years), 12))
        order = np.argsort(keys, axis=-1)  # a random permutation of the months per path-year
        take = np.arange(12)[None, None, :] < counts[rows][:, :, None]
        sub = np.zeros((rows.size, len(years), 12), dtype=bool)
        np.put_along_axis(sub, order, take, axis=-1)
        crossed[rows] = sub
        ratio[rows] = crossing_multipliers(sub.reshape(rows.size, -1), len(years))
    return (ratio, crossed) if want_months else ratio


def _draw_inflation(rng: np.random.Generator, n: int, u: IndexUncertainty, years: Sequence[int]) -> np.ndarray:
    mean = _central_rates(u, years)
    z = rng.standard_normal((n, len(years)))
    if u.sd == 0:
        return np.broadcast_to(mean, (n, len(years))).copy()
    eps = np.empty_like(z)
    phi = float(u.persistence)
    eps[:, 0] = z[:, 0]
    for t in range(1, len(years)):
        eps[:, t] = phi * eps[:, t - 1] + np.sqrt(1 - phi * phi) * z[:, t]
    return mean + u.sd * eps


# -- the simulation ----------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Draws:
    """The random inputs of a batch of paths (for tests and for replaying a path in the engine)."""

    index_ratio: dict[str, np.ndarray]  # class -> (paths, years), 1 = as the scenario
    inflation: np.ndarray | None  # (paths, years) drawn rates (inflation model)
    crossings: np.ndarray | None  # (paths, years, 12) extra crossings (crossings model)
    growth: np.ndarray  # (paths, years) extra contribution growth
    renewed: np.ndarray  # (paths, subsidies) bool
    es_noise: np.ndarray | None = None  # (paths, years) forecast error of ES and V (calibrate)


def draw(prepared: Prepared, n: int, seed_seq: np.random.SeedSequence, keep: bool = False) -> Draws:
    spec = prepared.spec
    years = prepared.years
    ny = len(years)
    s_index, s_contr, s_subs = (np.random.default_rng(s) for s in seed_seq.spawn(3))
    ratios: dict[str, np.ndarray] = {}
    inflation = crossings = None
    if spec.index.model == "crossings":
        ratio, crossings = _draw_crossings(s_index, n, spec.index, years, want_months=True)
        ratios["loon"] = ratio
        if not keep:
            crossings = None
    elif spec.index.model == "inflation":
        inflation = _draw_inflation(s_index, n, spec.index, years)
        drawn = inflation_paths(inflation, years)
        for klass in spec.index.classes:
            ratios[klass] = drawn[klass] / prepared.central_index[klass]
        if not keep:
            inflation = None
    c = spec.contribution
    growth = np.zeros((n, ny))
    active = np.array([y >= prepared.contribution_from for y in years])
    if c.growth_sd > 0 or c.growth_mean != 0:
        g = c.growth_mean + c.growth_sd * s_contr.standard_normal((n, ny))
        growth[:, active] = g[:, active]
    p = np.array([o.renewal for o in prepared.subsidies])
    renewed = s_subs.random((n, len(p))) < p[None, :]
    noise = None
    if prepared.calibration is not None:  # a fourth stream: the first three stay as they were
        noise = prepared.calibration.draw_es(np.random.default_rng(seed_seq.spawn(1)[0]), n)
    return Draws(ratios, inflation, crossings, growth, renewed, noise)


def evaluate(prepared: Prepared, d: Draws) -> dict[str, np.ndarray]:
    """ES, V, reserve, BBR, AFM and the minimum reserve per path and year (paths, years)."""
    central = prepared.central
    n = d.growth.shape[0]
    ny = len(prepared.years)
    es_v = np.broadcast_to(central.es_v, (n, 2, ny)).copy()
    # only the classes the paths move (an exposure is ES/V per unit change of a class)
    exposures = {k: np.broadcast_to(v, (n, 2, ny)) for k, v in central.classes.items() if k in d.index_ratio}
    minimum = None if central.minimum is None else np.broadcast_to(central.minimum, (n, ny)).copy()
    wage_cost = np.broadcast_to(central.wage_cost, (n, ny)).copy()
    if prepared.subsidies:
        b = d.renewed.astype(float)

        def mix(get) -> np.ndarray:
            # renewed b: the renewal's effect, else the failure's: sum(fail) + b @ (renew - fail)
            r = np.stack([get(o.renew) for o in prepared.subsidies])  # (K, ...)
            f = np.stack([get(o.fail) for o in prepared.subsidies])
            return f.sum(axis=0) + np.tensordot(b, r - f, axes=1)

        es_v += mix(lambda e: e.es_v)
        exposures = {k: exposures[k] + mix(lambda e, k=k: e.classes[k]) for k in exposures}
        if minimum is not None and all(o.renew.minimum is not None for o in prepared.subsidies):
            minimum += mix(lambda e: e.minimum)
        wage_cost += mix(lambda e: e.wage_cost)
    for klass, ratio in d.index_ratio.items():
        es_v += exposures[klass] * (ratio - 1.0)[:, None, :]
    growth = np.cumprod(1.0 + d.growth, axis=-1)
    bijdrage = d.index_ratio.get("bijdrage")
    factor = growth if bijdrage is None else growth * bijdrage
    contribution = central.contribution[None, :] * (factor - 1.0)
    es_v[:, 0, :] += contribution
    es_v[:, 1, :] += contribution
    if d.es_noise is not None:
        es_v[:, 0, :] += d.es_noise
        es_v[:, 1, :] += d.es_noise
    params = prepared.baseline.params
    years = prepared.years
    net_repayments = params.per_year("repayments", years) - params.per_year("recoveries", years)
    reserve = params.opening_reserve + np.cumsum(es_v[:, 1, :], axis=-1)
    pct = prepared.baseline.params.minimum_reserve_pct
    if minimum is not None and pct is not None and "loon" in d.index_ratio:
        # the minimum moves by pct of the change in wage cost (engine.minimum_reserve_rule)
        minimum = minimum + float(pct) * wage_cost * (d.index_ratio["loon"] - 1.0)
    return {
        "exploitatiesaldo": es_v[:, 0, :],
        "budgettair_resultaat": es_v[:, 1, :],
        GBR: reserve,
        BBR: reserve - params.per_year("unavailable", years),
        AFM: es_v[:, 0, :] - net_repayments,
        "minimumreserve": minimum,
    }


@dataclass(frozen=True, eq=False)
class Simulation:
    """Percentiles and probabilities of a Monte Carlo run (amounts in euro, unrounded)."""

    scenario: str
    title: str
    years: tuple[int, ...]
    paths: int
    seed: int
    percentiles: dict[str, np.ndarray]  # line key -> (len(PERCENTILES), years)
    minimum_reserve: np.ndarray | None  # median over the paths (each path's follows its wage cost)
    minimum_percentiles: np.ndarray | None  # when it differs between paths
    p_reserve_below_minimum_any: float | None
    p_reserve_below_minimum: np.ndarray | None  # per year
    p_afm_last_negative: float
    p_bbr_negative_any: float
    deterministic: ScenarioRun
    spec: UncertaintySpec
    values: dict[str, np.ndarray | None] | None = None  # the paths themselves when kept (minimumreserve: or None)
    calibration: dict | None = None  # what the spread rests on (calibrate = "realisatie")

    def percentile(self, key: str, p: int) -> np.ndarray:
        return self.percentiles[key][PERCENTILES.index(p)]

    @property
    def calibration_note(self) -> str | None:
        """'Kalibratie op de rekening: rust op N jaar (...)' when the spread is calibrated on the
        accounts (calibrate = "realisatie"): printed with every calibrated result."""
        return None if self.calibration is None else str(self.calibration["opmerking"])

    def to_dict(self) -> dict:
        """JSON: the M2 keys with {"P5": [...], ...} per line, the minimum reserve and the
        probabilities."""
        out: dict[str, Any] = {"scenario": self.scenario, "title": self.title, "paths": self.paths,
                               "seed": self.seed, "years": list(self.years),
                               "percentiles": [f"P{p}" for p in PERCENTILES]}
        for key in OUTPUT_LINES:
            out[key] = {f"P{p}": [float(v) for v in row]
                        for p, row in zip(PERCENTILES, self.percentiles[key], strict=True)}
        out["minimumreserve"] = None if self.minimum_reserve is None else [float(v) for v in self.minimum_reserve]
        if self.minimum_percentiles is not None:
            out["minimumreserve_percentielen"] = {f"P{p}": [float(v) for v in row]
                                                  for p, row in zip(PERCENTILES, self.minimum_percentiles, strict=True)}
        out["deterministisch"] = {key: [float(v) for v in self.deterministic.m2[key]] for key in OUTPUT_LINES}
        out["kansen"] = {
            "reserve_onder_minimum_ooit": self.p_reserve_below_minimum_any,
            "reserve_onder_minimum_per_jaar": None if self.p_reserve_below_minimum is None
            else [float(v) for v in self.p_reserve_below_minimum],
            "afm_laatste_jaar_negatief": self.p_afm_last_negative,
            "bbr_negatief_ooit": self.p_bbr_negative_any,
        }
        out["onzekerheid"] = self.spec.model_dump(mode="json")
        if self.calibration is not None:
            out["kalibratie"] = self.calibration
        return out


def simulate(baseline: Baseline, scenario: Scenario | None = None, library: ScenarioLibrary | None = None, *,
             paths: int | None = None, seed: int | None = None, spec: UncertaintySpec | None = None,
             progress: Callable[[int, int], None] | None = None, keep_paths: bool = False,
             prepared: Prepared | None = None) -> Simulation:
    """Run the Monte Carlo for a scenario (default: the baseline plan with its own
    ``[uncertainty]`` table). ``paths``/``seed`` override the table. ``progress(done, total)`` is
    called after each chunk of paths."""
    if prepared is None:
        prepared = prepare(baseline, scenario, library, spec)
    spec = prepared.spec
    n = int(paths if paths is not None else spec.paths)
    if n < 1:
        raise InputError(f"het aantal paden moet minstens 1 zijn (gegeven: {n})")
    seed = int(spec.seed if seed is None else seed)
    years = prepared.years
    ny = len(years)
    n_chunks = -(-n // CHUNK)
    seqs = np.random.SeedSequence(seed).spawn(n_chunks)
    store = {k: np.empty((n, ny)) for k in (GBR, BBR, AFM)}
    minimum_paths = None
    for i, seq in enumerate(seqs):
        lo, hi = i * CHUNK, min(n, (i + 1) * CHUNK)
        values = evaluate(prepared, draw(prepared, hi - lo, seq))
        for k in store:
            store[k][lo:hi] = values[k]
        if values["minimumreserve"] is not None:
            if minimum_paths is None:
                minimum_paths = np.empty((n, ny))
            minimum_paths[lo:hi] = values["minimumreserve"]
        if progress is not None:
            progress(hi, n)
    return summarise(prepared, store, minimum_paths, n, seed, keep_paths)


def summarise(prepared: Prepared, store: dict[str, np.ndarray], minimum_paths: np.ndarray | None, n: int,
              seed: int, keep_paths: bool = False) -> Simulation:
    q = np.array(PERCENTILES, dtype=float)
    pct = {k: np.percentile(v, q, axis=0) for k, v in store.items()}
    run = prepared.run
    below_any = below = None
    minimum_pct = None
    if minimum_paths is not None:
        breach = store[GBR] < minimum_paths - HALF_CENT
        below_any = float(breach.any(axis=1).mean())
        below = breach.mean(axis=0)
        if np.ptp(minimum_paths, axis=0).max() > 0:
            minimum_pct = np.percentile(minimum_paths, q, axis=0)
    p_afm = float((store[AFM][:, -1] < -HALF_CENT).mean())
    p_bbr = float((store[BBR] < -HALF_CENT).any(axis=1).mean())
    values: dict[str, np.ndarray | None] | None = None
    if keep_paths:
        values = dict(store)
        values["minimumreserve"] = minimum_paths
    return Simulation(scenario=prepared.scenario.name, title=prepared.scenario.title or prepared.scenario.name,
                      years=prepared.years, paths=n, seed=seed, percentiles=pct,
                      minimum_reserve=run.m2.minimum_reserve if minimum_paths is None
                      else np.percentile(minimum_paths, 50, axis=0),
                      minimum_percentiles=minimum_pct,
                      p_reserve_below_minimum_any=below_any, p_reserve_below_minimum=below,
                      p_afm_last_negative=p_afm, p_bbr_negative_any=p_bbr, deterministic=run,
                      spec=prepared.spec, values=values,
                      calibration=None if prepared.calibration is None else prepared.calibration.to_dict())


def path_changes(prepared: Prepared, d: Draws, i: int) -> list:
    """The deterministic changes that path ``i`` of ``d`` stands for (drawn with ``keep=True``),
    to append to the scenario and check a path against the engine."""
    years = prepared.years
    out: list = []
    for o, b in zip(prepared.subsidies, d.renewed[i], strict=True):
        out.append(o.renew_change if b else o.fail_change)
    for y, g in zip(years, d.growth[i], strict=True):
        if g != 0:
            out.append(ContributionChange(type="contribution", from_year=y, pct=float(g)))
    u = prepared.spec.index
    if u.model == "crossings" and d.crossings is not None and d.crossings[i].any():
        months = [f"{years[yi]}-{m + 1:02d}" for yi, m in zip(*np.nonzero(d.crossings[i]), strict=True)]
        out.append(IndexChange(type="index", classes=["loon"], extra_crossings=months))
    elif u.model == "inflation" and d.inflation is not None:
        out.append(IndexChange(type="index", classes=["loon"],
                               inflation={y: float(r) for y, r in zip(years, d.inflation[i], strict=True)}))
    return out
