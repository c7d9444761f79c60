"""``w13xl serve``: the W13 functions and script for Excel (Windows, Mac, web) on xlwings Server."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from ._app import app, console, err_console, handles_input_errors
from ..errors import W13Error


@app.command("serve")
@handles_input_errors
def serve_command(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (0.0.0.0 = every network card).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port.")] = 8000,
    scenarios: Annotated[Optional[Path], typer.Option(
        "--scenarios", help="Folder whose .toml files W13.SCENARIO may read (default: none, only the "
                            "Scenario's sheet; or W13XL_SCENARIO_DIR).")] = None,
    cert: Annotated[Optional[Path], typer.Option("--cert", help="TLS certificate (PEM) of a real host name.")] = None,
    key: Annotated[Optional[Path], typer.Option("--key", help="Private key (PEM) of --cert.")] = None,
    certs: Annotated[Optional[Path], typer.Option(
        "--certs", help="Folder for the local development certificate (default ~/.w13xl/certs).")] = None,
    http: Annotated[bool, typer.Option(
        "--http", help="Plain HTTP, only behind a reverse proxy that does HTTPS (README).")] = False,
    hostname: Annotated[Optional[str], typer.Option(
        "--hostname", help="Public host name for the manifest, e.g. w13.example.be (https://HOSTNAME).")] = None,
    manifest: Annotated[Optional[Path], typer.Option(
        "--manifest", help="Write the add-in manifest to this file and stop (to sideload or deploy).")] = None,
) -> None:
    """Office.js add-in server (xlwings Server): =W13.M2(...), =W13.RESERVE(...), ... and the task
    pane 'Scenario's doorrekenen', over HTTPS (a local development certificate unless --cert)."""
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
    env = server.server_environment(os.environ, scenario_dir=folder, hostname=hostname, dotenv=dotenv)
    scheme = "http" if http else "https"
    if manifest is not None:
        server.apply_environment(env)
        address = f"{scheme}://{hostname or f'{host}:{port}'}"
        text = server.render_manifest(address)
        from ..workbook import safe_write

        safe_write(manifest, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        console.print(f"Geschreven: {manifest} (add-in voor {address})")
        return
    certfile = keyfile = None
    if not http:
        if cert is not None:
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
    console.print(f"W13-add-in op {scheme}://{host}:{port}  (manifest: {scheme}://{host}:{port}/manifest; "
                  f"scenariomap: {folder_text}). Stoppen: Ctrl+C.", soft_wrap=True)
    server.run(host, port, certfile=certfile, keyfile=keyfile)
