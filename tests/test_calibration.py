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


#: Actions of the sample plan that are budget-neutral (exploitation O = U) in every plan year.
PASS_THROUGH = ("A10103", "A10203", "A10302", "A10303", "A10304", "A10401", "A10501", "A10502", "A30301")


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
    # the pass-through actions (O = U in every plan year: PASS_THROUGH below) lose 5% of their
    # receipts with their costs as planned: their net is off by -5% / +5% of their expenditure
    assert cal["spreiding"]["doorgeefsaldo"] == pytest.approx(0.05)
    assert sorted(cal["doorgeefacties"]) == sorted(PASS_THROUGH)
    # hand-derived: 2026 exploitation receipts 4.622.731,36 (schema M2), of which the
    # pass-through actions' 2.766.219,02 (synthesis: 51.518 + 409.920 + 1.090.768,30 +
    # 189.563,68 + 229.766,59 + 259.476,44 + 1.200 + 452.943,88 + 81.062,13), the rest
    # 1.856.512,34; two independent 5% errors: sd = 0,05 x sqrt(1.856.512,34^2 + 2.766.219,02^2)
    # = 166.572,85
    sd = float(np.std(sim.values[GBR][:, 0]))
    assert sd == pytest.approx(166_572.85, rel=0.05)
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


def test_pass_through_receipts_and_costs_move_together_and_cost_nothing():
    """Issue 18: 't PACT (A10302) realised 30% below plan on BOTH sides in 2026 and 2027 (as in
    2024: 712.493 against 1.024.747 planned), everything else as planned. The real error of the
    exploitatiesaldo is 0, so the calibrated band is 0; drawn apart (the old model) receipts and
    costs each carried a 30% x 1.090.768 error, a band of hundreds of thousands."""
    grids, named = read_grids(SAMPLE)
    syn = grids["Synthese"]
    header = list(syn[0])
    rows = [["Actie", "Categorie", "Richting", "JR 2026", "JR 2027"]]
    for r in syn[1:]:
        rec = dict(zip(header, r, strict=False))
        f = 0.7 if rec["Actie"] == "A10302" and rec["Categorie"] == "exploitatie" else 1.0
        rows.append([rec["Actie"], rec["Categorie"], rec["Richting"], rec["2026"] * f, rec["2027"] * f])
    grids = {**grids, "Rekening 2026-2027": rows}
    base = baseline_from_grids(grids, file="x.xlsx", named=named)
    sim = simulate(base, _scenario(calibrate="realisatie"), keep_paths=True)
    cal = sim.to_dict()["kalibratie"]
    assert all(v == pytest.approx(0.0, abs=1e-12) for v in cal["spreiding"].values())
    assert float(np.ptp(sim.values[GBR][:, 0])) == pytest.approx(0.0, abs=1e-6)


def test_the_calibration_note_names_its_years():
    from w13xl.calibration import calibration_note

    assert calibration_note(1, (2024,)) == ("Kalibratie op de rekening: rust op 1 jaar (2024) "
                                            "(ruwe indicatie: minder dan 3 jaar)")
    assert calibration_note(3, (2022, 2023, 2024)) == "Kalibratie op de rekening: rust op 3 jaar (2022, 2023, 2024)"


def test_every_calibrated_output_says_how_many_years_it_rests_on():
    """Terminal table (caption), CSV, the board's fan sheet: 'rust op 2 jaar (2026, 2027)'."""
    from rich.console import Console

    from w13xl.board.uncertainty import uncertainty_contents
    from w13xl.cli.uncertainty import simulation_csv_rows, simulation_table

    grids, named = _grids_with_accounts((0.95, 1.05))
    base = baseline_from_grids(grids, file="x.xlsx", named=named)
    sim = simulate(base, _scenario(calibrate="realisatie", paths=200))
    note = "Kalibratie op de rekening: rust op 2 jaar (2026, 2027) (ruwe indicatie: minder dan 3 jaar)"
    assert sim.calibration_note == note
    console = Console(width=200, record=True)
    console.print(simulation_table(sim))
    assert "rust op 2 jaar (2026, 2027)" in console.export_text()
    assert next(r for r in simulation_csv_rows(sim) if r[1] == "kalibratie")[1::2] == ["kalibratie", note]
    fan = uncertainty_contents(sim)[0]
    assert any(note in [str(v) for v in row] for row in fan.rows)
    plain = simulate(base, _scenario(paths=50))
    assert plain.calibration_note is None
