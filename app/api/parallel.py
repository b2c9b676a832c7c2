"""Bounded parallel requests: run a fetch over keys with a few in flight, yield as each lands."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TypeVar

from app.api.transport import CancelToken

_T = TypeVar("_T")


def parallel_keyed(
    fetch: Callable[[int], _T], keys: Sequence[int] | range, limit: int, cancel: CancelToken | None
) -> Iterator[tuple[int, _T]]:
    """Run ``fetch`` over ``keys`` with at most ``limit`` in flight; yield as each completes."""
    waiting = deque(keys)
    if not waiting:
        return
    pool = ThreadPoolExecutor(max_workers=max(1, limit), thread_name_prefix="woo-page")
    running: dict[Future[_T], int] = {}
    try:
        while waiting or running:
            # One more page queued than requests in flight: a worker never idles while the
            # caller is busy with the page it just got.
            while waiting and len(running) < limit + 1:
                if cancel is not None:
                    cancel.raise_if_cancelled()
                key = waiting.popleft()
                running[pool.submit(fetch, key)] = key
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                key = running.pop(future)
                result = future.result()
                if cancel is not None:
                    cancel.raise_if_cancelled()  # nothing is handed over once cancelled
                yield key, result
    finally:
        # Requests already on the wire finish in the background; nothing waits for them.
        pool.shutdown(wait=False, cancel_futures=True)
