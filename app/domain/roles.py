"""WordPress roles as people write them: "Shop manager" for one, "Shop managers" for several.

A role is stored as WordPress names it (``shop_manager``); a store's plugins can add roles this
module has never heard of, which get a name made from their slug.
"""

from __future__ import annotations


def role_name(role: str | None) -> str:
    """One account's role (``shop_manager`` -> "Shop manager"; "" for no role)."""
    return (role or "").replace("_", " ").strip().capitalize()


def role_plural(role: str | None) -> str:
    """Accounts of a role, several of them (``shop_manager`` -> "Shop managers").

    An account without a role is "No role".
    """
    name = role_name(role)
    if not name:
        return "No role"
    if name.endswith(("s", "x", "sh", "ch")):
        return f"{name}es"
    if name.endswith("y") and name[-2:-1] not in tuple("aeiou"):
        return f"{name[:-1]}ies"
    return f"{name}s"
