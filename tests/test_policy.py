"""Governance policies: allowed tables, PII refused or masked, required filters, row limits.

Masked SQL is run on real DuckDB, SQLite and PostgreSQL; the CLI runs on a real project.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import duckdb
import pytest
import sqlalchemy
import sqlglot

from sqlsynth.catalog import Catalog, Column, Table
from sqlsynth.config import load_project
from sqlsynth.enforce import enforce_policy, mask_expression
from sqlsynth.errors import ConfigError, SpecError
from sqlsynth.pipeline import translate_and_validate
from sqlsynth.policy import Policy
from sqlsynth.spec import NLSpec
from sqlsynth.translate.embedded import EmbeddedTranslator
from sqlsynth.validate import ValidationReport, validate_sql
from sqlsynth_airflow.resolve import generated
from sqlsynth_dbt.context import ColumnInfo, DbtContext, RelationInfo, dbt_catalog
from tests.conftest import CliRun

DIALECTS = ("duckdb", "postgres", "sqlite", "mysql", "snowflake", "bigquery")

CATALOG = Catalog(
    tables=(
        Table(
            name="people",
            db_schema="main",
            columns=(
                Column(name="id", type="INTEGER"),
                Column(name="name", type="VARCHAR"),
                Column(name="email", type="VARCHAR", tags=("pii",)),
                Column(name="phone", type="VARCHAR"),
            ),
        ),
        Table(
            name="orders",
            db_schema="main",
            columns=(
                Column(name="id", type="INTEGER"),
                Column(name="person_id", type="INTEGER"),
                Column(name="tenant_id", type="INTEGER"),
                Column(name="status", type="VARCHAR"),
            ),
        ),
        Table(
            name="audit",
            db_schema="ops",
            columns=(Column(name="id", type="INTEGER"),),
        ),
    )
)

PEOPLE = [(1, "Ada", "ada@example.com"), (2, "Bruno", "bruno@example.com"), (3, "Chen", None)]


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def checked(sql: str, policy: Policy, *, dialect: str = "duckdb") -> ValidationReport:
    return validate_sql(sql, CATALOG, dialect=dialect, policy=policy)


def failed_checks(sql: str, policy: Policy, *, dialect: str = "duckdb") -> list[str]:
    return [f.check for f in checked(sql, policy, dialect=dialect).errors]


# ---------------------------------------------------------------------------------------------
# Allowed schemas and tables


def test_a_table_outside_allowed_tables_is_rejected_with_a_hint() -> None:
    report = checked(
        "SELECT o.id FROM orders AS o JOIN people AS p ON p.id = o.person_id",
        Policy(allowed_tables=("orders",)),
    )

    assert [(f.check, f.message) for f in report.errors] == [
        ("policy_tables", "`people` is not in the policy's allowed_tables")
    ]
    assert report.errors[0].hint is not None and "orders" in report.errors[0].hint


def test_tables_in_allowed_tables_pass_bare_or_with_their_schema() -> None:
    policy = Policy(allowed_tables=("orders", "main.people"))

    assert checked(
        "SELECT o.id, p.name FROM orders o JOIN people p ON p.id = o.person_id", policy
    ).ok
    assert failed_checks("SELECT id FROM audit", policy) == ["policy_tables"]


def test_a_schema_outside_allowed_schemas_is_rejected() -> None:
    policy = Policy(allowed_schemas=("main",))

    assert checked("SELECT id FROM orders", policy).ok
    report = checked("SELECT id FROM audit", policy)
    assert [f.message for f in report.errors] == [
        "`audit` is in schema `ops`, which the policy does not allow"
    ]


def test_a_table_of_unknown_schema_is_refused_when_schemas_are_restricted() -> None:
    catalog = Catalog(tables=(Table(name="t", columns=(Column(name="id"),)),))

    report = validate_sql(
        "SELECT id FROM t", catalog, dialect="duckdb", policy=Policy(allowed_schemas=("main",))
    )

    assert [f.message for f in report.errors] == [
        "`t` is in an unknown schema, which the policy does not allow"
    ]


# ---------------------------------------------------------------------------------------------
# PII: where it may appear, refused or masked in results


def test_raw_pii_in_the_result_is_refused_by_default() -> None:
    report = checked("SELECT name, email FROM people", Policy())

    assert [(f.check, f.message) for f in report.errors] == [
        ("pii_output", "result column `email` outputs PII (people.email) unmasked")
    ]
    assert report.errors[0].hint is not None and 'pii = "mask"' in report.errors[0].hint


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT name FROM people WHERE email = 'ada@example.com'",
        "SELECT o.id FROM orders o JOIN people p ON p.email = o.status",
        "SELECT COUNT(*) AS n FROM people GROUP BY email",
        "SELECT COUNT(DISTINCT email) AS emails FROM people",
        "SELECT name FROM people ORDER BY email",
        "SELECT ROW_NUMBER() OVER (PARTITION BY email ORDER BY id) AS rn FROM people",
        "WITH p AS (SELECT id, email FROM people) SELECT id FROM p WHERE email LIKE '%@x.org'",
    ],
)
def test_pii_used_only_to_filter_join_group_order_or_count_is_accepted(sql: str) -> None:
    assert checked(sql, Policy()).ok


@pytest.mark.parametrize(
    ("sql", "column"),
    [
        ("SELECT * FROM people", "email"),
        ("SELECT p.* FROM people AS p", "email"),
        ("SELECT MAX(email) AS m FROM people", "m"),
        ("SELECT lower(email) AS e FROM people", "e"),
        ("SELECT STRING_AGG(email, ',') AS all_emails FROM people", "all_emails"),
        ("WITH c AS (SELECT email AS contact FROM people) SELECT contact FROM c", "contact"),
        ("SELECT x FROM (SELECT email AS x FROM people) AS s", "x"),
        ("SELECT name FROM people UNION ALL SELECT email FROM people", "name"),
        ("SELECT (SELECT MIN(email) FROM people) AS first_email", "first_email"),
        ("SELECT name, MD5(email) || email AS leak FROM people", "leak"),
        ("SELECT to_json(p) AS row_json FROM people AS p", "row_json"),
        ("SELECT u FROM people CROSS JOIN UNNEST([email]) AS t(u)", "u"),
        ("SELECT e FROM people, LATERAL (SELECT email AS e) AS x", "e"),
    ],
)
def test_pii_reaching_the_result_any_way_is_rejected(sql: str, column: str) -> None:
    report = checked(sql, Policy(pii="mask"))

    assert [f.check for f in report.errors] == ["pii_output"]
    assert f"`{column}` outputs PII (people.email) unmasked" in report.errors[0].message


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT name, SHA256(CAST(email AS TEXT)) AS email FROM people",
        "SELECT MD5(email) AS e FROM people",
        "WITH c AS (SELECT SHA256(email) AS h FROM people) SELECT h FROM c",
    ],
)
def test_masked_pii_passes_in_mask_mode_and_fails_in_refuse_mode(sql: str) -> None:
    assert checked(sql, Policy(pii="mask")).ok
    refused = checked(sql, Policy(pii="refuse"))
    assert [f.check for f in refused.errors] == ["pii_output"]
    assert refused.errors[0].message.endswith("outputs PII (people.email), masked")


def test_columns_listed_in_the_policy_or_tagged_with_its_tags_are_pii() -> None:
    listed = Policy(pii_columns=("people.phone",))
    tagged = Catalog(tables=(Table(name="t", columns=(Column(name="ssn", tags=("sensitive",)),)),))

    assert failed_checks("SELECT phone FROM people", listed) == ["pii_output"]
    assert checked("SELECT phone FROM people", Policy()).ok
    sensitive = Policy(pii_tags=("sensitive",))
    assert not validate_sql("SELECT ssn FROM t", tagged, dialect="duckdb", policy=sensitive).ok
    assert validate_sql("SELECT ssn FROM t", tagged, dialect="duckdb", policy=Policy()).ok


def test_dbt_meta_pii_becomes_a_pii_tag_in_the_catalog() -> None:
    context = DbtContext(
        project_name="shop",
        adapter_type="duckdb",
        relations=(
            RelationInfo(
                unique_id="model.shop.people",
                resource_type="model",
                package_name="shop",
                name="people",
                gathered=True,
                columns=(ColumnInfo(name="email", type="VARCHAR"), ColumnInfo(name="name")),
                documented_columns=(ColumnInfo(name="email", meta={"pii": True}),),
            ),
        ),
    )

    table = dbt_catalog(context).catalog.table("people")

    assert table is not None
    assert [(c.name, c.tags) for c in table.columns] == [("email", ("pii",)), ("name", ())]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_mask_rewrite_yields_sql_the_validator_accepts_in_every_dialect(dialect: str) -> None:
    policy = Policy(pii="mask")
    raw = sqlglot.transpile("SELECT name, email FROM people", read="duckdb", write=dialect)[0]

    masked = enforce_policy(raw, CATALOG, dialect=dialect, policy=policy)

    assert masked != raw
    assert mask_expression(sqlglot.exp.column("email"), dialect).sql(dialect) in masked
    assert checked(masked, policy, dialect=dialect).ok
    assert not checked(raw, policy, dialect=dialect).ok


def test_the_mask_rewrite_keeps_sql_without_pii_byte_for_byte() -> None:
    sql = "select name from people where email = 'x'"

    assert enforce_policy(sql, CATALOG, dialect="duckdb", policy=Policy(pii="mask")) == sql


MASK_QUERY = "SELECT id, name, email FROM people ORDER BY id"


def masked_query(dialect: str) -> str:
    return enforce_policy(MASK_QUERY, CATALOG, dialect=dialect, policy=Policy(pii="mask"))


def test_masked_sql_returns_sha256_hex_on_duckdb() -> None:
    with duckdb.connect() as con:
        con.execute("CREATE TABLE people (id INTEGER, name VARCHAR, email VARCHAR)")
        con.executemany("INSERT INTO people VALUES (?, ?, ?)", PEOPLE)
        rows = con.execute(masked_query("duckdb")).fetchall()

    assert rows == [
        (1, "Ada", sha256("ada@example.com")),
        (2, "Bruno", sha256("bruno@example.com")),
        (3, "Chen", None),
    ]


def test_masked_sql_returns_a_redaction_on_sqlite() -> None:
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE people (id INTEGER, name TEXT, email TEXT)")
    con.executemany("INSERT INTO people VALUES (?, ?, ?)", PEOPLE)

    rows = con.execute(masked_query("sqlite")).fetchall()
    con.close()

    assert rows == [(1, "Ada", "***"), (2, "Bruno", "***"), (3, "Chen", None)]


@pytest.mark.parametrize(
    ("dialect", "server_url"), [("postgres", "pg_url"), ("mysql", "mysql_url")]
)
def test_masked_sql_returns_sha256_hex_on_a_server(
    dialect: str, server_url: str, request: pytest.FixtureRequest
) -> None:
    engine = sqlalchemy.create_engine(request.getfixturevalue(server_url))
    try:
        with engine.connect() as con:
            con.exec_driver_sql("CREATE TEMPORARY TABLE people (id INTEGER, name TEXT, email TEXT)")
            for row in PEOPLE:
                con.exec_driver_sql("INSERT INTO people VALUES (%s, %s, %s)", row)
            rows = [tuple(r) for r in con.exec_driver_sql(masked_query(dialect)).fetchall()]
    finally:
        engine.dispose()

    assert rows == [
        (1, "Ada", sha256("ada@example.com")),
        (2, "Bruno", sha256("bruno@example.com")),
        (3, "Chen", None),
    ]


@pytest.mark.filterwarnings("ignore:Arrow output:UserWarning")
def test_masked_sql_returns_sha256_hex_on_snowflake_through_fakesnow() -> None:
    import fakesnow
    import snowflake.connector

    with fakesnow.patch():
        con = snowflake.connector.connect(database="shop", schema="public")
        cursor = con.cursor()
        cursor.execute("CREATE TABLE people (id INT, name VARCHAR, email VARCHAR)")
        cursor.executemany("INSERT INTO people VALUES (%s, %s, %s)", PEOPLE)
        cursor.execute(masked_query("snowflake"))
        rows = cursor.fetchall()
        con.close()

    assert rows == [
        (1, "Ada", sha256("ada@example.com")),
        (2, "Bruno", sha256("bruno@example.com")),
        (3, "Chen", None),
    ]


# ---------------------------------------------------------------------------------------------
# Required filters

TENANT = Policy(required_filters={"orders": ("tenant_id",)})


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT id FROM orders WHERE tenant_id = 7",
        "SELECT id FROM orders WHERE status = 'open' AND 7 = tenant_id",
        "SELECT id FROM orders WHERE tenant_id IN (7, 8)",
        "SELECT o.id FROM orders AS o WHERE o.tenant_id = :tenant",
        "SELECT p.name FROM people p JOIN orders o ON o.person_id = p.id AND o.tenant_id = 7",
        "WITH t AS (SELECT * FROM orders WHERE tenant_id = 7) SELECT id FROM t",
    ],
)
def test_reads_pinning_the_required_column_pass(sql: str) -> None:
    assert checked(sql, TENANT).ok


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT id FROM orders",
        "SELECT id FROM orders WHERE tenant_id = 7 OR status = 'open'",
        "SELECT id FROM orders WHERE tenant_id > 0",
        "SELECT o.id FROM orders o JOIN people p ON p.id = o.tenant_id",
        "WITH t AS (SELECT id, tenant_id FROM orders) SELECT id FROM t WHERE tenant_id = 7",
        "SELECT name FROM people WHERE id IN (SELECT person_id FROM orders)",
    ],
)
def test_reads_without_the_required_filter_are_rejected(sql: str) -> None:
    report = checked(sql, TENANT)

    assert [(f.check, f.message) for f in report.errors] == [
        (
            "required_filters",
            "`orders` is read without the filter the policy requires (`tenant_id = <value>`)",
        )
    ]


def test_a_required_predicate_must_be_anded_in_as_written() -> None:
    policy = Policy(required_filters={"orders": "status <> 'test'"})

    assert checked("SELECT id FROM orders o WHERE o.status <> 'test' AND id > 1", policy).ok
    assert failed_checks("SELECT id FROM orders WHERE status <> 'demo'", policy) == [
        "required_filters"
    ]


# ---------------------------------------------------------------------------------------------
# Row limits (run-time generation)


def test_row_limit_rejects_sql_without_a_small_enough_limit() -> None:
    policy = Policy(row_limit=100)

    assert checked("SELECT id FROM orders LIMIT 100", policy).ok
    assert failed_checks("SELECT id FROM orders", policy) == ["row_limit"]
    report = checked("SELECT id FROM orders LIMIT 500", policy)
    assert [f.message for f in report.errors] == [
        "the query has no LIMIT of at most 100 rows (it has LIMIT 500)"
    ]


def test_the_rewrite_applies_the_row_limit_and_keeps_a_smaller_one() -> None:
    policy = Policy(row_limit=100)

    assert (
        enforce_policy(
            "SELECT id FROM orders", CATALOG, dialect="duckdb", policy=policy, pretty=False
        )
        == "SELECT id FROM orders LIMIT 100"
    )
    assert (
        enforce_policy(
            "SELECT id FROM orders LIMIT 5000",
            CATALOG,
            dialect="duckdb",
            policy=policy,
            pretty=False,
        )
        == "SELECT id FROM orders LIMIT 100"
    )
    small = "SELECT id FROM orders LIMIT 3"
    assert enforce_policy(small, CATALOG, dialect="duckdb", policy=policy) == small


@pytest.mark.parametrize(
    ("dialect", "sql", "capped"),
    [
        ("duckdb", "SELECT id FROM orders LIMIT 50 PERCENT", "SELECT id FROM orders LIMIT 100"),
        (
            "postgres",
            "SELECT id FROM orders ORDER BY id FETCH FIRST 5 ROWS WITH TIES",
            "SELECT id FROM orders ORDER BY id LIMIT 5",
        ),
    ],
)
def test_a_percent_or_with_ties_limit_is_no_row_cap(dialect: str, sql: str, capped: str) -> None:
    policy = Policy(row_limit=100)

    assert failed_checks(sql, policy, dialect=dialect) == ["row_limit"]
    rewritten = enforce_policy(sql, CATALOG, dialect=dialect, policy=policy, pretty=False)
    assert rewritten == capped
    assert checked(rewritten, policy, dialect=dialect).ok


SHOP_CATALOG_SPEC = NLSpec(
    name="orders_by_status", prompt="Number of orders per status", sources=("orders",)
)


def shop_catalog(shop_project: Path) -> Catalog:
    from sqlsynth.pipeline import project_catalog

    return project_catalog(load_project(shop_project))


def test_the_row_limit_applies_at_run_time_only(shop_project: Path) -> None:
    catalog = shop_catalog(shop_project)
    project_policy = Policy(row_limit=25)

    def sql(run_time: bool) -> str:
        draft, report = translate_and_validate(
            SHOP_CATALOG_SPEC,
            catalog,
            dialect="duckdb",
            translator=EmbeddedTranslator(),
            policy=project_policy,
            run_time=run_time,
        )
        assert report.ok
        return draft.sql

    assert sql(run_time=True).endswith("LIMIT 25")
    assert "LIMIT" not in sql(run_time=False)


def test_airflow_generate_mode_applies_the_row_limit(shop_project: Path) -> None:
    resolved = generated(
        SHOP_CATALOG_SPEC,
        catalog=shop_catalog(shop_project),
        dialect="duckdb",
        translator=EmbeddedTranslator(),
        max_repairs=0,
        policy=Policy(row_limit=3),
    )

    assert resolved.sql.endswith("LIMIT 3")
    with duckdb.connect(str(shop_project / "warehouse.duckdb"), read_only=True) as con:
        assert len(con.execute(resolved.sql).fetchall()) <= 3


# ---------------------------------------------------------------------------------------------
# Merging project and spec policies, malformed policies


def test_a_spec_policy_narrows_the_project_policy() -> None:
    project = Policy(
        allowed_tables=("main.orders", "people"),
        pii="refuse",
        required_filters={"orders": ("tenant_id",)},
        row_limit=100,
    )
    spec = NLSpec(
        name="s",
        prompt="p",
        policy={
            "allowed_tables": ["orders", "audit"],
            "pii": "mask",
            "required_filters": {"orders": "status"},
            "row_limit": 500,
        },
    )

    merged = project.for_spec(spec, run_time=True)

    assert merged.allowed_tables == ("main.orders",)
    assert merged.pii_mode == "refuse"
    assert merged.filters_for("orders") == ("tenant_id", "status")
    assert merged.row_limit == 100


def test_a_spec_cannot_loosen_pii_refusal_to_masking() -> None:
    masking = NLSpec(name="s", prompt="p", policy={"pii": "mask"})
    refusing = NLSpec(name="s", prompt="p", policy={"pii": "refuse"})

    assert Policy().for_spec(masking).pii_mode == "refuse"
    assert Policy(pii="mask").for_spec(masking).pii_mode == "mask"
    assert Policy(pii="mask").for_spec(refusing).pii_mode == "refuse"


def test_a_malformed_spec_policy_is_a_one_line_spec_error() -> None:
    spec = NLSpec(name="s", prompt="p", policy={"row_limit": 0})

    with pytest.raises(SpecError) as raised:
        Policy().for_spec(spec)

    assert "\n" not in raised.value.one_line()
    assert raised.value.message.startswith("spec s: policy.row_limit:")


def test_the_policy_is_read_from_sqlsynth_toml(shop_project: Path) -> None:
    config = shop_project / "sqlsynth.toml"
    config.write_text(
        config.read_text() + '\n[policy]\npii = "mask"\npii_columns = ["customers.email"]\n'
        '[policy.required_filters]\norders = "status"\n'
    )

    policy = load_project(shop_project).settings.policy

    assert policy == Policy(
        pii="mask", pii_columns=("customers.email",), required_filters={"orders": ("status",)}
    )


def test_sqlsynth_policy_in_the_environment_wins_over_the_file(
    shop_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_policy(shop_project, 'pii = "refuse"\nrow_limit = 10\n')
    monkeypatch.setenv("SQLSYNTH_POLICY", '{"pii": "mask"}')

    policy = load_project(shop_project).settings.policy

    assert (policy.pii, policy.row_limit) == ("mask", 10)
    monkeypatch.setenv("SQLSYNTH_POLICY", "{not json")
    with pytest.raises(ConfigError, match='error parsing value for field "policy"'):
        load_project(shop_project)


def test_an_unknown_policy_key_is_a_config_error(shop_project: Path) -> None:
    config = shop_project / "sqlsynth.toml"
    config.write_text(config.read_text() + '\n[policy]\npii_colums = ["customers.email"]\n')

    with pytest.raises(ConfigError, match=r"policy\.pii_colums: Extra inputs are not permitted"):
        load_project(shop_project)


def test_a_malformed_policy_is_one_line_and_exit_2(shop_project: Path, sqlsynth: CliRun) -> None:
    config = shop_project / "sqlsynth.toml"
    config.write_text(config.read_text() + '\n[policy]\npii = "hide"\n')

    result = sqlsynth("check", cwd=shop_project)

    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: ")
    assert "policy.pii: Input should be 'refuse' or 'mask'" in result.stderr


# ---------------------------------------------------------------------------------------------
# The CLI on a real project


def with_policy(project: Path, policy: str) -> None:
    config = project / "sqlsynth.toml"
    config.write_text(config.read_text() + "\n[policy]\n" + policy)


def test_generate_writes_masked_sql_and_check_rejects_a_raw_hand_edit(
    shop_project: Path, sqlsynth: CliRun
) -> None:
    with_policy(shop_project, 'pii = "mask"\npii_columns = ["customers.email"]\n')

    generated_ = sqlsynth("generate", "german_customers", cwd=shop_project)
    model = shop_project / "models" / "german_customers.sql"
    text = model.read_text()

    assert generated_.exit_code == 0, generated_.output
    assert "SHA256(CAST(email AS TEXT)) AS email" in text
    assert sqlsynth("approve", "german_customers", cwd=shop_project).exit_code == 0
    ran = sqlsynth("run", "german_customers", cwd=shop_project)
    assert ran.exit_code == 0 and "@example.com" not in ran.output

    model.write_text(text.replace("SHA256(CAST(email AS TEXT)) AS email", "email"))
    checked_ = sqlsynth("check", cwd=shop_project)

    assert checked_.exit_code == 1
    assert "result column `email` outputs PII (customers.email) unmasked" in " ".join(
        checked_.output.split()
    )


def test_a_policy_change_regenerates_sql_written_under_the_old_rules(
    shop_project: Path, sqlsynth: CliRun
) -> None:
    model = shop_project / "models" / "german_customers.sql"
    assert sqlsynth("generate", "german_customers", cwd=shop_project).exit_code == 0
    assert "SHA256" not in model.read_text()

    with_policy(shop_project, 'pii = "mask"\npii_columns = ["customers.email"]\n')
    again = sqlsynth("generate", "german_customers", cwd=shop_project)

    assert again.exit_code == 0, again.output
    assert "SHA256(CAST(email AS TEXT)) AS email" in model.read_text()
    assert sqlsynth("generate", "german_customers", cwd=shop_project).output.count("unchanged") == 1


def test_explain_shows_the_sql_after_masking(shop_project: Path, sqlsynth: CliRun) -> None:
    with_policy(shop_project, 'pii = "mask"\npii_columns = ["customers.email"]\n')

    result = sqlsynth("explain", "german_customers", cwd=shop_project)

    assert result.exit_code == 0, result.output
    assert "sql (after the policy's rewrite):" in result.output
    assert "SHA256(CAST(email AS TEXT)) AS email" in result.output


def test_generate_refuses_raw_pii_and_writes_nothing(shop_project: Path, sqlsynth: CliRun) -> None:
    with_policy(shop_project, 'pii_columns = ["customers.email"]\n')

    result = sqlsynth("generate", "german_customers", cwd=shop_project)

    assert result.exit_code == 1
    assert "[pii_output] result column `email` outputs PII (customers.email)" in result.output
    assert not (shop_project / "models" / "german_customers.sql").exists()


def test_validate_applies_the_project_policy(shop_project: Path, sqlsynth: CliRun) -> None:
    with_policy(shop_project, 'allowed_tables = ["orders"]\n')
    sql = shop_project / "adhoc.sql"
    sql.write_text("SELECT name FROM customers")

    result = sqlsynth("validate", str(sql), cwd=shop_project)

    assert result.exit_code == 1
    assert "[policy_tables] `customers` is not in the policy's allowed_tables" in result.output


# ---------------------------------------------------------------------------------------------
# dbt: PII marked in a model's YAML `meta`, read through the real dbt macro


@pytest.fixture(scope="module")
def built_dbt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.dbt import built_example

    return built_example(tmp_path_factory)[0]


def dbt_project_with_meta_pii(built: Path, tmp_path: Path) -> Path:
    from tests.dbt import working_copy

    project = working_copy(built, tmp_path)
    staging = project / "models" / "staging" / "_staging.yml"
    text = staging.read_text()
    assert "        tags: [pii]\n" in text
    staging.write_text(text.replace("        tags: [pii]\n", "        meta: {pii: true}\n"))
    return project


CONTACTS = {
    "name": "customer_contacts",
    "prompt": "List the first name and email of customers",
    "sources": ["stg_customers"],
}


def test_dbt_nl_model_refuses_a_column_marked_pii_in_meta(built_dbt: Path, tmp_path: Path) -> None:
    from tests.dbt import model_files, nl_model

    project = dbt_project_with_meta_pii(built_dbt, tmp_path)

    result = nl_model(project, expect=None, **CONTACTS)

    assert result.returncode != 0
    assert "[pii_output] result column `email` outputs PII (stg_customers.email)" in " ".join(
        (result.stdout + result.stderr).split()
    )
    assert not any("customer_contacts" in f for f in model_files(project))


def test_dbt_nl_model_masks_a_meta_pii_column_when_the_policy_says_so(
    built_dbt: Path, tmp_path: Path
) -> None:
    from tests.dbt import dbt, nl_model

    project = dbt_project_with_meta_pii(built_dbt, tmp_path)
    (project / "sqlsynth.toml").write_text('[policy]\npii = "mask"\n')

    nl_model(project, **CONTACTS)
    model = next((project / "models").rglob("customer_contacts.sql")).read_text()

    assert "SHA256(CAST(email AS TEXT)) AS email" in model
    dbt(project, "run", "-s", "customer_contacts")
