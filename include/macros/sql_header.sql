{#-
  dbt's set_sql_header: `{% call set_sql_header(config) %}set x = 1;{% endcall %}` records the
  block as the node's `sql_header` config (while parsing, as in dbt), which dbt puts before the
  statement that builds the model.
-#}
{% macro set_sql_header(config) -%}
  {{ config.set('sql_header', caller()) }}
{%- endmacro %}
