import type { Command } from 'commander';
import { compile, show } from '../../api.js';
import { addSelectionOptions, type CliContext, type SelectionFlags } from '../cli-context.js';

export function registerCompile(program: Command, cli: CliContext): void {
  addSelectionOptions(program.command('compile').description('render models and tests to target/compiled/'))
    .option('--inline <sql>', 'compile this SQL instead and print it')
    .option('--full-refresh', 'compile incremental models as their full build')
    .action((flags: SelectionFlags & { inline?: string; fullRefresh?: boolean }) =>
      cli.run(async () => {
        if (flags.inline !== undefined) {
          const result = await show({ ...cli.projectOptions(), inline: flags.inline, limit: 0 });
          cli.out.write(`${result.sql}\n`);
          return 0;
        }
        const compiled = await compile({ ...cli.projectOptions(), ...cli.selection(flags), fullRefresh: flags.fullRefresh });
        if (compiled.length === 1) cli.out.write(`${compiled[0].sql}\n`);
        else for (const node of compiled) cli.out.write(`${node.path}\n`);
        return 0;
      }),
    );
}
