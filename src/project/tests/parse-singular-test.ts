import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Diagnostics } from '../../support/diagnostics.js';
import { sha256 } from '../checksum.js';
import type { DiscoveredFile } from '../discover-files.js';
import { checkConfigKey, mergeConfig, normalizeConfigKey } from '../node-config.js';
import { baseNode, projectFileConfigs, type ParseContext, recordingHost, type CollectedCalls } from '../parse-nodes.js';
import type { ManifestNode } from '../../manifest/types.js';
import { renderTemplate } from '../../template/render-template.js';
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

  let inFile: Record<string, unknown> = {};
  const { host, calls } = recordingHost(context, node, (values) => {
    inFile = mergeConfig(inFile, values);
  });
  await renderTemplate(context.runtime, context.runtime.template(`${file.path}:${node.checksum.checksum}`, raw, file.path), host, file.path);
  for (const key of Object.keys(inFile)) checkConfigKey(normalizeConfigKey(key), [name, 'config', key], context.diagnostics, () => location);
  node.config = finalizeTestConfig(mergeConfig(mergeConfig(projectConfigs.own, inFile), projectConfigs.root), name, context.diagnostics, location);
  node.tags = node.config.tags;
  return { node, calls };
}
