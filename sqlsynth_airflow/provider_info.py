"""What Airflow learns about this provider through the ``apache_airflow_provider`` entry point.

Airflow validates the dict against its provider schema for every provider at once, so one bad
key here would break provider discovery for the whole environment; ``tests/airflow`` checks it
against the real ``ProvidersManager``.
"""

from __future__ import annotations

from typing import Any


def get_provider_info() -> dict[str, Any]:
    return {
        "package-name": "sqlsynth",
        "name": "sqlsynth",
        "description": (
            "Run reviewed SQL written from natural-language specs: NLSQLOperator and"
            " @task.nl_sql resolve a spec's approved SQL from a sqlsynth project and run it"
            " through any common-sql connection, with OpenLineage and an audit record per run."
        ),
        "integrations": [
            {
                "integration-name": "sqlsynth",
                "external-doc-url": "https://pypi.org/project/sqlsynth/",
                "tags": ["software"],
            }
        ],
        "operators": [
            {"integration-name": "sqlsynth", "python-modules": ["sqlsynth_airflow.operators"]}
        ],
        "hooks": [{"integration-name": "sqlsynth", "python-modules": ["sqlsynth_airflow.hooks"]}],
        "connection-types": [
            {
                "connection-type": "sqlsynth",
                "hook-class-name": "sqlsynth_airflow.hooks.SqlsynthHook",
                "hook-name": "sqlsynth LLM translator",
            }
        ],
        "task-decorators": [
            {"name": "nl_sql", "class-name": "sqlsynth_airflow.decorators.nl_sql_task"}
        ],
    }
