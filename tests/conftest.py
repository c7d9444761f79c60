import os

os.environ["XLWINGS_ON_SERVER"] = "true"  # xlwings' Office.js code paths (set before xlwings is imported)
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"  # needed by xw.Book(json=...) and the reader

from reader_check import both_readers, pytest_terminal_summary  # noqa: E402,F401 - calamine vs openpyxl on every read
