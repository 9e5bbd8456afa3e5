"""The embedded translator on real DuckDB databases: a shop, and a library it has never seen.

Each question's SQL is executed and its rows compared with a hand-written query's rows, so
the tests check meaning, not spelling.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import duckdb
import pytest
import sqlglot

from sqlsynth.catalog import Catalog, Column, ForeignKey, Table
from sqlsynth.errors import TranslationError
from sqlsynth.plan import ColumnRef, OrderItem, Predicate, QueryPlan, SelectItem
from sqlsynth.spec import NLSpec
from sqlsynth.translate import Draft, get_translator
from sqlsynth.translate.cues import Cue, Unit
from sqlsynth.translate.embedded import EmbeddedTranslator, check_cues_used
from sqlsynth.translate.linking import link_question, singular

SAMPLE_LIMIT = 20

SHOP = """
CREATE TABLE customers (
    customer_id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    email VARCHAR NOT NULL,
    country VARCHAR NOT NULL,
    signup_date DATE NOT NULL
);
COMMENT ON COLUMN customers.country IS 'Country of the billing address';
CREATE TABLE products (
    product_id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    price DECIMAL(10, 2) NOT NULL
);
CREATE TABLE orders (
    order_id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (customer_id),
    order_date DATE NOT NULL,
    status VARCHAR NOT NULL,
    amount DECIMAL(10, 2) NOT NULL
);
COMMENT ON COLUMN orders.amount IS 'Order total in EUR, the revenue of the order';
CREATE TABLE order_items (
    order_id INTEGER NOT NULL REFERENCES orders (order_id),
    product_id INTEGER NOT NULL REFERENCES products (product_id),
    quantity INTEGER NOT NULL,
    PRIMARY KEY (order_id, product_id)
);
INSERT INTO customers SELECT
    i,
    ['Ada', 'Bruno', 'Chen', 'Dana', 'Emil', 'Fatima', 'Goran'][1 + i % 7] || ' ' || i,
    'customer' || i || '@example.com',
    ['Germany', 'France', 'Italy', 'Spain'][1 + (i * 3) % 4],
    DATE '2021-06-01' + INTERVAL (i * 23) DAY
FROM range(1, 41) AS t(i);
INSERT INTO products SELECT
    i,
    ['Desk', 'Chair', 'Lamp', 'Monitor', 'Keyboard', 'Notebook'][1 + i % 6] || ' ' || i,
    ['furniture', 'furniture', 'lighting', 'electronics', 'electronics', 'stationery'][1 + i % 6],
    5 + (i * 41) % 307
FROM range(1, 19) AS t(i);
INSERT INTO orders SELECT
    i,
    1 + (i * 7) % 37,
    DATE '2022-01-01' + INTERVAL ((i * 9) % 1000) DAY,
    ['completed', 'completed', 'shipped', 'cancelled', 'returned'][1 + i % 5],
    10 + (i * 53) % 900
FROM range(1, 151) AS t(i);
INSERT INTO order_items
SELECT o.order_id, 1 + (o.order_id * 5 + k * 7) % 18, 1 + (o.order_id + k) % 3
FROM orders AS o, range(1, 3) AS r(k);
"""

LIBRARY = """
CREATE TABLE authors (
    author_id INTEGER PRIMARY KEY,
    full_name VARCHAR NOT NULL,
    nationality VARCHAR NOT NULL,
    birth_year INTEGER NOT NULL
);
CREATE TABLE books (
    book_id INTEGER PRIMARY KEY,
    title VARCHAR NOT NULL,
    author_id INTEGER NOT NULL REFERENCES authors (author_id),
    genre VARCHAR NOT NULL,
    page_count INTEGER NOT NULL,
    published_year INTEGER NOT NULL
);
CREATE TABLE members (
    member_id INTEGER PRIMARY KEY,
    member_name VARCHAR NOT NULL,
    city VARCHAR NOT NULL
);
CREATE TABLE loans (
    loan_id INTEGER PRIMARY KEY,
    book_id INTEGER NOT NULL REFERENCES books (book_id),
    member_id INTEGER NOT NULL REFERENCES members (member_id),
    loaned_on DATE NOT NULL,
    returned BOOLEAN NOT NULL
);
INSERT INTO authors SELECT
    i,
    ['Ursula', 'Italo', 'Chinua', 'Wislawa', 'Jorge', 'Toni'][1 + i % 6] || ' ' || i,
    ['British', 'Italian', 'Nigerian', 'Polish', 'Argentine'][1 + i % 5],
    1900 + (i * 7) % 80
FROM range(1, 13) AS t(i);
INSERT INTO books SELECT
    i,
    'Book ' || i,
    1 + (i * 5) % 12,
    ['novel', 'poetry', 'essay', 'science fiction'][1 + i % 4],
    80 + (i * 61) % 700,
    1950 + (i * 3) % 70
FROM range(1, 61) AS t(i);
INSERT INTO members SELECT
    i, 'Member ' || i, ['Lisbon', 'Porto', 'Braga'][1 + i % 3]
FROM range(1, 31) AS t(i);
INSERT INTO loans SELECT
    i, 1 + (i * 11) % 50, 1 + (i * 7) % 25, DATE '2023-01-01' + INTERVAL ((i * 13) % 700) DAY,
    i % 4 <> 0
FROM range(1, 201) AS t(i);
"""


def duckdb_catalog(con: duckdb.DuckDBPyConnection) -> Catalog:
    """A catalog read from a live DuckDB: columns, comments, keys and low-cardinality values."""
    rows = con.execute(
        "SELECT table_name, column_name, data_type, comment FROM duckdb_columns() "
        "WHERE NOT internal ORDER BY table_name, column_index"
    ).fetchall()
    keys = con.execute(
        "SELECT table_name, constraint_type, constraint_column_names, referenced_table, "
        "referenced_column_names FROM duckdb_constraints() "
        "WHERE constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY') ORDER BY ALL"
    ).fetchall()
    tables = []
    for name in dict.fromkeys(row[0] for row in rows):
        columns = tuple(
            Column(
                name=column,
                type=data_type,
                description=comment,
                samples=_samples(con, name, column) if data_type == "VARCHAR" else (),
            )
            for table, column, data_type, comment in rows
            if table == name
        )
        primary = next((tuple(k[2]) for k in keys if k[:2] == (name, "PRIMARY KEY")), ())
        foreign = tuple(
            ForeignKey(columns=tuple(k[2]), ref_table=k[3], ref_columns=tuple(k[4]))
            for k in keys
            if k[:2] == (name, "FOREIGN KEY")
        )
        tables.append(Table(name=name, columns=columns, primary_key=primary, foreign_keys=foreign))
    return Catalog(dialect="duckdb", tables=tuple(tables))


def _samples(con: duckdb.DuckDBPyConnection, table: str, column: str) -> tuple[str, ...]:
    values = con.execute(
        f'SELECT DISTINCT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL '
        f"ORDER BY 1 LIMIT {SAMPLE_LIMIT + 1}"
    ).fetchall()
    return tuple(v[0] for v in values) if len(values) <= SAMPLE_LIMIT else ()


def _database(script: str) -> Iterator[tuple[duckdb.DuckDBPyConnection, Catalog]]:
    con = duckdb.connect()
    con.execute("SET threads TO 1")  # ties under LIMIT come back in one order every run
    con.execute(script)
    yield con, duckdb_catalog(con)
    con.close()


@pytest.fixture(scope="module")
def shop() -> Iterator[tuple[duckdb.DuckDBPyConnection, Catalog]]:
    yield from _database(SHOP)


@pytest.fixture(scope="module")
def library() -> Iterator[tuple[duckdb.DuckDBPyConnection, Catalog]]:
    yield from _database(LIBRARY)


def assert_answers(script: str, question: str, expected_sql: str) -> None:
    """The question's SQL returns the rows of ``expected_sql`` on a database built by ``script``."""
    con = duckdb.connect()
    con.execute(script)
    assert_same_rows(con, translate(question, duckdb_catalog(con)), expected_sql)


def assert_refuses(script: str, question: str, match: str) -> None:
    """The question is refused, with a message matching ``match``."""
    con = duckdb.connect()
    con.execute(script)
    with pytest.raises(TranslationError, match=match):
        translate(question, duckdb_catalog(con))


def translate(question: str, catalog: Catalog, *sources: str, dialect: str = "duckdb") -> Draft:
    spec = NLSpec(name="question", prompt=question, sources=sources)
    return EmbeddedTranslator().translate(spec, catalog, dialect=dialect)


def rows(con: duckdb.DuckDBPyConnection, sql: str, *, ordered: bool = False) -> list[Any]:
    result = con.execute(sql).fetchall()
    return result if ordered else sorted(result, key=repr)


SHOP_QUESTIONS = {
    "How many customers are there?": "SELECT count(*) FROM customers",
    "List the name and email of customers in Germany": (
        "SELECT name, email FROM customers WHERE country = 'Germany'"
    ),
    "Number of customers per country": ("SELECT country, count(*) FROM customers GROUP BY country"),
    "Total amount of orders for each status": (
        "SELECT status, sum(amount) FROM orders GROUP BY status"
    ),
    "Average price of products per category, highest first": (
        "SELECT category, avg(price) AS a FROM products GROUP BY category ORDER BY a DESC"
    ),
    "Top 5 customers by total amount of completed orders": (
        "SELECT c.name FROM customers c JOIN orders o USING (customer_id) "
        "WHERE o.status = 'completed' GROUP BY c.customer_id, c.name "
        "ORDER BY sum(o.amount) DESC LIMIT 5"
    ),
    "How many orders have status 'shipped'?": (
        "SELECT count(*) FROM orders WHERE status = 'shipped'"
    ),
    "List products with price above 100": "SELECT * FROM products WHERE price > 100",
    "How many orders were placed after 2023?": (
        "SELECT count(*) FROM orders WHERE order_date >= DATE '2024-01-01'"
    ),
    "How many orders in 2023?": ("SELECT count(*) FROM orders WHERE year(order_date) = 2023"),
    "What is the maximum amount of orders?": "SELECT max(amount) FROM orders",
    "What is the lowest price of products in the lighting category?": (
        "SELECT min(price) FROM products WHERE category = 'lighting'"
    ),
    "Which product has the highest price?": (
        "SELECT name FROM products ORDER BY price DESC LIMIT 1"
    ),
    "Names of customers sorted by signup date in descending order": (
        "SELECT name FROM customers ORDER BY signup_date DESC"
    ),
    "Number of orders per customer country": (
        "SELECT c.country, count(*) FROM orders o JOIN customers c USING (customer_id) "
        "GROUP BY c.country"
    ),
    "Total quantity of order items per product category": (
        "SELECT p.category, sum(i.quantity) FROM order_items i JOIN products p "
        "USING (product_id) GROUP BY p.category"
    ),
    "Which customer has the most orders?": (
        "SELECT c.name FROM customers c JOIN orders o USING (customer_id) "
        "GROUP BY c.customer_id, c.name ORDER BY count(*) DESC LIMIT 1"
    ),
    "Customers with at least 5 orders": (
        "SELECT c.name FROM customers c JOIN orders o USING (customer_id) "
        "GROUP BY c.customer_id, c.name HAVING count(*) >= 5"
    ),
    "Which customers have no orders?": (
        "SELECT name FROM customers WHERE customer_id NOT IN (SELECT customer_id FROM orders)"
    ),
    "Orders that are not cancelled with amount below 50": (
        "SELECT * FROM orders WHERE status <> 'cancelled' AND amount < 50"
    ),
    "Customers from France or Spain": (
        "SELECT * FROM customers WHERE country IN ('France', 'Spain')"
    ),
    "How many different countries do customers come from?": (
        "SELECT count(DISTINCT country) FROM customers"
    ),
    "Total revenue of orders per status": (
        "SELECT status, sum(amount) FROM orders GROUP BY status"
    ),
    "Orders with amount above 800 or status 'returned'": (
        "SELECT * FROM orders WHERE amount > 800 OR status = 'returned'"
    ),
    "Names of customers ordered by country and name": (
        "SELECT name FROM customers ORDER BY country, name"
    ),
    "What is the latest order date?": "SELECT max(order_date) FROM orders",
    "Who is the newest customer?": ("SELECT name FROM customers ORDER BY signup_date DESC LIMIT 1"),
}

LIBRARY_QUESTIONS = {
    "How many books are there?": "SELECT count(*) FROM books",
    "Number of books per genre": "SELECT genre, count(*) FROM books GROUP BY genre",
    "Average page count of books by genre": (
        "SELECT genre, avg(page_count) FROM books GROUP BY genre"
    ),
    "Which author wrote the most books?": (
        "SELECT a.full_name FROM authors a JOIN books b USING (author_id) "
        "GROUP BY a.author_id, a.full_name ORDER BY count(*) DESC LIMIT 1"
    ),
    "List the titles of books published after 2000": (
        "SELECT title FROM books WHERE published_year > 2000"
    ),
    "Titles of books by Italian authors": (
        "SELECT b.title FROM books b JOIN authors a USING (author_id) "
        "WHERE a.nationality = 'Italian'"
    ),
    "How many loans per member city?": (
        "SELECT m.city, count(*) FROM loans l JOIN members m USING (member_id) GROUP BY m.city"
    ),
    "Titles of books that were never loaned": (
        "SELECT title FROM books WHERE book_id NOT IN (SELECT book_id FROM loans)"
    ),
    "Top 3 members by number of loans": (
        "SELECT m.member_name FROM members m JOIN loans l USING (member_id) "
        "GROUP BY m.member_id, m.member_name ORDER BY count(*) DESC LIMIT 3"
    ),
    "Which book has the highest page count?": (
        "SELECT title FROM books ORDER BY page_count DESC LIMIT 1"
    ),
    "Loans that are not returned": "SELECT * FROM loans WHERE NOT returned",
    "Authors born before 1950": "SELECT * FROM authors WHERE birth_year < 1950",
    "List the title and genre of poetry books sorted by title": (
        "SELECT title, genre FROM books WHERE genre = 'poetry' ORDER BY title"
    ),
    "How many books did each author write?": (
        "SELECT a.full_name, count(*) FROM books b JOIN authors a USING (author_id) "
        "GROUP BY a.author_id, a.full_name"
    ),
    "How many loans were made in 2024?": (
        "SELECT count(*) FROM loans WHERE year(loaned_on) = 2024"
    ),
    "Books with more than 400 pages": "SELECT * FROM books WHERE page_count > 400",
    "What are the minimum and maximum page count of books?": (
        "SELECT min(page_count), max(page_count) FROM books"
    ),
    "Average page count of books written by Italian authors": (
        "SELECT avg(b.page_count) FROM books b JOIN authors a USING (author_id) "
        "WHERE a.nationality = 'Italian'"
    ),
    "List the ids of books with more than 400 pages": (
        "SELECT book_id FROM books WHERE page_count > 400"
    ),
    "Members who never borrowed any book": (
        "SELECT * FROM members WHERE member_id NOT IN (SELECT member_id FROM loans)"
    ),
}


def assert_same_rows(con: duckdb.DuckDBPyConnection, draft: Draft, expected_sql: str) -> None:
    ordered = "LIMIT" in expected_sql or "ORDER BY" in expected_sql
    assert rows(con, draft.sql, ordered=ordered) == rows(con, expected_sql, ordered=ordered), (
        draft.sql
    )


@pytest.mark.parametrize("question", sorted(SHOP_QUESTIONS))
def test_shop_question_returns_the_rows_of_hand_written_sql(
    question: str, shop: tuple[duckdb.DuckDBPyConnection, Catalog]
) -> None:
    con, catalog = shop
    assert_same_rows(con, translate(question, catalog), SHOP_QUESTIONS[question])


@pytest.mark.parametrize("question", sorted(LIBRARY_QUESTIONS))
def test_unseen_library_schema_question_returns_the_rows_of_hand_written_sql(
    question: str, library: tuple[duckdb.DuckDBPyConnection, Catalog]
) -> None:
    con, catalog = library
    assert_same_rows(con, translate(question, catalog), LIBRARY_QUESTIONS[question])


def test_unplaceable_question_is_refused_naming_the_words_and_nearest_names(
    shop: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    with pytest.raises(TranslationError) as refused:
        translate("What is the weather on Mars?", shop[1])
    assert "could not place 'weather', 'Mars'" in refused.value.message
    assert refused.value.hint is not None and "nearest" in refused.value.hint


def test_a_word_that_matters_is_not_silently_dropped(
    shop: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    with pytest.raises(TranslationError, match="could not place 'premium'"):
        translate("How many premium customers are there?", shop[1])


def test_comparison_without_a_column_is_refused(
    shop: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    with pytest.raises(TranslationError, match="which column"):
        translate("Customers above 100", shop[1])


def test_comparison_with_the_average_is_a_scalar_subquery(
    shop: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = shop
    draft = translate("Names of products with price lower than average price", catalog)
    assert_same_rows(
        con, draft, "SELECT name FROM products WHERE price < (SELECT avg(price) FROM products)"
    )


def test_comparison_with_a_computed_value_it_cannot_read_is_refused(
    shop: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    with pytest.raises(TranslationError, match="'lower than'"):
        translate("Names of products with price lower than how many orders", shop[1])


def test_sum_over_a_join_that_repeats_rows_is_refused(
    shop: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    with pytest.raises(TranslationError, match="more than once"):
        translate("Total amount of orders per product category", shop[1])


def test_join_through_a_table_no_word_names_is_refused(
    shop: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    with pytest.raises(TranslationError, match="would go through"):
        translate("Number of customers per product category", shop[1])


def test_ranking_measure_orders_the_rows_without_being_shown(
    library: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    draft = translate("Which author wrote the most books?", library[1])
    assert draft.plan is not None
    assert [item.column.column for item in draft.plan.select if item.column] == ["full_name"]
    assert draft.plan.order_by[0].item.aggregate == "count"


def test_sources_restrict_the_tables_it_may_use(
    shop: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    draft = translate("Number of orders per customer country", shop[1], "orders", "customers")
    assert "JOIN customers" in draft.sql
    with pytest.raises(TranslationError):
        translate("Number of orders per customer country", shop[1], "orders")


def test_unknown_source_is_refused_with_the_tables_it_could_use(
    shop: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    with pytest.raises(TranslationError, match="invoices") as refused:
        translate("How many invoices?", shop[1], "invoices")
    assert refused.value.hint is not None and "customers" in refused.value.hint


def test_same_question_gives_the_same_sql_bytes(
    shop: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    question = "Top 5 customers by total amount of completed orders"
    first = translate(question, shop[1])
    for _ in range(3):
        again = translate(question, shop[1])
        assert (again.sql, again.plan, again.explanation) == (
            first.sql,
            first.plan,
            first.explanation,
        )


def test_explanation_says_how_each_word_was_linked_and_why(
    shop: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    draft = translate("Number of orders per customer country", shop[1])
    assert draft.translator == "embedded"
    assert draft.translator_version == EmbeddedTranslator.version
    assert "'orders' → table orders (exact, 1.00)" in draft.explanation
    assert "'customer country' → column customers.country (exact, 1.00)" in draft.explanation
    assert "'per' → GROUP BY" in draft.explanation
    assert any(line.startswith("join customers on") for line in draft.explanation)


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "sqlite", "snowflake", "bigquery"])
def test_the_draft_is_written_in_the_requested_dialect(
    dialect: str, shop: tuple[duckdb.DuckDBPyConnection, Catalog]
) -> None:
    draft = translate("Which customer has the most orders?", shop[1], dialect=dialect)
    assert draft.dialect == dialect
    sqlglot.parse_one(draft.sql, read=dialect, error_level=sqlglot.ErrorLevel.RAISE)


def test_registry_returns_the_embedded_translator() -> None:
    assert isinstance(get_translator("embedded"), EmbeddedTranslator)


def test_translating_takes_milliseconds(shop: tuple[duckdb.DuckDBPyConnection, Catalog]) -> None:
    question = "Top 5 customers by total amount of completed orders"
    translate(question, shop[1])  # the first call builds the per-catalog index
    started = time.perf_counter()
    for _ in range(20):
        translate(question, shop[1])
    assert (time.perf_counter() - started) / 20 < 0.02


def test_linking_scores_exact_above_lemma_above_fuzzy(
    shop: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    linking = link_question("emails of customer in Germny", shop[1])
    found = {link.text: (link.best.element.label, link.best.how) for link in linking.links}
    assert found["emails"] == ("column customers.email", "lemma")
    assert found["customer"] == ("table customers", "lemma")
    assert found["Germny"] == ("value customers.country = 'Germany'", "fuzzy")
    assert linking.tables()[0] == "customers"


@pytest.mark.parametrize(
    ("plural", "expected"),
    [
        ("categories", "category"),
        ("statuses", "status"),
        ("addresses", "address"),
        ("boxes", "box"),
        ("people", "person"),
        ("houses", "house"),
        ("status", "status"),
        ("series", "series"),
        ("analyses", "analysis"),
    ],
)
def test_singular(plural: str, expected: str) -> None:
    assert singular(plural) == expected


FESTIVAL = """
CREATE TABLE bands (
    band_id INTEGER PRIMARY KEY,
    genre VARCHAR,
    band_name VARCHAR,
    contact_phone VARCHAR
);
CREATE TABLE awards (
    award_id INTEGER PRIMARY KEY,
    band_id INTEGER REFERENCES bands (band_id),
    prize VARCHAR,
    note VARCHAR
);
INSERT INTO bands VALUES
    (1, 'Jazz', 'Blue Notes', '555-1'),
    (2, 'Rock', 'Stone Age', '555-2'),
    (3, 'Jazz', 'Swing Kids', '555-3');
INSERT INTO awards VALUES
    (10, 1, 'Golden Mic', 'Name'),
    (11, 1, 'Silver Drum', 'Other'),
    (12, 2, 'Golden Mic', 'Other'),
    (13, 3, 'Silver Drum', 'Name');
"""


@pytest.fixture(scope="module")
def festival() -> Iterator[tuple[duckdb.DuckDBPyConnection, Catalog]]:
    yield from _database(FESTIVAL)


def test_question_naming_no_column_shows_the_column_called_name(
    festival: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = festival
    draft = translate("Which bands play Jazz?", catalog)
    assert_same_rows(con, draft, "SELECT band_name FROM bands WHERE genre = 'Jazz'")


def test_all_the_information_about_shows_every_column(
    festival: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = festival
    draft = translate("Show all the information about bands playing Rock.", catalog)
    assert_same_rows(con, draft, "SELECT * FROM bands WHERE genre = 'Rock'")


def test_lower_case_schema_word_is_not_a_capitalised_sample_value(
    festival: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = festival
    draft = translate("What are the names of all bands?", catalog)
    assert_same_rows(con, draft, "SELECT band_name FROM bands")


def test_both_values_of_one_column_intersect_the_rows_related_to_each(
    festival: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = festival
    draft = translate("Which bands won both the Golden Mic and the Silver Drum prize?", catalog)
    assert "INTERSECT" in draft.sql
    assert rows(con, draft.sql) == [("Blue Notes",)]


def test_or_across_two_tables_is_refused(
    festival: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    with pytest.raises(TranslationError, match="'or' across tables"):
        translate("Bands whose genre is Rock or whose prize is Silver Drum", festival[1])


def test_phone_number_of_names_a_column_not_a_count(
    festival: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = festival
    draft = translate("What is the contact phone number of bands playing Rock?", catalog)
    assert_same_rows(con, draft, "SELECT contact_phone FROM bands WHERE genre = 'Rock'")


CLINIC = """
CREATE TABLE wards (
    ward_id INTEGER PRIMARY KEY,
    ward_name VARCHAR NOT NULL
);
CREATE TABLE patients (
    patient_id INTEGER PRIMARY KEY,
    patient_name VARCHAR NOT NULL,
    sex VARCHAR NOT NULL,
    age INTEGER NOT NULL,
    ward_id INTEGER NOT NULL REFERENCES wards (ward_id)
);
CREATE TABLE nurses (
    nurse_id INTEGER PRIMARY KEY,
    nurse_name VARCHAR NOT NULL,
    birth_date DATE NOT NULL
);
CREATE TABLE treatments (
    treatment_id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (patient_id),
    kind VARCHAR NOT NULL,
    cost DECIMAL(10, 2) NOT NULL
);
INSERT INTO wards VALUES (1, 'North'), (2, 'South'), (3, 'East');
INSERT INTO patients SELECT
    i, 'Patient ' || i, ['F', 'M'][1 + i % 2], 20 + (i * 17) % 60, 1 + (i * 5) % 3
FROM range(1, 21) AS t(i);
INSERT INTO nurses SELECT
    i, 'Nurse ' || i, DATE '1970-01-01' + INTERVAL (i * 1111) DAY
FROM range(1, 9) AS t(i);
INSERT INTO treatments SELECT
    i, 1 + (i * 7) % 20, ['x-ray', 'x-ray', 'cast', 'stitches'][1 + i % 4], 20 + (i * 37) % 700
FROM range(1, 41) AS t(i);
"""


@pytest.fixture(scope="module")
def clinic() -> Iterator[tuple[duckdb.DuckDBPyConnection, Catalog]]:
    yield from _database(CLINIC)


def test_oldest_orders_by_an_age_column(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("What is the name of the oldest patient?", catalog)
    assert_same_rows(con, draft, "SELECT patient_name FROM patients ORDER BY age DESC LIMIT 1")


def test_youngest_orders_by_a_birth_date_latest_first(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("Who is the youngest nurse?", catalog)
    assert_same_rows(con, draft, "SELECT nurse_name FROM nurses ORDER BY birth_date DESC LIMIT 1")


def test_older_than_compares_the_age_column(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("What are the names of patients older than 60?", catalog)
    assert_same_rows(con, draft, "SELECT patient_name FROM patients WHERE age > 60")


def test_cheaper_than_compares_a_price_like_column_downwards(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("How many treatments are cheaper than 100?", catalog)
    assert_same_rows(con, draft, "SELECT count(*) FROM treatments WHERE cost < 100")


def test_female_stands_for_the_sampled_code_f(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("How many female patients are there?", catalog)
    assert_same_rows(con, draft, "SELECT count(*) FROM patients WHERE sex = 'F'")


def test_comparison_with_an_average_is_a_having(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("Which kinds of treatments have an average cost above 300?", catalog)
    assert "HAVING" in draft.sql
    assert_same_rows(con, draft, "SELECT kind FROM treatments GROUP BY kind HAVING avg(cost) > 300")


def test_n_or_more_is_an_inclusive_count(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("Which kinds have 10 or more treatments?", catalog)
    assert_same_rows(con, draft, "SELECT kind FROM treatments GROUP BY kind HAVING count(*) >= 10")


def test_most_common_ranks_a_column_by_how_many_rows_hold_each_value(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("What is the most common kind of treatment?", catalog)
    assert_same_rows(
        con, draft, "SELECT kind FROM treatments GROUP BY kind ORDER BY count(*) DESC LIMIT 1"
    )


def test_ordered_descending_by_orders_rather_than_groups(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("What are the names of patients, ordered descending by age?", catalog)
    assert_same_rows(con, draft, "SELECT patient_name FROM patients ORDER BY age DESC")


def test_alphabetical_order_sorts_by_the_text_column_shown(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("List the names and ages of patients in alphabetical order.", catalog)
    assert_same_rows(con, draft, "SELECT patient_name, age FROM patients ORDER BY patient_name")


def test_ranges_no_row_can_satisfy_intersect_the_rows_of_each(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate(
        "Which kinds have treatments with cost above 600 and treatments with cost below 50?",
        catalog,
    )
    assert "INTERSECT" in draft.sql
    assert_same_rows(
        con,
        draft,
        "SELECT kind FROM treatments WHERE cost > 600 "
        "INTERSECT SELECT kind FROM treatments WHERE cost < 50",
    )


def test_column_fixed_to_a_value_is_not_shown_again(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("Show the names of patients with sex either F or M.", catalog)
    assert_same_rows(con, draft, "SELECT patient_name FROM patients WHERE sex IN ('F', 'M')")


def test_total_number_of_a_count_column_adds_the_counts() -> None:
    assert_answers(
        "CREATE TABLE wards (ward_id INTEGER PRIMARY KEY, ward_name VARCHAR);"
        "CREATE TABLE rooms (room_id INTEGER PRIMARY KEY, ward_id INTEGER REFERENCES wards,"
        " bed_count INTEGER); INSERT INTO wards VALUES (1, 'North'), (2, 'South');"
        "INSERT INTO rooms VALUES (1, 1, 2), (2, 1, 4), (3, 2, 1)",
        "What is the total number of beds in the North ward?",
        "SELECT sum(bed_count) FROM rooms JOIN wards USING (ward_id) WHERE ward_name = 'North'",
    )


def test_most_common_entity_among_related_rows_counts_those_rows(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("What is the name of the most common ward among all patients?", catalog)
    assert_same_rows(
        con,
        draft,
        "SELECT ward_name FROM wards JOIN patients USING (ward_id) "
        "GROUP BY wards.ward_id, ward_name ORDER BY count(*) DESC LIMIT 1",
    )


def test_first_and_last_names_share_their_head_noun() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE guides (guide_id INTEGER PRIMARY KEY, first_name VARCHAR, "
        "last_name VARCHAR, city VARCHAR); INSERT INTO guides VALUES "
        "(1, 'Ana', 'Silva', 'Porto'), (2, 'Rui', 'Costa', 'Braga')"
    )
    draft = translate("What are the first and last names of guides in Porto?", duckdb_catalog(con))
    assert_same_rows(con, draft, "SELECT first_name, last_name FROM guides WHERE city = 'Porto'")
    full = translate("Show the full names of all guides.", duckdb_catalog(con))
    assert_same_rows(con, full, "SELECT first_name, last_name FROM guides")


def test_id_names_a_primary_key_that_does_not_say_id() -> None:
    assert_answers(
        "CREATE TABLE vessels (hull_no INTEGER PRIMARY KEY, vessel_name VARCHAR, tonnage INTEGER);"
        "INSERT INTO vessels VALUES (7, 'Gaivota', 300), (9, 'Sardinha', 120)",
        "What is the name of the vessel with id 9?",
        "SELECT vessel_name FROM vessels WHERE hull_no = 9",
    )


def test_verb_matching_a_column_is_not_shown_beside_what_is_asked() -> None:
    assert_answers(
        "CREATE TABLE mills (mill_id INTEGER PRIMARY KEY, mill_name VARCHAR, built_year INTEGER,"
        " region VARCHAR); INSERT INTO mills VALUES (1, 'Moinho', 1820, 'Minho'),"
        " (2, 'Azenha', 1790, 'Douro')",
        "What are the distinct regions of the mills built?",
        "SELECT DISTINCT region FROM mills",
    )


def test_grouping_a_table_by_its_own_rows_groups_by_the_columns_named(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("What are the kinds and average costs of each treatment?", catalog)
    assert_same_rows(con, draft, "SELECT kind, avg(cost) FROM treatments GROUP BY kind")


def test_highest_before_a_table_is_refused_rather_than_counted(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    with pytest.raises(TranslationError, match="which column"):
        translate("Which ward has the highest patients?", clinic[1])


def test_conditions_on_the_excluded_rows_stay_inside_the_subquery(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("Which patients have no treatments of kind cast?", catalog)
    assert_same_rows(
        con,
        draft,
        "SELECT patient_name FROM patients WHERE patient_id NOT IN "
        "(SELECT patient_id FROM treatments WHERE kind = 'cast')",
    )


def test_negated_column_takes_the_value_that_follows(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("How many treatments do not have the kind x-ray?", catalog)
    assert_same_rows(con, draft, "SELECT count(*) FROM treatments WHERE kind <> 'x-ray'")


def test_second_comparison_joined_by_or_compares_the_same_column(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("Names of patients with age below 30 or above 70", catalog)
    assert_same_rows(con, draft, "SELECT patient_name FROM patients WHERE age < 30 OR age > 70")


def test_superlatives_listed_with_and_are_aggregates(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("What are the lowest and highest cost of treatments?", catalog)
    assert_same_rows(con, draft, "SELECT min(cost), max(cost) FROM treatments")


def test_each_at_the_end_groups_by_what_was_named_first(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("What are the different kinds, and how many treatments are of each?", catalog)
    assert_same_rows(con, draft, "SELECT kind, count(*) FROM treatments GROUP BY kind")


def test_with_the_maximum_after_the_rows_picks_the_row(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("Show the id and name of the patient with the maximum age.", catalog)
    assert_same_rows(
        con, draft, "SELECT patient_id, patient_name FROM patients ORDER BY age DESC LIMIT 1"
    )


def test_by_followed_by_a_direction_orders(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("List the names of patients by descending age.", catalog)
    assert_same_rows(con, draft, "SELECT patient_name FROM patients ORDER BY age DESC")


def test_column_an_aggregate_measures_is_not_shown_again(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("What is the maximum and average cost of treatment cost?", catalog)
    assert_same_rows(con, draft, "SELECT max(cost), avg(cost) FROM treatments")


def test_limit_without_anything_to_order_by_is_refused(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    with pytest.raises(TranslationError, match="nothing orders them"):
        translate("Show the names of the first 3 patients.", clinic[1])


def test_ranking_by_a_key_named_only_in_part_is_refused() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE sites (site_code INTEGER PRIMARY KEY, site_name VARCHAR);"
        "CREATE TABLE rooms (room_id INTEGER PRIMARY KEY, room_name VARCHAR,"
        " site_code INTEGER REFERENCES sites, floor_area INTEGER)"
    )
    with pytest.raises(TranslationError, match="identifies rows"):
        translate("Which room has the highest site?", duckdb_catalog(con), "rooms")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many patients are there in total?", "SELECT count(*) FROM patients"),
        ("How many patients are 60 or older?", "SELECT count(*) FROM patients WHERE age >= 60"),
        ("How many patients are 30 or younger?", "SELECT count(*) FROM patients WHERE age <= 30"),
        (
            "How many nurses were born in 1980 or after?",
            "SELECT count(*) FROM nurses WHERE birth_date >= DATE '1980-01-01'",
        ),
        (
            "Which treatment costs the most?",
            "SELECT kind FROM treatments ORDER BY cost DESC LIMIT 1",
        ),
    ],
)
def test_trailing_phrases_bound_total_and_rank(
    question: str, expected: str, clinic: tuple[duckdb.DuckDBPyConnection, Catalog]
) -> None:
    con, catalog = clinic
    assert_same_rows(con, translate(question, catalog), expected)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "What are the average age and ward id of patients?",
            "SELECT ward_id, avg(age) FROM patients GROUP BY ward_id",
        ),
        (
            "What is the average cost of treatments of the patient named Patient 3?",
            "SELECT avg(cost) FROM treatments JOIN patients USING (patient_id) "
            "WHERE patient_name = 'Patient 3'",
        ),
        (
            "Tell me the highest, lowest, and average cost of treatments.",
            "SELECT max(cost), min(cost), avg(cost) FROM treatments",
        ),
    ],
)
def test_aggregates_listed_and_filtered_to_one_entity(
    question: str, expected: str, clinic: tuple[duckdb.DuckDBPyConnection, Catalog]
) -> None:
    con, catalog = clinic
    assert_same_rows(con, translate(question, catalog), expected)


def test_aggregate_distributes_over_a_numeric_column_joined_by_and(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE athletes (athlete_id INTEGER PRIMARY KEY, athlete_name VARCHAR,"
        " height INTEGER, weight INTEGER); INSERT INTO athletes VALUES"
        " (1, 'Ana', 170, 60), (2, 'Rui', 180, 80)"
    )
    draft = translate("Find the average height and weight of all athletes.", duckdb_catalog(con))
    assert_same_rows(con, draft, "SELECT avg(height), avg(weight) FROM athletes")


def test_unsampled_capitalised_value_after_a_text_column_is_its_value() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE singers (singer_id INTEGER PRIMARY KEY, singer_name VARCHAR,"
        " hometown VARCHAR); INSERT INTO singers SELECT i, 'Singer ' || i,"
        " CASE WHEN i % 7 = 0 THEN 'New Orleans' ELSE 'Town ' || i END FROM range(1, 60) t(i)"
    )
    catalog = duckdb_catalog(con)
    assert not catalog.table("singers").column("hometown").samples  # too many to sample
    draft = translate("Which singers have the hometown New Orleans?", catalog)
    assert_same_rows(con, draft, "SELECT singer_name FROM singers WHERE hometown = 'New Orleans'")


def test_count_named_after_the_rows_and_compared_is_a_having(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("List wards that have the number of patients greater than 6.", catalog)
    assert_same_rows(
        con,
        draft,
        "SELECT ward_name FROM wards JOIN patients USING (ward_id) "
        "GROUP BY wards.ward_id, ward_name HAVING count(*) > 6",
    )


def test_top_n_highest_values_lists_the_values(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("What are the top 3 highest costs?", catalog)
    assert_same_rows(con, draft, "SELECT cost FROM treatments ORDER BY cost DESC LIMIT 3")


def test_top_n_with_nothing_to_rank_by_is_refused(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    with pytest.raises(TranslationError, match="ranked by"):
        translate("Show the top 3 patients.", clinic[1])


def test_years_old_compares_the_age_column(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("How many patients are over 50 years old?", catalog)
    assert_same_rows(con, draft, "SELECT count(*) FROM patients WHERE age > 50")


def test_number_names_a_key_abbreviated_no() -> None:
    assert_answers(
        "CREATE TABLE voyages (voyage_no INTEGER PRIMARY KEY, port VARCHAR, distance INTEGER);"
        "INSERT INTO voyages VALUES (101, 'Lisbon', 300), (102, 'Porto', 120)",
        "What is the voyage number of the longest voyage?",
        "SELECT voyage_no FROM voyages ORDER BY distance DESC LIMIT 1",
    )


def test_column_named_after_a_count_without_a_condition_is_refused_not_dropped(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    with pytest.raises(TranslationError, match="'sex'"):
        translate("How many patients are listed with their sex?", clinic[1])


def test_column_after_a_direction_and_order_of_only_sorts(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("List the names of patients in the descending order of age.", catalog)
    assert_same_rows(con, draft, "SELECT patient_name FROM patients ORDER BY age DESC")


def test_group_by_a_table_whose_key_a_shown_column_refers_to_needs_no_join(
    shop: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = shop
    draft = translate("Show all customer ids and the number of orders for each customer.", catalog)
    assert_same_rows(con, draft, "SELECT customer_id, count(*) FROM orders GROUP BY customer_id")


def test_a_named_link_table_is_the_join_path_over_a_direct_key() -> None:
    assert_answers(
        "CREATE TABLE doctors (doctor_id INTEGER PRIMARY KEY, name VARCHAR);"
        "CREATE TABLE wards (ward_id INTEGER PRIMARY KEY, title VARCHAR,"
        " head INTEGER REFERENCES doctors (doctor_id));"
        "CREATE TABLE assigned_to (doctor INTEGER REFERENCES doctors (doctor_id),"
        " ward INTEGER REFERENCES wards (ward_id), PRIMARY KEY (doctor, ward));"
        "INSERT INTO doctors VALUES (1, 'Ines'), (2, 'Omar'), (3, 'Yuki');"
        "INSERT INTO wards VALUES (10, 'Surgery', 1), (20, 'Pediatrics', 2);"
        "INSERT INTO assigned_to VALUES (2, 10), (3, 10), (1, 20)",
        "Find the names of doctors assigned to Surgery.",
        "SELECT d.name FROM doctors d JOIN assigned_to a ON a.doctor = d.doctor_id"
        " JOIN wards w ON w.ward_id = a.ward WHERE w.title = 'Surgery'",
    )


def test_along_with_joins_outputs_like_and(
    library: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = library
    draft = translate("List each genre along with the number of books of that genre.", catalog)
    assert_same_rows(con, draft, "SELECT genre, count(*) FROM books GROUP BY genre")


def test_number_after_a_column_names_that_column() -> None:
    assert_answers(
        "CREATE TABLE agents (agent_id INTEGER PRIMARY KEY, agent_name VARCHAR, phone VARCHAR);"
        "INSERT INTO agents VALUES (1, 'Rosa', '555-0101'), (2, 'Tariq', '555-0102')",
        "What is the phone number of agent Rosa?",
        "SELECT phone FROM agents WHERE agent_name = 'Rosa'",
    )


def test_having_groups_by_the_shown_column_of_the_counted_table() -> None:
    assert_answers(
        "CREATE TABLE peaks (peak_id INTEGER PRIMARY KEY, peak_name VARCHAR, country VARCHAR);"
        "CREATE TABLE hikers (hiker_id INTEGER PRIMARY KEY, hiker_name VARCHAR, country VARCHAR,"
        " peak_id INTEGER REFERENCES peaks (peak_id));"
        "INSERT INTO peaks VALUES (1, 'Eiger', 'Switzerland'), (2, 'Jungfrau', 'Switzerland'),"
        " (3, 'Olympus', 'Greece');"
        "INSERT INTO hikers VALUES (1, 'Ana', 'Greece', 1), (2, 'Ben', 'Greece', 3)",
        "Which countries have more than one peak?",
        "SELECT country FROM peaks GROUP BY country HAVING count(*) > 1",
    )


def test_that_has_the_maximum_picks_the_row(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("What is the name of the patient that has the maximum age?", catalog)
    assert_same_rows(con, draft, "SELECT patient_name FROM patients ORDER BY age DESC LIMIT 1")


def test_counting_through_a_link_table_counts_its_rows() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE pupils (pupil_id INTEGER PRIMARY KEY, pupil_name VARCHAR);"
        "CREATE TABLE clubs (club_id INTEGER PRIMARY KEY, club_name VARCHAR);"
        "CREATE TABLE joined_clubs (pupil_id INTEGER REFERENCES pupils (pupil_id),"
        " club_id INTEGER REFERENCES clubs (club_id));"
        "INSERT INTO pupils VALUES (1, 'Ana'), (2, 'Ben');"
        "INSERT INTO clubs VALUES (10, 'Chess'), (20, 'Drama');"
        "INSERT INTO joined_clubs VALUES (1, 10), (2, 10), (1, 20)"
    )
    draft = translate("Show each club name and the number of pupils in it.", duckdb_catalog(con))
    assert "pupils" not in draft.sql.lower().replace("joined_clubs", "")
    assert_same_rows(
        con,
        draft,
        "SELECT c.club_name, count(*) FROM clubs c JOIN joined_clubs j ON j.club_id = c.club_id"
        " GROUP BY c.club_name",
    )


def test_grouping_over_three_joined_tables_is_refused(
    library: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    with pytest.raises(TranslationError, match="joined tables"):
        translate("How many loans of books are there for each author nationality?", library[1])


def test_label_words_before_of_a_table_name_that_tables_label() -> None:
    assert_answers(
        "CREATE TABLE albums (album_id INTEGER PRIMARY KEY, title VARCHAR);"
        "CREATE TABLE songs (song_id INTEGER PRIMARY KEY, name VARCHAR,"
        " album_id INTEGER REFERENCES albums (album_id));"
        "INSERT INTO albums VALUES (1, 'Blue'), (2, 'Red');"
        "INSERT INTO songs VALUES (1, 'Sea', 1), (2, 'Sky', 1), (3, 'Fire', 2)",
        "What are the names and ids of the albums, and how many songs are on each?",
        "SELECT a.title, a.album_id, count(*) FROM albums a JOIN songs s"
        " ON s.album_id = a.album_id GROUP BY a.album_id, a.title",
    )


def test_a_number_after_a_table_name_is_a_row_key(
    clinic: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = clinic
    draft = translate("How many patients are in ward 2?", catalog)
    assert_same_rows(con, draft, "SELECT count(*) FROM patients WHERE ward_id = 2")


def test_a_year_compares_the_one_whole_number_year_column() -> None:
    assert_answers(
        "CREATE TABLE vintages (vintage_id INTEGER PRIMARY KEY, label VARCHAR, year INTEGER);"
        "INSERT INTO vintages VALUES (1, 'Alto', 2001), (2, 'Bajo', 2008), (3, 'Cima', 2012)",
        "List the labels of vintages produced before 2010.",
        "SELECT label FROM vintages WHERE year < 2010",
    )


def test_in_or_after_a_year_includes_it() -> None:
    assert_answers(
        "CREATE TABLE shows (show_id INTEGER PRIMARY KEY, title VARCHAR, year INTEGER);"
        "INSERT INTO shows VALUES (1, 'Dawn', 2004), (2, 'Dusk', 2005), (3, 'Noon', 2006)",
        "How many shows happened in or after 2005?",
        "SELECT count(*) FROM shows WHERE year >= 2005",
    )


def test_three_outputs_from_joined_tables_are_refused(
    library: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    with pytest.raises(TranslationError, match="outputs from 2 joined tables"):
        translate("Show the title, genre and author nationality of each book.", library[1])


def test_a_column_named_like_another_tables_key_joins_without_a_declared_key() -> None:
    assert_answers(
        "CREATE TABLE owners (owner_id INTEGER PRIMARY KEY, owner_name VARCHAR);"
        "CREATE TABLE pets (pet_id INTEGER PRIMARY KEY, owner_id INTEGER, pet_name VARCHAR);"
        "INSERT INTO owners VALUES (1, 'Rosa'), (2, 'Tariq');"
        "INSERT INTO pets VALUES (1, 1, 'Bolt'), (2, 1, 'Miso'), (3, 2, 'Pip')",
        "What are the pet names of owners named Rosa?",
        "SELECT p.pet_name FROM pets p JOIN owners o ON o.owner_id = p.owner_id"
        " WHERE o.owner_name = 'Rosa'",
    )


def test_average_number_of_a_numeric_column_averages_it(
    library: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = library
    draft = translate("What is the average number of pages of the books?", catalog)
    assert_same_rows(con, draft, "SELECT avg(page_count) FROM books")


def test_total_number_of_a_numeric_column_sums_it() -> None:
    assert_answers(
        "CREATE TABLE jobs (job_id INTEGER PRIMARY KEY, title VARCHAR, hours INTEGER);"
        "INSERT INTO jobs VALUES (1, 'Paint', 5), (2, 'Fix', 5), (3, 'Clean', 2)",
        "What is the total number of hours for all jobs?",
        "SELECT sum(hours) FROM jobs",
    )


def test_distinct_rows_ordered_by_a_hidden_column_do_not_show_it(
    library: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = library
    draft = translate("List the distinct genres of books ordered by page count.", catalog)
    assert_same_rows(con, draft, "SELECT genre FROM books GROUP BY genre ORDER BY min(page_count)")


def test_columns_all_found_in_one_table_are_read_from_it_alone() -> None:
    assert_answers(
        "CREATE TABLE ref_colors (color_code VARCHAR PRIMARY KEY, color_name VARCHAR);"
        "CREATE TABLE cars (car_id INTEGER PRIMARY KEY,"
        " color_code VARCHAR REFERENCES ref_colors (color_code));"
        "INSERT INTO ref_colors VALUES ('R', 'red'), ('B', 'blue'), ('G', 'green');"
        "INSERT INTO cars VALUES (1, 'R'), (2, 'R')",
        "What are all the color codes and color names?",
        "SELECT color_code, color_name FROM ref_colors",
    )


def test_includes_the_word_matches_a_substring(
    library: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = library
    draft = translate("List the titles of books whose title includes the word 'ook 1'.", catalog)
    assert_same_rows(con, draft, "SELECT title FROM books WHERE title LIKE '%ook 1%'")


def test_two_unplaced_capitalised_words_are_a_first_and_last_name() -> None:
    assert_answers(
        "CREATE TABLE clients (client_id INTEGER PRIMARY KEY, first_name VARCHAR,"
        " last_name VARCHAR, email VARCHAR);"
        "INSERT INTO clients SELECT i, 'First' || i, 'Last' || i, 'c' || i || '@x.org'"
        " FROM range(1, 60) AS t(i);"
        "INSERT INTO clients VALUES (99, 'Linda', 'Okafor', 'linda@x.org')",
        "What is the email of client Linda Okafor?",
        "SELECT email FROM clients WHERE first_name = 'Linda' AND last_name = 'Okafor'",
    )


def test_a_named_table_read_by_a_not_in_subquery_is_not_also_joined() -> None:
    assert_answers(
        "CREATE TABLE shops (shop_id INTEGER PRIMARY KEY, shop_name VARCHAR);"
        "CREATE TABLE devices (device_id INTEGER PRIMARY KEY, model VARCHAR);"
        "CREATE TABLE stock (shop_id INTEGER REFERENCES shops (shop_id),"
        " device_id INTEGER REFERENCES devices (device_id), PRIMARY KEY (shop_id, device_id));"
        "INSERT INTO shops VALUES (1, 'North'), (2, 'South'), (3, 'East');"
        "INSERT INTO devices VALUES (10, 'X1');"
        "INSERT INTO stock VALUES (1, 10)",
        "What are the names of shops that do not have any devices in stock?",
        "SELECT shop_name FROM shops WHERE shop_id NOT IN (SELECT shop_id FROM stock)",
    )


def test_between_two_numbers_after_is_filters_the_column(
    library: tuple[duckdb.DuckDBPyConnection, Catalog],
) -> None:
    con, catalog = library
    draft = translate("List the titles of books whose page count is between 100 and 300.", catalog)
    assert_same_rows(con, draft, "SELECT title FROM books WHERE page_count BETWEEN 100 AND 300")


def test_groups_of_a_table_count_the_joined_rows_not_their_own_keys() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE genres (genre_id INTEGER PRIMARY KEY, name VARCHAR);"
        "CREATE TABLE tracks (track_id INTEGER PRIMARY KEY,"
        " genre_id INTEGER REFERENCES genres (genre_id));"
        "INSERT INTO genres VALUES (1, 'Jazz'), (2, 'Rock');"
        "INSERT INTO tracks VALUES (1, 1), (2, 2), (3, 2), (4, 2)"
    )
    draft = translate(
        "What is the name of the genre that is most frequent across all tracks?",
        duckdb_catalog(con),
    )
    assert rows(con, draft.sql) == [("Rock",)]


def test_a_table_only_a_partly_matched_word_joins_is_refused() -> None:
    assert_refuses(
        "CREATE TABLE visits (visit_id INTEGER PRIMARY KEY, room VARCHAR);"
        "CREATE TABLE prescriptions (prescription_id INTEGER PRIMARY KEY,"
        " visit_id INTEGER REFERENCES visits (visit_id), dose_amount INTEGER)",
        "Show the rooms of visits and their dose.",
        "loosely matched word brings prescriptions",
    )


def test_an_iso_date_after_a_cue_compares_the_one_date_column() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE repairs (repair_id INTEGER PRIMARY KEY, note VARCHAR, logged_on DATE);"
        "INSERT INTO repairs VALUES (1, 'fan', DATE '1999-03-01'), (2, 'pump', DATE '2004-07-15'),"
        " (3, 'valve', DATE '2011-11-30')"
    )
    catalog = duckdb_catalog(con)
    draft = translate("Which repairs were logged after 2004-07-15? Give the notes.", catalog)
    assert_same_rows(con, draft, "SELECT note FROM repairs WHERE logged_on > DATE '2004-07-15'")
    question = "List the notes of repairs logged between 1998-01-01 and 2005-01-01."
    draft = translate(question, catalog)
    assert_same_rows(
        con,
        draft,
        "SELECT note FROM repairs WHERE logged_on BETWEEN DATE '1998-01-01' AND DATE '2005-01-01'",
    )


def test_a_time_literal_never_compares_a_whole_number_year() -> None:
    assert_refuses(
        "CREATE TABLE heats (heat_id INTEGER PRIMARY KEY, title VARCHAR, year INTEGER);"
        "INSERT INTO heats VALUES (1, 'Opening', 2001), (2, 'Final', 2008)",
        "Which heats are after 12:00:00?",
        "which date",
    )


def _kennel() -> tuple[duckdb.DuckDBPyConnection, Catalog]:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE breeders (breeder_id INTEGER PRIMARY KEY, name VARCHAR, town VARCHAR);"
        "CREATE TABLE dogs (dog_id INTEGER PRIMARY KEY, title VARCHAR, weight INTEGER,"
        " breeder_id INTEGER REFERENCES breeders (breeder_id));"
        "INSERT INTO breeders VALUES (1, 'Oakridge', 'Elm'), (2, 'Pinefold', 'Ash');"
        "INSERT INTO dogs VALUES (1, 'Rex Major', 30, 1), (2, 'Bella', 12, 2), (3, 'Max', 25, 1)"
    )
    return con, duckdb_catalog(con)


def test_a_quoted_string_after_a_table_names_a_row_by_its_name_column() -> None:
    con, catalog = _kennel()
    draft = translate('How many dogs does the breeder "Hollow Creek" have?', catalog)
    assert "'Hollow Creek'" in draft.sql
    draft = translate('What is the weight of the dog called "Bella"?', catalog)
    assert_same_rows(con, draft, "SELECT weight FROM dogs WHERE title = 'Bella'")


def test_a_quoted_piece_of_a_text_column_is_a_pattern_match() -> None:
    con, catalog = _kennel()
    draft = translate('List the titles of dogs that have "a" in their titles.', catalog)
    assert_same_rows(con, draft, "SELECT title FROM dogs WHERE title LIKE '%a%'")
    draft = translate("Which dogs have titles that start with the letter 'R'?", catalog)
    assert_same_rows(con, draft, "SELECT title FROM dogs WHERE title LIKE 'R%'")


def test_capitalised_words_after_a_table_name_a_row_only_by_a_whole_name_column() -> None:
    con, catalog = _kennel()
    draft = translate("What is the weight of the dog titled Rex Major?", catalog)
    assert_same_rows(con, draft, "SELECT weight FROM dogs WHERE title = 'Rex Major'")
    con.execute(
        "CREATE TABLE walkers (walker_id INTEGER PRIMARY KEY, last_name VARCHAR, age INTEGER)"
    )
    with pytest.raises(TranslationError):
        translate("What is the age of the walker Ann Lee?", duckdb_catalog(con))


def test_two_quoted_row_names_joined_by_or_match_either() -> None:
    con, catalog = _kennel()
    draft = translate('Show the weights of the dogs named "Bella" or "Max".', catalog)
    assert_same_rows(con, draft, "SELECT weight FROM dogs WHERE title IN ('Bella', 'Max')")


def test_rows_that_contain_a_quoted_word_match_it_in_their_name() -> None:
    con, catalog = _kennel()
    draft = translate('Find the dogs that contain the word "Major".', catalog)
    assert_same_rows(con, draft, "SELECT title FROM dogs WHERE title LIKE '%Major%'")
    with pytest.raises(TranslationError):
        translate('How many dogs have "Hollow Creek" as breeder?', catalog)


def test_a_column_then_two_numbers_joined_by_to_is_a_range() -> None:
    con, catalog = _kennel()
    draft = translate("List the titles of dogs with weight 20 to 28.", catalog)
    assert_same_rows(con, draft, "SELECT title FROM dogs WHERE weight BETWEEN 20 AND 28")


def test_alphabetic_order_sorts_ascending() -> None:
    con, catalog = _kennel()
    draft = translate("List the titles of all dogs in alphabetic order.", catalog)
    assert draft.sql.count("ORDER BY") == 1
    assert con.execute(draft.sql).fetchall() == [("Bella",), ("Max",), ("Rex Major",)]


def test_a_count_before_a_superlative_keeps_that_many_rows() -> None:
    con, catalog = _kennel()
    draft = translate("Show the titles of dogs with the two lowest weights.", catalog)
    assert_same_rows(con, draft, "SELECT title FROM dogs ORDER BY weight LIMIT 2")


def test_kinds_of_a_column_counts_its_distinct_values() -> None:
    assert_answers(
        "CREATE TABLE parcels (parcel_id INTEGER PRIMARY KEY, wrapping VARCHAR);"
        "INSERT INTO parcels VALUES (1, 'box'), (2, 'box'), (3, 'tube'), (4, 'sack')",
        "How many kinds of wrapping are there?",
        "SELECT count(DISTINCT wrapping) FROM parcels",
    )


def test_distinct_before_the_table_makes_the_shown_columns_distinct() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE riders (rider_id INTEGER PRIMARY KEY, forename VARCHAR);"
        "INSERT INTO riders VALUES (1, 'Ana'), (2, 'Ana'), (3, 'Bo')"
    )
    draft = translate("List the forenames of all distinct riders.", duckdb_catalog(con))
    assert sorted(con.execute(draft.sql).fetchall()) == [("Ana",), ("Bo",)]


def test_counting_a_column_fixed_to_one_value_counts_rows() -> None:
    assert_answers(
        "CREATE TABLE exams (exam_id INTEGER PRIMARY KEY, outcome VARCHAR);"
        "INSERT INTO exams VALUES (1, 'Pass'), (2, 'Fail'), (3, 'Fail'), (4, 'Pass'), (5, 'Fail')",
        "Count the number of exam outcomes that are Fail.",
        "SELECT count(*) FROM exams WHERE outcome = 'Fail'",
    )


def test_member_after_a_group_noun_adds_nothing() -> None:
    assert_answers(
        "CREATE TABLE crew (crew_id INTEGER PRIMARY KEY, forename VARCHAR, shift VARCHAR);"
        "INSERT INTO crew VALUES (1, 'Ana', 'day'), (2, 'Bo', 'night'), (3, 'Cy', 'day')",
        "How many crew members work the day shift?",
        "SELECT count(*) FROM crew WHERE shift = 'day'",
    )


def test_a_count_asked_before_in_each_group_comes_first() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE boats (boat_id INTEGER PRIMARY KEY, harbour VARCHAR);"
        "INSERT INTO boats VALUES (1, 'North'), (2, 'South'), (3, 'North')"
    )
    catalog = duckdb_catalog(con)
    first = translate("How many boats are in each harbour?", catalog)
    assert con.execute(first.sql + " ORDER BY 1").fetchall() == [(1, "South"), (2, "North")]
    later = translate("How many boats are there for each harbour?", catalog)
    assert con.execute(later.sql + " ORDER BY 1").fetchall() == [("North", 2), ("South", 1)]
    grouped = translate("What is the number of boats, grouped by harbour?", catalog)
    assert con.execute(grouped.sql + " ORDER BY 1").fetchall() == [(1, "South"), (2, "North")]


def test_a_table_listed_after_shown_columns_shows_its_name() -> None:
    assert_answers(
        "CREATE TABLE league (league_id INTEGER PRIMARY KEY, league_name VARCHAR);"
        "CREATE TABLE club (club_id INTEGER PRIMARY KEY, club_name VARCHAR,"
        " league_id INTEGER REFERENCES league(league_id));"
        "INSERT INTO league VALUES (1, 'East'), (2, 'West');"
        "INSERT INTO club VALUES (1, 'Rovers', 1), (2, 'United', 2)",
        "What are the names of clubs and their respective leagues?",
        "SELECT c.club_name, l.league_name FROM club c JOIN league l USING (league_id)",
    )


def test_names_of_a_name_column_show_only_that_column() -> None:
    assert_answers(
        "CREATE TABLE rider (rider_id INTEGER PRIMARY KEY, rider_name VARCHAR,"
        " sponsor_name VARCHAR, town VARCHAR);"
        "INSERT INTO rider VALUES (1, 'Ana', 'Acme', 'Leeds'), (2, 'Bo', 'Zeta', 'York')",
        "Show the names of sponsors of riders from Leeds.",
        "SELECT sponsor_name FROM rider WHERE town = 'Leeds'",
    )


def test_a_measure_across_all_of_a_column_word_is_not_grouped() -> None:
    assert_answers(
        "CREATE TABLE college (school VARCHAR, enrollment INTEGER);"
        "INSERT INTO college VALUES ('North', 10), ('South', 30)",
        "What is the maximum enrollment across all schools?",
        "SELECT max(enrollment) FROM college",
    )


def test_a_numeric_column_after_a_gradable_superlative_ranks_without_showing() -> None:
    assert_answers(
        "CREATE TABLE ride (ride_id INTEGER PRIMARY KEY, duration INTEGER);"
        "INSERT INTO ride VALUES (1, 40), (2, 15), (3, 90)",
        "What is the id of the ride with the shortest duration?",
        "SELECT ride_id FROM ride ORDER BY duration LIMIT 1",
    )


def test_a_measure_word_that_is_part_of_a_column_name_filters_rows() -> None:
    assert_answers(
        "CREATE TABLE reading (day VARCHAR, max_wind_kmh INTEGER, mean_wind_kmh INTEGER);"
        "INSERT INTO reading VALUES ('mon', 90, 40), ('tue', 50, 20)",
        "What are the days with a maximum wind above 60?",
        "SELECT day FROM reading WHERE max_wind_kmh > 60",
    )


def test_a_singular_noun_after_a_value_that_names_its_column_is_not_shown() -> None:
    assert_answers(
        "CREATE TABLE cabin (cabin_name VARCHAR, berths INTEGER, berthType VARCHAR);"
        "INSERT INTO cabin VALUES ('A', 2, 'Bunk'), ('B', 1, 'Double')",
        "List the names of cabins with a bunk berth.",
        "SELECT cabin_name FROM cabin WHERE berthType = 'Bunk'",
    )


def test_first_and_last_name_share_a_head_with_prefixed_abbreviated_columns() -> None:
    assert_answers(
        "CREATE TABLE worker (wk_num INTEGER PRIMARY KEY, wk_fname VARCHAR, wk_lname VARCHAR,"
        " wk_age INTEGER);"
        "INSERT INTO worker VALUES (1, 'Ana', 'Ruiz', 40), (2, 'Bo', 'Lee', 30)",
        "What is the first and last name of every worker?",
        "SELECT wk_fname, wk_lname FROM worker",
    )


def test_the_code_of_a_code_column_shows_only_that_column() -> None:
    assert_answers(
        "CREATE TABLE unit (alpha_code VARCHAR, depot_code VARCHAR, label VARCHAR);"
        "INSERT INTO unit VALUES ('U1', 'D1', 'North'), ('U2', 'D2', 'South')",
        "What is the code of the depot of the North unit?",
        "SELECT depot_code FROM unit WHERE label = 'North'",
    )


def test_counting_a_plural_numeric_column_adds_it_up() -> None:
    assert_answers(
        "CREATE TABLE cabin (cabin_id INTEGER PRIMARY KEY, berths INTEGER, deck VARCHAR);"
        "INSERT INTO cabin VALUES (1, 2, 'Upper'), (2, 4, 'Upper'), (3, 4, 'Lower')",
        "How many Upper berths are there?",
        "SELECT sum(berths) FROM cabin WHERE deck = 'Upper'",
    )


def test_rows_that_have_ever_had_something_are_shown_once() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE depot (depot_id INTEGER PRIMARY KEY, title VARCHAR);"
        "CREATE TABLE snapshot (depot_id INTEGER REFERENCES depot(depot_id), vans INTEGER);"
        "INSERT INTO depot VALUES (1, 'North'), (2, 'South');"
        "INSERT INTO snapshot VALUES (1, 9), (1, 8), (2, 1)"
    )
    draft = translate(
        "What are the titles of depots that have ever had more than 5 vans?", duckdb_catalog(con)
    )
    assert con.execute(draft.sql).fetchall() == [("North",)]


@pytest.mark.parametrize(
    "question",
    [
        "Which workers have an age greater than any engineer?",
        "Which workers were hired before the date of any worker in the Sales team?",
        "Which workers have a salary higher than the salary of workers with age below 30?",
        "Which workers are older than Sales?",
    ],
)
def test_comparisons_with_values_computed_over_other_rows_are_refused(question: str) -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE worker (worker_id INTEGER PRIMARY KEY, name VARCHAR, job VARCHAR,"
        " team VARCHAR, age INTEGER, salary INTEGER, hired DATE);"
        "INSERT INTO worker VALUES (1, 'Ana', 'engineer', 'Sales', 40, 10, '2020-01-01'),"
        " (2, 'Bo', 'clerk', 'Ops', 20, 5, '2021-01-01')"
    )
    with pytest.raises(TranslationError, match="compare"):
        translate(question, duckdb_catalog(con))


def test_a_pattern_after_contains_the_substring_matches_it() -> None:
    assert_answers(
        "CREATE TABLE lens (lens_id INTEGER PRIMARY KEY, title VARCHAR);"
        "INSERT INTO lens VALUES (1, 'Digital Zoom'), (2, 'Wide')",
        "Which lens titles contain the substring 'Zoom'?",
        "SELECT title FROM lens WHERE title LIKE '%Zoom%'",
    )


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What are the names of pilots aged 25 or older?", "age >= 25"),
        ("What are the names of pilots aged 25 or younger?", "age <= 25"),
    ],
)
def test_a_column_compared_by_an_open_bound_is_not_shown(question: str, expected: str) -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE pilot (pilot_id INTEGER PRIMARY KEY, name VARCHAR, age INTEGER);"
        "INSERT INTO pilot VALUES (1, 'Ana', 40), (2, 'Bo', 20), (3, 'Cy', 25)"
    )
    draft = translate(question, duckdb_catalog(con))
    assert_same_rows(con, draft, f"SELECT name FROM pilot WHERE {expected}")


def test_a_text_column_of_words_ranked_against_a_number_is_refused() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE book (book_id INTEGER PRIMARY KEY, title VARCHAR, category VARCHAR,"
        " pages VARCHAR);"
        "INSERT INTO book VALUES (1, 'A', 'Novel', '120'), (2, 'B', 'Poetry', '80')"
    )
    catalog = duckdb_catalog(con)
    with pytest.raises(TranslationError, match="text column"):
        translate("Which books have a category above 3?", catalog)
    # numbers stored as text still compare
    draft = translate("Which books have more than 100 pages?", catalog)
    assert draft.sql.count("pages") == 1


def test_a_column_after_whose_belongs_to_the_table_before_it() -> None:
    assert_answers(
        "CREATE TABLE site (site_id INTEGER PRIMARY KEY, site_name VARCHAR);"
        "CREATE TABLE stall (stall_id INTEGER PRIMARY KEY, name VARCHAR,"
        " site_id INTEGER REFERENCES site(site_id));"
        "INSERT INTO site VALUES (1, 'Film Park'), (2, 'Harbour');"
        "INSERT INTO stall VALUES (1, 'Film Shop', 2), (2, 'Cafe', 1)",
        'Find the sites whose names contain the word "Film".',
        "SELECT site_name FROM site WHERE site_name LIKE '%Film%'",
    )


@pytest.fixture
def crew() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE mechanic (mechanic_id INTEGER PRIMARY KEY, name VARCHAR);"
        "CREATE TABLE machine (machine_id INTEGER PRIMARY KEY, model VARCHAR);"
        "CREATE TABLE job (mechanic_id INTEGER REFERENCES mechanic(mechanic_id),"
        " machine_id INTEGER REFERENCES machine(machine_id));"
        "INSERT INTO mechanic VALUES (1, 'Ana'), (2, 'Bo'), (3, 'Cy');"
        "INSERT INTO machine VALUES (1, 'Lathe'), (2, 'Press');"
        "INSERT INTO job VALUES (1, 1), (1, 2), (3, 2)"
    )
    return con


def test_tables_named_inside_a_negation_are_not_joined_outside_it(
    crew: duckdb.DuckDBPyConnection,
) -> None:
    draft = translate(
        "List the names of mechanics who have not been assigned a job on machines.",
        duckdb_catalog(crew),
    )
    expected = "SELECT name FROM mechanic WHERE mechanic_id NOT IN (SELECT mechanic_id FROM job)"
    assert_same_rows(crew, draft, expected)


def test_a_negation_beside_a_filter_on_the_excluded_rows_is_refused(
    crew: duckdb.DuckDBPyConnection,
) -> None:
    with pytest.raises(TranslationError, match="negation"):
        translate(
            "Which mechanics do not have a job on the Lathe model machine?", duckdb_catalog(crew)
        )


@pytest.fixture
def cafe() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE cafe (cafe_id INTEGER PRIMARY KEY, name VARCHAR, address VARCHAR);"
        "CREATE TABLE offer (cafe_id INTEGER REFERENCES cafe(cafe_id), month VARCHAR);"
        "INSERT INTO cafe VALUES (1, 'Blue', 'Quay 1'), (2, 'Red', 'Hill 2');"
        "INSERT INTO offer VALUES (1, 'June')"
    )
    return con


def test_a_capitalised_stop_word_inside_a_question_is_a_word_that_matters(
    cafe: duckdb.DuckDBPyConnection,
) -> None:
    with pytest.raises(TranslationError, match="May"):
        translate("What are the names of cafes which have an offer in May?", duckdb_catalog(cafe))
    # at the start of a second sentence it is only capitalised
    draft = translate("Which cafe is named Blue? Give me the address.", duckdb_catalog(cafe))
    assert_same_rows(cafe, draft, "SELECT address FROM cafe WHERE name = 'Blue'")


def test_a_pattern_that_is_never_quoted_is_refused(cafe: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(TranslationError, match="contain"):
        translate("What are the names of cafes that contain the word sun?", duckdb_catalog(cafe))


def test_a_plan_that_lost_an_average_is_refused() -> None:
    assert_refuses(
        "CREATE TABLE hall (hall_id INTEGER PRIMARY KEY, gender VARCHAR);"
        "CREATE TABLE pupil (pupil_id INTEGER PRIMARY KEY, age INTEGER,"
        " hall_id INTEGER REFERENCES hall(hall_id));"
        "INSERT INTO hall VALUES (1, 'F'), (2, 'M'); INSERT INTO pupil VALUES (1, 20, 1)",
        "What is the average and oldest age for each gender of pupil?",
        "could not place 'average'",
    )


def _cue(kind: str, text: str, arg: str = "") -> Unit:
    return Unit(start=0, end=1, cue=Cue(start=0, end=1, kind=kind, arg=arg, text=text))  # type: ignore[arg-type]


_COUNT = SelectItem(aggregate="count")
_PRICE = ColumnRef(table="item", column="price")


@pytest.mark.parametrize(
    ("cue", "plan", "lost"),
    [
        (
            _cue("limit", "top", "desc"),
            QueryPlan(select=(SelectItem(column=_PRICE),), from_table="item"),
            True,
        ),
        (
            _cue("limit", "first"),
            QueryPlan(
                select=(SelectItem(column=_PRICE),),
                from_table="item",
                order_by=(OrderItem(item=SelectItem(column=_PRICE)),),
            ),
            True,
        ),
        (
            _cue("count", "how many"),
            QueryPlan(select=(SelectItem(column=_PRICE),), from_table="item"),
            True,
        ),
        (
            _cue("count", "number"),
            QueryPlan(select=(SelectItem(column=_PRICE),), from_table="item"),
            False,
        ),
        (
            _cue("negation", "not"),
            QueryPlan(select=(SelectItem(column=_PRICE),), from_table="item"),
            True,
        ),
        (
            _cue("negation", "not"),
            QueryPlan(
                select=(SelectItem(column=_PRICE),),
                from_table="item",
                filters=(Predicate(column=_PRICE, op="<=", value=5),),
            ),
            False,
        ),
    ],
)
def test_a_cue_with_no_trace_in_the_plan_is_refused(cue: Unit, plan: QueryPlan, lost: bool) -> None:
    if lost:
        with pytest.raises(TranslationError, match="could not place"):
            check_cues_used([cue], plan)
    else:
        check_cues_used([cue], plan)


def test_a_lookup_table_prefix_is_not_a_word_of_its_entity() -> None:
    assert_answers(
        "CREATE TABLE ref_colors (color_code VARCHAR PRIMARY KEY, color_description VARCHAR);"
        "CREATE TABLE paint (paint_id INTEGER PRIMARY KEY, paint_description VARCHAR,"
        " color_code VARCHAR REFERENCES ref_colors(color_code));"
        "INSERT INTO ref_colors VALUES ('r', 'red'), ('b', 'blue');"
        "INSERT INTO paint VALUES (1, 'matt', 'r')",
        "List the description of all the colors.",
        "SELECT color_description FROM ref_colors",
    )


def test_the_names_of_rows_are_the_name_column_named_after_their_table() -> None:
    assert_answers(
        "CREATE TABLE track (track_name VARCHAR PRIMARY KEY, singer_name VARCHAR, plays INTEGER);"
        "INSERT INTO track VALUES ('Blue', 'Ana', 10), ('Red', 'Bo', 3)",
        "Find the names of tracks with more than 5 plays.",
        "SELECT track_name FROM track WHERE plays > 5",
    )


def test_a_query_that_would_only_echo_the_questions_value_is_refused() -> None:
    assert_refuses(
        "CREATE TABLE club (club_id INTEGER PRIMARY KEY, club_name VARCHAR, building VARCHAR);"
        "INSERT INTO club VALUES (1, 'Chess', 'North Hall'), (2, 'Tennis', 'Gym')",
        'Where is the club named "Chess" situated?',
        "question's own value",
    )


def test_the_names_of_a_column_that_holds_names_show_that_column() -> None:
    assert_answers(
        "CREATE TABLE critic (critic_id INTEGER PRIMARY KEY, name VARCHAR);"
        "CREATE TABLE film (film_id INTEGER PRIMARY KEY, title VARCHAR, director VARCHAR,"
        " critic_id INTEGER REFERENCES critic(critic_id));"
        "INSERT INTO critic VALUES (1, 'Kim'); INSERT INTO film VALUES (1, 'Up', 'Lee', 1),"
        " (2, 'Down', 'Lee', 1), (3, 'Out', 'Ray', 1)",
        "What are the names of the directors who made exactly one film?",
        "SELECT director FROM film GROUP BY director HAVING count(*) = 1",
    )


def test_contradicting_filters_under_an_aggregate_are_refused_not_intersected() -> None:
    assert_refuses(
        "CREATE TABLE trip (trip_id INTEGER PRIMARY KEY, destination VARCHAR, price INTEGER);"
        "INSERT INTO trip VALUES (1, 'Oslo', 10), (2, 'Rome', 20)",
        "What is the average price for trips from Oslo to Rome?",
        "cannot both hold",
    )


@pytest.fixture
def wallet() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE client (client_id INTEGER PRIMARY KEY, first_name VARCHAR,"
        " town VARCHAR);"
        "CREATE TABLE card (card_id INTEGER PRIMARY KEY,"
        " client_id INTEGER REFERENCES client(client_id), card_type VARCHAR);"
        "INSERT INTO client VALUES (1, 'Ana', 'Oslo'), (2, 'Bo', 'Rome'), (3, 'Cy', 'Oslo');"
        "INSERT INTO card VALUES (1, 1, 'Credit'), (2, 1, 'Debit'), (3, 2, 'Debit')"
    )
    return con


def test_not_a_value_of_related_rows_excludes_the_rows_that_have_it(
    wallet: duckdb.DuckDBPyConnection,
) -> None:
    draft = translate(
        "What are the first names of clients who do not hold a Credit card type?",
        duckdb_catalog(wallet),
    )
    expected = (
        "SELECT first_name FROM client WHERE client_id NOT IN"
        " (SELECT client_id FROM card WHERE card_type = 'Credit')"
    )
    assert_same_rows(wallet, draft, expected)


def test_not_a_value_of_the_rows_own_referenced_row_stays_a_comparison(
    wallet: duckdb.DuckDBPyConnection,
) -> None:
    draft = translate("What are the card ids of clients not in Oslo?", duckdb_catalog(wallet))
    expected = "SELECT card_id FROM card JOIN client USING (client_id) WHERE town <> 'Oslo'"
    assert_same_rows(wallet, draft, expected)


def test_a_table_name_listed_among_its_columns_is_its_column_of_that_name() -> None:
    assert_answers(
        "CREATE TABLE firm (firm_id INTEGER PRIMARY KEY, rank INTEGER, firm VARCHAR,"
        " market_value INTEGER, industry VARCHAR);"
        "INSERT INTO firm VALUES (1, 2, 'Acme', 10, 'Banking'), (2, 1, 'Bolt', 20, 'Oil')",
        "What is the rank, firm, and market value of every firm in the Banking industry?",
        "SELECT rank, firm, market_value FROM firm WHERE industry = 'Banking'",
    )


def test_the_different_rows_of_a_table_named_by_its_label_are_distinct() -> None:
    assert_answers(
        "CREATE TABLE allergy_type (allergy VARCHAR PRIMARY KEY, allergy_type VARCHAR);"
        "INSERT INTO allergy_type VALUES ('Nuts', 'food'), ('Milk', 'food'), ('Cat', 'animal')",
        "What are the different allergy types?",
        "SELECT DISTINCT allergy_type FROM allergy_type",
    )


def test_a_second_word_for_a_filtered_or_ordered_column_is_not_shown() -> None:
    """'price above 700 dollars', 'ordered by budget in millions': both words name one
    column, which filters or orders the rows and is not an output."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE item (item_id INTEGER PRIMARY KEY, title VARCHAR,"
        " price_in_dollars INTEGER, budget_million INTEGER);"
        "INSERT INTO item VALUES (1, 'A', 800, 3), (2, 'B', 500, 1)"
    )
    catalog = duckdb_catalog(con)
    draft = translate("Which items have price above 700 dollars? Show their titles.", catalog)
    assert_same_rows(con, draft, "SELECT title FROM item WHERE price_in_dollars > 700")
    draft = translate("What are the titles of all items, ordered by budget in millions?", catalog)
    assert_same_rows(con, draft, "SELECT title FROM item")
    assert "budget_million" not in draft.sql.split("FROM")[0]


def test_a_participle_of_a_noun_column_describes_the_rows() -> None:
    """'cities that have hosted more than one competition': 'hosted' matches the column
    hosts by its stem, but as a verb it says what the cities did; it is not shown."""
    assert_answers(
        "CREATE TABLE city (city_id INTEGER PRIMARY KEY, official_name VARCHAR);"
        "CREATE TABLE competition (competition_id INTEGER PRIMARY KEY, hosts VARCHAR,"
        " host_city_id INTEGER REFERENCES city (city_id));"
        "INSERT INTO city VALUES (1, 'Oslo'), (2, 'Rome');"
        "INSERT INTO competition VALUES (1, 'Ann', 1), (2, 'Bo', 1), (3, 'Cy', 2)",
        "What are the official names of cities that have hosted more than one competition?",
        "SELECT official_name FROM city WHERE city_id = 1",
    )


def test_a_word_for_the_kind_of_value_after_a_column_is_not_another_column() -> None:
    """'sorted by launch date': 'date' says what the column launch holds; it does not
    ask for the date column of another table."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE program (program_id INTEGER PRIMARY KEY, name VARCHAR, launch INTEGER);"
        "CREATE TABLE share (share_id INTEGER PRIMARY KEY,"
        " program_id INTEGER REFERENCES program (program_id), date VARCHAR);"
        "INSERT INTO program VALUES (1, 'News', 2001), (2, 'Quiz', 1999);"
        "INSERT INTO share VALUES (1, 1, 'May'), (2, 1, 'June')"
    )
    draft = translate("List the program names sorted by launch date.", duckdb_catalog(con))
    assert rows(con, draft.sql, ordered=True) == [("Quiz",), ("News",)]


def test_by_after_ordering_orders_the_rows() -> None:
    """'ordering by launch': 'by' after a form of 'order' or 'sort' names the order, not
    a grouping."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE program (program_id INTEGER PRIMARY KEY, name VARCHAR, launch INTEGER);"
        "INSERT INTO program VALUES (1, 'News', 2001), (2, 'Quiz', 1999)"
    )
    draft = translate("List all the names of programs, ordering by launch.", duckdb_catalog(con))
    assert rows(con, draft.sql, ordered=True) == [("Quiz",), ("News",)]


def test_a_noun_that_starts_a_key_column_name_names_the_rows() -> None:
    """'the types of transactions' with a column transaction_id: 'transactions' names
    the rows that key identifies; beside the type asked for it is not shown."""
    assert_answers(
        "CREATE TABLE ledger_entry (entry_id INTEGER PRIMARY KEY, transaction_id INTEGER,"
        " transaction_type VARCHAR, amount INTEGER);"
        "INSERT INTO ledger_entry VALUES (1, 10, 'Sale', 5), (2, 11, 'Refund', 3),"
        " (3, 12, 'Sale', 4)",
        "What are the different types of transactions?",
        "SELECT DISTINCT transaction_type FROM ledger_entry",
    )


def test_a_column_excluded_from_a_value_is_not_shown() -> None:
    """'the nominees of musicals with an award that is not the Tony Award': the award
    only filters the rows, as 'award is Tony Award' would."""
    assert_answers(
        "CREATE TABLE musical (musical_id INTEGER PRIMARY KEY, nominee VARCHAR, award VARCHAR);"
        "INSERT INTO musical VALUES (1, 'Ann', 'Tony Award'), (2, 'Bo', 'Drama Desk Award')",
        "Return the nominees of musicals that have an award that is not the Tony Award.",
        "SELECT nominee FROM musical WHERE award <> 'Tony Award'",
    )


def test_a_noun_after_have_describes_the_rows_asked_for() -> None:
    """'committees that have delegates from the Democratic party': the delegates say
    which committees; their column is not shown."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE party (party_id INTEGER PRIMARY KEY, party VARCHAR);"
        "CREATE TABLE election (election_id INTEGER PRIMARY KEY, committee VARCHAR,"
        " delegate VARCHAR, party INTEGER REFERENCES party (party_id));"
        "INSERT INTO party VALUES (1, 'Democratic'), (2, 'Liberal');"
        "INSERT INTO election VALUES (1, 'Budget', 'Ann', 1), (2, 'Roads', 'Bo', 2)"
    )
    expected = (
        "SELECT committee FROM election JOIN party ON party.party_id = election.party"
        " WHERE party.party = 'Democratic'"
    )
    catalog = duckdb_catalog(con)
    draft = translate("Which committees have delegates from the Democratic party?", catalog)
    assert_same_rows(con, draft, expected)
    draft = translate("List the committees with the delegates from the Democratic party.", catalog)
    assert_same_rows(con, draft, expected)


def test_a_noun_after_have_from_an_unrelated_table_is_refused() -> None:
    """'students who have president votes': the votes may name the students by the vote
    column itself or by a key; which one is a guess."""
    assert_refuses(
        "CREATE TABLE student (stu_id INTEGER PRIMARY KEY, lname VARCHAR);"
        "CREATE TABLE voting_record (record_id INTEGER PRIMARY KEY,"
        " stu_id INTEGER REFERENCES student (stu_id), president_vote INTEGER);"
        "INSERT INTO student VALUES (1, 'Kim'), (2, 'Lee');"
        "INSERT INTO voting_record VALUES (1, 1, 2)",
        "What are the last names of the students who have president votes?",
        "relates",
    )


def test_a_key_ranked_against_a_number_by_a_loosely_matched_word_is_refused() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE account (account_id INTEGER PRIMARY KEY, account_name VARCHAR);"
        "CREATE TABLE bank_transactions (transaction_id INTEGER,"
        " account_id INTEGER REFERENCES account(account_id));"
        "INSERT INTO account VALUES (1, 'a'), (2, 'b'); INSERT INTO bank_transactions VALUES (7, 1)"
    )
    catalog = duckdb_catalog(con)
    with pytest.raises(TranslationError, match="keys identify rows"):
        translate("What are the names of accounts with 4 or more transactions?", catalog)
    draft = translate("What are the names of accounts with ids above 1?", catalog)
    assert_same_rows(con, draft, "SELECT account_name FROM account WHERE account_id > 1")


def test_a_column_word_after_all_names_the_rows() -> None:
    """'the area and county of all appellations' where appellation is also a column: after
    'all', beside the columns asked for, it names the rows."""
    assert_answers(
        "CREATE TABLE region (region_id INTEGER PRIMARY KEY, appellation VARCHAR,"
        " area VARCHAR, county VARCHAR);"
        "INSERT INTO region VALUES (1, 'Napa Valley', 'North Coast', 'Napa')",
        "List the area and county of all appellations.",
        "SELECT area, county FROM region",
    )


def test_a_column_in_a_phrase_about_the_measured_rows_is_not_a_grouping() -> None:
    """'the average price of wines produced in regions in Sonoma': the region says which
    wines are measured; the answer is one average, not one per region."""
    assert_answers(
        "CREATE TABLE wine (wine_id INTEGER PRIMARY KEY, name VARCHAR, price INTEGER,"
        " region VARCHAR, county VARCHAR);"
        "INSERT INTO wine VALUES (1, 'A', 10, 'Napa', 'Sonoma'), (2, 'B', 30, 'Dry Creek',"
        " 'Sonoma'), (3, 'C', 99, 'Paso', 'Monterey')",
        "What is the average price of wines produced in regions in Sonoma county?",
        "SELECT AVG(price) FROM wine WHERE county = 'Sonoma'",
    )


def test_a_column_word_in_a_clause_about_the_rows_is_refused() -> None:
    """'the first names of employees who report to Nancy': 'report' names the column
    reports_to, but in a clause about the employees, not listed with what is asked."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE employee (employee_id INTEGER PRIMARY KEY, first_name VARCHAR,"
        " last_name VARCHAR, reports_to INTEGER);"
        "INSERT INTO employee VALUES (1, 'Nancy', 'Edwards', NULL), (2, 'Jane', 'Peacock', 1)"
    )
    catalog = duckdb_catalog(con)
    with pytest.raises(TranslationError, match="describes the rows"):
        translate("What are the first names of employees who report to Nancy Edwards?", catalog)
    # listed with the first output, it is asked for
    draft = translate("What are the first names and the reports to of employees?", catalog)
    assert_same_rows(con, draft, "SELECT first_name, reports_to FROM employee")


def test_a_noun_for_the_rows_beside_a_measure_is_not_a_grouping() -> None:
    """'the average price of the products' with a column product_stock_number: the
    products are the rows measured, not one group per stock number."""
    assert_answers(
        "CREATE TABLE catalog_entry (entry_id INTEGER PRIMARY KEY,"
        " product_stock_number VARCHAR, price INTEGER);"
        "INSERT INTO catalog_entry VALUES (1, 'a1', 10), (2, 'b2', 30)",
        "Give me the average price of the products.",
        "SELECT AVG(price) FROM catalog_entry",
    )


def test_measuring_each_row_of_the_measured_table_measures_across_them() -> None:
    """'the minimum and average market value for every company': each company has one
    value, so grouping by the company would measure nothing; it is over all rows."""
    assert_answers(
        "CREATE TABLE company (company_id INTEGER PRIMARY KEY, company VARCHAR,"
        " market_value INTEGER);"
        "INSERT INTO company VALUES (1, 'Acme', 10), (2, 'Bolt', 30)",
        "What is the minimum and average market value for every company?",
        "SELECT MIN(market_value), AVG(market_value) FROM company",
    )


def test_counting_distinct_values_by_the_rows_that_hold_them_counts_across_rows() -> None:
    """'How many distinct payment methods are used by parties?': each party holds one
    method, so the count is over all parties, not one per party."""
    assert_answers(
        "CREATE TABLE parties (party_id INTEGER PRIMARY KEY, payment_method_code VARCHAR);"
        "INSERT INTO parties VALUES (1, 'Cash'), (2, 'Card'), (3, 'Cash')",
        "How many distinct payment methods are used by parties?",
        "SELECT COUNT(DISTINCT payment_method_code) FROM parties",
    )


def test_a_table_named_by_one_row_label_is_not_a_grouping() -> None:
    """'the number of albums by the artist "Metallica"': the label names one artist, so
    'by' does not ask for one count per artist."""
    assert_answers(
        "CREATE TABLE artist (artist_id INTEGER PRIMARY KEY, name VARCHAR);"
        "CREATE TABLE album (album_id INTEGER PRIMARY KEY, title VARCHAR,"
        " artist_id INTEGER REFERENCES artist (artist_id));"
        "INSERT INTO artist VALUES (1, 'Metallica'), (2, 'Abba');"
        "INSERT INTO album VALUES (1, 'Load', 1), (2, 'Reload', 1), (3, 'Gold', 2)",
        'Find the number of albums by the artist "Metallica".',
        "SELECT 2",
    )


def test_the_names_of_a_name_column_word_mean_that_column() -> None:
    """'the names of the chairs' with a column chair_name: 'names' only guessed some name
    column (here another table's); it means the chairs' names."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE artwork (artwork_id INTEGER PRIMARY KEY, name VARCHAR);"
        "CREATE TABLE festival (festival_id INTEGER PRIMARY KEY, festival_name VARCHAR,"
        " chair_name VARCHAR, year INTEGER);"
        "INSERT INTO festival VALUES (1, 'Fest', 'Ann', 2001), (2, 'Gala', 'Bo', 1999)"
    )
    draft = translate(
        "What are the names of the chairs of festivals, sorted by year?", duckdb_catalog(con)
    )
    assert rows(con, draft.sql, ordered=True) == [("Bo",), ("Ann",)]


def test_groups_of_one_row_measure_all_rows() -> None:
    """Grouping a table by its own key measures each row alone; the measure is over all."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE arena (arena_id INTEGER PRIMARY KEY, name VARCHAR, home_games INTEGER,"
        " city VARCHAR);"
        "INSERT INTO arena VALUES (1, 'North', 4, 'Oslo'), (2, 'South', 8, 'Oslo'),"
        " (3, 'East', 6, 'Rome')"
    )
    catalog = duckdb_catalog(con)
    draft = translate(
        "What are the maximum, minimum and average home games each arena held?", catalog
    )
    assert_same_rows(
        con, draft, "SELECT MAX(home_games), MIN(home_games), AVG(home_games) FROM arena"
    )
    with pytest.raises(TranslationError, match=r"single row|would hold one"):
        translate("How many cities are there that have more than 3 arenas?", catalog)
    con.execute(
        "CREATE TABLE player (player_id INTEGER PRIMARY KEY, arena_id INTEGER"
        " REFERENCES arena (arena_id), name VARCHAR)"
    )
    with pytest.raises(TranslationError, match=r"single row|would hold one"):
        translate("How many players does each arena have? List its id.", duckdb_catalog(con))


def test_a_bare_id_beside_groups_is_the_groups_key() -> None:
    """'ids' loosely names the counted table's key; shown per group it is the group's."""
    assert_answers(
        "CREATE TABLE team (team_id INTEGER PRIMARY KEY, title VARCHAR);"
        "CREATE TABLE player (player_id INTEGER PRIMARY KEY,"
        " team_id INTEGER REFERENCES team (team_id), name VARCHAR);"
        "INSERT INTO team VALUES (1, 'Reds'), (2, 'Blues');"
        "INSERT INTO player VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 2, 'c')",
        "Show the titles, ids and the number of players for each team.",
        "SELECT t.title, t.team_id, COUNT(*) FROM team t JOIN player p"
        " ON p.team_id = t.team_id GROUP BY t.team_id, t.title",
    )


def test_a_group_the_filters_fix_only_places_the_measure() -> None:
    """'the number of cars by the maker Ford': the maker the filter picks says which cars
    are counted; it is not a group to show."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE maker (name VARCHAR PRIMARY KEY, country VARCHAR);"
        "CREATE TABLE car (car_id INTEGER PRIMARY KEY, maker VARCHAR REFERENCES maker (name),"
        " price INTEGER);"
        "INSERT INTO maker VALUES ('Ford', 'USA'), ('Kia', 'Korea'), ('GM', 'USA');"
        "INSERT INTO car VALUES (1, 'Ford', 10), (2, 'Ford', 20), (3, 'Kia', 5), (4, 'GM', 30)"
    )
    catalog = duckdb_catalog(con)
    draft = translate("Find the number of cars by the maker 'Ford'.", catalog)
    assert_same_rows(con, draft, "SELECT COUNT(*) FROM car WHERE maker = 'Ford'")
    draft = translate("What is the average price of cars by makers in USA?", catalog)
    assert_same_rows(
        con,
        draft,
        "SELECT AVG(price) FROM car JOIN maker ON maker.name = car.maker WHERE country = 'USA'",
    )


def test_counting_rows_that_have_related_rows_is_one_number() -> None:
    """'How many clients have at least one purchase ...' counts the qualifying clients."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE client (client_id INTEGER PRIMARY KEY, name VARCHAR);"
        "CREATE TABLE purchase (purchase_id INTEGER PRIMARY KEY,"
        " client_id INTEGER REFERENCES client (client_id), status VARCHAR);"
        "INSERT INTO client VALUES (1, 'a'), (2, 'b'), (3, 'c');"
        "INSERT INTO purchase VALUES (1, 1, 'Cancelled'), (2, 1, 'Cancelled'), (3, 2, 'Done'),"
        " (4, 3, 'Cancelled')"
    )
    catalog = duckdb_catalog(con)
    draft = translate(
        "How many clients have at least one purchase with status 'Cancelled'?", catalog
    )
    assert_same_rows(
        con,
        draft,
        "SELECT COUNT(DISTINCT client_id) FROM purchase WHERE status = 'Cancelled'",
    )
    with pytest.raises(TranslationError, match="count over groups"):
        translate("How many clients have more than 1 purchase?", catalog)


def test_rows_without_a_declared_key_are_counted_by_the_column_others_refer_to() -> None:
    """A join repeats hall rows; ``hall_id``, which the link table refers to, counts each
    hall once though the table declares no primary key."""
    assert_answers(
        "CREATE TABLE hall (hall_id INTEGER UNIQUE, hall_name VARCHAR);"
        "CREATE TABLE feature (feature_id INTEGER PRIMARY KEY, feature_name VARCHAR);"
        "CREATE TABLE hall_feature (hall_id INTEGER REFERENCES hall (hall_id),"
        " feature_id INTEGER REFERENCES feature (feature_id));"
        "INSERT INTO hall VALUES (1, 'A'), (2, 'B'), (3, 'C');"
        "INSERT INTO feature VALUES (1, 'Wifi'), (2, 'Gym');"
        "INSERT INTO hall_feature VALUES (1, 1), (2, 1), (3, 1), (1, 2), (2, 2)",
        "What is the most common feature in the halls?",
        "SELECT 'Wifi'",
    )


def test_a_measure_over_all_rows_of_a_table_is_not_grouped_by_them() -> None:
    """'in all accounts' spans the accounts; it does not ask for one total per account."""
    assert_answers(
        "CREATE TABLE account (account_id INTEGER PRIMARY KEY, name VARCHAR);"
        "CREATE TABLE checking (account_id INTEGER PRIMARY KEY"
        " REFERENCES account (account_id), balance INTEGER);"
        "INSERT INTO account VALUES (1, 'a'), (2, 'b');"
        "INSERT INTO checking VALUES (1, 10), (2, 20)",
        "What is the total checking balance in all accounts?",
        "SELECT SUM(balance) FROM checking",
    )


def test_a_column_noun_after_the_counted_table_is_what_is_counted() -> None:
    """'product types' counts distinct types, 'furniture components' adds up the
    components a counting column holds; neither counts the table's rows."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE product (product_id INTEGER PRIMARY KEY, product_type_code VARCHAR);"
        "INSERT INTO product VALUES (1, 'Food'), (2, 'Food'), (3, 'Tool');"
        "CREATE TABLE furniture (furniture_id INTEGER PRIMARY KEY, name VARCHAR,"
        " num_of_component INTEGER);"
        "INSERT INTO furniture VALUES (1, 'chair', 3), (2, 'desk', 5)"
    )
    catalog = duckdb_catalog(con)
    draft = translate("Find the number of different product types.", catalog)
    assert_same_rows(con, draft, "SELECT COUNT(DISTINCT product_type_code) FROM product")
    draft = translate("How many furniture components are there in total?", catalog)
    assert_same_rows(con, draft, "SELECT SUM(num_of_component) FROM furniture")


def test_a_maximum_number_of_a_text_count_column_keeps_the_maximum() -> None:
    """'the maximum number of rooms' over a ``room_count`` stored as text is its MAX, not
    a silent SUM; an average of text is refused."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE apartment (apt_id INTEGER PRIMARY KEY, apt_type_code VARCHAR,"
        " room_count VARCHAR);"
        "INSERT INTO apartment VALUES (1, 'Flat', '3'), (2, 'Flat', '5'), (3, 'Studio', '1')"
    )
    catalog = duckdb_catalog(con)
    draft = translate(
        "Show each apartment type code, and the maximum and minimum number of rooms for each type.",
        catalog,
    )
    assert_same_rows(
        con,
        draft,
        "SELECT apt_type_code, MAX(room_count), MIN(room_count) FROM apartment"
        " GROUP BY apt_type_code",
    )
    with pytest.raises(TranslationError, match="not numeric"):
        translate("What is the average number of rooms of apartments?", catalog)


def test_a_superlative_listed_after_an_aggregate_is_an_aggregate() -> None:
    """'the average and largest salary' asks for both, not just the largest."""
    assert_answers(
        "CREATE TABLE clerk (clerk_id INTEGER PRIMARY KEY, name VARCHAR, salary INTEGER);"
        "INSERT INTO clerk VALUES (1, 'a', 10), (2, 'b', 30)",
        "What is the average and largest salary of all clerks?",
        "SELECT AVG(salary), MAX(salary) FROM clerk",
    )


def test_counting_the_rows_each_row_refers_to_groups_by_the_shown_values() -> None:
    """Each policy refers to one customer: 'policy types used by more than 1 customer'
    counts customers per type, not per policy (always at most one)."""
    assert_answers(
        "CREATE TABLE customer (customer_id INTEGER PRIMARY KEY, name VARCHAR);"
        "CREATE TABLE policy (policy_id INTEGER PRIMARY KEY,"
        " customer_id INTEGER REFERENCES customer (customer_id), policy_type VARCHAR);"
        "INSERT INTO customer VALUES (1, 'a'), (2, 'b');"
        "INSERT INTO policy VALUES (1, 1, 'Car'), (2, 2, 'Car'), (3, 1, 'Home')",
        "Find all the policy types that are used by more than 1 customer.",
        "SELECT 'Car'",
    )


def test_a_name_after_a_text_column_in_a_grouped_query_is_that_column() -> None:
    """'the party name ... in each party' groups by party alone, not by party and name."""
    assert_answers(
        "CREATE TABLE representative (rep_id INTEGER PRIMARY KEY, name VARCHAR,"
        " party VARCHAR);"
        "INSERT INTO representative VALUES (1, 'a', 'Red'), (2, 'b', 'Red'), (3, 'c', 'Blue')",
        "Show the party name and the number of representatives in each party.",
        "SELECT party, COUNT(*) FROM representative GROUP BY party",
    )


def test_a_shown_column_the_named_groups_do_not_fix_is_refused() -> None:
    """'the state and the number of representatives in each party': a party has many
    states, so showing the state would split the parties' groups."""
    assert_refuses(
        "CREATE TABLE representative (rep_id INTEGER PRIMARY KEY, name VARCHAR,"
        " party VARCHAR, state VARCHAR);"
        "INSERT INTO representative VALUES (1, 'a', 'Red', 'NY'), (2, 'b', 'Red', 'CA')",
        "Show the state and the number of representatives in each party.",
        "split the groups",
    )


def test_ranking_a_measure_over_all_rows_is_refused() -> None:
    """A measure without groups is one row; ordering or limiting it means the question's
    groups ('the customer type with the most customers') were not read."""
    assert_refuses(
        "CREATE TABLE customer (customer_id INTEGER PRIMARY KEY, name VARCHAR,"
        " customer_type_code VARCHAR);"
        "INSERT INTO customer VALUES (1, 'a', 'Good'), (2, 'b', 'Good'), (3, 'c', 'Bad')",
        "How many customers are there in the customer type with the most customers?",
        "one value over all rows",
    )


def test_category_values_listed_with_and_beside_a_measure_are_groups() -> None:
    """'the average age for male and female students' is one average per sex; 'the Sales
    and Ops teams' names rows whose total is taken together."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE pupil (pupil_id INTEGER PRIMARY KEY, name VARCHAR, sex VARCHAR,"
        " age INTEGER);"
        "INSERT INTO pupil VALUES (1, 'a', 'male', 10), (2, 'b', 'female', 12),"
        " (3, 'c', 'male', 14);"
        "CREATE TABLE team (team_id INTEGER PRIMARY KEY, name VARCHAR, budget INTEGER);"
        "INSERT INTO team VALUES (1, 'Sales', 5), (2, 'Ops', 7), (3, 'Legal', 9)"
    )
    catalog = duckdb_catalog(con)
    draft = translate("Show the average age for male and female pupils.", catalog)
    assert_same_rows(con, draft, "SELECT AVG(age), sex FROM pupil GROUP BY sex")
    draft = translate("What is the total budget of the Sales and Ops teams?", catalog)
    assert_same_rows(con, draft, "SELECT 12")


def test_of_two_table_nouns_in_a_row_the_head_is_counted() -> None:
    """'How many movie ratings ...' counts ratings; 'movie' says which."""
    assert_answers(
        "CREATE TABLE movie (movie_id INTEGER PRIMARY KEY, title VARCHAR);"
        "CREATE TABLE rating (rating_id INTEGER PRIMARY KEY,"
        " movie_id INTEGER REFERENCES movie (movie_id), stars INTEGER);"
        "INSERT INTO movie VALUES (1, 'A'), (2, 'B');"
        "INSERT INTO rating VALUES (1, 1, 5), (2, 1, 4), (3, 2, 1)",
        "How many movie ratings have more than 3 stars?",
        "SELECT COUNT(*) FROM rating WHERE stars > 3",
    )


def test_ordering_by_a_table_noun_means_its_column_or_is_refused() -> None:
    """'in descending order of the company's market value' orders by the column; a table
    noun alone cannot order its own rows ('sorted by the channel rating' with 'rating'
    unread), while 'the number of companies' counts them."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE companies (id INTEGER PRIMARY KEY, name VARCHAR, industry VARCHAR,"
        " market_value_billion INTEGER);"
        "INSERT INTO companies VALUES (1, 'a', 'x', 5), (2, 'b', 'x', 9), (3, 'c', 'y', 1);"
        "CREATE TABLE channel (channel_id INTEGER PRIMARY KEY, name VARCHAR,"
        " rating_in_percent DOUBLE);"
        "INSERT INTO channel VALUES (1, 'a', 0.5), (2, 'b', 0.9)"
    )
    catalog = duckdb_catalog(con)
    draft = translate(
        "Sort the company names in descending order of the company's market value.", catalog
    )
    assert con.execute(draft.sql).fetchall() == [("b",), ("a",), ("c",)]
    with pytest.raises(TranslationError, match="which column of channel orders"):
        translate(
            "Give me a list of all the channel names sorted by the channel rating in "
            "descending order.",
            catalog,
        )
    draft = translate(
        "Show the industries of companies in descending order of the number of companies.",
        catalog,
    )
    assert con.execute(draft.sql).fetchall() == [("x",), ("y",)]


def test_ordering_by_the_number_of_rows_a_column_counts_uses_the_column() -> None:
    """'in descending order of the number of people killed' with a ``killed`` column is
    that column, not a count of people rows."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE people (people_id INTEGER PRIMARY KEY, name VARCHAR);"
        "CREATE TABLE perpetrator (perpetrator_id INTEGER PRIMARY KEY,"
        " people_id INTEGER REFERENCES people (people_id), date VARCHAR, killed INTEGER);"
        "INSERT INTO people VALUES (1, 'a'), (2, 'b');"
        "INSERT INTO perpetrator VALUES (1, 1, 'May', 3), (2, 2, 'June', 9)"
    )
    draft = translate(
        "List the date of perpetrators in descending order of the number of people killed.",
        duckdb_catalog(con),
    )
    assert con.execute(draft.sql).fetchall() == [("June",), ("May",)]


def test_a_superlative_of_a_column_per_group_is_the_groups_maximum() -> None:
    """'the title and highest price for each film' is one maximum per film, not the one
    film with the highest price."""
    assert_answers(
        "CREATE TABLE film (film_id INTEGER PRIMARY KEY, title VARCHAR);"
        "CREATE TABLE showing (showing_id INTEGER PRIMARY KEY,"
        " film_id INTEGER REFERENCES film (film_id), price INTEGER);"
        "INSERT INTO film VALUES (1, 'A'), (2, 'B');"
        "INSERT INTO showing VALUES (1, 1, 5), (2, 1, 8), (3, 2, 3)",
        "Give me the title and highest price for each film.",
        "SELECT f.title, MAX(s.price) FROM film f JOIN showing s ON s.film_id = f.film_id"
        " GROUP BY f.film_id, f.title",
    )


def test_the_number_of_a_plural_quantity_column_adds_it_up() -> None:
    assert_answers(
        "CREATE TABLE play (gamer_id INTEGER, game_id INTEGER, hours_played INTEGER);"
        "INSERT INTO play VALUES (1, 1, 5), (1, 2, 7), (2, 1, 5)",
        "Show all gamer ids and the number of hours played.",
        "SELECT gamer_id, sum(hours_played) FROM play GROUP BY gamer_id",
    )


def test_a_table_listed_before_the_outputs_that_nothing_shows_is_refused() -> None:
    assert_refuses(
        "CREATE TABLE club (club_id INTEGER PRIMARY KEY, title VARCHAR);"
        "CREATE TABLE player (player_id INTEGER PRIMARY KEY, name VARCHAR,"
        " club_id INTEGER REFERENCES club(club_id));"
        "INSERT INTO club VALUES (1, 'Reds'); INSERT INTO player VALUES (1, 'Ann', 1)",
        "What are the clubs and names of all players?",
        "which column of club",
    )


def test_shared_values_that_lack_a_negated_row_are_an_except() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE film (film_id INTEGER PRIMARY KEY, studio VARCHAR, director VARCHAR);"
        "INSERT INTO film VALUES (1, 'Acme', 'Hill'), (2, 'Acme', 'Lee'), (3, 'Bolt', 'Lee')"
    )
    draft = translate(
        "Show the studios that have not produced films with director 'Hill'.",
        duckdb_catalog(con),
    )
    expected = "SELECT studio FROM film EXCEPT SELECT studio FROM film WHERE director = 'Hill'"
    assert_same_rows(con, draft, expected)


def test_a_name_right_after_a_table_word_is_that_tables_name() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE record (record_id INTEGER PRIMARY KEY, title VARCHAR);"
        "CREATE TABLE song (song_id INTEGER PRIMARY KEY, name VARCHAR,"
        " record_id INTEGER REFERENCES record(record_id), price INTEGER);"
        "INSERT INTO record VALUES (1, 'Blue'), (2, 'Red');"
        "INSERT INTO song VALUES (1, 'a', 1, 3), (2, 'b', 2, 1)"
    )
    draft = translate("Show the record names of songs with price above 2.", duckdb_catalog(con))
    expected = "SELECT r.title FROM record r JOIN song s USING (record_id) WHERE s.price > 2"
    assert_same_rows(con, draft, expected)


def test_columns_read_from_table_names_keep_the_questions_order() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE chip_model (model_name VARCHAR PRIMARY KEY);"
        "CREATE TABLE screen_mode (mode_name VARCHAR PRIMARY KEY);"
        "CREATE TABLE phone (phone_id INTEGER PRIMARY KEY, hardware_name VARCHAR,"
        " chip_model VARCHAR REFERENCES chip_model(model_name),"
        " screen_mode VARCHAR REFERENCES screen_mode(mode_name));"
        "INSERT INTO chip_model VALUES ('X1'); INSERT INTO screen_mode VALUES ('M2');"
        "INSERT INTO phone VALUES (1, 'LG-1', 'X1', 'M2')"
    )
    draft = translate(
        'What are the chip model and screen mode of the phone with hardware name "LG-1"?',
        duckdb_catalog(con),
    )
    assert rows(con, draft.sql, ordered=True) == [("X1", "M2")]


def test_a_column_listed_after_each_and_is_shown_in_a_query_without_measures() -> None:
    assert_answers(
        "CREATE TABLE gadget (gadget_id INTEGER PRIMARY KEY, kind VARCHAR, maker VARCHAR);"
        "INSERT INTO gadget VALUES (1, 'tool', 'Acme'), (2, 'toy', 'Bolt')",
        "List the kind of each gadget and the maker.",
        "SELECT kind, maker FROM gadget",
    )


def test_a_filler_word_listed_among_shown_columns_must_be_placed() -> None:
    assert_refuses(
        "CREATE TABLE gig (gig_id INTEGER PRIMARY KEY, date DATE, venue VARCHAR, name VARCHAR);"
        "INSERT INTO gig VALUES (1, DATE '2020-01-01', 'Hall', 'Jazz')",
        "Show the dates, places, and names of gigs.",
        "places",
    )


def test_ranking_by_an_id_column_a_loosely_matched_word_named_is_refused() -> None:
    assert_refuses(
        "CREATE TABLE account (account_id INTEGER PRIMARY KEY, account_name VARCHAR);"
        "CREATE TABLE bank_transactions (transaction_id INTEGER,"
        " account_id INTEGER REFERENCES account(account_id));"
        "INSERT INTO account VALUES (1, 'a'); INSERT INTO bank_transactions VALUES (7, 1)",
        "What is the name of the account with the most transactions?",
        "identifies rows",
    )


def test_a_second_word_for_a_measured_column_is_not_shown() -> None:
    """'the maximum and average amount of outstanding': 'amount' may name either table's
    amount column, but beside 'outstanding' both words name the measured one."""
    assert_answers(
        "CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, amount_outstanding INTEGER);"
        "CREATE TABLE customer_payments (payment_id INTEGER PRIMARY KEY,"
        " customer_id INTEGER REFERENCES customers (customer_id), amount_payment INTEGER);"
        "INSERT INTO customers VALUES (1, 10), (2, 30);"
        "INSERT INTO customer_payments VALUES (1, 1, 5)",
        "What is the maximum and average amount of outstanding of customers?",
        "SELECT MAX(amount_outstanding), AVG(amount_outstanding) FROM customers",
    )


def test_counting_rows_grouped_by_their_own_key_is_refused() -> None:
    """'the album names, ids and the number of tracks' read with the track ids: each
    group would hold one track, so every count is 1; a shown column is misplaced."""
    assert_refuses(
        "CREATE TABLE album (album_id INTEGER PRIMARY KEY, title VARCHAR);"
        "CREATE TABLE track (track_id INTEGER PRIMARY KEY, name VARCHAR,"
        " album_id INTEGER REFERENCES album (album_id));"
        "INSERT INTO album VALUES (1, 'A');"
        "INSERT INTO track VALUES (1, 'x', 1), (2, 'y', 1)",
        "Show the album names, ids and the number of tracks for each album.",
        "one track row",
    )


def test_a_count_compared_per_row_of_its_own_table_is_refused() -> None:
    """'cities with more than 3 airports' over one airports table, grouped by the airport:
    a count of one row is never above 3; the grouping was misread."""
    assert_refuses(
        "CREATE TABLE airports (apid INTEGER PRIMARY KEY, name VARCHAR, city VARCHAR);"
        "INSERT INTO airports VALUES (1, 'A', 'X'), (2, 'B', 'X')",
        "What is the count of cities with more than 3 airports?",
        "one airports row",
    )


def test_the_noun_after_the_name_of_is_the_table_that_owns_it() -> None:
    """'the name of the airline with the most routes' where routes has a column airline:
    'airline' names the airlines table, whose name is shown; it is not a second output."""
    assert_answers(
        "CREATE TABLE airlines (alid INTEGER PRIMARY KEY, name VARCHAR);"
        "CREATE TABLE routes (rid INTEGER PRIMARY KEY, alid INTEGER REFERENCES airlines (alid),"
        " airline VARCHAR);"
        "INSERT INTO airlines VALUES (1, 'Air A'), (2, 'Air B');"
        "INSERT INTO routes VALUES (1, 1, 'AA'), (2, 2, 'BB'), (3, 2, 'BB')",
        "What is the name of the airline with the most routes?",
        "SELECT 'Air B'",
    )


def test_the_dates_of_a_date_column_word_mean_that_column() -> None:
    """'the dates of the latest logon': 'dates' alone guessed some date column; with
    date_of_latest_logon named right after 'of the', it means that one."""
    assert_answers(
        "CREATE TABLE students (student_id INTEGER PRIMARY KEY, family_name VARCHAR,"
        " date_of_registration DATE, date_of_latest_logon DATE);"
        "INSERT INTO students VALUES (1, 'Kim', '2020-01-01', '2021-05-05')",
        "What are the dates of the latest logon of the students?",
        "SELECT date_of_latest_logon FROM students",
    )


def test_comparing_counts_of_one_row_groups_is_refused() -> None:
    """Each arena's group holds that arena alone: 'more than 1 arena' compares nothing."""
    assert_refuses(
        "CREATE TABLE arena (arena_id INTEGER PRIMARY KEY, name VARCHAR, city VARCHAR);"
        "INSERT INTO arena VALUES (1, 'North', 'Oslo'), (2, 'South', 'Oslo')",
        "Which arenas have more than 1 arena?",
        r"single row|would hold one",
    )


def test_the_names_of_a_grouped_text_column_are_its_values() -> None:
    """'the names of the states where at least 2 heads were born' groups by the state
    alone; grouping by the heads' name column too would split the states."""
    assert_answers(
        "CREATE TABLE head (head_id INTEGER PRIMARY KEY, name VARCHAR, born_state VARCHAR);"
        "INSERT INTO head VALUES (1, 'a', 'Ohio'), (2, 'b', 'Ohio'), (3, 'c', 'Utah')",
        "What are the names of the states where at least 2 heads were born?",
        "SELECT 'Ohio'",
    )


def test_a_shown_column_of_the_counted_rows_beside_entity_groups_is_refused() -> None:
    """'cities that have hosted more than one competition' with 'hosted' read as the
    competitions' ``hosts`` column: one city has many, so it would split the cities."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE city (city_id INTEGER PRIMARY KEY, official_name VARCHAR);"
        "CREATE TABLE farm_competition (competition_id INTEGER PRIMARY KEY,"
        " host_city_id INTEGER REFERENCES city (city_id), hosts VARCHAR);"
        "INSERT INTO city VALUES (1, 'A'), (2, 'B');"
        "INSERT INTO farm_competition VALUES (1, 1, 'x'), (2, 1, 'y'), (3, 2, 'z')"
    )
    catalog = duckdb_catalog(con)
    for question in (
        # 'hosted' is read as a verb describing the rows, so nothing splits the groups
        "Show the official names of the cities that have hosted more than one competition.",
        "Show the official names of the cities that have more than one competition.",
    ):
        assert_same_rows(con, translate(question, catalog), "SELECT 'A'")


def test_the_most_used_value_is_the_most_frequent() -> None:
    """'the most used instrument' ranks instruments by how many rows hold them, not by
    the largest text value."""
    assert_answers(
        "CREATE TABLE instruments (song_id INTEGER, musician_id INTEGER, instrument VARCHAR);"
        "INSERT INTO instruments VALUES (1, 1, 'drums'), (2, 1, 'bass'), (3, 2, 'bass')",
        "What is the most used instrument?",
        "SELECT 'bass'",
    )


def test_a_measure_word_in_a_column_name_followed_by_its_value_is_a_filter() -> None:
    """'the maximum page size A4' names ``max_page_size`` and one of its values: a filter,
    not the largest page size."""
    assert_answers(
        "CREATE TABLE product (product_id INTEGER PRIMARY KEY, product VARCHAR,"
        " max_page_size VARCHAR, pages_per_minute_color INTEGER);"
        "INSERT INTO product VALUES (1, 'P1', 'A4', 3), (2, 'P2', 'A3', 2), (3, 'P3', 'A4', 9)",
        "What are the products with the maximum page size A4 that also have a pages per "
        "minute color smaller than 5?",
        "SELECT 'P1'",
    )


def test_a_loose_plural_after_of_the_behind_the_measures_names_the_rows() -> None:
    """'the average and minimum price of the products', 'products' loosely matching
    ``product_stock_number``: the products are the rows measured, not groups."""
    assert_answers(
        "CREATE TABLE catalog_contents (catalog_entry_id INTEGER PRIMARY KEY,"
        " product_stock_number VARCHAR, price_in_euros DOUBLE);"
        "INSERT INTO catalog_contents VALUES (1, 'p1', 2.0), (2, 'p2', 4.0)",
        "Give me the average and minimum price (in Euro) of the products.",
        "SELECT AVG(price_in_euros), MIN(price_in_euros) FROM catalog_contents",
    )


def test_all_the_information_on_the_top_row_shows_every_column() -> None:
    assert_answers(
        "CREATE TABLE port (port_id INTEGER PRIMARY KEY, port_name VARCHAR, visitors INTEGER);"
        "INSERT INTO port VALUES (1, 'Oslo', 5), (2, 'Rome', 9)",
        "What is all the information on the port with the largest number of visitors?",
        "SELECT * FROM port ORDER BY visitors DESC LIMIT 1",
    )


def test_both_ends_of_a_superlative_read_as_one_row_are_refused() -> None:
    assert_refuses(
        "CREATE TABLE pupil (pupil_id INTEGER PRIMARY KEY, age INTEGER, major INTEGER);"
        "INSERT INTO pupil VALUES (1, 20, 600), (2, 25, 600)",
        "Tell me the ages of the oldest and youngest pupils studying major 600.",
        "highest and the lowest",
    )


def test_a_word_column_equal_to_a_number_is_refused() -> None:
    assert_refuses(
        "CREATE TABLE person (name VARCHAR PRIMARY KEY, age INTEGER);"
        "CREATE TABLE person_friend (name VARCHAR REFERENCES person(name), friend VARCHAR);"
        "INSERT INTO person VALUES ('Ann', 30), ('Bo', 40);"
        "INSERT INTO person_friend VALUES ('Ann', 'Bo'), ('Bo', 'Ann')",
        "Find the person who has exactly one friend.",
        "text column",
    )


def test_a_column_fixed_by_a_value_after_a_relative_clause_is_not_shown() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE budget_code (budget_type_code VARCHAR PRIMARY KEY,"
        " budget_type_description VARCHAR);"
        "INSERT INTO budget_code VALUES ('ORG', 'Organisation'), ('SF', 'Self founded')"
    )
    draft = translate(
        "Return the description of the budget type that has the code ORG.", duckdb_catalog(con)
    )
    expected = "SELECT budget_type_description FROM budget_code WHERE budget_type_code = 'ORG'"
    assert_same_rows(con, draft, expected)


def test_a_plan_missing_one_of_two_asked_counts_or_extremes_is_refused() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE pupil (pupil_id INTEGER PRIMARY KEY, major INTEGER, city_code VARCHAR);"
        "CREATE TABLE flat (flat_id INTEGER PRIMARY KEY, flat_type VARCHAR, rooms INTEGER);"
        "INSERT INTO pupil VALUES (1, 600, 'NYC'); INSERT INTO flat VALUES (1, 'Duplex', 3)"
    )
    catalog = duckdb_catalog(con)
    with pytest.raises(TranslationError, match="counts"):
        translate(
            "How many different majors are there and how many different city codes are there "
            "for each pupil?",
            catalog,
        )
    ranked = QueryPlan(
        select=(SelectItem(column=_PRICE),),
        from_table="item",
        order_by=(OrderItem(item=SelectItem(column=_PRICE, aggregate="min")),),
        limit=1,
    )
    both = [_cue("aggregate", "maximum", "max"), _cue("aggregate", "minimum", "min")]
    with pytest.raises(TranslationError, match="highest and the lowest"):
        check_cues_used(both, ranked)


def test_a_table_listed_with_a_comma_that_nothing_shows_is_refused() -> None:
    assert_refuses(
        "CREATE TABLE club (club_id INTEGER PRIMARY KEY, title VARCHAR);"
        "CREATE TABLE player (player_id INTEGER PRIMARY KEY, name VARCHAR, age INTEGER,"
        " club_id INTEGER REFERENCES club(club_id));"
        "INSERT INTO club VALUES (1, 'Reds'); INSERT INTO player VALUES (1, 'Ann', 20, 1)",
        "What are the clubs, names of all players?",
        "which column of club",
    )


def test_a_value_in_two_columns_goes_to_the_one_its_words_name() -> None:
    """'Lyon' is sampled in both ``origin`` and ``destination``: 'from Lyon' is the
    origin, 'to Lyon' the destination; 'pilot is "Ann"' the pilot, not the captain."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE trip (trip_no INTEGER PRIMARY KEY, origin VARCHAR, destination VARCHAR,"
        " captain VARCHAR, pilot VARCHAR);"
        "INSERT INTO trip VALUES (1, 'Lyon', 'Paris', 'Ann', 'Bob'),"
        " (2, 'Paris', 'Lyon', 'Bob', 'Ann'), (3, 'Nice', 'Lyon', 'Cy', 'Cy')"
    )
    catalog = duckdb_catalog(con)
    for question, expected in (
        ("Show the trip numbers of trips from Lyon.", "SELECT 1"),
        ("Show the trip numbers of trips from Paris to Lyon.", "SELECT 2"),
        ('Show the trip numbers of trips whose pilot is "Ann".', "SELECT 2"),
    ):
        assert_same_rows(con, translate(question, catalog), expected)


def test_or_with_a_second_comparison_after_the_year_of_is_not_an_open_bound() -> None:
    """'before the year of 2000 or after the year of 2010' is two comparisons, not
    '2000 or after' as an inclusive bound."""
    assert_answers(
        "CREATE TABLE wine (name VARCHAR, year INTEGER);"
        "INSERT INTO wine VALUES ('a', 1990), ('b', 2005), ('c', 2012), ('d', 2000)",
        "Find the names of wines produced before the year of 2000 or after the year of 2010.",
        "SELECT * FROM (VALUES ('a'), ('c'))",
    )


def test_a_column_called_after_its_table_is_what_its_name_means() -> None:
    """'products whose name contains "Scanner"': ``product.product`` holds what each
    product is called, so it is the name, not ``store.store_name`` of a related table."""
    assert_answers(
        "CREATE TABLE store (store_id INTEGER PRIMARY KEY, store_name VARCHAR);"
        "CREATE TABLE product (product_id INTEGER PRIMARY KEY, product VARCHAR, price INTEGER);"
        "CREATE TABLE store_product (store_id INTEGER REFERENCES store (store_id),"
        " product_id INTEGER REFERENCES product (product_id));"
        "INSERT INTO store VALUES (1, 'Scanner World'), (2, 'Paper Shop');"
        "INSERT INTO product VALUES (1, 'Flat Scanner', 5), (2, 'Pen', 1);"
        "INSERT INTO store_product VALUES (1, 2), (2, 1)",
        'What are all of the products whose name includes the substring "Scanner"?',
        "SELECT 'Flat Scanner'",
    )


def test_a_column_word_and_in_or_of_a_second_word_name_one_column() -> None:
    """'length in meters' is ``length_meters``, not ``length_feet`` narrowed by 'meters';
    'year of joining' is ``year_join``, not the year of a related table."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE artist (artist_id INTEGER PRIMARY KEY, name VARCHAR, year_join INTEGER,"
        " length_feet DOUBLE, length_meters DOUBLE);"
        "CREATE TABLE exhibition (exhibition_id INTEGER PRIMARY KEY, year INTEGER,"
        " artist_id INTEGER REFERENCES artist (artist_id));"
        "INSERT INTO artist VALUES (1, 'Ann', 1990, 30.0, 9.0), (2, 'Bo', 2001, 10.0, 3.0);"
        "INSERT INTO exhibition VALUES (1, 2004, 1), (2, 2005, 2)"
    )
    catalog = duckdb_catalog(con)
    draft = translate("What is the maximum length in meters of the artists?", catalog)
    assert_same_rows(con, draft, "SELECT 9.0")
    draft = translate("What are the names and year of joining of all artists?", catalog)
    assert_same_rows(con, draft, "SELECT name, year_join FROM artist")


def test_a_word_two_columns_hold_takes_the_one_the_words_near_it_name_or_is_refused() -> None:
    """'date' is in ``date_raised`` and ``date_closed``: 'the earliest date raised' says
    which; 'the active date' of ``active_from_date`` and ``active_to_date`` says neither,
    so it is refused rather than guessed."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE complaints (complaint_id INTEGER PRIMARY KEY, staff_name VARCHAR,"
        " date_complaint_raised DATE, date_complaint_closed DATE,"
        " active_from_date DATE, active_to_date DATE);"
        "INSERT INTO complaints VALUES (1, 'Ann', '2001-01-01', '2009-01-01', NULL, NULL),"
        " (2, 'Bob', '2003-01-01', '2002-01-01', NULL, NULL)"
    )
    catalog = duckdb_catalog(con)
    draft = translate(
        "Return the staff name of the complaint with the earliest date raised.", catalog
    )
    assert_same_rows(con, draft, "SELECT 'Ann'")
    with pytest.raises(TranslationError):
        translate("What is the active date of each complaint?", catalog)


def test_a_quoted_name_is_not_a_value_of_a_numeric_column_before_it() -> None:
    """'the fee of "North Campus"': a name is never a fee, so it is not compared with the
    numeric column before it; with nowhere else to put it, the question is refused."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE fees (campus INTEGER, year INTEGER, campus_fee INTEGER);"
        "INSERT INTO fees VALUES (1, 1996, 100), (2, 1996, 200)"
    )
    with pytest.raises(TranslationError):
        translate('What is the campus fee of "North Campus" in year 1996?', duckdb_catalog(con))


def test_or_between_pairs_of_conditions_is_refused() -> None:
    """'in Lyon, Rhone or in Nice, Var' is (city AND region) OR (city AND region); joining
    only the two conditions beside 'or' would ask something else."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE addresses (address VARCHAR, city VARCHAR, region VARCHAR);"
        "INSERT INTO addresses VALUES ('a', 'Lyon', 'Rhone'), ('b', 'Nice', 'Var'),"
        " ('c', 'Lyon', 'Var')"
    )
    with pytest.raises(TranslationError):
        translate("Find all the addresses in Lyon, Rhone or in Nice, Var.", duckdb_catalog(con))


def test_two_clashing_pairs_of_filters_are_refused() -> None:
    """'reported by both Ann Lee and Bo Kim': first names clash and so do last names; one
    INTERSECT split would still demand two last names of one row, so it is refused."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE staff (staff_id INTEGER PRIMARY KEY, first_name VARCHAR,"
        " last_name VARCHAR);"
        "CREATE TABLE problems (problem_id INTEGER PRIMARY KEY, product VARCHAR,"
        " reported_by INTEGER REFERENCES staff (staff_id));"
        "INSERT INTO staff VALUES (1, 'Ann', 'Lee'), (2, 'Bo', 'Kim');"
        "INSERT INTO problems VALUES (1, 'p', 1), (2, 'p', 2), (3, 'q', 1)"
    )
    with pytest.raises(TranslationError):
        translate(
            "Which products have problems reported by both Ann Lee and Bo Kim?",
            duckdb_catalog(con),
        )


def test_the_letter_left_of_a_contraction_is_not_a_value() -> None:
    """ "don't" leaves a 't' that matches the sampled initial 'T'; it is part of the
    negation, not a filter on the initial."""
    assert_answers(
        "CREATE TABLE professor (name VARCHAR, initial VARCHAR, degree VARCHAR);"
        "INSERT INTO professor VALUES ('Ann', 'T', 'MSc'), ('Bo', 'S', 'PhD'),"
        " ('Cy', 'S', 'MSc')",
        "What are the names of professors who don't have the degree PhD?",
        "SELECT * FROM (VALUES ('Ann'), ('Cy'))",
    )


def test_a_condition_after_or_alternatives_is_refused() -> None:
    """'either in division AS, or in division EN and in building NEB' may mean AS OR
    (EN AND NEB) or (AS OR EN) AND NEB; the words do not say which, so it is refused."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE department (dname VARCHAR, division VARCHAR, building VARCHAR);"
        "INSERT INTO department VALUES ('a', 'AS', 'OLD'), ('b', 'EN', 'NEB'),"
        " ('c', 'EN', 'OLD')"
    )
    with pytest.raises(TranslationError):
        translate(
            "What are the names of departments either in division AS, or in division EN "
            "and in building NEB?",
            duckdb_catalog(con),
        )


def test_a_column_then_was_named_and_a_value_filters_that_column() -> None:
    """'the pilot was named "Ann"': 'named' stands between the column and its value like
    'is', so the value goes to ``pilot`` though ``captain`` holds it too."""
    assert_answers(
        "CREATE TABLE trip (trip_no INTEGER PRIMARY KEY, captain VARCHAR, pilot VARCHAR);"
        "INSERT INTO trip VALUES (1, 'Ann', 'Bob'), (2, 'Bob', 'Ann')",
        'Find the trip numbers of trips when the pilot was named "Ann".',
        "SELECT 2",
    )


def test_the_word_right_after_a_half_named_column_tells_which_it_is() -> None:
    """'the date valid from and the date valid to': 'from' and 'to' are both near each
    'date valid', but the word right after each says which column it names."""
    assert_answers(
        "CREATE TABLE cards (card_id INTEGER PRIMARY KEY, card_number VARCHAR,"
        " date_valid_from DATE, date_valid_to DATE);"
        "INSERT INTO cards VALUES (1, '45', '2001-01-01', '2009-01-01')",
        "Show the date valid from and the date valid to for the card with card number '45'.",
        "SELECT DATE '2001-01-01', DATE '2009-01-01'",
    )


def test_a_year_compared_with_a_key_column_dates_the_row_instead() -> None:
    """'served as a host city after 2010': ``host_city`` is a key, which holds no years,
    so 'after 2010' compares the row's one year column."""
    assert_answers(
        "CREATE TABLE city (city_id INTEGER PRIMARY KEY, city VARCHAR);"
        "CREATE TABLE hosting_city (year INTEGER, match_id INTEGER,"
        " host_city INTEGER REFERENCES city (city_id));"
        "INSERT INTO city VALUES (1, 'Lyon'), (2, 'Nice'), (2011, 'Odd');"
        "INSERT INTO hosting_city VALUES (2008, 1, 1), (2012, 2, 2), (2009, 3, 2011)",
        "Which cities served as a host city after 2010?",
        "SELECT 'Nice'",
    )


def test_a_quoted_piece_in_their_column_is_matched_inside_that_column() -> None:
    """'have an "a" in their first name': the quoted letter is part of the first name, not
    the grade 'A' another table holds."""
    assert_answers(
        "CREATE TABLE student (stuid INTEGER PRIMARY KEY, fname VARCHAR);"
        "CREATE TABLE enrolled_in (stuid INTEGER REFERENCES student (stuid), grade VARCHAR);"
        "INSERT INTO student VALUES (1, 'Dana'), (2, 'Bob');"
        "INSERT INTO enrolled_in VALUES (2, 'A'), (1, 'B')",
        'What are the first names of students who have an "a" in their first name?',
        "SELECT 'Dana'",
    )


def test_a_column_fixed_four_words_later_is_not_shown() -> None:
    """'the budget type that has the code ORG': the type is pinned to ORG, so only the
    description asked for is shown."""
    assert_answers(
        "CREATE TABLE ref_budget_codes (budget_type_code VARCHAR PRIMARY KEY,"
        " budget_type_description VARCHAR);"
        "INSERT INTO ref_budget_codes VALUES ('ORG', 'Organisation'), ('SF', 'Self founded')",
        "Return the description of the budget type that has the code ORG.",
        "SELECT 'Organisation'",
    )


def test_the_subject_of_a_clause_about_the_rows_is_not_shown() -> None:
    """'Which county do the delegates on "Appropriations" committee belong to?': the
    delegates pick the counties; only the county names are asked for."""
    assert_answers(
        "CREATE TABLE county (county_id INTEGER PRIMARY KEY, county_name VARCHAR);"
        "CREATE TABLE election (election_id INTEGER PRIMARY KEY, delegate VARCHAR,"
        " committee VARCHAR, district INTEGER REFERENCES county (county_id));"
        "INSERT INTO county VALUES (1, 'Howard'), (2, 'Baltimore');"
        "INSERT INTO election VALUES (1, 'Ann', 'Appropriations', 1),"
        " (2, 'Bo', 'Ways', 2)",
        'Which county do the delegates on "Appropriations" committee belong to? '
        "Give me the county names.",
        "SELECT 'Howard'",
    )


def test_a_partial_word_and_the_column_beside_it_name_the_column_holding_both() -> None:
    """'mobile phone number' is ``cell_mobile_phone_number``, not 'mobile' for it and
    'phone number' for ``phone_number`` as well."""
    assert_answers(
        "CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, last_name VARCHAR,"
        " phone_number VARCHAR, cell_mobile_phone_number VARCHAR);"
        "INSERT INTO customers VALUES (1, 'Kohler', '111', '999'), (2, 'Lee', '222', '888')",
        "What is the mobile phone number of the customer with last name Kohler?",
        "SELECT '999'",
    )


def test_values_listed_with_and_over_rows_of_a_shown_value_intersect() -> None:
    """'studios that have produced films with director X and Y': no film has both
    directors, so the studios asked for are those with a film by each (INTERSECT); 'the
    names of films with director X and Y' keeps either."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE film (film_id INTEGER PRIMARY KEY, title VARCHAR, studio VARCHAR,"
        " director VARCHAR);"
        "INSERT INTO film VALUES (1, 'f1', 'Paramount', 'Meyer'), (2, 'f2', 'Paramount', 'Hill'),"
        " (3, 'f3', 'Universal', 'Meyer')"
    )
    catalog = duckdb_catalog(con)
    draft = translate(
        'Show the studios that have produced films with director "Meyer" and "Hill".', catalog
    )
    assert_same_rows(con, draft, "SELECT 'Paramount'")
    draft = translate('Show the titles of films with director "Meyer" and "Hill".', catalog)
    assert_same_rows(con, draft, "SELECT title FROM film")


def test_the_t_of_a_contraction_is_no_value() -> None:
    """ "who don't have a wedding": the 't' after the apostrophe is part of "don't", not
    the sample value 'T' of a flag column."""
    assert_answers(
        "CREATE TABLE people (people_id INTEGER PRIMARY KEY, name VARCHAR, is_male VARCHAR);"
        "CREATE TABLE wedding (wedding_id INTEGER PRIMARY KEY,"
        " male_id INTEGER REFERENCES people (people_id));"
        "INSERT INTO people VALUES (1, 'Ann', 'F'), (2, 'Bob', 'T'), (3, 'Cid', 'T');"
        "INSERT INTO wedding VALUES (1, 2)",
        "Show the names of people who don't have a wedding.",
        "SELECT name FROM people WHERE people_id <> 2",
    )


def test_a_value_after_the_lacked_rows_on_the_subject_is_refused() -> None:
    """'students who didn't take any course from the Biology department': 'Biology' most
    likely narrows the courses lacked, not the students; linked to the students' own
    department it would answer another question."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE student (id INTEGER PRIMARY KEY, name VARCHAR, dept_name VARCHAR);"
        "CREATE TABLE course (course_id INTEGER PRIMARY KEY, title VARCHAR, dept_name VARCHAR);"
        "CREATE TABLE takes (id INTEGER REFERENCES student (id),"
        " course_id INTEGER REFERENCES course (course_id));"
        "INSERT INTO student VALUES (1, 'Ann', 'Biology'), (2, 'Bob', 'Physics');"
        "INSERT INTO course VALUES (1, 'Genes', 'Biology');"
        "INSERT INTO takes VALUES (1, 1)"
    )
    with pytest.raises(TranslationError):
        translate(
            "Find the names of students who didn't take any course from the Biology department.",
            duckdb_catalog(con),
        )


def test_values_lacking_rows_with_a_number_are_excepted() -> None:
    """'publishers which do not have a book in 1989', 'home cities except for those having
    a driver older than 40': many rows share each value, so the values shown are those
    no such row has (EXCEPT), not those of any other row."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE driver (driver_id INTEGER PRIMARY KEY, name VARCHAR, home_city VARCHAR,"
        " age INTEGER, year INTEGER);"
        "INSERT INTO driver VALUES (1, 'a', 'Hartford', 45, 1989), (2, 'b', 'Hartford', 30, 1990),"
        " (3, 'c', 'Bethel', 35, 1990)"
    )
    catalog = duckdb_catalog(con)
    draft = translate(
        "Show all home cities except for those having a driver older than 40.", catalog
    )
    assert_same_rows(con, draft, "SELECT 'Bethel'")
    draft = translate("Show all home cities which do not have a driver in 1989.", catalog)
    assert_same_rows(con, draft, "SELECT 'Bethel'")


def test_not_a_or_b_excludes_both_values() -> None:
    """'not Canoeing or Kayaking': the negation covers both values (``NOT IN``); over the
    activities joined to each member it could keep anyone with another activity, so
    there it is refused."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE member (member_id INTEGER PRIMARY KEY, name VARCHAR, sport VARCHAR);"
        "CREATE TABLE activity (actid INTEGER PRIMARY KEY, activity_name VARCHAR);"
        "CREATE TABLE plays (member_id INTEGER REFERENCES member (member_id),"
        " actid INTEGER REFERENCES activity (actid));"
        "INSERT INTO member VALUES (1, 'Ann', 'Canoeing'), (2, 'Bob', 'Kayaking'),"
        " (3, 'Cid', 'Chess');"
        "INSERT INTO activity VALUES (1, 'Canoeing'), (2, 'Kayaking'), (3, 'Chess');"
        "INSERT INTO plays VALUES (1, 1), (1, 3), (3, 3)"
    )
    catalog = duckdb_catalog(con)
    draft = translate("Find the names of members whose sport is not Canoeing or Kayaking.", catalog)
    assert_same_rows(con, draft, "SELECT 'Cid'")
    with pytest.raises(TranslationError):
        translate("Find the names of members who do not play Canoeing or Kayaking.", catalog)


def test_rows_in_the_top_ranked_related_row_are_refused() -> None:
    """'the cities in the county with the most police officers': every city of the top
    county is asked for, so ``ORDER BY ... LIMIT 1`` over the joined cities would keep
    one at random."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE county (county_id INTEGER PRIMARY KEY, name VARCHAR,"
        " police_officers INTEGER);"
        "CREATE TABLE city (city_id INTEGER PRIMARY KEY, name VARCHAR,"
        " county_id INTEGER REFERENCES county (county_id));"
        "INSERT INTO county VALUES (1, 'Ash', 900), (2, 'Elm', 100);"
        "INSERT INTO city VALUES (1, 'Avon', 1), (2, 'Bray', 1), (3, 'Cole', 2)"
    )
    with pytest.raises(TranslationError):
        translate(
            "What are the names of cities in the county with the most police officers?",
            duckdb_catalog(con),
        )


def test_contradicting_values_not_joined_by_and_are_refused() -> None:
    """'flights from Los Angeles to Honolulu' with both cities read as destinations: no
    'and' joins them, so the question does not ask for what each value's rows share."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE flight (flno INTEGER PRIMARY KEY, destination VARCHAR,"
        " departure_date DATE);"
        "INSERT INTO flight VALUES (1, 'Los Angeles', '2024-01-01'),"
        " (2, 'Honolulu', '2024-01-01')"
    )
    with pytest.raises(TranslationError):
        translate(
            "Show me the departure date for all flights from Los Angeles to Honolulu.",
            duckdb_catalog(con),
        )


def test_a_name_given_to_one_table_compared_on_another_is_refused() -> None:
    """'the enzyme named X and the medicine named Y', Y not among the sampled values: the
    second 'named' was matched to the enzymes' name column, yet the words say it is the
    medicine's name."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE enzyme (id INTEGER PRIMARY KEY, name VARCHAR);"
        "CREATE TABLE medicine (id INTEGER PRIMARY KEY, name VARCHAR);"
        "CREATE TABLE medicine_enzyme_interaction (enzyme_id INTEGER REFERENCES enzyme (id),"
        " medicine_id INTEGER REFERENCES medicine (id), interaction_type VARCHAR);"
        "INSERT INTO enzyme VALUES (1, 'ALA synthase');"
        "INSERT INTO medicine VALUES (1, 'Amisulpride');"
        "INSERT INTO medicine_enzyme_interaction VALUES (1, 1, 'inhibitor')"
    )
    with pytest.raises(TranslationError):
        translate(
            "What is the interaction type of the enzyme named 'ALA synthase' and the medicine "
            "named 'Aripiprazole'?",
            duckdb_catalog(con),
        )


def test_contradicting_values_beside_another_value_of_their_table_are_refused() -> None:
    """'problems reported by both Lacey Bosco and Kenton Champlin' read as first name
    Lacey with last names Bosco and Champlin: which half 'Lacey' belongs to is a guess."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE staff (staff_id INTEGER PRIMARY KEY, first_name VARCHAR,"
        " last_name VARCHAR);"
        "CREATE TABLE product (product_id INTEGER PRIMARY KEY, product_name VARCHAR);"
        "CREATE TABLE problems (problem_id INTEGER PRIMARY KEY,"
        " product_id INTEGER REFERENCES product (product_id),"
        " reported_by_staff_id INTEGER REFERENCES staff (staff_id));"
        "INSERT INTO staff VALUES (1, 'Lacey', 'Bosco'), (2, 'Kenton', 'Champlin');"
        "INSERT INTO product VALUES (1, 'p1'), (2, 'p2');"
        "INSERT INTO problems VALUES (1, 1, 1), (2, 1, 2), (3, 2, 1)"
    )
    with pytest.raises(TranslationError):
        translate(
            "Find the products which have problems reported by both Lacey Bosco and "
            "Kenton Champlin.",
            duckdb_catalog(con),
        )


def test_one_value_but_not_another_of_one_column_is_an_except() -> None:
    """'titles of courses in the Statistics department but not the Psychology
    department': the first value already rules the second out on each row, so the titles
    of Statistics courses that no Psychology course has are meant."""
    assert_answers(
        "CREATE TABLE course (course_id INTEGER PRIMARY KEY, title VARCHAR, dept_name VARCHAR);"
        "INSERT INTO course VALUES (1, 'Methods', 'Statistics'), (2, 'Methods', 'Psychology'),"
        " (3, 'Sampling', 'Statistics')",
        "What are the titles of courses that are in the Statistics department but not the "
        "Psychology department?",
        "SELECT 'Sampling'",
    )


def test_never_any_rows_with_a_value_excepts_the_shown_values() -> None:
    """'countries that have never participated in any friendly competitions': 'any'
    denies every such row, so the countries of friendly competitions are excepted, not
    kept for their other competitions."""
    assert_answers(
        "CREATE TABLE competition (competition_id INTEGER PRIMARY KEY, country VARCHAR,"
        " competition_type VARCHAR);"
        "INSERT INTO competition VALUES (1, 'Spain', 'Friendly'), (2, 'Spain', 'Tournament'),"
        " (3, 'Italy', 'Tournament')",
        "What are the countries that have never participated in any Friendly competitions?",
        "SELECT 'Italy'",
    )


def test_an_unused_link_table_named_by_the_subject_is_not_joined() -> None:
    """'train stations' matching the link table ``train_station`` while every shown
    column is the station's: joining the link table would repeat a station once per
    train and drop stations without trains."""
    assert_answers(
        "CREATE TABLE station (station_id INTEGER PRIMARY KEY, name VARCHAR,"
        " location VARCHAR);"
        "CREATE TABLE train (train_id INTEGER PRIMARY KEY, name VARCHAR);"
        "CREATE TABLE train_station (train_id INTEGER REFERENCES train (train_id),"
        " station_id INTEGER REFERENCES station (station_id),"
        " PRIMARY KEY (train_id, station_id));"
        "INSERT INTO station VALUES (1, 'Euston', 'London'), (2, 'Piccadilly', 'Manchester'),"
        " (3, 'Lime Street', 'Liverpool');"
        "INSERT INTO train VALUES (1, 't1'), (2, 't2');"
        "INSERT INTO train_station VALUES (1, 1), (1, 2), (2, 2)",
        "Show the names of all train stations not in London.",
        "SELECT name FROM station WHERE location <> 'London'",
    )


def test_values_shared_by_rows_of_either_value_intersect() -> None:
    """'the starting years shared by technicians from team CLE or CWS': 'shared' asks for
    the years both teams' technicians have, whichever conjunction lists the teams."""
    assert_answers(
        "CREATE TABLE technician (technician_id INTEGER PRIMARY KEY, name VARCHAR,"
        " team VARCHAR, starting_year INTEGER);"
        "INSERT INTO technician VALUES (1, 'a', 'CLE', 2009), (2, 'b', 'CWS', 2009),"
        " (3, 'c', 'CLE', 2012)",
        'What are the starting years shared by the technicians from the team "CLE" or "CWS"?',
        "SELECT 2009",
    )
