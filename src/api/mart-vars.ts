import { lookupVar } from '../template/vars.js';

/** The project vars the KPI mart's readers take: `--vars` first, then the project file's. */
export interface MartVars {
  cliVars: Record<string, unknown>;
  projectVars: Record<string, unknown>;
  project: string;
}

function textVar(name: string, fallback: string, vars: MartVars): string {
  const value = lookupVar(name, fallback, vars.cliVars, vars.projectVars, vars.project);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
}

/** How currency KPIs are written: the project's `currency_unit` var (an ISO code such as USD, or a symbol), USD by default. */
export function currencyUnit(vars: MartVars): string {
  return textVar('currency_unit', 'USD', vars);
}

/** Where `kpi dashboard` answers, for the links alerts send: the `dashboard_url` var, else its default local address. */
export function dashboardUrl(vars: MartVars): string {
  return textVar('dashboard_url', 'http://127.0.0.1:8180', vars);
}
