"""The WordPress REST server as the demo store runs it (reference §1).

This module owns one ``/wp-json`` request from the raw URI to the written response, in the
order of §1.2: method override, key authentication (its errors win on any route), the key's
read/write permission against the *effective* method, routing (case-insensitive, trailing slash
ignored, HEAD served by GET), the JSON body, the handler (which validates, then checks the
caller's capability, then works), and the common headers, ``_fields`` and ``_envelope``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from werkzeug.wrappers import Request, Response

from app.demo_store import phpjson
from app.demo_store.phpquery import PhpParam, parse_query, php_empty, slashed
from app.demo_store.rest.auth import (
    RestAuthenticator,
    RestCaller,
    RestCredentials,
    check_key_permissions,
)
from app.demo_store.rest.errors import RestError, no_route
from app.demo_store.schema import Database

JSON_TYPE = "application/json; charset=UTF-8"
MAX_BODY_BYTES = 10 * 1024 * 1024
JSONP_TYPE = "application/javascript; charset=UTF-8"
#: WordPress accepts JSONP callbacks made of word characters and dots only.
_JSONP_INVALID = re.compile(r"[^\w.]", re.ASCII)


@dataclass(frozen=True)
class RestSite:
    """What the REST layer needs to know about the store."""

    home_url: str
    ssl: bool
    tie_seed: int
    wc_version: str
    name: str
    description: str
    hpos: bool
    wc_routes: bool  # False: WooCommerce's REST routes are missing (``--api legacy``)
    legacy_api: bool
    generate_password: bool = True
    v1_v2: bool = True  # False: the wc/v1 and wc/v2 namespaces are gone (section 21.2)
    currency: str = "USD"


@dataclass
class RestRequest:
    """One REST request after parsing.

    Attributes:
        method: the effective method (after ``_method`` / ``X-HTTP-Method-Override``).
        route: the route as requested (``/wc/v3/customers/5``).
        query: the query string as PHP parsed it (unslashed).
        params: JSON body > form body > query > URL parameters (§1.3).
        body: the decoded JSON body, if a JSON body was sent.
        caller: the key the request runs as, None for anonymous.
    """

    method: str
    route: str
    query: dict[str, PhpParam]
    params: dict[str, Any]
    body: Any
    caller: RestCaller | None
    site: RestSite
    db: Database


@dataclass
class RestAnswer:
    """A handler's result: body, status and extra headers.

    ``is_list`` drops ``_links`` under ``_fields``; ``is_batch`` makes ``_fields`` give ``[]``.
    """

    body: Any
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    is_list: bool = False
    is_batch: bool = False


Handler = Callable[[RestRequest, dict[str, str]], RestAnswer]


@dataclass(frozen=True)
class RestRoute:
    """A route pattern (matched case-insensitively) and its handlers by method."""

    pattern: str
    handlers: dict[str, Handler]
    public: bool = False

    def match(self, route: str) -> re.Match[str] | None:
        """The match of ``route`` (case-insensitive, whole route)."""
        return re.fullmatch(self.pattern, route, re.IGNORECASE)

    @property
    def allow(self) -> list[str]:
        """The methods of the ``Allow`` header, in WordPress' order."""
        methods: list[str] = []
        for method in self.handlers:
            methods.extend(["POST", "PUT", "PATCH"] if method == "EDITABLE" else [method])
        return methods

    def handler(self, method: str) -> Handler | None:
        """The handler of ``method`` (POST, PUT and PATCH share the editable one)."""
        if method in self.handlers:
            return self.handlers[method]
        if method in ("POST", "PUT", "PATCH"):
            return self.handlers.get("EDITABLE")
        return None


class RestApp:
    """Answers requests under ``{home}/wp-json`` (and ``?rest_route=``)."""

    def __init__(self, site: RestSite, db: Database, routes: Iterable[RestRoute]) -> None:
        self.site = site
        self.db = db
        self.routes = list(routes)
        self._authenticator = RestAuthenticator(site.home_url, site.ssl, db)

    def respond(self, request: Request, raw_uri: str, route: str) -> Response:
        """Answer one request whose REST route is ``route``."""
        query = parse_query(raw_uri.partition("?")[2])
        method = self._effective_method(request, query)
        caller: RestCaller | None = None
        try:
            raw_body = b""
            if (request.content_length or 0) <= MAX_BODY_BYTES:
                # Like PHP past post_max_size, a larger body is not read at all.
                raw_body = request.get_data(cache=True)[: MAX_BODY_BYTES + 1]
            form: dict[str, PhpParam] = {}
            if request.method in ("POST", "PUT") and (request.mimetype or "") == (
                "application/x-www-form-urlencoded"
            ):
                form = parse_query(raw_body.decode("utf-8", "replace"))
            basic = None
            if request.authorization and request.authorization.type == "basic":
                basic = (request.authorization.username or "", request.authorization.password or "")
            caller = self._authenticator.authenticate(
                RestCredentials(
                    method=request.method.upper(),
                    raw_uri=raw_uri,
                    query=slashed(query),
                    form=slashed(form),
                    authorization=request.headers.get("Authorization"),
                    basic=basic,
                )
            )
            if caller is not None:
                check_key_permissions(caller, method)
            answer, matched = self._dispatch(request, method, route, query, form, raw_body, caller)
        except RestError as error:
            answer, matched = RestAnswer(error.body(), error.status), None
        return self._finish(request, method, query, answer, matched, caller)

    @staticmethod
    def _effective_method(request: Request, query: dict[str, PhpParam]) -> str:
        override = query.get("_method")
        if isinstance(override, str):
            return override.upper()
        header = request.headers.get("X-HTTP-Method-Override")
        return (header or request.method).upper()

    def _find_route(self, route: str) -> tuple[RestRoute, dict[str, str]] | None:
        path = route.rstrip("/") or "/"
        for candidate in self.routes:
            match = candidate.match(path)
            if match:
                return candidate, {k: v for k, v in match.groupdict().items() if v is not None}
        return None

    def _dispatch(
        self,
        request: Request,
        method: str,
        route: str,
        query: dict[str, PhpParam],
        form: dict[str, PhpParam],
        raw_body: bytes,
        caller: RestCaller | None,
    ) -> tuple[RestAnswer, RestRoute | None]:
        found = self._find_route(route)
        if method == "OPTIONS":
            if found is None:
                return RestAnswer([]), None
            return RestAnswer(self._describe(found[0])), found[0]
        if found is None:
            raise no_route()
        target, url_params = found
        handler = target.handler("GET" if method == "HEAD" else method)
        if handler is None:
            raise no_route()
        body: Any = None
        params: dict[str, Any] = {**url_params, **query}
        if raw_body and (request.mimetype or "").lower() == "application/json":
            try:
                body = json.loads(raw_body.decode("utf-8"))
            except (UnicodeError, ValueError):
                raise RestError(
                    400,
                    "rest_invalid_json",
                    "Invalid JSON body passed.",
                    json_error_code=4,
                    json_error_message="Syntax error",
                ) from None
        params.update(form)
        if isinstance(body, dict):
            params.update(body)
        rest_request = RestRequest(method, route, query, params, body, caller, self.site, self.db)
        try:
            return handler(rest_request, url_params), target
        except RestError as error:
            return RestAnswer(error.body(), error.status), target

    def _describe(self, route: RestRoute) -> dict[str, Any]:
        """The OPTIONS answer: the route's namespace and methods (arguments not described)."""
        namespace = "wc/v3" if "wc/v3" in route.pattern else ""
        return {
            "namespace": namespace,
            "methods": route.allow,
            "endpoints": [{"methods": route.allow, "args": {}}],
        }

    def _finish(
        self,
        request: Request,
        method: str,
        query: dict[str, PhpParam],
        answer: RestAnswer,
        matched: RestRoute | None,
        caller: RestCaller | None,
    ) -> Response:
        home = self.site.home_url
        headers: list[tuple[str, str]] = [
            ("X-Robots-Tag", "noindex"),
            ("X-Content-Type-Options", "nosniff"),
            ("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link"),
            (
                "Access-Control-Allow-Headers",
                "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type",
            ),
        ]
        extra = list(answer.headers)
        if not any(name == "Link" for name, _ in extra):
            headers.append(("Link", f'<{home}/wp-json/>; rel="https://api.w.org/"'))
        if matched is not None and (caller is not None or matched.public):
            headers.append(("Allow", ", ".join(matched.allow)))
        if caller is not None:
            headers.append(("Expires", "Wed, 11 Jan 1984 05:00:00 GMT"))
            headers.append(
                ("Cache-Control", "no-cache, must-revalidate, max-age=0, no-store, private")
            )
        else:
            headers.append(("Vary", "Origin"))
        headers.extend(extra)
        body = answer.body
        fields = query.get("_fields")
        if isinstance(fields, str) and answer.status < 400:
            body = _trim(body, fields, answer.is_list, answer.is_batch)
        status = answer.status
        if "_envelope" in query:
            envelope_headers: dict[str, Any] = {}
            for name, value in extra + [h for h in headers if h[0] == "Allow"]:
                envelope_headers[name] = int(value) if value.isdigit() else value
            body, status = {"body": body, "status": status, "headers": envelope_headers}, 200
            headers = [h for h in headers if h not in extra]
        payload = phpjson.dumps(body)
        if "_pretty" in query:
            payload = json.dumps(body, indent=4).replace("/", "\\/").encode("ascii")
        content_type = JSON_TYPE
        callback = query.get("_jsonp")
        if isinstance(callback, str):
            if _JSONP_INVALID.search(callback):
                # The check runs before the request is served; its error has no "data".
                status = 400
                payload = phpjson.dumps(
                    {"code": "rest_callback_invalid", "message": "Invalid JSONP callback function."}
                )
            else:
                content_type = JSONP_TYPE
                payload = b"/**/" + callback.encode() + b"(" + payload + b")"
        if request.method == "HEAD" or method == "HEAD":
            payload = b""
        response = Response(payload, status, content_type=content_type)
        for name, value in headers:
            response.headers.add(name, value)
        return response


def _trim_one(item: Any, names: list[str], keep_links: bool) -> Any:
    if not isinstance(item, dict):
        return item
    out: dict[str, Any] = {}
    for key, value in item.items():
        if key in names or (key == "_links" and keep_links):
            out[key] = value
            continue
        children = [name.split(".", 1)[1] for name in names if name.startswith(key + ".")]
        if children and isinstance(value, dict):
            out[key] = _trim_one(value, children, False)
    return out


def _trim(body: Any, fields: str, is_list: bool, is_batch: bool) -> Any:
    """``_fields`` (§4.8): nested names; lists drop ``_links`` unless named; batch gives ``[]``."""
    names = [name.strip() for name in fields.split(",") if name.strip()]
    if is_batch:
        return []  # the top-level object has none of the item fields (§9.4)
    if isinstance(body, list):
        return [_trim_one(item, names, False) for item in body]
    return _trim_one(body, names, not is_list)


def link_header(
    home_url: str, route: str, query: dict[str, PhpParam], page: int, total_pages: int
) -> list[tuple[str, str]]:
    """The paging ``Link`` (§4.6): prev (clamped to the last page) and next, echoing the query."""

    def url(number: int) -> str:
        pairs: list[tuple[str, str]] = []
        placed = False
        for name, value in query.items():
            if name == "page":
                pairs.append(("page", str(number)))
                placed = True
            elif isinstance(value, dict):
                pairs.extend((f"{name}[{inner}]", item) for inner, item in value.items())
            else:
                pairs.append((name, value))
        if not placed:
            pairs.append(("page", str(number)))
        text = "&".join(f"{quote(k, safe='[]')}={quote(v, safe='')}" for k, v in pairs)
        return f"{home_url}/wp-json{route}?{text}"

    links: list[str] = []
    if page > 1:
        links.append(f'<{url(min(page - 1, total_pages))}>; rel="prev"')
    if total_pages > page:
        links.append(f'<{url(page + 1)}>; rel="next"')
    return [("Link", ", ".join(links))] if links else []


def is_true(value: Any) -> bool | None:
    """A REST boolean: JSON booleans, ``true/false/1/0`` in any case; None if not a boolean."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in ("true", "1", "false", "0", ""):
        return value.lower() in ("true", "1")
    return None


def not_empty(value: Any) -> bool:
    """PHP truthiness for a request value."""
    return not php_empty(value) and value not in (False, 0, None)
