import type { KpiScore, Proposal } from '../../mart/backtest-score.js';
import type { BacktestRun } from './backtest-types.js';

/**
 * Per KPI, among the runs whose worst series (entity × window) has at most `budget` false
 * Reds a month: the highest recall; then the most sensitive (most Red days, true or false,
 * so the setting still sees the incidents nobody labelled); then the earlier run.
 */
export function proposeSettings(runs: readonly BacktestRun[], budget: number): Proposal[] {
  const codes = [...new Set(runs.flatMap((run) => run.kpis.map((kpi) => kpi.kpiCode)))];
  return codes.map((kpiCode) => {
    const candidates = runs.flatMap((run) => {
      const kpi = run.kpis.find((entry) => entry.kpiCode === kpiCode);
      return kpi ? [{ run, kpi }] : [];
    });
    const fits = candidates.filter(({ kpi }) => (kpi.worstFalseRedsPerMonth ?? 0) <= budget);
    const reds = (kpi: KpiScore) => kpi.trueReds + kpi.falseReds;
    const better = (a: (typeof fits)[number], b: (typeof fits)[number]) => (b.kpi.recall ?? -1) - (a.kpi.recall ?? -1) || reds(b.kpi) - reds(a.kpi);
    const best = [...fits].sort(better)[0];
    const lowest = candidates.reduce<number | null>((min, { kpi }) => (kpi.worstFalseRedsPerMonth === null ? min : Math.min(min ?? kpi.worstFalseRedsPerMonth, kpi.worstFalseRedsPerMonth)), null);
    return {
      kpiCode,
      run: best ? best.run.label : null,
      overrides: best ? best.run.overrides : [],
      recall: best ? best.kpi.recall : null,
      worstFalseRedsPerMonth: best ? best.kpi.worstFalseRedsPerMonth : null,
      bestWorstFalseRedsPerMonth: lowest,
    };
  });
}

function yamlValue(value: number | string | boolean): string {
  return typeof value === 'string' ? value : String(value);
}

/** The proposals as a `kpis:` snippet for config/thresholds.yml; a KPI no setting fits is a comment. */
export function proposalYaml(proposals: readonly Proposal[], budget: number): string {
  const lines = [`# kpi alerts backtest --budget ${budget}: per KPI, the setting with the highest recall that keeps`, `# every entity and window under ${budget} false Red(s) a month.`, 'kpis:'];
  for (const proposal of proposals) {
    if (proposal.run === null) {
      const best = proposal.bestWorstFalseRedsPerMonth;
      lines.push(`  # ${proposal.kpiCode}: no setting tried keeps it under the budget (best: ${best === null ? 'n/a' : best.toFixed(2)} false Reds a month)`);
      continue;
    }
    if (proposal.overrides.length === 0) {
      lines.push(`  # ${proposal.kpiCode}: the current settings fit`);
      continue;
    }
    lines.push(`  ${proposal.kpiCode}:`);
    const policy = proposal.overrides.filter(({ key }) => key.startsWith('policy.'));
    for (const { key, value } of proposal.overrides) if (!key.startsWith('policy.')) lines.push(`    ${key}: ${yamlValue(value)}`);
    if (policy.length > 0) {
      lines.push('    policy:');
      for (const { key, value } of policy) lines.push(`      ${key.slice('policy.'.length)}: ${yamlValue(value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
