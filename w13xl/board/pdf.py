"""Print a board workbook to PDF with LibreOffice (headless)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import W13Error
from ..workbook import safe_write

INSTALL_HINT = ("LibreOffice is not installed; install it with 'apt-get install libreoffice-calc-nogui' "
                "(Debian/Ubuntu) or from libreoffice.org, then run again with --pdf")


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def render_pdf(workbook: str | os.PathLike, pdf: str | os.PathLike | None = None, *, timeout: float = 300) -> Path:
    """Print a workbook to PDF with LibreOffice headless (every sheet, its print settings)."""
    workbook = Path(workbook)
    pdf = Path(pdf) if pdf is not None else workbook.with_suffix(".pdf")
    soffice = find_soffice()
    if soffice is None:
        raise W13Error(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="w13xl-pdf-") as tmp:
        profile = Path(tmp) / "profile"
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", "pdf", "--outdir", tmp, str(workbook.resolve())]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise W13Error(f"LibreOffice did not finish converting {workbook} within {timeout:.0f} s") from None
        produced = Path(tmp) / f"{workbook.stem}.pdf"
        if proc.returncode != 0 or not produced.exists():
            detail = (proc.stderr or proc.stdout or "").strip().splitlines()
            raise W13Error(f"LibreOffice could not convert {workbook} to PDF (exit {proc.returncode})"
                           + (f": {detail[-1]}" if detail else ""))
        return safe_write(pdf, lambda tmp: shutil.copyfile(produced, tmp))
