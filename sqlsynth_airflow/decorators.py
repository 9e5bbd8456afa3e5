"""``@task.nl_sql``: the decorated function returns the prompt; its other arguments go to
:class:`~sqlsynth_airflow.operators.NLSQLOperator`.

>>> # from airflow.sdk import task
>>> # @task.nl_sql(conn_id="shop", sources=["orders"])
>>> # def revenue_by_status():
>>> #     return "Total amount of orders for each status"
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from airflow.providers.common.compat.sdk import (
    DecoratedOperator,
    context_merge,
    determine_kwargs,
    task_decorator_factory,
)

from sqlsynth_airflow.operators import NLSQLOperator

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context, TaskDecorator

_PROMPT_FROM_CALLABLE = "(returned by the decorated function)"


class _NLSQLDecoratedOperator(DecoratedOperator, NLSQLOperator):
    template_fields: Sequence[str] = (
        *DecoratedOperator.template_fields,
        *NLSQLOperator.template_fields,
    )
    template_fields_renderers: ClassVar[dict[str, str]] = {
        **DecoratedOperator.template_fields_renderers,
        **NLSQLOperator.template_fields_renderers,
    }
    custom_operator_name: str = "@task.nl_sql"
    overwrite_rtif_after_execution: bool = True

    def __init__(
        self,
        *,
        python_callable: Callable[..., Any],
        op_args: Collection[Any] | None = None,
        op_kwargs: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("name", python_callable.__name__)
        super().__init__(
            python_callable=python_callable,
            op_args=op_args,
            op_kwargs=op_kwargs,
            prompt=_PROMPT_FROM_CALLABLE,
            **kwargs,
        )

    @property
    def xcom_push(self) -> bool:
        return bool(self.do_xcom_push)

    @xcom_push.setter
    def xcom_push(self, value: bool) -> None:
        self.do_xcom_push = value

    def execute(self, context: Context) -> Any:
        context_merge(context, self.op_kwargs)
        kwargs = determine_kwargs(self.python_callable, self.op_args, context)
        prompt = self.python_callable(*self.op_args, **kwargs)
        if not isinstance(prompt, str) or not prompt.strip():
            raise TypeError(
                f"@task.nl_sql function {self.python_callable.__name__} must return the prompt"
                f" as a non-empty string, not {prompt!r}"
            )
        self.prompt = prompt
        self.render_template_fields(context)
        return NLSQLOperator.execute(self, context)


def nl_sql_task(python_callable: Callable[..., Any] | None = None, **kwargs: Any) -> TaskDecorator:
    """Wrap a function returning a prompt into an :class:`NLSQLOperator` task."""
    decorator: TaskDecorator = task_decorator_factory(
        python_callable=python_callable,
        decorated_operator_class=_NLSQLDecoratedOperator,
        **kwargs,
    )
    return decorator
