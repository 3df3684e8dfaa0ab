import type { DocsData } from '../docs-data.js';
import type { escapeHtml } from './escape-html.js';
import type { searchNodes } from './search-nodes.js';

/** The start page: what the project holds; or, while searching, the matches. */
export function renderOverview(lib: { escapeHtml: typeof escapeHtml; searchNodes: typeof searchNodes }, data: DocsData, query: string): string {
  const e = lib.escapeHtml;
  if (query) {
    const hits = lib.searchNodes(data, query);
    const rows = hits
      .map((hit) => {
        const node = data.nodes[hit.id];
        const summary = node.description.split('\n')[0].slice(0, 160);
        return `<li><a class="item type-${node.type}" href="#!/${encodeURIComponent(node.id)}">${e(node.label)}</a> <span class="badge type-${node.type}">${e(node.type.replace('_', ' '))}</span> <span class="where">${e(hit.where)}</span><div class="summary">${e(summary)}</div></li>`;
      })
      .join('');
    return `<header class="page"><h1>Search</h1></header><p>${hits.length} result${hits.length === 1 ? '' : 's'} for <code>${e(query)}</code></p><ul class="results">${rows}</ul>`;
  }
  const counts = new Map<string, number>();
  for (const node of Object.values(data.nodes)) counts.set(node.type, (counts.get(node.type) ?? 0) + 1);
  const summary = [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, count]) => `<li><span class="badge type-${type}">${e(type.replace('_', ' '))}</span> ${count}</li>`)
    .join('');
  return (
    `<header class="page"><h1>${e(data.project)}</h1></header>` +
    `<p>Generated ${e(data.generatedAt.replace('T', ' ').slice(0, 19))} UTC for target <code>${e(data.target)}</code>. Pick a node on the left, or search.</p>` +
    `<ul class="overview">${summary}</ul>`
  );
}
