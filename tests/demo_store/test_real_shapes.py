"""Section 19.4 (the shapes outside lists) and HEAD: how real stores' answers look.

``fields=`` that names nothing gives PHP's empty array, which JSON writes as ``[]``; the
downloads list is trimmed as a whole (its "fields" are the indexes), so any field name empties
it; HEAD answers carry the headers of GET and no body, errors included.
"""

from __future__ import annotations

import pytest

from tests.support.shop import Shop


def test_fields_naming_nothing_gives_an_empty_array(https_shop: Shop) -> None:
    """``GET /customers/<id>?fields=bogus`` -> ``{"customer":[]}``, and the list holds one
    ``[]`` per customer."""
    one = https_shop.client.get(f"/customers/{https_shop.c1}", [("fields", "bogus")])
    assert one.status_code == 200, one.text
    assert one.content == b'{"customer":[]}'
    listed = https_shop.client.get("/customers", [("fields", "bogus")])
    assert listed.content == b'{"customers":[[],[]]}'


def test_dotted_field_naming_no_child_empties_the_parent(https_shop: Shop) -> None:
    """``fields=billing_address.bogus`` keeps ``billing_address`` as an empty array."""
    answer = https_shop.client.get(f"/customers/{https_shop.c1}", [("fields", "billing_address.x")])
    assert answer.content == b'{"customer":{"billing_address":[]}}'


@pytest.mark.parametrize("fields", ["download_id", "id,download_name"])
def test_downloads_with_fields_are_empty(https_shop: Shop, fields: str) -> None:
    """``/customers/<id>/downloads?fields=download_id`` -> ``{"downloads":[]}``."""
    store = https_shop.store
    with store.db.write() as conn:
        conn.execute(
            "INSERT INTO products (id, name, price_cents, downloadable, download_id, file_name,"
            " file_url) VALUES (7001, 'Book', 100, 1, 'd-1', 'Book', '/book.pdf')"
        )
        conn.execute(
            "INSERT INTO orders (id, order_key, customer_id, status, currency, created_at,"
            " updated_at, subtotal_cents, total_cents, payment_method_id, payment_method_title,"
            " paid) VALUES (7101, 'wc_order_x', ?, 'completed', 'USD', 1, 1, 100, 100, 'bacs',"
            " 'Bank', 1)",
            (https_shop.c1,),
        )
        conn.execute(
            "INSERT INTO download_permissions (download_id, product_id, order_id, order_key,"
            " user_id, user_email) VALUES ('d-1', 7001, 7101, 'wc_order_x', ?, 'a@b.co')",
            (https_shop.c1,),
        )
    route = f"/customers/{https_shop.c1}/downloads"
    assert len(https_shop.client.get(route).json()["downloads"]) == 1
    assert https_shop.client.get(route, [("fields", fields)]).content == b'{"downloads":[]}'


@pytest.mark.parametrize(
    ("route", "status"), [("/customers/{c1}", 200), ("/customers/999999", 404)]
)
def test_head_answers_have_no_body(https_shop: Shop, route: str, status: int) -> None:
    """HEAD runs like GET (same status and Content-Type) and sends no body."""
    answer = https_shop.client.request("HEAD", route.format(c1=https_shop.c1))
    assert answer.status_code == status
    assert answer.headers["Content-Type"] == "application/json; charset=UTF-8"
    assert answer.content == b""


def test_head_of_a_list_keeps_the_paging_headers(https_shop: Shop) -> None:
    answer = https_shop.client.request("HEAD", "/customers")
    assert answer.status_code == 200
    assert (answer.headers["X-WC-Total"], answer.headers["X-WC-TotalPages"]) == ("2", "1")
    assert answer.content == b""
