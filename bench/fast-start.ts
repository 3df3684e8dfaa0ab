/**
 * The everyday commands' start, as whole processes beside a bare Node start in the same run:
 * `node -e 0`, `kpi --version` and `kpi ls` on this repository's KPI project (warm: target/
 * from a first `kpi ls`). Issue 16 asks for `kpi --version` ≤ 0.1 s and `kpi ls` ≤ 0.3 s; the bare
 * start is the floor under both. Rounds alternate the three, so the machine's load falls on all.
 *   npm run build && npx tsx bench/fast-start.ts [rounds]   (default 7)
 */
import { fileURLToPath } from 'node:url';
import { medianRange, timeProcess } from './compile-process.js';
import { copyKpiProject } from '../tests/helpers/kpi-project.js';
import { removeDir } from '../tests/helpers/fixtures.js';
import { loadavg } from 'node:os';

const bin = fileURLToPath(new URL('../bin/kpi.js', import.meta.url));
const rounds = Number(process.argv[2] ?? 7);

const dir = copyKpiProject();
try {
  const commands: Array<[string, string[]]> = [
    ['node -e 0', ['-e', '0']],
    ['kpi --version', [bin, '--version']],
    ['kpi ls', [bin, 'ls', '--project-dir', dir]],
  ];
  // The first `kpi ls` writes target/ (partial parse, YAML cache): the everyday case is the ones after.
  timeProcess([bin, 'ls', '--project-dir', dir], dir);
  const times = new Map<string, Array<{ wall: number; cpu: number }>>(commands.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, args] of commands) times.get(name)!.push(timeProcess(args, dir));
  }
  console.log(`${rounds} rounds, load ${loadavg()[0].toFixed(1)}`);
  for (const [name, list] of times) {
    console.log(`${name.padEnd(14)} wall ${medianRange(list.map((time) => time.wall))}, CPU ${medianRange(list.map((time) => time.cpu))}`);
  }
} finally {
  removeDir(dir);
}
