"""A deliberately small HTTP client for talking to a demo store in tests.

It signs requests with the project's OAuth functions (pinned by the 12.6 vectors) or uses Basic
or query-string keys over HTTPS, and lets a test bend every part of a request (timestamp, nonce,
signature method, parameter order) to reach the store's error paths. It signs the path exactly
as it goes on the wire (percent-encoding as ``requests`` sends it, a trailing slash kept), the
way a real store builds its base string (section 19.2); the store verifies with its own code.
The real client lives in app/api (issue 3); tests of the store should not depend on it.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import requests

from app.api import oauth
from app.demo_store import ApiKey, DemoStore

Pairs = Sequence[tuple[str, str]]


class StoreHttp:
    """Requests against one demo store with one key and one way of authenticating.

    ``auth`` is ``"oauth"`` (plain HTTP), ``"basic"`` or ``"query"`` (HTTPS), or ``"none"``.
    """

    def __init__(
        self,
        store: DemoStore,
        key: ApiKey | None = None,
        auth: str | None = None,
        verify: str | bool = True,
    ) -> None:
        self.store = store
        self.key = key or store.keys["read_write"]
        self.auth = auth or ("basic" if store.settings.ssl else "oauth")
        self.verify = verify
        self.session = requests.Session()

    def url(self, route: str, pairs: Pairs = ()) -> str:
        """The full URL of a route with the given query pairs, percent-encoded PHP's way."""
        query = urlencode(list(pairs), quote_via=quote, safe="[]")
        return f"{self.store.api_url}{route}" + (f"?{query}" if query else "")

    def wire_route(self, route: str) -> str:
        """The route as ``requests`` will put it on the wire (it percent-encodes what is not
        allowed in a path and leaves ``+``, ``'``, ``@`` and existing ``%XX`` alone)."""
        prepared = requests.Request("GET", f"{self.store.api_url}{route}").prepare()
        api_path = urlsplit(self.store.api_url).path
        return urlsplit(prepared.url or "").path[len(api_path) :]

    def oauth_pairs(
        self,
        method: str,
        route: str,
        pairs: Pairs = (),
        *,
        signature_method: str = "HMAC-SHA256",
        timestamp: int | None = None,
        nonce: str | None = None,
        signed_pairs: Pairs | None = None,
    ) -> list[tuple[str, str]]:
        """``pairs`` plus the OAuth parameters and a signature over ``signed_pairs`` (default:
        exactly what is sent)."""
        oauth_params = [
            ("oauth_consumer_key", self.key.consumer_key),
            ("oauth_timestamp", str(int(time.time()) if timestamp is None else timestamp)),
            ("oauth_nonce", nonce or secrets.token_hex(16)),
            ("oauth_signature_method", signature_method),
        ]
        sent = [*pairs, *oauth_params]
        to_sign = [*signed_pairs, *oauth_params] if signed_pairs is not None else sent
        params = oauth.php_query_params(to_sign)
        base_uri = oauth.signature_base_uri(self.store.api_url, self.wire_route(route))
        text = oauth.string_to_sign(method, base_uri, params)
        method_name = (
            signature_method if signature_method in oauth.SIGNATURE_METHODS else "HMAC-SHA256"
        )
        return [
            *sent,
            ("oauth_signature", oauth.signature(text, self.key.consumer_secret, method_name)),
        ]

    def request(
        self,
        method: str,
        route: str,
        pairs: Pairs = (),
        *,
        json: Any = None,
        data: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        sign_as: str | None = None,
        **oauth_options: Any,
    ) -> requests.Response:
        """Send one request; ``sign_as`` signs for another method (e.g. with ``_method``)."""
        pairs = list(pairs)
        basic = None
        if self.auth == "oauth":
            pairs = self.oauth_pairs(sign_as or method, route, pairs, **oauth_options)
        elif self.auth == "query":
            pairs += [
                ("consumer_key", self.key.consumer_key),
                ("consumer_secret", self.key.consumer_secret),
            ]
        elif self.auth == "basic":
            basic = (self.key.consumer_key, self.key.consumer_secret)
        return self.session.request(
            method,
            self.url(route, pairs),
            json=json,
            data=data,
            headers=headers,
            auth=basic,
            verify=self.verify,
            timeout=30,
        )

    def get(self, route: str, pairs: Pairs = (), **options: Any) -> requests.Response:
        """GET a route."""
        return self.request("GET", route, pairs, **options)

    def post(self, route: str, json: Any = None, **options: Any) -> requests.Response:
        """POST a JSON body."""
        return self.request("POST", route, json=json, **options)

    def put(self, route: str, json: Any = None, **options: Any) -> requests.Response:
        """PUT a JSON body."""
        return self.request("PUT", route, json=json, **options)

    def delete(self, route: str, **options: Any) -> requests.Response:
        """DELETE a route."""
        return self.request("DELETE", route, **options)
