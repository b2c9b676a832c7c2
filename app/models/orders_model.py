"""Table models of one customer's orders and downloads, and of the lines of one order.

Owns :class:`OrdersModel`, :class:`DownloadsModel` and :class:`OrderLinesModel` and how they
show order statuses ("On hold", coloured as in WooCommerce's orders screen), money ("$30.00",
:mod:`app.models.formatting`), unlimited downloads ("Unlimited") and
access that never expires ("Never"). A customer has at most a few hundred orders, so the orders
and downloads are :class:`~app.models.record_table.RecordTableModel` tables: they hold their
whole list and sort it in Python by the raw values of :data:`SORT_ROLE`; each new list is a new
query (a model reset). An order's lines are a fixed layout (items, shipping, then the totals),
not a list to sort, so :class:`OrderLinesModel` shares only the header and alignment rules.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from enum import IntEnum
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from app.domain.money import MoneyFormat
from app.domain.order import Download, LineItem, Order, ShippingLine
from app.models.formatting import (
    PLAIN_MONEY,
    format_date,
    format_datetime,
    format_money,
    long_text,
    order_money,
)
from app.models.record_table import (
    Column,
    RecordTableModel,
    cell_alignment,
    column_header,
    sort_key,
)
from app.models.roles import DOWNLOAD_ROLE, LINE_KIND_ROLE, ORDER_ROLE, SORT_ROLE

_ROOT: Final = QModelIndex()

#: WooCommerce's own names for its order statuses (others are derived from the slug).
STATUS_LABELS: Final[Mapping[str, str]] = {
    "pending": "Pending payment",
    "processing": "Processing",
    "on-hold": "On hold",
    "completed": "Completed",
    "cancelled": "Cancelled",
    "refunded": "Refunded",
    "failed": "Failed",
    "checkout-draft": "Draft",
    "trash": "Trash",
}


#: WooCommerce's order status labels (``.order-status`` in its admin.scss, 9.3 to 11.0): the
#: background and text colour of each status; every other status is grey. Each label carries its
#: own text colour, so it reads the same in a light and a dark palette.
STATUS_COLORS: Final[Mapping[str, tuple[str, str]]] = {
    "processing": ("#c6e1c6", "#2c4700"),
    "on-hold": ("#f8dda7", "#573b00"),
    "completed": ("#c8d7e1", "#003d66"),
    "failed": ("#eba3a3", "#570000"),
    "trash": ("#eba3a3", "#550202"),
}
#: ``.order-status`` itself: pending, cancelled, refunded, drafts and plugin statuses.
DEFAULT_STATUS_COLORS: Final = ("#e5e5e5", "#454545")


def status_colors(status: str) -> tuple[QColor, QColor]:
    """(background, text) of a status' label, as WooCommerce colours it."""
    slug = status.strip().lower().removeprefix("wc-")
    background, text = STATUS_COLORS.get(slug, DEFAULT_STATUS_COLORS)
    return QColor(background), QColor(text)


def status_label(status: str) -> str:
    """A status slug as people read it: ``on-hold`` -> "On hold", ``wc-shipped`` -> "Shipped"."""
    slug = status.strip().lower().removeprefix("wc-")
    if slug in STATUS_LABELS:
        return STATUS_LABELS[slug]
    words = slug.replace("-", " ").replace("_", " ").split()
    return " ".join(words).capitalize()


# -- orders ---------------------------------------------------------------------------------


_COLOR_ROLES: Final = (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole)


class OrderColumn(IntEnum):
    """The columns of :class:`OrdersModel`."""

    NUMBER = 0
    DATE = 1
    STATUS = 2
    ITEMS = 3
    TOTAL = 4


def _order_number(order: Order) -> int | str:
    return int(order.number) if order.number.isdigit() else order.number


def _payment(order: Order) -> str:
    return order.payment_method_title or order.payment_method_id


class OrdersModel(RecordTableModel[Order]):
    """A customer's orders, one row each, newest first as the cache lists them.

    The status cell carries its label's colours (``BackgroundRole``, ``ForegroundRole``:
    :func:`status_colors`); totals are written in the order's currency the store's way
    (:meth:`set_money_format`).
    """

    record_role = ORDER_ROLE

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._money = PLAIN_MONEY
        self.columns = (
            Column[Order](
                "Order",
                lambda o: f"#{o.number}",
                _order_number,
                key=lambda o: sort_key(_order_number(o)),
            ),
            Column[Order](
                "Date",
                lambda o: format_date(o.created_at),
                lambda o: o.created_at,
                tooltip=lambda o: format_datetime(o.created_at) or None,
            ),
            Column[Order](
                "Status",
                lambda o: status_label(o.status),
                lambda o: o.status,
                # The label may be elided in a narrow panel ("Pending pa…").
                tooltip=lambda o: status_label(o.status),
            ),
            Column[Order]("Items", lambda o: o.item_count, lambda o: o.item_count, numeric=True),
            Column[Order](
                "Total",
                lambda o: format_money(o.total, order_money(o, self._money)),
                lambda o: o.total,
                numeric=True,
            ),
        )
        # The payment method is a line of the selected order's summary (OrderLinesModel): as a
        # column of its own it left the status labels no room in the panel ("Com…").

    def set_money_format(self, money: MoneyFormat) -> None:
        """Write totals the store's way (symbol, separators...); repaints them."""
        if money == self._money:
            return
        self._money = money
        if self._records:
            column = OrderColumn.TOTAL
            last = self.index(len(self._records) - 1, column)
            self.dataChanged.emit(self.index(0, column), last, [])

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """As every record table, plus the status label's colours."""
        if index.column() == OrderColumn.STATUS and role in _COLOR_ROLES:
            order = self.record_at(index.row()) if index.isValid() else None
            if order is None:
                return None
            background, text = status_colors(order.status)
            return background if role == Qt.ItemDataRole.BackgroundRole else text
        return super().data(index, role)

    def set_orders(self, orders: Sequence[Order]) -> None:
        """Show these orders (a new list: a model reset)."""
        self._set_records(orders)

    def order_at(self, row: int) -> Order | None:
        """The order of a row (None out of range)."""
        return self.record_at(row)

    def row_of(self, order_id: int) -> int | None:
        """The row of an order (None if it is not listed)."""
        for row, order in enumerate(self._records):
            if order.id == order_id:
                return row
        return None


# -- downloads ------------------------------------------------------------------------------


class DownloadColumn(IntEnum):
    """The columns of :class:`DownloadsModel`."""

    NAME = 0
    PRODUCT = 1
    ORDER = 2
    REMAINING = 3
    EXPIRES = 4


class DownloadsModel(RecordTableModel[Download]):
    """A customer's downloadable files.

    ``now`` tells the time (for "expired"); tests pass a fixed clock.
    """

    record_role = DOWNLOAD_ROLE

    def __init__(
        self,
        parent: QObject | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(parent)
        self._now = now
        self._product_names: Mapping[int, str] = {}
        self.columns = (
            Column[Download](
                "File",
                _file_name,
                _file_name,
                tooltip=lambda d: long_text(_file_name(d)),
            ),
            Column[Download](
                "Product",
                self._product,
                self._product,
                tooltip=lambda d: long_text(self._product(d)),
            ),
            Column[Download](
                "Order",
                lambda d: f"#{d.order_id}" if d.order_id is not None else "",
                lambda d: d.order_id,
            ),
            Column[Download](
                "Downloads left",
                lambda d: "Unlimited" if d.downloads_remaining is None else d.downloads_remaining,
                lambda d: d.downloads_remaining,
                numeric=True,
                # None is unlimited: more than any number.
                key=lambda d: math.inf if d.downloads_remaining is None else d.downloads_remaining,
            ),
            Column[Download](
                "Expires",
                self._expires,
                lambda d: d.access_expires,
                tooltip=lambda d: format_datetime(d.access_expires) or None,
                key=_expiry_key,
            ),
        )

    def set_downloads(
        self, downloads: Sequence[Download], product_names: Mapping[int, str] | None = None
    ) -> None:
        """Show these downloads (a new list: a model reset).

        Args:
            downloads: the customer's downloads.
            product_names: product names by product id where known (e.g. from the line items
                of the customer's cached orders); other products show as "#<id>".
        """
        self._product_names = dict(product_names or {})
        self._set_records(downloads)

    def download_at(self, row: int) -> Download | None:
        """The download of a row (None out of range)."""
        return self.record_at(row)

    def name_products(self, product_names: Mapping[int, str]) -> None:
        """Learn product names (the customer's orders arrived after the downloads)."""
        if not product_names or not self._records:
            return
        self._product_names = {**self._product_names, **product_names}
        last = self.index(len(self._records) - 1, DownloadColumn.PRODUCT)
        self.dataChanged.emit(self.index(0, DownloadColumn.PRODUCT), last, [])

    def _product(self, download: Download) -> str:
        if download.product_id is None:
            return ""
        return self._product_names.get(download.product_id) or f"#{download.product_id}"

    def _expires(self, download: Download) -> str:
        if download.access_expires is None:
            return "Never"
        day = format_date(download.access_expires)
        return f"Expired {day}" if download.access_expires <= self._now() else day


def _expiry_key(download: Download) -> float:
    # None never expires: later than any date.
    expires = download.access_expires
    return math.inf if expires is None else expires.timestamp()


def _file_name(download: Download) -> str:
    return download.name or download.file_name


# -- order lines ----------------------------------------------------------------------------


class LineColumn(IntEnum):
    """The columns of :class:`OrderLinesModel`."""

    NAME = 0
    SKU = 1
    QUANTITY = 2
    PRICE = 3
    TOTAL = 4


class LineKind(IntEnum):
    """What a row of :class:`OrderLinesModel` is."""

    ITEM = 0
    SHIPPING = 1
    TOTAL = 2
    PAYMENT = 3  # "Payment via PayPal", under the totals as on WooCommerce's order screen


@dataclass(frozen=True)
class _Line:
    kind: LineKind
    cells: tuple[object, ...]  # display values, one per LineColumn
    raw: tuple[object, ...]  # SORT_ROLE values
    strong: bool = False  # the grand total


_LINE_TITLES: Final = ("Item", "SKU", "Qty", "Price", "Total")
_LINE_NUMERIC: Final = frozenset({LineColumn.QUANTITY, LineColumn.PRICE, LineColumn.TOTAL})


class OrderLinesModel(QAbstractTableModel):
    """The lines of one order: products, then shipping, then the totals (all read-only).

    Product and shipping rows are selectable; totals rows are not (they are a summary).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._order: Order | None = None
        self._lines: list[_Line] = []
        self._money = PLAIN_MONEY

    def set_money_format(self, money: MoneyFormat) -> None:
        """Write amounts the store's way, in the order's currency (a model reset)."""
        if money != self._money:
            self._money = money
            self.set_order(self._order)

    @property
    def order(self) -> Order | None:
        """The order shown (None: nothing)."""
        return self._order

    def set_order(self, order: Order | None) -> None:
        """Show an order's lines, or nothing (a model reset)."""
        self.beginResetModel()
        self._order = order
        self._lines = (
            _order_lines(order, order_money(order, self._money)) if order is not None else []
        )
        self.endResetModel()

    def kind_at(self, row: int) -> LineKind | None:
        """What a row is (None out of range)."""
        return self._lines[row].kind if 0 <= row < len(self._lines) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        """Product, shipping and totals rows (a table: no children)."""
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        """The columns of :class:`LineColumn`."""
        return 0 if parent.isValid() else len(LineColumn)

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """A cell's text, alignment, font (the grand total is bold), raw value or row kind."""
        row, column = index.row(), index.column()
        if not (index.isValid() and 0 <= row < len(self._lines) and 0 <= column < len(LineColumn)):
            return None
        line = self._lines[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return line.cells[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == LineColumn.NAME:
            text = line.cells[column]
            return long_text(text) if isinstance(text, str) else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            # Totals labels sit right, next to their amounts, as on an invoice (a view may span
            # the label cell across the empty SKU, Qty and Price cells).
            return cell_alignment(column in _LINE_NUMERIC or line.kind == LineKind.TOTAL)
        if role == Qt.ItemDataRole.FontRole and line.strong:
            font = QFont()
            font.setBold(True)
            return font
        if role == SORT_ROLE:
            return line.raw[column]
        if role == LINE_KIND_ROLE:
            return line.kind
        return None

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Column titles (numbers right-aligned like their cells); no row numbers."""
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(LineColumn):
            return column_header(_LINE_TITLES[section], section in _LINE_NUMERIC, role)
        return super().headerData(section, orientation, role)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Read-only; totals rows cannot be selected."""
        flags = super().flags(index) & ~Qt.ItemFlag.ItemIsEditable
        if self.kind_at(index.row()) in (LineKind.TOTAL, LineKind.PAYMENT):
            flags &= ~Qt.ItemFlag.ItemIsSelectable
        return flags


def _item_line(item: LineItem, money: MoneyFormat) -> _Line:
    return _Line(
        LineKind.ITEM,
        (
            item.name,
            item.sku,
            item.quantity,
            format_money(item.price, money),
            format_money(item.total, money),
        ),
        (item.name, item.sku, item.quantity, item.price, item.total),
    )


def _shipping_line(line: ShippingLine, money: MoneyFormat) -> _Line:
    name = f"Shipping: {line.method_title or line.method_id}"
    return _Line(
        LineKind.SHIPPING,
        (name, "", "", "", format_money(line.total, money)),
        (name, None, None, None, line.total),
    )


def _total_line(label: str, amount: Decimal, money: MoneyFormat, strong: bool = False) -> _Line:
    return _Line(
        LineKind.TOTAL,
        (label, "", "", "", format_money(amount, money)),
        (label, None, None, None, amount),
        strong,
    )


def _order_lines(order: Order, money: MoneyFormat) -> list[_Line]:
    """The rows of an order, its amounts written with ``money`` (the order's currency).

    With a symbol every amount carries it, as in WooCommerce's order screen; a currency known
    only by its code is written once per total, not on every item ("20.00", "32.10 USD").
    """
    item_money = money if money.has_symbol else replace(money, code="")
    lines = [_item_line(item, item_money) for item in order.line_items]
    lines += [_shipping_line(line, item_money) for line in order.shipping_lines]
    lines.append(_total_line("Subtotal", order.subtotal, money))
    if order.total_discount:  # most orders have none; a "0.00" discount row is noise
        lines.append(_total_line("Discount", -order.total_discount, money))
    lines.append(_total_line("Shipping", order.total_shipping, money))
    lines.append(_total_line("Tax", order.total_tax, money))
    lines.append(_total_line("Total", order.total, money, strong=True))
    payment = _payment(order)
    if payment:
        said = f"Payment via {payment}"
        cells = (said, "", "", "", "")
        lines.append(_Line(LineKind.PAYMENT, cells, (said, None, None, None, None)))
    return lines
