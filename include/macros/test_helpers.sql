{#- How a data test runs, as dbt's global project defines it; a project overrides any of these by defining a macro of the same name (or its default__ form). -#}

{#- `model` as a test sees it: the relation, or a subquery of it filtered by the test's `where` config. -#}
{% macro get_where_subquery(relation) -%}
  {% do return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) %}
{%- endmacro %}

{% macro default__get_where_subquery(relation) -%}
  {%- set where = config.get('where', '') -%}
  {%- if where -%}
    {%- set filtered -%}
      (select * from {{ relation }} where {{ where }}) dbt_subquery
    {%- endset -%}
    {% do return(filtered | trim) %}
  {%- else -%}
    {% do return(relation) %}
  {%- endif -%}
{%- endmacro %}

{#- One row: the failure count (fail_calc over the failing rows) and whether it warns or errors. -#}
{% macro get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) -%}
  {{ adapter.dispatch('get_test_sql', 'dbt')(main_sql, fail_calc, warn_if, error_if, limit) }}
{%- endmacro %}

{% macro default__get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) -%}
    select
      {{ fail_calc }} as failures,
      {{ fail_calc }} {{ warn_if }} as should_warn,
      {{ fail_calc }} {{ error_if }} as should_error
    from (
      {{ main_sql }}
      {{ "limit " ~ limit if limit is not none }}
    ) dbt_internal_test
{%- endmacro %}

{#- Whether this test keeps its failing rows in the audit schema (store_failures_as wins, then store_failures, then --store-failures). -#}
{% macro should_store_failures() -%}
  {%- set store_as = config.get('store_failures_as') -%}
  {%- if store_as in ['table', 'view'] -%}
    {% do return(true) %}
  {%- elif store_as == 'ephemeral' -%}
    {% do return(false) %}
  {%- endif -%}
  {%- set store = config.get('store_failures') -%}
  {%- if store is none -%}
    {%- set store = flags.STORE_FAILURES -%}
  {%- endif -%}
  {% do return(store | as_bool) %}
{%- endmacro %}
