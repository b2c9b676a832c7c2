"""The SQL of a list's filters (app/domain/criteria.py) over the cache's customer columns.

Every filter reads a column the list index holds (``customers_for_lists``, cache version 6):
a filtered list, its summary and its charts are read from that index alone, never from the
table's rows, which also hold each customer's stored document. The figure columns hold -1 where
the store's API gives no figures: such a customer matches no filter on orders or spending.
Money is kept in cents; dates as Unix times, compared with the store's days' bounds. The
average order value is matched as the window shows it, rounded to cents
(``Customer.average_order_value``): “at most 3.33” keeps a customer whose 10.00 over three
orders shows as 3.33.
"""

from __future__ import annotations

from datetime import tzinfo
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from app.cache.search import SearchClause
from app.domain.criteria import Criteria
from app.domain.store_time import day_end, day_start

#: The range of an SQLite integer: a bound beyond it means the same as the end it passes (no
#: count or amount in cents is ever that big), and SQLite cannot take it as a parameter.
_SQL_LOWEST, _SQL_HIGHEST = -(2**63), 2**63 - 1


def _bound(value: int) -> int:
    """An integer bound within what SQLite takes."""
    return min(max(value, _SQL_LOWEST), _SQL_HIGHEST)


def _cents(amount: Decimal, rounding: str) -> int:
    """An amount in whole cents, rounded so that the bound it is keeps its meaning."""
    return _bound(int((amount * 100).to_integral_value(rounding=rounding)))


def criteria_clause(criteria: Criteria, zone: tzinfo) -> SearchClause:
    """The conditions for ``criteria`` (none when it is empty); dates are days in ``zone``.

    ``criteria`` must have no :meth:`~app.domain.criteria.Criteria.problems`.
    """
    clause = SearchClause()
    sql, params = clause.sql, clause.params

    def add(condition: str, *values: object) -> None:
        sql.append(condition)
        params.extend(values)

    c = criteria
    if c.countries:
        marks = ", ".join("?" for _ in c.countries)
        add(f"c.country IN ({marks})", *(code.strip().upper() for code in c.countries))
    if c.state:
        add("c.state = ?", c.state.strip())
    if c.city:
        add("c.city = ?", c.city.strip())  # the column is NOCASE: "berlin" finds "Berlin"
    if c.min_orders is not None:
        add("c.orders_count >= ?", _bound(c.min_orders))
    if c.max_orders is not None:
        add("c.orders_count BETWEEN 0 AND ?", _bound(c.max_orders))
    if c.min_spent is not None:
        add("c.total_spent_cents >= ?", _cents(c.min_spent, ROUND_CEILING))
    if c.max_spent is not None:
        add("c.total_spent_cents BETWEEN 0 AND ?", _cents(c.max_spent, ROUND_FLOOR))
    # average_order is total_spent_cents / orders_count as a REAL: a bound of whole cents and a
    # half is exact in binary, and no such quotient lies close enough to it to round onto it.
    # Rounded half to even, as Decimal.quantize does: x.5 rounds up to an even bound.
    if c.min_average is not None:
        least = _cents(c.min_average, ROUND_CEILING)
        add(f"c.average_order {'>=' if least % 2 == 0 else '>'} ?", least - 0.5)
    if c.max_average is not None:
        most = _cents(c.max_average, ROUND_FLOOR)
        add(f"c.average_order {'<=' if most % 2 == 0 else '<'} ?", most + 0.5)
    if c.registered_after is not None:
        add("c.created_at >= ?", day_start(c.registered_after, zone))
    if c.registered_before is not None:
        add("c.created_at < ?", day_end(c.registered_before, zone))
    if c.last_order_after is not None:
        add("c.last_order_date >= ? AND c.orders_count >= 0", day_start(c.last_order_after, zone))
    if c.last_order_before is not None:
        add("c.last_order_date < ? AND c.orders_count >= 0", day_end(c.last_order_before, zone))
    if c.never_ordered:
        add("c.orders_count = 0")
    if c.has_company is not None:
        add("c.company != ''" if c.has_company else "c.company = ''")
    if c.has_phone is not None:
        add("c.phone != ''" if c.has_phone else "c.phone = ''")
    return clause
