"""Enforcing a :class:`~sqlsynth.policy.Policy` on SQL: what the validator's policy checks ask,
and the rewrite step between translation and validation.

The rewrite (:func:`enforce_policy`) changes only what the policy says to change: with
``pii = "mask"`` each result column that carries a raw PII value is wrapped in the dialect's
mask (:func:`mask_expression`), and with a ``row_limit`` the outermost query gets
``LIMIT n`` (or a smaller one kept). The SQL written for review therefore shows the mask,
and the validator judges the rewritten SQL like any other, hand-edited SQL included.

Where PII may appear: anywhere that does not put its value in the result. WHERE, JOIN ON,
GROUP BY, HAVING, ORDER BY and window PARTITION BY/ORDER BY keys are free; ``COUNT(...)``
and ``COUNT(DISTINCT ...)`` of PII are numbers, not values, and pass. Any other result
expression that reads a PII column (``MAX(email)``, ``lower(email)``, ``email LIKE ...``)
carries it, through CTEs, subqueries and set operations.

>>> import sqlglot
>>> from sqlsynth.catalog import Catalog, Column, Table
>>> catalog = Catalog(tables=(Table(name="customers", columns=(
...     Column(name="name"), Column(name="email", tags=("pii",)))),))
>>> policy = Policy(pii="mask", row_limit=100)
>>> print(enforce_policy("SELECT name, email FROM customers", catalog, dialect="duckdb",
...                      policy=policy, pretty=False))
SELECT name, SHA256(CAST(email AS TEXT)) AS email FROM customers LIMIT 100
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import IntEnum
from functools import reduce

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import Scope, traverse_scope

from sqlsynth.catalog import Catalog
from sqlsynth.policy import Policy

# ---------------------------------------------------------------------------------------------
# Masks


REDACTED = "***"
"""What SQLite shows instead of a PII value: it has no hash function (NULL stays NULL)."""


def mask_expression(value: exp.Expr, dialect: str) -> exp.Expr:
    """``value`` as a lower-case hex SHA-256 of its text (SQLite: ``'***'``), for ``dialect``.

    >>> for dialect in ("duckdb", "postgres", "sqlite", "mysql", "snowflake", "bigquery"):
    ...     print(mask_expression(exp.column("email"), dialect).sql(dialect))
    SHA256(CAST(email AS TEXT))
    ENCODE(SHA256(CONVERT_TO(CAST(email AS TEXT), 'UTF8')), 'hex')
    CASE WHEN email IS NULL THEN NULL ELSE '***' END
    SHA2(CAST(email AS CHAR), 256)
    SHA2(CAST(email AS VARCHAR), 256)
    TO_HEX(SHA256(CAST(email AS STRING)))
    """
    text = exp.cast(value, exp.DataType.build("text"))
    sha256 = exp.Literal.number(256)
    if dialect == "sqlite":
        return (
            exp.case()
            .when(exp.Is(this=value, expression=exp.null()), exp.null())
            .else_(exp.Literal.string(REDACTED))
        )
    if dialect == "postgres":  # sha256() takes bytea and returns bytea
        utf8 = exp.Anonymous(this="CONVERT_TO", expressions=[text, exp.Literal.string("UTF8")])
        return exp.Encode(
            this=exp.SHA2(this=utf8, length=sha256), charset=exp.Literal.string("hex")
        )
    if dialect == "bigquery":  # SHA256() returns BYTES
        return exp.LowerHex(this=exp.SHA2Digest(this=text, length=sha256))
    # DuckDB, MySQL, Snowflake return hex text; other dialects get sqlglot's SHA2 (untested).
    return exp.SHA2(this=text, length=sha256)


_HASHES: tuple[type[exp.Expr], ...] = tuple(
    getattr(exp, name)
    for name in ("MD5", "MD5Digest", "SHA", "SHA1Digest", "SHA2", "SHA2Digest", "SHA512")
    if hasattr(exp, name)
)
_HASH_NAMES = frozenset(
    {"md5", "md5_hex", "sha1", "sha1_hex", "sha2_hex", "sha224", "sha256", "sha384", "sha512"}
)


def is_mask(node: exp.Expr) -> bool:
    """A cryptographic hash, or the redaction ``CASE WHEN x IS NULL THEN NULL ELSE '...' END``."""
    if isinstance(node, _HASHES):
        return True
    if isinstance(node, exp.Anonymous):
        return node.name.lower() in _HASH_NAMES
    if isinstance(node, exp.Case) and node.this is None:
        ifs = node.args.get("ifs") or []
        default = node.args.get("default")
        return (
            len(ifs) == 1
            and isinstance(ifs[0].this, exp.Is)
            and isinstance(ifs[0].this.expression, exp.Null)
            and isinstance(ifs[0].args.get("true"), exp.Null)
            and isinstance(default, exp.Literal)
            and default.is_string
        )
    return False


# ---------------------------------------------------------------------------------------------
# Where PII values reach the result


class Level(IntEnum):
    NONE = 0
    MASKED = 1
    RAW = 2


@dataclass(frozen=True)
class Exposure:
    """How much of which PII columns (``table.column``) a value carries."""

    level: Level = Level.NONE
    columns: frozenset[str] = field(default_factory=frozenset)

    def __or__(self, other: Exposure) -> Exposure:
        return Exposure(max(self.level, other.level), self.columns | other.columns)

    def masked(self) -> Exposure:
        return Exposure(min(self.level, Level.MASKED), self.columns)


_NOTHING = Exposure()
# Aggregates that return a number whatever the values: counting PII reveals none of it.
_COUNTS: tuple[type[exp.Expr], ...] = (exp.Count, exp.ApproxDistinct)


@dataclass(frozen=True)
class ExposedColumn:
    """A result column of an outermost SELECT that carries PII."""

    select: exp.Select
    index: int
    name: str
    exposure: Exposure


def _unwrap(node: exp.Expr) -> exp.Expr:
    while isinstance(node, exp.Subquery):
        node = node.this
    return node


def outer_selects(node: exp.Expr) -> list[exp.Select]:
    """The SELECTs whose columns are the result: the query, or each branch of a UNION."""
    node = _unwrap(node)
    if isinstance(node, exp.Select):
        return [node]
    if isinstance(node, exp.SetOperation):
        return outer_selects(node.this) + outer_selects(node.expression)
    return []


class _PiiTracer:
    """Per scope (inner first), what each output column carries."""

    def __init__(self, pii: frozenset[tuple[str, str]]) -> None:
        self.pii = pii
        self.outputs: dict[int, dict[str, Exposure]] = {}
        self.projections: dict[int, list[Exposure]] = {}

    def trace(self, scopes: Iterable[Scope]) -> None:
        for scope in scopes:
            query = scope.expression
            if isinstance(query, exp.Select):
                found = [self.exposure(p, scope) for p in query.expressions]
                self.projections[id(query)] = found
                names = [p.alias_or_name.lower() for p in query.expressions]
            elif isinstance(query, exp.SetOperation):
                branches = [
                    self.projections.get(id(s.expression), []) for s in scope.set_operation_scopes
                ]
                width = max((len(b) for b in branches), default=0)
                found = [
                    reduce(Exposure.__or__, (b[i] for b in branches if i < len(b)), _NOTHING)
                    for i in range(width)
                ]
                self.projections[id(query)] = found
                first = outer_selects(query)
                names = [p.alias_or_name.lower() for p in first[0].expressions] if first else []
            else:  # UNNEST, LATERAL, table functions: every column carries what they read
                found, names = [self.exposure(query, scope)], ["*"]
            self.outputs[id(query)] = dict(zip(names, found, strict=False))

    def exposure(self, node: exp.Expr, scope: Scope) -> Exposure:
        if isinstance(node, exp.Column):
            if isinstance(node.this, exp.Star):
                return self._everything(scope, only=node.table)
            return self._column(node, scope)
        if isinstance(node, exp.Star):
            return self._everything(scope)
        if isinstance(node, exp.TableColumn):  # a whole row: `SELECT to_json(p) FROM people p`
            row = self._source(node.name, scope)
            return self._whole(row) if row is not None else _NOTHING
        inner = _unwrap(node)
        if isinstance(inner, exp.Query) and id(inner) in self.outputs:
            return reduce(Exposure.__or__, self.outputs[id(inner)].values(), _NOTHING)
        if isinstance(node, _COUNTS):
            return _NOTHING
        if isinstance(node, exp.Window):  # PARTITION BY / ORDER BY are keys, not values
            return self.exposure(node.this, scope)
        found = reduce(
            Exposure.__or__, (self.exposure(c, scope) for c in node.iter_expressions()), _NOTHING
        )
        return found.masked() if is_mask(node) else found

    def _source(self, alias: str, scope: Scope) -> exp.Table | Scope | None:
        current: Scope | None = scope
        while current is not None:
            if alias in current.sources:
                source = current.sources[alias]
                return source if isinstance(source, (exp.Table, Scope)) else None
            current = current.parent
        return None

    def _from_source(self, source: exp.Table | Scope | None, column: str) -> Exposure:
        if isinstance(source, exp.Table):
            key = (source.name.lower(), column.lower())
            if key in self.pii:
                return Exposure(Level.RAW, frozenset({".".join(key)}))
            return _NOTHING
        if isinstance(source, Scope):
            outputs = self.outputs.get(id(source.expression), {})
            return outputs.get(column.lower()) or outputs.get("*") or _NOTHING
        return _NOTHING

    def _column(self, column: exp.Column, scope: Scope) -> Exposure:
        if column.table:
            return self._from_source(self._source(column.table, scope), column.name)
        # Not qualified (sqlglot could not tell its table): it may be any source's column,
        found = reduce(
            Exposure.__or__,
            (self._from_source(s, column.name) for s in scope.sources.values()),
            _NOTHING,
        )
        # or a whole row, `SELECT to_json(p) FROM people AS p`.
        row = self._source(column.name, scope)
        return found | self._whole(row) if row is not None else found

    def _whole(self, source: exp.Table | Scope) -> Exposure:
        """Everything a source carries: all its PII columns."""
        if isinstance(source, exp.Table):
            table = source.name.lower()
            return reduce(
                Exposure.__or__,
                (Exposure(Level.RAW, frozenset({f"{t}.{c}"})) for t, c in self.pii if t == table),
                _NOTHING,
            )
        return reduce(
            Exposure.__or__, self.outputs.get(id(source.expression), {}).values(), _NOTHING
        )

    def _everything(self, scope: Scope, only: str = "") -> Exposure:
        sources = (s for alias, s in scope.sources.items() if not only or alias == only)
        return reduce(
            Exposure.__or__,
            (self._whole(s) for s in sources if isinstance(s, (exp.Table, Scope))),
            _NOTHING,
        )


def exposed_columns(qualified: exp.Expr, catalog: Catalog, policy: Policy) -> list[ExposedColumn]:
    """Result columns of ``qualified`` (a statement sqlglot qualified) that carry PII.

    >>> from sqlsynth.catalog import Column, Table
    >>> catalog = Catalog(tables=(Table(name="customers", columns=(
    ...     Column(name="id"), Column(name="email", tags=("pii",)))),))
    >>> tree = qualify(sqlglot.parse_one(
    ...     "WITH c AS (SELECT email FROM customers) SELECT email, COUNT(email) AS n FROM c "
    ...     "GROUP BY email"), schema=catalog.sqlglot_schema())
    >>> [(c.name, c.exposure.level.name) for c in exposed_columns(tree, catalog, Policy())]
    [('email', 'RAW')]
    """
    pii = policy.pii_columns_of(catalog)
    if not pii:
        return []
    try:
        scopes = traverse_scope(qualified)
    except SqlglotError:
        scopes = []
    tracer = _PiiTracer(pii)
    tracer.trace(scopes)
    found = []
    selects = outer_selects(qualified)
    names = [p.alias_or_name for p in selects[0].expressions] if selects else []
    for select in selects:
        exposures = tracer.projections.get(id(select))
        if exposures is None:  # sqlglot could not scope it: judge each column on its own
            scope = Scope(select)
            exposures = [tracer.exposure(p, scope) for p in select.expressions]
        for index, (projection, exposure) in enumerate(
            zip(select.expressions, exposures, strict=False)
        ):
            if exposure.level > Level.NONE:
                name = names[index] if index < len(names) else projection.alias_or_name
                found.append(ExposedColumn(select, index, name, exposure))
    return found


# ---------------------------------------------------------------------------------------------
# Required filters


_SIMPLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


@dataclass(frozen=True)
class MissingFilter:
    table: str
    required: str


def and_terms(condition: exp.Expr) -> Iterator[exp.Expr]:
    """The terms ``condition`` ANDs together, parentheses removed.

    >>> [t.sql() for t in and_terms(sqlglot.parse_one("(a = 1 AND b = 2) AND c"))]
    ['a = 1', 'b = 2', 'c']
    """
    condition = condition.unnest()
    if isinstance(condition, exp.And):
        yield from and_terms(condition.left)
        yield from and_terms(condition.right)
    else:
        yield condition


def _is_column(node: exp.Expr, alias: str, name: str) -> bool:
    return (
        isinstance(node, exp.Column)
        and node.name.lower() == name.lower()
        and node.table in (alias, "")
    )


def _is_value(node: exp.Expr) -> bool:
    """A literal, parameter or expression of them: nothing read from a table."""
    return node.find(exp.Column, exp.Query) is None


def _pins(term: exp.Expr, alias: str, column: str) -> bool:
    """``column = value`` (either way round) or ``column IN (values)``."""
    if isinstance(term, (exp.EQ, exp.NullSafeEQ)):
        left, right = term.left, term.right
        return (_is_column(left, alias, column) and _is_value(right)) or (
            _is_column(right, alias, column) and _is_value(left)
        )
    if isinstance(term, exp.In):
        values = term.expressions
        return (
            _is_column(term.this, alias, column)
            and bool(values)
            and term.args.get("query") is None
            and all(_is_value(v) for v in values)
        )
    return False


def _unqualified(term: exp.Expr, alias: str, dialect: str) -> str:
    term = term.copy()
    for column in term.find_all(exp.Column):
        if column.table in (alias, ""):
            column.set("table", None)
    for identifier in term.find_all(exp.Identifier):  # names were normalised: quotes add nothing
        identifier.set("quoted", False)
    return term.sql(dialect=dialect)


def _conditions(select: exp.Select, table: exp.Table) -> list[exp.Expr]:
    """The AND-ed terms that filter ``table``'s rows: the WHERE and the table's own JOIN ON."""
    found: list[exp.Expr] = []
    where = select.args.get("where")
    if where is not None:
        found.extend(and_terms(where.this))
    for join in select.args.get("joins") or []:
        if join.this is table and join.args.get("on") is not None:
            found.extend(and_terms(join.args["on"]))
    return found


def _satisfied(required: str, terms: list[exp.Expr], alias: str, dialect: str) -> bool:
    if _SIMPLE_NAME.fullmatch(required):
        return any(_pins(term, alias, required) for term in terms)
    try:
        predicate = normalize_identifiers(sqlglot.parse_one(required, read=dialect), dialect)
    except SqlglotError:
        return False
    present = {_unqualified(term, alias, dialect) for term in terms}
    return all(_unqualified(t, "", dialect) in present for t in and_terms(predicate))


def missing_filters(qualified: exp.Expr, policy: Policy, *, dialect: str) -> list[MissingFilter]:
    """Each read of a table that lacks one of the filters the policy requires for it."""
    if not policy.required_filters:
        return []
    try:
        scopes = traverse_scope(qualified)
    except SqlglotError:
        return []
    missing: list[MissingFilter] = []
    for scope in scopes:
        if not isinstance(scope.expression, exp.Select):
            continue
        for alias, source in scope.sources.items():
            if not isinstance(source, exp.Table):
                continue
            terms = _conditions(scope.expression, source)
            for required in policy.filters_for(source.name):
                if not _satisfied(required, terms, alias, dialect):
                    missing.append(MissingFilter(source.name, required))
    return list(dict.fromkeys(missing))


# ---------------------------------------------------------------------------------------------
# Row limits


def _written_limit(statement: exp.Expr) -> tuple[int | None, exp.Expr | None]:
    """The outermost LIMIT's (or FETCH FIRST's) count as written, and its options."""
    limit = _unwrap(statement).args.get("limit")
    count = None
    if isinstance(limit, exp.Limit):
        count = limit.expression
    elif isinstance(limit, exp.Fetch):
        count = limit.args.get("count")
    options = limit.args.get("limit_options") if limit is not None else None
    if isinstance(count, exp.Literal) and not count.is_string and count.this.isdigit():
        return int(count.this), options
    return None, options


def row_limit_of(statement: exp.Expr) -> int | None:
    """The outermost LIMIT (or FETCH FIRST) as a number of rows; None when absent, not a
    number, or not a cap on rows: ``PERCENT`` counts a share, ``WITH TIES`` may return more.

    >>> row_limit_of(sqlglot.parse_one("SELECT a FROM t LIMIT 50")), row_limit_of(
    ...     sqlglot.parse_one("SELECT a FROM t LIMIT 50 PERCENT", read="duckdb"))
    (50, None)
    """
    count, options = _written_limit(statement)
    if options is not None and (options.args.get("percent") or options.args.get("with_ties")):
        return None
    return count


# ---------------------------------------------------------------------------------------------
# The rewrite step


def _qualified(statement: exp.Expr, catalog: Catalog, dialect: str) -> exp.Expr | None:
    from sqlsynth.validate import catalog_schema  # validate imports this module

    try:
        return qualify(
            statement.copy(),
            dialect=dialect,
            schema=catalog_schema(catalog, dialect),
            validate_qualify_columns=False,
            allow_partial_qualification=True,
            identify=False,
        )
    except SqlglotError:
        return None


def mask_pii(statement: exp.Expr, catalog: Catalog, *, dialect: str, policy: Policy) -> bool:
    """Wrap every result column carrying a raw PII value in its mask; True if one was."""
    qualified = _qualified(statement, catalog, dialect)
    if qualified is None:
        return False
    originals = outer_selects(statement)
    positions = {id(s): i for i, s in enumerate(outer_selects(qualified))}
    changed = False
    for column in exposed_columns(qualified, catalog, policy):
        if column.exposure.level < Level.RAW:
            continue
        select = originals[positions[id(column.select)]]
        if len(select.expressions) != len(column.select.expressions):  # a `*` was expanded
            select.set("expressions", [p.copy() for p in column.select.expressions])
        projection = select.expressions[column.index]
        value = projection.this if isinstance(projection, exp.Alias) else projection
        alias = exp.to_identifier(column.name)
        if isinstance(projection, exp.Alias):
            alias = projection.args["alias"].copy()
        elif isinstance(projection, exp.Column):
            alias = projection.this.copy()
        projection.replace(exp.alias_(mask_expression(value.copy(), dialect), alias))
        changed = True
    return changed


def limit_rows(statement: exp.Expr, limit: int) -> bool:
    """Make the outermost query return at most ``limit`` rows; True if it had to change."""
    current = row_limit_of(statement)
    if current is not None and current <= limit:
        return False
    written, options = _written_limit(statement)
    if written is not None and not (options is not None and options.args.get("percent")):
        limit = min(limit, written)  # `FETCH FIRST 5 ROWS WITH TIES` becomes LIMIT 5
    _unwrap(statement).set("limit", exp.Limit(expression=exp.Literal.number(limit)))
    return True


def enforce_policy(
    sql: str, catalog: Catalog, *, dialect: str, policy: Policy, pretty: bool = True
) -> str:
    """``sql`` with PII masked (``pii = "mask"``) and rows capped (``row_limit``), if needed.

    SQL that does not parse, or is not one query, comes back as it was: the validator will say
    why. SQL that needs no change comes back byte for byte.
    """
    needs_mask = policy.pii_mode == "mask" and bool(policy.pii_columns_of(catalog))
    if not needs_mask and policy.row_limit is None:
        return sql
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except SqlglotError:
        return sql
    if len(statements) != 1 or not outer_selects(statements[0]):
        return sql
    statement = statements[0]
    changed = needs_mask and mask_pii(statement, catalog, dialect=dialect, policy=policy)
    if policy.row_limit is not None:
        changed = limit_rows(statement, policy.row_limit) or changed
    return statement.sql(dialect=dialect, pretty=pretty) if changed else sql
