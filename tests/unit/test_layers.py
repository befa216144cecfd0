"""The layers of the package, read from the imports of every module (function-level ones too).

domain at the bottom, i18n (the languages and their data) just above it; storage, llm and
semantic above them; services above those; api and ui at the edges, both over the services and
neither over the other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "onlyjobless"
EDGE_FRAMEWORKS = {"fastapi", "starlette", "reflex"}

# What each layer must not import: layers of the package, or third-party top-level packages.
FORBIDDEN: dict[str, set[str]] = {
    "domain": {"storage", "llm", "semantic", "services", "api", "ui", "i18n", "settings", *EDGE_FRAMEWORKS},
    "i18n": {"storage", "llm", "semantic", "services", "api", "ui", "settings", *EDGE_FRAMEWORKS},
    "storage": {"services", "api", "ui", "llm", "semantic", *EDGE_FRAMEWORKS},
    "llm": {"services", "api", "ui", "storage", "semantic", *EDGE_FRAMEWORKS},
    "semantic": {"services", "api", "ui", "storage", "llm", *EDGE_FRAMEWORKS},
    "services": {"api", "ui", *EDGE_FRAMEWORKS},
    "api": {"storage", "llm", "semantic", "ui", "reflex"},
    "ui": {"storage", "llm", "semantic", "api"},
}


def imported_modules(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module a module's source imports, at any depth, relative imports resolved.

    `from pkg import name` counts as importing both `pkg` and `pkg.name` (name may be a module).
    """
    found: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def layer_of(module: str) -> str:
    """The package layer of a module ("services", "settings", ...), or its third-party top package."""
    parts = module.split(".")
    if parts[0] == "onlyjobless":
        return parts[1] if len(parts) > 1 else ""
    return parts[0]


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    own = layer_of(module)
    banned = FORBIDDEN.get(own, set())
    return sorted(
        f"{module} imports {target}"
        for target in imported_modules(source, module, is_package)
        if layer_of(target) in banned and layer_of(target) != own
    )


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts.pop()
        found.append((".".join(parts), path))
    return found


def test_every_layer_is_walked() -> None:
    layers = {layer_of(module) for module, _ in _modules()}
    assert {"domain", "i18n", "storage", "llm", "services", "api", "ui"} <= layers


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[m for m, _ in _modules()])
def test_imports_respect_the_layers(module: str, path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert violations(source, module, path.name == "__init__.py") == []


# -- the checker itself -----------------------------------------------------------------------


def test_the_checker_sees_imports_inside_functions_and_relative_ones() -> None:
    source = """
from __future__ import annotations
from . import sibling
from ..storage.chats import ChatStore

def later():
    from onlyjobless import storage
    import reflex as rx
    import onlyjobless.api.app
"""
    assert violations(source, "onlyjobless.services.thing") == [
        "onlyjobless.services.thing imports onlyjobless.api.app",
        "onlyjobless.services.thing imports reflex",
    ]
    assert violations(source, "onlyjobless.ui.thing") == [
        "onlyjobless.ui.thing imports onlyjobless.api.app",
        "onlyjobless.ui.thing imports onlyjobless.storage",
        "onlyjobless.ui.thing imports onlyjobless.storage.chats",
        "onlyjobless.ui.thing imports onlyjobless.storage.chats.ChatStore",
    ]


def test_the_checker_resolves_relative_imports_of_a_package() -> None:
    source = "from .sql import SqlChatStore\nfrom ... import services\n"
    found = imported_modules(source, "onlyjobless.storage.chats", is_package=True)
    assert "onlyjobless.storage.chats.sql" in found
    assert "onlyjobless.services" in found
    assert violations(source, "onlyjobless.storage.chats", is_package=True) == [
        "onlyjobless.storage.chats imports onlyjobless.services"
    ]
