import { formatChange } from '../mart/format-value.js';
import { countsText, type StatusCounts } from './status-counts.js';
import type { DescribedRow, StatusChange } from './types.js';

export interface SlackBlock {
  type: string;
  [key: string]: unknown;
}

/** What Slack's incoming webhooks take (and Mattermost, Rocket.Chat and others accept): a fallback `text` and Block Kit `blocks`. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

const EMOJI: Record<string, string> = { red: ':red_circle:', yellow: ':large_yellow_circle:', green: ':large_green_circle:', grey: ':white_circle:', expected: ':calendar:' };
/** Slack takes at most 50 blocks a message: the header, the changes, an overflow note and a footer. */
const MAX_CHANGES = 45;
const MAX_REASON = 500;

/** Slack's mrkdwn treats these three as control characters. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function kpiLabel(row: DescribedRow): string {
  return row.kpi_name ?? row.metric_key ?? `kpi ${row.kpi_id}`;
}

export function entityLabel(row: DescribedRow): string {
  return row.entity_name ?? `entity ${row.entity_id}`;
}

/** "+3.2% on last year", or null without a prior-year figure. */
function onLastYear(fraction: number | null): string | null {
  return fraction === null ? null : `${formatChange(fraction)} on last year`;
}

function transition(change: StatusChange): string {
  return `${change.previous?.status ?? 'new'} → ${change.row.status}`;
}

function changeText(change: StatusChange): string {
  const { row } = change;
  const lines = [
    `${EMOJI[row.status] ?? ':white_circle:'} *${escapeMrkdwn(kpiLabel(row))}* · ${escapeMrkdwn(entityLabel(row))}: ${escapeMrkdwn(change.previous?.status ?? 'new')} → *${escapeMrkdwn(row.status)}*`,
  ];
  const facts: string[] = [];
  if (row.value_text) facts.push(`${escapeMrkdwn(row.value_text)}${row.day_change_pct === null ? '' : ` (${onLastYear(row.day_change_pct)})`}`);
  if (row.expected_text) facts.push(`expected ${escapeMrkdwn(row.expected_text)}`);
  if (row.mtd_value !== null && row.mtd_change_pct !== null) facts.push(`month to date ${onLastYear(row.mtd_change_pct)}`);
  if (facts.length > 0) lines.push(facts.join(' · '));
  if (row.description) lines.push(`_${escapeMrkdwn(row.description.length > MAX_REASON ? `${row.description.slice(0, MAX_REASON)}…` : row.description)}_`);
  // A link is only made of a web address; | and > would end Slack's <url|text> early.
  if (row.link && /^https?:\/\//i.test(row.link)) lines.push(`<${row.link.replace(/\|/g, '%7C').replace(/>/g, '%3E').replace(/</g, '%3C')}|open in the dashboard>`);
  return lines.join('\n');
}

/** The message for a set of status changes on one as-of date and window. */
export function slackMessage(changes: readonly StatusChange[], context: { date: string; window: number; source: string; counts: StatusCounts }): SlackMessage {
  const title = `KPI status changes · ${context.date} · ${context.window}-day window`;
  const listed = changes.slice(0, MAX_CHANGES);
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: title } }, ...listed.map((change) => ({ type: 'section', text: { type: 'mrkdwn', text: changeText(change) } }))];
  if (changes.length > listed.length) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `…and ${changes.length - listed.length} more changes: run \`kpi alerts\` for the whole board` } });
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `${changes.length} status ${changes.length === 1 ? 'change' : 'changes'} since the previous as-of date · board: ${countsText(context.counts)} · ${escapeMrkdwn(context.source)}`,
      },
    ],
  });
  const summary = changes.slice(0, 20).map((change) => `${kpiLabel(change.row)} (${entityLabel(change.row)}) ${transition(change)}`);
  const more = changes.length > summary.length ? `; and ${changes.length - summary.length} more` : '';
  return { text: `${title}: ${summary.join('; ')}${more}`, blocks };
}
