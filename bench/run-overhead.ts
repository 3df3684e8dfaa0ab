/**
 * Framework overhead per model: run 200 trivial models with one thread and subtract the
 * time spent inside the database; then replay the same statements bare, for comparison.
 *   npx tsx bench/run-overhead.ts            (server: KPI_TEST_PG_URL or postgres://postgres@127.0.0.1:5432/test)
 */
import { rmSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { run } from '../src/api.js';
import type { Adapter } from '../src/adapters/adapter.js';
import { PgliteAdapter } from '../src/adapters/pglite/pglite-adapter.js';
import { PostgresAdapter } from '../src/adapters/postgres/postgres-adapter.js';
import { targetFromUrl, type TargetConfig } from '../src/config/profiles.js';
import { generateProject } from './generate-project.js';
import { timingAdapter } from './timing-adapter.js';

const MODELS = 200;
const url = process.env.KPI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function measure(name: string, inner: Adapter, target: TargetConfig, materialized: string): Promise<void> {
  const dir = generateProject(MODELS, { trivial: true, materialized });
  const timing = timingAdapter(inner);
  // First run creates the relations; the second (measured) replaces them, the steady state.
  await run({ projectDir: dir, targetConfig: target, adapter: timing.adapter, threads: 1 });
  timing.reset();
  const started = performance.now();
  const summary = await run({ projectDir: dir, targetConfig: target, adapter: timing.adapter, threads: 1 });
  const total = (performance.now() - started) / 1000;
  if (!summary.success) throw new Error(`${name}: the run failed`);
  const database = timing.databaseSeconds();
  const statements = [...timing.statements];
  const bareStarted = performance.now();
  await inner.withConnection(async (connection) => {
    for (const statement of statements) await connection.query(statement).catch(() => undefined);
  });
  const bare = (performance.now() - bareStarted) / 1000;
  console.log(
    `${name.padEnd(22)} ${materialized.padEnd(6)} total ${total.toFixed(2)} s | in database ${database.toFixed(2)} s | bare replay ${bare.toFixed(2)} s | ` +
      `overhead ${(((total - database) / MODELS) * 1000).toFixed(2)} ms/model | ${(statements.length / MODELS).toFixed(1)} statements/model`,
  );
  rmSync(dir, { recursive: true, force: true });
}

const db = await PGlite.create();
const pglite = await PgliteAdapter.open({ db });
const server = new PostgresAdapter({ url, poolSize: 2 });
const schema = `kpi_bench_${process.pid}`;
try {
  for (const materialized of ['view', 'table']) {
    await measure('embedded (PGlite)', pglite, { type: 'pglite', name: 'dev', profileName: 'bench', schema, threads: 1, path: null }, materialized);
    await measure('server (Postgres)', server, targetFromUrl(url, schema, 1), materialized);
  }
} finally {
  await server.withConnection((connection) => connection.query(`drop schema if exists ${schema} cascade`));
  await server.close();
  await db.close();
}
