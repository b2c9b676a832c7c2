"""Tied rows in an arbitrary order, as MySQL hands them out (wc-api-v3-behavior.md section 19.1).

This module owns how the demo store orders rows that the requested sort key cannot tell apart.
WordPress sorts users by the columns a request names and by nothing else, and MySQL returns rows
that compare equal in an order that changes from one ``LIMIT/OFFSET`` query to the next. A page
walk in a tied order therefore lists some customers twice and skips as many others, while
``X-WC-Total`` stays the same; within one page tied customers are not in id order either. A
stand-in that broke ties by id would hide exactly the data loss real stores cause.

Every list query gets a salt, and its rows are ordered by the requested columns and then by a
salted hash of their id (:func:`tie_break_sql`): rows that do not tie keep the order asked for,
tied ones come out in a permutation of their own for that query. Sorting by ``ID`` leaves nothing
to break, so ``filter[orderby]=ID`` stays a total order (and needs no tie-breaker at all).

Replaying an order: a query's salt is drawn from a random generator seeded with the store's
``tie_seed`` (``StoreConfig.tie_seed``, ``--tie-seed``; 0 by default), the query's SQL and
parameters, and how many times this store has run that same query before. The same seed and the
same requests in the same order thus give the same pages, and pages fetched concurrently do not
disturb each other (each page is a different query). To replay a failing test, start its store
with the ``tie_seed`` it ran with and send the same requests; to explore other orders, vary it.
"""

from __future__ import annotations

import random
import threading
import weakref

from app.demo_store.schema import Database

_MASK = 0xFFFFFFFF
#: A salt packs two multipliers (30 bits each, made odd) and an offset (31 bits). They stay
#: small enough that no product or sum reaches 2**63, the limit of SQLite's integers (beyond it
#: SQLite would switch to imprecise floats).
_OFFSET_BITS = 31
_MULTIPLIER_BITS = 30
_SALT_BITS = _OFFSET_BITS + 2 * _MULTIPLIER_BITS
#: Queries remembered per store for their repeat counts; beyond this the counts start again (a
#: long-running store forgets, a test never gets near it).
_REMEMBERED_QUERIES = 50_000


class TieSalts:
    """The salts of one store's list queries."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._lock = threading.Lock()
        self._runs: dict[str, int] = {}

    def salt(self, query: str) -> int:
        """The salt for the next run of ``query`` (its SQL and parameters, as text)."""
        with self._lock:
            if len(self._runs) >= _REMEMBERED_QUERIES:
                self._runs.clear()
            run = self._runs.get(query, 0)
            self._runs[query] = run + 1
        return random.Random(f"{self.seed}\0{run}\0{query}").getrandbits(_SALT_BITS)


_stores: weakref.WeakKeyDictionary[Database, TieSalts] = weakref.WeakKeyDictionary()
_stores_lock = threading.Lock()


def salts_for(db: Database, seed: int) -> TieSalts:
    """The salts of the store whose database is ``db`` (created with ``seed`` on first use).

    They live beside the database rather than in the store's settings, which are options and
    immutable; they go when the store's database does.
    """
    with _stores_lock:
        salts = _stores.get(db)
        if salts is None or salts.seed != seed:
            salts = _stores[db] = TieSalts(seed)
        return salts


def _xor_shift(value: str) -> str:
    """``value ^ (value >> 16)`` in SQLite, which has no XOR: ``(a | b) - (a & b)``."""
    shifted = f"({value} >> 16)"
    return f"(({value} | {shifted}) - ({value} & {shifted}))"


def _salt_parts(salt: int) -> tuple[int, int, int]:
    """The first multiplier, the offset and the second multiplier a salt stands for."""
    offset = salt & ((1 << _OFFSET_BITS) - 1)
    # Odd (a bijection modulo 2**32) and never small (a small one would barely mix).
    large_odd = 1 << (_MULTIPLIER_BITS - 1) | 1
    first = (salt >> _OFFSET_BITS) & ((1 << _MULTIPLIER_BITS) - 1) | large_odd
    second = (salt >> (_OFFSET_BITS + _MULTIPLIER_BITS)) & ((1 << _MULTIPLIER_BITS) - 1)
    return first, offset, second | large_odd


def tie_break_sql(salt: int, column: str = "users.id") -> str:
    """An SQL expression ordering rows by a salted hash of ``column`` (an integer id).

    The hash is ``id * a + b`` modulo 2**32, a xor-shift, and another multiplication by an odd
    ``c`` modulo 2**32: a bijection on 32-bit ids for every salt (it never ties itself), cheap
    enough to evaluate for every row of a deep page, and different salts give unrelated orders
    of neighbouring ids (one multiplication alone would only rotate one fixed pattern).
    """
    first, offset, second = _salt_parts(salt)
    mixed = _xor_shift(f"((({column} * {first}) + {offset}) & {_MASK})")
    return f"(({mixed} * {second}) & {_MASK})"


def tie_hash(salt: int, value: int) -> int:
    """What :func:`tie_break_sql` computes, in Python (for tests and explanations)."""
    first, offset, second = _salt_parts(salt)
    mixed = (value * first + offset) & _MASK
    mixed ^= mixed >> 16
    return (mixed * second) & _MASK
