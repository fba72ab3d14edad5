"""The command line: parse input, call the library, render. Nothing else.

Commands reach the library when they run (``wb.name(...)``, types under ``TYPE_CHECKING``,
internal modules imported inside the command), never at import: ``whosbehind --help`` must not
load DuckDB, Arrow or the web stack (``tests/test_lazy_imports.py``)."""
