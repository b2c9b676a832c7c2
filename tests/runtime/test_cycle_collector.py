"""The cycle collector: paused while large results are built (by any number of threads),
frozen off them afterwards, and run by one thread's calls when the app asks for that."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from app.runtime.cycle_collector import (
    collect_automatically,
    collect_if_due,
    collect_only_when_asked,
    collects_only_when_asked,
    long_lived_results,
)


@pytest.fixture
def restored() -> Iterator[None]:
    """Leave the process's collector as the test found it (mode, freeze)."""
    was_asked = collects_only_when_asked()
    yield
    gc.unfreeze()
    if was_asked:
        collect_only_when_asked()
    else:
        collect_automatically()


@pytest.fixture
def automatic(restored: None) -> None:
    collect_automatically()


@pytest.fixture
def when_asked(restored: None) -> None:
    collect_only_when_asked()


class Cycle:
    """An object only the collector can free (it refers to itself)."""

    def __init__(self) -> None:
        self.me = self


@pytest.mark.usefixtures("automatic")
def test_the_collector_pauses_while_building_and_the_result_is_frozen_after() -> None:
    assert gc.isenabled()
    before = gc.get_freeze_count()
    with long_lived_results():
        assert not gc.isenabled()
        result = [object() for _ in range(1000)] + [[] for _ in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= before + 1000
    assert len(result) == 2000


@pytest.mark.usefixtures("automatic")
def test_the_collector_comes_back_after_a_failure() -> None:
    with pytest.raises(RuntimeError), long_lived_results():
        raise RuntimeError("the plan failed")
    assert gc.isenabled()


@pytest.mark.usefixtures("automatic")
def test_with_two_threads_building_the_collector_comes_back_when_the_last_one_is_done() -> None:
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def second() -> None:
        first_in.wait()
        with long_lived_results():
            second_in.set()
            first_out.wait()
            seen["while the second builds"] = gc.isenabled()

    thread = threading.Thread(target=second)
    thread.start()
    with long_lived_results():
        first_in.set()
        second_in.wait()
    first_out.set()  # the first is done while the second still builds
    thread.join()
    assert seen == {"while the second builds": False}
    assert gc.isenabled()


@pytest.mark.usefixtures("when_asked")
def test_when_one_thread_collects_a_build_leaves_automatic_collection_off() -> None:
    assert not gc.isenabled()
    with long_lived_results():
        pass
    assert not gc.isenabled()
    assert collects_only_when_asked()


@pytest.mark.usefixtures("when_asked")
def test_collect_if_due_collects_once_the_young_generation_passes_its_threshold() -> None:
    gc.collect()
    young_limit = gc.get_threshold()[0]
    Cycle()
    assert collect_if_due() == 0  # far below the threshold: nothing is due
    keep: list[list[int]] = [[] for _ in range(young_limit + 10)]  # allocations past it
    assert collect_if_due() >= 1  # the cycle is found
    assert gc.get_count()[0] < young_limit
    assert len(keep) > young_limit


@pytest.mark.usefixtures("when_asked")
def test_collect_if_due_waits_while_a_result_is_being_built() -> None:
    gc.collect()
    with long_lived_results():
        Cycle()
        keep: list[list[int]] = [[] for _ in range(gc.get_threshold()[0] + 10)]
        assert collect_if_due() == 0
    assert len(keep) > 0
