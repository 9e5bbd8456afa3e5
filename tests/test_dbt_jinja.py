"""Text sqlsynth writes into dbt files stays literal; only ref() and source() are Jinja."""

from __future__ import annotations

import jinja2
import pytest

from sqlsynth.errors import ValidationError
from sqlsynth_dbt.jinja import (
    JinjaError,
    RelationCall,
    literal,
    parse_template,
    raw,
    read_literal,
    to_dbt_sql,
    to_plain_sql,
)

NASTY = [
    "Number of orders per status",
    "count {{ env_var('SECRET') }} and {% do run_query('drop') %} {# hidden #}",
    "a {% endraw %} b {%- endraw -%} c {%endraw%}",
    "ends with a brace {",
    "line one\nline two: 'quoted' and \"double\"",
]
ORDERS = {"stg_orders": RelationCall("ref", ("stg_orders",))}


@pytest.mark.parametrize("text", NASTY)
def test_raw_text_renders_to_itself(text: str) -> None:
    assert jinja2.Environment().from_string(raw(text)).render() == text


@pytest.mark.parametrize("text", NASTY)
def test_literal_text_renders_to_itself_and_reads_back(text: str) -> None:
    assert jinja2.Environment().from_string(literal(text)).render() == text
    assert read_literal(literal(text)) == text


def test_plain_text_is_left_as_it_is() -> None:
    assert literal("Top 5 customers: by revenue") == "Top 5 customers: by revenue"


def test_jinja_outside_raw_is_refused() -> None:
    with pytest.raises(JinjaError, match="Jinja other than ref"):
        read_literal("count {{ env_var('SECRET') }}")


def test_model_sql_reads_through_ref_and_keeps_the_table_name_as_alias() -> None:
    sql = to_dbt_sql("SELECT stg_orders.status FROM stg_orders", ORDERS, dialect="duckdb")
    assert sql == "SELECT\n  stg_orders.status\nFROM {{ ref('stg_orders') }} AS stg_orders"


def test_jinja_inside_a_string_literal_is_escaped() -> None:
    sql = to_dbt_sql("SELECT 1 FROM stg_orders WHERE status = '{{ x }}'", ORDERS, dialect="duckdb")
    rendered = jinja2.Environment().from_string(sql).render(ref=lambda name: f"main.{name}")
    assert "status = '{{ x }}'" in rendered
    assert "FROM main.stg_orders AS stg_orders" in rendered


def test_model_sql_turns_back_into_plain_sql() -> None:
    text = "SELECT 1 FROM {{ ref('stg_orders') }} AS o JOIN {{ source('shop', 'raw_x') }} AS x"
    plain = to_plain_sql(text, lambda call: call.name, where="m.sql")
    assert plain == "SELECT 1 FROM stg_orders AS o JOIN raw_x AS x"


def test_other_jinja_in_model_sql_is_a_validation_error_naming_the_file() -> None:
    with pytest.raises(ValidationError, match=r"m\.sql: Jinja other than ref\(\) and source\(\)"):
        to_plain_sql("SELECT {{ run_query('x') }}", lambda call: call.name, where="m.sql")


def test_template_pieces_name_each_relation_call() -> None:
    assert parse_template("FROM {{ ref('shop', \"orders\") }}") == [
        "FROM ",
        RelationCall("ref", ("shop", "orders")),
    ]
