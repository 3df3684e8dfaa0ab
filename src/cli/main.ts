import { Command, CommanderError } from 'commander';
import { KPI_VERSION } from '../manifest/version.js';
import { CliContext } from './cli-context.js';
import { registerAlerts } from './commands/alerts-command.js';
import { registerCompile } from './commands/compile-command.js';
import { registerDeps } from './commands/deps-command.js';
import { registerRunOperation } from './commands/run-operation-command.js';
import { registerExecuteCommands } from './commands/execute-commands.js';
import { registerLs } from './commands/ls-command.js';
import { registerProjectCommands } from './commands/project-commands.js';
import { registerRetry } from './commands/retry-command.js';
import { registerShow } from './commands/show-command.js';
import { registerSource } from './commands/source-command.js';
import { registerServe } from './commands/serve-command.js';
import { registerDocs } from './commands/docs-command.js';
import { registerInit } from './commands/init-command.js';
import { registerDashboard } from './commands/dashboard-command.js';

export function createProgram(cli?: CliContext): { program: Command; cli: CliContext } {
  const program = new Command('kpi')
    .description('dbt-style SQL transformations on Postgres, and a KPI mart')
    .version(KPI_VERSION)
    .option('--project-dir <dir>', 'the project directory (default: the current one)')
    .option('--profiles-dir <dir>', 'the folder holding profiles.yml')
    .option('-t, --target <name>', 'the target in the profile')
    .option('--vars <yaml>', "variables, as YAML: '{key: value}'")
    .option('--threads <n>', 'nodes to run at once')
    .option('--log-format <format>', 'text or json', 'text')
    .option('-q, --quiet', 'print only errors')
    .option('--no-partial-parse', 'parse every file again instead of reusing target/partial_parse.json')
    .option('--no-static-parser', 'render every model to parse it, even one whose Jinja is only static ref/source/config calls')
    .option('--debug', 'show stack traces')
    .exitOverride()
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({ outputError: (text, write) => write(oneLineError(text)) });
  const context = cli ?? new CliContext(program, { write: (text) => process.stdout.write(text), isTTY: process.stdout.isTTY }, { write: (text) => process.stderr.write(text) });
  registerExecuteCommands(program, context);
  registerRetry(program, context);
  registerCompile(program, context);
  registerShow(program, context);
  registerLs(program, context);
  registerProjectCommands(program, context);
  registerSource(program, context);
  registerDeps(program, context);
  registerRunOperation(program, context);
  registerAlerts(program, context);
  registerServe(program, context);
  registerDocs(program, context);
  registerInit(program, context);
  registerDashboard(program, context);
  return { program, cli: context };
}

/** commander puts its suggestion on a line of its own: `error: unknown command 'bulid'\n(Did you mean build?)`. */
function oneLineError(text: string): string {
  return text.replace(/\n\(Did you mean (.+)\?\)/, " (did you mean '$1'?)");
}

/**
 * `kpi ls | head -1`: the reader went away, which is how pipes end, not an error. Stop
 * quietly with 0, as git log does, instead of crashing on the unhandled EPIPE.
 */
function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
}

/** The one exit path: commands set a code, nothing calls process.exit deep inside (but a closed pipe). */
export async function main(argv: string[]): Promise<void> {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  const { program, cli } = createProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    throw error;
  }
  process.exitCode = cli.exitCode;
}
