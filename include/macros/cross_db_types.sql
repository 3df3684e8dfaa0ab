{#- dbt's portable type names (dbt.type_string() and friends). Each asks api.Column for the adapter's spelling, so a project can override one by defining default__type_x. -#}

{% macro type_string() -%}
  {{ return(adapter.dispatch('type_string', 'dbt')()) }}
{%- endmacro %}

{% macro default__type_string() -%}
  {{ return(api.Column.translate_type('string')) }}
{%- endmacro %}

{% macro type_timestamp() -%}
  {{ return(adapter.dispatch('type_timestamp', 'dbt')()) }}
{%- endmacro %}

{#- Postgres' `timestamp` is without time zone, as dbt's portable timestamp type is. -#}
{% macro default__type_timestamp() -%}
  {{ return(api.Column.translate_type('timestamp')) }}
{%- endmacro %}

{% macro type_float() -%}
  {{ return(adapter.dispatch('type_float', 'dbt')()) }}
{%- endmacro %}

{% macro default__type_float() -%}
  {{ return(api.Column.translate_type('float')) }}
{%- endmacro %}

{% macro type_numeric() -%}
  {{ return(adapter.dispatch('type_numeric', 'dbt')()) }}
{%- endmacro %}

{#- A fixed precision and scale, so the same model gives the same column type everywhere. -#}
{% macro default__type_numeric() -%}
  {{ return(api.Column.numeric_type('numeric', 28, 6)) }}
{%- endmacro %}

{% macro type_bigint() -%}
  {{ return(adapter.dispatch('type_bigint', 'dbt')()) }}
{%- endmacro %}

{% macro default__type_bigint() -%}
  {{ return(api.Column.translate_type('bigint')) }}
{%- endmacro %}

{% macro type_int() -%}
  {{ return(adapter.dispatch('type_int', 'dbt')()) }}
{%- endmacro %}

{% macro default__type_int() -%}
  {{ return(api.Column.translate_type('integer')) }}
{%- endmacro %}

{% macro type_boolean() -%}
  {{ return(adapter.dispatch('type_boolean', 'dbt')()) }}
{%- endmacro %}

{% macro default__type_boolean() -%}
  {{ return(api.Column.translate_type('boolean')) }}
{%- endmacro %}

{#- cast(x as type), and its "safe" form, which on Postgres is the same cast (Postgres has no try_cast). -#}
{% macro cast(field, type) -%}
  {{ return(adapter.dispatch('cast', 'dbt')(field, type)) }}
{%- endmacro %}

{% macro default__cast(field, type) -%}
  cast({{ field }} as {{ type }})
{%- endmacro %}

{% macro safe_cast(field, type) -%}
  {{ return(adapter.dispatch('safe_cast', 'dbt')(field, type)) }}
{%- endmacro %}

{% macro default__safe_cast(field, type) -%}
  cast({{ field }} as {{ type }})
{%- endmacro %}

{% macro cast_bool_to_text(field) -%}
  {{ adapter.dispatch('cast_bool_to_text', 'dbt')(field) }}
{%- endmacro %}

{% macro default__cast_bool_to_text(field) -%}
  cast({{ field }} as {{ api.Column.translate_type('string') }})
{%- endmacro %}
