"""Replay of a real store's recorded list, count and orderby answers against the demo store.

transcripts/legacy-v3-wc-3.5.3.jsonl (README beside it) holds what a WooCommerce 3.5.3 store
answered to 384 requests in December 2026. This module replays the rows of the groups "list",
"count" and "order" against two demo stores holding data shaped like the recorded store's (an
HTTPS one for Basic auth and query-string keys, a plain-HTTP one for OAuth): the administrator,
a few named customers, a thousand bulk-created ones, customers owned by the run (their emails
carry its token) and the eight-customer "sort set".

Compared per row: the status; the Content-Type; which ``X-WC-*`` headers came; the Link lines
(relations in order, and their URLs once the host, token, credentials and the last page number
are normalised); ``X-WC-Total``/``X-WC-TotalPages`` exactly where the recorded figure is small
(the demo has the same customers for it), else only "more than one page" on both sides; error
bodies byte for byte; key sets (in order) of the body and of each listed customer; how many
customers came where the recorded body is complete and small; and, for orders with no ties in
the sort set (ids, logins, emails), the order itself. The data's ids and dates were normalised
by the recorder, so ids and times are never compared.

Rows that cannot be replayed say why in :data:`NOT_REPLAYED`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from app.demo_store import DemoStore, StoreConfig
from tests.support.store_http import StoreHttp

#: A copy of shared/reference/transcripts/legacy-v3-wc-3.5.3.jsonl (README beside it), shared
#: with the replay of the other groups (test_transcript_replay.py).
TRANSCRIPT = Path(__file__).parents[1] / "data" / "transcripts" / "legacy-v3-wc-3.5.3.jsonl"
GROUPS = ("list", "count", "order")
TOKEN = "tok5e1"
SORT_SET = ["kilo0", "alpha1", "echo2", "zulu3", "bravo4", "mike5", "delta6", "hotel7"]
BENCH = 1100  # more than 1000: "filter[limit]=1000" has a second page, as on the real store
#: Where the recorded total is at most this, the demo store holds the same customers for it.
EXACT_UP_TO = 10
#: Orders of the sort set with nothing tied: the recorded order is the order.
UNTIED = {"ID", "id", "Id", "REGISTERED", "login", "email", "nicename", "display_name", "name"}
UNTIED |= {"bogus", "include"}
NOT_REPLAYED = {
    "list page = last page": (
        "the recorded {{var:last_page}} was stale (page 512 of 516), not the last page"
    ),
    "list owned: filter[q]=email upper-case": (
        "the recorded match has another domain than the one searched; the recorder's data"
        " cannot be rebuilt"
    ),
}
LINK = re.compile(r'<(?P<url>[^>]*)>; rel="(?P<rel>[a-z]+)"')
ROW_REQUEST = re.compile(
    r"^(?P<method>[A-Z]+) (?P<route>[^?\s]+)(?:\?(?P<query>.*?))? \[(?P<transport>[^,]+), key=rw\]$"
)


def load_rows() -> list[dict[str, Any]]:
    """The recorded rows of the replayed groups."""
    with TRANSCRIPT.open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    return [row for row in rows if row["group"] in GROUPS]


ROWS = load_rows()


@dataclass(frozen=True)
class Shops:
    """The two demo stores and what the rows refer to."""

    https: DemoStore
    http: DemoStore
    verify: str
    full_ids: dict[str, int]  # the "full" customer's id in each store, by transport
    since: datetime


def populate(client: StoreHttp) -> int:
    """Give a store the recorded store's shape; the "full" customer's id."""

    def create(customer: dict[str, Any]) -> int:
        answer = client.post("/customers", {"customer": customer})
        assert answer.status_code == 201, answer.text
        created: int = answer.json()["customer"]["id"]
        return created

    for name in ("alice", "bob", "carla"):
        create({"email": f"{name}@example.com", "first_name": name.title()})
    create({"email": "frank+tag@example.com", "username": "frank"})
    for start in range(0, BENCH, 100):
        items = [{"email": f"load{n:05d}@bench.example"} for n in range(start, start + 100)]
        assert client.post("/customers/bulk", {"customers": items}).status_code == 201
    full = create(
        {
            "email": f"full.{TOKEN}@example.com",
            "username": f"full.{TOKEN}",
            "first_name": "Zoë",
            "last_name": "Ordén-full",
            "billing_address": {"city": "São Paulo", "state": "SP", "country": "BR"},
        }
    )
    for local in ("p+tag", "o'brien", *(f"own{n:02d}" for n in range(12))):
        create({"email": f"{local}.{TOKEN}@example.com"})
    for login in SORT_SET:
        create({"email": f"{login}.{TOKEN}@srt.example.com", "billing_address": {"city": login}})
    return full


@pytest.fixture(scope="module")
def shops(tls_certificate: tuple[Path, Path]) -> Iterator[Shops]:
    """The HTTPS and the HTTP demo store, populated alike."""
    since = datetime.now(UTC) - timedelta(hours=2)
    https = DemoStore.start(StoreConfig(customers=0, certificate=tls_certificate))
    http = DemoStore.start(StoreConfig(customers=0))
    try:
        verify = str(tls_certificate[0])
        full_ids = {
            "https": populate(StoreHttp(https, verify=verify)),
            "http": populate(StoreHttp(http)),
        }
        yield Shops(https, http, verify, full_ids, since)
    finally:
        https.stop()
        http.stop()


def _substitute(text: str, shops: Shops, transport: str) -> str:
    since = shops.since
    values = {
        "{{id:full}}": str(shops.full_ids["http" if transport == "HTTP/OAuth" else "https"]),
        "{{var:since}}": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "{{var:since_frac}}": since.strftime("%Y-%m-%dT%H:%M:%S.123456Z"),
        # The same clock time with a +14:00 offset, which the store replaces by UTC.
        "{{var:future_local}}": since.strftime("%Y-%m-%dT%H:%M:%S+14:00"),
    }
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text.replace("TOK", TOKEN)


def send(row: dict[str, Any], shops: Shops) -> requests.Response:
    """Send a row's request the way the recorder did (transport, auth, raw or encoded)."""
    match = ROW_REQUEST.match(row["request"])
    assert match, row["request"]
    transport = match["transport"]
    query = _substitute(match["query"] or "", shops, transport)
    route = match["route"]
    if transport == "HTTP/OAuth":
        client = StoreHttp(shops.http)
    else:
        auth = "query" if transport == "HTTPS/query-keys" else "basic"
        client = StoreHttp(shops.https, auth=auth, verify=shops.verify)
    if "%" in query:
        # Sent already encoded: the URL must reach the store exactly as written.
        basic = (client.key.consumer_key, client.key.consumer_secret)
        url = f"{client.store.api_url}{route}?{query}"
        return client.session.request(
            match["method"], url, auth=basic, verify=shops.verify, timeout=30
        )
    pairs = [
        tuple(piece.split("=", 1)) if "=" in piece else (piece, "") for piece in query.split("&")
    ]
    return client.request(match["method"], route, [p for p in pairs if p[0]])  # type: ignore[misc]


# -- comparing ----------------------------------------------------------------------------------


def link_lines(headers: dict[str, str] | requests.structures.CaseInsensitiveDict[str]) -> list[str]:
    value = headers.get("Link")
    return [f'<{m["url"]}>; rel="{m["rel"]}"' for m in LINK.finditer(value or "")]


def normalise_link(line: str) -> str:
    """A Link line with the host, token, credentials and the last page's number made neutral
    (also when they are the recorder's placeholders already)."""
    line = re.sub(r"<https?://[^/>]+", "<https://shop.example.com", line)
    line = line.replace(TOKEN, "<TOK>")
    value = r"(?:<[^<>]*>|[^&<>]+)"
    for name, placeholder in (
        ("oauth_consumer_key", "<CK:rw>"),
        ("oauth_timestamp", "<oauth_timestamp>"),
        ("oauth_nonce", "<oauth_nonce>"),
        ("oauth_signature", "<oauth_signature>"),
        ("consumer_key", "<CK:rw>"),
        ("consumer_secret", "<CS:rw>"),
    ):
        line = re.sub(rf"(?<![a-z_]){name}={value}", f"{name}={placeholder}", line)
    if line.endswith('rel="last"'):
        line = re.sub(r"page=[0-9.]+>", "page=<n>>", line)
    return line


def decode(body: str) -> Any:
    """The recorded body (at most 4,000 characters kept): JSON, or as much of a list's leading
    items as is complete, as ``{key: [items…], "…truncated": True}``."""
    try:
        return json.loads(body)
    except ValueError:
        pass
    match = re.match(r'^\{"(?P<key>[a-z_]+)":\[', body)
    assert match, body[:200]
    decoder = json.JSONDecoder()
    items: list[Any] = []
    position = match.end()
    while True:
        try:
            item, position = decoder.raw_decode(body, position)
        except ValueError:
            return {match["key"]: items, "…truncated": True}
        items.append(item)
        position += 1  # the comma


def _total(value: str | None) -> int | None:
    return None if value is None else int(value)


def compare_paging(recorded: dict[str, str], answer: requests.Response) -> bool:
    """Compare ``X-WC-Total``/``X-WC-TotalPages``; whether the total was compared exactly."""
    assert ("X-WC-Total" in recorded) == ("X-WC-Total" in answer.headers)
    assert ("X-WC-TotalPages" in recorded) == ("X-WC-TotalPages" in answer.headers)
    total = _total(recorded.get("X-WC-Total"))
    if total is None:
        return False
    got_total = int(answer.headers["X-WC-Total"])
    pages, got_pages = int(recorded["X-WC-TotalPages"]), int(answer.headers["X-WC-TotalPages"])
    if total <= EXACT_UP_TO:
        assert (got_total, got_pages) == (total, pages)
        return True
    assert got_total > EXACT_UP_TO
    assert got_pages == pages if pages <= 1 else got_pages > 1
    return False


def compare_customers(
    recorded: list[Any], got: list[Any], complete: bool, exact: bool, ordered: bool
) -> None:
    """Element types, key sets (in order) and, where meaningful, the number and order."""
    if recorded:
        first = recorded[0]
        for item in got:
            assert type(item) is type(first)
            if isinstance(first, dict):
                assert list(item) == list(first)
                for key, value in first.items():
                    if isinstance(value, dict):
                        assert list(item[key]) == list(value)
    if complete and (exact or len(recorded) <= EXACT_UP_TO):
        assert len(got) == len(recorded)
    if ordered:
        emails = [item["email"].replace(TOKEN, "<TOK>") for item in got]
        assert emails == [item["email"] for item in recorded]


def _orderby(row: dict[str, Any]) -> str | None:
    match = re.search(r"filter\[orderby\]=([^&\s]*)", row["request"])
    return match[1] if match else None


def compare(row: dict[str, Any], answer: requests.Response) -> None:
    """Everything the row lets us compare, as described in the module docstring."""
    recorded_headers: dict[str, str] = row["headers"]
    assert answer.status_code == row["status"], answer.text[:500]
    assert answer.headers["Content-Type"] == recorded_headers["Content-Type"]
    got_x = {name for name in answer.headers if name.lower().startswith("x-wc-")}
    assert {name.lower() for name in got_x} == {
        name.lower() for name in recorded_headers if name.lower().startswith("x-wc-")
    }
    got_links = [normalise_link(line) for line in link_lines(answer.headers)]
    assert got_links == [normalise_link(line) for line in row["link"]]
    exact = compare_paging(recorded_headers, answer)
    body: str = row["body"]
    if not body:
        assert answer.content == b""
        return
    if row["status"] == 500:
        assert answer.text == body
        return
    got_text = answer.text
    jsonp = re.fullmatch(r"/\*\*/(?P<callback>[\w.-]+)\((?P<json>.*)\)", body, re.DOTALL)
    if jsonp:
        prefix = f"/**/{jsonp['callback']}("
        assert got_text.startswith(prefix), got_text[:200]
        assert got_text.endswith(")"), got_text[-200:]
        body, got_text = jsonp["json"], got_text[len(prefix) : -1]
    recorded = decode(body)
    got = json.loads(got_text)
    if isinstance(recorded, list):  # the JSONP callback error: a list of one error
        assert got == recorded
        return
    complete = "…truncated" not in recorded
    assert sorted(got) == sorted(key for key in recorded if key != "…truncated")
    if "errors" in recorded:
        assert got == recorded
    elif "count" in recorded:
        assert isinstance(got["count"], int)
        if recorded["count"] <= EXACT_UP_TO:
            assert got["count"] == recorded["count"]
        else:
            assert got["count"] > EXACT_UP_TO
    else:
        orderby = _orderby(row)
        ordered = (
            "srt.example.com" in row["request"]
            and orderby in UNTIED
            and complete
            and bool(recorded["customers"])
            and "email" in recorded["customers"][0]
        )
        compare_customers(recorded["customers"], got["customers"], complete, exact, ordered)


def _replayable(row: dict[str, Any]) -> Any:
    reason = NOT_REPLAYED.get(row["name"])
    marks = [pytest.mark.skip(reason=reason)] if reason else []
    return pytest.param(row, id=row["name"], marks=marks)


@pytest.mark.parametrize("row", [_replayable(row) for row in ROWS])
def test_demo_store_answers_like_the_recorded_store(shops: Shops, row: dict[str, Any]) -> None:
    """Each recorded list/count/order request, replayed: the demo store's answer has the real
    store's status, error code and message, key sets, header shapes and untied orders."""
    compare(row, send(row, shops))


def test_the_replay_covers_the_list_groups() -> None:
    """Nearly every row of the three groups is replayed."""
    assert len(ROWS) == 127
    assert len(NOT_REPLAYED) <= 4
    assert all(name in {row["name"] for row in ROWS} for name in NOT_REPLAYED)
