"""``w13xl nota``: the note to the board, tested on its PDF text (pdftotext) and its content.

Expected figures are the plan's (schema M2: reserve 2031 454.276, AFM 2031 -15.569, the
minimum reserve 211.211,09) or derived by hand in the comments; the goal-seek answer (+1,76% or
0,12 VTE) is the one issue 21 quotes from the board pack."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import ROOT, SAMPLE

from w13xl.errors import InputError
from w13xl.members import read_members
from w13xl.nota.content import Nota
from w13xl.nota.plain import glossary, plain
from w13xl.nota.voorstel import load_voorstel

VOORSTEL = ROOT / "scenarios" / "voorstel.toml"
needs_office = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                                  reason="LibreOffice and pdftotext are needed for the PDF")

#: Code words that must never reach a board member (tested on the PDF text).
CODE_WORDS = (
    re.compile(r"\bSUB-[A-Z]"),
    re.compile(r"\bP\d{2}\b"),
    re.compile(r"\bA\d{5}\b"),
    re.compile(r"\b[a-z]+_[a-z_]+\b"),  # snake_case identifiers (volgt_loon, keep_staff ...)
    re.compile(r"Bijsturing .* [OU]\b"),
    re.compile(r"w13xl-bordpakket"),
    re.compile(r"\bP5\b|\bP95\b|\bseed\b|\bpaden\b"),
)


def code_words(text: str) -> list[str]:
    """The code words found in ``text`` (empty: plain Dutch)."""
    found = []
    for pattern in CODE_WORDS:
        found += [m.group(0) for m in pattern.finditer(text)]
    return found


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["uv", "run", "w13xl", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    return pages[:-1] if text.endswith("\f") else pages


@pytest.fixture(scope="module", params=["voorstel", "zonder"])
def pdf_pages(request, tmp_path_factory):
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice and pdftotext are needed for the PDF")
    out = tmp_path_factory.mktemp("nota") / "nota.docx"
    args = ["nota", str(SAMPLE), "scenarios", "--out", str(out), "--pdf", "--created", "07/12/2026"]
    if request.param == "voorstel":
        args += ["--voorstel", str(VOORSTEL)]
    r = _run(*args)
    assert r.returncode == 0, r.stderr
    return request.param, _pages(out.with_suffix(".pdf"))


def _first_annex(pages: list[str]) -> int:
    return next(i for i, p in enumerate(pages) if re.search(r"^\s*Bijlage \d", p, re.M))


@needs_office
def test_at_most_eight_pages_before_the_first_annex(pdf_pages):
    _, pages = pdf_pages
    assert 1 <= _first_annex(pages) <= 8


@needs_office
def test_page_one_asks_for_a_decision(pdf_pages):
    kind, pages = pdf_pages
    first = pages[0]
    assert "Beslissing" in first and "voorstel" in first
    assert "De vraag" in first and "Het antwoord" in first
    # the norms labelled by kind (W13 is an OCMW-vereniging: AFM >= 0 in 2031 is its engagement)
    assert "Wettelijke norm" in first and "Engagement van W13" in first and "Beleid van W13" in first
    if kind == "zonder":
        assert "IN TE VULLEN" in first and "geen voorstelbestand" in first
    else:
        assert "IN TE VULLEN" not in first and "kiest optie 1" in first


@needs_office
def test_no_code_words(pdf_pages):
    _, pages = pdf_pages
    text = "\n".join(pages)
    assert code_words(text) == []
    for word in ("volgt_loon", "keep_staff", "SUB-", "P06", "Bijsturing", "w13xl-bordpakket", "seed"):
        assert word not in text


@needs_office
def test_figures_printed_twice_are_equal(pdf_pages):
    kind, pages = pdf_pages
    first = _first_annex(pages)
    body = pages[:first]
    # plan schema M2: reserve 2031 454.276, AFM 2031 -15.569: on page 1 and in the overview (page 2)
    assert "454.276" in pages[0] and "454.276" in pages[1]
    assert "-15.569" in pages[0] and "-15.569" in pages[1]
    # the minimum reserve 211.211,09 rounds to 211.211 wherever it is printed
    assert "211.211 euro" in pages[0]
    # goal seek (issue 21): +1,76% or 0,12 VTE, the same on page 1 and on the option pages
    assert "1,76%" in pages[0] and "0,12 VTE" in pages[0]
    if kind == "voorstel":
        assert any("Optie 1: Bijdrage lokale besturen +1,76% vanaf 2027" in p for p in body)
        assert any("Optie 2: 0,12 VTE minder" in p for p in body)
        # an option's reserve 2031 in the overview equals the one on its page
        overview = pages[1]
        m = re.search(r"Kracht\.Wonen verder laten.*?(\d{3}\.\d{3})\s+\+(\d{3}\.\d{3})", overview, re.S)
        assert m is not None
        page = next(p for p in body if "Optie 3: Kracht.Wonen" in p)
        assert m.group(1) in page and "+" + m.group(2) in page


@needs_office
def test_per_member_effect_adds_up(pdf_pages):
    kind, pages = pdf_pages
    if kind != "zonder":
        return
    page = next(p for p in pages if "Optie 1: Bijdrage lokale besturen +5% vanaf 2027" in p)
    # contribution 2031 in the plan: 801.391 x 1,02^5 = 884.800,6 (T2 prints 884.801); +5% of it:
    # 44.240,03 -> 44.240 in the Totaal row of the member table
    assert re.search(r"Totaal\s+100,00%\s+884\.800\s+44\.240", page)
    # Kortrijk: 80.273 of 328.673 inhabitants (sample key) = 24,42%; 884.800,6 x 0,244234 = 216.098
    assert re.search(r"Kortrijk\s+24,42%\s+216\.098", page)


@needs_office
def test_uncertainty_and_realisatie_in_words(pdf_pages):
    _, pages = pdf_pages
    annexes = " ".join(" ".join(pages[_first_annex(pages):]).split())
    assert re.search(r"In 9 van de 10 gevallen ligt de reserve eind 2031 tussen", annexes)
    # realisatie: budget 2025 -246.197 against the estimate -327.572: 81.375 worse (README, versies)
    assert "81.375 euro slechter dan gepland" in annexes
    # the real reserve 31/12/2024 (jaarrekening) 732.274,21 is printed
    assert "732.274,21" in annexes


def test_figure_printed_twice_must_be_the_same_text():
    n = Nota("t")
    assert n.fig("x", 1234.4) == "1.234"
    assert n.fig("x", 1234.2) == "1.234"
    with pytest.raises(ValueError):
        n.fig("x", 1300.0)


def test_plain_turns_codes_into_names():
    class _A:
        def __init__(self, name):
            self.name = name

    class _Plan:
        actions = {"A10303": _A("Activeringstrajecten")}

    class _Base:
        subsidies = {"SUB-PACT": _A("'t PACT")}
        positions = ()
        plan = _Plan()

    names = glossary(_Base())
    assert plain("Activering (A10303) stopt", names) == "Activering stopt"
    assert plain("SUB-PACT stopt, keep_staff", names) == "'t PACT stopt, het personeel blijft (W13 betaalt)"
    assert plain("actie A10303", names) == "actie Activeringstrajecten"
    assert code_words("Bijsturing A10402 investeringen O") != []


def test_members_sheet_of_the_sample():
    from w13xl.workbook import read_grids

    grids, _ = read_grids(SAMPLE)
    members = read_members(grids["Deelgenoten"])
    assert len(members) == 14  # the plan: "de OCMW's van Anzegem, ... en Zwevegem" (14)
    assert abs(sum(m.share for m in members) - 1) < 1e-9
    kortrijk = next(m for m in members if m.name == "Kortrijk")
    assert kortrijk.share == pytest.approx(80273 / 328673, abs=1e-9)  # inhabitants / total of the key


def test_members_refuse_a_key_that_does_not_add_up():
    grid = [["Deelgenoot", "Sleutel", "Bron van de sleutel"], ["A", 0.5, "x"], ["B", 0.4, "x"]]
    with pytest.raises(InputError, match="tellen op tot 0,9000"):
        read_members(grid, file="w.xlsx")
    with pytest.raises(InputError, match="cel B3"):
        read_members([["Deelgenoot", "Sleutel"], ["A", 1.0], ["B", "veel"]], file="w.xlsx")


def test_voorstel_file(tmp_path):
    v = load_voorstel(VOORSTEL)
    assert [o.lever or o.scenario for o in v.options] == ["contribution", "fte", "krachtwonen-verlengd-2031"]
    assert v.decision and v.decision.startswith("De raad van bestuur kiest optie 1")
    bad = tmp_path / "voorstel.toml"
    bad.write_text('beslissing = "x"\n[[opties]]\nscenario = "a"\ndoelzoeken = "bijdrage"\n', encoding="utf-8")
    with pytest.raises(InputError, match="ofwel een scenario ofwel een doelzoeker"):
        load_voorstel(bad)


def test_unknown_scenario_in_voorstel_is_refused(tmp_path):
    v = tmp_path / "v.toml"
    v.write_text('[[opties]]\nscenario = "bestaat-niet"\n', encoding="utf-8")
    r = _run("nota", str(SAMPLE), "scenarios", "--voorstel", str(v), "--out", str(tmp_path / "n.docx"))
    assert r.returncode == 2
    assert "Fout:" in r.stderr and "bestaat-niet" in r.stderr
    assert not (tmp_path / "n.docx").exists()
