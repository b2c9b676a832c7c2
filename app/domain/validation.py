"""The one rule set for customer fields, shared by the customer dialog and the CSV importer.

Owns what makes a customer's fields acceptable before anything is sent to a store: the email a
store requires, the billing email, country and state codes (names are accepted and mapped to the
codes), WordPress' username rule, the password a store without generated passwords requires, and
plausibility hints for postcodes and phone numbers. A typed field and a CSV cell are judged by the
same function, :func:`check_customer`, so the dialog and the importer can never disagree.

Fields are named by their dotted API names (``"email"``, ``"billing_address.city"``), the names
:class:`app.errors.ValidationError` uses for a store's own refusals. A source is a mapping of those
names to text (a CSV row after header mapping, or the dialog's inputs), a
:class:`~app.domain.customer.CustomerDraft` or a :class:`~app.domain.customer.Customer`.

Errors block a save or an import row; warnings are hints a person may ignore (a postcode that does
not look like the country's usual format, a phone number with letters in it).

The rules against writes a real store would destroy or garble (section 19.3 of
wc-api-v3-behavior.md: an emptied email, lists or objects as text, emails and usernames too long
for WordPress) are written once, here, as :func:`email_message`, :func:`username_length_message`
and :func:`text_message`; :mod:`app.domain.write_gate` applies the same functions to every body
the client sends.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from app.domain.countries import (
    country_code,
    country_name,
    has_states,
    state_code,
)
from app.domain.customer import (
    Address,
    BillingAddress,
    Customer,
    CustomerDraft,
    UnappliedChange,
)
from app.domain.email import is_email

#: Account fields in the order forms show them; ``username`` and ``password`` exist on create only.
ACCOUNT_FIELDS: tuple[str, ...] = ("email", "first_name", "last_name", "username", "password")
#: Every field a customer source may carry, in API order (account, billing, shipping).
CUSTOMER_FIELDS: tuple[str, ...] = (
    *ACCOUNT_FIELDS,
    *(f"billing_address.{name}" for name in BillingAddress.FIELDS),
    *(f"shipping_address.{name}" for name in Address.FIELDS),
)

_ADDRESS_LABELS: Mapping[str, str] = {
    "first_name": "first name",
    "last_name": "last name",
    "company": "company",
    "address_1": "address line 1",
    "address_2": "address line 2",
    "city": "city",
    "state": "state",
    "postcode": "postcode",
    "country": "country",
    "email": "email",
    "phone": "phone",
}
#: Words for each field, for messages that name a field outside its form (import reports,
#: "the store kept ..." notices).
FIELD_LABELS: Mapping[str, str] = {
    "email": "Email",
    "first_name": "First name",
    "last_name": "Last name",
    "username": "Username",
    "password": "Password",
    **{f"billing_address.{key}": f"Billing {label}" for key, label in _ADDRESS_LABELS.items()},
    **{
        f"shipping_address.{key}": f"Shipping {label}"
        for key, label in _ADDRESS_LABELS.items()
        if key in Address.FIELDS
    },
}


#: Words for a whole address, which the write gate names when a body's address is no object.
_ADDRESS_OBJECT_LABELS: Mapping[str, str] = {
    "billing_address": "Billing address",
    "shipping_address": "Shipping address",
}


def describe_unapplied(change: UnappliedChange) -> str:
    """One sentence saying what the store kept instead of what was sent."""
    if change.field == "email":
        return (
            f"The store kept the email {change.kept}; the new one ({change.sent}) probably "
            "belongs to another customer."
        )
    label = FIELD_LABELS.get(change.field, change.field)
    if change.field == "username":
        return f'The store set the username to "{change.kept}" instead of "{change.sent}".'
    if not change.kept:
        return f'The store did not save the {label.lower()} "{change.sent}".'
    return f'The store kept the {label.lower()} "{change.kept}" instead of "{change.sent}".'


#: WordPress refuses to register a ``user_login`` longer than this; a store answers
#: "Couldn't register you" (section 19.3), also for one it made from the email itself.
USERNAME_MAX_LENGTH = 60
#: WordPress refuses a ``user_email`` longer than this; a store answers "This resource cannot be
#: created" (section 19.3).
EMAIL_MAX_LENGTH = 100
#: What ``sanitize_user`` keeps in strict mode, which ``validate_username`` requires.
_USERNAME_CHARACTERS = "A-Za-z0-9 _.@-"
_USERNAME = re.compile(f"[{_USERNAME_CHARACTERS}]+")
_NOT_USERNAME = re.compile(f"[^{_USERNAME_CHARACTERS}]")
#: What strict ``sanitize_user`` removes before that: percent-encoded octets and HTML entities.
_OCTET = re.compile(r"%[0-9A-Fa-f]{2}")
_ENTITY = re.compile(r"&.+?;")
#: Local parts current WooCommerce does not turn into a username: it takes the domain instead.
_GENERIC_LOCAL_PARTS = frozenset({"sales", "hello", "mail", "contact", "info"})

# What the write gate's rules say, by a field in the dialog, on an import row, on stderr.
EMAIL_REQUIRED = "Enter the customer's email address."
EMAIL_REMOVED = "A customer's email cannot be removed."
EMAIL_SPACES = "An email address cannot begin or end with a space."
EMAIL_TOO_LONG = f"An email address can have at most {EMAIL_MAX_LENGTH} characters."
USERNAME_TOO_LONG = f"A username can have at most {USERNAME_MAX_LENGTH} characters."

#: What WooCommerce's ``WC_Validation::is_phone`` lets through besides digits.
_PHONE_PUNCTUATION = re.compile(r"[\s#_\-+/().]")
#: E.164 allows at most 15 digits; fewer than 5 is not a reachable number anywhere we ship to.
_PHONE_DIGITS = (5, 15)
_ASCII_DIGITS = "0123456789"
_POSTCODE_CHARACTERS = re.compile(r"[A-Za-z0-9 -]+")

#: Usual postcode formats of the countries most stores ship to: pattern and an example. Only a
#: hint (a warning): stores accept any text, and formats change.
_POSTCODE_FORMATS: Mapping[str, tuple[re.Pattern[str], str]] = {
    code: (re.compile(pattern), example)
    for code, pattern, example in (
        ("US", r"\d{5}(-\d{4})?", "12345 or 12345-6789"),
        ("CA", r"[A-Z]\d[A-Z] ?\d[A-Z]\d", "K1A 0B1"),
        ("GB", r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|GIR ?0AA", "SW1A 1AA"),
        ("IE", r"[A-Z]\d[\dW] ?[A-Z\d]{4}", "D02 AF30"),
        ("DE", r"\d{5}", "10115"),
        ("FR", r"\d{5}", "75001"),
        ("IT", r"\d{5}", "00184"),
        ("ES", r"\d{5}", "28001"),
        ("FI", r"\d{5}", "00100"),
        ("AT", r"\d{4}", "1010"),
        ("CH", r"\d{4}", "8001"),
        ("BE", r"\d{4}", "1000"),
        ("DK", r"\d{4}", "1050"),
        ("NO", r"\d{4}", "0150"),
        ("AU", r"\d{4}", "2000"),
        ("NZ", r"\d{4}", "6011"),
        ("ZA", r"\d{4}", "8001"),
        ("NL", r"\d{4} ?[A-Z]{2}", "1012 AB"),
        ("SE", r"\d{3} ?\d{2}", "111 22"),
        ("CZ", r"\d{3} ?\d{2}", "110 00"),
        ("SK", r"\d{3} ?\d{2}", "811 01"),
        ("PL", r"\d{2}-\d{3}", "00-950"),
        ("PT", r"\d{4}-\d{3}", "1000-001"),
        ("BR", r"\d{5}-?\d{3}", "01001-000"),
        ("JP", r"\d{3}-?\d{4}", "100-0001"),
        ("IN", r"\d{3} ?\d{3}", "110001"),
    )
}


class Severity(StrEnum):
    """How much a problem matters: an error blocks saving, a warning is a hint."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """Something wrong (or odd) with one field.

    Attributes:
        field: the dotted field name, e.g. ``"email"`` or ``"shipping_address.state"``.
        message: one sentence for the person fixing it, written to sit next to the field.
        severity: :attr:`Severity.ERROR` blocks a save; :attr:`Severity.WARNING` does not.
    """

    field: str
    message: str
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        """Whether this problem blocks a save."""
        return self.severity is Severity.ERROR

    def describe(self) -> str:
        """The problem with its field named, for lists and reports ("Billing email: ...")."""
        label = FIELD_LABELS.get(self.field) or _ADDRESS_OBJECT_LABELS.get(self.field, self.field)
        return f"{label}: {self.message}"


#: What the checks accept: a CSV row or form inputs by dotted name (a ragged CSV row may hold
#: None for a missing cell), a draft, or a stored customer. Values are text; anything else that
#: arrives anyway (a list in a script's JSON) is carried along unchanged, never made into text
#: like "['a', 'b']": :func:`check_customer` names it and the write gate refuses to send it.
CustomerSource = Mapping[str, str | None] | CustomerDraft | Customer


def fields_from_draft(draft: CustomerDraft) -> dict[str, str]:
    """Every field of a draft by dotted name (all keys present, values as typed)."""
    # As they are, not str()'d: a list a script put in a draft must stay a list to be named.
    fields: dict[str, str] = {name: getattr(draft, name) for name in ACCOUNT_FIELDS}
    fields.update(_address_fields("billing_address", draft.billing))
    fields.update(_address_fields("shipping_address", draft.shipping))
    return fields


def fields_from_customer(customer: Customer) -> dict[str, str]:
    """Every field of a stored customer by dotted name; no ``password`` (a store never says)."""
    fields = {name: str(getattr(customer, name)) for name in ACCOUNT_FIELDS if name != "password"}
    fields.update(_address_fields("billing_address", customer.billing))
    fields.update(_address_fields("shipping_address", customer.shipping))
    return fields


def _address_fields(prefix: str, address: Address) -> dict[str, str]:
    return {f"{prefix}.{name}": value for name, value in address.to_api().items()}


def _as_fields(source: CustomerSource) -> dict[str, str]:
    if isinstance(source, CustomerDraft):
        return fields_from_draft(source)
    if isinstance(source, Customer):
        return fields_from_customer(source)
    # A CSV row may carry columns that are no customer field (an id, a note): they are not ours.
    return {
        name: "" if value is None else value
        for name, value in source.items()
        if name in CUSTOMER_FIELDS
    }


def normalize_fields(
    source: CustomerSource, *, stored: CustomerSource | None = None
) -> dict[str, str]:
    """The fields as a store should receive them.

    Surrounding white space is removed (a store trims it too), except from the password, which is
    kept exactly as typed. A country written as a name ("Germany", "USA") becomes its code, and a
    state written as a name or in another case becomes its code for that country. Values that
    cannot be mapped are kept as given so :func:`check_customer` can name them.

    Args:
        source: the fields; only customer fields are kept, and only the keys present.
        stored: the customer as the store has it, used for the country of a state whose row
            does not carry the country (a partial update).
    """
    fields = _as_fields(source)
    normalized = {
        name: value.strip() if name != "password" and _is_text(value) else value
        for name, value in fields.items()
    }
    stored_fields = _as_fields(stored) if stored is not None else {}
    for prefix in ("billing_address", "shipping_address"):
        country_key, state_key = f"{prefix}.country", f"{prefix}.state"
        country = normalized.get(country_key)
        if country and _is_text(country):
            normalized[country_key] = country_code(country) or country
        country = _effective(normalized, stored_fields, country_key)
        state = normalized.get(state_key)
        if state and _is_text(state) and has_states(country):
            normalized[state_key] = state_code(country, state) or state
    return normalized


def _is_text(value: object) -> bool:
    """Whether a field's value is text (see :data:`CustomerSource` for what else may come)."""
    return isinstance(value, str)


def _effective(fields: Mapping[str, str], stored: Mapping[str, str], key: str) -> str:
    """A field's value after the change: the new one if given, else the stored one."""
    if key in fields:
        return fields[key] if _is_text(fields[key]) else ""
    return (country_code(stored.get(key, "")) or "") if key.endswith(".country") else ""


def check_customer(
    source: CustomerSource,
    *,
    creating: bool | None = None,
    generate_password: bool = True,
    stored: CustomerSource | None = None,
) -> list[FieldProblem]:
    """Every problem with a customer's fields, in field order.

    A key that is absent means "not given": on create that is the same as empty, on update it
    means "leave the stored value alone" and is not checked. Values are judged after
    :func:`normalize_fields`, so "Germany" is a fine country and "  a@b.co " a fine email.

    Args:
        source: a mapping of dotted field names to text (a CSV row, the dialog's inputs), a
            draft or a customer. Keys that are no customer field are ignored.
        creating: whether this creates a customer (email required; username and password
            checked). Default: False for customers and whenever ``stored`` is given (that is an
            update), else True.
        generate_password: whether the store generates passwords for new customers (its index's
            ``meta.generate_password``); when it does not, a new customer needs one.
        stored: the customer as the store has it, for updates. Errors in fields that still hold
            the stored value become warnings: the store already accepted that value, and the
            person saving did not cause it (an old store's state code, say).

    Returns:
        The problems; empty when everything is fine.
    """
    if creating is None:
        creating = stored is None and not isinstance(source, Customer)
    given = normalize_fields(source, stored=stored)
    # A value that is no text is named once; the other rules judge text only.
    not_text = [
        FieldProblem(name, message)
        for name, value in given.items()
        if (message := text_message(value)) is not None
    ]
    fields = {name: value for name, value in given.items() if _is_text(value)}
    stored_fields = normalize_fields(stored) if stored is not None else {}
    problems = [
        *not_text,
        *_account_problems(fields, creating=creating, generate_password=generate_password),
        *_address_problems(fields, stored_fields, "billing_address"),
        *_address_problems(fields, stored_fields, "shipping_address"),
    ]
    order = {name: index for index, name in enumerate(CUSTOMER_FIELDS)}
    problems.sort(key=lambda problem: order.get(problem.field, len(order)))
    if stored is None:
        return problems
    return [_forgive_stored(problem, fields, stored_fields) for problem in problems]


def has_errors(problems: Iterable[FieldProblem]) -> bool:
    """Whether any of the problems blocks a save."""
    return any(problem.is_error for problem in problems)


def _forgive_stored(
    problem: FieldProblem, fields: Mapping[str, str], stored: Mapping[str, str]
) -> FieldProblem:
    if not problem.is_error or problem.field not in stored:
        return problem
    if fields.get(problem.field) != stored[problem.field]:
        return problem
    if problem.field == "email" and not stored["email"]:
        # Emptied on the store already (section 19.3): keeping it empty removes nothing.
        return FieldProblem(
            "email", "This customer has no email address in the store; enter one.", Severity.WARNING
        )
    return FieldProblem(
        problem.field,
        f"{problem.message} The store already holds this value.",
        Severity.WARNING,
    )


def _account_problems(
    fields: Mapping[str, str], *, creating: bool, generate_password: bool
) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    email = fields.get("email")
    email_problem = email_message(email, creating=creating)
    if email_problem:
        problems.append(FieldProblem("email", email_problem))
    elif email is not None and not is_email(email):
        problems.append(FieldProblem("email", "This is not a valid email address."))
    if not creating:
        # A store ignores usernames and passwords in updates; the importer and the dialog never
        # send them there, so they are not judged.
        return problems
    username = fields.get("username", "")
    username_problem = (
        username_message(username) if username else username_length_message("", email or "")
    )
    if username_problem:
        problems.append(FieldProblem("username", username_problem))
    if not generate_password and not fields.get("password"):
        problems.append(
            FieldProblem("password", "This store requires a password for new customers.")
        )
    return problems


def email_message(email: str | None, *, creating: bool) -> str | None:
    """Why a store must not be sent ``email`` as a customer's account email, or None.

    Judges what would lose or garble data, not whether the address is valid (a store refuses an
    invalid one and keeps what it had): an email left out of a create (``None``) or emptied
    (an update's empty email **erases** the stored one, section 19.3), one with spaces around
    it (the store refuses it), and one longer than WordPress keeps.

    Args:
        email: the email as it would be sent; None when it is not given (an update then keeps
            the stored one).
        creating: whether this creates a customer.
    """
    if email is None:
        return EMAIL_REQUIRED if creating else None
    if not email.strip():
        return EMAIL_REQUIRED if creating else EMAIL_REMOVED
    if email != email.strip():
        return EMAIL_SPACES
    if len(email) > EMAIL_MAX_LENGTH:
        return EMAIL_TOO_LONG
    return None


def derived_username(email: str) -> str:
    """The username a store makes from ``email`` for a new customer who was given none.

    What WooCommerce does (section 4.6, and 18: ``frank+tag@…`` became ``franktag``): the part
    before the ``@`` sanitised the way WordPress' strict ``sanitize_user`` does (percent-encoded
    octets, HTML entities and every character but letters a-z, digits, space and ``_ . - @``
    removed). Since WooCommerce 3.6 a generic local part (``info``, ``sales``...) is replaced by
    the domain; this answers the longer of the two, so a length judged by it holds on a store
    of either kind. A suffix the store adds when the name is taken (``1``, ``-0421``) is not
    included: it cannot be known before sending.
    """
    local, _, domain = email.partition("@")
    candidates = [_strict_username(local)]
    if local.lower() in _GENERIC_LOCAL_PARTS:
        candidates.append(_strict_username(domain))
    return max(candidates, key=len)


def _strict_username(text: str) -> str:
    kept = _NOT_USERNAME.sub("", _ENTITY.sub("", _OCTET.sub("", text)))
    return " ".join(kept.split())


def username_length_message(username: str, email: str) -> str | None:
    """Why a store could not register a new customer under ``username``: it is too long.

    An empty ``username`` lets the store make one from ``email`` (:func:`derived_username`),
    which WordPress then refuses just the same when it is too long, with nothing to say why.
    An invalid email is left to the email's own rule.
    """
    if username:
        return USERNAME_TOO_LONG if len(username) > USERNAME_MAX_LENGTH else None
    if not is_email(email):
        return None
    length = len(derived_username(email))
    if length <= USERNAME_MAX_LENGTH:
        return None
    return (
        f"Give a username: from this email address the store would make one of {length} "
        f"characters, and it allows at most {USERNAME_MAX_LENGTH}."
    )


def text_message(value: object) -> str | None:
    """Why ``value`` cannot be sent where a store expects text, or None (text, or not given).

    A store saves a list or an object sent as a name or address field PHP-serialised
    (``a:2:{i:0;s:1:"a";...}``, section 19.3), and true/false or a number as whatever PHP makes
    of it (false becomes empty), so only text is sent.
    """
    if value is None or isinstance(value, str):
        return None
    if isinstance(value, Mapping):
        return "Give text here, not an object: a store would save it as garbled text."
    if isinstance(value, list | tuple | set | frozenset):
        return "Give text here, not a list: a store would save it as garbled text."
    if isinstance(value, bool):
        return "Give text here, not true or false."
    if isinstance(value, int | float):
        return "Give text here, not a number (write it in quotes)."
    return f"Give text here, not {type(value).__name__}."


def username_message(username: str) -> str | None:
    """Why WordPress would refuse ``username``, or None (an empty one lets the store pick)."""
    if not username:
        return None
    too_long = username_length_message(username, "")
    if too_long:
        return too_long
    if not _USERNAME.fullmatch(username):
        return "Use only letters a-z, digits, spaces and _ . - @."
    if "  " in username or username != username.strip():
        return "Use single spaces between words."
    return None


def _address_problems(
    fields: Mapping[str, str], stored: Mapping[str, str], prefix: str
) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    country_key = f"{prefix}.country"
    country = _effective(fields, stored, country_key)
    email = fields.get(f"{prefix}.email", "")
    if email and not is_email(email):
        problems.append(FieldProblem(f"{prefix}.email", "This is not a valid email address."))
    if fields.get(country_key) and country_code(fields[country_key]) != fields[country_key]:
        problems.append(
            FieldProblem(
                country_key, "Unknown country: give its two-letter code (DE) or its name (Germany)."
            )
        )
        country = ""
    state = fields.get(f"{prefix}.state", "")
    if state and has_states(country) and state_code(country, state) != state:
        problems.append(
            FieldProblem(f"{prefix}.state", f"This is not a state of {country_name(country)}.")
        )
    postcode = fields.get(f"{prefix}.postcode", "")
    hint = postcode_message(country, postcode)
    if hint:
        problems.append(FieldProblem(f"{prefix}.postcode", hint, Severity.WARNING))
    phone = fields.get(f"{prefix}.phone", "")
    hint = phone_message(phone)
    if hint:
        problems.append(FieldProblem(f"{prefix}.phone", hint, Severity.WARNING))
    return problems


def postcode_message(country: str, postcode: str) -> str | None:
    """A hint when ``postcode`` does not look like one of ``country`` (a code), or None."""
    if not postcode:
        return None
    if not _POSTCODE_CHARACTERS.fullmatch(postcode):
        return "Postcodes usually contain only letters, digits, spaces and hyphens."
    known = _POSTCODE_FORMATS.get(country)
    if known is None:
        return None
    pattern, example = known
    if pattern.fullmatch(postcode.upper()):
        return None
    return f"Postcodes in {country_name(country)} usually look like {example}."


def phone_message(phone: str) -> str | None:
    """A hint when ``phone`` does not look like a phone number, or None.

    Mirrors WooCommerce's checkout rule (digits, spaces and ``+ - ( ) . / #`` only) and the
    length of real numbers (5 to 15 digits, an extension after ``#`` not counted).
    """
    if not phone:
        return None
    rest = _PHONE_PUNCTUATION.sub("", phone)
    if rest.strip(_ASCII_DIGITS):
        return "Phone numbers contain only digits, spaces and + - ( ) . / #."
    digits = sum(char in _ASCII_DIGITS for char in phone.split("#", 1)[0])
    low, high = _PHONE_DIGITS
    if not low <= digits <= high:
        return f"Phone numbers usually have {low} to {high} digits."
    return None


def draft_from_fields(source: CustomerSource) -> CustomerDraft:
    """A draft holding the normalised fields (absent ones empty), for a create request."""
    fields = normalize_fields(source)
    return CustomerDraft(
        email=fields.get("email", ""),
        first_name=fields.get("first_name", ""),
        last_name=fields.get("last_name", ""),
        username=fields.get("username", ""),
        password=fields.get("password", ""),
        billing=BillingAddress(**_address_values(fields, "billing_address", BillingAddress)),
        shipping=Address(**_address_values(fields, "shipping_address", Address)),
    )


def update_payload_from_fields(fields: Mapping[str, str]) -> dict[str, object]:
    """The inner object of an update that sets exactly ``fields`` (a partial update).

    For changes already worked out field by field, such as an import plan's, where the stored
    customer is not at hand to diff against with :func:`app.domain.customer.update_payload`.
    The values are normalised (:func:`normalize_fields`; values already normalised stay as they
    are), so an email is sent trimmed wherever the fields came from; dotted names are nested the
    way the API nests addresses. ``username`` and ``password`` are left out: a store ignores
    them in an update, so sending them would only make the answer look like an unapplied change.

    Raises:
        ValueError: for a name that is no customer field (a programming error, not bad input).
    """
    for name in fields:
        if name not in CUSTOMER_FIELDS:
            raise ValueError(f"{name!r} is not a customer field")
    payload: dict[str, object] = {}
    addresses: dict[str, dict[str, str]] = {}
    for name, value in normalize_fields(fields).items():
        if name in ("username", "password"):
            continue
        prefix, dot, key = name.partition(".")
        if dot:
            addresses.setdefault(prefix, {})[key] = value
        else:
            payload[name] = value
    payload.update(addresses)
    return payload


def customer_with_fields(customer: Customer, source: CustomerSource) -> Customer:
    """``customer`` with the normalised fields given in ``source`` replaced (for an update).

    Fields absent from ``source`` keep their stored values; ``username`` and ``password`` are
    ignored because a store does not change them in an update. Diff the result against
    ``customer`` with :func:`app.domain.customer.update_payload` to get what to send.
    """
    fields = normalize_fields(source, stored=customer)
    billing = customer.billing.to_api() | _address_values(fields, "billing_address", BillingAddress)
    shipping = customer.shipping.to_api() | _address_values(fields, "shipping_address", Address)
    return customer.with_changes(
        **{name: fields[name] for name in ("email", "first_name", "last_name") if name in fields},
        billing=BillingAddress(**billing),
        shipping=Address(**shipping),
    )


def _address_values(fields: Mapping[str, str], prefix: str, kind: type[Address]) -> dict[str, str]:
    return {
        name: fields[f"{prefix}.{name}"] for name in kind.FIELDS if f"{prefix}.{name}" in fields
    }
