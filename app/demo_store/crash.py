"""Requests that crash a real store, and the answer WordPress gives when PHP dies.

This module owns the demo store's deliberate crashes (wc-api-v3-behavior.md section 19.4). Some
parameters make the legacy API's PHP fail outright on PHP 8: a non-numeric ``filter[limit]``
divides the page count by zero, and a ``filter`` that is text instead of ``filter[...]`` entries
is written to like an array. WordPress' fatal-error handler then answers 500 with its "critical
error" page wrapped in JSON, not the API's ``{"errors":[…]}`` envelope. A client must cope with
that answer, so the demo store gives it too.

With the store option ``friendly_parameter_errors`` (``StoreConfig``/``StoreSettings``, off by
default) it answers a clear 400 ``demo_store_invalid_parameter`` instead, for people exploring
the API by hand.
"""

from __future__ import annotations

from typing import Any

from app.demo_store.errors import ApiError

#: The body WordPress' fatal-error handler sends to a JSON request, as a real store sent it.
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


class CriticalError(ApiError):
    """PHP died: 500 with WordPress' critical-error body instead of the API's envelope.

    It is an :class:`ApiError` so that the WSGI layer answers it like any other error; only its
    body differs. ``reason`` says what PHP would have died of (for logs and tests).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(500, "internal_server_error", CRITICAL_ERROR_BODY["message"])
        self.reason = reason

    def envelope(self) -> dict[str, Any]:
        """The critical-error body (a fresh copy: callers may serialise or change it)."""
        return {**CRITICAL_ERROR_BODY, "data": {"status": 500}, "additional_errors": []}


def crash(reason: str, *, friendly: bool, parameter: str, expected: str) -> ApiError:
    """The error for a parameter that crashes a real store.

    Args:
        reason: what PHP dies of (kept on the error for logs and tests).
        friendly: the store's ``friendly_parameter_errors`` option.
        parameter: the offending parameter, as the friendly message names it.
        expected: what the parameter must be, for the friendly message.
    """
    if friendly:
        return ApiError(400, "demo_store_invalid_parameter", f"{parameter} must be {expected}.")
    return CriticalError(reason)
