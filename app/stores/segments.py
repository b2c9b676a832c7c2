"""Saved segments: a list's search, role and filters kept under a name, per store.

One file, ``segments.json`` in the config folder, holds every store's segments by store URL
(each store's own customers, countries and money: a segment means nothing in another store).
Written atomically; a damaged file is set aside and the app starts without segments rather
than failing. The window's segment menu and the command line's ``--segment`` use this.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain.criteria import Criteria
from app.errors import ValidationError

log = logging.getLogger("app.stores")

#: Longest segment name (a menu entry and a status bar mention stay readable).
MAX_NAME = 80


@dataclass(frozen=True)
class Segment:
    """A named list: search text, role (None: every role) and filters."""

    name: str
    search: str = ""
    role: str | None = "customer"
    criteria: Criteria = field(default_factory=Criteria)

    def to_json(self) -> dict[str, Any]:
        """The segment as saved in ``segments.json``."""
        return {
            "name": self.name,
            "search": self.search,
            "role": self.role,
            "criteria": self.criteria.to_json(),
        }

    @classmethod
    def from_json(cls, saved: object) -> Segment | None:
        """A saved segment, or None when the entry is not one (it is then left out)."""
        if not isinstance(saved, Mapping):
            return None
        name, search, role = saved.get("name"), saved.get("search", ""), saved.get("role")
        if not isinstance(name, str) or not name.strip() or not isinstance(search, str):
            return None
        if role is not None and not isinstance(role, str):
            return None
        return cls(name, search, role, Criteria.from_json(saved.get("criteria")))


def check_name(name: str, taken: list[str] | tuple[str, ...] = ()) -> str:
    """A segment name as kept (trimmed), or a ValidationError saying what is wrong with it."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationError("A segment needs a name.", field="name")
    if len(cleaned) > MAX_NAME:
        raise ValidationError(
            f"A segment name can have at most {MAX_NAME} characters.", field="name"
        )
    if cleaned.casefold() in (other.casefold() for other in taken):
        raise ValidationError(f"There is already a segment named “{cleaned}”.", field="name")
    return cleaned


def _key(name: str) -> str:
    """A name as names are compared: spaces collapsed, case ignored."""
    return " ".join(name.split()).casefold()


class SegmentStore:
    """Reads and writes the segments of every store (``AppPaths.segments_file``)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _load_all(self) -> dict[str, list[dict[str, Any]]]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            stores = raw["stores"]
            if not isinstance(stores, dict):
                raise TypeError("stores is not an object")
            return {str(url): list(entries) for url, entries in stores.items()}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, TypeError, RecursionError) as error:
            broken = self.path.with_suffix(".json.broken")
            log.warning("saved segments unreadable (%s); moved aside to %s", error, broken)
            with contextlib.suppress(OSError):
                self.path.replace(broken)
            return {}

    def _save_all(self, stores: Mapping[str, list[dict[str, Any]]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".json.tmp")
        temporary.write_text(json.dumps({"stores": stores}, indent=2), encoding="utf-8")
        temporary.replace(self.path)

    def load(self, store_url: str) -> list[Segment]:
        """A store's segments, in the order they were saved (unreadable entries left out)."""
        entries = self._load_all().get(store_url, [])
        found = [Segment.from_json(entry) for entry in entries]
        return [segment for segment in found if segment is not None]

    def find(self, store_url: str, name: str) -> Segment | None:
        """A store's segment by name (case does not matter)."""
        wanted = _key(name)
        return next((s for s in self.load(store_url) if _key(s.name) == wanted), None)

    def save(self, store_url: str, segment: Segment, *, replacing: str | None = None) -> Segment:
        """Keep ``segment`` (a new one, or in place of the one named ``replacing``).

        ``replacing`` is found as :meth:`find` finds a name (case does not matter).
        """
        segments = self.load(store_url)
        old = _key(replacing) if replacing is not None else None
        others = [s.name for s in segments if _key(s.name) != old]
        kept = Segment(
            check_name(segment.name, others), segment.search, segment.role, segment.criteria
        )
        if any(_key(s.name) == old for s in segments):
            segments = [kept if _key(s.name) == old else s for s in segments]
        else:
            segments.append(kept)
        self._write(store_url, segments)
        return kept

    def rename(self, store_url: str, old: str, new: str) -> Segment:
        """Give a segment another name; a ValidationError when the name cannot be used."""
        segment = self.find(store_url, old)
        if segment is None:
            raise ValidationError(f"There is no segment named “{old}”.", field="name")
        return self.save(
            store_url,
            Segment(new, segment.search, segment.role, segment.criteria),
            replacing=segment.name,
        )

    def delete(self, store_url: str, name: str) -> bool:
        """Forget a segment; whether there was one by that name."""
        segments = self.load(store_url)
        kept = [s for s in segments if _key(s.name) != _key(name)]
        if len(kept) == len(segments):
            return False
        self._write(store_url, kept)
        return True

    def forget_store(self, store_url: str) -> None:
        """Forget every segment of a store (its profile was forgotten)."""
        stores = self._load_all()
        if stores.pop(store_url, None) is not None:
            self._save_all(stores)

    def _write(self, store_url: str, segments: list[Segment]) -> None:
        stores = self._load_all()
        stores[store_url] = [segment.to_json() for segment in segments]
        self._save_all(stores)
