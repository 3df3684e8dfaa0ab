import type { Connection } from '../adapter.js';
import { qualified } from '../quote.js';
import { ask, type CatalogQuery, type CatalogRelation } from './catalog-query.js';

/** A privilege on a relation granted to someone other than its owner. */
export interface CatalogGrant {
  /** As Postgres names it: `SELECT`, `INSERT`, `TRUNCATE`. */
  privilege: string;
  /** The role's name as it is (never quoted), or `public` for PUBLIC (no role may be called that). */
  grantee: string;
}

const GRANTEE = `case when g.grantee = 0 then 'public' else pg_get_userbyid(g.grantee) end`;

/** The grants of the relation `pg_class c` as a json list of CatalogGrant, to nest in a query about it. */
export const GRANTS_JSON = `coalesce((select json_agg(json_build_object('privilege', g.privilege_type, 'grantee', ${GRANTEE}))
    from aclexplode(c.relacl) g where g.grantee <> c.relowner), '[]')`;

// Most tables have no ACL at all (relacl is null): then aclexplode is never called.
const GRANTS_SQL = `select g.privilege_type as privilege, ${GRANTEE} as grantee
from pg_class c
cross join lateral aclexplode(c.relacl) g
where c.oid = to_regclass($1) and c.relacl is not null and g.grantee <> c.relowner`;

export function relationGrantsQuery(relation: CatalogRelation): CatalogQuery<CatalogGrant[]> {
  return {
    sql: GRANTS_SQL,
    params: [qualified(relation.schema, relation.identifier)],
    read: (rows) => rows.map((row) => ({ privilege: String(row.privilege), grantee: String(row.grantee) })),
  };
}

export function relationGrants(connection: Connection, relation: CatalogRelation): Promise<CatalogGrant[]> {
  return ask(connection, relationGrantsQuery(relation));
}
