"""The gate every customer write passes on its way to a store.

Owns the one check of a body the client sends (a create, ``POST /customers``; an update,
``PUT /customers/<id>``; each item of a bulk request) against what a real store destroys or
garbles instead of refusing (section 19.3 of wc-api-v3-behavior.md):

* an empty email in an update: the store erases the customer's email;
* a list, an object, true/false or a number where the store expects text: lists and objects are
  stored PHP-serialised; likewise an address that is no object of fields;
* an email with spaces around it (the store refuses the account email, and refuses the billing
  email only after a create has made the user), or an account email over 100 characters;
* in a create, a username over 60 characters, also the one the store would make from the email
  when none is given (it then fails with a message that says nothing about why).

The rules and their limits are :mod:`app.domain.validation`'s, the same functions that put a
message next to a field in the customer dialog and on a row of an import; this module applies
them to a payload's shape. :class:`app.api.client.WooClient` calls :func:`check_payload` in every
write method, so no path, present or future, can send such a body. The command line, which sends
JSON a person wrote, first normalises it with :func:`normalize_payload` (as the dialog's and the
importer's fields are normalised) and lists every problem with :func:`customer_problems`: these,
unknown keys, and the dialog's and the import's rule set, so every entry point refuses alike.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from typing import cast

from app.domain.customer import Address, BillingAddress, Customer
from app.domain.validation import (
    ACCOUNT_FIELDS,
    CUSTOMER_FIELDS,
    EMAIL_SPACES,
    FieldProblem,
    check_customer,
    email_message,
    normalize_fields,
    text_message,
    username_length_message,
)
from app.errors import ValidationError

#: The address objects of a customer body, and the fields a store writes in each.
_ADDRESSES: Mapping[str, type[Address]] = {
    "billing_address": BillingAddress,
    "shipping_address": Address,
}
#: Field order for problems; an address that is no object sorts before its own fields.
_ORDER: Mapping[str, int] = {
    **{name: index for index, name in enumerate(CUSTOMER_FIELDS)},
    **{key: CUSTOMER_FIELDS.index(f"{key}.first_name") for key in _ADDRESSES},
}


#: Keys of a customer as the app prints it (``Customer.to_api``) that a store does not write:
#: a customer printed with ``--json`` and sent back as an update carries them, and they are
#: ignored. Any other key that is no field is a typo, refused by :func:`unknown_key_problems`.
READ_ONLY_KEYS: tuple[str, ...] = (
    "id",
    "created_at",
    "last_update",
    "role",
    "last_order_id",
    "last_order_date",
    "orders_count",
    "total_spent",
    "figures",
    "avatar_url",
    # wc/v3's read-only keys, which its client drops before sending (rest_customer._NEVER_SENT).
    "is_paying_customer",
    "date_created",
    "date_created_gmt",
    "date_modified",
    "date_modified_gmt",
    "_links",
)


def _unknown_key(field: str, key: str, known: Collection[str]) -> FieldProblem:
    nearest = difflib.get_close_matches(key, list(known), n=1)
    hint = f"did you mean “{nearest[0]}”?" if nearest else "see the valid keys in the README."
    return FieldProblem(field, f"Unknown key; {hint}")


def unknown_key_problems(payload: Mapping[str, object]) -> list[FieldProblem]:
    """A problem for every key of ``payload`` (or of its address objects) that no store writes.

    A store silently ignores such a key, so a typo (``emial``, ``frist_name``) would be "saved"
    without the change it meant. Each problem is named by the key as given (an address key as
    ``billing_address.citty``) and says which valid key is nearest, if one is near.
    """
    known = (*ACCOUNT_FIELDS, *_ADDRESSES, *READ_ONLY_KEYS)
    problems = [_unknown_key(key, key, known) for key in payload if key not in known]
    for key, kind in _ADDRESSES.items():
        address = payload.get(key)
        if isinstance(address, Mapping):
            problems += [
                _unknown_key(f"{key}.{name}", name, kind.FIELDS)
                for name in address
                if name not in kind.FIELDS
            ]
    return problems


def unforgivable_problems(payload: Mapping[str, object], *, creating: bool) -> list[FieldProblem]:
    """The problems of ``payload`` that refuse it whatever the store holds.

    Unknown keys and what the gate refuses (:func:`unknown_key_problems`,
    :func:`payload_problems`).
    """
    return [*unknown_key_problems(payload), *payload_problems(payload, creating=creating)]


def customer_problems(
    payload: Mapping[str, object], *, creating: bool, stored: Customer | None = None
) -> list[FieldProblem]:
    """Everything wrong with a customer body a person wrote: the command line's one check.

    Unknown keys first (:func:`unknown_key_problems`), then what the gate refuses
    (:func:`payload_problems`), then the rule set the customer dialog and the import apply
    (:func:`app.domain.validation.check_customer`: a valid email, a known country, a state of
    that country, the username rule; postcode and phone hints as warnings), each field named
    once. ``stored``: the customer as the store holds it, for an update (a state given without
    its country is judged against the stored country; errors in values the store already holds
    become warnings, as in the dialog).
    """
    problems = unforgivable_problems(payload, creating=creating)
    named = {problem.field for problem in problems}
    # Values that are no text are carried along and named (see CustomerSource), never str()'d.
    fields = cast(Mapping[str, str | None], payload_fields(payload))
    checked = check_customer(fields, creating=creating, stored=stored)
    return problems + [problem for problem in checked if problem.field not in named]


def payload_fields(payload: Mapping[str, object]) -> dict[str, object]:
    """The values of ``payload`` a store would write, by dotted field name, exactly as given.

    Keys a store ignores are left out: ``id``, read-only fields such as ``role`` or the counters
    (a customer printed as JSON and sent back carries them), unknown address keys, and an address
    that is no object at all (:func:`payload_problems` names that one).
    """
    # The account fields are top-level text (``username`` and ``password`` on create only).
    fields = {key: payload[key] for key in ACCOUNT_FIELDS if key in payload}
    for key, kind in _ADDRESSES.items():
        address = payload.get(key)
        if isinstance(address, Mapping):
            fields.update(
                {f"{key}.{name}": address[name] for name in kind.FIELDS if name in address}
            )
    return fields


def payload_problems(payload: Mapping[str, object], *, creating: bool) -> list[FieldProblem]:
    """Every reason a store must not be sent ``payload``, in field order; empty when it may.

    Only what would destroy or garble data is judged (see the module's notes). Whatever a
    store refuses by itself and keeps the customer as it was (an invalid email, an email
    another customer has, an unknown country) is left to the store, whose answer names it.

    Args:
        payload: the inner object of a create or update (``{"customer": …}`` unwrapped), or
            one item of a bulk request.
        creating: whether it creates a customer (a bulk item without ``id``).
    """
    problems = [
        FieldProblem(key, "Give the address as an object of its fields (city, country...).")
        for key in _ADDRESSES
        if payload.get(key) is not None and not isinstance(payload[key], Mapping)
    ]
    fields = payload_fields(payload)
    problems += [
        FieldProblem(name, message)
        for name, value in fields.items()
        if (message := text_message(value)) is not None
    ]
    email = fields.get("email")
    if email is None or isinstance(email, str):
        message = email_message(email, creating=creating)
        if message is not None:
            problems.append(FieldProblem("email", message))
    billing_email = fields.get("billing_address.email")
    if isinstance(billing_email, str) and billing_email != billing_email.strip():
        problems.append(FieldProblem("billing_address.email", EMAIL_SPACES))
    username = fields.get("username")
    if creating and isinstance(email, str) and (username is None or isinstance(username, str)):
        message = username_length_message(username or "", email)
        if message is not None:
            problems.append(FieldProblem("username", message))
    problems.sort(key=lambda problem: _ORDER.get(problem.field, len(_ORDER)))
    return problems


def refusal(payload: Mapping[str, object], *, creating: bool) -> ValidationError | None:
    """The error a write of ``payload`` is refused with, or None when it may be sent.

    The message is the first problem with its field named ("Email: A customer's email cannot be
    removed."), because it may be shown away from any form (an import's row, the command line);
    ``field`` names the field, so a form puts it under that field; ``detail`` lists every
    problem for the log. ``code`` and ``status`` stay empty: no store said anything.
    """
    problems = payload_problems(payload, creating=creating)
    if not problems:
        return None
    first = problems[0]
    return ValidationError(
        first.describe(),
        field=first.field,
        detail="refused before sending: " + "; ".join(p.describe() for p in problems),
    )


def check_payload(payload: Mapping[str, object], *, creating: bool) -> None:
    """Refuse a body a store would destroy or garble data with (see :func:`payload_problems`).

    Raises:
        ValidationError: naming the (first) field concerned; nothing was sent.
    """
    error = refusal(payload, creating=creating)
    if error is not None:
        raise error


def normalize_payload(
    payload: Mapping[str, object], *, stored: Customer | None = None
) -> dict[str, object]:
    """``payload`` with the fields a store writes normalised as a form's fields are.

    Text is trimmed (a password is kept as given), countries and states written as names
    become codes (:func:`app.domain.validation.normalize_fields`). Every other key and value is
    kept exactly as it was: null stays null (a store skips it, where an empty text would clear
    the field), and a value that is no text still reaches :func:`payload_problems`.
    ``stored``: the customer an update changes, whose country names a state given alone.
    """
    text = {
        name: value for name, value in payload_fields(payload).items() if isinstance(value, str)
    }
    result: dict[str, object] = dict(payload)
    # Copies: the caller's address objects are left as they were.
    addresses: dict[str, dict[str, object]] = {
        key: dict(address) for key in _ADDRESSES if isinstance(address := payload.get(key), Mapping)
    }
    for name, value in normalize_fields(text, stored=stored).items():
        key, dot, sub = name.partition(".")
        if dot:
            addresses[key][sub] = value
        else:
            result[name] = value
    result.update(addresses)
    return result
