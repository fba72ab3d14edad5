"""The CLI reference in Markdown, generated from the commands themselves (docs/cli.md)."""

from __future__ import annotations

import typing
from typing import Any

import typer.main

from whosbehind.cli.app import app

BEGIN = "<!-- BEGIN GENERATED: whosbehind.cli.reference -->"
END = "<!-- END GENERATED -->"


def cli_reference() -> str:
    root = typer.main.get_command(app)
    lines: list[str] = []
    _describe(root, ["whosbehind"], lines)
    return "\n".join(lines).rstrip() + "\n"


def _describe(command: Any, path: list[str], lines: list[str]) -> None:
    if hasattr(command, "commands"):
        if len(path) == 1:
            lines += ["## Global options", "", *_params(command), ""]
        for name in sorted(command.commands):
            _describe(command.commands[name], [*path, name], lines)
        return
    usage = " ".join(
        path + [_argument_name(p) for p in command.params if p.param_type_name == "argument"]
    )
    lines += [
        f"## `{' '.join(path)}`",
        "",
        (command.help or "").strip(),
        "",
        f"Usage: `{usage} [OPTIONS]`",
        "",
        *_params(command),
        "",
    ]


def _argument_name(param: Any) -> str:
    return str(param.metavar or param.name.upper())


def _params(command: Any) -> list[str]:
    rows = []
    for param in command.params:
        if param.name == "help":
            continue
        if param.param_type_name == "argument":
            names = f"`{_argument_name(param)}`"
        else:
            names = ", ".join(f"`{option}`" for option in param.opts)
        help_text = " ".join((getattr(param, "help", None) or "").split())
        default = param.default
        shown = "" if default in (None, False) or callable(default) else f" Default: `{default}`."
        choices = _choices(param)
        if choices:
            shown = f" One of: {', '.join(f'`{c}`' for c in choices)}.{shown}"
        rows.append(f"- {names}: {help_text}{shown}")
    return rows


def _choices(param: Any) -> tuple[object, ...]:
    """The values of an option typed ``Literal[...]`` (or ``Literal[...] | None``)."""
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    for candidate in (annotation, *typing.get_args(annotation)):
        if typing.get_origin(candidate) is typing.Literal:
            return typing.get_args(candidate)
    return ()


def render_into(text: str) -> str:
    """``text`` with the generated block between the markers replaced by the current one."""
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{cli_reference()}{END}{tail}"


if __name__ == "__main__":
    import sys
    from pathlib import Path

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/cli.md")
    target.write_text(render_into(target.read_text()))
