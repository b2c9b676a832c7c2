"""The SQL of a list's filters (app/domain/criteria.py) over the cache's customer columns.

Every filter reads an indexed or plain column of ``customers c``: no stored document is opened,
so a filter applies to 100,000 customers as quickly as a sort. The figure columns hold -1 where
the store's API gives no figures: such a customer matches no filter on orders or spending.
Money is kept in cents; dates as Unix times, compared with the store's days' bounds.
"""

from __future__ import annotations

from datetime import tzinfo
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from app.cache.search import SearchClause
from app.domain.criteria import Criteria
from app.domain.store_time import day_end, day_start


def _cents(amount: Decimal, rounding: str) -> int:
    """An amount in whole cents, rounded so that the bound it is keeps its meaning."""
    return int((amount * 100).to_integral_value(rounding=rounding))


def criteria_clause(criteria: Criteria, zone: tzinfo) -> SearchClause:
    """The conditions for ``criteria`` (none when it is empty); dates are days in ``zone``."""
    clause = SearchClause()
    sql, params = clause.sql, clause.params
    if criteria.countries:
        marks = ", ".join("?" for _ in criteria.countries)
        sql.append(f"c.country IN ({marks})")
        params += list(criteria.countries)
    if criteria.state:
        sql.append("c.state = ?")
        params.append(criteria.state)
    if criteria.city:
        sql.append("c.city = ?")  # the column is NOCASE: "berlin" finds "Berlin"
        params.append(criteria.city.strip())
    if criteria.min_orders is not None:
        sql.append("c.orders_count >= ?")
        params.append(criteria.min_orders)
    if criteria.max_orders is not None:
        sql.append("c.orders_count BETWEEN 0 AND ?")
        params.append(criteria.max_orders)
    if criteria.min_spent is not None:
        sql.append("c.total_spent_cents >= ?")
        params.append(_cents(criteria.min_spent, ROUND_CEILING))
    if criteria.max_spent is not None:
        sql.append("c.total_spent_cents BETWEEN 0 AND ?")
        params.append(_cents(criteria.max_spent, ROUND_FLOOR))
    # The average is exact in cents (a REAL): compared with the bound in cents, not rounded.
    if criteria.min_average is not None:
        sql.append("c.average_order >= ?")
        params.append(float(criteria.min_average * 100))
    if criteria.max_average is not None:
        sql.append("c.average_order <= ?")
        params.append(float(criteria.max_average * 100))
    if criteria.registered_after is not None:
        sql.append("c.created_at >= ?")
        params.append(day_start(criteria.registered_after, zone))
    if criteria.registered_before is not None:
        sql.append("c.created_at < ?")
        params.append(day_end(criteria.registered_before, zone))
    if criteria.last_order_after is not None:
        sql.append("c.last_order_date >= ?")
        params.append(day_start(criteria.last_order_after, zone))
    if criteria.last_order_before is not None:
        sql.append("c.last_order_date < ?")
        params.append(day_end(criteria.last_order_before, zone))
    if criteria.never_ordered:
        sql.append("c.orders_count = 0")
    if criteria.has_company is not None:
        sql.append("c.company != ''" if criteria.has_company else "c.company = ''")
    if criteria.has_phone is not None:
        sql.append("c.phone != ''" if criteria.has_phone else "c.phone = ''")
    return clause
