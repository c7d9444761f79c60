"""``w13xl serve``: the W13 functions and script as an Office.js add-in, on xlwings Server.

The server is xlwings' own, unchanged: the ``xlwings-server`` package from PyPI (a FastAPI app,
``xlwings_server.main:main_app``) run by uvicorn. w13xl only supplies its project folder,
``w13xl/server/project`` (shipped inside the package):

* ``custom_functions/__init__.py`` imports the W13 functions (module namespace ``W13``);
* ``custom_scripts/__init__.py`` imports the script ``scenarios_doorrekenen``;
* ``templates/taskpane.html`` (Dutch task pane with the button "Scenario's doorrekenen"),
  ``templates/manifest.xml`` (W13 ribbon tab) and ``static/js/ribbon.js`` (its button) replace
  xlwings Server's hello-world defaults.

and the settings (:func:`server_environment`), which xlwings Server reads from the environment
when it is imported. That is why this module never imports ``xlwings_server`` itself: the
environment must be complete first.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import W13Error

#: xlwings Server's project folder for W13.
PROJECT_DIR = Path(__file__).resolve().with_name("project")
PROJECT_NAME = "W13 meerjarenplan"
#: W13's own add-in id (the manifest's <Id>): xlwings Server's default is shared by every
#: xlwings add-in that never ran ``xlwings-server init``, and two add-ins with one id clash.
MANIFEST_ID = "b710c107-2e86-4c00-aedb-4c23d687015b"
LICENSE_ENV = "XLWINGS_LICENSE_KEY"
SCENARIO_DIR_ENV = "W13XL_SCENARIO_DIR"  # same name as w13xl.excel.core.SCENARIO_DIR_ENV

#: Settings w13xl fixes: production names (W13.M2, not XLWINGS.W13.M2 or W13.M2 with an
#: environment suffix) and the W13 project folder.
FIXED = {
    "XLWINGS_PROJECT_DIR": str(PROJECT_DIR),
    "XLWINGS_ENVIRONMENT": "prod",
    "XLWINGS_FUNCTIONS_NAMESPACE": "",
}
#: Defaults the operator may override in the environment (or the server's .env, see README).
DEFAULTS = {
    "XLWINGS_PROJECT_NAME": PROJECT_NAME,
    "XLWINGS_MANIFEST_ID_PROD": MANIFEST_ID,
    # Excel on the web loads the add-in from its own origin (CORS); the server has no
    # cookies or credentials to protect (allow_credentials is off).
    "XLWINGS_CORS_ALLOW_ORIGINS": '["*"]',
    "XLWINGS_ENABLE_EXAMPLES": "false",
    "XLWINGS_ENABLE_HOTRELOAD": "false",
    "XLWINGS_ENABLE_SOCKETIO": "false",
    "XLWINGS_LOG_LEVEL": "INFO",
}

LICENSE_HELP = (
    f"{LICENSE_ENV} ontbreekt: xlwings Server en de W13-functies op de server hebben een "
    "licentiesleutel nodig. Ofwel de sleutel 'noncommercial' (PolyForm Noncommercial License 1.0.0, "
    "alleen voor een toegelaten niet-commercieel gebruik), ofwel een betaalde sleutel van xlwings. "
    f"Zet hem in de omgeving of in het bestand .env van de map waarin de server start, bv. "
    f"{LICENSE_ENV}=noncommercial, na de afweging in README, sectie Excel, 'Licence'."
)


def dotenv_settings(path: Path) -> dict[str, str]:
    """``XLWINGS_*`` and ``W13XL_*`` settings from a ``.env`` file (KEY=value lines), if it exists."""
    if not path.is_file():
        return {}
    from dotenv import dotenv_values  # python-dotenv, a dependency of xlwings-server

    return {k: v for k, v in dotenv_values(path).items()
            if v is not None and k.startswith(("XLWINGS_", "W13XL_"))}


def server_environment(environ: Mapping[str, str], *, scenario_dir: Path | None = None,
                       hostname: str | None = None, dotenv: Path | None = None) -> dict[str, str]:
    """The environment for xlwings Server: ``environ`` plus the settings of the ``dotenv`` file
    (the environment wins), w13xl's fixed settings and defaults.

    Refuses (W13Error, in Dutch) without a licence key: which key W13 may use is a decision
    for the operator (README), not something to default silently."""
    env = {**(dotenv_settings(dotenv) if dotenv is not None else {}), **environ}
    if not env.get(LICENSE_ENV, "").strip():
        raise W13Error(LICENSE_HELP)
    for key, value in DEFAULTS.items():
        env.setdefault(key, value)
    env.update(FIXED)
    env["XLWINGS_ON_SERVER"] = "true"
    if hostname:
        env["XLWINGS_HOSTNAME"] = hostname
    if scenario_dir is not None:
        folder = Path(scenario_dir).expanduser().resolve()
        if not folder.is_dir():
            raise W13Error(f"--scenarios {scenario_dir}: die map bestaat niet (verwacht: de map met de "
                           ".toml-scenariobestanden die W13.SCENARIO mag lezen)")
        env[SCENARIO_DIR_ENV] = str(folder)
    return env


# -- HTTPS: a local development certificate ---------------------------------------------------
@dataclass(frozen=True)
class Certificate:
    certfile: Path
    keyfile: Path
    #: The CA to trust on the laptop (trustme) or None (mkcert installs its own CA).
    ca: Path | None
    made_by: str


CERT, KEY, CA = "w13xl-localhost.pem", "w13xl-localhost-key.pem", "w13xl-dev-ca.pem"
LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")


def is_local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def development_certificate(folder: Path, *, use_mkcert: bool | None = None) -> Certificate:
    """A certificate for localhost / 127.0.0.1 / ::1 in ``folder``, made once and reused.

    With ``mkcert`` on the PATH (and ``mkcert -install`` run once, which puts its CA into the
    system's trust store) mkcert makes it; otherwise the ``trustme`` package makes a CA and a
    certificate, and the CA file (``w13xl-dev-ca.pem``) must be trusted once (README)."""
    folder = Path(folder).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    cert, key, ca = folder / CERT, folder / KEY, folder / CA
    if cert.exists() and key.exists():
        return Certificate(cert, key, ca if ca.exists() else None, "bestaand")
    mkcert = shutil.which("mkcert") if use_mkcert is not False else None
    if mkcert:
        subprocess.run([mkcert, "-cert-file", str(cert), "-key-file", str(key), *LOCAL_NAMES],
                       check=True, capture_output=True)
        ca.unlink(missing_ok=True)
        return Certificate(cert, key, None, "mkcert")
    try:
        import trustme
    except ImportError:
        raise W13Error("geen certificaat: installeer mkcert of het pakket trustme (pip install "
                       "\"w13xl[server]\"), of geef --cert en --key") from None
    authority = trustme.CA(organization_name="w13xl lokale ontwikkeling")
    leaf = authority.issue_cert(*LOCAL_NAMES)
    authority.cert_pem.write_to_path(str(ca))
    leaf.private_key_pem.write_to_path(str(key))
    cert.write_bytes(b"".join(blob.bytes() for blob in leaf.cert_chain_pems))
    key.chmod(0o600)
    return Certificate(cert, key, ca, "trustme")


def default_cert_dir() -> Path:
    return Path.home() / ".w13xl" / "certs"


# -- running ----------------------------------------------------------------------------------
def apply_environment(env: Mapping[str, str]) -> None:
    """Make ``env`` the process environment before xlwings Server is imported."""
    import sys

    if "xlwings_server" in sys.modules or ("xlwings" in sys.modules and os.environ.get("XLWINGS_ON_SERVER") != "true"):
        raise W13Error("xlwings is al geladen zonder de serverinstellingen: start w13xl serve als eigen proces")
    os.environ.clear()
    os.environ.update(env)


def render_manifest(base_url: str) -> str:
    """The manifest as xlwings Server serves it at ``/manifest``, for the address ``base_url``
    (e.g. https://127.0.0.1:8000). Needs :func:`apply_environment` first."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette asks for httpx2; httpx works
        from starlette.testclient import TestClient

    from xlwings_server.main import main_app

    scheme = base_url.split("://", 1)[0]
    with TestClient(main_app, base_url=base_url) as client:
        response = client.get("/manifest", headers={"X-Forwarded-Proto": scheme})
    response.raise_for_status()
    return response.text


def run(host: str, port: int, *, certfile: Path | None, keyfile: Path | None, log_level: str = "info") -> None:
    """Start xlwings Server (uvicorn, one process) until Ctrl+C. Needs :func:`apply_environment`."""
    import uvicorn

    uvicorn.run("xlwings_server.main:main_app", host=host, port=port, log_level=log_level,
                ssl_certfile=str(certfile) if certfile else None, ssl_keyfile=str(keyfile) if keyfile else None,
                proxy_headers=True, forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"))
