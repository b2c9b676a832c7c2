"""The generated country data: its generator's PHP reader, the file's shape and its packaging.

``tools/generate_countries.py`` is a script, not a package; it is loaded from its path. The
check against WooCommerce's own files runs when they are at hand: set ``WOOCOMMERCE_PLUGIN``
to an unpacked WooCommerce 9.4.2 plugin folder, or ``WOOCOMMERCE_GIT`` to a git repository
holding the commit the generator's docstring names.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import cast

import pytest

from app.domain import countries

REPO = Path(__file__).resolve().parents[2]
GENERATOR = REPO / "tools" / "generate_countries.py"
DATA = REPO / "app" / "domain" / "data" / countries.DATA_FILE
#: The commit of github.com/bitpoke/stack-example-wordpress that holds WooCommerce 9.4.2.
WOOCOMMERCE_942_COMMIT = "26df54581a288bb2fd29c5cf513affdf4c05bbd9"


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_countries", GENERATOR)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


gen = load_generator()


# -- the PHP reader ---------------------------------------------------------------------------


def test_reads_both_array_shapes_translations_and_scalars() -> None:
    php = """<?php
    return array(
        'AF' => array(),
        'JP' => [ 'JP01' => __( 'Hokkaido', 'x' ), 'JP02' => __( "Aomori", 'x' ), ],
        'RS' => array( 'RS00' => _x( 'Belgrade', 'district', 'woocommerce' ) ),
        'list' => array( 'a', "b", 3, true, false, null ),
    );
    """
    assert gen.returned_value(php) == {
        "AF": {},  # an empty array reads as an empty mapping
        "JP": {"JP01": "Hokkaido", "JP02": "Aomori"},
        "RS": {"RS00": "Belgrade"},
        "list": ["a", "b", 3, True, False, None],
    }


def test_reads_escapes_and_skips_comments() -> None:
    php = r"""<?php
    // a line comment with 'quotes' and => arrows
    return array( # another
        /* a block, 'AA' => __( 'Nowhere', 'woocommerce' ), */
        'BD' => __( "Cox's Bazar", 'woocommerce' ), // trailing
        'CL' => __( 'Libertador General Bernardo O\'Higgins', 'woocommerce' ),
        'X' => "tab\there \"quoted\" back\\slash",
    );
    """
    assert gen.returned_value(php) == {
        "BD": "Cox's Bazar",
        "CL": "Libertador General Bernardo O'Higgins",
        "X": 'tab\there "quoted" back\\slash',
    }


def test_keeps_expressions_as_text_and_repeated_keys_as_php_does() -> None:
    php = """<?php
    return array(
        'hidden' => 'CL' === $this->get_base_country(),
        'mafes' => 'first',
        'maagd' => 'other',
        'mafes' => 'last',
    );
    """
    value = gen.returned_value(php)
    assert value["hidden"] == gen.Expression("'CL' === $this->get_base_country()")
    assert list(value.items())[1:] == [("mafes", "last"), ("maagd", "other")]


@pytest.mark.parametrize(
    "php",
    [
        "<?php $x = 1;",  # no return
        "<?php return array( 'A' => 'x', 'b' );",  # keyed and unkeyed mixed
        "<?php return array( 'A' => \"$name\" );",  # interpolation is code, not data
        "<?php return array( 'A' => 'x' ",  # unfinished
        "<?php return array( 'A' => __( 'x', 'woocommerce' ), 'B' => 'unterminated );",
    ],
)
def test_refuses_what_it_cannot_read_faithfully(php: str) -> None:
    with pytest.raises(gen.PhpSyntaxError):
        gen.returned_value(php)


def test_names_are_decoded_and_trimmed_and_codes_checked() -> None:
    php = "<?php return array( 'CW' => __( 'Cura&ccedil;ao', 'woocommerce' ) );"
    assert gen.countries(php) == {"CW": "Curaçao"}
    with pytest.raises(gen.PhpSyntaxError):
        gen.countries("<?php return array( 'cw' => 'Curaçao' );")
    states = "<?php return array( 'BD' => array( 'BD-15' => __( 'Faridpur ', 'x' ) ), 'GB' => [] );"
    assert gen.states(states) == {"BD": {"BD-15": "Faridpur"}, "GB": {}}


def test_only_a_literal_hidden_true_hides_the_state_field() -> None:
    php = """<?php
    class WC_Countries {
        public function get_country_locale() {
            $this->locale = apply_filters(
                'woocommerce_get_country_locale',
                array(
                    'AT' => array( 'state' => array( 'required' => false, 'hidden' => true ) ),
                    'CL' => array( 'state' => array( 'hidden' => 'CL' === $this->base() ) ),
                    'DE' => array( 'state' => array( 'required' => false ) ),
                    'JP' => array( 'postcode' => array( 'priority' => 65 ) ),
                )
            );
        }
    }
    """
    assert gen.state_field_hidden(php) == ["AT"]


def test_generation_is_deterministic_and_records_its_source(tmp_path: Path) -> None:
    plugin = tmp_path / "woocommerce"
    (plugin / "i18n").mkdir(parents=True)
    (plugin / "includes").mkdir()
    (plugin / "woocommerce.php").write_text("<?php\n/**\n * Version: 9.4.2\n */\n")
    (plugin / "i18n" / "countries.php").write_text(
        "<?php return array( 'US' => __( 'United States (US)', 'woocommerce' ), "
        "'GB' => __( 'United Kingdom (UK)', 'woocommerce' ) );"
    )
    (plugin / "i18n" / "states.php").write_text(
        "<?php return array( 'US' => array( 'CA' => __( 'California', 'woocommerce' ) ), "
        "'GB' => array() );"
    )
    (plugin / "includes" / "class-wc-countries.php").write_text(
        "<?php function get_country_locale() { return apply_filters( "
        "'woocommerce_get_country_locale', array( 'GB' => array( 'state' => array( "
        "'hidden' => true ) ) ) ); }"
    )
    first = gen.render(gen.generate(gen.folder_reader(plugin)))
    assert first == gen.render(gen.generate(gen.folder_reader(plugin)))
    assert first.endswith("}\n")
    data = json.loads(first)
    assert data["source"]["version"] == "9.4.2"
    assert set(data["source"]["files"]) == set(gen.SOURCE_FILES)
    assert list(data["countries"]) == ["US", "GB"]  # the source's order
    assert data["states"] == {"US": {"CA": "California"}, "GB": {}}
    assert data["state_field_hidden"] == ["GB"]

    output = tmp_path / "out.json"
    assert gen.main(["--plugin", str(plugin), "--output", str(output)]) == 0
    assert output.read_text(encoding="utf-8") == first
    assert gen.main(["--plugin", str(plugin), "--output", str(output), "--check"]) == 0
    output.write_text(first.replace("California", "Kalifornien"), encoding="utf-8")
    assert gen.main(["--plugin", str(plugin), "--output", str(output), "--check"]) == 1


def woocommerce_source() -> Callable[[str], str] | None:
    """A reader of WooCommerce 9.4.2's files, when the environment points at them."""
    if plugin := os.environ.get("WOOCOMMERCE_PLUGIN"):
        return cast("Callable[[str], str]", gen.folder_reader(Path(plugin)))
    if repository := os.environ.get("WOOCOMMERCE_GIT"):
        reader = gen.git_reader(Path(repository), WOOCOMMERCE_942_COMMIT, gen.PLUGIN_IN_WORDPRESS)
        return cast("Callable[[str], str]", reader)
    return None


def test_the_committed_file_is_what_the_generator_makes_of_woocommerce() -> None:
    read = woocommerce_source()
    if read is None:
        pytest.skip("set WOOCOMMERCE_PLUGIN or WOOCOMMERCE_GIT to check against the source")
    assert gen.render(gen.generate(read)) == DATA.read_text(encoding="utf-8")


# -- the committed file -----------------------------------------------------------------------


def test_the_data_file_has_the_expected_shape_and_known_values() -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert "generate_countries.py" in data["_generated"]
    assert data["source"]["product"] == "WooCommerce"
    assert data["source"]["version"] == "9.4.2"
    assert set(data["source"]["files"]) == set(gen.SOURCE_FILES)
    assert len(data["countries"]) == 249
    assert set(data["states"]) <= set(data["countries"])
    assert "GB" not in data["states"]  # no state list at all
    assert data["states"]["FR"] == {}  # listed with no states
    assert len(data["states"]["US"]) == 54
    assert list(data["states"]["JP"])[:2] == ["JP01", "JP02"]
    assert len(data["states"]["DE"]) == 16  # WooCommerce lists them; the app keeps free text
    assert "DE" not in data["state_field_hidden"]
    assert "AT" in data["state_field_hidden"]
    assert not [c for c in data["state_field_hidden"] if data["states"].get(c)]


def test_the_data_file_is_rendered_as_the_generator_renders() -> None:
    text = DATA.read_text(encoding="utf-8")
    assert gen.render(json.loads(text)) == text


def test_the_module_answers_from_the_data_file() -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert dict(countries.COUNTRIES) == data["countries"]
    assert data["source"]["version"] == countries.WOOCOMMERCE_VERSION
    expected = {
        country: names
        for country, names in data["states"].items()
        if names
        and country not in data["state_field_hidden"]
        and country not in countries.FREE_TEXT_STATE_COUNTRIES
    }
    assert {country: dict(names) for country, names in countries.STATES.items()} == expected


def test_the_bundle_carries_the_data_file_next_to_the_module() -> None:
    spec = REPO / "packaging" / "woo-customers.spec"
    for node in ast.parse(spec.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "DATAS" for target in node.targets
        ):
            datas = ast.literal_eval(node.value)
            break
    else:
        raise AssertionError("no DATAS in the spec")
    assert ("app/domain/data", "app/domain/data") in datas
    assert DATA.parent == REPO / "app" / "domain" / "data"
