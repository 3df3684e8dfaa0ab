import { createRequire } from 'node:module';
import type * as CsvParse from 'csv-parse/sync';

let loaded: typeof CsvParse | undefined;

/**
 * csv-parse's synchronous parser, loaded on its first use: a parse whose CSV results all come
 * from the parse cache (config/yaml-cache.ts) does not load it. Node's `require` entry point
 * of csv-parse is its CommonJS build of the same source.
 */
export function csvParser(): typeof CsvParse {
  loaded ??= createRequire(import.meta.url)('csv-parse/sync') as typeof CsvParse;
  return loaded;
}
