import type { DocsData, DocsNode } from '../docs-data.js';
import type { escapeHtml } from './escape-html.js';
import type { searchNodes } from './search-nodes.js';

/**
 * The navigation: one section per resource type, each a tree of folders (sources by
 * source name), every node a link. With a query, only matching nodes (and the folders
 * that hold them) remain.
 */
export function renderSidebar(lib: { escapeHtml: typeof escapeHtml; searchNodes: typeof searchNodes }, data: DocsData, state: { query: string; current: string | null }): string {
  const sections: Array<[string, string]> = [
    ['model', 'Models'],
    ['source', 'Sources'],
    ['seed', 'Seeds'],
    ['snapshot', 'Snapshots'],
    ['analysis', 'Analyses'],
    ['exposure', 'Exposures'],
    ['test', 'Data tests'],
    ['unit_test', 'Unit tests'],
  ];
  const matching = state.query ? new Set(lib.searchNodes(data, state.query).map((hit) => hit.id)) : null;
  interface Folder {
    folders: Map<string, Folder>;
    nodes: DocsNode[];
  }
  const tree = (nodes: DocsNode[]): Folder => {
    const root: Folder = { folders: new Map(), nodes: [] };
    for (const node of nodes) {
      let folder = root;
      for (const part of node.folder.split('/').filter((segment) => segment && segment !== '.')) {
        if (!folder.folders.has(part)) folder.folders.set(part, { folders: new Map(), nodes: [] });
        folder = folder.folders.get(part) as Folder;
      }
      folder.nodes.push(node);
    }
    return root;
  };
  // Long names (generic tests' especially) wrap after an underscore or dot where they can.
  const draw = (folder: Folder): string => {
    const folders = [...folder.folders.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, inner]) => `<details open><summary>${lib.escapeHtml(name)}</summary>${draw(inner)}</details>`)
      .join('');
    const nodes = folder.nodes
      .sort((a, b) => a.label.localeCompare(b.label))
      .map(
        (node) =>
          `<a class="item type-${node.type}${node.id === state.current ? ' current' : ''}" href="#!/${encodeURIComponent(node.id)}" title="${lib.escapeHtml(node.id)}">${lib.escapeHtml(node.label).replace(/([_.])/g, '$1<wbr>')}</a>`,
      )
      .join('');
    return folders + nodes;
  };
  return sections
    .map(([type, title]) => {
      const nodes = Object.values(data.nodes).filter((node) => node.type === type && (!matching || matching.has(node.id)));
      if (nodes.length === 0) return '';
      return `<details class="section" open><summary>${title} <span class="count">${nodes.length}</span></summary>${draw(tree(nodes))}</details>`;
    })
    .join('');
}
