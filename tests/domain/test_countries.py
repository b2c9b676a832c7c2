"""WooCommerce's countries and states, and the lookups that turn typed words into codes."""

import pytest

from app.domain.countries import (
    COUNTRIES,
    FREE_TEXT_STATE_COUNTRIES,
    STATES,
    WOOCOMMERCE_VERSION,
    countries_by_name,
    country_code,
    country_name,
    fold,
    has_states,
    is_country,
    state_code,
    state_name,
    states_by_name,
    states_of,
)


def test_the_country_list_is_woocommerces() -> None:
    assert WOOCOMMERCE_VERSION == "9.4.2"
    assert len(COUNTRIES) == 249
    assert COUNTRIES["DE"] == "Germany"
    assert COUNTRIES["GB"] == "United Kingdom (UK)"
    assert COUNTRIES["TR"] == "Turkey"  # WooCommerce 9.4.2's name; "Türkiye" is an alias
    assert "XK" not in COUNTRIES  # WooCommerce offers no Kosovo (Serbia has a Kosovo district)
    assert COUNTRIES["CW"] == "Curaçao"  # written out, not as the HTML entity of the PHP file
    assert all(len(code) == 2 and code.isupper() for code in COUNTRIES)
    assert list(COUNTRIES)[:3] == ["AF", "AX", "AL"]  # WooCommerce's order, not sorted by code


def test_state_lists_use_woocommerces_codes() -> None:
    assert list(STATES["JP"]) == [f"JP{number:02d}" for number in range(1, 48)]
    assert STATES["JP"]["JP13"] == "Tokyo"
    assert STATES["US"]["CA"] == "California"
    assert STATES["CN"]["CN1"] == "Yunnan / 云南"
    assert STATES["BD"]["BD-15"] == "Faridpur"  # "Faridpur " in states.php, trimmed
    assert STATES["IR"]["KRD"] == "Kurdistan / کردستان)"  # sic: WooCommerce's own spelling
    assert len(STATES["MA"]) == len(set(STATES["MA"].values()))  # 'mafes' is listed twice
    assert not has_states("GB")
    assert states_of("GB") == {}


def test_every_state_list_belongs_to_a_known_country_and_is_not_empty() -> None:
    assert set(STATES) <= set(COUNTRIES)
    assert all(STATES.values())
    assert len(STATES["US"]) == 54  # 50 states, DC and three Armed Forces codes
    assert len(STATES["CA"]) == 13
    assert STATES["MA"]["maagd"] == "Agadir-Ida Ou Tanane"  # lower-case codes kept as they are


def test_no_name_has_stray_white_space() -> None:
    names = [*COUNTRIES.values(), *(n for states in STATES.values() for n in states.values())]
    assert all(name == name.strip() for name in names)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("DE", "DE"),
        ("de", "DE"),
        ("Germany", "DE"),
        (" GERMANY ", "DE"),
        ("Deutschland", "DE"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("United States", "US"),
        ("United States of America", "US"),
        ("united states (us)", "US"),
        ("UK", "GB"),
        ("Great Britain", "GB"),
        ("United Kingdom", "GB"),
        ("Österreich", "AT"),
        ("Schweiz", "CH"),
        ("Turkey", "TR"),
        ("Türkiye", "TR"),
        ("turkiye", "TR"),
        ("The Netherlands", "NL"),
        ("aland islands", "AX"),
        ("Cote d'Ivoire", "CI"),
        ("Timor Leste", "TL"),
    ],
)
def test_country_code_accepts_codes_names_and_common_alternatives(typed: str, code: str) -> None:
    assert country_code(typed) == code


@pytest.mark.parametrize("typed", ["", "   ", "XX", "Atlantis", "Congo", "Virgin Islands"])
def test_country_code_refuses_unknown_and_ambiguous_names(typed: str) -> None:
    assert country_code(typed) is None


def test_country_name_falls_back_to_the_code() -> None:
    assert country_name("DE") == "Germany"
    assert country_name("de") == "Germany"
    assert country_name("XX") == "XX"
    assert country_name("") == ""


def test_is_country_wants_the_stored_form() -> None:
    assert is_country("DE")
    assert not is_country("de")
    assert not is_country("Germany")


def test_countries_by_name_sorts_accented_names_with_their_letter() -> None:
    names = [name for _code, name in countries_by_name()]
    assert names[:3] == ["Afghanistan", "Åland Islands", "Albania"]
    assert len(names) == len(COUNTRIES)


def test_states_of_gives_a_copy_and_nothing_for_free_text_countries() -> None:
    states = states_of("US")
    states["XX"] = "Nowhere"
    assert "XX" not in STATES["US"]
    assert states_of("FR") == {}
    assert states_of("") == {}
    assert has_states("US")
    assert not has_states("FR")


def test_germany_takes_free_text_although_woocommerce_lists_its_states() -> None:
    assert {"DE"} == FREE_TEXT_STATE_COUNTRIES
    assert not has_states("DE")
    assert states_of("DE") == {}
    assert state_code("DE", "Bavaria") is None


@pytest.mark.parametrize(
    ("country", "typed", "code"),
    [
        ("US", "CA", "CA"),
        ("US", "ca", "CA"),
        ("US", "California", "CA"),
        ("US", " california ", "CA"),
        ("US", "US-CA", "CA"),
        ("US", "District of Columbia", "DC"),
        ("CH", "Zurich", "ZH"),
        ("CH", "St Gallen", "SG"),
        ("MY", "Melaka", "MLK"),
        ("MY", "Malacca", "MLK"),
        ("CN", "Yunnan", "CN1"),
        ("CN", "云南", "CN1"),
        ("IR", "Tehran", "THR"),
        ("MA", "MAAGD", "maagd"),
        ("TR", "Istanbul", "TR34"),
        ("ES", "Alava", "VI"),
        ("PH", "00", "00"),
    ],
)
def test_state_code_accepts_codes_names_and_spellings(country: str, typed: str, code: str) -> None:
    assert state_code(country, typed) == code


@pytest.mark.parametrize(
    ("country", "typed"),
    [
        ("US", ""),
        ("US", "Bavaria"),
        ("US", "Armed Forces"),  # three states share this name
        ("CA", "AL"),  # a code of another country
        ("FR", "Paris"),  # no list at all
        ("", "CA"),
    ],
)
def test_state_code_refuses_what_names_no_single_state(country: str, typed: str) -> None:
    assert state_code(country, typed) is None


def test_state_name_and_order() -> None:
    assert state_name("US", "NY") == "New York"
    assert state_name("US", "XX") == "XX"
    assert state_name("FR", "Paris") == "Paris"
    names = [name for _code, name in states_by_name("US")]
    assert names == sorted(names, key=fold)
    assert states_by_name("FR") == []


def test_fold_ignores_case_accents_and_punctuation() -> None:
    assert fold("Zürich") == fold("ZURICH") == "zurich"
    assert fold("St. Gallen") == fold("St Gallen") == "st gallen"
    assert fold("Kırşehir") == "kirsehir"  # noqa: RUF001 - the Turkish dotless i is the point
    assert fold("The Bahamas") == "bahamas"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Frankreich", "FR"),
        ("Vereinigte Staaten", "US"),
        ("Großbritannien", "GB"),
        ("Niederlande", "NL"),
        ("Allemagne", "DE"),
        ("États-Unis", "US"),
        ("Alemania", "DE"),
        ("Países Bajos", "NL"),
        ("Alemanha", "DE"),
        ("Espanha", "ES"),
    ],
)
def test_country_names_in_the_importers_languages_map_to_codes(name: str, code: str) -> None:
    assert country_code(name) == code
