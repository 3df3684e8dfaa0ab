import type { escapeHtml } from './escape-html.js';

/**
 * The Markdown dbt users write in descriptions, as HTML: paragraphs, headings, lists,
 * fenced code, `code`, **bold**, *italic*, [links](...), pipe tables and quotes (a
 * README's too; images become links). Everything is escaped first,
 * so a description can never inject markup; links keep only http(s), mailto and
 * in-page or relative targets.
 */
export function renderMarkdown(lib: { escapeHtml: typeof escapeHtml }, text: string): string {
  const inline = (line: string): string => {
    const codes: string[] = [];
    let html = lib.escapeHtml(line).replace(/`([^`]+)`/g, (_match, code: string) => {
      codes.push(`<code>${code}</code>`);
      return `\u0000${codes.length - 1}\u0000`;
    });
    html = html
      .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
      .replace(/(^|[^*\w])\*([^*\s][^*]*)\*/g, '$1<em>$2</em>')
      .replace(/(^|\W)_([^_\s][^_]*)_(?=\W|$)/g, '$1<em>$2</em>')
      // An image becomes a link to it: the page loads nothing (it must work offline and from file://).
      .replace(/(!?)\[([^\]]+)\]\(([^)\s]+)\)/g, (match, bang: string, label: string, href: string) => {
        const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(href);
        if (scheme && !['http', 'https', 'mailto'].includes(scheme[1].toLowerCase())) return match;
        return bang ? `<a class="image" href="${href}" rel="noopener">image: ${label}</a>` : `<a href="${href}" rel="noopener">${label}</a>`;
      });
    return html.replace(/\u0000(\d+)\u0000/g, (_match, index: string) => codes[Number(index)]);
  };
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: string[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[] } | null = null;
  const flush = () => {
    if (paragraph.length > 0) blocks.push(`<p>${paragraph.map(inline).join(' ')}</p>`);
    paragraph = [];
    if (list) blocks.push(`<${list.ordered ? 'ol' : 'ul'}>${list.items.map((item) => `<li>${inline(item)}</li>`).join('')}</${list.ordered ? 'ol' : 'ul'}>`);
    list = null;
  };
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    if (/^\s*```/.test(line)) {
      flush();
      const code: string[] = [];
      while (++index < lines.length && !/^\s*```/.test(lines[index])) code.push(lines[index]);
      blocks.push(`<pre><code>${lib.escapeHtml(code.join('\n'))}</code></pre>`);
      continue;
    }
    const cells = (row: string) =>
      row
        .trim()
        .replace(/^\|/, '')
        .replace(/\|$/, '')
        .split('|')
        .map((cell) => cell.trim());
    if (/^\s*\|/.test(line) && index + 1 < lines.length && /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/.test(lines[index + 1])) {
      flush();
      const head = cells(line);
      const rows: string[][] = [];
      index++;
      while (index + 1 < lines.length && /^\s*\|/.test(lines[index + 1])) rows.push(cells(lines[++index]));
      blocks.push(
        `<table><thead><tr>${head.map((cell) => `<th>${inline(cell)}</th>`).join('')}</tr></thead><tbody>${rows.map((row) => `<tr>${row.map((cell) => `<td>${inline(cell)}</td>`).join('')}</tr>`).join('')}</tbody></table>`,
      );
      continue;
    }
    const quote = /^\s*>\s?(.*)$/.exec(line);
    if (quote) {
      flush();
      blocks.push(`<blockquote><p>${inline(quote[1])}</p></blockquote>`);
      continue;
    }
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    if (line.trim() === '') flush();
    else if (heading) {
      flush();
      const level = Math.min(6, heading[1].length + 2);
      blocks.push(`<h${level}>${inline(heading[2])}</h${level}>`);
    } else if (bullet || numbered) {
      const ordered = Boolean(numbered);
      if (paragraph.length > 0 || (list && list.ordered !== ordered)) flush();
      list ??= { ordered, items: [] };
      list.items.push((bullet ?? numbered)?.[1] ?? '');
    } else if (list) list.items[list.items.length - 1] += ` ${line.trim()}`;
    else paragraph.push(line.trim());
  }
  flush();
  return blocks.join('\n');
}
