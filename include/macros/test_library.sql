{#- The dbt-utils tests the KPI mart relies on, built in (usable as `expression_is_true` or `dbt_utils.expression_is_true`). Each returns the rows that break its rule. -#}

{#- Rows where the expression is false (a null result passes, as in dbt-utils). -#}
{% test expression_is_true(model, expression, column_name=none) %}
  {{ adapter.dispatch('test_expression_is_true', 'dbt')(model, expression, column_name) }}
{% endtest %}

{% macro default__test_expression_is_true(model, expression, column_name=none) %}
{%- set column_list = '*' if should_store_failures() else '1 as failing' -%}
select {{ column_list }}
from {{ model }}
{%- if column_name is none %}
where not ({{ expression }})
{%- else %}
where not ({{ column_name }} {{ expression }})
{%- endif %}
{% endmacro %}

{#- One row per combination of the columns that occurs more than once. -#}
{% test unique_combination_of_columns(model, combination_of_columns, quote_columns=false) %}
  {{ adapter.dispatch('test_unique_combination_of_columns', 'dbt')(model, combination_of_columns, quote_columns) }}
{% endtest %}

{% macro default__test_unique_combination_of_columns(model, combination_of_columns, quote_columns=false) %}
{%- set columns = [] -%}
{%- for column in combination_of_columns -%}
  {%- do columns.append(adapter.quote(column) if quote_columns else column) -%}
{%- endfor -%}
{%- set column_csv = columns | join(', ') -%}
select {{ column_csv }}, count(*) as n_records
from {{ model }}
group by {{ column_csv }}
having count(*) > 1
{% endmacro %}

{#- Rows whose value is below min_value or above max_value (inclusive bounds unless inclusive is false); nulls pass. -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
  {{ adapter.dispatch('test_accepted_range', 'dbt')(model, column_name, min_value, max_value, inclusive) }}
{% endtest %}

{% macro default__test_accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
{%- if min_value is none and max_value is none -%}
  {{ exceptions.raise_compiler_error("accepted_range needs min_value, max_value or both") }}
{%- endif -%}
select *
from {{ model }}
where 1 = 2
{%- if min_value is not none %}
  or not ({{ column_name }} >{{ '=' if inclusive }} {{ min_value }})
{%- endif %}
{%- if max_value is not none %}
  or not ({{ column_name }} <{{ '=' if inclusive }} {{ max_value }})
{%- endif %}
{% endmacro %}

{#- One failing row when the model has no rows at all; on a column, when the column has no value in any row. -#}
{% test not_empty(model, column_name=none) %}
  {{ adapter.dispatch('test_not_empty', 'dbt')(model, column_name) }}
{% endtest %}

{% macro default__test_not_empty(model, column_name=none) %}
select {{ "'" ~ (column_name | replace("'", "''")) ~ "'" if column_name is not none else 'null' }} as empty_column
where not exists (
    select 1 from {{ model }}
    {%- if column_name is not none %}
    where {{ column_name }} is not null
    {%- endif %}
)
{% endmacro %}

{#- A row (per group) when the newest `field` is older than `interval` `datepart`s before now, or when there is none. -#}
{% test recency(model, field, datepart, interval, ignore_time_component=false, group_by_columns=[]) %}
  {{ adapter.dispatch('test_recency', 'dbt')(model, field, datepart, interval, ignore_time_component, group_by_columns) }}
{% endtest %}

{% macro default__test_recency(model, field, datepart, interval, ignore_time_component=false, group_by_columns=[]) %}
{%- set dateparts = ['microsecond', 'millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'] -%}
{%- if not ((datepart | lower) in dateparts) -%}
  {{ exceptions.raise_compiler_error("recency: datepart must be one of " ~ (dateparts | join(', ')) ~ ", not '" ~ datepart ~ "'") }}
{%- endif -%}
{%- set unit = '3 month' if (datepart | lower) == 'quarter' else '1 ' ~ (datepart | lower) -%}
{%- set threshold = "cast(now() - interval '" ~ unit ~ "' * (" ~ interval ~ ") as " ~ ('date' if ignore_time_component else 'timestamp') ~ ")" -%}
{%- set group_columns = group_by_columns | join(', ') -%}
with recency as (
    select
        {%- if group_columns %} {{ group_columns }},{% endif %}
        {% if ignore_time_component %}cast(max({{ field }}) as date){% else %}max({{ field }}){% endif %} as most_recent
    from {{ model }}
    {%- if group_columns %}
    group by {{ group_columns }}
    {%- endif %}
)
select
    {%- if group_columns %} {{ group_columns }},{% endif %}
    most_recent,
    {{ threshold }} as threshold
from recency
where most_recent < {{ threshold }}
   or most_recent is null
{% endmacro %}

{#- The difference between the two row counts (per group); fail_calc sums it, so failures is how many rows are missing or extra. -#}
{% test equal_rowcount(model, compare_model, group_by_columns=[]) %}
  {{ adapter.dispatch('test_equal_rowcount', 'dbt')(model, compare_model, group_by_columns) }}
{% endtest %}

{% macro default__test_equal_rowcount(model, compare_model, group_by_columns=[]) %}
{{ config(fail_calc='sum(coalesce(diff_count, 0))') }}
{%- set group_columns = group_by_columns | join(', ') -%}
with a as (
    select {% if group_columns %}{{ group_columns }}, {% endif %}1 as join_key, count(*) as count_a
    from {{ model }}
    {%- if group_columns %}
    group by {{ group_columns }}
    {%- endif %}
),
b as (
    select {% if group_columns %}{{ group_columns }}, {% endif %}1 as join_key, count(*) as count_b
    from {{ compare_model }}
    {%- if group_columns %}
    group by {{ group_columns }}
    {%- endif %}
)
select
    {%- for column in group_by_columns %}
    coalesce(a.{{ column }}, b.{{ column }}) as {{ column }},
    {%- endfor %}
    coalesce(count_a, 0) as count_a,
    coalesce(count_b, 0) as count_b,
    abs(coalesce(count_a, 0) - coalesce(count_b, 0)) as diff_count
from a
full join b
    on a.join_key = b.join_key
    {%- for column in group_by_columns %}
    and a.{{ column }} = b.{{ column }}
    {%- endfor %}
{% endmacro %}
