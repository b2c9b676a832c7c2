"""The one setting the demo store's settings API serves: whether new customers get a generated
password (``app.demo_store.rest.settings``, facts from WooCommerce 9.4.2's source)."""

from __future__ import annotations

import pytest

from tests.conftest import StoreFactory
from tests.support.rest import anonymous, error, official

ROUTE = "settings/account/woocommerce_registration_generate_password"


@pytest.mark.parametrize(("generate", "value"), [(True, "yes"), (False, "no")])
def test_the_setting_says_yes_or_no_as_the_store_option(
    start_store: StoreFactory, generate: bool, value: str
) -> None:
    store = start_store(api="modern", generate_password=generate)
    answer = official(store, store.keys["read"]).get(ROUTE)
    assert answer.status_code == 200
    body = answer.json()
    assert list(body) == [
        "id",
        "label",
        "description",
        "type",
        "default",
        "tip",
        "value",
        "group_id",
        "_links",
    ]
    assert body["id"] == "woocommerce_registration_generate_password"
    assert body["type"] == "checkbox"
    assert body["default"] == "yes"
    assert body["value"] == value
    assert body["group_id"] == "account"
    base = f"{store.base_url}/wp-json/wc/v3/settings/account"
    assert body["_links"] == {
        "self": [{"href": f"{base}/woocommerce_registration_generate_password"}],
        "collection": [{"href": base}],
    }
    trimmed = official(store).get(ROUTE, params={"_fields": "value"})
    assert trimmed.json() == {"value": value, "_links": body["_links"]}  # one item keeps them


def test_unknown_group_and_setting_are_404(start_store: StoreFactory) -> None:
    store = start_store(api="modern")
    wc = official(store)
    group = wc.get("settings/nope/woocommerce_registration_generate_password")
    assert error(group) == (404, "rest_setting_setting_group_invalid", "Invalid setting group.")
    # Group ids are compared exactly, although the route matches in any case.
    upper = wc.get("settings/Account/woocommerce_registration_generate_password")
    assert error(upper)[1] == "rest_setting_setting_group_invalid"
    unknown = wc.get("settings/account/nope")
    assert error(unknown) == (404, "rest_setting_setting_invalid", "Invalid setting.")


def test_the_setting_needs_manage_woocommerce(start_store: StoreFactory) -> None:
    store = start_store(api="modern")
    refused = ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
    # The permission check comes before the group and setting checks.
    for path in (ROUTE, "settings/nope/x"):
        assert error(anonymous(store, f"/wp-json/wc/v3/{path}")) == (401, *refused)
    subscriber = store.create_user("sub.scriber", "sub.scriber@example.com", "subscriber")
    key = store.create_api_key(subscriber, "read")
    assert error(official(store, key).get(ROUTE)) == (403, *refused)
    manager = store.create_user("shop.manager", "shop.manager@example.com", "shop_manager")
    answer = official(store, store.create_api_key(manager, "read")).get(ROUTE)
    assert answer.status_code == 200


def test_a_store_without_wc_routes_has_no_settings(start_store: StoreFactory) -> None:
    store = start_store(api="legacy")
    answer = anonymous(store, f"/wp-json/wc/v3/{ROUTE}")
    assert error(answer)[:2] == (404, "rest_no_route")
