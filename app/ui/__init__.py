"""The Qt shell: the main window, its panels, forms and dialogs; layout and wiring, no I/O."""
