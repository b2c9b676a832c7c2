"""The demo store's WSGI application: one request from raw HTTP to a WooCommerce answer.

This module owns the legacy API's request pipeline, modelled on WordPress' request handling and
the PHP server's ``serve_request``; requests to ``{home}/wp-json/…`` and ``?rest_route=`` are
handed to the modern API (:mod:`app.demo_store.rest`) before any of it:

1. the raw request line, as PHP and WordPress see it (:mod:`app.demo_store.phpquery`): magic
   quotes on ``$_GET`` and on ``REQUEST_URI``, the route taken undecoded from ``REQUEST_URI``;
2. WordPress' rewrite rules: ``/wc-api/v1..3`` is the legacy API, any other ``/wc-api/…`` is the
   payment-callback endpoint (400 ``-1``), the rest is not the store's business (404 page);
3. a store without the legacy API answers ``woocommerce_api_disabled`` to all of it;
4. the method override (``?_method`` upper-cased, the header used verbatim), authentication
   before routing (an unauthenticated request to an unknown route gets the authentication
   error), an unsupported method refused after it, dispatch on the decoded route, the body
   decoded only for routes that take data;
5. JSONP applied after the handler ran (an invalid callback is still used as the wrapper),
   HEAD answered without a body.

Nothing a client sends makes it answer a traceback: an unexpected failure is logged and answered
as a real store's "critical error" 500 (or, with ``friendly_errors``, a demo-store error).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from app.demo_store import phpjson
from app.demo_store.auth import Authenticator, Credentials
from app.demo_store.context import Caller, RequestContext, StoreSettings
from app.demo_store.errors import (
    ApiError,
    JsonpHandling,
    StoreError,
    api_disabled,
    auth_error,
    critical_error,
    no_route,
)
from app.demo_store.phpquery import (
    PhpParam,
    add_slashes,
    parse_query,
    php_empty,
    slashed,
    urldecode,
)
from app.demo_store.rest.app import modern_api
from app.demo_store.routes import ROUTES, Answer, Call, Route
from app.demo_store.schema import Database

log = logging.getLogger("app.demo_store")

#: Larger request bodies are not read: like PHP past ``post_max_size``, the store sees no body
#: (or, with ``friendly_errors``, answers 413).
MAX_BODY_BYTES = 10 * 1024 * 1024
SUPPORTED_METHODS = ("HEAD", "GET", "POST", "PUT", "PATCH", "DELETE")
JSON_TYPE = "application/json; charset=UTF-8"
JSONP_TYPE = "application/javascript; charset=UTF-8"
HTML_TYPE = "text/html; charset=UTF-8"
#: PHP's ``\W`` without the ``u`` flag: any byte but ASCII letters, digits and ``_``.
_JSONP_INVALID = re.compile(rb"[^A-Za-z0-9_]")
#: WordPress' rewrite rules for the legacy API (matched on the path without its outer slashes).
_API_INDEX = re.compile(r"^wc-api/v([1-3])/?$")
_API_ROUTE = re.compile(r"^wc-api/v(?P<version>[1-3])(?P<route>.*)$", re.DOTALL)
#: WooCommerce's ``wc-api`` endpoint (payment callbacks): anything else under ``/wc-api/``.
_CALLBACK_ENDPOINT = re.compile(r"^wc-api/.+$", re.DOTALL)
_NOT_FOUND_PAGE = (
    b"<!DOCTYPE html><html><head><title>Page not found</title></head>"
    b"<body><h1>Oops! That page can&rsquo;t be found.</h1></body></html>"
)


@dataclass(frozen=True)
class ApiRequest:
    """A legacy API request as WordPress hands it to WooCommerce.

    Attributes:
        version: the API version in the URL (1, 2 or 3).
        route: ``$this->path``: the route exactly as it stood in the (slashed) ``REQUEST_URI``,
            still percent-encoded, outer slashes trimmed (``/customers/email/a%252Bb@x.com``).
        params: ``$_GET`` after magic quotes.
    """

    version: str
    route: str
    params: dict[str, PhpParam]

    @property
    def dispatch_path(self) -> str:
        """The route the dispatcher matches: decoded once (``urldecode``)."""
        return urldecode(self.route)


class StoreApp:
    """A WSGI application serving one demo store: the legacy API here, the modern one in rest."""

    def __init__(self, settings: StoreSettings, db: Database) -> None:
        self.settings = settings
        self.db = db
        self._authenticator = Authenticator(settings, db)
        self._rest = modern_api(settings, db)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        """Answer one request."""
        request = Request(environ)
        try:
            response = self._respond(request)
        except Exception:
            log.exception("demo store failed on %s %s", request.method, request.full_path)
            response = self._crash_response(request)
        finally:
            self.db.release()
        return response(environ, start_response)

    def _crash_response(self, request: Request) -> Response:
        if self.settings.friendly_errors:
            body = ApiError(
                500,
                "demo_store_internal_error",
                "The demo store failed to answer this request; see its log.",
            ).envelope()
        else:
            body = critical_error().body()
        response = _json_response(body, 500)
        if request.method == "HEAD":
            response.set_data(b"")
        return response

    # -- the raw request ------------------------------------------------------------------

    def _request_uri(self, request: Request) -> str:
        """``$_SERVER['REQUEST_URI']``: path and query as sent, undecoded (not yet slashed)."""
        environ = request.environ
        raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
        if not raw:
            query = environ.get("QUERY_STRING", "")
            raw = quote(request.path) + (f"?{query}" if query else "")
        # The WSGI server hands the request line over as latin-1 text of its bytes.
        return raw.encode("latin-1", "replace").decode("utf-8", "replace")

    def _relative_path(self, path: str) -> str | None:
        """The path inside the site, outer slashes trimmed, or None outside the site."""
        home_path = self.settings.home_path
        if home_path:
            if not path.startswith(home_path):
                return None
            path = path[len(home_path) :]
        return path.strip("/")

    def _api_request(self, request_uri: str) -> ApiRequest | Response | None:
        """What the rewrite rules make of the request: an API request, an answer, or None."""
        raw_path, _, raw_query = request_uri.partition("?")
        params = slashed(parse_query(raw_query))
        relative = self._relative_path(add_slashes(raw_path))
        if relative is None:
            return None
        index = _API_INDEX.match(relative)
        if index:
            return ApiRequest(index.group(1), "/", params)
        match = _API_ROUTE.match(relative)
        if match:
            return ApiRequest(match.group("version"), match.group("route"), params)
        if _CALLBACK_ENDPOINT.match(relative) or not php_empty(params.get("wc-api")):
            # No payment gateway answers this callback: WooCommerce says 400 and dies with -1.
            return Response(b"-1", 400, content_type=HTML_TYPE)
        version, route = params.get("wc-api-version"), params.get("wc-api-route")
        if relative == "" and version in ("1", "2", "3") and isinstance(route, str):
            # Without pretty permalinks; the plugin keeps only [a-zA-Z0-9_/-] of the route.
            return ApiRequest(version, re.sub(r"[^a-zA-Z0-9_/-]", "", route) or "/", params)
        return None

    # -- the pipeline ---------------------------------------------------------------------

    def _rest_route(self, request_uri: str) -> str | None:
        """The REST route of a ``/wp-json/...`` or ``?rest_route=`` request, else None."""
        raw_path, _, raw_query = request_uri.partition("?")
        relative = self._relative_path(raw_path)
        if relative is None:
            return None
        if relative == "wp-json" or relative.startswith("wp-json/"):
            return "/" + urldecode(relative[len("wp-json") :].lstrip("/"))
        route = parse_query(raw_query).get("rest_route")
        if relative in ("", "index.php") and isinstance(route, str):
            return route or "/"
        return None

    def _respond(self, request: Request) -> Response:
        request_uri = self._request_uri(request)
        rest_route = self._rest_route(request_uri)
        if rest_route is not None:
            return self._rest.respond(request, request_uri, rest_route)
        found = self._api_request(request_uri)
        if found is None:
            return Response(_NOT_FOUND_PAGE, 404, content_type=HTML_TYPE)
        if isinstance(found, Response):
            return found
        api = found
        if self.settings.legacy_api_disabled or self.settings.api == "modern":
            return self._finish(request, request.method, api.params, api_disabled())
        method = self._effective_method(request, api.params)
        try:
            answer: Answer | StoreError = self._serve(request, api, method)
        except StoreError as error:
            answer = error
        return self._finish(request, method, api.params, answer)

    @staticmethod
    def _effective_method(request: Request, params: Mapping[str, PhpParam]) -> str:
        """``?_method`` upper-cased (an empty one too), else the override header as sent."""
        if "_method" in params:
            override = params["_method"]
            # strtoupper() of an array is null, which no route answers.
            return _ascii_upper(override) if isinstance(override, str) else ""
        header = request.headers.get("X-HTTP-Method-Override")
        if header is not None:
            return header  # used verbatim: "put" is not a method the server knows
        return _ascii_upper(request.method)

    def _serve(self, request: Request, api: ApiRequest, method: str) -> Answer:
        if api.version != "3":
            self._refuse_older_versions(request, api)
        if api.route == "/":
            caller = Caller(0)
        else:
            basic = None
            if request.authorization and request.authorization.type == "basic":
                basic = (
                    add_slashes(request.authorization.username or ""),
                    add_slashes(request.authorization.password or ""),
                )
            caller = self._authenticator.authenticate(
                Credentials(
                    method=method,
                    route=api.dispatch_path,
                    params=api.params,
                    basic=basic,
                    signed_route=api.route,
                )
            )
        if api.version != "3":
            raise no_route()  # v1 and v2 are other APIs, not served by the demo store
        if method not in SUPPORTED_METHODS:
            raise ApiError(400, "woocommerce_api_unsupported_method", "Unsupported request method")
        routed_method = "GET" if method == "HEAD" else method
        path = api.dispatch_path
        for route in ROUTES:
            match = route.match(path)
            if match and routed_method in route.methods:
                return self._call(request, route, match, api, caller)
        raise no_route()

    def _refuse_older_versions(self, request: Request, api: ApiRequest) -> None:
        """v1/v2 keep their own authentication; over HTTPS without any key they say so."""
        has_query_key = not php_empty(api.params.get("consumer_key"))
        has_basic = bool(request.authorization and request.authorization.username)
        if self.settings.ssl and not has_query_key and not has_basic:
            raise auth_error(404, "Consumer key is missing.")

    def _call(
        self, request: Request, route: Route, match: re.Match[str], api: ApiRequest, caller: Caller
    ) -> Answer:
        args: dict[str, PhpParam] = dict(match.groupdict())
        args.update(api.params)  # query-string values override path values, as in PHP
        data: Any = None
        if route.accepts_data:
            data = self._json_body(request)
            if data is None:
                raise ApiError(
                    400, "woocommerce_api_missing_callback_param", "Missing parameter data"
                )
        call = Call(
            args={name: _urldecode_deep(value) for name, value in args.items()},
            data=data,
            params=api.params,
            request_path=request.path,
        )
        context = RequestContext(self.settings, self.db, caller)
        return route.handler(context, call)

    def _json_body(self, request: Request) -> Any:
        """``json_decode($body, true)``; None for no body, a body too large, or invalid JSON."""
        too_large = ApiError(
            413,
            "demo_store_request_too_large",
            f"The request body is larger than {MAX_BODY_BYTES // (1024 * 1024)} MB.",
        )
        if (request.content_length or 0) > MAX_BODY_BYTES:
            if self.settings.friendly_errors:
                raise too_large
            return None
        try:
            raw = request.stream.read(MAX_BODY_BYTES + 1)
        except (HTTPException, OSError, ValueError):
            return None  # a body that cannot be read (e.g. broken chunking) is no body
        if len(raw) > MAX_BODY_BYTES:
            if self.settings.friendly_errors:
                raise too_large
            return None
        try:
            data = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
            # PHP's decoder refuses unpaired UTF-16 surrogates; Python lets them through.
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except (UnicodeError, ValueError, RecursionError):
            return None
        return data

    def _finish(
        self,
        request: Request,
        method: str,
        params: Mapping[str, PhpParam],
        answer: Answer | StoreError,
    ) -> Response:
        """Write the answer: JSON, or JSONP when ``_jsonp`` is given; no body for HEAD."""
        if isinstance(answer, Answer):
            body, status, headers = answer.body, answer.status, list(answer.headers)
            jsonp = JsonpHandling.WRAP
        else:
            body, status, jsonp = answer.body(), answer.status, answer.jsonp
            headers = list(answer.headers.items())
        callback = params.get("_jsonp")
        if callback is None or jsonp is JsonpHandling.IGNORE:
            response = _json_response(body, status)
        elif jsonp is JsonpHandling.TYPE_ONLY:
            response = Response(phpjson.dumps(body), status, content_type=JSONP_TYPE)
        else:
            # PHP prints an array parameter as "Array"; a callback with anything but letters,
            # digits and "_" turns the answer into an error, still wrapped in that callback.
            name = (callback if isinstance(callback, str) else "Array").encode("utf-8")
            if isinstance(callback, str) and _JSONP_INVALID.search(name):
                status = 400
                body = [
                    {
                        "code": "woocommerce_api_jsonp_callback_invalid",
                        "0": "The JSONP callback function is invalid",
                    }
                ]
            payload = b"/**/" + name + b"(" + phpjson.dumps(body) + b")"
            response = Response(payload, status, content_type=JSONP_TYPE)
            response.headers["X-Content-Type-Options"] = "nosniff"
        for name_, value in headers:
            if "\r" in value or "\n" in value:
                continue  # PHP's header() refuses a value with a line break and sends nothing
            # PHP sends header text as raw UTF-8 bytes; WSGI header strings are Latin-1.
            response.headers.add(name_, value.encode("utf-8").decode("latin-1"))
        if method == "HEAD" or request.method == "HEAD":
            response.set_data(b"")
        return response


def _json_response(body: Any, status: int) -> Response:
    return Response(phpjson.dumps(body), status, content_type=JSON_TYPE)


def _ascii_upper(text: str) -> str:
    """PHP's ``strtoupper``: ASCII letters only."""
    return text.translate(_ASCII_UPPER)


_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _refuse_constant(name: str) -> Any:
    """NaN and Infinity are not JSON; PHP's decoder refuses them."""
    raise ValueError(f"{name} is not valid JSON")


def _urldecode_deep(value: PhpParam) -> PhpParam:
    """The API's extra ``urldecode`` of every argument (``+`` becomes a space)."""
    if isinstance(value, dict):
        return {key: urldecode(item) for key, item in value.items()}
    return urldecode(value)
