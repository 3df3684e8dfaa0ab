/**
 * Is a daily increment's cost flat in the length of history? The KPI project built twice,
 * one with 10 months of history and one with 10 years, then daily increments of both,
 * taken in turns in one run so the machine's load falls on both alike. Prints each heavy
 * model's median increment and the ratio of the long history to the short one (issue 18
 * asks for at most 1.5).
 *
 *   npx tsx bench/increment-history.ts                       # server, 1 location, 5 increments each
 *   npx tsx bench/increment-history.ts --entities 10 --days 7 --databases pglite
 *   KPI_TEST_PG_URL=postgres://... selects the server (default postgres://postgres@127.0.0.1:5432/test)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { execute, run } from '../src/api.js';
import type { Adapter } from '../src/adapters/adapter.js';
import { PgliteAdapter } from '../src/adapters/pglite/pglite-adapter.js';
import { PostgresAdapter } from '../src/adapters/postgres/postgres-adapter.js';
import { TEXT_PARSERS } from '../src/adapters/type-parsers.js';
import { targetFromUrl, type TargetConfig } from '../src/config/profiles.js';
import type { NodeResult } from '../src/execution/types.js';
import { addDays, copyKpiProject } from '../tests/helpers/kpi-project.js';
import { removeDir } from '../tests/helpers/fixtures.js';

const url = process.env.KPI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const HEAVY = ['fact_kpi_daily', 'agg_kpi_dashboard', 'kpi_thresholds', 'kpi_status_history', 'kpi_serving'];
const yesterday = addDays(new Date().toISOString().slice(0, 10), -1);

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

const locations = Number(option('--entities', '1'));
const days = Number(option('--days', '5'));
const database = option('--databases', 'server');

interface History {
  label: string;
  start: string;
  dir: string;
  target: TargetConfig;
  /** Per increment: the whole run's seconds and each model's. */
  increments: Array<{ total: number; results: NodeResult[] }>;
}

function writeEntities(dir: string): void {
  const rows = ['entity_id,entity_code,entity_name,entity_type,parent_entity_id', '0,ALL,All locations,total,'];
  for (let i = 1; i <= locations; i++) rows.push(`${i},LOC${i},Location ${i},location,0`);
  writeFileSync(join(dir, 'seeds/dim_entity.csv'), `${rows.join('\n')}\n`);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

function seconds(results: NodeResult[], name: string): number {
  return results.find((result) => result.unique_id.endsWith(`.${name}`))?.execution_time ?? NaN;
}

async function measure(adapter: Adapter, targetFor: (name: string) => TargetConfig): Promise<void> {
  const threads = adapter.capabilities.parallel ? 4 : 1;
  const histories: History[] = [
    { label: '10 months', start: addDays(yesterday, -304), dir: copyKpiProject(), target: targetFor('kpi_hist_months'), increments: [] },
    { label: '10 years', start: addDays(yesterday, -3652), dir: copyKpiProject(), target: targetFor('kpi_hist_years'), increments: [] },
  ];
  const vars = (history: History, end: string) => ({ demo_entities: locations, demo_start_date: history.start, demo_end_date: end });
  try {
    for (const history of histories) {
      writeEntities(history.dir);
      const options = { projectDir: history.dir, targetConfig: history.target, adapter, threads, vars: vars(history, yesterday) };
      await execute('seed', options);
      const started = performance.now();
      const full = await run(options);
      if (!full.success) throw new Error(`${history.label}: the full build failed`);
      console.log(`${history.label} (from ${history.start}): full build ${((performance.now() - started) / 1000).toFixed(2)} s`);
    }
    // Day 1 is the first increment after a full build (it also pays for the new tables' first
    // reads); it is reported apart and left out of the medians.
    for (let day = 1; day <= days; day++) {
      for (const history of histories) {
        const started = performance.now();
        const increment = await run({ projectDir: history.dir, targetConfig: history.target, adapter, threads, vars: vars(history, addDays(yesterday, day)) });
        if (!increment.success) throw new Error(`${history.label}: increment ${day} failed`);
        history.increments.push({ total: (performance.now() - started) / 1000, results: increment.results });
      }
    }
    console.log(`\n${database}, ${locations} location(s), ${days} increments each, in turns (load ${loadavg()[0].toFixed(1)})`);
    const [short, long] = histories;
    const row = (name: string, pick: (increment: History['increments'][number]) => number) => {
      const a = median(short.increments.slice(1).map(pick));
      const b = median(long.increments.slice(1).map(pick));
      const first = `${pick(short.increments[0]).toFixed(3)} / ${pick(long.increments[0]).toFixed(3)} s`;
      console.log(`  ${name.padEnd(20)} ${a.toFixed(3)} s | ${b.toFixed(3)} s | ratio ${(b / a).toFixed(2)} | first increment ${first}`);
    };
    console.log(`  ${''.padEnd(20)} median: 10 months | 10 years`);
    row('all models (run)', (increment) => increment.total);
    for (const model of HEAVY) row(model, (increment) => seconds(increment.results, model));
  } finally {
    await adapter.withConnection(async (connection) => {
      for (const history of histories) for (const suffix of ['', '_raw', '_analytics']) await connection.query(`drop schema if exists "${history.target.schema}${suffix}" cascade`);
    });
    for (const history of histories) removeDir(history.dir);
  }
}

if (database === 'pglite') {
  const dataDir = mkdtempSync(join(tmpdir(), 'kpi-bench-pglite-'));
  const db = await PGlite.create(dataDir, { parsers: TEXT_PARSERS });
  const adapter = await PgliteAdapter.open({ db });
  try {
    await measure(adapter, (schema) => ({ type: 'pglite', name: 'dev', profileName: 'bench', schema, threads: 1, path: dataDir }));
  } finally {
    await db.close();
    removeDir(dataDir);
  }
} else {
  const server = new PostgresAdapter({ url, poolSize: 6 });
  try {
    await measure(server, (schema) => targetFromUrl(url, schema, 4));
  } finally {
    await server.close();
  }
}
