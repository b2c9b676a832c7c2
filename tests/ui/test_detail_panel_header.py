"""The detail panel's header says what the account is: a customer, or a member of staff."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot

from app.domain.customer import Customer
from app.ui.detail_panel import DetailPanel

REGISTERED = datetime(2024, 3, 9, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("role", "since"),
    [
        ("customer", "Customer since 2024-03-09"),
        (None, "Customer since 2024-03-09"),
        ("administrator", "Administrator since 2024-03-09"),
        ("shop_manager", "Shop manager since 2024-03-09"),
        ("subscriber", "Subscriber since 2024-03-09"),
    ],
)
def test_an_administrator_is_not_described_as_a_customer(
    qtbot: QtBot, role: str | None, since: str
) -> None:
    panel = DetailPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.show_customer(Customer(id=1, email="a@example.com", role=role, created_at=REGISTERED))
    assert panel._registered.text() == since
