{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key=['as_of_date', 'kpi_id', 'entity_id', 'window_days'],
    on_schema_change='fail',
    parallel_parts=var('kpi_parallel_parts', 1),
    pre_hook=["set local default_statistics_target = 10", "set local enable_mergejoin = off"],
    indexes=[
      {'columns': ['kpi_id', 'entity_id', 'window_days', 'as_of_date']}
    ]
) }}

{#-
  A full build on a server runs in var('kpi_parallel_parts') parts at once, each with its
  share of the series (parallel_part below): Postgres runs a query's window functions in one
  process, and a series' rows need no other series'.

  The pre-hooks: statistics from 3,000 rows (this table is read by its keys), and no merge
  joins. The query's steps are CTEs, which have no statistics; misjudging them, the planner
  merged the day grid with the events on the date alone and compared 7.4M pairs: 3 s of an
  increment at 100 locations, where hash joins take milliseconds.

  Dynamic thresholds and status, one row per day, KPI, entity and window (7, 30, 60 days).

  For the daily series x: the rolling mean and sample standard deviation of the w days
  BEFORE the day (the day is never in its own baseline); bounds mean ± k·spread with a
  spread floor (a flat history still has bounds, and a real collapse still counts); the
  seasonal z-score against the same month-day in earlier years or the same weekday in
  earlier weeks (config `seasonality`); the percent change against the configured
  reference (the day before, a week back, 52 weeks back or the rolling mean; only from a
  big enough base). Signals L, U, Z, P; those in the KPI's good direction do not count;
  the policy turns counted signals into Red/Yellow/Green, and too little history is grey.
  Every row says why (reason) and which settings (config_hash).

  A day in kpi_events is `expected` (the event named in the reason), never Red or Yellow
  because of it, and no reference for a later percent change; with learn_from = false it is
  never learned from. With exclude_red_from_baseline (the days a first pass finds Red) or
  baseline = without_outliers (the days outside their own first-pass bounds), those days
  leave the second pass's baselines (one pass back, not a fixed point), for those KPIs only.
  compare_on = active_days learns from non-zero days only and calls a zero day green. The
  bounds shown stay within the KPI's range (kpi_threshold_config.range_min/max); the
  signals test them as computed. With clear_days > 1, a KPI that was Yellow or Red stays
  Yellow until it has been clear that many days.

  One query serves the full build and the increment (the last var('lookback_days') days):
  each figure aggregates a bounded set of earlier days the same way in both (baselines from
  exact numeric sums, then float8), so any sequence of increments equals a full build. Each
  window is a column set of one wide row; rows become one per window only at the end.
-#}

{%- set incremental = is_incremental() -%}
{%- set windows = [7, 30, 60] -%}
{%- set bounds = kpi_thresholds_bounds(ref('fact_kpi_daily'), this, incremental) -%}
{%- set first = "date '" ~ bounds[0] ~ "'" if bounds and bounds[0] else 'null::date' -%}
{%- set last = "date '" ~ bounds[1] ~ "'" if bounds and bounds[1] else 'null::date' -%}

{%- set settings = kpi_thresholds or [] -%}
{%- set max_clear = (settings | map(attribute='clear_days') | max) if settings else 1 -%}
{%- set two_pass = (settings | selectattr('exclude_red_from_baseline') | list | length) > 0
    or (settings | selectattr('baseline', 'equalto', 'without_outliers') | list | length) > 0 -%}
{%- set weekday_periods = settings | selectattr('seasonality', 'equalto', 'weekday') | map(attribute='seasonal_periods') | unique | list -%}
{%- set month_day_kpis = settings | selectattr('seasonality', 'equalto', 'month_day') | list -%}
{%- set year_ago_kpis = settings | selectattr('pct_change_vs', 'equalto', 'same_weekday_last_year') | list -%}
{%- set max_weeks = (weekday_periods | max) if weekday_periods else 1 -%}
{#-
  How far back this run reads: the days whose status a held status looks back on
  (clear_days), the first pass's days a second-pass baseline learns from (60), and each
  of those days' own baselines (60 days, or the weekday seasonal weeks).
-#}
{%- set status_reach = max_clear - 1 + (60 if two_pass else 0) -%}
{%- set reach = status_reach + ([60, 7 * max_weeks] | max) + 1 -%}
{#-
  Only the KPIs with a second pass need its 60 days more: an increment reads the others'
  days from one_pass_reach on (at 100 locations, half the rows of every other series).
-#}
{%- set one_pass_status_reach = max_clear - 1 -%}
{%- set one_pass_reach = one_pass_status_reach + ([60, 7 * max_weeks] | max) + 1 -%}
{%- set second_pass = "coalesce(c.exclude_red_from_baseline or c.baseline = 'without_outliers', false)" -%}
{%- macro since(wide, narrow) -%}
  {{ first }} - {{ ('case when ' ~ second_pass ~ ' then ' ~ wide ~ ' else ' ~ narrow ~ ' end') if two_pass else wide }}
{%- endmacro %}

{#- On Citus each step must stay a subquery of its shard: a CTE read twice, a union of two
    window passes or an OFFSET would be planned on the coordinator. Elsewhere the faster forms. #}
{%- set citus = adapter.is_citus() %}
with series as {{ 'not materialized' if citus }} (
  select distinct f.kpi_id, f.entity_id
  from {{ ref('fact_kpi_daily') }} f
  where f.date_key between {{ first }} - {{ reach }} and {{ last }}
    and {{ parallel_part('f.kpi_id + f.entity_id') }}
  {%- if incremental %}
  union
  select kpi_id, entity_id from {{ this }} where as_of_date = {{ first }} - 1 and {{ parallel_part('kpi_id + entity_id') }}
  {%- endif %}
),

-- Event days (kpi_events), spelled out per series so they are matched by equality: scored
-- `expected`, and not learned from unless the event says learn_from. (Inlined on Citus: it
-- may be read twice.)
events as {{ 'not materialized' if citus }} (
  select e.event_date, s.kpi_id, s.entity_id, bool_and(e.learn_from) as learn_from, string_agg(e.description, '; ' order by e.description) as event_name
  from {{ ref('kpi_events') }} e
  join series s on e.entity_id is null or e.entity_id = s.entity_id
  left join {{ ref('dim_kpi') }} k on k.kpi_code = e.kpi_code
  where (e.kpi_code is null or k.kpi_id = s.kpi_id)
  {%- if not month_day_kpis %}
    -- Only the days this run reads, a year back included (the month-day seasonal baseline
    -- reads years back): an event of every series is 2,727 rows at 100 locations, and an
    -- increment spelled out all of history's, 171,801 rows, to use a few thousand.
    and e.event_date between {{ first }} - {{ reach }} - 364 and {{ last }}
  {%- endif %}
  group by e.event_date, s.kpi_id, s.entity_id
),

daily as (
  select
    d.date_key,
    d.day_of_week,
    s.kpi_id,
    s.entity_id,
    f.value,
    d.date_key >= {{ first }} as in_range,
    u.event_name,
    -- An intermittent series (compare_on active_days) learns from its non-zero days only.
    coalesce(u.learn_from, true) and not (c.compare_on = 'active_days' and f.value = 0) as learn,
    {%- if two_pass %}
    {{ second_pass }} as second_pass,
    {%- endif %}
    {%- if year_ago_kpis %}
    -- The same weekday a year back (364 days), read by key rather than by a lag over a
    -- year of rows, so an increment reads no more days; learned from by the same rule.
    case when {{ 'coalesce(u364.learn_from, true)' if citus else 'f364.learn' }} and not (c.compare_on = 'active_days' and f364.value = 0)
      then f364.value::float8 end as x_last_year
    {%- else %}
    null::float8 as x_last_year
    {%- endif %}
  from {{ ref('dim_date') }} d
  cross join series s
  join {{ ref('kpi_threshold_config') }} c on c.kpi_id = s.kpi_id
  {%- if citus or not incremental %}
  left join {{ ref('fact_kpi_daily') }} f
    on f.kpi_id = s.kpi_id and f.entity_id = s.entity_id and f.date_key = d.date_key
    -- The date range again, on the facts' side: the planner does not carry it across the
    -- join, and without it hashes every fact of every year.
    and f.date_key between {{ first }} - {{ reach }} and {{ last }}
  {%- else %}
  {#- An increment's facts, fenced (offset 0) so they are hashed once: the grid's estimate
      comes from CTEs without statistics, and misjudging it (6,610 rows for 175,134 at 100
      locations) the planner looked each grid row's fact up in the index, 1.4 s of a 2 s
      increment. A full build's plan hashes the facts already. #}
  left join (
    select kpi_id, entity_id, date_key, value
    from {{ ref('fact_kpi_daily') }}
    where date_key between {{ first }} - {{ reach }} and {{ last }}
    offset 0
  ) f
    on f.kpi_id = s.kpi_id and f.entity_id = s.entity_id and f.date_key = d.date_key
  {%- endif %}
  {#- Right after the facts, and on Citus for every KPI: Citus plans this join on the
      coordinator when its condition names the config, or when it follows the join to the
      events. Elsewhere only the facts of the KPIs that compare with a year back, with their
      events: hashing every series' year-ago facts, and the whole grid again for their events,
      for one KPI's sake was a third of the grid's cost. #}
  {%- if year_ago_kpis and citus %}
  left join {{ ref('fact_kpi_daily') }} f364
    on f364.kpi_id = s.kpi_id and f364.entity_id = s.entity_id and f364.date_key = d.date_key - 364
    and f364.date_key between {{ first }} - {{ reach }} - 364 and {{ last }} - 364
  {%- elif year_ago_kpis %}
  left join (
    select y.kpi_id, y.entity_id, y.date_key, y.value, coalesce(yu.learn_from, true) as learn
    from {{ ref('fact_kpi_daily') }} y
    join {{ ref('kpi_threshold_config') }} yc on yc.kpi_id = y.kpi_id and yc.pct_change_vs = 'same_weekday_last_year'
    left join events yu on yu.event_date = y.date_key and yu.kpi_id = y.kpi_id and yu.entity_id = y.entity_id
    where y.date_key between {{ first }} - {{ reach }} - 364 and {{ last }} - 364
  ) f364
    on f364.kpi_id = s.kpi_id and f364.entity_id = s.entity_id and f364.date_key = d.date_key - 364
  {%- endif %}
  left join events u
    on u.event_date = d.date_key and u.kpi_id = s.kpi_id and u.entity_id = s.entity_id
  {%- if year_ago_kpis and citus %}
  {#- Matched on the day it meets (event_date + 364), not the day it was: the rows arrive
      sorted by (kpi, entity, day) from the join above, so the planner merges on all three
      keys. Written the other way, it merged on (kpi, entity) alone and filtered 14.8M
      pairs (2.4 s at 1 location), or sorted every row again. #}
  left join events u364
    on u364.event_date + 364 = d.date_key and u364.kpi_id = s.kpi_id and u364.entity_id = s.entity_id
  {%- endif %}
  where d.date_key between {{ first }} - {{ reach }} and {{ last }}
  {%- if two_pass %}
    and d.date_key >= {{ since(reach, one_pass_reach) }}
  {%- endif %}
),

{%- if month_day_kpis %}

-- The same month-day in earlier years (Feb 29 meets only other Feb 29ths), spelled out as
-- dates so facts are matched by key.
month_day_seasonal as (
  select
    d.kpi_id,
    d.entity_id,
    d.date_key,
    (avg(h.value))::float8 as seasonal_mean,
    (stddev_samp(h.value))::float8 as seasonal_std,
    count(h.value) as seasonal_n
  from daily d
  join {{ ref('kpi_threshold_config') }} c on c.kpi_id = d.kpi_id and c.seasonality = 'month_day'
  cross join lateral (
    select (d.date_key - make_interval(years => years_back))::date as earlier_day
    from generate_series(1, c.seasonal_periods) as years_back
  ) y
  join {{ ref('fact_kpi_daily') }} h
    on h.kpi_id = d.kpi_id and h.entity_id = d.entity_id and h.date_key = y.earlier_day
  left join events u on u.event_date = y.earlier_day and u.kpi_id = d.kpi_id and u.entity_id = d.entity_id and not u.learn_from
  where d.date_key >= {{ since(status_reach, one_pass_status_reach) }}
    and extract(day from y.earlier_day) = extract(day from d.date_key)
    and u.event_date is null
  group by d.kpi_id, d.entity_id, d.date_key
),
{%- endif %}

{#-
  The chain from baselines to statuses runs once per part. On Postgres the KPIs with a
  second pass (`two`) and the others (`one`) are separate parts: each streams without a
  stored copy of its rows (a chain that split them at the second pass stored every row's
  first pass, 118 MB at 1 location). On Citus, and when no KPI has a second pass, one part
  (`all`): Citus plans a union of two window passes on the coordinator.
-#}
{%- if two_pass and not citus %}
{%- set parts = [('one', false), ('two', true)] %}
{%- else %}
{%- set parts = [('all', two_pass)] %}
{%- endif %}

{#- Mean and sample standard deviation of the learnable days of a window (`over`), or of a
    group: the sums are exact numeric (a window slides them in order n); the division and the
    root are in float8, as the baselines' figures are (a numeric root a row costs more). -#}
{%- macro baseline_mean(filter, over=none, value='value') -%}
  {%- set frame = (' over ' ~ over) if over else '' -%}
  ((sum({{ value }}) filter (where {{ filter }}){{ frame }})::float8 / nullif(count({{ value }}) filter (where {{ filter }}){{ frame }}, 0))
{%- endmacro %}
{%- macro baseline_std(filter, over=none, value='value') -%}
  {%- set frame = (' over ' ~ over) if over else '' -%}
  sqrt((var_samp({{ value }}) filter (where {{ filter }}){{ frame }})::float8)
{%- endmacro %}
{%- set lookback = [60, 7 * max_weeks] | max %}
{%- for part, part_two_pass in parts %}

{%- if incremental and not part_two_pass and not citus %}

-- An increment scores a few days a series: each one's baselines are aggregated from the
-- {{ lookback }} days before it, the same exact sums as a full build's sliding windows (so the
-- same figures), instead of sliding the windows over every day it reads (at 100 locations,
-- 175,134 series-days to score 2,727).
scored_days_{{ part }} as (
  select *
  from daily
  where date_key >= {{ first }} - {{ one_pass_status_reach }}
  {%- if part != 'all' %}
    and not second_pass
  {%- endif %}
),

baseline_sums_{{ part }} as (
  select
    t.kpi_id,
    t.entity_id,
    t.date_key,
    (max(h.value) filter (where h.learn and h.date_key = t.date_key - 1))::float8 as x_previous_day,
    (max(h.value) filter (where h.learn and h.date_key = t.date_key - 7))::float8 as x_last_week
    {%- for w in windows %}
    {%- set within = 'h.date_key >= t.date_key - ' ~ w %},
    {{ baseline_mean('h.learn and ' ~ within, value='h.value') }} as p{{ w }}_mean,
    {{ baseline_std('h.learn and ' ~ within, value='h.value') }} as p{{ w }}_std,
    count(h.value) filter (where h.learn and {{ within }}) as p{{ w }}_n,
    count(h.value) filter (where {{ within }}) as p{{ w }}_history
    {%- endfor %}
    {%- for weeks in weekday_periods %}
    {%- set same_weekday = 'h.learn and (t.date_key - h.date_key) % 7 = 0 and h.date_key >= t.date_key - ' ~ (7 * weeks) %},
    {{ baseline_mean(same_weekday, value='h.value') }} as weekday_{{ weeks }}_mean,
    {{ baseline_std(same_weekday, value='h.value') }} as weekday_{{ weeks }}_std,
    count(h.value) filter (where {{ same_weekday }}) as weekday_{{ weeks }}_n
    {%- endfor %}
  from scored_days_{{ part }} t
  join daily h
    on h.kpi_id = t.kpi_id and h.entity_id = t.entity_id
    and h.date_key between t.date_key - {{ lookback }} and t.date_key - 1
  group by t.kpi_id, t.entity_id, t.date_key
),

baselines_{{ part }} as (
  select
    t.*,
    t.value::float8 as x,
    b.x_previous_day,
    b.x_last_week
    {%- for w in windows %},
    b.p{{ w }}_mean, b.p{{ w }}_std, b.p{{ w }}_n, b.p{{ w }}_history
    {%- endfor %}
    {%- for weeks in weekday_periods %},
    b.weekday_{{ weeks }}_mean, b.weekday_{{ weeks }}_std, b.weekday_{{ weeks }}_n
    {%- endfor %}
  from scored_days_{{ part }} t
  join baseline_sums_{{ part }} b on b.kpi_id = t.kpi_id and b.entity_id = t.entity_id and b.date_key = t.date_key
),
{%- else %}

-- Baselines over the window (the day itself excluded), in one pass a window frame.
baselines_{{ part }} as (
  select
    daily.*,
    value::float8 as x,
    -- A day not learned from (an event) is no reference for a percent change either.
    (lag(case when learn then value end, 1) over by_series)::float8 as x_previous_day,
    (lag(case when learn then value end, 7) over by_series)::float8 as x_last_week
    {%- for w in windows %},
    {{ baseline_mean('learn', 'w' ~ w) }} as p{{ w }}_mean,
    {{ baseline_std('learn', 'w' ~ w) }} as p{{ w }}_std,
    count(value) filter (where learn) over w{{ w }} as p{{ w }}_n,
    count(value) over w{{ w }} as p{{ w }}_history
    {%- endfor %}
    {%- for weeks in weekday_periods %},
    {{ baseline_mean('learn', 'weekday_' ~ weeks) }} as weekday_{{ weeks }}_mean,
    {{ baseline_std('learn', 'weekday_' ~ weeks) }} as weekday_{{ weeks }}_std,
    count(value) filter (where learn) over weekday_{{ weeks }} as weekday_{{ weeks }}_n
    {%- endfor %}
  from daily
  {%- if part != 'all' %}
  where {{ 'second_pass' if part_two_pass else 'not second_pass' }}
  {%- endif %}
  window
    by_series as (partition by kpi_id, entity_id order by date_key)
    {%- for w in windows %},
    w{{ w }} as (by_series rows between {{ w }} preceding and 1 preceding)
    {%- endfor %}
    {%- for weeks in weekday_periods %},
    weekday_{{ weeks }} as (partition by kpi_id, entity_id, day_of_week order by date_key rows between {{ weeks }} preceding and 1 preceding)
    {%- endfor %}
),
{%- endif %}

scored_{{ part }} as (
  select
    b.*,
    c.direction, c.mode, c.pct_change_vs, c.min_history, c.clear_days, c.exclude_red_from_baseline,
    c.baseline, c.compare_on, c.range_min, c.range_max,
    c.k, c.z_score_lim, c.percent_drop, c.min_rel_spread, c.min_abs_spread, c.min_base,
    c.warning_below, c.warning_above, c.warning_below_pct_of_avg7, c.warning_above_pct_of_avg7,
    c.critical_below, c.critical_above, c.critical_below_pct_of_avg7, c.critical_above_pct_of_avg7,
    c.policy_yellow, c.policy_red, c.config_hash,
    {%- for piece in ['mean', 'std', 'n'] %}
    case
      {%- for weeks in weekday_periods %}
      when c.seasonality = 'weekday' and c.seasonal_periods = {{ weeks }} then b.weekday_{{ weeks }}_{{ piece }}
      {%- endfor %}
      {%- if month_day_kpis %}
      when c.seasonality = 'month_day' then s.seasonal_{{ piece }}
      {%- endif %}
    end as seasonal_{{ piece }}{{ ',' if not loop.last }}
    {%- endfor %}
  from baselines_{{ part }} b
  join {{ ref('kpi_threshold_config') }} c on c.kpi_id = b.kpi_id
  {%- if month_day_kpis %}
  left join month_day_seasonal s on s.kpi_id = b.kpi_id and s.entity_id = b.entity_id and s.date_key = b.date_key
  {%- endif %}
  where b.date_key >= {{ since(status_reach, one_pass_status_reach) }}
),

zscored_{{ part }} as (
  select
    scored.*,
    case when seasonal_n >= 2 and seasonal_std > 0 then (x - seasonal_mean) / seasonal_std end as seasonal_zscore
  from scored_{{ part }} scored
),

{%- if part_two_pass %}

-- First pass: the days that are Red (exclude_red_from_baseline) or outside their own
-- bounds (baseline without_outliers) against baselines of every learnable day.
first_status_{{ part }} as (
  select
    zscored.*
    {%- for w in windows %},
    coalesce(
      (exclude_red_from_baseline and {{ kpi_status('p' ~ w, w, 'p7_mean') }} = 'red')
      or (baseline = 'without_outliers' and p{{ w }}_n >= 2 and (x <= {{ kpi_lower('p' ~ w) }} or x >= {{ kpi_upper('p' ~ w) }}) and x <> p{{ w }}_mean),
      false) as red_{{ w }}
    {%- endfor %}
  from zscored_{{ part }} zscored
),

-- Second pass: baselines without the first pass's Red days. In the part `all` (Citus) only
-- for the KPIs that ask for it; the others keep their first-pass baselines.
final_baselines_{{ part }} as (
  select
    first_status.*
    {%- for w in windows %}
    {%- set filter = 'learn and not red_' ~ w %},
    {%- if part == 'all' %}
    case when second_pass then {{ baseline_mean(filter, 'w' ~ w) }} else p{{ w }}_mean end as f{{ w }}_mean,
    case when second_pass then {{ baseline_std(filter, 'w' ~ w) }} else p{{ w }}_std end as f{{ w }}_std,
    case when second_pass then count(value) filter (where {{ filter }}) over w{{ w }} else p{{ w }}_n end as f{{ w }}_n,
    {%- else %}
    {{ baseline_mean(filter, 'w' ~ w) }} as f{{ w }}_mean,
    {{ baseline_std(filter, 'w' ~ w) }} as f{{ w }}_std,
    count(value) filter (where {{ filter }}) over w{{ w }} as f{{ w }}_n,
    {%- endif %}
    p{{ w }}_history as f{{ w }}_history
    {%- endfor %}
  from first_status_{{ part }} first_status
  window
    {%- for w in windows %}
    w{{ w }} as (partition by kpi_id, entity_id order by date_key rows between {{ w }} preceding and 1 preceding){{ ',' if not loop.last }}
    {%- endfor %}
),
{%- set final = 'f' %}
{%- else %}
{%- set final = 'p' %}
{%- endif %}

-- Each window's bounds and percent change, side by side; offset 0 computes them once for
-- the signal tests that read them. Signals test the bounds as computed; the bounds shown
-- are kept within the KPI's range (a value at 0 is not below a lower bound of -8,000).
bounded_{{ part }} as (
  select
    s.*
    {%- for w in windows %}
    {%- set p = final ~ w %},
    {{ kpi_lower(p) }} as w{{ w }}_lower,
    {{ kpi_upper(p) }} as w{{ w }}_upper,
    greatest({{ kpi_lower(p) }}, range_min) as w{{ w }}_shown_lower,
    least({{ kpi_upper(p) }}, range_max) as w{{ w }}_shown_upper,
    {{ kpi_pct_change(p) }} as w{{ w }}_pct
    {%- endfor %}
  from {{ ('final_baselines_' if part_two_pass else 'zscored_') ~ part }} s
  {{ '' if citus else 'offset 0' }}
),

-- Each window's signals as masks (L = 1, U = 2, Z = 4, P = 8): fired, and counted toward status.
signalled_{{ part }} as (
  select
    b.*
    {%- for w in windows %}
    {%- set p = final ~ w %}
    {%- set columns = ['w' ~ w ~ '_lower', 'w' ~ w ~ '_upper', 'w' ~ w ~ '_pct'] %},
    {{ kpi_signal_mask(p, 'fired', *columns) }} as w{{ w }}_fired_mask,
    {{ kpi_signal_mask(p, 'counted', *columns) }} as w{{ w }}_counted_mask
    {%- endfor %}
  from bounded_{{ part }} b
  {{ '' if citus else 'offset 0' }}
),

-- Each window's signal lists and status, computed once a row for the rows per window below
-- (an inlined query would compute each again). Postgres: an offset 0 fence, which streams
-- (a materialized CTE stored 266 MB of wide rows at 1 location). Citus cannot keep a fence
-- inside the shard's query; a window column fences it just the same (Postgres does not
-- inline a query with window functions): the Citus form of this model took 36.8 s inlined
-- and 7.4 s fenced on one server at 10 locations.
statuses_{{ part }} as (
  select
    s.*
    {%- if citus %},
    row_number() over (partition by s.kpi_id, s.entity_id order by s.date_key) as evaluated_once
    {%- endif %}
    {%- for w in windows %}
    {%- set p = final ~ w %},
    {{ kpi_mask_list('w' ~ w ~ '_fired_mask') }} as w{{ w }}_signals,
    {{ kpi_mask_list('w' ~ w ~ '_counted_mask') }} as w{{ w }}_counted,
    {{ kpi_status(p, w, final ~ '7_mean', 'w' ~ w ~ '_counted_mask') }} as w{{ w }}_raw_status
    {%- endfor %}
  from signalled_{{ part }} s
  {{ '' if citus else 'offset 0' }}
),

-- One row per window.
by_window_{{ part }} as (
  select
    s.date_key, s.kpi_id, s.entity_id, s.in_range, s.value, s.x,
    s.seasonal_mean, s.seasonal_std, s.seasonal_n, s.seasonal_zscore,
    s.pct_change_vs, s.mode, s.min_history, s.clear_days, s.config_hash, s.event_name, s.compare_on,
    v.window_days, v.baseline_n, v.history_days, v.rolling_mean, v.rolling_std, v.lower_threshold, v.upper_threshold,
    v.pct_change, v.signals, v.counted_signals, v.avg7,
    -- An event day is expected: never Red or Yellow because of the event.
    case when s.event_name is not null and v.raw_status <> 'grey' then 'expected' else v.raw_status end as raw_status
  from statuses_{{ part }} s
  cross join lateral (values
    {%- for w in windows %}
    {%- set p = 's.' ~ final ~ w %}
    ({{ w }}, {{ p }}_n, {{ p }}_history, {{ p }}_mean, {{ p }}_std, s.w{{ w }}_shown_lower, s.w{{ w }}_shown_upper, s.w{{ w }}_pct,
     s.w{{ w }}_signals, s.w{{ w }}_counted, s.w{{ w }}_raw_status, s.{{ final }}7_mean){{ ',' if not loop.last }}
    {%- endfor %}
  ) as v(window_days, baseline_n, history_days, rolling_mean, rolling_std, lower_threshold, upper_threshold, pct_change,
         signals, counted_signals, raw_status, avg7)
),

-- After Yellow or Red, a day must stay clear for clear_days before Green shows.
held_{{ part }} as (
  select
    by_window.*,
    {%- if max_clear > 1 %}
    max(case when raw_status in ('red', 'yellow') then date_key end)
      over (partition by kpi_id, entity_id, window_days order by date_key rows between unbounded preceding and 1 preceding) as last_alert_day
    {%- else %}
    null::date as last_alert_day
    {%- endif %}
  from by_window_{{ part }} by_window
),
{%- endfor %}

final_status as (
  {%- for part, part_two_pass in parts %}
  select
    held.*,
    case
      when raw_status = 'green' and date_key - last_alert_day < clear_days then 'yellow'
      else raw_status
    end as status
  from held_{{ part }} held
  where in_range
  {{- '\n  union all' if not loop.last }}
  {%- endfor %}
)

select
  date_key as as_of_date,
  kpi_id,
  entity_id,
  window_days,
  value,
  baseline_n,
  rolling_mean,
  rolling_std,
  lower_threshold,
  upper_threshold,
  seasonal_mean,
  seasonal_std,
  seasonal_zscore,
  pct_change,
  seasonal_n,
  pct_change_vs,
  signals,
  counted_signals,
  status,
  case
    when status = 'grey' then
      case when x is null then 'no value for the day'
        else 'only ' || history_days || ' of the ' || least(min_history, window_days) || ' days of history it needs' end
    when status = 'expected' then
      'expected: ' || event_name || case when counted_signals <> '' then ' (signals ' || counted_signals || ' not counted)' else '' end
    when status = 'green' then
      case
        when compare_on = 'active_days' and value = 0 then 'inactive day (compared on active days)'
        when signals = '' then 'no signal'
        else 'signals ' || signals || ' fired in the good direction'
      end
    else
      case
        when raw_status = 'green' then 'clearing: ' || (date_key - last_alert_day) || ' day(s) since the last alert, needs ' || clear_days
        when mode = 'static' then 'static bound crossed: value ' || round(value, 2) || ' against 7-day average ' || round(avg7::numeric, 2)
        else 'counted signals ' || counted_signals
          || case when counted_signals like '%L%' then ' (value ' || round(value, 2) || ' <= lower ' || round(lower_threshold::numeric, 2) || ')' else '' end
          || case when counted_signals like '%U%' then ' (value ' || round(value, 2) || ' >= upper ' || round(upper_threshold::numeric, 2) || ')' else '' end
          || case when counted_signals like '%Z%' then ' (seasonal z ' || round(seasonal_zscore::numeric, 2) || ')' else '' end
          || case when counted_signals like '%P%' then ' (' || round((100 * pct_change)::numeric, 1) || '% vs ' || replace(pct_change_vs, '_', ' ') || ')' else '' end
      end
  end as reason,
  config_hash
from final_status
