"""The docs site builds with ``mkdocs build --strict`` (a broken link, a page missing from the nav
or an unknown option fails the build), and the README stays short and starts with the two commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mkdocs_build_strict(tmp_path):
    site = tmp_path / "site"
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                          cwd=ROOT, capture_output=True, text=True, check=False,
                          env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (site / "index.html").exists()
    assert (site / "handleiding" / "nota" / "index.html").exists()


def test_readme_starts_with_the_two_commands():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150
    assert lines[2:6] == ["```bash", "uv run w13xl m2 workbooks/w13-mjp-2026-2031.xlsx", "uv run pytest", "```"]
