import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type RunSummary } from '../../src/api.js';
import type { TargetConfig } from '../../src/config/profiles.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';
import { seededRandom, type Random } from '../helpers/prng.js';
import { tableRows } from '../helpers/tables.js';

/**
 * The promise of an incremental model: whatever the sequence of runs (daily, skipped days,
 * the same increment twice), the table ends up as a full refresh would build it from the
 * same source. A generated source grows day by day with new rows, late rows for past days
 * and updated rows; after the last day of a sequence (3 to 5 days) the incremental tables
 * are compared with a full refresh of the same project in a second schema.
 */
const SEQUENCES = 20;

const MODELS = {
  // An append-only change log: each row is read exactly once, by its sequence number.
  inc_append: `{{ config(materialized='incremental', incremental_strategy='append') }}
select seq, id, event_day, amount, status from {{ source('raw', 'event_log') }}
{% if is_incremental() %}where seq > (select coalesce(max(seq), 0) from {{ this }}){% endif %}`,
  // Rows changed since the last run replace their old versions, by id.
  inc_delete_insert: `{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='id') }}
select id, grp, event_day, amount, status, updated_at from {{ source('raw', 'events') }}
{% if is_incremental() %}where updated_at > (select coalesce(max(updated_at), -1) from {{ this }}){% endif %}`,
  inc_merge: `{{ config(materialized='incremental', incremental_strategy='merge', unique_key='id', indexes=[{'columns': ['id'], 'unique': true}]) }}
select id, grp, event_day, amount, status, updated_at from {{ source('raw', 'events') }}
{% if is_incremental() %}where updated_at > (select coalesce(max(updated_at), -1) from {{ this }}){% endif %}`,
  // The default strategy with a unique_key (delete+insert on Postgres), keyed on a whole day:
  // every row of a changed day is replaced, however many rows the day has.
  inc_days: `{{ config(materialized='incremental', unique_key='event_day') }}
select id, grp, event_day, amount, status, updated_at from {{ source('raw', 'events') }}
where event_day in (
  select event_day from {{ source('raw', 'events') }}
  {% if is_incremental() %}where updated_at > (select coalesce(max(updated_at), -1) from {{ this }}){% endif %}
)`,
  // A daily aggregate merged by a composite key: changed days are recomputed from all their rows.
  inc_merge_daily: `{{ config(materialized='incremental', incremental_strategy='merge', unique_key=['event_day', 'grp']) }}
select event_day, grp, sum(amount) as amount, count(*) as rows, max(updated_at) as last_update
from {{ source('raw', 'events') }}
where event_day in (
  select event_day from {{ source('raw', 'events') }}
  {% if is_incremental() %}where updated_at > (select coalesce(max(last_update), -1) from {{ this }}){% endif %}
)
group by event_day, grp`,
};

interface Source {
  schema: string;
  clock: number;
  seq: number;
  nextId: number;
  ids: number[];
}

function dayLiteral(day: number): string {
  return `date '2024-02-27' + ${day}`;
}

/** One day of the source's life: new rows for today, late rows for past days, updates of existing rows. */
function growSource(source: Source, day: number, random: Random): string[] {
  const statements: string[] = [];
  const log = (id: number, eventDay: string, amount: string, status: string) =>
    statements.push(`insert into "${source.schema}".event_log values (${++source.seq}, ${id}, ${eventDay}, ${amount}, '${status}')`);
  const insert = (eventDay: string) => {
    const id = source.nextId++;
    const amount = (random.int(100, 99999) / 100).toFixed(2);
    const status = random.pick(['new', 'paid', 'shipped']);
    statements.push(`insert into "${source.schema}".events values (${id}, '${random.pick(['a', 'b', 'c'])}', ${eventDay}, ${amount}, '${status}', ${++source.clock})`);
    log(id, eventDay, amount, status);
    source.ids.push(id);
  };
  for (let i = random.int(0, 4); i > 0; i--) insert(dayLiteral(day));
  if (day > 0) for (let i = random.int(0, 2); i > 0; i--) insert(dayLiteral(random.int(0, day - 1)));
  for (let i = random.int(0, 3); i > 0 && source.ids.length > 0; i--) {
    const id = random.pick(source.ids);
    const amount = (random.int(100, 99999) / 100).toFixed(2);
    const status = random.pick(['paid', 'shipped', 'refunded']);
    statements.push(`update "${source.schema}".events set amount = ${amount}, status = '${status}', updated_at = ${++source.clock} where id = ${id}`);
    statements.push(`insert into "${source.schema}".event_log select ${++source.seq}, id, event_day, amount, status from "${source.schema}".events where id = ${id}`);
  }
  return statements;
}

for (const kind of databaseKinds()) {
  describe(`incremental models equal a full refresh after any sequence of runs, on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    async function runProject(dir: string, target: TargetConfig, fullRefresh = false): Promise<RunSummary> {
      const summary = await run({ projectDir: dir, targetConfig: target, adapter: db.adapter, fullRefresh });
      expect(summary.results.filter((result) => result.status !== 'success').map((result) => `${result.unique_id}: ${result.message}`)).toEqual([]);
      return summary;
    }

    async function snapshot(schema: string): Promise<Record<string, unknown[]>> {
      const tables: Record<string, unknown[]> = {};
      for (const name of Object.keys(MODELS)) tables[name] = await tableRows(db, schema, name);
      return tables;
    }

    for (let seed = 1; seed <= SEQUENCES; seed++) {
      it(`sequence ${seed}`, async () => {
        const random = seededRandom(seed * 7919);
        const incremental = db.target();
        const reference = db.target();
        const source: Source = { schema: `${incremental.schema}_raw`, clock: 0, seq: 0, nextId: 1, ids: [] };
        await db.query(`create schema "${source.schema}"`);
        await db.query(
          `create table "${source.schema}".events (id int primary key, grp text not null, event_day date not null, amount numeric(12,2) not null, status text not null, updated_at bigint not null)`,
        );
        await db.query(`create table "${source.schema}".event_log (seq bigint primary key, id int not null, event_day date not null, amount numeric(12,2) not null, status text not null)`);
        const dir = makeProject({
          'kpi_project.yml': 'name: property\nmodels:\n  property:\n    +materialized: incremental\n',
          'models/sources.yml': `sources:\n  - name: raw\n    schema: ${source.schema}\n    tables:\n      - name: events\n      - name: event_log\n`,
          ...Object.fromEntries(Object.entries(MODELS).map(([name, sql]) => [`models/${name}.sql`, sql])),
        });
        const compareWithFullRefresh = async (step: string) => {
          await runProject(dir, reference, true);
          const expected = await snapshot(reference.schema);
          expect(await snapshot(incremental.schema), `seed ${seed}, ${step}`).toEqual(expected);
        };

        const days = random.int(3, 5);
        for (let day = 0; day < days; day++) {
          for (const statement of growSource(source, day, random)) await db.query(statement);
          const roll = random.next();
          if (roll < 0.15 && day < days - 1) continue; // a skipped day: the next run catches up
          await runProject(dir, incremental);
          if (roll > 0.8) {
            // The same increment again changes nothing.
            const before = await snapshot(incremental.schema);
            await runProject(dir, incremental);
            expect(await snapshot(incremental.schema), `seed ${seed}, day ${day}, second run`).toEqual(before);
          }
          if (day === days - 1) await compareWithFullRefresh(`day ${day}`);
        }
        removeDir(dir);
      });
    }
  });
}
