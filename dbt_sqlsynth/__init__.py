"""The dbt plugin that lets the ``nl_model`` macro call sqlsynth: ``modules.sqlsynth`` in Jinja.

dbt imports every top-level module whose name starts with ``dbt_`` before it parses a project
(``dbt.plugins.manager``); importing this one is all it takes. dbt offers plugins no hook into
the Jinja context, so the module wraps ``dbt.context.base.get_context_modules``, which builds
the ``modules`` variable each time a context is made, to add one key.

Two rules, because a failing ``dbt_*`` module breaks every dbt command: importing this module
imports nothing (dbt has already loaded the module it wraps; anyone else importing it changes
nothing), and it never raises. sqlsynth itself is imported only when a macro calls it, and an
import failure there becomes a result the macro turns into a clear compilation error.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any

_INSTALL_HINT = "reinstall it where dbt runs: pip install 'sqlsynth[dbt]'"


class SqlsynthModule:
    """What macros see as ``modules.sqlsynth``: calls into :mod:`sqlsynth_dbt.bridge`."""

    def nl_model(self, request: Any, context: Any) -> dict[str, Any]:
        """Generate one model; returns ``{"ok", "lines", "error"}`` for the macro to report."""
        try:
            from sqlsynth_dbt import bridge
        except Exception as exc:  # a broken install must not crash dbt
            return {
                "ok": False,
                "lines": [],
                "error": f"sqlsynth could not be imported ({type(exc).__name__}: {exc}); "
                f"{_INSTALL_HINT}",
            }
        return bridge.nl_model(request, context)


def _with_sqlsynth(get_context_modules: Any) -> Any:
    def get_context_modules_with_sqlsynth() -> Any:
        modules = get_context_modules()
        modules["sqlsynth"] = SqlsynthModule()
        return modules

    get_context_modules_with_sqlsynth.sqlsynth_wrapped = True  # type: ignore[attr-defined]
    return get_context_modules_with_sqlsynth


def _install() -> None:
    base = sys.modules.get("dbt.context.base")
    current = getattr(base, "get_context_modules", None)
    if current is None or getattr(current, "sqlsynth_wrapped", False):
        return
    base.get_context_modules = _with_sqlsynth(current)  # type: ignore[union-attr]


# An unknown dbt version must still start; the macro then says the plugin is missing.
with contextlib.suppress(Exception):
    _install()
