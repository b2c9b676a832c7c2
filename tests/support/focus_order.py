"""Walk a window's Tab chain and compare it with where its fields are on screen."""

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QWidget


def is_tab_stop(widget: QWidget, top: QWidget) -> bool:
    """Whether Tab can land on ``widget`` as ``top`` is shown now (QWidget's own rules)."""
    return (
        bool(widget.focusPolicy().value & 1)  # Qt.TabFocus
        and widget.focusProxy() is None
        and widget.isVisibleTo(top)
        and widget.isEnabled()
    )


def tab_chain(top: QWidget) -> list[QWidget]:
    """The tab stops inside ``top`` in the order Tab visits them, from ``top`` once around."""
    QApplication.processEvents()
    stops: list[QWidget] = []
    widget = top.nextInFocusChain()
    while widget is not None and widget is not top:
        if top.isAncestorOf(widget) and is_tab_stop(widget, top):
            stops.append(widget)
        widget = widget.nextInFocusChain()
    return stops


def visual_order(widgets: list[QWidget], top: QWidget) -> list[QWidget]:
    """``widgets`` as a reader meets them: row by row (rows overlap vertically), then by x."""
    boxes = []
    for widget in widgets:
        corner = widget.mapTo(top, QPoint(0, 0))
        boxes.append((corner.y(), corner.y() + widget.height(), corner.x(), widget))
    boxes.sort(key=lambda box: (box[0], box[2]))
    rows: list[list[tuple[int, int, int, QWidget]]] = []
    for box in boxes:
        if rows and box[0] < min(other[1] for other in rows[-1]):
            rows[-1].append(box)
        else:
            rows.append([box])
    return [box[3] for row in rows for box in sorted(row, key=lambda box: box[2])]


def names(widgets: list[QWidget]) -> list[str]:
    """Readable names for an assertion message."""
    return [widget.objectName() or type(widget).__name__ for widget in widgets]
