import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, seed, type RunSummary } from '../../src/api.js';
import type { TargetConfig } from '../../src/config/profiles.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir, writeFile } from '../helpers/fixtures.js';
import { tableRows } from '../helpers/tables.js';

/**
 * Model contracts and constraints (dbt 1.5+): the contract is checked against the model's
 * SELECT before anything is built, and the constraints are created in the database, where
 * a violation fails the model and keeps the previous table. Expected values come from
 * dbt's docs and Postgres's own constraint semantics.
 */
for (const kind of databaseKinds()) {
  describe(`model contracts and constraints on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    interface Fixture {
      dir: string;
      target: TargetConfig;
      run(select?: string[]): Promise<RunSummary>;
      write(path: string, content: string): void;
      constraints(table: string): Promise<Array<{ name: string; definition: string }>>;
      done(): void;
    }

    function fixture(files: Record<string, string>): Fixture {
      const target = db.target();
      const dir = makeProject({ 'kpi_project.yml': 'name: contracts\n', ...files });
      return {
        dir,
        target,
        run: (select) => run({ projectDir: dir, targetConfig: target, adapter: db.adapter, ...(select ? { select } : {}) }),
        write: (path, content) => writeFile(dir, path, content),
        constraints: (table) =>
          db.query<{ name: string; definition: string }>(
            `select conname as name, pg_get_constraintdef(c.oid) as definition from pg_constraint c where c.conrelid = to_regclass($1) and c.contype <> 'n' order by conname`,
            [`"${target.schema}"."${table}"`],
          ),
        done: () => removeDir(dir),
      };
    }

    const statuses = (summary: RunSummary) => Object.fromEntries(summary.results.map((result) => [result.unique_id.split('.').pop(), result.status]));
    const messageOf = (summary: RunSummary, name: string) => summary.results.find((result) => result.unique_id.endsWith(`.${name}`))?.message ?? '';

    const parentChild = {
      'models/parent.sql': "{{ config(materialized='table') }}\nselect 1 as id, 'one'::text as label union all select 2, 'two'",
      'models/child.sql': "{{ config(materialized='table') }}\nselect 10 as id, 1::bigint as parent_id, 'blue'::text as color",
      'models/schema.yml': `models:
  - name: parent
    config: {contract: {enforced: true}}
    columns:
      - name: id
        data_type: int
        constraints: [{type: primary_key}]
      - name: label
        data_type: text
        constraints: [{type: not_null}, {type: unique}]
  - name: child
    config: {contract: {enforced: true}}
    constraints:
      - {type: foreign_key, columns: [parent_id], to: "ref('parent')", to_columns: [id]}
      - {type: check, name: child_id_positive, expression: "id > 0"}
    columns:
      - name: id
        data_type: integer
        constraints: [{type: not_null}, {type: primary_key}]
      - name: parent_id
        data_type: bigint
      - name: color
        data_type: string
`,
    };

    it('creates the constraints, under the names Postgres gives them on the table itself, and keeps them across rebuilds', async () => {
      const f = fixture({ ...parentChild, 'models/child.sql': "{{ config(materialized='table') }}\nselect 10 as id, 1::bigint as parent_id, 'blue'::text as color" });
      try {
        for (let round = 0; round < 2; round++) {
          const summary = await f.run();
          expect(statuses(summary)).toEqual({ parent: 'success', child: 'success' });
        }
        expect(await f.constraints('parent')).toEqual([
          { name: 'parent_label_key', definition: 'UNIQUE (label)' },
          { name: 'parent_pkey', definition: 'PRIMARY KEY (id)' },
        ]);
        expect(await f.constraints('child')).toEqual([
          { name: 'child_id_positive', definition: 'CHECK ((id > 0))' },
          { name: 'child_parent_id_fkey', definition: `FOREIGN KEY (parent_id) REFERENCES "${f.target.schema}".parent(id)`.replace(`"${f.target.schema}"`, f.target.schema) },
          { name: 'child_pkey', definition: 'PRIMARY KEY (id)' },
        ]);
        const notNull = await db.query<{ attname: string }>(`select attname from pg_attribute where attrelid = to_regclass($1) and attnotnull and attnum > 0 order by attnum`, [
          `"${f.target.schema}"."parent"`,
        ]);
        expect(notNull.map((row) => row.attname)).toEqual(['id', 'label']);
        // The foreign key orders the DAG: ref('parent') in the YAML makes parent a parent of child.
        const summary = await f.run();
        expect(summary.manifest.nodes['model.contracts.child'].depends_on.nodes).toContain('model.contracts.parent');
        expect(summary.manifest.nodes['model.contracts.child'].contract).toEqual({ enforced: true, alias_types: true, checksum: null });
      } finally {
        f.done();
      }
    });

    it("fails a model whose columns differ from its contract with dbt's table of differences, building nothing", async () => {
      const f = fixture({ ...parentChild, 'models/child.sql': "{{ config(materialized='table') }}\nselect '10'::text as id, 1 as parent, 'blue'::text as color" });
      try {
        const summary = await f.run();
        expect(statuses(summary)).toEqual({ parent: 'success', child: 'error' });
        const child = summary.results.find((result) => result.unique_id === 'model.contracts.child');
        expect(child?.error_code).toBe('KPI_CONTRACT_FAILED');
        const rows = messageOf(summary, 'child')
          .split('\n')
          .filter((line) => line.startsWith('| ') && !line.includes('column_name') && !line.startsWith('| -'))
          .map((line) =>
            line
              .split('|')
              .slice(1, -1)
              .map((cell) => cell.trim()),
          );
        expect(rows).toEqual([
          ['id', 'text', 'integer', 'data type mismatch'],
          ['parent', 'integer', '', 'missing in contract'],
          ['parent_id', '', 'bigint', 'missing in definition'],
        ]);
        expect(await db.query(`select to_regclass($1) as r`, [`"${f.target.schema}"."child"`])).toEqual([{ r: null }]);
      } finally {
        f.done();
      }
    });

    it('a violated constraint fails the model and leaves the previous table as it was', async () => {
      const f = fixture(parentChild);
      try {
        expect(statuses(await f.run())).toEqual({ parent: 'success', child: 'success' });
        // A null in a not-null column (dbt's BaseConstraintsRollback), then a key the parent lacks.
        f.write('models/child.sql', "{{ config(materialized='table') }}\nselect null::int as id, 1::bigint as parent_id, 'red'::text as color");
        let summary = await f.run(['child']);
        expect(statuses(summary)).toEqual({ child: 'error' });
        expect(messageOf(summary, 'child')).toMatch(/column "id" of relation "child__kpi_tmp" contains null values/);
        f.write('models/child.sql', "{{ config(materialized='table') }}\nselect 11 as id, 3::bigint as parent_id, 'red'::text as color");
        summary = await f.run(['child']);
        expect(messageOf(summary, 'child')).toMatch(/violates foreign key constraint/);
        expect(await tableRows(db, f.target.schema, 'child')).toEqual([{ id: 10, parent_id: 1, color: 'blue' }]);
      } finally {
        f.done();
      }
    });

    it("rebuilding a table another table's foreign key references keeps the key, and fails (keeping the old table) when the key's rows would be lost", async () => {
      const f = fixture(parentChild);
      try {
        expect(statuses(await f.run())).toEqual({ parent: 'success', child: 'success' });
        expect(statuses(await f.run(['parent']))).toEqual({ parent: 'success' });
        expect((await f.constraints('child')).map((row) => row.name)).toContain('child_parent_id_fkey');
        f.write('models/parent.sql', "{{ config(materialized='table') }}\nselect 2 as id, 'two'::text as label");
        const summary = await f.run(['parent']);
        expect(statuses(summary)).toEqual({ parent: 'error' });
        expect(messageOf(summary, 'parent')).toMatch(/breaks foreign keys that reference it .*child_parent_id_fkey/);
        expect(await tableRows(db, f.target.schema, 'parent')).toEqual([
          { id: 1, label: 'one' },
          { id: 2, label: 'two' },
        ]);
        expect((await f.constraints('child')).map((row) => row.name)).toContain('child_parent_id_fkey');
      } finally {
        f.done();
      }
    });

    it('an incremental model gets its constraints on the first build; an increment that violates one changes nothing', async () => {
      const f = fixture({
        'models/events.sql': "{{ config(materialized='incremental', unique_key='id', incremental_strategy='append') }}\nselect {{ var('id', 1) }} as id, 'a'::text as kind",
        'models/schema.yml': `models:
  - name: events
    config: {contract: {enforced: true}}
    columns:
      - {name: id, data_type: int, constraints: [{type: primary_key}]}
      - {name: kind, data_type: text, constraints: [{type: check, expression: "kind in ('a', 'b')"}]}
`,
      });
      try {
        const go = (vars: Record<string, unknown>) => run({ projectDir: f.dir, targetConfig: f.target, adapter: db.adapter, vars });
        expect(statuses(await go({ id: 1 }))).toEqual({ events: 'success' });
        expect(statuses(await go({ id: 2 }))).toEqual({ events: 'success' });
        const duplicate = await go({ id: 2 });
        expect(statuses(duplicate)).toEqual({ events: 'error' });
        expect(messageOf(duplicate, 'events')).toMatch(/duplicate key value violates unique constraint "events_pkey"/);
        expect(await tableRows(db, f.target.schema, 'events')).toEqual([
          { id: 1, kind: 'a' },
          { id: 2, kind: 'a' },
        ]);
        // The contract is checked on increments too.
        f.write('models/events.sql', "{{ config(materialized='incremental', incremental_strategy='append') }}\nselect 3::bigint as id, 'a'::text as kind");
        const retyped = await go({});
        expect(retyped.results[0].error_code).toBe('KPI_CONTRACT_FAILED');
        expect(messageOf(retyped, 'events')).toMatch(/\| id +\| bigint +\| integer +\| data type mismatch/);
      } finally {
        f.done();
      }
    });

    it('a seed that a foreign key references reloads (truncate and COPY) with the key kept', async () => {
      const f = fixture({
        'seeds/colors.csv': 'color_id,name\n1,blue\n2,red\n',
        'models/paint.sql': "{{ config(materialized='table') }}\nselect 1 as id, 2 as color_id",
        'models/schema.yml': `models:
  - name: paint
    config: {contract: {enforced: true}}
    columns:
      - {name: id, data_type: int}
      - {name: color_id, data_type: int, constraints: [{type: foreign_key, to: "ref('colors')", to_columns: [color_id]}]}
seeds:
  - name: colors
    config: {post-hook: "create unique index if not exists colors_color_id on {{ this }} (color_id)"}
`,
      });
      try {
        const options = { projectDir: f.dir, targetConfig: f.target, adapter: db.adapter };
        expect((await seed(options)).success).toBe(true);
        expect(statuses(await f.run())).toEqual({ paint: 'success' });
        // An unchanged file leaves the table (and the key on it) alone.
        const unchanged = await seed({ ...options, select: ['colors'] });
        expect(unchanged.results[0].detail).toMatchObject({ load: 'unchanged' });
        f.write('seeds/colors.csv', 'color_id,name\n1,blue\n2,crimson\n');
        const changed = await seed({ ...options, select: ['colors'] });
        expect(changed.results[0].detail).toMatchObject({ load: 'reload' });
        expect(await tableRows(db, f.target.schema, 'colors')).toEqual([
          { color_id: 1, name: 'blue' },
          { color_id: 2, name: 'crimson' },
        ]);
        expect((await f.constraints('paint')).map((row) => row.name)).toEqual(['paint_color_id_fkey']);
        f.write('seeds/colors.csv', 'color_id,name\n1,blue\n');
        const lost = await seed({ ...options, select: ['colors'] });
        expect(lost.results[0].message).toMatch(/breaks foreign keys that reference it/);
        expect(await tableRows(db, f.target.schema, 'colors')).toHaveLength(2);
      } finally {
        f.done();
      }
    });

    it('refuses at parse a contract without data types, and checks the contract of a view', async () => {
      const f = fixture({
        'models/m.sql': 'select 1 as id',
        'models/schema.yml': `models:
  - name: m
    config: {contract: {enforced: true}}
    columns:
      - {name: id, constraints: [{type: not_null}]}
`,
      });
      try {
        await expect(f.run()).rejects.toMatchObject({ code: 'KPI_CONTRACT_INVALID', message: expect.stringMatching(/require data_type to be defined for each column \(missing for id\)/) });
        f.write('models/schema.yml', 'models:\n  - name: m\n    config: {contract: {enforced: true}}\n    columns:\n      - {name: id, data_type: int, constraints: [{type: not_null}]}\n');
        const summary = await f.run();
        expect(statuses(summary)).toEqual({ m: 'success' });
        f.write('models/m.sql', "select 'x' as id");
        const failed = await f.run();
        expect(failed.results[0].error_code).toBe('KPI_CONTRACT_FAILED');
      } finally {
        f.done();
      }
    });
  });
}
