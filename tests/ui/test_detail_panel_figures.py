"""The detail panel's order figures: exact, approximate (≈ and a note), unknown (a dash with
a tooltip), and exact ones worked out from the loaded orders (reference §11.4, §14.3)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.domain.customer import Customer, Figures
from app.domain.order import Order
from app.ui.detail_panel import APPROXIMATE_NOTE, DERIVED_NOTE, UNKNOWN_TIP, DetailPanel

LAST = datetime(2026, 12, 5, 18, 25, 20, tzinfo=UTC)


@pytest.fixture
def panel(qtbot: QtBot) -> DetailPanel:
    widget = DetailPanel()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _texts(panel: DetailPanel) -> list[str]:
    return [panel._stats[name].text() for name in ("orders", "spent", "average", "last")]


def _customer(figures: Figures, **fields: object) -> Customer:
    values: dict[str, object] = {
        "orders_count": 2,
        "total_spent": Decimal("45.00"),
        "last_order_date": LAST,
    }
    values.update(fields)
    return Customer(id=7, email="a@example.com", figures=figures, **values)  # type: ignore[arg-type]


def test_exact_figures_are_shown_plainly(panel: DetailPanel) -> None:
    panel.show_customer(_customer(Figures.EXACT, last_order_id=14))
    texts = _texts(panel)
    assert texts[0] == "2"
    assert not any("≈" in text for text in texts)
    assert panel._figures_note.isHidden()


def test_approximate_figures_say_so(panel: DetailPanel, tmp_path: Path) -> None:
    panel.show_customer(_customer(Figures.APPROXIMATE))
    orders, spent, average, last = _texts(panel)
    assert orders == "≈ 2"
    assert spent.startswith("≈ ")
    assert "45" in spent
    assert average.startswith("≈ ")
    assert "22.50" in average
    assert last.startswith("≈ ")
    note = panel._figures_note
    assert note.isVisible()
    assert note.text() == APPROXIMATE_NOTE
    assert "Analytics" in note.text()
    assert "unpaid" in note.text()
    assert panel._stats["spent"].toolTip() == APPROXIMATE_NOTE
    panel.resize(700, 500)
    assert panel.grab().save(str(tmp_path / "detail-panel-approximate.png"))  # for a person


def test_unknown_figures_are_a_dash_with_the_reason(panel: DetailPanel) -> None:
    panel.show_customer(
        _customer(Figures.UNKNOWN, orders_count=0, total_spent=Decimal("0"), last_order_date=None)
    )
    assert _texts(panel) == ["–"] * 4
    assert panel._stats["orders"].toolTip() == UNKNOWN_TIP
    assert panel._figures_note.isHidden()


def test_wc_v2_figures_without_a_last_order_leave_it_unknown(panel: DetailPanel) -> None:
    panel.show_customer(_customer(Figures.EXACT, last_order_date=None))
    assert _texts(panel)[0] == "2"
    assert _texts(panel)[3] == "–"
    assert "does not say" in panel._stats["last"].toolTip()


def test_loaded_orders_replace_approximate_figures_with_exact_ones(panel: DetailPanel) -> None:
    customer = _customer(Figures.APPROXIMATE)
    panel.show_customer(customer)
    orders = [
        Order(id=14, status="processing", total=Decimal("15.00"), created_at=LAST),
        Order(id=9, status="on-hold", total=Decimal("45.00"), created_at=LAST),
        Order(id=8, status="completed", total=Decimal("34.99"), created_at=LAST),
    ]
    panel.show_orders(customer.id, orders)
    orders_text, spent, _, last = _texts(panel)
    assert orders_text == "3"
    assert "49.99" in spent
    assert "≈" not in spent
    assert "≈" not in last
    assert panel._figures_note.text() == DERIVED_NOTE
    # Another customer's orders change nothing; the same customer shown again keeps them.
    panel.show_orders(99, [])
    assert _texts(panel)[0] == "3"
    panel.show_customer(customer)
    assert _texts(panel)[0] == "3"
    # A different customer starts from their own figures again.
    panel.show_customer(_customer(Figures.APPROXIMATE).with_changes(id=8))
    assert _texts(panel)[0] == "≈ 2"


def test_loaded_orders_do_not_override_the_stores_exact_figures(panel: DetailPanel) -> None:
    """Legacy under HPOS lists no orders while its figures are right (§17.5)."""
    customer = _customer(Figures.EXACT, last_order_id=14)
    panel.show_customer(customer)
    panel.show_orders(customer.id, [])
    assert _texts(panel)[0] == "2"
    assert panel._figures_note.isHidden()
