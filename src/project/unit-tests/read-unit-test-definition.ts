import type { Manifest, ManifestNode } from '../../manifest/types.js';
import type { YamlReader } from '../../config/yaml-reader.js';
import { isPlainObject } from '../../support/is-plain-object.js';
import type { KeyPolicy } from '../../support/key-policy.js';
import { readFixture, type FixtureSources } from './read-fixture.js';
import { readOverrides } from './read-overrides.js';
import { readableInputs } from './readable-inputs.js';
import { resolveInput } from './resolve-input.js';
import type { FixtureRow, GivenInput, UnitTestDefinition } from './types.js';

const GIVEN_KEYS: KeyPolicy = { known: ['input', 'rows', 'format', 'fixture'], unknown: 'warn' };
const EXPECT_KEYS: KeyPolicy = { known: ['rows', 'format', 'fixture'], unknown: 'warn' };

export interface DefinitionSources {
  findFixtureFile: FixtureSources['findFixtureFile'];
  csvRows: FixtureSources['csvRows'];
  /** A seed's rows from its CSV file, for a seed input without rows; null when it is no seed. */
  seedRows(uniqueId: string, reader: YamlReader): FixtureRow[] | null;
}

function isIncrementalModel(model: ManifestNode): boolean {
  // dbt asks for the override when the model uses is_incremental(); kpi also when it is configured incremental.
  return model.config.materialized === 'incremental' || /\bis_incremental\s*\(/.test(model.raw_code);
}

/**
 * The checked, normalised definition of a unit test of `model`: its inputs resolved to
 * what they stand for, rows read, overrides collected. Null when anything was wrong
 * (each problem is reported through `reader` at its YAML position).
 */
export function readUnitTestDefinition(entry: Record<string, unknown>, model: ManifestNode, manifest: Manifest, reader: YamlReader, sources: DefinitionSources): UnitTestDefinition | null {
  const overrides = readOverrides(entry.overrides, reader);
  const readable = readableInputs(manifest, model);
  const given: GivenInput[] = [];
  if (!Array.isArray(entry.given)) {
    reader.failAt(reader.locate(entry.given === undefined ? [] : ['given']), "'given' must be a list of inputs, each with input: ref('...'), source('...', '...') or this, and rows");
  }
  (Array.isArray(entry.given) ? entry.given : []).forEach((item: unknown, index) => {
    if (!isPlainObject(item) || typeof item.input !== 'string') {
      reader.failAt(reader.locate(['given', index]), "each input needs input: ref('...'), source('...', '...') or this");
      return;
    }
    reader.checkKeys(item, GIVEN_KEYS, ['given', index]);
    const resolved = resolveInput(manifest, model, item.input, readable);
    if ('problem' in resolved) {
      reader.failAt(reader.locate(['given', index, 'input']), resolved.problem, resolved.hint);
      return;
    }
    const { target } = resolved;
    if (given.some((input) => input.target.uniqueId === target.uniqueId)) {
      reader.failAt(reader.locate(['given', index, 'input']), `${item.input} is given twice`);
      return;
    }
    const input = item.input.trim();
    const fixture = readFixture(item, ['given', index], `input ${input}`, reader, {
      findFixtureFile: sources.findFixtureFile,
      csvRows: sources.csvRows,
      seedRows: () => sources.seedRows(target.uniqueId, reader),
    });
    if (fixture) given.push({ ...fixture, input, target });
  });

  let expect = null;
  if (!isPlainObject(entry.expect)) reader.failAt(reader.locate(entry.expect === undefined ? [] : ['expect']), "'expect' must be a mapping with the expected rows");
  else {
    reader.checkKeys(entry.expect, EXPECT_KEYS, ['expect']);
    expect = readFixture(entry.expect, ['expect'], 'expect', reader, { findFixtureFile: sources.findFixtureFile, csvRows: sources.csvRows, seedRows: () => null });
  }

  // dbt's rules for incremental models: say which mode is tested, and give `this` for an incremental run.
  if (isIncrementalModel(model)) {
    const mode = overrides.macros.is_incremental;
    if (typeof mode !== 'boolean') {
      reader.failAt(
        reader.locate(entry.overrides === undefined ? [] : ['overrides']),
        `model '${model.name}' is incremental: set overrides.macros.is_incremental to true or false`,
        'is_incremental: false tests a full build; true tests an incremental run, with `this` given as an input',
      );
    } else if (mode && !given.some((input) => input.target.kind === 'this')) {
      reader.failAt(reader.locate(['given']), `model '${model.name}' is tested with is_incremental true, so it needs an input for \`this\` (the rows already in the table)`);
    }
  }
  if (!reader.valid || !expect) return null;
  return { model: model.unique_id, given, expect, overrides, location: reader.locate() };
}
