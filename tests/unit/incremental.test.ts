import { describe, expect, it } from 'vitest';
import { KpiError } from '../../src/errors.js';
import { diffColumns } from '../../src/materializations/incremental/diff-columns.js';
import { parseUtcTimestamp, resolveIncrementalConfig } from '../../src/materializations/incremental/incremental-config.js';
import { batchId, batchLabel, ceilTime, offsetTime, planBatches, truncateTime } from '../../src/materializations/incremental/microbatch/batch-windows.js';
import { parseEventTimeRange } from '../../src/materializations/incremental/microbatch/event-time-range.js';
import { planSchemaChange } from '../../src/materializations/incremental/plan-schema-change.js';
import type { ManifestNode } from '../../src/manifest/types.js';

// The SQL of each strategy and schema change is held as golden files (tests/golden/incremental-*.sql, tests/unit/ddl-goldens.test.ts).

function node(config: Record<string, unknown>): ManifestNode {
  return { name: 'orders', unique_id: 'model.p.orders', original_file_path: 'models/orders.sql', config: { materialized: 'incremental', ...config } } as unknown as ManifestNode;
}

function configError(config: Record<string, unknown>): string {
  try {
    resolveIncrementalConfig(node(config));
  } catch (error) {
    expect(error).toBeInstanceOf(KpiError);
    expect((error as KpiError).code).toBe('KPI_CONFIG_INVALID');
    expect((error as KpiError).location).toEqual({ file: 'models/orders.sql' });
    return (error as KpiError).message;
  }
  throw new Error('expected a config error');
}

const utc = (text: string) => new Date(`${text}Z`);
const windows = (list: Array<{ start: Date; end: Date }>) => list.map((window) => `${window.start.toISOString().slice(0, 16)}..${window.end.toISOString().slice(0, 16)}`);

describe('incremental config', () => {
  it("defaults as dbt-postgres: delete+insert with a unique_key, append without, on_schema_change 'ignore'", () => {
    expect(resolveIncrementalConfig(node({ unique_key: 'id' }))).toMatchObject({ strategy: 'delete+insert', apply: 'delete+insert', uniqueKey: ['id'], onSchemaChange: 'ignore' });
    expect(resolveIncrementalConfig(node({}))).toMatchObject({ strategy: 'append', uniqueKey: [] });
    // A comma-separated key is a composite key; microbatch applies each batch by merge (dbt-postgres).
    expect(resolveIncrementalConfig(node({ unique_key: 'day, shop', incremental_strategy: 'merge' })).uniqueKey).toEqual(['day', 'shop']);
    const microbatch = resolveIncrementalConfig(node({ incremental_strategy: 'microbatch', unique_key: 'id', event_time: 'ts', batch_size: 'hour', begin: '2024-01-01' }));
    expect(microbatch).toMatchObject({ apply: 'merge', microbatch: { eventTime: 'ts', batchSize: 'hour', begin: utc('2024-01-01T00:00:00'), lookback: 1 } });
  });

  it('reports every problem at once, with did-you-mean', () => {
    expect(configError({ incremental_strategy: 'delete_insert', unique_key: 'id' })).toMatch(/incremental_strategy='delete_insert' is not one of .*Did you mean 'delete\+insert'\?/);
    expect(configError({ incremental_strategy: 'merge' })).toMatch(/needs a unique_key/);
    expect(configError({ incremental_strategy: 'delete+insert', unique_key: [] })).toMatch(/needs a unique_key/);
    expect(configError({ unique_key: "date_key || '-' || kpi_id" })).toMatch(/unique_key must name columns of the model/);
    expect(configError({ unique_key: 'id', on_schema_change: 'sync_all' })).toMatch(/Did you mean 'sync_all_columns'\?/);
    expect(configError({ incremental_strategy: 'merge', unique_key: 'id', merge_update_columns: ['a'], merge_exclude_columns: ['b'] })).toMatch(/cannot both be set/);
    expect(configError({ unique_key: 'id', merge_update_columns: ['a'] })).toMatch(/apply to the merge strategy only/);
    const microbatch = configError({ incremental_strategy: 'microbatch', batch_size: 'week', begin: '2024-02-30', lookback: -1 });
    expect(microbatch).toMatch(/needs a unique_key on Postgres/);
    expect(microbatch).toMatch(/needs event_time/);
    expect(microbatch).toMatch(/batch_size='week' is not one of hour, day, month, year/);
    expect(microbatch).toMatch(/begin='2024-02-30' is not a date/);
    expect(microbatch).toMatch(/lookback must be a whole number of batches/);
  });

  it('reads begin and the event-time flags as UTC dates or date-times', () => {
    expect(parseUtcTimestamp('2024-02-29')).toEqual(utc('2024-02-29T00:00:00'));
    expect(parseUtcTimestamp('2024-02-29 13:45')).toEqual(utc('2024-02-29T13:45:00'));
    expect(parseUtcTimestamp('2024-02-29T13:45:10+00:00')).toEqual(utc('2024-02-29T13:45:10'));
    expect(parseUtcTimestamp('2023-02-29')).toBeNull();
    expect(parseUtcTimestamp('yesterday')).toBeNull();
    expect(parseEventTimeRange('2024-09-01', '2024-09-04')).toEqual({ eventTimeStart: utc('2024-09-01T00:00:00'), eventTimeEnd: utc('2024-09-04T00:00:00') });
    expect(() => parseEventTimeRange('2024-09-04', '2024-09-01')).toThrow(/must come before/);
    expect(() => parseEventTimeRange(undefined, '2024-09-01')).toThrow(/only --event-time-end was given/);
  });
});

describe('schema changes', () => {
  const table = [
    { name: 'id', type: 'integer' },
    { name: 'code', type: 'character varying(5)' },
    { name: 'label', type: 'character varying(20)' },
    { name: 'gone', type: 'text' },
  ];
  const model = [
    { name: 'id', type: 'bigint' },
    { name: 'code', type: 'character varying(10)' },
    { name: 'label', type: 'character varying(8)' },
    { name: 'new', type: 'date' },
  ];
  const diff = diffColumns(model, table);

  it('tells added, removed and retyped columns apart from varchar columns to widen (a shorter string fits as is)', () => {
    expect(diff).toEqual({
      added: [{ name: 'new', type: 'date' }],
      removed: [{ name: 'gone', type: 'text' }],
      retyped: [{ name: 'id', from: 'integer', to: 'bigint' }],
      widened: [{ name: 'code', from: 'character varying(5)', to: 'character varying(10)' }],
    });
    expect(diffColumns([{ name: 'a', type: 'text' }], [{ name: 'a', type: 'character varying(3)' }]).widened).toEqual([{ name: 'a', from: 'character varying(3)', to: 'text' }]);
    expect(diffColumns([{ name: 'a', type: 'character varying(3)' }], [{ name: 'a', type: 'text' }])).toMatchObject({ widened: [], retyped: [] });
  });

  it('plans each on_schema_change mode as dbt-postgres applies it', () => {
    const context = { node: 'model.p.orders', table: 'mart.orders', source: model, target: table };
    expect(() => planSchemaChange('ignore', diff, context)).toThrow(/no longer returns \(gone\)/);
    const kept = diffColumns(model.slice(0, 3), table.slice(0, 3));
    expect(planSchemaChange('ignore', kept, { ...context, target: table.slice(0, 3) })).toEqual({ add: [], drop: [], retype: kept.widened, destColumns: ['id', 'code', 'label'] });
    expect(() => planSchemaChange('fail', diff, context)).toThrow(/new in the model: new \(date\); no longer in the model: gone; type changed: id integer -> bigint/);
    expect(planSchemaChange('append_new_columns', diff, context)).toEqual({ add: diff.added, drop: [], retype: diff.widened, destColumns: ['id', 'code', 'label', 'new'] });
    expect(planSchemaChange('sync_all_columns', diff, context)).toEqual({ add: diff.added, drop: ['gone'], retype: [...diff.widened, ...diff.retyped], destColumns: ['id', 'code', 'label', 'new'] });
  });
});

describe('microbatch batches', () => {
  it('truncates, offsets and rounds up by hour, day, month and year (leap years and year ends included)', () => {
    const t = utc('2024-02-29T16:06:00');
    expect(['hour', 'day', 'month', 'year'].map((size) => truncateTime(t, size as 'day').toISOString())).toEqual([
      '2024-02-29T16:00:00.000Z',
      '2024-02-29T00:00:00.000Z',
      '2024-02-01T00:00:00.000Z',
      '2024-01-01T00:00:00.000Z',
    ]);
    expect(offsetTime(t, 'day', 1)).toEqual(utc('2024-03-01T00:00:00'));
    expect(offsetTime(utc('2024-12-31T23:59:59'), 'day', 1)).toEqual(utc('2025-01-01T00:00:00'));
    expect(offsetTime(utc('2024-03-31T10:00:00'), 'month', -1)).toEqual(utc('2024-02-01T00:00:00'));
    expect(offsetTime(utc('2024-01-15T00:00:00'), 'month', -2)).toEqual(utc('2023-11-01T00:00:00'));
    expect(offsetTime(t, 'hour', -17)).toEqual(utc('2024-02-28T23:00:00'));
    expect(ceilTime(t, 'day')).toEqual(utc('2024-03-01T00:00:00'));
    expect(ceilTime(utc('2024-03-01T00:00:00'), 'day')).toEqual(utc('2024-03-01T00:00:00'));
    expect(['hour', 'day', 'month', 'year'].map((size) => batchLabel(t, size as 'day'))).toEqual(['2024-02-29T16', '2024-02-29', '2024-02', '2024']);
    expect(batchId(t, 'day')).toBe('20240229');
  });

  it('plans a first run from begin, an incremental run as the current batch plus lookback, and a backfill from its flags', () => {
    const config = { eventTime: 'ts', batchSize: 'day' as const, begin: utc('2024-02-27T12:00:00'), lookback: 1 };
    const now = utc('2024-03-01T10:00:00');
    expect(windows(planBatches(config, { incremental: false, now }))).toEqual([
      '2024-02-27T00:00..2024-02-28T00:00',
      '2024-02-28T00:00..2024-02-29T00:00',
      '2024-02-29T00:00..2024-03-01T00:00',
      '2024-03-01T00:00..2024-03-02T00:00',
    ]);
    expect(windows(planBatches(config, { incremental: true, now }))).toEqual(['2024-02-29T00:00..2024-03-01T00:00', '2024-03-01T00:00..2024-03-02T00:00']);
    expect(windows(planBatches({ ...config, lookback: 0 }, { incremental: true, now: utc('2024-03-01T00:00:00') }))).toEqual(['2024-02-29T00:00..2024-03-01T00:00']);
    // A backfill's end is rounded up to a whole batch; its start down.
    expect(windows(planBatches(config, { incremental: true, now, eventTimeStart: utc('2024-01-31T05:00:00'), eventTimeEnd: utc('2024-02-01T06:00:00') }))).toEqual([
      '2024-01-31T00:00..2024-02-01T00:00',
      '2024-02-01T00:00..2024-02-02T00:00',
    ]);
    expect(windows(planBatches({ ...config, batchSize: 'month' }, { incremental: true, now }))).toEqual(['2024-02-01T00:00..2024-03-01T00:00', '2024-03-01T00:00..2024-04-01T00:00']);
    expect(planBatches({ ...config, begin: utc('2024-04-01T00:00:00') }, { incremental: false, now })).toEqual([]);
  });
});
