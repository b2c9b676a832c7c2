"""Which column of a file feeds which customer field: detection, editing, JSON, memory.

Owns the header synonyms (this app's own export, WordPress/WooCommerce user exports, Shopify
customer exports, and common German, French, Spanish and Portuguese headers), the
:class:`ColumnMapping` value a person confirms before an import, its JSON form for the command
line's ``--mapping FILE``, and :class:`MappingMemory`, which recalls the mapping last confirmed
for a file with the same headers.

Headers are compared normalized (:func:`normalize_header`): case, accents and punctuation do not
matter, so ``"E-Mail"``, ``"e_mail"`` and ``"E Mail"`` are one header. Unqualified address words
(``City``, ``Ort``, ``Phone``) mean the billing address; qualified ones (``Shipping city``,
``Lieferadresse Ort``, ``Ville de livraison``) the shipping address.

Every column feeds at most one field and every field comes from at most one column; a column
that feeds nothing carries the reason, for the mapping preview.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from app.domain.text import strip_accents
from app.domain.validation import CUSTOMER_FIELDS, FIELD_LABELS
from app.errors import AppError
from app.importer.cells import restore_formula

log = logging.getLogger("app.importer")

#: Every field a column can feed: the store's customer ID (to match by), then the customer fields.
TARGETS: tuple[str, ...] = ("id", *CUSTOMER_FIELDS)
_TARGET_SET = frozenset(TARGETS)
#: Words for each target in messages ("ID" is the export's header for it).
TARGET_LABELS: Mapping[str, str] = MappingProxyType({"id": "ID", **FIELD_LABELS})

_NOT_WORD = re.compile(r"[\W_]+")


def normalize_header(header: str) -> str:
    """A header as synonyms are matched: folded case, no accents, punctuation as single spaces.

    ``" Adresse E-Mail "``, ``"adresse_e_mail"`` and ``"Adresse e.mail"`` all give
    ``"adresse e mail"``.
    """
    return _NOT_WORD.sub(" ", strip_accents(header.casefold())).strip()


# -- synonyms --------------------------------------------------------------------------------

# Every word below is written normalized (see normalize_header), so the table is built without
# normalizing its thirteen thousand combinations again.

#: Words for the account fields and the ID, as headers of every source write them.
_ACCOUNT_WORDS: Mapping[str, tuple[str, ...]] = {
    "id": ("id", "user id", "kundennummer", "kundennr", "kunden nr", "kunden id"),
    "email": (
        *("email", "e mail", "mail", "email address", "e mail address", "user email"),
        *("e mail adresse", "emailadresse", "mailadresse"),
        *("courriel", "adresse e mail", "adresse email", "adresse mail", "adresse electronique"),
        *("correo", "correo electronico", "correo e", "direccion de correo electronico"),
        *("endereco de e mail", "endereco de email", "endereco eletronico"),
    ),
    "first_name": (
        *("first name", "firstname", "given name", "forename", "vorname", "prenom"),
        *("nombre", "nome", "primeiro nome"),
    ),
    "last_name": (
        *("last name", "lastname", "surname", "family name", "nachname", "familienname"),
        *("nom", "nom de famille", "apellido", "apellidos", "sobrenome", "apelido", "ultimo nome"),
    ),
    "username": (
        *("username", "user name", "login", "user login", "benutzername", "benutzer"),
        *("nom d utilisateur", "identifiant", "nombre de usuario", "usuario", "nome de usuario"),
        "utilizador",
    ),
    "password": (
        "password",
        "user pass",
        "passwort",
        "kennwort",
        "mot de passe",
        "contrasena",
        "senha",
    ),
}

#: Words for the address fields. Those in :data:`_BILLING_BY_DEFAULT` mean the billing address
#: on their own; names and the email need a qualifier, since alone they are the account's.
_ADDRESS_WORDS: Mapping[str, tuple[str, ...]] = {
    "first_name": _ACCOUNT_WORDS["first_name"],
    "last_name": _ACCOUNT_WORDS["last_name"],
    "company": (
        *("company", "company name", "organization", "organisation", "firma", "firmenname"),
        *("unternehmen", "societe", "entreprise", "raison sociale", "empresa", "compania"),
    ),
    "address_1": (
        *("address", "address 1", "address1", "address line 1", "street", "street address"),
        *("strasse", "strasse und hausnummer", "strasse hausnummer", "anschrift", "adresse"),
        *("adresse 1", "adresse ligne 1", "direccion", "direccion 1", "calle"),
        *("endereco", "endereco 1", "morada", "rua", "logradouro"),
    ),
    "address_2": (
        *("address 2", "address2", "address line 2", "adresszusatz", "adresse 2"),
        *("adresse ligne 2", "complement d adresse", "complement adresse", "complement"),
        *("direccion 2", "direccion linea 2", "complemento", "endereco 2"),
    ),
    "city": (
        *("city", "town", "ort", "stadt", "wohnort", "ville", "ciudad", "localidad"),
        *("cidade", "localidade"),
    ),
    "state": (
        *("state", "province", "region", "county", "state province", "bundesland"),
        *("departement", "provincia", "estado", "distrito"),
    ),
    "postcode": (
        *("postcode", "post code", "postal code", "zip", "zip code", "zipcode", "plz"),
        *("postleitzahl", "code postal", "cp", "codigo postal", "cep"),
    ),
    "country": ("country", "land", "pays", "pais"),
    "email": _ACCOUNT_WORDS["email"],
    "phone": (
        *("phone", "phone number", "telephone", "tel", "telefon", "telefonnummer"),
        *("telefono", "telefone"),
    ),
}
#: Code columns ("Country Code"), preferred to a name column for the same field in one file: a
#: code is exactly what the store keeps, a name has to be looked up.
_CODE_WORDS: Mapping[str, tuple[str, ...]] = {
    "country": (
        *("country code", "countrycode", "iso country", "landercode", "landerkurzel"),
        *("code pays", "codigo pais", "codigo de pais", "codigo do pais"),
    ),
    "state": ("state code", "province code", "region code", "code region", "codigo provincia"),
}
#: Address fields an unqualified word means in the billing address ("City", "Ort", "Phone").
_BILLING_BY_DEFAULT = (
    *("company", "address_1", "address_2", "city", "state", "postcode", "country", "phone"),
)
#: Words that put an address word into the billing address ("Billing city", "Rechnungsadresse
#: Ort") and Shopify's "Default Address" (the one address a Shopify customer export carries).
_BILLING_QUALIFIERS = (
    *("billing", "billing address", "bill to", "invoice", "invoice address", "default address"),
    *("rechnung", "rechnungs", "rechnungsadresse", "facturation", "adresse de facturation"),
    *("facturacion", "direccion de facturacion", "cobranca", "endereco de cobranca"),
    *("faturacao", "morada de faturacao"),
)
_SHIPPING_QUALIFIERS = (
    *("shipping", "shipping address", "ship to", "delivery", "delivery address"),
    *("lieferung", "liefer", "lieferadresse", "versand", "versandadresse"),
    *("livraison", "adresse de livraison", "envio", "direccion de envio"),
    *("entrega", "endereco de entrega", "morada de entrega"),
)

_READ_ONLY = "Read-only: the store keeps this itself."
_NOT_TAKEN = "Not a customer field the store takes."
_FULL_NAME = (
    "A full name is not split into first and last name; split it into two columns in the "
    "spreadsheet, or choose a field for it."
)
#: Headers known to feed nothing, with the reason the mapping preview shows.
_KNOWN_IGNORED: Mapping[str, str] = {
    **dict.fromkeys(
        (
            *("orders", "total spent", "last order", "registered", "total orders"),
            *("orders count", "last order id", "last order date", "created at", "last update"),
            *("user registered", "date registered", "avatar url", "order figures"),
        ),
        _READ_ONLY,
    ),
    **dict.fromkeys(
        (
            *("display name", "user nicename", "nickname", "user url", "website", "role"),
            *("roles", "user status", "accepts marketing", "accepts email marketing"),
            *("accepts sms marketing", "tags", "note", "notes", "tax exempt", "description"),
        ),
        _NOT_TAKEN,
    ),
    **dict.fromkeys(
        ("full name", "fullname", "customer name", "vollstandiger name", "nom complet"),
        _FULL_NAME,
    ),
    **dict.fromkeys(("nombre completo", "nome completo"), _FULL_NAME),
    "customer id": (
        "Customers are matched by email: another shop system's customer number would not match "
        "this store's IDs. Choose ID for it only if it holds this store's customer IDs."
    ),
}
#: "Name" is the surname next to a first-name column (German "Vorname, Name"), else a full name.
_NAME = "name"
_UNKNOWN = "No customer field matches this header."
_CLEARED = "Not imported (chosen in the mapping)."

#: How strongly a header claims its field when two columns want it: lower wins.
_CODE_RANK, _WORD_RANK = 0, 1


def _build_synonyms() -> Mapping[str, tuple[str, int]]:
    """Normalized header -> (target, rank), from the word lists above and the export's labels.

    Address words are combined with every qualifier both ways round ("shipping city", "ort
    lieferadresse") and as "<word> de <qualifier>" ("ville de livraison").

    Raises:
        ValueError: if one header would mean two fields (a mistake in the word lists).
    """
    table: dict[str, tuple[str, int]] = {}

    def add(key: str, target: str, rank: int = _WORD_RANK) -> None:
        known = table.get(key)
        if known is not None and known[0] != target:
            raise ValueError(f"header {key!r} would mean both {known[0]} and {target}")
        table[key] = (target, min(rank, known[1]) if known else rank)

    for target in TARGETS:  # the app's own export, so an export always comes back unchanged
        add(normalize_header(TARGET_LABELS[target]), target)
    for target, words in _ACCOUNT_WORDS.items():
        for word in words:
            add(word, target)
    for prefix, qualifiers in (
        ("billing_address", _BILLING_QUALIFIERS),
        ("shipping_address", _SHIPPING_QUALIFIERS),
    ):
        for name, words in _ADDRESS_WORDS.items():
            target = f"{prefix}.{name}"
            if target not in _TARGET_SET:  # a shipping address has no email or phone
                continue
            ranked = [(word, _WORD_RANK) for word in words]
            ranked += [(word, _CODE_RANK) for word in _CODE_WORDS.get(name, ())]
            for word, rank in ranked:
                for qualifier in qualifiers:
                    for header in (f"{qualifier} {word}", f"{word} {qualifier}"):
                        add(header, target, rank)
                    add(f"{word} de {qualifier}", target, rank)  # "Ville de livraison"
                if prefix == "billing_address" and name in _BILLING_BY_DEFAULT:
                    add(word, target, rank)
    return MappingProxyType(table)


#: Normalized header -> (target, rank); built once at import.
SYNONYMS: Mapping[str, tuple[str, int]] = _build_synonyms()


# -- the mapping value -------------------------------------------------------------------------


class MappingError(AppError):
    """A mapping given as JSON cannot be used (not an object, unknown field, a field twice)."""


@dataclass(frozen=True)
class IgnoredColumn:
    """A column that feeds no field, and why (for the mapping preview)."""

    index: int
    header: str
    reason: str


@dataclass(frozen=True)
class ColumnMapping:
    """Which column feeds which target; a value: editing returns a new mapping.

    Attributes:
        headers: the file's header cells, as read.
        targets: per column, the target it feeds (a name of :data:`TARGETS`) or None.
        reasons: per column, why it feeds nothing ("" for a mapped column).

    Raises:
        ValueError: on construction, if the tuples differ in length, a target is unknown or
            two columns feed one target.
    """

    headers: tuple[str, ...]
    targets: tuple[str | None, ...]
    reasons: tuple[str, ...]
    _pairs: tuple[tuple[int, str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not len(self.headers) == len(self.targets) == len(self.reasons):
            raise ValueError("headers, targets and reasons must have one entry per column")
        mapped = [target for target in self.targets if target is not None]
        unknown = set(mapped) - _TARGET_SET
        if unknown:
            raise ValueError(f"unknown targets: {sorted(unknown)}")
        if len(set(mapped)) != len(mapped):
            raise ValueError("a target is fed by two columns")
        pairs = tuple((i, t) for i, t in enumerate(self.targets) if t is not None)
        object.__setattr__(self, "_pairs", pairs)  # fields_of runs per row: work it out once

    @classmethod
    def detect(cls, headers: Sequence[str]) -> ColumnMapping:
        """The mapping the synonyms suggest for a file's headers.

        When two columns claim one field, a code column beats a name column ("Country Code"
        over "Country"), else the earlier column wins; the other is ignored with a reason.
        """
        keys = [normalize_header(header) for header in headers]
        claims = sorted(
            (SYNONYMS[key][1], index, SYNONYMS[key][0])
            for index, key in enumerate(keys)
            if key in SYNONYMS
        )
        targets: list[str | None] = [None] * len(headers)
        reasons = [_KNOWN_IGNORED.get(key, _UNKNOWN) for key in keys]
        owner: dict[str, int] = {}
        for _rank, index, target in claims:
            if target in owner:
                reasons[index] = _taken_reason(target, owner[target], headers)
            else:
                owner[target] = index
                targets[index] = target
        for index, key in enumerate(keys):
            if key != _NAME:
                continue
            if "first_name" not in owner:
                reasons[index] = _FULL_NAME
            elif "last_name" in owner:
                reasons[index] = _taken_reason("last_name", owner["last_name"], headers)
            else:
                owner["last_name"] = index
                targets[index] = "last_name"
        return cls(tuple(headers), tuple(targets), tuple(reasons))

    @property
    def width(self) -> int:
        """How many columns the file has."""
        return len(self.headers)

    @property
    def normalized_headers(self) -> tuple[str, ...]:
        """The headers as synonyms and the memory compare them."""
        return tuple(normalize_header(header) for header in self.headers)

    def target_of(self, index: int) -> str | None:
        """The target column ``index`` feeds, or None."""
        return self.targets[index]

    def column_of(self, target: str) -> int | None:
        """The column feeding ``target``, or None."""
        for index, mapped in self._pairs:
            if mapped == target:
                return index
        return None

    def mapped(self) -> dict[str, int]:
        """Target -> column index, in column order."""
        return {target: index for index, target in self._pairs}

    def ignored(self) -> tuple[IgnoredColumn, ...]:
        """Every column that feeds nothing, with its reason, in column order."""
        return tuple(
            IgnoredColumn(index, self.headers[index], self.reasons[index])
            for index, target in enumerate(self.targets)
            if target is None
        )

    def with_target(self, index: int, target: str | None) -> ColumnMapping:
        """This mapping with column ``index`` feeding ``target`` (None: feeding nothing).

        A column that fed ``target`` before gives it up and feeds nothing, so the rules
        "one target per column" and "one column per target" always hold.

        Raises:
            IndexError: for a column the file does not have.
            ValueError: for an unknown target.
        """
        if not 0 <= index < self.width:
            raise IndexError(f"column {index} does not exist (the file has {self.width})")
        if target is not None and target not in _TARGET_SET:
            raise ValueError(f"unknown target {target!r}")
        targets = list(self.targets)
        reasons = list(self.reasons)
        previous = self.column_of(target) if target is not None else None
        if previous is not None and previous != index:
            targets[previous] = None
            reasons[previous] = _taken_reason(target or "", index, self.headers)
        targets[index] = target
        reasons[index] = "" if target is not None else _CLEARED
        return ColumnMapping(self.headers, tuple(targets), tuple(reasons))

    def fields_of(self, cells: Sequence[str]) -> dict[str, str]:
        """A row's cells as ``{target: value}`` for the mapped columns.

        Values have an export's formula guard taken off (:func:`restore_formula`), so an
        exported ``'+49 30 1234`` comes back as ``+49 30 1234``. Blank values are kept: what a
        blank means is the planner's decision. A column beyond a short row's cells is left out.
        """
        width = len(cells)
        fields = {target: cells[index] for index, target in self._pairs if index < width}
        for target, value in fields.items():
            if value.startswith("'"):  # only such a cell can carry a guard: spare the others
                fields[target] = restore_formula(value)
        return fields

    # -- JSON -----------------------------------------------------------------------------------

    def to_json(self) -> dict[str, str | None]:
        """``{header: target or null}`` for every column, as ``--mapping FILE`` takes it.

        A header repeated in the file appears once, for its first column (a JSON object holds
        each name once); the repeats feed nothing.
        """
        data: dict[str, str | None] = {}
        for header, target in zip(self.headers, self.targets, strict=True):
            data.setdefault(header, target)
        return data

    @classmethod
    def from_json(cls, headers: Sequence[str], data: object) -> ColumnMapping:
        """The mapping for a file's headers from a JSON object ``{header: target or null}``.

        The object overrides the detected mapping header by header; headers it does not name
        keep what :meth:`detect` suggests. A header is matched exactly first, then normalized
        (so ``"e-mail"`` names a column headed ``"E-Mail"``).

        Raises:
            MappingError: if ``data`` is not such an object, names a field that does not
                exist, names one field for two headers, or names a header the file lacks.
        """
        if not isinstance(data, Mapping):
            raise MappingError(
                "The mapping must be a JSON object of header names to field names or null."
            )
        mapping = cls.detect(headers)
        exact = {header: index for index, header in reversed(list(enumerate(headers)))}
        loose = {
            normalize_header(header): index for index, header in reversed(list(enumerate(headers)))
        }
        chosen: list[tuple[int, str | None]] = []
        missing: list[str] = []
        for header, target in data.items():
            if target is not None and (not isinstance(target, str) or target not in _TARGET_SET):
                raise MappingError(
                    f"The mapping gives {header!r} the field {target!r}, which does not exist. "
                    f"Fields: {', '.join(TARGETS)}."
                )
            index = exact.get(str(header), loose.get(normalize_header(str(header))))
            if index is None:
                missing.append(str(header))
            else:
                chosen.append((index, target))
        if missing:
            named = ", ".join(map(repr, missing))
            raise MappingError(f"The mapping names columns the file does not have: {named}.")
        targets = [target for _, target in chosen if target is not None]
        doubled = sorted({target for target in targets if targets.count(target) > 1})
        if doubled:
            raise MappingError(f"The mapping gives one field to two columns: {', '.join(doubled)}.")
        for index, target in sorted(chosen, key=lambda item: item[1] is not None):
            # Columns set to null go first, so freeing a field never undoes a later choice.
            mapping = mapping.with_target(index, target)
        return mapping

    @classmethod
    def read_json(cls, headers: Sequence[str], path: Path) -> ColumnMapping:
        """:meth:`from_json` over a file (the command line's ``--mapping FILE``).

        Raises:
            MappingError: if the file cannot be read, is not JSON, or is no usable mapping.
        """
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except OSError as error:
            raise MappingError(
                f"The mapping file {path} cannot be read: {error.strerror or error}.",
                detail=str(error),
            ) from error
        except ValueError as error:
            raise MappingError(
                f"The mapping file {path} is not valid JSON: {error}.", detail=str(error)
            ) from error
        return cls.from_json(headers, data)

    def write_json(self, path: Path) -> None:
        """Write :meth:`to_json` to a file, atomically.

        Raises:
            OSError: if the file cannot be written.
        """
        _write_atomically(path, self.to_json())


def _taken_reason(target: str, owner: int, headers: Sequence[str]) -> str:
    return f"{TARGET_LABELS[target]} comes from column {owner + 1} ({headers[owner]!r})."


def _write_atomically(path: Path, data: object) -> None:
    """Write JSON so a crash leaves either the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(data, file, ensure_ascii=False, indent=2)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


# -- memory ------------------------------------------------------------------------------------

#: Header sets remembered at most; the least recently confirmed are forgotten first.
MEMORY_LIMIT = 100
_MEMORY_VERSION = 1
_REMEMBERED = "Not imported the last time a file with these headers was imported."


class MappingMemory:
    """The mappings people confirmed, one per header set, in a JSON file.

    A file with the same headers (compared normalized, in order) gets the same mapping again.
    The file is written atomically; a missing, unreadable or damaged one is treated as empty
    (and logged), never as a failure: remembering is a convenience.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def recall(self, headers: Sequence[str]) -> ColumnMapping | None:
        """The mapping confirmed last for these headers, or None."""
        key = [normalize_header(header) for header in headers]
        for entry in self._load():
            if entry["headers"] == key:
                targets = entry["targets"]
                return ColumnMapping(
                    tuple(headers),
                    tuple(targets),
                    tuple("" if target else _REMEMBERED for target in targets),
                )
        return None

    def remember(self, mapping: ColumnMapping) -> None:
        """Keep ``mapping`` for its header set (replacing what was kept for it).

        A failure to write is logged, not raised: the import itself does not depend on it.
        """
        key = list(mapping.normalized_headers)
        entries = [entry for entry in self._load() if entry["headers"] != key]
        entries.insert(0, {"headers": list[str | None](key), "targets": list(mapping.targets)})
        data = {"version": _MEMORY_VERSION, "mappings": entries[:MEMORY_LIMIT]}
        try:
            _write_atomically(self.path, data)
        except OSError as error:
            log.warning("import mapping memory %s not written: %s", self.path, error)

    def _load(self) -> list[dict[str, list[str | None]]]:
        """The usable entries, most recent first; anything damaged is skipped."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as error:
            log.warning("import mapping memory %s ignored: %s", self.path, error)
            return []
        entries = raw.get("mappings") if isinstance(raw, dict) else None
        if not isinstance(entries, list):
            log.warning("import mapping memory %s ignored: not a memory file", self.path)
            return []
        return [entry for entry in entries if _usable_entry(entry)]


def _usable_entry(entry: object) -> bool:
    if not isinstance(entry, dict):
        return False
    headers, targets = entry.get("headers"), entry.get("targets")
    if not isinstance(headers, list) or not isinstance(targets, list):
        return False
    if len(headers) != len(targets) or not all(isinstance(h, str) for h in headers):
        return False
    mapped = [target for target in targets if target is not None]
    return all(t in _TARGET_SET for t in mapped) and len(set(mapped)) == len(mapped)
