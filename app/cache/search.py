"""Search text and queries: what a search box matches in the cache, and how.

Every customer gets one folded text (no accents, case-folded) of their names, email, username,
companies, phones (also as bare digits, so "555 0100" finds "(555) 555-0100"), cities and
postcodes, indexed by an FTS5 trigram index: any typed fragment of three or more characters
matches anywhere. Shorter fragments match the start of a name, email or username. All words of
a search must match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from app.domain.customer import Customer

_NOT_DIGIT = re.compile(r"\D")
MIN_FRAGMENT = 3  # the trigram index needs three characters


def fold(text: str) -> str:
    """Text as searched: accents removed, case folded (``João`` and ``joao`` are equal)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


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
    words = fold(search).split()
    long_terms: list[str] = []
    for word in words:
        digits = _NOT_DIGIT.sub("", word)
        if len(word) >= MIN_FRAGMENT:
            if digits and digits != word and len(digits) >= MIN_FRAGMENT:
                long_terms.append(f"({_phrase(word)} OR {_phrase(digits)})")
            else:
                long_terms.append(_phrase(word))
        else:
            clause.sql.append(
                "(c.display_name LIKE ? ESCAPE '\\' OR c.email LIKE ? ESCAPE '\\'"
                " OR c.username LIKE ? ESCAPE '\\')"
            )
            pattern = _like_prefix(word)
            clause.params += [pattern, pattern, pattern]
    if long_terms:
        clause.sql.insert(
            0, "c.id IN (SELECT rowid FROM customer_search WHERE customer_search MATCH ?)"
        )
        clause.params.insert(0, " AND ".join(long_terms))
    return clause


def _like_prefix(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"


def search_rows(customers: Iterable[Customer]) -> list[tuple[int, str]]:
    """(rowid, text) rows for the search index."""
    return [(c.id, search_text(c)) for c in customers]
