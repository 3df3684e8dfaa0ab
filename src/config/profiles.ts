import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { KpiError, didYouMean } from '../errors.js';
import { checkUnknownKey, type Diagnostics } from '../support/diagnostics.js';
import { renderConfigStrings, type ConfigRenderContext } from './render-config.js';
import { readYamlFile, type YamlFile } from './yaml-file.js';

interface TargetBase {
  /** The target's name (`dev`, `prod`), as `target.name` shows it. */
  name: string;
  profileName: string;
  schema: string;
  threads: number;
}

export interface PgliteTarget extends TargetBase {
  type: 'pglite';
  /** Absolute data directory, or null for an in-memory database. */
  path: string | null;
}

export interface PostgresTarget extends TargetBase {
  type: 'postgres';
  url: string | null;
  host: string | null;
  port: number;
  user: string | null;
  password: string | null;
  dbname: string | null;
  sslmode: string | null;
  sslrootcert: string | null;
  sslcert: string | null;
  sslkey: string | null;
  connectTimeout: number | null;
}

export type TargetConfig = PgliteTarget | PostgresTarget;

export const DEFAULT_SCHEMA = 'kpi_sandbox';
export const DEFAULT_EMBEDDED_PATH = '.kpi/pglite';

const POSTGRES_KEYS = ['type', 'host', 'port', 'user', 'username', 'password', 'pass', 'dbname', 'database', 'schema', 'threads', 'url', 'sslmode', 'connect_timeout', 'keepalives_idle', 'search_path', 'role', 'retries', 'sslcert', 'sslkey', 'sslrootcert', 'application_name'];
const PGLITE_KEYS = ['type', 'path', 'schema', 'threads'];

export interface ProfileLookup {
  projectDir: string;
  profileName: string | null;
  profilesDir?: string;
  targetName?: string;
  threads?: number;
  home?: string;
}

export function defaultEmbeddedTarget(projectDir: string, threads?: number): PgliteTarget {
  return { type: 'pglite', name: 'dev', profileName: 'default', schema: DEFAULT_SCHEMA, threads: threads ?? 4, path: resolve(projectDir, DEFAULT_EMBEDDED_PATH) };
}

function candidateFiles(lookup: ProfileLookup, env: ConfigRenderContext['env']): { files: string[]; explicit: boolean } {
  const explicitDir = lookup.profilesDir ?? env.KPI_PROFILES_DIR ?? env.DBT_PROFILES_DIR;
  if (explicitDir) return { files: [join(resolve(explicitDir), 'profiles.yml')], explicit: true };
  const home = lookup.home ?? homedir();
  return {
    files: [join(lookup.projectDir, 'profiles.yml'), join(home, '.kpi', 'profiles.yml'), join(home, '.dbt', 'profiles.yml')],
    explicit: false,
  };
}

/**
 * Finds the project's profile (`--profiles-dir`, then the project directory, then
 * ~/.kpi/ and ~/.dbt/) and resolves the target. With no profile file anywhere, the
 * target is the embedded database under `.kpi/`, so a new user needs no server.
 */
export function resolveTarget(lookup: ProfileLookup, context: ConfigRenderContext, diagnostics: Diagnostics): TargetConfig {
  const { files, explicit } = candidateFiles(lookup, context.env);
  const existing = files.filter((file) => existsSync(file));
  if (explicit && existing.length === 0) {
    throw new KpiError('KPI_PROFILE_NOT_FOUND', `no profiles.yml in ${files[0].replace(/profiles\.yml$/, '')}`, {
      hint: 'point --profiles-dir at the folder holding profiles.yml',
    });
  }
  if (!lookup.profileName || existing.length === 0) {
    if (lookup.targetName && lookup.targetName !== 'dev') {
      throw new KpiError('KPI_TARGET_NOT_FOUND', `target '${lookup.targetName}' asked for, but no profiles.yml was found`, {
        hint: `create profiles.yml in the project directory with a '${lookup.profileName ?? lookup.targetName}' profile`,
      });
    }
    return defaultEmbeddedTarget(lookup.projectDir, lookup.threads);
  }
  const seen: string[] = [];
  for (const path of existing) {
    const yaml = readYamlFile(path);
    const profiles = (yaml.data ?? {}) as Record<string, unknown>;
    if (typeof profiles !== 'object' || Array.isArray(profiles)) continue;
    seen.push(...Object.keys(profiles).filter((key) => key !== 'config'));
    if (profiles[lookup.profileName] !== undefined) return targetFromProfile(yaml, lookup, context, diagnostics);
  }
  throw new KpiError('KPI_PROFILE_NOT_FOUND', `profile '${lookup.profileName}' is not in ${existing.join(' or ')}.${didYouMean(lookup.profileName, seen)}`, {
    hint: "the project file's 'profile:' names the profile to use",
  });
}

function targetFromProfile(yaml: YamlFile, lookup: ProfileLookup, context: ConfigRenderContext, diagnostics: Diagnostics): TargetConfig {
  const profileName = lookup.profileName as string;
  const profile = (yaml.data as Record<string, unknown>)[profileName] as Record<string, unknown> | null;
  const outputs = (profile?.outputs ?? {}) as Record<string, unknown>;
  const targetName = lookup.targetName ?? (typeof profile?.target === 'string' ? (profile.target as string) : 'dev');
  const raw = outputs[targetName];
  if (!raw || typeof raw !== 'object') {
    throw new KpiError('KPI_TARGET_NOT_FOUND', `target '${targetName}' is not in profile '${profileName}'.${didYouMean(targetName, Object.keys(outputs))}`, {
      location: yaml.locate([profileName, 'outputs']),
      hint: `targets there: ${Object.keys(outputs).join(', ') || 'none'}`,
    });
  }
  const path = [profileName, 'outputs', targetName];
  const output = renderConfigStrings(raw, context, yaml, new Set(), path) as Record<string, unknown>;
  const type = output.type ?? 'postgres';
  const threads = lookup.threads ?? positiveInteger(output.threads, 1, yaml, [...path, 'threads']);
  const schema = typeof output.schema === 'string' && output.schema ? output.schema : DEFAULT_SCHEMA;
  if (type === 'pglite') {
    for (const key of Object.keys(output)) {
      if (!PGLITE_KEYS.includes(key)) checkUnknownKey(diagnostics, key, PGLITE_KEYS, [...path, key].join('.'), yaml.locate([...path, key]));
    }
    const dataPath = output.path;
    const resolved = dataPath === ':memory:' || dataPath === 'memory' ? null : resolve(lookup.projectDir, typeof dataPath === 'string' ? dataPath : DEFAULT_EMBEDDED_PATH);
    return { type: 'pglite', name: targetName, profileName, schema, threads, path: resolved };
  }
  if (type !== 'postgres') {
    throw new KpiError('KPI_CONFIG_INVALID', `target type '${String(type)}' is not supported: use postgres or pglite`, {
      location: yaml.locate([...path, 'type']),
    });
  }
  for (const key of Object.keys(output)) {
    if (!POSTGRES_KEYS.includes(key)) checkUnknownKey(diagnostics, key, POSTGRES_KEYS, [...path, key].join('.'), yaml.locate([...path, key]));
  }
  const password = output.password ?? output.pass;
  if (password !== undefined && password !== null) context.secrets?.add(String(password));
  const url = typeof output.url === 'string' ? output.url : null;
  if (url) {
    const parsed = new URL(url);
    if (parsed.password) context.secrets?.add(decodeURIComponent(parsed.password));
  }
  if (!url && !output.host) {
    throw new KpiError('KPI_CONFIG_INVALID', `postgres target '${targetName}' needs host (or url)`, { location: yaml.locate(path) });
  }
  return {
    type: 'postgres',
    name: targetName,
    profileName,
    schema,
    threads,
    url,
    host: typeof output.host === 'string' ? output.host : null,
    port: positiveInteger(output.port, 5432, yaml, [...path, 'port']),
    user: stringOrNull(output.user ?? output.username),
    password: stringOrNull(password),
    dbname: stringOrNull(output.dbname ?? output.database),
    sslmode: stringOrNull(output.sslmode),
    sslrootcert: stringOrNull(output.sslrootcert),
    sslcert: stringOrNull(output.sslcert),
    sslkey: stringOrNull(output.sslkey),
    connectTimeout: output.connect_timeout === undefined ? null : positiveInteger(output.connect_timeout, 10, yaml, [...path, 'connect_timeout']),
  };
}

function stringOrNull(value: unknown): string | null {
  return value === undefined || value === null ? null : String(value);
}

function positiveInteger(value: unknown, fallback: number, yaml: YamlFile, path: (string | number)[]): number {
  if (value === undefined || value === null) return fallback;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1) {
    throw new KpiError('KPI_CONFIG_INVALID', `'${path.join('.')}' must be a positive whole number, got ${JSON.stringify(value)}`, { location: yaml.locate(path) });
  }
  return number;
}

/** The target for a URL (`postgres://…`), as tests and `--target-url` use it. */
export function targetFromUrl(url: string, schema: string, threads = 4): PostgresTarget {
  return { type: 'postgres', name: 'dev', profileName: 'url', schema, threads, url, host: null, port: 5432, user: null, password: null, dbname: null, sslmode: null, sslrootcert: null, sslcert: null, sslkey: null, connectTimeout: null };
}
