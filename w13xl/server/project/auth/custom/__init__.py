"""The ``custom`` sign-in provider: refuses every token.

xlwings Server's own example accepts the literal token "test-token". w13xl does not start with
``custom`` (w13xl.server.SUPPORTED_PROVIDERS); should it be configured anyway, no token passes
until an organisation writes its own validation here (docs/server.md)."""

from fastapi import HTTPException, status


async def validate_token(token_string: str):
    raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED,
                        detail="Aanmelden: de eigen aanmelding (custom) is niet ingesteld op deze server.")
