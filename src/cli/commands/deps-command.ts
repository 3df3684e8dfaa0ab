import type { Command } from 'commander';
import { api } from '../lazy-api.js';
import type { CliContext } from '../cli-context.js';

/** `kpi deps`: install packages.yml's local packages; check that git/hub/tarball ones are vendored. */
export function registerDeps(program: Command, cli: CliContext): void {
  program
    .command('deps')
    .description('install the packages listed in packages.yml into dbt_packages/')
    .action(() =>
      cli.run(async () => {
        const { deps } = await api();
        const { projectDir, vars } = cli.projectOptions();
        const reports = deps({ projectDir, vars });
        for (const report of reports) cli.out.write(`${report.action === 'installed' ? 'Installed' : 'Found vendored'} ${report.name} (${report.spec}) in ${report.path}\n`);
        cli.out.write(reports.length === 0 ? 'No packages to install\n' : `${reports.length} package${reports.length === 1 ? '' : 's'} ready\n`);
        return 0;
      }),
    );
}
