import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshot } from '../../src/api.js';
import type { TargetConfig } from '../../src/config/profiles.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';
import { seededRandom, type Random } from '../helpers/prng.js';

/**
 * The promise of a snapshot: after any sequence of inserts, updates and deletes of its
 * source between runs, its table holds the history dbt's type-2 semantics give. The
 * history is replayed here independently (`replay`), from the source rows each run saw
 * and the run's clock; each snapshot's pre-hook records `now()` in its own transaction,
 * which is the time dbt stamps a run's rows with (snapshot_get_time).
 */
const SEQUENCES = 12;

type HardDeletes = 'ignore' | 'invalidate' | 'new_record';

interface Spec {
  strategy: 'timestamp' | 'check';
  key: string[];
  checkCols?: 'all' | string[];
  hardDeletes: HardDeletes;
  validToCurrent?: string;
}

const SPECS: Record<string, Spec> = {
  ts_ignore: { strategy: 'timestamp', key: ['id'], hardDeletes: 'ignore' },
  ts_invalidate: { strategy: 'timestamp', key: ['id'], hardDeletes: 'invalidate', validToCurrent: '9999-12-31 00:00:00' },
  ts_new_record: { strategy: 'timestamp', key: ['id', 'grp'], hardDeletes: 'new_record' },
  chk_all_new_record: { strategy: 'check', key: ['id'], checkCols: 'all', hardDeletes: 'new_record' },
  chk_name_invalidate: { strategy: 'check', key: ['id', 'grp'], checkCols: ['name'], hardDeletes: 'invalidate' },
  chk_all_ignore: { strategy: 'check', key: ['id'], checkCols: 'all', hardDeletes: 'ignore' },
};

function snapshotSql(name: string, spec: Spec): string {
  const config = [
    `strategy='${spec.strategy}'`,
    `unique_key=${spec.key.length === 1 ? `'${spec.key[0]}'` : JSON.stringify(spec.key).replace(/"/g, "'")}`,
    spec.strategy === 'timestamp' ? "updated_at='updated_at'" : `check_cols=${spec.checkCols === 'all' ? "'all'" : JSON.stringify(spec.checkCols).replace(/"/g, "'")}`,
    `hard_deletes='${spec.hardDeletes}'`,
    ...(spec.validToCurrent ? [`dbt_valid_to_current="'${spec.validToCurrent}'::timestamp"`] : []),
  ];
  return `{% snapshot ${name} %}\n{{ config(${config.join(', ')}) }}\nselect * from {{ source('raw', 'items') }}\n{% endsnapshot %}\n`;
}

interface Row {
  id: number;
  grp: number;
  name: string | null;
  val: number | null;
  updated_at: string;
}

interface Version {
  row: Row;
  scd: string;
  updatedAt: string;
  validFrom: string;
  validTo: string | null;
  deleted: boolean;
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const keyOf = (spec: Spec, row: Row) => spec.key.map((part) => String(row[part as keyof Row])).join('|');
const COLUMNS: Array<keyof Row> = ['id', 'grp', 'name', 'val', 'updated_at'];

/** dbt's type-2 history, replayed from what each run saw: the source's rows and the run's time. */
function replay(spec: Spec, runs: ReadonlyArray<{ rows: Row[]; time: string }>): Version[] {
  const history: Version[] = [];
  const current = new Map<string, Version>();
  for (const { rows, time } of runs) {
    const seen = new Set<string>();
    const stamp = (row: Row) => (spec.strategy === 'timestamp' ? row.updated_at : time);
    const add = (row: Row) => {
      const u = stamp(row);
      const version = { row, scd: md5(`${keyOf(spec, row)}|${u}`), updatedAt: u, validFrom: u, validTo: null, deleted: false };
      history.push(version);
      current.set(keyOf(spec, row), version);
    };
    for (const row of rows) {
      const key = keyOf(spec, row);
      seen.add(key);
      const version = current.get(key);
      if (!version) {
        add(row);
        continue;
      }
      const checked = spec.strategy === 'timestamp' ? [] : spec.checkCols === 'all' ? COLUMNS : (spec.checkCols as Array<keyof Row>);
      const changed = spec.strategy === 'timestamp' ? version.validFrom < row.updated_at : checked.some((column) => version.row[column] !== row[column]);
      if (changed || (spec.hardDeletes === 'new_record' && version.deleted)) {
        version.validTo = stamp(row);
        add(row);
      }
    }
    for (const [key, version] of [...current]) {
      if (seen.has(key) || spec.hardDeletes === 'ignore' || version.deleted) continue;
      version.validTo = time;
      current.delete(key);
      if (spec.hardDeletes === 'new_record') {
        const deletion = { row: version.row, scd: md5(`${version.scd}|${time}`), updatedAt: time, validFrom: time, validTo: null, deleted: true };
        history.push(deletion);
        current.set(key, deletion);
      }
    }
  }
  return history;
}

function canonical(versions: Version[], spec: Spec): string[] {
  return versions
    .map((version) =>
      JSON.stringify([
        version.row.id,
        version.row.grp,
        version.row.name,
        version.row.val,
        version.row.updated_at,
        version.scd,
        version.updatedAt,
        version.validFrom,
        version.validTo ?? spec.validToCurrent ?? null,
        spec.hardDeletes === 'new_record' ? (version.deleted ? 'True' : 'False') : null,
      ]),
    )
    .sort();
}

/** Random changes of the source: new rows, updates (some without a new updated_at), deletes, and deleted rows coming back. */
function changeSource(rows: Map<number, Row>, deleted: Map<number, Row>, state: { nextId: number; minute: number }, random: Random): void {
  const stamp = () => `2020-01-01 ${String(Math.floor(++state.minute / 60)).padStart(2, '0')}:${String(state.minute % 60).padStart(2, '0')}:00`;
  const name = () => random.pick(['ann', 'bob', 'cy', 'dee', null]);
  for (let i = random.int(0, 3); i > 0; i--) {
    const id = state.nextId++;
    rows.set(id, { id, grp: id % 3, name: name(), val: random.chance(0.2) ? null : random.int(1, 5), updated_at: stamp() });
  }
  for (let i = random.int(0, 3); i > 0 && rows.size > 0; i--) {
    const row = random.pick([...rows.values()]);
    const next = { ...row };
    if (random.chance(0.6)) next.name = name();
    else next.val = random.chance(0.2) ? null : random.int(1, 5);
    if (!random.chance(0.2)) next.updated_at = stamp();
    rows.set(row.id, next);
  }
  for (let i = random.int(0, 2); i > 0 && rows.size > 0; i--) {
    const row = random.pick([...rows.values()]);
    rows.delete(row.id);
    deleted.set(row.id, row);
  }
  if (deleted.size > 0 && random.chance(0.4)) {
    const row = random.pick([...deleted.values()]);
    deleted.delete(row.id);
    rows.set(row.id, random.chance(0.5) ? row : { ...row, name: name(), updated_at: stamp() });
  }
}

const literal = (value: string | number | null) => (value === null ? 'null' : typeof value === 'number' ? String(value) : `'${value}'`);

for (const kind of databaseKinds()) {
  describe(`snapshot histories equal an independent replay of the source's changes, on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    async function runSnapshots(dir: string, target: TargetConfig, run: number): Promise<void> {
      const summary = await snapshot({ projectDir: dir, targetConfig: target, adapter: db.adapter, vars: { run } });
      expect(summary.results.filter((result) => result.status !== 'success').map((result) => `${result.unique_id}: ${result.message}`)).toEqual([]);
      expect(summary.results).toHaveLength(Object.keys(SPECS).length);
    }

    async function actual(schema: string, name: string, spec: Spec): Promise<string[]> {
      const deleted = spec.hardDeletes === 'new_record' ? 'dbt_is_deleted' : 'null';
      const rows = await db.query<{ row: string }>(
        `select json_build_array(id, grp, name, val, updated_at::text, dbt_scd_id, dbt_updated_at::text, dbt_valid_from::text, dbt_valid_to::text, ${deleted})::text as row from "${schema}"."${name}"`,
      );
      return rows.map((row) => JSON.stringify(JSON.parse(row.row))).sort();
    }

    for (let seed = 1; seed <= SEQUENCES; seed++) {
      it(`sequence ${seed}`, async () => {
        const random = seededRandom(seed * 104729);
        const target = db.target();
        const raw = `${target.schema}_raw`;
        await db.query(`create schema "${raw}"`);
        await db.query(`create table "${raw}".items (id int not null, grp int not null, name text, val int, updated_at timestamp not null)`);
        await db.query(`create table "${raw}".clock (snapshot text, run int, at timestamp)`);
        const dir = makeProject({
          // The run's clock, recorded inside each snapshot's transaction (a pre-hook runs in it).
          'kpi_project.yml': `name: snapshot_property\nsnapshots:\n  +pre-hook: "insert into \\"${raw}\\".clock values ('{{ this.identifier }}', {{ var('run') }}, now()::timestamp without time zone)"\n`,
          'models/sources.yml': `sources:\n  - name: raw\n    schema: ${raw}\n    tables:\n      - name: items\n`,
          ...Object.fromEntries(Object.entries(SPECS).map(([name, spec]) => [`snapshots/${name}.sql`, snapshotSql(name, spec)])),
        });
        const rows = new Map<number, Row>();
        const deleted = new Map<number, Row>();
        const state = { nextId: 1, minute: 0 };
        const seen: Row[][] = [];
        const runs = random.int(4, 6);
        for (let run = 0; run < runs; run++) {
          if (run === 0 || !random.chance(0.15)) changeSource(rows, deleted, state, random); // else: the same source again adds nothing
          await db.query(`delete from "${raw}".items`);
          for (const row of rows.values()) await db.query(`insert into "${raw}".items values (${[row.id, row.grp, row.name, row.val, row.updated_at].map(literal).join(', ')})`);
          seen.push([...rows.values()].map((row) => ({ ...row })));
          await runSnapshots(dir, target, run);
        }
        const clock = await db.query<{ snapshot: string; run: number; at: string }>(`select snapshot, run, at::text as at from "${raw}".clock order by run`);
        for (const [name, spec] of Object.entries(SPECS)) {
          const times = clock.filter((tick) => tick.snapshot === name).map((tick) => tick.at);
          expect(times).toHaveLength(runs);
          const expected = canonical(
            replay(
              spec,
              seen.map((source, index) => ({ rows: source, time: times[index] })),
            ),
            spec,
          );
          expect(await actual(target.schema, name, spec), `seed ${seed}, ${name}`).toEqual(expected);
        }
        // One more run over an unchanged source adds nothing and closes nothing.
        const before = await Promise.all(Object.entries(SPECS).map(([name, spec]) => actual(target.schema, name, spec)));
        await runSnapshots(dir, target, runs);
        const after = await Promise.all(Object.entries(SPECS).map(([name, spec]) => actual(target.schema, name, spec)));
        expect(after).toEqual(before);
        removeDir(dir);
      });
    }
  });
}
