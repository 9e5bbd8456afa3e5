"""Is this SQL safe to run, and does it mean what the catalog says it can mean?

Validation reads like sqlglot's optimizer: :data:`CHECKS` lists small named checks, each a
function ``check(ctx) -> Iterable[Finding]``, and :func:`validate_sql` parses the SQL once and
runs them in order. The first checks are gates (:data:`GATES`): when the SQL is not exactly one
read-only statement free of file, network and admin functions, the schema checks after them
are skipped, because their findings on such a tree would only bury the real problem. SQL that
does not parse (or an unknown dialect) is one ``parse`` (or ``dialect``) finding, and no check runs.

The same report serves the generator (its errors go back to an LLM as repair feedback), the
``sqlsynth validate``/``check`` commands, and reviewers: every finding says what is wrong and
what to do about it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import sqlglot
from pydantic import BaseModel, ConfigDict
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect, DialectType
from sqlglot.errors import ErrorLevel, OptimizeError, ParseError, SqlglotError
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.resolver import Resolver
from sqlglot.optimizer.scope import Scope, traverse_scope
from sqlglot.schema import MappingSchema

from sqlsynth import enforce
from sqlsynth.catalog import Catalog
from sqlsynth.errors import ValidationError
from sqlsynth.policy import NO_POLICY, Policy
from sqlsynth.suggest import nearest

Severity = Literal["error", "warning"]


class Finding(BaseModel):
    """One problem in the SQL, named after the check that found it."""

    model_config = ConfigDict(frozen=True)

    check: str
    severity: Severity
    message: str
    hint: str | None = None


class ValidationReport(BaseModel):
    """Everything the checks found in one piece of SQL; ``ok`` when nothing is an error."""

    model_config = ConfigDict(frozen=True)

    sql: str
    dialect: str
    findings: tuple[Finding, ...] = ()
    tables: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    def raise_for_errors(self, name: str) -> None:
        """Raise :class:`~sqlsynth.errors.ValidationError` naming ``name`` if any check failed."""
        if self.ok:
            return
        first = self.errors[0]
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        raise ValidationError(
            f"{name}: SQL failed validation: [{first.check}] {first.message}{more}",
            hint=first.hint,
            findings=self.errors,
        )


@dataclass(frozen=True)
class CheckContext:
    """What every check may look at: the parsed statements and what they are checked against."""

    sql: str
    dialect: str
    catalog: Catalog
    sources: tuple[str, ...]
    statements: tuple[exp.Expr, ...]
    policy: Policy = NO_POLICY

    @property
    def statement(self) -> exp.Expr:
        """The statement; checks after the gates may rely on there being exactly one."""
        return self.statements[0]

    @cached_property
    def sqlglot_dialect(self) -> Dialect:
        return _dialect_with_pseudocolumns(self.dialect)

    @cached_property
    def schema(self) -> MappingSchema:
        return catalog_schema(self.catalog, self.sqlglot_dialect)

    @cached_property
    def tables(self) -> tuple[exp.Table, ...]:
        """Every named table the queries read, CTE references excluded."""
        queries = (s for s in self.statements if isinstance(_unwrap(s), _READ_ONLY_ROOTS))
        return tuple(t for query in queries for t in read_tables(query))

    @cached_property
    def table_names(self) -> tuple[str, ...]:
        return tuple(sorted({t.name.lower() for t in self.tables}))

    @cached_property
    def unknown_tables(self) -> tuple[exp.Table, ...]:
        """Tables the engine would not find: missing, or quoted in a case the catalog lacks."""
        return tuple(t for t in self.tables if not self._resolves(t))

    def _resolves(self, table: exp.Table) -> bool:
        known = self.catalog.table(table.name)
        bare = exp.Table(this=table.this.copy())
        return known is not None and (not known.columns or bool(self.schema.column_names(bare)))

    @cached_property
    def qualified(self) -> exp.Expr | None:
        """The statement with every column qualified, or None where sqlglot cannot do it."""
        try:
            return qualify(
                self.statement.copy(),
                dialect=self.sqlglot_dialect,
                schema=self.schema,
                validate_qualify_columns=False,
                allow_partial_qualification=True,
            )
        except SqlglotError:
            return None


Check = Callable[[CheckContext], Iterable[Finding]]

# ---------------------------------------------------------------------------------------------
# Shared helpers


_SIMPLE_NAME = re.compile(r"[a-z_][a-z0-9_]*")


# Columns every table has without declaring them; sqlglot compares these in upper case.
_PSEUDOCOLUMNS: Mapping[str, frozenset[str]] = {
    "duckdb": frozenset({"ROWID"}),
    "sqlite": frozenset({"ROWID", "OID", "_ROWID_"}),
    "postgres": frozenset({"CTID", "XMIN", "XMAX", "CMIN", "CMAX", "TABLEOID"}),
}


def _for_dialect(table: Mapping[str, frozenset[str]], dialect: Dialect) -> frozenset[str] | None:
    """The entry for ``dialect`` or the dialect it derives from (Materialize from Postgres)."""
    for cls in type(dialect).__mro__:
        names = table.get(cls.__name__.lower())
        if names is not None:
            return names
    return None


def _dialect_with_pseudocolumns(name: str) -> Dialect:
    dialect = Dialect.get_or_raise(name)  # a fresh instance: changing it changes no one else's
    dialect.PSEUDOCOLUMNS = dialect.PSEUDOCOLUMNS | (_for_dialect(_PSEUDOCOLUMNS, dialect) or set())
    return dialect


def _schema_key(name: str, dialect: DialectType) -> str:
    # Lower-case simple names are case-insensitive (SQLAlchemy's convention, and what
    # Postgres/DuckDB store for unquoted names); anything else must match exactly.
    if _SIMPLE_NAME.fullmatch(name):
        return name
    return exp.to_identifier(name, quoted=True).sql(dialect=dialect)


def catalog_schema(catalog: Catalog, dialect: DialectType) -> MappingSchema:
    """The catalog as a sqlglot schema that resolves names the way ``dialect`` does.

    >>> from sqlsynth.catalog import Column, Table
    >>> catalog = Catalog(tables=(Table(name="orders", columns=(Column(name="id"),)),))
    >>> catalog_schema(catalog, "snowflake").column_names("ORDERS")
    ['ID']
    """
    mapping: dict[str, object] = {
        _schema_key(table.name, dialect): {
            _schema_key(column.name, dialect): column.type or "UNKNOWN" for column in table.columns
        }
        for table in catalog.tables
    }
    return MappingSchema(mapping, dialect=dialect)


def read_tables(statement: exp.Expr) -> list[exp.Table]:
    """The named tables ``statement`` reads: not CTE references, not table functions."""
    try:
        scopes = traverse_scope(statement)
    except OptimizeError:
        scopes = []
    if scopes:
        found = {
            id(source): source
            for scope in scopes
            for source in scope.sources.values()
            if isinstance(source, exp.Table)
        }
        tables: Iterable[exp.Table] = found.values()
    else:
        ctes = {cte.alias_or_name.lower() for cte in statement.find_all(exp.CTE)}
        tables = (t for t in statement.find_all(exp.Table) if t.db or t.name.lower() not in ctes)
    return [t for t in tables if isinstance(t.this, exp.Identifier) and t.name]


def _did_you_mean(word: str, candidates: Iterable[str], *, what: str) -> str:
    options = sorted(set(candidates))
    match = nearest(word, options)
    if match:
        return f"did you mean `{match}`?"
    if not options:
        return f"no {what} are known here"
    shown = ", ".join(options[:12]) + (", ..." if len(options) > 12 else "")
    return f"known {what}: {shown}"


def _error(check: str, message: str, hint: str | None) -> Finding:
    return Finding(check=check, severity="error", message=message, hint=hint)


def _warning(check: str, message: str, hint: str | None) -> Finding:
    return Finding(check=check, severity="warning", message=message, hint=hint)


# ---------------------------------------------------------------------------------------------
# Gates: one read-only statement, no dangerous functions


def single_statement(ctx: CheckContext) -> Iterator[Finding]:
    """Exactly one statement: a second one (``SELECT 1; DROP TABLE x``) would run unreviewed."""
    if not ctx.statements:
        yield _error("single_statement", "the SQL is empty", "write one SELECT statement")
    elif len(ctx.statements) > 1:
        yield _error(
            "single_statement",
            f"found {len(ctx.statements)} statements; exactly one is allowed",
            "remove everything after the first statement's semicolon",
        )


_READ_ONLY_ROOTS = (exp.Select, exp.SetOperation)

# Nodes that write data, change the schema or session, or lock: refused anywhere in the tree.
_STATE_CHANGING: tuple[type[exp.Expr], ...] = (
    exp.Insert,
    exp.Update,
    exp.Delete,
    exp.Merge,
    exp.Create,
    exp.Drop,
    exp.Alter,
    exp.TruncateTable,
    exp.Copy,
    exp.Export,
    exp.LoadData,
    exp.Attach,
    exp.Detach,
    exp.Pragma,
    exp.Set,
    exp.Grant,
    exp.Revoke,
    exp.Comment,
    exp.Transaction,
    exp.Commit,
    exp.Rollback,
    exp.Use,
    exp.Install,
    exp.Kill,
    exp.Execute,
    exp.ExecuteSql,
    exp.Declare,
    exp.Put,
    exp.Get,
    exp.Cache,
    exp.Uncache,
    exp.Refresh,
    exp.Analyze,
    exp.Undrop,
    exp.SwapTable,
    exp.NextValueFor,
    exp.Command,
    exp.Into,
    exp.Lock,
)

_LABELS: Mapping[type[exp.Expr], str] = {
    exp.TruncateTable: "TRUNCATE",
    exp.LoadData: "LOAD DATA",
    exp.NextValueFor: "NEXT VALUE FOR (advances a sequence)",
    exp.Into: "SELECT ... INTO (creates a table)",
    exp.Lock: "a locking clause (FOR UPDATE/FOR SHARE)",
}

_READ_ONLY_HINT = (
    "generate one SELECT (optionally WITH ... CTEs, UNION/INTERSECT/EXCEPT); "
    "writes, DDL, locks and session commands are never allowed"
)


def _label(node: exp.Expr) -> str:
    if isinstance(node, exp.Command):
        return node.name.upper()
    return _LABELS.get(type(node), node.key.upper())


def _not_a_query(node: exp.Expr) -> str:
    # sqlglot reads some unknown statements (CHECKPOINT, LISTEN x) as bare expressions.
    if isinstance(node, (exp.Condition, exp.Alias, exp.Identifier)):
        return "only a read-only SELECT may run, and this is not a query"
    return f"only a read-only SELECT may run, not {_label(node)}"


def _unwrap(node: exp.Expr) -> exp.Expr:
    while isinstance(node, exp.Subquery):
        node = node.this
    return node


def _where(node: exp.Expr) -> str:
    cte = node.find_ancestor(exp.CTE)
    if cte is not None:
        return f" inside the CTE `{cte.alias_or_name}`"
    return " inside a subquery" if node.find_ancestor(exp.Subquery) else ""


def read_only(ctx: CheckContext) -> Iterator[Finding]:
    """A SELECT or set operation with nothing that writes or locks, not even inside a CTE."""
    for statement in ctx.statements:
        if not isinstance(_unwrap(statement), _READ_ONLY_ROOTS):
            yield _error(
                "read_only",
                _not_a_query(statement),
                _READ_ONLY_HINT,
            )
            continue
        for node in statement.find_all(*_STATE_CHANGING):
            yield _error(
                "read_only",
                f"{_label(node)}{_where(node)} is not read-only",
                _READ_ONLY_HINT,
            )


# Names are compared in lower case. A name in any dialect's list that reads files or the
# network is refused everywhere: transpiled or hand-edited SQL may still reach such an engine.
COMMON_DANGEROUS_FUNCTIONS: frozenset[str] = frozenset(
    {
        "read_csv",
        "read_csv_auto",
        "read_parquet",
        "read_json",
        "read_json_auto",
        "read_text",
        "read_blob",
        "parquet_scan",
        "pg_read_file",
        "pg_read_binary_file",
        "pg_ls_dir",
        "pg_stat_file",
        "lo_import",
        "lo_export",
        "readfile",
        "writefile",
        "load_extension",
        "load_file",
        "external_query",
        "dblink",
        "dblink_exec",
        "openrowset",
        "opendatasource",
        "openquery",
        "xp_cmdshell",
        "sys_exec",
        "sys_eval",
        "sleep",
        "pg_sleep",
        "benchmark",
    }
)

_DIALECT_DANGEROUS_FUNCTIONS: Mapping[str, frozenset[str]] = {
    "duckdb": frozenset(
        {
            # files and object stores
            "read_csv",
            "read_csv_auto",
            "read_parquet",
            "parquet_scan",
            "read_json",
            "read_json_auto",
            "read_json_objects",
            "read_json_objects_auto",
            "read_ndjson",
            "read_ndjson_auto",
            "read_ndjson_objects",
            "read_text",
            "read_blob",
            "read_xlsx",
            "glob",
            "parquet_metadata",
            "parquet_schema",
            "parquet_file_metadata",
            "parquet_kv_metadata",
            "parquet_bloom_probe",
            "sniff_csv",
            "iceberg_scan",
            "iceberg_metadata",
            "iceberg_snapshots",
            "delta_scan",
            "st_read",
            "st_read_meta",
            # other databases and the network
            "sqlite_scan",
            "sqlite_attach",
            "postgres_scan",
            "postgres_scan_pushdown",
            "postgres_query",
            "postgres_execute",
            "postgres_attach",
            "mysql_query",
            "mysql_execute",
            "http_get",
            "http_post",
            # SQL from strings, environment, secrets, settings, sequences
            "query",
            "query_table",
            "json_execute_serialized_sql",
            "getenv",
            "duckdb_secrets",
            "which_secret",
            "duckdb_settings",
            "current_setting",
            "nextval",
            "setval",
        }
    ),
    "postgres": frozenset(
        {
            # server files
            "pg_read_file",
            "pg_read_binary_file",
            "pg_ls_dir",
            "pg_ls_logdir",
            "pg_ls_waldir",
            "pg_ls_tmpdir",
            "pg_ls_archive_statusdir",
            "pg_stat_file",
            "pg_file_write",
            "pg_file_rename",
            "pg_file_unlink",
            "lo_import",
            "lo_export",
            "lo_get",
            "lo_put",
            "lo_from_bytea",
            "lo_create",
            "lo_unlink",
            # sleep, locks, notifications
            "pg_sleep",
            "pg_sleep_for",
            "pg_sleep_until",
            "pg_advisory_lock",
            "pg_advisory_xact_lock",
            "pg_try_advisory_lock",
            "pg_notify",
            # other servers
            "dblink",
            "dblink_exec",
            "dblink_connect",
            "dblink_open",
            "dblink_send_query",
            # administration and settings
            "pg_terminate_backend",
            "pg_cancel_backend",
            "set_config",
            "current_setting",
            "pg_reload_conf",
            "pg_rotate_logfile",
            "pg_promote",
            "pg_switch_wal",
            "pg_create_restore_point",
            "pg_stat_reset",
            # sequences (writes) and SQL run from strings or whole-table dumps
            "nextval",
            "setval",
            "query_to_xml",
            "query_to_xmlschema",
            "query_to_xml_and_xmlschema",
            "cursor_to_xml",
            "table_to_xml",
            "schema_to_xml",
            "database_to_xml",
        }
    ),
    "sqlite": frozenset(
        {
            "load_extension",
            "readfile",
            "writefile",
            "fts3_tokenizer",
            "edit",
            "zipfile",
            "fsdir",
            "sqlite_dbpage",
        }
    ),
    "mysql": frozenset(
        {
            # server files (SELECT ... INTO OUTFILE/DUMPFILE does not even parse, so it fails)
            "load_file",
            # sleeps, named locks and replication waits hold a connection open
            "sleep",
            "benchmark",
            "get_lock",
            "release_lock",
            "release_all_locks",
            "is_free_lock",
            "is_used_lock",
            "master_pos_wait",
            "source_pos_wait",
            "wait_for_executed_gtid_set",
            "wait_until_sql_thread_after_gtids",
            # shell UDFs (lib_mysqludf_sys) and state: MariaDB sequences, LAST_INSERT_ID(expr)
            "sys_exec",
            "sys_eval",
            "sys_get",
            "sys_set",
            "nextval",
            "setval",
            "last_insert_id",
        }
    ),
    "snowflake": frozenset(
        {
            # stage files and the URLs that hand them out
            "get_presigned_url",
            "build_scoped_file_url",
            "build_stage_file_url",
            "get_absolute_path",
            "get_relative_path",
            "get_stage_location",
            "to_file",
            "infer_schema",
            "generate_column_description",
            "parse_document",
            "ai_parse_document",
            # earlier queries' results and load validation
            "result_scan",
            "validate",
            "validate_pipe_load",
            # Cortex AI functions: rows leave the query for a model (and cost credits)
            "ai_agg",
            "ai_classify",
            "ai_complete",
            "ai_embed",
            "ai_extract",
            "ai_filter",
            "ai_sentiment",
            "ai_similarity",
            "ai_summarize_agg",
            "ai_transcribe",
            "ai_translate",
        }
    ),
    "bigquery": frozenset(
        {
            # other databases, and models that may call Vertex AI endpoints; sqlglot parses
            # ML.PREDICT, ML.GENERATE_TEXT, ML.TRANSLATE, AI.FORECAST ... to these names
            "external_query",
            "predict",
            "generate_text",
            "generate_embedding",
            "generate_table",
            "generate_bool",
            "generate_int",
            "generate_double",
            "ai_generate",
            "a_i_forecast",
            "m_l_forecast",
            "m_l_translate",
            "features_at_time",
        }
    ),
}

DANGEROUS_FUNCTION_NAMESPACES: Mapping[str, frozenset[str]] = {
    "snowflake": frozenset({"snowflake.cortex"}),
    "bigquery": frozenset({"ml", "ai", "obj"}),
}
"""Per dialect, qualified function names refused whatever the function: Snowflake Cortex
(``SNOWFLAKE.CORTEX.COMPLETE``), BigQuery ML and AI functions, and ``OBJ.GET_ACCESS_URL``
(signed URLs to object tables). Compared in lower case, without quotes."""

DANGEROUS_FUNCTIONS: Mapping[str, frozenset[str]] = {
    dialect: names | COMMON_DANGEROUS_FUNCTIONS
    for dialect, names in _DIALECT_DANGEROUS_FUNCTIONS.items()
}
"""Per dialect, the functions refused in generated SQL: the dialect's own plus the common list.

Snowflake's ``SYSTEM$...`` functions are refused by prefix (:data:`DANGEROUS_FUNCTION_PREFIXES`).
"""

DANGEROUS_FUNCTION_PREFIXES: tuple[str, ...] = ("system$",)

_DANGEROUS_HINT = (
    "generated SQL may read only catalog tables: reading files or the network, sleeping, "
    "and system/admin functions are not allowed"
)

# A table "name" that is really a file path, URL or glob: DuckDB reads such files directly.
_PATH_LIKE = re.compile(r"[/\\*?:]|\.[A-Za-z0-9]{1,8}$")


def denied_functions(dialect: str) -> frozenset[str]:
    """The deny list for ``dialect`` (dialects derived from one, e.g. Materialize, inherit it)."""
    found = _for_dialect(DANGEROUS_FUNCTIONS, Dialect.get_or_raise(dialect))
    return COMMON_DANGEROUS_FUNCTIONS if found is None else found


def _function_names(node: exp.Func) -> set[str]:
    if isinstance(node, (exp.Anonymous, exp.AnonymousAggFunc)):
        return {node.name.lower()}
    # Typed nodes, e.g. DuckDB's read_csv parses to exp.ReadCSV.
    return {name.lower() for name in type(node).sql_names()}


def _is_denied(names: set[str], denied: frozenset[str]) -> bool:
    return bool(names & denied) or any(n.startswith(DANGEROUS_FUNCTION_PREFIXES) for n in names)


def _namespace(func: exp.Func) -> str | None:
    """``snowflake.cortex`` for ``SNOWFLAKE.CORTEX.COMPLETE(...)``; None for a bare call."""
    dot = func.parent
    if not isinstance(dot, exp.Dot) or dot.expression is not func:
        return None
    parts = [node.name for node in dot.this.walk(bfs=False) if isinstance(node, exp.Identifier)]
    return ".".join(parts).lower() or None


def _file_table(table: exp.Table, catalog: Catalog) -> str | None:
    """The path or stage a table reference reads, when it is not a catalog table."""
    if isinstance(table.this, exp.Var) and table.name.startswith("@"):
        return table.name  # a Snowflake stage
    if isinstance(table.this, exp.Literal) and table.this.is_string:
        return table.name  # a quoted stage or file path: Snowflake's FROM '@"my stage"/f.csv'
    if isinstance(table.this, exp.Identifier) and _PATH_LIKE.search(table.name):
        return None if catalog.table(table.name) else table.name
    return None


def dangerous_functions(ctx: CheckContext) -> Iterator[Finding]:
    """No file or network readers, sleeps, or system/admin functions, as calls or as tables."""
    denied = denied_functions(ctx.dialect)
    namespaces = _for_dialect(DANGEROUS_FUNCTION_NAMESPACES, ctx.sqlglot_dialect) or frozenset()
    reported: set[str] = set()
    for statement in ctx.statements:
        for func in statement.find_all(exp.Func):
            names = _function_names(func)
            name = func.name if isinstance(func, exp.Anonymous) else min(names, default="")
            namespace = _namespace(func)
            in_denied_namespace = namespace in namespaces
            if in_denied_namespace:
                name = f"{namespace}.{name}"
            if (_is_denied(names, denied) or in_denied_namespace) and name.lower() not in reported:
                reported.add(name.lower())
                yield _error(
                    "dangerous_functions",
                    f"`{name}()` is refused: it reads files, the network or server state, "
                    "sleeps, or administers the server",
                    _DANGEROUS_HINT,
                )
        for table in statement.find_all(exp.Table):
            path = _file_table(table, ctx.catalog)
            if path is not None:
                yield _error(
                    "dangerous_functions",
                    f"`{path}` is a file path or stage used as a table",
                    _DANGEROUS_HINT,
                )


# ---------------------------------------------------------------------------------------------
# Schema checks: every table and column exists, and only allowed tables are read


def known_tables(ctx: CheckContext) -> Iterator[Finding]:
    """Every table is in the catalog, by bare name, matched as the dialect matches names.

    Unquoted names match in any case; a quoted name must match the catalog's case where the
    dialect is case-sensitive (PostgreSQL, Snowflake), since the engine would not find it either.
    """
    reported: set[str] = set()
    for table in ctx.unknown_tables:
        written = table.sql(dialect=ctx.dialect)
        if written in reported:
            continue
        reported.add(written)
        known = ctx.catalog.table(table.name)
        if known is None:
            hint = _did_you_mean(table.name, ctx.catalog.table_names, what="tables")
            yield _error("known_tables", f"unknown table `{written}`", hint)
        else:
            yield _error(
                "known_tables",
                f"table `{written}` does not match the case of `{known.name}` in the catalog",
                f"write it as `{_schema_key(known.name, ctx.dialect)}`",
            )


def known_columns(ctx: CheckContext) -> Iterator[Finding]:
    """Every column resolves against the tables, CTEs and subqueries in its scope."""
    if ctx.unknown_tables:
        return  # known_tables said why; guessing columns of a missing table only adds noise
    try:
        qualify(
            ctx.statement.copy(),
            dialect=ctx.sqlglot_dialect,
            schema=ctx.schema,
            validate_qualify_columns=True,
        )
    except OptimizeError as exc:
        found = _diagnose_columns(ctx)
        yield from found or [
            _error(
                "known_columns",
                str(exc).splitlines()[0],
                "check the column names against the catalog",
            )
        ]
    except Exception as exc:  # a sqlglot limitation must not pass for an error in the SQL
        yield _warning(
            "known_columns",
            f"columns could not be checked: {type(exc).__name__}: {exc}",
            "review the column names by hand",
        )


def _diagnose_columns(ctx: CheckContext) -> list[Finding]:
    """Name every column that does not resolve (sqlglot's own error names only the first)."""
    tree = ctx.qualified
    if tree is None:
        return []
    findings: list[Finding] = []
    reported: set[int] = set()
    try:
        for scope in traverse_scope(tree):
            if not isinstance(scope.expression, exp.Select):
                continue
            resolver = Resolver(scope, ctx.schema)
            for column in scope.columns:
                if id(column) in reported or isinstance(column.this, exp.Star):
                    continue
                finding = _column_problem(column, scope, resolver)
                if finding is not None:
                    reported.add(id(column))
                    findings.append(finding)
    except SqlglotError:
        return findings
    return findings


def _column_problem(column: exp.Column, scope: Scope, resolver: Resolver) -> Finding | None:
    if not column.table:
        return _unresolved_column(column, scope, resolver)
    if column.table in scope.sources:
        known = resolver.get_source_columns(column.table)
        if not known or "*" in known or column.name in known:
            return None
        source = scope.sources[column.table]
        where = f"`{column.table}`"
        if isinstance(source, exp.Table) and source.name != column.table:
            where = f"`{source.name}` (as `{column.table}`)"
        return _error(
            "known_columns",
            f"unknown column `{column.name}` in {where}",
            _did_you_mean(column.name, known, what="columns"),
        )
    if scope.can_be_correlated and scope.parent is not None:
        return None  # an outer query's table: the outer scope checks it
    return _error(
        "known_columns",
        f"`{column.table}.{column.name}` refers to `{column.table}`, "
        "which is not a table or alias in this query",
        _did_you_mean(column.table, scope.sources, what="tables and aliases"),
    )


def _unresolved_column(column: exp.Column, scope: Scope, resolver: Resolver) -> Finding | None:
    owners = [
        name for name in scope.selected_sources if column.name in resolver.get_source_columns(name)
    ]
    if len(owners) > 1:
        return _error(
            "known_columns",
            f"column `{column.name}` is ambiguous: it is in {', '.join(sorted(owners))}",
            f"qualify it, e.g. `{sorted(owners)[0]}.{column.name}`",
        )
    if owners or resolver.has_unknown_sources:
        return None
    return _error(
        "known_columns",
        f"unknown column `{column.name}`",
        _did_you_mean(column.name, resolver.all_columns, what="columns"),
    )


def _bare(name: str) -> str:
    return name.lower().split(".")[-1]


def allowed_sources(ctx: CheckContext) -> Iterator[Finding]:
    """Only the spec's sources are read, so a reviewer knows what data a model touches."""
    if not ctx.sources:
        return
    allowed = {_bare(s) for s in ctx.sources}
    for name in ctx.table_names:
        if name not in allowed and ctx.catalog.table(name) is not None:
            yield _error(
                "allowed_sources",
                f"`{name}` is not one of the spec's sources ({', '.join(sorted(allowed))})",
                f"add `{name}` to the spec's `sources`, or answer without it",
            )


# ---------------------------------------------------------------------------------------------
# Policy checks: the project's and the spec's governance rules (sqlsynth.policy)


def policy_tables(ctx: CheckContext) -> Iterator[Finding]:
    """Only the schemas and tables the policy's allow-lists name are read."""
    reported: set[str] = set()
    for table in ctx.tables:
        known = ctx.catalog.table(table.name)
        schema = table.db or (known.db_schema if known else None)
        written = ".".join(part for part in (table.db, table.name) if part)
        if written in reported:
            continue
        if not ctx.policy.allows_schema(schema):
            reported.add(written)
            where = f"schema `{schema}`" if schema else "an unknown schema"
            yield _error(
                "policy_tables",
                f"`{written}` is in {where}, which the policy does not allow",
                "read only the schemas in allowed_schemas: "
                + ", ".join(ctx.policy.allowed_schemas or ()),
            )
        elif not ctx.policy.allows_table(table.name, schema):
            reported.add(written)
            yield _error(
                "policy_tables",
                f"`{written}` is not in the policy's allowed_tables",
                f"answer from {', '.join(ctx.policy.allowed_tables or ()) or 'no table'},"
                " or ask the project owner to allow it",
            )


def pii_output(ctx: CheckContext) -> Iterator[Finding]:
    """PII reaches the result only masked (``pii = "mask"``) or not at all (``"refuse"``)."""
    # Unqualified, a column counts as PII when any table it may come from has a PII column so
    # named: sqlglot failing to qualify must not let PII through.
    tree = ctx.qualified or ctx.statement
    mask = ctx.policy.pii_mode == "mask"
    for column in enforce.exposed_columns(tree, ctx.catalog, ctx.policy):
        pii = ", ".join(sorted(column.exposure.columns))
        if column.exposure.level == enforce.Level.RAW:
            masked = enforce.mask_expression(exp.column(column.name), ctx.dialect)
            yield _error(
                "pii_output",
                f"result column `{column.name}` outputs PII ({pii}) unmasked",
                f"mask it as `{masked.sql(dialect=ctx.dialect)}`"
                " (`sqlsynth generate --force` rewrites generated SQL so)"
                if mask
                else "leave it out of the result (filtering, joining, grouping and counting"
                ' by it are fine), or set pii = "mask" in the policy',
            )
        elif not mask:
            yield _error(
                "pii_output",
                f"result column `{column.name}` outputs PII ({pii}), masked",
                'the policy refuses PII in results, even masked: leave it out, or set pii = "mask"',
            )


def required_filters(ctx: CheckContext) -> Iterator[Finding]:
    """Every read of a table the policy names carries that table's required filter."""
    if not ctx.policy.required_filters:
        return
    tree = ctx.qualified or ctx.statement
    for missing in enforce.missing_filters(tree, ctx.policy, dialect=ctx.dialect):
        wanted = missing.required
        shape = f"`{wanted} = <value>`" if _SIMPLE_NAME.fullmatch(wanted.lower()) else f"`{wanted}`"
        yield _error(
            "required_filters",
            f"`{missing.table}` is read without the filter the policy requires ({shape})",
            f"add {shape} to the WHERE clause of every query that reads `{missing.table}`",
        )


def row_limit(ctx: CheckContext) -> Iterator[Finding]:
    """SQL generated at run time returns at most the policy's ``row_limit`` rows."""
    limit = ctx.policy.row_limit
    if limit is None:
        return
    found = enforce.row_limit_of(ctx.statement)
    if found is None or found > limit:
        yield _error(
            "row_limit",
            f"the query has no LIMIT of at most {limit} rows"
            + (f" (it has LIMIT {found})" if found is not None else ""),
            f"end the outermost query with LIMIT {limit} or less",
        )


# ---------------------------------------------------------------------------------------------
# Warnings: legal SQL that is rarely what a model should be


def select_star(ctx: CheckContext) -> Iterator[Finding]:
    """``SELECT *`` in the result: the model's columns would change whenever a table does."""
    for select in enforce.outer_selects(ctx.statement):
        if any(isinstance(p, exp.Star) or p.is_star for p in select.expressions):
            yield _warning(
                "select_star",
                "the outermost SELECT uses `*`",
                "list the columns the model returns",
            )
            return


class _Components:
    """Union-find over the sources of one SELECT, joined by the predicates that link them."""

    def __init__(self, names: Iterable[str]) -> None:
        self._parent = {name: name for name in names}

    def find(self, name: str) -> str:
        while self._parent.get(name, name) != name:
            name = self._parent[name]
        return name

    def link(self, names: Iterable[str]) -> None:
        roots = [self.find(n) for n in names if n in self._parent]
        for root in roots[1:]:
            self._parent[root] = roots[0]


def _linked_tables(condition: exp.Expr, sources: list[str]) -> Iterator[list[str]]:
    """For each AND-ed term, the sources it mentions (an unqualified column may be any)."""
    for term in enforce.and_terms(condition):
        names: set[str] = set()
        for column in term.find_all(exp.Column):
            names.update([column.table] if column.table else sources)
        yield sorted(names)


def _is_single_row(source: exp.Expr) -> bool:
    """A subquery that returns one row, e.g. a grand total: joining it multiplies nothing."""
    query = source.this if isinstance(source, exp.Subquery) else None
    if not isinstance(query, exp.Select) or query.args.get("group"):
        return False
    return all(p.find(exp.AggFunc) and not p.find(exp.Window) for p in query.expressions)


def _cartesian_joins(select: exp.Select, *, cross_is_explicit: bool) -> Iterator[Finding]:
    from_ = select.args.get("from_")
    joins: list[exp.Join] = select.args.get("joins") or []
    if from_ is None or not joins:
        return
    sources = [from_.this.alias_or_name] + [j.this.alias_or_name for j in joins]
    components = _Components(sources)
    conditions = [j.args["on"] for j in joins if j.args.get("on") is not None]
    if select.args.get("where") is not None:
        conditions.append(select.args["where"].this)
    for condition in conditions:
        for names in _linked_tables(condition, sources):
            components.link(names)
    for index, join in enumerate(joins, start=1):
        name = sources[index]
        if (
            isinstance(join.this, (exp.Unnest, exp.Lateral))
            or join.method == "NATURAL"
            or _is_single_row(join.this)
        ):
            components.link(sources[: index + 1])
            continue
        if join.args.get("using"):
            components.link(sources[: index + 1])
        if join.kind == "CROSS" and cross_is_explicit:
            yield _warning(
                "cartesian_join",
                f"CROSS JOIN `{name}` pairs every row with every row of the other tables",
                "join on a key instead, unless a cartesian product is really meant",
            )
        elif components.find(name) != components.find(sources[0]):
            yield _warning(
                "cartesian_join",
                f"`{name}` is joined without a condition linking it to the other tables",
                f"add an ON condition (or a WHERE predicate) that links `{name}` by a key",
            )


def cartesian_join(ctx: CheckContext) -> Iterator[Finding]:
    """A join with nothing linking its tables: usually a forgotten ON, and a huge result.

    Joins to UNNEST/LATERAL and to one-row subqueries (a grand total) multiply nothing and pass.
    """
    # Where commas and JOINs bind equally (SQLite), sqlglot parses `FROM a, b` as a CROSS JOIN,
    # so there an explicit CROSS JOIN is judged like a comma join: by the WHERE predicates.
    parser = Dialect.get_or_raise(ctx.dialect).parser_class
    cross_is_explicit = not parser.JOINS_HAVE_EQUAL_PRECEDENCE
    tree = ctx.qualified or ctx.statement
    for select in tree.find_all(exp.Select):
        yield from _cartesian_joins(select, cross_is_explicit=cross_is_explicit)


# ---------------------------------------------------------------------------------------------
# The pipeline

CHECKS: tuple[Check, ...] = (
    single_statement,
    read_only,
    dangerous_functions,
    known_tables,
    known_columns,
    allowed_sources,
    policy_tables,
    pii_output,
    required_filters,
    row_limit,
    select_star,
    cartesian_join,
)
"""Every check, in the order it runs."""

GATES: frozenset[Check] = frozenset({single_statement, read_only, dangerous_functions})
"""Checks whose errors stop the checks after them: those need one clean read-only tree."""


# sqlglot's wording for e.g. a WHERE with no condition names its internal class.
_MISSING_PART = re.compile(r"Required keyword: '\w+' missing for <class '(?:[\w.]+\.)?(\w+)'>")


def _parse(sql: str, dialect: str) -> tuple[exp.Expr, ...] | Finding:
    try:
        Dialect.get_or_raise(dialect)
    except ValueError as exc:
        return _error("dialect", str(exc), "use a dialect sqlglot knows, e.g. duckdb or postgres")
    try:
        parsed = sqlglot.parse(sql, read=dialect, error_level=ErrorLevel.RAISE)
    except ParseError as exc:
        first = exc.errors[0] if exc.errors else {}
        where = f" at line {first.get('line')}, column {first.get('col')}" if first else ""
        near = f" near `{first.get('highlight')}`" if first.get("highlight") else ""
        message = _MISSING_PART.sub(
            lambda m: f"incomplete {m.group(1).upper()}",
            first.get("description") or str(exc).splitlines()[0],
        )
        return _error(
            "parse",
            f"not valid {dialect} SQL: {message}{where}{near}",
            f"fix the syntax; the SQL must be one {dialect} SELECT statement",
        )
    except SqlglotError as exc:
        return _error(
            "parse",
            f"not valid {dialect} SQL: {str(exc).splitlines()[0]}",
            "check quotes and brackets are closed",
        )
    return tuple(s for s in parsed if s is not None and not isinstance(s, exp.Semicolon))


def validate_sql(
    sql: str,
    catalog: Catalog,
    *,
    dialect: str,
    sources: Sequence[str] = (),
    policy: Policy = NO_POLICY,
) -> ValidationReport:
    """Run :data:`CHECKS` over ``sql`` and report every finding, each with a hint.

    ``policy`` is the merged project and spec policy (:meth:`Policy.for_spec`).

    >>> from sqlsynth.catalog import Column, Table
    >>> catalog = Catalog(tables=(Table(name="orders", columns=(
    ...     Column(name="id", type="INTEGER"), Column(name="customer_id", type="INTEGER"))),))
    >>> validate_sql("SELECT id FROM orders", catalog, dialect="duckdb").ok
    True
    >>> report = validate_sql("SELECT custmer_id FROM orders", catalog, dialect="duckdb")
    >>> report.errors[0].message, report.errors[0].hint
    ('unknown column `custmer_id`', 'did you mean `customer_id`?')
    """
    parsed = _parse(sql, dialect)
    if isinstance(parsed, Finding):
        return ValidationReport(sql=sql, dialect=dialect, findings=(parsed,))
    ctx = CheckContext(
        sql=sql,
        dialect=dialect,
        catalog=catalog,
        sources=tuple(sources),
        statements=parsed,
        policy=policy,
    )
    findings: list[Finding] = []
    for check in CHECKS:
        found = list(check(ctx))
        findings.extend(found)
        if check in GATES and any(f.severity == "error" for f in found):
            break
    return ValidationReport(
        sql=sql, dialect=dialect, findings=tuple(findings), tables=ctx.table_names
    )
