"""Counting rows through a link table: 'the number of projects each scientist works on'.

A plan that joins ``scientists → assigned_to → projects`` only to count the projects'
keys counts what the link table already holds: one ``assigned_to`` row per project of a
scientist. Within groups of the link's other side, counting the link rows (``COUNT(*)``)
without joining ``projects`` asks the database the same question more simply, and does
not drop links whose project row is missing, so the plan is rewritten to that.
"""

from __future__ import annotations

from sqlsynth.plan import AnyOf, ColumnRef, Filter, Join, QueryPlan, SelectItem
from sqlsynth.translate.schema_graph import SchemaGraph


def count_link_rows(plan: QueryPlan, graph: SchemaGraph) -> QueryPlan:
    """``plan`` counting link rows instead of the keys of a table joined only to be counted."""
    counted = _distinct_key_counts(plan)
    if len(counted) != 1 or not plan.group_by:  # ungrouped, a link row per pair repeats keys
        return plan
    (table,) = counted
    joined_to = _neighbours(plan, table)
    if len(joined_to) != 1 or _read_elsewhere(plan, table):
        return plan
    (link,) = joined_to
    if not graph.is_link_table(link):
        return plan
    if table.lower() == plan.from_table.lower():
        joins = tuple(j for j in plan.joins if j.table.lower() != link.lower())
        from_table = next(j.table for j in plan.joins if j.table.lower() == link.lower())
    else:
        joins = tuple(j for j in plan.joins if j.table.lower() != table.lower())
        from_table = plan.from_table
    if any(_touches(j, table) for j in joins):
        return plan

    def recount(item: SelectItem) -> SelectItem:
        if item.aggregate == "count" and item.distinct and _table(item) == table.lower():
            return SelectItem(aggregate="count", alias=item.alias)
        return item

    return plan.model_copy(
        update={
            "from_table": from_table,
            "joins": joins,
            "select": tuple(recount(s) for s in plan.select),
            "order_by": tuple(
                o.model_copy(update={"item": recount(o.item)}) for o in plan.order_by
            ),
            "having": tuple(h.model_copy(update={"item": recount(h.item)}) for h in plan.having),
        }
    )


def count_joined_rows(plan: QueryPlan) -> QueryPlan:
    """'the genre most frequent across all tracks': grouped by the genre's own columns,
    counting distinct genre keys gives one per group; the rows that vary are the joined
    tracks, so the groups count rows (``COUNT(*)``)."""
    if not plan.group_by or not plan.joins:
        return plan
    grouped = {c.table.lower() for c in plan.group_by}

    def recount(item: SelectItem) -> SelectItem:
        column = item.column
        if item.aggregate != "count" or not item.distinct or column is None:
            return item
        if column in plan.group_by or grouped == {column.table.lower()}:
            return SelectItem(aggregate="count", alias=item.alias)
        return item

    return plan.model_copy(
        update={
            "select": tuple(recount(s) for s in plan.select),
            "order_by": tuple(
                o.model_copy(update={"item": recount(o.item)}) for o in plan.order_by
            ),
            "having": tuple(h.model_copy(update={"item": recount(h.item)}) for h in plan.having),
        }
    )


def _table(item: SelectItem) -> str:
    return item.column.table.lower() if item.column is not None else ""


def _distinct_key_counts(plan: QueryPlan) -> set[str]:
    items = [*plan.select, *(o.item for o in plan.order_by), *(h.item for h in plan.having)]
    return {_table(i) for i in items if i.aggregate == "count" and i.distinct and i.column}


def _touches(join: Join, table: str) -> bool:
    return any(
        ref.table.lower() == table.lower() for key in join.on for ref in (key.left, key.right)
    )


def _neighbours(plan: QueryPlan, table: str) -> set[str]:
    """The tables a join connects directly to ``table``."""
    found: set[str] = set()
    for join in plan.joins:
        tables = {ref.table.lower() for key in join.on for ref in (key.left, key.right)}
        tables.add(join.table.lower())
        if table.lower() in tables:
            found |= tables - {table.lower()}
    return found


def _read_elsewhere(plan: QueryPlan, table: str) -> bool:
    """Whether the plan reads ``table`` for anything but the counted key."""
    items = [*plan.select, *(o.item for o in plan.order_by), *(h.item for h in plan.having)]
    columns = [i.column for i in items if i.column is not None and not i.distinct]
    columns += list(plan.group_by)
    columns += [c for f in plan.filters for c in _filter_columns(f)]
    return any(c.table.lower() == table.lower() for c in columns) or bool(plan.set_operation)


def _filter_columns(condition: Filter) -> list[ColumnRef]:
    predicates = condition.any_of if isinstance(condition, AnyOf) else (condition,)
    return [p.column for p in predicates]
