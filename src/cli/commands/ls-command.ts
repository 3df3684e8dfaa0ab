import type { Command } from 'commander';
import type { ListOutput, SelectableType } from '../../api.js';
import { parseApi } from '../lazy-api.js';
import { addSelectionOptions, type CliContext, type SelectionFlags } from '../cli-context.js';

export function registerLs(program: Command, cli: CliContext): void {
  addSelectionOptions(program.command('ls').alias('list').description('list the selected resources'))
    .option('--resource-type <types...>', 'model, seed, test, unit_test, snapshot, source, analysis, exposure')
    .option('--output <format>', 'selector, name, path or json', 'selector')
    .option('--output-keys <keys...>', 'keys to print with --output json')
    .action((flags: SelectionFlags & { resourceType?: SelectableType[]; output: ListOutput; outputKeys?: string[] }) =>
      cli.run(async () => {
        const { list } = await parseApi();
        const lines = await list({
          ...cli.projectOptions(),
          ...cli.selection(flags),
          resourceTypes: flags.resourceType,
          output: flags.output,
          outputKeys: flags.outputKeys,
          onEvent: undefined,
        });
        for (const line of lines) cli.out.write(`${line}\n`);
        return 0;
      }),
    );
}
