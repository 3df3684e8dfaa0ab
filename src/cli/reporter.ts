import { formatLocation } from '../errors.js';
import type { BatchDescription, NodeDescription, NodeResult, RunEvent } from '../execution/types.js';

export type LogFormat = 'text' | 'json';

export interface Output {
  write(text: string): void;
}

function clock(date = new Date()): string {
  return date.toTimeString().slice(0, 8);
}

function dotted(left: string, right: string, width = 80): string {
  const dots = Math.max(3, width - left.length - right.length - 2);
  return `${left} ${'.'.repeat(dots)} ${right}`;
}

function relationText(node: NodeDescription): string {
  return node.relation ? `${node.schema}.${node.alias}` : node.name;
}

function startLine(node: NodeDescription): string {
  switch (node.resource_type) {
    case 'seed':
      return `START seed file ${relationText(node)}`;
    case 'test':
      return `START test ${node.name}`;
    case 'unit_test':
      return `START unit_test ${node.name}`;
    case 'source':
      return `START freshness of ${node.name}`;
    default:
      return `START sql ${node.materialized} model ${relationText(node)}`;
  }
}

/** dbt's freshness lines: a stale source is `ERROR STALE`, one that could not be checked plain `ERROR`. */
function freshnessLine(node: NodeDescription, result: NodeResult, time: string): { text: string; tag: string } {
  const label = result.status === 'pass' ? 'PASS' : result.status === 'warn' ? 'WARN' : result.detail?.freshness_status === 'error' ? 'ERROR STALE' : 'ERROR';
  return { text: `${label} freshness of ${node.name}`, tag: `[${label} ${time}]` };
}

function finishLine(node: NodeDescription, result: NodeResult): { text: string; tag: string } {
  const time = `in ${result.execution_time.toFixed(2)}s`;
  const failures = result.failures ?? 0;
  if (node.resource_type === 'source') return freshnessLine(node, result, time);
  switch (result.status) {
    case 'skipped':
      return { text: `SKIP relation ${relationText(node)}`, tag: '[SKIP]' };
    case 'pass':
      return { text: `PASS ${node.name}`, tag: `[PASS ${time}]` };
    case 'warn':
      return { text: `WARN ${failures} ${node.name}`, tag: `[WARN ${failures} ${time}]` };
    case 'fail':
      return { text: `FAIL ${failures} ${node.name}`, tag: `[FAIL ${failures} ${time}]` };
    case 'partial success':
      // The first line of the message is dbt's `PARTIAL SUCCESS (2/3)`; the failed batches follow it.
      return { text: `PARTIALLY created sql ${node.materialized} model ${relationText(node)}`, tag: `[${(result.message ?? 'PARTIAL SUCCESS').split('\n')[0]} ${time}]` };
    case 'error':
      if (node.resource_type === 'test' || node.resource_type === 'unit_test') return { text: `ERROR ${node.name}`, tag: `[ERROR ${time}]` };
      if (node.resource_type === 'seed') return { text: `ERROR loading seed file ${relationText(node)}`, tag: `[ERROR ${time}]` };
      return { text: `ERROR creating sql ${node.materialized} model ${relationText(node)}`, tag: `[ERROR ${time}]` };
    default:
      if (node.resource_type === 'seed') return { text: `OK loaded seed file ${relationText(node)}`, tag: `[${result.message ?? 'INSERT'} ${time}]` };
      return { text: `OK created sql ${node.materialized} model ${relationText(node)}`, tag: `[${result.message ?? 'OK'} ${time}]` };
  }
}

/** dbt's batch lines: `Batch 2 of 5 START batch 2024-10-02 of analytics.sessions`. */
function batchText(batch: BatchDescription, verb: string, node: NodeDescription): string {
  return `Batch ${batch.index} of ${batch.total} ${verb} batch ${batch.label} of ${relationText(node)}`;
}

function batchFinishLine(event: Extract<RunEvent, { type: 'batch_finished' }>): string {
  const time = `in ${event.execution_time.toFixed(2)}s`;
  if (event.status === 'skipped') return dotted(batchText(event.batch, 'SKIP', event.node), '[SKIP]');
  if (event.status === 'error') return dotted(batchText(event.batch, 'ERROR creating', event.node), `[ERROR ${time}]`);
  return dotted(batchText(event.batch, 'OK created', event.node), `[${event.message} ${time}]`);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function duration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds - hours * 3600 - minutes * 60;
  return `${hours} hours ${minutes} minutes and ${rest.toFixed(2)} seconds (${seconds.toFixed(2)}s)`;
}

/** Turns run events into dbt-shaped log lines, or one JSON object a line. */
export class Reporter {
  private counts: Record<string, number> = {};
  private readonly nodes = new Map<string, NodeDescription>();

  constructor(
    private readonly out: Output,
    private readonly format: LogFormat,
    private readonly quiet = false,
  ) {}

  private line(text: string): void {
    if (!this.quiet) this.out.write(`${clock()}  ${text}\n`);
  }

  handle = (event: RunEvent): void => {
    if (this.format === 'json') {
      this.out.write(`${JSON.stringify({ ts: new Date().toISOString(), ...event })}\n`);
      return;
    }
    switch (event.type) {
      case 'diagnostic': {
        const where = formatLocation(event.diagnostic.location);
        this.line(`[${event.diagnostic.severity === 'error' ? 'ERROR' : 'WARNING'}] ${event.diagnostic.code}: ${where ? `${where}: ` : ''}${event.diagnostic.message}`);
        break;
      }
      case 'run_started': {
        this.counts = event.counts;
        const found = Object.entries(event.counts).map(([kind, count]) => plural(count, kind));
        this.line(`Found ${found.length > 0 ? found.join(', ') : 'nothing to run'}`);
        this.line(`Concurrency: ${event.threads} threads (target='${event.target}', ${event.adapter})`);
        this.line('');
        break;
      }
      case 'node_started':
        this.nodes.set(event.node.unique_id, event.node);
        this.line(dotted(`${event.index} of ${event.total} ${startLine(event.node)}`, '[RUN]'));
        break;
      case 'node_finished': {
        const { text, tag } = finishLine(event.node, event.result);
        this.line(dotted(`${event.index} of ${event.total} ${text}`, tag));
        break;
      }
      case 'batch_started':
        this.line(dotted(batchText(event.batch, 'START', event.node), '[RUN]'));
        break;
      case 'batch_finished':
        this.line(batchFinishLine(event));
        break;
      case 'log':
        this.line(event.message);
        break;
      case 'run_finished':
        this.summary(event.results, event.elapsedSeconds);
        break;
    }
  };

  /** Where a failing test's SQL and (when stored) its failing rows are, as dbt points to them. */
  private testDetails(result: NodeResult): void {
    if (result.status !== 'fail' && result.status !== 'warn') return;
    if (typeof result.detail?.compiled_path === 'string') {
      this.line('');
      this.line(`  compiled code at ${result.detail.compiled_path}`);
    }
    if (typeof result.detail?.failures_relation === 'string') {
      const rule = '-'.repeat(60);
      this.line('');
      this.line('  See test failures:');
      this.line(`  ${rule}`);
      this.line(`  select * from ${result.detail.failures_relation}`);
      this.line(`  ${rule}`);
    }
  }

  private summary(results: NodeResult[], seconds: number): void {
    const kinds = Object.entries(this.counts).map(([kind, count]) => plural(count, kind));
    this.line('');
    this.line(`Finished running ${kinds.join(', ') || 'nothing'} in ${duration(seconds)}.`);
    const errors = results.filter((result) => result.status === 'error' || result.status === 'fail');
    const partial = results.filter((result) => result.status === 'partial success');
    const warnings = results.filter((result) => result.status === 'warn');
    this.line('');
    if (errors.length === 0 && partial.length === 0 && warnings.length === 0) this.line('Completed successfully');
    else {
      const partialText = `${partial.length} partial ${partial.length === 1 ? 'success' : 'successes'}`;
      if (partial.length === 0) this.line(`Completed with ${plural(errors.length, 'error')} and ${plural(warnings.length, 'warning')}:`);
      else if (errors.length === 0) this.line(`Completed with ${partialText} and ${plural(warnings.length, 'warning')}:`);
      else this.line(`Completed with ${plural(errors.length, 'error')}, ${partialText}, and ${plural(warnings.length, 'warning')}:`);
      for (const result of [...errors, ...partial, ...warnings]) {
        this.line('');
        const node = this.nodes.get(result.unique_id);
        const label = result.status === 'warn' ? 'Warning' : result.status === 'fail' ? 'Failure' : result.status === 'partial success' ? 'Partial success' : 'Error';
        const file = typeof result.detail?.file === 'string' ? ` (${result.detail.file})` : '';
        this.line(`${label} in ${node?.resource_type ?? 'node'} ${node?.name ?? result.unique_id}${file}`);
        for (const part of (result.message ?? '').split('\n')) this.line(`  ${part}`);
        this.testDetails(result);
      }
    }
    const count = (statuses: string[]) => results.filter((result) => statuses.includes(result.status)).length;
    this.line('');
    this.line(
      // dbt counts a partial success as an error here.
      `Done. PASS=${count(['success', 'pass'])} WARN=${count(['warn'])} ERROR=${count(['error', 'fail', 'partial success'])} SKIP=${count(['skipped'])} TOTAL=${results.length}`,
    );
  }
}
