"""The custom item data roles of the models, and the alignment they give numbers.

Every model of this package and the views over them share these numbers, so they live in one
place and cannot collide: each role above ``Qt.ItemDataRole.UserRole`` is listed here once.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import Qt

#: Raw, comparable values (str, int, Decimal, datetime or None), for sorting and for tests.
SORT_ROLE: Final = Qt.ItemDataRole.UserRole + 1
#: The :class:`~app.domain.customer.Customer` of a row of the customer table (read from the
#: cache when asked).
CUSTOMER_ROLE: Final = Qt.ItemDataRole.UserRole + 2
#: The customer id (int) of a row of the customer table.
ID_ROLE: Final = Qt.ItemDataRole.UserRole + 3
#: The :class:`~app.domain.order.Order` of a row of the orders table.
ORDER_ROLE: Final = Qt.ItemDataRole.UserRole + 4
#: The :class:`~app.domain.order.Download` of a row of the downloads table.
DOWNLOAD_ROLE: Final = Qt.ItemDataRole.UserRole + 5
#: The :class:`~app.models.orders_model.LineKind` of a row of an order's lines.
LINE_KIND_ROLE: Final = Qt.ItemDataRole.UserRole + 6
#: The :class:`~app.importer.records.PlannedRow` of a row of the import preview.
PLANNED_ROLE: Final = Qt.ItemDataRole.UserRole + 7
#: What happens to a row of the import preview: its :class:`~app.importer.records.RowAction`
#: from the plan, or its :class:`~app.importer.records.Outcome` once results are set.
ACTION_ROLE: Final = Qt.ItemDataRole.UserRole + 8

#: The ``TextAlignmentRole`` of numbers, cells and headers alike: right-aligned, as numbers are
#: read (digits line up).
NUMBER_ALIGNMENT: Final = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
