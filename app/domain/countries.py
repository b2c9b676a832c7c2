"""Countries and states as WooCommerce knows them, and lookups that accept what people type.

Owns the country list (ISO 3166-1 alpha-2 code -> English name) and, for every country where a
WooCommerce store offers a state selector, that country's states (code -> English name; the codes
are WooCommerce's, not ISO 3166-2). The facts are WooCommerce's own lists (``i18n/countries.php``
and ``i18n/states.php`` of WooCommerce 9.4.2), generated into ``data/woocommerce_countries.json``
by ``tools/generate_countries.py`` (its docstring says how to regenerate) and read once, when
this module is imported, so the app can judge an address without asking a store. Stores keep the
codes in ``billing_address.country`` / ``.state``, so every lookup answers with codes.

The lookups are shared by the address form and the CSV importer: ``country_code("Deutschland")``
and ``state_code("US", "california")`` turn a spreadsheet's words into the codes a store expects.
What is written here by hand is only what WooCommerce does not say: other names people use for a
country, and which state lists the app does not offer (:data:`FREE_TEXT_STATE_COUNTRIES`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from types import MappingProxyType

from app.domain.text import strip_accents

#: The generated data file, in the ``data`` folder next to this module (the PyInstaller spec
#: bundles that folder; a wheel carries it as package data).
DATA_FILE = "woocommerce_countries.json"

#: Countries that keep free text as the state although WooCommerce lists their states.
#: Germany: WooCommerce 9.4.2 lists the 16 German states but its address locale makes the field
#: optional ('required' => false), and German addresses rarely carry a state; the app has always
#: kept whatever text a store holds ("Bayern", "BY" or nothing) rather than judging it.
FREE_TEXT_STATE_COUNTRIES: frozenset[str] = frozenset({"DE"})


def _names(value: object, where: str) -> dict[str, str]:
    """``value`` as ``{code: name}``, or ValueError when the data file is not that shape."""
    if not isinstance(value, dict) or not all(
        isinstance(code, str) and isinstance(name, str) and name for code, name in value.items()
    ):
        raise ValueError(f"{DATA_FILE}: {where} is not a mapping of codes to names")
    return value


def _load() -> tuple[str, dict[str, str], dict[str, dict[str, str]], frozenset[str]]:
    """The data file's WooCommerce version, countries, states and hidden-state countries."""
    data = json.loads(files("app.domain").joinpath("data", DATA_FILE).read_text(encoding="utf-8"))
    version = data["source"]["version"]
    states = data["states"]
    hidden = data["state_field_hidden"]
    if not isinstance(version, str) or not isinstance(states, dict) or not isinstance(hidden, list):
        raise ValueError(f"{DATA_FILE}: unexpected shape")
    return (
        version,
        _names(data["countries"], "countries"),
        {country: _names(names, f"states[{country}]") for country, names in states.items()},
        frozenset(str(country) for country in hidden),
    )


_VERSION, _COUNTRIES, _ALL_STATES, _STATE_FIELD_HIDDEN = _load()

#: The WooCommerce release the lists come from.
WOOCOMMERCE_VERSION: str = _VERSION

#: Every country a WooCommerce store offers, in WooCommerce's order (English names).
COUNTRIES: Mapping[str, str] = MappingProxyType(_COUNTRIES)

#: Other names people write for a country: native names, abbreviations, former English names.
#: Keys are compared folded (case, accents, punctuation ignored), like the official names.
_COUNTRY_ALIASES: Mapping[str, str] = {
    "USA": "US",
    "U.S.A.": "US",
    "U.S.": "US",
    "United States": "US",
    "United States of America": "US",
    "UK": "GB",
    "U.K.": "GB",
    "United Kingdom": "GB",
    "Great Britain": "GB",
    "Britain": "GB",
    "England": "GB",
    "Scotland": "GB",
    "Wales": "GB",
    "Northern Ireland": "GB",
    "Deutschland": "DE",
    "Bundesrepublik Deutschland": "DE",
    "Österreich": "AT",
    "Oesterreich": "AT",
    "Schweiz": "CH",
    "Suisse": "CH",
    "Svizzera": "CH",
    "España": "ES",
    "Italia": "IT",
    "Nederland": "NL",
    "Holland": "NL",
    "Belgique": "BE",
    "België": "BE",
    "Polska": "PL",
    "Česko": "CZ",
    "Czechia": "CZ",
    "Danmark": "DK",
    "Sverige": "SE",
    "Norge": "NO",
    "Suomi": "FI",
    "Éire": "IE",
    "Brasil": "BR",
    "México": "MX",
    "Turkey": "TR",
    "Türkiye": "TR",
    "Russian Federation": "RU",
    "Republic of Korea": "KR",
    "Korea, Republic of": "KR",
    "Côte d'Ivoire": "CI",
    "Cote d'Ivoire": "CI",
    "Vatican City": "VA",
    "Holy See": "VA",
    "Macedonia": "MK",
    "Swaziland": "SZ",
    "Burma": "MM",
    "Cabo Verde": "CV",
    "Palestine": "PS",
    "Palau": "PW",
    "Viet Nam": "VN",
    "UAE": "AE",
    "Reunion Island": "RE",
    "Réunion": "RE",
}

#: Every country whose addresses get a state selector, with its states in WooCommerce's order:
#: those with a non-empty list in WooCommerce's ``states.php`` whose address locale does not hide
#: the state field, less :data:`FREE_TEXT_STATE_COUNTRIES`. Countries missing here take free text
#: (or nothing) as the state.
STATES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        country: MappingProxyType(names)
        for country, names in _ALL_STATES.items()
        if names and country not in _STATE_FIELD_HIDDEN and country not in FREE_TEXT_STATE_COUNTRIES
    }
)

_NOT_WORD = re.compile(r"[\W_]+")
_SLASH = re.compile(r"\s*/\s*")
#: A trailing parenthesised part: "United Kingdom (UK)", "Malacca (Melaka)".
_TRAILING_PART = re.compile(r"^(?P<main>.+?)\s*\((?P<part>[^()]+)\)$")


def fold(value: str) -> str:
    """The form names are compared in: no accents, no case, punctuation as single spaces.

    ``"Zürich"``, ``"zurich"`` and ``" ZURICH "`` all fold to ``"zurich"``; ``"St. Gallen"`` and
    ``"St Gallen"`` to ``"st gallen"``. A leading "the" is dropped ("The Netherlands").
    """
    bare = strip_accents(value)
    folded = _NOT_WORD.sub(" ", bare.casefold()).strip()
    return folded.removeprefix("the ")


def _add(index: dict[str, str | None], name: str, code: str) -> None:
    """Index ``name`` for ``code``; a name shared by two codes becomes ambiguous (None)."""
    key = fold(name)
    if not key:
        return
    if key in index and index[key] != code:
        index[key] = None
    else:
        index[key] = code


def _name_variants(name: str) -> list[str]:
    """The names a list entry answers to: itself and its parts ("Araba/Álava", "X (Y)")."""
    variants = [name]
    for part in _SLASH.split(name):
        variants.append(part)
        match = _TRAILING_PART.match(part)
        if match:
            variants += [match["main"], match["part"]]
    return variants


#: Country names in the languages whose spreadsheet headers the importer reads (German, French,
#: Spanish, Portuguese), for the countries stores ship to most. A German customer list says
#: "Frankreich", a French one "Allemagne"; compared folded, like every name here.
_NAMES_IN_OTHER_LANGUAGES: Mapping[str, tuple[str, ...]] = {
    "DE": ("Allemagne", "Alemania", "Alemanha"),
    "AT": ("Autriche", "Áustria"),
    "CH": ("Suiza", "Suíça"),
    "FR": ("Frankreich", "Francia", "França"),
    "IT": ("Italien", "Italie", "Itália"),
    "ES": ("Spanien", "Espagne", "Espanha"),
    "NL": ("Niederlande", "Holland", "Pays-Bas", "Países Bajos", "Países Baixos", "Holanda"),
    "BE": ("Belgien", "Bélgica"),
    "LU": ("Luxemburg", "Luxemburgo"),
    "DK": ("Dänemark", "Danemark", "Dinamarca"),
    "SE": ("Schweden", "Suède", "Suecia", "Suécia"),
    "NO": ("Norwegen", "Norvège", "Noruega"),
    "FI": ("Finnland", "Finlande", "Finlandia", "Finlândia"),
    "IS": ("Island", "Islande", "Islandia", "Islândia"),
    "IE": ("Irland", "Irlande", "Irlanda"),
    "GB": (
        "Großbritannien",
        "Vereinigtes Königreich",
        "Royaume-Uni",
        "Grande-Bretagne",
        "Angleterre",
        "Reino Unido",
        "Gran Bretaña",
        "Grã-Bretanha",
        "Inglaterra",
    ),
    "US": (
        "Vereinigte Staaten",
        "Vereinigte Staaten von Amerika",
        "États-Unis",
        "Etats-Unis d'Amérique",
        "Estados Unidos",
        "Estados Unidos de América",
        "EE. UU.",
        "EUA",
    ),
    "PL": ("Polen", "Pologne", "Polonia", "Polónia", "Polônia"),
    "CZ": (
        "Tschechien",
        "Tschechische Republik",
        "Tchéquie",
        "République tchèque",
        "Chequia",
        "República Checa",
        "Chéquia",
        "República Tcheca",
    ),
    "SK": ("Slowakei", "Slovaquie", "Eslovaquia", "Eslováquia"),
    "SI": ("Slowenien", "Slovénie", "Eslovenia", "Eslovénia"),
    "HR": ("Kroatien", "Croatie", "Croacia", "Croácia"),
    "HU": ("Ungarn", "Hongrie", "Hungría", "Hungria"),
    "RO": ("Rumänien", "Roumanie", "Rumania", "Roménia", "Romênia"),
    "BG": ("Bulgarien", "Bulgarie", "Bulgária"),
    "GR": ("Griechenland", "Grèce", "Grecia", "Grécia"),
    "TR": ("Türkei", "Turquie", "Turquía", "Turquia"),
    "RU": ("Russland", "Russie", "Rusia", "Rússia"),
    "CA": ("Kanada", "Canadá"),
    "MX": ("Mexiko", "Mexique"),
    "BR": ("Brasilien", "Brésil"),
    "AR": ("Argentinien", "Argentine"),
    "CL": ("Chili",),
    "CO": ("Kolumbien", "Colombie", "Colômbia"),
    "PE": ("Pérou", "Perú"),
    "JP": ("Japon", "Japón", "Japão"),
    "CN": ("Chine",),
    "IN": ("Indien", "Inde", "Índia"),
    "AU": ("Australien", "Australie", "Austrália"),
    "NZ": ("Neuseeland", "Nouvelle-Zélande", "Nueva Zelanda", "Nova Zelândia"),
    "ZA": ("Südafrika", "Afrique du Sud", "Sudáfrica", "África do Sul"),
    "AO": ("Angola",),
    "MZ": ("Mosambik", "Mozambique", "Moçambique"),
}


@cache
def _country_index() -> Mapping[str, str | None]:
    index: dict[str, str | None] = {}
    for code, name in COUNTRIES.items():
        _add(index, name, code)
        match = _TRAILING_PART.match(name)
        if match:  # "United Kingdom (UK)" is also "United Kingdom"
            _add(index, match["main"], code)
    for alias, code in _COUNTRY_ALIASES.items():
        index.setdefault(fold(alias), code)
    for code, names in _NAMES_IN_OTHER_LANGUAGES.items():
        for name in names:
            index.setdefault(fold(name), code)
    return MappingProxyType(index)


@cache
def _state_index(country: str) -> Mapping[str, str | None]:
    index: dict[str, str | None] = {}
    for code, name in STATES.get(country, {}).items():
        for variant in _name_variants(name):
            _add(index, variant, code)
    return MappingProxyType(index)


def country_name(code: str) -> str:
    """The English name of a country code (any case); an unknown code is returned unchanged.

    Unknown codes come back as they are so a table still shows something for a store value this
    list does not know; ``""`` stays ``""``.
    """
    return COUNTRIES.get(code.strip().upper(), code)


def country_code(name_or_code: str) -> str | None:
    """The ISO code for a country code or name (English, native, German, French, Spanish...).

    Case, accents, punctuation and surrounding spaces do not matter: ``"de"``, ``"Germany"``,
    ``"Deutschland"`` and ``" GERMANY "`` all give ``"DE"``; ``"USA"`` and ``"United States of
    America"`` give ``"US"``.

    Returns:
        The code, or None for an empty or unrecognised value.
    """
    text = name_or_code.strip()
    if not text:
        return None
    if text.upper() in COUNTRIES:
        return text.upper()
    return _country_index().get(fold(text))


def is_country(code: str) -> bool:
    """Whether ``code`` is exactly one of the country codes (upper case, as stores keep them)."""
    return code in COUNTRIES


def countries_by_name() -> list[tuple[str, str]]:
    """``(code, name)`` pairs ordered by name as people look for them ("Åland" under A)."""
    return sorted(COUNTRIES.items(), key=lambda item: fold(item[1]))


def has_states(country: str) -> bool:
    """Whether addresses in ``country`` (a code) pick their state from a list."""
    return country in STATES


def states_of(country: str) -> dict[str, str]:
    """The states of ``country`` (a code) as ``{code: name}``; empty where the state is free text.

    The caller gets its own dict: changing it changes nothing here.
    """
    return dict(STATES.get(country, {}))


def states_by_name(country: str) -> list[tuple[str, str]]:
    """``(code, name)`` pairs of ``country``'s states ordered by name; empty for free text."""
    return sorted(STATES.get(country, {}).items(), key=lambda item: fold(item[1]))


def state_name(country: str, code: str) -> str:
    """The English name of a state code; the code itself when the country has no such state."""
    return STATES.get(country, {}).get(code, code)


def state_code(country: str, name_or_code: str) -> str | None:
    """The state code for a state's code or name in ``country`` (a code).

    Accepts the code in any case (``"ca"``), the name (``"California"``, ``"zurich"``), the
    ISO 3166-2 form with the country prefix (``"US-CA"``) and, for names with two spellings,
    either one (``"Melaka"``, ``"Yunnan"``).

    Returns:
        The code as WooCommerce writes it, or None when the country has no state list, or the
        value is empty, unknown or names two different states.
    """
    states = STATES.get(country)
    text = name_or_code.strip()
    if not states or not text:
        return None
    if text in states:
        return text
    by_upper = {code.upper(): code for code in states}
    upper = text.upper()
    if upper in by_upper:
        return by_upper[upper]
    prefix = f"{country}-"
    if upper.startswith(prefix) and upper[len(prefix) :] in by_upper:
        return by_upper[upper[len(prefix) :]]
    return _state_index(country).get(fold(text))
