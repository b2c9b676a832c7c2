"""The transport settings of the modern REST API (``/wp-json/wc/v3``).

Owns the :class:`~app.api.transport.ApiFlavor` values a :class:`~app.api.transport.Transport`
needs to speak wc/v3 (wc-rest-v3-behavior.md sections 1, 16): the API root
``{home}/wp-json/wc/v3`` (the namespace always in lower case: the store authenticates keys only
when the raw path holds ``wp-json/wc/``), the ``{"code","message","data":{"status"}}`` error
reader, and OAuth values signed as parsed. Authentication per scheme is the transport's own and
is what wc/v3 accepts: Basic (or query keys) over HTTPS, OAuth 1.0a over plain HTTP.
"""

from __future__ import annotations

from app.api.rest_errors import rest_error, rest_error_for_non_json
from app.api.transport import ApiFlavor

#: The wc/v3 API root below the store's address.
REST_ROOT = "/wp-json/wc/v3"
#: The modern API.
REST_API = ApiFlavor(
    root_path=REST_ROOT,
    read_error=rest_error,
    read_non_json=rest_error_for_non_json,
    decode_signed_values=False,
)
#: The REST index (``/wp-json/``) and the namespace indexes below it (public, sent unsigned).
REST_INDEX = ApiFlavor(
    root_path="/wp-json",
    read_error=rest_error,
    read_non_json=rest_error_for_non_json,
    decode_signed_values=False,
)
#: Paging headers of wc/v3 lists.
TOTAL_HEADER = "X-WP-Total"
TOTAL_PAGES_HEADER = "X-WP-TotalPages"
