import type { YamlPath } from '../config/yaml-file.js';
import type { YamlReader } from '../config/yaml-reader.js';
import { closestMatch } from '../errors.js';
import type { ColumnConstraint, ConstraintType, ModelConstraint } from '../manifest/types.js';
import { describeValue } from '../support/describe-value.js';
import { isPlainObject } from '../support/is-plain-object.js';
import type { KeyPolicy } from '../support/key-policy.js';

const TYPES: readonly ConstraintType[] = ['check', 'not_null', 'unique', 'primary_key', 'foreign_key', 'custom'];
const COLUMN_CONSTRAINT_KEYS: KeyPolicy = {
  known: ['type', 'name', 'expression', 'to', 'to_columns', 'warn_unenforced', 'warn_unsupported'],
  unknown: 'warn',
  noun: 'property',
};
const MODEL_CONSTRAINT_KEYS: KeyPolicy = { ...COLUMN_CONSTRAINT_KEYS, known: [...COLUMN_CONSTRAINT_KEYS.known, 'columns'] };

const strings = (value: unknown): string[] => (value === undefined || value === null ? [] : (Array.isArray(value) ? value : [value]).map(String));

/**
 * One `constraints:` entry as dbt reads it: a known type; `check` and `custom` need an
 * expression; a `foreign_key` names what it references, by `to` (with `to_columns`) or,
 * as before dbt 1.9, by `expression`. Reported at its position; null when unusable.
 */
function readConstraint(reader: YamlReader, value: unknown, path: YamlPath, level: 'column' | 'model'): ModelConstraint | null {
  if (!isPlainObject(value)) return reader.fail(path, `must be a mapping with a type, got ${describeValue(value)}`);
  reader.checkKeys(value, level === 'model' ? MODEL_CONSTRAINT_KEYS : COLUMN_CONSTRAINT_KEYS, path);
  const type = value.type;
  if (typeof type !== 'string' || !(TYPES as readonly string[]).includes(type)) {
    const match = typeof type === 'string' ? closestMatch(type, TYPES) : undefined;
    return reader.fail([...path, 'type'], `must be one of ${TYPES.join(', ')}, got ${describeValue(type)}${match ? `. Did you mean '${match}'?` : ''}`);
  }
  const expression = typeof value.expression === 'string' && value.expression.trim() ? value.expression : null;
  if ((type === 'check' || type === 'custom') && !expression) return reader.fail(path, `a ${type} constraint needs an expression`);
  const to = typeof value.to === 'string' && value.to.trim() ? value.to.trim() : null;
  const toColumns = strings(value.to_columns);
  if (type === 'foreign_key') {
    if (!to && !expression) return reader.fail(path, 'a foreign_key constraint needs `to` (with `to_columns`) or an `expression` naming the referenced table and column');
    if (to && toColumns.length === 0) return reader.fail([...path, 'to_columns'], 'a foreign_key constraint with `to` needs `to_columns`');
    if (to && !parseConstraintTarget(to)) return reader.fail([...path, 'to'], `must be ref('model') or source('source', 'table'), got ${JSON.stringify(to)}`);
  }
  const columns = strings(value.columns);
  if (level === 'model' && ['unique', 'primary_key', 'foreign_key', 'not_null'].includes(type) && columns.length === 0) {
    return reader.fail(path, `a model-level ${type} constraint needs the columns it covers (columns: [...])`);
  }
  return {
    type: type as ConstraintType,
    name: typeof value.name === 'string' && value.name.trim() ? value.name : null,
    expression,
    to,
    to_columns: toColumns,
    warn_unenforced: value.warn_unenforced !== false,
    warn_unsupported: value.warn_unsupported !== false,
    columns,
  };
}

/** A `constraints:` list under a column or a model. */
export function readConstraints(reader: YamlReader, value: unknown, path: YamlPath, level: 'column'): ColumnConstraint[];
export function readConstraints(reader: YamlReader, value: unknown, path: YamlPath, level: 'model'): ModelConstraint[];
export function readConstraints(reader: YamlReader, value: unknown, path: YamlPath, level: 'column' | 'model'): ModelConstraint[] | ColumnConstraint[] {
  if (value === undefined || value === null) return [];
  return reader.list(value, path, 'constraints').flatMap((item, index) => {
    const constraint = readConstraint(reader, item, [...path, index], level);
    if (!constraint) return [];
    if (level === 'model') return [constraint];
    const { columns: _columns, ...column } = constraint;
    return [column];
  });
}

export type ConstraintTarget = { kind: 'ref'; name: string; package: string | null; version: string | null } | { kind: 'source'; source: string; table: string };

const ARG = String.raw`\s*(['"])([^'"]+)\1\s*`;
const REF = new RegExp(String.raw`^ref\(${ARG}(?:,${ARG})?(?:,\s*v(?:ersion)?\s*=\s*['"]?([\w.]+)['"]?\s*)?\)$`);
const SOURCE = new RegExp(String.raw`^source\(${ARG},${ARG}\)$`);

/** `ref('m')`, `ref('pkg', 'm')` or `source('s', 't')` as a foreign key's `to` names them. */
export function parseConstraintTarget(to: string): ConstraintTarget | null {
  const ref = REF.exec(to.trim());
  if (ref) {
    const [, , first, , second, version] = ref;
    return second ? { kind: 'ref', package: first, name: second, version: version ?? null } : { kind: 'ref', package: null, name: first, version: version ?? null };
  }
  const source = SOURCE.exec(to.trim());
  if (source) return { kind: 'source', source: source[2], table: source[4] };
  return null;
}
