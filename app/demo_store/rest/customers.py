"""The ``wc/v3`` customer routes (reference §3-§10) over the store's ``users`` table.

This module owns the modern customer object (§3, key order and shapes), the list with its
validation, ordering and paging headers (§4, ties in a per-query order as on MySQL, see
``app.demo_store.ties``), read (§5), create (§6, including the "New account" e-mail, recorded in
``sent_emails``), update (§7), delete (§8), batch (§9, destructive as on a real store: no item
validation) and downloads (§10). Every handler validates first, then checks the caller's
capability, then works (§1.2 steps 6-9).
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import secrets
import sqlite3
import time
from datetime import UTC, datetime
from typing import Any

from app.demo_store.customer_writes import password_hash
from app.demo_store.emails import SENT_EMAILS_TABLE as SENT_EMAILS_TABLE
from app.demo_store.rest import usermeta
from app.demo_store.rest.errors import RestError, invalid_id, invalid_params
from app.demo_store.rest.params import check_per_page, int_list, is_integer
from app.demo_store.rest.pipeline import RestAnswer, RestRequest, RestRoute, is_true, link_header
from app.demo_store.sanitize import nicename, sanitize_text_field, sanitize_user
from app.demo_store.ties import salts_for, tie_break_sql

BILLING_KEYS = (
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
)
#: The shipping phone lives in ``user_meta`` (the legacy schema has no column for it).
SHIPPING_KEYS = tuple(key for key in BILLING_KEYS if key != "email")
ROLES = (
    "all",
    "administrator",
    "editor",
    "author",
    "contributor",
    "subscriber",
    "customer",
    "shop_manager",
)
ORDERBY = {
    "id": "users.id",
    "include": "include",
    "name": "users.display_name",
    "registered_date": "users.registered",
}
PAID_STATUSES = ("processing", "completed")
#: Local parts WooCommerce replaces by the domain when it makes a username (§6.2).
_GENERIC_LOCAL_PARTS = ("sales", "hello", "mail", "contact", "info")
_EMAIL = re.compile(r"^[a-zA-Z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)+$")
BATCH_LIMIT = 100
CRITICAL_ERROR = (
    "<p>There has been a critical error on this website.</p><p><a href="
    '"https://wordpress.org/documentation/article/faq-troubleshooting/">'
    "Learn more about troubleshooting WordPress.</a></p>"
)


def is_email(value: str) -> bool:
    """WordPress' ``is_email`` in its essentials: ``local@domain.tld``, at least 6 characters."""
    return len(value) >= 6 and bool(_EMAIL.match(value))


def _date(timestamp: int | None) -> str | None:
    if not timestamp:
        return None
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _avatar(email: str) -> str:
    digest = hashlib.md5(email.strip().lower().encode(), usedforsecurity=False).hexdigest()
    return f"https://secure.gravatar.com/avatar/{digest}?s=96&d=mm&r=g"


def customer_object(
    req: RestRequest, row: sqlite3.Row, paying: bool, meta: list[sqlite3.Row]
) -> dict[str, Any]:
    """The v3 customer (§3.1), keys in the emitted order, with ``_links`` + ``targetHints``."""
    base = f"{req.site.home_url}/wp-json/wc/v3/customers"
    admin = req.caller is not None and req.caller.role == "administrator"
    customer: dict[str, Any] = {
        "id": row["id"],
        # The demo store's site timezone is UTC: local and GMT stamps agree (§3.3).
        "date_created": _date(row["registered"]),
        "date_created_gmt": _date(row["registered"]),
        "date_modified": _date(row["last_update"]),
        "date_modified_gmt": _date(row["last_update"]),
        "email": row["email"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "role": row["role"],
        "username": row["login"],
        "billing": {key: row[f"billing_{key}"] for key in BILLING_KEYS},
        "shipping": {
            key: usermeta.shipping_phone(meta) if key == "phone" else row[f"shipping_{key}"]
            for key in SHIPPING_KEYS
        },
        "is_paying_customer": paying,
        "avatar_url": _avatar(row["email"]),
    }
    if admin:  # meta_data only for administrator keys (§3.1)
        customer["meta_data"] = usermeta.meta_data(meta)
    customer["_links"] = {
        "self": [
            {
                "href": f"{base}/{row['id']}",
                "targetHints": {"allow": ["GET", "POST", "PUT", "PATCH", "DELETE"]},
            }
        ],
        "collection": [{"href": base}],
    }
    return customer


def _paying(conn: sqlite3.Connection, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT DISTINCT customer_id FROM orders WHERE customer_id IN ({marks})"
        f" AND status IN ('processing', 'completed')",
        ids,
    )
    return {row[0] for row in rows}


def _objects(req: RestRequest, rows: list[sqlite3.Row]) -> list[dict[str, Any]]:
    ids = [row["id"] for row in rows]
    paying = _paying(req.db.connection(), ids)
    meta = usermeta.meta_of(req.db.connection(), ids)
    return [customer_object(req, row, row["id"] in paying, meta[row["id"]]) for row in rows]


def _find(req: RestRequest, customer_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = (
        req.db.connection().execute("SELECT * FROM users WHERE id = ?", (customer_id,)).fetchone()
    )
    return row


def _one(req: RestRequest, customer_id: int) -> dict[str, Any]:
    row = _find(req, customer_id)
    assert row is not None
    return _objects(req, [row])[0]


def _require(req: RestRequest, capability: str, code: str, message: str) -> None:
    """401 for anonymous callers, 403 for a key whose user lacks the capability (§15)."""
    if req.caller is None:
        raise RestError(401, code, message)
    if not req.caller.can(capability):
        raise RestError(403, code, message)


def _check_context(params: dict[str, Any], problems: dict[str, tuple[str, str, Any]]) -> None:
    context = params.get("context", "view")
    if context not in ("view", "edit"):
        problems["context"] = ("context is not one of view and edit.", "rest_not_in_enum", None)


def list_customers(req: RestRequest, _: dict[str, str]) -> RestAnswer:
    """``GET /customers`` (§4)."""
    rows, headers = list_rows(req, "/wc/v3/customers")
    return RestAnswer(_objects(req, rows), headers=headers, is_list=True)


def list_rows(req: RestRequest, route: str) -> tuple[list[sqlite3.Row], list[tuple[str, str]]]:
    """The users a customer list asks for and its paging headers (§4), for any namespace.

    wc/v1, wc/v2 and wc/v3 share the list's parameters and their checks (``V1C`` L227-316);
    ``route`` names the list in the ``Link`` header.
    """
    p = req.params
    problems: dict[str, tuple[str, str, Any]] = {}
    _check_context(p, problems)
    page = p.get("page", 1)
    if not is_integer(page):
        problems["page"] = ("page is not of type integer.", "rest_invalid_type", {"param": "page"})
    elif int(page) < 1:
        problems["page"] = ("page must be greater than or equal to 1", "rest_out_of_bounds", None)
    per_page = p.get("per_page", 10)
    check_per_page(per_page, problems)
    offset = p.get("offset")
    if offset is not None and not is_integer(offset):
        problems["offset"] = (
            "offset is not of type integer.",
            "rest_invalid_type",
            {"param": "offset"},
        )
    include, exclude = int_list(p.get("include")), int_list(p.get("exclude"))
    for name, ids in (("exclude", exclude), ("include", include)):
        if ids is None:
            problems[name] = (
                f"{name}[0] is not of type integer.",
                "rest_invalid_type",
                {"param": f"{name}[0]"},
            )
    order = p.get("order", "asc")
    if order not in ("asc", "desc"):
        problems["order"] = ("order is not one of asc and desc.", "rest_not_in_enum", None)
    orderby = p.get("orderby", "name")
    if orderby not in ORDERBY:
        problems["orderby"] = (
            "orderby is not one of id, include, name, and registered_date.",
            "rest_not_in_enum",
            None,
        )
    email = p.get("email")
    if email is not None and not (isinstance(email, str) and is_email(email)):
        problems["email"] = ("Invalid email address.", "rest_invalid_email", None)
    role = p.get("role", "customer")
    if role not in ROLES:
        problems["role"] = (
            "role is not one of all, administrator, editor, author, contributor, subscriber,"
            " customer, and shop_manager.",
            "rest_not_in_enum",
            None,
        )
    if problems:
        raise invalid_params(problems)
    _require(req, "list_users", "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")

    per_page, page = int(per_page), int(page)
    skip = abs(int(offset)) if offset is not None else 0  # absint: -5 → 5
    link_page = page
    if skip:
        link_page = math.ceil(skip / per_page + 1)
    else:
        skip = (page - 1) * per_page
    where: list[str] = []
    args: list[Any] = []
    if role != "all":
        where.append("users.role = ?")
        args.append(role)
    if include:
        where.append(f"users.id IN ({','.join('?' * len(include))})")
        args.extend(include)
    elif exclude:
        where.append(f"users.id NOT IN ({','.join('?' * len(exclude))})")
        args.extend(exclude)
    if isinstance(email, str):
        where.append("users.email = ?")  # the column compares case-insensitively
        args.append(email)
    elif isinstance(p.get("search"), str) and p["search"]:
        _search(p["search"], where, args)
    where_sql = ("WHERE " + " AND ".join(where)) if where else ""
    direction = "DESC" if order == "desc" else "ASC"
    if orderby == "include":
        if include:
            column = (
                "CASE users.id "
                + " ".join(f"WHEN {int(i)} THEN {n}" for n, i in enumerate(include))
                + " END"
            )
        else:
            column = "users.login"  # WordPress falls back to the login (§4.5)
    else:
        column = ORDERBY[orderby]
    order_sql = f"{column} {direction}"
    signature = f"rest\0{where_sql}\0{args!r}\0{order_sql}\0{per_page}\0{skip}"
    if orderby in ("name", "registered_date"):
        # No tie-breaker on a real store: tied rows come out in a per-query order (§4.5).
        salt = salts_for(req.db, req.site.tie_seed).salt(signature)
        order_sql += f", {tie_break_sql(salt)}"
    conn = req.db.connection()
    total = int(conn.execute(f"SELECT COUNT(*) FROM users {where_sql}", args).fetchone()[0])
    rows = conn.execute(
        f"SELECT * FROM users {where_sql} ORDER BY {order_sql} LIMIT ? OFFSET ?",
        [*args, per_page, skip],
    ).fetchall()
    total_pages = math.ceil(total / per_page)
    headers = [("X-WP-Total", str(total)), ("X-WP-TotalPages", str(total_pages))]
    headers += link_header(req.site.home_url, route, req.query, link_page, total_pages)
    return rows, headers


def _search(raw: str, where: list[str], args: list[Any]) -> None:
    """Substring search on the user columns WordPress picks for the term (§4.3)."""
    term = raw.strip("*")
    like = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    if "@" in term:
        columns = ["users.email"]
    elif term.isdigit():
        columns = ["users.login"]
    else:
        columns = ["users.login", "users.url", "users.email", "users.nicename"]
    columns.append("users.display_name")
    clauses = [f"{column} LIKE ? ESCAPE '\\'" for column in columns]
    args.extend([like] * len(columns))
    if term.isdigit():
        clauses.append("users.id = ?")
        args.append(int(term))
    where.append("(" + " OR ".join(clauses) + ")")


def get_customer(req: RestRequest, url: dict[str, str]) -> RestAnswer:
    """``GET /customers/<id>`` (§5)."""
    return RestAnswer(_one(req, customer_to_read(req, url)["id"]))


def customer_to_read(req: RestRequest, url: dict[str, str]) -> sqlite3.Row:
    """The user a ``GET /<namespace>/customers/<id>`` reads, checked as every namespace does.

    ``V1C``'s order: the context, then permission, then existence (404
    ``woocommerce_rest_invalid_id``).
    """
    problems: dict[str, tuple[str, str, Any]] = {}
    _check_context(req.params, problems)
    if problems:
        raise invalid_params(problems)
    _require(
        req, "list_users", "woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."
    )
    customer_id = _request_id(req, url)
    row = _find(req, customer_id) if customer_id > 0 else None
    if row is None:
        raise invalid_id(404)
    return row


def _request_id(req: RestRequest, url: dict[str, str]) -> int:
    """The id: a body or query ``id`` overrides the URL's (§1.3)."""
    raw = req.params.get("id", url.get("id"))
    try:
        return int(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0


# -- writes ----------------------------------------------------------------------------------


def _type_problems(p: dict[str, Any], names: tuple[str, ...]) -> dict[str, tuple[str, str, Any]]:
    """Schema checks of the writable fields (single requests only; batch items skip them)."""
    problems: dict[str, tuple[str, str, Any]] = {}
    for name in names:
        if name in p and not isinstance(p[name], str):
            problems[name] = (
                f"{name} is not of type string.",
                "rest_invalid_type",
                {"param": name},
            )
    for address, keys in (("billing", BILLING_KEYS), ("shipping", SHIPPING_KEYS)):
        value = p.get(address)
        if not isinstance(value, dict):
            continue
        for key in keys:
            if key not in value:
                continue
            if not isinstance(value[key], str):
                problems[address] = (
                    f"{address}[{key}] is not of type string.",
                    "rest_invalid_type",
                    {"param": f"{address}[{key}]"},
                )
                break
            if key == "email" and not is_email(value[key]):
                problems[address] = ("Invalid email address.", "rest_invalid_email", None)
                break
    return problems


def _text(value: Any) -> str:
    """PHP's string conversion of a JSON scalar (batch items are stored unvalidated)."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


def _changes(p: dict[str, Any]) -> dict[str, str]:
    """Column → value for the profile fields present in ``p``."""
    columns: dict[str, str] = {}
    for name in ("first_name", "last_name"):
        if name in p:
            columns[name] = sanitize_text_field(_text(p[name]))
    for address, keys in (("billing", BILLING_KEYS), ("shipping", SHIPPING_KEYS)):
        value = p.get(address)
        if isinstance(value, dict):
            for key in keys:
                if key in value and not (address == "shipping" and key == "phone"):
                    # Addresses are stored verbatim, unsanitised (§3.1).
                    columns[f"{address}_{key}"] = _text(value[key])
    return columns


def _write_meta(conn: sqlite3.Connection, user_id: int, p: dict[str, Any]) -> None:
    """The shipping phone and ``meta_data`` of a create or update."""
    shipping = p.get("shipping")
    if isinstance(shipping, dict) and "phone" in shipping:
        usermeta.set_meta(conn, user_id, usermeta.SHIPPING_PHONE, _text(shipping["phone"]))
    usermeta.apply_meta_data(conn, user_id, p.get("meta_data"))


def _billing_email_bad(p: dict[str, Any]) -> bool:
    billing = p.get("billing")
    if not isinstance(billing, dict) or "email" not in billing:
        return False
    value = _text(billing["email"])
    return bool(value) and not is_email(value)


def _username_taken(conn: sqlite3.Connection, login: str) -> bool:
    return conn.execute("SELECT 1 FROM users WHERE login = ?", (login,)).fetchone() is not None


def _generated_username(conn: sqlite3.Connection, email: str) -> str:
    """The local part, lower-cased (generic ones → the domain), ``-NNNN`` on collision."""
    local, _, domain = email.partition("@")
    base = sanitize_user(local.lower(), strict=True)
    if local.lower() in _GENERIC_LOCAL_PARTS:
        base = sanitize_user(domain.lower(), strict=True)
    if not base:
        base = f"woo_user_{random.randint(1000, 9999)}"
    username = base
    while _username_taken(conn, username):
        username = f"{base}-{random.randint(1000, 9999)}"
    return username


def _create(req: RestRequest, p: dict[str, Any]) -> int:
    """Create one customer from ``p`` (already schema-checked or not, as the caller decides)."""
    if "id" in p and p["id"] not in (None, 0, "0", ""):
        raise RestError(400, "woocommerce_rest_customer_exists", "Cannot create existing resource.")
    email = _text(p.get("email"))
    if email and not is_email(email):
        raise RestError(400, "customer_invalid_email", "Invalid email address")
    if _billing_email_bad(p):
        raise RestError(400, "customer_invalid_billing_email", "Invalid billing email address")
    conn = req.db.connection()
    if not email:
        raise RestError(
            400, "registration-error-invalid-email", "Please provide a valid email address."
        )
    if conn.execute("SELECT 1 FROM users WHERE email = ?", (email,)).fetchone():
        raise RestError(
            400,
            "registration-error-email-exists",
            f"An account is already registered with {email}."
            " Please log in or use a different email address.",
        )
    given = _text(p.get("username"))
    if given:
        username = sanitize_user(given, strict=True)
        if not username:
            raise RestError(
                400,
                "registration-error-invalid-username",
                "Please provide a valid account username.",
            )
        if _username_taken(conn, username):
            raise RestError(
                400,
                "registration-error-username-exists",
                "An account is already registered with that username. Please choose another.",
            )
        if len(username) > 60:
            raise RestError(
                400, "user_login_too_long", "Username may not be longer than 60 characters."
            )
    else:
        username = _generated_username(conn, email)
    given_password = _text(p.get("password"))
    if not given_password and not req.site.generate_password:
        # The message the legacy reference records for the same WooCommerce function.
        raise RestError(
            400, "registration-error-missing-password", "Please enter an account password."
        )
    password = given_password or secrets.token_urlsafe(18)
    now = int(time.time())
    with req.db.write() as wconn:
        cursor = wconn.execute(
            "INSERT INTO users (login, email, nicename, display_name, role, password_hash,"
            " registered, last_update) VALUES (?, ?, ?, ?, 'customer', ?, ?, ?)",
            (username, email, nicename(username), username, password_hash(password), now, now),
        )
        user_id = int(cursor.lastrowid or 0)
        usermeta.delete_user_meta(wconn, user_id)  # left by a deleted user of the same id
        changes = _changes(p)
        if changes:
            sets = ", ".join(f"{column} = ?" for column in changes)
            wconn.execute(f"UPDATE users SET {sets} WHERE id = ?", [*changes.values(), user_id])
        _write_meta(wconn, user_id, p)
        if not given_password:
            # WordPress nags users whose password was generated for them (§3.6).
            usermeta.set_meta(wconn, user_id, "default_password_nag", "1")
        # WooCommerce sends the "New account" e-mail on every REST and batch create (§6.2).
        wconn.execute(SENT_EMAILS_TABLE)
        wconn.execute(
            "INSERT INTO sent_emails (user_id, recipient, subject, sent_at) VALUES (?, ?, ?, ?)",
            (user_id, email, "Your account has been created", now),
        )
    return user_id


def create_customer(req: RestRequest, _: dict[str, str]) -> RestAnswer:
    """``POST /customers`` (§6): 201 + ``Location``."""
    p = req.params
    if p.get("email") is None:
        raise RestError(
            400, "rest_missing_callback_param", "Missing parameter(s): email", params=["email"]
        )
    problems = _type_problems(p, ("email", "first_name", "last_name", "username", "password"))
    if problems:
        raise invalid_params(problems)
    _require(
        req,
        "promote_users",
        "woocommerce_rest_cannot_create",
        "Sorry, you are not allowed to create resources.",
    )
    user_id = _create(req, p)
    location = f"{req.site.home_url}/wp-json/wc/v3/customers/{user_id}"
    return RestAnswer(_one(req, user_id), 201, headers=[("Location", location)])


def _update(req: RestRequest, customer_id: int, p: dict[str, Any], blank_bad_email: bool) -> None:
    """Update one customer; ``blank_bad_email`` is the batch path, where nothing validated it."""
    row = _find(req, customer_id) if customer_id > 0 else None
    if row is None:
        raise invalid_id(400)
    changes = _changes(p)
    if "email" in p:
        email = _text(p["email"])
        if blank_bad_email and not is_email(email):
            email = ""  # the store saves what is left of an invalid address: nothing (§9.3)
        if email and email != row["email"]:
            other = (
                req.db.connection()
                .execute("SELECT id FROM users WHERE email = ?", (email,))
                .fetchone()
            )
            if other is not None:
                raise RestError(
                    400, "woocommerce_rest_customer_invalid_email", "Email address is invalid."
                )
        changes["email"] = email
    if "username" in p and _text(p["username"]) != row["login"]:
        raise RestError(
            400, "woocommerce_rest_customer_invalid_argument", "Username isn't editable."
        )
    if _billing_email_bad(p):
        raise RestError(400, "customer_invalid_billing_email", "Invalid billing email address")
    if "password" in p and _text(p["password"]):
        changes["password_hash"] = password_hash(_text(p["password"]))
    changes["last_update"] = str(int(time.time()))
    sets = ", ".join(f"{column} = ?" for column in changes)
    with req.db.write() as conn:
        conn.execute(f"UPDATE users SET {sets} WHERE id = ?", [*changes.values(), customer_id])
        _write_meta(conn, customer_id, p)


def update_customer(req: RestRequest, url: dict[str, str]) -> RestAnswer:
    """``POST|PUT|PATCH /customers/<id>`` (§7): partial."""
    p = req.params
    problems = _type_problems(p, ("first_name", "last_name", "username", "password"))
    if "email" in p and not (isinstance(p["email"], str) and is_email(p["email"])):
        problems = {"email": ("Invalid email address.", "rest_invalid_email", None), **problems}
    if problems:
        raise invalid_params(problems)
    _require(
        req,
        "edit_users",
        "woocommerce_rest_cannot_edit",
        "Sorry, you are not allowed to edit this resource.",
    )
    customer_id = _request_id(req, url)
    _update(req, customer_id, p, blank_bad_email=False)
    return RestAnswer(_one(req, customer_id))


def _delete(req: RestRequest, customer_id: int, reassign: int = 0) -> dict[str, Any]:
    row = _find(req, customer_id) if customer_id > 0 else None
    if row is None:
        raise invalid_id(400, lower=True)
    if reassign and (reassign == customer_id or _find(req, reassign) is None):
        raise RestError(
            400,
            "woocommerce_rest_customer_invalid_reassign",
            "Invalid resource id for reassignment.",
        )
    snapshot = _objects(req, [row])[0]
    with req.db.write() as conn:
        # The customer's orders become guest orders; its keys go with it (§8).
        conn.execute("UPDATE orders SET customer_id = 0 WHERE customer_id = ?", (customer_id,))
        conn.execute(
            "UPDATE download_permissions SET user_id = 0 WHERE user_id = ?", (customer_id,)
        )
        conn.execute("DELETE FROM api_keys WHERE user_id = ?", (customer_id,))
        conn.execute("DELETE FROM users WHERE id = ?", (customer_id,))
        usermeta.delete_user_meta(conn, customer_id)
    return snapshot


def delete_customer(req: RestRequest, url: dict[str, str]) -> RestAnswer:
    """``DELETE /customers/<id>`` (§8): ``force=true`` or 501."""
    p = req.params
    force = is_true(p.get("force", False))
    problems: dict[str, tuple[str, str, Any]] = {}
    if force is None:
        problems["force"] = (
            "force is not of type boolean.",
            "rest_invalid_type",
            {"param": "force"},
        )
    reassign = p.get("reassign", 0)
    if not is_integer(reassign):
        problems["reassign"] = (
            "reassign is not of type integer.",
            "rest_invalid_type",
            {"param": "reassign"},
        )
    if problems:
        raise invalid_params(problems)
    _require(
        req,
        "delete_users",
        "woocommerce_rest_cannot_delete",
        "Sorry, you are not allowed to delete this resource.",
    )
    if not force:
        raise RestError(
            501, "woocommerce_rest_trash_not_supported", "Customers do not support trashing."
        )
    return RestAnswer(_delete(req, _request_id(req, url), int(reassign)))


def _php_int(value: Any) -> int:
    """PHP's ``(int)``: leading digits of a string (``"12abc"`` → 12), else 0."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        match = re.match(r"\s*([+-]?\d+)", value)
        return int(match.group(1)) if match else 0
    return 0


def _item_error(item_id: Any, error: RestError) -> dict[str, Any]:
    return {"id": item_id, "error": error.body()}


def batch_customers(req: RestRequest, _: dict[str, str]) -> RestAnswer:
    """``POST|PUT|PATCH /customers/batch`` (§9): no item validation, results per group."""
    _require(
        req,
        "promote_users",
        "woocommerce_rest_cannot_batch",
        "Sorry, you are not allowed to batch manipulate this resource.",
    )
    body = req.body if isinstance(req.body, dict) else req.params
    groups = {name: body.get(name) for name in ("create", "update", "delete")}
    count = sum(len(items) for items in groups.values() if isinstance(items, list | dict))
    if count > BATCH_LIMIT:
        raise RestError(
            413,
            "woocommerce_rest_request_entity_too_large",
            "Unable to accept more than 100 items for this request.",
        )
    for items in groups.values():
        if items is not None and not isinstance(items, list):
            raise RestError(
                500,
                "internal_server_error",
                CRITICAL_ERROR,
            )
    result: dict[str, list[Any]] = {}
    for item in groups["create"] or []:
        data = item if isinstance(item, dict) else {}
        try:
            result.setdefault("create", []).append(_one(req, _create(req, data)))
        except RestError as error:
            result.setdefault("create", []).append(_item_error(0, error))
    for item in groups["update"] or []:
        data = item if isinstance(item, dict) else {}
        item_id = data.get("id")
        try:
            customer_id = _php_int(item_id)
            if item_id is None:
                raise invalid_id(400)
            _update(req, customer_id, data, blank_bad_email=True)
            result.setdefault("update", []).append(_one(req, customer_id))
        except RestError as error:
            result.setdefault("update", []).append(
                _item_error(item_id if item_id is None else customer_id, error)
            )
    for raw in groups["delete"] or []:
        customer_id = _php_int(raw)
        if customer_id == 0:
            continue  # silently skipped (§9.3)
        try:
            result.setdefault("delete", []).append(_delete(req, customer_id))
        except RestError as error:
            result.setdefault("delete", []).append(_item_error(customer_id, error))
    return RestAnswer(result or [], is_batch=True)


def customer_downloads(req: RestRequest, url: dict[str, str]) -> RestAnswer:
    """``GET /customers/<id>/downloads`` (§10): existence first, then permission, no paging."""
    customer_id = int(url["customer_id"])
    if _find(req, customer_id) is None:
        raise RestError(404, "woocommerce_rest_customer_invalid", "Resource does not exist.")
    context = req.params.get("context", "view")
    if context != "view":
        raise invalid_params({"context": ("context is not view.", "rest_not_in_enum", None)})
    _require(req, "list_users", "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
    rows = (
        req.db.connection()
        .execute(
            "SELECT p.*, pr.name AS product_name, pr.file_name, pr.file_url"
            " FROM download_permissions p"
            " JOIN orders o ON o.id = p.order_id JOIN products pr ON pr.id = p.product_id"
            " WHERE p.user_id = ? AND o.status IN ('processing', 'completed')"
            " AND (p.downloads_remaining = '' OR CAST(p.downloads_remaining AS INTEGER) > 0)"
            " AND (p.access_expires IS NULL OR p.access_expires > ?)"
            " ORDER BY p.order_id, p.id",
            (customer_id, int(time.time())),
        )
        .fetchall()
    )
    home = req.site.home_url
    api = f"{home}/wp-json/wc/v3"
    downloads = []
    for row in rows:
        email = "".join(
            c if c.isalnum() or c in "-_.~" else f"%{ord(c):02X}" for c in row["user_email"]
        )
        expires = _date(row["access_expires"]) or "never"
        downloads.append(
            {
                "download_id": row["download_id"],
                "download_url": (
                    f"{home}/?download_file={row['product_id']}&order={row['order_key']}"
                    f"&email={email}&key={row['download_id']}"
                ),
                "product_id": row["product_id"],
                "product_name": row["product_name"],
                "download_name": row["file_name"],
                "order_id": row["order_id"],
                "order_key": row["order_key"],
                "downloads_remaining": row["downloads_remaining"] or "unlimited",
                "access_expires": expires,
                "access_expires_gmt": expires,
                "file": {"name": row["file_name"], "file": f"{home}{row['file_url']}"},
                "_links": {
                    "collection": [{"href": f"{api}/customers/{customer_id}/downloads"}],
                    "product": [{"href": f"{api}/products/{row['product_id']}"}],
                    "order": [{"href": f"{api}/orders/{row['order_id']}"}],
                },
            }
        )
    return RestAnswer(downloads)


ROUTES = [
    RestRoute(r"/wc/v3/customers", {"GET": list_customers, "POST": create_customer}),
    RestRoute(r"/wc/v3/customers/batch", {"EDITABLE": batch_customers}),
    RestRoute(r"/wc/v3/customers/(?P<customer_id>\d+)/downloads", {"GET": customer_downloads}),
    RestRoute(
        r"/wc/v3/customers/(?P<id>\d+)",
        {"GET": get_customer, "EDITABLE": update_customer, "DELETE": delete_customer},
    ),
]
