"""Diagnostics: everything a bug report needs, and never a key or a secret."""

from __future__ import annotations

import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import PySide6
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import qVersion

from app import APP_ID, APP_NAME, __version__
from app.api.connection import AuthMode, StoreConnection
from app.desktop.diagnostics import REDACTED, diagnostics_text, redact, safe_url
from app.paths import AppPaths

KEY = "ck_0123456789abcdef0123456789abcdef01234567"
SECRET = "cs_fedcba9876543210fedcba9876543210fedcba98"


def paths_under(root: Path) -> AppPaths:
    return AppPaths.under(root)


def test_names_the_app_and_its_libraries(tmp_path: Path) -> None:
    text = diagnostics_text(paths_under(tmp_path), qt_platform="offscreen")
    lines = text.splitlines()
    assert lines[0] == f"{APP_NAME} {__version__}"
    assert f"App id: {APP_ID}" in lines
    assert f"Python: {platform.python_version()} ({platform.python_implementation()}" in text
    assert f"Qt: {qVersion()} (PySide6 {PySide6.__version__}), platform plugin offscreen" in lines
    assert f"Operating system: {platform.platform()}" in text
    assert "Runs as: source checkout (" in text
    assert "Store: none" in lines
    assert text.endswith("\n")


def test_names_every_folder(tmp_path: Path) -> None:
    paths = paths_under(tmp_path)
    lines = diagnostics_text(paths).splitlines()
    assert f"Config folder: {paths.config_dir}" in lines
    assert f"Data folder: {paths.data_dir}" in lines
    assert f"Cache folder: {paths.cache_dir}" in lines
    assert f"Log file: {paths.log_dir / 'woo-customers.log'}" in lines


def test_time_stamp_is_the_one_given(tmp_path: Path) -> None:
    moment = datetime(2026, 11, 28, 9, 30, 5, tzinfo=UTC)
    assert "Report time: 2026-11-28T09:30:05+00:00" in diagnostics_text(
        paths_under(tmp_path), now=moment
    )


def test_a_store_is_described_by_address_and_mode(tmp_path: Path) -> None:
    connection = StoreConnection("https://shop.example.com/", KEY, SECRET)
    lines = diagnostics_text(
        paths_under(tmp_path), connection=connection, store_title="Corner shop", online=False
    ).splitlines()
    assert "Store: Corner shop (https://shop.example.com)" in lines
    assert "Authentication: HTTP Basic over HTTPS (chosen automatically)" in lines
    assert "Trusted certificate file: none (system certificates)" in lines
    assert "Connection: offline" in lines


def test_the_demo_store_says_so(tmp_path: Path) -> None:
    connection = StoreConnection("http://127.0.0.1:40123", KEY, SECRET)
    text = diagnostics_text(paths_under(tmp_path), connection=connection, demo=True, online=True)
    assert "Store: the embedded demo store" in text
    assert "Demo store address: http://127.0.0.1:40123" in text
    assert "Connection: online" in text


def test_a_bundle_says_where_it_runs_from(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert f"Runs as: bundle ({sys.executable})" in diagnostics_text(paths_under(tmp_path))


@pytest.mark.parametrize("auth", list(AuthMode))
def test_keys_never_appear_whatever_the_mode(tmp_path: Path, auth: AuthMode) -> None:
    connection = StoreConnection(
        f"https://admin:{SECRET}@shop.example.com/?consumer_key={KEY}#{SECRET}",
        KEY,
        SECRET,
        auth=auth,
    )
    text = diagnostics_text(
        paths_under(tmp_path),
        connection=connection,
        store_title=f"Shop {KEY}",  # even where a careless caller puts one
    )
    assert KEY not in text
    assert SECRET not in text
    assert "admin" not in text
    assert "shop.example.com" in text
    assert KEY[:8] not in text  # not half of it either


def test_other_secrets_given_are_masked(tmp_path: Path) -> None:
    password = "hunter2-application-password"
    text = diagnostics_text(
        paths_under(tmp_path / password), secrets=[password, ""], store_title=password
    )
    assert password not in text
    assert REDACTED in text


@given(
    key=st.text(st.characters(categories=["L", "N"]), min_size=8, max_size=60),
    secret=st.text(st.characters(categories=["L", "N", "P"]), min_size=8, max_size=60),
)
def test_any_consumer_key_and_secret_are_kept_out(key: str, secret: str) -> None:
    connection = StoreConnection("https://shop.example.com", key, secret, auth=AuthMode.QUERY)
    text = diagnostics_text(
        AppPaths.under(Path("/srv/woo")),
        connection=connection,
        store_title=f"{key} {secret}",  # a careless caller's title: masked all the same
    )
    assert key not in text
    assert secret not in text


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://shop.example.com/store", "https://shop.example.com/store"),
        (
            "https://u:p@shop.example.com:8443/x?consumer_secret=cs_1#f",
            "https://shop.example.com:8443/x",
        ),
        ("http://[::1]:8080/", "http://[::1]:8080/"),
        ("https://shop.example.com:99999/", "https://shop.example.com/"),
    ],
)
def test_safe_url(url: str, safe: str) -> None:
    assert safe_url(url) == safe


def test_redact_masks_key_tokens_it_was_not_told_about() -> None:
    assert redact("got ck_abcdef123 and cs_XYZ98765 from cs_ and ck_1") == (
        f"got ck_{REDACTED} and cs_{REDACTED} from cs_ and ck_1"
    )


def test_the_module_does_not_load_qt_until_asked() -> None:
    code = "import sys, app.desktop.diagnostics; print('PySide6.QtCore' in sys.modules)"
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"
