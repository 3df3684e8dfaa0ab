import type uPlot from 'uplot';
import type { BacktestResponse, BoardCard, BoardResponse, ChangesResponse, DashboardMeta, KpiSeriesResponse } from '../dashboard-types.js';
import type { KpiInfo, PeriodFigures } from '../../mart/mart-types.js';
import type { BacktestPageView, DashboardBoot, KpiPageView, Route } from './page-types.js';

/**
 * The page's functions as each reaches the others: through this argument, never an import
 * (browser-script.ts puts their source in the page). Written out rather than derived from
 * the functions, so the functions can name it without an import cycle.
 */
export interface BrowserLib {
  escapeHtml(text: string): string;
  formatValue(value: number | null | undefined, format: string, currency: string, compact?: boolean): string;
  formatChange(fraction: number | null | undefined): string;
  changeTone(fraction: number | null | undefined, direction: string): string;
  signalWords(signals: string | null): string;
  apiPath(endpoint: string, params: Record<string, string | number | null | undefined>): string;
  parseRoute(text: string): Route;
  routePath(lib: BrowserLib, route: Route): string;
  renderPeriods(lib: BrowserLib, periods: PeriodFigures | null, kpi: KpiInfo, currency: string, short: boolean): string;
  renderBoard(lib: BrowserLib, meta: DashboardMeta, board: BoardResponse, changes: ChangesResponse | null, view: { filter: string | null; link: (kpi: string) => string }): string;
  renderTimeline(lib: BrowserLib, series: KpiSeriesResponse, current: number): string;
  renderKpiPage(lib: BrowserLib, meta: DashboardMeta, series: KpiSeriesResponse, view: KpiPageView): string;
  describeDay(lib: BrowserLib, meta: DashboardMeta, series: KpiSeriesResponse, index: number, window: number): string;
  drawSparkline(UPlot: typeof uPlot, element: HTMLElement, width: number, dates: readonly string[], spark: BoardCard['spark']): uPlot;
  drawKpiChart(lib: BrowserLib, UPlot: typeof uPlot, element: HTMLElement, meta: DashboardMeta, series: KpiSeriesResponse, window: number, onHover: (index: number | null) => void): uPlot;
  renderBacktestPage(lib: BrowserLib, meta: DashboardMeta, backtest: BacktestResponse, view: BacktestPageView): string;
  describeSetting(lib: BrowserLib, meta: DashboardMeta, setting: BacktestResponse['settings'][number]): string;
  drawBacktestChart(UPlot: typeof uPlot, element: HTMLElement, backtest: BacktestResponse, chosen: string, onHover: (label: string | null) => void, onChoose: (label: string) => void): uPlot;
  startDashboardApp(lib: BrowserLib, boot: DashboardBoot, win: Window & { uPlot?: typeof uPlot }): void;
}
