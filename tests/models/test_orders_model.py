"""The orders, downloads and order-lines models: labels, money, "Unlimited"/"Never", sorting.

Every model runs under ``qtmodeltester``, attached before the lists change so the resets and
sorts are checked as they happen.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget
from pytestqt.qtbot import QtBot

from app.domain.money import MoneyFormat
from app.domain.order import Download, LineItem, Order, ShippingLine
from app.models.formatting import format_date
from app.models.orders_model import (
    DownloadColumn,
    DownloadsModel,
    LineColumn,
    LineKind,
    OrderColumn,
    OrderLinesModel,
    OrdersModel,
    status_colors,
    status_label,
)
from app.models.roles import DOWNLOAD_ROLE, LINE_KIND_ROLE, NUMBER_ALIGNMENT, ORDER_ROLE, SORT_ROLE
from tests.models import ModelChecker

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
DISPLAY = Qt.ItemDataRole.DisplayRole


def make_order(order_id: int, **fields: object) -> Order:
    values: dict[str, object] = {
        "number": str(order_id),
        "created_at": NOW - timedelta(days=order_id),
        "status": "completed",
        "currency": "USD",
        "total": Decimal("30"),
        "subtotal": Decimal("25"),
        "total_shipping": Decimal("5"),
        "payment_method_title": "Direct bank transfer",
        "line_items": (
            LineItem(
                id=1,
                name="Mug",
                sku="MUG-1",
                quantity=2,
                price=Decimal("10"),
                total=Decimal("20"),
            ),
            LineItem(id=2, name="Poster", quantity=1, price=Decimal("5"), total=Decimal("5")),
        ),
        "shipping_lines": (
            ShippingLine(id=3, method_id="flat_rate", method_title="Flat rate", total=Decimal(5)),
        ),
    }
    values.update(fields)
    return Order(id=order_id, **values)  # type: ignore[arg-type]


def make_download(number: int, **fields: object) -> Download:
    values: dict[str, object] = {
        "download_id": f"d{number}",
        "product_id": 40 + number,
        "name": f"manual-{number}.pdf",
        "order_id": 100 + number,
        "downloads_remaining": None,
        "access_expires": None,
    }
    values.update(fields)
    return Download(**values)  # type: ignore[arg-type]


def column_texts(
    model: OrdersModel | DownloadsModel | OrderLinesModel, column: int
) -> list[object]:
    return [model.data(model.index(row, column), DISPLAY) for row in range(model.rowCount())]


# -- status labels --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "label"),
    [
        ("on-hold", "On hold"),
        ("pending", "Pending payment"),
        ("processing", "Processing"),
        ("completed", "Completed"),
        ("cancelled", "Cancelled"),
        ("refunded", "Refunded"),
        ("failed", "Failed"),
        ("wc-on-hold", "On hold"),
        ("awaiting-shipment", "Awaiting shipment"),
        ("custom_status", "Custom status"),
        ("", ""),
    ],
)
def test_status_labels_read_like_the_shop(slug: str, label: str) -> None:
    assert status_label(slug) == label


# -- orders ---------------------------------------------------------------------------------


def test_orders_show_number_date_status_items_total_and_payment(
    qtmodeltester: ModelChecker,
) -> None:
    model = OrdersModel()
    qtmodeltester.check(model)
    orders = [
        make_order(123, status="on-hold"),
        make_order(7, currency="EUR", total=Decimal("1234.5"), payment_method_title=""),
    ]
    model.set_orders(orders)
    assert model.rowCount() == 2
    assert model.columnCount() == len(OrderColumn) == 5
    assert column_texts(model, OrderColumn.NUMBER) == ["#123", "#7"]
    assert column_texts(model, OrderColumn.DATE) == [format_date(o.created_at) for o in orders]
    assert column_texts(model, OrderColumn.STATUS) == ["On hold", "Completed"]
    assert column_texts(model, OrderColumn.ITEMS) == [3, 3]
    assert column_texts(model, OrderColumn.TOTAL) == ["30.00 USD", "1234.50 EUR"]
    first = model.index(0, OrderColumn.TOTAL)
    assert model.data(first, SORT_ROLE) == Decimal("30")
    assert model.data(first, Qt.ItemDataRole.TextAlignmentRole) == NUMBER_ALIGNMENT
    assert model.data(model.index(0, OrderColumn.STATUS), SORT_ROLE) == "on-hold"
    assert model.data(model.index(0, OrderColumn.NUMBER), SORT_ROLE) == 123
    assert model.data(model.index(1, 0), ORDER_ROLE) is orders[1]
    assert model.order_at(0) is orders[0]
    assert model.order_at(2) is None
    assert model.order_at(-1) is None
    assert model.row_of(7) == 1
    assert model.row_of(8) is None
    tooltip = model.data(model.index(0, OrderColumn.DATE), Qt.ItemDataRole.ToolTipRole)
    assert ":" in tooltip  # the date with its time
    headers = [model.headerData(c, Qt.Orientation.Horizontal, DISPLAY) for c in OrderColumn]
    assert headers == ["Order", "Date", "Status", "Items", "Total"]
    qtmodeltester.check(model)


EURO_SHOP = MoneyFormat.from_store("EUR", "&euro;", "right_space", ".", ",", 2)
DOLLAR_SHOP = MoneyFormat.from_store("USD", "&#36;", "left", ",", ".", 2)


def test_order_totals_are_written_in_the_orders_currency_the_stores_way(qtbot: QtBot) -> None:
    """Issue 14, item 4: the store's symbol and separators for its own currency; an order in
    another currency keeps its own symbol (wc/v3) or its code (legacy), never the store's."""
    model = OrdersModel()
    model.set_orders(
        [
            make_order(1, currency="EUR", total=Decimal("1234.5")),
            make_order(2, currency="USD", currency_symbol="$", total=Decimal("30")),
            make_order(3, currency="GBP", total=Decimal("7")),
        ]
    )
    assert column_texts(model, OrderColumn.TOTAL) == ["1234.50 EUR", "$30.00", "7.00 GBP"]
    with qtbot.waitSignal(model.dataChanged):
        model.set_money_format(EURO_SHOP)
    assert column_texts(model, OrderColumn.TOTAL) == [
        "1.234,50\u00a0€",
        "30,00\u00a0$",
        "7,00 GBP",
    ]
    assert model.data(model.index(0, OrderColumn.TOTAL), SORT_ROLE) == Decimal("1234.5")


def test_order_lines_carry_the_symbol_on_every_amount_once_known() -> None:
    model = OrderLinesModel()
    model.set_money_format(DOLLAR_SHOP)
    model.set_order(make_order(5, total=Decimal("1032.10"), total_discount=Decimal("4")))
    assert column_texts(model, LineColumn.PRICE)[:2] == ["$10.00", "$5.00"]
    assert column_texts(model, LineColumn.TOTAL) == [
        "$20.00",
        "$5.00",
        "$5.00",  # shipping
        "$25.00",
        "-$4.00",
        "$5.00",
        "$0.00",
        "$1,032.10",
        "",  # Payment via …
    ]
    model.set_money_format(EURO_SHOP)  # the order is in dollars: its code, the shop's commas
    assert column_texts(model, LineColumn.TOTAL)[-2] == "1.032,10 USD"
    assert column_texts(model, LineColumn.PRICE)[0] == "10,00"


@pytest.mark.parametrize(
    ("status", "background", "text"),
    [
        ("processing", "#c6e1c6", "#2c4700"),
        ("on-hold", "#f8dda7", "#573b00"),
        ("completed", "#c8d7e1", "#003d66"),
        ("failed", "#eba3a3", "#570000"),
        ("trash", "#eba3a3", "#550202"),
        ("pending", "#e5e5e5", "#454545"),
        ("cancelled", "#e5e5e5", "#454545"),
        ("refunded", "#e5e5e5", "#454545"),
        ("checkout-draft", "#e5e5e5", "#454545"),
        ("wc-shipped", "#e5e5e5", "#454545"),  # a plugin's status: WooCommerce's grey
    ],
)
def test_status_cells_carry_woocommerces_label_colours(
    status: str, background: str, text: str
) -> None:
    """WooCommerce 9.4's ``.order-status`` colours: background and its own text colour."""
    model = OrdersModel()
    model.set_orders([make_order(1, status=status)])
    cell = model.index(0, OrderColumn.STATUS)
    assert model.data(cell, Qt.ItemDataRole.BackgroundRole).name() == background
    assert model.data(cell, Qt.ItemDataRole.ForegroundRole).name() == text
    assert model.data(model.index(0, OrderColumn.TOTAL), Qt.ItemDataRole.BackgroundRole) is None
    assert model.data(model.index(1, OrderColumn.STATUS), Qt.ItemDataRole.BackgroundRole) is None
    assert status_colors(status)[0].name() == background
    # The label may be elided in the narrow panel: its tooltip says it whole.
    assert model.data(cell, Qt.ItemDataRole.ToolTipRole) == model.data(cell)


def test_an_order_without_a_currency_shows_the_amount_alone() -> None:
    model = OrdersModel()
    model.set_orders([make_order(1, currency="")])
    assert model.data(model.index(0, OrderColumn.TOTAL)) == "30.00"


def test_orders_sort_by_raw_values_and_the_selection_follows(
    qtmodeltester: ModelChecker,
) -> None:
    model = OrdersModel()
    qtmodeltester.check(model)
    model.set_orders(
        [
            make_order(9, total=Decimal("100")),
            make_order(10, total=Decimal("9.5")),
            make_order(100, total=Decimal("20")),
        ]
    )
    selection = QItemSelectionModel(model)
    selection.select(
        model.index(0, 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )

    model.sort(OrderColumn.TOTAL, Qt.SortOrder.AscendingOrder)  # by amount, not by text
    assert column_texts(model, OrderColumn.TOTAL) == ["9.50 USD", "20.00 USD", "100.00 USD"]
    assert [model.order_at(i.row()).id for i in selection.selectedRows()] == [9]  # type: ignore[union-attr]

    model.sort(OrderColumn.NUMBER, Qt.SortOrder.DescendingOrder)  # numbers as numbers
    assert column_texts(model, OrderColumn.NUMBER) == ["#100", "#10", "#9"]

    model.set_orders([make_order(1), make_order(300), make_order(20)])  # the sort stays
    assert column_texts(model, OrderColumn.NUMBER) == ["#300", "#20", "#1"]

    model.sort(OrderColumn.DATE, Qt.SortOrder.AscendingOrder)
    assert column_texts(model, OrderColumn.NUMBER) == ["#300", "#20", "#1"]  # oldest first
    model.sort(-1)  # no sort indicator: nothing happens
    qtmodeltester.check(model)


def test_empty_and_out_of_range_answer_none(qtmodeltester: ModelChecker) -> None:
    for model in (OrdersModel(), DownloadsModel(), OrderLinesModel()):
        qtmodeltester.check(model)
        assert model.rowCount() == 0
        assert model.data(model.index(0, 0)) is None
        assert model.data(QModelIndex()) is None
        assert model.data(model.createIndex(0, 0)) is None
        assert model.headerData(0, Qt.Orientation.Horizontal, DISPLAY)


def test_invalid_and_foreign_indexes_answer_none() -> None:
    model = OrdersModel()
    model.set_orders([make_order(1)])
    assert model.data(model.createIndex(0, 6)) is None
    assert model.data(model.createIndex(1, 0)) is None
    assert model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole) is None
    assert model.rowCount(model.index(0, 0)) == 0
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable


# -- downloads ------------------------------------------------------------------------------


def fixed_clock() -> Callable[[], datetime]:
    return lambda: NOW


def test_downloads_say_unlimited_never_and_expired(qtmodeltester: ModelChecker) -> None:
    model = DownloadsModel(now=fixed_clock())
    qtmodeltester.check(model)
    expired_on = NOW - timedelta(days=3)
    expires_on = NOW + timedelta(days=30)
    downloads = [
        make_download(1),
        make_download(2, downloads_remaining=3, access_expires=expires_on),
        make_download(3, downloads_remaining=0, access_expires=expired_on, product_id=None),
    ]
    model.set_downloads(downloads, product_names={41: "User manual"})
    assert model.columnCount() == len(DownloadColumn) == 5
    assert column_texts(model, DownloadColumn.NAME) == [d.name for d in downloads]
    assert column_texts(model, DownloadColumn.PRODUCT) == ["User manual", "#42", ""]
    assert column_texts(model, DownloadColumn.ORDER) == ["#101", "#102", "#103"]
    assert column_texts(model, DownloadColumn.REMAINING) == ["Unlimited", 3, 0]
    assert column_texts(model, DownloadColumn.EXPIRES) == [
        "Never",
        format_date(expires_on),
        f"Expired {format_date(expired_on)}",
    ]
    remaining = model.index(0, DownloadColumn.REMAINING)
    assert model.data(remaining, SORT_ROLE) is None  # None is unlimited
    assert model.data(remaining, Qt.ItemDataRole.TextAlignmentRole) == NUMBER_ALIGNMENT
    assert model.data(model.index(0, DownloadColumn.EXPIRES), SORT_ROLE) is None
    assert model.data(model.index(1, 0), DOWNLOAD_ROLE) is downloads[1]
    assert model.download_at(2) is downloads[2]
    assert model.download_at(3) is None
    headers = [model.headerData(c, Qt.Orientation.Horizontal, DISPLAY) for c in DownloadColumn]
    assert headers == ["File", "Product", "Order", "Downloads left", "Expires"]
    qtmodeltester.check(model)


def test_product_names_learned_later_show_without_a_reset(
    qtbot: QtBot, qtmodeltester: ModelChecker
) -> None:
    model = DownloadsModel()
    qtmodeltester.check(model)
    model.set_downloads([make_download(1), make_download(2)], product_names={41: "Manual"})
    product = DownloadColumn.PRODUCT
    assert [model.data(model.index(row, product)) for row in (0, 1)] == ["Manual", "#42"]
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.dataChanged) as change:
        model.name_products({42: "Songbook"})
    assert change.args is not None
    assert (change.args[0].column(), change.args[1].column()) == (product, product)
    assert [model.data(model.index(row, product)) for row in (0, 1)] == ["Manual", "Songbook"]


def test_a_download_falls_back_to_its_file_name() -> None:
    model = DownloadsModel()
    model.set_downloads([make_download(1, name="", file_name="book.epub")])
    assert model.data(model.index(0, DownloadColumn.NAME)) == "book.epub"


def test_downloads_sort_unlimited_and_never_last(qtmodeltester: ModelChecker) -> None:
    model = DownloadsModel(now=fixed_clock())
    qtmodeltester.check(model)
    model.set_downloads(
        [
            make_download(1),
            make_download(2, downloads_remaining=5, access_expires=NOW + timedelta(days=9)),
            make_download(3, downloads_remaining=1, access_expires=NOW + timedelta(days=1)),
        ]
    )
    kept = QPersistentModelIndex(model.index(0, DownloadColumn.NAME))
    model.sort(DownloadColumn.REMAINING, Qt.SortOrder.AscendingOrder)
    assert column_texts(model, DownloadColumn.REMAINING) == [1, 5, "Unlimited"]
    assert kept.row() == 2  # the persistent index followed its download
    model.sort(DownloadColumn.EXPIRES, Qt.SortOrder.DescendingOrder)
    assert column_texts(model, DownloadColumn.EXPIRES)[0] == "Never"
    model.sort(DownloadColumn.NAME, Qt.SortOrder.DescendingOrder)
    assert column_texts(model, DownloadColumn.NAME) == [
        "manual-3.pdf",
        "manual-2.pdf",
        "manual-1.pdf",
    ]


# -- order lines ----------------------------------------------------------------------------


def test_order_lines_list_items_shipping_and_totals(qtmodeltester: ModelChecker) -> None:
    model = OrderLinesModel()
    qtmodeltester.check(model)
    order = make_order(5, total_tax=Decimal("2.10"), total=Decimal("32.10"))
    model.set_order(order)
    assert model.order is order
    assert column_texts(model, LineColumn.NAME) == [
        "Mug",
        "Poster",
        "Shipping: Flat rate",
        "Subtotal",
        "Shipping",
        "Tax",
        "Total",
        "Payment via Direct bank transfer",  # under the totals, as WooCommerce's order screen
    ]
    assert column_texts(model, LineColumn.SKU) == ["MUG-1", "", "", "", "", "", "", ""]
    assert column_texts(model, LineColumn.QUANTITY) == [2, 1, "", "", "", "", "", ""]
    assert column_texts(model, LineColumn.PRICE) == ["10.00", "5.00", "", "", "", "", "", ""]
    assert column_texts(model, LineColumn.TOTAL) == [
        "20.00",
        "5.00",
        "5.00",
        "25.00 USD",
        "5.00 USD",
        "2.10 USD",
        "32.10 USD",
        "",
    ]
    kinds = [model.data(model.index(r, 0), LINE_KIND_ROLE) for r in range(model.rowCount())]
    assert kinds == (
        [LineKind.ITEM] * 2 + [LineKind.SHIPPING] + [LineKind.TOTAL] * 4 + [LineKind.PAYMENT]
    )
    assert [model.kind_at(r) for r in range(model.rowCount())] == kinds
    assert model.kind_at(8) is None
    assert not model.flags(model.index(7, 0)) & Qt.ItemFlag.ItemIsSelectable
    without = make_order(6, payment_method_title="", payment_method_id="")
    model.set_order(without)  # nothing said of the payment: no line
    assert model.kind_at(model.rowCount() - 1) == LineKind.TOTAL
    model.set_order(order)
    total = model.index(6, LineColumn.TOTAL)
    assert model.data(total, SORT_ROLE) == Decimal("32.10")
    assert model.data(total, Qt.ItemDataRole.FontRole).bold()
    assert model.data(model.index(0, 0), Qt.ItemDataRole.FontRole) is None
    align = Qt.ItemDataRole.TextAlignmentRole
    assert model.data(total, align) == NUMBER_ALIGNMENT
    assert model.data(model.index(6, LineColumn.NAME), align) == NUMBER_ALIGNMENT  # by its amount
    assert model.data(model.index(0, LineColumn.NAME), align) is None
    assert model.data(model.index(0, LineColumn.QUANTITY), align) == NUMBER_ALIGNMENT
    selectable = Qt.ItemFlag.ItemIsSelectable
    assert model.flags(model.index(0, 0)) & selectable
    assert not model.flags(total) & selectable
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable

    model.set_order(None)
    assert model.rowCount() == 0
    assert model.order is None
    qtmodeltester.check(model)


def test_a_discount_shows_as_a_negative_row() -> None:
    model = OrderLinesModel()
    model.set_order(make_order(5, total_discount=Decimal("4"), total=Decimal("26")))
    names = column_texts(model, LineColumn.NAME)
    row = names.index("Discount")
    assert names[row - 1] == "Subtotal"
    assert model.data(model.index(row, LineColumn.TOTAL)) == "-4.00 USD"


# -- a look at them -------------------------------------------------------------------------


def show(
    qtbot: QtBot,
    model: OrdersModel | DownloadsModel | OrderLinesModel,
    name: str,
    stretch: int = -1,
) -> QTableView:
    """A table view set up as the detail panel would, grabbed to ``screenshots/<name>``."""
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSortingEnabled(not isinstance(model, OrderLinesModel))
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(
        stretch if stretch >= 0 else model.columnCount() - 1, QHeaderView.ResizeMode.Stretch
    )
    if isinstance(model, OrderLinesModel):
        for row in range(model.rowCount()):
            if model.kind_at(row) == LineKind.TOTAL:
                view.setSpan(row, LineColumn.NAME, 1, LineColumn.TOTAL)
    view.resize(720, 260)
    view.show()
    qtbot.waitExposed(view)
    grab(view, name)
    return view


def grab(widget: QWidget, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    assert widget.grab().save(str(SCREENSHOTS / name))


def test_screenshots(qtbot: QtBot) -> None:
    orders = OrdersModel()
    orders.set_orders(
        [
            make_order(1042, status="processing", total=Decimal("129.9")),
            make_order(1017, status="on-hold", currency="EUR"),
            make_order(988, status="pending", payment_method_title="Cash on delivery"),
            make_order(901, status="refunded", payment_method_title="PayPal"),
        ]
    )
    show(qtbot, orders, "orders_model.png")
    downloads = DownloadsModel(now=fixed_clock())
    downloads.set_downloads(
        [
            make_download(1),
            make_download(2, downloads_remaining=3, access_expires=NOW + timedelta(days=30)),
            make_download(3, downloads_remaining=0, access_expires=NOW - timedelta(days=3)),
        ],
        product_names={41: "Album - Digital edition"},
    )
    show(qtbot, downloads, "downloads_model.png")
    lines = OrderLinesModel()
    lines.set_order(
        make_order(5, total_tax=Decimal("2.10"), total_discount=Decimal(3), total=Decimal("29.10"))
    )
    show(qtbot, lines, "order_lines_model.png", stretch=LineColumn.NAME)
    show(qtbot, OrdersModel(), "orders_model_empty.png")
