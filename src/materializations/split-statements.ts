/**
 * SQL text of several statements (`set local a = 1; set local b = 2;`) as one statement each,
 * split at top-level semicolons: not inside quotes, quoted identifiers, dollar quotes or
 * comments. Statements run one at a time because the embedded database's query call takes
 * one statement (a server would take the text whole).
 */
export function splitStatements(text: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number) => {
    const piece = text.slice(start, end).trim();
    if (piece.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, '').trim()) statements.push(piece);
  };
  while (i < text.length) {
    const char = text[i];
    const next = text[i + 1];
    if (char === "'" || char === '"') {
      const close = text.indexOf(char, i + 1);
      i = close < 0 ? text.length : close + 1;
      // A doubled quote ('it''s') continues the literal: the loop meets the second quote next.
    } else if (char === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end + 1;
    } else if (char === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (char === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(text.slice(i))?.[0];
      if (tag) {
        const end = text.indexOf(tag, i + tag.length);
        i = end < 0 ? text.length : end + tag.length;
      } else i++;
    } else if (char === ';') {
      push(i);
      start = ++i;
    } else i++;
  }
  push(text.length);
  return statements;
}
