import { describe, expect, it } from 'vitest';
import { type KpiError } from '../../src/errors.js';
import { DependencyGraph } from '../../src/graph/dependency-graph.js';
import { selectNodes } from '../../src/graph/select-nodes.js';
import { globMatch, parseSelector, parseSelectorAtom } from '../../src/graph/selector.js';
import { computeMaps } from '../../src/project/build-manifest.js';
import { finalizeConfig } from '../../src/project/node-config.js';
import type { Manifest, ManifestNode } from '../../src/manifest/types.js';

function node(name: string, options: { parents?: string[]; path?: string; tags?: string[]; materialized?: string; type?: ManifestNode['resource_type']; folder?: string[] } = {}): ManifestNode {
  const type = options.type ?? 'model';
  const folder = options.folder ?? [];
  const path = options.path ?? `models/${[...folder, name].join('/')}.sql`;
  return {
    unique_id: `${type}.shop.${name}`,
    resource_type: type,
    name,
    package_name: 'shop',
    path: path.replace(/^models\//, ''),
    original_file_path: path,
    patch_path: null,
    fqn: ['shop', ...folder, name],
    language: 'sql',
    raw_code: '',
    checksum: { name: 'sha256', checksum: name },
    config: finalizeConfig(type, { tags: options.tags ?? [], materialized: options.materialized }),
    tags: options.tags ?? [],
    description: '',
    columns: {},
    meta: {},
    docs: { show: true },
    refs: [],
    sources: [],
    depends_on: { nodes: (options.parents ?? []).map((parent) => (parent.includes('.') ? parent : `model.shop.${parent}`)), macros: [] },
    database: 'postgres',
    schema: 'sandbox',
    alias: name,
    relation_name: `"sandbox"."${name}"`,
    created_at: 0,
  };
}

function graphOf(nodes: ManifestNode[]): DependencyGraph {
  const manifest = {
    nodes: Object.fromEntries(nodes.map((item) => [item.unique_id, item])),
    sources: {
      'source.shop.raw.orders': {
        unique_id: 'source.shop.raw.orders',
        resource_type: 'source',
        name: 'orders',
        source_name: 'raw',
        package_name: 'shop',
        identifier: 'orders',
        database: 'postgres',
        schema: 'raw',
        relation_name: '"raw"."orders"',
        loader: '',
        loaded_at_field: null,
        freshness: null,
        description: '',
        source_description: '',
        columns: {},
        tags: [],
        meta: {},
        config: { enabled: true },
        original_file_path: 'models/sources.yml',
        path: 'models/sources.yml',
        fqn: ['shop', 'raw', 'orders'],
        created_at: 0,
      },
    },
  } as unknown as Manifest;
  computeMaps(manifest);
  return new DependencyGraph(manifest);
}

// raw.orders -> stg_orders -> orders -> customers ; stg_payments -> orders ; orders -> finance.revenue -> finance.report
const graph = graphOf([
  node('stg_orders', { parents: ['source.shop.raw.orders'], folder: ['staging'], tags: ['staging', 'daily'], materialized: 'view' }),
  node('stg_payments', { folder: ['staging'], tags: ['staging'], materialized: 'view' }),
  node('orders', { parents: ['stg_payments', 'stg_orders'], folder: ['marts'], materialized: 'table' }),
  node('customers', { parents: ['orders'], folder: ['marts'], materialized: 'table', tags: ['daily'] }),
  node('revenue', { parents: ['orders'], folder: ['marts', 'finance'], materialized: 'incremental' }),
  node('report', { parents: ['revenue'], folder: ['marts', 'finance'], materialized: 'view' }),
  node('not_null_orders_id', { parents: ['orders'], type: 'test', path: 'models/schema.yml' }),
]);

const names = (select: string[], extra: Partial<Parameters<typeof selectNodes>[1]> = {}) => selectNodes(graph, { select, resourceTypes: ['model', 'test'], ...extra }).map((id) => id.split('.').pop());

describe('selector grammar', () => {
  it('parses graph operators, methods and depths', () => {
    expect(parseSelectorAtom('2+tag:daily+1')).toMatchObject({ method: 'tag', value: 'daily', parents: true, parentsDepth: 2, children: true, childrenDepth: 1 });
    expect(parseSelectorAtom('@orders')).toMatchObject({ method: 'fqn', value: 'orders', childrensParents: true });
    expect(parseSelectorAtom('config.materialized:table')).toMatchObject({ method: 'config', methodArgs: ['materialized'], value: 'table' });
    expect(parseSelector(['a,b c', 'd'])).toHaveLength(3);
  });

  it('rejects unknown methods with a suggestion', () => {
    expect(() => parseSelectorAtom('tga:daily')).toThrow(/Did you mean 'tag:'/);
    try {
      parseSelectorAtom('tga:daily');
    } catch (error) {
      expect((error as KpiError).code).toBe('KPI_SELECTOR_INVALID');
    }
  });

  it('matches wildcards like fnmatch', () => {
    expect(globMatch('stg_*', 'stg_orders')).toBe(true);
    expect(globMatch('stg_?rders', 'stg_orders')).toBe(true);
    expect(globMatch('stg_*', 'orders')).toBe(false);
  });
});

describe('selecting nodes', () => {
  it('selects by name, fqn, wildcard and path', () => {
    expect(names(['orders'])).toEqual(['orders']);
    expect(names(['marts.finance.*'])).toEqual(['revenue', 'report']);
    expect(names(['stg_*'])).toEqual(['stg_payments', 'stg_orders']);
    expect(names(['path:models/staging'])).toEqual(['stg_payments', 'stg_orders']);
    expect(names(['models/marts/customers.sql'])).toEqual(['customers']);
  });

  it('walks parents and children, with depths and @', () => {
    expect(names(['+orders'])).toEqual(['stg_payments', 'stg_orders', 'orders']);
    expect(names(['orders+'])).toEqual(['orders', 'customers', 'revenue', 'not_null_orders_id', 'report']);
    expect(names(['orders+1'])).toEqual(['orders', 'customers', 'revenue', 'not_null_orders_id']);
    expect(names(['1+report'])).toEqual(['revenue', 'report']);
    expect(names(['@stg_orders'])).toEqual(['stg_payments', 'stg_orders', 'orders', 'customers', 'revenue', 'not_null_orders_id', 'report']);
  });

  it('selects by tag, config, resource type, source and test type', () => {
    expect(names(['tag:daily'])).toEqual(['stg_orders', 'customers']);
    expect(names(['config.materialized:incremental'])).toEqual(['revenue']);
    expect(names(['resource_type:test'])).toEqual(['not_null_orders_id']);
    expect(names(['source:raw+'])).toEqual(['stg_orders', 'orders', 'customers', 'revenue', 'not_null_orders_id', 'report']);
    expect(names(['source:raw.orders+1'])).toEqual(['stg_orders']);
  });

  it('unions by space, intersects by comma, and excludes', () => {
    expect(names(['tag:staging,tag:daily'])).toEqual(['stg_orders']);
    expect(names(['customers report'])).toEqual(['customers', 'report']);
    expect(names(['orders+'], { exclude: ['tag:daily', 'report'] })).toEqual(['orders', 'revenue', 'not_null_orders_id']);
  });

  it('adds the tests of selected nodes when asked (test, build)', () => {
    expect(names(['orders'], { indirectTests: true })).toEqual(['orders', 'not_null_orders_id']);
    expect(names(['orders'], { indirectTests: true, exclude: ['not_null_orders_id'] })).toEqual(['orders']);
  });

  it('compares with an earlier manifest for state:modified', () => {
    const previous = JSON.parse(JSON.stringify(graph.manifest)) as Manifest;
    previous.nodes['model.shop.customers'].checksum.checksum = 'changed';
    previous.nodes['model.shop.revenue'].config.materialized = 'table';
    delete previous.nodes['model.shop.report'];
    expect(names(['state:modified'], { state: previous })).toEqual(['customers', 'revenue', 'report']);
    expect(names(['state:new'], { state: previous })).toEqual(['report']);
    expect(names(['state:modified.body'], { state: previous })).toEqual(['customers', 'report']);
    expect(names(['state:modified+'], { state: previous })).toEqual(['customers', 'revenue', 'report']);
    expect(() => names(['state:modified'])).toThrow(/--state/);
  });

  it('reports a dependency cycle with its chain', () => {
    const cyclic = graphOf([node('a', { parents: ['c'] }), node('b', { parents: ['a'] }), node('c', { parents: ['b'] })]);
    expect(() => cyclic.assertAcyclic()).toThrow('a -> b -> c -> a');
  });
});

describe('the graph at the depth of large projects', () => {
  // A chain deeper than the call stack: the recursive searches (ours before, graphlib's) overflowed here.
  const length = 60_000;
  const chain = (closeCycle: boolean) => graphOf(Array.from({ length }, (_, i) => node(`m${i}`, { parents: i === 0 ? (closeCycle ? [`m${length - 1}`] : []) : [`m${i - 1}`] })));

  it('orders and checks a 60,000-model chain without overflowing', () => {
    const deep = chain(false);
    expect(() => deep.assertAcyclic()).not.toThrow();
    const order = deep.topologicalOrder().filter((id) => id.startsWith('model.'));
    expect(order).toHaveLength(length);
    expect(order.every((id, i) => id === `model.shop.m${i}`)).toBe(true);
    expect(deep.depth(`model.shop.m${length - 1}`)).toBe(length - 1);
  });

  it('names the whole cycle when the chain closes on itself', () => {
    const cycle = chain(true).findCycle();
    expect(cycle).toHaveLength(length + 1);
    expect(cycle?.[0]).toBe(cycle?.[length]);
    expect(new Set(cycle).size).toBe(length);
  });
});
