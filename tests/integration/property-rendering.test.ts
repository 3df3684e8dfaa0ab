import { describe, expect, it } from 'vitest';
import { parse } from '../../src/api.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

describe('property files', () => {
  it("render Jinja in a source's schema, database and identifier, as dbt does", async () => {
    const dir = makeProject({
      'kpi_project.yml': 'name: p\nvars:\n  raw_table: events_v2\n',
      'models/sources.yml': `version: 2
sources:
  - name: app
    schema: "{{ target.schema }}_raw"
    tables:
      - name: events
        identifier: "{{ var('raw_table') }}"
`,
      'models/m.sql': "select * from {{ source('app', 'events') }}",
    });
    const parsed = await parse({ projectDir: dir, targetConfig: { type: 'pglite', name: 'dev', profileName: 't', schema: 'sandbox', threads: 1, path: null } });
    expect(parsed.manifest.sources['source.p.app.events']).toMatchObject({ schema: 'sandbox_raw', identifier: 'events_v2', relation_name: '"sandbox_raw"."events_v2"' });
    removeDir(dir);
  });

  it("render Jinja in models', seeds' and unit tests' config:, as dbt renders property YAML, and leave hooks for when they run", async () => {
    const dir = makeProject({
      'kpi_project.yml': 'name: p\nvars:\n  amount_type: numeric(10,2)\n',
      'seeds/payments.csv': 'id,amount\n1,2.50\n',
      'models/orders.sql': 'select 1 as id',
      'models/legacy.sql': 'select 1 as id',
      'models/schema.yml': `version: 2
seeds:
  - name: payments
    config:
      column_types:
        amount: "{{ var('amount_type') if target.type == 'postgres' else 'float64' }}"
      tags: ["{{ 'pg' if target.type == 'postgres' else 'other' }}", fixed]
models:
  - name: orders
    config:
      post_hook: "select '{{ this }}'"
      meta:
        owner: "{{ target.name ~ '-team' }}"
    columns:
      - name: id
        description: "Rendered later, as docs: {{ '{{' }}"
        data_type: "{{ 'UInt8' if target.type in ['clickhouse'] else 'integer' }}"
  - name: legacy
    config:
      enabled: "{{ target.type not in ['bigquery', 'postgres'] }}"
unit_tests:
  - name: orders_has_one
    model: orders
    config:
      tags: "{{ 'pg' if target.type == 'postgres' else 'x' }}"
    given: []
    expect:
      rows: [{id: 1}]
`,
    });
    const parsed = await parse({ projectDir: dir, targetConfig: { type: 'pglite', name: 'dev', profileName: 't', schema: 'sandbox', threads: 1, path: null } });
    const seed = parsed.manifest.nodes['seed.p.payments'];
    // target.type is 'postgres' on the embedded database too (it is Postgres).
    expect(seed.config.column_types).toEqual({ amount: 'numeric(10,2)' });
    expect(seed.config.tags).toEqual(['pg', 'fixed']);
    const orders = parsed.manifest.nodes['model.p.orders'];
    expect(orders.config.meta).toEqual({ owner: 'dev-team' });
    expect(orders.config.post_hook).toEqual([{ sql: "select '{{ this }}'", transaction: true }]);
    // A column's data_type is rendered (a contract builds with it, as dbt-project-evaluator's report_2 declares); its description is not.
    expect(orders.columns.id).toMatchObject({ data_type: 'integer', description: "Rendered later, as docs: {{ '{{' }}" });
    // "False" from the template is a false enabled: the model is disabled, as in dbt.
    expect(parsed.manifest.nodes['model.p.legacy']).toBeUndefined();
    expect(
      Object.values(parsed.manifest.nodes)
        .filter((node) => node.resource_type === 'unit_test')
        .map((test) => [test.name, test.config.tags]),
    ).toEqual([['orders_has_one', ['pg']]]);
    removeDir(dir);
  });
});
