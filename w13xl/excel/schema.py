"""W13.SCHEMA: schemas M3, T1, T2, T3 from ranges (budget, Parameters, Categorieën, Economische
aard, Beleidsvelden). Thin layer over :mod:`w13xl.schemas`; cached on the argument values."""

from __future__ import annotations

import re

from . import cache
from .cache import scalar
from .core import BUDGET, CATEGORIES, PARAMETERS, Frozen, Grid, error_text, freeze, is_empty, memo_rows, ranges_by_kind

ECONOMIC, FUNCTIONAL = "Economische aard", "Beleidsvelden"
SCHEMA_HEADER = ("Deel", "Omschrijving")


def classify(grid: Frozen) -> str | None:
    """The kind of a range from its header: Economische aard (a Rubriek column), Beleidsvelden
    (a Beleidsveld column), Categorieën, Parameters."""
    from .core import classify_range

    for row in (grid or ())[:30]:
        cells = {v.strip().lower() for v in row if isinstance(v, str) and v.strip()}
        if "actie" in cells and "rubriek" in cells:
            return ECONOMIC
        if "actie" in cells and "beleidsveld" in cells:
            return FUNCTIONAL
    kind = classify_range(grid)
    return kind if kind in (PARAMETERS, CATEGORIES) else None


def _parse_name(name: object) -> tuple[str, int | None]:
    text = str(name or "").strip().upper()
    m = re.match(r"^(M3|T1|T2|T3)(?:\s*[ :;/-]\s*(\d{4}))?$", text)
    if not m:
        from ..errors import InputError
        raise InputError(f"onbekend schema '{name}'", expected="M3, T1, T2 of T3 (M3 met jaar: 'M3 2027')")
    return m.group(1), int(m.group(2)) if m.group(2) else None


@cache.cached(maxsize=16)
def _schema(budget: Frozen, name: str, ranges: tuple[Frozen, ...]) -> tuple[tuple[object, ...], ...]:
    from ..errors import InputError
    from ..schemas import compute_schema, read_split_rules
    from ..sheets import SheetContext, load_plan_from_grids, read_category_mapping

    try:
        schema, year = _parse_name(name)
        if budget is None or is_empty(budget):
            raise InputError("het bereik is leeg", sheet=BUDGET, expected="het bereik van een begrotingsblad")
        grids: dict[str, Grid] = {BUDGET: budget}
        by_kind = ranges_by_kind(ranges, classify, after="het schema",
                                 expected="bereiken met de kop van Parameters, Categorieën, Economische aard "
                                          "(Actie | Categorie | Richting | Rubriek) of Beleidsvelden")
        if PARAMETERS in by_kind:
            grids[PARAMETERS] = by_kind[PARAMETERS]
        mapping = (read_category_mapping(by_kind[CATEGORIES], SheetContext(None, CATEGORIES))
                   if CATEGORIES in by_kind else None)
        loaded = load_plan_from_grids(grids, sheet=BUDGET, mapping=mapping)
        economic = (read_split_rules(by_kind[ECONOMIC], SheetContext(None, ECONOMIC),
                                     group_header=("Rubriek",), kind="rubric") if ECONOMIC in by_kind else [])
        functional = (read_split_rules(by_kind[FUNCTIONAL], SheetContext(None, FUNCTIONAL),
                                       group_header=("Beleidsveld",), kind="beleidsveld")
                      if FUNCTIONAL in by_kind else [])
        where = {"sheet": FUNCTIONAL if schema == "T1" else ECONOMIC}
        if year is not None and year not in loaded.plan.years:
            raise InputError(f"jaar {year} valt buiten het plan", expected="een jaar van de begroting")
        result = compute_schema(schema, loaded.plan, loaded.params, economic=economic, functional=functional,
                                year=year, **where)
    except Exception as exc:
        return ((error_text(exc),),)
    rows: list[tuple[object, ...]] = [(*SCHEMA_HEADER, *[int(c) if c.isdigit() else c for c in result.columns])]
    rows += [(section, label, *map(float, values)) for section, label, values in result.rows]
    return tuple(rows)


#: Results of :func:`schema` by the argument values as Excel sends them.
_schemas = cache.ValueMemo("schema", maxsize=16)


def schema(budget: object, name: object, *ranges: object) -> list[list]:
    """The spilled result of W13.SCHEMA: header ``Deel | Omschrijving | columns``, then the lines."""

    def compute():
        value = scalar(name)
        return _schema(freeze(budget), "" if value is None else str(value), tuple(freeze(r) for r in ranges))

    try:
        return memo_rows(_schemas, "schema", (budget, name, *ranges), compute)
    except Exception as exc:
        return [[error_text(exc)]]
