{#-
  fact_kpi_daily's unpivot, generated from the dim_kpi seed: one (kpi_id, value,
  numerator, denominator) tuple per KPI row, read from the wide mart's columns. Adding a
  KPI is a seed row plus a column in the mart; nothing here changes.
-#}
{% macro unpivot_kpis(kpi_relation, mart_relation, mart_alias) -%}
  {%- if not execute -%}
    {{ return('(values (0, null::numeric, null::numeric, null::numeric))') }}
  {%- endif -%}
  {%- set kpis = run_query('select kpi_id, kpi_code, agg_type, source_column, numerator_column, denominator_column from ' ~ kpi_relation ~ ' order by kpi_id') -%}
  {%- set available = adapter.get_columns_in_relation(mart_relation) | map(attribute='name') | list -%}
  {%- set tuples = [] -%}
  {%- for kpi in kpis.rows -%}
    {%- if kpi['agg_type'] == 'ratio' -%}
      {%- set needed = [kpi['numerator_column'], kpi['denominator_column']] -%}
    {%- elif kpi['agg_type'] in ('sum', 'last') -%}
      {%- set needed = [kpi['source_column']] -%}
    {%- else -%}
      {{ exceptions.raise_compiler_error("dim_kpi row " ~ kpi['kpi_id'] ~ " (" ~ kpi['kpi_code'] ~ "): agg_type must be sum, last or ratio, got '" ~ kpi['agg_type'] ~ "'") }}
    {%- endif -%}
    {%- for column in needed -%}
      {%- if column is none or column not in available -%}
        {{ exceptions.raise_compiler_error("dim_kpi row " ~ kpi['kpi_id'] ~ " (" ~ kpi['kpi_code'] ~ ") reads column '" ~ column ~ "', which " ~ mart_relation ~ " does not have") }}
      {%- endif -%}
    {%- endfor -%}
    {%- if kpi['agg_type'] == 'ratio' -%}
      {%- set num = mart_alias ~ '.' ~ adapter.quote(kpi['numerator_column']) ~ '::numeric' -%}
      {%- set den = mart_alias ~ '.' ~ adapter.quote(kpi['denominator_column']) ~ '::numeric' -%}
      {#- Not rounded: every rollup and change is computed from exact sums, and a stored ratio keeps numeric's precision. -#}
      {%- do tuples.append('(' ~ kpi['kpi_id'] ~ ', ' ~ num ~ ' / nullif(' ~ den ~ ', 0), ' ~ num ~ ', ' ~ den ~ ')') -%}
    {%- else -%}
      {%- do tuples.append('(' ~ kpi['kpi_id'] ~ ', ' ~ mart_alias ~ '.' ~ adapter.quote(kpi['source_column']) ~ '::numeric, null::numeric, null::numeric)') -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if tuples | length == 0 -%}
    {{ exceptions.raise_compiler_error("dim_kpi has no rows: nothing to unpivot") }}
  {%- endif -%}
  (values
    {{ tuples | join(',\n    ') }}
  )
{%- endmacro %}
