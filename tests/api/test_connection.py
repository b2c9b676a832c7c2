"""StoreConnection: the store URL as WordPress' site address, the auth mode, the secret, limits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.api.connection import (
    MAX_PAGE_SIZE,
    AuthMode,
    StoreConnection,
    is_loopback_url,
    normalize_store_url,
)
from app.errors import ConfigurationError

KEY = "ck_0123456789abcdef0123456789abcdef01234567"
SECRET = "cs_89abcdef0123456789abcdef0123456789abcdef"


def _connection(url: str = "https://shop.example.com", **options: Any) -> StoreConnection:
    return StoreConnection(url, KEY, SECRET, **options)


# -- normalize_store_url ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("shop.example.com", "https://shop.example.com"),
        ("  shop.example.com  ", "https://shop.example.com"),
        ("https://shop.example.com/", "https://shop.example.com"),
        ("https://shop.example.com///", "https://shop.example.com"),
        ("http://shop.example.com", "http://shop.example.com"),
        ("HTTP://shop.example.com", "http://shop.example.com"),
        ("https://shop.example.com/wc-api/v3", "https://shop.example.com"),
        ("https://shop.example.com/wc-api/v3/", "https://shop.example.com"),
        ("https://shop.example.com/WC-API/V3", "https://shop.example.com"),
        ("shop.example.com/wc-api", "https://shop.example.com"),
        ("http://example.com/shop/wc-api/v3", "http://example.com/shop"),
        ("http://example.com/shop/", "http://example.com/shop"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("127.0.0.1:8080/", "https://127.0.0.1:8080"),
        ("http://[::1]:8080/", "http://[::1]:8080"),
        ("https://shop.example.com/?page_id=3#top", "https://shop.example.com"),
    ],
)
def test_normalize_store_url(typed: str, expected: str) -> None:
    assert normalize_store_url(typed) == expected


@pytest.mark.parametrize(
    "typed",
    ["", "   ", "http://", "https://", "ftp://shop.example.com", "https:///wc-api/v3", "//x"],
)
def test_normalize_store_url_rejects_what_is_no_store_address(typed: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        normalize_store_url(typed)
    assert "https://shop.example.com" in caught.value.message  # tells what an address looks like


@pytest.mark.parametrize(
    "typed", ["shop.example.com:99999", "shop.example.com:abc", "https://shop example.com"]
)
def test_normalize_store_url_rejects_an_impossible_host_or_port(typed: str) -> None:
    # Accepted today, these fail later as a misleading "connection broke" NetworkError.
    with pytest.raises(ConfigurationError):
        normalize_store_url(typed)


def test_connection_url_is_normalised_and_api_url_has_no_trailing_slash() -> None:
    connection = _connection("shop.example.com/blog/wc-api/v3/")
    assert connection.url == "https://shop.example.com/blog"
    assert connection.api_url == "https://shop.example.com/blog/wc-api/v3"
    assert connection.is_https


def test_connection_with_bad_url_raises_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        _connection("ftp://shop.example.com")


# -- authentication mode -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "auth", "expected"),
    [
        ("https://shop.example.com", AuthMode.AUTO, AuthMode.BASIC),
        ("http://shop.example.com", AuthMode.AUTO, AuthMode.OAUTH),
        ("http://127.0.0.1:8080", AuthMode.AUTO, AuthMode.OAUTH),
        ("shop.example.com", AuthMode.AUTO, AuthMode.BASIC),
        ("https://shop.example.com", AuthMode.QUERY, AuthMode.QUERY),
        ("https://shop.example.com", AuthMode.BASIC, AuthMode.BASIC),
        # Behind a TLS-terminating proxy a store may still demand OAuth (behaviour file 17).
        ("https://shop.example.com", AuthMode.OAUTH, AuthMode.OAUTH),
        ("http://shop.example.com", AuthMode.OAUTH, AuthMode.OAUTH),
    ],
)
def test_effective_auth(url: str, auth: AuthMode, expected: AuthMode) -> None:
    assert _connection(url, auth=auth).effective_auth is expected


def test_auth_mode_values_are_stable_strings() -> None:
    # Profiles store the mode by value.
    assert [mode.value for mode in AuthMode] == ["auto", "basic", "query", "oauth"]
    assert AuthMode("query") is AuthMode.QUERY


# -- the secret --------------------------------------------------------------------------------


def test_repr_hides_the_secret_but_names_the_store(tmp_path: Path) -> None:
    certificate = tmp_path / "store.pem"
    certificate.write_text("not checked here")
    text = repr(_connection(ca_bundle=certificate))
    assert SECRET not in text
    assert "shop.example.com" in text
    assert KEY in text


def test_str_hides_the_secret() -> None:
    assert SECRET not in str(_connection())


@pytest.mark.parametrize(("key", "secret"), [("", SECRET), (KEY, ""), ("", "")])
def test_key_and_secret_are_required(key: str, secret: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        StoreConnection("https://shop.example.com", key, secret)
    assert "consumer" in caught.value.message


def test_connection_is_immutable() -> None:
    connection = _connection()
    with pytest.raises(AttributeError):
        connection.url = "https://other.example.com"  # type: ignore[misc]


# -- limits ------------------------------------------------------------------------------------


@pytest.mark.parametrize("page_size", [1, 50, MAX_PAGE_SIZE])
def test_page_size_within_limits_is_accepted(page_size: int) -> None:
    assert _connection(page_size=page_size).page_size == page_size


@pytest.mark.parametrize("page_size", [0, -1, MAX_PAGE_SIZE + 1, 1000])
def test_page_size_outside_limits_is_refused(page_size: int) -> None:
    with pytest.raises(ConfigurationError) as caught:
        _connection(page_size=page_size)
    assert str(MAX_PAGE_SIZE) in caught.value.message


@pytest.mark.parametrize("concurrency", [0, -3])
def test_concurrency_below_one_is_refused(concurrency: int) -> None:
    with pytest.raises(ConfigurationError):
        _connection(concurrency=concurrency)


def test_defaults_are_sane() -> None:
    connection = _connection()
    assert connection.auth is AuthMode.AUTO
    assert connection.ca_bundle is None
    assert connection.page_size is None  # walks learn the page size from the store
    assert MAX_PAGE_SIZE == 100  # the most a fixed page size may ask for
    assert connection.connect_timeout > 0
    assert connection.read_timeout > 0
    assert connection.max_retries >= 0
    assert 0 < connection.backoff <= connection.max_backoff


@pytest.mark.parametrize(
    "options",
    [
        {"connect_timeout": 0},
        {"connect_timeout": -1.0},
        {"read_timeout": 0},
        {"read_timeout": -5.0},
        {"max_retries": -1},
        {"backoff": -0.5},
        {"max_backoff": -1.0},
    ],
    ids=lambda options: ",".join(f"{k}={v}" for k, v in options.items()),
)
def test_timeouts_retries_and_backoff_are_validated(options: dict[str, Any]) -> None:
    # Accepted today: a zero timeout then escapes the app's taxonomy as requests' ValueError.
    with pytest.raises(ConfigurationError):
        _connection(**options)


# -- plain HTTP warning --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["http://shop.example.com", "http://192.168.1.20:8080", "http://10.0.0.5/shop"]
)
def test_plain_http_to_another_host_is_warned_about(url: str) -> None:
    warning = _connection(url).security_warning()
    assert warning is not None
    assert "unencrypted" in warning
    assert "https://" in warning  # says what to do instead


@pytest.mark.parametrize(
    "url",
    [
        "https://shop.example.com",
        "http://127.0.0.1:8080",
        "http://127.5.0.1",
        "http://localhost:8080",
        "http://[::1]:8080",
    ],
)
def test_https_and_loopback_are_not_warned_about(url: str) -> None:
    assert _connection(url).security_warning() is None


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:1", True),
        ("http://localhost", True),
        ("http://[::1]/", True),
        ("http://shop.example.com", False),
        ("http://localhost.example.com", False),
        ("http://8.8.8.8", False),
    ],
)
def test_is_loopback_url(url: str, loopback: bool) -> None:
    assert is_loopback_url(url) is loopback


@pytest.mark.parametrize("auth", [AuthMode.BASIC, AuthMode.QUERY])
def test_keys_in_clear_over_plain_http_to_another_host_are_refused(auth: AuthMode) -> None:
    with pytest.raises(ConfigurationError, match="https"):
        _connection("http://shop.example.com", auth=auth)
    assert _connection("http://127.0.0.1:8080", auth=auth).effective_auth is auth


@pytest.mark.parametrize(
    "options",
    [
        {"read_timeout": 0},
        {"connect_timeout": -1},
        {"max_retries": -1},
        {"backoff": -0.5},
        {"backoff": 5, "max_backoff": 1},
    ],
)
def test_impossible_timeouts_and_retries_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        _connection("https://shop.example.com", **options)


def test_a_missing_certificate_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="does not exist"):
        _connection(ca_bundle=tmp_path / "missing.pem")
