export type ParsedInput = { kind: 'ref'; name: string; package: string | null } | { kind: 'source'; sourceName: string; table: string } | { kind: 'this' };

const STRING = String.raw`\s*(?:'([^']*)'|"([^"]*)")\s*`;
const REF = new RegExp(String.raw`^ref\(${STRING}(?:,${STRING})?(?:,\s*(?:v|version)\s*=\s*[^)]*)?\)$`);
const SOURCE = new RegExp(String.raw`^source\(${STRING},${STRING}\)$`);

/**
 * A `given` entry's `input:` — `ref('name')`, `ref('package', 'name')`,
 * `source('source', 'table')` or `this` — read as dbt reads it: statically, not rendered.
 */
export function parseInput(text: string): ParsedInput | null {
  const input = text.trim();
  if (input === 'this') return { kind: 'this' };
  const ref = REF.exec(input);
  if (ref) {
    const first = ref[1] ?? ref[2];
    const second = ref[3] ?? ref[4];
    return second === undefined ? { kind: 'ref', name: first, package: null } : { kind: 'ref', name: second, package: first };
  }
  const source = SOURCE.exec(input);
  if (source) return { kind: 'source', sourceName: source[1] ?? source[2], table: source[3] ?? source[4] };
  return null;
}
