import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { serverUrlVariable, type DatabaseKind } from './databases.js';
import { REPO_ROOT } from './fixtures.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real binary, as a user runs it. */
export function kpi(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/kpi.js'), ...args], { cwd: options.cwd ?? REPO_ROOT, env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A profiles.yml for `profile` on the embedded database under .kpi/ or on the test server. */
export function profileYaml(profile: string, kind: DatabaseKind, schema: string): string {
  const output =
    kind === 'pglite'
      ? `      type: pglite\n      path: .kpi/pglite\n      schema: ${schema}\n`
      : `      type: postgres\n      url: "{{ env_var('${serverUrlVariable(kind)}') }}"\n      schema: ${schema}\n`;
  return `${profile}:\n  target: dev\n  outputs:\n    dev:\n${output}      threads: 2\n`;
}
