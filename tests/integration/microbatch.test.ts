import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retry, run, type RunOptions, type RunSummary } from '../../src/api.js';
import { KpiError } from '../../src/errors.js';
import type { RunEvent } from '../../src/execution/types.js';
import { databaseKinds, openTestDatabase, uniqueSchema, type TestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir, writeFile } from '../helpers/fixtures.js';
import { tableRows } from '../helpers/tables.js';
import { kpi, profileYaml } from '../helpers/cli.js';

/** A project whose events are a table model; the microbatch model reads it by ref, filtered per batch. */
function project(extra: Record<string, string> = {}): string {
  return makeProject({
    'kpi_project.yml': 'name: batches\n',
    // Seven hours apart from 2024-03-01 07:00: every day has three or four events.
    'models/events.sql': `{{ config(materialized='table', event_time='occurred_at') }}
select g as id, timestamp '2024-03-01' + g * interval '7 hours' as occurred_at, g as amount
from generate_series(1, 12) g
union all select id, occurred_at, amount from (values (100, timestamp '2024-03-02 12:00', 100)) late(id, occurred_at, amount) where {{ var('late', false) }}`,
    'models/shops.sql': "{{ config(materialized='table') }}\nselect 1 as shop_id, 'Main' as shop",
    'models/daily.sql': `{{ config(materialized='incremental', incremental_strategy='microbatch', unique_key='id', event_time='occurred_at',
  batch_size='day', begin='2024-03-01', lookback=1) }}
select e.id, e.occurred_at, 100 / (e.amount - {{ var('poison', 0) }}) as share, s.shop, '{{ model.batch.id }}' as batch_id,
  (select count(*) from {{ ref('events').render() }}) as all_events
from {{ ref('events') }} e cross join {{ ref('shops') }} s`,
    'models/downstream.sql': "{{ config(materialized='table') }}\nselect count(*) as n from {{ ref('daily') }}",
    ...extra,
  });
}

const NOW = new Date('2024-03-04T10:00:00Z');

/** The batches of the `daily` model, as they finished. */
function batchLines(events: RunEvent[], model = 'daily'): string[] {
  return events.flatMap((event) => (event.type === 'batch_finished' && event.node.name === model ? [`${event.batch.index}/${event.batch.total} ${event.batch.label} ${event.status}`] : []));
}

for (const kind of databaseKinds()) {
  describe(`microbatch models on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    function runner(dir: string) {
      const target = db.target();
      const exec = async (options: RunOptions = {}) => {
        const events: RunEvent[] = [];
        const summary = await run({ projectDir: dir, targetConfig: target, adapter: db.adapter, now: NOW, onEvent: (event) => events.push(event), ...options });
        return { summary, events, batches: batchLines(events), fromSource: batchLines(events, 'from_source') };
      };
      const again = async (options: { vars?: Record<string, unknown> } = {}) => {
        const events: RunEvent[] = [];
        const summary = await retry({ projectDir: dir, targetConfig: target, adapter: db.adapter, now: NOW, onEvent: (event) => events.push(event), ...options });
        return { summary, events, batches: batchLines(events) };
      };
      return { target, exec, again, rows: (table: string) => tableRows(db, target.schema, table) };
    }

    const statuses = (summary: RunSummary) => Object.fromEntries(summary.results.map((result) => [result.unique_id.split('.').pop(), result.status]));

    it('builds batch by batch from begin, reading only each batch of the inputs that declare event_time', async () => {
      const dir = project();
      const r = runner(dir);
      // A source that declares event_time is filtered the same way (here the events table, read as a source).
      writeFile(dir, 'models/sources.yml', `sources:\n  - name: landed\n    schema: ${r.target.schema}\n    tables:\n      - name: events\n        config:\n          event_time: occurred_at\n`);
      writeFile(
        dir,
        'models/from_source.sql',
        `{{ config(materialized='incremental', incremental_strategy='microbatch', unique_key='id', event_time='occurred_at', batch_size='month', begin='2024-03-01') }}
-- depends_on: {{ ref('events').render() }} (the source is that model's table: build it first)
select id, '{{ model.batch.event_time_start }}' as batch_start from {{ source('landed', 'events') }} as landed`,
      );
      const first = await r.exec();
      expect(statuses(first.summary)).toEqual({ events: 'success', shops: 'success', daily: 'success', from_source: 'success', downstream: 'success' });
      expect(await r.rows('from_source')).toHaveLength(12);
      expect(new Set((await r.rows('from_source')).map((row) => row.batch_start))).toEqual(new Set(['2024-03-01 00:00:00+00:00']));
      expect(readFileSync(join(dir, 'target/compiled/batches/models/from_source/from_source_2024-03.sql'), 'utf8')).toContain(
        `select * from "${r.target.schema}"."events"\nwhere "occurred_at" >= '2024-03-01 00:00:00+00:00' and "occurred_at" < '2024-04-01 00:00:00+00:00'`,
      );
      writeFile(dir, 'models/from_source.sql', '{{ config(enabled=false) }}\nselect 1 as id');
      expect(first.batches).toEqual(['1/4 2024-03-01 success', '2/4 2024-03-02 success', '3/4 2024-03-03 success', '4/4 2024-03-04 success']);
      expect(first.fromSource).toEqual(['1/1 2024-03 success']);
      const rows = await r.rows('daily');
      // Events 1..12 fall on 2024-03-01..2024-03-04; each row was built by the batch of its own day.
      expect(rows.map((row) => [row.id, row.batch_id])).toEqual([
        [1, '20240301'],
        [2, '20240301'],
        [3, '20240301'],
        [4, '20240302'],
        [5, '20240302'],
        [6, '20240302'],
        [7, '20240303'],
        [8, '20240303'],
        [9, '20240303'],
        [10, '20240303'],
        [11, '20240304'],
        [12, '20240304'],
      ]);
      // ref('events') was filtered to the batch; ref('events').render() and ref('shops') (no event_time) were not.
      expect(new Set(rows.map((row) => row.all_events))).toEqual(new Set([12]));
      expect(new Set(rows.map((row) => row.shop))).toEqual(new Set(['Main']));
      const compiled = readFileSync(join(dir, 'target/compiled/batches/models/daily/daily_2024-03-02.sql'), 'utf8');
      // The batch's rows of an input come in as a CTE, so the model can alias the ref like a table.
      const cte = [
        'with "__kpi_batch__events" as (',
        `select * from "${r.target.schema}"."events"`,
        `where "occurred_at" >= '2024-03-02 00:00:00+00:00' and "occurred_at" < '2024-03-03 00:00:00+00:00'`,
        ')',
      ];
      expect(compiled.startsWith(cte.join('\n'))).toBe(true);
      expect(compiled).toContain(`from "__kpi_batch__events" e cross join "${r.target.schema}"."shops" s`);
      expect(compiled).toContain(`(select count(*) from "${r.target.schema}"."events") as all_events`);
      const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
      expect(results.results.find((result: { unique_id: string }) => result.unique_id === 'model.batches.daily').detail.batch_results).toEqual({
        successful: [
          ['2024-03-01T00:00:00Z', '2024-03-02T00:00:00Z'],
          ['2024-03-02T00:00:00Z', '2024-03-03T00:00:00Z'],
          ['2024-03-03T00:00:00Z', '2024-03-04T00:00:00Z'],
          ['2024-03-04T00:00:00Z', '2024-03-05T00:00:00Z'],
        ],
        failed: [],
      });

      // The next day's run: the current batch and `lookback` (1) before it; a late event of 2024-03-02 is left to a backfill.
      const next = await r.exec({ now: new Date('2024-03-05T01:00:00Z'), vars: { late: true } });
      expect(next.batches).toEqual(['1/2 2024-03-04 success', '2/2 2024-03-05 success']);
      expect((await r.rows('daily')).map((row) => row.id)).not.toContain(100);
      // Running the same batches again changes nothing.
      const before = await r.rows('daily');
      await r.exec({ now: new Date('2024-03-05T01:00:00Z'), vars: { late: true } });
      expect(await r.rows('daily')).toEqual(before);

      // A backfill of a range picks it up, batch by batch.
      const backfill = await r.exec({ vars: { late: true }, select: ['daily'], eventTimeStart: '2024-03-02', eventTimeEnd: '2024-03-03 06:00' });
      expect(backfill.batches).toEqual(['1/2 2024-03-02 success', '2/2 2024-03-03 success']);
      expect((await r.rows('daily')).find((row) => row.id === 100)).toMatchObject({ batch_id: '20240302', share: 1 });

      // --full-refresh rebuilds from begin: the first batch replaces the table (a stray row goes), the others merge into it.
      await db.query(`insert into "${r.target.schema}".daily (id) values (999)`);
      const rebuilt = await r.exec({ select: ['daily'], fullRefresh: true });
      expect(rebuilt.batches).toEqual(['1/4 2024-03-01 success', '2/4 2024-03-02 success', '3/4 2024-03-03 success', '4/4 2024-03-04 success']);
      expect((await r.rows('daily')).map((row) => row.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 100]);
      removeDir(dir);
    });

    it('keeps the batches that succeeded when one fails, and retry runs only the failed batch and what was skipped', async () => {
      const dir = project();
      const r = runner(dir);
      // Event 6 (2024-03-02) divides by zero: that batch fails, the others go in; the model's child is skipped.
      const failed = await r.exec({ vars: { poison: 6 } });
      expect(failed.summary.success).toBe(false);
      expect(statuses(failed.summary)).toEqual({ events: 'success', shops: 'success', daily: 'partial success', downstream: 'skipped' });
      expect(failed.batches).toEqual(['1/4 2024-03-01 success', '2/4 2024-03-02 error', '3/4 2024-03-03 success', '4/4 2024-03-04 success']);
      const daily = failed.summary.results.find((result) => result.unique_id === 'model.batches.daily');
      expect(daily?.message).toMatch(/^PARTIAL SUCCESS \(3\/4\)\nbatch 2024-03-02: .*division by zero/);
      expect((await r.rows('daily')).map((row) => row.id)).toEqual([1, 2, 3, 7, 8, 9, 10, 11, 12]);

      // Retried with the cause fixed: one batch, then the skipped child; the models that succeeded do not run.
      const retried = await r.again({ vars: { poison: 0 } });
      expect(retried.summary.success).toBe(true);
      expect(statuses(retried.summary)).toEqual({ daily: 'success', downstream: 'success' });
      expect(retried.batches).toEqual(['1/1 2024-03-02 success']);
      expect((await r.rows('daily')).map((row) => row.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      expect(await r.rows('downstream')).toEqual([{ n: 12 }]);
      const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
      expect(results.results.find((result: { unique_id: string }) => result.unique_id === 'model.batches.daily').detail.batch_results.successful).toHaveLength(4);

      // Nothing left to retry: nothing runs.
      const nothing = await r.again();
      expect(nothing.summary.results).toEqual([]);
      removeDir(dir);
    });

    it('skips the remaining batches when the first one fails, and retries the whole model then', async () => {
      const dir = project();
      const r = runner(dir);
      const failed = await r.exec({ vars: { poison: 2 } });
      expect(statuses(failed.summary)).toMatchObject({ daily: 'error', downstream: 'skipped' });
      expect(failed.batches).toEqual(['1/4 2024-03-01 error', '2/4 2024-03-02 skipped', '3/4 2024-03-03 skipped', '4/4 2024-03-04 skipped']);
      expect(await db.query(`select count(*)::int as n from information_schema.tables where table_schema = $1 and table_name = 'daily'`, [r.target.schema])).toEqual([{ n: 0 }]);
      const retried = await r.again({ vars: { poison: 0 } });
      expect(retried.batches).toEqual(['1/4 2024-03-01 success', '2/4 2024-03-02 success', '3/4 2024-03-03 success', '4/4 2024-03-04 success']);
      expect(await r.rows('downstream')).toEqual([{ n: 12 }]);
      removeDir(dir);
    });

    it('retries the failed and skipped nodes of any run, with its flags', async () => {
      const dir = project({ 'models/broken.sql': "{{ config(materialized='table') }}\nselect 1 / {{ var('divisor', 0) }} as x", 'models/after_broken.sql': "select * from {{ ref('broken') }}" });
      const r = runner(dir);
      const first = await r.exec({ select: ['shops', 'broken+'] });
      expect(statuses(first.summary)).toEqual({ shops: 'success', broken: 'error', after_broken: 'skipped' });
      const second = await r.again({ vars: { divisor: 1 } });
      expect(statuses(second.summary)).toEqual({ broken: 'success', after_broken: 'success' });

      const empty = makeProject({ 'kpi_project.yml': 'name: empty\n' });
      const error = await retry({ projectDir: empty, targetConfig: r.target }).catch((caught: unknown) => caught);
      removeDir(empty);
      expect(error).toBeInstanceOf(KpiError);
      expect((error as KpiError).code).toBe('KPI_STATE_NOT_FOUND');
      const usage = await r.exec({ eventTimeStart: '2024-03-01' }).catch((caught: unknown) => caught);
      expect((usage as KpiError).code).toBe('KPI_USAGE');
      expect((usage as KpiError).message).toMatch(/--event-time-start and --event-time-end go together/);
      removeDir(dir);
    });
  });
}

for (const kind of databaseKinds()) {
  describe(`microbatch from the kpi binary on ${kind}`, () => {
    let db: TestDatabase | undefined;
    beforeAll(async () => {
      if (kind === 'postgres') db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db?.close();
    });

    it('backfills with --event-time-start/--event-time-end, reports batches as dbt does, and retries the failed batch', async () => {
      const dir = project();
      writeFile(dir, 'profiles.yml', profileYaml('batches', kind, db ? db.target().schema : uniqueSchema()));
      const base = ['--project-dir', dir, '--profiles-dir', dir];
      const backfill = await kpi(['run', ...base, '--vars', '{poison: 6}', '--event-time-start', '2024-03-01', '--event-time-end', '2024-03-03']);
      expect(backfill.stderr).toBe('');
      expect(backfill.code).toBe(1);
      expect(backfill.stdout).toMatch(/Batch 1 of 2 START batch 2024-03-01 of \S+\.daily \.+ \[RUN\]/);
      expect(backfill.stdout).toMatch(/Batch 1 of 2 OK created batch 2024-03-01 of \S+\.daily \.+ \[SELECT 3 in \d+\.\d+s\]/);
      expect(backfill.stdout).toMatch(/Batch 2 of 2 ERROR creating batch 2024-03-02 of \S+\.daily \.+ \[ERROR in \d+\.\d+s\]/);
      expect(backfill.stdout).toMatch(/PARTIALLY created sql incremental model \S+\.daily \.+ \[PARTIAL SUCCESS \(1\/2\) in \d+\.\d+s\]/);
      expect(backfill.stdout).toMatch(/Completed with 1 partial success and 0 warnings/);
      expect(backfill.stdout).toMatch(/Done\. PASS=2 WARN=0 ERROR=1 SKIP=1 TOTAL=4/);

      const retried = await kpi(['retry', ...base, '--vars', '{poison: 0}']);
      expect(retried.stderr).toBe('');
      expect(retried.code).toBe(0);
      expect(retried.stdout).toMatch(/Batch 1 of 1 OK created batch 2024-03-02 of \S+\.daily \.+ \[MERGE 3 in \d+\.\d+s\]/);
      expect(retried.stdout).toMatch(/Done\. PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2/);

      const bad = await kpi(['run', ...base, '--event-time-end', '2024-03-03']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/KPI_USAGE: --event-time-start and --event-time-end go together/);
      removeDir(dir);
    });
  });
}
