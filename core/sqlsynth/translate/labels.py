"""Quoted values no sampled value matches: names of rows and pieces of text.

A quoted string is rarely among a column's sampled values when the column holds one
value per row (names, titles). Right after a table's name ('the song "Le Pop"', 'the
product called "Widget"'), it names a row of that table by its one name or title column.
After 'include', 'have', 'the word' or 'starts with' ('names that include "dar"'), it is a
piece of the text column named around it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlsynth.plan import identifier_words
from sqlsynth.translate.linking import Link, Match, SchemaElement, Token, singular
from sqlsynth.translate.reading import Condition, Reading
from sqlsynth.translate.schema_graph import SchemaGraph, column_kind

_LABEL_WORDS = frozenset({"name", "title"})
_BETWEEN = frozenset({"the", "named", "called", "titled", "entitled"})


def label_column(graph: SchemaGraph, table: str) -> str | None:
    """The one text column of ``table`` that names its rows: a column called just 'name'
    or 'title', else the only text column with such a word in its name."""
    texts = [c for c in graph.table(table).columns if column_kind(c) == "text"]
    whole = [c.name for c in texts if identifier_words(c.name) in (("name",), ("title",))]
    if len(whole) == 1:
        return whole[0]
    if whole:
        return None
    part = [c.name for c in texts if _LABEL_WORDS & set(identifier_words(c.name))]
    return part[0] if len(part) == 1 else None


_INNER_WORDS = frozenset({"of", "the", "a", "an", "and", "as", "to", "in", "on", "at"})


def _capitalised(token: Token) -> bool:
    return token.kind == "word" and token.text[:1].isupper()


def _name_run(tokens: Sequence[Token], first: int) -> tuple[int, int]:
    """The span of capitalised words around ``first`` ('The Phantom of the Opera'):
    small lower-case words inside it are kept when a capitalised word follows."""
    start = first
    if start > 1 and _capitalised(tokens[start - 1]) and tokens[start - 1].norm == "the":
        start -= 1
    end = first + 1
    while end < len(tokens):
        if _capitalised(tokens[end]):
            end += 1
            continue
        inner = end
        while inner < len(tokens) and tokens[inner].norm in _INNER_WORDS:
            inner += 1
        if inner == end or inner >= len(tokens) or not _capitalised(tokens[inner]):
            break
        end = inner
    return start, end


def _whole_label(table: str, column: str) -> bool:
    """'name', 'title' or the table's own noun before it ('department_name'): unquoted
    words are read as a name only then, never as a part like a last name."""
    words = identifier_words(column)
    own = tuple(singular(w) for w in identifier_words(table))
    return words[-1:] in (("name",), ("title",)) and words[:-1] in ((), own)


def _position(condition: Condition) -> int | None:
    link = condition.value_link or condition.column
    return link.start if link is not None else None


def _place_condition(reading: Reading, condition: Condition, start: int, end: int) -> None:
    """Add ``condition`` where its words stand among the others, so that 'genre Rock or
    genre Jazz' reads as either value whichever of them the reader placed first."""
    tokens = reading.tokens
    conditions = reading.conditions
    placed = [(p, i) for i, c in enumerate(conditions) if (p := _position(c)) is not None]
    if end < len(tokens) and tokens[end].norm == "or":
        later = [(p, i) for p, i in placed if p >= end]
        if later:
            _, index = min(later)
            conditions[index].any_of_previous = True
            conditions.insert(index, condition)
            return
    if start > 0 and tokens[start - 1].norm == "or":
        earlier = [(p, i) for p, i in placed if p < start]
        if earlier:
            _, index = max(earlier)
            condition.any_of_previous = True
            conditions.insert(index + 1, condition)
            return
    conditions.append(condition)


def read_quoted_labels(reading: Reading, graph: SchemaGraph) -> Reading:
    """Unplaced 'the song "Le Pop"' → song.title = 'Le Pop'; unquoted 'the musical
    titled The Phantom of the Opera' reads the same when its words are capitalised."""
    unplaced = set(reading.unplaced)
    tokens = reading.tokens
    placed: set[str] = set()
    for token in tokens:
        if token.text not in unplaced or token.text in placed:
            continue
        if token.kind == "quoted":
            start, end = token.index, token.index + 1
        elif _capitalised(token) and token.index > 0:
            start, end = _name_run(tokens, token.index)
        else:
            continue
        before = start
        while before > 0 and tokens[before - 1].norm in _BETWEEN:
            before -= 1
        table_link = next((t for t in reading.tables if t.end == before), None)
        if table_link is None or table_link.best.element.kind != "table":
            continue
        table = graph.table(table_link.best.element.table).name
        column = label_column(graph, table)
        if column is None or (token.kind != "quoted" and not _whole_label(table, column)):
            continue
        value = " ".join(t.text for t in tokens[start:end])
        element = SchemaElement(kind="column", table=table, column=column)
        link = Link(
            start=start,
            end=end,
            text=value,
            matches=(Match(element=element, score=1.0, how="exact"),),
        )
        condition = Condition(op="=", column=link, value=value, source=value)
        _place_condition(reading, condition, table_link.start, end)
        reading.notes.append(f"{value!r} names a {table} row by its {column}")
        if any(g is table_link for g in reading.groups):
            # 'the number of albums by the artist "Metallica"': one artist, no groups
            reading.groups = [g for g in reading.groups if g is not table_link]
        placed.update(t.text for t in tokens[start:end])
    reading.unplaced = [w for w in reading.unplaced if w not in placed]
    return reading


_CONTAIN_VERBS = frozenset(
    {"contain", "contains", "containing", "include", "includes", "including", "have", "has"}
    | {"having", "with"}
)
_WEAK_VERBS = frozenset({"have", "has", "having", "with"})
_PIECE_WORDS = frozenset(
    {"the", "a", "an", "word", "words", "letter", "letters", "string", "substring", "phrase"}
)
_EDGE_VERBS = {"start": "prefix", "starts": "prefix", "begin": "prefix", "begins": "prefix"} | {
    "end": "suffix",
    "ends": "suffix",
}
_OWNER_WORDS = frozenset({"their", "its", "his", "her", "the"})
_COLUMN_GAP = frozenset({"that", "which", "whose", "who", "the", "its", "their", "his", "her"})


def _text_column_at(links: Sequence[Link], start: int, graph: SchemaGraph) -> Link | None:
    for link in links:
        if link.start == start and link.best.element.kind == "column":
            return link if graph.kind_of(link.best.element) == "text" else None
    return None


def _text_column_ending(links: Sequence[Link], end: int, graph: SchemaGraph) -> Link | None:
    for link in links:
        if link.end == end and link.best.element.kind == "column":
            return link if graph.kind_of(link.best.element) == "text" else None
    return None


def _label_ending(reading: Reading, end: int, graph: SchemaGraph) -> Link | None:
    """'papers that contain the word "ML"': rows contain a word in their name or title."""
    table_link = next((t for t in reading.tables if t.end == end), None)
    if table_link is None or table_link.best.element.kind != "table":
        return None
    table = graph.table(table_link.best.element.table).name
    column = label_column(graph, table)
    if column is None or not _whole_label(table, column):
        return None
    element = SchemaElement(kind="column", table=table, column=column)
    match = Match(element=element, score=1.0, how="exact")
    return Link(start=table_link.start, end=end, text=table_link.text, matches=(match,))


def read_contained_words(reading: Reading, graph: SchemaGraph, links: Sequence[Link]) -> Reading:
    """Unplaced 'names that include "dar"', 'have "a" in their names', 'whose title starts
    with the word "The"': a pattern match on the text column named around the quoted
    piece (after 'in their', else just before the verb)."""
    unplaced = set(reading.unplaced)
    tokens = reading.tokens
    placed: set[str] = set()
    for token in tokens:
        if token.kind != "quoted" or token.text not in unplaced or token.text in placed:
            continue
        verb = token.index - 1
        while verb >= 0 and tokens[verb].norm in _PIECE_WORDS:
            verb -= 1
        marked = verb < token.index - 1 and tokens[verb + 1].norm not in ("the", "a", "an")
        edge = ""
        if verb >= 1 and tokens[verb].norm == "with" and tokens[verb - 1].norm in _EDGE_VERBS:
            edge = _EDGE_VERBS[tokens[verb - 1].norm]
            verb -= 1
        elif verb < 0 or (tokens[verb].norm not in _CONTAIN_VERBS and not marked):
            continue
        column: Link | None = None
        after = token.index + 1
        if after < len(tokens) and tokens[after].norm == "in":
            after += 1
            while after < len(tokens) and tokens[after].norm in _OWNER_WORDS:
                after += 1
            column = _text_column_at(links, after, graph)
        if column is None:
            end = verb
            while end > 0 and tokens[end - 1].norm in _COLUMN_GAP:
                end -= 1
            column = _text_column_ending(links, end, graph)
            if column is None and (marked or tokens[verb].norm not in _WEAK_VERBS):
                column = _label_ending(reading, end, graph)
        if column is None:
            continue
        value = {"prefix": f"{token.text}%", "suffix": f"%{token.text}"}.get(edge, token.text)
        op = "like" if edge else "contains"
        reading.conditions.append(
            Condition(op=op, column=column, value=value, source=f"{column.text} {token.text!r}")
        )
        # the column that holds the piece is a filter, not an output (a separate mention
        # of it, 'the names of instructors with names that include', still shows it)
        reading.projections = [p for p in reading.projections if p is not column]
        reading.notes.append(f"{token.text!r} is part of {column.text!r}")
        placed.add(token.text)
        placed.update(t.text for t in tokens[verb + (0 if edge else 1) : token.index])
    reading.unplaced = [w for w in reading.unplaced if w not in placed]
    return reading


_NAME_OF_WORDS = frozenset({"of", "the", "a", "an", "all", "each", "every", "different"})


def names_of_a_name_column(reading: Reading, graph: SchemaGraph) -> Reading:
    """'the names of the directors' for a text column ``director``: the column already
    holds the names; 'names' is not another table's name column. A column referring to
    another table ('the name of the project' for ``AssignedTo.Project``) holds keys."""
    for label in list(reading.projections):
        if label.text.lower() not in ("name", "names") or label.best.element.kind != "column":
            continue
        after = next((p for p in reading.projections if p.start > label.end), None)
        between = [t.norm for t in reading.tokens[label.end : after.start]] if after else []
        if after is None or "of" not in between or not set(between) <= _NAME_OF_WORDS:
            continue
        element = after.best.element
        if element.kind != "column" or after.best.how not in ("exact", "lemma"):
            continue
        table = graph.table(element.table)
        references = {c.lower() for fk in table.foreign_keys for c in fk.columns}
        words = set(identifier_words(element.column or ""))
        if not {"name", "title"} & words and (element.column or "").lower() not in references:
            reading.projections = [p for p in reading.projections if p is not label]
            reading.notes.append(f"{after.text!r} holds the names themselves")
    return reading
