"""How the models write values: money, dates and long text, for every table, panel and figure.

A money figure is written the way its store writes it (:class:`~app.domain.money.MoneyFormat`:
"$1,234.50", "1.234,50 €"), from the store's settings as the window last heard them (kept in
the cache, so offline too). Before a store ever said, an amount shows as its API writes it
("1234.50"), followed by the currency code when known ("30.00 USD"). An order is written in its
own currency: the store's format, with the order's symbol, or its code when the order does not
give one (:func:`order_money`).

Dates are written in the user's time zone, the way the user's locale writes them
(:func:`format_date`, :func:`format_datetime`). Text long enough to be cut off in a column of
ordinary width is repeated in the cell's tooltip (:func:`long_text`).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Final

from PySide6.QtCore import QDate, QLocale

from app.domain.money import MoneyFormat
from app.domain.order import Order

#: The format before the store said how it writes money: no symbol, no grouping ("1234.50").
PLAIN_MONEY: Final = MoneyFormat()

_CENT: Final = Decimal("0.01")

#: Text longer than this is likely cut off in a column of ordinary width, so it gets a tooltip.
TOOLTIP_MIN_CHARS: Final = 24


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


# -- dates ------------------------------------------------------------------------------------


def local_datetime(value: datetime) -> datetime:
    """A stored (UTC) moment in the user's time zone; naive values are taken as they are."""
    return value.astimezone() if value.tzinfo is not None else value


def format_date(value: datetime | None) -> str:
    """A moment as the user's locale writes a short date ("" for none)."""
    if value is None:
        return ""
    return _short_date(value, QLocale().name())


@lru_cache(maxsize=4096)
def _short_date(value: datetime, locale_name: str) -> str:
    # Each painted date cell asks again on every repaint; the same moments come back often.
    # Keyed by the locale's name too: a new default locale formats afresh.
    local = local_datetime(value)
    locale = QLocale(locale_name)
    if locale.language() == QLocale.Language.C:
        # The C locale's short date ("16 08 2026") reads like no real one: use ISO instead.
        return f"{local:%Y-%m-%d}"
    return locale.toString(
        QDate(local.year, local.month, local.day), QLocale.FormatType.ShortFormat
    )


def format_datetime(value: datetime | None) -> str:
    """A moment as the user's locale writes a long date and a time ("" for none)."""
    if value is None:
        return ""
    local = local_datetime(value)
    day = QLocale().toString(
        QDate(local.year, local.month, local.day), QLocale.FormatType.LongFormat
    )
    return f"{day} {local:%H:%M}"


# -- text ---------------------------------------------------------------------------------------


def long_text(text: str) -> str | None:
    """``text`` as a tooltip when it is long enough to be cut off in its cell (else None)."""
    return text if len(text) > TOOLTIP_MIN_CHARS else None
