"""Writing files (issue 19): every write failure is one Dutch Fout line naming the path; temporary
names stay within the name limit; ``board --into`` follows a symbolic link, refuses a hard link
and a workbook open in LibreOffice, keeps the user's copies of W13 sheets, and does not replace a
file that changed during the run."""

from __future__ import annotations

import errno
import os
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from w13xl.cli import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "w13-mjp-2026-2031.xlsx"
SCENARIO = str(ROOT / "scenarios" / "bijdrage-plus-5-2027.toml")


def fout(result) -> str:
    err = " ".join(result.stderr.split())
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert err.startswith("Fout: ") and err.count("Fout:") == 1, err
    return err


def sheet_names(path: Path) -> list[str]:
    from w13xl.ooxml import open_package, workbook_sheets

    return [s.name for s in workbook_sheets(open_package(path).parts)]


# -- write failures ------------------------------------------------------------------------------
@pytest.mark.parametrize(("code", "words"), [
    (errno.EROFS, "de map staat op een alleen-lezen schijf"),
    (errno.EACCES, "geen toestemming om hier te schrijven"),
    (errno.ENOSPC, "de schijf is vol"),
])
def test_a_failed_temp_file_is_one_dutch_line(monkeypatch, tmp_path, code, words):
    import tempfile

    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    out = tmp_path / "uit.json"
    err = fout(CliRunner().invoke(app, ["m2", str(SAMPLE), "--out", str(out)]))
    assert f"{out}: schrijven mislukt: {words}; er is niets gewijzigd" in err
    assert not out.exists()


def test_a_full_disk_while_writing_is_one_dutch_line_and_leaves_nothing(monkeypatch, tmp_path):
    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full)
    out = tmp_path / "uit.json"
    err = fout(CliRunner().invoke(app, ["m2", str(SAMPLE), "--out", str(out)]))
    assert f"{out}: schrijven mislukt: de schijf is vol" in err
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


def test_a_name_beyond_the_limit_is_refused_naming_it(tmp_path):
    out = tmp_path / ("m" * 300 + ".json")
    err = fout(CliRunner().invoke(app, ["m2", str(SAMPLE), "--out", str(out)]))
    assert "schrijven mislukt: de naam is te lang (305 bytes; hoogstens 255)" in err
    assert str(tmp_path) in err


def test_a_long_name_within_the_limit_is_written_with_a_shorter_temp_name(tmp_path):
    """A 245-character name: 'NAME.w13xl-tmp-PID-XXXXXXXX.json' would be ~275 bytes; the temporary
    name shortens the stem instead."""
    from w13xl.workbook import TEMP_MARK, temp_stem

    out = tmp_path / ("m" * 240 + ".json")
    assert len(out.name) == 245
    assert len((temp_stem(out) + TEMP_MARK + "4194304-" + "x" * 12 + ".json").encode()) <= 255
    result = CliRunner().invoke(app, ["m2", str(SAMPLE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists() and [p.name for p in tmp_path.iterdir()] == [out.name]


# -- board --into ----------------------------------------------------------------------------------
def board_into(target: Path, *extra: str):
    return CliRunner().invoke(app, ["board", str(SAMPLE), SCENARIO, "--into", str(target),
                                    "--created", "07/12/2026", *extra])


def test_into_writes_the_real_file_behind_a_link_and_keeps_the_users_copy(tmp_path):
    import openpyxl

    real = tmp_path / "echt" / "plan.xlsx"
    real.parent.mkdir()
    shutil.copyfile(SAMPLE, real)
    link = tmp_path / "plan.xlsx"
    link.symlink_to(real)
    result = board_into(link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "W13 Overzicht" in sheet_names(real)
    # the user copies the overview (Excel names the copy 'W13 Overzicht (2)'; it carries A2 along)
    wb = openpyxl.load_workbook(real)
    copy = wb.copy_worksheet(wb["W13 Overzicht"])
    copy.title = "W13 Overzicht (2)"
    copy["B1"] = "mijn notities"
    wb.save(real)
    result = board_into(link)
    assert result.exit_code == 0, result.output
    assert "W13 Overzicht (2)" in sheet_names(real)  # the user's copy is the user's
    assert "verwijderd" not in result.stdout
    wb = openpyxl.load_workbook(real)
    assert wb["W13 Overzicht (2)"]["B1"].value == "mijn notities"


def test_an_old_marker_on_a_copy_is_not_owned():
    """Sheets written before the marker named its sheet: owned, except a copy's name ('... (2)')."""
    from w13xl.board.base import MARKER_TEXT
    from w13xl.board.writeback import _owned

    grid = [["titel"], [MARKER_TEXT]]
    assert _owned("W13 Overzicht", grid)
    assert not _owned("W13 Overzicht (2)", grid)
    named = [["titel"], [f"{MARKER_TEXT} (blad 'W13 Overzicht')"]]
    assert _owned("W13 Overzicht", named)
    assert not _owned("W13 Overzicht (2)", named) and not _owned("W13 Ander", named)


def test_into_refuses_a_hard_link(tmp_path):
    target = tmp_path / "plan.xlsx"
    shutil.copyfile(SAMPLE, target)
    os.link(target, tmp_path / "tweede naam.xlsx")
    before = target.read_bytes()
    err = fout(board_into(target))
    assert f"{target}: het bestand heeft 2 namen (een harde koppeling)" in err
    assert target.read_bytes() == before


def test_into_refuses_a_workbook_open_in_libreoffice(tmp_path):
    target = tmp_path / "plan.xlsx"
    shutil.copyfile(SAMPLE, target)
    (tmp_path / ".~lock.plan.xlsx#").write_text(",gebruiker,pc,07.12.2026 10:00,file:///\n")
    before = target.read_bytes()
    err = fout(board_into(target))
    assert "het bestand is open in LibreOffice (slotbestand .~lock.plan.xlsx#)" in err
    assert target.read_bytes() == before


def test_into_refuses_to_replace_a_file_saved_during_the_run(tmp_path, monkeypatch):
    import w13xl.board.writeback as writeback

    target = tmp_path / "plan.xlsx"
    shutil.copyfile(SAMPLE, target)
    import openpyxl

    sheets_before = openpyxl.load_workbook(target, read_only=True).sheetnames
    original = writeback.build_board_workbook

    def user_saves_meanwhile(*args, **kwargs):
        import openpyxl

        wb = openpyxl.load_workbook(target)
        wb["Toelichting"]["A9"] = "opgeslagen tijdens de berekening"
        wb.save(target)
        return original(*args, **kwargs)

    monkeypatch.setattr(writeback, "build_board_workbook", user_saves_meanwhile)
    err = fout(board_into(target))
    assert f"{target}: het bestand is gewijzigd sinds w13xl het las" in err
    import openpyxl

    wb = openpyxl.load_workbook(target)  # the user's save is kept, nothing of w13xl written
    assert wb["Toelichting"]["A9"].value == "opgeslagen tijdens de berekening"
    # nothing of w13xl written: the sample's own sheets (its 'W13 Formules' and 'W13 Lijsten' too), no more
    assert wb.sheetnames == sheets_before


if sys.platform == "win32":  # pragma: no cover
    pytestmark = pytest.mark.skip("links and lock files are tested on POSIX")
