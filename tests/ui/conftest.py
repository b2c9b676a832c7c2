"""Window fixtures shared by the window's test modules (defined with the main window's tests)."""

from tests.ui.test_main_window import url_window, windows

__all__ = ["url_window", "windows"]
