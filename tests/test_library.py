"""The scenario library through HTTP, as the task pane uses it, on a signed-in W13 server:
save, list, open, versions, submit, approve (then locked: editing makes a new concept), the
audit log, W13.SCENARIO resolving a library name; on SQLite from a fresh clone (the server's
data folder, nothing to set up) and on PostgreSQL when W13XL_TEST_DATABASE_URL names one
(.ci/postgres starts one and prints that variable).

Expected figures: a library version holds the text of a shipped scenario file, so W13.SCENARIO
with the library name must give exactly what it gives with that file (same scenario, same
engine): the library must resolve the right version, not compute anything of its own."""

from __future__ import annotations

import os

import httpx
import pytest
from issuer import TestIssuer
from test_serve import ROOT, free_port, function_body, own_certificate, rng, running, sheets  # noqa: F401
from typer.testing import CliRunner

from w13xl.cli import app

PACT = (ROOT / "scenarios" / "pact-stopt-2028.toml").read_text(encoding="utf-8")
SCHOK = (ROOT / "scenarios" / "indexschok-2027.toml").read_text(encoding="utf-8")
PG_ENV = "W13XL_TEST_DATABASE_URL"


def fresh_postgres(url: str) -> str:
    """``url`` with the library's tables dropped (a fresh database as far as the library goes)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text("DROP TABLE IF EXISTS audit_log, scenario_version, scenario, alembic_version CASCADE"))
    engine.dispose()
    return url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def library_server(request, tmp_path_factory):
    """(client as Els Peeters, issuer, base url, ca file) on a fresh library."""
    extra = {}
    if request.param == "postgresql":
        url = os.environ.get(PG_ENV, "").strip()
        if not url:
            pytest.skip(f"PostgreSQL: {PG_ENV} is niet gezet (.ci/postgres start een lokale server en zet hem)")
        extra["W13XL_DATABASE_URL"] = fresh_postgres(url)
    issuer = TestIssuer()
    folder = tmp_path_factory.mktemp("lib")
    cert, key, ca = own_certificate(folder)
    env = {**issuer.environment(issuer.write_jwks(folder / "jwks.json")), **extra}
    port = free_port()
    with running(["--cert", str(cert), "--key", str(key), "--scenarios", str(ROOT / "scenarios"),
                  "--data", str(folder / "data")], port, folder / "log", ca=ca, extra_env=env,
                 headers={"Authorization": issuer.token("Els Peeters", email="els.peeters@w13.be")}) as client:
        yield client, issuer, f"https://127.0.0.1:{port}", ca, request.param, folder


def as_(client, issuer, name, roles=("W13.Gebruiker",)):
    return {"Authorization": issuer.token(name, roles=roles, email=name.split()[0].lower() + "@w13.be")}


API = "/w13/bibliotheek"


def test_the_library_lifecycle(library_server, sheets):  # noqa: F811
    client, issuer, _, _, backend, folder = library_server
    if backend == "sqlite":  # a fresh clone: the database appears in the server's data folder by itself
        assert (folder / "data" / "bibliotheek.sqlite").is_file()
    assert client.get(f"{API}/scenarios").json() == {"scenarios": []}

    # save: version 1, a concept, by the signed-in user
    v1 = client.post(f"{API}/scenarios/pact", json={"toml": PACT, "commentaar": "eerste versie"})
    assert v1.status_code == 201, v1.text
    assert v1.json()["versie"] == 1 and v1.json()["status"] == "concept"
    assert v1.json()["auteur"] == "Els Peeters <els.peeters@w13.be>"

    # open: the text comes back exactly
    opened = client.get(f"{API}/scenarios/pact/versies/1").json()
    assert opened["toml"] == PACT and opened["commentaar"] == "eerste versie"

    # W13.SCENARIO with the bare name: no approved version yet
    extra = [rng(sheets[n]) for n in ("Parameters", "Personeel", "Weddeschalen", "Subsidies", "Indexering")]

    def scenario_cell(name):
        body = function_body("w13_scenario", [rng(sheets["Synthese"]), [[name]], [["reserve"]], extra])
        return client.post("/xlwings/custom-functions-call", json=body).json()["result"]

    assert scenario_cell("pact")[0][0] == ("#W13: scenario 'pact' heeft nog geen goedgekeurde versie (verwacht: "
                                           "'pact@versie' voor een concept)")
    assert scenario_cell("pact@1") == scenario_cell("pact-stopt-2028.toml")  # the same scenario as the file

    # a second version based on the first; a save based on an outdated version is refused
    v2 = client.post(f"{API}/scenarios/pact", json={"toml": SCHOK, "commentaar": "indexschok", "gebaseerd_op": 1})
    assert v2.status_code == 201 and v2.json()["versie"] == 2
    stale = client.post(f"{API}/scenarios/pact", json={"toml": PACT, "gebaseerd_op": 1})
    assert stale.status_code == 409
    assert stale.json()["fout"].startswith("scenario 'pact': versie 2 werd intussen opgeslagen; je bewerkte versie 1")

    # submit: concept -> nagezien (by another colleague)
    jan = as_(client, issuer, "Jan Janssens")
    sub = client.post(f"{API}/scenarios/pact/versies/2/indienen", headers=jan)
    assert sub.status_code == 200 and sub.json()["status"] == "nagezien"
    assert sub.json()["nagezien_door"] == "Jan Janssens <jan@w13.be>"
    again = client.post(f"{API}/scenarios/pact/versies/2/indienen")
    assert again.status_code == 409 and again.json()["fout"] == "pact@2 heeft status nagezien (verwacht: concept)"

    # approve: only with the role W13.Goedkeurder, with the board's date and decision reference
    decision = {"besluit_datum": "2026-11-26", "besluit_referentie": "RvB 26/11/2026, punt 7"}
    no_role = client.post(f"{API}/scenarios/pact/versies/2/goedkeuren", json=decision)
    assert no_role.status_code == 403 and no_role.json()["fout"].startswith("goedkeuren vraagt de rol W13.Goedkeurder")
    secretary = as_(client, issuer, "Sara Secretaris", roles=("W13.Gebruiker", "W13.Goedkeurder"))
    concept_first = client.post(f"{API}/scenarios/pact/versies/1/goedkeuren", json=decision, headers=secretary)
    assert concept_first.status_code == 409  # a concept is reviewed before it is approved
    approved = client.post(f"{API}/scenarios/pact/versies/2/goedkeuren", json=decision, headers=secretary)
    assert approved.status_code == 200, approved.text
    a = approved.json()
    assert (a["status"], a["besluit_datum"], a["besluit_referentie"]) == ("goedgekeurd", "2026-11-26",
                                                                          "RvB 26/11/2026, punt 7")
    assert a["goedgekeurd_door"] == "Sara Secretaris <sara@w13.be>"

    # the bare name is now the approved version 2: the index shock file's figures
    assert scenario_cell("pact") == scenario_cell("indexschok-2027.toml")
    assert scenario_cell("pact") != scenario_cell("pact@1")

    # locked: no status change; editing makes a new concept and the approved text stays
    locked = client.post(f"{API}/scenarios/pact/versies/2/indienen")
    assert locked.status_code == 409 and "is goedgekeurd en vergrendeld" in locked.json()["fout"]
    v3 = client.post(f"{API}/scenarios/pact", json={"toml": PACT, "commentaar": "terug", "gebaseerd_op": 2})
    assert v3.status_code == 201 and (v3.json()["versie"], v3.json()["status"]) == (3, "concept")
    assert client.get(f"{API}/scenarios/pact/versies/2").json()["toml"] == SCHOK
    assert scenario_cell("pact") == scenario_cell("indexschok-2027.toml")  # still the approved one

    listed = client.get(f"{API}/scenarios").json()["scenarios"]
    assert [(s["naam"], s["laatste_versie"], s["status"], s["goedgekeurde_versie"]) for s in listed] == [
        ("pact", 3, "concept", 2)]
    versions = client.get(f"{API}/scenarios/pact").json()["versies"]
    assert [(v["versie"], v["status"]) for v in versions] == [(1, "concept"), (2, "goedgekeurd"), (3, "concept")]

    # the audit log: who, when, what, in order
    log = client.get(f"{API}/audit", params={"scenario": "pact"}).json()["audit"]
    assert [(e["actie"], e["versie"], e["wie"]) for e in log] == [
        ("opslaan", 1, "Els Peeters <els.peeters@w13.be>"), ("opslaan", 2, "Els Peeters <els.peeters@w13.be>"),
        ("indienen", 2, "Jan Janssens <jan@w13.be>"), ("goedkeuren", 2, "Sara Secretaris <sara@w13.be>"),
        ("opslaan", 3, "Els Peeters <els.peeters@w13.be>")]
    assert log[3]["details"]["besluit_referentie"] == "RvB 26/11/2026, punt 7"
    assert all(e["tijdstip"].endswith("+00:00") for e in log)


@pytest.mark.parametrize("path, body, status, fragment", [
    ("/scenarios/Pact%20X", {"toml": PACT}, 400, "scenarionaam 'Pact X' is niet toegelaten"),
    ("/scenarios/x", {"toml": "title = "}, 400, "de scenariotekst is geen geldige TOML"),
    ("/scenarios/x", {"toml": ""}, 400, "de scenariotekst is leeg"),
    ("/scenarios/x", {"toml": '[[changes]]\ntype = "vliegen"\n'}, 400, "de scenariotekst klopt niet"),
    ("/scenarios/x", {"toml": PACT, "gebaseerd_op": "twee"}, 400, "gebaseerd_op: 'twee' is geen versienummer"),
    ("/scenarios/x", {"toml": "# " + "x" * 300_000}, 413, "groter dan 256 kB"),
    ("/scenarios/bestaat-niet/versies/1/indienen", None, 404, "scenario 'bestaat-niet' staat niet in de bibliotheek"),
])
def test_refusals_are_dutch(library_server, path, body, status, fragment):
    client = library_server[0]
    response = client.post(API + path, json=body) if body is not None else client.post(API + path)
    assert response.status_code == status, response.text
    assert fragment in response.json()["fout"]


def test_without_a_token_the_library_is_closed(library_server):
    _, _, base, ca, _, _ = library_server
    import ssl

    with httpx.Client(base_url=base, verify=ssl.create_default_context(cafile=str(ca))) as bare:
        assert bare.get(f"{API}/scenarios").status_code == 401
        assert bare.post(f"{API}/scenarios/x", json={"toml": PACT}).status_code == 401


def test_anonymous_mode_records_anoniem(tmp_path):
    cert, key, ca = own_certificate(tmp_path)
    with running(["--anoniem", "--cert", str(cert), "--key", str(key), "--data", str(tmp_path / "data")],
                 free_port(), tmp_path / "log", ca=ca) as client:
        saved = client.post(f"{API}/scenarios/pact", json={"toml": PACT})
        assert saved.status_code == 201 and saved.json()["auteur"] == "anoniem"
        decision = {"besluit_datum": "2026-11-26", "besluit_referentie": "RvB 26/11/2026, punt 7"}
        client.post(f"{API}/scenarios/pact/versies/1/indienen")
        assert client.post(f"{API}/scenarios/pact/versies/1/goedkeuren", json=decision).json()["goedgekeurd_door"] \
            == "anoniem"
        assert {e["wie"] for e in client.get(f"{API}/audit").json()["audit"]} == {"anoniem"}


def test_cli_import_and_export_round_trip(tmp_path):
    runner = CliRunner()
    data = tmp_path / "data"
    result = runner.invoke(app, ["bibliotheek", "import", str(ROOT / "scenarios" / "pact-stopt-2028.toml"),
                                 "--data", str(data), "--auteur", "Els Peeters"])
    assert result.exit_code == 0, result.output
    assert "als pact-stopt-2028@1 (concept, door Els Peeters)" in result.output
    out = tmp_path / "uit.toml"
    result = runner.invoke(app, ["bibliotheek", "export", "pact-stopt-2028@1", "--data", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# pact-stopt-2028@1 uit de W13-scenariobibliotheek: concept, door Els Peeters op ")
    assert text.split("\n", 1)[1] == PACT  # exactly the imported text after the header line
    # the bare name needs an approved version
    result = runner.invoke(app, ["bibliotheek", "export", "pact-stopt-2028", "--data", str(data)])
    assert result.exit_code == 2
    assert "Fout: scenario 'pact-stopt-2028' heeft nog geen goedgekeurde versie" in result.output
    # the exported file imports again (as version 2)
    result = runner.invoke(app, ["bibliotheek", "import", str(out), "--naam", "pact-stopt-2028", "--data", str(data),
                                 "--auteur", "Els Peeters"])
    assert result.exit_code == 0 and "pact-stopt-2028@2" in result.output


def test_a_database_that_cannot_be_opened_stops_the_start(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from w13xl.errors import W13Error
    from w13xl.library import open_library

    with pytest.raises(W13Error) as err:
        open_library(url="postgresql+psycopg://w13:geheim@127.0.0.1:1/w13")
    assert "de scenariobibliotheek kan niet geopend worden" in str(err.value) and "geheim" not in str(err.value)
