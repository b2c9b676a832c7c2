"""Creating, editing, deleting and bulk-writing customers with a real store's rules.

Order of checks, error codes and statuses follow wc-api-v3-behavior.md sections 4, 6, 7 and 8
(Legacy REST API plugin profile), including the silent no-change answers clients must detect:
an email that belongs to another customer and a changed username are ignored with a 200.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import sqlite3
import time
from collections.abc import Mapping
from typing import Any

from app.demo_store.context import RequestContext
from app.demo_store.customers import customer_objects, find_customer
from app.demo_store.errors import ApiError
from app.demo_store.sanitize import (
    is_valid_username,
    nicename,
    sanitize_user,
    text_value,
    wc_clean,
)
from app.demo_store.schema import BILLING_FIELDS, SHIPPING_FIELDS
from app.demo_store.wcformat import absint, php_intval
from app.domain.email import is_email

log = logging.getLogger("app.demo_store")

#: WooCommerce's bulk limit (filter ``woocommerce_api_bulk_limit``).
BULK_LIMIT = 100
#: Local parts WooCommerce will not turn into a username (it uses the domain instead).
_GENERIC_LOCAL_PARTS = ("sales", "hello", "mail", "contact", "info")
_EMAIL_EXISTS = (
    "An account is already registered with your email address. "
    '<a href="#" class="showlogin">Please log in.</a>'
)


def php_array(value: object) -> dict[str, Any] | None:
    """A decoded JSON value as a PHP array: objects and lists both are; scalars are not."""
    if isinstance(value, Mapping):
        return {str(key): item for key, item in value.items()}
    if isinstance(value, list):
        return {str(index): item for index, item in enumerate(value)}
    return None


def _customer_data(data: object, action: str) -> dict[str, Any]:
    envelope = php_array(data)
    customer = php_array(envelope.get("customer")) if envelope else None
    if customer is None:
        raise ApiError(
            400,
            "woocommerce_api_missing_customer_data",
            f"No customer data specified to {action} customer",
        )
    return customer


def password_hash(password: str) -> str:
    """A salted hash; the demo store never needs the password back."""
    salt = secrets.token_hex(8)
    digest = hashlib.sha256(f"{salt}:{password}".encode()).hexdigest()
    return f"sha256${salt}${digest}"


def _username_from_email(conn: sqlite3.Connection, email: str) -> str:
    local, _, domain = email.partition("@")
    base = sanitize_user(domain if local in _GENERIC_LOCAL_PARTS else local, strict=True).lower()
    base = base or "user"
    username = base
    while conn.execute("SELECT 1 FROM users WHERE login = ?", (username,)).fetchone():
        username = f"{base}-{secrets.randbelow(10000):04d}"
    return username


def create_customer(ctx: RequestContext, data: object) -> dict[str, Any]:
    """``POST /customers``: create and answer the full customer object.

    Raises:
        ApiError: with the store's code and status for every refusal.
    """
    customer = _customer_data(data, "create")
    if not ctx.caller.can("create_users"):
        raise ApiError(
            401,
            "woocommerce_api_user_cannot_create_customer",
            "You do not have permission to create this customer",
        )
    if customer.get("email") is None:
        raise ApiError(400, "woocommerce_api_missing_customer_email", "Missing parameter email")
    email = text_value("email", customer["email"]).strip()
    if email and not is_email(email):
        raise ApiError(400, "customer_invalid_email", "Invalid email address")
    # Everything else is checked before the user row exists, except the billing email, which a
    # real store only rejects after creating the user (section 4.7): reproduced on purpose.
    changes = _profile_changes(customer)
    conn = ctx.db.connection()
    with ctx.db.write():
        user_id = _insert_user(ctx, conn, customer, email)
    _check_billing_email(customer)
    _apply_changes(ctx, user_id, changes, email_change=None)
    return _answer(ctx, user_id)


def _insert_user(
    ctx: RequestContext, conn: sqlite3.Connection, customer: Mapping[str, Any], email: str
) -> int:
    if not email:
        raise ApiError(
            400, "registration-error-invalid-email", "Please provide a valid email address."
        )
    if conn.execute("SELECT 1 FROM users WHERE email = ?", (email,)).fetchone():
        raise ApiError(400, "registration-error-email-exists", _EMAIL_EXISTS)
    given = text_value("username", customer.get("username") or "")
    if given:
        username = sanitize_user(given)
        if not is_valid_username(username):
            raise ApiError(
                400,
                "registration-error-invalid-username",
                "Please enter a valid account username.",
            )
        if conn.execute("SELECT 1 FROM users WHERE login = ?", (username,)).fetchone():
            raise ApiError(
                400,
                "registration-error-username-exists",
                "An account is already registered with that username. Please choose another.",
            )
    else:
        username = _username_from_email(conn, email)
    password = text_value("password", customer.get("password") or "")
    if not password:
        if not ctx.settings.generate_password:
            raise ApiError(
                400, "registration-error-missing-password", "Please enter an account password."
            )
        password = secrets.token_urlsafe(18)
    now = int(time.time())
    cursor = conn.execute(
        "INSERT INTO users (login, email, nicename, display_name, role, password_hash,"
        " registered, last_update) VALUES (?, ?, ?, ?, 'customer', ?, ?, ?)",
        (username, email, nicename(username), username, password_hash(password), now, now),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _profile_changes(customer: Mapping[str, Any]) -> dict[str, str]:
    """Column values an edit writes: names, and the present, non-null address sub-keys."""
    changes: dict[str, str] = {}
    for name in ("first_name", "last_name"):
        if customer.get(name) is not None:
            changes[name] = wc_clean(text_value(name, customer[name]))
    for prefix, fields in (("billing", BILLING_FIELDS), ("shipping", SHIPPING_FIELDS)):
        given = php_array(customer.get(f"{prefix}_address"))
        if given is None:
            continue  # a real store ignores an address that is not an object
        for name in fields:
            if given.get(name) is not None:
                value = text_value(f"{prefix}_address.{name}", given[name])
                changes[f"{prefix}_{name}"] = wc_clean(value)
    return changes


def _check_billing_email(customer: Mapping[str, Any]) -> None:
    billing = php_array(customer.get("billing_address"))
    if billing is not None and billing.get("email"):
        value = text_value("billing_address.email", billing["email"]).strip()
        if value and not is_email(value):
            raise ApiError(400, "customer_invalid_billing_email", "Invalid billing email address")


def _apply_changes(
    ctx: RequestContext, user_id: int, changes: Mapping[str, str], email_change: str | None
) -> None:
    with ctx.db.write() as conn:
        if email_change:
            taken = conn.execute(
                "SELECT 1 FROM users WHERE email = ? AND id != ?", (email_change, user_id)
            ).fetchone()
            if not taken:  # WordPress refuses a taken email and the API still answers 200
                changes = {**changes, "email": email_change}
        assignments = ", ".join(f"{column} = ?" for column in changes)
        values = [*changes.values(), int(time.time()), user_id]
        conn.execute(
            f"UPDATE users SET {assignments}{', ' if changes else ''}last_update = ? WHERE id = ?",
            values,
        )
        conn.execute(
            "UPDATE users SET display_name = trim(first_name || ' ' || last_name)"
            " WHERE id = ? AND display_name = login AND trim(first_name || last_name) != ''",
            (user_id,),
        )


def _answer(ctx: RequestContext, user_id: int) -> dict[str, Any]:
    conn = ctx.db.connection()
    row = find_customer(conn, user_id)
    assert row is not None
    return customer_objects(conn, [row], ctx.settings)[0]


def _validated_customer_id(ctx: RequestContext, raw_id: object, action: str) -> int:
    """``validate_request``: id 0, unknown id, then the capability, in that order."""
    customer_id = absint(raw_id)
    if customer_id == 0:
        raise ApiError(404, "woocommerce_api_invalid_customer_id", "Invalid customer ID")
    if find_customer(ctx.db.connection(), customer_id) is None:
        raise ApiError(404, "woocommerce_api_invalid_customer", "Invalid customer")
    capability = {"read": "list_users", "edit": "edit_users", "delete": "delete_users"}[action]
    if not ctx.caller.can(capability):
        raise ApiError(
            401,
            f"woocommerce_api_user_cannot_{action}_customer",
            f"You do not have permission to {action} this customer",
        )
    return customer_id


def readable_customer_id(ctx: RequestContext, raw_id: object) -> int:
    """Check a customer id for reading (404 / 404 / 401)."""
    return _validated_customer_id(ctx, raw_id, "read")


def edit_customer(ctx: RequestContext, raw_id: object, data: object) -> dict[str, Any]:
    """``PUT|PATCH|POST /customers/<id>``: partial update, answered with the full object."""
    customer = _customer_data(data, "edit")
    try:
        customer_id = _validated_customer_id(ctx, raw_id, "edit")
    except ApiError as error:  # edit answers every validation failure with 400
        raise ApiError(400, error.code, error.message) from None
    email_change: str | None = None
    if customer.get("email") is not None:
        email = text_value("email", customer["email"]).strip()
        if email and not is_email(email):
            raise ApiError(400, "customer_invalid_email", "Invalid email address")
        email_change = email or None  # WordPress refuses an empty email; nothing changes
    _check_billing_email(customer)
    changes = _profile_changes(customer)
    password = customer.get("password")
    if password is not None and text_value("password", password):
        changes["password_hash"] = password_hash(text_value("password", password))
    _apply_changes(ctx, customer_id, changes, email_change)
    return _answer(ctx, customer_id)


def delete_customer(ctx: RequestContext, raw_id: object) -> None:
    """``DELETE /customers/<id>``: hard delete; the customer's orders become guest orders."""
    customer_id = _validated_customer_id(ctx, raw_id, "delete")
    with ctx.db.write() as conn:
        conn.execute("UPDATE orders SET customer_id = 0 WHERE customer_id = ?", (customer_id,))
        conn.execute(
            "UPDATE download_permissions SET user_id = 0 WHERE user_id = ?", (customer_id,)
        )
        conn.execute("DELETE FROM users WHERE id = ?", (customer_id,))


def bulk_customers(ctx: RequestContext, data: object) -> tuple[list[dict[str, Any]], bool]:
    """``/customers/bulk``: each item created or edited on its own, results in request order.

    Returns:
        The answer's ``customers`` list and whether any item was created (status 201).
    """
    envelope = php_array(data)
    items = php_array(envelope.get("customers")) if envelope else None
    if items is None:
        raise ApiError(
            400,
            "woocommerce_api_missing_customers_data",
            "No customers data specified to create/edit customers",
        )
    if len(items) > BULK_LIMIT:
        raise ApiError(
            413,
            "woocommerce_api_customers_request_entity_too_large",
            f"Unable to accept more than {BULK_LIMIT} items for this request.",
        )
    results: list[dict[str, Any]] = []
    created = False
    for item in items.values():
        fields = php_array(item)
        item_id = php_intval(fields.get("id")) if fields else 0
        try:
            if item_id:
                results.append(edit_customer(ctx, item_id, {"customer": item}))
            else:
                results.append(create_customer(ctx, {"customer": item}))
                created = True
        except ApiError as error:
            results.append({"id": item_id, "error": error.as_item()})
        except Exception:
            # Earlier items are saved already: answer in place rather than fail the request.
            log.exception("bulk item %s failed", item_id)
            internal = ApiError(500, "demo_store_internal_error", "This item could not be saved.")
            results.append({"id": item_id, "error": internal.as_item()})
    return results, created
