"""Saved segments: per store URL, names checked, written atomically, a damaged file set aside."""

from __future__ import annotations

import json
import logging
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.criteria import Criteria
from app.errors import ValidationError
from app.paths import AppPaths
from app.stores.segments import MAX_NAME, Segment, SegmentStore, check_name

SHOP = "https://shop.example"
OUTLET = "http://outlet.test"

VIP = Segment(
    "VIP in Germany",
    search="gmbh",
    role=None,
    criteria=Criteria(countries=("DE",), min_spent=Decimal("1000"), has_phone=True),
)
NEW = Segment("New this year", criteria=Criteria(registered_after=date(2025, 1, 1)))


@pytest.fixture
def segments(tmp_path: Path) -> SegmentStore:
    return SegmentStore(tmp_path / "config" / "segments.json")


def test_the_file_is_in_the_config_folder(tmp_path: Path) -> None:
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "cache", tmp_path / "log")
    assert paths.segments_file == tmp_path / "config" / "segments.json"


def test_no_file_means_no_segments(segments: SegmentStore) -> None:
    assert segments.load(SHOP) == []
    assert segments.find(SHOP, "VIP in Germany") is None
    assert not segments.path.exists()


def test_saved_segments_read_back_per_store_in_their_order(segments: SegmentStore) -> None:
    assert segments.save(SHOP, VIP) == VIP
    segments.save(SHOP, NEW)
    segments.save(OUTLET, NEW)
    assert segments.load(SHOP) == [VIP, NEW]
    assert segments.load(OUTLET) == [NEW]
    assert segments.load("https://other.example") == []
    # A second store object reads the same file.
    assert SegmentStore(segments.path).load(SHOP) == [VIP, NEW]


def test_find_ignores_case_and_extra_spaces(segments: SegmentStore) -> None:
    segments.save(SHOP, VIP)
    assert segments.find(SHOP, "vip  in GERMANY ") == VIP
    assert segments.find(OUTLET, "VIP in Germany") is None


def test_a_name_is_kept_trimmed(segments: SegmentStore) -> None:
    kept = segments.save(SHOP, Segment("  Big   spenders "))
    assert kept.name == "Big spenders"
    assert segments.load(SHOP) == [kept]


@pytest.mark.parametrize("name", ["VIP in Germany", "vip in germany", " VIP  IN germany "])
def test_a_name_taken_in_the_same_store_is_refused_whatever_its_case(
    segments: SegmentStore, name: str
) -> None:
    segments.save(SHOP, VIP)
    with pytest.raises(ValidationError) as raised:
        segments.save(SHOP, Segment(name))
    assert raised.value.field == "name"
    assert "There is already a segment named “" in str(raised.value)
    assert segments.load(SHOP) == [VIP]
    # Another store may use it.
    segments.save(OUTLET, Segment(name))


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_an_empty_name_is_refused(segments: SegmentStore, name: str) -> None:
    with pytest.raises(ValidationError, match=r"A segment needs a name\.") as raised:
        segments.save(SHOP, Segment(name))
    assert raised.value.field == "name"
    assert not segments.path.exists()


def test_a_name_over_the_limit_is_refused(segments: SegmentStore) -> None:
    assert check_name("x" * MAX_NAME) == "x" * MAX_NAME
    with pytest.raises(ValidationError, match=f"at most {MAX_NAME} characters") as raised:
        segments.save(SHOP, Segment("x" * (MAX_NAME + 1)))
    assert raised.value.field == "name"


def test_saving_in_place_of_a_segment_replaces_it_where_it_was(segments: SegmentStore) -> None:
    segments.save(SHOP, VIP)
    segments.save(SHOP, NEW)
    changed = Segment("VIP in Germany", criteria=Criteria(countries=("AT",)))
    segments.save(SHOP, changed, replacing="VIP in Germany")
    assert segments.load(SHOP) == [changed, NEW]


def test_replacing_may_change_only_the_case_of_a_name(segments: SegmentStore) -> None:
    segments.save(SHOP, VIP)
    segments.save(SHOP, Segment("vip in germany"), replacing="vip in GERMANY")
    assert [segment.name for segment in segments.load(SHOP)] == ["vip in germany"]


def test_rename_keeps_the_filters_and_the_place(segments: SegmentStore) -> None:
    segments.save(SHOP, VIP)
    segments.save(SHOP, NEW)
    renamed = segments.rename(SHOP, "vip in germany", "Best customers")
    assert renamed == Segment("Best customers", VIP.search, VIP.role, VIP.criteria)
    assert segments.load(SHOP) == [renamed, NEW]
    assert segments.rename(SHOP, "Best customers", "BEST customers").name == "BEST customers"


def test_rename_refuses_a_missing_segment_or_a_taken_name(segments: SegmentStore) -> None:
    segments.save(SHOP, VIP)
    segments.save(SHOP, NEW)
    with pytest.raises(ValidationError, match=r"There is no segment named “Nope”\."):
        segments.rename(SHOP, "Nope", "Other")
    with pytest.raises(ValidationError, match="already a segment"):
        segments.rename(SHOP, "VIP in Germany", "new THIS year")
    with pytest.raises(ValidationError, match="needs a name"):
        segments.rename(SHOP, "VIP in Germany", " ")
    assert segments.load(SHOP) == [VIP, NEW]


def test_delete_forgets_one_segment_of_one_store(segments: SegmentStore) -> None:
    segments.save(SHOP, VIP)
    segments.save(SHOP, NEW)
    segments.save(OUTLET, VIP)
    assert segments.delete(SHOP, " vip in germany")
    assert not segments.delete(SHOP, "VIP in Germany")
    assert segments.load(SHOP) == [NEW]
    assert segments.load(OUTLET) == [VIP]


def test_forget_store_removes_its_segments_only(segments: SegmentStore) -> None:
    segments.save(SHOP, VIP)
    segments.save(OUTLET, NEW)
    segments.forget_store(SHOP)
    assert segments.load(SHOP) == []
    assert segments.load(OUTLET) == [NEW]
    assert SHOP not in json.loads(segments.path.read_text(encoding="utf-8"))["stores"]
    segments.forget_store("https://never.example")  # nothing to forget: no error
    assert segments.load(OUTLET) == [NEW]


def test_writes_leave_no_temporary_file(segments: SegmentStore) -> None:
    segments.save(SHOP, VIP)
    segments.rename(SHOP, VIP.name, "Other")
    segments.delete(SHOP, "Other")
    segments.save(OUTLET, NEW)
    segments.forget_store(OUTLET)
    assert sorted(path.name for path in segments.path.parent.iterdir()) == ["segments.json"]


def test_a_failed_write_keeps_the_file_as_it_was(
    segments: SegmentStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    segments.save(SHOP, VIP)
    before = segments.path.read_bytes()

    def refuse(*_args: object, **_kwargs: object) -> str:
        raise TypeError("not serialisable")

    monkeypatch.setattr(json, "dumps", refuse)
    with pytest.raises(TypeError):
        segments.save(SHOP, NEW)
    monkeypatch.undo()
    assert segments.path.read_bytes() == before
    assert segments.load(SHOP) == [VIP]


def test_the_saved_form(segments: SegmentStore) -> None:
    segments.save(SHOP, VIP)
    saved = json.loads(segments.path.read_text(encoding="utf-8"))
    assert saved == {
        "stores": {
            SHOP: [
                {
                    "name": "VIP in Germany",
                    "search": "gmbh",
                    "role": None,
                    "criteria": {"countries": ["DE"], "min_spent": "1000", "has_phone": True},
                }
            ]
        }
    }


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "[]",
        '"stores"',
        "{}",
        '{"stores": []}',
        '{"stores": {"https://shop.example": 5}}',
        "\udcff",
        "[" * 100_000,  # deeper than the JSON reader goes
    ],
)
def test_a_damaged_file_is_set_aside_and_the_app_goes_on(
    segments: SegmentStore, text: str, caplog: pytest.LogCaptureFixture
) -> None:
    segments.path.parent.mkdir(parents=True)
    segments.path.write_bytes(text.encode("utf-8", "surrogateescape"))
    with caplog.at_level(logging.WARNING, logger="app.stores"):
        assert segments.load(SHOP) == []
    broken = segments.path.with_name("segments.json.broken")
    assert broken.read_bytes() == text.encode("utf-8", "surrogateescape")
    assert not segments.path.exists()
    assert "saved segments unreadable" in caplog.text
    # Saving starts a fresh file.
    segments.save(SHOP, VIP)
    assert segments.load(SHOP) == [VIP]


def test_unreadable_entries_are_left_out_and_the_rest_kept(segments: SegmentStore) -> None:
    segments.path.parent.mkdir(parents=True)
    entries = [
        VIP.to_json(),
        "a string",
        {"search": "no name"},
        {"name": "  "},
        {"name": "Bad role", "role": 5},
        {"name": "Bad search", "search": None},
        {"name": "Bad criteria", "criteria": "x"},
        {"name": "Damaged filter", "criteria": {"min_orders": "x", "countries": ["AT"]}},
    ]
    segments.path.write_text(json.dumps({"stores": {SHOP: entries}}), encoding="utf-8")
    assert segments.load(SHOP) == [
        VIP,
        Segment("Bad criteria", role=None),
        Segment("Damaged filter", role=None, criteria=Criteria(countries=("AT",))),
    ]
