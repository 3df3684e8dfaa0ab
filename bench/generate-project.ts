import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A synthetic project shaped like real ones: staging chains, marts fanning in from
 * several parents, macros called from models, folder configs and in-file configs.
 */
export function generateProject(models: number, options: { trivial?: boolean; static?: boolean; materialized?: string; properties?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), `kpi-bench-${models}-`));
  const write = (path: string, text: string) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write(
    'kpi_project.yml',
    ['name: bench', 'vars:', '  multiplier: 3', 'models:', '  bench:', `    +materialized: ${options.materialized ?? 'view'}`, '    marts:', '      +tags: [marts]', ''].join('\n'),
  );
  write(
    'macros/helpers.sql',
    `{% macro scaled(column, factor=2) -%}({{ column }} * {{ factor }} * {{ var('multiplier') }}){%- endmacro %}
{% macro column_list(prefix, n) -%}{% for i in range(n) %}{{ prefix }}_{{ i }}{{ ', ' if not loop.last }}{% endfor %}{%- endmacro %}`,
  );
  for (let i = 0; i < models; i++) {
    if (options.trivial) {
      write(`models/m_${i}.sql`, `select ${i} as id`);
      continue;
    }
    if (options.static) {
      // The same DAG with the Jinja most real models have: a config and refs only, which the static parser reads.
      const folder = i % 10 < 6 ? 'staging' : 'marts';
      const parents = i < 10 ? [] : folder === 'staging' ? [i - 10] : [i - 1, i - 3, i - 7];
      const from = parents.length === 0 ? 'generate_series(1, 10) g' : parents.map((p, n) => `${n === 0 ? '' : `left join `}{{ ref('m_${p}') }} p${n}${n === 0 ? '' : ` using (id)`}`).join('\n');
      const amount = parents.length === 0 ? `g * ${i}` : parents.map((_, n) => `coalesce(p${n}.amount, 0)`).join(' + ');
      const id = parents.length === 0 ? 'g' : 'p0.id';
      write(`models/${folder}/m_${i}.sql`, `{{ config(tags=['${folder}']) }}\nselect ${id} as id, (${amount}) * 3 as amount\nfrom ${from}`);
      continue;
    }
    const folder = i % 10 < 6 ? 'staging' : 'marts';
    let sql: string;
    if (i < 10) sql = `select g as id, g * ${i} as amount from generate_series(1, 10) g`;
    else if (folder === 'staging') sql = `{{ config(tags=['chain']) }}\nselect id, {{ scaled('amount') }} as amount from {{ ref('m_${i - 10}') }}`;
    else {
      const parents = [i - 1, i - 3, i - 7].filter((p) => p >= 0);
      sql = `{% set parents = [${parents.map((p) => `'m_${p}'`).join(', ')}] %}\nselect a.id, {% for p in parents %}coalesce(p${'{{ loop.index }}'}.amount, 0){{ ' + ' if not loop.last }}{% endfor %} as amount\nfrom {{ ref(parents[0]) }} a\n{% for p in parents %}left join {{ ref(p) }} p{{ loop.index }} on p{{ loop.index }}.id = a.id\n{% endfor %}`;
    }
    write(`models/${folder}/m_${i}.sql`, sql);
  }
  if (options.properties && !options.trivial) {
    // A property entry for every model, as real projects have (a description, a column, a data test): one file a folder.
    for (const folder of ['staging', 'marts']) {
      const entries = [];
      for (let i = 0; i < models; i++) {
        if ((i % 10 < 6 ? 'staging' : 'marts') !== folder) continue;
        entries.push(`  - name: m_${i}\n    description: Model ${i}\n    columns:\n      - name: id\n        data_tests: [not_null]`);
      }
      write(`models/${folder}/_${folder}.yml`, `version: 2\nmodels:\n${entries.join('\n')}\n`);
    }
  }
  return dir;
}
