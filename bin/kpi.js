#!/usr/bin/env node
import { statSync } from 'node:fs';

// `kpi --version` is asked by scripts and editors on every start: answer it before loading the CLI.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { KPI_VERSION } = await import('../dist/manifest/version.js');
  process.stdout.write(`${KPI_VERSION}\n`);
} else {
  const { main } = await import(bundleIsCurrent() ? '../dist/bundle/main.js' : '../dist/cli/main.js');
  await main(process.argv);
}

/** The bundle (scripts/bundle-cli.js) loads faster; it is used when it was made from the dist/ there is now. */
function bundleIsCurrent() {
  const modified = (path) => statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs;
  const bundle = modified('../dist/bundle/main.js');
  const source = modified('../dist/cli/main.js');
  return bundle !== undefined && source !== undefined && bundle >= source;
}
