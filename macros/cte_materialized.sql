{#-
  `materialized` for a CTE the query reads more than once, where computing it once is
  cheaper; nothing on Citus, which runs a materialized CTE on the coordinator (every row of
  it pulled there) rather than inside each shard's query.
-#}
{% macro cte_materialized() -%}
  {{- '' if adapter.is_citus() else 'materialized' -}}
{%- endmacro %}
