import type { Command } from 'commander';
import { api } from '../lazy-api.js';
import { KpiError } from '../../errors.js';
import { untilInterrupted, type CliContext } from '../cli-context.js';

/** `kpi docs generate` and `kpi docs serve`, as dbt has them. */
export function registerDocs(program: Command, cli: CliContext): void {
  const docs = program.command('docs').description('the project documentation site');
  docs
    .command('generate')
    .description('write target/catalog.json and the static site target/index.html')
    .option('--no-compile', 'do not compile the models first (pages show the source SQL)')
    .option('--empty-catalog', 'do not read the catalog from the database')
    .action((flags: { compile: boolean; emptyCatalog?: boolean }) =>
      cli.run(async () => {
        const { docsGenerate } = await api();
        const result = await docsGenerate({ ...cli.projectOptions(), compile: flags.compile, emptyCatalog: flags.emptyCatalog });
        const { nodes, sources } = result.catalog;
        cli.out.write(`Catalog written to ${result.catalogPath} (${Object.keys(nodes).length} nodes, ${Object.keys(sources).length} sources)\n`);
        cli.out.write(`Docs site written to ${result.sitePath}: open it, or run kpi docs serve\n`);
        return 0;
      }),
    );
  docs
    .command('serve')
    .description('serve target/ (the docs site) over HTTP on this machine')
    .option('--port <n>', 'port to listen on', '8080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action((flags: { port: string; host: string }) =>
      cli.run(async () => {
        const { docsServe } = await api();
        const port = Number(flags.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new KpiError('KPI_USAGE', `--port must be a whole number from 0 to 65535, got '${flags.port}'`);
        const { projectDir, profilesDir, target, vars } = cli.projectOptions();
        await untilInterrupted((signal) =>
          docsServe({
            projectDir,
            profilesDir,
            target,
            vars,
            host: flags.host,
            port,
            signal,
            onListening: (server) => cli.out.write(`Serving docs at ${server.url} (Ctrl+C stops)\n`),
          }),
        );
        return 0;
      }),
    );
}
