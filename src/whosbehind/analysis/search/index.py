"""Full-text search over the store: one box for agencies, organizations (by any name, UEI,
DUNS, CIK or CAGE), FedRAMP offerings, award PIIDs and the words of award descriptions.

The index is Tantivy's (a Rust search engine, through its Python bindings): built from the
store in one pass (``SearchIndex.build``; ``analysis/search/entries.py`` says what goes in), kept
in memory or in a folder, rebuilt for each published copy of the store. ``search`` ranks by
BM25 (names weigh 3, descriptions 1, an award's recipient 0.5; an identifier typed whole
outranks everything) times ``log2(2 + weight)``, the weight being how much the store holds about
the hit (awards of an agency or an organization's records). Hits holding every word come
first, then those holding some; when nothing matches, it tries again forgiving one typo per
word of five letters or more. ``suggest`` completes the last word
typed, for a search box. Why Tantivy and not SQLite FTS5: docs/architecture.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import tantivy

from whosbehind.analysis.search.entries import KINDS, Entry, entries
from whosbehind.errors import UsageError
from whosbehind.store.engine import Engine

_WORD = re.compile(r"\w+")
_BOOSTS = {"names": 3.0, "text": 1.0, "context": 0.5}
_IDENTIFIER_BOOST = 20.0
_FUZZY_FROM = 5  # letters: shorter words are matched exactly only
_WRITER_HEAP = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: what it is (``kind``), its id, label and detail, the page that
    shows it (``url``) and how well it matched (``score``)."""

    kind: str  # agency, organization, offering or award
    id: str
    label: str
    detail: str
    url: str
    score: float

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for stored in ("kind", "id", "label", "detail", "url"):
        builder.add_text_field(stored, stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("names", tokenizer_name="default")
    builder.add_text_field("identifiers", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("text", tokenizer_name="en_stem")
    builder.add_text_field("context", tokenizer_name="default")
    builder.add_float_field("weight", fast=True)
    return builder.build()


def _document(entry: Entry) -> tantivy.Document:
    return tantivy.Document(
        kind=entry.kind,
        id=entry.id,
        label=entry.label,
        detail=entry.detail,
        url=entry.url,
        names=list(entry.names),
        identifiers=[identifier.lower() for identifier in entry.identifiers],
        text=entry.text,
        context=list(entry.context),
        weight=entry.weight,
    )


class SearchIndex:
    """A search index of one state of the store."""

    def __init__(self, index: tantivy.Index, size: int) -> None:
        self._index = index
        self._schema = index.schema
        self.size = size  # entries indexed

    @classmethod
    def build(cls, engine: Engine, folder: Path | None = None) -> SearchIndex:
        """Index everything the store holds; in memory, or in ``folder`` (made if missing)."""
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(_schema(), path=str(folder) if folder else None)
        writer = index.writer(heap_size=_WRITER_HEAP, num_threads=1)
        size = 0
        for entry in entries(engine):
            writer.add_document(_document(entry))
            size += 1
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        return cls(index, size)

    def search(self, query: str, limit: int = 20, kinds: Sequence[str] | None = None) -> list[Hit]:
        """The best ``limit`` hits for what a user typed: words, a name, an identifier."""
        text = " ".join(query.split()).lower()
        words = _WORD.findall(text)
        if not words:
            return []
        parts = [(tantivy.Occur.Should, self._identifier(text))]
        if text.isdigit() and len(text) < 9:  # a DUNS written without its leading zeros
            parts.append((tantivy.Occur.Should, self._identifier(text.zfill(9))))
        parts.append((tantivy.Occur.Should, self._words(words, every=True)))
        found = self._run(tantivy.Query.boolean_query(parts), limit, kinds)
        if len(found) < limit and len(words) > 1:  # then those with some of the words
            seen = {(hit.kind, hit.id) for hit in found}
            more = self._run(self._words(words, every=False), limit, kinds)
            found += [hit for hit in more if (hit.kind, hit.id) not in seen][: limit - len(found)]
        long_words = [word for word in words if len(word) >= _FUZZY_FROM]
        if found or not long_words:
            return found
        forgiving = [
            self._fuzzy(word)
            if len(word) >= _FUZZY_FROM
            else tantivy.Query.term_query(self._schema, "names", word)
            for word in words
        ]
        every = tantivy.Query.boolean_query([(tantivy.Occur.Must, part) for part in forgiving])
        return self._run(every, limit, kinds)

    def _words(self, words: list[str], every: bool) -> tantivy.Query:
        """Each word in a name, a description or an award's recipient: all of them, or any."""
        query, _ = self._index.parse_query_lenient(
            " ".join(words),
            default_field_names=list(_BOOSTS),
            field_boosts=_BOOSTS,
            conjunction_by_default=every,
        )
        return query

    def suggest(self, prefix: str, limit: int = 8, kinds: Sequence[str] | None = None) -> list[Hit]:
        """Completions of what a user is typing: names whose words start with the words
        typed (the last one may be cut short), or identifiers starting with it."""
        text = " ".join(prefix.split()).lower()
        words = _WORD.findall(text)
        if not words:
            return []
        *whole, last = words
        by_name = [
            (tantivy.Occur.Must, tantivy.Query.term_query(self._schema, "names", w)) for w in whole
        ]
        by_name.append((tantivy.Occur.Must, self._starting("names", last)))
        query = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Should, tantivy.Query.boolean_query(by_name)),
                (tantivy.Occur.Should, self._starting("identifiers", text)),
            ]
        )
        return self._run(query, limit, kinds)

    def _identifier(self, text: str) -> tantivy.Query:
        exact = tantivy.Query.term_query(self._schema, "identifiers", text)
        return tantivy.Query.boost_query(exact, _IDENTIFIER_BOOST)

    def _fuzzy(self, word: str) -> tantivy.Query:
        return tantivy.Query.fuzzy_term_query(
            self._schema, "names", word, distance=1, transposition_cost_one=True
        )

    def _starting(self, field: str, text: str) -> tantivy.Query:
        return tantivy.Query.regex_query(self._schema, field, _regex_literal(text) + ".*")

    def _run(self, query: tantivy.Query, limit: int, kinds: Sequence[str] | None) -> list[Hit]:
        if limit < 1:
            raise UsageError(f"limit {limit}: must be 1 or more")
        if kinds:
            unknown = sorted(set(kinds) - set(KINDS))
            if unknown:
                raise UsageError(f"unknown kind {', '.join(unknown)}: one of {', '.join(KINDS)}")
            wanted = tantivy.Query.term_set_query(self._schema, "kind", list(kinds))
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, query), (tantivy.Occur.Must, wanted)]
            )
        searcher = self._index.searcher()
        result = searcher.search(query, limit, count=False, weight_by_field="weight")
        hits: list[Hit] = []
        for score, address in result.hits:
            document = searcher.doc(address)
            kind, key, label, detail, url = (
                str(document.get_first(name)) for name in ("kind", "id", "label", "detail", "url")
            )
            hits.append(Hit(kind, key, label, detail, url, float(score)))
        return hits


def _regex_literal(text: str) -> str:
    """``text`` matched literally in Tantivy's (Rust) regular expressions: every character
    but ASCII letters and digits written as its code point."""
    return "".join(
        char if char.isascii() and char.isalnum() else f"\\x{{{ord(char):X}}}" for char in text
    )
