"""[uncertainty] calibrate = "realisatie": the Monte Carlo spread from the forecast error of the
workbook's own accounts, and how many years it rests on."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import SAMPLE

from w13xl.errors import InputError
from w13xl.montecarlo import GBR, simulate
from w13xl.scenario.loader import baseline_from_grids
from w13xl.scenario.spec import Scenario
from w13xl.workbook import read_grids


def _grids_with_accounts(factors):
    """The sample plus a sheet 'Rekening 2026-2027': receipts = plan x factor per year, costs as planned."""
    grids, named = read_grids(SAMPLE)
    syn = grids["Synthese"]
    header = list(syn[0])
    rows = [["Actie", "Categorie", "Richting", "JR 2026", "JR 2027"]]
    for r in syn[1:]:
        rec = dict(zip(header, r))
        f = factors if rec["Richting"] == "O" and rec["Categorie"] == "exploitatie" else (1.0, 1.0)
        rows.append([rec["Actie"], rec["Categorie"], rec["Richting"], rec["2026"] * f[0], rec["2027"] * f[1]])
    grids = dict(grids)
    grids["Rekening 2026-2027"] = rows
    return grids, named


def _scenario(**u):
    return Scenario(name="kalibratie", title="Kalibratie", uncertainty={"paths": 4000, "seed": 7, **u})


def test_calibrated_spread_follows_the_measured_error():
    grids, named = _grids_with_accounts((0.95, 1.05))
    base = baseline_from_grids(grids, file="x.xlsx", named=named)
    sim = simulate(base, _scenario(calibrate="realisatie"), keep_paths=True)
    cal = sim.to_dict()["kalibratie"]
    assert cal["aantal_jaren"] == 2 and cal["jaren"] == [2026, 2027] and "rust op 2 jaar" in cal["opmerking"]
    assert cal["spreiding"]["ontvangsten"] == pytest.approx(0.05)     # errors -5% and +5%
    assert cal["spreiding"]["personeel"] == pytest.approx(0.0, abs=1e-12)
    # hand-derived: sd of the 2026 reserve = 5% of the exploitation receipts 2026 (4.622.731,36)
    sd = float(np.std(sim.values[GBR][:, 0]))
    assert sd == pytest.approx(0.05 * 4622731.36, rel=0.05)
    assert float(np.median(sim.values[GBR][:, 0])) == pytest.approx(449552.83, abs=0.05 * sd)


def test_without_calibrate_the_paths_are_the_scenario():
    grids, named = _grids_with_accounts((0.95, 1.05))
    base = baseline_from_grids(grids, file="x.xlsx", named=named)
    sim = simulate(base, _scenario(), keep_paths=True)
    assert "kalibratie" not in sim.to_dict()
    assert float(np.ptp(sim.values[GBR][:, 0])) == pytest.approx(0.0, abs=1e-6)


def test_calibrate_without_overlapping_accounts_is_refused():
    grids, named = read_grids(SAMPLE)   # its accounts (2024, 2025) do not overlap 2026-2031
    base = baseline_from_grids(grids, file=str(SAMPLE), named=named)
    with pytest.raises(InputError, match="calibrate"):
        simulate(base, _scenario(calibrate="realisatie"))
