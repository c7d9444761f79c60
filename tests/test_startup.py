"""Start-up: each command imports only what it uses (measured in a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys

from helpers import SAMPLE

PROBE = """
import json, sys
from w13xl.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('w13xl', 'pydantic', 'pandas', 'xlwings')
                         or m == 'typer.rich_utils')))
"""


def loaded_modules(*args: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_m2_imports_neither_the_scenario_engine_nor_pydantic_pandas_or_xlwings():
    mods = loaded_modules("m2", str(SAMPLE))
    assert "w13xl.m2" in mods  # the probe did run the command
    assert not {m for m in mods if m.startswith("w13xl.scenario")}
    assert not {m for m in mods if m.split(".")[0] in ("pydantic", "pandas", "xlwings")}
    assert "typer.rich_utils" not in mods  # help formatting loads only for help and usage errors


def test_help_and_usage_errors_are_dutch_although_rich_utils_loads_late():
    out = subprocess.run([sys.executable, "-m", "w13xl", "m2", "--help"], capture_output=True, text=True,
                         timeout=120, env={**__import__("os").environ, "COLUMNS": "100"})
    assert "Argumenten" in out.stdout and "Opties" in out.stdout and "[verplicht]" in out.stdout
    err = subprocess.run([sys.executable, "-m", "w13xl", "m2"], capture_output=True, text=True, timeout=120)
    assert err.returncode == 2 and "Fout" in err.stderr and "Hulp:" in err.stderr


def test_scenario_commands_do_not_import_pandas_or_xlwings():
    mods = loaded_modules("compare", str(SAMPLE), str(SAMPLE.parent.parent / "scenarios" / "pact-stopt-2028.toml"))
    assert "w13xl.scenario.batch" in mods
    assert not {m for m in mods if m.split(".")[0] in ("pandas", "xlwings")}
