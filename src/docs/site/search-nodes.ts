import type { DocsData } from '../docs-data.js';

export interface SearchHit {
  id: string;
  /** Where the text was found: `name`, `description`, `column <name>`, `code`. */
  where: string;
}

/**
 * Nodes matching every word of `query` (case-insensitive) in their name, description,
 * columns or SQL; name matches first, then descriptions and columns, then code.
 */
export function searchNodes(data: DocsData, query: string): SearchHit[] {
  const words = query
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word.length > 0);
  if (words.length === 0) return [];
  const hits: Array<SearchHit & { rank: number; label: string }> = [];
  for (const node of Object.values(data.nodes)) {
    const fields: Array<[string, string, number]> = [
      ['name', `${node.label} ${node.id}`, 0],
      ['description', node.description, 1],
      ...node.columns.map((column): [string, string, number] => [`column ${column.name}`, `${column.name} ${column.description}`, 1]),
      ['code', `${node.raw} ${node.tags.join(' ')}`, 2],
    ];
    const all = fields
      .map((field) => field[1])
      .join(' ')
      .toLowerCase();
    if (!words.every((word) => all.includes(word))) continue;
    const best = fields.find((field) => words.some((word) => field[1].toLowerCase().includes(word))) ?? fields[0];
    hits.push({ id: node.id, where: best[0], rank: best[2], label: node.label });
  }
  hits.sort((a, b) => a.rank - b.rank || a.label.localeCompare(b.label));
  return hits.map((hit) => ({ id: hit.id, where: hit.where }));
}
