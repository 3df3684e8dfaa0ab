import type { Command } from 'commander';
import { api } from '../lazy-api.js';
import { untilInterrupted, type CliContext } from '../cli-context.js';

/** `retry`: the failed and skipped nodes of the last run again (dbt retry). */
export function registerRetry(program: Command, cli: CliContext): void {
  program
    .command('retry')
    .description('run again what failed or was skipped in the last run (of microbatch models, only the failed batches)')
    .option('--state <dir>', 'the folder holding the run_results.json to retry (default: target/)')
    .option('--no-wait', 'fail at once if another run holds the target')
    .option('--lock-timeout <seconds>', 'give up a statement that waits this long for a lock held by another session (server targets)')
    .action((flags: { state?: string; wait?: boolean; lockTimeout?: string }) =>
      cli.run(async () => {
        const { retry } = await api();
        const summary = await untilInterrupted(
          (signal) => retry({ ...cli.projectOptions(), state: flags.state, noWait: flags.wait === false, lockTimeoutSeconds: cli.seconds('--lock-timeout', flags.lockTimeout), signal }),
          cli.interruptNotice,
        );
        return cli.exitCodeOf(summary);
      }),
    );
}
