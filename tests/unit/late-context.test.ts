import { describe, expect, it } from 'vitest';
import { KpiError } from '../../src/errors.js';
import { renderForTest } from '../helpers/render.js';

/** Names a render builds on its first lookup (node-context.ts, lateContext), not for every render. */
const LATE = [
  'invocation_id',
  'run_started_at',
  'flags',
  'dbt_version',
  'kpi_version',
  'selected_resources',
  'parallel_part',
  'run_query',
  'statement',
  'load_result',
  'store_result',
  'store_raw_result',
  'load_relation',
  'adapter',
  'log',
  'print',
  'exceptions',
  'try_or_compiler_error',
  'return',
  'doc',
  'graph',
  'builtins',
];

describe('context names built when a template looks them up', () => {
  it('are defined in a model and in a macro it calls', async () => {
    const tests = LATE.map((name) => `{{ ${name} is defined }}`).join(',');
    const macros = { 'm.sql': `{% macro probe() %}${tests}{% endmacro %}` };
    const expected = LATE.map(() => 'true').join(',');
    expect(await renderForTest(`${tests}|{{ probe() }}`, { macros })).toBe(`${expected}|${expected}`);
  });

  it('behave as before: values, a macro returning, results stored and loaded, the dbt namespace', async () => {
    const logged: string[] = [];
    const sql = await renderForTest(
      "{{ invocation_id }}|{{ run_started_at.year }}|{{ dbt_version }}|{{ doc('d') }}|{{ builtins.ref('m') }}|{{ twice(3) }}|{{ log('to the log') }}{{ dbt.print('printed') }}" +
        "|{% do store_raw_result('r', message='OK 2', code='OK', rows_affected=2) %}{{ load_result('r').response.rows_affected }}|{{ load_result('missing') is none }}|{{ graph.nodes | length }}",
      {
        macros: { 'm.sql': '{% macro twice(n) %}{{ return(n * 2) }}{% endmacro %}' },
        host: { log: (message) => logged.push(message), graph: () => ({ nodes: { a: {}, b: {} } }) },
      },
    );
    expect(sql).toBe('test|2025|1.8.0|doc:d|"sandbox"."m"|6||2|true|2');
    expect(logged).toEqual(['to the log', 'printed']);
  });

  it('give way to a name the template sets, as a Jinja set shadows a global', async () => {
    expect(await renderForTest("{% set log = 'mine' %}{{ log }}|{% set graph = {'nodes': {}} %}{{ graph.nodes | length }}")).toBe('mine|0');
  });

  it('are one object for the whole render, and the graph is built only when read', async () => {
    let graphs = 0;
    const host = { graph: () => ((graphs += 1), { nodes: {} }) };
    expect(await renderForTest('{% set a = adapter %}{{ a is sameas adapter }}|{{ exceptions is sameas exceptions }}', { host })).toBe('true|true');
    expect(graphs).toBe(0);
    expect(await renderForTest('{{ graph.nodes | length }}{{ graph.nodes | length }}', { host })).toBe('00');
    expect(graphs).toBe(1);
  });

  it('raise typed errors from a late name, in a model and in a macro', async () => {
    const macros = { 'm.sql': "{% macro fail() %}{{ exceptions.raise_compiler_error('from the macro') }}{% endmacro %}" };
    await expect(renderForTest("{{ exceptions.raise_compiler_error('from the model') }}", { macros })).rejects.toMatchObject({
      code: 'KPI_COMPILER_ERROR',
      message: expect.stringContaining('from the model'),
    });
    const failure = await renderForTest('{{ fail() }}', { macros }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KpiError);
    expect((failure as KpiError).message).toContain('from the macro');
  });
});
