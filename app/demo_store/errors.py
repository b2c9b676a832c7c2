"""The error a demo store handler raises, and the envelope it becomes on the wire."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error answered as ``{"errors":[{"code":…,"message":…}]}`` with an HTTP status.

    Attributes:
        status: HTTP status code.
        code: WooCommerce's machine-readable code (``woocommerce_api_…``).
        message: WooCommerce's human-readable message, exactly as a real store words it.
        headers: extra response headers (e.g. ``WWW-Authenticate``).
    """

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def as_item(self) -> dict[str, str]:
        """The ``{"code","message"}`` object used in envelopes and bulk results."""
        return {"code": self.code, "message": self.message}

    def envelope(self) -> dict[str, Any]:
        """The whole error body."""
        return {"errors": [self.as_item()]}


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
