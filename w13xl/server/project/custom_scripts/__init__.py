"""The scripts xlwings Server serves: "Scenario's doorrekenen" (task pane and ribbon button).

The same script as w13xl.excel.scripts.scenarios_doorrekenen, with its work in the heavy worker
pool (w13xl.server.pool) so that it does not hold up the server's other requests."""

import xlwings as xw

from w13xl.errors import W13Error
from w13xl.excel.scripts import SCRIPT_TITLE, Outcome, doorrekenen, user_message
from w13xl.server.pool import Refused, pool


@xw.script(name=SCRIPT_TITLE)
async def scenarios_doorrekenen(book: xw.Book):
    """Office.js (xlwings Server): run every scenario of the workbook."""
    try:
        outcome: Outcome = await pool("script").submit(doorrekenen, book)  # type: ignore[assignment]
    except W13Error as exc:
        raise xw.XlwingsError(f"{SCRIPT_TITLE}: {user_message(exc)}") from None
    except Refused as exc:
        raise xw.XlwingsError(f"{SCRIPT_TITLE}: {exc.text.removeprefix('#W13: ')}") from None
    book.app.alert(outcome.message(), title=SCRIPT_TITLE)
