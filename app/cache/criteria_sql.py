"""The SQL of a list's filters (app/domain/criteria.py) over the cache's customer columns.

Every filter reads an indexed column of ``customers c``: no stored document is opened, and a
filter's matches come from its own index (see ``_rows``), not from reading every row. The
figure columns hold -1 where the store's API gives no figures: such a customer matches no
filter on orders or spending.
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


def _rows(condition: str) -> str:
    """``condition`` on one column, as the ids its index holds.

    Written plainly, SQLite scans the sort order's index and reads each of 100,000 rows to test
    the condition (about 250 ms); as a set of ids taken from the condition's own index (each
    index ends with the id), only the matching rows are read (3 ms for 1,000 of them, half the
    time for most of them). The country needs none: every sort index carries it.
    """
    return f"c.id IN (SELECT id FROM customers WHERE {condition})"


def criteria_clause(criteria: Criteria, zone: tzinfo) -> SearchClause:
    """The conditions for ``criteria`` (none when it is empty); dates are days in ``zone``.

    ``criteria`` must have no :meth:`~app.domain.criteria.Criteria.problems`.
    """
    clause = SearchClause()
    sql, params = clause.sql, clause.params
    if criteria.countries:
        marks = ", ".join("?" for _ in criteria.countries)
        sql.append(f"c.country IN ({marks})")
        params += [code.strip().upper() for code in criteria.countries]  # codes are upper
    if criteria.state:
        sql.append(_rows("state = ?"))
        params.append(criteria.state.strip())
    if criteria.city:
        sql.append(_rows("city = ?"))  # the column is NOCASE: "berlin" finds "Berlin"
        params.append(criteria.city.strip())
    if criteria.min_orders is not None:
        sql.append(_rows("orders_count >= ?"))
        params.append(_bound(criteria.min_orders))
    if criteria.max_orders is not None:
        sql.append(_rows("orders_count BETWEEN 0 AND ?"))
        params.append(_bound(criteria.max_orders))
    if criteria.min_spent is not None:
        sql.append(_rows("total_spent_cents >= ?"))
        params.append(_cents(criteria.min_spent, ROUND_CEILING))
    if criteria.max_spent is not None:
        sql.append(_rows("total_spent_cents BETWEEN 0 AND ?"))
        params.append(_cents(criteria.max_spent, ROUND_FLOOR))
    # average_order is total_spent_cents / orders_count as a REAL: a bound of whole cents and a
    # half is exact in binary, and no such quotient lies close enough to it to round onto it.
    if criteria.min_average is not None:
        least = _cents(criteria.min_average, ROUND_CEILING)
        # Rounded half to even, as Decimal.quantize does: x.5 rounds up to an even ``least``.
        sql.append(_rows("average_order >= ?" if least % 2 == 0 else "average_order > ?"))
        params.append(least - 0.5)
    if criteria.max_average is not None:
        most = _cents(criteria.max_average, ROUND_FLOOR)
        sql.append(_rows("average_order <= ?" if most % 2 == 0 else "average_order < ?"))
        params.append(most + 0.5)
    if criteria.registered_after is not None:
        sql.append(_rows("created_at >= ?"))
        params.append(day_start(criteria.registered_after, zone))
    if criteria.registered_before is not None:
        sql.append(_rows("created_at < ?"))
        params.append(day_end(criteria.registered_before, zone))
    if criteria.last_order_after is not None:
        sql.append(_rows("last_order_date >= ? AND orders_count >= 0"))
        params.append(day_start(criteria.last_order_after, zone))
    if criteria.last_order_before is not None:
        sql.append(_rows("last_order_date < ? AND orders_count >= 0"))
        params.append(day_end(criteria.last_order_before, zone))
    if criteria.never_ordered:
        sql.append(_rows("orders_count = 0"))
    if criteria.has_company is not None:
        sql.append(_rows("company != ''" if criteria.has_company else "company = ''"))
    if criteria.has_phone is not None:
        sql.append(_rows("phone != ''" if criteria.has_phone else "phone = ''"))
    return clause
