import { describe, expect, it } from 'vitest';
import type { QueryResult } from '../../src/adapters/adapter.js';
import { renderForTest } from '../helpers/render.js';

/**
 * A query answered the way both adapters answer (adapters/type-parsers.ts): date, timestamp,
 * timestamptz and numeric as the text Postgres prints, float8 as a number, jsonb parsed.
 * Expected values are what dbt-postgres hands templates (psycopg2 values through agate).
 */
const FIELDS = [
  { name: 'n', dataTypeID: 1700 },
  { name: 'd', dataTypeID: 1082 },
  { name: 'ts', dataTypeID: 1114 },
  { name: 'tz', dataTypeID: 1184 },
  { name: 'f', dataTypeID: 701 },
  { name: 'j', dataTypeID: 3802 },
  { name: 'big', dataTypeID: 1700 },
  { name: 'none', dataTypeID: 1700 },
  { name: 't', dataTypeID: 1083 },
];
const ROW = {
  n: '1.50',
  d: '2024-01-02',
  ts: '2024-01-02 03:04:05.123456',
  tz: '2026-12-05 19:02:16.123456+00',
  f: 2,
  j: { a: 1, b: [true, null] },
  big: '12345678901234567890.1',
  none: null,
  t: '13:45:00',
};

async function query(): Promise<QueryResult> {
  return { rows: [ROW], fields: FIELDS, rowCount: 1, command: 'SELECT' } as unknown as QueryResult;
}

const render = (template: string) => renderForTest(`{% set row = run_query('select ...').rows[0] %}${template}`, { host: { query } });

describe('run_query and load_result values are the Python values dbt gives', () => {
  it('prints each type as Python prints it', async () => {
    expect(await render('{{ row.n }}|{{ row.d }}|{{ row.ts }}|{{ row.tz }}|{{ row.f }}|{{ row.j }}|{{ row.big }}|{{ row.t }}|{{ "y" if row.none is none }}')).toBe(
      '1.50|2024-01-02|2024-01-02 03:04:05.123456|2026-12-05 19:02:16.123456+00:00|2.0|{"a": 1, "b": [true, null]}|12345678901234567890.1|13:45:00|y',
    );
    expect(await render('{{ [row.n, row.d, row.tz] | string }}')).toBe("[Decimal('1.50'), datetime.date(2024, 1, 2), datetime.datetime(2026, 12, 5, 19, 2, 16, 123456, tzinfo=datetime.timezone.utc)]");
  });

  it('computes with Decimals as Python does: exact, scale kept, 28 digits when a quotient does not end', async () => {
    expect(await render('{{ row.n + 1 }}|{{ row.n * 2 }}|{{ row.n - 2 }}|{{ -row.n }}|{{ row.n / 3 }}|{{ row.n / 7 }}|{{ row.big + row.n }}|{{ [row.n, 1] | sum }}')).toBe(
      '2.50|3.00|-0.50|-1.50|0.50|0.2142857142857142857142857143|12345678901234567891.60|2.50',
    );
    const yes = (test: string) => `{{ 'y' if ${test} else 'n' }}`;
    expect(
      await render(
        ['row.n == 1.5', 'row.n > 1', 'row.n < 1', 'row.n is number', 'row.n'].map(yes).join('') + "|{{ row.n | int }}|{{ row.n | float }}|{{ '%.1f' % row.n }}|{{ '{:.3f}'.format(row.n) }}",
      ),
    ).toBe('yynyy|1|1.5|1.5|1.500');
    const error = await render('{{ row.n + 0.5 }}').catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/unsupported operand type\(s\) for \+: 'decimal.Decimal' and 'float'/);
  });

  it('has dates and datetimes with their attributes, methods, arithmetic and comparisons', async () => {
    expect(
      await render(
        "{{ row.d.year }}|{{ row.d.strftime('%d/%m') }}|{{ row.d + modules.datetime.timedelta(days=1) }}|{{ 'y' if row.d == modules.datetime.date(2024, 1, 2) else 'n' }}|{{ 'y' if row.d > modules.datetime.date(2024, 1, 1) else 'n' }}" +
          "|{{ row.ts.microsecond }}|{{ 'naive' if row.ts.tzinfo is none }}|{{ row.tz.tzinfo }}|{{ row.tz.astimezone(modules.pytz.timezone('America/New_York')) }}|{{ (row.tz - modules.datetime.datetime(2026, 12, 5, tzinfo=modules.pytz.utc)).seconds }}",
      ),
    ).toBe('2024|02/01|2024-01-03|y|y|123456|naive|UTC|2026-12-05 14:02:16.123456-05:00|68536');
  });

  it('gives the same values through load_result and adapter.execute', async () => {
    const macros = {
      'm.sql': "{% macro first() %}{% call statement('x', fetch_result=True) %}select 1{% endcall %}{{ return(load_result('x')['data'][0]) }}{% endmacro %}",
    };
    expect(
      await renderForTest("{{ first()[0] }}|{{ first()[1] + modules.datetime.timedelta(days=1) }}|{{ adapter.execute('select 1', fetch=True)[1].columns['n'].values()[0] * 2 }}", {
        macros,
        host: { query },
      }),
    ).toBe('1.50|2024-01-03|3.00');
  });
});
