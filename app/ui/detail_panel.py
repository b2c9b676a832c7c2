"""The panel beside the customer table: the selected customer, addresses, orders, downloads.

It shows what it is given and asks for what it lacks through signals (orders and downloads load
on demand); it never talks to the store or the cache itself. Every text from the store is shown
as plain text: a customer called ``<b>x</b>`` shows those characters.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from PySide6.QtCore import QModelIndex, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QColor, QDesktopServices, QFont, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.countries import country_name, states_of
from app.domain.customer import Address, BillingAddress, Customer, Figures
from app.domain.figures import (
    APPROXIMATE_MARK,
    APPROXIMATE_WHY,
    UNKNOWN_WHY,
    OrderFigures,
    figures_from_orders,
    with_figures,
)
from app.domain.money import MoneyFormat
from app.domain.order import Download, Order
from app.models.customer_model import format_date
from app.models.formatting import PLAIN_MONEY, format_money
from app.models.orders_model import (
    DownloadColumn,
    DownloadsModel,
    LineColumn,
    LineKind,
    OrderColumn,
    OrderLinesModel,
    OrdersModel,
)
from app.ui.column_fit import ColumnFit
from app.ui.status_pill import StatusPillDelegate
from app.ui.table_view import TableView

_AVATAR_SIZE = 56
_AVATAR_COLORS = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#e15759", "#76b7b2", "#9c755f")


def plain_label(text: str = "", *, selectable: bool = True) -> QLabel:
    """A label that never interprets its text as rich text (store data is untrusted)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def initials_avatar(name: str, key: int) -> QPixmap:
    """A round avatar with the name's initials, coloured by the customer id."""
    letters = "".join(part[0] for part in name.split()[:2] if part).upper() or "?"
    pixmap = QPixmap(_AVATAR_SIZE, _AVATAR_SIZE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(_AVATAR_COLORS[key % len(_AVATAR_COLORS)]))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(0, 0, _AVATAR_SIZE, _AVATAR_SIZE)
    font = QFont()
    font.setPixelSize(_AVATAR_SIZE // 3)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, letters)
    painter.end()
    return pixmap


def _money(value: Decimal | None, money: MoneyFormat = PLAIN_MONEY) -> str:
    """Money as the table writes it (the store's way once known), a dash for none."""
    return format_money(value, money) if value is not None else "–"


def _role_label(role: str | None) -> str:
    """A WordPress role as people write it (``shop_manager`` -> "Shop manager")."""
    return (role or "").replace("_", " ").capitalize()


def _date(value: datetime | None) -> str:
    return format_date(value) or "–"


#: What the panel says under figures that are not the store's own.
APPROXIMATE_NOTE = (
    f"{APPROXIMATE_MARK} Approximate: {APPROXIMATE_WHY}. The exact figures show once the "
    "Orders tab has loaded the orders."
)
DERIVED_NOTE = "Figures worked out from the customer's orders as loaded in the Orders tab."
UNKNOWN_TIP = f"{UNKNOWN_WHY}; the Orders tab lists the customer's orders."


class AddressView(QWidget):
    """An address as labelled plain-text lines (empty fields left out)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._form = QFormLayout(self)
        self._form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self._empty = plain_label("No address on file.", selectable=False)
        self._empty.setEnabled(False)

    def set_address(self, address: Address) -> None:
        """Show ``address``."""
        while self._form.rowCount():
            self._form.removeRow(0)
        if address.is_empty:
            self._empty = plain_label("No address on file.", selectable=False)
            self._empty.setEnabled(False)
            self._form.addRow(self._empty)
            return
        country = country_name(address.country) or address.country
        state = states_of(address.country).get(address.state, address.state)
        rows = [
            ("Name", f"{address.first_name} {address.last_name}".strip()),
            ("Company", address.company),
            ("Address", "\n".join(p for p in (address.address_1, address.address_2) if p)),
            ("City", " ".join(p for p in (address.postcode, address.city) if p)),
            ("State", state),
            ("Country", country),
        ]
        if isinstance(address, BillingAddress):
            rows += [("Email", address.email), ("Phone", address.phone)]
        for label, value in rows:
            if value:
                self._form.addRow(f"{label}:", plain_label(value))


class _LoadingStack(QStackedWidget):
    """A table with a busy page and an empty page in front of it when needed."""

    def __init__(self, table: QWidget, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._busy = plain_label("Loading…", selectable=False)
        self._busy.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty = plain_label(empty_text, selectable=False)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setEnabled(False)
        for page in (table, self._busy, self._empty):
            self.addWidget(page)
        self._table = table

    def show_busy(self) -> None:
        """Show the loading state."""
        self.setCurrentWidget(self._busy)

    def show_rows(self, count: int) -> None:
        """Show the table, or the empty state when there is nothing."""
        self.setCurrentWidget(self._table if count else self._empty)

    def show_message(self, text: str) -> None:
        """Show a message instead of rows (e.g. offline and never loaded)."""
        self._empty.setText(text)
        self.setCurrentWidget(self._empty)


def _product_names(orders: Sequence[Order]) -> dict[int, str]:
    """Product names by product id, from the line items of a customer's orders."""
    return {
        item.product_id: item.name
        for order in orders
        for item in order.line_items
        if item.product_id is not None
    }


def _table(model: object, elastic: Sequence[int], stretch: int) -> QTableView:
    """A read-only table whose columns fit the panel (:class:`ColumnFit`).

    Every header stays whole; the ``elastic`` text columns give way (elided) when the values
    do not all fit.
    """
    view = TableView()
    view.setModel(model)  # type: ignore[arg-type]
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    ColumnFit(view, elastic, stretch)
    return view


class DetailPanel(QWidget):
    """Who the selected customer is, with tabs for profile, addresses, orders and downloads.

    Signals:
        orders_wanted(int): the Orders tab needs a customer's orders.
        downloads_wanted(int): the Downloads tab needs a customer's downloads.
    """

    orders_wanted = Signal(int)
    downloads_wanted = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customerDetail")
        self._customer: Customer | None = None
        self._money = PLAIN_MONEY
        self._orders_for: int | None = None
        self._downloads_for: int | None = None

        self._avatar = QLabel()
        self._avatar.setFixedSize(_AVATAR_SIZE, _AVATAR_SIZE)
        self._name = plain_label()
        self._name.setObjectName("detailName")
        title_font = self._name.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.35)
        title_font.setBold(True)
        self._name.setFont(title_font)
        self._email = QLabel()
        self._email.setObjectName("detailEmail")
        self._email.setTextFormat(Qt.TextFormat.PlainText)
        link = self._email.palette()
        link.setColor(link.ColorRole.WindowText, link.color(link.ColorRole.Link))
        self._email.setPalette(link)
        email_font = self._email.font()
        email_font.setUnderline(True)
        self._email.setFont(email_font)
        self._email.setCursor(Qt.CursorShape.PointingHandCursor)
        self._email.setToolTip("Write an email")
        self._email.mousePressEvent = self._on_email_clicked  # type: ignore[method-assign]
        self._phone = plain_label()
        self._registered = plain_label()
        header_text = QVBoxLayout()
        header_text.setSpacing(2)
        for widget in (self._name, self._email, self._phone, self._registered):
            header_text.addWidget(widget)
        header = QHBoxLayout()
        header.addWidget(self._avatar, 0, Qt.AlignmentFlag.AlignTop)
        header.addLayout(header_text, 1)

        self._stats: dict[str, QLabel] = {}
        stats = QGridLayout()
        for column, (key, title) in enumerate(
            (
                ("orders", "Orders"),
                ("spent", "Total spent"),
                ("average", "Average order"),
                ("last", "Last order"),
            )
        ):
            value = plain_label()
            value_font = value.font()
            value_font.setBold(True)
            value.setFont(value_font)
            caption = plain_label(title, selectable=False)
            muted = caption.palette()
            muted.setColor(muted.ColorRole.WindowText, muted.color(muted.ColorRole.PlaceholderText))
            caption.setPalette(muted)
            stats.addWidget(value, 0, column)
            stats.addWidget(caption, 1, column)
            self._stats[key] = value
        self._figures_note = plain_label(selectable=False)
        self._figures_note.setObjectName("figuresNote")
        self._figures_note.setWordWrap(True)
        self._figures_note.hide()
        stats.addWidget(self._figures_note, 2, 0, 1, 4)
        #: Exact figures derived from the loaded orders of the customer shown (section 11.4).
        self._orders_figures: OrderFigures | None = None
        stats_frame = QFrame()
        stats_frame.setFrameShape(QFrame.Shape.StyledPanel)
        stats_frame.setLayout(stats)

        self._profile = QWidget()
        self._profile.setObjectName("profileTab")
        self._profile_form = QFormLayout(self._profile)
        self._billing = AddressView()
        self._billing.setObjectName("billingTab")
        self._shipping = AddressView()
        self._shipping.setObjectName("shippingTab")

        self.orders_model = OrdersModel(self)
        self.order_lines_model = OrderLinesModel(self)
        self.orders_table = _table(self.orders_model, (OrderColumn.STATUS,), OrderColumn.STATUS)
        self.orders_table.setObjectName("ordersTable")
        self.orders_table.setItemDelegateForColumn(
            OrderColumn.STATUS, StatusPillDelegate(self.orders_table)
        )
        self.orders_table.selectionModel().currentRowChanged.connect(self._on_order_selected)
        self._order_lines = _table(
            self.order_lines_model, (LineColumn.NAME, LineColumn.SKU), LineColumn.NAME
        )
        self._order_lines.setObjectName("orderLinesTable")
        self.order_lines_model.modelReset.connect(self._span_order_summary_rows)
        orders_split = QSplitter(Qt.Orientation.Vertical)
        orders_split.addWidget(self.orders_table)
        orders_split.addWidget(self._order_lines)
        self._orders_stack = _LoadingStack(orders_split, "No orders yet.")
        self._orders_stack.setObjectName("ordersTab")

        self.downloads_model = DownloadsModel(self)
        self.downloads_table = _table(
            self.downloads_model,
            (DownloadColumn.NAME, DownloadColumn.PRODUCT),
            DownloadColumn.NAME,
        )
        self.downloads_table.setObjectName("downloadsTable")
        self._downloads_stack = _LoadingStack(self.downloads_table, "No downloadable files.")
        self._downloads_stack.setObjectName("downloadsTab")

        self.tabs = QTabWidget()
        self.tabs.setObjectName("detailTabs")
        # Every tab stays visible: the panel is as wide as its tabs, never a scrolling strip.
        self.tabs.setUsesScrollButtons(False)
        self.tabs.addTab(self._profile, "Profile")
        self.tabs.addTab(self._billing, "Billing")
        self.tabs.addTab(self._shipping, "Shipping")
        self.tabs.addTab(self._orders_stack, "Orders")
        self.tabs.addTab(self._downloads_stack, "Downloads")
        self.tabs.currentChanged.connect(self._on_tab_changed)

        self._placeholder = plain_label("Select a customer to see their details.", selectable=False)
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._placeholder.setEnabled(False)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(stats_frame)
        layout.addWidget(self.tabs, 1)
        self._pages = QStackedWidget()
        self._pages.addWidget(self._placeholder)
        self._pages.addWidget(content)
        outer = QVBoxLayout(self)
        outer.addWidget(self._pages)

    @property
    def customer(self) -> Customer | None:
        """The customer shown."""
        return self._customer

    def set_money_format(self, money: MoneyFormat) -> None:
        """Write the figures, order totals and lines the store's way (symbol, separators...)."""
        self._money = money
        self.orders_model.set_money_format(money)
        self.order_lines_model.set_money_format(money)
        self._show_figures()

    def show_customer(self, customer: Customer | None) -> None:
        """Show a customer (None: the placeholder); asks for orders or downloads if shown."""
        changed = customer is None or self._customer is None or customer.id != self._customer.id
        self._customer = customer
        if customer is None:
            self._pages.setCurrentIndex(0)
            return
        self._pages.setCurrentIndex(1)
        self._avatar.setPixmap(initials_avatar(customer.display_name, customer.id))
        self._name.setText(customer.display_name)
        self._email.setText(customer.email)
        phone = customer.billing.phone
        self._phone.setText(phone)
        self._phone.setVisible(bool(phone))
        # An administrator or a shop manager is no customer: say what they are.
        self._registered.setText(
            f"{_role_label(customer.role) or 'Customer'} since {_date(customer.created_at)}"
        )
        if changed:
            self._orders_figures = None
        self._show_figures()
        while self._profile_form.rowCount():
            self._profile_form.removeRow(0)
        for label, value in (
            ("First name", customer.first_name),
            ("Last name", customer.last_name),
            ("Email", customer.email),
            ("Username", customer.username),
            ("Role", _role_label(customer.role)),
            ("Registered", _date(customer.created_at)),
            ("Last change", _date(customer.last_update)),
            ("Customer ID", str(customer.id)),
        ):
            self._profile_form.addRow(f"{label}:", plain_label(value or "–"))
        self._billing.set_address(customer.billing)
        self._shipping.set_address(customer.shipping)
        if changed:
            self._orders_for = self._downloads_for = None
            self.orders_model.set_orders([])
            self.order_lines_model.set_order(None)
            self.downloads_model.set_downloads([])
            self._on_tab_changed(self.tabs.currentIndex())

    def show_orders(self, customer_id: int, orders: list[Order] | None) -> None:
        """Orders of a customer (None: loading); ignored if another customer is shown now."""
        if self._customer is None or customer_id != self._customer.id:
            return
        if orders is None:
            self._orders_stack.show_busy()
            return
        self._orders_for = customer_id
        # Every order of the customer: exact figures, should the store's be approximate or
        # missing (section 11.4).
        self._orders_figures = figures_from_orders(orders)
        self._show_figures()
        self.orders_model.set_orders(orders)
        self.order_lines_model.set_order(orders[0] if orders else None)
        if orders:
            self.orders_table.selectRow(0)
        self._orders_stack.show_rows(len(orders))
        if self._downloads_for == customer_id:  # downloads shown first: name their products
            self.downloads_model.name_products(_product_names(orders))

    def _show_figures(self) -> None:
        """The four figures, marked ≈ when approximate, a dash when unknown."""
        customer = self._customer
        if customer is None:
            return
        note = ""
        if customer.figures is not Figures.EXACT and self._orders_figures is not None:
            customer = with_figures(customer, self._orders_figures, Figures.EXACT)
            note = DERIVED_NOTE
        elif customer.figures is Figures.APPROXIMATE:
            note = APPROXIMATE_NOTE
        known = customer.stats_known
        mark = f"{APPROXIMATE_MARK} " if customer.figures is Figures.APPROXIMATE else ""
        unknown = Customer.UNKNOWN_FIGURE
        values = {
            "orders": str(customer.orders_count),
            "spent": _money(customer.total_spent, self._money),
            "average": _money(customer.average_order_value, self._money),
        }
        tip = note if known else UNKNOWN_TIP
        for name, text in values.items():
            shown = unknown if not known else text if text == "–" else mark + text
            self._stats[name].setText(shown)
            self._stats[name].setToolTip(tip)
        last = self._stats["last"]
        if customer.last_order_known:
            last.setText(mark + _date(customer.last_order_date) if customer.orders_count else "–")
            last.setToolTip("")
        else:
            last.setText(unknown)
            last.setToolTip(
                UNKNOWN_TIP if not known else "The store does not say when the last order was."
            )
        self._figures_note.setText(note)
        self._figures_note.setVisible(bool(note))

    def show_downloads(
        self,
        customer_id: int,
        downloads: list[Download] | None,
        orders: list[Order] | None = None,
    ) -> None:
        """Downloads of a customer (None: loading); ``orders`` name their products."""
        if self._customer is None or customer_id != self._customer.id:
            return
        if downloads is None:
            self._downloads_stack.show_busy()
            return
        self._downloads_for = customer_id
        self.downloads_model.set_downloads(downloads, product_names=_product_names(orders or []))
        self._downloads_stack.show_rows(len(downloads))

    def show_unavailable(self, what: str, message: str) -> None:
        """The orders or downloads could not be loaded (e.g. offline, never fetched)."""
        stack = self._orders_stack if what == "orders" else self._downloads_stack
        stack.show_message(message)

    @Slot(int)
    def _on_tab_changed(self, index: int) -> None:
        if self._customer is None:
            return
        page = self.tabs.widget(index)
        if page is self._orders_stack and self._orders_for != self._customer.id:
            self.orders_wanted.emit(self._customer.id)
        elif page is self._downloads_stack and self._downloads_for != self._customer.id:
            self.downloads_wanted.emit(self._customer.id)

    @Slot()
    def _span_order_summary_rows(self) -> None:
        """Summary rows span cells: shipping and totals across SKU, Qty and Price; payment all."""
        self._order_lines.clearSpans()
        model = self.order_lines_model
        for row in range(model.rowCount()):
            kind = model.kind_at(row)
            if kind in (LineKind.SHIPPING, LineKind.TOTAL):
                self._order_lines.setSpan(row, LineColumn.NAME, 1, LineColumn.TOTAL)
            elif kind == LineKind.PAYMENT:
                self._order_lines.setSpan(row, LineColumn.NAME, 1, len(LineColumn))

    @Slot(QModelIndex, QModelIndex)
    def _on_order_selected(self, current: QModelIndex, previous: QModelIndex) -> None:
        self.order_lines_model.set_order(self.orders_model.order_at(current.row()))

    def _on_email_clicked(self, event: object) -> None:
        if self._customer is not None and self._customer.email:
            QDesktopServices.openUrl(QUrl(f"mailto:{self._customer.email}"))
