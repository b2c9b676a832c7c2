"""Bringing a store's cache up to date: first, full and quick syncs.

* Full sync: a complete walk of the store's list in id order (:mod:`app.api.walk`), several
  windows at a time, each stored as it arrives (so the first customers show after one round
  trip). Only a walk that proved it saw exactly the customers the store counts for the cache's
  role scope may remove from the cache what it did not see; an unproven one removes nothing and
  says how many customers it could not account for. An interrupted full sync resumes where its
  walk stopped.
* Quick sync: only customers changed since the watermark, newest first by ``last_update``
  (the one ordering legacy v3 offers for this), in windows that keep customers sharing a
  timestamp together, stopping past the watermark; then the store's count is compared with the
  cache's, and only if they differ (or the cache was not proven whole) does an id census, itself
  a complete walk, find creations missed and deletions.
  ``last_update`` does not move when only a customer's orders change, so order figures need a
  full sync now and then: AUTO runs one when the last is older than a day.
* Quick sync where only wc/v3 serves customers (:func:`app.api.choice.stamp_scanner` decides,
  once per sync): wc/v3 has no modified-since filter or order for customers (reference 14.1),
  so it scans every customer's ``id,date_modified_gmt`` (a proven walk in id order: one
  request per 99 customers, about 54 bytes each, and on a real store about the server time of
  a full fetch, reference 4.8), and beside it the orders modified since the orders watermark.
  New customers, changed stamps, null stamps (compared by content) and customers whose orders
  changed are fetched by id, 100 a request. What a proven scan did not see is removed, as is
  what the store, asked by id, no longer has. Permanently deleted orders and changes that do
  not stamp a customer (plugin-written meta) wait for the daily full sync.

Nothing is ever half-applied: each window and the final removal are single transactions, so a
cancelled or crashed sync leaves a consistent cache.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

from app.api.choice import stamp_scanner
from app.api.client import CustomerQuery, WooClient
from app.api.connection import MAX_PAGE_SIZE
from app.api.page_plan import PagePlanner, PlanMemory
from app.api.rest_client import OrderChanges, OrdersWatermark, RestClient
from app.api.transport import CancelToken
from app.api.walk import WalkPlan, WalkProof
from app.cache.repository import CustomerCache, StoredWatch
from app.domain.customer import Customer
from app.domain.order import Download, Order
from app.errors import AppError, AuthError, ConfigurationError, NotFoundError

log = logging.getLogger("app.cache")

#: Cache meta keys of what window sizes worked for full walks and for id censuses (the
#: cost per customer of the two differs: a census asks for ids only).
_PLAN_KEY = "page_plan"
_CENSUS_PLAN_KEY = "page_plan_ids"
#: ... and for wc/v3 stamp scans (ids and ``date_modified_gmt``).
_STAMP_PLAN_KEY = "page_plan_stamps"
#: Cache meta keys of how far a wc/v3 quick sync has seen order changes (JSON of an
#: OrdersWatermark, ``{}`` when the store had no orders), and of a running full sync's.
_ORDERS_MARK_KEY = "orders_watermark"
_FULL_ORDERS_MARK_KEY = "full_sync_orders_watermark"
#: Customers a wc/v3 quick sync fetches by id between two writes to the cache.
_FETCH_GROUP = 1_000
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
    unaccounted: int = 0

    @property
    def complete(self) -> bool:
        """Whether the sync proved that the cache holds exactly the store's customers."""
        return self.unaccounted == 0

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
        self._scanner: RestClient | None = None  # set per sync: see stamp_scanner()

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
        self._scanner = scanner = stamp_scanner(self.client)
        # A legacy quick sync starts at the watermark; a wc/v3 one diffs with what a full
        # sync stored.
        if scanner is None:
            marked = self.cache.meta("watermark") is not None
        else:
            marked = self.cache.meta("last_full_sync") is not None
        if mode is SyncMode.AUTO:
            last_full = self.cache.meta("last_full_sync")
            fresh = last_full is not None and self._now() - int(last_full) < FULL_SYNC_MAX_AGE
            interrupted = self.cache.meta("full_sync_started") is not None
            usable = fresh and marked and not interrupted
            mode = SyncMode.QUICK if usable else SyncMode.FULL
        if mode is SyncMode.QUICK and not marked:
            mode = SyncMode.FULL
        if mode is SyncMode.QUICK and scanner is not None:
            return self._quick_by_stamps(scanner, report, cancel)
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
        resume: tuple[int, int, list[int]] | None = None
        watermark: int | None = None
        orders_mark: str | None = None
        if resumed:
            assert started is not None
            resume = self._resume_point(started)
            # The watermark of the interrupted run: edits made since it began are refetched.
            saved = self.cache.meta("full_sync_watermark")
            watermark = int(saved) if saved else None
            orders_mark = self.cache.meta(_FULL_ORDERS_MARK_KEY)
        else:
            started = self._now()
            if self._scanner is not None:
                # Before any customer is read: an order changed from here on is seen by the
                # next quick sync, so no customer's figures fall between the two.
                orders_mark = self._newest_orders(self._scanner, cancel)
            self.cache.set_meta(
                {
                    "full_sync_started": started,
                    "full_sync_position": None,
                    "full_sync_last": None,
                    _FULL_ORDERS_MARK_KEY: orders_mark,
                }
            )
        # Asked alongside the first page, so it costs no round trip of its own.
        helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="woo-watermark")
        newest = None if resumed else helper.submit(self._newest_update, scope, cancel)
        helper.shutdown(wait=False)
        fetched = 0
        windows = 0
        report(SyncProgress("customers", 0, None, "Fetching customers…"))
        plan = self.client.walk_plan(self._remembered_plan(_PLAN_KEY))
        watch = self.cache.watch_stored()
        walk = self.client.walk_customers(scope, plan=plan, cancel=cancel, resume=resume)
        checkpoint = _Checkpoint(*(resume[:2] if resume else (0, None)))
        attempt, walked = 1, 0
        with self._remembering(plan, _PLAN_KEY):
            for window in walk:
                if window.attempt != attempt:
                    attempt = window.attempt
                    if window.start == 0:
                        # Walking again (the store changed under the last walk): progress restarts.
                        windows, walked = 0, 0
                checkpoint.add(window.attempt, window.start, [c.id for c in window.items])
                stored = self.cache.upsert_customers(
                    window.items,
                    self._now(),
                    meta={
                        **checkpoint.meta(),
                        "store_total": window.total,
                        "store_total_at": self._now(),
                    },
                    by_sync=True,
                )
                self._report_change(stored, [])
                fetched += len(window.items)
                walked += len(window.items)
                windows += 1
                if newest is not None:
                    watermark = newest.result()
                    self.cache.set_meta({"full_sync_watermark": watermark})
                    newest = None
                left = max(window.total - walked, 0)
                again = "Checking again (the store changed meanwhile): " if attempt > 1 else ""
                report(
                    SyncProgress(
                        "customers",
                        windows,
                        windows + -(-left // max(plan.page_size, 1)),
                        f"{again}Fetched {walked:,} of {window.total:,} customers",
                    )
                )
        assert walk.proof is not None
        report(SyncProgress("deletions", 0, None, "Checking for deleted customers…"))
        removed, proof = self._settle(walk.ids, walk.proof, watch)
        self.cache.set_meta(
            {
                "last_full_sync": self._now(),
                "watermark": watermark if watermark is not None else self._max_cached_update(),
                "full_sync_started": None,
                "full_sync_position": None,
                "full_sync_last": None,
                "full_sync_watermark": None,
                _ORDERS_MARK_KEY: orders_mark,
                _FULL_ORDERS_MARK_KEY: None,
            }
        )
        self.cache.analyze()
        return self._finish(SyncMode.FULL, fetched, removed, proof, began, report, resumed)

    def _remembered_plan(self, key: str) -> PlanMemory | None:
        """What window sizes worked on this store before (None when nothing usable is kept)."""
        text = self.cache.meta(key)
        if not text:
            return None
        try:
            return PlanMemory.from_dict(json.loads(text))
        except ValueError:
            return None

    @contextmanager
    def _remembering(self, plan: WalkPlan, key: str) -> Iterator[None]:
        """Keep what a learning plan found out, also when the walk fails.

        A ceiling learnt from a failure is the thing most worth keeping.
        """
        try:
            yield
        finally:
            if isinstance(plan, PagePlanner):
                try:
                    self.cache.set_meta({key: json.dumps(plan.memory().to_dict())})
                except AppError as error:  # a cache that cannot keep it loses an optimisation
                    log.warning("the page plan was not kept: %s", error.log_text())

    def _resume_point(self, started: int) -> tuple[int, int, list[int]] | None:
        """Where an interrupted full sync's walk had got to, with the ids it had collected."""
        position = self.cache.meta("full_sync_position")
        last = self.cache.meta("full_sync_last")
        if not position or not last:
            return None
        prefix = [
            customer_id
            for customer_id in self.cache.ids_confirmed_since(started)
            if customer_id <= int(last)
        ]
        if len(prefix) != int(position):
            return None  # the cache changed since: walk again from the start
        return int(position), int(last), prefix

    def _settle(
        self, ids: AbstractSet[int], proof: WalkProof, watch: StoredWatch
    ) -> tuple[int, WalkProof]:
        """After a walk: remove what the store no longer has, but only on a proven walk.

        Returns how many went and the walk's proof as the app's own writes leave it.
        ``watch`` saw what the app stored since the walk began. The app's own deletes and creates
        run between a walk's pages: a customer the walk read may be gone from the cache since
        (deleted), and one stored since the walk began may be missing from it (created after
        its page). Both are the store changing by the app's hand: the store's count is held
        against the walk with them taken into account, a customer the app just created is
        kept, and the store's remembered count follows. Without that, deleting a customer
        during a sync left "250 of 251 accounts on this computer".
        """
        created = watch.ids - ids
        proof = self._own_writes_accounted(ids, proof, created)
        meta: dict[str, str | int | None] = {
            "store_total": proof.store_count,
            "store_total_at": self._now(),
            "ids_proven": 1 if proof.complete else 0,
            "unaccounted": proof.unaccounted,
        }
        if not proof.complete:
            log.info(  # the report says so to the user; this is for the log file
                "the walk could not be proven complete: %d collected, the store counts %d",
                proof.collected,
                proof.store_count,
            )
            self.cache.set_meta(meta)
            return 0, proof
        gone = sorted(self.cache.all_ids() - ids - created)
        removed = self.cache.delete_customers(gone, meta=meta)
        if gone:
            self._on_change([], gone)
        return removed, proof

    def _own_writes_accounted(
        self, ids: AbstractSet[int], proof: WalkProof, created: AbstractSet[int]
    ) -> WalkProof:
        """``proof`` with the customers the app deleted or created during the walk counted.

        The store's count was asked after the walk, so it may or may not include each of
        them: any count between "all deleted, none created" and "none deleted, all created"
        is explained by the app's writes alone, and the store then holds what the cache does.
        """
        deleted = len(ids - self.cache.all_ids())
        if not proof.consistent or not (deleted or created):
            return proof
        if not proof.collected - deleted <= proof.store_count <= proof.collected + len(created):
            return proof
        held = proof.collected - deleted + len(created)
        return WalkProof(held, held, proof.consistent, proof.attempts)

    def _finish(
        self,
        mode: SyncMode,
        fetched: int,
        removed: int,
        proof: WalkProof,
        began: float,
        report: ProgressCallback,
        resumed: bool = False,
    ) -> SyncReport:
        held = self.cache.count()
        if proof.complete:
            report(SyncProgress("done", 1, 1, f"{held:,} customers up to date"))
        else:
            report(
                SyncProgress(
                    "done",
                    1,
                    1,
                    f"{held:,} customers; {proof.unaccounted:,} could not be accounted for",
                )
            )
        return SyncReport(
            mode,
            fetched,
            removed,
            proof.store_count,
            held,
            time.perf_counter() - began,
            resumed,
            changed=self._changed,
            unaccounted=proof.unaccounted,
        )

    def _newest_update(self, scope: CustomerQuery, cancel: CancelToken | None) -> int | None:
        """The newest ``last_update`` in the store now (the next quick sync starts there).

        None when the store's API cannot order by it (wc/v3).
        """
        try:
            page = self.client.customer_page(1, _by_last_update(scope), page_size=1, cancel=cancel)
        except ConfigurationError:
            return None
        if not page.customers or page.customers[0].last_update is None:
            return None
        return int(page.customers[0].last_update.timestamp())

    def _max_cached_update(self) -> int | None:
        row = self.cache.file.conn.execute("SELECT MAX(last_update) FROM customers").fetchone()
        return int(row[0]) if row and row[0] is not None else None

    # -- quick -------------------------------------------------------------------------------

    def _quick(self, report: ProgressCallback, cancel: CancelToken | None) -> SyncReport | None:
        """A quick sync, or None when the store cannot list by ``last_update`` (needs a full one).

        Customers sharing a ``last_update`` come back in a different order in every request
        (section 19.1), so a group of them split across two pages could lose members at the
        seam. Each next window therefore starts at the first member of the last window's final
        group, so every group arrives whole in one answer; a window that is one group only is
        asked again twice as large. The walk stops past the watermark (a customer stamped in
        the watermark's second is fetched again rather than missed).
        """
        began = time.perf_counter()
        scope = self._scope(cancel)
        watermark = int(self.cache.meta("watermark") or 0)
        query = _by_last_update(scope)
        size = self.client.connection.page_size or MAX_PAGE_SIZE
        newest: int | None = None
        fetched = 0
        offset = 0
        report(SyncProgress("customers", 0, None, "Fetching changed customers…"))
        while True:
            try:
                window = self.client.customer_window(query, offset, size, cancel=cancel)
            except ConfigurationError:
                # The API has no such order (wc/v3, reference 14.1): only a full sync is sure.
                log.info("the store's API cannot list by last_update; a full sync is needed")
                return None
            updates = [c.last_update for c in window.customers]
            if any(u is None for u in updates):
                return None
            stamps = [int(u.timestamp()) for u in updates if u is not None]
            if any(a < b for a, b in pairwise(stamps)):
                # Customers without the meta key make the store ignore the order (19.4).
                log.info("the store does not order by last_update; a full sync is needed")
                return None
            if newest is None and stamps:
                newest = stamps[0]
            changed = [c for c, s in zip(window.customers, stamps, strict=True) if s >= watermark]
            if changed:
                stored = self.cache.upsert_customers(changed, self._now(), by_sync=True)
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
            if len(stamps) < size or stamps[-1] < watermark:
                break
            group_start = stamps.index(stamps[-1])
            if group_start == 0:
                size *= 2  # one group fills the window: ask for it whole
            else:
                offset += group_start
        report(SyncProgress("deletions", 0, None, "Checking for deleted customers…"))
        removed, proof = self._reconcile(scope, cancel)
        self.cache.set_meta(
            {
                "last_quick_sync": self._now(),
                "watermark": max(watermark, newest) if newest is not None else watermark,
            }
        )
        return self._finish(SyncMode.QUICK, fetched, removed, proof, began, report)

    # -- quick, wc/v3 ------------------------------------------------------------------------

    def _quick_by_stamps(
        self, client: RestClient, report: ProgressCallback, cancel: CancelToken | None
    ) -> SyncReport:
        """A quick sync where only wc/v3 serves customers (reference 14.2).

        wc/v3 cannot list customers changed since a moment, so the store's every customer is
        scanned for ``date_modified_gmt`` (a proven walk in id order trimmed by ``_fields``)
        and compared with the cache; meanwhile the orders changed since the orders watermark
        name the customers whose order figures moved. Fetched by id, in chunks of 100: new
        customers, those whose stamp differs from the cached one, those whose orders changed,
        every customer whose stamp is null (nothing tells whether they changed, so their
        content is compared; the store only sends null for users no profile update stamped,
        which are few), and those whose order figures are unknown while the store offers a
        source for them. Removed: what a proven scan did not see (an unproven one removes
        nothing), and what the store said it no longer has when asked by id.
        """
        began = time.perf_counter()
        scope = self._scope(cancel)
        orders_mark = self.cache.meta(_ORDERS_MARK_KEY)
        # The order scan is a request or two: it runs beside the stamp scan's first windows.
        helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="woo-orders")
        orders = helper.submit(self._changed_orders, client, orders_mark, cancel)
        helper.shutdown(wait=False)
        report(SyncProgress("customers", 0, None, "Looking for changed customers…"))
        plan = client.walk_plan(self._remembered_plan(_STAMP_PLAN_KEY))
        watch = self.cache.watch_stored()
        walk = client.walk_customer_stamps(scope, plan=plan, cancel=cancel)
        stamps: dict[int, int | None] = {}
        attempt = 0
        with self._remembering(plan, _STAMP_PLAN_KEY):
            for window in walk:
                if window.attempt != attempt:
                    attempt = window.attempt
                    if window.start == 0:
                        stamps.clear()  # walking again from the start
                stamps.update((row.id, row.modified) for row in window.items)
                report(
                    SyncProgress(
                        "customers",
                        len(stamps),
                        window.total,
                        f"Checked {len(stamps):,} of {window.total:,} customers for changes",
                    )
                )
        assert walk.proof is not None
        proof = walk.proof
        changes, orders_mark = orders.result()
        held = self.cache.update_stamps()
        wanted = {
            customer_id
            for customer_id, stamp in stamps.items()
            if stamp is None or held.get(customer_id, -1) != stamp
        }
        if changes is not None:
            # A customer the proven scan did not see is gone; an unproven scan vouches for
            # nobody, so then they are asked for too (and reported missing if gone).
            wanted |= {i for i in changes.customer_ids if i in stamps or not proof.complete}
        if client.figure_sources(cancel):
            # Figures a source could not give last time (it failed, or the cache predates
            # them) are asked for again; a store without any source leaves them unknown.
            wanted |= self.cache.ids_with_unknown_figures() & set(stamps)
        fetched, missing = self._fetch_by_ids(client, sorted(wanted), report, cancel)
        report(SyncProgress("deletions", 0, None, "Checking for deleted customers…"))
        removed, proof = self._settle(set(stamps), proof, watch)
        gone = sorted(missing & self.cache.all_ids())
        if gone:
            # Asked by id, the store counted none of them: deleted since the scan saw them.
            removed += self.cache.delete_customers(gone)
            self._on_change([], gone)
            proof = WalkProof(
                proof.collected - len(gone),
                proof.store_count - len(gone),
                proof.consistent,
                proof.attempts,
            )
        self.cache.set_meta({"last_quick_sync": self._now(), _ORDERS_MARK_KEY: orders_mark})
        return self._finish(SyncMode.QUICK, fetched, removed, proof, began, report)

    def _fetch_by_ids(
        self,
        client: RestClient,
        ids: list[int],
        report: ProgressCallback,
        cancel: CancelToken | None,
    ) -> tuple[int, set[int]]:
        """Fetch and store customers by id; (how many came, the ids the store does not have)."""
        fetched = 0
        missing: set[int] = set()
        for start in range(0, len(ids), _FETCH_GROUP):
            got = client.customers_by_ids(ids[start : start + _FETCH_GROUP], cancel)
            if got.customers:
                self._report_change(
                    self.cache.upsert_customers(got.customers, self._now(), by_sync=True), []
                )
            fetched += len(got.customers)
            missing |= got.missing
            report(
                SyncProgress(
                    "customers",
                    start + len(got.customers) + len(got.missing),
                    len(ids),
                    f"Fetched {fetched:,} changed customer{'s' if fetched != 1 else ''}",
                )
            )
        return fetched, missing

    def _newest_orders(self, client: RestClient, cancel: CancelToken | None) -> str | None:
        """The orders watermark now, as cache meta (None: unknown, the key may not read orders)."""
        try:
            return _mark_text(client.newest_orders_watermark(cancel))
        except AuthError as error:
            log.info("orders not readable, their changes wait for full syncs: %s", error.log_text())
            return None

    def _changed_orders(
        self, client: RestClient, mark: str | None, cancel: CancelToken | None
    ) -> tuple[OrderChanges | None, str | None]:
        """Order changes since ``mark``, and the mark to keep (runs beside the stamp scan).

        Without a mark (a cache from before quick syncs scanned orders, or a key that could not
        read them) there is no telling what changed: the mark is taken now, and the order
        figures of the time between wait for the next full sync.
        """
        if mark is None:
            return None, self._newest_orders(client, cancel)
        try:
            changes = client.orders_changed_since(_read_mark(mark), cancel)
        except AuthError as error:
            log.info("orders not readable, their changes wait for full syncs: %s", error.log_text())
            return None, None
        return changes, _mark_text(changes.watermark)

    # -- deletions ---------------------------------------------------------------------------

    def _reconcile(self, scope: CustomerQuery, cancel: CancelToken | None) -> tuple[int, WalkProof]:
        """After a quick sync: find creations it missed and deletions; returns (removed, proof).

        Cheap when nothing changed: when the cache was proven to hold the store's customers
        and the store's count for the same scope still equals the cache's, nothing was
        deleted (a deletion lowers the count; a creation is seen by the quick walk). Otherwise
        an id census, itself a complete walk, tells what to fetch and what to remove.
        """
        store_total = self.client.count_customers(scope, cancel)
        held = self.cache.count()
        if store_total == held and self.cache.meta("ids_proven") == "1":
            self.cache.set_meta({"store_total": store_total, "store_total_at": self._now()})
            return 0, WalkProof(held, store_total, True, 0)
        plan = self.client.walk_plan(self._remembered_plan(_CENSUS_PLAN_KEY))
        with self._remembering(plan, _CENSUS_PLAN_KEY):
            watch = self.cache.watch_stored()
            census = self.client.customer_ids(scope, plan=plan, cancel=cancel)
        missing = sorted(census.ids - self.cache.all_ids())
        if missing:
            self._fetch_by_id(missing, cancel)
        return self._settle(census.ids, census.proof, watch)

    def _fetch_by_id(self, ids: Iterable[int], cancel: CancelToken | None) -> None:
        def fetch(customer_id: int) -> Customer | None:
            try:
                return self.client.get_customer(customer_id, cancel)
            except NotFoundError:
                return None

        with ThreadPoolExecutor(max_workers=self.client.connection.concurrency) as pool:
            found = [c for c in pool.map(fetch, ids) if c is not None]
        if found:
            self._report_change(self.cache.upsert_customers(found, self._now(), by_sync=True), [])

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


def _mark_text(mark: OrdersWatermark | None) -> str:
    """An orders watermark as cache meta (``{}``: the store had no orders)."""
    if mark is None:
        return "{}"
    return json.dumps({"stamp": mark.stamp, "orders": sorted(mark.order_ids)})


def _read_mark(text: str) -> OrdersWatermark | None:
    """An orders watermark from cache meta; None (every order is looked at) when it holds none."""
    try:
        data = json.loads(text)
        return OrdersWatermark(int(data["stamp"]), frozenset(int(i) for i in data["orders"]))
    except (ValueError, KeyError, TypeError):
        return None


def _by_last_update(scope: CustomerQuery) -> CustomerQuery:
    """The same customers, most recently changed first."""
    return CustomerQuery(
        role=scope.role, orderby="meta_value_num", meta_key="last_update", order="DESC"
    )


class _Checkpoint:
    """How far a full sync's walk has got without a gap, so an interrupted one can resume.

    Windows arrive out of order; the checkpoint is the end of the run of windows from the
    walk's start (the position after it and the id of its last row).
    """

    def __init__(self, position: int, last: int | None) -> None:
        self._attempt = 0
        self._position = position
        self._last = last
        self._pending: dict[int, list[int]] = {}

    def add(self, attempt: int, start: int, ids: list[int]) -> None:
        """Note one window's rows."""
        if attempt != self._attempt:
            self._attempt = attempt
            self._pending.clear()
            if start == 0:
                self._position, self._last = 0, None  # a new walk from the start
        self._pending[start] = ids
        while self._position in self._pending:
            rows = self._pending.pop(self._position)
            if not rows:
                break
            self._position += len(rows)
            self._last = rows[-1]

    def meta(self) -> dict[str, str | int | None]:
        """The checkpoint as cache meta."""
        return {"full_sync_position": self._position or None, "full_sync_last": self._last}
