"""Creating, editing, deleting and bulk-writing customers the way a real store does.

This module owns the write side of the customers resource: order of checks, error codes,
statuses and messages of wc-api-v3-behavior.md sections 4, 6, 7 and 8, corrected by what real
stores were seen doing (section 19.3 and the recorded WooCommerce 3.5.3 answers), including
the ways a store silently destroys or mangles data a client must detect:

* ``PUT {"customer":{"email":""}}`` erases the email (200, ``"email":""``);
* an email that belongs to another customer and a changed username are ignored with a 200;
* a list or an object sent as a name or address field is stored PHP-serialized;
* names go through ``sanitize_text_field`` (``<script>`` removed with its content), address
  fields are stored raw (tags, line breaks, tabs kept);
* the display name stays the username, whatever names are set later;
* a username over 60 characters, or an email over 100, makes the insert fail with the store's
  odd messages; an invalid billing email is refused only after the customer was created.
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
from app.demo_store.emails import record_new_account_email
from app.demo_store.errors import ApiError, StoreError, crash
from app.demo_store.sanitize import (
    is_valid_username,
    nicename,
    php_string,
    php_truthy,
    sanitize_user,
    stored_text,
    wc_clean,
)
from app.demo_store.schema import BILLING_FIELDS, SHIPPING_FIELDS
from app.demo_store.wcformat import absint, php_intval
from app.domain.email import is_email

log = logging.getLogger("app.demo_store")

#: WooCommerce's bulk limit (filter ``woocommerce_api_bulk_limit``).
BULK_LIMIT = 100
#: ``wp_insert_user`` refuses longer logins; ``user_email`` is a ``varchar(100)`` column.
MAX_LOGIN_LENGTH = 60
MAX_EMAIL_LENGTH = 100
EMAIL_EXISTS = "An account is already registered with your email address. Please log in."
REGISTRATION_FAILED = (
    "Couldn&#8217;t register you&hellip; please contact us if you continue to have problems."
)


def php_array(value: object) -> dict[str, Any] | None:
    """A decoded JSON value as a PHP array: objects and lists both are; scalars are not."""
    if isinstance(value, Mapping):
        return {str(key): item for key, item in value.items()}
    if isinstance(value, list):
        return {str(index): item for index, item in enumerate(value)}
    return None


def _customer_data(data: object, action: str) -> object:
    """``$data['customer']`` when set; it may be a scalar, whose fields are then all unset."""
    envelope = php_array(data)
    customer = envelope.get("customer") if envelope is not None else None
    if customer is None:
        raise ApiError(
            400,
            "woocommerce_api_missing_customer_data",
            f"No customer data specified to {action} customer",
        )
    return customer


def _fields(customer: object) -> dict[str, Any]:
    """The customer's fields as ``isset($data[...])`` sees them (none for a scalar)."""
    return php_array(customer) or {}


def password_hash(password: str) -> str:
    """A salted hash; the demo store never needs the password back."""
    salt = secrets.token_hex(8)
    digest = hashlib.sha256(f"{salt}:{password}".encode()).hexdigest()
    return f"sha256${salt}${digest}"


def _not_text(ctx: RequestContext, name: str) -> StoreError:
    """A list or object where PHP 8 needs a string: a ``TypeError``.

    That is the store's critical error (or, with ``friendly_errors``, a 400 that says so).
    """
    friendly = ApiError(
        400, "demo_store_invalid_parameter", f"{name} must be text, not a list or object."
    )
    return crash(ctx.settings, friendly)


def _checked_email(ctx: RequestContext, name: str, value: object, code: str, message: str) -> str:
    """``WC_Customer::set_email`` (and ``set_billing_email``).

    A true-ish value that is not an email is refused; a false-ish one (``""``, ``"0"``,
    ``[]``…) becomes the empty email.

    Raises:
        ApiError: ``code`` with ``message`` (400) for text that is not an email.
        StoreError: the critical error for a non-empty list or object (``is_email`` takes its
            ``strlen``, a TypeError on PHP 8).
    """
    if not php_truthy(value):
        return ""
    if isinstance(value, list | dict):
        raise _not_text(ctx, name)
    text = php_string(value)
    if not is_email(text):
        raise ApiError(400, code, message)
    return text


def _checked_password(ctx: RequestContext, value: object) -> str | None:
    """The password to set, None for none; a list or object crashes password hashing."""
    if not php_truthy(value):
        return None
    if isinstance(value, list | dict):
        raise _not_text(ctx, "password")
    return php_string(value)


def _username_exists(conn: sqlite3.Connection, username: str) -> bool:
    return conn.execute("SELECT 1 FROM users WHERE login = ?", (username,)).fetchone() is not None


def _username_from_email(conn: sqlite3.Connection, email: str) -> str:
    """The local part, sanitised strictly (case kept), ``1``, ``2``… appended until free."""
    base = sanitize_user(email.partition("@")[0], strict=True)
    username, suffix = base, 1
    while _username_exists(conn, username):
        username, suffix = f"{base}{suffix}", suffix + 1
    return username


def create_customer(ctx: RequestContext, data: object) -> dict[str, Any]:
    """``POST /customers``: create and answer the full customer object.

    Raises:
        ApiError: with the store's code and status for every refusal.
    """
    fields = _fields(_customer_data(data, "create"))
    if not ctx.caller.can("create_users"):
        raise ApiError(
            401,
            "woocommerce_api_user_cannot_create_customer",
            "You do not have permission to create this customer",
        )
    if fields.get("email") is None:
        raise ApiError(400, "woocommerce_api_missing_customer_email", "Missing parameter email")
    email = _checked_email(
        ctx, "email", fields["email"], "customer_invalid_email", "Invalid email address"
    )
    changes = _profile_changes(fields)
    conn = ctx.db.connection()
    with ctx.db.write():
        user_id = _insert_user(ctx, conn, email, fields.get("username"), fields.get("password"))
    # The store saves the user first and sets the rest afterwards: an invalid billing email is
    # refused with a 400 while the customer already exists (section 4.7), reproduced on purpose.
    _check_billing_email(ctx, fields)
    _apply_changes(ctx, user_id, changes, email_change=None)
    return _answer(ctx, user_id)


def _insert_user(
    ctx: RequestContext,
    conn: sqlite3.Connection,
    email: str,
    given_username: object,
    given_password: object,
) -> int:
    """``wc_create_new_customer`` and ``wp_insert_user``, with their refusals."""
    if not email:
        raise ApiError(
            400, "registration-error-invalid-email", "Please provide a valid email address."
        )
    if conn.execute("SELECT 1 FROM users WHERE email = ?", (email,)).fetchone():
        raise ApiError(400, "registration-error-email-exists", EMAIL_EXISTS)
    if php_truthy(given_username):
        text = "" if isinstance(given_username, list | dict) else php_string(given_username)
        username = sanitize_user(text)
        if not is_valid_username(username):
            raise ApiError(
                400,
                "registration-error-invalid-username",
                "Please enter a valid account username.",
            )
        if _username_exists(conn, username):
            raise ApiError(
                400,
                "registration-error-username-exists",
                "An account is already registered with that username. Please choose another.",
            )
    else:
        username = _username_from_email(conn, email)
    password = _checked_password(ctx, given_password) or ""
    if not password:
        if not ctx.settings.generate_password:
            raise ApiError(
                400, "registration-error-missing-password", "Please enter an account password."
            )
        password = secrets.token_urlsafe(18)
    # wp_insert_user: an empty or over-long login is a WP_Error, which WooCommerce words as
    # "Couldn't register you…"; an over-long email makes MySQL refuse the row, and WordPress
    # (not checking) answers user id 0, which the API words as "cannot be created".
    login = sanitize_user(username, strict=True)
    if not login or len(login) > MAX_LOGIN_LENGTH or _username_exists(conn, login):
        raise ApiError(400, "registration-error", REGISTRATION_FAILED)
    if len(email) > MAX_EMAIL_LENGTH:
        raise ApiError(
            400, "woocommerce_api_user_cannot_create_customer", "This resource cannot be created."
        )
    now = int(time.time())
    # WordPress makes the login the display name of a user created without names, and the
    # store never changes it afterwards (section 19.3).
    cursor = conn.execute(
        "INSERT INTO users (login, email, nicename, display_name, role, password_hash,"
        " registered, last_update) VALUES (?, ?, ?, ?, 'customer', ?, ?, ?)",
        (login, email, nicename(login), login, password_hash(password), now, now),
    )
    assert cursor.lastrowid is not None
    # wc_create_new_customer sends the "New account" e-mail, through this API as through wc/v3.
    record_new_account_email(conn, cursor.lastrowid, email, now)
    return cursor.lastrowid


def _profile_changes(fields: Mapping[str, Any]) -> dict[str, str]:
    """Column values an edit writes: names, and the present, non-null address sub-keys."""
    changes: dict[str, str] = {}
    for name in ("first_name", "last_name"):
        if fields.get(name) is not None:
            changes[name] = stored_text(wc_clean(fields[name]))
    for prefix, names in (("billing", BILLING_FIELDS), ("shipping", SHIPPING_FIELDS)):
        given = fields.get(f"{prefix}_address")
        if not isinstance(given, Mapping):
            continue  # a string or a list has none of the sub-keys the store looks for
        for name in names:
            value = given.get(name)
            if value is None:
                continue
            if prefix == "billing" and name == "email":
                # Validated by _check_billing_email; a false-ish value is stored as "".
                changes["billing_email"] = php_string(value) if php_truthy(value) else ""
            else:
                # Address setters store what they are given: no wc_clean, no stripping.
                changes[f"{prefix}_{name}"] = stored_text(value)
    return changes


def _check_billing_email(ctx: RequestContext, fields: Mapping[str, Any]) -> None:
    billing = fields.get("billing_address")
    if isinstance(billing, Mapping) and billing.get("email") is not None:
        _checked_email(
            ctx,
            "billing_address.email",
            billing["email"],
            "customer_invalid_billing_email",
            "Invalid billing email address",
        )


def _apply_changes(
    ctx: RequestContext, user_id: int, changes: Mapping[str, str], email_change: str | None
) -> None:
    with ctx.db.write() as conn:
        if email_change is not None:
            taken = (
                email_change
                and conn.execute(
                    "SELECT 1 FROM users WHERE email = ? AND id != ?", (email_change, user_id)
                ).fetchone()
            )
            # WordPress refuses an email another user has and the API still answers 200; it
            # finds no owner for "" and so erases the email (section 19.3).
            if not taken:
                changes = {**changes, "email": email_change}
        assignments = "".join(f"{column} = ?, " for column in changes)
        conn.execute(
            f"UPDATE users SET {assignments}last_update = ? WHERE id = ?",
            [*changes.values(), int(time.time()), user_id],
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
    fields = _fields(customer)
    email_change: str | None = None
    if fields.get("email") is not None:
        email_change = _checked_email(
            ctx, "email", fields["email"], "customer_invalid_email", "Invalid email address"
        )
    _check_billing_email(ctx, fields)
    changes = _profile_changes(fields)
    try:
        password = _checked_password(ctx, fields.get("password"))
    except StoreError:
        if not ctx.settings.friendly_errors:
            # WordPress saves the email in a step of its own before it hashes the password.
            _apply_changes(ctx, customer_id, {}, email_change)
        raise
    if password is not None:  # an empty password changes nothing
        changes["password_hash"] = password_hash(password)
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


def _bulk_item_id(item: object) -> int:
    """``intval($_customer['id'])``: 0 (create) unless the item sets a non-zero id."""
    value = _fields(item).get("id")
    if isinstance(value, list | dict):
        return 1 if value else 0  # intval() of a non-empty array
    return php_intval(value)


def bulk_customers(ctx: RequestContext, data: object) -> tuple[list[dict[str, Any]], bool]:
    """``/customers/bulk``: each item created or edited on its own, results in request order.

    Returns:
        The answer's ``customers`` list and whether any item was created (status 201).
    """
    envelope = php_array(data)
    given = envelope.get("customers") if envelope is not None else None
    if given is None:
        raise ApiError(
            400,
            "woocommerce_api_missing_customers_data",
            "No customers data specified to create/edit customers",
        )
    items = php_array(given)
    if items is None:
        # count() of a string or a number is a TypeError on the PHP 8 a current store runs.
        raise crash(
            ctx.settings,
            ApiError(400, "demo_store_invalid_parameter", "customers must be a list."),
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
        item_id = _bulk_item_id(item)
        try:
            if item_id:
                results.append(edit_customer(ctx, item_id, {"customer": item}))
            else:
                results.append(create_customer(ctx, {"customer": item}))
                created = True
        except ApiError as error:
            results.append({"id": item_id, "error": error.as_item()})
        except Exception:
            # A real store dies here with its critical error, the earlier items saved; only
            # the friendly option answers the failure in place.
            if not ctx.settings.friendly_errors:
                raise
            log.exception("bulk item %s failed", item_id)
            internal = ApiError(500, "demo_store_internal_error", "This item could not be saved.")
            results.append({"id": item_id, "error": internal.as_item()})
    return results, created
