import type { Command } from 'commander';
import { compileApi } from '../lazy-api.js';
import { addSelectionOptions, type CliContext, type SelectionFlags } from '../cli-context.js';

export function registerCompile(program: Command, cli: CliContext): void {
  addSelectionOptions(program.command('compile').description('render models and tests to target/compiled/'))
    .option('--inline <sql>', 'compile this SQL instead and print it')
    .option('--full-refresh', 'compile incremental models as their full build')
    .option('--empty', "compile refs and sources as 'limit 0' subqueries")
    .action((flags: SelectionFlags & { inline?: string; fullRefresh?: boolean; empty?: boolean }) =>
      cli.run(async () => {
        const { compile, show } = compileApi();
        if (flags.inline !== undefined) {
          const result = await show({ ...cli.projectOptions(), inline: flags.inline, limit: 0 });
          cli.out.write(`${result.sql}\n`);
          return 0;
        }
        const selection = cli.selection(flags);
        const compiled = await compile({ ...cli.projectOptions(), ...selection, fullRefresh: flags.fullRefresh, empty: flags.empty });
        // As dbt 1.5+: a node selected by its name is printed (its tests, selected with it, are only written).
        const named = new Set((selection.select ?? []).map((selector) => selector.split('.').pop()));
        const shown = compiled.length === 1 ? compiled : compiled.filter((node) => named.has(node.name));
        for (const node of shown) cli.out.write(`${cli.flags.quiet ? '' : `Compiled node '${node.name}' is:\n`}${node.sql}\n`);
        // One write for the whole list: a write a line cost 40-80 ms of system calls at 10,000 nodes.
        if (shown.length === 0 && compiled.length > 0) cli.out.write(compiled.map((node) => `${node.path}\n`).join(''));
        return 0;
      }),
    );
}
