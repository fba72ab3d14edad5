"""Properties of name normalization: invariances of the key and the fast paths' equivalence."""

from __future__ import annotations

import html
import string

from hypothesis import given
from hypothesis import strategies as st

from whosbehind.resolve import names
from whosbehind.resolve.names import name_key, normalize_name

# The filter below reads these sets, not the module: hypothesis rebuilds a filter lambda from its
# source to describe it, with "import whosbehind.resolve.names as names", which fails while the
# package root's function ``resolve`` shadows the sub-package ``whosbehind.resolve``.
_SUFFIXES = names._SUFFIXES
_SUFFIX_FRAGMENTS = names._SUFFIX_FRAGMENTS

# Words that are not legal suffixes, clause markers or "the"/"and", so the invariances hold.
WORD = st.text(alphabet=string.ascii_uppercase, min_size=2, max_size=9).filter(
    lambda w: (
        (w.lower(),) not in _SUFFIXES
        # a word that is a cut-short legal suffix ("LL", "CORPORATI") is read as one at the end
        and w.lower() not in _SUFFIX_FRAGMENTS
        and w.lower() not in {"the", "and", "dba", "fka", "formerly", "of", "a", "an"}
    )
)
SUFFIX_FORMS = [
    "INC",
    "INC.",
    ", INC.",
    ",INC",
    " INCORPORATED",
    "LLC",
    ", L.L.C.",
    "CORP.",
    " CORPORATION",
    ", LTD",
    " LIMITED",
    " L.P.",
    ", LLP",
    " CO.",
    "",
]


@given(st.lists(WORD, min_size=1, max_size=5), st.sampled_from(SUFFIX_FORMS))
def test_key_ignores_the_legal_suffix(words: list[str], suffix: str) -> None:
    name = " ".join(words)
    glue = "" if suffix.startswith(",") or not suffix else " "
    assert name_key(f"{name}{glue}{suffix.strip() if glue else suffix}") == name_key(name)


@given(st.lists(WORD, min_size=1, max_size=5), st.lists(st.sampled_from(",;:-/"), max_size=5))
def test_key_ignores_punctuation_between_words(words: list[str], marks: list[str]) -> None:
    spaced = " ".join(words)
    punctuated = words[0] + "".join(
        f"{marks[i % len(marks)] if marks else ''} {word}" for i, word in enumerate(words[1:])
    )
    assert name_key(punctuated) == name_key(spaced)


@given(st.lists(WORD, min_size=1, max_size=5), st.sampled_from(SUFFIX_FORMS))
def test_key_ignores_case(words: list[str], suffix: str) -> None:
    name = " ".join(words) + suffix
    assert name_key(name.lower()) == name_key(name) == name_key(name.title())


@given(st.text(max_size=40))
def test_key_and_display_are_idempotent(raw: str) -> None:
    key = name_key(raw)
    assert name_key(key) == key
    display = normalize_name(raw).display
    assert name_key(normalize_name(display).display) == name_key(display)


@given(st.text(alphabet=string.printable, max_size=40))
def test_ascii_tokens_fast_path_equals_the_general_rule(raw: str) -> None:
    assert names._tokens(raw) == names._tokens_slow(raw)


@given(
    st.text(alphabet=string.ascii_letters + " ,", max_size=30),
    st.sampled_from(["", " THE", ", the", " OF", ", COUNTY OF", " ON", " FOR", ", Town of"]),
)
def test_uninvert_guards_skip_only_regexes_that_cannot_match(stem: str, tail: str) -> None:
    name = stem + tail
    expected = name
    the = names._TRAILING_THE_RE.match(expected)
    if the:
        expected = f"{the.group('the')} {the.group('rest').rstrip(names._EDGE_PUNCT)}"
    inverted = names._INVERTED_RE.match(expected)
    if inverted:
        expected = f"{inverted.group('kind')} {inverted.group('place')}"
    assert names._uninvert(name) == expected


@given(
    st.lists(WORD, min_size=1, max_size=4),
    st.sampled_from(sorted(names._JURISDICTIONS)),
    st.sampled_from(["", ", ", "THE "]),
)
def test_jurisdictions_have_one_key_in_every_order(words: list[str], kind: str, form: str) -> None:
    place = " ".join(words)
    expected = name_key(f"{place} {kind}")
    assert name_key(f"{kind} OF {place}") == expected
    if form == ", ":
        assert name_key(f"{place}, {kind} OF") == expected
    else:
        assert name_key(f"{form}{place} {kind} OF") == expected


@given(
    st.lists(WORD, min_size=1, max_size=4),
    st.sampled_from(["INCORPORATED", "CORPORATION", "COMPANY", "LIMITED", "LLC"]),
    st.integers(2, 11),
)
def test_a_legal_suffix_cut_short_is_stripped(words: list[str], suffix: str, cut: int) -> None:
    fragment = suffix[: min(cut, len(suffix) - 1)]
    if fragment.lower() in {"comp", "limit"}:  # words in their own right
        return
    name = " ".join(words)
    assert name_key(f"{name} {fragment}") == name_key(f"{name} {suffix}") == name_key(name)


@given(
    st.lists(WORD, min_size=1, max_size=4),
    st.sampled_from(["INC", ", INC.", " INCORPORATED", ", LLC", " L.L.C.", " LTD", ", LLP"]),
    # a name ending in ON or FOR after a comma is an inversion (rule 4), not a place
    st.lists(WORD.filter(lambda w: w not in {"ON", "FOR"}), min_size=1, max_size=3),
)
def test_text_after_a_legal_form_is_cut(words: list[str], form: str, after: list[str]) -> None:
    name = " ".join(words)
    glue = "" if form.startswith(",") else " "
    assert name_key(f"{name}{glue}{form.strip() if glue else form} {' '.join(after)}") == (
        name_key(name)
    )


# Names as USAspending writes them, with the characters HTML escapes ("&", quotes, "<", ">"),
# never ";" (so no text is already a character reference).
ESCAPABLE = st.text(alphabet=string.ascii_uppercase + string.digits + " &'\"<>,.-", max_size=40)


@given(ESCAPABLE)
def test_an_escaped_name_has_the_key_of_the_name(raw: str) -> None:
    escaped = html.escape(raw)
    assert name_key(escaped) == name_key(raw)
    assert normalize_name(escaped).display == normalize_name(raw).display
