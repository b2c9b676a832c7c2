"""The demo store's WSGI application: one request from raw HTTP to a WooCommerce answer.

Processing follows the PHP server's ``serve_request``: method override, authentication before
routing (so an unauthenticated request to an unknown route gets the authentication error),
dispatch, the body decoded only for routes that take data, JSONP applied after the handler ran,
and HEAD answered without a body. Nothing a client sends can make it answer a traceback: an
unexpected failure is logged and answered as a JSON 500.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, unquote_plus

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from app.api.oauth import PhpParam, php_query_params
from app.demo_store import phpjson
from app.demo_store.auth import Authenticator, Credentials
from app.demo_store.context import Caller, RequestContext, StoreSettings
from app.demo_store.errors import ApiError, no_route
from app.demo_store.routes import ROUTES, Answer, Call, Route
from app.demo_store.schema import Database

log = logging.getLogger("app.demo_store")

#: Larger request bodies are refused before they are read (a PHP host has a similar cap).
MAX_BODY_BYTES = 10 * 1024 * 1024
SUPPORTED_METHODS = ("HEAD", "GET", "POST", "PUT", "PATCH", "DELETE")
JSON_TYPE = "application/json; charset=UTF-8"
JSONP_TYPE = "application/javascript; charset=UTF-8"
_JSONP_CALLBACK = re.compile(r"^[A-Za-z0-9_.]+$")
#: WordPress' rewrite rules: ``wc-api/vN`` with an optional slash is the index, and anything
#: after ``wc-api/vN`` is the route (so ``/wc-api/v3customers`` routes "customers" and fails).
_API_INDEX = re.compile(r"^/wc-api/v[1-3]/?$")
_API_PATH = re.compile(r"^/wc-api/v(?P<version>[1-3])(?P<route>.*)$", re.DOTALL)
_SANITIZE_KEY = re.compile(r"[^a-z0-9_-]")
_NOT_FOUND_PAGE = (
    b"<!DOCTYPE html><html><head><title>Page not found</title></head>"
    b"<body><h1>Oops! That page can&rsquo;t be found.</h1></body></html>"
)


class StoreApp:
    """A WSGI application serving ``/wc-api/v3`` of one demo store."""

    def __init__(self, settings: StoreSettings, db: Database) -> None:
        self.settings = settings
        self.db = db
        self._authenticator = Authenticator(settings, db)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        """Answer one request."""
        request = Request(environ)
        try:
            response = self._respond(request)
        except Exception:
            log.exception("demo store failed on %s %s", request.method, request.full_path)
            response = _json_response(
                ApiError(
                    500,
                    "demo_store_internal_error",
                    "The demo store failed to answer this request; see its log.",
                ).envelope(),
                500,
            )
        finally:
            self.db.release()
        return response(environ, start_response)

    def _respond(self, request: Request) -> Response:
        route_path = self._route_path(request)
        if route_path is None:
            return Response(_NOT_FOUND_PAGE, 404, content_type="text/html; charset=UTF-8")
        query = request.query_string.decode("utf-8", "replace")
        params = php_query_params(parse_qsl(query, keep_blank_values=True))
        method = self._effective_method(request, params)
        try:
            answer = self._serve(request, route_path, method, params)
        except ApiError as error:
            answer = Answer(error.envelope(), error.status, list(error.headers.items()))
        return self._finish(request, method, params, answer)

    def _route_path(self, request: Request) -> str | None:
        """The API route of the request, or None when it is not an API request."""
        path = request.path
        home_path = self.settings.home_path
        if home_path:
            if not path.startswith(home_path):
                return None
            path = path[len(home_path) :] or "/"
        match = _API_PATH.match(path)
        if match:
            if match.group("version") != "3":
                return "\0"  # v1 and v2 are other APIs, not served here
            return "/" if _API_INDEX.match(path) else match.group("route")
        version = request.args.get("wc-api-version")
        route = request.args.get("wc-api-route")
        if path == "/" and version == "3" and route is not None:
            return re.sub(r"[^a-zA-Z0-9_/-]", "", route) or "/"
        return None

    def _raw_route(self, request: Request) -> str:
        """The route as sent, undecoded, as WordPress takes it from ``REQUEST_URI``.

        WordPress trims the slashes around the request path before matching its rewrite rules,
        so a trailing slash is not part of the route (a client that signs it is refused).
        """
        environ = request.environ
        raw = environ.get("REQUEST_URI") or environ.get("RAW_URI") or quote(request.path)
        # The WSGI server hands the request line over as latin-1 text of its bytes.
        path = raw.split("?", 1)[0].encode("latin-1", "replace").decode("utf-8", "replace")
        home_path = self.settings.home_path
        if home_path and path.startswith(home_path):
            path = path[len(home_path) :]
        match = _API_PATH.match(path)
        return match.group("route").rstrip("/") if match else ""

    @staticmethod
    def _effective_method(request: Request, params: Mapping[str, PhpParam]) -> str:
        override = params.get("_method")
        if not isinstance(override, str) or not override:
            override = request.headers.get("X-HTTP-Method-Override", "")
        if override:
            return _SANITIZE_KEY.sub("", override.lower()).upper()
        return request.method.upper()

    def _serve(
        self, request: Request, route_path: str, method: str, params: Mapping[str, PhpParam]
    ) -> Answer:
        if route_path == "/":
            caller = Caller(0)
        else:
            basic = None
            if request.authorization and request.authorization.type == "basic":
                basic = (
                    request.authorization.username or "",
                    request.authorization.password or "",
                )
            caller = self._authenticator.authenticate(
                Credentials(
                    method=method,
                    route=route_path,
                    params=params,
                    basic=basic,
                    signed_route=self._raw_route(request),
                )
            )
        if method not in SUPPORTED_METHODS:
            raise ApiError(400, "woocommerce_api_unsupported_method", "Unsupported request method")
        routed_method = "GET" if method == "HEAD" else method
        for route in ROUTES:
            match = route.match(route_path)
            if match and routed_method in route.methods:
                return self._call(request, route, match, params, caller)
        raise no_route()

    def _call(
        self,
        request: Request,
        route: Route,
        match: re.Match[str],
        params: Mapping[str, PhpParam],
        caller: Caller,
    ) -> Answer:
        args: dict[str, PhpParam] = dict(match.groupdict())
        args.update(params)  # query-string values override path values, as in PHP
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
            params=params,
            request_path=request.path,
        )
        context = RequestContext(self.settings, self.db, caller)
        return route.handler(context, call)

    @staticmethod
    def _json_body(request: Request) -> Any:
        too_large = ApiError(
            413,
            "demo_store_request_too_large",
            f"The request body is larger than {MAX_BODY_BYTES // (1024 * 1024)} MB.",
        )
        if (request.content_length or 0) > MAX_BODY_BYTES:
            raise too_large
        try:
            raw = request.stream.read(MAX_BODY_BYTES + 1)
        except (HTTPException, OSError, ValueError):
            return None  # a body that cannot be read (e.g. broken chunking) is no body
        if len(raw) > MAX_BODY_BYTES:
            raise too_large
        try:
            data = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
            # PHP's decoder refuses unpaired UTF-16 surrogates; Python lets them through.
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except (UnicodeError, ValueError, RecursionError):
            return None
        return data

    def _finish(
        self, request: Request, method: str, params: Mapping[str, PhpParam], answer: Answer
    ) -> Response:
        callback = params.get("_jsonp")
        if callback is not None:
            if not isinstance(callback, str) or not _JSONP_CALLBACK.match(callback):
                body = [
                    {
                        "code": "woocommerce_api_jsonp_callback_invalid",
                        "0": "The JSONP callback function is invalid",
                    }
                ]
                response = Response(phpjson.dumps(body), 400, content_type=JSONP_TYPE)
            else:
                payload = b"/**/" + callback.encode() + b"(" + phpjson.dumps(answer.body) + b")"
                response = Response(payload, answer.status, content_type=JSONP_TYPE)
            response.headers["X-Content-Type-Options"] = "nosniff"
        else:
            response = _json_response(answer.body, answer.status)
        for name, value in answer.headers:
            if "\r" in value or "\n" in value:
                continue  # PHP's header() refuses a value with a line break and sends nothing
            # PHP sends header text as raw UTF-8 bytes; WSGI header strings are Latin-1.
            response.headers.add(name, value.encode("utf-8").decode("latin-1"))
        if method == "HEAD":
            response.set_data(b"")
        return response


def _json_response(body: Any, status: int) -> Response:
    return Response(phpjson.dumps(body), status, content_type=JSON_TYPE)


def _refuse_constant(name: str) -> Any:
    """NaN and Infinity are not JSON; PHP's decoder refuses them."""
    raise ValueError(f"{name} is not valid JSON")


def _urldecode_deep(value: PhpParam) -> PhpParam:
    """The API's extra ``urldecode`` of every argument (``+`` becomes a space)."""
    if isinstance(value, dict):
        return {key: unquote_plus(item) for key, item in value.items()}
    return unquote_plus(value)
