"""Credentials never reach a log: request URLs are logged with key, secret and signature masked.

Over plain HTTP a request carries OAuth 1.0a's ``oauth_consumer_key``, ``oauth_signature``...
in its query, and with ``--auth query`` the ``consumer_key`` and ``consumer_secret`` themselves.
The app's own log lines name routes only, but a library's do not: urllib3 logs every request
line at DEBUG (``"GET /wc-api/v3/customers?...&oauth_signature=... HTTP/1.1" 200``), which ``-v``
and the desktop app's log file would keep. :class:`CredentialMask` is a logging filter that
masks, in every record it sees, the value of each ``oauth_*`` and ``consumer_*`` parameter and
any ``ck_``/``cs_`` key token; :func:`mask_logging` puts it on handlers and on urllib3's logger.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

#: A query parameter of OAuth or query authentication and its value (up to the next ``&``).
_PARAMETER = re.compile(r"(?i)\b((?:oauth|consumer)_[a-z_]*(?:=|%3D))[^&\s\"'#]+")
#: A WooCommerce consumer key or secret wherever it stands (as Help > Copy diagnostics masks).
_KEY = re.compile(r"\b(c[ks])_[A-Za-z0-9]{4,}")
#: What a masked value reads as.
MASK = "***"
#: The loggers of the libraries that log request lines with their query.
LIBRARY_LOGGERS = ("urllib3.connectionpool",)


def mask_credentials(text: str) -> str:
    """``text`` with credential parameters' values and key tokens replaced by ``***``."""
    return _KEY.sub(rf"\1_{MASK}", _PARAMETER.sub(rf"\1{MASK}", text))


class CredentialMask(logging.Filter):
    """A filter that masks credentials in a record's message (it never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the record's message (and a formatted traceback); keep the record."""
        message = record.getMessage()
        masked = mask_credentials(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_text:
            record.exc_text = mask_credentials(record.exc_text)
        return True


def mask_logging(handlers: Iterable[logging.Handler] = ()) -> None:
    """Put :class:`CredentialMask` on ``handlers`` and on the libraries' request loggers.

    A handler's filter sees every record it writes, also those propagated from other loggers;
    a logger's sees the records made on it, whatever handler writes them. Idempotent.
    """
    targets: list[logging.Handler | logging.Logger] = [*handlers]
    targets += [logging.getLogger(name) for name in LIBRARY_LOGGERS]
    for target in targets:
        if not any(isinstance(existing, CredentialMask) for existing in target.filters):
            target.addFilter(CredentialMask())
