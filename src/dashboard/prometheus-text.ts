import type { DashboardContext } from './dashboard-context.js';
import type { ServingRow } from '../mart/queries/read-statuses.js';

const STATUS_CODES: Record<string, number> = { red: 2, yellow: 1, green: 0, grey: -1, expected: -2 };

type Labels = Record<string, string>;

interface Family {
  name: string;
  help: string;
  samples: Array<{ labels: Labels; value: number }>;
}

/** Label values escape backslash, double quote and newline, as the text format requires. */
function labelValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function sampleLine(name: string, labels: Labels, value: number): string {
  const pairs = Object.entries(labels).map(([key, text]) => `${key}="${labelValue(text)}"`);
  return `${name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${Number.isFinite(value) ? String(value) : 'NaN'}`;
}

function epochSeconds(iso: string | null): number | null {
  if (!iso) return null;
  const time = Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  return Number.isNaN(time) ? null : time / 1000;
}

/**
 * The serving table in Prometheus' text exposition format (version 0.0.4): per KPI,
 * entity and window its status code, value and bounds, with counts per status and the
 * time of the last build, so document 004's alert rules can be written in PromQL.
 */
export function prometheusText(rows: readonly ServingRow[], context: DashboardContext): string {
  const kpis = new Map(context.catalog.kpis.map((kpi) => [kpi.id, kpi]));
  const entities = new Map(context.catalog.entities.map((entity) => [entity.id, entity]));
  const families: Family[] = [
    { name: 'kpi_status', help: 'KPI status on the newest as-of date: 2 red, 1 yellow, 0 green, -1 grey (no value or too little history), -2 expected (a kpi_events day).', samples: [] },
    { name: 'kpi_value', help: "The KPI's value on the newest as-of date (currency in the mart's unit, counts, percents as fractions).", samples: [] },
    { name: 'kpi_lower_threshold', help: "The lower bound of the KPI's expected range for the window.", samples: [] },
    { name: 'kpi_upper_threshold', help: "The upper bound of the KPI's expected range for the window.", samples: [] },
    { name: 'kpi_status_count', help: 'How many KPIs have each status, per entity and window.', samples: [] },
  ];
  const [status, value, lower, upper, count] = families;
  const counts = new Map<string, { labels: Labels; value: number }>();
  for (const row of rows) {
    const kpi = kpis.get(row.kpiId);
    const entity = entities.get(row.entityId);
    const entityCode = entity?.code ?? String(row.entityId);
    const labels: Labels = { kpi: kpi?.code ?? String(row.kpiId), kpi_name: kpi?.name ?? '', section: kpi?.section ?? '', entity: entityCode, window: String(row.window) };
    status.samples.push({ labels, value: STATUS_CODES[row.status] ?? -1 });
    if (row.value !== null) value.samples.push({ labels, value: row.value });
    if (row.lower !== null) lower.samples.push({ labels, value: row.lower });
    if (row.upper !== null) upper.samples.push({ labels, value: row.upper });
    for (const name of Object.keys(STATUS_CODES)) {
      const key = `${entityCode}\u0000${row.window}\u0000${name}`;
      const entry = counts.get(key) ?? { labels: { entity: entityCode, window: String(row.window), status: name }, value: 0 };
      if (row.status === name) entry.value += 1;
      counts.set(key, entry);
    }
  }
  count.samples.push(...counts.values());
  const asOf = epochSeconds(rows[0]?.date ?? null);
  if (asOf !== null) families.push({ name: 'kpi_as_of_date_timestamp_seconds', help: 'The as-of date the statuses are for (midnight UTC), as a Unix time.', samples: [{ labels: {}, value: asOf }] });
  const built = epochSeconds(context.version.lastBuild);
  if (built !== null) families.push({ name: 'kpi_last_build_timestamp_seconds', help: 'When the KPI mart was last built, as a Unix time.', samples: [{ labels: {}, value: built }] });
  const lines: string[] = [];
  for (const family of families) {
    if (family.samples.length === 0) continue;
    lines.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} gauge`);
    for (const sample of family.samples) lines.push(sampleLine(family.name, sample.labels, sample.value));
  }
  return `${lines.join('\n')}\n`;
}
