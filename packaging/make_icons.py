"""Render the application icon from its SVG source into every file the platforms want.

Run ``make icons`` (or ``python packaging/make_icons.py``) after changing
``resources/icons/woo-customers.svg``; the outputs are committed. It writes:

- ``resources/icons/hicolor/<n>x<n>/apps/<APP_ID>.png`` for each size in
  ``app.desktop.resources.ICON_SIZES`` (the freedesktop icon-theme layout, so Linux installs
  copy the tree as it is, and the app loads the same files for its window icon);
- ``resources/icons/woo-customers.ico``: Windows' icon, 16 to 256 px, PNG-compressed entries;
- ``resources/icons/woo-customers.icns``: macOS's icon, 16 to 1024 px (the 2x variants too).

Each size is drawn from the vector source at that size (no downscaling) with Qt's SVG renderer.
ICO and ICNS are simple containers of PNG images, written here with ``struct``, so the build
needs nothing beyond PySide6. The output is deterministic for a given Qt version.
"""

from __future__ import annotations

import argparse
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

from app.desktop.resources import (  # noqa: E402
    ICON_ICNS,
    ICON_ICO,
    ICON_SIZES,
    ICON_SOURCE,
    icon_png,
    resource_path,
)

#: The sizes Windows' .ico carries (the format stops at 256).
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
#: macOS icon types that hold a PNG, and the pixel size of each.
ICNS_TYPES: tuple[tuple[bytes, int], ...] = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),  # 512 at 2x
    (b"ic11", 32),  # 16 at 2x
    (b"ic12", 64),  # 32 at 2x
    (b"ic13", 256),  # 128 at 2x
    (b"ic14", 512),  # 256 at 2x
)


def render(renderer: QSvgRenderer, size: int) -> bytes:
    """The SVG drawn at ``size`` x ``size`` pixels, as PNG bytes."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"png"))
    if not writer.write(image.convertToFormat(QImage.Format.Format_ARGB32)):
        raise RuntimeError(f"could not encode the {size} px icon: {writer.errorString()}")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding these PNGs (size -> bytes), smallest first."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries = b""
    for size in sizes:
        # Width and height are one byte each; 0 means 256.
        entries += struct.pack(
            "<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(pngs[size]), offset
        )
        offset += len(pngs[size])
    return header + entries + b"".join(pngs[size] for size in sizes)


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns with one PNG element per type in :data:`ICNS_TYPES`."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def build(root: Path) -> dict[Path, bytes]:
    """Every output file and its bytes, rendered from the SVG below ``root``."""
    renderer = QSvgRenderer(str(resource_path(ICON_SOURCE, root)))
    if not renderer.isValid():
        raise RuntimeError(f"cannot read {resource_path(ICON_SOURCE, root)}")
    wanted = set(ICON_SIZES) | set(ICO_SIZES) | {size for _kind, size in ICNS_TYPES}
    pngs = {size: render(renderer, size) for size in sorted(wanted)}
    outputs = {resource_path(icon_png(size), root): pngs[size] for size in ICON_SIZES}
    outputs[resource_path(ICON_ICO, root)] = ico_bytes({size: pngs[size] for size in ICO_SIZES})
    outputs[resource_path(ICON_ICNS, root)] = icns_bytes(pngs)
    return outputs


def main(argv: list[str] | None = None) -> int:
    """Write the icon files (or, with ``--check``, report those that are out of date)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--resources", type=Path, default=ROOT / "resources", help="the resource folder"
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a file would change"
    )
    options = parser.parse_args(argv)
    application = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    stale = []
    for path, data in build(options.resources).items():
        if path.is_file() and path.read_bytes() == data:
            continue
        stale.append(path)
        if not options.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    for path in stale:
        print(f"{'out of date' if options.check else 'wrote'}: {path.relative_to(ROOT)}")
    del application
    return 1 if options.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
