"""Display formatting in Belgian conventions (1.234.567,89). Only for display: the engine
never rounds."""

from __future__ import annotations

import math

#: Excel number formats. Excel shows its own locale's separators; LibreOffice follows the
#: ``[$-813]`` (nl-BE) locale tag, so the board sees 1.234.567 either way.
EXCEL_EURO = '[$-813]#,##0;[Red]-#,##0'
EXCEL_EURO_CENTS = '[$-813]#,##0.00;[Red]-#,##0.00'
EXCEL_PERCENT = '[$-813]0.0%'


def euro(value: float | None, decimals: int = 0) -> str:
    """59851.13 -> '59.851'; with decimals=2 -> '59.851,13'; None/NaN -> ''."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # no '-0'
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent(value: float, decimals: int = 1) -> str:
    return euro(value * 100, decimals) + "%"


# One meaning per status word, the same in `compare`, the board pack and the Excel script. What a
# check is called (a statutory norm, an engagement or a policy) depends on the kind of bestuur and
# lives in w13xl.m2.check_rules. The AFM check looks at the last plan year only; the first year
# with a negative AFM is a warning sign, not a check.
NORM_MET = "voldaan"
NORM_NOT_MET = "niet voldaan"
FIRST_NEGATIVE_AFM_LABEL = "Eerste jaar met negatieve AFM"


def year_span(years) -> str:
    """'2026-2027' for a span of years, '2025' for one year (not '2025-2025')."""
    first, last = years[0], years[-1]
    return str(first) if first == last else f"{first}-{last}"


def count(n: int, one: str, many: str) -> str:
    """'1 scenario', '2 scenario's'; '1 maand', '3 maanden'."""
    return f"{n} {one if n == 1 else many}"
