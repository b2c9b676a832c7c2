"""WordPress' email rule, shared by the app and the demo store."""

import pytest

from app.domain.email import is_email


@pytest.mark.parametrize(
    "address",
    [
        "john.doe@example.com",
        "a+tag@example.co.uk",
        "o'brien@example.ie",
        "x_y-z@sub-domain.example.org",
        "UPPER@EXAMPLE.COM",
    ],
)
def test_accepts_what_wordpress_accepts(address: str) -> None:
    assert is_email(address)


@pytest.mark.parametrize(
    "address",
    [
        "",
        "not-an-email",
        "@example.com",
        "a@b.c",  # shorter than six characters
        "john@localhost",  # one label only
        "john@exa..mple.com",
        "john@.example.com",
        "john@example.com.",
        "john@-example.com",
        "john@example-.com",
        "jo hn@example.com",
        "joão@example.com",
        "john@exämple.com",
        "john@exa_mple.com",
    ],
)
def test_refuses_what_wordpress_refuses(address: str) -> None:
    assert not is_email(address)
