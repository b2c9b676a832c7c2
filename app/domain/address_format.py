"""How addresses look in each country: field labels and the written-out address (no Qt).

The facts follow WooCommerce's own (``WC_Countries::get_country_locale()`` and
``get_address_formats()``, WooCommerce 9.x): a US address asks for a "ZIP code" and a "State"
and is written "Portland, OR 97209"; a British one asks for a "Postcode" and an optional
"County"; a German one has no state at all and is written "10115 Berlin". Labels are in the
app's sentence case ("ZIP code" where WooCommerce writes "ZIP Code").

Countries WooCommerce has no special rules for use the defaults (Brazil, among others).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Final

from app.domain.countries import country_name, state_name

#: Default row labels, as the address form shows them before a country is chosen.
DEFAULT_POSTCODE_LABEL: Final = "Postcode / ZIP"
DEFAULT_STATE_LABEL: Final = "State / county"
DEFAULT_CITY_LABEL: Final = "Town / city"


@dataclass(frozen=True, slots=True)
class AddressLocale:
    """How a country's address fields are called and which of them it uses.

    Attributes:
        postcode_label: the postcode row's label ("ZIP code", "Postcode", "PIN").
        state_label: the state row's label ("State", "County", "Province", "Prefecture").
        city_label: the city row's label ("Suburb" in Australia).
        state_required: whether WooCommerce's checkout requires a state.
        state_hidden: whether WooCommerce's checkout leaves the state out (Germany, France).
        postcode_required: whether WooCommerce's checkout requires a postcode.
        postcode_hidden: whether WooCommerce's checkout leaves the postcode out.
        postcode_before_city: whether WooCommerce's checkout asks for the postcode before the
            city (its priority 65 rather than 90: Germany, France, Japan...).
    """

    postcode_label: str = DEFAULT_POSTCODE_LABEL
    state_label: str = DEFAULT_STATE_LABEL
    city_label: str = DEFAULT_CITY_LABEL
    state_required: bool = True
    state_hidden: bool = False
    postcode_required: bool = True
    postcode_hidden: bool = False
    postcode_before_city: bool = False


_DEFAULT = AddressLocale()
#: Europe's usual shape: postcode before the city, no state.
_NO_STATE_POSTCODE_FIRST = replace(
    _DEFAULT, state_required=False, state_hidden=True, postcode_before_city=True
)

_LOCALES: Mapping[str, AddressLocale] = {
    "AT": _NO_STATE_POSTCODE_FIRST,
    "AU": replace(_DEFAULT, city_label="Suburb", postcode_label="Postcode", state_label="State"),
    "BE": _NO_STATE_POSTCODE_FIRST,
    "CA": replace(_DEFAULT, postcode_label="Postal code", state_label="Province"),
    "CH": replace(_DEFAULT, state_label="Canton", state_required=False, postcode_before_city=True),
    "CN": replace(_DEFAULT, state_label="Province"),
    "CZ": replace(_DEFAULT, state_required=False, state_hidden=True),
    "DE": _NO_STATE_POSTCODE_FIRST,
    "DK": _NO_STATE_POSTCODE_FIRST,
    "ES": replace(_DEFAULT, state_label="Province", postcode_before_city=True),
    "FI": _NO_STATE_POSTCODE_FIRST,
    "FR": _NO_STATE_POSTCODE_FIRST,
    "GB": replace(_DEFAULT, postcode_label="Postcode", state_label="County", state_required=False),
    "IE": replace(
        _DEFAULT, postcode_label="Eircode", postcode_required=False, state_label="County"
    ),
    "IN": replace(_DEFAULT, postcode_label="PIN", state_label="State"),
    "IT": replace(_DEFAULT, state_label="Province", postcode_before_city=True),
    "JP": replace(_DEFAULT, state_label="Prefecture", postcode_before_city=True),
    "NL": _NO_STATE_POSTCODE_FIRST,
    "NO": _NO_STATE_POSTCODE_FIRST,
    "NZ": replace(_DEFAULT, postcode_label="Postcode", state_label="Region", state_required=False),
    "PL": _NO_STATE_POSTCODE_FIRST,
    "PT": replace(_DEFAULT, state_required=False, state_hidden=True),
    "SE": _NO_STATE_POSTCODE_FIRST,
    "US": replace(_DEFAULT, postcode_label="ZIP code", state_label="State"),
    "ZA": replace(_DEFAULT, state_label="Province"),
}


def address_locale(country: str) -> AddressLocale:
    """The labels and rules for addresses in ``country`` (a code; "" or unknown: the defaults)."""
    return _LOCALES.get(country.strip().upper(), _DEFAULT)


# Address templates, one string per line. Placeholders: {name}, {first_name}, {last_name},
# {company}, {address_1}, {address_2}, {city}, {state} (the state's name), {state_code},
# {postcode}, {country} (its name); a "_upper" suffix writes the value in capitals.
_NAME_FIRST = ("{name}", "{company}", "{address_1}", "{address_2}")
_COMPANY_FIRST = ("{company}", "{name}", "{address_1}", "{address_2}")
_POSTCODE_CITY = (*_COMPANY_FIRST, "{postcode} {city}", "{country}")

_DEFAULT_FORMAT = (*_NAME_FIRST, "{city}", "{state}", "{postcode}", "{country}")
_FORMATS: Mapping[str, tuple[str, ...]] = {
    "AT": _POSTCODE_CITY,
    "AU": (*_NAME_FIRST, "{city} {state} {postcode}", "{country}"),
    "BE": _POSTCODE_CITY,
    "CA": (*_COMPANY_FIRST, "{city} {state_code} {postcode}", "{country}"),
    "CH": _POSTCODE_CITY,
    "CZ": _POSTCODE_CITY,
    "DE": _POSTCODE_CITY,
    "DK": _POSTCODE_CITY,
    "ES": (*_NAME_FIRST, "{postcode} {city}", "{state}", "{country}"),
    "FI": _POSTCODE_CITY,
    "FR": (*_COMPANY_FIRST, "{postcode} {city_upper}", "{country}"),
    "IN": (*_COMPANY_FIRST, "{city} {postcode}", "{state}, {country}"),
    "IT": (*_COMPANY_FIRST, "{postcode}", "{city}", "{state_upper}", "{country}"),
    "JP": (
        "{postcode}",
        "{state} {city} {address_1}",
        "{address_2}",
        "{company}",
        "{last_name} {first_name}",
        "{country}",
    ),
    "NL": _POSTCODE_CITY,
    "NO": _POSTCODE_CITY,
    "NZ": (*_NAME_FIRST, "{city} {postcode}", "{country}"),
    "PL": _POSTCODE_CITY,
    "PT": _POSTCODE_CITY,
    "SE": _POSTCODE_CITY,
    "US": (*_NAME_FIRST, "{city}, {state_code} {postcode}", "{country}"),
}

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_SPACES = re.compile(r" {2,}")


def address_format(country: str) -> tuple[str, ...]:
    """The template lines for ``country`` (a code; "" or unknown: the default layout)."""
    return _FORMATS.get(country.strip().upper(), _DEFAULT_FORMAT)


def format_address(address: Mapping[str, str], *, home_country: str = "") -> list[str]:
    """``address`` written out as its country writes addresses, one line per item.

    Args:
        address: the address fields by their API names (``Address.to_api()``); missing
            fields count as empty.
        home_country: the store's own country (a code): its name is left off, as a letter
            within a country does not name it. "" always names the country.

    Returns:
        The non-empty lines, each trimmed of spaces and stray commas at its ends (an Indian
        address without a state ends in "India", not ", India").
    """
    values = {name: str(value).strip() for name, value in address.items()}
    country = values.get("country", "").upper()
    state = values.get("state", "")
    fields = {
        "first_name": values.get("first_name", ""),
        "last_name": values.get("last_name", ""),
        "company": values.get("company", ""),
        "address_1": values.get("address_1", ""),
        "address_2": values.get("address_2", ""),
        "city": values.get("city", ""),
        "state": state_name(country, state) if country and state else state,
        "state_code": state.upper(),
        "postcode": values.get("postcode", ""),
        "country": "" if country and country == home_country.upper() else country_name(country),
    }
    fields["name"] = f"{fields['first_name']} {fields['last_name']}"

    def value(match: re.Match[str]) -> str:
        key = match.group(1)
        if key.endswith("_upper"):
            return fields.get(key.removesuffix("_upper"), "").upper()
        return fields.get(key, "")

    lines = []
    for template in address_format(country):
        line = _SPACES.sub(" ", _PLACEHOLDER.sub(value, template)).strip(", ")
        if line:
            lines.append(line)
    return lines
