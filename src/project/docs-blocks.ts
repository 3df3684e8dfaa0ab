import type { DocBlock } from '../manifest/types.js';

const DOCS_BLOCK = /\{%-?\s*docs\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}([\s\S]*?)\{%-?\s*enddocs\s*-?%\}/g;

/** `{% docs name %}...{% enddocs %}` blocks in a markdown file, as dbt reads them for `doc()`. */
export function extractDocBlocks(text: string, file: string, packageName: string): DocBlock[] {
  return [...text.matchAll(DOCS_BLOCK)].map((match) => ({
    unique_id: `doc.${packageName}.${match[1]}`,
    name: match[1],
    package_name: packageName,
    original_file_path: file,
    block_contents: match[2].trim(),
  }));
}
