import { qualified, quoteIdentifier } from '../../adapters/quote.js';
import type { TableName } from '../types.js';
import type { BacktestRules, BacktestTables } from './backtest-types.js';

const table = (name: TableName): string => qualified(name.schema, name.identifier);

/**
 * The shared part of the scoring queries. Incident windows: an incident's day and the
 * `detectWithinDays` after it. A day inside any incident window of an entity (or of one
 * of its children, for the parent) is not quiet for any KPI of that entity: one outage
 * moves several KPIs, and those Reds are no false alarms. Grey and expected days are not
 * scored at all.
 */
function common(tables: BacktestTables, rules: BacktestRules): string {
  const days = Math.max(0, Math.floor(rules.detectWithinDays));
  return `with scored as (
  select as_of_date, kpi_id, entity_id, window_days, status
  from ${table(tables.statuses)}
  where status not in ('grey', 'expected')
),
labels as (
  select distinct l.${quoteIdentifier(rules.labelDateColumn)}::date as incident_date, l.entity_id::int as entity_id, k.kpi_id::int as kpi_id, k.kpi_code::text as kpi_code
  from ${table(tables.labels)} l
  join ${table(tables.dimKpi)} k on k.kpi_code = l.kpi_code
  -- Incidents outside the history scored are not misses.
  where l.${quoteIdentifier(rules.labelDateColumn)}::date between (select min(as_of_date) from ${table(tables.statuses)}) and (select max(as_of_date) from ${table(tables.statuses)})
),
incident_days as (
  select l.kpi_id, l.entity_id, l.incident_date, (l.incident_date + offset_days)::date as day
  from labels l
  cross join generate_series(0, ${days}) as offset_days
),
noisy_days as (
  select distinct i.day, v.entity_id
  from incident_days i
  join ${table(tables.dimEntity)} e on e.entity_id = i.entity_id
  cross join lateral (values (e.entity_id), (e.parent_entity_id)) as v(entity_id)
  where v.entity_id is not null
)`;
}

/**
 * The Red days of an incident's series from its day through `detectWithinDays` after, for
 * `min(s.as_of_date)`: joins, not correlated subqueries, which Citus cannot plan.
 */
function firstRedJoin(rules: BacktestRules): string {
  const days = Math.max(0, Math.floor(rules.detectWithinDays));
  return `left join scored s on s.kpi_id = l.kpi_id and s.entity_id = l.entity_id and s.window_days = w.window_days and s.status = 'red'
    and s.as_of_date between l.incident_date and l.incident_date + ${days}`;
}

/** One row per series (KPI × entity × window): the counts SeriesCounts holds. */
export function seriesCountsQuery(tables: BacktestTables, rules: BacktestRules): string {
  return `${common(tables, rules)},
marked as (
  select s.*, i.day is not null as own_incident, n.day is not null as noisy
  from scored s
  left join (select distinct kpi_id, entity_id, day from incident_days) i on i.kpi_id = s.kpi_id and i.entity_id = s.entity_id and i.day = s.as_of_date
  left join noisy_days n on n.entity_id = s.entity_id and n.day = s.as_of_date
),
counted as (
  select kpi_id, entity_id, window_days,
    count(*) filter (where not noisy) as quiet_days,
    count(*) filter (where not noisy and status = 'red') as false_reds,
    count(*) filter (where not noisy and status = 'yellow') as false_yellows,
    count(*) filter (where own_incident and status = 'red') as true_reds,
    count(*) filter (where noisy and not own_incident and status = 'red') as other_reds
  from marked
  group by kpi_id, entity_id, window_days
),
detections as (
  select l.kpi_id, l.entity_id, w.window_days, l.incident_date, min(s.as_of_date) - l.incident_date as days_to_detect
  from labels l
  cross join (select distinct window_days from scored) w
  ${firstRedJoin(rules)}
  group by l.kpi_id, l.entity_id, w.window_days, l.incident_date
),
detected as (
  select kpi_id, entity_id, window_days, count(*) as incidents, count(days_to_detect) as detected, coalesce(sum(days_to_detect), 0) as days_to_detect
  from detections
  group by kpi_id, entity_id, window_days
)
select k.kpi_id::int as kpi_id, k.kpi_code::text as kpi_code, c.entity_id::int as entity_id, c.window_days::int as window_days,
  coalesce(c.quiet_days, 0)::int as quiet_days, coalesce(c.false_reds, 0)::int as false_reds, coalesce(c.false_yellows, 0)::int as false_yellows,
  coalesce(c.true_reds, 0)::int as true_reds, coalesce(c.other_reds, 0)::int as other_reds,
  coalesce(d.incidents, 0)::int as incidents, coalesce(d.detected, 0)::int as detected, coalesce(d.days_to_detect, 0)::int as days_to_detect
from counted c
full join detected d on d.kpi_id = c.kpi_id and d.entity_id = c.entity_id and d.window_days = c.window_days
join ${table(tables.dimKpi)} k on k.kpi_id = coalesce(c.kpi_id, d.kpi_id)
order by k.kpi_id, coalesce(c.entity_id, d.entity_id), coalesce(c.window_days, d.window_days)`;
}

/** One row per incident and window: its status on the day and the days to its first Red. */
export function incidentsQuery(tables: BacktestTables, rules: BacktestRules): string {
  return `${common(tables, rules)}
select l.kpi_code, l.entity_id, w.window_days::int as window_days, l.incident_date::text as incident_date,
  t.status::text as status_on_day, (min(s.as_of_date) - l.incident_date)::int as days_to_detect
from labels l
cross join (select distinct window_days from scored) w
left join ${table(tables.statuses)} t on t.kpi_id = l.kpi_id and t.entity_id = l.entity_id and t.window_days = w.window_days and t.as_of_date = l.incident_date
${firstRedJoin(rules)}
group by l.kpi_code, l.entity_id, w.window_days, l.incident_date, t.status
order by l.incident_date, l.kpi_code, l.entity_id, w.window_days`;
}
