"""The scenario library over HTTP, for the task pane (``/w13/bibliotheek/...``).

Every endpoint needs the signed-in user (xlwings Server's own dependency: the Entra ID token,
the required roles); in anonymous mode (``w13xl serve --anoniem``) the user is recorded as
"anoniem". Approving needs the app role ``W13.Goedkeurder`` when sign-in is on.

==========================================================  =========================================
``GET  /w13/bibliotheek/scenarios``                          list: name, latest version, status
``GET  /w13/bibliotheek/scenarios/{naam}``                   the versions (without their text)
``GET  /w13/bibliotheek/scenarios/{naam}/versies/{n}``       open: one version with its TOML text
``POST /w13/bibliotheek/scenarios/{naam}``                   save ``{toml, commentaar, gebaseerd_op}``
``POST /w13/bibliotheek/scenarios/{naam}/versies/{n}/indienen``   concept -> nagezien
``POST /w13/bibliotheek/scenarios/{naam}/versies/{n}/goedkeuren`` nagezien -> goedgekeurd
                                                             ``{besluit_datum, besluit_referentie}``
``GET  /w13/bibliotheek/audit[?scenario=naam]``              the audit log
==========================================================  =========================================

Refusals are JSON ``{"fout": "<Dutch message>"}`` with 400, 403, 404, 409 or 413.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from typing import Annotated

from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse
from xlwings_server import dependencies as dep

from ..errors import W13Error
from ..library.store import Library, LibraryError, open_library

logger = logging.getLogger("w13xl.server")
router = APIRouter(prefix="/w13/bibliotheek")

_library: Library | None = None
_opening = threading.Lock()
APPROVER_ROLE = "W13.Goedkeurder"


def library() -> Library:
    """The server's library (opened once: SQLite in W13XL_DATA_DIR, or W13XL_DATABASE_URL)."""
    global _library
    with _opening:
        if _library is None:
            from .. import server
            from ..excel import core

            url = os.environ.get(server.DATABASE_URL_ENV, "").strip() or None
            data_dir = os.environ.get(server.DATA_DIR_ENV, "").strip() or None
            _library = open_library(data_dir or server.default_data_dir(), url)
            core.set_library(_library)
    return _library


def user_name(user) -> str:
    """Who is recorded: the token's name and e-mail address; "anoniem" without sign-in."""
    from xlwings_server.config import settings

    if not settings.auth_providers:
        return "anoniem"
    name, email = (user.name or "").strip(), (user.email or "").strip()
    if name and email:
        return f"{name} <{email}>"
    return name or email or str(user.id or "onbekend")


def refused(exc: W13Error) -> JSONResponse:
    status = exc.status if isinstance(exc, LibraryError) else 400
    return JSONResponse({"fout": str(exc)}, status_code=status)


def _number(value: object, what: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
        raise LibraryError(f"{what}: '{str(value)[:40]}' is geen versienummer (verwacht: een geheel getal ≥ 1)")
    return int(value)


@router.get("/scenarios")
def list_scenarios(user: dep.User):
    return {"scenarios": library().names()}


@router.get("/scenarios/{naam}")
def list_versions(naam: str, user: dep.User):
    try:
        return {"naam": naam, "versies": [v.as_json(with_toml=False) for v in library().versions(naam)]}
    except W13Error as exc:
        return refused(exc)


@router.get("/scenarios/{naam}/versies/{versie}")
def open_version(naam: str, versie: int, user: dep.User):
    try:
        return library().get(naam, versie).as_json()
    except W13Error as exc:
        return refused(exc)


@router.post("/scenarios/{naam}")
def save(naam: str, user: dep.User, body: Annotated[dict, Body()]):
    try:
        if not isinstance(body, dict):
            raise LibraryError("verwacht een JSON-object {toml, commentaar, gebaseerd_op}")
        version = library().save(naam, str(body.get("toml") or ""), who=user_name(user),
                                 comment=str(body.get("commentaar") or ""),
                                 based_on=_number(body.get("gebaseerd_op"), "gebaseerd_op"))
        return JSONResponse(version.as_json(with_toml=False), status_code=201)
    except W13Error as exc:
        return refused(exc)


@router.post("/scenarios/{naam}/versies/{versie}/indienen")
def submit(naam: str, versie: int, user: dep.User):
    try:
        return library().submit(naam, versie, who=user_name(user)).as_json(with_toml=False)
    except W13Error as exc:
        return refused(exc)


@router.post("/scenarios/{naam}/versies/{versie}/goedkeuren")
def approve(naam: str, versie: int, user: dep.User, body: Annotated[dict, Body()]):
    try:
        from xlwings_server.config import settings

        if settings.auth_providers and APPROVER_ROLE not in (user.roles or []):
            raise LibraryError(f"goedkeuren vraagt de rol {APPROVER_ROLE} (verwacht: de secretaris van de raad van "
                               "bestuur; rollen worden toegekend in Entra ID)", status=403)
        if not isinstance(body, dict):
            raise LibraryError("verwacht een JSON-object {besluit_datum, besluit_referentie}")
        raw = str(body.get("besluit_datum") or "")
        try:
            decision = dt.date.fromisoformat(raw)
        except ValueError:
            raise LibraryError(f"besluit_datum '{raw[:40]}' is geen datum (verwacht: JJJJ-MM-DD, bv. 2026-12-15)") \
                from None
        version = library().approve(naam, versie, who=user_name(user), decision_date=decision,
                                    decision_ref=str(body.get("besluit_referentie") or ""))
        return version.as_json(with_toml=False)
    except W13Error as exc:
        return refused(exc)


@router.get("/audit")
def audit(user: dep.User, scenario: str | None = None):
    try:
        return {"audit": library().audit(scenario)}
    except W13Error as exc:
        return refused(exc)

