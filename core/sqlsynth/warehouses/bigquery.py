"""BigQuery through ``google-cloud-bigquery``.

The URL is ``bigquery://PROJECT/DATASET``: queries run with ``DATASET`` as their default
dataset, so SQL names its tables bare. Query parameters: ``location`` (e.g. ``EU``),
``timeout`` (seconds a query may take, default 300), ``retry_timeout`` (seconds API calls are
retried, default 30) and ``api_endpoint`` (an emulator; ``BIGQUERY_EMULATOR_HOST`` does the
same). Credentials are Google's application default credentials
(``GOOGLE_APPLICATION_CREDENTIALS`` or ``gcloud auth application-default login``); an
emulator gets anonymous ones, so nothing asks Google for a token.

>>> BigQueryURL.parse("bigquery://acme-analytics/shop?location=EU").dataset
'shop'

The catalog comes from the client API (``list_tables``, ``get_table``): schema, descriptions
and the primary and foreign keys BigQuery keeps as unenforced table constraints.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from sqlsynth.catalog import Catalog, Column, ForeignKey, Table
from sqlsynth.errors import ConfigError
from sqlsynth.warehouse import (
    QueryResult,
    missing_client_error,
    redact_url,
    text_samples,
    warehouse_error,
)

_STANDARD_TYPES = {"INTEGER": "INT64", "FLOAT": "FLOAT64", "BOOLEAN": "BOOL", "RECORD": "STRUCT"}
"""The API reports legacy type names; the catalog uses the GoogleSQL ones the SQL is in."""

_CREDENTIALS_HINT = (
    "set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run "
    "`gcloud auth application-default login`"
)


@dataclass(frozen=True)
class BigQueryURL:
    project: str
    dataset: str
    location: str | None = None
    api_endpoint: str | None = None
    timeout: float = 300.0
    retry_timeout: float = 30.0

    @classmethod
    def parse(cls, url: str) -> BigQueryURL:
        parts = urlsplit(url)
        path = [p for p in parts.path.split("/") if p]
        query = dict(parse_qsl(parts.query))
        known = {"location", "api_endpoint", "timeout", "retry_timeout"}
        unknown = sorted(query.keys() - known)
        if not parts.netloc or len(path) != 1 or unknown:
            raise ConfigError(
                f"not a BigQuery URL sqlsynth understands: {redact_url(url)}"
                + (f" (unknown parameter {unknown[0]!r})" if unknown else ""),
                hint="use bigquery://PROJECT/DATASET, optionally with ?location=EU&timeout=300",
            )
        endpoint = query.get("api_endpoint") or os.environ.get("BIGQUERY_EMULATOR_HOST")
        if endpoint and "://" not in endpoint:
            endpoint = f"http://{endpoint}"
        return cls(
            project=parts.netloc,
            dataset=path[0],
            location=query.get("location"),
            api_endpoint=endpoint,
            timeout=_seconds(url, query, "timeout", 300.0),
            retry_timeout=_seconds(url, query, "retry_timeout", 30.0),
        )


def _seconds(url: str, query: dict[str, str], name: str, default: float) -> float:
    """The query parameter ``name`` as a positive, finite number of seconds."""
    if name not in query:
        return default
    try:
        seconds = float(query[name])
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise ConfigError(
            f"{name}={query[name]} is not a number of seconds above 0 in {redact_url(url)}",
            hint=f"use bigquery://PROJECT/DATASET?{name}=SECONDS, e.g. {name}=30",
        )
    return seconds


def _field_type(field: Any) -> str:
    if field.field_type in ("RECORD", "STRUCT"):
        inner = ", ".join(f"{f.name} {_field_type(f)}" for f in field.fields)
        kind = f"STRUCT<{inner}>"
    else:
        kind = _STANDARD_TYPES.get(field.field_type, field.field_type)
        if field.precision is not None:
            kind += f"({field.precision}" + (f", {field.scale})" if field.scale else ")")
    return f"ARRAY<{kind}>" if field.mode == "REPEATED" else kind


def _quote(name: str) -> str:
    return "`" + name.replace("`", "\\`") + "`"


class BigQueryWarehouse:
    """One BigQuery dataset."""

    dialect = "bigquery"

    def __init__(self, url: str) -> None:
        self.url = url
        self.target = BigQueryURL.parse(url)

    @contextmanager
    def _client(self) -> Iterator[Any]:
        try:
            from google.api_core import exceptions as api_errors
            from google.auth import exceptions as auth_errors
            from google.cloud import bigquery
        except ModuleNotFoundError as exc:
            raise missing_client_error(self.url, exc.name or "google", "bigquery") from exc
        try:
            client = bigquery.Client(
                project=self.target.project,
                location=self.target.location,
                **self._credentials(),
            )
        except auth_errors.GoogleAuthError as exc:
            raise warehouse_error(self.url, exc, hint=_CREDENTIALS_HINT) from exc
        try:
            yield client
        except auth_errors.GoogleAuthError as exc:
            raise warehouse_error(self.url, exc, hint=_CREDENTIALS_HINT) from exc
        except api_errors.RetryError as exc:
            cause = exc.cause or exc
            raise warehouse_error(
                self.url,
                RuntimeError(f"no answer within {self.target.retry_timeout:g} s ({cause})"),
                hint="check that BigQuery (or the api_endpoint) is reachable from here",
            ) from exc
        except (api_errors.Unauthorized, api_errors.Forbidden) as exc:
            raise warehouse_error(self.url, exc, hint=_CREDENTIALS_HINT) from exc
        except (api_errors.GoogleAPIError, TimeoutError) as exc:
            raise warehouse_error(
                self.url,
                exc,
                hint="BigQuery refused the request: check the project, dataset and SQL",
            ) from exc
        finally:
            client.close()  # type: ignore[no-untyped-call]

    def _credentials(self) -> dict[str, Any]:
        if self.target.api_endpoint is None:
            return {}  # the client finds application default credentials itself
        from google.api_core.client_options import ClientOptions
        from google.auth.credentials import AnonymousCredentials

        return {
            "credentials": AnonymousCredentials(),  # type: ignore[no-untyped-call]
            "client_options": ClientOptions(api_endpoint=self.target.api_endpoint),
        }

    def _calls(self) -> dict[str, Any]:
        """Retry and timeout arguments for every API call: never the client's 10 minutes."""
        from google.cloud import bigquery

        return {
            "retry": bigquery.DEFAULT_RETRY.with_timeout(self.target.retry_timeout),
            "timeout": self.target.retry_timeout,
        }

    def _run(self, client: Any, sql: str) -> Any:
        """The rows of ``sql`` as a RowIterator (``schema``, ``total_rows``)."""
        from google.cloud import bigquery

        config = bigquery.QueryJobConfig(
            default_dataset=f"{self.target.project}.{self.target.dataset}"
        )
        job = client.query(sql, job_config=config, job_retry=None, **self._calls())
        try:
            return job.result(timeout=self.target.timeout, retry=self._calls()["retry"])
        except BaseException:
            # A job we stop waiting for keeps running, and billing, until it is cancelled.
            with contextlib.suppress(Exception):
                job.cancel(**self._calls())
            raise

    def catalog(self) -> Catalog:
        dataset = f"{self.target.project}.{self.target.dataset}"
        with self._client() as client:
            tables = []
            for item in client.list_tables(dataset, **self._calls()):
                table = client.get_table(item.reference, **self._calls())
                text = [
                    f.name
                    for f in table.schema
                    if f.field_type == "STRING" and f.mode != "REPEATED"
                ]
                samples = text_samples(
                    lambda sql: [tuple(row.values()) for row in self._run(client, sql)],
                    f"{_quote(self.target.dataset)}.{_quote(table.table_id)}",
                    text,
                    _quote,
                )
                tables.append(_table(table, self.target.dataset, samples))
        return Catalog(dialect="bigquery", tables=tuple(sorted(tables, key=lambda t: t.name)))

    def query(self, sql: str, *, max_rows: int) -> QueryResult:
        with self._client() as client:
            rows = self._run(client, sql)
            first = [tuple(row.values()) for row in itertools.islice(rows, max_rows)]
            total = rows.total_rows if rows.total_rows is not None else len(first)
            return QueryResult(
                columns=tuple(f.name for f in rows.schema or ()),
                rows=tuple(first),
                row_count=total,
            )


def _table(table: Any, dataset: str, samples: dict[str, tuple[str, ...]]) -> Table:
    constraints = table.table_constraints
    primary = constraints.primary_key if constraints else None
    return Table(
        name=table.table_id,
        db_schema=dataset,
        description=table.description or None,
        columns=tuple(
            Column(
                name=field.name,
                type=_field_type(field),
                description=field.description or None,
                nullable=field.mode != "REQUIRED",
                samples=samples.get(field.name, ()),
            )
            for field in table.schema
        ),
        primary_key=tuple(primary.columns) if primary else (),
        foreign_keys=tuple(
            ForeignKey(
                columns=tuple(ref.referencing_column for ref in fk.column_references),
                ref_table=fk.referenced_table.table_id,
                ref_columns=tuple(ref.referenced_column for ref in fk.column_references),
            )
            for fk in (constraints.foreign_keys or [] if constraints else [])
        ),
    )
