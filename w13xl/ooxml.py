"""The workbook package (zip of XML parts) read and written directly: fast reading with
python-calamine, and a write-back that touches only what w13xl owns.

Reading (:func:`open_package`, :func:`read_grids`): the file is read once into memory;
python-calamine gives the cell values (the results Excel stores for formulas); zipfile gives what
calamine does not: the defined names (``xl/workbook.xml``) and the formula cells *without* a stored
result, found by scanning only the sheets read for ``<f>`` elements (a sheet without ``<f`` costs
one substring search). Damaged, encrypted, Strict Open XML and non-workbook files become one
:class:`InputError`. Strict Open XML is read by translating its namespaces to the transitional ones
in memory.

Writing (:func:`write_sheets_into`): the board sheets are made by openpyxl in a scratch workbook;
their sheet XML and everything it refers to (drawings, charts) are transplanted into the user's
package as new parts. Every other part is copied byte for byte. Only these parts change:

* ``xl/workbook.xml`` (the ``<sheet>`` entries, the board sheets' print areas in
  ``<definedNames>``, the active tab), ``xl/_rels/workbook.xml.rels`` and ``[Content_Types].xml``;
* ``xl/styles.xml``: the styles the board sheets use are *appended* (fonts, fills, borders, number
  formats, cell formats); existing entries keep their index, so no other sheet changes, and
  entries appended by an earlier export are reused (a second export leaves the part unchanged);
* the parts of the board sheets themselves (new, replaced or removed).

The index parts and ``xl/styles.xml`` are edited as lxml trees (which keep their namespace
prefixes and declarations). Shared strings of the board sheets are written inline
(``t="inlineStr"``) so the shared string table is not touched. The file list of
``docProps/app.xml`` is left as it is (Excel does not rely on it).
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from .errors import InputError
from .messages import os_reason

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
#: Strict Open XML namespace prefixes -> their transitional equivalents.
STRICT_TO_TRANSITIONAL = (
    (b"http://purl.oclc.org/ooxml/spreadsheetml/main", MAIN_NS.encode()),
    (b"http://purl.oclc.org/ooxml/officeDocument/relationships", REL_NS.encode()),
    (b"http://purl.oclc.org/ooxml/drawingml/main", b"http://schemas.openxmlformats.org/drawingml/2006/main"),
    (b"http://purl.oclc.org/ooxml/drawingml/chart", b"http://schemas.openxmlformats.org/drawingml/2006/chart"),
    (b"http://purl.oclc.org/ooxml/drawingml/spreadsheetDrawing",
     b"http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"),
    (b"http://purl.oclc.org/ooxml/officeDocument/", b"http://schemas.openxmlformats.org/officeDocument/2006/"),
)
_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_READ_EXPECTED = "een .xlsx- of .xlsm-bestand bewaard door Excel of LibreOffice"


# ---------------------------------------------------------------------------------------------
# The package in memory
# ---------------------------------------------------------------------------------------------

class Package(Mapping):
    """A workbook file read into memory: its zip entries in order; a part's content is unpacked
    (and its checksum checked) when first read (the package is a read-only mapping of its parts).
    ``parts`` unpacks them all (for writing)."""

    def __init__(self, file: str, data: bytes, zf: zipfile.ZipFile, strict: bool = False) -> None:
        self.file = file
        self.data = data
        self.zip = zf
        self.infos = [i for i in zf.infolist() if not i.is_dir()]
        self.names = {i.filename for i in self.infos}
        self.strict = strict
        self._cache: dict[str, bytes] = {}

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def __getitem__(self, name: str) -> bytes:
        if name not in self.names:
            raise KeyError(name)
        return self.read(name)

    def __iter__(self):
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    def read(self, name: str) -> bytes:
        data = self._cache.get(name)
        if data is None:
            try:
                data = self.zip.read(name)
            except zipfile.BadZipFile as exc:  # bad CRC, bad header
                raise _damaged(self.file, f"onderdeel {name}: {_zip_reason(exc)}") from None
            except (zlib.error, EOFError, ValueError, NotImplementedError):
                raise _damaged(self.file, f"onderdeel {name} kan niet uitgepakt worden") from None
            self._cache[name] = data
        return data

    @property
    def parts(self) -> dict[str, bytes]:
        return {i.filename: self.read(i.filename) for i in self.infos}


def _damaged(file: str, detail: str) -> InputError:
    return InputError(f"het bestand is beschadigd ({detail}); er is niets gelezen", file=file,
                      expected="een onbeschadigde kopie van het werkboek (een reservekopie, of bewaar het opnieuw "
                               "in Excel)")


def _zip_reason(exc: Exception) -> str:
    """Why zipfile refused a part, in Dutch (its own texts are English)."""
    text = str(exc).lower()
    if "crc" in text:
        return "controlesom klopt niet"
    if "header" in text:
        return "ongeldige kop"
    return "onleesbaar"


def check_workbook_path(path: str | os.PathLike) -> Path:
    """The path as a Path, or an InputError saying why it is not a workbook file."""
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise InputError("bestand niet gevonden", file=name, expected="het pad van een .xlsx- of .xlsm-werkboek")
    if path.is_dir():
        raise InputError("dit is een map, geen werkboek", file=name, expected="een .xlsx- of .xlsm-bestand")
    if path.suffix.lower() == ".xls":
        raise InputError("oude .xls-werkboeken kunnen niet gelezen worden", file=name,
                         expected="een .xlsx- of .xlsm-bestand (in Excel: Opslaan als > Excel-werkmap)")
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise InputError(f"'{path.suffix}' is geen extensie van een werkboek", file=name,
                         expected="een .xlsx- of .xlsm-bestand")
    return path


def open_package(path: str | os.PathLike) -> Package:
    """Read a workbook file into memory, checking every part's checksum. Errors name the file and
    say what is wrong: not a zip, damaged (bad checksum, bad deflate data), password-protected."""
    path = check_workbook_path(path)
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"het bestand kon niet gelezen worden ({os_reason(exc)})", file=name) from None
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED in data:
            raise InputError("het werkboek is beveiligd met een wachtwoord (versleuteld); w13xl kan het niet lezen",
                             file=name, expected="een werkboek zonder wachtwoord om te openen (in Excel: Bestand > "
                                                 "Info > Werkmap beveiligen > Versleutelen met wachtwoord, leegmaken, "
                                                 "opslaan)")
        raise InputError("dit is een oud binair .xls-werkboek met een .xlsx-naam", file=name,
                         expected="een .xlsx- of .xlsm-bestand (in Excel: Opslaan als > Excel-werkmap)")
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, zlib.error):
        raise InputError("het bestand is geen werkboek of is beschadigd", file=name, expected=_READ_EXPECTED) from None
    pkg = Package(name, data, z)
    if "xl/workbook.xml" not in pkg or "[Content_Types].xml" not in pkg:
        raise InputError("het bestand is geen werkboek of is beschadigd (geen xl/workbook.xml)", file=name,
                         expected=_READ_EXPECTED)
    pkg.strict = b"http://purl.oclc.org/ooxml/spreadsheetml/main" in pkg.read("xl/workbook.xml")
    return pkg


def transitional(pkg: Package) -> bytes:
    """The package as a transitional zip (Strict Open XML namespaces translated), for calamine."""
    if not pkg.strict:
        return pkg.data
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for name, content in pkg.parts.items():  # every part (a Strict file is rare)
            if name.endswith((".xml", ".rels")):
                for strict, trans in STRICT_TO_TRANSITIONAL:
                    content = content.replace(strict, trans)
            out.writestr(name, content)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# Relationships and sheets
# ---------------------------------------------------------------------------------------------

_ATTR = re.compile(r'([\w:.-]+)\s*=\s*("([^"]*)"|\'([^\']*)\')')
_REL = re.compile(r"<(?:\w+:)?Relationship\b([^>]*?)/?>")


def attrs(tag_text: str) -> dict[str, str]:
    out = {}
    for m in _ATTR.finditer(tag_text):
        v = m.group(3) if m.group(3) is not None else m.group(4)
        out[m.group(1)] = unescape(v) if "&" in v else v
    return out


def rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def resolve(source_part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    folder = posixpath.dirname(source_part)
    return posixpath.normpath(posixpath.join(folder, target))


@dataclass
class Rel:
    id: str
    type: str
    target: str
    external: bool


def parse_rels(xml: bytes) -> list[Rel]:
    text = xml.decode("utf-8")
    out = []
    for m in _REL.finditer(text):
        a = attrs(m.group(1))
        out.append(Rel(a.get("Id", ""), a.get("Type", ""), a.get("Target", ""),
                       a.get("TargetMode", "").lower() == "external"))
    return out


def part_rels(parts: Mapping[str, bytes], part: str) -> list[Rel]:
    data = parts.get(rels_name(part))
    return parse_rels(data) if data is not None else []


def closure(parts: Mapping[str, bytes], start: str, stop: Iterable[str] = ()) -> set[str]:
    """``start`` and every part it reaches through internal relationships (with the .rels parts),
    not walking into ``stop``."""
    stop = set(stop)
    seen: set[str] = set()
    todo = [start]
    while todo:
        part = todo.pop()
        if part in seen or part in stop or part not in parts:
            continue
        seen.add(part)
        if rels_name(part) in parts:
            seen.add(rels_name(part))
        for rel in part_rels(parts, part):
            if not rel.external:
                todo.append(resolve(part, rel.target))
    return seen


_SHEET = re.compile(r"<(?:\w+:)?sheet\b[^>]*?/>|<(?:\w+:)?sheet\b[^>]*?>\s*</(?:\w+:)?sheet>")


@dataclass
class SheetEntry:
    name: str
    sheet_id: int
    rid: str
    part: str
    state: str | None


def workbook_sheets(parts: Mapping[str, bytes]) -> list[SheetEntry]:
    """The workbook's sheets in tab order, with their parts (worksheets and chart sheets)."""
    book = parts["xl/workbook.xml"].decode("utf-8")
    targets = {r.id: resolve("xl/workbook.xml", r.target) for r in part_rels(parts, "xl/workbook.xml")}
    out = []
    for m in _SHEET.finditer(book):
        a = attrs(m.group(0))
        rid = next((v for k, v in a.items() if k.endswith(":id") or k == "id"), "")
        out.append(SheetEntry(a.get("name", ""), int(a.get("sheetId", "0")), rid, targets.get(rid, ""),
                              a.get("state")))
    return out


# ---------------------------------------------------------------------------------------------
# Reading values (python-calamine) and what calamine does not give
# ---------------------------------------------------------------------------------------------

_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+\d+)"')
_TYPE = re.compile(rb'\bt="(\w+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>\s*[^<\s]")


_ANY_F = re.compile(rb"<(?:\w+:)?f[\s>/]")


def uncalculated_cells(sheet_xml: bytes) -> list[str]:
    """Cells of a sheet part that hold a formula (``<f>``) but no stored result (no ``<v>``, or an
    empty one for a number): the state a workbook is in when saved by a program that does not
    calculate. A sheet without any ``<f`` is not parsed further."""
    if not _ANY_F.search(sheet_xml):
        return []
    out = []
    for m in _CELL.finditer(sheet_xml):
        body = m.group(2)
        if not body or (b"<f" not in body and b":f>" not in body and b":f " not in body):
            continue
        if _VALUE.search(body):
            continue
        t = _TYPE.search(m.group(1))
        if t and t.group(1) == b"str" and re.search(rb"<(?:\w+:)?v\s*(/>|>\s*</)", body):
            continue  # a formula whose result is the empty text
        ref = _REF.search(m.group(1))
        out.append(ref.group(1).decode() if ref else "?")
    return out


_ERROR_CELL = re.compile(rb'<c\b([^>]*?\bt="e"[^>]*)>(.*?)</c>', re.S)
_V_TEXT = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


def error_cells(sheet_xml: bytes) -> dict[str, str]:
    """Cells holding an Excel error value (``t="e"``, e.g. #DIV/0!): ref -> the error text.
    python-calamine gives these as empty cells; w13xl puts the text back so that an amount cell
    with an error is refused, as before."""
    if b't="e"' not in sheet_xml:
        return {}
    out = {}
    for m in _ERROR_CELL.finditer(sheet_xml):
        ref, v = _REF.search(m.group(1)), _V_TEXT.search(m.group(2))
        if ref and v:
            out[ref.group(1).decode()] = unescape(v.group(1).decode("utf-8"))
    return out


_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_COL_TAG = re.compile(rb"<(?:\w+:)?col\b([^>]*?)/?>")
_ATTR_R = re.compile(rb'\br="(\d+)"')
_HIDDEN = re.compile(rb'\bhidden="(1|true)"')


def hidden_rows_cols(sheet_xml: bytes) -> tuple[frozenset[int], frozenset[int]]:
    """The hidden rows and columns of a sheet part (0-based), from ``<row hidden="1">`` and
    ``<col min max hidden="1">``: calamine gives their values like any other."""
    if b"hidden=" not in sheet_xml:
        return frozenset(), frozenset()
    rows: set[int] = set()
    cols: set[int] = set()
    for m in _ROW_TAG.finditer(sheet_xml):
        if _HIDDEN.search(m.group(1)) and (r := _ATTR_R.search(m.group(1))):
            rows.add(int(r.group(1)) - 1)
    for m in _COL_TAG.finditer(sheet_xml):
        a = m.group(1)
        if _HIDDEN.search(a):
            lo = re.search(rb'\bmin="(\d+)"', a)
            hi = re.search(rb'\bmax="(\d+)"', a)
            if lo and hi:
                cols.update(range(int(lo.group(1)) - 1, min(int(hi.group(1)), 16384)))
    return frozenset(rows), frozenset(cols)


def cell_position(ref: str) -> tuple[int, int]:
    """'B3' -> (2, 1): 0-based row and column."""
    m = re.match(r"([A-Z]+)(\d+)$", ref)
    if m is None:
        raise ValueError(f"not a cell reference: {ref!r}")
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


_DEFINED = re.compile(r"<(?:\w+:)?definedName\b([^>]*)>(.*?)</(?:\w+:)?definedName>", re.S)
_ONE_CELL = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?(\d+)$")


def defined_cells(workbook_xml: bytes) -> dict[str, tuple[str, int, int]]:
    """Workbook-level defined names that point at one cell: name -> (sheet, row, col) 0-based."""
    out = {}
    for m in _DEFINED.finditer(workbook_xml.decode("utf-8")):
        a = attrs(m.group(1))
        name = a.get("name", "")
        if "localSheetId" in a or name.startswith("_xlnm."):
            continue
        ref = _ONE_CELL.match(unescape(m.group(2)).strip())
        if ref:
            sheet = (ref.group(1) or "").replace("''", "'") or ref.group(2)
            out[name] = (sheet, *cell_position(ref.group(3) + ref.group(4)))
    return out


def _normal(value: object) -> object:
    """A calamine value as openpyxl gives it: empty -> None, whole floats -> int, dates ->
    datetime at midnight."""
    import datetime as dt

    if value == "":
        return None
    if type(value) is float:
        if value.is_integer() and abs(value) < 2**53:
            return int(value)
        return value
    if type(value) is dt.date:
        return dt.datetime(value.year, value.month, value.day)
    return value


_MAX_INT = 2**53


def _normal_rows(rows: list[list]) -> list[list]:
    """:func:`_normal` on every cell, inlined for the common cases (text and floats)."""
    m = _MAX_INT
    return [[(v if v != "" else None) if type(v) is str
             else (int(v) if v.is_integer() and -m < v < m else v) if type(v) is float
             else _normal(v) for v in row] for row in rows]


def read_grids(pkg: Package, sheets: Iterable[str] | None = None):
    """(grids, defined-name values) of a package; ``grids.uncalculated`` lists the formula cells
    without a stored result per sheet (they are None in the grid)."""
    import python_calamine as pc

    from .workbook import Grids

    entries = [e for e in workbook_sheets(pkg) if e.part.startswith("xl/worksheets/")]
    wanted = set(sheets) if sheets is not None else None
    try:
        book = pc.CalamineWorkbook.from_filelike(io.BytesIO(transitional(pkg)))
    except Exception as exc:
        for info in pkg.infos:  # a damaged part is reported as such (the read raises)
            pkg.read(info.filename)
        raise InputError(f"het bestand kon niet als werkboek gelezen worden ({type(exc).__name__})",
                         file=pkg.file, expected=_READ_EXPECTED) from None
    grids = Grids()
    try:
        for entry in entries:
            if wanted is not None and entry.name not in wanted:
                continue
            xml = pkg.get(entry.part) or b""  # unpacked (checksum checked) before calamine reads it
            try:
                rows = book.get_sheet_by_name(entry.name).to_python(skip_empty_area=False)
            except Exception as exc:
                raise InputError(f"het blad kon niet gelezen worden, het bestand is beschadigd ({type(exc).__name__})",
                                 file=pkg.file, sheet=entry.name, expected=_READ_EXPECTED) from None
            grid = _normal_rows(rows)
            for ref, text in error_cells(xml).items():
                r, c = cell_position(ref)
                if r < len(grid) and c < len(grid[r]):
                    grid[r][c] = text
            while grid and all(v is None for v in grid[-1]):
                grid.pop()
            grids[entry.name] = grid
            missing = uncalculated_cells(xml)
            if missing:
                grids.uncalculated[entry.name] = missing
            hidden = hidden_rows_cols(xml)
            if hidden[0] or hidden[1]:
                grids.hidden[entry.name] = hidden
    finally:
        book.close()
    named: dict[str, object] = {}
    workbook_xml = pkg.read("xl/workbook.xml")
    if pkg.strict:
        workbook_xml = workbook_xml.replace(*STRICT_TO_TRANSITIONAL[0])
    all_names = {e.name for e in entries}
    for name, (sheet, row, col) in defined_cells(workbook_xml).items():
        if sheet not in all_names:
            continue
        sheet_grid = grids.get(sheet)
        if sheet_grid is None:
            continue
        named[name] = sheet_grid[row][col] if row < len(sheet_grid) and col < len(sheet_grid[row]) else None
    return grids, named


# ---------------------------------------------------------------------------------------------
# Styles (lxml trees: what is not edited keeps its meaning, the part is written anew)
# ---------------------------------------------------------------------------------------------


def _same_ns(element, local: str) -> str:
    """The qualified tag ``local`` in the namespace of ``element``."""
    return element.tag[:element.tag.find("}") + 1] + local


def _key(element) -> tuple:
    """What makes two style entries the same: name, attributes (any order), text and children."""
    return (element.tag.rsplit("}", 1)[-1], tuple(sorted(element.attrib.items())), (element.text or "").strip(),
            tuple(_key(c) for c in element if isinstance(c.tag, str)))


class StyleMerger:
    """Appends the scratch workbook's styles to the target's ``styles.xml`` (as lxml trees),
    reusing entries that are already there, and maps the scratch cell-format and dxf indexes to
    the target's."""

    ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
             "tableStyles", "colors", "extLst")

    def __init__(self, target_xml: str | bytes, source_xml: str | bytes) -> None:
        from lxml import etree

        self.root = etree.fromstring(target_xml.encode() if isinstance(target_xml, str) else target_xml)
        self.source = etree.fromstring(source_xml.encode() if isinstance(source_xml, str) else source_xml)
        self.changed = False

    @staticmethod
    def _items(root, local: str) -> list:
        box = root.find(_same_ns(root, local))
        return [] if box is None else [c for c in box if isinstance(c.tag, str)]

    def _append(self, local: str, new_items: list) -> None:
        if not new_items:
            return
        from lxml import etree

        self.changed = True
        box = self.root.find(_same_ns(self.root, local))
        if box is None:
            box = etree.Element(_same_ns(self.root, local))
            later = (self.root.find(_same_ns(self.root, name)) for name in self.ORDER[self.ORDER.index(local) + 1:])
            anchor = next((el for el in later if el is not None), None)
            if anchor is None:
                self.root.append(box)
            else:
                anchor.addprevious(box)
        box.extend(new_items)
        box.set("count", str(len(self._items(self.root, local))))

    def _merge_list(self, local: str, items: list) -> list[int]:
        existing = self._items(self.root, local)
        index = {_key(x): n for n, x in reversed(list(enumerate(existing)))}
        mapping: list[int] = []
        new: list = []
        for item in items:
            key = _key(item)
            if key not in index:
                index[key] = len(existing) + len(new)
                new.append(item)
            mapping.append(index[key])
        self._append(local, new)
        return mapping

    def merge(self) -> tuple[list[int], list[int]]:
        """Merge; returns (cell format map, dxf map): scratch index -> target index."""
        from lxml import etree

        # number formats: same code -> same id; new codes get ids above the target's largest
        def fmts(root) -> list[tuple[str, str]]:  # (id, formatCode) of every numFmt, dxfs' too
            return [(x.get("numFmtId"), x.get("formatCode")) for x in root.iter(_same_ns(root, "numFmt"))
                    if x.get("numFmtId") is not None and x.get("formatCode") is not None]

        target_fmts = {code: int(i) for i, code in reversed(fmts(self.root))}
        next_id = max([163, *(int(i) for i, _ in fmts(self.root))]) + 1
        fmt_map: dict[int, int] = {}
        new_fmts = []
        for i, code in fmts(self.source):
            if code in target_fmts:
                fmt_map[int(i)] = target_fmts[code]
            else:
                fmt_map[int(i)] = next_id
                target_fmts[code] = next_id
                new_fmts.append(etree.Element(_same_ns(self.root, "numFmt"), numFmtId=str(next_id), formatCode=code))
                next_id += 1
        self._append("numFmts", new_fmts)
        maps = {name: self._merge_list(name, self._items(self.source, name)) for name in ("fonts", "fills", "borders")}
        tables = {"numFmtId": lambda i: fmt_map.get(i, i), "fontId": lambda i: maps["fonts"][i],
                  "fillId": lambda i: maps["fills"][i], "borderId": lambda i: maps["borders"][i], "xfId": lambda i: 0}
        xfs = self._items(self.source, "cellXfs")
        for xf in xfs:
            for attr, table in tables.items():
                if xf.get(attr) is not None:
                    xf.set(attr, str(table(int(xf.get(attr)))))
        xf_map = self._merge_list("cellXfs", xfs)
        dxfs = self._items(self.source, "dxfs")
        dxf_map = self._merge_list("dxfs", dxfs) if dxfs else []
        return xf_map, dxf_map


def inline_strings(sheet_xml: str, shared: list[str]) -> str:
    """Shared-string cells (``t="s"``) rewritten as inline strings (``t="inlineStr"``)."""
    def sub(m: re.Match) -> str:
        head, body = m.group(1), m.group(2)
        if not re.search(r'\bt="s"', head):
            return m.group(0)
        v = re.search(r"<v>(\d+)</v>", body)
        if v is None:
            return m.group(0)
        head = re.sub(r'\bt="s"', 't="inlineStr"', head)
        return f"<c{head}><is>{shared[int(v.group(1))]}</is></c>"
    return re.sub(r"<c\b([^>]*)>(.*?)</c>", sub, sheet_xml, flags=re.S)


def _shared_strings(parts: Mapping[str, bytes]) -> list[str]:
    """The inner XML of each ``<si>`` of the shared string table (an empty ``<si/>`` gives '')."""
    data = parts.get("xl/sharedStrings.xml")
    return [m.group(1) or "" for m in re.finditer(r"<(?:\w+:)?si\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?si>)",
                                                   data.decode("utf-8"), re.S)] if data is not None else []


def remap_styles(sheet_xml: str, xf_map: list[int], dxf_map: list[int]) -> str:
    def xf(i: str) -> str:
        return str(xf_map[int(i)]) if int(i) < len(xf_map) else i

    sheet_xml = re.sub(r'(<(?:c|row)\b[^>]*?\bs=")(\d+)(")', lambda m: m.group(1) + xf(m.group(2)) + m.group(3),
                       sheet_xml)
    sheet_xml = re.sub(r'(<col\b[^>]*?\bstyle=")(\d+)(")', lambda m: m.group(1) + xf(m.group(2)) + m.group(3),
                       sheet_xml)
    if dxf_map:
        sheet_xml = re.sub(r'(\bdxfId=")(\d+)(")', lambda m: m.group(1) + str(dxf_map[int(m.group(2))]) + m.group(3),
                           sheet_xml)
    return sheet_xml


# ---------------------------------------------------------------------------------------------
# Content types
# ---------------------------------------------------------------------------------------------


def content_type(ct, part: str) -> str | None:
    """The content type ``[Content_Types].xml`` (an lxml tree) gives a part: its Override, else
    the Default for its extension."""
    ext = part.rsplit(".", 1)[-1].lower()
    overrides = [el for el in ct if (el.get("PartName") or "").lstrip("/") == part]
    defaults = [el for el in ct if (el.get("Extension") or "").lower() == ext]
    return next((el.get("ContentType") for el in overrides + defaults), None)


# ---------------------------------------------------------------------------------------------
# Write-back
# ---------------------------------------------------------------------------------------------

@dataclass
class WriteResult:
    written: list[str]
    removed: list[str]
    changed_parts: set[str]  # parts whose bytes differ (or that were added or removed)


def _serialise(root) -> bytes:
    from lxml import etree

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _styles_part(parts: Mapping[str, bytes]) -> str | None:
    for rel in part_rels(parts, "xl/workbook.xml"):
        if rel.type.endswith("/styles"):
            return resolve("xl/workbook.xml", rel.target)
    return None


def build_package(pkg: Package, scratch: Mapping[str, bytes], owned: Iterable[str], *,
                  active: str | None = None) -> tuple[bytes, WriteResult]:
    """The user's package with the ``owned`` sheets removed and the scratch workbook's sheets
    added (at the position of the first removed one, else at the end). Returns the new zip bytes.
    The index parts are edited as trees (lxml keeps their namespace prefixes and declarations)."""
    from lxml import etree

    parts = dict(pkg.parts)
    file = pkg.file
    owned = set(owned)
    sheets = workbook_sheets(parts)
    new_sheets = workbook_sheets(scratch)
    scratch_names = [s.name for s in new_sheets]

    # 1. what goes: the owned sheets and the parts only they reach
    removed_entries = [s for s in sheets if s.name in owned]
    kept_entries = [s for s in sheets if s.name not in owned]
    removed_parts: set[str] = set()
    if removed_entries:
        reach_kept: set[str] = set()
        roots = [resolve("", r.target) for r in part_rels(parts, "") if not r.external]
        stop = {s.part for s in removed_entries}
        for root in roots:
            reach_kept |= closure(parts, root, stop=stop)
        for s in removed_entries:
            removed_parts |= closure(parts, s.part) - reach_kept
    remaining = set(parts) - removed_parts

    # 2. new part names for the scratch sheets' parts
    rename: dict[str, str] = {}
    counter = 0

    def fresh(old: str) -> str:
        nonlocal counter
        folder, base = posixpath.split(old)
        stem, ext = posixpath.splitext(base)
        while True:
            counter += 1
            name = posixpath.join(folder, f"w13{stem}_{counter}{ext}")
            if name not in remaining and name not in rename.values():
                return name

    transplant: list[str] = []
    for s in new_sheets:
        for part in sorted(closure(scratch, s.part)):
            if part.endswith(".rels"):
                continue
            if part not in rename:
                rename[part] = fresh(part)
                transplant.append(part)

    # 3. styles
    styles_name = _styles_part(parts)
    if styles_name is None or styles_name not in parts:
        raise InputError("het werkboek heeft geen opmaakonderdeel (xl/styles.xml); w13xl kan er geen bladen aan "
                         "toevoegen", file=file, expected="een werkboek bewaard door Excel of LibreOffice")
    merger = StyleMerger(parts[styles_name], scratch["xl/styles.xml"])
    xf_map, dxf_map = merger.merge()
    shared = _shared_strings(scratch)
    ct_scratch = etree.fromstring(scratch["[Content_Types].xml"])

    new_parts: dict[str, bytes] = {}
    ct = etree.fromstring(parts["[Content_Types].xml"])
    for old in transplant:
        data = scratch[old]
        if old.startswith("xl/worksheets/") and old.endswith(".xml"):
            text = data.decode("utf-8")
            text = inline_strings(text, shared)
            text = remap_styles(text, xf_map, dxf_map)
            data = text.encode("utf-8")
        name = rename[old]
        new_parts[name] = data
        ctype = content_type(ct_scratch, old)
        if ctype and content_type(ct, name) != ctype:
            etree.SubElement(ct, _same_ns(ct, "Override"), PartName="/" + name, ContentType=ctype)
        rels = part_rels(scratch, old)
        if rels:
            root = etree.Element(f"{{{PKG_REL_NS}}}Relationships", nsmap={None: PKG_REL_NS})
            for rel in rels:
                target = rel.target if rel.external else "/" + rename[resolve(old, rel.target)]
                el = etree.SubElement(root, f"{{{PKG_REL_NS}}}Relationship", Id=rel.id, Type=rel.type, Target=target)
                if rel.external:
                    el.set("TargetMode", "External")
            new_parts[rels_name(name)] = _serialise(root)

    # 4. workbook.xml.rels: drop the removed sheets' relationships, add the new ones
    wb_rels = etree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    removed_rids = {s.rid for s in removed_entries}
    for el in list(wb_rels):
        if el.get("Id") in removed_rids:
            wb_rels.remove(el)
    used_ids = {el.get("Id") for el in wb_rels}
    scratch_types = {r.id: r.type for r in part_rels(scratch, "xl/workbook.xml")}
    new_rids = []
    n = 0
    for s in new_sheets:
        n += 1
        while f"rIdW13s{n}" in used_ids:
            n += 1
        new_rids.append(f"rIdW13s{n}")
        etree.SubElement(wb_rels, _same_ns(wb_rels, "Relationship"), Id=new_rids[-1], Type=scratch_types[s.rid],
                         Target="/" + rename[s.part])

    # 5. workbook.xml: the <sheet> list, defined names, active tab
    book = etree.fromstring(parts["xl/workbook.xml"])
    old_index = {s.name: i for i, s in enumerate(sheets)}
    insert_at = min((old_index[s.name] for s in removed_entries), default=len(sheets))
    insert_at = sum(1 for s in kept_entries if old_index[s.name] < insert_at)
    order = [s.name for s in kept_entries]
    order[insert_at:insert_at] = scratch_names
    new_index = {name: i for i, name in enumerate(order)}
    next_id = max([s.sheet_id for s in sheets] + [0]) + 1
    sheets_el = book.find(_same_ns(book, "sheets"))
    assert sheets_el is not None  # workbook_sheets read the <sheets> above
    for el in list(sheets_el):
        if el.get("name") in owned:
            sheets_el.remove(el)
    for k, (s, rid) in enumerate(zip(new_sheets, new_rids, strict=True)):
        el = etree.Element(_same_ns(book, "sheet"), name=s.name, sheetId=str(next_id + k))
        if s.state and s.state != "visible":
            el.set("state", s.state)
        el.set(f"{{{REL_NS}}}id", rid)
        sheets_el.insert(insert_at + k, el)

    # defined names: drop the removed sheets' local names, renumber localSheetId, add the scratch ones
    names_el = book.find(_same_ns(book, "definedNames"))
    for el in list(names_el if names_el is not None else ()):
        if el.get("localSheetId") is None:
            continue
        i = int(el.get("localSheetId"))
        local_to = sheets[i].name if i < len(sheets) else None
        if local_to is None or local_to in owned:
            names_el.remove(el)
        elif new_index[local_to] != i:
            el.set("localSheetId", str(new_index[local_to]))
    added_names = [el for el in etree.fromstring(scratch["xl/workbook.xml"]).iter(f"{{{MAIN_NS}}}definedName")
                   if el.get("localSheetId") is not None]
    if added_names and names_el is None:
        names_el = etree.Element(_same_ns(book, "definedNames"))
        anchor = next(el for el in (book.find(_same_ns(book, name)) for name in
                                    ("externalReferences", "functionGroups", "sheets")) if el is not None)
        anchor.addnext(names_el)
    for el in added_names:
        el.set("localSheetId", str(new_index[scratch_names[int(el.get("localSheetId"))]]))
        names_el.append(el)
    if names_el is not None and len(names_el) == 0:
        book.remove(names_el)  # an empty <definedNames> is not valid

    # active tab and first visible tab: indexes follow the sheets
    view = book.find(f".//{_same_ns(book, 'workbookView')}")
    for key in ("activeTab", "firstSheet") if view is not None else ():
        i = int(view.get(key, "0"))
        tab_name = sheets[i].name if i < len(sheets) else None
        if tab_name is None or tab_name in owned:
            target_name = active if key == "activeTab" and active in new_index else order[0]
            value = new_index.get(target_name, 0)
        else:
            value = new_index[tab_name]
        if value != i:
            view.set(key, str(value))

    # 6. calcChain: stale entries of removed sheets would make Excel repair the file
    calc = "xl/calcChain.xml"
    removed_ids = {s.sheet_id for s in removed_entries}
    if calc in parts and removed_ids and _calc_chain_mentions(parts[calc], removed_ids):
        removed_parts.add(calc)
        for el in list(wb_rels):
            if resolve("xl/workbook.xml", el.get("Target") or "") == calc:
                wb_rels.remove(el)

    # 7. content types of the parts that went
    for el in list(ct):
        if (el.get("PartName") or "").lstrip("/") in removed_parts:
            ct.remove(el)

    changed = {
        "xl/workbook.xml": _serialise(book),
        "xl/_rels/workbook.xml.rels": _serialise(wb_rels),
        "[Content_Types].xml": _serialise(ct),
    }
    if merger.changed:
        changed[styles_name] = _serialise(merger.root)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in pkg.infos:
            if info.is_dir() or info.filename in removed_parts:
                continue
            data = changed.get(info.filename, parts[info.filename])
            z.writestr(info, data, compress_type=info.compress_type)
        for name, data in new_parts.items():
            z.writestr(zipfile.ZipInfo(name, date_time=pkg.infos[0].date_time if pkg.infos else (1980, 1, 1, 0, 0, 0)),
                       data, compress_type=zipfile.ZIP_DEFLATED)
    differs = {n for n, d in changed.items() if d != parts.get(n)} | removed_parts | set(new_parts)
    return out.getvalue(), WriteResult(scratch_names, [s.name for s in removed_entries if s.name not in scratch_names]
                                       , differs)


def _calc_chain_mentions(xml: bytes, sheet_ids: set[int]) -> bool:
    current = None
    for m in re.finditer(rb"<(?:\w+:)?c\b([^>]*)/?>", xml):
        i = re.search(rb'\bi="(\d+)"', m.group(1))
        if i:
            current = int(i.group(1))
        if current in sheet_ids:
            return True
    return False


def verify(before: Package, after_bytes: bytes, allowed: set[str], expected_sheets: list[str]) -> None:
    """Every part not in ``allowed`` is byte-identical; the result opens and lists the sheets."""
    import xml.etree.ElementTree as ET

    import python_calamine as pc

    with zipfile.ZipFile(io.BytesIO(after_bytes)) as z:
        after = {n: z.read(n) for n in z.namelist()}
    for name, data in before.parts.items():
        if name not in allowed and after.get(name) != data:
            raise InputError(f"interne controle mislukt: onderdeel {name} zou wijzigen; er is niets gewijzigd",
                             file=before.file)
    for name in allowed:  # every part w13xl wrote or edited is well-formed XML
        if name in after and name.endswith((".xml", ".rels")):
            try:
                ET.fromstring(after[name])
            except ET.ParseError as exc:
                raise InputError(f"interne controle mislukt: onderdeel {name} is geen geldige XML ({exc.position}); "
                                 "er is niets gewijzigd", file=before.file) from None
    book = pc.CalamineWorkbook.from_filelike(io.BytesIO(after_bytes))
    try:
        names = book.sheet_names
    finally:
        book.close()
    if names != expected_sheets:
        raise InputError(f"interne controle mislukt: de bladen zouden {names} zijn; er is niets gewijzigd",
                         file=before.file)


def write_sheets_into(target: str | os.PathLike, scratch_wb, *, is_owned: Callable[[str, list[list]], bool],
                      prefix: str, active: str | None = None, backup: bool = False,
                      stamp: tuple[int, int, int, str] | None = None) -> WriteResult:
    """Write the sheets of the openpyxl workbook ``scratch_wb`` into the workbook file ``target``:
    sheets named ``prefix...`` for which ``is_owned(name, grid)`` holds are replaced or removed, a
    sheet with one of the new names that is not owned stops the write. Every other part of the
    package is kept byte for byte (see the module's docstring). Written safely (temp file +
    replace), or not at all."""
    from .workbook import file_stamp, safe_write

    target = Path(target)
    if target.is_symlink():
        target = Path(os.path.realpath(target))  # the real file is written, the link stays
    stamp = stamp or file_stamp(target)  # the file as read; checked again just before the replace
    pkg = open_package(target)
    if pkg.strict:
        raise InputError("het werkboek is bewaard als Strict Open XML; w13xl leest het maar schrijft er niet in",
                         file=str(target), expected="een werkboek bewaard als 'Excel-werkmap (.xlsx)' of "
                                                    "'Excel-werkmap met macro's (.xlsm)'")
    sheets = workbook_sheets(pkg.parts)
    candidates = [s.name for s in sheets if s.name.startswith(prefix)]
    grids = read_grids(pkg, candidates)[0] if candidates else {}
    owned = [name for name in candidates if name in grids and is_owned(name, grids[name])]
    buf = io.BytesIO()
    scratch_wb.save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        scratch = {n: z.read(n) for n in z.namelist()}
    new_names = [s.name for s in workbook_sheets(scratch)]
    existing = {s.name.lower(): s.name for s in sheets}
    for name in new_names:
        clash = existing.get(name.lower())
        if clash is not None and clash not in owned:
            raise OwnershipError(clash, str(target))
    data, result = build_package(pkg, scratch, owned, active=active)
    kept = [s.name for s in sheets if s.name not in owned]
    first_owned = min((i for i, s in enumerate(sheets) if s.name in owned), default=len(sheets))
    at = sum(1 for i, s in enumerate(sheets) if s.name not in owned and i < first_owned)
    expected = kept[:at] + new_names + kept[at:]
    verify(pkg, data, result.changed_parts, expected)

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    safe_write(target, write, backup=backup, unchanged=stamp)
    return result


class OwnershipError(InputError):
    def __init__(self, sheet: str, file: str) -> None:
        super().__init__("het blad bestaat al maar is niet door w13xl geschreven (geen markering); geef het "
                         "een andere naam of verwijder het, er is niets gewijzigd", file=file, sheet=sheet)
        self.sheet = sheet
