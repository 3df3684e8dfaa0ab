import type { DocsData } from '../docs-data.js';
import type { escapeHtml } from './escape-html.js';
import type { LineageLayout } from './layout-lineage.js';

/** The lineage drawing as inline SVG: curves for edges, a linked box per node, the focus (and what a test tests) highlighted. */
export function lineageSvg(lib: { escapeHtml: typeof escapeHtml }, layout: LineageLayout, data: DocsData, focus: string): string {
  const shorten = (text: string) => (text.length > 26 ? `${text.slice(0, 25)}…` : text);
  const edges = layout.edges
    .map((edge) => `<path class="edge${edge.from === focus || edge.to === focus ? ' near' : ''}" data-from="${lib.escapeHtml(edge.from)}" data-to="${lib.escapeHtml(edge.to)}" d="${edge.path}"/>`)
    .join('');
  // On a test's page, the nodes it tests are marked beside the test itself.
  const focusNode = data.nodes[focus];
  const tested = new Set(focusNode && (focusNode.type === 'test' || focusNode.type === 'unit_test') ? focusNode.parents : []);
  const boxes = layout.boxes
    .map((box) => {
      const node = data.nodes[box.id];
      const label = node ? node.label : box.id;
      const kind = node ? node.type : 'model';
      return (
        `<a href="#!/${encodeURIComponent(box.id)}" class="lnode type-${kind}${node?.materialized === 'ephemeral' ? ' ephemeral' : ''}${box.id === focus ? ' focus' : ''}${tested.has(box.id) ? ' tested' : ''}" data-id="${lib.escapeHtml(box.id)}" transform="translate(${box.x},${box.y})">` +
        `<title>${lib.escapeHtml(`${kind} ${label}${tested.has(box.id) ? ' (tested here)' : ''}`)}</title>` +
        `<rect width="${layout.boxWidth}" height="${layout.boxHeight}" rx="6"/>` +
        `<text x="12" y="${layout.boxHeight / 2 + 4}">${lib.escapeHtml(shorten(label))}</text></a>`
      );
    })
    .join('');
  return `<svg class="lineage" viewBox="0 0 ${layout.width} ${layout.height}" width="${layout.width}" height="${layout.height}" role="img" aria-label="${focus ? `lineage of ${lib.escapeHtml(focus)}` : 'project lineage'}"><g class="edges">${edges}</g><g class="nodes">${boxes}</g></svg>`;
}
