"""The files named on a command line for the desktop app to open (a desktop entry's ``%f``).

This module owns telling those files apart from the app's own arguments, without Qt, so the
command line can do it before deciding whether the desktop app starts at all.
"""

from __future__ import annotations

import argparse
from collections.abc import Collection, Sequence
from pathlib import Path

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


def value_options(parser: argparse.ArgumentParser) -> set[str]:
    """The option strings of a parser's top level that take a value (``--data-dir DIR``).

    Args:
        parser: the command line's parser.

    Returns:
        Those options' spellings, short and long.
    """
    return {
        option
        for action in parser._actions
        if action.option_strings and action.nargs != 0
        for option in action.option_strings
    }


def _looks_like_a_file(argument: str) -> bool:
    path = Path(argument)
    return bool(path.suffix) or "/" in argument or "\\" in argument or path.exists()


def file_argument_problem(
    argv: Sequence[str],
    files: Sequence[str],
    commands: Collection[str],
    takes_value: Collection[str],
) -> str | None:
    """What is wrong with the files on a desktop app's command line, in one sentence.

    A file to open that does not exist, or an argument that names a file the app cannot open
    (``woo-customers report.pdf``), is refused before the desktop app starts: the parser would
    call such a file an "invalid choice" of command, and a missing CSV file would open an
    empty import wizard.

    Args:
        argv: the arguments left for the parser (see :func:`split_file_arguments`).
        files: the files to open it found.
        commands: the names of the command line's commands.
        takes_value: the options whose next argument is their value (:func:`value_options`).

    Returns:
        The problem, or None when there is none (a mistyped command is left to the parser).
    """
    for name in files:
        if not Path(name).is_file():
            return f"cannot open {name}: there is no such file"
    if any(argument in commands for argument in argv):
        return None
    after_option = False
    for argument in argv:
        if after_option:
            after_option = False
            continue
        if argument.startswith("-"):
            after_option = argument in takes_value
            continue
        if _looks_like_a_file(argument):
            kinds = " and ".join(OPEN_FILE_SUFFIXES)
            return (
                f"cannot open {argument}: the app opens {kinds} files "
                "(for the commands, see --help)"
            )
        return None
    return None
