"""sqlsynth's Airflow provider: ``NLSQLOperator``, ``@task.nl_sql`` and the ``sqlsynth``
connection type for LLM endpoints.

``from sqlsynth_airflow import NLSQLOperator`` loads the operator module on first use only, so
importing the package (which Airflow's provider discovery does) costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlsynth_airflow.operators import NLSQLOperator

__all__ = ["NLSQLOperator"]


def __getattr__(name: str) -> Any:
    if name == "NLSQLOperator":
        from sqlsynth_airflow.operators import NLSQLOperator

        return NLSQLOperator
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
