"""Every case of the bad-input corpus (tests/corpus/build.py): a ``Fout:`` line with the expected
message and exit code 2, or (for inputs that must be accepted) exit code 0 with the expected
output; never a traceback, never a changed input file."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent / "corpus"))
from build import CASES  # noqa: E402

from w13xl.cli import app  # noqa: E402


def digests(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_case(name, tmp_path):
    case = CASES[name]
    args = case.build(tmp_path)
    before = digests(tmp_path)
    result = CliRunner().invoke(app, args)
    assert "Traceback" not in result.output
    assert result.exit_code == case.exit_code, result.output
    if case.exit_code == 2:
        assert isinstance(result.exception, SystemExit)
        err = " ".join(result.stderr.split())
        assert err.startswith("Fout: "), err
        assert err.count("Fout:") == 1
        for fragment in case.fragments:
            assert fragment in err, (fragment, err)
    else:
        out = result.stdout
        for fragment in case.fragments:
            assert fragment in out, (fragment, out[-2000:])
    assert digests(tmp_path) == before  # inputs are never modified


def test_the_documented_commands_run(tmp_path):
    """README: ``tests/corpus/build.py OUTDIR`` and ``benchmarks/read_speed.py`` (small and quick here)."""
    import subprocess

    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, str(root / "tests" / "corpus" / "build.py"), str(tmp_path / "c")],
                         capture_output=True, text=True, check=True).stdout
    assert out.count("-> w13xl ") == len(CASES)
    bench = subprocess.run([sys.executable, str(root / "benchmarks" / "read_speed.py"), "200", "1"],
                           capture_output=True, text=True, check=True).stdout
    assert "200-line plan" in bench and "reads as 200 budget lines" in bench
