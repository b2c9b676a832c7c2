"""User meta the modern API needs and the legacy schema has no column for (reference §3.6, §7).

This module owns the ``user_meta`` table (created on first use, beside the legacy tables): the
shipping phone (writable in v3 only), ``default_password_nag`` on customers created without a
password, and the ``meta_data`` entries clients write. Values are kept as JSON so they keep
their structure (``{"a":[1,2]}`` round-trips). Keys WooCommerce keeps out of ``meta_data``
(``billing_*``, ``shipping_*``, …) are stored here too but never listed.

Rows carry the user's login as well as the id: SQLite may hand a deleted user's id to the next
new user (the legacy API deletes users without knowing this table), and a new user must not
inherit the old one's meta.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

TABLE = """CREATE TABLE IF NOT EXISTS user_meta (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL,
    login TEXT NOT NULL,
    meta_key TEXT NOT NULL,
    meta_value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS user_meta_by_user ON user_meta (user_id, id);"""
#: Meta WooCommerce's customer data store hides from ``meta_data`` (a sample of its list).
_HIDDEN_PREFIXES = ("billing_", "shipping_", "wp_")
_HIDDEN_KEYS = frozenset({"first_name", "last_name", "last_update", "paying_customer", "nickname"})
SHIPPING_PHONE = "shipping_phone"


def create_table(conn: sqlite3.Connection) -> None:
    """Create the table if the database predates it."""
    for statement in TABLE.split(";"):
        if statement.strip():
            conn.execute(statement)


def _visible(key: str) -> bool:
    return key not in _HIDDEN_KEYS and not key.startswith(_HIDDEN_PREFIXES)


def meta_of(conn: sqlite3.Connection, user_ids: Iterable[int]) -> dict[int, list[sqlite3.Row]]:
    """Every user's meta rows, oldest first."""
    ids = list(user_ids)
    found: dict[int, list[sqlite3.Row]] = {user_id: [] for user_id in ids}
    if not ids:
        return found
    marks = ",".join("?" * len(ids))
    for row in conn.execute(
        "SELECT m.* FROM user_meta m JOIN users u ON u.id = m.user_id AND u.login = m.login"
        f" WHERE m.user_id IN ({marks}) ORDER BY m.id",
        ids,
    ).fetchall():
        found[row["user_id"]].append(row)
    return found


def shipping_phone(rows: list[sqlite3.Row]) -> str:
    """The stored shipping phone, "" when unset."""
    for row in rows:
        if row["meta_key"] == SHIPPING_PHONE:
            value = json.loads(row["meta_value"])
            return value if isinstance(value, str) else str(value)
    return ""


def meta_data(rows: list[sqlite3.Row]) -> list[dict[str, Any]]:
    """The ``meta_data`` list: ``{id,key,value}`` of the visible keys."""
    return [
        {"id": row["id"], "key": row["meta_key"], "value": json.loads(row["meta_value"])}
        for row in rows
        if _visible(row["meta_key"])
    ]


def _drop_stale(conn: sqlite3.Connection, user_id: int) -> None:
    """Forget meta of an earlier user who had this id."""
    conn.execute(
        "DELETE FROM user_meta WHERE user_id = ?"
        " AND login IS NOT (SELECT login FROM users WHERE id = ?)",
        (user_id, user_id),
    )


def set_meta(conn: sqlite3.Connection, user_id: int, key: str, value: Any) -> None:
    """Add or update ``key`` (the first entry of that key)."""
    _drop_stale(conn, user_id)
    row = conn.execute(
        "SELECT id FROM user_meta WHERE user_id = ? AND meta_key = ? ORDER BY id LIMIT 1",
        (user_id, key),
    ).fetchone()
    text = json.dumps(value)
    if row is None:
        conn.execute(
            "INSERT INTO user_meta (user_id, login, meta_key, meta_value)"
            " SELECT id, login, ?, ? FROM users WHERE id = ?",
            (key, text, user_id),
        )
    else:
        conn.execute("UPDATE user_meta SET meta_value = ? WHERE id = ?", (text, row[0]))


def apply_meta_data(conn: sqlite3.Connection, user_id: int, entries: object) -> None:
    """A request's ``meta_data``: by ``id`` if given, else by key; a null value deletes (§7)."""
    if not isinstance(entries, list):
        return
    _drop_stale(conn, user_id)
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
            continue
        key, value = entry["key"], entry.get("value")
        meta_id = entry.get("id")
        if isinstance(meta_id, int) and not isinstance(meta_id, bool):
            if value is None:
                conn.execute(
                    "DELETE FROM user_meta WHERE id = ? AND user_id = ?", (meta_id, user_id)
                )
            else:
                conn.execute(
                    "UPDATE user_meta SET meta_key = ?, meta_value = ?"
                    " WHERE id = ? AND user_id = ?",
                    (key, json.dumps(value), meta_id, user_id),
                )
        elif value is None:
            conn.execute("DELETE FROM user_meta WHERE user_id = ? AND meta_key = ?", (user_id, key))
        else:
            set_meta(conn, user_id, key, value)


def delete_user_meta(conn: sqlite3.Connection, user_id: int) -> None:
    """Drop a user's meta (on delete, and for a new user that got a deleted user's id)."""
    conn.execute("DELETE FROM user_meta WHERE user_id = ?", (user_id,))
