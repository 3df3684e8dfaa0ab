// Run by `npm install` (package.json prepare and postinstall): make the embedded database's
// template once per installed PGlite, so a new project's first build opens its database from
// it instead of running initdb (src/adapters/pglite/template-cache.ts, docs/embedded-database.md).
// Never required and never fatal: without dist/ (a clone's postinstall, before prepare builds
// it), or on any failure, kpi makes the template at its first initdb instead.
import { existsSync } from 'node:fs';

const module = new URL('../dist/adapters/pglite/open-pglite.js', import.meta.url);
if (process.env.KPI_CACHE_DIR !== 'off' && existsSync(module)) {
  try {
    const started = performance.now();
    const { ensurePgliteTemplate } = await import(module.href);
    const outcome = await ensurePgliteTemplate();
    if (outcome === 'written') console.log(`kpi: embedded database template made in ${((performance.now() - started) / 1000).toFixed(1)}s`);
  } catch (error) {
    console.log(`kpi: no embedded database template (${error instanceof Error ? error.message : String(error)}); the first build makes one`);
  }
}
