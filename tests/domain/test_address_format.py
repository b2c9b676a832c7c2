"""Address labels and written-out addresses per country, as WooCommerce has them."""

import pytest

from app.domain.address_format import (
    DEFAULT_POSTCODE_LABEL,
    DEFAULT_STATE_LABEL,
    address_locale,
    format_address,
)
from app.domain.customer import Address


@pytest.mark.parametrize(
    ("country", "postcode", "state", "city"),
    [
        ("US", "ZIP code", "State", "Town / city"),
        ("CA", "Postal code", "Province", "Town / city"),
        ("GB", "Postcode", "County", "Town / city"),
        ("AU", "Postcode", "State", "Suburb"),
        ("IN", "PIN", "State", "Town / city"),
        ("JP", DEFAULT_POSTCODE_LABEL, "Prefecture", "Town / city"),
        ("ES", DEFAULT_POSTCODE_LABEL, "Province", "Town / city"),
        ("IT", DEFAULT_POSTCODE_LABEL, "Province", "Town / city"),
        ("DE", DEFAULT_POSTCODE_LABEL, DEFAULT_STATE_LABEL, "Town / city"),
        ("BR", DEFAULT_POSTCODE_LABEL, DEFAULT_STATE_LABEL, "Town / city"),
        ("", DEFAULT_POSTCODE_LABEL, DEFAULT_STATE_LABEL, "Town / city"),
    ],
)
def test_labels_follow_the_country(country: str, postcode: str, state: str, city: str) -> None:
    locale = address_locale(country)
    assert (locale.postcode_label, locale.state_label, locale.city_label) == (
        postcode,
        state,
        city,
    )


@pytest.mark.parametrize("country", ["DE", "FR", "NL", "at"])
def test_much_of_europe_has_no_state_and_puts_the_postcode_first(country: str) -> None:
    locale = address_locale(country)
    assert locale.state_hidden
    assert not locale.state_required
    assert locale.postcode_before_city


@pytest.mark.parametrize(("country", "required"), [("US", True), ("GB", False), ("IT", True)])
def test_whether_a_state_is_required(country: str, required: bool) -> None:
    assert address_locale(country).state_required is required
    assert not address_locale(country).state_hidden


def lines(**fields: str) -> list[str]:
    return format_address(Address(**fields).to_api())


def test_a_us_address_reads_city_state_code_zip() -> None:
    assert lines(
        first_name="Ada",
        last_name="Lovelace",
        address_1="1 Main St",
        city="Portland",
        state="OR",
        postcode="97209",
        country="US",
    ) == ["Ada Lovelace", "1 Main St", "Portland, OR 97209", "United States (US)"]


def test_the_home_country_is_left_off() -> None:
    address = Address(city="Portland", state="or", postcode="97209", country="US").to_api()
    assert format_address(address, home_country="US") == ["Portland, OR 97209"]


def test_a_us_address_without_a_state_keeps_one_comma() -> None:
    assert lines(city="Portland", postcode="97209", country="US")[0] == "Portland, 97209"


def test_a_german_address_puts_the_company_first_and_the_postcode_before_the_city() -> None:
    assert lines(
        first_name="Max",
        last_name="Muster",
        company="Muster GmbH",
        address_1="Hauptstraße 1",
        city="Berlin",
        postcode="10115",
        country="DE",
    ) == ["Muster GmbH", "Max Muster", "Hauptstraße 1", "10115 Berlin", "Germany"]


def test_a_french_city_is_written_in_capitals() -> None:
    assert "75001 PARIS" in lines(city="Paris", postcode="75001", country="FR")


def test_a_british_address_uses_the_default_layout_with_the_county_name() -> None:
    assert lines(
        address_1="12 St James's Square",
        city="London",
        state="Greater London",
        postcode="SW1Y 4JH",
        country="GB",
    ) == ["12 St James's Square", "London", "Greater London", "SW1Y 4JH", "United Kingdom (UK)"]


def test_states_are_written_by_name_where_the_country_has_a_list() -> None:
    assert lines(city="Sydney", state="NSW", postcode="2000", country="AU")[0] == (
        "Sydney New South Wales 2000"
    )


def test_a_japanese_address_starts_with_the_postcode_and_ends_with_the_family_name_first() -> None:
    assert lines(
        first_name="Taro",
        last_name="Yamada",
        address_1="1-1 Chiyoda",
        city="Chiyoda-ku",
        state="JP13",
        postcode="100-0001",
        country="JP",
    ) == ["100-0001", "Tokyo Chiyoda-ku 1-1 Chiyoda", "Yamada Taro", "Japan"]


def test_an_indian_address_ends_with_state_and_country() -> None:
    assert lines(city="Mumbai", postcode="400001", state="MH", country="IN")[-1] == (
        "Maharashtra, India"
    )


def test_an_empty_address_has_no_lines() -> None:
    assert lines() == []


@pytest.mark.parametrize(
    ("country", "state", "expected"),
    [
        ("CA", "ON", ["Toronto ON M5V 2T6", "Canada"]),
        ("ES", "M", ["M5V 2T6 Toronto", "Madrid", "Spain"]),
        ("IT", "RM", ["M5V 2T6", "Toronto", "ROMA", "Italy"]),
        ("NL", "", ["M5V 2T6 Toronto", "Netherlands"]),
        ("BR", "SP", ["Toronto", "São Paulo", "M5V 2T6", "Brazil"]),
        ("", "", ["Toronto", "M5V 2T6"]),
    ],
)
def test_city_state_and_postcode_lines_per_country(
    country: str, state: str, expected: list[str]
) -> None:
    assert lines(city="Toronto", postcode="M5V 2T6", state=state, country=country) == expected
