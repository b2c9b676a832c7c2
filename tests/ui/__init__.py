"""Tests of the widgets and dialogs, with pytest-qt on the offscreen platform."""
