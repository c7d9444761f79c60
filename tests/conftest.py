import os

os.environ["XLWINGS_ON_SERVER"] = "true"  # xlwings' Office.js code paths (set before xlwings is imported)
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"  # needed by xw.Book(json=...) and the reader

from reader_check import both_readers, pytest_terminal_summary  # noqa: E402,F401 - calamine vs openpyxl on every read


import pytest  # noqa: E402


@pytest.fixture(scope="module")
def study():
    """The sample plan with every shipped scenario: (baseline, library, scenarios by name).
    Module-scoped: each test module gets its own, as when every module defined it."""
    from helpers import ROOT, SAMPLE

    from w13xl.scenario.loader import load_study

    baseline, library, selected = load_study(SAMPLE, [str(ROOT / "scenarios")])
    return baseline, library, {s.name: s for s in selected}


@pytest.fixture(scope="module")
def engine(study):
    """The one-at-a-time engine on the sample baseline (the oracle)."""
    from w13xl.scenario.engine import Engine

    return Engine(study[0])
