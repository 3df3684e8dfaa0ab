import { KpiError, errorMessage, formatLocation } from '../errors.js';
import { StatementError } from '../adapters/statement-error.js';
import type { ManifestNode } from '../manifest/types.js';
import type { NodeDescription, NodeResult, NodeStatus, TimingInfo } from './types.js';

export function describeNode(node: ManifestNode): NodeDescription {
  return {
    unique_id: node.unique_id,
    name: node.name,
    resource_type: node.resource_type,
    materialized: node.config.materialized,
    schema: node.schema,
    alias: node.alias,
    relation: node.relation_name,
  };
}

export class Stopwatch {
  readonly timing: TimingInfo[] = [];
  private readonly started = performance.now();
  private phaseStart = new Date();
  private phase: TimingInfo['name'] | null = null;

  begin(name: TimingInfo['name']): void {
    this.end();
    this.phase = name;
    this.phaseStart = new Date();
  }

  end(): void {
    if (this.phase) this.timing.push({ name: this.phase, started_at: this.phaseStart.toISOString(), completed_at: new Date().toISOString() });
    this.phase = null;
  }

  get seconds(): number {
    return (performance.now() - this.started) / 1000;
  }
}

export function makeResult(node: ManifestNode, status: NodeStatus, fields: Partial<NodeResult> & { threadId: string; watch?: Stopwatch }): NodeResult {
  fields.watch?.end();
  return {
    unique_id: node.unique_id,
    status,
    timing: fields.watch?.timing ?? [],
    thread_id: fields.threadId,
    execution_time: fields.watch ? Number(fields.watch.seconds.toFixed(4)) : 0,
    adapter_response: fields.adapter_response ?? {},
    message: fields.message ?? null,
    failures: fields.failures ?? null,
    compiled: fields.compiled ?? false,
    compiled_code: fields.compiled_code ?? null,
    relation_name: node.relation_name,
    ...(fields.error_code ? { error_code: fields.error_code } : {}),
    ...(fields.detail ? { detail: fields.detail } : {}),
  };
}

/** Line and column of a character offset (1-based), as editors count them. */
export function positionIn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/**
 * A failure as the user should read it: what went wrong, in which node, and for database
 * errors the compiled file and the line Postgres pointed at.
 */
export function describeFailure(error: unknown, node: ManifestNode, compiledSql: string | null, compiledPath: string | null): { message: string; code: string } {
  const statement = error instanceof StatementError ? error : error instanceof KpiError && error.cause instanceof StatementError ? error.cause : null;
  if (statement) {
    let where = '';
    if (compiledSql && compiledPath && statement.position !== null) {
      const at = statement.sql.indexOf(compiledSql);
      const offset = statement.position - 1 - at;
      if (at >= 0 && offset >= 0 && offset <= compiledSql.length) {
        const { line, column } = positionIn(compiledSql, offset);
        where = ` at ${compiledPath}:${line}:${column}`;
      }
    }
    if (!where && compiledPath) where = ` (compiled SQL: ${compiledPath})`;
    const prefix = error instanceof KpiError && error.message !== statement.message ? `${error.message}` : `Database error in ${node.resource_type} ${node.name}${where}: ${statement.message}`;
    const extra = [statement.detail ? `detail: ${statement.detail}` : '', statement.hint ? `hint: ${statement.hint}` : ''].filter(Boolean).join('; ');
    return { message: extra ? `${prefix} (${extra})` : prefix, code: 'KPI_DATABASE_ERROR' };
  }
  if (error instanceof KpiError) {
    const where = formatLocation(error.location);
    return { message: `${where ? `${where}: ` : ''}${error.message}${error.hint ? ` (hint: ${error.hint})` : ''}`, code: error.code };
  }
  return { message: `internal error in ${node.name}: ${errorMessage(error)}`, code: 'KPI_INTERNAL' };
}
