"""The PyInstaller bundle's entry point: the same ``main()`` as ``python -m app``.

A windowed Windows or macOS executable starts with no standard streams (``sys.stdout`` is
None), and anything that prints (``--version``, ``--help``, a crash report) would raise. Those
writes go to the null device instead; the console twin on Windows (``woo-customers-cli.exe``)
keeps real streams for the command line.
"""

from __future__ import annotations

import os
import sys


def _give_missing_streams_a_sink() -> None:
    """Point absent standard streams at the null device."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


if __name__ == "__main__":
    _give_missing_streams_a_sink()
    from app.main import main

    sys.exit(main())
