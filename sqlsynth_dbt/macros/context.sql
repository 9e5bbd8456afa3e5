{#-
  What sqlsynth needs to know about the project, gathered inside dbt: every model, seed,
  snapshot and source in `graph`; for the relations asked for (`relations`: names as in ref(),
  or source_name.table_name; none: all) their live columns and a few sampled values of
  low-cardinality text columns; and the generic tests sqlsynth reads keys from. Returns plain
  data; the Python side (sqlsynth_dbt.context) turns it into a catalog.
-#}
{% macro sqlsynth_context(relations=none, exclude=none, sample_values=true) -%}
  {%- set wanted = none if relations is none else ([relations] if relations is string else relations) | map('lower') | list -%}
  {%- set excluded = (exclude or []) | map('lower') | list -%}
  {%- set context = {
      'project_name': project_name,
      'adapter_type': adapter.type(),
      'relations': [],
      'tests': [],
  } -%}
  {%- for node in graph.nodes.values() -%}
    {%- if node.resource_type in ['model', 'seed', 'snapshot'] -%}
      {%- set name = node.name | lower -%}
      {%- set gather = name not in excluded and (wanted is none or name in wanted or (node.package_name ~ '.' ~ name) | lower in wanted) -%}
      {%- do context.relations.append(sqlsynth_relation_info(node, node.alias or node.name, gather and node.config.materialized != 'ephemeral', sample_values)) -%}
    {%- elif node.resource_type == 'test' and node.get('test_metadata') -%}
      {%- do context.tests.append({
          'name': node.test_metadata.name,
          'attached_node': node.get('attached_node'),
          'column_name': node.get('column_name'),
          'depends_on': node.depends_on.nodes,
          'field': (node.test_metadata.kwargs or {}).get('field'),
      }) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- for source in graph.sources.values() -%}
    {%- set names = [source.name | lower, (source.source_name ~ '.' ~ source.name) | lower] -%}
    {%- set gather = wanted is none or names[0] in wanted or names[1] in wanted -%}
    {%- do context.relations.append(sqlsynth_relation_info(source, source.identifier or source.name, gather, sample_values)) -%}
  {%- endfor -%}
  {{- return(context) -}}
{%- endmacro %}


{% macro sqlsynth_relation_info(node, identifier, gather, sample_values) -%}
  {%- set config = node.get('config') or {} -%}
  {%- set documented = [] -%}
  {%- for column in (node.columns or {}).values() -%}
    {#- meta: {pii: true} marks PII; dbt >= 1.10 also reads it from the column's config -#}
    {%- set meta = {} -%}
    {%- do meta.update(column.get('meta') or {}) -%}
    {%- do meta.update((column.get('config') or {}).get('meta') or {}) -%}
    {%- do documented.append({
        'name': column.name,
        'type': column.get('data_type'),
        'description': column.get('description'),
        'tags': column.get('tags') or [],
        'meta': meta,
    }) -%}
  {%- endfor -%}
  {%- set info = {
      'unique_id': node.unique_id,
      'resource_type': node.resource_type,
      'package_name': node.package_name,
      'name': node.name,
      'source_name': node.get('source_name'),
      'description': node.get('description'),
      'materialized': config.get('materialized'),
      'original_file_path': node.get('original_file_path'),
      'generated': (config.get('meta') or {}).get('sqlsynth') is not none,
      'gathered': gather,
      'columns': [],
      'documented_columns': documented,
  } -%}
  {%- if gather -%}
    {%- set relation = api.Relation.create(database=node.database, schema=node.schema, identifier=identifier) -%}
    {%- set columns = adapter.get_columns_in_relation(relation) -%}
    {%- set samples = sqlsynth_sampled_values(relation, columns) if sample_values else {} -%}
    {%- for column in columns -%}
      {%- do info.columns.append({
          'name': column.name,
          'type': column.data_type,
          'samples': samples.get(column.name, []),
      }) -%}
    {%- endfor -%}
  {%- endif -%}
  {{- return(info) -}}
{%- endmacro %}


{#- One query per relation: the most frequent values of each text column, at most limit + 1 of
    them, so the Python side can tell a category (≤ limit values) from free text. -#}
{% macro sqlsynth_sampled_values(relation, columns, limit=20) -%}
  {%- set text_columns = [] -%}
  {%- for column in columns if column.is_string() -%}
    {%- do text_columns.append(column) -%}
  {%- endfor -%}
  {%- if not text_columns -%}{{ return({}) }}{%- endif -%}
  {%- set queries = [] -%}
  {%- for column in text_columns -%}
    {%- set quoted = adapter.quote(column.name) -%}
    {%- do queries.append(
        'select * from (select ' ~ loop.index0 ~ ' as column_index, cast(' ~ quoted ~ ' as '
        ~ dbt.type_string() ~ ') as sampled_value from ' ~ relation ~ ' where ' ~ quoted
        ~ ' is not null group by ' ~ quoted ~ ' order by count(*) desc, ' ~ quoted
        ~ ' limit ' ~ (limit + 1) ~ ') as sampled_' ~ loop.index0
    ) -%}
  {%- endfor -%}
  {%- set result = run_query(queries | join('\nunion all\n')) -%}
  {%- set samples = {} -%}
  {%- for row in result.rows -%}
    {%- set name = text_columns[row[0] | int].name -%}
    {%- do samples.setdefault(name, []).append(row[1] | string) -%}
  {%- endfor -%}
  {{- return(samples) -}}
{%- endmacro %}


{#- For `sqlsynth dbt generate/approve/check` (dbt's programmatic runner, no plugin needed):
    the context travels back to Python in a debug log event the runner listens for. -#}
{% macro sqlsynth_emit_context(relations=none, exclude=none, sample_values=true) -%}
  {%- if execute -%}
    {%- do log('sqlsynth-context: ' ~ tojson(sqlsynth_context(relations, exclude, sample_values)), info=false) -%}
  {%- endif -%}
{%- endmacro %}
