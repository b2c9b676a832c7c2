"""Start a built bundle headless and check that it works; time its cold starts.

Usage: ``python packaging/smoke_test.py dist/woo-customers [--runs 5]`` (``make package-test``).

It runs the bundle with ``--version`` (the output must name the app and version), then several
times with ``--demo --screenshot PNG --data-dir DIR``: the app opens on the embedded demo store,
waits until customers are painted, saves the window and exits 0. Each run gets a new data
folder (a first launch: the demo store is created and synced) and then the same number reuse
one (a later launch, from the cache). Runs happen from a scratch folder with PYTHONPATH and
PYTHONHOME unset, so nothing can come from the source tree. It prints the bundle's size and
the launch-to-screenshot times with their medians, and exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import APP_NAME, __version__  # noqa: E402

#: The longest one launch may take before it counts as hung.
RUN_TIMEOUT_S = 120


def executables(bundle: Path) -> tuple[Path, Path]:
    """The bundle's program for the desktop app and the one for the command line."""
    if bundle.suffix == ".app":
        program = bundle / "Contents" / "MacOS" / "woo-customers"
        return program, program
    if sys.platform == "win32":
        return bundle / "woo-customers.exe", bundle / "woo-customers-cli.exe"
    return bundle / "woo-customers", bundle / "woo-customers"


def folder_size(folder: Path) -> tuple[int, int]:
    """Bytes and number of files below a folder (links counted once, as links)."""
    total = count = 0
    for path in folder.rglob("*"):
        if path.is_file() or path.is_symlink():
            total += path.lstat().st_size
            count += 1
    return total, count


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG file (0, 0 when it is not one)."""
    header = path.read_bytes()[:24] if path.is_file() else b""
    if len(header) < 24 or header[:8] != b"\x89PNG\r\n\x1a\n" or header[12:16] != b"IHDR":
        return 0, 0
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def run(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str, float]:
    """Exit code, output (both streams) and seconds taken."""
    started = time.perf_counter()
    try:
        done = subprocess.run(  # noqa: S603 - the bundle under test
            command,
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        return -1, f"timed out after {RUN_TIMEOUT_S} s: {error.stderr!r}", RUN_TIMEOUT_S
    return done.returncode, done.stdout + done.stderr, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Check the bundle; 0 when every launch passed."""
    parser = argparse.ArgumentParser(description="Start a built bundle headless and time it.")
    parser.add_argument("bundle", type=Path, help="dist/woo-customers (or the .app on macOS)")
    parser.add_argument("--runs", type=int, default=5, help="launches of each kind")
    options = parser.parse_args(argv)
    bundle = options.bundle.resolve()
    gui, cli = executables(bundle)
    if not gui.is_file():
        print(f"FAIL: no program at {gui}")
        return 1
    size, files = folder_size(bundle)
    print(f"bundle: {bundle} {size / 1e6:.1f} MB in {files} files")

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    failures = 0
    with tempfile.TemporaryDirectory(prefix="woo-bundle-") as scratch:
        where = Path(scratch)
        code, output, _ = run([str(cli), "--version"], where, env)
        expected = f"{APP_NAME} {__version__}"
        if code != 0 or expected not in output:
            print(f"FAIL: --version exited {code} with {output!r}, expected {expected!r}")
            failures += 1
        else:
            print(f"--version: {output.strip()}")

        timings: dict[str, list[float]] = {"first launch": [], "later launch": []}
        shared = where / "shared-data"
        plan = [("first launch", where / f"data-{n}") for n in range(options.runs)]
        plan += [("later launch", shared)] * (options.runs + 1)
        for index, (kind, data_dir) in enumerate(plan):
            picture = where / f"shot-{index}.png"
            command = [
                str(gui),
                "--demo",
                "--screenshot",
                str(picture),
                "--data-dir",
                str(data_dir),
            ]
            code, output, seconds = run(command, where, env)
            width, height = png_size(picture)
            if code != 0 or width < 200 or height < 200:
                print(f"FAIL: {kind} exited {code}, screenshot {width}x{height}: {output[-2000:]}")
                failures += 1
                continue
            timings[kind].append(seconds)
        if not any((shared / "cache").glob("*")):
            print(f"FAIL: the launches left no cache in {shared / 'cache'}")
            failures += 1
        # The first run on the shared folder creates it: it is not a later launch.
        timings["later launch"] = timings["later launch"][1:]
        for kind, values in timings.items():
            if values:
                listed = ", ".join(f"{value * 1000:.0f}" for value in values)
                median = statistics.median(values) * 1000
                print(f"{kind} to a painted window: median {median:.0f} ms ({listed} ms)")
    print("OK" if not failures else f"{failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
