"""What a list of cached customers adds up to: summary figures and the data of its charts.

Everything is one SQL aggregate over the list's conditions (``CustomerCache.view_conditions``):
no customer is loaded into Python, so 100,000 customers are summed as quickly as they are
counted. Order figures the store's API does not give (-1 in the figure columns) are left out of
every sum and average, and counted apart (``Summary.unknown``), so an average never counts a
customer whose figures are unknown as one who spent nothing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal

from app.cache.database import LIST_INDEX
from app.domain.countries import country_name
from app.domain.store_time import day_start

#: How many countries the countries chart names; the rest are one "other" bar (unless only
#: one is left, which is named too).
TOP_COUNTRIES = 10
#: How many months the new-customers chart shows, this one included.
MONTHS = 24
#: The orders-per-customer chart's bars: (label, fewest, most); None: no upper end.
ORDER_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0", 0, 0),
    ("1", 1, 1),
    ("2", 2, 2),
    ("3", 3, 3),
    ("4", 4, 4),
    ("5", 5, 5),
    ("6–10", 6, 10),
    ("11–20", 11, 20),
    ("21+", 21, None),
)
#: About how many bars the spending histogram has (its bin width is a round number).
SPENT_BINS = 10


@dataclass(frozen=True)
class Summary:
    """The figures of a list of customers (money in the store's currency, as Decimals).

    ``count`` is every customer of the list; the order figures come from the ``known`` ones
    (the others' figures the store's API does not give: ``unknown``). ``approximate`` counts
    those whose figures are WooCommerce Analytics' estimates. Averages are None without a
    customer (or an order) to average over.
    """

    count: int
    known: int
    unknown: int
    approximate: int
    orders_total: int
    spent_total: Decimal
    never_ordered: int

    @property
    def orders_average(self) -> Decimal | None:
        """Orders per customer (of those with known figures)."""
        return Decimal(self.orders_total) / self.known if self.known else None

    @property
    def spent_average(self) -> Decimal | None:
        """Lifetime spend per customer (of those with known figures)."""
        return self.spent_total / self.known if self.known else None

    @property
    def order_value_average(self) -> Decimal | None:
        """Average order value: all they spent over all their orders."""
        return self.spent_total / self.orders_total if self.orders_total else None

    @property
    def never_ordered_share(self) -> Decimal | None:
        """The share (0 to 1) of customers with known figures who never ordered."""
        return Decimal(self.never_ordered) / self.known if self.known else None


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label, its height, and what it stands for as a filter.

    ``low`` and ``high`` are the bar's range in the chart's own unit (a month's first day and
    the next month's, an amount, a number of orders; ``high`` None: no upper end). A country
    bar has its code in ``key`` ("" for customers without a country); the bar of the countries
    after the top ones has ``other`` set.
    """

    label: str
    count: int
    low: object = None
    high: object = None
    key: str = ""
    other: bool = False


@dataclass(frozen=True)
class Charts:
    """The data of the four charts of a list."""

    new_per_month: tuple[Bar, ...]
    spent: tuple[Bar, ...]
    countries: tuple[Bar, ...]
    orders: tuple[Bar, ...]


#: Every query here reads the list index alone, which holds every column they need (a row of
#: the table would be read from overflow pages: see app/cache/database.py, version 6).
_CUSTOMERS = f"customers c INDEXED BY {LIST_INDEX}"
#: What the summary and charts read of each customer (see ``source`` in summary_and_charts).
READ_COLUMNS = ("role", "country", "orders_count", "total_spent_cents", "created_at", "figures")
#: Beyond any amount in cents SQLite holds: the end of the spending chart's open bin.
_NO_END = 2**63
#: The sort indexes of registration and spending, which also hold the role, the country and the id.
_BY_CREATED = "customers_by_created"
_BY_SPENT = "customers_by_spent"


def _where(conditions: Sequence[str]) -> str:
    return f"WHERE {' AND '.join(conditions)}" if conditions else ""


@dataclass(frozen=True)
class _Group:
    """The listed customers of one role, one country and one number of orders.

    -1 orders: figures the store's API does not give. The sums are of those with known figures.
    """

    country: str
    orders: int
    count: int
    known: int
    orders_total: int
    spent_cents: int
    approximate: int


def _groups(
    conn: sqlite3.Connection,
    conditions: Sequence[str],
    params: Sequence[object],
    source: str = _CUSTOMERS,
) -> list[_Group]:
    """One pass that the summary, the orders chart and the countries chart are drawn from.

    Grouped by role, country and number of orders, the list index's first columns: SQLite walks
    the index in that order and sorts nothing. A few hundred groups come back at most.
    """
    known = "c.orders_count >= 0 AND c.total_spent_cents >= 0"
    (text,) = conn.execute(
        "SELECT json_group_array(json_array(country, orders, n, known, total_orders, cents,"
        " approximate)) FROM (SELECT c.country AS country, c.orders_count AS orders,"
        f" COUNT(*) AS n, SUM({known}) AS known,"
        f" SUM(CASE WHEN {known} THEN c.orders_count ELSE 0 END) AS total_orders,"
        f" SUM(CASE WHEN {known} THEN c.total_spent_cents ELSE 0 END) AS cents,"
        " SUM(c.figures = 'approximate') AS approximate"
        f" FROM {source} {_where(conditions)} GROUP BY c.role, c.country, c.orders_count)",
        list(params),
    ).fetchone()
    return [_Group(*row) for row in json.loads(text)]


def _summary(groups: Sequence[_Group]) -> Summary:
    count = sum(group.count for group in groups)
    known = sum(group.known for group in groups)
    return Summary(
        count=count,
        known=known,
        unknown=count - known,
        approximate=sum(group.approximate for group in groups),
        orders_total=sum(group.orders_total for group in groups),
        spent_total=Decimal(sum(group.spent_cents for group in groups)).scaleb(-2),
        never_ordered=sum(group.known for group in groups if group.orders == 0),
    )


def _orders_bars(groups: Sequence[_Group]) -> tuple[Bar, ...]:
    bars = []
    for label, fewest, most in ORDER_BUCKETS:
        counted = sum(
            group.known
            for group in groups
            if group.orders >= fewest and (most is None or group.orders <= most)
        )
        bars.append(Bar(label, counted, fewest, most))
    return tuple(bars)


def summarize(
    conn: sqlite3.Connection, conditions: Sequence[str], params: Sequence[object]
) -> Summary:
    """The summary figures of the customers ``conditions`` select (on ``customers c``)."""
    return _summary(_groups(conn, conditions, params))


def month_starts(today: date, months: int = MONTHS) -> list[date]:
    """The first days of the last ``months`` months up to ``today``'s, and of the next one."""
    year, month = today.year, today.month
    starts: list[date] = []
    for back in range(months - 1, -2, -1):
        index = year * 12 + (month - 1) - back
        starts.append(date(index // 12, index % 12 + 1, 1))
    return starts


def summary_and_charts(
    conn: sqlite3.Connection,
    conditions: Sequence[str],
    params: Sequence[object],
    zone: tzinfo,
    today: date,
    *,
    along_sort_indexes: bool = False,
    source: str = _CUSTOMERS,
) -> tuple[Summary, Charts]:
    """The summary figures and the four charts' bars of what ``conditions`` select.

    ``source``: where the customers are read (``customers c``, through the list index; or a
    temporary table of a view's rows, made by the caller). ``along_sort_indexes``: the
    conditions read nothing but the role, the country and the id,
    which every sort index holds; the months and the spending are then counted range by range
    along the registration and spending indexes, which sorts nothing (the whole store, or a
    country, is the largest list there is).

    Months are in ``zone``. Three passes over the list index: the summary, the orders and the
    countries from one that walks the index in its order (it sorts nothing), then the spending
    and the months, each grouping as few customers by as small a key as it can (grouping sorts
    what it groups: that is most of the time a chart takes).
    """
    groups = _groups(conn, conditions, params, source)
    if along_sort_indexes:
        new_per_month = _new_per_month_in_ranges(conn, conditions, params, zone, today)
        spent = _spent_in_ranges(conn, conditions, params)
    else:
        new_per_month = _new_per_month(conn, conditions, params, zone, today, source)
        spent = _spent(conn, conditions, params, source)
    charts = Charts(
        new_per_month=new_per_month,
        spent=spent,
        countries=_countries(groups),
        orders=_orders_bars(groups),
    )
    return _summary(groups), charts


def _bucketed(
    conn: sqlite3.Connection,
    expression: str,
    conditions: Sequence[str],
    params: Sequence[object],
    extra: Sequence[object] = (),
    source: str = _CUSTOMERS,
) -> dict[int, int]:
    """How many selected customers fall in each bucket ``expression`` (an integer) gives."""
    sql = (
        f"SELECT json_group_object(bucket, n) FROM (SELECT {expression} AS bucket, COUNT(*) AS n"
        f" FROM {source} {_where(conditions)} GROUP BY bucket HAVING bucket IS NOT NULL)"
    )
    (text,) = conn.execute(sql, [*extra, *params]).fetchone()
    return {int(key): value for key, value in json.loads(text).items()}


def _new_per_month(
    conn: sqlite3.Connection,
    conditions: Sequence[str],
    params: Sequence[object],
    zone: tzinfo,
    today: date,
    source: str = _CUSTOMERS,
) -> tuple[Bar, ...]:
    starts = month_starts(today)
    bounds = [day_start(start, zone) for start in starts]
    # Only the registrations of these months are grouped (in an older store, a fraction of
    # all); each one's month is the number of month starts at or before it, less one.
    cases = " ".join(f"WHEN c.created_at < ? THEN {index - 1}" for index in range(1, len(bounds)))
    recent = [*conditions, "c.created_at >= ?", "c.created_at < ?"]
    counts = _bucketed(
        conn, f"CASE {cases} END", recent, [*params, bounds[0], bounds[-1]], bounds[1:], source
    )
    return tuple(
        Bar(_month_label(start), counts.get(index, 0), start, starts[index + 1])
        for index, start in enumerate(starts[:-1])
    )


def _count_in(
    conn: sqlite3.Connection,
    index: str,
    column: str,
    conditions: Sequence[str],
    params: Sequence[object],
    low: int,
    high: int | None,
) -> int:
    """How many selected customers have ``column`` in [low, high), read along ``index``."""
    bounds = [f"c.{column} >= ?"] + ([f"c.{column} < ?"] if high is not None else [])
    values = [low] + ([high] if high is not None else [])
    (count,) = conn.execute(
        f"SELECT COUNT(*) FROM customers c INDEXED BY {index} {_where([*bounds, *conditions])}",
        [*values, *params],
    ).fetchone()
    return int(count)


def _new_per_month_in_ranges(
    conn: sqlite3.Connection,
    conditions: Sequence[str],
    params: Sequence[object],
    zone: tzinfo,
    today: date,
) -> tuple[Bar, ...]:
    starts = month_starts(today)
    bounds = [day_start(start, zone) for start in starts]
    return tuple(
        Bar(
            _month_label(start),
            _count_in(conn, _BY_CREATED, "created_at", conditions, params, low, high),
            start,
            starts[index + 1],
        )
        for index, (start, low, high) in enumerate(zip(starts, bounds, bounds[1:], strict=False))
    )


def _spent_in_ranges(
    conn: sqlite3.Connection, conditions: Sequence[str], params: Sequence[object]
) -> tuple[Bar, ...]:
    known = [*conditions, "c.total_spent_cents >= 0"]
    table = f"customers c INDEXED BY {_BY_SPENT}"
    (total,) = conn.execute(f"SELECT COUNT(*) FROM {table} {_where(known)}", params).fetchone()
    if not total:
        return ()
    # Where the top 5% begin, as _spent finds it: the amount of the customer at that rank.
    (amount,) = conn.execute(
        f"SELECT c.total_spent_cents FROM {table} {_where(known)}"
        " ORDER BY c.total_spent_cents LIMIT 1 OFFSET ?",
        [*params, (total * 95) // 100],
    ).fetchone()
    edge = (amount // 100 + 1) * 100
    return _spending_bars(
        edge,
        lambda low, high: _count_in(
            conn, _BY_SPENT, "total_spent_cents", conditions, params, low, high
        ),
    )


def _month_label(start: date) -> str:
    return datetime(start.year, start.month, 1).strftime("%b %Y")


def nice_width(largest_cents: int, bins: int = SPENT_BINS) -> int:
    """A round bin width in cents covering ``largest_cents`` in about ``bins`` bins.

    1, 2 or 5 times a power of ten, and at least one unit of money.
    """
    target = max(largest_cents / bins, 100)
    step = 100
    while True:
        for factor in (1, 2, 5):
            if step * factor >= target:
                return step * factor
        step *= 10


def _spent(
    conn: sqlite3.Connection,
    conditions: Sequence[str],
    params: Sequence[object],
    source: str = _CUSTOMERS,
) -> tuple[Bar, ...]:
    # How many customers spent each whole unit of money (0.00-0.99, 1.00-1.99, ...): a few
    # thousand counts at most, from which the bins are drawn up exactly (their width is whole
    # units), without a second pass.
    known = [*conditions, "c.total_spent_cents >= 0"]
    per_unit = _bucketed(conn, "c.total_spent_cents / 100", known, params, (), source)
    total = sum(per_unit.values())
    if not total:
        return ()
    # The bins cover the amounts up to where the top 5% of spenders begin; those share the last
    # bar, so one whale does not squash every other bar into the first.
    wanted, seen, edge = (total * 95) // 100, 0, 0
    for unit in sorted(per_unit):
        seen += per_unit[unit]
        edge = (unit + 1) * 100
        if seen > wanted:
            break

    def count(low: int, high: int | None) -> int:
        end = _NO_END if high is None else high
        return sum(n for unit, n in per_unit.items() if low <= unit * 100 < end)

    return _spending_bars(edge, count)


def _spending_bars(edge: int, count: Callable[[int, int | None], int]) -> tuple[Bar, ...]:
    """Round bins of amounts up to ``edge`` (cents), then one open bin for the rest, if any.

    ``count(low, high)`` is how many customers spent from ``low`` up to ``high`` cents (None:
    no upper end); every bin's edges are whole units of money. An empty open bin is left out:
    under "spent below 20" a "20+" bar would show a range the list cannot hold.
    """
    width = nice_width(edge)
    last = max(1, -(-edge // width))  # bins up to the edge; then one for the rest
    bars = []
    for index in range(last + 1):
        high_cents = None if index == last else (index + 1) * width
        low = Decimal(index * width).scaleb(-2)
        high = None if high_cents is None else Decimal(high_cents).scaleb(-2)
        bars.append(Bar(_amount_label(low, high), count(index * width, high_cents), low, high))
    if bars[-1].count == 0:
        bars.pop()
    return tuple(bars)


def _amount_label(low: Decimal, high: Decimal | None) -> str:
    """A spending bin in plain numbers ("0–50", "500+"); the chart adds the currency."""
    return f"{low:,.0f}+" if high is None else f"{low:,.0f}–{high:,.0f}"


def _countries(groups: Sequence[_Group]) -> tuple[Bar, ...]:
    per_country: dict[str, int] = {}
    for group in groups:
        per_country[group.country] = per_country.get(group.country, 0) + group.count
    rows = sorted(per_country.items(), key=lambda item: (-item[1], item[0]))
    # One country left after the top ones is named like them: a bar saying "1 other country"
    # would hide which.
    named = rows if len(rows) == TOP_COUNTRIES + 1 else rows[:TOP_COUNTRIES]
    bars = [
        Bar(country_name(str(code)) or str(code) or "No country", int(str(n)), key=str(code))
        for code, n in named
    ]
    rest = rows[len(named) :]
    if rest:
        countries = sum(1 for code, _ in rest if code)
        words = "1 other country" if countries == 1 else f"{countries} other countries"
        if countries < len(rest):  # the customers without a country are among them
            words += " or none"
        bars.append(Bar(words, sum(int(str(n)) for _, n in rest), other=True))
    return tuple(bars)
