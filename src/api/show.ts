import { basename } from 'node:path';
import { compileNode, syntheticNode } from '../compile/compile-node.js';
import { KpiError } from '../errors.js';
import { StatementError } from '../adapters/statement-error.js';
import { compileSession, parse, select, usingDatabase, type DatabaseOptions, type ProjectOptions } from './project.js';
import { asSubquery } from '../execution/materialization-context.js';

export interface ShowOptions extends ProjectOptions, DatabaseOptions {
  select?: string[];
  /** SQL (a template) to run instead of a model. */
  inline?: string;
  limit?: number;
}

export interface ShowResult {
  columns: string[];
  rows: Record<string, unknown>[];
  sql: string;
}

/** `kpi show`: run a model's (or inline) SQL and return the first rows, building nothing. */
export async function show(options: ShowOptions): Promise<ShowResult> {
  const parsed = await parse(options);
  const limit = options.limit ?? 5;
  let node;
  if (options.inline !== undefined) {
    node = syntheticNode(compileSession(parsed, {}), 'model', 'inline_query', options.inline, 'inline');
  } else {
    const selected = select(parsed, { select: options.select }, ['model', 'seed', 'snapshot']);
    if (selected.length !== 1) {
      throw new KpiError('KPI_SELECTOR_INVALID', `kpi show needs exactly one model; --select ${options.select?.join(' ') ?? ''} matched ${selected.length}`, {
        hint: 'name one model, or pass --inline "select ..."',
      });
    }
    node = parsed.manifest.nodes[selected[0]];
  }
  const emit = parsed.emit;
  const session = compileSession(parsed, { flags: { WHICH: 'show' }, log: (message) => emit({ type: 'log', level: 'info', message }) });
  return usingDatabase(parsed.loaded, { ...options, lock: false, emit }, (adapter) =>
    adapter.withConnection(async (connection) => {
      const sql = node.resource_type === 'seed' ? `select * from ${node.relation_name}` : await compileNode(session, node, { connection });
      const query = `select * from (\n${asSubquery(sql)}\n) as kpi_show limit ${Math.max(0, Math.floor(limit))}`;
      try {
        const result = await connection.query(query);
        return { columns: result.fields.map((field) => field.name), rows: result.rows, sql };
      } catch (error) {
        const statement = StatementError.from(query, error);
        throw new KpiError('KPI_DATABASE_ERROR', `${options.inline !== undefined ? 'the inline query' : basename(node.original_file_path)} failed: ${statement.message}`, { cause: statement });
      }
    }),
  );
}
