"""Monte Carlo: how likely the reserve stays above the minimum and the AFM ends positive.

Pure core (numpy; pydantic for the input). A scenario's ``[uncertainty]`` table (TOML) or its
``onzekerheid`` rows on the workbook's "Scenario's" sheet declare the uncertain inputs::

    [uncertainty]
    paths = 10000          # default number of paths
    seed = 2026            # same seed, same numbers

    [uncertainty.index]    # ONE index model (or none)
    model = "inflation"    # yearly inflation ~ Normal(mean, sd), AR(1) with `persistence`:
    mean = 0.02            # each path is an `index` change with `inflation` = its drawn rates
    sd = 0.01              # (wages through the pivot mechanism, prices and the member
    persistence = 0.5      # contribution through the CPI: the engine's rule)
    # model = "crossings"  # extra pivot crossings per year ~ Poisson(mean_per_year), in
    # mean_per_year = 0.3  # months drawn uniformly: an `index` change with `extra_crossings`

    [uncertainty.contribution]   # extra yearly growth of the member contribution
    growth_mean = 0.0
    growth_sd = 0.01
    from_year = 2027

    [uncertainty.subsidies.SUB-PACT]   # renewed at its end date with this probability,
    renewal = 0.6                      # else `policy` applies (stop: the project stops;
    policy = "keep_staff"              # keep_staff: its staff stay, paid by W13; partners stop)
    until = 2031-12-31

**A path is a scenario.** Path ``i`` is the scenario's own changes (with the chain it extends)
followed by its drawn inputs written as ordinary scenario changes (:func:`paths_changes`, the one
definition): (1) per uncertain subsidy ``subsidy_renew`` (until) or ``subsidy_end`` at its end
date with the policy, (2) one ``contribution`` change with each year's drawn growth (``pcts``:
the same as one ``pct`` change per year; years without growth are left out), (3) one ``index``
change: ``inflation`` = the path's drawn rates for the drawn classes, or ``extra_crossings`` = its
drawn months, (4) with
``calibrate = "realisatie"`` one ``line`` change: the drawn forecast error of the exploitation
saldo as an exploitation receipt of the general operation (:data:`CALIBRATION_ACTION`). The
paths are drawn in chunks of :data:`CHUNK` (each from its own stream spawned from the seed; a
chunk is the unit of work of a worker process, ``simulate(workers=N)``), and the paths of a
chunk are run :data:`BATCH` at a time, each batch one call of
:func:`w13xl.scenario.run_scenarios`; a path's figures *are* the engine's answer for its changes
(whatever the chunk, batch or process it ran in), and ``w13xl onzekerheid --export-paths`` writes
a path as a scenario file that ``w13xl scenario`` runs to the same cents. Paths with the same
draws (e.g. only renewal probabilities: at most 2^K different paths) are run once.

**What that means (stated):**

* The ``inflation`` model *replaces* the index path of its classes (``index.classes``, default
  wages, prices and the member contribution): it is the path. With sd 0 a path is the scenario
  plus an ``index`` change with ``inflation = mean``, which differs from a flat-rate scenario by
  the timing of the pivot steps (give the scenario that change, as ``scenarios/onzekerheid.toml``
  does, and a zero-variance path is the scenario to the cent). A scenario that sets or skips the
  indexation of a drawn class itself (``index`` with rate/rates/crossings/extra_crossings, another
  ``inflation``, ``indexsprong``) is refused with the model ``inflation``: the draw would erase it.
  The ``crossings`` model adds its crossings on top of the scenario's wage path (never refused).
* Every other drawn input is a deviation from the scenario: with zero variance (sd 0, mean 0
  crossings, growth 0, renewal 0 with the planned end's own policy) a path is the scenario.
* The drawn changes come after the scenario's: staff a renewal or a ``keep_staff`` policy keeps
  follow the drawn index through their action's wage share (the engine's rule for an index change
  after roster changes); the minimum reserve follows each path's wage cost (the engine's rule).
* Nothing is approximated: every drawn input is expressible as a change. The calibrated error is
  drawn per class (receipts, staff, other costs, pass-through net: :mod:`w13xl.calibration`) and
  enters as its net effect on one exploitation line, which is all schema M2 reads of it.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar

import numpy as np
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from .errors import InputError
from .m2 import HALF_CENT, LINE_KEYS
from .messages import pydantic_message
from .numbers import parse_date
from .scenario import run_scenarios
from .scenario.engine import CONTRIBUTION_ACTION, Baseline, collector_paused
from .scenario.result import ScenarioRun
from .scenario.spec import (
    BASELINE,
    MAX_CONTRIBUTION_PCT,
    MAX_INDEX_RATE,
    ContributionChange,
    IndexChange,
    IndexsprongChange,
    LineChange,
    Scenario,
    ScenarioLibrary,
    SubsidyEndChange,
    SubsidyRenewChange,
    refuse_retired_policy,
)
from .scenario.writer import scenario_toml

PERCENTILES: tuple[int, ...] = (5, 25, 50, 75, 95)
GBR = "gecumuleerd_budgettair_resultaat"
BBR = "beschikbaar_budgettair_resultaat"
AFM = "autofinancieringsmarge"
OUTPUT_LINES = (GBR, BBR, AFM)
#: Paths per chunk: each chunk draws from its own random stream spawned from the seed (so the
#: numbers depend neither on the progress display nor on how many processes run the chunks) and
#: is the unit of work of a worker process (:func:`simulate`).
CHUNK = 10_000
#: Distinct paths per :func:`run_scenarios` call within a chunk: what bounds the memory. The engine
#: holds every plan line of every scenario of a call (a few hundred lines x 6 years x 8 bytes, some
#: 15 kB a path, with its copies while it computes) and the path's change objects: a call of 5.000
#: paths takes some 40 MB; the time per path hardly depends on it from a few thousand on.
BATCH = 5_000
DEFAULT_PATHS = 10_000
DEFAULT_SEED = 2026
#: The action whose exploitation receipts carry a path's calibrated forecast error (the general
#: operation, which also receives the member contribution): schema M2 reads only the totals.
CALIBRATION_ACTION = CONTRIBUTION_ACTION
IndexClassName = Literal["loon", "prijzen", "bijdrage"]
INDEX_CLASSES: tuple[IndexClassName, ...] = ("loon", "prijzen", "bijdrage")
_M = TypeVar("_M", bound=BaseModel)


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
#: One number, or one per year (``{2027 = 0.3}``).
PerYear = Num | dict[int, Num]


def _whole(value: Any) -> Any:
    """A count as a cell may hold it (10000.0, '10 000', '1e4'); anything else is left for pydantic to refuse."""
    v = _number(value)
    return int(v) if isinstance(v, float) and v.is_integer() else value


Count = Annotated[int, BeforeValidator(_whole)]


def _each(ok: Callable[[float], bool], message: str) -> AfterValidator:
    """A check of one number, or of each number of a per-year table."""

    def check(v: Any) -> Any:
        if not all(ok(x) for x in (v.values() if isinstance(v, dict) else [v])):
            raise ValueError(message)
        return v

    return AfterValidator(check)


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
    mean_per_year: Annotated[PerYear, _each(lambda x: 0 <= x <= 12, "een gemiddeld aantal overschrijdingen per "
                                            "jaar moet tussen 0 en 12 liggen")] = 0.0
    max_per_year: int = Field(6, ge=0, le=12)
    #: inflation: central yearly inflation (one rate or per year), its sd and AR(1) persistence.
    mean: Annotated[PerYear, _each(lambda x: -0.5 < x < 1, "inflatie is een breuk per jaar zoals 0.02 (2%)")] = 0.02
    sd: Num = Field(0.0, ge=0, le=0.5)
    persistence: Num = Field(0.0, ge=0, lt=1)
    #: one class or several: a list, or text separated by commas, semicolons or spaces
    classes: Annotated[list[IndexClassName], BeforeValidator(
        lambda v: [x for x in v.replace(";", ",").replace(" ", ",").split(",") if x] if isinstance(v, str) else v)
    ] = Field(default_factory=lambda: list(INDEX_CLASSES))

    def central(self, years: Sequence[int]) -> np.ndarray:
        """The central inflation per year (``mean``; a year its table leaves out: 2%)."""
        return _per_year(self.mean, years, 0.02)


class ContributionUncertainty(_Model):
    """Extra yearly growth of the member contribution on top of the scenario (and the CPI rule)."""

    growth_mean: Num = Field(0.0, gt=-0.5, lt=1)
    growth_sd: Num = Field(0.0, ge=0, le=0.5)
    from_year: int | None = None


class SubsidyUncertainty(_Model):
    """Renewal at the subsidy's end date with probability ``renewal``; otherwise ``policy``."""

    renewal: Num = Field(ge=0, le=1)
    #: the scenario engine's policies (one meaning per word; the retired 'keep' refused as there)
    policy: Annotated[Literal["stop", "keep_staff"], BeforeValidator(refuse_retired_policy)] = "stop"
    until: Annotated[dt.date | None, BeforeValidator(_date)] = None
    notice_months: int | None = Field(None, ge=0, le=24)  # None: statutory notice


class UncertaintySpec(_Model):
    """The ``[uncertainty]`` table of a scenario."""

    paths: Count = Field(DEFAULT_PATHS, ge=1, le=10_000_000)
    seed: Count = Field(DEFAULT_SEED, ge=0)
    index: IndexUncertainty = Field(default_factory=IndexUncertainty)
    contribution: ContributionUncertainty = Field(default_factory=ContributionUncertainty)
    subsidies: dict[str, SubsidyUncertainty] = Field(default_factory=dict)
    description: str = ""
    #: "realisatie": add the forecast error measured on the workbook's accounts (w13xl.calibration)
    calibrate: Literal["none", "realisatie"] = "none"
    accounts_sheet: str | None = None


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


def scenario_and_library(scenario: Scenario | None,
                         library: ScenarioLibrary | None) -> tuple[Scenario, ScenarioLibrary]:
    """The scenario (None: the plan as it is) and its library (None: the scenario alone)."""
    scenario = scenario if scenario is not None else Scenario(name=BASELINE, title="Meerjarenplan (basis)")
    return scenario, library or ScenarioLibrary([scenario])


# -- what the scenario fixes once --------------------------------------------------------------
@dataclass(frozen=True)
class SubsidyOutcome:
    """The two changes behind a renewal probability: renewed (``renew``) or not (``fail``)."""

    subsidy: str
    renewal: float
    renew: SubsidyRenewChange
    fail: SubsidyEndChange


@dataclass(frozen=True, eq=False)
class Prepared:
    """The scenario, its validated ``[uncertainty]`` table and its deterministic run."""

    baseline: Baseline
    scenario: Scenario
    spec: UncertaintySpec
    changes: tuple[Any, ...]  # the scenario's own changes, its chain flattened (root first)
    run: ScenarioRun  # the scenario itself (the "plan" row of the outputs)
    subsidies: tuple[SubsidyOutcome, ...]
    contribution_from: int
    index_classes: tuple[str, ...]  # the `classes` of a path's inflation change
    calibration: Any = None  # w13xl.calibration.Calibration when calibrate = "realisatie"

    @property
    def years(self) -> tuple[int, ...]:
        return self.baseline.years


def _touched(ch: Any) -> set[str]:
    """The index classes a scenario change sets or skips (``volgt_loon`` counted as ``loon``)."""
    classes: set[str]
    if isinstance(ch, IndexChange):
        if ch.inflation is not None and ch.classes == ["loon"]:
            classes = set(INDEX_CLASSES)  # the engine's rule: an inflation change moves every class
        elif ch.crossings is not None or ch.extra_crossings is not None:
            classes = {"loon"}
        else:
            classes = set(ch.classes)
    elif isinstance(ch, IndexsprongChange):
        classes = set(ch.classes)
    else:
        return set()
    return {"loon" if c == "volgt_loon" else c for c in classes}


def _refuse_erased_index(baseline: Baseline, changes: Sequence[Any], spec: UncertaintySpec) -> None:
    """The inflation model replaces the index path of its classes: a scenario change that sets
    or skips the indexation of one of them (other than the central path itself, ``inflation`` =
    ``mean`` every year) would not count in any path, so it is refused."""
    drawn = set(spec.index.classes)
    central = spec.index.central(baseline.years)
    base_rate = float(baseline.params.index_rate)
    for ch in changes:
        both = sorted(_touched(ch) & drawn)
        if not both:
            continue
        if isinstance(ch, IndexChange) and ch.inflation is not None and np.allclose(
                [ch.inflation.get(y, base_rate) for y in baseline.years], central, rtol=0, atol=1e-12):
            continue  # the central path: each path replaces it with its drawn rates
        raise ch.error(
            f"deze {ch.type}-wijziging zet het indexpad van {', '.join(both)}, maar uncertainty.index met "
            "model 'inflation' vervangt dat pad in elk Monte Carlo-pad door de getrokken inflatie: de "
            "wijziging zou in geen enkel pad meetellen",
            None, "voor die klassen geen eigen index- of indexsprongwijziging naast model 'inflation' (een "
                  "index-wijziging met inflation gelijk aan uncertainty.index.mean mag), model 'crossings' "
                  "(komt bovenop het pad van het scenario), of uncertainty.index.classes zonder die klassen")


def prepare(baseline: Baseline, scenario: Scenario | None = None, library: ScenarioLibrary | None = None,
            spec: UncertaintySpec | None = None) -> Prepared:
    """Validate the ``[uncertainty]`` table against the scenario and run the scenario once."""
    scenario, library = scenario_and_library(scenario, library)
    spec = spec if spec is not None else uncertainty_spec(scenario)
    changes = tuple(library.changes(scenario))
    for sid in spec.subsidies:
        if sid not in baseline.subsidies:
            raise InputError(f"onbekende subsidie '{sid}'", file=scenario.source, key=f"uncertainty.subsidies.{sid}",
                             expected=f"een subsidie van het register: {', '.join(baseline.subsidies) or '(geen)'}")
    runs = run_scenarios(baseline, [scenario], library)
    windows = runs.state(0).windows  # the subsidy windows the scenario leaves
    last = dt.date(baseline.years[-1], 12, 31)
    outcomes = []
    for sid, u in spec.subsidies.items():  # renewed until `until` (default: the plan's end), or ended at its end
        end = windows[sid][1]  # its end as the scenario leaves it
        key = f"uncertainty.subsidies.{sid}"
        if end is None or end >= last:
            raise InputError(f"subsidie {sid} eindigt niet binnen het plan, er valt dus niets te verlengen",
                             file=scenario.source, key=key,
                             expected="een subsidie met een einddatum voor de laatste dag van het plan")
        until = u.until or last
        if until <= end:
            raise InputError(f"until {until:%d/%m/%Y} ligt niet na het einde van de subsidie {end:%d/%m/%Y}",
                             file=scenario.source, key=f"{key}.until")
        outcomes.append(SubsidyOutcome(sid, float(u.renewal),
                                       SubsidyRenewChange(type="subsidy_renew", subsidy=sid, until=until),
                                       SubsidyEndChange(type="subsidy_end", subsidy=sid, date=end, policy=u.policy,
                                                        notice_months=u.notice_months)))
    years = baseline.years
    from_year = spec.contribution.from_year or (years[1] if len(years) > 1 else years[0])
    if from_year not in years:
        raise InputError(f"jaar {from_year} valt buiten het plan", file=scenario.source,
                         key="uncertainty.contribution.from_year", expected=f"een jaar in {years[0]}-{years[-1]}")
    if spec.index.model == "inflation":
        _refuse_erased_index(baseline, changes, spec)
    # the engine reads an inflation change with classes ["loon"] as "every class": wages alone
    # are ["loon", "volgt_loon"] (volgt_loon follows the wages anyway)
    classes = tuple(c for c in INDEX_CLASSES if c in spec.index.classes)
    index_classes = ("loon", "volgt_loon") if classes == ("loon",) else classes
    calibration = None
    if spec.calibrate == "realisatie":
        calibrate = getattr(baseline, "calibrate", None)
        calibration = calibrate(sheet=spec.accounts_sheet) if calibrate is not None else None
        if calibration is None:
            raise InputError("calibrate = 'realisatie' vraagt een jaarrekening voor minstens één planjaar",
                             file=scenario.source,
                             key="uncertainty.calibrate",
                             expected="een blad 'Rekening ...' (of accounts_sheet) met rekeningen zoals 'JR 2026'")
        if CALIBRATION_ACTION not in baseline.plan.actions:
            raise InputError(f"calibrate = 'realisatie' boekt de afwijking op de algemene werking "
                             f"{CALIBRATION_ACTION}, maar het begrotingsblad heeft die actie niet",
                             file=scenario.source, key="uncertainty.calibrate",
                             expected=f"een begroting met actie {CALIBRATION_ACTION}")
    return Prepared(baseline, scenario, spec, changes, runs.run(0), tuple(outcomes), from_year, index_classes,
                    calibration)


# -- drawing (vectorised over paths) -----------------------------------------------------------
def _per_year(value: float | Mapping[int, float], years: Sequence[int], default: float) -> np.ndarray:
    if isinstance(value, Mapping):
        return np.array([float(value.get(y, default)) for y in years])
    return np.full(len(years), float(value))


def _draw_crossings(rng: np.random.Generator, n: int, u: IndexUncertainty, years: Sequence[int]) -> np.ndarray:
    """Extra crossings per path, year and month (bool): a Poisson count per year (at most
    ``max_per_year``), in months drawn uniformly without repetition."""
    lam = _per_year(u.mean_per_year, years, 0.0)
    counts = np.minimum(rng.poisson(lam, size=(n, len(years))), u.max_per_year)
    rows = np.flatnonzero(counts.any(axis=1))
    crossed = np.zeros((n, len(years), 12), dtype=bool)
    if rows.size:
        keys = rng.random((rows.size, len(years), 12))
        order = np.argsort(keys, axis=-1)  # a random permutation of the months per path-year
        take = np.arange(12)[None, None, :] < counts[rows][:, :, None]
        sub = np.zeros((rows.size, len(years), 12), dtype=bool)
        np.put_along_axis(sub, order, take, axis=-1)
        crossed[rows] = sub
    return crossed


def _draw_inflation(rng: np.random.Generator, n: int, u: IndexUncertainty, years: Sequence[int]) -> np.ndarray:
    mean = u.central(years)
    z = rng.standard_normal((n, len(years)))
    if u.sd == 0:
        return np.broadcast_to(mean, (n, len(years))).copy()
    eps = np.empty_like(z)
    phi = float(u.persistence)
    eps[:, 0] = z[:, 0]
    for t in range(1, len(years)):
        eps[:, t] = phi * eps[:, t - 1] + np.sqrt(1 - phi * phi) * z[:, t]
    return mean + u.sd * eps


@dataclass(frozen=True, eq=False)
class Draws:
    """The random inputs of a batch of paths; :func:`paths_changes` turns paths into changes."""

    inflation: np.ndarray | None  # (paths, years) drawn rates (inflation model)
    crossings: np.ndarray | None  # (paths, years, 12) extra crossings (crossings model)
    growth: np.ndarray  # (paths, years) extra contribution growth (0 before from_year)
    renewed: np.ndarray  # (paths, subsidies) bool
    es_noise: np.ndarray | None = None  # (paths, years) forecast error of ES and V (calibrate)

    def __len__(self) -> int:
        return int(self.growth.shape[0])

    def keys(self) -> np.ndarray:
        """One row per path holding every drawn number: equal rows are the same path."""
        parts = [self.renewed.astype(float), self.growth]
        parts += [a.reshape(len(self), -1).astype(float)
                  for a in (self.inflation, self.crossings, self.es_noise) if a is not None]
        return np.concatenate(parts, axis=1)


def draw(prepared: Prepared, n: int, seed_seq: np.random.SeedSequence) -> Draws:
    """The inputs of ``n`` paths from one chunk's stream (three streams spawned from it: index,
    contribution, subsidies; a fourth for the calibrated error)."""
    spec = prepared.spec
    years = prepared.years
    ny = len(years)
    s_index, s_contr, s_subs = (np.random.default_rng(s) for s in seed_seq.spawn(3))
    inflation = crossings = None
    if spec.index.model == "crossings":
        crossings = _draw_crossings(s_index, n, spec.index, years)
    elif spec.index.model == "inflation":
        inflation = _draw_inflation(s_index, n, spec.index, years)
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
    return Draws(inflation, crossings, growth, renewed, noise)


# -- a path as changes -------------------------------------------------------------------------
_DEFAULTS: dict[type, tuple[dict[str, Any], dict[str, Any]]] = {}


def _built(cls: type[_M], **fields: Any) -> _M:
    """``cls.model_construct(**fields)`` (no validation: the values come from the validated table)
    at a fraction of its cost: pydantic resolves every default and deep-copies every private
    default on each call, and a hundred thousand paths make over half a million changes. A
    mutable default (list, dict) is copied for each object."""
    if cls not in _DEFAULTS:
        _DEFAULTS[cls] = ({k: f.get_default(call_default_factory=True) for k, f in cls.model_fields.items()
                           if not f.is_required()},
                          {k: p.get_default() for k, p in (cls.__private_attributes__ or {}).items()})
    defaults, private = _DEFAULTS[cls]
    obj = cls.__new__(cls)
    values = {**defaults, **fields}
    for k, v in defaults.items():
        if k not in fields and isinstance(v, (dict, list)):
            values[k] = v.copy()
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", set(fields))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__",
                       {k: v.copy() if isinstance(v, (dict, list)) else v for k, v in private.items()})
    return obj


def _like(template: _M, **fields: Any) -> _M:
    """A copy of ``template`` (made by :func:`_built`) with other values for ``fields``: what a
    path's changes cost, one per path and year."""
    obj = template.__class__.__new__(template.__class__)
    setattr_ = object.__setattr__
    setattr_(obj, "__dict__", {**template.__dict__, **fields})
    setattr_(obj, "__pydantic_fields_set__", set(template.__pydantic_fields_set__))
    setattr_(obj, "__pydantic_extra__", None)
    setattr_(obj, "__pydantic_private__", dict(template.__pydantic_private__ or {}))
    return obj


def _templates(prepared: Prepared) -> dict[str, Any]:
    """One built object per kind of drawn change (and the path's scenario), which each path copies
    with its own values (:func:`_like`)."""
    s = prepared.scenario
    return {
        "contribution": _built(ContributionChange, type="contribution", pcts={}, override_bounds=False),
        "crossings": _built(IndexChange, type="index", classes=["loon"], extra_crossings=[]),
        "inflation": _built(IndexChange, type="index", classes=list(prepared.index_classes), inflation={},
                            override_bounds=False),
        "line": _built(LineChange, type="line", action=CALIBRATION_ACTION, category="exploitatie", direction="O",
                       amounts={}, description="Afwijking van de realisatie t.o.v. het plan (getrokken, kalibratie "
                                               "op de rekening): netto effect op het exploitatiesaldo"),
        "scenario": _built(Scenario, name=s.name, title=s.title or s.name, description="", extends=BASELINE,
                           changes=[], uncertainty=None),
    }


def paths_changes(prepared: Prepared, d: Draws, rows: Sequence[int] | np.ndarray,
                  templates: Mapping[str, Any] | None = None) -> list[list]:
    """THE definition of a path: for each path ``i`` of ``rows``, the changes that follow the
    scenario's own (see the module doc). Built without re-validation (the values come from the
    validated table); the numbers of all the paths are converted at once."""
    t = templates or _templates(prepared)
    years = prepared.years
    rows = np.asarray(rows, dtype=np.intp)
    outcomes = [(o.fail, o.renew) for o in prepared.subsidies]
    renewed = list(map(tuple, d.renewed[rows].tolist()))
    # the subsidy changes of each pattern of renewals (at most 2^K patterns), made once
    patterns = {key: [pair[b] for pair, b in zip(outcomes, key, strict=True)] for key in set(renewed)}
    growth = d.growth[rows]
    growth_big = np.any(np.abs(growth) > MAX_CONTRIBUTION_PCT, axis=1).tolist()
    growth_rows = growth.tolist()
    inflation = None if d.inflation is None else d.inflation[rows]
    inflation_big = None if inflation is None else np.any(np.abs(inflation) > MAX_INDEX_RATE, axis=1).tolist()
    inflation_rows = None if inflation is None else inflation.tolist()
    noise_rows = None if d.es_noise is None else d.es_noise[rows].tolist()
    out = []
    for k, i in enumerate(rows.tolist()):
        changes: list = patterns[renewed[k]].copy()
        drawn = {y: g for y, g in zip(years, growth_rows[k], strict=True) if g != 0}
        if drawn:
            changes.append(_like(t["contribution"], pcts=drawn, override_bounds=growth_big[k]))
        if d.crossings is not None and d.crossings[i].any():
            months = [f"{years[yi]}-{m + 1:02d}" for yi, m in zip(*np.nonzero(d.crossings[i]), strict=True)]
            changes.append(_like(t["crossings"], extra_crossings=months))
        elif inflation_rows is not None and inflation_big is not None:
            changes.append(_like(t["inflation"], inflation=dict(zip(years, inflation_rows[k], strict=True)),
                                 override_bounds=inflation_big[k]))
        if noise_rows is not None:
            changes.append(_like(t["line"], amounts=dict(zip(years, noise_rows[k], strict=True))))
        out.append(changes)
    return out


def path_scenario(prepared: Prepared, d: Draws, i: int, name: str, title: str | None = None,
                  description: str = "", templates: Mapping[str, Any] | None = None) -> Scenario:
    """Path ``i`` as a scenario on the baseline: the scenario's changes, then :func:`paths_changes`."""
    t = templates or _templates(prepared)
    fields: dict[str, Any] = {"name": name, "changes": [*prepared.changes, *paths_changes(prepared, d, [i], t)[0]]}
    if title is not None:
        fields["title"] = title
    if description:
        fields["description"] = description
    return _like(t["scenario"], **fields)


def distinct(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first, inverse) of the distinct rows of ``keys``: each row compared as its bytes (one sort
    of fixed-size byte strings, several times faster than ``np.unique(axis=0)``'s field by field)."""
    keys = np.ascontiguousarray(keys)
    rows = keys.view(np.dtype((np.void, keys.dtype.itemsize * keys.shape[1]))).reshape(-1)
    _, first, inverse = np.unique(rows, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def run_paths(prepared: Prepared, d: Draws, keys: Sequence[str] = LINE_KEYS
              ) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
    """Every path of ``d`` through the engine (equal paths once), :data:`BATCH` distinct paths per
    :func:`run_scenarios` call: the M2 lines ``keys`` (paths x years) by key and the minimum
    reserve (or None)."""
    first, inverse = distinct(d.keys())
    name = prepared.scenario.name
    t = _templates(prepared)
    own = list(prepared.changes)
    lines: dict[str, list[np.ndarray]] = {k: [] for k in keys}
    minimum: list[np.ndarray] | None = []
    for start in range(0, len(first), BATCH):
        rows = first[start:start + BATCH]
        scenarios = [_like(t["scenario"], name=f"{name}#pad{i + 1}", changes=[*own, *changes])
                     for i, changes in zip(rows.tolist(), paths_changes(prepared, d, rows, t), strict=True)]
        runs = run_scenarios(prepared.baseline, scenarios, ScenarioLibrary(scenarios), audit=False)
        for k in keys:
            lines[k].append(runs.lines[k])
        minimum = None if runs.minimum_reserve is None or minimum is None else [*minimum, runs.minimum_reserve]
        del scenarios, runs
    out = {k: (v[0] if len(v) == 1 else np.concatenate(v))[inverse] for k, v in lines.items()}
    return out, None if minimum is None else (minimum[0] if len(minimum) == 1 else np.concatenate(minimum))[inverse]


# -- the simulation ----------------------------------------------------------------------------
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


def chunks(n: int, seed: int) -> Iterator[tuple[int, int, np.random.SeedSequence]]:
    """(first, end, stream) of each chunk of :data:`CHUNK` paths: the same seed, the same paths."""
    for i, seq in enumerate(np.random.SeedSequence(seed).spawn(-(-n // CHUNK))):
        yield i * CHUNK, min(n, (i + 1) * CHUNK), seq


ChunkResult = tuple[int, int, dict[str, np.ndarray], np.ndarray | None]


def run_chunk(prepared: Prepared, lo: int, hi: int, seq: np.random.SeedSequence) -> ChunkResult:
    """Paths ``lo`` to ``hi`` (one chunk of :func:`chunks`): drawn from its stream and run. Only
    what :func:`simulate` keeps comes back (:data:`OUTPUT_LINES`, the minimum reserve): a worker
    process sends it to the parent."""
    with collector_paused():
        lines, minimum = run_paths(prepared, draw(prepared, hi - lo, seq), OUTPUT_LINES)
    return lo, hi, lines, minimum


#: The prepared run of a worker process (:func:`_worker_start`), which its chunks read.
_WORKER: Prepared | None = None


def _worker_start(prepared: Prepared) -> None:
    global _WORKER
    _WORKER = prepared


def _worker_chunk(lo: int, hi: int, seq: np.random.SeedSequence) -> ChunkResult:
    assert _WORKER is not None, "a worker process starts with _worker_start"
    return run_chunk(_WORKER, lo, hi, seq)


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system says, else all)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no sched_getaffinity (macOS, Windows)
        return max(1, os.cpu_count() or 1)


def _start_method() -> str:
    """fork on Linux (the workers start at once, sharing what this process has loaded); spawn
    elsewhere (fork is unsafe on macOS and absent on Windows)."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


def _chunk_results(prepared: Prepared, parts: list[tuple[int, int, np.random.SeedSequence]], workers: int,
                   started: Callable[[], None]) -> Iterator[ChunkResult]:
    """Each chunk's result, in this process (``workers`` 1) or in ``workers`` worker processes
    (in the order they finish). Workers are forked on Linux (they share the prepared run, the
    baseline and the imports with this process, nothing is sent); else spawned, and the prepared
    run is pickled to each once (:func:`_start_method`). ``started()`` is called once the
    workers run (so that a caller starts its own threads, a progress bar, only after the fork)."""
    if workers <= 1 or len(parts) <= 1 or multiprocessing.current_process().daemon:  # a daemon has no children
        started()
        for lo, hi, seq in parts:
            yield run_chunk(prepared, lo, hi, seq)
        return
    context = multiprocessing.get_context(_start_method())
    with ProcessPoolExecutor(max_workers=min(workers, len(parts)), mp_context=context,
                             initializer=_worker_start, initargs=(prepared,)) as pool:
        pending = {pool.submit(_worker_chunk, lo, hi, seq) for lo, hi, seq in parts}
        started()
        try:
            for future in as_completed(pending):
                pending.discard(future)  # its result is the caller's now: not kept here as well
                yield future.result()
        finally:
            for future in pending:
                future.cancel()


def simulate(baseline: Baseline, scenario: Scenario | None = None, library: ScenarioLibrary | None = None, *,
             paths: int | None = None, seed: int | None = None, spec: UncertaintySpec | None = None,
             progress: Callable[[int, int], None] | None = None, keep_paths: bool = False,
             prepared: Prepared | None = None, workers: int = 1) -> Simulation:
    """Run the Monte Carlo for a scenario (default: the baseline plan with its own
    ``[uncertainty]`` table). ``paths``/``seed`` override the table. ``progress(done, total)`` is
    called once with 0 when the work starts and after each chunk of paths.

    ``workers``: how many processes run the chunks (at most one per chunk). 1, the default: all in
    this process, as the team server's ``W13.KANS`` needs (it runs in the server's own bounded
    pool of worker processes, ended at its time limit: processes of its own would escape both).
    In a daemonic process, which may not have children, ``workers`` is ignored. More: each chunk
    in a worker process; the figures are the same to the bit, for each chunk draws from its own
    stream and is run alone (:func:`chunks`)."""
    if prepared is None:
        prepared = prepare(baseline, scenario, library, spec)
    spec = prepared.spec
    n = int(paths if paths is not None else spec.paths)
    if n < 1:
        raise InputError(f"het aantal paden moet minstens 1 zijn (gegeven: {n})")
    seed = int(spec.seed if seed is None else seed)
    ny = len(prepared.years)
    store = {k: np.empty((n, ny)) for k in OUTPUT_LINES}
    minimum_paths = None
    done = 0

    def started() -> None:
        if progress is not None:
            progress(0, n)

    for lo, hi, lines, minimum in _chunk_results(prepared, list(chunks(n, seed)), workers, started):
        for k in store:
            store[k][lo:hi] = lines[k]
        if minimum is not None:
            if minimum_paths is None:
                minimum_paths = np.empty((n, ny))
            minimum_paths[lo:hi] = minimum
        done += hi - lo
        if progress is not None:
            progress(done, n)
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


# -- the worst paths as scenario files ---------------------------------------------------------
def ordinal(n: int) -> str:
    """Dutch ordinal in digits: 1ste, 2de, 8ste, 12de, 20ste, 100ste, 102de."""
    r = n % 100
    return f"{n}{'ste' if r in (1, 8) or r >= 20 or (r == 0 and n >= 100) else 'de'}"


@dataclass(frozen=True, eq=False)
class ExportedPath:
    """One drawn path as a scenario: its file name (stem), the scenario file's text and its
    engine run (the figures written beside it)."""

    stem: str
    path: int  # 0-based path number in the simulation
    rank: int  # 1 = the lowest reserve in the last year
    scenario: Scenario
    toml: str
    run: ScenarioRun

    def figures(self, sim: Simulation) -> dict:
        """The JSON beside the file: where the path comes from, then the run as ``w13xl scenario``
        writes it (every M2 line per year, the minimum reserve, the norms, each change's effect)."""
        return {"pad": self.path + 1, "rang": self.rank, "paden": sim.paths, "seed": sim.seed,
                "bronscenario": sim.scenario, **self.run.to_dict()}


def worst_paths(prepared: Prepared, sim: Simulation, k: int) -> list[ExportedPath]:
    """The ``k`` paths with the lowest gecumuleerd budgettair resultaat in the last year (worst
    first; ties by path number) as scenarios: redrawn from their chunk's stream (the same seed
    gives the same paths) and run again through the engine. ``sim`` must keep its paths."""
    gbr = None if sim.values is None else sim.values[GBR]
    if gbr is None:
        raise ValueError("worst_paths needs a simulation with keep_paths=True")
    order = np.argsort(gbr[:, -1], kind="stable")[:k]
    last = prepared.years[-1]
    source = prepared.scenario
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", source.name).strip("-") or "scenario"  # its name as a file name
    draws: dict[int, Draws] = {}
    bounds = {lo: (hi, seq) for lo, hi, seq in chunks(sim.paths, sim.seed)}
    scenarios, made = [], []
    for rank, i in enumerate(order.tolist(), start=1):
        lo = i - i % CHUNK
        if lo not in draws:
            hi, seq = bounds[lo]
            draws[lo] = draw(prepared, hi - lo, seq)
        which = "slechtste" if rank == 1 else f"{ordinal(rank)} slechtste"
        title = f"Onzekerheid: pad {i + 1} ({which} reserve {last})"
        description = (f"Pad {i + 1} van {sim.paths} (seed {sim.seed}) van de Monte Carlo van "
                       f"'{source.title or source.name}': de wijzigingen van het scenario en daarna de getrokken "
                       "invoer (verlenging of einde van subsidies, groei van de bijdrage, indexering, afwijking).")
        scenario = path_scenario(prepared, draws[lo], i - lo, f"{stem}-slechtste-{rank}", title, description)
        scenarios.append(scenario)
        comments = (f"Geschreven door w13xl onzekerheid --export-paths: pad {i + 1} van {sim.paths} (seed {sim.seed})",
                    f"van scenario '{source.name}', gerangschikt op de reserve (GBR) van {last}: {rank} = de laagste.",
                    "Een gewoon scenario: w13xl scenario WERKBOEK dit-bestand.toml geeft dezelfde cijfers.")
        made.append((i, rank, scenario, scenario_toml(title, scenario.changes, description=description,
                                                      comments=comments)))
    runs = run_scenarios(prepared.baseline, scenarios, ScenarioLibrary(scenarios))
    return [ExportedPath(s.name, i, rank, s, text, runs.run(j)) for j, (i, rank, s, text) in enumerate(made)]
