"""Turning a store's error answer into the app's error taxonomy, with words a store owner gets.

WooCommerce answers ``{"errors":[{"code","message"}]}``; its codes and messages are listed in
wc-api-v3-behavior.md sections 12.7 and 13. Both the plugin's and WooCommerce 2.x's spellings are
recognised. The store's own code and message stay on the error for the log.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from app.errors import (
    AppError,
    AuthError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    RateLimitedError,
    ServerError,
    ValidationError,
)

_TAG = re.compile(r"<[^>]*>")

#: Registration and validation codes: the field they concern and what to tell the user.
_FIELD_ERRORS: Mapping[str, tuple[str, str]] = {
    "registration-error-email-exists": (
        "email",
        "A customer with this email address already exists in the store.",
    ),
    "registration-error-invalid-email": ("email", "The store does not accept this email address."),
    "customer_invalid_email": ("email", "The store does not accept this email address."),
    "woocommerce_api_missing_customer_email": ("email", "An email address is required."),
    "customer_invalid_billing_email": (
        "billing_address.email",
        "The store does not accept this billing email address.",
    ),
    "registration-error-username-exists": (
        "username",
        "This username is already taken; choose another or leave it empty.",
    ),
    "registration-error-invalid-username": (
        "username",
        "This username is not valid: use letters, digits, spaces and _ . - @ only.",
    ),
    "registration-error-missing-password": (
        "password",
        "This store requires a password for new customers.",
    ),
}

#: The same table for other API flavours (the wc/v3 reader adds its own codes).
FIELD_ERRORS = _FIELD_ERRORS

_NOT_FOUND = {
    "woocommerce_api_invalid_customer",
    "woocommerce_api_invalid_customer_id",
    "woocommerce_api_invalid_customer_email",
}


def store_message(message: object) -> str:
    """A store message as plain text (newer stores put HTML links into some messages)."""
    return " ".join(html.unescape(_TAG.sub("", str(message))).split())


def auth_error(
    message: str, status: int, code: str = "woocommerce_api_authentication_error"
) -> AuthError:
    """The error for a store's authentication message (the legacy and wc/v3 APIs share them)."""
    lowered = message.lower()
    detail = f"store said: {message}"
    if "does not have read permissions" in lowered:
        return PermissionDeniedError(
            "This API key may only write. Create a key with Read or Read/Write permission in "
            "WooCommerce > Settings > Advanced > REST API.",
            code=code,
            status=status,
            detail=detail,
        )
    if "does not have write permissions" in lowered:
        return PermissionDeniedError(
            "This API key is read-only. To change customers, create a key with Read/Write "
            "permission in WooCommerce > Settings > Advanced > REST API.",
            code=code,
            status=status,
            detail=detail,
        )
    if "parameter is missing" in lowered:
        text = (
            "The store expected a signed request. Over plain HTTP WooCommerce only accepts "
            "OAuth signatures; check the authentication setting and the store address."
        )
    elif "consumer key is invalid" in lowered:
        text = "The store does not know this consumer key. Check that you copied all of it (ck_…)."
    elif "secret is invalid" in lowered:
        text = (
            "The store did not accept the consumer secret. Check it; if it is right, the web "
            "server may be dropping the login header: try sending the keys in the query string."
        )
    elif "signature" in lowered:
        text = (
            "The store rejected the request's signature. Check the consumer secret, and that the "
            "store address is exactly the site address set in WordPress (http or https, www, "
            "port)."
        )
    elif "timestamp" in lowered:
        text = "This computer's clock differs from the store's by more than 15 minutes."
    elif "nonce" in lowered:
        text = "The store saw this request twice and refused the second one. Try again."
    elif "api user is invalid" in lowered:
        text = "The WordPress user who owns this API key no longer exists. Create a new key."
    else:
        text = f"The store did not accept the API keys: {message}"
    return AuthError(text, code=code, status=status, detail=detail)


#: The code of WordPress' "critical error" answer when PHP dies mid-request.
CRASH_CODE = "internal_server_error"


def error_from_envelope(status: int, body: object) -> AppError:
    """The error for a store's error answer (``body`` is the decoded JSON)."""
    errors = body.get("errors") if isinstance(body, Mapping) else None
    first = errors[0] if isinstance(errors, list) and errors else errors
    if isinstance(body, Mapping) and body.get("code") == CRASH_CODE and status >= 500:
        # WordPress' fatal-error handler: PHP died, and no API envelope was written (19.4).
        return ServerError(
            "The store's server failed while answering (WordPress reported a critical error). "
            "This is usually temporary; if it keeps happening, the store's error log says why.",
            code=CRASH_CODE,
            status=status,
            detail=f"store said: {store_message(body.get('message', ''))}",
        )
    if not isinstance(first, Mapping):
        return ProtocolError(
            f"The store answered with an error the app does not understand (HTTP {status}).",
            status=status,
            detail=str(body)[:500],
        )
    code = str(first.get("code", ""))
    message = store_message(first.get("message", ""))
    detail = f"store said: {message}"
    if code == "woocommerce_api_authentication_error":
        return auth_error(message, status)
    if code == "woocommerce_api_user_cannot_create_customer" and status == 400:
        # The plugin's "This resource cannot be created.": the save failed, not a permission.
        return ServerError(
            f"The store could not save the new customer: {message}",
            code=code,
            status=status,
            detail=detail,
        )
    if code.startswith("woocommerce_api_user_cannot_"):
        return PermissionDeniedError(
            "The WordPress user who owns this API key is not allowed to do this "
            f"(“{message}”). Use a key of an administrator or shop manager.",
            code=code,
            status=status,
            detail=detail,
        )
    if code in _NOT_FOUND:
        return NotFoundError(
            "This customer does not exist in the store (it may have been deleted).",
            code=code,
            status=status,
            detail=detail,
        )
    if code in _FIELD_ERRORS:
        field, text = _FIELD_ERRORS[code]
        return ValidationError(text, field=field, code=code, status=status, detail=detail)
    if code in ("woocommerce_api_no_route", "woocommerce_api_disabled"):
        return ProtocolError(
            "The store does not offer WooCommerce's legacy REST API (/wc-api/v3): WooCommerce 9 "
            "and later need the WooCommerce Legacy REST API plugin for it. The app uses the "
            "store's REST API (/wp-json/wc/v3) instead when it is offered.",
            code=code,
            status=status,
            detail=detail,
        )
    return error_by_status(status, code, message, detail)


def error_by_status(status: int, code: str, message: str, detail: str) -> AppError:
    """The error for a store's refusal that no code of its names more exactly (either API)."""
    if status == 429:
        return RateLimitedError(
            "The store asked to slow down.", code=code, status=status, detail=detail
        )
    if status >= 500:
        return ServerError(
            f"The store failed to do this: {message}", code=code, status=status, detail=detail
        )
    return ValidationError(
        f"The store refused this: {message}" if message else "The store refused this request.",
        code=code,
        status=status,
        detail=detail,
    )


def error_for_non_json(status: int, content_type: str, text: str) -> AppError:
    """The error for an answer that is not JSON (an HTML page, a proxy's error, garbage)."""
    detail = f"content-type {content_type!r}: {text[:300]!r}"
    if status == 429:
        return RateLimitedError("The store asked to slow down.", status=status, detail=detail)
    if status >= 500:
        return ServerError(
            f"The store's server failed (HTTP {status}). This is usually temporary.",
            status=status,
            detail=detail,
        )
    if status == 404:
        return ProtocolError(
            "There is no WooCommerce API at this address. Check the store address, that "
            'WooCommerce is active and that WordPress permalinks are not set to "Plain".',
            status=status,
            detail=detail,
        )
    return ProtocolError(
        f"The store answered with something other than API data (HTTP {status}). Check the "
        "store address.",
        status=status,
        detail=detail,
    )
