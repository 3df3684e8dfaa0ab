/**
 * Parse and compile generated projects of 1,000 and 10,000 models: wall time and peak
 * memory, each size in a fresh process so memory figures do not mix.
 *   npx tsx bench/parse-compile.ts
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileSession, parse } from '../src/api.js';
import { compileNode } from '../src/compile/compile-node.js';
import { generateProject } from './generate-project.js';

async function measure(models: number): Promise<void> {
  const dir = generateProject(models);
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const target = { type: 'pglite' as const, name: 'dev', profileName: 'bench', schema: 'bench', threads: 1, path: null };
  const started = performance.now();
  const parsed = await parse({ projectDir: dir, targetConfig: target });
  const parsedAt = performance.now();
  const session = compileSession(parsed, {});
  for (const node of Object.values(parsed.manifest.nodes)) await compileNode(session, node);
  const compiledAt = performance.now();
  // A second parse in the same process, as `kpi run` right after `kpi parse` would do it.
  await parse({ projectDir: dir, targetConfig: target });
  const reparsedAt = performance.now();
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(
    JSON.stringify({
      models,
      parseSeconds: +((parsedAt - started) / 1000).toFixed(3),
      compileSeconds: +((compiledAt - parsedAt) / 1000).toFixed(3),
      reparseSeconds: +((reparsedAt - compiledAt) / 1000).toFixed(3),
      peakRssMb: Math.round(peak / 1024 / 1024),
    }),
  );
  rmSync(dir, { recursive: true, force: true });
}

const size = process.argv[2];
if (size) await measure(Number(size));
else {
  for (const models of [1000, 10000]) {
    const script = fileURLToPath(import.meta.url);
    process.stdout.write(execFileSync(process.execPath, ['--import', 'tsx', script, String(models)], { encoding: 'utf8' }));
  }
}
