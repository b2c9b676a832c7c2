"""Store error answers become the app's typed errors (behaviour file sections 12.7 and 13).

Every store code maps to the right class (and field, for validation errors); the message is the
app's own plain-text advice, the store's code and words stay on the error for the log.
"""

from __future__ import annotations

import pytest

from app.api.errors import error_for_non_json, error_from_envelope, store_message
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

AUTH = "woocommerce_api_authentication_error"
EMAIL_EXISTS_HTML = (
    'An account is already registered with your email address. <a href="#" '
    'class="showlogin">Please log in.</a>'
)


def _envelope(code: str, message: str) -> dict[str, object]:
    return {"errors": [{"code": code, "message": message}]}


def _error(status: int, code: str, message: str) -> AppError:
    return error_from_envelope(status, _envelope(code, message))


def _assert_readable(error: AppError) -> None:
    assert error.message
    assert "<" not in error.message
    assert ">" not in error.message
    assert "&#" not in error.message
    assert "&hellip;" not in error.message


# -- section 13: the customers resource's codes -----------------------------------------------


@pytest.mark.parametrize(
    ("status", "code", "message", "expected"),
    [
        (404, "woocommerce_api_no_route", "No route was found matching the URL and request method",
         ProtocolError),
        (500, "woocommerce_api_invalid_handler", "The handler for the route is invalid",
         ServerError),
        (400, "woocommerce_api_missing_callback_param", "Missing parameter data", ValidationError),
        (400, "woocommerce_api_missing_customer_data",
         "No customer data specified to create customer", ValidationError),
        (401, "woocommerce_api_user_cannot_create_customer",
         "You do not have permission to create this customer", PermissionDeniedError),
        (404, "woocommerce_api_invalid_customer_id", "Invalid customer ID", NotFoundError),
        (404, "woocommerce_api_invalid_customer", "Invalid customer", NotFoundError),
        (400, "woocommerce_api_invalid_customer", "Invalid customer", NotFoundError),
        (404, "woocommerce_api_invalid_customer_email", "Invalid customer email", NotFoundError),
        (404, "woocommerce_api_invalid_customer_email", "Invalid customer Email", NotFoundError),
        (401, "woocommerce_api_user_cannot_read_customer",
         "You do not have permission to read this customer", PermissionDeniedError),
        (400, "woocommerce_api_user_cannot_edit_customer",
         "You do not have permission to edit this customer", PermissionDeniedError),
        (401, "woocommerce_api_user_cannot_delete_customer",
         "You do not have permission to delete this customer", PermissionDeniedError),
        (401, "woocommerce_api_user_cannot_read_customers_count",
         "You do not have permission to read the customers count", PermissionDeniedError),
        (500, "woocommerce_api_cannot_delete_customer", "The customer cannot be deleted",
         ServerError),
        (400, "woocommerce_api_missing_customers_data",
         "No customers data specified to create/edit customers", ValidationError),
        (413, "woocommerce_api_customers_request_entity_too_large",
         "Unable to accept more than 100 items for this request.", ValidationError),
        (413, "woocommerce_api_customers_request_entity_too_large",
         "Unable to accept more than 100 items for this request", ValidationError),
        (400, "registration-error",
         "<strong>ERROR</strong>: Couldn&#8217;t register you&hellip; please contact the "
         '<a href="mailto:admin@example.com">webmaster</a> !', ValidationError),
    ],
)  # fmt: skip
def test_store_code_maps_to_class(
    status: int, code: str, message: str, expected: type[AppError]
) -> None:
    error = _error(status, code, message)
    assert type(error) is expected
    assert error.code == code
    assert error.status == status
    _assert_readable(error)
    # The store's own words stay for the log, as plain text.
    assert error.detail.startswith("store said: ")
    assert "<" not in error.detail


@pytest.mark.parametrize(
    ("code", "message", "field"),
    [
        ("woocommerce_api_missing_customer_email", "Missing parameter email", "email"),
        ("registration-error-invalid-email", "Please provide a valid email address.", "email"),
        ("customer_invalid_email", "Invalid email address", "email"),
        (
            "customer_invalid_billing_email",
            "Invalid billing email address",
            "billing_address.email",
        ),
        (
            "registration-error-email-exists",
            "An account is already registered with your email address. Please login.",
            "email",
        ),
        ("registration-error-email-exists", EMAIL_EXISTS_HTML, "email"),
        (
            "registration-error-invalid-username",
            "Please enter a valid account username.",
            "username",
        ),
        (
            "registration-error-username-exists",
            "An account is already registered with that username. Please choose another.",
            "username",
        ),
        ("registration-error-missing-password", "Please enter an account password.", "password"),
    ],
)
def test_field_errors_name_their_field(code: str, message: str, field: str) -> None:
    error = _error(400, code, message)
    assert isinstance(error, ValidationError)
    assert error.field == field
    assert error.code == code
    _assert_readable(error)


def test_email_exists_html_is_stripped_from_message_and_detail() -> None:
    error = _error(400, "registration-error-email-exists", EMAIL_EXISTS_HTML)
    assert "already exists" in error.message
    assert error.detail == (
        "store said: An account is already registered with your email address. Please log in."
    )


def test_registration_error_entities_are_decoded() -> None:
    error = _error(400, "registration-error", "<strong>ERROR</strong>: Couldn&#8217;t register")
    assert error.message == "The store refused this: ERROR: Couldn\u2019t register"


def test_unknown_code_keeps_the_store_message() -> None:
    error = _error(400, "woocommerce_api_unsupported_method", "Unsupported request method")
    assert isinstance(error, AppError)
    assert "Unsupported request method" in error.message
    assert error.code == "woocommerce_api_unsupported_method"


def test_unknown_code_with_5xx_is_a_server_error() -> None:
    error = _error(503, "some_plugin_error", "Maintenance")
    assert isinstance(error, ServerError)
    assert error.retryable


def test_json_429_is_rate_limited() -> None:
    error = _error(429, "too_many", "Slow down")
    assert isinstance(error, RateLimitedError)
    assert error.retryable


def test_plugin_save_failure_is_not_a_permission_problem() -> None:
    # Same code as the 401 capability error, but status 400 and "This resource cannot be
    # created." (section 4.8): the key is fine, the store failed to save.
    error = _error(
        400, "woocommerce_api_user_cannot_create_customer", "This resource cannot be created."
    )
    assert not isinstance(error, AuthError)


def test_api_disabled_errors_object_is_understood() -> None:
    body = {
        "errors": {
            "code": "woocommerce_api_disabled",
            "message": "The WooCommerce API is disabled on this site",
        }
    }
    error = error_from_envelope(404, body)
    assert isinstance(error, ProtocolError)
    assert error.code == "woocommerce_api_disabled"
    assert "Legacy REST API" in error.message


@pytest.mark.parametrize(
    "body",
    [
        {"errors": []},
        {"errors": None},
        {"errors": ["text"]},
        [{"code": "woocommerce_api_jsonp_callback_invalid", "0": "The JSONP callback is invalid"}],
        "nonsense",
    ],
)
def test_malformed_envelope_is_a_protocol_error(body: object) -> None:
    error = error_from_envelope(400, body)
    assert isinstance(error, ProtocolError)
    assert "HTTP 400" in error.message


# -- section 12.7: authentication messages, plugin and 2.x spellings ----------------------------


@pytest.mark.parametrize(
    ("status", "message", "words"),
    [
        (401, "Consumer Secret is invalid.", "consumer secret"),
        (401, "Consumer Secret is invalid", "consumer secret"),
        (401, "Consumer secret is invalid.", "consumer secret"),
        (401, "Consumer key is invalid.", "does not know this consumer key"),
        (401, "Consumer Key is invalid", "does not know this consumer key"),
        (401, "Invalid signature - signature method is invalid.", "signature"),
        (401, "Invalid Signature - signature method is invalid", "signature"),
        (401, "Invalid signature - provided signature does not match.", "site address"),
        (401, "Invalid Signature - provided signature does not match", "site address"),
        (401, "Invalid signature - failed to sort parameters.", "signature"),
        (401, "Invalid timestamp.", "clock"),
        (401, "Invalid timestamp", "clock"),
        (200, "Invalid timestamp", "clock"),
        (401, "Invalid nonce - nonce has already been used.", "twice"),
        (401, "Invalid nonce - nonce has already been used", "twice"),
        (401, "API user is invalid", "no longer exists"),
    ],
)
def test_auth_messages(status: int, message: str, words: str) -> None:
    error = _error(status, AUTH, message)
    assert type(error) is AuthError
    assert words in error.message.lower()
    assert error.code == AUTH
    assert error.detail == f"store said: {message}"
    _assert_readable(error)


@pytest.mark.parametrize(
    "parameter",
    [
        "oauth_consumer_key",
        "oauth_timestamp",
        "oauth_nonce",
        "oauth_signature",
        "oauth_signature_method",
    ],
)
def test_missing_oauth_parameter_says_a_signed_request_was_expected(parameter: str) -> None:
    # 404 "<name> parameter is missing" (12.3): every name must get the same advice, not the
    # clock or replay advice that "timestamp"/"nonce" in the name would otherwise trigger.
    error = _error(404, AUTH, f"{parameter} parameter is missing")
    assert type(error) is AuthError
    assert "signed request" in error.message


@pytest.mark.parametrize(
    ("message", "words"),
    [
        ("The API key provided does not have write permissions.", "read-only"),
        ("The API key provided does not have write permissions", "read-only"),
        ("The API key provided does not have read permissions.", "may only write"),
        ("The API key provided does not have read permissions", "may only write"),
    ],
)
def test_key_permission_messages(message: str, words: str) -> None:
    error = _error(401, AUTH, message)
    assert isinstance(error, PermissionDeniedError)
    assert isinstance(error, AuthError)
    assert words in error.message
    assert "Read/Write" in error.message or "Read or Read/Write" in error.message


def test_unrecognised_auth_message_is_still_an_auth_error_with_the_store_words() -> None:
    error = _error(401, AUTH, "Something <b>new</b>")
    assert type(error) is AuthError
    assert error.message.endswith("Something new")


# -- answers that are not JSON ---------------------------------------------------------------------


HTML = "<!DOCTYPE html><html><body><h1>Oops</h1></body></html>"


@pytest.mark.parametrize(
    ("status", "expected", "words"),
    [
        (404, ProtocolError, "no WooCommerce API"),
        (200, ProtocolError, "something other than API data"),
        (403, ProtocolError, "something other than API data"),
        (500, ServerError, "HTTP 500"),
        (502, ServerError, "HTTP 502"),
        (503, ServerError, "temporary"),
        (429, RateLimitedError, "slow down"),
    ],
)
def test_non_json_answers(status: int, expected: type[AppError], words: str) -> None:
    error = error_for_non_json(status, "text/html; charset=UTF-8", HTML)
    assert type(error) is expected
    assert words in error.message
    assert error.status == status
    assert "text/html" in error.detail
    _assert_readable(error)


def test_non_json_detail_is_bounded() -> None:
    error = error_for_non_json(500, "text/html", "x" * 10_000)
    assert len(error.detail) < 400


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("Please <a href='#'>log in</a>.", "Please log in."),
        ("Tom &amp; Jerry&#8217;s", "Tom & Jerry\u2019s"),
        ("  spread\n over\tlines  ", "spread over lines"),
        (42, "42"),
    ],
)
def test_store_message_is_plain_text(raw: object, plain: str) -> None:
    assert store_message(raw) == plain
