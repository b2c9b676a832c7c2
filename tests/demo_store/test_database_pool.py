"""The demo store's connection pool: stopping the store never closes a connection in use."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from app.demo_store.schema import Database


def test_closing_leaves_a_connection_in_use_open_until_its_thread_gives_it_back(
    tmp_path: Path,
) -> None:
    db = Database(tmp_path / "store.sqlite3")
    taken = threading.Event()
    closed = threading.Event()
    seen: list[object] = []

    def request() -> None:
        conn = db.connection()
        taken.set()
        closed.wait(10)
        # The store was stopped meanwhile: this thread's statement must still run.
        seen.append(conn.execute("SELECT COUNT(*) FROM api_keys").fetchone()[0])
        db.release()
        with pytest.raises(sqlite3.ProgrammingError):
            conn.execute("SELECT 1")  # given back after the close: closed now
        seen.append("released")

    worker = threading.Thread(target=request)
    worker.start()
    assert taken.wait(10)
    db.close()
    closed.set()
    worker.join(10)
    assert seen == [0, "released"]
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        db.connection()
