import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './fixtures.js';

const THIRD_PARTY = join(REPO_ROOT, '..', 'shared', 'third-party');

/** A pinned package tarball of ../shared/third-party, unpacked in a fresh temp folder: the package's root. */
export function unpackPackage(tarball: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kpi-third-party-'));
  execFileSync('tar', ['xzf', join(THIRD_PARTY, tarball), '-C', dir]);
  const [top] = readdirSync(dir);
  return join(dir, top);
}

/** A package's integration_tests/ project, unchanged, with the hub packages it installs vendored into its dbt_packages/. */
export function integrationProject(tarball: string, vendored: Record<string, string> = {}): { root: string; project: string } {
  const root = unpackPackage(tarball);
  const project = join(root, 'integration_tests');
  for (const [folder, other] of Object.entries(vendored)) {
    const unpacked = unpackPackage(other);
    cpSync(unpacked, join(project, 'dbt_packages', folder), { recursive: true });
    rmSync(join(unpacked, '..'), { recursive: true, force: true });
  }
  return { root: join(root, '..'), project };
}
