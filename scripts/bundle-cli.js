// Run by `npm run build` after tsc: dist/bundle/, the CLI and the modules it imports from dist/
// as a few files (dynamic imports kept lazy as their own chunks; packages stay outside). Node
// resolves, reads and links about 270 of kpi's own modules for `kpi run` on a server; a bundle
// costs a third of that CPU (`kpi ls` on the KPI project: 0.37-0.46 s → 0.25-0.30 s).
// bin/kpi.js uses it only when it is at least as new as dist/cli/main.js, so a bare `tsc` that
// rebuilds dist/ without it is never shadowed by an old bundle. Optional: esbuild comes with
// tsx (a dev dependency); without it, or on any failure, the CLI runs from dist/ as before.
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const outdir = fileURLToPath(new URL('../dist/bundle', import.meta.url));
rmSync(outdir, { recursive: true, force: true });
try {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [fileURLToPath(new URL('../dist/cli/main.js', import.meta.url))],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    // Packages are loaded from node_modules as they are; dist/bundle/ is as deep as dist/<folder>/, so paths built from import.meta.url still hold.
    packages: 'external',
    outdir,
    logLevel: 'warning',
  });
  // The yaml package as one file beside the chunks (src/support/yaml-module.ts loads it): Node found,
  // read and compiled its 74 files in 25-35 ms on every command that reads YAML without the cache; one costs 10-13.
  await build({
    entryPoints: [createRequire(import.meta.url).resolve('yaml')],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    outfile: `${outdir}/yaml.cjs`,
    logLevel: 'warning',
  });
} catch (error) {
  rmSync(outdir, { recursive: true, force: true });
  console.log(`kpi: no CLI bundle (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); the CLI runs from dist/`);
}
