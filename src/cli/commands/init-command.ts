import type { Command } from 'commander';
import { api } from '../lazy-api.js';
import type { CliContext } from '../cli-context.js';

/** `kpi init [name]`: scaffold a project that builds on the embedded database at once. */
export function registerInit(program: Command, cli: CliContext): void {
  program
    .command('init [name]')
    .description('create a new project (a seed, two models with tests, a profile for the embedded database)')
    .action((name: string | undefined) =>
      cli.run(async () => {
        const { init } = await api();
        const created = init({ name, directory: cli.flags.projectDir });
        cli.out.write(`Created project '${created.name}' in ${created.projectDir}:\n${created.files.map((file) => `  ${file}`).join('\n')}\n`);
        cli.out.write(`\nNext: ${name ? `cd ${name} && ` : ''}npx kpi build\n`);
        return 0;
      }),
    );
}
