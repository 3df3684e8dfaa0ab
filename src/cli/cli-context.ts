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
    return new Reporter(this.out, this.flags.logFormat ?? 'text', Boolean(this.flags.quiet));
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
      onEvent: this.reporter().handle,
    };
  }

  selection(flags: SelectionFlags): SelectionOptions {
    return { select: [...(flags.select ?? []), ...(flags.models ?? [])], exclude: flags.exclude, state: flags.state };
  }

  /** Run a command body; its number is the exit code, a thrown error is printed once and exits 2 (or 1 for run failures). */
  async run(body: () => Promise<number>): Promise<void> {
    try {
      this.exitCode = await body();
    } catch (error) {
      this.err.write(`${renderError(error, Boolean(this.flags.debug))}\n`);
      this.exitCode = error instanceof KpiError ? error.exitCode : 2;
    }
  }
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
