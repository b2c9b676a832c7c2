"""The modern REST API's (``/wp-json/wc/v3``) error answers in the app's error taxonomy.

wc/v3 answers ``{"code","message","data":{"status",…}}`` (wc-rest-v3-behavior.md section 1.6);
its codes are catalogued in sections 6.3, 7, 8, 9.3, 15 and 16.6. This module turns such a body
(or one item error of a batch answer) into an :class:`~app.errors.AppError` whose message a store
owner can act on; the store's code and message stay on the error for the log. The legacy
reader (:mod:`app.api.errors`) is reused for what both APIs share: the authentication messages
and WordPress' critical-error answer.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.api.errors import (
    CRASH_CODE,
    FIELD_ERRORS,
    auth_error,
    error_by_status,
    error_for_non_json,
    error_from_envelope,
    store_message,
)
from app.errors import (
    AppError,
    AuthError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    ServerError,
    ValidationError,
)

#: wc/v3 codes that concern one field: the field (the app's dotted names) and the message.
_REST_FIELD_ERRORS: Mapping[str, tuple[str, str]] = {
    **FIELD_ERRORS,
    "user_login_too_long": ("username", "A username may not be longer than 60 characters."),
    "woocommerce_rest_customer_invalid_email": (
        "email",
        "The store refused this email address: another customer uses it, or it is this "
        "customer's own address written in different letter case.",
    ),
    "woocommerce_rest_customer_invalid_argument": (
        "username",
        "A customer's username cannot be changed.",
    ),
}
#: Codes that say the customer does not exist (wc/v3 answers 404 on reads, 400 on writes).
_NOT_FOUND = frozenset({"woocommerce_rest_invalid_id", "woocommerce_rest_customer_invalid"})
#: wc/v3 parameter names and the app's field names.
_FIELDS = {"billing": "billing_address", "shipping": "shipping_address"}
#: The codes of a request made without (accepted) credentials.
_ANONYMOUS = frozenset(
    f"woocommerce_rest_cannot_{what}" for what in ("view", "create", "edit", "delete", "batch")
)


def _status(status: int, body: Mapping[str, object]) -> int:
    data = body.get("data")
    inner = data.get("status") if isinstance(data, Mapping) else None
    return inner if isinstance(inner, int) and not isinstance(inner, bool) else status


def _invalid_param(status: int, code: str, message: str, data: object) -> ValidationError:
    """``rest_invalid_param``/``rest_missing_callback_param``: name the first field concerned."""
    params = data.get("params") if isinstance(data, Mapping) else None
    detail = f"store said: {message} {params!r}" if params else f"store said: {message}"
    if isinstance(params, list) and params:  # missing parameters: a list of names
        name = str(params[0])
        field = _FIELDS.get(name, name)
        text = "An email address is required." if name == "email" else f"{name} is required."
        return ValidationError(text, field=field, code=code, status=status, detail=detail)
    if isinstance(params, Mapping) and params:
        name, reason = next(iter(params.items()))
        field = _FIELDS.get(str(name), str(name))
        return ValidationError(
            f"The store refused {field.replace('_', ' ')}: {store_message(reason)}",
            field=field,
            code=code,
            status=status,
            detail=detail,
        )
    return ValidationError(
        f"The store refused this: {message}", code=code, status=status, detail=detail
    )


def rest_error_from_body(status: int, body: object) -> AppError:
    """The error for a wc/v3 error answer (``body`` decoded; ``status`` the HTTP status).

    The status inside the body (``data.status``) wins: it is the one a batch item carries and
    the one ``_envelope`` answers keep.
    """
    if isinstance(body, Mapping) and "errors" in body:
        return error_from_envelope(status, body)  # a legacy answer (e.g. the disabled stub)
    if not isinstance(body, Mapping) or not isinstance(body.get("code"), str):
        return ProtocolError(
            f"The store answered with an error the app does not understand (HTTP {status}).",
            status=status,
            detail=str(body)[:500],
        )
    status = _status(status, body)
    code = str(body["code"])
    message = store_message(body.get("message", ""))
    detail = f"store said: {message}"
    if code == CRASH_CODE and status >= 500:
        return error_from_envelope(status, body)
    if code == "woocommerce_rest_authentication_missing_parameter":
        return AuthError(
            "The store received an incomplete OAuth signature. Check the authentication "
            "setting; the request may have been altered on its way.",
            code=code,
            status=status,
            detail=detail,
        )
    if code == "woocommerce_rest_authentication_error":
        return auth_error(message, status, code)
    if code in _ANONYMOUS and status == 403:
        return PermissionDeniedError(
            "The WordPress user who owns this API key is not allowed to do this "
            f"(“{message}”). Use a key of an administrator or shop manager.",
            code=code,
            status=status,
            detail=detail,
        )
    if code in _ANONYMOUS and status == 401:
        return AuthError(
            "The store treated the request as anonymous: it does not know this consumer key, "
            "or the keys did not reach it (over plain HTTP only OAuth signatures count). "
            "Check the key and the authentication setting.",
            code=code,
            status=status,
            detail=detail,
        )
    if code in _ANONYMOUS or code == "woocommerce_rest_cannot_delete":
        return ServerError(
            f"The store could not save the change: {message}",
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
    if code in _REST_FIELD_ERRORS:
        field, text = _REST_FIELD_ERRORS[code]
        return ValidationError(text, field=field, code=code, status=status, detail=detail)
    if code in ("rest_invalid_param", "rest_missing_callback_param"):
        return _invalid_param(status, code, message, body.get("data"))
    if code == "rest_no_route":
        return ProtocolError(
            "The store does not offer this part of WooCommerce's REST API (wc/v3). Check the "
            "store address and that WooCommerce is active.",
            code=code,
            status=status,
            detail=detail,
        )
    if status == 401:  # e.g. WordPress' own ``invalid_username`` (section 16.2)
        return AuthError(
            f"The store did not accept the credentials: {message}",
            code=code,
            status=status,
            detail=detail,
        )
    if status == 403:
        return PermissionDeniedError(
            f"The store does not allow this API key to do this: {message}",
            code=code,
            status=status,
            detail=detail,
        )
    return error_by_status(status, code, message, detail)


def rest_error(status: int, body: object) -> AppError | None:
    """The error a wc/v3 answer stands for, or None for a success (any status below 400)."""
    return rest_error_from_body(status, body) if status >= 400 else None


def rest_error_for_non_json(status: int, content_type: str, text: str) -> AppError:
    """The error for a wc/v3 answer that is not JSON (the wording names the modern API)."""
    if status == 404:
        return ProtocolError(
            "There is no WooCommerce REST API at this address (/wp-json/wc/v3). Check the store "
            "address, and that WordPress' permalinks are not set to “Plain”.",
            status=status,
            detail=f"content-type {content_type!r}: {text[:300]!r}",
        )
    return error_for_non_json(status, content_type, text)
