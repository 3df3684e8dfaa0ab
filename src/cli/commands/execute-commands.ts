import type { Command } from 'commander';
import { executeApi } from '../lazy-api.js';
import { addSelectionOptions, untilInterrupted, type CliContext, type SelectionFlags } from '../cli-context.js';

interface ExecuteFlags extends SelectionFlags {
  fullRefresh?: boolean;
  empty?: boolean;
  failFast?: boolean;
  wait?: boolean;
  storeFailures?: boolean;
  eventTimeStart?: string;
  eventTimeEnd?: string;
  lockTimeout?: string;
}

const DESCRIPTIONS = {
  run: 'build the selected models in dependency order',
  build: 'load seeds, build models and run tests, in dependency order',
  seed: 'load the CSV seeds',
  snapshot: "record the changes of each snapshot's query in its table (type-2 history)",
  test: 'run data tests and unit tests',
} as const;

/** `run`, `build`, `seed`, `snapshot`, `test`: the same flags, one API call each. */
export function registerExecuteCommands(program: Command, cli: CliContext): void {
  for (const name of Object.keys(DESCRIPTIONS) as Array<keyof typeof DESCRIPTIONS>) {
    const command = addSelectionOptions(program.command(name).description(DESCRIPTIONS[name]));
    // A snapshot's history is never rebuilt (dbt's snapshot has no --full-refresh either).
    if (name !== 'snapshot') command.option('--full-refresh', 'rebuild incremental models and seeds from scratch');
    command
      .option('-x, --fail-fast', 'stop at the first failure')
      .option('--no-wait', 'fail at once if another run holds the target')
      .option('--lock-timeout <seconds>', 'give up a statement that waits this long for a lock held by another session (server targets)');
    if (name === 'test' || name === 'build') command.option('--store-failures', "keep each test's failing rows in the audit schema");
    if (name === 'run' || name === 'build') {
      command
        .option('--event-time-start <time>', 'microbatch models: build the batches from this time (UTC), with --event-time-end')
        .option('--event-time-end <time>', 'microbatch models: build the batches up to this time (UTC)')
        .option('--empty', "build models from no rows: refs and sources read as 'limit 0' subqueries (a schema-only build)");
    }
    command.action((flags: ExecuteFlags) =>
      cli.run(async () => {
        const { execute } = await executeApi();
        const summary = await untilInterrupted(
          (signal) =>
            execute(name, {
              ...cli.projectOptions(),
              signal,
              ...cli.selection(flags),
              fullRefresh: flags.fullRefresh,
              empty: flags.empty,
              failFast: flags.failFast,
              noWait: flags.wait === false,
              lockTimeoutSeconds: cli.seconds('--lock-timeout', flags.lockTimeout),
              storeFailures: flags.storeFailures,
              eventTimeStart: flags.eventTimeStart,
              eventTimeEnd: flags.eventTimeEnd,
            }),
          cli.interruptNotice,
        );
        return cli.exitCodeOf(summary);
      }),
    );
  }
}
