"""Reading: cues and links, left to right, into a :class:`Reading` of what is asked.

:class:`Reader` walks the units once with a small state (what the last cue waits for) and
records what is counted, aggregated, grouped, filtered, ordered and limited. Then each rule
of ``READING_RULES`` looks at the whole question, and :func:`check_placed` refuses when a
word that matters was placed nowhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

from sqlsynth.catalog import Catalog
from sqlsynth.errors import TranslationError
from sqlsynth.plan import (
    AggregateFunction,
    Comparison,
    Scalar,
)
from sqlsynth.translate.cues import Cue, Unit, is_harmless
from sqlsynth.translate.linking import (
    Link,
    Linking,
    SchemaElement,
    Token,
    nearest_elements,
)

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
_EVERY_COLUMN_WORDS = frozenset(
    {"information", "info", "details", "detail", "everything", "data", "attributes"}
)
"""'all the information about', 'the details of': every column, not the row's label."""
_LISTING_VERBS = frozenset({"list", "show", "display", "get"})
"""'List products over 100' reads as a spec for rows; 'Which products …' asks to name them."""
_WEAK_LINKS = frozenset({"of", "with", "has", "have", "had"})


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
    each: bool = False
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
    every_column: bool = False
    noun_phrase: bool = False


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
        question: str = "",
    ) -> None:
        self.question = question
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
        first = self.units[0] if self.units else None
        self.reading.noun_phrase = (
            first is not None
            and first.link is not None
            and all(token.norm in _LISTING_VERBS for token in self.tokens[: first.start])
        )
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
        previous = self.last_unit
        if (
            cue.text.lower().startswith("number")
            and previous is not None
            and previous.link is not None
            and previous.end == cue.start
            and previous.link.best.element.kind == "column"
            and re.search(rf"{re.escape(previous.link.text)}\s+number\b", self.question, re.I)
        ):
            return  # 'the phone number of': a compound noun naming the column, not a count
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
            if self.conjunction == "and" and any(
                t.norm == "both" for t in self.tokens[: link.start]
            ):
                previous.each = True  # 'for both X and Y': rows related to each value
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
        elif token.kind == "word" and token.norm in _EVERY_COLUMN_WORDS:
            self.reading.every_column = True
        elif token.kind == "word" and not is_harmless(token):
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
            if self.conjunction == "or":
                self.reading.problems.append(
                    f"could not combine a count of {following.link.text!r} with 'or' "
                    "(that needs a union of two queries)"
                )
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
