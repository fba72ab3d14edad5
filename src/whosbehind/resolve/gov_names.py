"""The core of a government's name: the words that say which office it is, whatever the order.

A state or local government's office is written many ways: "ARIZONA DEPARTMENT OF PUBLIC
SAFETY", "PUBLIC SAFETY ARIZONA DEPT OF", "PUBLIC SAFETY, ARIZONA"; "CITY OF TACOMA" and "CITY
OF TACOMA WASHINGTON"; "PORT AUTHORITY OF SOUTH CAROLINA" and "SC STATE PORTS AUTHORITY". The
name key keeps these apart (it keeps word order and every word). ``core(key, state)`` is what
is left of a government name's key once the words that repeat the record's own state (its name,
postal code or AP abbreviation, "WASH" for Washington), words of no weight ("of", "the",
"state", "government", "office", "department") and abbreviations ("DEPT") are set aside, with
plurals made singular, as a sorted set: those names then have one core. The matcher weighs an
equal core, or one that differs by a letter or two (``CORE_RATIO``: "BOUNDRY COUNTY SHERRIF
DEPT" / "BOUNDRY COUNTY SHERIFF DEPARTMENT"), as a name written another way
(``match_features``).

Only names with a government word ("department", "county", "city", "sheriff", "authority",
"university", ...) have a core: "FLORIDA POWER & LIGHT" and "POWER & LIGHT CO" are not one
company because one names its state. A name that is nothing but its state and light words
("STATE OF ALASKA", "COMMONWEALTH OF PENNSYLVANIA") has no core: the government as a whole is
not one of its offices.
"""

from __future__ import annotations

from rapidfuzz import fuzz

# USPS code -> name, for the states, DC and the territories USAspending gives.
STATES: dict[str, str] = {
    "al": "alabama", "ak": "alaska", "az": "arizona", "ar": "arkansas", "ca": "california",
    "co": "colorado", "ct": "connecticut", "de": "delaware", "dc": "district of columbia",
    "fl": "florida", "ga": "georgia", "hi": "hawaii", "id": "idaho", "il": "illinois",
    "in": "indiana", "ia": "iowa", "ks": "kansas", "ky": "kentucky", "la": "louisiana",
    "me": "maine", "md": "maryland", "ma": "massachusetts", "mi": "michigan", "mn": "minnesota",
    "ms": "mississippi", "mo": "missouri", "mt": "montana", "ne": "nebraska", "nv": "nevada",
    "nh": "new hampshire", "nj": "new jersey", "nm": "new mexico", "ny": "new york",
    "nc": "north carolina", "nd": "north dakota", "oh": "ohio", "ok": "oklahoma",
    "or": "oregon", "pa": "pennsylvania", "ri": "rhode island", "sc": "south carolina",
    "sd": "south dakota", "tn": "tennessee", "tx": "texas", "ut": "utah", "vt": "vermont",
    "va": "virginia", "wa": "washington", "wv": "west virginia", "wi": "wisconsin",
    "wy": "wyoming", "pr": "puerto rico", "gu": "guam", "vi": "virgin islands",
    "as": "american samoa", "mp": "northern mariana islands",
}  # fmt: skip
# The AP style abbreviations (periods are gone from keys: "N.H." is "nh", a USPS code).
_AP = {
    "al": "ala", "az": "ariz", "ar": "ark", "ca": "calif", "co": "colo", "ct": "conn",
    "de": "del", "fl": "fla", "il": "ill", "in": "ind", "ks": "kan", "md": "md",
    "ma": "mass", "mi": "mich", "mn": "minn", "ms": "miss", "mo": "mo", "mt": "mont",
    "ne": "neb", "nv": "nev", "ok": "okla", "or": "ore", "pa": "penn", "tn": "tenn",
    "vt": "vt", "va": "va", "wa": "wash", "wv": "wva", "wi": "wis", "wy": "wyo",
}  # fmt: skip
_ABBREVIATIONS = {
    "dept": "department", "dep": "department", "dpt": "department", "depts": "department",
    "govt": "government", "gov": "government", "ofc": "office", "admin": "administration",
    "univ": "university", "cnty": "county", "twp": "township", "boro": "borough",
    "svc": "service", "svcs": "service", "serv": "service", "natl": "national",
    "assn": "association", "ctr": "center", "cntr": "center", "comm": "commission",
    "auth": "authority", "div": "division", "corr": "correction", "atty": "attorney",
}  # fmt: skip
GOVERNMENT_WORDS = frozenset(
    (
        "department county city town township village borough parish municipality state "
        "commonwealth government office agency authority commission board bureau division "
        "police sheriff attorney court correction correctional jail detention university "
        "college school district public administration"
    ).split()
)
_LIGHT_WORDS = frozenset(
    "of the for and on in at a state commonwealth government office department".split()
)
_MIN_CORE = 1
CORE_RATIO = 95  # rapidfuzz ratio of two cores at or above which they are one core


def _singular(token: str) -> str:
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


def expand(token: str) -> str:
    """A key token with its abbreviation written out and a plural made singular."""
    return _singular(_ABBREVIATIONS.get(token, token))


def _state_words(state: str) -> frozenset[str]:
    code = state.strip().casefold()
    if code not in STATES:
        code = next((c for c, name in STATES.items() if name == code), "")
    if not code:
        return frozenset()
    return frozenset({code, _AP.get(code, code), *STATES[code].split()})


def core(key: str, state: str | None) -> str:
    """The sorted core words of a government name's key (``names.name_key``), "" for a name
    without a government word or with fewer than two core words."""
    words = key.split()
    tokens = [_singular(_ABBREVIATIONS.get(t, t)) for t in words]
    if GOVERNMENT_WORDS.isdisjoint(tokens):
        return ""
    own = _state_words(state or "")
    # the state's words are set aside as written, before plurals are made singular ("texas" is
    # not "texa")
    kept = {
        t
        for word, t in zip(words, tokens, strict=True)
        if word not in own and t not in _LIGHT_WORDS and t not in own
    }
    return " ".join(sorted(kept)) if len(kept) >= _MIN_CORE else ""


def same_core(a: str, b: str) -> bool:
    """Two cores (``core``) that name one office: equal, one writing two of the other's words as
    one ("BROADWATER" / "BROAD WATER"), or a letter or two apart with the same numbers ("SCHOOL
    DISTRICT 81" and "82" are two districts)."""
    if not (a and b):
        return False
    if a == b or _compound(a, b):
        return True
    return fuzz.ratio(a, b, score_cutoff=CORE_RATIO) > 0 and _numbers(a) == _numbers(b)


def letters(core_words: str) -> str:
    """A core's letters and digits, sorted: equal for two cores that are ``_compound``."""
    return "".join(sorted(core_words.replace(" ", "")))


def _compound(a: str, b: str) -> bool:
    """One core writes two of the other's words as one ("broadwater" / "broad water"), the
    rest equal."""
    words_a, words_b = set(a.split()), set(b.split())
    only_a, only_b = words_a - words_b, words_b - words_a
    if len(only_a) == 2 and len(only_b) == 1:
        only_a, only_b = only_b, only_a
    if len(only_a) != 1 or len(only_b) != 2:
        return False
    joined, (x, y) = next(iter(only_a)), sorted(only_b)
    return joined in (x + y, y + x)


def _numbers(text: str) -> set[str]:
    return {token for token in text.split() if any(ch.isdigit() for ch in token)}
