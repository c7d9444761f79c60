"""The note as a Word document (python-docx) with its chart (matplotlib), and its PDF (LibreOffice)."""

from __future__ import annotations

import io
import os
from pathlib import Path

from .content import ChartSpec, Nota

COLOURS = {"ok": "C6EFCE", "breach": "FFC7CE", "warn": "FFEB9C"}
TEXT_COLOURS = {"ok": "006100", "breach": "9C0006", "warn": "9C5700"}
LIGHT = {"ok": "● ", "breach": "● ", "warn": "● "}
_OPTION_COLOURS = ["#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf", "#bcbd22", "#e377c2"]


def chart_png(spec: ChartSpec, *, width_cm: float = 16.0, height_cm: float = 7.2) -> bytes:
    """The reserve chart: one line per option, the minimum dashed red, and the plan drawn last,
    thick black with markers, so that it stays visible where an option runs on top of it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    from ..fmt import euro

    fig, ax = plt.subplots(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=200)
    years = list(spec.years)
    for i, (label, values) in enumerate(spec.options):
        ax.plot(years, values, color=_OPTION_COLOURS[i % len(_OPTION_COLOURS)], linewidth=1.6, label=label, zorder=2,
                linestyle=("-", (0, (5, 2)), (0, (1, 1.5)), "-.")[i % 4])
    if spec.minimum is not None:
        ax.plot(years, spec.minimum[1], color="#c00000", linestyle="--", linewidth=1.4, label=spec.minimum[0],
                zorder=3)
    ax.plot(years, spec.plan[1], color="black", linewidth=2.4, marker="o", markersize=4, label=spec.plan[0],
            zorder=5)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: euro(v)))
    ax.set_xticks(years)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=7)
    ax.set_title(spec.title, fontsize=9, loc="left")
    handles, labels = ax.get_legend_handles_labels()
    order = [len(labels) - 1, *range(len(labels) - 1)]  # the plan first
    ax.legend([handles[i] for i in order], [labels[i] for i in order], fontsize=6.5, loc="upper center",
              bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def _shade(cell, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour)
    tc_pr.append(shd)


def _page_number(paragraph) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run("Pagina ")
    run.font.size = _pt(8)
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    fld.append(r)
    paragraph._p.append(fld)


def _pt(size: float):
    from docx.shared import Pt

    return Pt(size)


def build_docx(nota: Nota):
    """The python-docx Document of the note."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(1.6), Cm(1.5)
    normal = doc.styles["Normal"]
    normal.font.name = "Liberation Sans"
    normal.font.size = _pt(10)
    normal.paragraph_format.space_after = _pt(4)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.add_run(nota.title + " · ").font.size = _pt(8)
    _page_number(footer)

    pending_break = False
    for b in nota.blocks:
        if b.kind == "pagebreak":
            pending_break = True
            continue
        if pending_break:
            if b.kind in ("table", "chart", "decision", "bullets"):
                doc.add_paragraph().paragraph_format.page_break_before = True
            else:
                # the next paragraph starts the page (set on it below)
                pass
        start = len(doc.paragraphs)
        _block(doc, b)
        if pending_break and b.kind not in ("table", "chart", "decision", "bullets") and len(doc.paragraphs) > start:
            doc.paragraphs[start].paragraph_format.page_break_before = True
        pending_break = False
    return doc


def _block(doc, b) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, RGBColor

    if b.kind == "title":
        p = doc.add_paragraph()
        r = p.add_run(b.text)
        r.bold, r.font.size = True, _pt(16)
    elif b.kind == "subtitle":
        p = doc.add_paragraph()
        r = p.add_run(b.text)
        r.italic, r.font.size = True, _pt(9)
    elif b.kind == "heading":
        p = doc.add_paragraph()
        p.paragraph_format.space_before = _pt(8)
        p.paragraph_format.keep_with_next = True
        r = p.add_run(b.text)
        r.bold, r.font.size = True, _pt(13 if b.text.startswith(("Optie", "Bijlage")) else 12)
        r.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
    elif b.kind == "subheading":
        p = doc.add_paragraph()
        p.paragraph_format.space_before = _pt(4)
        p.paragraph_format.keep_with_next = True
        r = p.add_run(b.text)
        r.bold, r.font.size = True, _pt(10.5)
    elif b.kind == "para":
        doc.add_paragraph(b.text)
    elif b.kind == "note":
        p = doc.add_paragraph()
        r = p.add_run(b.text)
        r.italic, r.font.size = True, _pt(8)
    elif b.kind == "decision":
        t = doc.add_table(rows=1, cols=1)
        t.style = "Table Grid"
        cell = t.rows[0].cells[0]
        _shade(cell, "FFF2CC")
        r = cell.paragraphs[0].add_run(b.text)
        r.bold = True
    elif b.kind == "bullets":
        for item in b.items:
            p = doc.add_paragraph(item, style="List Bullet")
            p.paragraph_format.space_after = _pt(2)
    elif b.kind == "table":
        cols = len(b.header)
        t = doc.add_table(rows=1 + len(b.rows), cols=cols)
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        small = cols > 5 or len(b.rows) > 8
        size = _pt(8 if small else 9)
        for c, text in enumerate(b.header):
            cell = t.rows[0].cells[c]
            _shade(cell, "1F3A5F")
            r = cell.paragraphs[0].add_run(text)
            r.bold, r.font.size = True, size
            r.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        for ri, row in enumerate(b.rows):
            for c, text in enumerate(row):
                cell = t.rows[ri + 1].cells[c]
                para = cell.paragraphs[0]
                st = b.status.get((ri, c))
                if st:
                    _shade(cell, COLOURS[st])
                    light = para.add_run(LIGHT[st])
                    light.font.color.rgb = RGBColor.from_string(TEXT_COLOURS[st])
                    light.font.size = size
                r = para.add_run(str(text))
                r.font.size = size
                r.bold = ri in b.bold_rows
                if c > 0 and _numeric(str(text)):
                    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                para.paragraph_format.space_after = _pt(0)
        for c in range(cols):
            if c > 0 and all(_numeric(str(r[c])) or not r[c] for r in b.rows):
                t.rows[0].cells[c].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if b.widths:
            t.autofit = False
            grid = t._tbl.tblGrid
            for c, w in enumerate(b.widths[:cols]):
                grid.gridCol_lst[c].w = Cm(w)
            for row in t.rows:
                for c, w in enumerate(b.widths[:cols]):
                    row.cells[c].width = Cm(w)
        doc.add_paragraph().paragraph_format.space_after = _pt(0)
    elif b.kind == "chart":
        assert b.chart is not None
        doc.add_picture(io.BytesIO(chart_png(b.chart)), width=Cm(16.5))


def _numeric(text: str) -> bool:
    t = text.replace(".", "").replace(",", "").replace("%", "").replace("+", "").replace("-", "")
    return t.isdigit()


def write_docx(nota: Nota, out: str | os.PathLike) -> Path:
    from ..workbook import safe_write

    doc = build_docx(nota)
    return safe_write(Path(out), lambda tmp: doc.save(str(tmp)))


def docx_to_pdf(docx: str | os.PathLike, pdf: str | os.PathLike | None = None) -> Path:
    """The PDF of the note with LibreOffice (the same renderer as the board pack)."""
    from ..board.pdf import render_pdf

    return render_pdf(docx, pdf)
