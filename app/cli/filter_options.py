"""The filter options ``customers list --offline``, ``customers stats`` and ``export`` share.

Owns the options themselves (:func:`add_filter_options`: one argparse group, so the three
commands take the same spelling), their syntax (the ``type=`` converters: a date as YYYY-MM-DD,
a whole number, an amount) and the one way parsed options become a
:class:`~app.cache.repository.CustomerFilter` (:func:`customer_filter`): the saved segment named
by ``--segment``, the options given beside it, and one gate, :meth:`Criteria.problems`, for
what the syntax cannot say (a negative count, an unknown country, a range that ends before it
starts). Filtering, counting and summing are the cache's.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from app.cache.repository import CustomerFilter
from app.domain.countries import country_code
from app.stores.segments import Segment, SegmentStore

#: The role a list shows when neither ``--role`` nor a segment names one.
DEFAULT_ROLE = "customer"

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_AMOUNT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_WHOLE = re.compile(r"[+-]?\d+")


def day(text: str) -> date:
    """``--registered-after`` and the other dates: YYYY-MM-DD, a real day."""
    try:
        if _DAY.fullmatch(text.strip()):
            return date.fromisoformat(text.strip())
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got '{text}'")


def whole_number(text: str) -> int:
    """``--min-orders``/``--max-orders``: a whole number (its sign is Criteria's to judge)."""
    if not _WHOLE.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'")
    return int(text)


def amount(text: str) -> Decimal:
    """The money bounds: a decimal amount with a point ("12.50"), in the store's currency."""
    if not _AMOUNT.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(f"expected an amount such as 12.50, got '{text}'")
    try:
        return Decimal(text.strip())
    except InvalidOperation:  # the pattern admits only numbers; kept for safety's sake
        raise argparse.ArgumentTypeError(
            f"expected an amount such as 12.50, got '{text}'"
        ) from None


def country(text: str) -> str:
    """``--country``: a country's code or name ("de", "Germany"), as its code ("DE")."""
    code = country_code(text)
    if code is None:
        raise argparse.ArgumentTypeError(
            f"expected a country code WooCommerce knows (such as DE), got '{text}'"
        )
    return code


#: The single-valued options, each named (as its argparse dest) like the Criteria field it sets.
_VALUE_FIELDS = (
    "state",
    "city",
    "min_orders",
    "max_orders",
    "min_spent",
    "max_spent",
    "min_average",
    "max_average",
    "registered_after",
    "registered_before",
    "last_order_after",
    "last_order_before",
    "has_company",
    "has_phone",
)


def add_filter_options(parser: argparse.ArgumentParser, *, search_help: str) -> None:
    """Add the shared "filter options" group (search, role, criteria, ``--segment``).

    Every option defaults to None ("not given"), so that one given beside ``--segment`` can be
    told from one left alone.
    """
    group = parser.add_argument_group(
        "filter options",
        "Narrow the cached customers. Every option given must hold. Dates are days in the "
        "store's timezone (YYYY-MM-DD, both ends included), amounts are in the store's "
        "currency (12.50). Country, state and city are the billing address's, else the "
        "shipping address's. Customers whose order figures are unknown match no option on "
        "orders, spending or last order.",
    )
    group.add_argument("--search", help=search_help)
    group.add_argument("--role", help=f'a role, or "all" (default: {DEFAULT_ROLE})')
    group.add_argument(
        "--segment",
        metavar="NAME",
        help="start from this saved segment of the store (its search, role and filters); "
        "an option given beside it replaces the segment's value of that option "
        "(--country replaces its countries)",
    )
    group.add_argument(
        "--country",
        action="append",
        type=country,
        metavar="CC",
        help="a country code such as DE (or its name); repeat for any of several",
    )
    group.add_argument("--state", metavar="S", help="a state or county code (as the store keeps)")
    group.add_argument("--city", metavar="C", help="a city (case does not matter)")
    group.add_argument("--min-orders", type=whole_number, metavar="N", help="at least N orders")
    group.add_argument("--max-orders", type=whole_number, metavar="N", help="at most N orders")
    group.add_argument("--min-spent", type=amount, metavar="X", help="spent at least X in all")
    group.add_argument("--max-spent", type=amount, metavar="X", help="spent at most X in all")
    group.add_argument(
        "--min-average", type=amount, metavar="X", help="an average order of at least X"
    )
    group.add_argument(
        "--max-average", type=amount, metavar="X", help="an average order of at most X"
    )
    group.add_argument(
        "--registered-after", type=day, metavar="DATE", help="registered on DATE or later"
    )
    group.add_argument(
        "--registered-before", type=day, metavar="DATE", help="registered on DATE or earlier"
    )
    group.add_argument(
        "--last-order-after", type=day, metavar="DATE", help="last ordered on DATE or later"
    )
    group.add_argument(
        "--last-order-before", type=day, metavar="DATE", help="last ordered on DATE or earlier"
    )
    group.add_argument("--never-ordered", action="store_true", default=None, help="no order at all")
    company = group.add_mutually_exclusive_group()
    company.add_argument(
        "--has-company", dest="has_company", action="store_const", const=True, help="a company"
    )
    company.add_argument(
        "--no-company", dest="has_company", action="store_const", const=False, help="no company"
    )
    phone = group.add_mutually_exclusive_group()
    phone.add_argument(
        "--has-phone", dest="has_phone", action="store_const", const=True, help="a phone number"
    )
    phone.add_argument(
        "--no-phone", dest="has_phone", action="store_const", const=False, help="no phone number"
    )


def criteria_given(options: argparse.Namespace) -> list[str]:
    """The filter options given that only the local cache can apply (as typed: "--min-orders")."""
    names = ("segment", "country", *_VALUE_FIELDS, "never_ordered")
    spelled = {"has_company": "--has-company/--no-company", "has_phone": "--has-phone/--no-phone"}
    return [
        spelled.get(name, "--" + name.replace("_", "-"))
        for name in names
        if getattr(options, name) is not None
    ]


def customer_filter(
    options: argparse.Namespace,
    store_url: str,
    segments: SegmentStore,
    *,
    sort: str = "name",
    descending: bool = False,
) -> CustomerFilter:
    """The list the options describe: ``--segment`` (if any), then the options given over it.

    Raises:
        UsageError: for an unknown segment (naming the saved ones), or criteria that cannot be
            used (each problem named by its option, from :meth:`Criteria.problems`).
    """
    # Imported here: the parser (which every launch of the app builds) needs none of the commands.
    from app.cli.commands import UsageError

    segment = _segment(options.segment, store_url, segments) if options.segment else None
    base = segment or Segment("", search="", role=DEFAULT_ROLE)
    changes: dict[str, Any] = {
        name: getattr(options, name) for name in _VALUE_FIELDS if getattr(options, name) is not None
    }
    if options.country is not None:
        changes["countries"] = tuple(dict.fromkeys(options.country))
    if options.never_ordered:
        changes["never_ordered"] = True
    criteria = replace(base.criteria, **changes)
    problems = criteria.problems()
    if problems:
        # One line each, as _failed writes the first: "error: --min-orders: ...".
        raise UsageError("\nerror: ".join(f"{p.option}: {p.message}" for p in problems))
    role = options.role if options.role is not None else base.role
    return CustomerFilter(
        search=options.search if options.search is not None else base.search,
        role=None if role == "all" else role,
        criteria=criteria,
        sort=sort,
        descending=descending,
    )


def _segment(name: str, store_url: str, segments: SegmentStore) -> Segment:
    from app.cli.commands import UsageError

    found = segments.find(store_url, name)
    if found is not None:
        return found
    saved = [f"“{segment.name}”" for segment in segments.load(store_url)]
    known = f"the saved ones are {', '.join(saved)}" if saved else "this store has none saved"
    raise UsageError(f"--segment: there is no segment named “{name}” ({known})")
