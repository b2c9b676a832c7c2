"""Which package may import which, read from the source (``ast``), without importing anything.

The command line is one front end over the core, like the desktop app: nothing else imports
``app.cli``, except the composition root, which dispatches a command to it. What both front ends
need (store profiles, secrets, which store to use, the demo store) lives in ``app.stores``,
which imports neither front end nor Qt.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"
#: What the composition root (app/main.py) may import from the command line: its parser, to
#: read the arguments, and its runner, to dispatch a command. Nothing else (the stores, the
#: secret store choice) comes from there.
MAIN_DISPATCH = frozenset({("app.cli.parser", "build_parser"), ("app.cli.run", "run_cli")})


def imported_modules(source: str, module: str) -> set[str]:
    """Every module ``source`` (the text of ``module``) imports, names of ``from`` imports too.

    ``from app import cli`` yields ``app`` and ``app.cli`` (a name imported from a package counts
    when it is a module of it); relative imports are resolved against ``module``'s package.
    """
    package = module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.add(target)
            # A name imported from a package may be a module of it.
            found.update(
                f"{target}.{alias.name}"
                for alias in node.names
                if is_module(f"{target}.{alias.name}")
            )
    return found


def is_module(name: str) -> bool:
    """Whether ``name`` is a module or package of this checkout's ``app``."""
    path = APP.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def app_modules() -> dict[str, set[str]]:
    """Each module under app/ and what it imports."""
    modules = {}
    for path in sorted(APP.rglob("*.py")):
        name = module_name(path)
        modules[name] = imported_modules(path.read_text(encoding="utf-8"), name)
    return modules


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(f"{package}.")


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("import app.cli.run", "app.ui.stores"),
        ("from app.cli.run import run_cli", "app.ui.stores"),
        ("from app import cli", "app.ui.stores"),
        ("from ..cli import parser", "app.ui.stores"),
        ("def f():\n    from app.cli import store_access\n", "app.ui.stores"),
    ],
)
def test_every_way_of_importing_the_command_line_is_seen(source: str, module: str) -> None:
    assert any(within(name, "app.cli") for name in imported_modules(source, module))


def test_only_the_composition_root_imports_the_command_line_and_only_to_dispatch() -> None:
    modules = app_modules()
    assert "app.main" in modules  # the walk found app/
    offenders = {
        module: sorted(name for name in imports if within(name, "app.cli"))
        for module, imports in modules.items()
        if not within(module, "app.cli")
    }
    assert set(offenders.pop("app.main")) <= {module for module, _name in MAIN_DISPATCH}
    main = ast.parse((APP / "main.py").read_text(encoding="utf-8"))
    names = {
        (node.module, alias.name)
        for node in ast.walk(main)
        if isinstance(node, ast.ImportFrom) and node.module and within(node.module, "app.cli")
        for alias in node.names
    }
    assert names <= MAIN_DISPATCH
    assert {module: names for module, names in offenders.items() if names} == {}


def test_the_stores_package_imports_neither_front_end_nor_qt() -> None:
    stores = {
        module: imports for module, imports in app_modules().items() if within(module, "app.stores")
    }
    assert "app.stores.profiles" in stores
    wrong = {
        module: sorted(
            name
            for name in imports
            if any(within(name, banned) for banned in ("app.cli", "app.ui", "PySide6"))
        )
        for module, imports in stores.items()
    }
    assert {module: names for module, names in wrong.items() if names} == {}
