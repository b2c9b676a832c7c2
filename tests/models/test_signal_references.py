"""Signals emitted from Python keep ``True`` alive: the guard against PySide6 6.12.0's bug.

PySide6(-Essentials) 6.12.0 returns ``True`` from ``SignalInstance.emit()`` without a new
reference, so every emit from Python drops one reference to ``True``; on CPython 3.11, a few
hundred emits later the interpreter aborts ("Fatal Python error: bool_dealloc"). pyproject.toml
pins that release out, and the models emit plainly. These tests count the references to
``True`` across the emits the models make (a row reset, a sort, a repaint, a custom signal),
so a PySide6 release with the same bug fails here, by a count, long before it could abort.

CPython 3.12 made ``True`` immortal: its count no longer moves, and the bug cannot be seen (or
hurt) there, so the tests run on 3.11 only.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import QObject, Qt, Signal

from app.cache.repository import CustomerFilter, CustomerRow
from app.domain.customer import Customer
from app.domain.money import MoneyFormat
from app.domain.order import Download, Order
from app.models.customer_model import CustomerTableModel
from app.models.orders_model import DownloadsModel, OrdersModel

pytestmark = pytest.mark.skipif(
    sys.implementation.name != "cpython" or sys.version_info >= (3, 12),
    reason="True is immortal from CPython 3.12 on: its reference count cannot show the bug",
)

#: Enough emits to see a leak of one reference each, far too few to abort the interpreter.
ROUNDS = 40
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def references_to_true_lost(action: Callable[[], object]) -> int:
    """How many references to ``True`` ``ROUNDS`` runs of ``action`` leave missing."""
    action()  # a first run, so anything made once and kept (caches, wrappers) is made
    before = sys.getrefcount(True)
    for _ in range(ROUNDS):
        action()
    return before - sys.getrefcount(True)


class _Pinger(QObject):
    pinged = Signal(int)


def test_a_plain_emit_keeps_its_reference_to_true() -> None:
    pinger = _Pinger()
    assert references_to_true_lost(lambda: pinger.pinged.emit(1)) == 0


def test_the_record_tables_emits_keep_their_references_to_true() -> None:
    orders = [
        Order(id=n, number=str(n), created_at=NOW - timedelta(days=n), total=Decimal(n))
        for n in range(1, 6)
    ]
    model = OrdersModel()
    euro = MoneyFormat(code="EUR", symbol="€", position="right")

    def orders_round() -> None:
        model.set_orders(orders)  # a reset
        model.sort(0, Qt.SortOrder.DescendingOrder)  # layoutAboutToBeChanged, layoutChanged
        model.set_money_format(euro)  # dataChanged
        model.set_money_format(MoneyFormat())

    assert references_to_true_lost(orders_round) == 0

    downloads = DownloadsModel(now=lambda: NOW)
    downloads.set_downloads([Download(download_id="a", product_id=7, name="Manual")])
    assert references_to_true_lost(lambda: downloads.name_products({7: "Mug"})) == 0


class _FakeCache:
    """Three customers with no list rows: enough for the model's signals."""

    def ordered_ids(self, view: CustomerFilter) -> list[int]:
        return [3, 2, 1] if view.descending else [1, 2, 3]

    def customer_rows(self, ids: Sequence[int]) -> dict[int, CustomerRow]:
        return {}

    def customer(self, customer_id: int) -> Customer | None:
        return None


def test_the_customer_tables_emits_keep_their_references_to_true() -> None:
    model = CustomerTableModel(_FakeCache())
    euro = MoneyFormat(code="EUR", symbol="€", position="right")

    def customers_round() -> None:
        model.set_view(CustomerFilter())  # a reset, rows_loaded
        model.refresh(stored=[2])  # dataChanged, rows_loaded
        model.sort(0, Qt.SortOrder.DescendingOrder)  # a new view: a reset, rows_loaded
        model.set_money_format(euro)  # dataChanged
        model.set_money_format(MoneyFormat())

    assert references_to_true_lost(customers_round) == 0
