{#- dbt's four generic tests. Each returns the rows that break its rule; a project overrides one by defining its own test of the same name, or its default__test_<name> macro. -#}

{% test unique(model, column_name) %}
  {{ adapter.dispatch('test_unique', 'dbt')(model, column_name) }}
{% endtest %}

{% macro default__test_unique(model, column_name) %}
select
    {{ column_name }} as unique_field,
    count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
group by {{ column_name }}
having count(*) > 1
{% endmacro %}

{% test not_null(model, column_name) %}
  {{ adapter.dispatch('test_not_null', 'dbt')(model, column_name) }}
{% endtest %}

{% macro default__test_not_null(model, column_name) %}
{#- Stored failures keep whole rows, so they can be looked at; otherwise one column is enough to count. -#}
{%- set column_list = '*' if should_store_failures() else column_name -%}
select {{ column_list }}
from {{ model }}
where {{ column_name }} is null
{% endmacro %}

{% test accepted_values(model, column_name, values, quote=true) %}
  {{ adapter.dispatch('test_accepted_values', 'dbt')(model, column_name, values, quote) }}
{% endtest %}

{#- One row per value outside the list (nulls are not values, as in dbt), with how many rows hold it. -#}
{% macro default__test_accepted_values(model, column_name, values, quote=true) %}
with all_values as (
    select
        {{ column_name }} as value_field,
        count(*) as n_records
    from {{ model }}
    group by {{ column_name }}
)
select *
from all_values
where value_field not in (
    {%- for value in values %}
    {% if quote %}'{{ value | string | replace("'", "''") }}'{% else %}{{ value }}{% endif %}{{ ',' if not loop.last }}
    {%- endfor %}
)
{% endmacro %}

{% test relationships(model, column_name, to, field) %}
  {{ adapter.dispatch('test_relationships', 'dbt')(model, column_name, to, field) }}
{% endtest %}

{#- Child values with no parent row; null children are not orphans. -#}
{% macro default__test_relationships(model, column_name, to, field) %}
with child as (
    select {{ column_name }} as from_field
    from {{ model }}
    where {{ column_name }} is not null
),
parent as (
    select {{ field }} as to_field
    from {{ to }}
)
select
    from_field
from child
left join parent
    on child.from_field = parent.to_field
where parent.to_field is null
{% endmacro %}
