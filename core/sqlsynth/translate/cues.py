"""Cues: the English phrases that shape a query, and the units the reader walks.

A cue is a phrase such as "how many", "per", "top 5", "above", "highest first" or "not";
:func:`find_cues` takes the longest cue at each token and :func:`build_units` merges cues with
the linker's links into one left-to-right sequence of :class:`Unit`, without overlaps.

For "how many orders per city over 100", the cues are "how many" (count), "per" (group)
and "over" (compare >); "orders" and "city" are links.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sqlsynth.translate.linking import (
    Link,
    Linking,
    Token,
)

CueKind = Literal[
    "count",
    "aggregate",
    "superlative",
    "group",
    "by",
    "order",
    "direction",
    "limit",
    "compare",
    "contains",
    "negation",
    "distinct",
    "conjunction",
    "filler",
]

_CUE_TABLE: tuple[tuple[str, CueKind, str], ...] = (
    ("how many", "count", ""),
    ("number of", "count", ""),
    ("total number of", "count", ""),
    ("count of", "count", ""),
    ("count", "count", ""),
    ("how much", "aggregate", "sum"),
    ("total", "aggregate", "sum"),
    ("sum of", "aggregate", "sum"),
    ("sum", "aggregate", "sum"),
    ("average", "aggregate", "avg"),
    ("avg", "aggregate", "avg"),
    ("mean", "aggregate", "avg"),
    ("minimum", "aggregate", "min"),
    ("min", "aggregate", "min"),
    ("maximum", "aggregate", "max"),
    ("max", "aggregate", "max"),
    ("highest", "superlative", "max"),
    ("largest", "superlative", "max"),
    ("biggest", "superlative", "max"),
    ("greatest", "superlative", "max"),
    ("most", "superlative", "max"),
    ("latest", "superlative", "latest"),
    ("newest", "superlative", "latest"),
    ("most recent", "superlative", "latest"),
    ("most recently", "superlative", "latest"),
    ("lowest", "superlative", "min"),
    ("smallest", "superlative", "min"),
    ("least", "superlative", "min"),
    ("fewest", "superlative", "min"),
    ("earliest", "superlative", "earliest"),
    ("oldest", "superlative", "old"),
    ("youngest", "superlative", "young"),
    ("most expensive", "superlative", "expensive"),
    ("least expensive", "superlative", "cheap"),
    ("cheapest", "superlative", "cheap"),
    ("longest", "superlative", "long"),
    ("shortest", "superlative", "short"),
    ("tallest", "superlative", "tall"),
    ("heaviest", "superlative", "heavy"),
    ("lightest", "superlative", "light"),
    ("per", "group", ""),
    ("for each", "group", ""),
    ("for every", "group", ""),
    ("in each", "group", ""),
    ("by each", "group", ""),
    ("each", "group", ""),
    ("grouped by", "group", ""),
    ("group by", "group", ""),
    ("broken down by", "group", ""),
    ("by", "by", ""),
    ("sorted by", "order", ""),
    ("ordered by", "order", ""),
    ("order by", "order", ""),
    ("sort by", "order", ""),
    ("ranked by", "order", ""),
    ("in order of", "order", ""),
    ("in descending order", "direction", "desc"),
    ("in descending order of", "order", "desc"),
    ("descending", "direction", "desc"),
    ("desc", "direction", "desc"),
    ("in ascending order", "direction", "asc"),
    ("in ascending order of", "order", "asc"),
    ("ascending", "direction", "asc"),
    ("asc", "direction", "asc"),
    ("alphabetically", "direction", "asc"),
    ("in alphabetical order", "direction", "asc"),
    ("ordered alphabetically", "direction", "asc"),
    ("sorted alphabetically", "direction", "asc"),
    ("in the order of", "order", ""),
    ("by order of", "order", ""),
    ("in alphabetical order of", "order", "asc"),
    ("in the alphabetical order of", "order", "asc"),
    ("in ascending alphabetical order", "direction", "asc"),
    ("in ascending alphabetical order of", "order", "asc"),
    ("in increasing order", "direction", "asc"),
    ("in increasing order of", "order", "asc"),
    ("in decreasing order", "direction", "desc"),
    ("in decreasing order of", "order", "desc"),
    ("in reverse alphabetical order", "direction", "desc"),
    ("alphabetical order", "direction", "asc"),
    ("descending alphabetical order", "direction", "desc"),
    ("in descending alphabetical order", "direction", "desc"),
    ("reverse alphabetical order", "direction", "desc"),
    ("in alphabetic order", "direction", "asc"),
    ("alphabetic order", "direction", "asc"),
    ("in alphabetic order of", "order", "asc"),
    ("in the alphabetic order of", "order", "asc"),
    ("in reverse alphabetic order", "direction", "desc"),
    ("reverse alphabetic order", "direction", "desc"),
    ("in lexicographic order", "direction", "asc"),
    ("lexicographically", "direction", "asc"),
    ("in order by", "order", ""),
    ("in order of", "order", ""),
    ("order the results by", "order", ""),
    ("sort the results by", "order", ""),
    ("order them by", "order", ""),
    ("sort them by", "order", ""),
    ("highest first", "direction", "desc"),
    ("largest first", "direction", "desc"),
    ("biggest first", "direction", "desc"),
    ("most first", "direction", "desc"),
    ("latest first", "direction", "desc"),
    ("newest first", "direction", "desc"),
    ("most recent first", "direction", "desc"),
    ("lowest first", "direction", "asc"),
    ("smallest first", "direction", "asc"),
    ("earliest first", "direction", "asc"),
    ("oldest first", "direction", "asc"),
    ("top", "limit", "desc"),
    ("bottom", "limit", "asc"),
    ("first", "limit", ""),
    ("limit", "limit", ""),
    ("more than", "compare", ">"),
    ("greater than", "compare", ">"),
    ("higher than", "compare", ">"),
    ("larger than", "compare", ">"),
    ("bigger than", "compare", ">"),
    ("above", "compare", ">"),
    ("over", "compare", ">"),
    ("exceeding", "compare", ">"),
    ("exceeds", "compare", ">"),
    ("at least", "compare", ">="),
    ("older than", "compare", ">:old"),
    ("younger than", "compare", ">:young"),
    ("more expensive than", "compare", ">:expensive"),
    ("cheaper than", "compare", ">:cheap"),
    ("less expensive than", "compare", ">:cheap"),
    ("longer than", "compare", ">:long"),
    ("shorter than", "compare", ">:short"),
    ("taller than", "compare", ">:tall"),
    ("heavier than", "compare", ">:heavy"),
    ("lighter than", "compare", ">:light"),
    ("no less than", "compare", ">="),
    ("less than", "compare", "<"),
    ("fewer than", "compare", "<"),
    ("lower than", "compare", "<"),
    ("smaller than", "compare", "<"),
    ("below", "compare", "<"),
    ("under", "compare", "<"),
    ("at most", "compare", "<="),
    ("no more than", "compare", "<="),
    ("up to", "compare", "<="),
    ("equal to", "compare", "="),
    ("equals", "compare", "="),
    ("exactly", "compare", "="),
    ("after", "compare", ">"),
    ("in or after", "compare", ">="),
    ("on or after", "compare", ">="),
    ("in or before", "compare", "<="),
    ("on or before", "compare", "<="),
    ("before", "compare", "<"),
    ("since", "compare", ">="),
    ("until", "compare", "<="),
    ("between", "compare", "between"),
    ("containing", "contains", ""),
    ("contains", "contains", ""),
    ("contain", "contains", ""),
    ("like", "contains", ""),
    ("includes", "contains", ""),
    ("include", "contains", ""),
    ("substring", "contains", ""),
    ("contains the word", "contains", ""),
    ("containing the word", "contains", ""),
    ("contain the word", "contains", ""),
    ("includes the word", "contains", ""),
    ("include the word", "contains", ""),
    ("with the word", "contains", ""),
    ("not", "negation", ""),
    ("no", "negation", ""),
    ("without", "negation", ""),
    ("excluding", "negation", ""),
    ("except", "negation", ""),
    ("other than", "negation", ""),
    ("never", "negation", ""),
    ("isn", "negation", ""),
    ("aren", "negation", ""),
    ("don", "negation", ""),
    ("doesn", "negation", ""),
    ("didn", "negation", ""),
    ("distinct", "distinct", ""),
    ("different", "distinct", ""),
    ("unique", "distinct", ""),
    ("in total", "filler", ""),
    ("and", "conjunction", "and"),
    ("along with", "conjunction", "and"),
    ("as well as", "conjunction", "and"),
    ("together with", "conjunction", "and"),
    ("or", "conjunction", "or"),
)


@dataclass(frozen=True)
class Adjective:
    """A gradable adjective and the measures it grades: 'older' compares an ``age`` (more
    is older) or a birth date (earlier is older)."""

    rising: tuple[str, ...]
    """Words of columns that grow with the adjective ('age' for old)."""
    falling: tuple[str, ...]
    """Words of columns that shrink as it grows ('birth' for old)."""
    more: bool
    """Whether the adjective means more of a rising column ('old': yes, 'young': no)."""


_AGE = (("age",), ("birth", "born", "dob"))
_PRICE = (("price", "cost", "fee", "charge", "amount"), ())
_LENGTH = (("length", "duration", "distance"), ())
_SIZE = (("length", "duration", "distance", "height"), ())
ADJECTIVES: dict[str, Adjective] = {
    "old": Adjective(*_AGE, more=True),
    "young": Adjective(*_AGE, more=False),
    "expensive": Adjective(*_PRICE, more=True),
    "cheap": Adjective(*_PRICE, more=False),
    "long": Adjective(*_LENGTH, more=True),
    "short": Adjective(*_SIZE, more=False),
    "tall": Adjective(("height",), (), more=True),
    "heavy": Adjective(("weight",), (), more=True),
    "light": Adjective(("weight",), (), more=False),
}
"""English comparatives and superlatives that name no column themselves ('the oldest
student', 'cheaper than 10'): the column is the one whose name holds one of the words."""

_CUES: dict[tuple[str, ...], tuple[CueKind, str]] = {
    tuple(phrase.split()): (kind, arg) for phrase, kind, arg in _CUE_TABLE
}
_LONGEST_CUE = max(len(words) for words in _CUES)

_HARMLESS_TEXT = """
    record row entry information info detail data value result everything anything thing
    table column field database dataset
    one ones time overall altogether combined together whole entire currently current ever
    respective respectively corresponding associated related available existing exist
    place make made buy bought purchase sell sold write wrote written borrow take took own
    belong live work create publish issue receive send pay rent visit attend enroll
    register hold include use manage lead play teach study win won lose lost produce
    direct star feature perform sign assign associate relate correspond record store
    appear occur happen come go stay see know name named call called up out down off
    sort sorted order ordered list listed arrange arranged rank ranked result results
    across among locate located situate situated held taught led involve involved
    participate participated share shared serve served handle handled word substring
    phrase kind member
    t s
"""
_HARMLESS = frozenset(_HARMLESS_TEXT.split())
"""Words that carry no schema meaning of their own (the relationship is in the keys)."""


@dataclass(frozen=True)
class Cue:
    """An English phrase that shapes the query, over tokens ``start``..``end``."""

    start: int
    end: int
    kind: CueKind
    arg: str
    text: str


@dataclass(frozen=True)
class Unit:
    """One step of the question as the reader sees it: a cue, a link or a literal token."""

    start: int
    end: int
    cue: Cue | None = None
    link: Link | None = None
    token: Token | None = None

    @property
    def text(self) -> str:
        if self.cue:
            return self.cue.text
        if self.link:
            return self.link.text
        return self.token.text if self.token else ""


def find_cues(tokens: Sequence[Token]) -> list[Cue]:
    """The longest cue phrase starting at each token, left to right."""
    cues: list[Cue] = []
    position = 0
    while position < len(tokens):
        for size in range(min(_LONGEST_CUE, len(tokens) - position), 0, -1):
            run = tokens[position : position + size]
            key = tuple(t.norm for t in run)
            if all(t.kind == "word" for t in run) and key in _CUES:
                kind, arg = _CUES[key]
                text = " ".join(t.text for t in run)
                cues.append(Cue(position, position + size, kind, arg, text))
                position += size
                break
        else:
            position += 1
    return cues


def build_units(linking: Linking, cues: Sequence[Cue]) -> list[Unit]:
    """Cues and links without overlaps, then literals.

    The unit with more content words wins ("page count" over the cue "count of"), a cue
    on ties ("number of" over a column called ``number``).
    """
    tokens = linking.tokens
    spans: list[Unit] = [Unit(c.start, c.end, cue=c) for c in cues]
    spans += [Unit(link.start, link.end, link=link) for link in linking.links]

    def content(unit: Unit) -> int:
        return sum(not t.stop for t in tokens[unit.start : unit.end])

    spans.sort(key=lambda u: (-content(u), u.cue is None, u.start))
    chosen: list[Unit] = []
    taken: set[int] = set()
    for unit in spans:
        span = set(range(unit.start, unit.end))
        if not span & taken:
            chosen.append(unit)
            taken |= span
    for token in linking.tokens:
        if token.index not in taken and (token.kind != "word" or not token.stop):
            chosen.append(Unit(token.index, token.index + 1, token=token))
    return sorted(chosen, key=lambda u: u.start)


def is_harmless(token: Token) -> bool:
    if len(token.text) == 1 and token.text.isupper() and token.text not in "AI":
        return False  # 'D or S in their first name': a letter the question is about
    if len(token.norm) <= 1 or token.lemma in _HARMLESS or token.norm in _HARMLESS:
        return True
    endings = (("ied", "y"), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("s", ""))
    for suffix, replacement in endings:
        stem = token.norm.removesuffix(suffix)
        if stem != token.norm and stem + replacement in _HARMLESS:
            return True
    return False
