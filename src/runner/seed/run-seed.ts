import { join } from 'node:path';
import { existingRelation } from '../../adapters/catalog.js';
import { materializeSeed } from '../../materializations/seed.js';
import type { ManifestNode } from '../../manifest/types.js';
import { SeedFile } from '../../seeds/seed-file.js';
import { seedOptions } from '../../seeds/seed-options.js';
import { describeFailure, makeResult, Stopwatch } from '../../execution/node-result.js';
import type { RunContext } from '../../execution/run-context.js';
import type { NodeResult } from '../../execution/types.js';
import { materializationContext, nodeTarget } from '../../execution/materialization-context.js';
import { statementLog } from '../../execution/statement-log.js';

/** Enough rows to settle most columns' types before the table is made. */
const READ_BEFORE_LOAD_BYTES = 4 << 20;

/** dbt's `full_refresh` config overrides the --full-refresh flag, either way. */
function fullRefreshOf(node: ManifestNode, flag: boolean): boolean {
  const configured = node.config.full_refresh;
  return configured === null || configured === undefined ? flag : Boolean(configured);
}

/** Load one seed: read and check the CSV, and load it into its table in one transaction. */
export async function runSeed(node: ManifestNode, context: RunContext, threadId: string): Promise<NodeResult> {
  const watch = new Stopwatch();
  const statements = statementLog(context, node);
  try {
    watch.begin('compile');
    const file = node.seed_file_path ?? node.original_file_path;
    const seed = SeedFile.open(join(context.session.loaded.config.projectDir, file), file, seedOptions(node));
    for (const diagnostic of seed.warnings) context.emit({ type: 'diagnostic', diagnostic });
    // A database in another process loads while this one reads on: only the first
    // megabytes are read before the table is made (see SeedFile). In-process (PGlite)
    // nothing would overlap, so the whole file is checked before the database sees it.
    if (context.adapter.capabilities.parallel) seed.readAhead(READ_BEFORE_LOAD_BYTES);
    else seed.readAll();
    watch.begin('execute');
    const outcome = await context.adapter.withConnection(async (connection) => {
      const existing = await existingRelation(connection, nodeTarget(node));
      return materializeSeed(materializationContext({ context, node, connection, existing, fullRefresh: fullRefreshOf(node, context.session.fullRefresh), onStatement: statements.record }), seed);
    }, node.unique_id);
    return makeResult(node, 'success', {
      threadId,
      watch,
      message: outcome.message,
      adapter_response: { _message: outcome.message, code: outcome.message.split(' ')[0], rows_affected: outcome.rowsAffected },
      detail: {
        ...outcome.detail,
        columns: Object.fromEntries(seed.columns.map((column) => [column.name, column.type])),
      },
    });
  } catch (error) {
    const failure = describeFailure(error, node, null, null);
    return makeResult(node, 'error', { threadId, watch, message: failure.message, error_code: failure.code });
  } finally {
    statements.save();
  }
}
