/** What the KPI mart is made of, as the features that read it (alerts, dashboard) see it. */

export type KpiFormat = 'currency' | 'count' | 'percent';

export interface KpiInfo {
  id: number;
  code: string;
  name: string;
  section: string;
  subcategory: string | null;
  /** dim_kpi.format; anything unknown is shown as a plain number. */
  format: KpiFormat | string;
  /** up_good, down_good or neutral: which way a change is good news. */
  direction: string;
  sortOrder: number;
  description: string | null;
}

export interface EntityInfo {
  id: number;
  code: string;
  name: string;
  type: string | null;
}

export const PERIODS = ['day', 'mtd', 'qtd', 'ytd', 'last28'] as const;

export type Period = (typeof PERIODS)[number];

export interface PeriodFigure {
  value: number | null;
  prior: number | null;
  delta: number | null;
  /** A fraction: 0.05 is 5 %. */
  deltaPct: number | null;
}

export type PeriodFigures = Record<Period, PeriodFigure>;
