"""How a store writes money: its currency symbol, where it goes, separators and decimals.

WooCommerce's ``wc_price()`` writes an amount with the shop's settings: the currency symbol
(``get_woocommerce_currency_symbol()``, an HTML entity such as ``&#36;`` or ``&euro;``, section
19.6), its position (``left`` "$9.99", ``right`` "9.99$", ``left_space`` "$ 9.99",
``right_space`` "9.99 $", with a non-breaking space), the thousand and decimal separators and
the number of decimals; a negative amount gets its minus sign before all of it ("-$5.00").
The legacy index's ``store.meta`` and the modern ``system_status`` settings carry these.

:class:`MoneyFormat` is that, read once from a store and kept in the cache, so figures look the
same offline. A store that never said how it writes money has no symbol: an amount then shows
as the store writes it in its API ("1234.50"), followed by the currency code when known
("30.00 USD"), never with a symbol guessed from the code.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

#: WooCommerce's currency positions (``woocommerce_currency_pos``).
POSITIONS = ("left", "right", "left_space", "right_space")
#: What ``wc_price()`` puts between symbol and amount in the ``*_space`` positions (``&nbsp;``).
NBSP = "\u00a0"
#: More decimals than any currency has; a store saying more is not believed.
_MAX_DECIMALS = 8


@dataclass(frozen=True, slots=True)
class MoneyFormat:
    """A store's way of writing money (``wc_price()``), Qt-free.

    Attributes:
        code: the ISO 4217 currency code ("USD"), empty when unknown.
        symbol: the currency symbol, decoded ("$", "€"); empty when the store did not say.
        position: one of :data:`POSITIONS`.
        thousand_separator: between groups of three digits (may be empty).
        decimal_separator: before the decimals.
        decimals: digits after the decimal separator.
    """

    code: str = ""
    symbol: str = ""
    position: str = "left"
    thousand_separator: str = ""
    decimal_separator: str = "."
    decimals: int = 2

    @classmethod
    def from_store(
        cls,
        code: object,
        symbol: object = "",
        position: object = "left",
        thousand_separator: object = ",",
        decimal_separator: object = ".",
        decimals: object = 2,
    ) -> MoneyFormat:
        """The format from a store's settings as its APIs send them.

        The symbol is HTML-decoded (``&#36;`` -> "$", ``&euro;`` -> "€"), as are the
        separators. As in WooCommerce, an unknown position writes the symbol on the left and
        an empty decimal separator is ".". Values of the wrong type fall back alike.
        """
        places = _whole(decimals)
        return cls(
            code=_text(code).strip().upper(),
            symbol=html.unescape(_text(symbol)).strip(),
            position=position if isinstance(position, str) and position in POSITIONS else "left",
            thousand_separator=html.unescape(_text(thousand_separator)),
            decimal_separator=html.unescape(_text(decimal_separator)) or ".",
            decimals=min(places, _MAX_DECIMALS) if places is not None else 2,
        )

    @property
    def has_symbol(self) -> bool:
        """Whether amounts are written with the store's symbol (else with the code, if any)."""
        return bool(self.symbol)

    def format(self, value: Decimal) -> str:
        """``value`` as the store writes it: "$1,234.50", "1.234,50 €", "-$5.00".

        Without a symbol: the amount, then the currency code when known ("30.00 USD").
        """
        number = self._number(abs(value))
        sign = "-" if value < 0 and not _is_zero(number) else ""
        if not self.symbol:
            return f"{sign}{number} {self.code}" if self.code else f"{sign}{number}"
        space = NBSP if self.position.endswith("_space") else ""
        if self.position.startswith("right"):
            return f"{sign}{number}{space}{self.symbol}"
        return f"{sign}{self.symbol}{space}{number}"

    def _number(self, value: Decimal) -> str:
        """``number_format()``: rounded half up, grouped by threes, the store's separators."""
        try:
            rounded = value.quantize(Decimal(1).scaleb(-self.decimals), rounding=ROUND_HALF_UP)
        except InvalidOperation:  # NaN, infinity or absurdly large: write it as it is
            return str(value)
        whole, _, fraction = f"{rounded:f}".partition(".")
        groups: list[str] = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        groups.insert(0, whole)
        number = self.thousand_separator.join(groups)
        return f"{number}{self.decimal_separator}{fraction}" if fraction else number

    def for_currency(self, code: str, symbol: str = "") -> MoneyFormat:
        """The format for an amount in ``code`` (an order's currency), with its ``symbol``.

        The store's own currency (or no code) keeps the store's symbol. Another currency takes
        the symbol given (an order's ``currency_symbol``), HTML-decoded, with the store's
        position and separators, as WooCommerce writes an order's total; without one it is
        written with its code, never with the store's symbol.
        """
        code = code.strip().upper()
        if (not code or code == self.code) and self.symbol:
            return self
        return replace(self, code=code or self.code, symbol=html.unescape(symbol).strip())

    def to_json(self) -> str:
        """The format as JSON, to keep in the cache (:meth:`from_json` reads it back)."""
        return json.dumps(
            {
                "code": self.code,
                "symbol": self.symbol,
                "position": self.position,
                "thousand_separator": self.thousand_separator,
                "decimal_separator": self.decimal_separator,
                "decimals": self.decimals,
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str | None) -> MoneyFormat | None:
        """A format kept by :meth:`to_json`; None for nothing or anything unreadable."""
        if not text:
            return None
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("code"), str):
            return None
        places = _whole(data.get("decimals"))
        return cls(
            code=data["code"],
            symbol=_text(data.get("symbol")),
            position=p if (p := data.get("position")) in POSITIONS else "left",
            thousand_separator=_text(data.get("thousand_separator")),
            decimal_separator=_text(data.get("decimal_separator")) or ".",
            decimals=min(places, _MAX_DECIMALS) if places is not None else 2,
        )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _whole(value: object) -> int | None:
    """A non-negative whole number from an int or digits ("2"); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _is_zero(number: str) -> bool:
    return not any(char in "123456789" for char in number)
