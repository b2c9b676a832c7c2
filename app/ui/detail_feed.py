"""DetailFeed: what the main window's detail panel shows of the store, beyond the customer.

Owns the panel's Orders and Downloads tabs' feed (the cached lists at once, the store's when
they arrive, "shown once the store is back" while it cannot be reached and nothing is cached:
the rule itself is the session's, :meth:`StoreSession.orders_for`), and the store's money
format in the table and the panel (as the cache last heard it, then as the store says). The
customer the panel shows follows the table (app/ui/customer_list.py).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot

from app.api.client import StoreInfo
from app.domain.money import MoneyFormat
from app.errors import AppError, NetworkError
from app.models.formatting import PLAIN_MONEY
from app.ui.detail_panel import DetailPanel
from app.ui.session import StoreSession


class DetailFeed(QObject):
    """Feeds the detail panel's orders, downloads and money format (see the module docstring).

    Args:
        detail: the panel (it outlives store switches: its wishes are followed once, here).
    """

    def __init__(self, detail: DetailPanel) -> None:
        super().__init__(detail)
        self._detail = detail
        self._session: StoreSession | None = None
        detail.orders_wanted.connect(self._on_detail_orders_wanted)
        detail.downloads_wanted.connect(self._on_detail_downloads_wanted)

    @property
    def session(self) -> StoreSession:
        """The store session the panel shows."""
        assert self._session is not None, "attach() a session first"
        return self._session

    def attach(self, session: StoreSession) -> None:
        """Follow a store's answers; its money the way it last said (else plain), offline too."""
        self._session = session
        session.service.orders_loaded.connect(self._on_service_orders_loaded)
        session.service.downloads_loaded.connect(self._on_service_downloads_loaded)
        session.service.store_info_loaded.connect(self._on_service_store_info_loaded)
        self._detail.show_customer(None)
        self.show_money(session.cache.money_format() or PLAIN_MONEY)

    def show_money(self, money: MoneyFormat) -> None:
        """Write money figures (table, panel, orders) the way the store writes them."""
        self.session.model.set_money_format(money)
        self._detail.set_money_format(money)

    def claim_failure(self, request_id: int, kind: str, error: AppError) -> bool:
        """An outage while orders or downloads load: their tab says so (not the banner)."""
        if kind in ("orders", "downloads") and isinstance(error, NetworkError):
            self._detail.show_unavailable(kind, f"{error.message}")
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

    @Slot(int, object)
    def _on_service_orders_loaded(self, customer_id: int, orders: object) -> None:
        self._detail.show_orders(customer_id, orders)  # type: ignore[arg-type]

    @Slot(int, object)
    def _on_service_downloads_loaded(self, customer_id: int, downloads: object) -> None:
        orders = self.session.cache.orders(customer_id)
        self._detail.show_downloads(customer_id, downloads, orders)  # type: ignore[arg-type]

    @Slot(object)
    def _on_service_store_info_loaded(self, info: object) -> None:
        # The title keeps the name the user gave the store (or its URL), online and offline:
        # the store's own name may differ, and the switcher lists the user's.
        if isinstance(info, StoreInfo):
            self.session.state.store_info = info
            if info.money.has_symbol:  # else the format kept from before stays right
                self.show_money(info.money)
