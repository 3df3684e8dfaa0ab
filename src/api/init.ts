import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { KpiError } from '../errors.js';

export interface InitOptions {
  /** The project's name; its folder is created under `directory`. Without it, `directory` itself holds the project, named after it. */
  name?: string;
  /** Where to create it (default: the current directory). */
  directory?: string;
}

export interface InitResult {
  name: string;
  projectDir: string;
  files: string[];
}

/** The files of a new project: an embedded-database profile, a seed, a model and its tests. */
function scaffold(name: string): Record<string, string> {
  return {
    'kpi_project.yml': `name: ${name}
version: '1.0.0'
profile: ${name}

model-paths: [models]
seed-paths: [seeds]
macro-paths: [macros]
test-paths: [tests]

models:
  ${name}:
    +materialized: view
    marts:
      +materialized: table
`,
    'profiles.yml': `# Where kpi builds. The embedded database needs no server: it lives under .kpi/.
# For a Postgres server, add a target (type: postgres, host, user, password: "{{ env_var('PGPASSWORD') }}", dbname, schema)
# and run kpi with --target <name>.
${name}:
  target: dev
  outputs:
    dev:
      type: pglite
      schema: ${name}
      threads: 4
`,
    'seeds/raw_customers.csv': `id,name,signed_up_on,plan
1,Ada,2024-01-05,pro
2,Grace,2024-02-11,free
3,Linus,2024-02-29,pro
4,Margaret,2024-03-17,team
5,Barbara,2024-04-02,free
`,
    'models/staging/stg_customers.sql': `-- One row a customer, names tidied; reads the seed through ref() like any model.
select
    id as customer_id,
    trim(name) as customer_name,
    cast(signed_up_on as date) as signed_up_on,
    plan
from {{ ref('raw_customers') }}
`,
    'models/marts/customers_by_plan.sql': `-- Customers per plan: a table (see kpi_project.yml), rebuilt on each run.
select
    plan,
    count(*) as customers,
    min(signed_up_on) as first_signup
from {{ ref('stg_customers') }}
group by plan
`,
    'models/schema.yml': `version: 2

models:
  - name: stg_customers
    description: One row a customer.
    columns:
      - name: customer_id
        data_tests: [unique, not_null]
      - name: plan
        data_tests:
          - accepted_values:
              arguments:
                values: [free, pro, team]
  - name: customers_by_plan
    description: How many customers each plan has.
    columns:
      - name: plan
        data_tests: [unique, not_null]
`,
    'macros/.gitkeep': '',
    'tests/.gitkeep': '',
    '.gitignore': 'target/\nlogs/\n.kpi/\n',
    'README.md': `# ${name}

A kpi project. \`npx kpi build\` loads the seeds, builds the models and runs the tests on
the embedded database (no server needed); \`npx kpi ls\` lists what is here.
`,
  };
}

/** `kpi init`: a new project that `kpi build` builds at once. Refuses a folder that already has files. */
export function init(options: InitOptions = {}): InitResult {
  const base = resolve(options.directory ?? process.cwd());
  const projectDir = options.name ? join(base, options.name) : base;
  const name = options.name ?? basename(base);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new KpiError('KPI_USAGE', `'${name}' cannot name a project: use letters, digits and underscores, not starting with a digit`, { hint: 'kpi init my_project' });
  }
  if (existsSync(projectDir) && readdirSync(projectDir).length > 0) {
    throw new KpiError('KPI_USAGE', `${projectDir} already has files; kpi init creates a project only in a new or empty folder`, {
      hint: options.name ? 'pick another name' : 'run kpi init <name> to create a folder',
    });
  }
  const files = scaffold(name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(projectDir, path)), { recursive: true });
    writeFileSync(join(projectDir, path), text);
  }
  return { name, projectDir, files: Object.keys(files) };
}
