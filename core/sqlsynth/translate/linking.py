"""Schema linking: which words of a question name which tables, columns and values.

The question is split into tokens (words, numbers, quoted strings) with a lower-case form
and a lemma (plurals made singular by a few English rules). Every run of up to four tokens
is compared with the catalog: table and column names split into words (``order_items`` →
"order item"), column names prefixed by their table ("customer name"), words of
descriptions, and the sampled values of low-cardinality text columns. A match scores
``exact`` > ``lemma`` > ``fuzzy`` (rapidfuzz) > ``partial`` (some of a name's words) >
``description``; the best non-overlapping runs become :class:`Link` objects.

Nothing here decides what the question *means*; translators do that. The result also tells
an LLM translator which tables are worth sending (:meth:`Linking.tables`).

>>> from sqlsynth.catalog import Catalog, Column, Table
>>> catalog = Catalog(tables=(Table(name="customers", columns=(
...     Column(name="name"), Column(name="country", samples=("Germany", "France")))),))
>>> for line in link_question("Names of customers in germany", catalog).lines():
...     print(line)
'Names' → column customers.name (lemma, 0.90)
'customers' → table customers (exact, 1.00)
'germany' → value customers.country = 'Germany' (exact, 1.00)
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz, process

from sqlsynth.catalog import Catalog, Column, Table
from sqlsynth.plan import identifier_words

ElementKind = Literal["table", "column", "value"]
MatchKind = Literal["exact", "lemma", "fuzzy", "partial", "description"]
TokenKind = Literal["word", "number", "quoted"]
_Offer = Callable[["SchemaElement", float, MatchKind], None]

MAX_NGRAM = 4
FUZZY_CUTOFF = 85.0
VALUE_FUZZY_CUTOFF = 90.0
SCORES: dict[MatchKind, float] = {
    "exact": 1.0,
    "lemma": 0.9,
    "fuzzy": 0.8,
    "partial": 0.5,
    "description": 0.6,
}
"""Top score of each kind of match; fuzzy scales by similarity, partial by coverage."""

_STOPWORD_TEXT = """
    a an the this that these those all any each every some both either neither
    of in on at to for from by with without about into onto as than then via per
    and or but nor not no if whether so also only just too very
    is are was were be been being am do does did done have has had having
    will would shall should can could may might must
    i me my we us our you your he him his she her it its they them their
    what which who whom whose where when why how there here
    please list show give find display return get tell provide fetch retrieve
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
"""Function words and request verbs: never the start or end of a linked run."""

_IRREGULAR_PLURALS = {
    "ids": "id",
    "people": "person",
    "children": "child",
    "men": "man",
    "women": "woman",
    "mice": "mouse",
    "feet": "foot",
    "teeth": "tooth",
    "geese": "goose",
    "indices": "index",
    "matrices": "matrix",
    "vertices": "vertex",
    "criteria": "criterion",
    "phenomena": "phenomenon",
    "analyses": "analysis",
    "theses": "thesis",
    "crises": "crisis",
    "movies": "movie",
    "cookies": "cookie",
    "calories": "calorie",
    "zombies": "zombie",
    "viruses": "virus",
    "leaves": "leaf",
    "shelves": "shelf",
    "halves": "half",
    "wolves": "wolf",
    "knives": "knife",
    "wives": "wife",
    "lives": "life",
}
_INVARIANT = frozenset({"series", "species", "news", "data", "media", "status", "always"})
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "fifty": 50,
    "hundred": 100,
}


def singular(word: str) -> str:
    """The singular of an English plural (lower-case), by a handful of suffix rules.

    >>> [singular(w) for w in ("categories", "statuses", "addresses", "boxes", "status")]
    ['category', 'status', 'address', 'box', 'status']
    """
    if word in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[word]
    if len(word) <= 3 or word in _INVARIANT or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return word[:-2]
    if word.endswith("uses") and len(word) > 4 and word[-5] not in "aeiour":
        return word[:-2]
    if word.endswith(("ss", "us", "is", "ous", "ics")):
        return word
    if word.endswith("s"):
        return word[:-1]
    return word


_WORD_FAMILIES = {
    "born": "birth",
    "died": "death",
    "dead": "death",
    "sold": "sale",
    "num": "number",
    "qty": "quantity",
    "amt": "amount",
    "dept": "department",
    "addr": "address",
    "descr": "description",
    "fname": "first name",
    "lname": "last name",
    "dob": "date of birth",
}
"""Irregular English forms whose family member is what schemas name (birth_year), and
abbreviations schemas use for common words (num_of_shops, dept_name, lname)."""


def lemma(word: str) -> str:
    """A crude lemma: the singular, without a regular -ed/-ing ending.

    Applied alike to question words and schema words, so a stem that is not a word
    ("publish" from "published") still matches its other forms.

    >>> [lemma(w) for w in ("loaned", "published", "orders", "born", "rating", "status")]
    ['loan', 'publish', 'order', 'birth', 'rating', 'status']
    """
    if word in _WORD_FAMILIES:
        return _WORD_FAMILIES[word]
    word = singular(word)
    if len(word) >= 6 and word.endswith("ed") and word[-3] not in "aeiou":
        return word[:-2]
    if len(word) >= 7 and word.endswith("ing"):
        return word[:-3]
    return word


def lemma_phrase(words: Iterable[str]) -> str:
    return " ".join(lemma(word) for word in words)


# --- the question -------------------------------------------------------------------------


class Token(BaseModel):
    """One word, number or quoted string of the question."""

    model_config = ConfigDict(frozen=True)

    index: int
    text: str
    norm: str
    lemma: str
    kind: TokenKind = "word"
    number: int | float | None = None
    stop: bool = False
    comma: bool = False
    """A comma follows ('the grapes, appelations and wines'): a list, not a compound."""


_TOKEN_PATTERN = re.compile(
    r"""(?P<quoted>(?<!\w)'(?P<single>[^']+)'(?!\w)|"(?P<double>[^"]+)"|[\u2018\u201c](?P<curly>[^\u2019\u201d]+)[\u2019\u201d])
    |(?P<moment>\d{4}-\d\d-\d\d(?:[ T]\d\d:\d\d(?::\d\d)?)?|\d\d?:\d\d:\d\d)(?![\w-])
    |(?P<number>(?:(?<![\w-])-)?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?))
    |(?P<word>[^\W\d_][^\W_]*)(?:'s?)?""",
    re.VERBOSE,
)


_SENTENCE_END = re.compile(r"[.?!:;]")
_SYMBOL_WORDS = {">=": "at least", "<=": "at most", ">": "more than", "<": "less than"}
_SYMBOLS = re.compile(r">=|<=|>|<")
"""'salary > 80000': comparison signs read as the words they stand for."""


def tokenize(question: str) -> tuple[Token, ...]:
    """Words (lower-cased, with lemmas), numbers (also spelled out) and quoted strings.

    >>> [(t.lemma, t.kind) for t in tokenize("Top five boxes 'on hold'")]
    [('top', 'word'), ('five', 'number'), ('box', 'word'), ('on hold', 'quoted')]
    """
    question = _SYMBOLS.sub(lambda m: f" {_SYMBOL_WORDS[m[0]]} ", question)
    tokens: list[Token] = []
    last_end = 0
    for match in _TOKEN_PATTERN.finditer(question):
        # 'a happy hour in May': a capitalised stop word inside a sentence is a name
        opens = not tokens or bool(_SENTENCE_END.search(question[last_end : match.start()]))
        last_end = match.end()
        token = _read_token(match, len(tokens), opens)
        if question[last_end:].lstrip().startswith(","):
            token = token.model_copy(update={"comma": True})
        tokens.append(token)
    return tuple(tokens)


def _read_token(match: re.Match[str], index: int, opens: bool) -> Token:
    """One token of ``tokenize``; ``opens`` when it starts a sentence."""
    if match["quoted"]:
        text = match["single"] or match["double"] or match["curly"] or ""
        norm = " ".join(text.lower().split())
        return Token(index=index, text=text, norm=norm, lemma=norm, kind="quoted")
    if match["moment"]:  # '1978-06-26', '12:00:00': a date or time literal, kept whole
        text = match["moment"]
        return Token(index=index, text=text, norm=text, lemma=text, kind="quoted")
    if match["number"]:
        text = match["number"]
        raw = text.replace(",", "")
        number: int | float = float(raw) if "." in raw else int(raw)
        return Token(index=index, text=text, norm=raw, lemma=raw, kind="number", number=number)
    text = match["word"]
    norm = text.lower()
    if norm in _NUMBER_WORDS:
        value = _NUMBER_WORDS[norm]
        return Token(index=index, text=text, norm=norm, lemma=norm, kind="number", number=value)
    named = not opens and text[:1].isupper() and norm != "i"
    stop = norm in STOPWORDS and not named
    return Token(index=index, text=text, norm=norm, lemma=lemma(norm), stop=stop)


# --- the schema side ----------------------------------------------------------------------


class SchemaElement(BaseModel):
    """A table, a column, or one sampled value of a column."""

    model_config = ConfigDict(frozen=True)

    kind: ElementKind
    table: str
    column: str | None = None
    value: str | None = None

    @property
    def label(self) -> str:
        if self.kind == "table":
            return f"table {self.table}"
        if self.kind == "column":
            return f"column {self.table}.{self.column}"
        return f"value {self.table}.{self.column} = {self.value!r}"


@dataclass
class _SchemaIndex:
    """Lookup tables for one catalog, built once per catalog hash."""

    exact: dict[str, list[SchemaElement]] = field(default_factory=lambda: defaultdict(list))
    lemma: dict[str, list[SchemaElement]] = field(default_factory=lambda: defaultdict(list))
    partial: dict[str, list[tuple[SchemaElement, float]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    description: dict[str, list[SchemaElement]] = field(default_factory=lambda: defaultdict(list))
    value_exact: dict[str, list[SchemaElement]] = field(default_factory=lambda: defaultdict(list))
    value_lemma: dict[str, list[SchemaElement]] = field(default_factory=lambda: defaultdict(list))
    name_choices: list[str] = field(default_factory=list)
    value_choices: list[str] = field(default_factory=list)

    def add_name(self, words: tuple[str, ...], element: SchemaElement) -> None:
        _append_unique(self.exact[" ".join(words)], element)
        if len(words) > 1:
            _append_unique(self.exact["".join(words)], element)
        lemmas = tuple(lemma(w) for w in words)
        _append_unique(self.lemma[" ".join(lemmas)], element)
        spelled = undoubled(" ".join(lemmas))
        if spelled != " ".join(lemmas):
            _append_unique(self.lemma[spelled], element)
        for start in range(len(lemmas)):
            for end in range(start + 1, len(lemmas) + 1):
                part = lemmas[start:end]
                if len(part) < len(lemmas) and not all(w in STOPWORDS for w in part):
                    coverage = len(part) / len(lemmas)
                    self.partial[" ".join(part)].append((element, coverage))
                    if (other := undoubled(" ".join(part))) != " ".join(part):
                        self.partial[other].append((element, coverage))

    def add_description(self, text: str | None, element: SchemaElement) -> None:
        for token in tokenize(text or ""):
            if token.kind == "word" and not token.stop and len(token.norm) > 2:
                _append_unique(self.description[token.lemma], element)

    def add_value(self, value: str, element: SchemaElement) -> None:
        words = tuple(t.norm for t in tokenize(value) if t.kind != "quoted") or (value.lower(),)
        _append_unique(self.value_exact[" ".join(words)], element)
        _append_unique(self.value_exact[" ".join(value.lower().split())], element)
        _append_unique(self.value_lemma[lemma_phrase(words)], element)


def _append_unique(items: list[SchemaElement], element: SchemaElement) -> None:
    if element not in items:
        items.append(element)


_SEX_WORDS = {
    "f": ("female", "woman", "girl"),
    "m": ("male", "man", "boy"),
}
"""The one-letter codes a column holding both 'F' and 'M' uses for these English words."""


def _sex_codes(samples: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """{'F': female words, 'M': male words} when the samples are exactly such codes."""
    codes = {s: s.strip().lower() for s in samples}
    if set(codes.values()) != {"f", "m"}:
        return {}
    return {sample: _SEX_WORDS[code] for sample, code in codes.items()}


def _unnamed_key(table: Table) -> str | None:
    """A one-column primary key whose name does not say 'id' (``aid``, ``flno``)."""
    if len(table.primary_key) != 1:
        return None
    words = identifier_words(table.primary_key[0])
    return None if "id" in words or "ids" in words else table.primary_key[0]


def _key_entity(table: Table) -> tuple[str, ...]:
    """The words before 'id' of a one-column primary key when they are words of the
    table's own name: what one row of the table is called (``county_id`` in
    ``county_public_safety``), so the noun names the rows rather than their key."""
    if len(table.primary_key) != 1:
        return ()
    words = identifier_words(table.primary_key[0])
    table_words = set(identifier_words(table.name))
    if len(words) < 2 or words[-1] != "id" or not set(words[:-1]) <= table_words:
        return ()
    if words[:-1] == identifier_words(table.name):
        return ()  # already the table's name
    return words[:-1]


def _column_forms(table: Table, column: Column) -> Iterator[tuple[str, ...]]:
    """A column's own words and, unless already there, its table's singular words first;
    an abbreviation that is one word ('LName', 'DOB') also as the words it stands for."""
    words = identifier_words(column.name)
    yield words
    joined = "".join(words)
    if joined in _WORD_FAMILIES and _WORD_FAMILIES[joined] != joined:
        yield tuple(_WORD_FAMILIES[joined].split())
    table_words = tuple(singular(w) for w in identifier_words(table.name))
    if (
        words
        and table_words
        and tuple(singular(w) for w in words[: len(table_words)]) != table_words
    ):
        yield (*table_words, *words)


_index_cache: dict[str, _SchemaIndex] = {}
_INDEX_CACHE_SIZE = 32


def schema_index(catalog: Catalog) -> _SchemaIndex:
    """The lookup tables for ``catalog``, cached by its hash (schemas rarely change)."""
    key = catalog.catalog_hash
    if key not in _index_cache:
        if len(_index_cache) >= _INDEX_CACHE_SIZE:
            del _index_cache[next(iter(_index_cache))]  # the oldest schema
        _index_cache[key] = _build_index(catalog)
    return _index_cache[key]


_TABLE_PREFIXES = frozenset({"ref", "lu", "lkp", "lookup", "dim", "tbl", "fct", "fact"})
"""Modelling prefixes that are not words of the entity (``ref_colors``, ``dim_customer``)."""


def _build_index(catalog: Catalog) -> _SchemaIndex:
    index = _SchemaIndex()
    for table in catalog.tables:
        element = SchemaElement(kind="table", table=table.name)
        words = identifier_words(table.name)
        index.add_name(words, element)
        if len(words) > 1 and words[0] in _TABLE_PREFIXES:  # 'document types': Ref_Document_Types
            index.add_name(words[1:], element)
        index.add_description(table.description, element)
        entity = _key_entity(table)
        if entity:  # 'counties' for ``county_public_safety`` keyed by ``county_id``
            index.add_name(entity, element)
        key = _unnamed_key(table)
        for column in table.columns:
            col = SchemaElement(kind="column", table=table.name, column=column.name)
            for words in _column_forms(table, column):
                index.add_name(words, col)
            if column.name == key:  # 'the aircraft with id 12' for a key named ``aid``
                index.partial["id"].append((col, 0.5))
                table_words = tuple(singular(w) for w in identifier_words(table.name))
                index.add_name((*table_words, "id"), col)
                if len(key) > 3 and key.lower().endswith(
                    ("no", "num", "nbr")
                ):  # flight number: flno
                    index.add_name((*table_words, "number"), col)
            index.add_description(column.description, col)
            codes = _sex_codes(column.samples)
            for sample in column.samples:
                value = SchemaElement(
                    kind="value", table=table.name, column=column.name, value=sample
                )
                index.add_value(sample, value)
                for word in codes.get(sample, ()):
                    index.add_value(word, value)
    index.name_choices = sorted(index.lemma)
    index.value_choices = sorted(index.value_lemma)
    return index


# --- links --------------------------------------------------------------------------------


class Match(BaseModel):
    """One schema element a run of words may name, and how sure that is."""

    model_config = ConfigDict(frozen=True)

    element: SchemaElement
    score: float
    how: MatchKind


class Link(BaseModel):
    """Tokens ``start``..``end`` (exclusive) and the elements they may name, best first."""

    model_config = ConfigDict(frozen=True)

    start: int
    end: int
    text: str
    matches: tuple[Match, ...]

    @property
    def best(self) -> Match:
        return self.matches[0]

    @property
    def score(self) -> float:
        return self.matches[0].score

    def line(self) -> str:
        best = self.best
        text = f"{self.text!r} → {best.element.label} ({best.how}, {best.score:.2f})"
        ties = [m.element.label for m in self.matches[1:4] if m.score == best.score]
        return text + (f"; also {', '.join(ties)}" if ties else "")


class Linking(BaseModel):
    """The question's tokens and what its words were linked to."""

    model_config = ConfigDict(frozen=True)

    question: str
    tokens: tuple[Token, ...]
    links: tuple[Link, ...]

    def link_at(self, index: int) -> Link | None:
        """The link covering token ``index``, if any."""
        return next((link for link in self.links if link.start <= index < link.end), None)

    @property
    def unlinked(self) -> tuple[Token, ...]:
        """Content words that name nothing in the schema."""
        covered = {i for link in self.links for i in range(link.start, link.end)}
        return tuple(
            t for t in self.tokens if t.kind == "word" and not t.stop and t.index not in covered
        )

    def tables(self) -> tuple[str, ...]:
        """Tables the question touches, most confidently linked first (for prompt building)."""
        best: dict[str, tuple[float, int]] = {}
        for link in self.links:
            for match in link.matches:
                key = (-match.score, link.start)
                table = match.element.table
                if table not in best or key < best[table]:
                    best[table] = key
        return tuple(sorted(best, key=lambda t: best[t]))

    def lines(self) -> tuple[str, ...]:
        """One line per link: the words, the element, the kind of match and its score."""
        return tuple(link.line() for link in self.links)


def _ngrams(tokens: tuple[Token, ...]) -> Iterator[tuple[int, int]]:
    for start, first in enumerate(tokens):
        if first.stop or first.kind == "number":
            continue
        if first.kind == "quoted":
            yield start, start + 1
            continue
        for end in range(start + 1, min(start + MAX_NGRAM, len(tokens)) + 1):
            run = tokens[start:end]
            if any(t.kind == "quoted" for t in run):
                break  # numbers may continue a name ("line 1"), quoted strings may not
            if not run[-1].stop:
                yield start, end


_DOUBLED = re.compile(r"([b-df-hj-np-tv-z])\1")


def undoubled(phrase: str) -> str:
    """British and American spellings alike: 'enrollment' and 'enrolment', 'travelled'
    and 'traveled' (doubled consonants of words of six letters or more made single)."""
    return " ".join(_DOUBLED.sub(r"\1", w) if len(w) >= 6 else w for w in phrase.split())


def _matches_for(run: tuple[Token, ...], index: _SchemaIndex) -> list[Match]:
    norm = " ".join(t.norm for t in run)
    stem = " ".join(t.lemma for t in run)
    found: dict[SchemaElement, Match] = {}

    def offer(element: SchemaElement, score: float, how: MatchKind) -> None:
        if element not in found or found[element].score < score:
            found[element] = Match(element=element, score=round(score, 4), how=how)

    for element in index.exact.get(norm, ()):
        offer(element, SCORES["exact"], "exact")
    if len(run) > 1 and all(t.kind == "word" for t in run):
        for element in index.exact.get(norm.replace(" ", ""), ()):
            if element.kind != "value":  # 'partition id' for ``partitionid``
                offer(element, SCORES["exact"], "exact")
    for element in index.value_exact.get(norm, ()):
        offer(element, SCORES["exact"], "exact")
    for element in index.lemma.get(stem, ()):
        offer(element, SCORES["lemma"], "lemma")
    for element in index.value_lemma.get(stem, ()):
        offer(element, SCORES["lemma"], "lemma")
    if not found and (spelled := undoubled(stem)) != stem:
        for element in index.lemma.get(spelled, ()):  # 'enrollment' for ``enrolment``
            offer(element, SCORES["lemma"], "lemma")
    schema_word = _schema_word_in_lower_case(run, stem, index)
    if schema_word:
        for element in [e for e in found if e.kind == "value" and not _lower_case_value(e)]:
            del found[element]
    exact_only = any(t.stop or t.kind == "number" for t in run)
    if not found and not exact_only and run[0].kind == "word":
        _offer_loose(stem, run, index, offer, values=not schema_word)
    if run[0].kind == "quoted" and not found:
        _offer_fuzzy(stem, index.value_choices, index.value_lemma, VALUE_FUZZY_CUTOFF, offer)
    return sorted(found.values(), key=_match_order)


def _schema_word_in_lower_case(run: tuple[Token, ...], stem: str, index: _SchemaIndex) -> bool:
    """'the names of documents', 'problems reported by': a lower-case word that is part of
    the schema's own names is that name, not a capitalised sample value ('Name', 'Reported')."""
    return (
        len(run) == 1
        and run[0].kind == "word"
        and run[0].text.islower()
        and (stem in index.lemma or stem in index.partial)
    )


def _lower_case_value(element: SchemaElement) -> bool:
    return (element.value or "").islower()


def _offer_loose(
    stem: str, run: tuple[Token, ...], index: _SchemaIndex, offer: _Offer, *, values: bool
) -> None:
    if len(stem) >= 4:
        _offer_fuzzy(stem, index.name_choices, index.lemma, FUZZY_CUTOFF, offer)
    if len(stem) >= 4 and values:
        _offer_fuzzy(stem, index.value_choices, index.value_lemma, VALUE_FUZZY_CUTOFF, offer)
    partial = index.partial.get(stem) or index.partial.get(undoubled(stem)) or []
    for element, coverage in partial:
        offer(element, SCORES["partial"] + 0.3 * coverage, "partial")
    if len(run) == 1:
        for element in index.description.get(stem, ()):
            offer(element, SCORES["description"], "description")


def _offer_fuzzy(
    query: str,
    choices: list[str],
    elements: dict[str, list[SchemaElement]],
    cutoff: float,
    offer: _Offer,
) -> None:
    for choice, similarity, _ in process.extract(
        query, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=5
    ):
        for element in elements[choice]:
            offer(element, SCORES["fuzzy"] * similarity / 100, "fuzzy")


_KIND_ORDER = {"table": 0, "column": 1, "value": 2}


def _match_order(match: Match) -> tuple[float, int, str, str, str]:
    element = match.element
    return (
        -match.score,
        _KIND_ORDER[element.kind],
        element.table,
        element.column or "",
        element.value or "",
    )


def _link_order(link: Link) -> tuple[float, int, int]:
    """Surer links first; a longer run wins over a slightly surer shorter one inside it
    ('publication dates' the column over 'publication' the table)."""
    length = link.end - link.start
    bonus = 0.15 * (length - 1) if link.best.how in ("exact", "lemma") else 0.0
    return (-(link.score + bonus), -length, link.start)


def link_question(question: str, catalog: Catalog) -> Linking:
    """Link the words of ``question`` to ``catalog``: best runs first, never overlapping.

    >>> from sqlsynth.catalog import Catalog, Column, Table
    >>> catalog = Catalog(tables=(Table(name="order_items", columns=(Column(name="quantity"),)),))
    >>> [link.line() for link in link_question("total quantity of order items", catalog).links]
    ["'quantity' → column order_items.quantity (exact, 1.00)", "'order items' → table order_items (exact, 1.00)"]
    """  # noqa: E501
    index = schema_index(catalog)
    tokens = tokenize(share_heads(question, index))
    candidates: list[Link] = []
    for start, end in _ngrams(tokens):
        run = tokens[start:end]
        matches = _matches_for(run, index)
        if len(run) == 1 and run[0].text in _CLITICS:
            # "don't", 'Ph.D.s': the letter left of a contraction or plural is no value
            matches = [m for m in matches if m.element.kind != "value"]
        if matches:
            text = " ".join(t.text for t in run)
            candidates.append(Link(start=start, end=end, text=text, matches=tuple(matches)))
    candidates.sort(key=_link_order)
    chosen: list[Link] = []
    taken: set[int] = set()
    for link in candidates:
        span = set(range(link.start, link.end))
        if not span & taken:
            chosen.append(link)
            taken |= span
    chosen.sort(key=lambda link: link.start)
    return Linking(question=question, tokens=tokens, links=_joined_phrases(chosen, tokens))


def _joined_phrases(links: list[Link], tokens: Sequence[Token]) -> tuple[Link, ...]:
    """'length in meters', 'year of joining': a column word and, after 'in' or 'of', a
    word that names a column holding both (``length_meters``, ``Year_Join``) are one
    phrase for that column, not a column and a second one that narrows it."""
    joined: list[Link] = []
    for link in links:
        head = joined[-1] if joined else None
        best = link.best.element
        if (
            head is not None
            and head.end - head.start == 1
            and link.start == head.end + 1
            and tokens[head.end].norm in ("in", "of")
            and head.best.element.kind == "column"
            and best.kind == "column"
            and head.best.element != best
            and lemma(head.text.lower()) in {lemma(w) for w in identifier_words(best.column or "")}
        ):
            match = Match(element=best, score=head.score, how=link.best.how)
            text = " ".join(t.text for t in tokens[head.start : link.end])
            joined[-1] = Link(start=head.start, end=link.end, text=text, matches=(match,))
            continue
        merged = _covering_column(head, link) if head is not None else None
        if head is not None and merged is not None:
            text = " ".join(t.text for t in tokens[head.start : link.end])
            joined[-1] = Link(start=head.start, end=link.end, text=text, matches=(merged,))
            continue
        joined.append(link)
    return tuple(joined)


def _covering_column(head: Link, link: Link) -> Match | None:
    """'mobile phone number': a partly named column of the first word (``cell_mobile_
    phone_number``) that holds every word of both links, for the two side by side."""
    if link.start != head.end or head.best.how != "partial" or link.best.element.kind != "column":
        return None
    words = {lemma(w.lower()) for w in f"{head.text} {link.text}".split()}
    covering = [
        m
        for m in head.matches
        if m.element.kind == "column"
        and m.score == head.score
        and words <= {lemma(w) for w in identifier_words(m.element.column or "")}
    ]
    return covering[0] if len(covering) == 1 else None


_CLITICS = frozenset({"s", "t"})
"""Lower-case letters the tokenizer leaves of "don't" and "Ph.D.s"."""

_SHARED_HEAD = re.compile(r"\b([A-Za-z]+),? and ([A-Za-z]+) ([A-Za-z]+)\b")
_FULL_NAME = re.compile(r"\bfull (names?)\b", re.IGNORECASE)


def share_heads(question: str, index: _SchemaIndex) -> str:
    """Spell out a head noun two modifiers share, when the schema names both columns:
    'first and last names' → 'first names and last names'; and 'full name' as 'first
    name and last name' where the schema has those but no full name.

    Only the words change, so every later step sees ordinary column names.
    """

    def names(*words: str) -> bool:
        phrase = lemma_phrase(words)
        if phrase in index.lemma:
            return True
        # 'first name' for EMP_FNAME: the whole of a column's words after its prefix
        return any(
            e.kind == "column" and coverage >= 0.5 for e, coverage in index.partial.get(phrase, ())
        )

    def spell(match: re.Match[str]) -> str:
        first, second, head = match.groups()
        if first.lower() in STOPWORDS or not (
            names(first.lower(), head.lower()) and names(second.lower(), head.lower())
        ):
            return match.group(0)
        return f"{first} {head} and {second} {head}"

    question = _SHARED_HEAD.sub(spell, question)
    if names("first", "name") and names("last", "name") and not names("full", "name"):
        question = _FULL_NAME.sub(r"first \1 and last \1", question)
    return question


def nearest_elements(word: str, catalog: Catalog, *, limit: int = 3) -> tuple[str, ...]:
    """The schema names closest in spelling to ``word``, for "did you mean" hints."""
    index = schema_index(catalog)
    found = process.extract(
        lemma(word.lower()), index.name_choices, scorer=fuzz.WRatio, limit=limit * 3
    )
    labels: list[str] = []
    for choice, _, _ in found:
        for element in index.lemma[choice]:
            label = (
                element.table if element.kind == "table" else f"{element.table}.{element.column}"
            )
            if label not in labels:
                labels.append(label)
    return tuple(labels[:limit])
