"""Excel front end of w13xl (xlwings): custom functions, scripts and macros.

* :mod:`w13xl.excel.functions`: the custom functions (``=W13.M2(...)`` in Office.js add-ins,
  ``=W13_M2(...)`` in the classic Windows add-in), thin xlwings adapters;
* :mod:`w13xl.excel.scripts`: the "Scenario's doorrekenen" script (Office.js ``@xw.script``);
* :mod:`w13xl.excel.macros`: the same script as a classic ``RunPython`` macro;
* :mod:`w13xl.excel.core` and :mod:`w13xl.excel.content`: the logic behind them, pure Python
  (no xlwings import), testable and reusable (the board pack writes the same sheet content);
* :mod:`w13xl.excel.cache`: input normalisation and the bounded result cache.

Only ``functions``, ``scripts`` and ``macros`` import xlwings.
"""
