import type { YamlReader } from '../../config/yaml-reader.js';
import { isPlainObject } from '../../support/is-plain-object.js';
import type { KeyPolicy } from '../../support/key-policy.js';
import type { UnitTestOverrides } from './types.js';

const SECTIONS: KeyPolicy<'macros' | 'vars' | 'env_vars'> = { known: ['macros', 'vars', 'env_vars'], unknown: 'warn' };

/** `overrides:` — macros, vars and env_vars, each a mapping of name to value. Problems go to `reader`. */
export function readOverrides(value: unknown, reader: YamlReader): UnitTestOverrides {
  const overrides: UnitTestOverrides = { macros: {}, vars: {}, env_vars: {} };
  if (value === undefined || value === null) return overrides;
  if (!isPlainObject(value)) {
    reader.failAt(reader.locate(['overrides']), 'overrides must be a mapping with macros, vars and env_vars');
    return overrides;
  }
  reader.checkKeys(value, SECTIONS, ['overrides']);
  for (const key of SECTIONS.known) {
    const section = value[key];
    if (section === null || section === undefined) continue;
    if (!isPlainObject(section)) {
      reader.failAt(reader.locate(['overrides', key]), `overrides.${key} must be a mapping of name to value`);
      continue;
    }
    // Environment variables are strings, as the process gives them.
    if (key === 'env_vars') overrides.env_vars = Object.fromEntries(Object.entries(section).map(([name, text]) => [name, text === null ? '' : String(text)]));
    else overrides[key] = section;
  }
  return overrides;
}
