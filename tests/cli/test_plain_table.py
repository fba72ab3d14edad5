"""A table printed without Rich is byte for byte what Rich prints, and is printed that way only
where Rich's output would carry no styles: generated tables at many widths, every command that
prints a table on the real data, and the checks of the output (terminal, environment, width)
each against Rich's own ``Console``."""

from __future__ import annotations

import builtins
import contextlib
import io
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich._emoji_codes import EMOJI
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from whosbehind.cli import plain_table
from whosbehind.cli.app import app
from whosbehind.cli.render import table

RICH_ENV = ("FORCE_COLOR", "TTY_COMPATIBLE", "COLUMNS")


@contextlib.contextmanager
def rich_only() -> Iterator[None]:
    """Rich prints every table (as before cli/plain_table.py)."""
    with mock.patch.object(plain_table, "plain_output", lambda: None):
        yield


@contextlib.contextmanager
def counted() -> Iterator[list[bool]]:
    """Whether each table was printed without Rich."""
    found: list[bool] = []
    original = plain_table.plain_table

    def spy(*args: object, **kwargs: object) -> str | None:
        text = original(*args, **kwargs)  # type: ignore[arg-type]
        found.append(text is not None)
        return text

    with mock.patch.object(plain_table, "plain_table", spy):
        yield found


def printed(print_it: Callable[[], None], columns: int, rich: bool) -> str:
    out = io.StringIO()
    environ = {k: v for k, v in os.environ.items() if k not in RICH_ENV}
    with (
        mock.patch.dict(os.environ, {**environ, "COLUMNS": str(columns)}, clear=True),
        contextlib.redirect_stdout(out),
        rich_only() if rich else contextlib.nullcontext(),
    ):
        print_it()
    return out.getvalue()


NAMES = ["#", "provider", "count", "share", "total", "obligated", "recipient", "a", "[b]", "x:y:"]
PLAIN_CELL = st.one_of(
    st.integers(-(10**12), 10**12),
    st.decimals(0, 10**9, places=2).map(lambda d: f"{d:,.2f}"),
    st.dates().map(lambda d: d.isoformat()),
    st.text(alphabet="ABCabc Zé.,-&'()/", max_size=70),
    st.just(None),
)
CELL = st.one_of(
    PLAIN_CELL,
    st.text(alphabet="AB 12:[]…\t中😀\u0301 ", max_size=20),  # markup, wide, combining, tabs
    st.just(":smile: T04:40:51 :100:"),
)
PLAIN_TEXT = st.text(alphabet="FedRAMP by,()0123456789-·", max_size=90)
TEXT = st.one_of(
    PLAIN_TEXT,
    st.sampled_from(["", "[bold]x", ":thumbs_up: y", "as of 2024-01-02T04:40:51", "a\tb", "x "]),
    st.text(alphabet="FedRAMP by,()0123456789-: \n", max_size=90),
)


@st.composite
def tables(draw: st.DrawFn) -> tuple[str, list[str], list[list[object]], str, list[str]]:
    """Mostly tables plain text can print; every other kind too (markup, emoji, tabs, wide
    characters, cells to cut): Rich prints those, and the two must agree either way."""
    odd = draw(st.integers(0, 3)) == 0
    names = draw(st.lists(st.sampled_from(NAMES[:7] if not odd else NAMES), min_size=1,
                          max_size=6, unique=True))  # fmt: skip
    cell = CELL if odd else PLAIN_CELL
    rows = draw(st.lists(st.lists(cell, min_size=len(names), max_size=len(names)), max_size=6))
    text = TEXT if odd else PLAIN_TEXT
    caption = draw(st.one_of(text, st.just("total 3 · HHI 703\nsource [c4bca366] y:d.json")))
    return draw(text), names, rows, caption, draw(st.lists(st.sampled_from(names), max_size=2))


@settings(max_examples=300, deadline=None)
@given(table_=tables(), width=st.one_of(st.integers(1, 200), st.sampled_from([80, 120])))
def test_a_generated_table_is_what_rich_prints(
    table_: tuple[str, list[str], list[list[object]], str, list[str]], width: int
) -> None:
    title, names, rows, caption, optional = table_

    def print_it() -> None:
        table(title, names, rows, caption, optional)

    assert printed(print_it, width, rich=False) == printed(print_it, width, rich=True)


def test_a_typical_table_is_printed_without_rich_and_as_rich_prints_it() -> None:
    rows = [(1, "Amazon", 1209, "21.5%"), (2, "Microsoft Corporation", 553, "9.8%")]
    caption = "total 5627 · HHI 703\nsource [cb9b9b26] legacy.git@9620:data/data.json (T04:40:51)"

    def print_it() -> None:
        table("FedRAMP authorizations by provider", ["#", "provider", "count", "share"], rows,
              caption)  # fmt: skip

    for width in (30, 40, 80, 120, 250):
        with counted() as plain:
            text = printed(print_it, width, rich=False)
        assert text == printed(print_it, width, rich=True)
        assert text.endswith("(T04:40:51)\n") and "Microsoft" in text
        assert plain == [width > 34]  # narrower than the title: Rich wraps it, and prints


@pytest.fixture(scope="module")
def commands(store_path: Path, ice_store: Path) -> list[list[str]]:
    legacy, ice = ["--db", str(store_path)], ["--db", str(ice_store)]
    return [
        [*legacy, "fedramp", "share"],
        [*legacy, "fedramp", "share", "--as-of", "2019-06-01", "--top", "40"],
        [*legacy, "fedramp", "share", "--measure", "offerings", "--attribution", "direct"],
        [*legacy, "fedramp", "share", "--impact", "moderate", "--as-of", "2020-01-01"],
        [*legacy, "fedramp", "timeline", "--from", "2016-06-01", "--every", "quarter"],
        [*legacy, "fedramp", "offering", "Palantir", "--as-of", "2021-01-01"],
        [*legacy, "fedramp", "runs-on", "Amazon", "--as-of", "2020-01-01"],
        [*legacy, "fedramp", "changes", "--from", "2023-01-01", "--to", "2023-03-01"],
        [*ice, "awards", "--agency", "7012", "--recipient", "Palantir"],
        [*ice, "spending", "--by", "recipient", "--fiscal-year", "2018", "--agency", "7012"],
        [*ice, "spending", "--by", "psc", "--agency", "7012"],
    ]


def test_every_command_prints_what_rich_prints(commands: list[list[str]]) -> None:
    runner = CliRunner()
    plain_counts = []
    for args in commands:
        for width in (40, 80, 120, 250):

            def print_it(args: Sequence[str] = args) -> None:
                result = runner.invoke(app, list(args))
                print(f"exit {result.exit_code}\n{result.output}", end="")

            with counted() as plain:
                text = printed(print_it, width, rich=False)
            assert text.startswith("exit 0\n"), text
            assert text == printed(print_it, width, rich=True), (args, width)
            plain_counts.append(sum(plain))
    assert sum(plain_counts) >= len(commands) * 3  # most tables did go without Rich


@contextlib.contextmanager
def output(tty: bool, encoding: str | None, environ: dict[str, str]) -> Iterator[None]:
    class Out(io.StringIO):
        def isatty(self) -> bool:
            return tty

        @property
        def encoding(self) -> str | None:  # type: ignore[override]
            return encoding

    kept = {k: v for k, v in os.environ.items() if k not in RICH_ENV}
    with (
        mock.patch.dict(os.environ, {**kept, **environ}, clear=True),
        contextlib.redirect_stdout(Out()),
    ):
        yield


@pytest.mark.parametrize("tty", [False, True])
@pytest.mark.parametrize("encoding", ["utf-8", "UTF-8", "latin-1", "ascii", None])
@pytest.mark.parametrize(
    "environ",
    [
        {},
        {"FORCE_COLOR": "1"},
        {"FORCE_COLOR": ""},
        {"TTY_COMPATIBLE": "0"},
        {"TTY_COMPATIBLE": "1"},
        {"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"},
        {"TTY_COMPATIBLE": "x", "FORCE_COLOR": ""},
        {"COLUMNS": "100"},
        {"COLUMNS": "0"},
        {"COLUMNS": "wide"},
    ],
)
def test_plain_only_where_rich_prints_no_styles_and_at_richs_width(
    tty: bool, encoding: str | None, environ: dict[str, str]
) -> None:
    with output(tty, encoding, environ):
        console = Console()
        unstyled = not console.is_terminal and console.encoding.startswith("utf")
        assert (plain_table.plain_output() is not None) == unstyled
        assert plain_table.console_width() == console.width


def test_no_plain_output_in_jupyter_or_without_stdout() -> None:
    with output(False, "utf-8", {}):
        assert plain_table.plain_output() is not None
        with mock.patch.object(builtins, "get_ipython", create=True):
            assert plain_table.plain_output() is None
        with mock.patch("sys.stdout", None):
            assert plain_table.plain_output() is None


def test_the_characters_taken_as_one_cell_are_one_cell_for_rich() -> None:
    assert all(cell_len(character) == 1 for character in plain_table._ONE_CELL)


def test_the_emoji_names_made_of_digits_are_the_ones_rich_knows() -> None:
    assert {name for name in EMOJI if name.isdigit()} == plain_table._DIGIT_EMOJI
