"""``python -m tests.benchmarks``: run every ``bench_*`` module and print the figures."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import tests.benchmarks
from tests.benchmarks.report import Row, machine, table


def main() -> int:
    """Run the benchmarks named on the command line, or all of them."""
    wanted = set(sys.argv[1:])
    rows: list[Row] = []
    for module_info in sorted(
        pkgutil.iter_modules(tests.benchmarks.__path__), key=lambda m: m.name
    ):
        if not module_info.name.startswith("bench_"):
            continue
        if wanted and module_info.name not in wanted:
            continue
        module = importlib.import_module(f"tests.benchmarks.{module_info.name}")
        print(f"running {module_info.name} ...", file=sys.stderr, flush=True)
        rows.extend(module.run())
    print(f"Machine: {machine()}\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
