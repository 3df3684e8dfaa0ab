import type { Diagnostics } from '../support/diagnostics.js';
import type { KeyPolicy } from '../support/key-policy.js';
import { formatYamlPath, type YamlFile, type YamlPath } from '../config/yaml-file.js';
import { YamlReader } from '../config/yaml-reader.js';
import type { SourceLocation } from '../errors.js';
import { readBacktestSection, type BacktestSettings } from './read-backtest-section.js';
import { readSettingsLayer, type SettingsLayer } from './read-settings-layer.js';

/** Precedence, lowest first: built-in defaults, `defaults`, the target's `defaults`, `kpis.X`, the target's `kpis.X`. */
export const LAYER_RANK = { builtin: 0, defaults: 1, targetDefaults: 2, kpi: 3, targetKpi: 4 } as const;

export interface TargetLayers {
  defaults: SettingsLayer;
  kpis: Record<string, SettingsLayer>;
}

/** The thresholds file, validated, as the layers it is made of. */
export interface ThresholdLayers {
  /** The file, as the project file names it. */
  file: string;
  defaults: SettingsLayer;
  kpis: Record<string, SettingsLayer>;
  targets: Record<string, TargetLayers>;
  /** Every KPI code the file names, and where: each must be a kpi_code of dim_kpi. */
  codes: Array<{ code: string; path: string; location: SourceLocation }>;
  /** What `kpi alerts backtest` scores against (`backtest:`), defaults filled in. */
  backtest: BacktestSettings;
}

/**
 * Unknown keys are errors here, unlike in the project file: a misspelt threshold would
 * silently leave the default in force, and alerts would fire (or not) on the wrong rule.
 */
const TOP_KEYS: KeyPolicy<'defaults' | 'kpis' | 'targets' | 'backtest'> = { known: ['defaults', 'kpis', 'targets', 'backtest'], unknown: 'error' };
const TARGET_KEYS: KeyPolicy<'defaults' | 'kpis'> = { known: ['defaults', 'kpis'], unknown: 'error' };

export function emptyLayer(): SettingsLayer {
  return { values: {}, origins: {} };
}

/**
 * Validate the thresholds file's shape and values. Never throws for what the file says:
 * every problem lands in `diagnostics`, and what was valid is still returned.
 */
export function readThresholdsFile(yaml: YamlFile, diagnostics: Diagnostics): ThresholdLayers {
  const reader = new YamlReader(yaml, diagnostics, { invalid: 'KPI_THRESHOLDS_INVALID', unknownKey: 'KPI_THRESHOLDS_INVALID' });
  const top = reader.entry(yaml.data, [], TOP_KEYS, 'sections (defaults, kpis, targets, backtest)');
  const layers: ThresholdLayers = { file: yaml.file, defaults: emptyLayer(), kpis: {}, targets: {}, codes: [], backtest: readBacktestSection(reader, top.backtest) };
  layers.defaults = readSettingsLayer(reader, top.defaults, ['defaults'], LAYER_RANK.defaults);
  layers.kpis = readKpis(reader, top.kpis, ['kpis'], LAYER_RANK.kpi, layers.codes);
  const targets = reader.mapping(top.targets, ['targets'], 'target names to overrides');
  for (const [name, value] of Object.entries(targets)) {
    const path = ['targets', name];
    const target = reader.entry(value, path, TARGET_KEYS, 'defaults and kpis');
    layers.targets[name] = {
      defaults: readSettingsLayer(reader, target.defaults, [...path, 'defaults'], LAYER_RANK.targetDefaults),
      kpis: readKpis(reader, target.kpis, [...path, 'kpis'], LAYER_RANK.targetKpi, layers.codes),
    };
  }
  return layers;
}

function readKpis(reader: YamlReader, value: unknown, path: YamlPath, rank: number, codes: ThresholdLayers['codes']): Record<string, SettingsLayer> {
  const kpis: Record<string, SettingsLayer> = {};
  for (const [code, settings] of Object.entries(reader.mapping(value, path, 'KPI codes to settings'))) {
    const codePath = [...path, code];
    codes.push({ code, path: formatYamlPath(codePath), location: reader.locate(codePath) });
    kpis[code] = readSettingsLayer(reader, settings, codePath, rank);
  }
  return kpis;
}
