"""Scenario definitions: TOML files in ``scenarios/`` or rows of a workbook sheet ``Scenario's``,
validated with pydantic.

A scenario is a named, ordered list of dated changes; ``extends`` names the scenario it builds
on (``"baseline"``, the plan as it is, by default). Example::

    title = "'t PACT stopt eind 2028"
    extends = "baseline"

    [[changes]]
    type = "subsidy_end"
    subsidy = "SUB-PACT"
    date = 2028-12-31
    policy = "stop"
    notice_months = 3
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from .. import messages
from ..errors import InputError
from ..messages import os_reason, pydantic_message, toml_reason
from ..numbers import ambiguous_rate, parse_date
from ..sheets import cell_name, is_blank

BASELINE = "baseline"
IndexClass = Literal["loon", "prijzen", "bijdrage", "volgt_loon"]

#: What happens when a subsidy ends (see README "Subsidy-end policies"):
#: ``stop``: the project stops; its staff leave after their notice (statutory by seniority, or
#: ``notice_months``), cost counted. ``keep_staff``: W13 keeps (and pays) the staff; partner
#: payments and the other project costs stop with the funding. ``keep_project``: everything goes
#: on, W13 pays it all. ``share``: that share of the project's costs goes on (W13 pays).
Policy = Literal["stop", "keep_staff", "keep_project", "share"]
#: When the notice of the staff of a stopped project runs (policy ``stop``): ``tijdig`` = served
#: during the funded period so that it ends on the stop date (no notice pay; what the plan does at
#: every planned project end: its budget lines book no notice pay); ``na stopzetting`` = the
#: statutory notice (art. 37/2 Arbeidsovereenkomstenwet; two parts for contracts from before
#: 2014) runs from the stop date and is paid without subsidy.
NOTICE_IN_TIME = "tijdig"
NOTICE_AFTER_STOP = "na stopzetting"
NoticeMode = Literal["tijdig", "na stopzetting"]
#: The default for a ``stop`` that does not say (printed as the default wherever it is used): an
#: early or unplanned stop is what a scenario asks about, and notice served after the money stops
#: is the cost a board must be able to carry; ``tijdig`` needs the stop known a notice period ahead.
DEFAULT_NOTICE = NOTICE_AFTER_STOP
NOTICE_WORDS = {"tijdig": NOTICE_IN_TIME, "op tijd": NOTICE_IN_TIME, "in time": NOTICE_IN_TIME,
                "na stopzetting": NOTICE_AFTER_STOP, "na stop": NOTICE_AFTER_STOP, "wettelijk": NOTICE_AFTER_STOP,
                "after stop": NOTICE_AFTER_STOP}
POLICIES: tuple[str, ...] = get_args(Policy)
#: Old names refused with a pointer to the new ones (their meaning was ambiguous).
RETIRED_POLICIES = {"keep": "'keep' bestaat niet meer: gebruik 'keep_staff' (W13 houdt het personeel; het deel "
                            "van de partners stopt) of 'keep_project' (het hele project loopt door, betaald door W13)"}
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def refuse_retired_policy(value: Any) -> Any:
    """A policy as given; a retired name (``keep``) is refused with a pointer to the new ones
    (a pydantic ``mode="before"`` validator of every model with a subsidy-end policy)."""
    if isinstance(value, str) and value.strip().lower() in RETIRED_POLICIES:
        raise ValueError(RETIRED_POLICIES[value.strip().lower()])
    return value


def as_fraction(value: Any) -> Any:
    """THE rule for percentages in scenarios (TOML and the Scenario's sheet): a number is a
    fraction (0.05 = 5%, never multiplied or divided by 100); text with a percent sign is a
    percentage ('5%', '2,5 %' = 0.025). Anything else is left for pydantic to refuse."""
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        if text.endswith("%"):
            with contextlib.suppress(ValueError):  # not a number: left for pydantic to refuse
                return float(text[:-1].replace(",", ".")) / 100
    return value


def as_rate(value: Any) -> Any:
    """:func:`as_fraction` for a rate of change (pct, rate, rates, inflation), where a bare 1 is
    ambiguous (1% or 100%?) and refused with both readings (w13xl.numbers.ambiguous_rate)."""
    message = ambiguous_rate(value)
    if message:
        raise ValueError(message)
    return as_fraction(value)


#: Plausibility bounds (fractions) that catch a percentage typed as a whole number (8 for 8%).
#: A change with ``override_bounds = true`` (sheet column 'Buiten grenzen') skips them.
MAX_INDEX_RATE = 0.5      # 50% a year for an index (rate, rates, inflation)
MAX_CONTRIBUTION_PCT = 1.0  # +/-100% for a change of the member contribution


def _plausible(limit: float, per_year: str, example: str) -> AfterValidator:
    """The plausibility bound of a rate or of a rate per year (``{2027 = 0.02}``), unless
    ``override_bounds``; ``example`` is the fraction and the text of the same percentage."""

    def check(v: Any, info: ValidationInfo) -> Any:
        if info.data.get("override_bounds"):
            return v
        values = [(info.field_name, v)] if isinstance(v, float) else [
            (f"{info.field_name}.{year}", x) for year, x in v.items()]
        for where, x in values:
            if abs(x) > limit:
                raise ValueError(f"{where} = {x:g} wordt gelezen als {x * 100:+g}%{per_year}, boven de grens van "
                                 f"{limit:.0%} (percentages zijn breuken: {example}); "
                                 "is dat echt de bedoeling, zet dan override_bounds = true")
        return v

    return AfterValidator(check)


def _month(value: str) -> str:
    match = _MONTH.match(str(value))
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"'{value}' is geen maand zoals 2027-03")
    return value


def _sheet_date(value: Any) -> Any:
    """Date text as on the sheet (31/12/2028, 31-12-2028, 2028-12-31): one parser for both."""
    if isinstance(value, str):
        with contextlib.suppress(ValueError):  # reported by the field's own validation
            return parse_date(value)
    return value


def _notice_word(value: Any) -> Any:
    """'op tijd', 'na_stop', 'Wettelijk', ... as the notice mode they name (NOTICE_WORDS)."""
    if isinstance(value, str):
        return NOTICE_WORDS.get(" ".join(value.strip().lower().replace("_", " ").replace("-", " ").split()), value)
    return value


#: Field types that read a percentage by the one rule (as_fraction, as_rate): a share 0..1 and a
#: rate of change (per year); a list given as one value; months ("2027-03"); a date.
Share = Annotated[float, Field(ge=0, le=1), BeforeValidator(as_fraction)]
Rate = Annotated[float, BeforeValidator(as_rate)]
RatesPerYear = Annotated[dict[int, float], BeforeValidator(
    lambda v: {k: as_rate(x) for k, x in v.items()} if isinstance(v, dict) else v)]
OneOrMany = BeforeValidator(lambda v: [v] if isinstance(v, str) else v)
#: The index classes a change applies to: one or a list; the wages (``loon``) when not given.
IndexClasses = Annotated[list[IndexClass], OneOrMany]
Month = Annotated[str, AfterValidator(_month)]
Date = Annotated[dt.date, BeforeValidator(_sheet_date)]
Months = Annotated[list[str], AfterValidator(lambda v: [_month(m) for m in v])]
IndexRate = _plausible(MAX_INDEX_RATE, " per jaar", '0.08 = 8%, of schrijf "8%"')
ContributionRate = _plausible(MAX_CONTRIBUTION_PCT, "", '0.05 = 5%, of schrijf "5%"')


class _Change(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # nan, inf: refused
    description: str | None = Field(None, description="Optional Dutch description for the audit trail.")
    override_bounds: bool = Field(False, description="Accept a rate outside the plausibility bounds.")
    _origin: tuple[str | None, str | None, str | None, str | None] = PrivateAttr(default=(None, None, None, None))

    def error(self, message: str, field: str | None = None, expected: str | None = None) -> InputError:
        """An InputError pointing at where this change was defined (file + key, or sheet + cell)."""
        file, sheet, cell, key = self._origin
        if key and field:
            key = f"{key}.{field}"
        return InputError(message, file=file, sheet=sheet, cell=cell, key=key, expected=expected)


class IndexChange(_Change):
    """Replace or shift an index path. Exactly one of rate / rates / crossings / extra_crossings /
    inflation. ``crossings`` are months in which the smoothed health index crosses the pivot
    ("2027-03"); wages rise 2% two months later."""

    type: Literal["index"]
    classes: IndexClasses = ["loon"]
    rate: Annotated[Rate, IndexRate] | None = None
    rates: Annotated[RatesPerYear, IndexRate] | None = None
    crossings: Months | None = None
    extra_crossings: Months | None = None
    inflation: Annotated[RatesPerYear, IndexRate] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> IndexChange:
        given = [k for k in ("rate", "rates", "crossings", "extra_crossings", "inflation")
                 if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("geef precies één van rate, rates, crossings, extra_crossings, inflation "
                             f"(gegeven: {', '.join(given) or 'geen'})")
        return self

    @property
    def months(self) -> list[tuple[int, int]]:
        raw = self.crossings if self.crossings is not None else self.extra_crossings or []
        return [(int(a), int(b)) for a, b in (str(m).split("-") for m in raw)]


class HireChange(_Change):
    """A new position from ``start`` (to ``end``)."""

    type: Literal["hire"]
    id: str | None = None
    function: str = "nieuwe functie"
    level: Literal["A", "B", "C", "D", "E"]
    scale: str
    step: int = Field(0, ge=0)
    fte: float = Field(1.0, gt=0, le=1.5)
    action: str
    funded_by: str = "basiswerking"
    start: Date
    end: Date | None = None


class EndPositionChange(_Change):
    type: Literal["end_position"]
    position: str
    date: Date = Field(description="Last day of the position.")


class FteChange(_Change):
    type: Literal["fte"]
    position: str
    fte: float = Field(ge=0, le=1.5)
    date: Date = Field(description="First day of the new FTE.")


class StepChange(_Change):
    type: Literal["step"]
    position: str
    step: int = Field(ge=0)
    date: Date


class MoveChange(_Change):
    type: Literal["move"]
    position: str
    action: str
    date: Date
    funded_by: str | None = None


class _SubsidyPolicy(_Change):
    policy: Annotated[Policy, BeforeValidator(refuse_retired_policy)] = "stop"
    share: Share | None = Field(None, description="Kept share of the costs for policy 'share'.")
    notice_months: int | None = Field(None, ge=0, le=24, description=(
        "Notice in months for policy 'stop'; empty: the statutory notice by seniority of each position."))
    opzeg: Annotated[NoticeMode, BeforeValidator(_notice_word)] | None = Field(None, description=(
        "Policy 'stop': 'tijdig' (notice served so that it ends on the stop date: no notice pay, the plan's "
        "practice at planned ends) or 'na stopzetting' (the statutory notice runs from the stop date, art. 37/2 "
        "Arbeidsovereenkomstenwet). Empty: 'na stopzetting' (DEFAULT_NOTICE), printed as the default."))

    @model_validator(mode="after")
    def _share_given(self) -> _SubsidyPolicy:
        if self.policy == "share" and self.share is None:
            raise ValueError("beleid 'share' vraagt share = het deel van de kosten dat blijft (0..1)")
        if self.opzeg is not None and self.policy != "stop":
            raise ValueError("opzeg geldt alleen bij policy 'stop' (verwacht: opzeg weglaten of policy = \"stop\")")
        if self.opzeg == NOTICE_IN_TIME and self.notice_months:
            raise ValueError("opzeg = \"tijdig\" en notice_months spreken elkaar tegen (tijdig = geen opzeg na de "
                             "stopzetting; verwacht één van beide)")
        return self

    @property
    def kept(self) -> float:
        """Share of the project's costs that goes on (staff handled apart for keep_staff)."""
        return {"stop": 0.0, "keep_staff": 0.0, "keep_project": 1.0}.get(self.policy, self.share or 0.0)


class SubsidyEndChange(_SubsidyPolicy):
    """The subsidy ends on ``date`` (earlier or later than planned)."""

    type: Literal["subsidy_end"]
    subsidy: str
    date: Date


class SubsidyRenewChange(_Change):
    """The subsidy is renewed up to ``until``, at ``amount`` a year (default: its last full year).
    ``budget_neutral``: the renewed subsidy pays what the project costs (plan 3.7: "W13 gaat uit
    van een budgetneutrale werking bij de gesubsidieerde projecten"): in every year the renewal
    reaches, the action's receipts are brought up to its expenditure (pro rata the months the
    subsidy covers that year), never above it."""

    type: Literal["subsidy_renew"]
    subsidy: str
    until: Date
    amount: float | None = Field(None, ge=0)
    budget_neutral: bool = Field(False, description="The renewed subsidy equals the project's costs.")

    @model_validator(mode="after")
    def _one_amount(self) -> SubsidyRenewChange:
        if self.budget_neutral and self.amount is not None:
            raise ValueError("geef amount of budget_neutral = true, niet allebei")
        return self


class SubsidyCutChange(_SubsidyPolicy):
    """From ``date`` the subsidy pays ``factor`` of its amount (0.8 = a 20% cut)."""

    type: Literal["subsidy_cut"]
    subsidy: str
    factor: Share
    date: Date


class ContributionChange(_Change):
    """Member contribution (bijdrage lokale besturen) from ``from_year``: +``pct`` or a new
    amount per inhabitant; or ``pcts``, a change per year (``{2027 = 0.01, 2028 = -0.005}``:
    +1% from 2027, then -0,5% from 2028 on top, compounding, as one ``pct`` change per year).
    The CPI rule keeps applying on top."""

    type: Literal["contribution"]
    from_year: int | None = None
    pct: Annotated[Rate, ContributionRate] | None = None
    per_inhabitant: float | None = Field(None, gt=0)
    pcts: Annotated[RatesPerYear, ContributionRate] | None = None

    @model_validator(mode="after")
    def _one(self) -> ContributionChange:
        if sum(x is not None for x in (self.pct, self.per_inhabitant, self.pcts)) != 1:
            raise ValueError("geef precies één van pct, per_inhabitant of pcts")
        if self.pcts is not None:
            if not self.pcts:
                raise ValueError("pcts is leeg: geef een percentage per jaar, bv. pcts = { 2027 = 0.01 }")
            if self.from_year is not None:
                raise ValueError("from_year en pcts samen: met pcts begint de wijziging in het eerste jaar van "
                                 "pcts (laat from_year weg)")
        elif self.from_year is None:
            raise ValueError("from_year ontbreekt: het eerste jaar van de wijziging, bv. from_year = 2027")
        return self


class LineChange(_Change):
    """Add amounts (per year, positive = more receipts or more expenditure) to one budget line."""

    type: Literal["line"]
    action: str
    category: Literal["exploitatie", "investeringen", "financiering"] = "exploitatie"
    direction: Literal["O", "U"]
    amounts: dict[int, float]


class OverheadChange(_Change):
    """From ``date`` the overhead recharge of the listed subsidies (all in the register when
    none are listed) is ``rate`` of their staff cost instead of the register's rate (plan 3.7:
    "een overheadkost van minimaal 15% op de personeelskost"; "Waar dit niet mogelijk is omwille
    van bijvoorbeeld de regelgeving vanuit de subsidiërende overheid, wordt de werkelijke
    overheadkost of het wettelijk toegestane maximum aangerekend"). The project stays
    budget-neutral: the funder pays the lower recharge, so the action's receipts and expenditure
    fall alike, and the overhead action A50111 receives that much less."""

    type: Literal["overhead"]
    date: Date = Field(description="First day of the new rate.")
    rate: Share = 0.0
    subsidies: Annotated[list[str], OneOrMany] | None = None


class IndexsprongChange(_Change):
    """An indexsprong: one indexation skipped for the given classes (default wages). Exactly one of
    ``year`` (the class's growth of that year is skipped; its level stays that much lower from
    then on) or ``crossing`` (the 2% wage step after the pivot crossing of that month, "2027-05",
    is skipped: wages stay 2% lower from two months after it; only for wages)."""

    type: Literal["indexsprong"]
    classes: IndexClasses = ["loon"]
    year: int | None = None
    crossing: Month | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> IndexsprongChange:
        if (self.year is None) == (self.crossing is None):
            raise ValueError("geef precies één van year (een overgeslagen jaar) of crossing (een overgeslagen "
                             "spilindexoverschrijding)")
        if self.crossing is not None and any(c not in ("loon", "volgt_loon") for c in self.classes):
            raise ValueError("een overgeslagen spilindexoverschrijding geldt alleen voor lonen (classes = ['loon'])")
        return self


Change = Annotated[
    IndexChange | IndexsprongChange | HireChange | EndPositionChange | FteChange | StepChange | MoveChange
    | SubsidyEndChange | SubsidyRenewChange | SubsidyCutChange | ContributionChange | LineChange | OverheadChange,
    Field(discriminator="type"),
]
#: Dutch names of the change types, for sheets the board reads.
CHANGE_LABELS = {
    "index": "indexering", "indexsprong": "indexsprong", "hire": "aanwerving", "end_position": "einde positie",
    "fte": "VTE-wijziging",
    "step": "trapwijziging", "move": "verschuiving", "subsidy_end": "einde subsidie",
    "subsidy_renew": "verlenging subsidie", "subsidy_cut": "vermindering subsidie",
    "contribution": "bijdrage lokale besturen", "line": "bijsturing", "overhead": "overheadbijdrage",
}
CHANGE_TYPES = tuple(CHANGE_LABELS)  # every change type (the `type` of a change)


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = ""
    title: str = ""
    description: str = ""
    extends: str | None = BASELINE
    changes: list[Change] = Field(default_factory=list)
    #: Uncertain inputs for Monte Carlo runs (see w13xl.montecarlo); free-form here.
    uncertainty: dict[str, Any] | None = None
    _source: str | None = PrivateAttr(default=None)
    #: Sheet scenarios: dotted uncertainty key -> cell of its value (for error messages).
    _uncertainty_cells: dict[str, str] = PrivateAttr(default_factory=dict)

    @property
    def source(self) -> str | None:
        return self._source


def _show(value: Any) -> str:
    """A value as the user wrote it (no Python reprs): dates as 31/12/2028, text in quotes."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str):
        return f"'{value}'"
    return str(value)


def _change_fields() -> dict[str, set[str]]:
    """Change type -> the keys it accepts."""
    return {get_args(model.model_fields["type"].annotation)[0]: set(model.model_fields)
            for model in get_args(get_args(Change)[0])}


def did_you_mean(key: str, known: Iterable[str]) -> str:
    """' (bedoelde u 'subsidy'?)' for a misspelt or Dutch key, else ''."""
    known = sorted(known)
    dutch = SHEET_COLUMNS.get(key.lower(), "")
    close = [dutch] if dutch in known else difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f" (bedoelde u '{close[0]}'?)" if close else ""


def _reported(exc: ValidationError) -> Any:
    """The error of ``exc`` a message reports: an unknown key explains a 'missing' one next to
    it (a misspelling), so it comes first."""
    errors = exc.errors()
    return next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])


def _validation_error(exc: ValidationError, file: str | None, sheet: str | None = None,
                      cell: str | None = None) -> InputError:
    err = _reported(exc)
    parts = list(err["loc"])
    if parts[:1] == ["changes"] and len(parts) > 2 and parts[2] in CHANGE_TYPES:
        del parts[2]  # pydantic puts the change type (the union tag) after the index
    loc = ".".join(str(p) for p in parts)
    loc = re.sub(r"\.(\d+)", r"[\1]", loc)
    msg = pydantic_message(err)
    if err["type"] == "extra_forbidden":
        key = str(err["loc"][-1])
        tag = next((p for p in err["loc"] if isinstance(p, str) and p in CHANGE_TYPES), None)
        known = _change_fields().get(tag, set()) if tag else set(Scenario.model_fields)
        msg = messages.msg("scenario.unknown_key", hint=did_you_mean(key, known - {"type"}))
    elif err["type"] == "union_tag_invalid":
        msg = messages.msg("scenario.unknown_change_type", types=", ".join(CHANGE_TYPES))
    given = err.get("input")
    if given is not None and not isinstance(given, (dict, list)) and err["type"] != "extra_forbidden":
        msg += f" (gegeven: {_show(given)})"
    return InputError(msg, file=file, sheet=sheet, cell=cell, key=None if cell else (loc or None))


def scenario_from_dict(data: Mapping[str, Any], *, name: str, file: str | None = None) -> Scenario:
    try:
        scenario = Scenario.model_validate(dict(data))
    except ValidationError as exc:
        raise _validation_error(exc, file) from None
    if not scenario.name:
        scenario.name = name
    if not scenario.title:
        scenario.title = scenario.name
    scenario._source = file
    for i, change in enumerate(scenario.changes):
        change._origin = (file, None, None, f"changes[{i}]")
    return scenario


def load_scenario_file(path: str | Path) -> Scenario:
    """Read and validate one TOML scenario file (errors name the file and the key)."""
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise InputError("scenariobestand niet gevonden", file=name, expected="een .toml-bestand in scenarios/")
    if path.suffix.lower() != ".toml":
        raise InputError(f"'{path.suffix}' is geen scenariobestand", file=name, expected="een .toml-bestand")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))  # a BOM (Notepad) is accepted
    except RecursionError:
        raise InputError("het TOML-bestand is te diep genest (honderden niveaus lijsten of tabellen in "
                         "elkaar); een scenario heeft er hoogstens een paar", file=name,
                         expected="een scenariobestand zoals in scenarios/") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"geen geldige TOML ({toml_reason(exc)})", file=name) from None
    except UnicodeDecodeError:
        raise InputError("geen tekstbestand", file=name, expected="een TOML-bestand in UTF-8") from None
    except OSError as exc:
        raise InputError(f"het scenariobestand kon niet gelezen worden ({os_reason(exc)})", file=name) from None
    if not data:
        raise InputError("het scenariobestand is leeg (het zou zonder een woord als het plan zelf lopen)", file=name,
                         expected="een titel en minstens één tabel [[changes]], of extends = \"...\"")
    if _depth(data) > MAX_TOML_DEPTH:
        raise InputError(f"het TOML-bestand is te diep genest (meer dan {MAX_TOML_DEPTH} niveaus lijsten of tabellen "
                         "in elkaar); een scenario heeft er hoogstens een paar", file=name,
                         expected="een scenariobestand zoals in scenarios/")
    return scenario_from_dict(data, name=path.stem, file=name)


#: Nesting deeper than this in a scenario file is refused before validation (a scenario needs 4).
MAX_TOML_DEPTH = 32


def _depth(value: Any) -> int:
    """Nesting depth of lists and tables, without recursion (a 20.000-deep file must not overflow)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_TOML_DEPTH:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


# -- the workbook sheet "Scenario's" ----------------------------------------------------------
SCENARIO_SHEET = "Scenario's"
#: Dutch column headers of the scenario sheet -> change fields.
SHEET_COLUMNS: dict[str, str] = {
    "scenario": "scenario", "titel": "title", "basis": "extends", "type": "type",
    "subsidie": "subsidy", "positie": "position", "actie": "action", "datum": "date", "tot": "until",
    "start": "start", "einde": "end", "bedrag": "amount", "factor": "factor", "percentage": "pct",
    "per inwoner": "per_inhabitant", "vte": "fte", "trap": "step", "schaal": "scale", "niveau": "level",
    "functie": "function", "financiering": "funded_by", "beleid": "policy", "aandeel": "share",
    "opzeg (maanden)": "notice_months", "opzeg": "opzeg", "klasse": "classes", "vanaf jaar": "from_year",
    "jaar": "from_year", "tarief": "rate", "spilindex": "crossings", "extra spilindex": "extra_crossings",
    "richting": "direction", "categorie": "category", "omschrijving": "description",
    "sleutel": "uncertainty_key", "waarde": "uncertainty_value", "buiten grenzen": "override_bounds",
    "budgetneutraal": "budget_neutral",
}
#: Rows of this type carry the scenario's ``[uncertainty]`` table: 'Sleutel' is a dotted key
#: (``index.sd``, ``subsidies.SUB-PACT.renewal``), 'Waarde' its value (see w13xl.montecarlo).
UNCERTAINTY_TYPES = ("onzekerheid", "uncertainty")
_SCENARIO_LEVEL = {"scenario", "title", "extends"}
_LIST_FIELDS = {"crossings", "extra_crossings", "classes"}


#: The Dutch labels of the change types, accepted in the column Type of the sheet (lower case).
CHANGE_TYPE_BY_LABEL = {label.casefold(): code for code, label in CHANGE_LABELS.items()}


def _cell_value(value: Any, fieldname: str) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return None
        if fieldname == "type" and value.casefold() in CHANGE_TYPE_BY_LABEL:
            return CHANGE_TYPE_BY_LABEL[value.casefold()]
    if isinstance(value, dt.datetime):
        return value.date()
    if fieldname in ("date", "until", "start", "end"):
        try:
            return parse_date(value)  # also Excel serial dates and 31/12/2027
        except ValueError:
            return value  # pydantic names the cell and what was expected
    if fieldname in _LIST_FIELDS and isinstance(value, str):
        return [v for v in re.split(r"[;,\s]+", value) if v]
    if fieldname in ("override_bounds", "budget_neutral") and isinstance(value, str):
        return value.strip().lower() in ("ja", "yes", "true", "waar", "1", "x")
    if isinstance(value, str) and re.fullmatch(r"-?\d+(,\d+)?", value):
        return float(value.replace(",", "."))
    return value


def scenarios_from_grid(grid: Sequence[Sequence[Any]], *, file: str | None = None,
                        sheet: str = SCENARIO_SHEET) -> dict[str, Scenario]:
    """Scenarios from the sheet: one row per change, grouped by the 'Scenario' column in order.
    Errors name the sheet and the cell."""
    rows = [list(r) for r in grid]
    header_row = next((r for r, row in enumerate(rows[:30])
                       if any(isinstance(v, str) and v.strip().lower() == "scenario" for v in row)), None)
    if header_row is None:
        if all(all(is_blank(v) for v in row) for row in rows):
            return {}
        raise InputError("geen kopregel met een kolom 'Scenario'", file=file, sheet=sheet,
                         expected="kolommen Scenario, Type, Subsidie/Positie/Actie, Datum, ...")
    columns: dict[int, str] = {}
    for c, v in enumerate(rows[header_row]):
        if isinstance(v, str) and v.strip().lower() in SHEET_COLUMNS:
            columns[c] = SHEET_COLUMNS[v.strip().lower()]
        elif not is_blank(v):
            raise InputError(f"onbekende kolom '{v}'", file=file, sheet=sheet, cell=cell_name(header_row, c),
                             expected=f"een van: {', '.join(sorted(set(SHEET_COLUMNS)))}")
    scenario_col = next(c for c, f in columns.items() if f == "scenario")
    data: dict[str, dict[str, Any]] = {}
    uncertainty_cells: dict[str, dict[str, str]] = {}
    origins: dict[str, list[tuple[int, dict[str, int]]]] = {}
    for r in range(header_row + 1, len(rows)):
        row = rows[r]
        if all(is_blank(v) for v in row):
            continue
        name = row[scenario_col] if scenario_col < len(row) else None
        if is_blank(name):
            raise InputError("de rij heeft geen scenarionaam", file=file, sheet=sheet,
                             cell=cell_name(r, scenario_col), expected="de naam van het scenario")
        name = str(name).strip()
        entry = data.setdefault(name, {"changes": []})
        change: dict[str, Any] = {}
        where: dict[str, int] = {}
        for c, fieldname in columns.items():
            if c == scenario_col or c >= len(row):
                continue
            value = _cell_value(row[c], fieldname)
            if value is None:
                continue
            if fieldname in _SCENARIO_LEVEL:
                entry[fieldname] = value
            else:
                change[fieldname] = value
                where[fieldname] = c
        if str(change.get("type", "")).strip().lower() in UNCERTAINTY_TYPES:
            key = change.get("uncertainty_key")
            if key is None:
                raise InputError("een rij 'onzekerheid' heeft een sleutel nodig in de kolom 'Sleutel'", file=file,
                                 sheet=sheet,
                                 cell=cell_name(r, where.get("type", scenario_col)),
                                 expected="een sleutel met punten zoals index.sd of subsidies.SUB-PACT.renewal")
            node = entry.setdefault("uncertainty", {})
            parts = str(key).strip().split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {})
                if not isinstance(node, dict):
                    raise InputError(f"sleutel '{key}' botst met een eerdere rij", file=file, sheet=sheet,
                                     cell=cell_name(r, where["uncertainty_key"]))
            node[parts[-1]] = change.get("uncertainty_value")
            cells = uncertainty_cells.setdefault(name, {})
            cells[str(key).strip()] = cell_name(r, where.get("uncertainty_value", where["uncertainty_key"]))
            continue
        if change:
            if change.get("type") != "contribution":
                change.pop("from_year", None)
            entry["changes"].append(change)
            origins.setdefault(name, []).append((r, where))
    out: dict[str, Scenario] = {}
    for name, entry in data.items():
        try:
            scenario = Scenario.model_validate(entry)
        except ValidationError as exc:
            loc = _reported(exc)["loc"]  # the cell of the error the message reports
            bad_cell = None
            if len(loc) >= 2 and loc[0] == "changes" and isinstance(loc[1], int):
                r, where = origins[name][loc[1]]
                bad_field = next((str(p) for p in loc[2:] if str(p) in where), "type")
                bad_cell = cell_name(r, where.get(bad_field, where.get("type", scenario_col)))
            raise _validation_error(exc, file, sheet, bad_cell or "?") from None
        scenario.name = name
        scenario.title = scenario.title or name
        scenario._source = f"{file or 'werkboek'} [{sheet}]"
        scenario._uncertainty_cells = uncertainty_cells.get(name, {})
        # one origin per change row read above
        for parsed, (r, where) in zip(scenario.changes, origins.get(name, []), strict=True):
            parsed._origin = (file, sheet, cell_name(r, where.get("type", scenario_col)), None)
        out[name] = scenario
    return out


class ScenarioLibrary:
    """Named scenarios (files and sheet rows) with ``extends`` resolved to a flat change list."""

    def __init__(self, scenarios: Iterable[Scenario] = (), search_dirs: Iterable[str | Path] = ()) -> None:
        self.scenarios: dict[str, Scenario] = {}
        #: Folders where ``extends = "name"`` finds ``name.toml`` when it was not loaded.
        self.search_dirs: list[Path] = [Path(d) for d in search_dirs]
        for s in scenarios:
            self.add(s)

    def find(self, name: str, beside: str | None = None) -> Scenario | None:
        """The scenario ``extends = name`` means: ``name.toml`` beside the extending file
        (``beside``) first; else the one loaded or on the sheet, or ``name.toml`` in the folders
        given. Two different candidates there are refused, naming both: w13xl does not pick one."""
        if beside and beside.lower().endswith(".toml"):
            candidate = Path(beside).parent / f"{name}.toml"
            if candidate.is_file():
                return self._from_path(candidate)
        loaded = self.scenarios.get(name)
        found: list[tuple[str, Path | None]] = [(loaded.source or name, None)] if loaded else []
        for folder in self.search_dirs:
            candidate = folder / f"{name}.toml"
            if candidate.is_file() and not any(_same_file(candidate, where) for where, _ in found):
                found.append((str(candidate), candidate))
        if len(found) > 1:
            raise InputError(f"extends = \"{name}\" past op meer dan één scenario: "
                             + " en ".join(f"'{where}'" for where, _ in found) + "; w13xl kiest er niet zelf één",
                             file=beside, key="extends",
                             expected="één scenario met die naam: hernoem er één, of zet het basisscenario naast "
                                      "het bestand dat het uitbreidt")
        if not found:
            return None
        path = found[0][1]
        return loaded if path is None else self._from_path(path)

    def _from_path(self, path: Path) -> Scenario:
        """The scenario of a file, loaded once; added to the library unless another scenario with
        its name is there already (a file beside the extending one wins over it for ``extends``)."""
        key = str(path.resolve())
        cache = self.__dict__.setdefault("_by_path", {})
        if key not in cache:
            existing = self.scenarios.get(path.stem)
            if existing is not None and _same_file(path, existing.source):
                cache[key] = existing
            else:
                cache[key] = load_scenario_file(path)
                if existing is None:
                    self.add(cache[key])
        return cache[key]

    def add(self, scenario: Scenario) -> None:
        if scenario.name in self.scenarios and scenario.name != BASELINE:
            raise InputError(f"twee scenario's heten '{scenario.name}'", file=scenario.source,
                             expected="unieke scenarionamen")
        self.scenarios[scenario.name] = scenario

    def chain(self, scenario: Scenario) -> list[Scenario]:
        """The scenario and its ancestors, root first (the baseline itself has no changes)."""
        chain = [scenario]
        while (current := chain[-1]).extends and current.extends != BASELINE:
            parent = self.find(current.extends, beside=current.source)
            if parent is None:
                raise InputError(f"bouwt voort op een onbekend scenario '{current.extends}'", file=current.source,
                                 key="extends", expected=f"'baseline' of een van: {', '.join(self.scenarios)}")
            if any(s.name == parent.name for s in chain):
                raise InputError(f"scenario '{scenario.name}' bouwt op zichzelf voort (via '{parent.name}')",
                                 file=current.source, key="extends")
            chain.append(parent)
        return chain[::-1]

    def changes(self, scenario: Scenario) -> list:
        return [c for s in self.chain(scenario) for c in s.changes]


def _same_file(path: Path, source: str | None) -> bool:
    if not source:
        return False
    try:
        return path.resolve() == Path(source).resolve()
    except OSError:
        return False


def is_voorstel_file(path: Path) -> bool:
    """A voorstel for ``w13xl nota`` (``voorstel*.toml``) may sit beside the scenarios: not a scenario."""
    return path.name.lower().startswith("voorstel") and path.suffix.lower() == ".toml"


def scenario_files(folder: Path) -> list[Path]:
    """The ``*.toml`` files of a scenario folder (sorted), without a voorstel; a folder without any
    is an error."""
    files = sorted(f for f in folder.glob("*.toml") if not is_voorstel_file(f))
    if not files:
        raise InputError("de map bevat geen scenariobestanden (*.toml)", file=str(folder),
                         expected="een map met .toml-scenariobestanden, bv. scenarios/")
    return files
