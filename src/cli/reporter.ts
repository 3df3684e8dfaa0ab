import { formatLocation } from '../errors.js';
import type { BatchDescription, NodeDescription, NodeResult, RunEvent } from '../execution/types.js';

export type LogFormat = 'text' | 'json';

type Colour = 'green' | 'red' | 'yellow' | 'dim';
const ANSI: Record<Colour, string> = { green: '32', red: '31', yellow: '33', dim: '2' };

/** The colour of a result tag, by the word it starts with. */
function tagColour(tag: string): Colour | null {
  const word = tag.replace(/^\[/, '').split(/[\s\]]/)[0];
  if (['ERROR', 'FAIL', 'PARTIAL'].includes(word)) return 'red';
  if (['WARN', 'SKIP'].includes(word)) return 'yellow';
  if (word === 'RUN') return null;
  return 'green';
}

export interface Output {
  write(text: string): void;
  /** A terminal (colours allowed), as process.stdout says. */
  isTTY?: boolean;
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
    case 'snapshot':
      return `START snapshot ${relationText(node)}`;
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
      if (node.resource_type === 'snapshot') return { text: `ERROR snapshotting ${relationText(node)}`, tag: `[ERROR ${time}]` };
      return { text: `ERROR creating sql ${node.materialized} model ${relationText(node)}`, tag: `[ERROR ${time}]` };
    default:
      if (node.resource_type === 'seed') return { text: `OK loaded seed file ${relationText(node)}`, tag: `[${result.message ?? 'INSERT'} ${time}]` };
      if (node.resource_type === 'snapshot') return { text: `OK snapshotted ${relationText(node)}`, tag: `[${result.message ?? 'OK'} ${time}]` };
      return { text: `OK created sql ${node.materialized} model ${relationText(node)}`, tag: `[${result.message ?? 'OK'} ${time}]` };
  }
}

/** dbt's batch lines: `Batch 2 of 5 START batch 2024-10-02 of analytics.sessions`. */
function batchText(batch: BatchDescription, verb: string, node: NodeDescription): string {
  return `Batch ${batch.index} of ${batch.total} ${verb} batch ${batch.label} of ${relationText(node)}`;
}

function batchFinishLine(event: Extract<RunEvent, { type: 'batch_finished' }>): { text: string; tag: string } {
  const time = `in ${event.execution_time.toFixed(2)}s`;
  if (event.status === 'skipped') return { text: batchText(event.batch, 'SKIP', event.node), tag: '[SKIP]' };
  if (event.status === 'error') return { text: batchText(event.batch, 'ERROR creating', event.node), tag: `[ERROR ${time}]` };
  return { text: batchText(event.batch, 'OK created', event.node), tag: `[${event.message} ${time}]` };
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

  private readonly format: LogFormat;
  private readonly quiet: boolean;
  private readonly colour: boolean;
  private readonly debug: boolean;

  constructor(
    private readonly out: Output,
    options: { format?: LogFormat; quiet?: boolean; colour?: boolean; debug?: boolean } = {},
  ) {
    this.format = options.format ?? 'text';
    this.quiet = options.quiet ?? false;
    // ANSI colours: the CLI sets this for a terminal, unless NO_COLOR is set.
    this.colour = options.colour ?? false;
    // Debug lines (every statement a node runs) are for logs/kpi.log; the terminal shows them with --debug.
    this.debug = options.debug ?? false;
  }

  private line(text: string): void {
    if (!this.quiet) this.out.write(`${clock()}  ${text}\n`);
  }

  private paint(text: string, colour: Colour | null): string {
    return this.colour && colour ? `\u001b[${ANSI[colour]}m${text}\u001b[0m` : text;
  }

  /** A node's line: the dots, then its tag in the colour of its outcome. */
  private tagged(left: string, tag: string): void {
    const plain = dotted(left, tag);
    this.line(plain.slice(0, plain.length - tag.length) + this.paint(tag, tagColour(tag)));
  }

  handle = (event: RunEvent): void => {
    if (event.type === 'log' && event.level === 'debug' && !this.debug) return;
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
        this.tagged(`${event.index} of ${event.total} ${startLine(event.node)}`, '[RUN]');
        break;
      case 'node_finished': {
        const { text, tag } = finishLine(event.node, event.result);
        this.tagged(`${event.index} of ${event.total} ${text}`, tag);
        break;
      }
      case 'batch_started':
        this.tagged(batchText(event.batch, 'START', event.node), '[RUN]');
        break;
      case 'batch_finished':
        {
          const { text, tag } = batchFinishLine(event);
          this.tagged(text, tag);
        }
        break;
      case 'log':
        this.line(event.level === 'warn' ? `[WARNING] ${event.message}` : event.message);
        break;
      case 'run_finished':
        this.summary(event.results, event.elapsedSeconds, Boolean(event.interrupted));
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

  private summary(results: NodeResult[], seconds: number, interrupted: boolean): void {
    const kinds = Object.entries(this.counts).map(([kind, count]) => plural(count, kind));
    this.line('');
    this.line(`Finished running ${kinds.join(', ') || 'nothing'} in ${duration(seconds)}.`);
    const errors = results.filter((result) => result.status === 'error' || result.status === 'fail');
    const partial = results.filter((result) => result.status === 'partial success');
    const warnings = results.filter((result) => result.status === 'warn');
    this.line('');
    if (interrupted) {
      const cancelled = results.filter((result) => result.error_code === 'KPI_INTERRUPTED').length;
      const notStarted = results.filter((result) => result.status === 'skipped').length;
      this.line(this.paint(`Interrupted: ${plural(cancelled, 'node')} cancelled and rolled back, ${notStarted} not started; kpi retry runs them`, 'red'));
    } else if (errors.length === 0 && partial.length === 0 && warnings.length === 0) this.line(this.paint('Completed successfully', 'green'));
    else {
      const partialText = `${partial.length} partial ${partial.length === 1 ? 'success' : 'successes'}`;
      const colour = errors.length + partial.length > 0 ? 'red' : 'yellow';
      if (partial.length === 0) this.line(this.paint(`Completed with ${plural(errors.length, 'error')} and ${plural(warnings.length, 'warning')}:`, colour));
      else if (errors.length === 0) this.line(this.paint(`Completed with ${partialText} and ${plural(warnings.length, 'warning')}:`, colour));
      else this.line(this.paint(`Completed with ${plural(errors.length, 'error')}, ${partialText}, and ${plural(warnings.length, 'warning')}:`, colour));
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
