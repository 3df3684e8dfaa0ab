import type { TargetConfig } from '../config/profiles.js';
import type { Adapter, RunLockOptions } from '../adapters/adapter.js';

/** Each database's client is loaded when a command opens one (commands that only parse load neither). */
export async function openAdapter(target: TargetConfig, lock: RunLockOptions): Promise<Adapter> {
  if (target.type === 'pglite') return (await import('../adapters/pglite/open-embedded.js')).openEmbedded(target.path, lock);
  const { PostgresAdapter } = await import('../adapters/postgres/postgres-adapter.js');
  return new PostgresAdapter({
    url: target.url ?? undefined,
    host: target.host ?? undefined,
    port: target.port,
    user: target.user ?? undefined,
    password: target.password ?? undefined,
    database: target.dbname ?? undefined,
    poolSize: target.threads + 1,
    connectTimeoutSeconds: target.connectTimeout ?? undefined,
    tls: { sslmode: target.sslmode, sslrootcert: target.sslrootcert, sslcert: target.sslcert, sslkey: target.sslkey },
    lockTimeoutSeconds: lock.lockTimeoutSeconds,
    onLockWait: lock.onLockWait,
  });
}

/** The advisory-lock key: runs against the same database and schema are serialized. */
export function runLockKey(adapter: Adapter, target: TargetConfig): string {
  return `kpi:${adapter.database}:${target.schema}`;
}
