{#-
  dbt run-operation nl_model --args '{"name": "orders_per_status", "prompt": "Number of orders per status", "sources": ["stg_orders"]}'

  Gathers the project's schema inside dbt, has sqlsynth translate and validate the prompt, and
  writes models/<path>/<name>.sql (reading through ref()/source()) and <name>.yml (description,
  config.meta.sqlsynth: prompt kept verbatim, spec hash, translator, review state). Prints what
  it wrote; any problem is a compilation error and nothing is written.

  name          the model's name (an identifier)
  prompt        what the model should hold, in English; quote --args as JSON for colons/quotes
  sources       models, seeds (as in ref()) or sources (source_name.table_name) it may read;
                none: any relation in the project
  materialized  the model's materialization (default: view)
  path          folder under the first model path, e.g. 'nl' (default: the model path itself)
  description   the model's description (default: the prompt)
  overwrite     replace a model generated from another prompt, or edited by hand
  translator    sqlsynth translator (default: sqlsynth.toml's, else embedded)
  sample_values read a few values of low-cardinality text columns (default: true)
-#}
{% macro nl_model(name=none, prompt=none, sources=none, materialized='view', path=none, description=none, overwrite=false, translator=none, sample_values=true) -%}
  {%- if not execute -%}{{ return('') }}{%- endif -%}
  {%- set bridge = modules.get('sqlsynth') -%}
  {%- if bridge is none -%}
    {{ exceptions.raise_compiler_error(
        "nl_model: the sqlsynth dbt plugin is not loaded (Python module dbt_sqlsynth, part of "
        ~ "sqlsynth); install sqlsynth where dbt runs: pip install 'sqlsynth[dbt]', or generate "
        ~ "with `sqlsynth dbt generate` instead") }}
  {%- endif -%}
  {%- set source_list = none if sources is none else ([sources] if sources is string else sources) -%}
  {%- set context = sqlsynth_context(relations=source_list, exclude=[name], sample_values=sample_values) -%}
  {%- set result = bridge.nl_model({
      'name': name,
      'prompt': prompt,
      'sources': source_list or [],
      'materialized': materialized,
      'path': path,
      'description': description,
      'overwrite': overwrite,
      'translator': translator,
  }, context) -%}
  {%- for line in result['lines'] -%}
    {{- print(line) -}}
  {%- endfor -%}
  {%- if not result['ok'] -%}
    {{ exceptions.raise_compiler_error(result['error']) }}
  {%- endif -%}
{%- endmacro %}
