import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Relation } from '../adapters/relation.js';
import { Diagnostics } from '../support/diagnostics.js';
import { sha256 } from '../project/checksum.js';
import type { DiscoveredFile } from '../project/discover-files.js';
import { checkConfigKey, mergeConfig, normalizeConfigKey } from '../project/node-config.js';
import { baseNode, parseHost, projectFileConfigs, type ParseContext } from '../project/parse-nodes.js';
import type { ManifestNode } from '../manifest/types.js';
import { renderTemplate } from '../template/render-template.js';
import type { CollectedCalls } from './build-generic-test.js';
import { finalizeTestConfig } from './test-config.js';

function configLine(raw: string): number | undefined {
  const match = /config\s*\(/.exec(raw);
  return match ? raw.slice(0, match.index).split('\n').length : undefined;
}

/**
 * A `.sql` file in a test path: a query returning the rows that break a rule. Its config
 * comes from the project's `tests:` tree and its own `{{ config() }}`; its refs and
 * sources become edges, as for models.
 */
export async function parseSingularTest(file: DiscoveredFile, context: ParseContext): Promise<{ node: ManifestNode; calls: CollectedCalls }> {
  const raw = readFileSync(file.absolute, 'utf8');
  const name = basename(file.path, '.sql');
  const node = baseNode('test', file, name, raw, sha256(raw), context);
  const projectConfigs = projectFileConfigs(context, 'tests', node.package_name, node.fqn.slice(1));
  const projectConfig = mergeConfig(projectConfigs.own, projectConfigs.root);
  const location = { file: file.path, line: configLine(raw) };
  // Provisional, so `config.get()` answers while the file renders; problems are reported after.
  node.config = finalizeTestConfig(projectConfig, name, new Diagnostics(), location);

  const calls: CollectedCalls = { refs: [], sources: [] };
  let inFile: Record<string, unknown> = {};
  const host = parseHost(context, node, {
    ref: (refName, pkg, version) => {
      calls.refs.push({ name: refName, package: pkg, version });
      return Relation.create(context.target.schema, refName, null, context.target.database);
    },
    source: (sourceName, tableName) => {
      calls.sources.push([sourceName, tableName]);
      return Relation.create(sourceName, tableName, null, context.target.database);
    },
    setConfig: (values) => {
      inFile = mergeConfig(inFile, values);
    },
  });
  await renderTemplate(context.runtime, context.runtime.template(`${file.path}:${node.checksum.checksum}`, raw, file.path), host, file.path);
  for (const key of Object.keys(inFile)) checkConfigKey(normalizeConfigKey(key), [name, 'config', key], context.diagnostics, () => location);
  node.config = finalizeTestConfig(mergeConfig(mergeConfig(projectConfigs.own, inFile), projectConfigs.root), name, context.diagnostics, location);
  node.tags = node.config.tags;
  return { node, calls };
}
