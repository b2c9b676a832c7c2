"""Filters, summary cards and charts at 100,000 customers (issue 16).

One cache of generated customers (``bench_cache.build_cache``: 17 countries, order counts,
spending, seven years of registrations and last orders, companies, phones and a share without)
and about twenty filter changes a user makes. Each is timed as the window lives it: the customer
table's model set to the new view (``CustomerTableModel.set_view``, what the customer list calls)
and the first window of rows a paint reads; then the view's summary figures
(``CustomerCache.summary``) and its four charts' data (``CustomerCache.charts``). Each view is
timed REPEATS times, in rounds over all views, so every timing follows a change to another view;
a view's figure is the median of its runs, and a row gives the median and the worst of those.

Painting the charts (``InsightsView``) is a row of its own once app/ui/insights_view.py exists.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.cache.repository import CustomerCache, CustomerFilter
from app.domain.criteria import Criteria
from tests.benchmarks.bench_cache import CACHED, build_cache
from tests.benchmarks.report import Row

REPEATS = 7
#: The charts' "today": the generated registrations end late in 2025, so the months chart
#: (the last 24 months) is full, as in a store that is in business.
TODAY = date(2025, 12, 15)
STORE_TIMEZONE = "Europe/Berlin"
#: The module painting the charts, timed once it exists.
INSIGHTS_VIEW = "app.ui.insights_view"

#: Filter changes a user makes: (what, the view).
VIEWS: tuple[tuple[str, CustomerFilter], ...] = (
    ("one country", CustomerFilter(criteria=Criteria(countries=("DE",)))),
    ("three countries", CustomerFilter(criteria=Criteria(countries=("FR", "ES", "IT")))),
    ("a small country", CustomerFilter(criteria=Criteria(countries=("IE",)))),
    ("min orders 3", CustomerFilter(criteria=Criteria(min_orders=3))),
    ("max orders 1", CustomerFilter(criteria=Criteria(max_orders=1))),
    (
        "spent 100–500",
        CustomerFilter(criteria=Criteria(min_spent=Decimal(100), max_spent=Decimal(500))),
    ),
    ("average order ≥ 200", CustomerFilter(criteria=Criteria(min_average=Decimal(200)))),
    (
        "registered in 2023",
        CustomerFilter(
            criteria=Criteria(
                registered_after=date(2023, 1, 1), registered_before=date(2023, 12, 31)
            )
        ),
    ),
    (
        "last order before 2021-06-30",
        CustomerFilter(criteria=Criteria(last_order_before=date(2021, 6, 30))),
    ),
    (
        "last order since 2025-06-01",
        CustomerFilter(criteria=Criteria(last_order_after=date(2025, 6, 1))),
    ),
    ("never ordered", CustomerFilter(criteria=Criteria(never_ordered=True))),
    ("has a company", CustomerFilter(criteria=Criteria(has_company=True))),
    ("no phone", CustomerFilter(criteria=Criteria(has_phone=False))),
    ("a state", CustomerFilter(criteria=Criteria(countries=("US",), state="CA"))),
    ("a city", CustomerFilter(criteria=Criteria(city="lyon"))),
    (
        "country + search “maria”",
        CustomerFilter(search="maria", criteria=Criteria(countries=("ES", "PT", "BR", "MX"))),
    ),
    (
        "search “gmail” + min spent 500",
        CustomerFilter(search="gmail", criteria=Criteria(min_spent=Decimal(500))),
    ),
    (
        "min orders 3, by total spent desc",
        CustomerFilter(criteria=Criteria(min_orders=3), sort="total_spent", descending=True),
    ),
    (
        "one country + company, by total spent desc",
        CustomerFilter(
            criteria=Criteria(countries=("GB",), has_company=True),
            sort="total_spent",
            descending=True,
        ),
    ),
    (
        "US, 2+ orders, spent ≥ 250, registered 2022–2024, by last order desc",
        CustomerFilter(
            criteria=Criteria(
                countries=("US",),
                min_orders=2,
                min_spent=Decimal(250),
                registered_after=date(2022, 1, 1),
                registered_before=date(2024, 12, 31),
            ),
            sort="last_order",
            descending=True,
        ),
    ),
    (
        "never ordered, registered in 2025, every role",
        CustomerFilter(
            role=None, criteria=Criteria(never_ordered=True, registered_after=date(2025, 1, 1))
        ),
    ),
    ("no filter (back to all)", CustomerFilter()),
)


@dataclass(frozen=True)
class Timings:
    """Each view's median over REPEATS runs, in milliseconds, in the order of VIEWS."""

    per_view: tuple[float, ...]
    slowest_run: float

    @property
    def median(self) -> float:
        return statistics.median(self.per_view)

    @property
    def worst(self) -> tuple[float, str]:
        return max(zip(self.per_view, (name for name, _ in VIEWS), strict=True))


def time_views(
    action: Callable[[CustomerFilter], object], views: Sequence[CustomerFilter]
) -> Timings:
    """Time ``action`` on every view, REPEATS rounds over all of them (after a warm-up round)."""
    for view in views:
        action(view)
    runs: list[list[float]] = [[] for _ in views]
    for _ in range(REPEATS):
        for index, view in enumerate(views):
            started = time.perf_counter()
            action(view)
            runs[index].append((time.perf_counter() - started) * 1000)
    return Timings(
        tuple(statistics.median(times) for times in runs), max(max(times) for times in runs)
    )


def _row(what: str, timings: Timings, goal: str) -> Row:
    worst_ms, worst_view = timings.worst
    return Row(
        f"insights: {what} at {CACHED:,} customers, {len(VIEWS)} filter changes x {REPEATS} "
        f"(worst: {worst_view}; slowest single run {timings.slowest_run:.1f} ms)",
        f"{timings.median:.1f} ms median, {worst_ms:.1f} ms worst",
        goal,
    )


def _details(what: str, timings: Timings, counts: Sequence[int]) -> None:
    """Each view's figure on stderr, to find the slow ones (EXPLAIN QUERY PLAN them next)."""
    print(f"  {what}:", file=sys.stderr)
    for (name, _), ms, count in zip(VIEWS, timings.per_view, counts, strict=True):
        print(f"    {ms:7.1f} ms  {count:7,} customers  {name}", file=sys.stderr)


def _application() -> Any:
    """The process' QApplication (offscreen), made if there is none yet."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def filter_change(cache: CustomerCache) -> Callable[[CustomerFilter], object]:
    """What the customer list does on a filter change: a new view, then its first rows read."""
    from app.models.customer_model import CustomerTableModel

    model = CustomerTableModel(cache)

    def change(view: CustomerFilter) -> object:
        model.set_view(view)
        return model.row_at(0)  # the first window, which the table's first paint reads

    return change


def painted_charts(cache: CustomerCache) -> Callable[[CustomerFilter], object] | None:
    """The charts shown and painted for a view, or None while the insights view does not exist."""
    if importlib.util.find_spec(INSIGHTS_VIEW) is None:
        return None
    insights = importlib.import_module(INSIGHTS_VIEW).InsightsView()
    insights.resize(420, 800)  # the dock's size in a 1280x800 window
    insights.show()

    def paint(view: CustomerFilter) -> object:
        insights.show_view(cache, view)
        return insights.grab()

    return paint


def figures(cache: CustomerCache) -> list[Row]:
    """The rows of the filter changes, summaries and charts over ``cache``."""
    application = _application()
    views = [view for _, view in VIEWS]
    counts = [cache.summary(view).count for view in views]
    change = time_views(filter_change(cache), views)
    summary = time_views(cache.summary, views)
    # What the insights view reads: the summary and the charts together (they share a pass).
    charts = time_views(lambda view: cache.insights(view, TODAY), views)
    for what, timings in (("filter change", change), ("summary", summary), ("charts", charts)):
        _details(what, timings, counts)
    rows = [
        _row("filter change to the table's model and first rows", change, "<= 50 ms"),
        _row("summary cards' figures", summary, "reported"),
        _row("summary figures and the four charts' data", charts, "<= 100 ms with painting"),
    ]
    paint = painted_charts(cache)
    if paint is not None:
        painted = time_views(paint, views)
        application.processEvents()
        _details("charts painted", painted, counts)
        rows.append(_row("the four charts shown and painted", painted, "<= 100 ms"))
    return rows


def run() -> list[Row]:
    """Build the large cache, then time the filter changes, summaries and charts over it."""
    with tempfile.TemporaryDirectory(prefix="woo-bench-insights-") as temp:
        cache, _seconds = build_cache(Path(temp) / "large")
        try:
            cache.keep_store_timezone(STORE_TIMEZONE)
            return figures(cache)
        finally:
            cache.close()
