"""The nota aan de raad van bestuur (issue 21): a short Word/PDF note that asks for a decision.

* :mod:`.voorstel` the voorstel file (options, order, decision text);
* :mod:`.plain` plain Dutch: the glossary, the kind of each norm (``tests/test_nota.py`` checks
  that no code word is left in the printed text);
* :mod:`.content` the note as blocks (pure);
* :mod:`.study` the figures from the workbook and the scenarios (engine, goal seek, Monte Carlo);
* :mod:`.render` Word (python-docx), the chart (matplotlib) and the PDF (LibreOffice).
"""
