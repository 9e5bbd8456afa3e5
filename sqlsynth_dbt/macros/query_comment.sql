{#-
  A query comment that carries the audit trail into the warehouse's query history. In
  dbt_project.yml:

    query-comment:
      comment: "{{ sqlsynth.query_comment(node) }}"
      append: true     # Snowflake strips leading comments

  Every statement gets dbt's usual fields, and a generated model's statements also its spec
  hash, SQL hash and reviewer from config.meta.sqlsynth.
-#}
{% macro query_comment(node) -%}
  {%- set comment = {
      'app': 'dbt',
      'dbt_version': dbt_version,
      'profile_name': target.get('profile_name'),
      'target_name': target.get('target_name'),
  } -%}
  {%- if node is not none -%}
    {%- do comment.update({'node_id': node.unique_id}) -%}
    {%- set meta = (node.config.meta or {}) if node.config is defined else {} -%}
    {%- set spec = meta.get('sqlsynth') -%}
    {%- if spec is mapping -%}
      {%- do comment.update({
          'sqlsynth_spec_hash': spec.get('spec_hash'),
          'sqlsynth_sql_hash': spec.get('sql_hash'),
          'sqlsynth_reviewed_by': (spec.get('review') or {}).get('reviewed_by'),
      }) -%}
    {%- endif -%}
  {%- endif -%}
  {{- return(tojson(comment) | replace('*/', '* /')) -}}
{%- endmacro %}
