"""Simple workbook output of M2 results (the board pack builds on the same pieces)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .fmt import EXCEL_EURO_CENTS
from .m2 import M2Result, m2_rows
from .workbook import safe_write


def write_m2_workbook(path: Path, results: Mapping[str, M2Result]) -> Path:
    """One sheet per result with schema M2 (statutory order, Dutch labels), amounts to the cent."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the new workbook's empty sheet
    for name, result in results.items():
        ws = wb.create_sheet(_sheet_title(name))
        ws.append(["", "Schema M2", *result.years])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for number, label, _key, values in m2_rows(result):
            ws.append([number, label, *values])
            for cell in ws[ws.max_row][2:]:
                cell.number_format = EXCEL_EURO_CENTS
        ws.append([])
        from .board.scenario_pages import norm_rows  # the board pack's norm words

        for row in norm_rows(result):
            ws.append(row)
        ws.column_dimensions["B"].width = 55
        for col in "CDEFGHIJKL":
            ws.column_dimensions[col].width = 15
        ws.freeze_panes = "C2"
    return safe_write(path, lambda tmp: wb.save(tmp))


def _sheet_title(name: str) -> str:
    bad = '[]:*?/\\'
    clean = "".join("_" if ch in bad else ch for ch in name)
    return clean[:31] or "Blad"
