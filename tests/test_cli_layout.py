"""Terminal output in a 100-column terminal: every amount in full, no line wider than the terminal
(issue 12). Run as a subprocess, as a user would, with COLUMNS=100."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from w13xl.fmt import euro
from w13xl.m2 import compute_m2, m2_rows
from w13xl.scenario.engine import Engine
from w13xl.scenario.loader import load_study
from w13xl.workbook import load_plan

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "w13-mjp-2026-2031.xlsx"
W13XL = Path(sys.executable).with_name("w13xl")


def w13xl(*args: str, columns: int = 100) -> str:
    env = {**os.environ, "COLUMNS": str(columns)}
    proc = subprocess.run([str(W13XL), *args], capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def rows_with(out: str, text: str) -> list[str]:
    return [line for line in out.splitlines() if text in line]


@pytest.mark.skipif(not W13XL.exists(), reason="the w13xl script is not installed in this environment")
@pytest.mark.parametrize("columns", [100, 80])
def test_m2_fits_the_terminal_with_every_amount(columns):
    out = w13xl("m2", str(SAMPLE), columns=columns)
    assert max(len(line.rstrip()) for line in out.splitlines()) <= columns
    assert "…" not in out
    loaded = load_plan(SAMPLE)
    result = compute_m2(loaded.plan, loaded.params)
    words = out.split()
    for _n, label, _key, values in m2_rows(result):
        for v in values:
            assert euro(v) in words, (label, euro(v))
    # at 100 columns all six years side by side; at 80 in two blocks of three years
    headers = [line.split()[3:] for line in out.splitlines() if line.startswith("  Nr  Schema M2")]
    if columns == 100:
        assert headers == [["2026", "2027", "2028", "2029", "2030", "2031"]]
    else:
        assert headers == [["2026", "2027", "2028"], ["2029", "2030", "2031"]]


@pytest.mark.skipif(not W13XL.exists(), reason="the w13xl script is not installed in this environment")
def test_compare_fits_100_columns_with_every_amount():
    files = [str(ROOT / "scenarios" / f) for f in ("pact-stopt-2028.toml", "indexschok-2027.toml",
                                                   "bijdrage-plus-5-2027.toml")]
    out = w13xl("compare", str(SAMPLE), *files)
    assert max(len(line.rstrip()) for line in out.splitlines()) <= 100
    # the plan first (issue 21), even when a file name sorts before the baseline
    plan_first = w13xl("vergelijk", str(SAMPLE), str(ROOT / "scenarios" / "activering-verlengd-2028.toml"),
                       str(ROOT / "scenarios" / "baseline.toml"))
    titles = [line for line in plan_first.splitlines() if line and not line.startswith((" ", "Scenario"))
              and "──" not in line]
    assert titles[0].startswith("Meerjarenplan 2026-2031 (basis)"), titles[:3]
    assert "…" not in out
    baseline, library, selected = load_study(SAMPLE, files)
    words = out.split()
    for scenario in selected:
        run = Engine(baseline).run(scenario, library)
        for key in ("gecumuleerd_budgettair_resultaat", "beschikbaar_budgettair_resultaat", "autofinancieringsmarge"):
            for v in run.m2[key]:
                assert euro(v) in words, (run.name, key, euro(v))
    # one meaning per norm word: the AFM norm is about 2031, the first negative year is a separate fact
    (pact,) = rows_with(out, "'t PACT stopt eind 2028:")
    assert "Engagement W13: AFM 2031 niet voldaan" in pact and "eerste jaar met negatieve AFM: 2029" in pact


def test_compare_says_an_uncertainty_scenario_shows_only_its_central_path():
    from typer.testing import CliRunner

    from w13xl.cli import app

    result = CliRunner().invoke(app, ["compare", str(SAMPLE), str(ROOT / "scenarios" / "onzekerheid.toml")])
    assert result.exit_code == 0, result.output
    assert "alleen het centrale pad" in result.output and "w13xl onzekerheid" in result.output


SCENARIO = str(ROOT / "scenarios" / "pact-stopt-2028.toml")
#: every command that prints a table (the board pack writes files; excel and serve print help below)
COMMANDS = {
    "run": ["run", str(SAMPLE), SCENARIO],
    "scenario --indexklassen": ["scenario", str(SAMPLE), SCENARIO, "--indexklassen"],
    "vergelijk": ["vergelijk", str(SAMPLE), str(ROOT / "scenarios")],
    "m2": ["m2", str(SAMPLE)],
    "onzekerheid": ["onzekerheid", str(SAMPLE), str(ROOT / "scenarios" / "onzekerheid.toml"), "--paths", "500"],
    "cliffs": ["cliffs", str(SAMPLE)],
    "solve": ["solve", str(SAMPLE)],
    "subsidies": ["subsidies", str(SAMPLE)],
    "personeel": ["personeel", str(SAMPLE)],
    "aannames": ["aannames", str(SAMPLE)],
    "schema M3": ["schema", "M3", str(SAMPLE)],
    "schema T1": ["schema", "T1", str(SAMPLE)],
    "schema T2": ["schema", "T2", str(SAMPLE)],
    "schema T3": ["schema", "T3", str(SAMPLE)],
    "herraming": ["herraming", str(SAMPLE), "--accounts-sheet", "Rekening 2024", "--estimate-sheet", "Raming 2025"],
    "versies": ["versies", str(SAMPLE), str(SAMPLE), "--old-sheet", "Budget 2025", "--new-sheet", "Raming 2025"],
    "raster": ["raster", str(SAMPLE), "--policy", "stop", "--policy", "keep_staff"],
}


@pytest.mark.skipif(not W13XL.exists(), reason="the w13xl script is not installed in this environment")
@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_fits_100_columns(name):
    out = w13xl(*COMMANDS[name])
    too_wide = [line for line in out.splitlines() if len(line.rstrip()) > 100]
    assert not too_wide, too_wide[:3]
    assert "…" not in out  # nothing cut off (rich marks a cut cell with an ellipsis)


@pytest.mark.skipif(not W13XL.exists(), reason="the w13xl script is not installed in this environment")
@pytest.mark.parametrize("name", ["M3", "T1", "T2", "T3"])
def test_schema_shows_every_amount_in_full_at_100_columns(name):
    from w13xl.cli.schema import compute_from_workbook

    out = w13xl("schema", name, str(SAMPLE))
    _loaded, result = compute_from_workbook(SAMPLE, name)
    words = out.split()
    for _section, label, values in result.rows:
        for v in values:
            assert euro(v) in words, (label, euro(v))
    if name == "T2":  # the six years side by side: the description wraps, not the amounts
        assert [line.split()[1:] for line in out.splitlines() if line.startswith("Omschrijving")] == \
            [["2026", "2027", "2028", "2029", "2030", "2031"]]


@pytest.mark.parametrize("args", [
    ["schema", "T2", str(SAMPLE)],
    ["aannames", str(SAMPLE)],
    ["versies", str(SAMPLE), str(SAMPLE), "--old-sheet", "Budget 2025", "--new-sheet", "Raming 2025"],
], ids=lambda a: a[0])
def test_csv_of_the_later_commands_is_belgian_with_the_other_style_on_request(tmp_path, args):
    from typer.testing import CliRunner

    from w13xl.cli import app

    be, intl = tmp_path / "be.csv", tmp_path / "int.csv"
    for out, style in ((be, "be"), (intl, "int")):
        result = CliRunner().invoke(app, [*args, "--out", str(out), "--csv-stijl", style])
        assert result.exit_code == 0, result.output
    text = be.read_text(encoding="utf-8-sig")
    assert ";" in text.splitlines()[0] or ";" in text.splitlines()[1]
    if args[0] != "aannames":  # amounts with a decimal comma in the Belgian file, a point in the other
        assert any(cell.endswith(",00") or "," in cell for line in text.splitlines()[1:] for cell in line.split(";")[2:])
        assert "." in intl.read_text(encoding="utf-8").splitlines()[1].split(",")[-1]


# -- issue 21: every command, in a pipe (no COLUMNS) and in a 100-column terminal (a pty) ---------
import re  # noqa: E402

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
#: The commands that write files (their --out in a temporary folder) or print help.
WRITERS = {
    "nota": ["nota", str(SAMPLE), str(ROOT / "scenarios" / "bijdrage-plus-5-2027.toml"), "--out", "{tmp}/n.docx"],
    "bordpakket": ["bordpakket", str(SAMPLE), SCENARIO, "--no-uncertainty", "--out", "{tmp}/b.xlsx"],
    "excel workbook": ["excel", "workbook", "{tmp}/w.xlsm"],
    "server --manifest": ["server", "--manifest", "{tmp}/manifest.xml"],
    "help": ["--help"],
    "nota --help": ["nota", "--help"],
    "realisatie (geweigerd)": ["realisatie", str(SAMPLE)],
}
EVERY = {**COMMANDS, **WRITERS}


def in_terminal(args: list[str], columns: int = 100) -> tuple[int, str]:
    """Run w13xl in a pseudo-terminal of ``columns`` columns (no COLUMNS variable): what a user sees."""
    import fcntl
    import pty
    import select
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR")}
    env["TERM"] = "xterm-256color"
    proc = subprocess.Popen([str(W13XL), *args], stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            ready, _, _ = select.select([master], [], [], 120)
            data = os.read(master, 65536) if ready else b""
        except OSError:  # the pty closed: the process ended
            break
        if not data:
            break
        chunks.append(data)
    code = proc.wait()
    os.close(master)
    return code, ANSI.sub("", b"".join(chunks).decode("utf-8", "replace")).replace("\r", "")


def piped(args: list[str]) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    proc = subprocess.run([str(W13XL), *args], capture_output=True, text=True, env=env, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def _values_in_full(name: str, out: str) -> list[str]:
    """Values a cut would hide, that the output must hold whole (the ones issue 21 found cut)."""
    words = out.split()
    missing: list[str] = []
    if name == "onzekerheid":
        from w13xl.montecarlo import simulate

        baseline, library, (scenario,) = load_study(SAMPLE, [str(ROOT / "scenarios" / "onzekerheid.toml")])
        sim = simulate(baseline, scenario, library, paths=500)
        missing += [euro(v) for v in sim.percentiles["gecumuleerd_budgettair_resultaat"][:, -1] if euro(v) not in words]
    if name == "personeel":
        baseline = load_study(SAMPLE, [])[0]
        missing += [f"{p.end:%d/%m/%Y}" for p in baseline.positions if p.end and f"{p.end:%d/%m/%Y}" not in words]
    return missing


@pytest.mark.skipif(not W13XL.exists(), reason="the w13xl script is not installed in this environment")
@pytest.mark.parametrize("mode", ["pijp", "terminal"])
@pytest.mark.parametrize("name", list(EVERY))
def test_every_command_fits_100_columns_in_a_pipe_and_a_terminal(name, mode, tmp_path):
    args = [a.replace("{tmp}", str(tmp_path)) for a in EVERY[name]]
    code, out = (piped if mode == "pijp" else in_terminal)(args)
    assert code == (2 if name.startswith("realisatie") else 0), out[-2000:]
    # A 'Fout:' or 'Waarschuwing:' message is one logical line, never cut: the terminal wraps it
    # (tests and scripts read it as one line); every table and text line fits 100 columns.
    too_wide = [line for line in out.splitlines() if len(line.rstrip()) > 100
                and not line.startswith(("Fout:", "Waarschuwing:"))]
    assert not too_wide, too_wide[:3]
    assert "…" not in out  # rich marks a cut cell with an ellipsis
    assert _values_in_full(name, out) == []


def test_piped_raster_marks_a_breach_without_colour():
    code, out = piped(["raster", str(SAMPLE), "--subsidy", "SUB-PACT", "--years", "2027-2028", "--policy",
                       "keep_staff"])
    assert code == 0
    assert "\x1b[" not in out
    # keep_staff, end 2027: the reserve 2031 is negative (-27.609, a BBR breach): marked with ✗ in plain text
    row = next(line for line in out.splitlines() if "personeel blijft" in line)
    assert "✗" in row
    assert "✗ (rood op een scherm met kleur)" in out
