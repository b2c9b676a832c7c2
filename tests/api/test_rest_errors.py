"""wc/v3 error answers (sections 1.6, 6.3, 7, 8, 9, 15, 16.6) in the app's error taxonomy."""

from __future__ import annotations

import pytest

from app.api.rest_errors import rest_error, rest_error_from_body
from app.api.rest_transport import REST_API
from app.errors import (
    AuthError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    RateLimitedError,
    ServerError,
    UnclearWriteError,
    ValidationError,
)
from tests.support.rest_recorded import RecordedSession, Reply, error, recorded_transport


def body(status: int, code: str, message: str, **data: object) -> dict[str, object]:
    return {"code": code, "message": message, "data": {"status": status, **data}}


def test_success_is_no_error() -> None:
    assert rest_error(200, []) is None
    assert rest_error(201, {"id": 5}) is None


@pytest.mark.parametrize(
    ("status", "code", "message", "kind", "words"),
    [
        (404, "woocommerce_rest_invalid_id", "Invalid resource ID.", NotFoundError, "not exist"),
        (400, "woocommerce_rest_invalid_id", "Invalid resource id.", NotFoundError, "not exist"),
        (404, "woocommerce_rest_customer_invalid", "Resource does not exist.", NotFoundError, ""),
        (404, "rest_no_route", "No route was found…", ProtocolError, "wc/v3"),
        (
            401,
            "woocommerce_rest_authentication_error",
            "Consumer secret is invalid.",
            AuthError,
            "consumer secret",
        ),
        (
            401,
            "woocommerce_rest_authentication_error",
            "Invalid signature - provided signature does not match.",
            AuthError,
            "signature",
        ),
        (401, "woocommerce_rest_authentication_error", "Invalid timestamp.", AuthError, "clock"),
        (
            401,
            "woocommerce_rest_authentication_error",
            "The API key provided does not have write permissions.",
            PermissionDeniedError,
            "read-only",
        ),
        (
            401,
            "woocommerce_rest_authentication_missing_parameter",
            "Missing OAuth parameter oauth_nonce",
            AuthError,
            "OAuth",
        ),
        (
            401,
            "woocommerce_rest_cannot_view",
            "Sorry, you cannot list resources.",
            AuthError,
            "anonymous",
        ),
        (
            403,
            "woocommerce_rest_cannot_create",
            "Sorry, you are not allowed to create resources.",
            PermissionDeniedError,
            "not allowed",
        ),
        (
            400,
            "woocommerce_rest_cannot_create",
            "This resource cannot be created.",
            ServerError,
            "could not save",
        ),
        (
            400,
            "registration-error-email-exists",
            "An account is already registered with A@B.CD.",
            ValidationError,
            "already exists",
        ),
        (
            400,
            "woocommerce_rest_customer_invalid_email",
            "Email address is invalid.",
            ValidationError,
            "letter case",
        ),
        (
            400,
            "woocommerce_rest_customer_invalid_argument",
            "Username isn't editable.",
            ValidationError,
            "username",
        ),
        (400, "user_login_too_long", "Username may not be longer…", ValidationError, "60"),
        (
            413,
            "woocommerce_rest_request_entity_too_large",
            "Unable to accept more than 100 items for this request.",
            ValidationError,
            "100 items",
        ),
        (
            501,
            "woocommerce_rest_trash_not_supported",
            "Customers do not support trashing.",
            ServerError,
            "trashing",
        ),
        (429, "too_many", "Slow down", RateLimitedError, "slow down"),
        (401, "invalid_username", "Unknown username.", AuthError, "credentials"),
        (403, "rest_forbidden", "Sorry, you are not allowed.", PermissionDeniedError, "allow"),
        (400, "rest_invalid_json", "Invalid JSON body passed.", ValidationError, "refused"),
    ],
)
def test_catalogue(status: int, code: str, message: str, kind: type[Exception], words: str) -> None:
    found = rest_error_from_body(status, body(status, code, message))
    assert type(found) is kind
    assert words.lower() in found.message.lower()
    assert found.code == code
    assert found.status == status
    assert message in found.detail


def test_field_errors_name_the_app_field() -> None:
    exists = rest_error_from_body(400, body(400, "registration-error-email-exists", "x"))
    assert isinstance(exists, ValidationError)
    assert exists.field == "email"
    billing = rest_error_from_body(
        400,
        body(
            400,
            "rest_invalid_param",
            "Invalid parameter(s): billing",
            params={"billing": "Invalid email address."},
            details={"billing": {"code": "rest_invalid_email", "data": None}},
        ),
    )
    assert isinstance(billing, ValidationError)
    assert billing.field == "billing_address"
    assert "Invalid email address." in billing.message
    missing = rest_error_from_body(
        400,
        body(400, "rest_missing_callback_param", "Missing parameter(s): email", params=["email"]),
    )
    assert isinstance(missing, ValidationError)
    assert missing.field == "email"
    assert "required" in missing.message


def test_batch_item_status_comes_from_the_body() -> None:
    item = {"code": "woocommerce_rest_invalid_id", "message": "x", "data": {"status": 400}}
    found = rest_error_from_body(200, item)
    assert isinstance(found, NotFoundError)
    assert found.status == 400


def test_crash_and_legacy_bodies_and_garbage() -> None:
    crash = {
        "code": "internal_server_error",
        "message": "<p>There has been a critical error on this website.</p>",
        "data": {"status": 500},
        "additional_errors": [],
    }
    found = rest_error_from_body(500, crash)
    assert isinstance(found, ServerError)
    assert "critical error" in found.message
    stub = {"errors": {"code": "woocommerce_api_disabled", "message": "disabled"}}
    assert isinstance(rest_error_from_body(404, stub), ProtocolError)
    assert isinstance(rest_error_from_body(400, ["x"]), ProtocolError)
    jsonp = {"code": "rest_callback_invalid", "message": "Invalid JSONP callback function."}
    assert isinstance(rest_error_from_body(400, jsonp), ValidationError)


def test_transport_raises_the_store_error_and_does_not_retry_it() -> None:
    session = RecordedSession()
    session.queue.append(error(404, "woocommerce_rest_invalid_id", "Invalid resource ID."))
    transport = recorded_transport(session)
    with pytest.raises(NotFoundError):
        transport.request("GET", "/customers/99")
    assert len(session.sent) == 1
    assert session.sent[0].path == "/wp-json/wc/v3/customers/99"


def test_transport_retries_a_reused_nonce_and_a_crash_on_read() -> None:
    session = RecordedSession()
    session.queue += [
        error(
            401,
            "woocommerce_rest_authentication_error",
            "Invalid nonce - nonce has already been used.",
        ),
        Reply(500, {"code": "internal_server_error", "message": "x", "data": {"status": 500}}),
        Reply(200, [], {"X-WP-Total": "0"}),
    ]
    transport = recorded_transport(session, url="http://shop.example.com")
    answer = transport.request("GET", "/customers")
    assert answer.body == []
    assert len(session.sent) == 3
    nonces = {s.param("oauth_nonce") for s in session.sent}
    assert len(nonces) == 3  # every attempt signed anew


def test_transport_crash_during_a_write_is_unclear() -> None:
    session = RecordedSession()
    session.queue.append(
        Reply(500, {"code": "internal_server_error", "message": "x", "data": {"status": 500}})
    )
    with pytest.raises(UnclearWriteError):
        recorded_transport(session).request("POST", "/customers", json_body={"email": "a@b.cd"})


def test_non_json_404_names_the_modern_api() -> None:
    session = RecordedSession()
    session.queue.append(
        Reply(404, raw=b"<html>Not Found</html>", headers={"Content-Type": "text/html"})
    )
    with pytest.raises(ProtocolError, match="wp-json"):
        recorded_transport(session).request("GET", "/customers")


def test_flavor_keeps_legacy_default() -> None:
    assert REST_API.root_path == "/wp-json/wc/v3"
    session = RecordedSession()
    transport = recorded_transport(session)
    assert transport.api_url == "https://shop.example.com/wp-json/wc/v3"
