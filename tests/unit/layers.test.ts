import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules/.bin/depcruise');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

/** The layer check as `npm run lint` runs it, on the tree at `dir`. */
function violations(dir: string): Violation[] {
  const output = execFileSync(DEPCRUISE, ['src', '--config', CONFIG, '--output-type', 'json'], { cwd: dir, encoding: 'utf8' });
  return (JSON.parse(output) as { summary: { violations: Violation[] } }).summary.violations;
}

const trees: string[] = [];
afterAll(() => {
  for (const dir of trees) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kpi-layers-'));
  trees.push(dir);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('the layer rule', () => {
  it('fails an import that points up a layer, an import between features, and a cycle', () => {
    const dir = tree({
      'src/config/load.ts': "import { run } from '../runner/run.js';\nexport const load = run;\n",
      'src/runner/run.ts': 'export const run = 1;\n',
      'src/alerts/board.ts': "import { page } from '../docs/page.js';\nexport const board = page;\n",
      'src/docs/page.ts': 'export const page = 1;\n',
      'src/graph/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'src/graph/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
      'src/compile/ok.ts': "import { a } from '../graph/a.js';\nexport const ok = a;\n",
    });
    const found = violations(dir).map((violation) => `${violation.rule.name}: ${violation.from} -> ${violation.to}`);
    expect(found).toContain('layer-config: src/config/load.ts -> src/runner/run.ts');
    expect(found).toContain('feature-alerts: src/alerts/board.ts -> src/docs/page.ts');
    expect(found.filter((line) => line.startsWith('no-circular:') && line.includes('src/graph/'))).not.toEqual([]);
    expect(found.some((line) => line.includes('src/compile/ok.ts'))).toBe(false);
  });

  it('finds no violation in src/', () => {
    expect(violations(ROOT)).toEqual([]);
  });
});

/** Every .ts file under a folder of src/. */
function sources(folder: string): string[] {
  const dir = join(ROOT, 'src', folder);
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(join(folder, name));
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('the engine and the KPI mart', () => {
  it('never names the mart below the feature layer', () => {
    const engine = ['runner', 'execution', 'materializations', 'compile', 'project', 'graph', 'config', 'template', 'seeds', 'adapters', 'manifest', 'support'];
    const named = engine.flatMap(sources).filter((path) => /dim_kpi|kpi_threshold|thresholds/i.test(readFileSync(path, 'utf8')));
    expect(named.map((path) => path.slice(ROOT.length + 1))).toEqual([]);
  });
});
