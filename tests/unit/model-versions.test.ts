import { describe, expect, it } from 'vitest';
import { parse } from '../../src/api.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

const target = { type: 'pglite' as const, name: 'dev', profileName: 'test', schema: 'sandbox', threads: 1, path: null };

describe('model versions', () => {
  it("are nodes of one model, built as <name>_v<v>, and ref(name) means the latest version, ref(name, v=) that one, as dbt's docs say", async () => {
    const dir = makeProject({
      'dbt_project.yml': 'name: shop\nconfig-version: 2\n',
      'models/dim_customers_v1.sql': 'select 1 as id',
      'models/dim_customers_v2.sql': 'select 1 as id, 2 as extra',
      // v3 is in development: latest_version keeps ref('dim_customers') on v2.
      'models/customers_next.sql': 'select 3 as id',
      'models/latest_user.sql': "select * from {{ ref('dim_customers') }}",
      'models/pinned_user.sql': "select * from {{ ref('dim_customers', v=1) }} union all select * from {{ ref('dim_customers', version=3) }}",
      'models/schema.yml': `version: 2
models:
  - name: dim_customers
    description: Customers
    latest_version: 2
    config:
      materialized: table
    versions:
      - v: 1
      - v: 2
        config:
          tags: [current]
      - v: 3
        defined_in: customers_next
`,
    });
    const { manifest } = await parse({ projectDir: dir, targetConfig: target });
    const versions = Object.values(manifest.nodes).filter((node) => node.name === 'dim_customers');
    expect(versions.map((node) => [node.unique_id, node.version, node.latest_version, node.relation_name, node.config.materialized, node.description]).sort()).toEqual([
      // Versions as YAML writes them (numbers stay numbers, as in dbt's manifest).
      ['model.shop.dim_customers.v1', 1, 2, '"sandbox"."dim_customers_v1"', 'table', 'Customers'],
      ['model.shop.dim_customers.v2', 2, 2, '"sandbox"."dim_customers_v2"', 'table', 'Customers'],
      ['model.shop.dim_customers.v3', 3, 2, '"sandbox"."dim_customers_v3"', 'table', 'Customers'],
    ]);
    expect(manifest.nodes['model.shop.dim_customers.v2'].tags).toEqual(['current']);
    expect(manifest.nodes['model.shop.dim_customers.v3'].original_file_path).toBe('models/customers_next.sql');
    expect(manifest.nodes['model.shop.latest_user'].depends_on.nodes).toEqual(['model.shop.dim_customers.v2']);
    expect(manifest.nodes['model.shop.pinned_user'].depends_on.nodes).toEqual(['model.shop.dim_customers.v1', 'model.shop.dim_customers.v3']);
    removeDir(dir);
  });
});
