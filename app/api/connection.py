"""How to reach one store: its URL, keys, authentication mode, TLS trust, timeouts, limits."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from app.errors import ConfigurationError

#: The largest page a client asks for (real stores slow down or run out of memory beyond it).
MAX_PAGE_SIZE = 100


class AuthMode(StrEnum):
    """How requests prove who sends them.

    ``AUTO`` picks what the store requires: HTTP Basic over HTTPS, OAuth 1.0a over plain HTTP.
    ``QUERY`` sends the keys as query parameters over HTTPS, for hosts that strip the
    ``Authorization`` header. ``BASIC`` and ``OAUTH`` force one mode.
    """

    AUTO = "auto"
    BASIC = "basic"
    QUERY = "query"
    OAUTH = "oauth"


def normalize_store_url(url: str) -> str:
    """The store URL as WordPress' site address: scheme, host, port, path; no trailing slash.

    A missing scheme means HTTPS; a pasted API URL (``…/wc-api/v3``) is cut back to the site.

    Raises:
        ConfigurationError: if it is not an http(s) URL with a host.
    """
    text = url.strip()
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    problem = f"“{url}” is not a store address. Enter the address of your shop, " + (
        "for example https://shop.example.com."
    )
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(problem)
    if any(char.isspace() for char in parts.netloc):
        raise ConfigurationError(problem)
    try:
        parts.port  # noqa: B018 - reading it validates it (0-65535, digits only)
    except ValueError:
        raise ConfigurationError(problem) from None
    path = parts.path.rstrip("/")
    for suffix in ("/wc-api/v3", "/wc-api"):
        if path.lower().endswith(suffix):
            path = path[: -len(suffix)]
    return urlunsplit((parts.scheme.lower(), parts.netloc, path.rstrip("/"), "", ""))


def is_loopback_url(url: str) -> bool:
    """Whether the URL names this machine (localhost or a loopback address)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class StoreConnection:
    """Everything the client needs to talk to one store.

    Attributes:
        url: the store's site address (normalised; the API lives at ``url/wc-api/v3``).
        consumer_key: the REST API consumer key (``ck_…``).
        consumer_secret: its secret (``cs_…``); never shown in ``repr`` or logs.
        auth: how to authenticate (see :class:`AuthMode`).
        ca_bundle: a certificate file to trust (for a store with a self-signed certificate);
            None trusts the system's authorities. Verification is never switched off.
        connect_timeout: seconds to wait for a connection.
        read_timeout: seconds to wait for an answer once connected.
        page_size: customers per page when listing (1 to 100), or None to let each walk
            learn the size that suits the store (:mod:`app.api.page_plan`).
        concurrency: pages fetched at once.
        max_retries: further attempts after a retryable failure.
        backoff: first retry delay in seconds; doubles each time, with jitter.
        max_backoff: the longest delay between attempts, Retry-After included.
    """

    url: str
    consumer_key: str
    consumer_secret: str = field(repr=False)
    auth: AuthMode = AuthMode.AUTO
    ca_bundle: Path | None = None
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    page_size: int | None = None
    concurrency: int = 4
    max_retries: int = 4
    backoff: float = 0.5
    max_backoff: float = 60.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", normalize_store_url(self.url))
        if self.page_size is not None and not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise ConfigurationError(f"The page size must be between 1 and {MAX_PAGE_SIZE}.")
        if self.concurrency < 1:
            raise ConfigurationError("At least one request must be allowed at a time.")
        if not self.consumer_key or not self.consumer_secret:
            raise ConfigurationError("Both the consumer key and the consumer secret are needed.")
        if self.ca_bundle is not None and not self.ca_bundle.is_file():
            raise ConfigurationError(
                f"The certificate file {self.ca_bundle} does not exist or is not a file."
            )
        if self.connect_timeout <= 0 or self.read_timeout <= 0:
            raise ConfigurationError("Timeouts must be longer than zero seconds.")
        if self.max_retries < 0 or not 0 <= self.backoff <= self.max_backoff:
            raise ConfigurationError(
                "Retries must be zero or more, with 0 <= backoff <= longest backoff."
            )
        if (
            self.auth in (AuthMode.BASIC, AuthMode.QUERY)
            and not self.is_https
            and not is_loopback_url(self.url)
        ):
            # Over plain HTTP a store ignores these anyway (it wants OAuth): refuse to send
            # the secret in clear across a network for nothing.
            raise ConfigurationError(
                "Basic and query-string keys need an https:// store address; over plain HTTP "
                "WooCommerce only accepts OAuth signatures (authentication: auto)."
            )

    @property
    def api_url(self) -> str:
        """The legacy v3 API root, e.g. ``https://shop.example.com/wc-api/v3``."""
        return f"{self.url}/wc-api/v3"

    @property
    def is_https(self) -> bool:
        """Whether the store is reached over TLS."""
        return self.url.startswith("https://")

    @property
    def effective_auth(self) -> AuthMode:
        """The mode actually used: AUTO resolved by the scheme, as real stores require."""
        if self.auth is AuthMode.AUTO:
            return AuthMode.BASIC if self.is_https else AuthMode.OAUTH
        return self.auth

    def security_warning(self) -> str | None:
        """A warning to show when requests would cross a network unencrypted."""
        if self.is_https or is_loopback_url(self.url):
            return None
        return (
            "This store is reached over plain HTTP: customer data travels unencrypted. "
            "Use the store's https:// address if it has one."
        )
