"""Section 19.3: writes that destroy or mangle data, as real stores do them.

Each test is one observed behaviour a client must survive: an update with an empty email erases
the email; lists and objects are stored PHP-serialized; emails with spaces, over-long usernames
and over-long emails are refused with the store's odd messages; names lose ``<script>`` with its
content while address fields keep tags, line breaks and tabs; a customer made through the API
keeps the username as its display name. The request bodies that are not JSON objects follow the
recorded answers of the "create" and "update" groups.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import requests

from app.demo_store.schema import SCHEMA, Database
from tests.support.shop import Shop

REGISTRATION_FAILED = (
    "Couldn&#8217;t register you&hellip; please contact us if you continue to have problems."
)


def error_of(answer: requests.Response, status: int) -> dict[str, str]:
    """The one error of an error answer with this status."""
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"errors"}, body
    assert len(body["errors"]) == 1, body
    error: dict[str, str] = body["errors"][0]
    return error


def create(shop: Shop, **fields: Any) -> requests.Response:
    return shop.client.post("/customers", {"customer": {"password": "p4ss", **fields}})


def created(shop: Shop, **fields: Any) -> dict[str, Any]:
    answer = create(shop, **fields)
    assert answer.status_code == 201, answer.text
    customer: dict[str, Any] = answer.json()["customer"]
    return customer


# -- the email ----------------------------------------------------------------------------------


def test_empty_email_in_an_update_erases_the_email(https_shop: Shop) -> None:
    """``PUT {"email":""}`` -> 200 with ``"email":""`` and a Gravatar URL without hash; the old
    address finds nobody any more."""
    answer = https_shop.client.put(f"/customers/{https_shop.c1}", {"customer": {"email": ""}})
    assert answer.status_code == 200, answer.text
    customer = answer.json()["customer"]
    assert customer["email"] == ""
    assert customer["avatar_url"] == "https://secure.gravatar.com/avatar/?s=96&d=mm&r=g"
    assert https_shop.client.get("/customers/email/john.doe@example.com").status_code == 404
    assert https_shop.client.get(f"/customers/{https_shop.c1}").json()["customer"]["email"] == ""


def test_two_customers_can_lose_their_email(https_shop: Shop) -> None:
    """Erased emails are all "": the store keeps no uniqueness that would stop the second."""
    for customer_id in (https_shop.c1, https_shop.c2):
        answer = https_shop.client.put(f"/customers/{customer_id}", {"customer": {"email": "0"}})
        assert answer.status_code == 200, answer.text
        assert answer.json()["customer"]["email"] == ""


def test_erased_email_over_http_has_a_gravatar_url_without_hash(http_shop: Shop) -> None:
    """Over HTTP the Gravatar server is one of 0-2 and there is still no hash."""
    answer = http_shop.client.put(f"/customers/{http_shop.c1}", {"customer": {"email": ""}})
    assert answer.status_code == 200, answer.text
    avatar = answer.json()["customer"]["avatar_url"]
    assert avatar in {f"http://{n}.gravatar.com/avatar/?s=96&d=mm&r=g" for n in range(3)}


def test_null_email_in_an_update_changes_nothing(https_shop: Shop) -> None:
    """``"email": null`` is not set: the email stays (the other fields apply)."""
    body = {"customer": {"email": None, "first_name": "NullMail"}}
    answer = https_shop.client.put(f"/customers/{https_shop.c1}", body)
    assert answer.status_code == 200, answer.text
    customer = answer.json()["customer"]
    assert (customer["email"], customer["first_name"]) == ("john.doe@example.com", "NullMail")


@pytest.mark.parametrize(
    "email", ["  space@example.com  ", " space@example.com", "space@example.com "]
)
def test_email_with_surrounding_spaces_is_refused(https_shop: Shop, email: str) -> None:
    """400 customer_invalid_email "Invalid email address", on create and on update."""
    error = error_of(create(https_shop, email=email), 400)
    assert error == {"code": "customer_invalid_email", "message": "Invalid email address"}
    update = https_shop.client.put(f"/customers/{https_shop.c1}", {"customer": {"email": email}})
    assert error_of(update, 400) == error


def test_billing_email_with_spaces_is_refused(https_shop: Shop) -> None:
    """The billing email is not trimmed either: 400 customer_invalid_billing_email."""
    body = {"customer": {"billing_address": {"email": " bill@example.com"}}}
    answer = https_shop.client.put(f"/customers/{https_shop.c1}", body)
    assert error_of(answer, 400) == {
        "code": "customer_invalid_billing_email",
        "message": "Invalid billing email address",
    }


def test_email_over_100_characters_cannot_be_created(https_shop: Shop) -> None:
    """A valid email over 100 characters: 400 woocommerce_api_user_cannot_create_customer
    "This resource cannot be created." (MySQL refuses the row, WordPress does not check)."""
    email = "longmail@" + "d" * 60 + "." + "e" * 40 + ".example"
    assert len(email) > 100
    assert error_of(create(https_shop, email=email), 400) == {
        "code": "woocommerce_api_user_cannot_create_customer",
        "message": "This resource cannot be created.",
    }
    assert https_shop.client.get(f"/customers/email/{email}").status_code == 404


def test_email_of_exactly_100_characters_is_fine(https_shop: Shop) -> None:
    email = "m@" + "d" * 90 + ".example"
    assert len(email) == 100
    assert created(https_shop, email=email)["email"] == email


# -- usernames ----------------------------------------------------------------------------------


def test_username_over_60_characters_is_a_registration_error(https_shop: Shop) -> None:
    """An explicit username over 60 characters: 400 registration-error with WordPress' HTML
    entities in the message."""
    answer = create(https_shop, email="longname@example.com", username="u" * 61)
    assert error_of(answer, 400) == {"code": "registration-error", "message": REGISTRATION_FAILED}
    assert created(https_shop, email="sixty@example.com", username="u" * 60)["username"] == "u" * 60


def test_username_derived_from_a_long_local_part_is_a_registration_error(
    https_shop: Shop,
) -> None:
    """A 64-character local part makes a username over 60: the same registration-error."""
    answer = create(https_shop, email="u" * 63 + "x@example.com")
    assert error_of(answer, 400) == {"code": "registration-error", "message": REGISTRATION_FAILED}


def test_local_part_without_username_characters_is_a_registration_error(
    https_shop: Shop,
) -> None:
    """``+++@example.com`` is an email, but leaves no username: WordPress refuses the empty
    login, which the store words as the registration-error."""
    answer = create(https_shop, email="+++@example.com")
    assert error_of(answer, 400)["code"] == "registration-error"


# -- names and addresses ------------------------------------------------------------------------


def test_names_lose_script_with_its_content(https_shop: Shop) -> None:
    """``<script>`` goes with its content, other tags lose their markup, a lone ``<`` becomes
    ``&lt;``, runs of white space collapse."""
    customer = created(
        https_shop,
        email="html@example.com",
        first_name="<b>Bold</b> <script>alert(1)</script>Ann",
        last_name="O'Brien & Sons <3\n\tjr",
    )
    assert customer["first_name"] == "Bold Ann"
    assert customer["last_name"] == "O'Brien & Sons &lt;3 jr"


def test_address_fields_are_stored_raw(https_shop: Shop) -> None:
    """Address fields keep tags, line breaks, tabs and spaces (section 19.3)."""
    billing = {"company": "<a href='x'>Co</a>", "city": "Line1\nLine2\t  x", "state": " ZZ "}
    customer = created(https_shop, email="raw@example.com", billing_address=billing)
    assert customer["billing_address"]["company"] == "<a href='x'>Co</a>"
    assert customer["billing_address"]["city"] == "Line1\nLine2\t  x"
    assert customer["billing_address"]["state"] == " ZZ "


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        (["a", "b"], 'a:2:{i:0;s:1:"a";i:1;s:1:"b";}'),
        ({"x": 1}, 'a:1:{s:1:"x";s:1:"1";}'),
        ([], "a:0:{}"),
        (["Zoë"], 'a:1:{i:0;s:4:"Zoë";}'),
    ],
)
def test_lists_and_objects_as_names_are_stored_serialized(
    https_shop: Shop, value: object, stored: str
) -> None:
    """The PHP serialisation of the (cleaned) array, lengths in bytes: on create (201), on
    update (200) and in bulk (201)."""
    assert created(https_shop, email="list1@example.com", first_name=value)["first_name"] == stored
    update = https_shop.client.put(
        f"/customers/{https_shop.c1}", {"customer": {"last_name": value}}
    )
    assert update.status_code == 200, update.text
    assert update.json()["customer"]["last_name"] == stored
    bulk = https_shop.client.post(
        "/customers/bulk",
        {"customers": [{"email": "list2@example.com", "password": "p", "first_name": value}]},
    )
    assert bulk.status_code == 201, bulk.text
    assert bulk.json()["customers"][0]["first_name"] == stored


def test_numbers_and_booleans_become_text(https_shop: Shop) -> None:
    """``123`` -> "123", ``true`` -> "1", ``5.5`` -> "5.5", ``false`` -> "" (PHP's casts)."""
    customer = created(
        https_shop,
        email="numbers@example.com",
        first_name=123,
        last_name=True,
        billing_address={"postcode": 12345, "phone": 5.5, "city": False},
    )
    assert (customer["first_name"], customer["last_name"]) == ("123", "1")
    billing = customer["billing_address"]
    assert (billing["postcode"], billing["phone"], billing["city"]) == ("12345", "5.5", "")


# -- display name ---------------------------------------------------------------------------------


def test_api_customers_keep_the_username_as_display_name(https_shop: Shop) -> None:
    """The display name stays the username, so a search for first and last name finds
    nobody, and ordering by display name is ordering by username."""
    found = https_shop.client.get("/customers", [("filter[q]", "John Doe")])
    assert found.status_code == 200, found.text
    assert found.json() == {"customers": []}
    by_name = https_shop.client.get("/customers", [("filter[q]", "john.doe")])
    assert [c["id"] for c in by_name.json()["customers"]] == [https_shop.c1]
    with https_shop.store.db.write() as conn:
        rows = conn.execute(
            "SELECT display_name, login FROM users WHERE id IN (?, ?)",
            (https_shop.c1, https_shop.c2),
        ).fetchall()
    assert all(row["display_name"] == row["login"] for row in rows)
    https_shop.client.put(f"/customers/{https_shop.c2}", {"customer": {"first_name": "Aaron"}})
    ordered = https_shop.client.get(
        "/customers", [("filter[orderby]", "display_name"), ("filter[order]", "ASC")]
    )
    usernames = [c["username"] for c in ordered.json()["customers"]]
    assert usernames == sorted(usernames, key=str.lower)


# -- bodies that are not a customer ---------------------------------------------------------------

MISSING_DATA = {
    "code": "woocommerce_api_missing_callback_param",
    "message": "Missing parameter data",
}
NO_CUSTOMER = {
    "code": "woocommerce_api_missing_customer_data",
    "message": "No customer data specified to create customer",
}
NO_EMAIL = {"code": "woocommerce_api_missing_customer_email", "message": "Missing parameter email"}


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"", MISSING_DATA),
        (b"null", MISSING_DATA),
        (b"customer%5Bemail%5D=form%40example.com", MISSING_DATA),
        (b"[1,2]", NO_CUSTOMER),
        (b'"customer"', NO_CUSTOMER),
        (b"{}", NO_CUSTOMER),
        (b'{"customer": null}', NO_CUSTOMER),
        (b'{"customer": "x"}', NO_EMAIL),
        (b'{"customer": []}', NO_EMAIL),
        (b'{"customer": 5}', NO_EMAIL),
    ],
)
def test_create_bodies_that_are_no_customer(https_shop: Shop, body: bytes, error: Any) -> None:
    """The recorded "create" answers for bodies that are not ``{"customer":{…}}``."""
    answer = https_shop.client.post(
        "/customers", data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert error_of(answer, 400) == error


def test_update_with_a_scalar_customer_changes_nothing(https_shop: Shop) -> None:
    """``{"customer": "x"}`` on update: a customer without fields, so 200 and no change."""
    before = https_shop.client.get(f"/customers/{https_shop.c1}").json()["customer"]
    answer = https_shop.client.put(
        f"/customers/{https_shop.c1}", data=json.dumps({"customer": "x"}).encode()
    )
    assert answer.status_code == 200, answer.text
    after = answer.json()["customer"]
    assert {k: v for k, v in after.items() if k != "last_update"} == {
        k: v for k, v in before.items() if k != "last_update"
    }


# -- storage ------------------------------------------------------------------------------------


def test_a_store_file_of_schema_1_loses_its_unique_emails(tmp_path: Path) -> None:
    """Stores kept on disk from before (emails unique) are rebuilt on opening: rows and ids
    kept, and two users may then share the empty email."""
    path = tmp_path / "old.sqlite3"
    old_schema = SCHEMA.replace(
        "email TEXT NOT NULL COLLATE NOCASE,", "email TEXT NOT NULL COLLATE NOCASE UNIQUE,", 1
    ).replace("CREATE INDEX IF NOT EXISTS users_by_email ON users (email);", "")
    with sqlite3.connect(path) as conn:
        conn.executescript(old_schema)
        conn.execute("PRAGMA user_version = 1")
        for user_id in (7, 9):
            conn.execute(
                "INSERT INTO users (id, login, email, nicename, display_name, role,"
                " password_hash, registered, last_update) VALUES (?, ?, ?, 'n', 'd', 'customer',"
                " 'x', 0, 0)",
                (user_id, f"user{user_id}", f"user{user_id}@example.com"),
            )
    with pytest.raises(sqlite3.IntegrityError), sqlite3.connect(path) as conn:
        conn.execute("UPDATE users SET email = ''")
    db = Database(path)
    try:
        conn = db.connection()
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        rows = conn.execute("SELECT id, email FROM users ORDER BY id").fetchall()
        assert [tuple(row) for row in rows] == [(7, "user7@example.com"), (9, "user9@example.com")]
        conn.execute("UPDATE users SET email = ''")
        assert conn.execute("SELECT COUNT(*) FROM users WHERE email = ''").fetchone()[0] == 2
        indexes = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
        assert {"users_by_email", "users_by_registered"} <= indexes
    finally:
        db.close()
