"""From record references and statements to org ids, given the records and the registry.

The registry says which org each record belongs to (``org_of``: record_key -> org_id). This
index answers the reverse questions ownership and roll-up ask: which orgs a reference such as
``duns:080961462`` or ``name:Thomson Reuters Corp`` denotes, which org a contract's recipient
statement (name, DUNS, UEI as on the transaction) belongs to, and an org's display name.

Some records name no one (``record_name`` is None): a parent a recipient reported under its own
name, known only by the parent DUNS/UEI it gave, and a judgement's ``duns:``/``uei:`` side. They
are found by their identifiers only, and an org with no named record is shown by its identifier
("DUNS 150776503").

Names are compared first as written (whitespace and case folded), then by match key
(``names.name_key``). Where a name or identifier is in several orgs, ``best`` picks the org with
the most records carrying it (ties: the smallest id), so that a choice is always the same one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from whosbehind.model.orgs import IDENTIFIER_SCHEMES, OrgRecord, RecordRef
from whosbehind.resolve.names import normalize_name

_DUNS_DIGITS = 9
_CIK_DIGITS = 10


def canonical_ref(scheme: str, value: str) -> tuple[str, str]:
    """The (scheme, value) an index is keyed by: padded DUNS and CIK, upper-case UEI and CAGE,
    case- and whitespace-folded raw names."""
    text = " ".join(value.split())
    if scheme == "duns" and text.isdigit():
        return scheme, text.zfill(_DUNS_DIGITS)
    if scheme == "cik" and text.isdigit():
        return scheme, text.zfill(_CIK_DIGITS)
    if scheme in ("uei", "cage"):
        return scheme, text.upper()
    if scheme == "name":
        return scheme, text.casefold()
    return scheme, text


class OrgIndex:
    """Reference -> org ids, record -> org, org -> display name."""

    def __init__(
        self,
        records: Iterable[OrgRecord],
        org_of: Mapping[str, str],
        name_keys: Mapping[str, str] | None = None,
    ) -> None:
        """``name_keys`` (record_key -> ``name_key(name)``, as the registry stores them) saves
        normalizing every record's name again."""
        self.org_of = dict(org_of)
        keys = name_keys or {}
        self._refs: defaultdict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        self._spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self._sec_names: dict[str, str] = {}
        self._labels: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.records: dict[str, OrgRecord] = {}
        for record in records:
            org = self.org_of.get(record.record_key)
            if org is None:
                continue
            self.records[record.record_key] = record
            for scheme in ("uei", "duns", "cik", "cage"):
                value = getattr(record, scheme)
                if value:
                    self._refs[canonical_ref(scheme, value)][org] += 1
            if record.source == "fedramp" and record.record_key.startswith("fedramp:"):
                # the registry keys a provider record "fedramp:<provider key>[|uei:...]"
                provider = record.record_key.removeprefix("fedramp:").partition("|")[0]
                self._refs[("fedramp", provider)][org] += 1
            name = record_name(record)
            if name is None:
                label = identifier_label(record)
                if label:
                    self._labels[org][label] += 1
                continue
            key = keys.get(record.record_key) or normalize_name(name).key
            folded = " ".join(name.split())
            self._refs[canonical_ref("name", folded)][org] += 1
            self._refs[("key", key)][org] += 1
            self._spellings[org][folded] += 1
            if record.source == "sec" and org not in self._sec_names:
                self._sec_names[org] = folded
        for org in set(self.org_of.values()):
            self._refs[("org", org)][org] += 1

    def lookup(self, ref: RecordRef) -> list[str]:
        """Every org the reference denotes, the most-carried first. A name is tried as written,
        then by match key."""
        found = self._refs.get(canonical_ref(ref.scheme, ref.value))
        if not found and ref.scheme == "name":
            found = self._refs.get(("key", normalize_name(ref.value).key))
        if not found:
            return []
        return [org for org, _ in sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))]

    def best(self, ref: RecordRef) -> str | None:
        found = self.lookup(ref)
        return found[0] if found else None

    def org_for_statement(
        self, name: str | None, duns: str | None = None, uei: str | None = None
    ) -> str | None:
        """The org of a recipient as a record states it: by UEI, else DUNS, else name."""
        for scheme, value in (("uei", uei), ("duns", duns), ("name", name)):
            if value and value.strip():
                org = self.best(RecordRef(scheme, value))  # type: ignore[arg-type]
                if org is not None:
                    return org
        return None

    def org_for_provider(
        self, provider_key: str, name: str | None = None, uei: str | None = None
    ) -> str | None:
        """The org of a FedRAMP provider: by provider key, else UEI, else name."""
        for scheme, value in (("fedramp", provider_key), ("uei", uei), ("name", name)):
            if value and value.strip():
                org = self.best(RecordRef(scheme, value))  # type: ignore[arg-type]
                if org is not None:
                    return org
        return None

    def display_name(self, org_id: str) -> str:
        """The SEC registrant's name where the org has one (the canonical name of a public
        parent), else its most common spelling; for an org none of whose records has a name, its
        identifier ("DUNS 150776503"); the id when the org has no record here."""
        if org_id in self._sec_names:
            return normalize_name(self._sec_names[org_id]).display
        spellings = self._spellings.get(org_id)
        if spellings:
            return normalize_name(_most_common(spellings)).display
        labels = self._labels.get(org_id)
        return _most_common(labels) if labels else org_id


def _most_common(counts: Counter[str]) -> str:
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def record_name(record: OrgRecord) -> str | None:
    """The name ``record`` gives, or None for a record that names no one (see the module
    docstring). Registries written before such records were made nameless hold a judgement's
    identifier side with the number as its name: that is no name either."""
    name = record.name.strip() if record.name else ""
    if not name:
        return None
    identifiers = (record.uei, record.duns, record.cik, record.cage)
    if record.source == "judgement" and name in identifiers:
        return None
    return name


def identifier_label(record: OrgRecord) -> str | None:
    """A nameless record as a person reads it: its strongest identifier, "DUNS 150776503"."""
    for scheme in IDENTIFIER_SCHEMES:
        value = getattr(record, scheme)
        if value:
            return f"{scheme.upper()} {value}"
    return None


def shown_name(record: OrgRecord) -> str:
    """How a record is shown to a person: its name, else its identifier ("DUNS 150776503"),
    else its key."""
    return record_name(record) or identifier_label(record) or record.record_key
