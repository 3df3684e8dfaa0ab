import { apiPath } from './api-path.js';
import { describeDay } from './describe-day.js';
import { describeSetting } from './describe-setting.js';
import { drawBacktestChart } from './draw-backtest-chart.js';
import { drawKpiChart } from './draw-kpi-chart.js';
import { drawSparkline } from './draw-sparkline.js';
import { escapeHtml } from './escape-html.js';
import { changeTone, formatChange, formatValue } from '../../mart/format-value.js';
import { parseRoute } from './parse-route.js';
import { renderBacktestPage } from './render-backtest-page.js';
import { renderBoard } from './render-board.js';
import { renderKpiPage } from './render-kpi-page.js';
import { renderPeriods } from './render-periods.js';
import { renderTimeline } from './render-timeline.js';
import { routePath } from './route-path.js';
import { signalWords } from './signal-words.js';
import { startDashboardApp } from './start-dashboard-app.js';
import type { BrowserLib } from './browser-lib.js';

/**
 * The dashboard page's code. These functions run in Node (the server and tests call some)
 * and in the browser, where the page carries their source (see `browserScript`). So each
 * must stand alone: it reaches the others only through its `lib` argument (never an
 * import, which bundlers rename), and uses no module-level constants.
 */
export const BROWSER_LIB: BrowserLib = {
  escapeHtml,
  formatValue,
  formatChange,
  changeTone,
  signalWords,
  apiPath,
  parseRoute,
  routePath,
  renderPeriods,
  renderBoard,
  renderTimeline,
  renderKpiPage,
  describeDay,
  drawSparkline,
  drawKpiChart,
  renderBacktestPage,
  describeSetting,
  drawBacktestChart,
  startDashboardApp,
};

/** The page's script: each function's own source, bound into `lib`, started on the boot data embedded in the page. */
export function browserScript(bootElementId: string): string {
  const functions = Object.entries(BROWSER_LIB).map(([name, fn]) => `const ${name} = ${fn.toString()};`);
  return [
    '(function () {',
    "'use strict';",
    // Run from TypeScript source (tsx, vitest), a function's text may call esbuild's name-keeping helper.
    'const __name = (fn) => fn;',
    ...functions,
    `const lib = { ${Object.keys(BROWSER_LIB).join(', ')} };`,
    `startDashboardApp(lib, JSON.parse(document.getElementById(${JSON.stringify(bootElementId)}).textContent), window);`,
    '})();',
  ].join('\n');
}
