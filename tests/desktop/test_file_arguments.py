"""The files on a desktop app's command line, told apart from commands and options."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from app.cli.parser import build_parser
from app.desktop.file_arguments import command_names, split_file_arguments

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
        "import sys, app.desktop.file_arguments; "
        "print(any(m.startswith('PySide6') for m in sys.modules))"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "False"


# -- files the app cannot open: refused before the desktop app starts -----------------------------


@pytest.fixture
def desktop_runs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The files each desktop start was given (the desktop app itself never starts)."""
    import app.main

    started: list[list[str]] = []

    def run_desktop(options: argparse.Namespace, paths: object, files: Sequence[str] = ()) -> int:
        started.append(list(files))
        return 0

    monkeypatch.setattr(app.main, "run_desktop", run_desktop)
    return started


@pytest.mark.parametrize("name", ["report.pdf", "notes.txt", "sub/dir/Kunden"])
def test_a_file_the_app_cannot_open_is_a_clear_usage_error(
    name: str,
    tmp_path: Path,
    desktop_runs: list[list[str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`woo-customers report.pdf`: exit 2 with one sentence, not argparse's "invalid choice"."""
    from app.main import main

    code = main([str(tmp_path / name), "--data-dir", str(tmp_path / "data")])
    err = capsys.readouterr().err
    assert code == 2
    assert desktop_runs == []
    assert "invalid choice" not in err
    assert f"cannot open {tmp_path / name}" in err
    assert ".csv and .tsv" in err
    assert len(err.strip().splitlines()) == 1


def test_a_csv_file_that_does_not_exist_is_a_clear_usage_error(
    tmp_path: Path, desktop_runs: list[list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing CSV file does not open an empty import wizard."""
    from app.main import main

    missing = tmp_path / "gone.csv"
    code = main(["--data-dir", str(tmp_path / "data"), str(missing)])
    assert code == 2
    assert desktop_runs == []
    assert capsys.readouterr().err.strip() == (
        f"woo-customers: error: cannot open {missing}: there is no such file"
    )


def test_an_existing_csv_file_still_opens_in_the_desktop_app(
    tmp_path: Path, desktop_runs: list[list[str]]
) -> None:
    from app.main import main

    people = tmp_path / "people.csv"
    people.write_text("email\n", encoding="utf-8")
    assert main(["--screenshot", str(tmp_path / "x.png"), str(people)]) == 0
    assert desktop_runs == [[str(people)]]


def test_a_mistyped_command_is_still_the_parsers_to_explain(
    desktop_runs: list[list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    from app.main import main

    with pytest.raises(SystemExit) as raised:
        main(["custmers", "list"])
    assert raised.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_the_entry_point_refuses_a_pdf_with_exit_code_2(tmp_path: Path) -> None:
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "app", "report.pdf", "--data-dir", str(tmp_path)],
        cwd=Path(__file__).resolve().parents[2],  # this checkout's app, whatever is installed
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "cannot open report.pdf" in done.stderr
