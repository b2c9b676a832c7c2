"""SegmentDialog: the small dialog that names a segment, or picks one to rename or delete.

One shape for Save as segment… (a name, under a line saying what it keeps), Rename segment…
(which one, and its new name) and Delete segment… (which one). What the choice does is the
caller's: it may refuse with an :class:`~app.errors.AppError` (a name taken, too long, empty),
whose message the dialog shows under the name and stays open. Opened, not executed: the event
loop keeps running.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.validation import Severity
from app.errors import AppError
from app.stores.segments import MAX_NAME
from app.ui.address_form import problem_color

#: What the dialog does with the segment chosen (None without a list) and the name typed.
Chosen = Callable[[str | None, str], None]


class SegmentDialog(QDialog):
    """Asks for a segment name and/or a segment (objectName ``segmentDialog``).

    Args:
        parent: the window.
        title: the window title ("Save as segment").
        action: the accepting button's text ("Save").
        chosen: called with the segment picked (None without a list) and the name typed
            ("" without a name field); an AppError it raises is shown and the dialog stays.
        segments: the segments to pick from (None: no list).
        current: the segment picked at first (the one shown, if any).
        name: the name field's starting text (None: no name field).
        summary: a line above the fields saying what the segment keeps (None: none).
    """

    def __init__(
        self,
        parent: QWidget,
        *,
        title: str,
        action: str,
        chosen: Chosen,
        segments: Sequence[str] | None = None,
        current: str | None = None,
        name: str | None = "",
        summary: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("segmentDialog")
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._chosen = chosen
        form = QFormLayout()
        self.choice: QComboBox | None = None
        if segments is not None:
            self.choice = QComboBox()
            self.choice.setObjectName("segmentChoice")
            self.choice.addItems(list(segments))
            if current is not None and current in segments:
                self.choice.setCurrentText(current)
            form.addRow("Segment:", self.choice)
        self.name_field: QLineEdit | None = None
        if name is not None:
            self.name_field = QLineEdit(name)
            self.name_field.setObjectName("segmentName")
            self.name_field.setMaxLength(MAX_NAME * 2)  # check_name says when it is too long
            self.name_field.setMinimumWidth(280)
            self.name_field.setPlaceholderText("Repeat buyers in Germany")
            self.name_field.selectAll()
            form.addRow("New name:" if segments is not None else "Name:", self.name_field)
            if self.choice is not None:
                self.choice.currentTextChanged.connect(self.name_field.setText)
                self.name_field.setText(self.choice.currentText())
        self.problem = QLabel()
        self.problem.setObjectName("segmentProblem")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        palette = self.problem.palette()
        palette.setColor(
            QPalette.ColorRole.WindowText, problem_color(self.palette(), Severity.ERROR)
        )
        self.problem.setPalette(palette)
        self.problem.hide()
        # Made with its dialog as parent: a default button set on a parentless box is
        # dropped, and Enter would press Cancel instead.
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.accept_button = buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        self.accept_button.setObjectName("segmentAccept")
        self.accept_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        self.summary = QLabel(summary or "")
        self.summary.setObjectName("segmentSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setVisible(summary is not None)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def accept(self) -> None:
        """Hand the choice over; say what is wrong and stay open if it is refused."""
        picked = self.choice.currentText() if self.choice is not None else None
        typed = self.name_field.text() if self.name_field is not None else ""
        try:
            self._chosen(picked, typed)
        except AppError as error:
            self.problem.setText(error.message)
            self.problem.show()
            if self.name_field is not None:
                self.name_field.setFocus()
            return
        super().accept()
