"""What WordPress and PHP do to values on their way into the database (section 19.3).

This module owns the demo store's value mangling, written from the observed behaviour:

* PHP's conversions of JSON values to text (``true`` → ``"1"``, ``5.0`` → ``"5"``) and its
  truthiness (``"0"`` is false);
* ``serialize()``, because a list or an object sent where text belongs is stored as PHP's
  serialisation and answered back as that text (``a:2:{i:0;s:1:"a";i:1;s:1:"b";}``);
* ``sanitize_text_field``/``wc_clean`` for names (``<script>`` removed with its content, other
  tags stripped, a lone ``<`` written ``&lt;``, white space collapsed, ``%XX`` octets dropped);
  address fields are stored raw, so they get none of it;
* ``sanitize_user``, ``validate_username`` and the nicename WordPress derives from a login.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from app.domain.text import strip_accents

_SCRIPT_OR_STYLE = re.compile(r"<(script|style)[^>]*?>.*?</\1>", re.IGNORECASE | re.DOTALL)
#: A tag as PHP's ``strip_tags`` sees one: ``<`` directly followed by something but a space.
_TAG = re.compile(r"<(?!\s)[^>]*>")
#: ``wp_pre_kses_less_than``: a ``<`` run up to the next ``<``, ``>`` or the end.
_LESS_THAN_RUN = re.compile(r"<[^>]*?((?=<)|>|$)")
_OCTET = re.compile(r"%[a-fA-F0-9]{2}")
_ENTITY = re.compile(r"&.+?;")
_NOT_STRICT_USER = re.compile(r"[^a-z0-9 _.\-@]", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")
_TEXT_WHITESPACE = re.compile(r"[\r\n\t ]+")
_INTEGER_KEY = re.compile(r"-?[1-9][0-9]*|0")
PHP_INT_MAX = 2**63 - 1


def php_float_text(value: float) -> str:
    """``(string)$float`` with PHP's default ``precision`` of 14 (``1.0E+25``, ``5.5``)."""
    if math.isnan(value):
        return "NAN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    text = f"{value:.14G}"
    if "E" in text:
        mantissa, exponent = text.split("E")
        if "." not in mantissa:
            mantissa += ".0"
        text = f"{mantissa}E{exponent[0]}{exponent[1:].lstrip('0') or '0'}"
    return text


def php_string(value: object) -> str:
    """A JSON scalar as PHP's string cast writes it; arrays become ``"Array"`` (with a notice)."""
    if isinstance(value, str):
        return value
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, int):
        return str(value) if abs(value) <= PHP_INT_MAX else php_float_text(float(value))
    if isinstance(value, float):
        return php_float_text(value)
    return "Array"


def php_truthy(value: object) -> bool:
    """PHP's boolean conversion: ``""``, ``"0"``, 0, 0.0, null and empty arrays are false."""
    if isinstance(value, str):
        return value not in ("", "0")
    if isinstance(value, list | dict):
        return bool(value)
    return bool(value)


def _serialize_key(key: object) -> str:
    # PHP turns array keys that are canonical decimal integers into integers.
    text = str(key)
    if _INTEGER_KEY.fullmatch(text) and abs(int(text)) <= PHP_INT_MAX:
        return f"i:{int(text)};"
    return _serialize_string(text)


def _serialize_string(text: str) -> str:
    return f's:{len(text.encode("utf-8"))}:"{text}";'


def _serialize_float(value: float) -> str:
    # serialize() uses serialize_precision -1: the shortest text that reads back the same.
    if math.isnan(value):
        return "d:NAN;"
    if math.isinf(value):
        return "d:INF;" if value > 0 else "d:-INF;"
    text = repr(value)
    if text.endswith(".0"):
        text = text[:-2]
    if "e" in text:
        mantissa, exponent = text.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        sign = "-" if exponent.startswith("-") else "+"
        text = f"{mantissa}E{sign}{exponent.lstrip('+-').lstrip('0') or '0'}"
    return f"d:{text};"


def php_serialize(value: object) -> str:
    """PHP's ``serialize()`` of a decoded JSON value (objects are associative arrays)."""
    if value is None:
        return "N;"
    if isinstance(value, bool):
        return f"b:{int(value)};"
    if isinstance(value, int):
        if abs(value) > PHP_INT_MAX:
            return _serialize_float(float(value))
        return f"i:{value};"
    if isinstance(value, float):
        return _serialize_float(value)
    if isinstance(value, str):
        return _serialize_string(value)
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return _serialize_string(str(value))
    body = "".join(_serialize_key(key) + php_serialize(item) for key, item in items)
    return f"a:{len(items)}:{{{body}}}"


def stored_text(value: object) -> str:
    """What a user-meta field reads back as after storing ``value`` unchanged.

    Text and numbers are stored as their string form; a list or an object is stored
    PHP-serialized and comes back as that serialisation (section 19.3).
    """
    if isinstance(value, list | dict):
        return php_serialize(value)
    return php_string(value)


def remove_accents(value: str) -> str:
    """Fold accented letters to ASCII (``João`` → ``Joao``) like WordPress' ``remove_accents``."""
    return strip_accents(value)


def strip_all_tags(value: str) -> str:
    """``wp_strip_all_tags`` without line-break removal.

    ``<script>``/``<style>`` go with their content, every other tag loses only its markup; the
    result is trimmed.
    """
    without_code = _SCRIPT_OR_STYLE.sub("", value)
    return _TAG.sub("", without_code).strip()


def _esc_html(text: str) -> str:
    # esc_html leaves existing entities alone (no double encoding).
    text = re.sub(r"&(?!(#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)", "&amp;", text)
    return (
        text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#039;")
    )


def sanitize_text_field(value: str) -> str:
    """WordPress' ``sanitize_text_field``.

    A lone ``<`` escaped, tags (and script content) stripped, line breaks, tabs and runs of
    spaces collapsed, ``%XX`` octets removed, trimmed.
    """
    filtered = value
    if "<" in filtered:
        filtered = _LESS_THAN_RUN.sub(
            lambda match: match.group(0) if ">" in match.group(0) else _esc_html(match.group(0)),
            filtered,
        )
        filtered = strip_all_tags(filtered)
        filtered = filtered.replace("<\n", "&lt;\n")
    filtered = _TEXT_WHITESPACE.sub(" ", filtered).strip()
    without_octets = _OCTET.sub("", filtered)
    if without_octets != filtered:
        filtered = re.sub(r" +", " ", without_octets).strip()
    return filtered


def wc_clean(value: object) -> object:
    """WooCommerce's ``wc_clean``: arrays entry by entry, scalars as text, null left alone."""
    if isinstance(value, Mapping):
        return {key: wc_clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [wc_clean(item) for item in value]
    if value is None:
        return None
    return sanitize_text_field(php_string(value))


def sanitize_user(value: str, *, strict: bool = False) -> str:
    """WordPress' ``sanitize_user``: tags, accents, octets and entities out.

    Strict keeps only ASCII letters, digits, space and ``_ . - @`` (case is kept).
    """
    username = strip_all_tags(value)
    username = _ENTITY.sub("", _OCTET.sub("", remove_accents(username)))
    if strict:
        username = _NOT_STRICT_USER.sub("", username)
    return _WHITESPACE.sub(" ", username.strip())


def is_valid_username(value: str) -> bool:
    """WordPress' ``validate_username``: non-empty and unchanged by strict sanitising."""
    return bool(value) and sanitize_user(value, strict=True) == value


def nicename(login: str) -> str:
    """The URL-friendly name WordPress derives from a login (``john.doe`` → ``john-doe``)."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", remove_accents(login).lower()).strip("-")
    return slug[:50] or "user"
