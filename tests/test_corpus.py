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


@pytest.mark.parametrize("source", ["sample", "rich"])
def test_damaged_bytes_never_end_in_a_traceback(source, tmp_path):
    """Random damage (flipped bytes, truncation, zeroed runs; fixed seed) to a workbook: reading
    it either works or raises a W13Error (a Fout line), never another exception."""
    import random

    from build import RICH, SAMPLE

    from w13xl.errors import W13Error
    from w13xl.scenario.loader import load_study

    original = (SAMPLE if source == "sample" else RICH).read_bytes()
    rng = random.Random(13)
    for i in range(60):
        data = bytearray(original)
        kind = rng.choice(["flip", "trunc", "zero"])
        if kind == "flip":
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] ^= rng.randrange(1, 256)
        elif kind == "trunc":
            data = data[: rng.randrange(len(data))]
        else:
            p = rng.randrange(len(data))
            data[p:p + 500] = bytes(len(data[p:p + 500]))
        path = tmp_path / f"kapot-{i}.xlsx"
        path.write_bytes(bytes(data))
        try:
            load_study(path, [])
        except W13Error:
            pass
