import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../../src/api.js';
import { Reporter } from '../../src/cli/reporter.js';
import type { TargetConfig } from '../../src/config/profiles.js';
import { kpi, profileYaml } from '../helpers/cli.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { eventLog } from '../helpers/events.js';
import { makeProject, removeDir, writeFile } from '../helpers/fixtures.js';

const SCHEMA_OF_TYPES = `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type
  from pg_attribute a where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum`;

for (const kind of databaseKinds()) {
  describe(`kpi seed on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    const load = (dir: string, target: TargetConfig, options: { fullRefresh?: boolean; select?: string[]; exclude?: string[] } = {}) =>
      seed({ projectDir: dir, targetConfig: target, adapter: db.adapter, ...options });
    const columnsOf = (relation: string) => db.query<{ name: string; type: string }>(SCHEMA_OF_TYPES, [relation]);
    const leftovers = (schema: string) =>
      db.query<{ name: string }>(`select relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and relname like '%\\_\\_kpi\\_%'`, [schema]);

    it('loads a CSV through COPY with the types its values need, NULLs, a BOM and quoted text', async () => {
      const dir = makeProject({
        'kpi_project.yml': 'name: shop\n',
        'seeds/orders.csv':
          '\ufeffid,code,amount,big,paid,day,at,at_utc,note\r\n' +
          '1,007,12.50,3000000000,true,2024-02-29,2024-02-29 23:59:59,2024-02-29T10:00:00Z,"Smith, Jones"\r\n' +
          '2,010,-3,1,FALSE,2024-03-01,2024-03-01T08:00,2024-03-01 10:00:00+02:00,"two\r\nlines"\r\n' +
          '3,,0.001,,,,,,\r\n',
        'seeds/nulls.csv': 'id,label,score\n1,null,5\n2," NULL ",\n3,"",7\n4,  ,null\n5,kept,8\n',
      });
      const target = db.target();
      const events: Parameters<Reporter['handle']>[0][] = [];
      const summary = await seed({ projectDir: dir, targetConfig: target, adapter: db.adapter, onEvent: (event) => events.push(event) });
      expect(summary.success).toBe(true);
      expect(summary.results.map((result) => [result.unique_id, result.status, result.message])).toEqual([
        ['seed.shop.nulls', 'success', 'INSERT 5'],
        ['seed.shop.orders', 'success', 'INSERT 3'],
      ]);

      expect(await columnsOf(`"${target.schema}".orders`)).toEqual([
        { name: 'id', type: 'integer' },
        { name: 'code', type: 'text' },
        { name: 'amount', type: 'numeric' },
        { name: 'big', type: 'bigint' },
        { name: 'paid', type: 'boolean' },
        { name: 'day', type: 'date' },
        { name: 'at', type: 'timestamp without time zone' },
        { name: 'at_utc', type: 'timestamp with time zone' },
        { name: 'note', type: 'text' },
      ]);
      const orders = await db.query(`select id, code, amount, big, paid, day, at, extract(epoch from at_utc)::bigint as at_utc, note from "${target.schema}".orders order by id`);
      expect(orders).toEqual([
        { id: 1, code: '007', amount: '12.50', big: 3000000000, paid: true, day: '2024-02-29', at: '2024-02-29 23:59:59', at_utc: 1709200800, note: 'Smith, Jones' },
        { id: 2, code: '010', amount: '-3', big: 1, paid: false, day: '2024-03-01', at: '2024-03-01 08:00:00', at_utc: 1709280000, note: 'two\r\nlines' },
        { id: 3, code: null, amount: '0.001', big: null, paid: null, day: null, at: null, at_utc: null, note: null },
      ]);
      // dbt reads '', 'null' in any case and blank values as NULL, quoted or not.
      expect(await columnsOf(`"${target.schema}".nulls`)).toEqual([
        { name: 'id', type: 'integer' },
        { name: 'label', type: 'text' },
        { name: 'score', type: 'integer' },
      ]);
      expect(await db.query(`select id, label, score from "${target.schema}".nulls order by id`)).toEqual([
        { id: 1, label: null, score: 5 },
        { id: 2, label: null, score: null },
        { id: 3, label: null, score: 7 },
        { id: 4, label: null, score: null },
        { id: 5, label: 'kept', score: 8 },
      ]);
      expect(summary.results.map((result) => result.detail?.normalized)).toEqual([true, false]);

      // dbt's output lines and run_results.json.
      let printed = '';
      const reporter = new Reporter({ write: (text) => (printed += text) });
      for (const event of events) reporter.handle(event);
      expect(printed).toMatch(new RegExp(`2 of 2 OK loaded seed file ${target.schema}\\.orders \\.+ \\[INSERT 3 in \\d+\\.\\d\\ds\\]`));
      const runResults = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
      expect(runResults.args.which).toBe('seed');
      expect(runResults.results[1]).toMatchObject({
        unique_id: 'seed.shop.orders',
        status: 'success',
        message: 'INSERT 3',
        adapter_response: { _message: 'INSERT 3', code: 'INSERT', rows_affected: 3 },
        relation_name: `"${target.schema}"."orders"`,
      });
      expect(await leftovers(target.schema)).toEqual([]);
      removeDir(dir);
    });

    it('applies column_types, quote_columns, delimiter, schema and alias from the project and property files', async () => {
      const dir = makeProject({
        'kpi_project.yml': 'name: ref\nseeds:\n  ref:\n    lookups:\n      +quote_columns: false\n',
        'seeds/lookups/Countries.csv': 'Country_Code,Country Name\nUS,United States\nDE,Germany\n',
        'seeds/zips.csv': 'zip;CustomerID;amount;opened\n00501;1;5;2024-01-01\n10001;2;7.25;2024-01-02\n',
        'seeds/properties.yml': [
          'version: 2',
          'seeds:',
          '  - name: zips',
          '    config:',
          "      delimiter: ';'",
          '      schema: ref_data',
          '      alias: zip_codes',
          '      column_types:',
          '        zip: varchar(5)',
          '        amount: numeric(10,2)',
          "        opened: 'timestamp with time zone'",
        ].join('\n'),
      });
      const target = db.target();
      expect((await load(dir, target)).success).toBe(true);
      // quote_columns: false folds names as Postgres folds unquoted ones; the default keeps them as written.
      expect(await columnsOf(`"${target.schema}"."Countries"`)).toEqual([
        { name: 'country_code', type: 'text' },
        { name: 'country name', type: 'text' },
      ]);
      const zips = `"${target.schema}_ref_data".zip_codes`;
      expect(await columnsOf(zips)).toEqual([
        { name: 'zip', type: 'character varying(5)' },
        { name: 'CustomerID', type: 'integer' },
        { name: 'amount', type: 'numeric(10,2)' },
        { name: 'opened', type: 'timestamp with time zone' },
      ]);
      expect(await db.query(`select zip, "CustomerID", amount from ${zips} order by zip`)).toEqual([
        { zip: '00501', CustomerID: 1, amount: '5.00' },
        { zip: '10001', CustomerID: 2, amount: '7.25' },
      ]);
      removeDir(dir);
    });

    it('rejects bad files with the file and line, and leaves the loaded table as it was', async () => {
      const dir = makeProject({ 'kpi_project.yml': 'name: bad\n', 'seeds/people.csv': 'id,name,born\n1,Ada,1815-12-10\n2,Alan,1912-06-23\n' });
      const target = db.target();
      expect((await load(dir, target)).success).toBe(true);
      const table = `"${target.schema}".people`;
      await db.query(`create view "${target.schema}".people_count as select count(*)::int as n from ${table}`);
      const before = await db.query(`select * from ${table} order by id`);

      const cases: Array<{ csv: string | Buffer; config?: string; fullRefresh?: boolean; message: RegExp }> = [
        { csv: 'id,name,born\n1,Ada,1815-12-10\n2,Alan\n', message: /^seeds\/people\.csv:3: line 3 has 2 fields but the header has 3: the values for "born" are missing/ },
        { csv: 'id,name,born\n1,Ada,1815-12-10,x\n', message: /^seeds\/people\.csv:2: line 2 has 4 fields but the header has 3/ },
        { csv: 'id,name,id\n1,Ada,1\n', message: /^seeds\/people\.csv:1: the header names column 1 and column 3 both "id"/ },
        { csv: 'id,,born\n1,Ada,1815-12-10\n', message: /^seeds\/people\.csv:1: column 2 of the header has no name/ },
        { csv: 'id,name,born\n1,"Ada,1815-12-10\n', message: /^seeds\/people\.csv:2: a quoted field opened on line 2 is never closed/ },
        { csv: Buffer.concat([Buffer.from('id,name,born\n1,'), Buffer.from([0x41, 0xe9]), Buffer.from(',1815-12-10\n')]), message: /^seeds\/people\.csv:2: the file is not valid UTF-8/ },
        {
          csv: 'id,name,born\n1,Ada,1815-12-10\n2,Alan,1912-06-23\n3,Grace,x\n',
          config: 'seeds:\n  bad:\n    +column_types:\n      id: bigint\n      born: date\n',
          fullRefresh: true,
          message: /^seeds\/people\.csv:4: column "born": invalid input syntax for type date: "x"/,
        },
        {
          csv: 'id,name,born\n1,Ada,1815-12-10\n2.5,Alan,1912-06-23\n',
          config: 'seeds:\n  bad:\n    +column_types:\n      id: integer\n',
          message: /^seeds\/people\.csv:3: value "2\.5" in column "id" is not an integer, so it cannot be loaded as integer \(column_types\)/,
        },
        // A reload keeps the table's types: a value that no longer fits them stops it, and says how to rebuild.
        {
          csv: 'id,name,born\n1,Ada,1815-12-10\n2,Alan,1912-06-23\nthree,Grace,1906-12-09\n',
          message: /^seeds\/people\.csv:4: column "id": invalid input syntax for type integer: "three".*--full-refresh/,
        },
      ];
      for (const testCase of cases) {
        writeFile(dir, 'seeds/people.csv', testCase.csv as string);
        writeFile(dir, 'kpi_project.yml', `name: bad\n${testCase.config ?? ''}`);
        const summary = await load(dir, target, { fullRefresh: testCase.fullRefresh });
        const [result] = summary.results;
        expect(summary.success, String(testCase.message)).toBe(false);
        expect(result.status).toBe('error');
        expect(result.error_code).toBe('KPI_SEED_INVALID');
        expect(result.message).toMatch(testCase.message);
        expect(await db.query(`select * from ${table} order by id`)).toEqual(before);
        expect(await db.query(`select n from "${target.schema}".people_count`)).toEqual([{ n: 2 }]);
        expect(await leftovers(target.schema)).toEqual([]);
      }
      removeDir(dir);
    });

    it('reloads unchanged columns into the same table, and asks for --full-refresh when the columns change', async () => {
      const dir = makeProject({ 'kpi_project.yml': 'name: reload\n', 'seeds/kpis.csv': 'kpi_id,kpi_name\n1,Revenue\n2,Traffic\n' });
      const target = db.target();
      const table = `"${target.schema}".kpis`;
      expect((await load(dir, target)).success).toBe(true);
      await db.query(`create view "${target.schema}".kpi_names as select kpi_name from ${table}`);
      await db.query(`comment on table ${table} is 'made by hand'`);
      const oid = async () => (await db.query<{ oid: string }>(`select '${table}'::regclass::oid::text as oid`))[0].oid;
      const firstOid = await oid();

      // Same columns, other rows, another order of columns: dbt's truncate and insert, into the same table.
      writeFile(dir, 'seeds/kpis.csv', 'kpi_name,kpi_id\nRevenue,1\nTraffic,2\nSales,3\n');
      const reloaded = await load(dir, target);
      expect(reloaded.results.map((result) => [result.status, result.message, result.detail?.load])).toEqual([['success', 'INSERT 3', 'reload']]);
      expect(await oid()).toBe(firstOid);
      expect(await db.query(`select kpi_id, kpi_name from ${table} order by kpi_id`)).toEqual([
        { kpi_id: 1, kpi_name: 'Revenue' },
        { kpi_id: 2, kpi_name: 'Traffic' },
        { kpi_id: 3, kpi_name: 'Sales' },
      ]);
      expect(await db.query(`select obj_description('${table}'::regclass, 'pg_class') as comment`)).toEqual([{ comment: 'made by hand' }]);
      expect(await db.query(`select count(*)::int as n from "${target.schema}".kpi_names`)).toEqual([{ n: 3 }]);

      // A new column: refused without --full-refresh, the table untouched.
      writeFile(dir, 'seeds/kpis.csv', 'kpi_id,kpi_name,category\n1,Revenue,money\n');
      const refused = await load(dir, target);
      expect(refused.results[0].error_code).toBe('KPI_SCHEMA_CHANGE');
      expect(refused.results[0].message).toMatch(/columns of the seed changed .*new "category".*hint: run kpi seed --full-refresh --select kpis/);
      expect(await db.query(`select count(*)::int as n from ${table}`)).toEqual([{ n: 3 }]);

      // --full-refresh rebuilds the table beside the old one and swaps it in; the view on it lives on.
      const rebuilt = await load(dir, target, { fullRefresh: true });
      expect(rebuilt.results.map((result) => [result.status, result.message])).toEqual([['success', 'CREATE 1']]);
      expect(await oid()).not.toBe(firstOid);
      expect(await db.query(`select kpi_id, kpi_name, category from ${table}`)).toEqual([{ kpi_id: 1, kpi_name: 'Revenue', category: 'money' }]);
      expect(await db.query(`select kpi_name from "${target.schema}".kpi_names`)).toEqual([{ kpi_name: 'Revenue' }]);

      // A rebuild that would break the view is refused as a whole.
      writeFile(dir, 'seeds/kpis.csv', 'kpi_id,category\n1,money\n');
      const breaking = await load(dir, target, { fullRefresh: true });
      expect(breaking.results[0].message).toMatch(/breaks views that depend on it/);
      expect(await db.query(`select kpi_name from "${target.schema}".kpi_names`)).toEqual([{ kpi_name: 'Revenue' }]);

      // full_refresh: false in config wins over the flag, as in dbt.
      writeFile(dir, 'kpi_project.yml', 'name: reload\nseeds:\n  +full_refresh: false\n');
      writeFile(dir, 'seeds/kpis.csv', 'kpi_id,kpi_name,category,owner\n1,Revenue,money,ops\n');
      expect((await load(dir, target, { fullRefresh: true })).results[0].error_code).toBe('KPI_SCHEMA_CHANGE');
      expect(await leftovers(target.schema)).toEqual([]);
      removeDir(dir);
    });

    it('runs hooks and applies persist_docs on every load, and loads a file with only a header', async () => {
      const dir = makeProject({
        'kpi_project.yml': [
          'name: hooks',
          'seeds:',
          '  hooks:',
          '    +persist_docs: {relation: true, columns: true}',
          `    +pre-hook: "insert into {{ target.schema }}.audit values ('before {{ this.identifier }}')"`,
          `    +post-hook: "insert into {{ target.schema }}.audit select '{{ this.identifier }} ' || count(*) from {{ this }}"`,
        ].join('\n'),
        'seeds/schema.yml': 'version: 2\nseeds:\n  - name: codes\n    description: Status codes\n    columns:\n      - name: code\n        description: The code\n',
        'seeds/codes.csv': 'code,label\n1,open\n2,closed\n',
        'seeds/empty.csv': 'code,label\n',
      });
      const target = db.target();
      await db.query(`create schema "${target.schema}"`);
      await db.query(`create table "${target.schema}".audit (event text)`);
      const first = await load(dir, target);
      expect(first.results.map((result) => [result.unique_id, result.message])).toEqual([
        ['seed.hooks.codes', 'INSERT 2'],
        ['seed.hooks.empty', 'INSERT 0'],
      ]);
      writeFile(dir, 'seeds/codes.csv', 'code,label\n1,open\n2,closed\n3,void\n');
      expect((await load(dir, target, { select: ['codes'] })).results.map((result) => result.detail?.load)).toEqual(['reload']);
      expect(await db.query(`select event from "${target.schema}".audit order by event`)).toEqual([
        { event: 'before codes' },
        { event: 'before codes' },
        { event: 'before empty' },
        { event: 'codes 2' },
        { event: 'codes 3' },
        { event: 'empty 0' },
      ]);
      expect(await db.query(`select obj_description('"${target.schema}".codes'::regclass, 'pg_class') as relation, col_description('"${target.schema}".codes'::regclass, 1) as code`)).toEqual([
        { relation: 'Status codes', code: 'The code' },
      ]);
      expect(await columnsOf(`"${target.schema}".empty`)).toEqual([
        { name: 'code', type: 'integer' },
        { name: 'label', type: 'integer' },
      ]);
      removeDir(dir);
    });

    it('will not replace a view with a seed, and warns about column_types that name no column', async () => {
      const dir = makeProject({
        'kpi_project.yml': 'name: guard\nseeds:\n  guard:\n    +column_types: {amout: numeric}\n',
        'seeds/prices.csv': 'sku,amount\nA,1.5\n',
      });
      const target = db.target();
      await db.query(`create schema "${target.schema}"`);
      await db.query(`create view "${target.schema}".prices as select 'made by hand'::text as sku`);
      const log = eventLog();
      const summary = await seed({ projectDir: dir, targetConfig: target, adapter: db.adapter, onEvent: log.onEvent });
      expect(summary.results[0].error_code).toBe('KPI_UNSAFE_OPERATION');
      expect(summary.results[0].message).toMatch(/is a view; kpi will not replace it with a seed table/);
      expect(await db.query(`select sku from "${target.schema}".prices`)).toEqual([{ sku: 'made by hand' }]);
      expect(log.diagnostics()).toEqual([
        {
          severity: 'warning',
          code: 'KPI_CONFIG_UNKNOWN_KEY',
          message: 'column_types names "amout", which is not a column of the seed. Did you mean "amount"?',
          location: { file: 'seeds/prices.csv' },
        },
      ]);
      removeDir(dir);
    });

    it('selects seeds with the selector grammar', async () => {
      const dir = makeProject({
        'kpi_project.yml': 'name: pick\nseeds:\n  pick:\n    dims:\n      +tags: [dim]\n',
        'seeds/dims/dim_kpi.csv': 'kpi_id\n1\n',
        'seeds/dims/dim_entity.csv': 'entity_id\n0\n',
        'seeds/raw_orders.csv': 'order_id\n10\n',
      });
      const target = db.target();
      const tables = async () =>
        (await db.query<{ name: string }>('select table_name as name from information_schema.tables where table_schema = $1 order by 1', [target.schema])).map((row) => row.name);
      expect((await load(dir, target, { select: ['tag:dim'], exclude: ['dim_entity'] })).results.map((result) => result.unique_id)).toEqual(['seed.pick.dim_kpi']);
      expect(await tables()).toEqual(['dim_kpi']);
      expect((await load(dir, target, { select: ['raw_orders', 'dim_entity'] })).success).toBe(true);
      expect(await tables()).toEqual(['dim_entity', 'dim_kpi', 'raw_orders']);
      removeDir(dir);
    });

    it('streams a clean file to COPY as it is, and rewrites one that needs it, with the same result', async () => {
      const rows = 20_000;
      const tenths = (value: number) => `${Math.floor(value / 10)}.${value % 10}`;
      const lines = Array.from(
        { length: rows },
        (_, i) => `${i + 1},C${String(i % 997).padStart(4, '0')},${(i % 1000) / 10},${i % 2 === 0},2024-01-${String((i % 28) + 1).padStart(2, '0')},"note ${i}, ""quoted"""`,
      );
      const clean = `id,code,amount,flag,day,note\n${lines.join('\n')}\n`;
      const dir = makeProject({ 'kpi_project.yml': 'name: bulk\n', 'seeds/bulk.csv': clean });
      const target = db.target();
      const first = await load(dir, target);
      expect(first.results.map((result) => [result.message, result.detail?.normalized])).toEqual([[`INSERT ${rows}`, false]]);
      const totals = `select count(*)::int as n, sum(id)::bigint as ids, sum(amount)::text as amount, count(*) filter (where flag)::int as flags,
        count(distinct day)::int as days, count(*) filter (where note like '%"quoted"')::int as notes from "${target.schema}".bulk`;
      const expected = { n: rows, ids: (rows * (rows + 1)) / 2, amount: tenths(lines.reduce((sum, _, i) => sum + (i % 1000), 0)), flags: rows / 2, days: 28, notes: rows };
      expect(await db.query(totals)).toEqual([expected]);

      // The same rows with NULL words, a blank line inside and CRLF at the end: COPY needs them rewritten.
      const messy = clean.replace('\n5,C0004,', '\n5,null,').replace('\n7,C0006,', '\n7," ",').replace('\n100,', '\n\n100,') + '\r\n';
      writeFile(dir, 'seeds/bulk.csv', messy);
      const rewritten = await load(dir, target, { fullRefresh: true });
      expect(rewritten.results.map((result) => [result.status, result.detail?.normalized])).toEqual([['success', true]]);
      expect(await db.query(totals)).toEqual([expected]);
      expect(await db.query(`select id, code from "${target.schema}".bulk where code is null order by id`)).toEqual([
        { id: 5, code: null },
        { id: 7, code: null },
      ]);
      removeDir(dir);
    });

    it('loads a large file while still reading it, and starts again when its end calls for other types', async () => {
      // Past the first megabytes, the server loads while kpi reads on (PGlite reads it all first): the result is the same.
      const rows = 300_000;
      const line = (i: number) => `${i},${i % 100},2024-01-${String((i % 28) + 1).padStart(2, '0')},"row ${i}"`;
      const body = Array.from({ length: rows }, (_, i) => line(i + 1));
      const dir = makeProject({ 'kpi_project.yml': 'name: late\n', 'seeds/late.csv': `id,score,day,label\n${body.join('\n')}\n` });
      const target = db.target();
      const table = `"${target.schema}".late`;
      expect((await load(dir, target)).results.map((result) => result.message)).toEqual([`INSERT ${rows}`]);
      const count = `select count(*)::int as n, sum(score)::int as score from ${table}`;
      const loaded = await db.query(count);

      // A bad record near the end: found after the load began on the server, rolled back all the same.
      const broken = [...body];
      broken[rows - 10] = `${rows - 9},1`;
      writeFile(dir, 'seeds/late.csv', `id,score,day,label\n${broken.join('\n')}\n`);
      const refused = await load(dir, target, { fullRefresh: true });
      expect(refused.results[0].error_code).toBe('KPI_SEED_INVALID');
      expect(refused.results[0].message).toMatch(new RegExp(`^seeds/late\\.csv:${rows - 8}: line ${rows - 8} has 2 fields but the header has 4`));
      expect(await db.query(count)).toEqual(loaded);
      expect(await leftovers(target.schema)).toEqual([]);

      // The last rows make score numeric and day a timestamp: the table gets the whole file's types.
      const changed = [...body, `${rows + 1},2.5,2024-02-01 10:00:00,"last"`];
      writeFile(dir, 'seeds/late.csv', `id,score,day,label\n${changed.join('\n')}\n`);
      const rebuilt = await load(dir, target, { fullRefresh: true });
      expect(rebuilt.results.map((result) => [result.status, result.message])).toEqual([['success', `CREATE ${rows + 1}`]]);
      expect(await columnsOf(table)).toEqual([
        { name: 'id', type: 'integer' },
        { name: 'score', type: 'numeric' },
        { name: 'day', type: 'timestamp without time zone' },
        { name: 'label', type: 'text' },
      ]);
      expect(await db.query(`select count(*)::int as n, max(day)::text as last from ${table}`)).toEqual([{ n: rows + 1, last: '2024-02-01 10:00:00' }]);
      expect(await leftovers(target.schema)).toEqual([]);
      removeDir(dir);
    });

    it('exits non-zero from the binary when a seed is bad, printing the file and line', async () => {
      const dir = makeProject({ 'kpi_project.yml': 'name: seeds_cli\nprofile: seeds_cli\n', 'seeds/ok.csv': 'a\n1\n', 'seeds/broken.csv': 'a,b\n1,2\n3\n' });
      const target = db.target();
      writeFile(dir, 'profiles.yml', profileYaml('seeds_cli', kind, target.schema));
      const result = await kpi(['seed', '--project-dir', dir, '--profiles-dir', dir], { cwd: dir });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/OK loaded seed file \S+\.ok \.+ \[INSERT 1 in/);
      expect(result.stdout).toMatch(/ERROR loading seed file \S+\.broken \.+ \[ERROR in/);
      expect(result.stdout).toMatch(/seeds\/broken\.csv:3: line 3 has 1 field but the header has 2/);
      expect(result.stdout).toMatch(/Done\. PASS=1 WARN=0 ERROR=1 SKIP=0 TOTAL=2/);
      removeDir(dir);
    });
  });
}
