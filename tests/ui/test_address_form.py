"""The address form: country names in, ISO codes out; a state list or free text; same as billing."""

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QStackedWidget
from pytestqt.qtbot import QtBot

from app.domain.customer import Address, BillingAddress
from app.domain.validation import Severity
from app.ui.address_form import AddressForm, AddressKind
from tests.support.focus_order import names, tab_chain, visual_order

# The offscreen platform cannot resize, raise or grab like a desktop; it says so on every
# window, which is no fault of the widgets under test.
pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"
)

FormFactory = Callable[[AddressKind], AddressForm]


@pytest.fixture
def make_form(qtbot: QtBot) -> FormFactory:
    def make(kind: AddressKind) -> AddressForm:
        form = AddressForm(kind)
        qtbot.addWidget(form)
        form.show()
        qtbot.waitExposed(form)
        return form

    return make


def choose_country(form: AddressForm, typed: str) -> None:
    """Type into the country box and press Enter, as a user would."""
    line = form.country.lineEdit()
    assert line is not None
    line.selectAll()
    QTest.keyClicks(line, typed)
    QTest.keyClick(line, Qt.Key.Key_Return)


def test_every_field_has_a_stable_object_name(make_form: FormFactory) -> None:
    billing = make_form("billing")
    for name in ("first_name", "last_name", "company", "address_1", "address_2", "city"):
        assert billing.findChild(QLineEdit, f"billing_{name}") is not None
    for name in ("postcode", "email", "phone"):
        assert billing.findChild(QLineEdit, f"billing_{name}") is not None
    assert billing.findChild(QComboBox, "billing_country") is not None
    assert billing.findChild(QStackedWidget, "billing_state") is not None
    assert billing.findChild(QComboBox, "billing_state_combo") is not None
    assert billing.findChild(QLineEdit, "billing_state_text") is not None
    assert billing.findChild(QLabel, "billing_city_error") is not None
    assert not billing.same_as_billing.isVisibleTo(billing)

    shipping = make_form("shipping")
    assert shipping.findChild(QLineEdit, "shipping_city") is not None
    assert shipping.findChild(QLineEdit, "shipping_email") is None
    assert shipping.findChild(QLineEdit, "shipping_phone") is None
    assert shipping.findChild(QCheckBox, "shipping_same_as_billing") is not None
    assert shipping.same_as_billing.isVisibleTo(shipping)


def test_an_address_goes_in_and_comes_out_unchanged(make_form: FormFactory) -> None:
    billing = make_form("billing")
    address = BillingAddress(
        first_name="Ada",
        last_name="Lovelace",
        company="<b>Engines</b> Ltd",
        address_1="12 St James's Square",
        city="London",
        postcode="SW1Y 4JH",
        country="GB",
        email="ada@example.com",
        phone="+44 20 7946 0000",
    )
    billing.set_address(address)
    assert billing.address() == address
    assert billing.country.currentText() == "United Kingdom (UK)"

    shipping = make_form("shipping")
    shipping.set_address(Address(city="Paris", country="FR"))
    result = shipping.address()
    assert type(result) is Address
    assert result == Address(city="Paris", country="FR")


def test_a_country_with_states_offers_its_list(make_form: FormFactory, qtbot: QtBot) -> None:
    form = make_form("billing")
    choose_country(form, "United States (US)")
    assert form.country_value() == "US"
    assert form.state.currentWidget() is form.state_combo
    assert form.state_combo.count() == 55  # "no state" and the 54 entries
    form.state_combo.setCurrentIndex(form.state_combo.findText("New York"))
    assert form.address().state == "NY"


def test_a_country_without_states_takes_free_text(make_form: FormFactory, qtbot: QtBot) -> None:
    form = make_form("billing")
    choose_country(form, "Germany")
    assert form.country_value() == "DE"
    assert form.state.currentWidget() is form.state_text
    QTest.keyClicks(form.state_text, "Bayern")
    assert form.address().state == "Bayern"


def test_typed_country_names_and_aliases_become_codes(make_form: FormFactory, qtbot: QtBot) -> None:
    form = make_form("billing")
    choose_country(form, "Deutschland")
    assert form.country_value() == "DE"
    assert form.country.currentText() == "Germany"
    choose_country(form, "usa")
    assert form.country_value() == "US"
    assert form.state.currentWidget() is form.state_combo


def test_unknown_typed_country_comes_back_as_typed(make_form: FormFactory, qtbot: QtBot) -> None:
    form = make_form("billing")
    choose_country(form, "Atlantis")
    assert form.country_value() == "Atlantis"
    assert form.state.currentWidget() is form.state_text


def test_switching_countries_keeps_a_typed_state_where_it_can(
    make_form: FormFactory, qtbot: QtBot
) -> None:
    form = make_form("billing")
    form.set_address(BillingAddress(country="FR"))
    QTest.keyClicks(form.state_text, "California")
    form.country.setCurrentIndex(form.country.findData("US"))
    assert form.address().state == "CA"  # the typed name matches a state of the new country
    form.country.setCurrentIndex(form.country.findData("BR"))
    assert form.address().state == ""  # California is no Brazilian state, "CA" no code there
    form.country.setCurrentIndex(form.country.findData("FR"))
    assert form.address().state == "California"  # the free text was kept all along


def test_a_state_code_never_carries_over_to_another_country(make_form: FormFactory) -> None:
    form = make_form("billing")
    form.set_address(BillingAddress(country="US", state="AL"))  # Alabama
    form.country.setCurrentIndex(form.country.findData("BR"))  # where AL is Alagoas
    assert form.address().state == ""


def test_stored_values_the_lists_do_not_know_are_kept(make_form: FormFactory) -> None:
    form = make_form("billing")
    form.set_address(BillingAddress(country="BO", state="B"))  # an old store's Bolivian code
    assert form.address().state == "B"
    assert form.state_combo.currentText() == "B (not in the list)"
    form.set_address(BillingAddress(country="BO", state="BO-L"))
    assert form.state_combo.findText("B (not in the list)") == -1  # the extra entry went away
    form.set_address(BillingAddress(country="us"))
    assert form.address().country == "us"


def test_same_as_billing_copies_billing_and_disables_the_fields(make_form: FormFactory) -> None:
    billing = make_form("billing")
    shipping = make_form("shipping")
    shipping.follow(billing)
    billing.set_address(BillingAddress(first_name="Ada", city="Turin", country="IT", state="TO"))
    shipping.set_same_as_billing(True)
    city = shipping.findChild(QLineEdit, "shipping_city")
    assert city is not None
    assert not city.isEnabled()
    assert city.text() == "Turin"
    assert shipping.address() == Address(first_name="Ada", city="Turin", country="IT", state="TO")

    billing.set_address(BillingAddress(city="Milan", country="IT", state="MI", phone="1"))
    assert city.text() == "Milan"
    assert shipping.address() == Address(city="Milan", country="IT", state="MI")

    shipping.set_same_as_billing(False)
    assert city.isEnabled()
    assert shipping.address().city == "Milan"  # a starting point for a different address


def test_user_edits_are_reported_by_field(make_form: FormFactory, qtbot: QtBot) -> None:
    form = make_form("billing")
    city = form.findChild(QLineEdit, "billing_city")
    assert city is not None
    with qtbot.waitSignal(form.field_edited, check_params_cb=lambda name: name == "city"):
        QTest.keyClicks(city, "Oslo")
    with qtbot.assertNotEmitted(form.field_edited):
        form.set_address(BillingAddress(city="Bergen"))
    with qtbot.waitSignal(form.field_edited, check_params_cb=lambda name: name == "country"):
        choose_country(form, "Norway")


def test_field_errors_show_under_the_field_as_plain_text(make_form: FormFactory) -> None:
    form = make_form("billing")
    email = form.field_widget("email")
    normal = email.palette().color(QPalette.ColorRole.Base)
    form.set_field_error("email", "<b>Not</b> valid")
    label = form.findChild(QLabel, "billing_email_error")
    assert label is not None
    assert label.isVisible()
    assert label.text() == "<b>Not</b> valid"
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert form.field_error("email") == "<b>Not</b> valid"
    assert form.field_severity("email") is Severity.ERROR
    assert email.palette().color(QPalette.ColorRole.Base) != normal

    form.set_field_error("postcode", "Looks odd", Severity.WARNING)
    assert form.field_severity("postcode") is Severity.WARNING
    form.set_field_error("state", "Not a state")  # marks both state inputs
    form.clear_errors()
    assert not label.isVisible()
    assert form.field_error("email") == ""
    assert form.field_severity("postcode") is None
    assert email.palette().color(QPalette.ColorRole.Base) == normal


@pytest.mark.parametrize("kind", ["billing", "shipping"])
@pytest.mark.parametrize("country", ["", "US", "DE"])
def test_tab_follows_the_fields_down_the_form(
    make_form: FormFactory, kind: AddressKind, country: str
) -> None:
    form = make_form(kind)
    form.set_address(Address(country=country))
    chain = tab_chain(form)
    assert names(chain) == names(visual_order(chain, form))
    first = ["first_name", "last_name", "company", "country", "address_1"]
    if kind == "shipping":
        first.insert(0, "same_as_billing")
    assert names(chain)[: len(first)] == [f"{kind}_{name}" for name in first]


# -- the country's labels -----------------------------------------------------------------------


def test_labels_follow_the_chosen_country(make_form: FormFactory) -> None:
    form = make_form("billing")
    assert form.field_label("postcode") == "Postcode / ZIP"
    choose_country(form, "United States")
    assert (form.field_label("state"), form.field_label("postcode")) == ("State", "ZIP code")
    choose_country(form, "United Kingdom")
    assert (form.field_label("state"), form.field_label("postcode")) == ("County", "Postcode")
    assert form.state_text.placeholderText() == "Optional"
    choose_country(form, "Australia")
    assert form.field_label("city") == "Suburb"
    choose_country(form, "Brazil")
    assert form.field_label("postcode") == "Postcode / ZIP"
    assert form.field_label("city") == "Town / city"


def test_a_country_without_states_hides_the_state_row(make_form: FormFactory) -> None:
    form = make_form("shipping")
    form.set_address(Address(country="US", state="CA"))
    assert form.is_field_shown("state")
    choose_country(form, "Germany")
    assert not form.is_field_shown("state")
    assert form.state_value() == ""
    choose_country(form, "Canada")
    assert form.is_field_shown("state")
    assert form.field_label("state") == "Province"


def test_a_stored_state_stays_in_view_where_the_country_has_none(make_form: FormFactory) -> None:
    form = make_form("billing")
    form.set_address(Address(country="DE", state="Bayern"))
    assert form.is_field_shown("state")
    assert form.address().state == "Bayern"
    form.set_address(Address(country="DE"))
    assert not form.is_field_shown("state")


def test_the_labels_follow_a_loaded_address(make_form: FormFactory) -> None:
    form = make_form("billing")
    form.set_address(Address(country="IN"))
    assert (form.field_label("state"), form.field_label("postcode")) == ("State", "PIN")
    form.set_address(Address(country="JP"))
    assert form.field_label("state") == "Prefecture"
