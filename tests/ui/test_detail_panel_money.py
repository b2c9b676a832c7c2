"""The detail panel's money, status labels and column widths (issue 14, item 4).

Money is written the store's way ("$1,234.50"); statuses are WooCommerce's coloured labels;
the orders, order lines and downloads tables keep every header whole at the window's default
size (1280 wide, the panel 38 % of it) and at 1024, eliding long values instead.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QStyle, QTableView
from pytestqt.qtbot import QtBot

from app.domain.customer import Customer, Figures
from app.domain.money import MoneyFormat
from app.domain.order import Download, LineItem, Order, ShippingLine
from app.models.orders_model import OrderColumn
from app.ui.column_fit import fitted_widths
from app.ui.detail_panel import DetailPanel
from app.ui.status_pill import StatusPillDelegate

DOLLAR = MoneyFormat.from_store("USD", "&#36;", "left", ",", ".", 2)
EURO = MoneyFormat.from_store("EUR", "&euro;", "right_space", ".", ",", 2)
STATUSES = ("processing", "on-hold", "completed", "pending", "cancelled", "refunded", "failed")


def _order(number: int, status: str) -> Order:
    return Order(
        id=number,
        number=str(number),
        created_at=datetime(2026, 3, 1 + number % 28, tzinfo=UTC),
        status=status,
        currency="USD",
        currency_symbol="$",
        total=Decimal("12345.67"),
        subtotal=Decimal("12340.67"),
        total_shipping=Decimal("5"),
        payment_method_title="Direct bank transfer (pay within two weeks)",
        line_items=(
            LineItem(
                id=1,
                name="A long product name that cannot fit the panel",
                sku="SKU-LONG-0001",
                quantity=12,
                price=Decimal("1028.39"),
                total=Decimal("12340.67"),
            ),
        ),
        shipping_lines=(ShippingLine(id=2, method_title="Flat rate", total=Decimal("5")),),
    )


CUSTOMER = Customer(
    id=7,
    email="a@example.com",
    first_name="Ann",
    last_name="Lee",
    orders_count=2,
    total_spent=Decimal("1234.5"),
    figures=Figures.EXACT,
)
ORDERS = [_order(1000 + n, status) for n, status in enumerate(STATUSES)]
DOWNLOADS = [
    Download(
        download_id="d1",
        product_id=5,
        name="the-complete-manual-of-everything-2026-edition.pdf",
        order_id=1001,
        downloads_remaining=None,
    )
]


@pytest.fixture
def panel(qtbot: QtBot) -> DetailPanel:
    widget = DetailPanel()
    qtbot.addWidget(widget)
    widget.show_customer(CUSTOMER)
    return widget


def _settle(qtbot: QtBot) -> None:
    for _ in range(3):
        QApplication.processEvents()
    qtbot.wait(20)  # the columns are fitted on a zero-delay timer


def test_figures_orders_and_lines_are_written_the_stores_way(panel: DetailPanel) -> None:
    assert panel._stats["spent"].text() == "1234.50"  # the store has not said yet
    panel.show_orders(CUSTOMER.id, ORDERS)
    panel.set_money_format(DOLLAR)
    assert panel._stats["spent"].text() == "$1,234.50"
    assert panel._stats["average"].text() == "$617.25"
    orders = panel.orders_model
    assert orders.data(orders.index(0, OrderColumn.TOTAL)) == "$12,345.67"
    lines = panel.order_lines_model
    amounts = [lines.data(lines.index(row, 4)) for row in range(lines.rowCount())]
    assert amounts[0] == "$12,340.67"
    assert amounts[-2] == "$12,345.67"  # the total, above the payment method's line
    panel.set_money_format(EURO)  # a euro shop: its separators, the order's own "$"
    assert panel._stats["spent"].text() == "1.234,50\u00a0€"
    assert orders.data(orders.index(0, OrderColumn.TOTAL)) == "12.345,67\u00a0$"


def test_statuses_are_drawn_as_coloured_labels(panel: DetailPanel, qtbot: QtBot) -> None:
    """The pill is WooCommerce's label colour, inside the cell, with its own text colour."""
    panel.resize(486, 700)
    panel.show()
    panel.tabs.setCurrentIndex(3)
    panel.show_orders(CUSTOMER.id, ORDERS)
    panel.orders_table.clearSelection()
    _settle(qtbot)
    table = panel.orders_table
    assert isinstance(table.itemDelegateForColumn(OrderColumn.STATUS), StatusPillDelegate)
    image = table.viewport().grab().toImage()
    for row, background in enumerate(("#c6e1c6", "#f8dda7", "#c8d7e1")):
        rect = table.visualRect(panel.orders_model.index(row, OrderColumn.STATUS))
        # Just inside the pill's left end, half-way down (clear of its rounded corners).
        inside = QPoint(rect.left() + 8, rect.center().y())
        assert image.pixelColor(inside).name() == background, row
        # The cell's edge stays the row's own background: a label, not a filled cell.
        assert image.pixelColor(QPoint(rect.left() + 1, rect.top() + 1)).name() != background


def _header_fits(view: QTableView) -> list[str]:
    """The columns whose header text does not fit its section, with their widths."""
    header = view.horizontalHeader()
    metrics = header.fontMetrics()
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    clipped = []
    for column in range(header.count()):
        title = view.model().headerData(column, Qt.Orientation.Horizontal)
        needed = metrics.horizontalAdvance(title) + 2 * margin
        if header.sectionSize(column) < needed:
            clipped.append(f"{title!r}: {header.sectionSize(column)} < {needed}")
    return clipped


@pytest.mark.parametrize("window_width", [1280, 1024])
def test_headers_are_never_clipped_at_the_default_size(
    panel: DetailPanel, qtbot: QtBot, window_width: int
) -> None:
    """At the window's default width (and at 1024) the panel is 38 % of it: every header of
    the orders, order lines and downloads tables shows whole, long values are elided, and the
    tables do not scroll sideways."""
    panel.resize(int(window_width * 0.38), 700)
    panel.show()
    panel.set_money_format(DOLLAR)
    panel.tabs.setCurrentIndex(3)
    panel.show_orders(CUSTOMER.id, ORDERS)
    panel.show_downloads(CUSTOMER.id, DOWNLOADS, ORDERS)
    for tab, tables in (
        (3, (panel.orders_table, panel._order_lines)),
        (4, (panel.downloads_table,)),
    ):
        panel.tabs.setCurrentIndex(tab)
        _settle(qtbot)
        for table in tables:
            assert _header_fits(table) == [], table.objectName()
            header = table.horizontalHeader()
            assert header.length() <= table.viewport().width(), table.objectName()
            assert table.textElideMode() == Qt.TextElideMode.ElideRight
    # Every status label whole (the payment method, once a column that left them "Com…", is a
    # line of the order's summary).
    status = panel.orders_table.horizontalHeader().sectionSize(OrderColumn.STATUS)
    if window_width >= 1280:  # at 1024 "Pending payment" may lose its end (its tooltip has it)
        assert status >= panel.orders_table.sizeHintForColumn(OrderColumn.STATUS)


def test_the_fit_gives_way_widest_text_first_never_below_a_header() -> None:
    wanted, least = [48, 77, 128, 42, 76, 300], [43, 36, 48, 42, 37, 119]
    # All fit: the stretch column takes the rest.
    assert fitted_widths(wanted, least, 700, [2, 5], 5) == [48, 77, 128, 42, 76, 329]
    # Too narrow: the widest elastic column gives way first, to one level.
    # (Payment method stops at its header's 119; Status gets the rest.)
    assert fitted_widths(wanted, least, 458, [2, 5], 5) == [48, 77, 96, 42, 76, 119]
    assert fitted_widths(wanted, least, 520, [2, 5], 5) == [48, 77, 128, 42, 76, 149]
    # Narrower still: the others give way too, never below their headers.
    narrow = fitted_widths(wanted, least, 361, [2, 5], 5)
    assert sum(narrow) == 361
    assert all(width >= low for width, low in zip(narrow, least, strict=True))
    # Not even the headers fit: each at its header's width (the table scrolls).
    assert fitted_widths(wanted, least, 200, [2, 5], 5) == least
