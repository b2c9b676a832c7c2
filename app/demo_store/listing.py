"""Paged lists as the legacy API pages them: limits, offsets, totals, Link headers, ``fields=``.

Shared by the customer list and a customer's orders. The quirks are deliberate and documented in
wc-api-v3-behavior.md sections 9 and 19.4: the page used for links is ``offset / limit + 1``
(fractional with odd offsets), links drop the port, keep every query parameter (OAuth ones
included) and are left out when a page holds exactly one item, and an empty result still links
``rel="last"`` to page 0. For the customer list, a ``filter[limit]`` that PHP reads as 0 crashes
the store (the page count divides by it), and ``page=0`` asks MySQL for a negative offset, a
statement it refuses: an empty page whose total means nothing. ``fields=`` keeping nothing of an
object leaves an empty PHP array, which JSON writes as ``[]``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from app.api.oauth import PhpParam
from app.demo_store.errors import ApiError, critical_error
from app.demo_store.wcformat import PHP_INT_MAX, absint, php_intval

#: WordPress' default ``posts_per_page``, the page size when ``filter[limit]`` is not given.
DEFAULT_PAGE_SIZE = 10

_INTEGER = re.compile(r"^\s*[+-]?\d+", re.ASCII)
#: A PHP 8 numeric string: white space around, sign, digits, fraction, exponent.
_PHP_NUMERIC = re.compile(
    r"^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\v\f]*$", re.ASCII
)


def php_empty(value: str) -> bool:
    """PHP's ``empty()`` on a request string: only ``""`` and ``"0"`` are empty."""
    return value in ("", "0")


def php_equals_minus_one(value: str) -> bool:
    """PHP 8's ``-1 == $value``: numerically for a numeric string, else as text."""
    if _PHP_NUMERIC.match(value):
        return float(value) == -1
    return value == "-1"


def invalid_parameter(name: str, expected: str) -> ApiError:
    """A 400 for a parameter a real store would crash on (no WooCommerce code exists)."""
    return ApiError(400, "demo_store_invalid_parameter", f"{name} must be {expected}.")


@dataclass(frozen=True)
class Window:
    """Which slice of a result to answer.

    Attributes:
        limit: page size, or -1 for everything.
        offset: rows skipped.
        unlimited_pages: ``X-WC-TotalPages`` of an unlimited answer: 1 for the user query,
            0 for WordPress' post query (orders), which never counts pages without a limit.
    """

    limit: int
    offset: int
    unlimited_pages: int = 1

    @property
    def broken(self) -> bool:
        """Whether the SQL ``LIMIT`` gets a negative offset (``page=0``).

        MySQL refuses such a statement: the query then lists nobody.
        """
        return self.limit > 0 and self.offset < 0

    @property
    def link_page(self) -> float:
        """The page number links are computed from (``offset / limit + 1``)."""
        return 1 if self.limit < 0 else self.offset / self.limit + 1

    def total_pages(self, total: int) -> int:
        """``X-WC-TotalPages``: ceil(total / limit), or a fixed value without a limit."""
        return self.unlimited_pages if self.limit < 0 else math.ceil(total / self.limit)


def window(
    filters: Mapping[str, str],
    page: str | None,
    *,
    posts: bool = False,
    friendly: bool = False,
) -> Window:
    """Read ``filter[limit]``, ``filter[offset]`` and ``page`` into a :class:`Window`.

    ``posts`` selects WordPress' post query (orders): it ignores ``page`` here and reports no
    page count when unlimited. Only -1 means unlimited; other negative sizes count as positive,
    and without a limit the offset is ignored, as in WordPress' SQL.

    For the user query (customers), ``page`` and the limit are read as the legacy API does:
    ``absint``, so ``page=abc`` is page 0, which yields a negative offset
    (:attr:`Window.broken`); a limit that is not empty, not -1 and ``absint``s to 0 crashes a
    real store (``friendly`` answers a 400 instead).

    Raises:
        ApiError: a size that is not a number (orders), or one a real store crashes on.
    """
    if posts:
        return _posts_window(filters)
    raw_limit = filters.get("limit", "")
    if php_empty(raw_limit):
        limit = DEFAULT_PAGE_SIZE
    elif php_equals_minus_one(raw_limit):
        return Window(-1, 0, 1)
    else:
        limit = absint(raw_limit)
        if not limit:
            # query_customers divides the total by this size for its page count: PHP 8 throws
            # DivisionByZeroError, and WordPress answers its critical-error page.
            if friendly:
                raise invalid_parameter("filter[limit]", "a whole number, or -1 for all")
            raise critical_error()
    raw_offset = filters.get("offset", "")
    if not php_empty(raw_offset):
        return Window(limit, absint(raw_offset), 1)
    page_number = absint(page) if page is not None else 1
    return Window(limit, min(limit * (page_number - 1), PHP_INT_MAX), 1)


def _posts_window(filters: Mapping[str, str]) -> Window:
    """The window of WordPress' post query (a customer's orders)."""
    raw_limit = filters.get("limit", "")
    number = _INTEGER.match(raw_limit)
    if not raw_limit.strip():
        limit = DEFAULT_PAGE_SIZE
    elif number is None:
        raise invalid_parameter("filter[limit]", "a whole number, or -1 for all")
    else:
        limit = php_intval(number.group())
        limit = -1 if limit == -1 else abs(limit) or DEFAULT_PAGE_SIZE
    if limit < 0:
        return Window(limit, 0, 0)
    return Window(limit, absint(filters.get("offset", "")), 0)


def sql_limit(win: Window) -> str:
    """The SQL ``LIMIT … OFFSET …`` clause for a window."""
    return f"LIMIT {win.limit} OFFSET {win.offset}" if win.limit > 0 else ""


def _page_text(page: float) -> str:
    """A page number as PHP prints it (``2``, ``0.5``, ``1.3333333333333``)."""
    return str(int(page)) if float(page).is_integer() else f"{page:.14g}"


def paging_headers(
    *,
    total: int,
    win: Window,
    item_count: int,
    home_url: str,
    ssl: bool,
    request_path: str,
    params: Mapping[str, PhpParam],
    posts: bool = False,
) -> list[tuple[str, str]]:
    """``X-WC-Total``, ``X-WC-TotalPages`` and the ``Link`` lines of a list answer.

    ``posts`` selects WordPress' post query (orders), which has no single-item exception.
    """
    total_pages = win.total_pages(total)
    headers = [("X-WC-Total", str(total)), ("X-WC-TotalPages", str(total_pages))]
    if item_count == 1 and not posts:
        return headers
    page = win.link_page or 1  # the server's "if ( ! $page ) $page = 1" (page=0)
    base = _link_base(home_url, ssl, request_path, params)
    relations: list[tuple[str, float]] = []
    if page > 1:
        relations += [("first", 1), ("prev", page - 1)]
    next_page = int(page) + 1  # the server takes absint(page) + 1 here, unlike "prev"
    if next_page <= total_pages:
        relations.append(("next", next_page))
    if page != total_pages:
        relations.append(("last", total_pages))
    for relation, number in relations:
        separator = "&" if "?" in base else "?"
        headers.append(("Link", f'<{base}{separator}page={_page_text(number)}>; rel="{relation}"'))
    return headers


def _link_base(home_url: str, ssl: bool, request_path: str, params: Mapping[str, PhpParam]) -> str:
    """The request URL on the home URL's host (no port), ``page`` removed, left decoded."""
    host = urlsplit(home_url).hostname or ""
    pieces: list[str] = []
    for key, value in params.items():
        if key == "page":
            continue
        if isinstance(value, dict):
            pieces.extend(f"{key}[{inner}]={item}" for inner, item in value.items())
        else:
            pieces.append(f"{key}={value}")
    query = "&".join(pieces)
    scheme = "https" if ssl else "http"
    return f"{scheme}://{host}{request_path}" + (f"?{query}" if query else "")


def trim_fields(data: dict[str, Any], fields: str) -> dict[str, Any] | list[Any]:
    """Apply ``fields=`` the way ``filter_response_fields`` does, quirks included.

    A ``parent.child`` entry keeps only listed children in an object-valued parent (one child per
    parent is remembered, the last; children are matched against every remembered child), the
    parent survives without being listed, and a dotted name on a scalar removes the scalar.
    Whatever ends up with nothing in it is an empty PHP array, which JSON writes as ``[]``: the
    whole object (``fields=bogus``) or a parent without any listed child.
    """
    names = fields.split(",")
    sub_fields: dict[str, str] = {}
    for name in names:
        if "." in name:
            parent, child = name.split(".")[:2]
            sub_fields[parent] = child
    wanted_children = set(sub_fields.values())
    trimmed: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict) and key in sub_fields:
            children = {k: v for k, v in value.items() if k in wanted_children}
            trimmed[key] = children or []
        elif key in names:
            trimmed[key] = value
    return trimmed or []
