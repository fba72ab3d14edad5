"""Every third-party import is declared in pyproject.toml, in the right place: the package's
module-level imports among the runtime dependencies, an optional extra only where it is imported
lazily and listed here; the lock files are current and pin what pyproject.toml declares."""

from __future__ import annotations

import ast
import hashlib
import json
import re
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

# Optional extras that the package imports inside a function, and only here:
# (file under src/whosbehind, distribution) -> why.
LAZY_EXTRAS = {
    ("resolve/splink_model.py", "splink"): "the comparison matcher of benchmarks/resolve_eval.py "
    "(extra 'resolve'); splink_probabilities imports it",
}
# Runtime dependencies that no module imports by name, and why they are declared.
NOT_IMPORTED = {
    "tzdata": "time zone data for zoneinfo where the system has none",
    "jinja2": "the web pages' templates, loaded through fastapi.templating.Jinja2Templates",
    "httptools": "uvicorn's HTTP parser, which `whosbehind serve` gets when it is installed "
    "(about a fourth of the pure-Python parser's CPU per request; docs/benchmarks.md)",
    "uvloop": "uvicorn's event loop where it is installed (not on Windows), as httptools",
}


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(requirements: list[str]) -> set[str]:
    """The distribution names of PEP 508 requirement strings."""
    names = set()
    for requirement in requirements:
        match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
        assert match, requirement
        names.add(normalize(match.group()))
    return names


RUNTIME = declared(PROJECT["dependencies"])
EXTRAS = {extra: declared(reqs) for extra, reqs in PROJECT["optional-dependencies"].items()}
DISTRIBUTIONS = {
    module: {normalize(d) for d in dists} for module, dists in packages_distributions().items()
}


@dataclass(frozen=True)
class Import:
    path: Path
    line: int
    module: str  # top-level
    lazy: bool  # inside a function: runs only when called

    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line} imports {self.module}"


def third_party_imports(path: Path, local: set[str]) -> Iterator[Import]:
    """The imports of ``path`` that are neither the standard library, whosbehind, nor ``local``."""

    def visit(node: ast.AST, lazy: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            names: list[str] = []
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                names = [child.module]
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "whosbehind" and top not in local:
                    yield Import(path, child.lineno, top, lazy)
            inner = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            yield from visit(child, lazy or inner)

    yield from visit(ast.parse(path.read_text()), False)


def distribution(module: str) -> str:
    """The distribution that installs ``module`` (one not installed here: its own name)."""
    found = DISTRIBUTIONS.get(module, {normalize(module)})
    assert len(found) == 1, f"{module} is installed by several distributions: {found}"
    return next(iter(found))


def package_imports() -> list[Import]:
    return [
        found
        for path in sorted((ROOT / "src" / "whosbehind").rglob("*.py"))
        for found in third_party_imports(path, set())
    ]


def test_the_package_imports_only_runtime_dependencies_except_listed_lazy_extras() -> None:
    wrong, lazy_seen = [], set()
    package = ROOT / "src" / "whosbehind"
    for found in package_imports():
        name = distribution(found.module)
        key = (found.path.relative_to(package).as_posix(), name)
        if name in RUNTIME:
            continue
        if found.lazy and key in LAZY_EXTRAS:
            lazy_seen.add(key)
            assert any(name in names for names in EXTRAS.values()), f"{name} is in no extra"
        else:
            wrong.append(f"{found.where()}, which is not a runtime dependency ({name})")
    assert wrong == []
    assert lazy_seen == LAZY_EXTRAS.keys(), "LAZY_EXTRAS lists an import that is gone"


def test_every_runtime_dependency_is_imported_or_its_reason_listed() -> None:
    imported = {distribution(found.module) for found in package_imports()}
    assert RUNTIME - imported == NOT_IMPORTED.keys()


def test_tests_and_benchmarks_import_only_declared_distributions() -> None:
    benchmark_modules = {path.stem for path in (ROOT / "benchmarks").glob("*.py")}
    allowed = {
        "tests": RUNTIME | EXTRAS["dev"],
        "benchmarks": RUNTIME | EXTRAS["dev"] | EXTRAS["bench"] | EXTRAS["resolve"],
    }
    wrong = []
    for folder, names in allowed.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            for found in third_party_imports(path, {"tests", "conftest", *benchmark_modules}):
                if distribution(found.module) not in names:
                    wrong.append(found.where())
    assert wrong == []


def test_the_checker_sees_undeclared_and_lazy_imports(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text(
        "import os\nimport click.exceptions\nfrom whosbehind import errors\n"
        "def f():\n    from splink import Linker\n"
    )
    found = [(i.module, i.lazy) for i in third_party_imports(module, set())]
    assert found == [("click", False), ("splink", True)]
    assert distribution("click") not in RUNTIME


def _pins(lock: str) -> set[tuple[str, str, str]]:
    """(name, version, environment marker) of each package a lock file pins."""
    text = (ROOT / "requirements" / lock).read_text()
    pins = re.findall(
        r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)(?: ; ([^\\\n]+?))?\s*\\?$", text, re.M
    )
    return {(normalize(name), version, marker) for name, version, marker in pins}


def test_the_lock_files_are_current() -> None:
    keys = ("requires-python", "dependencies", "optional-dependencies")
    declared_now = json.dumps({key: PROJECT.get(key) for key in keys}, sort_keys=True)
    digest = hashlib.sha256(declared_now.encode()).hexdigest()
    for lock in ("runtime.txt", "test.txt"):
        text = (ROOT / "requirements" / lock).read_text()
        assert f"# from pyproject.toml dependencies sha256:{digest}" in text, (
            f"requirements/{lock} was made from another pyproject.toml: run ./scripts/lock"
        )


def test_the_locks_pin_what_is_declared_at_the_same_versions() -> None:
    runtime, test = _pins("runtime.txt"), _pins("test.txt")
    assert runtime <= test, "the runtime lock differs from the test lock's versions"
    runtime_names, test_names = {p[0] for p in runtime}, {p[0] for p in test}
    assert RUNTIME - runtime_names == set()
    assert (RUNTIME | EXTRAS["dev"]) - test_names == set()
    assert runtime_names & (EXTRAS["dev"] - RUNTIME) == set()
    assert all(
        "--hash=sha256:" in (ROOT / "requirements" / f).read_text()
        for f in ("runtime.txt", "test.txt")
    )


def test_every_0x_dependency_has_an_upper_bound() -> None:
    locked = {name: version for name, version, _ in _pins("test.txt")}
    unbounded = [
        requirement
        for requirement in PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]
        if locked[next(iter(declared([requirement])))].startswith("0.") and "<" not in requirement
    ]
    assert unbounded == []
