/**
 * What the docs site shows, as plain data embedded in index.html: derived from the
 * manifest and the catalog once, at generate time, so the page needs no fetch (it works
 * from file://) and carries only what it displays (not every macro's source).
 */

export type DocsResourceType = 'model' | 'seed' | 'snapshot' | 'source' | 'test' | 'unit_test' | 'analysis' | 'exposure';

export interface DocsColumn {
  name: string;
  /** From property YAML; empty when undocumented. */
  description: string;
  /** As the database reports it (catalog), else as declared in YAML (`data_type`), else null. */
  type: string | null;
  /** Position in the relation (catalog), null for a documented column the relation lacks. */
  index: number | null;
  /** Generic tests on this column: short name (`not_null`) and the test's id. */
  tests: Array<{ name: string; id: string }>;
}

export interface DocsStat {
  label: string;
  value: string | number | boolean | null;
  description: string;
}

export interface DocsNode {
  id: string;
  type: DocsResourceType;
  name: string;
  /** How lists show it: `source_name.table` for sources, the name otherwise. */
  label: string;
  /** Folder path shown in the sidebar tree (`models/staging`, a source's `sources/<source>`). */
  folder: string;
  file: string;
  description: string;
  /** `"schema"."name"` for nodes that are relations; null for tests and ephemerals. */
  relation: string | null;
  materialized: string | null;
  tags: string[];
  /** Config values worth showing (set, not empty), flattened to text. */
  config: Array<[string, string]>;
  raw: string;
  compiled: string | null;
  columns: DocsColumn[];
  parents: string[];
  children: string[];
  /** From the catalog: `BASE TABLE`, `VIEW`...; null when the relation was not found. */
  relationType: string | null;
  owner: string | null;
  stats: DocsStat[];
  /** Tests: what they test. */
  testOf: { node: string; column: string | null } | null;
  /** What the page's selector box matches on, read as graph/select-nodes.ts reads the manifest (site/select-in-page.ts). */
  select: DocsSelectFacts;
}

export interface DocsSelectFacts {
  fqn: string[];
  package: string;
  /** `config.tags` for nodes, `tags` for sources, as `tag:` reads them. */
  tags: string[];
  /** A source's source name (`source:`), else null. */
  sourceName: string | null;
  /** A generic test's test name (`test_name:`; `test_type:generic`), else null. */
  testName: string | null;
  /** The node's config as parsed (`config.<key>:`). */
  config: Record<string, unknown>;
}

export interface DocsData {
  project: string;
  generatedAt: string;
  target: string;
  /** False when the catalog was not read (`--empty-catalog`): a relation's absence then says nothing. */
  catalogRead: boolean;
  nodes: Record<string, DocsNode>;
  /** parent → child, every edge of the project's graph (sources, seeds, models, tests, exposures). */
  edges: Array<[string, string]>;
  /** The landing page's text: the root project's `__overview__` docs block (as dbt), else its README.md; null when neither exists. */
  readme: { from: string; markdown: string } | null;
}
