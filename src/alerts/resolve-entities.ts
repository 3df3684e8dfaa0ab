import { KpiError, closestMatch } from '../errors.js';
import type { EntityDescription } from './read-descriptions.js';

function listed(entities: readonly EntityDescription[]): string {
  const names = entities.map((entity) => (entity.code === entity.name ? entity.code : `${entity.code} (${entity.name})`));
  return `${names.slice(0, 30).join(', ')}${names.length > 30 ? `, and ${names.length - 30} more` : ''}`;
}

/**
 * `--entity` values (an id, a code such as ALL, or a name; any case) as the entity ids they
 * name. Checked against dim_entity, or against the board's own ids when there is none. An
 * unknown entity, or one with no status on this board, is a usage error listing those that
 * have one: an empty board would look like good news.
 */
export function resolveEntities(requested: ReadonlySet<string>, entities: readonly EntityDescription[] | null, boardIds: readonly string[]): Set<string> {
  const onBoard = new Set(boardIds);
  const known: readonly EntityDescription[] = entities ?? [...onBoard].map((id) => ({ id, code: id, name: id }));
  const scored = known.filter((entity) => onBoard.has(entity.id));
  const ids = new Set<string>();
  for (const text of requested) {
    const wanted = text.trim().toLowerCase();
    const found = known.find((entity) => entity.id === wanted || entity.code.toLowerCase() === wanted || entity.name.toLowerCase() === wanted);
    if (found && onBoard.has(found.id)) {
      ids.add(found.id);
      continue;
    }
    if (found) {
      throw new KpiError('KPI_USAGE', `--entity '${text}' (${found.name}) has no KPI status on this board`, { hint: `entities with a status: ${listed(scored)}` });
    }
    const match = closestMatch(text, [...known.map((entity) => entity.code), ...known.map((entity) => entity.name)]);
    throw new KpiError('KPI_USAGE', `--entity '${text}' is not an entity of the KPI mart.${match ? ` Did you mean '${match}'?` : ''}`, { hint: `entities with a status: ${listed(scored)}` });
  }
  return ids;
}
