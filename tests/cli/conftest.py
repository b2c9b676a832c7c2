"""Registers the command-line fixtures every command's tests share (tests/support/cli.py)."""

from tests.support.cli import cli, held, paths, store

__all__ = ["cli", "held", "paths", "store"]
