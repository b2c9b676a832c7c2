"""Stopping a worker thread from the GUI thread without ever destroying it while it runs.

A request already on the wire cannot be interrupted: a thread that does not stop in time is
unparented and kept here until the process ends (destroying a running QThread aborts the app),
with the worker it runs (a worker destroyed by its owner's garbage, in the GUI thread, while it
still runs a request would crash the app). It stops by itself after its current request.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QThread

log = logging.getLogger("app.worker")

#: Threads that did not stop in time, kept unparented for the rest of the run, with their workers.
_STRAGGLERS: list[tuple[QThread, QObject | None]] = []


def stop_thread(thread: QThread, timeout_ms: int, worker: QObject | None = None) -> bool:
    """Quit ``thread``'s event loop and wait up to ``timeout_ms``; whether it stopped.

    A thread that did not stop is kept, with ``worker`` (the object living in it), until the
    process ends.
    """
    thread.quit()
    if thread.wait(max(0, timeout_ms)):
        return True
    log.warning(
        "the %s thread did not stop within %d ms; it will stop after its current request",
        thread.objectName(),
        timeout_ms,
    )
    thread.setParent(None)
    _STRAGGLERS.append((thread, worker))
    return False
