"""RestClient against recorded wc/v3 answers (wc-rest-v3-behavior.md), no live store.

:class:`RecordedStore` answers as the reference records a WooCommerce 9.4.2 store: bare JSON,
``X-WP-Total``/``X-WP-TotalPages``, the section 15 error bodies, ``201`` on create, ``501``
without ``force``, ``413`` over 100 batch items, and the batch's destructive item semantics.
"""

from __future__ import annotations

import copy
import re
from collections import OrderedDict
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from woocommerce.oauth import OAuth

from app.api.client import CustomerQuery, StoreInfo
from app.api.rest_client import FigureSource, RestClient, rest_query_params
from app.api.rest_transport import REST_INDEX
from app.domain.customer import BillingAddress, CustomerDraft, Figures, update_payload
from app.domain.money import MoneyFormat
from app.errors import (
    AuthError,
    ConfigurationError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    ServerError,
    UnclearWriteError,
    ValidationError,
)
from tests.support.rest_recorded import (
    KEY,
    SECRET,
    RecordedSession,
    Reply,
    Sent,
    error,
    listing,
    recorded_transport,
)

ROOT = "/wp-json/wc/v3"
PASSWORD_SETTING = "/settings/account/woocommerce_registration_generate_password"


def customer(customer_id: int, email: str, **fields: Any) -> dict[str, Any]:
    """A wc/v3 customer object in the store's key order (section 3.1)."""
    billing = {
        "first_name": "",
        "last_name": "",
        "company": "",
        "address_1": "",
        "address_2": "",
        "city": "",
        "postcode": "",
        "country": "",
        "state": "",
        "email": "",
        "phone": "",
    }
    shipping = {k: "" for k in billing if k != "email"}
    return {
        "id": customer_id,
        "date_created": "2026-12-05T18:25:19",
        "date_created_gmt": "2026-12-05T18:25:19",
        "date_modified": None,
        "date_modified_gmt": None,
        "email": email,
        "first_name": fields.get("first_name", ""),
        "last_name": "",
        "role": fields.get("role", "customer"),
        "username": email.split("@")[0],
        "billing": billing,
        "shipping": shipping,
        "is_paying_customer": False,
        "avatar_url": "https://secure.gravatar.com/avatar/x?s=96&d=mm&r=g",
        "meta_data": [],
        "_links": {},
    }


class RecordedStore:
    """Routes wc/v3 requests to the answers the reference records for them."""

    def __init__(self, count: int = 0) -> None:
        self.customers: dict[int, dict[str, Any]] = {}
        for number in range(1, count + 1):
            self.add(f"c{number}@example.com")
        self.orders: list[dict[str, Any]] = []
        self.downloads: dict[int, list[dict[str, Any]]] = {}
        #: wc/v1 figures by id: (orders_count, total_spent, last order id).
        self.figures: dict[int, tuple[int, str, int | None]] = {}
        #: The woocommerce_registration_generate_password setting ("yes" by default).
        self.generate_password = "yes"
        #: An answer the setting's route gives instead (every time: GETs are retried).
        self.password_reply: Reply | None = None
        self.session = RecordedSession(self.route)

    def add(self, email: str, **fields: Any) -> dict[str, Any]:
        new_id = max(self.customers, default=1) + 1
        self.customers[new_id] = customer(new_id, email, **fields)
        return self.customers[new_id]

    # -- routing -------------------------------------------------------------------------

    def route(self, sent: Sent) -> Reply:
        if sent.path == "/wp-json/":
            return Reply(200, INDEX)
        if sent.path == "/wp-json/wc/v1/customers":
            return self.v1_figures(sent)
        if sent.path == "/wp-json/wc/v3":
            return Reply(200, {"namespace": "wc/v3", "routes": {}})
        path = sent.path.removeprefix(ROOT)
        if path == "/system_status":
            # As _fields trims it (section 13.3); a euro shop set up in Germany, its symbol
            # HTML-escaped as get_woocommerce_currency_symbol() returns it.
            return Reply(
                200,
                {
                    "environment": {"version": "9.4.2"},
                    "settings": {
                        "currency": "EUR",
                        "currency_symbol": "&euro;",
                        "currency_position": "right_space",
                        "thousand_separator": ".",
                        "decimal_separator": ",",
                        "number_of_decimals": 2,
                    },
                },
            )
        if path == PASSWORD_SETTING:
            return self.password_setting(sent)
        if path == "/customers":
            return self.create(sent) if sent.method == "POST" else self.listing(sent)
        if path == "/customers/batch":
            return self.batch(sent)
        if path == "/orders":
            return self.order_list(sent)
        match = re.fullmatch(r"/customers/(\d+)(/downloads)?", path)
        if match is None:
            return error(
                404, "rest_no_route", "No route was found matching the URL and request method."
            )
        customer_id = int(match.group(1))
        if match.group(2):
            if customer_id not in self.customers:
                return error(404, "woocommerce_rest_customer_invalid", "Resource does not exist.")
            return Reply(200, self.downloads.get(customer_id, []))
        return self.one(sent, customer_id)

    def password_setting(self, sent: Sent) -> Reply:
        """The settings API's item (app.demo_store.rest.settings), as ``_fields`` trims it."""
        if self.password_reply is not None:
            return self.password_reply
        body: dict[str, Any] = {
            "id": "woocommerce_registration_generate_password",
            "label": "Account creation options",
            "description": "Send password setup link (recommended)",
            "type": "checkbox",
            "default": "yes",
            "tip": "New customers receive an email to set up their password.",
            "value": self.generate_password,
            "group_id": "account",
        }
        fields = sent.param("_fields")
        if fields is not None:
            body = {k: v for k, v in body.items() if k in fields.split(",")}
        base = "https://shop.example.com/wp-json/wc/v3/settings/account"
        links = {"self": [{"href": f"{base}/{body.get('id', '')}"}], "collection": [{"href": base}]}
        return Reply(200, {**body, "_links": links})

    def listing(self, sent: Sent) -> Reply:
        per_page = int(sent.param("per_page") or 10)
        if not 1 <= per_page <= 100:
            return error(
                400,
                "rest_invalid_param",
                "Invalid parameter(s): per_page",
                params={"per_page": "per_page must be between 1 (inclusive) and 100 (inclusive)"},
            )
        role = sent.param("role") or "customer"
        rows = sorted(self.customers.values(), key=lambda c: c["id"])
        if role != "all":
            rows = [c for c in rows if c["role"] == role]
        email = sent.param("email")
        if email is not None:
            if "@" not in email or " " in email:
                return error(
                    400,
                    "rest_invalid_param",
                    "Invalid parameter(s): email",
                    params={"email": "Invalid email address."},
                )
            rows = [c for c in rows if c["email"].lower() == email.lower()]
        search = sent.param("search")
        if search:
            rows = [c for c in rows if search.lower() in c["email"].lower()]
        if sent.param("orderby") == "id" and sent.param("order") == "desc":
            rows.reverse()
        offset = sent.param("offset")
        start = int(offset) if offset is not None else (int(sent.param("page") or 1) - 1) * per_page
        page = rows[start : start + per_page]
        if sent.param("_fields") == "id":
            page = [{"id": c["id"]} for c in page]
        total = len(rows)
        pages = -(-total // per_page)
        return Reply(
            200, copy.deepcopy(page), {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
        )

    def v1_figures(self, sent: Sent) -> Reply:
        """wc/v1 customers trimmed to their figures (section 11.4), from ``self.figures``."""
        wanted = [int(i) for i in (sent.param("include") or "").split(",") if i]
        assert sent.param("_fields") == "id,orders_count,total_spent,last_order"
        assert sent.param("role") == "all"
        rows = []
        for customer_id in wanted:
            if customer_id in self.customers:
                count, spent, last = self.figures.get(customer_id, (0, "0.00", None))
                rows.append(
                    {
                        "id": customer_id,
                        "last_order": {"id": last, "date": "2026-12-05T18:25:20" if last else None},
                        "orders_count": count,
                        "total_spent": spent,
                    }
                )
        return listing(rows, len(rows), 100)

    def one(self, sent: Sent, customer_id: int) -> Reply:
        found = self.customers.get(customer_id)
        if sent.method == "GET":
            if found is None:
                return error(404, "woocommerce_rest_invalid_id", "Invalid resource ID.")
            return Reply(200, copy.deepcopy(found))
        if sent.method == "DELETE":
            if sent.param("force") != "true":
                return error(
                    501,
                    "woocommerce_rest_trash_not_supported",
                    "Customers do not support trashing.",
                )
            if found is None:
                return error(400, "woocommerce_rest_invalid_id", "Invalid resource id.")
            del self.customers[customer_id]
            return Reply(200, found)
        if found is None:
            return error(400, "woocommerce_rest_invalid_id", "Invalid resource ID.")
        body = sent.json
        assert "id" not in body, "never send id in a single-item body (section 1.3)"
        email = body.get("email")
        if email is not None:
            if "@" not in email:
                return error(
                    400,
                    "rest_invalid_param",
                    "Invalid parameter(s): email",
                    params={"email": "Invalid email address."},
                )
            if any(
                c["email"].lower() == email.lower() and c["id"] != customer_id
                for c in self.customers.values()
            ):
                return error(
                    400, "woocommerce_rest_customer_invalid_email", "Email address is invalid."
                )
        self.apply(found, body)
        return Reply(200, copy.deepcopy(found))

    def apply(self, found: dict[str, Any], body: dict[str, Any]) -> None:
        for key, value in body.items():
            if key in ("billing", "shipping"):
                found[key].update(value)
            elif key in ("email", "first_name", "last_name"):
                found[key] = value
        found["date_modified_gmt"] = "2026-12-05T19:00:00"

    def create(self, sent: Sent) -> Reply:
        body = sent.json
        email = body.get("email")
        if email is None:
            return error(
                400, "rest_missing_callback_param", "Missing parameter(s): email", params=["email"]
            )
        if any(c["email"].lower() == email.lower() for c in self.customers.values()):
            return error(
                400,
                "registration-error-email-exists",
                f"An account is already registered with {email}. Please log in or use a "
                "different email address.",
            )
        if "billing_address" in body or "customer" in body:
            return error(400, "wrong_shape", "legacy shape sent")
        made = self.add(email)
        made["date_created_gmt"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        self.apply(made, body)
        return Reply(
            201,
            copy.deepcopy(made),
            {"Location": f"https://shop.example.com{ROOT}/customers/{made['id']}"},
        )

    def batch(self, sent: Sent) -> Reply:
        body = sent.json
        items = (
            len(body.get("create", [])) + len(body.get("update", [])) + len(body.get("delete", []))
        )
        if items > 100:
            return error(
                413,
                "woocommerce_rest_request_entity_too_large",
                "Unable to accept more than 100 items for this request.",
            )
        answer: dict[str, list[Any]] = {}
        for item in body.get("create", []):
            email = item.get("email", "")
            if any(c["email"].lower() == email.lower() for c in self.customers.values()):
                answer.setdefault("create", []).append(
                    {
                        "id": 0,
                        "error": {
                            "code": "registration-error-email-exists",
                            "message": "An account is already registered.",
                            "data": {"status": 400},
                        },
                    }
                )
                continue
            made = self.add(email)
            self.apply(made, item)
            answer.setdefault("create", []).append(copy.deepcopy(made))
        for item in body.get("update", []):
            found = self.customers.get(int(item["id"]))  # the store casts (section 9.3)
            if found is None:
                answer.setdefault("update", []).append(
                    {
                        "id": item["id"],
                        "error": {
                            "code": "woocommerce_rest_invalid_id",
                            "message": "Invalid resource ID.",
                            "data": {"status": 400},
                        },
                    }
                )
                continue
            if "email" in item and "@" not in item["email"]:
                item = {**item, "email": ""}  # the destructive blanking, recorded in 9.3
            self.apply(found, item)
            answer.setdefault("update", []).append(copy.deepcopy(found))
        return Reply(200, answer if answer else [])

    def order_list(self, sent: Sent) -> Reply:
        customer_id = int(sent.param("customer") or 0)
        rows = sorted(
            (o for o in self.orders if o["customer_id"] == customer_id), key=lambda o: -o["id"]
        )
        per_page = int(sent.param("per_page") or 10)
        page = int(sent.param("page") or 1)
        total = len(rows)
        return Reply(
            200,
            rows[(page - 1) * per_page : page * per_page],
            {"X-WP-Total": str(total), "X-WP-TotalPages": str(-(-total // per_page))},
        )


INDEX = {
    "name": "Demo Shop",
    "description": "Just another WordPress site",
    "url": "https://shop.example.com",
    "home": "https://shop.example.com",
    "gmt_offset": 0,
    "timezone_string": "UTC",
    "namespaces": ["oembed/1.0", "wc/v3", "wc/v1", "wc/v2", "wp/v2"],
}


def make_client(
    store: RecordedStore, url: str = "https://shop.example.com", **options: Any
) -> RestClient:
    transport = recorded_transport(store.session, url=url, **options)
    index = recorded_transport(store.session, url=url, flavor=REST_INDEX, **options)
    return RestClient(transport.connection, transport, index_transport=index)


@pytest.fixture
def store() -> RecordedStore:
    return RecordedStore(5)


# -- store and reading ---------------------------------------------------------------------------


def test_store_info_from_the_index_and_system_status(store: RecordedStore) -> None:
    info = make_client(store).store_info()
    assert info == StoreInfo(
        name="Demo Shop",
        description="Just another WordPress site",
        url="https://shop.example.com",
        wc_version="9.4.2",
        api_version="wc/v3",
        ssl_enabled=True,  # the home address is https
        generate_password=True,  # the settings API's "yes"
        currency="EUR",
        timezone="UTC",
        money=MoneyFormat("EUR", "€", "right_space", ".", ",", 2),
    )
    assert info.money.format(Decimal("1234.5")) == "1.234,50\u00a0€"
    status = store.session.sent[2]
    assert status.path == ROOT + "/system_status"
    assert status.param("_fields") == (
        "environment.version,settings.currency,settings.currency_symbol,"
        "settings.currency_position,settings.thousand_separator,settings.decimal_separator,"
        "settings.number_of_decimals"
    )
    index = store.session.sent[0]
    assert index.path == "/wp-json/"
    assert index.auth is None
    assert store.session.sent[1].path == "/wp-json/wc/v3"
    setting = store.session.sent[3]
    assert setting.path == ROOT + PASSWORD_SETTING
    assert setting.auth is not None
    assert setting.param("_fields") == "value"
    assert len(store.session.sent) == 4


def test_store_info_reads_a_no_from_the_password_setting(store: RecordedStore) -> None:
    store.generate_password = "no"
    info = make_client(store).store_info()
    assert info.generate_password is False
    assert not info.generates_passwords


@pytest.mark.parametrize(
    "reply",
    [
        error(404, "rest_no_route", "No route was found matching the URL and request method."),
        error(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
        error(403, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
        error(404, "rest_setting_setting_group_invalid", "Invalid setting group."),
        error(404, "rest_setting_setting_invalid", "Invalid setting."),
        error(500, "internal_server_error", "There has been a critical error on this website."),
        Reply(200, {"value": True}),
        Reply(200, {"value": "maybe"}),
        Reply(200, ["yes"]),
    ],
    ids=["no-route", "401", "403", "no-group", "no-setting", "500", "bool", "maybe", "list"],
)
def test_store_info_leaves_passwords_open_when_the_setting_is_unreadable(
    store: RecordedStore, reply: Reply
) -> None:
    """Missing, refused, failing or odd: None (WooCommerce's default holds), never an error."""
    store.password_reply = reply
    info = make_client(store).store_info()
    assert info.generate_password is None
    assert info.generates_passwords
    assert info.wc_version == "9.4.2"


def test_store_info_says_no_https_for_an_http_site(store: RecordedStore) -> None:
    store.session.queue.append(Reply(200, {**INDEX, "home": "http://shop.example.com"}))
    assert make_client(store, url="http://shop.example.com").store_info().ssl_enabled is False


@pytest.mark.parametrize(
    ("stated", "timezone"),
    [
        ({"timezone_string": "Europe/Berlin", "gmt_offset": 2}, "Europe/Berlin"),
        # A site set to a fixed offset: no name, the offset in hours (WordPress keeps a string).
        ({"timezone_string": "", "gmt_offset": 5.5}, "+05:30"),
        ({"timezone_string": "", "gmt_offset": "-3.5"}, "-03:30"),
        ({"timezone_string": "", "gmt_offset": -10}, "-10:00"),
        ({"timezone_string": "", "gmt_offset": 0}, "+00:00"),
        ({"timezone_string": None, "gmt_offset": "5.75"}, "+05:45"),
        ({"timezone_string": "", "gmt_offset": "soon"}, ""),
        ({"timezone_string": "", "gmt_offset": True}, ""),
        ({"timezone_string": "", "gmt_offset": 99}, ""),
        ({}, ""),
    ],
)
def test_store_info_states_the_sites_timezone(
    store: RecordedStore, stated: dict[str, Any], timezone: str
) -> None:
    index = {
        key: value for key, value in INDEX.items() if key not in ("timezone_string", "gmt_offset")
    }
    store.session.queue.append(Reply(200, {**index, **stated}))
    assert make_client(store).store_info().timezone == timezone
    assert "gmt_offset" in (store.session.sent[0].param("_fields") or "").split(",")


def test_store_info_without_wc_v3_or_system_status(store: RecordedStore) -> None:
    store.session.queue.append(Reply(200, {**INDEX, "namespaces": ["wp/v2"]}))
    with pytest.raises(ProtocolError, match="wc/v3"):
        make_client(store).store_info()
    store.session.queue += [
        Reply(200, INDEX),
        Reply(200, {"namespace": "wc/v3"}),
        error(403, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    ]
    assert make_client(store).store_info().wc_version == ""


def test_rate_limit_is_waited_out(store: RecordedStore) -> None:
    store.session.queue.append(
        Reply(429, {"code": "too_many_requests", "message": "Slow down"}, {"Retry-After": "2"})
    )
    assert make_client(store).count_customers() == 5
    assert len(store.session.sent) == 2


def test_walk_over_http_is_signed_as_the_official_client_signs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:

    store = RecordedStore(12)
    client = make_client(store, url="http://shop.example.com")
    urls: list[str] = []
    original = client.transport.url_and_auth

    def spy(*args: Any, **kwargs: Any) -> tuple[str, tuple[str, str] | None]:
        url, basic = original(*args, **kwargs)
        urls.append(url)
        return url, basic

    monkeypatch.setattr(client.transport, "url_and_auth", spy)
    census = client.customer_ids(plan=client.walk_plan(page_size=5, concurrency=1))
    assert census.proof.complete
    assert urls
    for url in urls:
        parts = urlsplit(url)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        signature = params.pop("oauth_signature")
        base = f"http://shop.example.com{parts.path}"
        signer = OAuth(base, KEY, SECRET, version="wc/v3", method="GET")
        assert signer.generate_oauth_signature(OrderedDict(params), base) == signature


def test_count_reads_x_wp_total_of_a_one_row_page(store: RecordedStore) -> None:
    client = make_client(store)
    assert client.count_customers() == 5
    assert client.count_customers(CustomerQuery(role="all")) == 5
    sent = store.session.sent[0]
    assert sent.param("per_page") == "1"
    assert sent.param("role") is None
    assert store.session.sent[1].param("role") == "all"
    store.session.queue.append(Reply(200, []))
    with pytest.raises(ProtocolError, match="X-WP-Total"):
        client.count_customers()


def test_get_customer_and_not_found(store: RecordedStore) -> None:
    client = make_client(store)
    store.figures[2] = (2, "49.99", 14)
    found = client.get_customer(2)
    assert found.email == "c1@example.com"
    assert found.figures is Figures.EXACT  # from wc/v1 (section 11.4)
    assert (found.orders_count, found.total_spent, found.last_order_id) == (
        2,
        Decimal("49.99"),
        14,
    )
    figures = store.session.sent[-1]
    assert (figures.path, figures.param("include")) == ("/wp-json/wc/v1/customers", "2")
    with pytest.raises(NotFoundError):
        client.get_customer(999)
    with pytest.raises(ConfigurationError):
        client.get_customer("12abc")  # type: ignore[arg-type]


def test_find_by_email_is_exact_every_role_and_encodes_plus(store: RecordedStore) -> None:
    store.add("frank+tag@example.com")
    store.add("admin@example.com", role="administrator")
    client = make_client(store)
    assert client.find_customer_by_email("FRANK+TAG@example.com ") is not None
    sent = store.session.v3[-1]
    assert sent.param("role") == "all"
    assert sent.param("email") == "FRANK+TAG@example.com"
    admin = client.find_customer_by_email("admin@example.com")
    assert admin is not None
    assert admin.role == "administrator"
    assert client.find_customer_by_email("nobody@example.com") is None


def test_find_by_email_over_oauth_sends_plus_encoded() -> None:
    store = RecordedStore(1)
    store.add("frank+tag@example.com")
    client = make_client(store, url="http://shop.example.com")
    assert client.find_customer_by_email("frank+tag@example.com") is not None
    # The session saw the decoded value: the raw query carried %2B, never a bare +.
    assert store.session.v3[-1].param("email") == "frank+tag@example.com"
    url, _ = client.transport.url_and_auth(
        "GET", "/customers", [("email", "frank+tag@example.com")]
    )
    assert "email=frank%2Btag%40example.com" in url


def test_find_by_an_address_the_email_parameter_refuses(store: RecordedStore) -> None:
    store.add("bad address@example.com")
    client = make_client(store)
    assert client.find_customer_by_email("bad address@example.com") is not None
    assert store.session.v3[-1].param("search") == "bad address@example.com"


def test_find_by_email_falls_back_to_search_when_the_store_refuses_it(
    store: RecordedStore,
) -> None:
    store.add("odd@example.com")
    store.session.queue.append(
        error(
            400,
            "rest_invalid_param",
            "Invalid parameter(s): email",
            params={"email": "Invalid email address."},
        )
    )
    found = make_client(store).find_customer_by_email("odd@example.com")
    assert found is not None
    assert store.session.v3[-1].param("search") == "odd@example.com"


def test_customer_page_uses_page_and_per_page(store: RecordedStore) -> None:
    page = make_client(store).customer_page(2, page_size=2)
    assert [c.id for c in page.customers] == [4, 5]
    assert (page.total, page.total_pages) == (5, 3)
    with pytest.raises(ConfigurationError):
        make_client(store).customer_page(1, page_size=101)


def test_query_translation() -> None:
    query = CustomerQuery(role="all", search="ali", orderby="registered", order="DESC")
    assert rest_query_params(query) == [
        ("order", "desc"),
        ("orderby", "registered_date"),
        ("role", "all"),
        ("search", "ali"),
    ]
    assert ("orderby", "id") in rest_query_params(query, ordered=True)
    with pytest.raises(ConfigurationError, match="created_at_min"):
        rest_query_params(CustomerQuery(extra={"created_at_min": "2020-01-01"}))
    with pytest.raises(ConfigurationError):
        rest_query_params(CustomerQuery(orderby="meta_value_num"))


# -- walks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("page_size", [None, 7, 100])
def test_list_walks_in_id_order_with_overlap_and_proof(page_size: int | None) -> None:
    store = RecordedStore(250)
    client = make_client(store)
    listed = client.list_customers(page_size=page_size, concurrency=2)
    assert [c.id for c in listed] == sorted(store.customers)
    assert listed.proof.complete
    lists = [s for s in store.session.sent if s.path == f"{ROOT}/customers"]
    for sent in lists:
        assert int(sent.param("per_page") or 0) <= 100
        assert sent.param("filter[limit]") is None
        if sent.param("offset") is not None:  # a walk window, not the count
            assert (sent.param("orderby"), sent.param("order")) == ("id", "asc")


def test_census_trims_to_ids(store: RecordedStore) -> None:
    census = make_client(store).customer_ids(CustomerQuery(role="all"))
    assert census.ids == frozenset(store.customers)
    assert census.proof.complete
    assert any(s.param("_fields") == "id" for s in store.session.sent)


def test_walk_notices_a_customer_deleted_behind_it() -> None:
    store = RecordedStore(30)
    deleted = False

    def route(sent: Sent) -> Reply:
        nonlocal deleted
        reply = store.route(sent)
        if not deleted and sent.param("offset") == "0":
            del store.customers[3]
            deleted = True
        return reply

    store.session.route = route
    listed = make_client(store).list_customers(page_size=10, concurrency=1)
    assert [c.id for c in listed] == sorted(store.customers)
    assert listed.proof.complete


def test_walk_refuses_filters_wc_v3_lacks(store: RecordedStore) -> None:
    with pytest.raises(ConfigurationError):
        make_client(store).walk_customers(CustomerQuery(extra={"created_at_max": "x"}))


# -- orders and downloads ------------------------------------------------------------------------


def test_customer_orders_every_page_newest_first(store: RecordedStore) -> None:
    store.orders = [
        {"id": n, "customer_id": 2, "status": "completed", "total": "1.00", "number": str(n)}
        for n in range(1, 231)
    ] + [{"id": 999, "customer_id": 3, "status": "processing"}]
    orders = make_client(store).customer_orders(2)
    assert [o.id for o in orders] == list(range(230, 0, -1))
    first = store.session.sent[0]
    assert first.path == f"{ROOT}/orders"
    assert (first.param("customer"), first.param("per_page")) == ("2", "100")
    assert first.param("status") is None  # the store's default: every status


def test_customer_downloads(store: RecordedStore) -> None:
    store.downloads[2] = [
        {
            "download_id": "d1",
            "product_id": 10,
            "download_name": "E-Book PDF",
            "order_id": 13,
            "downloads_remaining": "unlimited",
            "access_expires": "never",
            "access_expires_gmt": "never",
            "file": {"name": "E-Book PDF", "file": "https://x/ebook.pdf"},
        }
    ]
    downloads = make_client(store).customer_downloads(2)
    assert downloads[0].is_unlimited
    assert make_client(store).customer_downloads(3) == []
    with pytest.raises(NotFoundError):
        make_client(store).customer_downloads(999)


# -- writes --------------------------------------------------------------------------------------


def test_create_sends_the_v3_shape_and_reads_201(store: RecordedStore) -> None:
    draft = CustomerDraft(
        email="zoe@example.com", first_name="Zoë", billing=BillingAddress(city="São Paulo")
    )
    result = make_client(store).create_customer(draft.to_create_payload())
    assert result.customer.email == "zoe@example.com"
    assert result.customer.billing.city == "São Paulo"
    assert result.unapplied == ()
    sent = store.session.v3[-1]
    assert sent.method == "POST"
    city = {k: v for k, v in BillingAddress(city="São Paulo").to_api().items() if k != "email"}
    assert sent.json == {"email": "zoe@example.com", "first_name": "Zoë", "billing": city}


def test_create_errors(store: RecordedStore) -> None:
    client = make_client(store)
    with pytest.raises(ValidationError) as taken:
        client.create_customer({"email": "C1@example.com"})
    assert taken.value.field == "email"
    assert taken.value.code == "registration-error-email-exists"
    sent_before = len(store.session.sent)
    with pytest.raises(ValidationError):
        client.create_customer({"email": " spaced@example.com "})  # the write gate
    assert len(store.session.sent) == sent_before


def test_create_with_a_lost_answer_finds_the_customer(store: RecordedStore) -> None:
    client = make_client(store)
    original = client.transport.request

    def request(method: str, route: str, *args: Any, **kwargs: Any) -> Any:
        answer = original(method, route, *args, **kwargs)
        if method == "POST":
            raise UnclearWriteError("The connection broke.")  # the store made it, unheard
        return answer

    client.transport.request = request  # type: ignore[method-assign]
    result = client.create_customer({"email": "new@example.com"})
    assert result.recovered
    assert result.customer.email == "new@example.com"
    assert sum(1 for s in store.session.sent if s.method == "POST") == 1


def test_create_with_a_lost_answer_and_an_old_customer_is_taken(store: RecordedStore) -> None:
    client = make_client(store)

    def request(method: str, route: str, *args: Any, **kwargs: Any) -> Any:
        if method == "POST":
            raise UnclearWriteError("The connection broke.")
        return original(method, route, *args, **kwargs)

    original = client.transport.request
    client.transport.request = request  # type: ignore[method-assign]
    with pytest.raises(ValidationError, match="already exists"):
        client.create_customer({"email": "c1@example.com"})


def test_update_is_partial_and_refuses_another_customers_email(store: RecordedStore) -> None:
    client = make_client(store)
    before = client.get_customer(2)
    after = before.with_changes(first_name="Alicia")
    result = client.update_customer(2, update_payload(before, after))
    assert result.customer.first_name == "Alicia"
    sent = store.session.v3[-1]
    assert (sent.method, sent.path, sent.json) == (
        "PUT",
        f"{ROOT}/customers/2",
        {"first_name": "Alicia"},
    )
    with pytest.raises(ValidationError, match="another customer") as taken:
        client.update_customer(2, {"email": "c2@example.com"})
    assert taken.value.field == "email"
    with pytest.raises(NotFoundError):
        client.update_customer(999, {"first_name": "x"})
    with pytest.raises(ValidationError):
        client.update_customer(2, {"email": ""})  # the gate: an emptied email


def test_delete_forces_and_maps_unknown(store: RecordedStore) -> None:
    client = make_client(store)
    client.delete_customer(3)
    assert 3 not in store.customers
    assert store.session.v3[-1].param("force") == "true"
    with pytest.raises(NotFoundError):
        client.delete_customer(3)


def test_auth_errors_are_clear(store: RecordedStore) -> None:
    store.session.queue.append(
        error(401, "woocommerce_rest_authentication_error", "Consumer secret is invalid.")
    )
    with pytest.raises(AuthError, match="consumer secret"):
        make_client(store).get_customer(2)
    store.session.queue.append(
        error(
            401,
            "woocommerce_rest_authentication_error",
            "The API key provided does not have write permissions.",
        )
    )
    with pytest.raises(PermissionDeniedError):
        make_client(store).update_customer(2, {"first_name": "x"})


# -- batch ---------------------------------------------------------------------------------------


def test_batch_splits_creates_and_updates_and_merges_by_position(store: RecordedStore) -> None:
    items: list[dict[str, Any]] = [
        {"id": 2, "first_name": "Two"},
        {"email": "fresh@example.com", "billing_address": {"city": "Berlin"}},
        {"email": "c3@example.com"},  # exists: the item fails
        {"id": 999, "first_name": "Ghost"},
    ]
    outcomes = make_client(store).bulk_save(items)
    assert [o.index for o in outcomes] == [0, 1, 2, 3]
    assert outcomes[0].ok
    assert not outcomes[0].created
    assert outcomes[0].customer is not None
    assert outcomes[0].customer.first_name == "Two"
    assert outcomes[1].ok
    assert outcomes[1].created
    assert isinstance(outcomes[2].error, ValidationError)
    assert outcomes[2].error.field == "email"
    assert isinstance(outcomes[3].error, NotFoundError)
    body = store.session.v3[-1].json
    assert body["update"] == [{"id": 2, "first_name": "Two"}, {"id": 999, "first_name": "Ghost"}]
    assert body["create"][0] == {"email": "fresh@example.com", "billing": {"city": "Berlin"}}


def test_batch_never_sends_what_it_would_destroy(store: RecordedStore) -> None:
    items: list[dict[str, Any]] = [
        {"id": 2, "email": "not-an-email"},  # would be blanked (9.3)
        {"id": "12abc", "first_name": "x"},  # would act on 12
        {"id": 3.0, "first_name": "x"},
        {"id": 4, "email": ""},  # the gate: an emptied email
        {"id": 5, "first_name": "Fine"},
    ]
    outcomes = make_client(store).bulk_save(items)
    assert [o.ok for o in outcomes] == [False, False, False, False, True]
    assert all(isinstance(o.error, ValidationError) for o in outcomes[:4])
    assert store.customers[2]["email"] == "c1@example.com"
    assert store.session.v3[-1].json == {"update": [{"id": 5, "first_name": "Fine"}]}


def test_batch_chunks_stay_within_100_items() -> None:
    store = RecordedStore(0)
    items = [{"email": f"n{n}@example.com"} for n in range(250)]
    outcomes = make_client(store).bulk_save(items)
    assert all(o.ok for o in outcomes)
    sizes = [len(s.json["create"]) for s in store.session.sent if s.path.endswith("/batch")]
    assert sizes == [100, 100, 50]
    with pytest.raises(ConfigurationError):
        make_client(store).bulk_save(items, chunk_size=101)


def test_batch_too_large_answer_is_a_validation_error(store: RecordedStore) -> None:
    store.session.queue.append(
        error(
            413,
            "woocommerce_rest_request_entity_too_large",
            "Unable to accept more than 100 items for this request.",
        )
    )
    with pytest.raises(ValidationError, match="100 items"):
        make_client(store).bulk_save([{"email": "x1@example.com"}])


def test_batch_answer_with_missing_results_is_a_protocol_error(store: RecordedStore) -> None:
    store.session.queue.append(Reply(200, {"create": []}))
    with pytest.raises(ProtocolError):
        make_client(store).bulk_save([{"email": "x1@example.com"}])


def test_a_list_answer_that_is_no_array_is_a_protocol_error(store: RecordedStore) -> None:
    store.session.queue.append(Reply(200, {"customers": []}, {"X-WP-Total": "5"}))
    with pytest.raises(ProtocolError, match="no list"):
        make_client(store).list_customers(page_size=10)


def test_orders_of_a_customer_without_any(store: RecordedStore) -> None:
    """wc/v3 answers an unknown customer with no orders (section 11.1); an empty answer is
    checked against the customer, so a customer without orders and an unknown id differ."""
    known = store.add("no.orders@example.com")
    assert make_client(store).customer_orders(known["id"]) == []
    assert [s.path.removeprefix(ROOT) for s in store.session.sent] == [
        "/orders",
        f"/customers/{known['id']}",
    ]
    with pytest.raises(NotFoundError):
        make_client(store).customer_orders(999)


# -- order figures (section 19.3) ----------------------------------------------------------------


def _no_route() -> Reply:
    return error(404, "rest_no_route", "No route was found matching the URL and request method.")


def test_figures_fall_back_to_wc_v2_when_wc_v1_is_gone(store: RecordedStore) -> None:
    """The index lists wc/v1, but it answers rest_no_route: wc/v2 it is, from then on."""

    def route(sent: Sent) -> Reply:
        if sent.path == "/wp-json/wc/v1/customers":
            return _no_route()
        if sent.path == "/wp-json/wc/v2/customers":
            assert sent.param("_fields") == "id,orders_count,total_spent"
            assert (sent.param("per_page"), sent.param("role")) == ("100", "all")
            ids = [int(i) for i in (sent.param("include") or "").split(",")]
            rows = [{"id": i, "orders_count": 1, "total_spent": "22.49"} for i in ids]
            return listing(rows, len(rows), 100)
        return store.route(sent)

    store.session.route = route
    client = make_client(store)
    found = client.get_customer(3)
    assert found.figures is Figures.EXACT
    assert (found.orders_count, found.total_spent) == (1, Decimal("22.49"))
    assert found.last_order_id is None  # wc/v2 does not say
    assert found.last_order_known is False
    assert client.figure_sources()[0] is FigureSource.V2
    assert FigureSource.V1 not in client.figure_sources()
    client.get_customer(2)
    paths = [s.path for s in store.session.sent]
    assert paths.count("/wp-json/wc/v1/customers") == 1
    assert paths.count("/wp-json/wc/v2/customers") == 2
    assert paths.count("/wp-json/") == 1  # the namespaces are read once


def test_figures_from_analytics_are_approximate(store: RecordedStore) -> None:
    """Rows are keyed by ``user_id``; the site-time date is moved to UTC by ``gmt_offset``."""
    index = {**INDEX, "gmt_offset": 2, "namespaces": ["wc/v3", "wc-analytics", "wp/v2"]}

    def route(sent: Sent) -> Reply:
        if sent.path == "/wp-json/":
            return Reply(200, index)
        if sent.path == "/wp-json/wc-analytics/reports/customers":
            assert sent.param("users") == "2,3"
            rows = [
                {"user_id": 2, "orders_count": 1, "total_spend": 45, "date_last_order": None},
                {
                    "user_id": 3,
                    "orders_count": 2,
                    "total_spend": 49.99,
                    "date_last_order": "2026-12-05 20:25:20",
                },
            ]
            return listing(rows, 2, 100)
        return store.route(sent)

    store.session.route = route
    page = make_client(store).customer_page(1, CustomerQuery(role="all"), page_size=2)
    two, three = page.customers
    assert two.figures is three.figures is Figures.APPROXIMATE
    assert (two.orders_count, two.total_spent) == (1, Decimal("45.00"))
    assert three.last_order_date == datetime(2026, 12, 5, 18, 25, 20, tzinfo=UTC)
    assert three.last_order_id is None


def test_without_a_source_or_the_right_to_read_it_figures_stay_unknown(
    store: RecordedStore,
) -> None:
    """Analytics refuses a key whose user may not view reports: unknown, never zeros."""
    index = {**INDEX, "namespaces": ["wc/v3", "wc-analytics"]}
    asked: list[str] = []

    def route(sent: Sent) -> Reply:
        if sent.path == "/wp-json/":
            return Reply(200, index)
        if sent.path.startswith("/wp-json/wc-analytics/"):
            asked.append(sent.path)
            return error(403, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
        return store.route(sent)

    store.session.route = route
    client = make_client(store)
    assert client.get_customer(2).figures is Figures.UNKNOWN
    assert client.get_customer(3).figures is Figures.UNKNOWN
    assert len(asked) == 1
    assert client.figure_sources() == ()
    no_source = RecordedStore(2)
    plain = no_source.route

    def bare(sent: Sent) -> Reply:
        if sent.path == "/wp-json/":
            return Reply(200, {**INDEX, "namespaces": ["wc/v3", "wp/v2"]})
        return plain(sent)

    no_source.session.route = bare
    assert make_client(no_source).get_customer(2).figures is Figures.UNKNOWN
    assert [s.path for s in no_source.session.sent] == [f"{ROOT}/customers/2", "/wp-json/"]


def test_a_saved_customer_stays_saved_when_its_figures_cannot_be_read(
    store: RecordedStore,
) -> None:
    """The write is done: a failing figures source leaves the figures unknown, no more."""

    def route(sent: Sent) -> Reply:
        if sent.path == "/wp-json/wc/v1/customers":
            return error(500, "internal_server_error", "There has been a critical error.")
        return store.route(sent)

    store.session.route = route
    client = make_client(store, max_retries=0)
    created = client.create_customer(CustomerDraft(email="kept@example.com").to_create_payload())
    assert created.customer.email == "kept@example.com"
    assert created.customer.figures is Figures.UNKNOWN
    updated = client.update_customer(created.customer.id, {"first_name": "Kept"})
    assert updated.customer.first_name == "Kept"
    outcomes = client.bulk_save([{"email": "also@example.com"}])
    assert [o.ok for o in outcomes] == [True]
    with pytest.raises(ServerError):  # a read, though, does not pass off unknown figures
        client.get_customer(created.customer.id)


def test_a_401_from_a_figures_source_is_not_taken_for_its_absence(store: RecordedStore) -> None:
    """Only a missing route or a 403 drops a source; a 401 fails the read like any other."""
    refused = iter([True])

    def route(sent: Sent) -> Reply:
        if sent.path == "/wp-json/wc/v1/customers" and next(refused, False):
            return error(401, "woocommerce_rest_authentication_error", "Invalid timestamp.")
        return store.route(sent)

    store.session.route = route
    client = make_client(store, max_retries=0)
    with pytest.raises(AuthError):
        client.get_customer(2)
    assert client.get_customer(2).figures is Figures.EXACT
    assert client.figure_sources()[0] is FigureSource.V1


def test_customers_by_id_without_a_count_ask_again_for_what_a_short_answer_left(
    store: RecordedStore,
) -> None:
    """A host that caps per_page and strips X-WP-Total: the rest are asked, not taken as gone."""

    def route(sent: Sent) -> Reply:
        if sent.path.endswith("/wc/v3/customers") and sent.param("include"):
            ids = [int(i) for i in (sent.param("include") or "").split(",")]
            rows = [store.customers[i] for i in ids if i in store.customers][:2]
            return Reply(200, rows)  # no X-WP-Total
        return store.route(sent)

    store.session.route = route
    found = make_client(store).customers_by_ids([2, 3, 4, 5, 99])
    assert [c.id for c in found.customers] == [2, 3, 4, 5]
    assert found.missing == frozenset({99})
