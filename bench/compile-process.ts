/**
 * `kpi compile` and `kpi parse` as whole processes (what a user waits for) on a generated
 * project, server target: cold (no target/), an unchanged re-run, and a cold parse. CPU
 * seconds (user + sys) are given beside wall time: on a shared machine they are steadier.
 *   npm run build && npx tsx bench/compile-process.ts [models...] [--static]   (default 10000)
 * --static: the same DAG with models that are only a config and refs (the static parser's case).
 * --properties: a property entry for every model (a description, a column, a not_null test).
 *   server: KPI_TEST_PG_URL or postgres://postgres@127.0.0.1:5432/test
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateProject } from './generate-project.js';

const url = process.env.KPI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const bin = fileURLToPath(new URL('../bin/kpi.js', import.meta.url));

export interface Timed {
  wall: number;
  cpu: number;
  /** The user part of `cpu`: system time (creating 10,000 compiled files) varies several-fold with the disk's load here. */
  user: number;
  rssMb: number;
}

/** One process under GNU time: wall, user+sys and peak RSS. */
export function timeProcess(args: string[], cwd: string): Timed {
  // `kpi compile` lists every file it wrote: 50,000 paths are more than spawnSync's default 1 MB of output, which kills the child.
  const result = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  const last = result.stderr.trim().split('\n').pop() ?? '';
  const [wall, user, sys, rss] = last.split(' ').map(Number);
  return { wall, cpu: +(user + sys).toFixed(2), user, rssMb: Math.round(rss / 1024) };
}

/** A profiles.yml beside the project naming the server, in a schema of its own, and the project naming that profile. */
export function writeServerProfile(dir: string, schema: string): void {
  appendFileSync(join(dir, 'kpi_project.yml'), 'profile: bench\n');
  writeFileSync(join(dir, 'profiles.yml'), `bench:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      url: "${url}"\n      schema: ${schema}\n      threads: 4\n`);
}

/** Seconds of several runs as `median 0.35 s (0.34-0.37)`. */
export function medianRange(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)].toFixed(2)} s (${sorted[0].toFixed(2)}-${sorted[sorted.length - 1].toFixed(2)})`;
}

function show(what: string, timed: Timed): void {
  console.log(
    `${what.padEnd(28)} ${timed.cpu.toFixed(2).padStart(6)} s CPU (${timed.user.toFixed(2).padStart(5)} s user) ${timed.wall.toFixed(2).padStart(6)} s wall ${String(timed.rssMb).padStart(5)} MB`,
  );
}

/** Every file under `dir`, by its path relative to it, with its text. */
function filesUnder(dir: string): Array<[string, string]> {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return [relative(dir, path), readFileSync(path, 'utf8')];
    });
}

/**
 * The kernel's part of a cold compile, measured beside it: the same compiled files written into a
 * new folder by a bare loop of writeFileSync. On this machine creating 10,000 files took 0.1 s in
 * one minute and 1.2 s in another; a cold compile's wall time moves with it.
 */
function bareWrite(files: Array<[string, string]>): number {
  const dir = mkdtempSync(join(tmpdir(), 'kpi-bare-write-'));
  try {
    const started = performance.now();
    const made = new Set<string>();
    for (const [path, text] of files) {
      const folder = join(dir, path, '..');
      if (!made.has(folder)) {
        mkdirSync(folder, { recursive: true });
        made.add(folder);
      }
      writeFileSync(join(dir, path), text);
    }
    return (performance.now() - started) / 1000;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(models: number, shape: { static: boolean; properties: boolean }): Promise<void> {
  const dir = generateProject(models, shape);
  writeServerProfile(dir, `kpi_bench_${process.pid}`);
  const kpi = (...args: string[]) => [bin, ...args, '--project-dir', dir];
  try {
    console.log(`${models} models${shape.static ? ' (static: config and refs only)' : ' (macro calls, loops)'}${shape.properties ? ', a property entry and a test each' : ''}`);
    show('compile, cold', timeProcess(kpi('compile'), dir));
    const compiled = filesUnder(join(dir, 'target', 'compiled'));
    console.log(`${`(the same ${compiled.length} files from a bare loop)`.padEnd(28)} ${bareWrite(compiled).toFixed(2).padStart(6)} s wall`);
    show('compile, unchanged re-run', timeProcess(kpi('compile'), dir));
    rmSync(join(dir, 'target'), { recursive: true, force: true });
    show('parse, cold', timeProcess(kpi('parse'), dir));
    show('parse, warm', timeProcess(kpi('parse'), dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const sizes = args.filter((arg) => /^\d+$/.test(arg)).map(Number);
  for (const models of sizes.length > 0 ? sizes : [10000]) await measure(models, { static: args.includes('--static'), properties: args.includes('--properties') });
}
