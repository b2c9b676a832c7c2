"""Ties in list orders come out in an arbitrary order, as on a real store (section 19.1).

A real store sorts customers by the requested column and nothing else, and MySQL hands tied rows
out in an order that differs between ``LIMIT/OFFSET`` queries: a page walk by registration time
lists some customers twice and skips as many others while ``X-WC-Total`` stays the same. The
demo store models this with a per-query salted tie-breaker (app/demo_store/ties.py). These tests
show the untidiness is real for every order with ties, that ``filter[orderby]=ID`` with
``filter[order]=ASC`` stays a total order, and that a store's ``tie_seed`` replays its orders.

Stores here get their ties the natural way: customers created by one bulk request share their
registration second (the demo store creates a hundred in milliseconds).
"""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.demo_store import DemoStore, StoreConfig
from app.demo_store.ties import tie_break_sql, tie_hash
from tests.conftest import StoreFactory
from tests.support.examples import at_most
from tests.support.store_http import StoreHttp

TIED = 100  # customers created by one bulk request: one or two registration seconds
Pairs = Sequence[tuple[str, str]]


def bulk_create(client: StoreHttp, emails: Sequence[str], **fields: str) -> list[int]:
    """Create customers in one bulk request (at most 100); their ids in request order."""
    answer = client.post(
        "/customers/bulk", {"customers": [{"email": email, **fields} for email in emails]}
    )
    assert answer.status_code == 201, answer.text
    created = answer.json()["customers"]
    assert all("error" not in customer for customer in created), created
    return [customer["id"] for customer in created]


def page_ids(client: StoreHttp, pairs: Pairs) -> tuple[list[int], str]:
    """The ids of one list page and its ``X-WC-Total``."""
    answer = client.get("/customers", [*pairs, ("fields", "id")])
    assert answer.status_code == 200, answer.text
    return [customer["id"] for customer in answer.json()["customers"]], answer.headers["X-WC-Total"]


@dataclass
class Walk:
    """What a client collects by walking pages until an empty one."""

    ids: list[int] = field(default_factory=list)
    totals: set[str] = field(default_factory=set)
    pages: int = 0

    @property
    def unique(self) -> set[int]:
        """The distinct ids listed."""
        return set(self.ids)


def walk(
    client: StoreHttp,
    pairs: Pairs,
    limit: int,
    after_page: Callable[[list[int]], None] | None = None,
) -> Walk:
    """Walk ``GET /customers`` page by page (``page=1, 2, …``) as a naive client does;
    ``after_page`` gets the ids listed so far after every non-empty page."""
    result = Walk()
    for page in count(1):
        ids, total = page_ids(client, [*pairs, ("filter[limit]", str(limit)), ("page", str(page))])
        if not ids:
            return result
        result.ids += ids
        result.totals.add(total)
        result.pages += 1
        if after_page is not None:
            after_page(result.ids)
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class TiedStore:
    """A store whose customers were all created by bulk requests, and a client for it."""

    store: DemoStore
    client: StoreHttp
    ids: list[int]


def tied_store(start_store: StoreFactory, tie_seed: int = 0, customers: int = TIED) -> TiedStore:
    """A store holding ``customers`` customers created in bulk (so sharing seconds)."""
    store = start_store(tie_seed=tie_seed)
    client = StoreHttp(store)
    ids: list[int] = []
    for start in range(0, customers, 100):
        emails = [f"tied{n:04d}@bulk.example" for n in range(start, min(customers, start + 100))]
        ids += bulk_create(client, emails, first_name="Same", last_name="Name")
    return TiedStore(store, client, ids)


@pytest.fixture
def tied(start_store: StoreFactory) -> TiedStore:
    """100 customers from one bulk request, tie_seed 0."""
    return tied_store(start_store)


def _module_store(prefix: str) -> Iterator[TiedStore]:
    store = DemoStore.start(StoreConfig(customers=0, tie_seed=0))
    try:
        client = StoreHttp(store)
        ids = bulk_create(client, [f"{prefix}{n:03d}@bulk.example" for n in range(TIED)])
        yield TiedStore(store, client, ids)
    finally:
        store.stop()


@pytest.fixture(scope="module")
def shared_tied() -> Iterator[TiedStore]:
    """A tied store the walking property shares across its examples (never changed)."""
    yield from _module_store("shared")


@pytest.fixture(scope="module")
def churned() -> Iterator[TiedStore]:
    """A tied store the churn property adds to and deletes from (its own customers only)."""
    yield from _module_store("churn")


# -- the tie-breaker itself ---------------------------------------------------------------------


def test_tie_break_sql_computes_the_documented_hash() -> None:
    """The SQL expression and its Python twin agree, and every salt orders ids differently
    without ever tying two of them (a bijection on 32-bit ids)."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
    ids = range(1, 2001)
    conn.executemany("INSERT INTO users VALUES (?)", [(n,) for n in ids])
    orders = []
    for salt in [0, 2**91 - 1, *(random.Random(n).getrandbits(91) for n in range(4))]:
        sql = f"SELECT id FROM users ORDER BY {tie_break_sql(salt)}"
        in_sql = [row[0] for row in conn.execute(sql)]
        assert in_sql == sorted(ids, key=partial(tie_hash, salt))
        assert len({tie_hash(salt, n) for n in ids}) == len(ids)
        orders.append(in_sql)
    assert len({tuple(order) for order in orders}) == len(orders)
    assert all(order != sorted(order) for order in orders)


# -- ties are real ------------------------------------------------------------------------------


def test_bulk_created_customers_share_a_registration_second(tied: TiedStore) -> None:
    """Section 19.1: customers created by one bulk request share registration seconds (the
    demo store is quick enough for one second, two if the clock ticks over meanwhile)."""
    answer = tied.client.get("/customers", [("filter[limit]", "-1"), ("fields", "id,created_at")])
    seconds = Counter(customer["created_at"] for customer in answer.json()["customers"])
    assert len(seconds) <= 2
    assert max(seconds.values()) >= TIED // 2


def test_tied_customers_within_a_page_are_not_in_id_order(tied: TiedStore) -> None:
    """Section 19.1: within one page, tied customers are not in id order either."""
    ids, _ = page_ids(tied.client, [("filter[limit]", "-1")])
    assert sorted(ids) == sorted(tied.ids)
    assert ids != sorted(ids)
    assert ids != sorted(ids, reverse=True)


@pytest.mark.parametrize(
    "order",
    [
        [],  # the default: registered, ascending
        [("filter[orderby]", "registered"), ("filter[order]", "DESC")],
        [("filter[orderby]", "user_registered")],
        [("filter[orderby]", "post_count")],
        [("filter[orderby]", "meta_value_num"), ("filter[orderby_meta_key]", "last_update")],
        [("filter[orderby]", "meta_value"), ("filter[orderby_meta_key]", "first_name")],
        [("filter[orderby]", "meta_value_num")],  # no key: the role's capabilities, all equal
        [("filter[orderby]", "nicename__in")],
    ],
    ids=lambda pairs: "&".join(f"{k}={v}" for k, v in pairs) or "default",
)
def test_a_walk_in_a_tied_order_repeats_and_skips_customers(tied: TiedStore, order: Pairs) -> None:
    """Section 19.1: for every ordering with ties, a page walk lists as many rows as the store
    has, yet repeats some customers and skips the same number of others, while ``X-WC-Total``
    stays constant and nothing in the store changes."""
    result = walk(tied.client, order, limit=10)
    assert result.totals == {str(TIED)}
    assert len(result.ids) == TIED
    assert len(result.unique) < TIED
    repeated = len(result.ids) - len(result.unique)
    skipped = len(set(tied.ids) - result.unique)
    assert repeated == skipped > 0


def test_display_name_ties_when_names_repeat(start_store: StoreFactory) -> None:
    """Section 19.1: ``display_name`` ties too. A customer created through the API keeps the
    username as display name (19.3), so ties come from users named alike elsewhere: here the
    store's own rows are given one display name."""
    shop = tied_store(start_store, customers=40)
    with shop.store.db.write() as conn:
        conn.execute("UPDATE users SET display_name = 'Pat Doe' WHERE role = 'customer'")
    result = walk(shop.client, [("filter[orderby]", "display_name")], limit=7)
    assert len(result.ids) == 40
    assert len(result.unique) < 40


def test_every_walk_differs_while_the_store_does_not_change(tied: TiedStore) -> None:
    """Section 19.1: different customers go missing on every walk of an unchanged store."""
    walks = [walk(tied.client, [], limit=10) for _ in range(3)]
    assert len({tuple(result.ids) for result in walks}) == 3
    assert all(len(result.unique) < TIED for result in walks)


# -- total orders -------------------------------------------------------------------------------


@pytest.mark.parametrize("orderby", ["ID", "id"])
def test_a_walk_by_id_ascending_lists_everyone_exactly_once(tied: TiedStore, orderby: str) -> None:
    """Section 19.1: ``filter[orderby]=ID`` (WordPress' name; ``id`` works too) with
    ``filter[order]=ASC`` is a total order: every customer exactly once, in id order."""
    result = walk(tied.client, [("filter[orderby]", orderby), ("filter[order]", "ASC")], limit=7)
    assert result.ids == sorted(tied.ids)


@pytest.mark.parametrize("orderby", ["registered,ID", "registered ID", "display_name,id"])
def test_an_order_ending_in_the_id_is_total(tied: TiedStore, orderby: str) -> None:
    """WordPress takes a comma or space separated list of orderby names; ending it with the id
    leaves no ties, so such a walk is complete too."""
    result = walk(tied.client, [("filter[orderby]", orderby)], limit=7)
    assert len(result.ids) == len(result.unique) == TIED


def test_orderby_capital_id_falls_back_to_the_login(tied: TiedStore) -> None:
    """``Id`` is no WordPress name: the list falls back to the login, which is unique here, so
    that walk is complete; it is simply not the id order a client asked for."""
    result = walk(tied.client, [("filter[orderby]", "Id"), ("filter[order]", "ASC")], limit=7)
    logins = tied.client.get(
        "/customers", [("filter[orderby]", "Id"), ("filter[limit]", "-1"), ("fields", "username")]
    ).json()["customers"]
    names = [customer["username"] for customer in logins]
    assert names == sorted(names, key=str.lower)
    assert sorted(result.ids) == sorted(tied.ids)


def test_an_id_walk_survives_creates_and_deletes_ahead_of_it(tied: TiedStore) -> None:
    """Section 19.1: an id-ordered walk lists every customer that existed throughout the walk
    exactly once while others are created (new, higher ids) and deleted ahead of it."""
    client = tied.client
    deleted: list[int] = []
    names = count()

    def churn(listed: list[int]) -> None:
        bulk_create(client, [f"new{next(names):03d}@bulk.example" for _ in range(3)])
        ahead = [i for i in tied.ids if i > listed[-1] and i not in deleted]
        if ahead:
            deleted.append(max(ahead))
            assert client.delete(f"/customers/{deleted[-1]}").status_code == 200

    result = walk(client, [("filter[orderby]", "ID"), ("filter[order]", "ASC")], 9, churn)
    assert deleted
    assert result.ids == sorted(result.unique)
    assert set(tied.ids) - set(deleted) <= result.unique
    assert not set(deleted) & result.unique


def test_a_delete_behind_an_offset_walk_shifts_the_pages(tied: TiedStore) -> None:
    """Any ``LIMIT/OFFSET`` walk, even in id order, skips a customer when one it has already
    listed is deleted: the rows after it move up a place. Only a count taken before and after
    reveals it; a client must check its census against ``customers/count``."""
    client = tied.client
    first, total = page_ids(client, [("filter[orderby]", "ID"), ("filter[limit]", "10")])
    assert client.delete(f"/customers/{first[0]}").status_code == 200
    second, _ = page_ids(
        client, [("filter[orderby]", "ID"), ("filter[limit]", "10"), ("page", "2")]
    )
    ordered = sorted(tied.ids)
    assert second[0] == ordered[11]  # ordered[10] is listed on neither page
    assert int(total) == TIED


# -- replaying ----------------------------------------------------------------------------------


def test_the_same_tie_seed_replays_the_same_walks(start_store: StoreFactory) -> None:
    """A store's ``tie_seed`` fixes its tie orders: two stores with the same data, seed and
    requests answer the same pages; another seed answers other pages."""

    def walks(tie_seed: int) -> list[list[int]]:
        shop = tied_store(start_store, tie_seed=tie_seed, customers=60)
        with shop.store.db.write() as conn:  # the same seconds in both stores, however slow
            conn.execute("UPDATE users SET registered = 1600000000 WHERE role = 'customer'")
        assert shop.ids == list(range(2, 62))  # the same ids too: the hash is of the id
        return [walk(shop.client, [], limit=8).ids for _ in range(2)]

    assert walks(7) == walks(7)
    assert walks(7) != walks(8)


# -- properties ---------------------------------------------------------------------------------


@settings(
    max_examples=at_most(25),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(limit=st.integers(min_value=3, max_value=30), descending=st.booleans())
def test_property_registered_walks_lose_customers_id_walks_do_not(
    shared_tied: TiedStore, limit: int, descending: bool
) -> None:
    """Property: in a heavily tied store (everyone from one bulk request), a walk by
    registration time with a fresh salt per query loses customers (repeats as many as it
    skips; ``X-WC-Total`` constant) for any page size, while a walk by ``ID`` ascending lists
    every customer exactly once, in id order."""
    client = shared_tied.client
    direction = [("filter[order]", "DESC")] if descending else []
    tied_walk = walk(client, [("filter[orderby]", "registered"), *direction], limit)
    assert tied_walk.totals == {str(TIED)}
    assert len(tied_walk.ids) == TIED
    assert len(tied_walk.unique) < TIED
    skipped = set(shared_tied.ids) - tied_walk.unique
    assert len(tied_walk.ids) - len(tied_walk.unique) == len(skipped)
    id_walk = walk(client, [("filter[orderby]", "ID"), ("filter[order]", "ASC")], limit)
    assert id_walk.ids == sorted(shared_tied.ids)


@settings(
    max_examples=at_most(15),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    size=st.integers(min_value=5, max_value=40),
    limit=st.integers(min_value=2, max_value=12),
    churn=st.lists(
        st.tuples(st.integers(min_value=0, max_value=3), st.booleans()), min_size=1, max_size=12
    ),
)
def test_property_id_walks_stay_exact_with_concurrent_creates_and_deletes(
    churned: TiedStore, size: int, limit: int, churn: list[tuple[int, bool]]
) -> None:
    """Property: between the pages of an id-ordered walk, customers are created (0-3 each
    time) and the highest not yet listed may be deleted; the walk lists ids strictly
    increasing, every customer that existed throughout exactly once, and none deleted before
    the walk reached it. Customers are told apart by email: the demo store, like SQLite, may
    give a new customer the id of the highest one just deleted. (Each example works on
    customers of its own email domain.)"""
    client = churned.client
    domain = f"x{next(_examples)}.bulk.example"
    emails = [f"c{n:03d}@{domain}" for n in range(size)]
    ids = dict(zip(bulk_create(client, emails), emails, strict=True))
    deleted: set[str] = set()
    steps = iter(churn)
    names = count()
    pairs = [("filter[q]", f"*@{domain}"), ("filter[orderby]", "ID"), ("filter[order]", "ASC")]
    listed: list[tuple[int, str]] = []
    for page in count(1):
        answer = client.get(
            "/customers",
            [*pairs, ("filter[limit]", str(limit)), ("page", str(page)), ("fields", "id,email")],
        )
        found = [(customer["id"], customer["email"]) for customer in answer.json()["customers"]]
        if not found:
            break
        listed += found
        creates, delete = next(steps, (0, False))
        if creates:
            bulk_create(client, [f"n{next(names):03d}@{domain}" for _ in range(creates)])
        ahead = [i for i, email in ids.items() if i > listed[-1][0] and email not in deleted]
        if delete and ahead:
            deleted.add(ids[max(ahead)])
            assert client.delete(f"/customers/{max(ahead)}").status_code == 200
    listed_ids = [customer_id for customer_id, _ in listed]
    listed_emails = {email for _, email in listed}
    assert listed_ids == sorted(set(listed_ids))
    assert set(emails) - deleted <= listed_emails
    assert not deleted & listed_emails


_examples = count()
