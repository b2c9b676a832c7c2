"""DetailFeed: what the main window's detail panel shows of the store, beyond the customer.

Owns the panel's Orders and Downloads tabs' feed (the cached lists at once, the store's when
they arrive, "shown once the store is back" while it cannot be reached and nothing is cached:
the rule itself is the session's, :meth:`StoreSession.orders_for`), and the store's money
format in the table and the panel (as the cache last heard it, then as the store says). The
customer the panel shows follows the table (app/ui/customer_list.py).
"""

from __future__ import annotations

from PySide6.QtCore import Slot

from app.domain.money import MoneyFormat
from app.errors import NetworkError
from app.models.formatting import PLAIN_MONEY
from app.services.events import (
    DownloadsLoaded,
    OrdersLoaded,
    RequestFailed,
    StoreEvent,
    StoreInfoLoaded,
)
from app.ui.detail_panel import DetailPanel
from app.ui.session import StoreSession
from app.ui.session_part import SessionPart
from app.workers.requests import RequestKind


class DetailFeed(SessionPart):
    """Feeds the detail panel's orders, downloads and money format (see the module docstring).

    Args:
        detail: the panel (it outlives store switches: its wishes are followed once, here).
    """

    def __init__(self, detail: DetailPanel) -> None:
        super().__init__(detail)
        self._detail = detail
        detail.orders_wanted.connect(self._on_detail_orders_wanted)
        detail.downloads_wanted.connect(self._on_detail_downloads_wanted)

    def attach(self, session: StoreSession) -> None:
        """Follow a store's answers; its money the way it last said (else plain), offline too."""
        self._session = session
        session.service.happened.connect(self._on_service_happened)
        self._detail.show_customer(None)
        self.show_money(session.cache.money_format() or PLAIN_MONEY)

    def show_money(self, money: MoneyFormat) -> None:
        """Write money figures (table, panel, orders) the way the store writes them."""
        self.session.model.set_money_format(money)
        self._detail.set_money_format(money)

    def claim_failure(self, failure: RequestFailed) -> bool:
        """An outage while orders or downloads load: their tab says so (not the banner)."""
        tabs = {RequestKind.ORDERS: "orders", RequestKind.DOWNLOADS: "downloads"}
        tab = tabs.get(failure.kind)
        if tab is not None and isinstance(failure.error, NetworkError):
            self._detail.show_unavailable(tab, failure.error.message)
            return True
        return False

    @Slot(int)
    def _on_detail_orders_wanted(self, customer_id: int) -> None:
        cached = self.session.orders_for(customer_id)
        self._detail.show_orders(customer_id, cached)  # None shows "Loading…"
        if not self.session.online and cached is None:
            self._detail.show_unavailable("orders", "Orders are shown once the store is back.")

    @Slot(int)
    def _on_detail_downloads_wanted(self, customer_id: int) -> None:
        cached, orders = self.session.downloads_for(customer_id)
        self._detail.show_downloads(customer_id, cached, orders)
        if not self.session.online and cached is None:
            self._detail.show_unavailable(
                "downloads", "Downloads are shown once the store is back."
            )

    @Slot(StoreEvent)
    def _on_service_happened(self, event: StoreEvent) -> None:
        match event:
            case OrdersLoaded(customer_id=customer_id, orders=orders):
                self._detail.show_orders(customer_id, list(orders))
            case DownloadsLoaded(customer_id=customer_id, downloads=downloads):
                cached_orders = self.session.cache.orders(customer_id)
                self._detail.show_downloads(customer_id, list(downloads), cached_orders)
            case StoreInfoLoaded(info=info):
                # The title keeps the name the user gave the store (or its URL), online and
                # offline: the store's own name may differ, and the switcher lists the user's.
                self.session.state.store_info = info
                if info.money.has_symbol:  # else the format kept from before stays right
                    self.show_money(info.money)
            case _:
                pass
