import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { KpiError, didYouMean } from '../errors.js';
import { describeValue } from '../support/describe-value.js';
import type { Diagnostics } from '../support/diagnostics.js';
import { isPlainObject } from '../support/is-plain-object.js';
import type { KeyPolicy } from '../support/key-policy.js';
import { renderConfigStrings, type ConfigRenderContext } from './render-config.js';
import type { YamlPath } from './yaml-file.js';
import { readYamlWith, type YamlCache } from './yaml-cache.js';
import { YamlReader } from './yaml-reader.js';

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

const PROFILE_KEYS: KeyPolicy<'target' | 'outputs'> = { known: ['target', 'outputs'], unknown: 'warn' };
/** dbt-postgres' connection keys: those kpi uses, and those it accepts and leaves to the server's defaults. */
const POSTGRES_KEYS: KeyPolicy = {
  known: ['type', 'host', 'port', 'user', 'username', 'password', 'pass', 'dbname', 'database', 'schema', 'threads', 'url', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'connect_timeout'],
  tolerated: ['keepalives_idle', 'search_path', 'role', 'retries', 'application_name'],
  unknown: 'warn',
};
const PGLITE_KEYS: KeyPolicy = { known: ['type', 'path', 'schema', 'threads'], unknown: 'warn' };

export interface ProfileLookup {
  projectDir: string;
  profileName: string | null;
  profilesDir?: string;
  targetName?: string;
  threads?: number;
  home?: string;
  /** Parsed YAML kept across runs (config/yaml-cache.ts). */
  yamlCache?: YamlCache;
}

export function defaultEmbeddedTarget(projectDir: string, threads?: number): PgliteTarget {
  return { type: 'pglite', name: 'dev', profileName: 'default', schema: DEFAULT_SCHEMA, threads: threads ?? 4, path: resolve(projectDir, DEFAULT_EMBEDDED_PATH) };
}

/** The profiles.yml files looked for, in order (the first that exists is read); `explicit` when --profiles-dir or its env var named the one. */
export function candidateFiles(lookup: ProfileLookup, env: ConfigRenderContext['env']): { files: string[]; explicit: boolean } {
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
    const yaml = readYamlWith(lookup.yamlCache, path, path);
    if (!isPlainObject(yaml.data)) {
      diagnostics.error('KPI_CONFIG_INVALID', `${yaml.file} must be a mapping of profile names to profiles, got ${describeValue(yaml.data)}`, { file: yaml.file, line: 1 });
      continue;
    }
    // dbt's `config:` block (usage statistics, colours) is not a profile.
    seen.push(...Object.keys(yaml.data).filter((key) => key !== 'config'));
    if (yaml.data[lookup.profileName] !== undefined) return targetFromProfile(new YamlReader(yaml, diagnostics), lookup, context);
  }
  throw new KpiError('KPI_PROFILE_NOT_FOUND', `profile '${lookup.profileName}' is not in ${existing.join(' or ')}.${didYouMean(lookup.profileName, seen)}`, {
    hint: "the project file's 'profile:' names the profile to use",
  });
}

/** Placeholder for a target whose problems are in the diagnostics: loadProject throws them before anything connects. */
function unusable(name: string, profileName: string): PostgresTarget {
  return { ...targetFromUrl('postgres://unusable', DEFAULT_SCHEMA, 1), name, profileName };
}

/**
 * The target of the profile `lookup` names. Problems in the profile go to the reader's
 * diagnostics, all of them; what comes back then is a placeholder the caller never uses.
 */
function targetFromProfile(reader: YamlReader, lookup: ProfileLookup, context: ConfigRenderContext): TargetConfig {
  const profileName = lookup.profileName as string;
  const profile = reader.entry((reader.yaml.data as Record<string, unknown>)[profileName], [profileName], PROFILE_KEYS, 'target and outputs');
  const outputs = reader.mapping(profile.outputs, [profileName, 'outputs'], 'target names to connections');
  if (profile.target !== undefined && typeof profile.target !== 'string') reader.fail([profileName, 'target'], `must be the name of a target, got ${describeValue(profile.target)}`);
  const targetName = lookup.targetName ?? (typeof profile.target === 'string' ? profile.target : 'dev');
  const raw = outputs[targetName];
  if (raw === undefined) {
    const targets = Object.keys(outputs);
    reader.failAt(
      reader.locate([profileName, 'outputs']),
      `target '${targetName}' is not in profile '${profileName}'.${didYouMean(targetName, targets)}`,
      `targets there: ${targets.join(', ') || 'none'}`,
      'KPI_TARGET_NOT_FOUND',
    );
    return unusable(targetName, profileName);
  }
  if (!isPlainObject(raw)) {
    reader.fail([profileName, 'outputs', targetName], `must be a mapping of connection settings, got ${describeValue(raw)}`);
    return unusable(targetName, profileName);
  }
  const path = [profileName, 'outputs', targetName];
  const output = renderConfigStrings(raw, context, reader.yaml, new Set(), path) as Record<string, unknown>;
  const type = output.type ?? 'postgres';
  const threads = lookup.threads ?? positiveInteger(reader, output.threads, 1, [...path, 'threads']);
  const schema = typeof output.schema === 'string' && output.schema ? output.schema : DEFAULT_SCHEMA;
  if (type === 'pglite') {
    reader.checkKeys(output, PGLITE_KEYS, path);
    const dataPath = output.path;
    const resolved = dataPath === ':memory:' || dataPath === 'memory' ? null : resolve(lookup.projectDir, typeof dataPath === 'string' ? dataPath : DEFAULT_EMBEDDED_PATH);
    return { type: 'pglite', name: targetName, profileName, schema, threads, path: resolved };
  }
  if (type !== 'postgres') {
    reader.fail([...path, 'type'], `is '${String(type)}', which kpi does not support: use postgres or pglite`);
    return unusable(targetName, profileName);
  }
  reader.checkKeys(output, POSTGRES_KEYS, path);
  const password = output.password ?? output.pass;
  if (password !== undefined && password !== null) context.secrets?.add(String(password));
  const url = output.url === undefined || output.url === null ? null : parseUrl(reader, output.url, [...path, 'url'], context);
  if ((output.url === undefined || output.url === null) && !output.host) reader.fail(path, 'needs host (or url)');
  return {
    type: 'postgres',
    name: targetName,
    profileName,
    schema,
    threads,
    url,
    host: typeof output.host === 'string' ? output.host : null,
    port: positiveInteger(reader, output.port, 5432, [...path, 'port']),
    user: stringOrNull(output.user ?? output.username),
    password: stringOrNull(password),
    dbname: stringOrNull(output.dbname ?? output.database),
    sslmode: stringOrNull(output.sslmode),
    sslrootcert: stringOrNull(output.sslrootcert),
    sslcert: stringOrNull(output.sslcert),
    sslkey: stringOrNull(output.sslkey),
    connectTimeout: output.connect_timeout === undefined ? null : positiveInteger(reader, output.connect_timeout, 10, [...path, 'connect_timeout']),
  };
}

/** A connection URL, its password kept secret; a malformed one is reported (the URL itself is not shown: it may hold the password). */
function parseUrl(reader: YamlReader, url: unknown, path: YamlPath, context: ConfigRenderContext): string | null {
  let parsed: URL;
  try {
    if (typeof url !== 'string') throw new TypeError('not text');
    parsed = new URL(url);
  } catch {
    reader.fail(path, 'is not a URL such as postgres://user@host:5432/dbname');
    return null;
  }
  if (parsed.password) context.secrets?.add(decodeURIComponent(parsed.password));
  return url;
}

function stringOrNull(value: unknown): string | null {
  return value === undefined || value === null ? null : String(value);
}

function positiveInteger(reader: YamlReader, value: unknown, fallback: number, path: YamlPath): number {
  if (value === undefined || value === null) return fallback;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1) {
    reader.fail(path, `must be a positive whole number, got ${describeValue(value)}`);
    return fallback;
  }
  return number;
}

/** The target for a URL (`postgres://…`), as tests and `--target-url` use it. */
export function targetFromUrl(url: string, schema: string, threads = 4): PostgresTarget {
  return {
    type: 'postgres',
    name: 'dev',
    profileName: 'url',
    schema,
    threads,
    url,
    host: null,
    port: 5432,
    user: null,
    password: null,
    dbname: null,
    sslmode: null,
    sslrootcert: null,
    sslcert: null,
    sslkey: null,
    connectTimeout: null,
  };
}
