/**
 * What opening the embedded database costs, as `kpi` opens it (openPglite): a new database by
 * initdb (no template), a new database from the cached template, and an existing database.
 * Each in a child process of its own (PGlite's WASM module is loaded once a process), CPU of
 * that process and wall, `--rounds` times alternating.
 *
 *   npx tsx bench/pglite-open.ts [--rounds 3]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, child: { type: 'string' }, dir: { type: 'string' } } });

if (values.child) {
  const { openPglite } = await import('../src/adapters/pglite/open-pglite.js');
  const { PgliteTemplateCache } = await import('../src/adapters/pglite/template-cache.js');
  const dir = values.dir ?? '';
  const templates = values.child === 'initdb' ? null : new PgliteTemplateCache([join(dir, 'cache')]);
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const opened = await openPglite(join(dir, values.child === 'existing' ? 'existing' : `new-${process.pid}`, 'pglite'), 'kpi', { wait: true }, templates);
  if (!opened.acquired) throw new Error('not acquired');
  await opened.db.query('select 1');
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ cpu: (used.user + used.system) / 1e6, wall: (performance.now() - wall) / 1000 }));
  await opened.db.close();
  await opened.release();
} else {
  const dir = mkdtempSync(join(tmpdir(), 'kpi-open-bench-'));
  const run = (child: string): { cpu: number; wall: number } =>
    JSON.parse(
      execFileSync(process.execPath, [...process.execArgv, process.argv[1], '--child', child, '--dir', dir], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .at(-1) ?? '{}',
    );
  try {
    // The template, and an existing database, made once before the rounds.
    run('template');
    run('existing');
    const results: Record<string, { cpu: number; wall: number }[]> = { initdb: [], template: [], existing: [] };
    for (let round = 0; round < Number(values.rounds); round += 1) for (const kind of Object.keys(results)) results[kind].push(run(kind));
    for (const [kind, runs] of Object.entries(results)) {
      const list = (key: 'cpu' | 'wall') => runs.map((result) => result[key].toFixed(2)).join(' / ');
      console.log(`${kind.padEnd(9)} CPU ${list('cpu')} s   wall ${list('wall')} s`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
