import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../golden/ddl-scenarios.js';

const DIR = join(import.meta.dirname, '..', 'golden');
const FIX = 'run `npm run goldens` and review the diff (git diff tests/golden): it is what your change does to the statements kpi runs';

/**
 * The DDL plans of the table swap, incremental runs and seed loads, from hand-written facts
 * (tests/golden/ddl-scenarios.ts), against the reviewed SQL in tests/golden/<name>.sql.
 */
describe('DDL plans as golden SQL', () => {
  it.each(SCENARIOS.map((scenario) => [scenario.name, scenario] as const))('%s', (name, scenario) => {
    let golden: string;
    try {
      golden = readFileSync(join(DIR, `${name}.sql`), 'utf8');
    } catch {
      throw new Error(`tests/golden/${name}.sql is missing: ${FIX}`);
    }
    expect(scenario.render(), `tests/golden/${name}.sql no longer matches its plan: ${FIX}`).toBe(golden);
  });

  it('has a scenario for every golden file', () => {
    const names = new Set(SCENARIOS.map((scenario) => `${scenario.name}.sql`));
    const stale = readdirSync(DIR).filter((file) => file.endsWith('.sql') && !names.has(file));
    expect(stale, `golden files no scenario writes: ${FIX}`).toEqual([]);
  });
});
