import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docsGenerate, run } from '../../src/api.js';
import type { Catalog } from '../../src/artifacts/build-catalog.js';
import type { Manifest, ResourceType } from '../../src/manifest/types.js';
import { launchBrowser } from '../helpers/browser.js';
import { kpi } from '../helpers/cli.js';
import { databaseKinds, openTestDatabase, uniqueSchema, type TestDatabase } from '../helpers/databases.js';
import { openDocsPage } from '../helpers/docs-page.js';
import { copyFixture, REPO_ROOT, removeDir, writeFile } from '../helpers/fixtures.js';
import { copyKpiProject } from '../helpers/kpi-project.js';
import { DependencyGraph } from '../../src/graph/dependency-graph.js';
import { selectNodes } from '../../src/graph/select-nodes.js';
import type { DocsData } from '../../src/docs/docs-data.js';
import { renderSite } from '../../src/docs/render-site.js';

/** jaffle_shop_tested, plus a source, a seed and a model whose columns have every common type. */
function docsProject(sourceSchema: string): string {
  const dir = copyFixture('jaffle_shop_tested');
  writeFile(
    dir,
    'models/marts/sources.yml',
    `version: 2
sources:
  - name: shop_raw
    schema: ${sourceSchema}
    description: Events as the shop's backend writes them
    tables:
      - name: events
        description: One row per **event**
        columns:
          - name: kind
            description: What happened
`,
  );
  writeFile(
    dir,
    'models/marts/typed.sql',
    `select id, kind, 1::int as i, 'x'::varchar(20) as v, 1.5::numeric(10, 2) as n, '2024-02-29'::date as d,
  '2025-03-31 12:00'::timestamp as ts, true as b, '{"a": 1}'::jsonb as j, array[1, 2] as arr, 'c'::char(3) as c
from {{ source('shop_raw', 'events') }}`,
  );
  writeFile(
    dir,
    'models/marts/typed.yml',
    `version: 2
models:
  - name: typed
    description: Every type a BI tool meets
    config:
      tags: ['typed']
    columns:
      - name: v
        description: A short code
        tests: [not_null]
      - name: ghost
        description: Documented, but not in the table
        data_type: text
`,
  );
  writeFile(dir, 'seeds/country_codes.csv', 'code,name\nNZ,New Zealand\n');
  return dir;
}

/** What information_schema says of each column, written the way format_type writes it. */
function expectedType(row: { data_type: string; character_maximum_length: number | null; numeric_precision: number | null; numeric_scale: number | null; udt_name: string }): string {
  if (row.data_type === 'ARRAY') return `${{ _int4: 'integer', _text: 'text', _int8: 'bigint' }[row.udt_name] ?? row.udt_name}[]`;
  if (row.character_maximum_length !== null) return `${row.data_type}(${row.character_maximum_length})`;
  if (row.data_type === 'numeric' && row.numeric_precision !== null) return `numeric(${row.numeric_precision},${row.numeric_scale})`;
  return row.data_type;
}

for (const kind of databaseKinds()) {
  describe(`kpi docs generate on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    it('writes a catalog whose columns, types and stats are what the database reports', async () => {
      const target = db.target();
      const sourceSchema = db.target(uniqueSchema('raw')).schema;
      await db.query(`create schema "${sourceSchema}"`);
      await db.query(`create table "${sourceSchema}".events (id bigint, kind varchar(20), at timestamp)`);
      await db.query(`insert into "${sourceSchema}".events values (1, 'signup', '2025-03-31'), (2, 'order', '2025-03-31')`);
      await db.query(`comment on table "${sourceSchema}".events is 'raw events'`);
      const dir = docsProject(sourceSchema);
      expect((await run({ projectDir: dir, targetConfig: target, adapter: db.adapter })).success).toBe(true);
      // The seed's table, as `kpi seed` leaves it.
      await db.query(`create table "${target.schema}".country_codes (code text, name text)`);

      const result = await docsGenerate({ projectDir: dir, targetConfig: target, adapter: db.adapter });
      expect(result.catalogPath).toBe('target/catalog.json');
      expect(result.compileErrors).toEqual([]);
      const catalog = JSON.parse(readFileSync(join(dir, 'target/catalog.json'), 'utf8')) as Catalog;
      const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as Manifest;
      expect(catalog).toEqual(result.catalog);
      expect(catalog.metadata.dbt_schema_version).toBe('https://schemas.getdbt.com/dbt/catalog/v1.json');

      // Every built relation, and nothing else: no ephemerals, no tests.
      const built = Object.values(manifest.nodes).filter((node) => ['model', 'seed'].includes(node.resource_type) && node.config.materialized !== 'ephemeral');
      expect(Object.keys(catalog.nodes).sort()).toEqual(built.map((node) => node.unique_id).sort());
      expect(Object.keys(catalog.sources)).toEqual(['source.jaffle_shop.shop_raw.events']);

      for (const table of [...Object.values(catalog.nodes), ...Object.values(catalog.sources)]) {
        const { schema, name } = table.metadata;
        const columns = await db.query<{
          column_name: string;
          ordinal_position: number;
          data_type: string;
          character_maximum_length: number | null;
          numeric_precision: number | null;
          numeric_scale: number | null;
          udt_name: string;
        }>(
          `select column_name, ordinal_position::int as ordinal_position, data_type, character_maximum_length::int as character_maximum_length,
                  numeric_precision::int as numeric_precision, numeric_scale::int as numeric_scale, udt_name
             from information_schema.columns where table_schema = $1 and table_name = $2 order by ordinal_position`,
          [schema, name],
        );
        expect(
          Object.values(table.columns).map((column) => [column.name, column.index, column.type]),
          `${schema}.${name}`,
        ).toEqual(columns.map((column) => [column.column_name, column.ordinal_position, expectedType(column)]));
        const [info] = await db.query<{ table_type: string }>('select table_type from information_schema.tables where table_schema = $1 and table_name = $2', [schema, name]);
        expect(table.metadata.type).toBe(info.table_type);
        if (info.table_type === 'BASE TABLE') {
          const [{ n }] = await db.query<{ n: number }>(`select count(*)::int as n from "${schema}"."${name}"`);
          expect(table.stats.row_count.value, `${schema}.${name}`).toBe(n);
          expect(table.stats.bytes.value).toBeGreaterThan(0);
        } else {
          expect(table.stats).toEqual({ has_stats: expect.objectContaining({ value: false }) });
        }
      }

      const typed = catalog.nodes['model.jaffle_shop.typed'];
      expect(Object.fromEntries(Object.values(typed.columns).map((column) => [column.name, column.type]))).toEqual({
        id: 'bigint',
        kind: 'character varying(20)',
        i: 'integer',
        v: 'character varying(20)',
        n: 'numeric(10,2)',
        d: 'date',
        ts: 'timestamp without time zone',
        b: 'boolean',
        j: 'jsonb',
        arr: 'integer[]',
        c: 'character(3)',
      });
      expect(typed.stats.row_count.value).toBe(2);
      expect(catalog.sources['source.jaffle_shop.shop_raw.events'].metadata).toMatchObject({ type: 'BASE TABLE', schema: sourceSchema, name: 'events', comment: 'raw events' });
      expect(catalog.nodes['model.jaffle_shop.stg_orders'].metadata.type).toBe('VIEW');
      expect(catalog.nodes['seed.jaffle_shop.country_codes'].stats.row_count.value).toBe(0);
      removeDir(dir);
    });

    it('writes a site holding every node, its columns and SQL, and the lineage, with nothing fetched from outside', async () => {
      const target = db.target();
      const sourceSchema = db.target(uniqueSchema('raw')).schema;
      await db.query(`create schema "${sourceSchema}"`);
      await db.query(`create table "${sourceSchema}".events (id bigint, kind varchar(20))`);
      const dir = docsProject(sourceSchema);
      expect((await run({ projectDir: dir, targetConfig: target, adapter: db.adapter })).success).toBe(true);
      // A model that cannot compile now (its query fails): reported, and the docs are still written.
      writeFile(dir, 'models/marts/broken.sql', "{% set rows = run_query('select * from no_such_table') %}select 1 as x");
      const result = await docsGenerate({ projectDir: dir, targetConfig: target, adapter: db.adapter });
      expect(result.compileErrors).toEqual([{ unique_id: 'model.jaffle_shop.broken', message: expect.stringMatching(/no_such_table/) }]);

      const html = readFileSync(join(dir, 'target/index.html'), 'utf8');
      expect(html).not.toMatch(/https?:\/\//);
      expect(html).not.toMatch(/<(link|img|iframe)\b|<script[^>]*\ssrc=|@import|url\(/i);
      const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as Manifest;
      const page = openDocsPage(html);

      // Every model, seed, test and source; every edge of the project's graph.
      const expected = [...Object.values(manifest.nodes).map((node) => node.unique_id), ...Object.keys(manifest.sources)].sort();
      expect(Object.keys(page.data.nodes).sort()).toEqual(expected);
      const edges = Object.entries(manifest.parent_map).flatMap(([child, parents]) => parents.map((parent) => `${parent} -> ${child}`));
      expect(page.data.edges.map(([from, to]) => `${from} -> ${to}`).sort()).toEqual(edges.sort());
      for (const type of ['model', 'seed', 'test', 'source'])
        expect(
          Object.values(page.data.nodes).some((node) => node.type === type),
          type,
        ).toBe(true);
      for (const id of Object.keys(page.data.nodes)) expect(page.sidebar, id).toContain(`href="#!/${encodeURIComponent(id)}"`);

      page.open('model.jaffle_shop.typed');
      expect(page.main).toMatch(/<h1>typed<\/h1>/);
      expect(page.main).toContain('<p>Every type a BI tool meets</p>');
      // Columns: types from the database, descriptions from YAML, a documented column the table lacks at the end.
      expect(page.main).toMatch(
        /<td class="index">4<\/td><td><code>v<\/code><\/td><td class="type">character varying\(20\)<\/td><td><p>A short code<\/p><\/td><td><a class="test" href="#!\/test\.jaffle_shop\.not_null_typed_v\.[0-9a-f]+"/,
      );
      expect(page.main).toMatch(/<td class="index"><\/td><td><code>ghost<\/code><\/td><td class="type">text<\/td><td><p>Documented, but not in the table<\/p><\/td>/);
      expect(page.main).toMatch(/<dt>row count<\/dt><dd><span [^>]*>0<\/span><\/dd>/);
      expect(page.main).toMatch(/<tr><th>tags<\/th><td><code>typed<\/code><\/td><\/tr>/);
      expect(page.main).toMatch(/<tr><th>materialized<\/th><td><code>table<\/code><\/td><\/tr>/);
      // Lineage: the source feeds it; its tests appear when asked for.
      expect(page.main).toContain('data-from="source.jaffle_shop.shop_raw.events" data-to="model.jaffle_shop.typed"');
      expect(page.main).not.toContain('data-to="test.jaffle_shop.not_null_typed_v');
      page.showTests(true);
      expect(page.main).toMatch(/data-from="model\.jaffle_shop\.typed" data-to="test\.jaffle_shop\.not_null_typed_v\./);
      // Compiled SQL names the source's relation; the source tab shows the template.
      expect(page.code).toContain(`from "${sourceSchema}"."events"`);
      expect(page.main).toContain(`<span class="sql-keyword">from</span> <span class="sql-ident">&quot;${sourceSchema}&quot;</span>.<span class="sql-ident">&quot;events&quot;</span>`);
      page.showCode('source');
      expect(page.code).toBe(readFileSync(join(dir, 'models/marts/typed.sql'), 'utf8'));
      expect(page.main).toContain('<span class="sql-keyword">from</span> <span class="sql-jinja">{{ source(&#39;shop_raw&#39;, &#39;events&#39;) }}</span>');

      page.open('model.jaffle_shop.customers');
      expect(page.main).toMatch(/<h2>Depends on<\/h2><ul class="links">(<li>.*?<\/li>){3}<\/ul>/);
      expect(page.main).toContain('href="#!/model.jaffle_shop.stg_customers"');
      page.open('model.jaffle_shop.broken');
      expect(page.main).toMatch(/<button data-code="compiled" class=""(?: disabled)/);

      page.open('source.jaffle_shop.shop_raw.events');
      expect(page.main).toContain('<p>One row per <strong>event</strong></p>');
      expect(page.main).toMatch(/<td><code>kind<\/code><\/td><td class="type">character varying\(20\)<\/td><td><p>What happened<\/p>/);

      page.search('short code');
      expect(page.main).toMatch(/1 result for/);
      expect(page.main).toContain('column v');

      // Without a database: the site from the manifest alone, an empty catalog.
      const offline = await docsGenerate({ projectDir: dir, targetConfig: target, compile: false, emptyCatalog: true });
      expect(offline.catalog.nodes).toEqual({});
      expect(offline.compiled).toBe(0);
      const offlinePage = openDocsPage(readFileSync(join(dir, 'target/index.html'), 'utf8'));
      expect(Object.keys(offlinePage.data.nodes).sort()).toEqual(expected);
      offlinePage.open('model.jaffle_shop.typed');
      expect(offlinePage.main).toContain('<dt>in the database</dt><dd><em>not looked up (generated with --empty-catalog)</em></dd>');
      removeDir(dir);
    });
  });
}

/** KPI_DOCS_SCREENSHOTS=docs writes the README's screenshots of the docs site (from the last database's run); they are always taken. */
function keepDocsScreenshot(file: string, name: string, kind: string): void {
  expect(statSync(file).size).toBeGreaterThan(20_000);
  if (process.env.KPI_DOCS_SCREENSHOTS === 'docs' && kind === databaseKinds().at(-1)) copyFileSync(file, join(REPO_ROOT, 'docs', name));
}

/** The repository's KPI project with its README, and a tag on the demo models so `tag:` has something to find. */
function kpiDocsProject(): string {
  const dir = copyKpiProject();
  copyFileSync(join(REPO_ROOT, 'README.md'), join(dir, 'README.md'));
  const file = join(dir, 'kpi_project.yml');
  const config = readFileSync(file, 'utf8');
  // The first `+schema: raw` is the demo models' folder (the seeds' comes later).
  const tagged = config.replace('      +schema: raw\n', '      +schema: raw\n      +tags: [demo]\n');
  expect(tagged).not.toBe(config);
  writeFileSync(file, tagged);
  return dir;
}

const ALL_TYPES: ResourceType[] = ['model', 'seed', 'snapshot', 'source', 'test', 'unit_test', 'analysis'];

for (const kind of databaseKinds()) {
  describe(`the docs site of the repository's KPI project on ${kind}`, () => {
    let db: TestDatabase;
    let dir: string;
    let html: string;
    let manifest: Manifest;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
      dir = kpiDocsProject();
      await docsGenerate({ projectDir: dir, targetConfig: db.target(), adapter: db.adapter });
      html = readFileSync(join(dir, 'target/index.html'), 'utf8');
      manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as Manifest;
    });
    afterAll(async () => {
      await db.close();
      removeDir(dir);
    });

    it("lands on the project's README and its whole lineage, tests left out until asked for", () => {
      const page = openDocsPage(html);
      expect(page.main).toContain('<section class="readme"><h2>README.md</h2>');
      // The README's first heading and a pipe table, rendered; its screenshots become links (the page loads nothing).
      const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
      const title = /^# (.+)$/m.exec(readme)?.[1] as string;
      expect(page.main).toContain(`<h3>${title.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</h3>`);
      expect(page.main).toMatch(/<table><thead><tr><th>/);
      expect(page.main).toContain('<a class="image" href="docs/dashboard-board.png" rel="noopener">');
      const withoutTests = [...Object.keys(manifest.nodes), ...Object.keys(manifest.sources)].filter((id) => !/^(test|unit_test)\./.test(id));
      expect(page.graphNodes).toEqual(withoutTests.sort());
      page.showTests(true);
      expect(page.graphNodes).toEqual([...Object.keys(manifest.nodes), ...Object.keys(manifest.sources)].sort());
    });

    it("selects in the page exactly the nodes kpi's selectNodes selects", () => {
      const graph = new DependencyGraph(manifest);
      const page = openDocsPage(html);
      page.showTests(true);
      const cases: Array<[string, string]> = [
        ['+fact_kpi_daily', ''],
        ['fact_kpi_daily+', ''],
        ['2+kpi_serving', ''],
        ['+kpi_thresholds+1', ''],
        ['@kpi_thresholds', ''],
        ['tag:demo', ''],
        ['tag:dem*', ''],
        ['path:models/kpi', ''],
        ['path:models/kpi/fact_kpi_daily.sql', ''],
        ['models/demo', ''],
        ['file:dim_date', ''],
        ['resource_type:seed', ''],
        ['resource_type:test', ''],
        ['resource_type:unit_test unit_test:*', ''],
        ['test_type:generic', ''],
        ['test_type:singular', ''],
        ['test_name:not_null', ''],
        ['test_name:accepted_*', ''],
        ['config.materialized:table', ''],
        ['config.materialized:view,path:models/kpi', ''],
        ['config.persist_docs.relation:true', ''],
        ['config.schema:raw', ''],
        ['+fact_kpi_daily,resource_type:seed', ''],
        ['+fact_kpi_daily,tag:demo resource_type:seed', ''],
        ['kpi.kpi.*', ''],
        ['kpi.demo', ''],
        ['package:kpi', 'path:models/kpi'],
        ['source:*', ''],
        ['*', 'resource_type:test'],
        ['', '+kpi_serving'],
        ['exposure:anything', ''],
        // Every model is protected unless it says otherwise (dbt's default access).
        ['access:protected', 'resource_type:test'],
        ['no_such_model', ''],
      ];
      const sizes: string[] = [];
      for (const [select, exclude] of cases) {
        const expected = selectNodes(graph, { select: select ? [select] : [], exclude: exclude ? [exclude] : [], resourceTypes: ALL_TYPES });
        page.selectGraph(select, exclude);
        expect(page.main, select).not.toContain('class="selection error"');
        expect(page.graphNodes, `--select '${select}' --exclude '${exclude}'`).toEqual([...expected].sort());
        expect(page.main).toContain(`data-selected="${expected.length}"`);
        sizes.push(`${select}:${expected.length}`);
      }
      // The cases are not trivially empty: most select something, and differently.
      expect(new Set(sizes.map((size) => size.split(':').pop())).size).toBeGreaterThan(10);
      // Empty by the project: it has no singular tests and no sources; and two that match nothing anywhere.
      expect(sizes.filter((size) => size.endsWith(':0'))).toEqual(['test_type:singular:0', 'source:*:0', 'exposure:anything:0', 'no_such_model:0']);
    });

    it('works in Chromium from file://: README, lineage, the selector box, a test page, SQL, the narrow sidebar; nothing fetched', async () => {
      const browser = await launchBrowser();
      const errors: string[] = [];
      const requests: string[] = [];
      try {
        const page = await browser.context.newPage();
        page.on('pageerror', (error) => errors.push(error.message));
        page.on('console', (message) => {
          if (message.type() === 'error') errors.push(message.text());
        });
        page.on('request', (request) => requests.push(request.url()));
        const url = pathToFileURL(join(dir, 'target/index.html')).href;
        await page.goto(url);
        await page.waitForSelector('#main section.readme');
        const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
        expect(await page.locator('section.readme h3').first().textContent()).toBe(/^# (.+)$/m.exec(readme)?.[1]);
        const ids = async () => (await page.locator('.project-lineage svg.lineage a.lnode').evaluateAll((boxes) => boxes.map((box) => box.getAttribute('data-id') ?? ''))).sort();
        const all = [...Object.keys(manifest.nodes), ...Object.keys(manifest.sources)];
        expect(await ids()).toEqual(all.filter((id) => !/^(test|unit_test)\./.test(id)).sort());

        // The selector box: +fact_kpi_daily is the model and everything upstream of it (walked here over manifest.parent_map).
        const fact = 'model.kpi.fact_kpi_daily';
        const upstream = new Set([fact]);
        for (const id of upstream) for (const parent of manifest.parent_map[id] ?? []) upstream.add(parent);
        expect(upstream.size).toBeGreaterThan(5);
        await page.fill('#graph-select', '+fact_kpi_daily');
        await page.press('#graph-select', 'Enter');
        await page.waitForSelector(`p.selection[data-selected="${upstream.size}"]`);
        expect(await ids()).toEqual([...upstream].sort());
        expect(await page.inputValue('#graph-select')).toBe('+fact_kpi_daily');
        // The selection is in the address, so a reload (or a shared link) keeps it.
        expect(page.url()).toBe(`${url}#select=%2Bfact_kpi_daily`);
        await page.reload();
        await page.waitForSelector(`p.selection[data-selected="${upstream.size}"]`);
        expect(await ids()).toEqual([...upstream].sort());
        await page.locator('section.project-lineage').scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(dir, 'landing.png') });
        keepDocsScreenshot(join(dir, 'landing.png'), 'docs-site-landing.png', kind);
        await page.fill('#graph-select', 'state:modified');
        await page.press('#graph-select', 'Enter');
        await expect.poll(() => page.locator('p.selection.error').textContent()).toMatch(/the docs page does not support them/);

        // A test's page: the test, and the node it tests marked.
        const test = Object.values(manifest.nodes).find((node) => node.resource_type === 'test' && node.attached_node === fact);
        if (!test) throw new Error('no test on fact_kpi_daily');
        await page.goto(`${url}#!/${encodeURIComponent(test.unique_id)}`);
        await page.waitForSelector('.lineage-box svg.lineage');
        expect(await page.locator('a.lnode.focus').getAttribute('data-id')).toBe(test.unique_id);
        expect(await page.locator('a.lnode.tested').evaluateAll((boxes) => boxes.map((box) => box.getAttribute('data-id')))).toEqual(test.depends_on.nodes);

        // A model deep in a wide lineage opens with its box in the middle of the drawing's frame (or as near as the edges allow).
        await page.goto(`${url}#!/${encodeURIComponent('model.kpi.kpi_thresholds')}`);
        await page.waitForSelector('.lineage-box a.lnode.focus');
        const frame = await page.evaluate(() => {
          const box = document.querySelector('.lineage-box') as HTMLElement;
          const focus = (document.querySelector('.lineage-box a.lnode.focus rect') as SVGRectElement).getBoundingClientRect();
          const outer = box.getBoundingClientRect();
          return {
            dx: focus.x + focus.width / 2 - (outer.x + box.clientWidth / 2),
            dy: focus.y + focus.height / 2 - (outer.y + box.clientHeight / 2),
            left: box.scrollLeft,
            maxLeft: box.scrollWidth - box.clientWidth,
            top: box.scrollTop,
            maxTop: box.scrollHeight - box.clientHeight,
          };
        });
        expect(frame.maxLeft).toBeGreaterThan(0);
        expect(frame.left).toBeGreaterThan(0);
        if (frame.left < frame.maxLeft) expect(Math.abs(frame.dx)).toBeLessThan(2);
        if (frame.top > 0 && frame.top < frame.maxTop) expect(Math.abs(frame.dy)).toBeLessThan(2);

        // Its SQL highlighted: the source tab reads exactly the model's file.
        await page.click('button[data-code="source"]');
        expect(await page.locator('pre.sql').textContent()).toBe(manifest.nodes['model.kpi.kpi_thresholds'].raw_code);
        expect(await page.locator('pre.sql .sql-keyword').count()).toBeGreaterThan(10);
        expect(await page.locator('pre.sql .sql-jinja').count()).toBeGreaterThan(0);
        const keywordColour = await page
          .locator('pre.sql .sql-keyword')
          .first()
          .evaluate((element) => getComputedStyle(element).color);
        expect(keywordColour).not.toBe(await page.locator('pre.sql').evaluate((element) => getComputedStyle(element).color));

        // 600 px: the sidebar hides behind the menu button, opens as a drawer, and long names wrap inside it.
        await page.setViewportSize({ width: 600, height: 900 });
        await page.goto(url);
        await page.waitForSelector('#main section.readme');
        expect(await page.locator('#sidebar').isVisible()).toBe(false);
        await page.click('#nav-toggle');
        expect(await page.locator('#sidebar').isVisible()).toBe(true);
        expect(await page.getAttribute('#nav-toggle', 'aria-expanded')).toBe('true');
        const drawer = await page.locator('#sidebar').boundingBox();
        expect(drawer?.x).toBe(0);
        expect((drawer?.x ?? 0) + (drawer?.width ?? 0)).toBeLessThanOrEqual(600);
        const cut = await page.locator('#sidebar a.item').evaluateAll((items) => items.filter((item) => item.scrollWidth > item.clientWidth + 1).map((item) => item.textContent));
        expect(cut).toEqual([]);
        const tallest = await page.locator('#sidebar a.item').evaluateAll((items) => Math.max(...items.map((item) => item.getBoundingClientRect().height)));
        const line = await page
          .locator('#sidebar a.item')
          .first()
          .evaluate((item) => item.getBoundingClientRect().height);
        // agg_kpi_dashboard_unit_tests' long unit-test names need more than one line at this width.
        expect(tallest).toBeGreaterThan(line * 1.5);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(600);
        await page.screenshot({ path: join(dir, 'narrow.png') });
        keepDocsScreenshot(join(dir, 'narrow.png'), 'docs-site-narrow.png', kind);
        await page.click('#sidebar a.item[href="#!/model.kpi.fact_kpi_daily"]');
        await page.waitForSelector('header.page h1:text("fact_kpi_daily")');
        expect(await page.locator('#sidebar').isVisible()).toBe(false);
        await page.close();

        // A page whose texts are hostile runs nothing they hold.
        const hostile = join(dir, 'hostile.html');
        const bad = '</script><script>window.injected = 1</script><img src=x onerror="window.injected = 2">';
        const data = JSON.parse(/<script type="application\/json" id="[^"]+">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '{}') as DocsData;
        data.nodes[fact].description = `Hostile ${bad}`;
        data.nodes[fact].raw = `select '${bad}' -- ${bad}`;
        data.nodes[fact].compiled = null;
        data.readme = { from: 'README.md', markdown: `# ${bad}\n\n| ${bad} |\n|---|\n| ${bad} |` };
        writeFileSync(hostile, renderSite(data));
        const attacked = await browser.context.newPage();
        const dialogs: string[] = [];
        attacked.on('dialog', (dialog) => dialogs.push(dialog.message()));
        attacked.on('pageerror', (error) => errors.push(error.message));
        attacked.on('request', (request) => requests.push(request.url()));
        await attacked.goto(pathToFileURL(hostile).href);
        await attacked.waitForSelector('#main section.readme');
        await attacked.goto(`${pathToFileURL(hostile).href}#!/${encodeURIComponent(fact)}`);
        await attacked.waitForSelector('pre.sql');
        expect(await attacked.locator('section.description').textContent()).toBe(`Hostile ${bad}`);
        expect(await attacked.locator('pre.sql').textContent()).toBe(`select '${bad}' -- ${bad}`);
        expect(await attacked.locator('img, #main script').count()).toBe(0);
        expect(await attacked.evaluate(() => (window as unknown as { injected?: number }).injected)).toBeUndefined();
        expect(dialogs).toEqual([]);
        await attacked.close();
      } finally {
        await browser.close();
      }
      expect(errors).toEqual([]);
      expect(requests.length).toBeGreaterThan(0);
      expect(requests.filter((request) => !request.startsWith('file://'))).toEqual([]);
    }, 120_000);

    it('says which selectors the page cannot evaluate, and reads bad ones as the command line does', () => {
      const page = openDocsPage(html);
      for (const [select, message] of [
        ['state:modified', /state: selectors need an earlier run's artifacts; the docs page does not support them/],
        ['result:error', /result: selectors need an earlier run's artifacts/],
        ['tagg:x', /'tagg' in 'tagg:x' is not a selector method/],
        ['config:table', /needs the config key/],
        ['@+a', /mixes '@' with '\+'/],
        ['a,,b', /has an empty part around a comma/],
      ] as const) {
        page.selectGraph(select);
        expect(page.main, select).toMatch(/<p class="selection error" role="alert">/);
        expect(page.main.replace(/&#39;/g, "'"), select).toMatch(message);
        expect(page.graphNodes).toEqual([]);
      }
      // And the selector text itself is escaped back into its box.
      page.selectGraph('"><img src=x onerror=alert(1)>');
      expect(page.main).not.toContain('<img');
      expect(page.main).toContain('value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"');
    });
  });
}

function get(url: string, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const parsed = new URL(url);
    // A raw path, so `..` reaches the server as typed (fetch would normalise it away).
    const req = request({ host: parsed.hostname, port: parsed.port, path, method: 'GET' }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('kpi docs with the binary', () => {
  it('generates the site and serves target/ over HTTP on localhost until stopped', async () => {
    const dir = copyFixture('jaffle_shop');
    removeDir(join(dir, 'profiles.yml'));
    const missing = await kpi(['docs', 'serve', '--port', '0'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^KPI_NOT_FOUND: no docs site in .*target\n {2}hint: run `kpi docs generate` first/);

    expect((await kpi(['run'], { cwd: dir })).code).toBe(0);
    const generated = await kpi(['docs', 'generate'], { cwd: dir });
    expect(generated.stderr).toBe('');
    expect(generated.code).toBe(0);
    expect(generated.stdout).toBe('Catalog written to target/catalog.json (5 nodes, 0 sources)\nDocs site written to target/index.html: open it, or run kpi docs serve\n');
    const html = readFileSync(join(dir, 'target/index.html'), 'utf8');
    // The page the built binary writes runs too (its script comes from the compiled code).
    const page = openDocsPage(html);
    page.open('model.jaffle_shop.orders');
    expect(page.main).toContain('data-from="model.jaffle_shop.stg_payments" data-to="model.jaffle_shop.orders"');

    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/kpi.js'), 'docs', 'serve', '--port', '0'], { cwd: dir });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk) => {
          output += chunk;
          const match = /Serving docs at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
          if (match) resolve(match[1]);
        });
        void exited.then(() => reject(new Error(`kpi docs serve exited: ${output}`)));
      });
      const index = await get(url, '/');
      expect(index).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
      expect(index.body).toBe(html);
      const catalog = await get(url, '/catalog.json');
      expect(catalog.type).toBe('application/json; charset=utf-8');
      expect(Object.keys(JSON.parse(catalog.body).nodes)).toHaveLength(5);
      expect((await get(url, '/manifest.json')).status).toBe(200);
      for (const path of ['/../kpi_project.yml', '/..%2fdbt_project.yml', '/%2e%2e/dbt_project.yml', '/nothing.html']) expect((await get(url, path)).status, path).toBe(404);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    removeDir(dir);
  });

  it('renders in headless Chromium, where the machine has it', async () => {
    const chromium = ['chromium', 'chromium-browser', 'google-chrome'].find((name) => !spawnSync(name, ['--version']).error);
    const dir = copyFixture('jaffle_shop');
    removeDir(join(dir, 'profiles.yml'));
    expect((await kpi(['docs', 'generate', '--empty-catalog'], { cwd: dir })).code).toBe(0);
    expect(existsSync(join(dir, 'target/index.html'))).toBe(true);
    if (chromium) {
      const dom = spawnSync(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--dump-dom', `file://${join(dir, 'target/index.html')}#!/model.jaffle_shop.customers`], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(dom.stdout).toMatch(/<h1>customers<\/h1>/);
      expect(dom.stdout).toMatch(/<svg class="lineage"[^>]*>.*data-from="model\.jaffle_shop\.stg_orders" data-to="model\.jaffle_shop\.customers"/s);
      expect(dom.stdout).toMatch(/class="item type-model current" href="#!\/model\.jaffle_shop\.customers"/);
    }
    removeDir(dir);
  });
});
