"""The GUI thread's timer that runs Python's cycle collector, so that it runs nowhere else.

Why only there is told in app/runtime/cycle_collector.py: garbage holding a Qt object must be
destroyed in the GUI thread, and automatic collection would do it in whichever thread
allocates, an API worker's included.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Slot

from app.runtime.cycle_collector import collect_if_due, collect_only_when_asked

#: How often the GUI thread looks whether a collection is due. Python would look at every
#: allocation; a few times a second keeps garbage from piling up without costing the window
#: anything (most looks find nothing due, and a young collection takes well under 1 ms).
CHECK_INTERVAL_MS = 250

_OBJECT_NAME = "cycleCollectorTimer"


class CollectorTimer(QObject):
    """Collects garbage in the GUI thread by Python's thresholds, with automatic collection off.

    One per application (:func:`collect_in_gui_thread` makes it); it lives as long as the
    application object does.
    """

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName(_OBJECT_NAME)
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        """Turn automatic collection off and start collecting from this (the GUI) thread."""
        collect_only_when_asked()
        self._timer.start()

    @Slot()
    def _on_timer_timeout(self) -> None:
        collect_if_due()


def collect_in_gui_thread(application: QCoreApplication) -> CollectorTimer:
    """From now on, collect garbage only in the GUI thread (idempotent: one timer per app)."""
    existing = application.findChild(CollectorTimer, _OBJECT_NAME)
    if existing is not None:
        return existing
    timer = CollectorTimer(application)
    timer.start()
    return timer
