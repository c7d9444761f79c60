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


def parse_fraction(value: object, *, limit: float = 1.0, whole_one: bool = False) -> float:
    """A rate typed by a person, by the package's one rule for percentages: a number is a fraction
    (0,05 = 5%), text with '%' a percentage ('5%', '2,5 %'). A bare number above ``limit`` in size
    is refused (ValueError naming both readings): '2' for 2% would otherwise silently mean 200%.
    A bare 1 is refused too (1% or 100%?, :func:`ambiguous_rate`) unless ``whole_one`` (a share,
    where 1 is the whole)."""
    x = parse_decimal(value)
    if not whole_one and (message := ambiguous_rate(value)):
        raise ValueError(message)
    if abs(x) > limit and not str(value).strip().endswith("%"):
        raise ValueError(f"{value} wordt gelezen als {x * 100:g}% (een getal is een breuk: schrijf {x:g}% of "
                         f"{x / 100:g})".replace(".", ","))
    return x


def _nl(x: float) -> str:
    return f"{x:g}".replace(".", ",")


def ambiguous_rate(value: object) -> str | None:
    """The Dutch refusal of a bare number 1 (or -1) where a percentage is expected, giving both
    readings: as a fraction it is 100%, but it was perhaps typed for 1%. Text with '%' ('1%',
    '100%') and every other number are not ambiguous (larger ones are caught by the bounds)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        if value.strip().endswith("%"):
            return None
        try:
            x = parse_decimal(value)
        except ValueError:
            return None
    elif isinstance(value, (int, float, np.integer, np.floating)):
        x = float(value)
    else:
        return None
    if abs(x) != 1.0:
        return None
    return (f"{_nl(x)} is dubbelzinnig waar een percentage verwacht wordt: als fractie is het {_nl(x * 100)}%, "
            f"maar bedoeld is misschien {_nl(x)}%; schrijf '{_nl(x)}%' (of {_nl(x / 100)}) voor {_nl(x)}%, "
            f"of '{_nl(x * 100)}%' voor {_nl(x * 100)}%")


#: Amounts at or beyond this size (in euro) are refused: no budget of a local body comes near it,
#: so such a value is a typing or export error (1e300, a date serial times a million, ...).
MAX_AMOUNT = 1e12


def implausible_amount(x: float) -> str | None:
    """The Dutch refusal of an amount beyond :data:`MAX_AMOUNT` in size, else None."""
    if abs(x) >= MAX_AMOUNT:
        return (f"het bedrag {x:.6g} is groter dan elk plausibel bedrag (grens {MAX_AMOUNT:.0e} euro); "
                "een tikfout of een fout in de export?")
    return None


def not_an_amount(text: object) -> str | None:
    """The Dutch refusal of a percentage given where an amount is expected ('10%')."""
    if isinstance(text, str) and text.strip().endswith("%"):
        return f"'{text.strip()}' is een percentage, geen bedrag"
    return None


def exact_sum(values, axis: int = 0) -> np.ndarray | float:
    """The exactly rounded sum (math.fsum) of ``values`` along ``axis`` (of a 1-D sequence: a float):
    sums of receipts and expenditure that cancel lose no cents to the order of adding."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 1:
        return math.fsum(arr.tolist())
    moved = np.moveaxis(arr, axis, -1)
    flat = moved.reshape(-1, moved.shape[-1])
    return np.array([math.fsum(r) for r in flat.tolist()], dtype=np.float64).reshape(moved.shape[:-1])


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
