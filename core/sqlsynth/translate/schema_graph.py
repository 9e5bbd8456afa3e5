"""The schema as a graph: column type classes, foreign-key paths, and link resolution.

:class:`SchemaGraph` holds tables as nodes and foreign keys as edges in both directions;
:class:`Resolver` pins each link to one element, the question's own tables first and then
the nearest by foreign keys.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlsynth.catalog import Catalog, Column, Table
from sqlsynth.errors import TranslationError
from sqlsynth.plan import ColumnRef, identifier_words
from sqlsynth.translate.linking import (
    Link,
    Match,
    SchemaElement,
    Token,
    singular,
)


def column_kind(column: Column) -> Literal["numeric", "temporal", "boolean", "text", "other"]:
    """A coarse type class from the SQL type name, for choosing what to compare or sum."""
    kind = column.type.upper()
    if re.search(r"DATE|TIME", kind):
        return "temporal"
    if kind.startswith("BOOL"):
        return "boolean"
    if re.search(r"INT|DEC|NUM|FLOAT|DOUBLE|REAL|MONEY", kind):
        return "numeric"
    if re.search(r"CHAR|TEXT|STRING|CLOB|VARCHAR", kind) or not kind:
        return "text"
    return "other"


@dataclass(frozen=True)
class Edge:
    """A foreign key seen from ``source`` (which holds it when ``forward``) to ``target``."""

    source: str
    target: str
    keys: tuple[tuple[str, str], ...]
    forward: bool


class SchemaGraph:
    """Tables as nodes, foreign keys as edges in both directions."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.tables = {t.name.lower(): t for t in catalog.tables}
        self.edges: dict[str, list[Edge]] = {name: [] for name in self.tables}
        for table in catalog.tables:
            for fk in table.foreign_keys:
                target = self.tables.get(fk.ref_table.lower().split(".")[-1])
                if target is None:
                    continue
                keys = tuple(zip(fk.columns, fk.ref_columns, strict=False))
                self.add_edge(table.name, target.name, keys)
        for table, column, target in _implied_keys(catalog):
            self.add_edge(table.name, target.name, ((column, target.primary_key[0]),))

    def add_edge(self, source: str, target: str, keys: tuple[tuple[str, str], ...]) -> None:
        """A foreign key from ``source`` to ``target``, walkable both ways."""
        self.edges[source.lower()].append(Edge(source, target, keys, True))
        back = tuple((b, a) for a, b in keys)
        self.edges[target.lower()].append(Edge(target, source, back, False))

    def table(self, name: str) -> Table:
        return self.tables[name.lower()]

    def kind_of(self, element: SchemaElement) -> str:
        """'table', or the type class of a column or value's column."""
        if element.column is None:
            return "table"
        column = self.table(element.table).column(element.column)
        return column_kind(column) if column is not None else "other"

    def paths_from(self, start: str) -> dict[str, list[Edge]]:
        """Shortest edge paths from ``start`` to every reachable table (BFS, stable order)."""
        paths: dict[str, list[Edge]] = {start.lower(): []}
        queue = deque([start.lower()])
        while queue:
            current = queue.popleft()
            for edge in self.edges[current]:
                target = edge.target.lower()
                if target not in paths:
                    paths[target] = [*paths[current], edge]
                    queue.append(target)
        return paths

    def is_link_table(self, name: str) -> bool:
        """A table that relates rows of two others: foreign keys to at least two tables
        and no key of its own beyond them (``affiliated_with (physician, department)``)."""
        table = self.table(name)
        forward = [e for e in self.edges[table.name.lower()] if e.forward]
        fk_columns = {mine.lower() for edge in forward for mine, _ in edge.keys}
        targets = {edge.target.lower() for edge in forward}
        key = {c.lower() for c in table.primary_key}
        return len(targets) >= 2 and key <= fk_columns

    def distance(self, start: str, goal: str) -> int:
        path = self.paths_from(start).get(goal.lower())
        return len(path) if path is not None else 1_000


def _implied_keys(catalog: Catalog) -> list[tuple[Table, str, Table]]:
    """Undeclared foreign keys: a column named exactly like another table's one-column
    primary key (``accounts.customer_id`` → ``customers.customer_id``), when the column
    has no declared foreign key to another table and is not its own table's key.
    Schemas often leave keys undeclared; a shared, specific key name is strong evidence."""
    keyed: dict[str, list[Table]] = {}
    for table in catalog.tables:
        if len(table.primary_key) == 1 and table.primary_key[0].lower() != "id":
            keyed.setdefault(table.primary_key[0].lower(), []).append(table)
    implied: list[tuple[Table, str, Table]] = []
    for table in catalog.tables:
        declared = {
            c.lower()
            for fk in table.foreign_keys
            if fk.ref_table.lower().split(".")[-1] != table.name.lower()
            for c in fk.columns
        }
        own = [c.lower() for c in table.primary_key]
        for column in table.columns:
            name = column.name.lower()
            targets = [t for t in keyed.get(name, []) if t is not table]
            if len(targets) == 1 and name not in declared and own != [name]:
                implied.append((table, column.name, targets[0]))
    return implied


def label_column(table: Table) -> Column | None:
    """The text column a person would call the row by: one whose name ends in 'name' or
    'title' first, else the first text column that is not a key."""
    keys = {c.lower() for c in table.primary_key}
    keys |= {c.lower() for fk in table.foreign_keys for c in fk.columns}
    texts = [c for c in table.columns if column_kind(c) == "text" and c.name.lower() not in keys]
    references = {c.lower() for fk in table.foreign_keys for c in fk.columns}
    named = [
        c
        for c in table.columns
        if column_kind(c) == "text"
        and c.name.lower() not in references
        and identifier_words(c.name)[-1:] in (("name",), ("title",))
    ]
    return next(iter(named or texts), None)


class Resolver:
    """Pins each link to one element: the question's own tables first, then the nearest."""

    def __init__(
        self,
        graph: SchemaGraph,
        subject: str,
        mentioned: Iterable[str],
        owners: dict[tuple[int, int], str] | None = None,
        tokens: Sequence[Token] = (),
    ) -> None:
        self.graph = graph
        self.subject = subject
        self.mentioned = [t.lower() for t in mentioned]
        self.owners = owners or {}
        """The table a link's words say it belongs to ('the names of the albums')."""
        self.distances = {name: len(path) for name, path in graph.paths_from(subject).items()}
        self.chosen: dict[tuple[int, int], Match] = {}
        self.tokens = tokens
        """The question's words, to tell apart the columns a word half names."""

    def element(self, link: Link, *, want: str | None = None) -> SchemaElement:
        best = link.best
        candidates = [
            m
            for m in link.matches
            if m.element.kind == best.element.kind and m.score >= best.score - 0.1
        ]
        if want is not None:
            typed = [m for m in candidates if self.kind_of(m.element) == want]
            candidates = typed or candidates
        if link.text.lower() in _LABEL_WORDS and best.element.kind == "column":
            own = [
                m
                for m in link.matches
                if m.element.kind == "column" and m.element.table.lower() == self.subject.lower()
            ]
            named = [m for m in own if _names_its_table(m.element)]
            candidates = named or own or candidates  # 'the names of songs': song_name
        if link.text.lower() in ("id", "ids") and best.element.kind == "column":
            keys = [m for m in link.matches if self.is_key(m.element)]
            candidates = keys or candidates  # 'the ids of orders': their primary key
        candidates = self.owned(link, candidates)
        chosen = min(candidates, key=lambda m: self.rank(m.element, m.score))
        if chosen.how in ("partial", "fuzzy") and chosen.element.kind == "column":
            chosen = chosen.model_copy(update={"element": self.told_apart(link, chosen.element)})
        self.chosen[(link.start, link.end)] = chosen
        return chosen.element

    def told_apart(self, link: Link, element: SchemaElement) -> SchemaElement:
        """A word that only partly names a column, when another column of its table holds
        the word as well ('date' for ``date_complaint_raised`` and ``date_complaint_closed``):
        the one whose other words the question says ('the earliest date raised'), and a
        refusal when it says none of them ('active date' for ``active_from_date`` and
        ``active_to_date``), since picking one would be a guess."""
        if link.text.lower() in _LABEL_WORDS or link.text.lower() in _VAGUE_WORDS:
            return element
        table = self.graph.table(element.table)
        keys = {c.lower() for c in table.primary_key}
        keys |= {c.lower() for fk in table.foreign_keys for c in fk.columns}
        words = {_short(w) for w in re.findall(r"[a-z0-9]+", link.text.lower())}
        own = {_short(w) for w in identifier_words(table.name)}
        extras: dict[str, set[str]] = {}
        for column in table.columns:
            names = {_short(w) for w in identifier_words(column.name)}
            if words <= names:
                extras[column.name] = {w for w in names - words - own - _FILLERS if len(w) > 1}
        if len(extras) < 2 or not extras.get(element.column or ""):
            return element  # one column, or one adding only its table's name ('amount_payment')
        if any(c.lower() in keys or "id" in extras[c] for c in extras):
            return element  # 'ids' and keys are told apart by the table they belong to
        kinds = {column_kind(c) for c in table.columns if c.name in extras}
        common = set.intersection(*extras.values())  # 'kmh' in max_ and mean_wind_kmh
        for reach in (1, _NEAR):  # 'the date valid from and the date valid to'
            near = self.tokens[max(0, link.start - reach) : link.end + reach]
            question = {_short(t.norm) for t in near}
            said = [c for c, extra in extras.items() if extra - common <= question]
            if len(said) == 1:
                break
        if len(kinds) > 1 or len(said) > 1:
            return element  # 'the start and end dates': each is named
        if said:
            return SchemaElement(kind="column", table=table.name, column=said[0])
        raise TranslationError(
            f"could not tell which column {link.text!r} means: "
            + " or ".join(f"{table.name}.{c}" for c in extras),
            hint="use more of the column's name, e.g. "
            + " or ".join(repr(" ".join(identifier_words(c)).lower()) for c in extras),
        )

    def owned(self, link: Link, candidates: list[Match]) -> list[Match]:
        """The candidates in the table the words say the column belongs to; 'the names
        of the albums' is the albums' label column (``title``), 'their ids' its key."""
        owner = self.owners.get((link.start, link.end))
        if owner is None or link.best.element.kind != "column":
            return candidates
        owned = [m for m in candidates if m.element.table.lower() == owner.lower()]
        table = self.graph.table(owner)
        word = link.text.lower()
        column = label_column(table) if word in _LABEL_WORDS else None
        if column is not None and not _names_row(column, table):
            column = None  # a guessed label ('company', 'date') is not what 'name' asks for
        if word in ("id", "ids") and len(table.primary_key) == 1:
            column = table.column(table.primary_key[0])
        if column is not None and not owned:
            element = SchemaElement(kind="column", table=table.name, column=column.name)
            owned = [Match(element=element, score=link.best.score, how=link.best.how)]
        return owned or candidates

    def is_key(self, element: SchemaElement) -> bool:
        table = self.graph.table(element.table)
        return [c.lower() for c in table.primary_key] == [(element.column or "").lower()]

    def rank(self, element: SchemaElement, score: float) -> tuple[int, int, float]:
        table = element.table.lower()
        mentioned = 0 if table == self.subject.lower() else (1 if table in self.mentioned else 2)
        return (mentioned, self.distances.get(table, 1_000), -score)

    def kind_of(self, element: SchemaElement) -> str:
        return self.graph.kind_of(element)

    def column(self, link: Link, *, want: str | None = None) -> ColumnRef:
        element = self.element(link, want=want)
        if element.column is None:
            raise TranslationError(
                f"{link.text!r} names the table {element.table}, not a column",
                hint=f"name one of its columns: {_columns_hint(self.graph.table(element.table))}",
            )
        return ColumnRef(table=element.table, column=element.column)


_LABEL_WORDS = frozenset({"name", "names", "title", "titles"})
_VAGUE_WORDS = frozenset(
    {"information", "info", "details", "detail", "everything", "data", "attributes"}
)
_FILLERS = frozenset({"in", "of", "by", "the", "a", "an"})
_NEAR = 3
"""How many words either side of a column word may tell which column it is."""
_SHORT_FORMS = {"maximum": "max", "minimum": "min", "average": "avg", "mean": "avg"}


def _short(word: str) -> str:
    """One spelling for a word in questions and column names ('maximum' as ``max``)."""
    word = singular(word)
    return _SHORT_FORMS.get(word, word)


def _names_row(column: Column, table: Table) -> bool:
    """A label column 'name' can ask for: one called a name or title, or one called
    after its own table (``product.product``), which holds what each row is called."""
    words = identifier_words(column.name)
    own = [singular(w) for w in words] == [singular(w) for w in identifier_words(table.name)]
    return own or bool({"name", "title"} & set(words))


def _names_its_table(element: SchemaElement) -> bool:
    """``song_name`` in ``song`` (not ``artist_name``), ``dept_name`` in ``department``."""
    own = [singular(w) for w in identifier_words(element.table)]
    words = [singular(w) for w in identifier_words(element.column or "")[:-1]]
    return bool(words) and all(any(o.startswith(w) for o in own) for w in words)


def _columns_hint(table: Table) -> str:
    return ", ".join(c.name for c in table.columns[:8])
