"""The filters a customer list can be narrowed by, as WooCommerce's Customers report offers them.

Owns :class:`Criteria` (country, state, city, orders, total spent, average order value,
registered, last order, never ordered, has a company, has a phone), its one check (every entry
point, the filter panel, a saved segment and the command line, goes through
:meth:`Criteria.problems`), the words of each active filter (a chip in the window, a line in
the command line's summary) and its JSON form for saved segments. The SQL is in
app/cache/criteria_sql.py; the dates are the store's (app/domain/store_time.py).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain.countries import COUNTRIES, country_name, states_of
from app.domain.money import MoneyFormat


class Criterion(enum.Enum):
    """One filter, as a chip removes it (a range's two ends go together)."""

    COUNTRIES = "countries"
    STATE = "state"
    CITY = "city"
    ORDERS = "orders"
    SPENT = "spent"
    AVERAGE = "average"
    REGISTERED = "registered"
    LAST_ORDER = "last_order"
    NEVER_ORDERED = "never_ordered"
    COMPANY = "company"
    PHONE = "phone"


#: The fields each criterion clears when its chip is removed.
_FIELDS: Mapping[Criterion, tuple[str, ...]] = {
    Criterion.COUNTRIES: ("countries",),
    Criterion.STATE: ("state",),
    Criterion.CITY: ("city",),
    Criterion.ORDERS: ("min_orders", "max_orders"),
    Criterion.SPENT: ("min_spent", "max_spent"),
    Criterion.AVERAGE: ("min_average", "max_average"),
    Criterion.REGISTERED: ("registered_after", "registered_before"),
    Criterion.LAST_ORDER: ("last_order_after", "last_order_before"),
    Criterion.NEVER_ORDERED: ("never_ordered",),
    Criterion.COMPANY: ("has_company",),
    Criterion.PHONE: ("has_phone",),
}


@dataclass(frozen=True)
class Chip:
    """An active filter in words ("Country: Germany, Austria"), and what removing it clears."""

    criterion: Criterion
    text: str


@dataclass(frozen=True)
class Problem:
    """A filter value that cannot be used; ``option`` names it as the command line does."""

    option: str
    message: str


@dataclass(frozen=True)
class Criteria:
    """Filters over the cached customers; every one set must hold (an empty one holds always).

    Country, state and city are the billing address's, else the shipping address's (as the
    table shows them). Dates are days in the store's timezone, both ends included. A customer
    whose order figures the store's API does not give matches no filter on orders, spending or
    last order. ``has_company`` and ``has_phone``: True (has one), False (has none) or None.
    """

    countries: tuple[str, ...] = ()
    state: str = ""
    city: str = ""
    min_orders: int | None = None
    max_orders: int | None = None
    min_spent: Decimal | None = None
    max_spent: Decimal | None = None
    min_average: Decimal | None = None
    max_average: Decimal | None = None
    registered_after: date | None = None
    registered_before: date | None = None
    last_order_after: date | None = None
    last_order_before: date | None = None
    never_ordered: bool = False
    has_company: bool | None = None
    has_phone: bool | None = None

    @property
    def empty(self) -> bool:
        """Whether no filter is set."""
        return self == Criteria()

    def active(self) -> list[Criterion]:
        """The criteria set, in the order the chips show them."""
        blank = Criteria()
        return [
            criterion
            for criterion, names in _FIELDS.items()
            if any(getattr(self, name) != getattr(blank, name) for name in names)
        ]

    def without(self, criterion: Criterion) -> Criteria:
        """These criteria, with one removed (both ends of a range)."""
        blank = Criteria()
        return replace(self, **{name: getattr(blank, name) for name in _FIELDS[criterion]})

    def problems(self) -> list[Problem]:
        """What makes these criteria unusable (empty when they can be applied)."""
        found: list[Problem] = []
        for code in self.countries:
            # country_name() gives an unknown code back unchanged: ask the list itself.
            if code.strip().upper() not in COUNTRIES:
                found.append(
                    Problem("--country", f"{code!r} is not a country code WooCommerce knows.")
                )
        for option, value in (("--min-orders", self.min_orders), ("--max-orders", self.max_orders)):
            if value is not None and value < 0:
                found.append(Problem(option, "A number of orders cannot be negative."))
        money = (
            ("--min-spent", self.min_spent),
            ("--max-spent", self.max_spent),
            ("--min-average", self.min_average),
            ("--max-average", self.max_average),
        )
        for option, amount in money:
            if amount is None:
                continue
            if not amount.is_finite():
                found.append(Problem(option, "An amount of money must be a number."))
            elif amount < 0:
                found.append(Problem(option, "An amount of money cannot be negative."))
        ranges = (
            ("--max-orders", self.min_orders, self.max_orders, "orders"),
            ("--max-spent", self.min_spent, self.max_spent, "total spent"),
            ("--max-average", self.min_average, self.max_average, "average order"),
            ("--registered-before", self.registered_after, self.registered_before, "registered"),
            ("--last-order-before", self.last_order_after, self.last_order_before, "last order"),
        )
        for option, low, high, what in ranges:
            if _comparable(low) and _comparable(high) and low > high:  # type: ignore[operator]
                found.append(Problem(option, f"The {what} range ends before it starts."))
        if self.never_ordered and (
            (self.min_orders or 0) > 0
            or (self.min_spent is not None and self.min_spent.is_finite() and self.min_spent > 0)
            # Without orders there is no average: either end of its range excludes them all.
            or self.min_average is not None
            or self.max_average is not None
            or self.last_order_after is not None
            or self.last_order_before is not None
        ):
            found.append(
                Problem(
                    "--never-ordered",
                    "No customer who never ordered can match the other order filters.",
                )
            )
        return found

    # -- words ------------------------------------------------------------------------------

    def chips(self, money: MoneyFormat) -> list[Chip]:
        """Each active filter in words, in the order :meth:`active` gives."""
        return [Chip(criterion, self._words(criterion, money)) for criterion in self.active()]

    def _words(self, criterion: Criterion, money: MoneyFormat) -> str:
        match criterion:
            case Criterion.COUNTRIES:
                names = [country_name(code) or code for code in self.countries]
                return f"{'Country' if len(names) == 1 else 'Countries'}: {', '.join(names)}"
            case Criterion.STATE:
                return f"State: {self._state_name()}"
            case Criterion.CITY:
                return f"City: {self.city.strip()}"
            case Criterion.ORDERS:
                return "Orders: " + _range(self.min_orders, self.max_orders, str)
            case Criterion.SPENT:
                return "Total spent: " + _range(self.min_spent, self.max_spent, money.format)
            case Criterion.AVERAGE:
                return "Average order: " + _range(self.min_average, self.max_average, money.format)
            case Criterion.REGISTERED:
                return "Registered: " + _range(self.registered_after, self.registered_before, _day)
            case Criterion.LAST_ORDER:
                return "Last order: " + _range(self.last_order_after, self.last_order_before, _day)
            case Criterion.NEVER_ORDERED:
                return "Never ordered"
            case Criterion.COMPANY:
                return "Has a company" if self.has_company else "No company"
            case Criterion.PHONE:
                return "Has a phone" if self.has_phone else "No phone"

    def _state_name(self) -> str:
        wanted = self.state.strip()
        for country in self.countries:
            states = states_of(country.strip().upper())
            # The cache matches a state without regard to case ("by" finds "BY").
            name = states.get(wanted) or states.get(wanted.upper())
            if name:
                return name
        return wanted

    # -- saved form -------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The criteria set, as JSON values (dates ISO, money as decimal strings)."""
        blank = Criteria()
        saved: dict[str, Any] = {}
        for spec in fields(self):
            value = getattr(self, spec.name)
            if value == getattr(blank, spec.name):
                continue
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = str(value)
            elif isinstance(value, tuple):
                value = list(value)
            saved[spec.name] = value
        return saved

    @classmethod
    def from_json(cls, saved: object) -> Criteria:
        """Criteria from :meth:`to_json`'s form; a value that does not fit is left out."""
        if not isinstance(saved, Mapping):
            return cls()
        values: dict[str, Any] = {}
        for spec in fields(cls):
            if spec.name not in saved:
                continue
            value = _loaded(spec.name, saved[spec.name])
            if value is not None:
                values[spec.name] = value
        return cls(**values)


_INTEGERS = frozenset({"min_orders", "max_orders"})
_AMOUNTS = frozenset({"min_spent", "max_spent", "min_average", "max_average"})
_DATES = frozenset(
    {"registered_after", "registered_before", "last_order_after", "last_order_before"}
)
_FLAGS = frozenset({"has_company", "has_phone", "never_ordered"})


def _loaded(name: str, value: object) -> Any:
    """A saved value of field ``name``, or None when it does not fit the field."""
    try:
        if name == "countries":
            if isinstance(value, list) and all(isinstance(code, str) for code in value):
                return tuple(code.upper() for code in value)
            return None
        if name in ("state", "city"):
            return value if isinstance(value, str) else None
        if name in _INTEGERS:
            return value if isinstance(value, int) and not isinstance(value, bool) else None
        if name in _AMOUNTS:
            if isinstance(value, bool) or not isinstance(value, str | int):
                return None
            amount = Decimal(value)
            return amount if amount.is_finite() else None
        if name in _DATES:
            return date.fromisoformat(value) if isinstance(value, str) else None
        if name in _FLAGS:
            return value if isinstance(value, bool) else None
    except (ValueError, InvalidOperation):
        return None
    return None


def _comparable(value: object) -> bool:
    """Whether a range's end can be compared (set, and no amount that is not a number)."""
    return value is not None and not (isinstance(value, Decimal) and not value.is_finite())


def _day(value: date) -> str:
    return value.isoformat()


def _range(low: Any, high: Any, say: Any) -> str:
    if low is not None and high is not None:
        return f"{say(low)} – {say(high)}" if low != high else say(low)
    if low is not None:
        return f"at least {say(low)}" if not isinstance(low, date) else f"from {say(low)}"
    return f"at most {say(high)}" if not isinstance(high, date) else f"until {say(high)}"
