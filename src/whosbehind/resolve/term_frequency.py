"""Common words of a record set, and when the words one name adds to another only describe it.

A name that is another name plus words is often the same organization written more fully:
"CALIFORNIA DEPARTMENT OF TECHNOLOGY" / "CALIFORNIA DEPARTMENT OF TECHNOLOGY SERVICES DTS",
"DEPARTMENT OF PUBLIC SAFETY LOUISIANA" / "LOUISIANA DEPARTMENT OF PUBLIC SAFETY SERVICES".
Often it is not: "COUNTY OF DALLAS" / "DALLAS COUNTY SHERIFF DEPT" (a government and one of
its offices: two organizations, one owning the other), "ACME" / "ACME HOLDINGS". The matcher
tells these apart by what the added words are (``extra_words_describe``, with the
``descriptor_words`` of the records being matched):

- a *common word* of the record set (term frequency, as Splink's term-frequency adjustments:
  a word in at least ``COMMON_SHARE`` of the set's distinct name keys, and in two of them,
  such as "services", "group", "county"; counted on the records being matched, not listed),
  unless it names a body of its own: a government word ("county", "sheriff", "department",
  "police", "university", ... ``gov_names.GOVERNMENT_WORDS``) or an owner ("holding");
- or the name's own acronym: the initials of a run of its other words ("DTS" after
  "DEPARTMENT OF TECHNOLOGY SERVICES", light words such as "of" skipped).

The ``descriptor`` level's weight is counted on labelled pairs like every other level
(``match_model.train``, ``benchmarks/resolve_eval.py --write-weights``); these rules only say
which pairs fall in it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from whosbehind.resolve.gov_names import GOVERNMENT_WORDS, expand

COMMON_SHARE = 0.01  # a word in 1 % of a set's distinct name keys is a common word there
# Words that name a body of their own (or an owner), whatever their frequency.
NAMING_WORDS = GOVERNMENT_WORDS | frozenset(
    "holding parent subsidiary affiliate jail sheriff police court attorney".split()
)
_SKIPPED_IN_ACRONYMS = frozenset("of and the for on in at a".split())


def common_words(keys: Iterable[str]) -> frozenset[str]:
    """Tokens in at least ``COMMON_SHARE`` of the distinct ``keys`` (and in two of them)."""
    distinct = {key for key in keys if key}
    frequency: Counter[str] = Counter(t for key in distinct for t in set(key.split()))
    least = max(2.0, COMMON_SHARE * len(distinct))
    return frozenset(t for t, n in frequency.items() if n >= least)


def descriptor_words(keys: Iterable[str]) -> frozenset[str]:
    """The common words of ``keys`` (``common_words``) that name no body of their own: the words
    a name may add and stay the same organization."""
    return frozenset(
        t for t in common_words(keys) if t not in NAMING_WORDS and expand(t) not in NAMING_WORDS
    )


def extra_words_describe(short: frozenset[str], long: str, describing: frozenset[str]) -> bool:
    """Every word name key ``long`` adds to the words ``short`` (all of them in it) is one of
    ``describing`` (``descriptor_words``), or an acronym of ``long``'s other words."""
    tokens = long.split()
    extra = set(tokens) - short
    if not extra:
        return False
    rest = extra - describing
    return not rest or all(_acronym_of(t, [o for o in tokens if o != t]) for t in rest)


def _acronym_of(token: str, tokens: list[str]) -> bool:
    """``token`` is the initials of a run of two or more of ``tokens``, light words skipped."""
    if not 2 <= len(token) <= len(tokens) or not token.isalpha():
        return False
    words = [t for t in tokens if t not in _SKIPPED_IN_ACRONYMS and t[:1].isalpha()]
    return token in "".join(w[0] for w in words)
