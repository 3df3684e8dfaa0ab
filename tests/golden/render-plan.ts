import { quoteIdentifier } from '../../src/adapters/quote.js';
import type { ManifestNode } from '../../src/manifest/types.js';
import type { Step } from '../../src/materializations/step.js';

/**
 * A plan as a golden file shows it: each statement ending in `;`, a blank line between
 * them. What runs but is no SQL text of the plan's own (hooks, a COPY's records, where the
 * executor reads facts from the catalog) shows as `--` comments in its place.
 */
export type Line = Step | { kind: 'begin' } | { kind: 'commit' } | { kind: 'note'; text: string };

export const begin: Line = { kind: 'begin' };
export const commit: Line = { kind: 'commit' };
export const note = (text: string): Line => ({ kind: 'note', text });
export const read = (what: string): Line => note(`read from the catalog: ${what}`);

function renderLine(line: Line, node: ManifestNode): string {
  switch (line.kind) {
    case 'sql':
      return `${line.sql};`;
    case 'begin':
      return 'begin;';
    case 'commit':
      return 'commit;';
    case 'note':
      return `-- ${line.text}`;
    case 'copy':
      return `-- copy ${line.table} (${line.columns.map(quoteIdentifier).join(', ')}) from the seed file's records`;
    case 'hooks': {
      const where = line.inTransaction ? 'inside the transaction' : 'outside the transaction';
      const hooks = node.config[line.hook].filter((hook) => hook.transaction === line.inTransaction);
      return hooks.map((hook) => `-- ${line.hook} (${where}), rendered when it runs: ${hook.sql}`).join('\n');
    }
  }
}

export function renderPlan(title: string, facts: readonly string[], lines: readonly Line[], node: ManifestNode): string {
  const header = [`-- ${title}`, ...facts.map((fact) => `-- ${fact}`)].join('\n');
  return `${header}\n\n${lines.map((line) => renderLine(line, node)).join('\n\n')}\n`;
}

/** An error a planner raises, as comment lines: what the user sees. */
export function failure(error: unknown): Line[] {
  const { code, message, hint } = error as { code?: string; message: string; hint?: string };
  return [note(`fails: ${code ?? 'error'}: ${message}${hint ? `\n--   hint: ${hint}` : ''}`)];
}
