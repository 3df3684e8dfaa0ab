import { Option, type Command } from 'commander';
import type { ServeOptions } from '../../api.js';
import { api } from '../lazy-api.js';
import { KpiError } from '../../errors.js';
import type { CliContext } from '../cli-context.js';
import { untilInterrupted } from '../cli-context.js';

interface ServeFlags {
  port?: string;
  host?: string;
  maxConnections?: string;
  printUrl?: boolean;
  showPassword?: boolean;
  stop?: boolean;
  wait?: boolean;
  dataDir?: string;
}

function wholeNumber(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) throw new KpiError('KPI_USAGE', `${flag} must be a whole number from ${min} to ${max}, got '${value}'`);
  return number;
}

/** `kpi serve`: the embedded database over the Postgres wire protocol, for psql and BI tools. */
export function registerServe(program: Command, cli: CliContext): void {
  program
    .command('serve')
    .description('serve the embedded database to psql and BI tools over the Postgres protocol')
    .option('--port <n>', 'port to listen on (default 5433; 0 picks a free one)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--max-connections <n>', 'client connections at once (default 16)')
    .option('--print-url', 'start a server in the background unless one runs; print only its URL')
    .option('--show-password', 'with --print-url on a postgres target: keep the password in the URL')
    .option('--stop', 'stop the server of this project')
    .option('--no-wait', 'fail at once if a kpi run holds the database')
    .addOption(new Option('--data-dir <dir>', 'serve this embedded data directory (how --print-url starts its server)').hideHelp())
    .action((flags: ServeFlags) =>
      cli.run(async () => {
        const { serve, serverUrl, stopServer } = await api();
        const { projectDir, profilesDir, target, vars } = cli.projectOptions();
        const options: ServeOptions = {
          projectDir,
          profilesDir,
          target,
          vars,
          dataDir: flags.dataDir,
          host: flags.host,
          port: wholeNumber('--port', flags.port, 0, 65535),
          maxConnections: wholeNumber('--max-connections', flags.maxConnections, 1, 1000),
          noWait: flags.wait === false,
          onWaiting: () => cli.err.write('Waiting for another kpi run on this database to finish...\n'),
        };
        if (flags.stop) {
          const stopped = await stopServer(options);
          cli.out.write(
            stopped.stopped ? `Stopped kpi serve (pid ${stopped.pid})${stopped.url ? ` at ${stopped.url}` : ''}\n` : `No kpi serve is running${stopped.dataDir ? ` for ${stopped.dataDir}` : ''}\n`,
          );
          return 0;
        }
        if (flags.printUrl) {
          const found = await serverUrl({ ...options, showPassword: flags.showPassword });
          cli.out.write(`${found.url}\n`);
          if (found.passwordHidden) cli.err.write('(the password is left out of the URL: psql reads it from PGPASSWORD or ~/.pgpass; --show-password includes it)\n');
          return 0;
        }
        const outcome = await untilInterrupted((signal) =>
          serve({
            ...options,
            signal,
            onListening: (server) => {
              const schema = server.schema ? `, models in schema ${server.schema}` : '';
              cli.out.write(
                `${server.url}\nServing ${server.dataDir ?? 'an in-memory database'}${schema} on ${server.host}:${server.port}: psql "${server.url}". Ctrl+C (or kpi serve --stop) stops it.\n`,
              );
            },
          }),
        );
        if (outcome.kind === 'postgres') cli.out.write(`Target '${outcome.target}' is a Postgres server: psql and BI tools reach it directly at ${outcome.url}. Nothing to serve.\n`);
        else cli.out.write('Stopped.\n');
        return 0;
      }),
    );
}
