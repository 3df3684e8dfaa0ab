import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './fixtures.js';

/**
 * dbt's adapter conformance tests (dbt-tests-adapter) and dbt-postgres' functional tests,
 * as pinned in ../shared/third-party. Their fixtures are Python string constants in modules
 * like `dbt/tests/adapter/basic/files.py`; tests read them from the pinned tarball,
 * unchanged, and build the same projects dbt's tests build. Nothing of theirs is copied
 * into this repository.
 */
const TARBALL = join(REPO_ROOT, '..', 'shared', 'third-party', 'dbt-adapters-802d40f0-tests-and-macros.tar.gz');
const ROOT = join(tmpdir(), 'kpi-dbt-adapters-802d40f0');

/** The extracted tree (once per machine; the tarball is pinned, so its content never changes). */
export function dbtAdaptersDir(): string {
  const marker = join(ROOT, '.extracted');
  if (!existsSync(marker)) {
    mkdirSync(ROOT, { recursive: true });
    execFileSync('tar', ['xzf', TARBALL, '-C', ROOT]);
    execFileSync('touch', [marker]);
  }
  return join(ROOT, 'dbt-adapters');
}

/** A file of the tree, by its path under dbt-adapters/ (e.g. `dbt-tests-adapter/src/dbt/tests/adapter/basic/files.py`). */
export function dbtAdaptersFile(path: string): string {
  return readFileSync(join(dbtAdaptersDir(), path), 'utf8');
}

const cache = new Map<string, Record<string, string>>();

/**
 * The module-level string constants of a fixture module, evaluated by Python itself (so
 * `a + """..."""`, `.lstrip()` and f-strings come out as dbt's tests see them). Modules that
 * import dbt cannot be evaluated here; fixture modules such as files.py import nothing.
 */
export function pythonStrings(path: string): Record<string, string> {
  const cached = cache.get(path);
  if (cached) return cached;
  const script = ['import json, runpy, sys', 'values = runpy.run_path(sys.argv[1])', 'print(json.dumps({k: v for k, v in values.items() if isinstance(v, str) and not k.startswith("__")}))'].join(
    '\n',
  );
  const output = execFileSync('python3', ['-c', script, join(dbtAdaptersDir(), path)], { encoding: 'utf8' });
  const strings = JSON.parse(output) as Record<string, string>;
  cache.set(path, strings);
  return strings;
}

/** dbt-tests-adapter's `basic/files.py`. */
export function basicFiles(): Record<string, string> {
  return pythonStrings('dbt-tests-adapter/src/dbt/tests/adapter/basic/files.py');
}

const constantsCache = new Map<string, Record<string, string | string[]>>();

/**
 * The module-level string (and list-of-string) constants of a test module, read with
 * Python's own parser (`ast.literal_eval`), for modules that import pytest or dbt and so
 * cannot be run here (simple_snapshot/new_record_timestamp_mode.py holds its SQL this way).
 */
export function pythonConstants(path: string): Record<string, string | string[]> {
  const cached = constantsCache.get(path);
  if (cached) return cached;
  const script = [
    'import ast, json, sys',
    'tree = ast.parse(open(sys.argv[1]).read())',
    'out = {}',
    'for node in tree.body:',
    '    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):',
    '        try:',
    '            value = ast.literal_eval(node.value)',
    '        except Exception:',
    '            continue',
    '        if isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value)):',
    '            out[node.targets[0].id] = value',
    'print(json.dumps(out))',
  ].join('\n');
  const output = execFileSync('python3', ['-c', script, join(dbtAdaptersDir(), path)], { encoding: 'utf8' });
  const constants = JSON.parse(output) as Record<string, string | string[]>;
  constantsCache.set(path, constants);
  return constants;
}
