r"""JSON as PHP's ``json_encode`` writes it, byte for byte where clients could notice.

WooCommerce answers with compact JSON, escapes every ``/`` as ``\\/`` and writes non-ASCII as
lower-case ``\\uXXXX`` escapes; clients that compare raw bodies (or mishandle escapes) should meet
the same bytes here as on a real store.
"""

from __future__ import annotations

import json
from typing import Any


def dumps(value: Any) -> bytes:
    """Encode ``value`` the way PHP's default ``json_encode`` does."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    # A "/" can only occur inside strings, where PHP escapes it; "\\/" stays a valid escape.
    return text.replace("/", "\\/").encode("ascii")
