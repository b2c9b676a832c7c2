"""The customer table model over a real cache: cells, sorting, views, refresh, bounded memory.

Every model here runs under ``qtmodeltester`` (attached before the changes, so each signal it
emits is checked too). The refresh tests hold a selection the way the table view does and
check it stays on the same customer while pages stream in, and that no refresh ever resets.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import (
    QDate,
    QItemSelectionModel,
    QLocale,
    QModelIndex,
    QModelRoleData,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView
from pytestqt.qtbot import QtBot

from app.cache.repository import CustomerCache, CustomerFilter, CustomerRow
from app.domain.customer import Address, BillingAddress, Customer, Figures
from app.domain.money import MoneyFormat
from app.models.customer_model import (
    SORT_KEYS,
    CustomerColumn,
    CustomerTableModel,
)
from app.models.formatting import format_date
from app.models.roles import CUSTOMER_ROLE, ID_ROLE, NUMBER_ALIGNMENT, SORT_ROLE
from tests.benchmarks.bench_cache import generate_customers
from tests.models import ModelChecker, QtMessages

URL = "https://t.example"
NOW = 1_750_000_000
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[CustomerCache]:
    opened = CustomerCache.open(tmp_path, URL)
    yield opened
    opened.close()


def customers(count: int, seed: int = 11) -> list[Customer]:
    return list(generate_customers(count, seed))


def fill(cache: CustomerCache, stored: Sequence[Customer]) -> list[int]:
    cache.upsert_customers(stored, NOW)
    return [c.id for c in stored]


class Signals:
    """Counts a model's structural signals, to prove which kind of change a refresh made."""

    NAMES = (
        "modelReset",
        "rowsInserted",
        "rowsRemoved",
        "rowsMoved",
        "layoutChanged",
        "dataChanged",
    )

    def __init__(self, model: CustomerTableModel) -> None:
        self.counts = dict.fromkeys(self.NAMES, 0)
        self.changed_rows: list[tuple[int, int]] = []
        for name in self.NAMES:
            getattr(model, name).connect(self._counter(name))
        model.dataChanged.connect(self._on_data_changed)

    def _counter(self, name: str) -> Any:
        def count(*_args: object) -> None:
            self.counts[name] += 1

        return count

    def _on_data_changed(self, top: QModelIndex, bottom: QModelIndex, *_args: object) -> None:
        self.changed_rows.append((top.row(), bottom.row()))

    def reset(self) -> None:
        self.counts = dict.fromkeys(self.NAMES, 0)
        self.changed_rows = []


def selected_ids(model: CustomerTableModel, selection: QItemSelectionModel) -> list[int | None]:
    return [model.id_at(index.row()) for index in selection.selectedRows()]


def select(model: CustomerTableModel, selection: QItemSelectionModel, customer_id: int) -> None:
    row = model.row_of(customer_id)
    assert row is not None
    flags = (
        QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows
        | QItemSelectionModel.SelectionFlag.Current
    )
    selection.setCurrentIndex(model.index(row, 0), flags)


# -- cells ----------------------------------------------------------------------------------


def test_headers_name_every_column_and_align_numbers_right(
    cache: CustomerCache, qtmodeltester: ModelChecker
) -> None:
    model = CustomerTableModel(cache)
    qtmodeltester.check(model)
    horizontal = Qt.Orientation.Horizontal
    titles = [
        model.headerData(column, horizontal, Qt.ItemDataRole.DisplayRole)
        for column in CustomerColumn
    ]
    assert titles == [
        "Name",
        "Email",
        "Username",
        "City",
        "Country",
        "Orders",
        "Total spent",
        "Last order",
        "Registered",
        "Phone",
        "Company",
        "Postcode",
        "State",
        "Role",
        "Average order",
    ]
    aligned = [
        column
        for column in CustomerColumn
        if model.headerData(column, horizontal, Qt.ItemDataRole.TextAlignmentRole)
        == NUMBER_ALIGNMENT
    ]
    assert aligned == [
        CustomerColumn.ORDERS,
        CustomerColumn.TOTAL_SPENT,
        CustomerColumn.AVERAGE_ORDER,
    ]
    assert model.columnCount() == len(CustomerColumn) == 15
    assert model.rowCount() == 0


SPECIAL = Customer(
    id=9_999,
    email="a.very.long.address.indeed@mail.example.org",
    first_name="<b>Zoë</b>",
    last_name="Ångström",
    username="zoe",
    role="customer",
    created_at=datetime(2021, 3, 4, 12, 0, tzinfo=UTC),
    last_order_date=datetime(2024, 5, 6, 12, 0, tzinfo=UTC),
    orders_count=12,
    total_spent=Decimal("1234.5"),
    billing=BillingAddress(city="", country="", phone="+33 4 72 00 00 00", company="Soie SA"),
    shipping=Address(city="Lyon", country="FR", postcode="69001", state="ARA", company="Other"),
)


@pytest.mark.parametrize(
    ("column", "display", "raw"),
    [
        (CustomerColumn.NAME, "<b>Zoë</b> Ångström", "<b>Zoë</b> Ångström"),
        (CustomerColumn.EMAIL, SPECIAL.email, SPECIAL.email),
        (CustomerColumn.USERNAME, "zoe", "zoe"),
        (CustomerColumn.CITY, "Lyon", "Lyon"),  # billing empty: the shipping city
        (CustomerColumn.COUNTRY, "FR", "FR"),
        (CustomerColumn.ORDERS, 12, 12),
        (CustomerColumn.TOTAL_SPENT, "1234.50", Decimal("1234.5")),
        (CustomerColumn.LAST_ORDER, "LOCAL", datetime(2024, 5, 6, 12, 0, tzinfo=UTC)),
        (CustomerColumn.REGISTERED, "LOCAL", datetime(2021, 3, 4, 12, 0, tzinfo=UTC)),
        (CustomerColumn.PHONE, "+33 4 72 00 00 00", "+33 4 72 00 00 00"),
        (CustomerColumn.COMPANY, "Soie SA", "Soie SA"),  # billing first, as for the city
        (CustomerColumn.POSTCODE, "69001", "69001"),  # billing empty: the shipping postcode
        (CustomerColumn.STATE, "ARA", "ARA"),
        (CustomerColumn.ROLE, "Customer", "customer"),
        (CustomerColumn.AVERAGE_ORDER, "102.88", Decimal("1234.5") / 12),
    ],
)
def test_display_and_sort_roles_of_each_column(
    cache: CustomerCache,
    qtmodeltester: ModelChecker,
    column: CustomerColumn,
    display: object,
    raw: object,
) -> None:
    fill(cache, [SPECIAL])
    model = CustomerTableModel(cache)
    model.set_view(CustomerFilter(role=None))
    qtmodeltester.check(model)
    index = model.index(0, column)
    if display == "LOCAL":
        assert isinstance(raw, datetime)
        display = _expected_short_date(raw)
    shown = model.data(index, Qt.ItemDataRole.DisplayRole)
    assert shown == display
    assert type(shown) is type(display)  # text stays text (never rich text), counts stay ints
    assert model.data(index, SORT_ROLE) == raw
    assert model.data(index, CUSTOMER_ROLE) == SPECIAL
    assert model.data(index, ID_ROLE) == 9_999
    alignment = model.data(index, Qt.ItemDataRole.TextAlignmentRole)
    numeric = column in (
        CustomerColumn.ORDERS,
        CustomerColumn.TOTAL_SPENT,
        CustomerColumn.AVERAGE_ORDER,
    )
    assert alignment == (NUMBER_ALIGNMENT if numeric else None)


def test_several_roles_at_once_answer_as_data_does(cache: CustomerCache) -> None:
    fill(cache, [SPECIAL, *customers(30)])
    model = CustomerTableModel(cache)
    model.set_view(CustomerFilter(role=None))
    roles = [*range(Qt.ItemDataRole.UserRole + 5), Qt.ItemDataRole.UserRole + 40]
    cells = [model.index(row, column) for row in (0, 7, 30) for column in CustomerColumn]
    cells += [model.createIndex(31, 0), model.createIndex(0, 15), QModelIndex()]
    for index in cells:
        for role in roles:
            asked = QModelRoleData(role)
            model.multiData(index, asked)
            assert asked.data() == model.data(index, role), (index.row(), index.column(), role)


def test_tooltips_show_long_text_and_full_dates(cache: CustomerCache) -> None:
    fill(cache, [SPECIAL, dataclasses.replace(SPECIAL, id=10_000, email="short@x.org")])
    model = CustomerTableModel(cache)
    model.set_view(CustomerFilter(sort="id"))
    tooltip = Qt.ItemDataRole.ToolTipRole
    assert model.data(model.index(0, CustomerColumn.EMAIL), tooltip) == SPECIAL.email
    assert model.data(model.index(1, CustomerColumn.EMAIL), tooltip) is None
    assert model.data(model.index(0, CustomerColumn.ORDERS), tooltip) is None
    registered = model.data(model.index(0, CustomerColumn.REGISTERED), tooltip)
    assert "2021" in registered
    assert ":" in registered  # with the time of day


def test_missing_values_show_empty_and_sort_as_none(cache: CustomerCache) -> None:
    bare = Customer(id=3, email="bare@example.com")
    fill(cache, [bare])
    model = CustomerTableModel(cache)
    model.set_view(CustomerFilter(role=None))
    for column in (CustomerColumn.LAST_ORDER, CustomerColumn.REGISTERED):
        assert model.data(model.index(0, column)) == ""
        assert model.data(model.index(0, column), SORT_ROLE) is None
    assert model.data(model.index(0, CustomerColumn.NAME)) == "bare@example.com"
    assert model.data(model.index(0, CustomerColumn.TOTAL_SPENT)) == "0.00"


def test_figures_say_when_they_are_approximate_or_unknown(cache: CustomerCache) -> None:
    """Analytics' figures carry the mark and the reason; unknown ones a dash and why."""
    last = datetime(2026, 3, 4, 12, tzinfo=UTC)
    base = Customer(id=5, email="a@example.com", orders_count=1234, total_spent=Decimal("45"))
    approximate = dataclasses.replace(
        base, last_order_date=last, last_order_id=7, figures=Figures.APPROXIMATE
    )
    unknown = dataclasses.replace(base, id=6, email="u@example.com", figures=Figures.UNKNOWN)
    fill(cache, [approximate, unknown])
    model = CustomerTableModel(cache)
    model.set_view(CustomerFilter(role=None, sort="id"))
    tooltip = Qt.ItemDataRole.ToolTipRole
    orders = model.index(0, CustomerColumn.ORDERS)
    assert model.data(orders) == f"≈ {QLocale().toString(1234)}"
    assert model.data(orders, SORT_ROLE) == 1234
    assert model.data(model.index(0, CustomerColumn.TOTAL_SPENT)) == "≈ 45.00"
    assert model.data(model.index(0, CustomerColumn.AVERAGE_ORDER)) == "≈ 0.04"
    assert model.data(model.index(0, CustomerColumn.LAST_ORDER)).startswith("≈ ")
    assert "Analytics" in model.data(orders, tooltip)
    for column in (CustomerColumn.ORDERS, CustomerColumn.TOTAL_SPENT, CustomerColumn.AVERAGE_ORDER):
        assert model.data(model.index(1, column)) == "–"
        assert "does not give this figure" in model.data(model.index(1, column), tooltip)
    assert model.data(model.index(1, CustomerColumn.LAST_ORDER)) == ""


def test_out_of_range_and_unknown_requests_answer_none(cache: CustomerCache) -> None:
    fill(cache, customers(5))
    model = CustomerTableModel(cache)
    model.set_view(CustomerFilter(role=None))
    assert model.rowCount() == 5
    assert model.data(QModelIndex()) is None
    assert model.data(model.index(5, 0)) is None
    assert model.data(model.index(0, 15)) is None
    assert model.data(model.createIndex(5, 0)) is None  # valid-looking but out of range
    assert model.data(model.createIndex(0, 15)) is None
    assert model.data(model.createIndex(-1, 0)) is None
    assert not model.index(5, 0).isValid()
    assert not model.index(-1, 0).isValid()
    assert not model.index(0, 15).isValid()
    assert not model.index(0, 0, model.index(0, 0)).isValid()  # a table: no children
    assert (model.index(4, 14).row(), model.index(4, 14).column()) == (4, 14)
    assert model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole) is None
    assert model.rowCount(model.index(0, 0)) == 0  # a table: no children
    assert model.columnCount(model.index(0, 0)) == 0
    assert model.customer_at(5) is None
    assert model.customer_at(-1) is None
    assert model.id_at(5) is None
    assert model.id_at(-1) is None
    assert model.row_of(999_999) is None
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable


def test_row_accessors_agree(cache: CustomerCache) -> None:
    fill(cache, customers(50))
    model = CustomerTableModel(cache)
    model.set_view(CustomerFilter(role=None))
    for row in range(model.rowCount()):
        customer_id = model.id_at(row)
        assert customer_id is not None
        assert model.row_of(customer_id) == row
        customer = model.customer_at(row)
        assert customer is not None
        assert customer.id == customer_id


def test_a_customer_gone_from_the_cache_reads_as_an_empty_row(cache: CustomerCache) -> None:
    ids = fill(cache, customers(10))
    model = CustomerTableModel(cache)
    model.set_view(CustomerFilter(role=None))
    cache.delete_customers([ids[0]])  # deleted, but no refresh yet
    row = model.row_of(ids[0])
    assert row is not None
    assert model.customer_at(row) is None
    assert model.data(model.index(row, 0)) is None
    assert model.data(model.index(row, 0), ID_ROLE) == ids[0]


# -- sorting and views ----------------------------------------------------------------------


@pytest.mark.parametrize("column", list(CustomerColumn))
@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
@pytest.mark.slow
def test_sorting_by_every_column_gives_the_cache_order(
    cache: CustomerCache,
    qtmodeltester: ModelChecker,
    qtbot: QtBot,
    column: CustomerColumn,
    order: Qt.SortOrder,
) -> None:
    fill(cache, customers(300))
    model = CustomerTableModel(cache)
    qtmodeltester.check(model)
    model.set_view(CustomerFilter(sort="id"))
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        model.sort(column, order)
    descending = order == Qt.SortOrder.DescendingOrder
    view = CustomerFilter(sort=SORT_KEYS[column], descending=descending)
    assert model.view == view
    assert list(model.ids) == cache.ordered_ids(view)
    assert model.sort_column() == (column, order)
    values = [model.data(model.index(row, column), SORT_ROLE) for row in range(model.rowCount())]
    present = [v for v in values if v is not None]
    folded = (
        CustomerColumn.NAME,
        CustomerColumn.CITY,
        CustomerColumn.PHONE,
        CustomerColumn.COMPANY,
        CustomerColumn.POSTCODE,
        CustomerColumn.STATE,
    )
    if column in folded:
        return  # the cache sorts these without case (or accents, names); ids match above
    assert present == sorted(present, reverse=descending)
    qtmodeltester.check(model)


def test_sort_with_no_column_or_the_same_order_changes_nothing(
    cache: CustomerCache, qtbot: QtBot
) -> None:
    fill(cache, customers(20))
    model = CustomerTableModel(cache)
    model.set_view(CustomerFilter())
    with qtbot.assertNotEmitted(model.modelReset):
        model.sort(-1)
        model.sort(CustomerColumn.NAME, Qt.SortOrder.AscendingOrder)
        model.sort(42)
    assert model.view == CustomerFilter()


def test_search_and_role_filter_come_from_set_view(
    cache: CustomerCache, qtmodeltester: ModelChecker, qtbot: QtBot
) -> None:
    everyone = customers(400)
    fill(cache, everyone)
    model = CustomerTableModel(cache)
    qtmodeltester.check(model)
    model.set_view(CustomerFilter(role=None))
    assert model.rowCount() == 400

    target = everyone[123]
    search = CustomerFilter(search=target.username, role=None)
    with qtbot.waitSignals([model.modelReset, model.rows_loaded], order="strict"):
        model.set_view(search)
    assert model.view == search
    assert target.id in model.ids
    assert list(model.ids) == cache.ordered_ids(search)
    assert 0 < model.rowCount() < 400

    subscribers = {c.id for c in everyone if c.role == "subscriber"}
    assert subscribers  # the generator makes about 3 %
    model.set_view(CustomerFilter(role="subscriber"))
    assert set(model.ids) == subscribers
    assert {model.data(model.index(r, 0), CUSTOMER_ROLE).role for r in range(len(subscribers))} == {
        "subscriber"
    }

    model.set_view(CustomerFilter(search="no such customer anywhere"))
    assert model.rowCount() == 0
    assert model.data(model.index(0, 0)) is None
    qtmodeltester.check(model)


# -- refresh --------------------------------------------------------------------------------


@pytest.mark.slow
def test_pages_stream_in_while_the_selection_stays_on_its_customer(
    cache: CustomerCache, qtmodeltester: ModelChecker
) -> None:
    # Pages of 40, because the tester walks the whole model after every signal.
    everyone = customers(120, seed=3)
    pages = [everyone[0:40], everyone[40:80], everyone[80:120]]
    model = CustomerTableModel(cache)
    qtmodeltester.check(model)
    model.set_view(CustomerFilter(role=None))  # a new store: nothing cached yet
    signals = Signals(model)
    selection = QItemSelectionModel(model)

    chosen = pages[0][20].id
    rows_seen = []
    for number, page in enumerate(pages):
        model.refresh(stored=fill(cache, page), removed=[])
        if number == 0:
            select(model, selection, chosen)
        assert selected_ids(model, selection) == [chosen]
        assert selection.currentIndex().row() == model.row_of(chosen)
        rows_seen.append(model.row_of(chosen))
        assert list(model.ids) == cache.ordered_ids(model.view)
    assert signals.counts["modelReset"] == 0
    assert signals.counts["rowsInserted"] >= 3
    assert len(set(rows_seen)) > 1  # pages sorted in above it: its row really moved
    assert model.rowCount() == 120
    qtmodeltester.check(model)


@pytest.mark.slow
def test_streaming_into_a_large_view_gathers_scattered_rows_in_one_layout_change(
    cache: CustomerCache, qtmodeltester: ModelChecker
) -> None:
    everyone = customers(900, seed=4)
    fill(cache, everyone[:300])
    model = CustomerTableModel(cache)
    model.max_runs = 10  # 600 new rows land in hundreds of places
    model.set_view(CustomerFilter(role=None))
    qtmodeltester.check(model)
    selection = QItemSelectionModel(model)
    chosen = everyone[150].id
    select(model, selection, chosen)
    signals = Signals(model)

    model.refresh(stored=fill(cache, everyone[300:]), removed=[])

    assert list(model.ids) == cache.ordered_ids(model.view)
    assert signals.counts == signals.counts | {"modelReset": 0, "rowsInserted": 1}
    assert signals.counts["layoutChanged"] == 1
    assert selected_ids(model, selection) == [chosen]
    assert selection.currentIndex().row() == model.row_of(chosen)


def test_removing_the_selected_customer_clears_the_selection(
    cache: CustomerCache, qtmodeltester: ModelChecker
) -> None:
    ids = fill(cache, customers(120))
    model = CustomerTableModel(cache)
    model.set_view(CustomerFilter(role=None))
    qtmodeltester.check(model)
    selection = QItemSelectionModel(model)
    chosen = ids[17]
    select(model, selection, chosen)
    signals = Signals(model)

    cache.delete_customers([chosen])
    model.refresh(stored=[], removed=[chosen])

    assert selection.selectedRows() == []
    assert model.row_of(chosen) is None
    assert model.rowCount() == 119
    assert signals.counts["rowsRemoved"] == 1
    assert signals.counts["modelReset"] == signals.counts["layoutChanged"] == 0


def test_an_edit_that_keeps_the_order_only_changes_that_row(
    cache: CustomerCache, qtmodeltester: ModelChecker
) -> None:
    everyone = customers(150)
    fill(cache, everyone)
    model = CustomerTableModel(cache)
    model.set_view(CustomerFilter(role=None))
    qtmodeltester.check(model)
    target = everyone[60]
    row = model.row_of(target.id)
    assert row is not None
    assert model.data(model.index(row, CustomerColumn.EMAIL)) == target.email  # now held
    signals = Signals(model)

    edited = dataclasses.replace(target, email="changed@example.com")
    model.refresh(stored=fill(cache, [edited]), removed=[])

    assert signals.changed_rows == [(row, row)]
    assert signals.counts == dict.fromkeys(Signals.NAMES, 0) | {"dataChanged": 1}
    assert model.data(model.index(row, CustomerColumn.EMAIL)) == "changed@example.com"


def test_an_edit_that_changes_the_sort_position_moves_the_row_with_its_selection(
    cache: CustomerCache, qtmodeltester: ModelChecker
) -> None:
    everyone = customers(150)
    fill(cache, everyone)
    model = CustomerTableModel(cache)
    model.set_view(CustomerFilter(role=None))  # by name
    qtmodeltester.check(model)
    selection = QItemSelectionModel(model)
    first = model.id_at(0)
    assert first is not None
    select(model, selection, first)
    signals = Signals(model)

    top = model.customer_at(0)
    assert top is not None
    renamed = dataclasses.replace(
        top, first_name="Zzzz", last_name="Last", billing=BillingAddress()
    )
    model.refresh(stored=fill(cache, [renamed]), removed=[])

    assert list(model.ids) == cache.ordered_ids(model.view)
    row = model.row_of(first)
    assert row is not None
    assert row > 100  # "Zzzz" sorts after nearly every name
    assert signals.counts["rowsMoved"] == 1
    assert signals.counts["modelReset"] == signals.counts["layoutChanged"] == 0
    assert signals.counts["rowsRemoved"] == signals.counts["rowsInserted"] == 0
    assert selected_ids(model, selection) == [first]
    assert model.data(model.index(row, CustomerColumn.NAME)) == "Zzzz Last"


@pytest.mark.slow
def test_many_moves_reorder_with_one_layout_change_keeping_the_selection(
    cache: CustomerCache, qtmodeltester: ModelChecker
) -> None:
    everyone = customers(200)
    fill(cache, everyone)
    model = CustomerTableModel(cache)
    model.set_view(CustomerFilter(role=None, sort="orders", descending=True))
    qtmodeltester.check(model)
    selection = QItemSelectionModel(model)
    chosen = everyone[4].id  # among the changed
    select(model, selection, chosen)
    signals = Signals(model)

    # A quick sync brings new order counts for half the store.
    changed = [
        dataclasses.replace(c, orders_count=(c.orders_count * 7 + i) % 13)
        for i, c in enumerate(everyone[::2])
    ]
    model.refresh(stored=fill(cache, changed), removed=[])

    assert list(model.ids) == cache.ordered_ids(model.view)
    assert signals.counts["layoutChanged"] == 1
    assert signals.counts["modelReset"] == 0
    assert selected_ids(model, selection) == [chosen]
    row = model.row_of(chosen)
    assert row is not None
    assert model.data(model.index(row, CustomerColumn.ORDERS)) == next(
        c.orders_count for c in changed if c.id == chosen
    )


@pytest.mark.slow
def test_removals_inserts_and_changes_at_once(
    cache: CustomerCache, qtmodeltester: ModelChecker
) -> None:
    everyone = customers(160, seed=9)
    fill(cache, everyone[:120])
    model = CustomerTableModel(cache)
    model.set_view(CustomerFilter(role=None, sort="email"))
    qtmodeltester.check(model)
    selection = QItemSelectionModel(model)
    kept = everyone[100].id
    select(model, selection, kept)
    signals = Signals(model)

    gone = [c.id for c in everyone[:120:7]]
    cache.delete_customers(gone)
    edited = [dataclasses.replace(c, email=f"aaa{c.id}@example.com") for c in everyone[1:120:20]]
    stored = fill(cache, [*everyone[120:], *edited])
    model.refresh(stored=stored, removed=gone)

    assert list(model.ids) == cache.ordered_ids(model.view)
    assert signals.counts["modelReset"] == 0
    assert selected_ids(model, selection) == [kept]
    for customer in edited:
        row = model.row_of(customer.id)
        assert row is not None
        assert model.data(model.index(row, CustomerColumn.EMAIL)) == customer.email


def test_refresh_with_nothing_changed_emits_nothing_but_rows_loaded(
    cache: CustomerCache, qtbot: QtBot
) -> None:
    fill(cache, customers(30))
    model = CustomerTableModel(cache)
    model.set_view(CustomerFilter(role=None))
    signals = Signals(model)
    with qtbot.waitSignal(model.rows_loaded, timeout=1000):
        model.refresh([], [])
    assert signals.counts == dict.fromkeys(Signals.NAMES, 0)


class FakeSource:
    """A cache whose view is whatever list of ids the test sets."""

    def __init__(self) -> None:
        self.order: list[int] = []
        self.reads: list[int] = []

    def ordered_ids(self, view: CustomerFilter) -> list[int]:
        return list(self.order)

    def customer_rows(self, ids: Sequence[int]) -> dict[int, CustomerRow]:
        self.reads.append(len(ids))
        return {i: _fake_row(i) for i in ids if i in self.order}

    def customer(self, customer_id: int) -> Customer | None:
        if customer_id not in self.order:
            return None
        return Customer(id=customer_id, email=f"c{customer_id}@example.com")


def _fake_row(customer_id: int) -> CustomerRow:
    email = f"c{customer_id}@example.com"
    return CustomerRow(customer_id, email, email, "", "", "", 0, Decimal(0), None, None)


Change = tuple[list[int], list[int], set[int], set[int]]


@st.composite
def id_changes(draw: st.DrawFn) -> Change:
    """An old view, a new view, and the ids named as stored and as removed in between.

    Shaped like real refreshes (named removals, stored customers moving, pages inserted), and
    one time in four the cache also changed behind the caller's back.
    """
    old = draw(st.lists(st.integers(1, 60), unique=True, max_size=40))
    removed = set(draw(st.lists(st.sampled_from(old), max_size=8))) if old else set()
    new = [i for i in old if i not in removed]
    stored: set[int] = set()
    for customer_id in draw(st.lists(st.sampled_from(new), max_size=8)) if new else []:
        new.remove(customer_id)  # a changed sort value
        new.insert(draw(st.integers(0, len(new))), customer_id)
        stored.add(customer_id)
    for customer_id in draw(st.lists(st.integers(61, 120), unique=True, max_size=25)):
        new.insert(draw(st.integers(0, len(new))), customer_id)
        stored.add(customer_id)
    if new:  # stored again, unchanged
        stored |= set(draw(st.lists(st.sampled_from(new), max_size=5)))
    unnamed = [i for i in new if i not in stored]
    match draw(st.integers(0, 7)):
        case 0:  # reordered
            new = draw(st.permutations(new))
        case 1 if unnamed:  # removed
            new.remove(draw(st.sampled_from(unnamed)))
        case 2:  # added
            new.insert(draw(st.integers(0, len(new))), 121)
        case 3 if unnamed:  # one removed, another added
            new.remove(draw(st.sampled_from(unnamed)))
            new.insert(draw(st.integers(0, len(new))), 122)
        case _:
            pass
    return old, new, stored, removed


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    change=id_changes(),
    max_runs=st.sampled_from([1, 3, 128]),
    max_moves=st.sampled_from([0, 2, 32]),
)
@example(change=([], [121, 61], {61}, set()), max_runs=1, max_moves=0)  # unnamed insert
def test_any_refresh_reaches_the_new_order_and_persistent_indexes_follow(
    qtmodeltester: ModelChecker,
    qtlog: QtMessages,
    change: Change,
    max_runs: int,
    max_moves: int,
) -> None:
    old, new, stored, removed = change
    complaints = len(qtlog.records)
    source = FakeSource()
    source.order = old
    model = CustomerTableModel(source)
    model.max_runs, model.max_moves = max_runs, max_moves
    model.set_view(CustomerFilter())
    qtmodeltester.check(model)
    columns = len(CustomerColumn)
    held = {
        customer_id: QPersistentModelIndex(model.index(row, row % columns))
        for row, customer_id in enumerate(old)
    }
    resets: list[None] = []
    model.modelReset.connect(lambda: resets.append(None))

    source.order = new
    model.refresh(stored=stored, removed=removed)

    assert list(model.ids) == new
    assert not resets
    # The tester only warns; failing here lets hypothesis shrink the example.
    assert [r.message for r in qtlog.records[complaints:]] == []
    for customer_id, index in held.items():
        if customer_id in new:
            assert index.row() == new.index(customer_id)
            assert index.column() == old.index(customer_id) % columns
        else:
            assert not index.isValid()


# -- bounded memory -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CustomerCache]:
    opened = CustomerCache.open(tmp_path_factory.mktemp("big"), URL)
    batch: list[Customer] = []
    for customer in generate_customers(20_000):
        batch.append(customer)
        if len(batch) == 2_000:
            opened.upsert_customers(batch, NOW)
            batch = []
    yield opened
    opened.close()


class CountingCache:
    """A cache that counts the customers read from it."""

    def __init__(self, cache: CustomerCache) -> None:
        self.cache = cache
        self.reads: list[int] = []

    def ordered_ids(self, view: CustomerFilter) -> list[int]:
        return self.cache.ordered_ids(view)

    def customer_rows(self, ids: Sequence[int]) -> dict[int, CustomerRow]:
        self.reads.append(len(ids))
        return self.cache.customer_rows(ids)

    def customer(self, customer_id: int) -> Customer | None:
        return self.cache.customer(customer_id)


@pytest.mark.slow
def test_reading_across_a_large_view_keeps_few_customers_in_memory(
    big_cache: CustomerCache,
) -> None:
    counting = CountingCache(big_cache)
    model = CustomerTableModel(counting)
    model.set_view(CustomerFilter(role=None))
    assert model.rowCount() == 20_000
    assert model.cached_count == 0  # a new view holds ids only

    for row in itertools.chain(range(0, 20_000, 97), range(19_999, 0, -131)):
        assert model.data(model.index(row, CustomerColumn.NAME))
        assert model.cached_count <= model.max_cached
    assert model.cached_count <= 2_000
    assert max(counting.reads) <= model.window_size


def test_scrolling_reads_a_window_at_a_time(big_cache: CustomerCache) -> None:
    counting = CountingCache(big_cache)
    model = CustomerTableModel(counting)
    model.set_view(CustomerFilter(role=None))
    for row in range(5_000, 6_000):  # scrolling down through 1,000 rows
        for column in CustomerColumn:
            model.data(model.index(row, column))
    assert len(counting.reads) <= 1_000 // (model.window_size // 2) + 1
    counting.reads.clear()
    for row in range(5_900, 5_950):  # and back up a little: still held
        model.data(model.index(row, 0))
    assert counting.reads == []


def test_refresh_drops_held_rows_of_stored_customers(cache: CustomerCache) -> None:
    everyone = customers(40)
    fill(cache, everyone)
    counting = CountingCache(cache)
    model = CustomerTableModel(counting)
    model.set_view(CustomerFilter(role=None, sort="id"))
    assert model.data(model.index(3, CustomerColumn.USERNAME)) == everyone[3].username
    fill(cache, [dataclasses.replace(everyone[3], username="renamed")])
    assert model.data(model.index(3, CustomerColumn.USERNAME)) == everyone[3].username  # held
    model.refresh(stored=[everyone[3].id], removed=[])
    assert model.data(model.index(3, CustomerColumn.USERNAME)) == "renamed"


# -- a look at it ---------------------------------------------------------------------------


def test_screenshot_of_a_table_view(cache: CustomerCache, qtbot: QtBot) -> None:
    fill(cache, [SPECIAL, *customers(60)])
    model = CustomerTableModel(cache)
    model.set_view(CustomerFilter(role=None))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    sorted_by = model.sort_column()
    assert sorted_by is not None
    # The indicator first: enabling sorting sorts by it (Qt's default is descending).
    view.horizontalHeader().setSortIndicator(*sorted_by)
    view.setSortingEnabled(True)
    assert model.view == CustomerFilter(role=None)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.resizeColumnsToContents()
    view.resize(1200, 420)
    special_row = model.row_of(SPECIAL.id)
    assert special_row is not None
    view.selectRow(special_row)  # markup in a name shows as the characters typed
    view.scrollTo(model.index(special_row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)
    view.show()
    qtbot.waitExposed(view)
    SCREENSHOTS.mkdir(exist_ok=True)
    assert view.grab().save(str(SCREENSHOTS / "customer_model.png"))
    empty = CustomerTableModel(cache)
    empty.set_view(CustomerFilter(search="nobody at all"))
    view.setModel(empty)
    assert view.grab().save(str(SCREENSHOTS / "customer_model_empty.png"))


def _expected_short_date(moment: datetime) -> str:
    """The user's locale's short date; ISO under the C locale, whose short date is odd."""
    local = moment.astimezone()
    if QLocale().language() == QLocale.Language.C:
        return f"{local:%Y-%m-%d}"
    return QLocale().toString(
        QDate(local.year, local.month, local.day), QLocale.FormatType.ShortFormat
    )


def test_dates_follow_the_users_locale() -> None:
    moment = datetime(2024, 12, 31, 23, 30, tzinfo=UTC)
    assert format_date(moment) == _expected_short_date(moment)
    assert format_date(None) == ""
    assert format_date(moment + timedelta(days=1)) != format_date(moment - timedelta(days=1))


@pytest.fixture
def restore_locale() -> Iterator[None]:
    before = QLocale()
    yield
    QLocale.setDefault(before)


def test_short_dates_follow_a_real_locale_and_are_iso_under_c(restore_locale: None) -> None:
    moment = datetime(2024, 12, 31, 12, 0, tzinfo=UTC)
    local = moment.astimezone()
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    assert format_date(moment) == f"{local:%d.%m.%y}"
    QLocale.setDefault(QLocale.c())
    assert format_date(moment) == f"{local:%Y-%m-%d}"


def test_the_average_order_is_a_dash_without_orders_and_says_why(cache: CustomerCache) -> None:
    fill(cache, [Customer(id=1, email="none@example.com", orders_count=0)])
    model = CustomerTableModel(cache)
    model.set_view(CustomerFilter(role=None))
    average = model.index(0, CustomerColumn.AVERAGE_ORDER)
    assert model.data(average) == "–"
    assert model.data(average, SORT_ROLE) is None
    assert model.data(average, Qt.ItemDataRole.ToolTipRole) == "No orders yet: no average."


# -- money ----------------------------------------------------------------------------------


def test_total_spent_is_written_the_stores_way_once_known(
    cache: CustomerCache, qtbot: QtBot
) -> None:
    """Issue 14, item 4: "$1,234.50" (symbol decoded from ``&#36;``), with every other role
    and the multiData path alike; approximate figures keep their mark."""
    rich = Customer(id=5, email="a@example.com", orders_count=3, total_spent=Decimal("1234.5"))
    rough = dataclasses.replace(
        rich,
        id=6,
        email="b@example.com",
        total_spent=Decimal("45"),
        last_order_date=datetime(2026, 3, 4, 12, tzinfo=UTC),
        last_order_id=7,
        figures=Figures.APPROXIMATE,
    )
    fill(cache, [rich, rough])
    model = CustomerTableModel(cache)
    model.set_view(CustomerFilter(role=None, sort="id"))
    spent = model.index(0, CustomerColumn.TOTAL_SPENT)
    assert model.data(spent) == "1234.50"  # the store has not said yet
    dollar = MoneyFormat.from_store("USD", "&#36;", "left", ",", ".", 2)
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.set_money_format(dollar)
    assert (changed.args[0].row(), changed.args[1].row()) == (0, 1)
    assert model.money_format == dollar
    assert model.data(spent) == "$1,234.50"
    assert model.data(model.index(1, CustomerColumn.TOTAL_SPENT)) == "≈ $45.00"
    assert model.data(spent, SORT_ROLE) == Decimal("1234.5")
    asked = QModelRoleData(Qt.ItemDataRole.DisplayRole)
    model.multiData(spent, asked)
    assert asked.data() == "$1,234.50"
    model.set_money_format(MoneyFormat.from_store("EUR", "&euro;", "right_space", ".", ",", 2))
    assert model.data(spent) == "1.234,50\u00a0€"
    with qtbot.assertNotEmitted(model.dataChanged):
        model.set_money_format(model.money_format)  # the same format: nothing to repaint
