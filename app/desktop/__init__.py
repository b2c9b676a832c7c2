"""The desktop app's place in the operating system, apart from its windows.

One instance per user and data folder, files handed over by a desktop entry or a file manager,
the icons and other resource files, the system libraries Qt needs, and the diagnostics a user
copies into a bug report; and the timer that has the GUI thread, and no other, collect Python's
garbage.
"""
