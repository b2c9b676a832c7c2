"""Stopping a worker thread from the GUI thread without ever destroying it while it runs.

A request already on the wire cannot be interrupted: a thread that does not stop in time is
unparented and kept here until the process ends (destroying a running QThread aborts the app).
It stops by itself after its current request.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QThread

log = logging.getLogger("app.worker")

#: Threads that did not stop in time, kept unparented for the rest of the run.
_STRAGGLERS: list[QThread] = []


def stop_thread(thread: QThread, timeout_ms: int) -> bool:
    """Quit ``thread``'s event loop and wait up to ``timeout_ms``; whether it stopped."""
    thread.quit()
    if thread.wait(max(0, timeout_ms)):
        return True
    log.warning(
        "the %s thread did not stop within %d ms; it will stop after its current request",
        thread.objectName(),
        timeout_ms,
    )
    thread.setParent(None)
    _STRAGGLERS.append(thread)
    return False
