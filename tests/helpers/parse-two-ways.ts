import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileSession, parse, type ProjectOptions } from '../../src/api.js';
import { compileNode } from '../../src/compile/compile-node.js';
import type { TargetConfig } from '../../src/config/profiles.js';

export interface TwoWays {
  manifests: [string, string];
  compiled: [Record<string, string>, Record<string, string>];
  /** How many of the compiled nodes `takesFastPath` accepts under the first way. */
  fastNodes: number;
}

/**
 * `dir` parsed and compiled twice, with `ways[0]` then `ways[1]` added to the same options (one
 * invocation id, clock and environment, no partial parse), for comparing a fast path with the
 * way it stands in for: both manifest.json texts and the compiled SQL of the nodes of `kinds`.
 */
export async function parseTwoWays(
  dir: string,
  target: TargetConfig,
  ways: [Partial<ProjectOptions>, Partial<ProjectOptions>],
  kinds: readonly string[],
  takesFastPath: (rawCode: string) => boolean,
): Promise<TwoWays> {
  const common = { projectDir: dir, targetConfig: target, partialParse: false, invocationId: 'same-invocation', now: new Date('2026-01-02T03:04:05Z'), env: {} };
  const results: Array<{ manifest: string; compiled: Record<string, string> }> = [];
  let fastNodes = 0;
  for (const [index, way] of ways.entries()) {
    const parsed = await parse({ ...common, ...way });
    const manifest = readFileSync(join(parsed.targetDir, 'manifest.json'), 'utf8');
    const session = compileSession(parsed, {});
    const compiled: Record<string, string> = {};
    for (const node of Object.values(parsed.manifest.nodes)) {
      if (!kinds.includes(node.resource_type)) continue;
      if (index === 0 && takesFastPath(node.raw_code)) fastNodes++;
      compiled[node.unique_id] = await compileNode(session, node).catch((error: Error) => `error: ${error.message}`);
    }
    results.push({ manifest, compiled });
  }
  return { manifests: [results[0].manifest, results[1].manifest], compiled: [results[0].compiled, results[1].compiled], fastNodes };
}
