"""The list filters' one check, their words (chips), removing one, and their saved form."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.criteria import Criteria, Criterion
from app.domain.money import MoneyFormat

EURO = MoneyFormat(
    code="EUR",
    symbol="€",
    position="right_space",
    thousand_separator=".",
    decimal_separator=",",
)


def options(criteria: Criteria) -> list[str]:
    return [problem.option for problem in criteria.problems()]


# -- problems ---------------------------------------------------------------------------------


def test_empty_and_sensible_criteria_have_no_problems() -> None:
    assert Criteria().problems() == []
    assert Criteria().empty
    sensible = Criteria(
        countries=("DE", "at"),
        state="BY",
        city="Munich",
        min_orders=0,
        max_orders=0,
        min_spent=Decimal("0"),
        max_spent=Decimal("0"),
        min_average=Decimal("10"),
        max_average=Decimal("10"),
        registered_after=date(2024, 1, 1),
        registered_before=date(2024, 1, 1),
        last_order_after=date(2024, 2, 1),
        last_order_before=date(2024, 3, 1),
        has_company=False,
        has_phone=True,
    )
    assert sensible.problems() == []
    assert not sensible.empty


@pytest.mark.parametrize(
    ("criteria", "option"),
    [
        (Criteria(min_orders=-1), "--min-orders"),
        (Criteria(max_orders=-3), "--max-orders"),
        (Criteria(min_spent=Decimal("-0.01")), "--min-spent"),
        (Criteria(max_spent=Decimal("-5")), "--max-spent"),
        (Criteria(min_average=Decimal("-1")), "--min-average"),
        (Criteria(max_average=Decimal("-1")), "--max-average"),
    ],
)
def test_a_negative_figure_is_a_problem_named_by_its_option(
    criteria: Criteria, option: str
) -> None:
    (problem,) = criteria.problems()
    assert problem.option == option
    assert "negative" in problem.message


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_an_amount_that_is_no_number_is_a_problem_not_a_traceback(amount: str) -> None:
    criteria = Criteria(min_spent=Decimal(amount), max_spent=Decimal("10"))
    problems = criteria.problems()
    assert [problem.option for problem in problems] == ["--min-spent"]
    assert problems[0].message == "An amount of money must be a number."


@pytest.mark.parametrize(
    ("criteria", "option", "what"),
    [
        (Criteria(min_orders=5, max_orders=4), "--max-orders", "orders"),
        (
            Criteria(min_spent=Decimal("10"), max_spent=Decimal("9.99")),
            "--max-spent",
            "total spent",
        ),
        (
            Criteria(min_average=Decimal("3"), max_average=Decimal("2")),
            "--max-average",
            "average order",
        ),
        (
            Criteria(registered_after=date(2024, 5, 2), registered_before=date(2024, 5, 1)),
            "--registered-before",
            "registered",
        ),
        (
            Criteria(last_order_after=date(2024, 5, 2), last_order_before=date(2024, 5, 1)),
            "--last-order-before",
            "last order",
        ),
    ],
)
def test_a_range_that_ends_before_it_starts_is_a_problem(
    criteria: Criteria, option: str, what: str
) -> None:
    (problem,) = criteria.problems()
    assert problem.option == option
    assert problem.message == f"The {what} range ends before it starts."


@pytest.mark.parametrize("code", ["XX", "ZZ", "Germany", "", "D"])
def test_a_country_code_woocommerce_does_not_know_is_a_problem(code: str) -> None:
    problems = Criteria(countries=("DE", code)).problems()
    assert [problem.option for problem in problems] == ["--country"]
    assert repr(code) in problems[0].message


def test_a_country_code_in_lower_case_is_known() -> None:
    assert Criteria(countries=("de", " at ")).problems() == []


@pytest.mark.parametrize(
    "other",
    [
        {"min_orders": 1},
        {"min_spent": Decimal("0.01")},
        {"min_average": Decimal("0")},
        {"max_average": Decimal("100")},
        {"last_order_after": date(2024, 1, 1)},
        {"last_order_before": date(2024, 1, 1)},
    ],
)
def test_never_ordered_with_a_filter_only_buyers_can_match_is_a_problem(
    other: dict[str, Any],
) -> None:
    assert options(Criteria(never_ordered=True, **other)) == ["--never-ordered"]
    assert options(Criteria(never_ordered=False, **other)) == []


@pytest.mark.parametrize(
    "other",
    [
        {"min_orders": 0},
        {"max_orders": 0},
        {"max_orders": 10},
        {"min_spent": Decimal("0")},
        {"max_spent": Decimal("100")},
        {"registered_after": date(2024, 1, 1)},
    ],
)
def test_never_ordered_goes_with_filters_a_customer_without_orders_can_meet(
    other: dict[str, Any],
) -> None:
    assert Criteria(never_ordered=True, **other).problems() == []


def test_every_problem_is_reported_at_once() -> None:
    criteria = Criteria(
        countries=("XX",), min_orders=-1, min_spent=Decimal(5), max_spent=Decimal(1)
    )
    assert options(criteria) == ["--country", "--min-orders", "--max-spent"]


# -- chips ------------------------------------------------------------------------------------


def test_each_active_filter_has_a_chip_in_words_in_a_fixed_order() -> None:
    criteria = Criteria(
        countries=("DE",),
        city="Munich",
        min_orders=2,
        max_orders=5,
        min_spent=Decimal("1234.5"),
        max_average=Decimal("20"),
        registered_after=date(2024, 1, 1),
        registered_before=date(2024, 6, 30),
        last_order_before=date(2025, 1, 31),
        never_ordered=False,
        has_company=True,
        has_phone=False,
    )
    assert [(chip.criterion, chip.text) for chip in criteria.chips(EURO)] == [
        (Criterion.COUNTRIES, "Country: Germany"),
        (Criterion.CITY, "City: Munich"),
        (Criterion.ORDERS, "Orders: 2 – 5"),
        (Criterion.SPENT, "Total spent: at least 1.234,50\N{NO-BREAK SPACE}€"),
        (Criterion.AVERAGE, "Average order: at most 20,00\N{NO-BREAK SPACE}€"),
        (Criterion.REGISTERED, "Registered: 2024-01-01 – 2024-06-30"),
        (Criterion.LAST_ORDER, "Last order: until 2025-01-31"),
        (Criterion.COMPANY, "Has a company"),
        (Criterion.PHONE, "No phone"),
    ]
    assert criteria.active() == [chip.criterion for chip in criteria.chips(EURO)]


def test_chip_words_for_the_other_cases() -> None:
    criteria = Criteria(
        countries=("DE", "AT", "QQ"),
        min_orders=3,
        max_orders=3,
        max_spent=Decimal("50"),
        min_average=Decimal("9.99"),
        max_average=Decimal("9.99"),
        last_order_after=date(2024, 3, 1),
        never_ordered=True,
        has_company=False,
        has_phone=True,
    )
    assert [chip.text for chip in criteria.chips(EURO)] == [
        "Countries: Germany, Austria, QQ",
        "Orders: 3",
        f"Total spent: at most {EURO.format(Decimal(50))}",
        f"Average order: {EURO.format(Decimal('9.99'))}",
        "Last order: from 2024-03-01",
        "Never ordered",
        "No company",
        "Has a phone",
    ]


def test_a_state_is_shown_by_its_name_where_a_chosen_country_lists_it() -> None:
    california = Criteria(countries=("DE", "US"), state="CA")
    assert [chip.text for chip in california.chips(EURO)][1] == "State: California"
    assert Criteria(countries=("us",), state="ca").chips(EURO)[1].text == "State: California"
    # Without a country the code could be any country's: it stays a code.
    assert Criteria(state="CA").chips(EURO)[0].text == "State: CA"
    assert Criteria(countries=("US",), state="Nowhere").chips(EURO)[1].text == "State: Nowhere"


def test_a_place_is_shown_as_it_is_matched_without_surrounding_spaces() -> None:
    criteria = Criteria(state=" BY ", city="  Munich ")
    assert [chip.text for chip in criteria.chips(EURO)] == ["State: BY", "City: Munich"]


def test_money_follows_the_store_format() -> None:
    dollars = MoneyFormat(code="USD", symbol="$", thousand_separator=",")
    chip = Criteria(min_spent=Decimal("1000"), max_spent=Decimal("2500.5")).chips(dollars)[0]
    assert chip.text == "Total spent: $1,000.00 – $2,500.50"


# -- without ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criterion", "low", "high", "values"),
    [
        (Criterion.ORDERS, "min_orders", "max_orders", (1, 2)),
        (Criterion.SPENT, "min_spent", "max_spent", (Decimal(1), Decimal(2))),
        (Criterion.AVERAGE, "min_average", "max_average", (Decimal(1), Decimal(2))),
        (
            Criterion.REGISTERED,
            "registered_after",
            "registered_before",
            (date(2024, 1, 1), date(2024, 2, 1)),
        ),
        (
            Criterion.LAST_ORDER,
            "last_order_after",
            "last_order_before",
            (date(2024, 1, 1), date(2024, 2, 1)),
        ),
    ],
)
def test_without_clears_both_ends_of_a_range_and_nothing_else(
    criterion: Criterion, low: str, high: str, values: tuple[Any, Any]
) -> None:
    criteria = Criteria(countries=("DE",), has_phone=True, **{low: values[0], high: values[1]})
    left = criteria.without(criterion)
    assert left == Criteria(countries=("DE",), has_phone=True)
    assert criterion not in left.active()


def test_without_each_criterion_in_turn_leaves_the_empty_criteria() -> None:
    criteria = Criteria(
        countries=("DE",),
        state="BY",
        city="Munich",
        min_orders=1,
        max_spent=Decimal(5),
        min_average=Decimal(1),
        registered_before=date(2024, 1, 1),
        last_order_after=date(2024, 1, 1),
        never_ordered=True,
        has_company=False,
        has_phone=True,
    )
    assert criteria.active() == list(Criterion)
    for criterion in Criterion:
        criteria = criteria.without(criterion)
    assert criteria.empty
    assert criteria.chips(EURO) == []


# -- saved form -------------------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))

criteria_values = st.builds(
    Criteria,
    countries=st.lists(st.sampled_from(["DE", "AT", "US", "PT", "BR", "IN"]), max_size=3).map(
        tuple
    ),
    state=st.sampled_from(["", "BY", "CA", "Ontario"]),
    city=st.text(max_size=12),
    min_orders=st.none() | st.integers(0, 500),
    max_orders=st.none() | st.integers(0, 500),
    min_spent=st.none() | amounts,
    max_spent=st.none() | amounts,
    min_average=st.none() | amounts,
    max_average=st.none() | amounts,
    registered_after=st.none() | days,
    registered_before=st.none() | days,
    last_order_after=st.none() | days,
    last_order_before=st.none() | days,
    never_ordered=st.booleans(),
    has_company=st.none() | st.booleans(),
    has_phone=st.none() | st.booleans(),
)


@given(criteria_values)
def test_the_saved_form_reads_back_as_the_same_criteria(criteria: Criteria) -> None:
    import json

    saved = json.loads(json.dumps(criteria.to_json()))
    assert Criteria.from_json(saved) == criteria


def test_the_saved_form_holds_only_what_is_set() -> None:
    assert Criteria().to_json() == {}
    assert Criteria(
        countries=("DE",), min_spent=Decimal("10.50"), registered_after=date(2024, 1, 2)
    ).to_json() == {"countries": ["DE"], "min_spent": "10.50", "registered_after": "2024-01-02"}


def test_damaged_saved_values_are_left_out_and_the_rest_kept() -> None:
    saved = {
        "countries": ["de", 7],
        "state": 5,
        "city": "Porto",
        "min_orders": True,
        "max_orders": "3",
        "min_spent": "ten",
        "max_spent": True,
        "min_average": "NaN",
        "max_average": 1.5,
        "registered_after": "2024-13-01",
        "registered_before": 20240101,
        "last_order_after": "2024-02-03",
        "last_order_before": None,
        "never_ordered": "yes",
        "has_company": 1,
        "has_phone": False,
        "unknown_field": "x",
    }
    assert Criteria.from_json(saved) == Criteria(
        city="Porto", last_order_after=date(2024, 2, 3), has_phone=False
    )


@pytest.mark.parametrize("saved", [None, [], "criteria", 3])
def test_a_saved_form_that_is_no_object_gives_empty_criteria(saved: object) -> None:
    assert Criteria.from_json(saved) == Criteria()


def test_saved_amounts_may_be_whole_numbers_and_countries_any_case() -> None:
    assert Criteria.from_json({"min_spent": 10, "countries": ["de", "At"]}) == Criteria(
        countries=("DE", "AT"), min_spent=Decimal(10)
    )
    assert Criteria.from_json({"max_spent": "Infinity"}) == Criteria()
