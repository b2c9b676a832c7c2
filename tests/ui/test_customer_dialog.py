"""The customer dialog: live validation, the payload it submits, and the caller's answers."""

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.api.client import SaveResult
from app.domain.customer import Address, BillingAddress, Customer, UnappliedChange
from app.domain.validation import describe_unapplied
from app.domain.write_gate import refusal
from app.errors import NetworkError, ValidationError
from app.ui.customer_dialog import (
    DISCARD_OBJECT_NAME,
    NOTICE_OBJECT_NAME,
    CustomerDialog,
    Notice,
)
from tests.support.focus_order import names, tab_chain, visual_order

# The offscreen platform cannot resize, raise or grab like a desktop; it says so on every
# window, which is no fault of the widgets under test.
pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"
)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

ADA = Customer(
    id=42,
    email="ada@example.com",
    first_name="Ada",
    last_name="Lovelace",
    username="ada",
    billing=BillingAddress(
        first_name="Ada",
        last_name="Lovelace",
        address_1="12 St James's Square",
        city="London",
        postcode="SW1Y 4JH",
        country="GB",
        email="ada@example.com",
        phone="+44 20 7946 0000",
    ),
    shipping=Address(
        first_name="Ada",
        last_name="Lovelace",
        address_1="1 Infinite Loop",
        city="Cupertino",
        state="CA",
        postcode="95014",
        country="US",
    ),
)


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    """The main window stand-in: dialogs and their notices belong to it."""
    window = QWidget()
    qtbot.addWidget(window)
    return window


def open_dialog(qtbot: QtBot, dialog: CustomerDialog) -> CustomerDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


DialogMaker = Callable[..., CustomerDialog]


@pytest.fixture
def create_dialog(qtbot: QtBot, parent: QWidget) -> DialogMaker:
    def make(
        *, generate_password: bool = True, notify: Callable[[Notice], None] | None = None
    ) -> CustomerDialog:
        dialog = CustomerDialog.for_create(
            parent, generate_password=generate_password, notify=notify
        )
        return open_dialog(qtbot, dialog)

    return make


@pytest.fixture
def edit_dialog(qtbot: QtBot, parent: QWidget) -> DialogMaker:
    def make(
        customer: Customer = ADA, notify: Callable[[Notice], None] | None = None
    ) -> CustomerDialog:
        return open_dialog(qtbot, CustomerDialog.for_edit(parent, customer, notify=notify))

    return make


def line(dialog: QWidget, name: str) -> QLineEdit:
    widget = dialog.findChild(QLineEdit, name)
    assert widget is not None, name
    return widget


def label(dialog: QWidget, name: str) -> QLabel:
    widget = dialog.findChild(QLabel, name)
    assert widget is not None, name
    return widget


def bring_forward(dialog: CustomerDialog, widget: QWidget) -> None:
    """Show the tab holding ``widget``, as a user would before typing into it."""
    for index in range(dialog.tabs.count()):
        page = dialog.tabs.widget(index)
        if page is not None and page.isAncestorOf(widget):
            dialog.tabs.setCurrentIndex(index)


def type_into(dialog: CustomerDialog, name: str, text: str) -> None:
    edit = line(dialog, name)
    bring_forward(dialog, edit)
    edit.selectAll()
    QTest.keyClicks(edit, text)


def click_box(dialog: CustomerDialog, box: QCheckBox) -> None:
    """Click a checkbox on its indicator (its middle may be empty space in a wide row)."""
    bring_forward(dialog, box)
    QTest.mouseClick(
        box, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(6, box.height() // 2)
    )


def choose_country(dialog: CustomerDialog, kind: str, typed: str) -> None:
    edit = line(dialog, f"{kind}_country_text")
    bring_forward(dialog, edit)
    edit.selectAll()
    QTest.keyClicks(edit, typed)
    QTest.keyClick(edit, Qt.Key.Key_Return)


class Notices:
    """An injected notifier that remembers what it was asked to show."""

    def __init__(self) -> None:
        self.shown: list[Notice] = []

    def __call__(self, notice: Notice) -> None:
        self.shown.append(notice)


# -- creating -----------------------------------------------------------------------------------


def test_a_new_customer_dialog_waits_for_an_email(qtbot: QtBot, create_dialog: DialogMaker) -> None:
    dialog = create_dialog()
    assert dialog.windowTitle() == "New customer"
    assert not dialog.save_button.isEnabled()
    # Nothing was typed yet: no red under the empty field, a calm hint by the buttons.
    assert not label(dialog, "email_error").isVisible()
    assert label(dialog, "statusLabel").text() == "To save, fill in email."
    type_into(dialog, "email", "ada@example.com")
    assert dialog.save_button.isEnabled()
    assert label(dialog, "statusLabel").text() == ""


def test_an_invalid_email_blocks_save_with_a_message_by_the_field(
    qtbot: QtBot, create_dialog: DialogMaker
) -> None:
    dialog = create_dialog()
    type_into(dialog, "email", "ada@localhost")
    assert not dialog.save_button.isEnabled()
    message = label(dialog, "email_error")
    assert message.isVisible()
    assert message.text() == "This is not a valid email address."
    with qtbot.assertNotEmitted(dialog.submitted):
        QTest.keyClick(line(dialog, "email"), Qt.Key.Key_Return)
    type_into(dialog, "email", "ada@example.com")
    assert not message.isVisible()
    assert dialog.save_button.isEnabled()


def test_errors_on_other_tabs_mark_the_tab(qtbot: QtBot, create_dialog: DialogMaker) -> None:
    dialog = create_dialog()
    type_into(dialog, "email", "ada@example.com")
    dialog.tabs.setCurrentIndex(1)
    type_into(dialog, "billing_email", "not an email")
    assert not dialog.save_button.isEnabled()
    assert not dialog.tabs.tabIcon(1).isNull()
    assert dialog.tabs.tabIcon(0).isNull()
    assert label(dialog, "statusLabel").text() == "To save, correct billing email."


def test_the_save_hint_names_what_to_correct_and_what_to_fill_in(
    create_dialog: DialogMaker,
) -> None:
    dialog = create_dialog(generate_password=False)
    type_into(dialog, "email", "ada@")
    assert label(dialog, "statusLabel").text() == ("To save, correct email and fill in password.")


def test_enter_in_the_country_box_picks_the_country_without_saving(
    qtbot: QtBot, create_dialog: DialogMaker
) -> None:
    dialog = create_dialog()
    type_into(dialog, "email", "ada@example.com")
    with qtbot.assertNotEmitted(dialog.submitted):
        choose_country(dialog, "billing", "Deutschland")
    assert dialog.billing.country_value() == "DE"
    assert not dialog.is_saving


def test_warnings_do_not_block_save(qtbot: QtBot, create_dialog: DialogMaker) -> None:
    dialog = create_dialog()
    type_into(dialog, "email", "ada@example.com")
    choose_country(dialog, "billing", "Germany")
    type_into(dialog, "billing_postcode", "123")
    postcode = label(dialog, "billing_postcode_error")
    assert postcode.text() == "Postcodes in Germany usually look like 10115."
    assert dialog.save_button.isEnabled()


def test_the_password_is_required_only_when_the_store_does_not_generate_one(
    qtbot: QtBot, create_dialog: DialogMaker
) -> None:
    generating = create_dialog(generate_password=True)
    type_into(generating, "email", "ada@example.com")
    assert generating.save_button.isEnabled()

    strict = create_dialog(generate_password=False)
    type_into(strict, "email", "ada@example.com")
    assert not strict.save_button.isEnabled()
    assert label(strict, "statusLabel").text() == "To save, fill in password."
    assert line(strict, "password").placeholderText() == "Required by this store"
    type_into(strict, "password", "correct horse")
    assert strict.save_button.isEnabled()


def test_generate_fills_in_a_visible_password(qtbot: QtBot, create_dialog: DialogMaker) -> None:
    dialog = create_dialog(generate_password=False)
    type_into(dialog, "email", "ada@example.com")
    assert dialog.generate_button is not None
    QTest.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    password = line(dialog, "password")
    assert len(password.text()) == 16
    assert password.echoMode() == QLineEdit.EchoMode.Normal
    assert dialog.save_button.isEnabled()


def test_the_create_payload_holds_what_was_entered(
    qtbot: QtBot, create_dialog: DialogMaker
) -> None:
    dialog = create_dialog()
    type_into(dialog, "email", " ada@example.com ")
    type_into(dialog, "first_name", "Ada")
    type_into(dialog, "username", "ada.l")
    dialog.tabs.setCurrentIndex(1)
    type_into(dialog, "billing_city", "Albany")
    choose_country(dialog, "billing", "USA")
    dialog.billing.state_combo.setCurrentIndex(dialog.billing.state_combo.findText("New York"))
    type_into(dialog, "billing_phone", "+1 518 555 0100")
    assert dialog.shipping.is_same_as_billing()  # the default for a new customer

    with qtbot.waitSignal(dialog.submitted) as submitted:
        QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    billing = {**BillingAddress().to_api(), "city": "Albany", "state": "NY", "country": "US"}
    billing["phone"] = "+1 518 555 0100"
    shipping = {name: billing[name] for name in Address.FIELDS}
    assert submitted.args == [
        {
            "email": "ada@example.com",
            "first_name": "Ada",
            "username": "ada.l",
            "billing_address": billing,
            "shipping_address": shipping,
        }
    ]
    assert dialog.is_saving


def test_a_different_shipping_address(qtbot: QtBot, create_dialog: DialogMaker) -> None:
    dialog = create_dialog()
    type_into(dialog, "email", "ada@example.com")
    click_box(dialog, dialog.shipping.same_as_billing)
    assert not dialog.shipping.is_same_as_billing()
    type_into(dialog, "shipping_city", "Berlin")
    choose_country(dialog, "shipping", "Deutschland")
    assert dialog.shipping.state.currentWidget() is dialog.shipping.state_text
    type_into(dialog, "shipping_state_text", "Berlin")
    payload = dialog.payload()
    assert "billing_address" not in payload  # nothing was entered for billing
    assert payload["shipping_address"] == {
        **Address().to_api(),
        "city": "Berlin",
        "state": "Berlin",
        "country": "DE",
    }


# -- saving -------------------------------------------------------------------------------------


def test_saving_disables_the_inputs_until_the_store_answers(
    qtbot: QtBot, create_dialog: DialogMaker
) -> None:
    dialog = create_dialog()
    type_into(dialog, "email", "ada@example.com")
    with qtbot.waitSignal(dialog.submitted):
        QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    busy = dialog.findChild(QProgressBar, "savingIndicator")
    assert busy is not None
    assert busy.isVisible()
    assert label(dialog, "statusLabel").text() == "Saving..."
    assert not line(dialog, "email").isEnabled()
    assert not dialog.save_button.isEnabled()
    dialog.reject()  # Escape while saving: the answer is on its way, so the dialog stays
    assert dialog.isVisible()


def test_a_store_refusal_of_the_email_stays_on_the_field(
    qtbot: QtBot, create_dialog: DialogMaker
) -> None:
    dialog = create_dialog()
    type_into(dialog, "email", "ada@example.com")
    type_into(dialog, "first_name", "Ada")
    with qtbot.waitSignal(dialog.submitted):
        QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    dialog.tabs.setCurrentIndex(2)  # the user looked elsewhere while waiting
    dialog.show_store_error(
        ValidationError(
            "A customer with this email address already exists in the store.", field="email"
        )
    )
    assert dialog.isVisible()
    assert dialog.tabs.currentIndex() == 0  # brought forward to the field
    assert line(dialog, "email").text() == "ada@example.com"  # the input is kept
    assert line(dialog, "first_name").text() == "Ada"
    assert line(dialog, "email").isEnabled()
    message = label(dialog, "email_error")
    assert message.isVisible()
    assert message.text() == "A customer with this email address already exists in the store."
    assert not label(dialog, "storeErrorBanner").isVisible()
    assert not dialog.save_button.isEnabled()  # the same email would fail the same way
    type_into(dialog, "email", "ada.l@example.com")
    assert not message.isVisible()
    assert dialog.save_button.isEnabled()


def test_a_store_refusal_of_the_billing_email_goes_to_the_billing_tab(
    qtbot: QtBot, create_dialog: DialogMaker
) -> None:
    dialog = create_dialog()
    type_into(dialog, "email", "ada@example.com")
    dialog.show_saving()
    dialog.show_store_error(
        ValidationError(
            "The store does not accept this billing email address.", field=("billing_address.email")
        )
    )
    assert dialog.tabs.currentIndex() == 1
    assert dialog.billing.field_error("email") == (
        "The store does not accept this billing email address."
    )


def test_other_store_errors_show_a_banner_and_keep_the_input(
    qtbot: QtBot, create_dialog: DialogMaker
) -> None:
    dialog = create_dialog()
    type_into(dialog, "email", "ada@example.com")
    dialog.show_saving()
    dialog.show_store_error(NetworkError("The store could not be reached."))
    banner = label(dialog, "storeErrorBanner")
    assert banner.isVisible()
    assert banner.text() == (
        "The store could not be reached. Your input is kept; press Save to try again."
    )
    assert banner.textFormat() == Qt.TextFormat.PlainText
    assert dialog.save_button.isEnabled()
    assert line(dialog, "email").text() == "ada@example.com"
    with qtbot.waitSignal(dialog.submitted):  # trying again hides the banner
        QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()


def test_a_username_refusal_in_edit_mode_has_no_field_and_becomes_a_banner(
    edit_dialog: DialogMaker,
) -> None:
    dialog = edit_dialog()
    dialog.show_store_error(ValidationError("This username is already taken.", field="username"))
    assert label(dialog, "storeErrorBanner").text() == "This username is already taken."


def test_saved_closes_the_dialog(edit_dialog: DialogMaker) -> None:
    notices = Notices()
    dialog = edit_dialog(notify=notices)
    dialog.show_saving()
    dialog.show_saved(SaveResult(ADA))
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert notices.shown == []


def test_saved_with_values_the_store_kept_says_so_in_a_box_over_the_window(
    parent: QWidget, edit_dialog: DialogMaker
) -> None:
    dialog = edit_dialog()
    dialog.show_saving()
    kept = UnappliedChange("email", "new@example.com", "old@example.com")
    dialog.show_saved(SaveResult(ADA, (kept,)))
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Accepted
    box = parent.findChild(QMessageBox, NOTICE_OBJECT_NAME)
    assert box is not None
    assert box is dialog.last_notice
    assert box.isVisible()
    # Over the window until read: the next dialog cannot open on top of it.
    assert box.windowModality() == Qt.WindowModality.WindowModal
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert (
        "The store kept the email old@example.com; the new one (new@example.com) probably "
        "belongs to another customer." in box.text()
    )
    box.close()


@pytest.mark.parametrize(
    ("change", "sentence"),
    [
        (
            UnappliedChange("username", "João", "Joao"),
            'The store set the username to "Joao" instead of "João".',
        ),
        (
            UnappliedChange("billing_address.city", "Köln", "Koln"),
            'The store kept the billing city "Koln" instead of "Köln".',
        ),
        (
            UnappliedChange("shipping_address.company", "<b>x</b>", ""),
            'The store did not save the shipping company "<b>x</b>".',
        ),
    ],
)
def test_each_unapplied_change_is_put_in_words(change: UnappliedChange, sentence: str) -> None:
    assert describe_unapplied(change) == sentence


# -- editing ------------------------------------------------------------------------------------


def test_edit_shows_the_customer_as_plain_text(edit_dialog: DialogMaker) -> None:
    sneaky = ADA.with_changes(first_name="<b>Ada</b>", last_name="<i>L</i>")
    dialog = edit_dialog(sneaky)
    name = label(dialog, "customerName")
    assert name.text() == "<b>Ada</b> <i>L</i>"
    assert name.textFormat() == Qt.TextFormat.PlainText
    assert line(dialog, "first_name").text() == "<b>Ada</b>"
    username = label(dialog, "username")
    assert username.text() == "ada"
    assert username.textFormat() == Qt.TextFormat.PlainText
    assert dialog.findChild(QLineEdit, "password") is None
    assert dialog.save_button.isEnabled()
    assert not dialog.shipping.is_same_as_billing()


def test_edit_sends_only_the_changed_fields(qtbot: QtBot, edit_dialog: DialogMaker) -> None:
    dialog = edit_dialog()
    type_into(dialog, "last_name", "King")
    dialog.tabs.setCurrentIndex(1)
    type_into(dialog, "billing_city", "Marylebone")
    dialog.tabs.setCurrentIndex(2)
    dialog.shipping.state_combo.setCurrentIndex(dialog.shipping.state_combo.findText("Nevada"))
    with qtbot.waitSignal(dialog.submitted) as submitted:
        QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert submitted.args == [
        {
            "last_name": "King",
            "billing_address": {"city": "Marylebone"},
            "shipping_address": {"state": "NV"},
        }
    ]


def test_edit_never_touches_stored_values_it_only_displayed() -> None:
    messy = ADA.with_changes(first_name="Ada ", billing=BillingAddress(country="gb"))
    dialog = CustomerDialog.for_edit(None, messy)
    try:
        assert dialog.payload() == {}
    finally:
        dialog.deleteLater()


def test_edit_without_changes_says_so_and_closes(qtbot: QtBot, edit_dialog: DialogMaker) -> None:
    notices = Notices()
    dialog = edit_dialog(notify=notices)
    with qtbot.assertNotEmitted(dialog.submitted):
        QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert [notice.title for notice in notices.shown] == ["Nothing to save"]


def test_stored_values_that_break_a_rule_warn_but_do_not_block(
    qtbot: QtBot, edit_dialog: DialogMaker
) -> None:
    old = ADA.with_changes(billing=BillingAddress(country="BO", state="B", city="La Paz"))
    dialog = edit_dialog(old)
    assert dialog.save_button.isEnabled()
    assert dialog.billing.field_error("state") == (
        "This is not a state of Bolivia. The store already holds this value."
    )
    dialog.billing.state_combo.setCurrentIndex(dialog.billing.state_combo.findText("La Paz"))
    assert dialog.billing.field_error("state") == ""
    assert dialog.payload() == {"billing_address": {"state": "BO-L"}}


# -- the write gate's rules: what a store would destroy or garble never leaves the dialog -----
#
# The form holds text only, so a list or an object cannot come from it; the client's write gate
# refuses those (tests/api/test_client_gate.py), and its refusal comes back as a store's does.


def test_clearing_the_email_of_a_customer_blocks_save_with_a_reason(
    qtbot: QtBot, edit_dialog: DialogMaker
) -> None:
    """A store erases the email an update sends empty (section 19.3): never sent, and said."""
    dialog = edit_dialog()
    for cleared in ("", "   "):
        edit = line(dialog, "email")
        edit.selectAll()
        QTest.keyClick(edit, Qt.Key.Key_Delete)
        QTest.keyClicks(edit, cleared)
        assert not dialog.save_button.isEnabled()
        assert label(dialog, "email_error").text() == "A customer's email cannot be removed."
        assert label(dialog, "statusLabel").text() == "To save, correct email."
        with qtbot.assertNotEmitted(dialog.submitted):
            QTest.keyClick(edit, Qt.Key.Key_Return)


def test_an_email_over_100_characters_blocks_save(qtbot: QtBot, edit_dialog: DialogMaker) -> None:
    dialog = edit_dialog()
    type_into(dialog, "email", "a" * 89 + "@example.com")
    assert not dialog.save_button.isEnabled()
    assert label(dialog, "email_error").text() == (
        "An email address can have at most 100 characters."
    )
    type_into(dialog, "email", "a" * 88 + "@example.com")
    assert dialog.save_button.isEnabled()


def test_a_username_over_60_characters_blocks_save(
    qtbot: QtBot, create_dialog: DialogMaker
) -> None:
    dialog = create_dialog()
    type_into(dialog, "email", "ada@example.com")
    type_into(dialog, "username", "u" * 61)
    assert not dialog.save_button.isEnabled()
    assert label(dialog, "username_error").text() == "A username can have at most 60 characters."


def test_a_username_the_store_would_make_too_long_asks_for_one(
    qtbot: QtBot, create_dialog: DialogMaker
) -> None:
    """No username: the store makes one from the email's local part, and WordPress refuses it
    over 60 characters. The message shows under the username as soon as the email is typed."""
    dialog = create_dialog()
    type_into(dialog, "email", "b" * 61 + "@example.com")
    assert not dialog.save_button.isEnabled()
    message = label(dialog, "username_error")
    assert message.isVisible()
    assert message.text().startswith("Give a username: from this email address the store")
    assert label(dialog, "statusLabel").text() == "To save, correct username."
    type_into(dialog, "username", "bee")
    assert not message.isVisible()
    assert dialog.save_button.isEnabled()
    assert dialog.payload() == {"email": "b" * 61 + "@example.com", "username": "bee"}


def test_an_edited_email_is_sent_trimmed(qtbot: QtBot, edit_dialog: DialogMaker) -> None:
    dialog = edit_dialog()
    type_into(dialog, "email", "  ada.king@example.com\t")
    with qtbot.waitSignal(dialog.submitted) as submitted:
        QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert submitted.args == [{"email": "ada.king@example.com"}]


def test_a_refusal_by_the_write_gate_lands_on_its_field(edit_dialog: DialogMaker) -> None:
    """What the client's gate refuses comes back like a store's refusal, naming the field."""
    dialog = edit_dialog()
    dialog.show_saving()
    error = refusal({"billing_address": {"city": ["Paris"]}}, creating=False)
    assert error is not None
    dialog.show_store_error(error)
    assert dialog.tabs.currentIndex() == 1
    assert dialog.billing.field_error("city").startswith("Billing city: Give text here")
    assert not dialog.save_button.isEnabled()


# -- screenshots --------------------------------------------------------------------------------


def test_screenshots(qtbot: QtBot, create_dialog: DialogMaker, edit_dialog: DialogMaker) -> None:
    """Pictures of the dialog at its default size, for a person to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def shoot(dialog: CustomerDialog, name: str) -> None:
        QApplication.processEvents()  # let the layouts settle, as the event loop would
        assert dialog.grab().save(str(SCREENSHOTS / f"customer_dialog_{name}.png"))

    fresh = create_dialog(generate_password=False)
    shoot(fresh, "create")
    type_into(fresh, "email", "ada@localhost")
    type_into(fresh, "username", "ada  lovelace")
    shoot(fresh, "create_errors")
    fresh.tabs.setCurrentIndex(1)
    type_into(fresh, "billing_first_name", "Ada")
    choose_country(fresh, "billing", "USA")
    type_into(fresh, "billing_postcode", "1234")
    type_into(fresh, "billing_phone", "call me")
    type_into(fresh, "billing_email", "ada@")
    shoot(fresh, "create_billing_errors")

    edit = edit_dialog()
    shoot(edit, "edit")
    edit.tabs.setCurrentIndex(2)
    shoot(edit, "edit_shipping")
    edit.tabs.setCurrentIndex(0)
    type_into(edit, "email", "grace@example.com")
    edit.show_saving()
    shoot(edit, "edit_saving")
    edit.show_store_error(
        ValidationError(
            "A customer with this email address already exists in the store.", field="email"
        )
    )
    shoot(edit, "edit_store_error")
    edit.show_saving()
    edit.show_store_error(NetworkError("The store could not be reached."))
    shoot(edit, "edit_banner")


def test_creating_says_woocommerce_will_email_the_customer_and_editing_does_not(
    create_dialog: DialogMaker, edit_dialog: DialogMaker
) -> None:
    created = create_dialog()
    note = created.findChild(QLabel, "newAccountEmailNote")
    assert note is not None
    assert note.isVisible()
    assert "WooCommerce will send 1 “New account” e-mail" in note.text()
    assert "link to set a password" in note.text()
    assert "Settings → Emails → “New account”" in note.text()
    edited = edit_dialog()
    assert edited.findChild(QLabel, "newAccountEmailNote") is None


# -- keyboard -----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["create", "edit"])
def test_tab_follows_the_fields_as_shown_on_every_tab(
    qtbot: QtBot, create_dialog: DialogMaker, edit_dialog: DialogMaker, mode: str
) -> None:
    dialog = create_dialog() if mode == "create" else edit_dialog()
    dialog.shipping.set_same_as_billing(False)
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        chain = tab_chain(dialog)
        assert names(chain) == names(visual_order(chain, dialog)), dialog.tabs.tabText(index)
        assert names(chain)[-1] == "cancelButton"


# -- closing ------------------------------------------------------------------------------------


def discard_box(dialog: CustomerDialog) -> QMessageBox | None:
    """The open "Discard changes?" box over ``dialog``."""
    boxes = dialog.findChildren(QMessageBox, DISCARD_OBJECT_NAME)
    shown = [box for box in boxes if box.isVisible()]
    assert len(shown) <= 1
    return shown[0] if shown else None


def answer(box: QMessageBox, text: str) -> None:
    buttons = [button for button in box.buttons() if button.text() == text]
    assert buttons, [button.text() for button in box.buttons()]
    buttons[0].click()


def press_escape(dialog: CustomerDialog) -> None:
    QTest.keyClick(dialog, Qt.Key.Key_Escape)


def click_cancel(dialog: CustomerDialog) -> None:
    button = dialog.findChild(QWidget, "cancelButton")
    assert button is not None
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def close_window(dialog: CustomerDialog) -> None:
    dialog.close()


CLOSERS = [press_escape, click_cancel, close_window]


@pytest.mark.parametrize("close", CLOSERS)
@pytest.mark.parametrize("mode", ["create", "edit"])
def test_an_unchanged_dialog_closes_without_asking(
    create_dialog: DialogMaker,
    edit_dialog: DialogMaker,
    mode: str,
    close: Callable[[CustomerDialog], None],
) -> None:
    dialog = create_dialog() if mode == "create" else edit_dialog()
    close(dialog)
    assert discard_box(dialog) is None
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected


@pytest.mark.parametrize("close", CLOSERS)
def test_a_changed_dialog_asks_before_discarding(
    qtbot: QtBot, edit_dialog: DialogMaker, close: Callable[[CustomerDialog], None]
) -> None:
    dialog = edit_dialog()
    type_into(dialog, "first_name", "Augusta")
    close(dialog)
    box = discard_box(dialog)
    assert box is not None
    assert box.text() == "Discard changes?"
    answer(box, "Cancel")
    assert dialog.isVisible()
    assert line(dialog, "first_name").text() == "Augusta"

    close(dialog)
    box = discard_box(dialog)
    assert box is not None
    answer(box, "Discard")
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_a_change_undone_by_hand_is_no_change(edit_dialog: DialogMaker) -> None:
    dialog = edit_dialog()
    type_into(dialog, "first_name", "Augusta")
    type_into(dialog, "first_name", "Ada")
    assert not dialog.has_changes()
    press_escape(dialog)
    assert not dialog.isVisible()


def test_a_new_customer_with_anything_typed_asks(create_dialog: DialogMaker) -> None:
    dialog = create_dialog()
    choose_country(dialog, "billing", "Germany")
    assert dialog.has_changes()
    click_cancel(dialog)
    press_escape(dialog)  # a second request while asking opens no second box
    assert discard_box(dialog) is not None
    assert dialog.isVisible()


# -- an email the cache already knows -----------------------------------------------------------


class Owners:
    """An injected look-up over a few cached customers, remembering what it was asked."""

    def __init__(self, *customers: Customer) -> None:
        self.by_email = {customer.email.lower(): customer for customer in customers}
        self.asked: list[str] = []

    def __call__(self, email: str) -> Customer | None:
        self.asked.append(email)
        return self.by_email.get(email)


def test_an_email_another_customer_has_is_flagged_before_saving(
    qtbot: QtBot, parent: QWidget
) -> None:
    owners = Owners(ADA)
    dialog = open_dialog(
        qtbot, CustomerDialog.for_create(parent, generate_password=True, email_owner=owners)
    )
    type_into(dialog, "email", " ADA@Example.com ")
    assert label(dialog, "email_error").text() == "Already used by Ada Lovelace (#42)"
    assert not dialog.save_button.isEnabled()
    assert "ada@example.com" in owners.asked
    with qtbot.assertNotEmitted(dialog.submitted):
        QTest.keyClick(line(dialog, "email"), Qt.Key.Key_Return)

    type_into(dialog, "email", "grace@example.com")
    assert label(dialog, "email_error").text() == ""
    assert dialog.save_button.isEnabled()


def test_a_customer_keeps_their_own_email_without_a_flag(qtbot: QtBot, parent: QWidget) -> None:
    dialog = open_dialog(qtbot, CustomerDialog.for_edit(parent, ADA, email_owner=Owners(ADA)))
    type_into(dialog, "email", "Ada@example.com")
    assert label(dialog, "email_error").text() == ""
    assert dialog.save_button.isEnabled()


def test_editing_to_another_customers_email_is_flagged(qtbot: QtBot, parent: QWidget) -> None:
    grace = Customer(id=7, email="grace@example.com", first_name="Grace", last_name="Hopper")
    dialog = open_dialog(
        qtbot, CustomerDialog.for_edit(parent, grace, email_owner=Owners(ADA, grace))
    )
    type_into(dialog, "email", "ada@example.com")
    assert label(dialog, "email_error").text() == "Already used by Ada Lovelace (#42)"
    assert not dialog.save_button.isEnabled()
    assert label(dialog, "statusLabel").text() == "To save, correct email."
