"""Reading numbers and dates that people type into cells: one rule for the whole package."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np


def parse_decimal(value: object) -> float:
    """A cell value as a number.

    Numbers stay as they are. Text may use a decimal comma ('0,8', '1.234,56'), a decimal point
    ('1234.56', '1,234.56': whichever separator comes last is the decimal one), spaces, '€', and a
    trailing '%' (divides by 100). Raises ValueError for anything else, booleans and non-finite
    values.
    """
    if isinstance(value, bool):
        raise ValueError(f"geen getal: {value!r}")
    if isinstance(value, (int, float, np.integer, np.floating)):
        x = float(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace("€", "")
        percent = text.endswith("%")
        text = text.rstrip("%")
        if "," in text and "." in text:
            text = text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") \
                else text.replace(",", "")
        else:
            text = text.replace(",", ".")
        try:
            x = float(text)
        except ValueError:
            raise ValueError(f"geen getal: {value!r}") from None
        if percent:
            x /= 100.0
    if not math.isfinite(x):
        raise ValueError(f"geen eindig getal: {value!r}")
    return x


def parse_fraction(value: object, *, limit: float = 1.0) -> float:
    """A rate typed by a person, by the package's one rule for percentages: a number is a fraction
    (0,05 = 5%), text with '%' a percentage ('5%', '2,5 %'). A bare number above ``limit`` in size
    is refused (ValueError naming both readings): '2' for 2% would otherwise silently mean 200%."""
    x = parse_decimal(value)
    if abs(x) > limit and not str(value).strip().endswith("%"):
        raise ValueError(f"{value} wordt gelezen als {x * 100:g}% (een getal is een breuk: schrijf {x:g}% of "
                         f"{x / 100:g})".replace(".", ","))
    return x


#: Day 0 of Excel's (1900) serial dates.
EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def parse_date(value: object) -> dt.date | None:
    """A cell value as a date; None for an empty cell.

    Accepts date/datetime objects, Excel serial dates (whole numbers, as Office.js sends them) and
    text as 2027-12-31, 31/12/2027, 31-12-2027 or 31.12.2027. Raises ValueError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        x = float(value)
        if x.is_integer() and 1 <= x < 2_958_466:
            return EXCEL_EPOCH + dt.timedelta(days=int(x))
        raise ValueError(f"geen datum: {value!r}")
    text = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise ValueError(f"geen datum (verwacht bv. 2027-12-31 of 31/12/2027): {value!r}")
