import type { escapeHtml } from './escape-html.js';

/**
 * SQL (and the Jinja in it) as HTML with classes for the page's colours: Jinja
 * (`{{ }}`, `{% %}`), comments (SQL's and Jinja's `{# #}`), strings, quoted identifiers, numbers and
 * keywords. One left-to-right scan; every token is escaped on its own, so nothing in the
 * SQL can become markup, and the text the reader sees is exactly the SQL.
 */
export function highlightSql(lib: { escapeHtml: typeof escapeHtml }, sql: string): string {
  const keywords = new Set(
    (
      'select from where and or not in is null as on join left right full inner outer cross lateral using group by order having limit offset union all ' +
      'intersect except distinct case when then else end with recursive insert into values update set delete create replace table view materialized ' +
      'index drop alter add column if exists cast between like ilike similar asc desc nulls first last over partition window rows range preceding ' +
      'following current row filter within true false interval date timestamp time zone at coalesce nullif greatest least extract any some array ' +
      'returning default primary key references unique check constraint grant revoke to begin commit rollback transaction analyze comment schema ' +
      'natural fetch next only for of'
    ).split(' '),
  );
  const pattern =
    /(\{\{[\s\S]*?(?:\}\}|$)|\{%[\s\S]*?(?:%\}|$))|(\{#[\s\S]*?(?:#\}|$)|--[^\n]*|\/\*[\s\S]*?(?:\*\/|$))|('(?:[^']|'')*(?:'|$))|("(?:[^"]|"")*(?:"|$))|(\b\d+(?:\.\d+)?(?:e[+-]?\d+)?\b)|([A-Za-z_][A-Za-z0-9_$]*)/gi;
  let html = '';
  let last = 0;
  for (let match = pattern.exec(sql); match !== null; match = pattern.exec(sql)) {
    html += lib.escapeHtml(sql.slice(last, match.index));
    const [text, jinja, comment, string, quoted, number, word] = match;
    const kind = jinja ? 'jinja' : comment ? 'comment' : string ? 'string' : quoted ? 'ident' : number ? 'number' : word && keywords.has(word.toLowerCase()) ? 'keyword' : null;
    html += kind ? `<span class="sql-${kind}">${lib.escapeHtml(text)}</span>` : lib.escapeHtml(text);
    last = match.index + text.length;
    if (text.length === 0) pattern.lastIndex++;
  }
  return html + lib.escapeHtml(sql.slice(last));
}
