import type { Command } from 'commander';
import { api } from '../lazy-api.js';
import { addSelectionOptions, type CliContext, type SelectionFlags } from '../cli-context.js';

/** `kpi source freshness`: exit 1 when a source is past its error_after (or cannot be checked). */
export function registerSource(program: Command, cli: CliContext): void {
  const source = program.command('source').description('commands about sources');
  addSelectionOptions(source.command('freshness').description('check how recently each source was loaded; write target/sources.json'))
    .option('-o, --output <path>', 'where to write the results (default target/sources.json)')
    .action((flags: SelectionFlags & { output?: string }) =>
      cli.run(async () => {
        const { sourceFreshness } = await api();
        const summary = await sourceFreshness({ ...cli.projectOptions(), ...cli.selection(flags), output: flags.output });
        return summary.success ? 0 : 1;
      }),
    );
}
