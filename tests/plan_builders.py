"""Short builders for query plans over the demo shop, shared by the plan and dialect tests."""

from __future__ import annotations

from typing import Any

from sqlsynth.plan import ColumnRef, Join, JoinKey, SelectItem


def col(table: str, column: str) -> ColumnRef:
    return ColumnRef(table=table, column=column)


def item(table: str, column: str, aggregate: Any = None, **kwargs: Any) -> SelectItem:
    return SelectItem(column=col(table, column), aggregate=aggregate, **kwargs)


ORDERS_OF_CUSTOMER = Join(
    table="orders",
    on=(JoinKey(left=col("orders", "customer_id"), right=col("customers", "customer_id")),),
)
