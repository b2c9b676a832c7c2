"""Bringing a store's cache up to date: first, full and quick syncs.

* Full sync: every page, several at a time, each page stored as it arrives (so the first
  customers show after one round trip), then customers the store no longer has are removed in
  one transaction. An interrupted full sync resumes where it stopped.
* Quick sync: only customers changed since the watermark, newest first by ``last_update``
  (the one ordering legacy v3 offers for this), stopping at the watermark; then the store's
  count is compared with the cache's, and only if they differ does an id census find deletions.
  ``last_update`` does not move when only a customer's orders change, so order figures need a
  full sync now and then: AUTO runs one when the last is older than a day.

Nothing is ever half-applied: each page and the final removal are single transactions, so a
cancelled or crashed sync leaves a consistent cache.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum

from app.api.client import CustomerQuery, WooClient
from app.api.transport import CancelToken
from app.cache.repository import CustomerCache
from app.domain.customer import Customer
from app.domain.order import Download, Order
from app.errors import NotFoundError

log = logging.getLogger("app.cache")

#: AUTO runs a full sync when the last one is older than this (order figures go stale).
FULL_SYNC_MAX_AGE = 24 * 3600
#: An interrupted full sync older than this starts over instead of resuming.
RESUME_WINDOW = 6 * 3600


class SyncMode(StrEnum):
    """Which sync to run."""

    AUTO = "auto"
    FULL = "full"
    QUICK = "quick"


@dataclass(frozen=True)
class SyncProgress:
    """Where a sync is: a phase, how far, and a line for the user."""

    phase: str
    done: int
    total: int | None
    message: str


@dataclass(frozen=True)
class SyncReport:
    """What a finished sync did.

    ``fetched`` counts the customers the store sent; ``changed`` those of them that were new to
    the cache or differed from it (a quick sync fetches the watermark's second again, so it
    fetches at least one customer even when nothing changed).
    """

    mode: SyncMode
    fetched: int
    removed: int
    store_total: int
    held: int
    seconds: float
    resumed: bool = False
    changed: int = 0

    def describe_changes(self) -> str:
        """What the sync changed in the cache, in words ("3 new or changed, 1 removed")."""
        if not self.changed and not self.removed:
            return "nothing changed"
        return f"{self.changed:,} new or changed, {self.removed:,} removed"


ProgressCallback = Callable[[SyncProgress], None]
#: Called with (ids stored, ids removed) after each committed write that changed the cache
#: (customers stored again exactly as held are not named: nothing about them changed).
ChangeCallback = Callable[[list[int], list[int]], None]


class SyncEngine:
    """Syncs one store's customers into its cache (run it off the GUI thread)."""

    def __init__(
        self,
        client: WooClient,
        cache: CustomerCache,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.cache = cache
        self._clock = clock
        self._on_change: ChangeCallback = lambda stored, removed: None
        self._changed = 0  # customers stored new or different during the running sync

    def _now(self) -> int:
        return int(self._clock())

    def _report_change(self, stored: list[int], removed: list[int]) -> None:
        """Tell the views what a committed write changed, unless it changed nothing."""
        self._changed += len(stored)
        if stored or removed:
            self._on_change(stored, removed)

    # -- entry -------------------------------------------------------------------------------

    def sync(
        self,
        mode: SyncMode = SyncMode.AUTO,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        on_change: ChangeCallback | None = None,
    ) -> SyncReport:
        """Run a sync; AUTO picks quick when a recent full sync and a watermark exist.

        ``on_change(stored_ids, removed_ids)`` is called after every committed write, so views
        over the cache can show each page as it lands.

        Raises:
            AppError: network, store or cache failures; CancelledError when cancelled.
        """
        self._on_change = on_change or (lambda stored, removed: None)
        self._changed = 0
        report = progress or (lambda _: None)
        if mode is SyncMode.AUTO:
            last_full = self.cache.meta("last_full_sync")
            fresh = last_full is not None and self._now() - int(last_full) < FULL_SYNC_MAX_AGE
            interrupted = self.cache.meta("full_sync_started") is not None
            usable = fresh and self.cache.meta("watermark") is not None and not interrupted
            mode = SyncMode.QUICK if usable else SyncMode.FULL
        if mode is SyncMode.QUICK and self.cache.meta("watermark") is None:
            mode = SyncMode.FULL
        if mode is SyncMode.QUICK:
            quick = self._quick(report, cancel)
            if quick is not None:
                return quick
            log.info("the store sends no last_update; running a full sync instead")
        return self._full(report, cancel)

    def _scope(self, cancel: CancelToken | None) -> CustomerQuery:
        """Every role when the store can list them (WooCommerce 2.5+), else customers only."""
        scope = self.cache.meta("role_scope")
        if scope is None:
            everyone = self.client.count_customers(CustomerQuery(role="all"), cancel)
            # WooCommerce 2.4 treats "all" as a role name that matches nobody.
            customers = self.client.count_customers(CustomerQuery(), cancel) if not everyone else 0
            scope = "customer" if everyone == 0 and customers > 0 else "all"
            self.cache.set_meta({"role_scope": scope})
        return CustomerQuery(role=scope)

    # -- full --------------------------------------------------------------------------------

    def _full(self, report: ProgressCallback, cancel: CancelToken | None) -> SyncReport:
        began = time.perf_counter()
        scope = self._scope(cancel)
        started_text = self.cache.meta("full_sync_started")
        started = int(started_text) if started_text else None
        resumed = started is not None and self._now() - started < RESUME_WINDOW
        done_pages: set[int] = set()
        watermark: int | None
        if resumed:
            assert started is not None
            done_pages = {
                int(p) for p in (self.cache.meta("full_sync_pages") or "").split(",") if p
            }
            # The watermark of the interrupted run: edits made since it began are refetched.
            saved = self.cache.meta("full_sync_watermark")
            watermark = int(saved) if saved else None
        else:
            started = self._now()
            watermark = None
            self.cache.set_meta({"full_sync_started": started, "full_sync_pages": ""})
        # Asked alongside the first page, so it costs no round trip of its own.
        helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="woo-watermark")
        newest = None if resumed else helper.submit(self._newest_update, scope, cancel)
        helper.shutdown(wait=False)
        first_total: int | None = None
        fetched = 0
        report(SyncProgress("customers", 0, None, "Fetching customers…"))
        for page in self.client.iter_customer_pages(scope, cancel=cancel, skip=done_pages):
            done_pages.add(page.number)
            stored = self.cache.upsert_customers(
                page.customers,
                self._now(),
                meta={
                    "full_sync_pages": ",".join(map(str, sorted(done_pages))),
                    "store_total": page.total,
                    "store_total_at": self._now(),
                },
            )
            self._report_change(stored, [])
            fetched += len(page.customers)
            if newest is not None:
                watermark = newest.result()
                self.cache.set_meta({"full_sync_watermark": watermark})
                newest = None
            if first_total is None:
                first_total = page.total
            elif page.total != first_total:
                first_total = -1  # the store changed while paging: pages may have shifted
            report(
                SyncProgress(
                    "customers",
                    len(done_pages),
                    page.total_pages,
                    f"Fetched {fetched:,} of {page.total:,} customers",
                )
            )
        report(SyncProgress("deletions", 0, None, "Checking for deleted customers…"))
        shifted = resumed or first_total == -1
        removed, store_total = self._reconcile(
            scope,
            started,
            cancel,
            force_census=shifted,
            # Every page reported the same total: no need to ask for it once more.
            known_total=None if shifted else first_total,
        )
        self.cache.set_meta(
            {
                "last_full_sync": self._now(),
                "watermark": watermark if watermark is not None else self._max_cached_update(),
                "full_sync_started": None,
                "full_sync_pages": None,
                "full_sync_watermark": None,
            }
        )
        self.cache.analyze()
        held = self.cache.count()
        report(SyncProgress("done", 1, 1, f"{held:,} customers up to date"))
        return SyncReport(
            SyncMode.FULL,
            fetched,
            removed,
            store_total,
            held,
            time.perf_counter() - began,
            resumed,
            changed=self._changed,
        )

    def _newest_update(self, scope: CustomerQuery, cancel: CancelToken | None) -> int | None:
        """The newest ``last_update`` in the store right now (the next quick sync starts here)."""
        page = self.client.customer_page(1, _by_last_update(scope), page_size=1, cancel=cancel)
        if not page.customers or page.customers[0].last_update is None:
            return None
        return int(page.customers[0].last_update.timestamp())

    def _max_cached_update(self) -> int | None:
        row = self.cache.file.conn.execute("SELECT MAX(last_update) FROM customers").fetchone()
        return int(row[0]) if row and row[0] is not None else None

    # -- quick -------------------------------------------------------------------------------

    def _quick(self, report: ProgressCallback, cancel: CancelToken | None) -> SyncReport | None:
        """A quick sync, or None when the store sends no ``last_update`` (needs a full one)."""
        began = time.perf_counter()
        scope = self._scope(cancel)
        watermark = int(self.cache.meta("watermark") or 0)
        query = _by_last_update(scope)
        newest: int | None = None
        fetched = 0
        number = 1
        report(SyncProgress("customers", 0, None, "Fetching changed customers…"))
        while True:
            page = self.client.customer_page(number, query, cancel=cancel)
            updates = [c.last_update for c in page.customers]
            if any(u is None for u in updates):
                return None
            stamps = [int(u.timestamp()) for u in updates if u is not None]
            if newest is None and stamps:
                newest = stamps[0]
            changed = [c for c, s in zip(page.customers, stamps, strict=True) if s >= watermark]
            if changed:
                stored = self.cache.upsert_customers(
                    changed,
                    self._now(),
                    meta={"store_total": page.total, "store_total_at": self._now()},
                )
                self._report_change(stored, [])
                fetched += len(changed)
                report(
                    SyncProgress(
                        "customers",
                        fetched,
                        None,
                        f"Fetched {fetched:,} changed customer{'s' if fetched != 1 else ''}",
                    )
                )
            if len(changed) < len(page.customers) or number >= page.total_pages:
                break
            number += 1
        report(SyncProgress("deletions", 0, None, "Checking for deleted customers…"))
        removed, store_total = self._reconcile(scope, None, cancel)
        self.cache.set_meta(
            {
                "last_quick_sync": self._now(),
                "watermark": max(watermark, newest) if newest is not None else watermark,
            }
        )
        held = self.cache.count()
        report(SyncProgress("done", 1, 1, f"{held:,} customers up to date"))
        return SyncReport(
            SyncMode.QUICK,
            fetched,
            removed,
            store_total,
            held,
            time.perf_counter() - began,
            changed=self._changed,
        )

    # -- deletions ---------------------------------------------------------------------------

    def _reconcile(
        self,
        scope: CustomerQuery,
        confirmed_since: int | None,
        cancel: CancelToken | None,
        *,
        force_census: bool = False,
        known_total: int | None = None,
    ) -> tuple[int, int]:
        """Remove what the store no longer has; returns (removed, store total).

        Cheap when nothing changed: the store's count is compared with the cache's first. An
        id census is taken only when they differ, or when ``force_census`` says paging may have
        shifted (the store's total moved during a full sync, or it was resumed): a deletion
        ahead of the pages still to fetch hides a customer behind the next page boundary.
        """
        if known_total is not None:
            store_total = known_total
        else:
            store_total = self.client.count_customers(scope, cancel)
        held = self.cache.count()
        stale = (
            self.cache.ids_confirmed_before(confirmed_since) if confirmed_since is not None else []
        )
        if not force_census and store_total == held and not stale:
            self.cache.set_meta({"store_total": store_total, "store_total_at": self._now()})
            return 0, store_total
        if not force_census and confirmed_since is not None and store_total == held - len(stale):
            removed = self.cache.delete_customers(
                stale, meta={"store_total": store_total, "store_total_at": self._now()}
            )
            self._on_change([], stale)
            return removed, store_total
        census = self.client.customer_ids(scope, cancel=cancel)
        cached = self.cache.all_ids()
        missing = sorted(census - cached)
        if missing:
            self._fetch_by_id(missing, cancel)
        gone = sorted(cached - census)
        removed = self.cache.delete_customers(
            gone, meta={"store_total": len(census), "store_total_at": self._now()}
        )
        if gone:
            self._on_change([], gone)
        return removed, len(census)

    def _fetch_by_id(self, ids: Iterable[int], cancel: CancelToken | None) -> None:
        def fetch(customer_id: int) -> Customer | None:
            try:
                return self.client.get_customer(customer_id, cancel)
            except NotFoundError:
                return None

        with ThreadPoolExecutor(max_workers=self.client.connection.concurrency) as pool:
            found = [c for c in pool.map(fetch, ids) if c is not None]
        if found:
            self._report_change(self.cache.upsert_customers(found, self._now()), [])

    # -- one customer's details ----------------------------------------------------------------

    def fetch_orders(self, customer_id: int, cancel: CancelToken | None = None) -> list[Order]:
        """A customer's orders from the store, cached on the way."""
        orders = self.client.customer_orders(customer_id, cancel)
        self.cache.store_orders(customer_id, orders, self._now())
        return orders

    def fetch_downloads(
        self, customer_id: int, cancel: CancelToken | None = None
    ) -> list[Download]:
        """A customer's downloads from the store, cached on the way."""
        downloads = self.client.customer_downloads(customer_id, cancel)
        self.cache.store_downloads(customer_id, downloads, self._now())
        return downloads


def _by_last_update(scope: CustomerQuery) -> CustomerQuery:
    """The same customers, most recently changed first."""
    return CustomerQuery(
        role=scope.role, orderby="meta_value_num", meta_key="last_update", order="DESC"
    )
