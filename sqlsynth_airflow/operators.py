"""``NLSQLOperator``: run the reviewed SQL of a natural-language spec through any SQL connection.

Thin by design, like common-sql's operators: the core decides which SQL is right (reviewed
from the project's lock, or generated and validated at run time), the connection's own
``DbApiHook`` runs it, and this operator only wires the two together and reports XCom, an audit
record and OpenLineage facets.

Importing this module costs about what importing ``SQLExecuteQueryOperator`` costs (see
``bench/bench_airflow_import.py``): the core, pydantic models, sqlglot and OpenLineage load
inside ``execute`` and the lineage methods, because Airflow re-parses DAG files every 30 s.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Literal, NoReturn, get_args

from airflow.providers.common.compat.sdk import AirflowException, AirflowFailException
from airflow.providers.common.compat.version_compat import AIRFLOW_V_3_1_PLUS, AIRFLOW_V_3_3_PLUS
from airflow.providers.common.sql.operators.sql import BaseSQLOperator

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context
    from airflow.providers.openlineage.extractors import OperatorLineage
    from airflow.sdk.execution_time.hitl import HITLUser

    from sqlsynth.audit import AuditEvent
    from sqlsynth.config import Project
    from sqlsynth.errors import SqlsynthError
    from sqlsynth.spec import NLSpec
    from sqlsynth.translate import Translator
    from sqlsynth_airflow.execution import RunOutcome, TaskAudit
    from sqlsynth_airflow.openlineage import RanSQL
    from sqlsynth_airflow.resolve import ResolvedSQL

Mode = Literal["reviewed", "generate"]
WriteMode = Literal["create", "replace", "append"]
MODES: tuple[Mode, ...] = get_args(Mode)
WRITE_MODES: tuple[WriteMode, ...] = get_args(WriteMode)
APPROVE, REJECT = "Approve", "Reject"
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class NLSQLOperator(BaseSQLOperator):
    """Run the SQL of a natural-language spec on ``conn_id``.

    ``mode="reviewed"`` (the default) runs only SQL a person approved with ``sqlsynth approve``:
    it reads the spec's SQL from the project's lock and refuses, naming the command to run, when
    it is missing, stale, unapproved or written for another dialect. ``mode="generate"``
    translates and validates at run time, for ad-hoc and development use; its result is marked
    unreviewed in XCom and in the audit log, and ``require_approval=True`` asks a person to
    approve the SQL in Airflow (human-in-the-loop, Airflow 3.1+) before it runs.

    :param conn_id: the SQL connection; its ``DbApiHook`` runs the SQL (templated).
    :param spec: name of a spec in the project's ``specs/`` files (templated).
    :param prompt: the request in words, instead of ``spec`` (templated). In reviewed mode the
        project must hold the same spec (``name``, ``prompt``, ``sources``), approved.
    :param sources: tables the SQL may read, with ``prompt`` (templated).
    :param name: the spec name for ``prompt`` (default: the task id).
    :param mode: ``"reviewed"`` or ``"generate"``.
    :param project_dir: the sqlsynth project (default: env ``SQLSYNTH_PROJECT_DIR``; templated).
    :param translator: translator for generate mode (default: the project's, ``embedded``).
    :param llm_conn_id: a ``sqlsynth`` connection: generate with the ``openai`` translator
        through that endpoint, key and model.
    :param handler: a DB-API cursor handler whose result goes to XCom as ``result`` instead
        of the first rows.
    :param max_rows: rows kept in XCom (default: the project's ``max_rows``).
    :param target_table: write the result into this table instead of returning rows
        (templated); the only way this operator writes.
    :param write_mode: ``"create"`` (CREATE TABLE AS; fails if it exists), ``"replace"``
        (drop, then create) or ``"append"`` (INSERT INTO).
    :param require_approval: generate mode only: wait for a person to approve the SQL.
    :param approval_timeout: how long to wait for that approval.
    :param approval_assigned_users: who may approve (``[{"id": ..., "name": ...}]``).
    """

    template_fields: Sequence[str] = (
        "prompt",
        "spec",
        "conn_id",
        "sources",
        "project_dir",
        "target_table",
        "database",
        "hook_params",
    )
    template_fields_renderers: ClassVar[dict[str, str]] = {"prompt": "md", "hook_params": "json"}
    ui_color = "#d5f0e3"

    def __init__(
        self,
        *,
        conn_id: str,
        spec: str | None = None,
        prompt: str | None = None,
        sources: Sequence[str] | str = (),
        name: str | None = None,
        mode: Mode = "reviewed",
        project_dir: str | None = None,
        translator: str | None = None,
        llm_conn_id: str | None = None,
        handler: Callable[[Any], Any] | None = None,
        max_rows: int | None = None,
        target_table: str | None = None,
        write_mode: WriteMode = "create",
        require_approval: bool = False,
        approval_timeout: timedelta | None = None,
        approval_assigned_users: list[HITLUser] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(conn_id=conn_id, **kwargs)
        self.spec = spec
        self.prompt = prompt
        self.sources = sources
        self.name = name
        self.mode = mode
        self.project_dir = project_dir
        self.translator = translator
        self.llm_conn_id = llm_conn_id
        self.handler = handler
        self.max_rows = max_rows
        self.target_table = target_table
        self.write_mode = write_mode
        self.require_approval = require_approval
        self.approval_timeout = approval_timeout
        self.approval_assigned_users = approval_assigned_users
        self._check_arguments()
        self._ran: RanSQL | None = None
        self._project: Project | None = None

    def _check_arguments(self) -> None:
        """Mistakes a DAG author can see at parse time fail the DAG import, with the fix."""
        problems = []
        if (self.spec is None) == (self.prompt is None):
            problems.append("pass exactly one of spec= (a spec name) or prompt= (the request)")
        if self.mode not in MODES:
            problems.append(f"mode must be one of {', '.join(MODES)}, not {self.mode!r}")
        if self.spec is not None and (self.sources or self.name):
            problems.append("sources= and name= go with prompt=; a spec= names its own")
        if self.prompt is not None and not _IDENTIFIER.match(self._spec_name):
            problems.append(f"spec name {self._spec_name!r} is not an identifier: pass name=")
        if self.write_mode not in WRITE_MODES:
            problems.append(f"write_mode must be one of {', '.join(WRITE_MODES)}")
        if self.handler is not None and self.target_table is not None:
            problems.append("handler= reads results and target_table= writes them: pick one")
        if self.max_rows is not None and self.max_rows < 0:
            problems.append("max_rows must be 0 or more")
        if self.mode != "generate" and (
            self.require_approval or self.llm_conn_id or self.translator
        ):
            problems.append(
                "translator=, llm_conn_id= and require_approval= apply to mode='generate';"
                " reviewed mode runs SQL already approved with `sqlsynth approve`"
            )
        if self.require_approval and not AIRFLOW_V_3_1_PLUS:
            problems.append("require_approval needs Airflow 3.1+ (human-in-the-loop)")
        if problems:
            raise ValueError(f"NLSQLOperator {self.task_id!r}: " + "; ".join(problems))

    @property
    def _spec_name(self) -> str:
        return self.spec or self.name or self.task_id.rsplit(".", 1)[-1]

    def execute(self, context: Context) -> dict[str, Any] | None:
        from sqlsynth.errors import SqlsynthError
        from sqlsynth_airflow import execution

        try:
            project = execution.task_project(self.project_dir)
        except SqlsynthError as error:
            raise _task_error(error) from error
        audit = execution.TaskAudit(project, context, mode=self.mode, conn_id=self.conn_id)
        event: AuditEvent = "generate" if self.mode == "generate" else "run"
        try:
            if self.target_table is not None:
                execution.check_table_name(self.target_table)
            resolved = self._resolve(project)
        except SqlsynthError as error:
            audit.refused(event, self._spec_name, error)
            raise _task_error(error) from error
        if not resolved.reviewed:
            audit.record("generate", "ok", spec=resolved.spec.name, resolved=resolved)
            self.log.warning(
                "sqlsynth: running UNREVIEWED SQL that %s generated just now for %s",
                resolved.translator,
                resolved.spec.name,
            )
        if self.require_approval:
            self._request_approval(context, resolved)
        return self._run(project, context, resolved, audit)

    def execute_complete(
        self, context: Context, event: dict[str, Any], resolved: dict[str, Any]
    ) -> dict[str, Any] | None:
        """Resume after a person answered the approval request (human-in-the-loop)."""
        from sqlsynth.errors import SqlsynthError
        from sqlsynth_airflow import execution, resolve

        try:
            project = execution.task_project(self.project_dir)
        except SqlsynthError as error:
            raise _task_error(error) from error
        audit = execution.TaskAudit(project, context, mode=self.mode, conn_id=self.conn_id)
        draft = _resolved_from_kwargs(resolved)
        if event.get("timedout") or event.get("error_type") == "timeout":
            from airflow.providers.standard.exceptions import HITLTimeoutError

            audit.record("approve", "timed-out", spec=draft.spec.name, resolved=draft)
            raise HITLTimeoutError(event)
        if "error" in event:
            from airflow.providers.standard.exceptions import HITLTriggerEventError

            audit.record("approve", "failed", spec=draft.spec.name, resolved=draft)
            raise HITLTriggerEventError(event)
        user = event.get("responded_by_user") or {}
        reviewer = str(user.get("name") or user.get("id") or "unknown")
        if list(event.get("chosen_options") or []) != [APPROVE]:
            from airflow.providers.standard.exceptions import HITLRejectException

            audit.record(
                "approve", "rejected", spec=draft.spec.name, resolved=draft, reviewer=reviewer
            )
            raise HITLRejectException(
                f"{reviewer} rejected the SQL generated for {draft.spec.name}"
            )
        try:
            approved = resolve.revalidated(
                draft,
                catalog=self._catalog(project),
                reviewer=reviewer,
                policy=project.settings.policy,
            )
        except SqlsynthError as error:
            audit.refused("approve", draft.spec.name, error)
            raise _task_error(error) from error
        audit.record(
            "approve",
            "ok",
            spec=draft.spec.name,
            resolved=approved,
            reviewer=reviewer,
            via="airflow",
        )
        return self._run(project, context, approved, audit)

    def _resolve(self, project: Project) -> ResolvedSQL:
        from sqlsynth_airflow import resolve

        spec, inline = self._task_spec(project)
        dialect = self._connection_dialect()
        if self.mode == "reviewed":
            return resolve.reviewed(project, spec, inline=inline, dialect=dialect)
        return resolve.generated(
            spec,
            catalog=self._catalog(project),
            dialect=dialect or spec.dialect or project.dialect,
            translator=self._translator(project),
            max_repairs=project.settings.llm_max_repairs,
            policy=project.settings.policy,
        )

    def _task_spec(self, project: Project) -> tuple[NLSpec, bool]:
        from sqlsynth_airflow import resolve

        if self.spec is not None:
            return resolve.project_spec(project, self.spec), False
        sources = self.sources
        if isinstance(sources, str):  # "orders, customers", e.g. rendered from a template
            sources = [source.strip() for source in sources.split(",") if source.strip()]
        return resolve.inline_spec(self._spec_name, str(self.prompt), sources), True

    def _connection_dialect(self) -> str | None:
        from sqlsynth_airflow.dialects import CONN_TYPE_DIALECTS, dialect_of_connection

        hook = self.get_db_hook()
        conn_type = getattr(hook, "conn_type", None)
        hook_dialect = None
        if conn_type not in CONN_TYPE_DIALECTS:
            try:
                hook_dialect = hook.dialect_name
            except Exception:  # a hook that cannot even build its URI has no dialect to offer
                hook_dialect = None
        return dialect_of_connection(conn_type, hook_dialect=hook_dialect)

    def _catalog(self, project: Project) -> Any:
        from sqlsynth_airflow.resolve import connection_catalog

        return connection_catalog(project, self.get_db_hook().get_uri())

    def _translator(self, project: Project) -> Translator:
        if self.llm_conn_id is not None:
            from sqlsynth_airflow.hooks import SqlsynthHook

            return SqlsynthHook(sqlsynth_conn_id=self.llm_conn_id).get_translator(project)
        from sqlsynth.translate import get_translator

        return get_translator(self.translator or project.settings.translator, project=project)

    def _run(
        self, project: Project, context: Context, resolved: ResolvedSQL, audit: TaskAudit
    ) -> dict[str, Any] | None:
        from sqlsynth_airflow import execution
        from sqlsynth_airflow.openlineage import RanSQL

        hook = self.get_db_hook()
        if self.target_table is not None:
            statements = execution.materialise_statements(
                resolved.sql,
                target_table=self.target_table,
                write_mode=self.write_mode,
                dialect=resolved.dialect,
            )
            query = ";\n".join(statements)
        else:
            query = resolved.sql
        self._project = project
        self._ran = RanSQL(
            query=query,
            select=resolved.sql,
            dialect=resolved.dialect,
            target_table=self.target_table,
        )
        started = time.perf_counter()
        try:
            outcome = self._run_sql(hook, resolved, project)
        except Exception as error:
            audit.record(
                "run",
                "failed",
                spec=resolved.spec.name,
                resolved=resolved,
                error=execution.first_line(error),
                target_table=self.target_table,
            )
            raise
        audit.record(
            "run",
            "ok",
            spec=resolved.spec.name,
            resolved=resolved,
            row_count=outcome.row_count,
            target_table=self.target_table,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
        )
        self._publish_asset_extra(context, resolved)
        if not self.do_xcom_push:
            return None
        return execution.xcom_payload(
            resolved, outcome, mode=self.mode, target_table=self.target_table
        )

    def _run_sql(self, hook: Any, resolved: ResolvedSQL, project: Project) -> RunOutcome:
        from sqlsynth_airflow import execution

        if self.target_table is not None:
            return execution.run_materialise(
                hook,
                resolved.sql,
                target_table=self.target_table,
                write_mode=self.write_mode,
                dialect=resolved.dialect,
            )
        max_rows = self.max_rows if self.max_rows is not None else project.settings.max_rows
        return execution.run_query(hook, resolved.sql, max_rows=max_rows, handler=self.handler)

    def _publish_asset_extra(self, context: Context, resolved: ResolvedSQL) -> None:
        """Asset events from this task say which spec and SQL produced them."""
        outlet_events = context.get("outlet_events")
        if outlet_events is None:
            return
        extra: dict[str, str | bool] = {
            "sqlsynth_spec": resolved.spec.name,
            "spec_hash": resolved.spec_hash,
            "sql_hash": resolved.sql_hash,
            "translator": resolved.translator,
            "reviewed": resolved.reviewed,
        }
        for outlet in self.outlets or ():
            if type(outlet).__name__ in ("Asset", "Dataset"):
                outlet_events[outlet].extra.update(extra)

    def _request_approval(self, context: Context, resolved: ResolvedSQL) -> NoReturn:
        """Ask a person to approve the generated SQL, then wait (the task resumes in
        ``execute_complete``): parked as ``awaiting_input`` on 3.3+, deferred on 3.1-3.2."""
        from airflow.sdk.execution_time.hitl import upsert_hitl_detail

        ti_id = context["task_instance"].id
        upsert_hitl_detail(
            ti_id=ti_id,
            options=[APPROVE, REJECT],
            subject=f"Approve the SQL generated for {resolved.spec.name}?",
            body=self._approval_body(resolved),
            defaults=None,
            multiple=False,
            params={},
            assigned_users=self.approval_assigned_users,
        )
        kwargs = {"resolved": _resolved_to_kwargs(resolved)}
        if AIRFLOW_V_3_3_PLUS:
            from airflow.sdk.exceptions import TaskAwaitingInput

            raise TaskAwaitingInput(
                method_name="execute_complete", kwargs=kwargs, timeout=self.approval_timeout
            )
        from airflow.providers.standard.triggers.hitl import HITLTrigger
        from airflow.sdk.timezone import utcnow

        deadline = utcnow() + self.approval_timeout if self.approval_timeout else None
        self.defer(
            trigger=HITLTrigger(
                ti_id=ti_id,
                options=[APPROVE, REJECT],
                params={},
                defaults=None,
                multiple=False,
                timeout_datetime=deadline,
            ),
            method_name="execute_complete",
            kwargs=kwargs,
        )
        raise AssertionError("defer() returns only by raising")  # pragma: no cover

    def _approval_body(self, resolved: ResolvedSQL) -> str:
        spec = resolved.spec
        writes = f", writing into `{self.target_table}`" if self.target_table else ""
        return (
            f"sqlsynth generated this SQL at run time for **{spec.name}**;"
            " nobody has reviewed it.\n\n"
            f"- prompt: {spec.prompt}\n"
            f"- sources: {', '.join(spec.sources) or '(any table)'}\n"
            f"- translator: {resolved.translator}, dialect {resolved.dialect},"
            f" SQL hash {resolved.sql_hash[:12]}\n\n"
            f"```sql\n{resolved.sql}\n```\n\n"
            f"**Approve** runs it once on `{self.conn_id}`{writes}. To run it on every schedule"
            f" without asking, add the spec to the project and run"
            f" `sqlsynth generate {spec.name} && sqlsynth approve {spec.name}`."
        )

    def get_openlineage_facets_on_start(self) -> OperatorLineage[Any, Any]:
        """Nothing is known before the SQL is resolved; the complete event carries the lineage."""
        from airflow.providers.openlineage.extractors import OperatorLineage

        return OperatorLineage()

    def get_openlineage_facets_on_complete(self, task_instance: Any) -> OperatorLineage[Any, Any]:
        """SQL job facet, input datasets, and the materialised output with column lineage."""
        from airflow.providers.common.compat.openlineage.facet import SQLJobFacet
        from airflow.providers.openlineage.extractors import OperatorLineage

        from sqlsynth.errors import SqlsynthError
        from sqlsynth_airflow.openlineage import dataset_naming, operator_lineage

        if self._ran is None or self._project is None:
            return OperatorLineage()
        hook = self.get_db_hook()
        try:
            return operator_lineage(
                self._ran, naming=dataset_naming(hook), catalog=self._catalog(self._project)
            )
        except SqlsynthError as error:
            self.log.warning("sqlsynth: no column lineage for this run: %s", error.one_line())
            return OperatorLineage(job_facets={"sql": SQLJobFacet(query=self._ran.query)})


def _resolved_to_kwargs(resolved: ResolvedSQL) -> dict[str, Any]:
    """A resolved SQL as plain data, to wait in the metadata DB while a person reviews it."""
    return {
        "spec": resolved.spec.model_dump(mode="json"),
        "sql": resolved.sql,
        "dialect": resolved.dialect,
        "translator": resolved.translator,
    }


def _resolved_from_kwargs(data: dict[str, Any]) -> ResolvedSQL:
    from sqlsynth.artifact import sql_hash
    from sqlsynth.spec import NLSpec, spec_hash
    from sqlsynth_airflow.resolve import ResolvedSQL

    spec = NLSpec.model_validate(data["spec"])
    return ResolvedSQL(
        spec=spec,
        sql=data["sql"],
        dialect=data["dialect"],
        spec_hash=spec_hash(spec),
        sql_hash=sql_hash(data["sql"]),
        translator=data["translator"],
        reviewed=False,
    )


def _task_error(error: SqlsynthError) -> AirflowException:
    """A refusal fails the task without retries (retrying cannot approve SQL); a warehouse or
    catalog that could not be reached may recover, so those keep Airflow's retries."""
    from sqlsynth.errors import AuditError, CatalogError, WarehouseError

    # Multi-line messages (an inline prompt's spec to add) already say what to run next.
    text = error.message if "\n" in error.message else error.one_line()
    if isinstance(error, CatalogError | WarehouseError | AuditError):
        return AirflowException(text)
    return AirflowFailException(text)
