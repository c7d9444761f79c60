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
