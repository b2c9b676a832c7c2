"""The app's error taxonomy, shared by every layer (client, cache, importer, GUI).

Every expected failure is an :class:`AppError` whose ``message`` a store owner can act on; the
store's own code and the technical detail stay on the error for logs. Unexpected failures are
bugs and are not AppErrors.
"""

from __future__ import annotations


class AppError(Exception):
    """An expected failure with a message for the user.

    Attributes:
        message: what went wrong, in words a store owner understands, with what to do next.
        code: the store's machine-readable code (``woocommerce_api_…``), if it sent one.
        status: the HTTP status, if an answer arrived.
        detail: technical detail for the log (never shown as the message).
    """

    #: Whether trying the same thing again later may succeed.
    retryable = False

    def __init__(
        self, message: str, *, code: str = "", status: int | None = None, detail: str = ""
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.detail = detail

    def __str__(self) -> str:
        return self.message

    def log_text(self) -> str:
        """One line for the log: class, status, store code, message and detail."""
        parts = [type(self).__name__]
        if self.status is not None:
            parts.append(str(self.status))
        if self.code:
            parts.append(self.code)
        parts.append(self.message)
        if self.detail:
            parts.append(f"({self.detail})")
        return " ".join(parts)


class ConfigurationError(AppError):
    """The app is not set up to do this: no store configured, a malformed store URL."""


class AuthError(AppError):
    """The store did not accept the credentials (wrong key or secret, clock, signature)."""


class PermissionDeniedError(AuthError):
    """The key or its WordPress user may not do this (read-only key, missing capability)."""


class NotFoundError(AppError):
    """The customer (or other object) does not exist in the store."""


class ValidationError(AppError):
    """The store refused the data; ``field`` names the field concerned when known.

    Attributes:
        field: dotted field name (``email``, ``billing_address.email``), or "".
    """

    def __init__(
        self,
        message: str,
        *,
        field: str = "",
        code: str = "",
        status: int | None = None,
        detail: str = "",
    ) -> None:
        super().__init__(message, code=code, status=status, detail=detail)
        self.field = field


class RateLimitedError(AppError):
    """The store (or its host) asked us to slow down.

    Attributes:
        retry_after: seconds the store asked us to wait, when it said.
    """

    retryable = True

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        code: str = "",
        status: int | None = None,
        detail: str = "",
    ) -> None:
        super().__init__(message, code=code, status=status, detail=detail)
        self.retry_after = retry_after


class ServerError(AppError):
    """The store failed (5xx), or its host answered an error page instead."""

    retryable = True


class NetworkError(AppError):
    """The store could not be reached, or the connection broke or timed out."""

    retryable = True


class UnclearWriteError(NetworkError):
    """A write was sent but its answer was lost: it may or may not have happened."""


class ProtocolError(AppError):
    """The answer was not what a WooCommerce store sends (HTML, not JSON, cut short...)."""


class CancelledError(AppError):
    """The user cancelled the operation."""


class CacheError(AppError):
    """The local cache cannot be used (read-only folder, disk full, damaged beyond repair)."""


class FileError(AppError):
    """A file the user chose cannot be read or written.

    Reading: the file is missing, unreadable, empty, not CSV text, or not in the chosen encoding.
    Writing: the folder is missing or read-only, or the disk is full. The message names the file
    and says what to do (choose another encoding, another folder...).
    """
