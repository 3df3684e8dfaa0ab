import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Paths under target/ for a node's compiled SQL, as dbt lays them out. */
export function compiledPath(targetDir: string, projectName: string, originalFilePath: string): string {
  return join(targetDir, 'compiled', projectName, originalFilePath);
}

export function writeText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Artifacts are compact JSON, as dbt writes them: manifests of big projects run to tens of MB. */
export function writeJson(path: string, value: unknown): void {
  writeText(path, JSON.stringify(value));
}

/**
 * Where a node's compiled SQL goes. Generic tests come from a YAML file, so dbt writes each
 * one inside a folder named after that file: `models/schema.yml/not_null_orders_id.sql`.
 */
export function compiledPathOf(targetDir: string, node: { package_name: string; original_file_path: string; path: string; resource_type: string; test_metadata?: unknown }): string {
  const file = node.resource_type === 'test' && node.test_metadata !== undefined ? `${node.original_file_path}/${node.path}` : node.original_file_path;
  return compiledPath(targetDir, node.package_name, file);
}
