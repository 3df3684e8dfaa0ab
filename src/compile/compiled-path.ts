import { join } from 'node:path';

/** Paths under target/ for a node's compiled SQL (`compiled/`) or the statements it ran (`run/`), as dbt lays them out. */
export function compiledPath(targetDir: string, projectName: string, originalFilePath: string, folder: 'compiled' | 'run' = 'compiled'): string {
  return join(targetDir, folder, projectName, originalFilePath);
}

/**
 * Where a node's compiled SQL goes. Generic tests come from a YAML file, so dbt writes each
 * one inside a folder named after that file: `models/schema.yml/not_null_orders_id.sql`.
 */
export function compiledPathOf(
  targetDir: string,
  node: { package_name: string; original_file_path: string; path: string; resource_type: string; name?: string; test_metadata?: unknown },
  folder: 'compiled' | 'run' = 'compiled',
): string {
  // A file (or YAML) may hold several snapshots: each gets its own file, in a folder named after the file.
  if (node.resource_type === 'snapshot' && node.name) return compiledPath(targetDir, node.package_name, `${node.original_file_path.replace(/\.(sql|ya?ml)$/, '')}/${node.name}.sql`, folder);
  const file = node.resource_type === 'test' && node.test_metadata !== undefined ? `${node.original_file_path}/${node.path}` : node.original_file_path;
  return compiledPath(targetDir, node.package_name, file, folder);
}
