"""The resource layout: every runtime file is there, the icon files are what they claim."""

from __future__ import annotations

import importlib.util
import logging
import shutil
import struct
import sys
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage, QImageReader
from PySide6.QtWidgets import QApplication

from app import APP_ID
from app.resources import (
    ICON_ICNS,
    ICON_ICO,
    ICON_SIZES,
    ICON_SOURCE,
    RUNTIME_RESOURCES,
    app_icon,
    icon_png,
    missing_resources,
    resource_path,
    resource_root,
)

REPO = Path(__file__).resolve().parent.parent


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
    with caplog.at_level(logging.WARNING, logger="app.resources"):
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
