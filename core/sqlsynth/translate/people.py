"""People's names: 'Which city does student Linda Smith live in?'.

Names are rarely among a column's sampled values (there are too many of them), so the
linker cannot place 'Linda' or 'Smith'. Two capitalised words in a row that nothing else
placed, in a question about a table with a first-name and a last-name column, are read
as one person's first and last name.
"""

from __future__ import annotations

from itertools import pairwise

from sqlsynth.plan import identifier_words
from sqlsynth.translate.linking import Link, Match, SchemaElement
from sqlsynth.translate.reading import Condition, Reading
from sqlsynth.translate.schema_graph import SchemaGraph

_FIRST = (("first", "name"), ("fname",), ("given", "name"), ("forename",))
_LAST = (("last", "name"), ("lname",), ("family", "name"), ("surname",))


def _name_column(columns: list[str], forms: tuple[tuple[str, ...], ...]) -> str | None:
    found = [c for c in columns if any(set(f) <= set(identifier_words(c)) for f in forms)]
    return found[0] if len(found) == 1 else None


def _name_columns(graph: SchemaGraph, table: str) -> tuple[str, str] | None:
    columns = [c.name for c in graph.table(table).columns]
    first, last = _name_column(columns, _FIRST), _name_column(columns, _LAST)
    return (first, last) if first and last else None


def _people_table(reading: Reading, graph: SchemaGraph) -> tuple[str, str, str] | None:
    """The table whose first and last names are meant: among the question's tables if
    one has them, else the only table of the schema that has them."""
    named = [link.best.element.table for link in reading.tables]
    candidates = named if any(_name_columns(graph, t) for t in named) else list(graph.tables)
    found = {graph.table(t).name for t in candidates if _name_columns(graph, t)}
    if len(found) != 1:
        return None
    (table,) = found
    columns = _name_columns(graph, table)
    assert columns is not None
    return table, *columns


def _column_link(token_start: int, text: str, table: str, column: str) -> Link:
    element = SchemaElement(kind="column", table=table, column=column)
    match = Match(element=element, score=1.0, how="exact")
    return Link(start=token_start, end=token_start + 1, text=text, matches=(match,))


def read_person_names(reading: Reading, graph: SchemaGraph) -> Reading:
    """Unplaced 'Linda Smith' → first name = 'Linda' and last name = 'Smith'."""
    unplaced = set(reading.unplaced)
    tokens = reading.tokens
    pairs = [
        (first, last)
        for first, last in pairwise(tokens)
        if first.kind == last.kind == "word"
        and first.text in unplaced
        and last.text in unplaced
        and first.text[:1].isupper()
        and last.text[:1].isupper()
    ]
    if len(pairs) != 1:
        return reading
    people = _people_table(reading, graph)
    if people is None:
        return reading
    table, first_column, last_column = people
    (first, last) = pairs[0]
    for token, column in ((first, first_column), (last, last_column)):
        link = _column_link(token.index, token.text, table, column)
        reading.conditions.append(
            Condition(op="=", column=link, value=token.text, source=token.text)
        )
    reading.unplaced = [w for w in reading.unplaced if w not in (first.text, last.text)]
    reading.notes.append(f"{first.text} {last.text}: a first and last name in {table}")
    return reading
