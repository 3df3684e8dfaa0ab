import type { DocsData } from '../docs-data.js';
import type { escapeHtml } from './escape-html.js';
import type { layoutLineage } from './layout-lineage.js';
import type { lineageSvg } from './lineage-svg.js';
import type { renderMarkdown } from './render-markdown.js';
import type { searchNodes } from './search-nodes.js';
import type { selectInPage } from './select-in-page.js';

export interface OverviewState {
  query: string;
  /** The graph's `--select` and `--exclude` boxes. */
  select: string;
  exclude: string;
  showTests: boolean;
}

type OverviewLib = {
  escapeHtml: typeof escapeHtml;
  searchNodes: typeof searchNodes;
  selectInPage: typeof selectInPage;
  layoutLineage: typeof layoutLineage;
  lineageSvg: typeof lineageSvg;
  renderMarkdown: typeof renderMarkdown;
};

/**
 * The landing page: what the project holds, the project's lineage graph cut down by the
 * selector box (as dbt docs' graph with --select / --exclude; tests hidden unless asked
 * for, like dbt's resource filter), and the project's README or `__overview__`. While
 * searching: the matches.
 */
export function renderOverview(lib: OverviewLib, data: DocsData, state: OverviewState): string {
  const e = lib.escapeHtml;
  if (state.query) {
    const hits = lib.searchNodes(data, state.query);
    const rows = hits
      .map((hit) => {
        const node = data.nodes[hit.id];
        const summary = node.description.split('\n')[0].slice(0, 160);
        return `<li><a class="item type-${node.type}" href="#!/${encodeURIComponent(node.id)}">${e(node.label)}</a> <span class="badge type-${node.type}">${e(node.type.replace('_', ' '))}</span> <span class="where">${e(hit.where)}</span><div class="summary">${e(summary)}</div></li>`;
      })
      .join('');
    return `<header class="page"><h1>Search</h1></header><p>${hits.length} result${hits.length === 1 ? '' : 's'} for <code>${e(state.query)}</code></p><ul class="results">${rows}</ul>`;
  }
  const counts = new Map<string, number>();
  for (const node of Object.values(data.nodes)) counts.set(node.type, (counts.get(node.type) ?? 0) + 1);
  const summary = [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, count]) => `<li><span class="badge type-${type}">${e(type.replace('_', ' '))}</span> ${count}</li>`)
    .join('');

  const isTest = (id: string) => data.nodes[id].type === 'test' || data.nodes[id].type === 'unit_test';
  const selection = lib.selectInPage(data, state.select, state.exclude);
  let graph: string;
  let status: string;
  if (selection.error !== null) {
    status = `<p class="selection error" role="alert">${e(selection.error)}</p>`;
    graph = '';
  } else {
    const shown = selection.ids.filter((id) => state.showTests || !isTest(id));
    const hidden = selection.ids.length - shown.length;
    const inGraph = new Set(shown);
    // The drawing shrinks to the page's width, down to 60% of its size (dbt docs zooms to fit); wider ones scroll.
    const layout = lib.layoutLineage({ nodes: shown, edges: data.edges.filter(([from, to]) => inGraph.has(from) && inGraph.has(to)) });
    status = `<p class="selection" data-selected="${selection.ids.length}">${selection.ids.length} node${selection.ids.length === 1 ? '' : 's'} selected${hidden > 0 ? `, ${hidden} test${hidden === 1 ? '' : 's'} among them hidden (tick <em>show tests</em>)` : ''}</p>`;
    // Past a few hundred boxes a drawing is neither legible nor quick to lay out: ask for a selection instead.
    const drawable = 500;
    graph =
      shown.length === 0
        ? '<p class="empty">Nothing to draw.</p>'
        : shown.length > drawable
          ? `<p class="empty too-many">${shown.length} nodes are too many to draw legibly (at most ${drawable}): select part of the project, such as <code>+a_model</code> or <code>path:models/marts</code>.</p>`
          : `<div class="lineage-box project" style="--fit: ${Math.round(layout.width * 0.6)}px">${lib.lineageSvg(lib, layout, data, '')}</div>`;
  }
  const form =
    `<form class="selector" data-form="select" autocomplete="off">` +
    `<label>--select <input name="select" id="graph-select" value="${e(state.select)}" placeholder="+fact_kpi_daily tag:daily,path:models/kpi" spellcheck="false"></label>` +
    `<label>--exclude <input name="exclude" id="graph-exclude" value="${e(state.exclude)}" placeholder="resource_type:seed" spellcheck="false"></label>` +
    `<button type="submit">Update graph</button>` +
    `<label class="toggle"><input type="checkbox" data-toggle="tests"${state.showTests ? ' checked' : ''}> show tests</label></form>` +
    `<p class="hint">kpi's selector grammar: names, <code>+name</code>, <code>name+2</code>, <code>@name</code>, <code>tag:</code>, <code>path:</code>, <code>file:</code>, <code>config.KEY:</code>, <code>resource_type:</code>, <code>source:</code>, <code>package:</code>, <code>test_type:</code>, <code>test_name:</code>, <code>unit_test:</code>; a comma intersects, a space unites. Not here: <code>state:</code> and <code>result:</code>, which need an earlier run (use the command line).</p>`;
  const readme = data.readme
    ? `<section class="readme"><h2>${e(data.readme.from)}</h2><div class="description">${lib.renderMarkdown(lib, data.readme.markdown)}</div></section>`
    : '<p class="empty">No README.md or <code>{% docs __overview__ %}</code> block in the project.</p>';
  return (
    `<header class="page"><h1>${e(data.project)}</h1></header>` +
    `<p>Generated ${e(data.generatedAt.replace('T', ' ').slice(0, 19))} UTC for target <code>${e(data.target)}</code>. Pick a node on the left, search, or select part of the graph.</p>` +
    `<ul class="overview">${summary}</ul>` +
    `<section class="project-lineage"><h2>Lineage</h2>${form}${status}${graph}</section>` +
    readme
  );
}
