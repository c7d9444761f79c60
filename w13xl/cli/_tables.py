"""Terminal tables that fit the terminal: amounts are never cut; when the year columns do not fit
side by side, the years are shown in consecutive blocks (the label column wraps first).

Two kinds of table share one look (a rule under the header, no vertical lines, two spaces between
columns, the label column wraps, sections separated by an empty line):

* :class:`CompactTable` renders itself, without rich: importing rich and laying out its table
  cost schema M2 about as much as the whole rest of ``w13xl m2`` (issue 14). It writes the same
  characters as rich's table in the ``COMPACT`` style (``tests/test_startup.py`` compares the two
  at many widths), with ANSI styles on a terminal.
* rich's ``Table(**COMPACT)``, for the tables that use more of rich (captions, padding, ...).

``print_fitted`` takes a builder of either kind.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any


def __getattr__(name: str):
    """``COMPACT``: rich's table arguments for the compact look, ``Table(title=..., **COMPACT)``: a
    rule under the header, no vertical lines (two spaces between columns). Made (and ``rich.box``
    imported) when a module asks for it, so that printing a CompactTable needs no rich."""
    if name == "COMPACT":
        return _compact()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _compact() -> dict:
    value = globals().get("COMPACT")
    if value is None:
        from rich import box

        value = {"box": box.SIMPLE_HEAD, "pad_edge": False, "show_edge": False, "title_justify": "left",
                 "collapse_padding": True}
        globals()["COMPACT"] = value
    return value


#: ``[style]text[/]`` markup (the subset of rich's markup that CompactTable and print_markup read).
_TAG = re.compile(r"\[(/?)([a-z][a-z ]*)?\]")
_WORD = re.compile(r"\s*\S+\s*")
_SGR = {"bold": "1", "dim": "2", "italic": "3", "red": "31", "green": "32", "yellow": "33", "blue": "34"}
_COLOURS = {"red", "green", "yellow", "blue"}


#: The width of output to a pipe, a file or CI when COLUMNS does not say.
PIPE_WIDTH = 100


def output_width(stream=None) -> int:
    """The width output is laid out for (the rule of rich's consoles in ``_app``): COLUMNS when set;
    a terminal's own width; otherwise (a pipe, a log, CI) 100, the width every command fits
    without cutting a value (issue 21; ``tests/test_cli_layout.py``)."""
    stream = sys.stdout if stream is None else stream
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        return int(columns)
    if not _isatty(stream):
        return PIPE_WIDTH
    if os.environ.get("TERM", "").lower() in ("dumb", "unknown"):
        return 80
    for fd in (0, 1, 2):  # as rich: the first standard stream that knows the terminal's size
        try:
            return os.get_terminal_size(fd).columns or 80
        except (OSError, ValueError, AttributeError):
            continue
    return 80


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _styled(stream) -> tuple[bool, bool]:
    """(styles, colours) for this stream, by rich's rules: a terminal (or FORCE_COLOR) that is not
    'dumb' gets styles; NO_COLOR keeps bold and dim but drops colours."""
    force = os.environ.get("FORCE_COLOR", "") != ""
    terminal = force or (_isatty(stream) and os.environ.get("TERM", "").lower() not in ("dumb", "unknown"))
    if terminal and sys.platform == "win32" and not force and "WT_SESSION" not in os.environ:
        terminal = False  # the old Windows console shows ANSI codes as text
    return terminal, terminal and os.environ.get("NO_COLOR", "") == ""


def _sgr(style: str, colours: bool) -> str:
    codes = [_SGR[w] for w in style.split() if w in _SGR and (colours or w not in _COLOURS)]
    return f"\x1b[{';'.join(codes)}m" if codes else ""


def _spans(text: str) -> list[tuple[str, str]]:
    """``text`` with ``[style]...[/]`` markup as (style, plain text) pieces."""
    out: list[tuple[str, str]] = []
    stack: list[str] = []
    pos = 0
    for m in _TAG.finditer(text):
        if m.start() > pos:
            out.append((" ".join(stack), text[pos:m.start()]))
        if m.group(1):
            if stack:
                stack.pop()
        else:
            stack.append(m.group(2) or "")
        pos = m.end()
    if pos < len(text):
        out.append((" ".join(stack), text[pos:]))
    return out


def _plain(text: str) -> str:
    return "".join(t for _, t in _spans(text))


def _breaks(text: str, width: int) -> list[tuple[int, int]]:
    """(start, end) of each line of ``text`` broken at word starts to at most ``width`` characters,
    words longer than the width folded (rich's ``divide_line`` with fold; a line keeps its
    trailing space unless that makes it too wide)."""
    breaks: list[int] = []
    offset = 0
    for m in _WORD.finditer(text):
        start, word = m.start(), m.group(0)
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width:
            pieces = [word[i:i + width] for i in range(0, len(word), width)]
            for i, piece in enumerate(pieces):
                if start:
                    breaks.append(start)
                if i == len(pieces) - 1:
                    offset = len(piece)
                else:
                    start += len(piece)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    bounds = [0, *breaks, len(text)]
    out = []
    for start, end in pairwise(bounds):
        if end - start > width:
            end = max(start + width, start + len(text[start:end].rstrip()))
        out.append((start, end))
    return out


def _divide(text: str, width: int) -> list[str]:
    return [text[a:b] for a, b in _breaks(text, width)]


def _measure(text: str) -> tuple[int, int]:
    """(longest word, longest line) of a cell's plain text."""
    lines = text.splitlines()
    longest = max((len(line) for line in lines), default=0)
    return max((len(w) for w in text.split()), default=longest), longest


@dataclass
class _Column:
    header: str
    justify: str = "left"
    style: str | None = None
    no_wrap: bool = False
    min_width: int | None = None
    cells: list[str] = field(default_factory=list)


@dataclass
class _Row:
    style: str | None
    end_section: bool = False


class CompactTable:
    """A table in the compact look that lays itself out and prints without rich. The same calls as
    rich's ``Table`` for what it supports: a title, columns (header, justify left/right, style,
    no_wrap, min_width), rows with a style, sections; cells are text with ``[style]...[/]``
    markup (styles on a terminal: the markup around a whole cell; inner markup is dropped).
    ``tests/test_startup.py`` builds the same table as rich's ``Table(**COMPACT)`` to compare."""

    def __init__(self, title: str | None = None) -> None:
        self.title = title
        self.columns: list[_Column] = []
        self.rows: list[_Row] = []

    def add_column(self, header: str = "", justify: str = "left", style: str | None = None, no_wrap: bool = False,
                   min_width: int | None = None) -> None:
        if justify not in ("left", "right"):
            raise ValueError(f"justify {justify!r}: CompactTable knows 'left' and 'right'")
        self.columns.append(_Column(header, justify, style, no_wrap, min_width))

    def add_row(self, *cells: str, style: str | None = None) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        for column, cell in zip(self.columns, cells, strict=True):
            column.cells.append(cell)
        self.rows.append(_Row(style))

    def add_section(self) -> None:
        """An empty line after the last row added so far."""
        if self.rows:
            self.rows[-1].end_section = True

    # -- layout (rich's rules for this style: a column's padding is one space on its right, except
    # the last; one space (the box's vertical line) between columns) --

    def _pad(self, index: int) -> int:
        return 0 if index == len(self.columns) - 1 else 1

    def _ranges(self) -> list[tuple[int, int]]:
        out = []
        for i, column in enumerate(self.columns):
            pad = self._pad(i)
            sizes = [_measure(_plain(c)) for c in (column.header, *column.cells)]
            low = max(s[0] for s in sizes) + pad
            high = max(s[1] for s in sizes) + pad
            if column.min_width is not None:
                low, high = max(low, column.min_width + pad), max(high, column.min_width + pad)
            out.append((low, high))
        return out

    def minimum_width(self) -> int:
        """The narrowest this table gets with every amount in full (the label column wrapped)."""
        return sum(low for low, _ in self._ranges()) + len(self.columns) - 1

    def _widths(self, width: int) -> list[int]:
        ranges = self._ranges()
        widths = [high or 1 for _, high in ranges]
        room = width - (len(self.columns) - 1)
        excess = sum(widths) - room
        wrapable = [not c.no_wrap for c in self.columns]
        while excess > 0 and any(wrapable):  # narrow the widest wrapping column(s) first
            top = max(w for w, ok in zip(widths, wrapable, strict=True) if ok)
            second = max((w if ok and w != top else 0) for w, ok in zip(widths, wrapable, strict=True))
            ratios = [1 if ok and w == top else 0 for w, ok in zip(widths, wrapable, strict=True)]
            if not any(ratios) or top == second:
                break
            widths = _ratio_reduce(excess, ratios, [min(excess, top - second)] * len(widths), widths)
            excess = sum(widths) - room
        widths = [max(min(w, high), low) if ok else w
                  for w, (low, high), ok in zip(widths, ranges, wrapable, strict=True)]
        # Where that left a wrapping column narrower than its longest word (rich would cut the word
        # with '…'), it got its minimum back above: take the difference from the other wrapping
        # columns that have room, widest first. Below the table's minimum width nothing is cut:
        # the lines get wider than the output.
        excess = sum(widths) - room
        while excess > 0:
            slack = [(w - low, i) for i, (w, (low, _), ok) in enumerate(zip(widths, ranges, wrapable, strict=True))
                     if ok and w > low]
            if not slack:
                break
            _, i = max(slack, key=lambda x: (widths[x[1]], -x[1]))
            widths[i] -= 1
            excess -= 1
        return widths

    def lines(self, width: int, styles: bool = False, colours: bool = False) -> list[str]:
        """The table as printed on ``width`` columns (with ANSI styles if ``styles``)."""
        widths = self._widths(width)
        total = sum(widths) + len(widths) - 1
        out: list[str] = []
        if self.title:
            for line in _divide(_plain(self.title), total):
                out.append(_paint(line[:total].ljust(total), "italic", styles, colours))
        out.extend(self._row_lines([c.header for c in self.columns], widths, "bold", styles, colours))
        out.append(("─" if _utf8() else "-") * total)
        for r, row in enumerate(self.rows):
            out.extend(self._row_lines([c.cells[r] for c in self.columns], widths, row.style, styles, colours))
            if row.end_section and r < len(self.rows) - 1:
                out.append(" " * total)
        return out

    def _row_lines(self, cells: list[str], widths: list[int], row_style: str | None, styles: bool,
                   colours: bool) -> list[str]:
        blocks = []
        for i, (column, cell, w) in enumerate(zip(self.columns, cells, widths, strict=True)):
            inner = w - self._pad(i)
            spans = _spans(cell)
            text = "".join(t for _, t in spans)
            cell_style = spans[0][0] if len(spans) == 1 else ""  # markup around the whole cell
            style = " ".join(dict.fromkeys(w for x in (column.style, row_style, cell_style) if x for w in x.split()))
            parts = text.splitlines() or [""]
            if not column.no_wrap:
                parts = [piece for part in parts for piece in _divide(part, inner)]
            block = []
            for part in parts:
                if column.justify == "right":
                    part = part.rstrip()
                    cut = part[:inner] if len(part) > inner and column.no_wrap is False else part
                    painted = " " * (inner - len(cut)) + _paint(cut, style, styles, colours)
                else:
                    cut = part[:inner] if len(part) > inner and not column.no_wrap else part
                    painted = _paint(cut.rstrip(), style, styles, colours) + " " * (inner - len(cut.rstrip()))
                block.append(painted + " " * self._pad(i))
            blocks.append(block)
        height = max(len(b) for b in blocks)
        return [" ".join(b[k] if k < len(b) else " " * w for b, w in zip(blocks, widths, strict=True))
                for k in range(height)]


def _ratio_reduce(total: int, ratios: list[int], maximums: list[int], values: list[int]) -> list[int]:
    """rich's ``ratio_reduce``: take ``total`` off ``values`` in proportion to ``ratios``."""
    ratios = [r if m else 0 for r, m in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    out = []
    for ratio, maximum, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            distributed = min(maximum, round(ratio * remaining / total_ratio))
            out.append(value - distributed)
            remaining -= distributed
            total_ratio -= ratio
        else:
            out.append(value)
    return out


def _paint(text: str, style: str | None, styles: bool, colours: bool) -> str:
    code = _sgr(style, colours) if styles and style and text else ""
    return f"{code}{text}\x1b[0m" if code else text


def _utf8(stream=None) -> bool:
    encoding = getattr(sys.stdout if stream is None else stream, "encoding", None) or "utf-8"
    return encoding.lower().replace("-", "").startswith("utf")


def print_markup(text: str, stream=None) -> None:
    """Text with ``[style]...[/]`` markup on stdout (styled on a terminal), wrapped at the output
    width like rich's ``console.print``."""
    stream = sys.stdout if stream is None else stream
    styles, colours = _styled(stream)
    width = output_width(stream)
    pieces = _spans(text)
    plain = "".join(t for _, t in pieces)
    bounds: list[tuple[int, int]] = []
    offset = 0
    for part in plain.split("\n"):
        bounds.extend((offset + a, offset + b) for a, b in _breaks(part, width))
        offset += len(part) + 1
    lines = []
    for a, b in bounds:
        segs, at = [], 0
        for style, t in pieces:
            lo, hi = max(a, at), min(b, at + len(t))
            if lo < hi:
                segs.append(_paint(plain[lo:hi], style, styles, colours))
            at += len(t)
        lines.append("".join(segs))
    stream.write("\n".join(lines) + "\n")


def year_blocks(n: int, parts: int) -> list[list[int]]:
    """``n`` year indices in ``parts`` consecutive blocks of (nearly) equal size."""
    size = -(-n // parts)
    return [list(range(i, min(i + size, n))) for i in range(0, n, size)]


def fitted(build: Callable[[Sequence[int]], Any], n_years: int, console=None) -> list:
    """Tables from ``build(year_indices)``: all years in one table when it fits the output's width
    (``console``'s for rich tables), else in as few blocks of years as fit (every amount in full)."""
    tables: list = []
    for parts in range(1, n_years + 1):
        tables = [build(block) for block in year_blocks(n_years, parts)]
        if isinstance(tables[0], CompactTable):
            width = output_width()
            if all(t.minimum_width() <= width for t in tables):
                break
            continue
        width = console.width
        unclamped = console.options.update_width(10_000)  # a table's own minimum, not cut to the console
        if all(console.measure(t, options=unclamped).minimum <= width for t in tables):
            break
    return tables


def print_fitted(console, build: Callable[[Sequence[int]], Any], n_years: int) -> None:
    """Print the tables ``build`` makes, in blocks of years when the output is narrow. A builder of
    :class:`CompactTable` needs no ``console`` (pass None) and prints without rich."""
    for table in fitted(build, n_years, console):
        if isinstance(table, CompactTable):
            print_table(table)
        else:
            console.print(table)


def print_table(table: CompactTable, stream=None) -> None:
    """A compact table on stdout, laid out for the output width (styled on a terminal)."""
    stream = sys.stdout if stream is None else stream
    styles, colours = _styled(stream)
    lines = table.lines(output_width(stream), styles, colours)
    stream.write("\n".join(lines) + "\n")
