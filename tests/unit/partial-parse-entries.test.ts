import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from '../../src/api.js';
import type { TargetConfig } from '../../src/config/profiles.js';
import type { ManifestNode } from '../../src/manifest/types.js';
import { serialiseNode } from '../../src/project/partial-parse.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

const target: TargetConfig = { type: 'pglite', name: 'dev', profileName: 'test', schema: 'ppe', threads: 1, path: null };
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) removeDir(dir);
});

/** A node as parsing makes them, with a created_at between other keys and after them. */
function node(createdAt: number, meta: Record<string, unknown> = {}): ManifestNode {
  return {
    unique_id: 'model.p.a',
    name: 'a',
    raw_code: 'select "created_at":1 as x -- "created_at"',
    meta,
    created_at: createdAt,
    version: 2,
  } as unknown as ManifestNode;
}

describe('a partial-parse entry serialised once', () => {
  it('is the node as JSON.stringify writes it, and hashes the same whatever its parse time', () => {
    const first = node(1796577084.762);
    const second = node(1800000000.5);
    expect(serialiseNode(first).json).toBe(JSON.stringify(first));
    expect(serialiseNode(second).json).toBe(JSON.stringify(second));
    expect(serialiseNode(first).hash).toBe(serialiseNode(second).hash);
    expect(serialiseNode(first).hash).not.toBe(serialiseNode(node(1796577084.762, { owner: 'b' })).hash);
    // The node is left as it was.
    expect(first.created_at).toBe(1796577084.762);
  });

  it('is still exact when the node holds what stands for its parse time', () => {
    // The stand-in number, nested in meta: the text is then serialised again, never spliced.
    const planted = node(1796577084.762, { created_at: -1.2345e-300 });
    expect(serialiseNode(planted).json).toBe(JSON.stringify(planted));
    expect(serialiseNode(planted).hash).toBe(serialiseNode(node(5, { created_at: -1.2345e-300 })).hash);
  });

  it('is written as JSON.stringify writes the whole cache', async () => {
    const dir = makeProject({
      'kpi_project.yml': 'name: ppe\n',
      'models/a.sql': "{{ config(tags=['x']) }}select 1 as id, 'é' as s",
      'models/b.sql': 'select * from {{ ref(\'a\') }} where \'{{ var("day", "none") }}\' is not null',
    });
    dirs.push(dir);
    await parse({ projectDir: dir, targetConfig: target, env: {} });
    const text = readFileSync(join(dir, 'target', 'partial_parse.json'), 'utf8');
    const cache = JSON.parse(text) as { files: Record<string, { node: ManifestNode; hash: string }> };
    expect(JSON.stringify(cache)).toBe(text);
    for (const entry of Object.values(cache.files)) expect(entry.hash).toBe(serialiseNode(entry.node).hash);
  });
});
