"""The command-line fixtures every command's tests share (defined with the CLI's own tests)."""

from tests.cli.test_cli import cli, paths

__all__ = ["cli", "paths"]
