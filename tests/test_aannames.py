"""w13xl aannames, the index table of w13xl run and the board's Aannames sheet (issue 9)."""

from __future__ import annotations

import json

from helpers import SAMPLE
from openpyxl import load_workbook
from typer.testing import CliRunner

from w13xl.cli import app

ROOT = SAMPLE.parents[1]
runner = CliRunner()


def invoke(*args, **kw):
    return runner.invoke(app, [*map(str, args)], **kw)


def test_aannames_lists_every_assumption_with_a_source(tmp_path):
    out = tmp_path / "aannames.json"
    result = invoke("aannames", SAMPLE, "--out", out)
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    tables = {t["sleutel"]: t for t in data["aannames"]}
    assert set(tables) == {"personeel", "indexklassen", "subsidies", "beleid", "werkgeverskost", "minimumreserve",
                           "indexering"}
    # issue 18: the roster against schema T2 line 2, labelled while the roster is the illustrative sample
    assert "personeel: illustratief bestand" in tables["personeel"]["titel"]
    assert [r[2] for r in tables["personeel"]["rijen"]] == [  # T2 line 2 as printed (2030: c + f = ...414,55)
        "1.817.896,00", "1.813.042,00", "1.798.104,00", "1.852.002,00", "1.805.414,55", "1.769.373,05"]
    # every line part has a class, a share, an origin and a source text
    for row in tables["indexklassen"]["rijen"]:
        action, _name, direction, klass, share, origin, source = row
        assert 0 < share <= 1 and origin and source, row
    pact = [r for r in tables["indexklassen"]["rijen"] if r[0] == "A10302" and r[2] == "U"]
    assert {r[3]: r[5] for r in pact} == {"doorgestort": "blad Indexering", "loon": "personeel"}
    # every subsidy: funder and plan reference
    for row in tables["subsidies"]["rijen"]:
        assert row[3] and row[-1], row
    assert any("211.211,09" in str(r) for r in tables["minimumreserve"]["rijen"])
    assert any("niet op vakantiegeld" in str(r) for r in tables["werkgeverskost"]["rijen"])
    assert "Indexklassen per lijn" in result.output


def test_run_shows_the_class_per_line_within_100_columns():
    result = invoke("run", SAMPLE, ROOT / "scenarios" / "baseline.toml", "--indexklassen", terminal_width=100)
    assert result.exit_code == 0, result.output
    # the result first, the index classes after it and only on request (issue 21)
    assert result.output.index("Schema M2") < result.output.index("Indexklasse per lijn")
    start = result.output.index("Indexklasse per lijn")
    block = result.output[start:]
    # P06 (B4-B5, steps 6-9 in 2026-2029: 24.300, 24.900, 25.500, 26.100 x 2,1223 x 1,5217 + 3.019,80,
    # x 1,02^t) = 348.080 of 4 x 1.090.768 = 8,0% of A10302's U line (issue 18's calibrated roster)
    assert "A10302 │ U │ doorgestort 92,0% blad; loon 8,0% pers." in block
    assert max(len(line) for line in block.splitlines()) <= 100


def test_board_pack_has_an_aannames_sheet(tmp_path):
    out = tmp_path / "board.xlsx"
    result = invoke("board", SAMPLE, ROOT / "scenarios" / "baseline.toml", "--out", out, "--no-uncertainty",
                    "--created", "2026-01-01")
    assert result.exit_code == 0, result.output
    ws = load_workbook(out)["W13 Aannames"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Indexklassen per lijn" in texts and "Subsidies" in texts and "Werkgeverskost per component" in texts
    assert any("30 juni 2027" in t for t in texts)  # OPEN's end, quoted from the plan
    # the board's look: nothing cut off, Belgian percentages, printed as wide as the page with page numbers
    from helpers import overflowing_cells

    assert overflowing_cells(ws) == []
    percents = [c.number_format for row in ws.iter_rows() for c in row if isinstance(c.value, float)]
    assert percents and all(f.startswith("[$-813]") for f in percents)
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.orientation == "landscape"
    assert ws.oddFooter.right.text == "Pagina &P van &N" and ws.print_area


def test_aannames_csv(tmp_path):
    out = tmp_path / "aannames.csv"
    result = invoke("aannames", SAMPLE, "--out", out)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    for title in ("Indexklassen per lijn", "Subsidies", "Beleid bij einde subsidie", "Werkgeverskost per component",
                  "Minimumreserve", "Indexering"):
        assert title in text
    assert invoke("aannames", SAMPLE, "--out", tmp_path / "x.xlsx").exit_code == 2


def test_board_into_writes_and_replaces_the_aannames_sheet(tmp_path):
    import shutil

    target = tmp_path / "plan.xlsx"
    shutil.copyfile(SAMPLE, target)
    args = ("board", SAMPLE, ROOT / "scenarios" / "baseline.toml", "--into", target, "--no-uncertainty",
            "--created", "2026-01-01")
    for _ in range(2):  # the second export replaces the sheet it wrote
        result = invoke(*args)
        assert result.exit_code == 0, result.output
        assert "W13 Aannames" in result.output
    wb = load_workbook(target)
    assert wb.sheetnames.count("W13 Aannames") == 1 and "Subsidies" in wb.sheetnames


def test_a_table_header_is_not_left_alone_at_the_bottom_of_a_page():
    from w13xl.board.aannames import PAGE_ROWS_HEIGHT, page_breaks

    # a first table filling the page up to 40 points before its end, then a second table
    rows = int((PAGE_ROWS_HEIGHT - 40) // 20)
    heights = [20.0] * rows + [15.0, 15.0, 50.0, 50.0, 14.0]
    second = rows + 1
    assert page_breaks(heights, [(1, 2), (second, second + 1)]) == [second]
    # with room for its title, header and first rows it stays where it is
    assert page_breaks(heights[:10] + heights[rows:], [(1, 2), (11, 12)]) == []
