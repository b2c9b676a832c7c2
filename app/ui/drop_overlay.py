"""The overlay a window shows while a file is dragged over it, and what a drop carries.

Owns telling a drag's files apart (importable or not) and the translucent sheet that says what a
drop will do; the window decides what to do with the file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QWidget

from app.importer.reading import IMPORT_SUFFIXES


def dropped_files(mime: QMimeData) -> list[Path]:
    """The local files a drag carries (web links and other data are not files)."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def importable(path: Path) -> bool:
    """Whether the import takes a file of this name (.csv, .tsv or .txt)."""
    return path.suffix.lower() in IMPORT_SUFFIXES


def drop_message(files: list[Path]) -> tuple[bool, str]:
    """Whether a drop of these files will be taken, and the words that say so."""
    if len(files) == 1 and importable(files[0]):
        return True, f"Drop to import customers from {files[0].name}"
    if len(files) > 1:
        return False, "Drop one file at a time."
    suffixes = ", ".join(IMPORT_SUFFIXES)
    return False, f"Only spreadsheet text files ({suffixes}) can be imported."


class DropOverlay(QWidget):
    """A sheet over its parent while a file is dragged in: what a drop would do."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("dropOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._message = ""
        self._accepted = True
        self.hide()

    @property
    def message(self) -> str:
        """What the overlay says."""
        return self._message

    def show_for(self, files: list[Path]) -> bool:
        """Cover the parent and say what dropping ``files`` would do; True if it would import."""
        self._accepted, self._message = drop_message(files)
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.raise_()
        self.show()
        self.update()
        return self._accepted

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        """A tinted sheet with a dashed frame and the message in the middle."""
        painter = QPainter(self)
        palette = self.palette()
        highlight = palette.color(QPalette.ColorRole.Highlight)
        if not self._accepted:
            highlight = QColor("#b3261e")
        sheet = QColor(palette.color(QPalette.ColorRole.Window))
        sheet.setAlpha(225)
        painter.fillRect(self.rect(), sheet)
        frame = self.rect().adjusted(16, 16, -16, -16)
        pen = painter.pen()
        pen.setColor(highlight)
        pen.setWidth(3)
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawRoundedRect(frame, 12, 12)
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(
            QRect(frame),
            int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap),
            self._message,
        )
        painter.end()
