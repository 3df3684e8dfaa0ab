import type { Adapter, Connection } from '../src/adapters/adapter.js';

/** Wraps an adapter to add up the time spent inside the database and keep every statement. */
export function timingAdapter(inner: Adapter): { adapter: Adapter; databaseSeconds: () => number; statements: string[]; reset: () => void } {
  let milliseconds = 0;
  const statements: string[] = [];
  const timed =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const started = performance.now();
      try {
        return await fn(...args);
      } finally {
        milliseconds += performance.now() - started;
      }
    };
  const wrap = (connection: Connection): Connection => ({
    query: timed(async (sql: string, params?: readonly unknown[]) => {
      statements.push(sql);
      return connection.query(sql, params);
    }) as Connection['query'],
    execute: timed(connection.execute.bind(connection)),
    copyFromCsv: timed(connection.copyFromCsv.bind(connection)),
  });
  const extra = inner.withExtraConnection?.bind(inner);
  const adapter: Adapter = {
    type: inner.type,
    capabilities: inner.capabilities,
    database: inner.database,
    withConnection: (fn) => inner.withConnection((connection) => fn(wrap(connection))),
    ...(extra ? { withExtraConnection: (fn, label) => extra((connection) => fn(wrap(connection)), label) } : {}),
    acquireRunLock: (key, options) => inner.acquireRunLock(key, options),
    describe: () => inner.describe(),
    close: () => inner.close(),
  };
  return {
    adapter,
    databaseSeconds: () => milliseconds / 1000,
    statements,
    reset: () => {
      milliseconds = 0;
      statements.length = 0;
    },
  };
}
