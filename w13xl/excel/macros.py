"""Classic Windows add-in macros (``RunPython``), e.g. for a button in the workbook::

    Sub ScenariosDoorrekenen()
        RunPython "from w13xl.excel.macros import scenarios_doorrekenen; scenarios_doorrekenen()"
    End Sub

The logic is :func:`w13xl.excel.scripts.doorrekenen`, shared with the Office.js script.
"""

from __future__ import annotations

import xlwings as xw

from ..errors import W13Error
from .scripts import SCRIPT_TITLE, doorrekenen, user_message


def scenarios_doorrekenen() -> None:
    """Run every scenario of the calling workbook; a message box says what was written or what
    is wrong (no traceback for bad input)."""
    book = xw.Book.caller()
    try:
        outcome = doorrekenen(book)
    except W13Error as exc:
        book.app.alert(user_message(exc), title=SCRIPT_TITLE)
        return
    book.app.alert(outcome.message(), title=SCRIPT_TITLE)
