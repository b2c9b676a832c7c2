"""How the models write money: the one formatter every table, panel and figure uses.

A money figure is written the way its store writes it (:class:`~app.domain.money.MoneyFormat`:
"$1,234.50", "1.234,50 €"), from the store's settings as the window last heard them (kept in
the cache, so offline too). Before a store ever said, an amount shows as its API writes it
("1234.50"), followed by the currency code when known ("30.00 USD"). An order is written in its
own currency: the store's format, with the order's symbol, or its code when the order does not
give one (:func:`order_money`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from app.domain.money import MoneyFormat
from app.domain.order import Order

#: The format before the store said how it writes money: no symbol, no grouping ("1234.50").
PLAIN_MONEY: Final = MoneyFormat()

_CENT: Final = Decimal("0.01")


def format_amount(value: Decimal) -> str:
    """A money amount with two decimals and no grouping, as the store's API writes it ("1234.50").

    For machine-like places (sorting keys, exports); figures people read use
    :func:`format_money`.
    """
    return f"{value.quantize(_CENT):f}"


def format_money(value: Decimal, money: MoneyFormat = PLAIN_MONEY) -> str:
    """``value`` as the store writes money ("$1,234.50"; "1234.50" before the store said)."""
    return money.format(value)


def order_money(order: Order, money: MoneyFormat = PLAIN_MONEY) -> MoneyFormat:
    """How to write the amounts of ``order``: in its own currency, with its own symbol.

    An order in the store's currency uses the store's format; one in another currency (or
    in a store whose format is not known yet) uses the order's ``currency_symbol`` when it has
    one (wc/v3 orders do), else its currency code ("30.00 EUR").
    """
    return money.for_currency(order.currency, order.currency_symbol)
