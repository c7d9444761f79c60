"""The bad-call corpus over HTTPS: no answer of the W13 server, in a cell or as a refused request,
shows a path of the server, a Python exception name, an errno or a stack.

Every W13 function is called with malformed arguments (wrong types, error values, huge and
negative numbers, NUL bytes, 300-character names, path tricks, a symlink loop and a link out of
the scenario folder, a folder and a binary file named .toml); then malformed requests (no JSON,
unknown function, wrong argument count, wrong shapes). Uses the signed-in server of
tests/test_serve.py."""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

import pytest
from test_serve import ROOT, function_body, issuer, rng, server, sheets  # noqa: F401 - fixtures

#: Folders of this server (the caller's own input, e.g. C:\Windows or /etc/passwd, may be echoed)
SERVER_FOLDERS = sorted({str(ROOT), tempfile.gettempdir(), str(Path.home()), sys.prefix, sys.base_prefix,
                         os.getcwd(), "site-packages", ".venv"}, key=len, reverse=True)
LEAKS = [
    (re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception|Warning)\b"), "an exception name"),
    (re.compile(r"Traceback|File \""), "a stack"),
    (re.compile(r"Errno|errno"), "an errno"),
    (re.compile("|".join(re.escape(f) for f in SERVER_FOLDERS)), "a path of the server"),
    (re.compile(r"\.py\b"), "a Python file"),
]


def leaks(text: str) -> list[str]:
    return [what for pattern, what in LEAKS if pattern.search(text)]


def cells(result) -> list[str]:
    if isinstance(result, list):
        return [str(v) for row in result for v in (row if isinstance(row, list) else [row])]
    return [str(result)]


LONG = "s" * 300
NAMES = [LONG, LONG + ".toml", "lus.toml", "buiten.toml", "map.toml", "binair.toml", "a\x00b.toml",
         "../pyproject.toml", "..\\..\\pyproject.toml", "/etc/passwd", "/etc/passwd.toml", "~/.bashrc.toml",
         "C:\\Windows\\win.ini", "bestaat-niet.toml", "%2e%2e/x.toml", "x" * 5000 + ".toml", "*.toml", ""]
BAD = [None, [[None]], [[""]], [[{"type": "Error", "errorType": "Ref"}]], [["veel"]], [[1e308]], [[-1]],
       [[float("1e20")]], [[True]], [["\x00"]], [[LONG]], [[[1, 2]]], "tekst", 12, {"a": 1}]


def corpus(sheets):  # noqa: F811 - the fixture's value
    extra = [rng(sheets[n]) for n in ("Parameters", "Personeel", "Weddeschalen", "Subsidies", "Indexering")]
    budget = rng(sheets["Synthese"])
    calls = []
    for name in NAMES:
        calls.append(("w13_scenario", [budget, [[name]], [["reserve"]], extra]))
        calls.append(("w13_kans", [budget, [[name]], [["reserve"]], [[100]], [[1]], extra]))
        calls.append(("w13_doelzoeken", [budget, [[name]], [["bijdrage"]], None, extra]))
    for bad in BAD:
        calls += [("w13_m2", [bad, None, None]), ("w13_reserve", [budget, bad, None]),
                  ("w13_normen", [budget, None, bad]), ("w13_indexeer", [bad, [[2026]], bad, bad, bad]),
                  ("w13_loonkost", [bad, bad, [[1]], [[2027]], bad]),
                  ("w13_scenario", [budget, [["pact-stopt-2028.toml"]], bad, [bad]]),
                  ("w13_kans", [budget, None, bad, bad, bad, extra]),
                  ("w13_doelzoeken", [budget, None, bad, bad, extra]),
                  ("w13_schema", [budget, bad, [bad]])]
    return calls


def test_no_cell_of_the_bad_call_corpus_leaks(server, sheets):  # noqa: F811
    _, client = server
    seen = 0
    for func, args in corpus(sheets):
        response = client.post("/xlwings/custom-functions-call", json=function_body(func, args))
        text = response.text
        assert not leaks(text), (func, args if len(str(args)) < 300 else "...", leaks(text), text[:500])
        if response.status_code == 200:
            for cell in cells(response.json()["result"]):
                assert not leaks(cell), (func, cell)
            seen += 1
        else:
            assert response.status_code == 400, (func, response.status_code, text[:300])
    assert seen > 100


def test_the_300_character_name_and_the_symlink_loop_say_what_is_wrong(server, sheets):  # noqa: F811
    _, client = server
    extra = [rng(sheets[n]) for n in ("Parameters", "Personeel", "Weddeschalen", "Subsidies", "Indexering")]
    out = {}
    for name in (LONG + ".toml", "lus.toml", "buiten.toml"):
        body = function_body("w13_scenario", [rng(sheets["Synthese"]), [[name]], [["reserve"]], extra])
        out[name] = client.post("/xlwings/custom-functions-call", json=body).json()["result"][0][0]
    assert out[LONG + ".toml"] == ("#W13: scenariobestand '" + "s" * 77 + "...' kan niet gelezen worden (verwacht: "
                                   "de naam van een .toml-bestand in de scenariomap, bv. pact-stopt-2028.toml)")
    assert out["lus.toml"] == ("#W13: scenariobestand 'lus.toml' kan niet gelezen worden (verwacht: de naam van een "
                               ".toml-bestand in de scenariomap, bv. pact-stopt-2028.toml)")
    assert out["buiten.toml"].startswith("#W13: scenariobestand 'buiten.toml' ligt buiten de scenariomap")


@pytest.mark.parametrize("body, content_type", [
    (b"{niet json", "application/json"),
    (b"\xff\xfe", "application/json"),
    (b"[]", "application/json"),
    (b'{"func_name": "bestaat_niet", "args": []}', "application/json"),
    (b'{"func_name": "w13_m2"}', "application/json"),
    (b'{"func_name": "w13_m2", "args": "x"}', "application/json"),
    (b'{"func_name": "w13_m2", "args": [1, 2, 3, 4, 5, 6, 7]}', "application/json"),
    (b'{"func_name": ["w13_m2"], "args": []}', "application/json"),
    (b"func_name=w13_m2", "application/x-www-form-urlencoded"),
])
def test_malformed_requests_get_a_dutch_refusal_without_details(server, body, content_type):  # noqa: F811
    _, client = server
    response = client.post("/xlwings/custom-functions-call", content=body, headers={"Content-Type": content_type})
    assert response.status_code in (400, 422), (response.status_code, response.text)
    assert not leaks(response.text), response.text
    assert response.text.startswith(("Het verzoek is ongeldig", "#W13")), response.text
    script = client.post("/xlwings/custom-scripts-call/scenarios_doorrekenen", content=body,
                         headers={"Content-Type": content_type})
    # (a form body makes xlwings Server 1.20 read the stream twice: a 500, with W13's neutral text)
    assert script.status_code in (400, 422, 500) and not leaks(script.text), script.text
    assert script.text.startswith(("Het verzoek is ongeldig", "Interne fout op de W13-server", "Het verzoek bevat "
                                   "geen werkmap")), script.text
