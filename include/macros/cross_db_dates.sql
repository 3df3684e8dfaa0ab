{#- dbt's cross-database date helpers. datepart is a bare word (day, week, month, quarter, year, hour, minute, second...); dates are SQL expressions. -#}

{#- from_date_or_timestamp plus interval dateparts (interval may be an expression); a date gives a timestamp, as in dbt. -#}
{% macro dateadd(datepart, interval, from_date_or_timestamp) -%}
  {{ return(adapter.dispatch('dateadd', 'dbt')(datepart, interval, from_date_or_timestamp)) }}
{%- endmacro %}

{#- Postgres has no 'quarter' interval unit: a quarter is three months. -#}
{% macro postgres__dateadd(datepart, interval, from_date_or_timestamp) -%}
  {%- set unit = '3 month' if (datepart | lower) == 'quarter' else '1 ' ~ datepart -%}
  {{ from_date_or_timestamp }} + ((interval '{{ unit }}') * ({{ interval }}))
{%- endmacro %}

{#-
  How many datepart boundaries lie between first_date and second_date (negative when second_date is earlier),
  as dbt counts them on Postgres: calendar years, quarters and months by their numbers; days by date;
  weeks by the days between and whether the weekday wrapped; hours, minutes and seconds by whole units of the clock.
-#}
{% macro datediff(first_date, second_date, datepart) -%}
  {{ return(adapter.dispatch('datediff', 'dbt')(first_date, second_date, datepart)) }}
{%- endmacro %}

{% macro postgres__datediff(first_date, second_date, datepart) -%}
  {%- set part = datepart | lower -%}
  {%- set first_day = '(' ~ first_date ~ ')::date' -%}
  {%- set second_day = '(' ~ second_date ~ ')::date' -%}
  {%- set first_time = '(' ~ first_date ~ ')::timestamp' -%}
  {%- set second_time = '(' ~ second_date ~ ')::timestamp' -%}
  {%- if part == 'year' -%}
    (date_part('year', {{ second_day }}) - date_part('year', {{ first_day }}))
  {%- elif part == 'quarter' -%}
    ({{ dbt.datediff(first_date, second_date, 'year') }} * 4 + date_part('quarter', {{ second_day }}) - date_part('quarter', {{ first_day }}))
  {%- elif part == 'month' -%}
    ({{ dbt.datediff(first_date, second_date, 'year') }} * 12 + date_part('month', {{ second_day }}) - date_part('month', {{ first_day }}))
  {%- elif part == 'day' -%}
    ({{ second_day }} - {{ first_day }})
  {%- elif part == 'week' -%}
    {#- Whole weeks of days, plus one when the weekday count wraps past Saturday on the way. -#}
    ({{ dbt.datediff(first_date, second_date, 'day') }} / 7 + case
      when date_part('dow', {{ first_time }}) <= date_part('dow', {{ second_time }})
        then case when {{ first_date }} <= {{ second_date }} then 0 else -1 end
      else case when {{ first_date }} <= {{ second_date }} then 1 else 0 end
    end)
  {%- elif part == 'hour' -%}
    ({{ dbt.datediff(first_date, second_date, 'day') }} * 24 + date_part('hour', {{ second_time }}) - date_part('hour', {{ first_time }}))
  {%- elif part == 'minute' -%}
    ({{ dbt.datediff(first_date, second_date, 'hour') }} * 60 + date_part('minute', {{ second_time }}) - date_part('minute', {{ first_time }}))
  {%- elif part == 'second' -%}
    ({{ dbt.datediff(first_date, second_date, 'minute') }} * 60 + floor(date_part('second', {{ second_time }})) - floor(date_part('second', {{ first_time }})))
  {%- elif part == 'millisecond' -%}
    ({{ dbt.datediff(first_date, second_date, 'minute') }} * 60000 + floor(date_part('millisecond', {{ second_time }})) - floor(date_part('millisecond', {{ first_time }})))
  {%- elif part == 'microsecond' -%}
    ({{ dbt.datediff(first_date, second_date, 'minute') }} * 60000000 + floor(date_part('microsecond', {{ second_time }})) - floor(date_part('microsecond', {{ first_time }})))
  {%- else -%}
    {{ exceptions.raise_compiler_error("datediff on Postgres: unsupported datepart " ~ datepart) }}
  {%- endif -%}
{%- endmacro %}

{% macro date_trunc(datepart, date) -%}
  {{ return(adapter.dispatch('date_trunc', 'dbt')(datepart, date)) }}
{%- endmacro %}

{% macro default__date_trunc(datepart, date) -%}
  date_trunc('{{ datepart }}', {{ date }})
{%- endmacro %}

{#- The last day (a date) of the datepart period that date falls in. -#}
{% macro last_day(date, datepart) -%}
  {{ return(adapter.dispatch('last_day', 'dbt')(date, datepart)) }}
{%- endmacro %}

{% macro default__last_day(date, datepart) -%}
  cast({{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }} as date)
{%- endmacro %}

{% macro current_timestamp() -%}
  {{ adapter.dispatch('current_timestamp', 'dbt')() }}
{%- endmacro %}

{% macro default__current_timestamp() -%}
  now()
{%- endmacro %}

{#- For projects that called dbt_utils.current_timestamp() before dbt moved it: a timestamp without time zone. -#}
{% macro current_timestamp_backcompat() -%}
  {{ return(adapter.dispatch('current_timestamp_backcompat', 'dbt')()) }}
{%- endmacro %}

{% macro default__current_timestamp_backcompat() -%}
  current_timestamp::{{ dbt.type_timestamp() }}
{%- endmacro %}

{% macro current_timestamp_in_utc_backcompat() -%}
  {{ return(adapter.dispatch('current_timestamp_in_utc_backcompat', 'dbt')()) }}
{%- endmacro %}

{% macro default__current_timestamp_in_utc_backcompat() -%}
  (current_timestamp at time zone 'utc')::{{ dbt.type_timestamp() }}
{%- endmacro %}

{#- A date literal from its parts, checked while rendering (modules.datetime refuses 2023-02-30). -#}
{% macro date(year, month, day) -%}
  {{ return(adapter.dispatch('date', 'dbt')(year, month, day)) }}
{%- endmacro %}

{% macro default__date(year, month, day) -%}
  {%- set checked = modules.datetime.date(year, month, day) -%}
  to_date('{{ checked.strftime('%Y-%m-%d') }}', 'YYYY-MM-DD')
{%- endmacro %}

{#- The number of datepart steps from start_date to end_date, asked of the database; 1 while parsing. -#}
{% macro get_intervals_between(start_date, end_date, datepart) -%}
  {{ return(adapter.dispatch('get_intervals_between', 'dbt')(start_date, end_date, datepart)) }}
{%- endmacro %}

{% macro default__get_intervals_between(start_date, end_date, datepart) -%}
  {%- call statement('get_intervals_between', fetch_result=True) -%}
    select {{ dbt.datediff(start_date, end_date, datepart) }}
  {%- endcall -%}
  {%- set result = load_result('get_intervals_between') -%}
  {%- if result and result['data'] -%}
    {{ return(result['data'][0][0] | int) }}
  {%- else -%}
    {{ return(1) }}
  {%- endif -%}
{%- endmacro %}

{#- The smallest n with 2^n >= upper_bound (how many doublings reach it). -#}
{% macro get_powers_of_two(upper_bound) -%}
  {{ return(adapter.dispatch('get_powers_of_two', 'dbt')(upper_bound)) }}
{%- endmacro %}

{% macro default__get_powers_of_two(upper_bound) -%}
  {%- if upper_bound <= 0 -%}
    {{ exceptions.raise_compiler_error("get_powers_of_two: the upper bound must be positive, not " ~ upper_bound) }}
  {%- endif -%}
  {%- set state = namespace(power=0) -%}
  {%- for _ in range(64) -%}
    {%- if 2 ** state.power < upper_bound -%}{%- set state.power = state.power + 1 -%}{%- endif -%}
  {%- endfor -%}
  {{ return(state.power) }}
{%- endmacro %}

{#- One column, generated_number, counting 1..upper_bound in order: Postgres makes the series itself. -#}
{% macro generate_series(upper_bound) -%}
  {{ return(adapter.dispatch('generate_series', 'dbt')(upper_bound)) }}
{%- endmacro %}

{% macro default__generate_series(upper_bound) -%}
  select generated_number from generate_series(1, {{ upper_bound }}) as series(generated_number) order by generated_number
{%- endmacro %}

{#-
  One row per datepart from start_date, as many as datediff counts to end_date (so end_date itself is not one), in a column named date_<datepart>.
  Each row is start_date plus n dateparts, never the previous row plus one, so a month spine from Jan 31 gives Feb 29, Mar 31.
-#}
{% macro date_spine(datepart, start_date, end_date) -%}
  {{ return(adapter.dispatch('date_spine', 'dbt')(datepart, start_date, end_date)) }}
{%- endmacro %}

{% macro default__date_spine(datepart, start_date, end_date) -%}
  {%- set steps = dbt.get_intervals_between(start_date, end_date, datepart) -%}
select date_{{ datepart }}
from (
    select {{ dbt.dateadd(datepart, 'spine.step', start_date) }} as date_{{ datepart }}
    from generate_series(0, {{ steps }} - 1) as spine(step)
) as all_periods
where date_{{ datepart }} <= {{ end_date }}
{%- endmacro %}
