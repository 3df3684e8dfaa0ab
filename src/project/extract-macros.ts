import { KpiError } from '../errors.js';

export interface ExtractedMacro {
  name: string;
  /** The macro's own source, `{% macro ... %}...{% endmacro %}` (test blocks rewritten as macros). */
  sql: string;
  /** 1-based line of the opening tag. */
  line: number;
  arguments: string[];
  kind: 'macro' | 'test' | 'materialization';
}

const TAG = /\{%(-?)\s*(macro|test|materialization|endmacro|endtest|endmaterialization)\b([\s\S]*?)(-?)%\}/g;

/** Line numbers of offsets asked in increasing order, counted on from the last one asked (a file of many macros is read once, not once a macro). */
function lineCounter(text: string): (offset: number) => number {
  let at = 0;
  let line = 1;
  return (offset) => {
    if (offset < at) {
      at = 0;
      line = 1;
    }
    for (; at < offset; at++) if (text.charCodeAt(at) === 10) line++;
    return line;
  };
}

/** Split `a, b=1, c=[1, 2]` at the commas that are not inside brackets or strings. */
export function splitTopLevel(text: string, separator = ','): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = '';
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = null;
    } else if (char === '"' || char === "'") quote = char;
    else if ('([{'.includes(char)) depth++;
    else if (')]}'.includes(char)) depth--;
    else if (char === separator && depth === 0) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += char;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/**
 * The macros a macro file defines, one by one, as dbt lists them in the manifest.
 * `{% test name(model, column_name) %}` blocks become macros named `test_name`, which is
 * how dbt finds custom generic tests.
 */
export function extractMacros(text: string, file: string): ExtractedMacro[] {
  const macros: ExtractedMacro[] = [];
  let open: { kind: ExtractedMacro['kind']; start: number; header: string; openTag: string; line: number } | null = null;
  let depth = 0;
  // Tags inside {# comments #} are not tags: look for them in a copy with comments blanked
  // out (same length, same line breaks), and cut bodies from the original text.
  const lineAt = lineCounter(text);
  const searchable = text.replace(/\{#[\s\S]*?#\}/g, (comment) => comment.replace(/[^\n]/g, ' '));
  for (const match of searchable.matchAll(TAG)) {
    const [tag, , keyword, rest] = match;
    const offset = match.index ?? 0;
    if (!keyword.startsWith('end')) {
      if (open) {
        depth++;
        continue;
      }
      open = { kind: keyword as ExtractedMacro['kind'], start: offset, header: rest.trim(), openTag: tag, line: lineAt(offset) };
      continue;
    }
    if (!open) {
      throw new KpiError('KPI_TEMPLATE_ERROR', `'{% ${keyword} %}' without a matching opening tag`, { location: { file, line: lineAt(offset) } });
    }
    if (depth > 0) {
      depth--;
      continue;
    }
    const body = text.slice(open.start + open.openTag.length, offset);
    const signature = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(([\s\S]*)\))?/.exec(open.header);
    if (!signature) {
      throw new KpiError('KPI_TEMPLATE_ERROR', `cannot read the ${open.kind} name in '${open.header}'`, { location: { file, line: open.line } });
    }
    const baseName = signature[1];
    const args = splitTopLevel(signature[2] ?? '').map((arg) => arg.split('=')[0].replace(/^\*+/, '').trim());
    if (open.kind === 'materialization') {
      macros.push({ name: `materialization_${baseName}`, sql: '', line: open.line, arguments: [], kind: 'materialization' });
    } else {
      const name = open.kind === 'test' ? `test_${baseName}` : baseName;
      const openTrim = open.openTag.startsWith('{%-') ? '{%-' : '{%';
      const closeTrim = open.openTag.endsWith('-%}') ? '-%}' : '%}';
      const endTag = tag.startsWith('{%-') ? '{%-' : '{%';
      const endClose = tag.endsWith('-%}') ? '-%}' : '%}';
      const sql = `${openTrim} macro ${name}(${signature[2] ?? ''}) ${closeTrim}${body}${endTag} endmacro ${endClose}`;
      macros.push({ name, sql, line: open.line, arguments: args.filter((arg) => arg.length > 0), kind: open.kind });
    }
    open = null;
  }
  if (open) {
    throw new KpiError('KPI_TEMPLATE_ERROR', `'{% ${open.kind} ${open.header} %}' is never closed with '{% end${open.kind} %}'`, {
      location: { file, line: open.line },
    });
  }
  return macros;
}
