"""Generate ``app/domain/data/woocommerce_countries.json`` from WooCommerce's own lists.

Source
    WooCommerce 9.4.2 (the plugin's ``woocommerce.php`` header says ``Version: 9.4.2``), four
    files of the plugin folder:

    - ``i18n/countries.php``: every country, code -> English name, in WooCommerce's order;
    - ``i18n/states.php``: every country's states, code -> English name. The codes are
      WooCommerce's (``"CA"``, ``"JP01"``, ``"maagd"``), not ISO 3166-2; an empty list means the
      country has no states;
    - ``includes/class-wc-countries.php``: only ``get_country_locale()``, read for the countries
      whose address locale hides the state field (``'state' => array( 'hidden' => true )``);
    - ``woocommerce.php``: only its ``Version:`` header, recorded in the output.

    The output also records each file's SHA-256, so a regenerated file shows which source it
    came from. A built WordPress + WooCommerce whose git history holds 9.4.2 is
    https://github.com/bitpoke/stack-example-wordpress, commit
    ``26df54581a288bb2fd29c5cf513affdf4c05bbd9`` ("Update WooCommerce plugin from 9.4.1 to
    9.4.2"), plugin folder ``wp-content/plugins/woocommerce``; the release zip from
    https://downloads.wordpress.org/plugin/woocommerce.9.4.2.zip holds the same files.

How to run (from the repository root; PHP is not needed, the files are parsed, not run)::

    # from an unpacked plugin folder
    python tools/generate_countries.py --plugin path/to/woocommerce
    # straight from a git repository or mirror that holds WordPress with WooCommerce
    python tools/generate_countries.py --git path/to/repo --commit 26df54581a28
    # either, with --check: write nothing, exit 1 when the committed file differs
    python tools/generate_countries.py --plugin path/to/woocommerce --check

The output is deterministic: the same source gives the same bytes (WooCommerce's order, UTF-8,
two-space indent, one trailing newline). Names are the English ``msgid`` of each ``__()`` /
``_x()`` call with HTML entities decoded (``Cura&ccedil;ao`` -> ``Curaçao``) and surrounding
white space trimmed; nothing else is changed. What the app makes of the data (which countries
get a state list) is decided in ``app/domain/countries.py``, not here.

The PHP reader understands what those files use: ``array( ... )`` and ``[ ... ]`` with or
without ``key =>``, single- and double-quoted strings, ``__( 'Name', 'woocommerce' )`` and
``_x( 'Name', 'context', 'woocommerce' )``, ``true`` / ``false`` / ``null`` / integers, and
comments. Any other expression (``'CL' === $this->get_base_country()``) is kept as its source
text (:class:`Expression`), so it can never be mistaken for a value.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: Where the generated file goes, relative to the repository.
OUTPUT = Path("app/domain/data/woocommerce_countries.json")
#: The plugin folder inside a WordPress tree (for ``--git``).
PLUGIN_IN_WORDPRESS = "wp-content/plugins/woocommerce"
COUNTRIES_PHP = "i18n/countries.php"
STATES_PHP = "i18n/states.php"
COUNTRIES_CLASS_PHP = "includes/class-wc-countries.php"
MAIN_PHP = "woocommerce.php"
SOURCE_FILES = (COUNTRIES_PHP, STATES_PHP, COUNTRIES_CLASS_PHP, MAIN_PHP)

#: Translation functions whose first argument is the English text.
TRANSLATION_FUNCTIONS = frozenset({"__", "_x", "esc_html__", "esc_attr__", "esc_html_x"})


class PhpSyntaxError(ValueError):
    """The PHP text is not in the shape this reader understands."""


@dataclass(frozen=True)
class Expression:
    """A PHP expression the reader does not evaluate, kept as its source text."""

    source: str


PhpValue = str | int | bool | None | Expression | dict[str | int, "PhpValue"] | list["PhpValue"]

# -- tokens -----------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>//[^\n]*|\#(?!\[)[^\n]*|/\*.*?\*/)
    | (?P<single>'(?:[^'\\]|\\.)*')
    | (?P<double>"(?:[^"\\]|\\.)*")
    | (?P<arrow>=>)
    | (?P<punct>[()\[\],;])
    | (?P<word>[^\s'"()\[\],;]+?(?==>|[\s'"()\[\],;]|$))
    """,
    re.VERBOSE | re.DOTALL,
)
_DOUBLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "$": "$", "'": "\\'"}


@dataclass(frozen=True)
class Token:
    """One token: its kind (``string``, ``arrow``, ``punct``, ``word``), value and position."""

    kind: str
    value: str
    start: int
    end: int


def _single_quoted(body: str) -> str:
    return re.sub(r"\\([\\'])", r"\1", body)


def _double_quoted(body: str, start: int) -> str:
    if re.search(r"(?<!\\)\$[A-Za-z_{]", body):
        raise PhpSyntaxError(f"interpolated string at offset {start}")
    return re.sub(r"\\(.)", lambda m: _DOUBLE_ESCAPES.get(m[1], "\\" + m[1]), body)


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``, without white space and comments."""
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise PhpSyntaxError(f"cannot read PHP at offset {position}: {text[position:][:30]!r}")
        kind = match.lastgroup or ""
        raw = match[0]
        if kind == "single":
            tokens.append(Token("string", _single_quoted(raw[1:-1]), match.start(), match.end()))
        elif kind == "double":
            value = _double_quoted(raw[1:-1], match.start())
            tokens.append(Token("string", value, match.start(), match.end()))
        elif kind in ("arrow", "punct", "word"):
            tokens.append(Token(kind, raw, match.start(), match.end()))
        position = match.end()
    return tokens


# -- values -----------------------------------------------------------------------------------

#: What ends a value: the next item, the key's arrow, the array's end, the statement's end.
_TERMINATORS = (",", ")", "]", "=>", ";")
_INTEGER = re.compile(r"-?\d+")


class _Parser:
    def __init__(self, text: str, tokens: list[Token], position: int) -> None:
        self.text = text
        self.tokens = tokens
        self.position = position

    def peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, value: str | None = None) -> Token:
        token = self.peek()
        if token is None:
            raise PhpSyntaxError("unexpected end of PHP")
        if value is not None and (token.kind == "string" or token.value != value):
            raise PhpSyntaxError(f"expected {value!r} at offset {token.start}, got {token.value!r}")
        self.position += 1
        return token

    def at(self, *values: str) -> bool:
        token = self.peek()
        return token is not None and token.kind != "string" and token.value in values

    def value(self) -> PhpValue:
        """One value up to the next ``,`` / ``=>`` / closing bracket at this level."""
        first = self.position
        result = self.primary()
        if self.peek() is None or self.at(*_TERMINATORS):
            return result
        self.skip_expression()  # e.g. 'CL' === $this->get_base_country()
        start = self.tokens[first].start
        end = self.tokens[self.position - 1].end
        return Expression(" ".join(self.text[start:end].split()))

    def skip_expression(self) -> None:
        depth = 0
        while (token := self.peek()) is not None:
            if token.kind != "string":
                if depth == 0 and token.value in _TERMINATORS:
                    return
                if token.value in ("(", "["):
                    depth += 1
                elif token.value in (")", "]"):
                    depth -= 1
            self.position += 1

    def primary(self) -> PhpValue:
        token = self.take()
        if token.kind == "string":
            return token.value
        if token.kind == "punct" and token.value == "[":
            return self.items("]")
        if token.kind == "word":
            word = token.value.lower()
            if word == "array" and self.at("("):
                self.take("(")
                return self.items(")")
            if token.value in TRANSLATION_FUNCTIONS and self.at("("):
                return self.translation(token)
            if word in ("true", "false"):
                return word == "true"
            if word == "null":
                return None
            if _INTEGER.fullmatch(token.value):
                return int(token.value)
        # Anything else is an expression kept as text; step back so value() can skip it.
        self.position -= 1
        start = token.start
        self.skip_expression()
        end = self.tokens[self.position - 1].end if self.position > 0 else start
        return Expression(" ".join(self.text[start:end].split()))

    def translation(self, function: Token) -> str:
        self.take("(")
        arguments = [self.value()]
        while self.at(","):
            self.take(",")
            if self.at(")"):
                break
            arguments.append(self.value())
        self.take(")")
        text = arguments[0]
        if not isinstance(text, str):
            raise PhpSyntaxError(f"{function.value}() at offset {function.start} has no text")
        return text

    def items(self, closing: str) -> dict[str | int, PhpValue] | list[PhpValue]:
        keyed: dict[str | int, PhpValue] = {}
        listed: list[PhpValue] = []
        while not self.at(closing):
            item = self.value()
            if self.at("=>"):
                self.take("=>")
                if not isinstance(item, str | int) or isinstance(item, bool):
                    raise PhpSyntaxError(f"unsupported array key {item!r}")
                # As in PHP, a repeated key keeps its first place and takes the last value
                # (9.4.2's states.php lists Morocco's 'mafes' twice, with the same name).
                keyed[item] = self.value()
            else:
                listed.append(item)
            if not self.at(closing):
                self.take(",")
        self.take(closing)
        if keyed and listed:
            raise PhpSyntaxError("array mixes keyed and unkeyed items")
        return listed if listed else keyed


def parse_value(text: str, offset: int = 0) -> PhpValue:
    """The PHP value that starts at or after character ``offset`` of ``text``."""
    tokens = tokenize(text)
    position = next((i for i, token in enumerate(tokens) if token.start >= offset), len(tokens))
    return _Parser(text, tokens, position).value()


def returned_value(text: str) -> PhpValue:
    """The value of a PHP file's first ``return <value>;`` (outside comments and strings)."""
    tokens = tokenize(text)
    for position, token in enumerate(tokens):
        if token.kind == "word" and token.value.lower() == "return":
            return _Parser(text, tokens, position + 1).value()
    raise PhpSyntaxError("no return")


def country_locale(class_text: str) -> PhpValue:
    """The array ``WC_Countries::get_country_locale()`` passes to its filter."""
    function = re.search(r"function\s+get_country_locale\s*\(", class_text)
    if not function:
        raise PhpSyntaxError("no get_country_locale()")
    hook = class_text.find("'woocommerce_get_country_locale'", function.end())
    if hook < 0:
        raise PhpSyntaxError("no woocommerce_get_country_locale filter")
    comma = class_text.index(",", hook)
    return parse_value(class_text, comma + 1)


# -- the data ---------------------------------------------------------------------------------


def _name(value: PhpValue, where: str) -> str:
    if not isinstance(value, str):
        raise PhpSyntaxError(f"{where}: expected a name, got {value!r}")
    # Trimmed: 9.4.2 writes Bangladesh's BD-15 as 'Faridpur ', which no one types.
    name = html.unescape(value).strip()
    if not name:
        raise PhpSyntaxError(f"{where}: blank name {value!r}")
    return name


def _mapping(value: PhpValue, where: str) -> dict[str | int, PhpValue]:
    if value == []:
        return {}
    if not isinstance(value, dict):
        raise PhpSyntaxError(f"{where}: expected an array with keys, got {value!r}")
    return value


def countries(text: str) -> dict[str, str]:
    """``i18n/countries.php`` as ``{code: English name}`` in WooCommerce's order."""
    result: dict[str, str] = {}
    for code, name in _mapping(returned_value(text), "countries").items():
        if not isinstance(code, str) or not re.fullmatch(r"[A-Z]{2}", code):
            raise PhpSyntaxError(f"countries: unexpected code {code!r}")
        result[code] = _name(name, f"countries[{code}]")
    return result


def states(text: str) -> dict[str, dict[str, str]]:
    """``i18n/states.php`` as ``{country: {state code: English name}}``, empty lists kept."""
    result: dict[str, dict[str, str]] = {}
    for country, value in _mapping(returned_value(text), "states").items():
        if not isinstance(country, str):
            raise PhpSyntaxError(f"states: unexpected country {country!r}")
        result[country] = {
            str(code): _name(name, f"states[{country}][{code}]")
            for code, name in _mapping(value, f"states[{country}]").items()
        }
    return result


def state_field_hidden(class_text: str) -> list[str]:
    """The countries whose address locale hides the state field, in the locale's order.

    Only a literal ``'hidden' => true`` counts; an expression (hidden for some stores only)
    does not.
    """
    hidden: list[str] = []
    for country, fields in _mapping(country_locale(class_text), "locale").items():
        state = _mapping(fields, f"locale[{country}]").get("state")
        if isinstance(state, dict) and state.get("hidden") is True:
            hidden.append(str(country))
    return hidden


def plugin_version(main_text: str) -> str:
    """The ``Version:`` in ``woocommerce.php``'s plugin header."""
    match = re.search(r"^\s*\*\s*Version:\s*(\S+)", main_text, re.MULTILINE)
    if not match:
        raise PhpSyntaxError("no Version: header in woocommerce.php")
    return match[1]


def generate(read: Callable[[str], str]) -> dict[str, object]:
    """The data, from ``read(path)`` giving the text of a plugin file (paths as in SOURCE_FILES)."""
    texts = {path: read(path) for path in SOURCE_FILES}
    country_list = countries(texts[COUNTRIES_PHP])
    state_lists = states(texts[STATES_PHP])
    unknown = sorted(set(state_lists) - set(country_list))
    if unknown:
        raise PhpSyntaxError(f"states of unknown countries: {unknown}")
    return {
        "_generated": (
            "Generated by tools/generate_countries.py from WooCommerce's own lists; "
            "do not edit, run the script instead."
        ),
        "source": {
            "product": "WooCommerce",
            "version": plugin_version(texts[MAIN_PHP]),
            "files": {
                path: hashlib.sha256(texts[path].encode("utf-8")).hexdigest()
                for path in SOURCE_FILES
            },
        },
        "countries": country_list,
        "states": state_lists,
        "state_field_hidden": state_field_hidden(texts[COUNTRIES_CLASS_PHP]),
    }


def render(data: dict[str, object]) -> str:
    """The file's text: UTF-8 JSON, two-space indent, WooCommerce's order, trailing newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# -- reading the source -----------------------------------------------------------------------


def folder_reader(plugin: Path) -> Callable[[str], str]:
    """Read plugin files from an unpacked plugin folder."""

    def read(path: str) -> str:
        return (plugin / path).read_text(encoding="utf-8")

    return read


def git_reader(repository: Path, commit: str, plugin: str) -> Callable[[str], str]:
    """Read plugin files from ``commit`` of a git repository (a work tree or a bare mirror)."""

    def read(path: str) -> str:
        completed = subprocess.run(  # noqa: S603 - git with fixed arguments
            ["git", "-C", str(repository), "show", f"{commit}:{plugin}/{path}"],  # noqa: S607
            check=True,
            capture_output=True,
        )
        return completed.stdout.decode("utf-8")

    return read


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` compare) the generated file; the exit status says how."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--plugin", type=Path, help="an unpacked WooCommerce plugin folder")
    source.add_argument("--git", type=Path, help="a git repository holding WordPress")
    parser.add_argument("--commit", default="HEAD", help="the commit to read with --git")
    parser.add_argument("--plugin-path", default=PLUGIN_IN_WORDPRESS, help="plugin in the tree")
    parser.add_argument("--output", type=Path, default=REPO / OUTPUT)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    arguments = parser.parse_args(argv)
    if arguments.plugin:
        read = folder_reader(arguments.plugin)
    else:
        read = git_reader(arguments.git, arguments.commit, arguments.plugin_path)
    text = render(generate(read))
    output: Path = arguments.output
    if arguments.check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            print(f"{output} is not what the source generates", file=sys.stderr)
            return 1
        print(f"{output} is up to date")
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
