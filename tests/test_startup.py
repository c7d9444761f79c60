"""Start-up: each command imports only what it uses (measured in a fresh interpreter)."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys

import pytest

from helpers import SAMPLE

PROBE = """
import json, sys
from w13xl.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('w13xl', 'pydantic', 'pandas', 'xlwings', 'rich')
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


def test_m2_prints_without_rich_and_loads_only_its_own_command_module():
    mods = loaded_modules("m2", str(SAMPLE))
    assert "w13xl.cli.m2" in mods
    assert not {m for m in mods if m.split(".")[0] == "rich"}  # CompactTable prints schema M2
    assert {m for m in mods if m.startswith("w13xl.cli.") and not m.startswith("w13xl.cli._")} == {"w13xl.cli.m2"}


def test_command_modules_is_the_list_of_commands_the_modules_define():
    import importlib
    import pkgutil

    import w13xl.cli
    from w13xl.cli import COMMAND_MODULES, app

    # every module of w13xl.cli, so that a new command module missing from the table fails here
    for info in pkgutil.iter_modules(w13xl.cli.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"w13xl.cli.{info.name}")
    defined = {info.name: info.callback.__module__ for info in app.registered_commands}
    # a group (w13xl excel ...): the module of its commands
    defined.update({info.name: info.typer_instance.registered_commands[0].callback.__module__
                    for info in app.registered_groups})
    assert set(defined) == set(COMMAND_MODULES)
    for name, module in defined.items():
        assert module == f"w13xl.cli.{COMMAND_MODULES[name]}", name


def test_help_lists_every_command_and_a_typo_gets_a_suggestion():
    env = {**os.environ, "COLUMNS": "200"}
    out = subprocess.run([sys.executable, "-m", "w13xl", "--help"], capture_output=True, text=True, timeout=120, env=env)
    from w13xl.cli import COMMAND_MODULES

    listed = [line.split()[1] for line in out.stdout.splitlines() if line.startswith("│ ") and line[2] != " "]
    assert [n for n in listed if n in COMMAND_MODULES] == list(COMMAND_MODULES)
    typo = subprocess.run([sys.executable, "-m", "w13xl", "vergelyk"], capture_output=True, text=True, timeout=120,
                          env=env)
    assert typo.returncode == 2 and "'vergelijk'" in typo.stderr


# -- CompactTable (w13xl.cli._tables) against rich's Table(**COMPACT): the same characters --

def _rich_lines(table, width: int) -> list[str]:
    from rich.console import Console

    console = Console(width=width, file=io.StringIO(), highlight=False, color_system=None)
    console.print(table)
    return console.file.getvalue().split("\n")[:-1]


def _m2_tables():
    from w13xl.cli._tables import year_blocks
    from w13xl.cli.m2 import m2_table
    from w13xl.m2 import compute_m2
    from w13xl.workbook import load_plan

    loaded = load_plan(SAMPLE)
    result = compute_m2(loaded.plan, loaded.params)
    title = f"Schema M2 — {SAMPLE.name}, blad '{loaded.sheet}' ({loaded.layout})"
    return [m2_table(result, title, block) for parts in (1, 2, 3, 6) for block in year_blocks(6, parts)]


def _synthetic_tables():
    from w13xl.cli._tables import CompactTable

    labels = ["Kort", "   Ingesprongen label met meerdere woorden", "Eenzeerlangsamengesteldwoordzonderspaties en meer",
              "Twee  spaties  tussen", "", "Woord " * 12]
    tables = []
    for min_width in (None, 10, 22):
        t = CompactTable(title="Een titel die lang genoeg is om bij een smalle tabel af te breken")
        t.add_column("Nr", justify="right", style="dim", no_wrap=True)
        t.add_column("Omschrijving van de lijn", min_width=min_width)
        t.add_column("2026", justify="right", no_wrap=True)
        t.add_column("Toelichting")
        for i, label in enumerate(labels):
            if i == 3:
                t.add_section()
            t.add_row(str(i), label, f"[red]{-1234.5 * i:,.0f}[/]", "[bold]vet[/] en niet vet", style="dim" if i % 2 else None)
        tables.append(t)
    return tables


def _to_rich(compact):
    """The same table as rich's ``Table(**COMPACT)``."""
    from rich.table import Table

    from w13xl.cli._tables import COMPACT

    table = Table(title=compact.title, **COMPACT)
    for c in compact.columns:
        table.add_column(c.header, justify=c.justify, style=c.style, no_wrap=c.no_wrap, min_width=c.min_width)
    for r, row in enumerate(compact.rows):
        table.add_row(*[c.cells[r] for c in compact.columns], style=row.style, end_section=row.end_section)
    return table


@pytest.mark.parametrize("which", ["m2", "synthetic"])
def test_compact_table_prints_what_rich_prints(which):
    """At every width from the table's minimum up: the same characters as rich, except where rich
    cuts a word with '…' (two wrapping columns, the widest narrowed below its longest word), where
    CompactTable narrows the other wrapping column instead; never a line wider than the output."""
    from rich.console import Console

    tables = _m2_tables() if which == "m2" else _synthetic_tables()
    console = Console(width=100, file=io.StringIO())
    compared = cut_by_rich = 0
    for table in tables:
        rich_table = _to_rich(table)
        assert table.minimum_width() == console.measure(rich_table, options=console.options.update_width(10_000)).minimum
        for width in range(table.minimum_width(), 181, 2):
            ours, theirs = table.lines(width), _rich_lines(rich_table, width)
            assert max(len(line) for line in ours) <= width and "…" not in "".join(ours), (which, width)
            if "…" in "".join(theirs):
                cut_by_rich += 1
                continue
            assert ours == theirs, (which, width)
            compared += 1
    assert compared > 150 and cut_by_rich <= (0 if which == "m2" else 10)


def test_compact_table_keeps_every_amount_below_its_minimum_width():
    """Where rich would drop or cut columns, the amounts stay whole (lines get wider instead)."""
    (table, *_) = _m2_tables()
    lines = table.lines(30)
    assert "4.622.731" in "\n".join(lines) and "-15.569" in "\n".join(lines)


def test_styles_on_a_terminal_and_the_same_text_without_them():
    env = {**os.environ, "COLUMNS": "100"}
    env.pop("NO_COLOR", None)
    env.pop("FORCE_COLOR", None)
    cmd = [sys.executable, "-m", "w13xl", "m2", str(SAMPLE)]
    plain = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env).stdout
    assert "\x1b[" not in plain
    styled = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env={**env, "FORCE_COLOR": "1"}).stdout
    assert "\x1b[31m-15.569\x1b[0m" in styled  # a negative amount in red
    assert "\x1b[32m✓\x1b[0m" in styled and "\x1b[1;31m✗\x1b[0m" in styled
    assert re.sub(r"\x1b\[[0-9;]*m", "", styled) == plain
    no_colour = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                               env={**env, "FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    assert "\x1b[31m" not in no_colour and "\x1b[1m✗\x1b[0m" in no_colour  # NO_COLOR keeps bold
    env.pop("COLUMNS")  # a pipe without COLUMNS: laid out for 150 columns, all six years side by side
    wide = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env).stdout
    assert [line.split()[3:] for line in wide.splitlines() if line.startswith("  Nr  Schema M2")] == [
        ["2026", "2027", "2028", "2029", "2030", "2031"]]
    assert max(len(line) for line in wide.splitlines()) <= 150


@pytest.mark.parametrize("width", [40, 60, 100, 150])
def test_norm_lines_wrap_as_rich_wraps_them(width, monkeypatch):
    from rich.console import Console

    from w13xl.cli._tables import print_markup

    monkeypatch.setenv("COLUMNS", str(width))
    text = ("[bold red]✗[/] Engagement W13: AFM 2031 ≥ 0: niet voldaan "
            "(AFM -15.569); eerste jaar met negatieve AFM: 2030")
    ours = io.StringIO()
    print_markup(text, ours)
    console = Console(width=width, file=io.StringIO(), highlight=False, color_system=None)
    console.print(text)
    assert ours.getvalue() == console.file.getvalue()


def test_help_and_usage_errors_are_dutch_although_rich_utils_loads_late():
    out = subprocess.run([sys.executable, "-m", "w13xl", "m2", "--help"], capture_output=True, text=True,
                         timeout=120, env={**__import__("os").environ, "COLUMNS": "100"})
    assert "Argumenten" in out.stdout and "Opties" in out.stdout and "[verplicht]" in out.stdout
    err = subprocess.run([sys.executable, "-m", "w13xl", "m2"], capture_output=True, text=True, timeout=120)
    assert err.returncode == 2 and "Fout" in err.stderr and "Hulp:" in err.stderr


def test_scenario_commands_do_not_import_pandas_or_xlwings():
    mods = loaded_modules("compare", str(SAMPLE), str(SAMPLE.parent.parent / "scenarios" / "pact-stopt-2028.toml"))
    assert "w13xl.scenario.engine" in mods and "w13xl.scenario.batch" not in mods
    assert not {m for m in mods if m.split(".")[0] in ("pandas", "xlwings")}
