import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, type CompileOptions } from '../../src/api.js';
import type { RunEvent } from '../../src/execution/types.js';
import { generateProject } from '../../bench/generate-project.js';
import { databaseKinds, openTestDatabase, uniqueSchema, type TestDatabase } from '../helpers/databases.js';
import { kpi, profileYaml } from '../helpers/cli.js';
import { copyFixture, makeProject, REPO_ROOT, removeDir, writeFile } from '../helpers/fixtures.js';
import { pkgShopWithPackages, unitShopWithSources } from '../helpers/fixture-projects.js';
import { copyKpiProject } from '../helpers/kpi-project.js';

const RECORD = join('target', 'compile_replay.json');

/** Every file under `dir`, by path, as text. */
function filesUnder(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  if (existsSync(dir)) walk(dir);
  return files;
}

/** What a compile gives a user: the nodes (with their SQL), what it reported, the compiled files, manifest.json (without what changes every invocation). */
interface Outcome {
  nodes: Array<{ unique_id: string; name: string; path: string; sql: string }>;
  events: RunEvent[];
  compiled: Record<string, string>;
  manifest: string;
  log: string[];
}

async function observe(options: CompileOptions): Promise<Outcome> {
  const dir = options.projectDir!;
  const events: RunEvent[] = [];
  const logPath = join(dir, 'logs', 'kpi.log');
  const logBefore = existsSync(logPath) ? readFileSync(logPath, 'utf8').length : 0;
  const nodes = (await compile({ ...options, onEvent: (event) => events.push(event) })).map(({ unique_id, name, path, sql }) => ({ unique_id, name, path, sql }));
  // kpi.log is appended in batches; the process's exit writes the rest. Lines without their time and invocation id.
  await new Promise((resolve) => setTimeout(resolve, 150));
  const log = existsSync(logPath)
    ? readFileSync(logPath, 'utf8')
        .slice(logBefore)
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => line.replace(/^\S+ (\[\w+\]) \[[0-9a-f]{8}\] /, '$1 '))
    : [];
  return {
    nodes,
    events: JSON.parse(JSON.stringify(events)) as RunEvent[],
    compiled: filesUnder(join(dir, 'target', 'compiled')),
    manifest: readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')
      .replace(/"invocation_id":"[^"]*"/g, '')
      .replace(/"generated_at":"[^"]*"/g, '')
      .replace(/"created_at":[0-9.]+/g, ''),
    log,
  };
}

const MARKER: RunEvent = { type: 'diagnostic', diagnostic: { severity: 'warning', code: 'KPI_CONFIG_INVALID', message: 'planted in the replay record' } };

/** Adds a warning to the record: a compile that reports it was replayed from the record; one that does not ran the normal path. */
function plant(dir: string): void {
  const path = join(dir, RECORD);
  const record = JSON.parse(readFileSync(path, 'utf8')) as { events: RunEvent[] };
  record.events.push(MARKER);
  writeFileSync(path, JSON.stringify(record));
}
const replayed = (outcome: Outcome) => outcome.events.some((event) => event.type === 'diagnostic' && event.diagnostic.message === MARKER.diagnostic.message);

let rewrites = 0;
/**
 * A file written again with a modification time that cannot be the old one (the same size and
 * time would pass for unchanged), in the past: a file modified while a compile runs is never recorded.
 */
function rewrite(dir: string, path: string, text: string): void {
  writeFile(dir, path, text);
  const earlier = new Date(Date.now() - 60_000 - ++rewrites * 1000);
  utimesSync(join(dir, path), earlier, earlier);
}

/** A compile does not record what was written within its clock's lag before it started (compile-replay.ts). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

for (const kind of databaseKinds()) {
  describe(`the replayed unchanged compile on ${kind}`, () => {
    let db: TestDatabase;
    const dirs: string[] = [];
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
      for (const dir of dirs) removeDir(dir);
    });

    // Left out: what a compile renders every time, so never replays: incremental models (their SQL depends on their table), and
    // nodes whose renders query tables an empty schema lacks or that render-purity.ts does not call pure.
    it.each([
      // stg_orders: its ephemeral raw_orders is one render-purity.ts does not call pure.
      ['jaffle_shop', () => copyFixture('jaffle_shop'), ['stg_orders']],
      ['jaffle_shop_tested', () => copyFixture('jaffle_shop_tested'), ['stg_orders']],
      ['unit_shop', () => unitShopWithSources('replay_src'), ['order_events']],
      [
        'pkg_shop',
        pkgShopWithPackages,
        ['status_pivot', 'pkg_calendar', 'pkg_status_summary', 'all_orders', 'calendar_usage', 'cross_db', 'customer_orders', 'customer_profile', 'customer_values', 'package:kpi_utils'],
      ],
      [
        'the KPI project',
        copyKpiProject,
        [
          'agg_kpi_dashboard',
          'fact_kpi_daily',
          'kpi_thresholds',
          'kpi_status_history',
          'kpi_serving',
          'dim_date',
          'agg_daily_revenue',
          'raw_online_daily',
          'raw_club_daily',
          'raw_tasting_room_daily',
          'raw_wholesale_daily',
          'accepted_range_raw_tasting_room_daily_guests__0',
        ],
      ],
      ['a generated project with macros', () => generateProject(300), []],
      ['a generated static project', () => generateProject(300, { static: true }), []],
    ])('gives %s what the normal path gives, byte for byte', async (_, make, exclude) => {
      const dir = await make();
      dirs.push(dir);
      await settle();
      const options: CompileOptions = { projectDir: dir, targetConfig: db.target(), adapter: db.adapter, env: {}, exclude };
      // The first compile records; without the record, the normal path on the unchanged project.
      await observe(options);
      expect(existsSync(join(dir, RECORD))).toBe(true);
      rmSync(join(dir, RECORD));
      const normal = await observe(options);
      const again = await observe(options);
      expect(again).toEqual(normal);
      // It was a replay: the same conditions with a marker in the record give the marker.
      plant(dir);
      const marked = await observe(options);
      expect(replayed(marked)).toBe(true);
      expect({ ...marked, events: marked.events.slice(0, -1), log: marked.log.slice(0, -1) }).toEqual(normal);
      // A record written by a cold compile replays the same too.
      rmSync(join(dir, 'target'), { recursive: true });
      await settle();
      const cold = await observe(options);
      const fromCold = await observe(options);
      plant(dir);
      expect(replayed(await observe(options))).toBe(true);
      expect(fromCold).toEqual(cold);
      expect(fromCold.nodes).toEqual(normal.nodes);
      expect(fromCold.manifest).toBe(normal.manifest);
      expect(fromCold.compiled).toEqual(normal.compiled);
    });

    /** Models reading a var and an env var at compile time, a macro, an ephemeral, property YAML; an incremental model left out of the selection. */
    function replayProject(): string {
      const dir = makeProject({
        'kpi_project.yml': 'name: replay\nmodels:\n  replay:\n    +materialized: view\n',
        'macros/m.sql': '{% macro twice(x) %}{{ x }} * 2{% endmacro %}',
        'models/a.sql': "select {% if execute %}{{ var('m', 0) }}{% else %}0{% endif %} as m",
        'models/b.sql': "select '{% if execute %}{{ env_var('KPI_REPLAY_TEST', 'none') }}{% endif %}' as e from {{ ref('a') }}",
        'models/c.sql': 'select {{ twice(3) }} as t',
        'models/e.sql': "{{ config(materialized='ephemeral') }}select 5 as five",
        'models/f.sql': "select five from {{ ref('e') }}",
        'models/schema.yml': 'version: 2\nmodels:\n  - name: c\n    description: twice three\n',
        'incremental/d.sql': "{{ config(materialized='incremental') }}select 1 as id{% if is_incremental() %} where false{% endif %}",
      });
      dirs.push(dir);
      return dir;
    }
    const replayProjectSettled = async (): Promise<string> => {
      const dir = replayProject();
      await settle();
      return dir;
    };
    const sqlOf = (outcome: Outcome, name: string) => outcome.nodes.find((node) => node.name === name)?.sql;

    it('falls back to the normal path on each kind of change, and replays the result of that', async () => {
      const dir = await replayProjectSettled();
      const options: CompileOptions = { projectDir: dir, targetConfig: db.target(), adapter: db.adapter, env: {}, vars: { m: 1 } };
      /** Compile, plant a marker, make the change, compile: the change's compile must not be a replay, and must be what the normal path gives. */
      const afterChange = async (change: () => void, changed: CompileOptions = options): Promise<Outcome> => {
        await observe(options);
        plant(dir);
        expect(replayed(await observe(options))).toBe(true);
        plant(dir);
        change();
        const outcome = await observe(changed);
        expect(replayed(outcome)).toBe(false);
        // And with that change in place, the next compile is a replay of it.
        plant(dir);
        const next = await observe(changed);
        expect(replayed(next)).toBe(true);
        expect({ ...next, events: next.events.slice(0, -1), log: next.log.slice(0, -1) }).toEqual(outcome);
        return outcome;
      };

      const editedModel = await afterChange(() => rewrite(dir, 'models/c.sql', 'select {{ twice(4) }} as t'));
      expect(sqlOf(editedModel, 'c')).toBe('select 4 * 2 as t');

      const editedMacro = await afterChange(() => rewrite(dir, 'macros/m.sql', '{% macro twice(x) %}{{ x }} + {{ x }}{% endmacro %}'));
      expect(sqlOf(editedMacro, 'c')).toBe('select 4 + 4 as t');

      const editedProperties = await afterChange(() => rewrite(dir, 'models/schema.yml', 'version: 2\nmodels:\n  - name: c\n    description: twice four\n'));
      expect(editedProperties.manifest).toContain('"description":"twice four"');

      const newFile = await afterChange(() => rewrite(dir, 'models/g.sql', 'select 7 as seven'));
      expect(sqlOf(newFile, 'g')).toBe('select 7 as seven');

      const deletedFile = await afterChange(() => rmSync(join(dir, 'models/g.sql')));
      expect(sqlOf(deletedFile, 'g')).toBeUndefined();
      expect(deletedFile.nodes.map((node) => node.name)).toEqual(editedProperties.nodes.map((node) => node.name));

      const newVars = await afterChange(() => undefined, { ...options, vars: { m: 2 } });
      expect(sqlOf(newVars, 'a')).toBe('select 2 as m');

      const newEnv = await afterChange(() => undefined, { ...options, env: { KPI_REPLAY_TEST: 'set' } });
      expect(sqlOf(newEnv, 'b')).toContain("'set' as e");

      const otherSelector = await afterChange(() => undefined, { ...options, select: ['c'] });
      expect(otherSelector.nodes.map((node) => node.name)).toEqual(['c']);

      const otherSchema = db.target();
      const otherTarget = await afterChange(() => undefined, { ...options, targetConfig: otherSchema });
      expect(sqlOf(otherTarget, 'b')).toContain(`"${otherSchema.schema}"."a"`);

      const otherFlags = await afterChange(() => undefined, { ...options, empty: true });
      expect(sqlOf(otherFlags, 'b')).toContain('limit 0');

      // kpi's own files: the built-in macros (include/macros), which every parse reads.
      const builtin = readdirSync(join(REPO_ROOT, 'include', 'macros'), { recursive: true, withFileTypes: true }).find((entry) => entry.isFile())!;
      const builtinPath = join(builtin.parentPath, builtin.name);
      const { atime, mtime } = statSync(builtinPath);
      try {
        await afterChange(() => utimesSync(builtinPath, atime, new Date(mtime.getTime() + 1000)));
      } finally {
        utimesSync(builtinPath, atime, mtime);
      }

      // An edited manifest.json (written whole by a parse) and a deleted compiled file (written again).
      const manifestEdited = await afterChange(() => writeFileSync(join(dir, 'target', 'manifest.json'), '{}'));
      expect(manifestEdited.manifest).toBe(deletedFile.manifest);
      const compiledPath = join(dir, editedModel.nodes.find((node) => node.name === 'c')!.path);
      await afterChange(() => rmSync(compiledPath));
      expect(readFileSync(compiledPath, 'utf8')).toBe('select 4 + 4 as t');
    });

    it.each([
      // The same size as before: only its time can tell the edit.
      ['a model', 'models/c.sql', 'select {{ twice(5) }} as t', (next: Outcome) => expect(sqlOf(next, 'c')).toBe('select 5 * 2 as t')],
      ['a macro', 'macros/m.sql', '{% macro twice(x) %}{{ x }} * 3{% endmacro %}', (next: Outcome) => expect(sqlOf(next, 'c')).toBe('select 3 * 3 as t')],
      ['a property file', 'models/schema.yml', 'version: 2\nmodels:\n  - name: c\n    description: twice four\n', (next: Outcome) => expect(next.manifest).toContain('"description":"twice four"')],
    ])('compiles anew after %s edited while the last compile ran, after its parse had read it', async (_, path, text, check) => {
      const dir = await replayProjectSettled();
      // A key kpi does not know is a warning: an event the compile emits once its parse has read every file, before it records.
      rewrite(dir, 'models/h.sql', '{{ config(kpi_unknown_setting=1) }}select 1 as h');
      const options: CompileOptions = { projectDir: dir, targetConfig: db.target(), adapter: db.adapter, env: {}, vars: { m: 1 } };
      let edited = false;
      await compile({
        ...options,
        onEvent: (event) => {
          if (event.type !== 'diagnostic' || edited) return;
          edited = true;
          // A time before the compile started, as a restore from an archive or a copy keeping times gives.
          rewrite(dir, path, text);
        },
      });
      expect(edited).toBe(true);
      check(await observe(options));
    });

    it('never replays an incremental model (its SQL depends on its table)', async () => {
      const dir = await replayProjectSettled();
      rewrite(dir, 'kpi_project.yml', 'name: replay\nmodel-paths: [models, incremental]\nmodels:\n  replay:\n    +materialized: view\n');
      const options: CompileOptions = { projectDir: dir, targetConfig: db.target(), adapter: db.adapter, env: {} };
      await observe(options);
      expect(existsSync(join(dir, RECORD))).toBe(false);
      // Without it selected, the rest is replayed.
      const rest: CompileOptions = { ...options, exclude: ['d'] };
      await observe(rest);
      plant(dir);
      expect(replayed(await observe(rest))).toBe(true);
      // A compile that cannot be replayed leaves no record behind.
      await observe(options);
      expect(existsSync(join(dir, RECORD))).toBe(false);
    });

    it('prints, through the CLI, what the normal path prints', async () => {
      const dir = generateProject(200, { static: true });
      dirs.push(dir);
      writeFile(dir, 'profiles.yml', profileYaml('bench', kind, uniqueSchema('replay')));
      writeFile(dir, 'kpi_project.yml', `${readFileSync(join(dir, 'kpi_project.yml'), 'utf8')}profile: bench\n`);
      await settle();
      const run = async (...args: string[]) => {
        const result = await kpi(['compile', '--project-dir', dir, '--profiles-dir', dir, ...args], { cwd: dir });
        expect(result.code).toBe(0);
        return result;
      };
      for (const args of [[], ['--select', 'm_150'], ['--select', '+m_150', '--quiet']]) {
        // The first compile on the embedded database reports its creation, so records nothing; the second then does.
        await run(...args);
        rmSync(join(dir, RECORD), { force: true });
        const normal = await run(...args);
        expect(existsSync(join(dir, RECORD))).toBe(true);
        const again = await run(...args);
        expect(again.stdout).toBe(normal.stdout);
        expect(again.stderr).toBe(normal.stderr);
        plant(dir);
        const logPath = join(dir, 'logs', 'kpi.log');
        const logged = () => (existsSync(logPath) ? readFileSync(logPath, 'utf8').split(MARKER.diagnostic.message).length - 1 : 0);
        const before = logged();
        const marked = await run(...args);
        // The marker went to the log (and, not --quiet, to the terminal): a replay. Warnings are printed with the time of day.
        expect(logged()).toBe(before + 1);
        expect(
          marked.stdout
            .split('\n')
            .filter((line) => !line.includes(MARKER.diagnostic.message))
            .join('\n'),
        ).toBe(normal.stdout);
        expect(marked.stdout.includes(MARKER.diagnostic.message)).toBe(!args.includes('--quiet'));
      }
    });

    it('ignores a damaged record', async () => {
      const dir = await replayProjectSettled();
      const options: CompileOptions = { projectDir: dir, targetConfig: db.target(), adapter: db.adapter, env: {}, vars: { m: 1 } };
      await observe(options);
      rmSync(join(dir, RECORD));
      const normal = await observe(options);
      const record = JSON.parse(readFileSync(join(dir, RECORD), 'utf8')) as Record<string, unknown>;
      for (const damaged of [
        '{ "format": "not json',
        '[]',
        JSON.stringify({ ...record, nodes: 'none' }),
        JSON.stringify({ ...record, nodes: [['target', 'model.replay.a', 'a\nb', 'a.sql']] }),
        JSON.stringify({ ...record, files: { dirs: [['.', 'x', '', []]], absent: [] } }),
        JSON.stringify({ ...record, files: { dirs: [['models', null, 'a.sql\nb.sql', [1, 2]]], absent: [] } }),
      ]) {
        writeFileSync(join(dir, RECORD), damaged);
        expect(await observe(options)).toEqual(normal);
      }
    });
  });
}
