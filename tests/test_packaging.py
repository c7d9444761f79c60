"""The wheel (`uv build`) and the lean install: `pip install w13xl` pulls only what the Excel
functions need; the command line (typer, rich) and the server are extras."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from w13xl import _entry

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    uv = os.environ.get("UV") or shutil.which("uv")  # `uv run` names itself in UV
    if uv is None:
        pytest.skip("uv is not on the PATH")
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([uv, "build", "--wheel", "--out-dir", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    (path,) = out.glob("w13xl-*.whl")
    return path


def test_wheel_requires_no_cli_packages(wheel):
    with zipfile.ZipFile(wheel) as z:
        meta_name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(z.read(meta_name).decode())
        names = z.namelist()
    requires = meta.get_all("Requires-Dist") or []
    required = [r.split(";")[0].strip() for r in requires if "extra ==" not in r]
    base = {r.split(">")[0].split("=")[0].split("<")[0].strip().lower() for r in required}
    # lxml: w13xl.ooxml edits the index and styles parts of a workbook as trees (board --into);
    # threadpoolctl: the engine runs with one BLAS thread; tomli-w: scenario files w13xl writes
    assert base == {"xlwings", "openpyxl", "numpy", "scipy", "pandas", "pydantic", "python-calamine", "lxml",
                    "threadpoolctl", "tomli-w"}, required
    assert "xlwings<0.38,>=0.37.8" in required or "xlwings>=0.37.8,<0.38" in required, required
    extras = {r.split("extra ==")[1].strip().strip("'\"") for r in requires if "extra ==" in r}
    assert extras == {"cli", "server"}
    assert any(r.startswith("typer") and "extra == 'cli'" in r.replace('"', "'") for r in requires)
    assert any(r.startswith("xlwings-server") and "extra == 'server'" in r.replace('"', "'") for r in requires)
    # the server's project folder travels with the package
    for path in ("w13xl/server/project/custom_functions/__init__.py", "w13xl/server/project/custom_scripts/__init__.py",
                 "w13xl/server/project/templates/taskpane.html", "w13xl/server/project/templates/manifest.xml",
                 "w13xl/server/project/static/js/ribbon.js", "w13xl/server/project/static/js/w13-nl.js",
                 "w13xl/data/mjp-2026-2031-synthese.csv"):
        assert path in names, path


def test_entry_point_without_the_cli_extra_says_so_in_dutch(monkeypatch, capsys):
    monkeypatch.setattr(_entry.importlib.util, "find_spec",
                        lambda name, *a: None if name == "typer" else object())
    with pytest.raises(SystemExit) as exit_:
        _entry.main()
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("Fout: de opdrachtregel van w13xl is niet geïnstalleerd (ontbreekt: typer)")
    assert 'pip install "w13xl[cli]"' in err
