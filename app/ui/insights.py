"""Insights: the part of the window that keeps the insights view in step with the store.

Owns the :class:`~app.ui.insights_view.InsightsView` and when it is recomputed: at once when
the list's view changes (:meth:`Insights.view_changed`), and, gathered into one recompute at
most every :data:`REFRESH_DELAY_MS`, when the store's customers, money format or sync state
change. While the view is hidden nothing is computed; it catches up when shown. The view is
made (and its module imported) only when the dock is first shown: the window starts without it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, SignalInstance, Slot
from PySide6.QtWidgets import QDockWidget, QMainWindow, QVBoxLayout, QWidget

from app.cache.repository import CustomerFilter
from app.domain.criteria import Criteria
from app.services.events import CustomersChanged, StoreEvent, StoreInfoLoaded, SyncFinished
from app.ui.session import StoreSession
from app.ui.session_part import SessionPart

if TYPE_CHECKING:
    from app.ui.insights_view import InsightsView

#: The dock's width when first shown, and the narrowest it can be dragged (the figures scroll up
#: and down instead).
DEFAULT_WIDTH = 360
MINIMUM_WIDTH = 260

#: How long changes to the cache gather before the figures are read again. A sync stores a
#: page every few tens of milliseconds; one recompute of 100,000 customers takes tens.
REFRESH_DELAY_MS = 300


class _ViewHolder(QWidget):
    """The dock's content: the insights view once made, and until then its width already."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("insightsHolder")
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """:data:`DEFAULT_WIDTH` wide: the charts take the width given."""
        return QSize(DEFAULT_WIDTH, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """No narrower than :data:`MINIMUM_WIDTH`."""
        return QSize(MINIMUM_WIDTH, super().minimumSizeHint().height())


class Insights(SessionPart):
    """The insights view over the attached store's list (see the module docstring).

    The view lives in a dock on the window's right (``insightsDock``), hidden until the user
    shows it (View > Insights, ``toggle_action``); the window remembers whether it is shown.

    Args:
        window: the main window, whose right dock area takes the view.
        view_changed: the list's signal that it shows another view.
        add_filter: what takes a clicked bar's filter (the filters' ``add``).
    """

    def __init__(
        self,
        window: QMainWindow,
        view_changed: SignalInstance,
        add_filter: Callable[[Criteria], object],
    ) -> None:
        super().__init__(window)
        self._view: InsightsView | None = None
        self._add_filter = add_filter
        self.dock = QDockWidget("Insights", window)
        self.dock.setObjectName("insightsDock")
        self._holder = _ViewHolder()
        self.dock.setWidget(self._holder)
        self.dock.visibilityChanged.connect(self._on_dock_visibility_changed)
        self.dock.setAllowedAreas(
            Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
        )
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        self.toggle_action = self.dock.toggleViewAction()
        self.toggle_action.setObjectName("actionInsights")
        self.toggle_action.setText("&Insights")
        self.toggle_action.setShortcut("Ctrl+Shift+I")
        self.toggle_action.setToolTip("Summary figures and charts of the customers listed")
        view_changed.connect(self.view_changed)
        self._filter = CustomerFilter()
        self._stale = True
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setObjectName("insightsRefreshTimer")
        self.refresh_timer.setSingleShot(True)
        self.refresh_timer.setInterval(REFRESH_DELAY_MS)
        self.refresh_timer.timeout.connect(self.refresh)

    @property
    def view(self) -> InsightsView:
        """The insights view (made now, in the dock, if it was not yet)."""
        if self._view is None:
            from app.ui.insights_view import InsightsView

            self._view = InsightsView()
            self._view.filter_wanted.connect(self._add_filter)
            self._view.installEventFilter(self)
            self._holder.column.addWidget(self._view)
        return self._view

    @Slot(bool)
    def _on_dock_visibility_changed(self, visible: bool) -> None:
        if visible:
            self.view.show()  # made on first showing; shown, it catches up (eventFilter)

    def attach(self, session: StoreSession) -> None:
        """Follow a store: its list's view as the model shows it, its changes."""
        self._session = session
        self._filter = session.model.view
        session.service.happened.connect(self._on_service_happened)
        self.refresh()

    def detach(self) -> None:
        """Let go of the store (before it closes): nothing scheduled may read its cache."""
        self.refresh_timer.stop()
        if self._session is not None:
            self._session.service.happened.disconnect(self._on_service_happened)
        self._session = None
        self._stale = True

    @Slot(CustomerFilter)
    def view_changed(self, view: CustomerFilter) -> None:
        """The list shows another view: its figures, now (or when the view is next shown)."""
        self._filter = view
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Recompute the view's figures, unless it is hidden (then when it is shown)."""
        self.refresh_timer.stop()
        if self._session is None:
            return
        if self._view is None or not self._view.isVisible():
            self._stale = True
            return
        self._stale = False
        self._view.show_view(self._session.cache, self._filter)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """The view shown again catches up with what changed while it was hidden."""
        if watched is self._view and event.type() == QEvent.Type.Show and self._stale:
            # Shown now, visible only once the event is handled: recompute right after.
            QTimer.singleShot(0, self, self.refresh)
        return super().eventFilter(watched, event)

    @Slot(StoreEvent)
    def _on_service_happened(self, event: StoreEvent) -> None:
        match event:
            case CustomersChanged() | SyncFinished() | StoreInfoLoaded():
                # Not restarted by each event: a long sync still updates the figures as it goes.
                if not self.refresh_timer.isActive():
                    self.refresh_timer.start()
            case _:
                pass
