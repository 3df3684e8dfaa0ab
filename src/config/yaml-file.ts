import { readFileSync } from 'node:fs';
import type { Document, LineCounter } from 'yaml';
import { yamlModule } from '../support/yaml-module.js';
import { KpiError, type SourceLocation } from '../errors.js';

export type YamlPath = ReadonlyArray<string | number>;

/** A parsed YAML file that can still say where each value came from. */
export interface YamlFile {
  file: string;
  data: unknown;
  locate(path: YamlPath): SourceLocation;
}

export function parseYaml(text: string, file: string): YamlFile {
  const { LineCounter, parseDocument } = yamlModule();
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const first = document.errors[0];
  if (first) {
    const position = lineCounter.linePos(first.pos[0]);
    throw new KpiError('KPI_YAML_INVALID', `invalid YAML: ${first.message.split('\n')[0]}`, {
      location: { file, line: position.line, column: position.col },
    });
  }
  return {
    file,
    data: document.toJS({ maxAliasCount: 1000 }) ?? {},
    locate: (path) => locateIn(document, lineCounter, file, path),
  };
}

export function readYamlFile(file: string, displayPath = file): YamlFile {
  return parseYaml(readFileSync(file, 'utf8'), displayPath);
}

function locateIn(document: Document, lineCounter: LineCounter, file: string, path: YamlPath): SourceLocation {
  const { isMap, isPair, isScalar } = yamlModule();
  // Walk as deep as the path exists; point at the key when there is one, as editors do.
  for (let depth = path.length; depth > 0; depth--) {
    const parentPath = path.slice(0, depth - 1);
    const parent = parentPath.length === 0 ? document.contents : document.getIn(parentPath, true);
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(path[depth - 1]));
      const keyNode = pair && isScalar(pair.key) ? pair.key : undefined;
      if (keyNode?.range) {
        const position = lineCounter.linePos(keyNode.range[0]);
        return { file, line: position.line, column: position.col };
      }
    }
    const node = document.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) {
      const position = lineCounter.linePos(node.range[0]);
      return { file, line: position.line, column: position.col };
    }
  }
  return { file };
}

export function formatYamlPath(path: YamlPath): string {
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}
