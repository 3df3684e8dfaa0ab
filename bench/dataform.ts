/**
 * `dataform compile` (@dataform/cli) and `kpi compile` on the same generated DAG, as whole
 * processes, in one run: CPU seconds (user + sys) and wall time, and their ratio.
 *   npm run build && npx tsx bench/dataform.ts [models]   (default 2000)
 * Two shapes of the same DAG (staging chains, marts with three parents):
 *   static: a config and refs only (dbt's and kpi's static parser read these without rendering);
 *   macros: a helper called in every staging model and the marts' joins written in a loop
 *           (a Jinja macro and `{% for %}` for kpi, a JavaScript include and `js {}` for Dataform).
 * kpi's target is the server (KPI_TEST_PG_URL or postgres://postgres@127.0.0.1:5432/test): compile
 * asks it which relations exist; Dataform's compile does not connect. DATAFORM_BIN overrides
 * where the dataform CLI is found (node_modules/@dataform/cli), DATAFORM_CORE the @dataform/core
 * package copied into the Dataform project (node_modules/@dataform/core).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateProject } from './generate-project.js';
import { timeProcess, writeServerProfile } from './compile-process.js';

const kpiBin = fileURLToPath(new URL('../bin/kpi.js', import.meta.url));
const dataformBin = process.env.DATAFORM_BIN ?? fileURLToPath(new URL('../node_modules/@dataform/cli/bundle.js', import.meta.url));
const dataformCore = process.env.DATAFORM_CORE ?? fileURLToPath(new URL('../node_modules/@dataform/core', import.meta.url));

/** The DAG of generate-project.ts, as a Dataform project (workflow_settings.yaml, definitions/*.sqlx). */
function generateDataformProject(models: number, shape: 'static' | 'macros'): string {
  const dir = mkdtempSync(join(tmpdir(), `dataform-bench-${models}-`));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write('workflow_settings.yaml', 'defaultProject: bench\ndefaultLocation: US\ndefaultDataset: bench\nvars:\n  multiplier: "3"\n');
  // The core package installed in the project, as `dataform install` leaves it (a copy: Dataform's sandbox refuses a symlink out of the project).
  write('package.json', '{ "dependencies": { "@dataform/core": "*" } }\n');
  cpSync(dataformCore, join(dir, 'node_modules', '@dataform', 'core'), { recursive: true });
  write('includes/helpers.js', 'function scaled(column, factor = 2) {\n  return `(${column} * ${factor} * ${dataform.projectConfig.vars.multiplier})`;\n}\nmodule.exports = { scaled };\n');
  for (let i = 0; i < models; i++) {
    const folder = i % 10 < 6 ? 'staging' : 'marts';
    const parents = i < 10 ? [] : folder === 'staging' ? [i - 10] : [i - 1, i - 3, i - 7];
    let body: string;
    if (parents.length === 0) body = `config { type: "view" }\nselect g as id, g * ${i} as amount from generate_series(1, 10) g`;
    else if (shape === 'static' || folder === 'staging') {
      const tags = folder === 'staging' ? '["chain"]' : '["marts"]';
      const from = parents.map((p, n) => `${n === 0 ? '' : 'left join '}\${ref("m_${p}")} p${n}${n === 0 ? '' : ' using (id)'}`).join('\n');
      const amount = shape === 'macros' ? '${helpers.scaled("p0.amount")}' : `(${parents.map((_, n) => `coalesce(p${n}.amount, 0)`).join(' + ')}) * 3`;
      body = `config { type: "view", tags: ${tags} }\nselect p0.id, ${amount} as amount\nfrom ${from}`;
    } else {
      body = [
        'config { type: "view", tags: ["marts"] }',
        `js {\n  const parents = [${parents.map((p) => `"m_${p}"`).join(', ')}];\n}`,
        'select a.id, ${parents.map((p, n) => `coalesce(p${n + 1}.amount, 0)`).join(" + ")} as amount',
        'from ${ref(parents[0])} a',
        '${parents.map((p, n) => `left join ${ref(p)} p${n + 1} on p${n + 1}.id = a.id`).join("\\n")}',
      ].join('\n');
    }
    write(`definitions/${folder}/m_${i}.sqlx`, body);
  }
  return dir;
}

/**
 * A process tree's CPU seconds, read from /proc every 20 ms: Dataform compiles in a child it
 * kills without waiting for, so GNU time (which counts waited-for children only) misses it.
 * Each process counts its own user + system time at the last reading (up to 20 ms short).
 */
async function timeTree(args: string[], cwd: string): Promise<{ cpu: number; wall: number; rssMb: number }> {
  const tick = 100; // clock ticks a second (sysconf CLK_TCK on Linux)
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const seen = new Map<number, { ppid: number; cpu: number; rss: number }>();
  const sample = () => {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue;
      }
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      seen.set(Number(entry), { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / tick, rss: (Number(fields[21]) * 4096) / 1024 / 1024 });
    }
  };
  const descendants = () => {
    const tree = new Set([child.pid!]);
    for (let grew = true; grew;) {
      grew = false;
      for (const [pid, info] of seen) if (!tree.has(pid) && tree.has(info.ppid)) grew = tree.add(pid).size > 0;
    }
    return tree;
  };
  const counted = new Map<number, { cpu: number; rss: number }>();
  const timer = setInterval(() => {
    sample();
    for (const pid of descendants()) {
      const info = seen.get(pid);
      if (info) counted.set(pid, { cpu: Math.max(info.cpu, counted.get(pid)?.cpu ?? 0), rss: Math.max(info.rss, counted.get(pid)?.rss ?? 0) });
    }
  }, 20);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`${args.join(' ')} exited with ${code}:\n${output.slice(-2000)}`);
  const values = [...counted.values()];
  return {
    cpu: +values.reduce((sum, value) => sum + value.cpu, 0).toFixed(2),
    wall: +((performance.now() - started) / 1000).toFixed(2),
    rssMb: Math.round(values.reduce((sum, value) => sum + value.rss, 0)),
  };
}

function line(what: string, timed: { cpu: number; wall: number; rssMb: number }): void {
  console.log(`${what.padEnd(36)} ${timed.cpu.toFixed(2).padStart(6)} s CPU ${timed.wall.toFixed(2).padStart(6)} s wall ${String(timed.rssMb).padStart(5)} MB`);
}

async function measure(models: number, shape: 'static' | 'macros'): Promise<void> {
  const dataformDir = generateDataformProject(models, shape);
  const kpiDir = generateProject(models, { static: shape === 'static' });
  writeServerProfile(kpiDir, `kpi_dataform_bench_${process.pid}`);
  try {
    console.log(`${models} models, ${shape}`);
    // Its default 30 s compile timeout is too short for 2,000 models on a loaded machine.
    const dataform = await timeTree([dataformBin, 'compile', dataformDir, '--timeout=10m'], dataformDir);
    line('dataform compile', dataform);
    const kpiCold = timeProcess([kpiBin, 'compile', '--project-dir', kpiDir], kpiDir);
    line('kpi compile, cold (no target/)', kpiCold);
    const kpiWarm = timeProcess([kpiBin, 'compile', '--project-dir', kpiDir], kpiDir);
    line('kpi compile, unchanged re-run', kpiWarm);
    const ratio = (a: number, b: number) => (a / b).toFixed(1);
    console.log(
      `dataform / kpi: cold ${ratio(dataform.cpu, kpiCold.cpu)}x CPU, ${ratio(dataform.wall, kpiCold.wall)}x wall; re-run ${ratio(dataform.cpu, kpiWarm.cpu)}x CPU, ${ratio(dataform.wall, kpiWarm.wall)}x wall`,
    );
  } finally {
    rmSync(dataformDir, { recursive: true, force: true });
    rmSync(kpiDir, { recursive: true, force: true });
  }
}

const models = Number(process.argv[2] ?? 2000);
for (const shape of ['static', 'macros'] as const) await measure(models, shape);
