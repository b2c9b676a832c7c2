"""The files named on a command line for the desktop app to open (a desktop entry's ``%f``).

This module owns telling those files apart from the app's own arguments, without Qt, so the
command line can do it before deciding whether the desktop app starts at all.
"""

from __future__ import annotations

import argparse
from collections.abc import Collection, Sequence

#: The files the desktop app opens: what its desktop entry declares (text/csv, TSV).
OPEN_FILE_SUFFIXES = (".csv", ".tsv")


def split_file_arguments(
    argv: Sequence[str], commands: Collection[str]
) -> tuple[list[str], list[str]]:
    """Separate the files to open from the app's own arguments.

    A desktop entry runs ``woo-customers /path/file.csv``; the argument parser knows commands
    and options, not files. Arguments ending in one of :data:`OPEN_FILE_SUFFIXES` (any case)
    are files to open, unless the command line names a command: then the command owns its
    arguments (``woo-customers import FILE.csv``).

    Args:
        argv: the command line without the program name.
        commands: the names of the command line's commands.

    Returns:
        The arguments for the parser, and the files, both in their order.
    """
    if any(argument in commands for argument in argv):
        return list(argv), []
    rest: list[str] = []
    files: list[str] = []
    for argument in argv:
        is_file = not argument.startswith("-") and argument.lower().endswith(OPEN_FILE_SUFFIXES)
        (files if is_file else rest).append(argument)
    return rest, files


def command_names(parser: argparse.ArgumentParser) -> set[str]:
    """The names of a parser's top-level commands (its subparsers), aliases included.

    Args:
        parser: the command line's parser.

    Returns:
        The names; empty when it has no commands.
    """
    names: set[str] = set()
    for action in parser._actions:  # argparse has no public way to list them
        if isinstance(action, argparse._SubParsersAction):
            names.update(action.choices)
    return names
