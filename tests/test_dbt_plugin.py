"""The dbt plugin module: found by dbt, cheap to import, never raising, adding modules.sqlsynth."""

from __future__ import annotations

import json
import subprocess
import sys


def python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return result.stdout.strip()


def test_dbt_discovers_the_plugin_in_this_install() -> None:
    found = python(
        "from dbt.plugins.manager import PluginManager; "
        "print('dbt_sqlsynth' in PluginManager.get_prefixed_modules())"
    )
    assert found == "True"


def test_importing_the_plugin_imports_nothing_outside_the_standard_library() -> None:
    loaded = json.loads(
        python(
            "import sys, json; before = set(sys.modules); import dbt_sqlsynth; "
            "print(json.dumps(sorted(set(sys.modules) - before)))"
        )
    )
    outside = [m for m in loaded if m.split(".")[0] not in sys.stdlib_module_names]
    assert outside == ["dbt_sqlsynth"]


def test_the_plugin_adds_sqlsynth_to_dbt_jinja_modules_and_keeps_dbt_s_own() -> None:
    keys = python(
        "import dbt.context.base as base, dbt_sqlsynth; "
        "print(' '.join(sorted(base.get_context_modules())))"
    ).split()
    assert "sqlsynth" in keys
    assert {"datetime", "pytz", "re"} <= set(keys)


def test_the_plugin_never_raises_on_a_dbt_it_does_not_know() -> None:
    output = python(
        "import sys, types; sys.modules['dbt.context.base'] = types.ModuleType('x'); "
        "sys.modules['dbt.context.base'].get_context_modules = 'not callable'; "
        "import dbt_sqlsynth; print('imported')"
    )
    assert output == "imported"


def test_importing_the_plugin_again_does_not_wrap_dbt_twice() -> None:
    same = python(
        "import importlib, dbt.context.base as base, dbt_sqlsynth; "
        "wrapped = base.get_context_modules; importlib.reload(dbt_sqlsynth); "
        "print(base.get_context_modules is wrapped)"
    )
    assert same == "True"
