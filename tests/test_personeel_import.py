"""Issue 18: a real personnel file (HR export), the roster against T2 line 2, the illustrative
label, pseudonyms, and the notice (in time / after the stop; two parts before 2014)."""

from __future__ import annotations

import datetime as dt
import re
import shlex
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from w13xl import staffing as sf
from w13xl.cli import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "w13-mjp-2026-2031.xlsx"
EXPORT = ROOT / "workbooks" / "voorbeeld-hr-export.csv"
DOC = ROOT / "docs" / "personeel.md"
runner = CliRunner()


def invoke(*args, **kw):
    return runner.invoke(app, [*map(str, args)], **kw)


def export_rows() -> list[list]:
    from w13xl.scenario.loader import roster_grid

    return roster_grid(EXPORT)


def test_hr_export_columns_are_read_by_their_dutch_names():
    ps = {p.id: p for p in sf.roster_from_rows(export_rows())}
    p = ps["1007"]  # Tewerkstellingspercentage 50, Datum in dienst 01/01/2011, Einddatum 31/12/2027
    assert p.fte == 0.5 and p.hired == dt.date(2011, 1, 1) and p.end == dt.date(2027, 12, 31)
    assert p.name == "Voorbeeld, Greet" and p.scale == "B1-B3" and p.level == "B"  # level from the scale
    assert p.action == "A10303" and p.funded_by == "SUB-ACTIVERING" and p.statute == "contractueel"
    # no 'trap' column: the completed years of service on 1/1/2026 (2011 -> 15), marked as derived
    assert p.step == 15 and p.step_from_hired
    assert ps["1001"].step == 23  # in service 1/9/2002: 23 full years on 1/1/2026
    assert all(q.illustrative for q in ps.values())


def test_actual_annual_cost_wins_over_the_scale():
    """1016 gives 'Werkelijke jaarkost' 74.500: its cost is 74.500 a year at multiplier 1, whatever
    its scale and step (no per-head other cost on top), indexed like the rest."""
    ps = [p for p in sf.roster_from_rows(export_rows()) if p.id == "1016"]
    cost = sf.position_costs(ps, sf.bundled_scales(), sf.StaffParameters(), [2026, 2027],
                             sf.flat_wage_index([2026, 2027]))
    np.testing.assert_allclose(cost[0], [74_500.0, 74_500.0 * 1.02], atol=1e-6)
    half = [sf.Position("X", "f", "B", "", 0, 0.5, "A10401", annual_cost=40_000.0, end=dt.date(2026, 6, 30))]
    np.testing.assert_allclose(sf.position_costs(half, sf.bundled_scales(), years=[2026]), [[20_000.0]])


def test_percent_only_in_a_percentage_column():
    header = ["positie", "schaal", "trap", "vte", "actie"]
    with pytest.raises(ValueError, match="vte 80.0 buiten"):
        sf.roster_from_rows([header, ["P1", "B1-B3", 3, 80, "A10205"]])
    pct = ["positie", "schaal", "trap", "tewerkstellingspercentage", "actie"]
    assert sf.roster_from_rows([pct, ["P1", "B1-B3", 3, 80, "A10205"]])[0].fte == 0.8


def test_bad_statute_and_missing_step_are_refused_in_dutch():
    header = ["positie", "schaal", "vte", "actie", "statuut"]
    with pytest.raises(ValueError, match="trap of de datum in dienst"):
        sf.roster_from_rows([header, ["P1", "B1-B3", 1, "A10205", "contractueel"]])
    header = ["positie", "schaal", "trap", "vte", "actie", "statuut"]
    with pytest.raises(ValueError, match="statuut 'interim'"):
        sf.roster_from_rows([header, ["P1", "B1-B3", 1, 1, "A10205", "interim"]])


def test_the_sample_roster_carries_the_label_and_a_real_file_drops_it(tmp_path):
    result = invoke("personeel", SAMPLE, terminal_width=100)
    assert result.exit_code == 0, result.output
    assert sf.ILLUSTRATIVE_LABEL in result.output
    real = tmp_path / "echt.csv"
    lines = EXPORT.read_text(encoding="utf-8").splitlines()
    real.write_text("\n".join(line.rsplit(";", 1)[0] for line in lines) + "\n", encoding="utf-8")
    result = invoke("personeel", SAMPLE, "--personeel", real, terminal_width=100)
    assert result.exit_code == 0, result.output
    assert sf.ILLUSTRATIVE_LABEL not in result.output and "Voorbeeld, An" in result.output


def test_pseudonyms_replace_names_and_numbers():
    result = invoke("personeel", SAMPLE, "--personeel", EXPORT, "--pseudoniem", terminal_width=160)
    assert result.exit_code == 0, result.output
    assert "Voorbeeld" not in result.output and "1001" not in result.output
    assert "persoon 01" in result.output and "persoon 19" in result.output
    names = sf.pseudonyms(sf.bundled_roster())
    assert names["P09a"] == "persoon 09a" and names["P09b"] == "persoon 09b" and names["P10"] == "persoon 10"
    assert sf.pseudonymise("P09a en P10 (P1)", names) == "persoon 09a en persoon 10 (P1)"


def test_roster_against_t2_line2_warns_above_one_percent():
    """The sample roster is within 0,5% of T2 line 2 (no warning); the example export (19 people,
    P09 missing, other steps) is 2-4% below it: warned, naming the years."""
    from w13xl.scenario.loader import load_baseline

    check = load_baseline(SAMPLE).staff_check()
    assert check is not None and check.warning() is None
    np.testing.assert_allclose(check.plan_line2, [1_817_896, 1_813_042, 1_798_104, 1_852_002, 1_805_414.55,
                                                  1_769_373.05], atol=0.01)
    export = load_baseline(SAMPLE, roster=EXPORT)
    warning = export.staff_check().warning()
    assert warning and "2026" in warning and "meer dan 1%" in warning
    assert any("meer dan 1%" in str(w) for w in export.warnings)


# -- notice ---------------------------------------------------------------------------------------
def _position(hired: dt.date | None = None, step: int = 10, salary_2013: float | None = None) -> sf.Position:
    return sf.Position("N1", "f", "B", "B1-B3", step, 1.0, "A10302", "SUB-PACT", hired=hired,
                       salary_2013=salary_2013)


def test_two_part_notice_for_a_contract_from_before_2014():
    """In service 1/9/2005, notice given on 31/12/2028 (art. 67-69 Wet Eenheidsstatuut):
    part 1 = seniority on 31/12/2013 = September 2005 - December 2013 = 8 years 4 months;
      salary 2013 30.000 <= 32.254: 3 months per started 5 years -> 2 x 3 = 6 months;
      salary 2013 40.000 > 32.254: 1 month per started year (9) -> 9 months;
    part 2 = 1/1/2014 - 31/12/2028 = 15 years -> art. 37/2: 18 + 3 x (15 - 5) = 48 weeks
      = 48 x 7 / 30,4375 = 11,04 months;
    total 6 + 11,04 = 17,04 -> 18 months (whole months, rounded up); 9 + 11,04 -> 21 months."""
    low = sf.notice(_position(dt.date(2005, 9, 1), salary_2013=30_000), dt.date(2028, 12, 31))
    assert (low.part1_months, low.weeks_new, low.months) == (6, 48, 18)
    assert low.two_part and low.entry_source == sf.ENTRY_HIRED and not low.assumed
    high = sf.notice(_position(dt.date(2005, 9, 1), salary_2013=40_000), dt.date(2028, 12, 31))
    assert (high.part1_months, high.weeks_new, high.months) == (9, 48, 21)
    assert "deel 1 9 mnd" in high.describe() and "deel 2 48 weken" in high.describe()
    # a short old seniority: 1/7/2013 -> 6 months on 31/12/2013: 3 months either way
    assert sf.part1_months(6, 30_000) == 3 and sf.part1_months(6, 40_000) == 3


def test_notice_from_2014_is_the_weeks_table_and_the_step_is_an_assumption():
    """In service 1/1/2020: 9 years on 31/12/2028 -> 30 weeks -> 210 / 30,44 = 6,9 -> 7 months.
    Without a date: step 10 on 1/1/2026 = in service 1/1/2016 (aanname) -> 13 years -> 42 weeks
    -> 9,66 -> 10 months."""
    n = sf.notice(_position(dt.date(2020, 1, 1)), dt.date(2028, 12, 31))
    assert (n.part1_months, n.weeks_new, n.months) == (None, 30, 7) and not n.assumed
    n = sf.notice(_position(step=10), dt.date(2028, 12, 31))
    assert n.entry == dt.date(2016, 1, 1) and n.entry_source == sf.ENTRY_STEP and n.assumed
    assert (n.weeks_new, n.months) == (42, 10) and "aanname" in n.describe()


def test_opzeg_is_checked_and_its_words_normalised():
    from w13xl.errors import InputError
    from w13xl.scenario.spec import scenario_from_dict

    s = scenario_from_dict({"changes": [{"type": "subsidy_end", "subsidy": "SUB-PACT", "date": "2028-12-31",
                                         "policy": "stop", "opzeg": "Na-stopzetting"}]}, name="t")
    assert s.changes[0].opzeg == "na stopzetting"
    with pytest.raises(InputError, match="opzeg geldt alleen bij policy 'stop'"):
        scenario_from_dict({"changes": [{"type": "subsidy_end", "subsidy": "SUB-PACT", "date": "2028-12-31",
                                         "policy": "keep_staff", "opzeg": "tijdig"}]}, name="t")
    with pytest.raises(InputError, match="spreken elkaar tegen"):
        scenario_from_dict({"changes": [{"type": "subsidy_end", "subsidy": "SUB-PACT", "date": "2028-12-31",
                                         "policy": "stop", "opzeg": "tijdig", "notice_months": 3}]}, name="t")


def test_a_statutory_position_cannot_be_stopped_with_notice():
    import dataclasses

    from w13xl.errors import InputError
    from w13xl.scenario.engine import Engine
    from w13xl.scenario.loader import load_baseline
    from w13xl.scenario.spec import scenario_from_dict

    base = load_baseline(SAMPLE)
    base.positions = tuple(dataclasses.replace(p, statute="statutair") if p.id == "P06" else p
                           for p in base.positions)
    s = scenario_from_dict({"changes": [{"type": "subsidy_end", "subsidy": "SUB-PACT", "date": "2028-12-31",
                                         "policy": "stop"}]}, name="t")
    with pytest.raises(InputError, match="P06 is statutair"):
        Engine(base).run(s)


def test_run_prints_the_default_the_seniority_and_both_variants(tmp_path):
    out = tmp_path / "run.json"
    result = invoke("run", SAMPLE, ROOT / "scenarios" / "regierol-stopt-2026.toml", "--out", out,
                    terminal_width=200)
    assert result.exit_code == 0, result.output
    import json

    change = json.loads(out.read_text(encoding="utf-8"))["scenarios"][0]["changes"][0]["description"]
    assert "opzeg na stopzetting (standaard, niet opgegeven in het scenario)" in change
    assert "P10: anciënniteit 3 j 0 m op 31/12/2026" in change and "13 weken (art. 37/2) = 3 mnd opzeg" in change
    text = " ".join(result.output.split())
    assert "beide varianten" in text and "tijdig" in text and "na stopzetting" in text
    assert sf.ILLUSTRATIVE_LABEL in text and "schema T2 lijn 2" in text


# -- the page -------------------------------------------------------------------------------------
def test_the_page_names_every_alias():
    text = DOC.read_text(encoding="utf-8")
    for alias in sf.PERSONNEL_ALIASES:
        assert alias in text or alias.replace("_", " ") in text, alias


@pytest.mark.parametrize("line", [line for line in DOC.read_text(encoding="utf-8").splitlines()
                                  if re.match(r"^w13xl \w", line)])
def test_every_command_on_the_page_runs(line):
    args = shlex.split(line)[1:]
    result = runner.invoke(app, args, terminal_width=160)
    assert result.exit_code == 0, result.output
