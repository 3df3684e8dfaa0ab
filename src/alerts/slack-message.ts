import { formatNumber } from './format-number.js';
import type { BoardRow, StatusChange } from './types.js';

export interface SlackBlock {
  type: string;
  [key: string]: unknown;
}

/** What Slack's incoming webhooks take (and Mattermost, Rocket.Chat and others accept): a fallback `text` and Block Kit `blocks`. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

const EMOJI: Record<string, string> = { red: ':red_circle:', yellow: ':large_yellow_circle:', green: ':large_green_circle:', grey: ':white_circle:' };
/** Slack takes at most 50 blocks a message: the header, the changes, an overflow note and a footer. */
const MAX_CHANGES = 45;
const MAX_REASON = 500;

/** Slack's mrkdwn treats these three as control characters. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function kpiLabel(row: BoardRow): string {
  return row.metric_key ?? `kpi ${row.kpi_id}`;
}

function transition(change: StatusChange): string {
  return `${change.previous?.status ?? 'new'} → ${change.row.status}`;
}

function changeText(change: StatusChange): string {
  const { row } = change;
  const lines = [`${EMOJI[row.status] ?? ':white_circle:'} *${escapeMrkdwn(kpiLabel(row))}* · entity ${escapeMrkdwn(String(row.entity_id))}: ${escapeMrkdwn(change.previous?.status ?? 'new')} → *${escapeMrkdwn(row.status)}*`];
  const facts: string[] = [];
  if (row.value !== null) facts.push(`value ${formatNumber(row.value)}`);
  if (row.lower_threshold !== null || row.upper_threshold !== null) facts.push(`expected ${formatNumber(row.lower_threshold)} – ${formatNumber(row.upper_threshold)}`);
  if (row.signals) facts.push(`signals ${escapeMrkdwn(row.signals)}`);
  if (facts.length > 0) lines.push(facts.join(' · '));
  if (row.reason) lines.push(`_${escapeMrkdwn(row.reason.length > MAX_REASON ? `${row.reason.slice(0, MAX_REASON)}…` : row.reason)}_`);
  // A link is only made of a web address; | and > would end Slack's <url|text> early.
  if (row.link && /^https?:\/\//i.test(row.link)) lines.push(`<${row.link.replace(/\|/g, '%7C').replace(/>/g, '%3E').replace(/</g, '%3C')}|details>`);
  return lines.join('\n');
}

/** The message for a set of status changes on one as-of date and window. */
export function slackMessage(changes: readonly StatusChange[], context: { date: string; window: number; source: string }): SlackMessage {
  const title = `KPI status changes · ${context.date} · ${context.window}-day window`;
  const listed = changes.slice(0, MAX_CHANGES);
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: title } },
    ...listed.map((change) => ({ type: 'section', text: { type: 'mrkdwn', text: changeText(change) } })),
  ];
  if (changes.length > listed.length) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `…and ${changes.length - listed.length} more changes: run \`kpi alerts\` for the whole board` } });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${changes.length} status ${changes.length === 1 ? 'change' : 'changes'} since the previous as-of date · ${escapeMrkdwn(context.source)}` }] });
  const summary = changes.slice(0, 20).map((change) => `${kpiLabel(change.row)} (entity ${change.row.entity_id}) ${transition(change)}`);
  const more = changes.length > summary.length ? `; and ${changes.length - summary.length} more` : '';
  return { text: `${title}: ${summary.join('; ')}${more}`, blocks };
}
