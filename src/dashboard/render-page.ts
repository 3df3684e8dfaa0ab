import { chartLibrary } from './chart-library.js';
import { browserScript } from './page/browser-script.js';
import type { DashboardBoot } from './page/page-types.js';
import { PAGE_STYLE } from './page-style.js';

const BOOT_ELEMENT = 'kpi-dashboard-boot';

/** What a page may load: nothing but itself (inline script and styles, data: images). */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'";

/** JSON inside a <script> element: every `<` escaped, so no string in it can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * The dashboard page: one HTML document with uPlot, the styles, the page's script and its
 * boot data inline. Live, the script asks /api; a static report embeds every answer it
 * needs in the boot data, and its policy forbids any connection at all.
 */
export function renderPage(boot: DashboardBoot): string {
  const library = chartLibrary();
  const policy = boot.mode === 'static' ? CONTENT_SECURITY_POLICY.replace("connect-src 'self'", "connect-src 'none'") : CONTENT_SECURITY_POLICY;
  // A report links the backtest only when it holds it (the project had backtest results when it was written).
  const backtest =
    boot.mode === 'live'
      ? '<a class="nav-link" id="backtest-link" href="/backtest">Backtest</a>'
      : boot.responses?.['/api/backtest']
        ? '<a class="nav-link" id="backtest-link" href="#/backtest">Backtest</a>'
        : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<title>KPI dashboard</title>
<style>${library.style}</style>
<style>${PAGE_STYLE}</style>
</head>
<body data-state="loading">
<header class="top">
<a class="brand" href="${boot.mode === 'static' ? '#/' : '/'}">KPI <span>dashboard</span></a>
<nav id="windows" aria-label="window"></nav>
${backtest}
<label>Entity <select id="entity" aria-label="entity"></select></label>
<label>As of <input id="date" type="date" aria-label="as-of date"></label>
<span id="freshness"></span>
</header>
<main id="main"><noscript>This page needs JavaScript to show the dashboard.</noscript></main>
<script type="application/json" id="${BOOT_ELEMENT}">${scriptJson(boot)}</script>
<script>${library.script.replace(/<\/script/gi, '<\\/script')}</script>
<script>
${browserScript(BOOT_ELEMENT).replace(/<\/script/gi, '<\\/script')}
</script>
</body>
</html>
`;
}
