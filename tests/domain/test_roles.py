"""Role names for the table and the role filter."""

from __future__ import annotations

import pytest

from app.domain.roles import role_name, role_plural


@pytest.mark.parametrize(
    ("role", "one", "several"),
    [
        ("customer", "Customer", "Customers"),
        ("administrator", "Administrator", "Administrators"),
        ("shop_manager", "Shop manager", "Shop managers"),
        ("subscriber", "Subscriber", "Subscribers"),
        ("wpseo_manager", "Wpseo manager", "Wpseo managers"),
        ("class_boss", "Class boss", "Class bosses"),
        ("deputy", "Deputy", "Deputies"),
        ("", "", "No role"),
        (None, "", "No role"),
    ],
)
def test_roles_read_as_people_write_them(role: str | None, one: str, several: str) -> None:
    assert role_name(role) == one
    assert role_plural(role) == several
