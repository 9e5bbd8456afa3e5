"""Planning: a :class:`Reading` and the schema graph into a :class:`QueryPlan`.

:class:`Planner` decides the grain (rows or groups), the measures, filters, order, limit and
the join tree over foreign keys, and refuses joins that would guess (a bridge no word needs)
or repeat rows under an aggregate.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from sqlsynth.errors import TranslationError
from sqlsynth.plan import (
    AnyOf,
    ColumnRef,
    Filter,
    Having,
    Join,
    JoinKey,
    Operator,
    OrderItem,
    Predicate,
    QueryPlan,
    SelectItem,
    SetOperation,
    identifier_words,
)
from sqlsynth.translate.cues import ADJECTIVES
from sqlsynth.translate.link_counts import count_joined_rows, count_link_rows
from sqlsynth.translate.linking import (
    Link,
    SchemaElement,
    Token,
    lemma,
    singular,
)
from sqlsynth.translate.reading import Aggregate, Condition, Reading, listed_with, owners_of
from sqlsynth.translate.schema_graph import (
    Edge,
    Resolver,
    SchemaGraph,
    column_kind,
    label_column,
)


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
    loosely_named: list[ColumnRef] = field(default_factory=list)
    """Shown columns a word named only in part ('project' for AssignedTo.Project)."""

    def need(self, table: str) -> None:
        if table.lower() not in (t.lower() for t in self.tables):
            self.tables.append(table)


class Planner:
    """Turns a reading into a :class:`QueryPlan`, deciding grain, grouping and joins."""

    def __init__(self, reading: Reading, graph: SchemaGraph) -> None:
        self.reading = reading
        self.graph = graph
        self.covering = self.covering_table()
        subject = self.find_subject()
        mentioned = [self.table_of(link) for link in reading.tables]
        owners = {(link.start, link.end): self.covering for link in self.all_links()}
        owners = {**owners, **owners_of(reading)} if self.covering else owners_of(reading)
        self.resolver = Resolver(self.graph, subject, mentioned, owners, reading.tokens)
        self.parts = PlanParts(subject=subject, tables=[subject])
        self.lacking: list[Predicate] = []
        """'do not have a book in 1989': negated values whose owners lack such a row."""
        self.moved: set[str] = set()
        """Tables a NOT IN subquery reads: joined only when the outer query uses them."""

    # subject and resolution

    def find_subject(self) -> str:
        reading = self.reading
        if reading.counted is not None and reading.counted.best.element.kind == "table":
            return self.table_of(reading.counted)
        if reading.tables:
            return self.table_of(reading.tables[0])
        if self.covering:
            return self.covering
        for link in self.all_links():
            return link.best.element.table
        raise TranslationError(
            "no table could be linked to the question",
            hint="name a table or one of its columns; `sqlsynth explain` shows the links",
        )

    def covering_table(self) -> str:
        """'the location codes and location names', naming no table: the one table that
        holds a column for every word, so that no join is guessed ('' if none or many)."""
        if self.reading.tables or self.reading.counted is not None:
            return ""
        common: set[str] | None = None
        for link in self.all_links():
            best = link.best
            tables = {
                m.element.table
                for m in link.matches
                if m.element.kind == best.element.kind and m.score >= best.score - 0.1
            }
            common = tables if common is None else common & tables
        return next(iter(common)) if common is not None and len(common) == 1 else ""

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
        if self.reading.aggregate_having and not self.parts.group_by:
            raise TranslationError(
                "could not tell what groups the compared aggregate is computed over",
                hint="say what to group by, e.g. 'cities whose average price is above 100'",
            )
        if self.parts.limit is not None and not self.parts.order_by:
            raise TranslationError(
                f"could not tell which {self.parts.limit} row(s) to keep: nothing orders them",
                hint="say what decides the first rows, e.g. 'the 5 newest orders'",
            )
        plan = count_joined_rows(count_link_rows(self.assemble(), self.graph))
        refuse_ranked_single_row(plan)
        plan = count_rows_of_one_value(plan)
        self.refuse_loosely_joined(plan)
        refuse_wide_aggregate(plan)
        refuse_wide_join(plan)
        plan = self.without_single_row_groups(plan)
        plan = self.count_qualifying_rows(plan)
        self.refuse_ranked_by_shared_row(plan)
        plan = self.without_unused_first_table(plan)
        plan = self.exclude_related_values(plan)
        plan = exclusion_without_joins(plan)
        refuse_known_answer(plan)
        self.refuse_unshown_listed_tables(plan)
        plan = intersect_each_value(plan, self.reading)
        return except_other_value(intersect_contradiction(plan, reading=self.reading))

    def refuse_unshown_listed_tables(self, plan: QueryPlan) -> None:
        """'the grapes and appelations of each wine': a table listed among the outputs
        that no shown column comes from was dropped, so the answer would lack it."""
        reading = self.reading
        shown = {i.column.table.lower() for i in plan.select if i.column is not None}
        for link in reading.tables:
            listed = any(
                listed_with(link, (p,), reading.tokens) and _and_between(link, p, reading)
                for p in reading.projections
            )
            if listed and link is not reading.counted and self.table_of(link).lower() not in shown:
                raise TranslationError(
                    f"could not tell which column of {self.table_of(link)} {link.text!r} asks "
                    "to show",
                    hint="name the column, e.g. 'the names of the ...'",
                )

    def exclude_related_values(self, plan: QueryPlan) -> QueryPlan:
        """'customers who do not hold a credit card': ``card_type != 'Credit'`` over the
        joined cards would keep a customer for any other card they hold; the customers
        meant are those with no such card, ``NOT IN`` the holders of one."""
        lacking = [f for f in plan.filters if isinstance(f, Predicate) and f in self.lacking]
        if len(lacking) == 1 and self.shows_repeated_values(plan, lacking[0]):
            return self.except_owners_of(plan, lacking[0])
        filters: list[Filter] = []
        for f in plan.filters:
            chain = _chain_to(plan, f.column.table) if isinstance(f, Predicate) else []
            if isinstance(f, Predicate) and f.op == "not in" and f.values and plan.joins:
                shown = {i.column.table.lower() for i in plan.select if i.column is not None}
                own = not chain and f.column.table.lower() in shown
                if not own and not (chain and all(self.is_key_join(j) for j in chain)):
                    raise TranslationError(
                        f"could not tell which {plan.from_table} rows 'not "
                        f"{' or '.join(map(str, f.values))}' excludes over related rows",
                        hint="ask for the rows that have them, or about the related table",
                    )
            if not isinstance(f, Predicate) or f.op != "!=" or not chain:
                filters.append(f)
                continue
            if all(self.is_key_join(join) for join in chain):
                filters.append(f)  # one related row per subject row: != is right
                continue
            if any(len(join.on) > 1 for join in chain):
                raise TranslationError(
                    f"could not tell which {plan.from_table} rows 'not {f.value}' excludes",
                    hint="ask for the rows that have it, or about the related table",
                )
            theirs, mine = chain[0].on[0].left, chain[0].on[0].right
            holders = QueryPlan(
                select=(SelectItem(column=theirs),),
                from_table=chain[0].table,
                joins=tuple(chain[1:]),
                filters=(
                    Predicate(column=theirs, op="is not null"),
                    f.model_copy(update={"op": "="}),
                ),
            )
            filters.append(Predicate(column=mine, op="not in", subplan=holders))
            self.parts.notes.append(f"not {f.value!r}: no related {f.column.table} row has it")
        return plan.model_copy(update={"filters": tuple(filters)})

    def without_unused_first_table(self, plan: QueryPlan) -> QueryPlan:
        """'the locations of train stations' read from the link table ``train_station``
        joined to ``station``: nothing of the link table is used, and joining it repeats
        each station once per train (and drops stations without one); the rows asked for
        are the stations themselves."""
        if plan.is_aggregate or plan.set_operation or not plan.joins:
            return plan
        first, joined = plan.from_table.lower(), plan.joins[0]
        if first in _tables_used(plan) or not self.is_key_join(joined):
            return plan
        table = self.graph.table(plan.from_table)
        keys = {c.lower() for fk in table.foreign_keys for c in fk.columns}
        if len(table.foreign_keys) < 2 or any(c.name.lower() not in keys for c in table.columns):
            return plan  # 'the names of gymnasts': a table of its own rows, not only links
        if any(key.right.table.lower() == first for j in plan.joins[1:] for key in j.on):
            return plan
        self.parts.notes.append(f"{plan.from_table} is not used: {joined.table} rows are read")
        return plan.model_copy(update={"from_table": joined.table, "joins": plan.joins[1:]})

    def refuse_ranked_by_shared_row(self, plan: QueryPlan) -> None:
        """'the cities in the county with the most police officers': the top county is
        shared by many shown cities, so ``ORDER BY ... LIMIT 1`` would keep one of them
        at random; the question asks for every row related to the top one."""
        if plan.limit is None or plan.is_aggregate or len(plan.order_by) != 1:
            return
        ranked = plan.order_by[0].item.column
        shown = {i.column.table.lower() for i in plan.select if i.column is not None}
        first = plan.from_table.lower()
        if ranked is None or ranked.table.lower() == first or shown != {first}:
            return
        chain = _chain_to(plan, ranked.table)
        tokens = self.reading.tokens
        placed = [
            link
            for link in self.reading.tables
            if self.table_of(link).lower() == ranked.table.lower()
            and _word_before(tokens, link.start) in _PLACING
        ]
        if placed and chain and all(self.is_key_join(join) for join in chain):
            raise TranslationError(
                f"each {ranked.table} row ranked by {ranked.column} is shared by many "
                f"{plan.from_table} rows: keeping {plan.limit} of them would be arbitrary",
                hint="ask for the top one first, then for the rows related to it",
            )

    def shows_repeated_values(self, plan: QueryPlan, negated: Predicate) -> bool:
        """Only non-key columns of the filtered table are shown: values many rows share,
        so 'publishers which do not have a book in 1989' asks about the values."""
        table = negated.column.table.lower()
        keys = {c.lower() for c in self.graph.table(table).primary_key}
        simple = not (plan.joins or plan.is_aggregate or plan.set_operation or plan.limit)
        return simple and all(
            i.column is not None
            and i.column.table.lower() == table
            and i.column.column.lower() not in keys
            for i in plan.select
        )

    def except_owners_of(self, plan: QueryPlan, negated: Predicate) -> QueryPlan:
        """``SELECT publisher ... EXCEPT SELECT publisher ... WHERE year = 1989``."""
        having = QueryPlan(
            select=plan.select,
            from_table=plan.from_table,
            filters=(negated.model_copy(update={"op": _DENIED[negated.op]}),),
        )
        kept = tuple(f for f in plan.filters if f != negated)
        self.parts.notes.append(f"not {negated.value!r}: the values no such row has (EXCEPT)")
        return plan.model_copy(
            update={
                "filters": kept,
                "distinct": False,
                "set_operation": SetOperation(op="except", plan=having),
            }
        )

    def is_key_join(self, join: Join) -> bool:
        """A join on the joined table's whole key: at most one row per row joined to."""
        key = [c.lower() for c in self.graph.table(join.table).primary_key]
        return sorted(k.left.column.lower() for k in join.on) == sorted(key)

    def build(self) -> None:
        self.refuse_ordering_by_own_rows()
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
        return bool(
            reading.count
            or reading.aggregates
            or reading.having
            or reading.aggregate_having
            or self.counted_tables()
        )

    def refuse_ordering_by_own_rows(self) -> None:
        """'channel names sorted by the channel rating' with 'rating' unread: ordering the
        subject's rows by how many subject rows each has says nothing."""
        reading = self.reading
        if reading.count or reading.aggregates or reading.having or reading.groups:
            return
        subject = self.parts.subject.lower()
        for target in reading.order:
            if isinstance(target, Link) and target.best.element.kind == "table":
                before = {t.norm for t in reading.tokens[max(0, target.start - 3) : target.start]}
                if before & {"number", "count", "many"}:
                    continue  # 'in descending order of the number of companies'
                if self.table_of(target).lower() == subject:
                    raise TranslationError(
                        f"could not tell which column of {self.parts.subject} orders its rows",
                        hint=f"name the column, e.g. 'sorted by {self.parts.subject} name'",
                    )

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
        alternatives = ""
        for condition in self.reading.conditions:
            if alternatives and not condition.any_of_previous:
                # 'either in division AS, or in division EN and in building NEB': whether
                # the last condition holds for both alternatives or only the second is unsaid
                raise TranslationError(
                    f"could not tell whether {condition.source!r} applies to each "
                    f"alternative of {alternatives!r} or only the last",
                    hint="ask one question per alternative",
                )
            if condition.any_of_previous or (condition.op == "in" and not condition.listed):
                alternatives = condition.source
            predicates = self.predicates(condition)
            if condition.lacks and len(predicates) == 1:
                self.lacking.append(predicates[0])
            if condition.any_of_previous and len(predicates) > 1:
                raise TranslationError(
                    f"cannot combine {condition.source!r} with 'or' (it is a range)",
                    hint="ask two questions, or name both conditions without 'or'",
                )
            if condition.any_of_previous and self.parts.filters:
                previous = self.parts.filters.pop()
                earlier = previous.any_of if isinstance(previous, AnyOf) else (previous,)
                tables = {p.column.table.lower() for p in (*earlier, *predicates)}
                if len(tables) > 1:
                    raise TranslationError(
                        f"cannot combine {condition.source!r} with 'or' across tables "
                        f"({', '.join(sorted(tables))}): a join would drop rows either "
                        "side lacks",
                        hint="ask two questions, one per condition",
                    )
                self.parts.filters.append(_negation_over_or(AnyOf(any_of=(*earlier, *predicates))))
            else:
                self.parts.filters.extend(predicates)
        refuse_split_pairs(self.parts.filters)

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
        if condition.against is not None and condition.against.column is not None:
            return [self.against_aggregate(condition, condition.against.column)]
        if condition.adjective and condition.column is None:
            return [self.adjective_predicate(condition)]
        column = self.condition_column(condition)
        ranged = condition.op in ("<", ">", "<=", ">=")
        if condition.temporal and ranged and self.names_a_key(column):
            # 'served as a host city after 2010': a key holds no years; the row's date does
            column = self.date_column_of(column.table, condition.source)
        if (
            condition.temporal
            and self.resolver.kind_of(_element(column)) == "temporal"
            and any(isinstance(v, int | float) for v in (*condition.values, condition.value))
        ):
            return self.year_predicates(column, condition)
        self.refuse_number_on_text(column, condition)
        if condition.op == "between":
            return [Predicate(column=column, op="between", values=condition.values)]
        return [Predicate(column=column, op=condition.op, value=condition.value)]

    def refuse_number_on_text(self, column: ColumnRef, condition: Condition) -> None:
        """'categories with two or more books', 'exactly one friend': a column of words
        ranked against or equal to a number is a misread (the number counts something)."""
        numbers = [v for v in (condition.value, *condition.values) if isinstance(v, int | float)]
        ordering = condition.op in ("<", ">", "<=", ">=", "between", "=")
        link = condition.column
        loose = link is not None and link.best.how in _LOOSE
        named = link is not None and bool({"id", "ids"} & set(link.text.lower().split()))
        if ordering and numbers and loose and not named and self.names_a_key(column):
            raise TranslationError(
                f"could not compare the key {column} with a number in {condition.source!r}"
                " (keys identify rows; they are not amounts)",
                hint="name a numeric column, or count the rows, e.g. 'with 4 or more orders'",
            )
        if ordering and numbers and self.holds_words(column):
            raise TranslationError(
                f"could not compare the text column {column} with a number in {condition.source!r}",
                hint="name a numeric column, e.g. 'price above 100'",
            )

    def names_a_key(self, column: ColumnRef) -> bool:
        """A primary or foreign key column, or one named as an id."""
        table = self.graph.table(column.table)
        keys = {c.lower() for c in table.primary_key}
        keys |= {c.lower() for fk in table.foreign_keys for c in fk.columns}
        return column.column.lower() in keys or identifier_words(column.column)[-1:] == ("id",)

    def holds_words(self, column: ColumnRef) -> bool:
        """A text column whose sampled values are words, not numbers stored as text."""
        found = self.graph.table(column.table).column(column.column)
        if found is None or column_kind(found) != "text" or not found.samples:
            return False
        return not any(_is_number(value) for value in found.samples)

    def condition_column(self, condition: Condition) -> ColumnRef:
        if condition.column is not None and condition.column.best.element.kind == "table":
            return self.row_key(self.table_of(condition.column), condition.source)
        if condition.column is not None:
            self.refuse_name_of_another_table(condition.column)
            return self.ref(condition.column)
        if condition.temporal:
            return self.only_temporal_column(condition)
        raise TranslationError(
            f"could not tell which column {condition.source!r} compares",
            hint="name the column, e.g. 'price above 100'",
        )

    def refuse_name_of_another_table(self, column: Link) -> None:
        """'the medicine named Aripiprazole' with 'named' matched to the enzymes' name
        column: the words say whose name it is, so another table's column is a misread."""
        if column.text.lower() not in ("named", "called"):
            return
        for link in self.reading.tables:
            table = self.table_of(link)
            if link.end == column.start and table.lower() != self.ref(column).table.lower():
                raise TranslationError(
                    f"'{link.text} {column.text}' names a {table} row, but the name compared "
                    f"is {self.ref(column)}",
                    hint=f"name the {link.text}'s column, e.g. 'whose name is ...'",
                )

    def row_key(self, table_name: str, words: str) -> ColumnRef:
        """The column that 'room 112' compares: a subject column referring to the room's
        key when there is one (no join needed), else the room's own key."""
        table = self.graph.table(table_name)
        if len(table.primary_key) != 1:
            raise TranslationError(
                f"could not tell which column of {table.name} {words!r} names",
                hint="name the column, e.g. 'room number 112'",
            )
        key = table.primary_key[0]
        for edge in self.graph.edges[self.parts.subject.lower()]:
            refers = edge.forward and edge.target.lower() == table.name.lower()
            if refers and [theirs.lower() for _, theirs in edge.keys] == [key.lower()]:
                return ColumnRef(table=edge.source, column=edge.keys[0][0])
        self.parts.need(table.name)
        return ColumnRef(table=table.name, column=key)

    def against_aggregate(self, condition: Condition, measured: Link) -> Predicate:
        """``column op (SELECT AVG(measured) FROM its table)``, over every row of it."""
        assert condition.against is not None
        column = self.ref(condition.column) if condition.column else None
        target = self.resolver.column(measured, want="numeric")
        if len(self.reading.conditions) > 1:
            raise TranslationError(
                f"could not tell which rows the aggregate in {condition.source!r} covers",
                hint="ask for the comparison with all rows, or without other conditions",
            )
        if column is None or condition.op not in _FLIPPED:
            raise TranslationError(
                f"could not compare {condition.source!r}", hint="name the compared column"
            )
        subplan = QueryPlan(
            select=(SelectItem(column=target, aggregate=condition.against.func),),
            from_table=target.table,
        )
        self.parts.notes.append(
            f"{condition.source!r}: compared with the {condition.against.func} of {target}"
        )
        return Predicate(column=column, op=condition.op, subplan=subplan)

    def adjective_predicate(self, condition: Condition) -> Predicate:
        """'older than 30': ``age > 30``; 'cheaper than 10': ``price < 10``."""
        adjective = ADJECTIVES[condition.adjective]
        column, rising = self.adjective_column(condition.adjective, condition.source)
        if rising and condition.op in ("=", "!="):
            return Predicate(column=column, op=condition.op, value=condition.value)
        if not rising or condition.op not in _FLIPPED:
            raise TranslationError(
                f"could not compare {condition.source!r} with {column}",
                hint=f"name the column, e.g. '{column.column} above ...'",
            )
        op = condition.op if adjective.more else _FLIPPED[condition.op]
        return Predicate(column=column, op=op, value=condition.value)

    def adjective_column(self, adjective: str, words: str) -> tuple[ColumnRef, bool]:
        """The column a gradable adjective grades ('old' → age or birth date), in the
        subject first, then the other tables the question needs; and whether it rises
        with the adjective (age) or falls (birth date)."""
        grades = ADJECTIVES[adjective]
        tables = [
            self.parts.subject,
            *self.parts.tables,
            *(self.table_of(t) for t in self.reading.tables),
        ]
        # then the tables the subject refers to ('the tallest entrepreneur': people.height)
        tables += [e.target for e in self.graph.edges[self.parts.subject.lower()] if e.forward]
        for name in dict.fromkeys(t.lower() for t in tables):
            table = self.graph.table(name)
            for rising, wanted in ((True, grades.rising), (False, grades.falling)):
                found = [
                    c
                    for c in table.columns
                    if set(wanted) & _name_lemmas(c.name)
                    and column_kind(c)
                    in (("numeric",) if rising else ("numeric", "temporal", "text"))
                ]
                if found:
                    column = min(found, key=lambda c: len(identifier_words(c.name)))
                    self.parts.need(table.name)
                    self.parts.notes.append(
                        f"{words!r} grades {table.name}.{column.name}"
                        f" ({'more' if rising == grades.more else 'less'} is {adjective}er)"
                    )
                    return ColumnRef(table=table.name, column=column.name), rising
        raise TranslationError(
            f"could not tell which column {words!r} grades",
            hint=f"name the column, e.g. '{' or '.join(grades.rising)}'",
        )

    def only_temporal_column(self, condition: Condition) -> ColumnRef:
        # a date or time literal ('after 1978-06-26') never means a whole-number year column
        years = not isinstance(condition.value, str) and not any(
            isinstance(v, str) for v in condition.values
        )
        return self.date_column_of(self.parts.subject, condition.source, years=years)

    def date_column_of(self, table_name: str, words: str, *, years: bool = True) -> ColumnRef:
        """The one date/time column of a table, which 'after 2023' or 'latest' must mean;
        without one, its one numeric year column."""
        table = self.graph.table(table_name)
        dates = [c for c in table.columns if column_kind(c) == "temporal"]
        if not dates and years:  # 'wines produced before 2010' over a whole-number ``year``
            dates = [
                c
                for c in table.columns
                if column_kind(c) == "numeric" and "year" in identifier_words(c.name)
            ]
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
        for other, words, start in self.reading.absent:
            self.refuse_subject_value_after(words, start)
            predicate = self.absent_predicate(other, words)  # may move filters inside
            self.parts.filters.append(predicate)
            self.parts.notes.append(
                f"{words!r} negated: {self.parts.subject} rows without a matching {other} row"
            )

    def refuse_subject_value_after(self, words: str, start: int) -> None:
        """'students who didn't take any course from the Biology department': a value
        named after the lacked rows likely describes them, yet it was linked to the
        subject's own column; which rows it narrows would be a guess."""
        subject = self.parts.subject.lower()
        for condition in self.reading.conditions:
            link = condition.value_link
            if link is None or link.start < start:
                continue
            if self.resolver.element(link).table.lower() == subject:
                raise TranslationError(
                    f"could not tell whether {link.text!r} describes the {subject} rows or "
                    f"the {words!r} they lack",
                    hint="name the column of the value, e.g. 'whose department is ...'",
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
        inside = self.filters_on(edge.target)
        if other.lower() != edge.target.lower() and self.filters_on(other, take=False):
            raise TranslationError(
                f"cannot negate {words!r} with conditions on {other}, which is reached "
                f"through {edge.target}",
                hint="ask without the condition, or about the linking table",
            )
        self.moved |= {edge.target.lower(), other.lower()}  # joined only if shown
        if inside:
            self.parts.notes.append(
                f"the conditions on {edge.target} say which of its rows are excluded"
            )
        subplan = QueryPlan(
            select=(SelectItem(column=reference),),
            from_table=edge.target,
            filters=(Predicate(column=reference, op="is not null"), *inside),
        )
        return Predicate(column=ColumnRef(table=subject, column=mine), op="not in", subplan=subplan)

    def filters_on(self, table: str, *, take: bool = True) -> list[Filter]:
        """The filters that only look at ``table``: 'students not allergic to soy' keeps
        'soy' inside the subquery of excluded rows, not on the students. ``take``
        removes them from the outer query."""

        def on_table(f: Filter) -> bool:
            predicates = f.any_of if isinstance(f, AnyOf) else (f,)
            return all(p.column.table.lower() == table.lower() for p in predicates)

        found = [f for f in self.parts.filters if on_table(f)]
        if take and table.lower() != self.parts.subject.lower():
            self.parts.filters = [f for f in self.parts.filters if not on_table(f)]
        return found

    # rows (no aggregation)

    def add_rows(self) -> None:
        reading = self.reading
        # 'the id of each thing, and the details of its organization': without a measure,
        # a column read as a group after 'each ... and' is one more output
        listed = [
            g
            for g in reading.groups
            if g.best.element.kind == "column"
            and "and" in {t.norm for t in reading.tokens[max(0, g.start - 3) : g.start]}
        ]
        shown = sorted([*reading.projections, *listed], key=lambda link: link.start)
        columns = self.without_known_values(shown)
        for link in reading.shown_tables if columns else []:
            table = self.table_of(link)
            if any(c.table.lower() == table.lower() for c in columns):
                continue
            self.parts.need(table)
            columns += self.display_columns(table)
        measure = self.superlative_measure()
        if reading.superlative and measure is not None:
            of_a_column = _is_column_link(reading.superlative_target)
            several = (reading.limit or 1) > 1
            if of_a_column and not reading.superlative_after_subject and not reading.projections:
                if not several:
                    self.add_aggregate_value(reading.superlative, measure)
                    return
                columns = [measure]  # 'the top 3 highest support rates': the values
            every = reading.every_column and not columns  # 'all the information on the ...'
            columns = columns or (
                self.all_columns(self.parts.subject)
                if every
                else self.display_columns(self.parts.subject)
            )
            self.parts.order_by.append(
                OrderItem(item=SelectItem(column=measure), descending=reading.superlative == "max")
            )
            self.parts.limit = reading.limit or 1
            self.parts.notes.append(
                f"the {'highest' if reading.superlative == 'max' else 'lowest'} {measure}: "
                f"order by it and keep {self.parts.limit} row(s)"
            )
        if not columns and (reading.every_column or reading.noun_phrase):
            # 'Customers from France' (a spec's noun phrase), 'all information about ...'
            columns = self.all_columns(self.parts.subject)
            self.parts.notes.append(f"no columns named: every column of {self.parts.subject}")
        elif not columns:
            columns = self.display_columns(self.parts.subject)
            self.parts.notes.append(
                f"a question with no columns named: what names a row of {self.parts.subject}"
            )
        self.parts.select = [SelectItem(column=c) for c in _unique(columns)]
        self.parts.distinct = reading.distinct

    def without_known_values(self, links: list[Link]) -> list[ColumnRef]:
        """'names of phones with carrier either Sprint or TMobile': a column named just
        before the value it is fixed to is not shown beside what the question asks for."""
        fixed = self.reading.fixed_projections
        kept = [link for link in links if not any(link is f for f in fixed)]
        if kept and len(kept) < len(links):
            self.parts.notes.append(
                "not shown, fixed by a filter: " + ", ".join(f.text for f in fixed)
            )
            links = kept
        return [self.shown_ref(link) for link in links]

    def shown_ref(self, link: Link) -> ColumnRef:
        column = self.ref(link)
        asks_for_key = {"id", "ids", "code", "codes"} & set(link.text.lower().split())
        if link.best.how not in ("exact", "lemma") and not asks_for_key:
            self.parts.loosely_named.append(column)
        return column

    def superlative_measure(self) -> ColumnRef | None:
        """What 'highest'/'latest' ranks by: a column, or a table's only date column."""
        reading = self.reading
        target = reading.superlative_target
        if target is None and reading.superlative_adjective:
            adjective = reading.superlative_adjective
            column, rising = self.adjective_column(adjective, adjective + "est")
            more = ADJECTIVES[adjective].more == rising
            reading.superlative = "max" if more else "min"
            return column
        if not isinstance(target, Link):
            return None
        if target.best.element.kind == "table":
            if not reading.superlative_temporal:
                return None  # 'the most orders' counts rows instead
            measure = self.date_column_of(self.table_of(target), target.text)
            self.parts.need(measure.table)
            return measure
        measure = self.ref(target, want="temporal" if reading.superlative_temporal else "numeric")
        return self.not_a_loose_key(target, measure)

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
        if columns and visible and self.measures_named_first():
            self.parts.select = visible + columns
        else:
            self.parts.select = columns + visible if columns or visible else measures
        for op, value, link in reading.having:
            item = self.count_item(self.table_of(link))
            self.parts.having.append(Having(item=item, op=op, value=value))
            self.parts.notes.append(
                f"HAVING {item.aggregate}(...) {op} {value} over {self.table_of(link)}"
            )
        for op, value, aggregate in reading.aggregate_having:
            item = self.aggregate_item(aggregate)
            self.parts.having.append(Having(item=item, op=op, value=value))
            self.parts.notes.append(f"HAVING {item.aggregate}({item.column}) {op} {value}")
        self.add_superlative_order(measures)
        self.refuse_one_row_groups()

    def refuse_one_row_groups(self) -> None:
        """'the album names, ids and the number of tracks' read as the track ids, 'cities
        with more than 3 airports' grouped by the airport: grouped by the key of a table
        that no join repeats, every group is one row and every measure of it trivial, so
        a column was misplaced."""
        for name in self.parts.tables:
            table = self.graph.table(name)
            if len(table.primary_key) != 1:
                continue
            key = ColumnRef(table=table.name, column=table.primary_key[0])
            if key not in self.parts.group_by or self.fans_out(table.name):
                continue
            raise TranslationError(
                f"grouped by {key}, every group would hold one {table.name} row to measure",
                hint="say which rows each count is for, e.g. 'for each album'",
            )

    def measures_named_first(self) -> bool:
        """'the number of rooms in each building', 'the average price grouped by maker':
        a measure asked for before the groups it is taken within comes first ('the number
        of rooms for each building' leaves the building first)."""
        reading = self.reading
        starts = [a.column.start for a in reading.aggregates if a.column is not None]
        if reading.count and reading.count_at is not None:
            starts.append(reading.count_at)
        if not starts:
            return False
        if reading.projections:
            return False
        listed = [c.value_link.start for c in reading.conditions if c.listed and c.value_link]
        if not reading.groups and listed:
            return min(starts) < min(listed)  # 'the average age for male and female students'
        shown = [link.start for link in reading.groups]
        if not shown or min(starts) > min(shown):
            return False
        words = [t.norm for t in reading.tokens[: min(shown)]]
        while words and words[-1] in ("each", "the", "every", "different"):
            words.pop()
        if words[-2:] in (["grouped", "by"], ["group", "by"]):
            return True  # 'the average price, grouped by maker'
        return bool(words) and words[-1] == "in"

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
        if reading.superlative_adjective and reading.superlative_target is None:
            raise TranslationError(
                f"could not rank groups by {reading.superlative_adjective!r}",
                hint="name the measure, e.g. 'the highest average age'",
            )
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
            if self.holds_counts(column, counted.text):
                self.parts.notes.append(f"{column} holds counts: the total is their sum")
                return SelectItem(column=column, aggregate="sum")
            alias = f"{'_'.join(identifier_words(column.column))}_count"
            self.parts.notes.append(f"count distinct values of {column}")
            return SelectItem(column=column, aggregate="count", distinct=True, alias=alias)
        table = self.table_of(counted) if counted is not None else self.parts.subject
        return self.count_item(table)

    def holds_counts(self, column: ColumnRef, text: str = "") -> bool:
        """'the total number of deaths' over a numeric ``number_deaths``: the column
        already counts something, so the question adds the counts up; so does a plural
        noun of the column's name ('the number of hours played' over ``hours_played``)."""
        words = set(identifier_words(column.column))
        kind = self.resolver.kind_of(_element(column))
        if kind == "numeric" and words & {"number", "num"}:
            return True
        names = identifier_words(column.column)
        said = text.lower().split()
        plural = any(singular(w) != w for w in names if w in said or w == names[-1])
        if kind == "numeric" and plural and not self.names_a_key(column):
            return True  # ``beds``, ``followers``: a plural noun for a number holds how many
        return kind in ("numeric", "text") and bool(words & {"count", "total"})

    def count_item(self, table_name: str) -> SelectItem:
        """COUNT(*) of a table's rows, or COUNT(DISTINCT key) when joins repeat them."""
        self.parts.need(table_name)
        table = self.graph.table(table_name)
        alias = f"{'_'.join(singular(w) for w in identifier_words(table.name))}_count"
        if not self.fans_out(table.name):
            return SelectItem(aggregate="count", alias=alias)
        keys = list(table.primary_key) or self.referenced(table.name)
        if len(keys) != 1:
            raise TranslationError(
                f"a join repeats {table.name} rows and it has no single-column key to "
                "count them once",
                hint=f"declare the primary key of {table.name}",
            )
        key = ColumnRef(table=table.name, column=keys[0])
        self.parts.notes.append(f"count DISTINCT {key}: a join repeats {table.name} rows")
        return SelectItem(column=key, aggregate="count", distinct=True, alias=alias)

    def referenced(self, table: str) -> list[str]:
        """The columns of ``table`` that single-column foreign keys refer to: a table
        without a declared key is still told apart by what others refer to it by."""
        edges = self.graph.edges[table.lower()]
        return sorted({e.keys[0][0] for e in edges if not e.forward and len(e.keys) == 1})

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
        projections = [
            self.group_key(link) or self.shown_ref(link)
            for link in reading.projections
            if (reading.groups or not self.places_measure(link, ("in", "from", "of", "at", "by")))
            and not self.names_previous_column(link)
            and not self.names_measured_rows(link)
        ]
        named = {c.table.lower() for c in projections}
        for link in reading.groups:
            if self.places_measure(link, ("by",)):
                continue
            if link.best.element.kind == "table" and self.groups_own_rows(link, projections):
                continue
            if link.best.element.kind == "table" and self.shown_reference(link, projections):
                continue
            if link.best.element.kind == "table":
                keys, label = self.entity_columns(self.table_of(link))
                grouped += keys
                if self.table_of(link).lower() not in named:
                    shown += label  # 'the account id … for each account' shows just the id
            else:
                column = self.ref(link)
                grouped.append(column)
                if not any(link is h for h in reading.hidden_groups):
                    shown.append(column)
                if reading.by_frequency and self.resolver.is_key(_element(column)):
                    raise TranslationError(
                        f"every {column.table} row has its own {column.column}: "
                        "'most common' needs a column whose values repeat",
                        hint="ask about the table that refers to it",
                    )
        if not reading.groups:
            listed = self.listed_values()
            grouped += listed
            shown += listed
        self.refuse_split_groups(grouped, projections)
        measured = {item.column.table.lower() for item in measures if item.column is not None}
        if not grouped and self.subject_is_entity(measured) and not self.over_all_rows():
            entity = self.entity_table(projections)
            if projections and self.counts_parents(entity):
                self.parts.notes.append(f"grouped by the columns shown: each {entity} row has one")
                return projections, projections
            keys, label = self.entity_columns(entity)
            if projections:
                keys = [k for k in keys if k not in label]
            self.refuse_split_groups(keys, projections, entity=True)
            self.parts.notes.append(f"one row per {self.parts.subject} row (grouped by its key)")
            return keys + projections if projections else keys, projections or label
        return grouped + projections, shown + projections

    def listed_values(self) -> list[ColumnRef]:
        """'the average age for male and female students', 'how many artists are male and
        how many are female': category values listed with 'and' beside a measure ask for
        one measure per value. Row names ('the Marketing and Finance departments') pick
        rows whose measure is taken together."""
        columns: list[ColumnRef] = []
        for condition in self.reading.conditions:
            if not condition.listed or condition.each or condition.value_link is None:
                continue
            element = self.resolver.element(condition.value_link)
            assert element.column is not None
            column = ColumnRef(table=element.table, column=element.column)
            if not self.is_label(column) and not self.resolver.is_key(_element(column)):
                self.parts.notes.append(f"one group per listed value of {column}")
                columns.append(column)
        return columns

    def refuse_split_groups(
        self, grouped: list[ColumnRef], projections: list[ColumnRef], *, entity: bool = False
    ) -> None:
        """'How many invoices were billed from each state?' with 'billed' read as a billing
        address: a shown column that the named groups (or the entity rows grouped by their
        key) do not fix (not grouped, and no grouped key leads to its row) would split
        each group into many."""
        hidden = self.reading.hidden_groups
        named = [g for g in self.reading.groups if not any(g is h for h in hidden)]
        if not (named or entity) or not grouped:
            return
        keyed = {c.table.lower() for c in grouped if self.key_grouped(c.table, grouped)}
        keyed |= {t for c in grouped for t in self.referred(c)}  # a foreign key fixes its row
        fixed = set(keyed)
        for table in keyed:
            for other, path in self.graph.paths_from(table).items():
                if all(edge.forward for edge in path):
                    fixed.add(other)
        for column in projections:
            if column in grouped or column.table.lower() in fixed:
                continue
            if self.resolver.is_key(_element(column)):
                continue  # 'the names and ids of albums': each id is one album
            raise TranslationError(
                f"{column} is not one value per group of "
                f"{', '.join(str(g) for g in grouped)}: showing it would split the groups",
                hint=f"ask for {column.column} separately",
            )

    def key_grouped(self, table: str, grouped: list[ColumnRef]) -> bool:
        """Whether every column of ``table``'s primary key is grouped."""
        key = set(self.graph.table(table).primary_key)
        return bool(key) and key <= {g.column for g in grouped if g.table == table}

    def names_measured_rows(self, link: Link) -> bool:
        """'the average and minimum price of the products' with 'products' loosely matching
        a column: a plural noun after 'of the' behind every measure names the rows
        measured, not a column to show and group by."""
        reading = self.reading
        starts = [a.column.start for a in reading.aggregates if a.column is not None]
        if reading.groups or not starts or link.start < max(starts):
            return False
        if link.best.how not in _LOOSE or singular(link.text.lower()) == link.text.lower():
            return False
        words = [t.norm for t in reading.tokens[max(0, link.start - 2) : link.start]]
        if words != ["of", "the"]:
            return False
        self.parts.notes.append(f"'of the {link.text}' names the rows measured (not shown)")
        return True

    def names_previous_column(self, link: Link) -> bool:
        """'the party name and the number of representatives in each party', 'the names
        of the states where at least 3 heads were born': 'name' next to a text column
        names that column's values; grouping by another name column too would split the
        groups."""
        if singular(link.text.lower()) not in ("name", "code"):
            return False
        tokens = self.reading.tokens
        named = [
            other
            for other in (*self.reading.projections, *self.reading.groups)
            if other.best.element.kind == "column"
            and other is not link
            and (
                (other.end == link.start and singular(link.text.lower()) == "name")
                or (
                    other.start > link.end
                    and tokens[link.end].norm == "of"
                    and all(t.norm in ("of", "the", "all") for t in tokens[link.end : other.start])
                )
            )
        ]
        if not named:
            return False
        column = self.resolver.column(named[0])
        if self.resolver.kind_of(_element(column)) != "text" or self.resolver.is_key(
            _element(column)
        ):
            return False
        self.parts.notes.append(f"{link.text!r}: the {column} values")
        return True

    def counts_parents(self, entity: str) -> bool:
        """'the policy types used by more than 2 customers': each policy refers to one
        customer, so per policy the count is at most one; the counted rows gather under
        the shown values instead."""
        counted = {self.table_of(h[2]).lower() for h in self.reading.having}
        counted |= {t.lower() for t in self.counted_tables()}
        paths = self.graph.paths_from(entity)
        return bool(counted) and all(
            t in paths and t != entity.lower() and all(e.forward for e in paths[t]) for t in counted
        )

    def places_measure(self, link: Link, prepositions: tuple[str, ...]) -> bool:
        """'the average price of wines in appelations in Sonoma County', 'the number of
        albums by the artist Metallica': a column or table named after the measure, behind
        a preposition, whose rows the filters pick says where the measure is taken; it is
        neither shown nor grouped by."""
        reading = self.reading
        starts = [a.column.start for a in reading.aggregates if a.column is not None]
        if reading.count and reading.count_at is not None:
            starts.append(reading.count_at)
        if not starts or link.start < min(starts):
            return False
        words = [t.norm for t in reading.tokens[: link.start]]
        while words and words[-1] in ("the", "all"):
            words.pop()
        if not words or words[-1] not in prepositions:
            return False
        if link.best.element.kind == "table":
            table = self.table_of(link).lower()
            return any(
                isinstance(f, Predicate)
                and (f.column.table.lower() == table or table in self.referred(f.column))
                for f in self.parts.filters
            )
        column = self.resolver.column(link)
        referred = self.referred(column)
        if self.resolver.is_key(_element(column)) or self.is_label(column):
            referred.add(column.table.lower())  # the column names its table's rows
        return any(
            isinstance(f, Predicate) and (f.column == column or f.column.table.lower() in referred)
            for f in self.parts.filters
        )

    def referred(self, column: ColumnRef) -> set[str]:
        """The tables a foreign-key column refers to."""
        return {
            edge.target.lower()
            for edge in self.graph.edges[column.table.lower()]
            if edge.forward and any(mine == column.column for mine, _ in edge.keys)
        }

    def group_key(self, link: Link) -> ColumnRef | None:
        """'the description, id and number of employees for each role': a bare 'id' shown
        beside groups of one table is that table's key, not the key of the rows counted."""
        if link.text.lower() not in ("id", "ids") or link.best.how == "exact":
            return None
        tables = {self.table_of(g) for g in self.reading.groups if g.best.element.kind == "table"}
        if len(tables) != 1 or self.table_of(link) in tables:
            return None
        (table,) = tables
        key = self.graph.table(table).primary_key
        if len(key) != 1:
            return None
        self.parts.need(table)
        self.parts.notes.append(f"{link.text!r}: the key of each {table} group")
        return ColumnRef(table=table, column=key[0])

    def shown_reference(self, link: Link, projections: list[ColumnRef]) -> bool:
        """'the role codes and the number of employees in each role': a shown column that
        refers to the grouped table's key already tells its rows apart, so the groups are
        its values and the referred table is not joined."""
        target = self.graph.table(self.table_of(link))
        if len(target.primary_key) != 1:
            return False
        key = target.primary_key[0]
        return any(
            edge.forward
            and edge.target.lower() == target.name.lower()
            and edge.keys == ((column.column, key),)
            for column in projections
            for edge in self.graph.edges[column.table.lower()]
        )

    def groups_own_rows(self, link: Link, projections: list[ColumnRef]) -> bool:
        """'the statuses and average populations of each city', 'group ships by flag':
        grouping the measured table by its own rows measures each row alone; the
        columns shown (or the other groups) are what the groups are, and with none
        ('the average market value for every company', 'how many distinct methods are
        used by parties') the measure is over all rows."""
        table = self.table_of(link).lower()
        if table != self.parts.subject.lower():
            return False
        others = [g for g in self.reading.groups if g is not link]
        own = [c for c in projections if c.table.lower() == table]
        if others or (own and len(own) == len(projections)):
            self.parts.notes.append(f"{link.text!r}: grouped by the columns named instead")
            return True
        reading = self.reading
        measured = {self.table_of(a.column).lower() for a in reading.aggregates if a.column}
        counted = reading.counted
        if reading.count and counted is not None and counted.best.element.kind == "column":
            measured.add(self.table_of(counted).lower())
        elif reading.count:
            return False
        if not projections and measured == {table}:
            self.parts.notes.append(f"{link.text!r}: measured across all its rows")
            return True
        return False

    def entity_table(self, projections: list[ColumnRef]) -> str:
        """The rows each group stands for: the subject, unless the subject is what is
        counted and the shown columns all belong to one other table ('the station
        name with at least two trains': one group per station)."""
        subject = self.parts.subject
        counted = {self.table_of(h[2]).lower() for h in self.reading.having}
        shown = {c.table for c in projections}
        if counted == {subject.lower()} and len(shown) == 1:
            (table,) = shown
            if table.lower() != subject.lower():
                return table
        return subject

    def subject_is_entity(self, measured: set[str]) -> bool:
        """Group by the subject when what is measured lives in another table."""
        reading = self.reading
        subject = self.parts.subject.lower()
        counted = {self.table_of(h[2]).lower() for h in reading.having}
        counted |= {t.lower() for t in self.counted_tables()}
        own = reading.projections and all(
            self.resolver.column(p).table.lower() == subject for p in reading.projections
        )
        if counted == {subject} and own and not reading.groups:
            return False  # 'locations with 2 or more cinemas': group the cinemas by location
        if reading.having or any(t.lower() != subject for t in self.counted_tables()):
            return True
        if reading.count and reading.counted is not None:
            return False
        if self.fixes_one_subject_row():
            return False  # 'the average price of lessons taught by Janessa Sawayn'
        return bool(measured) and subject not in measured

    def over_all_rows(self) -> bool:
        """'the total checking balance in all accounts': the subject named after 'all'
        is what the measure spans, not one group per row."""
        subject = self.parts.subject.lower()
        for link in self.reading.tables:
            words = [t.norm for t in self.reading.tokens[: link.start]]
            if self.table_of(link).lower() == subject and words[-1:] == ["all"]:
                return not self.reading.having
        return False

    def fixes_one_subject_row(self) -> bool:
        """Whether a filter picks the subject's rows by value ('at the Amersham station'):
        the measure is then over those rows, not one group per subject row."""
        subject = self.parts.subject.lower()
        return any(
            isinstance(f, Predicate)
            and f.op == "="
            and f.column.table.lower() == subject
            and isinstance(f.value, str)
            for f in self.parts.filters
        )

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
        ranked = measures[0]
        if reading.by_frequency:
            ranked = next((m for m in measures if m.aggregate == "count"), ranked)
        self.parts.order_by.append(OrderItem(item=ranked, descending=reading.superlative == "max"))
        self.parts.limit = reading.limit or 1

    # order

    def add_order(self) -> None:
        reading = self.reading
        if self.parts.order_by:
            return
        targets = [self.order_item(target) for target in reading.order]
        if not targets and reading.ranking and not reading.direction_named:
            raise TranslationError(
                "could not tell what the top rows are ranked by",
                hint="name the measure, e.g. 'the top 5 customers by total amount'",
            )
        if not targets and (reading.descending is not None or reading.ranking):
            targets = [self.default_order_item()]
        descending = bool(reading.descending)
        for item in targets:
            item = self.distinct_order_item(item, descending)
            self.parts.order_by.append(OrderItem(item=item, descending=descending))

    def distinct_order_item(self, item: SelectItem, descending: bool) -> SelectItem:
        """'the distinct product names ordered by product id': DISTINCT can only order by
        what it shows, so the distinct rows become groups ordered by the lowest id in
        each (the highest when descending), and the id is not shown."""
        parts = self.parts
        if not parts.distinct or any(item.same_expression(s) for s in parts.select):
            return item
        plain = all(s.aggregate is None and s.column is not None for s in parts.select)
        if item.aggregate is not None or item.column is None or parts.group_by or not plain:
            parts.select.append(item)
            return item
        parts.group_by = [s.column for s in parts.select if s.column is not None]
        return SelectItem(column=item.column, aggregate="max" if descending else "min")

    def order_item(self, target: Link | Aggregate) -> SelectItem:
        if isinstance(target, Aggregate):
            item = self.aggregate_item(target)
            if self.parts.distinct and not any(item.same_expression(s) for s in self.parts.select):
                self.parts.select.append(item)
            return item
        if target.best.element.kind == "table":
            return self.count_item(self.table_of(target))
        column = self.not_a_loose_key(target, self.ref(target))
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
        if self.reading.alphabetical:
            texts = [
                s
                for s in self.parts.select
                if s.aggregate is None
                and s.column is not None
                and self.resolver.kind_of(_element(s.column)) == "text"
            ]
            if texts:
                return texts[0]
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

    def without_single_row_groups(self, plan: QueryPlan) -> QueryPlan:
        """'the maximum, minimum and average home games each stadium held': groups by a
        table's key (or by the measured column itself) hold one row each, so every measure
        would just repeat that row's value; the measures are taken over all rows instead.
        Comparing or ranking such one-row measures, or showing them beside columns the
        question asks for, is refused: the groups were misread."""
        grouped = {(c.table.lower(), c.column.lower()) for c in plan.group_by}

        def one_row(table: str) -> bool:
            key = self.graph.table(table).primary_key
            return (
                bool(key)
                and all((table.lower(), k.lower()) in grouped for k in key)
                and not any(
                    not edge.forward
                    for other in plan.tables
                    for edge in self.graph.paths_from(table).get(other.lower(), [])
                )
            )

        def single(item: SelectItem) -> bool:
            if item.column is None:
                return any(one_row(t) for t in plan.tables)
            column = (item.column.table.lower(), item.column.column.lower())
            return column in grouped or one_row(item.column.table)

        measures = [i for i in plan.select if i.aggregate]
        ranked = [*(h.item for h in plan.having), *(o.item for o in plan.order_by)]
        ranked = [i for i in ranked if i.aggregate]
        if not plan.group_by or not (measures or ranked):
            return plan
        if not all(map(single, [*measures, *ranked])):
            return plan
        measured = {i.column for i in measures}
        asked = [p for p in self.reading.projections if self.resolver.column(p) not in measured]
        if ranked or asked:
            raise TranslationError(
                "every group would hold a single row, so its measures say nothing "
                "about the columns asked for",
                hint="name a column whose values repeat to group by",
            )
        self.parts.notes.append("each group would hold one row: measured over all rows instead")
        return QueryPlan(**{**dict(plan), "select": tuple(measures), "group_by": ()})

    def count_qualifying_rows(self, plan: QueryPlan) -> QueryPlan:
        """'How many customers have at least one cancelled order?': the customers counted
        are the groups the HAVING keeps, so the answer is one number. Having at least one
        related row is what the join already keeps (COUNT DISTINCT of the key); a higher
        threshold needs a count over the groups, which is refused."""
        reading = self.reading
        if not (plan.having and reading.count and reading.counted is not None):
            return plan
        if reading.counted.best.element.kind != "table":
            return plan
        table = self.graph.table(self.table_of(reading.counted))
        grouped = {(c.table.lower(), c.column.lower()) for c in plan.group_by}
        key = [(table.name.lower(), k.lower()) for k in table.primary_key]
        if len(key) != 1 or not set(key) <= grouped:
            return plan
        if not all((h.op, h.value) in ((">=", 1), (">", 0)) for h in plan.having):
            raise TranslationError(
                f"counting the {table.name} rows that pass a count comparison needs a "
                "count over groups",
                hint="ask for the rows themselves, e.g. 'which ... have ...'",
            )
        item = SelectItem(
            column=ColumnRef(table=table.name, column=table.primary_key[0]),
            aggregate="count",
            distinct=True,
            alias=next((i.alias for i in plan.select if i.aggregate == "count"), None),
        )
        self.parts.notes.append(f"count the {table.name} rows that have related rows")
        return QueryPlan(**{**dict(plan), "select": (item,), "group_by": (), "having": ()})

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
        joined = [subject.lower()]
        joins: list[Join] = []
        used = self.tables_used()
        for table in self.parts.tables[1:]:
            if table.lower() in self.moved and table.lower() not in used:
                continue
            path = self.path_from_joined(joined, table)
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

    def path_from_joined(self, joined: list[str], table: str) -> list[Edge] | None:
        """The shortest path to ``table``, from a link table already joined when that is no
        longer: 'physicians affiliated with the Surgery department' reaches the department
        through the affiliations the question named, not through another key."""
        best = self.graph.paths_from(joined[0]).get(table.lower())
        for source in reversed(joined[1:]):
            if not self.graph.is_link_table(source):
                continue
            path = self.graph.paths_from(source).get(table.lower())
            if path is not None and (best is None or len(path) <= len(best)):
                return path
        return best

    def without_loose_join_keys(self, joins: list[Join]) -> list[SelectItem]:
        """A join key that a word named only in part ('scientists assigned to a project'
        → AssignedTo.Project) links the rows; it is not what the question asks to see."""
        keys = {ref for join in joins for key in join.on for ref in (key.left, key.right)}
        loose = [
            s
            for s in self.parts.select
            if s.aggregate is None
            and s.column in keys
            and s.column in self.parts.loosely_named
            and not self.is_label(s.column)
        ]
        if not loose or len(loose) == len(self.parts.select):
            return self.parts.select
        raise TranslationError(
            "a word names only part of the join key "
            + ", ".join(str(s.column) for s in loose)
            + ": the question may be asking about a related table instead",
            hint="name the column or the related table in full",
        )

    def not_a_loose_key(self, link: Link, column: ColumnRef) -> ColumnRef:
        """Refuse to rank by a key that a word named only in part ('the most number of
        membership' → member_id): keys identify rows, they do not measure them."""
        if link.best.how in ("exact", "lemma"):
            return column
        if self.names_a_key(column):
            raise TranslationError(
                f"{link.text!r} would rank by the key {column}, which identifies rows",
                hint="name the measure to rank by, e.g. 'the highest price'",
            )
        return column

    def is_label(self, column: ColumnRef) -> bool:
        label = label_column(self.graph.table(column.table))
        return label is not None and label.name == column.column

    def tables_used(self) -> set[str]:
        """Tables whose columns the outer query reads."""
        parts = self.parts
        items = [*parts.select, *(o.item for o in parts.order_by), *(h.item for h in parts.having)]
        columns = [i.column for i in items if i.column is not None] + list(parts.group_by)
        for f in parts.filters:
            columns += [p.column for p in (f.any_of if isinstance(f, AnyOf) else (f,))]
        return {c.table.lower() for c in columns}

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

    def refuse_loosely_joined(self, plan: QueryPlan) -> None:
        """Refuse a join to a table that only a loosely matched, shown word brings in
        ('date' for ``prescribes.date`` beside appointments): with nothing else naming
        it, the table is a guess (over half such answers were wrong on the development
        benchmark)."""
        if not plan.joins:
            return
        named = {self.table_of(link).lower() for link in self.reading.tables}
        shown = {s.column for s in plan.select if s.aggregate is None and s.column}
        hows: dict[str, list[str]] = {}
        for match in self.resolver.chosen.values():
            hows.setdefault(match.element.table.lower(), []).append(match.how)
        for table in plan.tables:
            kinds = hows.get(table.lower(), [])
            if table.lower() in named or not kinds or not set(kinds) <= _LOOSE:
                continue
            if not any(column.table.lower() == table.lower() for column in shown):
                continue  # 'the total number of beds': a measure, not a guessed output
            raise TranslationError(
                f"only a loosely matched word brings {table} into the query",
                hint=f"name {table} or its column in full",
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
            select=tuple(self.without_loose_join_keys(joins)),
            from_table=parts.subject,
            joins=tuple(joins),
            filters=tuple(parts.filters),
            group_by=tuple(parts.group_by),
            having=tuple(parts.having),
            order_by=tuple(parts.order_by),
            limit=parts.limit,
            distinct=parts.distinct and not parts.group_by,
        )


_LOOSE = frozenset({"partial", "fuzzy", "description"})
"""Link kinds that name an element only in part, by spelling, or by its description."""

MAX_JOINED_OUTPUTS = 2
"""More plain columns than this shown from joined tables are refused: each column's
table is a separate choice among tables with similar columns, and with three or more,
one is often wrong (over half such answers on the development benchmark)."""

MAX_AGGREGATED_JOINS = 1
"""Groups or distinct counts over more joins than this are refused: with three or more
tables, which rows a group stands for and which are counted is mostly a guess (about
two in three such answers were wrong on the development benchmark)."""


def refuse_ranked_single_row(plan: QueryPlan) -> None:
    """'How many customers are there in the customer type with the most customers?': an
    aggregate without groups is one row, so ranking it means the groups were missed."""
    aggregated = any(item.aggregate for item in plan.select)
    if aggregated and not plan.group_by and (plan.order_by or plan.limit is not None):
        raise TranslationError(
            "the measure is one value over all rows, yet the question ranks or limits it: "
            "could not tell what to group by",
            hint="say what the measure is per, e.g. 'for each type'",
        )


def refuse_wide_join(plan: QueryPlan) -> None:
    """Refuse three or more plain columns gathered from joined tables (grouped outputs
    are one entity's label and key beside measures, a safer choice)."""
    if plan.joins and not plan.is_aggregate and len(plan.select) > MAX_JOINED_OUTPUTS:
        raise TranslationError(
            f"{len(plan.select)} outputs from {len(plan.joins) + 1} joined tables "
            f"({', '.join(plan.tables)}): which table each comes from would be a guess",
            hint="ask for fewer columns at once, naming the table of each",
        )


def exclusion_without_joins(plan: QueryPlan) -> QueryPlan:
    """'technicians not assigned to repair machines': the rows a NOT IN excludes are
    looked up in its subquery, so tables joined outside it only for the words they
    share are dropped; a joined table the outer query does use makes it a guess."""
    subplans = [
        f.subplan
        for f in plan.filters
        if isinstance(f, Predicate) and f.op == "not in" and f.subplan is not None
    ]
    excluded = {sub.from_table.lower() for sub in subplans}
    if not excluded:
        return plan
    kept = tuple(
        i for i in plan.select if i.column is None or i.column.table.lower() not in excluded
    )
    if kept and len(kept) < len(plan.select) and not plan.is_aggregate:
        # 'scientists not assigned to any project': the project is what they lack, not shown
        plan = plan.model_copy(update={"select": kept})
    joins = list(plan.joins)
    used = _tables_used(plan)
    while joins and joins[-1].table.lower() not in used:
        joins.pop()
    inside = {t.lower() for sub in subplans for t in sub.tables}
    shown = _tables_used(plan.model_copy(update={"filters": ()}))
    if all(j.table.lower() in inside - shown for j in joins):
        # 'tracks in the Movies playlist but not in the Music playlist': the kept rows
        # and the excluded ones are found through the same tables
        return plan.model_copy(update={"joins": tuple(joins)})
    raise TranslationError(
        f"could not tell which rows of {', '.join(j.table for j in joins)} the negation "
        "excludes and which it keeps",
        hint="ask about the rows without the related table, or without the negation",
    )


_PLACING = frozenset({"in", "from", "within"})
"""'the cities in the county with the most officers': the shown rows lie in the ranked one."""


def _word_before(tokens: Sequence[Token], start: int) -> str:
    """The word before ``start``, past any article."""
    index = start - 1
    while index >= 0 and tokens[index].norm in ("the", "a", "an"):
        index -= 1
    return tokens[index].norm if index >= 0 else ""


def _negation_over_or(either: AnyOf) -> Filter:
    """'professors not playing Canoeing or Kayaking': the negation covers both values
    (``NOT IN``), not only the first (``<> 'Canoeing' OR = 'Kayaking'``)."""
    first, *rest = either.any_of
    if first.op != "!=" or not rest or any(p.op != "=" for p in rest):
        return either
    if any(p.column != first.column or p.subplan is not None for p in either.any_of):
        return either
    assert first.value is not None
    values = (first.value, *(p.value for p in rest if p.value is not None))
    return Predicate(column=first.column, op="not in", values=values)


def _chain_to(plan: QueryPlan, table: str) -> list[Join]:
    """The joins from the plan's first table to ``table``, in order ([] if not joined)."""
    by_table = {j.table.lower(): j for j in plan.joins}
    chain: list[Join] = []
    current = table.lower()
    while current in by_table and len(chain) <= len(plan.joins):
        join = by_table[current]
        chain.insert(0, join)
        current = join.on[0].right.table.lower()
    return chain if current == plan.from_table.lower() else []


def _tables_used(plan: QueryPlan) -> set[str]:
    """Tables whose columns the plan shows, filters, groups or orders by (not its joins)."""
    refs: list[ColumnRef] = [*plan.group_by]
    items = [*plan.select, *(o.item for o in plan.order_by), *(h.item for h in plan.having)]
    refs += [item.column for item in items if item.column is not None]
    for f in plan.filters:
        refs += [p.column for p in (f.any_of if isinstance(f, AnyOf) else (f,))]
    return {ref.table.lower() for ref in refs}


def refuse_known_answer(plan: QueryPlan) -> None:
    """'Where is the club "Hopkins" located?' read as the club's name where the name is
    Hopkins: every shown column is pinned to a value the question gave, so the query
    would only echo it; the question asked for something else."""
    pinned = {
        f.column
        for f in plan.filters
        if isinstance(f, Predicate) and f.op == "=" and f.subplan is None
    }
    shown = [item.column for item in plan.select if item.aggregate is None]
    whole = plan.set_operation is None and bool(shown) and len(shown) == len(plan.select)
    if whole and all(column in pinned for column in shown):
        raise TranslationError(
            f"the question's own value is all the query would show ({shown[0]})",
            hint="name the column to show, e.g. 'the location of the club named ...'",
        )


def refuse_wide_aggregate(plan: QueryPlan) -> None:
    """Refuse to group or count distinct keys over a join of three or more tables."""
    counts_keys = any(item.aggregate == "count" and item.distinct for item in plan.select)
    if (plan.group_by or counts_keys) and len(plan.joins) > MAX_AGGREGATED_JOINS:
        raise TranslationError(
            f"grouping over {len(plan.joins) + 1} joined tables "
            f"({', '.join(plan.tables)}): which rows each group counts would be a guess",
            hint="ask about fewer tables at once, or name the link table to count",
        )


def count_rows_of_one_value(plan: QueryPlan) -> QueryPlan:
    """'the number of tests with result Fail': distinct values of a column the filters fix
    to one value are always one, so the rows of the one table are counted instead."""
    fixed = {
        (f.column.table.lower(), f.column.column.lower())
        for f in plan.filters
        if isinstance(f, Predicate) and f.op == "="
    }
    if plan.group_by or plan.joins or not fixed:  # over a join, rows repeat
        return plan
    select = tuple(
        SelectItem(aggregate="count", alias=item.alias)
        if item.aggregate == "count"
        and item.distinct
        and item.column is not None
        and (item.column.table.lower(), item.column.column.lower()) in fixed
        else item
        for item in plan.select
    )
    return plan if select == plan.select else QueryPlan(**{**dict(plan), "select": select})


def intersect_each_value(plan: QueryPlan, reading: Reading) -> QueryPlan:
    """'nominees for both a Tony and a Drama Desk award': the rows that qualify with the
    first value INTERSECT those that qualify with the second, not one row holding both."""
    both = [f for f in plan.filters if isinstance(f, Predicate) and f.op == "in" and f.values]
    if not any(c.each for c in reading.conditions) and not _shared_by_each(plan, both, reading):
        return plan
    simple = not (plan.group_by or plan.having or plan.order_by or plan.distinct)
    if len(both) != 1 or len(both[0].values) != 2 or not simple or plan.limit is not None:
        raise TranslationError(
            "could not read 'both … and' here: it needs an intersection of two simple lists",
            hint="ask for each value separately",
        )
    shown = {(s.column.table, s.column.column) for s in plan.select if s.column is not None}
    if (both[0].column.table, both[0].column.column) in shown:
        raise TranslationError(
            f"'both … and' filters {both[0].column.column}, which is also shown: no row "
            "can hold both values",
            hint="ask for rows related to each value, e.g. 'customers who ordered both X and Y'",
        )
    first, second = (
        QueryPlan(
            **{
                **dict(plan),
                "filters": tuple(
                    Predicate(column=both[0].column, op="=", value=value) if f is both[0] else f
                    for f in plan.filters
                ),
            }
        )
        for value in both[0].values
    )
    return QueryPlan(**{**dict(first), "set_operation": SetOperation(op="intersect", plan=second)})


def _shared_by_each(plan: QueryPlan, listed: list[Predicate], reading: Reading) -> bool:
    """'studios that produced films with directors X and Y', 'attractions Vincent and
    Marcelle visit': values listed with 'and' (or any values said to be 'shared') over
    rows that the shown entity has many of ask for what each value's rows share. Not so
    where the shown column describes the filtered rows themselves ('the names of
    mountains in Tanzania and Uganda')."""
    simple = not (plan.group_by or plan.having or plan.order_by or plan.distinct)
    sharing = any(t.norm in _SHARING for t in reading.tokens)
    if not (sharing or any(c.listed for c in reading.conditions)):
        return False
    shown = [s.column for s in plan.select if s.column is not None and s.aggregate is None]
    if len(listed) != 1 or not simple or plan.limit is not None or not shown:
        return False
    column = listed[0].column
    if len(shown) < len(plan.select) or column in shown:
        return False
    if sharing:
        return True  # 'the starting years shared by technicians from teams X or Y'
    if column.table.lower() not in {c.table.lower() for c in shown}:
        return bool(_chain_to(plan, column.table))  # the values' rows are joined to many
    first = min(reading.projections, key=lambda link: link.start, default=None)
    return first is not None and not _describes_rows(first, reading)


_SHARING = frozenset({"shared", "share", "common", "both"})


def _describes_rows(link: Link, reading: Reading) -> bool:
    """'the names of mountains', 'mountain names': the column is named as an attribute
    of its table's rows rather than as the entity asked about ('studios that ...')."""
    tokens = reading.tokens
    after = tokens[link.end].norm if link.end < len(tokens) else ""
    before = any(t.end == link.start for t in reading.tables)
    table = link.best.element.table
    qualified = link.end - link.start > 1 and tokens[link.start].lemma in _name_lemmas(table)
    return after in ("of", "for") or before or qualified


def intersect_contradiction(plan: QueryPlan, reading: Reading) -> QueryPlan:
    """'publishers with publications priced above 100 and publications priced below 10':
    no row passes both filters, so each filter picks its own rows and the answers
    INTERSECT. A plan that cannot be split that way, or whose values no 'and' joins, is
    refused (it would answer nothing)."""
    pair = _contradiction([f for f in plan.filters if isinstance(f, Predicate)])
    if pair is None:
        return plan
    shown = {s.column for s in plan.select if s.column is not None}
    simple = not (plan.group_by or plan.having or plan.order_by or plan.set_operation)
    simple = simple and _and_between_values(pair, reading.tokens)
    # 'reported by both Lacey Bosco and Kenton Champlin' as first name Lacey, last names
    # Bosco and Champlin: which half another value of that table belongs to is a guess
    beside = [
        f
        for f in plan.filters
        if isinstance(f, Predicate)
        and f not in pair
        and f.op == "="
        and f.column.table == pair[0].column.table
    ]
    simple = simple and not beside
    if not simple or plan.is_aggregate or plan.limit is not None or pair[0].column in shown:
        raise TranslationError(
            f"the filters on {pair[0].column} cannot both hold on one row",
            hint="ask for rows related to each condition separately",
        )
    first, second = (
        QueryPlan(**{**dict(plan), "filters": tuple(f for f in plan.filters if f is not drop)})
        for drop in (pair[1], pair[0])
    )
    for half in (first, second):
        rest = _contradiction([f for f in half.filters if isinstance(f, Predicate)])
        if rest is not None:
            # 'by both Lacey Bosco and Kenton Champlin': first and last names each clash,
            # and one split cannot tell which first name goes with which last name
            raise TranslationError(
                f"the filters on {rest[0].column} cannot both hold on one row",
                hint="ask for rows related to each condition separately",
            )
    return QueryPlan(**{**dict(first), "set_operation": SetOperation(op="intersect", plan=second)})


def _and_between_values(pair: tuple[Predicate, Predicate], tokens: Sequence[Token]) -> bool:
    """'flights from Los Angeles to Honolulu' read as two destinations: only values joined
    by 'and' ('a book in 1989 and a book in 1990') ask for rows related to each."""
    places = []
    for predicate in pair:
        words = str(predicate.value).lower().split()
        found = [t.index for t in tokens if words and t.norm == words[0]]
        if not found:
            return True  # the words are not the value's own: nothing to go by
        places.append(found[0])
    start, end = sorted(places)
    return any(t.norm in ("and", "both") for t in tokens[start:end])


def except_other_value(plan: QueryPlan) -> QueryPlan:
    """'titles of courses in the Statistics department but not the Psychology department':
    ``dept = 'Statistics'`` already rules Psychology out row by row, so the negation asks
    about the shown values: those of the first value's rows EXCEPT the second's."""
    predicates = [f for f in plan.filters if isinstance(f, Predicate) and f.subplan is None]
    pairs = [
        (kept, denied)
        for kept in predicates
        for denied in predicates
        if kept.op == "=" and denied.op == "!=" and kept.column == denied.column
    ]
    shown = {s.column for s in plan.select if s.column is not None}
    simple = not (plan.group_by or plan.having or plan.order_by or plan.set_operation)
    if len(pairs) != 1 or not simple or plan.is_aggregate or plan.limit is not None:
        return plan
    kept, denied = pairs[0]
    if kept.value == denied.value or kept.column in shown:
        return plan
    first = plan.model_copy(update={"filters": tuple(f for f in plan.filters if f != denied)})
    other = tuple(denied.model_copy(update={"op": "="}) if f == kept else f for f in first.filters)
    second = first.model_copy(update={"filters": other, "distinct": False})
    return first.model_copy(
        update={"distinct": False, "set_operation": SetOperation(op="except", plan=second)}
    )


def _contradiction(predicates: list[Predicate]) -> tuple[Predicate, Predicate] | None:
    for index, first in enumerate(predicates):
        for second in predicates[index + 1 :]:
            if first.column == second.column and _disjoint(first, second):
                return first, second
    return None


def _disjoint(a: Predicate, b: Predicate) -> bool:
    if a.op == "=" == b.op:
        return a.value != b.value
    lower = {">", ">="}
    upper = {"<", "<="}
    for low, high in ((a, b), (b, a)):
        if low.op in lower and high.op in upper:
            low_value, high_value = low.value, high.value
            if isinstance(low_value, int | float) and isinstance(high_value, int | float):
                return low_value >= high_value
    return False


_DENIED: dict[Operator, Operator] = {"!=": "=", "<=": ">", "<": ">=", ">=": "<", ">": "<="}
"""The condition a negated comparison denies: 'no driver older than 40' is ``age <= 40``."""

_FLIPPED = {">": "<", ">=": "<=", "<": ">", "<=": ">="}


def _and_between(a: Link, b: Link, reading: Reading) -> bool:
    """'grapes and appelations', 'grapes, appelations': the two are listed, not one
    compound ('candidate names')."""
    start, end = (a.end, b.start) if a.end <= b.start else (b.end, a.start)
    tokens = reading.tokens
    return any(t.norm == "and" for t in tokens[start:end]) or tokens[start - 1].comma


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _name_lemmas(name: str) -> set[str]:
    return {word for w in identifier_words(name) for word in lemma(w).split()}


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


def refuse_split_pairs(filters: Sequence[Filter]) -> None:
    """'in East Julianaside, Texas or in Gleasonmouth, Arizona': pairs of conditions joined
    by 'or' ((city AND state) OR (city AND state)); read one condition at a time, the 'or'
    would join only the two beside it (city AND (state OR city) AND state)."""
    for index, f in enumerate(filters):
        if not isinstance(f, AnyOf) or len(f.any_of) != 2:
            continue
        first, second = f.any_of
        if not isinstance(first, Predicate) or not isinstance(second, Predicate):
            continue
        if first.column == second.column:
            continue
        before = filters[index - 1] if index > 0 else None
        after = filters[index + 1] if index + 1 < len(filters) else None
        if (isinstance(before, Predicate) and before.column == second.column) or (
            isinstance(after, Predicate) and after.column == first.column
        ):
            raise TranslationError(
                "could not tell how 'or' groups the conditions around it "
                f"({first.column.column}, {second.column.column})",
                hint="ask one question per alternative",
            )
