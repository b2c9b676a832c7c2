"""Spreadsheet formula injection: how exported cells are made inert, and how import undoes it.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and some also one that
starts with a tab or carriage return) as a formula, so a customer named ``=HYPERLINK(...)`` could
run code on the machine of whoever opens an export. The export puts an apostrophe in front of such
cells, as OWASP recommends; the import takes exactly that apostrophe away again, so exporting and
re-importing a phone number like ``+49 30 1234`` changes nothing.
"""

from __future__ import annotations

#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formula(cell: str) -> str:
    """The cell as an export writes it: with a leading apostrophe when it could run.

    A cell that already looks neutralised (apostrophes, then a formula character) gets one more,
    so :func:`restore_formula` gives back exactly what the customer's field held.
    """
    return f"'{cell}" if cell.lstrip("'").startswith(FORMULA_STARTS) else cell


def restore_formula(cell: str) -> str:
    """The cell as it was before :func:`neutralize_formula`; any other cell is unchanged."""
    if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_STARTS):
        return cell[1:]
    return cell
