import { KpiError, closestMatch } from '../errors.js';

/** One selector atom: `@`, `2+`, `method:value`, `+1`, as dbt's grammar has it. */
export interface SelectorAtom {
  text: string;
  method: string;
  /** For `config.materialized`: the part after the first dot. */
  methodArgs: string[];
  value: string;
  parents: boolean;
  parentsDepth: number;
  children: boolean;
  childrenDepth: number;
  childrensParents: boolean;
}

/** A union of intersections: `a,b c` is (a ∩ b) ∪ c. */
export type SelectorExpression = SelectorAtom[][];

export const SELECTOR_METHODS = [
  'fqn',
  'tag',
  'path',
  'file',
  'config',
  'resource_type',
  'source',
  'test_type',
  'test_name',
  'package',
  'state',
  'result',
  'exposure',
  'metric',
  'group',
  'access',
  'version',
  'unit_test',
  'wildcard',
];

const ATOM = /^(@)?(?:(\d*)\+)?(?:([A-Za-z_][\w.]*):)?(.+?)(?:\+(\d*))?$/;

export function parseSelectorAtom(text: string): SelectorAtom {
  const match = ATOM.exec(text);
  if (!match) throw new KpiError('KPI_SELECTOR_INVALID', `cannot read the selector '${text}'`, { hint: "selectors look like 'name', '+name', 'tag:daily', 'path:models/staging'" });
  const [, at, parentsDepth, methodText, value, childrenDepth] = match;
  const [method, ...methodArgs] = (methodText ?? 'fqn').split('.');
  if (!SELECTOR_METHODS.includes(method)) {
    const suggestion = closestMatch(method, SELECTOR_METHODS);
    throw new KpiError('KPI_SELECTOR_INVALID', `'${method}' in '${text}' is not a selector method.${suggestion ? ` Did you mean '${suggestion}:'?` : ''}`, {
      hint: `methods: ${SELECTOR_METHODS.join(', ')}`,
    });
  }
  if (method === 'config' && methodArgs.length === 0) {
    throw new KpiError('KPI_SELECTOR_INVALID', `'${text}' needs the config key: config.materialized:table`);
  }
  if (at && (parentsDepth !== undefined || childrenDepth !== undefined)) {
    throw new KpiError('KPI_SELECTOR_INVALID', `'${text}' mixes '@' with '+': use one or the other`);
  }
  return {
    text,
    method,
    methodArgs,
    value,
    parents: parentsDepth !== undefined,
    parentsDepth: parentsDepth ? Number(parentsDepth) : Infinity,
    children: childrenDepth !== undefined,
    childrenDepth: childrenDepth ? Number(childrenDepth) : Infinity,
    childrensParents: Boolean(at),
  };
}

/** `--select a,b c d+` (already split into argv words, each of which may hold spaces). */
export function parseSelector(args: readonly string[]): SelectorExpression {
  return args
    .flatMap((arg) => arg.split(/\s+/))
    .filter((word) => word.length > 0)
    .map((word) =>
      word.split(',').map((part) => {
        if (part.length === 0) throw new KpiError('KPI_SELECTOR_INVALID', `'${word}' has an empty part around a comma`);
        return parseSelectorAtom(part);
      }),
    );
}

/** fnmatch: `*`, `?`, `[abc]`. */
export function globMatch(pattern: string, text: string): boolean {
  if (!/[*?[]/.test(pattern)) return pattern === text;
  let regex = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '*') regex += '.*';
    else if (char === '?') regex += '.';
    else if (char === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) regex += '\\[';
      else {
        regex += `[${pattern.slice(i + 1, end).replace(/^!/, '^')}]`;
        i = end;
      }
    } else regex += char.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${regex}$`).test(text);
}
