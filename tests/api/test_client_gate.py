"""The client's last line of defence: its write methods never send what the write gate refuses.

A transport that records every request (and answers like a store, echoing what it was sent)
shows that a destructive body is refused with a ValidationError naming the field before any
request leaves, whichever write method it goes through, while a fine body is sent as given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from app.api.client import WooClient
from app.api.connection import StoreConnection
from app.api.transport import ApiResponse, Transport
from app.errors import ValidationError

LONG_LOCAL = "b" * 61 + "@example.com"


class RecordingTransport(Transport):
    """Records every request and answers as a store would, without any network."""

    def __init__(self, connection: StoreConnection) -> None:
        super().__init__(connection)
        self.sent: list[tuple[str, str, Any]] = []
        self._next_id = 100

    def request(
        self,
        method: str,
        route: str,
        params: Sequence[tuple[str, str]] = (),
        **options: Any,
    ) -> ApiResponse:
        body: Any = options["json_body"]  # every write sends one
        self.sent.append((method, route, body))
        if route == "/customers/bulk":
            return ApiResponse(200, {}, {"customers": [self._saved(i) for i in body["customers"]]})
        return ApiResponse(200, {}, {"customer": self._saved(body["customer"])})

    def _saved(self, item: Mapping[str, Any]) -> dict[str, Any]:
        if not item.get("id"):
            self._next_id += 1
        return {
            "id": item.get("id") or self._next_id,
            **{k: v for k, v in item.items() if k != "id"},
        }


@pytest.fixture
def transport() -> RecordingTransport:
    return RecordingTransport(StoreConnection("https://shop.example.com", "ck_test", "cs_test"))


@pytest.fixture
def client(transport: RecordingTransport) -> WooClient:
    return WooClient(transport.connection, transport)


DESTRUCTIVE_UPDATES = {
    "empty-email": ({"email": ""}, "email"),
    "blank-email": ({"email": "   ", "first_name": "Ada"}, "email"),
    "false-email": ({"email": False}, "email"),
    "list-name": ({"first_name": ["a", "b"]}, "first_name"),
    "object-city": ({"billing_address": {"city": {"name": "Paris"}}}, "billing_address.city"),
    "address-text": ({"shipping_address": "1 Rue de Rivoli"}, "shipping_address"),
    "untrimmed-email": ({"email": " ada@example.com"}, "email"),
    "long-email": ({"email": "a" * 89 + "@example.com"}, "email"),
}
DESTRUCTIVE_CREATES = {
    "list-name": ({"email": "ada@example.com", "last_name": ["a"]}, "last_name"),
    "untrimmed-email": ({"email": "ada@example.com "}, "email"),
    "long-email": ({"email": "a" * 89 + "@example.com", "username": "ada"}, "email"),
    "long-username": ({"email": "ada@example.com", "username": "u" * 61}, "username"),
    "long-made-username": ({"email": LONG_LOCAL}, "username"),
    "no-email": ({"first_name": "Ada"}, "email"),
}


@pytest.mark.parametrize(
    ("changes", "field"), DESTRUCTIVE_UPDATES.values(), ids=DESTRUCTIVE_UPDATES.keys()
)
def test_a_destructive_update_is_refused_before_any_request(
    client: WooClient, transport: RecordingTransport, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        client.update_customer(7, changes)
    assert caught.value.field == field
    assert caught.value.status is None  # no store answered
    assert transport.sent == []


@pytest.mark.parametrize(
    ("payload", "field"), DESTRUCTIVE_CREATES.values(), ids=DESTRUCTIVE_CREATES.keys()
)
def test_a_destructive_create_is_refused_before_any_request(
    client: WooClient, transport: RecordingTransport, payload: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        client.create_customer(payload)
    assert caught.value.field == field
    assert transport.sent == []


def test_the_message_names_the_field_and_says_what_to_do(client: WooClient) -> None:
    with pytest.raises(ValidationError) as emptied:
        client.update_customer(7, {"email": ""})
    assert emptied.value.message == "Email: A customer's email cannot be removed."
    with pytest.raises(ValidationError) as made:
        client.create_customer({"email": LONG_LOCAL})
    assert made.value.message == (
        "Username: Give a username: from this email address the store would make one of 61 "
        "characters, and it allows at most 60."
    )


def test_fine_writes_go_out_as_given(client: WooClient, transport: RecordingTransport) -> None:
    created = client.create_customer({"email": LONG_LOCAL, "username": "bee"})
    updated = client.update_customer(7, {"email": None, "first_name": "Ada", "username": "u" * 61})
    assert [(method, route) for method, route, _ in transport.sent] == [
        ("POST", "/customers"),
        ("PUT", "/customers/7"),
    ]
    assert transport.sent[0][2] == {"customer": {"email": LONG_LOCAL, "username": "bee"}}
    assert created.customer.username == "bee"
    assert updated.customer.first_name == "Ada"


def test_bulk_refuses_only_the_destructive_items_and_sends_the_rest(
    client: WooClient, transport: RecordingTransport
) -> None:
    items: list[dict[str, Any]] = [
        {"email": "new@example.com", "first_name": "New"},
        {"id": 3, "email": ""},  # would erase customer 3's email
        {"email": "list@example.com", "first_name": ["a", "b"]},
        {"id": 4, "last_name": "Kept"},
        {"email": LONG_LOCAL},  # the store would make a 61-character username
        {"id": 5, "billing_address": {"email": " b@example.com"}},
    ]
    outcomes = client.bulk_save(items, chunk_size=3)
    assert [o.index for o in outcomes] == list(range(6))
    refused = {o.index: o.error for o in outcomes if o.error is not None}
    assert all(isinstance(error, ValidationError) for error in refused.values())
    assert {i: getattr(e, "field", None) for i, e in refused.items()} == {
        1: "email",
        2: "first_name",
        4: "username",
        5: "billing_address.email",
    }
    assert [o.created for o in outcomes] == [True, False, True, False, True, False]
    # Only the sendable items went out, one request per chunk that had any.
    assert [body for _, _, body in transport.sent] == [
        {"customers": [items[0]]},
        {"customers": [items[3]]},
    ]
    assert [o.customer.id for o in outcomes if o.customer is not None] == [101, 4]


def test_a_bulk_chunk_with_nothing_sendable_sends_nothing(
    client: WooClient, transport: RecordingTransport
) -> None:
    chunks: list[list[int]] = []
    outcomes = client.bulk_save(
        [{"id": 1, "email": ""}, {"id": 2, "first_name": {"a": 1}}],
        on_chunk=lambda chunk: chunks.append([o.index for o in chunk]),
    )
    assert [o.ok for o in outcomes] == [False, False]
    assert chunks == [[0, 1]]
    assert transport.sent == []
