// Loaded with `node --import ./bench/pglite-statements.js bin/kpi.js build ...`: times every
// statement the embedded database runs (PGlite's query and exec) and, at exit, writes them to
// $KPI_STATEMENTS_OUT as JSON lines { ms, cpuMs, kind, sql }, for bench/pglite-profile.ts to sum
// up by kind of statement. CPU is this process's, which PGlite runs in.
import { writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';

const out = process.env.KPI_STATEMENTS_OUT;
if (out) {
  const statements = [];
  for (const method of ['query', 'exec']) {
    const original = PGlite.prototype[method];
    PGlite.prototype[method] = async function (sql, ...rest) {
      const wall = performance.now();
      const cpu = process.cpuUsage();
      try {
        return await original.call(this, sql, ...rest);
      } finally {
        const used = process.cpuUsage(cpu);
        statements.push({ ms: performance.now() - wall, cpuMs: (used.user + used.system) / 1000, kind: method, sql: String(sql).slice(0, 400) });
      }
    };
  }
  process.on('exit', () => writeFileSync(out, statements.map((statement) => JSON.stringify(statement)).join('\n') + '\n'));
}
