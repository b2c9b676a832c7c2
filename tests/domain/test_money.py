"""How a store writes money (``wc_price()``): symbol decoded, position, separators, decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.domain.money import NBSP, MoneyFormat

DOLLAR = MoneyFormat.from_store("USD", "&#36;", "left", ",", ".", 2)


@pytest.mark.parametrize(
    ("entity", "symbol"),
    [("&#36;", "$"), ("&euro;", "€"), ("&pound;", "£"), ("&#82;&#36;", "R$"), ("kr.", "kr.")],
)
def test_the_symbol_is_decoded_from_its_html_entity(entity: str, symbol: str) -> None:
    money = MoneyFormat.from_store("XXX", entity)
    assert money.symbol == symbol
    assert "&" not in money.format(Decimal(1))


@pytest.mark.parametrize(
    ("position", "shown"),
    [
        ("left", "€1.234,50"),
        ("right", "1.234,50€"),
        ("left_space", f"€{NBSP}1.234,50"),
        ("right_space", f"1.234,50{NBSP}€"),
        ("sideways", "€1.234,50"),  # WooCommerce's default format for an unknown position
    ],
)
def test_positions(position: str, shown: str) -> None:
    money = MoneyFormat.from_store("EUR", "&euro;", position, ".", ",", "2")
    assert money.format(Decimal("1234.5")) == shown


def test_separators_decimals_and_rounding_as_number_format() -> None:
    assert DOLLAR.format(Decimal("1234567.505")) == "$1,234,567.51"  # half up, like PHP
    assert DOLLAR.format(Decimal("0")) == "$0.00"
    assert DOLLAR.format(Decimal("999.999")) == "$1,000.00"
    yen = MoneyFormat.from_store("JPY", "&yen;", "left", ",", ".", 0)
    assert yen.format(Decimal("1234.5")) == "¥1,235"
    swiss = MoneyFormat.from_store("CHF", "&#67;&#72;&#70;", "left_space", "'", ".", 2)
    assert swiss.format(Decimal("12345")) == f"CHF{NBSP}12'345.00"
    swedish = MoneyFormat.from_store("SEK", "&#107;&#114;", "right_space", "", ",", 2)
    assert swedish.format(Decimal("12345.6")) == f"12345,60{NBSP}kr"
    # An empty decimal separator is "." in WooCommerce; a silly decimals value is 2.
    assert MoneyFormat.from_store("USD", "$", "left", ",", "", "x").format(Decimal(1)) == "$1.00"


def test_negative_amounts_put_the_minus_before_the_symbol() -> None:
    assert DOLLAR.format(Decimal("-5")) == "-$5.00"
    assert DOLLAR.format(Decimal("-0.001")) == "$0.00"  # no "-$0.00"


def test_without_a_symbol_the_code_follows_never_a_guessed_symbol() -> None:
    assert MoneyFormat().format(Decimal("1234.5")) == "1234.50"
    assert MoneyFormat(code="USD").format(Decimal("30")) == "30.00 USD"
    assert MoneyFormat.from_store("USD").format(Decimal("30")) == "30.00 USD"


def test_an_amount_in_another_currency_keeps_its_own_symbol_or_code() -> None:
    euro = MoneyFormat.from_store("EUR", "&euro;", "right_space", ".", ",", 2)
    assert euro.for_currency("EUR") is euro
    assert euro.for_currency("", "") is euro
    # A wc/v3 order's decoded symbol, with the store's position and separators.
    assert euro.for_currency("USD", "$").format(Decimal("1234.5")) == f"1.234,50{NBSP}$"
    # A legacy order says only its code: never the store's "€".
    assert euro.for_currency("USD").format(Decimal("30")) == "30,00 USD"
    # A store whose format is unknown: the order's own symbol, else its code.
    assert MoneyFormat().for_currency("USD", "$").format(Decimal("30")) == "$30.00"
    assert MoneyFormat().for_currency("USD").format(Decimal("30")) == "30.00 USD"
    assert MoneyFormat().for_currency("GBP", "&pound;").format(Decimal(3)) == "£3.00"


def test_kept_as_json_and_read_back() -> None:
    euro = MoneyFormat.from_store("EUR", "&euro;", "right_space", ".", ",", 2)
    assert MoneyFormat.from_json(euro.to_json()) == euro
    for broken in (None, "", "{", "[]", '{"code": 5}'):
        assert MoneyFormat.from_json(broken) is None
