import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/api.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

/** A header whose `set local` values only hold in the transaction that creates the relation. */
const HEADER = "{% call set_sql_header(config) %}set local work_mem = '3MB'; set local application_name = 'kpi;header';{% endcall %}";

for (const kind of databaseKinds()) {
  describe(`set_sql_header on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    it('runs the header just before the statement that creates a table, a view and an incremental run, in its transaction', async () => {
      const target = db.target();
      const dir = makeProject({
        'dbt_project.yml': 'name: hdr\nconfig-version: 2\n',
        'models/settings_table.sql': `{{ config(materialized='table') }}${HEADER}\nselect current_setting('work_mem') as work_mem, current_setting('application_name') as app`,
        'models/helper.sql': "{{ config(materialized='table') }}select 1 as id",
        // The view names helper without a schema: only the header's search_path lets Postgres find it.
        'models/settings_view.sql': `{{ config(materialized='view') }}{% call set_sql_header(config) %}set local search_path = "{{ target.schema }}";{% endcall %}\nselect id from helper`,
        'models/settings_incremental.sql': `{{ config(materialized='incremental') }}${HEADER}\nselect current_setting('work_mem') as work_mem, {{ '2' if is_incremental() else '1' }} as run_number`,
      });
      for (let run = 0; run < 2; run++) {
        const summary = await build({ projectDir: dir, targetConfig: target, adapter: db.adapter });
        expect(summary.results.filter((result) => result.status !== 'success')).toEqual([]);
      }
      const q = (sql: string) => db.query(sql.replace(/\$schema/g, `"${target.schema}"`));
      // '3MB' is not the default work_mem (4MB): the header ran in the transaction of the create.
      expect(await q('select * from $schema.settings_table')).toEqual([{ work_mem: '3MB', app: 'kpi;header' }]);
      expect(await q('select * from $schema.settings_view')).toEqual([{ id: 1 }]);
      expect(await q('select * from $schema.settings_incremental order by run_number')).toEqual([
        { work_mem: '3MB', run_number: 1 },
        { work_mem: '3MB', run_number: 2 },
      ]);
      // Nothing leaked out of the node's transaction into the session.
      expect(await q("select current_setting('work_mem') as work_mem")).not.toEqual([{ work_mem: '3MB' }]);
      removeDir(dir);
    });
  });
}
