import { KpiError, type SourceLocation } from '../../errors.js';

/** dbt renders a test argument that looks like one of these calls as an expression (`to: ref('customers')`). */
const LOOKS_LIKE_CALL = /^\s*(env_var|ref|var|source|doc)\s*\(.+\)\s*$/s;
const WHOLE_EXPRESSION = /^\s*\{\{([\s\S]*?)\}\}\s*$/;
const EXPRESSION = /\{\{([\s\S]*?)\}\}/g;

/** A Jinja string literal holding `text`. */
export function stringLiteral(text: string): string {
  // nunjucks string literals understand these escapes and take any other escaped character as itself.
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

/**
 * A test argument from YAML as a Jinja expression, so the test macro receives it as dbt
 * passes it: `ref(...)`/`source(...)` and `{{ ... }}` evaluate to their value (a relation,
 * not its text), text with `{{ }}` inside renders, everything else is a literal.
 */
export function toJinjaExpression(value: unknown, location: SourceLocation, raw = false): string {
  if (value === null || value === undefined) return 'none';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : stringLiteral(String(value));
  if (Array.isArray(value)) return `[${value.map((item) => toJinjaExpression(item, location)).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => `${stringLiteral(key)}: ${toJinjaExpression(item, location)}`);
    return `{${entries.join(', ')}}`;
  }
  const text = String(value);
  if (raw) return stringLiteral(text);
  if (text.includes('{%')) {
    throw new KpiError('KPI_TEST_INVALID', `test arguments cannot hold {% ... %} statements: ${text}`, {
      location,
      hint: 'compute the value in a macro and call it with {{ my_macro() }}',
    });
  }
  if (LOOKS_LIKE_CALL.test(text)) return `(${text.trim()})`;
  const whole = WHOLE_EXPRESSION.exec(text);
  if (whole && !whole[1].includes('}}')) return `(${whole[1].trim()})`;
  if (!text.includes('{{')) return stringLiteral(text);
  const parts: string[] = [];
  let last = 0;
  for (const match of text.matchAll(EXPRESSION)) {
    const at = match.index ?? 0;
    if (at > last) parts.push(stringLiteral(text.slice(last, at)));
    parts.push(`((${match[1].trim()}) | string)`);
    last = at + match[0].length;
  }
  if (last < text.length) parts.push(stringLiteral(text.slice(last)));
  return `(${parts.join(' ~ ')})`;
}
