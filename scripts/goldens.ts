/**
 * Rewrites the golden SQL files (tests/golden/*.sql) from the DDL plans and the
 * hand-written facts in tests/golden/ddl-scenarios.ts, and removes files no scenario
 * writes. Review the diff: it is what the change does to the statements kpi runs.
 *
 *   npm run goldens
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCENARIOS } from '../tests/golden/ddl-scenarios.js';

const DIR = join(import.meta.dirname, '..', 'tests', 'golden');

const wanted = new Set<string>();
let changed = 0;
for (const scenario of SCENARIOS) {
  const file = `${scenario.name}.sql`;
  wanted.add(file);
  const text = scenario.render();
  const before = existsSync(join(DIR, file)) ? readFileSync(join(DIR, file), 'utf8') : null;
  if (before === text) continue;
  writeFileSync(join(DIR, file), text);
  console.log(`${before === null ? 'wrote' : 'updated'} tests/golden/${file}`);
  changed++;
}
for (const file of readdirSync(DIR)) {
  if (file.endsWith('.sql') && !wanted.has(file)) {
    rmSync(join(DIR, file));
    console.log(`removed tests/golden/${file}`);
    changed++;
  }
}
console.log(changed === 0 ? `the ${SCENARIOS.length} golden files are up to date` : `${changed} golden file(s) changed: review them with git diff tests/golden`);
