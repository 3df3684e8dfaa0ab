import type uPlot from 'uplot';
import type { BacktestResponse, BoardResponse, ChangesResponse, DashboardMeta, KpiSeriesResponse, VersionResponse } from '../dashboard-types.js';
import type { BrowserLib } from './browser-lib.js';
import type { DashboardBoot, Route } from './page-types.js';

interface Problem {
  error?: string;
  hint?: string;
}

/**
 * The page's behaviour. The route (the address live, the hash in a static report) says
 * which page and for what; the header's window tabs, entity picker and date picker change
 * it (from the backtest page, they lead back to the board); each change asks the API (or
 * the report's embedded answers) and draws. A live page
 * checks the data version every `pollSeconds` and redraws when a new build has landed.
 * Each draw ends with `data-state` on <body> and a `kpi:rendered` event (tests wait on it).
 */
export function startDashboardApp(lib: BrowserLib, boot: DashboardBoot, win: Window & { uPlot?: typeof uPlot }): void {
  const doc = win.document;
  const e = lib.escapeHtml;
  const main = doc.getElementById('main') as HTMLElement;
  const tabs = doc.getElementById('windows') as HTMLElement;
  const entityPicker = doc.getElementById('entity') as HTMLSelectElement;
  const datePicker = doc.getElementById('date') as HTMLInputElement;
  const freshness = doc.getElementById('freshness') as HTMLElement;
  const backtestLink = doc.getElementById('backtest-link');
  const UPlot = win.uPlot;
  let meta: DashboardMeta | null = null;
  let filter: string | null = null;
  let charts: uPlot[] = [];
  let redraw: (() => void) | null = null;
  let generation = 0;
  const cache = new Map<string, unknown>();

  const get = async <T>(path: string, keep?: boolean): Promise<T> => {
    if (boot.mode === 'static') {
      const answer = boot.responses?.[path];
      if (answer === undefined) throw { error: 'This report does not hold that view.', hint: 'A report holds one date and one entity: run kpi dashboard for the live dashboard.' } as Problem;
      return answer as T;
    }
    if (keep && cache.has(path)) return cache.get(path) as T;
    const response = await win.fetch(path, { headers: { accept: 'application/json' }, cache: 'no-store' });
    const body = (await response.json()) as unknown;
    if (!response.ok) throw body as Problem;
    if (keep) cache.set(path, body);
    return body as T;
  };
  const current = (): Route => lib.parseRoute(boot.mode === 'static' ? win.location.hash.slice(1) || boot.start || '/' : `${win.location.pathname}${win.location.search}`);
  const href = (route: Route): string => (boot.mode === 'static' ? `#${lib.routePath(lib, route)}` : lib.routePath(lib, route));
  const go = (route: Route): void => {
    if (boot.mode === 'static') {
      const target = href(route);
      if (win.location.hash === target) void show();
      else win.location.hash = target;
      return;
    }
    win.history.pushState(null, '', href(route));
    void show();
  };
  const finish = (state: string, detail: Record<string, unknown>): void => {
    doc.body.setAttribute('data-state', state);
    win.dispatchEvent(new CustomEvent('kpi:rendered', { detail: { state, ...detail } }));
  };
  const clearCharts = (): void => {
    for (const chart of charts) chart.destroy();
    charts = [];
  };

  const controls = (m: DashboardMeta, route: Route, window: number, entity: string, date: string): void => {
    tabs.innerHTML = m.windows.map((days) => `<button type="button" data-window="${days}" class="${days === window ? 'on' : ''}" aria-pressed="${days === window}">${days} days</button>`).join('');
    const entities = m.report ? m.entities.filter((item) => item.code === m.report?.entity) : m.entities;
    entityPicker.innerHTML = entities.map((item) => `<option value="${e(item.code)}"${item.code === entity || String(item.id) === entity ? ' selected' : ''}>${e(item.name)}</option>`).join('');
    entityPicker.disabled = entities.length < 2;
    datePicker.min = m.firstDate ?? '';
    datePicker.max = m.latestDate ?? '';
    datePicker.value = date;
    datePicker.disabled = m.report !== null;
    const built = m.lastBuild ? new Date(m.lastBuild).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' }) : 'unknown';
    freshness.textContent = m.report
      ? `Report of ${m.report.date}, made ${new Date(m.report.createdAt).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' })}`
      : `Data through ${m.latestDate ?? '–'} · built ${built}`;
    doc.title = `${route.page === 'kpi' && route.kpi ? `${route.kpi} · ` : route.page === 'backtest' ? 'Backtest · ' : ''}KPI dashboard`;
    backtestLink?.classList.toggle('on', route.page === 'backtest');
  };

  const showBoard = (m: DashboardMeta, board: BoardResponse, changes: ChangesResponse | null, route: Route): void => {
    const link = (kpi: string) => href({ page: 'kpi', kpi, window: route.window, entity: route.entity, date: route.date });
    redraw = () => {
      clearCharts();
      main.innerHTML = lib.renderBoard(lib, m, board, changes, { filter, link });
      const cards = board.sections.flatMap((section) => section.cards);
      if (!UPlot) return;
      const shown = Array.from(main.querySelectorAll<HTMLElement>('[data-spark]')).filter((element) => !element.closest('[hidden]'));
      // Every card of the grid is as wide as the first: one measurement, one layout (sections
      // off screen are not laid out at all, see content-visibility in the style).
      const width = shown[0]?.clientWidth ?? 260;
      for (const element of shown) {
        const card = cards[Number(element.getAttribute('data-spark'))];
        if (card) charts.push(lib.drawSparkline(UPlot, element, width, board.sparkDates, card.spark));
      }
    };
    redraw();
  };

  const showKpi = (m: DashboardMeta, series: KpiSeriesResponse, route: Route, window: number): void => {
    const entityLink = (entity: string) => (m.report ? null : href({ ...route, entity }));
    const boardLink = href({ page: 'board', kpi: null, window: route.window, entity: route.entity, date: route.date });
    redraw = () => {
      clearCharts();
      main.innerHTML = lib.renderKpiPage(lib, m, series, { window, boardLink, entityLink });
      const detail = doc.getElementById('day-detail') as HTMLElement;
      const last = series.dates.length - 1;
      const hover = (index: number | null) => {
        detail.innerHTML = lib.describeDay(lib, m, series, index ?? last, window);
      };
      hover(null);
      const element = doc.getElementById('kpi-chart') as HTMLElement;
      if (UPlot) charts.push(lib.drawKpiChart(lib, UPlot, element, m, series, window, hover));
    };
    redraw();
  };

  const showBacktest = (m: DashboardMeta, backtest: BacktestResponse, chosen: BacktestResponse['settings'][number]): void => {
    const settingLink = (label: string) => href({ page: 'backtest', kpi: null, window: null, entity: null, date: null, setting: label });
    const boardLink = href({ page: 'board', kpi: null, window: null, entity: null, date: null });
    redraw = () => {
      clearCharts();
      main.innerHTML = lib.renderBacktestPage(lib, m, backtest, { setting: chosen.label, settingLink, boardLink });
      const detail = doc.getElementById('setting-detail') as HTMLElement;
      const hover = (label: string | null) => {
        const setting = backtest.settings.find((item) => item.label === label) ?? chosen;
        detail.innerHTML = lib.describeSetting(lib, m, setting);
      };
      hover(null);
      const element = doc.getElementById('backtest-chart') as HTMLElement;
      if (UPlot) charts.push(lib.drawBacktestChart(UPlot, element, backtest, chosen.label, hover, (label) => go({ ...current(), setting: label })));
    };
    redraw();
  };

  /** No backtest to show: what the API said, and the command that writes the file. */
  const showBacktestMissing = (problem: Problem): void => {
    main.innerHTML =
      `<div class="problem backtest-missing"><h1>No backtest results to show</h1><p>${e(problem.error ?? '')}</p>` +
      `<p>${e(problem.hint ?? '')}:</p><pre><code>npx kpi alerts backtest --k 1.5,2,2.5,3</code></pre>` +
      "<p>It scores the statuses over the history against labelled incidents, for each setting tried, and writes the figures into the project's target folder; reload this page once it has run.</p>" +
      `<p><a href="${e(href({ page: 'board', kpi: null, window: null, entity: null, date: null }))}">Back to the latest board</a></p></div>`;
  };

  const show = async (): Promise<void> => {
    const mine = ++generation;
    const route = current();
    try {
      meta ??= await get<DashboardMeta>('/api/meta');
      const m = meta;
      const window = route.window !== null && m.windows.includes(route.window) ? route.window : m.windows.includes(7) ? 7 : m.windows[0];
      const entity = route.entity ?? m.report?.entity ?? m.entities[0]?.code ?? 'ALL';
      const date = route.date ?? m.latestDate ?? '';
      controls(m, route, window, entity, date);
      if (route.page === 'backtest') {
        let backtest: BacktestResponse;
        try {
          backtest = await get<BacktestResponse>('/api/backtest');
        } catch (caught) {
          if (mine !== generation) return;
          const problem = (caught ?? {}) as Problem;
          clearCharts();
          redraw = null;
          // The API's answer (no file, or one it cannot read) says what to run; a report without the file, or no server, is the usual problem page.
          if (boot.mode === 'static' || typeof problem.error !== 'string') throw caught;
          showBacktestMissing(problem);
          finish('ready', { page: 'backtest', missing: true });
          return;
        }
        if (mine !== generation) return;
        const chosen = backtest.settings.find((setting) => setting.label === route.setting) ?? backtest.settings[0];
        showBacktest(m, backtest, chosen);
        finish('ready', { page: 'backtest', setting: chosen.label });
      } else if (route.page === 'kpi' && route.kpi) {
        const series = await get<KpiSeriesResponse>(lib.apiPath(`/api/kpi/${encodeURIComponent(route.kpi)}`, { date, entity }), true);
        if (mine !== generation) return;
        showKpi(m, series, route, window);
        finish('ready', { page: 'kpi', kpi: series.kpi.code, window });
      } else {
        const params = { date, entity, window };
        const [board, changes] = await Promise.all([get<BoardResponse>(lib.apiPath('/api/board', params)), get<ChangesResponse>(lib.apiPath('/api/changes', params)).catch(() => null)]);
        if (mine !== generation) return;
        showBoard(m, board, changes, route);
        finish('ready', { page: 'board', window: board.window, counts: board.counts });
      }
    } catch (caught) {
      if (mine !== generation) return;
      clearCharts();
      redraw = null;
      const problem = (caught ?? {}) as Problem;
      main.innerHTML = `<div class="problem"><h1>${e(problem.error ?? String(caught))}</h1>${problem.hint ? `<p>${e(problem.hint)}</p>` : ''}<p><a href="${e(href({ page: 'board', kpi: null, window: null, entity: null, date: null }))}">Back to the latest board</a></p></div>`;
      finish('error', { error: problem.error ?? String(caught) });
    }
  };

  // The header's controls choose a board or KPI page: from the backtest page they lead to the board.
  const here = (): Route => {
    const route = current();
    return route.page === 'backtest' ? { page: 'board', kpi: null, window: null, entity: null, date: null } : route;
  };
  tabs.addEventListener('click', (event) => {
    const button = (event.target as Element | null)?.closest('button[data-window]');
    if (button) go({ ...here(), window: Number(button.getAttribute('data-window')) });
  });
  entityPicker.addEventListener('change', () => go({ ...here(), entity: entityPicker.value }));
  datePicker.addEventListener('change', () => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(datePicker.value)) go({ ...here(), date: datePicker.value });
  });
  /** A live page follows its own links without loading the page again (a new tab or window as the browser does). */
  const follow = (event: Event): void => {
    const anchor = (event.target as Element | null)?.closest('a[href]');
    const path = anchor?.getAttribute('href') ?? '';
    const mouse = event as MouseEvent;
    if (boot.mode === 'live' && path.startsWith('/') && !mouse.ctrlKey && !mouse.metaKey && !mouse.shiftKey && mouse.button === 0) {
      event.preventDefault();
      win.history.pushState(null, '', path);
      void show();
    }
  };
  main.addEventListener('click', (event) => {
    const toggle = (event.target as Element | null)?.closest('button[data-filter]');
    if (toggle) {
      const status = toggle.getAttribute('data-filter');
      filter = filter === status ? null : status;
      redraw?.();
      return;
    }
    follow(event);
  });
  doc.querySelector('header.top')?.addEventListener('click', follow);
  win.addEventListener(boot.mode === 'static' ? 'hashchange' : 'popstate', () => void show());
  let resizing = 0;
  win.addEventListener('resize', () => {
    win.clearTimeout(resizing);
    resizing = win.setTimeout(() => redraw?.(), 150);
  });
  if (boot.mode === 'live' && boot.pollSeconds > 0) {
    win.setInterval(() => {
      get<VersionResponse>('/api/version')
        .then((answer) => {
          if (meta && answer.dataVersion !== meta.dataVersion) {
            meta = null;
            cache.clear();
            void show();
          }
        })
        .catch(() => undefined);
    }, boot.pollSeconds * 1000);
  }
  void show();
}
