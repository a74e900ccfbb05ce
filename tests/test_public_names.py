"""A module's private names stay its own, and each domain module says what it offers.

A name with a leading underscore may change without notice; another module that imports it
breaks silently. ``__all__`` is the domain's public surface, the one screens and commands use.
"""

import ast
import importlib
from pathlib import Path

import gridtui

PACKAGE = Path(gridtui.__file__).parent


def _private_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("gridtui"):
            found += [
                f"{path.name}:{node.lineno} {node.module}.{a.name}"
                for a in node.names
                if a.name.startswith("_") and not a.name.startswith("__")
            ]
    return found


def test_no_module_imports_another_modules_private_names():
    found = [hit for path in sorted(PACKAGE.rglob("*.py")) for hit in _private_imports(path)]
    assert found == []


def test_every_domain_module_lists_its_public_names_and_they_exist():
    for path in sorted((PACKAGE / "domain").glob("*.py")):
        if path.name == "__init__.py":
            continue
        module = importlib.import_module(f"gridtui.domain.{path.stem}")
        names = getattr(module, "__all__", None)
        assert names, f"{path.name} has no __all__"
        assert [n for n in names if not hasattr(module, n)] == [], path.name
        assert [n for n in names if n.startswith("_")] == [], path.name
