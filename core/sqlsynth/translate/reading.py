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
from itertools import pairwise
from typing import Literal, get_args

from sqlsynth.catalog import Catalog
from sqlsynth.errors import TranslationError
from sqlsynth.plan import (
    AggregateFunction,
    Comparison,
    Scalar,
    identifier_words,
)
from sqlsynth.translate.cues import ADJECTIVES, Cue, Unit, is_harmless
from sqlsynth.translate.linking import (
    Link,
    Linking,
    Match,
    SchemaElement,
    Token,
    nearest_elements,
    singular,
)

_YEAR_RANGE = range(1800, 2201)
_NEEDS_OBJECT: frozenset[str] = frozenset(
    {"compare", "contains", "aggregate", "superlative", "group", "order"}
)
"""Cues that must be followed by what they apply to; a dangling one is refused."""
_AGGREGATE_FUNCTIONS: dict[str, AggregateFunction] = {f: f for f in get_args(AggregateFunction)}
_MOMENT = re.compile(r"\d{4}-\d\d-\d\d(?:[ T]\d\d:\d\d(?::\d\d)?)?|\d\d?:\d\d(?::\d\d)?")
_NUMBER_TEXT = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
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
_HAVING_WORDS = frozenset({"with", "has", "have", "had", "having"})
"""'List products over 100' reads as a spec for rows; 'Which products …' asks to name them."""
_MAX_MIN = ("max", "min")
_COMPARATIVES = {
    "older": "old",
    "younger": "young",
    "cheaper": "cheap",
    "longer": "long",
    "shorter": "short",
    "taller": "tall",
    "heavier": "heavy",
    "lighter": "light",
}
_REVERSED = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "=": "="}
_MEASURE_SUPERLATIVES = frozenset(
    {"highest", "largest", "biggest", "greatest", "lowest", "smallest"}
)
_FREQUENCY_WORDS = frozenset({"common", "frequent", "frequently", "often", "popular", "used"})
"""After 'most'/'least': how many rows hold a value ('the most common type')."""
_ORDERING_VERBS = frozenset(
    {"order", "ordered", "ordering", "sort", "sorted", "sorting", "rank", "ranked", "arrange"}
    | {"arranged", "listed"}
)
"""'ordered descending by population': 'by' after these names the order, not a grouping."""
_KEEPS_COLUMN_SHOWN = frozenset({"of", "and", "or"})
_HEAD_WORDS = frozenset({"date", "year", "time", "day"})
"""Words for the kind of value a column holds: 'launch date', 'join year'."""
_BETWEEN_CUES = frozenset({"compare", "negation", "contains"})
"""Cues that may stand between a column and its value: 'price above 100'."""
_OWNER_WORDS = frozenset({"their", "its", "his", "her", "the"})
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
    lacks: bool = False
    """'publishers which do not have a book in 1989': the rows' owners have no such row."""
    each: bool = False
    listed: bool = False
    """'male and female students': values listed with 'and' (each may be its own group)."""
    source: str = ""
    adjective: str = ""
    against: Aggregate | None = None
    """'price above the average price': compared with an aggregate over the whole table."""
    """'older than 30': the gradable adjective that names the column (see ``ADJECTIVES``)."""


@dataclass
class Aggregate:
    """'average price': a function waiting for its column to be resolved."""

    func: AggregateFunction
    column: Link | None


_MEASURE_WORDS = {
    "max": {"max", "maximum"},
    "min": {"min", "minimum"},
    "avg": {"avg", "mean", "average"},
}

_AFTER_LISTED_TABLE = frozenset(
    [
        "that",
        "they",
        "it",
        "which",
        "who",
        "where",
        "with",
        "of",
        "in",
        "for",
        "from",
        "at",
        "on",
        "by",
        "ordered",
        "sorted",
    ]
)


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
    superlative_adjective: str | None = None
    aggregate_having: list[tuple[Comparison, Scalar, Aggregate]] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    having: list[tuple[Comparison, Scalar, Link]] = field(default_factory=list)
    absent: list[tuple[str, str, int]] = field(default_factory=list)
    """'students who took no course': the table lacked, its words and where they start."""
    distinct: bool = False
    count_at: int | None = None
    unplaced: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    every_column: bool = False
    noun_phrase: bool = False
    alphabetical: bool = False
    direction_named: bool = False
    """'in descending order', 'alphabetically': a sort the question asks for by name."""
    by_frequency: bool = False
    fixed_projections: list[Link] = field(default_factory=list)
    tokens: Sequence[Token] = ()
    """Columns named just before the value that fixes them ('carrier either Sprint')."""
    hidden_groups: list[Link] = field(default_factory=list)
    """'the most common status': rank the values of a column by how many rows hold them."""
    shown_tables: list[Link] = field(default_factory=list)
    """'the names of members and their parties': a table listed beside shown columns."""
    linked: frozenset[int] = frozenset()
    """Indexes of the tokens some link covers."""


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
        self.reading = Reading(tokens=tokens)
        self.pending: Pending = ""
        self.pending_arg = ""
        self.negated = False
        self.negated_at = 0
        self.distinct_next = False
        self.conjunction = ""
        self.last_column: Link | None = None
        self.continued: tuple[Pending, Unit | None] = ("", None)
        self.current: Unit | None = None
        self.current_index = 0
        """Where ``current`` is in ``units`` (``position`` may have skipped past it)."""
        self.superlative_waiting = False
        self.adjective_end = -1  # where a gradable superlative ends ("shortest")
        self.order_waiting = False
        self.stacked: list[AggregateFunction] = []
        self.last_unit: Unit | None = None
        self.position = 0
        self.compare_adjective = ""
        self.compare_words = ""
        """The cue a pending comparison came from ('greater than'), for messages."""
        self.compare_end = 0

    def read(self) -> Reading:
        first = self.units[0] if self.units else None
        self.reading.noun_phrase = (
            first is not None
            and first.link is not None
            and all(token.norm in _LISTING_VERBS for token in self.tokens[: first.start])
        )
        while self.position < len(self.units):
            unit = self.units[self.position]
            self.current, self.current_index = unit, self.position
            self.position += 1
            if unit.cue is not None:
                self.on_cue(unit.cue)
            elif unit.link is not None:
                self.on_link(unit.link)
            elif unit.token is not None:
                self.on_token(unit.token)
            self.last_unit = unit
        self.reading.linked = frozenset(
            i for u in self.units if u.link is not None for i in range(u.link.start, u.link.end)
        )
        if self.negated:
            self.reading.problems.append("could not tell what the negation applies to")
        self.group_by_each_at_end()
        self.superlative_at_end()
        reading = self.reading
        measured = reading.count or reading.aggregates or reading.groups
        if self.distinct_next and not reading.projections and not measured:
            reading.distinct = True  # 'the different allergy types': a table's named values
        if reading.projections and not measured and any(t.norm == "ever" for t in self.tokens):
            reading.distinct = True  # 'stations that have ever had ...': each one once
        frequency_last = self.reading.by_frequency and self.pending == "superlative"
        if self.pending in _NEEDS_OBJECT and self.last_unit and not frequency_last:
            self.dangling()
        quoted_after = any(t.kind == "quoted" for t in self.tokens[self.compare_end :])
        if self.pending in ("compare", "contains") and not quoted_after:
            # 'tracks that contain the word you': the pattern was never placed
            problem = f"could not tell what {self.compare_words!r} compares with"
            self.reading.problems.append(problem)
        return self.reading

    def superlative_at_end(self) -> None:
        """'the race held most recently': the latest by the date of the rows named last;
        'the movie that has been reviewed the most': ranked by its related rows."""
        unit = self.last_unit
        if self.pending != "superlative" or unit is None or unit.cue is None:
            return
        reading = self.reading
        if reading.superlative_target is not None:
            return
        if reading.superlative_temporal and reading.tables:
            reading.superlative_target = reading.tables[-1]
            reading.superlative_after_subject = True
            self.set_pending("")
        elif unit.cue.text.lower() in ("most", "least", "fewest"):
            index = self.units.index(unit)
            before = self.units[index - 1] if index > 0 else None
            column = before.link if before is not None else None
            if column is not None and column.best.element.kind == "column":
                # 'the procedure that costs the most': ranked by the column just named
                reading.projections = [p for p in reading.projections if p is not column]
                reading.superlative_target = column
                reading.superlative_after_subject = True
                self.set_pending("")
                return
            self.rank_by_related_rows(self.tokens[unit.start])

    def group_by_each_at_end(self) -> None:
        """'the different card types, and how many cards are there of each?': a final
        'each' groups by what was named first."""
        unit = self.last_unit
        if self.pending != "group" or unit is None or unit.cue is None:
            return
        if unit.cue.text.lower() != "each" or not self.reading.projections:
            return
        self.reading.groups.append(self.reading.projections[0])
        self.set_pending("")

    def dangling(self) -> None:
        if self.last_unit and self.last_unit.cue:
            self.reading.problems.append(
                f"{self.last_unit.cue.text!r} is not followed by what it applies to"
            )

    def rank_by_related_rows(self, token: Token) -> None:
        """'the student who visited restaurants most often': students ranked by how many
        rows of the table named before the adverb refer to them."""
        tables = self.reading.tables
        if len(tables) < 2 or tables[-1].best.element.table == tables[0].best.element.table:
            self.reading.problems.append(f"could not tell what {token.text!r} counts")
            return
        self.reading.superlative_target = tables[-1]
        self.reading.superlative_after_subject = True
        self.set_pending("")

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
        if self.numeric_column_follows():
            if self.pending != "aggregate" and cue.text.lower().startswith("total"):
                self.set_pending("aggregate", "sum")  # 'the total number of hours'
            if self.pending == "aggregate":
                return  # 'the average number of bedrooms': the aggregate of that column
        if self.pending == "aggregate" and self.pending_arg != "sum" and self.column_follows():
            return  # 'the maximum number of rooms' over a ``room_count`` stored as text
        if self.pending == "aggregate" and self.pending_arg == "sum":
            self.pending = ""  # "total number of": the number is the aggregate
        self.reading.count = True
        if self.reading.count_at is None:
            self.reading.count_at = cue.start
        self.set_pending("count")

    def column_follows(self) -> bool:
        """Whether the next unit names a column that is not a key."""
        following = self.peek()
        link = following.link if following is not None else None
        if link is None or link.best.element.kind != "column":
            return False
        return "id" not in identifier_words(link.best.element.column or "")

    def numeric_column_follows(self) -> bool:
        """Whether the next unit names a numeric column that is not a key ('hours')."""
        following = self.peek()
        link = following.link if following is not None else None
        if link is None or link.best.element.kind != "column":
            return False
        words = identifier_words(link.best.element.column or "")
        return self.kind_of(link.best.element) == "numeric" and "id" not in words

    def cue_aggregate(self, cue: Cue) -> None:
        if self.pending == "compare" and cue.arg in ("avg", "min", "max"):
            self.compare_with_aggregate(cue)
            return
        if self.pending == "aggregate" and self.pending_arg != cue.arg:
            # "the minimum and maximum price": both apply to the column that follows
            self.stacked.append(_AGGREGATE_FUNCTIONS[self.pending_arg])
            self.pending_arg = cue.arg
            return
        if self.superlative_listed(cue):
            return
        if self.aggregate_ranks_rows(cue):
            self.cue_superlative(cue)  # 'the employee with the maximum salary'
            return
        self.stacked = []
        self.superlative_waiting = self.pending == "superlative"  # "highest average price"
        self.order_waiting = self.pending == "order"  # "by total amount"
        self.set_pending("aggregate", cue.arg)

    def aggregate_ranks_rows(self, cue: Cue) -> bool:
        """'the id and name of the employee with (the) maximum salary', 'the stadium that
        has the maximum capacity': after the rows are named, 'with the maximum' picks the
        row, as 'with the highest' does."""
        reading = self.reading
        if cue.arg not in ("max", "min") or self.pending or reading.count or reading.aggregates:
            return False
        before = [t.norm for t in self.tokens[max(0, cue.start - 2) : cue.start]]
        return (
            bool(before)
            and before[-1] in ("with", "the")
            and bool(_HAVING_WORDS & set(before))
            and bool(reading.projections)
        )

    def superlative_listed(self, cue: Cue) -> bool:
        """'the lowest and highest rating', 'the highest and average cost': superlatives
        listed with 'and' before their column are aggregates of it, like 'minimum'."""
        previous = self.reading.superlative
        adjacent = self.last_unit is not None and self.last_unit.cue is not None
        if self.pending == "aggregate" and self.conjunction == "and" and adjacent:
            if cue.arg not in _AGGREGATE_FUNCTIONS:
                return False
            # 'the average and largest salary': listed after an aggregate, it is one too
            self.stacked.append(_AGGREGATE_FUNCTIONS[self.pending_arg])
            self.conjunction = ""
            self.pending_arg = cue.arg
            return True
        if self.pending != "superlative" or previous is None:
            return False
        if self.conjunction != "and" and not adjacent:
            return False
        if self.reading.superlative_after_subject or cue.arg not in _AGGREGATE_FUNCTIONS:
            return False
        self.stacked = [_AGGREGATE_FUNCTIONS[previous]]
        self.reading.superlative = None
        self.conjunction = ""
        self.set_pending("aggregate", cue.arg)
        return True

    def compare_with_aggregate(self, cue: Cue) -> None:
        """'price above the average price', 'older than the average age': the column
        before the comparison against one aggregate of the column after it (or itself)."""
        op = self.pending_arg
        compared = self.consume_last_column()
        following = self.peek()
        measured = compared
        if (
            following is not None
            and following.link
            and following.link.best.element.kind == "column"
        ):
            measured = following.link
            self.position += 1
        if compared is None or measured is None or op not in _COMPARISON_OPS:
            self.reading.problems.append(
                f"could not tell which column {cue.text!r} is compared with"
            )
            return
        if self.reading.aggregates and self.reading.aggregates[-1].column is compared:
            self.reading.problems.append(
                f"could not compare the aggregate {compared.text!r} with {cue.text!r} "
                "(a HAVING against a subquery is not supported yet)"
            )
            return
        if self.compare_adjective and not ADJECTIVES[self.compare_adjective].more:
            op = _REVERSED[op]  # 'younger than the average age': age below it
        self.compare_adjective = ""
        func = _AGGREGATE_FUNCTIONS[cue.arg]
        self.add_condition(
            Condition(
                op=op,
                column=compared,
                against=Aggregate(func, measured),
                source=f"{compared.text} {cue.text}",
            )
        )
        self.pending, self.pending_arg = "", ""

    def cue_superlative(self, cue: Cue) -> None:
        reading = self.reading
        if cue.arg in ADJECTIVES:
            # 'the oldest student': the adjective names the measure, the noun the rows
            reading.superlative = "max" if ADJECTIVES[cue.arg].more else "min"
            reading.superlative_adjective = cue.arg
            reading.superlative_after_subject = True
            self.adjective_end = cue.end
            if self.last_unit is not None and self.last_unit.token and self.last_unit.token.number:
                reading.limit = int(self.last_unit.token.number)
            self.set_pending("")
            return
        if self.superlative_listed(cue):
            return
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
        following = self.peek()
        ordering = ordering or bool(
            following and following.cue and following.cue.kind == "direction"
        )
        before = self.tokens[max(0, cue.start - 3) : cue.start]
        ordering = ordering or any(t.norm in _ORDERING_VERBS for t in before)
        self.set_pending("order" if ordering else "group")

    def cue_order(self, cue: Cue) -> None:
        if cue.arg:
            self.reading.descending = cue.arg == "desc"
        self.set_pending("order")

    def cue_direction(self, cue: Cue) -> None:
        self.reading.descending = cue.arg == "desc"
        self.reading.direction_named = True
        self.reading.alphabetical = self.reading.alphabetical or "alphabetical" in cue.text.lower()
        if self.direction_names_a_key():
            self.set_pending("order")

    def direction_names_a_key(self) -> bool:
        """'in the descending order of age': the column after a direction and 'order of'
        is what the rows are sorted by, not an output."""
        index = self.position
        while index < len(self.units):
            token = self.units[index].token
            if token is None or token.norm not in ("order", "of"):
                break
            index += 1
        if index == self.position or index >= len(self.units):
            return False
        link = self.units[index].link
        if link is None or link.best.element.kind != "column":
            return False
        self.position = index
        return True

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
        op, _, adjective = cue.arg.partition(":")
        if self.compares_with_any(cue):
            return
        self.compare_adjective = adjective
        self.compare_words, self.compare_end = cue.text, cue.end
        self.set_pending("compare", op)

    def compares_with_any(self, cue: Cue) -> bool:
        """'age greater than any engineer', 'before the date of any problem reported by
        X': a comparison with a value computed over other rows, which is refused."""
        for token in self.tokens[cue.end : cue.end + 5]:
            if token.kind != "word":
                return False
            if token.norm in ("any", "some"):
                self.reading.problems.append(
                    f"could not compare with {cue.text} {token.text!r} rows"
                    " (comparisons with computed values are not supported yet)"
                )
                return True
        return False

    def cue_contains(self, cue: Cue) -> None:
        self.compare_words, self.compare_end = cue.text, cue.end
        self.set_pending("contains")

    def cue_negation(self, cue: Cue) -> None:
        self.negated = True
        self.negated_at = cue.start

    def cue_distinct(self, cue: Cue) -> None:
        if self.pending != "count":  # a counted column is counted DISTINCT anyway
            self.distinct_next = True

    def cue_filler(self, cue: Cue) -> None:
        """'How many courses are there in total?': words that add nothing to the query."""

    def cue_conjunction(self, cue: Cue) -> None:
        self.conjunction = cue.arg
        role, unit = self.continued
        if cue.arg == "and" and role and unit is self.last_unit and not self.pending:
            self.set_pending(role)  # "ordered by year and class"

    def set_pending(self, pending: Pending, arg: str = "") -> None:
        adjacent = self.last_unit is not None and self.last_unit.cue is not None
        waiting = self.pending in ("compare", "contains")
        if pending and waiting and (pending != self.pending or not adjacent):
            # 'reported before the date of any problem reported by ...': the comparison
            # never met the number or value it compares with
            self.reading.problems.append(
                f"could not tell what {self.compare_words!r} compares with"
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
        if self.piece_of_following_column(link):
            self.reading.unplaced.append(link.text)  # left to read_contained_words
            return
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
            previous.listed = self.conjunction == "and"
            previous.op = "in"
            previous.values = (*previous.values, _value_text(link))
            return
        if self.pending == "compare" and self.compare_words.lower().endswith(" than"):
            # 'age greater than engineer': a value is not what an ordering compares with
            self.reading.problems.append(
                f"could not compare {self.compare_words!r} with the value {link.text!r}"
            )
        column = self.consume_last_column(link)
        link = _prefer_named_column(link, column, self.tokens)
        lacking = self.negated and self.lacks_rows(link.start)
        self.add_condition(
            Condition(
                op=op,
                value_link=link,
                values=(_value_text(link),),
                source=link.text,
                lacks=lacking,
            )
        )
        self.negated = False
        if self.pending in ("group", "compare", "contains"):
            self.set_pending("")

    def piece_of_following_column(self, link: Link) -> bool:
        """'an "a" in their first name': a quoted piece followed by 'in' and a text column
        is part of that column's text, whatever other column holds it as a value."""
        index = link.end
        if self.tokens[link.start].kind != "quoted" or link.end - link.start != 1:
            return False
        if index >= len(self.tokens) or self.tokens[index].norm != "in":
            return False
        index += 1
        while index < len(self.tokens) and self.tokens[index].norm in _OWNER_WORDS:
            index += 1
        column = next((u.link for u in self.units if u.link and u.start == index), None)
        return (
            column is not None
            and column.best.element.kind == "column"
            and self.kind_of(column.best.element) == "text"
        )

    def lacks_rows(self, end: int) -> bool:
        """'publishers which do not have a book in 1989': the negation denies having rows."""
        words = {t.norm for t in self.tokens[self.negated_at : end]}
        return bool(words & _POSSESSION) or "without" in words or "any" in words

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
            word = self.last_unit.text.lower() if self.last_unit and self.last_unit.cue else ""
            if word in _MEASURE_SUPERLATIVES and not reading.superlative_temporal:
                # 'the highest roller coaster' grades a column; 'the most coasters' counts
                reading.problems.append(
                    f"could not tell which column of {link.text!r} {word!r} ranks by"
                )
        elif self.negated and reading.tables:
            reading.absent.append((link.best.element.table, link.text, link.start))
            self.negated = False
            self.set_pending("")
            return
        elif pending == "order":
            reading.order.append(link)
        if not pending and not self.negated and self.lists_table(link):
            reading.shown_tables.append(link)  # 'names of members and their parties'
        if self.distinct_next and reading.projections:
            # 'the forenames of all distinct drivers': the shown columns are distinct
            reading.distinct = True
            self.distinct_next = False
        reading.tables.append(link)
        if pending not in ("limit", "compare"):
            self.set_pending("")

    def names_own_measure(self, link: Link) -> bool:
        """A column whose own name carries the measure's word ('maximum temperature'
        for max_temperature_f, 'mean humidity' for mean_humidity), in a question that
        asks for rows (other columns already shown)."""
        column = link.best.element.column
        following = self.peek()
        valued = (  # 'the products with the maximum page size A4': a value of that column
            following is not None
            and following.link is not None
            and following.link.best.element.kind == "value"
            and _same_column(following.link, link)
        )
        if column is None or not (self.reading.projections or valued):
            return False
        measure = _MEASURE_WORDS.get(self.pending_arg, set())
        if measure & set(link.text.lower().split()):
            return False  # 'the average mean visibility': the cue is a measure of its own
        return bool(set(identifier_words(column)) & measure)

    def graded_column(self, link: Link) -> bool:
        """'the id of the trip with the shortest duration': a numeric column right after
        a gradable superlative is what it ranks by, not a column to show."""
        reading = self.reading
        return (
            self.pending == ""
            and reading.superlative_adjective is not None
            and reading.superlative_target is None
            and bool(reading.projections)
            and link.start == self.adjective_end
            and self.kind_of(link.best.element) == "numeric"
        )

    def over_all_rows(self, link: Link) -> bool:
        """'the total and minimum enrollment across all schools': after a measure, 'all'
        and a column's word name the rows measured, not a column to show."""
        reading = self.reading
        if not (reading.aggregates or reading.count) or reading.projections or reading.groups:
            return False
        words = [t.norm for t in self.tokens[: link.start]]
        return words[-2:] in (
            ["across", "all"],
            ["among", "all"],
            ["over", "all"],
            ["of", "all"],
            ["for", "all"],
        )

    def names_a_name(self, link: Link) -> bool:
        """'the names of sponsors' where 'sponsors' is a name column ('the dates of the
        latest logon' likewise): 'names' was a guess at some other name column and means
        this one."""
        shown = self.reading.projections
        if not shown or link.best.how == "exact":
            return False
        previous = shown[-1]
        head = singular(previous.text.lower())
        if head not in ("name", "code", "date") or previous.best.how == "exact":
            return False
        between = [t.norm for t in self.tokens[previous.end : link.start]]
        if not between or between[0] != "of" or any(w not in ("of", "the", "all") for w in between):
            return False
        column = link.best.element.column or ""
        table = link.best.element.table
        return head in identifier_words(column) and (
            head == singular(previous.text.lower())  # a bare 'names' guessed any name column
            or any(m.element.table == table for m in previous.matches)
        )

    def lists_table(self, link: Link) -> bool:
        """'the names of members and their (respective) parties': a table of its own
        listed with 'and' right after the shown columns of another."""
        shown = {p.best.element.table.lower() for p in self.reading.projections}
        if not shown or link.best.element.table.lower() in shown:
            return False
        if self.reading.groups or self.reading.conditions or self.reading.count:
            return False
        after = self.tokens[link.end].norm if link.end < len(self.tokens) else ""
        if after.isalnum() and after not in _AFTER_LISTED_TABLE:
            return False  # 'the protein name and the institution name': a column's words
        words = [t.norm for t in self.tokens[: link.start]]
        while words and words[-1] in ("their", "its", "the", "corresponding", "respective"):
            words.pop()
        return bool(words) and words[-1] == "and"

    def on_column(self, link: Link) -> None:
        reading = self.reading
        pending = self.pending
        if self.names_previous_value(link) or self.heads_previous_column(link):
            return
        if pending in ("", "compare") and self.kind_of(link.best.element) == "boolean":
            self.on_flag(link)
            return
        if self.negated and pending == "":
            self.on_negated_column(link)
            return
        if pending == "" and self.shares_last_aggregate(link):
            return
        if self.graded_column(link):
            reading.superlative_target = link  # 'the trip with the shortest duration'
            reading.superlative_adjective = None
            return
        if pending == "aggregate" and not self.stacked and self.names_own_measure(link):
            # 'dates with a maximum temperature above 85': a column named max_temperature
            reading.notes.append(f"{link.text!r}: its column already holds the measure")
            pending = ""
            self.set_pending("")
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
        elif pending == "superlative" and self.superlative_is_aggregate():
            # 'the highest cost, lowest cost and average cost of procedures'
            assert reading.superlative in _AGGREGATE_FUNCTIONS
            reading.aggregates.append(Aggregate(_AGGREGATE_FUNCTIONS[reading.superlative], link))
            reading.superlative = None
        elif pending == "superlative":
            reading.superlative_target = link
        else:
            if self.over_all_rows(link):
                # 'the maximum enrollment across all schools': every row is measured
                reading.notes.append(f"'all {link.text}' names the rows measured (not shown)")
            elif not _description_only(link) or pending == "compare":
                if self.names_a_name(link):
                    reading.projections.pop()  # 'the names of sponsors': the sponsor name
                reading.projections.append(link)
            else:
                reading.unplaced.append(link.text)
            if self.distinct_next:
                reading.distinct = True
                self.distinct_next = False
        self.last_column = link
        if pending != "compare":
            self.set_pending("")

    def heads_previous_column(self, link: Link) -> bool:
        """'launch date', 'the latest join year': a word for the kind of value right after a
        column says what that column holds; it names another column only when it names
        one of the same table in full."""
        previous = self.last_unit.link if self.last_unit else None
        if previous is None or previous.best.element.kind != "column" or previous.end != link.start:
            return False
        word, before = self.tokens[link.start], self.tokens[previous.end - 1]
        if link.end - link.start != 1 or word.norm not in _HEAD_WORDS:
            return False
        if f"{before.text} {word.text}" not in self.question:
            return False  # 'the theme, date, and attendance': a list of columns
        if _is_verb_form(before) and any(p is previous for p in self.reading.projections):
            return False  # 'the stored date': the participle only names the column with it
        if link.best.element.table == previous.best.element.table and link.best.how in (
            "exact",
            "lemma",
        ):
            return False
        self.reading.notes.append(f"{link.text!r} says what {previous.text!r} holds (not shown)")
        return True

    def superlative_is_aggregate(self) -> bool:
        """A superlative listed among aggregates, before anything names the rows."""
        reading = self.reading
        listed = bool(reading.aggregates) or any(
            u.cue is not None and u.cue.kind in ("aggregate", "superlative")
            for u in self.units[self.position : self.position + 4]
        )
        return (
            listed
            and not reading.superlative_after_subject
            and not reading.superlative_temporal
            and reading.superlative in ("max", "min")
            and self.pending_arg in ("max", "min")
        )

    def shares_last_aggregate(self, link: Link) -> bool:
        """'the average height and weight': a numeric column joined by 'and' right after
        an aggregated one takes the same aggregate."""
        index = self.position - 1
        if index < 2 or self.conjunction != "and" or not self.reading.aggregates:
            return False
        joined, before = self.units[index - 1], self.units[index - 2]
        last = self.reading.aggregates[-1]
        if joined.cue is None or joined.cue.kind != "conjunction" or before.link is not last.column:
            return False
        if self.kind_of(link.best.element) != "numeric" or {"id", "ids"} & set(
            link.text.lower().split()
        ):
            return False
        self.reading.aggregates.append(Aggregate(last.func, link))
        self.last_column = link
        return True

    def on_flag(self, link: Link) -> None:
        """A true/false column used as a word: 'returned loans', 'not returned'."""
        self.add_condition(Condition(op="=", column=link, value=not self.negated, source=link.text))
        self.negated = False
        self.set_pending("")

    def on_negated_column(self, link: Link) -> None:
        """'books never loaned': a column of another table stands for that table's rows;
        'cities that do not have the status Village': the negation waits for the value."""
        table = link.best.element.table
        if self.reading.tables and table != self.reading.tables[0].best.element.table:
            self.negated = False
            self.reading.absent.append((table, link.text, link.start))
            return
        following = self.peek()
        value = following.link if following is not None else None
        if value is not None and value.best.element.kind == "value" and _same_column(link, value):
            self.last_column = link  # the value takes the negation: status != 'Village'
            return
        self.negated = False
        self.reading.problems.append(
            f"could not tell what the negation before {link.text!r} excludes"
        )

    def names_previous_value(self, link: Link) -> bool:
        """'the furniture category': the column only says where the value was found."""
        previous = self.last_unit
        if previous is None or previous.link is None or self.pending:
            return False
        value = previous.link
        if value.best.element.kind != "value":
            return False
        if _same_column(value, link):
            return True
        # 'rooms with a king bed' (bedType = 'King'): the word is in the value's column name
        column = value.best.element.column or ""
        words = {singular(w) for w in identifier_words(column)}
        word = link.text.lower()
        return " " not in word and singular(word) == word and word in words

    def consume_last_column(self, link: Link | None = None) -> Link | None:
        """The column right before a value or comparison names the filter, not an output.

        'status is shipped', 'price above 100': only linking verbs and comparison cues may
        stand between them; in 'genre of poetry books' the genre stays an output.
        """
        column = self.last_column
        before = self.current_index - 1
        while before >= 0 and self.units[before].link is None:
            unit = self.units[before]
            verb = unit.token is not None and unit.token.norm in _LINKING_VERBS  # 'was named'
            if not verb and (unit.cue is None or unit.cue.kind not in _BETWEEN_CUES):
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
        cue = self.last_unit.cue if self.last_unit else None
        if (
            token.norm in _FREQUENCY_WORDS
            and cue
            and cue.kind == "superlative"
            and cue.arg in _MAX_MIN
        ):
            if token.norm in ("often", "frequently"):
                self.rank_by_related_rows(token)
                return
            self.reading.by_frequency = True
            return
        if token.kind == "number":
            self.on_number(token)
        elif token.kind == "quoted":
            self.on_quoted(token)
        elif token.kind == "word" and token.norm in _EVERY_COLUMN_WORDS:
            self.reading.every_column = True
        elif token.kind == "word" and (self.on_proper_noun(token) or self.heads_last_column(token)):
            return
        elif token.kind == "word" and (not is_harmless(token) or self.listed_noun(token)):
            self.reading.unplaced.append(token.text)

    def listed_noun(self, token: Token) -> bool:
        """'the dates, places, and names of events': a plural noun listed right after a
        shown column names an output too, even a word that is usually filler."""
        previous = self.last_unit.link if self.last_unit else None
        following = self.peek()
        return (
            token.lemma != token.norm
            and previous is not None
            and previous.best.element.kind == "column"
            and previous.end == token.index
            and following is not None
            and following.cue is not None
            and following.cue.arg == "and"
        )

    def heads_last_column(self, token: Token) -> bool:
        """'phone number' for a column ``phone``: 'number' right after a column only
        says what kind of thing the column holds."""
        previous = self.last_unit.link if self.last_unit else None
        return (
            token.lemma == "number"
            and previous is not None
            and previous.end == token.index
            and previous.best.element.kind == "column"
        )

    def on_number(self, token: Token) -> None:
        assert token.number is not None
        number = token.number
        op = self.pending_arg if self.pending == "compare" else "="
        self.years_old(token)
        bound = self.open_bound(token)
        if bound:
            op = bound
            self.pending, self.pending_arg = "compare", op
        following = self.peek()
        lacking = False
        if self.negated:
            op = {"=": "!=", ">": "<=", "<": ">=", ">=": "<", "<=": ">"}.get(op, op)
            lacking = self.lacks_rows(token.index)
            self.negated = False
        if (
            op == "="
            and following is not None
            and following.cue is not None
            and following.cue.kind == "superlative"
            and float(number).is_integer()
            and 1 < number <= 100
        ):
            return  # 'the three most expensive': the superlative keeps that many rows
        if op == "=" and self.range_to(token):
            op = "between"  # 'age 20 to 25': both bounds, as 'between 20 and 25'
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
        if op == "=" and not counts_rows and self.names_a_row(token):
            return
        column = self.consume_last_column() or self.take_following_column()
        if self.compare_adjective and column is not None:
            column = None  # 'aged 30 or younger': the adjective says which way age compares
        column = column or self.coordinated_column()
        if column is None and self.compares_a_count(op, number):
            return
        if self.pending != "compare" and column is None and not _is_year(number):
            self.reading.unplaced.append(token.text)
            return
        before = self.last_unit.text if self.last_unit else ""
        aggregates = self.reading.aggregates
        if column is not None and aggregates and aggregates[-1].column is column:
            # 'average attendance over 200': the aggregate is compared (HAVING), not each row
            self.reading.aggregate_having.append((_COMPARISON_OPS[op], number, aggregates.pop()))
            self.set_pending("")
            return
        self.add_condition(
            Condition(
                op=op,
                column=column,
                value=number,
                temporal=_is_year(number) and not self.compare_adjective,
                source=f"{before} {token.text}".strip(),
                adjective=self.compare_adjective,
                lacks=lacking,
            )
        )
        self.compare_adjective = ""
        self.set_pending("")

    def range_to(self, token: Token) -> bool:
        """'age 20 to 25': a number, 'to', and a larger number right after a column."""
        index = token.index
        if index + 2 >= len(self.tokens) or self.tokens[index + 1].norm != "to":
            return False
        end = self.tokens[index + 2]
        if end.number is None or token.number is None or end.number <= token.number:
            return False
        previous = self.last_unit.link if self.last_unit else None
        return (
            previous is not None
            and previous.end == index
            and previous.best.element.kind == "column"
            and self.kind_of(previous.best.element) == "numeric"
        )

    def names_a_row(self, token: Token) -> bool:
        """'room 112', 'student 1004': a whole number right after a table's name is the
        key of one of its rows."""
        table = self.last_unit.link if self.last_unit else None
        number = token.number
        if table is None or table.best.element.kind != "table" or table.end != token.index:
            return False
        if number is None or number != int(number):
            return False
        self.add_condition(
            Condition(op="=", column=table, value=int(number), source=f"{table.text} {token.text}")
        )
        self.set_pending("")
        return True

    def compares_a_count(self, op: str, number: float) -> bool:
        """'albums that have the number of tracks greater than 10': the count named after
        the rows is compared (HAVING), not counted for the answer."""
        reading = self.reading
        counted = reading.counted
        if self.pending != "compare" or op not in _COMPARISON_OPS or counted is None:
            return False
        if counted.best.element.kind != "table" or len(reading.tables) < 2:
            return False
        subject = reading.tables[0]
        if counted is subject or reading.count_at is None or reading.count_at < subject.end:
            return False
        reading.having.append((_COMPARISON_OPS[op], number, counted))
        reading.count, reading.counted, reading.count_at = False, None, None
        reading.notes.append(f"the number of {counted.text!r} is compared, not shown")
        self.set_pending("")
        return True

    def coordinated_column(self) -> Link | None:
        """'population bigger than 1500 and smaller than 500', 'length below 3 or above 5':
        a comparison joined by 'and'/'or' to the one before compares the same column."""
        conditions = self.reading.conditions
        if self.pending != "compare" or not self.conjunction or not conditions:
            return None
        previous = conditions[-1]
        if previous.column is None or previous.value_link is not None:
            return None
        if self.last_unit is None or self.last_unit.cue is None:
            return None
        return previous.column

    def years_old(self, token: Token) -> None:
        """'students over 20 years old', 'actors who are not 20 years old': the number is
        an age; 'old' names the column the way 'older than' does."""
        words = tuple(t.norm for t in self.tokens[token.index + 1 : token.index + 3])
        if words not in (("years", "old"), ("year", "old")):
            return
        self.compare_adjective = "old"
        end = token.index + 3
        while self.position < len(self.units) and self.units[self.position].start < end:
            self.position += 1

    def open_bound(self, token: Token) -> str:
        """'3 or more actors', '5 or fewer': the number is an inclusive bound; the words
        'or more' are skipped."""
        words = tuple(t.norm for t in self.tokens[token.index + 1 : token.index + 3])
        if len(words) < 2 or words[0] != "or":
            return ""
        after = self.tokens[token.index + 3 :]
        while after and after[0].norm in _HEAD_WORDS | {"the", "of"}:
            after = after[1:]  # 'before the year of 2000 or after the year of 2010'
        if after and after[0].kind == "number":
            return ""  # 'below 30 or above 70': a second comparison, not a bound
        bound = {"more": ">=", "greater": ">=", "higher": ">=", "above": ">=", "over": ">="}
        bound |= {"after": ">=", "later": ">=", "before": "<=", "earlier": "<="}
        bound |= {"fewer": "<=", "less": "<=", "lower": "<=", "below": "<=", "under": "<="}
        adjective = _COMPARATIVES.get(words[1], "")
        if adjective:
            self.compare_adjective = adjective  # '60 or older': age >= 60
            bound[words[1]] = ">="
        op = bound.get(words[1], "")
        if op:
            end = token.index + 3
            while self.position < len(self.units) and self.units[self.position].start < end:
                self.position += 1
        return op

    def on_proper_noun(self, token: Token) -> bool:
        """'tracks whose genre is Rock', 'the student named Linda Smith': a capitalised word
        right after a text column (and a linking verb) is a value of it, even unsampled."""
        if token.index == 0 or not token.text[:1].isupper() or token.stop:
            return False
        column = self.last_column
        if column is None or self.kind_of(column.best.element) != "text":
            return False
        if self.consume_last_column() is None:
            return False
        words = [token.text]
        while (following := self.peek()) is not None and following.token is not None:
            nxt = following.token
            if (
                nxt.kind != "word"
                or not nxt.text[:1].isupper()
                or nxt.index != token.index + len(words)
            ):
                break
            words.append(nxt.text)
            self.position += 1
        value = " ".join(words)
        op = "!=" if self.negated else "="
        self.add_condition(
            Condition(op=op, column=column, value=value, source=f"{column.text} {value}")
        )
        self.negated = False
        self.set_pending("")
        return True

    def on_between(self, token: Token) -> None:
        step = 1
        following = self.peek()
        if following is not None and following.cue is not None and following.cue.arg == "and":
            step = 2  # 'between 600 and 700': the 'and' belongs to 'between'
            following = (
                self.units[self.position + 1] if self.position + 1 < len(self.units) else None
            )
        if following is None or following.token is None or following.token.number is None:
            self.reading.unplaced.append(token.text)
            return
        assert token.number is not None and following.token.number is not None
        column = self.consume_last_column()
        self.position += step
        column = column or self.take_following_column()
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

    def on_moment(self, token: Token) -> None:
        """'reported after 1978-06-26', 'between 2009-01-01 and 2010-01-01', 'before
        09:00:00': a date or time literal compares the column just named, else the one
        date column of the subject."""
        op = self.pending_arg if self.pending == "compare" else "="
        if self.negated:
            op = {"=": "!=", ">": "<=", "<": ">=", ">=": "<", "<=": ">"}.get(op, op)
            self.negated = False
        column = self.consume_last_column()
        if column is not None and self.kind_of(column.best.element) not in ("temporal", "text"):
            column = None
        if op == "between":
            following = self.peek()
            if following is not None and following.cue is not None and following.cue.arg == "and":
                self.position += 1
                following = self.peek()
            end = following.token if following is not None else None
            if end is None or end.kind != "quoted" or not _MOMENT.fullmatch(end.text):
                self.reading.unplaced.append(token.text)
                return
            self.position += 1
            condition = Condition(
                op="between",
                column=column,
                values=(token.text, end.text),
                temporal=column is None,
                source=f"between {token.text} and {end.text}",
            )
        else:
            before = self.last_unit.text if self.last_unit else ""
            condition = Condition(
                op=op,
                column=column,
                value=token.text,
                temporal=column is None,
                source=f"{before} {token.text}".strip(),
            )
        self.add_condition(condition)
        self.set_pending("")

    def on_quoted(self, token: Token) -> None:
        if _MOMENT.fullmatch(token.text) and (
            self.pending in ("compare", "") or self.pending_arg == "between"
        ):
            self.on_moment(token)
            return
        contains = self.pending == "contains"
        column = self.last_column
        numeric = column is not None and self.kind_of(column.best.element) == "numeric"
        if numeric and not _NUMBER_TEXT.fullmatch(token.text):
            # 'the campus fee of "San Jose State University"': a name is no fee
            self.reading.unplaced.append(token.text)
            return
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


_FROM_WORDS = frozenset({"origin", "source", "from", "departure", "start", "sender", "home"})
_TO_WORDS = frozenset({"destination", "to", "arrival", "target", "end", "recipient"})
"""Column-name words for where rows come from and go to: 'flights from Paris' is origin."""


def _prefer_named_column(link: Link, column: Link | None, tokens: Sequence[Token]) -> Link:
    """A value sampled in several columns of a table ('Los Angeles' in origin and in
    destination) is put in the one its words name: the column right before it ('the
    governor "Eliot Spitzer"'), else the direction of 'from' or 'to' before it."""
    named = {(m.element.table, m.element.column) for m in column.matches} if column else set()
    before = tokens[link.start - 1].norm if link.start > 0 else ""
    direction = _FROM_WORDS if before == "from" else _TO_WORDS if before == "to" else frozenset()

    def preferred(match: Match) -> bool:
        element = match.element
        if named:
            return (element.table, element.column) in named
        return bool(direction & set(identifier_words(element.column or "")))

    best = link.best
    tied = [
        m for m in link.matches if m.element.table == best.element.table and m.score == best.score
    ]
    if len({m.element.column for m in tied}) < 2 or preferred(best):
        return link
    first = [m for m in tied if preferred(m)]
    if not first:
        return link
    rest = tuple(m for m in link.matches if m not in first)
    return link.model_copy(update={"matches": (*first, *rest)})


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
            filtered = any(
                _same_column(link, named)
                for c in reading.conditions
                if (named := c.value_link or c.column) is not None
            )
            if _names_counted_column(reading, link) and not filtered:
                reading.notes.append(f"{link.text!r} is what is counted")
                reading.counted = link
            elif link.best.how in ("exact", "lemma") and not filtered:
                # 'how many companies are headquartered in the US': a column named in full
                # says something about the counted rows that no filter captured
                reading.unplaced.append(link.text)
            else:
                reading.notes.append(f"{link.text!r} describes what is counted (not shown)")
        reading.projections = kept
    return reading


def _names_counted_column(reading: Reading, link: Link) -> bool:
    """'the number of different product types', 'how many furniture components': a column
    noun right after the counted table's noun is what is counted (distinct values, or the
    sum of a column that holds counts)."""
    counted = reading.counted
    return (
        counted is not None
        and counted.best.element.kind == "table"
        and link.best.element.kind == "column"
        and link.start == counted.end
        and link.best.element.table == counted.best.element.table
    )


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
        if not (reading.count or reading.aggregates) and (
            not reading.projections or listed_with(link, reading.projections, reading.tokens)
        ):
            # 'players from UCLA' asks for the players; beside other outputs the noun is
            # context ('the county that the delegates on X belong to')
            place = sum(p.start < link.start for p in reading.projections)
            reading.projections.insert(place, as_column)
        reading.notes.append(
            f"{link.text!r} names the column {column.element.table}."
            f"{column.element.column} of a table the question already needs"
        )
    return reading


def rank_by_frequency(reading: Reading) -> Reading:
    """'the most common status', 'Which type is least common?': group by the column and
    order the groups by how many rows each holds, keeping the first."""
    if not reading.by_frequency:
        return reading
    target = reading.superlative_target
    others = [t for t in reading.tables if t.best.element.table != _table(target)]
    if isinstance(target, Link) and target.best.element.kind == "table" and others:
        # 'the most common genre in all tracks': the genre with the most tracks
        reading.superlative_target = others[-1]
        reading.by_frequency = False
        reading.superlative_after_subject = True
        return reading
    if target is None and reading.projections:
        target = reading.projections[-1]
    elif isinstance(target, Link) and (reading.projections or reading.aggregates):
        reading.hidden_groups.append(target)  # 'the total of the most common type'
    if not isinstance(target, Link) or target.best.element.kind == "table":
        reading.problems.append("could not tell which column's values 'most common' ranks")
        return reading
    table = target.best.element.table
    rows = Match(element=SchemaElement(kind="table", table=table), score=1.0, how="exact")
    reading.groups.append(target)
    reading.superlative_target = target.model_copy(update={"matches": (rows,)})
    reading.superlative_temporal = False
    reading.notes.append(f"'most common' {target.text!r}: the value most {table} rows hold")
    return reading


def fixed_projections(reading: Reading) -> Reading:
    """A column shown and then fixed to a value a few words later ('carrier either
    Sprint', 'managed by Emma', 'award that is not the Tony Award') need not be shown;
    'genre of poetry books' still is."""
    for condition in reading.conditions:
        value = condition.value_link
        if value is None or condition.op not in ("=", "in", "!="):
            continue
        for shown in reading.projections:
            gap = reading.tokens[shown.end : value.start]
            relative = bool(gap) and gap[0].norm in ("that", "which", "who", "with", "having")
            longest = 5 if relative else 4 + (condition.op == "!=")  # 'that has the code ORG'
            if len(gap) > longest or not _same_column(shown, value):
                continue
            if not gap or gap[0].norm not in _KEEPS_COLUMN_SHOWN:
                reading.fixed_projections.append(shown)
    return reading


def verbs_are_not_outputs(reading: Reading) -> Reading:
    """'architects who built a mill', 'heads who are acting': a verb that only partly
    matches a column name (built_year, temporary_acting) describes the rows; beside the
    columns the question asks for it is not shown."""
    verbs = [
        link
        for link in reading.projections
        if link.end - link.start == 1
        and _is_verb_form(reading.tokens[link.start])
        and (
            link.best.how in ("partial", "fuzzy", "description")
            or (link.best.how == "lemma" and _verb_of_noun(link, reading.tokens[link.start]))
        )
    ]
    if verbs and len(verbs) < len(reading.projections):
        reading.projections = [p for p in reading.projections if not any(p is v for v in verbs)]
        for link in verbs:
            reading.notes.append(f"{link.text!r} is a verb describing the rows (not shown)")
    return reading


def _verb_of_noun(link: Link, token: Token) -> bool:
    """'hosted' for a column Hosts, 'awarded' for Award: a participle whose column is
    named by the noun, not by the participle itself (a column 'published' would be)."""
    column = link.best.element.column or ""
    return _is_participle(token) and token.norm not in identifier_words(column)


_LIST_WORDS = frozenset({"the", "a", "an", "and", "their", "its", "his", "her", "also"})


def listed_with(link: Link, others: Sequence[Link], tokens: Sequence[Token]) -> bool:
    """'the season, the player, and the name': a noun listed beside other outputs (only
    articles and 'and' between) is one of them."""
    for other in others:
        start, end = (other.end, link.start) if other.end <= link.start else (link.end, other.start)
        if all(t.norm in _LIST_WORDS for t in tokens[start:end]):
            return True
    return False


def _table(link: Link | Aggregate | None) -> str:
    return link.best.element.table if isinstance(link, Link) else ""


def _is_verb_form(token: Token) -> bool:
    return _is_participle(token) or (token.norm.endswith("ing") and len(token.norm) > 5)


def measured_columns_are_not_outputs(reading: Reading) -> Reading:
    """'the maximum and average amount of outstanding': a second word for the column an
    aggregate or count already measures is not a separate output."""
    measured = [a.column for a in reading.aggregates if a.column is not None]
    if reading.counted is not None and reading.counted.best.element.kind == "column":
        measured.append(reading.counted)
    named = {(m.best.element.table, m.best.element.column) for m in measured}
    kept = [
        p
        for p in reading.projections
        if (p.best.element.table, p.best.element.column) not in named
        and not any(
            _same_column(p, m) and max(m.start - p.end, p.start - m.end) <= 2 for m in measured
        )
    ]
    if measured and len(kept) < len(reading.projections):
        reading.notes.append("a column already measured is not shown again")
        reading.projections = kept
    return reading


def listed_tables_as_columns(reading: Reading) -> Reading:
    """'the rank, company, and market value of every company', 'the grapes and
    appelations of each wine': a table's name listed among columns is a column of that
    name in a table they come from (its own first), shown in that place."""
    for link in list(reading.tables):
        if link is reading.counted or not listed_with(link, reading.projections, reading.tokens):
            continue
        tables = [p.best.element.table for p in reading.projections]
        own = link.best.element.table
        column = next(
            (
                m
                for m in sorted(link.matches, key=lambda m: m.element.table != own)
                if m.element.kind == "column"
                and m.element.table in tables
                and m.how in ("exact", "lemma")
            ),
            None,
        )
        if column is None:
            continue
        reading.tables = [t for t in reading.tables if t is not link]
        place = sum(p.start < link.start for p in reading.projections)
        reading.projections.insert(place, link.model_copy(update={"matches": (column,)}))
        reading.notes.append(f"{link.text!r} is listed among its table's columns: a column")
    return reading


def split_words_are_not_outputs(reading: Reading) -> Reading:
    """'price above 700 dollars' (price_in_dollars), 'ordered by budget in millions'
    (budget_million): a word right beside the one that filters or orders by a column,
    naming that same column, is the rest of its name, not a column to show; a column
    named in full ('names and seatings, ordered by seating') still is."""
    used = [c.column for c in reading.conditions if c.column is not None]
    used += [o for o in reading.order if isinstance(o, Link)]
    if isinstance(reading.superlative_target, Link):
        used.append(reading.superlative_target)
    split = [
        p
        for p in reading.projections
        if any(
            u is not p
            and p.best.how not in ("exact", "lemma")
            and _same_column(u, p)
            and max(u.start - p.end, p.start - u.end) <= 2
            for u in used
        )
    ]
    if split:
        reading.projections = [p for p in reading.projections if not any(p is s for s in split)]
        reading.notes.extend(f"{p.text!r} is part of a column's name (not shown)" for p in split)
    return reading


_KEY_WORDS = frozenset({"id", "number", "no", "key"})


def _names_the_rows(link: Link) -> bool:
    """'products' for product_stock_number, 'transactions' for transaction_id: a noun
    that only starts the name of a key column names the rows that key identifies."""
    words = identifier_words(link.best.element.column or "")
    return (
        link.end - link.start == 1
        and link.best.how in ("partial", "fuzzy")
        and len(words) > 1
        and words[-1] in _KEY_WORDS
        and singular(link.text.lower()) == singular(words[0])
    )


def entity_nouns_are_not_outputs(reading: Reading) -> Reading:
    """'the names of the products', 'the different types of transactions', 'the area
    and county of all appellations': beside the columns asked for, a noun for the rows
    themselves is not a column to show, nor beside a measure ('the average price of the
    products'); 'at least 4 transactions' counts them and is left to the count."""
    tables = {_table(p) for p in reading.projections[:1]}
    nouns = [
        p
        for p in reading.projections
        if (_names_the_rows(p) and (p.start == 0 or reading.tokens[p.start - 1].kind != "number"))
        or (
            p is not reading.projections[0]
            and _table(p) in tables
            and reading.tokens[p.start - 1].norm == "all"
        )
    ]
    measured = bool(reading.aggregates)
    if nouns and (len(nouns) < len(reading.projections) or measured):
        reading.projections = [p for p in reading.projections if not any(p is n for n in nouns)]
        reading.notes.extend(f"{n.text!r} names the rows (not shown)" for n in nouns)
    return reading


def clause_subjects_are_not_outputs(reading: Reading) -> Reading:
    """'the county that the delegates on "Appropriations" belong to', 'Which building
    does the instructor who teaches the most courses live in?': a noun after 'that the' or
    'does the' is the subject of a clause about the rows asked for, not an output."""
    tokens = reading.tokens
    subjects = [
        p
        for p in reading.projections
        if len(reading.projections) > 1
        and p.start >= 2
        and tokens[p.start - 1].norm == "the"
        and tokens[p.start - 2].norm in _CLAUSE_WORDS
    ]
    if subjects:
        reading.projections = [p for p in reading.projections if not any(p is s for s in subjects)]
        reading.notes.extend(f"{s.text!r} is the subject of a clause (not shown)" for s in subjects)
    return reading


_CLAUSE_WORDS = frozenset({"that", "which", "do", "does", "did"})


def possessed_nouns_are_not_outputs(reading: Reading) -> Reading:
    """'committees that have (the) delegates from the Democratic party', 'buildings that have
    faculty rooms': a noun right after 'have'/'with' describes the rows asked for; when
    another output or a filter already needs its table, it is not shown. A column of a
    table nothing else needs ('students who have president votes') may relate to the rows
    through that very column or through a key: refused."""
    owned = [
        p
        for p in reading.projections[1:]
        if p.start > 0
        and p.best.how == "lemma"
        and _word_before(reading.tokens, p.start) in _HAVING_WORDS
        and not _is_verb_form(reading.tokens[p.start])
    ]
    kept = [p for p in reading.projections if not any(p is o for o in owned)]
    needed = {_table(link) for link in kept}
    needed |= {_table(c.value_link or c.column) for c in reading.conditions}
    unrelated = [o for o in owned if _table(o) not in needed]
    if unrelated:
        reading.problems.append(
            f"could not tell how {unrelated[0].text!r} relates to the rows asked for"
        )
    owned = [o for o in owned if _table(o) in needed]
    if owned:
        reading.projections = [p for p in reading.projections if not any(p is o for o in owned)]
        reading.notes.extend(f"{o.text!r} describes the rows (not shown)" for o in owned)
    return reading


_PLACE_WORDS = frozenset({"in", "from", "at", "on", "by", "for"})


def _word_before(tokens: Sequence[Token], index: int) -> str:
    """The word before ``index``, past articles: 'from the appellations' gives 'from'."""
    while index > 0 and tokens[index - 1].norm in ("the", "a", "an", "all"):
        index -= 1
    return tokens[index - 1].norm if index > 0 else ""


def measured_rows_context_is_not_output(reading: Reading) -> Reading:
    """'the average price of wines produced in appellations in Sonoma', 'the maximum level
    of managers in countries that are not Australia': after a measure, a column named in
    a phrase about the rows measured narrows them; it is not a grouping to show."""
    measured = [a.column for a in reading.aggregates if a.column is not None]
    if not measured or reading.groups or reading.count:
        return reading
    end = min(m.end for m in measured)
    context = [
        p
        for p in reading.projections
        if p.start > end and _word_before(reading.tokens, p.start) in _PLACE_WORDS
    ]
    if context:
        reading.projections = [p for p in reading.projections if not any(p is c for c in context)]
        reading.notes.extend(f"{c.text!r} narrows the rows measured (not shown)" for c in context)
    return reading


_LISTED_AFTER = frozenset(
    {"and", "or", "the", "their", "its", "his", "her", "also", "as", "well", "of", "both"}
    | {"corresponding", "respective"}
)


def unlisted_columns_are_refused(reading: Reading) -> Reading:
    """'names of scientists who are assigned to any project', 'employees who report to
    Nancy': a column word after the first output that is neither listed with it ('the
    name and the age', 'the start and end dates') nor fixed by a value, but sits in a
    clause about the rows, may be shown or only describe them: refused."""
    shown = reading.projections
    for index, link in enumerate(shown[1:], start=1):
        if any(_same_column(link, earlier) for earlier in shown[:index]):
            continue  # 'the studios and the number of films by that studio'
        if any(link is fixed for fixed in reading.fixed_projections):
            continue
        before = reading.tokens[link.start - 1]
        if before.index in reading.linked or before.norm in _LISTED_AFTER:
            continue
        if before.kind == "number":
            continue
        reading.problems.append(
            f"could not tell whether {link.text!r} is asked for or only describes the rows"
        )
        break
    return reading


def one_named_row_is_not_a_group(reading: Reading) -> Reading:
    """'the number of albums by the artist Metallica': a table followed right away by a
    value that names one of its rows is that row, not one group per row."""
    for condition in reading.conditions:
        value = condition.value_link
        if value is None or condition.op != "=":
            continue
        reading.groups = [
            g
            for g in reading.groups
            if not (
                g.best.element.kind == "table"
                and g.end == value.start
                and g.best.element.table == value.best.element.table
            )
        ]
    return reading


def count_the_head_noun(reading: Reading) -> Reading:
    """'How many movie ratings ...': of two table nouns in a row, the last is the head;
    the ratings are counted, the singular 'movie' only says which ('students play
    games' is a subject and its verb)."""
    counted = reading.counted
    if counted is None or counted.best.element.kind != "table":
        return reading
    if singular(counted.text.lower()) != counted.text.lower():
        return reading
    head = next((t for t in reading.tables if t.start == counted.end), None)
    if head is None or head.best.how not in ("exact", "lemma"):
        return reading  # 'the number of document destroyed': a loosely matched verb
    if head.best.element.table != counted.best.element.table:
        reading.notes.append(f"'{counted.text} {head.text}': the {head.text} are counted")
        reading.counted = head
    return reading


def order_by_the_head_noun(reading: Reading) -> Reading:
    """'in descending order of the company's market value': a table noun right before a
    column of that table only says whose column orders the rows. 'the number of people
    killed' with a column named ``killed`` is that column: it already holds the number."""
    for index, target in enumerate(reading.order):
        if not isinstance(target, Link) or target.best.element.kind != "table":
            continue
        head = next((p for p in reading.projections if p.start == target.end), None)
        if head is None:
            continue
        before = [t.norm for t in reading.tokens[max(0, target.start - 3) : target.start]]
        counts = "number" in before and head.best.how == "exact"
        if counts or head.best.element.table == target.best.element.table:
            reading.order[index] = head
            reading.projections = [p for p in reading.projections if p is not head]
    return reading


def superlatives_within_groups(reading: Reading) -> Reading:
    """'the title and highest price for each film': a superlative of a column asked per
    group is that group's maximum (or minimum), not one row ranked above all others."""
    target = reading.superlative_target
    if not reading.groups or reading.superlative not in ("max", "min"):
        return reading
    if not isinstance(target, Link) or target.best.element.kind != "column":
        return reading
    if reading.limit is not None or reading.superlative_temporal:
        return reading
    reading.aggregates.append(Aggregate(_AGGREGATE_FUNCTIONS[reading.superlative], target))
    reading.notes.append(f"the {reading.superlative} of {target.text!r} in each group")
    reading.superlative = None
    reading.superlative_target = None
    reading.superlative_adjective = None
    return reading


def owners_named_as_columns(reading: Reading) -> Reading:
    """'the name of the airline with the most routes' where 'airline' is a column of
    routes and, nearly as well, the table airlines: after 'the name of (the)' the noun
    owns the shown column; it is that table, not a second output."""
    shown = reading.projections
    for previous, link in pairwise(shown):
        between = [t.norm for t in reading.tokens[previous.end : link.start]]
        if not between or between[0] != "of" or any(w not in ("of", "the") for w in between):
            continue
        table = next(
            (m for m in link.matches if m.element.kind == "table" and m.score >= link.score - 0.1),
            None,
        )
        if table is None:
            continue
        reading.projections = [p for p in reading.projections if p is not link]
        reading.tables.append(link.model_copy(update={"matches": (table,)}))
        reading.notes.append(f"{link.text!r} names the table {table.element.table}")
    return reading


READING_RULES = (
    clause_subjects_are_not_outputs,
    listed_tables_as_columns,
    owners_named_as_columns,
    one_named_row_is_not_a_group,
    measured_rows_context_is_not_output,
    possessed_nouns_are_not_outputs,
    superlatives_within_groups,
    measured_columns_are_not_outputs,
    entity_nouns_are_not_outputs,
    split_words_are_not_outputs,
    verbs_are_not_outputs,
    count_the_head_noun,
    order_by_the_head_noun,
    drop_context_after_count,
    columns_for_table_nouns,
    rank_by_frequency,
    fixed_projections,
    unlisted_columns_are_refused,
)


_OF_WORDS = frozenset({"of", "the", "a", "an", "all", "each", "every", "for", "and"})
_LABEL_TEXTS = frozenset({"name", "names", "title", "titles"})
_OF_WORDS |= frozenset({"different", "distinct", "its", "their"})


def owners_of(reading: Reading) -> dict[tuple[int, int], str]:
    """'the names and ids of the albums', 'the name of each team': shown columns listed
    before 'of' and a table belong to that table when it has such columns."""
    owners: dict[tuple[int, int], str] = {}
    listed = [*reading.projections, *reading.groups]
    spans = {i for link in listed for i in range(link.start, link.end)}
    for link in listed:
        if link.best.element.kind != "column":
            continue
        table = next((t for t in reading.tables if t.start >= link.end), None)
        if table is None:
            continue
        between = reading.tokens[link.end : table.start]
        words = [t.norm for t in between if t.index not in spans]
        if ("of" in words or "each" in words) and set(words) <= _OF_WORDS:
            owners[(link.start, link.end)] = table.best.element.table
    for link in listed:  # 'the album names', 'the school name': the table named just before
        table = next((t for t in reading.tables if t.end == link.start), None)
        compound = table is not None and not reading.tokens[table.end - 1].comma
        if table is not None and compound and link.text.lower() in _LABEL_TEXTS:
            owners[(link.start, link.end)] = table.best.element.table
    compared = [c.column for c in reading.conditions if c.column is not None]
    for link in (*listed, *compared):
        table = next((t for t in reading.tables if t.end == link.start - 1), None)
        whose = link.start > 0 and reading.tokens[link.start - 1].norm == "whose"
        if table is not None and whose and link.best.element.kind == "column":
            owners[(link.start, link.end)] = table.best.element.table  # 'locations whose name'
    return owners


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
