"""Organization-name normalization for matching: a display form and a match key.

``normalize_name(raw)`` returns a ``NormalizedName``. Rules, in the order applied:

1. Text: HTML character references written out ("AT&amp;T" -> "AT&T": older USAspending files
   hold names escaped), Unicode NFKC, whitespace runs collapsed to one space, ends stripped.
2. Clauses are split off wherever they occur (text before the first one is the name; each
   clause's value runs to the next clause). A clause counts only when both the text before it
   and its value contain a letter or digit, so "DBA SYSTEMS INC" is a name, not a clause.
   - ``d/b/a``, ``d.b.a.``, ``dba``, ``doing business as``, ``trading as``, ``t/a``
     -> ``trade_name``;
   - ``[a|an] [wholly-|majority-|indirect-|direct-owned] subsidiary of X`` -> ``parent`` X,
     ``parent_relation`` "subsidiary";
   - ``, [a|an] division of X`` or ``a division of X`` -> ``parent`` X, relation "division"
     (a bare "division of" is left alone: "MARYLAND DIVISION OF CORRECTION" is a name);
   - ``formerly [known as]``, ``f/k/a``, ``fka`` -> ``former_name``.
3. Trailing parenthesized groups are removed one by one from the end, never the whole name:
   a legal suffix such as "(INC)" or "(PUBL)" is dropped, "(a Cisco Company)" becomes the
   reported parent, anything else ("(In Remediation)", "(OH)", "(3626)") goes to
   ``descriptors``. A group followed by more text ("G4S SECURE SOLUTIONS (USA) INC") stays,
   except a record code, a parenthesized number followed by numbers at the end ("COUNTY OF
   BENEWAH (0281) 1242281"), which is a descriptor.
4. Inversions: a trailing ", THE" moves to the front ("GEO GROUP, INC., THE" ->
   "THE GEO GROUP, INC."); "PLACE, KIND OF|ON|FOR" becomes "KIND OF PLACE"
   ("LONG BEACH, CITY OF" -> "CITY OF LONG BEACH").
5. ``display`` is the result with stray trailing punctuation removed; case and legal suffixes
   are kept as written.
6. ``key`` is built from the display form: casefold, NFKD with combining marks dropped,
   apostrophes and periods deleted ("T.Q.M." -> "tqm"), "&" read as "and", every other
   non-alphanumeric character a space. On the tokens, until nothing changes: runs of two or
   more one-character tokens are joined ("M V M" -> "mvm"); a leading "the" is dropped; the
   clause markers of rule 2 cut the name; legal suffixes (INC, INCORPORATED, LLC, CORP,
   CORPORATION, CO, COMPANY, LTD, LIMITED, LP, LLP, PLC, GMBH, AG, SA, ... and multi-word
   forms such as LIMITED LIABILITY COMPANY), a legal suffix cut short ("IN", "CORPORATI",
   "LL": USAspending cuts names at 30 characters) and a trailing "the" are stripped from the
   end, repeatedly, except after "and" ("MCKINSEY & COMPANY" keeps "company"); text after an
   INC, LLC, LTD, LLP, PLC or GMBH that does not start the name is a branch or place and is cut
   ("MCKINSEY & COMPANY, INC. WASHINGTON D.C." -> "mckinsey and company"); a jurisdiction
   (city, county, town, village, township, borough, parish, state, commonwealth) reads "place
   kind" in every order ("COUNTY OF CLARK", "CLARK COUNTY", "CLARK COUNTY OF" ->
   "clark county"). No step ever empties a non-empty name. The key is idempotent:
   ``name_key(name_key(s)) == name_key(s)``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

ParentRelation = Literal["subsidiary", "division"]

_CLAUSE_RE = re.compile(
    r"(?:^|(?<=[\s,;(]))(?:"
    r"(?P<trade>d\s*/\s*b\s*/\s*a|d\.\s?b\.\s?a\.?|dba\.?|doing\s+business\s+as|trading\s+as"
    r"|t\s*/\s*a)"
    r"|(?P<subsidiary>(?:an?\s+)?(?:(?:wholly|majority|indirect|direct)[\s-]+owned\s+)?"
    r"subsidiary\s+of)"
    r"|(?P<division>(?:(?<=,)\s*(?:an?\s+)?|an?\s+)division\s+of)"
    r"|(?P<former>formerly(?:\s+known\s+as)?|f\s*/\s*k\s*/\s*a|fka)"
    r")(?=[\s,;:()]|$)",
    re.IGNORECASE,
)
# Text without any of these has no clause: a quick test before _CLAUSE_RE.
_CLAUSE_HINT_RE = re.compile(
    r"d\s*/|d\.|dba|doing|trading|t\s*/|subsidiary|division|formerly|f\s*/|fka", re.IGNORECASE
)
_COMPANY_OF_RE = re.compile(r"^an?\s+(?P<parent>.*\w.*?)\s+company$", re.IGNORECASE)
_TRAILING_THE_RE = re.compile(r"^(?P<rest>.*\w.*?)[\s,]+(?P<the>the)$", re.IGNORECASE)
_INVERTED_RE = re.compile(
    r"^(?P<place>[^,]*\w[^,]*),\s*(?P<kind>[^,]*\w[^,]*\b(?:of|on|for))$", re.IGNORECASE
)
_EDGE_PUNCT = " ,;:-/"
_ENTITY_RE = re.compile(r"&(?:[A-Za-z]{2,8}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_CODE_TAIL_RE = re.compile(r"^(?P<name>.*?)\s*(?P<code>\(\d+\)(?:\s+\d+)+)$")

_SUFFIXES: frozenset[tuple[str, ...]] = frozenset(
    tuple(s.split())
    for s in (
        *("inc", "incorporated", "corp", "corporation", "co", "company", "cos", "llc", "lc"),
        *("ltd", "limited", "lp", "llp", "lllp", "pllc", "plc", "pc", "gmbh", "mbh", "ag"),
        *("kg", "kgaa", "sa", "sas", "sarl", "spa", "srl", "bv", "nv", "ab", "publ", "oy"),
        *("oyj", "asa", "aps", "kk", "pte", "pty", "ulc", "se", "ehf", "ltda"),
        "limited liability company",
        "limited liability co",
        "limited liability partnership",
        "limited partnership",
        "public limited company",
        "professional corporation",
        "sa de cv",
        "sab de cv",
    )
)
_MAX_SUFFIX_LEN = max(len(s) for s in _SUFFIXES)
_PAREN_DROPPED = [list(s) for s in _SUFFIXES] + [["the"]]
_CUT_MARKERS: tuple[tuple[str, ...], ...] = (
    ("dba",),
    ("doing", "business", "as"),
    ("trading", "as"),
    ("formerly",),
    ("fka",),
    ("subsidiary", "of"),
    ("a", "division", "of"),
    ("an", "division", "of"),
)
# Legal forms that never start or sit inside a name: text after one of them (not after "and")
# is a branch or place ("MCKINSEY & COMPANY, INC. WASHINGTON D.C."), cut from the key.
_CUTTING_SUFFIXES = frozenset("inc incorporated llc ltd llp lllp pllc plc gmbh".split())
# A legal suffix cut short (USAspending cuts names at 30 characters: "SPECTRUM SECURITY
# SERVICES, IN", "... CORPORATI"): proper prefixes of at least two letters of these words,
# except real words ("limit", "comp"), are stripped from the end like the suffix itself.
_SUFFIX_FRAGMENTS = frozenset(
    word[:n]
    for word in ("incorporated", "corporation", "company", "limited", "llc")
    for n in range(2, len(word))
) - {"co", "comp", "limit", "corp", "inc"}
# Jurisdictions: "COUNTY OF SHERBURNE", "SHERBURNE COUNTY" and "SHERBURNE COUNTY OF" (no comma)
# all have the key "sherburne county".
_JURISDICTIONS = frozenset(
    "city county town village township borough parish state commonwealth".split()
)
_MARKER_HEADS = frozenset(marker[0] for marker in _CUT_MARKERS)
# Words of a subsidiary clause that sit before "subsidiary of" and are cut with it.
_CLAUSE_LEAD = frozenset({"a", "an", "wholly", "majority", "indirect", "direct", "owned"})
_DELETED_CHARS = frozenset("'\u2019\u2018`\u00b4.")


@dataclass(frozen=True, slots=True)
class NormalizedName:
    """One raw organization name, split into its parts and reduced to a match key."""

    raw: str
    display: str
    key: str
    trade_name: str | None = None
    parent: str | None = None
    parent_relation: ParentRelation | None = None
    former_name: str | None = None
    descriptors: tuple[str, ...] = ()


def normalize_name(raw: str) -> NormalizedName:
    """Split ``raw`` into name, trade name, reported parent, former name and descriptors."""
    if "&" in raw:
        raw = _ENTITY_RE.sub(lambda m: html.unescape(m.group()), raw)
    text = " ".join(unicodedata.normalize("NFKC", raw).split())
    name, clauses = _split_clauses(text)
    parent = clauses.get("subsidiary")
    relation: ParentRelation | None = "subsidiary" if parent else None
    if clauses.get("division"):
        parent, relation = clauses["division"], "division"
    name, code = _split_code_tail(name)
    name, descriptors, paren_parent = _strip_trailing_groups(name)
    descriptors += code
    if paren_parent and not parent:
        parent, relation = paren_parent, "subsidiary"
    display = _tidy(_uninvert(name)) or text
    return NormalizedName(
        raw=raw,
        display=display,
        key=_key_of(display),
        trade_name=clauses.get("trade"),
        parent=parent,
        parent_relation=relation,
        former_name=clauses.get("former"),
        descriptors=descriptors,
    )


def name_key(raw: str) -> str:
    """The match key of ``raw``: equal keys mean "same name" for key-equality matching."""
    return normalize_name(raw).key


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _tidy(text: str) -> str:
    text = text.strip(_EDGE_PUNCT)
    if text.count("(") > text.count(")"):
        text = text.rstrip("( " + _EDGE_PUNCT)
    if text.count(")") > text.count("("):
        text = text.rstrip(") " + _EDGE_PUNCT)
    return text.strip(_EDGE_PUNCT)


def _split_clauses(text: str) -> tuple[str, dict[str, str]]:
    if _CLAUSE_HINT_RE.search(text) is None:
        return text, {}
    marks = [m for m in _CLAUSE_RE.finditer(text) if _has_word(text[: m.start()])]
    accepted: list[re.Match[str]] = []
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        if _has_word(text[mark.end() : end]):
            accepted.append(mark)
    if not accepted:
        return text, {}
    clauses: dict[str, str] = {}
    for i, mark in enumerate(accepted):
        end = accepted[i + 1].start() if i + 1 < len(accepted) else len(text)
        kind = mark.lastgroup or "trade"
        clauses.setdefault(kind, _tidy(text[mark.end() : end]))
    return _tidy(text[: accepted[0].start()]), clauses


def _split_code_tail(name: str) -> tuple[str, tuple[str, ...]]:
    """A record code at the end ("COUNTY OF BENEWAH (0281) 1242281"): a parenthesized number
    followed by numbers is a descriptor, like a trailing "(0281)" alone."""
    found = _CODE_TAIL_RE.match(name)
    if found is None or not _has_word(found.group("name")):
        return name, ()
    return found.group("name"), (found.group("code"),)


def _strip_trailing_groups(name: str) -> tuple[str, tuple[str, ...], str | None]:
    descriptors: list[str] = []
    parent: str | None = None
    while name.endswith(")"):
        depth, start = 0, -1
        for i in range(len(name) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(name[i], 0)
            if depth == 0:
                start = i
                break
        rest = name[:start].rstrip(_EDGE_PUNCT) if start >= 0 else ""
        if not _has_word(rest):
            break
        content = name[start + 1 : -1].strip()
        company_of = _COMPANY_OF_RE.match(content)
        if company_of and parent is None:
            parent = company_of.group("parent")
        elif _has_word(content) and _join_initials(_tokens(content)) not in _PAREN_DROPPED:
            descriptors.insert(0, content)
        name = rest
    return name, tuple(descriptors), parent


def _uninvert(name: str) -> str:
    # The endswith tests only skip regexes that could not match (they are slow to fail).
    the = _TRAILING_THE_RE.match(name) if name[-3:].lower() == "the" else None
    if the:
        name = f"{the.group('the')} {the.group('rest').rstrip(_EDGE_PUNCT)}"
    lowered = name.lower()
    inverted = (
        _INVERTED_RE.match(name) if "," in name and lowered.endswith(("of", "on", "for")) else None
    )
    if inverted:
        name = f"{inverted.group('kind')} {inverted.group('place')}"
    return name


def _fold(text: str) -> str:
    if text.isascii():
        return text.lower()  # what the loop below gives for ASCII, much faster
    for _ in range(4):
        decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        if folded == text:
            break
        text = folded
    return text


# For ASCII text, _tokens's character rules as one str.translate table.
_ASCII_TOKEN_TABLE = {
    code: (
        None
        if chr(code) in _DELETED_CHARS
        else " and "
        if chr(code) == "&"
        else chr(code)
        if chr(code).isalnum()
        else " "
    )
    for code in range(128)
}


def _tokens(text: str) -> list[str]:
    folded = _fold(text)
    if folded.isascii():
        return folded.translate(_ASCII_TOKEN_TABLE).split()
    return _tokens_slow(text)


def _tokens_slow(text: str) -> list[str]:
    chars: list[str] = []
    for ch in _fold(text):
        if ch in _DELETED_CHARS:
            continue
        chars.append(" and " if ch == "&" else ch if ch.isalnum() else " ")
    return "".join(chars).split()


def _join_initials(tokens: list[str]) -> list[str]:
    out: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1:
            run.append(token)
            continue
        out.extend(["".join(run)] if len(run) > 1 else run)
        run = []
        if token:
            out.append(token)
    return out


def _cut_clause(tokens: list[str]) -> list[str]:
    if _MARKER_HEADS.isdisjoint(tokens):
        return tokens
    for i in range(1, len(tokens)):
        for marker in _CUT_MARKERS:
            if tuple(tokens[i : i + len(marker)]) == marker and i + len(marker) < len(tokens):
                left = tokens[:i]
                if marker == ("subsidiary", "of"):
                    while len(left) > 1 and left[-1] in _CLAUSE_LEAD:
                        left = left[:-1]
                return left
    return tokens


def _cut_at_legal_form(tokens: list[str]) -> list[str]:
    for i in range(1, len(tokens) - 1):
        if tokens[i] in _CUTTING_SUFFIXES and tokens[i - 1] != "and":
            return tokens[:i]
    return tokens


def _strip_suffixes(tokens: list[str]) -> list[str]:
    changed = True
    while changed:
        changed = False
        if len(tokens) > 1 and tokens[-1] in _SUFFIX_FRAGMENTS and tokens[-2] != "and":
            tokens, changed = tokens[:-1], True
            continue
        for size in range(min(_MAX_SUFFIX_LEN, len(tokens) - 1), 0, -1):
            tail, rest = tuple(tokens[-size:]), tokens[:-size]
            if tail == ("the",) or (tail in _SUFFIXES and rest[-1] != "and"):
                tokens, changed = rest, True
                break
    return tokens


def _uninvert_tokens(tokens: list[str]) -> list[str]:
    if len(tokens) < 3:
        return tokens
    if tokens[0] in _JURISDICTIONS and tokens[1] == "of" and tokens[2] not in _NOT_A_PLACE:
        return [*tokens[2:], tokens[0]]
    if tokens[-1] == "of" and tokens[-2] in _JURISDICTIONS and tokens[-3] not in _NOT_A_PLACE:
        return [*tokens[:-2], tokens[-2]]
    return tokens


_NOT_A_PLACE = frozenset({"of", "and", "the"})


def _canonical(tokens: list[str]) -> list[str]:
    while True:
        step = _join_initials(tokens)
        if len(step) > 1 and step[0] == "the":
            step = step[1:]
        step = _uninvert_tokens(_strip_suffixes(_cut_at_legal_form(_cut_clause(step))))
        if step == tokens:
            return tokens
        tokens = step


def _key_of(display: str) -> str:
    tokens = _canonical(_tokens(display))
    if tokens:
        return " ".join(tokens)
    # Only reached for names made of characters that folding removes entirely.
    return "".join(ch for ch in unicodedata.normalize("NFKC", display).casefold() if ch.isalnum())


# A key with one of these words names a local government or public office, which is bound to
# its place: "ADAMS COUNTY" of Colorado and of Pennsylvania are two counties. "city" and "town"
# count only as the last word (the key form of "CITY OF X"): "TOWN & COUNTRY FORD" is a company.
_PLACE_BOUND_WORDS = frozenset(
    "county parish borough township village sheriff sheriffs police".split()
)
_PLACE_BOUND_LAST = frozenset({"city", "town"})


def place_bound(key: str) -> bool:
    """True for the name key of a local government or public office ("adams county",
    "houston city", "adams county sheriffs office"): one such name in two states names two
    organizations."""
    tokens = key.split()
    return bool(tokens) and (
        tokens[-1] in _PLACE_BOUND_LAST or not _PLACE_BOUND_WORDS.isdisjoint(tokens)
    )


def names_itself(name: str, parent_name: str | None) -> bool:
    """A reported parent that is the record's own name, to case and punctuation: it names no
    other company (a parent DUNS/UEI that comes with it may: ``ownership`` reads that).
    Legal forms count: AMAZON.COM LLC naming AMAZON.COM INC. names another company."""
    return bool(parent_name) and _letters(parent_name or "") == _letters(name)


def _letters(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())
