"""The import preview model and its problem filter: columns, roles, edits, results, plain text.

Both run under ``qtmodeltester``, attached before the plan is set, so the resets, edits and
results are checked as they happen. Plans are built from records directly, the way the dry run
hands them over; the mapping comes from the headers, as the dialog detects it.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QStandardItemModel
from PySide6.QtGui import Qt as GuiQt
from pytestqt.qtbot import QtBot

from app.domain.validation import FieldProblem, Severity
from app.importer.mapping import ColumnMapping
from app.importer.records import (
    FieldChange,
    Outcome,
    PlannedRow,
    RowAction,
    RowResult,
    SourceRow,
)
from app.models.import_model import (
    EDITED,
    FIRST_CELL_COLUMN,
    ImportPreviewModel,
    PreviewColumn,
    ProblemRowsFilter,
    describe_change,
    summarize_changes,
)
from app.models.roles import ACTION_ROLE, NUMBER_ALIGNMENT, PLANNED_ROLE, SORT_ROLE
from tests.models import ModelChecker

DISPLAY = Qt.ItemDataRole.DisplayRole
EDIT = Qt.ItemDataRole.EditRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
BACKGROUND = Qt.ItemDataRole.BackgroundRole
FONT = Qt.ItemDataRole.FontRole

HEADERS = ("Email", "First name", "City", "Notes", "Phone")
MAPPING = ColumnMapping.detect(HEADERS)  # Notes feeds nothing
EMAIL, FIRST_NAME, CITY, PHONE = (FIRST_CELL_COLUMN + i for i in range(4))
BAD_EMAIL = FieldProblem("email", "This is not a valid email address.")
SHORT_PHONE = FieldProblem(
    "billing_address.phone", "Phone numbers usually have 5 to 15 digits.", Severity.WARNING
)
MARKUP = "<b>x</b>"


def source(number: int, *cells: str, problem: str | None = None) -> SourceRow:
    return SourceRow(number, number + 1, cells, problem)


def make_plan() -> list[PlannedRow]:
    """One row of each kind, numbered 1 to 8 in file order."""
    return [
        PlannedRow(
            source(1, "ann@example.com", "Ann", "Berlin", "vip", "030 1234"),
            RowAction.CREATE,
            reason="New customer.",
        ),
        PlannedRow(
            source(2, "bob@example.com", "Bob", "Munich", "", ""),
            RowAction.UPDATE,
            customer_id=7,
            changes=(FieldChange("billing_address.city", "Berlin", "Munich"),),
        ),
        PlannedRow(
            source(3, "cy@example.com", "Cy", "", "", ""),
            RowAction.SKIP,
            customer_id=8,
            reason="No change.",
        ),
        PlannedRow(
            source(4, "di@example.com", "Di", "", "", ""),
            RowAction.SKIP,
            customer_id=9,
            reason="Already in the store; skipping existing customers.",
        ),
        PlannedRow(
            source(5, "not-an-email", "Ed", "", "", ""),
            RowAction.INVALID,
            problems=(BAD_EMAIL,),
            reason=BAD_EMAIL.describe(),
        ),
        PlannedRow(
            source(6, "fay@example.com", "Fay", "", "", "12"),
            RowAction.CREATE,
            problems=(SHORT_PHONE,),
            reason="New customer.",
        ),
        PlannedRow(
            source(7, "gil@example.com", MARKUP, "", "", ""),
            RowAction.UPDATE,
            customer_id=10,
            changes=(FieldChange("first_name", "Gil", MARKUP),),
            reason="Changes First name.",
        ),
        PlannedRow(
            source(
                8, "hal@example.com", "Hal", "", "", "", problem="has 6 cells, the header has 5"
            ),
            RowAction.CREATE,
            reason="",
        ),
    ]


PLAN = make_plan()


@pytest.fixture
def model(qtmodeltester: ModelChecker) -> ImportPreviewModel:
    preview = ImportPreviewModel()
    qtmodeltester.check(preview)  # before the plan: the reset is checked too
    preview.set_plan(PLAN, MAPPING)
    return preview


def cell(model: ImportPreviewModel, row: int, column: int, role: int = DISPLAY) -> Any:
    return model.data(model.index(row, column), role)


def column(model: ImportPreviewModel, column: int, role: int = DISPLAY) -> list[Any]:
    return [cell(model, row, column, role) for row in range(model.rowCount())]


def tint(model: ImportPreviewModel, row: int, column: int) -> str | None:
    """Which hue a cell's background has (its strongest channel), or None."""
    color = cell(model, row, column, BACKGROUND)
    if color is None:
        return None
    assert isinstance(color, QColor)
    assert 0 < color.alpha() < 128  # translucent: subtle on light and dark bases
    if color.red() > 200 and color.green() > 150:
        return "amber"
    channels = {"red": color.red(), "green": color.green(), "blue": color.blue()}
    return max(channels, key=channels.__getitem__)


# -- columns and headers ----------------------------------------------------------------------


def test_headers_are_the_fixed_columns_then_the_mapped_file_headers(
    model: ImportPreviewModel,
) -> None:
    horizontal = Qt.Orientation.Horizontal
    titles = [model.headerData(c, horizontal) for c in range(model.columnCount())]
    assert titles == ["Row", "Status", "Details", "Email", "First name", "City", "Phone"]
    aligned = [
        c
        for c in range(model.columnCount())
        if model.headerData(c, horizontal, Qt.ItemDataRole.TextAlignmentRole) == NUMBER_ALIGNMENT
    ]
    assert aligned == [PreviewColumn.ROW]
    assert model.headerData(CITY, horizontal, TOOLTIP) == "Imported as Billing city."
    assert model.headerData(PreviewColumn.STATUS, horizontal, TOOLTIP) is None
    assert [model.file_column(c) for c in range(model.columnCount() + 1)] == [
        *(None, None, None),
        *(0, 1, 2, 4),
        None,
    ]
    assert model.column_of_target("billing_address.phone") == PHONE
    assert model.column_of_target("billing_address.postcode") is None


def test_a_mapped_column_without_a_header_is_named_by_its_position(
    qtmodeltester: ModelChecker,
) -> None:
    mapping = ColumnMapping.detect(("Email", "")).with_target(1, "billing_address.postcode")
    preview = ImportPreviewModel()
    qtmodeltester.check(preview)
    preview.set_plan([PlannedRow(source(1, "a@example.com", "10115"), RowAction.CREATE)], mapping)
    assert preview.headerData(FIRST_CELL_COLUMN + 1, Qt.Orientation.Horizontal) == "Column 2"
    assert cell(preview, 0, FIRST_CELL_COLUMN + 1) == "10115"


# -- cells per column and role -------------------------------------------------------------------


def test_row_numbers_are_right_aligned_ints_with_the_file_line(model: ImportPreviewModel) -> None:
    assert column(model, PreviewColumn.ROW) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert column(model, PreviewColumn.ROW, SORT_ROLE) == [1, 2, 3, 4, 5, 6, 7, 8]
    alignments = column(model, PreviewColumn.ROW, Qt.ItemDataRole.TextAlignmentRole)
    assert set(alignments) == {NUMBER_ALIGNMENT}
    assert cell(model, 2, PreviewColumn.ROW, TOOLTIP) == "Row 3, line 4 of the file."
    assert cell(model, 0, PreviewColumn.STATUS, Qt.ItemDataRole.TextAlignmentRole) is None


def test_status_says_what_the_plan_will_do_and_is_tinted_by_it(model: ImportPreviewModel) -> None:
    assert column(model, PreviewColumn.STATUS) == [
        *("Create", "Update", "No change", "Skip"),
        *("Problem", "Create", "Update", "Create"),
    ]
    tints = [tint(model, row, PreviewColumn.STATUS) for row in range(model.rowCount())]
    assert tints == ["green", "blue", None, None, "red", "green", "blue", "green"]
    ranks = column(model, PreviewColumn.STATUS, SORT_ROLE)
    assert ranks[4] < ranks[0] < ranks[1] < ranks[2] == ranks[3]  # problems sort first
    assert column(model, 0, ACTION_ROLE) == [row.action for row in PLAN]
    assert column(model, CITY, PLANNED_ROLE) == PLAN
    assert cell(model, 0, PreviewColumn.ROW, BACKGROUND) is None


def test_details_give_the_reason_or_summarize_an_update(model: ImportPreviewModel) -> None:
    assert column(model, PreviewColumn.DETAILS) == [
        "New customer.",
        "Billing city: Berlin → Munich",  # no reason given: the changes
        "No change.",
        "Already in the store; skipping existing customers.",
        "Email: This is not a valid email address.",
        "New customer.",
        "Changes First name.",
        "has 6 cells, the header has 5",  # no reason: the row's shape problem
    ]
    assert column(model, PreviewColumn.DETAILS, SORT_ROLE) == column(model, PreviewColumn.DETAILS)


def test_a_long_update_summary_names_a_few_changes_and_counts_the_rest() -> None:
    changes = [
        FieldChange("email", "a@example.com", "b@example.com"),
        FieldChange("billing_address.city", "", "Munich"),
        FieldChange("first_name", "Al", "Bo"),
        FieldChange("last_name", "Cy", "Di"),
        FieldChange("billing_address.phone", "1", "2"),
    ]
    assert summarize_changes(changes) == (
        "Email: a@example.com → b@example.com; Billing city: (empty) → Munich; "
        "First name: Al → Bo; and 2 more"
    )
    assert describe_change(changes[3]) == "Last name: Cy → Di"


def test_status_and_details_tooltips_list_every_problem_and_change(
    model: ImportPreviewModel,
) -> None:
    for status_or_details in (PreviewColumn.STATUS, PreviewColumn.DETAILS):
        tips = column(model, status_or_details, TOOLTIP)
        assert tips[0] == "Create\nNew customer."
        assert tips[1] == "Update\nBilling city: Berlin → Munich"
        # The reason of an invalid row is its first problem: said once.
        assert tips[4] == "Problem\nEmail: This is not a valid email address."
        assert tips[5] == (
            "Create\nNew customer.\nBilling phone: Phone numbers usually have 5 to 15 digits."
        )
        assert tips[7] == "Create\nhas 6 cells, the header has 5"


def test_mapped_cells_show_the_file_cells(model: ImportPreviewModel) -> None:
    assert [cell(model, 0, c) for c in range(FIRST_CELL_COLUMN, model.columnCount())] == [
        *("ann@example.com", "Ann", "Berlin", "030 1234"),  # "vip" (Notes) is not mapped
    ]
    assert column(model, EMAIL, EDIT) == column(model, EMAIL)
    assert column(model, EMAIL, SORT_ROLE) == column(model, EMAIL)


def test_problem_cells_are_tinted_and_explained(model: ImportPreviewModel) -> None:
    assert tint(model, 4, EMAIL) == "red"
    assert cell(model, 4, EMAIL, TOOLTIP) == "Email\nThis is not a valid email address."
    assert tint(model, 5, PHONE) == "amber"  # a warning
    assert cell(model, 5, PHONE, TOOLTIP) == (
        "Billing phone\nPhone numbers usually have 5 to 15 digits."
    )
    others = [
        (row, c)
        for row in range(model.rowCount())
        for c in range(FIRST_CELL_COLUMN, model.columnCount())
        if (row, c) not in ((4, EMAIL), (5, PHONE))
    ]
    assert [tint(model, row, c) for row, c in others] == [None] * len(others)


def test_cells_an_update_changes_are_bold_and_say_how(model: ImportPreviewModel) -> None:
    font = cell(model, 1, CITY, FONT)
    assert isinstance(font, QFont)
    assert font.bold()
    assert cell(model, 1, CITY, TOOLTIP) == "Billing city\nBerlin → Munich"
    bold = [
        (row, c)
        for row in range(model.rowCount())
        for c in range(model.columnCount())
        if cell(model, row, c, FONT) is not None
    ]
    assert bold == [(1, CITY), (6, FIRST_NAME)]
    assert cell(model, 0, CITY, TOOLTIP) is None  # nothing to say about a plain cell


def test_long_cells_have_their_text_as_tooltip(qtmodeltester: ModelChecker) -> None:
    long_email = "a.very.long.address.indeed@mail.example.org"
    preview = ImportPreviewModel()
    qtmodeltester.check(preview)
    preview.set_plan([PlannedRow(source(1, long_email, "", "", "", ""), RowAction.CREATE)], MAPPING)
    assert cell(preview, 0, EMAIL, TOOLTIP) == f"Email\n{long_email}"


def test_out_of_range_and_unknown_requests_answer_none(model: ImportPreviewModel) -> None:
    rows, columns = model.rowCount(), model.columnCount()
    assert (rows, columns) == (8, 7)
    assert model.data(QModelIndex()) is None
    assert model.data(model.createIndex(rows, 0)) is None
    assert model.data(model.createIndex(0, columns)) is None
    assert model.data(model.createIndex(-1, 0)) is None
    assert cell(model, 0, EMAIL, Qt.ItemDataRole.DecorationRole) is None
    assert cell(model, 0, PreviewColumn.STATUS, EDIT) is None
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.columnCount(model.index(0, 0)) == 0
    assert model.planned_at(rows) is None
    assert model.planned_at(-1) is None
    assert model.outcome_at(0) is None
    assert model.outcome_at(rows) is None
    assert not model.is_edited(rows)
    assert not model.needs_attention(rows)


def test_row_numbers_are_found_in_any_plan(qtmodeltester: ModelChecker) -> None:
    preview = ImportPreviewModel()
    qtmodeltester.check(preview)
    assert preview.row_of_number(1) is None
    preview.set_plan(PLAN, MAPPING)
    assert [preview.row_of_number(n) for n in range(10)] == [None, *range(8), None]
    shuffled = [PLAN[5], PLAN[0], PLAN[7]]  # numbers 6, 1, 8
    preview.set_plan(shuffled, MAPPING)
    assert [preview.row_of_number(n) for n in (6, 1, 8, 2)] == [0, 1, 2, None]
    planned = preview.planned_at(1)
    assert planned is not None
    assert planned.row.number == 1


# -- edits ------------------------------------------------------------------------------------


def test_only_mapped_cells_are_editable(model: ImportPreviewModel) -> None:
    editable = [
        c
        for c in range(model.columnCount())
        if model.flags(model.index(0, c)) & Qt.ItemFlag.ItemIsEditable
    ]
    assert editable == [EMAIL, FIRST_NAME, CITY, PHONE]
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsSelectable


def test_an_edit_is_kept_shown_and_marks_the_row(model: ImportPreviewModel, qtbot: QtBot) -> None:
    changed: list[tuple[int, int, int, int]] = []

    def on_changed(top: QModelIndex, bottom: QModelIndex, *_: object) -> None:
        changed.append((top.row(), top.column(), bottom.row(), bottom.column()))

    model.dataChanged.connect(on_changed)
    with qtbot.waitSignal(model.row_edited, timeout=1000) as edited:
        assert model.setData(model.index(4, EMAIL), "ed@example.com")
    assert edited.args == [5]
    assert changed == [(4, 0, 4, model.columnCount() - 1)]
    assert cell(model, 4, EMAIL) == "ed@example.com"
    assert cell(model, 4, EMAIL, EDIT) == "ed@example.com"
    assert cell(model, 4, PreviewColumn.STATUS) == EDITED
    assert tint(model, 4, PreviewColumn.STATUS) == "amber"
    assert model.is_edited(4)
    # The plan's verdict on the old value no longer applies to the new one.
    assert tint(model, 4, EMAIL) is None
    assert cell(model, 4, EMAIL, TOOLTIP) == (
        "Email\nEdited: check the file again to see what the import will do with it."
    )
    assert cell(model, 4, PreviewColumn.STATUS, TOOLTIP).startswith(EDITED + "\nEdited: check")
    # The full cells of the row, the unmapped Notes column included.
    assert model.edits() == {5: ("ed@example.com", "Ed", "", "", "")}
    assert cell(model, 4, 0, PLANNED_ROLE) == PLAN[4]  # the plan itself is unchanged


def test_edits_accumulate_per_row_and_editing_back_undoes_them(
    model: ImportPreviewModel, qtbot: QtBot
) -> None:
    assert model.setData(model.index(1, CITY), "Hamburg")
    assert model.setData(model.index(1, PHONE), "040 555")
    assert model.setData(model.index(0, FIRST_NAME), "Anne")
    assert model.edits() == {
        2: ("bob@example.com", "Bob", "Hamburg", "", "040 555"),
        1: ("ann@example.com", "Anne", "Berlin", "vip", "030 1234"),
    }
    assert cell(model, 1, CITY, FONT) is None  # the plan's change was to "Munich"
    with qtbot.waitSignal(model.row_edited, timeout=1000) as edited:
        assert model.setData(model.index(0, FIRST_NAME), "Ann")
    assert edited.args == [1]
    assert 1 not in model.edits()
    assert cell(model, 0, PreviewColumn.STATUS) == "Create"
    with qtbot.assertNotEmitted(model.row_edited):
        assert model.setData(model.index(3, EMAIL), "di@example.com")  # the same text
    assert not model.is_edited(3)


def test_edits_that_cannot_be_made_are_refused(model: ImportPreviewModel, qtbot: QtBot) -> None:
    with qtbot.assertNotEmitted(model.row_edited), qtbot.assertNotEmitted(model.dataChanged):
        assert not model.setData(model.index(0, PreviewColumn.STATUS), "Skip")
        assert not model.setData(model.index(0, PreviewColumn.ROW), "9")
        assert not model.setData(model.index(0, EMAIL), 42)
        assert not model.setData(model.index(0, EMAIL), "x@example.com", DISPLAY)
        assert not model.setData(QModelIndex(), "x@example.com")
    assert model.edits() == {}


def test_an_edit_through_a_persistent_index_lands_on_its_row(model: ImportPreviewModel) -> None:
    index = QPersistentModelIndex(model.index(7, PHONE))
    assert model.setData(index, "0301234567")
    assert model.edits() == {8: ("hal@example.com", "Hal", "", "", "0301234567")}


def test_a_new_plan_clears_edits_and_results(model: ImportPreviewModel) -> None:
    model.setData(model.index(4, EMAIL), "ed@example.com")
    model.set_results({1: RowResult(1, Outcome.CREATED, 11)})
    replanned = [
        *PLAN[:4],
        PlannedRow(source(5, "ed@example.com", "Ed", "", "", ""), RowAction.CREATE),
    ]
    model.set_plan(replanned, MAPPING)
    assert model.edits() == {}
    assert model.results() == {}
    assert column(model, PreviewColumn.STATUS) == [
        *("Create", "Update", "No change", "Skip", "Create")
    ]
    assert cell(model, 4, EMAIL) == "ed@example.com"


# -- results ------------------------------------------------------------------------------------


def test_results_replace_the_plan_in_status_details_and_action(model: ImportPreviewModel) -> None:
    changed: list[tuple[int, int, int, int]] = []

    def on_changed(top: QModelIndex, bottom: QModelIndex, *_: object) -> None:
        changed.append((top.row(), top.column(), bottom.row(), bottom.column()))

    model.dataChanged.connect(on_changed)
    results = {
        1: RowResult(1, Outcome.CREATED, 11),
        2: RowResult(2, Outcome.UPDATED, 7),
        3: RowResult(3, Outcome.SKIPPED, 8),
        5: RowResult(5, Outcome.FAILED, message="Email: This is not a valid email address."),
        6: RowResult(6, Outcome.FAILED, message="The store refused the phone number."),
        99: RowResult(99, Outcome.CREATED),  # not in the plan: ignored
    }
    model.set_results(results)
    status, details = PreviewColumn.STATUS, PreviewColumn.DETAILS
    assert changed == [(0, status, 2, details), (4, status, 5, details)]
    assert column(model, status)[:6] == [
        *("Created", "Updated", "Skipped", "Skip", "Failed", "Failed")
    ]
    assert cell(model, 5, details) == "The store refused the phone number."
    assert cell(model, 0, details) == "New customer."  # no message: the plan's reason
    assert cell(model, 5, status, TOOLTIP) == (
        "Failed\nThe store refused the phone number.\nNew customer.\n"
        "Billing phone: Phone numbers usually have 5 to 15 digits."
    )
    assert [tint(model, row, status) for row in range(6)] == [
        *("green", "blue", None, None, "red", "red")
    ]
    assert column(model, 0, ACTION_ROLE)[:6] == [
        *(Outcome.CREATED, Outcome.UPDATED, Outcome.SKIPPED, RowAction.SKIP),
        *(Outcome.FAILED, Outcome.FAILED),
    ]
    assert [model.outcome_at(row) for row in (0, 3)] == [Outcome.CREATED, None]
    assert model.results() == results

    changed.clear()
    model.set_results({4: RowResult(4, Outcome.SKIPPED)})  # rows 1-3, 5, 6 lose theirs
    assert changed == [(0, status, 5, details)]
    assert column(model, status)[:6] == [
        *("Create", "Update", "No change", "Skipped", "Problem", "Create")
    ]


def test_many_scattered_results_are_reported_as_one_span(qtmodeltester: ModelChecker) -> None:
    plan = [
        PlannedRow(source(n, f"{n}@example.com", "", "", "", ""), RowAction.CREATE)
        for n in range(1, 601)
    ]
    preview = ImportPreviewModel()
    qtmodeltester.check(preview)
    preview.set_plan(plan, MAPPING)
    spans: list[tuple[int, int]] = []
    preview.dataChanged.connect(lambda top, bottom, *_: spans.append((top.row(), bottom.row())))
    preview.set_results({n: RowResult(n, Outcome.CREATED) for n in range(2, 600, 2)})
    assert spans == [(1, 597)]
    assert column(preview, PreviewColumn.STATUS)[1:4] == ["Created", "Create", "Created"]


# -- plain text ---------------------------------------------------------------------------------


ALL_ROLES = [
    *(DISPLAY, EDIT, TOOLTIP, BACKGROUND, FONT, Qt.ItemDataRole.TextAlignmentRole),
    *(
        Qt.ItemDataRole.StatusTipRole,
        Qt.ItemDataRole.WhatsThisRole,
        Qt.ItemDataRole.AccessibleTextRole,
    ),
    *(SORT_ROLE, PLANNED_ROLE, ACTION_ROLE),
]


def test_markup_from_the_file_is_shown_literally_and_never_made_rich(
    model: ImportPreviewModel,
) -> None:
    model.set_results({7: RowResult(7, Outcome.FAILED, message="<strong>Error:</strong> refused.")})
    model.setData(model.index(0, CITY), "<i>Berlin</i>")
    assert cell(model, 6, FIRST_NAME) == MARKUP  # the raw string: views paint it as text
    assert cell(model, 6, FIRST_NAME, EDIT) == MARKUP
    assert cell(model, 6, PreviewColumn.DETAILS) == "<strong>Error:</strong> refused."
    assert cell(model, 0, CITY) == "<i>Berlin</i>"
    # Text the model writes (tooltips above all, which QToolTip would render as rich text)
    # never looks like markup, even when it quotes a cell that does.
    tooltip = cell(model, 6, PreviewColumn.STATUS, TOOLTIP)
    assert "First name: Gil → <b>x</b>" in tooltip
    assert "<strong>Error:</strong> refused." in tooltip
    raw = (DISPLAY, EDIT, SORT_ROLE)
    for row in range(model.rowCount()):
        for c in range(model.columnCount()):
            for role in ALL_ROLES:
                value = cell(model, row, c, role)
                if isinstance(value, str) and role not in raw:
                    assert not GuiQt.mightBeRichText(value), (row, c, role, value)
    for c in range(model.columnCount()):
        for role in (DISPLAY, TOOLTIP):
            title = model.headerData(c, Qt.Orientation.Horizontal, role)
            assert title is None or not GuiQt.mightBeRichText(title)


def test_markup_in_a_header_is_shown_literally(qtmodeltester: ModelChecker) -> None:
    mapping = ColumnMapping.detect(("<b>Email</b>", "City")).with_target(0, "email")
    preview = ImportPreviewModel()
    qtmodeltester.check(preview)
    preview.set_plan([PlannedRow(source(1, "a@example.com", "Rome"), RowAction.CREATE)], mapping)
    assert preview.headerData(EMAIL, Qt.Orientation.Horizontal) == "<b>Email</b>"
    assert preview.headerData(EMAIL, Qt.Orientation.Horizontal, TOOLTIP) == "Imported as Email."


# -- the filter -----------------------------------------------------------------------------------


@pytest.fixture
def proxy(model: ImportPreviewModel, qtmodeltester: ModelChecker) -> ProblemRowsFilter:
    rows = ProblemRowsFilter()
    rows.setSourceModel(model)
    qtmodeltester.check(rows)
    return rows


def shown(proxy: ProblemRowsFilter) -> list[int]:
    """The row numbers the proxy shows, in its order."""
    return [proxy.index(row, PreviewColumn.ROW).data() for row in range(proxy.rowCount())]


def test_the_filter_shows_every_row_until_asked_for_problems(proxy: ProblemRowsFilter) -> None:
    assert not proxy.problems_only
    assert shown(proxy) == [1, 2, 3, 4, 5, 6, 7, 8]
    proxy.set_problems_only(True)
    assert proxy.problems_only
    # The invalid row, the one with a warning, and the one whose shape was wrong.
    assert shown(proxy) == [5, 6, 8]
    proxy.set_problems_only(True)  # no change
    assert shown(proxy) == [5, 6, 8]
    proxy.set_problems_only(False)
    assert shown(proxy) == [1, 2, 3, 4, 5, 6, 7, 8]


def test_edited_rows_join_the_problems_and_stay(
    proxy: ProblemRowsFilter, model: ImportPreviewModel
) -> None:
    proxy.set_problems_only(True)
    model.setData(model.index(0, CITY), "Bonn")
    assert shown(proxy) == [1, 5, 6, 8]
    # Fixing the invalid row through the filtered view keeps it in sight ("check again").
    email = proxy.index(shown(proxy).index(5), EMAIL)
    assert proxy.setData(email, "ed@example.com")
    assert shown(proxy) == [1, 5, 6, 8]
    assert model.edits()[5][0] == "ed@example.com"
    assert proxy.index(1, PreviewColumn.STATUS).data() == EDITED
    model.setData(model.index(0, CITY), "Berlin")  # edited back: no longer edited
    assert shown(proxy) == [5, 6, 8]


def test_failed_rows_join_the_problems_after_a_run(
    proxy: ProblemRowsFilter, model: ImportPreviewModel
) -> None:
    proxy.set_problems_only(True)
    model.set_results(
        {
            1: RowResult(1, Outcome.CREATED, 11),
            2: RowResult(2, Outcome.FAILED, 7, "The store did not answer."),
            5: RowResult(5, Outcome.FAILED, message="Email: This is not a valid email address."),
        }
    )
    assert shown(proxy) == [2, 5, 6, 8]
    model.set_results({1: RowResult(1, Outcome.CREATED, 11)})
    assert shown(proxy) == [5, 6, 8]


def test_the_filter_sorts_by_raw_values(proxy: ProblemRowsFilter) -> None:
    proxy.sort(PreviewColumn.ROW, Qt.SortOrder.DescendingOrder)
    assert shown(proxy) == [8, 7, 6, 5, 4, 3, 2, 1]  # as numbers, not as text
    proxy.sort(PreviewColumn.STATUS, Qt.SortOrder.AscendingOrder)
    order = shown(proxy)
    # The problem first, then creates, updates, and skips last (ties keep no promised order).
    groups = [order[:1], order[1:4], order[4:6], order[6:]]
    assert [sorted(group) for group in groups] == [[5], [1, 6, 8], [2, 7], [3, 4]]
    proxy.sort(FIRST_NAME, Qt.SortOrder.AscendingOrder)
    names = [proxy.index(row, FIRST_NAME).data() for row in range(proxy.rowCount())]
    assert names == sorted(names, key=str.casefold)
    proxy.set_problems_only(True)
    assert shown(proxy) == [5, 6, 8]  # "Ed", "Fay", "Hal": still by first name


def test_the_filter_shows_any_other_model_whole(qtmodeltester: ModelChecker) -> None:
    other = QStandardItemModel(3, 1)
    rows = ProblemRowsFilter()
    rows.setSourceModel(other)
    qtmodeltester.check(rows)
    rows.set_problems_only(True)
    assert rows.rowCount() == 3
