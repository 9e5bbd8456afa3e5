"""The typed intermediate form between a question and its SQL, and its compiler.

A :class:`QueryPlan` says *what* to read (select items, joins, filters, grouping, order)
without saying how any dialect spells it. :func:`compile_plan` turns it into SQL with
sqlglot's expression builders: names become identifiers and values become literals, so user
text is never spliced into SQL, and the only statements it can produce are read-only
``SELECT`` queries (optionally combined with ``UNION``/``INTERSECT``/``EXCEPT``).

>>> plan = QueryPlan(
...     select=(SelectItem(aggregate="count", alias="order_count"),),
...     from_table="orders",
...     filters=(Predicate(column=ColumnRef(table="orders", column="status"), op="=",
...                        value="completed"),),
... )
>>> print(compile_plan(plan, "duckdb", pretty=False))
SELECT COUNT(*) AS order_count FROM orders WHERE status = 'completed'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.tokens import Tokenizer

AggregateFunction = Literal["count", "sum", "avg", "min", "max"]
Comparison = Literal["=", "!=", "<", "<=", ">", ">="]
Operator = Literal[
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "like",
    "not like",
    "contains",
    "between",
    "in",
    "not in",
    "is null",
    "is not null",
]
SetOperator = Literal["union", "union all", "intersect", "except"]
Scalar = bool | int | float | str

_AGGREGATE_ALIAS_PREFIX: dict[str, str] = {
    "sum": "total",
    "avg": "average",
    "min": "min",
    "max": "max",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ColumnRef(_Frozen):
    """A column of a table in the plan's ``FROM`` or one of its joins (by table name)."""

    table: str
    column: str

    def __str__(self) -> str:
        return f"{self.table}.{self.column}"


class SelectItem(_Frozen):
    """A column, or an aggregate over one; ``count`` without a column is ``COUNT(*)``."""

    column: ColumnRef | None = None
    aggregate: AggregateFunction | None = None
    distinct: bool = False
    alias: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> Self:
        if self.column is None and self.aggregate != "count":
            raise ValueError("only count may omit its column (COUNT(*))")
        if self.distinct and self.aggregate is None:
            raise ValueError("distinct applies to an aggregate; use QueryPlan.distinct")
        if self.column is None and self.distinct:
            raise ValueError("COUNT(DISTINCT *) is not SQL; name the column")
        return self

    def same_expression(self, other: SelectItem) -> bool:
        """Whether both compute the same value, whatever their aliases."""
        return (self.column, self.aggregate, self.distinct) == (
            other.column,
            other.aggregate,
            other.distinct,
        )


class Predicate(_Frozen):
    """``column op value``; ``between`` takes two ``values``, ``in`` a list or a subplan;
    a comparison may take a subplan of one aggregate (``price > (SELECT AVG(price) ...)``).

    A ``not in`` subplan returns no rows when the subplan yields a NULL; a translator that
    cannot rule NULLs out adds an ``is not null`` filter to the subplan.
    """

    column: ColumnRef
    op: Operator
    value: Scalar | None = None
    values: tuple[Scalar, ...] = ()
    subplan: QueryPlan | None = None

    @model_validator(mode="after")
    def _operands(self) -> Self:
        has_value, has_values = self.value is not None, bool(self.values)
        if self.op in ("is null", "is not null"):
            ok = not (has_value or has_values or self.subplan)
        elif self.op == "between":
            ok = len(self.values) == 2 and not has_value and self.subplan is None
        elif self.op in ("in", "not in"):
            ok = not has_value and (has_values != (self.subplan is not None))
            if self.subplan is not None and len(self.subplan.select) != 1:
                raise ValueError(f"{self.op} needs a subplan selecting exactly one item")
        elif self.op in ("=", "!=", "<", "<=", ">", ">=") and self.subplan is not None:
            ok = not (has_value or has_values)
            if len(self.subplan.select) != 1 or self.subplan.select[0].aggregate is None:
                raise ValueError(f"{self.op} compares with a subplan of one aggregate")
        else:
            ok = has_value and not has_values and self.subplan is None
        if not ok:
            raise ValueError(f"operator {self.op!r} does not take these operands")
        return self


class AnyOf(_Frozen):
    """Predicates joined with OR; the group is ANDed with the plan's other filters."""

    any_of: tuple[Predicate, ...] = Field(min_length=2)


Filter = Predicate | AnyOf


class Having(_Frozen):
    """``aggregate op value`` on the groups of a grouped plan."""

    item: SelectItem
    op: Comparison
    value: Scalar

    @model_validator(mode="after")
    def _aggregated(self) -> Self:
        if self.item.aggregate is None:
            raise ValueError("HAVING compares an aggregate")
        return self


class JoinKey(_Frozen):
    """One equality of a join condition: ``left = right``."""

    left: ColumnRef
    right: ColumnRef


class Join(_Frozen):
    """Join ``table`` on the equality of every key pair."""

    table: str
    on: tuple[JoinKey, ...] = Field(min_length=1)
    kind: Literal["inner", "left"] = "inner"


class OrderItem(_Frozen):
    """Order by an output item (or any expression the plan could select)."""

    item: SelectItem
    descending: bool = False


class SetOperation(_Frozen):
    """Combine this plan's rows with another plan's; order and limit apply to the result."""

    op: SetOperator
    plan: QueryPlan


class QueryPlan(_Frozen):
    """One read-only query, compiled to SQL by :func:`compile_plan`."""

    select: tuple[SelectItem, ...] = Field(min_length=1)
    from_table: str
    joins: tuple[Join, ...] = ()
    filters: tuple[Filter, ...] = ()
    group_by: tuple[ColumnRef, ...] = ()
    having: tuple[Having, ...] = ()
    order_by: tuple[OrderItem, ...] = ()
    limit: int | None = Field(default=None, ge=0)
    distinct: bool = False
    set_operation: SetOperation | None = None

    @property
    def tables(self) -> tuple[str, ...]:
        """The tables this plan reads directly (subplans not included), in join order."""
        return (self.from_table, *(join.table for join in self.joins))

    @property
    def is_aggregate(self) -> bool:
        return bool(self.group_by) or any(item.aggregate for item in self.select)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _check_scope(self)
        _check_grouping(self)
        _check_set_operation(self)
        return self


def _column_refs(plan: QueryPlan) -> Iterator[ColumnRef]:
    """Every column the plan names in its own scope (not inside subplans)."""
    items = [*plan.select, *(h.item for h in plan.having), *(o.item for o in plan.order_by)]
    yield from (item.column for item in items if item.column is not None)
    yield from plan.group_by
    for join in plan.joins:
        for key in join.on:
            yield from (key.left, key.right)
    for condition in plan.filters:
        predicates = condition.any_of if isinstance(condition, AnyOf) else (condition,)
        yield from (p.column for p in predicates)


def _check_scope(plan: QueryPlan) -> None:
    tables = [t.lower() for t in plan.tables]
    if len(set(tables)) != len(tables):
        raise ValueError("a table appears twice; self-joins are not supported by QueryPlan")
    for ref in _column_refs(plan):
        if ref.table.lower() not in tables:
            raise ValueError(f"column {ref} names a table that is not in FROM or a join")
    for index, join in enumerate(plan.joins):
        earlier = {t.lower() for t in plan.tables[: index + 1]}
        for key in join.on:
            sides = {key.left.table.lower(), key.right.table.lower()}
            if join.table.lower() not in sides or not sides - {join.table.lower()} <= earlier:
                raise ValueError(
                    f"join {join.table}: key {key.left} = {key.right} does not link it"
                )


def _check_grouping(plan: QueryPlan) -> None:
    if plan.having and not plan.is_aggregate:
        raise ValueError("HAVING needs an aggregate or GROUP BY")
    if not plan.is_aggregate:
        return
    grouped = set(plan.group_by)
    for item in (*plan.select, *(o.item for o in plan.order_by)):
        if item.aggregate is None and item.column not in grouped:
            raise ValueError(f"{item.column} is neither aggregated nor in GROUP BY")


def _check_set_operation(plan: QueryPlan) -> None:
    if plan.distinct or plan.set_operation is not None:
        for order in plan.order_by:
            if not any(order.item.same_expression(item) for item in plan.select):
                raise ValueError("with DISTINCT or a set operation, order by selected items only")
    if plan.set_operation is None:
        return
    other = plan.set_operation.plan
    if len(other.select) != len(plan.select):
        raise ValueError("both sides of a set operation select the same number of items")
    if other.order_by or other.limit is not None or other.set_operation is not None:
        raise ValueError("the right side of a set operation has no order, limit or set operation")


# --- compiling -----------------------------------------------------------------------------

_SAFE_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_RESERVED_TEXT = """
    all alter analyse analyze and any array as asc asymmetric at authorization between binary
    both by case cast check collate collation column concurrently connect connection constraint
    contains create cross cube current current_catalog current_date current_role current_schema
    current_time current_timestamp current_user database default deferrable define delete desc
    distinct do drop else end enum escape except exclude exists extract false fetch following
    for foreign freeze from full grant group grouping groups having ilike in increment inner
    insert intersect interval into is isnull join lateral leading left like limit localtime
    localtimestamp merge minus natural new no not notnull null nulls of offset on only or order
    outer over overlaps partition placing preceding primary qualify range recursive references
    regexp respect returning revoke right rlike rollup row rows sample schema select
    session_user set similar some start struct symmetric system_user table tablesample then to
    trailing trigger true try_cast unbounded union unique unnest update user using values
    variadic verbose view when whenever where window with within
    account add anti asof autoincrement commit describe glob gscluster index initially issue
    lambda nothing organization pivot pivot_longer pivot_wider positional raise semi show
    summarize transaction unpack unpivot
"""
RESERVED_WORDS = frozenset(_RESERVED_TEXT.split())
"""Words some supported dialect reserves; as names they are always quoted (quoting is safe)."""
_RESERVED = RESERVED_WORDS | {k.lower() for k in Tokenizer.KEYWORDS if k.isalpha()}


def identifier_words(name: str) -> tuple[str, ...]:
    """The lower-case words of a schema name: snake_case, camelCase, digits and spaces.

    >>> identifier_words("OrderItems"), identifier_words("HTTPCode2")
    (('order', 'items'), ('http', 'code', '2'))
    """
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    spaced = re.sub(r"([A-Za-z])([0-9])", r"\1 \2", spaced)
    return tuple(word.lower() for word in re.split(r"[^A-Za-z0-9]+", spaced) if word)


def _identifier(name: str) -> exp.Identifier:
    """An identifier, quoted when the name is not a plain single-case word."""
    plain = _SAFE_IDENTIFIER.match(name) and (name.islower() or name.isupper())
    return exp.to_identifier(name, quoted=not plain)


def _table_aliases(plan: QueryPlan) -> dict[str, str]:
    """Short aliases from table-name initials (``order_items`` → ``oi``), only for joins."""
    if not plan.joins:
        return {}
    taken = {t.lower() for t in plan.tables} | _RESERVED
    aliases: dict[str, str] = {}
    for table in plan.tables:
        alias = next(a for a in _alias_candidates(table) if a not in taken)
        taken.add(alias)
        aliases[table.lower()] = alias
    return aliases


def _alias_candidates(table: str) -> Iterator[str]:
    words = identifier_words(table) or ("t",)
    if not words[0][0].isalpha():
        words = ("t", *words)
    rest = "".join(word[0] for word in words[1:])
    for length in range(1, len(words[0]) + 1):
        yield words[0][:length] + rest
    base = words[0] + rest
    yield from (f"{base}{number}" for number in range(2, 10_000))


class _Compiler:
    """Builds sqlglot expressions for one plan scope (its FROM, joins and aliases)."""

    def __init__(self, plan: QueryPlan) -> None:
        self.plan = plan
        self.aliases = _table_aliases(plan)
        self.output_names = _output_names(plan)

    def column(self, ref: ColumnRef) -> exp.Column:
        alias = self.aliases.get(ref.table.lower())
        return exp.Column(
            this=_identifier(ref.column),
            table=exp.to_identifier(alias) if alias else None,
        )

    def table(self, name: str) -> exp.Expr:
        alias = self.aliases.get(name.lower())
        parts = [_identifier(part) for part in name.split(".")]
        table = exp.Table(
            this=parts[-1],
            db=parts[-2] if len(parts) > 1 else None,
            catalog=parts[-3] if len(parts) > 2 else None,
        )
        return exp.alias_(table, alias, table=True) if alias else table

    def value(self, item: SelectItem) -> exp.Expr:
        if item.aggregate is None:
            assert item.column is not None  # guaranteed by SelectItem's validator
            return self.column(item.column)
        argument: exp.Expr = exp.Star() if item.column is None else self.column(item.column)
        if item.distinct:
            argument = exp.Distinct(expressions=[argument])
        functions: dict[str, type[exp.Func]] = {
            "count": exp.Count,
            "sum": exp.Sum,
            "avg": exp.Avg,
            "min": exp.Min,
            "max": exp.Max,
        }
        return functions[item.aggregate](this=argument)

    def projection(self, index: int, item: SelectItem) -> exp.Expr:
        name = self.output_names[index]
        plain = item.aggregate is None and item.column is not None and name == item.column.column
        expression = self.value(item)
        return expression if plain else exp.alias_(expression, _identifier(name))

    def predicate(self, predicate: Predicate) -> exp.Expr:
        column = self.column(predicate.column)
        op = predicate.op
        if op in ("is null", "is not null"):
            test: exp.Expr = exp.Is(this=column, expression=exp.Null())
            return exp.Not(this=test) if op == "is not null" else test
        if op == "between":
            low, high = (exp.convert(v) for v in predicate.values)
            return exp.Between(this=column, low=low, high=high)
        if op in ("in", "not in"):
            found = (
                exp.In(this=column, query=_build(predicate.subplan).subquery())
                if predicate.subplan is not None
                else exp.In(this=column, expressions=[exp.convert(v) for v in predicate.values])
            )
            return exp.Not(this=found) if op == "not in" else found
        value = predicate.value
        if op == "contains":
            return exp.Like(this=column, expression=exp.Literal.string(f"%{value}%"))
        if op in ("like", "not like"):
            like = exp.Like(this=column, expression=exp.Literal.string(str(value)))
            return exp.Not(this=like) if op == "not like" else like
        if predicate.subplan is not None:  # 'price above the average price'
            return _COMPARISONS[op](this=column, expression=_build(predicate.subplan).subquery())
        return _COMPARISONS[op](this=column, expression=exp.convert(value))

    def condition(self, condition: Filter) -> exp.Expr:
        if isinstance(condition, AnyOf):
            return exp.or_(*(self.predicate(p) for p in condition.any_of))
        return self.predicate(condition)

    def order_key(self, item: SelectItem) -> exp.Expr:
        """An output item is ordered by its output name; anything else by its expression."""
        for index, selected in enumerate(self.plan.select):
            if selected.same_expression(item):
                if selected.aggregate is None and self.plan.set_operation is None:
                    return self.value(selected)
                return exp.column(_identifier(self.output_names[index]))
        return self.value(item)


_COMPARISONS: dict[str, type[exp.Binary]] = {
    "=": exp.EQ,
    "!=": exp.NEQ,
    "<": exp.LT,
    "<=": exp.LTE,
    ">": exp.GT,
    ">=": exp.GTE,
}


def default_alias(item: SelectItem) -> str:
    """The readable output name of an item: ``total_amount``, ``average_price``, ``row_count``.

    >>> default_alias(SelectItem(column=ColumnRef(table="orders", column="amount"),
    ...                          aggregate="sum"))
    'total_amount'
    """
    if item.alias:
        return item.alias
    if item.column is None:
        return "row_count"
    column = "_".join(identifier_words(item.column.column)) or item.column.column.lower()
    if item.aggregate is None:
        return item.column.column
    if item.aggregate == "count":
        return f"distinct_{column}_count" if item.distinct else f"{column}_count"
    return f"{_AGGREGATE_ALIAS_PREFIX[item.aggregate]}_{column}"


def _output_names(plan: QueryPlan) -> tuple[str, ...]:
    """Unique output names: defaults, with the table prefixed (then a number) on clashes."""
    names: list[str] = []
    seen: set[str] = set()
    for item in plan.select:
        name = default_alias(item)
        if name.lower() in seen and item.alias is None and item.column is not None:
            name = f"{'_'.join(identifier_words(item.column.table))}_{name}"
        base, number = name, 2
        while name.lower() in seen:
            name, number = f"{base}_{number}", number + 1
        seen.add(name.lower())
        names.append(name)
    return tuple(names)


def _build_select(plan: QueryPlan, compiler: _Compiler) -> exp.Select:
    select = exp.Select(
        expressions=[compiler.projection(i, item) for i, item in enumerate(plan.select)]
    )
    if plan.distinct:
        select.set("distinct", exp.Distinct())
    select = select.from_(compiler.table(plan.from_table))
    for join in plan.joins:
        on = exp.and_(
            *(
                exp.EQ(this=compiler.column(k.left), expression=compiler.column(k.right))
                for k in join.on
            )
        )
        select = select.join(
            compiler.table(join.table), on=on, join_type="left" if join.kind == "left" else None
        )
    if plan.filters:
        select = select.where(exp.and_(*(compiler.condition(c) for c in plan.filters)))
    if plan.group_by:
        select = select.group_by(*(compiler.column(ref) for ref in plan.group_by))
    if plan.having:
        select = select.having(
            exp.and_(
                *(
                    _COMPARISONS[h.op](this=compiler.value(h.item), expression=exp.convert(h.value))
                    for h in plan.having
                )
            )
        )
    return select


def _build(plan: QueryPlan | None) -> exp.Query:
    assert plan is not None  # callers pass the subplan a validator already required
    compiler = _Compiler(plan)
    query: exp.Query = _build_select(plan, compiler)
    if plan.set_operation is not None:
        right = _build(plan.set_operation.plan)
        builders = {"union": exp.union, "union all": exp.union, "intersect": exp.intersect}
        distinct = plan.set_operation.op != "union all"
        builder = builders.get(plan.set_operation.op, exp.except_)
        query = builder(query, right, distinct=distinct)
    if plan.order_by:
        query = query.order_by(
            *(
                exp.Ordered(this=compiler.order_key(o.item), desc=o.descending, nulls_first=False)
                for o in plan.order_by
            )
        )
    if plan.limit is not None:
        query = query.limit(plan.limit)
    return query


def compile_plan(plan: QueryPlan, dialect: str, *, pretty: bool = True) -> str:
    """The SQL for ``plan`` in ``dialect`` (any sqlglot dialect); same plan, same bytes.

    Ordering puts NULLs last in every dialect, on purpose rather than each dialect's default
    (PostgreSQL and Snowflake sort NULLs as largest, SQLite, DuckDB ≤ 0.7 and BigQuery as
    smallest): a missing value is never "the lowest" or "the highest", and one plan returns
    the same rows on every engine, so a reviewed "top N" keeps its meaning when it moves.

    >>> plan = QueryPlan(
    ...     select=(SelectItem(column=ColumnRef(table="products", column="category")),
    ...             SelectItem(column=ColumnRef(table="products", column="price"),
    ...                        aggregate="avg")),
    ...     from_table="products",
    ...     group_by=(ColumnRef(table="products", column="category"),),
    ... )
    >>> print(compile_plan(plan, "postgres"))
    SELECT
      category,
      AVG(price) AS average_price
    FROM products
    GROUP BY
      category
    """
    Dialect.get_or_raise(dialect)
    tree = _build(plan)
    for identifier in tree.find_all(exp.Identifier):
        if not identifier.quoted and identifier.name.lower() in RESERVED_WORDS:
            identifier.set("quoted", True)
    return tree.sql(dialect=dialect, pretty=pretty)
