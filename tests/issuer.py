"""Locally signed Entra ID test tokens, for the tests and the load benchmark (never production,
so not in the package).

A throw-away RSA key signs tokens shaped like Entra ID's v2.0 access tokens (issuer
``https://login.microsoftonline.com/<tenant>/v2.0``, audience the client id, ``ver`` 2.0, name,
oid, preferred_username, roles, exp). The server trusts them only when it is started with
``W13XL_ENTRAID_JWKS_FILE`` pointing to this key's public key set (:meth:`TestIssuer.write_jwks`)
instead of Microsoft's published keys; xlwings Server then validates them with its own code, as
it would a real token.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

#: A made-up tenant and app registration (GUIDs as Entra ID shows them).
TENANT_ID = "3f1c6a0e-0000-4000-8000-00000000a013"
CLIENT_ID = "8d2b4c55-0000-4000-8000-00000000c013"


class TestIssuer:
    """Signs test tokens with a fresh RSA key (kid ``w13-test``)."""

    __test__ = False  # not a pytest test class

    def __init__(self, tenant_id: str = TENANT_ID, client_id: str = CLIENT_ID):
        from joserfc.jwk import RSAKey

        self.tenant_id, self.client_id = tenant_id, client_id
        self.kid = "w13-test-" + uuid.uuid4().hex[:8]
        self.key = RSAKey.generate_key(2048, parameters={"kid": self.kid, "use": "sig", "alg": "RS256"})

    def jwks(self) -> dict:
        return {"keys": [self.key.as_dict(private=False)]}

    def write_jwks(self, path: Path) -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.jwks()), encoding="utf-8")
        return path

    def environment(self, jwks_file: Path) -> dict[str, str]:
        """The server settings for sign-in with these tokens."""
        return {"XLWINGS_AUTH_PROVIDERS": '["entraid"]', "XLWINGS_AUTH_ENTRAID_CLIENT_ID": self.client_id,
                "XLWINGS_AUTH_ENTRAID_TENANT_ID": self.tenant_id, "W13XL_ENTRAID_JWKS_FILE": str(jwks_file)}

    def token(self, name: str = "Test Gebruiker", *, roles: tuple[str, ...] = ("W13.Gebruiker",),
              email: str | None = None, lifetime: int = 3600, audience: str | None = None,
              tenant_id: str | None = None, key=None) -> str:
        """A bearer token (``"Bearer ..."``, as the add-in's JavaScript sends it)."""
        from joserfc import jwt

        now = int(time.time())
        claims = {
            "ver": "2.0", "iss": f"https://login.microsoftonline.com/{tenant_id or self.tenant_id}/v2.0",
            "aud": audience or self.client_id, "iat": now - 60, "nbf": now - 60, "exp": now + lifetime,
            "name": name, "oid": str(uuid.uuid5(uuid.NAMESPACE_URL, name)),
            "preferred_username": email or name.lower().replace(" ", ".") + "@w13.example.be",
            "tid": tenant_id or self.tenant_id, "roles": list(roles),
        }
        return "Bearer " + jwt.encode({"alg": "RS256", "kid": self.kid}, claims, key or self.key)
