import { KpiError } from '../../errors.js';

export interface SnapshotBlock {
  name: string;
  /** What stands between `{% snapshot name %}` and `{% endsnapshot %}`: the snapshot's SQL template. */
  body: string;
  /** 1-based line of the opening tag. */
  line: number;
  /** 1-based line the body starts on, so template errors point into the file. */
  bodyLine: number;
}

const TAG = /\{%-?\s*(snapshot|endsnapshot)\b\s*([\s\S]*?)\s*-?%\}/g;

function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/**
 * The `{% snapshot name %}...{% endsnapshot %}` blocks of a file under snapshot-paths, as
 * dbt reads them: one node a block, its body the SQL; what lies outside the blocks is not
 * part of any snapshot. Tags inside `{# comments #}` are not tags.
 */
export function snapshotBlocks(text: string, file: string): SnapshotBlock[] {
  const searchable = text.replace(/\{#[\s\S]*?#\}/g, (comment) => comment.replace(/[^\n]/g, ' '));
  const blocks: SnapshotBlock[] = [];
  let open: { name: string; start: number; line: number } | null = null;
  for (const match of searchable.matchAll(TAG)) {
    const [tag, keyword, header] = match;
    const offset = match.index ?? 0;
    if (keyword === 'snapshot') {
      if (open)
        throw new KpiError('KPI_TEMPLATE_ERROR', `'{% snapshot ${open.name} %}' is not closed before the next '{% snapshot %}'`, {
          location: { file, line: open.line },
          hint: 'close it with {% endsnapshot %}',
        });
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(header)) {
        throw new KpiError('KPI_TEMPLATE_ERROR', `'{% snapshot ${header} %}' needs one name, made of letters, digits and underscores`, { location: { file, line: lineAt(text, offset) } });
      }
      open = { name: header, start: offset + tag.length, line: lineAt(text, offset) };
      continue;
    }
    if (!open) throw new KpiError('KPI_TEMPLATE_ERROR', "'{% endsnapshot %}' without a matching '{% snapshot %}'", { location: { file, line: lineAt(text, offset) } });
    blocks.push({ name: open.name, body: text.slice(open.start, offset), line: open.line, bodyLine: lineAt(text, open.start) });
    open = null;
  }
  if (open) throw new KpiError('KPI_TEMPLATE_ERROR', `'{% snapshot ${open.name} %}' is never closed`, { location: { file, line: open.line }, hint: 'close it with {% endsnapshot %}' });
  return blocks;
}
