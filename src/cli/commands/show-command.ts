import type { Command } from 'commander';
import { compileApi } from '../lazy-api.js';
import { formatTable } from '../format-table.js';
import type { CliContext } from '../cli-context.js';

export function registerShow(program: Command, cli: CliContext): void {
  program
    .command('show')
    .description("preview a model's rows (or an inline query) without building anything")
    .option('-s, --select <model>', 'the model to preview')
    .option('--inline <sql>', 'SQL to run instead of a model')
    .option('--limit <n>', 'rows to show', '5')
    .option('--output <format>', 'table or json', 'table')
    .action((flags: { select?: string; inline?: string; limit: string; output: string }) =>
      cli.run(async () => {
        const { show } = compileApi();
        const result = await show({ ...cli.projectOptions(), select: flags.select ? [flags.select] : undefined, inline: flags.inline, limit: Number(flags.limit) });
        cli.out.write(flags.output === 'json' ? `${JSON.stringify(result.rows, null, 2)}\n` : formatTable(result.columns, result.rows));
        return 0;
      }),
    );
}
