"""Search text and queries: what a search box matches in the cache, and how.

Every customer gets one folded text (no accents, case-folded) of their names, email, username,
companies, phones (also as bare digits, so "555 0100" finds "(555) 555-0100"), cities and
postcodes, indexed by an FTS5 trigram index: any typed fragment of three or more characters
matches anywhere. Shorter fragments match the start of a name, email or username. All words of
a search must match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from app.domain.customer import Customer
from app.domain.text import strip_accents

_NOT_DIGIT = re.compile(r"\D")
MIN_FRAGMENT = 3  # the trigram index needs three characters
#: The condition a search of three characters or more adds (its one parameter: the match).
MATCH_CONDITION = "c.id IN (SELECT rowid FROM customer_search WHERE customer_search MATCH ?)"
_AFTER_ALL = "\U0010ffff"  # sorts after every character: the end of a prefix range


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PHONE_WORD = re.compile(r"^[\d()+./-]+$")


def fold(text: str) -> str:
    """Text as searched: accents removed, case folded (``João`` and ``joao`` are equal)."""
    if text.isascii():
        return text.lower()  # the common case, and a quick one
    return strip_accents(text).casefold()


def _clean_search(search: str) -> str:
    """What was typed, made safe: valid UTF-8, no control characters."""
    text = search.encode("utf-8", "replace").decode("utf-8", "replace")
    return _CONTROL.sub(" ", text)


def search_text(customer: Customer) -> str:
    """The folded text a customer is found by."""
    billing, shipping = customer.billing, customer.shipping
    pieces: list[str] = [
        customer.first_name,
        customer.last_name,
        customer.email,
        customer.username,
        billing.first_name,
        billing.last_name,
        billing.company,
        billing.email,
        billing.phone,
        _NOT_DIGIT.sub("", billing.phone),
        billing.city,
        billing.postcode,
        shipping.first_name,
        shipping.last_name,
        shipping.company,
        shipping.city,
        shipping.postcode,
    ]
    return fold("\n".join(dict.fromkeys(p.strip() for p in pieces if p.strip())))


@dataclass
class SearchClause:
    """SQL restricting ``customers c`` to a search's matches."""

    sql: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)


def _phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def search_clause(search: str) -> SearchClause:
    """The conditions for a search box's text (empty when there is nothing to search)."""
    clause = SearchClause()
    words = fold(_clean_search(search)).split()
    if len(words) > 1 and all(_PHONE_WORD.match(word) for word in words):
        words = ["".join(words)]  # "06 12 34 56 78" is one phone number typed in pairs
    long_terms: list[str] = []
    for word in words:
        digits = _NOT_DIGIT.sub("", word)
        if len(word) >= MIN_FRAGMENT:
            if digits and digits != word and len(digits) >= MIN_FRAGMENT:
                long_terms.append(f"({_phrase(word)} OR {_phrase(digits)})")
            else:
                long_terms.append(_phrase(word))
        else:
            # Prefix ranges rather than LIKE: each is one index range scan, which stays quick
            # at 100,000 customers even for a single typed letter.
            clause.sql.append(
                "((c.name_key >= ? AND c.name_key < ?) OR (c.email >= ? AND c.email < ?)"
                " OR (c.username >= ? AND c.username < ?))"
            )
            clause.params += [word, word + _AFTER_ALL] * 3
    if long_terms:
        clause.sql.insert(0, MATCH_CONDITION)
        clause.params.insert(0, " AND ".join(long_terms))
    return clause


def search_rows(customers: Iterable[Customer]) -> list[tuple[int, str]]:
    """(rowid, text) rows for the search index."""
    return [(c.id, search_text(c)) for c in customers]
