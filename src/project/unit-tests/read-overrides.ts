import { closestMatch } from '../../errors.js';
import { isEntry, type EntryReader } from './entry-reader.js';
import type { UnitTestOverrides } from './types.js';

const SECTIONS = ['macros', 'vars', 'env_vars'] as const;

/** `overrides:` — macros, vars and env_vars, each a mapping of name to value. Problems go to `reader`. */
export function readOverrides(value: unknown, reader: EntryReader): UnitTestOverrides {
  const overrides: UnitTestOverrides = { macros: {}, vars: {}, env_vars: {} };
  if (value === undefined || value === null) return overrides;
  if (!isEntry(value)) {
    reader.fail('overrides must be a mapping with macros, vars and env_vars', reader.locate('overrides'));
    return overrides;
  }
  for (const [key, section] of Object.entries(value)) {
    if (!(SECTIONS as readonly string[]).includes(key)) {
      const match = closestMatch(key, SECTIONS, 2);
      reader.fail(`overrides has no '${key}'${match ? `. Did you mean '${match}'?` : ` (it takes ${SECTIONS.join(', ')})`}`, reader.locate('overrides', key));
      continue;
    }
    if (section === null || section === undefined) continue;
    if (!isEntry(section)) {
      reader.fail(`overrides.${key} must be a mapping of name to value`, reader.locate('overrides', key));
      continue;
    }
    // Environment variables are strings, as the process gives them.
    if (key === 'env_vars') overrides.env_vars = Object.fromEntries(Object.entries(section).map(([name, text]) => [name, text === null ? '' : String(text)]));
    else overrides[key as 'macros' | 'vars'] = section;
  }
  return overrides;
}
