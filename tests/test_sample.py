"""The sample workbook: the builder reproduces the shipped file, and its two layouts agree."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import SAMPLE, sheet_values
from openpyxl import load_workbook

from w13xl import sample
from w13xl.m2 import compute_m2
from w13xl.sheets import load_plan_from_grids


@pytest.fixture(scope="module")
def built():
    return sheet_values(sample.build_workbook())


@pytest.fixture(scope="module")
def shipped():
    wb = load_workbook(SAMPLE)
    try:
        return sheet_values(wb)
    finally:
        wb.close()


def test_same_sheets(built, shipped):
    assert list(built) == list(shipped)
    for name in ("Toelichting", "Synthese", "Synthese (export)", "Categorieën", "Parameters"):
        assert name in built


def test_same_cell_contents(built, shipped):
    """Every sheet the builder produces (including EXTRA_SHEETS) matches the shipped workbook.
    If this fails, rebuild with ``uv run python -m w13xl.sample``."""
    for name, rows in built.items():
        assert rows == shipped[name], f"sheet '{name}' differs from {SAMPLE.name}"


def test_round_trip_through_a_file(tmp_path, built):
    path = sample.build_sample_workbook(tmp_path / "sample.xlsx")
    wb = load_workbook(path)
    assert sheet_values(wb) == built
    wb.close()


def test_builder_matches_the_synthesis_data():
    rows = sample.synthesis_rows()
    assert len(rows) == 45
    assert {r["richting"] for r in rows} == {"O", "U"}
    # U negative in the data, O positive
    assert all(float(r["2026"]) <= 0 for r in rows if r["richting"] == "U")
    assert all(float(r["2026"]) >= 0 for r in rows if r["richting"] == "O")


def test_builder_grids_give_the_plans_m2():
    wb = sample.build_workbook()
    grids = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    table = load_plan_from_grids(grids, sheet="Synthese")
    pivot = load_plan_from_grids(grids, sheet="Synthese (export)")
    rt, rp = compute_m2(table.plan, table.params), compute_m2(pivot.plan, pivot.params)
    np.testing.assert_allclose(rt["exploitatiesaldo"], rp["exploitatiesaldo"], atol=1e-6, rtol=0)
    assert round(rt["gecumuleerd_budgettair_resultaat"][-1], 2) == 454_275.79


def test_rebuild_is_byte_identical_to_the_shipped_workbook(tmp_path):
    """`uv run python -m w13xl.sample` reproduces the shipped file exactly (fixed zip times and
    core properties), so a rebuild never shows up as a change."""
    from w13xl.sample import build_sample_workbook

    rebuilt = build_sample_workbook(tmp_path / "rebuilt.xlsx")
    assert rebuilt.read_bytes() == SAMPLE.read_bytes()
