"""dbt renders model files and YAML as Jinja: keep sqlsynth's text literal, except ref()/source().

A prompt such as ``count orders {{ env_var('SECRET') }}`` must reach the manifest, the SQL
header and the warehouse exactly as written, never rendered. :func:`raw` wraps text so that
Jinja renders it to itself; :func:`literal` does so only when the text holds a Jinja delimiter;
:func:`read_literal` is their inverse. :func:`to_dbt_sql` turns validated SQL over catalog names
into a dbt model that reads through ``ref()``/``source()``, and :func:`to_plain_sql` turns such
a model back into SQL the validator can check, refusing any other Jinja.

>>> raw("count {{ x }}")
'{% raw %}count {{ x }}{% endraw %}'
>>> read_literal(raw("a {% endraw %} b"))
'a {% endraw %} b'
>>> literal("Number of orders per status")
'Number of orders per status'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlsynth.errors import ValidationError

_DELIMITER = re.compile(r"\{[{%#]")
_RAW_START = re.compile(r"\{%\s*raw\s*%\}")
_RAW_END = re.compile(r"\{%[-+]?\s*endraw\s*[-+]?%\}")
_STRING_EXPRESSION = re.compile(r"\{\{\s*'([^'\\]*)'\s*\}\}")
_RELATION_CALL = re.compile(r"\{\{\s*(ref|source)\s*\(([^(){}]*)\)\s*\}\}")
_CALL_ARGUMENT = re.compile(r"\s*(?:'([^'\\]*)'|\"([^\"\\]*)\")\s*(?:,|$)")
_PLACEHOLDER = re.compile(r"(__sqlsynth_relation_\d+__)")


@dataclass(frozen=True)
class RelationCall:
    """A ``ref()`` or ``source()`` call in a model, e.g. ``ref('stg_orders')``.

    >>> RelationCall("source", ("shop", "raw_orders")).jinja
    "{{ source('shop', 'raw_orders') }}"
    """

    function: str
    args: tuple[str, ...]

    @property
    def jinja(self) -> str:
        quoted = ", ".join(f"'{arg}'" for arg in self.args)
        return f"{{{{ {self.function}({quoted}) }}}}"

    @property
    def name(self) -> str:
        """The relation's own name: the model, seed or source table."""
        return self.args[-1]


class JinjaError(ValueError):
    """Text holds Jinja that sqlsynth does not write and will not pass on to dbt."""


def raw(text: str) -> str:
    """``text`` as Jinja that renders to exactly ``text``, even when it holds ``{% endraw %}``."""
    body = _RAW_END.sub(lambda m: "{% endraw %}{{ '" + m.group(0) + "' }}{% raw %}", text)
    return "{% raw %}" + body + "{% endraw %}"


def literal(text: str) -> str:
    """``text`` unchanged when dbt would render it unchanged, else wrapped by :func:`raw`."""
    return raw(text) if _DELIMITER.search(text) or text.endswith("{") else text


def _relation_call(function: str, arguments: str) -> RelationCall | None:
    args = []
    position = 0
    while position < len(arguments):
        match = _CALL_ARGUMENT.match(arguments, position)
        if match is None or match.end() == position:
            return None
        args.append(match.group(1) if match.group(1) is not None else match.group(2))
        position = match.end()
    expected = (1, 2) if function == "ref" else (2,)
    return RelationCall(function, tuple(args)) if len(args) in expected else None


def parse_template(text: str) -> list[str | RelationCall]:
    """Split model text into literal text and ``ref()``/``source()`` calls.

    Raises :class:`JinjaError` for any other Jinja (``{{ run_query(..) }}``, ``{% do %}``),
    which a reviewed, read-only model has no use for.

    >>> parse_template("SELECT 1 FROM {{ ref('orders') }} AS o")
    ['SELECT 1 FROM ', RelationCall(function='ref', args=('orders',)), ' AS o']
    """
    pieces: list[str | RelationCall] = []
    position = 0
    while (start := _DELIMITER.search(text, position)) is not None:
        pieces.append(text[position : start.start()])
        if block := _RAW_START.match(text, start.start()):
            end = _RAW_END.search(text, block.end())
            if end is None:
                raise JinjaError("a {% raw %} block is never closed")
            pieces.append(text[block.end() : end.start()])
            position = end.end()
        elif string := _STRING_EXPRESSION.match(text, start.start()):
            pieces.append(string.group(1))
            position = string.end()
        elif (call := _RELATION_CALL.match(text, start.start())) and (
            relation := _relation_call(call.group(1), call.group(2))
        ):
            pieces.append(relation)
            position = call.end()
        else:
            snippet = text[start.start() : start.start() + 40].split("\n")[0]
            raise JinjaError(f"Jinja other than ref() and source(): `{snippet}`")
    pieces.append(text[position:])
    merged: list[str | RelationCall] = []
    for piece in pieces:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] += piece
        elif piece != "":
            merged.append(piece)
    return merged


def read_literal(text: str) -> str:
    """What dbt renders ``text`` to, for text written by :func:`raw` or :func:`literal`."""
    pieces = parse_template(text)
    calls = [p for p in pieces if isinstance(p, RelationCall)]
    if calls:
        raise JinjaError(f"`{calls[0].jinja}` where plain text was expected")
    return "".join(p for p in pieces if isinstance(p, str))


def to_dbt_sql(sql: str, calls: Mapping[str, RelationCall], *, dialect: str) -> str:
    """Validated SQL over catalog names → a dbt model reading through ``ref()``/``source()``.

    ``calls`` maps lower-case catalog table names to their relation call. Each table keeps
    its name as an alias, so qualified columns (``stg_orders.status``) still resolve.

    >>> to_dbt_sql("SELECT status FROM stg_orders", {"stg_orders": RelationCall("ref",
    ...     ("stg_orders",))}, dialect="duckdb")
    "SELECT\\n  status\\nFROM {{ ref('stg_orders') }} AS stg_orders"
    """
    import sqlglot
    from sqlglot import exp

    from sqlsynth.validate import read_tables

    tree = sqlglot.parse_one(sql, read=dialect)
    replacements: dict[str, str] = {}
    for index, table in enumerate(read_tables(tree)):
        call = calls.get(table.name.lower())
        if call is None:
            continue
        placeholder = f"__sqlsynth_relation_{index}__"
        if not table.alias:
            table.set("alias", exp.TableAlias(this=exp.to_identifier(table.name)))
        table.set("this", exp.to_identifier(placeholder))
        table.set("db", None)
        table.set("catalog", None)
        replacements[placeholder] = call.jinja
    text = tree.sql(dialect=dialect, pretty=True)
    return "".join(replacements.get(part) or literal(part) for part in _PLACEHOLDER.split(text))


def to_plain_sql(text: str, name_of: Callable[[RelationCall], str], *, where: str) -> str:
    """A dbt model's SQL with each ``ref()``/``source()`` replaced by its catalog name.

    Raises :class:`~sqlsynth.errors.ValidationError` naming ``where`` for any other Jinja.
    """
    try:
        pieces = parse_template(text)
    except JinjaError as exc:
        raise ValidationError(
            f"{where}: {exc}",
            hint="a generated model may only use ref() and source(); move other logic into "
            "a hand-written model",
        ) from exc
    return "".join(p if isinstance(p, str) else name_of(p) for p in pieces)
