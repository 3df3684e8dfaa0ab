import type { Manifest, ManifestNode } from '../../manifest/types.js';
import { isEntry, type EntryReader } from './entry-reader.js';
import { readFixture, type FixtureSources } from './read-fixture.js';
import { readOverrides } from './read-overrides.js';
import { readableInputs } from './readable-inputs.js';
import { resolveInput } from './resolve-input.js';
import type { FixtureRow, GivenInput, UnitTestDefinition } from './types.js';

const GIVEN_KEYS = ['input', 'rows', 'format', 'fixture'];
const EXPECT_KEYS = ['rows', 'format', 'fixture'];

export interface DefinitionSources {
  findFixtureFile: FixtureSources['findFixtureFile'];
  /** A seed's rows from its CSV file, for a seed input without rows; null when it is no seed. */
  seedRows(uniqueId: string, reader: EntryReader): FixtureRow[] | null;
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
export function readUnitTestDefinition(entry: Record<string, unknown>, model: ManifestNode, manifest: Manifest, reader: EntryReader, sources: DefinitionSources): UnitTestDefinition | null {
  const overrides = readOverrides(entry.overrides, reader);
  const readable = readableInputs(manifest, model);
  const given: GivenInput[] = [];
  if (!Array.isArray(entry.given)) {
    reader.fail("'given' must be a list of inputs, each with input: ref('...'), source('...', '...') or this, and rows", reader.locate(...(entry.given === undefined ? [] : ['given'])));
  }
  (Array.isArray(entry.given) ? entry.given : []).forEach((item: unknown, index) => {
    if (!isEntry(item) || typeof item.input !== 'string') {
      reader.fail("each input needs input: ref('...'), source('...', '...') or this", reader.locate('given', index));
      return;
    }
    reader.checkKeys(item, GIVEN_KEYS, 'given', index);
    const resolved = resolveInput(manifest, model, item.input, readable);
    if ('problem' in resolved) {
      reader.fail(resolved.problem, reader.locate('given', index, 'input'), resolved.hint);
      return;
    }
    const { target } = resolved;
    if (given.some((input) => input.target.uniqueId === target.uniqueId)) {
      reader.fail(`${item.input} is given twice`, reader.locate('given', index, 'input'));
      return;
    }
    const input = item.input.trim();
    const fixture = readFixture(item, ['given', index], `input ${input}`, reader, {
      findFixtureFile: sources.findFixtureFile,
      seedRows: () => sources.seedRows(target.uniqueId, reader),
    });
    if (fixture) given.push({ ...fixture, input, target });
  });

  let expect = null;
  if (!isEntry(entry.expect)) reader.fail("'expect' must be a mapping with the expected rows", reader.locate(...(entry.expect === undefined ? [] : ['expect'])));
  else {
    reader.checkKeys(entry.expect, EXPECT_KEYS, 'expect');
    expect = readFixture(entry.expect, ['expect'], 'expect', reader, { findFixtureFile: sources.findFixtureFile, seedRows: () => null });
  }

  // dbt's rules for incremental models: say which mode is tested, and give `this` for an incremental run.
  if (isIncrementalModel(model)) {
    const mode = overrides.macros.is_incremental;
    if (typeof mode !== 'boolean') {
      reader.fail(
        `model '${model.name}' is incremental: set overrides.macros.is_incremental to true or false`,
        reader.locate(...(entry.overrides === undefined ? [] : ['overrides'])),
        'is_incremental: false tests a full build; true tests an incremental run, with `this` given as an input',
      );
    } else if (mode && !given.some((input) => input.target.kind === 'this')) {
      reader.fail(`model '${model.name}' is tested with is_incremental true, so it needs an input for \`this\` (the rows already in the table)`, reader.locate('given'));
    }
  }
  if (!reader.valid || !expect) return null;
  return { model: model.unique_id, given, expect, overrides, location: reader.locate() };
}
