import os

os.environ["XLWINGS_ON_SERVER"] = "true"  # xlwings' Office.js code paths (set before xlwings is imported)
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"  # needed by xw.Book(json=...) and the reader
