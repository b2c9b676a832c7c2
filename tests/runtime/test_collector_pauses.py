"""The cycle collector is paused while a large result is built, and kept off it afterwards."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from app.runtime.collector_pauses import long_lived_results


@pytest.fixture
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()  # leave the test process as it was


@pytest.mark.usefixtures("unfrozen")
def test_the_collector_pauses_while_building_and_the_result_is_frozen_after() -> None:
    assert gc.isenabled()
    before = gc.get_freeze_count()
    with long_lived_results():
        assert not gc.isenabled()
        result = [object() for _ in range(1000)] + [[] for _ in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= before + 1000
    assert len(result) == 2000


@pytest.mark.usefixtures("unfrozen")
def test_the_collector_comes_back_after_a_failure() -> None:
    with pytest.raises(RuntimeError), long_lived_results():
        raise RuntimeError("the plan failed")
    assert gc.isenabled()
