"""WordPress' input sanitisers, as far as they change what the API stores and answers."""

from __future__ import annotations

import re

from app.demo_store.errors import ApiError
from app.domain.text import strip_accents

_TAG = re.compile(r"<[^>]*>")
_OCTET = re.compile(r"%[a-fA-F0-9]{2}")
_ENTITY = re.compile(r"&.+?;")
_NOT_STRICT_USER = re.compile(r"[^a-z0-9 _.\-@]", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)[^>]*?>.*?</\1>", re.IGNORECASE | re.DOTALL)
_STRIP_TAG = re.compile(r"<(?!\s)[^>]*>")
_LESS_THAN_RUN = re.compile(r"<[^>]*?((?=<)|>|$)")
_TEXT_WHITESPACE = re.compile(r"[\r\n\t ]+")


def text_value(name: str, value: object) -> str:
    """A JSON scalar as the PHP string it becomes; objects and lists are refused.

    Raises:
        ApiError: 400 for an array or object where text belongs (a real store would mangle it
            into "Array" with a PHP notice, or crash).
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, int | float):
        return (
            str(value)
            if not isinstance(value, float) or not value.is_integer()
            else str(int(value))
        )
    raise ApiError(
        400, "demo_store_invalid_parameter", f"{name} must be text, not a list or object."
    )


def remove_accents(value: str) -> str:
    """Fold accented letters to ASCII (``João`` → ``Joao``) like WordPress' ``remove_accents``."""
    return strip_accents(value)


def sanitize_user(value: str, *, strict: bool = False) -> str:
    """WordPress' ``sanitize_user``: tags, accents, octets and entities out; strict keeps ASCII."""
    username = _ENTITY.sub("", _OCTET.sub("", remove_accents(_TAG.sub("", value))))
    if strict:
        username = _NOT_STRICT_USER.sub("", username)
    return _WHITESPACE.sub(" ", username.strip())


def is_valid_username(value: str) -> bool:
    """WordPress' ``validate_username``: non-empty and unchanged by strict sanitising."""
    return bool(value) and sanitize_user(value, strict=True) == value


def wc_clean(value: str) -> str:
    """``wc_clean``/``sanitize_text_field``: no tags, no line breaks or runs of white space."""
    cleaned = _TAG.sub("", value).replace("<", "&lt;")
    cleaned = _OCTET.sub("", cleaned)
    return _WHITESPACE.sub(" ", cleaned).strip()


def nicename(login: str) -> str:
    """The URL-friendly name WordPress derives from a login (``john.doe`` → ``john-doe``)."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", remove_accents(login).lower()).strip("-")
    return slug[:50] or "user"


def strip_all_tags(value: str) -> str:
    """``wp_strip_all_tags`` without line-break removal.

    ``<script>``/``<style>`` go with their content, every other tag loses only its markup; the
    result is trimmed.
    """
    without_code = _SCRIPT_OR_STYLE.sub("", value)
    return _STRIP_TAG.sub("", without_code).strip()


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
