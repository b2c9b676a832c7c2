r"""``GET /wc/v3/settings/account/woocommerce_registration_generate_password``: one setting.

Whether the store generates passwords for new customers, the one store option a wc/v3 client
cannot learn elsewhere (the legacy index's ``meta.generate_password``). Only this setting of the
settings API is served; any other group or setting id answers as WooCommerce does for unknown
ones (a real store also knows the other groups and settings, this one does not).

Facts, from WooCommerce 9.4.2 as built in ``bitpoke/stack-example-wordpress`` at commit
26df54581a288bb2fd29c5cf513affdf4c05bbd9 (``woocommerce.php`` L6 "Version: 9.4.2"; paths below
are under ``wp-content/plugins/woocommerce/``):

* **The option is in group ``account``.** ``WC_Settings_Accounts`` has ``$this->id =
  'account'`` (``includes/admin/settings/class-wc-settings-accounts.php`` L25) and its default
  section lists ``woocommerce_registration_generate_password``: title "Account creation
  options", desc "Send password setup link (recommended)", desc_tip "New customers receive an
  email to set up their password.", default ``yes``, type ``checkbox`` (L103-112). The block
  checkout variant only drops its ``checkboxgroup`` (L243-258); a plugin may still filter it out
  (``woocommerce_account_settings``, L268).
* **Settings pages are REST groups.** ``WC_Admin_Settings::get_settings_pages()`` includes the
  accounts page unconditionally (``includes/admin/class-wc-admin-settings.php`` L46-73, L61; the
  class is autoloaded on REST requests, ``includes/class-wc-autoloader.php`` L98-99).
  ``WooCommerce::register_wp_admin_settings()`` runs on ``rest_api_init``
  (``includes/class-woocommerce.php`` L307, L1290-1300) and wraps each page in
  ``WC_Register_WP_Admin_Settings`` (``includes/class-wc-register-wp-admin-settings.php``):
  group id = page id (L92-98), every section's settings with an ``id`` become REST settings
  (L107-139) built as ``id, label (title), description (desc), type, option_key`` then
  ``default``, ``options``, ``tip`` (desc_tip) when set (L148-183).
* **Route.** ``WC_REST_Setting_Options_Controller`` is a wc/v3 controller
  (``includes/rest-api/Server.php`` L182); ``rest_base`` ``settings/(?P<group_id>[\w-]+)`` and
  the item route ``/(?P<id>[\w-]+)`` with GET ``get_item`` and EDITABLE ``update_item``
  (``includes/rest-api/Controllers/Version2/class-wc-rest-setting-options-v2-controller.php``
  L33, L80-107; the v3 class sets ``namespace = 'wc/v3'``,
  ``includes/rest-api/Controllers/Version3/class-wc-rest-setting-options-controller.php`` L26).
  So: ``GET /wp-json/wc/v3/settings/account/woocommerce_registration_generate_password``.
* **Permission.** GET's ``permission_callback`` is ``get_items_permissions_check``: unless
  ``wc_rest_check_manager_permissions('settings', 'read')`` → 401/403
  ``woocommerce_rest_cannot_view`` "Sorry, you cannot list resources." (v2 controller L381-387;
  status ``rest_authorization_required_code()``: 401 anonymous, 403 a logged-in key user,
  reference §15). ``settings`` maps to capability ``manage_woocommerce``
  (``includes/wc-rest-functions.php`` L318-332). The permission check runs before the handler,
  so an anonymous caller gets 401 also for an unknown group.
* **Unknown group / setting.** Group with no settings → 404 ``rest_setting_setting_group_invalid``
  "Invalid setting group." (v3 controller L74-83); empty or unknown setting id, or a setting of a
  type the API does not serve → 404 ``rest_setting_setting_invalid`` "Invalid setting." (v2
  controller L239-263: L241, L253, L259). The group is checked first.
* **Value.** ``WC_Admin_Settings::get_option($option_key, $default)`` (v3 controller L95): the
  stored option, or the default ``"yes"`` when never saved (``class-wc-admin-settings.php``
  L170-205); a saved checkbox is ``"yes"`` or ``"no"`` (L883-884). A string, not a boolean.
* **Shape.** ``get_group_settings`` appends ``value`` (v3 L85-97), v3 ``get_setting`` appends
  ``group_id`` (v3 L35-42); ``prepare_item_for_response`` drops ``option_key`` and keeps the
  allowed keys in their order (v2 L342-350, L412-427; v3 allowed keys L50-66, schema with
  ``group_id`` L173) and adds ``_links`` ``self`` and ``collection`` (v2 L360-372). So::

      {"id": "woocommerce_registration_generate_password", "label": "Account creation options",
       "description": "Send password setup link (recommended)", "type": "checkbox",
       "default": "yes", "tip": "New customers receive an email to set up their password.",
       "value": "yes", "group_id": "account",
       "_links": {"self": [{"href": "{home}/wp-json/wc/v3/settings/account/<id>"}],
                  "collection": [{"href": "{home}/wp-json/wc/v3/settings/account"}]}}

  ``_fields=value`` trims it to ``value`` (and ``_links``, as every single item, §4.8).
"""

from __future__ import annotations

from app.demo_store.rest.errors import RestError
from app.demo_store.rest.pipeline import RestAnswer, RestRequest, RestRoute

GROUP = "account"
SETTING = "woocommerce_registration_generate_password"
_CANNOT_VIEW = ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")


def setting(req: RestRequest, url: dict[str, str]) -> RestAnswer:
    """The generate-password setting of group ``account``; 404 for any other group or id."""
    if req.caller is None:
        raise RestError(401, *_CANNOT_VIEW)
    if not req.caller.can("manage_woocommerce"):
        raise RestError(403, *_CANNOT_VIEW)
    # The route matches case-insensitively (pipeline); WooCommerce compares the ids exactly.
    if url["group_id"] != GROUP:
        raise RestError(404, "rest_setting_setting_group_invalid", "Invalid setting group.")
    if url["id"] != SETTING:
        raise RestError(404, "rest_setting_setting_invalid", "Invalid setting.")
    base = f"{req.site.home_url}/wp-json/wc/v3/settings/{GROUP}"
    return RestAnswer(
        {
            "id": SETTING,
            "label": "Account creation options",
            "description": "Send password setup link (recommended)",
            "type": "checkbox",
            "default": "yes",
            "tip": "New customers receive an email to set up their password.",
            "value": "yes" if req.site.generate_password else "no",
            "group_id": GROUP,
            "_links": {
                "self": [{"href": f"{base}/{SETTING}"}],
                "collection": [{"href": base}],
            },
        }
    )


ROUTES = [RestRoute(r"/wc/v3/settings/(?P<group_id>[\w-]+)/(?P<id>[\w-]+)", {"GET": setting})]
