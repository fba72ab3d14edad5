"""The judgements file: format and parse round-trip, appends never rewrite, errors name the line."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whosbehind.errors import SourceError, UsageError
from whosbehind.model.orgs import JUDGEMENT_KINDS, REF_SCHEMES, Judgement, RecordRef
from whosbehind.resolve.judgements import (
    HEADER,
    JudgementError,
    append_judgements,
    check_judgements,
    default_judgements_path,
    escape,
    format_judgement,
    parse_line,
    read_judgements,
    ref_key,
    unescape,
    validation_problems,
)

# Real names from the ICE files, with the quirks a file must survive.
WEST = RecordRef("name", "WEST PUBLISHING CORPORATION")
THOMSON = RecordRef("name", "The Thomson Company")
AMAZON_DUNS = RecordRef("duns", "884745530")
AMAZON = RecordRef("name", "Amazon.com, Inc.")


def _origin_free(judgement: Judgement) -> Judgement:
    return replace(judgement, file="", line=0)


refs = st.builds(RecordRef, st.sampled_from(REF_SCHEMES), st.text(min_size=1, max_size=40))
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31))
texts = st.text(max_size=60)


@st.composite
def judgements(draw: st.DrawFn) -> Judgement:
    kind = draw(st.sampled_from(JUDGEMENT_KINDS))
    start = end = None
    if kind == "parent-of":
        start, end = draw(st.none() | dates), draw(st.none() | dates)
    return Judgement(
        kind=kind,
        left=draw(refs),
        right=draw(refs),
        valid_from=start,
        valid_to=end,
        source=draw(texts),
        note=draw(texts),
        author=draw(texts),
        recorded=draw(st.none() | dates),
    )


@given(judgements())
def test_format_then_parse_round_trips_or_refuses_clearly(judgement: Judgement) -> None:
    problems = validation_problems(judgement)
    if problems:
        with pytest.raises(UsageError, match=problems[0][0]):
            format_judgement(judgement)
        return
    line = format_judgement(judgement)
    assert "\n" not in line and "\r" not in line
    assert line.count("\t") == HEADER.count("\t")
    assert parse_line(line, "j.tsv", 7) == replace(judgement, file="j.tsv", line=7)


@given(st.lists(judgements(), max_size=5))
def test_a_file_round_trips_through_append_and_read(found: list[Judgement]) -> None:
    valid = [j for j in found if not validation_problems(j)]
    # a pair judged both same and different is a contradiction that reading refuses (tested
    # on its own below); keep the first of each pair
    decided: set[frozenset[tuple[str, str]]] = set()
    consistent = []
    for judgement in valid:
        pair = frozenset((ref_key(judgement.left), ref_key(judgement.right)))
        if judgement.kind in ("same", "different"):
            if pair in decided:
                continue
            decided.add(pair)
        consistent.append(judgement)
    valid = consistent
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "deep" / "judgements.tsv"
        assert append_judgements(path, valid) == len(valid)
        assert [_origin_free(j) for j in read_judgements(path)] == valid


@given(st.text())
def test_escape_leaves_no_separator_and_inverts(text: str) -> None:
    escaped = escape(text)
    assert not set(escaped) & {"\t", "\n", "\r"}
    assert unescape(escaped) == text


def test_names_with_tabs_and_newlines_are_escaped_on_disk(tmp_path: Path) -> None:
    # child_companies_clean_names.csv writes "17TH STREET PHOTO SUPPLY INCORPORATED\t"
    judgement = Judgement(
        "same",
        RecordRef("name", "17TH STREET\tPHOTO SUPPLY\nINCORPORATED"),
        RecordRef("name", "17th Street Photo Supply"),
        source="child_companies_clean_names.csv:2",
        note="a note\\with a backslash",
    )
    path = tmp_path / "j.tsv"
    append_judgements(path, [judgement])
    lines = path.read_text().splitlines()
    assert lines[0] == HEADER
    assert lines[1].split("\t")[1] == "name:17TH STREET\\tPHOTO SUPPLY\\nINCORPORATED"
    assert [_origin_free(j) for j in read_judgements(path)] == [judgement]


def test_parent_of_rules() -> None:
    dated = Judgement("parent-of", THOMSON, WEST, dt.date(2018, 1, 1), dt.date(2017, 1, 1))
    assert [field for field, _ in validation_problems(dated)] == ["valid_to"]
    assert validation_problems(replace(dated, valid_to=None)) == []
    self_owned = Judgement("parent-of", WEST, RecordRef("name", "west  publishing corporation"))
    assert [field for field, _ in validation_problems(self_owned)] == ["right"]
    same_with_date = Judgement("same", AMAZON_DUNS, AMAZON, valid_from=dt.date(2018, 1, 1))
    assert [field for field, _ in validation_problems(same_with_date)] == ["valid_from"]


def test_append_keeps_hand_edits_and_adds_a_missing_final_newline(tmp_path: Path) -> None:
    path = tmp_path / "j.tsv"
    append_judgements(path, [Judgement("same", AMAZON_DUNS, AMAZON, source="hoovers:2")])
    hand_written = (
        "# Thomson owns West since before FY13\nparent-of\tname:Thomson Reuters\tname:WEST"
    )
    with path.open("a") as handle:
        handle.write(hand_written)  # no final newline, as an editor may leave it
    before = path.read_text()
    append_judgements(path, [Judgement("different", WEST, THOMSON, source="review")])
    after = path.read_text()
    assert after.startswith(before)
    assert after.count(HEADER) == 1
    found = read_judgements(path)
    assert [(j.kind, j.line) for j in found] == [("same", 2), ("parent-of", 4), ("different", 5)]
    assert found[1].right == RecordRef("name", "WEST") and found[1].valid_from is None


def test_nothing_to_append_creates_no_file(tmp_path: Path) -> None:
    path = tmp_path / "j.tsv"
    assert append_judgements(path, []) == 0
    assert not path.exists()
    assert read_judgements(path) == []


def test_columns_may_be_reordered_and_trailing_cells_omitted(tmp_path: Path) -> None:
    path = tmp_path / "j.tsv"
    path.write_text(
        "left\tright\tkind\tnote\n\n"
        "duns:884745530\tname:Amazon.com, Inc.\tsame\n"
        "name:Thomson Reuters\tname:WEST PUBLISHING CORPORATION\tparent-of\tSOURCES.md\n"
    )
    found = read_judgements(path)
    assert [(j.kind, str(j.left), j.note, j.line) for j in found] == [
        ("same", "duns:884745530", "", 3),
        ("parent-of", "name:Thomson Reuters", "SOURCES.md", 4),
    ]


@pytest.mark.parametrize(
    ("line", "field", "reason"),
    [
        ("sameish\tname:A\tname:B", "kind", "not one of"),
        ("same\tdunz:1\tname:B", "left", "not a record reference"),
        ("same\tname:A\tname:", "right", "no value"),
        ("parent-of\tname:A\tname:B\t2018-02-30", "valid_from", "not a date"),
        ("parent-of\tname:A\tname:B\t2019-01-01\t2018-01-01", "valid_to", "not after"),
        ("same\tname:A\tname:B\t\t\tsrc\tbad \\x escape", "note", "unknown escape"),
        ("same\tname:A\tname:B\t\t\t\t\t\t\textra", "", "10 cells"),
    ],
)
def test_errors_name_file_line_and_field(
    tmp_path: Path, line: str, field: str, reason: str
) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(f"{HEADER}\nsame\tduns:884745530\tname:Amazon.com, Inc.\n{line}\n")
    with pytest.raises(JudgementError) as raised:
        read_judgements(path)
    assert isinstance(raised.value, SourceError)
    assert (raised.value.file, raised.value.line, raised.value.field) == (str(path), 3, field)
    assert str(raised.value).startswith(f"{path}:3: {field + ': ' if field else ''}")
    assert reason in str(raised.value)


def test_check_collects_every_error_and_contradictions(tmp_path: Path) -> None:
    path = tmp_path / "j.tsv"
    path.write_text(
        f"{HEADER}\n"
        "same\tname:WEST PUBLISHING CORPORATION\tname:West Publishing\n"
        "bogus\tname:A\tname:B\n"
        "different\tname:west publishing\tname:WEST PUBLISHING CORPORATION\n"
        "parent-of\tname:A\tname:A\n"
    )
    result = check_judgements(path)
    assert [j.line for j in result.judgements] == [2]  # a contradicted line is not valid
    assert [(e.line, e.field) for e in result.errors] == [(3, "kind"), (4, "kind"), (5, "right")]
    assert "contradicts line 2" in str(result.errors[1])


def test_a_bad_header_is_named(tmp_path: Path) -> None:
    path = tmp_path / "j.tsv"
    path.write_text("# comment\nkind\tleft\tother\n")
    with pytest.raises(JudgementError, match=r"j\.tsv:2: header: unknown column 'other'"):
        read_judgements(path)


def test_default_path_follows_env_then_sits_beside_the_store(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WHOSBEHIND_JUDGEMENTS", "/data/team/judgements.tsv")
    assert default_judgements_path(Path("/x/a.duckdb")) == Path("/data/team/judgements.tsv")
    monkeypatch.delenv("WHOSBEHIND_JUDGEMENTS")
    assert default_judgements_path(Path("/x/a.duckdb")) == Path("/x/a.judgements.tsv")
    assert default_judgements_path(Path("whosbehind.duckdb")) == Path("whosbehind.judgements.tsv")
    assert default_judgements_path(Path("/x/store")) == Path("/x/store.judgements.tsv")


def test_concurrent_appends_do_not_interleave(tmp_path: Path) -> None:
    path = tmp_path / "j.tsv"
    batches = [
        [
            Judgement("same", RecordRef("duns", f"{i:09d}"), AMAZON, source=f"w{w}")
            for i in range(50)
        ]
        for w in range(4)
    ]
    children = []
    for batch in batches:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child process
            for judgement in batch:
                append_judgements(path, [judgement])
            os._exit(0)
        children.append(pid)
    for pid in children:
        assert os.waitpid(pid, 0)[1] == 0
    found = read_judgements(path)
    assert sorted(map(format_judgement, found)) == sorted(
        format_judgement(j) for batch in batches for j in batch
    )
