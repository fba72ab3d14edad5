"""Evidence that a FedRAMP provider and a contract recipient or SEC registrant are one company.

FedRAMP names providers by brand ("Amazon", "IBM", "CrowdStrike, Inc."); contract files and the
SEC name legal entities ("AMAZON.COM INC.", "INTERNATIONAL BUSINESS MACHINES CORPORATION",
"CrowdStrike Holdings, Inc."). Equal name keys already join "Microsoft" and "MICROSOFT CORP";
these rules add the brand forms that keys leave apart. Each edge joins a ``fedramp`` record to
a record of another source, never two records of one source, and only where the evidence points
at exactly one company:

- ``domain``: the other name is the provider's name with a web domain ("AMAZON.COM INC.",
  EDGAR's "AMAZON COM INC") -> "Amazon".
- ``brand``: one key is the other with corporate words after it ("holdings", "technologies",
  "enterprise", "software", "federal", "public sector", ...): "CrowdStrike" and "CrowdStrike
  Holdings", "Akamai" and "AKAMAI TECHNOLOGIES", "OneStream Software" and "OneStream". Two
  names that each add their own words ("Lucid Software" / "Lucid Group", "22nd Century
  Technologies" / "22nd Century Group") are not joined: the shared word may be two companies'
  brand; except a provider named as a brand's public-sector arm ("Tyler Federal", "Tenable
  Public Sector", "... Government Solutions"), which joins "TYLER TECHNOLOGIES" and "Tenable
  Holdings" (the records of its brand with corporate words). No edge either when the records
  found have two or more different keys (ambiguous), or when a record has the provider's own
  key (the equal name key joins that one).
- ``acronym``: the provider's whole name is one upper-case acronym of four to six letters
  ("ESRI") and the records whose keys have those initials, one word per letter, all have one
  key ("environmental systems research institute"). Three letters are too few: "CSC" and
  "GDT" are the initials of unrelated recipients and registrants.

A brand shorter than four characters, or generic (``clusters.usable_name_key``), joins nothing.
The registry applies these edges after equal name keys and before the matcher
(``clusters.KINDS``); a ``different`` judgement refuses them like any other edge.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence

from whosbehind.model.orgs import OrgRecord
from whosbehind.resolve.clusters import Edge, EdgeKind, usable_name_key

KIND: EdgeKind = "cross-source"
# Words a company puts after its brand for a holding company, an operating or public-sector
# subsidiary or its industry; cut from the end of a key, longest first.
_CORPORATE_TAILS: tuple[tuple[str, ...], ...] = tuple(
    sorted(
        (
            tuple(words.split())
            for words in (
                "holdings",
                "holding",
                "technologies",
                "technology",
                "enterprise",
                "enterprises",
                "software",
                "federal",
                "federal services",
                "public sector",
                "government",
                "government solutions",
                "usa",
                "us",
                "america",
            )
        ),
        key=len,
        reverse=True,
    )
)
# A provider named "<brand> Federal" is the brand's public-sector arm: it may join a record
# named "<brand> Holdings" or "<brand> Technologies" although both names add words.
_PUBLIC_SECTOR_TAILS: tuple[tuple[str, ...], ...] = tuple(
    tuple(words.split())
    for words in (
        "federal services",
        "government solutions",
        "public sector",
        "federal",
        "government",
    )
)
_MIN_BRAND = 4
_ACRONYM_MIN = 4
_ACRONYM = re.compile(r"[A-Z]{4,6}")
_DOMAIN = re.compile(r"\.(?:com|net|org|io)\b", re.IGNORECASE)
_OTHER_SOURCES = frozenset({"usaspending", "sec"})


def cross_source_edges(records: Sequence[OrgRecord], keys: Mapping[str, str]) -> list[Edge]:
    """Edges from FedRAMP provider records to contract and SEC records (see the module
    docstring). ``keys`` maps record_key -> ``names.name_key`` of the record's name."""
    index = _Index()
    for record in sorted(records, key=lambda r: r.record_key):
        key = keys.get(record.record_key)
        if key and record.source in _OTHER_SOURCES and record.name:
            index.add(record, key)
    edges: list[Edge] = []
    for provider in sorted(records, key=lambda r: r.record_key):
        key = keys.get(provider.record_key)
        found = index.evidence(provider, key) if provider.source == "fedramp" and key else None
        if found is not None:
            rule, detail, targets = found
            edges += [
                Edge(provider.record_key, target, KIND, 1.0, f"{rule}: {detail}", rule)
                for target in targets
            ]
    return edges


class _Index:
    """Contract and SEC records by key, web-domain key, shorter forms and initials."""

    def __init__(self) -> None:
        self.by_key: defaultdict[str, list[str]] = defaultdict(list)
        self.by_domain: defaultdict[str, list[str]] = defaultdict(list)
        self.by_shorter: defaultdict[str, list[str]] = defaultdict(list)  # key minus tails
        self.by_initials: defaultdict[str, list[str]] = defaultdict(list)
        self.key_of: dict[str, str] = {}

    def add(self, record: OrgRecord, key: str) -> None:
        at = record.record_key
        self.key_of[at] = key
        self.by_key[key].append(at)
        domain = domain_key(record.name, key)
        if domain:
            self.by_domain[domain].append(at)
        for shorter in shorter_forms(key):
            self.by_shorter[shorter].append(at)
        words = key.split()
        if len(words) >= _ACRONYM_MIN:
            self.by_initials["".join(word[0] for word in words)].append(at)

    def evidence(self, provider: OrgRecord, key: str) -> tuple[str, str, list[str]] | None:
        if _strong(key) and self.by_domain.get(key):
            return "domain", f"{key!r} with a web domain", self.by_domain[key]
        if key in self.by_key:
            return None  # an equal name key joins it to that record; a brand would be a guess
        # the other is the provider's name plus corporate words, or the other way round
        targets = list(self.by_shorter.get(key, ())) if _strong(key) else []
        for shorter in shorter_forms(key):
            if _strong(shorter):
                targets += self.by_key.get(shorter, ())
        public = public_sector_brand(key)
        if not targets and public and _strong(public):
            targets = list(self.by_shorter.get(public, ()))
        if targets:
            if not self._one_company(targets):
                return None
            return "brand", f"{key!r} and {self.key_of[targets[0]]!r}", sorted(set(targets))
        name = provider.name.strip()
        if _ACRONYM.fullmatch(name):
            found = self.by_initials.get(name.lower(), [])
            if found and self._one_company(found):
                meaning = self.key_of[found[0]]
                return "acronym", f"{name!r} = {meaning!r}", found
        return None

    def _one_company(self, targets: list[str]) -> bool:
        """True when every target has one key (spaces aside): else the name is ambiguous."""
        return len({self.key_of[t].replace(" ", "") for t in targets}) == 1


def domain_key(name: str, key: str) -> str | None:
    """The key without a web domain: "AMAZON.COM INC." (key "amazoncom") and EDGAR's
    "AMAZON COM INC" (key "amazon com") -> "amazon"; None when the name has no domain."""
    if _DOMAIN.search(name):
        stem = _DOMAIN.split(name, maxsplit=1)[0]
        words = re.sub(r"[^0-9a-z]+", " ", stem.casefold()).split()
        if words and key.replace(" ", "").startswith("".join(words)):
            return " ".join(words)
    words = key.split()
    if len(words) >= 2 and words[-1] in ("com", "net"):
        return " ".join(words[:-1])
    return None


def shorter_forms(key: str) -> list[str]:
    """``key`` with corporate words cut from its end, one more at each step:
    "check point software technologies" -> ["check point software", "check point"]."""
    words = key.split()
    found: list[str] = []
    cut = True
    while cut:
        cut = False
        for tail in _CORPORATE_TAILS:
            if len(words) > len(tail) and tuple(words[-len(tail) :]) == tail:
                words = words[: -len(tail)]
                found.append(" ".join(words))
                cut = True
                break
    return found


def public_sector_brand(key: str) -> str | None:
    """The brand of a public-sector arm's key ("tyler federal", "tenable public sector",
    "rackspace government solutions" -> "tyler", "tenable", "rackspace"), else None."""
    words = key.split()
    for tail in _PUBLIC_SECTOR_TAILS:
        if len(words) > len(tail) and tuple(words[-len(tail) :]) == tail:
            return " ".join(words[: -len(tail)])
    return None


def brand_of(key: str) -> str:
    """``key`` with every corporate word cut from its end; never empty."""
    forms = shorter_forms(key)
    return forms[-1] if forms else key


def _strong(brand: str) -> bool:
    return len(brand.replace(" ", "")) >= _MIN_BRAND and usable_name_key(brand)
