/**
 * A unit test as the manifest holds it (`ManifestNode.unit_test`): the declaration from
 * YAML, checked and normalised at parse time, so running it needs no file but the manifest.
 */
import type { SourceLocation } from '../../errors.js';
import type { ManifestNode } from '../../manifest/types.js';

export type FixtureFormat = 'dict' | 'csv' | 'sql';

export type FixtureRow = Record<string, unknown>;

/** Rows for an input, or the expected output. */
export interface Fixture {
  format: FixtureFormat;
  /** `dict` and `csv`: the rows (csv values are strings, or null for an empty field). */
  rows: FixtureRow[];
  /** `sql`: a query returning the rows. */
  sql: string | null;
  /** The `fixture:` file the rows came from, when they came from one. */
  fixture: string | null;
  location: SourceLocation;
}

export type InputTarget = { kind: 'ref'; name: string; uniqueId: string } | { kind: 'source'; sourceName: string; table: string; uniqueId: string } | { kind: 'this'; uniqueId: string };

export interface GivenInput extends Fixture {
  /** As written: `ref('stg_orders')`, `source('shop', 'orders')`, `this`. */
  input: string;
  target: InputTarget;
}

export interface UnitTestOverrides {
  /** Macro (or context value) name → what it returns in this test. */
  macros: Record<string, unknown>;
  vars: Record<string, unknown>;
  env_vars: Record<string, string>;
}

export interface UnitTestDefinition {
  /** Unique id of the model under test. */
  model: string;
  given: GivenInput[];
  expect: Fixture;
  overrides: UnitTestOverrides;
  /** The test's entry in its YAML file. */
  location: SourceLocation;
}

/** The definition stored on a unit test node (parse time put it there). */
export function unitTestDefinition(node: ManifestNode): UnitTestDefinition {
  if (node.resource_type !== 'unit_test' || !node.unit_test) throw new Error(`${node.unique_id} is not a unit test`);
  return node.unit_test as unknown as UnitTestDefinition;
}
