"""Fills an empty demo store with deterministic sample data.

This module owns the store's sample contents: the product catalogue, the customers (users with
the ``customer`` role, their profiles and addresses), their orders with line items, guest orders,
and the download permissions those orders grant. The same ``(customers, seed)`` always yields the
same rows: every random choice comes from one ``random.Random(seed)`` drawn in a fixed sequence,
and all times lie between two fixed anchors (2019-01-01 and 2026-09-30 UTC), never "now".

Registrations come in bursts, as on real stores (wc-api-v3-behavior.md section 19.1): about two
customers in five arrive through a bulk path (an import, a script, the bulk endpoint) that
creates 12 to 30 of them per second, so they share registration seconds; and a few bulk edits
give many customers the same ``last_update``. Lists ordered by either therefore have ties, and
a page walk in such an order loses customers there as it does on a real store. The bursts are
drawn from a second generator (seeded from the same seed), so the names, addresses and orders
of the main sequence stay what they were.

The work is done in two passes inside one write transaction, so that order ids can follow the
order dates across the whole store without building every customer and order up front:

1. customers are generated in registration order and written in chunks; what their orders will
   need is kept compactly: one integer per order (its date and the customer's id, packed) and
   one string per buying customer (the address fields the orders copy);
2. those integers are sorted, which numbers the orders by date, and each order is then generated
   in full and written in chunks with its line items and download permissions.

The secondary indexes of the seeded tables are dropped for the load and recreated afterwards
from their own definitions, which is much quicker than growing them row by row.
"""

from __future__ import annotations

import bisect
import calendar
import itertools
import random
import sqlite3
import unicodedata
from collections.abc import Callable, Sequence
from functools import cache
from typing import Final, Generic, NamedTuple, TypeVar, cast

from app.demo_store.locales import LATIN_SPELLINGS, LOCALES, City, Locale
from app.demo_store.schema import BILLING_FIELDS, SHIPPING_FIELDS, Database

__all__ = ["seed_store"]

_T = TypeVar("_T")

# Fixed anchors rather than the clock, so that a seed means the same store on any day.
_ANCHOR_START: Final = calendar.timegm((2019, 1, 1, 0, 0, 0))
_ANCHOR_END: Final = calendar.timegm((2026, 9, 30, 23, 59, 59))
_DAY: Final = 86_400

# Rows are handed to SQLite in chunks: large enough to amortise the call, small enough to keep
# memory flat however many customers are asked for.
_CHUNK: Final = 5_000

# Customers a bulk path creates (or edits) per second, as seen on real stores (section 19.1).
_BURST_MIN: Final = 12
_BURST_MAX: Final = 30

# Order keys pack (created_at, customer id) into one int; ids must fit below the shift.
_ID_BITS: Final = 32

_SEEDED_TABLES: Final = ("users", "products", "orders", "order_items", "download_permissions")
_CURRENCY: Final = "USD"
# Not a valid phpass hash on purpose: nobody can log in as a sample customer.
_PASSWORD_PLACEHOLDER: Final = "$P$B-demo-store-sample-customer-no-login"  # noqa: S105
_EMAIL_DOMAINS: Final = ("example.com",) * 5 + ("example.org",) * 3 + ("example.net",) * 2
_LOGIN_ALPHABET: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_KEY_ALPHABET: Final = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# Maps random bytes onto the key alphabet in one C call (the slight bias is of no concern).
_KEY_TABLE: Final = bytes(_KEY_ALPHABET[byte % len(_KEY_ALPHABET)] for byte in range(256))
_DIGITS: Final = "0123456789"
_PLACEHOLDERS: Final = frozenset("#%@$")
# Joins a customer's cached address fields; it cannot occur in the sample data.
_FIELD_SEPARATOR: Final = "\x1f"

# Letters that Unicode decomposition leaves alone but a login still needs spelled in ASCII.
_FOLD: Final = str.maketrans(
    {
        "ß": "ss",
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "đ": "d",
        "Đ": "D",
        "\u0131": "i",  # dotless i
    }
)


class _Weighted(Generic[_T]):
    """A fixed set of choices with integer weights, drawn with a single ``random()`` call."""

    def __init__(self, pairs: Sequence[tuple[_T, int]]) -> None:
        self.items = [item for item, _ in pairs]
        self.bounds = list(itertools.accumulate(weight for _, weight in pairs))
        self.total = self.bounds[-1]

    def draw(self, rnd: Callable[[], float]) -> _T:
        """One item, given the bound ``random`` method of the run's generator."""
        return self.items[bisect.bisect_right(self.bounds, rnd() * self.total)]


class _Product(NamedTuple):
    """A catalogue entry; downloadable when it has a file."""

    name: str
    sku: str
    price_cents: int
    file_name: str = ""
    #: ``YYYY/MM`` of the upload, which is also when the product went on sale.
    released: str = ""
    download_limit: int | None = None
    download_expiry_days: int | None = None


class _StoreProduct(NamedTuple):
    id: int
    name: str
    sku: str
    price_cents: int
    download_id: str
    download_limit: int | None
    download_expiry_days: int | None
    on_sale_from: int


# A small record label's shop: merchandise and records, plus digital releases.
_CATALOGUE: Final = (
    _Product("Night Transit - Vinyl LP", "LP-NIGHT-TRANSIT", 2800),
    _Product("Harbour Lights - Vinyl LP", "LP-HARBOUR-LIGHTS", 2800, released="2020/10"),
    _Product("First Light - Cassette", "CS-FIRST-LIGHT", 1000),
    _Product("Classic Logo T-Shirt", "TS-LOGO", 2000),
    _Product("Zip Hoodie", "HD-ZIP", 4800),
    _Product("Knit Beanie", "BN-KNIT", 1800),
    _Product("Canvas Tote Bag", "BAG-TOTE", 1500),
    _Product("Enamel Pin Set", "PIN-SET", 1200),
    _Product("Tour Poster 2019", "POSTER-2019", 1500),
    _Product("Art Print (A3)", "PRINT-A3", 2500),
    _Product("Coffee Mug", "MUG-LOGO", 1400),
    _Product("Sticker Pack", "STICKERS", 600),
    _Product("Guitar Picks (12 pack)", "PICKS-12", 800),
    _Product("Songbook (paperback)", "BOOK-SONGS", 2200, released="2021/09"),
    _Product(
        "Night Transit - Digital Album", "DL-NIGHT-TRANSIT", 900, "night-transit.zip", "2019/01"
    ),
    _Product(
        "Harbour Lights - Digital Album",
        "DL-HARBOUR-LIGHTS",
        900,
        "harbour-lights.zip",
        "2020/10",
        download_limit=5,
    ),
    _Product(
        "Lo-Fi Drum Sample Pack", "DL-LOFI-DRUMS", 2900, "lofi-drum-samples.zip", "2021/02", 3, 365
    ),
    _Product(
        "Home Recording Handbook (e-book)",
        "DL-HANDBOOK",
        1499,
        "home-recording-handbook.pdf",
        "2019/06",
        download_expiry_days=30,
    ),
    _Product(
        "Analog Synth Preset Bank",
        "DL-SYNTH-PRESETS",
        1900,
        "synth-presets.zip",
        "2022/05",
        10,
        365,
    ),
    _Product(
        "Live at the Lighthouse (concert film)",
        "DL-LIVE-LIGHTHOUSE",
        1299,
        "live-at-the-lighthouse.mp4",
        "2023/11",
        5,
        30,
    ),
)

_STATUSES: Final = _Weighted(
    [
        ("completed", 70),
        ("processing", 10),
        ("on-hold", 5),
        ("pending", 5),
        ("cancelled", 4),
        ("refunded", 3),
        ("failed", 3),
    ]
)
_PAID_STATUSES: Final = frozenset({"processing", "completed", "refunded"})
_DOWNLOAD_STATUSES: Final = frozenset({"processing", "completed"})

_PAYMENT_TITLES: Final = {
    "bacs": "Direct Bank Transfer",
    "cheque": "Check Payments",
    "cod": "Cash on Delivery",
    "paypal": "PayPal",
    "stripe": "Credit Card (Stripe)",
}
_PAYMENTS: Final = _Weighted(
    [("stripe", 45), ("paypal", 30), ("bacs", 8), ("cod", 12), ("cheque", 5)]
)
# On-hold is where WooCommerce parks orders that wait for money sent outside the checkout.
_OFFLINE_PAYMENTS: Final = _Weighted([("bacs", 7), ("cheque", 3)])

_SHIPPING_TITLES: Final = {
    "flat_rate": "Flat Rate",
    "free_shipping": "Free Shipping",
    "local_pickup": "Local Pickup",
}
# The shop ships from the US, so only US customers can collect in person.
_US_SHIPPING: Final = _Weighted([("flat_rate", 55), ("free_shipping", 30), ("local_pickup", 15)])
_ABROAD_SHIPPING: Final = _Weighted([("flat_rate", 70), ("free_shipping", 30)])
_FLAT_RATES: Final = {"US": 599, "CA": 1299, "MX": 1299}
_FLAT_RATE_ELSEWHERE: Final = 1999

_ITEM_COUNTS: Final = _Weighted([(1, 50), (2, 30), (3, 15), (4, 5)])
_QUANTITIES: Final = _Weighted([(1, 75), (2, 18), (3, 7)])
#: (code, percent off, fixed cents off).
_COUPONS: Final = (
    ("WELCOME10", 10, 0),
    ("SPRING15", 15, 0),
    ("VIP20", 20, 0),
    ("FIVEOFF", 0, 500),
    ("BLACKFRIDAY25", 25, 0),
)

# Tax rates in basis points with the rate's name, all between 5 and 20 percent: where the
# standard VAT is higher, the store charges the reduced rate for records and books.
_TAX_RATES: Final = {
    "GB": (2000, "VAT"),
    "DE": (1900, "MWST"),
    "FR": (2000, "TVA"),
    "ES": (1000, "IVA"),
    "IT": (1000, "IVA"),
    "PT": (1300, "IVA"),
    "NL": (900, "BTW"),
    "SE": (1200, "MOMS"),
    "PL": (800, "VAT"),
    "IE": (1350, "VAT"),
    "BR": (1700, "ICMS"),
    "MX": (1600, "IVA"),
    "AU": (1000, "GST"),
    "JP": (1000, "TAX"),
    "IN": (1800, "GST"),
}
# Sales tax in the US and Canada depends on the state, which the rate code then names too.
# Oregon has no sales tax.
_STATE_TAX_RATES: Final = {
    "US": {
        "CA": (725, "TAX"),
        "NY": (888, "TAX"),
        "TX": (825, "TAX"),
        "IL": (1025, "TAX"),
        "WA": (1035, "TAX"),
        "FL": (700, "TAX"),
        "MA": (625, "TAX"),
        "CO": (881, "TAX"),
        "GA": (890, "TAX"),
    },
    "CA": {
        "ON": (1300, "HST"),
        "NS": (1400, "HST"),
        "QC": (1498, "TAX"),
        "BC": (1200, "TAX"),
        "AB": (500, "GST"),
        "MB": (1200, "TAX"),
    },
}

# Documentation address blocks (RFC 5737): they never belong to a real visitor.
_IP_PREFIXES: Final = ("192.0.2.", "198.51.100.", "203.0.113.")
_USER_AGENTS: Final = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"
    " Version/17.2 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/120.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
)
_NOTES: Final = (
    "Please leave the parcel with the neighbours if I'm out.",
    "It's a gift - please don't include the invoice.",
    "Could you sign the LP? Thanks!",
    "Bitte beim Nachbarn abgeben, falls niemand da ist.",
    "Merci de sonner deux fois.",
    "Por favor, entregar por la tarde.",
    "Deliver after 6 pm please.",
    "置き配でお願いします。",
)

_USER_COLUMNS: Final = (
    "id",
    "login",
    "email",
    "nicename",
    "display_name",
    "url",
    "role",
    "password_hash",
    "registered",
    "last_update",
    "first_name",
    "last_name",
    *(f"billing_{name}" for name in BILLING_FIELDS),
    *(f"shipping_{name}" for name in SHIPPING_FIELDS),
)
_PRODUCT_COLUMNS: Final = (
    "id",
    "name",
    "sku",
    "price_cents",
    "downloadable",
    "download_id",
    "file_name",
    "file_url",
    "download_limit",
    "download_expiry_days",
)
_ORDER_COLUMNS: Final = (
    "id",
    "order_key",
    "customer_id",
    "status",
    "currency",
    "created_at",
    "updated_at",
    "completed_at",
    "subtotal_cents",
    "discount_cents",
    "shipping_cents",
    "tax_cents",
    "total_cents",
    "payment_method_id",
    "payment_method_title",
    "paid",
    "shipping_method_id",
    "shipping_method_title",
    "shipping_line_id",
    "tax_rate_code",
    "tax_line_id",
    "coupon_code",
    "coupon_line_id",
    "note",
    "customer_ip",
    "customer_user_agent",
    *(f"billing_{name}" for name in BILLING_FIELDS),
    *(f"shipping_{name}" for name in SHIPPING_FIELDS),
)
_ITEM_COLUMNS: Final = (
    "id",
    "order_id",
    "product_id",
    "name",
    "sku",
    "quantity",
    "price_cents",
    "subtotal_cents",
    "total_cents",
    "tax_cents",
)
_PERMISSION_COLUMNS: Final = (
    "id",
    "download_id",
    "product_id",
    "order_id",
    "order_key",
    "user_id",
    "user_email",
    "downloads_remaining",
    "access_expires",
)

_Billing = tuple[str, str, str, str, str, str, str, str, str, str, str]
_Shipping = tuple[str, str, str, str, str, str, str, str, str]
_NO_BILLING: Final[_Billing] = ("", "", "", "", "", "", "", "", "", "", "")
_NO_SHIPPING: Final[_Shipping] = ("", "", "", "", "", "", "", "", "")


def seed_store(db: Database, *, customers: int, seed: int) -> None:
    """Fill an empty store with sample products, customers, orders and download permissions.

    The schema must exist and hold no products or orders yet; users already present (normally
    the administrator) keep their rows, and the customers get the ids after them, in order of
    registration. Everything is written in one transaction, so a failure leaves the store as it
    was.

    Args:
        db: The store's database.
        customers: How many customers to create (0 gives the product catalogue alone).
        seed: Seed for the random choices; the same arguments always give identical rows.

    Raises:
        ValueError: If ``customers`` is negative, the store is not empty, or the customer ids
            would pass 2**32.
    """
    if customers < 0:
        raise ValueError("customers must not be negative")
    with db.write() as conn:
        if conn.execute(
            "SELECT EXISTS (SELECT 1 FROM products) OR EXISTS (SELECT 1 FROM orders)"
        ).fetchone()[0]:
            raise ValueError("the store already has products or orders")
        # A bulk load: an index built once from all rows costs a fraction of growing it row by
        # row, so the secondary indexes are set aside and recreated from their own definitions.
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            f" AND tbl_name IN ({', '.join('?' * len(_SEEDED_TABLES))})",
            _SEEDED_TABLES,
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        seeder = _Seeder(conn, random.Random(seed), random.Random(f"{seed}/bursts"))
        seeder.add_products()
        order_keys = seeder.add_customers(customers)
        seeder.add_orders(order_keys)
        for _, sql in indexes:
            conn.execute(sql)


def _in_bursts(times: Sequence[int], rng: random.Random) -> list[int]:
    """Registration times with about two in five collapsed into bursts.

    A burst is an import: 12 to ``largest`` customers created 12 to 30 per second from the time
    of its first one. Runs of single sign-ups (their count drawn so that bursts hold about 40%
    of the customers) separate the bursts. The result stays sorted: whoever signed up during a
    burst's seconds is moved to the second after it.
    """
    out = list(times)
    count = len(out)
    largest = max(_BURST_MIN, min(240, count // 4))
    index, floor = 0, _ANCHOR_START
    while index < count:
        # Single sign-ups: on average 1.5 times a burst, so bursts hold about 40% of everyone.
        singles = rng.randint(0, int(1.5 * (_BURST_MIN + largest)))
        for position in range(index, min(count, index + singles)):
            floor = out[position] = min(max(out[position], floor), _ANCHOR_END)
        index += singles
        if index >= count:
            break
        size = min(count - index, rng.randint(_BURST_MIN, largest))
        second = max(floor, min(out[index], _ANCHOR_END - size // _BURST_MIN - 1))
        end = index + size
        while index < end:
            per_second = rng.randint(_BURST_MIN, _BURST_MAX)
            for position in range(index, min(end, index + per_second)):
                out[position] = min(second, _ANCHOR_END)
            index += per_second
            second += 1
        index = end
        floor = min(second, _ANCHOR_END)
    return out


@cache
def _ascii(name: str) -> str:
    """The lower-case ASCII letters and digits of a name, as they go into a login."""
    spelled = LATIN_SPELLINGS.get(name)
    if spelled is not None:
        return spelled
    decomposed = unicodedata.normalize("NFKD", name.translate(_FOLD)).lower()
    return "".join(char for char in decomposed if char in _LOGIN_ALPHABET)


@cache
def _tokens(pattern: str) -> tuple[str, ...]:
    """A pattern cut into placeholders and the literal runs between them.

    Runs of ``#`` stay together, so that they can be filled from a single draw.
    """
    tokens: list[str] = []
    for char in pattern:
        if tokens and (
            char == "#" == tokens[-1][0]
            or (char not in _PLACEHOLDERS and tokens[-1][0] not in _PLACEHOLDERS)
        ):
            tokens[-1] += char
        else:
            tokens.append(char)
    return tuple(tokens)


def _month_start(year_month: str) -> int:
    year, month = year_month.split("/")
    return calendar.timegm((int(year), int(month), 1, 0, 0, 0))


class _Rows:
    """Rows for one table, collected with :attr:`append` and handed to SQLite in chunks."""

    def __init__(self, conn: sqlite3.Connection, table: str, columns: Sequence[str]) -> None:
        self._conn = conn
        placeholders = ", ".join("?" * len(columns))
        # Table and column names are this module's constants, never input.
        self._sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
        self._rows: list[tuple[object, ...]] = []
        self.append = self._rows.append

    def flush(self) -> None:
        """Insert the collected rows."""
        if self._rows:
            self._conn.executemany(self._sql, self._rows)
            self._rows.clear()


class _Seeder:
    """One seeding run: the random stream, the id counters and the names already taken.

    Draws go through :meth:`_pick` and :meth:`_between` rather than ``random.choice`` and
    ``random.randint``: one ``random()`` call each, several times cheaper, which matters at a few
    million draws.
    """

    def __init__(self, conn: sqlite3.Connection, rng: random.Random, bursts: random.Random) -> None:
        self.conn = conn
        self.rng = rng
        self.rnd = rng.random
        self.bursts = bursts
        self.locales = _Weighted([(locale, locale.weight) for locale in LOCALES])
        self.products: list[_StoreProduct] = []
        self.release_times: list[int] = []
        self.next_item_id = 1
        self.next_permission_id = 1
        # Logins and the local parts of existing emails, so that "<login>@<domain>" can never
        # repeat an address already in the store (the administrator's included).
        self.taken: set[str] = set()
        self.next_suffix: dict[str, int] = {}
        for login, email in conn.execute("SELECT login, email FROM users"):
            self.taken.add(str(login).lower())
            self.taken.add(str(email).lower().partition("@")[0])
        # The address fields of each customer who will order, by id: one string per customer
        # keeps this small, and saves a query per order in the second pass.
        self.first_customer_id = 0
        self.address_book: list[str | None] = []
        self.order_rows = _Rows(conn, "orders", _ORDER_COLUMNS)
        self.item_rows = _Rows(conn, "order_items", _ITEM_COLUMNS)
        self.permission_rows = _Rows(conn, "download_permissions", _PERMISSION_COLUMNS)

    def _pick(self, choices: Sequence[_T]) -> _T:
        return choices[int(self.rnd() * len(choices))]

    def _between(self, low: int, high: int) -> int:
        """An integer from ``low`` to ``high``, both included."""
        return low + int(self.rnd() * (high - low + 1))

    # -- products -------------------------------------------------------------------------------

    def add_products(self) -> None:
        rows = _Rows(self.conn, "products", _PRODUCT_COLUMNS)
        for product_id, entry in enumerate(_CATALOGUE, start=1):
            download_id = f"{self.rng.getrandbits(128):032x}" if entry.file_name else ""
            file_url = (
                f"/wp-content/uploads/woocommerce_uploads/{entry.released}/{entry.file_name}"
                if entry.file_name
                else None
            )
            rows.append(
                (
                    product_id,
                    entry.name,
                    entry.sku,
                    entry.price_cents,
                    int(bool(entry.file_name)),
                    download_id or None,
                    entry.file_name or None,
                    file_url,
                    entry.download_limit,
                    entry.download_expiry_days,
                )
            )
            on_sale_from = _month_start(entry.released) if entry.released else _ANCHOR_START
            self.products.append(
                _StoreProduct(
                    product_id,
                    entry.name,
                    entry.sku,
                    entry.price_cents,
                    download_id,
                    entry.download_limit,
                    entry.download_expiry_days,
                    on_sale_from,
                )
            )
        rows.flush()
        # Sorted by release so that the products on sale at a given time are a prefix.
        self.products.sort(key=lambda product: (product.on_sale_from, product.id))
        self.release_times = [product.on_sale_from for product in self.products]

    # -- customers ------------------------------------------------------------------------------

    def add_customers(self, count: int) -> list[int]:
        """Write the customers; return one ``created_at << 32 | customer_id`` per future order.

        Guest orders are among them, with customer id 0.
        """
        self.first_customer_id = int(
            self.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM users").fetchone()[0]
        )
        if self.first_customer_id + count > 1 << _ID_BITS:
            raise ValueError("customer ids would pass 2**32")
        # A power below 1 skews registrations towards recent years: the shop grows.
        span = _ANCHOR_END - _ANCHOR_START
        rnd = self.rnd
        registrations = sorted(_ANCHOR_START + int(rnd() ** 0.7 * span) for _ in range(count))
        registrations = _in_bursts(registrations, self.bursts)
        rows = _Rows(self.conn, "users", _USER_COLUMNS)
        order_keys: list[int] = []
        for user_id, registered in enumerate(registrations, start=self.first_customer_id):
            rows.append(self._customer(user_id, registered, order_keys))
            if user_id % _CHUNK == 0:
                rows.flush()
        rows.flush()
        self._bulk_edits(registrations)
        # About one order in twenty is placed without an account.
        for _ in range(round(len(order_keys) / 19)):
            order_keys.append(self._between(_ANCHOR_START, _ANCHOR_END) << _ID_BITS)
        return order_keys

    def _bulk_edits(self, registrations: Sequence[int]) -> None:
        """Give batches of customers one ``last_update`` second, as a bulk edit does.

        Each edit touches customers registered before it, 12 to 30 per second, and only those
        whose own last update is older (an edit never moves ``last_update`` back).
        """
        count = len(registrations)
        if count < 2:
            return
        rng = self.bursts
        largest = max(_BURST_MIN, min(600, count // 8))
        # Enough edits to touch about 15% of the customers.
        batches = max(1, round(0.15 * count / ((_BURST_MIN + largest) / 2)))
        edits: list[tuple[int, int, int]] = []
        for _ in range(batches):
            wanted = rng.randint(_BURST_MIN, largest)
            latest = _ANCHOR_END - wanted // _BURST_MIN - 1
            start = rng.randint(min(registrations[count // 2], latest), latest)
            eligible = bisect.bisect_right(registrations, start)
            chosen = sorted(rng.sample(range(eligible), min(eligible, wanted)))
            second, room = start, rng.randint(_BURST_MIN, _BURST_MAX)
            for index in chosen:
                if not room:
                    second, room = second + 1, rng.randint(_BURST_MIN, _BURST_MAX)
                user_id = self.first_customer_id + index
                edits.append((second, user_id, second))
                room -= 1
        self.conn.executemany(
            "UPDATE users SET last_update = ? WHERE id = ? AND last_update < ?", edits
        )

    def _customer(self, user_id: int, registered: int, order_keys: list[int]) -> tuple[object, ...]:
        rnd = self.rnd
        locale = self.locales.draw(rnd)
        first = self._pick(locale.first_names)
        last = self._pick(locale.last_names)
        login = self._login(first, last)
        email = f"{login}@{self._pick(_EMAIL_DOMAINS)}"
        order_count = self._order_count()
        billing, shipping = _NO_BILLING, _NO_SHIPPING
        # Checkout fills the address book, so buyers always have one; others may not.
        if order_count or rnd() >= 0.2:
            # A few keep orders apart from their account mail ("+" is never in a login).
            billing_email = email
            if rnd() >= 0.9:
                billing_email = f"{login}+shop@{self._pick(_EMAIL_DOMAINS)}"
            billing = self._billing(locale, first, last, billing_email)
            shipping = self._shipping(locale, billing, 0.70, 0.85)
        elif rnd() < 0.4:
            first = last = ""
        self.address_book.append(
            _FIELD_SEPARATOR.join((*billing, *shipping)) if order_count else None
        )
        last_update = registered if rnd() < 0.75 else self._between(registered, _ANCHOR_END)
        for index in range(order_count):
            if index == 0 and rnd() < 0.6:
                # Most first orders are the checkout that created the account.
                created = min(_ANCHOR_END, registered + int(self.rng.expovariate(1 / 1800)))
            else:
                created = self._between(registered, _ANCHOR_END)
            order_keys.append(created << _ID_BITS | user_id)
        return (
            user_id,
            login,
            email,
            login.replace(".", "-"),
            f"{first} {last}".strip() or login,
            "",
            "customer",
            _PASSWORD_PLACEHOLDER,
            registered,
            last_update,
            first,
            last,
            *billing,
            *shipping,
        )

    def _order_count(self) -> int:
        draw = self.rnd()
        if draw < 0.30:
            return 0
        if draw < 0.315:
            return self._between(10, 20)
        # A long tail, averaging about two orders per buyer together with the regulars above.
        return 1 + min(8, int(self.rng.expovariate(0.81)))

    def _login(self, first: str, last: str) -> str:
        given, family = _ascii(first), _ascii(last)
        style = self.rnd()
        if style < 0.55:
            base = f"{given}.{family}"
        elif style < 0.65:
            base = f"{given}{family}"
        elif style < 0.80:
            base = f"{given[:1]}{family}"
        elif style < 0.90:
            base = f"{given}.{family}{self._pick('7890')}{self._between(0, 9)}"
        elif style < 0.95:
            base = f"{family}.{given}"
        else:
            base = f"{given}{self._between(1, 999)}"
        base = base.strip(".") or "customer"
        if base not in self.taken:
            self.taken.add(base)
            return base
        suffix = self.next_suffix.get(base, 2)
        while f"{base}{suffix}" in self.taken:
            suffix += 1
        self.next_suffix[base] = suffix + 1
        login = f"{base}{suffix}"
        self.taken.add(login)
        return login

    # -- addresses ------------------------------------------------------------------------------

    def _fill(self, pattern: str, letters: str) -> str:
        """Replace the placeholders of a pattern (see :mod:`app.demo_store.locales`)."""
        rnd = self.rnd
        out = []
        for part in _tokens(pattern):
            head = part[0]
            if head == "#":
                # A leading 1 keeps the zeros: 10**n + draw has exactly n digits after it.
                scale = 10 ** len(part)
                out.append(str(scale + int(rnd() * scale))[1:])
            elif part == "%":
                out.append(_DIGITS[1 + int(rnd() * 9)])
            elif part == "@":
                out.append(letters[int(rnd() * len(letters))])
            elif part == "$":
                alphabet = letters + _DIGITS
                out.append(alphabet[int(rnd() * len(alphabet))])
            else:
                out.append(part)
        return "".join(out)

    def _place(self, locale: Locale, first: str, last: str) -> tuple[_Shipping, City]:
        """A postal address in the locale's country, for the given name."""
        rnd = self.rnd
        city = self._pick(locale.cities)
        number = self._fill(self._pick(locale.house_numbers), locale.letters)
        street = locale.street_format.format(number=number, street=self._pick(locale.streets))
        address_2 = ""
        if rnd() < 0.2:
            address_2 = self._fill(self._pick(locale.address_2), locale.letters)
        company = ""
        if rnd() < 0.15:
            # Half of the companies are family businesses carrying the customer's name.
            owner = last if last and rnd() < 0.5 else self._pick(locale.last_names)
            company = self._pick(locale.companies).format(last=owner)
            company = company[0].upper() + company[1:]  # "de Wit & Zn." opens a line
        postcode = self._fill(city.postcode, locale.letters)
        place = (
            first,
            last,
            company,
            street,
            address_2,
            city.name,
            city.state,
            postcode,
            locale.country,
        )
        return place, city

    def _billing(self, locale: Locale, first: str, last: str, email: str) -> _Billing:
        place, city = self._place(locale, first, last)
        if locale.mobiles and self.rnd() < 0.5:
            phone = self._fill(self._pick(locale.mobiles), locale.letters)
        else:
            phone = self._fill(city.phone, locale.letters)
        return (*place, email, phone)

    def _shipping(
        self, locale: Locale, billing: _Billing, same_below: float, empty_from: float
    ) -> _Shipping:
        """The billing address, another one (often a gift), or nothing, as a draw falls."""
        rnd = self.rnd
        draw = rnd()
        if draw < same_below:
            return billing[:9]
        if draw >= empty_from:
            return _NO_SHIPPING
        first, last = billing[0], billing[1]
        if rnd() < 0.3:
            first, last = self._pick(locale.first_names), self._pick(locale.last_names)
        if rnd() < 0.1:
            locale = self.locales.draw(rnd)
        return self._place(locale, first, last)[0]

    # -- orders ---------------------------------------------------------------------------------

    def add_orders(self, order_keys: list[int]) -> None:
        """Write the orders, numbered by date, with their items and download permissions."""
        order_keys.sort()
        customer_mask = (1 << _ID_BITS) - 1
        for order_id, key in enumerate(order_keys, start=1):
            customer_id = key & customer_mask
            if customer_id:
                # The order copies the customer's address book as it stands at checkout.
                fields = self.address_book[customer_id - self.first_customer_id]
                assert fields is not None
                values = fields.split(_FIELD_SEPARATOR)
                billing = cast(_Billing, tuple(values[:11]))
                shipping = cast(_Shipping, tuple(values[11:]))
            else:
                billing, shipping = self._guest()
            self._order(order_id, key >> _ID_BITS, customer_id, billing, shipping)
            if order_id % _CHUNK == 0:
                self._flush_orders()
        self._flush_orders()

    def _flush_orders(self) -> None:
        for rows in (self.order_rows, self.item_rows, self.permission_rows):
            rows.flush()

    def _guest(self) -> tuple[_Billing, _Shipping]:
        locale = self.locales.draw(self.rnd)
        first = self._pick(locale.first_names)
        last = self._pick(locale.last_names)
        # Logins never contain "_", so a guest's address cannot be any customer's.
        local = f"{_ascii(first)}_{_ascii(last)}{self._between(1, 99)}"
        billing = self._billing(locale, first, last, f"{local}@{self._pick(_EMAIL_DOMAINS)}")
        return billing, self._shipping(locale, billing, 0.80, 0.90)

    def _order(
        self,
        order_id: int,
        created: int,
        customer_id: int,
        billing: _Billing,
        shipping: _Shipping,
    ) -> None:
        # The hottest code of the module, run once per order: written out flat for speed.
        rnd = self.rnd
        status = _STATUSES.draw(rnd)
        on_sale = self.products[: bisect.bisect_right(self.release_times, created)]
        count = _ITEM_COUNTS.draw(rnd)
        if count == 1:
            products = [on_sale[int(rnd() * len(on_sale))]]
        else:
            products = self.rng.sample(on_sale, min(count, len(on_sale)))
        quantities = []
        subtotal = 0
        ships = False
        for product in products:
            # Digital goods are bought once; physical ones sometimes by two or three.
            quantity = 1
            if not product.download_id:
                quantity = _QUANTITIES.draw(rnd)
                ships = True
            quantities.append(quantity)
            subtotal += product.price_cents * quantity

        coupon_code, discount = "", 0
        if rnd() < 0.10:
            coupon_code, percent, fixed = self._pick(_COUPONS)
            discount = subtotal * percent // 100 if percent else min(fixed, subtotal)

        country, state = billing[8], billing[6]
        rate, tax_name = 0, ""
        if rnd() < 0.5:
            by_state = _STATE_TAX_RATES.get(country)
            if by_state is not None:
                rate, tax_name = by_state.get(state, (0, ""))
            else:
                rate, tax_name = _TAX_RATES.get(country, (0, ""))

        method, shipping_cents = "", 0
        if ships:
            method = (_US_SHIPPING if country == "US" else _ABROAD_SHIPPING).draw(rnd)
            if method == "flat_rate":
                shipping_cents = _FLAT_RATES.get(country, _FLAT_RATE_ELSEWHERE)

        if status == "on-hold":
            payment = _OFFLINE_PAYMENTS.draw(rnd)
        else:
            payment = _PAYMENTS.draw(rnd)
            if payment == "cod" and not ships:
                payment = "stripe"  # nothing is delivered, so nothing can be paid on delivery

        updated, completed = self._order_times(status, created)
        order_key = "wc_order_" + self.rng.randbytes(13).translate(_KEY_TABLE).decode("ascii")
        grants_downloads = customer_id != 0 and status in _DOWNLOAD_STATUSES

        # WooCommerce numbers line items, then shipping, tax and coupon lines from one sequence.
        item_id = self.next_item_id
        append_item = self.item_rows.append
        last_index = len(products) - 1
        tax = discounted = 0
        for index, product in enumerate(products):
            quantity = quantities[index]
            line_subtotal = product.price_cents * quantity
            # Each line carries its share of the discount; the last takes the rounding rest.
            share = (
                discount - discounted
                if index == last_index
                else discount * line_subtotal // subtotal
            )
            discounted += share
            line_total = line_subtotal - share
            line_tax = (line_total * rate + 5_000) // 10_000
            tax += line_tax
            append_item(
                (
                    item_id,
                    order_id,
                    product.id,
                    product.name,
                    product.sku,
                    quantity,
                    product.price_cents,
                    line_subtotal,
                    line_total,
                    line_tax,
                )
            )
            item_id += 1
            if grants_downloads and product.download_id:
                self._grant(order_id, order_key, customer_id, billing[9], product, created)
        shipping_line_id = tax_line_id = coupon_line_id = None
        if method:
            shipping_line_id = item_id
            item_id += 1
        tax_code = ""
        if tax:
            state_part = f"-{state}" if country in _STATE_TAX_RATES else ""
            tax_code = f"{country}{state_part}-{tax_name}-1"
            tax_line_id = item_id
            item_id += 1
        if coupon_code:
            coupon_line_id = item_id
            item_id += 1
        self.next_item_id = item_id

        self.order_rows.append(
            (
                order_id,
                order_key,
                customer_id,
                status,
                _CURRENCY,
                created,
                updated,
                completed,
                subtotal,
                discount,
                shipping_cents,
                tax,
                subtotal - discount + shipping_cents + tax,
                payment,
                _PAYMENT_TITLES[payment],
                int(status in _PAID_STATUSES),
                method,
                _SHIPPING_TITLES.get(method, ""),
                shipping_line_id,
                tax_code,
                tax_line_id,
                coupon_code,
                coupon_line_id,
                self._pick(_NOTES) if rnd() < 0.05 else "",
                f"{self._pick(_IP_PREFIXES)}{self._between(1, 254)}",
                self._pick(_USER_AGENTS),
                *billing,
                *shipping,
            )
        )

    def _order_times(self, status: str, created: int) -> tuple[int, int | None]:
        """``updated_at`` and ``completed_at`` for an order placed at ``created``."""
        completed = None
        if status == "completed":
            # Shipped after a day or two, now and then much later.
            completed = min(_ANCHOR_END, created + 600 + int(self.rng.expovariate(1 / (2 * _DAY))))
            updated = completed
            if self.rnd() < 0.2:
                updated = completed + self._between(1, 30 * _DAY)
        elif status == "refunded":
            updated = created + self._between(_DAY, 45 * _DAY)
        elif status == "cancelled":
            updated = created + self._between(3_600, 14 * _DAY)
        elif status == "processing":
            updated = created + self._between(5, 600)
        else:
            updated = created + self._between(0, 300)
        return min(_ANCHOR_END, updated), completed

    def _grant(
        self,
        order_id: int,
        order_key: str,
        customer_id: int,
        email: str,
        product: _StoreProduct,
        created: int,
    ) -> None:
        remaining = ""
        if product.download_limit is not None:
            used = product.download_limit
            if self.rnd() >= 0.25:
                used = self._between(0, product.download_limit - 1)
            remaining = str(product.download_limit - used)
        expires = None
        if product.download_expiry_days is not None:
            expires = created + product.download_expiry_days * _DAY
        self.permission_rows.append(
            (
                self.next_permission_id,
                product.download_id,
                product.id,
                order_id,
                order_key,
                customer_id,
                email,
                remaining,
                expires,
            )
        )
        self.next_permission_id += 1
