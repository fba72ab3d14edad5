"""The layers of docs/architecture.md: imports point down only, sources and store never meet."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "whosbehind"

# layer -> the layers it may import (besides itself)
ALLOWED = {
    "model": {"errors"},
    "sources": {"model", "errors"},
    "store": {"model", "errors"},
    "resolve": {"model", "errors", "store"},
    "pipeline": {"model", "errors", "sources", "store", "resolve"},
    "analysis": {"model", "errors", "store", "resolve"},
    "export": {"model", "errors", "sources", "store", "resolve", "analysis"},
    "api": {"model", "errors", "sources", "store", "resolve", "pipeline", "analysis", "export"},
    # the CLI reaches the rest through the package root (tests/test_public_api.py)
    "cli": {"web"},
    # the web app reads; it never runs the pipeline (no route writes)
    "web": {"model", "errors", "sources", "store", "resolve", "analysis", "export"},
    "errors": set(),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name.split(".")[1] for name in found if name.startswith("whosbehind.")}


def test_imports_point_down_only() -> None:
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        layer = relative.parts[0].removesuffix(".py")
        if layer in {"__init__", "__main__"}:
            continue
        assert layer in ALLOWED, f"{relative}: a new layer must be added to docs and this test"
        for target in _imports(path) - {layer} - ALLOWED[layer]:
            wrong.append(f"{relative} imports whosbehind.{target}")
    assert wrong == []


def test_the_checker_sees_a_wrong_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("from whosbehind.store.engine import Engine\n")
    assert _imports(module) - ALLOWED["sources"] == {"store"}


def test_modules_stay_small() -> None:
    sizes = {p: len(p.read_text().splitlines()) for p in PACKAGE.rglob("*.py")}
    too_big = {str(p.relative_to(PACKAGE)): n for p, n in sizes.items() if n > 600}
    assert too_big == {}
