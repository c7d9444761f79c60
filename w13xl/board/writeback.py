"""Write-back: add or replace the board sheets inside the user's own workbook, keeping everything
else (checked after writing), replaced atomically or not at all."""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path

from ..errors import InputError, W13Error
from ..scenario.result import ScenarioRun
from ..workbook import open_workbook, safe_write
from .base import MARKER_CELL, OVERVIEW_SHEET, is_owned
from .pack import SheetAdder, add_pack_sheets, board_contents


#: Package parts openpyxl does not carry over; if the user's file has them and the rewritten file
#: does not, the write-back stops (keyed by path prefix inside the zip).
_FRAGILE_PARTS = {
    "xl/activeX/": "ActiveX controls",
    "xl/ctrlProps/": "form controls (buttons, check boxes)",
    "xl/slicers/": "slicers",
    "xl/slicerCaches/": "slicers",
    "xl/timelines/": "timelines",
    "xl/timelineCaches/": "timelines",
    "xl/embeddings/": "embedded objects",
    "xl/pivotTables/": "pivot tables",
    "xl/pivotCache/": "pivot caches",
    "xl/externalLinks/": "links to other workbooks",
    "xl/queryTables/": "queries",
    "xl/connections.xml": "data connections",
    "xl/model/": "the data model (Power Pivot)",
    "xl/customXml": "custom XML",
    "customXml/": "custom XML (e.g. SharePoint metadata)",
    "xl/threadedComments/": "threaded comments",
    "xl/comments": "comments",
    "xl/tables/": "tables",
    "xl/media/": "images",
    "xl/charts/": "charts",
    "xl/drawings/drawing": "drawings (shapes, charts, images)",
    "xl/vbaProject.bin": "the VBA project (macros)",
}
#: Sheet and workbook XML elements openpyxl may drop (form controls and embedded objects on a
#: sheet, Excel 2010+ extensions such as sparklines and slicers, ...): their count may not go down.
_FRAGILE_TAGS = re.compile(
    rb"<((?:\w+:)?(?:controls|control|oleObjects|oleObject|sparklineGroup|slicerList|slicer|timelineRefs|"
    rb"conditionalFormatting|dataValidation|legacyDrawing|legacyDrawingHF|picture|tablePart|drawing|"
    rb"hyperlink|protectedRange|pivotCache|externalReference|customWorkbookView))[\s/>]")


def _sheet_parts(parts: Mapping[str, bytes]) -> dict[str, str]:
    """Sheet name -> its part in the package (from xl/workbook.xml and its relationships)."""
    import xml.etree.ElementTree as ET

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
    rels = ET.fromstring(parts["xl/_rels/workbook.xml.rels"])
    targets = {}
    for rel in rels.findall("p:Relationship", ns):
        target = rel.get("Target", "")
        targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    book = ET.fromstring(parts["xl/workbook.xml"])
    return {sheet.get("name"): targets.get(sheet.get(f"{{{ns['r']}}}id"), "")
            for sheet in book.findall("m:sheets/m:sheet", ns)}


def _fragile_counts(parts: Mapping[str, bytes], skip_sheets: set[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    sheet_parts = _sheet_parts(parts)
    keep = {"xl/workbook.xml", *(p for name, p in sheet_parts.items() if name not in skip_sheets)}
    for name, data in parts.items():
        if name in keep:
            for tag in _FRAGILE_TAGS.findall(data):
                key = tag.decode()
                counts[key] = counts.get(key, 0) + 1
    return counts


def _zip_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def _sheet_snapshot(path: Path, skip: set[str]) -> tuple[dict[str, list[tuple]], dict[str, str]]:
    """Every cell value (formulas as text) of each sheet not in ``skip``, and the global defined
    names, read independently of the workbook object that was written."""
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path, data_only=False, read_only=False, keep_vba=False)
    try:
        cells = {}
        for ws in wb.worksheets:
            if ws.title in skip:
                continue
            cells[ws.title] = [(c.coordinate, c.value) for row in ws.iter_rows() for c in row if c.value is not None]
        names = {name: str(dn.attr_text) for name, dn in wb.defined_names.items()}
        for ws in wb.worksheets:
            if ws.title not in skip:
                names.update({f"{ws.title}!{name}": str(dn.attr_text) for name, dn in ws.defined_names.items()})
                names[f"{ws.title}!print"] = f"{ws.print_area} {ws.print_title_rows} {ws.print_title_cols}"
        return cells, names
    finally:
        wb.close()


def _verify_write_back(original: Path, written: Path, owned_before: set[str], owned_after: set[str]) -> None:
    """Raise (so the target is not replaced) unless every other sheet's values and formulas, the
    defined names, the VBA project and every package part kind survived."""
    before, after = _zip_parts(original), _zip_parts(written)
    if "xl/vbaProject.bin" in before and before["xl/vbaProject.bin"] != after.get("xl/vbaProject.bin"):
        raise W13Error("the VBA project would not be kept byte for byte")
    lost = sorted({label for prefix, label in _FRAGILE_PARTS.items()
                   if any(n.startswith(prefix) for n in before) and not any(n.startswith(prefix) for n in after)})
    if lost:
        raise W13Error("the workbook contains " + ", ".join(lost) + " that w13xl (openpyxl) cannot keep")
    counts_before = _fragile_counts(before, owned_before)
    counts_after = _fragile_counts(after, owned_after)
    dropped = sorted(tag for tag, n in counts_before.items() if counts_after.get(tag, 0) < n)
    if dropped:
        raise W13Error("the workbook contains elements that w13xl (openpyxl) cannot keep: <"
                       + ">, <".join(dropped) + ">")
    cells_before, names_before = _sheet_snapshot(original, owned_before)
    cells_after, names_after = _sheet_snapshot(written, owned_after)
    if set(cells_before) != set(cells_after):
        raise W13Error(f"the other sheets would change: {sorted(set(cells_before) ^ set(cells_after))}")
    for title, cells in cells_before.items():
        if cells != cells_after[title]:
            raise W13Error(f"sheet '{title}' would change")
    if names_before != names_after:
        raise W13Error("the defined names would change")


def write_board_into(runs: Sequence[ScenarioRun], target: str | os.PathLike, *, plan_name: str,
                     created: date | datetime | None = None, extra: Mapping[str, object] | None = None,
                     backup: bool = False, uncertainty: Mapping[str, object] | None = None,
                     extra_sheets: Sequence[SheetAdder] = (),
                     ) -> tuple[Path, list[str], list[str]]:
    """Add or replace the board sheets inside the user's workbook (.xlsx or .xlsm).

    Only sheets w13xl owns (prefix and marker, see :func:`is_owned`) are removed or replaced; a
    sheet with one of the new names but without the marker stops the write. Every other sheet,
    the defined names and the VBA project are kept and checked after writing; the file is
    replaced atomically (optionally keeping ``NAME.bak``) or not at all.
    Returns (target, sheets written, old owned sheets removed)."""
    target = Path(target)
    suffix = target.suffix.lower()
    if suffix not in (".xlsx", ".xlsm"):
        raise InputError(f"cannot write board sheets into a '{suffix}' file", file=str(target),
                         expected="an .xlsx or .xlsm workbook")
    contents = board_contents(runs, plan_name=plan_name, created=created, extra=extra,
                              simulation=(uncertainty or {}).get("simulation"))
    wb = open_workbook(target, data_only=False, keep_vba=suffix == ".xlsm")
    owned = [ws.title for ws in wb.worksheets if is_owned(ws)]
    existing = {name.lower(): name for name in wb.sheetnames}
    for content in contents:
        clash = existing.get(content.name.lower())
        if clash is not None and clash not in owned:
            raise InputError(f"sheet '{clash}' exists but was not written by w13xl (no marker in "
                             f"{MARKER_CELL}); rename or delete it, nothing was changed", file=str(target))
    active_title = wb.active.title if wb.active is not None else None
    positions = [wb.sheetnames.index(t) for t in owned]
    for title in owned:
        wb.remove(wb[title])
    index = min(positions) if positions else None
    try:
        new_names = add_pack_sheets(wb, runs, contents, plan_name=plan_name, created=created,
                                    uncertainty=uncertainty, extra_sheets=extra_sheets, index=index)
    except W13Error as exc:
        raise InputError(f"{exc}; nothing was changed", file=str(target)) from None
    if active_title in wb.sheetnames:
        wb.active = wb.sheetnames.index(active_title)
    else:
        wb.active = wb.sheetnames.index(OVERVIEW_SHEET)
    for ws in wb.worksheets:  # only one sheet may be selected when the active one changes
        ws.sheet_view.tabSelected = ws.title == wb.active.title

    def write(tmp: Path) -> None:
        wb.save(tmp)
        try:
            _verify_write_back(target, tmp, set(owned), set(new_names))
        except W13Error as exc:
            raise InputError(f"{exc}; nothing was changed", file=str(target)) from None

    safe_write(target, write, backup=backup)
    return target, new_names, [t for t in owned if t not in new_names]
