"""Which requests a demo store served: a log taken where every request passes (its faults)."""

from __future__ import annotations

from app.demo_store import DemoStore

#: The paths of the two public indexes API detection asks (app.api.choice.detect_apis).
INDEX_PATHS = ("/wc-api/v3", "/wc-api/v3/", "/wp-json/wc/v3", "/wp-json/wc/v3/")


def log_requests(store: DemoStore) -> list[str]:
    """From now on, ``"METHOD /path"`` of every request the store serves, in order."""
    seen: list[str] = []
    pick = store.faults.pick

    def logged(method: str, path: str) -> object:
        seen.append(f"{method} {path}")
        return pick(method, path)

    store.faults.pick = logged  # type: ignore[assignment,method-assign]
    return seen


def index_requests(seen: list[str]) -> list[str]:
    """The detection requests among ``seen``."""
    return [line for line in seen if line.split(" ", 1)[1] in INDEX_PATHS]
