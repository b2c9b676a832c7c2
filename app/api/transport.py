"""HTTP to one store: authentication per request, timeouts, retries, and answers as errors.

One ``requests.Session`` per thread (sessions are not thread-safe; each pools its connections).
Every attempt is signed anew (OAuth nonces are single-use). Idempotent requests are retried on
connection failures, truncated answers, 5xx and 429 with exponential backoff and jitter,
honouring ``Retry-After``. Writes are never retried blindly: when a write's answer is lost the
caller gets :class:`~app.errors.UnclearWriteError` and decides (a create checks by email first).

Which API it speaks is an :class:`ApiFlavor`: the API root below the store's address, how an
answer's error body is read, and how OAuth values are signed. The default is the legacy v3 API;
:data:`app.api.rest_transport.REST_API` is the modern ``/wp-json/wc/v3`` one.
"""

from __future__ import annotations

import email.utils
import logging
import random
import secrets
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, quote_plus

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NameResolutionError, NewConnectionError

from app import __version__
from app.api import oauth
from app.api.connection import AuthMode, StoreConnection
from app.api.errors import CRASH_CODE, error_for_non_json, error_from_envelope
from app.errors import (
    AppError,
    AuthError,
    CancelledError,
    NetworkError,
    ProtocolError,
    RateLimitedError,
    ServerError,
    UnclearWriteError,
)
from app.logs.masking import mask_logging

log = logging.getLogger("app.api")

USER_AGENT = f"WooCustomers/{__version__} python-requests/{requests.__version__}"
_IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE"})


def api_value(value: str) -> str:
    """Encode an argument so it survives the store's extra URL-decoding (section 1.3).

    The store decodes ``filter[...]``, ``fields``, ``page`` and the email route once more than
    HTTP does, so a ``+`` or ``%`` sent plainly would change; sending them form-encoded once
    more brings the exact value through.
    """
    return quote_plus(value, safe="@:,*")


#: Reads an answer's decoded body: the error it stands for, or None for a success.
ErrorReader = Callable[[int, Any], AppError | None]
#: Reads an answer that is not JSON: (status, content type, text) -> the error.
NonJsonReader = Callable[[int, str, str], AppError]


def legacy_error(status: int, body: Any) -> AppError | None:
    """The legacy v3 reader: ``{"errors":[…]}`` bodies, also the ones 2.4.0 sent with 200."""
    if status >= 400 or (isinstance(body, dict) and set(body) == {"errors"}):
        return error_from_envelope(status, body)
    return None


@dataclass(frozen=True)
class ApiFlavor:
    """What differs between the WooCommerce APIs at the transport level.

    Attributes:
        root_path: the API root below the store's address (``/wc-api/v3``).
        read_error: the error an answer's decoded body stands for, or None.
        read_non_json: the error for an answer that is not JSON.
        decode_signed_values: whether OAuth values are decoded once more before signing
            (the legacy rule; the modern API signs them as parsed).
    """

    root_path: str = "/wc-api/v3"
    read_error: ErrorReader = legacy_error
    read_non_json: NonJsonReader = error_for_non_json
    decode_signed_values: bool = True


#: The legacy v3 API (``/wc-api/v3``), the default.
LEGACY_API = ApiFlavor()


class CancelToken:
    """Cooperative cancellation shared between a caller and the work it started."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the work to stop at its next check."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """Whether cancellation was asked for."""
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        """Stop here if cancelled.

        Raises:
            CancelledError: when cancellation was asked for.
        """
        if self._event.is_set():
            raise CancelledError("Cancelled.")

    def wait(self, seconds: float) -> None:
        """Sleep, waking early (and raising) if cancelled meanwhile."""
        if self._event.wait(seconds):
            raise CancelledError("Cancelled.")


@dataclass(frozen=True)
class ApiResponse:
    """A successful answer: status, headers and the decoded JSON body."""

    status: int
    headers: Mapping[str, str]
    body: Any

    def header_int(self, name: str) -> int | None:
        """An integer header such as ``X-WC-Total``, or None when absent or malformed."""
        value = self.headers.get(name)
        try:
            return int(value) if value is not None else None
        except ValueError:
            return None


class Transport:
    """Sends requests to one store and turns every failure into an :class:`AppError`."""

    def __init__(
        self,
        connection: StoreConnection,
        *,
        sleep: Callable[[float], None] | None = None,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.time,
        flavor: ApiFlavor = LEGACY_API,
    ) -> None:
        self.connection = connection
        self.flavor = flavor
        #: The API root every route is below (``https://shop.example.com/wc-api/v3``).
        self.api_url = connection.url + flavor.root_path
        self._sleep = sleep
        self._random = rng or random.Random()
        self._clock = clock
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()
        # urllib3 logs each request line with its query: OAuth's signature, query auth's keys.
        mask_logging()

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            size = max(self.connection.concurrency, 2)
            adapter = HTTPAdapter(pool_connections=size, pool_maxsize=size, max_retries=0)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def redact(self, text: str) -> str:
        """``text`` without the consumer secret (URLs in errors carry it in query mode)."""
        secret = self.connection.consumer_secret
        for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
            text = text.replace(form, "***")
        return text

    def close(self) -> None:
        """Close every thread's session."""
        with self._lock:
            for session in self._sessions:
                session.close()
            self._sessions.clear()
        self._local = threading.local()

    # -- building requests ---------------------------------------------------------------------

    def url_and_auth(
        self, method: str, route: str, params: Sequence[tuple[str, str]], *, sign: bool = True
    ) -> tuple[str, tuple[str, str] | None]:
        """The URL to send (signed or with keys, as the mode requires) and Basic credentials.

        ``route`` is the path below the API root as the store will decode it; ``params`` hold
        the values as the store's PHP will see them; ``sign`` False sends no credentials.
        """
        connection = self.connection
        pairs = list(params)
        basic = None
        # WooCommerce signs the path exactly as sent (REQUEST_URI, not decoded): section 19.2.
        path = quote(route, safe="/@")
        mode = connection.effective_auth
        if not sign:
            pass
        elif mode is AuthMode.OAUTH:
            pairs += [
                ("oauth_consumer_key", connection.consumer_key),
                ("oauth_timestamp", str(int(self._clock()))),
                ("oauth_nonce", secrets.token_hex(16)),
                ("oauth_signature_method", "HMAC-SHA256"),
            ]
            base_uri = oauth.signature_base_uri(self.api_url, path)
            text = oauth.string_to_sign(
                method,
                base_uri,
                oauth.php_query_params(pairs),
                decode_values=self.flavor.decode_signed_values,
            )
            signature = oauth.signature(text, connection.consumer_secret, "HMAC-SHA256")
            pairs.append(("oauth_signature", signature))
        elif mode is AuthMode.QUERY:
            pairs += [
                ("consumer_key", connection.consumer_key),
                ("consumer_secret", connection.consumer_secret),
            ]
        else:
            basic = (connection.consumer_key, connection.consumer_secret)
        query = "&".join(f"{quote(k, safe='[]')}={quote(v, safe='')}" for k, v in pairs)
        url = self.api_url + path
        return (f"{url}?{query}" if query else url), basic

    # -- sending -----------------------------------------------------------------------------

    def request(
        self,
        method: str,
        route: str,
        params: Sequence[tuple[str, str]] = (),
        *,
        json_body: Any = None,
        idempotent: bool | None = None,
        cancel: CancelToken | None = None,
        sign: bool = True,
    ) -> ApiResponse:
        """Send a request, retrying what is safe to retry.

        Args:
            method: HTTP method.
            route: path below the API root (``/customers/2``).
            params: query parameters with their values as the store should see them.
            json_body: the JSON body, if any.
            idempotent: whether repeating the request is harmless (default: by method).
            cancel: stops the retries (and their waits) when cancelled.
            sign: whether to authenticate (the store's index needs no credentials).

        Raises:
            AppError: the failure, as the app's taxonomy names it.
        """
        method = method.upper()
        repeatable = method in _IDEMPOTENT if idempotent is None else idempotent
        attempt = 0
        while True:
            if cancel is not None:
                cancel.raise_if_cancelled()
            try:
                return self._attempt(method, route, params, json_body, repeatable, sign)
            except AppError as error:
                if not self._should_retry(error, repeatable, attempt):
                    raise
                delay = self._delay(error, attempt)
                log.info(
                    "retrying %s %s in %.1f s (attempt %d): %s",
                    method,
                    route,
                    delay,
                    attempt + 2,
                    error.log_text(),
                )
                self._wait(delay, cancel)
                attempt += 1

    def _should_retry(self, error: AppError, repeatable: bool, attempt: int) -> bool:
        if attempt >= self.connection.max_retries:
            return False
        if isinstance(error, UnclearWriteError):
            return False  # the caller must find out whether the write happened
        if isinstance(error, AuthError):
            # A reused nonce is refused before anything runs: re-signing fixes it.
            return "nonce has already been used" in error.detail.lower()
        if isinstance(error, RateLimitedError):
            return True  # a rate limiter answers before the store does anything
        return error.retryable and repeatable

    def _delay(self, error: AppError, attempt: int) -> float:
        ceiling = self.connection.max_backoff
        delay = min(ceiling, self.connection.backoff * 2.0**attempt)
        delay *= 0.5 + self._random.random() / 2  # jitter: parallel clients spread out
        if isinstance(error, RateLimitedError) and error.retry_after is not None:
            delay = max(delay, min(error.retry_after, ceiling))
        return delay

    def _wait(self, seconds: float, cancel: CancelToken | None) -> None:
        if self._sleep is not None:
            self._sleep(seconds)
        elif cancel is not None:
            cancel.wait(seconds)
        else:
            time.sleep(seconds)

    def _attempt(
        self,
        method: str,
        route: str,
        params: Sequence[tuple[str, str]],
        json_body: Any,
        repeatable: bool,
        sign: bool,
    ) -> ApiResponse:
        url, basic = self.url_and_auth(method, route, params, sign=sign)
        connection = self.connection
        started = time.perf_counter()
        try:
            response = self._session().request(
                method,
                url,
                json=json_body,
                auth=basic,
                timeout=(connection.connect_timeout, connection.read_timeout),
                verify=str(connection.ca_bundle) if connection.ca_bundle else True,
                allow_redirects=False,
            )
        except requests.exceptions.RequestException as error:
            raise self._network_error(error, repeatable) from error
        except OSError as error:  # e.g. the trusted certificate file vanished meanwhile
            failure = NetworkError(
                f"The connection could not be set up: {error.strerror or error}",
                detail=self.redact(str(error)),
            )
            failure.retryable = False
            raise failure from error
        log.debug(
            "%s %s -> %s in %.0f ms",
            method,
            route,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return self._interpret(response, repeatable)

    def _network_error(
        self, error: requests.exceptions.RequestException, repeatable: bool
    ) -> AppError:
        host = self.connection.url
        detail = self.redact(f"{type(error).__name__}: {error}")
        if isinstance(error, requests.exceptions.SSLError):
            tls = NetworkError(
                "The store's security certificate could not be verified. If the store uses a "
                "self-signed certificate, choose that certificate file to trust it.",
                detail=detail,
            )
            tls.retryable = False  # trying again cannot change the certificate
            return tls
        if isinstance(error, requests.exceptions.InvalidURL | requests.exceptions.InvalidSchema):
            invalid = NetworkError(f"The store address {host} cannot be used.", detail=detail)
            invalid.retryable = False
            return invalid
        reason = _root_cause(error)
        if isinstance(reason, NameResolutionError):
            return NetworkError(
                f"Could not find the store's server ({host}). Check the address and your "
                "internet connection.",
                detail=detail,
            )
        never_sent = isinstance(error, requests.exceptions.ConnectTimeout) or isinstance(
            reason, NewConnectionError
        )
        if never_sent:
            return NetworkError(
                f"Could not connect to the store ({host}). Check your internet connection; "
                "the store may be down.",
                detail=detail,
            )
        if isinstance(error, requests.exceptions.ReadTimeout):
            text = f"The store did not answer within {self.connection.read_timeout:g} seconds."
        elif isinstance(error, requests.exceptions.ChunkedEncodingError):
            text = "The connection to the store broke while its answer arrived."
        else:
            text = "The connection to the store broke before it answered."
        if repeatable:
            return NetworkError(text, detail=detail)
        return UnclearWriteError(
            f"{text} The change may or may not have been saved.", detail=detail
        )

    def _interpret(self, response: requests.Response, repeatable: bool) -> ApiResponse:
        status = response.status_code
        content_type = response.headers.get("Content-Type", "")
        if 300 <= status < 400:
            raise ProtocolError(
                f"The store redirected the request (HTTP {status} to "
                f"{response.headers.get('Location', '?')}). Use the store's final address.",
                status=status,
            )
        retry_after = _retry_after(response.headers.get("Retry-After"), self._clock)
        try:
            body = response.json()
        except ValueError:
            error = self.flavor.read_non_json(status, content_type, response.text)
            if isinstance(error, RateLimitedError):
                error.retry_after = retry_after
            if isinstance(error, ServerError) and not repeatable:
                # A proxy's error page says nothing about whether the store acted.
                return self._raise_unclear(error)
            if "json" in content_type and status < 400:
                error = ProtocolError(
                    "The store's answer was cut short or damaged.",
                    status=status,
                    detail=error.detail,
                )
                error.retryable = repeatable
            raise error from None
        # WooCommerce 2.4.0 answered some authentication errors with status 200 (legacy_error).
        failure = self.flavor.read_error(status, body)
        if failure is not None:
            if isinstance(failure, RateLimitedError):
                failure.retry_after = retry_after
            if failure.code == CRASH_CODE and not repeatable:
                # PHP died somewhere in the write: part of it may have been saved (19.4).
                return self._raise_unclear(failure)
            raise failure
        return ApiResponse(status, response.headers, body)

    @staticmethod
    def _raise_unclear(error: AppError) -> ApiResponse:
        raise UnclearWriteError(
            f"{error.message} The change may or may not have been saved.",
            status=error.status,
            detail=error.detail,
        )


def _root_cause(error: BaseException) -> BaseException | None:
    """The innermost urllib3 reason behind a requests exception."""
    seen: BaseException | None = error
    for _ in range(6):
        if seen is None:
            return None
        reason = getattr(seen, "reason", None)
        if reason is None and seen.args and isinstance(seen.args[0], BaseException):
            reason = seen.args[0]
        if reason is None or reason is seen:
            return seen
        seen = reason
    return seen


def _retry_after(value: str | None, clock: Callable[[], float]) -> float | None:
    """Seconds from a ``Retry-After`` header (a number, or an HTTP date)."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(float(when.timestamp()) - clock(), 0.0)
