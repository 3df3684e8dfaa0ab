import { Relation } from '../../src/adapters/relation.js';
import type { ProjectConfig } from '../../src/config/project-file.js';
import { builtinMacros, macrosFromFiles } from '../../src/project/load-macros.js';
import { ProjectRuntime } from '../../src/template/project-runtime.js';
import type { ContextHost } from '../../src/template/node-context.js';
import { renderTemplate } from '../../src/template/render-template.js';
import { makeProject, removeDir } from './fixtures.js';
import { discoverFiles } from '../../src/project/discover-files.js';

export interface RenderOptions {
  /** Macro files of the project (`test_project`): path → content. */
  macros?: Record<string, string>;
  /** Macro files of installed packages: package name → path → content. */
  packages?: Record<string, Record<string, string>>;
  dispatch?: ProjectConfig['dispatch'];
  host?: Partial<ContextHost>;
}

/** Render template text the way a model renders, with macros from `macroFiles`, no database. */
export async function renderForTest(source: string, options: RenderOptions = {}): Promise<string> {
  const dir = makeProject(options.macros ?? {});
  const packageDirs = Object.entries(options.packages ?? {}).map(([name, files]) => [name, makeProject(files)] as const);
  try {
    const macros = [
      ...builtinMacros(),
      ...macrosFromFiles(discoverFiles(dir, ['.'], ['.sql']), 'test_project'),
      ...packageDirs.flatMap(([name, packageDir]) => macrosFromFiles(discoverFiles(packageDir, ['.'], ['.sql']), name)),
    ];
    const runtime = new ProjectRuntime({ name: 'test_project', dispatch: options.dispatch ?? [] } as unknown as ProjectConfig, macros);
    const host: ContextHost = {
      execute: true,
      packageName: 'test_project',
      cliVars: {},
      projectVars: { answer: 42 },
      env: { KPI_TEST_VALUE: 'from-env' },
      target: { name: 'dev', schema: 'sandbox', type: 'postgres', adapter: 'pglite', database: 'postgres', threads: 1, profile_name: 'test' },
      invocationId: 'test',
      runStartedAt: new Date('2025-03-31T12:00:00Z'),
      flags: {},
      ref: (name) => Relation.create('sandbox', name, 'table'),
      source: (sourceName, table) => Relation.create(sourceName, table, 'table'),
      setConfig: () => undefined,
      getConfig: () => undefined,
      thisRelation: Relation.create('sandbox', 'this_model', 'table'),
      model: { unique_id: 'model.test_project.this_model', name: 'this_model' },
      isIncremental: () => false,
      doc: (name) => `doc:${name}`,
      graph: () => ({}),
      log: () => undefined,
      ...options.host,
    };
    return await renderTemplate(runtime, runtime.template(`test:${source}`, source, 'models/test.sql'), host, 'models/test.sql');
  } finally {
    removeDir(dir);
    for (const [, packageDir] of packageDirs) removeDir(packageDir);
  }
}
