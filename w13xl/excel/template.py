"""A ready workbook for the classic Windows add-in, made from xlwings' own ``quickstart.xlsm``.

``w13xl excel workbook OUT.xlsm`` (see :mod:`w13xl.cli.excel`) calls :func:`build_addin_workbook`:

* the template's VBA project (the xlwings module with ``RunPython``) is kept (openpyxl
  ``keep_vba=True``);
* its ``_xlwings.conf`` sheet becomes the active ``xlwings.conf`` sheet with
  ``UDF Modules = w13xl.excel.functions`` (and the interpreter, if given);
* the plan's sheets are copied in (values, formulas, number formats, fonts, fills, widths);
* a ``Start`` sheet explains the functions, the script and the set-up;
* beside the workbook, a Python file with the workbook's name (``OUT.py``) whose ``main()``
  runs "Scenario's doorrekenen": xlwings' *Run main* convention. The xlwings ribbon's
  **Run main** button and the template's own macro ``SampleCall`` (Alt+F8, or a button
  assigned to it) both run ``import OUT; OUT.main()`` with the workbook's folder on the
  Python path, so no VBA has to be pasted;
* ``Interpreter_Win`` is written only when ``--interpreter`` gives it (a Windows path to
  ``python.exe`` or ``pythonw.exe``, checked): otherwise the row is removed, so that xlwings on
  each PC takes the interpreter from that PC's own xlwings settings (the xlwings ribbon's
  Interpreter field, the file xlwings.conf in the user folder .xlwings). The building machine's Python is
  never written: its path means nothing on another PC (issue 22).

openpyxl only; xlwings is not imported (the template is located through the package spec).
"""

from __future__ import annotations

import copy
import importlib.util
import os
import re
import warnings
from pathlib import Path

from ..errors import InputError
from ..workbook import open_workbook, safe_write

CONF_SHEET = "xlwings.conf"
INACTIVE_CONF_SHEET = "_xlwings.conf"
START_SHEET = "Start"
UDF_MODULES = "w13xl.excel.functions"
RUN_MAIN_TEMPLATE = '''"""Run main for {workbook} (written by `w13xl excel workbook`; do not rename).

xlwings runs main() when you click Run main on the xlwings ribbon tab, or run the workbook's
macro SampleCall (Alt+F8, or a button assigned to it): "Scenario's doorrekenen" writes the sheet
'W13 Overzicht' and one 'W13 <scenario>' sheet per scenario of the sheet Scenario's.
"""

from w13xl.excel.macros import scenarios_doorrekenen


def main():
    scenarios_doorrekenen()


if __name__ == "__main__":
    import xlwings as xw

    xw.Book("{workbook}").set_mock_caller()
    main()
'''


#: A Windows path to the interpreter: a drive, a UNC share or an environment variable such as
#: %LOCALAPPDATA% / %CD% at the start, python.exe or pythonw.exe at the end.
_WINDOWS_PYTHON = re.compile(r"^([A-Za-z]:\\|\\\\|%[A-Za-z_]+%\\).*\\pythonw?\.exe$", re.IGNORECASE)


def check_interpreter(value: str) -> str:
    """``--interpreter``: a Windows path to python.exe or pythonw.exe (the workbook runs on a PC)."""
    text = value.strip().strip('"')
    if not _WINDOWS_PYTHON.match(text):
        raise InputError(f"--interpreter {value}: geen Windows-pad naar python.exe of pythonw.exe",
                         expected="bv. C:\\w13xl\\.venv\\Scripts\\pythonw.exe of "
                                  "%LOCALAPPDATA%\\w13xl\\.venv\\Scripts\\pythonw.exe; zonder --interpreter neemt "
                                  "Excel de interpreter uit de xlwings-instellingen van de pc")
    return text


def run_main_path(out: Path) -> Path:
    """The Python file xlwings' Run main imports for the workbook ``out``: same folder, same name."""
    return out.with_suffix(".py")


def quickstart_template() -> Path:
    """``quickstart.xlsm`` inside the installed xlwings package."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise InputError("xlwings is niet geïnstalleerd", expected="xlwings==0.37.8 (uv sync)")
    path = Path(next(iter(spec.submodule_search_locations))) / "quickstart.xlsm"
    if not path.exists():
        raise InputError("het sjabloon quickstart.xlsm van xlwings ontbreekt", file=str(path),
                         expected="een volledige installatie van xlwings (installeer xlwings opnieuw)")
    return path


def _copy_sheet(src, wb) -> None:
    """Copy a worksheet into another workbook: cell values/formulas and their look."""
    ws = wb.create_sheet(src.title)
    for row in src.iter_rows():
        for c in row:
            if c.value is None and not c.has_style:
                continue
            t = ws.cell(row=c.row, column=c.column, value=c.value)
            if c.has_style:
                t.font = copy.copy(c.font)
                t.fill = copy.copy(c.fill)
                t.border = copy.copy(c.border)
                t.alignment = copy.copy(c.alignment)
                t.number_format = c.number_format
    for key, dim in src.column_dimensions.items():
        if dim.width:
            ws.column_dimensions[key].width = dim.width
    for merged in src.merged_cells.ranges:
        ws.merge_cells(str(merged))
    ws.freeze_panes = src.freeze_panes
    ws.sheet_properties.tabColor = src.sheet_properties.tabColor


def _start_sheet(ws, plan_name: str, budget: str, params: str, module: str) -> None:
    lines = [
        ("W13 meerjarenplan in Excel (w13xl)", True),
        (f"Plan: {plan_name}", False),
        ("", False),
        ("Functies (klassieke add-in op Windows; eerst xlwings-tab > Import Functions):", True),
        ("Het blad 'W13 Formules' rekent zodra de functies geïmporteerd zijn (daarna Ctrl+Alt+F9).", False),
        (f"=W13_M2({budget};{params})   schema M2, één kolom per jaar", False),
        (f"=W13_RESERVE({budget};{params})   =W13_AFM(...)   =W13_BBR(...)   jaar | bedrag", False),
        (f"=W13_NORMEN({budget};{params})   controles (norm, engagement, beleid) en eerste jaar niet gehaald", False),
        ("=W13_INDEXEER(1000;2026;2031)   =W13_INDEXEER(1000;2026;2031;\"vast\")   "
         "=W13_INDEXEER(1000;2026;2031;\"loon\";3%)", False),
        ("=W13_LOONKOST(\"B1-B3\";5;0,8;2027)   werkgeverskost (illustratieve weddeschalen)", False),
        ("Met de W13-add-in (w13xl serve: Excel op Windows, Mac en het web) of xlwings Lite heten ze "
         "=W13.M2(...), =W13.RESERVE(...), ...", False),
        ("", False),
        ("Scenario's doorrekenen (niets te plakken):", True),
        ("xlwings-tab > Run main, of Alt+F8 > SampleCall > Uitvoeren (of Ontwikkelaars > Invoegen > Knop, "
         "macro SampleCall toewijzen).", False),
        (f"Dat start main() in {module}.py, dat naast deze werkmap moet staan (zelfde map, zelfde naam).", False),
        ("Het script schrijft één blad per scenario ('W13 ...') en het overzicht 'W13 Overzicht'; "
         "invoerbladen worden nooit gewijzigd.", False),
        ("", False),
        ("Instellingen: blad xlwings.conf (UDF Modules, Interpreter_Win). Zie README, sectie Excel.", False),
    ]
    for r, (text, bold) in enumerate(lines, start=1):
        cell = ws.cell(row=r, column=1, value=text if text else None)
        if text.startswith("="):
            cell.data_type = "s"  # shown as text: the functions exist only after Import Functions
        if bold:
            from openpyxl.styles import Font

            cell.font = Font(bold=True, size=14 if r == 1 else 11)
    ws.column_dimensions["A"].width = 120


def build_addin_workbook(out: str | os.PathLike, *, plan: str | os.PathLike | None = None,
                         interpreter: str | None = None, budget_sheet: str = "Synthese",
                         force: bool = False) -> Path:
    """Write ``out`` (.xlsm): xlwings' quickstart template + config + the plan's sheets."""
    out = Path(out)
    if out.suffix.lower() == ".xlsm" and not out.stem.isidentifier():
        raise InputError("Run main van xlwings importeert de naam van de werkmap als Python-module, dus de naam "
                         "mag alleen letters, cijfers en '_' bevatten", file=str(out),
                         expected=f"een naam zoals {_identifier(out.stem)}.xlsm")
    script = run_main_path(out)
    _check_output(out, ".xlsm", "kan geen macro's bevatten", plan, force, script)
    wb = open_workbook(quickstart_template(), data_only=False, keep_vba=True)
    if plan is None:
        from ..sample import build_workbook

        source, plan_name = build_workbook(), "voorbeeldplan W13 2026-2031 (w13xl)"
    else:
        source, plan_name = open_workbook(plan, data_only=False), Path(plan).name
    clash = [n for n in source.sheetnames if n.lower() in (CONF_SHEET, INACTIVE_CONF_SHEET, START_SHEET.lower())]
    if clash:
        raise InputError(f"het planwerkboek heeft een blad '{clash[0]}', dat de werkmap van de invoegtoepassing "
                         "nodig heeft", file=plan_name, expected="geef dat blad een andere naam")
    conf_name = CONF_SHEET if CONF_SHEET in wb.sheetnames else INACTIVE_CONF_SHEET
    conf = wb[conf_name]
    conf.title = CONF_SHEET
    settings = {"UDF Modules": UDF_MODULES}
    if interpreter is not None:
        settings["Interpreter_Win"] = check_interpreter(interpreter)
    rows = {conf.cell(row=r, column=1).value: r for r in range(1, conf.max_row + 1)}
    if interpreter is None and "Interpreter_Win" in rows:  # the template's 'python': the PC's setting instead
        conf.delete_rows(rows["Interpreter_Win"])
        rows = {conf.cell(row=r, column=1).value: r for r in range(1, conf.max_row + 1)}
    for key, value in settings.items():
        r = rows.get(key) or conf.max_row + 1
        conf.cell(row=r, column=1, value=key)
        conf.cell(row=r, column=2, value=value)
    # Keep the template's own sheets (their code names belong to the VBA project): the first
    # becomes the Start sheet.
    start = next(ws for ws in wb.worksheets if ws.title != CONF_SHEET)
    start.title = START_SHEET
    start.delete_rows(1, start.max_row)
    wb.move_sheet(START_SHEET, offset=-wb.sheetnames.index(START_SHEET))
    from .layer import OWN_SHEETS, add_excel_layer

    for ws in source.worksheets:
        if ws.title not in OWN_SHEETS:  # a plan that has them (the sample) gets them anew, classic
            _copy_sheet(ws, wb)
    formula_cells = add_excel_layer(wb, "classic")
    budget, params = _names_or_ranges(wb, source, budget_sheet)
    _start_sheet(start, plan_name, budget, params, out.stem)
    wb.move_sheet(CONF_SHEET, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(CONF_SHEET))
    wb.active = 0
    _save(wb, out, formula_cells)
    text = RUN_MAIN_TEMPLATE.format(workbook=out.name)
    safe_write(script, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return out


def _names_or_ranges(wb, source, budget_sheet: str) -> tuple[str, str]:
    """The workbook names Begroting and Parameters when the layer defined them, else the ranges."""
    names = wb.defined_names
    if "Begroting" in names and budget_sheet == "Synthese":
        return "Begroting", "Parameters" if "Parameters" in names else ""
    return _ranges(source, budget_sheet)


def _check_output(out: Path, suffix: str, wrong_suffix: str, plan: str | os.PathLike | None, force: bool,
                  *others: Path) -> None:
    """Refuse an output name with another extension, a file that exists (without --force) and the
    plan workbook itself."""
    if out.suffix.lower() != suffix:
        raise InputError(f"'{out.suffix}' {wrong_suffix}", file=str(out),
                         expected=f"een uitvoernaam die eindigt op {suffix}")
    for path in (out, *others):
        if path.exists() and not force:
            raise InputError("het bestand bestaat al; er is niets gewijzigd", file=str(path),
                             expected="een nieuwe bestandsnaam, of --force om het te vervangen")
    if plan is not None and Path(plan).resolve() == out.resolve():
        raise InputError("de uitvoer zou het planwerkboek overschrijven", file=str(out),
                         expected="een andere uitvoernaam")


def _save(wb, out: Path, formula_cells: list[str]) -> None:
    """Save ``wb`` safely as ``out``, with its formula cells marked as dynamic arrays."""
    from .layer import mark_dynamic_arrays

    def write(tmp: Path) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb.save(tmp)
        mark_dynamic_arrays(tmp, cells=formula_cells)

    safe_write(out, write)


def build_officejs_workbook(out: str | os.PathLike, *, plan: str | os.PathLike | None = None,
                            force: bool = False) -> Path:
    """Write ``out`` (.xlsx) for the Office.js add-in (w13xl serve, xlwings Lite): the plan's
    workbook as it is, plus the names, the sheet 'W13 Formules' (=W13.M2(Begroting;...)) and the
    drop-down lists on Scenario's. Without ``plan``: the sample plan."""
    from .layer import OWN_SHEETS, add_excel_layer

    out = Path(out)
    _check_output(out, ".xlsx", "is geen werkmap voor de Office.js-invoegtoepassing", plan, force)
    if plan is None:
        from ..sample import build_workbook

        wb = build_workbook()
    else:
        wb = open_workbook(plan, data_only=False)
    for title in OWN_SHEETS:
        if title in wb.sheetnames:
            del wb[title]
    formula_cells = add_excel_layer(wb, "officejs")
    _save(wb, out, formula_cells)
    return out


def _identifier(stem: str) -> str:
    name = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in stem) or "W13_plan"
    return name if name.isidentifier() else f"W13_{name}"


def _ranges(source, budget_sheet: str) -> tuple[str, str]:
    """Example ranges for the formulas on the Start sheet (the used range of each sheet)."""
    from .layer import _quote

    budget = budget_sheet if budget_sheet in source.sheetnames else source.sheetnames[0]
    b = source[budget]
    text = f"{_quote(budget)}!A1:{b.cell(row=b.max_row, column=b.max_column).coordinate}"
    if "Parameters" in source.sheetnames:
        p = source["Parameters"]
        return text, f"Parameters!A1:{p.cell(row=p.max_row, column=p.max_column).coordinate}"
    return text, ""
