"""Option values converted without pydantic, exactly as Typer converts them.

Typer 0.29 converts every option value with a pydantic ``TypeAdapter`` it builds on the
option's first use (``typer._coercion``), even a default of None; importing pydantic and
building the adapters took longer than all the rest of ``whosbehind fedramp share``'s start-up.
:func:`quicken` gives each parameter of a command tree a converter that handles the common
values with Typer's own pydantic-free functions, the way Typer's adapter does: no value, a
choice, a string, a whole number, a path. Anything else — and any value those functions
reject, so that the error is Typer's own — goes to Typer's adapter, built then.
``tests/cli/test_option_values.py`` checks every option of every command against Typer's
adapter.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from typer._coercion import build_runtime_param
from typer._param_types import coerce_cli_choice, coerce_cli_path, routes_to_path

if TYPE_CHECKING:
    from typer._click import Command
    from typer._coercion import RuntimeParam, TypeDescriptor

_UNHANDLED = object()
# the whole numbers pydantic reads from a string as Python's int() does
_WHOLE = re.compile(r"-?(0|[1-9][0-9]{0,17})")


class QuickValues:
    """The converter of one parameter: quick for the common values, else Typer's own."""

    def __init__(self, descriptor: TypeDescriptor) -> None:
        self._descriptor = descriptor
        self._typer: RuntimeParam | None = None

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        multiple = param.multiple or param.nargs == -1
        if value is None:  # as typer._coercion.RuntimeParam.coerce
            return () if multiple else None
        if not multiple:
            found = quick_value(self._descriptor, value, param, ctx)
            if found is not _UNHANDLED:
                return found
        if self._typer is None:
            self._typer = build_runtime_param(self._descriptor)
        return self._typer.coerce(value, param=param, ctx=ctx)


def quick_value(descriptor: TypeDescriptor, value: Any, param: Any, ctx: Any) -> Any:
    """``value`` converted as Typer's adapter for ``descriptor`` converts it (the cases of
    ``typer._adapters.build_leaf_adapter``, in its order), or ``_UNHANDLED``."""
    info = descriptor.parameter_info
    annotation = descriptor.annotation
    if info.parser is not None or descriptor.is_file or descriptor.is_list or descriptor.is_tuple:
        return _UNHANDLED
    choices = descriptor.choices
    if choices is not None:
        try:
            return coerce_cli_choice(
                value, choices=choices, case_sensitive=descriptor.case_sensitive, ctx=ctx
            )
        except ValueError:
            return _UNHANDLED
    if annotation is int:
        if info.min is not None or info.max is not None or info.clamp:
            return _UNHANDLED
        if type(value) is int:
            return value
        if isinstance(value, str) and _WHOLE.fullmatch(value):
            return int(value)
        return _UNHANDLED
    if annotation is str:
        return value if type(value) is str else _UNHANDLED
    if annotation is bool or not routes_to_path(annotation, info):
        return _UNHANDLED
    path_type: Any = info.path_type  # as typer._adapters._build_path_adapter
    if path_type is None and isinstance(annotation, type) and issubclass(annotation, Path):
        path_type = annotation
    if path_type is Path and type(value) is str and value:
        value = Path(value)  # what pydantic makes of a string for a Path
    elif path_type not in (None, str) and not isinstance(value, path_type):
        return _UNHANDLED
    try:
        return coerce_cli_path(value, info, path_type=path_type, param=param, ctx=ctx)
    except Exception:  # Typer's adapter raises its own error for it
        return _UNHANDLED


def quicken(command: Command) -> Command:
    """Give every Typer parameter of ``command`` and its subcommands a ``QuickValues``, the
    ``--help`` option too (which Click makes on first use)."""
    for param in command.params:
        _quick(param)
    made = command.get_help_option

    def get_help_option(ctx: Any) -> Any:
        option = made(ctx)
        if option is not None:
            _quick(option)
        return option

    setattr(command, "get_help_option", get_help_option)  # noqa: B010 - this object only
    for sub in getattr(command, "commands", {}).values():
        quicken(sub)
    return command


def _quick(param: Any) -> None:
    if hasattr(param, "type_descriptor") and getattr(param, "_runtime_param", 0) is None:
        param._runtime_param = QuickValues(param.type_descriptor)
