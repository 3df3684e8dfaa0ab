import type { CatalogGrant } from '../../adapters/catalog.js';
import type { RelationName } from '../ddl.js';
import { revoke } from './incremental-ddl.js';

/**
 * An incremental table keeps its grants from run to run, where a rebuilt table starts
 * with none. So that `grants` means the same for both, privileges the config no longer
 * lists are revoked (dbt's should_revoke on incremental runs). As in dbt, a model with no
 * `grants` config leaves the table's grants alone: they may be a DBA's, not kpi's.
 * `current` is the table's grants (read only when the model configures some).
 */
export function staleGrantRevokes(relation: RelationName, wanted: Record<string, string[]>, current: readonly CatalogGrant[]): string[] {
  if (Object.keys(wanted).length === 0) return [];
  const configured = new Set(Object.entries(wanted).flatMap(([privilege, grantees]) => grantees.map((grantee) => `${privilege.toLowerCase()} ${grantee.toLowerCase()}`)));
  return current
    .map((grant) => ({ privilege: grant.privilege.toLowerCase(), grantee: grant.grantee }))
    .filter((grant) => !configured.has(`${grant.privilege} ${grant.grantee.toLowerCase()}`))
    .map((grant) => revoke(relation, grant.privilege, grant.grantee));
}
