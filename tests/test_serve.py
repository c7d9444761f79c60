"""``w13xl serve`` over real HTTPS: xlwings Server (xlwings-server from PyPI) started on
127.0.0.1 (a free port) in a separate process, over HTTPS,
driven with the request bodies the xlwings Server 1.20 Office.js client sends
(``static/js/custom-functions/custom-functions-code.js`` for function calls,
``static/js/custom-scripts/index.js`` for script calls). The server is stopped at the end of
the module. The README's commands (team server behind a proxy: `--http --hostname`, the
manifest for a host name) are run by tests/test_readme_excel.py.

Expected figures: the reserve (gecumuleerd budgettair resultaat, line VII) per year as schema M2
of the meerjarenplan prints it, in whole euros (tests/helpers.PLAN_GBR, domain.md), and to the
cent the 454,275.79 of 2031 that issue 11 observed over xlwings Server (the plan's reserve table
prints 454.275,77: its cents come from rounded intermediate figures).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import ssl
import subprocess
import sys
import time
import uuid
from pathlib import Path
from xml.etree import ElementTree

import httpx
import openpyxl
import pytest
import xlwings as xw
from typer.testing import CliRunner

import xlwings.server

from helpers import PLAN_GBR, stop_process
from issuer import TestIssuer
from w13xl.cli import app
from w13xl.excel import functions as F
from w13xl.server import MANIFEST_ID

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "w13-mjp-2026-2031.xlsx"
TEN = ["W13.AFM", "W13.BBR", "W13.DOELZOEKEN", "W13.INDEXEER", "W13.KANS", "W13.LOONKOST", "W13.M2",
       "W13.NORMEN", "W13.RESERVE", "W13.SCENARIO"]
SESSION = str(uuid.uuid4())


def w13xl_command() -> list[str]:
    """The installed console script (what `uv run w13xl` runs), else the same entry point."""
    script = Path(sys.executable).with_name("w13xl.exe" if os.name == "nt" else "w13xl")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from w13xl._entry import main; sys.argv[0] = 'w13xl'; main()"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running(args: list[str], port: int, log: Path, *, scheme: str = "https", ca: Path | None = None,
            wait_for: Path | None = None, extra_env: dict[str, str] | None = None,
            headers: dict[str, str] | None = None):
    """`w13xl serve ARGS` in its own process until the block ends; yields an httpx client
    (sending ``headers`` with every request, e.g. a test token)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XLWINGS_", "W13XL_"))}
    env["XLWINGS_LICENSE_KEY"] = "noncommercial"  # README, "Licentie"
    env.update(extra_env or {})
    with open(log, "wb") as out:
        proc = subprocess.Popen([*w13xl_command(), "serve", "--host", "127.0.0.1", "--port", str(port), *args],
                                env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"{scheme}://127.0.0.1:{port}"
    client = None
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"w13xl serve stopped: {log.read_text(errors='replace')}")
            if client is None and (wait_for is None or wait_for.exists()):
                verify = ssl.create_default_context(cafile=str(ca)) if ca else True
                client = httpx.Client(base_url=base, verify=verify, timeout=60, headers=headers)
            if client is not None:
                try:
                    if client.get("/").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
            if time.monotonic() > deadline:
                pytest.fail(f"w13xl serve did not answer: {log.read_text(errors='replace')}")
            time.sleep(0.3)
        yield client
    finally:
        if client is not None:
            client.close()
        stop_process(proc)


def own_certificate(folder):
    """A certificate for 127.0.0.1 from a throw-away CA (trustme): (cert, key, ca file) in ``folder``."""
    import trustme

    ca = trustme.CA()
    leaf = ca.issue_cert("127.0.0.1")
    cert, key, ca_file = folder / "cert.pem", folder / "key.pem", folder / "ca.pem"
    cert.write_bytes(b"".join(b.bytes() for b in leaf.cert_chain_pems))
    leaf.private_key_pem.write_to_path(str(key))
    ca.cert_pem.write_to_path(str(ca_file))
    return cert, key, ca_file


@pytest.fixture(scope="module")
def issuer():
    """Signs Entra ID test tokens with a locally generated RSA key (tests/issuer.py)."""
    return TestIssuer()


@pytest.fixture(scope="module")
def server(tmp_path_factory, issuer):
    """(base url, httpx client trusting the CA and sending a test token); the server stops
    afterwards. Sign-in with Entra ID is on: the server checks the tokens against the test
    key's public key set (W13XL_ENTRAID_JWKS_FILE) with xlwings Server's own validation. The
    certificate is given with --cert/--key (a team server's way); the development certificate
    that `w13xl serve` makes itself is exercised by test_own_certificate's neighbours below."""
    folder = tmp_path_factory.mktemp("certs")
    cert, key, ca_file = own_certificate(folder)
    jwks = issuer.write_jwks(folder / "jwks.json")
    port = free_port()
    log = tmp_path_factory.mktemp("log") / "server.log"
    data = tmp_path_factory.mktemp("data")
    # the shipped scenarios, plus traps for the bad-call corpus: a symlink loop, a link out of the
    # folder, a folder named like a file, a file that is not UTF-8
    scenarios = tmp_path_factory.mktemp("scenarios")
    for toml in (ROOT / "scenarios").glob("*.toml"):
        (scenarios / toml.name).write_bytes(toml.read_bytes())
    (scenarios / "lus.toml").symlink_to(scenarios / "lus.toml")
    (scenarios / "buiten.toml").symlink_to(ROOT / "pyproject.toml")
    (scenarios / "map.toml").mkdir()
    (scenarios / "binair.toml").write_bytes(b"\xff\xfe\x00title = 1")
    with running(["--cert", str(cert), "--key", str(key), "--scenarios", str(scenarios),
                  "--data", str(data)], port, log, ca=ca_file, extra_env=issuer.environment(jwks),
                 headers={"Authorization": issuer.token("Els Peeters")}) as client:
        client.ca_file = ca_file  # type: ignore[attr-defined]
        yield f"https://127.0.0.1:{port}", client


# -- the bodies the Office.js client sends ------------------------------------------------------
def cell_for_function(v):
    """A cell inside a range argument of a custom function: empty -> null, dates as serials."""
    if isinstance(v, dt.datetime):
        v = v.date()
    if isinstance(v, dt.date):
        return (v - dt.date(1899, 12, 30)).days
    return v


def cell_for_script(v):
    """A cell in a script call's book: empty -> "", dates as ISO strings (convertDateValues)."""
    if isinstance(v, dt.datetime):
        v = v.date()
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day).isoformat(timespec="milliseconds") + "Z"
    return "" if v is None else v


@pytest.fixture(scope="module")
def sheets():
    wb = openpyxl.load_workbook(SAMPLE, data_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] or [[None]] for ws in wb.worksheets}


def function_body(func_name: str, args: list) -> dict:
    return {
        "client": "Office.js",
        "func_name": func_name,
        "args": args,
        "caller_address": "[w13-mjp-2026-2031.xlsx]Blad1!B2",
        "session_id": SESSION,
        "culture_info_name": "nl-BE",
        "date_format": "d/mm/yyyy",
        "version": xw.__version__,
        "runtime": "1.4",
    }


def rng(grid):
    return [[cell_for_function(v) for v in row] for row in grid]


def script_body(sheets: dict) -> dict:
    body_sheets = []
    for name, grid in sheets.items():
        values = [[cell_for_script(v) for v in row] for row in grid]
        rows, cols = len(values), max(len(r) for r in values)
        body_sheets.append({
            "name": name, "visibility": "Visible", "show_gridlines": True, "print_area": None,
            "notes": [], "notes_supported": True,
            "used_range_address": f"A1:{openpyxl.utils.get_column_letter(cols)}{rows}",
            "used_range_row_count": rows, "used_range_column_count": cols,
            "values": values, "pictures": [], "shapes": [], "charts": [], "tables": [], "pivot_tables": [],
        })
    return {"client": "Office.js", "version": xw.__version__,
            "book": {"name": SAMPLE.name, "active_sheet_index": 0, "selection": "A1", "calculation": "Automatic"},
            "sheets": body_sheets, "names": []}


# -- tests --------------------------------------------------------------------------------------
def test_meta_lists_the_ten_functions_as_w13_with_dutch_help(server):
    _, client = server
    response = client.get("/xlwings/custom-functions-meta.json")
    assert response.status_code == 200
    functions = {f["name"]: f for f in response.json()["functions"]}
    assert set(TEN) <= set(functions)  # W13.M2, not XLWINGS.W13.M2 or XLWINGS_DEV.W13.M2
    # every function of w13xl.excel.functions is served, with the same registration
    local = xlwings.server.custom_functions_meta(F)["functions"]
    assert response.json()["functions"] == local
    assert all(name.startswith("W13.") for name in functions)
    m2 = functions["W13.M2"]
    assert m2["description"].startswith("Schema M2 (staat van het financieel evenwicht)")
    assert m2["parameters"][0]["description"].startswith("Bereik van het begrotingsblad")
    assert functions["W13.RESERVE"]["description"].startswith("Gecumuleerd budgettair resultaat")
    for f in functions.values():
        assert f["description"] and f["result"]["dimensionality"] == "matrix"
        assert all(p.get("description") for p in f["parameters"]), f["name"]


def test_reserve_2031_over_https(server, sheets):
    _, client = server
    body = function_body("w13_reserve", [rng(sheets["Synthese"]), rng(sheets["Parameters"]), None])
    response = client.post("/xlwings/custom-functions-call", json=body)
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert result[0] == ["Jaar", "Gecumuleerd budgettair resultaat"]
    by_year = {row[0]: row[1] for row in result[1:]}
    assert sorted(by_year) == list(range(2026, 2032))
    # the plan prints whole euros of its own rounded figures (test_m2: within 2 euro)
    assert [by_year[y] for y in range(2026, 2032)] == pytest.approx(PLAN_GBR, abs=2.0)
    assert round(by_year[2031], 2) == 454275.79


def test_kans_is_a_2d_range_over_http(server, sheets):
    _, client = server
    others = [rng(sheets[n]) for n in ("Parameters", "Personeel", "Weddeschalen", "Subsidies", "Indexering")]
    body = function_body("w13_kans", [rng(sheets["Synthese"]), None, [["afm"]], [[50]], [[1]], others])
    result = client.post("/xlwings/custom-functions-call", json=body).json()["result"]
    assert isinstance(result, list) and len(result) == 1 and len(result[0]) == 1
    assert 0.0 <= result[0][0] <= 1.0


def test_scenario_files_only_from_the_scenario_folder(server, sheets):
    _, client = server
    extra = [rng(sheets[n]) for n in ("Parameters", "Personeel", "Weddeschalen", "Subsidies", "Indexering")]
    inside = client.post("/xlwings/custom-functions-call", json=function_body(
        "w13_scenario", [rng(sheets["Synthese"]), [["pact-stopt-2028.toml"]], [["reserve"]], extra])).json()
    assert inside["result"][0] == ["Jaar", "Gecumuleerd budgettair resultaat"]
    for probe in ("../pyproject.toml", str(ROOT / "pyproject.toml")):
        out = client.post("/xlwings/custom-functions-call", json=function_body(
            "w13_scenario", [rng(sheets["Synthese"]), [[probe]], [["M2"]], extra])).json()["result"]
        assert len(out) == 1 and out[0][0].startswith(f"#W13: scenariobestand '{probe}' ligt buiten de scenariomap")


def test_bad_range_gives_a_w13_text(server):
    _, client = server
    out = client.post("/xlwings/custom-functions-call", json=function_body(
        "w13_m2", [[["Actie", "2026"], ["X", "veel"]], None, None])).json()["result"]
    assert out[0][0].startswith("#W13: ")


def test_script_returns_actions_for_the_w13_sheets(server, sheets):
    _, client = server
    meta = client.get("/xlwings/custom-scripts-meta.json").json()
    assert [(m["function_name"], m["name"]) for m in meta] == [("scenarios_doorrekenen", "Scenario's doorrekenen")]
    response = client.post("/xlwings/custom-scripts-call/scenarios_doorrekenen", json=script_body(sheets))
    assert response.status_code == 200, response.text
    actions = response.json()["actions"]
    added = [a["args"][1] for a in actions if a["func"] == "addSheet"]
    assert added[0] == "W13 Overzicht" and len(added) >= 3 and all(n.startswith("W13 ") for n in added)
    assert any(a["func"] == "setValues" for a in actions)
    alert = actions[-1]
    assert alert["func"] == "alert" and "scenario's doorgerekend" in alert["args"][0]


def test_script_on_bad_input_answers_in_dutch(server, sheets):
    """xlwings Server turns the script's XlwingsError into a 400 whose text the client shows."""
    _, client = server
    without = {name: grid for name, grid in sheets.items() if name != "Scenario's"}
    response = client.post("/xlwings/custom-scripts-call/scenarios_doorrekenen", json=script_body(without))
    assert response.status_code == 400
    assert response.text.startswith("Scenario's doorrekenen: de werkmap heeft geen scenario's (blad \"Scenario's\" "
                                    "ontbreekt of is leeg)"), response.text


def test_task_pane_ribbon_and_manifest_are_w13s(server):
    base, client = server
    pane = client.get("/taskpane.html").text
    assert 'xw-click="scenarios_doorrekenen"' in pane and "Scenario's doorrekenen" in pane
    assert "hello_world" not in pane
    assert "/static/js/w13-nl.js" in pane  # the frame's English texts in Dutch
    assert "Opnieuw laden" in client.get("/static/js/w13-nl.js").text
    ribbon = client.get("/static/js/ribbon.js").text
    assert 'scriptName: "scenarios_doorrekenen"' in ribbon and "hello_world" not in ribbon
    manifest = client.get("/manifest").text
    root = ElementTree.fromstring(manifest.encode())  # well-formed XML
    assert root.find("{http://schemas.microsoft.com/office/appforoffice/1.1}Id").text == MANIFEST_ID
    assert f"<Id>{MANIFEST_ID}</Id>" in manifest
    assert f'DefaultValue="{base}/taskpane.html"' in manifest
    assert "<FunctionName>scenarios-doorrekenen</FunctionName>" in manifest
    assert "Functions.Namespace" not in manifest and "[prod]" not in manifest and "hello" not in manifest.lower()


def test_serve_refuses_without_a_licence_key(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("XLWINGS_LICENSE_KEY", raising=False)
    result = CliRunner().invoke(app, ["serve", "--manifest", "m.xml"])
    assert result.exit_code == 2
    assert "Fout: XLWINGS_LICENSE_KEY ontbreekt" in result.output and "PolyForm Noncommercial" in result.output


def test_own_certificate(tmp_path):
    """`w13xl serve --cert FILE --key FILE` serves HTTPS with that certificate."""
    cert, key, ca_file = own_certificate(tmp_path)
    with running(["--anoniem", "--cert", str(cert), "--key", str(key)], free_port(), tmp_path / "log",
                 ca=ca_file) as client:
        assert client.get("/").json() == {"status": "ok"}


@pytest.mark.parametrize("args, fragment", [
    (["--anoniem", "--host", "0.0.0.0", "--hostname", "w13.example.be"],
     "--anoniem --host 0.0.0.0: anoniem gebruik alleen op 127.0.0.1"),
    (["--anoniem", "--host", "192.168.1.20", "--hostname", "w13.example.be", "--http"],
     "--anoniem --host 192.168.1.20: anoniem gebruik alleen op 127.0.0.1"),
    ([], "geen aanmelding ingesteld: zet XLWINGS_AUTH_PROVIDERS"),
    (["--host", "0.0.0.0"], "--host 0.0.0.0: geef --hostname"),
    (["--cert", "c.pem"], "--cert en --key horen samen"),
    (["--anoniem", "--scenarios", "bestaat-niet"], "--scenarios bestaat-niet: die map bestaat niet"),
])
def test_serve_refuses_bad_options(monkeypatch, tmp_path, args, fragment):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    result = CliRunner().invoke(app, ["serve", *args])
    assert result.exit_code == 2 and fragment in result.output, result.output


def test_serve_reads_the_licence_key_from_dot_env(monkeypatch, tmp_path):
    """A .env in the folder where the server starts counts (the environment wins): with the key
    from .env the refusal is about the next thing, the host without a certificate."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("XLWINGS_LICENSE_KEY", raising=False)
    (tmp_path / ".env").write_text('XLWINGS_LICENSE_KEY="noncommercial"\nOTHER=1\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["serve", "--anoniem", "--host", "0.0.0.0", "--hostname", "w13.example.be"])
    assert result.exit_code == 2 and "--anoniem --host 0.0.0.0: anoniem" in result.output, result.output
    from w13xl import server

    env = server.server_environment({"PATH": "/bin"}, dotenv=tmp_path / ".env")
    assert env["XLWINGS_LICENSE_KEY"] == "noncommercial" and "OTHER" not in env


def test_serve_without_the_server_extra_says_so(monkeypatch):
    import w13xl.cli.serve as serve_cli

    monkeypatch.setattr(serve_cli.importlib.util, "find_spec",
                        lambda name, *a: None if name == "xlwings_server" else object())
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2
    assert 'xlwings Server is niet geïnstalleerd (ontbreekt: xlwings_server)' in result.output
    assert 'pip install "w13xl[cli,server]"' in result.output


def test_development_certificate_with_mkcert(tmp_path, monkeypatch):
    """With mkcert on the PATH, w13xl asks it for localhost, 127.0.0.1 and ::1 (its CA is in the
    trust store after `mkcert -install`); a fake mkcert records the call."""
    from w13xl import server

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "mkcert"
    fake.write_text('#!/bin/sh\necho "$@" > "$(dirname "$0")/args"\n'
                    'while [ $# -gt 0 ]; do case "$1" in -cert-file) echo cert > "$2";; -key-file) echo key > "$2";; '
                    'esac; shift; done\n', encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    made = server.development_certificate(tmp_path / "certs")
    assert made.made_by == "mkcert" and made.ca is None
    assert (bin_dir / "args").read_text().split() == ["-cert-file", str(made.certfile), "-key-file", str(made.keyfile),
                                                      "localhost", "127.0.0.1", "::1"]
    again = server.development_certificate(tmp_path / "certs")  # made once, then reused
    assert again.made_by == "bestaand" and again.certfile == made.certfile


def test_development_certificate_with_trustme_is_valid_for_localhost(tmp_path):
    from w13xl import server

    made = server.development_certificate(tmp_path, use_mkcert=False)
    assert made.made_by == "trustme" and made.ca is not None
    context = ssl.create_default_context(cafile=str(made.ca))
    context.load_cert_chain(str(made.certfile), str(made.keyfile))  # key and certificate belong together
    pem = made.certfile.read_text()
    assert pem.startswith("-----BEGIN CERTIFICATE-----")


# -- sign-in (Entra ID, tokens signed with a local test key) -------------------------------------
def test_a_call_without_a_token_is_refused(server, sheets):
    base, client = server
    body = function_body("w13_reserve", [rng(sheets["Synthese"]), rng(sheets["Parameters"]), None])
    with httpx.Client(base_url=base, verify=ssl.create_default_context(cafile=str(client.ca_file))) as bare:
        response = bare.post("/xlwings/custom-functions-call", json=body)
        assert response.status_code == 401
        assert response.text.startswith("Aanmelden: geen geldig token meegestuurd")
        assert bare.get("/xlwings/custom-functions-meta.json").status_code == 200  # registration is public


@pytest.mark.parametrize("change, status, fragment", [
    ({"lifetime": -120}, 401, "het token is niet geldig"),                                   # expired
    ({"audience": "00000000-0000-4000-8000-000000000bad"}, 401, "het token is niet geldig"),  # another app
    ({"tenant_id": "00000000-0000-4000-8000-000000000bad"}, 401, "het token is niet geldig"),  # another tenant
    ({"roles": ()}, 403, "Aanmelden: Jan Janssens heeft de rol W13.Gebruiker niet"),
    ({"key": "other"}, 401, "het token is niet geldig"),                                     # signed by another key
])
def test_bad_tokens_are_refused(server, issuer, change, status, fragment):
    _, client = server
    if change.get("key") == "other":
        change = {"key": TestIssuer().key}
    token = issuer.token("Jan Janssens", **change)
    response = client.post("/xlwings/custom-functions-call", headers={"Authorization": token},
                           json=function_body("w13_indexeer", [[[1000]], [[2026]], [[2027]], None, None]))
    assert response.status_code == status and fragment in response.text, response.text


def test_a_valid_token_computes(server):
    _, client = server
    # 1000 indexed from 2026 to 2027 at the plan's 2% a year: 1000 x 1,02 = 1020
    out = client.post("/xlwings/custom-functions-call",
                      json=function_body("w13_indexeer", [[[1000]], [[2026]], [[2027]], None, None])).json()
    assert out["result"] == [[pytest.approx(1020.0)]]


def test_manifest_with_entraid_has_web_application_info(server, issuer):
    base, client = server
    root = ElementTree.fromstring(client.get("/manifest").text.encode())
    ns = {"o": "http://schemas.microsoft.com/office/appforoffice/1.1",
          "v": "http://schemas.microsoft.com/office/taskpaneappversionoverrides"}
    info = root.find(".//v:WebApplicationInfo", ns)
    assert info is not None
    assert info.find("v:Id", ns).text == issuer.client_id
    assert info.find("v:Resource", ns).text == f"api://{base.removeprefix('https://')}/{issuer.client_id}"


def test_serve_refuses_the_custom_provider_and_bad_ids(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    monkeypatch.setenv("XLWINGS_AUTH_PROVIDERS", '["custom"]')
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2 and "XLWINGS_AUTH_PROVIDERS: 'custom' wordt niet ondersteund" in result.output
    monkeypatch.setenv("XLWINGS_AUTH_PROVIDERS", '["entraid"]')
    monkeypatch.setenv("XLWINGS_AUTH_ENTRAID_CLIENT_ID", "mijn-app")
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2 and "XLWINGS_AUTH_ENTRAID_CLIENT_ID=mijn-app: geen GUID" in result.output
    monkeypatch.setenv("XLWINGS_AUTH_PROVIDERS", "entraid")
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2 and "XLWINGS_AUTH_PROVIDERS=entraid: geen lijst" in result.output


# -- CORS, request size, heavy calls --------------------------------------------------------------
def test_a_cross_origin_preflight_gets_no_permission(server):
    _, client = server
    for origin in ("https://evil.example", "null"):
        response = client.options("/xlwings/custom-functions-call", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type"})
        assert "access-control-allow-origin" not in response.headers, response.headers
        simple = client.get("/xlwings/custom-functions-meta.json", headers={"Origin": origin})
        assert "access-control-allow-origin" not in simple.headers


def test_serve_refuses_cors_for_every_origin(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    monkeypatch.setenv("XLWINGS_CORS_ALLOW_ORIGINS", '["*"]')
    result = CliRunner().invoke(app, ["serve", "--anoniem"])
    assert result.exit_code == 2 and "XLWINGS_CORS_ALLOW_ORIGINS bevat '*'" in result.output, result.output


def test_a_60_mb_body_gets_413_in_dutch(server):
    _, client = server
    body = b'{"func_name": "w13_m2", "args": [[["' + b"x" * (60 * 1024 * 1024) + b'"]]]}'
    try:
        response = client.post("/xlwings/custom-functions-call", content=body,
                               headers={"Content-Type": "application/json"})
    except httpx.WriteError:  # the server may close before the client has sent it all
        pytest.fail("the server closed the connection without an answer")
    assert response.status_code == 413
    assert response.text.startswith("Het verzoek is te groot: meer dan 20 MB")
    assert client.get("/").status_code == 200  # and the server is fine


def kans_body(sheets, paths, seed=7):
    others = [rng(sheets[n]) for n in ("Parameters", "Personeel", "Weddeschalen", "Subsidies", "Indexering")]
    return function_body("w13_kans", [rng(sheets["Synthese"]), None, [["reserve"]], [[paths]], [[seed]], others])


def test_a_million_paths_is_refused_at_once(server, sheets):
    _, client = server
    started = time.monotonic()
    out = client.post("/xlwings/custom-functions-call", json=kans_body(sheets, 1_000_000)).json()["result"]
    assert out == [["#W13: paden: 1.000.000 is meer dan de grens van 100.000 paden per berekening "
                    "(verwacht: hoogstens 100.000 paden (meer: w13xl simulate op de pc))"]]
    assert time.monotonic() - started < 5


def test_other_requests_answer_while_a_heavy_call_runs(server, sheets):
    """The largest allowed W13.KANS (100.000 paths) runs in the heavy pool; meanwhile the health
    check and a light function answer in under 100 ms each."""
    import threading

    base, client = server
    done = {}

    def heavy():
        with httpx.Client(base_url=base, verify=ssl.create_default_context(cafile=str(client.ca_file)),
                          headers=client.headers, timeout=120) as other:
            started = time.monotonic()
            # the largest allowed call, several times with other seeds (nothing cached): on an idle
            # machine one call takes well under a second, too short to sample the light requests
            for seed in range(7, 17):
                done["result"] = other.post("/xlwings/custom-functions-call",
                                            json=kans_body(sheets, 100_000, seed)).json()
            done["seconds"] = time.monotonic() - started

    light = function_body("w13_indexeer", [[[1000]], [[2026]], [[2027]], None, None])
    calls = (lambda: client.get("/"), lambda: client.post("/xlwings/custom-functions-call", json=light))

    def worst_of(rounds, keep_going=lambda: True):
        worst, samples = 0.0, 0
        while keep_going() and samples < rounds:
            for call in calls:
                started = time.monotonic()
                assert call().status_code == 200
                worst = max(worst, time.monotonic() - started)
            samples += 1
            time.sleep(0.05)
        return worst, samples

    worst_of(2)  # warm (imports, caches)
    # control: the same requests without a heavy call, to tell this machine's own noise (a shared
    # 2-core machine) from a server that waits for the heavy call (seconds)
    control, _ = worst_of(10)
    thread = threading.Thread(target=heavy)
    thread.start()
    time.sleep(0.3)  # the heavy call is under way
    worst, samples = worst_of(40, thread.is_alive)
    thread.join()
    assert samples >= 3, f"the heavy call took only {done['seconds']:.2f} s"
    assert worst < max(0.1, 2 * control), (f"a light request took {worst * 1000:.0f} ms while W13.KANS ran "
                                           f"(without it: {control * 1000:.0f} ms)")
    probability = done["result"]["result"][0][0]
    assert isinstance(probability, float) and 0.0 <= probability <= 1.0


# -- manifest and task pane ----------------------------------------------------------------------
def test_manifest_urls_never_come_from_the_host_header(server):
    base, client = server
    for headers in ({"Host": "evil.example"}, {"Host": "evil.example", "X-Forwarded-Host": "evil.example",
                                              "X-Forwarded-Proto": "http"}):
        manifest = client.get("/manifest", headers=headers).text
        assert "evil.example" not in manifest
        assert f'DefaultValue="{base}/taskpane.html"' in manifest  # --hostname absent: the loopback address


def test_task_pane_outside_excel_says_what_it_is_without_reloading(server):
    import json
    import re

    _, client = server
    pane = client.get("/taskpane.html").text
    assert "/static/js/w13-buiten-excel.js" in pane
    assert 'id="w13-buiten-excel" hidden' in pane
    assert "Dit is het taakvenster van de <b>W13-invoegtoepassing</b> voor Excel" in pane
    assert '<a href="/manifest.xml">/manifest.xml</a>' in pane and "Een aangepaste invoegtoepassing uploaden" in pane
    config = json.loads(re.search(r'<script id="config" type="application/json">(.*?)</script>', pane, re.S).group(1))
    assert config["taskpaneReloadAttempts"] == 0  # xlwings' automatic reloads are off
    script = client.get("/static/js/w13-buiten-excel.js").text
    assert "_host_Info" in script and 'sessionStorage.setItem("xlwingsTaskpaneReloadCount"' in script


def test_task_pane_has_the_library(server):
    _, client = server
    pane = client.get("/taskpane.html").text
    assert "/static/js/w13-bibliotheek.js" in pane
    for element in ("w13-bib-lijst", "w13-bib-openen", "w13-bib-opslaan", "w13-bib-indienen", "w13-bib-goedkeuren",
                    "w13-bib-besluitdatum", "w13-bib-besluitref", "w13-bib-toml"):
        assert f'id="{element}"' in pane, element
    script = client.get("/static/js/w13-bibliotheek.js").text
    # the endpoints of w13xl.server.library_api, with the functions' sign-in
    for path in ('"/scenarios"', "/versies/${latest.versie}", "/indienen`", "/goedkeuren`", "globalThis.getAuth"):
        assert path in script, path


def test_task_pane_library_script_against_the_server(server, issuer):
    """The task pane's library script itself (Node, with a stand-in page and the real server):
    save, submit, list, open; approving without the approver role shows the server's refusal."""
    import json
    import shutil

    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js ontbreekt: het taakvensterscript wordt alleen statisch gecontroleerd")
    base, client = server
    toml = (ROOT / "scenarios" / "pact-stopt-2028.toml").read_text(encoding="utf-8")
    script = ROOT / "w13xl" / "server" / "project" / "static" / "js" / "w13-bibliotheek.js"
    done = subprocess.run([node, str(ROOT / "tests" / "taskpane_library.cjs"), str(script), base,
                           issuer.token("Els Peeters"), toml], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "NODE_EXTRA_CA_CERTS": str(client.ca_file)})
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["saved"] == "Opgeslagen als uit-taakvenster@1 (concept)."
    assert out["submitted"] == "uit-taakvenster@1 ingediend (nagezien)."
    assert out["opened"].startswith("uit-taakvenster@1 geopend (nagezien, Els Peeters <els.peeters@w13.example.be>)")
    assert out["toml"] == toml
    assert out["refused"].startswith("goedkeuren vraagt de rol W13.Goedkeurder")
    assert "uit-taakvenster: v1 nagezien" in out["list"]


def test_manifest_for_this_pc_without_sign_in_and_refused_for_a_host_name(monkeypatch, tmp_path):
    """A manifest for 127.0.0.1 (the anonymous laptop server) needs no sign-in settings; one for
    a host name others reach does, so that it carries WebApplicationInfo."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    monkeypatch.setenv("HOME", str(tmp_path))
    result = CliRunner().invoke(app, ["serve", "--hostname", "w13.example.be", "--manifest", "m.xml"])
    assert result.exit_code == 2 and "geen aanmelding ingesteld" in result.output, result.output
    assert not (tmp_path / "m.xml").exists()
