"""Packaging, checked without building: the spec bundles what the app loads, ids agree.

The PyInstaller spec is read as text (its lists are plain literals); the bundle itself is built
and started by ``make package-test``.
"""

from __future__ import annotations

import ast
import configparser
import os
import re
import shutil
import stat
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import PySide6
import pytest

from app import APP_ID, APP_NAME, __version__
from app.desktop.resources import ICON_ICNS, ICON_ICO, ICON_SIZES, RUNTIME_RESOURCES, icon_png

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "packaging" / "woo-customers.spec"
LINUX = REPO / "packaging" / "linux"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"


def spec_literal(name: str) -> object:
    """The value of a top-level ``NAME = <literal>`` in the spec."""
    for node in ast.parse(SPEC.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} is not a literal in {SPEC}")


def bundled_path(resource: str) -> str | None:
    """Where the spec's DATAS put ``resources/<resource>`` in the bundle, if anywhere."""
    datas = spec_literal("DATAS")
    assert isinstance(datas, list)
    source = f"resources/{resource}"
    for folder, target in datas:
        if source.startswith(folder.rstrip("/") + "/"):
            return f"{target.rstrip('/')}/{source[len(folder.rstrip('/')) + 1 :]}"
    return None


def app_qt_modules() -> set[str]:
    """Every ``PySide6.X`` module imported anywhere in app/."""
    found: set[str] = set()
    for path in (REPO / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module == "PySide6":
                    found |= {f"PySide6.{alias.name}" for alias in node.names}
                elif node.module.startswith("PySide6."):
                    found.add(".".join(node.module.split(".")[:2]))
            elif isinstance(node, ast.Import):
                found |= {
                    ".".join(alias.name.split(".")[:2])
                    for alias in node.names
                    if alias.name.startswith("PySide6.")
                }
    return found


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment, method-assign]
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


# -- the spec and the resources -------------------------------------------------------------


@pytest.mark.parametrize("resource", RUNTIME_RESOURCES)
def test_every_runtime_resource_lands_where_the_frozen_app_looks(resource: str) -> None:
    # Frozen, app/desktop/resources.py looks in <_MEIPASS>/resources/<resource>.
    assert bundled_path(resource) == f"resources/{resource}"
    assert (REPO / "resources" / resource).is_file()


def test_bundled_data_folders_exist() -> None:
    datas = spec_literal("DATAS")
    assert isinstance(datas, list)
    assert datas
    for folder, _target in datas:
        assert (REPO / folder).is_dir(), folder


def test_the_app_icons_for_the_executables_exist() -> None:
    text = SPEC.read_text(encoding="utf-8")
    for name in (ICON_ICO, ICON_ICNS):
        assert (REPO / "resources" / name).is_file()
        assert f'"{Path(name).name}"' in text


@pytest.mark.slow
def test_no_qt_module_the_app_imports_is_excluded() -> None:
    used = app_qt_modules()
    assert {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets"} <= used
    excluded = spec_literal("QT_EXCLUDES")
    assert isinstance(excluded, list)
    assert used.isdisjoint(excluded), used & set(excluded)


def test_the_excluded_qt_modules_are_real_ones() -> None:
    """A misspelt exclude would silently keep the module (and its size)."""
    package = Path(PySide6.__path__[0])
    excluded = spec_literal("QT_EXCLUDES")
    assert isinstance(excluded, list)
    for module in excluded:
        name = module.removeprefix("PySide6.")
        assert list(package.glob(f"{name}.*")), module


def test_the_platforms_and_icon_plugins_a_desktop_needs_are_kept() -> None:
    drops = spec_literal("QT_PLUGIN_DROPS")
    assert isinstance(drops, list)
    for needed in (
        "platforms/qxcb",
        "platforms/qwayland",
        "platforms/qwindows",
        "platforms/qcocoa",
        "platforms/qoffscreen",  # make package-test runs the bundle headless
        "platformthemes/qxdgdesktopportal",
        "platforminputcontexts/composeplatforminputcontextplugin",
        "iconengines/qsvgicon",
        "imageformats/qsvg",
        "styles/qmodernwindowsstyle",
    ):
        folder = needed.split("/")[0]
        assert needed not in drops
        assert f"{folder}/*" not in drops


def test_the_spec_names_the_executable_the_desktop_entry_expects() -> None:
    text = SPEC.read_text(encoding="utf-8")
    assert re.search(r'name="woo-customers",', text)
    assert desktop_entry()["StartupWMClass"] == "woo-customers"
    assert desktop_entry()["Exec"].split()[0] == "woo-customers"


def test_pyproject_has_the_package_extra_and_gui_script() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert any(req.startswith("pyinstaller") for req in project["optional-dependencies"]["package"])
    assert project["gui-scripts"]["woo-customers-gui"] == project["scripts"]["woo-customers"]


# -- Linux desktop integration --------------------------------------------------------------


def test_desktop_entry_matches_the_app() -> None:
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == APP_NAME
    assert entry["Icon"] == APP_ID
    assert entry["Exec"].endswith(" %f")
    assert entry["MimeType"].split(";") == ["text/csv", "text/tab-separated-values", ""]
    assert "Office" in entry["Categories"].split(";")
    assert entry["Terminal"] == "false"


def test_metainfo_matches_the_app() -> None:
    root = ElementTree.parse(METAINFO).getroot()  # noqa: S314 - our own file
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("name") == APP_NAME
    assert root.findtext("launchable") == DESKTOP.name
    assert root.findtext("icon") == APP_ID
    assert next(release.get("version") for release in root.iter("release")) == __version__
    media = {element.text for element in root.iter("mediatype")}
    assert media == {"text/csv", "text/tab-separated-values"}


def test_icon_theme_layout_has_every_size() -> None:
    for size in ICON_SIZES:
        assert (REPO / "resources" / icon_png(size)).is_file()
    assert {path.name for path in (REPO / "resources/icons/hicolor").iterdir()} == {
        f"{size}x{size}" for size in ICON_SIZES
    }


@pytest.mark.parametrize("script", ["install.sh", "uninstall.sh"])
def test_scripts_use_the_app_id(script: str) -> None:
    text = (LINUX / script).read_text(encoding="utf-8")
    assert f"\nAPP_ID={APP_ID}\n" in text
    assert os.access(LINUX / script, os.X_OK)


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils")
def test_desktop_file_validates() -> None:
    done = subprocess.run(  # noqa: S603 - a fixed tool on our own file
        ["desktop-file-validate", str(DESKTOP)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "error" not in done.stdout


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream")
def test_metainfo_validates() -> None:
    done = subprocess.run(  # noqa: S603 - a fixed tool on our own file
        ["appstreamcli", "validate", "--no-net", str(METAINFO)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# -- install.sh and uninstall.sh on a stand-in bundle ---------------------------------------


@pytest.mark.skipif(sys.platform != "linux", reason="the Linux installer")
def test_install_is_idempotent_and_uninstall_removes_it(tmp_path: Path) -> None:
    bundle = tmp_path / "dist" / "woo-customers"
    (bundle / "_internal" / "resources").mkdir(parents=True)
    shutil.copytree(REPO / "resources/icons/hicolor", bundle / "_internal/resources/icons/hicolor")
    program = bundle / "woo-customers"
    program.write_text("#!/bin/sh\necho stand-in bundle\n", encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    home = tmp_path / "home with space"
    home.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("XDG_") and key != "HOME"
    }
    env["HOME"] = str(home)

    def run(script: str, *args: str) -> str:
        done = subprocess.run(  # noqa: S603 - our own script
            [str(LINUX / script), *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def files() -> set[str]:
        return {
            str(path.relative_to(home))
            for path in home.rglob("*")
            if path.is_file() and not path.name.endswith(".cache")
        }

    run("install.sh", "--no-default", str(bundle))
    share = home / ".local" / "share"
    target = share / APP_ID
    assert (target / "woo-customers").is_file()
    launcher = home / ".local" / "bin" / "woo-customers"
    assert launcher.is_symlink()
    assert launcher.resolve() == (target / "woo-customers").resolve()
    desktop = (share / "applications" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    assert f'Exec="{target / "woo-customers"}" %f' in desktop.splitlines()
    assert f"TryExec={target / 'woo-customers'}" in desktop.splitlines()
    for size in ICON_SIZES:
        assert (share / "icons/hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png").is_file()
    assert (share / "icons/hicolor/scalable/apps" / f"{APP_ID}.svg").is_file()
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert not (home / ".config" / "mimeapps.list").exists()  # --no-default

    installed = files()
    run("install.sh", "--no-default", str(bundle))
    assert files() == installed

    run("uninstall.sh")
    assert files() == set()
    assert not launcher.exists()
    assert not launcher.is_symlink()
    run("uninstall.sh")  # again: nothing left to do, no error


@pytest.mark.skipif(sys.platform != "linux", reason="the Linux installer")
def test_install_keeps_a_launcher_that_is_not_ours(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    program = bundle / "woo-customers"
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    program.chmod(0o755)
    home = tmp_path / "home"
    theirs = home / ".local" / "bin" / "woo-customers"
    theirs.parent.mkdir(parents=True)
    theirs.write_text("#!/bin/sh\n# pip's console script\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env["HOME"] = str(home)
    for script, args in (("install.sh", ["--no-default", str(bundle)]), ("uninstall.sh", [])):
        done = subprocess.run(  # noqa: S603 - our own script
            [str(LINUX / script), *args], env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        assert theirs.read_text(encoding="utf-8").endswith("# pip's console script\n")
