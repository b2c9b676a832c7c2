"""How the command line shows order figures: plain when exact, ``≈`` and the source when
approximate (WooCommerce Analytics), a dash when unknown; JSON and CSV stay plain."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from decimal import Decimal

from app.cli.commands import Console, customer_rows, print_customer
from app.domain.customer import Customer, Figures
from app.importer.exporting import customer_cells

LAST = datetime(2026, 12, 5, 18, 25, 20, tzinfo=UTC)


def _customer(figures: Figures, **fields: object) -> Customer:
    values: dict[str, object] = {"orders_count": 3, "total_spent": Decimal("45.00")}
    values.update(fields)
    return Customer(id=5, email="e@example.com", figures=figures, **values)  # type: ignore[arg-type]


def _shown(customer: Customer, as_json: bool = False) -> str:
    out = io.StringIO()
    print_customer(customer, Console(out, io.StringIO(), as_json))
    return out.getvalue()


def test_approximate_figures_name_their_source() -> None:
    text = _shown(_customer(Figures.APPROXIMATE, last_order_date=LAST))
    assert "≈ 3 (approximate: from WooCommerce Analytics" in text
    assert "≈ 45.00" in text
    assert "≈ 15.00" in text
    assert "≈ 2026-12-05" in text
    row = customer_rows([_customer(Figures.APPROXIMATE, last_order_date=LAST)])[0]
    assert row[6:] == ["≈ 3", "≈ 45.00", "≈ 2026-12-05"]


def test_exact_and_unknown_figures() -> None:
    exact = _shown(_customer(Figures.EXACT, last_order_date=LAST, last_order_id=9))
    assert "≈" not in exact
    assert "approximate" not in exact
    unknown = _customer(Figures.UNKNOWN, orders_count=0, total_spent=Decimal("0"))
    assert "not given by the store's REST API" in _shown(unknown)
    assert customer_rows([unknown])[0][6:] == ["–", "–", "–"]
    # wc/v2: counted orders, but no last order given.
    assert customer_rows([_customer(Figures.EXACT)])[0][6:] == ["3", "45.00", "–"]


def test_json_and_csv_stay_plain_numbers() -> None:
    customer = _customer(Figures.APPROXIMATE, last_order_date=LAST)
    data = json.loads(_shown(customer, as_json=True))
    assert (data["orders_count"], data["total_spent"]) == (3, "45.00")
    cells = customer_cells(customer)
    assert "3" in cells
    assert "45.00" in cells
    assert not any("≈" in cell for cell in cells)
