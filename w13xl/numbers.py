"""Reading numbers that people type into cells: one rule for the whole package."""

from __future__ import annotations

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
        raise ValueError(f"not a number: {value!r}")
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
            raise ValueError(f"not a number: {value!r}") from None
        if percent:
            x /= 100.0
    if not math.isfinite(x):
        raise ValueError(f"not a finite number: {value!r}")
    return x
