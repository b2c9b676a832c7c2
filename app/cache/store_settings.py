"""What the cache keeps of what a store says about itself: how it writes money, its timezone.

Both front ends ask the store for its info (:meth:`WooClient.store_info`) now and then; the cache
keeps the parts that offline reads need (amounts in the store's money format, date filters in
the store's days), so a store used only from the command line reads like one used from the
desktop app.
"""

from __future__ import annotations

from app.api.client import StoreInfo
from app.cache.repository import CustomerCache


def keep_store_settings(cache: CustomerCache, info: StoreInfo) -> None:
    """Keep how the store writes money and its timezone in ``cache`` (offline, next start).

    Only a money format the store stated (with its symbol): a key that may not read a wc/v3
    store's settings learns none, and the one kept from before stays right. Likewise a timezone
    it did not state, or named in no way we read, leaves the one kept.

    Raises:
        AppError: the cache could not be written.
    """
    if info.money.has_symbol:
        cache.keep_money_format(info.money)
    cache.keep_store_timezone(info.timezone)
