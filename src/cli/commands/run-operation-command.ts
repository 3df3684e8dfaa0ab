import type { Command } from 'commander';
import { api } from '../lazy-api.js';
import type { CliContext } from '../cli-context.js';

/** `kpi run-operation MACRO --args '{...}'`: call a macro against the target, as dbt does. */
export function registerRunOperation(program: Command, cli: CliContext): void {
  program
    .command('run-operation')
    .description('call a macro with the target connected (its statements run, its log() lines print); exit 1 when it fails')
    .argument('<macro>', 'the macro: name, or package.name')
    .option('--args <yaml>', "the macro's keyword arguments, as a YAML mapping: '{name: value}'")
    .action((macro: string, flags: { args?: string }) =>
      cli.run(async () => {
        const { runOperation } = await api();
        await runOperation({ ...cli.projectOptions(), macro, args: flags.args });
        return 0;
      }),
    );
}
