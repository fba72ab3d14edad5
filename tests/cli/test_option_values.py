"""The CLI converts option values without pydantic exactly as Typer does: every parameter of
every command, each given the values a user or a default can give it, converts to the same
value (or fails with the same error) through ``cli.option_values`` as through Typer's own
pydantic adapter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer._click import Context
from typer._coercion import build_runtime_param

from whosbehind.cli.app import app
from whosbehind.cli.option_values import QuickValues, quicken


def _parameters() -> list[tuple[Any, Any]]:
    """(command, parameter) for every Typer parameter of the CLI, ``--help`` included."""
    root = typer.main.get_command(app)
    found: list[tuple[Any, Any]] = []

    def walk(command: Any) -> None:
        help_option = command.get_help_option(Context(command))
        for param in [*command.params, *([help_option] if help_option else [])]:
            if hasattr(param, "type_descriptor") and not param.type_descriptor.is_file:
                found.append((command, param))
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(root)
    return found


def _values(param: Any, folder: Path) -> list[Any]:
    values: list[Any] = [None, param.default, True, False, 3, "5", "0", "-3", "007", "1_000"]
    values += ["", " 7", "abc", "ABC", "2019-06-01", str(folder), str(folder / "missing.duckdb")]
    values += [folder, folder / "missing.duckdb", str(folder / "file.txt"), ("a", "b")]
    choices = param.type_descriptor.choices or ()
    values += [str(getattr(c, "value", c)) for c in choices]
    values += [str(getattr(c, "value", c)).upper() for c in choices]
    return values


def _outcome(convert: Any, value: Any, param: Any, ctx: Context) -> tuple[str, Any]:
    try:
        converted = convert.coerce(value, param=param, ctx=ctx)
    except Exception as error:  # the error is part of the behaviour compared
        return "error", (type(error).__name__, str(error))
    return type(converted).__name__, converted


def test_every_option_converts_every_value_as_typer_does(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x")
    parameters = _parameters()
    assert len(parameters) > 150  # every command's options, not a sample
    compared = 0
    for command, param in parameters:
        ctx = Context(command)
        typer_own = build_runtime_param(param.type_descriptor)
        quick = QuickValues(param.type_descriptor)
        for value in _values(param, tmp_path):
            expected = _outcome(typer_own, value, param, ctx)
            assert _outcome(quick, value, param, ctx) == expected, (command.name, param.name, value)
            compared += 1
    assert compared > 3000


@pytest.mark.parametrize(
    ("annotation", "value", "expected"),
    [(int, "12", 12), (int, 7, 7), (str, "x", "x"), (Path, "a/b", Path("a/b"))],
)
def test_the_common_values_never_build_typers_adapter(
    annotation: Any, value: Any, expected: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import whosbehind.cli.option_values as option_values

    def refuse(descriptor: Any) -> Any:
        raise AssertionError(f"Typer's adapter built for {descriptor.annotation}")

    monkeypatch.setattr(option_values, "build_runtime_param", refuse)

    def command(option: Any = typer.Option(None)) -> None:
        del option

    command.__annotations__["option"] = annotation
    single = typer.Typer()
    single.command()(command)
    click_command = quicken(typer.main.get_command(single))
    param = next(p for p in click_command.params if p.name == "option")
    assert param._runtime_param.coerce(value, param, Context(click_command)) == expected
    assert param._runtime_param.coerce(None, param, Context(click_command)) is None
