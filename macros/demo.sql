{#-
  Deterministic noise for the demo data: a value depends only on (day, location, seed), never
  on the range being generated, so the same date always gets the same numbers. Only +, *, /,
  floor and sqrt (correctly rounded by IEEE 754) on hash output, no transcendental
  functions: identical on every Postgres build.
-#}

{% macro demo_key(date_column, location_column) -%}
  (({{ date_column }} - date '2000-01-01')::bigint * 100003 + {{ location_column }})
{%- endmacro %}

{% macro demo_uniform(key, seed) -%}
  ((hashint8extended({{ key }}, {{ seed }}) & 9007199254740991)::float8 / 9007199254740992.0)
{%- endmacro %}

{#- Irwin-Hall: the sum of three uniforms, centred; roughly normal with sd 0.5, bounded by ±1.5. -#}
{% macro demo_noise(key, seed) -%}
  ({{ demo_uniform(key, seed * 3) }} + {{ demo_uniform(key, seed * 3 + 1) }} + {{ demo_uniform(key, seed * 3 + 2) }} - 1.5)
{%- endmacro %}

{#- A location's size (0.6 to 1.4): every figure it generates scales with it. -#}
{% macro demo_location_size(location_column) -%}
  (0.6 + 0.8 * {{ demo_uniform(location_column ~ '::bigint', 1) }})
{%- endmacro %}

{#-
  A count drawn around `mean` with a Poisson's spread (sd √mean): the demo noise (sd 0.5,
  bounded by ±1.5) scaled by 2√mean, rounded, never below 0. sqrt is correctly rounded by
  IEEE 754, so it gives the same count on every Postgres build too.
-#}
{% macro demo_count(mean, key, seed) -%}
  greatest(round(({{ mean }})::float8 + 2 * sqrt(({{ mean }})::float8) * {{ demo_noise(key, seed) }}), 0)::integer
{%- endmacro %}

{#-
  A slow random wiggle in [-1.5, 1.5]: the demo noise at knots every `period` days (per
  location), joined by a smoothstep, so the day-to-day change has no jumps either. A closed
  form of the day, like every demo figure.
-#}
{% macro demo_wiggle(date_column, location_column, seed, period) -%}
  {%- set t = "(" ~ date_column ~ " - date '2015-01-01')" -%}
  {%- set knot = "floor(" ~ t ~ "::float8 / " ~ period ~ ")" -%}
  {%- set u = "((" ~ t ~ " - " ~ period ~ " * " ~ knot ~ ") / " ~ period ~ ")" -%}
  {%- set here = demo_noise(demo_key("(date '2015-01-01' + (" ~ period ~ " * " ~ knot ~ ")::integer)", location_column), seed) -%}
  {%- set next = demo_noise(demo_key("(date '2015-01-01' + (" ~ period ~ " * (" ~ knot ~ " + 1))::integer)", location_column), seed) -%}
  ({{ here }} + ({{ next }} - {{ here }}) * {{ u }} * {{ u }} * (3 - 2 * {{ u }}))
{%- endmacro %}

{#- The demo's date range: var demo_start_date, and var demo_end_date or yesterday. -#}
{% macro demo_start_date() -%}
  date {{ "'" ~ var('demo_start_date') ~ "'" }}
{%- endmacro %}

{% macro demo_end_date() -%}
  {%- set end = var('demo_end_date', none) -%}
  {%- if end is none or end == '' -%} (current_date - 1) {%- else -%} date '{{ end }}' {%- endif -%}
{%- endmacro %}

{#- A metric scaled by the injected anomalies for its (day, location), if any. -#}
{% macro demo_anomaly(metric) -%}
  coalesce(a.factor_{{ metric }}, 1)
{%- endmacro %}

{% macro demo_anomaly_factors(metrics) -%}
  select anomaly_date, entity_id
  {%- for metric in metrics %},
    max(factor) filter (where metric = '{{ metric }}') as factor_{{ metric }}
  {%- endfor %}
  from {{ ref('demo_anomalies') }}
  group by anomaly_date, entity_id
{%- endmacro %}

{#- In an incremental run, only days after the newest one already generated. -#}
{% macro demo_new_days_filter(date_column) -%}
  {%- if is_incremental() -%}
    and {{ date_column }} > (select coalesce(max(date_key), date '1900-01-01') from {{ this }})
  {%- endif -%}
{%- endmacro %}
