"""The errors a demo store answers with, and the bodies they become on the wire.

This module owns every error shape the store can produce:

* :class:`ApiError`: the legacy API's envelope ``{"errors":[{"code":…,"message":…}]}``;
* :func:`critical_error`: what a real store answers when PHP dies (an uncaught error, a
  ``TypeError`` on odd input): WordPress' "critical error" 500 with HTML inside JSON, exactly as
  recorded (section 19.4). Everything that must fail like a crashing store raises this one, so
  the body lives in one place;
* :func:`crash`: the critical error, or a friendlier demo-store error when the store was started
  with ``friendly_errors`` (off by default: a demo store must not be kinder than a real one);
* :func:`api_disabled`: the answer of a store without the legacy API (section 19.5), whose
  ``errors`` is an object, not a list.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.demo_store.context import StoreSettings

#: WordPress' fatal-error answer for a JSON request (``wp_die`` after a PHP fatal error).
CRITICAL_ERROR_BODY: dict[str, Any] = {
    "code": "internal_server_error",
    "message": (
        "<p>There has been a critical error on this website.</p>"
        '<p><a href="https://wordpress.org/support/article/faq-troubleshooting/">'
        "Learn more about troubleshooting WordPress.</a></p>"
    ),
    "data": {"status": 500},
    "additional_errors": [],
}


class JsonpHandling(Enum):
    """What ``?_jsonp=`` does to an answer."""

    #: The API's own answers: ``/**/cb(…)`` as JavaScript.
    WRAP = "wrap"
    #: The disabled-API stub: JavaScript content type, body not wrapped.
    TYPE_ONLY = "type-only"
    #: WordPress' fatal-error answer: plain JSON whatever was asked.
    IGNORE = "ignore"


class StoreError(Exception):
    """An answer raised from anywhere in a request: status, body and extra headers.

    Attributes:
        status: HTTP status code.
        headers: extra response headers (e.g. ``WWW-Authenticate``).
        jsonp: what ``?_jsonp=`` does to this answer.
    """

    jsonp = JsonpHandling.WRAP

    def __init__(self, status: int, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.headers = headers or {}

    def body(self) -> Any:
        """The JSON body."""
        raise NotImplementedError


class ApiError(StoreError):
    """An error answered as ``{"errors":[{"code":…,"message":…}]}`` with an HTTP status.

    Attributes:
        code: WooCommerce's machine-readable code (``woocommerce_api_…``).
        message: WooCommerce's human-readable message, exactly as a real store words it.
    """

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status, headers)
        self.args = (f"{status} {code}: {message}",)
        self.code = code
        self.message = message

    def as_item(self) -> dict[str, str]:
        """The ``{"code","message"}`` object used in envelopes and bulk results."""
        return {"code": self.code, "message": self.message}

    def envelope(self) -> dict[str, Any]:
        """The whole error body."""
        return {"errors": [self.as_item()]}

    def body(self) -> Any:
        """The whole error body."""
        return self.envelope()


class CriticalError(StoreError):
    """WordPress' 500 after PHP died: never JSONP-wrapped, the same body whatever failed."""

    jsonp = JsonpHandling.IGNORE

    def __init__(self) -> None:
        super().__init__(500)

    def body(self) -> Any:
        """The critical-error body, a fresh copy."""
        return {**CRITICAL_ERROR_BODY, "data": {"status": 500}, "additional_errors": []}


class ApiDisabledError(StoreError):
    """The legacy API switched off or not installed (section 19.5)."""

    jsonp = JsonpHandling.TYPE_ONLY

    def __init__(self) -> None:
        super().__init__(404)

    def body(self) -> Any:
        """``errors`` is an object here, unlike every other legacy error."""
        return {
            "errors": {
                "code": "woocommerce_api_disabled",
                "message": "The WooCommerce API is disabled on this site",
            }
        }


def critical_error() -> CriticalError:
    """The 500 a real store answers when the request crashes PHP; raise it."""
    return CriticalError()


def crash(settings: StoreSettings, friendly: StoreError) -> StoreError:
    """What to raise where a real store crashes.

    The critical error, or ``friendly`` when the store runs with ``friendly_errors`` (a
    documented option, off by default).
    """
    return friendly if settings.friendly_errors else critical_error()


def api_disabled() -> ApiDisabledError:
    """The answer to every legacy request on a store without the legacy API."""
    return ApiDisabledError()


def auth_error(status: int, message: str, headers: dict[str, str] | None = None) -> ApiError:
    """An authentication failure; WooCommerce uses one code for all of them."""
    return ApiError(status, "woocommerce_api_authentication_error", message, headers)


def no_route() -> ApiError:
    """No route matches the path and method."""
    return ApiError(
        404,
        "woocommerce_api_no_route",
        "No route was found matching the URL and request method",
    )
