"""Searching the cache as the user types: folding, fragments anywhere, prefixes, phones, safety.

A search box must find "João" from "joao", a customer from any three letters of their email
domain, city, postcode or company, a phone number however it is punctuated, and must never fail
whatever is typed into it (quotes and FTS5 operators included).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cache.repository import CustomerCache, CustomerFilter
from app.cache.search import MIN_FRAGMENT, fold, search_clause, search_text
from app.domain.criteria import Criteria
from app.domain.customer import Address, BillingAddress, Customer

URL = "https://search.example.com"

ANA = Customer(
    id=1,
    email="ana.perez@correo.es",
    first_name="Ana María",
    last_name="Pérez",
    username="anaperez",
    role="customer",
    billing=BillingAddress(
        first_name="Ana María",
        last_name="Pérez",
        company="Olivares del Sur SL",
        city="Sevilla",
        postcode="41001",
        country="ES",
        email="facturas@olivares.es",
        phone="+34 954 123 456",
    ),
)
JOAO = Customer(
    id=2,
    email="joao.silva@exemplo.com.br",
    first_name="João",
    last_name="Silva",
    username="jsilva",
    role="customer",
    billing=BillingAddress(city="São Paulo", postcode="01310-100", country="BR", phone=""),
    shipping=Address(city="Campinas", postcode="13010-001", country="BR"),
)
JOHN = Customer(
    id=3,
    email="john.doe@example.com",
    first_name="John",
    last_name="Doe",
    username="john.doe",
    role="customer",
    billing=BillingAddress(
        company="Acme Corp",
        city="San Francisco",
        postcode="94103",
        country="US",
        phone="(555) 555-0100",
    ),
)
MARIA = Customer(
    id=4,
    email="m.schmidt@beispiel.de",
    first_name="Maria",
    last_name="Schmidt",
    username="mschmidt",
    role="subscriber",
    billing=BillingAddress(
        company="Müller & Söhne GmbH",
        city="München",
        postcode="80331",
        country="DE",
        phone="089 1234567",
    ),
)
ZOE = Customer(
    id=5,
    email="zoe.obrien@example.ie",
    first_name="Zoë",
    last_name="O'Brien",
    username="zobrien",
    role="customer",
    billing=BillingAddress(city="Dún Laoghaire", country="IE", phone="+353 1 555 0199"),
)
ELODIE = Customer(
    id=6,
    email="durand.elodie@exemple.fr",
    first_name="Élodie",
    last_name="Durand",
    username="durand69",
    role="customer",
    billing=BillingAddress(city="Lyon", postcode="69002", country="FR", phone="06 12 34 56 78"),
)
NAMELESS = Customer(id=7, email="orders@bigbuyer.example", username="bigbuyer", role="customer")
EVERYONE = (ANA, JOAO, JOHN, MARIA, ZOE, ELODIE, NAMELESS)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CustomerCache]:
    opened = CustomerCache.open(tmp_path_factory.mktemp("search"), URL)
    opened.upsert_customers(EVERYONE, 1_700_000_000)
    yield opened
    opened.close()


def found(cache: CustomerCache, search: str) -> set[int]:
    return set(cache.ordered_ids(CustomerFilter(search=search, role=None)))


# -- fold and search_text --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("João", "joao"),
        ("JOÃO", "joao"),
        ("Élodie", "elodie"),
        ("München", "munchen"),
        ("Dún Laoghaire", "dun laoghaire"),
        ("Straße", "strasse"),
        ("ﬁle", "file"),
        ("Zoë O'Brien", "zoe o'brien"),
        ("(555) 555-0100", "(555) 555-0100"),
        ("", ""),
    ],
)
def test_fold_removes_accents_and_case(typed: str, folded: str) -> None:
    assert fold(typed) == folded


def test_search_text_holds_every_searchable_field_folded() -> None:
    text = search_text(ANA)
    for piece in (
        "ana maria",
        "perez",
        "ana.perez@correo.es",
        "anaperez",
        "olivares del sur sl",
        "facturas@olivares.es",
        "+34 954 123 456",
        "34954123456",
        "sevilla",
        "41001",
    ):
        assert piece in text.split("\n"), piece
    assert text == fold(text)


def test_search_text_adds_the_shipping_address_and_bare_phone_digits() -> None:
    assert {"campinas", "13010-001", "sao paulo", "01310-100"} <= set(search_text(JOAO).split("\n"))
    assert "5555550100" in search_text(JOHN).split("\n")


def test_search_text_leaves_out_empty_and_repeated_fields() -> None:
    lines = search_text(NAMELESS).split("\n")
    assert lines == ["orders@bigbuyer.example", "bigbuyer"]
    assert search_text(ANA).split("\n").count("ana maria") == 1


def test_an_empty_search_adds_no_condition() -> None:
    assert search_clause("").sql == []
    assert search_clause("   \t ").sql == []


def test_short_words_become_prefix_ranges_with_no_wildcards() -> None:
    clause = search_clause("a%")
    assert len(clause.sql) == 1
    assert "LIKE" not in clause.sql[0]  # ranges use the indexes; "%" is just a character
    assert clause.params == ["a%", "a%\U0010ffff"] * 3
    assert search_clause("_").params == ["_", "_\U0010ffff"] * 3


def test_long_words_become_one_quoted_full_text_query() -> None:
    clause = search_clause('Jo"ão silva')
    assert len(clause.sql) == 1
    assert clause.params == ['"jo""ao" AND "silva"']
    phone = search_clause("555-0100")
    assert phone.params == ['("555-0100" OR "5550100")']
    assert MIN_FRAGMENT == 3


# -- what a search finds ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("example.com", {JOHN.id}),
        ("xample", {JOHN.id, ZOE.id, NAMELESS.id}),
        ("correo", {ANA.id}),
        ("olivares", {ANA.id}),
        ("acme", {JOHN.id}),
        ("müller", {MARIA.id}),
        ("SÖHNE", {MARIA.id}),
        ("francisco", {JOHN.id}),
        ("ncis", {JOHN.id}),
        ("munchen", {MARIA.id}),
        ("laoghaire", {ZOE.id}),
        ("dun", {ZOE.id}),
        ("94103", {JOHN.id}),
        ("310-1", {JOAO.id}),
        ("13010", {JOAO.id}),
        ("campinas", {JOAO.id}),
        ("joao", {JOAO.id}),
        ("JOÃO", {JOAO.id}),
        ("são paulo", {JOAO.id}),
        ("sao", {JOAO.id}),
        ("bigbuyer", {NAMELESS.id}),
        ("facturas@", {ANA.id}),
        ("doe", {JOHN.id}),
        ("o'brien", {ZOE.id}),
        ("nobody-has-this", set()),
    ],
)
def test_fragments_of_three_or_more_characters_match_anywhere(
    cache: CustomerCache, search: str, expected: set[int]
) -> None:
    assert found(cache, search) == expected


def test_a_fragment_spanning_a_space_is_two_words(cache: CustomerCache) -> None:
    assert found(cache, "ares del") == {ANA.id}
    assert found(cache, "ares del a") == {ANA.id}
    # "s" must start a name, email or username; Ana's all start with "a".
    assert found(cache, "ares del s") == set()


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("j", {JOAO.id, JOHN.id}),  # display names "João Silva", "John Doe"; also jsilva
        ("jo", {JOAO.id, JOHN.id}),
        ("J", {JOAO.id, JOHN.id}),
        ("m", {MARIA.id}),
        ("ms", {MARIA.id}),  # the username mschmidt
        ("m.", {MARIA.id}),  # the email m.schmidt@…
        ("b", {NAMELESS.id}),  # no name: display name falls back to the username
        ("o", {NAMELESS.id}),  # the email orders@…
        ("z", {ZOE.id}),
        ("d", {ELODIE.id}),  # durand…, but not John Doe: a prefix matches the start only
        ("x", set()),
    ],
)
def test_one_or_two_characters_match_the_start_of_a_name_email_or_username(
    cache: CustomerCache, search: str, expected: set[int]
) -> None:
    assert found(cache, search) == expected


def test_prefix_wildcards_typed_by_the_user_are_literal(cache: CustomerCache) -> None:
    assert found(cache, "%") == set()
    assert found(cache, "_") == set()
    assert found(cache, "j%") == set()


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("john francisco", {JOHN.id}),
        ("francisco john", {JOHN.id}),
        ("john munchen", set()),
        ("maria", {ANA.id, MARIA.id}),
        ("maria 80331", {MARIA.id}),
        ("maria sevilla", {ANA.id}),
        ("j silva", {JOAO.id}),
        ("j doe", {JOHN.id}),
        ("jo zoe", set()),
        ("  maria   schmidt  ", {MARIA.id}),
    ],
)
def test_every_word_must_match(cache: CustomerCache, search: str, expected: set[int]) -> None:
    assert found(cache, search) == expected


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("555 0100", {JOHN.id}),
        ("555-0100", {JOHN.id}),
        ("555.0100", {JOHN.id}),
        ("(555)555-0100", {JOHN.id}),
        ("5555550100", {JOHN.id}),
        ("555 555 0100", {JOHN.id}),
        ("0100", {JOHN.id}),
        ("954123456", {ANA.id}),
        ("954-123-456", {ANA.id}),
        ("+34 954 123 456", {ANA.id}),
        ("089/1234567", {MARIA.id}),
        ("891234567", {MARIA.id}),
        ("555 0199", {ZOE.id}),
        ("555", {JOHN.id, ZOE.id}),
        ("0612345678", {ELODIE.id}),
        ("06-12-34-56-78", {ELODIE.id}),
    ],
)
def test_phone_numbers_match_whatever_their_punctuation(
    cache: CustomerCache, search: str, expected: set[int]
) -> None:
    assert found(cache, search) == expected


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("06 12 34 56 78", {ELODIE.id}),
        # Part of a number finds every phone holding those digits: +34 954 123 456 and
        # 089 1234567 contain 123456 as well.
        ("12 34 56", {ANA.id, MARIA.id, ELODIE.id}),
    ],
)
def test_a_phone_typed_in_pairs_of_digits_is_found(
    cache: CustomerCache, search: str, expected: set[int]
) -> None:
    assert found(cache, search) == expected


@pytest.mark.parametrize("search", ["é", "e", "el", "É"])
def test_short_prefixes_ignore_accents_like_longer_fragments(
    cache: CustomerCache, search: str
) -> None:
    assert ELODIE.id in found(cache, search)


def test_typing_a_name_progressively_narrows_the_matches(cache: CustomerCache) -> None:
    assert found(cache, "elo") == {ELODIE.id}
    assert found(cache, "elod") == {ELODIE.id}
    assert found(cache, "élodie") == {ELODIE.id}
    assert found(cache, "élodie durand") == {ELODIE.id}


@pytest.mark.parametrize(
    "search",
    [
        '"',
        '""',
        '"john',
        "john\"'",
        "'",
        "AND",
        "OR john",
        "john OR",
        "NOT",
        "NEAR(john doe)",
        "john*",
        "*",
        "^john",
        "email:john",
        "{email}: doe",
        "(((",
        ")",
        "a-b-c",
        "-john",
        "+",
        "\\",
        "\\\\\\",
        "%_%",
        "🙂🙂🙂",
        "\u0301\u0301\u0301",
        "ﷺ",
    ],
)
def test_fts_syntax_and_quotes_never_fail(cache: CustomerCache, search: str) -> None:
    result = cache.ordered_ids(CustomerFilter(search=search, role=None))
    assert set(result) <= {c.id for c in EVERYONE}


@pytest.mark.parametrize("search", ["abc\x00", "\x00abc", "joão\x00silva"])
def test_a_nul_character_in_the_search_never_fails(cache: CustomerCache, search: str) -> None:
    cache.ordered_ids(CustomerFilter(search=search, role=None))


@pytest.mark.parametrize("search", ["ab\udcff", "\ud800", "joão \udce9"])
def test_a_lone_surrogate_in_the_search_never_fails(cache: CustomerCache, search: str) -> None:
    cache.ordered_ids(CustomerFilter(search=search, role=None))


def test_fts_operators_are_searched_as_plain_words(cache: CustomerCache) -> None:
    assert found(cache, "john OR maria") == set()
    assert found(cache, "john*") == set()
    assert found(cache, "NEAR(john") == set()


def test_search_combines_with_the_role_and_country_filters(cache: CustomerCache) -> None:
    assert cache.ordered_ids(CustomerFilter(search="maria")) == [ANA.id]
    assert cache.ordered_ids(CustomerFilter(search="maria", role="subscriber")) == [MARIA.id]
    assert cache.ordered_ids(
        CustomerFilter(search="maria", role=None, criteria=Criteria(countries=("DE",)))
    ) == [MARIA.id]
    assert cache.ordered_ids(CustomerFilter(search="xample", role=None, sort="email")) == [
        JOHN.id,
        NAMELESS.id,
        ZOE.id,
    ]


# -- properties ------------------------------------------------------------------------------


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(search=st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40))
def test_any_text_searches_without_error(cache: CustomerCache, search: str) -> None:
    result = cache.ordered_ids(CustomerFilter(search=search, role=None))
    assert len(result) == len(set(result))
    assert set(result) <= {c.id for c in EVERYONE}


_ALPHABET = "abcdeijmnorsu0123456789 .-@'\"()*:^áéãöüÉÖ"


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(word=st.text(alphabet=_ALPHABET, min_size=MIN_FRAGMENT, max_size=8))
def test_a_long_word_finds_exactly_the_customers_whose_text_contains_it(
    cache: CustomerCache, word: str
) -> None:
    words = fold(word).split()
    expected = {
        customer.id
        for customer in EVERYONE
        if all(_contains(search_text(customer), w) for w in words)
    }
    if all(len(w) >= MIN_FRAGMENT for w in words):
        assert found(cache, word) == expected
    else:
        assert found(cache, word) <= expected


def _contains(text: str, word: str) -> bool:
    digits = "".join(ch for ch in word if ch.isdigit())
    return word in text or (len(digits) >= MIN_FRAGMENT and digits != word and digits in text)
