"""The ASGI application ``w13xl serve`` runs: xlwings Server's app with W13's guards around it.

``uvicorn w13xl.server.app:app`` (what :func:`w13xl.server.run` starts). Needs the environment
of :func:`w13xl.server.server_environment` first: xlwings Server reads its settings when it is
imported, here.

What W13 adds to xlwings Server, unchanged otherwise:

* a request-size limit (``W13XL_MAX_BODY_MB``, default 20): a larger body gets 413 with a Dutch
  message before xlwings Server reads any of it;
* Dutch answers for refused requests (sign-in, roles, malformed bodies) and a Dutch text for
  an unexpected error, without an exception name or a path (the log has the details);
* the scenario library's endpoints under ``/w13/bibliotheek`` (:mod:`w13xl.server.library_api`);
* a refusal to start without sign-in unless ``w13xl serve --anoniem`` set ``W13XL_ANONIEM``.

Heavy custom functions run in bounded worker pools (:mod:`w13xl.server.pool`), wired in the
project's ``custom_functions`` package.
"""

from __future__ import annotations

import json
import logging
import os
import re

from ..errors import W13Error

logger = logging.getLogger("w13xl.server")

#: Largest request body accepted, in MB (a workbook's ranges as JSON; the sample's largest call
#: is well under 1 MB, a 4,500-line budget about 2 MB).
MAX_BODY_ENV = "W13XL_MAX_BODY_MB"
DEFAULT_MAX_BODY_MB = 20


def max_body_bytes() -> int:
    raw = os.environ.get(MAX_BODY_ENV, "").strip()
    try:
        mb = float(raw) if raw else DEFAULT_MAX_BODY_MB
    except ValueError:
        raise W13Error(f"{MAX_BODY_ENV}={raw}: geen getal (verwacht: megabytes, bv. 20)") from None
    if not 0 < mb <= 1024:
        raise W13Error(f"{MAX_BODY_ENV}={raw}: verwacht een getal tussen 0 en 1024 (megabytes)")
    return int(mb * 1024 * 1024)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f}".replace(".", ",")


class BodyLimit:
    """ASGI middleware: read a request's body up to ``limit`` bytes, answer 413 beyond it.

    The body is read here, before the application sees it, so a refused request costs at most
    ``limit`` bytes of memory whatever it declares (Content-Length is checked first; a chunked
    body is counted as it arrives)."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def _too_large(self, send) -> None:
        text = (f"Het verzoek is te groot: meer dan {_mb(self.limit)} MB (verwacht: kleinere bereiken; de grens "
                f"is {MAX_BODY_ENV} op de server).").encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(text)).encode()), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": text})

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.limit + 1
                if declared > self.limit:
                    return await self._too_large(send)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            body = message.get("body", b"")
            size += len(body)
            if size > self.limit:
                return await self._too_large(send)
            chunks.append(body)
            if not message.get("more_body", False):
                break
        whole = b"".join(chunks)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": whole, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)


# -- Dutch answers for what xlwings Server refuses in English --------------------------------------
_AUTH_DUTCH: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), r) for p, r in (
    (r"^Auth error: Invalid token", "Aanmelden: geen geldig token meegestuurd (verwacht: 'Bearer ...' van "
                                    "Entra ID; open de invoegtoepassing in Excel met een account van de organisatie)"),
    (r"^Auth error with Entra ID token", "Aanmelden bij Entra ID is mislukt; meld opnieuw aan in Excel"),
    (r"^Auth error: (Failed to decode|Couldn't validate|Unsupported token)",
     "Aanmelden: het token is niet geldig (handtekening, organisatie, toepassing of vervaldatum)"),
    (r"^Auth error: Missing roles for (.*): (.*)$", r"Aanmelden: \1 heeft de rol \2 niet (verwacht: een rol "
                                                   r"toegekend in Entra ID, docs/server.md)"),
    (r"^Auth error: Not authorized for (.*)$", r"Aanmelden: \1 heeft geen toegang"),
    (r"^With multiple auth providers", "Aanmelden: kies een aanmeldmethode (kop Auth-Provider)"),
    (r"^Auth-Provider header", "Aanmelden: onbekende aanmeldmethode (kop Auth-Provider)"),
    (r"^No book data provided", "Het verzoek bevat geen werkmap"),
    (r"^'args' must be a JSON array", "Het verzoek is ongeldig: 'args' moet een lijst zijn"),
    (r"^Custom script '(.*)' doesn't exist", r"Onbekend script '\1'"),
    (r"^Not Found$", "Niet gevonden"),
    (r"^Method Not Allowed$", "Methode niet toegelaten"),
))


def dutch_detail(detail: object) -> str:
    text = detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False)
    for pattern, replacement in _AUTH_DUTCH:
        if pattern.search(text):
            return pattern.sub(replacement, text) if "\\" in replacement else replacement
    return text


INTERNAL_ERROR = "Interne fout op de W13-server; de beheerder vindt de details in het logboek van de server."
BAD_REQUEST = "Het verzoek is ongeldig (verwacht: de JSON die de W13-invoegtoepassing stuurt)."


def build(main_app, fastapi_app):
    """Wrap xlwings Server's ASGI app (``main_app``) and register W13's handlers on its FastAPI
    ``fastapi_app``; returns the ASGI app to serve."""
    from fastapi import HTTPException, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import PlainTextResponse
    from starlette.exceptions import HTTPException as StarletteHTTPException

    from .library_api import library
    from .library_api import router as library_router

    async def http_error(request: Request, exc: StarletteHTTPException):
        return PlainTextResponse(dutch_detail(exc.detail), status_code=exc.status_code,
                                 headers=getattr(exc, "headers", None))

    async def invalid(request: Request, exc: Exception):
        return PlainTextResponse(BAD_REQUEST, status_code=400)

    async def malformed(request: Request, exc: Exception):
        logger.info("refused a malformed request to %s: %r", request.url.path, exc)
        return PlainTextResponse(BAD_REQUEST, status_code=400)

    async def internal(request: Request, exc: Exception):
        logger.error("unexpected error on %s", request.url.path, exc_info=exc)
        return PlainTextResponse(INTERNAL_ERROR, status_code=500)

    fastapi_app.add_exception_handler(HTTPException, http_error)
    fastapi_app.add_exception_handler(StarletteHTTPException, http_error)
    fastapi_app.add_exception_handler(RequestValidationError, invalid)
    # A body xlwings Server cannot read (not JSON, not UTF-8, a missing key, a wrong shape) is
    # the caller's mistake: 400, handled per class so the connection stays usable.
    for kind in (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, AttributeError, IndexError):
        fastapi_app.add_exception_handler(kind, malformed)
    fastapi_app.add_exception_handler(Exception, internal)
    fastapi_app.include_router(library_router)
    library()  # opened (and migrated) now: a database that cannot be opened stops the start
    from .pool import warm_up

    warm_up()
    return BodyLimit(main_app, max_body_bytes())


def _check_sign_in() -> None:
    from xlwings_server.config import settings  # read from the environment, here

    if not settings.auth_providers and os.environ.get("W13XL_ANONIEM") != "1":
        raise W13Error("geen aanmelding ingesteld en niet gestart met --anoniem: start de server met w13xl serve")


def _make():
    _check_sign_in()
    from xlwings_server.main import app as fastapi_app
    from xlwings_server.main import main_app

    return build(main_app, fastapi_app)


app = _make()
