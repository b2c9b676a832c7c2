"""The command line's commands over the client: each prints its result and returns an exit code.

Exit codes: 0 success; 1 the store or the network failed (or silently kept a change); 2 a
usage problem (bad options, unreadable input, no store configured, a customer that must not be
sent).

``customers create`` and ``update`` send the JSON object they are given, normalised the way the
dialog's and the importer's fields are (trimmed, countries as codes), and only after it passed
the same rules (:func:`app.domain.write_gate.customer_problems`): no unknown key (a typo is named
with the nearest valid key), nothing a store would destroy or garble (an emptied email, a list
where text belongs, an email or username too long), and the customer dialog's and the import's
rule set (a valid email, a known country, a state of that country, WordPress' username rule).
Each problem is named on stderr and nothing is sent. What only the store can know (an email
another customer has) is left to the store.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from app.api.choice import stamp_scanner
from app.api.choice import store_info as describe_store
from app.api.client import CustomerQuery, SaveResult, WooClient
from app.cli.output import counted
from app.domain.customer import Customer, Figures
from app.domain.deletion import deleted_message, orders_kept
from app.domain.figures import APPROXIMATE_MARK, APPROXIMATE_WHY
from app.domain.money import MoneyFormat
from app.domain.new_accounts import new_account_emails_warning
from app.domain.order import Download, Order
from app.domain.validation import has_errors
from app.domain.write_gate import (
    customer_problems,
    normalize_payload,
    unforgivable_problems,
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """A problem with what the user typed or passed in (exit code 2)."""


@dataclass
class Console:
    """Where a command writes: results to ``out``, messages to ``err``; JSON or text."""

    out: TextIO
    err: TextIO
    as_json: bool
    inp: TextIO = field(default_factory=lambda: sys.stdin)


def _money(value: Decimal | None, currency: str = "") -> str:
    """An amount as the store's API writes it, with its currency code when known ("30.00 USD").

    The CLI's output is read by scripts too: amounts keep the code, never the shop's symbol
    and separators (``store info`` says how the shop writes them).
    """
    return MoneyFormat(code=currency).format(value) if value is not None else ""


def _date(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if value is not None else ""


#: What ``store info`` writes to show how the shop writes prices ("$1,234.56").
PRICE_SAMPLE = Decimal("1234.56")

#: How ``customers show`` says a figure is WooCommerce Analytics' approximation (§14.3).
APPROXIMATE_SOURCE = f"approximate: {APPROXIMATE_WHY}"


def _figure(customer: Customer, text: str) -> str:
    """An order figure as shown: ``≈`` before an approximate one, a dash for an unknown one."""
    if not customer.stats_known:
        return Customer.UNKNOWN_FIGURE
    if customer.figures is Figures.APPROXIMATE and text:
        return f"{APPROXIMATE_MARK} {text}"
    return text


def customer_rows(customers: list[Customer]) -> list[list[object]]:
    """Table rows of customers (the columns of :func:`print_customers`)."""
    return [
        [
            c.id,
            c.display_name,
            c.email,
            c.username,
            c.billing.city or c.shipping.city,
            c.billing.country or c.shipping.country,
            _figure(c, str(c.orders_count)),
            _figure(c, _money(c.total_spent)),
            _figure(c, _date(c.last_order_date)) if c.last_order_known else "–",
        ]
        for c in customers
    ]


def print_customers(customers: list[Customer], console: Console) -> None:
    """A list of customers: a JSON array in the API's shape, or a table."""
    if console.as_json:
        print_json_value([c.to_api() for c in customers], console)
        return
    from app.cli.output import print_table

    print_table(
        ["ID", "Name", "Email", "Username", "City", "Country", "Orders", "Spent", "Last order"],
        customer_rows(customers),
        console.out,
        right_aligned=(0, 6, 7),
    )


def print_customer(customer: Customer, console: Console) -> None:
    """One customer: a JSON object in the API's shape, or labelled lines."""
    if console.as_json:
        print_json_value(customer.to_api(), console)
        return
    from app.cli.output import print_fields

    billing, shipping = customer.billing, customer.shipping
    print_fields(
        [
            ("ID", customer.id),
            ("Name", customer.display_name),
            ("Email", customer.email),
            ("Username", customer.username),
            ("Role", customer.role or ""),
            ("Registered", _date(customer.created_at)),
            *(
                [
                    (
                        "Orders",
                        _figure(customer, str(customer.orders_count))
                        + (
                            f" ({APPROXIMATE_SOURCE})"
                            if customer.figures is Figures.APPROXIMATE
                            else ""
                        ),
                    ),
                    ("Total spent", _figure(customer, _money(customer.total_spent))),
                    ("Average order", _figure(customer, _money(customer.average_order_value))),
                ]
                if customer.stats_known
                else [("Orders", "not given by the store's REST API")]
            ),
            (
                "Last order",
                _figure(customer, _date(customer.last_order_date))
                if customer.last_order_known
                else Customer.UNKNOWN_FIGURE,
            ),
            ("Billing", _address_line(billing.to_api())),
            ("Phone", billing.phone),
            ("Shipping", _address_line(shipping.to_api())),
        ],
        console.out,
    )


def _address_line(fields: Mapping[str, str]) -> str:
    parts = [
        " ".join(p for p in (fields["first_name"], fields["last_name"]) if p),
        fields["company"],
        fields["address_1"],
        fields["address_2"],
        " ".join(p for p in (fields["postcode"], fields["city"]) if p),
        fields["state"],
        fields["country"],
    ]
    return ", ".join(p for p in parts if p)


def print_json_value(value: Any, console: Console) -> None:
    """Any JSON value on the console's output."""
    from app.cli.output import print_json

    print_json(value, console.out)


def _report_save(result: SaveResult, console: Console) -> int:
    print_customer(result.customer, console)
    if result.recovered:
        console.err.write("note: the store's answer was lost; the saved customer was found.\n")
    for change in result.unapplied:
        console.err.write(
            f"warning: the store kept {change.field} = “{change.kept}” instead of "
            f"“{change.sent}”"
            + (
                " (the email probably belongs to another customer)"
                if change.field == "email"
                else ""
            )
            + ".\n"
        )
    return EXIT_FAILED if result.unapplied else EXIT_OK


def _read_object(source: str, stdin: TextIO) -> dict[str, Any]:
    """A JSON customer object from a file or stdin; ``{"customer": {...}}`` is unwrapped."""
    try:
        text = stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8-sig")
    except OSError as error:
        raise UsageError(f"cannot read {source}: {error.strerror or error}") from error
    try:
        data = json.loads(text)
    except ValueError as error:
        raise UsageError(f"{source} is not valid JSON: {error}") from error
    if isinstance(data, dict) and isinstance(data.get("customer"), dict) and len(data) == 1:
        data = data["customer"]
    if not isinstance(data, dict):
        raise UsageError(f"{source} must hold one JSON object (a customer)")
    return data


def customers_list(options: argparse.Namespace, client: WooClient, console: Console) -> int:
    """``customers list``."""
    if options.page_size is not None and not 1 <= options.page_size <= 100:
        raise UsageError("--page-size must be between 1 and 100")
    # The filter options default to "not given"; the other filters are the cache's (run.py).
    search = options.search or ""
    query = CustomerQuery(role=options.role or "customer", search=search)
    listed = client.list_customers(query, page_size=options.page_size)
    print_customers(list(listed.customers), console)
    proof = listed.proof
    if not proof.complete:
        console.err.write(
            f"warning: the list may be incomplete: {counted(proof.collected, 'customer')} "
            f"listed, the store counts {proof.store_count:,} (it changed while it was read). "
            "Run the command again.\n"
        )
        return EXIT_FAILED
    if not console.as_json:
        console.err.write(f"{counted(len(listed.customers), 'customer')}\n")
    if search and not listed.customers:
        console.err.write(f"note: {_nothing_matched(search, client)}\n")
    return EXIT_OK


def _nothing_matched(search: str, client: WooClient) -> str:
    """Why a store's search may have found nothing: what the API in use searches (README)."""
    head = f"no customer matched “{search}”."
    offline = (
        "`--offline --search` finds any part of a name, email, username, company, phone, city "
        "or postcode in the local cache (after `woo-customers sync`)."
    )
    if stamp_scanner(client) is not None:
        return (
            f"{head} The store's REST API (wc/v3) finds a part of the email, username or "
            f"display name only; {offline}"
        )
    return (
        f"{head} The store's legacy API matches a whole email address, username or name "
        f"exactly (case aside), unless * stands for the rest (“{search.strip('*')}*”); "
        f"{offline}"
    )


def customer_reference(text: str) -> int | str:
    """A customer named on the command line: an id, or an email address.

    Raises:
        UsageError: when it is neither.
    """
    wanted = text.strip()
    if "@" in wanted:
        return wanted
    if wanted.isascii() and wanted.isdigit():
        return int(wanted)
    raise UsageError(f"“{wanted}” is neither a customer ID nor an email address")


def customers_get(options: argparse.Namespace, client: WooClient, console: Console) -> int:
    """``customers get ID_OR_EMAIL``."""
    wanted = customer_reference(options.customer)
    if isinstance(wanted, str):
        customer = client.find_customer_by_email(wanted)
        if customer is None:
            console.err.write(f"error: no customer has the email {wanted}\n")
            return EXIT_FAILED
    else:
        customer = client.get_customer(wanted)
    print_customer(customer, console)
    return EXIT_OK


def customers_count(options: argparse.Namespace, client: WooClient, console: Console) -> int:
    """``customers count``."""
    count = client.count_customers(CustomerQuery(role=options.role))
    if console.as_json:
        print_json_value({"count": count}, console)
    else:
        console.out.write(f"{count}\n")
    return EXIT_OK


def _sendable(
    data: dict[str, Any],
    console: Console,
    *,
    creating: bool,
    stored: Callable[[], Customer] | None = None,
) -> dict[str, Any] | None:
    """``data`` normalised for sending, or None after naming every problem found in it.

    The rules are the customer dialog's and the import's (:func:`customer_problems`): unknown
    keys, what the write gate refuses, invalid emails, unknown countries, states of another
    country; errors are printed and block, hints are printed as warnings. The client would
    refuse the gate's problems too, but with its first problem only; a person fixing a file
    wants them all at once. ``stored`` reads the customer an update changes: asked only when
    the rules need it (a state given without its country, or an error that may be a value the
    store already holds), so a plain update sends nothing but the update.
    """
    payload = normalize_payload(data)
    problems = customer_problems(payload, creating=creating)
    may_need_stored = has_errors(problems) or _state_without_country(payload)
    if (
        stored is not None
        and may_need_stored
        and not has_errors(unforgivable_problems(payload, creating=creating))
    ):
        customer = stored()
        payload = normalize_payload(data, stored=customer)
        problems = customer_problems(payload, creating=creating, stored=customer)
    for problem in problems:
        kind = "error" if problem.is_error else "warning"
        console.err.write(f"{kind}: {problem.describe()}\n")
    return None if has_errors(problems) else payload


def _state_without_country(payload: Mapping[str, Any]) -> bool:
    """Whether an address of ``payload`` gives a state but not the country it belongs to."""
    return any(
        isinstance(address, Mapping) and "state" in address and "country" not in address
        for address in (payload.get("billing_address"), payload.get("shipping_address"))
    )


def customers_create(options: argparse.Namespace, client: WooClient, console: Console) -> int:
    """``customers create --data FILE``."""
    payload = _sendable(_read_object(options.data, console.inp), console, creating=True)
    if payload is None:
        return EXIT_USAGE
    console.err.write(f"warning: {new_account_emails_warning(1, before='creating')}\n")
    return _report_save(client.create_customer(payload), console)


def customers_update(options: argparse.Namespace, client: WooClient, console: Console) -> int:
    """``customers update ID --data FILE``: sends the fields given, nothing else."""
    changes = _read_object(options.data, console.inp)
    changes.pop("id", None)
    payload = _sendable(
        changes,
        console,
        creating=False,
        stored=lambda: client.get_customer(options.customer_id),
    )
    if payload is None:
        return EXIT_USAGE
    return _report_save(client.update_customer(options.customer_id, payload), console)


def _who(customer: Customer) -> str:
    """A customer named for a confirmation: ``42, Jane Doe <jane@example.com>``."""
    email = f" <{customer.email}>" if customer.email else ""
    return f"{customer.id}, {customer.display_name}{email}"


def customers_delete(options: argparse.Namespace, client: WooClient, console: Console) -> int:
    """``customers delete ID --yes``."""
    # Named, so a mistyped id is caught before --yes is added (a read, nothing changes), and
    # so the confirmation says who went and what became of their orders.
    customer = client.get_customer(options.customer_id)
    if not options.yes:
        raise UsageError(
            f"deleting customer {_who(customer)} cannot be undone. {orders_kept([customer])} "
            "Add --yes to confirm."
        )
    client.delete_customer(options.customer_id)
    if console.as_json:
        print_json_value({"deleted": options.customer_id}, console)
    else:
        console.out.write(f"{deleted_message(customer)}\n")
    return EXIT_OK


def customers_orders(options: argparse.Namespace, client: WooClient, console: Console) -> int:
    """``customers orders ID``."""
    orders: list[Order] = client.customer_orders(options.customer_id)
    if console.as_json:
        print_json_value([o.to_api() for o in orders], console)
        return EXIT_OK
    from app.cli.output import print_table

    print_table(
        ["Order", "Date", "Status", "Items", "Total", "Payment"],
        [
            [
                f"#{o.number}",
                _date(o.created_at),
                o.status,
                o.item_count,
                _money(o.total, o.currency),
                o.payment_method_title,
            ]
            for o in orders
        ],
        console.out,
        right_aligned=(3, 4),
    )
    console.err.write(f"{counted(len(orders), 'order')}\n")
    return EXIT_OK


def customers_downloads(options: argparse.Namespace, client: WooClient, console: Console) -> int:
    """``customers downloads ID``."""
    downloads: list[Download] = client.customer_downloads(options.customer_id)
    if console.as_json:
        print_json_value([d.to_api() for d in downloads], console)
        return EXIT_OK
    from app.cli.output import print_table

    products = _product_names(client, options.customer_id, downloads)
    print_table(
        ["File", "Product", "Order", "Downloads left", "Expires"],
        [
            [
                d.name,
                products.get(d.product_id) if d.product_id is not None else "",
                d.order_id or "",
                "Unlimited" if d.is_unlimited else d.downloads_remaining,
                _date(d.access_expires) or "Never",
            ]
            for d in downloads
        ],
        console.out,
    )
    return EXIT_OK


def _product_names(
    client: WooClient, customer_id: int, downloads: list[Download]
) -> dict[int | None, str]:
    """The downloads' product names by product id, for the table.

    wc/v3 names the product in each download; the legacy API only gives its id, so the names
    come from the lines of the customer's orders (one more request, only when a name is
    missing). A product no order line names shows as ``#ID``.
    """
    names: dict[int | None, str] = {
        d.product_id: d.product_name for d in downloads if d.product_name
    }
    if any(d.product_id not in names for d in downloads):
        for order in client.customer_orders(customer_id):
            for item in order.line_items:
                if item.product_id is not None and item.name:
                    names.setdefault(item.product_id, item.name)
    for download in downloads:
        names.setdefault(download.product_id, f"#{download.product_id}")
    return names


_PASSWORDS = {
    True: "generated by the store",
    False: "required",
    None: "the store does not say (it refuses a new customer without one if it needs one)",
}


def store_info(options: argparse.Namespace, client: WooClient, console: Console) -> int:
    """``store info``."""
    info = describe_store(client)
    connection = client.connection
    if console.as_json:
        print_json_value(
            {
                "name": info.name,
                "description": info.description,
                "url": info.url,
                "wc_version": info.wc_version,
                "api_version": info.api_version,
                "api_used": info.api_used,
                "ssl_enabled": info.ssl_enabled,
                "generate_password": info.generate_password,
                "currency": info.currency,
                "money_format": json.loads(info.money.to_json()),
                "auth": str(connection.effective_auth),
            },
            console,
        )
        return EXIT_OK
    from app.cli.output import print_fields

    print_fields(
        [
            ("Store", info.name),
            ("Address", info.url),
            ("WooCommerce", info.wc_version),
            ("API", info.api_used),
            ("HTTPS", "yes" if info.ssl_enabled else "no"),
            ("Passwords", _PASSWORDS[info.generate_password]),
            ("Currency", info.currency),
            ("Prices", info.money.format(PRICE_SAMPLE) if info.money.has_symbol else "–"),
            ("Authentication", str(connection.effective_auth)),
        ],
        console.out,
    )
    return EXIT_OK


Command = Callable[[argparse.Namespace, WooClient, Console], int]

COMMANDS: dict[tuple[str, str], Command] = {
    ("customers", "list"): customers_list,
    ("customers", "get"): customers_get,
    ("customers", "count"): customers_count,
    ("customers", "create"): customers_create,
    ("customers", "update"): customers_update,
    ("customers", "delete"): customers_delete,
    ("customers", "orders"): customers_orders,
    ("customers", "downloads"): customers_downloads,
    ("store", "info"): store_info,
}
