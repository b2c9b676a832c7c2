"""The command line: the same core as the desktop app, for scripts and store developers."""
