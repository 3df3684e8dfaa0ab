import type { DocsData } from '../docs-data.js';
import type { escapeHtml } from './escape-html.js';
import type { highlightSql } from './highlight-sql.js';
import type { layoutLineage } from './layout-lineage.js';
import type { lineageSubgraph } from './lineage-subgraph.js';
import type { lineageSvg } from './lineage-svg.js';
import type { renderMarkdown } from './render-markdown.js';

export interface PageState {
  /** Draw tests in the lineage too. */
  showTests: boolean;
  /** Which SQL the code section shows. */
  code: 'compiled' | 'source';
}

/** One node's page: description, details, columns, lineage, neighbours, config and SQL. */
export function renderNodePage(
  lib: {
    escapeHtml: typeof escapeHtml;
    highlightSql: typeof highlightSql;
    layoutLineage: typeof layoutLineage;
    lineageSubgraph: typeof lineageSubgraph;
    lineageSvg: typeof lineageSvg;
    renderMarkdown: typeof renderMarkdown;
  },
  data: DocsData,
  id: string,
  state: PageState,
): string {
  const node = data.nodes[id];
  const e = lib.escapeHtml;
  const link = (target: string) => {
    const other = data.nodes[target];
    return `<a class="item type-${other?.type ?? 'model'}" href="#!/${encodeURIComponent(target)}">${e(other?.label ?? target)}</a>`;
  };
  const format = (value: string | number | boolean | null, label: string) => {
    if (typeof value === 'number' && /size/i.test(label)) {
      const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
      let size = value;
      let unit = 0;
      while (size >= 1024 && unit < units.length - 1) {
        size /= 1024;
        unit++;
      }
      return `${unit === 0 ? size : size.toFixed(1)} ${units[unit]}`;
    }
    return typeof value === 'number' ? value.toLocaleString('en-US') : String(value);
  };

  const details: Array<[string, string]> = [['type', node.type === 'model' && node.materialized ? `${node.materialized} model` : node.type.replace('_', ' ')]];
  if (node.relation) details.push(['relation', `<code>${e(node.relation)}</code>`]);
  if (node.relationType) details.push(['in the database', e(node.relationType.toLowerCase())]);
  else if (node.relation) details.push(['in the database', data.catalogRead ? '<em>not found (not built yet?)</em>' : '<em>not looked up (generated with --empty-catalog)</em>']);
  if (node.owner) details.push(['owner', e(node.owner)]);
  for (const stat of node.stats) details.push([stat.label.toLowerCase(), `<span title="${e(stat.description)}">${e(format(stat.value, stat.label))}</span>`]);
  if (node.tags.length > 0) details.push(['tags', node.tags.map((tag) => `<span class="tag">${e(tag)}</span>`).join(' ')]);
  if (node.testOf) details.push(['tests', `${link(node.testOf.node)}${node.testOf.column ? ` column <code>${e(node.testOf.column)}</code>` : ''}`]);
  details.push(['file', `<code>${e(node.file)}</code>`]);

  const columns =
    node.columns.length === 0
      ? '<p class="empty">No columns known: document them in a property YAML file, or build the node and generate the docs again.</p>'
      : `<table class="columns"><thead><tr><th>#</th><th>column</th><th>type</th><th>description</th><th>tests</th></tr></thead><tbody>${node.columns
          .map(
            (column) =>
              `<tr><td class="index">${column.index ?? ''}</td><td><code>${e(column.name)}</code></td><td class="type">${e(column.type ?? '')}</td>` +
              `<td>${lib.renderMarkdown(lib, column.description)}</td><td>${column.tests.map((test) => `<a class="test" href="#!/${encodeURIComponent(test.id)}" title="${e(test.id)}">${e(test.name)}</a>`).join(' ')}</td></tr>`,
          )
          .join('')}</tbody></table>`;

  const layout = lib.layoutLineage(lib.lineageSubgraph(data, id, state.showTests));
  const focus = layout.boxes.find((box) => box.id === id);
  // The page scrolls the drawing to centre this point, so a node deep in a wide or tall lineage opens in view.
  const lineage = `<div class="lineage-box" data-focus-x="${focus ? focus.x + layout.boxWidth / 2 : 0}" data-focus-y="${focus ? focus.y + layout.boxHeight / 2 : 0}">${lib.lineageSvg(lib, layout, data, id)}</div>`;
  const list = (ids: string[]) => (ids.length === 0 ? '<p class="empty">none</p>' : `<ul class="links">${ids.map((other) => `<li>${link(other)}</li>`).join('')}</ul>`);
  const config =
    node.config.length === 0
      ? '<p class="empty">defaults</p>'
      : `<table class="config"><tbody>${node.config.map(([key, value]) => `<tr><th>${e(key)}</th><td><code>${e(value)}</code></td></tr>`).join('')}</tbody></table>`;
  const hasCode = node.raw.trim().length > 0 || node.compiled !== null;
  const shown = state.code === 'compiled' && node.compiled !== null ? node.compiled : node.raw;
  const code = hasCode
    ? `<div class="tabs"><button data-code="compiled" class="${state.code === 'compiled' && node.compiled !== null ? 'on' : ''}"${node.compiled === null ? ' disabled title="not compiled: run kpi docs generate with a database"' : ''}>compiled</button>` +
      `<button data-code="source" class="${state.code === 'source' || node.compiled === null ? 'on' : ''}">source</button></div><pre class="sql"><code>${lib.highlightSql(lib, shown)}</code></pre>`
    : '';

  return [
    `<header class="page"><h1>${e(node.label)}</h1><span class="badge type-${node.type}">${e(node.type.replace('_', ' '))}</span></header>`,
    node.description ? `<section class="description">${lib.renderMarkdown(lib, node.description)}</section>` : '<p class="empty">No description.</p>',
    `<section><h2>Details</h2><dl class="details">${details.map(([key, value]) => `<dt>${e(key)}</dt><dd>${value}</dd>`).join('')}</dl></section>`,
    node.type === 'test' || node.type === 'unit_test' || node.type === 'exposure' ? '' : `<section><h2>Columns</h2>${columns}</section>`,
    `<section><h2>Lineage</h2><label class="toggle"><input type="checkbox" data-toggle="tests"${state.showTests ? ' checked' : ''}> show tests</label>${lineage}</section>`,
    `<section class="neighbours"><div><h2>Depends on</h2>${list(node.parents)}</div><div><h2>Referenced by</h2>${list(node.children)}</div></section>`,
    `<section><h2>Config</h2>${config}</section>`,
    hasCode ? `<section><h2>Code</h2>${code}</section>` : '',
  ].join('\n');
}
