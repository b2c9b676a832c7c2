"""What creating customers sets off in WooCommerce: one "New account" e-mail to each.

WooCommerce's ``wc_create_new_customer`` sends the e-mail whichever API creates the customer
(legacy ``/wc-api/v3`` or ``/wp-json/wc/v3``, one at a time or in bulk); the app cannot stop it.
The owner can: the e-mail is switched off in WooCommerce's settings. This module words that
warning once, for the import's dry run and confirmation, the customer dialog and the command line.
Updates send nothing, so only the number of customers to create counts.
"""

from __future__ import annotations

#: Where the owner switches the e-mail off in WordPress.
EMAIL_SETTING = "WooCommerce → Settings → Emails → “New account”"


def new_account_emails(count: int) -> str:
    """``3 “New account” e-mails`` (the number, in words for people)."""
    return f"{count:,} “New account” e-mail{'s' if count != 1 else ''}"


def new_account_emails_warning(
    count: int, *, password_link: bool = False, before: str = "importing"
) -> str:
    """The warning for ``count`` customers about to be created; "" when none are.

    Args:
        count: customers to create (updates send no e-mail).
        password_link: the store generates passwords, so each e-mail carries a link to set one.
        before: what the owner does next ("importing", "saving"), for the advice.
    """
    if count <= 0:
        return ""
    whom = "the new customer" if count == 1 else f"each of the {count:,} new customers"
    link = " with a link to set a password" if password_link else ""
    return (
        f"WooCommerce will send {new_account_emails(count)}: {whom} gets one{link} as soon "
        "as the account is created, whichever API the app uses, and the app cannot stop that. "
        f"To create customers without e-mailing them, switch off {EMAIL_SETTING} before "
        f"{before} (and on again afterwards)."
    )
