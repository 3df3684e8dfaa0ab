import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

let library: { script: string; style: string } | null = null;

/**
 * uPlot's browser build and its stylesheet, read from node_modules once: the page carries
 * them inline, so it loads nothing from the network and works from file://.
 */
export function chartLibrary(): { script: string; style: string } {
  if (!library) {
    const require = createRequire(import.meta.url);
    library = {
      script: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
      style: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    };
  }
  return library;
}
