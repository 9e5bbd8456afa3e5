"""The embedded translator: offline, deterministic rules from English to a :class:`QueryPlan`.

The steps, each in a module named after it; :class:`EmbeddedTranslator` strings them together:

1. **scope** the catalog to ``spec.sources`` (here);
2. **link** words to tables, columns and values (:mod:`~sqlsynth.translate.linking`);
3. **cue** (:mod:`~sqlsynth.translate.cues`): find the English phrases that shape a query
   ("how many", "per", "top 5", "above", "highest first", "not");
4. **read** (:mod:`~sqlsynth.translate.reading`) cues and links left to right into a
   ``Reading``: what is counted, aggregated, grouped, filtered, ordered and limited; then
   apply ``READING_RULES``, which look at the whole question, read unplaced capitalised
   pairs as people's names (:mod:`~sqlsynth.translate.people`), and refuse what is unplaced;
5. **resolve** (:mod:`~sqlsynth.translate.schema_graph`) each link to one element (columns
   of the question's tables first, then the nearest by foreign keys);
6. **plan** (:mod:`~sqlsynth.translate.planning`): grain, measures, filters, order and the
   join tree over foreign keys, compiled by :func:`sqlsynth.plan.compile_plan`. The plan
   shows what the question asks for: a measure it only ranks or orders by ("the most
   orders") orders the rows without being shown, and DISTINCT appears only when asked.

Every rule is about English or relational structure (keys, types), never about particular
names, so it carries over to schemas it has never seen. When a word that matters cannot be
placed, or a join would have to go through a table no word needs (a guessed path), it
raises :class:`TranslationError` naming the words and the nearest schema elements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pydantic

from sqlsynth.catalog import Catalog
from sqlsynth.errors import TranslationError
from sqlsynth.plan import QueryPlan, compile_plan
from sqlsynth.spec import NLSpec
from sqlsynth.translate import Draft
from sqlsynth.translate.cues import ADJECTIVES, Cue, CueKind, Unit, build_units, find_cues
from sqlsynth.translate.labels import (
    names_of_a_name_column,
    read_contained_words,
    read_quoted_labels,
)
from sqlsynth.translate.linking import Match, link_question
from sqlsynth.translate.people import read_person_names
from sqlsynth.translate.planning import Planner
from sqlsynth.translate.reading import READING_RULES, Reader, check_placed
from sqlsynth.translate.schema_graph import SchemaGraph


def scope_catalog(catalog: Catalog, sources: Sequence[str]) -> Catalog:
    """Only the tables ``sources`` names (all tables when it is empty)."""
    if not sources:
        return catalog
    scoped = catalog.subset(tuple(sources))
    missing = sorted(
        {s.lower().split(".")[-1] for s in sources} - {t.name.lower() for t in scoped.tables}
    )
    if missing or not scoped.tables:
        raise TranslationError(
            f"sources {', '.join(missing) or ', '.join(sources)} are not in the catalog",
            hint=f"use tables from: {', '.join(catalog.table_names) or '(empty catalog)'}",
        )
    return scoped


# --- explaining ---------------------------------------------------------------------------


def cue_meaning(cue: Cue) -> str:
    """What a cue contributes to the query, for `explain`."""
    meanings: dict[CueKind, str] = {
        "count": "COUNT",
        "aggregate": cue.arg.upper(),
        "superlative": f"{'highest' if cue.arg == 'max' else 'lowest'}: "
        f"ORDER BY ... {'DESC' if cue.arg == 'max' else 'ASC'} LIMIT, or {cue.arg.upper()}",
        "group": "GROUP BY",
        "by": "GROUP BY (ORDER BY after 'top' or a superlative)",
        "order": "ORDER BY",
        "direction": cue.arg.upper(),
        "limit": "LIMIT" + (f", ORDER BY ... {cue.arg.upper()}" if cue.arg else ""),
        "compare": f"comparison {cue.arg}",
        "contains": "LIKE '%...%'",
        "negation": "NOT",
        "distinct": "DISTINCT",
        "conjunction": "",
        "filler": "",
    }
    return meanings[cue.kind]


def explain_units(units: Sequence[Unit], chosen: dict[tuple[int, int], Match]) -> list[str]:
    """One line per word or phrase the reader used: what it was linked to, or what it cues."""
    lines: list[str] = []
    for unit in units:
        if unit.link is not None:
            match = chosen.get((unit.start, unit.end), unit.link.best)
            lines.append(f"{unit.text!r} → {match.element.label} ({match.how}, {match.score:.2f})")
        elif unit.cue is not None and cue_meaning(unit.cue):
            lines.append(f"{unit.text!r} → {cue_meaning(unit.cue)}")
    return lines


# --- the translator -----------------------------------------------------------------------


def check_cues_used(units: Sequence[Unit], plan: QueryPlan) -> None:
    """Refuse a plan that lost a cue ('average' with no AVG, 'how many' with no count,
    'top' with no limit, 'not' with no negation): it answers another question."""
    cues = [unit.cue for unit in units if unit.cue is not None]
    extremes = {_direction(c.arg) for c in cues if c.kind in ("superlative", "aggregate")}
    extremes &= {"max", "min"}
    shown = {item.aggregate for item in plan.select if item.aggregate is not None}
    if len(extremes) == 2 and not {"max", "min"} <= shown:
        # 'the ages of the oldest and youngest students': both ends, not one row
        raise TranslationError(
            "could not place both the highest and the lowest in the query",
            hint="ask for the maximum and minimum, e.g. 'the maximum and minimum age'",
        )
    asked = [c for c in cues if c.kind == "count" and c.text.lower().startswith("how many")]
    counts = [item for item in plan.select if item.aggregate in ("count", "sum")]
    if len(asked) > max(1, len(counts)) and not plan.group_by:
        # 'how many majors are there and how many city codes': one count per question
        raise TranslationError(
            f"could not place all {len(asked)} counts the question asks for",
            hint="ask for one count at a time",
        )
    traces = _Traces.of(plan)
    for cue in cues:
        if traces.lost(cue):
            raise TranslationError(
                f"could not place {cue.text!r} in the query",
                hint="rephrase, naming what it applies to; `sqlsynth explain` shows the reading",
            )


def _direction(arg: str) -> str:
    """'max' or 'min' for a superlative cue ('oldest' grades up, 'youngest' down)."""
    if arg in ("max", "min"):
        return arg
    adjective = ADJECTIVES.get(arg)
    return "" if adjective is None else ("max" if adjective.more else "min")


@dataclass(frozen=True)
class _Traces:
    """What a plan does anywhere in it, subqueries included, to match cues against."""

    functions: set[str]
    ordered: bool
    limited: bool
    negated: bool

    @classmethod
    def of(cls, plan: QueryPlan) -> _Traces:
        dumped = plan.model_dump()
        # 'not returned' may read as returned = FALSE, 'not over 5' as <= 5
        negated = _NEGATIONS & _collect(dumped, "op") or "False" in _collect(dumped, "value")
        return cls(
            functions=_collect(dumped, "aggregate"),
            ordered=bool(_collect(dumped, "order_by")),
            limited=plan.limit is not None,
            negated=bool(negated) or plan.set_operation is not None,
        )

    def lost(self, cue: Cue) -> bool:
        """Whether the plan shows no trace of ``cue``."""
        match cue.kind:
            case "aggregate" if cue.arg == "avg":
                return "avg" not in self.functions
            case "aggregate" if cue.arg == "sum":
                return not {"sum", "count"} & self.functions
            case "count" if not cue.text.lower().startswith("number"):  # 'phone number'
                return not {"sum", "count"} & self.functions
            case "superlative":
                return not self.ordered and not {"max", "min"} & self.functions
            case "order":
                return not self.ordered
            case "limit":
                return not self.limited
            case "negation":
                return not self.negated
        return False


_NEGATIONS = frozenset({"!=", "not in", "not like", "is null", "<", "<=", ">", ">="})


def _collect(node: object, key: str) -> set[str]:
    """Every value of ``key`` in a dumped plan, subqueries included."""
    if isinstance(node, dict):
        found = {str(node[key])} if node.get(key) not in (None, "", (), []) else set()
        return found.union(*(_collect(v, key) for v in node.values()))
    if isinstance(node, list | tuple):
        return set().union(*(_collect(v, key) for v in node))
    return set()


class EmbeddedTranslator:
    """Offline, deterministic English-to-SQL rules; refuses instead of guessing."""

    name = "embedded"
    version = "0.1.0"

    def translate(
        self, spec: NLSpec, catalog: Catalog, *, dialect: str, feedback: tuple[str, ...] = ()
    ) -> Draft:
        """Return SQL for ``spec``; ``feedback`` is ignored (these rules do not learn)."""
        del feedback
        scoped = scope_catalog(catalog, spec.sources)
        linking = link_question(spec.prompt, scoped)
        units = build_units(linking, find_cues(linking.tokens))
        graph = SchemaGraph(scoped)
        reading = Reader(units, linking.tokens, graph.kind_of, spec.prompt).read()
        for rule in READING_RULES:
            reading = rule(reading)
        reading = names_of_a_name_column(reading, graph)
        reading = read_person_names(reading, graph)
        reading = read_quoted_labels(reading, graph)
        reading = read_contained_words(reading, graph, linking.links)
        check_placed(reading, linking, scoped)
        planner = Planner(reading, graph)
        try:
            plan = planner.plan()
        except pydantic.ValidationError as exc:  # a rule combination the plan model rejects
            raise TranslationError(
                f"could not build a consistent query: {exc.errors()[0]['msg']}",
                hint="rephrase the question; `sqlsynth explain` shows how it was read",
            ) from exc
        check_cues_used(units, plan)
        explanation = (
            *explain_units(units, planner.resolver.chosen),
            *reading.notes,
            *planner.parts.notes,
        )
        return Draft(
            sql=compile_plan(plan, dialect),
            dialect=dialect,
            translator=self.name,
            translator_version=self.version,
            plan=plan,
            explanation=tuple(dict.fromkeys(explanation)),
        )
