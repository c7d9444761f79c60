"""Every message is Dutch at source (issue 19): one structured error type, one catalogue, no
translation of English afterwards, Dutch help; and a scan of every error, warning and ``--help``
output of the corpus for English words."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from w13xl.cli import COMMAND_MODULES, app
from w13xl.errors import InputError, InputWarning, RowError

sys.path.insert(0, str(Path(__file__).resolve().parent / "corpus"))
from build import CASES, SAMPLE

runner = CliRunner()

#: English words and phrases that must not appear in anything a user reads (whole words,
#: case-insensitive), after option names, identifiers with '_' and paths are taken out.
ENGLISH = ("expected", "sheet", "cell", "row", "key", "usage", "options", "show this message", "input should be",
           "must", "invalid", "not found", "missing", "the", "is read as", "error", "try", "no such", "unknown",
           "aborted", "arguments", "commands", "default", "required", "possible options", "did you mean",
           "got unexpected", "value error", "field required", "is not", "does not", "cannot", "could not",
           "file", "folder", "workbook", "damaged", "nothing was", "only", "and", "or", "of the", "with", "for")
_WORDS = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in ENGLISH) + r")(?![\w-])", re.IGNORECASE)


def english_words(text: str, *paths: Path) -> list[str]:
    """The English words in ``text`` (a user's output), leaving out what is not prose: paths,
    option names (--accounts-sheet), identifiers (override_bounds, keep_staff), quoted input."""
    for p in paths:
        text = text.replace(str(p), " ")
    text = re.sub(r"\bexcel workbook\b|│ workbook ", " ", text)  # the command 'w13xl excel workbook'
    text = re.sub(r"(?<!\w)--?[\w-]+", " ", text)            # options: --out, -o, --accounts-sheet
    text = re.sub(r"\b\w+_\w+\b", " ", text)                 # identifiers: override_bounds, w13xl_x
    text = re.sub(r"\S+\.(xlsx|xlsm|xls|toml|csv|json|pdf|xml)\b", " ", text)  # file names
    text = re.sub(r"'[^'\n]*'", " ", text)                   # what the user typed, quoted
    return sorted({m.group(1).lower() for m in _WORDS.finditer(text)})


def test_the_scan_finds_english():
    """The scan is not vacuous: typer's and pydantic's English, and the former messages, are found."""
    assert english_words("Usage: w13xl m2 [OPTIONS]") == ["options", "usage"]
    assert english_words("Show this message and exit.") == ["and", "show this message"]
    assert english_words("x.xlsx, sheet 'Synthese', cell G1: the header is not a whole year (expected a year)") \
        == ["cell", "expected", "is not", "sheet", "the"]
    assert english_words("Input should be a valid dictionary") == ["input should be"]
    assert english_words("x.xlsx, blad 'Synthese', cel G1: de kop is geen heel jaar (verwacht: een jaar)") == []


# -- the structured error type --------------------------------------------------------------
def test_an_error_keeps_its_place_in_fields_and_says_it_in_dutch():
    e = InputError("de kop 2026.5 is geen heel jaar", file="x.xlsx", sheet="Synthese", cell="G1",
                   expected="een jaar zoals 2026")
    assert str(e) == "x.xlsx, blad 'Synthese', cel G1: de kop 2026.5 is geen heel jaar (verwacht: een jaar zoals 2026)"
    assert str(InputError("geen kopregel", file="x.xlsx", sheet="S", row=7)) == "x.xlsx, blad 'S', rij 7: geen kopregel"
    assert str(InputError("onbekende sleutel", file="s.toml", key="changes[0].pct")) == \
        "s.toml, sleutel changes[0].pct: onbekende sleutel"
    assert str(InputWarning("bedrag als tekst", "x.xlsx", "S", "B3")) == "x.xlsx, blad 'S', cel B3: bedrag als tekst"


def test_catalogue_messages_carry_their_id_and_parameters():
    from w13xl.messages import msg

    e = InputError(msg("amount.text", value="veel"), file="x.xlsx", sheet="S", cell="E3",
                   expected=msg("expected.amount"))
    assert e.id == "amount.text" and e.params == {"value": "veel"}
    assert e.message == "tekst 'veel' in een bedragcel"
    assert e.at(file="y.xlsx").id == "amount.text"  # kept when the place is filled in


def test_the_workbook_loader_turns_row_and_column_into_a_cell_without_reading_the_text():
    """The roster reader says row 3 (from its header) and column 'vte'; the loader makes it cell F5
    of the sheet whose header is on row 3 (2 + 3 = row 5, vte in the sixth column)."""
    from w13xl.scenario.loader import _sheet_error

    exc = RowError("positie P02: vte: geen getal: 'veel'", row=3, column="vte", col=5)
    err = _sheet_error(exc, "x.xlsx", "Personeel", 2)
    assert (err.sheet, err.cell, err.row) == ("Personeel", "F5", 5)
    assert str(err) == "x.xlsx, blad 'Personeel', cel F5: positie P02: vte: geen getal: 'veel'"


def test_the_regular_expression_translation_is_gone():
    import w13xl.excel.core as core

    assert not hasattr(core, "_DUTCH") and not hasattr(core, "dutch")
    assert not hasattr(__import__("w13xl.scenario.loader", fromlist=["x"]), "_message_column")


def test_an_excel_cell_shows_the_same_text_as_the_command_line():
    from w13xl.excel.core import error_text

    e = InputError("onbekende richting 'X'", sheet="Budget", cell="C4", expected="O of U")
    assert error_text(e) == "#W13: argument budget, cel C4 van het bereik: onbekende richting 'X' (verwacht: O of U)"
    assert error_text(InputError("geen kopregel", sheet="Budget", row=2)) == \
        "#W13: argument budget, rij 2 van het bereik: geen kopregel"


# -- pydantic: from errors(), never its English text ----------------------------------------
@pytest.mark.parametrize(("toml", "fragment"), [
    ('changes = 5\n', "verwacht een lijst"),
    ('title = "x"\n[[changes]]\ntype = "fte"\nposition = "P01"\nfte = "veel"\ndate = 2027-01-01\n', "geen getal"),
    ('title = "x"\n[[changes]]\ntype = "fte"\nposition = "P01"\nfte = 1\n', "verplicht veld ontbreekt"),
    ('title = "x"\n[[changes]]\ntype = "raar"\n', "onbekend soort wijziging"),
    ('title = "x"\n[[changes]]\ntype = "fte"\nposition = "P01"\nfte = 1\ndate = "gisteren"\n', "geen geldige datum"),
    ('title = "x"\nextends = 5\n', "verwacht tekst"),
    ('title = "x"\n[[changes]]\ntype = "subsidy_end"\nsubsidy = "SUB-PACT"\ndate = 2028-12-31\npolicy = "keep"\n',
     "'keep' bestaat niet meer"),
    ('title = "x"\n[[changes]]\ntype = "subsidy_end"\nsubsidy = "SUB-PACT"\ndate = 2028-12-31\npolicy = "weg"\n',
     "verwacht een van: 'stop', 'keep_staff', 'keep_project' of 'share'"),
])
def test_pydantic_errors_are_rendered_in_dutch(toml, fragment, tmp_path):
    from w13xl.scenario.spec import load_scenario_file

    path = tmp_path / "s.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_scenario_file(path)
    text = str(info.value)
    assert fragment in text, text
    assert english_words(text, tmp_path) == [], text


def test_every_pydantic_error_type_has_a_dutch_text():
    """The types w13xl's scenario and uncertainty models can raise (pydantic-core's list)."""
    from w13xl.messages import PYDANTIC, pydantic_message

    for kind in ("missing", "extra_forbidden", "dict_type", "list_type", "string_type", "int_parsing",
                 "float_parsing", "bool_parsing", "greater_than_equal", "less_than_equal", "literal_error",
                 "date_parsing", "date_from_datetime_inexact", "finite_number", "union_tag_invalid"):
        assert kind in PYDANTIC
    assert pydantic_message({"type": "less_than_equal", "ctx": {"le": 1.5}}) == "mag hoogstens 1.5 zijn"
    assert pydantic_message({"type": "literal_error", "ctx": {"expected": "'a' or 'b'"}}) == \
        "verwacht een van: 'a' of 'b'"


# -- help -----------------------------------------------------------------------------------
def test_the_compiled_catalogue_matches_the_table():
    """w13xl/locale/nl/LC_MESSAGES/w13xl.mo is TYPER_NL compiled (python -m w13xl.cli._i18n)."""
    import gettext

    from w13xl.cli._i18n import MO_FILE, mo_bytes
    from w13xl.messages import TYPER_NL

    assert MO_FILE.read_bytes() == mo_bytes(TYPER_NL)
    with MO_FILE.open("rb") as fh:
        t = gettext.GNUTranslations(fh)
    assert t.gettext("Options") == "Opties" and t.gettext("[required]") == "[verplicht]"


def _help_commands() -> list[list[str]]:
    return [[], *([name] for name in COMMAND_MODULES), ["excel", "workbook"]]


@pytest.mark.parametrize("command", _help_commands(), ids=lambda c: " ".join(c) or "w13xl")
def test_help_is_dutch_throughout(command):
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Gebruik: w13xl" in result.output and "Toon deze hulp en stop." in result.output
    assert english_words(result.output) == [], result.output


@pytest.mark.parametrize(("args", "fragment"), [
    (["m2"], "Ontbrekend argument 'WERKBOEK'."),
    (["m2", str(SAMPLE), "--bogus"], "Onbekende optie: --bogus"),
    (["m2", str(SAMPLE), "--out"], "Optie --out vraagt een waarde."),
    (["m2", str(SAMPLE), "extra"], "Onverwacht(e) extra argument(en) (extra)"),
    (["m2x"], "Onbekend commando 'm2x'. Bedoelde u 'm2'?"),
    (["simulate", str(SAMPLE), "--paths", "0"],
     "Ongeldige waarde voor '--paths' / '-n': verwacht een geheel getal ≥ 1"),
    (["m2", str(SAMPLE), "--opening-reserve", "veel"], "'veel' is geen bedrag"),
])
def test_usage_errors_are_dutch(args, fragment):
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 2
    out = " ".join(result.output.replace("│", " ").split())
    assert fragment in out, out
    assert "Hulp: 'w13xl" in out
    assert english_words(out, SAMPLE) == [], out


# -- the corpus -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(CASES))
def test_no_english_in_any_corpus_output(name, tmp_path):
    """Every error (exit 2), warning and output of the bad-input corpus, scanned for English."""
    args = CASES[name].build(tmp_path)
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    text = result.stderr + (result.stdout if result.exit_code == 0 else "")
    assert english_words(text, tmp_path, SAMPLE.parent.parent) == [], text


def test_warnings_are_dutch(tmp_path):
    """A warning (an amount stored as text) and the command's output, scanned for English."""
    import openpyxl

    wb = openpyxl.load_workbook(SAMPLE)
    wb["Synthese"].cell(2, 7).value = "1.234,56"
    path = tmp_path / "tekst.xlsx"
    wb.save(path)
    result = runner.invoke(app, ["m2", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Waarschuwing:" in result.stderr and "bedrag als tekst '1.234,56'" in result.stderr
    assert english_words(result.stderr, tmp_path) == [], result.stderr
