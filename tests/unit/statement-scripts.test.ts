import { describe, expect, it } from 'vitest';
import type { Connection, QueryResult } from '../../src/adapters/adapter.js';
import { queryColumns } from '../../src/adapters/catalog.js';
import type { ManifestNode } from '../../src/manifest/types.js';
import type { MaterializationContext } from '../../src/materializations/materialization.js';
import { runSteps } from '../../src/materializations/run-steps.js';
import { statement, type Step } from '../../src/materializations/step.js';

const EMPTY: QueryResult = { rows: [], fields: [], rowCount: 0, command: 'SELECT' };

/** A context that writes down what it was asked to run: `run` one statement, `runScript` several. */
function recordingContext(withScript: boolean): { context: Pick<MaterializationContext, 'node' | 'run' | 'renderHook' | 'runScript'>; calls: string[] } {
  const calls: string[] = [];
  const node = { unique_id: 'model.p.m', config: { pre_hook: [], post_hook: [{ sql: 'select 1', transaction: true }] } } as unknown as ManifestNode;
  return {
    calls,
    context: {
      node,
      run: async (sql) => {
        calls.push(`run ${sql}`);
        return { ...EMPTY, command: sql.split(' ')[0].toUpperCase() };
      },
      renderHook: async (hook) => hook.sql,
      ...(withScript ? { runScript: async (statements: readonly string[]) => void calls.push(`script ${statements.join(' | ')}`) } : {}),
    },
  };
}

const STEPS: Step[] = [
  statement('analyze a'),
  statement('comment on table a is $$x$$'),
  statement('insert into a select 1', 'apply'),
  statement('comment on column a.x is $$y$$'),
  statement('comment on column a.z is $$w$$'),
  statement('grant select on a to r'),
  { kind: 'hooks', hook: 'post_hook', inTransaction: true },
  statement('alter table a add b int -- a note'),
  statement('comment on column a.b is $$v$$'),
];

describe('statements of one transaction as one script', () => {
  it('sends consecutive statements without a role in one round trip, in order, and results of roles one by one', async () => {
    const { context, calls } = recordingContext(true);
    const outcomes = await runSteps(context, STEPS, { inTransaction: true });
    expect(calls).toEqual([
      'script analyze a | comment on table a is $$x$$',
      'run insert into a select 1',
      'script comment on column a.x is $$y$$ | comment on column a.z is $$w$$ | grant select on a to r',
      // the post-hook runs through `run` (rendered), between the scripts, in the plan's order
      'run select 1',
      // a line comment could swallow the separator: that statement goes alone, and so does a lone one
      'run alter table a add b int -- a note',
      'run comment on column a.b is $$v$$',
    ]);
    // One outcome per step, in order; the apply statement keeps its result.
    expect(outcomes.map((outcome) => outcome.step)).toEqual(STEPS);
    expect(outcomes[2].result?.command).toBe('INSERT');
    expect(outcomes[0].result).toBeNull();
  });

  it('runs each statement alone outside a transaction, or where the context has no script runner (Citus)', async () => {
    const expected = ['run analyze a', 'run comment on table a is $$x$$', 'run insert into a select 1', 'run comment on column a.x is $$y$$', 'run comment on column a.z is $$w$$'];
    for (const [withScript, inTransaction] of [
      [true, false],
      [false, true],
    ]) {
      const { context, calls } = recordingContext(withScript);
      await runSteps(context, STEPS.slice(0, 5), { inTransaction });
      expect(calls).toEqual(expected);
    }
  });

  it('reports a failed script through the failure handler, as the first statement of it', async () => {
    const { context } = recordingContext(true);
    context.runScript = async () => {
      throw new Error('role "r" does not exist');
    };
    const seen: Step[] = [];
    const error = await runSteps(context, STEPS.slice(3, 6), {
      inTransaction: true,
      failure: (step) => {
        seen.push(step);
        return undefined;
      },
    }).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe('role "r" does not exist');
    expect(seen).toEqual([STEPS[3]]);
  });
});

describe('the columns of a query', () => {
  /** A connection answering the probe with `oids` as its columns' types, counting the questions about pg_type. */
  function probeConnection(oids: number[]): { connection: Connection; typeQueries: number[][] } {
    const typeQueries: number[][] = [];
    const names: Record<number, string> = { 23: 'integer', 25: 'text', 1082: 'date', 16400: 'mood' };
    const connection = {
      query: async (sql: string, params?: readonly unknown[]) => {
        if (sql.includes('pg_type')) {
          const asked = params?.[0] as number[];
          typeQueries.push(asked);
          return { ...EMPTY, rows: asked.map((oid) => ({ oid, name: names[oid] })) };
        }
        return { ...EMPTY, fields: oids.map((oid, index) => ({ name: `c${index}`, dataTypeID: oid })) };
      },
    } as unknown as Connection;
    return { connection, typeQueries };
  }

  it("names Postgres's own types once a process, and a database's own types every time", async () => {
    const first = probeConnection([23, 25, 16400]);
    expect(await queryColumns(first.connection, 'select 1')).toEqual([
      { name: 'c0', dataType: 'integer' },
      { name: 'c1', dataType: 'text' },
      { name: 'c2', dataType: 'mood' },
    ]);
    expect(first.typeQueries).toEqual([[23, 25, 16400]]);
    // Built-in types already named: no question; an enum (oid above 10000) is asked again, alone.
    const second = probeConnection([25, 23, 16400, 25]);
    expect((await queryColumns(second.connection, 'select 1')).map((column) => column.dataType)).toEqual(['text', 'integer', 'mood', 'text']);
    expect(second.typeQueries).toEqual([[16400]]);
    const third = probeConnection([23, 25]);
    await queryColumns(third.connection, 'select 1');
    expect(third.typeQueries).toEqual([]);
    // A built-in type not met yet is asked.
    const fourth = probeConnection([1082, 23]);
    expect((await queryColumns(fourth.connection, 'select 1')).map((column) => column.dataType)).toEqual(['date', 'integer']);
    expect(fourth.typeQueries).toEqual([[1082]]);
  });
});
