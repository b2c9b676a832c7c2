r"""The request as PHP and WordPress hand it to WooCommerce: ``$_GET``, the path, magic quotes.

This module owns the demo store's reading of the raw request line, deliberately written apart
from the client's code in ``app/api`` (a store that parses with the client's functions agrees
with the client's bugs). What it reproduces:

* PHP's query-string parsing: ``&``-separated pairs, ``+`` and ``%XX`` decoded, ``name[inner]``
  folded into one top-level array whose entries keep the order they were sent in, ``name[]``
  numbered, a repeated name keeping its first position and its last value, and ``.``, space and
  an unclosed ``[`` in top-level names turned into ``_``.
* WordPress' "magic quotes": every ``$_GET`` value and ``$_SERVER['REQUEST_URI']`` get a
  backslash before ``'``, ``"`` and ``\`` (section 19.2). That is why a raw apostrophe in an email
  path finds nobody and breaks OAuth signatures, while ``%27`` works.
* PHP's ``urldecode`` (``+`` is a space) and ``rawurldecode`` (it is not), on bytes, leaving
  malformed ``%`` sequences alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: A query parameter as PHP sees it: a scalar, or one level of ``name[inner]`` entries in order.
PhpParam = str | dict[str, str]

_OCTET = re.compile(rb"%([0-9A-Fa-f]{2})")


def _decode_octets(data: bytes) -> bytes:
    return _OCTET.sub(lambda match: bytes([int(match.group(1), 16)]), data)


def _text(data: bytes) -> str:
    # PHP strings are bytes; the store keeps text, so bytes that are not UTF-8 become U+FFFD.
    return data.decode("utf-8", "replace")


def rawurldecode(value: str) -> str:
    """PHP's ``rawurldecode``: ``%XX`` decoded, ``+`` kept, malformed ``%`` left as it is."""
    return _text(_decode_octets(value.encode("utf-8")))


def urldecode(value: str) -> str:
    """PHP's ``urldecode``: like :func:`rawurldecode`, and ``+`` becomes a space first."""
    return _text(_decode_octets(value.encode("utf-8").replace(b"+", b" ")))


def add_slashes(value: str) -> str:
    """PHP's ``addslashes``, which WordPress applies to request input ("magic quotes")."""
    return value.replace("\\", "\\\\").replace("'", "\\'").replace('"', '\\"').replace("\0", "\\0")


def strip_slashes(value: str) -> str:
    """PHP's ``stripslashes``: what :func:`add_slashes` added comes off again."""
    return re.sub(r"\\(.?)", lambda m: "\0" if m.group(1) == "0" else m.group(1), value, flags=re.S)


def unslashed(params: Mapping[str, PhpParam]) -> dict[str, PhpParam]:
    """The query values as sent, before ``wp_magic_quotes`` (the inverse of :func:`slashed`)."""
    return {
        name: (
            {inner: strip_slashes(item) for inner, item in value.items()}
            if isinstance(value, dict)
            else strip_slashes(value)
        )
        for name, value in params.items()
    }


def slashed(params: Mapping[str, PhpParam]) -> dict[str, PhpParam]:
    """``$_GET`` after ``wp_magic_quotes``: every value slashed, names untouched."""
    return {
        name: (
            {inner: add_slashes(item) for inner, item in value.items()}
            if isinstance(value, dict)
            else add_slashes(value)
        )
        for name, value in params.items()
    }


def _split_name(raw_name: str) -> tuple[str, str | None]:
    """``name[inner]`` into its parts; deeper nesting stays inside ``inner``."""
    opening = raw_name.find("[")
    closing = raw_name.find("]", opening + 1) if opening > 0 else -1
    if opening > 0 and closing > opening:
        base, inner = raw_name[:opening], raw_name[opening + 1 : closing]
    else:
        base, inner = raw_name, None
    base = base.lstrip(" ")
    for char in " .[":
        base = base.replace(char, "_")
    return base, inner


def parse_query(query: str) -> dict[str, PhpParam]:
    """``$_GET`` from a raw (still percent-encoded) query string, before magic quotes."""
    params: dict[str, PhpParam] = {}
    for piece in query.split("&"):
        if not piece:
            continue
        raw_name, _, raw_value = piece.partition("=")
        name, inner = _split_name(urldecode(raw_name))
        if not name:
            continue
        value = urldecode(raw_value)
        if inner is None:
            params[name] = value
            continue
        group = params.get(name)
        if not isinstance(group, dict):
            group = {}
            params[name] = group
        if inner == "":
            numbers = [int(key) for key in group if re.fullmatch(r"-?\d+", key)]
            inner = str(max(numbers) + 1 if numbers else 0)
        group[inner] = value
    return params


def php_empty(value: object) -> bool:
    """PHP's ``empty()`` for request values: absent, ``""``, ``"0"``, or an empty array."""
    if value is None or value == "" or value == "0":
        return True
    return isinstance(value, dict | list) and not value
