type Kind = 'integer' | 'bigint' | 'numeric' | 'boolean' | 'date' | 'timestamp' | 'jsonb' | 'text';

const INTEGER = /^[-+]?\d+$/;
const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const BOOLEAN = /^(true|false)$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const INT4_MAX = 2147483647;

function integerKind(value: number | bigint): Kind {
  const big = typeof value === 'bigint' ? value : BigInt(value);
  return big > BigInt(INT4_MAX) || big < BigInt(-INT4_MAX - 1) ? 'bigint' : 'integer';
}

function kindOf(value: unknown, fromCsv: boolean): Kind {
  if (typeof value === 'number') return Number.isInteger(value) ? integerKind(value) : 'numeric';
  if (typeof value === 'bigint') return integerKind(value);
  if (typeof value === 'boolean') return 'boolean';
  if (value instanceof Date) return 'timestamp';
  if (typeof value === 'object') return 'jsonb';
  const text = String(value);
  if (DATE.test(text)) return 'date';
  if (TIMESTAMP.test(text)) return 'timestamp';
  // YAML already typed dict values: a quoted '007' stays text. CSV has only text, so read it.
  if (fromCsv) {
    if (INTEGER.test(text)) return integerKind(BigInt(text.replace(/^\+/, '')));
    if (NUMERIC.test(text)) return 'numeric';
    if (BOOLEAN.test(text)) return 'boolean';
  }
  return 'text';
}

function unify(a: Kind, b: Kind): Kind {
  if (a === b) return a;
  const numbers: Kind[] = ['integer', 'bigint', 'numeric'];
  if (numbers.includes(a) && numbers.includes(b)) return numbers[Math.max(numbers.indexOf(a), numbers.indexOf(b))];
  if ((a === 'date' && b === 'timestamp') || (a === 'timestamp' && b === 'date')) return 'timestamp';
  return 'text';
}

/**
 * The Postgres type of a fixture column whose input has no relation to copy types from
 * (not built yet, or ephemeral): from the values, the narrowest type all of them fit.
 */
export function inferColumnType(values: readonly unknown[], fromCsv: boolean): string {
  let kind: Kind | null = null;
  for (const value of values) {
    if (value === null || value === undefined) continue;
    const next = kindOf(value, fromCsv);
    kind = kind === null ? next : unify(kind, next);
  }
  return kind ?? 'text';
}
