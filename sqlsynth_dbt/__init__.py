"""sqlsynth for dbt: generate reviewed models from English prompts inside a dbt project.

Three entry points, one pipeline (:mod:`sqlsynth_dbt.pipeline`, on top of the core's):

* the dbt package in this folder (``dbt_project.yml``, ``macros/``): ``dbt run-operation
  nl_model`` gathers the schema inside dbt and calls :mod:`sqlsynth_dbt.bridge` through the
  plugin module :mod:`dbt_sqlsynth`; ``sqlsynth.query_comment`` tags statements with spec hashes;
* ``sqlsynth dbt generate/approve`` (:mod:`sqlsynth_dbt.cli`), through dbt's programmatic
  runner (:mod:`sqlsynth_dbt.runner`), no plugin needed;
* ``sqlsynth check`` in a dbt project, which checks every generated model.

Importing this package imports nothing; each module loads what it needs.
"""
