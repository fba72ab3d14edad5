"""What the matcher compares: a record's comparison profile and the level each field pair falls in.

A ``Profile`` is the part of an ``OrgRecord`` that matching reads, normalized once: the name key
(``names.normalize_name``), its tokens, the key without spaces ("j oliva trucking" and
"joliva trucking" share "jolivatrucking"), identifiers, city/state and the reported parent
(``parent_name`` or a "subsidiary of X" clause in the name).

``compare(a, b)`` puts a pair into one level per comparison; the matcher (``matching``) turns
levels into a probability. Levels, first that holds wins:

- ``name``: ``equal`` keys; ``compact`` equal without spaces; ``other`` when both keys hold
  numbers and not the same ones ("FAKE CSP 1" / "FAKE CSP 10"); ``sort95`` token-sort ratio >= 95;
  ``truncated`` one raw name is exactly ``TRUNCATED_AT`` characters long and, letters and digits
  only, starts the other (older USAspending rows cut names there: "SYSTEMS RESEARCH AND
  APPLICATI"; a rule read off the fy13-fy18 files), or its key tokens are the other's but for
  one that starts one of the other's (a reordered name cut short); ``core`` two government
  names with one core (``gov_names.same_core``: the same words in any order, once the record's
  own state, "of", "state", "dept" and the like are set aside, to a letter or two: "PUBLIC
  SAFETY ARIZONA DEPT OF" / "ARIZONA DEPARTMENT OF PUBLIC SAFETY"); ``sort90``; ``subset``
  every token of one key is in the other, and ``descriptor`` when each word the longer key
  adds is a common word of the record set that names no other body (``term_frequency``:
  "CALIFORNIA DEPARTMENT OF TECHNOLOGY SERVICES DTS", an acronym of its own words, "SERVICES")
  or a ``subset`` otherwise; ``sort80``; ``other``. ``compact``, ``sort95``,
  ``truncated`` and ``core`` are weighed as one (``ESTIMATED_TOGETHER``).
- ``ids``: ``same`` a UEI or DUNS in common; ``differ`` both have one and none is shared;
  ``missing``.
- ``place``: ``city`` same state and city; ``state`` same state, city missing or different;
  ``differ`` different states; ``missing``.
- ``parent``: ``same`` reported parents share an identifier or a name key, or one's reported
  parent is the other; ``differ`` both report a parent and nothing agrees; ``missing``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from rapidfuzz import fuzz

from whosbehind.model.orgs import OrgRecord
from whosbehind.resolve.gov_names import core, same_core
from whosbehind.resolve.names import NormalizedName, normalize_name
from whosbehind.resolve.term_frequency import extra_words_describe

COMPARISONS: dict[str, tuple[str, ...]] = {
    "name": (
        *("equal", "compact", "sort95", "truncated", "core"),
        *("sort90", "descriptor", "subset", "sort80", "other"),
    ),
    "ids": ("same", "differ", "missing"),
    "place": ("city", "state", "differ", "missing"),
    "parent": ("same", "differ", "missing"),
}
TRUNCATED_AT = 30
# Levels whose m and u are counted together (``match_model.train``): each says "one name
# written another way" and each has a handful of labelled pairs, too few to weigh apart.
ESTIMATED_TOGETHER: dict[str, dict[str, str]] = {
    "name": {"compact": "near", "sort95": "near", "truncated": "near", "core": "near"},
}

Levels = tuple[str, str, str, str]  # one level per comparison, in COMPARISONS order


class Profile(NamedTuple):
    """A tuple, not a dataclass: a million of them are made, and tuples are made fastest."""

    record_key: str
    key: str
    tokens: frozenset[str]
    compact: str
    raw_compact: str  # the raw name casefolded, letters and digits only
    raw_length: int  # of the raw name, whitespace runs as one space
    ids: frozenset[str]  # "uei:..." and "duns:..."
    city: str
    state: str
    parent_ids: frozenset[str]
    parent_key: str
    core: str  # gov_names.core: a government name's words in any order, "" for others

    def for_record(self, record_key: str) -> Profile:
        """This profile for another record that says the same."""
        return Profile(record_key, *self[1:])

    @property
    def signature(self) -> tuple[object, ...]:
        """What ``compare`` reads: profiles with one signature compare alike (the raw name only
        counts where it may be a truncated one)."""
        raw = self.raw_compact if self.raw_length == TRUNCATED_AT else ""
        return (
            *(self.key, raw, self.ids, self.city, self.state),
            *(self.parent_ids, self.parent_key, self.core),
        )


def _clean(value: str | None) -> str:
    return " ".join(value.casefold().split()) if value else ""


def _ids(uei: str | None, duns: str | None) -> frozenset[str]:
    found = set()
    if uei and uei.strip():
        found.add(f"uei:{uei.strip().upper()}")
    if duns and duns.strip().strip("0"):
        digits = duns.strip()
        found.add(f"duns:{digits.zfill(9) if digits.isdigit() else digits}")
    return frozenset(found)


def profile_of(
    record: OrgRecord, normalize: Callable[[str], NormalizedName] = normalize_name
) -> Profile:
    """The comparison profile of ``record``; pass a cached ``normalize`` for many records."""
    name = normalize(record.name)
    raw = " ".join(record.name.split())
    parent_raw = record.parent_name or name.parent
    parent_key = normalize(parent_raw).key if parent_raw and parent_raw.strip() else ""
    return Profile(
        record_key=record.record_key,
        key=name.key,
        tokens=frozenset(name.key.split()),
        compact=name.key.replace(" ", ""),
        raw_compact=_alnum(raw),
        raw_length=len(raw),
        ids=_ids(record.uei, record.duns),
        city=_clean(record.city),
        state=_clean(record.state),
        parent_ids=_ids(record.parent_uei, record.parent_duns),
        parent_key=parent_key,
        core=core(name.key, record.state),
    )


_ASCII_ALNUM = {code: None for code in range(128) if not chr(code).isalnum()}


def _alnum(text: str) -> str:
    """``text`` casefolded, letters and digits only."""
    if text.isascii():
        return text.lower().translate(_ASCII_ALNUM)
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def name_level(a: Profile, b: Profile) -> str:
    if a.key == b.key:
        return "equal"
    if a.compact == b.compact:
        return "compact"
    # ratio is 0 below the cutoff; rapidfuzz stops early there
    return name_level_at(a, b, fuzz.token_sort_ratio(a.key, b.key, score_cutoff=80))


def name_level_at(
    a: Profile, b: Profile, ratio: float, describing: frozenset[str] = frozenset()
) -> str:
    """``name_level`` given the keys' ``token_sort_ratio`` (0 below 80), as the matcher computes
    it for many pairs at once; ``describing``: the record set's descriptor words
    (``term_frequency.descriptor_words``), for the ``descriptor`` level."""
    if a.key == b.key:
        return "equal"
    if a.compact == b.compact:
        return "compact"
    if _numbers_differ(a.key, b.key):
        return "other"
    if ratio >= 95:
        return "sort95"
    short, long = (a, b) if a.raw_length <= b.raw_length else (b, a)
    if short.raw_length == TRUNCATED_AT and _cut_from(short, long):
        return "truncated"
    if same_core(a.core, b.core):
        return "core"
    if ratio >= 90:
        return "sort90"
    if a.tokens <= b.tokens or b.tokens <= a.tokens:
        short, long = (a, b) if len(a.tokens) <= len(b.tokens) else (b, a)
        described = extra_words_describe(short.tokens, long.key, describing)
        return "descriptor" if described else "subset"
    return "sort80" if ratio else "other"


_DIGIT = re.compile(r"\d")


def _numbers_differ(a: str, b: str) -> bool:
    """Both keys hold numbers, and not the same ones: "FAKE CSP 1" and "FAKE CSP 10", "REGION 4"
    and "REGION 5" are two organizations however alike the rest."""
    if not (_DIGIT.search(a) and _DIGIT.search(b)):
        return False
    return _numbered(a) != _numbered(b)


def _numbered(key: str) -> set[str]:
    return {token for token in key.split() if _DIGIT.search(token)}


def _cut_from(short: Profile, long: Profile) -> bool:
    """``short`` reads as ``long`` cut short: its letters start ``long``'s, or (a reordered
    name, "FITZGERALD, BEN REAL ESTATE SE") its key tokens are ``long``'s but for one that
    starts one of ``long``'s."""
    if long.raw_compact.startswith(short.raw_compact):
        return True
    extra = short.tokens - long.tokens
    if len(extra) > 1 or len(short.tokens) < 2:
        return False
    return not extra or any(token.startswith(next(iter(extra))) for token in long.tokens)


def _ids_level(a: Profile, b: Profile) -> str:
    if a.ids & b.ids:
        return "same"
    return "differ" if a.ids and b.ids else "missing"


def _place_level(a: Profile, b: Profile) -> str:
    if not (a.state and b.state):
        return "missing"
    if a.state != b.state:
        return "differ"
    return "city" if a.city and a.city == b.city else "state"


def _parent_level(a: Profile, b: Profile) -> str:
    if (
        (a.parent_ids & b.parent_ids)
        or (a.parent_key and a.parent_key == b.parent_key)
        or (a.parent_ids & b.ids)
        or (b.parent_ids & a.ids)
        or (a.parent_key and a.parent_key == b.key)
        or (b.parent_key and b.parent_key == a.key)
    ):
        return "same"
    has_a, has_b = bool(a.parent_ids or a.parent_key), bool(b.parent_ids or b.parent_key)
    return "differ" if has_a and has_b else "missing"


def compare(a: Profile, b: Profile, describing: frozenset[str] = frozenset()) -> Levels:
    """The level of each comparison for the pair ``a``, ``b`` (symmetric); ``describing``: the
    record set's descriptor words (``term_frequency.descriptor_words``)."""
    ratio = 0.0 if a.key == b.key else fuzz.token_sort_ratio(a.key, b.key, score_cutoff=80)
    name = name_level_at(a, b, ratio, describing)
    return (name, _ids_level(a, b), _place_level(a, b), _parent_level(a, b))


def compare_names_first(
    a: Profile,
    b: Profile,
    ratio: float | None = None,
    describing: frozenset[str] = frozenset(),
) -> Levels | None:
    """``compare``, or None when the names are ``other``: the matcher matches names, and a pair
    whose names share nothing is left to identifiers and judgements (the registry's other edges).
    Two subsidiaries of one parent in one city are not one organization. ``ratio``: the keys'
    ``token_sort_ratio`` with cutoff 80, when already computed; ``describing``: the record
    set's descriptor words (``term_frequency.descriptor_words``)."""
    if ratio is None:
        ratio = 0.0 if a.key == b.key else fuzz.token_sort_ratio(a.key, b.key, score_cutoff=80)
    name = name_level_at(a, b, ratio, describing)
    if name == "other":
        return None
    return (name, _ids_level(a, b), _place_level(a, b), _parent_level(a, b))
