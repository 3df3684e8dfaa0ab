import { compiledPathOf } from '../compile/compiled-path.js';
import type { ManifestNode } from '../manifest/types.js';
import { writeText } from '../support/write-file.js';
import type { RunContext } from './run-context.js';

export interface StatementLog {
  /** Hand to materializationContext: called with every statement before it runs. */
  record(sql: string): void;
  /** Write target/run/<package>/<path>: the statements in the order they ran (dbt keeps the DDL there). */
  save(): void;
}

/** What a node executed: target/run/ for the user, a debug line each in logs/kpi.log. */
export function statementLog(context: RunContext, node: ManifestNode): StatementLog {
  const statements: string[] = [];
  return {
    record(sql) {
      statements.push(sql.trim().replace(/;$/, ''));
      context.emit({ type: 'log', level: 'debug', message: `${node.unique_id}: ${sql.trim()}` });
    },
    save() {
      if (statements.length > 0) writeText(compiledPathOf(context.targetDir, node, 'run'), `${statements.join(';\n\n')};\n`);
    },
  };
}
