"""``w13xl serve``: the W13 functions and script for Excel (Windows, Mac, web) on xlwings Server."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Annotated

import typer

from ..errors import W13Error
from ._app import app, console, err_console, handles_input_errors


@app.command("server")
@handles_input_errors
def serve_command(
    host: Annotated[str, typer.Option("--host", help="Adres waarop de server luistert (0.0.0.0 = elke netwerkkaart).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Poort.")] = 8000,
    scenarios: Annotated[Path | None, typer.Option(
        "--scenarios", help="Map met .toml-bestanden die W13.SCENARIO mag lezen (standaard geen: alleen het "
                            "blad Scenario's; of W13XL_SCENARIO_DIR).")] = None,
    cert: Annotated[Path | None, typer.Option("--cert", help="TLS-certificaat (PEM) van een echte hostnaam.")] = None,
    key: Annotated[Path | None, typer.Option("--key", help="Privésleutel (PEM) van --cert.")] = None,
    certs: Annotated[Path | None, typer.Option(
        "--certs", help="Map voor het lokale ontwikkelcertificaat (standaard ~/.w13xl/certs).")] = None,
    http: Annotated[bool, typer.Option(
        "--http", help="Gewone HTTP, alleen achter een reverse proxy die HTTPS doet (README).")] = False,
    hostname: Annotated[str | None, typer.Option(
        "--hostname", help="Publieke hostnaam voor het manifest, bv. w13.example.be (https://HOSTNAME).")] = None,
    manifest: Annotated[Path | None, typer.Option(
        "--manifest", help="Schrijf het manifest van de invoegtoepassing naar dit bestand en stop "
                           "(om te sideloaden of uit te rollen).")] = None,
    data: Annotated[Path | None, typer.Option(
        "--data", help="Gegevensmap van de server: de scenariobibliotheek (SQLite) tenzij W13XL_DATABASE_URL "
                       "(standaard ~/.w13xl/server, of W13XL_DATA_DIR).")] = None,
    anoniem: Annotated[bool, typer.Option(
        "--anoniem", help="Zonder aanmelden, alleen op 127.0.0.1/localhost (om op deze pc te proberen); anders is "
                          "aanmelden met Entra ID verplicht (docs/server.md).")] = False,
) -> None:
    """Server voor de Excel-invoegtoepassing (Office.js, xlwings Server): =W13.M2(...), =W13.RESERVE(...), ... en het taakvenster "Scenario's doorrekenen", over HTTPS (een lokaal ontwikkelcertificaat tenzij --cert).

    Voorbeeld: w13xl server --scenarios scenarios --port 8000
    """  # noqa: E501 - command help: typer keeps these lines as they are
    from .. import server

    missing = [m for m in ("xlwings_server", "uvicorn") if importlib.util.find_spec(m) is None]
    if missing:
        raise W13Error("xlwings Server is niet geïnstalleerd (ontbreekt: " + ", ".join(missing)
                       + "). Installeer het met: pip install \"w13xl[cli,server]\" (of uv sync).")
    if (cert is None) != (key is None):
        raise W13Error("--cert en --key horen samen (het certificaat en zijn private sleutel)")
    dotenv = Path.cwd() / ".env"
    settings = {**server.dotenv_settings(dotenv), **os.environ}
    env_dir = settings.get(server.SCENARIO_DIR_ENV, "").strip()
    folder = scenarios if scenarios is not None else (Path(env_dir) if env_dir else None)
    public = server.manifest_hostname(host, port, hostname)
    data_dir = data if data is not None else Path(
        settings.get(server.DATA_DIR_ENV, "").strip() or server.default_data_dir())
    anonymous = anoniem
    if manifest is not None and not anoniem and hostname is None and server.is_local(host) \
            and not server.json_list(settings, "XLWINGS_AUTH_PROVIDERS"):
        anonymous = True  # a manifest for this PC's own anonymous server (w13xl serve --anoniem)
    env = server.server_environment(os.environ, scenario_dir=folder, hostname=public, dotenv=dotenv,
                                    anonymous=anonymous, host=host, data_dir=data_dir)
    scheme = "http" if http else "https"
    if manifest is not None:
        server.apply_environment(env)
        address = f"https://{public}"
        text = server.render_manifest(address)
        from ..workbook import safe_write

        safe_write(manifest, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        console.print(f"Geschreven: {manifest} (add-in voor {address})")
        return
    certfile = keyfile = None
    if not http:
        if cert is not None and key is not None:  # both or neither (checked above)
            certfile, keyfile = cert, key
            for path in (cert, key):
                if not Path(path).is_file():
                    raise W13Error(f"{path}: bestand niet gevonden (verwacht: een PEM-bestand)")
        else:
            if not server.is_local(host):
                raise W13Error(f"--host {host}: het lokale ontwikkelingscertificaat geldt alleen voor "
                               "127.0.0.1/localhost; geef --cert en --key van de echte servernaam, of --http "
                               "achter een reverse proxy (README)")
            made = server.development_certificate(certs or server.default_cert_dir())
            certfile, keyfile = made.certfile, made.keyfile
            if made.ca is not None:
                err_console.print(f"Ontwikkelingscertificaat: {made.certfile}. Vertrouw eenmalig de CA {made.ca} "
                                  "(README, sectie Excel).", soft_wrap=True)
    server.apply_environment(env)
    folder_text = env.get(server.SCENARIO_DIR_ENV, "geen (alleen het blad Scenario's)")
    sign_in = "anoniem (alleen op deze pc)" if anoniem else "aanmelden met Entra ID"
    folder_text += f"; gegevensmap: {env[server.DATA_DIR_ENV]}"
    console.print(f"W13-add-in op {scheme}://{host}:{port}  (manifest: https://{public}/manifest; "
                  f"scenariomap: {folder_text}; {sign_in}). Stoppen: Ctrl+C.", soft_wrap=True)
    server.run(host, port, certfile=certfile, keyfile=keyfile)
