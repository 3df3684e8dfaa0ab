import type { Connection } from '../../adapters/adapter.js';
import { q, type RelationName } from '../ddl.js';
import { revoke } from './incremental-ddl.js';

// Most tables have no ACL at all (relacl is null): then aclexplode is never called.
const GRANTS_SQL = `select lower(g.privilege_type) as privilege,
  case when g.grantee = 0 then 'public' else g.grantee::regrole::text end as grantee
from pg_class c
cross join lateral aclexplode(c.relacl) g
where c.oid = $1::regclass and c.relacl is not null and g.grantee <> c.relowner`;

/**
 * An incremental table keeps its grants from run to run, where a rebuilt table starts
 * with none. So that `grants` means the same for both, privileges the config no longer
 * lists are revoked (dbt's should_revoke on incremental runs). As in dbt, a model with no
 * `grants` config leaves the table's grants alone: they may be a DBA's, not kpi's.
 */
export async function revokeStaleGrants(connection: Connection, relation: RelationName, wanted: Record<string, string[]>): Promise<string[]> {
  if (Object.keys(wanted).length === 0) return [];
  const configured = new Set(Object.entries(wanted).flatMap(([privilege, grantees]) => grantees.map((grantee) => `${privilege.toLowerCase()} ${grantee.toLowerCase()}`)));
  const result = await connection.query<{ privilege: string; grantee: string }>(GRANTS_SQL, [q(relation)]);
  return result.rows
    .map((row) => ({ privilege: String(row.privilege), grantee: String(row.grantee).replace(/^"|"$/g, '') }))
    .filter((row) => !configured.has(`${row.privilege} ${row.grantee.toLowerCase()}`))
    .map((row) => revoke(relation, row.privilege, row.grantee));
}
