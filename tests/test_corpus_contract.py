"""The issue-19 corpus (tests/corpus/contract_cases.py): exit 2 with one Fout line naming the place,
or exit 0 with the plan's figures and the warnings that say what was assumed."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent / "corpus"))
from contract_cases import CASES

from w13xl.cli import app


def digests(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}


def warning_lines(stderr: str) -> list[str]:
    return [" ".join(w.split()) for w in stderr.split("Waarschuwing:")[1:]]


@pytest.mark.parametrize("name", sorted(CASES))
def test_contract_case(name, tmp_path):
    case = CASES[name]
    args = case.build(tmp_path)
    before = digests(tmp_path)
    result = CliRunner().invoke(app, args)
    assert "Traceback" not in result.output
    assert result.exit_code == case.exit_code, result.output
    err = " ".join(result.stderr.split())
    if case.usage:  # typer's error box: its borders cut the message into lines
        err = " ".join(result.stderr.replace("│", " ").split())
        assert result.exit_code == 2
        for fragment in case.fragments:
            assert fragment in err, (fragment, err)
    elif case.exit_code == 2:
        assert err.startswith("Fout: ") and err.count("Fout:") == 1, err
        for fragment in case.fragments:
            assert fragment in err, (fragment, err)
    else:
        for fragment in case.fragments:
            assert fragment in result.stdout, (fragment, result.stdout[-2000:])
        warnings = warning_lines(result.stderr)
        for fragment in case.warnings:
            assert any(fragment in w for w in warnings), (fragment, warnings)
        for fragment in case.no_warnings:
            assert not any(fragment in w for w in warnings), (fragment, warnings)
    assert digests(tmp_path) == before  # inputs are never modified
