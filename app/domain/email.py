"""Email address rules: WordPress' ``is_email``, the check a WooCommerce store applies.

The app validates emails before it sends them, and the demo store rejects what a real store
rejects, so both use this one rule. It is deliberately WordPress' (not RFC 5322's): an address
WordPress refuses is one the store refuses, whatever the RFC allows.
"""

from __future__ import annotations

import re

_LOCAL_PART = re.compile(r"^[a-zA-Z0-9!#$%&'*+/=?^_`{|}~.-]+$")
_SUBDOMAIN = re.compile(r"^[a-z0-9-]+$", re.IGNORECASE)
_MINIMUM_LENGTH = 6  # "a@b.co": WordPress refuses anything shorter


def is_email(value: str) -> bool:
    """Whether WordPress would accept ``value`` as an email address.

    Mirrors ``is_email()``: at least 6 characters, one ``@`` after the first character, a local
    part of the permitted characters, and a domain of two or more dot-separated labels made of
    letters, digits and hyphens that neither start nor end with a hyphen.
    """
    if len(value) < _MINIMUM_LENGTH or value.find("@", 1) == -1:
        return False
    local, domain = value.split("@", 1)
    if not _LOCAL_PART.match(local):
        return False
    if ".." in domain or domain.strip(" \t\n\r\0\x0b.") != domain:
        return False
    labels = domain.split(".")
    if len(labels) < 2:
        return False
    return all(
        label.strip(" \t\n\r\0\x0b-") == label and _SUBDOMAIN.match(label) for label in labels
    )
