"""The web app reaches the library only through the public API, the package root: its modules
import ``whosbehind`` and the web package's own modules, nothing else of whosbehind."""

from __future__ import annotations

import ast
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "src" / "whosbehind" / "web"


def internal_imports(path: Path) -> set[str]:
    """The whosbehind modules ``path`` imports other than the root and the web package."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {
        name
        for name in found
        if name.startswith("whosbehind.")
        and name != "whosbehind.web"
        and not name.startswith("whosbehind.web.")
    }


def test_the_web_app_imports_only_the_package_root() -> None:
    used = {
        path.name: imports
        for path in sorted(WEB.rglob("*.py"))
        if (imports := internal_imports(path))
    }
    assert used == {}


def test_the_checker_sees_an_internal_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text(
        "import whosbehind as wb\nfrom whosbehind import agency_report\n"
        "from whosbehind.web.cache import cached\nimport whosbehind.store.engine\n"
        "from whosbehind.analysis.contracts.awards import SORTS\n"
    )
    assert internal_imports(module) == {
        "whosbehind.store.engine",
        "whosbehind.analysis.contracts.awards",
    }
