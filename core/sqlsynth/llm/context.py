"""What the model sees: the tables a request needs, and reviewed examples from the project.

Only linked tables are sent (fewer tokens, fewer wrong joins, less schema disclosed to the
endpoint). Few-shot examples come from models a person approved, so the model copies the
project's reviewed style rather than its own guesses.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from sqlsynth.artifact import read_lock, sql_body, sql_hash
from sqlsynth.catalog import Catalog, Column, Table
from sqlsynth.spec import NLSpec
from sqlsynth.translate.linking import link_question

MAX_TABLES = 8
MAX_SAMPLES = 5
MAX_EXAMPLES = 3


def tables_for(spec: NLSpec, catalog: Catalog, *, limit: int = MAX_TABLES) -> tuple[str, ...]:
    """The tables to describe to the model for ``spec``, most relevant first.

    The spec's sources when it names them (they are all it may read), else the tables its
    words link to plus any table joining two of them; when nothing links, the first
    ``limit`` tables.

    >>> from sqlsynth.catalog import Column, Table
    >>> catalog = Catalog(tables=(Table(name="orders", columns=(Column(name="amount"),)),
    ...                           Table(name="products", columns=(Column(name="price"),))))
    >>> tables_for(NLSpec(name="x", prompt="total amount of orders"), catalog)
    ('orders',)
    """
    allowed = catalog.subset(list(spec.sources)) if spec.sources else catalog
    linked = list(link_question(spec.prompt, allowed).tables())
    if spec.sources:
        rest = [t.name for t in allowed.tables if t.name not in linked]
        return tuple([*linked, *rest][:limit])
    if not linked:
        return allowed.table_names[:limit]
    chosen = linked[:limit]
    for table in allowed.tables:
        referenced = {fk.ref_table.lower().split(".")[-1] for fk in table.foreign_keys}
        joins_two = len(referenced & {name.lower() for name in chosen}) >= 2
        if table.name not in chosen and joins_two and len(chosen) < limit:
            chosen.append(table.name)
    return tuple(chosen)


def _column_line(table: Table, column: Column) -> tuple[str, str]:
    """The column's DDL and its comment (description, tags, sampled values)."""
    parts = [f"{column.name} {column.type}"]
    if table.primary_key == (column.name,):
        parts.append("PRIMARY KEY")
    if not column.nullable:
        parts.append("NOT NULL")
    parts += [
        f"REFERENCES {fk.ref_table} ({', '.join(fk.ref_columns)})"
        for fk in table.foreign_keys
        if fk.columns == (column.name,)
    ]
    notes = [column.description] if column.description else []
    if column.tags:
        notes.append("tags: " + ", ".join(column.tags))
    # Sampled values help the model spell filters; never send them for sensitive columns.
    if column.samples and "pii" not in {tag.lower() for tag in column.tags}:
        values = ", ".join(repr(value) for value in column.samples[:MAX_SAMPLES])
        more = ", …" if len(column.samples) > MAX_SAMPLES else ""
        notes.append(f"values: {values}{more}")
    return " ".join(parts), "; ".join(notes)


def render_schema(catalog: Catalog, names: tuple[str, ...]) -> str:
    """``names`` as compact DDL: types, keys, descriptions and a few sampled values.

    >>> from sqlsynth.catalog import Column, Table
    >>> catalog = Catalog(tables=(Table(name="orders", primary_key=("id",), columns=(
    ...     Column(name="id", type="INTEGER"), Column(name="status", samples=("paid",)))),))
    >>> print(render_schema(catalog, ("orders",)))
    CREATE TABLE orders (
      id INTEGER PRIMARY KEY,
      status TEXT -- values: 'paid'
    );
    """
    blocks = []
    for name in names:
        table = catalog.table(name)
        if table is None:
            continue
        lines = [_column_line(table, column) for column in table.columns]
        if len(table.primary_key) > 1:
            lines.append((f"PRIMARY KEY ({', '.join(table.primary_key)})", ""))
        lines += [
            (
                f"FOREIGN KEY ({', '.join(fk.columns)}) "
                f"REFERENCES {fk.ref_table} ({', '.join(fk.ref_columns)})",
                "",
            )
            for fk in table.foreign_keys
            if len(fk.columns) > 1
        ]
        body = "\n".join(
            f"  {code}{',' if i < len(lines) - 1 else ''}" + (f" -- {note}" if note else "")
            for i, (code, note) in enumerate(lines)
        )
        head = f"-- {table.description}\n" if table.description else ""
        blocks.append(f"{head}CREATE TABLE {table.name} (\n{body}\n);")
    return "\n\n".join(blocks)


class Example(BaseModel):
    """A reviewed prompt and the SQL a person approved for it."""

    model_config = ConfigDict(frozen=True)

    name: str
    prompt: str
    sql: str


_PROMPT_LINE = "-- prompt: "  # written by sqlsynth.artifact.render_sql_file
_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> set[str]:
    return {word for word in _WORD.findall(text.lower()) if len(word) > 2}


def similarity(a: str, b: str) -> float:
    """Jaccard overlap of the words (3+ letters) of two prompts.

    >>> similarity("total amount by status", "total amount by customer")
    0.5
    """
    left, right = _words(a), _words(b)
    return len(left & right) / len(left | right) if left | right else 0.0


def reviewed_examples(
    root: Path, lock_path: Path, spec: NLSpec, *, dialect: str, limit: int = MAX_EXAMPLES
) -> tuple[Example, ...]:
    """Approved, unedited models of the project in ``dialect``, most similar prompts first.

    The prompt comes from the SQL file's header, so the examples are exactly what was
    reviewed; models edited after approval are left out.
    """
    examples = []
    for name, entry in read_lock(lock_path).models.items():
        path = root / entry.sql_path
        if name == spec.name or entry.review is None or entry.dialect != dialect:
            continue
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if sql_hash(text) != entry.review.sql_hash:
            continue
        prompt = next(
            (
                line.removeprefix(_PROMPT_LINE)
                for line in text.splitlines()
                if line.startswith(_PROMPT_LINE)
            ),
            None,
        )
        if prompt:
            examples.append(Example(name=name, prompt=prompt, sql=sql_body(text)))
    examples.sort(key=lambda e: (-similarity(spec.prompt, e.prompt), e.name))
    return tuple(examples[:limit])
