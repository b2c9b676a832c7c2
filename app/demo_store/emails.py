"""The e-mails the demo store "sends": recorded in ``sent_emails`` instead of delivered.

WooCommerce sends the "New account" e-mail from ``wc_create_new_customer``, so every create
sends one, whichever API it came through (reference §6.2, §19.4: bulk creates too). Both APIs'
creates record it here; tests read the table to count them.
"""

from __future__ import annotations

import sqlite3
import time

SENT_EMAILS_TABLE = """CREATE TABLE IF NOT EXISTS sent_emails (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    sent_at INTEGER NOT NULL
)"""
#: The subject of WooCommerce's "New account" e-mail (its default, with no site name).
NEW_ACCOUNT_SUBJECT = "Your account has been created"


def record_new_account_email(
    conn: sqlite3.Connection, user_id: int, recipient: str, sent_at: int | None = None
) -> None:
    """Record the "New account" e-mail to a customer just created (inside its transaction)."""
    conn.execute(SENT_EMAILS_TABLE)
    conn.execute(
        "INSERT INTO sent_emails (user_id, recipient, subject, sent_at) VALUES (?, ?, ?, ?)",
        (user_id, recipient, NEW_ACCOUNT_SUBJECT, int(time.time()) if sent_at is None else sent_at),
    )


def sent_emails(conn: sqlite3.Connection) -> list[tuple[int, str, str]]:
    """Every recorded e-mail as (user id, recipient, subject), oldest first."""
    conn.execute(SENT_EMAILS_TABLE)
    rows = conn.execute("SELECT user_id, recipient, subject FROM sent_emails ORDER BY id")
    return [(int(row[0]), str(row[1]), str(row[2])) for row in rows]
