import { describe, expect, it } from 'vitest';
import type { QueryResult } from '../../src/adapters/adapter.js';
import { Relation } from '../../src/adapters/relation.js';
import { renderForTest } from '../helpers/render.js';

describe('dbt context names kpi lacked', () => {
  it("renders relation.information_schema(view) as dbt-adapters' InformationSchema does", async () => {
    const host = { thisRelation: Relation.create('sandbox', 'this_model', 'table', 'analytics') };
    expect(
      await renderForTest("{{ this.information_schema('columns') }}|{{ this.information_schema() }}|{{ api.Relation.create(schema='s', identifier='t').information_schema('tables') }}", { host }),
    ).toBe('"analytics".INFORMATION_SCHEMA.columns|"analytics".INFORMATION_SCHEMA|INFORMATION_SCHEMA.tables');
  });

  it('renders a relation with only some parts as dbt does: the parts it has, dotted (the database left out, as kpi always does)', async () => {
    // dbt-codegen builds `api.Relation.create(database=..., schema=...)` and writes `{{ relation }}.table_name`.
    expect(
      await renderForTest(
        "{{ api.Relation.create(database='db', schema='raw') }}.t|{{ api.Relation.create(identifier='only_t') }}|{{ api.Relation.create(schema='s', identifier='t') }}|{{ api.Relation.create(database='db') }}|",
      ),
    ).toBe('"raw".t|"only_t"|"s"."t"||');
  });

  it("has dbt's Column class as api.Column", async () => {
    expect(
      await renderForTest(
        "{% set c = api.Column('Name', 'character varying', 20) %}{{ c.name }}|{{ c.column }}|{{ c.dtype }}|{{ c.data_type }}|{{ c.quoted }}|{{ c.is_string() }}|{{ c.string_size() }}|{{ c }}" +
          "|{% set n = api.Column(column='amount', dtype='numeric', numeric_precision=10, numeric_scale=2) %}{{ n.data_type }}|{{ n.is_number() }}|{{ n.is_numeric() }}|{{ n.is_string() }}" +
          "|{{ api.Column('i', 'integer').is_integer() }}|{{ api.Column('t', 'text').data_type }}|{{ api.Column.create('s', 'string').data_type }}",
      ),
    ).toBe('Name|Name|character varying|character varying(20)|"Name"|true|20|<Column Name (character varying(20))>|numeric(10,2)|true|true|false|true|text|TEXT');
  });

  it('records a set_sql_header call block as the sql_header config while parsing', async () => {
    const configs: Array<Record<string, unknown>> = [];
    const host = { execute: false, setConfig: (values: Record<string, unknown>) => void configs.push(values) };
    expect(await renderForTest("{% call set_sql_header(config) %}set local work_mem = '64MB';{% endcall %}select 1", { host })).toBe('select 1');
    expect(configs).toEqual([{ sql_header: "set local work_mem = '64MB';" }]);
    expect(typeof configs[0].sql_header).toBe('string');
  });

  it('reads the columns of a relation made with api.Relation.create from a schema name a macro rendered', async () => {
    const params: unknown[][] = [];
    const query = async (_sql: string, values?: unknown[]) => {
      params.push(values ?? []);
      // The row as the catalog's columns query returns it (adapters/catalog/relation-columns.ts).
      const rows = [
        { column_name: 'id', column_position: 1, column_type: 'integer', column_comment: null, standard_type: 'integer', character_maximum_length: null, numeric_precision: 32, numeric_scale: 0 },
      ];
      return { rows, fields: Object.keys(rows[0]).map((name) => ({ name })), rowCount: 1, command: 'SELECT' } as unknown as QueryResult;
    };
    const macros = { 'm.sql': '{% macro scratch_schema() %}{{ target.schema }}_scratch{% endmacro %}' };
    const sql = await renderForTest(
      "{% set r = api.Relation.create(schema=scratch_schema(), identifier='events') %}{% for c in adapter.get_columns_in_relation(r) %}{{ c.name }} {{ c.data_type }}{% endfor %}|{{ r }}",
      { macros, host: { query } },
    );
    expect(sql).toBe('id integer|"sandbox_scratch"."events"');
    // The relation reaches the driver as plain text (a macro's output is a SafeString object).
    expect(params).toHaveLength(1);
    expect(params[0].every((value) => typeof value === 'string')).toBe(true);
    expect(params[0]).toContain('sandbox_scratch');
  });
});
