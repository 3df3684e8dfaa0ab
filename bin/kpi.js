#!/usr/bin/env node
// `kpi --version` is asked by scripts and editors on every start: answer it before loading the CLI.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { KPI_VERSION } = await import('../dist/manifest/version.js');
  process.stdout.write(`${KPI_VERSION}\n`);
} else {
  const { main } = await import('../dist/cli/main.js');
  await main(process.argv);
}
