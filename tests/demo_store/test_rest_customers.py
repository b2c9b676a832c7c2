"""The ``wc/v3`` customer routes against the reference's examples and error tables (§3-§10)."""

from __future__ import annotations

import pytest

from app.demo_store import DemoStore
from tests.conftest import StoreFactory
from tests.support.rest import CUSTOMER_KEYS, anonymous, error, official

PER_PAGE_BOUNDS = "per_page must be between 1 (inclusive) and 100 (inclusive)"


@pytest.fixture
def store(start_store: StoreFactory) -> DemoStore:
    return start_store(customers=25, tie_seed=7)


def _customer_ids(store: DemoStore) -> list[int]:
    rows = store.db.connection().execute("SELECT id FROM users WHERE role = 'customer' ORDER BY id")
    return [row[0] for row in rows]


# -- the object and reads (§3, §5) ------------------------------------------------------------


def test_customer_object_key_order_and_shapes(store: DemoStore) -> None:
    customer = official(store).get("customers/2").json()
    assert list(customer) == CUSTOMER_KEYS
    assert list(customer["billing"]) == [
        "first_name",
        "last_name",
        "company",
        "address_1",
        "address_2",
        "city",
        "postcode",
        "country",
        "state",
        "email",
        "phone",
    ]
    assert list(customer["shipping"])[-1] == "phone"
    assert not customer["date_created_gmt"].endswith("Z")
    assert customer["avatar_url"].startswith("https://secure.gravatar.com/avatar/")
    assert customer["_links"]["self"][0]["targetHints"]["allow"] == [
        "GET",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
    ]


def test_read_errors(store: DemoStore) -> None:
    wc = official(store)
    invalid = (404, "woocommerce_rest_invalid_id", "Invalid resource ID.")
    assert error(wc.get("customers/999999")) == invalid
    assert error(wc.get("customers/0")) == invalid
    assert error(anonymous(store, "/wp-json/wc/v3/customers/999999")) == (
        401,
        "woocommerce_rest_cannot_view",
        "Sorry, you cannot view this resource.",
    )
    assert official(store).get("customers/1").json()["role"] == "administrator"


# -- the list (§4) ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "101", "500", "-1"])
def test_per_page_out_of_bounds(store: DemoStore, value: str) -> None:
    body = official(store).get("customers", params={"per_page": value}).json()
    assert body == {
        "code": "rest_invalid_param",
        "message": "Invalid parameter(s): per_page",
        "data": {
            "status": 400,
            "params": {"per_page": PER_PAGE_BOUNDS},
            "details": {
                "per_page": {"code": "rest_out_of_bounds", "message": PER_PAGE_BOUNDS, "data": None}
            },
        },
    }


@pytest.mark.parametrize(
    ("params", "name", "message"),
    [
        ({"per_page": "abc"}, "per_page", "per_page is not of type integer."),
        ({"page": "0"}, "page", "page must be greater than or equal to 1"),
        (
            {"orderby": "date_modified"},
            "orderby",
            "orderby is not one of id, include, name, and registered_date.",
        ),
        ({"order": "DESC"}, "order", "order is not one of asc and desc."),
        ({"email": "bad"}, "email", "Invalid email address."),
        ({"context": "embed"}, "context", "context is not one of view and edit."),
    ],
)
def test_list_validation_rows(
    store: DemoStore, params: dict[str, str], name: str, message: str
) -> None:
    answer = official(store).get("customers", params=params)
    assert answer.status_code == 400
    assert answer.json()["data"]["params"] == {name: message}


def test_role_defaults_to_customer_and_all_counts_the_admin(store: DemoStore) -> None:
    wc = official(store)
    customers = len(_customer_ids(store))
    assert wc.get("customers", params={"per_page": 1}).headers["X-WP-Total"] == str(customers)
    everyone = wc.get("customers", params={"per_page": 1, "role": "all"})
    assert everyone.headers["X-WP-Total"] == str(customers + 1)
    assert wc.get("customers", params={"email": "admin@example.com"}).json() == []
    admin = wc.get("customers", params={"email": "ADMIN@example.com", "role": "all"}).json()
    assert [row["id"] for row in admin] == [1]


def test_paging_headers_and_links(store: DemoStore) -> None:
    wc = official(store)
    total = len(_customer_ids(store))
    answer = wc.get("customers", params={"per_page": 10, "page": 2, "orderby": "id"})
    assert answer.headers["X-WP-Total"] == str(total)
    assert answer.headers["X-WP-TotalPages"] == str(-(-total // 10))
    link = answer.headers["Link"]
    prev = link.split(", ")[0]
    assert "page=1" in prev
    assert prev.endswith('rel="prev"')
    beyond = wc.get("customers", params={"per_page": 10, "page": 9, "orderby": "id"})
    assert beyond.json() == []
    assert beyond.headers["Link"].endswith('rel="prev"')
    assert f"page={-(-total // 10)}" in beyond.headers["Link"]
    empty = wc.get("customers", params={"email": "nobody@example.com"})
    assert (empty.headers["X-WP-Total"], empty.headers["X-WP-TotalPages"]) == ("0", "0")


def test_include_exclude_offset_and_search(store: DemoStore) -> None:
    wc = official(store)
    ids = _customer_ids(store)
    picked = wc.get("customers", params={"include": f"{ids[3]},{ids[0]}", "orderby": "include"})
    assert [row["id"] for row in picked.json()] == [ids[3], ids[0]]
    both = wc.get("customers", params={"include": f"{ids[0]}", "exclude": f"{ids[0]}"})
    assert [row["id"] for row in both.json()] == [ids[0]]  # include wins
    offset = wc.get("customers", params={"orderby": "id", "offset": "-2", "per_page": 1})
    assert [row["id"] for row in offset.json()] == [ids[2]]  # absint(-2) = 2
    login = store.db.connection().execute("SELECT login FROM users WHERE id = ?", (ids[5],))
    term = login.fetchone()[0][1:-1].upper()
    found = wc.get("customers", params={"search": term, "per_page": 100}).json()
    assert ids[5] in [row["id"] for row in found]


def test_walks_lose_customers_on_ties_but_not_by_id(store: DemoStore) -> None:
    """A bursty store: every customer registered in the same second, under one name."""
    with store.db.write() as conn:
        conn.execute(
            "UPDATE users SET registered = 1700000000, display_name = 'Same'"
            " WHERE role = 'customer'"
        )
    wc = official(store)
    ids = _customer_ids(store)

    def walk(orderby: str) -> list[int]:
        seen: list[int] = []
        for page in range(1, 100):
            rows = wc.get(
                "customers", params={"orderby": orderby, "per_page": 4, "page": page}
            ).json()
            if not rows:
                return seen
            seen += [row["id"] for row in rows]
        return seen

    by_id = walk("id")
    assert by_id == ids
    for orderby in ("registered_date", "name"):
        tied = walk(orderby)
        assert len(tied) == len(ids)
        assert set(tied) != set(ids), f"a walk by {orderby} returned every customer once"


# -- create (§6) ------------------------------------------------------------------------------


def test_create_answers_201_with_location_and_sends_the_new_account_email(
    store: DemoStore,
) -> None:
    answer = official(store).post(
        "customers", {"email": "jane.doe@example.org", "first_name": "  <b>Jane</b>  x\n"}
    )
    assert answer.status_code == 201
    customer = answer.json()
    assert answer.headers["Location"] == (
        f"{store.base_url}/wp-json/wc/v3/customers/{customer['id']}"
    )
    assert customer["username"] == "jane.doe"
    assert customer["first_name"] == "Jane x"
    assert customer["date_modified_gmt"] is not None
    sent = store.db.connection().execute("SELECT user_id, recipient FROM sent_emails").fetchall()
    assert [tuple(row) for row in sent] == [(customer["id"], "jane.doe@example.org")]
    again = official(store).post("customers", {"email": "jane.doe@example.com"}).json()
    assert again["username"].startswith("jane.doe-")
    assert (
        official(store).post("customers", {"email": "sales@shop.example.org"}).json()["username"]
        == "shop.example.org"
    )


def test_create_errors(store: DemoStore) -> None:
    wc = official(store)
    existing = wc.get("customers/2").json()["email"]
    assert wc.post("customers", {}).json() == {
        "code": "rest_missing_callback_param",
        "message": "Missing parameter(s): email",
        "data": {"status": 400, "params": ["email"]},
    }
    assert error(wc.post("customers", {"email": None}))[1] == "rest_missing_callback_param"
    typed = wc.post("customers", {"email": 5}).json()
    assert typed["data"]["params"] == {"email": "email is not of type string."}
    assert error(wc.post("customers", {"email": "not-an-email"})) == (
        400,
        "customer_invalid_email",
        "Invalid email address",
    )
    assert error(wc.post("customers", {"email": ""})) == (
        400,
        "registration-error-invalid-email",
        "Please provide a valid email address.",
    )
    shouted = existing.upper()
    assert error(wc.post("customers", {"email": shouted})) == (
        400,
        "registration-error-email-exists",
        f"An account is already registered with {shouted}."
        " Please log in or use a different email address.",
    )
    assert error(wc.post("customers", {"email": "new1@example.org", "username": "admin"}))[1] == (
        "registration-error-username-exists"
    )
    assert error(wc.post("customers", {"email": "new2@example.org", "username": "!!!"}))[1] == (
        "registration-error-invalid-username"
    )
    assert error(wc.post("customers", {"email": "new3@example.org", "username": "u" * 61})) == (
        400,
        "user_login_too_long",
        "Username may not be longer than 60 characters.",
    )
    assert error(wc.post("customers", {"email": "new4@example.org", "id": 5})) == (
        400,
        "woocommerce_rest_customer_exists",
        "Cannot create existing resource.",
    )
    bad_billing = wc.post("customers", {"email": "new5@example.org", "billing": {"email": ""}})
    assert bad_billing.json()["data"]["params"] == {"billing": "Invalid email address."}
    postcode = wc.post("customers", {"email": "new6@example.org", "billing": {"postcode": 12345}})
    assert postcode.json()["data"]["params"] == {
        "billing": "billing[postcode] is not of type string."
    }
    assert (
        error(official(store, store.keys["read"]).post("customers", {"email": "x@y.org"}))[2]
        == "The API key provided does not have write permissions."
    )
    assert error(
        anonymous(store, "/wp-json/wc/v3/customers", "POST", json={"email": "a@b.org"})
    ) == (
        401,
        "woocommerce_rest_cannot_create",
        "Sorry, you are not allowed to create resources.",
    )


# -- update (§7) ------------------------------------------------------------------------------


def test_update_is_partial_and_bumps_the_modified_date(store: DemoStore) -> None:
    wc = official(store)
    with store.db.write() as conn:
        conn.execute("UPDATE users SET last_update = 1600000000 WHERE id = 2")
    before = wc.get("customers/2").json()
    after = wc.put("customers/2", {"billing": {"city": "Springfield"}}).json()
    assert after["billing"]["city"] == "Springfield"
    assert after["billing"]["phone"] == before["billing"]["phone"]
    assert after["first_name"] == before["first_name"]
    assert after["date_modified_gmt"] != before["date_modified_gmt"]


def test_update_errors(store: DemoStore) -> None:
    wc = official(store)
    own = wc.get("customers/2").json()
    other = wc.get("customers/3").json()
    assert error(wc.put("customers/999999", {"first_name": "X"})) == (
        400,
        "woocommerce_rest_invalid_id",
        "Invalid resource ID.",
    )
    assert wc.put("customers/2", {"email": "bad"}).json()["data"]["params"] == {
        "email": "Invalid email address."
    }
    assert error(wc.put("customers/2", {"email": other["email"]})) == (
        400,
        "woocommerce_rest_customer_invalid_email",
        "Email address is invalid.",
    )
    recased = own["email"][0].swapcase() + own["email"][1:]
    assert error(wc.put("customers/2", {"email": recased}))[1] == (
        "woocommerce_rest_customer_invalid_email"
    )
    assert wc.put("customers/2", {"email": own["email"]}).status_code == 200
    assert error(wc.put("customers/2", {"username": "someone-else"})) == (
        400,
        "woocommerce_rest_customer_invalid_argument",
        "Username isn't editable.",
    )
    assert wc.put("customers/2", {"username": own["username"]}).status_code == 200
    # An id in the body overrides the one in the URL.
    moved = wc.put("customers/2", {"id": 3, "last_name": "Moved"}).json()
    assert (moved["id"], moved["last_name"]) == (3, "Moved")


# -- delete (§8) ------------------------------------------------------------------------------


def test_delete_needs_force_and_answers_the_snapshot(store: DemoStore) -> None:
    wc = official(store)
    trash = (501, "woocommerce_rest_trash_not_supported", "Customers do not support trashing.")
    assert error(wc.delete("customers/2")) == trash
    assert error(wc.delete("customers/999999", params={"force": "false"})) == trash
    assert error(wc.delete("customers/999999", params={"force": "true"})) == (
        400,
        "woocommerce_rest_invalid_id",
        "Invalid resource id.",
    )
    assert wc.delete("customers/2", params={"force": "yes"}).json()["data"]["params"] == {
        "force": "force is not of type boolean."
    }
    assert error(wc.delete("customers/2", params={"force": "TRUE", "reassign": 2}))[1] == (
        "woocommerce_rest_customer_invalid_reassign"
    )
    snapshot = wc.delete("customers/2", params={"force": "TRUE"})
    assert snapshot.status_code == 200
    assert snapshot.json()["id"] == 2
    assert wc.get("customers/2").status_code == 404


# -- batch (§9) -------------------------------------------------------------------------------


def test_batch_limit_runs_nothing(store: DemoStore) -> None:
    wc = official(store)
    ids = _customer_ids(store)
    answer = wc.post(
        "customers/batch",
        {"create": [{"email": f"b{n}@example.org"} for n in range(50)], "delete": ids[:1] * 51},
    )
    assert error(answer) == (
        413,
        "woocommerce_rest_request_entity_too_large",
        "Unable to accept more than 100 items for this request.",
    )
    assert wc.get("customers", params={"per_page": 1}).headers["X-WP-Total"] == str(len(ids))


def test_batch_is_destructive_as_on_a_real_store(store: DemoStore) -> None:
    wc = official(store)
    ids = _customer_ids(store)
    victim = ids[9]
    alice = wc.get(f"customers/{ids[1]}").json()["email"]
    answer = wc.post(
        "customers/batch",
        {
            "create": [
                {"email": "one@example.org", "first_name": 12345, "billing": {"email": ""}},
                {"email": alice},
                {"first_name": "no email"},
                {"email": "two@example.org", "billing": {"email": "bad-billing"}},
            ],
            "update": [{"id": ids[0], "email": "not-an-email"}, {"first_name": "no id"}, {"id": 0}],
            "delete": [f"{victim}abc", 0, "abc", 999999],
        },
    )
    assert answer.status_code == 200
    body = answer.json()
    created, taken, missing, billing = body["create"]
    assert created["first_name"] == "12345"
    assert taken == {
        "id": 0,
        "error": {
            "code": "registration-error-email-exists",
            "message": f"An account is already registered with {alice}."
            " Please log in or use a different email address.",
            "data": {"status": 400},
        },
    }
    assert missing["error"]["code"] == "registration-error-invalid-email"
    assert billing["error"]["code"] == "customer_invalid_billing_email"
    blanked, no_id, zero = body["update"]
    assert blanked["email"] == ""
    assert wc.get(f"customers/{ids[0]}").json()["email"] == ""
    assert no_id["id"] is None
    assert no_id["error"]["code"] == "woocommerce_rest_invalid_id"
    assert zero["id"] == 0
    deleted, unknown = body["delete"]
    assert deleted["id"] == victim  # "<id>abc" is cast to <id>
    assert unknown == {
        "id": 999999,
        "error": {
            "code": "woocommerce_rest_invalid_id",
            "message": "Invalid resource id.",
            "data": {"status": 400},
        },
    }
    assert wc.get(f"customers/{victim}").status_code == 404


def test_batch_empty_fields_and_anonymous(store: DemoStore) -> None:
    wc = official(store)
    assert wc.post("customers/batch", {}).json() == []
    trimmed = wc.post(
        "customers/batch", {"create": [{"email": "f@example.org"}]}, params={"_fields": "id"}
    )
    assert trimmed.json() == []
    assert wc.get("customers", params={"email": "f@example.org"}).json()  # it was created
    assert error(anonymous(store, "/wp-json/wc/v3/customers/batch", "POST", json={})) == (
        401,
        "woocommerce_rest_cannot_batch",
        "Sorry, you are not allowed to batch manipulate this resource.",
    )


# -- downloads (§10) --------------------------------------------------------------------------


def test_downloads(store: DemoStore) -> None:
    wc = official(store)
    assert error(wc.get("customers/999999/downloads")) == (
        404,
        "woocommerce_rest_customer_invalid",
        "Resource does not exist.",
    )
    assert error(anonymous(store, "/wp-json/wc/v3/customers/999999/downloads"))[0] == 404
    assert error(anonymous(store, "/wp-json/wc/v3/customers/2/downloads")) == (
        401,
        "woocommerce_rest_cannot_view",
        "Sorry, you cannot list resources.",
    )
    row = (
        store.db.connection()
        .execute(
            "SELECT p.user_id FROM download_permissions p JOIN orders o ON o.id = p.order_id"
            " WHERE p.user_id > 0 AND o.status IN ('processing', 'completed')"
            " AND p.downloads_remaining = '' AND p.access_expires IS NULL LIMIT 1"
        )
        .fetchone()
    )
    if row is None:
        pytest.skip("the seed has no unlimited download")
    downloads = wc.get(f"customers/{row[0]}/downloads").json()
    assert downloads
    assert list(downloads[0])[:2] == ["download_id", "download_url"]
    assert "unlimited" in {item["downloads_remaining"] for item in downloads}
    assert "never" in {item["access_expires"] for item in downloads}
    assert "X-WP-Total" not in wc.get(f"customers/{row[0]}/downloads").headers


def test_meta_data_and_shipping_phone(store: DemoStore) -> None:
    wc = official(store)
    created = wc.post(
        "customers",
        {
            "email": "meta@example.org",
            "shipping": {"phone": "+49 30 1234"},
            "meta_data": [{"key": "k", "value": {"a": [1, 2]}}],
        },
    ).json()
    assert created["shipping"]["phone"] == "+49 30 1234"
    meta = {entry["key"]: entry["value"] for entry in created["meta_data"]}
    assert meta == {"k": {"a": [1, 2]}, "default_password_nag": "1"}
    updated = wc.put(
        f"customers/{created['id']}", {"meta_data": [{"key": "k", "value": None}]}
    ).json()
    assert [entry["key"] for entry in updated["meta_data"]] == ["default_password_nag"]
    with_password = wc.post("customers", {"email": "pw@example.org", "password": "x-Y-z-123"})
    assert with_password.json()["meta_data"] == []
    # Read keys see the same customer; meta_data is there for administrator keys only.
    assert "meta_data" in official(store, store.keys["read"]).get("customers/2").json()


def test_a_reused_id_does_not_inherit_meta(store: DemoStore) -> None:
    wc = official(store)
    first = wc.post("customers", {"email": "first@example.org", "shipping": {"phone": "1"}}).json()
    # The legacy API deletes users without knowing the modern API's meta table.
    with store.db.write() as conn:
        conn.execute("DELETE FROM users WHERE id = ?", (first["id"],))
    second = wc.post("customers", {"email": "second@example.org", "password": "pw-123-XyZ"})
    assert second.json()["id"] == first["id"]
    assert second.json()["shipping"]["phone"] == ""
    assert second.json()["meta_data"] == []


def test_create_without_password_when_the_store_generates_none(start_store: StoreFactory) -> None:
    store = start_store(customers=0, generate_password=False)
    wc = official(store)
    assert error(wc.post("customers", {"email": "nopw@example.org"})) == (
        400,
        "registration-error-missing-password",
        "Please enter an account password.",
    )
    assert (
        wc.post("customers", {"email": "pw@example.org", "password": "pw-XyZ-123"}).status_code
        == 201
    )
