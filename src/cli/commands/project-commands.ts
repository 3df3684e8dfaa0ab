import type { Command } from 'commander';
import { api, parseApi } from '../lazy-api.js';
import type { CliContext } from '../cli-context.js';

/** `parse`, `debug`, `clean`: commands about the project itself. */
export function registerProjectCommands(program: Command, cli: CliContext): void {
  program
    .command('parse')
    .description('parse the project and write target/manifest.json')
    .action(() =>
      cli.run(async () => {
        const { parse } = await parseApi();
        const parsed = await parse(cli.projectOptions());
        const counts: Record<string, number> = {};
        for (const node of Object.values(parsed.manifest.nodes)) counts[node.resource_type] = (counts[node.resource_type] ?? 0) + 1;
        counts.source = Object.keys(parsed.manifest.sources).length;
        counts.macro = Object.values(parsed.manifest.macros).filter((macro) => macro.package_name === parsed.loaded.config.name).length;
        cli.out.write(
          `Parsed ${Object.entries(counts)
            .map(([kind, count]) => `${count} ${kind}${count === 1 ? '' : 's'}`)
            .join(', ')}\n`,
        );
        return 0;
      }),
    );

  program
    .command('debug')
    .description('show the resolved configuration and test the connection')
    .action(() =>
      cli.run(async () => {
        const { debug } = await api();
        const { projectDir, profilesDir, target, vars, threads } = cli.projectOptions();
        const report = await debug({ projectDir, profilesDir, target, vars, threads });
        cli.out.write(`kpi version: ${report.kpiVersion}\nnode: ${report.nodeVersion}\nproject file: ${report.projectFile}\nprofile: ${report.profileName ?? '(none: embedded database)'}\n`);
        cli.out.write('target:\n');
        for (const [key, value] of Object.entries(report.target)) cli.out.write(`  ${key}: ${value === null ? '' : String(value)}\n`);
        cli.out.write(`connection: ${report.connection.ok ? 'OK' : 'FAILED'} ${report.connection.message}\n`);
        if (report.connection.serverVersion) cli.out.write(`server: ${report.connection.serverVersion}\n`);
        return report.connection.ok ? 0 : 1;
      }),
    );

  program
    .command('clean')
    .description('delete target/ and the clean-targets folders')
    .action(() =>
      cli.run(async () => {
        const { clean } = await api();
        const { projectDir, profilesDir, target, vars } = cli.projectOptions();
        for (const path of clean({ projectDir, profilesDir, target, vars })) cli.out.write(`Removed ${path}\n`);
        return 0;
      }),
    );
}
