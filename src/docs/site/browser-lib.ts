import { escapeHtml } from './escape-html.js';
import { highlightSql } from './highlight-sql.js';
import { layoutLineage } from './layout-lineage.js';
import { lineageSubgraph } from './lineage-subgraph.js';
import { lineageSvg } from './lineage-svg.js';
import { renderMarkdown } from './render-markdown.js';
import { renderNodePage } from './render-node-page.js';
import { renderOverview } from './render-overview.js';
import { renderSidebar } from './render-sidebar.js';
import { searchNodes } from './search-nodes.js';
import { selectInPage } from './select-in-page.js';
import { startDocsApp } from './start-docs-app.js';

/**
 * The docs page's code. These functions run in Node (tests call them) and in the
 * browser, where index.html carries their source (see `browserScript`). So each one
 * must stand alone: it reaches other functions only through its `lib` argument (never
 * an import, which bundlers rename), and uses no module-level constants.
 */
export const BROWSER_LIB = {
  escapeHtml,
  highlightSql,
  renderMarkdown,
  searchNodes,
  selectInPage,
  lineageSubgraph,
  layoutLineage,
  lineageSvg,
  renderSidebar,
  renderNodePage,
  renderOverview,
  startDocsApp,
};

/** The page's script: each function's own source, bound into `lib`, started on the data embedded in the page. */
export function browserScript(dataElementId: string): string {
  const functions = Object.entries(BROWSER_LIB).map(([name, fn]) => `const ${name} = ${fn.toString()};`);
  return [
    '(function () {',
    "'use strict';",
    ...functions,
    `const lib = { ${Object.keys(BROWSER_LIB).join(', ')} };`,
    `startDocsApp(lib, JSON.parse(document.getElementById(${JSON.stringify(dataElementId)}).textContent), window);`,
    '})();',
  ].join('\n');
}
