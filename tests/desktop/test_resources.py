"""The resource layout: every runtime file is there, the icon files are what they claim."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage, QImageReader
from PySide6.QtWidgets import QApplication

import app.desktop.resources
from app import APP_ID
from app.desktop.resources import (
    ICON_ICNS,
    ICON_ICO,
    ICON_SIZES,
    ICON_SOURCE,
    PACKAGED_RESOURCES,
    RUNTIME_RESOURCES,
    app_icon,
    icon_png,
    missing_resources,
    resource_path,
    resource_root,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def make_icons() -> ModuleType:
    """packaging/make_icons.py, loaded as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("make_icons", REPO / "packaging/make_icons.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_source_checkout_finds_the_repository_resources() -> None:
    assert resource_root() == REPO / "resources"
    assert missing_resources() == []


def test_every_icon_size_is_a_runtime_resource_with_the_app_id_as_name() -> None:
    assert ICON_SIZES == (16, 24, 32, 48, 64, 128, 256, 512)
    for size in ICON_SIZES:
        assert icon_png(size) in RUNTIME_RESOURCES
        assert icon_png(size).endswith(f"/{size}x{size}/apps/{APP_ID}.png")


@pytest.mark.parametrize("size", ICON_SIZES)
def test_each_png_has_the_size_its_folder_names(size: int) -> None:
    image = QImage(str(resource_path(icon_png(size))))
    assert not image.isNull()
    assert (image.width(), image.height()) == (size, size)
    assert image.hasAlphaChannel()
    # Transparent corners (the rounded tile), opaque middle.
    assert image.pixelColor(0, 0).alpha() == 0
    assert image.pixelColor(size // 2, size // 2).alpha() == 255


def test_frozen_bundle_resources_are_below_meipass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(REPO / "resources" / "icons", tmp_path / "resources" / "icons")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_root() == tmp_path / "resources"
    assert resource_path(icon_png(32)) == tmp_path / "resources" / Path(icon_png(32))
    assert missing_resources() == []
    (tmp_path / "resources" / Path(icon_png(48))).unlink()
    assert missing_resources() == [icon_png(48)]


def test_an_installed_package_uses_its_own_resources_before_a_stray_top_level_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Installed from a wheel, ``app/_resources`` wins over any ``site-packages/resources``."""
    site = tmp_path / "site-packages"
    packaged = site / "app" / PACKAGED_RESOURCES
    shutil.copytree(REPO / "resources" / "icons", packaged / "icons")
    (site / "resources" / "icons").mkdir(parents=True)  # another distribution's, say
    monkeypatch.setattr(
        app.desktop.resources, "__file__", str(site / "app" / "desktop" / "resources.py")
    )
    assert resource_root() == packaged
    assert resource_path(icon_png(64)) == packaged / Path(icon_png(64))
    assert missing_resources() == []
    # Without the packaged folder (a source checkout) the folder next to the package is used.
    shutil.rmtree(packaged)
    assert resource_root() == site / "resources"


def test_meipass_alone_is_not_taken_for_a_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_root() == REPO / "resources"


def test_app_icon_carries_every_size(qapp: QApplication) -> None:
    icon = app_icon()
    assert not icon.isNull()
    assert set(icon.availableSizes()) == {QSize(size, size) for size in ICON_SIZES}
    # Qt picks the exact rendering for a size it has, not a scaled neighbour.
    small = icon.pixmap(QSize(16, 16)).toImage()
    assert small.size() == QSize(16, 16)
    assert small == QImage(str(resource_path(icon_png(16)))).convertToFormat(small.format())


def test_app_icon_without_resources_is_null_and_says_so(
    qapp: QApplication, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="app.desktop.resources"):
        icon = app_icon(tmp_path)
    assert icon.isNull()
    assert len(caplog.records) == len(ICON_SIZES)
    assert str(tmp_path) in caplog.records[0].getMessage()


def test_ico_holds_every_size_up_to_256(qapp: QApplication) -> None:
    path = resource_path(ICON_ICO)
    data = path.read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, 7)
    sizes = []
    for index in range(count):
        width, height, _c, _r, planes, bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * index
        )
        assert (planes, bits) == (1, 32)
        assert width == height
        assert data[offset : offset + 8] == b"\x89PNG\r\n\x1a\n"
        assert offset + length <= len(data)
        sizes.append(width or 256)
    assert sizes == [16, 24, 32, 48, 64, 128, 256]
    # Qt's own ICO reader agrees, image by image.
    reader = QImageReader(str(path))
    assert reader.imageCount() == count
    read = []
    for index in range(count):
        assert reader.jumpToImage(index)
        image = reader.read()
        assert not image.isNull(), reader.errorString()
        read.append(image.width())
    assert sorted(read) == sizes


def test_icns_holds_every_macos_png_type(qapp: QApplication) -> None:
    path = resource_path(ICON_ICNS)
    data = path.read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack_from(">I", data, 4)[0] == len(data)
    found = {}
    offset = 8
    while offset < len(data):
        kind = data[offset : offset + 4]
        length = struct.unpack_from(">I", data, offset + 4)[0]
        image = QImage.fromData(data[offset + 8 : offset + length])
        assert not image.isNull(), kind
        found[kind] = image.width()
        offset += length
    assert offset == len(data)
    assert found == {
        b"icp4": 16,
        b"icp5": 32,
        b"icp6": 64,
        b"ic07": 128,
        b"ic08": 256,
        b"ic09": 512,
        b"ic10": 1024,
        b"ic11": 32,
        b"ic12": 64,
        b"ic13": 256,
        b"ic14": 512,
    }
    # Qt's ICNS reader (the plugin in PySide6's imageformats) opens it too.
    reader = QImageReader(str(path))
    assert reader.canRead(), reader.errorString()
    assert not reader.read().isNull()


@pytest.mark.parametrize("size", [16, 32, 256])
def test_committed_pngs_match_the_svg(
    qapp: QApplication, make_icons: ModuleType, size: int
) -> None:
    """Someone who edits the SVG and forgets ``make icons`` is told so."""
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(resource_path(ICON_SOURCE)))
    fresh = QImage.fromData(make_icons.render(renderer, size))
    committed = QImage(str(resource_path(icon_png(size))))
    fresh = fresh.convertToFormat(QImage.Format.Format_ARGB32)
    committed = committed.convertToFormat(QImage.Format.Format_ARGB32)
    assert fresh.size() == committed.size()
    differing = 0
    for y in range(size):
        for x in range(size):
            a, b = fresh.pixelColor(x, y), committed.pixelColor(x, y)
            channels = (
                a.red() - b.red(),
                a.green() - b.green(),
                a.blue() - b.blue(),
                a.alpha() - b.alpha(),
            )
            if max(abs(channel) for channel in channels) > 8:
                differing += 1
    # Room for another Qt version's anti-aliasing along edges, none for a changed drawing.
    assert differing <= size * size // 50


# -- the wheel ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built from the working tree by pip with the project's backend.

    With hatchling importable here the build runs without an isolated environment, so nothing
    is fetched; otherwise pip installs the backend from the configured package index first.
    """
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir"]
    command += [str(out), str(REPO)]
    if importlib.util.find_spec("hatchling") is not None:
        command.append("--no-build-isolation")
    done = subprocess.run(  # noqa: S603 - pip on our own project
        command, capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = out.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


@pytest.mark.slow
def test_wheel_ships_every_icon_inside_the_package(wheel: Path, wheel_names: set[str]) -> None:
    packaged = f"app/{PACKAGED_RESOURCES}/"
    for name in (*RUNTIME_RESOURCES, ICON_SOURCE, ICON_ICO, ICON_ICNS):
        assert packaged + name in wheel_names, name
    shipped = {name.removeprefix(packaged) for name in wheel_names if name.startswith(packaged)}
    icons = REPO / "resources" / "icons"
    in_repo = {p.relative_to(icons.parent).as_posix() for p in icons.rglob("*") if p.is_file()}
    assert shipped == in_repo
    with zipfile.ZipFile(wheel) as archive:
        for name in RUNTIME_RESOURCES:
            assert archive.read(packaged + name) == resource_path(name).read_bytes(), name


@pytest.mark.slow
def test_wheel_leaves_out_the_screenshots_and_the_top_level_folder(
    wheel_names: set[str],
) -> None:
    screenshots = {path.name for path in (REPO / "resources" / "screenshots").iterdir()}
    assert screenshots
    assert {Path(name).name for name in wheel_names}.isdisjoint(screenshots)
    assert not [name for name in wheel_names if "screenshot" in name.lower()]
    top = {name.split("/")[0] for name in wheel_names}
    assert {folder for folder in top if not folder.endswith(".dist-info")} == {"app"}


@pytest.mark.slow
def test_app_unpacked_from_the_wheel_finds_its_icons(wheel: Path, tmp_path: Path) -> None:
    """The unpacked wheel stands in for site-packages: its app/desktop/resources.py, its icons."""
    site = tmp_path / "site-packages"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    script = (
        "import json\n"
        "from PySide6.QtGui import QGuiApplication\n"
        "import app.desktop.resources as r\n"
        "qapp = QGuiApplication([])\n"
        "icon = r.app_icon()\n"
        "print(json.dumps({'module': r.__file__, 'root': str(r.resource_root()),\n"
        "    'missing': r.missing_resources(),\n"
        "    'sizes': sorted(size.width() for size in icon.availableSizes())}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(  # noqa: S603 - our own interpreter on a fixed script
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert Path(found["module"]).resolve() == (site / "app" / "desktop" / "resources.py").resolve()
    assert Path(found["root"]) == (site / "app" / PACKAGED_RESOURCES).resolve()
    assert found["missing"] == []
    assert found["sizes"] == sorted(ICON_SIZES)
