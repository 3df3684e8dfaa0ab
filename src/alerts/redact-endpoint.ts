/**
 * A webhook address safe to print. Incoming-webhook URLs carry their secret in the path
 * (Slack's /services/T…/B…/token, Discord's /api/webhooks/id/token) or the query, so only
 * the scheme, host and first path segment are shown.
 */
export function redactEndpoint(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(an invalid URL)';
  }
  const segments = parsed.pathname.split('/').filter(Boolean);
  const path = segments.length > 1 ? `/${segments[0]}/***` : segments.length === 1 ? '/***' : '';
  return `${parsed.protocol}//${parsed.host}${path}${parsed.search ? '?***' : ''}`;
}
