"""The key set Entra ID tokens are checked against.

By default (``W13XL_ENTRAID_JWKS_FILE`` unset) xlwings Server downloads Microsoft's published
keys (``get_jwks_json`` returns None). With ``W13XL_ENTRAID_JWKS_FILE`` set, the keys come from
that JSON file instead: for a server without internet access (save
https://login.microsoftonline.com/common/discovery/v2.0/keys there and refresh it when Microsoft
rotates its keys), and for the tests, which sign their tokens with a locally generated key.
The file is read on every call to this function; xlwings Server keeps the result for a day."""

import json
import os
from pathlib import Path

JWKS_FILE_ENV = "W13XL_ENTRAID_JWKS_FILE"


async def get_jwks_json():
    path = os.environ.get(JWKS_FILE_ENV, "").strip()
    if not path:
        return None
    return json.loads(Path(path).read_text(encoding="utf-8"))
