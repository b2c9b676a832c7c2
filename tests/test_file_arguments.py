"""The files on a desktop app's command line, told apart from commands and options."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.parser import build_parser
from app.file_arguments import command_names, split_file_arguments

COMMANDS = command_names(build_parser())


def test_the_real_command_line_commands_are_found() -> None:
    assert {"customers", "store", "sync", "import", "export", "cache"} <= COMMANDS
    assert "--demo" not in COMMANDS


def test_a_parser_without_commands_has_none() -> None:
    assert command_names(argparse.ArgumentParser()) == set()


@pytest.mark.parametrize(
    ("argv", "rest", "files"),
    [
        ([], [], []),
        (["/home/me/List.CSV"], [], ["/home/me/List.CSV"]),
        (["--data-dir", "/srv/d", "a.csv", "b.tsv"], ["--data-dir", "/srv/d"], ["a.csv", "b.tsv"]),
        (["--demo", "notes.txt"], ["--demo", "notes.txt"], []),
        (["--screenshot", "/srv/x.png"], ["--screenshot", "/srv/x.png"], []),
        (["import", "people.csv"], ["import", "people.csv"], []),
        (["export", "--demo", "out.csv"], ["export", "--demo", "out.csv"], []),
        (
            ["customers", "list", "--search", "x.csv"],
            ["customers", "list", "--search", "x.csv"],
            [],
        ),
    ],
)
def test_split_file_arguments(argv: list[str], rest: list[str], files: list[str]) -> None:
    assert split_file_arguments(argv, COMMANDS) == (rest, files)


def test_what_is_left_parses_as_the_desktop_app(tmp_path: Path) -> None:
    """A desktop entry's command line: the parser never sees the file."""
    rest, files = split_file_arguments(["--data-dir", str(tmp_path), "C:/x/people.csv"], COMMANDS)
    options = build_parser().parse_args(rest)
    assert options.command is None
    assert options.data_dir == tmp_path
    assert files == ["C:/x/people.csv"]


def test_without_splitting_the_parser_would_refuse_the_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Why the split exists: a file is not a command."""
    with pytest.raises(SystemExit):
        build_parser().parse_args(["people.csv"])
    assert "invalid choice" in capsys.readouterr().err


def test_the_module_loads_no_qt() -> None:
    code = (
        "import sys, app.file_arguments; print(any(m.startswith('PySide6') for m in sys.modules))"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "False"
