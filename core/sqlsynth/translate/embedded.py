"""The embedded translator: offline, deterministic rules from English to a :class:`QueryPlan`.

The steps, each a small function or class below:

1. **scope** the catalog to ``spec.sources``;
2. **link** words to tables, columns and values (:mod:`sqlsynth.translate.linking`);
3. **cue**: find the English phrases that shape a query ("how many", "per", "top 5",
   "above", "highest first", "not");
4. **read** cues and links left to right into a :class:`Reading`: what is counted,
   aggregated, grouped, filtered, ordered and limited; then apply ``READING_RULES``, which
   look at the whole question (a column word after "how many" describes what is counted; a
   table noun that is also a column of a table already needed names that column);
5. **resolve** each link to one element (columns of the question's tables first, then the
   nearest by foreign keys) and find the join tree over the foreign-key graph;
6. **plan** and compile with :func:`sqlsynth.plan.compile_plan`. The plan shows what the
   question asks for: a measure it only ranks or orders by ("the most orders") orders the
   rows without being shown, and DISTINCT appears only when the question says so.

Every rule is about English or relational structure (keys, types), never about particular
names, so it carries over to schemas it has never seen. When a word that matters cannot be
placed, or a join would have to go through a table no word needs (a guessed path), it
raises :class:`TranslationError` naming the words and the nearest schema elements.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

import pydantic

from sqlsynth.catalog import Catalog, Column, Table
from sqlsynth.errors import TranslationError
from sqlsynth.plan import (
    AggregateFunction,
    AnyOf,
    ColumnRef,
    Comparison,
    Filter,
    Having,
    Join,
    JoinKey,
    OrderItem,
    Predicate,
    QueryPlan,
    Scalar,
    SelectItem,
    compile_plan,
    identifier_words,
)
from sqlsynth.spec import NLSpec
from sqlsynth.translate import Draft
from sqlsynth.translate.linking import (
    Link,
    Linking,
    Match,
    SchemaElement,
    Token,
    link_question,
    nearest_elements,
    singular,
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
    ("lowest", "superlative", "min"),
    ("smallest", "superlative", "min"),
    ("least", "superlative", "min"),
    ("fewest", "superlative", "min"),
    ("earliest", "superlative", "earliest"),
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
    ("before", "compare", "<"),
    ("since", "compare", ">="),
    ("until", "compare", "<="),
    ("between", "compare", "between"),
    ("containing", "contains", ""),
    ("contains", "contains", ""),
    ("contain", "contains", ""),
    ("like", "contains", ""),
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
    ("and", "conjunction", "and"),
    ("or", "conjunction", "or"),
)
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
    t s
"""
_HARMLESS = frozenset(_HARMLESS_TEXT.split())
"""Words that carry no schema meaning of their own (the relationship is in the keys)."""

_YEAR_RANGE = range(1800, 2201)
_NEEDS_OBJECT: frozenset[str] = frozenset(
    {"compare", "contains", "aggregate", "superlative", "group", "order"}
)
"""Cues that must be followed by what they apply to; a dangling one is refused."""
_AGGREGATE_FUNCTIONS: dict[str, AggregateFunction] = {f: f for f in get_args(AggregateFunction)}
_COMPARISON_OPS: dict[str, Comparison] = {op: op for op in get_args(Comparison)}
_POSSESSION = frozenset({"with", "have", "has", "had", "having", "own", "owns"})
_LINKING_VERBS = frozenset(
    {"is", "are", "was", "were", "be", "being", "equal", "equals", "to", "as", "named", "called"}
    | {"of", "with", "has", "have", "had"}
)
"""Words that may stand between a column and its value: 'status is shipped'."""
_WEAK_LINKS = frozenset({"of", "with", "has", "have", "had"})


# --- step 1: scope ------------------------------------------------------------------------


def scope_catalog(catalog: Catalog, sources: Sequence[str]) -> Catalog:
    """Only the tables ``sources`` names (all tables when it is empty)."""
    if not sources:
        return catalog
    scoped = catalog.subset(tuple(sources))
    missing = sorted(
        {s.lower().split(".")[-1] for s in sources} - {t.name.lower() for t in scoped.tables}
    )
    if missing or not scoped.tables:
        raise TranslationError(
            f"sources {', '.join(missing) or ', '.join(sources)} are not in the catalog",
            hint=f"use tables from: {', '.join(catalog.table_names) or '(empty catalog)'}",
        )
    return scoped


# --- step 3: cues and units ---------------------------------------------------------------


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


def _is_harmless(token: Token) -> bool:
    if len(token.norm) <= 1 or token.lemma in _HARMLESS or token.norm in _HARMLESS:
        return True
    for suffix, replacement in (("ied", "y"), ("ed", ""), ("ed", "e"), ("ing", ""), ("s", "")):
        stem = token.norm.removesuffix(suffix)
        if stem != token.norm and stem + replacement in _HARMLESS:
            return True
    return False


# --- step 4: reading ----------------------------------------------------------------------


@dataclass
class Condition:
    """A filter the reader found; its column is resolved once the subject table is known."""

    op: str
    column: Link | None = None
    value: Scalar | None = None
    values: tuple[Scalar, ...] = ()
    value_link: Link | None = None
    temporal: bool = False
    any_of_previous: bool = False
    source: str = ""


@dataclass
class Aggregate:
    """'average price': a function waiting for its column to be resolved."""

    func: AggregateFunction
    column: Link | None


@dataclass
class Reading:
    """What the question asks for, before links are pinned to single elements."""

    tables: list[Link] = field(default_factory=list)
    projections: list[Link] = field(default_factory=list)
    aggregates: list[Aggregate] = field(default_factory=list)
    counted: Link | None = None
    count: bool = False
    groups: list[Link] = field(default_factory=list)
    order: list[Link | Aggregate] = field(default_factory=list)
    descending: bool | None = None
    limit: int | None = None
    ranking: bool = False
    superlative: str | None = None
    superlative_temporal: bool = False
    superlative_target: Link | Aggregate | None = None
    superlative_after_subject: bool = False
    conditions: list[Condition] = field(default_factory=list)
    having: list[tuple[Comparison, Scalar, Link]] = field(default_factory=list)
    absent: list[tuple[str, str]] = field(default_factory=list)
    distinct: bool = False
    count_at: int | None = None
    unplaced: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


Pending = Literal[
    "count", "aggregate", "group", "order", "superlative", "compare", "contains", "limit", ""
]


class Reader:
    """Walks the units once, keeping a small state of what the last cue is waiting for."""

    def __init__(
        self,
        units: Sequence[Unit],
        tokens: Sequence[Token],
        kind_of: Callable[[SchemaElement], str],
    ) -> None:
        self.units = list(units)
        self.tokens = tokens
        self.kind_of = kind_of
        self.reading = Reading()
        self.pending: Pending = ""
        self.pending_arg = ""
        self.negated = False
        self.distinct_next = False
        self.conjunction = ""
        self.last_column: Link | None = None
        self.continued: tuple[Pending, Unit | None] = ("", None)
        self.current: Unit | None = None
        self.superlative_waiting = False
        self.order_waiting = False
        self.stacked: list[AggregateFunction] = []
        self.last_unit: Unit | None = None
        self.position = 0

    def read(self) -> Reading:
        while self.position < len(self.units):
            unit = self.units[self.position]
            self.current = unit
            self.position += 1
            if unit.cue is not None:
                self.on_cue(unit.cue)
            elif unit.link is not None:
                self.on_link(unit.link)
            elif unit.token is not None:
                self.on_token(unit.token)
            self.last_unit = unit
        if self.negated:
            self.reading.problems.append("could not tell what the negation applies to")
        if self.pending in _NEEDS_OBJECT and self.last_unit and self.last_unit.cue:
            self.reading.problems.append(
                f"{self.last_unit.cue.text!r} is not followed by what it applies to"
            )
        return self.reading

    def peek(self) -> Unit | None:
        return self.units[self.position] if self.position < len(self.units) else None

    # cues

    def on_cue(self, cue: Cue) -> None:
        handler = getattr(self, f"cue_{cue.kind}")
        handler(cue)

    def cue_count(self, cue: Cue) -> None:
        if self.pending in ("order", "superlative"):
            return  # "by number of loans", "most number of": the next table is counted
        if self.pending == "aggregate" and self.pending_arg == "sum":
            self.pending = ""  # "total number of": the number is the aggregate
        self.reading.count = True
        if self.reading.count_at is None:
            self.reading.count_at = cue.start
        self.set_pending("count")

    def cue_aggregate(self, cue: Cue) -> None:
        if self.pending == "aggregate" and self.pending_arg != cue.arg:
            # "the minimum and maximum price": both apply to the column that follows
            self.stacked.append(_AGGREGATE_FUNCTIONS[self.pending_arg])
            self.pending_arg = cue.arg
            return
        self.stacked = []
        self.superlative_waiting = self.pending == "superlative"  # "highest average price"
        self.order_waiting = self.pending == "order"  # "by total amount"
        self.set_pending("aggregate", cue.arg)

    def cue_superlative(self, cue: Cue) -> None:
        reading = self.reading
        reading.superlative = "min" if cue.arg in ("min", "earliest") else "max"
        reading.superlative_temporal = cue.arg in ("latest", "earliest")
        reading.superlative_after_subject = bool(reading.tables or reading.projections)
        if self.last_unit is not None and self.last_unit.token and self.last_unit.token.number:
            reading.limit = int(self.last_unit.token.number)
        self.set_pending("superlative", cue.arg)

    def cue_group(self, cue: Cue) -> None:
        self.set_pending("group")

    def cue_by(self, cue: Cue) -> None:
        if cue.start > 0 and _is_participle(self.tokens[cue.start - 1]):
            return  # "requested by entrepreneurs", "written by": the agent, not a grouping
        ordering = self.reading.ranking or self.reading.superlative is not None
        self.set_pending("order" if ordering else "group")

    def cue_order(self, cue: Cue) -> None:
        if cue.arg:
            self.reading.descending = cue.arg == "desc"
        self.set_pending("order")

    def cue_direction(self, cue: Cue) -> None:
        self.reading.descending = cue.arg == "desc"

    def cue_limit(self, cue: Cue) -> None:
        following = self.peek()
        if following is not None and following.token is not None and following.token.number:
            self.reading.limit = int(following.token.number)
            self.position += 1
        elif cue.arg:
            self.reading.limit = 1
        else:
            return
        if cue.arg:
            self.reading.ranking = True
            self.reading.descending = cue.arg == "desc"
        self.reading.notes.append(f"{cue.text!r} limits the result to {self.reading.limit} rows")
        self.set_pending("limit")

    def cue_compare(self, cue: Cue) -> None:
        self.set_pending("compare", cue.arg)

    def cue_contains(self, cue: Cue) -> None:
        self.set_pending("contains")

    def cue_negation(self, cue: Cue) -> None:
        self.negated = True

    def cue_distinct(self, cue: Cue) -> None:
        if self.pending != "count":  # a counted column is counted DISTINCT anyway
            self.distinct_next = True

    def cue_conjunction(self, cue: Cue) -> None:
        self.conjunction = cue.arg
        role, unit = self.continued
        if cue.arg == "and" and role and unit is self.last_unit and not self.pending:
            self.set_pending(role)  # "ordered by year and class"

    def set_pending(self, pending: Pending, arg: str = "") -> None:
        if (
            pending
            and self.pending in ("compare", "contains")
            and self.last_unit
            and self.last_unit.cue
        ):
            self.reading.problems.append(
                f"could not read {self.last_unit.cue.text!r} before {pending!r}"
                " (comparisons with computed values are not supported yet)"
            )
        if self.pending in ("order", "group") and not pending:
            self.continued = (self.pending, self.current)
        self.pending, self.pending_arg = pending, arg

    # links

    def on_link(self, link: Link) -> None:
        kind = link.best.element.kind
        if kind == "value":
            self.on_value(link)
        elif kind == "table":
            self.on_table(link)
        else:
            self.on_column(link)
        if self.conjunction != "or":
            self.conjunction = ""  # an 'or' waits for the next condition

    def add_condition(self, condition: Condition) -> None:
        condition.any_of_previous = self.conjunction == "or" and bool(self.reading.conditions)
        self.conjunction = ""
        self.reading.conditions.append(condition)

    def on_value(self, link: Link) -> None:
        op = "!=" if self.negated else "="
        previous = self.reading.conditions[-1] if self.reading.conditions else None
        if (
            self.conjunction
            and previous is not None
            and previous.value_link is not None
            and previous.op in ("=", "in")
            and not self.negated
            and _same_column(previous.value_link, link)
        ):
            previous.op = "in"
            previous.values = (*previous.values, _value_text(link))
            return
        self.consume_last_column(link)
        self.add_condition(
            Condition(
                op=op,
                value_link=link,
                values=(_value_text(link),),
                source=link.text,
            )
        )
        self.negated = False
        if self.pending in ("group", "compare", "contains"):
            self.set_pending("")

    def on_table(self, link: Link) -> None:
        reading = self.reading
        pending = self.pending
        if pending == "count" and reading.counted is None:
            reading.counted = link
        elif pending == "aggregate" and self.pending_arg == "sum":
            reading.count = True  # "total orders" counts them
            reading.counted = reading.counted or link
        elif pending == "group":
            reading.groups.append(link)
        elif pending == "superlative":
            reading.superlative_target = link
        elif self.negated and reading.tables:
            reading.absent.append((link.best.element.table, link.text))
            self.negated = False
            self.set_pending("")
            return
        elif pending == "order":
            reading.order.append(link)
        reading.tables.append(link)
        if pending not in ("limit", "compare"):
            self.set_pending("")

    def on_column(self, link: Link) -> None:
        reading = self.reading
        pending = self.pending
        if self.names_previous_value(link):
            return
        if pending in ("", "compare") and self.kind_of(link.best.element) == "boolean":
            self.on_flag(link)
            return
        if self.negated and pending == "":
            self.on_negated_column(link)
            return
        if pending == "count":
            reading.counted = link
        elif pending == "aggregate":
            for func in self.stacked:
                reading.aggregates.append(Aggregate(func, link))
            self.stacked = []
            aggregate = Aggregate(_AGGREGATE_FUNCTIONS[self.pending_arg], link)
            reading.aggregates.append(aggregate)
            if self.superlative_waiting:
                reading.superlative_target = aggregate
                self.superlative_waiting = False
            if self.order_waiting:
                reading.order.append(aggregate)
                self.order_waiting = False
        elif pending == "group":
            reading.groups.append(link)
        elif pending == "order":
            reading.order.append(link)
        elif pending == "superlative":
            reading.superlative_target = link
        else:
            if not _description_only(link) or pending == "compare":
                reading.projections.append(link)
            else:
                reading.unplaced.append(link.text)
            if self.distinct_next:
                reading.distinct = True
                self.distinct_next = False
        self.last_column = link
        if pending != "compare":
            self.set_pending("")

    def on_flag(self, link: Link) -> None:
        """A true/false column used as a word: 'returned loans', 'not returned'."""
        self.add_condition(Condition(op="=", column=link, value=not self.negated, source=link.text))
        self.negated = False
        self.set_pending("")

    def on_negated_column(self, link: Link) -> None:
        """'books never loaned': a column of another table stands for that table's rows."""
        self.negated = False
        table = link.best.element.table
        if self.reading.tables and table != self.reading.tables[0].best.element.table:
            self.reading.absent.append((table, link.text))
            return
        self.reading.problems.append(
            f"could not tell what the negation before {link.text!r} excludes"
        )

    def names_previous_value(self, link: Link) -> bool:
        """'the furniture category': the column only says where the value was found."""
        previous = self.last_unit
        if previous is None or previous.link is None or self.pending:
            return False
        value = previous.link
        return value.best.element.kind == "value" and _same_column(value, link)

    def consume_last_column(self, link: Link | None = None) -> Link | None:
        """The column right before a value or comparison names the filter, not an output.

        'status is shipped', 'price above 100': only linking verbs and comparison cues may
        stand between them; in 'genre of poetry books' the genre stays an output.
        """
        column = self.last_column
        current = self.position - 1
        before = current - 1
        while before >= 0 and self.units[before].cue is not None:
            cue = self.units[before].cue
            if cue is None or cue.kind not in ("compare", "negation", "contains"):
                break
            before -= 1
        if column is None or before < 0 or self.units[before].link is not column:
            return None
        gap = self.tokens[column.end : self.units[before + 1].start]
        if not all(t.norm in _LINKING_VERBS for t in gap):
            return None
        following = self.peek()
        if (
            any(t.norm in _WEAK_LINKS for t in gap)
            and following is not None
            and following.link is not None
            and following.link.best.element.kind == "table"
        ):
            return None  # 'genre of poetry books': the value describes the books
        if link is not None and not _same_column(column, link):
            return None
        if self.reading.projections and self.reading.projections[-1] is column:
            self.reading.projections.pop()
        return column

    def take_following_column(self) -> Link | None:
        """'more than 400 pages': the column named right after the number."""
        following = self.peek()
        if following is None or following.link is None:
            return None
        if following.link.best.element.kind != "column":
            return None
        self.position += 1
        return following.link

    # literal tokens

    def on_token(self, token: Token) -> None:
        if token.kind == "number":
            self.on_number(token)
        elif token.kind == "quoted":
            self.on_quoted(token)
        elif token.kind == "word" and not _is_harmless(token):
            self.reading.unplaced.append(token.text)

    def on_number(self, token: Token) -> None:
        assert token.number is not None
        number = token.number
        following = self.peek()
        op = self.pending_arg if self.pending == "compare" else "="
        if self.negated:
            op = {"=": "!=", ">": "<=", "<": ">=", ">=": "<", "<=": ">"}.get(op, op)
            self.negated = False
        if op == "between":
            self.on_between(token)
            return
        counts_rows = self.pending == "compare" or (
            token.index > 0 and self.tokens[token.index - 1].norm in _POSSESSION
        )
        after_column = (
            self.last_unit is not None
            and self.last_unit.link is not None
            and self.last_unit.link.best.element.kind == "column"
            and self.last_unit.end == token.index
        )
        if (
            following is not None
            and following.link
            and following.link.best.element.kind == "table"
            and not (after_column and not counts_rows)
        ):
            if not counts_rows:
                self.reading.limit = int(number)  # "three cities": how many rows to show
                self.reading.notes.append(f"{token.text!r} limits the result")
                return
            self.position += 1
            self.reading.having.append((_COMPARISON_OPS[op], number, following.link))
            self.reading.tables.append(following.link)
            self.reading.notes.append(
                f"'{token.text} {following.link.text}' compares a count of related rows"
            )
            self.set_pending("")
            return
        column = self.consume_last_column() or self.take_following_column()
        if self.pending != "compare" and column is None and not _is_year(number):
            self.reading.unplaced.append(token.text)
            return
        before = self.last_unit.text if self.last_unit else ""
        self.add_condition(
            Condition(
                op=op,
                column=column,
                value=number,
                temporal=_is_year(number),
                source=f"{before} {token.text}".strip(),
            )
        )
        self.set_pending("")

    def on_between(self, token: Token) -> None:
        following = self.peek()
        if following is None or following.token is None or following.token.number is None:
            self.reading.unplaced.append(token.text)
            return
        self.position += 1
        assert token.number is not None and following.token.number is not None
        column = self.consume_last_column() or self.take_following_column()
        self.add_condition(
            Condition(
                op="between",
                column=column,
                values=(token.number, following.token.number),
                temporal=_is_year(token.number),
                source=f"between {token.text} and {following.token.text}",
            )
        )
        self.set_pending("")

    def on_quoted(self, token: Token) -> None:
        contains = self.pending == "contains"
        column = self.consume_last_column()
        if column is None:
            self.reading.unplaced.append(token.text)
            return
        op = "contains" if contains else "="
        if self.negated:
            op = "not like" if contains else "!="
        value: Scalar = f"%{token.text}%" if op == "not like" else token.text
        self.add_condition(
            Condition(op=op, column=column, value=value, source=f"{column.text} {token.text!r}")
        )
        self.negated = False
        self.set_pending("")


_PARTICIPLE_TEXT = """
    made written sold held taken given built run won done known shown seen drawn taught led
    paid bought owned driven grown chosen spoken stolen worn born borne hit kept found sent
    brought caught thought told left lost meant put read set spent struck understood
"""
_IRREGULAR_PARTICIPLES = frozenset(_PARTICIPLE_TEXT.split())


def _is_participle(token: Token) -> bool:
    """A past participle before 'by' makes it the passive agent ('directed by')."""
    return token.kind == "word" and (
        (token.norm.endswith("ed") and len(token.norm) > 4) or token.norm in _IRREGULAR_PARTICIPLES
    )


def _description_only(link: Link) -> bool:
    return link.best.how == "description"


def _same_column(a: Link, b: Link) -> bool:
    columns_a = {(m.element.table, m.element.column) for m in a.matches}
    columns_b = {(m.element.table, m.element.column) for m in b.matches}
    return bool(columns_a & columns_b)


def _value_text(link: Link) -> str:
    return link.best.element.value or link.text


def _is_year(number: float) -> bool:
    return float(number).is_integer() and int(number) in _YEAR_RANGE


# --- reading rules: what the words mean given the whole question ----------------------


def drop_context_after_count(reading: Reading) -> Reading:
    """'How many customers does Steve support?': after a count with no grouping, a column
    word describes the counted rows; it is not an output."""
    if reading.count and reading.count_at is not None and not reading.groups:
        kept = [link for link in reading.projections if link.start < reading.count_at]
        dropped = [link for link in reading.projections if link.start >= reading.count_at]
        for link in dropped:
            reading.notes.append(f"{link.text!r} describes what is counted (not shown)")
        reading.projections = kept
    return reading


def columns_for_table_nouns(reading: Reading) -> Reading:
    """'players from UCLA': when the table a noun names holds nothing else the question
    needs, but a table that does has a column of that name, the noun is that column."""
    needed = {
        link.best.element.table
        for link in (
            *reading.projections,
            *(c.value_link or c.column for c in reading.conditions),
            *(a.column for a in reading.aggregates),
        )
        if link is not None
    }
    if not needed:
        return reading
    for link in list(reading.tables):
        if link.best.element.table in needed or link is reading.counted:
            continue
        if any(link is g for g in reading.groups) or link is reading.superlative_target:
            continue
        if any(link is h[2] for h in reading.having) or any(link is o for o in reading.order):
            continue
        column = next(
            (
                m
                for m in link.matches
                if m.element.kind == "column"
                and m.element.table in needed
                and m.score >= link.score - 0.05
            ),
            None,
        )
        if column is None:
            continue
        reading.tables = [t for t in reading.tables if t is not link]
        as_column = link.model_copy(update={"matches": (column,)})
        if not reading.count:
            reading.projections.insert(0, as_column)
        reading.notes.append(
            f"{link.text!r} names the column {column.element.table}."
            f"{column.element.column} of a table the question already needs"
        )
    return reading


READING_RULES = (drop_context_after_count, columns_for_table_nouns)


# --- step 5: resolution and joins ---------------------------------------------------------


def column_kind(column: Column) -> Literal["numeric", "temporal", "boolean", "text", "other"]:
    """A coarse type class from the SQL type name, for choosing what to compare or sum."""
    kind = column.type.upper()
    if re.search(r"DATE|TIME", kind):
        return "temporal"
    if kind.startswith("BOOL"):
        return "boolean"
    if re.search(r"INT|DEC|NUM|FLOAT|DOUBLE|REAL|MONEY", kind):
        return "numeric"
    if re.search(r"CHAR|TEXT|STRING|CLOB|VARCHAR", kind) or not kind:
        return "text"
    return "other"


@dataclass(frozen=True)
class Edge:
    """A foreign key seen from ``source`` (which holds it when ``forward``) to ``target``."""

    source: str
    target: str
    keys: tuple[tuple[str, str], ...]
    forward: bool


class SchemaGraph:
    """Tables as nodes, foreign keys as edges in both directions."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.tables = {t.name.lower(): t for t in catalog.tables}
        self.edges: dict[str, list[Edge]] = {name: [] for name in self.tables}
        for table in catalog.tables:
            for fk in table.foreign_keys:
                target = self.tables.get(fk.ref_table.lower().split(".")[-1])
                if target is None:
                    continue
                keys = tuple(zip(fk.columns, fk.ref_columns, strict=False))
                self.edges[table.name.lower()].append(Edge(table.name, target.name, keys, True))
                back = tuple((b, a) for a, b in keys)
                self.edges[target.name.lower()].append(Edge(target.name, table.name, back, False))

    def table(self, name: str) -> Table:
        return self.tables[name.lower()]

    def kind_of(self, element: SchemaElement) -> str:
        """'table', or the type class of a column or value's column."""
        if element.column is None:
            return "table"
        column = self.table(element.table).column(element.column)
        return column_kind(column) if column is not None else "other"

    def paths_from(self, start: str) -> dict[str, list[Edge]]:
        """Shortest edge paths from ``start`` to every reachable table (BFS, stable order)."""
        paths: dict[str, list[Edge]] = {start.lower(): []}
        queue = deque([start.lower()])
        while queue:
            current = queue.popleft()
            for edge in self.edges[current]:
                target = edge.target.lower()
                if target not in paths:
                    paths[target] = [*paths[current], edge]
                    queue.append(target)
        return paths

    def distance(self, start: str, goal: str) -> int:
        path = self.paths_from(start).get(goal.lower())
        return len(path) if path is not None else 1_000


def label_column(table: Table) -> Column | None:
    """The first text column that is not a key: what a person would call the row by."""
    keys = {c.lower() for c in table.primary_key}
    keys |= {c.lower() for fk in table.foreign_keys for c in fk.columns}
    return next(
        (c for c in table.columns if column_kind(c) == "text" and c.name.lower() not in keys),
        None,
    )


class Resolver:
    """Pins each link to one element: the question's own tables first, then the nearest."""

    def __init__(self, graph: SchemaGraph, subject: str, mentioned: Iterable[str]) -> None:
        self.graph = graph
        self.subject = subject
        self.mentioned = [t.lower() for t in mentioned]
        self.distances = {name: len(path) for name, path in graph.paths_from(subject).items()}
        self.chosen: dict[tuple[int, int], Match] = {}

    def element(self, link: Link, *, want: str | None = None) -> SchemaElement:
        best = link.best
        candidates = [
            m
            for m in link.matches
            if m.element.kind == best.element.kind and m.score >= best.score - 0.1
        ]
        if want is not None:
            typed = [m for m in candidates if self.kind_of(m.element) == want]
            candidates = typed or candidates
        if link.text.lower() in ("id", "ids") and best.element.kind == "column":
            keys = [m for m in link.matches if self.is_key(m.element)]
            candidates = keys or candidates  # 'the ids of orders': their primary key
        chosen = min(candidates, key=lambda m: self.rank(m.element, m.score))
        self.chosen[(link.start, link.end)] = chosen
        return chosen.element

    def is_key(self, element: SchemaElement) -> bool:
        table = self.graph.table(element.table)
        return [c.lower() for c in table.primary_key] == [(element.column or "").lower()]

    def rank(self, element: SchemaElement, score: float) -> tuple[int, int, float]:
        table = element.table.lower()
        mentioned = 0 if table == self.subject.lower() else (1 if table in self.mentioned else 2)
        return (mentioned, self.distances.get(table, 1_000), -score)

    def kind_of(self, element: SchemaElement) -> str:
        return self.graph.kind_of(element)

    def column(self, link: Link, *, want: str | None = None) -> ColumnRef:
        element = self.element(link, want=want)
        if element.column is None:
            raise TranslationError(
                f"{link.text!r} names the table {element.table}, not a column",
                hint=f"name one of its columns: {_columns_hint(self.graph.table(element.table))}",
            )
        return ColumnRef(table=element.table, column=element.column)


def _columns_hint(table: Table) -> str:
    return ", ".join(c.name for c in table.columns[:8])


# --- step 6: the plan ---------------------------------------------------------------------


@dataclass
class PlanParts:
    """The pieces of a plan as they are decided, with the reasons for `explain`."""

    subject: str
    select: list[SelectItem] = field(default_factory=list)
    filters: list[Filter] = field(default_factory=list)
    group_by: list[ColumnRef] = field(default_factory=list)
    having: list[Having] = field(default_factory=list)
    order_by: list[OrderItem] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    limit: int | None = None
    distinct: bool = False
    notes: list[str] = field(default_factory=list)

    def need(self, table: str) -> None:
        if table.lower() not in (t.lower() for t in self.tables):
            self.tables.append(table)


class Planner:
    """Turns a reading into a :class:`QueryPlan`, deciding grain, grouping and joins."""

    def __init__(self, reading: Reading, graph: SchemaGraph) -> None:
        self.reading = reading
        self.graph = graph
        subject = self.find_subject()
        mentioned = [self.table_of(link) for link in reading.tables]
        self.resolver = Resolver(self.graph, subject, mentioned)
        self.parts = PlanParts(subject=subject, tables=[subject])

    # subject and resolution

    def find_subject(self) -> str:
        reading = self.reading
        if reading.counted is not None and reading.counted.best.element.kind == "table":
            return self.table_of(reading.counted)
        if reading.tables:
            return self.table_of(reading.tables[0])
        for link in self.all_links():
            return link.best.element.table
        raise TranslationError(
            "no table could be linked to the question",
            hint="name a table or one of its columns; `sqlsynth explain` shows the links",
        )

    def all_links(self) -> Iterator[Link]:
        reading = self.reading
        yield from reading.projections
        if isinstance(reading.superlative_target, Link):
            yield reading.superlative_target
        yield from (link for link in reading.order if isinstance(link, Link))
        yield from (a.column for a in reading.aggregates if a.column is not None)
        yield from reading.groups
        for condition in reading.conditions:
            yield from (link for link in (condition.column, condition.value_link) if link)
        if reading.counted is not None:
            yield reading.counted

    def table_of(self, link: Link) -> str:
        return link.best.element.table

    def ref(self, link: Link, *, want: str | None = None) -> ColumnRef:
        ref = self.resolver.column(link, want=want)
        self.parts.need(ref.table)
        return ref

    # entry

    def plan(self) -> QueryPlan:
        """Two passes: the first learns every table the plan needs, so that the second
        knows, while choosing COUNT(*) or COUNT(DISTINCT key), which joins repeat rows."""
        self.build()
        self.parts = PlanParts(subject=self.parts.subject, tables=list(self.parts.tables))
        self.build()
        self.check_fan_out()
        return self.assemble()

    def build(self) -> None:
        for link in self.reading.tables:
            self.parts.need(self.table_of(link))  # "customers who have orders" joins orders
        self.add_filters()
        self.add_absent()
        if self.is_grouped():
            self.add_grouped()
        else:
            self.add_rows()
        self.add_order()
        self.parts.limit = self.reading.limit if self.parts.limit is None else self.parts.limit

    def is_grouped(self) -> bool:
        reading = self.reading
        return bool(reading.count or reading.aggregates or reading.having or self.counted_tables())

    def counted_tables(self) -> list[str]:
        """Tables whose rows are counted to rank by: 'the most orders', 'by number of loans'."""
        reading = self.reading
        targets: list[Link | Aggregate | None] = [*reading.order]
        if not reading.superlative_temporal:
            targets.append(reading.superlative_target)
        return [
            self.table_of(t)
            for t in targets
            if isinstance(t, Link) and t.best.element.kind == "table"
        ]

    # filters

    def add_filters(self) -> None:
        for condition in self.reading.conditions:
            predicates = self.predicates(condition)
            if condition.any_of_previous and len(predicates) > 1:
                raise TranslationError(
                    f"cannot combine {condition.source!r} with 'or' (it is a range)",
                    hint="ask two questions, or name both conditions without 'or'",
                )
            if condition.any_of_previous and self.parts.filters:
                previous = self.parts.filters.pop()
                earlier = previous.any_of if isinstance(previous, AnyOf) else (previous,)
                self.parts.filters.append(AnyOf(any_of=(*earlier, *predicates)))
            else:
                self.parts.filters.extend(predicates)

    def predicates(self, condition: Condition) -> list[Predicate]:
        if condition.value_link is not None:
            element = self.resolver.element(condition.value_link)
            assert element.column is not None
            column = ColumnRef(table=element.table, column=element.column)
            self.parts.need(column.table)
            if condition.op == "in":
                return [Predicate(column=column, op="in", values=condition.values)]
            value = element.value if len(condition.values) == 1 else condition.values[0]
            return [Predicate(column=column, op=condition.op, value=value)]
        column = self.condition_column(condition)
        if condition.temporal and self.resolver.kind_of(_element(column)) == "temporal":
            return self.year_predicates(column, condition)
        if condition.op == "between":
            return [Predicate(column=column, op="between", values=condition.values)]
        return [Predicate(column=column, op=condition.op, value=condition.value)]

    def condition_column(self, condition: Condition) -> ColumnRef:
        if condition.column is not None:
            return self.ref(condition.column)
        if condition.temporal:
            return self.only_temporal_column(condition)
        raise TranslationError(
            f"could not tell which column {condition.source!r} compares",
            hint="name the column, e.g. 'price above 100'",
        )

    def only_temporal_column(self, condition: Condition) -> ColumnRef:
        return self.date_column_of(self.parts.subject, condition.source)

    def date_column_of(self, table_name: str, words: str) -> ColumnRef:
        """The one date/time column of a table, which 'after 2023' or 'latest' must mean."""
        table = self.graph.table(table_name)
        dates = [c for c in table.columns if column_kind(c) == "temporal"]
        if len(dates) != 1:
            names = ", ".join(c.name for c in dates) or "none"
            raise TranslationError(
                f"could not tell which date {words!r} refers to "
                f"({table.name} has date columns: {names})",
                hint="name the date column, e.g. 'signup date after 2023'",
            )
        self.parts.notes.append(
            f"{words!r} uses {table.name}.{dates[0].name}, its only date column"
        )
        return ColumnRef(table=table.name, column=dates[0].name)

    def year_predicates(self, column: ColumnRef, condition: Condition) -> list[Predicate]:
        """Years compare as date ranges, so DATE, TIMESTAMP and ISO text all work."""
        op = condition.op
        numbers = [
            int(v) for v in (*condition.values, condition.value) if isinstance(v, int | float)
        ]
        first, last = numbers[0], numbers[-1]
        start, after = f"{first}-01-01", f"{last + 1}-01-01"
        bounds: dict[str, list[tuple[str, str]]] = {
            "=": [(">=", start), ("<", after)],
            "between": [(">=", start), ("<", after)],
            ">": [(">=", after)],
            ">=": [(">=", start)],
            "<": [("<", start)],
            "<=": [("<", after)],
        }
        if op not in bounds:
            raise TranslationError(
                f"cannot compare a date with {condition.source!r}",
                hint="say 'in 2023', 'after 2023' or 'before 2023'",
            )
        return [Predicate(column=column, op=o, value=v) for o, v in bounds[op]]

    def add_absent(self) -> None:
        for other, words in self.reading.absent:
            self.parts.filters.append(self.absent_predicate(other, words))
            self.parts.notes.append(
                f"{words!r} negated: {self.parts.subject} rows without a matching {other} row"
            )

    def absent_predicate(self, other: str, words: str) -> Predicate:
        """'Customers with no orders': the subject's key NOT IN the other table's reference.

        Through a link table ('members who attended no performance') the first step of the
        foreign-key path is enough: a link row exists exactly when a related row does. The
        subplan drops NULL references, which would otherwise make NOT IN match nothing.
        """
        subject = self.parts.subject
        path = self.graph.paths_from(subject).get(other.lower(), [])
        edge = path[0] if path else None
        if edge is None or edge.forward or len(edge.keys) != 1:
            raise TranslationError(
                f"cannot negate {words!r}: {other} does not reference {subject} by one column",
                hint="ask about tables linked directly by a foreign key",
            )
        mine, theirs = edge.keys[0]
        reference = ColumnRef(table=edge.target, column=theirs)
        subplan = QueryPlan(
            select=(SelectItem(column=reference),),
            from_table=edge.target,
            filters=(Predicate(column=reference, op="is not null"),),
        )
        return Predicate(column=ColumnRef(table=subject, column=mine), op="not in", subplan=subplan)

    # rows (no aggregation)

    def add_rows(self) -> None:
        reading = self.reading
        columns = [self.ref(link) for link in reading.projections]
        measure = self.superlative_measure()
        if reading.superlative and measure is not None:
            of_a_column = _is_column_link(reading.superlative_target)
            if of_a_column and not reading.superlative_after_subject and not reading.projections:
                self.add_aggregate_value(reading.superlative, measure)
                return
            columns = columns or self.display_columns(self.parts.subject)
            self.parts.order_by.append(
                OrderItem(item=SelectItem(column=measure), descending=reading.superlative == "max")
            )
            self.parts.limit = reading.limit or 1
            self.parts.notes.append(
                f"the {'highest' if reading.superlative == 'max' else 'lowest'} {measure}: "
                f"order by it and keep {self.parts.limit} row(s)"
            )
        if not columns:
            columns = self.all_columns(self.parts.subject)
            self.parts.notes.append(
                f"no columns named: listing every column of {self.parts.subject}"
            )
        self.parts.select = [SelectItem(column=c) for c in _unique(columns)]
        self.parts.distinct = reading.distinct

    def superlative_measure(self) -> ColumnRef | None:
        """What 'highest'/'latest' ranks by: a column, or a table's only date column."""
        reading = self.reading
        target = reading.superlative_target
        if not isinstance(target, Link):
            return None
        if target.best.element.kind == "table":
            if not reading.superlative_temporal:
                return None  # 'the most orders' counts rows instead
            measure = self.date_column_of(self.table_of(target), target.text)
            self.parts.need(measure.table)
            return measure
        return self.ref(target, want="temporal" if reading.superlative_temporal else "numeric")

    def add_aggregate_value(self, func: str, measure: ColumnRef) -> None:
        item = SelectItem(column=measure, aggregate=func)
        self.parts.select = [item]
        self.parts.notes.append(f"the {func} of {measure} over all matching rows")

    def display_columns(self, table_name: str) -> list[ColumnRef]:
        table = self.graph.table(table_name)
        label = label_column(table)
        if label is not None:
            return [ColumnRef(table=table.name, column=label.name)]
        return [
            ColumnRef(table=table.name, column=c) for c in table.primary_key
        ] or self.all_columns(table_name)

    def all_columns(self, table_name: str) -> list[ColumnRef]:
        table = self.graph.table(table_name)
        return [ColumnRef(table=table.name, column=c.name) for c in table.columns]

    # grouped

    def add_grouped(self) -> None:
        reading = self.reading
        measures = self.measure_items()
        group_columns, shown = self.group_columns(measures)
        self.parts.group_by = _unique(group_columns)
        columns = [SelectItem(column=c) for c in _unique(shown)]
        visible = [m for m in measures if not self.ranks_only(m)]
        self.parts.select = columns + visible if columns or visible else measures
        for op, value, link in reading.having:
            item = self.count_item(self.table_of(link))
            self.parts.having.append(Having(item=item, op=op, value=value))
            self.parts.notes.append(
                f"HAVING {item.aggregate}(...) {op} {value} over {self.table_of(link)}"
            )
        self.add_superlative_order(measures)

    def ranks_only(self, item: SelectItem) -> bool:
        """A measure the question ranks or orders by without asking to see it.

        'Which customer has the most orders?' asks for the customer; the count orders them.
        """
        reading = self.reading
        if reading.count and item.same_expression(self.counted_item()):
            return False
        asked = [a for a in reading.aggregates if a is not reading.superlative_target]
        asked = [a for a in asked if not any(a is o for o in reading.order)]
        return not any(item.same_expression(self.aggregate_item(a)) for a in asked)

    def measure_items(self) -> list[SelectItem]:
        reading = self.reading
        items: list[SelectItem] = []
        if reading.count:
            items.append(self.counted_item())
        for aggregate in reading.aggregates:
            items.append(self.aggregate_item(aggregate))
        target = reading.superlative_target
        for table in self.counted_tables():
            item = self.count_item(table)
            if not any(item.same_expression(i) for i in items):
                items.append(item)
        if (
            reading.superlative
            and isinstance(target, Link)
            and target.best.element.kind != "table"
            and not items
        ):
            measure = self.ref(target, want="numeric")
            items.append(SelectItem(column=measure, aggregate=reading.superlative))
        return items

    def counted_item(self) -> SelectItem:
        counted = self.reading.counted
        if counted is not None and counted.best.element.kind != "table":
            column = self.ref(counted)
            alias = f"{'_'.join(identifier_words(column.column))}_count"
            self.parts.notes.append(f"count distinct values of {column}")
            return SelectItem(column=column, aggregate="count", distinct=True, alias=alias)
        table = self.table_of(counted) if counted is not None else self.parts.subject
        return self.count_item(table)

    def count_item(self, table_name: str) -> SelectItem:
        """COUNT(*) of a table's rows, or COUNT(DISTINCT key) when joins repeat them."""
        self.parts.need(table_name)
        table = self.graph.table(table_name)
        alias = f"{'_'.join(singular(w) for w in identifier_words(table.name))}_count"
        if self.fans_out(table.name) and len(table.primary_key) == 1:
            key = ColumnRef(table=table.name, column=table.primary_key[0])
            self.parts.notes.append(f"count DISTINCT {key}: a join repeats {table.name} rows")
            return SelectItem(column=key, aggregate="count", distinct=True, alias=alias)
        return SelectItem(aggregate="count", alias=alias)

    def aggregate_item(self, aggregate: Aggregate) -> SelectItem:
        if aggregate.column is None:
            raise TranslationError("an aggregate without a column", hint="name the column")
        want = None if aggregate.func in ("min", "max") else "numeric"
        column = self.ref(aggregate.column, want=want)
        kind = self.resolver.kind_of(_element(column))
        if aggregate.func in ("sum", "avg") and kind != "numeric":
            raise TranslationError(
                f"cannot take the {aggregate.func} of {column}: it is not numeric",
                hint="name a numeric column, or ask 'how many'",
            )
        return SelectItem(column=column, aggregate=aggregate.func)

    def group_columns(self, measures: list[SelectItem]) -> tuple[list[ColumnRef], list[ColumnRef]]:
        """What to group by, and which of it to show: named columns, or an entity's label."""
        reading = self.reading
        grouped: list[ColumnRef] = []
        shown: list[ColumnRef] = []
        for link in reading.groups:
            if link.best.element.kind == "table":
                keys, label = self.entity_columns(self.table_of(link))
                grouped += keys
                shown += label
            else:
                column = self.ref(link)
                grouped.append(column)
                shown.append(column)
        projections = [self.ref(link) for link in reading.projections]
        measured = {item.column.table.lower() for item in measures if item.column is not None}
        if not grouped and self.subject_is_entity(measured):
            keys, label = self.entity_columns(self.parts.subject)
            if projections:
                keys = [k for k in keys if k not in label]
            self.parts.notes.append(f"one row per {self.parts.subject} row (grouped by its key)")
            return keys + projections if projections else keys, projections or label
        return grouped + projections, shown + projections

    def subject_is_entity(self, measured: set[str]) -> bool:
        """Group by the subject when what is measured lives in another table."""
        reading = self.reading
        subject = self.parts.subject.lower()
        if reading.having or any(t.lower() != subject for t in self.counted_tables()):
            return True
        if reading.count and reading.counted is not None:
            return False
        return bool(measured) and subject not in measured

    def entity_columns(self, table_name: str) -> tuple[list[ColumnRef], list[ColumnRef]]:
        table = self.graph.table(table_name)
        self.parts.need(table.name)
        keys = [ColumnRef(table=table.name, column=c) for c in table.primary_key]
        label = label_column(table)
        shown = [ColumnRef(table=table.name, column=label.name)] if label else list(keys)
        if not keys:
            keys = shown or self.all_columns(table.name)
        return keys + [c for c in shown if c not in keys], shown or keys

    def add_superlative_order(self, measures: list[SelectItem]) -> None:
        reading = self.reading
        if reading.superlative is None or not measures:
            return
        if not (reading.superlative_after_subject or reading.projections or reading.groups):
            return
        self.parts.order_by.append(
            OrderItem(item=measures[0], descending=reading.superlative == "max")
        )
        self.parts.limit = reading.limit or 1

    # order

    def add_order(self) -> None:
        reading = self.reading
        if self.parts.order_by:
            return
        targets = [self.order_item(target) for target in reading.order]
        if not targets and (reading.descending is not None or reading.ranking):
            targets = [self.default_order_item()]
        descending = bool(reading.descending)
        for item in targets:
            if self.parts.distinct and not any(item.same_expression(s) for s in self.parts.select):
                self.parts.select.append(item)  # DISTINCT can only order by what it shows
            self.parts.order_by.append(OrderItem(item=item, descending=descending))

    def order_item(self, target: Link | Aggregate) -> SelectItem:
        if isinstance(target, Aggregate):
            item = self.aggregate_item(target)
            if self.parts.distinct and not any(item.same_expression(s) for s in self.parts.select):
                self.parts.select.append(item)
            return item
        if target.best.element.kind == "table":
            return self.count_item(self.table_of(target))
        column = self.ref(target)
        for item in self.parts.select:
            if item.column == column:
                return item
        if self.parts.group_by and column not in self.parts.group_by:
            raise TranslationError(
                f"cannot order groups by {column}: it is not grouped or aggregated",
                hint="order by a grouped column or an aggregate (e.g. 'total amount')",
            )
        return SelectItem(column=column)

    def default_order_item(self) -> SelectItem:
        aggregates = [s for s in self.parts.select if s.aggregate]
        if aggregates:
            return aggregates[0]
        numeric = [
            s
            for s in self.parts.select
            if s.column is not None and self.resolver.kind_of(_element(s.column)) == "numeric"
        ]
        return (numeric or self.parts.select)[0]

    # joins and assembly

    def fans_out(self, grain: str) -> bool:
        """Whether joining the plan's tables repeats rows of ``grain`` (a one-to-many step)."""
        paths = self.graph.paths_from(grain)
        for table in self.parts.tables:
            for edge in paths.get(table.lower(), []):
                if not edge.forward:
                    return True
        return False

    def joins(self) -> list[Join]:
        subject = self.parts.subject
        paths = self.graph.paths_from(subject)
        joined = [subject.lower()]
        joins: list[Join] = []
        for table in self.parts.tables[1:]:
            path = paths.get(table.lower())
            if path is None:
                raise TranslationError(
                    f"no foreign-key path joins {subject} and {table}",
                    hint="declare the foreign key in the catalog, or ask about one table",
                )
            for edge in path:
                if edge.target.lower() in joined:
                    continue
                self.check_bridge(edge.target)
                keys = tuple(
                    JoinKey(
                        left=ColumnRef(table=edge.target, column=theirs),
                        right=ColumnRef(table=edge.source, column=mine),
                    )
                    for mine, theirs in edge.keys
                )
                joins.append(Join(table=edge.target, on=keys))
                joined.append(edge.target.lower())
                self.parts.notes.append(
                    f"join {edge.target} on "
                    + " and ".join(f"{k.left} = {k.right}" for k in keys)
                    + " (shortest foreign-key path)"
                )
        return joins

    def check_bridge(self, table_name: str) -> None:
        """Refuse to guess a join path through a table that no word of the question needs,
        unless it only links others (every column a key): such paths are usually wrong."""
        if table_name.lower() in (t.lower() for t in self.parts.tables):
            return
        table = self.graph.table(table_name)
        keys = {c.lower() for c in table.primary_key}
        keys |= {c.lower() for fk in table.foreign_keys for c in fk.columns}
        if all(c.name.lower() in keys for c in table.columns):
            return
        raise TranslationError(
            f"joining {', '.join(self.parts.tables)} would go through {table.name}, "
            "which the question does not mention",
            hint=f"name how they relate, e.g. mention {table.name}",
        )

    def check_fan_out(self) -> None:
        """Refuse sums and averages that a one-to-many join would count more than once."""
        for item in (*self.parts.select, *(h.item for h in self.parts.having)):
            repeats = item.aggregate in ("sum", "avg") or (
                item.aggregate == "count" and item.column is not None and not item.distinct
            )
            if repeats and item.column is not None and self.fans_out(item.column.table):
                others = ", ".join(t for t in self.parts.tables if t != item.column.table)
                raise TranslationError(
                    f"the {item.aggregate} of {item.column} would count {item.column.table} "
                    f"rows more than once: joining {others} repeats them",
                    hint=f"ask about {item.column.table} with fewer related tables",
                )

    def assemble(self) -> QueryPlan:
        parts = self.parts
        joins = self.joins()
        return QueryPlan(
            select=tuple(parts.select),
            from_table=parts.subject,
            joins=tuple(joins),
            filters=tuple(parts.filters),
            group_by=tuple(parts.group_by),
            having=tuple(parts.having),
            order_by=tuple(parts.order_by),
            limit=parts.limit,
            distinct=parts.distinct and not parts.group_by,
        )


def _is_column_link(target: Link | Aggregate | None) -> bool:
    return isinstance(target, Link) and target.best.element.kind == "column"


def _element(ref: ColumnRef) -> SchemaElement:
    return SchemaElement(kind="column", table=ref.table, column=ref.column)


def _unique(items: Iterable[ColumnRef]) -> list[ColumnRef]:
    seen: list[ColumnRef] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


# --- refusing -----------------------------------------------------------------------------


def check_placed(reading: Reading, linking: Linking, catalog: Catalog) -> None:
    """Refuse when a word that matters names nothing, or nothing names a table."""
    if reading.problems:
        raise TranslationError(
            reading.problems[0], hint="rephrase, e.g. 'orders whose status is not cancelled'"
        )
    if reading.unplaced:
        words = list(dict.fromkeys(reading.unplaced))
        hints = []
        for word in words:
            near = nearest_elements(word, catalog)
            hints.append(f"{word!r}: nearest {', '.join(near) or 'nothing'}")
        raise TranslationError(
            f"could not place {', '.join(repr(w) for w in words)} in the schema "
            f"({len(catalog.tables)} tables: {', '.join(catalog.table_names[:8])})",
            hint="; ".join(hints) + "; rephrase with table, column or value names",
        )
    if not linking.links:
        raise TranslationError(
            "no word of the question names a table, column or value",
            hint=f"tables: {', '.join(catalog.table_names[:8])}",
        )


# --- explaining ---------------------------------------------------------------------------


def cue_meaning(cue: Cue) -> str:
    """What a cue contributes to the query, for `explain`."""
    meanings: dict[CueKind, str] = {
        "count": "COUNT",
        "aggregate": cue.arg.upper(),
        "superlative": f"{'highest' if cue.arg == 'max' else 'lowest'}: "
        f"ORDER BY ... {'DESC' if cue.arg == 'max' else 'ASC'} LIMIT, or {cue.arg.upper()}",
        "group": "GROUP BY",
        "by": "GROUP BY (ORDER BY after 'top' or a superlative)",
        "order": "ORDER BY",
        "direction": cue.arg.upper(),
        "limit": "LIMIT" + (f", ORDER BY ... {cue.arg.upper()}" if cue.arg else ""),
        "compare": f"comparison {cue.arg}",
        "contains": "LIKE '%...%'",
        "negation": "NOT",
        "distinct": "DISTINCT",
        "conjunction": "",
    }
    return meanings[cue.kind]


def explain_units(units: Sequence[Unit], chosen: dict[tuple[int, int], Match]) -> list[str]:
    """One line per word or phrase the reader used: what it was linked to, or what it cues."""
    lines: list[str] = []
    for unit in units:
        if unit.link is not None:
            match = chosen.get((unit.start, unit.end), unit.link.best)
            lines.append(f"{unit.text!r} → {match.element.label} ({match.how}, {match.score:.2f})")
        elif unit.cue is not None and cue_meaning(unit.cue):
            lines.append(f"{unit.text!r} → {cue_meaning(unit.cue)}")
    return lines


# --- the translator -----------------------------------------------------------------------


class EmbeddedTranslator:
    """Offline, deterministic English-to-SQL rules; refuses instead of guessing."""

    name = "embedded"
    version = "0.1.0"

    def translate(
        self, spec: NLSpec, catalog: Catalog, *, dialect: str, feedback: tuple[str, ...] = ()
    ) -> Draft:
        """Return SQL for ``spec``; ``feedback`` is ignored (these rules do not learn)."""
        del feedback
        scoped = scope_catalog(catalog, spec.sources)
        linking = link_question(spec.prompt, scoped)
        units = build_units(linking, find_cues(linking.tokens))
        graph = SchemaGraph(scoped)
        reading = Reader(units, linking.tokens, graph.kind_of).read()
        for rule in READING_RULES:
            reading = rule(reading)
        check_placed(reading, linking, scoped)
        planner = Planner(reading, graph)
        try:
            plan = planner.plan()
        except pydantic.ValidationError as exc:  # a rule combination the plan model rejects
            raise TranslationError(
                f"could not build a consistent query: {exc.errors()[0]['msg']}",
                hint="rephrase the question; `sqlsynth explain` shows how it was read",
            ) from exc
        explanation = (
            *explain_units(units, planner.resolver.chosen),
            *reading.notes,
            *planner.parts.notes,
        )
        return Draft(
            sql=compile_plan(plan, dialect),
            dialect=dialect,
            translator=self.name,
            translator_version=self.version,
            plan=plan,
            explanation=tuple(dict.fromkeys(explanation)),
        )
