/**
 * Where a build's time goes inside the embedded database, by kind of statement.
 *
 *   KPI_STATEMENTS_OUT=/tmp/statements.jsonl node --import ./bench/pglite-statements.js bin/kpi.js build --threads 1
 *   npx tsx bench/pglite-profile.ts /tmp/statements.jsonl [top]
 *
 * Prints, per kind (the heavy mart models' own `create table`, other models' `create table`,
 * indexes and keys, analyze, data tests, catalog queries, checkpoints and their checks, ...),
 * the count, wall and CPU milliseconds, then the `top` slowest statements.
 */
import { readFileSync } from 'node:fs';

interface Statement {
  ms: number;
  cpuMs: number;
  kind: string;
  sql: string;
}

const HEAVY = /"(agg_kpi_dashboard|kpi_thresholds|kpi_status_history)__kpi_tmp" as/;

function kindOf(statement: Statement): string {
  const sql = statement.sql.replace(/\s+/g, ' ').trim().toLowerCase();
  if (sql.startsWith('select pg_wal_lsn_diff')) return 'checkpoint check';
  if (sql === 'checkpoint') return 'checkpoint';
  if (sql.startsWith('analyze')) return 'analyze';
  if (sql.startsWith('create table') && HEAVY.test(sql)) return 'create table (heavy mart models)';
  if (sql.startsWith('create table')) return 'create table (other models)';
  if (/^(create (unique )?index|alter table .* add (primary key|foreign key|constraint|unique))/.test(sql)) return 'indexes and keys';
  if (sql.startsWith('select count(*) as failures')) return 'data tests';
  if (sql.startsWith('select') && /pg_catalog|information_schema|pg_class|pg_attribute|pg_namespace|pg_depend|pg_constraint|pg_index|pg_type/.test(sql)) return 'catalog queries';
  if (sql.startsWith('copy')) return 'copy (seeds)';
  if (sql.startsWith('comment on')) return 'comment on';
  return sql.split(' ').slice(0, 2).join(' ');
}

const [file, top = '20'] = process.argv.slice(2);
if (!file) throw new Error('usage: tsx bench/pglite-profile.ts STATEMENTS.jsonl [top]');
const statements = readFileSync(file, 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as Statement);
const kinds = new Map<string, { count: number; ms: number; cpuMs: number }>();
for (const statement of statements) {
  const kind = kindOf(statement);
  const sum = kinds.get(kind) ?? { count: 0, ms: 0, cpuMs: 0 };
  kinds.set(kind, { count: sum.count + 1, ms: sum.ms + statement.ms, cpuMs: sum.cpuMs + statement.cpuMs });
}
const total = [...kinds.values()].reduce((sum, kind) => ({ ms: sum.ms + kind.ms, cpuMs: sum.cpuMs + kind.cpuMs }), { ms: 0, cpuMs: 0 });
console.log(`${'kind'.padEnd(34)} ${'count'.padStart(5)} ${'wall ms'.padStart(8)} ${'CPU ms'.padStart(8)}`);
for (const [kind, sum] of [...kinds].sort((a, b) => b[1].cpuMs - a[1].cpuMs)) {
  console.log(`${kind.padEnd(34)} ${String(sum.count).padStart(5)} ${sum.ms.toFixed(0).padStart(8)} ${sum.cpuMs.toFixed(0).padStart(8)}`);
}
console.log(`${'all statements'.padEnd(34)} ${String(statements.length).padStart(5)} ${total.ms.toFixed(0).padStart(8)} ${total.cpuMs.toFixed(0).padStart(8)}`);
console.log(`\nslowest ${top}:`);
for (const statement of [...statements].sort((a, b) => b.cpuMs - a.cpuMs).slice(0, Number(top))) {
  console.log(`${statement.ms.toFixed(0).padStart(7)} ${statement.cpuMs.toFixed(0).padStart(7)}  ${statement.sql.replace(/\s+/g, ' ').slice(0, 140)}`);
}
