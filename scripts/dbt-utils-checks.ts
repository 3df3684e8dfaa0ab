/**
 * What scripts/check-dbt-utils.ts builds: a scratch project's seeds, models and tests, each
 * calling a dbt-utils macro or generic test the way its README shows, and the answer each
 * must give on Postgres. Nothing here is dbt-utils' code: only calls to it, and expectations
 * worked out by hand (or by Postgres itself, in the same query).
 */

export type Row = Record<string, unknown>;

/** Read rows of the scratch schema; `$schema` in the SQL is the quoted schema name. */
export type Query = (sql: string) => Promise<Row[]>;

export interface Check {
  /** What the table's row is called: the macro or test checked. */
  name: string;
  /** Files of the scratch project this check adds (path → content). */
  files: Record<string, string>;
  /** The nodes whose results decide the check, with the status each must reach. */
  nodes: Array<{ id: string; status: 'success' | 'pass' | 'warn' | 'fail' | 'error'; failures?: number; message?: RegExp }>;
  /** The project must fail to parse with this message (a compile error raised while parsing stops a dbt parse too). */
  parseError?: RegExp;
  /** Further checks on what the database holds; returns what is wrong, or null. */
  verify?: (query: Query) => Promise<string | null>;
}

const SEEDS: Record<string, string> = {
  'seeds/data_star.csv': 'field_1,field_2,field_3\na,b,c\nd,e,f\n',
  'seeds/data_keys.csv': 'id,a,b\n1,1,x\n2,2,\n3,,y\n',
  'seeds/data_events.csv': 'id,kind,amount\n1,click,10\n2,view,0\n3,click,25\n4,buy,99\n5,view,100\n6,buy,150\n',
  'seeds/data_pivot.csv': "size,color\nS,red\nS,blue\nS,red\nM,red\nM,o'range\n",
  'seeds/data_unpivot.csv': 'id,name,active\n1,ann,true\n2,bob,false\n',
  'seeds/data_union_a.csv': 'id,name\n1,a\n2,b\n',
  'seeds/data_union_b.csv': 'id,name,extra\n3,c,x\n',
  'seeds/data_dedup.csv': 'user_id,version,value\n1,1,old\n1,2,new\n2,1,only\n',
  'seeds/data_sequence.csv': 'n,grp\n1,a\n2,a\n3,a\n1,b\n2,b\n',
  'seeds/data_sequence_gap.csv': 'n\n1\n2\n4\n5\n',
  'seeds/data_ranges.csv': 'lo,hi\n0,5\n5,10\n10,12\n',
  'seeds/data_ranges_overlap.csv': 'lo,hi\n0,5\n4,10\n',
  'seeds/data_parents.csv': 'id,kind\n1,live\n2,live\n3,dead\n',
  'seeds/data_children.csv': 'id,parent_id\n10,1\n11,2\n12,3\n13,9\n',
  'seeds/data_old.csv': 'id,loaded_at\n1,2020-01-01 00:00:00\n',
  'seeds/data_urls.csv': 'url\nhttps://www.example.com/shop/cart?utm_source=mail&item=7\nhttp://example.org/?utm_source=ads\n',
};

function model(name: string, sql: string): Record<string, string> {
  return { [`models/${name}.sql`]: sql };
}

function rowsEqual(actual: Row[], expected: Row[]): string | null {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  return a === b ? null : `expected ${b}, got ${a}`;
}

const id = (kind: 'model' | 'seed', name: string) => `${kind}.utils_check.${name}`;
const test = (name: string, status: 'pass' | 'warn', failures?: number) => ({ id: `test.utils_check.${name}.`, status, failures });

/** Each dbt-utils SQL macro, used as documented, and the rows it must produce. */
export const MACRO_CHECKS: Check[] = [
  {
    name: 'star',
    files: {
      ...model('check_star', "select {{ dbt_utils.star(from=ref('data_star'), except=['field_3']) }} from {{ ref('data_star') }}"),
      ...model('check_star_prefix', "select {{ dbt_utils.star(ref('data_star'), relation_alias='s', prefix='p_', except=['FIELD_2']) }} from {{ ref('data_star') }} as s"),
    },
    nodes: [
      { id: id('model', 'check_star'), status: 'success' },
      { id: id('model', 'check_star_prefix'), status: 'success' },
    ],
    verify: async (query) =>
      rowsEqual(await query('select * from $schema.check_star order by 1'), [
        { field_1: 'a', field_2: 'b' },
        { field_1: 'd', field_2: 'e' },
      ]) ??
      rowsEqual(await query('select * from $schema.check_star_prefix order by 1'), [
        { p_field_1: 'a', p_field_3: 'c' },
        { p_field_1: 'd', p_field_3: 'f' },
      ]),
  },
  {
    name: 'star (unquoted, rename, unquote_aliases)',
    files: model(
      'check_star_options',
      "select {{ dbt_utils.star(ref('data_star'), quote_identifiers=False, except=['field_2'], rename={'FIELD_1': 'first'}) }}, {{ dbt_utils.star(ref('data_star'), except=['field_1', 'field_3'], suffix='_x', unquote_aliases=True) }} from {{ ref('data_star') }}",
    ),
    nodes: [{ id: id('model', 'check_star_options'), status: 'success' }],
    verify: async (query) =>
      rowsEqual(await query('select * from $schema.check_star_options order by 1'), [
        { first: 'a', field_3: 'c', field_2_x: 'b' },
        { first: 'd', field_3: 'f', field_2_x: 'e' },
      ]),
  },
  {
    name: 'generate_surrogate_key',
    files: model('check_surrogate_key', "select id, {{ dbt_utils.generate_surrogate_key(['a', 'b']) }} as key from {{ ref('data_keys') }}"),
    nodes: [{ id: id('model', 'check_surrogate_key'), status: 'success' }],
    verify: async (query) => {
      const rows = await query(`select k.key, md5(coalesce(cast(d.a as text), '_dbt_utils_surrogate_key_null_') || '-' || coalesce(cast(d.b as text), '_dbt_utils_surrogate_key_null_')) as expected
        from $schema.check_surrogate_key k join $schema.data_keys d using (id)`);
      return rows.length === 3 && rows.every((row) => row.key === row.expected) ? null : `keys differ from md5 of the null-marked fields: ${JSON.stringify(rows)}`;
    },
  },
  {
    name: 'surrogate_key (deprecated: must error)',
    files: model('check_old_surrogate_key', "select {{ dbt_utils.surrogate_key(['a', 'b']) }} as key from {{ ref('data_keys') }}"),
    nodes: [],
    parseError: /has been replaced by\s+`dbt_utils.generate_surrogate_key`/,
  },
  {
    name: 'date_spine',
    files: model('check_date_spine', `{{ dbt_utils.date_spine(datepart="day", start_date="cast('2024-02-25' as date)", end_date="cast('2024-03-02' as date)") }}`),
    nodes: [{ id: id('model', 'check_date_spine'), status: 'success' }],
    verify: async (query) =>
      rowsEqual(
        await query("select to_char(date_day, 'MM-DD') as day from $schema.check_date_spine order by 1"),
        ['02-25', '02-26', '02-27', '02-28', '02-29', '03-01'].map((day) => ({ day })),
      ),
  },
  {
    // A week spine has as many rows as dbt's datediff counts week boundaries: 4 from Mon Jan 1 to Thu Feb 1.
    name: 'date_spine (week, month)',
    files: {
      ...model('check_date_spine_week', `{{ dbt_utils.date_spine('week', "cast('2024-01-01' as date)", "cast('2024-02-01' as date)") }}`),
      ...model('check_date_spine_month', `{{ dbt_utils.date_spine('month', "cast('2024-01-31' as date)", "cast('2024-06-01' as date)") }}`),
    },
    nodes: [
      { id: id('model', 'check_date_spine_week'), status: 'success' },
      { id: id('model', 'check_date_spine_month'), status: 'success' },
    ],
    verify: async (query) =>
      rowsEqual(
        await query("select to_char(date_week, 'MM-DD') as d from $schema.check_date_spine_week order by 1"),
        ['01-01', '01-08', '01-15', '01-22'].map((d) => ({ d })),
      ) ??
      rowsEqual(
        await query("select to_char(date_month, 'MM-DD') as d from $schema.check_date_spine_month order by 1"),
        ['01-31', '02-29', '03-31', '04-30', '05-31'].map((d) => ({ d })),
      ),
  },
  {
    name: 'get_column_values',
    files: model(
      'check_column_values',
      "{% set kinds = dbt_utils.get_column_values(table=ref('data_events'), column='kind', order_by='kind') %}\n{% set top = dbt_utils.get_column_values(ref('data_events'), 'kind', order_by='count(*) desc, kind', max_records=1, where='amount > 0') %}\nselect '{{ kinds | join(',') }}' as kinds, '{{ top | join(',') }}' as top",
    ),
    nodes: [{ id: id('model', 'check_column_values'), status: 'success' }],
    verify: async (query) => rowsEqual(await query('select * from $schema.check_column_values'), [{ kinds: 'buy,click,view', top: 'buy' }]),
  },
  {
    name: 'get_column_values (missing relation, default)',
    files: model(
      'check_column_values_default',
      "{% set missing = api.Relation.create(schema=target.schema, identifier='no_such_table') %}\nselect '{{ dbt_utils.get_column_values(missing, 'x', default=['fallback']) | join(',') }}' as found",
    ),
    nodes: [{ id: id('model', 'check_column_values_default'), status: 'success' }],
    verify: async (query) => rowsEqual(await query('select * from $schema.check_column_values_default'), [{ found: 'fallback' }]),
  },
  {
    name: 'pivot',
    files: model('check_pivot', "select size, {{ dbt_utils.pivot('color', dbt_utils.get_column_values(ref('data_pivot'), 'color', order_by='color')) }}\nfrom {{ ref('data_pivot') }}\ngroup by size"),
    nodes: [{ id: id('model', 'check_pivot'), status: 'success' }],
    verify: async (query) =>
      rowsEqual(await query('select size, blue, "o\'range" as orange, red from $schema.check_pivot order by size'), [
        { size: 'M', blue: 0, orange: 1, red: 1 },
        { size: 'S', blue: 1, orange: 0, red: 2 },
      ]),
  },
  {
    name: 'pivot (slugified aliases, then/else values, distinct)',
    files: model(
      'check_pivot_options',
      "select {{ dbt_utils.pivot('color', ['red', 'o\\'range'], quote_identifiers=False, prefix='Has ', then_value='size', else_value='null', agg='max') }}, {{ dbt_utils.pivot('size', ['S'], alias=False, distinct=True, agg='count') }} as n_s from {{ ref('data_pivot') }}",
    ),
    nodes: [{ id: id('model', 'check_pivot_options'), status: 'success' }],
    verify: async (query) => rowsEqual(await query('select * from $schema.check_pivot_options'), [{ has_red: 'S', has_orange: 'M', n_s: 2 }]),
  },
  {
    name: 'unpivot',
    files: model('check_unpivot', "{{ dbt_utils.unpivot(relation=ref('data_unpivot'), cast_to='varchar', exclude=['id'], field_name='field', value_name='val') }}"),
    nodes: [{ id: id('model', 'check_unpivot'), status: 'success' }],
    verify: async (query) =>
      rowsEqual(await query('select id, field, val from $schema.check_unpivot order by id, field'), [
        { id: 1, field: 'active', val: 'true' },
        { id: 1, field: 'name', val: 'ann' },
        { id: 2, field: 'active', val: 'false' },
        { id: 2, field: 'name', val: 'bob' },
      ]),
  },
  {
    name: 'union_relations',
    files: model('check_union', "{{ dbt_utils.union_relations(relations=[ref('data_union_a'), ref('data_union_b')]) }}"),
    nodes: [{ id: id('model', 'check_union'), status: 'success' }],
    verify: async (query) =>
      rowsEqual(await query("select split_part(_dbt_source_relation, '.', 2) as source, id, name, extra from $schema.check_union order by id"), [
        { source: '"data_union_a"', id: 1, name: 'a', extra: null },
        { source: '"data_union_a"', id: 2, name: 'b', extra: null },
        { source: '"data_union_b"', id: 3, name: 'c', extra: 'x' },
      ]),
  },
  {
    name: 'union_relations (include, column_override, where, no source column)',
    files: model(
      'check_union_options',
      "{{ dbt_utils.union_relations(relations=[ref('data_union_a'), ref('data_union_b')], include=['ID', 'extra'], column_override={'id': 'bigint'}, source_column_name=none, where='id > 1') }}",
    ),
    nodes: [{ id: id('model', 'check_union_options'), status: 'success' }],
    verify: async (query) =>
      rowsEqual(await query('select * from $schema.check_union_options order by id'), [
        { id: 2, extra: null },
        { id: 3, extra: 'x' },
      ]) ?? rowsEqual(await query('select data_type from information_schema.columns where table_schema = (select current_schema()) and false'), []),
  },
  {
    name: 'get_relations_by_pattern',
    files: model(
      'check_relations_by_pattern',
      "-- depends_on: {{ ref('data_union_a') }}, {{ ref('data_union_b') }}\n{% set relations = dbt_utils.get_relations_by_pattern(target.schema, 'data\\_union\\_%') %}\n{{ dbt_utils.union_relations(relations) }}",
    ),
    nodes: [{ id: id('model', 'check_relations_by_pattern'), status: 'success' }],
    verify: async (query) => rowsEqual(await query('select count(*)::int as n, count(extra)::int as extra from $schema.check_relations_by_pattern'), [{ n: 3, extra: 1 }]),
  },
  {
    name: 'get_relations_by_prefix',
    files: model(
      'check_relations_by_prefix',
      "-- depends_on: {{ ref('data_union_a') }}, {{ ref('data_union_b') }}\n{% set relations = dbt_utils.get_relations_by_prefix(target.schema, 'data_union', exclude='%_b') %}\n{{ dbt_utils.union_relations(relations) }}",
    ),
    nodes: [{ id: id('model', 'check_relations_by_prefix'), status: 'success' }],
    verify: async (query) => rowsEqual(await query('select count(*)::int as n from $schema.check_relations_by_prefix'), [{ n: 2 }]),
  },
  {
    name: 'group_by',
    files: model('check_group_by', "select kind, count(*)::int as n from {{ ref('data_events') }} {{ dbt_utils.group_by(1) }}"),
    nodes: [{ id: id('model', 'check_group_by'), status: 'success' }],
    verify: async (query) =>
      rowsEqual(await query('select * from $schema.check_group_by order by kind'), [
        { kind: 'buy', n: 2 },
        { kind: 'click', n: 2 },
        { kind: 'view', n: 2 },
      ]),
  },
  {
    name: 'safe_add / safe_subtract / safe_divide',
    files: model(
      'check_safe_math',
      "select {{ dbt_utils.safe_add(['a', 'b']) }} as added, {{ dbt_utils.safe_subtract(['a', 'b', 'c']) }} as subtracted, {{ dbt_utils.safe_divide('a', 'c') }} as divided, {{ dbt_utils.safe_divide('a', 'b') }} as by_null\nfrom (values (7.0, null::numeric, 2.0)) as t(a, b, c)",
    ),
    nodes: [{ id: id('model', 'check_safe_math'), status: 'success' }],
    verify: async (query) =>
      rowsEqual(await query('select added::text, subtracted::text, divided::float as divided, by_null from $schema.check_safe_math'), [
        { added: '7.0', subtracted: '5.0', divided: 3.5, by_null: null },
      ]),
  },
  {
    name: 'deduplicate',
    files: model('check_deduplicate', "{{ dbt_utils.deduplicate(relation=ref('data_dedup'), partition_by='user_id', order_by='version desc') }}"),
    nodes: [{ id: id('model', 'check_deduplicate'), status: 'success' }],
    verify: async (query) =>
      rowsEqual(await query('select user_id, value from $schema.check_deduplicate order by 1'), [
        { user_id: 1, value: 'new' },
        { user_id: 2, value: 'only' },
      ]),
  },
  {
    name: 'haversine_distance',
    files: model(
      'check_haversine',
      "select {{ dbt_utils.haversine_distance(48.864716, 2.349014, 52.520008, 13.404954) }} as miles, {{ dbt_utils.haversine_distance(48.864716, 2.349014, 52.520008, 13.404954, unit='km') }} as km",
    ),
    nodes: [{ id: id('model', 'check_haversine'), status: 'success' }],
    verify: async (query) => {
      // The same formula (earth radius 3961 miles, 1.60934 km a mile), worked out here.
      const radians = (degrees: number) => (degrees * Math.PI) / 180;
      const [lat1, lon1, lat2, lon2] = [48.864716, 2.349014, 52.520008, 13.404954];
      const miles = 2 * 3961 * Math.asin(Math.sqrt(Math.sin(radians((lat2 - lat1) / 2)) ** 2 + Math.cos(radians(lat1)) * Math.cos(radians(lat2)) * Math.sin(radians((lon2 - lon1) / 2)) ** 2));
      const [row] = await query('select miles::float as miles, km::float as km from $schema.check_haversine');
      return Math.abs(Number(row.miles) - miles) < 1e-6 && Math.abs(Number(row.km) - miles * 1.60934) < 1e-6 ? null : `expected ${miles} mi, got ${JSON.stringify(row)}`;
    },
  },
  {
    name: 'width_bucket',
    // On an integer column Postgres would divide in integers (10 / 25 = 0), in dbt as here: use numbers with a fraction.
    files: model('check_width_bucket', "select amount, {{ dbt_utils.width_bucket('cast(amount as numeric)', 0, 100, 4) }} as bucket from {{ ref('data_events') }}"),
    nodes: [{ id: id('model', 'check_width_bucket'), status: 'success' }],
    // dbt-utils' own definition: ceil((x - min) / width), capped at buckets + 1, plus one on an exact edge.
    verify: async (query) =>
      rowsEqual(await query('select amount, bucket::int as bucket from $schema.check_width_bucket order by amount'), [
        { amount: 0, bucket: 1 },
        { amount: 10, bucket: 1 },
        { amount: 25, bucket: 2 },
        { amount: 99, bucket: 4 },
        { amount: 100, bucket: 5 },
        { amount: 150, bucket: 6 },
      ]),
  },
  {
    name: 'generate_series',
    files: model('check_generate_series', '{{ dbt_utils.generate_series(upper_bound=20) }}'),
    nodes: [{ id: id('model', 'check_generate_series'), status: 'success' }],
    verify: async (query) =>
      rowsEqual(await query('select count(*)::int as n, min(generated_number)::int as lo, max(generated_number)::int as hi from $schema.check_generate_series'), [{ n: 20, lo: 1, hi: 20 }]),
  },
  {
    name: 'get_filtered_columns_in_relation',
    files: model('check_filtered_columns', "{% set columns = dbt_utils.get_filtered_columns_in_relation(from=ref('data_star'), except=['Field_2']) %}\nselect '{{ columns | join(',') }}' as columns"),
    nodes: [{ id: id('model', 'check_filtered_columns'), status: 'success' }],
    verify: async (query) => rowsEqual(await query('select * from $schema.check_filtered_columns'), [{ columns: 'field_1,field_3' }]),
  },
  {
    name: 'nullcheck_table',
    files: {
      ...model('data_blanks', "select 1 as id, '' as label union all select 2, 'x'"),
      ...model('check_nullcheck', "{{ dbt_utils.nullcheck_table(ref('data_blanks')) }}"),
    },
    nodes: [{ id: id('model', 'check_nullcheck'), status: 'success' }],
    verify: async (query) =>
      rowsEqual(await query('select id, label from $schema.check_nullcheck order by id'), [
        { id: 1, label: null },
        { id: 2, label: 'x' },
      ]),
  },
  {
    name: 'get_single_value / get_query_results_as_dict',
    files: model(
      'check_query_values',
      "{% set biggest = dbt_utils.get_single_value('select max(amount) from ' ~ ref('data_events')) %}\n{% set found = dbt_utils.get_query_results_as_dict('select kind, count(*) as n from ' ~ ref('data_events') ~ ' group by kind order by kind') %}\nselect {{ biggest }} as biggest, '{{ found['kind'] | join(',') }}' as kinds",
    ),
    nodes: [{ id: id('model', 'check_query_values'), status: 'success' }],
    verify: async (query) => rowsEqual(await query('select biggest, kinds from $schema.check_query_values'), [{ biggest: 150, kinds: 'buy,click,view' }]),
  },
  {
    name: 'get_url_host / get_url_path / get_url_parameter',
    files: model(
      'check_urls',
      "select {{ dbt_utils.get_url_host('url') }} as host, {{ dbt_utils.get_url_path('url') }} as path, {{ dbt_utils.get_url_parameter('url', 'utm_source') }} as source from {{ ref('data_urls') }}",
    ),
    nodes: [{ id: id('model', 'check_urls'), status: 'success' }],
    verify: async (query) =>
      rowsEqual(await query('select host, path, source from $schema.check_urls order by host'), [
        { host: 'example.org', path: '', source: 'ads' },
        { host: 'www.example.com', path: 'shop/cart', source: 'mail' },
      ]),
  },
  {
    name: 'slugify / pretty_time / log_info',
    files: model('check_helpers', "{% do dbt_utils.log_info('checking') %}\nselect '{{ dbt_utils.slugify('2024 Sales - EMEA!') }}' as slug, {{ dbt_utils.pretty_time() | length }} as time_length"),
    nodes: [{ id: id('model', 'check_helpers'), status: 'success' }],
    verify: async (query) => rowsEqual(await query('select * from $schema.check_helpers'), [{ slug: '_2024_sales_emea', time_length: 8 }]),
  },
];

function yamlTests(tests: Array<{ model: string; column?: string; name: string; test: string; args?: Record<string, unknown> }>): string {
  const byModel = new Map<string, typeof tests>();
  for (const entry of tests) byModel.set(entry.model, [...(byModel.get(entry.model) ?? []), entry]);
  const lines = ['version: 2', '', 'seeds:'];
  for (const [name, entries] of byModel) {
    lines.push(`  - name: ${name}`);
    const modelLevel = entries.filter((entry) => !entry.column);
    if (modelLevel.length) {
      lines.push('    data_tests:');
      for (const entry of modelLevel)
        lines.push(`      - ${entry.test}:`, `          name: ${entry.name}`, ...Object.entries(entry.args ?? {}).map(([key, value]) => `          ${key}: ${JSON.stringify(value)}`));
    }
    const columns = [...new Set(entries.filter((entry) => entry.column).map((entry) => entry.column as string))];
    if (columns.length) lines.push('    columns:');
    for (const column of columns) {
      lines.push(`      - name: ${column}`, '        data_tests:');
      for (const entry of entries.filter((candidate) => candidate.column === column)) {
        lines.push(`          - ${entry.test}:`, `              name: ${entry.name}`, ...Object.entries(entry.args ?? {}).map(([key, value]) => `              ${key}: ${JSON.stringify(value)}`));
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

interface GenericCase {
  test: string;
  /** On data that keeps the rule. */
  pass: { model: string; column?: string; args?: Record<string, unknown> };
  /** On data that breaks it, and the failures dbt-utils reports. */
  fail: { model: string; column?: string; args?: Record<string, unknown>; failures: number };
}

const GENERIC_CASES: GenericCase[] = [
  { test: 'not_constant', pass: { model: 'data_events', column: 'kind' }, fail: { model: 'data_union_b', column: 'name', failures: 1 } },
  { test: 'expression_is_true', pass: { model: 'data_events', args: { expression: 'amount >= 0' } }, fail: { model: 'data_events', args: { expression: 'amount < 100' }, failures: 2 } },
  {
    test: 'equal_rowcount',
    pass: { model: 'data_union_a', args: { compare_model: "ref('data_unpivot')" } },
    fail: { model: 'data_events', args: { compare_model: "ref('data_dedup')" }, failures: 3 },
  },
  { test: 'fewer_rows_than', pass: { model: 'data_dedup', args: { compare_model: "ref('data_events')" } }, fail: { model: 'data_events', args: { compare_model: "ref('data_dedup')" }, failures: 3 } },
  {
    test: 'equality',
    pass: { model: 'data_union_a', args: { compare_model: "ref('data_union_a')" } },
    fail: { model: 'data_union_a', args: { compare_model: "ref('data_parents')", compare_columns: ['id'] }, failures: 2 },
  },
  {
    test: 'unique_combination_of_columns',
    pass: { model: 'data_dedup', args: { combination_of_columns: ['user_id', 'version'] } },
    fail: { model: 'data_sequence', args: { combination_of_columns: ['n'] }, failures: 2 },
  },
  {
    test: 'accepted_range',
    pass: { model: 'data_events', column: 'amount', args: { min_value: 0, max_value: 150 } },
    fail: { model: 'data_events', column: 'amount', args: { max_value: 99, inclusive: false }, failures: 3 },
  },
  { test: 'at_least_one', pass: { model: 'data_keys', column: 'b' }, fail: { model: 'data_blanks_null', column: 'label', failures: 1 } },
  { test: 'not_null_proportion', pass: { model: 'data_keys', column: 'a', args: { at_least: 0.6 } }, fail: { model: 'data_keys', column: 'b', args: { at_least: 0.9 }, failures: 1 } },
  {
    test: 'recency',
    pass: { model: 'data_fresh', args: { datepart: 'day', field: 'loaded_at', interval: 1 } },
    fail: { model: 'data_old', args: { datepart: 'day', field: 'loaded_at', interval: 1 }, failures: 1 },
  },
  {
    test: 'relationships_where',
    pass: { model: 'data_children', column: 'parent_id', args: { to: "ref('data_parents')", field: 'id', from_condition: 'id <> 13' } },
    fail: { model: 'data_children', column: 'parent_id', args: { to: "ref('data_parents')", field: 'id', to_condition: "kind = 'live'" }, failures: 2 },
  },
  { test: 'sequential_values', pass: { model: 'data_sequence', column: 'n', args: { group_by_columns: ['grp'] } }, fail: { model: 'data_sequence_gap', column: 'n', failures: 1 } },
  {
    test: 'mutually_exclusive_ranges',
    pass: { model: 'data_ranges', args: { lower_bound_column: 'lo', upper_bound_column: 'hi' } },
    fail: { model: 'data_ranges_overlap', args: { lower_bound_column: 'lo', upper_bound_column: 'hi' }, failures: 1 },
  },
  {
    test: 'cardinality_equality',
    pass: { model: 'data_union_a', column: 'id', args: { to: "ref('data_union_a')", field: 'id' } },
    fail: { model: 'data_children', column: 'parent_id', args: { to: "ref('data_parents')", field: 'id' }, failures: 1 },
  },
  {
    test: 'not_accepted_values',
    pass: { model: 'data_events', column: 'kind', args: { values: ['refund'] } },
    fail: { model: 'data_events', column: 'kind', args: { values: ['buy', 'view'] }, failures: 2 },
  },
  { test: 'not_empty_string', pass: { model: 'data_union_a', column: 'name' }, fail: { model: 'data_blanks', column: 'label', failures: 1 } },
];

/** The same tests with their options: group_by_columns, where, precision, partitions, dateparts. */
const GENERIC_VARIANTS: Array<GenericCase & { label: string }> = [
  {
    label: 'not_constant (group_by_columns)',
    test: 'not_constant',
    pass: { model: 'data_sequence', column: 'n', args: { group_by_columns: ['grp'] } },
    fail: { model: 'data_dedup', column: 'value', args: { group_by_columns: ['user_id'] }, failures: 1 },
  },
  {
    label: 'expression_is_true (column_name, where)',
    test: 'expression_is_true',
    pass: { model: 'data_events', column: 'amount', args: { expression: '< 100', config: { where: "kind <> 'buy' and id <> 5" } } },
    fail: { model: 'data_events', column: 'amount', args: { expression: '> 0' }, failures: 1 },
  },
  {
    label: 'equal_rowcount (group_by_columns)',
    test: 'equal_rowcount',
    pass: { model: 'data_dedup', args: { compare_model: "ref('data_dedup')", group_by_columns: ['user_id'] } },
    fail: { model: 'data_sequence', args: { compare_model: "ref('data_sequence_gap')", group_by_columns: ['n'] }, failures: 2 },
  },
  {
    label: 'equality (exclude_columns, precision)',
    test: 'equality',
    pass: { model: 'data_union_b', args: { compare_model: "ref('data_union_b')", exclude_columns: ['extra'], precision: 2 } },
    fail: { model: 'data_union_a', args: { compare_model: "ref('data_union_b')", exclude_columns: ['extra'] }, failures: 4 },
  },
  {
    label: 'at_least_one (group_by_columns)',
    test: 'at_least_one',
    pass: { model: 'data_dedup', column: 'value', args: { group_by_columns: ['user_id'] } },
    fail: { model: 'data_keys', column: 'a', args: { group_by_columns: ['b'] }, failures: 1 },
  },
  {
    label: 'not_null_proportion (group_by_columns)',
    test: 'not_null_proportion',
    pass: { model: 'data_keys', column: 'id', args: { at_least: 1, group_by_columns: ['b'] } },
    fail: { model: 'data_keys', column: 'b', args: { at_least: 0.5, group_by_columns: ['a'] }, failures: 1 },
  },
  {
    label: 'recency (group_by_columns, ignore_time_component)',
    test: 'recency',
    pass: { model: 'data_fresh', args: { datepart: 'hour', field: 'loaded_at', interval: 2, group_by_columns: ['id'], ignore_time_component: true } },
    fail: { model: 'data_old', args: { datepart: 'year', field: 'loaded_at', interval: 1, group_by_columns: ['id'] }, failures: 1 },
  },
  {
    label: 'sequential_values (datepart)',
    test: 'sequential_values',
    pass: { model: 'data_days', column: 'day', args: { datepart: 'day' } },
    fail: { model: 'data_days', column: 'day', args: { datepart: 'day', interval: 2 }, failures: 3 },
  },
  {
    label: 'mutually_exclusive_ranges (partition_by, gaps)',
    test: 'mutually_exclusive_ranges',
    pass: { model: 'data_ranges', args: { lower_bound_column: 'lo', upper_bound_column: 'hi', gaps: 'not_allowed' } },
    fail: { model: 'data_ranges_overlap', args: { lower_bound_column: 'lo', upper_bound_column: 'hi', partition_by: 'lo < 3', gaps: 'required', zero_length_range_allowed: true }, failures: 0 },
  },
  {
    label: 'accepted_range (where)',
    test: 'accepted_range',
    pass: { model: 'data_events', column: 'amount', args: { max_value: 99, config: { where: "kind <> 'buy' and amount < 100" } } },
    fail: { model: 'data_events', column: 'amount', args: { min_value: 10, config: { where: "kind = 'view'" } }, failures: 1 },
  },
];

/** The generic tests as checks: one YAML file declaring them all, two test nodes a check. */
export function genericTestChecks(): Check[] {
  const declared: Array<{ model: string; column?: string; name: string; test: string; args?: Record<string, unknown> }> = [];
  const cases = [...GENERIC_CASES.map((entry) => ({ ...entry, label: entry.test, key: entry.test })), ...GENERIC_VARIANTS.map((entry, index) => ({ ...entry, key: `${entry.test}_v${index}` }))];
  const checks = cases.map((entry) => {
    const passName = `${entry.key}_keeps`;
    const failName = `${entry.key}_breaks`;
    // The breaking case warns rather than errors, so that `build` does not skip the models downstream of its data.
    declared.push(
      { ...entry.pass, name: passName, test: `dbt_utils.${entry.test}` },
      { ...entry.fail, args: { ...entry.fail.args, config: { severity: 'warn' } }, name: failName, test: `dbt_utils.${entry.test}` },
    );
    const breaks = entry.fail.failures === 0 ? test(failName, 'pass', 0) : test(failName, 'warn', entry.fail.failures);
    return { name: entry.label, files: {}, nodes: [test(passName, 'pass', 0), breaks] } satisfies Check;
  });
  const models = new Set(declared.map((entry) => entry.model));
  const madeByModels = ['data_blanks', 'data_blanks_null', 'data_fresh', 'data_days'];
  const seedsYaml = yamlTests(declared.filter((entry) => !madeByModels.includes(entry.model)));
  const modelsYaml = yamlTests(declared.filter((entry) => madeByModels.includes(entry.model))).replace('seeds:', 'models:');
  checks[0].files = {
    'seeds/generic_tests.yml': seedsYaml,
    'models/generic_tests.yml': modelsYaml,
    ...(models.has('data_fresh') ? model('data_fresh', 'select 1 as id, now() as loaded_at') : {}),
    ...model('data_blanks_null', 'select 1 as id, cast(null as text) as label'),
    ...model('data_days', "select cast(d as date) as day from generate_series(date '2024-02-27', date '2024-03-01', interval '1 day') as d"),
  };
  return checks;
}

export const PROJECT_FILES: Record<string, string> = {
  ...SEEDS,
  'dbt_project.yml': "name: utils_check\nversion: '1.0.0'\nconfig-version: 2\nprofile: utils_check\nmodels:\n  utils_check:\n    +materialized: table\n",
};
