"""Column mapping: header synonyms of every source, editing, JSON and the remembered mappings."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.validation import CUSTOMER_FIELDS, FIELD_LABELS
from app.importer import mapping as mapping_module
from app.importer.mapping import (
    SYNONYMS,
    TARGETS,
    ColumnMapping,
    MappingError,
    MappingMemory,
    normalize_header,
)

#: The header the export writes (app/importer/exporting.py), spelled out here on purpose: if
#: either side changes, this test must notice.
EXPORT_HEADER = [
    "ID",
    *(FIELD_LABELS[name] for name in CUSTOMER_FIELDS if name != "password"),
    "Orders",
    "Total spent",
    "Last order",
    "Registered",
    "Order figures",
]


def targets(headers: list[str]) -> dict[str, str]:
    """Header -> target of every mapped column."""
    mapping = ColumnMapping.detect(headers)
    return {headers[index]: target for target, index in mapping.mapped().items()}


def reasons(headers: list[str]) -> dict[str, str]:
    """Header -> reason of every ignored column."""
    return {column.header: column.reason for column in ColumnMapping.detect(headers).ignored()}


# -- normalizing and the synonym table ------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("E-Mail", "e mail"),
        ("  billing_first_name ", "billing first name"),
        ("Adresse e.mail", "adresse e mail"),
        ("Straße", "strasse"),
        ("Complément d\u2019adresse", "complement d adresse"),  # a typographic apostrophe
        ("\ufeffID", "id"),
        ("TÉLÉPHONE", "telephone"),
        ("Código--Postal", "codigo postal"),
    ],
)
def test_headers_are_compared_without_case_accents_and_punctuation(
    header: str, expected: str
) -> None:
    assert normalize_header(header) == expected


def test_the_word_lists_are_written_normalized() -> None:
    # The table is built from the words without normalizing them again; a word written with a
    # capital or an accent would never match any header.
    words = [
        *(word for group in mapping_module._ACCOUNT_WORDS.values() for word in group),
        *(word for group in mapping_module._ADDRESS_WORDS.values() for word in group),
        *(word for group in mapping_module._CODE_WORDS.values() for word in group),
        *mapping_module._BILLING_QUALIFIERS,
        *mapping_module._SHIPPING_QUALIFIERS,
        *mapping_module._KNOWN_IGNORED,
    ]
    assert [word for word in words if normalize_header(word) != word] == []


def test_every_target_is_reachable_and_known_ignored_headers_are_no_synonyms() -> None:
    assert {target for target, _ in SYNONYMS.values()} == set(TARGETS)
    assert set(mapping_module._KNOWN_IGNORED) & set(SYNONYMS) == set()


# -- sources --------------------------------------------------------------------------------------


def test_the_apps_own_export_maps_every_column_back() -> None:
    mapping = ColumnMapping.detect(EXPORT_HEADER)
    expected = ("id", *(name for name in CUSTOMER_FIELDS if name != "password"))
    assert mapping.targets[: len(expected)] == expected
    ignored = {column.header: column.reason for column in mapping.ignored()}
    assert set(ignored) == {"Orders", "Total spent", "Last order", "Registered", "Order figures"}
    assert all(reason.startswith("Read-only") for reason in ignored.values())


def test_a_wordpress_user_export() -> None:
    address = ["first_name", "last_name", "company", "address_1", "address_2", "city"]
    address += ["postcode", "country", "state"]
    headers = [
        *("ID", "user_login", "user_pass", "user_email", "user_registered", "display_name"),
        *("first_name", "last_name"),
        *(f"billing_{name}" for name in address),
        *("billing_phone", "billing_email"),
        *(f"shipping_{name}" for name in address),
    ]
    assert targets(headers) == {
        "ID": "id",
        "user_login": "username",
        "user_pass": "password",
        "user_email": "email",
        "first_name": "first_name",
        "last_name": "last_name",
        **{f"billing_{name}": f"billing_address.{name}" for name in address},
        "billing_phone": "billing_address.phone",
        "billing_email": "billing_address.email",
        **{f"shipping_{name}": f"shipping_address.{name}" for name in address},
    }
    assert reasons(headers) == {
        "user_registered": "Read-only: the store keeps this itself.",
        "display_name": "Not a customer field the store takes.",
    }


def test_a_classic_shopify_export_prefers_code_columns_to_name_columns() -> None:
    headers = [
        *("First Name", "Last Name", "Email", "Company", "Address1", "Address2", "City"),
        *("Province", "Province Code", "Country", "Country Code", "Zip", "Phone"),
        *("Accepts Marketing", "Total Spent", "Total Orders", "Tags", "Note", "Tax Exempt"),
    ]
    assert targets(headers) == {
        "First Name": "first_name",
        "Last Name": "last_name",
        "Email": "email",
        "Company": "billing_address.company",
        "Address1": "billing_address.address_1",
        "Address2": "billing_address.address_2",
        "City": "billing_address.city",
        "Province Code": "billing_address.state",
        "Country Code": "billing_address.country",
        "Zip": "billing_address.postcode",
        "Phone": "billing_address.phone",
    }
    ignored = reasons(headers)
    assert ignored["Province"] == "Billing state comes from column 9 ('Province Code')."
    assert ignored["Country"] == "Billing country comes from column 11 ('Country Code')."
    assert ignored["Total Spent"].startswith("Read-only")
    assert ignored["Tags"] == "Not a customer field the store takes."


def test_a_code_column_wins_wherever_it_stands() -> None:
    assert targets(["Country Code", "Country"]) == {"Country Code": "billing_address.country"}
    assert targets(["Country", "Country Code"]) == {"Country Code": "billing_address.country"}


def test_a_current_shopify_export_reads_its_default_address_as_billing() -> None:
    headers = [
        *("Customer ID", "First Name", "Last Name", "Email", "Accepts Email Marketing"),
        *("Default Address Company", "Default Address Address1", "Default Address Address2"),
        *("Default Address City", "Default Address Province Code"),
        *("Default Address Country Code", "Default Address Zip", "Default Address Phone"),
        *("Phone", "Accepts SMS Marketing", "Total Spent", "Total Orders", "Note"),
    ]
    found = targets(headers)
    assert found["Default Address Address1"] == "billing_address.address_1"
    assert found["Default Address Province Code"] == "billing_address.state"
    assert found["Default Address Country Code"] == "billing_address.country"
    assert found["Default Address Phone"] == "billing_address.phone"
    assert len(found) == 11
    ignored = reasons(headers)
    # Shopify's own customer number is no ID of this store: matching by it would fail every row.
    assert "matched by email" in ignored["Customer ID"]
    assert ignored["Phone"] == "Billing phone comes from column 13 ('Default Address Phone')."


def test_german_headers() -> None:
    headers = [
        *("Kundennummer", "Vorname", "Nachname", "E-Mail", "Firma", "Straße", "Adresszusatz"),
        *("PLZ", "Ort", "Bundesland", "Land", "Telefon", "Benutzername", "Passwort"),
        *("Lieferadresse Vorname", "Lieferadresse Strasse", "Lieferadresse PLZ"),
        *("Lieferadresse Ort", "Lieferadresse Land", "Rechnungsadresse E-Mail"),
    ]
    assert targets(headers) == {
        "Kundennummer": "id",
        "Vorname": "first_name",
        "Nachname": "last_name",
        "E-Mail": "email",
        "Firma": "billing_address.company",
        "Straße": "billing_address.address_1",
        "Adresszusatz": "billing_address.address_2",
        "PLZ": "billing_address.postcode",
        "Ort": "billing_address.city",
        "Bundesland": "billing_address.state",
        "Land": "billing_address.country",
        "Telefon": "billing_address.phone",
        "Benutzername": "username",
        "Passwort": "password",
        "Lieferadresse Vorname": "shipping_address.first_name",
        "Lieferadresse Strasse": "shipping_address.address_1",
        "Lieferadresse PLZ": "shipping_address.postcode",
        "Lieferadresse Ort": "shipping_address.city",
        "Lieferadresse Land": "shipping_address.country",
        "Rechnungsadresse E-Mail": "billing_address.email",
    }
    # Both mean the billing city: the first column keeps it.
    assert targets(["Stadt", "Rechnungsadresse Ort"]) == {"Stadt": "billing_address.city"}
    assert reasons(["Stadt", "Rechnungsadresse Ort"]) == {
        "Rechnungsadresse Ort": "Billing city comes from column 1 ('Stadt')."
    }


def test_french_headers() -> None:
    headers = [
        *("Courriel", "Prénom", "Nom", "Société", "Adresse", "Complément d'adresse"),
        *("Code postal", "Ville", "Région", "Pays", "Téléphone", "Adresse de livraison ville"),
        *("Code postal de livraison", "Pays (livraison)", "Mot de passe"),
    ]
    assert targets(headers) == {
        "Courriel": "email",
        "Prénom": "first_name",
        "Nom": "last_name",
        "Société": "billing_address.company",
        "Adresse": "billing_address.address_1",
        "Complément d'adresse": "billing_address.address_2",
        "Code postal": "billing_address.postcode",
        "Ville": "billing_address.city",
        "Région": "billing_address.state",
        "Pays": "billing_address.country",
        "Téléphone": "billing_address.phone",
        "Adresse de livraison ville": "shipping_address.city",
        "Code postal de livraison": "shipping_address.postcode",
        "Pays (livraison)": "shipping_address.country",
        "Mot de passe": "password",
    }
    variants = ["E-mail", "Entreprise", "Département", "Ville de livraison"]
    assert targets(variants) == {
        "E-mail": "email",
        "Entreprise": "billing_address.company",
        "Département": "billing_address.state",
        "Ville de livraison": "shipping_address.city",
    }
    assert targets(["Adresse e-mail"]) == {"Adresse e-mail": "email"}


def test_spanish_headers() -> None:
    headers = [
        *("Correo electrónico", "Nombre", "Apellidos", "Empresa", "Dirección"),
        *("Código postal", "Ciudad", "Provincia", "País", "Teléfono", "Dirección de envío"),
        "Ciudad de envío",
    ]
    assert targets(headers) == {
        "Correo electrónico": "email",
        "Nombre": "first_name",
        "Apellidos": "last_name",
        "Empresa": "billing_address.company",
        "Dirección": "billing_address.address_1",
        "Código postal": "billing_address.postcode",
        "Ciudad": "billing_address.city",
        "Provincia": "billing_address.state",
        "País": "billing_address.country",
        "Teléfono": "billing_address.phone",
        "Dirección de envío": "shipping_address.address_1",
        "Ciudad de envío": "shipping_address.city",
    }
    assert targets(["Apellido", "Localidad", "Estado"]) == {
        "Apellido": "last_name",
        "Localidad": "billing_address.city",
        "Estado": "billing_address.state",
    }


def test_portuguese_headers() -> None:
    headers = [
        *("E-mail", "Nome", "Sobrenome", "Empresa", "Endereço", "Complemento", "CEP"),
        *("Cidade", "Estado", "País", "Telefone", "Cidade de entrega", "CEP de entrega"),
    ]
    assert targets(headers) == {
        "E-mail": "email",
        "Nome": "first_name",
        "Sobrenome": "last_name",
        "Empresa": "billing_address.company",
        "Endereço": "billing_address.address_1",
        "Complemento": "billing_address.address_2",
        "CEP": "billing_address.postcode",
        "Cidade": "billing_address.city",
        "Estado": "billing_address.state",
        "País": "billing_address.country",
        "Telefone": "billing_address.phone",
        "Cidade de entrega": "shipping_address.city",
        "CEP de entrega": "shipping_address.postcode",
    }
    assert targets(["Apelido", "Morada", "Código postal", "Distrito"]) == {
        "Apelido": "last_name",
        "Morada": "billing_address.address_1",
        "Código postal": "billing_address.postcode",
        "Distrito": "billing_address.state",
    }


def test_qualified_english_headers_go_to_their_address() -> None:
    assert targets(["City", "Shipping city", "shipping_city", "Billing City", "Ship to zip"]) == {
        "City": "billing_address.city",
        "Shipping city": "shipping_address.city",
        "Ship to zip": "shipping_address.postcode",
    }
    # A shipping address has no email or phone: such a column feeds nothing.
    assert targets(["Shipping phone", "Shipping email"]) == {}


# -- names, duplicates, unknown headers -----------------------------------------------------------


def test_name_next_to_a_first_name_is_the_surname() -> None:
    assert targets(["Vorname", "Name"]) == {"Vorname": "first_name", "Name": "last_name"}
    assert targets(["Name", "First name"]) == {"First name": "first_name", "Name": "last_name"}


def test_a_full_name_alone_is_not_split() -> None:
    for headers in (["Name", "Email"], ["Full name", "Email"], ["Nom complet"]):
        ignored = ColumnMapping.detect(headers).ignored()
        assert ignored[0].reason.startswith("A full name is not split")


def test_a_second_column_for_a_taken_field_is_ignored_with_the_reason() -> None:
    headers = ["Vorname", "Name", "Name", "Email", "E-Mail", "user_email"]
    mapping = ColumnMapping.detect(headers)
    assert mapping.targets == ("first_name", "last_name", None, "email", None, None)
    assert [(column.index, column.reason) for column in mapping.ignored()] == [
        (2, "Last name comes from column 2 ('Name')."),
        (4, "Email comes from column 4 ('Email')."),
        (5, "Email comes from column 4 ('Email')."),
    ]


def test_unknown_and_empty_headers_feed_nothing() -> None:
    mapping = ColumnMapping.detect(["Lieblingsfarbe", "", "Email"])
    assert mapping.targets == (None, None, "email")
    assert {column.reason for column in mapping.ignored()} == {
        "No customer field matches this header."
    }


@given(st.lists(st.one_of(st.sampled_from([*EXPORT_HEADER, "Name", "Vorname", "Ort"]), st.text())))
def test_detection_never_gives_a_field_twice(headers: list[str]) -> None:
    mapping = ColumnMapping.detect(headers)  # the constructor refuses a field given twice
    assert mapping.width == len(headers)
    assert len(mapping.mapped()) + len(mapping.ignored()) == len(headers)


# -- editing --------------------------------------------------------------------------------------


def test_giving_a_field_to_another_column_takes_it_from_the_first() -> None:
    mapping = ColumnMapping.detect(["Email", "Work email", "City"])
    assert mapping.targets == ("email", None, "billing_address.city")
    edited = mapping.with_target(1, "email")
    assert edited.targets == (None, "email", "billing_address.city")
    assert edited.ignored()[0].reason == "Email comes from column 2 ('Work email')."
    assert mapping.targets == ("email", None, "billing_address.city")  # a value: unchanged
    cleared = edited.with_target(2, None)
    assert cleared.targets == (None, "email", None)
    assert cleared.ignored()[1].reason == "Not imported (chosen in the mapping)."
    assert cleared.column_of("email") == 1
    assert cleared.column_of("billing_address.city") is None
    assert cleared.target_of(1) == "email"


def test_editing_refuses_unknown_columns_and_fields() -> None:
    mapping = ColumnMapping.detect(["Email"])
    with pytest.raises(IndexError):
        mapping.with_target(1, "email")
    with pytest.raises(ValueError, match="unknown target"):
        mapping.with_target(0, "billing_address.fax")
    with pytest.raises(ValueError, match="two columns"):
        ColumnMapping(("a", "b"), ("email", "email"), ("", ""))
    with pytest.raises(ValueError, match="one entry per column"):
        ColumnMapping(("a",), ("email", None), ("", ""))


# -- cells to fields ------------------------------------------------------------------------------


def test_fields_of_a_row_undo_the_exports_formula_guard() -> None:
    mapping = ColumnMapping.detect(["Email", "Notes", "Billing phone", "First name", "Last name"])
    cells = ("a@example.com", "=x", "'+49 30 1234", "'Quote", "'=SUM(A1)")
    assert mapping.fields_of(cells) == {
        "email": "a@example.com",
        "billing_address.phone": "+49 30 1234",
        "first_name": "'Quote",  # an apostrophe the export did not add stays
        "last_name": "=SUM(A1)",
    }


def test_fields_of_a_short_row_leave_the_missing_columns_out_and_keep_blanks() -> None:
    mapping = ColumnMapping.detect(["Email", "City", "Country"])
    assert mapping.fields_of(("a@example.com", "")) == {
        "email": "a@example.com",
        "billing_address.city": "",
    }


# -- JSON -----------------------------------------------------------------------------------------


def test_json_round_trip_of_an_edited_mapping() -> None:
    headers = ["E-Mail", "Vorname", "Notiz", "Ort", "Land"]
    mapping = ColumnMapping.detect(headers).with_target(2, "billing_address.company")
    mapping = mapping.with_target(3, None)
    text = json.dumps(mapping.to_json())
    assert json.loads(text) == {
        "E-Mail": "email",
        "Vorname": "first_name",
        "Notiz": "billing_address.company",
        "Ort": None,
        "Land": "billing_address.country",
    }
    assert ColumnMapping.from_json(headers, json.loads(text)).targets == mapping.targets


def test_json_overrides_only_the_headers_it_names() -> None:
    headers = ["Email", "Mail 2", "City"]
    mapping = ColumnMapping.from_json(headers, {"mail 2": "email", "Email": None})
    assert mapping.targets == (None, "email", "billing_address.city")


def test_json_swapping_two_fields() -> None:
    headers = ["First name", "Last name"]
    mapping = ColumnMapping.from_json(
        headers, {"First name": "last_name", "Last name": "first_name"}
    )
    assert mapping.targets == ("last_name", "first_name")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (["email"], "must be a JSON object"),
        ({"Email": "e-mail"}, "does not exist"),
        ({"Email": 3}, "does not exist"),
        ({"Email": "email", "City": "email"}, "one field to two columns: email"),
        ({"Phone": "billing_address.phone"}, "columns the file does not have: 'Phone'"),
    ],
)
def test_json_mistakes_are_named(data: object, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        ColumnMapping.from_json(["Email", "City"], data)


def test_json_of_repeated_headers_names_the_first_column() -> None:
    mapping = ColumnMapping.detect(["Vorname", "Name", "Name"])
    assert mapping.to_json() == {"Vorname": "first_name", "Name": "last_name"}


def test_mapping_files(tmp_path: Path) -> None:
    headers = ["Email", "Ort"]
    path = tmp_path / "maps" / "mapping.json"
    ColumnMapping.detect(headers).with_target(1, "shipping_address.city").write_json(path)
    assert ColumnMapping.read_json(headers, path).targets == ("email", "shipping_address.city")
    assert [p.name for p in path.parent.iterdir()] == ["mapping.json"]  # no temporary left
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(MappingError, match="not valid JSON"):
        ColumnMapping.read_json(headers, path)
    with pytest.raises(MappingError, match="cannot be read"):
        ColumnMapping.read_json(headers, tmp_path / "missing.json")


# -- memory ---------------------------------------------------------------------------------------


def test_memory_recalls_the_confirmed_mapping_for_the_same_headers(tmp_path: Path) -> None:
    memory = MappingMemory(tmp_path / "memory" / "mappings.json")
    headers = ["E-Mail", "Vorname", "Notiz"]
    assert memory.recall(headers) is None
    confirmed = ColumnMapping.detect(headers).with_target(2, "billing_address.company")
    memory.remember(confirmed)
    other = ColumnMapping.detect(["Email", "City"]).with_target(1, None)
    memory.remember(other)

    again = MappingMemory(tmp_path / "memory" / "mappings.json")
    recalled = again.recall(["e_mail", "VORNAME", "Notiz "])  # the same headers, normalized
    assert recalled is not None
    assert recalled.headers == ("e_mail", "VORNAME", "Notiz ")
    assert recalled.targets == confirmed.targets
    other_recalled = again.recall(["Email", "City"])
    assert other_recalled is not None
    assert other_recalled.targets == ("email", None)
    assert other_recalled.ignored()[0].reason.startswith("Not imported the last time")
    assert again.recall(["E-Mail", "Vorname"]) is None


def test_remembering_again_replaces_and_the_memory_stays_bounded(tmp_path: Path) -> None:
    memory = MappingMemory(tmp_path / "mappings.json")
    memory.remember(ColumnMapping.detect(["Email", "City"]))
    memory.remember(ColumnMapping.detect(["Email", "City"]).with_target(1, None))
    recalled = memory.recall(["Email", "City"])
    assert recalled is not None
    assert recalled.targets == ("email", None)
    for number in range(mapping_module.MEMORY_LIMIT + 5):
        memory.remember(ColumnMapping.detect(["Email", f"Extra {number}"]))
    saved = json.loads((tmp_path / "mappings.json").read_text(encoding="utf-8"))
    assert len(saved["mappings"]) == mapping_module.MEMORY_LIMIT
    assert memory.recall(["Email", "City"]) is None  # the oldest went first
    assert memory.recall(["Email", f"Extra {mapping_module.MEMORY_LIMIT + 4}"]) is not None


@pytest.mark.parametrize(
    "content",
    [
        "{broken",
        "[]",
        '{"mappings": 3}',
        '{"mappings": [{"headers": ["email"], "targets": ["nonsense"]}]}',
        '{"mappings": [{"headers": ["email", "x"], "targets": ["email", "email"]}]}',
        '{"mappings": [{"headers": ["email"], "targets": []}]}',
        '{"mappings": ["junk"]}',
    ],
)
def test_a_damaged_memory_is_ignored_and_then_replaced(
    tmp_path: Path, content: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "mappings.json"
    path.write_text(content, encoding="utf-8")
    memory = MappingMemory(path)
    with caplog.at_level(logging.WARNING, logger="app.importer"):
        assert memory.recall(["email"]) is None
        memory.remember(ColumnMapping.detect(["Email"]))
    recalled = memory.recall(["Email"])
    assert recalled is not None
    assert recalled.targets == ("email",)


def test_a_damaged_memory_file_is_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "mappings.json"
    path.write_bytes(b"\xff\xfe garbage")
    with caplog.at_level(logging.WARNING, logger="app.importer"):
        assert MappingMemory(path).recall(["Email"]) is None
    assert "ignored" in caplog.text


def test_a_memory_that_cannot_be_written_is_no_failure(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    memory = MappingMemory(blocker / "mappings.json")  # its folder is a file
    with caplog.at_level(logging.WARNING, logger="app.importer"):
        memory.remember(ColumnMapping.detect(["Email"]))
        assert memory.recall(["Email"]) is None
    assert "not written" in caplog.text
