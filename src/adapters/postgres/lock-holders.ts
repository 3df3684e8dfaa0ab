/** The sessions that block a backend, as pg_stat_activity shows them. */
export const LOCK_HOLDERS_SQL = `select a.pid, a.application_name, a.usename, a.client_addr::text as client_addr, a.state,
  to_char(coalesce(a.xact_start, a.backend_start), 'YYYY-MM-DD HH24:MI:SS') as since,
  extract(epoch from now() - coalesce(a.xact_start, a.backend_start))::int as seconds
from pg_stat_activity a
where a.pid = any(pg_blocking_pids($1))
order by a.pid`;

export interface LockHolderRow extends Record<string, unknown> {
  pid: number;
  application_name: string | null;
  usename: string | null;
  client_addr: string | null;
  state: string | null;
  since: string | null;
  seconds: number | null;
}

/** One line a holder: `pid 4242 (psql, user alice from 10.0.0.5), idle in transaction since 2026-12-05 21:30:01 (95 s)`. */
export function describeLockWait(label: string | undefined, holders: readonly LockHolderRow[]): string {
  const who = holders.map((holder) => {
    const app = holder.application_name ? holder.application_name : 'no application name';
    const user = [holder.usename ? `user ${holder.usename}` : '', holder.client_addr ? `from ${holder.client_addr}` : ''].filter(Boolean).join(' ');
    const since = holder.since ? ` since ${holder.since}${holder.seconds !== null ? ` (${holder.seconds} s)` : ''}` : '';
    return `pid ${holder.pid} (${app}${user ? `, ${user}` : ''}), ${holder.state ?? 'state unknown'}${since}`;
  });
  return `${label ?? 'a statement'} is waiting for a lock held by ${who.join('; ')}. kpi waits until it is released (--lock-timeout gives up).`;
}
