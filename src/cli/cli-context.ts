import type { Command } from 'commander';
import type { ProjectOptions, SelectionOptions } from '../api.js';
import { formatError, KpiError } from '../errors.js';
import { DiagnosticsError, formatDiagnostic } from '../support/diagnostics.js';
import { Reporter, type LogFormat, type Output } from './reporter.js';

export interface GlobalFlags {
  projectDir?: string;
  profilesDir?: string;
  target?: string;
  vars?: string;
  threads?: string;
  debug?: boolean;
  logFormat?: LogFormat;
  quiet?: boolean;
  partialParse?: boolean;
  staticParser?: boolean;
}

export interface SelectionFlags {
  select?: string[];
  models?: string[];
  exclude?: string[];
  state?: string;
}

/** What every command file gets: the global flags as API options, output, and the one exit path. */
export class CliContext {
  exitCode = 0;

  constructor(
    readonly program: Command,
    readonly out: Output,
    readonly err: Output,
  ) {}

  get flags(): GlobalFlags {
    return this.program.opts<GlobalFlags>();
  }

  reporter(): Reporter {
    return new Reporter(this.out, { format: this.flags.logFormat ?? 'text', quiet: Boolean(this.flags.quiet), colour: this.colour, debug: Boolean(this.flags.debug) });
  }

  /** Colours on a terminal, never in a pipe or a file, and never when NO_COLOR is set (no-color.org). */
  get colour(): boolean {
    return Boolean(this.out.isTTY) && !process.env.NO_COLOR && this.flags.logFormat !== 'json';
  }

  projectOptions(): ProjectOptions {
    const flags = this.flags;
    let threads: number | undefined;
    if (flags.threads !== undefined) {
      threads = Number(flags.threads);
      if (!Number.isInteger(threads) || threads < 1) throw new KpiError('KPI_USAGE', `--threads must be a positive whole number, got '${flags.threads}'`);
    }
    return {
      projectDir: flags.projectDir,
      profilesDir: flags.profilesDir,
      target: flags.target,
      vars: flags.vars,
      threads,
      partialParse: flags.partialParse,
      staticParser: flags.staticParser,
      onEvent: this.reporter().handle,
    };
  }

  /** A flag's number of seconds (a positive number, fractions allowed), or undefined when it is not given. */
  seconds(flag: string, value: string | undefined): number | undefined {
    if (value === undefined) return undefined;
    const seconds = Number(value);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new KpiError('KPI_USAGE', `${flag} must be a positive number of seconds, got '${value}'`);
    return seconds;
  }

  /** What the first Ctrl-C of a run prints. */
  interruptNotice = (): void => {
    this.err.write('Interrupted: cancelling what runs and starting nothing new; run results are written, and kpi retry runs the rest. Ctrl-C again quits at once.\n');
  };

  /** 0 when everything passed, 130 when Ctrl-C stopped the run, else 1. */
  exitCodeOf(summary: { success: boolean; interrupted: boolean }): number {
    if (summary.interrupted) return 130;
    return summary.success ? 0 : 1;
  }

  selection(flags: SelectionFlags): SelectionOptions {
    return { select: [...(flags.select ?? []), ...(flags.models ?? [])], exclude: flags.exclude, state: flags.state };
  }

  /** Run a command body; its number is the exit code, a thrown error is printed once and exits 2 (or 1 for run failures). */
  async run(body: () => Promise<number>): Promise<void> {
    try {
      this.exitCode = await body();
    } catch (error) {
      if (this.flags.logFormat === 'json') this.out.write(`${JSON.stringify(errorEvent(error, Boolean(this.flags.debug)))}\n`);
      else this.err.write(`${renderError(error, Boolean(this.flags.debug))}\n`);
      this.exitCode = error instanceof KpiError ? error.exitCode : 2;
    }
  }
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Run `fn` with a signal that Ctrl-C (or SIGTERM, SIGHUP) aborts, so the command stops
 * cleanly; a second one quits at once with 130. `onStop` says what the first one does.
 */
export async function untilInterrupted<T>(fn: (signal: AbortSignal) => Promise<T>, onStop?: () => void): Promise<T> {
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(130);
    onStop?.();
    controller.abort();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, stop);
  try {
    return await fn(controller.signal);
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, stop);
  }
}

/** An error as one JSON log line, in the shape of the other events. */
function errorEvent(error: unknown, debug: boolean): Record<string, unknown> {
  const base = { ts: new Date().toISOString(), type: 'error', level: 'error' };
  if (error instanceof DiagnosticsError) return { ...base, code: error.code, message: error.message, location: error.location ?? null, hint: error.hint ?? null, errors: error.errors };
  if (error instanceof KpiError) return { ...base, code: error.code, message: error.message, location: error.location ?? null, hint: error.hint ?? null, node: error.node ?? null };
  return { ...base, code: 'KPI_INTERNAL', message: formatError(error, debug) };
}

export function addSelectionOptions(command: Command): Command {
  return command
    .option('-s, --select <selectors...>', 'nodes to include (dbt selector syntax)')
    .option('-m, --models <selectors...>', 'alias of --select')
    .option('--exclude <selectors...>', 'nodes to leave out')
    .option('--state <dir>', 'folder with an earlier manifest.json, for state: selectors');
}

/** A load's errors one after another, each with its own hint; any other error as formatError shows it. */
function renderError(error: unknown, debug: boolean): string {
  if (!(error instanceof DiagnosticsError) || error.errors.length < 2) return formatError(error, debug);
  const lines = [...error.errors.map(formatDiagnostic), `${error.errors.length} errors`];
  if (debug && error.stack) lines.push(error.stack);
  return lines.join('\n');
}
