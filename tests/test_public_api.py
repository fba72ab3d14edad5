"""The public API is the package root: exactly the names in tests/public_api.txt, each
documented and annotated, and the CLI reaches the library only through it."""

from __future__ import annotations

import ast
import inspect
import itertools
import pkgutil
import typing
from pathlib import Path

import whosbehind

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).with_name("public_api.txt")
CLI = ROOT / "src" / "whosbehind" / "cli"

# Besides the root, a CLI module may import only the web app's entry point (``whosbehind
# serve`` starts it): the web is another face of the library, not part of it.
FACES = {"whosbehind.web"}


def test_the_root_exports_exactly_the_listed_names() -> None:
    listed = GOLDEN.read_text().split()
    assert listed == sorted(listed), "keep tests/public_api.txt sorted"
    assert sorted(whosbehind.__all__) == listed
    assert len(set(whosbehind.__all__)) == len(whosbehind.__all__)


def test_no_name_shadows_a_subpackage() -> None:
    """``whosbehind.resolve`` must stay the sub-package: ``import whosbehind.resolve.names as n``
    reads it as an attribute of the root."""
    modules = {info.name for info in pkgutil.iter_modules(whosbehind.__path__)}
    assert {"resolve", "api", "cli"} <= modules
    assert modules & set(whosbehind.__all__) == set()
    import whosbehind.resolve.names as names

    assert names.name_key("Acme, Inc.") == whosbehind.name_key("Acme, Inc.")


def test_every_name_is_importable_and_documented() -> None:
    undocumented = []
    for name in whosbehind.__all__:
        value = getattr(whosbehind, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            doc = inspect.getdoc(value) or ""
            if not doc or doc.startswith(f"{name}("):  # a dataclass's generated signature
                undocumented.append(name)
        elif f"``{name}``" not in (whosbehind.__doc__ or "") and name not in _described():
            undocumented.append(name)  # a constant or alias: the module docstring names it
    assert undocumented == []


def _described() -> set[str]:
    """Constants and aliases documented by the docstring that follows them where defined."""
    found = set()
    for path in (ROOT / "src" / "whosbehind" / "api").glob("*.py"):
        body = ast.parse(path.read_text()).body
        for node, following in itertools.pairwise(body):
            if (
                isinstance(node, ast.Assign | ast.AnnAssign)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                found.update(t.id for t in targets if isinstance(t, ast.Name))
    return found


def test_every_function_is_annotated_without_any_and_takes_options_by_keyword() -> None:
    wrong = []
    # a module may import the types its signatures name only for type checkers (so that
    # importing it stays cheap): each is a public name, resolved as such
    public = {name: getattr(whosbehind, name) for name in whosbehind.__all__}
    for name in whosbehind.__all__:
        function = getattr(whosbehind, name)
        if not inspect.isfunction(function):
            continue
        hints = typing.get_type_hints(function, localns=public)
        signature = inspect.signature(function)
        for parameter in signature.parameters.values():
            if parameter.name not in hints:
                wrong.append(f"{name}({parameter.name}) has no annotation")
            elif "Any" in str(hints[parameter.name]):
                wrong.append(f"{name}({parameter.name}) is Any")
        if "return" not in hints or "Any" in str(hints["return"]):
            wrong.append(f"{name} returns no declared type, or Any")
        defaults = [
            p.name
            for p in signature.parameters.values()
            if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is not p.empty
        ]
        if len(defaults) > 1:  # options: keyword-only; one optional SOURCE-like argument is fine
            wrong.append(f"{name} takes options {defaults} by position")
    assert wrong == []


def test_options_are_enums_whose_members_are_their_strings() -> None:
    for name in ("Measure", "Attribution", "Impact", "Feed", "ShareBy", "Period", "AwardSort"):
        option = getattr(whosbehind, name)
        for member in option:
            assert member == member.value and option(member.value) is member


def _internal_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {
        name
        for name in found
        if name.startswith("whosbehind.") and not name.startswith("whosbehind.cli")
    }


def test_the_cli_reaches_the_library_only_through_the_public_api() -> None:
    modules = sorted(CLI.rglob("*.py"))
    assert len(modules) > 10  # every module of the CLI package, not a few
    imports = {path.name: _internal_imports(path) for path in modules}
    assert {name: found - FACES for name, found in imports.items() if found - FACES} == {}
    assert {name: found for name, found in imports.items() if found} == {
        "serve_command.py": {"whosbehind.web"}
    }


def test_the_checker_sees_an_internal_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text(
        "import whosbehind as wb\nfrom whosbehind.analysis.contracts.awards import SORTS\n"
    )
    assert _internal_imports(module) == {"whosbehind.analysis.contracts.awards"}
