import { closeSync, openSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Manifest } from '../manifest/types.js';
import { writeText } from '../support/write-file.js';

/** What the last full write left: the manifest's generation, its metadata's length in bytes, and the file as written. */
interface WrittenManifest {
  generation: string | null;
  metadataBytes: number;
  size: number;
  mtimeMs: number;
}

const HEAD = '{"metadata":';

function recordPath(path: string): string {
  return join(dirname(path), '.kpi-manifest.json');
}

function readRecord(path: string): WrittenManifest | null {
  try {
    const record = JSON.parse(readFileSync(recordPath(path), 'utf8')) as Partial<WrittenManifest>;
    if (typeof record.generation !== 'string' || typeof record.metadataBytes !== 'number' || typeof record.size !== 'number' || typeof record.mtimeMs !== 'number') return null;
    return record as WrittenManifest;
  } catch {
    return null;
  }
}

function remember(path: string, generation: string | null, metadataBytes: number): void {
  const stats = statSync(path);
  writeText(recordPath(path), JSON.stringify({ generation, metadataBytes, size: stats.size, mtimeMs: stats.mtimeMs } satisfies WrittenManifest));
}

/**
 * The file already holds this generation's manifest (written by a parse of the same
 * generation and untouched since: same size and modification time) and its metadata is as
 * long as the new one: write the new metadata (invocation id, generation time) over the old,
 * in place. Anything else answers false and the whole manifest is written (by writeManifest;
 * a replayed compile, api/compile-replay.ts, falls back to a parse instead).
 */
export function rewriteManifestMetadata(path: string, generation: string, metadata: Buffer): boolean {
  const record = readRecord(path);
  if (!record || record.generation !== generation || record.metadataBytes !== metadata.length) return false;
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return false;
  }
  if (stats.size !== record.size || stats.mtimeMs !== record.mtimeMs) return false;
  const fd = openSync(path, 'r+');
  try {
    // The old head must be what was recorded: `{"metadata":{...},`.
    const head = Buffer.alloc(HEAD.length + metadata.length + 1);
    if (readSync(fd, head, 0, head.length, 0) !== head.length) return false;
    const text = head.toString('utf8');
    if (!text.startsWith(HEAD) || !text.endsWith(',')) return false;
    try {
      JSON.parse(text.slice(HEAD.length, -1));
    } catch {
      return false;
    }
    writeSync(fd, metadata, 0, metadata.length, HEAD.length);
  } finally {
    closeSync(fd);
  }
  remember(path, generation, metadata.length);
  return true;
}

/**
 * target/manifest.json. A parse that reuses the last one whole (the same manifest
 * generation, project/partial-parse.ts) gives the same manifest apart from its metadata: then
 * only the metadata is written, over the old (serialising and writing 15 MB at 10,000 models
 * cost a tenth of an unchanged compile). `generation` null (no partial parse) always writes
 * the whole file. A deleted, edited or damaged manifest, or a damaged record of it
 * (target/.kpi-manifest.json), is written whole.
 */
export function writeManifest(path: string, manifest: Manifest, generation: string | null): void {
  const metadata = Buffer.from(JSON.stringify(manifest.metadata));
  if (generation !== null && rewriteManifestMetadata(path, generation, metadata)) return;
  const text = JSON.stringify(manifest);
  writeText(path, text);
  // Recorded only when the metadata opens the file, as it always does (it is the manifest's first key).
  if (text.startsWith(`${HEAD}${metadata.toString('utf8')},`)) remember(path, generation, metadata.length);
}
