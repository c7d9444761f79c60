"""Citations that hold: every quoted plan passage in the repository is in the plan's text.

The convention (docs/bronnen.md): a passage of the plan is quoted between „…” (Dutch low and
high quotes), verbatim; "..." or "…" inside marks an omission. These quotes are reserved for the
plan: other sources are quoted with '...' or "..." and named. This test finds every such quote in the
repository's text files (code, data CSVs, SOURCES.md, scenario TOML comments, docs, tests) and
looks it up in tests/bronnen/meerjarenplan-2026-2031.txt, the plan as published, normalising only
whitespace (line breaks of the PDF text) and the glyphs of quotes and apostrophes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import ROOT

PLAN_TEXT = ROOT / "tests" / "bronnen" / "meerjarenplan-2026-2031.txt"
OPEN, CLOSE = "\u201e", "\u201d"  # „ ”
QUOTE = re.compile(OPEN + "([^" + CLOSE + "]*)" + CLOSE)
OMISSION = re.compile(r"\.\.\.|…")
SUFFIXES = {".py", ".md", ".toml", ".csv", ".txt", ".html", ".js", ".xml"}
SKIP_DIRS = {".git", ".venv", "__pycache__", "node_modules", ".pytest_cache", ".ruff_cache", ".mypy_cache", "site"}


def normalise(text: str) -> str:
    """Whitespace collapsed; curly quotes and apostrophes as straight ones."""
    for a, b in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), (CLOSE, '"'), (OPEN, '"')):
        text = text.replace(a, b)
    return " ".join(text.split())


def source_files() -> list[Path]:
    out = []
    for path in sorted(ROOT.rglob("*")):
        rel = path.relative_to(ROOT)
        if not path.is_file() or path.suffix not in SUFFIXES or set(rel.parts) & SKIP_DIRS:
            continue
        if rel.parts[:2] == ("tests", "bronnen"):
            continue  # the sources themselves
        out.append(path)
    return out


def readable(path: Path) -> str:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".py":
        # one Python string split over lines (implicit concatenation) is one text
        text = re.sub(r"(?<!\\)[\"']\s*\n\s*[rfb]?[\"']", "", text)
    if path.suffix == ".toml":
        # a quote in a comment may run over comment lines
        text = re.sub(r"\n\s*#\s?", " ", text)
    return text


def quotes(text: str) -> list[str]:
    return [m.group(1) for m in QUOTE.finditer(text)]


def found(quote: str, plan: str) -> bool:
    """Every fragment of the quote (split at omissions) in the plan, in this order."""
    start = 0
    for fragment in (normalise(f) for f in OMISSION.split(quote)):
        if not fragment:
            continue
        at = plan.find(fragment, start)
        if at < 0:
            return False
        start = at + len(fragment)
    return True


@pytest.fixture(scope="module")
def plan() -> str:
    return normalise(PLAN_TEXT.read_text(encoding="utf-8"))


def test_the_plan_text_is_the_published_one(plan):
    # schema M2 as printed (domain notes): the reserve line and the sociaal passief of 3.1
    assert ("Raming reserve 31/12/2025 404.701,70 449.552,85 476.030,69 488.006,41 488.002,90 477.845,18 "
            "454.275,77") in plan
    assert "Sociaal passief 211.211,09" in plan
    assert len(PLAN_TEXT.read_bytes()) > 390_000


def test_every_quoted_plan_passage_is_in_the_plan(plan):
    checked, missing = 0, []
    for path in source_files():
        for q in quotes(readable(path)):
            checked += 1
            if not found(q, plan):
                missing.append(f"{path.relative_to(ROOT)}: {OPEN}{q}{CLOSE}")
    assert missing == []
    assert checked >= 40  # the data, the scenarios, the norms and their docs quote the plan


def test_the_checker_can_fail(plan):
    fabricated = f"plan 3.3: {OPEN}In 2022 werd de spilindex vijf keer overschreden{CLOSE}"
    (q,) = quotes(fabricated)
    assert not found(q, plan)
    # an omission keeps the order: both halves exist, but not in this order
    assert found("W13 neemt het engagement ... positieve autofinancieringsmarge in 2031", plan)
    assert not found("positieve autofinancieringsmarge in 2031 ... W13 neemt het engagement", plan)


def test_the_known_false_citations_are_gone():
    """The salary coefficients are public facts (BOSA), not plan text; the 2022 crossings are
    Statbel/BOSA facts, not plan 3.3."""
    plan_words = re.compile(r"bevestigd \(plan W13\)|plan 3\.3/3\.7|plan 3\.3: \"In 2022")
    hits = [f"{p.relative_to(ROOT)}" for p in source_files()
            if p.name != Path(__file__).name and plan_words.search(p.read_text(encoding="utf-8", errors="replace"))]
    assert hits == []
    history = (ROOT / "w13xl" / "data" / "spilindex_historiek.csv").read_text(encoding="utf-8")
    for coefficient, source in (("1.9999", "BOSA 03/01/2023"), ("2.0399", "UGent"), ("2.0807", "ACV 29/04/2024"),
                                ("2.1223", "BOSA index januari 2025")):
        row = next(line for line in history.splitlines() if f",{coefficient}," in line)
        assert source in row and "plan" not in row, row
