"""Waiting for, recording and ruling out a store service's events, typed.

The service has one signal, ``happened``, carrying a :class:`StoreEvent` dataclass. Tests wait
for or record one kind of event at a time, and get it typed as that kind:

- ``with expect(qtbot, service, SyncFinished, timeout=LONG) as finished: ...`` waits (after the
  block) for the first ``SyncFinished`` (that ``where`` accepts, if given); then
  ``finished.event.report``.
- ``heard(service, CustomersChanged)`` is a list that fills with the events of that kind, in
  order, with their arrival times in ``.times``; ``heard(service, A, B)`` records both kinds in
  one list (for tests that check the order of different events).
- ``on(service, SyncProgressed, slot)`` calls ``slot`` with each event of that kind (connected
  after the slots already there, as ``service.sync_progress.connect(slot)`` was).
- ``with not_heard(qtbot, service, SyncFinished, wait=100): ...`` fails if an event of that kind
  arrives during the block or within ``wait`` ms after it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any, Generic, TypeVar, overload

from pytestqt.qtbot import QtBot
from pytestqt.wait_signal import SignalBlocker

from app.services.events import StoreEvent
from app.services.store_service import StoreService

E = TypeVar("E", bound=StoreEvent)


class Expected(Generic[E]):
    """The event an :func:`expect` waited for (``event`` once the ``with`` block is left)."""

    def __init__(self, kind: type[E], blocker: SignalBlocker) -> None:
        self.kind = kind
        self._blocker = blocker

    @property
    def arrived(self) -> bool:
        """Whether the event arrived (only ever False with ``raising=False``)."""
        return self._blocker.signal_triggered

    @property
    def event(self) -> E:
        """The matching event (an AssertionError if none arrived)."""
        args = self._blocker.args
        assert self._blocker.signal_triggered, f"no {self.kind.__name__} arrived"
        assert args is not None
        [event] = args
        assert isinstance(event, self.kind)
        return event


@contextmanager
def expect(
    qtbot: QtBot,
    service: StoreService,
    kind: type[E],
    *,
    timeout: int,
    where: Callable[[E], bool] | None = None,
    raising: bool | None = None,
) -> Iterator[Expected[E]]:
    """Wait, on leaving the block, for the service's first event of ``kind`` (that ``where``
    accepts) heard since entering it; as ``qtbot.waitSignal`` does for one signal."""

    def matches(event: object) -> bool:
        return isinstance(event, kind) and (where is None or where(event))

    with qtbot.waitSignal(
        service.happened, timeout=timeout, raising=raising, check_params_cb=matches
    ) as blocker:
        yield Expected(kind, blocker)


@contextmanager
def expect_all(
    qtbot: QtBot, service: StoreService, *kinds: type[StoreEvent], timeout: int
) -> Iterator[None]:
    """Wait, on leaving the block, for an event of each kind, in any order (as
    ``qtbot.waitSignals`` does for several signals)."""
    with ExitStack() as stack:
        for kind in kinds:
            stack.enter_context(expect(qtbot, service, kind, timeout=timeout))
        yield


class Heard(list[E]):
    """Events of the kinds asked for, in order of arrival; ``times`` when each arrived."""

    def __init__(self, kinds: tuple[type[StoreEvent], ...]) -> None:
        super().__init__()
        self.kinds = kinds
        self.times: list[float] = []

    def hear(self, event: StoreEvent) -> None:
        if isinstance(event, self.kinds):
            self.append(event)  # type: ignore[arg-type]  # one of the kinds: E, or StoreEvent
            self.times.append(time.monotonic())


@overload
def heard(service: StoreService, kind: type[E], /) -> Heard[E]: ...


@overload
def heard(
    service: StoreService,
    kind: type[StoreEvent],
    other: type[StoreEvent],
    /,
    *more: type[StoreEvent],
) -> Heard[StoreEvent]: ...


def heard(service: StoreService, *kinds: type[StoreEvent]) -> Heard[Any]:
    """Record the service's events of these kinds from now on (in the GUI thread)."""
    recorded: Heard[Any] = Heard(kinds)
    service.happened.connect(recorded.hear)
    return recorded


def on(service: StoreService, kind: type[E], slot: Callable[[E], object]) -> None:
    """Call ``slot`` with each of the service's events of ``kind`` from now on (after the slots
    connected before, e.g. the window's own)."""

    def pick(event: StoreEvent) -> None:
        if isinstance(event, kind):
            slot(event)

    service.happened.connect(pick)


@contextmanager
def not_heard(
    qtbot: QtBot, service: StoreService, *kinds: type[StoreEvent], wait: int = 0
) -> Iterator[None]:
    """Fail if an event of these kinds arrives during the block or within ``wait`` ms after it
    (as ``qtbot.assertNotEmitted``: without ``wait``, only what the block itself causes)."""
    recorded: Heard[StoreEvent] = Heard(kinds)
    service.happened.connect(recorded.hear)
    try:
        yield
        if wait:
            qtbot.wait(wait)
    finally:
        service.happened.disconnect(recorded.hear)
    assert not recorded, f"unexpected events: {list(recorded)}"
