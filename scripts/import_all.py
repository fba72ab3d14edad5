"""Import every module of the installed whosbehind package. ./scripts/test runs this in
.venv-runtime, which holds only the runtime dependencies (requirements/runtime.txt), so a module
that needs anything else fails here as it would on a user's machine. Exits 1 naming each module
that cannot be imported, and why."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import sys

# Modules this check does not import, each with the reason.
NOT_IMPORTED = {
    "whosbehind.__main__": "runs the CLI: ./scripts/test runs `python -m whosbehind --help`",
}

# Modules that cannot be imported without an optional extra: module -> (the extra's top-level
# module, why). Today there are none: splink (extra "resolve") is imported inside
# resolve/splink_model.splink_probabilities, so the module imports without it.
NEEDS_EXTRA: dict[str, tuple[str, str]] = {}

# Installed in the test environment but not at runtime: none may be here, or this check proves
# nothing about a runtime-only install. (click is not listed: uvicorn, which `whosbehind serve`
# runs, depends on it, so it is a runtime dependency now.)
NOT_RUNTIME = (
    "pytest", "hypothesis", "respx", "followthemoney", "networkx", "splink", "playwright",
    "schemathesis",
)


def main() -> int:
    present = [name for name in NOT_RUNTIME if importlib.util.find_spec(name) is not None]
    if present:
        print(f"not a runtime-only environment: {', '.join(present)} installed", file=sys.stderr)
        return 1
    import whosbehind

    # a package that fails to import is reported by the loop below; the walk goes on
    walk = pkgutil.walk_packages(whosbehind.__path__, "whosbehind.", onerror=lambda name: None)
    names = [info.name for info in walk]
    failures: list[str] = []
    for stale in sorted((NOT_IMPORTED.keys() | NEEDS_EXTRA.keys()) - set(names)):
        failures.append(f"{stale}: listed in scripts/import_all.py but no such module")
    imported = 0
    for name in names:
        if name in NOT_IMPORTED:
            continue
        try:
            importlib.import_module(name)
        except Exception as error:  # every kind of failure is reported, none stops the walk
            extra = NEEDS_EXTRA.get(name)
            if extra and isinstance(error, ModuleNotFoundError) and error.name == extra[0]:
                continue
            failures.append(f"{name}: {type(error).__name__}: {error}")
        else:
            if name in NEEDS_EXTRA:
                failures.append(f"{name}: imports without {NEEDS_EXTRA[name][0]}; unlist it")
            imported += 1
    for failure in failures:
        print(f"cannot import {failure}", file=sys.stderr)
    print(
        f"imported {imported} of {len(names)} whosbehind modules from {whosbehind.__path__[0]} "
        f"with only the runtime dependencies; not imported: "
        + "; ".join(f"{name} ({why})" for name, why in NOT_IMPORTED.items())
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
