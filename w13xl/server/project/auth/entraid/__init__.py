"""Entra ID sign-in: xlwings Server's own token validation, unchanged.

xlwings Server (``xlwings_server.auth.entraid``) checks the token's signature against Entra ID's
published keys, its version, audience (the app registration's client id) and issuer (the
tenant), and the expiry. This package only exists so that its ``jwks`` module (the key set) is
w13xl's: see :mod:`.jwks`."""

from xlwings_server.auth.entraid import validate_token  # noqa: F401
