import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, parse, run } from '../../src/api.js';
import { KpiError } from '../../src/errors.js';
import type { KpiThresholds } from '../../src/thresholds/threshold-settings.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { makeProject, REPO_ROOT, removeDir, writeFile } from '../helpers/fixtures.js';

const THRESHOLDS = `# Dev is twitchier than prod.
defaults:
  k: 2.5
  policy: {yellow: 1, red: 2}
targets:
  prod:
    defaults:
      k: 3
    kpis:
      LEADS:
        critical: {below: 40}
kpis:
  LEADS:
    mode: static
    warning: {below: 80}
    critical: {below: 50}
  TR_WINE:
    warning: {below_pct_of_avg7: 0.85}
    exclude_red_from_baseline: true
`;

/** A KPI project whose model turns kpi_thresholds into a table through the repo's own macro. */
function thresholdsProject(thresholds = THRESHOLDS): string {
  return makeProject({
    'kpi_project.yml': 'name: kpi_mart\nthresholds: config/thresholds.yml\n',
    'config/thresholds.yml': thresholds,
    'seeds/dim_kpi.csv': "kpi_id,kpi_code,kpi_name,sort_order\n1,TR_WINE,TR Wine,1\n2,TR_FEES,TR Fees,2\n7,LEADS,Leads,3\n8,O'NEIL,A code with a quote,4\n",
    'macros/kpi_thresholds_table.sql': readFileSync(join(REPO_ROOT, 'macros/kpi_thresholds_table.sql'), 'utf8'),
    'models/kpi_threshold_settings.sql': "{{ config(materialized='table') }}\n{{ kpi_thresholds_table() }}",
    'models/kpi_settings_by_id.sql': "select d.kpi_id, t.k, t.mode from {{ ref('dim_kpi') }} as d join ({{ kpi_thresholds_table() }}) as t using (kpi_code)",
    'models/threshold_count.sql': "select {{ kpi_thresholds | length }} as kpis, '{{ (kpi_thresholds | selectattr('kpi_code', 'equalto', 'LEADS') | first).mode }}' as leads_mode",
  });
}

async function parseError(dir: string): Promise<KpiError> {
  const error = await parse({ projectDir: dir, targetConfig: { type: 'pglite', name: 'dev', profileName: 'test', schema: 's', threads: 1, path: null } }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(KpiError);
  return error as KpiError;
}

for (const kind of databaseKinds()) {
  describe(`kpi_thresholds in templates on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    it('renders the resolved settings of every dim_kpi code into a table, per target', async () => {
      const dir = thresholdsProject();
      const target = db.target();
      const summary = await build({ projectDir: dir, targetConfig: target, adapter: db.adapter });
      expect(summary.results.map((result) => [result.unique_id, result.status]).sort()).toEqual([
        ['model.kpi_mart.kpi_settings_by_id', 'success'],
        ['model.kpi_mart.kpi_threshold_settings', 'success'],
        ['model.kpi_mart.threshold_count', 'success'],
        ['seed.kpi_mart.dim_kpi', 'success'],
      ]);
      // Every KPI of the loaded seed finds its settings: the list covers dim_kpi, not only the overridden codes.
      expect(await db.query(`select kpi_id, k, mode from "${target.schema}".kpi_settings_by_id order by kpi_id`)).toEqual([
        { kpi_id: 1, k: 2.5, mode: 'dynamic' },
        { kpi_id: 2, k: 2.5, mode: 'dynamic' },
        { kpi_id: 7, k: 2.5, mode: 'static' },
        { kpi_id: 8, k: 2.5, mode: 'dynamic' },
      ]);
      const rows = await db.query<Record<string, unknown>>(`select * from "${target.schema}".kpi_threshold_settings order by kpi_code`);
      expect(rows.map((row) => row.kpi_code)).toEqual(['LEADS', "O'NEIL", 'TR_FEES', 'TR_WINE']);
      const byCode = Object.fromEntries(rows.map((row) => [row.kpi_code, row]));
      expect(byCode.LEADS).toMatchObject({ mode: 'static', k: 2.5, warning_below: 80, critical_below: 50, policy_yellow: 1, policy_red: 2, min_history: 7 });
      expect(byCode.TR_WINE).toMatchObject({ mode: 'dynamic', warning_below: null, warning_below_pct_of_avg7: 0.85, exclude_red_from_baseline: true, pct_change_vs: 'previous_day' });
      expect(byCode.TR_FEES).toMatchObject({ k: 2.5, z_score_lim: 3, percent_drop: 0.5, min_rel_spread: 0.05, min_abs_spread: 0, min_base: 1, clear_days: 1, exclude_red_from_baseline: false });
      // The hash in the table is the one the engine computed for that KPI.
      const parsed = await parse({ projectDir: dir, targetConfig: target });
      const listed = parsed.templateGlobals.kpi_thresholds as KpiThresholds[];
      for (const entry of listed) expect(byCode[entry.kpi_code].config_hash).toBe(entry.config_hash);
      expect(new Set(rows.map((row) => row.config_hash)).size).toBe(3);
      expect(await db.query(`select * from "${target.schema}".threshold_count`)).toEqual([{ kpis: 4, leads_mode: 'static' }]);

      // prod's overrides: its defaults (k: 3) under LEADS' own settings, and its LEADS critical on top.
      const prod = { ...db.target(), name: 'prod' };
      await run({ projectDir: dir, targetConfig: prod, adapter: db.adapter, select: ['kpi_threshold_settings'] });
      const prodRows = await db.query<Record<string, unknown>>(`select kpi_code, k, warning_below, critical_below, config_hash from "${prod.schema}".kpi_threshold_settings order by kpi_code`);
      expect(prodRows.map((row) => [row.kpi_code, row.k, row.warning_below, row.critical_below])).toEqual([
        ['LEADS', 3, 80, 40],
        ["O'NEIL", 3, null, null],
        ['TR_FEES', 3, null, null],
        ['TR_WINE', 3, null, null],
      ]);
      expect(prodRows[0].config_hash).not.toBe(byCode.LEADS.config_hash);
      removeDir(dir);
    });

    it('keeps partial parse while the thresholds are unchanged, and renders the new values when they change', async () => {
      const dir = thresholdsProject();
      const target = db.target();
      expect((await parse({ projectDir: dir, targetConfig: target })).parseStats).toEqual({ reused: 0, parsed: 4 });
      expect((await parse({ projectDir: dir, targetConfig: target })).parseStats).toEqual({ reused: 4, parsed: 0 });

      writeFile(dir, 'config/thresholds.yml', THRESHOLDS.replace('k: 2.5', 'k: 1.75'));
      const changed = await parse({ projectDir: dir, targetConfig: target });
      expect(changed.parseStats.reused).toBe(0);
      expect((changed.templateGlobals.kpi_thresholds as KpiThresholds[]).map((entry) => entry.k)).toEqual([1.75, 1.75, 1.75, 1.75]);
      await run({ projectDir: dir, targetConfig: target, adapter: db.adapter, select: ['kpi_threshold_settings'] });
      expect(await db.query(`select distinct k from "${target.schema}".kpi_threshold_settings`)).toEqual([{ k: 1.75 }]);
      expect((await parse({ projectDir: dir, targetConfig: target })).parseStats).toEqual({ reused: 4, parsed: 0 });
      removeDir(dir);
    });
  });
}

describe('a bad thresholds configuration stops the parse', () => {
  it('with the code, the file:line:col and the dotted path of the first problem, and every other problem after it', async () => {
    const dir = thresholdsProject(THRESHOLDS.replace('  k: 2.5', '  k: -1').replace('  TR_WINE:', '  TR_WNE:'));
    const error = await parseError(dir);
    expect(error).toMatchObject({ code: 'KPI_THRESHOLDS_INVALID', location: { file: 'config/thresholds.yml', line: 3, column: 3 } });
    expect(error.message).toBe(
      [
        "'defaults.k' must be a number above 0, got -1",
        "KPI_THRESHOLDS_INVALID: config/thresholds.yml:17:3: 'kpis.TR_WNE': 'TR_WNE' is not a kpi_code of dim_kpi (seeds/dim_kpi.csv). Did you mean 'TR_WINE'?",
        '  hint: thresholds are set by kpi_code; add the KPI to the dim_kpi seed first',
      ].join('\n'),
    );

    writeFile(dir, 'config/thresholds.yml', THRESHOLDS.replace('  TR_WINE:', '  TR_WNE:'));
    const unknownCode = await parseError(dir);
    expect(unknownCode).toMatchObject({ code: 'KPI_THRESHOLDS_INVALID', location: { file: 'config/thresholds.yml', line: 17, column: 3 } });
    expect(unknownCode.message).toBe("'kpis.TR_WNE': 'TR_WNE' is not a kpi_code of dim_kpi (seeds/dim_kpi.csv). Did you mean 'TR_WINE'?");

    writeFile(dir, 'config/thresholds.yml', 'defaults:\n  k: [1\n');
    const syntax = await parseError(dir);
    expect(syntax).toMatchObject({ code: 'KPI_YAML_INVALID', location: { file: 'config/thresholds.yml', line: 3 } });

    writeFile(dir, 'kpi_project.yml', 'name: kpi_mart\n\nthresholds: config/threshold.yml\n');
    const missing = await parseError(dir);
    expect(missing).toMatchObject({ code: 'KPI_THRESHOLDS_INVALID', location: { file: 'kpi_project.yml', line: 3, column: 1 } });
    expect(missing.message).toBe("the thresholds file 'config/threshold.yml' does not exist");
    removeDir(dir);
  });

  it('when dim_kpi has no kpi_code column to check codes against', async () => {
    const dir = thresholdsProject();
    writeFile(dir, 'seeds/dim_kpi.csv', 'kpi_id,code\n1,TR_WINE\n');
    const error = await parseError(dir);
    expect(error).toMatchObject({ code: 'KPI_THRESHOLDS_INVALID', location: { file: 'seeds/dim_kpi.csv', line: 1 } });
    expect(error.message).toBe('seeds/dim_kpi.csv has no kpi_code column, which thresholds are keyed by');
    removeDir(dir);
  });
});
