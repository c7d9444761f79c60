"""No leftovers (issue 13, found 6): a write killed with SIGKILL leaves its temporary file; the
next write of the same file removes it and says so. Temporary files have no leading dot (which
hides nothing on Windows) and carry the writer's process id."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from w13xl.workbook import TEMP_MARK, remove_stale_temps, safe_write

WRITER = """
import sys, time
from pathlib import Path
from w13xl.workbook import safe_write
def slow(tmp):
    tmp.write_bytes(b"half")
    print("writing", flush=True)
    time.sleep(60)
safe_write(Path(sys.argv[1]), slow)
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_killed_write_leaves_a_temp_file_the_next_write_removes(tmp_path, capfd):
    target = tmp_path / "plan.xlsx"
    target.write_bytes(b"original")
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    left = [p for p in tmp_path.iterdir() if p != target]
    assert len(left) == 1 and TEMP_MARK in left[0].name and not left[0].name.startswith(".")
    assert target.read_bytes() == b"original"  # the target itself is untouched

    safe_write(target, lambda tmp: tmp.write_bytes(b"new"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx"]
    assert target.read_bytes() == b"new"
    err = capfd.readouterr().err
    assert f"Opgeruimd: {left[0]}" in err


def test_a_running_writers_temp_file_is_kept(tmp_path):
    target = tmp_path / "plan.xlsx"
    mine = tmp_path / f"plan{TEMP_MARK}{os.getpid()}-abc.xlsx"  # this process is alive
    mine.write_bytes(b"busy")
    other = tmp_path / "plan-copy.w13xl.xlsx"  # not our naming: never touched
    other.write_bytes(b"user")
    assert remove_stale_temps(target) == []
    assert mine.exists() and other.exists()


def test_legacy_hidden_temp_files_are_removed_when_old(tmp_path):
    target = tmp_path / "plan.xlsm"
    legacy = tmp_path / ".plan.k3j_x9q2.xlsm"  # the former mkstemp naming
    legacy.write_bytes(b"x")
    assert remove_stale_temps(target) == []  # recent: maybe another run's
    old = time.time() - 3600
    os.utime(legacy, (old, old))
    assert remove_stale_temps(target) == [legacy] and not legacy.exists()
